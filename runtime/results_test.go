package runtime

import "testing"

// TestNamedResultsStartZero: yaegi kept a call site's named results from
// one call to the next, so in a loop a result the function did not assign
// (a bare return, or a panic turned into a return by its deferred
// recover) was the previous call's value.
func TestNamedResultsStartZero(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "func h(x int) (out []int) { if x > 0 { out = append(out, x) }; return }\nvar got [][]int\nfor _, x := range []int{3, 0, 4} { got = append(got, h(x)) }\ngot", out: "[[3] [] [4]]"},
		{cell: "func eval(s string) (v int, err error) {\n\tdefer func() { if r := recover(); r != nil { err = fmt.Errorf(\"bad %q\", s) } }()\n\tif s == \"x\" { panic(s) }\n\treturn len(s), nil\n}\nvar vs []int\nfor _, s := range []string{\"abc\", \"x\"} { v, _ := eval(s); vs = append(vs, v) }\nvs", out: "[3 0]"},
		{cell: "func pick[T any](ok bool, v T) (out T, found bool) { if ok { out, found = v, true }; return }\nvar fs []bool\nfor _, b := range []bool{true, false} { _, f := pick(b, \"s\"); fs = append(fs, f) }\nfs", out: "[true false]"},
		{cell: "lit := func(x int) (r int) { if x > 0 { r = x }; return }\nvar rs []int\nfor _, x := range []int{5, -1} { rs = append(rs, lit(x)) }\nrs", out: "[5 0]"},
	})
}
