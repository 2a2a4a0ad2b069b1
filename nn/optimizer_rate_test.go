package nn

import "testing"

// TestOptimizerRate checks that each optimizer's accessors read and write
// the LearningRate field the training step uses.
func TestOptimizerRate(t *testing.T) {
	for _, o := range []Optimizer{AdamOptimizer(0.1), GradientDescentOptimizer(0.1), MomentumOptimizer(0.1, 0.9)} {
		if got := o.Rate(); got != 0.1 {
			t.Errorf("%v: Rate() = %v, want 0.1", o, got)
		}
		o.SetRate(0.025)
		var field float64
		switch o := o.(type) {
		case *Adam:
			field = o.LearningRate
		case *GradientDescent:
			field = o.LearningRate
		case *Momentum:
			field = o.LearningRate
		}
		if field != 0.025 || o.Rate() != 0.025 {
			t.Errorf("%v: after SetRate(0.025) the field is %v and Rate() %v", o, field, o.Rate())
		}
	}
}
