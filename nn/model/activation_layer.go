package model

import "github.com/nnlab/nnlab/nn"

// Activation applies an activation function on its own, given as Dense
// takes it: Activation("relu"), Activation(model.Tanh).
func Activation(activation any) *Layer {
	l := &Layer{cfg: LayerConfig{Type: "activation"}}
	l.cfg.setActivation("model.Activation", activation)
	return l
}

type activationOnlyLayer struct{}

func init() { register("activation", activationOnlyLayer{}) }

func (activationOnlyLayer) className() string { return "Activation" }

func (activationOnlyLayer) check(*LayerConfig) error { return nil }

func (activationOnlyLayer) args(*LayerConfig) []string { return nil }

// build passes x on; the activation is applied after every layer.
func (activationOnlyLayer) build(_ *LayerConfig, x *nn.Node, _ *builder) (*nn.Node, error) {
	return x, nil
}

func (activationOnlyLayer) activationOf(c *LayerConfig) ActivationFunc { return c.activation() }
