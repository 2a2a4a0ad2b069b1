package runtime

import (
	"go/ast"
	"go/token"
	"strings"
)

// forkApart gives each `:=` that makes a new variable of an existing name
// with another type (fork, from the check) a chunk of its own. yaegi
// declares the new variable when it compiles a chunk, so the statements
// before it in the chunk, and its own right side (`x := float64(x) / 2`),
// would see the new, zero variable instead of the old one, as Go never
// does. A right side that uses a name the statement forks is evaluated
// first, into temporaries, in the chunk before.
func (s *Session) forkApart(items []item, fork map[string]bool) []item {
	if len(fork) == 0 {
		return items
	}
	var out []item
	for _, it := range items {
		fset, as := defineOf(it)
		if as == nil || !definesAny(as, fork) {
			out = append(out, it)
			continue
		}
		it.apart = true
		if !mentions(as.Rhs, fork) {
			out = append(out, it)
			continue
		}
		text := func(n ast.Node) string { return it.src[stmtOffset(fset, n.Pos()):stmtOffset(fset, n.End())] }
		n := len(as.Lhs)
		temps := make([]string, n)
		for i := range temps {
			temps[i] = s.temp()
		}
		rhs := make([]string, len(as.Rhs))
		for i, e := range as.Rhs {
			rhs[i] = text(e)
		}
		lhs := make([]string, n)
		for i, e := range as.Lhs {
			lhs[i] = text(e)
		}
		first := it
		first.apart = false
		first.src = strings.Join(temps, ", ") + " := " + strings.Join(rhs, ", ")
		it.src = strings.Join(lhs, ", ") + " := " + strings.Join(temps, ", ")
		out = append(out, first, it)
	}
	return out
}

// defineOf returns the item's statement if it is a `:=`, else nil.
func defineOf(it item) (*token.FileSet, *ast.AssignStmt) {
	if it.decl {
		return nil, nil
	}
	fset, st := oneStmt(it.src)
	if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
		return fset, as
	}
	return nil, nil
}

// definesAny reports whether as declares one of names.
func definesAny(as *ast.AssignStmt, names map[string]bool) bool {
	for _, l := range as.Lhs {
		if id, ok := l.(*ast.Ident); ok && names[id.Name] {
			return true
		}
	}
	return false
}

// mentions reports whether an identifier of names occurs in es (also in a
// func literal, which would capture the new variable).
func mentions(es []ast.Expr, names map[string]bool) bool {
	found := false
	for _, e := range es {
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && names[id.Name] {
				found = true
			}
			return !found
		})
	}
	return found
}
