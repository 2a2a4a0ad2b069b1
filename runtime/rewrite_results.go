package runtime

import (
	"go/ast"
	"go/token"
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

// constGroup writes each constant of a const declaration that uses iota
// or implicit repetition as its value, as the check computed it (A Op =
// 1; B Op = 2). yaegi v0.16.1 gets such groups wrong: iota counted names,
// not specs (A, B = iota, iota*10; C, D gave C = 2), a repeated typed
// expression lost its type's identity (const ( A Op = iota + 1; B ); var
// o Op = 2; o == B was false), and repetition in a spec of two names was
// "constant definition loop". Groups with a constant the check could not
// write (a float, say) are left to yaegi.
func (r *rewriter) constGroup(d *ast.GenDecl) {
	if d.Tok != token.CONST || r.ck == nil || len(r.ck.constTexts) == 0 || !usesIota(d) {
		return
	}
	var edits []edit
	for _, sp := range d.Specs {
		vs := sp.(*ast.ValueSpec)
		var parts []string
		for _, n := range vs.Names {
			p := r.pos(n.Pos())
			t, ok := r.ck.constTexts[cellPos{p.Line % lineBase, p.Column}]
			if !ok {
				return
			}
			parts = append(parts, n.Name+t)
		}
		edits = append(edits, edit{r.off(vs.Names[0].Pos()), r.off(vs.End()), strings.Join(parts, "; ")})
	}
	r.edits = append(r.edits, edits...)
}

// usesIota reports whether a const declaration names iota or repeats a
// spec implicitly.
func usesIota(d *ast.GenDecl) bool {
	found := false
	for _, sp := range d.Specs {
		vs := sp.(*ast.ValueSpec)
		if len(vs.Values) == 0 {
			return true
		}
		for _, v := range vs.Values {
			ast.Inspect(v, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && id.Name == "iota" {
					found = true
				}
				return !found
			})
		}
	}
	return found
}
