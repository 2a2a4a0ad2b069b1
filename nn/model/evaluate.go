package model

import (
	"context"
	"fmt"

	"github.com/nnlab/nnlab/nn"
)

// chunk is the default number of examples run at once by Evaluate and Predict.
const chunk = 1000

func (m *Model) chunkSize() int {
	if m.PredictBatch > 0 {
		return m.PredictBatch
	}
	return chunk
}

// Evaluate returns the model's mean loss and accuracy on data given as
// Fit takes it, a data set or images [N, ...] and labels [N, classes] or
// [N]:
//
//	loss, acc := m.Evaluate(data.Test)
//	loss, acc := m.Evaluate(images, labels)
//
// It runs a chunk of PredictBatch examples at a time with Dropout off and
// BatchNorm's moving statistics, and panics with nn.ErrInterrupted on
// Ctrl-C.
func (m *Model) Evaluate(data ...any) (loss, acc float64) {
	images, labels := dataArgs("model.Evaluate", data, true)
	m.mu.Lock()
	defer m.mu.Unlock()
	checkData("model.Evaluate", images, labels)
	m.build(images.Shape()[1:])
	loss, acc, err := m.evaluate(images, labels)
	if err != nil {
		panic(err)
	}
	return loss, acc
}

// evaluate is Evaluate with m.mu held, returning ErrInterrupted.
func (m *Model) evaluate(images, labels *nn.Tensor) (loss, acc float64, err error) {
	n := images.Shape()[0]
	classes := m.y.Shape()[1]
	if labels.Rank() == 2 && labels.Shape()[1] != classes {
		panic(&nn.Error{Op: "model.Evaluate", Msg: fmt.Sprintf("labels have %d classes, the model outputs %d", labels.Shape()[1], classes)})
	}
	cs := m.chunkSize()
	idx := make([]int, 0, cs)
	fetch := []*nn.Node{m.lossNode, m.accNode}
	for lo := 0; lo < n; lo += cs {
		hi := min(lo+cs, n)
		idx = idx[:0]
		for i := lo; i < hi; i++ {
			idx = append(idx, i)
		}
		y := nn.Zeros(hi-lo, classes)
		gatherLabels(y, labels, idx)
		r, err := m.sess.RunContext(context.Background(), fetch, nn.Feed{m.x: m.inputs(images, lo, hi), m.y: y, m.training: 0.0})
		if err != nil {
			return 0, 0, err
		}
		k := float64(hi - lo)
		loss += r[0].Float() * k
		acc += r[1].Float() * k
	}
	return loss / float64(n), acc / float64(n), nil
}

// inputs returns rows [lo, hi) of images shaped as the model's input.
func (m *Model) inputs(images *nn.Tensor, lo, hi int) *nn.Tensor {
	x := images.Slice(lo, hi)
	if x.Len() != (hi-lo)*numElements(m.inShape) {
		panic(&nn.Error{Op: "model", Msg: fmt.Sprintf("examples of shape %v do not fit the model's input %s", images.Shape()[1:], shapeString(m.inShape))})
	}
	return x.Reshape(append([]int{hi - lo}, m.inShape...)...)
}

// Predict returns the model's output for images [N, ...] (or one example):
// [N, classes] class probabilities for a classifier (a final softmax, or
// the softmax of a model ending in logits). It takes the data as Fit
// does, without needing labels (labels given are not used):
//
//	probs := m.Predict(images)
//	probs := m.Predict(data.Test)
//
// It runs PredictBatch examples at a time.
func (m *Model) Predict(data ...any) *nn.Tensor {
	images, _ := dataArgs("model.Predict", data, false)
	m.mu.Lock()
	defer m.mu.Unlock()
	images = m.batchOf(images)
	n := images.Shape()[0]
	var out *nn.Tensor
	var od []float32
	cs := m.chunkSize()
	for lo := 0; lo < n; lo += cs {
		hi := min(lo+cs, n)
		r, err := m.sess.RunContext(context.Background(), []*nn.Node{m.probs}, nn.Feed{m.x: m.inputs(images, lo, hi), m.training: 0.0})
		if err != nil {
			panic(err)
		}
		p := r[0]
		if out == nil {
			w := p.Len() / (hi - lo)
			out = nn.Zeros(n, w)
			od = out.Data()
		}
		copy(od[lo*(out.Len()/n):], p.Data())
	}
	return out
}

// batchOf builds the model if needed and turns a single example into a
// batch of one. Caller holds m.mu.
func (m *Model) batchOf(images *nn.Tensor) *nn.Tensor {
	if images == nil {
		panic(&nn.Error{Op: "model.Predict", Msg: "nil images"})
	}
	s := images.Shape()
	if m.g == nil {
		in := m.inputShape()
		if in == nil {
			if len(s) < 2 {
				panic(&nn.Error{Op: "model.Predict", Msg: "cannot tell the input shape from one example; start the model with model.Input(...)"})
			}
			in = s[1:]
		}
		m.build(in)
	}
	per := numElements(m.inShape)
	if images.Len() == per && (len(s) < 2 || s[0] != 1) {
		return images.Reshape(append([]int{1}, m.inShape...)...)
	}
	if len(s) < 2 || images.Len() != s[0]*per {
		panic(&nn.Error{Op: "model.Predict", Msg: fmt.Sprintf("images of shape %s do not fit the model's input %s", nn.FormatShape(s), shapeString(m.inShape))})
	}
	if s[0] == 0 {
		panic(&nn.Error{Op: "model.Predict", Msg: "no examples"})
	}
	return images
}

// PredictClasses returns the most probable class of each example, [N]
// class ids (as float32, like mnist's labels); it takes the data as
// Predict does.
func (m *Model) PredictClasses(data ...any) *nn.Tensor {
	return argmaxRows(m.Predict(data...))
}

// argmaxRows returns the index of each row's largest value.
func argmaxRows(p *nn.Tensor) *nn.Tensor {
	n := p.Shape()[0]
	c := p.Len() / max(n, 1)
	out := nn.Zeros(n)
	d, od := p.Data(), out.Data()
	for i := 0; i < n; i++ {
		row := d[i*c : (i+1)*c]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		od[i] = float32(best)
	}
	return out
}
