package nn

import (
	"fmt"
	"strconv"
	"sync"
)

// None marks a dimension whose size is known only when data is fed,
// such as the batch dimension of a placeholder: Placeholder(None, 784).
const None int = -1

// Graph holds the nodes of a computation. Nodes are added as the program
// builds the model and are never removed, so a graph typed line by line into
// the REPL stays valid while it grows.
type Graph struct {
	mu    sync.Mutex
	nodes []*Node
	names map[string]int
}

// NewGraph returns an empty graph. Most programs use the default graph.
func NewGraph() *Graph { return &Graph{names: map[string]int{}} }

var defaultGraph = struct {
	sync.Mutex
	g *Graph
}{g: NewGraph()}

// DefaultGraph returns the graph that the package-level op functions add to.
func DefaultGraph() *Graph {
	defaultGraph.Lock()
	defer defaultGraph.Unlock()
	return defaultGraph.g
}

// ResetDefaultGraph starts a new, empty default graph. Nodes and sessions of
// the old graph keep working but cannot be mixed with new nodes.
func ResetDefaultGraph() {
	defaultGraph.Lock()
	defaultGraph.g = NewGraph()
	defaultGraph.Unlock()
}

// Nodes returns the graph's nodes in creation order.
func (g *Graph) Nodes() []*Node {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]*Node(nil), g.nodes...)
}

// Variables returns the graph's variables in creation order.
func (g *Graph) Variables() []*Node {
	var vs []*Node
	for _, n := range g.Nodes() {
		if n.kind == kindVariable {
			vs = append(vs, n)
		}
	}
	return vs
}

func (g *Graph) String() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return fmt.Sprintf("Graph(%d nodes)", len(g.nodes))
}

// uniqueName returns base, or base_1, base_2, ... if taken. Caller holds g.mu.
func (g *Graph) uniqueName(base string) string {
	name := base
	for {
		k := g.names[name]
		if k == 0 {
			g.names[name] = 1
			return name
		}
		g.names[name] = k + 1
		name = base + "_" + strconv.Itoa(k)
		if g.names[name] == 0 {
			g.names[name] = 1
			return name
		}
	}
}

func (g *Graph) add(n *Node, base string) *Node {
	g.mu.Lock()
	defer g.mu.Unlock()
	n.g = g
	n.id = len(g.nodes)
	n.name = g.uniqueName(base)
	g.nodes = append(g.nodes, n)
	return n
}

type nodeKind int

const (
	kindOp          nodeKind = iota // computed from inputs by op
	kindPlaceholder                 // value comes from the feed
	kindVariable                    // value owned by a session
	kindConstant                    // value fixed at creation
	kindInit                        // initialises variables; no value
	kindTrain                       // one optimizer step; no value
)

// Node is one tensor-valued operation in a graph: a placeholder, a variable,
// a constant or an op on other nodes. Its shape may have unknown (None)
// dimensions until a session runs it. Operations without a value, such as
// an optimizer's training step, are nodes too.
type Node struct {
	g      *Graph
	id     int
	name   string
	kind   nodeKind
	op     op
	inputs []*Node
	shape  []int
	dtype  DType

	// diff reports whether gradients can flow from this node to a variable.
	diff bool
	// frozen marks a variable that optimizers leave alone (NotTrainable).
	frozen bool

	init  *Initializer // variables
	value *Tensor      // constants
	train *trainStep   // training steps
}

// Name returns the node's unique name in its graph, e.g. "add_1".
func (n *Node) Name() string { return n.name }

// Shape returns the static shape; None (-1) marks dimensions known only at run time.
func (n *Node) Shape() []int { return append([]int(nil), n.shape...) }

// DType reports what the node's values mean.
func (n *Node) DType() DType { return n.dtype }

// Graph returns the graph the node belongs to.
func (n *Node) Graph() *Graph { return n.g }

// Inputs returns the nodes this one is computed from.
func (n *Node) Inputs() []*Node { return append([]*Node(nil), n.inputs...) }

// Named gives the node a new name (made unique in its graph) and returns it.
// Variables named after the program's identifiers ("w1", "b1") make
// checkpoints readable.
func (n *Node) Named(name string) *Node {
	if name == "" || name == n.name {
		return n
	}
	g := n.g
	g.mu.Lock()
	n.name = g.uniqueName(name)
	g.mu.Unlock()
	return n
}

// String prints a node as TensorFlow did: Tensor("add_1", shape=[?,512], float32).
func (n *Node) String() string {
	if n == nil {
		return "<nil node>"
	}
	if n.kind == kindInit || n.kind == kindTrain {
		return fmt.Sprintf("Operation(%q)", n.name)
	}
	return fmt.Sprintf("Tensor(%q, shape=%s, %s)", n.name, FormatShape(n.shape), n.dtype)
}

// Placeholder declares an input that is fed when the graph runs. Use None
// for a dimension known only then, usually the batch: Placeholder(None, 784).
// With no dimensions it is a scalar, like a keep probability.
func Placeholder(shape ...int) *Node { return DefaultGraph().Placeholder(shape...) }

// Variable declares a trainable tensor whose value a session owns. Its
// initial value comes from init when the session runs
// GlobalVariablesInitializer.
func Variable(init *Initializer) *Node { return DefaultGraph().Variable(init) }

// NotTrainable marks the variable n as one that optimizers do not change,
// and returns it. It is still set by GlobalVariablesInitializer and saved in
// checkpoints; some op updates it instead, as BatchNorm does its moving mean
// and variance. Call it before n is used by other ops.
func (n *Node) NotTrainable() *Node {
	if n.kind != kindVariable {
		panic(&Error{Op: "NotTrainable", Msg: fmt.Sprintf("%s is not a variable", n)})
	}
	n.frozen, n.diff = true, false
	return n
}

// Trainable reports whether n is a variable that optimizers update.
func (n *Node) Trainable() bool { return n.kind == kindVariable && !n.frozen }

// Const returns a node with a fixed value.
func Const(t *Tensor) *Node { return DefaultGraph().Const(t) }

// ScalarConst returns a node holding the scalar v.
func ScalarConst(v float64) *Node { return Const(Scalar(v)) }

// GlobalVariablesInitializer returns an operation that, when a session runs
// it, sets every variable of the default graph to its initial value (again).
func GlobalVariablesInitializer() *Node { return DefaultGraph().GlobalVariablesInitializer() }

// GlobalVariablesInitializer is the package's GlobalVariablesInitializer
// for the variables of g, to run in a session on g (NewSessionOn).
func (g *Graph) GlobalVariablesInitializer() *Node {
	return g.add(&Node{kind: kindInit}, "init")
}

// sameGraph panics unless all nodes are non-nil and in one graph.
func sameGraph(opName string, nodes ...*Node) *Graph {
	var g *Graph
	for i, n := range nodes {
		if n == nil {
			panic(&Error{Op: opName, Msg: fmt.Sprintf("input %d is nil", i)})
		}
		if g == nil {
			g = n.g
		} else if n.g != g {
			panic(&Error{Op: opName, Msg: fmt.Sprintf("%s and %s belong to different graphs (was the default graph reset?)", nodes[0].name, n.name)})
		}
	}
	return g
}
