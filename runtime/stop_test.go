package runtime

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// evalCancelled runs cell and cancels it after a short while, as Ctrl-C
// does; it returns how long Eval took after the cancel.
func evalCancelled(t *testing.T, s *Session, cell string) time.Duration {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var cancelled time.Time
	go func() {
		time.Sleep(100 * time.Millisecond)
		cancelled = time.Now()
		cancel()
	}()
	_, err := s.Eval(ctx, cell)
	took := time.Since(cancelled)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("%q: err = %v, want ErrInterrupted", cell, err)
	}
	return took
}

// A cell blocked for good in a compiled call is left behind: the next cell
// runs at once, and if the call returns later, the old cell changes nothing.
func TestBlockedCellIsLeftBehind(t *testing.T) {
	s, _, errb := newSession(t)
	runSteps(t, s, []step{
		{cell: `import "sync"`},
		{cell: `var wg, wg2 sync.WaitGroup`},
		{cell: `wg.Add(1); wg2.Add(1); x := 1; n := 0`},
	})
	cases := []struct{ cell, blocked string }{
		{`wg.Wait(); x = 2`, "sync.(*WaitGroup).Wait"},
		{`for i := 0; i < 3; i++ { wg2.Wait(); n++ }`, "sync.(*WaitGroup).Wait"},
	}
	for _, c := range cases {
		took := evalCancelled(t, s, c.cell)
		t.Logf("%q: Eval returned %v after the cancel", c.cell, took)
		if took > 5*time.Second {
			t.Errorf("%q: Eval returned %v after the cancel, want well under a second", c.cell, took)
		}
		if msg := errb.String(); !strings.Contains(msg, "still blocked in "+c.blocked) || !strings.Contains(msg, "left behind") {
			t.Errorf("%q: stderr = %q, want it to say the cell was left behind in %s", c.cell, msg, c.blocked)
		}
	}
	if n := strings.Count(errb.String(), "left behind"); n != len(cases) {
		t.Errorf("stderr says %d times that a cell was left behind, want %d: %q", n, len(cases), errb.String())
	}
	runSteps(t, s, []step{
		{cell: `x`, out: "1"},
		{cell: `1 + 1`, out: "2"},
		// Wake both left-behind cells: neither may run another statement.
		{cell: `wg.Done(); wg2.Done()`},
	})
	time.Sleep(200 * time.Millisecond)
	runSteps(t, s, []step{
		{cell: `x`, out: "1"},
		{cell: `n`, out: "0"},
		{cell: `x = 5; x`, out: "5"},
	})
}

// A left-behind bare expression must not show its value in a later cell.
func TestLeftBehindShowsNothing(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: `import "sync"`},
		{cell: `var wg sync.WaitGroup; wg.Add(1)`},
		{cell: `func wait() int { wg.Wait(); return 7 }`},
	})
	evalCancelled(t, s, `wait()`)
	// The later cell wakes it while running; it still shows its own value.
	runSteps(t, s, []step{{cell: `wg.Done(); for i := 0; i < 100000; i++ {}; 3`, out: "3"}})
	time.Sleep(100 * time.Millisecond)
	runSteps(t, s, []step{{cell: `4`, out: "4"}})
}

// A top-level defer runs once, when its cell ends, last first; also after
// a run-time failure of the cell.
func TestTopLevelDeferRunsOnce(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: `n := 0`},
		{cell: `defer func() { n++ }(); n = 10`},
		{cell: `n`, out: "11"},
		{cell: `n`, out: "11"},
		{cell: `defer fmt.Println("second"); defer fmt.Println("first"); fmt.Println("body")`},
		{cell: `defer func() { n = 100 }(); var m map[string]int; m["x"] = 1`, errSub: "panic"},
		{cell: `n`, out: "100"},
		{cell: `n = 1; defer func() { panic("in defer") }()`, errSub: "in defer"},
		{cell: `n`, out: "1"},
	})
	if got := out.String(); got != "body\nfirst\nsecond\n" {
		t.Errorf("output = %q, want body, first, second", got)
	}
}

// A recover() in a top-level deferred func recovers the cell's panic, as
// in a function body: the cell then is no error, the statements before the
// panic stay done, and recover gives the panic's own value. A recover in a
// func literal inside the deferred one recovers nothing, as in Go; os.Exit
// runs no deferred call.
func TestTopLevelDeferRecovers(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: `x := 1`},
		{cell: "defer func() { fmt.Println(\"rec:\", recover()) }()\nx = 2\npanic(\"boom\")\nx = 3"},
		{cell: `x`, out: "2"},
		{cell: `defer func() { r := recover(); s, ok := r.(string); fmt.Println(s, ok) }(); panic("str")`},
		{cell: `defer func() { _, ok := recover().(error); fmt.Println(ok) }(); var a []int; i := 3; _ = a[i]`},
		{cell: `defer func() { fmt.Printf("%T\n", recover()) }(); panic(nil)`},
		{cell: `defer func() { fmt.Println("none:", recover()) }(); x = 4`},
		{cell: `defer func() { func() { recover() }() }(); panic("not recovered")`, errSub: "line 1: panic: not recovered"},
		{cell: `import "os"`},
		{cell: `defer fmt.Println("deferred"); os.Exit(3)`, errSub: "os.Exit(3) stopped this cell; the session goes on"},
		{cell: `x`, out: "4"},
		// A deferred func or method whose body calls recover, as Go allows.
		{cell: "func handle() { if r := recover(); r != nil { fmt.Println(\"handled\", r) } }\ntype R struct{}\nfunc (R) Close() { fmt.Println(\"closed\", recover()) }"},
		{cell: `defer handle(); x = 5; panic("h")`},
		{cell: `r := R{}; defer r.Close(); panic("m")`},
		{cell: `func nd() { func() { recover() }() }; defer nd(); panic("nd")`, errSub: "line 1: panic: nd"},
		{cell: `func safe() { defer handle(); panic("in safe") }; safe()`},
		{cell: `x`, out: "5"},
	})
	want := "rec: boom\nstr true\ntrue\n*runtime.PanicNilError\nnone: <nil>\nhandled h\nclosed m\nhandled in safe\n"
	if got := out.String(); got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

// Combinations: blocked inside a function of the session, in time.Sleep
// or on an interpreted channel (which notices the stop by itself, so it is
// not left behind).
func TestCtrlCCombinations(t *testing.T) {
	s, _, errb := newSession(t)
	runSteps(t, s, []step{
		{cell: `import ("sync"; "time")`},
		{cell: `var wg sync.WaitGroup; wg.Add(1); x := 1; ch := make(chan int)`},
		{cell: `func f() { wg.Wait(); x = 2 }`},
	})
	cases := []struct{ cell, left string }{
		{`f(); x = 3`, "sync.(*WaitGroup).Wait"},
		{`time.Sleep(time.Hour); x = 4`, ""}, // nnlab's Sleep ends on a stop
		{`fmt.Println(<-ch); x = 5`, ""},
		// yaegi stores the stop signal in the destination of a receive it
		// cancels; the runtime receives into a temporary.
		{`x = <-ch`, ""},
		{`x := <-ch`, ""},
	}
	for _, c := range cases {
		before := strings.Count(errb.String(), "left behind")
		took := evalCancelled(t, s, c.cell)
		t.Logf("%q: Eval returned %v after the cancel", c.cell, took)
		leftNow := strings.Count(errb.String(), "left behind") > before
		if c.left != "" && (!leftNow || !strings.Contains(errb.String(), "blocked in "+c.left)) {
			t.Errorf("%q: stderr = %q, want it to say the cell is blocked in %s", c.cell, errb.String(), c.left)
		}
		if c.left == "" && leftNow {
			t.Errorf("%q: left behind, but it should have stopped by itself: %q", c.cell, errb.String())
		}
		runSteps(t, s, []step{{cell: `x`, out: "1"}})
	}
	runSteps(t, s, []step{{cell: `wg.Done()`}})
	time.Sleep(100 * time.Millisecond)
	runSteps(t, s, []step{
		{cell: `x`, out: "1"},
		{cell: `go func() { ch <- 9 }(); x = <-ch; x`, out: "9"},
		{cell: `go func() { ch <- 10 }(); x := <-ch; x + 1`, out: "11"},
	})
}

// A left-behind call that returns later does not write its result: the
// stopped cell changes no value, whatever the form of the assignment.
func TestLeftBehindAssignsNothing(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: `import "sync"`},
		{cell: `var wg sync.WaitGroup; wg.Add(1)`},
		{cell: `func wait() int { wg.Wait(); return 7 }`},
		{cell: `func two() (int, string) { wg.Wait(); return 8, "late" }`},
		{cell: `x, y, z := 1, 2, "kept"; m := map[string]int{}; xs := []int{0}`},
	})
	for _, cell := range []string{
		`x = wait()`,
		`y, z = two()`,
		`x := wait()`,
		`x += wait()`,
		`m["k"] = wait()`,
		`xs[0] = wait()`,
		`xs = append(xs, wait())`,
		`q := 0; y = wait() + q`,
	} {
		evalCancelled(t, s, cell)
	}
	runSteps(t, s, []step{{cell: `wg.Done()`}})
	time.Sleep(300 * time.Millisecond)
	runSteps(t, s, []step{
		{cell: `x, y, z`, out: `(1, 2, "kept")`},
		{cell: `len(m), xs`, out: "(0, [0])"},
	})
}

// cancelReader is standard input whose read is stopped by a Ctrl-C: as the
// REPL's, it cancels the cell's context and fails at once.
type cancelReader struct{ cancel context.CancelFunc }

func (r cancelReader) Read([]byte) (int, error) {
	time.Sleep(10 * time.Millisecond)
	r.cancel()
	return 0, errors.New("interrupted")
}

// A Ctrl-C while a cell waits for its standard input stops the cell there:
// the statements after the read do not run (the failed read returned
// before the interpreter noticed the stop, and the cell went on).
func TestCtrlCDuringReadStopsTheCell(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{{cell: `x := 1; var name string`}})
	for i := range 5 {
		ctx, cancel := context.WithCancel(context.Background())
		s.SetStdin(cancelReader{cancel})
		if _, err := s.Eval(ctx, `fmt.Scanln(&name); x = 3`); !errors.Is(err, ErrInterrupted) {
			t.Fatalf("run %d: err = %v, want interrupted", i, err)
		}
		runSteps(t, s, []step{{cell: `x`, out: "1"}})
	}
}
