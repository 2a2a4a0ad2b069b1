package nn

// The gradient-check harness of package nn's tests: every op's gradient is
// checked against central differences through checkGrads (or, where the
// expected gradient needs adjusting first, gradOf, numGrad and
// compareGrads).

import (
	"math"
	"testing"
)

// gradOf returns d loss / d v for each variable, read off one step of plain
// gradient descent with learning rate 1 (w' = w - g). A first step with
// learning rate 0 leaves last step's gradients in the buffers, so a buffer
// that is added to instead of overwritten would double the result.
func gradOf(t *testing.T, loss *Node, vars []*Node, feed Feed) [][]float32 {
	t.Helper()
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	opt := GradientDescentOptimizer(0)
	train := opt.Minimize(loss)
	s.Run(train, feed)
	opt.LearningRate = 1
	before := make([]*Tensor, len(vars))
	for i, v := range vars {
		before[i] = s.Value(v)
	}
	s.Run(train, feed)
	g := make([][]float32, len(vars))
	for i, v := range vars {
		after := s.Value(v)
		g[i] = make([]float32, after.Len())
		for j := range g[i] {
			g[i][j] = before[i].data[j] - after.data[j]
		}
	}
	return g
}

// numGrad estimates d loss / d v by central differences in float64 terms.
func numGrad(t *testing.T, loss *Node, v *Node, feed Feed) []float32 {
	t.Helper()
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	w := s.vars[v]
	g := make([]float32, w.Len())
	const h = 1e-2
	for j := range w.data {
		old := w.data[j]
		w.data[j] = old + h
		up := s.Run(loss, feed).Float()
		w.data[j] = old - h
		down := s.Run(loss, feed).Float()
		w.data[j] = old
		g[j] = float32((up - down) / (2 * h))
	}
	return g
}

// checkGrads compares the gradients the graph computes for vars with
// central differences.
func checkGrads(t *testing.T, loss *Node, vars []*Node, feed Feed) {
	t.Helper()
	got := gradOf(t, loss, vars, feed)
	for i, v := range vars {
		compareGrads(t, v, got[i], numGrad(t, loss, v, feed))
	}
}

// gradTol is how far a gradient may be from central differences: an
// absolute error below 1, a relative one above.
const gradTol = 2e-2

// compareGrads reports the elements of got, the graph's gradient for v,
// that are further than gradTol from want (at most five, so that a wrong
// gradient does not flood the log).
func compareGrads(t *testing.T, v *Node, got, want []float32) {
	t.Helper()
	bad := 0
	for j := range want {
		if d := math.Abs(float64(got[j] - want[j])); d > gradTol*math.Max(1, math.Abs(float64(want[j]))) {
			if bad++; bad <= 5 {
				t.Errorf("d/d%s[%d] = %g, numerically %g", v.Name(), j, got[j], want[j])
			}
		}
	}
	if bad > 5 {
		t.Errorf("d/d%s: %d of %d elements wrong in all", v.Name(), bad, len(want))
	}
}
