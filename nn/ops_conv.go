package nn

import (
	"fmt"
	"math"
	"strings"
)

// Conv2D convolves a batch of images x, NHWC [batch, height, width,
// in channels], with filter [filter height, filter width, in channels, out
// channels], moving the filter stride pixels at a time in both directions.
// The output is [batch, out height, out width, out channels].
//
// padding is "VALID" or "SAME", with TensorFlow's rules: VALID uses only
// whole windows, so out height = ceil((height - filter height + 1) / stride);
// SAME pads with zeros so that out height = ceil(height / stride), putting
// any odd padding pixel at the bottom and right.
//
// Like TensorFlow's conv2d it computes a cross-correlation (the filter is
// not flipped). It runs as one matrix product per group of images: the
// image patches (im2col) times the filter seen as a matrix.
func Conv2D(x, filter *Node, stride int, padding string) *Node {
	same := parsePadding("conv2d", padding)
	if stride < 1 {
		panic(&Error{Op: "conv2d", Msg: fmt.Sprintf("stride %d must be at least 1", stride)})
	}
	return newOp("conv2d", convOp{stride: stride, same: same}, Float32, true, x, filter)
}

// parsePadding returns true for "SAME" and false for "VALID" (in any case).
func parsePadding(op, padding string) bool {
	switch strings.ToUpper(padding) {
	case "SAME":
		return true
	case "VALID":
		return false
	}
	panic(&Error{Op: op, Msg: fmt.Sprintf("padding %q must be \"SAME\" or \"VALID\"", padding)})
}

// outSize returns the output length and the padding before the first pixel
// for an input of length n, a window of k and a stride, by TensorFlow's
// rules. An unknown n (-1) gives -1; a VALID window longer than n gives 0.
func outSize(n, k, stride int, same bool) (out, padBefore int) {
	if n < 0 {
		return -1, 0
	}
	if !same {
		if n < k {
			return 0, 0
		}
		return (n-k)/stride + 1, 0
	}
	out = (n + stride - 1) / stride
	total := max((out-1)*stride+k-n, 0)
	return out, total / 2
}

// geom is the geometry of a sliding window over NHWC images: the input
// [n, h, w, c], the window kh×kw moved by stride, the output oh×ow and the
// padding above and to the left.
type geom struct {
	n, h, w, c int
	kh, kw, s  int
	oh, ow     int
	padT, padL int
}

func newGeom(x []int, kh, kw, stride int, same bool) geom {
	g := geom{n: x[0], h: x[1], w: x[2], c: x[3], kh: kh, kw: kw, s: stride}
	g.oh, g.padT = outSize(g.h, kh, stride, same)
	g.ow, g.padL = outSize(g.w, kw, stride, same)
	return g
}

// span returns the window offsets [k0, k1) that fall inside an input of
// length n when the window starts at input position p (possibly negative).
func span(p, k, n int) (k0, k1 int) { return max(0, -p), min(k, n-p) }

// windowShape checks an NHWC input against a window and returns the output
// shape [n, oh, ow, channels]; what names the operands for error messages.
func windowShape(what string, x []int, kh, kw, stride int, same bool, channels int) ([]int, error) {
	g := newGeom(x, kh, kw, stride, same)
	if !same && ((g.h >= 0 && g.h < kh) || (g.w >= 0 && g.w < kw)) {
		return nil, fmt.Errorf("%s: with VALID padding the %s×%s input is smaller than the %d×%d window",
			what, dimStr(g.h), dimStr(g.w), kh, kw)
	}
	return []int{x[0], g.oh, g.ow, channels}, nil
}

func dimStr(d int) string {
	if d < 0 {
		return "?"
	}
	return fmt.Sprint(d)
}

type convOp struct {
	stride int
	same   bool
}

func (c convOp) shape(in [][]int) ([]int, error) {
	x, f := in[0], in[1]
	what := fmt.Sprintf("input %s, filter %s", FormatShape(x), FormatShape(f))
	switch {
	case len(x) != 4:
		return nil, fmt.Errorf("%s: input must be NHWC images [batch, height, width, channels]", what)
	case len(f) != 4:
		return nil, fmt.Errorf("%s: filter must be [height, width, in channels, out channels]", what)
	case numElements(f) < 0:
		return nil, fmt.Errorf("%s: filter dimensions must be known", what)
	case !dimsMatch(x[3], f[2]):
		return nil, fmt.Errorf("%s: input has %d channels, filter expects %d", what, x[3], f[2])
	case f[0] < 1 || f[1] < 1:
		return nil, fmt.Errorf("%s: empty filter", what)
	}
	return windowShape(what, x, f[0], f[1], c.stride, c.same, f[3])
}

// convChunkFloats bounds the im2col matrix of one group of images, in
// floats. Whole-batch patches (about 85 MB for the second layer of the
// classic MNIST net at batch 128) do not fit any cache; groups of images
// this size keep the patches in L2/L3 between im2col and the product, at the
// price of recomputing them in backward. A batch that fits in one group keeps
// its patches from forward to backward. (A variable for benchmarks.)
var convChunkFloats = 1 << 18

// chunk returns how many images go into one matrix product.
func (g *geom) chunk() int {
	per := g.oh * g.ow * g.kh * g.kw * g.c
	if per == 0 {
		return max(g.n, 1)
	}
	return max(1, min(g.n, convChunkFloats/per))
}

// direct reports whether the patches are the input itself (a 1×1 filter
// with stride 1), so im2col is skipped.
func (g *geom) direct() bool { return g.kh == 1 && g.kw == 1 && g.s == 1 }

func convGeom(e *exec, c convOp) (geom, int) {
	f := e.in[1].shape
	g := newGeom(e.in[0].shape, f[0], f[1], c.stride, c.same)
	return g, f[3]
}

// cols returns e.aux as the patch buffer for nb images, sized on first use.
func (g *geom) cols(e *exec, nb int) []float32 {
	n := nb * g.oh * g.ow * g.kh * g.kw * g.c
	if len(e.aux) != n {
		e.aux = make([]float32, n)
	}
	return e.aux
}

// im2col writes the patches of images [n0, n0+nb) of x into cols, one row
// per output pixel and, within a row, the window's pixels in (ky, kx, c)
// order (the filter's layout), zeros where the window hangs over the edge.
func (g *geom) im2col(cols, x []float32, n0, nb int) {
	k := g.kh * g.kw * g.c
	rowLen := g.kw * g.c
	i := 0
	for n := n0; n < n0+nb; n++ {
		img := x[n*g.h*g.w*g.c : (n+1)*g.h*g.w*g.c]
		for oy := 0; oy < g.oh; oy++ {
			y0 := oy*g.s - g.padT
			for ox := 0; ox < g.ow; ox++ {
				x0 := ox*g.s - g.padL
				kx0, kx1 := span(x0, g.kw, g.w)
				row := cols[i*k : (i+1)*k]
				i++
				for ky := 0; ky < g.kh; ky++ {
					dst := row[ky*rowLen : (ky+1)*rowLen]
					y := y0 + ky
					if y < 0 || y >= g.h {
						clear(dst)
						continue
					}
					// The window's row is contiguous in the image.
					if kx0 > 0 {
						clear(dst[:kx0*g.c])
					}
					copy(dst[kx0*g.c:kx1*g.c], img[(y*g.w+x0+kx0)*g.c:])
					if kx1 < g.kw {
						clear(dst[kx1*g.c:])
					}
				}
			}
		}
	}
}

// col2im adds the patch gradients cols of images [n0, n0+nb) back into the
// image gradient dx: the transpose of im2col.
func (g *geom) col2im(dx, cols []float32, n0, nb int) {
	k := g.kh * g.kw * g.c
	rowLen := g.kw * g.c
	i := 0
	for n := n0; n < n0+nb; n++ {
		img := dx[n*g.h*g.w*g.c : (n+1)*g.h*g.w*g.c]
		for oy := 0; oy < g.oh; oy++ {
			y0 := oy*g.s - g.padT
			ky0, ky1 := span(y0, g.kh, g.h)
			for ox := 0; ox < g.ow; ox++ {
				x0 := ox*g.s - g.padL
				kx0, kx1 := span(x0, g.kw, g.w)
				row := cols[i*k : (i+1)*k]
				i++
				for ky := ky0; ky < ky1; ky++ {
					src := row[ky*rowLen+kx0*g.c : ky*rowLen+kx1*g.c]
					addTo(img[((y0+ky)*g.w+x0+kx0)*g.c:][:len(src)], src)
				}
			}
		}
	}
}

func (c convOp) forward(e *exec) {
	g, cout := convGeom(e, c)
	x, f, out := e.in[0].data, e.in[1].data, e.out.data
	k := g.kh * g.kw * g.c
	rows := g.oh * g.ow
	nb := g.chunk()
	var cols []float32
	if !g.direct() {
		cols = g.cols(e, nb)
	}
	for n0 := 0; n0 < g.n; n0 += nb {
		b := min(nb, g.n-n0)
		m := b * rows
		a := cols
		if g.direct() {
			a = x[n0*rows*k:]
		} else {
			g.im2col(cols, x, n0, b)
		}
		sgemm(false, false, m, cout, k, a, k, f, cout, 0, out[n0*rows*cout:], cout)
	}
}

// backward: dFilter += colsᵀ·dOut and dCols = dOut·filterᵀ, scattered back
// into dX by col2im, group by group. The patches are recomputed unless the
// whole batch was one group, whose patches forward left in e.aux.
func (c convOp) backward(e *exec) {
	gx, gf := e.inGrad[0], e.inGrad[1]
	if gx == nil && gf == nil {
		return
	}
	g, cout := convGeom(e, c)
	x, f, dout := e.in[0].data, e.in[1].data, e.grad.data
	k := g.kh * g.kw * g.c
	rows := g.oh * g.ow
	nb := g.chunk()
	var cols []float32
	if !g.direct() {
		cols = g.cols(e, nb)
	}
	for n0 := 0; n0 < g.n; n0 += nb {
		b := min(nb, g.n-n0)
		m := b * rows
		d := dout[n0*rows*cout:]
		if gf != nil {
			a := cols
			if g.direct() {
				a = x[n0*rows*k:]
			} else if nb < g.n {
				g.im2col(cols, x, n0, b)
			}
			sgemm(true, false, k, cout, m, a, k, d, cout, 1, gf.data, cout)
		}
		if gx != nil {
			if g.direct() {
				sgemm(false, true, m, k, cout, d, cout, f, cout, 1, gx.data[n0*rows*k:], k)
				continue
			}
			sgemm(false, true, m, k, cout, d, cout, f, cout, 0, cols, k)
			g.col2im(gx.data, cols, n0, b)
		}
	}
}

// MaxPool takes the largest value of each size×size window of NHWC images
// x, moving the window stride pixels at a time; padding is "SAME" or
// "VALID" as for Conv2D (SAME's padding never wins the maximum).
func MaxPool(x *Node, size, stride int, padding string) *Node {
	return newPool("max_pool", x, size, stride, padding, true)
}

// AvgPool averages each size×size window of NHWC images x, moving the
// window stride pixels at a time; padding is "SAME" or "VALID" as for
// Conv2D. As in TensorFlow, SAME's padding is left out of the average.
func AvgPool(x *Node, size, stride int, padding string) *Node {
	return newPool("avg_pool", x, size, stride, padding, false)
}

func newPool(name string, x *Node, size, stride int, padding string, isMax bool) *Node {
	same := parsePadding(name, padding)
	if size < 1 || stride < 1 {
		panic(&Error{Op: name, Msg: fmt.Sprintf("window size %d and stride %d must be at least 1", size, stride)})
	}
	return newOp(name, poolOp{size: size, stride: stride, same: same, max: isMax}, Float32, true, x)
}

type poolOp struct {
	size, stride int
	same, max    bool
}

func (p poolOp) shape(in [][]int) ([]int, error) {
	x := in[0]
	what := fmt.Sprintf("input %s, window %d×%d", FormatShape(x), p.size, p.size)
	if len(x) != 4 {
		return nil, fmt.Errorf("%s: input must be NHWC images [batch, height, width, channels]", what)
	}
	return windowShape(what, x, p.size, p.size, p.stride, p.same, x[3])
}

func (p poolOp) geom(e *exec) geom {
	return newGeom(e.in[0].shape, p.size, p.size, p.stride, p.same)
}

// forward of max pooling records in e.aux, for each output, the flat index
// of the input element that won (stored as float32 bits).
func (p poolOp) forward(e *exec) {
	g := p.geom(e)
	x, out := e.in[0].data, e.out.data
	if p.max && len(e.aux) != len(out) {
		e.aux = make([]float32, len(out))
	}
	c := g.c
	o := 0
	for n := 0; n < g.n; n++ {
		for oy := 0; oy < g.oh; oy++ {
			y0 := oy*g.s - g.padT
			ky0, ky1 := span(y0, g.kh, g.h)
			for ox := 0; ox < g.ow; ox++ {
				x0 := ox*g.s - g.padL
				kx0, kx1 := span(x0, g.kw, g.w)
				dst := out[o : o+c]
				if p.max {
					idx := e.aux[o : o+c]
					first := true
					for ky := ky0; ky < ky1; ky++ {
						for kx := kx0; kx < kx1; kx++ {
							base := ((n*g.h+y0+ky)*g.w + x0 + kx) * c
							src := x[base : base+c]
							if first {
								copy(dst, src)
								for i := range idx {
									idx[i] = math.Float32frombits(uint32(base + i))
								}
								first = false
								continue
							}
							for i, v := range src {
								if v > dst[i] {
									dst[i] = v
									idx[i] = math.Float32frombits(uint32(base + i))
								}
							}
						}
					}
				} else {
					clear(dst)
					for ky := ky0; ky < ky1; ky++ {
						base := ((n*g.h+y0+ky)*g.w + x0 + kx0) * c
						for kx := kx0; kx < kx1; kx++ {
							addTo(dst, x[base+(kx-kx0)*c:])
						}
					}
					inv := 1 / float32((ky1-ky0)*(kx1-kx0))
					for i := range dst {
						dst[i] *= inv
					}
				}
				o += c
			}
		}
	}
}

func (p poolOp) backward(e *exec) {
	gx := e.inGrad[0]
	if gx == nil {
		return
	}
	grad := e.grad.data
	if p.max {
		for i, gi := range grad {
			gx.data[math.Float32bits(e.aux[i])] += gi
		}
		return
	}
	g := p.geom(e)
	c := g.c
	o := 0
	for n := 0; n < g.n; n++ {
		for oy := 0; oy < g.oh; oy++ {
			y0 := oy*g.s - g.padT
			ky0, ky1 := span(y0, g.kh, g.h)
			for ox := 0; ox < g.ow; ox++ {
				x0 := ox*g.s - g.padL
				kx0, kx1 := span(x0, g.kw, g.w)
				inv := 1 / float32((ky1-ky0)*(kx1-kx0))
				src := grad[o : o+c]
				for ky := ky0; ky < ky1; ky++ {
					base := ((n*g.h+y0+ky)*g.w + x0 + kx0) * c
					for kx := kx0; kx < kx1; kx++ {
						dst := gx.data[base+(kx-kx0)*c : base+(kx-kx0+1)*c]
						for i, v := range src {
							dst[i] += v * inv
						}
					}
				}
				o += c
			}
		}
	}
}
