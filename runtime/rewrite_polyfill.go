package runtime

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"sort"
	"strings"
)

// walk rewrites the Go 1.21+ forms yaegi lacks, and go statements.
func (r *rewriter) walk(f *ast.File) error {
	var gos []*ast.GoStmt
	labeled := map[*ast.TypeSwitchStmt]*ast.LabeledStmt{}
	rangeLabel := map[*ast.RangeStmt]*ast.LabeledStmt{}
	var walkErr error // a range over a function that cannot be rewritten
	shadowed := func(n string) bool { return r.s.syms[n] != nil || r.c.newSyms[n] != nil }
	var top *ast.BlockStmt // the cell's own statements
	if !r.c.decl {
		top = f.Decls[0].(*ast.FuncDecl).Body
	} else {
		for _, d := range f.Decls {
			r.genericGlobal(d)
		}
	}
	inTop := func(ds *ast.DeclStmt) bool { return top != nil && slices.Contains(top.List, ast.Stmt(ds)) }
	ownFrame := deferFrameLits(f, top)
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			r.splitAssigns(n.List, n == top)
		case *ast.CaseClause:
			r.splitAssigns(n.Body, false)
		case *ast.CommClause:
			r.splitAssigns(n.Body, false)
			r.commClauseBranch(n)
		case *ast.RangeStmt:
			if rf, ok := r.rangeFuncAt(n); ok {
				label := ""
				if l := rangeLabel[n]; l != nil {
					label = l.Label.Name
					r.edits = append(r.edits, edit{r.off(l.Pos()), r.off(l.Colon) + 1, ""})
				}
				if err := r.rangeFuncCall(n, label, rf); err != nil && walkErr == nil {
					walkErr = err
				}
				return true
			}
			if n.Value != nil || !r.isInt(n.X) {
				return true
			}
			key := "__nnlab_i"
			tok := ":="
			if id, ok := n.Key.(*ast.Ident); ok && id.Name != "_" {
				key = id.Name
				if n.Tok == token.ASSIGN {
					tok = "="
				}
			} else if n.Key != nil && n.Tok == token.ASSIGN {
				return true
			}
			from := n.Range
			if n.Key != nil {
				from = n.Key.Pos()
			}
			// The counter takes the integer's type (range int64(2) counts
			// in int64), and the bound is evaluated once, as Go does.
			r.s.tmp++
			bound := fmt.Sprintf("__nnlab_n%d", r.s.tmp)
			if tok == "=" {
				// An existing variable is assigned each value, and keeps
				// the last one after the loop, as in Go.
				c := fmt.Sprintf("__nnlab_c%d", r.s.tmp)
				r.edits = append(r.edits,
					edit{r.off(from), r.off(n.X.Pos()), fmt.Sprintf("%s, %s := __nnlab_range(", c, bound)},
					edit{r.off(n.X.End()), r.off(n.X.End()), fmt.Sprintf("); %s < %s; %s++", c, bound, c)},
					edit{r.off(n.Body.Lbrace) + 1, r.off(n.Body.Lbrace) + 1, fmt.Sprintf(" %s = %s;", key, c)})
				return true
			}
			r.edits = append(r.edits,
				edit{r.off(from), r.off(n.X.Pos()), fmt.Sprintf("%s, %s := __nnlab_range(", key, bound)},
				edit{r.off(n.X.End()), r.off(n.X.End()), fmt.Sprintf("); %s < %s; %s++", key, bound, key)})
		case *ast.GenDecl:
			r.constGroup(n)
		case *ast.StructType:
			r.hideUnexported(n)
		case *ast.FuncDecl:
			r.zeroResults(n.Type, n.Body)
			if unwrapsManyDecl(n) {
				r.s.joinedUnwrap()
			}
		case *ast.ValueSpec:
			for _, v := range n.Values {
				r.ifaceValue(v)
			}
		case *ast.FuncLit:
			r.zeroResults(n.Type, n.Body)
			if ownFrame[n] {
				r.ownFrameLit(n)
			}
		case *ast.DeferStmt:
			if top == nil || !slices.Contains(top.List, ast.Stmt(n)) { // the cell's own: see topStmt
				r.deferCall(n)
			}
		case *ast.SendStmt:
			r.ifaceValue(n.Value)
		case *ast.ReturnStmt:
			for _, v := range n.Results {
				r.ifaceValue(v)
				r.parenReceive(v)
			}
		case *ast.CompositeLit:
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					r.ifaceValue(kv.Key)
					e = kv.Value
				}
				r.ifaceValue(e)
			}
		case *ast.Ident:
			if r.ck != nil && len(r.ck.renames) > 0 {
				p := r.pos(n.Pos())
				if name, ok := r.ck.renames[rewritePos(p)]; ok {
					r.edits = append(r.edits, edit{r.off(n.Pos()), r.off(n.End()), name})
				}
			}
		case *ast.DeclStmt:
			if r.ck != nil && len(r.ck.dropDecls) > 0 {
				p := r.pos(n.Pos())
				if r.ck.dropDecls[rewritePos(p)] {
					r.blank(n)
					return false
				}
			}
			if !inTop(n) { // those are splitAssigns's
				r.genericVar(n, false)
			}
		case *ast.AssignStmt:
			for _, v := range n.Rhs {
				r.ifaceValue(v)
				if r.ck != nil && len(r.ck.ownIfaceStores) > 0 {
					p := r.pos(v.Pos())
					if t, ok := r.ck.ownIfaceStores[rewritePos(p)]; ok {
						r.edits = append(r.edits, edit{r.off(v.Pos()), r.off(v.Pos()), t + "("}, edit{r.off(v.End()), r.off(v.End()), ")"})
					}
				}
			}
		case *ast.CallExpr:
			r.recoverCall(n)
			if !r.ifaceConv(n) {
				for _, a := range n.Args {
					r.ifaceValue(a)
				}
			}
			r.errorsAs(n)
			r.growCall(n)
			r.typeArgCall(n)
			r.spreadCall(n)
			id, ok := n.Fun.(*ast.Ident)
			if !ok || shadowed(id.Name) {
				return true
			}
			switch id.Name {
			case "min", "max":
				r.edits = append(r.edits, edit{r.off(id.Pos()), r.off(id.End()), "__nnlab_" + id.Name})
				float := false
				for _, a := range n.Args {
					if b, ok := a.(*ast.BasicLit); ok && b.Kind == token.FLOAT {
						float = true
					}
				}
				if float {
					for _, a := range n.Args {
						if b, ok := a.(*ast.BasicLit); ok && b.Kind == token.INT {
							r.edits = append(r.edits, edit{r.off(b.End()), r.off(b.End()), ".0"})
						}
					}
				}
			case "clear":
				r.edits = append(r.edits, edit{r.off(id.Pos()), r.off(id.End()), rtName + ".Clear"})
			}
		case *ast.SelectorExpr:
			r.methodValue(n)
			if r.ck != nil && len(r.ck.promoted) > 0 {
				p := r.pos(n.Sel.Pos())
				if path, ok := r.ck.promoted[rewritePos(p)]; ok {
					r.edits = append(r.edits, edit{r.off(n.Sel.Pos()), r.off(n.Sel.Pos()), path})
				}
			}
			if r.ck != nil && len(r.ck.methodExprs) > 0 {
				p := r.pos(n.Pos())
				if text, ok := r.ck.methodExprs[rewritePos(p)]; ok {
					r.edits = append(r.edits, edit{r.off(n.Pos()), r.off(n.End()), text})
				}
			}
		case *ast.LabeledStmt:
			if ts, ok := n.Stmt.(*ast.TypeSwitchStmt); ok {
				labeled[ts] = n
			}
			if rs, ok := n.Stmt.(*ast.RangeStmt); ok {
				rangeLabel[rs] = n
			}
		case *ast.TypeSwitchStmt:
			r.typeSwitch(n, labeled[n])
		case *ast.TypeAssertExpr:
			r.ifaceAssert(n)
			r.unwrapAssert(n)
		case *ast.GoStmt:
			gos = append(gos, n)
		case *ast.BinaryExpr:
			// Under ExecuteWithContext, a receive that blocks before && or
			// || loses its value (yaegi's cancellable recv does not store
			// it); !! keeps the value and its type but makes the receive
			// an ordinary operand.
			if n.Op == token.LAND || n.Op == token.LOR {
				for _, x := range []ast.Expr{n.X, n.Y} {
					if u, ok := ast.Unparen(x).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
						r.edits = append(r.edits, edit{r.off(x.Pos()), r.off(x.Pos()), "!!"})
					}
				}
			}
			// a == b of two errors: see sameError.
			if r.ck != nil && len(r.ck.errorCompares) > 0 {
				p := r.pos(n.OpPos)
				if r.ck.errorCompares[rewritePos(p)] {
					call := rtName + ".SameError("
					if n.Op == token.NEQ {
						call = "!" + call
					}
					r.edits = append(r.edits, edit{r.off(n.X.Pos()), r.off(n.X.Pos()), call},
						edit{r.off(n.X.End()), r.off(n.Y.Pos()), ", "},
						edit{r.off(n.Y.End()), r.off(n.Y.End()), ")"})
				}
			}
		}
		return true
	})
	// Innermost go statements first: each becomes one covering edit.
	sort.Slice(gos, func(i, j int) bool { return gos[i].End()-gos[i].Pos() < gos[j].End()-gos[j].Pos() })
	for _, g := range gos {
		r.goStmt(g)
	}
	return walkErr
}

// ifaceConv rewrites the conversion I(x) to a non-empty interface type,
// which yaegi panics on for a value of the user's type ("reflect.Set:
// value of type struct { ... } is not assignable to type error"), into
// a call of a func literal that converts it in a return, which yaegi
// converts well: func(v T) I { return v }(x) if x is a value of the
// user's (see ifaceValue), func() I { return x }() otherwise. It reports
// whether it did.
func (r *rewriter) ifaceConv(c *ast.CallExpr) bool {
	if r.ck == nil || len(c.Args) != 1 {
		return false
	}
	p := r.pos(c.Pos())
	if !r.ck.ifaceConvs[rewritePos(p)] {
		return false
	}
	if iv, ok := r.ifaceValueAt(c.Args[0]); ok {
		r.edits = append(r.edits,
			edit{r.off(c.Pos()), r.off(c.Args[0].Pos()), iv.funcText() + "("},
			edit{r.off(c.Args[0].End()), r.off(c.End()), ")"})
		return true
	}
	r.edits = append(r.edits,
		edit{r.off(c.Pos()), r.off(c.Args[0].Pos()), "func() " + r.text(c.Fun) + " { return "},
		edit{r.off(c.Args[0].End()), r.off(c.End()), " }()"})
	return true
}

// errorsAs rewrites errors.As(err, target), for a target of the user's
// type T (see checked.errorsAs), into a func literal called with the same
// arguments that walks err's chain with comma-ok assertions to T, which
// yaegi gets right where errors.As panics. It follows Unwrap() error
// through the package's Unwrap and asks an As method, as errors.As does,
// where yaegi's assertion finds them (it misses those of the user's
// types); trees of errors (Unwrap() []error) it does not enter.
func (r *rewriter) errorsAs(c *ast.CallExpr) {
	if r.ck == nil {
		return
	}
	p := r.pos(c.Pos())
	t, ok := r.ck.errorsAs[rewritePos(p)]
	if !ok {
		return
	}
	pkg := r.text(ast.Unparen(c.Fun).(*ast.SelectorExpr).X)
	e, tg, v := r.s.temp(), r.s.temp(), r.s.temp()
	fn := fmt.Sprintf("func(%[1]s error, %[2]s *%[3]s) bool { for %[1]s != nil { if %[4]s, ok := %[6]s.Unwrapped(%[1]s).(%[3]s); ok { *%[2]s = %[4]s; return true }; "+
		"if x, ok := %[1]s.(interface{ As(any) bool }); ok && x.As(%[2]s) { return true }; %[1]s = %[5]s.Unwrap(%[1]s) }; return false }(",
		e, tg, t, v, pkg, rtName)
	r.edits = append(r.edits, edit{r.off(c.Pos()), r.off(c.Lparen) + 1, fn})
}

// growCall passes the size of a Grow call the check found (see
// growMethod) through __nnlab_rt.GrowLen, which refuses a size past memory.
func (r *rewriter) growCall(c *ast.CallExpr) {
	if r.ck == nil || len(c.Args) != 1 {
		return
	}
	p := r.pos(c.Pos())
	name := r.ck.grows[rewritePos(p)]
	if name == "" {
		return
	}
	a := c.Args[0]
	r.edits = append(r.edits,
		edit{r.off(a.Pos()), r.off(a.Pos()), rtName + ".GrowLen("},
		edit{r.off(a.End()), r.off(a.End()), fmt.Sprintf(", %q)", name)})
}

// typeArgCall writes out the type arguments of a call of the user's generic
// function that the check inferred (see checked.typeArgs), after its name.
func (r *rewriter) typeArgCall(c *ast.CallExpr) {
	if r.ck == nil {
		return
	}
	id, ok := c.Fun.(*ast.Ident)
	if !ok {
		return
	}
	p := r.pos(id.Pos())
	ta, ok := r.ck.typeArgs[rewritePos(p)]
	if !ok || ta.fn != id.Name {
		return
	}
	r.edits = append(r.edits, edit{r.off(id.End()), r.off(id.End()), ta.args})
}

// spreadCall writes the variadic arguments of a call that the check
// listed (see checked.spreadCalls) as a slice of their own, passed with
// "...": log(a, xs) becomes log([]any{a, xs}...).
func (r *rewriter) spreadCall(c *ast.CallExpr) {
	sp, ok := r.spreadOf(c)
	if !ok {
		return
	}
	r.edits = append(r.edits, edit{r.off(c.Args[sp.first].Pos()), r.off(c.Args[sp.first].Pos()), sp.typ + "{"},
		edit{r.off(c.Args[len(c.Args)-1].End()), r.off(c.Args[len(c.Args)-1].End()), "}..."})
}

// spreadOf is what checked.spreadCalls says of call c, if it lists it
// with variadic arguments.
func (r *rewriter) spreadOf(c *ast.CallExpr) (spread, bool) {
	if r.ck == nil {
		return spread{}, false
	}
	p := r.pos(c.Pos())
	sp, ok := r.ck.spreadCalls[rewritePos(p)]
	return sp, ok && sp.first < len(c.Args)
}

// splitAssigns splits the assignments of list that the check found
// assigning interfaces in parallel (see splitAssign). Only statements of a
// list: a for loop's post statement cannot become several.
func (r *rewriter) splitAssigns(list []ast.Stmt, top bool) {
	for _, st := range list {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if r.ifaceAssign(st) || st.Tok == token.ASSIGN && r.callAssign(st) && !r.held[st] {
				r.splitAssign(st, top)
			}
		case *ast.DeclStmt:
			if !r.splitVar(st, top) && top {
				r.genericVar(st, true)
			}
		}
	}
}

// genericValue reports whether one of values is, as a whole, a call of the
// user's generic function (see checked.genericCalls).
func (r *rewriter) genericValue(values []ast.Expr) bool {
	if r.ck == nil {
		return false
	}
	for _, v := range values {
		if c, ok := ast.Unparen(v).(*ast.CallExpr); ok {
			p := r.pos(c.Pos())
			if r.ck.genericCalls[rewritePos(p)] {
				return true
			}
		}
	}
	return false
}

// genericGlobal rewrites a package-level var declaration (one of a cell
// that also declares funcs or types) whose value is a call of a generic
// function, var x T = G(), which yaegi leaves zero (or, untyped, refuses):
// the call is made in a func literal of x's type, var x T = func() T {
// return G() }(), where yaegi gets it right.
func (r *rewriter) genericGlobal(d ast.Decl) {
	gd, ok := d.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR {
		return
	}
	for _, sp := range gd.Specs {
		vs := sp.(*ast.ValueSpec)
		if !r.genericValue(vs.Values) {
			continue
		}
		var ts []string
		for _, n := range vs.Names {
			t, ok := r.ck.typeText(n.Name)
			if n.Name == "_" || !ok {
				return // yaegi's own message is the best there is
			}
			ts = append(ts, t)
		}
		wrap := func(v ast.Expr, result string) {
			r.edits = append(r.edits, edit{r.off(v.Pos()), r.off(v.Pos()), "func() " + result + " { return "},
				edit{r.off(v.End()), r.off(v.End()), " }()"})
		}
		switch {
		case len(vs.Values) == len(vs.Names):
			for i, v := range vs.Values {
				if r.genericValue([]ast.Expr{v}) {
					wrap(v, ts[i])
				}
			}
		case len(vs.Values) == 1:
			wrap(vs.Values[0], "("+strings.Join(ts, ", ")+")")
		}
	}
}

// genericVar rewrites a var declaration whose value is a call of a
// generic function into a form yaegi gets right: it leaves var x T = G()
// zero (at a cell's top level, and in a function declared after G) and
// refuses var x = G() at the top level.
//   - var x T = G() becomes var x T; x = G(), with the assignment in a
//     block at the top level, where yaegi refuses it outside one;
//   - var x = G() becomes x := G() in a function, and var x T; { x = G() }
//     at the top level, with the type the check found.
func (r *rewriter) genericVar(ds *ast.DeclStmt, top bool) {
	gd, ok := ds.Decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR || gd.Lparen.IsValid() || len(gd.Specs) != 1 {
		return
	}
	vs := gd.Specs[0].(*ast.ValueSpec)
	if len(vs.Values) == 0 || !r.genericValue(vs.Values) {
		return
	}
	last := vs.Names[len(vs.Names)-1]
	names := r.apply(r.off(vs.Names[0].Pos()), r.off(last.End()))
	open := ""
	if top {
		open = "{ "
	}
	switch {
	case vs.Type != nil:
		r.edits = append(r.edits, edit{r.off(vs.Type.End()), r.off(vs.Values[0].Pos()), "; " + open + names + " = "})
	case !top:
		r.edits = append(r.edits, edit{r.off(gd.Pos()), r.off(vs.Names[0].Pos()), ""},
			edit{r.off(last.End()), r.off(vs.Values[0].Pos()), " := "})
	case r.predeclare(vs.Names, ds.Pos(), func(string) bool { return false }):
		r.edits = append(r.edits, edit{r.off(ds.Pos()), r.off(vs.Values[0].Pos()), open + names + " = "})
	default:
		return // no type to declare it with: yaegi's own message is the best there is
	}
	if top {
		end := r.off(vs.Values[len(vs.Values)-1].End())
		r.edits = append(r.edits, edit{end, end, " }"})
	}
}

// ifaceAssign reports whether the check found as assigning an interface
// in parallel.
func (r *rewriter) ifaceAssign(as *ast.AssignStmt) bool {
	if r.ck == nil || !parallelAssign(as, token.ASSIGN) {
		return false
	}
	p := r.pos(as.Pos())
	return r.ck.ifaceAssigns[rewritePos(p)]
}

// goStmt rewrites `go f(a, b)` so that a panic in the goroutine is reported
// instead of killing the process. The arguments are still evaluated at the
// go statement, in a fresh frame, so each goroutine gets its own copies.
func (r *rewriter) goStmt(g *ast.GoStmt) {
	call := g.Call
	line := r.pos(g.Pos()).Line
	cell := r.s.cell
	line %= lineBase
	var binds, names, args []string
	sp, spread := r.spreadOf(call)
	text := func(a ast.Expr, i int) string {
		t := r.apply(r.off(a.Pos()), r.off(a.End()))
		if spread && i == sp.first {
			t = strings.TrimPrefix(t, sp.typ+"{") // spreadCall's; folded below
		}
		if spread && i == len(call.Args)-1 {
			t = strings.TrimSuffix(t, "}...")
		}
		return t
	}
	for i, a := range call.Args {
		switch a := a.(type) {
		case *ast.BasicLit, *ast.FuncLit:
			args = append(args, text(a, i))
			continue
		case *ast.Ident:
			if a.Name == "nil" || a.Name == "true" || a.Name == "false" {
				args = append(args, a.Name)
				continue
			}
		}
		r.s.tmp++
		t := fmt.Sprintf("__nnlab_g%d_%d", r.s.tmp, i)
		names = append(names, t)
		binds = append(binds, text(a, i))
		args = append(args, t)
	}
	ell := ""
	if call.Ellipsis.IsValid() {
		ell = "..."
	}
	if spread {
		args = append(args[:sp.first], sp.typ+"{"+strings.Join(args[sp.first:], ", ")+"}")
		ell = "..."
	}
	fun := r.apply(r.off(call.Fun.Pos()), r.off(call.Fun.End()))
	inner := fmt.Sprintf("go __nnlab_go(%d, %d, func() { %s(%s%s) })", cell, line, fun, strings.Join(args, ", "), ell)
	if len(names) > 0 {
		inner = fmt.Sprintf("func() { %s := %s; %s }()", strings.Join(names, ", "), strings.Join(binds, ", "), inner)
	}
	start, end := r.off(g.Pos()), r.off(g.End())
	var keep []edit
	for _, e := range r.edits {
		if e.start >= start && e.end <= end && !(e.start == end && e.end == end) {
			continue
		}
		keep = append(keep, e)
	}
	r.edits = append(keep, edit{start, end, inner})
}

// commClauseBranch keeps a branch that ends a select's case (break L,
// continue, continue L, goto L) going where Go sends it: yaegi v0.16.1
// sends the last statement of every case to the end of the select, which
// overrode the branch's own target (a break of the enclosing loop only
// left the select). A statement after the branch, never reached, takes
// that place.
func (r *rewriter) commClauseBranch(c *ast.CommClause) {
	if len(c.Body) == 0 {
		return
	}
	b, ok := c.Body[len(c.Body)-1].(*ast.BranchStmt)
	if !ok || (b.Tok == token.BREAK && b.Label == nil) {
		return // a plain break leaves the select, as yaegi has it
	}
	r.edits = append(r.edits, edit{r.off(b.End()), r.off(b.End()), "; _ = 0"})
}

// unwrapsManyDecl reports whether d declares a method Unwrap() []error
// (see Session.errWrappers).
func unwrapsManyDecl(d *ast.FuncDecl) bool {
	if d.Recv == nil || d.Name.Name != "Unwrap" || d.Type.Params.NumFields() != 0 || d.Type.Results.NumFields() != 1 {
		return false
	}
	at, ok := d.Type.Results.List[0].Type.(*ast.ArrayType)
	if !ok || at.Len != nil {
		return false
	}
	id, ok := at.Elt.(*ast.Ident)
	return ok && id.Name == "error"
}

// parenReceive puts a returned receive (return <-ch) in parentheses:
// yaegi v0.16.1 panics storing the bare form's value in the result
// ("reflect.Value.Set using unaddressable value", traefik/yaegi#1725).
func (r *rewriter) parenReceive(v ast.Expr) {
	if u, ok := v.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		r.edits = append(r.edits, edit{r.off(u.Pos()), r.off(u.Pos()), "("}, edit{r.off(u.End()), r.off(u.End()), ")"})
	}
}
