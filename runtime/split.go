package runtime

import (
	"fmt"
	"go/scanner"
	"go/token"
)

// item is one top-level element of a cell: a declaration (import, func,
// type, var, const) or a statement.
type item struct {
	decl      bool
	src       string // text of the item, as typed
	line, col int    // 1-based position of its first character in the cell
	// apart makes the item start a chunk of its own (see forkApart).
	apart bool
}

// scanError is the first error of the scanner in src as "line L:C: msg",
// or nil. A cell that is only an unterminated /* comment has no items, so
// without it the cell would be dropped without a word.
func scanError(src string) error {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var first error
	var s scanner.Scanner
	s.Init(file, []byte(src), func(p token.Position, msg string) {
		if first == nil {
			first = fmt.Errorf("line %d:%d: %s", p.Line, p.Column, msg)
		}
	}, scanner.ScanComments)
	for {
		if _, tok, _ := s.Scan(); tok == token.EOF {
			return first
		}
	}
}

// splitCell cuts a cell into top-level items at the semicolons (written or
// implied by a newline) that are outside any bracket. yaegi decides how to
// parse a whole input from its first token; splitting lets a cell mix
// declarations and statements, and keeps a leading func literal a statement.
func splitCell(src string) []item {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(token.Position, string) {}, scanner.ScanComments)
	type tk struct {
		off int
		tok token.Token
		lit string
	}
	var toks []tk
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.COMMENT {
			continue
		}
		toks = append(toks, tk{file.Offset(pos), tok, lit})
	}
	var items []item
	depth, start := 0, -1
	// header says that the tokens since a top-level for, if or switch
	// belong to its header, up to the brace that opens its body: the
	// semicolons there separate its clauses (which may be empty), not items.
	header := false
	flush := func(end int) {
		if start < 0 {
			return
		}
		first := toks[start]
		off := first.off
		text := src[off:end]
		p := file.Position(file.Pos(off))
		items = append(items, item{decl: isDeclStart(toks, start, func(i int) (token.Token, bool) {
			if i < len(toks) {
				return toks[i].tok, true
			}
			return token.EOF, false
		}), src: text, line: p.Line, col: p.Column})
		start = -1
	}
	for i, t := range toks {
		switch t.tok {
		case token.FOR, token.IF, token.SWITCH:
			header = header || depth <= 0
		case token.LBRACE:
			if depth <= 0 {
				header = false
			}
		}
		switch t.tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
		if t.tok == token.SEMICOLON && depth <= 0 && !header {
			end := t.off
			flush(end)
			continue
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(src))
	return items
}

// isDeclStart reports whether the tokens starting at i begin a declaration.
// "func" starts a declaration unless it is a func literal: after a parameter
// list "func (...)" a method declaration continues with a name and "(".
func isDeclStart[T any](toks []T, i int, at func(int) (token.Token, bool)) bool {
	tok, _ := at(i)
	switch tok {
	case token.IMPORT, token.TYPE, token.VAR, token.CONST:
		return true
	case token.FUNC:
	default:
		return false
	}
	next, _ := at(i + 1)
	if next == token.IDENT {
		return true
	}
	if next != token.LPAREN {
		return false
	}
	depth := 0
	for j := i + 1; ; j++ {
		t, ok := at(j)
		if !ok {
			return false
		}
		switch t {
		case token.LPAREN:
			depth++
		case token.RPAREN:
			depth--
			if depth == 0 {
				a, _ := at(j + 1)
				b, _ := at(j + 2)
				return a == token.IDENT && (b == token.LPAREN || b == token.LBRACK)
			}
		}
	}
}
