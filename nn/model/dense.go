package model

import (
	"fmt"

	"github.com/nnlab/nnlab/nn"
)

// Dense is a fully connected layer: activation(x·kernel + bias), with a
// Glorot-uniform kernel and zero bias (Keras's defaults). Its input is a
// batch of vectors; put Flatten before it after convolutions. The
// activation is a name ("relu", "sigmoid", "tanh", "softmax",
// "leaky_relu", "" for linear), an ActivationFunc such as ReLU, or
// LeakyReLU(alpha).
func Dense(units int, activation any) *Layer {
	l := &Layer{cfg: LayerConfig{Type: "dense", Units: units}}
	l.cfg.setActivation("model.Dense", activation)
	return l
}

type denseLayer struct{}

func init() { register("dense", denseLayer{}) }

func (denseLayer) className() string { return "Dense" }

func (denseLayer) check(c *LayerConfig) error {
	if c.Units <= 0 {
		return fmt.Errorf("units must be positive, got %d", c.Units)
	}
	return nil
}

func (denseLayer) args(c *LayerConfig) []string { return []string{fmt.Sprint(c.Units)} }

func (denseLayer) build(c *LayerConfig, x *nn.Node, b *builder) (*nn.Node, error) {
	in := x.Shape()
	if len(in) != 2 {
		return nil, fmt.Errorf("Dense needs vectors; put a Flatten layer before it")
	}
	w := b.variable("kernel", nn.GlorotUniform([]int{in[1], c.Units}))
	bias := b.variable("bias", nn.Constant(0, []int{c.Units}))
	return nn.Add(nn.MatMul(x, w), bias), nil
}
