package runtime

import (
	"context"
	"reflect"
	"testing"

	"github.com/nnlab/nnlab/nn"
)

// With Options.Display set, display(v...) hands the value and its text to
// it instead of writing to Stdout; a user type's text comes from its
// String method.
func TestOptionsDisplay(t *testing.T) {
	type shown struct {
		v    any
		text string
	}
	var got []shown
	out := &syncBuf{}
	s, err := New(Options{Stdout: out, Stderr: &syncBuf{}, Display: func(v any, text string) { got = append(got, shown{v, text}) }})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		cell string
		v    any // nil: not compared
		text string
	}{
		{"display(42)", 42, "42"},
		{"display(1, \"two\")", []any{1, "two"}, `(1, "two")`},
		{"type celsius float64\nfunc (c celsius) String() string { return fmt.Sprintf(\"%.1f°C\", float64(c)) }\ndisplay(celsius(21.5))", nil, "21.5°C"},
		{"display(nn.Zeros(28, 28))", nil, ""},
	}
	for _, tt := range tests {
		got = nil
		if _, err := s.Eval(context.Background(), tt.cell); err != nil {
			t.Fatalf("%q: %v", tt.cell, err)
		}
		if len(got) != 1 {
			t.Fatalf("%q: Display called %d times, want 1", tt.cell, len(got))
		}
		if tt.v != nil && !reflect.DeepEqual(got[0].v, tt.v) {
			t.Errorf("%q: value %#v, want %#v", tt.cell, got[0].v, tt.v)
		}
		if tt.text != "" && got[0].text != tt.text {
			t.Errorf("%q: text %q, want %q", tt.cell, got[0].text, tt.text)
		}
	}
	if _, ok := got[0].v.(*nn.Tensor); !ok {
		t.Errorf("display(tensor) gave %T, want *nn.Tensor", got[0].v)
	}
	if out.String() != "" {
		t.Errorf("display wrote %q to Stdout", out.String())
	}
	// A cell's final bare expression is still the cell's result, not a display.
	got = nil
	if r, err := s.Eval(context.Background(), "40 + 2"); err != nil || r != "42" || len(got) != 0 {
		t.Errorf("bare expression: %q, %v, %d displays", r, err, len(got))
	}
}
