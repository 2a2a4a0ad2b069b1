package runtime

import "testing"

// TestIteratorFuncs: slices.Sorted(maps.Keys(m)) and the other functions
// of Go 1.23 that take or give iterators were "undefined" (nnlab's slices
// and maps had only the older functions). A cell calls them; it cannot
// range over them, as yaegi has no range-over-func.
func TestIteratorFuncs(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "import (\n\t\"maps\"\n\t\"slices\"\n\t\"strings\"\n)\nm := map[string]int{\"b\": 2, \"a\": 1, \"c\": 3}"},
		{cell: `slices.Sorted(maps.Keys(m))`, out: "[a b c]"},
		{cell: `slices.Sorted(maps.Values(m))`, out: "[1 2 3]"},
		{cell: `maps.Collect(maps.All(m))["c"]`, out: "3"},
		{cell: `slices.Collect(slices.Values([]int{4, 5}))`, out: "[4 5]"},
		{cell: "var back []int\nslices.Backward([]int{1, 2, 3})(func(i, v int) bool { back = append(back, v); return i > 1 })\nback", out: "[3 2]"},
		{cell: "seq := func(yield func(int) bool) { for i := range 5 { if !yield(i * i) { return } } }\nslices.AppendSeq([]int{-1}, seq)", out: "[-1 0 1 4 9 16]"},
		{cell: `slices.SortedFunc(maps.Keys(m), func(a, b string) int { return strings.Compare(b, a) })`, out: "[c b a]"},
		{cell: "dst := map[string]int{\"z\": 26}\nmaps.Insert(dst, maps.All(m))\nlen(dst)", out: "4"},
	})
}
