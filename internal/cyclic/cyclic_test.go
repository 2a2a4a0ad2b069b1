package cyclic

import (
	"fmt"
	"testing"
)

type node struct {
	Name string
	Kids []any
}

type named []any

func (named) String() string { return "named" }

func TestFind(t *testing.T) {
	selfMap := map[string]any{}
	selfMap["me"] = selfMap
	selfSlice := []any{1, nil}
	selfSlice[1] = selfSlice
	viaStruct := &node{Name: "root"}
	viaStruct.Kids = []any{"leaf", map[int]node{1: {Kids: []any{nil}}}}
	viaStruct.Kids[1].(map[int]node)[1].Kids[0] = viaStruct.Kids
	shared := []any{1}
	dag := []any{shared, shared, map[string]any{"a": shared}}
	ptrLoop := &node{}
	ptrLoop.Kids = []any{ptrLoop} // fmt prints the inner pointer as an address
	str := named{nil}
	str[0] = str // fmt calls String
	for _, tc := range []struct {
		name string
		v    any
		want bool
	}{
		{"map containing itself", selfMap, true},
		{"slice containing itself", selfSlice, true},
		{"through a struct, a map and an interface", viaStruct, true},
		{"shared but not cyclic", dag, false},
		{"pointer cycle", ptrLoop, false},
		{"type with a String method", str, false},
		{"plain values", []float32{1, 2, 3}, false},
		{"nil", nil, false},
		{"nil map", map[string]any(nil), false},
	} {
		if _, got := Find(tc.v); got != tc.want {
			t.Errorf("%s: Find = %v, want %v", tc.name, got, tc.want)
		}
		if !tc.want {
			_ = fmt.Sprint(tc.v) // what Find let through prints (and ends)
		}
	}
}

func BenchmarkFindFloats(b *testing.B) {
	xs := make([]any, 1000)
	for i := range xs {
		xs[i] = float64(i)
	}
	for b.Loop() {
		Find(xs)
	}
}
