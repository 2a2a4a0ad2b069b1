package model

import (
	"fmt"
	"math"
	"strings"

	"github.com/nnlab/nnlab/nn"
)

// Layer is one step of a Sequential model: a dense or convolution layer, a
// pooling, reshaping or regularising step, or the model's input. The
// constructors (Dense, Conv2D, MaxPool, ...) return a *Layer whose options
// can be chained before it is added to a model:
//
//	model.Conv2D(32, 5, "relu").Padding("same").Named("conv1")
//
// A layer belongs to one model; its configuration is plain data (see
// Config), which is what Save stores so that Load can rebuild the model.
type Layer struct {
	cfg LayerConfig

	// Set when the model's graph is built.
	vars []param
}

// LayerConfig is the serialisable description of a layer, stored as JSON in
// saved models. Each layer type uses the fields it needs.
type LayerConfig struct {
	Type       string  `json:"type"`
	Name       string  `json:"name,omitempty"`
	Units      int     `json:"units,omitempty"`
	Filters    int     `json:"filters,omitempty"`
	Kernel     int     `json:"kernel,omitempty"`
	Pool       int     `json:"pool,omitempty"`
	Strides    int     `json:"strides,omitempty"`
	Padding    string  `json:"padding,omitempty"`
	Activation string  `json:"activation,omitempty"`
	Alpha      float64 `json:"alpha,omitempty"` // the slope of LeakyReLU, as a layer or as the activation
	Rate       float64 `json:"rate,omitempty"`
	Shape      []int   `json:"shape,omitempty"`       // Input and Reshape
	InputShape []int   `json:"input_shape,omitempty"` // first-layer option
}

// param is a variable of a built layer.
type param struct {
	name      string // "dense_1/kernel"
	node      *nn.Node
	trainable bool
}

// layerKind is what one type of layer does. Each type lives in its own
// file (dense.go, conv2d.go, ...), which registers it under the name its
// configurations are saved with (LayerConfig.Type). Adding a layer type is
// adding such a file: its constructor, a layerKind and the register call;
// only a parameter no other layer has needs a new LayerConfig field.
type layerKind interface {
	// className is the Keras class name shown by Summary ("Dense").
	className() string
	// check validates a configuration of this type on its own; the
	// activation is checked for every type.
	check(c *LayerConfig) error
	// args describes the configuration for String, without the name and
	// the activation: "32", "5x5", "stride 1", "same".
	args(c *LayerConfig) []string
	// build adds the layer's nodes to the graph for the batch x and returns
	// its output before the activation. Its variables come from b.variable;
	// output shapes and parameter counts are read from the nodes.
	build(c *LayerConfig, x *nn.Node, b *builder) (*nn.Node, error)
}

// kinds holds the layer types by their saved type name.
var kinds = map[string]layerKind{}

// register adds a layer type; each type's file calls it once, from init.
func register(typ string, k layerKind) {
	if _, dup := kinds[typ]; dup {
		panic("model: layer type " + typ + " registered twice")
	}
	kinds[typ] = k
}

// Named sets the layer's name (by default "dense_1", "conv2d_2", ... in
// the order layers are added); its variables are named after it
// ("dense_1/kernel").
func (l *Layer) Named(name string) *Layer { l.cfg.Name = name; return l }

// Strides sets the step of a convolution or pooling window.
func (l *Layer) Strides(s int) *Layer { l.cfg.Strides = s; return l }

// Padding sets "valid" (windows stay inside the input) or "same" (the
// input is padded with zeros so the output has ceil(size/stride) rows and
// columns) for a convolution or pooling layer.
func (l *Layer) Padding(p string) *Layer { l.cfg.Padding = strings.ToLower(p); return l }

// InputShape declares the model's input shape on its first layer, as
// Keras's input_shape: Dense(128, "relu").InputShape(784).
func (l *Layer) InputShape(shape ...int) *Layer {
	l.cfg.InputShape = append([]int(nil), shape...)
	return l
}

// Config returns a copy of the layer's configuration.
func (l *Layer) Config() LayerConfig {
	c := l.cfg
	c.Shape = append([]int(nil), c.Shape...)
	c.InputShape = append([]int(nil), c.InputShape...)
	return c
}

// Name returns the layer's name ("" until it is added to a model).
func (l *Layer) Name() string { return l.cfg.Name }

func (l *Layer) String() string {
	c := l.cfg
	class, args := c.Type, []string(nil)
	if k := kinds[c.Type]; k != nil {
		class, args = k.className(), k.args(&c)
	}
	if c.Activation != "" {
		args = append(args, c.activation().String())
	}
	name := c.Name
	if name == "" {
		name = c.Type
	}
	return fmt.Sprintf("%s(%s)", class, strings.Join(args, ", ")) + " " + name
}

// className is the Keras class name of the configuration's type.
func (c *LayerConfig) className() string {
	if k := kinds[c.Type]; k != nil {
		return k.className()
	}
	return c.Type
}

// check validates the configuration on its own.
func (c *LayerConfig) check() error {
	k := kinds[c.Type]
	if k == nil {
		return fmt.Errorf("unknown layer type %q", c.Type)
	}
	if err := c.activation().check(); err != nil {
		return fmt.Errorf("%s %s: %v", k.className(), c.Name, err)
	}
	if err := k.check(c); err != nil {
		return fmt.Errorf("%s %s: %v", k.className(), c.Name, err)
	}
	return nil
}

// checkWindow checks the stride and padding of a convolution or pooling.
func checkWindow(c *LayerConfig) error {
	if c.Strides <= 0 {
		return fmt.Errorf("strides must be positive, got %d", c.Strides)
	}
	if c.Padding != "valid" && c.Padding != "same" {
		return fmt.Errorf("padding must be \"valid\" or \"same\", got %q", c.Padding)
	}
	return nil
}

// checkExampleShape checks a shape given to Input or Reshape.
func checkExampleShape(shape []int) error {
	if len(shape) == 0 {
		return fmt.Errorf("needs a shape")
	}
	for _, d := range shape {
		if d <= 0 {
			return fmt.Errorf("shape %v has a dimension that is not positive", shape)
		}
	}
	return nil
}

// checkFinite checks a real-valued parameter.
func checkFinite(what string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%s %v is not a finite number", what, v)
	}
	return nil
}

// needImages is the error of a spatial layer given something other than
// images.
func needImages(x *nn.Node) error {
	if len(x.Shape()) != 4 {
		return fmt.Errorf("needs images [height, width, channels]; start with model.Input(28, 28, 1)")
	}
	return nil
}

// builtLayer is what building one layer added to a graph.
type builtLayer struct {
	out  *nn.Node // after the activation
	pre  *nn.Node // before it (the logits of a final softmax layer)
	vars []param
}

// shape is the layer's output shape for one example.
func (b builtLayer) shape() []int { return b.out.Shape()[1:] }

// params counts the layer's trainable and other parameters.
func (b builtLayer) params() (trainable, fixed int) {
	for _, p := range b.vars {
		if p.trainable {
			trainable += numElements(p.node.Shape())
		} else {
			fixed += numElements(p.node.Shape())
		}
	}
	return trainable, fixed
}

// buildLayers adds the layers to x's graph, one after the other. A layer
// that does not fit its input is an error naming the layer and the input.
func buildLayers(layers []*Layer, x, training *nn.Node) ([]builtLayer, error) {
	b := &builder{g: x.Graph(), training: training, keeps: map[float64]*nn.Node{}}
	built := make([]builtLayer, 0, len(layers))
	h := x
	for _, l := range layers {
		bl, err := b.layer(&l.cfg, h)
		if err != nil {
			return nil, err
		}
		built = append(built, bl)
		h = bl.out
	}
	return built, nil
}

// layer builds one layer, turning an nn panic into an error.
func (b *builder) layer(c *LayerConfig, x *nn.Node) (bl builtLayer, err error) {
	in := x.Shape()[1:]
	wrap := func(e error) error {
		return fmt.Errorf("%s %s: input %s: %v", c.className(), c.Name, shapeString(in), e)
	}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*nn.Error)
			if !ok {
				panic(r)
			}
			err = wrap(e)
		}
	}()
	k := kinds[c.Type]
	if k == nil {
		return bl, fmt.Errorf("unknown layer type %q", c.Type)
	}
	b.name, b.vars = c.Name, nil
	pre, err := k.build(c, x, b)
	if err != nil {
		return bl, wrap(err)
	}
	return builtLayer{out: c.activation().apply(pre), pre: pre, vars: b.vars}, nil
}

// builder holds what layers share while a graph is built.
type builder struct {
	g        *nn.Graph
	training *nn.Node // scalar: 1 while training, 0 otherwise
	keeps    map[float64]*nn.Node

	// The layer being built and the variables it made.
	name string
	vars []param
}

// variable adds a trainable variable of the layer being built, named after
// it.
func (b *builder) variable(suffix string, init *nn.Initializer) *nn.Node {
	return b.adopt(b.g.Variable(init), suffix)
}

// adopt names a variable that an nn op made (BatchNorm's) after the layer
// being built, and counts it among the layer's.
func (b *builder) adopt(v *nn.Node, suffix string) *nn.Node {
	name := b.name + "/" + suffix
	v.Named(name)
	b.vars = append(b.vars, param{name: name, node: v, trainable: v.Trainable()})
	return v
}

// scalar is a constant of the graph being built.
func (b *builder) scalar(v float64) *nn.Node { return b.g.Const(nn.Scalar(v)) }

// keep returns the keep probability for a dropout rate: 1-rate while
// training, 1 otherwise.
func (b *builder) keep(rate float64) *nn.Node {
	if k, ok := b.keeps[rate]; ok {
		return k
	}
	k := nn.Sub(b.scalar(1), nn.Mul(b.scalar(rate), b.training))
	b.keeps[rate] = k
	return k
}

func numElements(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// shapeString prints an example shape with the batch dimension as Keras
// does: (None, 28, 28, 1).
func shapeString(s []int) string {
	var b strings.Builder
	b.WriteString("(None")
	for _, d := range s {
		fmt.Fprintf(&b, ", %d", d)
	}
	b.WriteByte(')')
	return b.String()
}

// window is the "3x3" of a String.
func window(k int) string { return fmt.Sprintf("%dx%d", k, k) }
