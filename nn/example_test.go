package nn_test

import (
	"fmt"
	"math"

	"github.com/nnlab/nnlab/nn"
)

// A placeholder is fed at each run; None leaves the batch size open until
// then, and ops work out their shapes from it.
func ExamplePlaceholder() {
	nn.ResetDefaultGraph()
	x := nn.Placeholder(nn.None, 784)
	w := nn.Variable(nn.TruncatedNormal([]int{784, 10}, 0.1))
	fmt.Println(nn.FormatShape(x.Shape()), "x", nn.FormatShape(w.Shape()), "=", nn.FormatShape(nn.MatMul(x, w).Shape()))
	// Output: [?,784] x [784,10] = [?,10]
}

// A variable's value lives in a session, set by GlobalVariablesInitializer.
func ExampleVariable() {
	nn.ResetDefaultGraph()
	b := nn.Variable(nn.Constant(0.1, []int{3})).Named("bias")
	sess := nn.NewSession()
	sess.Run(nn.GlobalVariablesInitializer(), nil)
	fmt.Println(b.Name(), sess.Value(b))
	// Output: bias Tensor(shape=[3], float32) [0.1 0.1 0.1]
}

// MatMul and Add make a dense layer; Add broadcasts the bias over the batch.
func ExampleMatMul() {
	nn.ResetDefaultGraph()
	x := nn.Const(nn.FromRows([][]float32{{1, 2}, {3, 4}}))
	w := nn.Const(nn.FromRows([][]float32{{1, 0, -1}, {0, 1, 1}}))
	b := nn.Const(nn.NewTensor([]float32{0.5, 0, 0}, 3))
	fmt.Println(nn.NewSession().Run(nn.Add(nn.MatMul(x, w), b), nil))
	// Output: Tensor(shape=[2,3], float32) [[1.5 2 1] [3.5 4 1]]
}

// Session.Run computes a node from the values fed to its placeholders; a
// single example fed to a batch placeholder is a batch of one.
func ExampleSession_Run() {
	nn.ResetDefaultGraph()
	x := nn.Placeholder(nn.None, 2)
	scale := nn.Placeholder() // a scalar, fed a plain number
	y := nn.Mul(x, scale)
	sess := nn.NewSession()
	fmt.Println(sess.Run(y, nn.Feed{x: [][]float32{{1, 2}, {3, 4}}, scale: 10}))
	fmt.Println(sess.Run(y, nn.Feed{x: []float32{5, 6}, scale: 0.5}))
	// Output:
	// Tensor(shape=[2,2], float32) [[10 20] [30 40]]
	// Tensor(shape=[1,2], float32) [[2.5 3]]
}

// The cross-entropy of logits that say nothing is log(classes); of logits
// that favour the right class, much less.
func ExampleSoftmaxCrossEntropyWithLogits() {
	nn.ResetDefaultGraph()
	labels := nn.Const(nn.FromRows([][]float32{{0, 1, 0}, {0, 1, 0}}))
	logits := nn.Const(nn.FromRows([][]float32{{0, 0, 0}, {0, 5, 0}}))
	xent := nn.NewSession().Run(nn.SoftmaxCrossEntropyWithLogits(labels, logits), nil)
	fmt.Printf("%.4f %.4f (log 3 = %.4f)\n", xent.At(0), xent.At(1), math.Log(3))
	// Output: 1.0986 0.0134 (log 3 = 1.0986)
}

// Minimize returns a training op; each run of it is one Adam step. Here
// Adam fits y = 2x - 1 from five points.
func ExampleAdam_Minimize() {
	nn.ResetDefaultGraph()
	nn.Seed(1)
	x := nn.Placeholder(nn.None, 1)
	y := nn.Placeholder(nn.None, 1)
	w := nn.Variable(nn.Constant(0, []int{1, 1}))
	b := nn.Variable(nn.Constant(0, []int{1}))
	pred := nn.Add(nn.MatMul(x, w), b)
	loss := nn.ReduceMean(nn.Square(nn.Sub(pred, y)))
	train := nn.AdamOptimizer(0.1).Minimize(loss)

	sess := nn.NewSession()
	sess.Run(nn.GlobalVariablesInitializer(), nil)
	feed := nn.Feed{x: [][]float32{{-2}, {-1}, {0}, {1}, {2}}, y: [][]float32{{-5}, {-3}, {-1}, {1}, {3}}}
	first := sess.Run(loss, feed).Float()
	for i := 0; i < 500; i++ {
		sess.Run(train, feed)
	}
	last := sess.Run(loss, feed).Float()
	fmt.Println("loss decreased:", last < first/1000)
	fmt.Printf("w %.2f, b %.2f, after %d steps\n", sess.Value(w).Float(), sess.Value(b).Float(), sess.Steps(train))
	// Output:
	// loss decreased: true
	// w 2.00, b -1.00, after 500 steps
}

// Ones, like numpy's ones; a constant node of ones, like tf.ones, is
// Const(Ones(...)).
func ExampleOnes() {
	s := nn.NewSession()
	fmt.Println(s.Run(nn.MatMul(nn.Const(nn.Ones(2, 3)), nn.Const(nn.Ones(3, 1))), nil).Data())
	// Output: [3 3]
}
