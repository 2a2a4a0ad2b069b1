package runtime

import (
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
	for i, e := range as.Rhs {
		rhs[i] = r.text(e)
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
