package runtime

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
)

// boundsMsg finds the index or slice expression of the failed top-level
// statement it that is out of range, and says it as Go does: "index out of
// range [5] with length 3". yaegi's panic (reflect's) has no numbers, so
// the operands are evaluated again after the failure; that is done only
// for expressions of globals with no calls but len and cap, which cannot
// change anything. "" when no such expression is found.
func (s *Session) boundsMsg(it *item) string {
	if it == nil || it.decl {
		return ""
	}
	f, _, base, err := parseItem(*it)
	if err != nil || len(f.Decls) == 0 {
		return ""
	}
	src := func(n ast.Node) string { return it.src[int(n.Pos())-1-base : int(n.End())-1-base] }
	msg := ""
	ast.Inspect(f.Decls[0].(*ast.FuncDecl).Body.List[0], func(n ast.Node) bool {
		if msg != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit, *ast.BlockStmt, *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			// Their locals are gone; a global of the same name would lie.
			return false
		case *ast.IndexExpr:
			if pure(n.X) && pure(n.Index) {
				msg = s.indexOut(src(n.X), src(n.Index))
			}
		case *ast.SliceExpr:
			if pure(n.X) && !n.Slice3 && (n.Low == nil || pure(n.Low)) && (n.High == nil || pure(n.High)) {
				lo, hi := "0", ""
				if n.Low != nil {
					lo = src(n.Low)
				}
				if n.High != nil {
					hi = src(n.High)
				}
				msg = s.sliceOut(src(n.X), lo, hi)
			}
		}
		return true
	})
	return msg
}

// pure reports whether e is made of names, constants, fields, operators
// and len or cap only: evaluating it again changes nothing.
func pure(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case nil, *ast.BasicLit, *ast.ParenExpr, *ast.SelectorExpr, *ast.BinaryExpr, *ast.IndexExpr, *ast.StarExpr:
		case *ast.Ident:
			ok = ok && n.Name != "_"
		case *ast.UnaryExpr:
			ok = ok && n.Op != token.ARROW
		case *ast.CallExpr:
			id, isID := n.Fun.(*ast.Ident)
			ok = ok && isID && (id.Name == "len" || id.Name == "cap") && len(n.Args) == 1
			if ok {
				ok = pure(n.Args[0])
			}
			return false
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// evalInt evaluates the integer expression e of the session's globals.
func (s *Session) evalInt(e string) (int64, bool) {
	v, err := s.in.Eval("int64(" + e + ")")
	if err != nil || !v.IsValid() || v.Kind() != reflect.Int64 {
		return 0, false
	}
	return v.Int(), true
}

// kindOf returns the kind of the operand x, through a pointer to an array.
func (s *Session) kindOf(x string) reflect.Kind {
	v, err := s.in.Eval(x)
	if err != nil || !v.IsValid() {
		return reflect.Invalid
	}
	if v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Array {
		return reflect.Array
	}
	return v.Kind()
}

// indexOut says "index out of range [i] with length n" if x[i] is out of
// range, else "".
func (s *Session) indexOut(x, i string) string {
	switch s.kindOf(x) {
	case reflect.Slice, reflect.Array, reflect.String:
	default:
		return ""
	}
	n, ok1 := s.evalInt("len(" + x + ")")
	k, ok2 := s.evalInt(i)
	if !ok1 || !ok2 || k >= 0 && k < n {
		return ""
	}
	if k < 0 {
		return fmt.Sprintf("index out of range [%d]", k)
	}
	return fmt.Sprintf("index out of range [%d] with length %d", k, n)
}

// sliceOut says Go's "slice bounds out of range ..." if x[lo:hi] (hi ""
// for x[lo:]) is out of range, else "".
func (s *Session) sliceOut(x, lo, hi string) string {
	kind := s.kindOf(x)
	limit, what := "cap", "capacity"
	switch kind {
	case reflect.Slice:
	case reflect.Array, reflect.String:
		limit, what = "len", "length"
	default:
		return ""
	}
	c, ok1 := s.evalInt(limit + "(" + x + ")")
	l, ok2 := s.evalInt(lo)
	if !ok1 || !ok2 {
		return ""
	}
	h := int64(-1)
	if hi != "" {
		var ok bool
		if h, ok = s.evalInt(hi); !ok {
			return ""
		}
		if h < 0 || h > c {
			return fmt.Sprintf("slice bounds out of range [:%d] with %s %d", h, what, c)
		}
	} else if h, ok2 = s.evalInt("len(" + x + ")"); !ok2 {
		return ""
	}
	if l < 0 || l > h {
		return fmt.Sprintf("slice bounds out of range [%d:%d]", l, h)
	}
	return ""
}
