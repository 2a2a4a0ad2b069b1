package model

import (
	"fmt"

	"github.com/nnlab/nnlab/nn"
)

// LeakyReLU is the leaky rectifier with slope alpha below zero: x where
// x > 0, alpha*x elsewhere (nn.LeakyRelu). It is a layer,
//
//	model.Dense(128, ""), model.LeakyReLU(0.2),
//
// and, as in Keras, it can be another layer's activation:
//
//	model.Dense(128, model.LeakyReLU(0.2))
func LeakyReLU(alpha float64) *Layer {
	return &Layer{cfg: LayerConfig{Type: "leaky_re_lu", Alpha: alpha}}
}

type leakyReLULayer struct{}

func init() { register("leaky_re_lu", leakyReLULayer{}) }

func (leakyReLULayer) className() string { return "LeakyReLU" }

func (leakyReLULayer) check(c *LayerConfig) error { return checkFinite("alpha", c.Alpha) }

func (leakyReLULayer) args(c *LayerConfig) []string {
	return []string{fmt.Sprintf("alpha %g", c.Alpha)}
}

func (leakyReLULayer) build(c *LayerConfig, x *nn.Node, _ *builder) (*nn.Node, error) {
	return nn.LeakyRelu(x, c.Alpha), nil
}

func (leakyReLULayer) activationOf(c *LayerConfig) ActivationFunc {
	return ActivationFunc{name: "leaky_relu", alpha: c.Alpha}
}
