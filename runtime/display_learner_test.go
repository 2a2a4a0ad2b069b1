package runtime

import (
	"context"
	"strings"
	"testing"
)

// TestDisplayForLearners checks that values print as a learner needs them:
// structs by their fields, small tensors whole, float32 results in float32
// precision, user types through String, comma lists value by value.
func TestDisplayForLearners(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "x := nn.NewTensor([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 10)", out: ""},
		{cell: "x", out: "Tensor(shape=[10], float32)\n[1 2 3 4 5 6 7 8 9 10]"},
		{cell: "nn.NewTensor([]float32{1, 2, 3, 4, 5, 6}, 2, 3)", out: "Tensor(shape=[2,3], float32)\n[[1 2 3]\n [4 5 6]]"},
		{cell: "nn.NewTensor([]float32{0.9075}, 1).At(0)", out: "0.9075"},
		{cell: "f := 0.1", out: ""},
		{cell: "f", out: "0.1"},
		{cell: "type Pt struct { X, Y int }", out: ""},
		{cell: "func (p Pt) String() string { return fmt.Sprintf(\"(%d|%d)\", p.X, p.Y) }", out: ""},
		{cell: "p := Pt{1, 2}", out: ""},
		{cell: "p", out: "(1|2)"},
		{cell: "p, 3", out: "((1|2), 3)"},
		{cell: "q := struct{ A int; B string }{3, \"b\"}", out: ""},
		{cell: "q", out: `{A: 3, B: "b"}`},
		{cell: "len(\"abc\"), f", out: "(3, 0.1)"},
		{cell: "ds := &mnist.DataSet{Images: nn.NewTensor(make([]float32, 784*20), 20, 784), NumExamples: 20}", out: ""},
		{cell: "ds", out: "&mnist.DataSet{\n  Images: Tensor(shape=[20,784], float32),\n  Labels: nil,\n  NumExamples: 20,\n}"},
		{cell: "ds2 := &mnist.DataSet{NumExamples: 2}", out: ""},
		{cell: "ds2", out: "&mnist.DataSet{Images: nil, Labels: nil, NumExamples: 2}"},
	})
	// A tensor of more than 1000 values is shortened.
	out, err := s.Eval(context.Background(), "nn.NewTensor(make([]float32, 1001), 1001)")
	if err != nil || !strings.Contains(out, "...") {
		t.Errorf("1001 values: %q, %v", out, err)
	}
	// :vars describes a struct by its fields too.
	if d := s.Describe("ds"); !strings.HasPrefix(d, "&mnist.DataSet{Images: Tensor(shape=[20,784]") {
		t.Errorf("Describe(ds) = %q", d)
	}
}

// TestDisplayMidCell checks display(v): each call prints at once, as a bare
// expression would, and the cell's own value still follows.
func TestDisplayMidCell(t *testing.T) {
	s, stdout, _ := newSession(t)
	out, err := s.Eval(context.Background(), "for i := 0; i < 2; i++ { display(i, float32(0.5)) }\ndisplay(nn.NewTensor([]float32{1, 2}, 2))\n7")
	if err != nil {
		t.Fatal(err)
	}
	if want := "(0, 0.5)\n(1, 0.5)\nTensor(shape=[2], float32)\n[1 2]\n"; stdout.String() != want {
		t.Errorf("display wrote %q, want %q", stdout.String(), want)
	}
	if out != "7" {
		t.Errorf("the cell's value: %q", out)
	}
	// A name of the user's own may hide it.
	runSteps(t, s, []step{
		{cell: "func display(n int) int { return n * 2 }", out: ""},
		{cell: "display(4)", out: "8"},
	})
}
