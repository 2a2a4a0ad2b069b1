package runtime

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// holdAssign rewrites a top-level assignment to existing variables whose
// right side calls something, `x = f()`, into `t := f(); __nnlab_live();
// x = t`: the variables are assigned only if the cell is still live. A call
// that returns after Ctrl-C left its cell behind (see hookLive) then writes
// nothing, where yaegi would store the result straight into x (or, for a
// call it cancels, a zero value; for a receive it cancels, its stop signal,
// a struct{}). It reports whether it rewrote as.
func (r *rewriter) holdAssign(as *ast.AssignStmt, isVar func(string) bool) bool {
	if as.Tok == token.DEFINE {
		for _, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); !ok || id.Name != "_" && !isVar(id.Name) {
				return false // new variables are committed only if the cell completes
			}
		}
	}
	tuple := len(as.Rhs) == 1 && len(as.Lhs) > 1
	if !tuple && len(as.Rhs) != len(as.Lhs) {
		return false
	}
	for _, l := range as.Lhs {
		if calls(l) {
			return false // Go evaluates the left side first: keep its order
		}
	}
	var temps []string
	rhs := make([]string, len(as.Rhs))
	held := false
	generic := r.genericValue(as.Rhs)
	if generic {
		// The type arguments (see typeArgCall) must be in the text taken
		// here: walk adds them later, inside this statement's edit.
		for _, e := range as.Rhs {
			ast.Inspect(e, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					r.typeArgCall(c)
				}
				return true
			})
		}
		if tuple {
			// yaegi loses temporaries declared in a block from one call
			// (undefined: __nnlab_t1): assigned in a block, unheld.
			text := "{ " + r.apply(r.off(as.Pos()), r.off(as.End())) + " }"
			r.edits = append(r.edits, edit{r.off(as.Pos()), r.off(as.End()), text})
			return true
		}
	}
	for i, e := range as.Rhs {
		rhs[i] = r.apply(r.off(e.Pos()), r.off(e.End())) // with its own rewrites
		if !calls(e) {
			continue
		}
		if tuple {
			if _, ok := ast.Unparen(e).(*ast.CallExpr); !ok {
				return false // v, ok = m[f()] and the like
			}
		} else if contextTyped(e) {
			continue // its type would come from x; a temporary could not take it
		}
		held = true
		n := 1
		if tuple {
			n = len(as.Lhs)
		}
		var ts []string
		for j := 0; j < n; j++ {
			ts = append(ts, r.s.temp())
		}
		temps = append(temps, strings.Join(ts, ", ")+" := "+rhs[i])
		rhs[i] = strings.Join(ts, ", ")
	}
	if !held {
		return false
	}
	lhs := make([]string, len(as.Lhs))
	for i, l := range as.Lhs {
		lhs[i] = r.text(l)
	}
	tok := as.Tok
	if tok == token.DEFINE {
		tok = token.ASSIGN
		for _, l := range as.Lhs {
			if id := l.(*ast.Ident); id.Name != "_" {
				r.c.assigns = append(r.c.assigns, id.Name)
				r.pl.assigned = append(r.pl.assigned, id.Name)
			}
		}
	}
	text := strings.Join(temps, "; ") + "; __nnlab_live(); " + strings.Join(lhs, ", ") + " " + tok.String() + " " + strings.Join(rhs, ", ")
	if generic {
		// yaegi mishandles a global temporary of a generic call (x =
		// Id(4) was refused): in a block, the temporaries are local.
		text = "{ " + text + " }"
	}
	r.edits = append(r.edits, edit{r.off(as.Pos()), r.off(as.End()), text})
	return true
}

// valueBuiltins are the builtins whose result may be an untyped constant
// or that only compute: calling them cannot block.
var valueBuiltins = map[string]bool{"len": true, "cap": true, "min": true, "max": true,
	"real": true, "imag": true, "complex": true, "append": true, "make": true, "new": true,
	"copy": true, "recover": true} // recover: topRecover edits it

// calls reports whether e calls a function or receives from a channel
// outside any function literal (builtins that only compute do not count;
// their arguments do).
func calls(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				found = true
			}
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); !ok || !valueBuiltins[id.Name] {
				found = true
			}
		}
		return !found
	})
	return found
}

// contextTyped reports whether e may take its type from what it is
// assigned to: an untyped comparison or logical operation, a shift of an
// untyped constant, or a builtin that may give an untyped constant.
func contextTyped(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.BinaryExpr:
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.LAND, token.LOR, token.SHL, token.SHR:
			return true
		}
		return contextTyped(e.X) && contextTyped(e.Y)
	case *ast.UnaryExpr:
		return e.Op == token.NOT || contextTyped(e.X)
	case *ast.BasicLit:
		return true
	case *ast.CallExpr:
		id, ok := ast.Unparen(e.Fun).(*ast.Ident)
		return ok && (id.Name == "min" || id.Name == "max" || id.Name == "real" || id.Name == "imag" || id.Name == "complex")
	}
	return false
}

// parallelAssign reports whether as is a, b = x, y (tok token.ASSIGN) or
// a, b := x, y (token.DEFINE): two or more names (or _) given as many
// values.
func parallelAssign(as *ast.AssignStmt, tok token.Token) bool {
	if as.Tok != tok || len(as.Lhs) < 2 || len(as.Lhs) != len(as.Rhs) {
		return false
	}
	for _, l := range as.Lhs {
		if _, ok := l.(*ast.Ident); !ok {
			return false
		}
	}
	return true
}

// splittable reports whether splitAssign can split as: two or more
// targets given as many values, each target a name, or an index, field or
// pointer expression without calls (splitAssign reads it once more).
func splittable(as *ast.AssignStmt) bool {
	if len(as.Lhs) < 2 || len(as.Lhs) != len(as.Rhs) {
		return false
	}
	for _, l := range as.Lhs {
		switch l := ast.Unparen(l).(type) {
		case *ast.Ident:
		case *ast.IndexExpr, *ast.SelectorExpr, *ast.StarExpr:
			if calls(l) {
				return false
			}
		default:
			return false
		}
		if as.Tok == token.DEFINE {
			if _, ok := l.(*ast.Ident); !ok {
				return false
			}
		}
	}
	return true
}

// callAssign reports whether the check found as among its callAssigns.
func (r *rewriter) callAssign(as *ast.AssignStmt) bool {
	if r.ck == nil || !splittable(as) {
		return false
	}
	p := r.pos(as.Pos())
	return r.ck.callAssigns[rewritePos(p)]
}

// ifaceDefine reports whether the check found a, b := x, y declaring an
// interface. At the top of a cell, it becomes an assignment (topStmt),
// which yaegi makes wrongly like a, b = x, y (see splitAssign); in a
// function it declares well.
func (r *rewriter) ifaceDefine(as *ast.AssignStmt) bool {
	if r.ck == nil || !parallelAssign(as, token.DEFINE) {
		return false
	}
	p := r.pos(as.Pos())
	return r.ck.ifaceDefines[rewritePos(p)]
}

// splitAssign rewrites a, b = x, y with an interface among a, b, where
// yaegi assigns wrongly (b = 5 became nil, a swap of two any panicked),
// into single assignments through temporaries of the variables' own
// types: t1 := a; t1 = x; t2 := b; t2 = y; a = t1; b = t2. The values are
// all evaluated first, in order, as Go does, and x and y keep their text
// (and the edits inside them). top says that as is a statement of the
// cell itself, where the temporaries would be globals: it runs in a func
// literal.
//
// The same split works around yaegi's parallel assignment of values that
// call (see checked.callAssigns), with targets that may also be s[i], p.f
// or *p: those are read for their temporary and written at the end, so an
// index that the values change is taken after them, not before as in Go.
func (r *rewriter) splitAssign(as *ast.AssignStmt, top bool) {
	var names []string
	for _, l := range as.Lhs {
		names = append(names, r.text(l))
	}
	r.splitValues(names, as.Rhs, as.Pos(), "", top)
}

// splitVar rewrites var a, b T = x, y with an interface type T the same
// way: var a, b T; t1 := a; t1 = x; ... It reports whether it did: the
// values must not name a or b, which would then be the new ones.
func (r *rewriter) splitVar(ds *ast.DeclStmt, top bool) bool {
	gd, ok := ds.Decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR || gd.Lparen.IsValid() || len(gd.Specs) != 1 {
		return false
	}
	vs := gd.Specs[0].(*ast.ValueSpec)
	if vs.Type == nil || len(vs.Names) < 2 || len(vs.Values) != len(vs.Names) {
		return false
	}
	p := r.pos(vs.Pos())
	if r.ck == nil || !r.ck.ifaceAssigns[rewritePos(p)] {
		return false
	}
	for _, v := range vs.Values {
		named := false
		ast.Inspect(v, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				for _, l := range vs.Names {
					named = named || id.Name == l.Name
				}
			}
			return !named
		})
		if named {
			return false
		}
	}
	var names []string
	for _, id := range vs.Names {
		names = append(names, id.Name)
	}
	r.splitValues(names, vs.Values, vs.Type.End(), "; ", top)
	return true
}

// splitValues writes the single assignments of names = rhs in place of
// the text from from to the first value, between the values and after the
// last (see splitAssign).
func (r *rewriter) splitValues(names []string, rhs []ast.Expr, from token.Pos, lead string, top bool) {
	var tail []string
	if top {
		lead += "func() { "
	}
	for i, name := range names {
		if i > 0 {
			from, lead = rhs[i-1].End(), "; "
		}
		if name == "_" {
			r.edits = append(r.edits, edit{r.off(from), r.off(rhs[i].Pos()), lead + "_ = "})
			continue
		}
		t := r.s.temp()
		r.edits = append(r.edits, edit{r.off(from), r.off(rhs[i].Pos()), fmt.Sprintf("%s%s := %s; %s = ", lead, t, name, t)})
		tail = append(tail, name+" = "+t)
	}
	end := r.off(rhs[len(rhs)-1].End())
	text := "; " + strings.Join(tail, "; ")
	if top {
		text += " }()"
	}
	r.edits = append(r.edits, edit{end, end, text})
}
