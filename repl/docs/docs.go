// Package docs is the documentation behind the REPL's :doc and :apropos
// commands: nnlab's own packages (nn, nn/mnist, nn/model, nn/plot) and the
// standard-library packages that the interpreter exposes, with signatures,
// doc comments and, for nnlab's packages, the Example functions.
//
// The data (data.json, embedded) is extracted from the sources with go/doc
// by `go generate ./repl/docs`: the package list comes from the yaegi
// extract lines of stdlib/stdlib.go plus the import paths on the
// generate directive below. Never edit data.json by hand; `go test
// ./repl/docs` (without -short) fails when it is stale.
package docs

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/nnlab/nnlab/repl/docs/internal/data"
)

//go:generate go run ./internal/gen -o data.json -stdlib ../../stdlib/stdlib.go github.com/nnlab/nnlab/nn/model github.com/nnlab/nnlab/nn/plot

//go:embed data.json
var raw []byte

// index is the decoded data with its lookup tables.
type index struct {
	pkgs    []*data.Package
	byPath  map[string]*data.Package
	byName  map[string][]*data.Package // package name -> packages (two are called rand)
	syms    map[*data.Package][]*data.Symbol
	symPkg  map[*data.Symbol]*data.Package
	byIdent map[*data.Package]map[string]*data.Symbol // symbol name ("Session.Run") -> symbol
}

// load decodes the embedded data once. The data is generated and checked
// by the tests, so a failure to decode it is a bug.
var load = sync.OnceValue(func() *index {
	set, err := data.Decode(raw)
	if err != nil {
		panic("repl/docs: " + err.Error())
	}
	ix := &index{
		pkgs:    set.Packages,
		byPath:  map[string]*data.Package{},
		byName:  map[string][]*data.Package{},
		syms:    map[*data.Package][]*data.Symbol{},
		symPkg:  map[*data.Symbol]*data.Package{},
		byIdent: map[*data.Package]map[string]*data.Symbol{},
	}
	for _, p := range set.Packages {
		ix.byPath[p.Path] = p
		ix.byName[p.Name] = append(ix.byName[p.Name], p)
		ix.byIdent[p] = map[string]*data.Symbol{}
	}
	for _, s := range set.Symbols {
		p := ix.byPath[s.Path]
		if p == nil {
			panic("repl/docs: symbol " + s.Name + " of unknown package " + s.Path)
		}
		ix.syms[p] = append(ix.syms[p], s)
		ix.symPkg[s] = p
		ix.byIdent[p][s.Name] = s
	}
	return ix
})

// Packages returns the import paths of the documented packages, nnlab's
// own first.
func Packages() []string {
	ix := load()
	paths := make([]string, len(ix.pkgs))
	for i, p := range ix.pkgs {
		paths[i] = p.Path
	}
	return paths
}

// Lookup returns the documentation of a package or of a symbol in one, as
// text ready to print. name is a package ("nn", "math/rand/v2"), a
// package-level symbol ("nn.MatMul", "fmt.Println") or a method or
// interface method ("nn.Session.Run", "io.Reader.Read"); the package may be
// given by import path ("math/rand/v2.IntN"). A leading '*' and trailing
// "()" are ignored, and a symbol's case is ignored when no symbol has the
// exact name. When a package name is shared (math/rand and math/rand/v2)
// the documentation of each match is returned. ok is false if nothing
// matches.
func Lookup(name string) (text string, ok bool) {
	ix := load()
	name = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(name), "*"), "()")
	pkgs, rest := ix.split(name)
	var out []string
	for _, p := range pkgs {
		if rest == "" {
			out = append(out, ix.renderPackage(p))
			continue
		}
		for _, s := range ix.find(p, rest) {
			out = append(out, ix.renderSymbol(s))
		}
	}
	return strings.Join(out, "\n"), len(out) > 0
}

// LookupName returns the documentation of the symbols called name ("Println",
// "Session.Run") in any package: for a name given without its package.
// Case is ignored when no symbol has the exact name. At most five symbols
// are shown.
func LookupName(name string) (text string, ok bool) {
	ix := load()
	name = strings.TrimSuffix(strings.TrimSpace(name), "()")
	var found []*data.Symbol
	for _, p := range ix.pkgs {
		if s := ix.byIdent[p][name]; s != nil {
			found = append(found, s)
		}
	}
	if len(found) == 0 {
		for _, p := range ix.pkgs {
			for _, s := range ix.syms[p] {
				if strings.EqualFold(s.Name, name) {
					found = append(found, s)
				}
			}
		}
	}
	if len(found) > 5 {
		found = found[:5]
	}
	var out []string
	for _, s := range found {
		out = append(out, ix.renderSymbol(s))
	}
	return strings.Join(out, "\n"), len(out) > 0
}

// ForType returns the documentation of the named type in a type as Go's
// %T prints it: "*nn.Session", "[]*nn.Tensor" and "map[string]nn.Feed"
// document nn.Session, nn.Tensor and nn.Feed, with the type's constructors
// and methods. ok is false for built-in, unnamed and undocumented types.
func ForType(typ string) (text string, ok bool) {
	pkg, name, ok := namedType(typ)
	if !ok {
		return "", false
	}
	ix := load()
	var out []string
	for _, p := range ix.byName[pkg] {
		if s := ix.byIdent[p][name]; s != nil && s.Kind == "type" {
			out = append(out, ix.renderSymbol(s))
		}
	}
	return strings.Join(out, "\n"), len(out) > 0
}

// Method returns the documentation of method (or interface method) m of
// the named type in typ (as for ForType): Method("*nn.Session", "Run") is
// the documentation of nn.Session.Run.
func Method(typ, m string) (text string, ok bool) {
	pkg, name, ok := namedType(typ)
	if !ok {
		return "", false
	}
	ix := load()
	var out []string
	for _, p := range ix.byName[pkg] {
		for _, s := range ix.find(p, name+"."+m) {
			if s.Kind == "method" {
				out = append(out, ix.renderSymbol(s))
			}
		}
	}
	return strings.Join(out, "\n"), len(out) > 0
}

// Match is one result of Apropos.
type Match struct {
	// Name is the qualified name: "nn.Dropout", "nn.Session.Run", a
	// package's name, or an import path where a package name is shared
	// ("math/rand/v2.IntN").
	Name string
	// Synopsis is the first sentence of its documentation ("" if none).
	Synopsis string
}

// Apropos returns the packages and symbols whose name or synopsis contains
// word, ignoring case: first those that match by name (packages, then
// symbols), then those that match by synopsis only; nnlab's packages come
// before the standard library's.
func Apropos(word string) []Match {
	ix := load()
	w := strings.ToLower(strings.TrimSpace(word))
	if w == "" {
		return nil
	}
	var byName, bySyn []Match
	for _, p := range ix.pkgs {
		m := Match{Name: ix.qualifier(p), Synopsis: synopsis(p.Doc)}
		switch {
		case strings.Contains(strings.ToLower(p.Path), w):
			byName = append(byName, m)
		case strings.Contains(strings.ToLower(m.Synopsis), w):
			bySyn = append(bySyn, m)
		}
	}
	for _, p := range ix.pkgs {
		for _, s := range ix.syms[p] {
			m := Match{Name: ix.qualifier(p) + "." + s.Name, Synopsis: synopsis(s.Doc)}
			switch {
			case strings.Contains(strings.ToLower(s.Name), w):
				byName = append(byName, m)
			case strings.Contains(strings.ToLower(m.Synopsis), w):
				bySyn = append(bySyn, m)
			}
		}
	}
	return append(byName, bySyn...)
}

// split resolves the package part of name: an import path up to the first
// '.' after its last '/', or a package name up to the first '.'. It returns
// the packages and the rest after the '.'.
func (ix *index) split(name string) (pkgs []*data.Package, rest string) {
	if i := strings.LastIndex(name, "/"); i >= 0 {
		path := name
		if j := strings.Index(name[i:], "."); j >= 0 {
			path, rest = name[:i+j], name[i+j+1:]
		}
		if p := ix.byPath[path]; p != nil {
			return []*data.Package{p}, rest
		}
		return nil, ""
	}
	pkg, rest, _ := strings.Cut(name, ".")
	return ix.byName[pkg], rest
}

// find returns p's symbol called name, or if there is none the symbols
// whose name equals it ignoring case.
func (ix *index) find(p *data.Package, name string) []*data.Symbol {
	if s := ix.byIdent[p][name]; s != nil {
		return []*data.Symbol{s}
	}
	var out []*data.Symbol
	for _, s := range ix.syms[p] {
		if strings.EqualFold(s.Name, name) {
			out = append(out, s)
		}
	}
	return out
}

// qualifier is how a package is named in listings: its name, or its import
// path when another documented package has the same name.
func (ix *index) qualifier(p *data.Package) string {
	if len(ix.byName[p.Name]) > 1 {
		return p.Path
	}
	return p.Name
}

// namedType extracts the named type from a type as %T prints it, removing
// pointers, slices, arrays, maps (their value type), channels and type
// arguments.
func namedType(typ string) (pkg, name string, ok bool) {
	t := strings.TrimSpace(typ)
	for {
		switch {
		case strings.HasPrefix(t, "*"):
			t = t[1:]
		case strings.HasPrefix(t, "[]"):
			t = t[2:]
		case strings.HasPrefix(t, "["), strings.HasPrefix(t, "map["):
			// An array length or a map's key type: skip to the matching ']'.
			depth, i := 0, strings.IndexByte(t, '[')
			for ; i < len(t); i++ {
				if t[i] == '[' {
					depth++
				} else if t[i] == ']' {
					if depth--; depth == 0 {
						break
					}
				}
			}
			if i >= len(t) {
				return "", "", false
			}
			t = t[i+1:]
		case strings.HasPrefix(t, "chan "), strings.HasPrefix(t, "<-chan "), strings.HasPrefix(t, "chan<- "):
			t = t[strings.IndexByte(t, ' ')+1:]
		default:
			if i := strings.IndexByte(t, '['); i >= 0 {
				t = t[:i] // type arguments
			}
			pkg, name, ok = strings.Cut(t, ".")
			if !ok || !isIdent(pkg) || !isIdent(name) {
				return "", "", false
			}
			return pkg, name, true
		}
	}
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r >= 0x80 || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// synopsis is the first sentence of a doc text: up to the first period
// followed by a space or the end of the first paragraph, where the period
// does not end a single capital letter (an initial).
func synopsis(text string) string {
	para, _, _ := strings.Cut(text, "\n\n")
	s := strings.Join(strings.Fields(para), " ")
	for i := 0; i < len(s); i++ {
		if s[i] != '.' || i+1 < len(s) && s[i+1] != ' ' {
			continue
		}
		if i >= 1 && 'A' <= s[i-1] && s[i-1] <= 'Z' && (i == 1 || s[i-2] == ' ') {
			continue
		}
		return s[:i+1]
	}
	return s
}

// renderPackage is a package's overview: its import line, comment and
// examples, then an index of its exported names.
func (ix *index) renderPackage(p *data.Package) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s // import %q\n\n", p.Name, p.Path)
	if p.Doc != "" {
		b.WriteString(p.Doc + "\n")
	} else {
		b.WriteString("(no package comment)\n")
	}
	writeExamples(&b, p.Examples, "")
	groups := []struct{ title, kind string }{
		{"Constants", "const"}, {"Variables", "var"}, {"Functions", "func"}, {"Types", "type"},
	}
	for _, g := range groups {
		var names []string
		for _, s := range ix.syms[p] {
			if s.Kind == g.kind {
				names = append(names, s.Name)
			}
		}
		if len(names) > 0 {
			b.WriteString("\n")
			wrapList(&b, g.title+": ", names)
		}
	}
	fmt.Fprintf(&b, "\n(:doc %s.NAME shows one of them)\n", ix.qualifier(p))
	return b.String()
}

// wrapList writes "title: a, b, c" wrapped at 80 columns, continuation
// lines indented by four spaces.
func wrapList(b *strings.Builder, title string, names []string) {
	sort.Strings(names)
	line := title
	for i, n := range names {
		item := n
		if i < len(names)-1 {
			item += ","
		}
		fresh := line == title || line == "    "
		if !fresh && len(line)+1+len(item) > 80 {
			b.WriteString(line + "\n")
			line, fresh = "    ", true
		}
		if !fresh {
			line += " "
		}
		line += item
	}
	b.WriteString(line + "\n")
}

// renderSymbol is a symbol's declaration, its doc indented, its examples
// and, for a type, its constructors and methods with their synopses.
func (ix *index) renderSymbol(s *data.Symbol) string {
	p := ix.symPkg[s]
	var b strings.Builder
	fmt.Fprintf(&b, "package %s // import %q\n\n", p.Name, p.Path)
	b.WriteString(untab(s.Decl) + "\n")
	if s.Doc != "" {
		b.WriteString(indent(s.Doc) + "\n")
	} else if s.Kind == "method" {
		recv, _, _ := strings.Cut(s.Name, ".")
		fmt.Fprintf(&b, "    (no doc comment; see :doc %s.%s)\n", ix.qualifier(p), recv)
	}
	writeExamples(&b, s.Examples, ix.qualifier(p)+"."+s.Name)
	if s.Kind != "type" {
		return b.String()
	}
	var ctors, methods []*data.Symbol
	for _, m := range ix.syms[p] {
		switch {
		case m.Kind == "func" && m.Type == s.Name:
			ctors = append(ctors, m)
		case m.Kind == "method" && strings.HasPrefix(m.Name, s.Name+"."):
			methods = append(methods, m)
		}
	}
	for i, list := range [][]*data.Symbol{ctors, methods} {
		if len(list) == 0 {
			continue
		}
		b.WriteString([]string{"\nFunctions returning it:\n", "\nMethods:\n"}[i])
		for _, m := range list {
			decl, _, _ := strings.Cut(m.Decl, "\n")
			b.WriteString(decl + "\n")
			// A long list (nn's ops all return *Node) shows declarations only.
			if syn := synopsis(m.Doc); syn != "" && len(list) <= maxSummarised {
				b.WriteString(wrap(syn, "    ", 80))
			}
		}
	}
	return b.String()
}

// maxSummarised is the longest list of a type's functions or methods that
// shows a synopsis under each.
const maxSummarised = 20

// wrap breaks text into lines of at most width columns (longer words stay
// whole), each starting with prefix.
func wrap(text, prefix string, width int) string {
	var b strings.Builder
	line := prefix
	for _, w := range strings.Fields(text) {
		if line != prefix && len(line)+1+len(w) > width {
			b.WriteString(line + "\n")
			line = prefix
		}
		if line != prefix {
			line += " "
		}
		line += w
	}
	b.WriteString(line + "\n")
	return b.String()
}

// untab replaces the tabs that indent a declaration with four spaces, as
// the doc text is indented.
func untab(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		t := strings.TrimLeft(l, "\t")
		lines[i] = strings.Repeat("    ", len(l)-len(t)) + t
	}
	return strings.Join(lines, "\n")
}

// writeExamples writes examples as indented code with their output.
func writeExamples(b *strings.Builder, exs []*data.Example, name string) {
	for _, ex := range exs {
		title := "Example"
		if ex.Suffix != "" {
			title += " (" + ex.Suffix + ")"
		}
		if name != "" {
			title += " of " + name
		}
		b.WriteString("\n" + title + ":\n")
		b.WriteString(indent(untab(ex.Code)) + "\n")
		if ex.Output != "" {
			b.WriteString("    // Output:\n")
			for _, l := range strings.Split(ex.Output, "\n") {
				b.WriteString(strings.TrimRight("    // "+l, " ") + "\n")
			}
		}
	}
}

// indent prefixes every non-empty line with four spaces.
func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "    " + l
		}
	}
	return strings.Join(lines, "\n")
}
