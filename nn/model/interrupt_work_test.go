package model_test

import (
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
)

// A Fit stopped by Interrupt while its callback is blocked stays stopped
// after ClearInterrupt (the REPL clears it for the next cell): when the
// callback returns, no further batch is trained.
func TestFitStaysInterruptedAfterClear(t *testing.T) {
	defer nn.ClearInterrupt()
	x := nn.NewTensor(make([]float32, 8*4), 8, 4)
	y := nn.NewTensor(make([]float32, 8*2), 8, 2)
	m := model.Sequential(model.Input(4), model.Dense(2, "softmax")).Compile(nn.GradientDescentOptimizer(0.1))
	blocked, release := make(chan struct{}), make(chan struct{})
	batches := 0
	cb := &model.LambdaCallback{BatchEnd: func(s *model.TrainState) {
		batches++
		if batches == 1 {
			close(blocked)
			<-release
		}
	}}
	done := make(chan *model.History)
	go func() {
		done <- m.Fit(x, y, model.FitOptions{Epochs: 5, BatchSize: 2, Verbose: -1, Callbacks: []model.Callback{cb}})
	}()
	<-blocked
	nn.Interrupt()
	nn.ClearInterrupt() // the next cell starts; new work is not interrupted
	if nn.Interrupted() {
		t.Fatal("Interrupted() after ClearInterrupt")
	}
	close(release)
	h := <-done
	if batches != 1 {
		t.Errorf("the stopped Fit trained %d batches, want 1", batches)
	}
	t.Logf("history: %d epochs, stopped: %q", len(h.Epochs), h.Stopped)
	// New work after the clear runs.
	if h2 := m.Fit(x, y, model.FitOptions{Epochs: 1, BatchSize: 2, Verbose: -1}); h2.Stopped != "" {
		t.Errorf("a new Fit after ClearInterrupt stopped: %q", h2.Stopped)
	}
}

// Work sees an Interrupt made after it started, also after ClearInterrupt;
// work started after the clear does not.
func TestWorkGenerations(t *testing.T) {
	defer nn.ClearInterrupt()
	nn.ClearInterrupt()
	old := nn.StartWork()
	if old.Interrupted() {
		t.Fatal("fresh work is interrupted")
	}
	nn.Interrupt()
	pending := nn.StartWork() // started while the interrupt is pending
	nn.Interrupt()            // twice is once
	nn.ClearInterrupt()
	fresh := nn.StartWork()
	if !old.Interrupted() || !pending.Interrupted() || fresh.Interrupted() || nn.Interrupted() {
		t.Errorf("old %v pending %v fresh %v global %v; want true true false false",
			old.Interrupted(), pending.Interrupted(), fresh.Interrupted(), nn.Interrupted())
	}
	nn.Interrupt()
	if !fresh.Interrupted() || !nn.Interrupted() {
		t.Error("a second Interrupt did not reach the work started after the first clear")
	}
}
