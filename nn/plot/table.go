package plot

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Table draws header and rows as a table with aligned columns for the
// process's standard output (DefaultCaps): box-drawing characters on a
// UTF-8 terminal, ASCII otherwise. See TableFor.
func Table(header []string, rows [][]string) string {
	return TableFor(DefaultCaps(), header, rows)
}

// TableFor draws a table for caps: box-drawing characters with UTF-8,
// '+', '-' and '|' otherwise. Cells that are numbers are right-aligned,
// others left-aligned; short rows are padded with empty cells. A nil
// header draws no header row. The result ends in a newline, or is empty
// when there is nothing to draw.
func TableFor(caps Caps, header []string, rows [][]string) string {
	ncol := len(header)
	for _, r := range rows {
		ncol = max(ncol, len(r))
	}
	if ncol == 0 {
		return ""
	}
	cell := func(r []string, i int) string {
		if i < len(r) {
			return plainText(r[i], caps)
		}
		return ""
	}
	widths := make([]int, ncol)
	for i := range widths {
		widths[i] = utf8.RuneCountInString(cell(header, i))
		for _, r := range rows {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell(r, i)))
		}
	}
	// Box pieces: horizontal, vertical, then left/middle/right of the top,
	// separator and bottom rules.
	h, v := "-", "|"
	rules := [3][3]string{{"+", "+", "+"}, {"+", "+", "+"}, {"+", "+", "+"}}
	if caps.UTF8 {
		h, v = "─", "│"
		rules = [3][3]string{{"┌", "┬", "┐"}, {"├", "┼", "┤"}, {"└", "┴", "┘"}}
	}
	var b strings.Builder
	rule := func(k int) {
		b.WriteString(rules[k][0])
		for i, w := range widths {
			if i > 0 {
				b.WriteString(rules[k][1])
			}
			b.WriteString(strings.Repeat(h, w+2))
		}
		b.WriteString(rules[k][2] + "\n")
	}
	row := func(r []string) {
		b.WriteString(v)
		for i, w := range widths {
			c := cell(r, i)
			pad := strings.Repeat(" ", w-utf8.RuneCountInString(c))
			if isNumber(c) {
				b.WriteString(" " + pad + c + " " + v)
			} else {
				b.WriteString(" " + c + pad + " " + v)
			}
		}
		b.WriteString("\n")
	}
	rule(0)
	if header != nil {
		row(header)
		rule(1)
	}
	for _, r := range rows {
		row(r)
	}
	rule(2)
	return b.String()
}

// isNumber reports whether s is a number, possibly with a trailing '%'.
func isNumber(s string) bool {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	s = strings.ReplaceAll(s, ",", "")
	if s == "" {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
