package model

import (
	"fmt"
	"strings"

	"github.com/nnlab/nnlab/nn"
)

// MaxPool takes the maximum over size×size windows, with stride size and
// "valid" padding unless changed with Strides and Padding.
func MaxPool(size int) *Layer {
	return &Layer{cfg: LayerConfig{Type: "max_pooling2d", Pool: size, Strides: size, Padding: "valid"}}
}

// AvgPool averages over size×size windows, with stride size and "valid"
// padding unless changed with Strides and Padding.
func AvgPool(size int) *Layer {
	return &Layer{cfg: LayerConfig{Type: "average_pooling2d", Pool: size, Strides: size, Padding: "valid"}}
}

// poolLayer is MaxPool or AvgPool: nn's op over windows of Pool.
type poolLayer struct {
	class string
	op    func(x *nn.Node, size, stride int, padding string) *nn.Node
}

func init() {
	register("max_pooling2d", poolLayer{"MaxPooling2D", nn.MaxPool})
	register("average_pooling2d", poolLayer{"AveragePooling2D", nn.AvgPool})
}

func (p poolLayer) className() string { return p.class }

func (poolLayer) check(c *LayerConfig) error {
	if c.Pool <= 0 {
		return fmt.Errorf("pool size must be positive, got %d", c.Pool)
	}
	return checkWindow(c)
}

func (poolLayer) args(c *LayerConfig) []string {
	return []string{window(c.Pool), "stride " + fmt.Sprint(c.Strides), c.Padding}
}

func (p poolLayer) build(c *LayerConfig, x *nn.Node, _ *builder) (*nn.Node, error) {
	if err := needImages(x); err != nil {
		return nil, err
	}
	return p.op(x, c.Pool, c.Strides, strings.ToUpper(c.Padding)), nil
}
