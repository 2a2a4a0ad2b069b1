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

// TestLeakyReluGradient compares the gradient with central differences,
// for a slope below and above 1. The op's input is c*w with w near 1 and the
// elements of c away from 0, so no finite difference crosses the kink.
func TestLeakyReluGradient(t *testing.T) {
	c := Zeros(4, 6)
	for i := range c.data {
		c.data[i] = float32(i%5) - 2.3 + float32(i%3)*0.4 // both signs, never 0
	}
	for _, alpha := range []float64{0.2, 0.01, 1.5} {
		ResetDefaultGraph()
		w := Variable(Constant(1, []int{6})).Named("w")
		checkGrads(t, weightedSum(LeakyRelu(Mul(Const(c), w), alpha)), []*Node{w}, nil)
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
