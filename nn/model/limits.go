package model

import (
	"fmt"
	"math"

	"github.com/nnlab/nnlab/internal/memlimit"
	"github.com/nnlab/nnlab/nn/safetensors"
)

// Limits on the numbers in a saved model's description, checked by Load
// and Restore before anything is allocated, so that a crafted or damaged
// file is an error instead of a fatal out-of-memory. They are far above
// any model this package trains on one machine.
const (
	maxDim   = 1 << 24 // one dimension of the input or a Reshape
	maxCount = 1 << 24 // units, filters
	maxWin   = 1 << 12 // kernel, pool and stride sizes
	maxRows  = 1 << 26 // examples in the training set of a saved position (its order is made on Restore)
	maxLayer = 1 << 12 // layers
)

// checkSaved checks every number of a model description read from a file.
// A model whose layers need more parameters than the file f holds values
// cannot be the file's model, and is refused before it is built.
func checkSaved(s *saved, f *safetensors.File) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("layers that cannot be built: %v", r)
		}
	}()
	floats := 0
	for _, t := range f.Tensors {
		if sz := safetensors.DTypeSize(t.DType); sz > 0 {
			floats += len(t.Data) / sz
		}
	}
	if len(s.Layers) > maxLayer {
		return fmt.Errorf("%d layers, more than the %d a model may have", len(s.Layers), maxLayer)
	}
	if err := checkShape("input shape", s.Input); err != nil {
		return err
	}
	for i, c := range s.Layers {
		for _, n := range []struct {
			what string
			v    int
			max  int
		}{{"units", c.Units, maxCount}, {"filters", c.Filters, maxCount}, {"kernel", c.Kernel, maxWin},
			{"pool", c.Pool, maxWin}, {"strides", c.Strides, maxWin}} {
			if n.v < 0 || n.v > n.max {
				return fmt.Errorf("layer %d (%s): %s %d out of range [0, %d]", i, c.Type, n.what, n.v, n.max)
			}
		}
		if math.IsNaN(c.Rate) || c.Rate < 0 || c.Rate >= 1 {
			if c.Rate != 0 {
				return fmt.Errorf("layer %d (%s): rate %v out of range [0, 1)", i, c.Type, c.Rate)
			}
		}
		if err := checkShape(fmt.Sprintf("layer %d (%s) shape", i, c.Type), c.Shape); err != nil {
			return err
		}
		if err := checkShape(fmt.Sprintf("layer %d (%s) input shape", i, c.Type), c.InputShape); err != nil {
			return err
		}
	}
	if s.Epoch < 0 || s.Batch < 0 || s.Done < 0 || s.Rows < 0 || s.Rows > maxRows || s.Done > s.Rows && s.Rows > 0 {
		return fmt.Errorf("training position out of range: epoch %d, batch %d, %d of %d examples done", s.Epoch, s.Batch, s.Done, s.Rows)
	}
	if err := memlimit.Check(fmt.Sprintf("the shuffling order of %d examples", s.Rows), s.Rows, 8); err != nil {
		return err
	}
	if math.IsNaN(s.BestValAcc) || math.IsInf(s.BestValAcc, 0) {
		return fmt.Errorf("best validation accuracy %v is not a number", s.BestValAcc)
	}
	// The parameters the layers need must be in the file.
	m := New()
	for _, c := range s.Layers {
		m.layers = append(m.layers, &Layer{cfg: c})
	}
	in := s.Input
	if decl := m.inputShape(); decl != nil {
		in = decl
		if err := checkShape("input shape", in); err != nil {
			return err
		}
	}
	if len(in) == 0 || len(m.layers) == 0 {
		return nil // fromSaved reports it
	}
	outs, trainable, fixed, err := m.layerShapes(in)
	if err != nil {
		return err
	}
	params := 0
	for i := range outs {
		if _, ok := memlimit.Elements(outs[i]); !ok {
			return fmt.Errorf("layer %d (%s): output shape %v is too large", i, s.Layers[i].Type, outs[i])
		}
		if trainable[i] < 0 || fixed[i] < 0 || trainable[i] > floats || fixed[i] > floats {
			return fmt.Errorf("layer %d (%s) needs more parameters than the file holds (%d values)", i, s.Layers[i].Type, floats)
		}
		params += trainable[i] + fixed[i]
		if params > floats {
			return fmt.Errorf("the layers need %d or more parameters, more than the file holds (%d values)", params, floats)
		}
	}
	return nil
}

// checkShape checks that every dimension of an example shape is positive
// (or -1, which Reshape accepts) and at most maxDim, and that the shape has
// at most maxDim elements.
func checkShape(what string, shape []int) error {
	if len(shape) > 8 {
		return fmt.Errorf("%s %v has %d dimensions, more than 8", what, shape, len(shape))
	}
	for _, d := range shape {
		if d == 0 || d < -1 || d > maxDim {
			return fmt.Errorf("%s %v: dimension %d out of range [1, %d]", what, shape, d, maxDim)
		}
	}
	pos := make([]int, 0, len(shape))
	for _, d := range shape {
		pos = append(pos, max(d, 1))
	}
	if n, ok := memlimit.Elements(pos); !ok || n > maxDim {
		return fmt.Errorf("%s %v has more than %d elements", what, shape, maxDim)
	}
	return nil
}
