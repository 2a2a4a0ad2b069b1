package nn

import "testing"

// TestGraphLeaves builds and runs a graph with its own leaves, BatchNorm
// included, and checks that the default graph is left alone.
func TestGraphLeaves(t *testing.T) {
	ResetDefaultGraph()
	before := len(DefaultGraph().Nodes())
	g := NewGraph()
	x := g.Placeholder(None, 2)
	w := g.Variable(Constant(2, []int{2, 3}))
	training := g.Placeholder()
	y := BatchNorm(Add(MatMul(x, w), g.Const(NewTensor([]float32{1, 2, 3}, 3))), training)
	if n := len(DefaultGraph().Nodes()); n != before {
		t.Errorf("the default graph grew from %d to %d nodes", before, n)
	}
	for _, n := range g.Nodes() {
		if n.Graph() != g {
			t.Errorf("%s is not in g", n)
		}
	}
	if vs := g.Variables(); len(vs) != 5 { // w and BatchNorm's four
		t.Errorf("g has %d variables, want 5", len(vs))
	}
	s := NewSessionOn(g)
	s.Run(g.add(&Node{kind: kindInit}, "init"), nil)
	out := s.Run(y, Feed{x: [][]float32{{1, 1}}, training: 0.0})
	// Inference mode with fresh statistics (mean 0, variance 1): about x·w + c.
	for i, want := range []float32{5, 6, 7} {
		if d := out.Data()[i] - want; d > 1e-2 || d < -1e-2 {
			t.Errorf("output[%d] = %v, want about %v", i, out.Data()[i], want)
		}
	}
}
