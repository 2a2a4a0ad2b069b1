package nn

import (
	"fmt"
	"github.com/nnlab/nnlab/nn/vec"

	"github.com/nnlab/nnlab/nn/gemm"
	"github.com/nnlab/nnlab/nn/internal/parallel"
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
// not flipped). It runs as matrix products: the image patches (im2col, one
// row per output pixel) times the filter seen as a [kh*kw*cin, cout]
// matrix. The batch is split into one block of images per core, and each
// block is processed a few images at a time so that its patches (at most 4
// MB per core) stay in cache; the gradient of x is computed only if
// something needs it (not for a first layer fed from a placeholder).
// Conv2DStrides takes a stride per axis.
func Conv2D(x, filter *Node, stride int, padding string) *Node {
	same := parsePadding("conv2d", padding)
	if stride < 1 {
		panic(&Error{Op: "conv2d", Msg: fmt.Sprintf("stride %d must be at least 1", stride)})
	}
	return newOp("conv2d", convOp{sy: stride, sx: stride, same: same}, Float32, true, x, filter)
}

// Conv2DStrides is Conv2D with a stride per axis, written as TensorFlow's
// tf.nn.conv2d(x, filter, strides=[1, sh, sw, 1], padding) or as the pair
// [sh, sw]: the filter moves sh pixels down and sw across.
func Conv2DStrides(x, filter *Node, strides []int, padding string) *Node {
	same := parsePadding("conv2d", padding)
	sy, sx, err := pairOf("strides", strides, 1)
	if err != nil {
		panic(&Error{Op: "conv2d", Msg: err.Error()})
	}
	return newOp("conv2d", convOp{sy: sy, sx: sx, same: same}, Float32, true, x, filter)
}

// convOp is a convolution moved sy rows and sx columns at a time.
type convOp struct {
	sy, sx int
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
	return windowShape(what, x, f[0], f[1], c.sy, c.sx, c.same, f[3])
}

// convChunkFloats bounds the im2col matrix of one group of images, in
// floats, per core. Whole-batch patches (about 85 MB for the second layer of
// the classic MNIST net at batch 128) do not fit any cache; smaller groups
// keep the patches in L2/L3 between im2col and the product, at the price of
// recomputing them in backward. When each core's share of the batch fits in
// one group its patches are kept from forward to backward. (A variable for
// benchmarks.)
var convChunkFloats = 1 << 20

// direct reports whether the patches are the input itself (a 1×1 filter
// with stride 1), so im2col is skipped.
func (g *geom) direct() bool { return g.kh == 1 && g.kw == 1 && g.sy == 1 && g.sx == 1 }

func convGeom(e *exec, c convOp) (geom, int) {
	f := e.in[1].shape
	g := newGeom(e.in[0].shape, f[0], f[1], c.sy, c.sx, c.same)
	return g, f[3]
}

// convState is what a convolution keeps from forward to backward and from
// one step to the next.
type convState struct {
	parts int  // the parts forward split the batch into; backward uses the same
	kept  bool // forward's patches are still in buf
	// winograd records that the last forward took the Winograd path.
	winograd bool
	// buf holds a patch buffer per part, then a filter-gradient buffer for
	// every part but the first, then the transposed filter and, per part, a
	// transposed filter gradient (for the sparse backward).
	buf  []float32
	csrs []gemm.CSR // per part, the output gradient when it is sparse
	plan convPlan   // the pass under way, which parallel.Run hands to helpers
}

func (convOp) newState() any { return new(convState) }

// convPlan is how a convolution splits its batch: into parts contiguous
// blocks of images, one per core, each processed in groups of nb images.
// Its buffers live in the op's convState.
type convPlan struct {
	g         geom
	cout, k   int // output channels, patch length kh*kw*cin
	rows      int // output pixels per image
	parts, nb int
	colsLen   int // floats of one part's patch buffer
	whole     bool
	stop      func() bool // the run's stop function (exec.stop)
	kept      bool        // backward: forward's patches are in the patch buffers
	buf       []float32   // convState.buf
	x, f, out []float32
	dout      []float32
	gx, gf    *Tensor
	backward  bool
	csrs      []gemm.CSR // per part, when the backward may go sparse
	clearGx   bool       // this op alone fills gx: each part clears its block

	// The Winograd forward (see conv_winograd.go): tiles per output row
	// and per image, tiles per group, and where its buffers start in buf.
	wino          bool
	tw, tiles, tb int
	wgOff         int

	// The epilogue of ops fused into the forward pass (see plan.fuse):
	// a bias per output channel (nil if none) and ReLU.
	bias []float32
	relu bool
}

// minParallelMACs is the work below which a layer stays on one core.
const minParallelMACs = 1 << 20

// convParts, if positive, overrides the number of parts a convolution
// splits its batch into (for tests).
var convParts = 0

func newConvPlan(e *exec, c convOp, parts int) *convPlan {
	g, cout := convGeom(e, c)
	st := e.state.(*convState)
	p := &st.plan
	*p = convPlan{g: g, cout: cout, k: g.kh * g.kw * g.c, rows: g.oh * g.ow, stop: e.stop}
	if parts <= 0 {
		parts = 1
		if g.n*p.rows*p.k*cout >= minParallelMACs {
			parts = max(1, min(parallel.Threads(), g.n))
		}
	}
	p.parts = parts
	block := (g.n + parts - 1) / parts
	p.nb = block
	if per := p.rows * p.k; per > 0 {
		p.nb = max(1, min(block, convChunkFloats/per))
	}
	p.whole = p.nb == block
	if !g.direct() {
		p.colsLen = p.nb * p.rows * p.k
	}
	// Then the transposed filter and, per part, a transposed filter
	// gradient, for the sparse backward.
	need := parts*p.colsLen + (parts-1)*p.k*cout + (parts+1)*p.k*cout
	if p.wino = useWinograd(&g, cout); p.wino {
		// Then, for the Winograd forward, the transformed filter, a row
		// of zeros and per part its scratch and a row for unused pixels.
		p.wgGeom(block)
		p.wgOff = need
		need += 16*g.c*cout + g.c + parts*(p.wgLen()+cout)
	}
	if len(st.buf) != need {
		st.buf = makeFloats("conv2d", "convolution work space", need)
	}
	p.buf = st.buf
	p.x, p.f, p.out = e.in[0].data, e.in[1].data, e.out.data
	return p
}

func (p *convPlan) cols(part int) []float32 {
	return p.buf[part*p.colsLen : (part+1)*p.colsLen]
}

// filterGrad returns where part accumulates its filter gradient.
func (p *convPlan) filterGrad(part int) []float32 {
	if part == 0 {
		return p.gf.data
	}
	off := p.parts*p.colsLen + (part-1)*p.k*p.cout
	return p.buf[off : off+p.k*p.cout]
}

// filterT returns the transposed filter, [cout, k], for the sparse
// backward.
func (p *convPlan) filterT() []float32 {
	off := p.parts*p.colsLen + (p.parts-1)*p.k*p.cout
	return p.buf[off : off+p.k*p.cout]
}

// gradT returns part's scratch for its transposed filter gradient.
func (p *convPlan) gradT(part int) []float32 {
	off := p.parts*p.colsLen + (p.parts+part)*p.k*p.cout
	return p.buf[off : off+p.k*p.cout]
}

// block returns the images [lo, hi) of part.
func (p *convPlan) block(part int) (lo, hi int) {
	return part * p.g.n / p.parts, (part + 1) * p.g.n / p.parts
}

// im2col writes the patches of images [n0, n0+nb) of x into cols, one row
// per output pixel and, within a row, the window's pixels in (ky, kx, c)
// order (the filter's layout), zeros where the window hangs over the edge.
// A run of windows inside the image is copied by one vec.CopyBlocks call.
func (g *geom) im2col(cols, x []float32, n0, nb int) {
	k := g.kh * g.kw * g.c
	oxa, oxb := g.inside()
	i := 0
	for n := n0; n < n0+nb; n++ {
		img := x[n*g.h*g.w*g.c : (n+1)*g.h*g.w*g.c]
		for oy := 0; oy < g.oh; oy++ {
			y0 := oy*g.sy - g.padT
			a, b := g.ow, g.ow // the run of windows inside the image
			if y0 >= 0 && y0+g.kh <= g.h {
				a, b = oxa, oxb
			}
			for ox := 0; ox < g.ow; ox++ {
				if ox == a && b > a {
					x0 := ox*g.sx - g.padL
					vec.CopyBlocks(cols[i*k:(i+b-a)*k], img[(y0*g.w+x0)*g.c:], b-a, g.kh, g.kw*g.c, g.sx*g.c, g.w*g.c)
					i += b - a
					ox = b - 1
					continue
				}
				g.patch(cols[i*k:(i+1)*k], img, y0, ox*g.sx-g.padL)
				i++
			}
		}
	}
}

// inside returns the output columns [oxa, oxb) whose windows lie within
// the image's width.
func (g *geom) inside() (oxa, oxb int) {
	oxa = (g.padL + g.sx - 1) / g.sx
	if g.w+g.padL >= g.kw {
		oxb = min(g.ow, (g.w+g.padL-g.kw)/g.sx+1)
	}
	return oxa, max(oxa, oxb)
}

// patch writes the window at (y0, x0) of img into row.
func (g *geom) patch(row, img []float32, y0, x0 int) {
	rowLen := g.kw * g.c
	kx0, kx1 := span(x0, g.kw, g.w)
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
		d, src := dst[kx0*g.c:kx1*g.c], img[(y*g.w+x0+kx0)*g.c:]
		if len(d) <= 16 {
			// A few channels (a first layer): a call of memmove per
			// window row costs more than the copy.
			for t := range d {
				d[t] = src[t]
			}
		} else {
			copy(d, src)
		}
		if kx1 < g.kw {
			clear(dst[kx1*g.c:])
		}
	}
}

// col2im adds the patch gradients cols of images [n0, n0+nb) back into the
// image gradient dx: the transpose of im2col, window after window (they
// overlap), a run of windows inside the image by one vec.AddBlocks call.
func (g *geom) col2im(dx, cols []float32, n0, nb int) {
	k := g.kh * g.kw * g.c
	oxa, oxb := g.inside()
	i := 0
	for n := n0; n < n0+nb; n++ {
		img := dx[n*g.h*g.w*g.c : (n+1)*g.h*g.w*g.c]
		for oy := 0; oy < g.oh; oy++ {
			y0 := oy*g.sy - g.padT
			a, b := g.ow, g.ow
			if y0 >= 0 && y0+g.kh <= g.h {
				a, b = oxa, oxb
			}
			for ox := 0; ox < g.ow; ox++ {
				if ox == a && b > a {
					x0 := ox*g.sx - g.padL
					vec.AddBlocks(img[(y0*g.w+x0)*g.c:], cols[i*k:(i+b-a)*k], b-a, g.kh, g.kw*g.c, g.sx*g.c, g.w*g.c)
					i += b - a
					ox = b - 1
					continue
				}
				g.unpatch(img, cols[i*k:(i+1)*k], y0, ox*g.sx-g.padL)
				i++
			}
		}
	}
}

// unpatch adds row, the gradient of the window at (y0, x0), into img.
func (g *geom) unpatch(img, row []float32, y0, x0 int) {
	rowLen := g.kw * g.c
	ky0, ky1 := span(y0, g.kh, g.h)
	kx0, kx1 := span(x0, g.kw, g.w)
	for ky := ky0; ky < ky1; ky++ {
		src := row[ky*rowLen+kx0*g.c : ky*rowLen+kx1*g.c]
		accum(img[((y0+ky)*g.w+x0+kx0)*g.c:][:len(src)], src)
	}
}

// forward: out = im2col(x)·filter, each core on its block of images,
// group by group.
func (c convOp) forward(e *exec) {
	st := e.state.(*convState)
	p := newConvPlan(e, c, convParts)
	st.parts, st.kept, st.winograd = p.parts, false, p.wino
	if e.epi != nil {
		p.bias, p.relu = e.epi.bias.out.data, e.epi.relu
	}
	if p.wino {
		wgFilter(p.wgU(), p.f, p.g.c, p.cout)
	}
	parallel.Run(p.parts, p)
	st.kept = p.whole && !p.g.direct() && !p.wino // backward may reuse the patches
	p.release()
}

// canOverwrite is true for x: each part clears its images' gradient
// before adding to it. The filter gradient is summed over the parts.
func (convOp) canOverwrite(i int) bool { return i == 0 }

// sgemm runs a product of one part: on one goroutine when the parts
// already share the cores.
func (p *convPlan) sgemm(c, a, b gemm.Matrix, o gemm.Options) {
	if p.parts > 1 {
		o.Threads = 1
	}
	sgemm(p.stop, c, a, b, o)
}

// sparse runs a sparse product of one part with k-wide dense operands:
// C = Sᵀ·B (the filter gradient, transposed) or C = S·B (the patch
// gradients), on one goroutine when the parts already share the cores.
func (p *convPlan) sparse(transposed bool, s *gemm.CSR, b []float32, beta float32, c []float32) {
	threads := 0
	if p.parts > 1 {
		threads = 1
	}
	mul := gemm.SparseMulThreads
	if transposed {
		mul = gemm.SparseTMulThreads
	}
	if !mul(threads, s, p.k, b, p.k, beta, c, p.k, p.stop) {
		panic(ErrInterrupted)
	}
}

// release drops p's references to the run's tensors.
func (p *convPlan) release() { *p = convPlan{} }

// RunPart runs forward or backward on part's block of images.
func (p *convPlan) RunPart(part int) {
	if p.backward {
		p.backwardPart(part)
	} else {
		p.forwardPart(part)
	}
}

func (p *convPlan) forwardPart(part int) {
	if p.wino {
		p.wgForwardPart(part)
		return
	}
	lo, hi := p.block(part)
	cols := p.cols(part)
	for n0 := lo; n0 < hi; n0 += p.nb {
		b := min(p.nb, hi-n0)
		a := cols
		if p.g.direct() {
			a = p.x[n0*p.rows*p.k:]
		} else {
			p.g.im2col(cols, p.x, n0, b)
		}
		out := p.out[n0*p.rows*p.cout : (n0+b)*p.rows*p.cout]
		p.sgemm(mat(b*p.rows, p.cout, out), mat(b*p.rows, p.k, a), mat(p.k, p.cout, p.f), gemm.Options{})
		if p.bias != nil {
			applyRows(out, p.bias, p.relu)
		}
	}
}

// backward: dFilter += colsᵀ·dOut and dCols = dOut·filterᵀ, scattered back
// into dX by col2im, each core on the block of images it had in forward.
// The patches are recomputed unless forward left them (one group per core).
// Each core but the first sums its filter gradient apart; they are added up
// at the end.
func (c convOp) backward(e *exec) {
	gx, gf := e.inGrad[0], e.inGrad[1]
	if gx == nil && gf == nil {
		return
	}
	st := e.state.(*convState)
	p := newConvPlan(e, c, st.parts)
	p.dout, p.gx, p.gf, p.backward, p.kept = e.grad.data, gx, gf, true, st.kept
	p.clearGx = gx != nil && accumulate(e, 0) == 0
	if sparseEnabled && p.cout >= 16 && !p.g.direct() {
		// The output gradient is mostly zeros after max-pooling and ReLU;
		// groups where it is take the sparse products (see backwardPart).
		if len(st.csrs) != p.parts {
			st.csrs = make([]gemm.CSR, p.parts)
		}
		p.csrs = st.csrs
		ft := p.filterT()
		for j := range p.k {
			for c := range p.cout {
				ft[c*p.k+j] = p.f[j*p.cout+c]
			}
		}
	}
	if gf != nil {
		for part := 1; part < p.parts; part++ {
			clear(p.filterGrad(part))
		}
	}
	parallel.Run(p.parts, p)
	if gf != nil {
		for part := 1; part < p.parts; part++ {
			accum(gf.data, p.filterGrad(part))
		}
	}
	if gx != nil {
		st.kept = false // the patch buffers now hold gradients
	}
	p.release()
}

func (p *convPlan) backwardPart(part int) {
	lo, hi := p.block(part)
	cols := p.cols(part)
	kept := p.kept
	in := p.g.h * p.g.w * p.g.c
	for n0 := lo; n0 < hi; n0 += p.nb {
		b := min(p.nb, hi-n0)
		m := b * p.rows
		d := p.dout[n0*p.rows*p.cout:]
		// Sparse: dFilterᵀ = dOutᵀ·cols and dCols = dOut·filterᵀ.
		var sp *gemm.CSR
		if p.csrs != nil && toSparse(&p.csrs[part], d, m, p.cout, 1) {
			sp = &p.csrs[part]
		}
		if p.gf != nil {
			a := cols
			if p.g.direct() {
				a = p.x[n0*p.rows*p.k:]
			} else if !kept {
				p.g.im2col(cols, p.x, n0, b)
			}
			if sp != nil {
				t := p.gradT(part)
				p.sparse(true, sp, a, 0, t)
				fg := p.filterGrad(part)
				for j := range p.k {
					for c := range p.cout {
						fg[j*p.cout+c] += t[c*p.k+j]
					}
				}
			} else {
				p.sgemm(mat(p.k, p.cout, p.filterGrad(part)), mat(m, p.k, a), mat(m, p.cout, d), gemm.Options{TransA: true, Beta: 1})
			}
		}
		if p.gx != nil {
			// These images' gradient is cleared (if this op alone fills
			// it) just before it is added to, while in cache.
			gx := p.gx.data[n0*in : (n0+b)*in]
			if p.g.direct() {
				if p.clearGx {
					clear(gx)
				}
				p.sgemm(mat(m, p.k, gx), mat(m, p.cout, d), mat(p.k, p.cout, p.f), gemm.Options{TransB: true, Beta: 1})
				continue
			}
			if sp != nil {
				p.sparse(false, sp, p.filterT(), 0, cols)
			} else {
				p.sgemm(mat(m, p.k, cols), mat(m, p.cout, d), mat(p.k, p.cout, p.f), gemm.Options{TransB: true})
			}
			if p.clearGx {
				clear(gx)
			}
			p.g.col2im(p.gx.data, cols, n0, b)
		}
	}
}
