package runtime

import (
	"go/ast"
	"go/token"
	"reflect"
)

// Integer inference: a range loop is rewritten as a counting loop (yaegi
// lacks Go 1.22's range over an integer) only if what it ranges over is an
// integer, found from the names the cell and the session declare.

// intKinds are the names of Go's integer types.
var intKinds = map[string]bool{"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true, "byte": true, "rune": true}

// collectInts notes the names this chunk declares with an integer type, and
// those it declares otherwise (a name seen both ways is not trusted).
func (r *rewriter) collectInts(f *ast.File) {
	mark := func(id *ast.Ident, isInt bool) {
		if isInt {
			r.ints[id.Name] = true
		} else {
			r.notInts[id.Name] = true
		}
	}
	typeIsInt := func(e ast.Expr) bool { id, ok := e.(*ast.Ident); return ok && intKinds[id.Name] }
	for pass := 0; pass < 2; pass++ {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Field:
				for _, id := range n.Names {
					mark(id, typeIsInt(n.Type))
				}
			case *ast.ValueSpec:
				for i, id := range n.Names {
					switch {
					case n.Type != nil:
						mark(id, typeIsInt(n.Type))
					case i < len(n.Values) && len(n.Values) == len(n.Names):
						if r.isInt(n.Values[i]) {
							mark(id, true)
						}
					}
				}
			case *ast.AssignStmt:
				if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
					for i, e := range n.Lhs {
						if id, ok := e.(*ast.Ident); ok && r.isInt(n.Rhs[i]) {
							mark(id, true)
						}
					}
				}
			}
			return true
		})
	}
}

// isInt reports whether e is surely an integer expression.
func (r *rewriter) isInt(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.INT
	case *ast.ParenExpr:
		return r.isInt(e.X)
	case *ast.UnaryExpr:
		return (e.Op == token.SUB || e.Op == token.ADD || e.Op == token.XOR) && r.isInt(e.X)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR, token.XOR, token.AND_NOT:
			return r.isInt(e.X) && r.isInt(e.Y)
		case token.SHL, token.SHR:
			return r.isInt(e.X)
		}
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok {
			return id.Name == "len" || id.Name == "cap" || intKinds[id.Name]
		}
	case *ast.Ident:
		if r.ints[e.Name] && !r.notInts[e.Name] {
			return true
		}
		if r.notInts[e.Name] || r.ints[e.Name] {
			return false
		}
		if y := r.s.syms[e.Name]; y != nil && (y.kind == symVar || y.kind == symConst) {
			return r.s.kindIsInt(e.Name)
		}
	case *ast.SelectorExpr:
		if root := rootIdent(e); root != nil {
			if y := r.s.syms[root.Name]; (y != nil && y.kind == symVar) || r.s.imports[root.Name] != "" {
				return r.s.kindIsInt(r.text(e))
			}
		}
	}
	return false
}

func rootIdent(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.SelectorExpr:
			e = x.X
		case *ast.Ident:
			return x
		default:
			return nil
		}
	}
}

// kindIsInt evaluates a side-effect-free expression (identifiers and field
// selections only) and reports whether it is an integer.
func (s *Session) kindIsInt(expr string) bool {
	v, err := s.in.Eval(expr)
	if err != nil || !v.IsValid() {
		return false
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}
