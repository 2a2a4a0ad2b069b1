package nn

import (
	"fmt"
	"math"
	"testing"
)

// naiveReduce sums (or averages) the [2,3,4,5] tensor x over the dimensions
// marked in red, one output element at a time, in float64.
func naiveReduce(x []float32, shape []int, red []bool, mean bool) []float64 {
	var out []float64
	var kept [4][]int
	for d := range 4 {
		if red[d] {
			kept[d] = []int{-1} // every index
		} else {
			for i := range shape[d] {
				kept[d] = append(kept[d], i)
			}
		}
	}
	in := func(want, i int) bool { return want < 0 || want == i }
	for _, a := range kept[0] {
		for _, b := range kept[1] {
			for _, c := range kept[2] {
				for _, dd := range kept[3] {
					var s float64
					n := 0
					for i := range shape[0] {
						for j := range shape[1] {
							for k := range shape[2] {
								for l := range shape[3] {
									if in(a, i) && in(b, j) && in(c, k) && in(dd, l) {
										s += float64(x[((i*shape[1]+j)*shape[2]+k)*shape[3]+l])
										n++
									}
								}
							}
						}
					}
					if mean {
						s /= float64(n)
					}
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// TestReduceAxes checks sums and means over several axes (TensorFlow's
// reduce_sum(x, [0, 1])) against a naive loop, and their gradients against
// central differences.
func TestReduceAxes(t *testing.T) {
	shape := []int{2, 3, 4, 5}
	for _, tc := range []struct {
		axes []int
		red  []bool
	}{
		{[]int{0, 1}, []bool{true, true, false, false}},
		{[]int{0, 2}, []bool{true, false, true, false}},
		{[]int{-1, 0}, []bool{true, false, false, true}},
		{[]int{1, 2, 3}, []bool{false, true, true, true}},
		{[]int{3, 1}, []bool{false, true, false, true}},
		{[]int{2}, []bool{false, false, true, false}},
		{[]int{0, 1, 2, 3}, []bool{true, true, true, true}},
	} {
		for _, mean := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/mean=%v", tc.axes, mean), func(t *testing.T) {
				ResetDefaultGraph()
				Seed(7)
				x := Variable(RandomNormal(shape, 1)).Named("x")
				reduce := ReduceSum
				if mean {
					reduce = ReduceMean
				}
				y := reduce(x, tc.axes...)
				var want []int
				for d, r := range tc.red {
					if !r {
						want = append(want, shape[d])
					}
				}
				if FormatShape(y.Shape()) != FormatShape(want) {
					t.Fatalf("shape %s, want %s", FormatShape(y.Shape()), FormatShape(want))
				}
				s := NewSession()
				s.Run(GlobalVariablesInitializer(), nil)
				got := s.Run(y, nil)
				exp := naiveReduce(s.Value(x).data, shape, tc.red, mean)
				for i, v := range exp {
					if math.Abs(float64(got.data[i])-v) > 1e-5*math.Max(1, math.Abs(v)) {
						t.Fatalf("element %d: %v, want %v", i, got.data[i], v)
					}
				}
				// Exp makes the gradient depend on x, and the weights on the
				// output position.
				loss := ReduceSum(Mul(Reshape(reduce(Exp(x), tc.axes...), -1), Const(weightsFor(len(exp)))))
				checkGrads(t, loss, []*Node{x}, nil)
			})
		}
	}
}

// weightsFor returns n distinct weights.
func weightsFor(n int) *Tensor {
	w := Zeros(n)
	for i := range w.data {
		w.data[i] = float32(i%7) - 2.5 + float32(i%3)*0.3
	}
	return w
}

func TestReduceAxesErrors(t *testing.T) {
	ResetDefaultGraph()
	x := Placeholder(None, 3, 4)
	expectErrors(t, []errCase{
		{"range", func() { ReduceSum(x, 0, 3) }, "sum: axis 3 out of range for shape [?,3,4]"},
		{"negative", func() { ReduceMean(x, -4) }, "mean: axis -4 out of range"},
		{"repeated", func() { ReduceSum(x, 1, -2) }, "sum: axis -2 repeated in [1 -2]"},
	})
	if got := FormatShape(ReduceSum(x, 0, 1).Shape()); got != "[4]" {
		t.Errorf("ReduceSum([?,3,4], 0, 1) has shape %s, want [4]", got)
	}
}

// TestBatchMatMul checks products of batches of matrices against a naive
// float64 loop, their gradients against central differences, and that an
// unknown batch dimension is filled in when fed.
func TestBatchMatMul(t *testing.T) {
	for _, tc := range []struct{ a, b []int }{
		{[]int{2, 3, 4}, []int{2, 4, 5}},
		{[]int{3, 1, 2}, []int{3, 2, 1}},
		{[]int{2, 2, 3, 4}, []int{2, 2, 4, 2}},
	} {
		t.Run(FormatShape(tc.a)+"x"+FormatShape(tc.b), func(t *testing.T) {
			ResetDefaultGraph()
			Seed(11)
			a := Variable(RandomNormal(tc.a, 1)).Named("a")
			b := Variable(RandomNormal(tc.b, 1)).Named("b")
			y := MatMul(a, b)
			r := len(tc.a)
			m, k, n := tc.a[r-2], tc.a[r-1], tc.b[r-1]
			batch := numElements(tc.a[:r-2])
			s := NewSession()
			s.Run(GlobalVariablesInitializer(), nil)
			got, av, bv := s.Run(y, nil), s.Value(a).data, s.Value(b).data
			if want := append(append([]int{}, tc.a[:r-1]...), n); FormatShape(got.shape) != FormatShape(want) {
				t.Fatalf("shape %s, want %s", FormatShape(got.shape), FormatShape(want))
			}
			for p := range batch {
				for i := range m {
					for j := range n {
						var want float64
						for l := range k {
							want += float64(av[(p*m+i)*k+l]) * float64(bv[(p*k+l)*n+j])
						}
						if g := got.data[(p*m+i)*n+j]; math.Abs(float64(g)-want) > 1e-5 {
							t.Fatalf("[%d][%d][%d] = %v, want %v", p, i, j, g, want)
						}
					}
				}
			}
			checkGrads(t, weightedSum(MatMul(Tanh(a), b)), []*Node{a, b}, nil)
		})
	}
	t.Run("fed batch", func(t *testing.T) {
		ResetDefaultGraph()
		x := Placeholder(None, 2, 3)
		w := Placeholder(None, 3, 1)
		y := MatMul(x, w)
		if got := FormatShape(y.Shape()); got != "[?,2,1]" {
			t.Fatalf("static shape %s", got)
		}
		out := NewSession().Run(y, Feed{x: NewTensor([]float32{1, 2, 3, 4, 5, 6, 1, 0, 0, 0, 1, 0}, 2, 2, 3),
			w: NewTensor([]float32{1, 1, 1, 2, 3, 4}, 2, 3, 1)})
		if want := []float32{6, 15, 2, 3}; fmt.Sprint(out.data) != fmt.Sprint(want) || FormatShape(out.shape) != "[2,2,1]" {
			t.Errorf("got %v %s, want %v [2,2,1]", out.data, FormatShape(out.shape), want)
		}
	})
	ResetDefaultGraph()
	expectErrors(t, []errCase{
		{"ranks", func() { MatMul(Placeholder(2, 3, 4), Placeholder(4, 5)) }, "operands of ranks 3 and 2"},
		{"batch", func() { MatMul(Placeholder(2, 3, 4), Placeholder(3, 4, 5)) }, "batch dimensions 2 and 3 differ"},
		{"inner", func() { MatMul(Placeholder(2, 3, 4), Placeholder(2, 3, 5)) }, "inner dimensions 4 and 3 differ"},
		{"vector", func() { MatMul(Placeholder(4), Placeholder(4, 5)) }, "rank 2) or batches"},
	})
}
