package nn

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// op is the behaviour of a computed node: its shape rule, its forward
// computation and, next to it, its gradient.
type op interface {
	// shape returns the output shape for the input shapes, in which -1
	// marks an unknown dimension while the graph is built.
	shape(in [][]int) ([]int, error)
	// forward writes the output value, already sized by shape.
	forward(e *exec)
	// backward adds e.grad's contribution to e.inGrad[i] for each input i
	// with a non-nil entry; inputs that need no gradient are skipped.
	backward(e *exec)
}

// overwriter is an op whose backward can write an input's gradient
// outright instead of adding to it, when exec.overwrite says it may.
type overwriter interface {
	canOverwrite(input int) bool
}

// gradStopper is an op through some of whose inputs no gradient flows,
// such as the labels of SoftmaxCrossEntropyWithLogits (as in TensorFlow 1).
// Those inputs neither make the op differentiable nor receive a gradient
// buffer in a training step.
type gradStopper interface {
	stopsGrad(input int) bool
}

// gradFlows reports whether o passes gradient into its input i.
func gradFlows(o op, i int) bool {
	s, ok := o.(gradStopper)
	return !ok || !s.stopsGrad(i)
}

// stepUpdater is an op with state that a training step, and only a
// training step, updates after the step's variables: BatchNorm's moving
// statistics. A run that merely computes the op leaves the state alone.
type stepUpdater interface {
	afterStep(e *exec)
}

// stateful is an op that keeps state of its own in exec.state between
// forward and backward and from one run to the next (a matmul's sparse
// operand, a convolution's patches): newState makes it, once per plan.
type stateful interface {
	newState() any
}

// newState returns o's state for a new exec, or nil if o keeps none.
func newState(o op) any {
	if s, ok := o.(stateful); ok {
		return s.newState()
	}
	return nil
}

// exec is one node's slot in a run plan: its input and output values,
// its gradient buffers and the op's scratch memory and state. The executor
// knows no op: it fills these in and calls the op's methods.
type exec struct {
	node   *Node
	in     []*Tensor
	out    *Tensor
	grad   *Tensor
	inGrad []*Tensor
	// overwrite[i] tells an op that supports it (see overwriter) that it
	// is the only contributor to inGrad[i], which then holds garbage to be
	// overwritten rather than zeros to add to.
	overwrite []bool
	// aux is float scratch kept between forward and backward (a dropout
	// mask, softmax probabilities); state is whatever else the op keeps,
	// made by its newState (see stateful).
	aux   []float32
	state any
	rng   *rand.Rand
	// stop is the run's stop function (see Session.stopped), polled by
	// long kernels between blocks.
	stop func() bool
	// epi is the work of later ops fused into this one's forward pass,
	// and fused marks such a later op, whose forward is skipped (see
	// plan.fuse).
	epi   *epilogue
	fused bool
	// passGrad marks an op whose first input's gradient is computed
	// elsewhere into the op's own gradient buffer (a fused Add passes it
	// on unchanged, a ReLU's is masked by the max-pooling after it), so
	// it does not link that input's buffer when the two are one; gradOf
	// is the consumer whose gradient buffer this op's is (see plan.fuse).
	passGrad bool
	gradOf   *exec
	// deferWeightGrad tells a matmul to leave its right operand's gradient
	// to a fusedUpdate this step.
	deferWeightGrad bool
	// reluMask tells a max-pooling op that it also does the backward of
	// the ReLU before it: it passes gradient only where its output > 0.
	reluMask bool
}

// newOp adds a node computed by o from inputs, checking shapes now so that
// a mismatch is reported where the model is written.
func newOp(name string, o op, dtype DType, differentiable bool, inputs ...*Node) *Node {
	g := sameGraph(name, inputs...)
	shapes := make([][]int, len(inputs))
	diff := false
	for i, in := range inputs {
		if in.kind == kindInit || in.kind == kindTrain {
			panic(&Error{Op: name, Msg: fmt.Sprintf("%s is an operation without a value", in)})
		}
		shapes[i] = in.shape
		diff = diff || (in.diff && gradFlows(o, i))
	}
	s, err := o.shape(shapes)
	if err != nil {
		panic(&Error{Op: name, Msg: err.Error()})
	}
	n := &Node{kind: kindOp, op: o, inputs: inputs, shape: s, dtype: dtype, diff: differentiable && diff}
	return g.add(n, name)
}

// dimsMatch reports whether two dimensions can be equal (-1 is unknown).
func dimsMatch(a, b int) bool { return a < 0 || b < 0 || a == b }

func shapesStr(in [][]int) string { return shapesWith(in, "x") }

// shapesWith prints the input shapes joined by an operator symbol:
// [?,256] + [128].
func shapesWith(in [][]int, symbol string) string {
	s := ""
	for i, x := range in {
		if i > 0 {
			s += " " + symbol + " "
		}
		s += FormatShape(x)
	}
	return s
}

// plural is "1 node", "2 nodes".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// variableName names a variable in messages: by the name the user gave it,
// or, unnamed, by its shape and the name the graph made up.
func variableName(n *Node) string {
	if base, _, _ := strings.Cut(n.name, "_"); base == "variable" {
		return fmt.Sprintf("an unnamed variable of shape %s (%q; name it with .Named)", FormatShape(n.shape), n.name)
	}
	return fmt.Sprintf("variable %q", n.name)
}
