package nn

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"
)

// convCase is one convolution geometry used by the tests.
type convCase struct {
	n, h, w, cin    int
	kh, kw, cout, s int
	padding         string
}

func (c convCase) String() string {
	return fmt.Sprintf("%dx%dx%dx%d_k%dx%dx%d_s%d_%s", c.n, c.h, c.w, c.cin, c.kh, c.kw, c.cout, c.s, c.padding)
}

var convCases = []convCase{
	{2, 5, 5, 1, 3, 3, 2, 1, "VALID"},
	{5, 5, 5, 1, 3, 3, 2, 1, "VALID"}, // 5 images in 3 parts
	{2, 5, 5, 1, 3, 3, 2, 1, "SAME"},
	{2, 7, 6, 3, 3, 3, 4, 2, "SAME"},
	{2, 7, 6, 3, 3, 3, 4, 2, "VALID"},
	{1, 6, 5, 2, 4, 2, 3, 2, "SAME"}, // even filter: asymmetric padding
	{3, 5, 7, 2, 2, 3, 3, 3, "VALID"},
	{2, 4, 5, 3, 1, 1, 2, 1, "SAME"}, // 1×1: no im2col
	{2, 5, 4, 2, 1, 1, 3, 2, "VALID"},
	{2, 3, 3, 2, 5, 5, 2, 1, "SAME"}, // filter larger than the image
}

// naiveConv is the textbook convolution (cross-correlation) of TensorFlow.
func naiveConv(x, f []float32, c convCase) ([]float32, int, int) {
	var oh, ow, pt, pl int
	if c.padding == "SAME" {
		oh, ow = (c.h+c.s-1)/c.s, (c.w+c.s-1)/c.s
		pt = max((oh-1)*c.s+c.kh-c.h, 0) / 2
		pl = max((ow-1)*c.s+c.kw-c.w, 0) / 2
	} else {
		oh, ow = (c.h-c.kh)/c.s+1, (c.w-c.kw)/c.s+1
	}
	out := make([]float32, c.n*oh*ow*c.cout)
	for n := 0; n < c.n; n++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				for co := 0; co < c.cout; co++ {
					var s float64
					for ky := 0; ky < c.kh; ky++ {
						for kx := 0; kx < c.kw; kx++ {
							iy, ix := oy*c.s-pt+ky, ox*c.s-pl+kx
							if iy < 0 || iy >= c.h || ix < 0 || ix >= c.w {
								continue
							}
							for ci := 0; ci < c.cin; ci++ {
								s += float64(x[((n*c.h+iy)*c.w+ix)*c.cin+ci]) * float64(f[((ky*c.kw+kx)*c.cin+ci)*c.cout+co])
							}
						}
					}
					out[((n*oh+oy)*ow+ox)*c.cout+co] = float32(s)
				}
			}
		}
	}
	return out, oh, ow
}

func randTensor(seed string, shape ...int) *Tensor {
	r := NewRand(seed)
	t := Zeros(shape...)
	for i := range t.data {
		t.data[i] = float32(r.NormFloat64())
	}
	return t
}

// withChunk runs f with the batch processed in each of several ways: one
// image per group, in three parts; the whole batch in one group; whole parts
// of a three-way split.
func withChunk(t *testing.T, f func(t *testing.T)) {
	oldChunk, oldParts := convChunkFloats, convParts
	defer func() { convChunkFloats, convParts = oldChunk, oldParts }()
	for _, ch := range []struct {
		name         string
		chunk, parts int
	}{{"chunked", 1, 3}, {"whole", 1 << 40, 1}, {"parts", 1 << 40, 3}} {
		convChunkFloats, convParts = ch.chunk, ch.parts
		t.Run(ch.name, f)
	}
}

func TestConvForward(t *testing.T) {
	for _, c := range convCases {
		t.Run(c.String(), func(t *testing.T) {
			withChunk(t, func(t *testing.T) {
				ResetDefaultGraph()
				x := Placeholder(None, c.h, c.w, c.cin)
				xt := randTensor("x", c.n, c.h, c.w, c.cin)
				ft := randTensor("f", c.kh, c.kw, c.cin, c.cout)
				y := Conv2D(x, Const(ft), c.s, c.padding)
				want, oh, ow := naiveConv(xt.data, ft.data, c)
				if s := y.Shape(); s[1] != oh || s[2] != ow || s[3] != c.cout {
					t.Fatalf("static shape %v, want [?,%d,%d,%d]", s, oh, ow, c.cout)
				}
				got := NewSession().Run(y, Feed{x: xt})
				if s := got.Shape(); s[0] != c.n || s[1] != oh || s[2] != ow || s[3] != c.cout {
					t.Fatalf("shape %v, want [%d,%d,%d,%d]", s, c.n, oh, ow, c.cout)
				}
				for i := range want {
					if d := math.Abs(float64(got.data[i] - want[i])); d > 1e-4*math.Max(1, math.Abs(float64(want[i]))) {
						t.Fatalf("out[%d] = %g, want %g", i, got.data[i], want[i])
					}
				}
			})
		})
	}
}

func TestConvOutputSize(t *testing.T) {
	cases := []struct {
		n, k, s       int
		same          bool
		out, padFirst int
	}{
		{28, 3, 1, false, 26, 0},
		{28, 3, 1, true, 28, 1},
		{28, 3, 2, true, 14, 0}, // total padding 1 goes after
		{28, 2, 2, false, 14, 0},
		{5, 4, 2, true, 3, 1}, // total 3: 1 before, 2 after
		{7, 3, 3, false, 2, 0},
		{3, 5, 1, true, 3, 2},
		{-1, 3, 1, true, -1, 0},
	}
	for _, c := range cases {
		if out, pad := outSize(c.n, c.k, c.s, c.same); out != c.out || pad != c.padFirst {
			t.Errorf("outSize(%d, %d, %d, same=%v) = %d, %d; want %d, %d", c.n, c.k, c.s, c.same, out, pad, c.out, c.padFirst)
		}
	}
}

// weightedSum returns sum(out * w) for fixed, varied weights w, so that
// every output element matters differently to the loss.
func weightedSum(out *Node) *Node {
	s := out.Shape()
	if s[0] < 0 {
		panic("weightedSum needs a known shape")
	}
	w := Zeros(s...)
	for i := range w.data {
		w.data[i] = float32(i%7) - 2.5 + float32(i%3)*0.3
	}
	return ReduceSum(Mul(out, Const(w)))
}

func TestConvGradients(t *testing.T) {
	for _, c := range convCases {
		t.Run(c.String(), func(t *testing.T) {
			withChunk(t, func(t *testing.T) {
				ResetDefaultGraph()
				Seed(2)
				x := Variable(RandomNormal([]int{c.n, c.h, c.w, c.cin}, 1)).Named("x")
				f := Variable(RandomNormal([]int{c.kh, c.kw, c.cin, c.cout}, 1)).Named("f")
				loss := weightedSum(Conv2D(x, f, c.s, c.padding))
				checkGrads(t, loss, []*Node{x, f}, nil)
			})
		})
	}
}

// TestConvFirstLayer checks the filter gradient when the input is a
// placeholder (no input gradient is computed), followed by a second layer.
func TestConvFirstLayer(t *testing.T) {
	withChunk(t, func(t *testing.T) {
		ResetDefaultGraph()
		Seed(3)
		x := Placeholder(None, 7, 7, 2)
		f1 := Variable(RandomNormal([]int{3, 3, 2, 3}, 1)).Named("f1")
		f2 := Variable(RandomNormal([]int{3, 3, 3, 2}, 1)).Named("f2")
		h := Conv2D(Conv2D(x, f1, 1, "SAME"), f2, 2, "VALID")
		loss := ReduceSum(Mul(h, h))
		checkGrads(t, loss, []*Node{f1, f2}, Feed{x: randTensor("x", 2, 7, 7, 2)})
	})
}

// distinct returns a constant of the given shape holding a shuffled
// 0.1, 0.2, ...: added to a small variable it makes pooling windows free of
// near-ties, which central differences would straddle.
func distinct(shape ...int) *Node {
	t := Zeros(shape...)
	perm := NewRand("perm").Perm(len(t.data))
	for i, p := range perm {
		t.data[i] = 0.1 * float32(p)
	}
	return Const(t)
}

// naivePool pools x [n,h,w,c] directly, TensorFlow's way.
func naivePool(x []float32, n, h, w, c, size, s int, same, isMax bool) []float32 {
	oh, pt := outSize(h, size, s, same)
	ow, pl := outSize(w, size, s, same)
	var out []float32
	for b := 0; b < n; b++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				for ch := 0; ch < c; ch++ {
					best, sum, cnt := float32(math.Inf(-1)), float32(0), 0
					for ky := 0; ky < size; ky++ {
						for kx := 0; kx < size; kx++ {
							iy, ix := oy*s-pt+ky, ox*s-pl+kx
							if iy < 0 || iy >= h || ix < 0 || ix >= w {
								continue
							}
							v := x[((b*h+iy)*w+ix)*c+ch]
							best = max(best, v)
							sum += v
							cnt++
						}
					}
					if isMax {
						out = append(out, best)
					} else {
						out = append(out, sum/float32(cnt))
					}
				}
			}
		}
	}
	return out
}

var poolCases = []struct {
	n, h, w, c, size, s int
	padding             string
}{
	{2, 4, 4, 3, 2, 2, "VALID"},
	{2, 5, 5, 2, 2, 2, "VALID"},
	{2, 5, 5, 2, 2, 2, "SAME"},
	{1, 7, 6, 2, 3, 2, "SAME"},
	{1, 7, 6, 3, 3, 1, "VALID"},
	{2, 5, 4, 1, 3, 3, "SAME"},
}

func TestPool(t *testing.T) {
	defer func(old int) { convParts = old }(convParts)
	for _, parts := range []int{0, 2} {
		convParts = parts
		testPool(t, fmt.Sprintf("parts=%d/", parts))
	}
}

func testPool(t *testing.T, prefix string) {
	for _, isMax := range []bool{true, false} {
		for _, c := range poolCases {
			name := fmt.Sprintf("%smax=%v/%dx%dx%dx%d_%d_s%d_%s", prefix, isMax, c.n, c.h, c.w, c.c, c.size, c.s, c.padding)
			t.Run(name, func(t *testing.T) {
				pool := AvgPool
				if isMax {
					pool = MaxPool
				}
				ResetDefaultGraph()
				Seed(4)
				xt := randTensor("x", c.n, c.h, c.w, c.c)
				x := Placeholder(None, c.h, c.w, c.c)
				got := NewSession().Run(pool(x, c.size, c.s, c.padding), Feed{x: xt})
				want := naivePool(xt.data, c.n, c.h, c.w, c.c, c.size, c.s, c.padding == "SAME", isMax)
				if len(got.data) != len(want) {
					t.Fatalf("%d outputs, want %d", len(got.data), len(want))
				}
				for i := range want {
					if math.Abs(float64(got.data[i]-want[i])) > 1e-5 {
						t.Fatalf("out[%d] = %g, want %g", i, got.data[i], want[i])
					}
				}

				v := Variable(RandomNormal([]int{c.n, c.h, c.w, c.c}, 0.001)).Named("v")
				loss := weightedSum(pool(Add(v, distinct(c.n, c.h, c.w, c.c)), c.size, c.s, c.padding))
				checkGrads(t, loss, []*Node{v}, nil)
			})
		}
	}
}

func TestConvShapeErrors(t *testing.T) {
	ResetDefaultGraph()
	x := Placeholder(None, 28, 28, 1)
	cases := []errCase{
		{"channels", func() { Conv2D(x, Variable(Constant(0, []int{3, 3, 3, 32})), 1, "SAME") },
			"conv2d: input [?,28,28,1], filter [3,3,3,32]: input has 1 channels, filter expects 3"},
		{"rank", func() { Conv2D(Placeholder(None, 784), Variable(Constant(0, []int{3, 3, 1, 32})), 1, "SAME") },
			"conv2d: input [?,784], filter [3,3,1,32]: input must be NHWC"},
		{"filter rank", func() { Conv2D(x, Variable(Constant(0, []int{3, 3, 32})), 1, "SAME") },
			"conv2d: input [?,28,28,1], filter [3,3,32]: filter must be [height, width, in channels, out channels]"},
		{"too small", func() { Conv2D(Placeholder(None, 2, 2, 1), Variable(Constant(0, []int{3, 3, 1, 4})), 1, "VALID") },
			"conv2d: input [?,2,2,1], filter [3,3,1,4]: with VALID padding the 2×2 input is smaller than the 3×3 window"},
		{"padding", func() { Conv2D(x, Variable(Constant(0, []int{3, 3, 1, 4})), 1, "FULL") }, `padding "FULL" must be "SAME" or "VALID"`},
		{"stride", func() { Conv2D(x, Variable(Constant(0, []int{3, 3, 1, 4})), 0, "SAME") }, "stride 0 must be at least 1"},
		{"pool rank", func() { MaxPool(Placeholder(None, 784), 2, 2, "VALID") }, "max_pool: input [?,784], window 2×2: input must be NHWC"},
		{"pool small", func() { AvgPool(Placeholder(None, 1, 5, 3), 2, 2, "VALID") }, "avg_pool: input [?,1,5,3], window 2×2: with VALID padding the 1×5 input"},
	}
	expectErrors(t, cases)
}

// convNet builds the classic Keras MNIST CNN on a fresh default graph:
// conv 32 3×3 VALID relu, conv 64 3×3 VALID relu, max pool 2, dropout,
// flatten, dense 128 relu, dropout, dense 10; Adam 1e-3.
func convNet() (x, y, keep1, keep2, loss, train *Node) {
	ResetDefaultGraph()
	Seed(1)
	x, y = Placeholder(None, 28, 28, 1), Placeholder(None, 10)
	keep1, keep2 = Placeholder(), Placeholder()
	conv := func(h *Node, cin, cout int) *Node {
		w := Variable(GlorotUniform([]int{3, 3, cin, cout}))
		b := Variable(Constant(0, []int{cout}))
		return Relu(Add(Conv2D(h, w, 1, "VALID"), b))
	}
	dense := func(h *Node, in, out int) *Node {
		return Add(MatMul(h, Variable(GlorotUniform([]int{in, out}))), Variable(Constant(0, []int{out})))
	}
	h := conv(conv(x, 1, 32), 32, 64)
	h = Dropout(MaxPool(h, 2, 2, "VALID"), keep1)
	h = Dropout(Relu(dense(Flatten(h), 12*12*64, 128)), keep2)
	logits := dense(h, 128, 10)
	loss = ReduceMean(SoftmaxCrossEntropyWithLogits(y, logits))
	train = AdamOptimizer(1e-3).Minimize(loss)
	return
}

func randomImages(n int) (*Tensor, *Tensor) {
	bx, by := randomBatch(n)
	return bx.Reshape(n, 28, 28, 1), by
}

func TestConvTrainStepAllocs(t *testing.T) {
	for _, chunk := range []int{1 << 16, 1 << 40} {
		t.Run(fmt.Sprint(chunk), func(t *testing.T) {
			old := convChunkFloats
			convChunkFloats = chunk
			defer func() { convChunkFloats = old }()
			x, y, keep1, keep2, _, train := convNet()
			s := NewSession()
			s.Run(GlobalVariablesInitializer(), nil)
			bx, by := randomImages(16)
			feed := Feed{x: bx, y: by, keep1: 0.75, keep2: 0.5}
			s.Run(train, feed)
			if n := testing.AllocsPerRun(3, func() { s.Run(train, feed) }); n != 0 {
				t.Errorf("a conv training step allocates %v times, want 0", n)
			}
		})
	}
}

// TestConvInterrupt interrupts convolutions running on several cores: the
// interrupt reaches the caller as ErrInterrupted, and the session works
// afterwards.
func TestConvInterrupt(t *testing.T) {
	x, y, keep1, keep2, loss, train := convNet()
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	bx, by := randomImages(64)
	feed := Feed{x: bx, y: by, keep1: 0.75, keep2: 0.5}
	defer ClearInterrupt()
	for _, delay := range []time.Duration{0, time.Millisecond, 5 * time.Millisecond, 20 * time.Millisecond} {
		ClearInterrupt()
		fired := make(chan struct{})
		timer := time.AfterFunc(delay, func() { Interrupt(); close(fired) })
		_, err := s.RunContext(context.Background(), []*Node{train}, feed)
		if !timer.Stop() {
			<-fired // an interrupt still on its way would stop a later run
		}
		if err != nil && err != ErrInterrupted {
			t.Fatalf("interrupted after %v: %v", delay, err)
		}
		t.Logf("interrupt after %v: %v", delay, err)
	}
	ClearInterrupt()
	if l := s.Run(loss, feed).Float(); math.IsNaN(l) {
		t.Fatalf("loss after interrupts is %v", l)
	}
}

// TestConvSparseBackward checks the sparse backward of a convolution (taken
// when its output gradient is mostly zeros, as after ReLU and max-pooling)
// against the dense one: the filter and input gradients agree.
func TestConvSparseBackward(t *testing.T) {
	x := Variable(TruncatedNormal([]int{3, 10, 10, 4}, 1))
	f := Variable(TruncatedNormal([]int{3, 3, 4, 32}, 0.3))
	pooled := MaxPool(Relu(Conv2D(x, f, 1, "SAME")), 2, 2, "VALID")
	loss := ReduceSum(Square(pooled))
	grads := func(sparse bool) [][]float32 {
		useSparse(t, sparse)
		Seed(3)
		return gradOf(t, loss, []*Node{x, f}, nil)
	}
	dg, sg := grads(false), grads(true) // sparse last: the check below needs it
	for v := range sg {
		for i := range sg[v] {
			if d := math.Abs(float64(sg[v][i] - dg[v][i])); d > 1e-4*(math.Abs(float64(dg[v][i]))+1e-2) {
				t.Fatalf("gradient %d[%d]: sparse %v, dense %v", v, i, sg[v][i], dg[v][i])
			}
		}
	}
	// The sparse path was taken: the convolution's exec holds CSRs.
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	s.Run(GradientDescentOptimizer(0.1).Minimize(loss), nil)
	taken := false
	for _, p := range s.plans {
		for _, e := range p.execs {
			if st, ok := e.state.(*convState); ok && len(st.csrs) > 0 && st.csrs[0].NNZ() > 0 {
				taken = true
			}
		}
	}
	if !taken {
		t.Error("the sparse backward was not taken")
	}
}
