package runtime

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// saveAndRun types cells into a session as the REPL does (a failed cell is
// kept up to its failure; a cell the check refuses, not at all), saves them
// with Script, and runs the saved program in a new session. It returns what
// the session showed (its output and displayed values, in order), what the
// program printed, and the program.
func saveAndRun(t *testing.T, cells []string) (session, script, src string) {
	t.Helper()
	s, out, _ := newSession(t)
	var shown strings.Builder
	var saved []SaveCell
	for _, c := range cells {
		before := len(out.String())
		v, err := s.Eval(context.Background(), c)
		shown.WriteString(out.String()[before:])
		if v != "" {
			shown.WriteString(v + "\n")
		}
		switch {
		case err == nil:
			saved = append(saved, SaveCell{Src: c, Shown: v != "", Out: v, New: s.NewVars()})
		case s.Completed() != "":
			saved = append(saved, SaveCell{Src: s.Completed(), New: s.NewVars()})
		}
	}
	prog, skipped, err := s.Script(saved, "")
	if err != nil {
		t.Fatalf("Script: %v", err)
	}
	if len(skipped) > 0 {
		t.Errorf("Script left out %+v\n%s", skipped, prog)
	}
	path := filepath.Join(t.TempDir(), "saved.go")
	if err := os.WriteFile(path, prog, 0o644); err != nil {
		t.Fatal(err)
	}
	r, rout, _ := newSession(t)
	if err := r.RunFile(context.Background(), path); err != nil {
		t.Fatalf("running the saved program: %v\n%s", err, prog)
	}
	return shown.String(), rout.String(), string(prog)
}

// TestSaveGenerations saves sessions in which a name is declared again as a
// new variable (`x := "s"` on an int x) and checks that the saved program
// prints what the session showed: every statement means the variable the
// session's meant.
func TestSaveGenerations(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		want  string // what the session shows (and so the program prints)
		has   string // text the program must contain
	}{
		{"the lead's case: a function of the last of three", []string{
			"x := 1", "x := 2.5", "x := 3", "func g() float64 { return float64(x) * 2 }",
			"g()", "x = 10", "g()", "x / 4"}, "6\n20\n2\n", ""},
		{"a new type, then a function that uses it", []string{
			"x := 1", "y := x * 2", `x := "s"`, `func f() string { return x + "!" }`,
			"f()", `x = "t"`, "f()", "y"}, "\"s!\"\n\"t!\"\n2\n", ""},
		{"closures in main that declare their own x", []string{
			"x := 1", `x := "a"`, "f := func(x int) int { return x * 3 }", "f(4)",
			"h := func() int { x := 7; return x }", "h()", "x", "k := func() string { return x + x }", "k()"},
			"12\n7\n\"a\"\n\"aa\"\n", "x * 3"},
		{"a method using a global", []string{
			"type P struct{ n int }", "y := 1.5", "y := 2", "func (p P) M() int { return p.n + y }",
			"P{1}.M()", "y = 5", "P{1}.M()"}, "3\n6\n", ""},
		{"x, y := where only x is new", []string{
			"x := 1", "y := 2", `x, y := "s", 3`, "func gy() int { return y * 10 }", "gy()", "x", "y"},
			"30\n\"s\"\n3\n", ""},
		{"x, y := with x new for a function and y new in main", []string{
			"a := 1", `a, b := "s", 2`, "func ga() string { return a }", "ga()", "b"},
			"\"s\"\n2\n", ""},
		{"a function's y assigned by a := inside a later generation", []string{
			"y := 1", "func gy() int { return y }", "x := 1", `x := "s"`, "z, y := 5, 6", "gy()", "z", "x"},
			"6\n5\n\"s\"\n", ""},
		{"loop variables named x in a later cell", []string{
			"x := 1", "x_1 := 100", `x := "ab"`, "n := 0", "for x := 0; x < 3; x++ { n += x }",
			"for _, x := range []int{4, 5} { n += x }", "var e any = 3",
			"switch x := e.(type) { case int: n += x }", "n", "x", "x_1"},
			"15\n\"ab\"\n100\n", "x_2 := 1"},
		{"three generations", []string{
			"x := 1", "a := x + 1", "m := map[int]string{x: \"one\"}", `x := "two"`, `b := x + "!"`,
			"x := 3.5", "func g() float64 { return x * 2 }", "a", "b", "m[1]", "g()"},
			"2\n\"two!\"\n\"one\"\n7\n", ""},
		{"the same type again is one variable", []string{
			"x := 1", "func g() int { return x }", "x := 5", "g()", "var x int = 7", "g()", "x"},
			"5\n7\n7\n", ""},
		{"a redeclaration in a cell that fails after it", []string{
			"x := 1", `x := "s"; var m map[string]int; m["a"] = 1`, `func g() string { return x + "!" }`, "g()"},
			"\"s!\"\n", ""},
		{"a new variable assigned again in its cell", []string{
			"x := 1.5", `x := "a"; x := "b"`, `func g() string { return x + x }`, "g()"},
			"\"bb\"\n", ""},
		{"a var declares a new variable", []string{
			"z := 1", "var z int = 7", "z", `var z = "s"`, `func fz() string { return z + "?" }`, "fz()"},
			"7\n\"s?\"\n", ""},
		{"a shown string of an earlier generation is still quoted", []string{
			`s := "hi"`, "s", "s := 2", "s"}, "\"hi\"\n2\n", `fmt.Printf("%q\n", s_1)`},
		{"fields and selectors named x are not renamed", []string{
			"type S struct{ x int }", "x := 1", "st := S{x: 5}", `x := "s"`, "st.x + 1", "x"},
			"6\n\"s\"\n", "S{x: 5}"},
		{"a pointer to, a literal of and a goroutine on an earlier variable", []string{
			"type S struct{ x int }", "x := 1", "st := S{x: x + 1}", "p := &x", "ch := make(chan int, 1)",
			"go func() { ch <- x * 10 }(); got := <-ch", "x := \"s\"", "*p = 5", "*p", "st.x", "got", "x"},
			"5\n2\n10\n\"s\"\n", "S{x: x_1 + 1}"},
		{"temporary names do not clash with the user's", []string{
			"x := 1", "x_new := 2", `x, q := "t", 4`, "func f() string { return x }", "f()", "q", "x_new"},
			"\"t\"\n4\n2\n", "x_new2, q :="},
		{"a type switch on x", []string{
			"x := 1", "var e any = 2", "x := 1.5", "n := 0",
			"switch x := e.(type) { case int: n = x }", "n", "x"},
			"2\n1.5\n", "switch x := e.(type)"},
		{"a type the check refused is left out", []string{
			"type T int", "v := T(3)", "type T string", "v := 2.5", "v"},
			"2.5\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session, script, src := saveAndRun(t, tt.cells)
			if session != tt.want {
				t.Errorf("the session showed %q, want %q", session, tt.want)
			}
			if script != session {
				t.Errorf("the saved program printed %q, the session %q\n%s", script, session, src)
			}
			if tt.has != "" && !strings.Contains(src, tt.has) {
				t.Errorf("the program lacks %q:\n%s", tt.has, src)
			}
		})
	}
}

// TestNewVars checks what the session reports to :save: which declarations
// made new variables.
func TestNewVars(t *testing.T) {
	s, _, _ := newSession(t)
	for _, tt := range []struct {
		cell string
		want []NewVar
	}{
		{"x := 1; y := 2", []NewVar{{"x", 1}, {"y", 1}}},
		{"x := 5", nil}, // the same type: assigned
		{`x := "a"`, []NewVar{{"x", 1}}},
		{`y, x := 3, "b"`, nil},
		{`x, z := 1.5, 4; z := 6; x := 2.5`, []NewVar{{"x", 1}, {"z", 1}}},
		{"var y = true", []NewVar{{"y", 1}}},
		{"var y bool = false", nil},
		{"func f() {}; type T int; const c = 1", nil},
		{"f := 2", []NewVar{{"f", 1}}}, // a variable in place of a func
		{"nosuch", nil},                // refused by the check
		{"w := 1; var m map[int]int; m[0] = 1; v := 2", []NewVar{{"m", 1}, {"w", 1}}},
	} {
		s.Eval(context.Background(), tt.cell)
		got := s.NewVars()
		if len(got) != len(tt.want) {
			t.Errorf("%q: NewVars = %v, want %v", tt.cell, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: NewVars = %v, want %v", tt.cell, got, tt.want)
			}
		}
	}
}

// TestNewTypeUsedByCellFunc checks that a cell cannot give a global a new
// type after declaring a func or method that uses the old one: the func
// would keep the old variable, and :save could not write that.
func TestNewTypeUsedByCellFunc(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "y := 1"},
		{cell: `func h() int { return y * 2 }; y := "t"`, errSub: "y already exists as int and h uses it"},
		{cell: "type P struct{}"},
		{cell: `func (P) M() int { return y }; y := 2.5`, errSub: "P.M uses it"},
		{cell: "y", out: "1"},
		{cell: `y := "t"; func k() string { return y + "!" }`}, // k uses the new y
		{cell: "k()", out: `"t!"`},
	})
}

// TestNewTypeUsedByFuncOfItsGroup checks that a func declared beside the
// new variable, in one run of declarations, may use it: Go's package-level
// declarations see each other whatever their order.
func TestNewTypeUsedByFuncOfItsGroup(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "y := 1"},
		{cell: "func h() string { return y + \"!\" }\nvar y = \"t\""},
		{cell: "h()", out: `"t!"`},
	})
}

// BenchmarkScript1000 writes the script of a session of 1000 cells, every
// one kept: the program is checked once, not once per cell.
func BenchmarkScript1000(b *testing.B) {
	s, err := New(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	var cells []SaveCell
	for i := range 1000 {
		src := fmt.Sprintf("v%d := %d", i%30, i)
		if _, err := s.Eval(context.Background(), src); err != nil {
			b.Fatal(err)
		}
		cells = append(cells, SaveCell{Src: src})
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := s.Script(cells, "// a session\n"); err != nil {
			b.Fatal(err)
		}
	}
}
