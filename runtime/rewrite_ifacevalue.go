package runtime

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"
)

// ifaceValue is a value of the user's type T (or *T) that the cell stores
// in a non-empty interface I of a compiled package (error, fmt.Stringer,
// ...): in a var declaration or an assignment, as a call's argument (an
// append's too), an element of a composite literal, a value sent on a
// channel or a conversion I(x). yaegi v0.16.1 wraps such a value in a
// struct whose methods read the receiver from the slot of the expression
// that gave it, when they are called: a later change to that variable,
// or the next turn of a loop, changes what the stored value says
// (errors appended in a loop all printed the last one; e := E{1}; var
// err error = e; e.Code = 2 made err say 2), and fmt missed the methods
// of a value stored bare (var e error = MyErr{} printed {}). The rewrite
// converts a copy, in a frame of its own:
//
//	func(v T) I { return v }(x)
type ifaceValue struct {
	iface string // I as the cell can write it
	typ   string // T or *T
}

// funcText is the func literal that converts its argument. A value (not
// a pointer) gets its wrapper's value set right (see stdlib.Keep), which
// an assertion to the user's type reads.
func (iv ifaceValue) funcText() string {
	v := hidden + "_v"
	switch {
	case strings.HasPrefix(iv.typ, "*"):
	case iv.iface == "error":
		return fmt.Sprintf("func(%s %s) error { return %s.KeepError(func() error { return %s }(), %s) }", v, iv.typ, rtName, v, v)
	default:
		return fmt.Sprintf("func(%s %s) %s { return %s.Keep(func() %s { return %s }(), %s).(%s) }", v, iv.typ, iv.iface, rtName, iv.iface, v, v, iv.iface)
	}
	return fmt.Sprintf("func(%s %s) %s { return %s }", v, iv.typ, iv.iface, v)
}

// ifaceValueOf returns the ifaceValue of v, ok false unless to is a
// non-empty interface of a compiled package and v a value of the user's
// own non-interface type or a pointer to one. Values of type parameters
// and of generic types instantiated with them stay as they are. (An any
// is left alone: a value passed through a conversion to it loses its
// methods for the display.)
func ifaceValueOf(info *types.Info, to types.Type, v ast.Expr, qualifier types.Qualifier) (ifaceValue, bool) {
	if to == nil || ownType(to) {
		return ifaceValue{}, false
	}
	if it, ok := to.Underlying().(*types.Interface); !ok || it.Empty() {
		return ifaceValue{}, false
	}
	vt := info.TypeOf(v)
	if vt == nil {
		return ifaceValue{}, false
	}
	base := vt
	if p, ok := types.Unalias(vt).(*types.Pointer); ok {
		base = p.Elem()
	}
	n, ok := types.Unalias(base).(*types.Named)
	if !ok || !ownType(n) || types.IsInterface(n) {
		return ifaceValue{}, false
	}
	if _, ok := n.Underlying().(*types.Pointer); ok {
		return ifaceValue{}, false
	}
	for t := range n.TypeArgs().Types() {
		if _, ok := t.(*types.TypeParam); ok {
			return ifaceValue{}, false
		}
	}
	if _, ok := to.(*types.TypeParam); ok {
		return ifaceValue{}, false
	}
	return ifaceValue{iface: types.TypeString(to, qualifier), typ: types.TypeString(vt, qualifier)}, true
}

// argsIface passes each argument of the call c, with the type of its
// parameter, to store; a conversion and a spread final argument (f(xs...))
// it leaves out.
func argsIface(info *types.Info, c *ast.CallExpr, store func(types.Type, ast.Expr)) {
	if tv, ok := info.Types[c.Fun]; !ok || tv.IsType() {
		return
	}
	sig, ok := typeUnder(info.TypeOf(c.Fun)).(*types.Signature)
	if !ok {
		return
	}
	params := sig.Params()
	if isFunc(info, c, "fmt", "Errorf") {
		// %w keeps the error it wraps, for errors.As to find: so the
		// arguments that are errors go in as errors (see
		// stdlib.KeepError).
		errType := types.Universe.Lookup("error").Type()
		for _, a := range c.Args[1:] {
			if t := info.TypeOf(a); t != nil && types.Implements(t, errType.Underlying().(*types.Interface)) {
				store(errType, a)
			}
		}
		return
	}
	for i, a := range c.Args {
		switch {
		case sig.Variadic() && i >= params.Len()-1:
			if c.Ellipsis.IsValid() {
				return
			}
			if sl, ok := params.At(params.Len() - 1).Type().(*types.Slice); ok {
				store(sl.Elem(), a)
			}
		case i < params.Len():
			store(params.At(i).Type(), a)
		}
	}
}

// elemsIface passes each element of a composite literal of type t, with
// the type it is stored as, to store.
func elemsIface(t types.Type, elts []ast.Expr, store func(types.Type, ast.Expr)) {
	for i, e := range elts {
		kv, _ := e.(*ast.KeyValueExpr)
		val := e
		if kv != nil {
			val = kv.Value
		}
		switch u := typeUnder(t).(type) {
		case *types.Slice:
			store(u.Elem(), val)
		case *types.Array:
			store(u.Elem(), val)
		case *types.Map:
			if kv != nil {
				store(u.Key(), kv.Key)
				store(u.Elem(), val)
			}
		case *types.Struct:
			if kv == nil && i < u.NumFields() {
				store(u.Field(i).Type(), val)
				continue
			}
			if id, ok := kv.Key.(*ast.Ident); ok {
				for f := range u.Fields() {
					if f.Name() == id.Name {
						store(f.Type(), val)
					}
				}
			}
		}
	}
}

// ifaceValue rewrites v, if the check recorded it (see ifaceValue), into
// the call of the func literal that converts it.
func (r *rewriter) ifaceValue(v ast.Expr) {
	iv, ok := r.ifaceValueAt(v)
	if !ok {
		return
	}
	start, end := r.off(v.Pos()), r.off(v.End())
	for _, e := range r.edits {
		if e.start < e.end && e.start <= start && e.end >= end {
			// Inside a statement rewritten whole (holdAssign), which
			// copies the value's text: an insertion at its end would land
			// after the statement.
			return
		}
	}
	r.edits = append(r.edits,
		edit{start, start, iv.funcText() + "("},
		edit{end, end, ")"})
}

// ifaceValueAt is the ifaceValue the check recorded at v.
func (r *rewriter) ifaceValueAt(v ast.Expr) (ifaceValue, bool) {
	if r.ck == nil {
		return ifaceValue{}, false
	}
	p := r.pos(v.Pos())
	iv, ok := r.ck.ifaceValues[rewritePos(p)]
	return iv, ok
}

// returnsIface passes each value that a return statement in n returns,
// with the type of its result, to store; sig is the signature of the
// func n is in, nil outside of one.
func returnsIface(info *types.Info, n ast.Node, sig *types.Signature, store func(types.Type, ast.Expr)) {
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncDecl:
			if m == n {
				return true
			}
			if fn, ok := info.Defs[m.Name].(*types.Func); ok && m.Body != nil {
				returnsIface(info, m.Body, fn.Type().(*types.Signature), store)
			}
			return false
		case *ast.FuncLit:
			if s, ok := info.TypeOf(m).(*types.Signature); ok {
				returnsIface(info, m.Body, s, store)
			}
			return false
		case *ast.ReturnStmt:
			if sig != nil && len(m.Results) == sig.Results().Len() {
				for i, v := range m.Results {
					store(sig.Results().At(i).Type(), v)
				}
			}
		}
		return true
	})
}

// isFunc reports whether c calls the function name of the package path.
func isFunc(info *types.Info, c *ast.CallExpr, path, name string) bool {
	sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	fn, ok := info.Uses[sel.Sel].(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == path && fn.Name() == name
}
