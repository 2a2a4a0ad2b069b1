package runtime

import (
	"context"
	"strings"
	"testing"
)

// TestBoundsMessage: an index or a slice out of range is said as Go says
// it, with the numbers, when its operands are globals; the local of a loop
// or a block is not guessed from a global of the same name.
func TestBoundsMessage(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "a := []int{1, 2, 3}\ni := 5\nvar arr [2]int\nstr := \"abc\""},
		{cell: "x := a[i]", errSub: "line 1: panic: runtime error: index out of range [5] with length 3"},
		{cell: "y := 1\n_ = a[len(a)+y-1]", errSub: "line 2: panic: runtime error: index out of range [3] with length 3"},
		{cell: "arr[i] = 1", errSub: "line 1: panic: runtime error: index out of range [5] with length 2"},
		{cell: "_ = str[i]", errSub: "line 1: panic: runtime error: index out of range [5] with length 3"},
		{cell: "j := -1; _ = a[j]", errSub: "line 1: panic: runtime error: index out of range [-1]"},
		{cell: "_ = a[1:i]", errSub: "line 1: panic: runtime error: slice bounds out of range [:5] with capacity 3"},
		{cell: "_ = a[i:]", errSub: "line 1: panic: runtime error: slice bounds out of range [5:3]"},
		{cell: "_ = str[:i]", errSub: "line 1: panic: runtime error: slice bounds out of range [:5] with length 3"},
		// i is the loop's own here (9, then 0..), not the global 5
		{cell: "if i := 9; a[i] > 0 {\n}", errSub: "line 1: panic: runtime error: index out of range"},
		{cell: "for i := 0; i <= 3; i++ {\n\t_ = a[i]\n}", errSub: "line 1: panic: runtime error: index out of range"},
		{cell: "i", out: "5"},
	})
	for _, cell := range []string{"if i := 9; a[i] > 0 {\n}", "for i := 0; i <= 3; i++ {\n\t_ = a[i]\n}"} {
		if _, err := s.Eval(context.Background(), cell); err == nil || strings.Contains(err.Error(), "[5]") {
			t.Errorf("%q: %v, want no number of the global i", cell, err)
		}
	}
}
