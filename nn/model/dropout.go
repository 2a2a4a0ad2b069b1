package model

import (
	"fmt"

	"github.com/nnlab/nnlab/nn"
)

// Dropout sets a fraction rate of its inputs to zero while training (and
// scales the rest by 1/(1-rate)); it passes values unchanged in Evaluate
// and Predict.
func Dropout(rate float64) *Layer {
	return &Layer{cfg: LayerConfig{Type: "dropout", Rate: rate}}
}

type dropoutLayer struct{}

func init() { register("dropout", dropoutLayer{}) }

func (dropoutLayer) className() string { return "Dropout" }

func (dropoutLayer) check(c *LayerConfig) error {
	if c.Rate < 0 || c.Rate >= 1 {
		return fmt.Errorf("rate must be in [0, 1), got %g", c.Rate)
	}
	return nil
}

func (dropoutLayer) args(c *LayerConfig) []string { return []string{fmt.Sprint(c.Rate)} }

func (dropoutLayer) build(c *LayerConfig, x *nn.Node, b *builder) (*nn.Node, error) {
	if c.Rate == 0 {
		return x, nil
	}
	return nn.Dropout(x, b.keep(c.Rate)), nil
}
