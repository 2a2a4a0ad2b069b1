package runtime

import "testing"

// TestConstGroups: yaegi got const groups with iota wrong: a repeated
// typed spec lost its type's identity (o == Mul was false for o of 2),
// iota counted names instead of specs, and repetition in a spec of two
// names did not compile ("constant definition loop").
func TestConstGroups(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "type Op int\nconst (\n\tAdd Op = iota + 1\n\tMul\n\tDiv\n)\nvar o Op = 2"},
		{cell: "o == Mul, Div", out: "(true, 3)"},
		{cell: "func reduce(op Op, xs ...float64) (acc float64) {\n\tif op == Mul { acc = 1 }\n\tfor _, x := range xs {\n\t\tswitch op {\n\t\tcase Add:\n\t\t\tacc += x\n\t\tcase Mul:\n\t\t\tacc *= x\n\t\t}\n\t}\n\treturn\n}\nreduce(Mul, 2, 3, 4)", out: "24"},
		{cell: "const (\n\tA, B = iota, iota * 10\n\tC, D\n)\nC + D", out: "11"},
		{cell: "func sizes() []int { const ( KB = 1 << (10 * (iota + 1)); MB ); return []int{KB, MB} }\nsizes()", out: "[1024 1048576]"},
		{cell: "const ( X = \"x\"; Y; Z = 1.5; W )\nY + fmt.Sprint(W)", out: `"x1.5"`},
	})
}
