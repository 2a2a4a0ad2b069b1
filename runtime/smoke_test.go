package runtime

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

func TestSmoke(t *testing.T) {
	var out, errb bytes.Buffer
	s, err := New(Options{Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{
		`import "fmt"; x := 1`,
		`x`,
		`x := 2`,
		`func getx() int { return x }`,
		`x := 3`,
		`getx()`,
		`x := "s"`,
		`y := 5; bad := nope`,
		`y`,
		`var lr float32 = 0.5`,
		`var lr float32 = "x"`,
		`lr`,
		`for i := range 3 { fmt.Println(i) }`,
		`n := 4; s := 0; for i := range n { s += i }; s`,
		`min(3, 2.5)`,
		`max(1, 7, 3)`,
		`m := map[int]int{1: 2}; clear(m); len(m)`,
		`func() { fmt.Println("lit") }()`,
		`1 + 1`,
		`"hi"`,
		`fmt.Println("p")`,
		`func v() {}`,
		`v()`,
		`var z []int; z[3] = 1`,
		`func rec(i int) int { if i > 2 { var m map[int]int; m[1] = 2 }; return rec(i+1) }`,
		`rec(0)`,
		`go func() { panic("boom") }()`,
		`type T struct{ A int }`,
		`type T struct{ A int }`,
		`type T struct{ B int }`,
		`a, b := 10, 20`,
		`a, c := 11, 21`,
		`a`,
		`nn.Scalar(3)`,
		`1.5`,
	} {
		o, err := s.Eval(context.Background(), c)
		fmt.Printf("%-50q -> %q err=%v\n", c, o, err)
	}
	fmt.Printf("stdout:\n%s\nstderr:\n%s\n", out.String(), errb.String())
}
