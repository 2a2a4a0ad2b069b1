package runtime

import "testing"

// TestIfaceValueCopies: yaegi's wrapper of a value of the user's type in
// an error or a fmt.Stringer read the receiver from the variable that
// gave it, at each call: errors appended in a loop all said the last one,
// and changing the variable after var err error = e changed err. Each
// place a value goes into such an interface (an argument, append, a
// composite literal, a send, an assignment, a conversion, a return)
// converts a copy.
func TestIfaceValueCopies(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "type E struct{ Key string; Code int }\nfunc (e E) Error() string { return fmt.Sprintf(\"E(%s,%d)\", e.Key, e.Code) }\ntype P struct{ Code int }\nfunc (p *P) Error() string { return fmt.Sprint(\"P\", p.Code) }\ntype S struct{ N int }\nfunc (s S) String() string { return fmt.Sprint(\"S\", s.N) }"},
		{cell: "var errs []error\nfor i := 0; i < 3; i++ { errs = append(errs, E{\"a\", i}) }\nfmt.Println(errs)"},
		{cell: "func ptrs() []error { var out []error; for i := 0; i < 3; i++ { out = append(out, &P{i}) }; return out }\nfmt.Println(ptrs())"},
		{cell: "func strs() []fmt.Stringer { var out []fmt.Stringer; for i := 0; i < 3; i++ { out = append(out, S{i}) }; return out }\nfmt.Println(strs())"},
		{cell: "func lits() (out []error) { for i := 0; i < 2; i++ { e := E{\"l\", i}; out = append(out, []error{e}...) }; return }\nfmt.Println(lits())"},
		{cell: "ch := make(chan error, 2)\nfor i := 0; i < 2; i++ { ch <- E{\"c\", i} }\nfmt.Println(<-ch, <-ch)"},
		{cell: "func each(f func(error)) { for i := 0; i < 2; i++ { f(E{\"f\", i}) } }\neach(func(e error) { fmt.Print(e, \" \") })\nfmt.Println()"},
		{cell: "e := E{\"v\", 1}\nvar err error = e\nconv := error(e)\ne.Code = 2\nfmt.Println(err, conv, e)"},
	})
	want := "[E(a,0) E(a,1) E(a,2)]\n[P0 P1 P2]\n[S0 S1 S2]\n[E(l,0) E(l,1)]\nE(c,0) E(c,1)\nE(f,0) E(f,1) \nE(v,1) E(v,1) E(v,2)\n"
	if got := out.String(); got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

// TestErrorValueAssert: an error of the user's struct type (a value
// receiver) asserted back to its type was false wherever yaegi had
// wrapped it (returned by a function, stored in an error): its wrapper
// held the struct's last field in place of the struct. Assertions,
// type switches and errors.As, directly and through fmt.Errorf's %w,
// now find it.
func TestErrorValueAssert(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "import \"errors\"\ntype NotFound struct{ Key string; Code int }\nfunc (e NotFound) Error() string { return \"not found: \" + e.Key }\nfunc find(k string) error { return NotFound{k, 404} }"},
		{cell: "err := find(\"a\")\nnf, ok := err.(NotFound)\nfmt.Println(nf.Key, nf.Code, ok)"},
		{cell: "var e2 error = NotFound{\"b\", 1}\nfmt.Println(e2.(NotFound).Key)"},
		{cell: "switch x := err.(type) { case NotFound: fmt.Println(\"case\", x.Code); default: fmt.Println(\"default\") }"},
		{cell: "var target NotFound\nfmt.Println(errors.As(err, &target), target.Key)"},
		{cell: "w := fmt.Errorf(\"lookup: %w\", NotFound{\"c\", 2})\nfmt.Println(w, errors.As(w, &target), target.Key)"},
		{cell: "func code(err error) int { if nf, ok := err.(NotFound); ok { return nf.Code }; return -1 }\nfmt.Println(code(find(\"d\")), code(errors.New(\"x\")))"},
	})
	want := "a 404 true\nb\ncase 404\ntrue a\nlookup: not found: c true c\n404 -1\n"
	if got := out.String(); got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}
