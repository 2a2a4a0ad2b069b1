package runtime

import (
	"context"
	"strings"
	"testing"
)

// TestFmtOfInterpretedTypes: %T, %+v and %#v of values of the user's
// struct types print what compiled Go prints (the wants are the output of
// the same program under go run), not yaegi's struct { ... } and X-prefixed
// field names.
func TestFmtOfInterpretedTypes(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "type P struct{ Name string; age int }\ntype Q struct { P; xs []int; m map[string]P; pp *P }"},
		{cell: "type R struct{ n int }\nfunc (r *R) String() string { return \"R!\" }"},
		{cell: "p := P{\"ann\", 3}\nq := Q{P: p, xs: []int{1}, m: map[string]P{\"b\": p, \"a\": {}}}"},
	})
	for _, tc := range []struct{ call, want string }{
		{`fmt.Sprintf("%+v", p)`, `{Name:ann age:3}`},
		{`fmt.Sprintf("%#v", p)`, `main.P{Name:"ann", age:3}`},
		{`fmt.Sprintf("%T", p)`, `main.P`},
		{`fmt.Sprintf("%T", []*P{&p})`, `[]*main.P`},
		{`fmt.Sprintf("%+v", &p)`, `&{Name:ann age:3}`},
		{`fmt.Sprintf("%#v", []P{p})`, `[]main.P{main.P{Name:"ann", age:3}}`},
		{`fmt.Sprintf("%+v", q)`, `{P:{Name:ann age:3} xs:[1] m:map[a:{Name: age:0} b:{Name:ann age:3}] pp:<nil>}`},
		{`fmt.Sprintf("%#v", q)`, `main.Q{P:main.P{Name:"ann", age:3}, xs:[]int{1}, m:map[string]main.P{"a":main.P{Name:"", age:0}, "b":main.P{Name:"ann", age:3}}, pp:(*main.P)(nil)}`},
		{`fmt.Sprintf("%#v %T", &R{2}, &R{2})`, `&main.R{n:2} *main.R`},
		{`fmt.Sprintf("%5.1f|%T|%d", 1.5, p, 3)`, `  1.5|main.P|3`},
		{`fmt.Sprintf("%v", p)`, `{ann 3}`},
		{`fmt.Sprintf("%#v", (*P)(nil))`, `(*main.P)(nil)`},
		{`fmt.Sprintf("%#v", map[int]P(nil))`, `map[int]main.P(nil)`},
		{`fmt.Errorf("e %+v", p).Error()`, `e {Name:ann age:3}`},
		{`fmt.Sprintf("%#v", struct{ a []P }{})`, `struct { a []main.P }{a:[]main.P(nil)}`},
		// inside interfaces
		{`fmt.Sprintf("%+v", []any{p, 1})`, `[{Name:ann age:3} 1]`},
		{`fmt.Sprintf("%#v", []any{p, 1})`, `[]interface {}{main.P{Name:"ann", age:3}, 1}`},
		{`fmt.Sprintf("%#v", map[string]any{"b": p})`, `map[string]interface {}{"b":main.P{Name:"ann", age:3}}`},
		{`fmt.Sprintf("%+v", struct{ X any }{p})`, `{X:{Name:ann age:3}}`},
		{`fmt.Sprintf("%+v %T", any(p), any(p))`, `{Name:ann age:3} main.P`},
		{`fmt.Sprintf("%+v", []any{1, "a", nil})`, `[1 a <nil>]`},
	} {
		before := len(out.String())
		if _, err := s.Eval(context.Background(), "fmt.Println("+tc.call+")"); err != nil {
			t.Errorf("%s: %v", tc.call, err)
			continue
		}
		if got := strings.TrimSuffix(out.String()[before:], "\n"); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.call, got, tc.want)
		}
	}
}

// TestFmtOfErrorValues: a value of the user's type with a value-receiver
// Error method prints what Error says for the verbs that use it, as in
// Go, and for the others prints no part of yaegi's wrapper (whose method
// field printed as a number: {3 5254592}).
func TestFmtOfErrorValues(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "type E struct{ c int }\nfunc (e E) Error() string { return \"e\" }"},
	})
	for _, tc := range []struct{ call, want string }{
		{`E{3}`, `e`},
		{`fmt.Sprintf("%v|%s|%q|%x|%+v", E{3}, E{3}, E{3}, E{3}, E{3})`, `e|e|"e"|65|e`},
		{`fmt.Sprintf("%d", E{3})`, `3`}, // Go: {3}; yaegi hands fmt the field alone
	} {
		before := len(out.String())
		if _, err := s.Eval(context.Background(), "fmt.Println("+tc.call+")"); err != nil {
			t.Errorf("%s: %v", tc.call, err)
			continue
		}
		if got := strings.TrimSuffix(out.String()[before:], "\n"); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.call, got, tc.want)
		}
	}
}

// TestAnySlices: a []any is one value, shown and printed as Go prints it
// (yaegi passed it as the whole of a ...any parameter, and fmt printed
// its interpreted elements as yaegi's wrapper structs).
func TestAnySlices(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "ys := []any{1, \"a\"}"},
		{cell: "ys", out: "[1 a]"},
		{cell: "k := 5; k, ys", out: "(5, [1 a])"},
		{cell: "ys, k", out: "([1 a], 5)"},
		{cell: "func n(v ...any) int { return len(v) }"},
		{cell: "n(ys)", out: "1"},
		{cell: "n(ys, 3)", out: "2"},
		{cell: "n(ys...)", out: "2"},
		{cell: "n()", out: "0"},
		{cell: "var a any = ys; n(a)", out: "1"},
		{cell: "func m(p string, v ...interface{}) int { return len(v) }"},
		{cell: "m(\"x\", ys)", out: "1"},
		{cell: "type L struct{}; func (L) Log(v ...any) int { return len(v) }"},
		{cell: "L{}.Log(ys)", out: "1"},
		{cell: "ch := make(chan int, 1); func sent(v ...any) { ch <- len(v) }"},
		{cell: "go sent(ys); <-ch", out: "1"},
		{cell: "go sent(ys, 2, \"x\"); <-ch", out: "3"},
		{cell: "func() { defer sent(ys) }(); <-ch", out: "1"},
		{cell: "type Temp float64; func (t Temp) String() string { return \"T\" }"},
		{cell: "type P struct{ a int }; func (p P) String() string { return \"P!\" }"},
		{cell: "xs := []any{Temp(5), 2, P{1}, nil}"},
		{cell: "xs", out: "[T 2 P! <nil>]"},
		{cell: "fmt.Println(xs); fmt.Println(xs...); fmt.Printf(\"%v\\n\", xs)"},
	})
	// A named type that is not a struct is its underlying type to
	// compiled code: inside a []any, fmt shows its value (see README).
	want := "[5 2 P! <nil>]\n5 2 P! <nil>\n[5 2 P! <nil>]\n"
	if got := out.String(); got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}
