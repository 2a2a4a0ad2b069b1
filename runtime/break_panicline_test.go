package runtime

import (
	"context"
	"strings"
	"testing"
)

// TestPanicLineInMultiStatementCell: yaegi gives a panic among several
// top-level statements the line of the first one; the message must name
// the statement that failed.
func TestPanicLineInMultiStatementCell(t *testing.T) {
	s, err := New(Options{Stdout: &syncBuf{}, Stderr: &syncBuf{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		src, want string
		a         string // a afterwards: the statements before the failure ran
	}{
		{"a := 1\nb := 2\nvar m map[int]int\nm[1] = 2", "line 4: panic: assignment to entry in nil map", "1"},
		// the same names again: the var becomes an assignment, and the
		// cell one chunk of statements
		{"a := 1\nb := 2\nvar m map[int]int\nm[1] = 2", "line 4: panic: assignment to entry in nil map", "1"},
		{"a = 1\n\nfmt.Sprint(1); m[a] = 2", "line 3: panic: assignment to entry in nil map", "1"},
		{"a = 1\nfor i := 0; i < 2; i++ {\n\ta++\n\tm[1] = 2\n}", "line 2: panic: assignment to entry in nil map", "2"},
		{"a = 5\nxs := []int{1}\n_ = xs[a]", "line 3: panic: runtime error: index out of range [5] with length 1", "5"},
	} {
		_, err := s.Eval(context.Background(), tc.src)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.src, err, tc.want)
		}
		if v, err := s.Eval(context.Background(), "a"); err != nil || v != tc.a {
			t.Errorf("after %q: a = %q, %v", tc.src, v, err)
		}
	}
}
