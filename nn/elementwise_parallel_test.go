package nn

import (
	"math"
	"testing"

	"github.com/nnlab/nnlab/nn/gemm"
)

// TestParallelElementwise runs the passes that split over cores (ReLU, bias
// add, dropout and their gradients, on a tensor above ewMinParallel) on one
// and on two goroutines: values and gradients must be identical, the
// dropout mask too (it is drawn per fixed chunk), and the gradients right.
func TestParallelElementwise(t *testing.T) {
	const rows, cols = 2000, 100 // 200,000 values
	x := Placeholder(-1, cols)
	b := Variable(Constant(0.1, []int{cols}))
	w := Variable(Constant(0.5, []int{cols, 1}))
	keep := Placeholder()
	h := Dropout(Relu(Add(x, b)), keep)
	loss := ReduceSum(MatMul(h, w))
	r := NewRand("test/parallel")
	xs := make([]float32, rows*cols)
	for i := range xs {
		xs[i] = float32(r.NormFloat64())
	}
	feed := Feed{x: NewTensor(xs, rows, cols), keep: 0.75}

	train := GradientDescentOptimizer(1).Minimize(loss)
	// run returns h and d loss/d b, read off one step of gradient descent
	// with learning rate 1 in the same pass (so with the same mask).
	run := func(threads int) (*Tensor, []float32) {
		gemm.SetThreads(threads)
		defer gemm.SetThreads(0)
		Seed(7)
		s := NewSession()
		s.Run(GlobalVariablesInitializer(), nil)
		before := s.Value(b)
		out := s.RunAll([]*Node{h, train}, feed)
		after := s.Value(b)
		g := make([]float32, cols)
		for j := range g {
			g[j] = before.data[j] - after.data[j]
		}
		return out[0], g
	}
	h1, g1 := run(1)
	h2, g2 := run(2)
	kept := 0
	for i, v := range h1.data {
		if v != h2.data[i] {
			t.Fatalf("h[%d]: %v on one goroutine, %v on two", i, v, h2.data[i])
		}
		want := max(xs[i]+0.1, 0) / 0.75
		if v != 0 {
			kept++
			if math.Abs(float64(v-want)) > 1e-5 {
				t.Fatalf("h[%d] = %v, want %v", i, v, want)
			}
		}
	}
	positive := 0
	for _, v := range xs {
		if v+0.1 > 0 {
			positive++
		}
	}
	if f := float64(kept) / float64(positive); math.Abs(f-0.75) > 0.01 {
		t.Errorf("dropout kept %.4f of the values, want 0.75", f)
	}
	for i := range g1 { // the bias gradient sums in another order
		if math.Abs(float64(g1[i]-g2[i])) > 1e-5*math.Abs(float64(g1[i])) {
			t.Fatalf("db[%d]: %v on one goroutine, %v on two", i, g1[i], g2[i])
		}
	}
	// d loss/d b[j] = 0.5/0.75 times the number of kept positive values of
	// column j.
	for j := range cols {
		n := 0
		for i := range rows {
			if h1.data[i*cols+j] != 0 {
				n++
			}
		}
		if want := float32(n) * 0.5 / 0.75; math.Abs(float64(g1[j]-want)) > 1e-3*float64(want) {
			t.Fatalf("db[%d] = %v, want %v", j, g1[j], want)
		}
	}
}
