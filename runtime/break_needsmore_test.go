package runtime

import "testing"

// TestNeedsMoreUnclosedLiterals: only the literals Go lets span lines keep
// the REPL reading; an unclosed "..." or '...' is a complete (bad) cell, or
// it would swallow every later line.
func TestNeedsMoreUnclosedLiterals(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{"s := `abc", true},
		{"/* note", true},
		{`s := "abc`, false},
		{`r := 'a`, false},
		{"f(\"abc", false}, // however many ) follow, the string cannot close
	} {
		if got := NeedsMore(tc.src); got != tc.want {
			t.Errorf("NeedsMore(%q) = %v, want %v", tc.src, got, tc.want)
		}
	}
}
