package runtime

import "testing"

// TestEmbeddedInterfaceMethod: calling a method promoted from an
// interface embedded in a struct (r.Walk(), where Robot embeds Walker)
// panicked in yaegi with "invalid interface value".
func TestEmbeddedInterfaceMethod(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "type Walker interface{ Walk() string }\ntype Legs struct{ n int }\nfunc (l Legs) Walk() string { return fmt.Sprint(l.n, \" legs\") }\ntype Robot struct {\n\tWalker\n\tmodel string\n}\ntype Fleet struct {\n\t*Robot\n\tsize int\n}"},
		{cell: `r := Robot{Legs{2}, "r2"}`},
		{cell: `r.Walk()`, out: `"2 legs"`},
		{cell: "f := Fleet{&r, 3}\nf.Walk()", out: `"2 legs"`},
		{cell: "walk := f.Walk\nr.Walker = Legs{4}\nwalk() + \" / \" + f.Walk()", out: `"2 legs / 4 legs"`},
		{cell: "var w Walker = r\nw.Walk()", out: `"4 legs"`},
		{cell: "func describe(r *Robot) string { return r.model + \": \" + r.Walk() }\ndescribe(&r)", out: `"r2: 4 legs"`},
	})
}

// TestStoreInOwnInterface: a value of the user's type assigned to a field,
// element or pointee whose type is the user's interface (r.W = Legs{4})
// panicked in yaegi ("reflect.Set: value of type interp.valueInterface is
// not assignable"); a variable or a composite literal took it.
func TestStoreInOwnInterface(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "type Shape interface{ Area() int }\ntype Sq struct{ s int }\nfunc (q Sq) Area() int { return q.s * q.s }\ntype Scene struct{ Main Shape; All []Shape; ByName map[string]Shape }"},
		{cell: "var sc Scene\nsc.Main = Sq{3}\nsc.All = make([]Shape, 2)\nsc.All[1] = Sq{2}\nsc.ByName = map[string]Shape{}\nsc.ByName[\"big\"] = &Sq{10}\nsc.Main.Area() + sc.All[1].Area() + sc.ByName[\"big\"].Area()", out: "113"},
		{cell: "func swap(p *Shape) { *p = Sq{5} }\nvar one Shape = Sq{1}\nswap(&one)\none.Area()", out: "25"},
		{cell: "func fill(n int) []Shape { out := make([]Shape, n); for i := range out { out[i] = Sq{i} }; return out }\nfill(4)[3].Area()", out: "9"},
	})
}
