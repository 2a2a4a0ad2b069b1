package runtime

import "testing"

// TestMethodExprValues: a method expression kept as a value (area :=
// Rect.Area, a slice of them, one of a pointer receiver, one with a
// variadic method) could not be stored by yaegi; each now behaves as Go's.
// Called at once (Rect.Area(r)) it is left to yaegi, which runs it.
func TestMethodExprValues(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "type Rect struct{ W, H float64 }\nfunc (r Rect) Area() float64 { return r.W * r.H }\nfunc (r *Rect) Scale(k float64, more ...float64) { r.W *= k; for _, m := range more { r.W *= m } }"},
		{cell: "area := Rect.Area\nfmt.Println(area(Rect{3, 3}), Rect.Area(Rect{2, 2}))"},
		{cell: "f := (*Rect).Area\nsc := (*Rect).Scale\nr := &Rect{1, 5}\nsc(r, 2, 3)\nfmt.Println(f(r))"},
		{cell: "fns := []func(Rect) float64{Rect.Area}\nfmt.Println(fns[0](Rect{4, 4}))"},
		{cell: "func apply(g func(Rect) float64) float64 { return g(Rect{1, 2}) }\nfmt.Println(apply(Rect.Area))"},
	})
	if got, want := out.String(), "9 4\n30\n16\n2\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

// TestErrorsAs: errors.As with a target of the user's type panicked in
// yaegi ("*target must be interface or implement error"); it now finds the
// error directly and through fmt.Errorf's %w, and reports false (leaving the target) when the chain has none. Targets of
// compiled types stay with errors.As.
func TestErrorsAs(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "import (\n\t\"errors\"\n\t\"io/fs\"\n\t\"os\"\n)\ntype MyErr struct{ Code int }\nfunc (e *MyErr) Error() string { return \"my\" }\nfunc find(n int) error { if n < 0 { return &MyErr{n} }; return nil }"},
		{cell: "var me *MyErr\nfmt.Println(errors.As(find(-3), &me), me.Code)"},
		{cell: "w := fmt.Errorf(\"ctx: %w\", find(-5))\nfmt.Println(errors.As(w, &me), me.Code)"},
		{cell: "fmt.Println(errors.As(find(1), &me), errors.As(errors.New(\"plain\"), &me), me.Code)"},
		{cell: "var pe *fs.PathError\n_, err := os.Open(\"/nonexistent/nnlab\")\nfmt.Println(errors.As(err, &pe), pe.Op)"},
	})
	if got, want := out.String(), "true -3\ntrue -5\nfalse false -5\ntrue open\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}
