package nn_test

import (
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
)

// TestTutorial runs the tutorial's network on the real MNIST data and checks
// it learns as the tutorial says: about 92% on the test set after 1000 steps.
func TestTutorial(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	data, err := mnist.ReadDataSets("", true)
	if err != nil {
		t.Fatal(err)
	}
	nn.ResetDefaultGraph()
	nn.Seed(1)
	X := nn.Placeholder(nn.None, 784)
	Y := nn.Placeholder(nn.None, 10)
	keepProb := nn.Placeholder()
	layer := func(in *nn.Node, nIn, nOut int) *nn.Node {
		w := nn.Variable(nn.TruncatedNormal([]int{nIn, nOut}, 0.1))
		b := nn.Variable(nn.Constant(0.1, []int{nOut}))
		return nn.Add(nn.MatMul(in, w), b)
	}
	l1 := layer(X, 784, 512)
	l2 := layer(l1, 512, 256)
	l3 := layer(l2, 256, 128)
	_ = nn.Dropout(l3, keepProb) // computed but unused, as in the tutorial
	out := layer(l3, 128, 10)
	loss := nn.ReduceMean(nn.SoftmaxCrossEntropyWithLogits(Y, out))
	train := nn.AdamOptimizer(1e-4).Minimize(loss)
	acc := nn.ReduceMean(nn.Cast(nn.Equal(nn.ArgMax(out, 1), nn.ArgMax(Y, 1)), nn.Float32))
	sess := nn.NewSession()
	sess.Run(nn.GlobalVariablesInitializer(), nil)
	var first float64
	for i := 0; i < 1000; i++ {
		bx, by := data.Train.NextBatch(128)
		sess.Run(train, nn.Feed{X: bx, Y: by, keepProb: 0.5})
		if i == 0 {
			first = sess.Run(loss, nn.Feed{X: bx, Y: by, keepProb: 1.0}).Float()
		}
	}
	got := sess.Run(acc, nn.Feed{X: data.Test.Images, Y: data.Test.Labels, keepProb: 1.0}).Float()
	t.Logf("first loss %.3f, test accuracy %.4f", first, got)
	if got < 0.90 || got > 0.94 {
		t.Errorf("test accuracy %.4f, want about 0.92", got)
	}
	if sess.Steps(train) != 1000 {
		t.Errorf("Adam took %d steps, want 1000", sess.Steps(train))
	}
}
