package runtime

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"
)

// The session undoes yaegi's stop through a field of its interpreter; a
// yaegi that renamed it would silently bring back dead func values.
func TestRunCounterFound(t *testing.T) {
	if c := newRunCounter(interp.New(interp.Options{})); c.p == nil {
		t.Fatal("yaegi's Interpreter has no uint64 field id: func values made before a Ctrl-C would stop working after it")
	}
}

// Func values made before a stop, in earlier cells, by an earlier call or
// in the stopped cell itself, run in full after it, however the cell was
// stopped and however often.
func TestFuncValuesRunAfterStop(t *testing.T) {
	s, _, errb := newSession(t)
	runSteps(t, s, []step{
		{cell: `import "time"`},
		{cell: `count := func(n int) int { t := 0; for i := 0; i < n; i++ { t++ }; return t }`},
		{cell: `mk := func() func() int { k := 0; return func() int { for i := 0; i < 3; i++ { k++ }; return k } }; inc := mk()`},
		{cell: `seq := func(yield func(int) bool) { for i := 0; i < 4; i++ { if !yield(i) { return } } }`},
		{cell: `ch := make(chan int, 1); send := func(v int) int { ch <- v; return <-ch }`},
	})
	stops := []string{
		`for { count(10) }`,                               // computing in a func value
		`for { time.Sleep(time.Millisecond) }`,            // sleeping at top level
		`time.Sleep(time.Hour)`,                           // one long sleep
		`late := func() int { return count(2) }; for { }`, // a func value made in the stopped cell
		`func() { for { } }()`,                            // computing in a literal called at once
		`for v := range seq { for v >= 0 { } }`,           // inside a range-over-func body
	}
	for i, cell := range stops {
		took := evalCancelled(t, s, cell)
		if took > 2*time.Second {
			t.Errorf("%q: Eval returned %v after the cancel, want well under a second", cell, took)
		}
		want := []step{
			{cell: `count(5)`, out: "5"},
			{cell: `inc()`, out: strconv.Itoa(3 * (i + 1))},
			{cell: `s := 0; for v := range seq { s += v }; s`, out: "6"},
			{cell: `send(7)`, out: "7"},
		}
		if i >= 3 {
			want = append(want, step{cell: `late()`, out: "2"})
		}
		runSteps(t, s, want)
	}
	if strings.Contains(errb.String(), "left behind") {
		t.Errorf("a stopped cell was left behind: %q", errb.String())
	}
}

// A goroutine of the user's that was waiting when a cell was stopped goes
// on when its wait ends, and one started after the stop runs in full.
func TestGoroutinesAfterStop(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: `in, out := make(chan int), make(chan int)`},
		{cell: `double := func() { for v := range in { out <- 2 * v } }; go double()`},
	})
	evalCancelled(t, s, `for { }`)
	runSteps(t, s, []step{
		{cell: `in <- 4; <-out`, out: "8"},
		{cell: `go func() { t := 0; for i := 0; i < 100; i++ { t += i }; out <- t }(); <-out`, out: "4950"},
	})
}
