package model_test

import (
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
)

// TestShapesLeaveTheDefaultGraph checks that what an unbuilt model reports
// (Summary, CountParams, String, which the REPL shows after each cell) is
// worked out in a graph of its own: the user's default graph keeps its
// nodes, and layers can still be added.
func TestShapesLeaveTheDefaultGraph(t *testing.T) {
	nn.ResetDefaultGraph()
	x := nn.Placeholder(nn.None, 3)
	nodes := len(nn.DefaultGraph().Nodes())
	m := model.Sequential(model.Input(8, 8, 1), model.Conv2D(2, 3, "relu"), model.BatchNorm(), model.Dropout(0.5), model.Flatten())
	if s := m.Summary(); !strings.Contains(s, "(None, 6, 6, 2)") {
		t.Errorf("Summary:\n%s", s)
	}
	if tr, fixed := m.CountParams(); tr != 3*3*2+2+2*2 || fixed != 2*2 {
		t.Errorf("CountParams = %d, %d", tr, fixed)
	}
	_ = m.String()
	if n := len(nn.DefaultGraph().Nodes()); n != nodes || x.Graph() != nn.DefaultGraph() {
		t.Errorf("the default graph changed: %d nodes, now %d", nodes, n)
	}
	m.Add(model.Dense(3, "softmax")) // not built yet
	if m.Graph() != nil {
		t.Error("reporting shapes built the model")
	}
}
