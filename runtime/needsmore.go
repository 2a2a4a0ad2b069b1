package runtime

import (
	"go/scanner"
	"go/token"
	"strings"
)

// NeedsMore reports whether src is an incomplete cell that the REPL should
// keep reading: unbalanced (), [] or {}, an unterminated raw string or
// comment, or a last token that cannot end a statement (a binary operator,
// '=', ':=', ',', '.' or the ':' of a label).
func NeedsMore(src string) bool {
	if strings.TrimSpace(src) == "" {
		return false
	}
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	open, broken := false, false
	s.Init(file, []byte(src), func(_ token.Position, msg string) {
		// A raw string or a comment may go on over lines; an interpreted
		// string or a rune literal may not, so more lines cannot help: the
		// cell is complete and fails, or it would swallow every later line.
		switch msg {
		case "raw string literal not terminated", "comment not terminated":
			open = true
		case "string literal not terminated", "rune literal not terminated":
			broken = true
		}
	}, 0)
	depth := 0
	last := token.ILLEGAL
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		last = tok
	}
	if broken {
		return false
	}
	if open || depth > 0 {
		return true
	}
	switch last {
	case token.COMMA, token.PERIOD, token.ASSIGN, token.DEFINE, token.ARROW,
		token.LAND, token.LOR, token.COLON:
		// A cell ending in ':' is a label alone on its line: the
		// statement it labels follows.
		return true
	}
	return last.IsOperator() && last.Precedence() > 0
}
