package model

import (
	"fmt"
	"slices"

	"github.com/nnlab/nnlab/nn"
)

// Input declares the shape of one example, without the batch dimension:
// Input(784) for flat MNIST images, Input(28, 28, 1) for images in NHWC
// layout. Flat data with as many values (MNIST's [N,784] tensors) is
// reshaped on the way in, so Input(28, 28, 1) works with mnist.DataSet.
func Input(shape ...int) *Layer {
	return &Layer{cfg: LayerConfig{Type: typeInput, Shape: append([]int(nil), shape...)}}
}

// typeInput is the saved type of Input, which the model treats specially:
// it must come first, and it declares the model's input shape.
const typeInput = "input"

type inputLayer struct{}

func init() { register(typeInput, inputLayer{}) }

func (inputLayer) className() string { return "InputLayer" }

func (inputLayer) check(c *LayerConfig) error { return checkExampleShape(c.Shape) }

func (inputLayer) args(c *LayerConfig) []string { return []string{fmt.Sprint(c.Shape)} }

// build passes the input on: the model's placeholder has the declared
// shape already.
func (inputLayer) build(c *LayerConfig, x *nn.Node, _ *builder) (*nn.Node, error) {
	in := x.Shape()[1:]
	if numElements(in) != numElements(c.Shape) {
		return nil, fmt.Errorf("does not match the declared input shape %s", shapeString(c.Shape))
	}
	if !slices.Equal(in, c.Shape) {
		return nn.Reshape(x, append([]int{-1}, c.Shape...)...), nil
	}
	return x, nil
}
