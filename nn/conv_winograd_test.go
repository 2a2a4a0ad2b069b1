package nn

import (
	"fmt"
	"math"
	"testing"
)

// winogradCases are 3×3 stride-1 convolutions that take the Winograd
// forward: odd and even output sizes (tiles hanging over the bottom and
// right edge), SAME and VALID padding, batch 1, channel counts that are not
// multiples of the kernel's tiles, and images smaller than a tile.
var winogradCases = []convCase{
	{1, 5, 5, 8, 3, 3, 4, 1, "VALID"},
	{2, 6, 7, 8, 3, 3, 5, 1, "SAME"},
	{3, 7, 6, 9, 3, 3, 17, 1, "VALID"},
	{1, 9, 9, 16, 3, 3, 3, 1, "SAME"},
	{2, 3, 3, 8, 3, 3, 2, 1, "VALID"}, // one output pixel
	{2, 2, 1, 10, 3, 3, 6, 1, "SAME"}, // image smaller than the filter
	{4, 12, 10, 32, 3, 3, 64, 1, "VALID"},
	{5, 8, 8, 12, 3, 3, 33, 1, "SAME"}, // 5 images in 3 parts
}

// withWinograd runs f with the Winograd forward on or off; on, it is
// taken from 8 input channels on, so that small tests reach it.
func withWinograd(t *testing.T, on bool, f func()) {
	t.Helper()
	old, oldC, oldP := convWinograd, wgMinChannels, wgMinPairs
	defer func() { convWinograd, wgMinChannels, wgMinPairs = old, oldC, oldP }()
	convWinograd = on
	if on {
		wgMinChannels, wgMinPairs = 8, 0
	}
	f()
}

// TestWinogradForward compares the Winograd forward with im2col and with
// the textbook sum, with groups of tiles of every size from one tile (so
// that groups end inside an image) to the whole batch, on one core and in
// three parts.
func TestWinogradForward(t *testing.T) {
	oldChunk, oldParts := wgChunkFloats, convParts
	defer func() { wgChunkFloats, convParts = oldChunk, oldParts }()
	for _, c := range winogradCases {
		xt := randTensor("x", c.n, c.h, c.w, c.cin)
		ft := randTensor("f", c.kh, c.kw, c.cin, c.cout)
		want, _, _ := naiveConv(xt.data, ft.data, c)
		var im2col *Tensor
		run := func(on bool) (*Tensor, bool) {
			var got *Tensor
			var st *convState
			withWinograd(t, on, func() {
				g := NewGraph()
				x := g.Placeholder(None, c.h, c.w, c.cin)
				y := Conv2D(x, g.Const(ft), c.s, c.padding)
				s := NewSessionOn(g)
				got = s.Run(y, Feed{x: xt})
				for _, p := range s.plans {
					for _, e := range p.execs {
						if cs, ok := e.state.(*convState); ok {
							st = cs
						}
					}
				}
			})
			return got, st.winograd
		}
		convParts, wgChunkFloats = 1, oldChunk
		im2col, took := run(false)
		if took {
			t.Fatalf("%v: the Winograd forward ran with convWinograd off", c)
		}
		for _, chunk := range []int{1, 16 * (c.cin + c.cout) * 7, 1 << 40} {
			for _, parts := range []int{1, 3} {
				t.Run(fmt.Sprintf("%v/chunk=%d/parts=%d", c, chunk, parts), func(t *testing.T) {
					wgChunkFloats, convParts = chunk, parts
					got, took := run(true)
					if !took {
						t.Fatal("the Winograd forward was not taken")
					}
					for i := range want {
						// Rounding differs from a direct sum by some ulps of
						// the sum of the terms' magnitudes (below 9·cin here).
						tol := 1e-6 * float64(9*c.cin)
						if d := math.Abs(float64(got.data[i] - want[i])); d > tol {
							t.Fatalf("out[%d] = %g, textbook %g (im2col %g)", i, got.data[i], want[i], im2col.data[i])
						}
						if d := math.Abs(float64(got.data[i] - im2col.data[i])); d > tol {
							t.Fatalf("out[%d] = %g, im2col %g", i, got.data[i], im2col.data[i])
						}
					}
				})
			}
		}
	}
}

// TestWinogradGradients checks the gradients of convolutions whose forward
// takes the Winograd path against central differences.
func TestWinogradGradients(t *testing.T) {
	for _, c := range []convCase{
		{1, 5, 6, 8, 3, 3, 3, 1, "SAME"},
		{2, 5, 4, 8, 3, 3, 2, 1, "VALID"},
	} {
		t.Run(c.String(), func(t *testing.T) {
			withWinograd(t, true, func() {
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

// TestWinogradTrainStepAllocs checks that a training step of a network
// whose second convolution takes the Winograd forward allocates nothing.
func TestWinogradTrainStepAllocs(t *testing.T) {
	withWinograd(t, true, func() {
		x, y, keep1, keep2, _, train := convNet()
		s := NewSession()
		s.Run(GlobalVariablesInitializer(), nil)
		bx, by := randomImages(16)
		feed := Feed{x: bx, y: by, keep1: 0.75, keep2: 0.5}
		s.Run(train, feed)
		if n := testing.AllocsPerRun(3, func() { s.Run(train, feed) }); n != 0 {
			t.Errorf("a conv training step allocates %v times, want 0", n)
		}
		taken := false
		for _, p := range s.plans {
			for _, e := range p.execs {
				if st, ok := e.state.(*convState); ok && st.winograd {
					taken = true
				}
			}
		}
		if !taken {
			t.Error("no convolution took the Winograd forward")
		}
	})
}

func TestUseWinograd(t *testing.T) {
	for _, c := range []struct {
		x          []int
		k, s, cout int
		same, want bool
	}{
		{[]int{128, 26, 26, 32}, 3, 1, 64, false, true}, // the MNIST CNN's second layer
		{[]int{1, 8, 8, 64}, 3, 1, 16, true, true},
		{[]int{128, 28, 28, 1}, 3, 1, 32, false, false}, // its first
		{[]int{128, 26, 26, 16}, 3, 1, 64, false, false},
		{[]int{128, 26, 26, 32}, 3, 1, 16, false, false},
		{[]int{128, 26, 26, 32}, 3, 2, 64, false, false}, // strided
		{[]int{128, 26, 26, 32}, 5, 1, 64, false, false},
	} {
		g := newGeom(c.x, c.k, c.k, c.s, c.s, c.same)
		if got := convWinograd && useWinograd(&g, c.cout); got != (c.want && convWinograd) {
			t.Errorf("%v, %d×%d filter, stride %d, %d out: Winograd %v, want %v", c.x, c.k, c.k, c.s, c.cout, got, c.want)
		}
	}
}
