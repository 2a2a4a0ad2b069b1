package model

import (
	"testing"

	"github.com/nnlab/nnlab/nn"
)

// TestBuildLeavesTheUserGraph builds the tutorial's softmax regression on
// the default graph, then a model: the user's graph, names, session and
// variables must be as they were, and the user can go on adding to them.
func TestBuildLeavesTheUserGraph(t *testing.T) {
	nn.ResetDefaultGraph()
	x := nn.Placeholder(nn.None, 4)
	w := nn.Variable(nn.Constant(0.5, []int{4, 3})).Named("W")
	b := nn.Variable(nn.Constant(0.1, []int{3})).Named("b")
	y := nn.Softmax(nn.Add(nn.MatMul(x, w), b))
	sess := nn.NewSession()
	sess.Run(nn.GlobalVariablesInitializer(), nil)
	user := nn.DefaultGraph()
	nodes := len(user.Nodes())
	feed := nn.Feed{x: [][]float32{{1, 2, 3, 4}}}
	before := sess.Run(y, feed).Data()

	m := Sequential(Input(4), Dense(8, "relu"), Dense(3, "softmax"))
	m.Build()
	if m.Graph() == user {
		t.Fatal("the model was built in the user's default graph")
	}
	if nn.DefaultGraph() != user {
		t.Fatal("building a model replaced the default graph")
	}
	if n := len(user.Nodes()); n != nodes {
		t.Fatalf("the user's graph has %d nodes after the build, %d before", n, nodes)
	}
	if w.Name() != "W" || b.Name() != "b" {
		t.Fatalf("names changed: %q, %q", w.Name(), b.Name())
	}
	for _, v := range m.Graph().Variables() {
		for _, u := range user.Variables() {
			if v == u {
				t.Fatalf("variable %s is in both graphs", v.Name())
			}
		}
	}
	// The user's session and graph go on working, and a new node joins them.
	after := sess.Run(y, feed).Data()
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("output %d changed after the build: %v, was %v", i, after[i], before[i])
		}
	}
	w2 := nn.Variable(nn.Constant(1, []int{3})).Named("W")
	if w2.Name() != "W_1" {
		t.Fatalf("a second W in the user's graph is named %q, want W_1 (names were reset)", w2.Name())
	}
	z := nn.Mul(y, w2)
	sess.Run(nn.GlobalVariablesInitializer(), nil)
	if got := sess.Run(z, feed).Data(); got[0] != after[0] {
		t.Fatalf("user's graph after the build: %v, want %v", got[0], after[0])
	}
}

// TestGraphGlobalVariablesInitializer initialises an explicit graph's
// variables without touching the default graph.
func TestGraphGlobalVariablesInitializer(t *testing.T) {
	nn.ResetDefaultGraph()
	g := nn.NewGraph()
	v := g.Variable(nn.Constant(2, []int{2}))
	s := nn.NewSessionOn(g)
	s.Run(g.GlobalVariablesInitializer(), nil)
	if got := s.Value(v).Data(); got[0] != 2 || got[1] != 2 {
		t.Fatalf("after g.GlobalVariablesInitializer: %v, want [2 2]", got)
	}
	if n := len(nn.DefaultGraph().Nodes()); n != 0 {
		t.Fatalf("the default graph has %d nodes", n)
	}
}
