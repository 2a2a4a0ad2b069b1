package runtime

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// SaveCell is one cell of a session for [Session.Script]: its source,
// whether the REPL displayed a value for it, and the display.
type SaveCell struct {
	Src   string
	Shown bool
	Out   string // optional: a quoted string display is printed quoted
	// New are the declarations by which the cell made new variables in
	// place of existing ones (Session.NewVars after the cell ran); every
	// other := or var of a name main has assigns it, as in the session.
	New []NewVar
}

// Skipped is a cell that [Session.Script] left out of the program, with the
// reason (the first problem the check found once the cell was added).
type Skipped struct {
	Cell   int // 1-based index in the cells given to Script
	Reason string
}

// Script turns the cells of a session into a Go program (package main) that
// reproduces it: imports, types, constants and functions at the top level;
// the statements in func main in order, one "// %%" cell each; a displayed
// bare expression (or comma list) printed with fmt.Println; a global that a
// function uses declared at the top level with the type it has in the
// session. A := or var of a name main has assigns it, except where the
// session made a new variable (SaveCell.New): there the program declares
// one, and the earlier variables of that name get names of their own (see
// save_gen.go). Each cell is checked as it is added (the program must
// parse, be gofmt-able, and use no undeclared name); a cell that breaks the
// program is left out and listed in skipped. header is written before the
// package clause (a build tag, a comment). The result is gofmt-formatted.
func (s *Session) Script(cells []SaveCell, header string) (src []byte, skipped []Skipped, err error) {
	// Every session starts with these; the ones not used are dropped.
	b := &scriptBuilder{sess: s, imports: map[string]string{"fmt": "", nnPath: "", mnistPath: ""}, importer: s.saveImporter()}
	// Most often every cell is kept: then checking the whole program once
	// gives the same program as checking it cell by cell below, which
	// costs time quadratic in the cells (7.5 s for 1500).
	whole := b.clone()
	all := true
	for _, c := range cells {
		if all = whole.add(c) == ""; !all {
			break
		}
	}
	if all {
		if out, problem := whole.program(header); problem == "" {
			return out, nil, nil
		}
	}
	// Names declared by cells left out: a later cell that uses one would
	// see another value than the session did, and is left out too, until a
	// cell that is kept declares the name again.
	lost := map[string]bool{}
	for i, c := range cells {
		defined, used := cellNames(c.Src)
		reason := ""
		for _, n := range used {
			if lost[n] && !defined[n] {
				reason = fmt.Sprintf("uses %s, which a cell left out declared", n)
				break
			}
		}
		saved := b.clone()
		if reason == "" {
			reason = b.add(c)
		}
		if reason == "" {
			_, reason = b.program(header)
		}
		if reason != "" {
			*b = *saved
			skipped = append(skipped, Skipped{Cell: i + 1, Reason: reason})
			for n := range defined {
				lost[n] = true
			}
			continue
		}
		for n := range defined {
			delete(lost, n)
		}
	}
	out, problem := b.program(header)
	if problem != "" {
		return nil, skipped, fmt.Errorf("save: the program does not check: %s", problem)
	}
	return out, skipped, nil
}

// cellNames lists the names a cell declares at its top level and every
// identifier it uses.
func cellNames(src string) (defined map[string]bool, used []string) {
	defined = map[string]bool{}
	for _, u := range cellUnits(src) {
		var node ast.Node
		if u.decl {
			f, err := parser.ParseFile(token.NewFileSet(), "", "package main\n"+u.src, parser.SkipObjectResolution)
			if err != nil {
				continue
			}
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil {
						defined[d.Name.Name] = true
					}
				case *ast.GenDecl:
					for _, sp := range d.Specs {
						switch sp := sp.(type) {
						case *ast.TypeSpec:
							defined[sp.Name.Name] = true
						case *ast.ValueSpec:
							for _, n := range sp.Names {
								defined[n.Name] = true
							}
						}
					}
				}
			}
			node = f
		} else {
			_, stmts, err := parseStmts(u.src)
			if err != nil {
				if e, err := parser.ParseExpr("f(" + u.src + ")"); err == nil {
					node = e
				}
			} else {
				body := &ast.BlockStmt{List: stmts}
				for _, st := range body.List {
					if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
						for _, l := range as.Lhs {
							if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
								defined[id.Name] = true
							}
						}
					}
				}
				node = body
			}
		}
		if node != nil {
			ast.Inspect(node, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					used = append(used, id.Name)
				}
				return true
			})
		}
	}
	return defined, used
}

// scriptBuilder accumulates the pieces of a saved program.
type scriptBuilder struct {
	sess    *Session
	imports map[string]string // import path -> explicit local name ("" for none)
	decls   []namedDecl       // top-level declarations, in order
	cells   [][]mainStmt      // statements of main, per cell
	local   map[string]bool   // names main declares
	// importer gives the packages' types to the program's analysis (see
	// renamed); taken are the names the program uses, once renamed.
	importer types.Importer
	taken    map[string]bool
	// free and varTypes are analysis.free and analysis.types, once
	// analysed.
	free     map[string]bool
	varTypes map[string]types.Type
}

// mainStmt is one statement of the saved main.
type mainStmt struct {
	text string
	// gens are the names this statement declares as new variables in
	// place of main's earlier ones of the same name, as the session did:
	// each starts a new generation of the name.
	gens []string
	// keep are the names on the left of this := that main has and that
	// the session assigned, while it declared the others.
	keep []string
	// news are the names the statement declares, once the generations
	// have names of their own (see renamed).
	news []string
}

type namedDecl struct {
	name string // the declared name ("T.M" for a method), "" for several
	text string
}

func (b *scriptBuilder) clone() *scriptBuilder {
	c := *b
	c.imports = map[string]string{}
	for k, v := range b.imports {
		c.imports[k] = v
	}
	c.decls = append([]namedDecl(nil), b.decls...)
	c.cells = append([][]mainStmt(nil), b.cells...)
	c.local = map[string]bool{}
	for k, v := range b.local {
		c.local[k] = v
	}
	return &c
}

// add appends one cell; it returns why the cell cannot be saved, or "".
func (b *scriptBuilder) add(c SaveCell) string {
	if b.local == nil {
		b.local = map[string]bool{}
	}
	// The declarations at which the session made new variables, and how
	// many declarations of each name the cell has had so far.
	isNew := map[NewVar]bool{}
	for _, v := range c.New {
		isNew[v] = true
	}
	count := map[string]int{}
	units := cellUnits(c.Src)
	var stmts, defers []mainStmt
	for i, u := range units {
		last := i == len(units)-1
		// gens are the names of main this unit declares as new variables.
		gens := map[string]bool{}
		for _, n := range declaredVars(u.src, u.decl) {
			count[n]++
			if isNew[NewVar{n, count[n]}] && b.local[n] {
				gens[n] = true
			}
		}
		if u.decl {
			f, err := parser.ParseFile(token.NewFileSet(), "", "package main\n"+u.src, parser.SkipObjectResolution)
			if err != nil {
				return oneLine(err).Error()
			}
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.GenDecl:
					switch d.Tok {
					case token.IMPORT:
						for _, sp := range d.Specs {
							is := sp.(*ast.ImportSpec)
							p, _ := strconv.Unquote(is.Path.Value)
							name := ""
							if is.Name != nil {
								name = is.Name.Name
							}
							b.imports[p] = name
						}
						continue
					case token.VAR:
						// A var runs where it was typed: in main, after the
						// statements before it.
						stmts = append(stmts, b.varStmt(u.src, d, gens))
						continue
					}
					b.addDecl(declName(d), u.src)
				case *ast.FuncDecl:
					name := d.Name.Name
					if d.Recv != nil && len(d.Recv.List) == 1 {
						name = saveRecvName(d.Recv.List[0].Type) + "." + name
					}
					b.addDecl(name, u.src)
				}
			}
			continue
		}
		if e, ok := exprList(u.src); ok {
			if last && c.Shown && !hidesOutput(c.Src) {
				print := "fmt.Println(" + e + ")"
				if out := strings.TrimSpace(c.Out); strings.HasPrefix(out, `"`) && !isList(e) {
					if _, err := strconv.Unquote(out); err == nil {
						print = `fmt.Printf("%q\n", ` + e + ")" // as the REPL showed it
					}
				}
				stmts = append(stmts, mainStmt{text: print})
				if _, ok := b.imports["fmt"]; !ok {
					b.imports["fmt"] = ""
				}
			} else if !isShownOnly(u.src) {
				stmts = append(stmts, mainStmt{text: u.src}) // a call: it runs for its effects
			}
			continue
		}
		if call, ok := deferredCall(u.src); ok {
			defers = append(defers, mainStmt{text: call})
			continue
		}
		stmts = append(stmts, b.statement(u.src, gens))
	}
	// A top-level defer of the session ran at the end of its cell, and
	// yaegi evaluated its arguments then too: the call goes there.
	for i := len(defers) - 1; i >= 0; i-- {
		stmts = append(stmts, defers[i])
	}
	if len(stmts) > 0 {
		b.cells = append(b.cells, stmts)
	}
	return ""
}

// varStmt is a var declaration of a cell as a statement of main. On names
// main has, none of which the session made anew (gens), it assigns them, as
// the session did (see Session.analyse); otherwise it declares its names,
// and those main has start new generations.
func (b *scriptBuilder) varStmt(src string, d *ast.GenDecl, gens map[string]bool) mainStmt {
	st := mainStmt{text: src}
	if !d.Lparen.IsValid() && len(d.Specs) == 1 {
		vs := d.Specs[0].(*ast.ValueSpec)
		all, some := true, false
		var names []string
		for _, n := range vs.Names {
			names = append(names, n.Name)
			if n.Name != "_" && (!b.local[n.Name] || gens[n.Name]) {
				all = false
			}
			some = some || n.Name != "_"
		}
		if all && some && (len(vs.Values) == 0 || len(vs.Values) == len(vs.Names)) {
			// src parsed after "package main\n".
			text := func(n ast.Node) string {
				return src[int(n.Pos())-len("package main\n")-1 : int(n.End())-len("package main\n")-1]
			}
			var vals []string
			for j := range vs.Names {
				if len(vs.Values) == 0 {
					vals = append(vals, "*new("+text(vs.Type)+")")
				} else {
					vals = append(vals, text(vs.Values[j]))
				}
			}
			st.text = strings.Join(names, ", ") + " = " + strings.Join(vals, ", ")
			return st
		}
	}
	for _, sp := range d.Specs {
		for _, n := range sp.(*ast.ValueSpec).Names {
			if n.Name == "_" {
				continue
			}
			if b.local[n.Name] {
				st.gens = append(st.gens, n.Name)
			}
			b.local[n.Name] = true
		}
	}
	return st
}

// deferredCall returns the call of a defer statement.
func deferredCall(src string) (string, bool) {
	fset, st := oneStmt(src)
	d, ok := st.(*ast.DeferStmt)
	if !ok {
		return "", false
	}
	return src[stmtOffset(fset, d.Call.Pos()):stmtOffset(fset, d.Call.End())], true
}

// addDecl adds a top-level declaration; a later one of the same name
// replaces the earlier, as in the session.
func (b *scriptBuilder) addDecl(name, text string) {
	if name != "" {
		for i, d := range b.decls {
			if d.name == name {
				b.decls[i].text = text
				return
			}
		}
	}
	b.decls = append(b.decls, namedDecl{name: name, text: text})
}

// declName is the one name a type or const declaration declares, or "".
func declName(d *ast.GenDecl) string {
	if len(d.Specs) != 1 {
		return ""
	}
	switch sp := d.Specs[0].(type) {
	case *ast.TypeSpec:
		return sp.Name.Name
	case *ast.ValueSpec:
		if len(sp.Names) == 1 {
			return sp.Names[0].Name
		}
	}
	return ""
}

func saveRecvName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return saveRecvName(t.X)
	case *ast.IndexExpr:
		return saveRecvName(t.X)
	case *ast.IndexListExpr:
		return saveRecvName(t.X)
	case *ast.Ident:
		return t.Name
	}
	return ""
}

// statement is one statement of main. A `:=` declares the names that are
// new to main and those the session made anew (gens), and assigns the
// others; one that declares nothing becomes `=`.
func (b *scriptBuilder) statement(src string, gens map[string]bool) mainStmt {
	st := mainStmt{text: src}
	fset, one := oneStmt(src)
	as, ok := one.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE {
		return st
	}
	declares := false
	for _, l := range as.Lhs {
		id, ok := l.(*ast.Ident)
		if !ok || id.Name == "_" {
			continue
		}
		switch {
		case gens[id.Name]:
			st.gens = append(st.gens, id.Name)
			declares = true
		case b.local[id.Name]:
			st.keep = append(st.keep, id.Name)
		default:
			declares = true
		}
		b.local[id.Name] = true
	}
	if !declares {
		at := stmtOffset(fset, as.TokPos)
		st.text = src[:at] + "=" + src[at+2:]
		st.keep = nil
	}
	return st
}

// unit is a top-level piece of a cell: a declaration or one complete
// statement.
type unit struct {
	decl bool
	src  string
}

// cellUnits cuts a cell into declarations and whole statements. splitCell
// cuts at every top-level semicolon, also those of a for header
// (`for i := 0; i < 3; i++ {`): pieces are joined again until they parse.
func cellUnits(src string) []unit {
	items := splitCell(src)
	offs := lineStarts(src)
	var out []unit
	for i := 0; i < len(items); i++ {
		it := items[i]
		if it.decl {
			out = append(out, unit{decl: true, src: it.src})
			continue
		}
		start := offs[it.line-1] + it.col - 1
		text, end := it.src, i
		for j := i + 1; !parsesAsStmt(text) && j < len(items) && !items[j].decl; j++ {
			n := items[j]
			if cand := src[start : offs[n.line-1]+n.col-1+len(n.src)]; parsesAsStmt(cand) {
				text, end = cand, j
			}
		}
		i = end
		out = append(out, unit{src: strings.TrimSpace(text)})
	}
	return out
}

// lineStarts is the byte offset of the start of each line of src.
func lineStarts(src string) []int {
	offs := []int{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			offs = append(offs, i+1)
		}
	}
	return offs
}

func parsesAsStmt(src string) bool {
	if _, ok := exprList(src); ok {
		return true
	}
	_, _, err := parseStmts(src)
	return err == nil
}

// exprList reports whether src is one expression or a comma list of them
// (which the REPL displays), and returns it.
func exprList(src string) (string, bool) {
	src = strings.TrimSpace(src)
	e, err := parser.ParseExpr("f(" + src + ")")
	if err != nil {
		return "", false
	}
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) == 0 || call.Ellipsis.IsValid() {
		return "", false
	}
	return src, true
}

// isList reports whether src is a comma list of several expressions.
func isList(src string) bool {
	e, err := parser.ParseExpr("f(" + src + ")")
	call, ok := e.(*ast.CallExpr)
	return err == nil && ok && len(call.Args) > 1
}

// isShownOnly reports whether src is a comma list or an expression that is
// not a call (nothing to run if it is not printed).
func isShownOnly(src string) bool {
	e, err := parser.ParseExpr(src)
	if err != nil {
		return true
	}
	_, isCall := e.(*ast.CallExpr)
	return !isCall
}

// program assembles and checks the program; problem is the first reason it
// does not check.
func (b *scriptBuilder) program(header string) (out []byte, problem string) {
	b = b.clone() // unused imports are dropped from this program only
	b.analyse()
	src := b.text(header, nil)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "saved.go", src, parser.ParseComments)
	if err != nil {
		return nil, oneLine(err).Error()
	}
	hoist := b.hoisted(f)
	if len(hoist) > 0 {
		src = b.text(header, hoist)
		if f, err = parser.ParseFile(fset, "saved.go", src, parser.ParseComments); err != nil {
			return nil, oneLine(err).Error()
		}
	}
	unused, problems := checkNames(fset, f)
	if len(problems) > 0 {
		return nil, problems[0]
	}
	if len(unused.vars) > 0 || len(unused.imports) > 0 {
		for _, p := range unused.imports {
			delete(b.imports, p)
		}
		src = b.text(header, hoist, unused.vars...)
		if f, err = parser.ParseFile(fset, "saved.go", src, parser.ParseComments); err != nil {
			return nil, oneLine(err).Error()
		}
		if _, problems := checkNames(fset, f); len(problems) > 0 {
			return nil, problems[0]
		}
	}
	formatted, err := format.Source([]byte(src))
	if err != nil {
		return nil, oneLine(err).Error()
	}
	return formatted, ""
}

// hoisted lists the variables of main that a top-level function uses: they
// move to the top level as `var name T` and main assigns them. The
// analysis (b.free) knows which names the functions mean; without it, any
// identifier of that name counts.
func (b *scriptBuilder) hoisted(f *ast.File) []string {
	if b.free != nil {
		var out []string
		for n := range b.local {
			if b.free[n] {
				out = append(out, n)
			}
		}
		sort.Strings(out)
		return out
	}
	used := map[string]bool{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name != "main" || !ok {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
				continue
			}
			ast.Inspect(d, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					used[id.Name] = true
				}
				return true
			})
		}
	}
	var out []string
	for n := range b.local {
		if used[n] {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// text writes the program: hoist are main's variables declared at the top
// level, unused those main declares and never uses.
func (b *scriptBuilder) text(header string, hoist []string, unused ...string) string {
	// Temporary names are taken for this text only: each text of the
	// program names them alike.
	taken := b.taken
	b.taken = maps.Clone(taken)
	defer func() { b.taken = taken }()
	var w bytes.Buffer
	w.WriteString(header)
	w.WriteString("package main\n\n")
	var hoistDecls []string
	hoistSet := map[string]bool{}
	for _, n := range hoist {
		typ, ok := b.varType(n)
		if !ok {
			typ, ok = b.sess.goType(n, typeNamer{b.importName, b.structName})
		}
		if !ok {
			continue // declared in main as typed: the check reports it
		}
		hoistSet[n] = true
		hoistDecls = append(hoistDecls, n+" "+typ)
	}
	b.writeImports(&w)
	for _, d := range b.decls {
		w.WriteString(d.text + "\n\n")
	}
	if len(hoistDecls) > 0 {
		w.WriteString("// Globals of the session that the functions above use.\nvar (\n")
		for _, d := range hoistDecls {
			w.WriteString("\t" + d + "\n")
		}
		w.WriteString(")\n\n")
	}
	w.WriteString("func main() {\n")
	for i, c := range b.cells {
		if i > 0 {
			w.WriteString("\n")
		}
		fmt.Fprintf(&w, "\t%s %d\n", CellMarker, i+1)
		for _, st := range c {
			text := st.text
			if len(hoistSet) > 0 {
				text = b.assignHoisted(st, hoistSet)
			}
			if text == "" {
				continue
			}
			for _, l := range strings.Split(text, "\n") {
				w.WriteString("\t" + l + "\n")
			}
		}
	}
	if len(unused) > 0 {
		w.WriteString("\n\t// Values the session kept but this program does not use again.\n")
		w.WriteString("\t" + strings.Repeat("_, ", len(unused)-1) + "_ = " + strings.Join(unused, ", ") + "\n")
	}
	w.WriteString("}\n")
	return w.String()
}

// writeImports writes the import declaration of the program.
func (b *scriptBuilder) writeImports(w *bytes.Buffer) {
	paths := make([]string, 0, len(b.imports))
	for p := range b.imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return
	}
	w.WriteString("import (\n")
	// The standard library first, then the others, as goimports does.
	sort.SliceStable(paths, func(i, j int) bool { return isStd(paths[i]) && !isStd(paths[j]) })
	for i, p := range paths {
		if i > 0 && isStd(paths[i-1]) && !isStd(p) {
			w.WriteString("\n")
		}
		if n := b.imports[p]; n != "" {
			w.WriteString("\t" + n + " ")
		}
		w.WriteString("\t" + strconv.Quote(p) + "\n")
	}
	w.WriteString(")\n\n")
}

// assignHoisted writes a statement of main for hoisted globals: a
// declaration there of a hoisted name would make a local variable that the
// functions do not see. `x := v` and `var x = v` become `x = v`; where the
// statement also declares names that stay in main, the hoisted ones are
// declared under temporary names and assigned after.
func (b *scriptBuilder) assignHoisted(st mainStmt, hoist map[string]bool) string {
	src := st.text
	fset, one := oneStmt(src)
	if one == nil {
		return src
	}
	body := []ast.Stmt{one}
	off := func(p token.Pos) int { return stmtOffset(fset, p) }
	news := map[string]bool{}
	for _, n := range st.news {
		news[n] = true
	}
	// lhs are the names the statement declares or assigns.
	var lhs []*ast.Ident
	var valueSpec *ast.ValueSpec // the one spec of a var declaration
	switch s := body[0].(type) {
	case *ast.AssignStmt:
		if s.Tok != token.DEFINE {
			return src
		}
		for _, l := range s.Lhs {
			if id, ok := l.(*ast.Ident); ok {
				lhs = append(lhs, id)
			}
		}
		if len(lhs) < len(s.Lhs) {
			return src
		}
	case *ast.DeclStmt:
		gd, ok := s.Decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			return src
		}
		for _, sp := range gd.Specs {
			lhs = append(lhs, sp.(*ast.ValueSpec).Names...)
		}
		if len(gd.Specs) == 1 && !gd.Lparen.IsValid() {
			valueSpec = gd.Specs[0].(*ast.ValueSpec)
		}
	default:
		return src
	}
	hoisted, stays := false, false // names to assign, names to declare
	for _, id := range lhs {
		switch {
		case id.Name == "_":
		case hoist[id.Name]:
			hoisted = true
		case news[id.Name]:
			stays = true
		}
	}
	if !hoisted {
		return src
	}
	if !stays {
		if as, ok := body[0].(*ast.AssignStmt); ok {
			return src[:off(as.TokPos)] + "=" + src[off(as.TokPos)+2:]
		}
		if valueSpec != nil {
			if len(valueSpec.Values) == 0 {
				return "" // the top-level declaration is enough
			}
			var names []string
			for _, id := range lhs {
				names = append(names, id.Name)
			}
			return strings.Join(names, ", ") + " = " + src[off(valueSpec.Values[0].Pos()):off(valueSpec.Values[len(valueSpec.Values)-1].End())]
		}
	}
	// Temporary names for the hoisted ones, assigned after.
	var after []string
	for i := len(lhs) - 1; i >= 0; i-- {
		id := lhs[i]
		if id.Name == "_" || !hoist[id.Name] {
			continue
		}
		t := b.freshName(id.Name + "_new")
		src = src[:off(id.Pos())] + t + src[off(id.End()):]
		after = append([]string{id.Name + " = " + t}, after...)
	}
	return src + "\n" + strings.Join(after, "\n")
}

// freshName is want, or want with a number after it, whichever the program
// does not use yet; it is taken from then on.
func (b *scriptBuilder) freshName(want string) string {
	if b.taken == nil {
		b.taken = map[string]bool{}
	}
	n := want
	for i := 2; b.taken[n]; i++ {
		n = fmt.Sprintf("%s%d", want, i)
	}
	b.taken[n] = true
	return n
}

// importName is the name by which the program refers to the package at
// path, importing it if need be.
func (b *scriptBuilder) importName(p string) string {
	if n, ok := b.imports[p]; ok && n != "" {
		return n
	}
	if _, ok := b.imports[p]; !ok {
		b.imports[p] = "" // imported under its own name
	}
	return pkgBase(p)
}

// isStd reports whether an import path is in the standard library (its
// first element has no dot).
func isStd(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// pkgBase is the default name of the package at an import path.
func pkgBase(p string) string {
	base := path.Base(p)
	if strings.HasPrefix(base, "v") && len(base) > 1 && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(p))
	}
	return strings.TrimPrefix(strings.TrimSuffix(base, ".go"), "go-")
}

type unusedNames struct {
	vars    []string // variables main declares and never uses
	imports []string // import paths no code uses
}

// checkNames type-checks f with empty stand-ins for the imported packages:
// enough to find every undeclared or redeclared name, mistyped uses of the
// program's own values, and the variables and imports that are not used.
// Uses of the packages' symbols are not checked (their export data may not
// be on this machine).
func checkNames(fset *token.FileSet, f *ast.File) (unused unusedNames, problems []string) {
	conf := types.Config{
		Importer: fakeImporter{},
		Error: func(err error) {
			te, ok := err.(types.Error)
			if !ok || te.Soft && !strings.Contains(te.Msg, "not used") {
				return
			}
			msg := te.Msg
			switch {
			case strings.HasPrefix(msg, "declared and not used: "):
				unused.vars = append(unused.vars, strings.TrimPrefix(msg, "declared and not used: "))
			case strings.HasSuffix(msg, " imported and not used"):
				p, err := strconv.Unquote(strings.Fields(msg)[0])
				if err == nil {
					unused.imports = append(unused.imports, p)
				}
			case strings.HasPrefix(msg, "undefined: ") && strings.Contains(msg, "."):
				// A symbol of an imported package: the stand-in is empty.
			case msg == "undefined: display": // every nnlab session has it
			case !te.Soft:
				// The stand-ins' symbols have invalid types, on which go/types
				// reports nothing more: what is left is about the cells.
				problems = append(problems, msg)
			}
		},
	}
	conf.Check("main", fset, []*ast.File{f}, nil)
	return unused, problems
}

// fakeImporter gives every import an empty, complete package.
type fakeImporter struct{}

func (fakeImporter) Import(p string) (*types.Package, error) {
	pkg := types.NewPackage(p, pkgBase(p))
	pkg.MarkComplete()
	return pkg, nil
}

// typeNamer names types in a saved program: a package by its import name,
// and a struct type by the user's type of that structure (the interpreter
// shows values of the user's types with unnamed struct types).
type typeNamer struct {
	importName func(path string) string
	structName func(reflect.Type) string
}

// goType is the Go type of a session global as source.
func (s *Session) goType(name string, tn typeNamer) (string, bool) {
	v, kind, ok := s.global(name)
	if !ok || kind != symVar || !v.IsValid() {
		return "", false
	}
	return typeExpr(v.Type(), tn), true
}

// structName is the one type declared in the program whose structure has
// the fields of t, in order, or "".
func (b *scriptBuilder) structName(t reflect.Type) string {
	found := ""
	for _, d := range b.decls {
		f, err := parser.ParseFile(token.NewFileSet(), "", "package main\n"+d.text, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, dd := range f.Decls {
			gd, ok := dd.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, sp := range gd.Specs {
				ts := sp.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				if !ok || ts.TypeParams != nil {
					continue
				}
				var names []string
				for _, fl := range st.Fields.List {
					if len(fl.Names) == 0 {
						names = append(names, "") // embedded
					}
					for _, n := range fl.Names {
						names = append(names, n.Name)
					}
				}
				if len(names) != t.NumField() {
					continue
				}
				match := true
				for i, n := range names {
					if f := t.Field(i); n != f.Name && !(n == "" && f.Anonymous) {
						match = false
					}
				}
				if match {
					if found != "" && found != ts.Name.Name {
						return "" // two candidates: keep the structure
					}
					found = ts.Name.Name
				}
			}
		}
	}
	return found
}

// typeExpr writes t as Go source.
func typeExpr(t reflect.Type, tn typeNamer) string {
	if t.Name() != "" {
		if t.PkgPath() == "" || t.PkgPath() == "main" {
			return t.Name()
		}
		return tn.importName(t.PkgPath()) + "." + t.Name()
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + typeExpr(t.Elem(), tn)
	case reflect.Slice:
		return "[]" + typeExpr(t.Elem(), tn)
	case reflect.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), typeExpr(t.Elem(), tn))
	case reflect.Map:
		return "map[" + typeExpr(t.Key(), tn) + "]" + typeExpr(t.Elem(), tn)
	case reflect.Chan:
		prefix := map[reflect.ChanDir]string{reflect.BothDir: "chan ", reflect.RecvDir: "<-chan ", reflect.SendDir: "chan<- "}[t.ChanDir()]
		return prefix + typeExpr(t.Elem(), tn)
	case reflect.Func:
		var in, out []string
		for i := 0; i < t.NumIn(); i++ {
			p := typeExpr(t.In(i), tn)
			if t.IsVariadic() && i == t.NumIn()-1 {
				p = "..." + typeExpr(t.In(i).Elem(), tn)
			}
			in = append(in, p)
		}
		for i := 0; i < t.NumOut(); i++ {
			out = append(out, typeExpr(t.Out(i), tn))
		}
		r := "func(" + strings.Join(in, ", ") + ")"
		switch len(out) {
		case 0:
		case 1:
			r += " " + out[0]
		default:
			r += " (" + strings.Join(out, ", ") + ")"
		}
		return r
	case reflect.Struct:
		if n := tn.structName(t); n != "" {
			return n
		}
		var fs []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous {
				fs = append(fs, typeExpr(f.Type, tn))
				continue
			}
			fs = append(fs, f.Name+" "+typeExpr(f.Type, tn))
		}
		return "struct{ " + strings.Join(fs, "; ") + " }"
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any"
		}
	}
	return t.String()
}
