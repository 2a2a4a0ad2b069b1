package nn

import (
	"context"
	"math"
	"testing"
)

// TestBatchNormMovingStatsOnlyInSteps checks that BatchNorm's moving
// statistics change only in training steps: not when the loss is computed
// in training mode, nor in a step run in inference mode, nor in a step
// stopped by an interrupt; and that a step's update uses the unbiased batch
// variance, computed here in float64 (TensorFlow's fused kernel's rule).
func TestBatchNormMovingStatsOnlyInSteps(t *testing.T) {
	ResetDefaultGraph()
	x := Placeholder(None, 3)
	train := Placeholder()
	bn := BatchNorm(x, train)
	_, _, mean, variance := bnParams(bn)
	loss := ReduceMean(Square(bn))
	step := GradientDescentOptimizer(0.1).Minimize(loss)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	xt := randTensor("bn/steps", 5, 3)
	stats := func() []float32 {
		return append(s.Value(mean).Data(), s.Value(variance).Data()...)
	}
	start := stats()
	same := func(what string) {
		t.Helper()
		for i, v := range stats() {
			if v != start[i] {
				t.Fatalf("%s changed the moving statistics: %v to %v", what, start, stats())
			}
		}
	}
	s.Run(loss, Feed{x: xt, train: 1})
	same("computing the loss in training mode")
	s.RunAll([]*Node{loss, bn}, Feed{x: xt, train: 1})
	same("computing the loss and the output in training mode")
	s.Run(step, Feed{x: xt, train: 0})
	same("a training step in inference mode")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.RunContext(ctx, []*Node{step}, Feed{x: xt, train: 1}); err == nil {
		t.Fatal("a cancelled step ran")
	}
	same("a cancelled training step")

	// One step with training and its loss in the same run: one update.
	s.RunAll([]*Node{step, loss}, Feed{x: xt, train: 1})
	got := stats()
	n := 5
	for ch := 0; ch < 3; ch++ {
		var mu, ss float64
		for r := 0; r < n; r++ {
			mu += float64(xt.data[r*3+ch]) / float64(n)
		}
		for r := 0; r < n; r++ {
			d := float64(xt.data[r*3+ch]) - mu
			ss += d * d
		}
		wantM := 0.99*float64(start[ch]) + 0.01*mu
		wantV := 0.99*float64(start[3+ch]) + 0.01*ss/float64(n-1)
		if math.Abs(float64(got[ch])-wantM) > 1e-6 || math.Abs(float64(got[3+ch])-wantV) > 1e-6 {
			t.Errorf("channel %d: moving mean %v variance %v, want %v %v", ch, got[ch], got[3+ch], wantM, wantV)
		}
	}
}

// TestBatchNormTwoOptimizers checks that a run of two training ops over one
// BatchNorm updates its statistics once, and that a BatchNorm the trained
// loss does not depend on is left alone.
func TestBatchNormTwoOptimizers(t *testing.T) {
	ResetDefaultGraph()
	x := Placeholder(None, 2)
	train := Placeholder()
	bn := BatchNorm(x, train)
	other := BatchNorm(x, train)
	_, _, mean, _ := bnParams(bn)
	_, _, otherMean, _ := bnParams(other)
	loss := ReduceMean(Square(bn))
	a := GradientDescentOptimizer(0.1).Minimize(loss)
	b := GradientDescentOptimizer(0.1).Minimize(loss)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	xt := NewTensor([]float32{1, 2, 3, 4}, 2, 2)
	s.RunAll([]*Node{a, b, other}, Feed{x: xt, train: 1})
	if got, want := s.Value(mean).data[0], float32(0.01*2); math.Abs(float64(got-want)) > 1e-7 {
		t.Errorf("moving mean %v after one run of two steps, want %v (one update)", got, want)
	}
	if got := s.Value(otherMean).data[0]; got != 0 {
		t.Errorf("the BatchNorm off the loss's path moved its mean to %v", got)
	}
}
