package runtime

import (
	"context"
	"testing"
	"time"
)

// TestSelectCaseBranch: a branch that ends a select's case went to the
// end of the select under yaegi, whatever its label said: "case <-done:
// break loop" only left the select, so the loop never ended, and
// "continue loop" ran the rest of the loop's body. Each cell here would
// hang or count wrong without the rewrite; the deadline turns a hang into
// a failure.
func TestSelectCaseBranch(t *testing.T) {
	s, _, _ := newSession(t)
	for _, st := range []step{
		{cell: "func drain() int {\n\tch := make(chan int, 1)\n\tn := 0\nloop:\n\tfor {\n\t\tselect {\n\t\tcase <-ch:\n\t\t\tbreak loop\n\t\tdefault:\n\t\t\tn++\n\t\t\tif n == 3 { ch <- 1 }\n\t\t}\n\t\tif n > 100 { return -1 }\n\t}\n\treturn n\n}\ndrain()", out: "3"},
		{cell: "func skip() int {\n\tch := make(chan int, 1)\n\tn, m := 0, 0\nloop:\n\tfor n < 6 {\n\t\tn++\n\t\tif n%2 == 0 { ch <- 1 }\n\t\tselect {\n\t\tcase <-ch:\n\t\t\tcontinue loop\n\t\tdefault:\n\t\t}\n\t\tm++\n\t}\n\treturn m\n}\nskip()", out: "3"},
		{cell: "func plain() int {\n\tch := make(chan int, 4)\n\tfor i := range 4 { ch <- i }\n\tm := 0\n\tfor i := 0; i < 4; i++ {\n\t\tselect {\n\t\tcase v := <-ch:\n\t\t\tif v == 2 { m += 10 }\n\t\t\tcontinue\n\t\t}\n\t\tm++\n\t}\n\treturn m\n}\nplain()", out: "10"},
		// the cell's own loop, beside a declaration
		{cell: "import \"time\"\nticks := make(chan int, 3)\nfor i := range 3 { ticks <- i }\ngot := 0\nwait:\nfor {\n\tselect {\n\tcase v := <-ticks:\n\t\tgot += v\n\t\tif v == 2 { break wait }\n\t\tcontinue wait\n\tcase <-time.After(time.Second):\n\t\tbreak wait\n\t}\n\tgot = -100\n}\ngot", out: "3"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		out, err := s.Eval(ctx, st.cell)
		cancel()
		if err != nil {
			t.Fatalf("%q: %v", st.cell, err)
		}
		if out != st.out {
			t.Errorf("%q = %q, want %q", st.cell, out, st.out)
		}
	}
}

// A returned receive (return <-ch) gives the value received, in every form
// of function (yaegi v0.16.1 panicked on it: see parenReceive).
func TestReturnReceive(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: `ch := make(chan int, 2)`},
		{cell: `func recv() int { return <-ch }`},
		{cell: `lit := func() int { return <-ch }; two := func() (int, int) { return <-ch, <-ch }; boxed := func() any { return <-ch }`},
		{cell: `ch <- 3; recv()`, out: "3"},
		{cell: `ch <- 4; lit()`, out: "4"},
		{cell: `ch <- 5; ch <- 6; two()`, out: "(5, 6)"},
		{cell: `ch <- 7; boxed()`, out: "7"},
		{cell: `cc := make(chan chan int, 1); cc <- ch; ch <- 8; func() int { return <-<-cc }()`, out: "8"},
	})
}
