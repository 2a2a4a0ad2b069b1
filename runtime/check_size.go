package runtime

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	goruntime "runtime"

	"github.com/nnlab/nnlab/internal/memlimit"
)

// tooLarge finds the first value in f whose type alone is larger than one
// allocation may be: a variable, parameter, composite literal, conversion
// or new(T) of a type such as [1 << 40]byte. Go's compiler refuses most of
// these when it builds; yaegi would allocate them and the process would end
// out of memory, so the cell is refused before it runs.
func tooLarge(f *ast.File, fset *token.FileSet, info *types.Info) *types.Error {
	sizes := types.SizesFor("gc", goruntime.GOARCH)
	limit := memlimit.Limit()
	var found *types.Error
	check := func(pos token.Pos, what string, t types.Type) {
		if t == nil || found != nil {
			return
		}
		n := sizeof(sizes, t)
		if n >= 0 && uint64(n) <= limit {
			return
		}
		e := &memlimit.Error{What: fmt.Sprintf("%s (%s)", what, t), Bytes: ^uint64(0)}
		if n >= 0 {
			e.Bytes = uint64(n)
		}
		found = &types.Error{Fset: fset, Pos: pos, Msg: e.Error()}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.Ident:
			if v, ok := info.Defs[n].(*types.Var); ok && !v.IsField() {
				check(n.Pos(), n.Name, v.Type())
			}
		case *ast.CompositeLit:
			check(n.Pos(), "composite literal", info.TypeOf(n))
		case *ast.CallExpr:
			fun := ast.Unparen(n.Fun)
			if tv, ok := info.Types[fun]; ok && tv.IsType() {
				check(n.Pos(), "conversion", info.TypeOf(n))
			} else if id, ok := fun.(*ast.Ident); ok && len(n.Args) == 1 {
				if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "new" {
					check(n.Pos(), "new", info.TypeOf(n.Args[0]))
				}
			}
		}
		return true
	})
	return found
}

// sizeof is sizes.Sizeof: negative if the size overflows int64, and 0 for
// a type whose size is not known before it runs (one with type parameters,
// where Sizeof panics).
func sizeof(sizes types.Sizes, t types.Type) (n int64) {
	defer func() {
		if recover() != nil {
			n = 0
		}
	}()
	return sizes.Sizeof(t)
}

// growMethod names the method of a call x.Grow(n) whose size n counts
// bytes of a compiled type ("strings.Builder.Grow", "bytes.Buffer.Grow"),
// or is "" for any other call. Such a Grow allocates n bytes at once, out
// of reach of the make check; the rewrite passes n through growLen.
func growMethod(c *ast.CallExpr, info *types.Info) string {
	sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Grow" || len(c.Args) != 1 {
		return ""
	}
	s := info.Selections[sel]
	if s == nil || s.Kind() != types.MethodVal {
		return ""
	}
	// The method's own receiver: a Grow promoted from an embedded
	// bytes.Buffer is the Buffer's.
	fn, _ := s.Obj().(*types.Func)
	if fn == nil || fn.Type().(*types.Signature).Recv() == nil {
		return ""
	}
	named, _ := derefNamed(fn.Type().(*types.Signature).Recv().Type())
	if named == nil || named.Obj().Pkg() == nil {
		return ""
	}
	name := named.Obj().Pkg().Path() + "." + named.Obj().Name()
	switch name {
	case "strings.Builder", "bytes.Buffer":
		return name + ".Grow"
	}
	return ""
}
