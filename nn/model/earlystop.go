package model

import (
	"fmt"
	"math"

	"github.com/nnlab/nnlab/nn"
)

// EarlyStopping is the callback that stops Fit when a figure has stopped
// improving, as Keras's EarlyStopping does: after Patience epochs (at
// least 1) in a row in which Monitor did not improve on its best by more
// than MinDelta, Fit stops at the end of the epoch. Monitor is "val_loss"
// (the default), "val_acc", "loss" or "acc"; losses improve downwards,
// accuracies upwards. Each Fit starts afresh.
type EarlyStopping struct {
	LambdaCallback
	Monitor  string
	Patience int
	MinDelta float64

	best      float64
	bestEpoch int
	wait      int
}

// NewEarlyStopping returns the callback stopping after patience epochs
// without improvement of monitor ("" for "val_loss").
func NewEarlyStopping(monitor string, patience int) *EarlyStopping {
	return &EarlyStopping{Monitor: monitor, Patience: patience}
}

// monitor returns the figure watched and whether higher is better.
func (c *EarlyStopping) monitor() (name string, up bool) {
	switch c.Monitor {
	case "", "val_loss":
		return "val_loss", false
	case "val_acc", "val_accuracy":
		return "val_acc", true
	case "loss":
		return "loss", false
	case "acc", "accuracy":
		return "acc", true
	}
	panic(&nn.Error{Op: "model.EarlyStopping", Msg: fmt.Sprintf("cannot monitor %q: want val_loss, val_acc, loss or acc", c.Monitor)})
}

// OnTrainBegin checks the monitored figure exists and forgets the last Fit.
func (c *EarlyStopping) OnTrainBegin(s *TrainState) {
	name, up := c.monitor()
	if name[:2] == "va" && !s.Validation {
		panic(&nn.Error{Op: "model.EarlyStopping", Msg: fmt.Sprintf("monitors %s, but Fit has no validation data", name)})
	}
	c.best, c.bestEpoch, c.wait = math.Inf(1), 0, 0
	if up {
		c.best = math.Inf(-1)
	}
}

// OnEpochEnd counts the epochs without improvement and stops after Patience.
func (c *EarlyStopping) OnEpochEnd(s *TrainState) {
	name, up := c.monitor()
	var v float64
	switch e := s.Stats; name {
	case "val_loss":
		v = e.ValLoss
	case "val_acc":
		v = e.ValAcc
	case "loss":
		v = e.Loss
	default:
		v = e.Acc
	}
	better := v < c.best-c.MinDelta
	if up {
		better = v > c.best+c.MinDelta
	}
	if better {
		c.best, c.bestEpoch, c.wait = v, s.Stats.Epoch, 0
		return
	}
	c.wait++
	if c.wait >= max(c.Patience, 1) {
		s.Stop(fmt.Sprintf("early stopping: %s has not improved for %d epochs (best %.4f at epoch %d)", name, c.wait, c.best, c.bestEpoch))
	}
}
