package runtime

import (
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// decl handles one top-level declaration of a declaration chunk.
func (r *rewriter) decl(d ast.Decl, isVar func(string) bool) error {
	s := r.s
	switch d := d.(type) {
	case *ast.GenDecl:
		switch d.Tok {
		case token.IMPORT:
			var kept []string
			for _, sp := range d.Specs {
				is := sp.(*ast.ImportSpec)
				path, _ := strconv.Unquote(is.Path.Value)
				name := importName(path)
				if is.Name != nil {
					name = is.Name.Name
				}
				if name == "_" || name == "." {
					kept = append(kept, r.text(is))
					continue
				}
				old := s.imports[name]
				if p, ok := r.c.imports[name]; ok {
					old = p
				}
				if old == path {
					continue
				}
				if old != "" {
					return r.errorf(is.Pos(), "%s is already imported as %q; import %q under another name, e.g. import %s2 %q", name, old, path, name, path)
				}
				if y := s.syms[name]; y != nil {
					return r.errorf(is.Pos(), "%s is already a name in this session; import %q under another name", name, path)
				}
				if !s.shipped(path) {
					return r.errorf(is.Path.Pos(), "nnlab does not ship package %s", path)
				}
				r.c.imports[name] = path
				kept = append(kept, r.text(is))
			}
			if len(kept) < len(d.Specs) {
				// Rebuild the declaration without the repeated imports,
				// keeping its line count.
				text := ""
				if len(kept) > 0 {
					text = "import (" + strings.Join(kept, "; ") + ")"
				}
				r.edits = append(r.edits, edit{r.off(d.Pos()), r.off(d.End()), text + strings.Repeat("\n", strings.Count(r.text(d), "\n"))})
			}
		case token.TYPE:
			same := 0
			for _, sp := range d.Specs {
				ts := sp.(*ast.TypeSpec)
				src := norm(r.text(ts))
				if y := s.syms[ts.Name.Name]; y != nil && y.kind == symType {
					if y.src == src {
						same++
						continue
					}
					return r.errorf(ts.Pos(), "type %s is already defined differently; the interpreter cannot redefine a type (it would silently keep the old one): use a new name such as %s2, or restart the session", ts.Name.Name, ts.Name.Name)
				}
				r.c.newSyms[ts.Name.Name] = &sym{kind: symType, src: src}
			}
			if same == len(d.Specs) {
				r.blank(d)
			}
		case token.VAR, token.CONST:
			kind := symVar
			if d.Tok == token.CONST {
				kind = symConst
			}
			for _, sp := range d.Specs {
				vs := sp.(*ast.ValueSpec)
				if d.Tok == token.VAR {
					r.splitSpec(vs, d.Lparen.IsValid())
				}
				refs := map[string]bool{}
				for _, v := range vs.Values {
					funcRefs(v, refs)
				}
				for _, n := range vs.Names {
					if n.Name == "_" {
						continue
					}
					if s.syms[n.Name] != nil {
						r.pl.assigned = append(r.pl.assigned, n.Name)
						if u := s.users(n.Name); len(u) > 0 {
							r.pl.warnings = append(r.pl.warnings, fmt.Sprintf("warning: %s is declared again with another type; %s still use the old %s", n.Name, strings.Join(u, ", "), n.Name))
						}
					}
					r.c.newSyms[n.Name] = &sym{kind: kind, refs: refs}
					if kind == symVar {
						r.cellVar[n.Name] = true
					}
				}
			}
		}
	case *ast.FuncDecl:
		r.recoverIn(d)
		src := norm(r.text(d))
		refs := map[string]bool{}
		funcRefs(d.Body, refs)
		if d.Recv != nil && len(d.Recv.List) == 1 {
			key := recvName(d.Recv.List[0].Type) + "." + d.Name.Name
			if y := s.syms[key]; y != nil {
				if y.src == src {
					r.blank(d)
					return nil
				}
				return r.errorf(d.Pos(), "method %s is already defined; the interpreter cannot replace a method (it would silently keep the old one): define a new type, or restart the session", key)
			}
			r.c.newSyms[key] = &sym{kind: symMethod, src: src, refs: refs}
			return nil
		}
		name := d.Name.Name
		if name == "init" || name == "_" {
			return nil
		}
		if y := s.syms[name]; y != nil && y.kind == symFunc {
			if y.src == src {
				r.blank(d)
				return nil
			}
			if u := s.users(name); len(u) > 0 {
				verb, their := "call", "their definitions"
				if len(u) == 1 {
					verb, their = "calls", "its definition"
				}
				r.pl.warnings = append(r.pl.warnings, fmt.Sprintf("warning: %s was redefined, but %s still %s the old %s (an interpreter limit): enter %s again to use the new one", name, strings.Join(u, ", "), verb, name, their))
			}
		}
		r.c.newSyms[name] = &sym{kind: symFunc, src: src, refs: refs}
		r.funcDecls[name] = d // its text, with the rewrites, once run has them all
	}
	return nil
}

// recoverIn lets a recover() in the body of the func or method d recover
// the panic of a cell whose top-level defer calls d (defer handle()): the
// session runs the deferred call after the cell, when yaegi's recover
// finds no panic (see recoverCalls and Session.hookRecoverIn).
func (r *rewriter) recoverIn(d *ast.FuncDecl) {
	if d.Body == nil || r.ownRecover {
		return
	}
	name := d.Name.Name
	if d.Recv != nil {
		name = "." + name
	}
	ast.Inspect(d.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && id.Name == "recover" && len(n.Args) == 0 {
				r.edits = append(r.edits,
					edit{r.off(n.Pos()), r.off(n.Pos()), "__nnlab_recoverin(" + strconv.Quote(name) + ", "},
					edit{r.off(n.End()), r.off(n.End()), ")"})
				r.recoverDone(n)
			}
		}
		return true
	})
}

// deferredName is the name recoverIn gives the func or method that the
// deferred call c calls, or "" for a func literal or a call of a value.
func deferredName(c *ast.CallExpr) string {
	switch f := ast.Unparen(c.Fun).(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return "." + f.Sel.Name
	}
	return ""
}

// splitSpec rewrites the package-level var a, b T = x, y with an interface
// type T, which yaegi initialises wrongly (see splitAssign), into var a T
// = x; var b T = y: the same at package level, where the order of
// initialisation follows the dependencies. inParens says that the spec is
// in a var ( ... ) group.
func (r *rewriter) splitSpec(vs *ast.ValueSpec, inParens bool) {
	if vs.Type == nil || len(vs.Names) < 2 || len(vs.Values) != len(vs.Names) || r.ck == nil {
		return
	}
	p := r.pos(vs.Pos())
	if !r.ck.ifaceAssigns[rewritePos(p)] {
		return
	}
	typ := r.text(vs.Type)
	sep := "; var "
	if inParens {
		sep = "; "
	}
	r.edits = append(r.edits, edit{r.off(vs.Names[0].Pos()), r.off(vs.Values[0].Pos()), vs.Names[0].Name + " " + typ + " = "})
	for i := 1; i < len(vs.Names); i++ {
		r.edits = append(r.edits, edit{r.off(vs.Values[i-1].End()), r.off(vs.Values[i].Pos()), sep + vs.Names[i].Name + " " + typ + " = "})
	}
}
