package runtime

import (
	"context"
	"testing"
)

func TestAnsValue(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, ok := s.Ans(); ok {
		t.Error("ans holds something before any display")
	}
	s.Eval(ctx, "x := 41")
	s.Eval(ctx, "x + 1")
	if v, ok := s.Ans(); !ok || v != 42 {
		t.Errorf("Ans() = %v, %v; want 42", v, ok)
	}
	s.Eval(ctx, "ans := 7") // the user's own ans
	if v, ok := s.Ans(); ok {
		t.Errorf("Ans() = %v with ans redeclared as an int", v)
	}
}
