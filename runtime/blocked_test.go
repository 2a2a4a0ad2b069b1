package runtime

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestBlockedCellIsReported: a cell whose goroutines all wait for one
// another (Go's "all goroutines are asleep - deadlock!") is reported once
// while it waits; a cell that computes, sleeps or waits for a goroutine
// that will send is not. Each cell is stopped as Ctrl-C would.
func TestBlockedCellIsReported(t *testing.T) {
	for _, tc := range []struct {
		cell string
		want string // "" for no report
	}{
		{"ch := make(chan int); <-ch", "this cell has waited 1s on a channel receive"},
		{"select {}", "on a select"},
		{"var wg sync.WaitGroup; wg.Add(1); wg.Wait()", "on a sync.WaitGroup's Wait"},
		{"var mu sync.Mutex; mu.Lock(); mu.Lock()", "on a lock"},
		{"c := make(chan int); go func() { c <- 1; c <- 2 }(); <-c; <-make(chan int)", "on a channel receive"},
		{"func waitFor(c chan int) int { return <-c }\nwaitFor(make(chan int))", "on a channel receive"},
		{"n := 0; for i := 0; i < 1e9; i++ { n++ }", ""},
		{"time.Sleep(time.Hour)", ""},
		{"c := make(chan int); go func() { time.Sleep(time.Hour); c <- 1 }(); <-c", ""},
		{"c := make(chan int); go func() { for { } }(); <-c", ""},
	} {
		t.Run(tc.cell, func(t *testing.T) {
			s, _, errb := newSession(t)
			s.blockedAfter = 100 * time.Millisecond
			if _, err := s.Eval(context.Background(), `import ("sync"; "time")`); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
			defer cancel()
			s.Eval(ctx, tc.cell)
			got := errb.String()
			switch {
			case tc.want == "" && strings.Contains(got, "no goroutine of yours is running"):
				t.Errorf("reported a cell that was not blocked: %q", got)
			case tc.want != "" && !strings.Contains(got, tc.want):
				t.Errorf("stderr %q, want it to contain %q", got, tc.want)
			case tc.want != "" && strings.Count(got, "no goroutine of yours") != 1:
				t.Errorf("reported %d times, want once: %q", strings.Count(got, "no goroutine of yours"), got)
			}
		})
	}
}
