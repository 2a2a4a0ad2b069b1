package runtime

import (
	"context"
	"errors"
	"go/token"
	"go/types"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestNothingDies: inputs that used to end the process fail as one line,
// and the session goes on with its values.
func TestNothingDies(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "keep := 41", out: ""},
		// Recursion, endless and finite.
		{cell: "func f(n int) int { return f(n+1) }", out: ""},
		{cell: "f(1)", errSub: "f: calls nested"},
		{cell: "func g(n int) int { if n == 0 { return 0 }; return g(n-1) + 1 }", out: ""},
		{cell: "g(1000000)", errSub: "take more Go stack frames than the limit (25000)"},
		{cell: "g(9000)", out: "9000"},
		// Methods and func literals are counted too, under their names.
		// (A method calling itself is declared beside its type: a method
		// added to an earlier cell's type is usable from the next cell on.)
		{cell: "type T struct{}; func (t T) m(n int) int { return t.m(n+1) }", out: ""},
		{cell: "T{}.m(0)", errSub: "T.m: calls nested"},
		{cell: "var h func(int) int; h = func(n int) int { return h(n+1) }; h(0)", errSub: "func literal in main: calls nested"},
		// A recover in the user's own code still works with the guard.
		{cell: "func safe() (r string) { defer func() { if recover() != nil { r = \"caught\" } }(); panic(\"x\") }", out: ""},
		{cell: "safe()", out: `"caught"`},
		// Sizes.
		{cell: "x := make([]float32, 1<<40)", errSub: "make([]float32, 1099511627776) needs 4.0 TiB"},
		{cell: "n := 1 << 40", out: ""},
		{cell: "m := make(map[string]int, n)", errSub: "make(map[string]int, 1099511627776)"},
		{cell: "c := make([]byte, 10, n)", errSub: "needs 1.0 TiB"},
		{cell: "ok := make([]int, 100000, 1<<17); len(ok) + cap(ok)", out: "231072"},
		{cell: "var u8 uint8 = 200; len(make([]int, u8))", out: "200"},
		{cell: "nn.Zeros(1<<62, 4)", errSub: "more elements than an int holds"},
		{cell: "nn.Zeros(1<<20, 1<<20, 1<<10)", errSub: "more than this machine can give"},
		// Display.
		{cell: "t := &nn.Tensor{}", out: ""},
		{cell: "t", out: "Tensor(shape=[], float32) <invalid: 0 values for 1 elements; make tensors with nn.NewTensor or nn.Zeros>"},
		{cell: "se := &nn.Session{}", out: ""},
		{cell: "se", out: "Session(no graph: make sessions with nn.NewSession)"},
		{cell: `type B struct{}; func (B) String() string { var m map[string]int; m["a"] = 1; return "" }`, out: ""},
		{cell: "var st fmt.Stringer = B{}", out: ""},
		{cell: "st", out: "<a value of type fmt.Stringer cannot be shown: its formatting panicked: assignment to entry in nil map>"},
		{cell: "keep + 1", out: "42"},
	})
	if d := s.Describe("st"); !strings.Contains(d, "cannot be shown") {
		t.Errorf("Describe(st) = %q", d)
	}
}

// TestCallbackPanicReported: a panic in a func that time.AfterFunc or
// context.AfterFunc runs on its own goroutine is reported on stderr.
func TestCallbackPanicReported(t *testing.T) {
	s, _, errb := newSession(t)
	runSteps(t, s, []step{
		{cell: "keep := 7", out: ""},
		{cell: `import ("time"; "context")`, out: ""},
		{cell: `_ = time.AfterFunc(time.Millisecond, func() { panic("boom") })`, out: ""},
		{cell: `ctx, cancel := context.WithCancel(context.Background()); _ = context.AfterFunc(ctx, func() { panic("bang") }); cancel()`, out: ""},
	})
	deadline := time.Now().Add(10 * time.Second)
	for !(strings.Contains(errb.String(), "panic in a time.AfterFunc callback: boom") &&
		strings.Contains(errb.String(), "panic in a context.AfterFunc callback: bang")) {
		if time.Now().After(deadline) {
			t.Fatalf("stderr %q lacks the reports", errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	runSteps(t, s, []step{{cell: "keep", out: "7"}})
}

// TestDepthPerGoroutine: depth is per goroutine: 100 goroutines blocked
// inside interpreted calls do not make a shallow call elsewhere fail.
func TestDepthPerGoroutine(t *testing.T) {
	s, _, _ := newSession(t)
	s.guard.limit, s.guard.sample = 300, 1
	runSteps(t, s, []step{
		{cell: "ch := make(chan int)", out: ""},
		{cell: "func wait() { <-ch }", out: ""},
		{cell: "for i := 0; i < 100; i++ { go wait() }", out: ""},
		{cell: "import \"time\"; time.Sleep(50 * time.Millisecond)", out: ""},
		{cell: "func one() int { return 1 }", out: ""},
		{cell: "one()", out: "1"},
		{cell: "func deep(n int) int { if n == 0 { return 0 }; return deep(n-1) }", out: ""},
		{cell: "deep(2000)", errSub: "deep: calls nested"},
		{cell: "close(ch)", out: ""},
	})
}

// BenchmarkGuardCost measures the cost per call of the depth count: the
// same function compiled with the guard (through a cell) and without
// (straight into yaegi).
func BenchmarkGuardCost(b *testing.B) {
	s, err := New(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Eval(context.Background(), "func id(n int) int { return n }"); err != nil {
		b.Fatal(err)
	}
	if _, err := s.in.Eval("func rawID(n int) int { return n }"); err != nil {
		b.Fatal(err)
	}
	s.syms["rawID"] = s.syms["id"]
	id := s.chk.objs["id"] // rawID has its signature, for the check
	s.chk.objs["rawID"] = types.NewFunc(token.NoPos, id.Pkg(), "rawID", id.Type().(*types.Signature))
	for _, f := range []string{"id", "rawID"} {
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Eval(context.Background(), "for i := 0; i < 1000; i++ { "+f+"(i) }"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/call")
		})
	}
}

// TestDepthBackgroundGoroutine: a goroutine of the user's that recurses
// without end is stopped and reported without stopping the cell, and later
// cells still fail cleanly on deep recursion.
func TestDepthBackgroundGoroutine(t *testing.T) {
	s, _, errb := newSession(t)
	s.guard.limit, s.guard.sample = 300, 1
	runSteps(t, s, []step{
		{cell: "keep := 5", out: ""},
		{cell: "go func() { var k func(int) int; k = func(n int) int { return k(n+1) }; k(0) }()", out: ""},
		{cell: "import \"time\"; time.Sleep(200*time.Millisecond); keep", out: "5"},
	})
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errb.String(), "a goroutine was stopped for good: func literal in main: calls nested") {
		if time.Now().After(deadline) {
			t.Fatalf("stderr %q lacks the report", errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	runSteps(t, s, []step{
		{cell: "func f(n int) int { return f(n+1) }", out: ""},
		{cell: "f(1)", errSub: "f: calls nested"},
		{cell: "keep", out: "5"},
	})
}

// TestDepthStopSlow: a recursion that nests past the limit again after its
// cell was stopped, before yaegi unwound it (seen under Wine, where the
// stop can lag), is not parked: the cell's goroutine unwinds and the next
// cell runs.
func TestDepthStopSlow(t *testing.T) {
	s, _, errb := newSession(t)
	s.guard.limit, s.guard.sample = 300, 1
	var once sync.Once
	s.guard.beforeCancel = func() {
		once.Do(func() {
			// What an earlier call of enter did, then the cell ending,
			// all before this call of enter looks for the cancel.
			g := s.guard
			g.mu.Lock()
			g.failure = errors.New("f: calls nested too deep (stopped by the test)")
			cancel := g.cancel
			g.mu.Unlock()
			cancel()
			for {
				g.mu.Lock()
				ended := g.cancel == nil
				g.mu.Unlock()
				if ended {
					return
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
	runSteps(t, s, []step{
		{cell: "keep := 5", out: ""},
		{cell: "func f(n int) int { return f(n+1) }", out: ""},
		{cell: "f(1)", errSub: "stopped by the test"},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if out, err := s.Eval(ctx, "keep"); out != "5" || err != nil {
		t.Fatalf("the cell after the stopped recursion: %q, %v (stderr %q)", out, err, errb.String())
	}
	if strings.Contains(errb.String(), "stopped for good") {
		t.Errorf("the cell's own goroutine was parked: stderr %q", errb.String())
	}
}

// TestManyCells: a session goes on past a thousand cells (at cell 1074
// every cell failed: its line numbers passed what Go's scanner takes), and
// messages still name the cell and line of earlier code.
func TestManyCells(t *testing.T) {
	s, _, _ := newSession(t)
	ctx := context.Background()
	for i := range 1100 {
		if _, err := s.Eval(ctx, "x := 1"); err != nil {
			t.Fatalf("cell %d: %v", i+1, err)
		}
	}
	runSteps(t, s, []step{
		{cell: "func bad(xs []int) int {\n\treturn xs[3]\n}"},
		{cell: "y := x + 1"},
		{cell: "bad(nil)", errSub: "(in bad, cell 1101, line 1)"},
		{cell: "y := nosuch", errSub: "line 1:6: undefined: nosuch"},
		{cell: "y", out: "2"},
	})
}
