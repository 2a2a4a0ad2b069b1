package model

import (
	"fmt"
	"math"
)

// Checkpoint is the callback that saves the model to Path (see Save)
// after every epoch, as Keras's ModelCheckpoint with save_best_only: with
// validation data, only when the validation accuracy is at least as good
// as the best so far, so that the file keeps the best model (the later
// one of equals). Fit installs one for FitOptions.Checkpoint; its best
// accuracy is kept with the model, over Fit calls.
type Checkpoint struct {
	LambdaCallback
	Path string

	best  *float64 // the best validation accuracy saved
	local float64  // best's storage when the model does not keep it
}

// NewCheckpoint returns a callback saving the best model to path.
func NewCheckpoint(path string) *Checkpoint { return &Checkpoint{Path: path} }

// OnEpochEnd saves the model if the epoch is the best so far.
func (c *Checkpoint) OnEpochEnd(s *TrainState) {
	if c.best == nil {
		c.best = &c.local
	}
	e := s.Stats
	if s.Validation && (math.IsNaN(e.ValAcc) || e.ValAcc < *c.best) {
		return
	}
	if s.Validation {
		*c.best = e.ValAcc
	}
	if err := s.Save(c.Path); err != nil {
		s.Print(fmt.Sprintf("  checkpoint not saved: %v", err))
	} else if s.Validation {
		s.Print(fmt.Sprintf("  saved %s (val_acc %.4f)", c.Path, e.ValAcc))
	}
}
