package nn

import (
	"math"
	"strings"
	"testing"
)

// A hyperparameter that would make the weights NaN or infinite is refused
// with a message naming it, and no variable changes.
func TestNonFiniteStepRefused(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name string
		opt  func() Optimizer
		want string
	}{
		{"gd NaN", func() Optimizer { return GradientDescentOptimizer(nan) }, "GradientDescent's LearningRate is NaN"},
		{"gd Inf", func() Optimizer { return GradientDescentOptimizer(inf) }, "LearningRate is +Inf"},
		{"gd overflows float32", func() Optimizer { return GradientDescentOptimizer(1e300) }, "LearningRate is 1e+300"},
		{"adam NaN", func() Optimizer { return AdamOptimizer(nan) }, "Adam's LearningRate is NaN"},
		{"adam beta1 1", func() Optimizer { a := AdamOptimizer(0.01); a.Beta1 = 1; return a }, "Beta1 is 1"},
		{"adam beta2 NaN", func() Optimizer { a := AdamOptimizer(0.01); a.Beta2 = nan; return a }, "Beta2 is NaN"},
		{"adam epsilon -1", func() Optimizer { a := AdamOptimizer(0.01); a.Epsilon = -1; return a }, "Epsilon is -1"},
		{"momentum NaN", func() Optimizer { return MomentumOptimizer(0.1, nan) }, "Momentum's Momentum is NaN"},
		// Finite hyperparameters, but a gradient too large to take.
		{"huge gradient", func() Optimizer { return GradientDescentOptimizer(0.1) }, "the gradient of"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ResetDefaultGraph()
			x := Placeholder(None, 2)
			w := Variable(Constant(0.5, []int{2, 1}))
			loss := ReduceMean(MatMul(x, w))
			train := c.opt().Minimize(loss)
			s := NewSession()
			s.Run(GlobalVariablesInitializer(), nil)
			before := s.Value(w)
			in := [][]float32{{1, 2}}
			if c.name == "huge gradient" {
				in = [][]float32{{1e20, 2}}
			}
			_, err := s.RunContext(t.Context(), []*Node{train}, Feed{x: in})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "unchanged") {
				t.Fatalf("err = %v, want it to contain %q and say the variables are unchanged", err, c.want)
			}
			after := s.Value(w)
			for i := range before.data {
				if before.data[i] != after.data[i] {
					t.Fatalf("w changed from %v to %v", before.data, after.data)
				}
			}
			if n := s.Steps(train); n != 0 {
				t.Errorf("Steps = %d after a refused step, want 0", n)
			}
		})
	}
}

func TestBadGrad(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, n := range []int{1, 7, 8, 9, 64, 67} {
		for _, c := range []struct {
			v   float32
			bad bool
		}{{0, false}, {-3.5, false}, {9e17, false}, {-9e17, false}, {1e18, true}, {-1e19, true}, {nan, true}, {inf, true}, {-inf, true}, {float32(math.Copysign(0, -1)), false}} {
			for _, at := range []int{0, n / 2, n - 1} {
				g := make([]float32, n)
				for i := range g {
					g[i] = float32(i%5) - 2
				}
				g[at] = c.v
				want := -1
				if c.bad {
					want = at
				}
				if got := badGrad(g); got != want {
					t.Errorf("len %d, %v at %d: badGrad = %d, want %d", n, c.v, at, got, want)
				}
			}
		}
	}
}
