package runtime

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/nnlab/nnlab/stdlib"
)

// A name of main that the session declared again as a new variable (`x :=
// "s"` on an int x) has generations: the statements after the new
// declaration mean the new variable, those before the old one, which keeps
// its value. Go allows one variable of a name per scope, so the saved main
// gives every generation but the last a name of its own (x_1, x_2, ...).
// The last keeps the name: a function of the program can only mean the
// last generation, since the session refuses a new x while a function uses
// x.
//
// Which identifier means which generation is decided by go/types, on an
// analysis program in which each new generation opens a block of main that
// lasts to its end, so that the new declaration shadows the old one exactly
// as the session's did. An identifier of a closure or a loop that declares
// its own x is not touched.

// saveImporter gives the types of the packages the session offers, for the
// analysis of a saved program.
func (s *Session) saveImporter() types.Importer {
	if s == nil || s.in == nil {
		return fakeImporter{}
	}
	c := newTypeConv(stdlib.Symbols)
	c.more = s.in.Symbols
	return c
}

// stmtSpan is where a statement of b.cells is in the analysis program.
type stmtSpan struct{ cell, stmt, start, end int }

// declIdent is a name a top-level statement of main declares.
type declIdent struct {
	span int
	obj  types.Object
}

// analysis is what renamed learnt about the program.
type analysis struct {
	// cells are main's statements, every generation of a name but the
	// last renamed, with each statement's news.
	cells [][]mainStmt
	// taken are the names the program uses after the renaming.
	taken map[string]bool
	// free are the names the top-level declarations use that the program
	// does not declare at the top level: main's variables among them must
	// be declared there (nil: not known).
	free map[string]bool
	// types are the types of the last generation of main's variables.
	types map[string]types.Type
}

// analyse applies the renaming of renamed to b.
func (b *scriptBuilder) analyse() {
	a := b.renamed()
	b.cells, b.taken, b.free, b.varTypes = a.cells, a.taken, a.free, a.types
}

// renamed analyses the program and renames the generations of main's
// names (see analysis).
func (b *scriptBuilder) renamed() analysis {
	cells := make([][]mainStmt, len(b.cells))
	for i, c := range b.cells {
		cells[i] = append([]mainStmt(nil), c...)
	}
	taken := map[string]bool{}
	a := analysis{cells: cells, taken: taken}
	var w bytes.Buffer
	w.WriteString("package main\n\n")
	b.writeImports(&w)
	for _, d := range b.decls {
		w.WriteString(d.text + "\n\n")
	}
	w.WriteString("func main() {\n")
	var spans []stmtSpan
	blocks := map[int]bool{} // offsets of the braces that open generations
	for i, c := range cells {
		for j, st := range c {
			if len(st.gens) > 0 {
				blocks[w.Len()] = true
				w.WriteString("{\n")
			}
			spans = append(spans, stmtSpan{i, j, w.Len(), w.Len() + len(st.text)})
			w.WriteString(st.text + "\n")
		}
	}
	w.WriteString(strings.Repeat("}\n", len(blocks)+1))
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "saved.go", w.String(), parser.SkipObjectResolution)
	if err != nil {
		return a // program reports it
	}
	for n, p := range b.imports {
		taken[n] = true
		taken[pkgBase(p)] = true
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			taken[id.Name] = true
		}
		return true
	})
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}, Scopes: map[ast.Node]*types.Scope{}}
	// Errors are the final check's business (the functions' globals are
	// not declared in this program, for one); what resolves is enough.
	conf := types.Config{Importer: b.importer, Error: func(error) {}}
	if conf.Importer == nil {
		conf.Importer = fakeImporter{}
	}
	var pkg *types.Package
	func() {
		defer func() {
			if recover() != nil {
				pkg = nil
			}
		}()
		pkg, _ = conf.Check("main", fset, []*ast.File{f}, info)
	}()
	var main *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			main = fd
		}
	}
	if pkg == nil || main == nil || info.Scopes[main.Type] == nil {
		return a
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	spanAt := func(p token.Pos) int {
		o := off(p)
		i := sort.Search(len(spans), func(i int) bool { return spans[i].end > o })
		if i < len(spans) && spans[i].start <= o {
			return i
		}
		return -1
	}
	// The top-level statements of main, inside the generation blocks.
	var top []ast.Stmt
	var walk func([]ast.Stmt)
	walk = func(list []ast.Stmt) {
		for _, st := range list {
			if blk, ok := st.(*ast.BlockStmt); ok && blocks[off(blk.Lbrace)] {
				walk(blk.List)
				continue
			}
			top = append(top, st)
		}
	}
	walk(main.Body.List)
	// alias maps the variable that a kept name of a := declares in a
	// generation block to the one it assigns in the session.
	alias := map[types.Object]types.Object{}
	resolve := func(o types.Object) types.Object {
		// An alias is declared in an enclosing scope: chains end.
		for alias[o] != nil {
			o = alias[o]
		}
		return o
	}
	gens := map[string][]types.Object{}
	var decls []declIdent
	for _, st := range top {
		sp := spanAt(st.Pos())
		if sp < 0 {
			continue
		}
		keep := map[string]bool{}
		for _, n := range cells[spans[sp].cell][spans[sp].stmt].keep {
			keep[n] = true
		}
		for _, id := range topDeclared(st) {
			obj := info.Defs[id]
			if obj == nil || id.Name == "_" {
				continue // assigned: go/types knows which
			}
			if keep[id.Name] {
				if obj.Parent() != nil && obj.Parent().Parent() != nil {
					if _, outer := obj.Parent().Parent().LookupParent(id.Name, id.Pos()); outer != nil {
						alias[obj] = outer
					}
				}
				continue
			}
			gens[id.Name] = append(gens[id.Name], obj)
			decls = append(decls, declIdent{sp, obj})
		}
	}
	rename := map[types.Object]string{}
	var names []string
	for n := range gens {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		objs := gens[n]
		for k, o := range objs[:len(objs)-1] {
			for i := k + 1; ; i++ {
				if cand := fmt.Sprintf("%s_%d", n, i); !taken[cand] {
					taken[cand] = true
					rename[o] = cand
					break
				}
			}
		}
	}
	for _, d := range decls {
		st := &cells[spans[d.span].cell][spans[d.span].stmt]
		name := d.obj.Name()
		if r, ok := rename[d.obj]; ok {
			name = r
		}
		st.news = append(st.news, name)
	}
	a.types = map[string]types.Type{}
	for n, objs := range gens {
		a.types[n] = objs[len(objs)-1].Type()
	}
	// Identifiers that are not references to variables: a field or method
	// after a dot, a field name in a struct literal, a label.
	notRef := map[*ast.Ident]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			notRef[n.Sel] = true
		case *ast.CompositeLit:
			// The keys of a struct literal are fields; those of a literal
			// the check could not type are taken for fields if they
			// resolve to nothing.
			t := info.TypeOf(n)
			known := t != nil && t != types.Typ[types.Invalid]
			isStruct := false
			if known {
				if p, ok := t.Underlying().(*types.Pointer); ok {
					t = p.Elem()
				}
				_, isStruct = t.Underlying().(*types.Struct)
			}
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok && (isStruct || !known && info.Uses[id] == nil) {
						notRef[id] = true
					}
				}
			}
		case *ast.LabeledStmt:
			notRef[n.Label] = true
		case *ast.BranchStmt:
			if n.Label != nil {
				notRef[n.Label] = true
			}
		}
		return true
	})
	// The names the top-level declarations use and nothing declares:
	// main's variables among them move to the top level.
	a.free = map[string]bool{}
	for _, d := range f.Decls {
		if d == main {
			continue
		}
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			continue
		}
		ast.Inspect(d, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && !notRef[id] {
				if _, isDef := info.Defs[id]; !isDef && info.Uses[id] == nil {
					a.free[id.Name] = true
				}
			}
			return true
		})
	}
	if len(rename) == 0 {
		return a
	}
	type identEdit struct {
		at   int // offset in the statement
		old  int // length of the old name
		name string
	}
	edits := map[int][]identEdit{} // by span
	ast.Inspect(main.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || notRef[id] {
			return true
		}
		obj, isDef := info.Defs[id]
		if !isDef {
			obj = info.Uses[id]
		}
		if obj == nil && !isDef {
			// Not resolved (code the check could not type): the name
			// means what it would mean at its place.
			if s := pkg.Scope().Innermost(id.Pos()); s != nil {
				_, obj = s.LookupParent(id.Name, id.Pos())
			}
		}
		if obj == nil {
			return true
		}
		r, ok := rename[resolve(obj)]
		if !ok {
			return true
		}
		if sp := spanAt(id.Pos()); sp >= 0 {
			edits[sp] = append(edits[sp], identEdit{off(id.Pos()) - spans[sp].start, len(id.Name), r})
		}
		return true
	})
	for sp, es := range edits {
		st := &cells[spans[sp].cell][spans[sp].stmt]
		sort.Slice(es, func(i, j int) bool { return es[i].at > es[j].at })
		for _, e := range es {
			st.text = st.text[:e.at] + e.name + st.text[e.at+e.old:]
		}
	}
	return a
}

// topDeclared lists the identifiers a top-level statement of main declares:
// the left of a := and the names of a var declaration.
func topDeclared(st ast.Stmt) []*ast.Ident {
	var out []*ast.Ident
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok == token.DEFINE {
			for _, l := range st.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					out = append(out, id)
				}
			}
		}
	case *ast.DeclStmt:
		if gd, ok := st.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, sp := range gd.Specs {
				out = append(out, sp.(*ast.ValueSpec).Names...)
			}
		}
	}
	return out
}

// varType is the type of the last generation of main's variable name as
// source, as the analysis found it, if it can be written.
func (b *scriptBuilder) varType(name string) (string, bool) {
	t := b.varTypes[name]
	if t == nil || !nameable(t, map[types.Type]bool{}) {
		return "", false
	}
	text := types.TypeString(t, func(p *types.Package) string {
		if p.Path() == "main" {
			return ""
		}
		return b.importName(p.Path())
	})
	if strings.Contains(text, "invalid type") {
		return "", false
	}
	return text, true
}
