package nn

import (
	"context"
	"testing"
	"time"
)

// TestInterruptKeepsStateConsistent stops training at an arbitrary moment
// and checks that the weights are exactly those of the completed steps.
func TestInterruptKeepsStateConsistent(t *testing.T) {
	x, y, keep, _, _, train := tutorialNet(true)
	bx, by := randomBatch(512)
	feed := Feed{x: bx, y: by, keep: 0.5}
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	took, err := trainUntilCancel(s, train, feed, 30*time.Millisecond)
	// A step takes milliseconds; 5 s allows for a loaded machine.
	if took > 5*time.Second {
		t.Errorf("RunContext returned %v after the cancel, want within a step", took)
	} else {
		t.Logf("stopped %v after the cancel", took)
	}
	ClearInterrupt()
	if err != ErrInterrupted {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	k := s.Steps(train)
	vars := DefaultGraph().Variables()

	// The same number of uninterrupted steps gives the same weights.
	ref := NewSession()
	ref.Run(GlobalVariablesInitializer(), nil)
	for i := 0; i < k; i++ {
		ref.Run(train, feed)
	}
	for _, v := range vars {
		a, b := s.Value(v), ref.Value(v)
		for i := range a.data {
			if a.data[i] != b.data[i] {
				t.Fatalf("after %d steps and an interrupt, %s[%d] = %v; uninterrupted %v", k, v.Name(), i, a.data[i], b.data[i])
			}
		}
	}
}

// trainUntilCancel runs train on s in a loop, cancels the runs' context
// after delay, and returns how long after the cancel the loop ended and
// the error it ended with.
func trainUntilCancel(s *Session, train *Node, feed Feed, delay time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		for {
			if _, err := s.RunContext(ctx, []*Node{train}, feed); err != nil {
				done <- err
				return
			}
		}
	}()
	time.Sleep(delay)
	start := time.Now()
	cancel()
	err := <-done
	return time.Since(start), err
}
