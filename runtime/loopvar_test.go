package runtime

import "testing"

// TestGo122Loops: loop variables are per iteration and range over any
// integer type works, in cells and inside functions, as in Go 1.22.
func TestGo122Loops(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"closures see their iteration", []step{
			{cell: "var fs []func() int", out: ""},
			{cell: "for i := 0; i < 3; i++ { fs = append(fs, func() int { return i }) }", out: ""},
			{cell: "fs[0]() + 10*fs[1]() + 100*fs[2]()", out: "210"},
		}},
		{"range values", []step{
			{cell: "var gs []func() string", out: ""},
			{cell: `for _, v := range []string{"a", "b"} { gs = append(gs, func() string { return v }) }`, out: ""},
			{cell: "gs[0]() + gs[1]()", out: `"ab"`},
		}},
		{"addresses", []step{
			{cell: "var ps []*int", out: ""},
			{cell: "for i := 0; i < 2; i++ { ps = append(ps, &i) }", out: ""},
			{cell: "*ps[0]*10 + *ps[1]", out: "1"},
		}},
		{"a body that changes its counter still steps it", []step{
			{cell: "var seen []int", out: ""},
			{cell: "for i := 0; i < 6; i++ { i++; defer func() {}(); seen = append(seen, i) }", out: ""},
			{cell: "seen", out: "[1 3 5]"},
		}},
		{"inside a function", []step{
			{cell: "func mk() []func() int { var r []func() int; for i := range 3 { r = append(r, func() int { return i }) }; return r }", out: ""},
			{cell: "h := mk(); h[0]() + 10*h[1]() + 100*h[2]()", out: "210"},
		}},
		{"range over other integer types", []step{
			{cell: "var sum int64", out: ""},
			{cell: "for i := range int64(4) { sum += i }", out: ""},
			{cell: "sum", out: "6"},
			{cell: "var u8 uint8 = 3", out: ""},
			{cell: "var last uint8; for i := range u8 { last = i }; last", out: "2"},
		}},
		{"an existing counter keeps the last value", []step{
			{cell: "k := 7", out: ""},
			{cell: "for k = range 3 {}", out: ""},
			{cell: "k", out: "2"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := newSession(t)
			runSteps(t, s, tc.steps)
		})
	}
}
