package runtime

import "testing"

// TestIfaceAssert: yaegi's assertion of a value of the user's type to a
// non-empty interface answered false (v.(Shape) on an any holding a
// Sq{2}, v.(fmt.Stringer), a case Shape: of a type switch) or panicked
// ("reflect.Set: value of type interface {} is not assignable", in a loop
// over a []any or in a function); each is tried against the user's types
// that implement the interface. Pointer receivers, compiled types (which
// yaegi gets right), a failed single-value assertion, a shadowed type name
// and the order of a type switch's cases keep Go's meaning.
func TestIfaceAssert(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "type Shape interface{ Area() float64 }\ntype Sq struct{ S float64 }\nfunc (q Sq) Area() float64 { return q.S * q.S }\nfunc (q Sq) String() string { return fmt.Sprintf(\"Sq(%v)\", q.S) }\ntype Circ struct{ R float64 }\nfunc (c *Circ) Area() float64 { return 3 * c.R * c.R }"},
		{cell: "var v any = Sq{2}\ns, ok := v.(Shape)\nfmt.Println(ok, s.Area())"},
		{cell: "st, ok := v.(fmt.Stringer)\nfmt.Println(ok, st)"},
		{cell: "_, ok = any(Circ{1}).(Shape)\nfmt.Println(\"Circ value\", ok)"},
		{cell: "n := 0.0\nfor _, it := range []any{Sq{1}, &Circ{2}, 5, \"x\", nil} { if sh, ok := it.(Shape); ok { n += sh.Area() } }\nn", out: "13"},
		{cell: "func area(x any) float64 { if sh, ok := x.(Shape); ok { return sh.Area() }; return -1 }\nfmt.Println(area(v), area(7))"},
		{cell: "v.(Shape).Area()", out: "4"},
		{cell: "var w any = 5\nw.(Shape)", errSub: "interface conversion"},
		{cell: "import (\"bytes\"; \"io\")\nvar b any = &bytes.Buffer{}\n_, ok1 := b.(io.Writer)\n_, ok2 := b.(fmt.Stringer)\n_, ok3 := b.(Shape)\nfmt.Println(\"compiled\", ok1, ok2, ok3)"},
		{cell: "func shadow(x any) bool { Sq := 1; _ = Sq; _, ok := x.(Shape); return ok }\nfmt.Println(\"shadowed\", shadow(&Circ{1}))"},
		{cell: "func kind(x any) string { switch y := x.(type) { case *Circ: return \"circ\"; case Shape: return fmt.Sprint(\"shape \", y.Area()); case fmt.Stringer: return \"stringer\"; case int: return \"int\"; default: return \"other\" } }\nfmt.Println(kind(v), kind(&Circ{1}), kind(3), kind(\"s\"))"},
	})
	want := "true 4\ntrue Sq(2)\nCirc value false\n4 -1\ncompiled true true false\nshadowed true\nshape 4 circ int other\n"
	if got := out.String(); got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

// TestRecoveredValue: yaegi's recover gave the reflect.Value it panicked
// with, so r.(string) and r.(error) failed on a recovered "bad" or error,
// and Go's run-time errors raised through reflect were reflect's strings.
// recover() now gives what Go's does, in a func literal, a func's body
// and a cell's deferred call.
func TestRecoveredValue(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "type MyErr struct{ Code int }\nfunc (e MyErr) Error() string { return fmt.Sprint(\"code \", e.Code) }\nfunc try(f func()) (r any) { defer func() { r = recover() }(); f(); return nil }"},
		{cell: "s, ok := try(func() { panic(\"bad\") }).(string)\nfmt.Println(s, ok)"},
		{cell: "e, ok := try(func() { panic(fmt.Errorf(\"wrapped\")) }).(error)\nfmt.Println(e, ok)"},
		{cell: "e, ok = try(func() { var a []int; _ = a[3] }).(error)\nfmt.Println(e, ok)"},
		{cell: "m, ok := try(func() { panic(MyErr{7}) }).(MyErr)\nfmt.Println(m.Code, ok)"},
		{cell: "_, ok = try(func() { panic(nil) }).(error)\nfmt.Println(\"nil panic\", ok)"},
		{cell: "func direct() (msg string) { defer func() { if r, ok := recover().(string); ok { msg = \"got \" + r } }(); panic(\"x\") }\ndirect()", out: `"got x"`},
		{cell: "func handle() { if r := recover(); r != nil { _, isStr := r.(string); fmt.Println(\"handled\", isStr) } }\ndefer handle()\npanic(\"top\")"},
	})
	want := "bad true\nwrapped true\nruntime error: index out of range true\n7 true\nnil panic true\nhandled true\n"
	if got := out.String(); got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}
