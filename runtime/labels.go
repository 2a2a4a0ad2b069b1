package runtime

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
)

// labelClash finds, in the chunks of pl, a label named like a global of
// the session or of the cell: yaegi cannot compile it (a "CFG post-order
// panic"), though Go keeps labels apart from other names. It returns the
// label's position as rewriteMsg reads it, and its name.
func (s *Session) labelClash(pl *plan) (pos, name string) {
	for _, c := range pl.chunks {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "", c.src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ls, ok := n.(*ast.LabeledStmt)
			if !ok || name != "" {
				return name == ""
			}
			l := ls.Label.Name
			if s.syms[l] != nil || c.newSyms[l] != nil || s.isCellName(pl, l) {
				p := fset.Position(ls.Pos())
				pos, name = fmt.Sprintf("_.go:%d:%d", p.Line, p.Column), l
			}
			return true
		})
		if name != "" {
			return pos, name
		}
	}
	return "", ""
}

// isCellName reports whether a chunk of pl declares the global name.
func (s *Session) isCellName(pl *plan, name string) bool {
	for _, c := range pl.chunks {
		if c.newSyms[name] != nil {
			return true
		}
	}
	return false
}
