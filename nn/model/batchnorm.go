package model

import "github.com/nnlab/nnlab/nn"

// BatchNorm normalises each channel (the last dimension) by the batch's
// statistics while training and by their moving averages otherwise, then
// scales and shifts it by learnt parameters.
func BatchNorm() *Layer { return &Layer{cfg: LayerConfig{Type: "batch_normalization"}} }

type batchNormLayer struct{}

func init() { register("batch_normalization", batchNormLayer{}) }

func (batchNormLayer) className() string { return "BatchNormalization" }

func (batchNormLayer) check(*LayerConfig) error { return nil }

func (batchNormLayer) args(*LayerConfig) []string { return nil }

// build adds nn.BatchNorm and names its four variables after the layer:
// gamma and beta (trainable), moving_mean and moving_variance (not).
func (batchNormLayer) build(_ *LayerConfig, x *nn.Node, b *builder) (*nn.Node, error) {
	y := nn.BatchNorm(x, b.training)
	in := y.Inputs()
	for i, suffix := range []string{"gamma", "beta", "moving_mean", "moving_variance"} {
		b.adopt(in[2+i], suffix)
	}
	return y, nil
}
