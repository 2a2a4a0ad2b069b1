package model

import (
	"strings"

	"github.com/nnlab/nnlab/nn"
)

// The spatial ops of package nn, with Keras's lower-case padding names.

func conv2D(x, w *nn.Node, stride int, padding string) *nn.Node {
	return nn.Conv2D(x, w, stride, strings.ToUpper(padding))
}

func maxPool(x *nn.Node, size, stride int, padding string) *nn.Node {
	return nn.MaxPool(x, size, stride, strings.ToUpper(padding))
}

func avgPool(x *nn.Node, size, stride int, padding string) *nn.Node {
	return nn.AvgPool(x, size, stride, strings.ToUpper(padding))
}

// batchNorm adds nn.BatchNorm and renames its four variables after the
// layer: gamma and beta (trainable), moving_mean and moving_variance.
func batchNorm(x, training *nn.Node, l *Layer) *nn.Node {
	y := nn.BatchNorm(x, training)
	in := y.Inputs()
	for i, suffix := range []string{"gamma", "beta", "moving_mean", "moving_variance"} {
		v := in[2+i]
		name := l.cfg.Name + "/" + suffix
		v.Named(name)
		l.vars = append(l.vars, param{name: name, node: v, trainable: v.Trainable()})
	}
	return y
}

// batchNormParams is the parameter count of BatchNorm over ch channels:
// gamma and beta are trained, the moving mean and variance are not.
func batchNormParams(ch int) (trainable, fixed int) { return 2 * ch, 2 * ch }
