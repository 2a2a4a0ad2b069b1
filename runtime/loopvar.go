package runtime

import (
	"go/ast"
	"go/token"
)

// perIterationLoops gives the loops of a parsed chunk Go 1.22's loop
// variables, one per iteration, where yaegi shares one for the whole loop:
// a closure, go statement or address taken in the body would otherwise see
// the last value. The body starts with `v := v` for each variable the loop
// declares. For a three-clause loop this is only done when the body never
// assigns the variable (the copy would hide the change from the loop's
// post statement); range loops assign their variables afresh every
// iteration, so for them it is always right.
func perIterationLoops(f *ast.File) {
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.RangeStmt:
			if n.Tok != token.DEFINE || !captures(n.Body) {
				return true
			}
			copyVars(n.Body, idents(n.Key, n.Value))
		case *ast.ForStmt:
			as, ok := n.Init.(*ast.AssignStmt)
			if !ok || as.Tok != token.DEFINE || !captures(n.Body) {
				return true
			}
			vars := idents(as.Lhs...)
			for _, v := range vars {
				if assigns(n.Body, v.Name) {
					return true
				}
			}
			copyVars(n.Body, vars)
		}
		return true
	})
}

// idents returns the named identifiers among es (not _).
func idents(es ...ast.Expr) []*ast.Ident {
	var out []*ast.Ident
	for _, e := range es {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
			out = append(out, id)
		}
	}
	return out
}

// captures reports whether body can keep a variable beyond its iteration:
// a func literal, a go or defer statement, or an address taken.
func captures(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
			found = true
		case *ast.UnaryExpr:
			found = found || n.Op == token.AND
		}
		return !found
	})
	return found
}

// assigns reports whether body assigns to or increments name (by that
// name: a shadowing declaration counts too, to be safe). A write through
// the variable's address in the same iteration is not seen: it changes the
// copy, where Go 1.22 would carry it into the next iteration.
func assigns(body *ast.BlockStmt, name string) bool {
	is := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && id.Name == name
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				found = found || is(l)
			}
		case *ast.IncDecStmt:
			found = found || is(n.X)
		case *ast.RangeStmt:
			found = found || is(n.Key) || is(n.Value)
		}
		return !found
	})
	return found
}

// copyVars starts body with `a, b := a, b`.
func copyVars(body *ast.BlockStmt, vars []*ast.Ident) {
	if len(vars) == 0 {
		return
	}
	pos := body.Lbrace
	var lhs, rhs []ast.Expr
	for _, v := range vars {
		lhs = append(lhs, &ast.Ident{NamePos: pos, Name: v.Name})
		rhs = append(rhs, &ast.Ident{NamePos: pos, Name: v.Name})
	}
	st := &ast.AssignStmt{Lhs: lhs, TokPos: pos, Tok: token.DEFINE, Rhs: rhs}
	body.List = append([]ast.Stmt{st}, body.List...)
}
