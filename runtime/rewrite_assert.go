package runtime

import (
	"fmt"
	"go/ast"
	"go/types"
	"iter"
	"strings"
)

// ifaceAssert is an assertion x.(I) to a non-empty interface I (or a type
// switch's case I) that the rewrite replaces (see checked.ifaceAsserts):
// yaegi v0.16.1 often answers false, or panics ("reflect.Set: value of
// type interface {} is not assignable to type interp.valueInterface"),
// for a value of the user's own type kept in an interface, while its
// comma-ok assertion to that concrete type holds. So the value is tried
// against each of the session's types that implement I, in a func
// literal, and only then against I itself (for compiled types, which
// yaegi gets right).
type ifaceAssert struct {
	iface   string   // I as the cell writes it
	cands   []string // the user's types (T or *T) that implement I
	commaOk bool     // v, ok := x.(I), not v := x.(I)
	unwrap  bool     // x may hold one of yaegi's wrappers (see unwrapAssert)
}

// ifaceAssertOf returns the rewrite of an assertion to t at pos, ok false
// if t is not a non-empty interface or no type of the user's implements
// it. A candidate that is alike in structure to another of the user's
// types (which yaegi's assertion would take for it), or whose name means
// something else where the assertion is, leaves the assertion to yaegi.
func ifaceAssertOf(t types.Type, at *types.Scope, qualifier types.Qualifier, globals iter.Seq[types.Object]) (ifaceAssert, bool) {
	it, ok := t.Underlying().(*types.Interface)
	if !ok || it.Empty() {
		return ifaceAssert{}, false
	}
	if n, ok := types.Unalias(t).(*types.Named); ok && n.TypeParams().Len() > 0 {
		return ifaceAssert{}, false
	}
	a := ifaceAssert{iface: types.TypeString(t, qualifier)}
	for o := range globals {
		tn, ok := o.(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		n, ok := tn.Type().(*types.Named)
		if !ok || n.TypeParams().Len() > 0 || types.IsInterface(n) || !ownType(n) {
			continue
		}
		val, ptr := types.Implements(n, it), types.Implements(types.NewPointer(n), it)
		if !val && !ptr {
			continue
		}
		if alike(n, globals) {
			return ifaceAssert{}, false
		}
		if at != nil {
			if _, found := at.LookupParent(tn.Name(), at.End()); found != nil && found != tn && found.Parent() != types.Universe {
				return ifaceAssert{}, false // shadowed where the assertion is
			}
		}
		if val {
			a.cands = append(a.cands, tn.Name())
		}
		a.cands = append(a.cands, "*"+tn.Name())
	}
	if len(a.cands) == 0 || strings.Contains(a.iface, "invalid type") {
		return ifaceAssert{}, false
	}
	return a, true
}

// text is the func literal that stands for the assertion, called with x
// (an interface value) as its argument: one comma-ok assertion to each
// candidate, then to I.
func (a ifaceAssert) text() string {
	v, c, ok := hidden+"_v", hidden+"_c", hidden+"_ok"
	var b strings.Builder
	if a.commaOk {
		fmt.Fprintf(&b, "func(%s any) (%s, bool) { ", v, a.iface)
	} else {
		fmt.Fprintf(&b, "func(%s any) %s { ", v, a.iface)
	}
	for _, t := range a.cands {
		ret := c
		if a.commaOk {
			ret += ", true"
		}
		x := v
		if a.unwrap {
			x = rtName + ".Unwrapped(" + v + ")"
		}
		fmt.Fprintf(&b, "if %s, %s := %s.(%s); %s { return %s }; ", c, ok, x, t, ok, ret)
	}
	if a.commaOk {
		fmt.Fprintf(&b, "%s, %s := %s.(%s); return %s, %s }", c, ok, v, a.iface, c, ok)
	} else {
		fmt.Fprintf(&b, "return %s.(%s) }", v, a.iface)
	}
	return b.String()
}

// ifaceAssert rewrites x.(I), if the check chose it (see
// checked.ifaceAsserts), into the func literal of ifaceAssert.text called
// with x.
func (r *rewriter) ifaceAssert(n *ast.TypeAssertExpr) {
	if r.ck == nil || n.Type == nil || len(r.ck.ifaceAsserts) == 0 {
		return
	}
	p := r.pos(n.Lparen)
	a, ok := r.ck.ifaceAsserts[rewritePos(p)]
	if !ok {
		return
	}
	r.edits = append(r.edits,
		edit{r.off(n.X.Pos()), r.off(n.X.Pos()), "(" + a.text() + ")("},
		edit{r.off(n.X.End()), r.off(n.End()), ")"})
}

// unwrapAssert rewrites x.(T), for T a concrete type of the user's or a
// pointer to one and x not of an interface type of the user's (see
// checked.ownAsserts), into rt.Unwrapped(x).(T).
// yaegi v0.16.1 keeps a value of the user's type that it stores in an
// error (or another compiled interface) either bare or inside a wrapper
// struct of its own (interp._error, whose IValue holds the value), and
// its assertion to T fails on both: false for var e error = E{} (or a
// panic, "reflect.Value.Elem on struct Value"), false for an error a
// function returned. Its assertion on an any that holds the bare value
// holds. A value in an interface of the user's is kept without wrapper
// (and yaegi fails to pass some, struct{} in one, to compiled code).
func (r *rewriter) unwrapAssert(n *ast.TypeAssertExpr) {
	if r.ck == nil || n.Type == nil || len(r.ck.ownAsserts) == 0 {
		return
	}
	p := r.pos(n.Lparen)
	if !r.ck.ownAsserts[rewritePos(p)] {
		return
	}
	r.edits = append(r.edits,
		edit{r.off(n.X.Pos()), r.off(n.X.Pos()), rtName + ".Unwrapped("},
		edit{r.off(n.X.End()), r.off(n.X.End()), ")"})
}
