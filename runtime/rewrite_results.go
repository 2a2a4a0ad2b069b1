package runtime

import (
	"go/ast"
	"strings"
)

// zeroResults sets the named results of a function to their zero values
// as its body starts. yaegi v0.16.1 keeps a call site's results from one
// call to the next: in a loop, a result the function did not assign (a
// bare return before v = ..., or a panic its deferred recover turned into
// a return) still held the previous call's value, so func h(x int) (out
// []int) { if x > 0 { out = append(out, x) }; return } gave [3] [3] [3 4]
// for 3, 0, 4. Results named _ cannot be named, and are left alone.
func (r *rewriter) zeroResults(ft *ast.FuncType, body *ast.BlockStmt) {
	if body == nil || ft.Results == nil {
		return
	}
	var names, zeros []string
	for _, f := range ft.Results.List {
		for _, n := range f.Names {
			if n.Name == "_" {
				continue
			}
			names = append(names, n.Name)
			zeros = append(zeros, "*new("+r.typeText(f.Type)+")")
		}
	}
	if len(names) == 0 {
		return
	}
	at := r.off(body.Lbrace) + 1
	r.edits = append(r.edits, edit{at, at, " " + strings.Join(names, ", ") + " = " + strings.Join(zeros, ", ") + ";"})
}
