package runtime

import (
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/nnlab/nnlab/stdlib"
)

var builtins = []string{"append", "cap", "close", "complex", "copy", "delete", "imag", "len", "make",
	"max", "min", "clear", "new", "panic", "print", "println", "real", "recover",
	"bool", "byte", "complex64", "complex128", "error", "float32", "float64", "int", "int8", "int16",
	"int32", "int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr",
	"any", "true", "false", "nil", "iota"}

// Complete returns tab-completion candidates for line at cursor pos (a byte
// offset). Each candidate replaces line[replaceFrom:pos]. It completes
// package members (nn.Pla -> nn.Placeholder), session globals, fields and
// methods of live values (sess.R -> sess.Run), keywords and builtins, and
// file paths inside a string literal.
func (s *Session) Complete(line string, pos int) (candidates []string, replaceFrom int) {
	if pos < 0 || pos > len(line) {
		pos = len(line)
	}
	before := line[:pos]
	if q, ok := openString(before); ok {
		return completePath(before[q+1:]), q + 1
	}
	start := pos
	for start > 0 && isIdentByte(before[start-1]) {
		start--
	}
	word := before[start:pos]
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		// Completion reads live values; one that panics offers nothing.
		if recover() != nil {
			candidates, replaceFrom = nil, pos
		}
	}()
	var names []string
	if start > 0 && before[start-1] == '.' {
		bs := start - 1
		for bs > 0 && (isIdentByte(before[bs-1]) || before[bs-1] == '.') {
			bs--
		}
		names = s.members(before[bs : start-1])
	} else {
		for n, y := range s.syms {
			if y.kind != symMethod && !strings.HasPrefix(n, hidden) {
				names = append(names, n)
			}
		}
		for n := range s.imports {
			names = append(names, n)
		}
		for t := token.BREAK; t <= token.VAR; t++ {
			if t.IsKeyword() {
				names = append(names, t.String())
			}
		}
		names = append(names, builtins...)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if strings.HasPrefix(n, word) && !seen[n] && n != "" {
			seen[n] = true
			candidates = append(candidates, n)
		}
	}
	sort.Strings(candidates)
	return candidates, start
}

func isIdentByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

// openString returns the index of the quote opening a string literal that
// is still open at the end of s.
func openString(s string) (int, bool) {
	open, q := byte(0), -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case open == 0 && (c == '"' || c == '`'):
			open, q = c, i
		case open == '"' && c == '\\':
			i++
		case open != 0 && c == open:
			open = 0
		}
	}
	return q, open != 0
}

// completePath lists the files and directories that complete partial.
func completePath(partial string) []string {
	dir, base := filepath.Split(partial)
	d := dir
	if d == "" {
		d = "."
	}
	ents, err := os.ReadDir(d)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), base) || (strings.HasPrefix(e.Name(), ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		n := dir + e.Name()
		if e.IsDir() {
			n += "/"
		}
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// members lists what can follow "base.": package members, or the fields
// and methods of a live value (base must be identifiers and field
// selections only, so evaluating it has no side effect).
func (s *Session) members(base string) []string {
	if path, ok := s.imports[base]; ok {
		var out []string
		for k, syms := range stdlib.Symbols {
			if strings.HasPrefix(k, path+"/") && !strings.Contains(k[len(path)+1:], "/") {
				for n := range syms {
					if !strings.HasPrefix(n, "_") {
						out = append(out, n)
					}
				}
			}
		}
		return out
	}
	root := base
	if i := strings.IndexByte(base, '.'); i >= 0 {
		root = base[:i]
	}
	if y := s.syms[root]; y == nil || y.kind != symVar {
		return nil
	}
	v, err := s.in.Eval(base)
	if err != nil || !v.IsValid() {
		return nil
	}
	var out []string
	t := v.Type()
	if t.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
		t = v.Type()
	}
	for _, tt := range []reflect.Type{t, reflect.PointerTo(t)} {
		for i := 0; i < tt.NumMethod(); i++ {
			out = append(out, tt.Method(i).Name)
		}
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for i := 0; i < st.NumField(); i++ {
			if f := st.Field(i); f.IsExported() {
				out = append(out, f.Name)
			}
		}
	}
	// Methods of interpreted types are not in reflect's method sets.
	for k, y := range s.syms {
		if y.kind == symMethod {
			if i := strings.IndexByte(k, '.'); i > 0 && strings.Contains(t.String(), k[:i]) {
				out = append(out, k[i+1:])
			}
		}
	}
	return out
}
