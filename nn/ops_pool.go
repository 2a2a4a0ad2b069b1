package nn

import (
	"fmt"
	"math"

	"github.com/nnlab/nnlab/nn/internal/parallel"
	"github.com/nnlab/nnlab/nn/vec"
)

// MaxPool takes the largest value of each size×size window of NHWC images
// x, moving the window stride pixels at a time; padding is "SAME" or
// "VALID" as for Conv2D (SAME's padding never wins the maximum).
// MaxPoolWindow takes a window and strides per axis.
func MaxPool(x *Node, size, stride int, padding string) *Node {
	return newPool("max_pool", x, size, stride, padding, true)
}

// MaxPoolWindow is MaxPool with a window and strides per axis, written as
// TensorFlow's tf.nn.max_pool(x, ksize=[1, kh, kw, 1], strides=[1, sh, sw,
// 1], padding) or as pairs [kh, kw] and [sh, sw].
func MaxPoolWindow(x *Node, ksize, strides []int, padding string) *Node {
	return newPoolWindow("max_pool", x, ksize, strides, padding, true)
}

// AvgPoolWindow is AvgPool with a window and strides per axis, as
// MaxPoolWindow.
func AvgPoolWindow(x *Node, ksize, strides []int, padding string) *Node {
	return newPoolWindow("avg_pool", x, ksize, strides, padding, false)
}

func newPoolWindow(name string, x *Node, ksize, strides []int, padding string, isMax bool) *Node {
	same := parsePadding(name, padding)
	kh, kw, err := pairOf("ksize", ksize, 1)
	if err == nil {
		var sy, sx int
		sy, sx, err = pairOf("strides", strides, 1)
		if err == nil {
			return newOp(name, poolOp{kh: kh, kw: kw, sy: sy, sx: sx, same: same, max: isMax}, Float32, true, x)
		}
	}
	panic(&Error{Op: name, Msg: err.Error()})
}

// AvgPool averages each size×size window of NHWC images x, moving the
// window stride pixels at a time; padding is "SAME" or "VALID" as for
// Conv2D. As in TensorFlow, SAME's padding is left out of the average.
// AvgPoolWindow takes a window and strides per axis.
func AvgPool(x *Node, size, stride int, padding string) *Node {
	return newPool("avg_pool", x, size, stride, padding, false)
}

func newPool(name string, x *Node, size, stride int, padding string, isMax bool) *Node {
	same := parsePadding(name, padding)
	if size < 1 || stride < 1 {
		panic(&Error{Op: name, Msg: fmt.Sprintf("window size %d and stride %d must be at least 1", size, stride)})
	}
	return newOp(name, poolOp{kh: size, kw: size, sy: stride, sx: stride, same: same, max: isMax}, Float32, true, x)
}

// poolOp is a kh×kw window moved sy rows and sx columns at a time.
type poolOp struct {
	kh, kw, sy, sx int
	same, max      bool
}

func (p poolOp) shape(in [][]int) ([]int, error) {
	x := in[0]
	what := fmt.Sprintf("input %s, window %d×%d", FormatShape(x), p.kh, p.kw)
	if len(x) != 4 {
		return nil, fmt.Errorf("%s: input must be NHWC images [batch, height, width, channels]", what)
	}
	return windowShape(what, x, p.kh, p.kw, p.sy, p.sx, p.same, x[3])
}

func (p poolOp) geom(e *exec) geom {
	return newGeom(e.in[0].shape, p.kh, p.kw, p.sy, p.sx, p.same)
}

// maxPoolFast is the largest window (in pixels) whose offsets forward keeps
// in an array on the stack.
const maxPoolFast = 16

// forward of max pooling records in e.aux, for each output, the flat index
// of the input element that won (stored as float32 bits).
func (p poolOp) forward(e *exec) {
	if p.max && len(e.aux) != len(e.out.data) {
		e.aux = make([]float32, len(e.out.data))
	}
	p.run(e, false)
}

func (p poolOp) backward(e *exec) {
	if e.inGrad[0] != nil {
		p.run(e, true)
	}
}

func (poolOp) canOverwrite(int) bool { return true }

// poolPlan is one pass of a pooling op, split by images over the cores.
type poolPlan struct {
	op       poolOp
	e        *exec
	g        geom
	parts    int
	backward bool
}

// poolState holds a pooling op's pass under way, which parallel.Run hands
// to helpers.
type poolState struct{ plan poolPlan }

func (poolOp) newState() any { return new(poolState) }

func (p poolOp) run(e *exec, backward bool) {
	g := p.geom(e)
	parts := 1
	if g.n*g.oh*g.ow*g.c*g.kh*g.kw >= 1<<18 {
		parts = max(1, min(parallel.Threads(), g.n))
	}
	if convParts > 0 {
		parts = min(convParts, max(g.n, 1))
	}
	pl := &e.state.(*poolState).plan
	*pl = poolPlan{op: p, e: e, g: g, parts: parts, backward: backward}
	parallel.Run(parts, pl)
	*pl = poolPlan{}
}

// RunPart pools, or passes the gradient of, part's block of images.
func (pl *poolPlan) RunPart(part int) {
	lo, hi := part*pl.g.n/pl.parts, (part+1)*pl.g.n/pl.parts
	if pl.backward {
		pl.op.backwardImages(pl.e, &pl.g, lo, hi)
	} else {
		pl.op.forwardImages(pl.e, &pl.g, lo, hi)
	}
}

// forwardImages pools images [n0, n1).
func (p poolOp) forwardImages(e *exec, g *geom, n0, n1 int) {
	x, out := e.in[0].data, e.out.data
	c := g.c
	var offs [maxPoolFast]int
	o := n0 * g.oh * g.ow * c
	for n := n0; n < n1; n++ {
		for oy := 0; oy < g.oh; oy++ {
			y0 := oy*g.sy - g.padT
			ky0, ky1 := span(y0, g.kh, g.h)
			for ox := 0; ox < g.ow; ox++ {
				x0 := ox*g.sx - g.padL
				kx0, kx1 := span(x0, g.kw, g.w)
				dst := out[o : o+c]
				switch {
				case p.max && (ky1-ky0)*(kx1-kx0) <= maxPoolFast:
					// Offsets of the window's pixels, then one pass per channel.
					k := 0
					for ky := ky0; ky < ky1; ky++ {
						for kx := kx0; kx < kx1; kx++ {
							offs[k] = ((n*g.h+y0+ky)*g.w + x0 + kx) * c
							k++
						}
					}
					vec.MaxIndex(dst, e.aux[o:o+c], x, offs[:k])
				case p.max:
					idx := e.aux[o : o+c]
					for ky := ky0; ky < ky1; ky++ {
						for kx := kx0; kx < kx1; kx++ {
							base := ((n*g.h+y0+ky)*g.w + x0 + kx) * c
							src := x[base : base+c]
							if ky == ky0 && kx == kx0 {
								copy(dst, src)
								for i := range idx {
									idx[i] = math.Float32frombits(uint32(base + i))
								}
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
				default:
					clear(dst)
					for ky := ky0; ky < ky1; ky++ {
						base := ((n*g.h+y0+ky)*g.w + x0 + kx0) * c
						for kx := kx0; kx < kx1; kx++ {
							accum(dst, x[base+(kx-kx0)*c:])
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

// backwardImages adds the gradient of images [n0, n1) into e.inGrad[0].
func (p poolOp) backwardImages(e *exec, g *geom, n0, n1 int) {
	gx, grad := e.inGrad[0], e.grad.data
	c := g.c
	per := g.oh * g.ow * c
	overwrite := accumulate(e, 0) == 0
	in := g.h * g.w * c
	if p.max {
		// Image by image: its part of the buffer (if this op alone fills
		// it) is cleared on this core just before the scatter adds to it,
		// while it is in cache.
		for n := n0; n < n1; n++ {
			if overwrite {
				clear(gx.data[n*in : (n+1)*in])
			}
			idx, gr := e.aux[n*per:(n+1)*per], grad[n*per:(n+1)*per]
			if e.reluMask {
				// The ReLU before passes gradient where its output, the
				// value pooled, is positive (see plan.fuse).
				out := e.out.data[n*per : (n+1)*per]
				for i, gi := range gr {
					if out[i] > 0 {
						gx.data[math.Float32bits(idx[i])] += gi
					}
				}
				continue
			}
			for i, gi := range gr {
				gx.data[math.Float32bits(idx[i])] += gi
			}
		}
		return
	}
	if overwrite {
		clear(gx.data[n0*in : n1*in])
	}
	o := n0 * per
	for n := n0; n < n1; n++ {
		for oy := 0; oy < g.oh; oy++ {
			y0 := oy*g.sy - g.padT
			ky0, ky1 := span(y0, g.kh, g.h)
			for ox := 0; ox < g.ow; ox++ {
				x0 := ox*g.sx - g.padL
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
