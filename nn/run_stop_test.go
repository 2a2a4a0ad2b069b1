package nn

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestRunContextCancelIsPerRun runs two sessions concurrently, each with
// its own context, and cancels one: the other must go on training, and a
// pending Interrupt (a real Ctrl-C) must not be erased by the cancel.
func TestRunContextCancelIsPerRun(t *testing.T) {
	x, y, keep, _, _, train := tutorialNet(true)
	bx, by := randomBatch(512)
	feed := Feed{x: bx, y: by, keep: 0.5}
	type result struct {
		steps int
		err   error
	}
	loop := func(ctx context.Context, s *Session, out chan<- result) {
		n := 0
		for {
			if _, err := s.RunContext(ctx, []*Node{train}, feed); err != nil {
				out <- result{n, err}
				return
			}
			n++
		}
	}
	a, b := NewSession(), NewSession()
	a.Run(GlobalVariablesInitializer(), nil)
	b.Run(GlobalVariablesInitializer(), nil)
	ctxA, cancelA := context.WithCancel(context.Background())
	ctxB, cancelB := context.WithCancel(context.Background())
	defer cancelB()
	doneA, doneB := make(chan result, 1), make(chan result, 1)
	go loop(ctxA, a, doneA)
	go loop(ctxB, b, doneB)

	time.Sleep(30 * time.Millisecond)
	cancelA()
	ra := <-doneA
	if !errors.Is(ra.err, ErrInterrupted) {
		t.Fatalf("cancelled run: err = %v, want ErrInterrupted", ra.err)
	}
	// b must take several more steps after a stopped.
	before := b.Steps(train)
	deadline := time.Now().Add(10 * time.Second)
	for b.Steps(train) < before+3 {
		select {
		case rb := <-doneB:
			t.Fatalf("the other run stopped after %d steps: %v", rb.steps, rb.err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the other run made no progress in 10 s (%d steps)", b.Steps(train))
		}
		time.Sleep(time.Millisecond)
	}
	cancelB()
	rb := <-doneB
	if !errors.Is(rb.err, ErrInterrupted) {
		t.Fatalf("second run: err = %v, want ErrInterrupted", rb.err)
	}
	t.Logf("a stopped after %d steps, b after %d", ra.steps, rb.steps)

	// A cancel never touches the process-wide flag: a Ctrl-C (Interrupt)
	// that arrives while a run is being cancelled stays pending.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go loop(ctx, a, done)
	time.Sleep(20 * time.Millisecond)
	Interrupt()
	defer ClearInterrupt()
	cancel()
	if r := <-done; !errors.Is(r.err, ErrInterrupted) {
		t.Fatalf("run stopped by both: err = %v", r.err)
	}
	if !Interrupted() {
		t.Fatal("cancelling a run erased a pending Interrupt")
	}
}
