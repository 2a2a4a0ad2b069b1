package model

import "github.com/nnlab/nnlab/nn"

// Flatten turns each example into a vector: [N,7,7,64] becomes [N,3136].
func Flatten() *Layer { return &Layer{cfg: LayerConfig{Type: "flatten"}} }

type flattenLayer struct{}

func init() { register("flatten", flattenLayer{}) }

func (flattenLayer) className() string { return "Flatten" }

func (flattenLayer) check(*LayerConfig) error { return nil }

func (flattenLayer) args(*LayerConfig) []string { return nil }

func (flattenLayer) build(_ *LayerConfig, x *nn.Node, _ *builder) (*nn.Node, error) {
	return nn.Reshape(x, -1, numElements(x.Shape()[1:])), nil
}
