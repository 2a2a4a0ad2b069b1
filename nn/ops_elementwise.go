package nn

import (
	"fmt"
	"math"

	"github.com/nnlab/nnlab/nn/internal/parallel"
	"github.com/nnlab/nnlab/nn/vec"
)

// Add returns a + b element-wise, broadcasting as numpy does: a bias of
// shape [512] adds to every row of a [?,512] matrix.
func Add(a, b *Node) *Node { return newOp("add", binaryOp{kind: opAdd}, Float32, true, a, b) }

// Sub returns a - b element-wise, with broadcasting.
func Sub(a, b *Node) *Node { return newOp("sub", binaryOp{kind: opSub}, Float32, true, a, b) }

// Mul returns a * b element-wise, with broadcasting.
func Mul(a, b *Node) *Node { return newOp("mul", binaryOp{kind: opMul}, Float32, true, a, b) }

// Div returns a / b element-wise, with broadcasting.
func Div(a, b *Node) *Node { return newOp("div", binaryOp{kind: opDiv}, Float32, true, a, b) }

// Equal returns 1 where a == b and 0 elsewhere (a bool tensor), with broadcasting.
func Equal(a, b *Node) *Node { return newOp("equal", binaryOp{kind: opEqual}, Bool, false, a, b) }

type binaryKind int

const (
	opAdd binaryKind = iota
	opSub
	opMul
	opDiv
	opEqual
)

type binaryOp struct{ kind binaryKind }

// symbol is the operator of the kind, for messages.
func (k binaryKind) symbol() string {
	return [...]string{opAdd: "+", opSub: "-", opMul: "*", opDiv: "/", opEqual: "=="}[k]
}

func (o binaryOp) shape(in [][]int) ([]int, error) {
	a, b := in[0], in[1]
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db:
			out[i] = da
		case da == 1:
			out[i] = db
		case db == 1:
			out[i] = da
		case da < 0:
			out[i] = db
		case db < 0:
			out[i] = da
		default:
			return nil, fmt.Errorf("%s: shapes do not broadcast (dimension %d: %d vs %d)", shapesWith(in, o.kind.symbol()), i, da, db)
		}
	}
	return out, nil
}

func (o binaryOp) apply(x, y float32) float32 {
	switch o.kind {
	case opAdd:
		return x + y
	case opSub:
		return x - y
	case opMul:
		return x * y
	case opDiv:
		return x / y
	}
	if x == y {
		return 1
	}
	return 0
}

// biasState holds the parallel passes of a bias add (an Add whose second
// operand is a row repeated along the leading dimensions).
type biasState struct {
	add  biasAddJob
	grad biasGradJob
}

func (binaryOp) newState() any { return new(biasState) }

// biasAddJob is y[r] = x[r] + b for the rows r of width len(b), by parts of
// whole rows.
type biasAddJob struct {
	ewSplit
	x, y, b []float32
}

// RunPart adds b to part's rows.
func (j *biasAddJob) RunPart(part int) {
	lo, hi := j.bounds(part)
	w := j.unit
	for r := lo; r < hi; r += w {
		vec.Add(j.y[r:r+w], j.x[r:r+w], j.b)
	}
}

// biasGradJob sums the rows of g per part (into partial, parts × width)
// and, if dx is set, adds g to it.
type biasGradJob struct {
	ewSplit
	g, dx, partial []float32
}

// RunPart sums part's rows of g and adds them to dx.
func (j *biasGradJob) RunPart(part int) {
	lo, hi := j.bounds(part)
	w := j.unit
	sum := j.partial[part*w : (part+1)*w]
	clear(sum)
	vec.AddBlocks(sum, j.g[lo:hi], (hi-lo)/w, 1, w, 0, 0) // row after row, in order
	if j.dx != nil {
		vec.Add(j.dx[lo:hi], j.dx[lo:hi], j.g[lo:hi])
	}
}

func (o binaryOp) forward(e *exec) {
	a, b, out := e.in[0], e.in[1], e.out
	switch {
	case len(a.data) == len(out.data) && len(b.data) == len(out.data):
		for i := range out.data {
			out.data[i] = o.apply(a.data[i], b.data[i])
		}
	case len(a.data) == len(out.data) && isRowOf(b.shape, out.shape):
		// The bias case: b repeats along the leading dimensions.
		w := len(b.data)
		if o.kind == opAdd {
			j := &e.state.(*biasState).add
			*j = biasAddJob{ewSplit: newSplit(len(out.data), w), x: a.data, y: out.data, b: b.data}
			parallel.Run(j.parts, j)
			return
		}
		for r := 0; r < len(out.data); r += w {
			for j, bj := range b.data {
				out.data[r+j] = o.apply(a.data[r+j], bj)
			}
		}
	default:
		ia, ib := broadcastIndex(a.shape, out.shape), broadcastIndex(b.shape, out.shape)
		for i := range out.data {
			out.data[i] = o.apply(a.data[ia(i)], b.data[ib(i)])
		}
	}
}

func (o binaryOp) backward(e *exec) {
	a, b, out, g := e.in[0], e.in[1], e.out, e.grad.data
	ga, gb := e.inGrad[0], e.inGrad[1]
	if ga == nil && gb == nil {
		return
	}
	// Fast path for the bias add: dA = dC, dB = column sums of dC.
	if o.kind == opAdd && len(a.data) == len(out.data) && (len(b.data) == len(out.data) || isRowOf(b.shape, out.shape)) {
		if gb == nil {
			accum(ga.data, g)
			return
		}
		// Each part sums its rows apart (in e.aux) and adds its share of
		// dA; the partial sums are added up after.
		w := len(b.data)
		sp := newSplit(len(g), w)
		parts := sp.parts
		if len(e.aux) != parts*w {
			e.aux = make([]float32, parts*w)
		}
		j := &e.state.(*biasState).grad
		*j = biasGradJob{ewSplit: sp, g: g, partial: e.aux}
		if ga != nil {
			j.dx = ga.data
		}
		parallel.Run(parts, j)
		for part := range parts {
			accum(gb.data, e.aux[part*w:(part+1)*w])
		}
		return
	}
	ia, ib := broadcastIndex(a.shape, out.shape), broadcastIndex(b.shape, out.shape)
	for i, gi := range g {
		x, y := a.data[ia(i)], b.data[ib(i)]
		var dx, dy float32
		switch o.kind {
		case opAdd:
			dx, dy = gi, gi
		case opSub:
			dx, dy = gi, -gi
		case opMul:
			dx, dy = gi*y, gi*x
		case opDiv:
			dx, dy = gi/y, -gi*x/(y*y)
		}
		if ga != nil {
			ga.data[ia(i)] += dx
		}
		if gb != nil {
			gb.data[ib(i)] += dy
		}
	}
}

// isRowOf reports whether b is a trailing block of out, repeated along the
// leading dimensions (after dropping b's leading 1s).
func isRowOf(b, out []int) bool {
	for len(b) > 0 && b[0] == 1 {
		b = b[1:]
	}
	if len(b) > len(out) {
		return false
	}
	tail := out[len(out)-len(b):]
	for i := range b {
		if b[i] != tail[i] {
			return false
		}
	}
	return true
}

// broadcastIndex returns a function mapping a flat index of out to the flat
// index of the (broadcast) input with shape in.
func broadcastIndex(in, out []int) func(int) int {
	if numElements(in) == numElements(out) {
		return func(i int) int { return i }
	}
	if numElements(in) == 1 {
		return func(int) int { return 0 }
	}
	n := len(out)
	strides := make([]int, n) // input stride per output dimension, 0 where broadcast
	s := 1
	for i := n - 1; i >= 0; i-- {
		j := len(in) - n + i
		if j >= 0 && in[j] != 1 {
			strides[i] = s
			s *= in[j]
		}
	}
	dims := append([]int(nil), out...)
	return func(flat int) int {
		idx := 0
		for i := n - 1; i >= 0; i-- {
			d := dims[i]
			idx += (flat % d) * strides[i]
			flat /= d
		}
		return idx
	}
}

// unaryOp is an element-wise function with its derivative, expressed in
// terms of the input x and the output y (whichever is cheaper).
type unaryOp struct {
	f  func(x float32) float32
	df func(x, y float32) float32
}

func (unaryOp) shape(in [][]int) ([]int, error) { return append([]int{}, in[0]...), nil }

func (u unaryOp) forward(e *exec) {
	x, y := e.in[0].data, e.out.data
	for i, v := range x {
		y[i] = u.f(v)
	}
}

func (u unaryOp) backward(e *exec) {
	gx := e.inGrad[0]
	if gx == nil {
		return
	}
	x, y, g := e.in[0].data, e.out.data, e.grad.data
	for i := range gx.data {
		gx.data[i] += g[i] * u.df(x[i], y[i])
	}
}

func unary(name string, x *Node, f func(float32) float32, df func(x, y float32) float32) *Node {
	return newOp(name, unaryOp{f: f, df: df}, Float32, true, x)
}

// Relu returns max(x, 0) element-wise.
func Relu(x *Node) *Node { return newOp("relu", reluOp{}, Float32, true, x) }

// reluOp is Relu without unaryOp's two function calls per element: on
// convolution outputs (millions of elements per batch) they cost more than
// the convolutions' own non-GEMM work.
type reluOp struct{}

func (reluOp) shape(in [][]int) ([]int, error) { return append([]int{}, in[0]...), nil }

// reluState holds a ReLU's parallel passes.
type reluState struct {
	fwd reluJob
	bwd reluGradJob
}

func (reluOp) newState() any { return new(reluState) }

// reluJob is y = max(x, 0), by parts.
type reluJob struct {
	ewSplit
	x, y []float32
}

// RunPart computes part's share of y.
func (j *reluJob) RunPart(part int) {
	lo, hi := j.bounds(part)
	vec.Relu(j.y[lo:hi], j.x[lo:hi])
}

// reluGradJob is dx (+)= g where y > 0, by parts.
type reluGradJob struct {
	ewSplit
	dx, g, y []float32
	acc      bool // add to dx instead of overwriting it
}

// RunPart computes part's share of dx.
func (j *reluGradJob) RunPart(part int) {
	lo, hi := j.bounds(part)
	vec.ReluGrad(j.dx[lo:hi], j.g[lo:hi], j.y[lo:hi], j.acc)
}

func (reluOp) forward(e *exec) {
	x := e.in[0].data
	j := &e.state.(*reluState).fwd
	*j = reluJob{ewSplit: newSplit(len(x), ewLine), x: x, y: e.out.data[:len(x)]}
	parallel.Run(j.parts, j)
}

// backward passes the gradient where the output is positive (reading y,
// which equals x there).
func (reluOp) backward(e *exec) {
	gx := e.inGrad[0]
	if gx == nil {
		return
	}
	y := e.out.data
	j := &e.state.(*reluState).bwd
	*j = reluGradJob{ewSplit: newSplit(len(y), ewLine), y: y,
		g: e.grad.data[:len(y)], dx: gx.data[:len(y)], acc: accumulate(e, 0) != 0}
	parallel.Run(j.parts, j)
}

func (reluOp) canOverwrite(int) bool { return true }

// Sigmoid returns 1/(1+exp(-x)) element-wise.
func Sigmoid(x *Node) *Node {
	return unary("sigmoid", x,
		func(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) },
		func(_, y float32) float32 { return y * (1 - y) })
}

// Tanh returns the hyperbolic tangent element-wise.
func Tanh(x *Node) *Node {
	return unary("tanh", x,
		func(x float32) float32 { return float32(math.Tanh(float64(x))) },
		func(_, y float32) float32 { return 1 - y*y })
}

// Exp returns e^x element-wise.
func Exp(x *Node) *Node {
	return unary("exp", x,
		func(x float32) float32 { return float32(math.Exp(float64(x))) },
		func(_, y float32) float32 { return y })
}

// Log returns the natural logarithm element-wise.
func Log(x *Node) *Node {
	return unary("log", x,
		func(x float32) float32 { return float32(math.Log(float64(x))) },
		func(x, _ float32) float32 { return 1 / x })
}

// Square returns x² element-wise.
func Square(x *Node) *Node {
	return unary("square", x,
		func(x float32) float32 { return x * x },
		func(x, _ float32) float32 { return 2 * x })
}

// Neg returns -x element-wise.
func Neg(x *Node) *Node {
	return unary("neg", x,
		func(x float32) float32 { return -x },
		func(_, _ float32) float32 { return -1 })
}

// Cast converts x to dtype; cast a bool comparison to Float32 to average it.
func Cast(x *Node, dtype DType) *Node {
	return newOp("cast", castOp{}, dtype, dtype == Float32 && x.dtype == Float32, x)
}

type castOp struct{}

func (castOp) shape(in [][]int) ([]int, error) { return append([]int{}, in[0]...), nil }
func (castOp) forward(e *exec)                 { copy(e.out.data, e.in[0].data) }
func (castOp) backward(e *exec) {
	if g := e.inGrad[0]; g != nil {
		accum(g.data, e.grad.data)
	}
}
