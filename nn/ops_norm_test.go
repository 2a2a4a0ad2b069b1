package nn

import (
	"fmt"
	"math"
	"testing"
)

// bnParams returns BatchNorm's gamma, beta, moving mean and moving variance.
func bnParams(bn *Node) (gamma, beta, mean, variance *Node) {
	in := bn.Inputs()
	return in[2], in[3], in[4], in[5]
}

// withParts runs f with BatchNorm (and the convolutions) on one core and
// split three ways.
func withParts(t *testing.T, f func(t *testing.T)) {
	defer func(old int) { convParts = old }(convParts)
	for _, parts := range []int{1, 3} {
		convParts = parts
		t.Run(fmt.Sprintf("parts=%d", parts), f)
	}
}

func TestBatchNormGradients(t *testing.T) {
	withParts(t, testBatchNormGradients)
}

func testBatchNormGradients(t *testing.T) {
	for _, shape := range [][]int{{6, 3}, {2, 3, 3, 2}} {
		for _, training := range []float64{1, 0} {
			t.Run(FormatShape(shape)+map[float64]string{1: "/training", 0: "/inference"}[training], func(t *testing.T) {
				ResetDefaultGraph()
				Seed(5)
				x := Variable(RandomNormal(shape, 1)).Named("x")
				train := Placeholder()
				// Scale x so that the statistics are not trivially 0 and 1.
				bn := BatchNorm(Add(Mul(x, ScalarConst(2)), ScalarConst(0.5)), train)
				gamma, beta, _, _ := bnParams(bn)
				// gamma and beta start at 1 and 0; move them off so that their
				// own gradients are exercised through non-trivial values.
				y := Add(Mul(bn, Variable(RandomNormal([]int{shape[len(shape)-1]}, 1)).Named("scale")), ScalarConst(0))
				loss := weightedSum(Mul(y, Add(y, ScalarConst(1))))
				checkGrads(t, loss, []*Node{x, gamma, beta}, Feed{train: training})
			})
		}
	}
}

func TestBatchNormForward(t *testing.T) {
	withParts(t, testBatchNormForward)
}

func testBatchNormForward(t *testing.T) {
	ResetDefaultGraph()
	x := Placeholder(None, 2, 2, 3)
	train := Placeholder()
	bn := BatchNorm(x, train)
	gamma, beta, mean, variance := bnParams(bn)
	if gamma.Trainable() != true || beta.Trainable() != true || mean.Trainable() || variance.Trainable() {
		t.Fatalf("trainable: gamma %v beta %v moving mean %v moving variance %v", gamma.Trainable(), beta.Trainable(), mean.Trainable(), variance.Trainable())
	}
	loss := ReduceMean(Square(bn))
	step := AdamOptimizer(0.1).Minimize(loss)
	for _, v := range step.train.vars {
		if v == mean || v == variance {
			t.Fatalf("the optimizer trains %s", v.Name())
		}
	}
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	xt := randTensor("bn", 4, 2, 2, 3)
	// Per-channel batch statistics, in float64.
	const c = 3
	m := len(xt.data) / c
	var mu, vr [c]float64
	for i, v := range xt.data {
		mu[i%c] += float64(v) / float64(m)
	}
	for i, v := range xt.data {
		d := float64(v) - mu[i%c]
		vr[i%c] += d * d / float64(m)
	}

	y := s.Run(bn, Feed{x: xt, train: 1})
	for i, v := range y.data {
		want := (float64(xt.data[i]) - mu[i%c]) / math.Sqrt(vr[i%c]+1e-3)
		if math.Abs(float64(v)-want) > 1e-4 {
			t.Fatalf("training y[%d] = %g, want %g", i, v, want)
		}
	}
	// That run left the averages alone; two training steps move them, by
	// the unbiased variance.
	s.Run(step, Feed{x: xt, train: 1})
	s.Run(step, Feed{x: xt, train: 1})
	mm, mv := s.Value(mean), s.Value(variance)
	for i := 0; i < c; i++ {
		wantM, wantV := 0.0, 1.0
		for range 2 {
			wantM = 0.99*wantM + 0.01*mu[i]
			wantV = 0.99*wantV + 0.01*vr[i]*float64(m)/float64(m-1)
		}
		if math.Abs(float64(mm.data[i])-wantM) > 1e-5 || math.Abs(float64(mv.data[i])-wantV) > 1e-5 {
			t.Errorf("channel %d: moving mean %g variance %g, want %g %g", i, mm.data[i], mv.data[i], wantM, wantV)
		}
	}
	// Inference uses the moving statistics and leaves them alone.
	g, b := s.Value(gamma), s.Value(beta)
	y = s.Run(bn, Feed{x: xt, train: 0})
	for i, v := range y.data {
		k := i % c
		want := float64(g.data[k])*(float64(xt.data[i])-float64(mm.data[k]))/math.Sqrt(float64(mv.data[k])+1e-3) + float64(b.data[k])
		if math.Abs(float64(v)-want) > 1e-4 {
			t.Fatalf("inference y[%d] = %g, want %g", i, v, want)
		}
	}
	if after := s.Value(mean); after.data[0] != mm.data[0] {
		t.Errorf("inference changed the moving mean: %g to %g", mm.data[0], after.data[0])
	}
}

func TestBatchNormShapeErrors(t *testing.T) {
	ResetDefaultGraph()
	cases := []errCase{
		{"flag", func() { BatchNorm(Placeholder(None, 4), Placeholder(1)) }, "batch_norm: training flag must be a scalar, got shape [1]"},
		{"rank", func() { BatchNorm(Placeholder(4), Placeholder()) }, "batch_norm: input [4] needs a batch axis and a channel axis"},
		{"channels", func() { BatchNorm(Placeholder(None, None), Placeholder()) }, "the last (channel) dimension must be known"},
		{"frozen only", func() {
			v := Variable(Constant(1, []int{2})).NotTrainable()
			AdamOptimizer(1e-3).Minimize(ReduceSum(v))
		}, "does not depend on any variable"},
	}
	expectErrors(t, cases)
}

func TestBatchNormAllocs(t *testing.T) {
	ResetDefaultGraph()
	x, train := Placeholder(None, 12, 12, 64), Placeholder()
	f := Variable(GlorotUniform([]int{3, 3, 64, 64}))
	loss := ReduceMean(Square(BatchNorm(Conv2D(x, f, 1, "SAME"), train)))
	step := AdamOptimizer(1e-3).Minimize(loss)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	feed := Feed{x: randTensor("x", 64, 12, 12, 64), train: 1}
	s.Run(step, feed)
	if n := testing.AllocsPerRun(3, func() { s.Run(step, feed) }); n != 0 {
		t.Errorf("a training step with BatchNorm allocates %v times, want 0", n)
	}
}
