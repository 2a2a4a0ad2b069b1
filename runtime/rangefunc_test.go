package runtime

import "testing"

// TestRangeOverFunc: yaegi cannot range over a function (Go 1.23's
// iterators, such as maps.Keys(m)); the rewrite calls the function with
// the loop's body as its yield function, a continue of the loop becoming
// return true and a break return false. Loops whose body returns, defers
// or branches out are refused before anything runs, saying what to write.
func TestRangeOverFunc(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "import (\n\t\"maps\"\n\t\"slices\"\n)\nm := map[string]int{\"a\": 1, \"b\": 2, \"c\": 3}\nseq := func(yield func(int) bool) { for i := 0; ; i++ { if !yield(i) { return } } }"},
		{cell: "n := 0\nfor k, v := range maps.All(m) { if k == \"b\" { continue }; n += v }\nn", out: "4"},
		// an endless iterator stops at the break; the labeled break leaves
		// the outer loop from an inner one, and the inner break its own
		{cell: "found := -1\nouter:\nfor i := range seq {\n\tfor j := range 3 {\n\t\tif j == 2 { break }\n\t\tif i*j == 7 { found = i; break outer }\n\t}\n\tif i > 100 { break }\n}\nfound", out: "7"},
		{cell: "func evens(s func(func(int) bool)) []int {\n\tvar out []int\n\tfor v := range s {\n\t\tswitch {\n\t\tcase v%2 == 1:\n\t\t\tcontinue\n\t\tcase v > 8:\n\t\t\tbreak\n\t\t}\n\t\tif v > 8 { break }\n\t\tout = append(out, v)\n\t}\n\treturn out\n}\nevens(seq)", out: "[0 2 4 6 8]"},
		{cell: "for k := range maps.Keys(map[int]bool{5: true}) { fmt.Println(\"key\", k) }"},
		{cell: "for range slices.Values([]int{1, 2}) { fmt.Println(\"tick\") }"},
		{cell: "func firstOf(s func(func(int) bool)) int { for v := range s { return v }; return -1 }", errSub: "its body returns from the function; call it with the body as its yield function instead: s(func(v int) bool { ...; return true })"},
		{cell: "x := 0\nfor x = range seq { break }", errSub: "its variables are assigned with ="},
		{cell: "n", out: "4"},
	})
	if got, want := out.String(), "key 5\ntick\ntick\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}
