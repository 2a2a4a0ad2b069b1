package model

import (
	"fmt"
	"strings"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
)

// Fit, Evaluate and Predict take their data in the same forms, as
// Keras's fit, evaluate and predict do: a data set, or images and labels.

// dataArgs returns the images and labels of Fit's, Evaluate's or
// Predict's data arguments: an *mnist.DataSet, or images [N, ...] and
// labels [N, classes] or [N] tensors (withLabels: labels required, else
// images alone will do). It panics with an *nn.Error naming op for anything
// else.
func dataArgs(op string, args []any, withLabels bool) (images, labels *nn.Tensor) {
	want := "a data set, or images and labels"
	if !withLabels {
		want = "a data set, or images (and labels)"
	}
	bad := func(why string) {
		types := make([]string, len(args))
		for i, a := range args {
			types[i] = fmt.Sprintf("%T", a)
		}
		panic(&nn.Error{Op: op, Msg: fmt.Sprintf("%s: want %s, got (%s)", why, want, strings.Join(types, ", "))})
	}
	switch len(args) {
	case 1:
		switch d := args[0].(type) {
		case *mnist.DataSet:
			if d == nil {
				panic(&nn.Error{Op: op, Msg: "nil data set"})
			}
			return d.Images, d.Labels
		case *nn.Tensor:
			if withLabels {
				bad("labels missing")
			}
			return d, nil
		}
	case 2:
		x, ok1 := args[0].(*nn.Tensor)
		y, ok2 := args[1].(*nn.Tensor)
		if ok1 && ok2 {
			return x, y
		}
	case 0:
		bad("no data")
	}
	bad("bad arguments")
	return nil, nil
}

// checkData checks images [N, ...] against labels [N, C] or [N] and
// returns N.
func checkData(op string, images, labels *nn.Tensor) int {
	if images == nil || labels == nil {
		panic(&nn.Error{Op: op, Msg: "nil images or labels"})
	}
	is, ls := images.Shape(), labels.Shape()
	if len(is) < 2 {
		panic(&nn.Error{Op: op, Msg: fmt.Sprintf("images of shape %s: want [examples, ...]", nn.FormatShape(is))})
	}
	if len(ls) < 1 || len(ls) > 2 || ls[0] != is[0] {
		panic(&nn.Error{Op: op, Msg: fmt.Sprintf("labels of shape %s for images %s: want [%d, classes] or [%d]", nn.FormatShape(ls), nn.FormatShape(is), is[0], is[0])})
	}
	if is[0] == 0 {
		panic(&nn.Error{Op: op, Msg: "no examples"})
	}
	return is[0]
}
