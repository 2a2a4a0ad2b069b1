// Command gen extracts the documentation that nnlab's :doc and :apropos
// show and writes it as package docs' data.json. It is run by
// `go generate ./repl/docs`:
//
//	go run ./internal/gen [-o data.json] [-stdlib ../../stdlib/stdlib.go] [IMPORTPATH...]
//
// The packages are those whose symbols the interpreter exposes (read from
// the yaegi extract lines of stdlib/stdlib.go) plus the import paths given
// as arguments; a package that `go list` cannot load (not written yet) is
// skipped with a warning. Only exported symbols are kept, each doc comment
// shortened to its first lines; nnlab's own packages also get their Example
// functions.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nnlab/nnlab/repl/docs/internal/data"
)

// modulePath marks nnlab's own packages, which get examples.
const modulePath = "github.com/nnlab/nnlab"

const (
	maxDocLines     = 15 // lines kept of a symbol's doc comment
	maxPkgDocLines  = 30 // lines kept of a package comment
	maxDeclLines    = 30 // lines kept of a declaration
	maxGroupLines   = 12 // a const/var group longer than this shows only the symbol's own spec
	maxExampleLines = 40 // lines kept of an example's code
	textWidth       = 76 // doc text is wrapped to this width (shown indented by 4)
)

func main() {
	out := flag.String("o", "data.json", "output `file`")
	stdlibFile := flag.String("stdlib", "../../stdlib/stdlib.go", "`file` whose yaegi extract go:generate lines list the interpreter's packages")
	flag.Parse()
	if err := run(*out, *stdlibFile, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out, stdlibFile string, extra []string) error {
	paths, err := extractPaths(stdlibFile)
	if err != nil {
		return err
	}
	paths = order(append(paths, extra...))
	pkgs, err := list(paths)
	if err != nil {
		return err
	}
	set := &data.Set{}
	for _, lp := range pkgs {
		p, syms, err := extract(lp)
		if err != nil {
			return fmt.Errorf("%s: %v", lp.ImportPath, err)
		}
		set.Packages = append(set.Packages, p)
		set.Symbols = append(set.Symbols, syms...)
	}
	b, err := data.Encode(set)
	if err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}

// extractPaths returns the import paths on the
// `//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract` lines of
// file.
func extractPaths(file string) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const prefix = "//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract "
	var paths []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			paths = append(paths, strings.Fields(rest)...)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: no yaegi extract lines", file)
	}
	return paths, nil
}

// order removes duplicates and puts nnlab's own packages first, keeping
// the given order otherwise.
func order(paths []string) []string {
	seen := map[string]bool{}
	var own, std []string
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		if isOwn(p) {
			own = append(own, p)
		} else {
			std = append(std, p)
		}
	}
	return append(own, std...)
}

func isOwn(path string) bool {
	return path == modulePath || strings.HasPrefix(path, modulePath+"/")
}

// listed is what `go list -json` says about a package.
type listed struct {
	ImportPath   string
	Name         string
	Dir          string
	GoFiles      []string
	CgoFiles     []string
	TestGoFiles  []string
	XTestGoFiles []string
	Error        *struct{ Err string }
}

// list asks the go command for the packages' files; packages it cannot
// load are skipped with a warning.
func list(paths []string) ([]*listed, error) {
	cmd := exec.Command("go", append([]string{"list", "-e", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles,Error"}, paths...)...)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v", err)
	}
	var pkgs []*listed
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list: %v", err)
		}
		if p.Error != nil || len(p.GoFiles)+len(p.CgoFiles) == 0 {
			msg := "no Go files"
			if p.Error != nil {
				msg = p.Error.Err
			}
			fmt.Fprintf(os.Stderr, "gen: skipping %s: %s\n", p.ImportPath, msg)
			continue
		}
		pkgs = append(pkgs, &p)
	}
	return pkgs, nil
}

// extractor turns one package's go/doc documentation into data.
type extractor struct {
	fset *token.FileSet
	pkg  *doc.Package
	syms []*data.Symbol
}

// extract parses a package (with its tests for nnlab's own, for the
// examples) and returns its overview and exported symbols.
func extract(lp *listed) (*data.Package, []*data.Symbol, error) {
	fset := token.NewFileSet()
	names := append(append([]string(nil), lp.GoFiles...), lp.CgoFiles...)
	own := isOwn(lp.ImportPath)
	if own {
		names = append(append(names, lp.TestGoFiles...), lp.XTestGoFiles...)
	}
	var files []*ast.File
	for _, n := range names {
		f, err := parser.ParseFile(fset, filepath.Join(lp.Dir, n), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, f)
	}
	pkg, err := doc.NewFromFiles(fset, files, lp.ImportPath)
	if err != nil {
		return nil, nil, err
	}
	x := &extractor{fset: fset, pkg: pkg}
	p := &data.Package{
		Path:     lp.ImportPath,
		Name:     pkg.Name,
		Project:  own,
		Doc:      x.text(pkg.Doc, maxPkgDocLines, lp.ImportPath),
		Examples: x.examples(pkg.Examples),
	}
	x.values(pkg.Consts, "const")
	x.values(pkg.Vars, "var")
	for _, f := range pkg.Funcs {
		x.fn(f, "")
	}
	for _, t := range pkg.Types {
		x.typ(t)
	}
	sort.SliceStable(x.syms, func(i, j int) bool { return x.syms[i].Name < x.syms[j].Name })
	return p, x.syms, nil
}

// add records a symbol of the package.
func (x *extractor) add(s *data.Symbol) {
	s.Path = x.pkg.ImportPath
	x.syms = append(x.syms, s)
}

// values records every exported name of const or var groups.
func (x *extractor) values(vals []*doc.Value, kind string) {
	for _, v := range vals {
		whole := x.node(v.Decl)
		for _, spec := range v.Decl.Specs {
			vs := spec.(*ast.ValueSpec)
			decl, text := whole, v.Doc
			if strings.Count(whole, "\n") >= maxGroupLines {
				// Only this spec; its own doc moves to the text (its line
				// comment stays in the declaration).
				one := *vs
				one.Doc = nil
				decl = kind + " " + x.node(&one)
				if vs.Doc != nil {
					text = strings.TrimSpace(text + "\n\n" + vs.Doc.Text())
				}
			}
			for _, id := range vs.Names {
				if !id.IsExported() {
					continue
				}
				x.add(&data.Symbol{
					Name: id.Name,
					Kind: kind,
					Decl: clip(decl, maxDeclLines),
					Doc:  x.text(text, maxDocLines, x.pkg.ImportPath+"."+id.Name),
				})
			}
		}
	}
}

// fn records a function (typeName "" or the type it constructs) or a
// method (recv is the type name).
func (x *extractor) fn(f *doc.Func, typeName string) {
	s := &data.Symbol{
		Name:     f.Name,
		Kind:     "func",
		Type:     typeName,
		Decl:     clip(x.node(f.Decl), maxDeclLines),
		Doc:      x.text(f.Doc, maxDocLines, x.pkg.ImportPath+"."+f.Name),
		Examples: x.examples(f.Examples),
	}
	x.add(s)
}

// typ records a type, its constructors, its methods (including those of an
// interface) and its typed constants and variables.
func (x *extractor) typ(t *doc.Type) {
	x.add(&data.Symbol{
		Name:     t.Name,
		Kind:     "type",
		Decl:     clip(x.node(t.Decl), maxDeclLines),
		Doc:      x.text(t.Doc, maxDocLines, x.pkg.ImportPath+"."+t.Name),
		Examples: x.examples(t.Examples),
	})
	x.values(t.Consts, "const")
	x.values(t.Vars, "var")
	for _, f := range t.Funcs {
		x.fn(f, t.Name)
	}
	for _, m := range t.Methods {
		x.add(&data.Symbol{
			Name:     t.Name + "." + m.Name,
			Kind:     "method",
			Decl:     clip(x.node(m.Decl), maxDeclLines),
			Doc:      x.text(m.Doc, maxDocLines, x.pkg.ImportPath+"."+t.Name+"."+m.Name),
			Examples: x.examples(m.Examples),
		})
	}
	if len(t.Decl.Specs) != 1 {
		return
	}
	it, ok := t.Decl.Specs[0].(*ast.TypeSpec).Type.(*ast.InterfaceType)
	if !ok {
		return
	}
	for _, fld := range it.Methods.List {
		ft, ok := fld.Type.(*ast.FuncType)
		if !ok || len(fld.Names) != 1 || !fld.Names[0].IsExported() {
			continue // an embedded interface or a type constraint
		}
		name := fld.Names[0].Name
		text := fld.Doc.Text()
		if text == "" {
			text = fld.Comment.Text()
		}
		x.add(&data.Symbol{
			Name: t.Name + "." + name,
			Kind: "method",
			Decl: clip("func ("+t.Name+") "+name+strings.TrimPrefix(x.node(ft), "func"), maxDeclLines),
			Doc:  x.text(text, maxDocLines, x.pkg.ImportPath+"."+t.Name+"."+name),
		})
	}
}

// examples formats Example functions: the body without its braces,
// unindented, with its comments.
func (x *extractor) examples(exs []*doc.Example) []*data.Example {
	if !isOwn(x.pkg.ImportPath) {
		return nil
	}
	var out []*data.Example
	for _, ex := range exs {
		code := x.node(&printer.CommentedNode{Node: ex.Code, Comments: ex.Comments})
		if _, ok := ex.Code.(*ast.BlockStmt); ok {
			code = strings.TrimSuffix(strings.TrimPrefix(code, "{\n"), "}")
			var lines []string
			for _, l := range strings.Split(strings.TrimRight(code, "\n"), "\n") {
				lines = append(lines, strings.TrimPrefix(l, "\t"))
			}
			code = strings.Join(lines, "\n")
		}
		// The body's own "// Output:" comment duplicates Output.
		if i := strings.LastIndex(code, "\n// Output:"); i >= 0 && ex.Output != "" {
			code = code[:i]
		}
		out = append(out, &data.Example{
			Suffix: ex.Suffix,
			Code:   clip(strings.TrimSpace(code), maxExampleLines),
			Output: strings.TrimRight(ex.Output, "\n"),
		})
	}
	return out
}

// node formats an AST node as gofmt would, with spaces for tabs inside
// lines kept as tabs for indentation.
func (x *extractor) node(n any) string {
	var b bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&b, x.fset, n); err != nil {
		panic(err) // only for a node type that go/printer does not take
	}
	return strings.TrimRight(b.String(), "\n")
}

// text renders a doc comment as plain text wrapped to textWidth and keeps
// at most max lines, saying where the rest is.
func (x *extractor) text(comment string, max int, ref string) string {
	if strings.TrimSpace(comment) == "" {
		return ""
	}
	pr := x.pkg.Printer()
	pr.TextWidth = textWidth
	pr.TextCodePrefix = "    "
	t := strings.TrimRight(string(pr.Text(x.pkg.Parser().Parse(comment))), "\n")
	lines := strings.Split(t, "\n")
	if len(lines) <= max {
		return t
	}
	lines = lines[:max]
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n") + "\n[... the rest: go doc " + ref + "]"
}

// clip keeps the first max lines of s.
func clip(s string, max int) string {
	lines := strings.Split(s, "\n")
	if len(lines) <= max {
		return s
	}
	return strings.Join(lines[:max], "\n") + "\n..."
}
