package nn

import (
	"fmt"
	"math"
	"testing"
)

// withFusion runs f with plan fusion on or off.
func withFusion(on bool, f func()) {
	old := fuseEnabled
	defer func() { fuseEnabled = old }()
	fuseEnabled = on
	f()
}

// fusedConvs counts the convolutions and matrix products of s's plans that
// took the fused epilogue, and with ReLU.
func fusedConvs(s *Session) (fused, relu int) {
	for _, p := range s.plans {
		for _, e := range p.execs {
			if e.epi != nil {
				fused++
				if e.grad != nil && e.grad != e.gradOf.grad {
					panic("a fused convolution's gradient is not its Add's")
				}
				if e.epi.relu {
					relu++
				}
			}
		}
	}
	return fused, relu
}

// TestFusedConvTraining trains the MNIST CNN for a few steps with and
// without fusing its convolutions with their bias and ReLU, on both the
// Winograd and the im2col forward: the losses and the variables agree
// exactly (the fused ops are the same additions and maxima, in the same
// order).
func TestFusedConvTraining(t *testing.T) {
	for _, wino := range []bool{true, false} {
		t.Run(fmt.Sprintf("winograd=%v", wino), func(t *testing.T) {
			withWinograd(t, wino, func() {
				var last *Session // the session of the last run
				run := func(fuse bool) (losses []float64, vars [][]float32, fused, relu int) {
					withFusion(fuse, func() {
						x, y, keep1, keep2, loss, train := convNet()
						s := NewSession()
						s.Run(GlobalVariablesInitializer(), nil)
						bx, by := randomImages(8)
						feed := Feed{x: bx, y: by, keep1: 0.75, keep2: 0.5}
						for range 3 {
							r := s.RunAll([]*Node{train, loss}, feed)
							losses = append(losses, r[1].Float())
						}
						for _, v := range DefaultGraph().Variables() {
							vars = append(vars, s.Value(v).data)
						}
						fused, relu = fusedConvs(s)
						last = s
					})
					return
				}
				l0, v0, f0, _ := run(false)
				l1, v1, f1, r1 := run(true)
				if n := maskedPools(last); n != 1 {
					t.Fatalf("%d max-poolings do their ReLU's backward, want 1", n)
				}
				// Both convolutions and both dense layers; all but the
				// logits with their ReLU.
				if f0 != 0 || f1 != 4 || r1 != 3 {
					t.Fatalf("fused ops: %d without fusion, %d (%d with ReLU) with it; want 0 and 4 (3)", f0, f1, r1)
				}
				for i := range l0 {
					if l0[i] != l1[i] {
						t.Fatalf("step %d: loss %v fused, %v unfused", i, l1[i], l0[i])
					}
				}
				for i := range v0 {
					for j := range v0[i] {
						if v0[i][j] != v1[i][j] {
							t.Fatalf("variable %d[%d]: %v fused, %v unfused", i, j, v1[i][j], v0[i][j])
						}
					}
				}
			})
		})
	}
}

// TestFuseNotWhenUsed checks that a convolution, Add or ReLU whose value
// is fetched or used elsewhere is not fused away, and that every fetched
// value is right; and that the fused ops' gradients pass the numerical
// check.
func TestFuseNotWhenUsed(t *testing.T) {
	defer func(old bool) { fuseEnabled = old }(fuseEnabled)
	fuseEnabled = true
	c := convCase{2, 6, 5, 8, 3, 3, 4, 1, "SAME"}
	xt := randTensor("x", c.n, c.h, c.w, c.cin)
	ft := randTensor("f", c.kh, c.kw, c.cin, c.cout)
	bt := randTensor("b", c.cout)
	conv, _, _ := naiveConv(xt.data, ft.data, c)
	add := make([]float32, len(conv))
	relu := make([]float32, len(conv))
	for i, v := range conv {
		add[i] = v + bt.data[i%c.cout]
		relu[i] = max(add[i], 0)
	}
	for _, tc := range []struct {
		name  string
		fetch func(conv, add, relu *Node) []*Node
		want  [][]float32
		fused int
	}{
		{"relu", func(_, _, r *Node) []*Node { return []*Node{r} }, [][]float32{relu}, 1},
		{"relu and add", func(_, a, r *Node) []*Node { return []*Node{r, a} }, [][]float32{relu, add}, 1},
		{"relu and conv", func(cv, _, r *Node) []*Node { return []*Node{r, cv} }, [][]float32{relu, conv}, 0},
		{"add used twice", func(_, a, r *Node) []*Node { return []*Node{Add(r, a)} }, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewGraph()
			x := g.Placeholder(None, c.h, c.w, c.cin)
			cv := Conv2D(x, g.Const(ft), c.s, c.padding)
			a := Add(cv, g.Const(bt))
			r := Relu(a)
			s := NewSessionOn(g)
			got := s.RunAll(tc.fetch(cv, a, r), Feed{x: xt})
			want := tc.want
			if want == nil {
				sum := make([]float32, len(relu))
				for i := range sum {
					sum[i] = relu[i] + add[i]
				}
				want = [][]float32{sum}
			}
			for k := range want {
				for i := range want[k] {
					if d := math.Abs(float64(got[k].data[i] - want[k][i])); d > 1e-4 {
						t.Fatalf("fetch %d [%d] = %v, want %v", k, i, got[k].data[i], want[k][i])
					}
				}
			}
			if f, _ := fusedConvs(s); f != tc.fused {
				t.Errorf("%d fused convolutions, want %d", f, tc.fused)
			}
		})
	}
	for _, wino := range []bool{true, false} {
		t.Run(fmt.Sprintf("gradients/winograd=%v", wino), func(t *testing.T) {
			withWinograd(t, wino, func() {
				ResetDefaultGraph()
				Seed(4)
				x := Variable(RandomNormal([]int{c.n, c.h, c.w, c.cin}, 1)).Named("x")
				f := Variable(RandomNormal([]int{c.kh, c.kw, c.cin, c.cout}, 1)).Named("f")
				b := Variable(RandomNormal([]int{c.cout}, 1)).Named("b")
				loss := weightedSum(Relu(Add(Conv2D(x, f, c.s, c.padding), b)))
				checkGrads(t, loss, []*Node{x, f, b}, nil)
			})
		})
	}
}

// maskedPools counts the max-poolings of s's plans that do the backward of
// the ReLU before them.
func maskedPools(s *Session) int {
	n := 0
	for _, p := range s.plans {
		for _, e := range p.execs {
			if e.reluMask {
				n++
			}
		}
	}
	return n
}

// TestPoolReluBackward checks the gradient of max-pooling after a ReLU
// (which the pooling's backward then does) against central differences,
// with overlapping windows and the ReLU's input used elsewhere too, and
// that fetching the ReLU keeps its backward.
func TestPoolReluBackward(t *testing.T) {
	defer func(old bool) { fuseEnabled = old }(fuseEnabled)
	fuseEnabled = true
	for _, fetchRelu := range []bool{false, true} {
		t.Run(fmt.Sprintf("fetch=%v", fetchRelu), func(t *testing.T) {
			ResetDefaultGraph()
			Seed(6)
			x := Variable(RandomNormal([]int{2, 5, 6, 3}, 1)).Named("x")
			h := Mul(Add(x, distinct(2, 5, 6, 3)), ScalarConst(0.1))
			h = Sub(h, ScalarConst(1.2)) // about half the pixels negative
			r := Relu(h)
			loss := Add(weightedSum(MaxPool(r, 2, 1, "VALID")), ReduceSum(Mul(h, h)))
			var fetch []*Node
			if fetchRelu {
				fetch = []*Node{r}
			}
			checkGrads(t, loss, []*Node{x}, nil)
			s := NewSession()
			s.Run(GlobalVariablesInitializer(), nil)
			s.RunAll(append(fetch, GradientDescentOptimizer(0.1).Minimize(loss)), nil)
			if n, want := maskedPools(s), map[bool]int{false: 1, true: 0}[fetchRelu]; n != want {
				t.Errorf("%d max-poolings do their ReLU's backward, want %d", n, want)
			}
		})
	}
}

// TestFusedDenseTraining trains the tutorial's network, with ReLU and
// without, with and without fusing each layer's product with its bias and
// ReLU: the losses and variables agree exactly, on the sparse first layer
// (MNIST-like inputs, mostly zeros) and on dense inputs alike.
func TestFusedDenseTraining(t *testing.T) {
	for _, relu := range []bool{false, true} {
		for _, sparse := range []bool{true, false} {
			t.Run(fmt.Sprintf("relu=%v/sparse=%v", relu, sparse), func(t *testing.T) {
				useSparse(t, true)
				run := func(fuse bool) (losses []float64, vars [][]float32, fused, relus int) {
					withFusion(fuse, func() {
						ResetDefaultGraph()
						Seed(5)
						x, y := Placeholder(None, 784), Placeholder(None, 10)
						h := x
						sizes := []int{784, 96, 70, 10}
						for i := 1; i < len(sizes); i++ {
							w := Variable(TruncatedNormal([]int{sizes[i-1], sizes[i]}, 0.1))
							b := Variable(Constant(0.1, []int{sizes[i]}))
							h = Add(MatMul(h, w), b)
							if relu && i < len(sizes)-1 {
								h = Relu(h)
							}
						}
						loss := ReduceMean(SoftmaxCrossEntropyWithLogits(y, h))
						train := AdamOptimizer(1e-3).Minimize(loss)
						s := NewSession()
						s.Run(GlobalVariablesInitializer(), nil)
						bx, by := randomBatch(64)
						if sparse { // four pixels in five black, as in MNIST
							for i := range bx.data {
								if i%5 != 0 {
									bx.data[i] = 0
								}
							}
						}
						for range 3 {
							r := s.RunAll([]*Node{train, loss}, Feed{x: bx, y: by})
							losses = append(losses, r[1].Float())
						}
						if got := sparseTaken(s); got != sparse {
							t.Fatalf("sparse first layer taken: %v", got)
						}
						for _, v := range DefaultGraph().Variables() {
							vars = append(vars, s.Value(v).data)
						}
						fused, relus = fusedConvs(s)
					})
					return
				}
				l0, v0, _, _ := run(false)
				l1, v1, f1, r1 := run(true)
				if wantR := map[bool]int{false: 0, true: 2}[relu]; f1 != 3 || r1 != wantR {
					t.Fatalf("%d fused products (%d with ReLU), want 3 (%d)", f1, r1, wantR)
				}
				for i := range l0 {
					if l0[i] != l1[i] {
						t.Fatalf("step %d: loss %v fused, %v unfused", i, l1[i], l0[i])
					}
				}
				for i := range v0 {
					for j := range v0[i] {
						if v0[i][j] != v1[i][j] {
							t.Fatalf("variable %d[%d]: %v fused, %v unfused", i, j, v1[i][j], v0[i][j])
						}
					}
				}
			})
		}
	}
}

// TestPoolReluTwoTrainings runs two training ops in one step, one of whose
// losses reaches a ReLU's input only through another path: the variables
// change exactly as without fusion (where the ReLU's input and the ReLU do
// not share a gradient buffer, the ReLU keeps its backward).
func TestPoolReluTwoTrainings(t *testing.T) {
	run := func(fuse bool) []float32 {
		var v []float32
		withFusion(fuse, func() {
			ResetDefaultGraph()
			Seed(7)
			x := Variable(RandomNormal([]int{2, 4, 4, 3}, 1)).Named("x")
			h := Mul(Add(x, distinct(2, 4, 4, 3)), ScalarConst(0.1))
			h = Sub(h, ScalarConst(1.2))
			loss1 := ReduceSum(Mul(h, h))
			loss2 := weightedSum(MaxPool(Relu(h), 2, 2, "VALID"))
			s := NewSession()
			s.Run(GlobalVariablesInitializer(), nil)
			for range 2 {
				s.RunAll([]*Node{GradientDescentOptimizer(0.1).Minimize(loss1), GradientDescentOptimizer(0.1).Minimize(loss2)}, nil)
			}
			v = s.Value(x).data
		})
		return v
	}
	want, got := run(false), run(true)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("x[%d] = %v fused, %v unfused", i, got[i], want[i])
		}
	}
}
