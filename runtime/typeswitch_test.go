package runtime

import "testing"

// TestTypeSwitch: yaegi's type switch took the default for a case of the
// user's type that its comma-ok assertion finds (switch e := err.(type) {
// case *MyErr: } on an error from a func); the rewritten switch gives Go's
// case with an init statement, a bound or unbound value, nil and
// several-type cases, the default in the middle, a break inside a case, in
// a loop, a function and a labeled switch (left to yaegi).
func TestTypeSwitch(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "type MyErr struct{ Code int }\nfunc (e *MyErr) Error() string { return \"my\" }\nfunc find(n int) error { if n < 0 { return &MyErr{n} }; return nil }\ntype P struct{ A int }"},
		{cell: "err := find(-3)\nswitch e := err.(type) {\ncase *MyErr:\n\tfmt.Println(\"MyErr\", e.Code)\ndefault:\n\tfmt.Println(\"default\")\n}"},
		{cell: "switch e := find(1); e.(type) { case nil: fmt.Println(\"nil\"); default: fmt.Println(\"not nil\") }"},
		{cell: "func kind(v any) string {\n\tswitch x := v.(type) {\n\tdefault:\n\t\treturn fmt.Sprintf(\"other %v\", x)\n\tcase int, float64:\n\t\treturn fmt.Sprint(\"number \", x)\n\tcase P:\n\t\tif x.A > 5 {\n\t\t\tbreak\n\t\t}\n\t\treturn fmt.Sprint(\"small P \", x.A)\n\tcase *MyErr:\n\t\treturn fmt.Sprint(\"err \", x.Code)\n\tcase nil:\n\t\treturn \"nil\"\n\t}\n\treturn \"big P\"\n}"},
		{cell: "for _, v := range []any{1, 2.5, P{1}, P{9}, &MyErr{4}, nil, \"s\"} { fmt.Println(kind(v)) }"},
		{cell: "var x any = P{2}\nswitch x.(type) { }\nswitch x.(type) { default: fmt.Println(\"only default\") }"},
		{cell: "n := 0\nfor i := 0; i < 3; i++ { switch any(i).(type) { case int: if i == 1 { continue }; n += 10 } }\nn", out: "20"},
		{cell: "L: switch x.(type) { case P: fmt.Println(\"labeled\"); break L }"},
		{cell: "switch y := nosuch.(type) { case int: _ = y }", errSub: "undefined: nosuch"},
		// left to yaegi: an interface case, and types alike in structure
		{cell: "type fii interface{ Hello() }\ntype Bir struct{}\nfunc (Bir) Hello() {}\ntype Bar struct{}\nfunc (Bar) Hello() {}"},
		{cell: "func in(f fii) string { switch f.(type) { case Bir: return \"Bir\"; default: return \"default\" } }\nfmt.Println(in(Bir{}), in(Bar{}))"},
		{cell: "func g(i any) string { switch j := i.(type) { case fii: j.Hello(); return \"fii\"; default: return \"default\" } }\nfmt.Println(g(Bir{}), g(1))"},
	})
	want := "MyErr -3\nnil\nnumber 1\nnumber 2.5\nsmall P 1\nbig P\nerr 4\nnil\nother s\nonly default\nlabeled\nBir default\nfii default\n"
	if got := out.String(); got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}
