package runtime

import (
	"context"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn"
)

func TestValueAndSetAns(t *testing.T) {
	s, _, _ := newSession(t)
	ctx := context.Background()
	for _, src := range []string{`x := nn.Zeros(2)`, `const k = 3`, `func f(a int) int { return a + 1 }`, `type T int`} {
		if _, err := s.Eval(ctx, src); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
	}
	if v, ok := s.Value("x"); !ok || v.(*nn.Tensor).Len() != 2 {
		t.Errorf("Value(x) = %v, %v; want the [2] tensor", v, ok)
	}
	if v, ok := s.Value("f"); !ok || v.(func(int) int)(1) != 2 {
		t.Errorf("Value(f) = %v, %v; want the func", v, ok)
	}
	for _, name := range []string{"T", "nope", "ans", "fmt"} {
		if v, ok := s.Value(name); ok {
			t.Errorf("Value(%s) = %v, want not found", name, v)
		}
	}

	img := nn.Zeros(784)
	if err := s.SetAns(img); err != nil {
		t.Fatal(err)
	}
	if out, err := s.Eval(ctx, `ans.(*nn.Tensor).Shape()`); err != nil || out != "[784]" {
		t.Errorf("ans after SetAns: %q, %v", out, err)
	}
	// A user's ans of another type is left alone, with an error.
	if _, err := s.Eval(ctx, `var ans int = 5`); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAns(img); err == nil || !strings.Contains(err.Error(), "cannot hold") {
		t.Errorf("SetAns into an int ans: %v", err)
	}
	if out, _ := s.Eval(ctx, `ans + 1`); out != "6" {
		t.Errorf("ans + 1 = %q after a refused SetAns, want 6", out)
	}
}
