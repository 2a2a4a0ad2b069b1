package model

import (
	"fmt"
	"time"

	"github.com/nnlab/nnlab/nn"
)

// A Callback is told by Fit what training does, as Keras's callbacks are:
// the progress bar, the live chart, the checkpoint of the best epoch, the
// learning-rate schedule and early stopping are callbacks, and
// FitOptions.Callbacks adds more. Fit calls the methods in this order:
//
//	OnTrainBegin
//	for each epoch: OnEpochBegin, then for each batch OnBatchBegin and
//	OnBatchEnd, then OnEpochEnd (after validation)
//	OnTrainEnd (also after Ctrl-C or a stop)
//
// Every method gets the same *TrainState, which Fit updates in place; a
// callback may set the learning rate (TrainState.SetLearningRate), print
// (Print) or stop training (Stop). It must not call the model's own
// methods, which wait for Fit to end: TrainState offers Evaluate and Save
// instead. Embed LambdaCallback in a type to implement only some methods,
// or fill LambdaCallback's fields with functions.
type Callback interface {
	OnTrainBegin(s *TrainState)
	OnEpochBegin(s *TrainState)
	OnBatchBegin(s *TrainState)
	OnBatchEnd(s *TrainState)
	OnEpochEnd(s *TrainState)
	OnTrainEnd(s *TrainState)
}

// TrainState is what Fit tells its callbacks. Fit keeps one TrainState
// per call and updates it before every callback.
type TrainState struct {
	Model  *Model
	Epoch  int // the epoch under way, counted from 1 over the model's life
	Epochs int // the last epoch this Fit trains (Keras's epochs, counted as Epoch is)

	Batch   int  // batches done in the epoch (at OnBatchBegin: before this one)
	Batches int  // batches per epoch
	Resumed bool // the epoch continues one an interrupted Fit left at Batch
	Step    int  // optimizer steps the model has taken

	Images  int           // examples trained on in the epoch so far
	Elapsed time.Duration // training time of the epoch in this Fit call, at OnBatchEnd
	Loss    float64       // mean training loss of the epoch's batches so far
	Acc     float64       // mean training accuracy
	// LearningRate is the rate of the step (at OnBatchBegin, the rate
	// before the callbacks change it).
	LearningRate float64

	// Validation reports whether Fit has validation data; at OnEpochEnd,
	// Stats is the finished epoch, with its validation loss and accuracy.
	Validation bool
	Stats      EpochStats
	History    *History // the epochs of this Fit call so far

	// Stopped, at OnTrainEnd, says why Fit ended early ("" when it
	// trained every epoch), as History.Stopped; Interrupted is set when
	// Ctrl-C stopped it.
	Stopped     string
	Interrupted bool

	opt     nn.Optimizer
	stop    string  // the reason given to Stop
	display display // where Print goes; nil: nowhere (Verbose -1)
	vx, vy  *nn.Tensor
}

// Stop makes Fit end at the next batch boundary, as setting Keras's
// model.stop_training does: after OnBatchBegin the step is not taken, and
// after OnEpochEnd no further epoch starts. The reason is printed and
// recorded in History.Stopped. A later Fit continues where this one
// stopped, as after Ctrl-C.
func (s *TrainState) Stop(reason string) {
	if reason == "" {
		reason = "stopped by a callback"
	}
	s.stop = reason
}

// Stopping reports whether a callback has called Stop.
func (s *TrainState) Stopping() bool { return s.stop != "" }

// SetLearningRate sets the optimizer's learning rate; called from
// OnBatchBegin, it applies to that batch's step.
func (s *TrainState) SetLearningRate(lr float64) {
	s.opt.SetRate(lr)
	s.LearningRate = lr
}

// Print prints a line with Fit's progress output, above the progress bar
// and the live chart; it prints nothing when the progress is off
// (Verbose -1).
func (s *TrainState) Print(line string) {
	if s.display != nil {
		s.display.line(line)
	}
}

// Printf is Print with a format.
func (s *TrainState) Printf(format string, args ...any) { s.Print(fmt.Sprintf(format, args...)) }

// Evaluate returns the model's loss and accuracy on data in the forms
// Model.Evaluate takes, for a callback (which cannot call Model.Evaluate
// while Fit runs). Without arguments it evaluates on Fit's validation
// data. It panics with nn.ErrInterrupted on Ctrl-C.
func (s *TrainState) Evaluate(data ...any) (loss, acc float64) {
	x, y := s.vx, s.vy
	if len(data) > 0 {
		x, y = dataArgs("TrainState.Evaluate", data, true)
	}
	if x == nil {
		panic(&nn.Error{Op: "TrainState.Evaluate", Msg: "no data given and Fit has no validation data"})
	}
	checkData("TrainState.Evaluate", x, y)
	loss, acc, err := s.Model.evaluate(x, y)
	if err != nil {
		panic(err)
	}
	return loss, acc
}

// Save saves the model to path as Model.Save does, for a callback.
func (s *TrainState) Save(path string) error { return s.Model.save(path) }

// LambdaCallback is a Callback made of functions, as Keras's
// LambdaCallback is: a nil field does nothing. Its zero value, embedded
// in a type, supplies the methods that type does not define.
//
//	m.Fit(data.Train, model.FitOptions{Callbacks: []model.Callback{
//		&model.LambdaCallback{EpochEnd: func(s *model.TrainState) { fmt.Println(s.Stats.Loss) }},
//	}})
type LambdaCallback struct {
	TrainBegin, EpochBegin, BatchBegin, BatchEnd, EpochEnd, TrainEnd func(s *TrainState)
}

// OnTrainBegin calls c.TrainBegin.
func (c *LambdaCallback) OnTrainBegin(s *TrainState) { call(c.TrainBegin, s) }

// OnEpochBegin calls c.EpochBegin.
func (c *LambdaCallback) OnEpochBegin(s *TrainState) { call(c.EpochBegin, s) }

// OnBatchBegin calls c.BatchBegin.
func (c *LambdaCallback) OnBatchBegin(s *TrainState) { call(c.BatchBegin, s) }

// OnBatchEnd calls c.BatchEnd.
func (c *LambdaCallback) OnBatchEnd(s *TrainState) { call(c.BatchEnd, s) }

// OnEpochEnd calls c.EpochEnd.
func (c *LambdaCallback) OnEpochEnd(s *TrainState) { call(c.EpochEnd, s) }

// OnTrainEnd calls c.TrainEnd.
func (c *LambdaCallback) OnTrainEnd(s *TrainState) { call(c.TrainEnd, s) }

func call(f func(*TrainState), s *TrainState) {
	if f != nil {
		f(s)
	}
}

// callbacks runs a list of callbacks in order.
type callbacks []Callback

func (cs callbacks) trainBegin(s *TrainState) {
	for _, c := range cs {
		c.OnTrainBegin(s)
	}
}

func (cs callbacks) epochBegin(s *TrainState) {
	for _, c := range cs {
		c.OnEpochBegin(s)
	}
}

func (cs callbacks) batchBegin(s *TrainState) {
	for _, c := range cs {
		c.OnBatchBegin(s)
	}
}

func (cs callbacks) batchEnd(s *TrainState) {
	for _, c := range cs {
		c.OnBatchEnd(s)
	}
}

func (cs callbacks) epochEnd(s *TrainState) {
	for _, c := range cs {
		c.OnEpochEnd(s)
	}
}

func (cs callbacks) trainEnd(s *TrainState) {
	for _, c := range cs {
		c.OnTrainEnd(s)
	}
}
