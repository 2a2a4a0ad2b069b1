package runtime

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
)

// NewVar is a declaration by which a cell made a new variable: of a new
// name, or in place of an existing variable of another type (`x := "s"` on
// an int x), after which the name means the new variable.
type NewVar struct {
	Name string
	// N says which declaration it is: the N-th (from 1) top-level `:=` or
	// var of Name in the cell.
	N int
}

// NewVars returns the declarations by which the last cell given to Eval
// made new variables, among the statements that completed. Every other
// top-level `:=` or var of that cell assigned an existing variable. :save
// follows it to declare and assign exactly where the session did.
func (s *Session) NewVars() []NewVar {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]NewVar(nil), s.newVars...)
}

// newVarsOf numbers the new variables the check committed for the cell src
// (checker.forked) by declaration, as NewVar says.
func (s *Session) newVarsOf(src string) []NewVar {
	if s.chk == nil || len(s.chk.forked) == 0 {
		return nil
	}
	items := splitCell(src)
	var out []NewVar
	for _, o := range s.chk.forked {
		// The item that holds the declared name, and how many items
		// before it declare that name too.
		at := -1
		for i, it := range items {
			if !o.at.before(cellPos{it.line, it.col}) {
				at = i
			}
		}
		if at < 0 {
			continue
		}
		n := 0
		for _, it := range items[:at+1] {
			for _, d := range declaredVars(it.src, it.decl) {
				if d == o.name {
					n++
				}
			}
		}
		if n > 0 {
			out = append(out, NewVar{Name: o.name, N: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Name < out[j].Name || out[i].Name == out[j].Name && out[i].N < out[j].N
	})
	return out
}

// declaredVars lists the names a top-level item or statement of a cell
// declares as variables: the left side of a `:=` or the names of a var
// declaration ("_" left out).
func declaredVars(src string, decl bool) []string {
	var out []string
	add := func(ids ...*ast.Ident) {
		for _, id := range ids {
			if id.Name != "_" {
				out = append(out, id.Name)
			}
		}
	}
	fromDecl := func(d ast.Decl) {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, sp := range gd.Specs {
				add(sp.(*ast.ValueSpec).Names...)
			}
		}
	}
	if decl {
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
		if err == nil {
			for _, d := range f.Decls {
				fromDecl(d)
			}
		}
		return out
	}
	_, stmts, err := parseStmts(src)
	if err != nil {
		return nil
	}
	for _, st := range stmts {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, l := range st.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						add(id)
					}
				}
			}
		case *ast.DeclStmt:
			fromDecl(st.Decl)
		}
	}
	return out
}
