package nn

import (
	"testing"
)

// tutorialNet builds the tutorial's 784-512-256-128-10 network on a fresh
// default graph and returns its pieces.
func tutorialNet(relu bool) (x, y, keep, out, loss, train *Node) {
	ResetDefaultGraph()
	Seed(1)
	x, y, keep = Placeholder(None, 784), Placeholder(None, 10), Placeholder()
	h := x
	sizes := []int{784, 512, 256, 128}
	for i := 1; i < len(sizes); i++ {
		h = Add(MatMul(h, Variable(TruncatedNormal([]int{sizes[i-1], sizes[i]}, 0.1))), Variable(Constant(0.1, []int{sizes[i]})))
		if relu {
			h = Relu(h)
		}
	}
	if relu {
		h = Dropout(h, keep)
	}
	out = Add(MatMul(h, Variable(TruncatedNormal([]int{128, 10}, 0.1))), Variable(Constant(0.1, []int{10})))
	loss = ReduceMean(SoftmaxCrossEntropyWithLogits(y, out))
	train = AdamOptimizer(1e-4).Minimize(loss)
	return
}

func randomBatch(n int) (*Tensor, *Tensor) {
	r := NewRand("bench")
	bx, by := Zeros(n, 784), Zeros(n, 10)
	for i := range bx.data {
		bx.data[i] = r.Float32()
	}
	for i := 0; i < n; i++ {
		by.data[i*10+r.IntN(10)] = 1
	}
	return bx, by
}

// BenchmarkTrainStep is one Adam step of the tutorial network on a batch of 128.
func BenchmarkTrainStep(b *testing.B) {
	for _, relu := range []bool{false, true} {
		name := "linear"
		if relu {
			name = "relu_dropout"
		}
		b.Run(name, func(b *testing.B) {
			x, y, keep, _, _, train := tutorialNet(relu)
			s := NewSession()
			s.Run(GlobalVariablesInitializer(), nil)
			bx, by := randomBatch(128)
			feed := Feed{x: bx, y: by, keep: 0.5}
			s.Run(train, feed)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.Run(train, feed)
			}
		})
	}
}

// BenchmarkEvalTest is a forward pass over 10,000 images, as when the
// tutorial measures test accuracy.
func BenchmarkEvalTest(b *testing.B) {
	x, _, keep, out, _, _ := tutorialNet(false)
	pred := ArgMax(out, 1)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	bx, _ := randomBatch(10000)
	feed := Feed{x: bx, keep: 1.0}
	s.Run(pred, feed)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Run(pred, feed)
	}
}

func TestTrainStepAllocs(t *testing.T) {
	x, y, keep, _, _, train := tutorialNet(true)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	bx, by := randomBatch(128)
	feed := Feed{x: bx, y: by, keep: 0.5}
	s.Run(train, feed)
	if n := testing.AllocsPerRun(20, func() { s.Run(train, feed) }); n != 0 {
		t.Errorf("a training step allocates %v times, want 0", n)
	}
	// Images that are mostly zeros take the sparse first layer.
	for i := range bx.data {
		if i%5 != 0 {
			bx.data[i] = 0
		}
	}
	s.Run(train, feed)
	if !sparseTaken(s) {
		t.Fatal("the sparse path was not taken")
	}
	if n := testing.AllocsPerRun(20, func() { s.Run(train, feed) }); n != 0 {
		t.Errorf("a training step with a sparse first layer allocates %v times, want 0", n)
	}
}
