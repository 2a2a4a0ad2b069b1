package nn

import (
	"fmt"
	"math"
	"testing"
)

// windowCase is a window of kh×kw moved sy rows and sx columns at a time
// over [n, h, w, c] images.
type windowCase struct {
	n, h, w, c     int
	kh, kw, sy, sx int
	padding        string
}

func (c windowCase) String() string {
	return fmt.Sprintf("%dx%dx%dx%d_k%dx%d_s%dx%d_%s", c.n, c.h, c.w, c.c, c.kh, c.kw, c.sy, c.sx, c.padding)
}

var windowCases = []windowCase{
	{2, 6, 7, 2, 3, 2, 2, 1, "SAME"},
	{2, 6, 7, 2, 3, 2, 2, 1, "VALID"},
	{1, 5, 8, 3, 1, 3, 1, 2, "SAME"},
	{2, 7, 5, 1, 2, 4, 3, 2, "VALID"},
	{1, 4, 9, 2, 2, 3, 1, 3, "SAME"},
	{2, 5, 5, 2, 1, 1, 2, 1, "VALID"}, // 1×1, strided on one axis
}

// naiveWindows calls f for every output position (b, oy, ox) with the
// positions of its window inside the image, each as the input row and
// column and the window's row and column, following TensorFlow's
// documented sizes: SAME gives ceil(h/sy) rows, padded with the odd pixel
// at the bottom; VALID gives ceil((h-kh+1)/sy).
func naiveWindows(c windowCase, f func(b, oy, ox int, pos [][4]int)) (oh, ow int) {
	var pt, pl int
	if c.padding == "SAME" {
		oh, ow = (c.h+c.sy-1)/c.sy, (c.w+c.sx-1)/c.sx
		pt = max((oh-1)*c.sy+c.kh-c.h, 0) / 2
		pl = max((ow-1)*c.sx+c.kw-c.w, 0) / 2
	} else {
		oh, ow = (c.h-c.kh+c.sy)/c.sy, (c.w-c.kw+c.sx)/c.sx
	}
	for b := 0; b < c.n; b++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				var pos [][4]int
				for ky := 0; ky < c.kh; ky++ {
					for kx := 0; kx < c.kw; kx++ {
						iy, ix := oy*c.sy-pt+ky, ox*c.sx-pl+kx
						if iy >= 0 && iy < c.h && ix >= 0 && ix < c.w {
							pos = append(pos, [4]int{iy, ix, ky, kx})
						}
					}
				}
				f(b, oy, ox, pos)
			}
		}
	}
	return oh, ow
}

// TestPoolWindow checks max and average pooling with non-square windows and
// strides per axis, in both of TensorFlow's spellings, against the naive
// definition, and their gradients against central differences.
func TestPoolWindow(t *testing.T) {
	for _, c := range windowCases {
		for _, isMax := range []bool{true, false} {
			t.Run(fmt.Sprintf("%v/max=%v", c, isMax), func(t *testing.T) {
				ResetDefaultGraph()
				xt := randTensor("window/x", c.n, c.h, c.w, c.c)
				var want []float32
				oh, ow := naiveWindows(c, func(b, _, _ int, pos [][4]int) {
					for ch := 0; ch < c.c; ch++ {
						best, sum := float32(math.Inf(-1)), 0.0
						for _, p := range pos {
							v := xt.data[((b*c.h+p[0])*c.w+p[1])*c.c+ch]
							best, sum = max(best, v), sum+float64(v)
						}
						if isMax {
							want = append(want, best)
						} else {
							want = append(want, float32(sum/float64(len(pos))))
						}
					}
				})
				pool := AvgPoolWindow
				if isMax {
					pool = MaxPoolWindow
				}
				x := Placeholder(None, c.h, c.w, c.c)
				for _, form := range [][2][]int{
					{{c.kh, c.kw}, {c.sy, c.sx}},
					{{1, c.kh, c.kw, 1}, {1, c.sy, c.sx, 1}},
				} {
					y := pool(x, form[0], form[1], c.padding)
					got := NewSession().Run(y, Feed{x: xt})
					if s := FormatShape(got.shape); s != FormatShape([]int{c.n, oh, ow, c.c}) {
						t.Fatalf("%v: shape %s, want [%d,%d,%d,%d]", form, s, c.n, oh, ow, c.c)
					}
					for i := range want {
						if math.Abs(float64(got.data[i]-want[i])) > 1e-5 {
							t.Fatalf("%v: out[%d] = %g, want %g", form, i, got.data[i], want[i])
						}
					}
				}
				v := Variable(RandomNormal([]int{c.n, c.h, c.w, c.c}, 0.001)).Named("v")
				loss := weightedSum(pool(Add(v, distinct(c.n, c.h, c.w, c.c)), []int{c.kh, c.kw}, []int{c.sy, c.sx}, c.padding))
				checkGrads(t, loss, []*Node{v}, nil)
			})
		}
	}
}

// TestConvStrides checks Conv2DStrides with a stride per axis against the
// naive convolution, and its gradients against central differences.
func TestConvStrides(t *testing.T) {
	const cout = 3
	for _, c := range windowCases {
		t.Run(c.String(), func(t *testing.T) {
			withChunk(t, func(t *testing.T) {
				ResetDefaultGraph()
				Seed(6)
				xt := randTensor("strides/x", c.n, c.h, c.w, c.c)
				ft := randTensor("strides/f", c.kh, c.kw, c.c, cout)
				var want []float32
				naiveWindows(c, func(b, _, _ int, pos [][4]int) {
					for co := 0; co < cout; co++ {
						var s float64
						for _, p := range pos {
							ky, kx := p[2], p[3]
							for ci := 0; ci < c.c; ci++ {
								s += float64(xt.data[((b*c.h+p[0])*c.w+p[1])*c.c+ci]) * float64(ft.data[((ky*c.kw+kx)*c.c+ci)*cout+co])
							}
						}
						want = append(want, float32(s))
					}
				})
				x := Placeholder(None, c.h, c.w, c.c)
				got := NewSession().Run(Conv2DStrides(x, Const(ft), []int{1, c.sy, c.sx, 1}, c.padding), Feed{x: xt})
				if len(got.data) != len(want) {
					t.Fatalf("%d outputs, want %d", len(got.data), len(want))
				}
				for i := range want {
					if math.Abs(float64(got.data[i]-want[i])) > 1e-4 {
						t.Fatalf("out[%d] = %g, want %g", i, got.data[i], want[i])
					}
				}
				xv := Variable(RandomNormal([]int{c.n, c.h, c.w, c.c}, 1)).Named("x")
				fv := Variable(RandomNormal([]int{c.kh, c.kw, c.c, cout}, 1)).Named("f")
				checkGrads(t, weightedSum(Conv2DStrides(xv, fv, []int{c.sy, c.sx}, c.padding)), []*Node{xv, fv}, nil)
			})
		})
	}
}

func TestWindowErrors(t *testing.T) {
	ResetDefaultGraph()
	x := Placeholder(None, 5, 5, 2)
	f := Variable(GlorotUniform([]int{3, 3, 2, 4}))
	expectErrors(t, []errCase{
		{"conv batch stride", func() { Conv2DStrides(x, f, []int{2, 1, 1, 1}, "SAME") }, "conv2d: strides [2 1 1 1]: the batch and channel entries must be 1"},
		{"conv length", func() { Conv2DStrides(x, f, []int{1, 1, 1}, "SAME") }, "want [height, width] or [1, height, width, 1]"},
		{"conv zero", func() { Conv2DStrides(x, f, []int{0, 1}, "SAME") }, "strides [0 1] must be at least 1"},
		{"pool ksize", func() { MaxPoolWindow(x, []int{1, 2, 2, 2}, []int{2, 2}, "VALID") }, "max_pool: ksize [1 2 2 2]: the batch and channel entries must be 1"},
		{"pool large", func() { AvgPoolWindow(x, []int{2, 6}, []int{1, 1}, "VALID") }, "avg_pool: input [?,5,5,2], window 2×6: with VALID padding the 5×5 input is smaller than the 2×6 window"},
		{"pool padding", func() { MaxPoolWindow(x, []int{2, 2}, []int{2, 2}, "FULL") }, "padding \"FULL\""},
	})
}
