package runtime

import (
	"context"
	"testing"
	"time"
)

// TestDeferEvaluatesOperands: inside a function, yaegi read a deferred
// call's arguments, receiver and function when the function returned,
// not at the defer: defer fmt.Println(x) before x = 2 printed 2, a
// deferred call in a loop saw the last turn's values, and defer p.Show()
// saw p's later change. Method values (f := p.Sum) read the receiver
// late too. Go evaluates all of them where they are written.
func TestDeferEvaluatesOperands(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "type P struct{ N int }\nfunc (p P) Show() { fmt.Println(\"show\", p.N) }\nfunc (p *P) Ptr() { fmt.Println(\"ptr\", p.N) }\nfunc (p P) Sum(d int) int { return p.N + d }"},
		{cell: "func args() { x := 1; defer fmt.Println(\"x\", x); x = 2 }\nargs()"},
		{cell: "func loop() { for i := 0; i < 3; i++ { defer fmt.Println(\"i\", i*10) } }\nloop()"},
		{cell: "func lit() { x := 1; defer func(n int) { fmt.Println(\"lit\", n) }(x); x = 2 }\nlit()"},
		{cell: "func recv() { p := P{1}; defer p.Show(); p.N = 2 }\nrecv()"},
		{cell: "func ptrs() { for i := 0; i < 2; i++ { q := &P{i}; defer q.Ptr() } }\nptrs()"},
		{cell: "func addr() { p := P{1}; defer p.Ptr(); p.N = 2 }\naddr()"},
		{cell: "func typed() { defer func(b byte, e error) { fmt.Println(\"typed\", b, e == nil) }(200, nil) }\ntyped()"},
		{cell: "func named() (n int) { defer func(d int) { n += d }(10); return 1 }\nnamed()", out: "11"},
		{cell: "p := P{1}\nsum := p.Sum\np.N = 100\nsum(1)", out: "2"},
		// A func literal without arguments deferred in a loop: yaegi made
		// the closure when the function returned, so each saw the last turn.
		{cell: "func lits() { for i := 0; i < 3; i++ { j := i * 2; defer func() { fmt.Println(\"lits\", i, j) }() } }\nlits()"},
		{cell: "func guarded() (err error) {\n\tdefer func() { if r := recover(); r != nil { err = fmt.Errorf(\"recovered %v\", r) } }()\n\tfor _, s := range []string{\"a\", \"b\"} { defer func() { fmt.Println(\"undo\", s) }() }\n\tpanic(\"boom\")\n}\nfmt.Println(guarded())"},
	})
	want := "x 1\ni 20\ni 10\ni 0\nlit 1\nshow 1\nptr 1\nptr 0\nptr 2\ntyped 200 true\n" +
		"lits 2 4\nlits 1 2\nlits 0 0\nundo b\nundo a\nrecovered boom\n"
	if got := out.String(); got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

// TestDeferCallsClosure: a deferred call that called a closure made in
// the same function (cleanup := func() {...}; defer cleanup(), or from a
// deferred func literal) never returned under yaegi, which locks the
// function's frame while its deferred calls run and the closure locks it
// again. The cell now finishes.
func TestDeferCallsClosure(t *testing.T) {
	s, out, _ := newSession(t)
	for _, cell := range []string{
		"func a() { cleanup := func() { fmt.Println(\"a cleaned\") }; defer cleanup() }\na()",
		"func b() { cleanup := func() { fmt.Println(\"b cleaned\") }; defer func() { cleanup() }() }\nb()",
		"func fnvar() { f := func() { fmt.Println(\"first\") }; defer f(); f = func() { fmt.Println(\"second\") } }\nfnvar()",
		"func c() (err error) { closeIt := func() error { return fmt.Errorf(\"closed\") }; defer func() { err = closeIt() }(); return nil }\nfmt.Println(c())",
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, err := s.Eval(ctx, cell)
		cancel()
		if err != nil {
			t.Fatalf("%q: %v", cell, err)
		}
	}
	if got, want := out.String(), "a cleaned\nb cleaned\nfirst\nclosed\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}
