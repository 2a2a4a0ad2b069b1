package model

import "math"

// Schedule returns the learning rate for a step: epoch counts the model's
// completed epochs (from 0) and step the optimizer steps taken (from 0).
type Schedule func(epoch, step int) float64

// ExponentialDecay is Keras's schedule lr0 * rate^(step/steps), decaying
// smoothly by the factor rate every steps steps.
func ExponentialDecay(lr0, rate float64, steps int) Schedule {
	return func(_, step int) float64 { return lr0 * math.Pow(rate, float64(step)/float64(steps)) }
}

// StepDecay multiplies lr0 by factor after every epochs completed epochs.
func StepDecay(lr0, factor float64, epochs int) Schedule {
	return func(epoch, _ int) float64 { return lr0 * math.Pow(factor, float64(epoch/max(epochs, 1))) }
}

// EpochSchedule turns a per-epoch rate function into a Schedule.
func EpochSchedule(f func(epoch int) float64) Schedule {
	return func(epoch, _ int) float64 { return f(epoch) }
}

// LearningRateScheduler is the callback that sets the optimizer's
// learning rate from a Schedule before every step, as Keras's
// LearningRateScheduler does (per step rather than per epoch). Fit
// installs one for FitOptions.Schedule, first in its list.
type LearningRateScheduler struct {
	LambdaCallback
	Schedule Schedule
}

// NewLearningRateScheduler returns the callback for schedule.
func NewLearningRateScheduler(schedule Schedule) *LearningRateScheduler {
	return &LearningRateScheduler{Schedule: schedule}
}

// OnBatchBegin sets the rate of the coming step.
func (c *LearningRateScheduler) OnBatchBegin(s *TrainState) {
	s.SetLearningRate(c.Schedule(s.Epoch-1, s.Step))
}
