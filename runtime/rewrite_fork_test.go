package runtime

import "testing"

// A := that gives an existing name a new type sees the old variable on its
// right side and in the statements before it, as Go's scoping says; yaegi
// would see the new, zero one.
func TestForkSeesOldValue(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: `x := 1`},
		{cell: `x := float64(x) / 2`},
		{cell: `x`, out: "0.5"},
		{cell: `s := "ab"`},
		{cell: `s := len(s)`},
		{cell: `s`, out: "2"},
		{cell: `y := 1`},
		{cell: `z := y; y := "s"`},
		{cell: `y, z`, out: `("s", 1)`},
		{cell: `a, b := 1, 2`},
		{cell: `a, b := float64(a)+float64(b), b`},
		{cell: `a, b`, out: "(3, 2)"},
		{cell: `f := func() int { return 7 }`},
		{cell: `f := f() * 2`},
		{cell: `f`, out: "14"},
		{cell: `q := []int{1, 2}`},
		{cell: `q := map[int]bool{}; for _, v := range []int{3} { q[v] = true }; n := len(q)`},
		{cell: `n`, out: "1"},
	})
}
