package runtime

import (
	"fmt"
	"go/ast"
	"strings"
)

// typeSwitch rewrites a type switch whose cases are the user's concrete
// types (see checked.typeSwitches) into an expression switch on the index
// of the first case whose comma-ok assertion holds. yaegi's type switch
// misses cases that its assertions find: switch e := err.(type) { case
// *MyErr: } on an error of the user's type took the default, as did a case
// of a plain struct type on a value from a []any. So
//
//	switch init; v := x.(type) { case A: s1; case B, nil: s2; default: s3 }
//
// becomes
//
//	{ init; t := x; k := -1; if _, ok := t.(A); ok { k = 0 } else if ...;
//	  switch k { case 0: v, _ := t.(A); s1; case 1: v := t; s2; default: v := t; s3 } }
//
// x is evaluated once, before the cases, as in Go; a break in a case still
// leaves the switch, and the case bodies keep their text (and the edits
// inside them). The label of a labeled switch (ls, if not nil) moves to
// the inner switch, which a break names.
func (r *rewriter) typeSwitch(ts *ast.TypeSwitchStmt, ls *ast.LabeledStmt) {
	if r.ck == nil {
		return
	}
	if p := r.pos(ts.Pos()); !r.ck.typeSwitches[rewritePos(p)] {
		return
	}
	var bind string
	var x ast.Expr
	switch a := ts.Assign.(type) {
	case *ast.ExprStmt:
		x = a.X.(*ast.TypeAssertExpr).X
	case *ast.AssignStmt:
		bind = a.Lhs[0].(*ast.Ident).Name
		x = a.Rhs[0].(*ast.TypeAssertExpr).X
	default:
		return
	}
	p := r.pos(switchGuard(ts).Lparen)
	unwrap := r.ck.ownAsserts[rewritePos(p)]
	t, k := r.s.temp(), r.s.temp()
	head := "{ "
	if ts.Init != nil {
		r.edits = append(r.edits, edit{r.off(ts.Pos()), r.off(ts.Init.Pos()), head})
		head = "; "
		r.edits = append(r.edits, edit{r.off(ts.Init.End()), r.off(x.Pos()), head + t + " := "})
	} else {
		r.edits = append(r.edits, edit{r.off(ts.Pos()), r.off(x.Pos()), head + t + " := "})
	}
	var conds []string
	for i, st := range ts.Body.List {
		cc := st.(*ast.CaseClause)
		for _, e := range cc.List {
			cond := fmt.Sprintf("_, ok := %s; ok", r.assertText(t, e, unwrap))
			if id, ok := e.(*ast.Ident); ok && id.Name == "nil" {
				cond = t + " == nil"
			}
			conds = append(conds, fmt.Sprintf("if %s { %s = %d }", cond, k, i))
		}
		head := fmt.Sprintf("case %d:", i)
		if cc.List == nil {
			head = "default:"
		}
		if bind != "" {
			if len(cc.List) == 1 && !isNilIdent(cc.List[0]) {
				head += fmt.Sprintf(" %s, _ := %s; _ = %s;", bind, r.assertText(t, cc.List[0], unwrap), bind)
			} else {
				head += fmt.Sprintf(" %s := %s; _ = %s;", bind, t, bind)
			}
		}
		// A case list over several lines keeps them, so that later lines
		// keep their numbers in messages.
		head += strings.Repeat("\n", strings.Count(r.src[r.off(cc.Case):r.off(cc.Colon)], "\n"))
		r.edits = append(r.edits, edit{r.off(cc.Case), r.off(cc.Colon) + 1, head})
	}
	chain := strings.Join(conds, " else ")
	if chain == "" { // no case: only the default (or nothing) runs
		chain = "_ = " + t
	}
	label := ""
	if ls != nil {
		label = ls.Label.Name + ": "
		r.edits = append(r.edits, edit{r.off(ls.Pos()), r.off(ts.Pos()), ""})
	}
	r.edits = append(r.edits,
		edit{r.off(x.End()), r.off(ts.Body.Lbrace) + 1, fmt.Sprintf("; %s := -1; %s; %sswitch %s {", k, chain, label, k)},
		edit{r.off(ts.Body.Rbrace), r.off(ts.Body.Rbrace) + 1, "} }"})
}

// assertText is the comma-ok assertion of the temporary t to the case's
// type e: t.(T), with the value unwrapped if unwrap (see unwrapAssert),
// or the func literal of an interface case (see ifaceAssert) called
// with t.
func (r *rewriter) assertText(t string, e ast.Expr, unwrap bool) string {
	p := r.pos(e.Pos())
	if a, ok := r.ck.ifaceAsserts[rewritePos(p)]; ok {
		return "(" + a.text() + ")(" + t + ")"
	}
	if unwrap {
		t = rtName + ".Unwrapped(" + t + ")"
	}
	return fmt.Sprintf("%s.(%s)", t, r.typeText(e))
}

// isNilIdent reports whether e is the identifier nil (a case nil).
func isNilIdent(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "nil"
}

// typeText is the source of the type expression e with the renames of the
// check applied (see checked.renames): e's text is copied into new code,
// where the edits of its identifiers would not reach.
func (r *rewriter) typeText(e ast.Expr) string {
	src := r.text(e)
	if r.ck == nil || len(r.ck.renames) == 0 {
		return src
	}
	var b strings.Builder
	at := r.off(e.Pos())
	ast.Inspect(e, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		p := r.pos(id.Pos())
		if name, ok := r.ck.renames[rewritePos(p)]; ok {
			b.WriteString(r.src[at:r.off(id.Pos())])
			b.WriteString(name)
			at = r.off(id.End())
		}
		return true
	})
	b.WriteString(r.src[at:r.off(e.End())])
	return b.String()
}
