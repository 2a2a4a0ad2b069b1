package model

import (
	"fmt"
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
// saved models.
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

// Layer types, as stored in LayerConfig.Type.
const (
	typeInput      = "input"
	typeDense      = "dense"
	typeConv2D     = "conv2d"
	typeMaxPool    = "max_pooling2d"
	typeAvgPool    = "average_pooling2d"
	typeFlatten    = "flatten"
	typeDropout    = "dropout"
	typeBatchNorm  = "batch_normalization"
	typeReshape    = "reshape"
	typeActivation = "activation"
)

// className is the Keras class name shown by Summary.
var className = map[string]string{
	typeInput:      "InputLayer",
	typeDense:      "Dense",
	typeConv2D:     "Conv2D",
	typeMaxPool:    "MaxPooling2D",
	typeAvgPool:    "AveragePooling2D",
	typeFlatten:    "Flatten",
	typeDropout:    "Dropout",
	typeBatchNorm:  "BatchNormalization",
	typeReshape:    "Reshape",
	typeActivation: "Activation",
}

// Input declares the shape of one example, without the batch dimension:
// Input(784) for flat MNIST images, Input(28, 28, 1) for images in NHWC
// layout. Flat data with as many values (MNIST's [N,784] tensors) is
// reshaped on the way in, so Input(28, 28, 1) works with mnist.DataSet.
func Input(shape ...int) *Layer {
	return &Layer{cfg: LayerConfig{Type: typeInput, Shape: append([]int(nil), shape...)}}
}

// Dense is a fully connected layer: activation(x·kernel + bias), with a
// Glorot-uniform kernel and zero bias (Keras's defaults). Its input is a
// batch of vectors; put Flatten before it after convolutions. Activation
// is "relu", "sigmoid", "tanh", "softmax" or "" (linear).
func Dense(units int, activation string) *Layer {
	return &Layer{cfg: LayerConfig{Type: typeDense, Units: units, Activation: activation}}
}

// Conv2D is a 2-D convolution over NHWC images with filters output
// channels and a kernel×kernel window, stride 1 and "valid" padding (Keras's
// defaults; change them with Strides and Padding), followed by a bias and
// the activation.
func Conv2D(filters, kernel int, activation string) *Layer {
	return &Layer{cfg: LayerConfig{Type: typeConv2D, Filters: filters, Kernel: kernel, Strides: 1, Padding: "valid", Activation: activation}}
}

// MaxPool takes the maximum over size×size windows, with stride size and
// "valid" padding unless changed with Strides and Padding.
func MaxPool(size int) *Layer {
	return &Layer{cfg: LayerConfig{Type: typeMaxPool, Pool: size, Strides: size, Padding: "valid"}}
}

// AvgPool averages over size×size windows, with stride size and "valid"
// padding unless changed with Strides and Padding.
func AvgPool(size int) *Layer {
	return &Layer{cfg: LayerConfig{Type: typeAvgPool, Pool: size, Strides: size, Padding: "valid"}}
}

// Flatten turns each example into a vector: [N,7,7,64] becomes [N,3136].
func Flatten() *Layer { return &Layer{cfg: LayerConfig{Type: typeFlatten}} }

// Dropout sets a fraction rate of its inputs to zero while training (and
// scales the rest by 1/(1-rate)); it passes values unchanged in Evaluate
// and Predict.
func Dropout(rate float64) *Layer {
	return &Layer{cfg: LayerConfig{Type: typeDropout, Rate: rate}}
}

// BatchNorm normalises each channel (the last dimension) by the batch's
// statistics while training and by their moving averages otherwise, then
// scales and shifts it by learnt parameters.
func BatchNorm() *Layer { return &Layer{cfg: LayerConfig{Type: typeBatchNorm}} }

// Reshape gives each example a new shape (without the batch dimension):
// Reshape(28, 28, 1).
func Reshape(shape ...int) *Layer {
	return &Layer{cfg: LayerConfig{Type: typeReshape, Shape: append([]int(nil), shape...)}}
}

// Activation applies an activation function on its own: "relu",
// "sigmoid", "tanh", "softmax" or "" (linear).
func Activation(name string) *Layer {
	return &Layer{cfg: LayerConfig{Type: typeActivation, Activation: name}}
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
	var args []string
	switch c.Type {
	case typeInput, typeReshape:
		args = append(args, fmt.Sprint(c.Shape))
	case typeDense:
		args = append(args, fmt.Sprint(c.Units))
	case typeConv2D:
		args = append(args, fmt.Sprint(c.Filters), fmt.Sprintf("%dx%d", c.Kernel, c.Kernel), "stride "+fmt.Sprint(c.Strides), c.Padding)
	case typeMaxPool, typeAvgPool:
		args = append(args, fmt.Sprintf("%dx%d", c.Pool, c.Pool), "stride "+fmt.Sprint(c.Strides), c.Padding)
	case typeDropout:
		args = append(args, fmt.Sprint(c.Rate))
	}
	if c.Activation != "" {
		args = append(args, c.Activation)
	}
	name := c.Name
	if name == "" {
		name = c.Type
	}
	return fmt.Sprintf("%s(%s)", className[c.Type], strings.Join(args, ", ")) + " " + name
}

// validActivation reports whether name is a known activation.
func validActivation(name string) bool {
	switch name {
	case "", "linear", "relu", "sigmoid", "tanh", "softmax":
		return true
	}
	return false
}

// check validates the configuration on its own.
func (c *LayerConfig) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s %s: %s", className[c.Type], c.Name, fmt.Sprintf(format, args...))
	}
	if _, ok := className[c.Type]; !ok {
		return fmt.Errorf("unknown layer type %q", c.Type)
	}
	if !validActivation(c.Activation) {
		return bad("unknown activation %q (want relu, sigmoid, tanh, softmax or \"\")", c.Activation)
	}
	switch c.Type {
	case typeDense:
		if c.Units <= 0 {
			return bad("units must be positive, got %d", c.Units)
		}
	case typeConv2D:
		if c.Filters <= 0 || c.Kernel <= 0 {
			return bad("filters and kernel size must be positive, got %d and %d", c.Filters, c.Kernel)
		}
	case typeMaxPool, typeAvgPool:
		if c.Pool <= 0 {
			return bad("pool size must be positive, got %d", c.Pool)
		}
	case typeDropout:
		if c.Rate < 0 || c.Rate >= 1 {
			return bad("rate must be in [0, 1), got %g", c.Rate)
		}
	case typeInput, typeReshape:
		if len(c.Shape) == 0 {
			return bad("needs a shape")
		}
		for _, d := range c.Shape {
			if d <= 0 {
				return bad("shape %v has a dimension that is not positive", c.Shape)
			}
		}
	}
	if c.Type == typeConv2D || c.Type == typeMaxPool || c.Type == typeAvgPool {
		if c.Strides <= 0 {
			return bad("strides must be positive, got %d", c.Strides)
		}
		if c.Padding != "valid" && c.Padding != "same" {
			return bad("padding must be \"valid\" or \"same\", got %q", c.Padding)
		}
	}
	return nil
}

// outShape returns the shape of one output example for one input example
// of shape in, and the layer's parameter counts.
func (c *LayerConfig) outShape(in []int) (out []int, trainable, fixed int, err error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s %s: input %s: %s", className[c.Type], c.Name, shapeString(in), fmt.Sprintf(format, args...))
	}
	switch c.Type {
	case typeInput:
		if numElements(in) != numElements(c.Shape) {
			return nil, 0, 0, bad("does not match the declared input shape %s", shapeString(c.Shape))
		}
		return c.Shape, 0, 0, nil
	case typeDense:
		if len(in) != 1 {
			return nil, 0, 0, bad("Dense needs vectors; put a Flatten layer before it")
		}
		return []int{c.Units}, in[0]*c.Units + c.Units, 0, nil
	case typeConv2D, typeMaxPool, typeAvgPool:
		if len(in) != 3 {
			return nil, 0, 0, bad("needs images [height, width, channels]; start with model.Input(28, 28, 1)")
		}
		k := c.Kernel
		if c.Type != typeConv2D {
			k = c.Pool
		}
		h, w := windows(in[0], k, c.Strides, c.Padding), windows(in[1], k, c.Strides, c.Padding)
		if h <= 0 || w <= 0 {
			return nil, 0, 0, bad("a %dx%d window does not fit", k, k)
		}
		if c.Type == typeConv2D {
			return []int{h, w, c.Filters}, k*k*in[2]*c.Filters + c.Filters, 0, nil
		}
		return []int{h, w, in[2]}, 0, 0, nil
	case typeFlatten:
		return []int{numElements(in)}, 0, 0, nil
	case typeReshape:
		if numElements(in) != numElements(c.Shape) {
			return nil, 0, 0, bad("%d values do not fit shape %s", numElements(in), shapeString(c.Shape))
		}
		return c.Shape, 0, 0, nil
	case typeBatchNorm:
		ch := in[len(in)-1]
		t, f := batchNormParams(ch)
		return in, t, f, nil
	}
	return in, 0, 0, nil // dropout, activation
}

// windows is the number of output positions along one dimension.
func windows(n, k, stride int, padding string) int {
	if padding == "same" {
		return (n + stride - 1) / stride
	}
	return (n-k)/stride + 1
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

// activate applies a named activation.
func activate(x *nn.Node, name string) *nn.Node {
	switch name {
	case "relu":
		return nn.Relu(x)
	case "sigmoid":
		return nn.Sigmoid(x)
	case "tanh":
		return nn.Tanh(x)
	case "softmax":
		return nn.Softmax(x)
	}
	return x
}

// apply adds the layer's nodes to the graph. pre is the value before the
// activation (the logits of a final softmax layer).
func (l *Layer) apply(x *nn.Node, in []int, b *builder) (out, pre *nn.Node) {
	c := &l.cfg
	l.vars = nil
	variable := func(suffix string, init *nn.Initializer, trainable bool) *nn.Node {
		name := c.Name + "/" + suffix
		v := nn.Variable(init).Named(name)
		l.vars = append(l.vars, param{name: name, node: v, trainable: trainable})
		return v
	}
	switch c.Type {
	case typeInput:
		pre = x // the input placeholder has the declared shape already
	case typeReshape:
		pre = nn.Reshape(x, append([]int{-1}, c.Shape...)...)
	case typeFlatten:
		pre = nn.Reshape(x, -1, numElements(in))
	case typeDense:
		w := variable("kernel", nn.GlorotUniform([]int{in[0], c.Units}), true)
		bias := variable("bias", nn.Constant(0, []int{c.Units}), true)
		pre = nn.Add(nn.MatMul(x, w), bias)
	case typeConv2D:
		w := variable("kernel", nn.GlorotUniform([]int{c.Kernel, c.Kernel, in[2], c.Filters}), true)
		bias := variable("bias", nn.Constant(0, []int{c.Filters}), true)
		pre = nn.Add(conv2D(x, w, c.Strides, c.Padding), bias)
	case typeMaxPool:
		pre = maxPool(x, c.Pool, c.Strides, c.Padding)
	case typeAvgPool:
		pre = avgPool(x, c.Pool, c.Strides, c.Padding)
	case typeDropout:
		if c.Rate == 0 {
			pre = x
			break
		}
		pre = nn.Dropout(x, b.keep(c.Rate))
	case typeBatchNorm:
		pre = batchNorm(x, b.training, l)
	default:
		pre = x
	}
	return activate(pre, c.Activation), pre
}

// builder holds what layers share while a graph is built.
type builder struct {
	training *nn.Node // scalar: 1 while training, 0 otherwise
	keeps    map[float64]*nn.Node
}

// keep returns the keep probability for a dropout rate: 1-rate while
// training, 1 otherwise.
func (b *builder) keep(rate float64) *nn.Node {
	if k, ok := b.keeps[rate]; ok {
		return k
	}
	k := nn.Sub(nn.ScalarConst(1), nn.Mul(nn.ScalarConst(rate), b.training))
	b.keeps[rate] = k
	return k
}
