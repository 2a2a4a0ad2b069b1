package nn

import (
	"math"
	"strings"
	"testing"
)

func TestGradients(t *testing.T) {
	cases := []struct {
		name  string
		build func(a, b, c *Node) *Node // a [3,4], b [4,5] (or [4]), c [5]
		bRank int
	}{
		{"matmul+bias", func(a, b, c *Node) *Node { return Add(MatMul(a, b), c) }, 2},
		{"relu", func(a, b, c *Node) *Node { return Relu(Add(MatMul(a, b), c)) }, 2},
		{"sigmoid", func(a, b, c *Node) *Node { return Sigmoid(MatMul(a, b)) }, 2},
		{"tanh", func(a, b, c *Node) *Node { return Tanh(MatMul(a, b)) }, 2},
		{"softmax", func(a, b, c *Node) *Node { return Softmax(MatMul(a, b)) }, 2},
		{"mul-broadcast", func(a, b, c *Node) *Node { return Mul(a, b) }, 1},
		{"sub-broadcast", func(a, b, c *Node) *Node { return Sub(b, a) }, 1},
		{"div", func(a, b, c *Node) *Node { return Div(a, Add(Square(b), ScalarConst(1))) }, 1},
		{"mean-axis0", func(a, b, c *Node) *Node { return ReduceMean(MatMul(a, b), 0) }, 2},
		{"sum-axis1", func(a, b, c *Node) *Node { return ReduceSum(Exp(MatMul(a, b)), 1) }, 2},
		{"shared weight", func(a, b, c *Node) *Node { return Add(MatMul(a, b), Relu(MatMul(a, b))) }, 2},
		{"square", func(a, b, c *Node) *Node { return Mul(MatMul(a, b), MatMul(a, b)) }, 2},
		{"reshape", func(a, b, c *Node) *Node { return MatMul(Reshape(a, 6, 2), Reshape(b, 2, -1)) }, 2},
		{"xent", func(a, b, c *Node) *Node {
			labels := Const(NewTensor([]float32{1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0.5, 0, 0.5, 0, 0}, 3, 5))
			return SoftmaxCrossEntropyWithLogits(labels, Add(MatMul(a, b), c))
		}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ResetDefaultGraph()
			Seed(1)
			a := Variable(RandomNormal([]int{3, 4}, 1)).Named("a")
			bShape := []int{4, 5}
			if tc.bRank == 1 {
				bShape = []int{4}
			}
			b := Variable(RandomNormal(bShape, 1)).Named("b")
			c := Variable(RandomNormal([]int{5}, 1)).Named("c")
			out := tc.build(a, b, c)
			// A weighted sum makes every output element matter differently.
			wshape := out.Shape()
			weights := Const(Zeros(wshape...))
			for i := range weights.value.data {
				weights.value.data[i] = float32(i%7) - 2.5
			}
			loss := ReduceSum(Mul(out, weights))
			vars := []*Node{a, b}
			if tc.bRank == 2 {
				vars = append(vars, c)
			}
			checkGrads(t, loss, vars, nil)
		})
	}
}

func TestShapeErrors(t *testing.T) {
	ResetDefaultGraph()
	x := Placeholder(None, 784)
	w := Variable(TruncatedNormal([]int{512, 256}, 0.1))
	cases := []errCase{
		{"matmul", func() { MatMul(x, w) }, "matmul: [?,784] x [512,256]: inner dimensions 784 and 512 differ"},
		{"add", func() { Add(x, Variable(Constant(0.1, []int{512}))) }, "add: [?,784] + [512]: shapes do not broadcast (dimension 1: 784 vs 512)"},
		{"loss not scalar", func() { AdamOptimizer(1e-4).Minimize(MatMul(x, Variable(Constant(0, []int{784, 2})))) }, "must be a scalar"},
		{"dropout keep", func() { Dropout(x, x) }, "keep probability must be a scalar"},
	}
	expectErrors(t, cases)
}

// errCase is an action that must panic with an *Error saying want.
type errCase struct {
	name string
	f    func()
	want string
}

func expectErrors(t *testing.T, cases []errCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				e, ok := r.(*Error)
				if !ok || !strings.Contains(e.Error(), tc.want) {
					t.Fatalf("panic %v, want an *Error containing %q", r, tc.want)
				}
			}()
			tc.f()
		})
	}
}

// TestSparseMatMul checks the sparse path of MatMul (taken for inputs that
// are mostly zeros, like MNIST images) against dense products: the same
// loss, and the same weight gradient, also against central differences.
func TestSparseMatMul(t *testing.T) {
	x := Placeholder(-1, 100)
	w := Variable(TruncatedNormal([]int{100, 70}, 0.1))
	loss := ReduceMean(Square(MatMul(x, w)))
	r := NewRand("test/sparse")
	img := make([]float32, 20*100)
	for i := range img {
		if r.Float64() < 0.2 {
			img[i] = r.Float32()
		}
	}
	feed := Feed{x: NewTensor(img, 20, 100)}

	run := func(sparse bool) (float64, []float32) {
		useSparse(t, sparse)
		s := NewSession()
		s.Run(GlobalVariablesInitializer(), nil)
		l := s.Run(loss, feed).Float()
		if sparse && !sparseTaken(s) {
			t.Fatal("the sparse path was not taken")
		}
		return l, gradOf(t, loss, []*Node{w}, feed)[0]
	}
	ls, gs := run(true)
	ld, gd := run(false)
	if math.Abs(ls-ld) > 1e-6*math.Abs(ld) {
		t.Errorf("loss: sparse %v, dense %v", ls, ld)
	}
	num := numGrad(t, loss, w, feed)
	for i := range gs {
		if d := math.Abs(float64(gs[i] - gd[i])); d > 1e-5*(math.Abs(float64(gd[i]))+1e-3) {
			t.Fatalf("dw[%d]: sparse %v, dense %v", i, gs[i], gd[i])
		}
		if d := math.Abs(float64(gs[i] - num[i])); d > 1e-2*(math.Abs(float64(num[i]))+1e-3) {
			t.Fatalf("dw[%d]: sparse %v, numerical %v", i, gs[i], num[i])
		}
	}
}

// sparseTaken reports whether a matmul of s's last runs used the sparse path.
func sparseTaken(s *Session) bool {
	for _, p := range s.plans {
		for _, e := range p.execs {
			if st, ok := e.state.(*matmulState); ok && st.sparse {
				return true
			}
		}
	}
	return false
}
