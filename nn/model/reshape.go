package model

import (
	"fmt"

	"github.com/nnlab/nnlab/nn"
)

// Reshape gives each example a new shape (without the batch dimension):
// Reshape(28, 28, 1).
func Reshape(shape ...int) *Layer {
	return &Layer{cfg: LayerConfig{Type: "reshape", Shape: append([]int(nil), shape...)}}
}

type reshapeLayer struct{}

func init() { register("reshape", reshapeLayer{}) }

func (reshapeLayer) className() string { return "Reshape" }

func (reshapeLayer) check(c *LayerConfig) error { return checkExampleShape(c.Shape) }

func (reshapeLayer) args(c *LayerConfig) []string { return []string{fmt.Sprint(c.Shape)} }

func (reshapeLayer) build(c *LayerConfig, x *nn.Node, _ *builder) (*nn.Node, error) {
	if n := numElements(x.Shape()[1:]); n != numElements(c.Shape) {
		return nil, fmt.Errorf("%d values do not fit shape %s", n, shapeString(c.Shape))
	}
	return nn.Reshape(x, append([]int{-1}, c.Shape...)...), nil
}
