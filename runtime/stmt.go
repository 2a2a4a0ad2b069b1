package runtime

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
)

// stmtPrefix wraps statements in a function body, the only place where
// go/parser takes them.
const stmtPrefix = "package p\nfunc _() {\n"

// parseStmts parses src as the statements of a function body. A node's
// offset in src is stmtOffset(fset, node.Pos()).
func parseStmts(src string) (*token.FileSet, []ast.Stmt, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", stmtPrefix+src+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, err
	}
	return fset, f.Decls[0].(*ast.FuncDecl).Body.List, nil
}

// oneStmt parses src as exactly one statement, or returns nil.
func oneStmt(src string) (*token.FileSet, ast.Stmt) {
	fset, body, err := parseStmts(src)
	if err != nil || len(body) != 1 {
		return nil, nil
	}
	return fset, body[0]
}

// stmtOffset is the offset in the parsed src of position p.
func stmtOffset(fset *token.FileSet, p token.Pos) int {
	return fset.Position(p).Offset - len(stmtPrefix)
}

// temp returns a fresh name for a temporary of the rewritten code (hidden
// from :vars and completion by its prefix).
func (s *Session) temp() string {
	s.tmp++
	return fmt.Sprintf("%s_t%d", hidden, s.tmp)
}
