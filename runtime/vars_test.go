package runtime

import (
	"context"
	"testing"
)

func TestTypeOfAndDescribe(t *testing.T) {
	s, _, _ := newSession(t)
	for _, c := range []string{
		"nn.ResetDefaultGraph()", "x := 3", "t := nn.Zeros(2, 3)", "one := nn.Scalar(0.5)", "type P struct{}",
		"func sq(a int) int { return a * a }", "X := nn.Placeholder(nn.None, 784)",
		"var e error", "l := []int{1, 2}", `import "strings"`, `long := strings.Repeat("ab", 50)`,
	} {
		if _, err := s.Eval(context.Background(), c); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
	for _, tc := range []struct{ name, typ, desc string }{
		{"x", "int", "3"},
		{"t", "*nn.Tensor", "shape [2,3]"},
		{"one", "*nn.Tensor", "0.5"},
		{"P", "type", ""},
		{"sq", "func(int) int", ""},
		{"X", "*nn.Node", `Tensor("placeholder", shape=[?,784], float32)`},
		{"l", "[]int", "len 2"},
	} {
		typ, ok := s.TypeOf(tc.name)
		if !ok || typ != tc.typ {
			t.Errorf("TypeOf(%s) = %q, %v; want %q", tc.name, typ, ok, tc.typ)
		}
		if d := s.Describe(tc.name); d != tc.desc {
			t.Errorf("Describe(%s) = %q, want %q", tc.name, d, tc.desc)
		}
	}
	if d := []rune(s.Describe("long")); len(d) != 60 {
		t.Errorf("a long value is described in %d characters, want 60", len(d))
	}
	if _, ok := s.TypeOf("fmt"); ok {
		t.Error("TypeOf answers for a name the user did not define")
	}
}
