package runtime

import "testing"

// TestLocalTypeAlias: yaegi could not compile a type alias declared
// inside a function ("undefined: row"); the rewrite spells out the
// aliased type at each use, as operands in parentheses.
func TestLocalTypeAlias(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "func sum() float32 {\n\ttype row = []float32\n\ttype grid = []row\n\tg := grid{{1, 2}, row{3}}\n\tvar t float32\n\tfor _, r := range g { for _, v := range r { t += v } }\n\treturn t\n}\nsum()", out: "6"},
		{cell: "func ptrs() string {\n\ttype pt struct{ X int }\n\ttype P = *pt\n\ttype M = map[string]pt\n\tvar p P = &pt{4}\n\tq := P(p)\n\tm := M{\"a\": *q}\n\treturn fmt.Sprint(q.X, m, len(M{}))\n}\nptrs()", out: `"4 map[a:{4}] 0"`},
		{cell: "func mixed() int {\n\ttype (\n\t\tid = int\n\t\tbox struct{ v id }\n\t)\n\treturn box{3}.v + id(1)\n}\nmixed()", out: "4"},
		{cell: "func fns() string {\n\ttype cb = func(int) string\n\tvar f cb = func(i int) string { return fmt.Sprint(i * 2) }\n\tcalls := []cb{f}\n\treturn calls[0](21)\n}\nfns()", out: `"42"`},
	})
}
