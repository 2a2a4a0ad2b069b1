package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nnlab/nnlab/nn/internal/parallel"
)

// ReduceMean averages x over the given axes (negative ones count from the
// end), or over all elements (a scalar) when none is given:
// ReduceMean(x, 0, 1) of a [2,3,4] tensor is [4], as tf.reduce_mean(x,
// [0, 1]).
func ReduceMean(x *Node, axis ...int) *Node {
	return newOp("mean", reduceOp{axes: axesOf(axis), mean: true}, Float32, true, x)
}

// ReduceSum sums x over the given axes, or over all elements when none is
// given, as ReduceMean averages.
func ReduceSum(x *Node, axis ...int) *Node {
	return newOp("sum", reduceOp{axes: axesOf(axis)}, Float32, true, x)
}

// axesOf copies a reduction's axes; nil stands for every element.
func axesOf(axis []int) []int {
	if len(axis) == 0 {
		return nil
	}
	return append([]int{}, axis...)
}

// splitAxis views a shape as [outer, n, inner] around axis.
func splitAxis(shape []int, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for i, d := range shape {
		switch {
		case i < axis:
			outer *= d
		case i > axis:
			inner *= d
		}
	}
	return outer, shape[axis], inner
}

func normAxis(shape []int, axis int) (int, error) {
	if axis < 0 {
		axis += len(shape)
	}
	if axis < 0 || axis >= len(shape) {
		return 0, fmt.Errorf("axis out of range for shape %s", FormatShape(shape))
	}
	return axis, nil
}

func dropAxis(shape []int, axis int) []int {
	out := append([]int{}, shape[:axis]...)
	return append(out, shape[axis+1:]...)
}

// reduceOp sums or averages over axes (all of them if nil).
type reduceOp struct {
	axes []int
	mean bool
}

// reduced returns, per dimension of shape, whether r reduces it.
func (r reduceOp) reduced(shape []int) ([]bool, error) {
	red := make([]bool, len(shape))
	for _, a := range r.axes {
		n, err := normAxis(shape, a)
		if err != nil {
			return nil, fmt.Errorf("axis %d out of range for shape %s", a, FormatShape(shape))
		}
		if red[n] {
			return nil, fmt.Errorf("axis %d repeated in %v", a, r.axes)
		}
		red[n] = true
	}
	return red, nil
}

func (r reduceOp) shape(in [][]int) ([]int, error) {
	if r.axes == nil {
		return []int{}, nil
	}
	red, err := r.reduced(in[0])
	if err != nil {
		return nil, err
	}
	out := []int{}
	for i, d := range in[0] {
		if !red[i] {
			out = append(out, d)
		}
	}
	return out, nil
}

// single returns the one reduced axis, normalised, if there is one: the
// common case, done without the general path's index arithmetic.
func (r reduceOp) single(shape []int) (int, bool) {
	if len(r.axes) != 1 {
		return 0, false
	}
	a, _ := normAxis(shape, r.axes[0])
	return a, true
}

// scale is 1, or for a mean 1/(the number of elements summed into each
// output).
func (r reduceOp) scale(in, out *Tensor) float32 {
	if !r.mean || len(out.data) == 0 || len(in.data) == 0 {
		return 1
	}
	return float32(len(out.data)) / float32(len(in.data))
}

// maxRank is the rank up to which the general reduction keeps its indices
// on the stack (so that a training step allocates nothing).
const maxRank = 8

// reduceIndex runs f over the flat indices of an input of the given shape,
// each with the flat index of the output element it is reduced into.
func (r reduceOp) reduceIndex(shape []int, f func(i, o int)) {
	var cbuf, sbuf [maxRank]int
	coord, ostride := cbuf[:0], sbuf[:0]
	if len(shape) > maxRank {
		coord, ostride = make([]int, 0, len(shape)), make([]int, 0, len(shape))
	}
	coord, ostride = coord[:len(shape)], ostride[:len(shape)]
	// Output strides: 0 for a reduced dimension.
	s := 1
	for d := len(shape) - 1; d >= 0; d-- {
		ostride[d] = 0
		if !r.isReduced(shape, d) {
			ostride[d] = s
			s *= shape[d]
		}
	}
	total := numElements(shape)
	o := 0
	for i := 0; i < total; i++ {
		f(i, o)
		for d := len(shape) - 1; d >= 0; d-- {
			coord[d]++
			o += ostride[d]
			if coord[d] < shape[d] {
				break
			}
			o -= ostride[d] * shape[d]
			coord[d] = 0
		}
	}
}

// isReduced reports whether dimension d of shape is reduced, without
// allocating.
func (r reduceOp) isReduced(shape []int, d int) bool {
	for _, a := range r.axes {
		if a == d || a+len(shape) == d {
			return true
		}
	}
	return false
}

func (r reduceOp) forward(e *exec) {
	x := e.in[0]
	if r.axes == nil {
		var s float64
		for _, v := range x.data {
			s += float64(v)
		}
		if r.mean && len(x.data) > 0 {
			s /= float64(len(x.data))
		}
		e.out.data[0] = float32(s)
		return
	}
	scale := r.scale(x, e.out)
	if a, ok := r.single(x.shape); ok {
		outer, n, inner := splitAxis(x.shape, a)
		for o := 0; o < outer; o++ {
			dst := e.out.data[o*inner : (o+1)*inner]
			clear(dst)
			for k := 0; k < n; k++ {
				accum(dst, x.data[(o*n+k)*inner:])
			}
			for i := range dst {
				dst[i] *= scale
			}
		}
		return
	}
	out := e.out.data
	clear(out)
	r.reduceIndex(x.shape, func(i, o int) { out[o] += x.data[i] })
	for i := range out {
		out[i] *= scale
	}
}

// backward spreads each output's gradient (times the mean's scale) over
// the input elements reduced into it.
func (r reduceOp) backward(e *exec) {
	gx := e.inGrad[0]
	if gx == nil {
		return
	}
	x := e.in[0]
	if r.axes == nil {
		g := e.grad.data[0]
		if r.mean && len(x.data) > 0 {
			g /= float32(len(x.data))
		}
		for i := range gx.data {
			gx.data[i] += g
		}
		return
	}
	scale := r.scale(x, e.out)
	if a, ok := r.single(x.shape); ok {
		outer, n, inner := splitAxis(x.shape, a)
		for o := 0; o < outer; o++ {
			g := e.grad.data[o*inner : (o+1)*inner]
			for k := 0; k < n; k++ {
				dst := gx.data[(o*n+k)*inner : (o*n+k+1)*inner]
				for i := range dst {
					dst[i] += g[i] * scale
				}
			}
		}
		return
	}
	g := e.grad.data
	r.reduceIndex(x.shape, func(i, o int) { gx.data[i] += g[o] * scale })
}

// ArgMax returns the index of the largest value along axis (an int64 tensor).
func ArgMax(x *Node, axis int) *Node {
	return newOp("argmax", argmaxOp{axis: axis}, Int64, false, x)
}

type argmaxOp struct{ axis int }

func (r argmaxOp) shape(in [][]int) ([]int, error) {
	a, err := normAxis(in[0], r.axis)
	if err != nil {
		return nil, err
	}
	return dropAxis(in[0], a), nil
}

func (r argmaxOp) forward(e *exec) {
	x := e.in[0]
	a, _ := normAxis(x.shape, r.axis)
	outer, n, inner := splitAxis(x.shape, a)
	for o := 0; o < outer; o++ {
		for i := 0; i < inner; i++ {
			best, bi := float32(math.Inf(-1)), 0
			for k := 0; k < n; k++ {
				if v := x.data[(o*n+k)*inner+i]; v > best {
					best, bi = v, k
				}
			}
			e.out.data[o*inner+i] = float32(bi)
		}
	}
}

func (argmaxOp) backward(*exec) {}

// Softmax normalises the last axis into probabilities.
func Softmax(x *Node) *Node { return newOp("softmax", softmaxOp{}, Float32, true, x) }

type softmaxOp struct{}

func (softmaxOp) shape(in [][]int) ([]int, error) {
	if len(in[0]) == 0 {
		return nil, fmt.Errorf("%s: needs at least one axis", FormatShape(in[0]))
	}
	return append([]int{}, in[0]...), nil
}

func (softmaxOp) forward(e *exec) {
	c := e.in[0].shape[len(e.in[0].shape)-1]
	for r := 0; r+c <= len(e.out.data); r += c {
		softmaxRow(e.out.data[r:r+c], e.in[0].data[r:r+c])
	}
}

func (softmaxOp) backward(e *exec) {
	gx := e.inGrad[0]
	if gx == nil {
		return
	}
	c := e.in[0].shape[len(e.in[0].shape)-1]
	for r := 0; r+c <= len(e.out.data); r += c {
		y, g := e.out.data[r:r+c], e.grad.data[r:r+c]
		var dot float32
		for i := range y {
			dot += y[i] * g[i]
		}
		for i := range y {
			gx.data[r+i] += y[i] * (g[i] - dot)
		}
	}
}

// softmaxRow writes the softmax of x into p, subtracting the maximum first
// so that large logits do not overflow.
func softmaxRow(p, x []float32) {
	m := float32(math.Inf(-1))
	for _, v := range x {
		m = max(m, v)
	}
	var s float32
	for i, v := range x {
		p[i] = float32(math.Exp(float64(v - m)))
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
}

// SoftmaxCrossEntropyWithLogits returns, for each row, the cross-entropy
// between the label distribution and the softmax of the logits: shape [?].
// Average it with ReduceMean for the loss.
//
// As TensorFlow 1's op of that name, gradient flows only into the logits:
// labels computed by the graph (a teacher's Softmax) are constants to it.
// SoftmaxCrossEntropyWithLogitsV2 also differentiates the labels.
func SoftmaxCrossEntropyWithLogits(labels, logits *Node) *Node {
	return newOp("softmax_cross_entropy", xentOp{}, Float32, true, labels, logits)
}

// SoftmaxCrossEntropyWithLogitsV2 is SoftmaxCrossEntropyWithLogits with a
// gradient into the labels too, as TensorFlow's _v2: d loss / d label_i =
// -log softmax(logits)_i. Wrap the labels in StopGradient to get the first
// form back.
func SoftmaxCrossEntropyWithLogitsV2(labels, logits *Node) *Node {
	return newOp("softmax_cross_entropy_v2", xentOp{v2: true}, Float32, true, labels, logits)
}

// xentOp is the cross-entropy of softmax; v2 lets gradient into the labels.
type xentOp struct{ v2 bool }

func (o xentOp) stopsGrad(i int) bool { return i == 0 && !o.v2 }

func (xentOp) shape(in [][]int) ([]int, error) {
	l, y := in[0], in[1]
	if len(l) != 2 || len(y) != 2 {
		return nil, fmt.Errorf("labels %s, logits %s: both must be [batch, classes]", FormatShape(l), FormatShape(y))
	}
	if !dimsMatch(l[0], y[0]) || !dimsMatch(l[1], y[1]) {
		return nil, fmt.Errorf("labels %s and logits %s differ", FormatShape(l), FormatShape(y))
	}
	n := l[0]
	if n < 0 {
		n = y[0]
	}
	return []int{n}, nil
}

// forward keeps in aux the probabilities, for the logits' gradient
// p*sum(labels) - labels, and the log-probabilities, for the labels'
// gradient -log p. Both come from the log-sum-exp, computed in float64 after
// subtracting the row's maximum, so neither overflows nor needs a clamp: a
// probability that underflows to 0 still has its exact, finite logarithm.
func (xentOp) forward(e *exec) {
	labels, logits := e.in[0], e.in[1]
	c := logits.shape[1]
	n := len(logits.data)
	if len(e.aux) != 2*n {
		e.aux = make([]float32, 2*n)
	}
	for r := 0; r < logits.shape[0]; r++ {
		x, y := logits.data[r*c:(r+1)*c], labels.data[r*c:(r+1)*c]
		p, logp := e.aux[r*c:(r+1)*c], e.aux[n+r*c:n+(r+1)*c]
		m := math.Inf(-1)
		for _, v := range x {
			m = math.Max(m, float64(v))
		}
		var s float64
		for _, v := range x {
			s += math.Exp(float64(v) - m)
		}
		lse := m + math.Log(s)
		var loss float64
		for i, v := range x {
			lp := float64(v) - lse
			p[i], logp[i] = float32(math.Exp(lp)), float32(lp)
			if y[i] != 0 { // 0·log 0 is 0, not NaN, for a -Inf logit
				loss -= float64(y[i]) * lp
			}
		}
		e.out.data[r] = float32(loss)
	}
}

func (xentOp) backward(e *exec) {
	labels, logits := e.in[0], e.in[1]
	c := logits.shape[1]
	n := len(logits.data)
	gl, gx := e.inGrad[0], e.inGrad[1]
	for r := 0; r < logits.shape[0]; r++ {
		g := e.grad.data[r]
		p, y := e.aux[r*c:(r+1)*c], labels.data[r*c:(r+1)*c]
		if gx != nil {
			sumY := float32(0)
			for _, v := range y {
				sumY += v
			}
			dst := gx.data[r*c : (r+1)*c]
			for i := range dst {
				dst[i] += g * (p[i]*sumY - y[i])
			}
		}
		if gl != nil {
			logp := e.aux[n+r*c : n+(r+1)*c]
			dst := gl.data[r*c : (r+1)*c]
			for i := range dst {
				dst[i] -= g * logp[i]
			}
		}
	}
}

// StopGradient returns x unchanged; no gradient flows back through it, so
// what x is computed from is a constant to the optimizers (TensorFlow's
// tf.stop_gradient). Its gradient is zero by definition.
func StopGradient(x *Node) *Node {
	dtype := Float32
	if x != nil {
		dtype = x.dtype
	}
	return newOp("stop_gradient", stopGradOp{}, dtype, false, x)
}

type stopGradOp struct{}

func (stopGradOp) shape(in [][]int) ([]int, error) { return append([]int{}, in[0]...), nil }
func (stopGradOp) forward(e *exec)                 { copy(e.out.data, e.in[0].data) }
func (stopGradOp) backward(*exec)                  {}

// Dropout zeroes each element of x with probability 1-keepProb and scales
// the others by 1/keepProb. keepProb is a scalar node, usually a placeholder
// fed 0.5 while training and 1.0 while testing.
//
// As in TensorFlow, keepProb must be in (0, 1]: a constant outside it is
// refused here, a fed value when the graph runs (an *Error, like any other
// bad feed).
func Dropout(x, keepProb *Node) *Node {
	if x == nil || keepProb == nil {
		panic(&Error{Op: "dropout", Msg: "nil input"})
	}
	if len(keepProb.shape) != 0 {
		panic(&Error{Op: "dropout", Msg: fmt.Sprintf("keep probability must be a scalar, got shape %s", FormatShape(keepProb.shape))})
	}
	if keepProb.kind == kindConstant {
		if err := checkKeep(keepProb.value.data[0]); err != nil {
			panic(&Error{Op: "dropout", Msg: err.Error()})
		}
	}
	return newOp("dropout", dropoutOp{}, Float32, true, x, keepProb)
}

type dropoutOp struct{}

// checkKeep accepts a keep probability in (0, 1], NaN excluded.
func checkKeep(keep float32) error {
	if !(keep > 0 && keep <= 1) {
		return fmt.Errorf("keep probability %g is not in (0, 1]", keep)
	}
	return nil
}

func (dropoutOp) shape(in [][]int) ([]int, error) { return append([]int{}, in[0]...), nil }

func (dropoutOp) forward(e *exec) {
	x, keep := e.in[0].data, e.in[1].data[0]
	if err := checkKeep(keep); err != nil {
		panic(&Error{Op: e.node.name, Msg: err.Error()})
	}
	if len(e.aux) != len(x) {
		e.aux = make([]float32, len(x))
	}
	if keep == 1 {
		copy(e.out.data, x)
		for i := range e.aux {
			e.aux[i] = 1
		}
		return
	}
	j := &e.state.(*dropoutState).fwd
	*j = dropoutJob{ewSplit: newSplit(len(x), dropChunk), x: x, y: e.out.data, mask: e.aux,
		keep: keep, scale: 1 / keep, seed: e.rng.Uint64()}
	parallel.Run(j.parts, j)
}

func (dropoutOp) backward(e *exec) {
	gx := e.inGrad[0]
	if gx == nil {
		return
	}
	g := e.grad.data
	j := &e.state.(*dropoutState).bwd
	*j = scaleGradJob{ewSplit: newSplit(len(g), ewLine), g: g, mask: e.aux[:len(g)],
		dx: gx.data[:len(g)], acc: accumulate(e, 0) != 0}
	parallel.Run(j.parts, j)
}

// dropChunk is the number of elements that draw from one random stream:
// fixed, so that the masks do not depend on the number of cores.
const dropChunk = 1 << 14

// dropoutState holds a dropout's parallel passes.
type dropoutState struct {
	fwd dropoutJob
	bwd scaleGradJob
}

func (dropoutOp) newState() any { return new(dropoutState) }

// dropoutJob draws the mask (scale where a value is kept, else 0) and sets
// y = x*mask, by parts of whole random-stream chunks. Chunk c draws from a
// PCG stream seeded with (seed, c), 32 bits per value.
type dropoutJob struct {
	ewSplit
	x, y, mask  []float32
	keep, scale float32
	seed        uint64
}

// RunPart draws the mask of part's chunks and applies it.
func (j *dropoutJob) RunPart(part int) {
	lo, hi := j.bounds(part)
	thr := uint64(float64(j.keep) * (1 << 32))
	for c := lo; c < hi; c += dropChunk {
		var src rand.PCG
		src.Seed(j.seed, uint64(c/dropChunk))
		end := min(hi, c+dropChunk)
		mask, x, y := j.mask[c:end], j.x[c:end], j.y[c:end]
		for i := 0; i < len(mask); i += 2 {
			r := src.Uint64()
			mask[i] = j.scale * float32(((r&0xffffffff)-thr)>>63)
			if i+1 < len(mask) {
				mask[i+1] = j.scale * float32(((r>>32)-thr)>>63)
			}
		}
		for i, v := range x {
			y[i] = v * mask[i]
		}
	}
}

// scaleGradJob is dx (+)= g*mask, by parts.
type scaleGradJob struct {
	ewSplit
	g, mask, dx []float32
	acc         bool // add to dx instead of overwriting it
}

// RunPart computes part's share of dx.
func (j *scaleGradJob) RunPart(part int) {
	lo, hi := j.bounds(part)
	g, m, dx := j.g[lo:hi], j.mask[lo:hi], j.dx[lo:hi]
	if j.acc {
		for i, v := range g {
			dx[i] += v * m[i]
		}
		return
	}
	for i, v := range g {
		dx[i] = v * m[i]
	}
}

// canOverwrite is true for x only: the keep probability has no gradient.
func (dropoutOp) canOverwrite(i int) bool { return i == 0 }
