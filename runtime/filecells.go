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
		// dedent drops the blank lines the cell starts with: Line is that
		// of its first line of text.
		blank := text[:len(text)-len(strings.TrimLeft(text, " \t\n"))]
		cells = append(cells, Cell{Title: c.title, Line: fset.Position(main.Body.Lbrace).Line + strings.Count(string(src[bodyStart:c.at])+blank, "\n"), Src: dedent(text)})
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
