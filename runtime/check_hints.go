package runtime

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// typeError turns the first error of the check into the user's message:
// one line at the user's position, with a hint for habits from Python and
// TensorFlow where one applies.
func (s *Session) typeError(e types.Error, f *ast.File, fname string, info *types.Info, pkg *types.Package) error {
	msg := flatten(e.Msg)
	prefix := ""
	if e.Pos.IsValid() {
		p := e.Fset.Position(e.Pos)
		prefix = s.at(fname, p.Line, p.Column)
	}
	if h := s.hint(e, msg, f, info, pkg); h != "" {
		msg += "; " + h
	}
	return &checkError{prefix + msg}
}

// flatten joins go/types' indented continuation lines ("have (...)",
// "want (...)") into one line.
func flatten(msg string) string {
	lines := strings.Split(msg, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, ", ")
}

// hint returns advice for a type error, or "".
func (s *Session) hint(e types.Error, msg string, f *ast.File, info *types.Info, pkg *types.Package) string {
	return ""
}

// syntaxHint returns advice for a syntax error in item it, or "".
func syntaxHint(msg string, it item, pos token.Position) string {
	return ""
}
