package model

import (
	"fmt"
	"strings"

	"github.com/nnlab/nnlab/nn"
)

// Conv2D is a 2-D convolution over NHWC images with filters output
// channels and a kernel×kernel window, stride 1 and "valid" padding (Keras's
// defaults; change them with Strides and Padding), followed by a bias and
// the activation (as Dense takes it).
func Conv2D(filters, kernel int, activation any) *Layer {
	l := &Layer{cfg: LayerConfig{Type: "conv2d", Filters: filters, Kernel: kernel, Strides: 1, Padding: "valid"}}
	l.cfg.setActivation("model.Conv2D", activation)
	return l
}

type conv2DLayer struct{}

func init() { register("conv2d", conv2DLayer{}) }

func (conv2DLayer) className() string { return "Conv2D" }

func (conv2DLayer) check(c *LayerConfig) error {
	if c.Filters <= 0 || c.Kernel <= 0 {
		return fmt.Errorf("filters and kernel size must be positive, got %d and %d", c.Filters, c.Kernel)
	}
	return checkWindow(c)
}

func (conv2DLayer) args(c *LayerConfig) []string {
	return []string{fmt.Sprint(c.Filters), window(c.Kernel), "stride " + fmt.Sprint(c.Strides), c.Padding}
}

func (conv2DLayer) build(c *LayerConfig, x *nn.Node, b *builder) (*nn.Node, error) {
	if err := needImages(x); err != nil {
		return nil, err
	}
	in := x.Shape()
	w := b.variable("kernel", nn.GlorotUniform([]int{c.Kernel, c.Kernel, in[3], c.Filters}))
	bias := b.variable("bias", nn.Constant(0, []int{c.Filters}))
	return nn.Add(nn.Conv2D(x, w, c.Strides, strings.ToUpper(c.Padding)), bias), nil
}
