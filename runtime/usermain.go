package runtime

import "go/ast"

// userMain is the name a cell's own func main has inside the interpreter.
// yaegi runs a function called main after every program it executes, so a
// `func main() {...}` typed into a cell would run at once and again after
// every later cell. Under another name it is an ordinary function that
// runs when the user calls main().
const userMain = hidden + "_usermain"

// declaresMain reports whether f declares a top-level func main.
func declaresMain(f *ast.File) bool {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return true
		}
	}
	return false
}

// renameMain renames every identifier main in the cell's code to userMain,
// keeping the names that are not references: selected fields and methods,
// struct fields, interface methods, method declarations and the keys of
// composite literals. For a statement chunk only the body is renamed; its
// wrapping func main is the chunk itself.
func renameMain(f *ast.File, decl bool) {
	keep := map[*ast.Ident]bool{f.Name: true} // the package clause
	visit := func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			keep[n.Sel] = true
		case *ast.StructType:
			for _, fl := range n.Fields.List {
				for _, id := range fl.Names {
					keep[id] = true
				}
			}
		case *ast.InterfaceType:
			for _, fl := range n.Methods.List {
				for _, id := range fl.Names {
					keep[id] = true
				}
			}
		case *ast.FuncDecl:
			if n.Recv != nil {
				keep[n.Name] = true
			}
		case *ast.CompositeLit:
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						keep[id] = true
					}
				}
			}
		case *ast.Ident:
			if n.Name == "main" && !keep[n] {
				n.Name = userMain
			}
		}
		return true
	}
	if decl {
		ast.Inspect(f, visit)
		return
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			ast.Inspect(fd.Body, visit)
		}
	}
}
