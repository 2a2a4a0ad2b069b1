package nn_test

import (
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
)

// TestTutorial runs the tutorial's network on the real MNIST data and checks
// it learns as the tutorial says: about 92% on the test set after 1000
// steps as written (no activation, dropout computed but unused), and more
// with its defects fixed (ReLU, dropout applied).
func TestTutorial(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	if _, err := mnist.ReadDataSets("", true); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		fixed    bool
		min, max float64
	}{
		{"as written", false, 0.90, 0.94},
		{"relu and dropout", true, 0.93, 0.97},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nn.ResetDefaultGraph()
			nn.Seed(1)
			data, _ := mnist.ReadDataSets("", true) // batches start afresh
			X := nn.Placeholder(nn.None, 784)
			Y := nn.Placeholder(nn.None, 10)
			keepProb := nn.Placeholder()
			layer := func(in *nn.Node, nIn, nOut int) *nn.Node {
				w := nn.Variable(nn.TruncatedNormal([]int{nIn, nOut}, 0.1))
				b := nn.Variable(nn.Constant(0.1, []int{nOut}))
				return nn.Add(nn.MatMul(in, w), b)
			}
			act := func(x *nn.Node) *nn.Node {
				if tc.fixed {
					return nn.Relu(x)
				}
				return x
			}
			l1 := act(layer(X, 784, 512))
			l2 := act(layer(l1, 512, 256))
			l3 := act(layer(l2, 256, 128))
			drop := nn.Dropout(l3, keepProb)
			last := l3 // the tutorial's output layer reads layer_3, not the dropout
			if tc.fixed {
				last = drop
			}
			out := layer(last, 128, 10)
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
			if got < tc.min || got > tc.max {
				t.Errorf("test accuracy %.4f, want %.2f-%.2f", got, tc.min, tc.max)
			}
			if sess.Steps(train) != 1000 {
				t.Errorf("Adam took %d steps, want 1000", sess.Steps(train))
			}
		})
	}
}

// TestResumeWithPosition saves weights, Adam state and the MNIST batching
// position midway, restores them into a freshly built graph and checks that
// the continued run matches an uninterrupted one exactly.
func TestResumeWithPosition(t *testing.T) {
	build := func() (x, y, keep, out, train *nn.Node, s *nn.Session, data *mnist.DataSets) {
		nn.ResetDefaultGraph()
		nn.Seed(3)
		data, err := mnist.ReadDataSets("", true)
		if err != nil {
			t.Fatal(err)
		}
		x, y, keep = nn.Placeholder(nn.None, 784), nn.Placeholder(nn.None, 10), nn.Placeholder()
		h := nn.Relu(nn.Add(nn.MatMul(x, nn.Variable(nn.TruncatedNormal([]int{784, 64}, 0.1)).Named("w1")), nn.Variable(nn.Constant(0.1, []int{64})).Named("b1")))
		out = nn.Add(nn.MatMul(nn.Dropout(h, keep), nn.Variable(nn.TruncatedNormal([]int{64, 10}, 0.1)).Named("w2")), nn.Variable(nn.Constant(0.1, []int{10})).Named("b2"))
		train = nn.AdamOptimizer(1e-3).Minimize(nn.ReduceMean(nn.SoftmaxCrossEntropyWithLogits(y, out)))
		s = nn.NewSession()
		s.Run(nn.GlobalVariablesInitializer(), nil)
		return x, y, keep, out, train, s, data
	}
	steps := func(s *nn.Session, x, y, keep, train *nn.Node, d *mnist.DataSet, n int) {
		for i := 0; i < n; i++ {
			bx, by := d.NextBatch(50)
			s.Run(train, nn.Feed{x: bx, y: by, keep: 0.5})
		}
	}
	x, y, keep, out, train, s, data := build()
	steps(s, x, y, keep, train, data.Train, 40)
	probe := data.Test.Images.Slice(0, 5)
	want := s.Run(out, nn.Feed{x: probe, keep: 1.0}).Data()

	path := t.TempDir() + "/ckpt.safetensors"
	x, y, keep, _, train, s, data = build()
	steps(s, x, y, keep, train, data.Train, 20)
	if err := s.SaveWithPosition(path, data.Train); err != nil {
		t.Fatal(err)
	}
	x, y, keep, out, train, s, data = build()
	if err := s.RestoreWithPosition(path, data.Train); err != nil {
		t.Fatal(err)
	}
	steps(s, x, y, keep, train, data.Train, 20)
	got := s.Run(out, nn.Feed{x: probe, keep: 1.0}).Data()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("logit %d: resumed %v, uninterrupted %v", i, got[i], want[i])
		}
	}
}
