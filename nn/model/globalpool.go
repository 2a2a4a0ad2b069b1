package model

import "github.com/nnlab/nnlab/nn"

// GlobalAveragePooling2D averages each channel over the whole image:
// [N,7,7,64] becomes [N,64]. It can replace Flatten before the last Dense
// layer of a convolutional network, with far fewer parameters.
func GlobalAveragePooling2D() *Layer {
	return &Layer{cfg: LayerConfig{Type: "global_average_pooling2d"}}
}

type globalAvgPoolLayer struct{}

func init() { register("global_average_pooling2d", globalAvgPoolLayer{}) }

func (globalAvgPoolLayer) className() string { return "GlobalAveragePooling2D" }

func (globalAvgPoolLayer) check(*LayerConfig) error { return nil }

func (globalAvgPoolLayer) args(*LayerConfig) []string { return nil }

func (globalAvgPoolLayer) build(_ *LayerConfig, x *nn.Node, _ *builder) (*nn.Node, error) {
	if err := needImages(x); err != nil {
		return nil, err
	}
	return nn.ReduceMean(x, 1, 2), nil
}
