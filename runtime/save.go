package runtime

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
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
// session. Each cell is checked as it is added (the program must parse, be
// gofmt-able, and use no undeclared name); a cell that breaks the program is
// left out and listed in skipped. header is written before the package
// clause (a build tag, a comment). The result is gofmt-formatted.
func (s *Session) Script(cells []SaveCell, header string) (src []byte, skipped []Skipped, err error) {
	// Every session starts with these; the ones not used are dropped.
	b := &scriptBuilder{sess: s, imports: map[string]string{"fmt": "", nnPath: "", mnistPath: ""}}
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
		if reason != "" && b.redeclares {
			// x := v on an x of main with another type (the session
			// allows it): the rest of main goes into a block, where the
			// new x shadows the old.
			*b = *saved.clone()
			b.fresh = true
			if b.add(c) == "" {
				if _, r := b.program(header); r == "" {
					reason = ""
				}
			}
			b.fresh = false
			if reason != "" {
				*b = *saved
			}
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
			f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+u.src+"\n}", parser.SkipObjectResolution)
			if err != nil {
				if e, err := parser.ParseExpr("f(" + u.src + ")"); err == nil {
					node = e
				}
			} else {
				body := f.Decls[0].(*ast.FuncDecl).Body
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
	cells   [][]string        // statements of main, per cell
	local   map[string]bool   // names main declares
	// redeclares is set by add when a cell's := names only names main has;
	// with fresh, such a := opens a block instead of assigning, and open
	// counts the blocks main must close.
	redeclares, fresh bool
	open              int
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
	c.cells = append([][]string(nil), b.cells...)
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
	b.redeclares = false
	units := cellUnits(c.Src)
	var stmts, defers []string
	for i, u := range units {
		last := i == len(units)-1
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
						stmts = append(stmts, u.src)
						for _, sp := range d.Specs {
							for _, n := range sp.(*ast.ValueSpec).Names {
								b.local[n.Name] = true
							}
						}
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
				stmts = append(stmts, print)
				if _, ok := b.imports["fmt"]; !ok {
					b.imports["fmt"] = ""
				}
			} else if !isShownOnly(u.src) {
				stmts = append(stmts, u.src) // a call: it runs for its effects
			}
			continue
		}
		if call, ok := deferredCall(u.src); ok {
			defers = append(defers, call)
			continue
		}
		stmts = append(stmts, b.statement(u.src))
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

// deferredCall returns the call of a defer statement.
func deferredCall(src string) (string, bool) {
	const pre = "package p\nfunc _() {\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", pre+src+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return "", false
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) != 1 {
		return "", false
	}
	d, ok := body[0].(*ast.DeferStmt)
	if !ok {
		return "", false
	}
	at := func(p token.Pos) int { return fset.Position(p).Offset - len(pre) }
	return src[at(d.Call.Pos()):at(d.Call.End())], true
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

// statement is one statement of main: a `:=` of names main already has
// becomes `=`, as the session ran it.
func (b *scriptBuilder) statement(src string) string {
	fset := token.NewFileSet()
	const pre = "package p\nfunc _() {\n"
	f, err := parser.ParseFile(fset, "", pre+src+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return src
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) != 1 {
		return src
	}
	as, ok := body[0].(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE {
		return src
	}
	allOld := true
	for _, l := range as.Lhs {
		if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
			if !b.local[id.Name] {
				allOld = false
			}
			b.local[id.Name] = true
		}
	}
	if !allOld {
		return src
	}
	b.redeclares = true
	if b.fresh {
		b.open++
		var old []string
		for _, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
				old = append(old, id.Name)
			}
		}
		// The old values are used here, so that Go does not call them
		// unused once the block shadows them.
		return strings.Repeat("_, ", len(old)-1) + "_ = " + strings.Join(old, ", ") + "\n{\n" + src
	}
	at := fset.Position(as.TokPos).Offset - len(pre)
	return src[:at] + "=" + src[at+2:]
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
	_, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+src+"\n}", parser.SkipObjectResolution)
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
// move to the top level as `var name T` and main assigns them.
func (b *scriptBuilder) hoisted(f *ast.File) []string {
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
	var w bytes.Buffer
	w.WriteString(header)
	w.WriteString("package main\n\n")
	var hoistDecls []string
	hoistSet := map[string]bool{}
	for _, n := range hoist {
		typ, ok := b.sess.goType(n, typeNamer{b.importName, b.structName})
		if !ok {
			continue // declared in main as typed: the check reports it
		}
		hoistSet[n] = true
		hoistDecls = append(hoistDecls, n+" "+typ)
	}
	paths := make([]string, 0, len(b.imports))
	for p := range b.imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if len(paths) > 0 {
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
			if len(hoistSet) > 0 {
				st = assignHoisted(st, hoistSet)
			}
			for _, l := range strings.Split(st, "\n") {
				w.WriteString("\t" + l + "\n")
			}
		}
	}
	if len(unused) > 0 {
		w.WriteString("\n\t// Values the session kept but this program does not use again.\n")
		w.WriteString("\t" + strings.Repeat("_, ", len(unused)-1) + "_ = " + strings.Join(unused, ", ") + "\n")
	}
	w.WriteString(strings.Repeat("}\n", b.open) + "}\n")
	return w.String()
}

// assignHoisted turns `x := v` and `var x = v` on a hoisted x into `x = v`.
func assignHoisted(st string, hoist map[string]bool) string {
	fset := token.NewFileSet()
	const pre = "package p\nfunc _() {\n"
	f, err := parser.ParseFile(fset, "", pre+st+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return st
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) != 1 {
		return st
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset - len(pre) }
	switch s := body[0].(type) {
	case *ast.AssignStmt:
		if s.Tok != token.DEFINE {
			return st
		}
		all := true
		for _, l := range s.Lhs {
			if id, ok := l.(*ast.Ident); !ok || !hoist[id.Name] && id.Name != "_" {
				all = false
			}
		}
		if all {
			return st[:off(s.TokPos)] + "=" + st[off(s.TokPos)+2:]
		}
	case *ast.DeclStmt:
		gd := s.Decl.(*ast.GenDecl)
		if len(gd.Specs) != 1 {
			return st
		}
		vs := gd.Specs[0].(*ast.ValueSpec)
		if len(vs.Names) != 1 || !hoist[vs.Names[0].Name] {
			return st
		}
		if len(vs.Values) == 0 {
			return "" // the top-level declaration is enough
		}
		return vs.Names[0].Name + " = " + st[off(vs.Values[0].Pos()):off(vs.Values[len(vs.Values)-1].End())]
	}
	return st
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
