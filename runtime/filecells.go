package runtime

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"

	"github.com/nnlab/nnlab/internal/infile"
)

// Cell is one cell of a script: the statements of func main between two
// "// %%" marker comments, with the marker's title.
type Cell struct {
	Title string // the text after "// %%", e.g. "Step 2: MNIST"
	Line  int    // the line of the file where the cell's code starts
	Src   string
}

// CellMarker starts a new cell inside a script's func main, as in Jupyter's
// percent format: "// %% Step 2 - MNIST".
const CellMarker = "// %%"

// FileCells splits a Go script (package main) for running cell by cell into
// a live session: decls holds its imports and declarations other than
// main, and cells the body of main cut at "// %%" comments. Statements
// before the first marker form a cell of their own.
func FileCells(path string) (decls string, cells []Cell, err error) {
	src, err := infile.ReadFile(path, infile.MaxSource)
	if err != nil {
		return "", nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return "", nil, err
	}
	var main *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			main = fd
		}
	}
	if main == nil || main.Body == nil {
		return "", nil, fmt.Errorf("%s: no func main to run cell by cell", path)
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	// Declarations: the file after the package clause, without main (kept
	// as blank lines so that line numbers in messages still match).
	start, end := off(f.Name.End()), off(main.End())
	blank := strings.Repeat("\n", strings.Count(string(src[off(main.Pos()):end]), "\n"))
	decls = strings.Repeat("\n", strings.Count(string(src[:start]), "\n")) +
		string(src[start:off(main.Pos())]) + blank + string(src[end:])
	// Cells: the body between the braces, cut at the markers.
	bodyStart, bodyEnd := off(main.Body.Lbrace)+1, off(main.Body.Rbrace)
	type cut struct {
		at    int
		title string
	}
	cuts := []cut{{bodyStart, ""}}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			p := off(c.Pos())
			if p > bodyStart && p < bodyEnd && strings.HasPrefix(c.Text, CellMarker) {
				cuts = append(cuts, cut{p, strings.TrimSpace(strings.TrimPrefix(c.Text, CellMarker))})
			}
		}
	}
	for i, c := range cuts {
		stop := bodyEnd
		if i+1 < len(cuts) {
			stop = cuts[i+1].at
		}
		text := string(src[c.at:stop])
		if strings.TrimSpace(stripComments(text)) == "" {
			continue
		}
		cells = append(cells, Cell{Title: c.title, Line: fset.Position(main.Body.Lbrace).Line + strings.Count(string(src[bodyStart:c.at]), "\n"), Src: dedent(text)})
	}
	return decls, cells, nil
}

// stripComments drops // comments line by line (enough to see whether a
// cell has code).
func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if i := strings.Index(l, "//"); i >= 0 {
			l = l[:i]
		}
		b.WriteString(l)
	}
	return b.String()
}

// dedent removes one level of tab indentation, the body's.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "\t")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n") + "\n"
}

// PartKind says what a piece of a saved cell is.
type PartKind int

// The kinds of cell parts, for writing cells out as a script.
const (
	PartImport PartKind = iota // an import declaration
	PartDecl                   // a func, type, var or const declaration
	PartStmt                   // a statement
	PartExpr                   // a bare non-call expression, shown by the REPL
)

// Part is one top-level piece of a cell.
type Part struct {
	Kind    PartKind
	Text    string
	Imports []string // quoted import paths, with any name: `m "math"`
}

// ScriptParts cuts cells into the pieces a script needs: imports and
// declarations for the top level, statements (and displayed expressions)
// for main. A `x := v` on a name an earlier cell declared becomes `x = v`,
// as the REPL ran it, so that main compiles.
func ScriptParts(cells []string) []Part {
	declared := map[string]bool{}
	var parts []Part
	for _, cell := range cells {
		for _, it := range splitCell(cell) {
			if !it.decl {
				if e, isCall := exprItem(it); e != "" && !isCall {
					parts = append(parts, Part{Kind: PartExpr, Text: e})
					continue
				}
				parts = append(parts, Part{Kind: PartStmt, Text: redefine(it.src, declared)})
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+it.src, parser.ImportsOnly)
			if err == nil && len(f.Imports) > 0 && strings.HasPrefix(strings.TrimSpace(it.src), "import") {
				p := Part{Kind: PartImport}
				for _, im := range f.Imports {
					s := im.Path.Value
					if im.Name != nil {
						s = im.Name.Name + " " + s
					}
					p.Imports = append(p.Imports, s)
				}
				parts = append(parts, p)
				continue
			}
			parts = append(parts, Part{Kind: PartDecl, Text: it.src})
		}
	}
	return parts
}

// redefine turns a top-level `a, b := ...` whose names all exist into an
// assignment, and notes the names it declares.
func redefine(src string, declared map[string]bool) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p\nfunc _() {\n"+src+"\n}", 0)
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
			if !declared[id.Name] {
				allOld = false
			}
			declared[id.Name] = true
		}
	}
	if !allOld {
		return src
	}
	at := fset.Position(as.TokPos).Offset - len("package p\nfunc _() {\n")
	return src[:at] + "=" + src[at+2:]
}
