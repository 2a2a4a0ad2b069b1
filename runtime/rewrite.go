package runtime

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
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
	reports []edit // the statements' reports (hookRan), applied after edits
	ints    map[string]bool
	notInts map[string]bool
	cellVar map[string]bool // globals declared so far by this cell
	c       *chunk
	pl      *plan
	ck      *checked // what the type check learnt about the cell
	// ownRecover says that recover is a name of the user's here, not the
	// builtin (see namesRecover).
	ownRecover bool
	// recovers are the calls of the builtin recover that topRecover,
	// recoverCalls and recoverIn replaced; walk wraps the others (see
	// recoveredValue).
	recovers map[*ast.CallExpr]bool
	// funcDecls are the chunk's func declarations, by name (see run).
	funcDecls map[string]ast.Decl
	// held are the assignments holdAssign rewrote.
	held map[*ast.AssignStmt]bool
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
	items = s.forkApart(items, noAssign)
	// Group items into chunks; a final bare expression gets its own chunk.
	var chunks []*chunk
	for i, it := range items {
		if display && i == len(items)-1 && !it.decl {
			if expr, call := exprItem(it); expr != "" {
				chunks = append(chunks, &chunk{display: true, call: call, items: []item{{src: expr, line: it.line, col: it.col}}})
				continue
			}
		}
		if n := len(chunks); n > 0 && chunks[n-1].decl == it.decl && !chunks[n-1].display && !it.apart {
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
			// yaegi passes a []any argument as the whole of a ...any
			// parameter: one slice of interfaces goes to __nnlab_show1,
			// and a list of values is passed as a slice of its own.
			open, end := "__nnlab_show(", ")"
			switch {
			case !c.display:
				open, end = "", ""
			case ck != nil && ck.showOne:
				open = "__nnlab_show1("
			case isList(it.src):
				open, end = "__nnlab_show([]any{", "}...)"
			}
			b.WriteString(open)
			src := it.src
			if c.display {
				src = s.funcValue(src)
			}
			fmt.Fprintf(&b, "/*line _.go:%d:%d*/%s", lineSlot(s.cell)*lineBase+it.line, it.col, src)
			b.WriteString(end)
			b.WriteString("\n")
		}
		if !c.decl {
			b.WriteString("}\n")
		}
		r := &rewriter{s: s, src: b.String(), fname: fname, cellVar: cellVar, c: c, pl: pl, ck: ck, held: map[*ast.AssignStmt]bool{},
			ints: map[string]bool{}, notInts: map[string]bool{}}
		if err := r.safeRun(isVar); err != nil {
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

// safeRun is run, with a panic of the rewrite (a bug of nnlab's, on a
// form it did not foresee) turned into the cell's error: the cell has not
// run, so nothing is lost.
func (r *rewriter) safeRun(isVar func(string) bool) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("nnlab could not prepare this cell for the interpreter (%v); nothing was changed: please report it", p)
		}
	}()
	return r.run(isVar)
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
	r.funcDecls = map[string]ast.Decl{}
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
				r.reports = append(r.reports, edit{r.off(st.End()), r.off(st.End()), fmt.Sprintf("; %s.Ran(%d, %d, %d)", rtName, r.s.cell, p.Line%lineBase, p.Column)})
			}
		}
	}
	r.ownRecover = r.s.syms["recover"] != nil || namesRecover(f)
	if !c.decl {
		r.topRecover(f.Decls[0].(*ast.FuncDecl).Body)
	}
	if err := r.walk(f); err != nil {
		return err
	}
	// A failed cell's redefinitions are undone by compiling these again
	// (see restoreFuncs): rewritten, as they were compiled.
	for name, d := range r.funcDecls {
		p := r.pos(d.Pos())
		c.funcs[name] = fmt.Sprintf("/*line %s:%d:%d*/%s", p.Filename, p.Line, p.Column, r.apply(r.off(d.Pos()), r.off(d.End())))
	}
	return nil
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
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "recover" && len(n.Args) == 0 && !r.ownRecover {
				r.edits = append(r.edits, edit{r.off(n.Pos()), r.off(n.End()), "any(nil)"})
				r.recoverDone(n)
			}
		}
		return true
	})
}

// topStmt handles a top-level statement of a statement chunk: `x := v`
// declares globals, and on an existing global becomes an assignment so that
// the functions using x see the new value (yaegi would fork x).
func (r *rewriter) topStmt(st ast.Stmt, isVar func(string) bool) {
	inner := st
	if ls, ok := st.(*ast.LabeledStmt); ok {
		// A labeled loop or switch too (a break or continue names it;
		// a goto to such a label from the rest of the cell is rare).
		inner = ls.Stmt
	}
	switch inner.(type) {
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
		r.recoverCalls(d.Call)
		open := "__nnlab_defer(func() {"
		if n := deferredName(d.Call); n != "" {
			// A recover in its body recovers (see recoverIn).
			open += " " + rtName + ".Deferring(" + strconv.Quote(n) + "); defer " + rtName + `.Deferring("");`
		}
		r.edits = append(r.edits, edit{r.off(d.Defer), r.off(d.Defer) + len("defer"), open})
		r.edits = append(r.edits, edit{r.off(d.End()), r.off(d.End()), " })"})
		return
	}
	if as, ok := st.(*ast.AssignStmt); ok && !r.ifaceAssign(as) && r.holdAssign(as, isVar) {
		// Its values are now temporaries: there is nothing left for
		// walk to split (see callAssign).
		r.held[as] = true
		return
	}
	if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN {
		return // walk splits an ifaceAssign or callAssign
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
		if r.ifaceDefine(as) || r.callAssign(as) {
			// Now an assignment a, b = x, y of interfaces: split it (its
			// edit covers the one of := above).
			r.splitAssign(as, true)
		}
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
			t := r.s.temp()
			r.edits = append(r.edits, edit{r.off(id.Pos()), r.off(id.End()), t})
			tail = append(tail, id.Name+" = "+t)
		}
		r.edits = append(r.edits, edit{r.off(as.End()), r.off(as.End()), "; __nnlab_live(); " + strings.Join(tail, "; ")})
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

// recoverCalls makes the recover() calls of a top-level deferred func
// literal return the cell's panic: the session runs the deferred call after
// the cell ended (Session.runDefers), when yaegi's recover would find no
// panic. As in Go, only a recover called by the deferred function itself
// recovers, not one in a func literal inside it.
func (r *rewriter) recoverCalls(call *ast.CallExpr) {
	lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit)
	if !ok || r.ownRecover {
		return
	}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && id.Name == "recover" && len(n.Args) == 0 {
				r.edits = append(r.edits, edit{r.off(id.Pos()), r.off(id.End()), "__nnlab_recover"})
				r.recoverDone(n)
			}
		}
		return true
	})
}

// recoverDone notes that the recover() call c has its rewrite.
func (r *rewriter) recoverDone(c *ast.CallExpr) {
	if r.recovers == nil {
		r.recovers = map[*ast.CallExpr]bool{}
	}
	r.recovers[c] = true
}

// recoverCall wraps a call c of the builtin recover that no other rewrite
// took in the session's recoveredValue, so that the recovered value is
// the one Go's recover gives.
func (r *rewriter) recoverCall(c *ast.CallExpr) {
	id, ok := ast.Unparen(c.Fun).(*ast.Ident)
	if !ok || id.Name != "recover" || len(c.Args) != 0 || r.ownRecover || r.recovers[c] {
		return
	}
	r.edits = append(r.edits,
		edit{r.off(c.Pos()), r.off(c.Pos()), rtName + ".Recovered("},
		edit{r.off(c.End()), r.off(c.End()), ")"})
}

// namesRecover reports whether f uses recover other than as a call, which
// means that it declares its own recover (recover := ..., a parameter):
// the rewrites of the builtin's calls then leave it alone.
func namesRecover(f *ast.File) bool {
	called := map[*ast.Ident]bool{}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok {
				called[id] = true
			}
		case *ast.Ident:
			found = found || n.Name == "recover" && !called[n]
		}
		return !found
	})
	return found
}

// apply returns src[start:end] with the edits inside it applied.
func (r *rewriter) apply(start, end int) string {
	es := append([]edit(nil), r.edits...)
	// The reports go after the other insertions at their offsets: a
	// statement's report follows the end of a rewritten value that ends
	// the statement.
	// At one offset, insertions go before a replacement that starts there
	// (the end of a rewritten argument before the rewritten ")").
	es = append(es, r.reports...)
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].start != es[j].start {
			return es[i].start < es[j].start
		}
		return es[i].start == es[i].end && es[j].start != es[j].end
	})
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
