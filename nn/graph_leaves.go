package nn

import "fmt"

// The leaf nodes of a given graph. The package-level Placeholder, Variable
// and Const add to the default graph; these methods add to g, and the ops
// computed from g's nodes stay in g. A library can so build a graph of its
// own, such as nn/model working out a model's shapes in a scratch graph,
// without touching the program's default graph.

// Placeholder is the package-level Placeholder in g.
func (g *Graph) Placeholder(shape ...int) *Node {
	for _, d := range shape {
		if d < None {
			panic(&Error{Op: "placeholder", Msg: fmt.Sprintf("invalid dimension %d in %v", d, shape)})
		}
	}
	n := &Node{kind: kindPlaceholder, shape: append([]int{}, shape...)}
	return g.add(n, "placeholder")
}

// Variable is the package-level Variable in g.
func (g *Graph) Variable(init *Initializer) *Node {
	if init == nil {
		panic(&Error{Op: "variable", Msg: "nil initializer; use TruncatedNormal or Constant"})
	}
	n := &Node{kind: kindVariable, shape: append([]int{}, init.shape...), init: init, diff: true}
	return g.add(n, "variable")
}

// Const is the package-level Const in g.
func (g *Graph) Const(t *Tensor) *Node {
	if t == nil {
		panic(&Error{Op: "const", Msg: "nil tensor"})
	}
	n := &Node{kind: kindConstant, shape: t.Shape(), dtype: t.dtype, value: t.Clone()}
	return g.add(n, "const")
}
