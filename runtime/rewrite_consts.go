package runtime

import (
	"go/ast"
	"go/token"
	"strings"
)

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
			t, ok := r.ck.constTexts[rewritePos(p)]
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
