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

// TestParallelAssignWithCalls: yaegi assigns only the values that are
// calls in a, b = f(), 5 (b kept its old value, a swap after it lost a
// value, new(int) among the values panicked), and the top of a cell makes
// a, b := f(), 5 such an assignment. Each gives Go's values: at the top,
// in a function, a loop, a case and a select, with names, blanks, index,
// field and pointer targets, builtins, conversions and receives.
func TestParallelAssignWithCalls(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "func two() int { return 2 }\ntype T struct{ x, y int }"},
		{cell: "a, b := two(), 5\nfmt.Println(a, b)"},
		{cell: "c, d := 5, two()\nfmt.Println(c, d)"},
		{cell: "a, b = 7, two()\nfmt.Println(a, b)"},
		{cell: "a, b = b, a\nfmt.Println(a, b)"},
		{cell: "func f() { var x, y int; x, y = two(), 5; x, y = y, x; fmt.Println(x, y) }\nf()"},
		{cell: "var e int; var g float64\ne, g = len(\"abc\"), 5\nfmt.Println(e, g)"},
		{cell: "_, g = two(), 6\nfmt.Println(g)"},
		{cell: "s := []int{0, 0}; var p T; q := new(int)\ns[0], s[1] = two(), 5\np.x, p.y = two(), 5\n*q, e = 8, float64(two()) > 1 && true == true\nfmt.Println(s, p, *q, e)", errSub: "cannot use"},
		{cell: "s := []int{0, 0}; var p T; q := new(int)\ns[0], s[1] = two(), 5\np.x, p.y = two(), 5\n*q, e = 8, int(float64(two()))\nfmt.Println(s, p, *q, e)"},
		{cell: "for i := 0; i < 2; i++ { var u, v int; u, v = two(), i; fmt.Println(u, v) }"},
		{cell: "switch { case true: a, b = two(), 9 }\nfmt.Println(a, b)"},
		{cell: "ch := make(chan int, 1); ch <- 4\nselect { default: a, b = <-ch, 10 }\nfmt.Println(a, b)"},
		{cell: "var m, n *int; k := 3\nm, n = new(int), &k\nfmt.Println(*m, *n)"},
		{cell: "a, b = nosuch(), 1", errSub: "undefined: nosuch"},
		{cell: "fmt.Println(a, b)"},
	})
	want := "2 5\n5 2\n7 2\n2 7\n5 2\n3 5\n6\n[2 5] {2 5} 8 2\n2 0\n2 1\n2 9\n4 10\n0 3\n4 10\n"
	if got := out.String(); got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}
