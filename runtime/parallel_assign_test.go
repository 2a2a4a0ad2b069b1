package runtime

import "testing"

// TestParallelAssignToInterfaces: a, b = x, y, a, b := x, y and var a, b
// T = x, y with interface variables, which yaegi assigns wrongly (a value
// became nil, a swap panicked with a reflect message), give Go's values;
// at the top of a cell, in a function, a loop and a case. So does the
// conversion of a value of the user's type to a non-empty interface,
// error(x), on which yaegi panicked.
func TestParallelAssignToInterfaces(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "type T struct{ n int }\nvar x, y any = 1, \"s\""},
		{cell: "x, y = y, x\nfmt.Println(x, y)"},
		{cell: "var a, b any = T{1}, T{2}\na, b = b, a\nfmt.Println(a, b)"},
		{cell: "var c, d any = T{1}, 5\nfmt.Println(c, d)"},
		{cell: "func f() { var c, d any = T{1}, 5; fmt.Println(c, d); c, d = d, c; fmt.Println(c, d) }\nf()"},
		{cell: "var e float64; var g any\ne, g = 1, 2\nfmt.Println(e, g)"},
		{cell: "for i := 0; i < 1; i++ { c, _ = 7, 8; fmt.Println(c) }"},
		{cell: "switch { case true: c, d = 9, 10 }\nfmt.Println(c, d)"},
		{cell: "var h, k error = fmt.Errorf(\"h\"), nil\nfmt.Println(h, k)"},
		{cell: "x, y = nosuch, 1", errSub: "line 1:8: undefined: nosuch"},
		{cell: "x", out: `"s"`},
		// package-level declarations: a cell with a func, a var ( ) group
		{cell: "func g() {}; var m, n any = T{3}, 4\nvar (\n\tp, q error = nil, fmt.Errorf(\"q\")\n)"},
		{cell: "fmt.Println(m, n, p, q)"},
		{cell: "type E struct{ c int }\nfunc (e E) Error() string { return \"e\" }\nfunc (e E) String() string { return \"s\" }\ntype R struct{}\nfunc (*R) Error() string { return \"r\" }"},
		{cell: "st := fmt.Stringer(E{1}); er := error(&R{})\nfmt.Println(st, er)"},
		{cell: "u, v := error(E{1}), any(5)\nfmt.Println(u, v)"},
		{cell: "func h() { u, v := error(E{1}), any(5); fmt.Println(u, v); w, v := any(6), any(7); fmt.Println(w, v) }\nh()"},
		// a value of the user's type put in an error is left to yaegi,
		// whose copies of it would panic (no error here)
		{cell: "func o() { var u, v error = E{1}, E{2}; _, _ = u, v }\no()"},
		{cell: "var a2, b2 error = E{3}, &R{}\n_, _ = a2, b2"},
	})
	want := "s 1\n{2} {1}\n{1} 5\n{1} 5\n5 {1}\n1 2\n7\n9 10\nh <nil>\n{3} 4 <nil> q\ns r\ne 5\ne 5\n6 7\n"
	if got := out.String(); got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}
