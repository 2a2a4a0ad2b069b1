package runtime

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// rewriter analyses one chunk and collects the edits that work around yaegi.
type rewriter struct {
	s       *Session
	fset    *token.FileSet
	file    *token.File
	src     string
	fname   string
	edits   []edit
	ints    map[string]bool
	notInts map[string]bool
	cellVar map[string]bool // globals declared so far by this cell
	c       *chunk
	pl      *plan
	ck      *checked // what the type check learnt about the cell
}

// norm collapses whitespace so that re-entering the same definition is
// recognised.
func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

// parseItem parses a single item on its own.
func parseItem(it item) (*ast.File, *token.FileSet, int, error) {
	fset := token.NewFileSet()
	var pre, post string
	if it.decl {
		pre = "package main\n"
	} else {
		pre, post = "package main\nfunc main() {\n", "\n}\n"
	}
	f, err := parser.ParseFile(fset, "", pre+it.src+post, parser.SkipObjectResolution)
	return f, fset, len(pre), err
}

// analyse turns the items of a cell into chunks of rewritten source.
func (s *Session) analyse(items []item, fname string, display bool, ck *checked) (*plan, error) {
	noAssign := ck.fork
	pl := &plan{}
	cellVar := map[string]bool{}
	isVar := func(n string) bool {
		y := s.syms[n]
		return (y != nil && y.kind == symVar || cellVar[n]) && !noAssign[n]
	}
	// `var x T = v` on an existing x becomes the assignment x = (T)(v).
	items = append([]item(nil), items...)
	var assigns []string
	for i, it := range items {
		if !it.decl || !strings.HasPrefix(it.src, "var") {
			continue
		}
		f, _, base, err := parseItem(it)
		if err != nil || len(f.Decls) != 1 {
			continue
		}
		gd, ok := f.Decls[0].(*ast.GenDecl)
		if !ok || gd.Lparen.IsValid() || len(gd.Specs) != 1 {
			continue
		}
		vs := gd.Specs[0].(*ast.ValueSpec)
		// Only a var of at least one existing name: `var _ I = T(0)` stays
		// a declaration, checked in the order Go gives declarations.
		all, some := true, false
		var names []string
		for _, n := range vs.Names {
			names = append(names, n.Name)
			if n.Name != "_" && !isVar(n.Name) {
				all = false
			}
			some = some || n.Name != "_"
		}
		if !all || !some || (len(vs.Values) != 0 && len(vs.Values) != len(vs.Names)) {
			continue
		}
		text := func(n ast.Node) string { return it.src[int(n.Pos())-1-base : int(n.End())-1-base] }
		var vals []string
		for j := range vs.Names {
			switch {
			case len(vs.Values) == 0:
				vals = append(vals, "*new("+text(vs.Type)+")")
			case vs.Type != nil:
				vals = append(vals, "("+text(vs.Type)+")("+text(vs.Values[j])+")")
			default:
				vals = append(vals, text(vs.Values[j]))
			}
		}
		items[i].decl = false
		items[i].src = strings.Join(names, ", ") + " = " + strings.Join(vals, ", ")
		assigns = append(assigns, names...)
	}
	// In a cell whose declarations are all vars, they become statements:
	// yaegi cannot compile a var declaration that refers to a global of a
	// top-level `:=` ("variable definition loop"). A script keeps Go's
	// order-independent declarations.
	if display {
		allVars := true
		for _, it := range items {
			if it.decl && !strings.HasPrefix(it.src, "var") {
				allVars = false
			}
		}
		for i := range items {
			if allVars && items[i].decl && hasValues(items[i]) {
				items[i].decl = false
			}
		}
	}
	// Group items into chunks; a final bare expression gets its own chunk.
	var chunks []*chunk
	for i, it := range items {
		if display && i == len(items)-1 && !it.decl {
			if expr, call := exprItem(it); expr != "" {
				chunks = append(chunks, &chunk{display: true, call: call, items: []item{{src: expr, line: it.line, col: it.col}}})
				continue
			}
		}
		if n := len(chunks); n > 0 && chunks[n-1].decl == it.decl && !chunks[n-1].display {
			chunks[n-1].items = append(chunks[n-1].items, it)
			continue
		}
		chunks = append(chunks, &chunk{decl: it.decl, items: []item{it}})
	}
	if len(chunks) > 0 {
		chunks[0].assigns = assigns
	}
	pl.assigned = append(pl.assigned, assigns...)
	for _, c := range chunks {
		var b strings.Builder
		b.WriteString("package main\n")
		if !c.decl {
			b.WriteString("func main() {\n")
		}
		for _, it := range c.items {
			if c.display {
				b.WriteString("__nnlab_show(")
			}
			fmt.Fprintf(&b, "/*line _.go:%d:%d*/%s", s.cell*lineBase+it.line, it.col, it.src)
			if c.display {
				b.WriteString(")")
			}
			b.WriteString("\n")
		}
		if !c.decl {
			b.WriteString("}\n")
		}
		r := &rewriter{s: s, src: b.String(), fname: fname, cellVar: cellVar, c: c, pl: pl, ck: ck,
			ints: map[string]bool{}, notInts: map[string]bool{}}
		if err := r.run(isVar); err != nil {
			return nil, err
		}
		c.src = r.apply(0, len(r.src))
		pl.chunks = append(pl.chunks, c)
	}
	return pl, nil
}

// exprItem returns the expression text of a statement item that is a bare
// expression worth displaying, or "", and whether it is a call.
func exprItem(it item) (string, bool) {
	f, _, base, err := parseItem(it)
	if err != nil {
		if list, ok := exprList(it.src); ok {
			return list, false // a comma list: each value is shown (display.go)
		}
		return "", false
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) != 1 {
		return "", false
	}
	es, ok := body[0].(*ast.ExprStmt)
	if !ok {
		return "", false
	}
	call, isCall := es.X.(*ast.CallExpr)
	if isCall {
		switch fn := call.Fun.(type) {
		case *ast.SelectorExpr:
			if id, ok := fn.X.(*ast.Ident); ok && id.Name == "fmt" && isPrinter[fn.Sel.Name] {
				return "", false
			}
		case *ast.Ident:
			if fn.Name == "print" || fn.Name == "println" || fn.Name == "panic" {
				return "", false
			}
		}
	}
	return it.src[int(es.Pos())-1-base : int(es.End())-1-base], isCall
}

func (r *rewriter) pos(p token.Pos) token.Position { return r.fset.Position(p) }
func (r *rewriter) off(p token.Pos) int            { return r.file.Offset(p) }
func (r *rewriter) text(n ast.Node) string         { return r.src[r.off(n.Pos()):r.off(n.End())] }
func (r *rewriter) errorf(p token.Pos, format string, a ...any) error {
	pp := r.pos(p)
	return fmt.Errorf("%s:%d:%d: %s", pp.Filename, pp.Line, pp.Column, fmt.Sprintf(format, a...))
}

// blank removes a node, keeping its newlines so that lines still match.
func (r *rewriter) blank(n ast.Node) {
	t := r.text(n)
	r.edits = append(r.edits, edit{r.off(n.Pos()), r.off(n.End()), strings.Repeat("\n", strings.Count(t, "\n"))})
}

func (r *rewriter) run(isVar func(string) bool) error {
	r.fset = token.NewFileSet()
	f, err := parser.ParseFile(r.fset, "", r.src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return oneLine(err)
	}
	r.file = r.fset.File(f.Pos())
	c := r.c
	c.newSyms = map[string]*sym{}
	c.imports = map[string]string{}
	c.funcs = map[string]string{}
	r.collectInts(f)
	if c.decl {
		for _, d := range f.Decls {
			if err := r.decl(d, isVar); err != nil {
				return err
			}
		}
	} else {
		for i, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
			if i > 0 {
				// A cell left behind after a Ctrl-C stops here (see
				// hookLive). The call goes before the statement's line
				// comment, so positions in messages stay as typed.
				at := r.off(r.file.LineStart(r.fset.PositionFor(st.Pos(), false).Line))
				r.edits = append(r.edits, edit{at, at, "__nnlab_live(); "})
			}
			r.topStmt(st, isVar)
			if !c.display {
				// Report each completed statement (see hookRan).
				p := r.pos(st.End())
				r.edits = append(r.edits, edit{r.off(st.End()), r.off(st.End()), fmt.Sprintf("; %s.Ran(%d, %d, %d)", rtName, r.s.cell, p.Line%lineBase, p.Column)})
			}
		}
	}
	if !c.decl {
		r.topRecover(f.Decls[0].(*ast.FuncDecl).Body)
	}
	return r.walk(f)
}

// topRecover replaces recover() among a cell's statements, outside any func
// literal, by nil: there it is not called by a deferred function, so Go
// gives nil, and yaegi would crash.
func (r *rewriter) topRecover(body *ast.BlockStmt) {
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "recover" && len(n.Args) == 0 && r.s.syms[id.Name] == nil {
				r.edits = append(r.edits, edit{r.off(n.Pos()), r.off(n.End()), "any(nil)"})
			}
		}
		return true
	})
}

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
				r.pl.warnings = append(r.pl.warnings, fmt.Sprintf("warning: %s was redefined, but %s still call the old %s (an interpreter limit): enter their definitions again to use the new one", name, strings.Join(u, ", "), name))
			}
		}
		r.c.newSyms[name] = &sym{kind: symFunc, src: src, refs: refs}
		p := r.pos(d.Pos())
		r.c.funcs[name] = fmt.Sprintf("/*line %s:%d:%d*/%s", p.Filename, p.Line, p.Column, r.text(d))
	}
	return nil
}

// topStmt handles a top-level statement of a statement chunk: `x := v`
// declares globals, and on an existing global becomes an assignment so that
// the functions using x see the new value (yaegi would fork x).
func (r *rewriter) topStmt(st ast.Stmt, isVar func(string) bool) {
	switch st.(type) {
	case *ast.ForStmt, *ast.RangeStmt, *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt, *ast.BlockStmt:
		// yaegi treats `a, b := f()` in a block of a top-level statement as
		// a global it then cannot find ("undefined: a"); inside a function
		// literal the block's variables are ordinary locals.
		r.edits = append(r.edits, edit{r.off(st.Pos()), r.off(st.Pos()), "func() { "})
		r.edits = append(r.edits, edit{r.off(st.End()), r.off(st.End()), " }()"})
		return
	}
	if ds, ok := st.(*ast.DeclStmt); ok {
		r.varStmt(ds)
		return
	}
	if d, ok := st.(*ast.DeferStmt); ok {
		// yaegi would keep a top-level defer on the shared top-level frame
		// and run it again after every later cell: the session runs it
		// once, when the cell ends (see Session.runDefers).
		r.edits = append(r.edits, edit{r.off(d.Defer), r.off(d.Defer) + len("defer"), "__nnlab_defer(func() {"})
		r.edits = append(r.edits, edit{r.off(d.End()), r.off(d.End()), " })"})
		return
	}
	if as, ok := st.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 {
		// yaegi stores the stop signal in the destination of a receive it
		// cancels: `x = <-ch` stopped by Ctrl-C would leave x holding a
		// struct{}. Receive into a temporary; x is assigned only after.
		id, isID := as.Lhs[0].(*ast.Ident)
		u, isRecv := as.Rhs[0].(*ast.UnaryExpr)
		if isID && isRecv && u.Op == token.ARROW && id.Name != "_" && (as.Tok == token.ASSIGN || as.Tok == token.DEFINE && isVar(id.Name)) {
			r.s.tmp++
			t := fmt.Sprintf("__nnlab_t%d", r.s.tmp)
			r.edits = append(r.edits, edit{r.off(as.Pos()), r.off(u.Pos()), t + " := "})
			r.edits = append(r.edits, edit{r.off(as.End()), r.off(as.End()), "; " + id.Name + " = " + t})
			if as.Tok == token.ASSIGN {
				return
			}
		}
	}
	as, ok := st.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE {
		return
	}
	// yaegi mistypes a global of `:=` that the same chunk then uses
	// (`d := t.Data(); x := d[1]`: "constant definition loop") and cannot
	// declare a comma-ok pair (`v, ok := m[k]`: "nil type"). Declared first
	// with the type the check found, then assigned, both work.
	var names []*ast.Ident
	for _, e := range as.Lhs {
		if id, ok := e.(*ast.Ident); ok {
			names = append(names, id)
		}
	}
	if len(names) == len(as.Lhs) && r.predeclare(names, as.Pos(), isVar) {
		for _, id := range names {
			if id.Name != "_" && !isVar(id.Name) {
				r.c.newSyms[id.Name] = &sym{kind: symVar, refs: refs(as.Rhs)}
				r.cellVar[id.Name] = true
			} else if id.Name != "_" {
				r.c.assigns = append(r.c.assigns, id.Name)
				r.pl.assigned = append(r.pl.assigned, id.Name)
			}
		}
		r.edits = append(r.edits, edit{r.off(as.TokPos), r.off(as.TokPos) + 2, "="})
		return
	}
	// A rune constant has type rune; yaegi would make it an int.
	if len(as.Lhs) == len(as.Rhs) {
		for i, e := range as.Rhs {
			if id, ok := as.Lhs[i].(*ast.Ident); ok && isRune(e) && !isVar(id.Name) {
				r.edits = append(r.edits, edit{r.off(e.Pos()), r.off(e.Pos()), "rune("}, edit{r.off(e.End()), r.off(e.End()), ")"})
			}
		}
	}
	refs := map[string]bool{}
	for _, v := range as.Rhs {
		funcRefs(v, refs)
	}
	var existing, fresh []*ast.Ident
	for _, e := range as.Lhs {
		id, ok := e.(*ast.Ident)
		if !ok || id.Name == "_" {
			continue
		}
		if isVar(id.Name) {
			existing = append(existing, id)
		} else {
			fresh = append(fresh, id)
		}
	}
	for _, id := range existing {
		r.c.assigns = append(r.c.assigns, id.Name)
		r.pl.assigned = append(r.pl.assigned, id.Name)
	}
	for _, id := range fresh {
		r.c.newSyms[id.Name] = &sym{kind: symVar, refs: refs}
		r.cellVar[id.Name] = true
	}
	switch {
	case len(existing) == 0:
	case len(fresh) == 0:
		r.edits = append(r.edits, edit{r.off(as.TokPos), r.off(as.TokPos) + 2, "="})
	default:
		var tail []string
		for _, id := range existing {
			r.s.tmp++
			t := fmt.Sprintf("__nnlab_t%d", r.s.tmp)
			r.edits = append(r.edits, edit{r.off(id.Pos()), r.off(id.End()), t})
			tail = append(tail, id.Name+" = "+t)
		}
		r.edits = append(r.edits, edit{r.off(as.End()), r.off(as.End()), "; " + strings.Join(tail, "; ")})
	}
}

// varStmt handles a top-level var statement (a var declaration of a cell
// made a statement): its names are new globals.
func (r *rewriter) varStmt(ds *ast.DeclStmt) {
	gd, ok := ds.Decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR {
		return
	}
	for _, sp := range gd.Specs {
		vs := sp.(*ast.ValueSpec)
		refs := map[string]bool{}
		for _, v := range vs.Values {
			funcRefs(v, refs)
		}
		for _, n := range vs.Names {
			if n.Name != "_" {
				r.c.newSyms[n.Name] = &sym{kind: symVar, refs: refs}
				r.cellVar[n.Name] = true
			}
		}
	}
	// yaegi cannot declare a comma-ok pair (nil type): declare, then assign.
	if len(gd.Specs) == 1 {
		vs := gd.Specs[0].(*ast.ValueSpec)
		if vs.Type == nil && len(vs.Names) == 2 && len(vs.Values) == 1 && commaOk(vs.Values[0]) {
			if r.predeclare(vs.Names, ds.Pos(), func(string) bool { return false }) {
				r.edits = append(r.edits, edit{r.off(ds.Pos()), r.off(vs.Values[0].Pos()),
					vs.Names[0].Name + ", " + vs.Names[1].Name + " = "})
			}
		}
	}
}

// predeclare inserts `var name T` at pos for each new name, with the type
// the check found, and reports whether it could write every type.
func (r *rewriter) predeclare(names []*ast.Ident, pos token.Pos, isVar func(string) bool) bool {
	var decls []string
	for _, id := range names {
		if id.Name == "_" || isVar(id.Name) {
			continue
		}
		t, ok := r.ck.typeText(id.Name)
		if !ok {
			return false
		}
		decls = append(decls, fmt.Sprintf("var %s %s; ", id.Name, t))
	}
	r.edits = append(r.edits, edit{r.off(pos), r.off(pos), strings.Join(decls, "")})
	return true
}

// refs is the set of names used inside the function literals of es.
func refs(es []ast.Expr) map[string]bool {
	m := map[string]bool{}
	for _, e := range es {
		funcRefs(e, m)
	}
	return m
}

// hasValues reports whether a var declaration item of one spec (a group
// may refer to its later specs) gives initial values.
func hasValues(it item) bool {
	f, _, _, err := parseItem(it)
	if err != nil || len(f.Decls) != 1 {
		return false
	}
	gd, ok := f.Decls[0].(*ast.GenDecl)
	if !ok || len(gd.Specs) != 1 {
		return false
	}
	for _, sp := range gd.Specs {
		if vs, ok := sp.(*ast.ValueSpec); ok && len(vs.Values) > 0 {
			return true
		}
	}
	return false
}

// commaOk reports whether e can give a second, boolean value.
func commaOk(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return commaOk(e.X)
	case *ast.IndexExpr, *ast.TypeAssertExpr:
		return true
	case *ast.UnaryExpr:
		return e.Op == token.ARROW
	}
	return false
}

// isRune reports whether e is a rune literal.
func isRune(e ast.Expr) bool {
	b, ok := e.(*ast.BasicLit)
	return ok && b.Kind == token.CHAR
}

// funcRefs adds the identifiers used inside the bodies of n (a func body
// or the func literals of an expression).
func funcRefs(n ast.Node, refs map[string]bool) {
	if n == nil {
		return
	}
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.BlockStmt:
			ast.Inspect(x, func(y ast.Node) bool {
				if id, ok := y.(*ast.Ident); ok {
					refs[id.Name] = true
				}
				return true
			})
			return false
		}
		return true
	})
}

func recvName(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return "?"
		}
	}
}

// importName is the default name of an import path.
func importName(path string) string {
	parts := strings.Split(path, "/")
	n := parts[len(parts)-1]
	if len(parts) > 1 && len(n) > 1 && n[0] == 'v' {
		if _, err := strconv.Atoi(n[1:]); err == nil {
			n = parts[len(parts)-2]
		}
	}
	return n
}

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

// walk rewrites the Go 1.21+ forms yaegi lacks, and go statements.
func (r *rewriter) walk(f *ast.File) error {
	var gos []*ast.GoStmt
	shadowed := func(n string) bool { return r.s.syms[n] != nil || r.c.newSyms[n] != nil }
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.RangeStmt:
			if n.Value != nil || !r.isInt(n.X) {
				return true
			}
			key := "__nnlab_i"
			tok := ":="
			if id, ok := n.Key.(*ast.Ident); ok && id.Name != "_" {
				key = id.Name
				if n.Tok == token.ASSIGN {
					tok = "="
				}
			} else if n.Key != nil && n.Tok == token.ASSIGN {
				return true
			}
			from := n.Range
			if n.Key != nil {
				from = n.Key.Pos()
			}
			// The counter takes the integer's type (range int64(2) counts
			// in int64), and the bound is evaluated once, as Go does.
			r.s.tmp++
			bound := fmt.Sprintf("__nnlab_n%d", r.s.tmp)
			if tok == "=" {
				// An existing variable is assigned each value, and keeps
				// the last one after the loop, as in Go.
				c := fmt.Sprintf("__nnlab_c%d", r.s.tmp)
				r.edits = append(r.edits,
					edit{r.off(from), r.off(n.X.Pos()), fmt.Sprintf("%s, %s := __nnlab_range(", c, bound)},
					edit{r.off(n.X.End()), r.off(n.X.End()), fmt.Sprintf("); %s < %s; %s++", c, bound, c)},
					edit{r.off(n.Body.Lbrace) + 1, r.off(n.Body.Lbrace) + 1, fmt.Sprintf(" %s = %s;", key, c)})
				return true
			}
			r.edits = append(r.edits,
				edit{r.off(from), r.off(n.X.Pos()), fmt.Sprintf("%s, %s := __nnlab_range(", key, bound)},
				edit{r.off(n.X.End()), r.off(n.X.End()), fmt.Sprintf("); %s < %s; %s++", key, bound, key)})
		case *ast.CallExpr:
			id, ok := n.Fun.(*ast.Ident)
			if !ok || shadowed(id.Name) {
				return true
			}
			switch id.Name {
			case "min", "max":
				r.edits = append(r.edits, edit{r.off(id.Pos()), r.off(id.End()), "__nnlab_" + id.Name})
				float := false
				for _, a := range n.Args {
					if b, ok := a.(*ast.BasicLit); ok && b.Kind == token.FLOAT {
						float = true
					}
				}
				if float {
					for _, a := range n.Args {
						if b, ok := a.(*ast.BasicLit); ok && b.Kind == token.INT {
							r.edits = append(r.edits, edit{r.off(b.End()), r.off(b.End()), ".0"})
						}
					}
				}
			case "clear":
				r.edits = append(r.edits, edit{r.off(id.Pos()), r.off(id.End()), rtName + ".Clear"})
			}
		case *ast.GoStmt:
			gos = append(gos, n)
		case *ast.BinaryExpr:
			// Under ExecuteWithContext, a receive that blocks before && or
			// || loses its value (yaegi's cancellable recv does not store
			// it); !! keeps the value and its type but makes the receive
			// an ordinary operand.
			if n.Op == token.LAND || n.Op == token.LOR {
				for _, x := range []ast.Expr{n.X, n.Y} {
					if u, ok := ast.Unparen(x).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
						r.edits = append(r.edits, edit{r.off(x.Pos()), r.off(x.Pos()), "!!"})
					}
				}
			}
		}
		return true
	})
	// Innermost go statements first: each becomes one covering edit.
	sort.Slice(gos, func(i, j int) bool { return gos[i].End()-gos[i].Pos() < gos[j].End()-gos[j].Pos() })
	for _, g := range gos {
		r.goStmt(g)
	}
	return nil
}

// goStmt rewrites `go f(a, b)` so that a panic in the goroutine is reported
// instead of killing the process. The arguments are still evaluated at the
// go statement, in a fresh frame, so each goroutine gets its own copies.
func (r *rewriter) goStmt(g *ast.GoStmt) {
	call := g.Call
	line := r.pos(g.Pos()).Line
	cell := r.s.cell
	line %= lineBase
	var binds, names, args []string
	for i, a := range call.Args {
		switch a := a.(type) {
		case *ast.BasicLit, *ast.FuncLit:
			args = append(args, r.apply(r.off(a.Pos()), r.off(a.End())))
			continue
		case *ast.Ident:
			if a.Name == "nil" || a.Name == "true" || a.Name == "false" {
				args = append(args, a.Name)
				continue
			}
		}
		r.s.tmp++
		t := fmt.Sprintf("__nnlab_g%d_%d", r.s.tmp, i)
		names = append(names, t)
		binds = append(binds, r.apply(r.off(a.Pos()), r.off(a.End())))
		args = append(args, t)
	}
	ell := ""
	if call.Ellipsis.IsValid() {
		ell = "..."
	}
	fun := r.apply(r.off(call.Fun.Pos()), r.off(call.Fun.End()))
	inner := fmt.Sprintf("go __nnlab_go(%d, %d, func() { %s(%s%s) })", cell, line, fun, strings.Join(args, ", "), ell)
	if len(names) > 0 {
		inner = fmt.Sprintf("func() { %s := %s; %s }()", strings.Join(names, ", "), strings.Join(binds, ", "), inner)
	}
	start, end := r.off(g.Pos()), r.off(g.End())
	var keep []edit
	for _, e := range r.edits {
		if e.start >= start && e.end <= end && !(e.start == end && e.end == end) {
			continue
		}
		keep = append(keep, e)
	}
	r.edits = append(keep, edit{start, end, inner})
}

// apply returns src[start:end] with the edits inside it applied.
func (r *rewriter) apply(start, end int) string {
	es := append([]edit(nil), r.edits...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].start < es[j].start })
	var b strings.Builder
	at := start
	for _, e := range es {
		if e.start < at || e.end > end || e.start < start {
			continue
		}
		b.WriteString(r.src[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.WriteString(r.src[at:end])
	return b.String()
}
