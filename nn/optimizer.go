package nn

import (
	"fmt"
	"math"

	"github.com/nnlab/nnlab/nn/vec"
)

// Optimizer turns gradients into variable updates. Its learning rate and
// other fields may be changed between runs; the training op reads them at
// every step, so a live session need not be rebuilt.
type Optimizer interface {
	// Minimize returns an operation that, each time a session runs it,
	// takes one step that lowers loss by changing the variables it depends on.
	Minimize(loss *Node) *Node
	// Rate returns the learning rate (the LearningRate field).
	Rate() float64
	// SetRate sets the learning rate; the next training step uses it.
	SetRate(lr float64)
	// update applies one step to value given its gradient; slots holds the
	// optimizer's per-variable state in the session (made by initSlots),
	// for value's elements alone; t counts steps from 1. The update is
	// element by element, so a variable may be updated a block at a time
	// (see fusedUpdate).
	update(value, grad []float32, slots [2][]float32, t int)
	// initSlots allocates the per-variable state of an n-element variable
	// that update needs, if slots lacks it.
	initSlots(slots *[2][]float32, n int)
	// check returns what is wrong with the hyperparameters for step t
	// ("" if nothing): a value that is not finite, or one that makes the
	// step size infinite.
	check(t int) string
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// maxGrad bounds the magnitude of a gradient element that an update takes:
// squared, as Adam does, it still fits in a float32.
const maxGrad = 1e18

// badGrad returns the index of the first element of g that is NaN,
// infinite or larger in magnitude than maxGrad, or -1. It runs over every
// gradient before every step, on the CPU's vector units (vec.Beyond).
func badGrad(g []float32) int { return vec.Beyond(g, maxGrad) }

// checkStep refuses a training step whose hyperparameters or gradients
// would make a variable NaN or infinite; it runs before any variable changes.
func checkStep(tp *trainPlan, t int) {
	if msg := tp.node.train.opt.check(t); msg != "" {
		panic(&Error{Op: tp.node.name, Msg: fmt.Sprintf("step %d refused: %s; the variables are unchanged", t, msg)})
	}
}

// checkGradients refuses a step with a gradient that badGrad rejects.
//
// It is a pass of its own, before any update, rather than a test inside
// the update kernels: a step refused at the second variable must leave the
// first as it was, and an update in place cannot be undone exactly (the
// old moments are gone). Doing without this pass would take a second copy
// of the weights and moments to write into; that costs more memory
// traffic than reading each gradient once more, while it is still in the
// cache from the backward pass (about 0.7% of a tutorial step).
func checkGradients(p *plan, tp *trainPlan, t int) {
	for _, i := range tp.vars {
		e := p.execs[i]
		if tp.fusedActive(e) {
			continue // sure to pass: see fusedUpdate.bounded
		}
		if j := badGrad(e.grad.data[:len(e.out.data)]); j >= 0 {
			panic(&Error{Op: tp.node.name, Msg: fmt.Sprintf("step %d refused: the gradient of %q is %v at element %d, not finite or too large to apply; lower the learning rate or check the inputs (the variables are unchanged)", t, e.node.name, e.grad.data[j], j)})
		}
	}
}

// trainStep is what a training op node holds.
type trainStep struct {
	opt  Optimizer
	loss *Node
	vars []*Node
}

func minimize(o Optimizer, name string, loss *Node) *Node {
	g := sameGraph(name, loss)
	if len(loss.shape) != 0 {
		panic(&Error{Op: name, Msg: fmt.Sprintf("loss %s must be a scalar; average it with ReduceMean", loss)})
	}
	var vars []*Node
	for _, n := range ancestors([]*Node{loss}) {
		if n.kind == kindVariable && !n.frozen {
			vars = append(vars, n)
		}
	}
	if len(vars) == 0 || !loss.diff {
		panic(&Error{Op: name, Msg: fmt.Sprintf("loss %s does not depend on any variable through differentiable ops", loss)})
	}
	return g.add(&Node{kind: kindTrain, inputs: []*Node{loss}, train: &trainStep{opt: o, loss: loss, vars: vars}}, name)
}

// Adam is the Adam optimizer (Kingma and Ba), with TensorFlow's defaults.
type Adam struct {
	LearningRate float64
	Beta1        float64
	Beta2        float64
	Epsilon      float64
}

// AdamOptimizer returns Adam with beta1 0.9, beta2 0.999 and epsilon 1e-8.
func AdamOptimizer(learningRate float64) *Adam {
	return &Adam{LearningRate: learningRate, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}
}

// Minimize returns the training op.
func (a *Adam) Minimize(loss *Node) *Node { return minimize(a, "Adam", loss) }

func (a *Adam) String() string {
	return fmt.Sprintf("Adam(learning rate %g, beta1 %g, beta2 %g, epsilon %g)", a.LearningRate, a.Beta1, a.Beta2, a.Epsilon)
}

// stepSize is Adam's learning rate with TensorFlow's bias corrections
// folded in.
func (a *Adam) stepSize(t int) float64 {
	return a.LearningRate * math.Sqrt(1-math.Pow(a.Beta2, float64(t))) / (1 - math.Pow(a.Beta1, float64(t)))
}

func (a *Adam) check(t int) string {
	switch {
	case !finite(a.LearningRate):
		return fmt.Sprintf("Adam's LearningRate is %v", a.LearningRate)
	case !(a.Beta1 >= 0 && a.Beta1 < 1):
		return fmt.Sprintf("Adam's Beta1 is %v (it must be at least 0 and below 1)", a.Beta1)
	case !(a.Beta2 >= 0 && a.Beta2 < 1):
		return fmt.Sprintf("Adam's Beta2 is %v (it must be at least 0 and below 1)", a.Beta2)
	case !(a.Epsilon >= 0 && finite(a.Epsilon)):
		return fmt.Sprintf("Adam's Epsilon is %v (it must be finite and not negative)", a.Epsilon)
	case !finite(float64(float32(a.stepSize(t)))):
		return fmt.Sprintf("Adam's step size is %v (LearningRate %v, Beta1 %v, Beta2 %v)", a.stepSize(t), a.LearningRate, a.Beta1, a.Beta2)
	}
	return ""
}

func (a *Adam) initSlots(slots *[2][]float32, n int) {
	if slots[0] == nil {
		slots[0], slots[1] = make([]float32, n), make([]float32, n)
	}
}

func (a *Adam) update(w, g []float32, slots [2][]float32, t int) {
	lr := a.stepSize(t)
	vec.Adam(w, g, slots[0], slots[1], float32(lr), float32(a.Beta1), float32(a.Beta2), float32(a.Epsilon))
}

// GradientDescent is plain stochastic gradient descent.
type GradientDescent struct{ LearningRate float64 }

// GradientDescentOptimizer returns plain gradient descent.
func GradientDescentOptimizer(learningRate float64) *GradientDescent {
	return &GradientDescent{LearningRate: learningRate}
}

// Minimize returns the training op.
func (o *GradientDescent) Minimize(loss *Node) *Node { return minimize(o, "GradientDescent", loss) }

func (o *GradientDescent) String() string {
	return fmt.Sprintf("GradientDescent(learning rate %g)", o.LearningRate)
}

func (o *GradientDescent) check(int) string {
	if !finite(float64(float32(o.LearningRate))) {
		return fmt.Sprintf("GradientDescent's LearningRate is %v", o.LearningRate)
	}
	return ""
}

func (o *GradientDescent) initSlots(*[2][]float32, int) {}

func (o *GradientDescent) update(w, g []float32, _ [2][]float32, _ int) {
	lr := float32(o.LearningRate)
	for i, gi := range g[:len(w)] {
		w[i] -= lr * gi
	}
}

// Momentum is gradient descent with momentum, as TensorFlow's
// MomentumOptimizer: acc = momentum*acc + grad; w -= lr*acc.
type Momentum struct {
	LearningRate float64
	Momentum     float64
}

// MomentumOptimizer returns gradient descent with momentum.
func MomentumOptimizer(learningRate, momentum float64) *Momentum {
	return &Momentum{LearningRate: learningRate, Momentum: momentum}
}

// Minimize returns the training op.
func (o *Momentum) Minimize(loss *Node) *Node { return minimize(o, "Momentum", loss) }

func (o *Momentum) String() string {
	return fmt.Sprintf("Momentum(learning rate %g, momentum %g)", o.LearningRate, o.Momentum)
}

func (o *Momentum) check(int) string {
	switch {
	case !finite(float64(float32(o.LearningRate))):
		return fmt.Sprintf("Momentum's LearningRate is %v", o.LearningRate)
	case !finite(float64(float32(o.Momentum))):
		return fmt.Sprintf("Momentum's Momentum is %v", o.Momentum)
	}
	return ""
}

func (o *Momentum) initSlots(slots *[2][]float32, n int) {
	if slots[0] == nil {
		slots[0] = make([]float32, n)
	}
}

func (o *Momentum) update(w, g []float32, slots [2][]float32, _ int) {
	acc := slots[0][:len(w)]
	lr, mu := float32(o.LearningRate), float32(o.Momentum)
	for i, gi := range g[:len(w)] {
		acc[i] = mu*acc[i] + gi
		w[i] -= lr * acc[i]
	}
}

// ancestors returns the nodes that roots depend on, roots included, in
// topological order (inputs before the nodes computed from them).
func ancestors(roots []*Node) []*Node {
	seen := map[*Node]bool{}
	var order []*Node
	var visit func(n *Node)
	visit = func(n *Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		for _, in := range n.inputs {
			visit(in)
		}
		order = append(order, n)
	}
	for _, r := range roots {
		visit(r)
	}
	return order
}
