package model

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nnlab/nnlab/nn"
)

// ActivationFunc is an activation function, as Dense, Conv2D and
// Activation take it: one of Linear, ReLU, Sigmoid, Tanh and Softmax, or
// LeakyReLU(alpha) with its slope. Those constructors also accept Keras's
// names ("relu", "sigmoid", "tanh", "softmax", "leaky_relu" with slope 0.2,
// "linear" or "").
type ActivationFunc struct {
	name  string  // as saved in LayerConfig.Activation
	alpha float64 // LeakyReLU's slope, saved in LayerConfig.Alpha
}

// The activation functions without parameters.
var (
	Linear  = ActivationFunc{}
	ReLU    = ActivationFunc{name: "relu"}
	Sigmoid = ActivationFunc{name: "sigmoid"}
	Tanh    = ActivationFunc{name: "tanh"}
	Softmax = ActivationFunc{name: "softmax"}
)

// defaultAlpha is the slope of "leaky_relu" given by name, as in
// tf.nn.leaky_relu and Keras 3.
const defaultAlpha = 0.2

// activations applies each activation by its saved name.
var activations = map[string]func(x *nn.Node, alpha float64) *nn.Node{
	"":           func(x *nn.Node, _ float64) *nn.Node { return x },
	"linear":     func(x *nn.Node, _ float64) *nn.Node { return x },
	"relu":       func(x *nn.Node, _ float64) *nn.Node { return nn.Relu(x) },
	"sigmoid":    func(x *nn.Node, _ float64) *nn.Node { return nn.Sigmoid(x) },
	"tanh":       func(x *nn.Node, _ float64) *nn.Node { return nn.Tanh(x) },
	"softmax":    func(x *nn.Node, _ float64) *nn.Node { return nn.Softmax(x) },
	"leaky_relu": nn.LeakyRelu,
}

// String returns the activation's name, with LeakyReLU's slope:
// "leaky_relu(0.2)"; "" for Linear.
func (a ActivationFunc) String() string {
	if a.name == "leaky_relu" {
		return fmt.Sprintf("leaky_relu(%g)", a.alpha)
	}
	return a.name
}

// check reports an unknown name or a slope that is not a number.
func (a ActivationFunc) check() error {
	if _, ok := activations[a.name]; !ok {
		var names []string
		for n := range activations {
			if n != "" {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		return fmt.Errorf("unknown activation %q (want %s or \"\")", a.name, strings.Join(names, ", "))
	}
	if a.name == "leaky_relu" {
		return checkFinite("LeakyReLU slope", a.alpha)
	}
	return nil
}

// apply adds the activation to the graph.
func (a ActivationFunc) apply(x *nn.Node) *nn.Node { return activations[a.name](x, a.alpha) }

// activation is the configuration's activation.
func (c *LayerConfig) activation() ActivationFunc {
	return ActivationFunc{name: c.Activation, alpha: c.Alpha}
}

// setActivation stores an activation given to the constructor op: a name,
// an ActivationFunc, or a layer that is only an activation (Activation,
// LeakyReLU), as Keras accepts an activation layer. An unknown name is kept
// for Add to report; a value of another type panics here.
func (c *LayerConfig) setActivation(op string, v any) {
	var a ActivationFunc
	switch v := v.(type) {
	case nil:
	case string:
		a.name = v
		if v == "leaky_relu" {
			a.alpha = defaultAlpha
		}
	case ActivationFunc:
		a = v
	case *Layer:
		k, ok := kinds[v.cfg.Type].(activationLayer)
		if !ok {
			panic(&nn.Error{Op: op, Msg: fmt.Sprintf("layer %s is not an activation; use an activation such as \"relu\" or model.ReLU", v)})
		}
		a = k.activationOf(&v.cfg)
	default:
		panic(&nn.Error{Op: op, Msg: fmt.Sprintf("activation %v (%T): want a name such as \"relu\", an activation such as model.ReLU, or model.LeakyReLU(0.2)", v, v)})
	}
	c.Activation, c.Alpha = a.name, a.alpha
}

// activationLayer is a layer type that is only an activation, and so can
// also serve as another layer's activation.
type activationLayer interface {
	activationOf(c *LayerConfig) ActivationFunc
}
