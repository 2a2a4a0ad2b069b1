package runtime

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// rangeFunc is a range over a function (an iterator, such as maps.Keys(m)),
// which yaegi v0.16.1 cannot compile: the rewrite calls the function with
// the loop's body as the yield function,
//
//	for k := range seq { body }  →  seq(func(k K) bool { body; return true })
//
// where a continue of the loop becomes return true and a break return
// false. params are the yield function's parameters as the cell writes
// them ("k string"); refuse, if not empty, says why the loop is left as it
// is (a return, a goto or a branch out of it, a defer, or variables
// assigned with =).
type rangeFunc struct {
	params []string
	refuse string
}

// rangeFuncOf returns the plan for the range statement n, ok false if it
// does not range over a function.
// label is the loop's label, or "".
func rangeFuncOf(info *types.Info, n *ast.RangeStmt, label string, qualifier types.Qualifier) (rangeFunc, bool) {
	sig, ok := typeUnder(info.TypeOf(n.X)).(*types.Signature)
	if !ok || sig.Params().Len() != 1 {
		return rangeFunc{}, false
	}
	yield, ok := typeUnder(sig.Params().At(0).Type()).(*types.Signature)
	if !ok {
		return rangeFunc{}, false
	}
	var rf rangeFunc
	vars := []ast.Expr{n.Key, n.Value}
	for i := range yield.Params().Len() {
		name := "_"
		if i < len(vars) && vars[i] != nil {
			id, ok := vars[i].(*ast.Ident)
			if !ok || n.Tok == token.ASSIGN && id.Name != "_" {
				rf.refuse = "its variables are assigned with =, not declared with :="
			} else {
				name = id.Name
			}
		}
		rf.params = append(rf.params, name+" "+types.TypeString(yield.Params().At(i).Type(), qualifier))
	}
	if rf.refuse == "" {
		rf.refuse = rangeBodyRefusal(n, label)
	}
	return rf, true
}

// rangeBodyRefusal says what in the body of n, labeled label, cannot move
// into a func literal, or "".
func rangeBodyRefusal(n *ast.RangeStmt, label string) string {
	why := ""
	ast.Inspect(n.Body, func(x ast.Node) bool {
		if why != "" {
			return false
		}
		switch x := x.(type) {
		case *ast.FuncLit:
			return false // its returns and branches are its own
		case *ast.ReturnStmt:
			why = "its body returns from the function"
		case *ast.DeferStmt:
			why = "its body defers a call"
		case *ast.BranchStmt:
			if x.Tok == token.GOTO {
				why = "its body has a goto"
			} else if x.Label != nil && x.Label.Name != label && !labelInside(n.Body, x.Label.Name) {
				why = "its body breaks or continues an outer statement"
			}
		}
		return true
	})
	return why
}

// labelInside reports whether a statement inside body is labeled name.
func labelInside(body ast.Node, name string) bool {
	found := false
	ast.Inspect(body, func(x ast.Node) bool {
		if l, ok := x.(*ast.LabeledStmt); ok && l.Label.Name == name {
			found = true
		}
		return !found
	})
	return found
}

// loopBranches returns the break and continue statements of the body of
// the loop n (labeled label, or "") that leave or continue n itself.
func loopBranches(n *ast.RangeStmt, label string) []*ast.BranchStmt {
	var out []*ast.BranchStmt
	// inLoop and inBreak say whether a statement between n and the node
	// would take an unlabeled continue or break instead of n.
	var visit func(x ast.Node, inLoop, inBreak bool)
	visit = func(x ast.Node, inLoop, inBreak bool) {
		ast.Inspect(x, func(y ast.Node) bool {
			if y == x {
				return true
			}
			switch y := y.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				visit(y, true, true)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				visit(y, inLoop, true)
				return false
			case *ast.BranchStmt:
				switch {
				case y.Label != nil:
					if y.Label.Name == label && (y.Tok == token.BREAK || y.Tok == token.CONTINUE) {
						out = append(out, y)
					}
				case y.Tok == token.CONTINUE && !inLoop, y.Tok == token.BREAK && !inBreak:
					out = append(out, y)
				}
			}
			return true
		})
	}
	visit(n.Body, false, false)
	return out
}

// rangeFuncCall rewrites the range over a function n by its plan (see
// rangeFunc), or returns why it cannot.
func (r *rewriter) rangeFuncCall(n *ast.RangeStmt, label string, rf rangeFunc) error {
	if rf.refuse != "" {
		return r.errorf(n.Pos(), "the interpreter under nnlab cannot range over a function (an iterator) whose loop %s; call it with the body as its yield function instead: %s(func(%s) bool { ...; return true }), or range over slices.Collect(...)", rf.refuse, r.text(n.X), strings.Join(rf.params, ", "))
	}
	r.edits = append(r.edits,
		edit{r.off(n.For), r.off(n.X.Pos()), ""},
		edit{r.off(n.X.End()), r.off(n.Body.Lbrace), fmt.Sprintf("(func(%s) bool ", strings.Join(rf.params, ", "))},
		// The closing brace is replaced, not followed: an insertion after
		// it (a wrapper of the cell's statement) must come after the ")".
		edit{r.off(n.Body.Rbrace), r.off(n.Body.Rbrace) + 1, "; return true })"})
	for _, b := range loopBranches(n, label) {
		text := "return true"
		if b.Tok == token.BREAK {
			text = "return false"
		}
		r.edits = append(r.edits, edit{r.off(b.Pos()), r.off(b.End()), text})
	}
	return nil
}

// rangeFuncAt returns the check's plan for the range statement n.
func (r *rewriter) rangeFuncAt(n *ast.RangeStmt) (rangeFunc, bool) {
	if r.ck == nil || len(r.ck.rangeFuncs) == 0 {
		return rangeFunc{}, false
	}
	p := r.pos(n.Pos())
	rf, ok := r.ck.rangeFuncs[rewritePos(p)]
	return rf, ok
}
