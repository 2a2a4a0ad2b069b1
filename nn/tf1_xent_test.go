package nn

import (
	"math"
	"testing"
)

// TestXentLabelGradient checks the cross-entropy's label gradient against
// the closed form -log softmax(logits), computed here in float64, for
// logits far apart: no clamp at -log(1e-30) = 69.08 for a finite value.
func TestXentLabelGradient(t *testing.T) {
	ResetDefaultGraph()
	logits := []float32{0, -50, -200}
	// labels = v + one-hot: the gradient of v is the labels' gradient.
	v := Variable(Constant(0, []int{1, 3})).Named("v")
	labels := Add(v, Const(NewTensor([]float32{0, 0, 1}, 1, 3)))
	xent := SoftmaxCrossEntropyWithLogitsV2(labels, Const(NewTensor(logits, 1, 3)))
	loss := ReduceSum(xent)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	if got := s.Run(loss, nil).Float(); math.Abs(got-200) > 1e-4 {
		t.Errorf("loss %v, want 200", got)
	}
	lse := math.Log(1 + math.Exp(-50) + math.Exp(-200))
	got := gradOf(t, loss, []*Node{v}, nil)[0]
	for i, x := range logits {
		want := lse - float64(x) // -log softmax
		if d := math.Abs(float64(got[i]) - want); d > 1e-5*math.Max(1, want) {
			t.Errorf("d loss/d label[%d] = %v, want %v", i, got[i], want)
		}
	}
}

// TestXentTeacherStudent checks where gradient flows for labels computed by
// the graph (a teacher's softmax): TF1's op leaves the teacher alone, _v2
// trains it, and StopGradient turns _v2 back into the first; every nonzero
// gradient is compared with central differences.
func TestXentTeacherStudent(t *testing.T) {
	cases := []struct {
		name    string
		loss    func(labels, logits *Node) *Node
		teacher bool // whether the teacher gets a gradient
	}{
		{"v1", SoftmaxCrossEntropyWithLogits, false},
		{"v2", SoftmaxCrossEntropyWithLogitsV2, true},
		{"v2 stop", func(l, x *Node) *Node { return SoftmaxCrossEntropyWithLogitsV2(StopGradient(l), x) }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ResetDefaultGraph()
			Seed(3)
			x := Const(randTensor("xent/x", 4, 3))
			teacher := Variable(RandomNormal([]int{3, 5}, 1)).Named("teacher")
			student := Variable(RandomNormal([]int{3, 5}, 1)).Named("student")
			labels := Softmax(MatMul(x, teacher))
			loss := weightedSum(tc.loss(labels, MatMul(x, student)))
			got := gradOf(t, loss, []*Node{teacher, student}, nil)
			for i, v := range []*Node{teacher, student} {
				want := numGrad(t, loss, v, nil)
				if v == teacher && !tc.teacher {
					clear(want)
				}
				compareGrads(t, v, got[i], want)
			}
		})
	}
}

// TestNoGradientThroughLabels checks that a loss reaching variables only
// through labels (TF1's op) or StopGradient is refused by Minimize, as
// TensorFlow refuses a loss with no gradients.
func TestNoGradientThroughLabels(t *testing.T) {
	ResetDefaultGraph()
	v := Variable(RandomNormal([]int{2, 3}, 1))
	logits := Const(Zeros(2, 3))
	expectErrors(t, []errCase{
		{"labels", func() {
			GradientDescentOptimizer(1).Minimize(ReduceMean(SoftmaxCrossEntropyWithLogits(Softmax(v), logits)))
		}, "does not depend on any variable"},
		{"stop gradient", func() { GradientDescentOptimizer(1).Minimize(ReduceSum(StopGradient(v))) }, "does not depend on any variable"},
	})
	// StopGradient is the identity going forward.
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	a, b := s.Run(v, nil), s.Run(StopGradient(v), nil)
	for i := range a.data {
		if a.data[i] != b.data[i] {
			t.Fatalf("StopGradient changed element %d: %v to %v", i, a.data[i], b.data[i])
		}
	}
}

// TestDropoutKeep checks that a keep probability outside (0, 1] is one
// error: at construction for a constant, at run time for a fed value,
// after which the session goes on.
func TestDropoutKeep(t *testing.T) {
	ResetDefaultGraph()
	x := Placeholder(None, 4)
	keep := Placeholder()
	y := Dropout(x, keep)
	expectErrors(t, []errCase{
		{"const 0", func() { Dropout(x, ScalarConst(0)) }, "keep probability 0 is not in (0, 1]"},
		{"const 1.5", func() { Dropout(x, ScalarConst(1.5)) }, "keep probability 1.5 is not in (0, 1]"},
	})
	s := NewSession()
	for _, k := range []float64{0, -1, 2, math.NaN()} {
		if _, err := s.RunContext(t.Context(), []*Node{y}, Feed{x: Zeros(2, 4), keep: k}); err == nil {
			t.Errorf("keep %v: no error", k)
		}
	}
	out, err := s.RunContext(t.Context(), []*Node{y}, Feed{x: NewTensor([]float32{1, 2, 3, 4}, 1, 4), keep: 1})
	if err != nil || out[0].data[3] != 4 {
		t.Fatalf("keep 1 after errors: %v, %v", out, err)
	}
}
