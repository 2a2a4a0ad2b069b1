package nn

import (
	"strings"
	"testing"
)

// TestMessagesReadWell checks the wording of messages a learner meets:
// operator symbols, plurals, unnamed variables.
func TestMessagesReadWell(t *testing.T) {
	ResetDefaultGraph()
	x := Placeholder(None, 256)
	b := Variable(Constant(0.1, []int{128}))
	expectErrors(t, []errCase{
		{"add", func() { Add(x, b) }, "add: [?,256] + [128]: shapes do not broadcast"},
		{"sub", func() { Sub(x, b) }, "sub: [?,256] - [128]"},
		{"mul", func() { Mul(x, b) }, "mul: [?,256] * [128]"},
		{"div", func() { Div(x, b) }, "div: [?,256] / [128]"},
		{"equal", func() { Equal(x, b) }, "equal: [?,256] == [128]"},
		{"unnamed variable", func() { NewSession().Run(b, nil) }, `an unnamed variable of shape [128] ("variable"; name it with .Named) is not initialised`},
		{"named variable", func() { NewSession().Run(Variable(Constant(0, []int{2})).Named("w1"), nil) }, `variable "w1" is not initialised`},
	})
	s := NewSession()
	if got := s.String(); !strings.Contains(got, "variables initialised") || !strings.Contains(got, "0 training steps") {
		t.Errorf("Session.String = %q", got)
	}
	for n, want := range map[int]string{0: "0 training steps", 1: "1 training step", 2: "2 training steps"} {
		if got := plural(n, "training step"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
}
