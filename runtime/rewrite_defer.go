package runtime

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"
)

// deferPlan is how a defer statement inside a function is rewritten so
// that its function value, receiver and arguments are evaluated when the
// defer runs, as in Go. yaegi v0.16.1 keeps references to the slots of
// the deferred call's operands and reads them when the function returns:
// x := 1; defer fmt.Println(x); x = 2 printed 2, defer q.Close() in a loop
// closed the last q every time, and a deferred call of a local func
// variable (defer fn()) never returned (it waits on its own frame's lock).
// The rewrite evaluates them in a func literal of their own, which
// returns the call to defer:
//
//	d := func() func() { f, a := F, x; return func() { f(a) } }(); defer d()
//
// and for a method X.M, r := X (or &X, for a pointer method of a value)
// with return func() { r.M(a) }: yaegi's method values read their
// receiver late too.
type deferPlan struct {
	recv  string         // "" for no method value, "=" to copy X, "&" to take its address
	convs map[int]string // untyped constant and nil arguments: the type to give them
}

// deferPlanOf returns the plan for the defer statement d, ok false for a
// call that needs none or that the rewrite leaves to yaegi: a builtin, a
// conversion, a generic function, a func literal with a recover (which
// must stay the deferred function itself). A func literal without
// arguments is rewritten too: yaegi made its closure when the function
// returned, so one deferred in a loop saw the last turn's variables.
func deferPlanOf(info *types.Info, d *ast.DeferStmt, qualifier types.Qualifier) (deferPlan, bool) {
	c := d.Call
	fun := ast.Unparen(c.Fun)
	tv, ok := info.Types[c.Fun]
	if !ok || tv.IsType() || tv.IsBuiltin() {
		return deferPlan{}, false
	}
	sig, ok := typeUnder(tv.Type).(*types.Signature)
	if !ok || sig.TypeParams().Len() > 0 {
		return deferPlan{}, false
	}
	var p deferPlan
	switch f := fun.(type) {
	case *ast.FuncLit:
		if callsRecover(f) {
			return deferPlan{}, false
		}
	case *ast.IndexExpr, *ast.IndexListExpr:
		return deferPlan{}, false
	case *ast.Ident:
		if inst, ok := info.Instances[f]; ok && inst.TypeArgs.Len() > 0 {
			return deferPlan{}, false
		}
		if _, isFunc := info.Uses[f].(*types.Func); isFunc && len(c.Args) == 0 {
			return deferPlan{}, false // nothing evaluated late
		}
	case *ast.SelectorExpr:
		if inst, ok := info.Instances[f.Sel]; ok && inst.TypeArgs.Len() > 0 {
			return deferPlan{}, false
		}
		sel, ok := info.Selections[f]
		if !ok {
			if len(c.Args) == 0 {
				return deferPlan{}, false // pkg.F()
			}
			break
		}
		if sel.Kind() == types.MethodVal {
			p.recv = "="
			m := sel.Obj().(*types.Func).Type().(*types.Signature)
			_, ptrMethod := m.Recv().Type().(*types.Pointer)
			_, ptrX := typeUnder(info.TypeOf(f.X)).(*types.Pointer)
			if ptrMethod && !ptrX && !types.IsInterface(info.TypeOf(f.X)) {
				p.recv = "&"
			}
		}
	}
	params := sig.Params()
	for i, a := range c.Args {
		at := info.Types[a]
		var conv types.Type
		switch {
		case at.IsNil():
			// nil: the parameter's type.
			switch {
			case sig.Variadic() && i >= params.Len()-1:
				if sl, ok := params.At(params.Len() - 1).Type().(*types.Slice); ok && !c.Ellipsis.IsValid() {
					conv = sl.Elem()
				}
			case i < params.Len():
				conv = params.At(i).Type()
			}
			if conv == nil {
				return deferPlan{}, false
			}
		case at.Value != nil:
			// A constant: the type the check gave it at the call (byte for
			// 200 passed as a byte), which := would not.
			if b, ok := at.Type.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
				continue
			}
			conv = at.Type
		default:
			continue
		}
		if p.convs == nil {
			p.convs = map[int]string{}
		}
		p.convs[i] = types.TypeString(conv, qualifier)
	}
	return p, true
}

// callsRecover reports whether the func literal f calls recover.
func callsRecover(f *ast.FuncLit) bool {
	found := false
	ast.Inspect(f.Body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(c.Fun).(*ast.Ident); ok && id.Name == "recover" {
				found = true
			}
		}
		return !found
	})
	return found
}

// deferCall rewrites the defer statement d inside a function by its plan
// (see deferPlan). The operands keep their text, and the edits inside it.
func (r *rewriter) deferCall(d *ast.DeferStmt) {
	if r.ck == nil {
		return
	}
	p := r.pos(d.Pos())
	plan, ok := r.ck.defers[rewritePos(p)]
	if !ok {
		return
	}
	if _, ok := r.spreadOf(d.Call); ok {
		return // its variadic arguments become one slice (see spreadCall)
	}
	c := d.Call
	fn := r.s.temp()
	var names, args []string
	for range c.Args {
		a := r.s.temp()
		names = append(names, a)
		args = append(args, a)
	}
	// call is the deferred call, of the values bound in the literal.
	var call string
	r.edits = append(r.edits, edit{r.off(d.Defer), r.off(c.Pos()), fn + " := func() func() { "})
	if sel, ok := c.Fun.(*ast.SelectorExpr); ok && plan.recv != "" {
		// R.M(...) in the returned func: yaegi's method values of
		// compiled types do not convert (func() is not func(*sync.Mutex)).
		recv := r.s.temp()
		amp := ""
		if plan.recv == "&" {
			amp = "&"
		}
		call = recv + "." + sel.Sel.Name
		bind := "; "
		if len(names) > 0 {
			bind += strings.Join(names, ", ") + " := "
		}
		r.edits = append(r.edits,
			edit{r.off(c.Pos()), r.off(c.Pos()), recv + " := " + amp},
			edit{r.off(sel.X.End()), r.off(c.Lparen) + 1, bind})
	} else {
		fv := r.s.temp()
		call = fv
		r.edits = append(r.edits,
			edit{r.off(c.Pos()), r.off(c.Pos()), strings.Join(append([]string{fv}, names...), ", ") + " := "})
		sep := ""
		if len(c.Args) > 0 {
			sep = ", "
		}
		r.edits = append(r.edits, edit{r.off(c.Lparen), r.off(c.Lparen) + 1, sep})
	}
	for i, a := range c.Args {
		if t, ok := plan.convs[i]; ok {
			r.edits = append(r.edits,
				edit{r.off(a.Pos()), r.off(a.Pos()), "(" + t + ")("},
				edit{r.off(a.End()), r.off(a.End()), ")"})
		}
	}
	ell := ""
	if c.Ellipsis.IsValid() {
		ell = "..."
		r.edits = append(r.edits, edit{r.off(c.Ellipsis), r.off(c.Ellipsis) + 3, ""})
	}
	r.edits = append(r.edits, edit{r.off(c.Rparen), r.off(c.Rparen) + 1,
		fmt.Sprintf("; return func() { %s(%s%s) } }(); defer %s()", call, strings.Join(args, ", "), ell, fn)})
}

// deferFrameLits returns the func literals of f that are made in the
// frame of a function with a defer statement (not inside a literal of
// their own), other than the deferred and the go statements' functions.
// yaegi v0.16.1 locks a function's frame while its deferred calls run,
// and a closure made in that frame locks it again after each call: a
// deferred call that called such a closure (cleanup := func() {...};
// defer func() { cleanup() }()) never returned. Made in a frame of its
// own (func() T { return lit }()), the closure locks that one instead.
//
// The cell's own statements (top) do not count: the session runs their
// deferred calls after the cell (see Session.runDefers).
func deferFrameLits(f *ast.File, top *ast.BlockStmt) map[*ast.FuncLit]bool {
	out := map[*ast.FuncLit]bool{}
	var visit func(body *ast.BlockStmt)
	visit = func(body *ast.BlockStmt) {
		var lits []*ast.FuncLit
		skip := map[*ast.FuncLit]bool{}
		defers := false
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.DeferStmt:
				defers = true
				if l, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
					skip[l] = true
				}
			case *ast.GoStmt:
				if l, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
					skip[l] = true
				}
			case *ast.FuncLit:
				lits = append(lits, n)
				visit(n.Body)
				return false
			}
			return true
		})
		if !defers || body == top {
			return
		}
		for _, l := range lits {
			if !skip[l] {
				out[l] = true
			}
		}
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			visit(fd.Body)
		}
	}
	return out
}

// ownFrameLit makes the func literal l in a frame of its own (see
// deferFrameLits).
func (r *rewriter) ownFrameLit(l *ast.FuncLit) {
	start, end := r.off(l.Pos()), r.off(l.End())
	for _, e := range r.edits {
		if e.start < e.end && e.start <= start && e.end >= end {
			return // inside a statement rewritten whole, which copies its text
		}
	}
	typ := r.apply(r.off(l.Type.Pos()), r.off(l.Type.End()))
	r.edits = append(r.edits,
		edit{start, start, "func() " + typ + " { return "},
		edit{end, end, " }()"})
}

// methodValueRecv returns the types of x and of the method value for
// x.M (n), ok false unless it is a method value not called at once of a
// value method of the user's non-generic type on a value (not a
// pointer, not an interface). yaegi v0.16.1 reads such a receiver when
// the method value is called, not when it is made (f := p.Sum; p.Y = 9;
// f() saw the 9), so the rewrite binds a copy, in a frame of its own:
//
//	func(r T) func() int { return r.Sum }(p)
func methodValueRecv(info *types.Info, n *ast.SelectorExpr, called bool, qualifier types.Qualifier) ([2]string, bool) {
	sel, ok := info.Selections[n]
	if called || !ok || sel.Kind() != types.MethodVal {
		return [2]string{}, false
	}
	xt := info.TypeOf(n.X)
	if xt == nil || types.IsInterface(xt) {
		return [2]string{}, false
	}
	if _, ptr := typeUnder(xt).(*types.Pointer); ptr {
		return [2]string{}, false
	}
	if _, ptr := sel.Obj().(*types.Func).Type().(*types.Signature).Recv().Type().(*types.Pointer); ptr {
		return [2]string{}, false
	}
	named, ok := types.Unalias(xt).(*types.Named)
	if !ok || !ownType(named) || named.TypeArgs().Len() > 0 || named.TypeParams().Len() > 0 {
		return [2]string{}, false
	}
	return [2]string{types.TypeString(xt, qualifier), types.TypeString(info.TypeOf(n), qualifier)}, true
}

// methodValue rewrites the method value x.M the check chose (see
// methodValueRecv) into a func literal that binds a copy of x.
func (r *rewriter) methodValue(n *ast.SelectorExpr) {
	if r.ck == nil || len(r.ck.methodValues) == 0 {
		return
	}
	p := r.pos(n.Sel.Pos())
	t, ok := r.ck.methodValues[rewritePos(p)]
	if !ok {
		return
	}
	v := hidden + "_r"
	r.edits = append(r.edits,
		edit{r.off(n.X.Pos()), r.off(n.X.Pos()), fmt.Sprintf("func(%s %s) %s { return %s.%s }(", v, t[0], t[1], v, n.Sel.Name)},
		edit{r.off(n.X.End()), r.off(n.End()), ")"})
}
