package nn

import (
	"math"
	"testing"
)

func TestLeakyReluForward(t *testing.T) {
	ResetDefaultGraph()
	x := Placeholder(None)
	y := LeakyRelu(x, 0.2)
	in := NewTensor([]float32{-2, -0.5, 0, 0.5, 3}, 5)
	out := NewSession().Run(y, Feed{x: in})
	want := []float32{-0.4, -0.1, 0, 0.5, 3}
	for i, w := range want {
		if got := out.Data()[i]; math.Abs(float64(got-w)) > 1e-6 {
			t.Errorf("LeakyRelu(%v, 0.2) = %v, want %v", in.Data()[i], got, w)
		}
	}
}

// TestLeakyReluGradient compares the gradient with central differences, for
// a slope below and above 1, away from the kink at 0.
func TestLeakyReluGradient(t *testing.T) {
	for _, alpha := range []float64{0.2, 0.01, 1.5} {
		ResetDefaultGraph()
		Seed(5)
		x := Variable(RandomNormal([]int{4, 6}, 1)).Named("x")
		checkGrads(t, weightedSum(LeakyRelu(x, alpha)), []*Node{x}, nil)
	}
}

func TestLeakyReluRefusesNaN(t *testing.T) {
	ResetDefaultGraph()
	defer func() {
		if e, ok := recover().(*Error); !ok || e.Op != "leaky_relu" {
			t.Errorf("LeakyRelu(x, NaN) panicked with %v, want a leaky_relu *Error", e)
		}
	}()
	LeakyRelu(Placeholder(None), math.NaN())
}
