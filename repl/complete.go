package repl

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// indent is what Tab inserts when nothing but blanks precede the cursor.
const indent = "    "

// completer adapts the REPL to readline's AutoCompleter.
type completer struct{ r *REPL }

// Do implements readline.AutoCompleter: it returns the suffixes that may
// follow the cursor and the length (in runes) of the text they complete.
func (c completer) Do(line []rune, pos int) ([][]rune, int) {
	suffixes, n := c.r.complete(string(line[:pos]), string(line))
	out := make([][]rune, len(suffixes))
	for i, s := range suffixes {
		out[i] = []rune(s)
	}
	return out, n
}

// complete proposes completions for the text before the cursor (head) in
// the whole line. It returns the suffixes to insert and the rune length of
// the word they complete.
func (r *REPL) complete(head, line string) (suffixes []string, wordLen int) {
	switch {
	case strings.TrimSpace(head) == "":
		return []string{indent}, 0
	case strings.HasPrefix(head, ":"):
		name, arg, hasArg := strings.Cut(head[1:], " ")
		if !hasArg {
			var names []string
			for _, c := range r.Commands() {
				names = append(names, c.Name)
			}
			return suffixesOf(names, name), len([]rune(name))
		}
		if name == "load" {
			arg = strings.TrimLeft(arg, " ")
			return suffixesOf(goFiles(arg), arg), len([]rune(arg))
		}
		return nil, 0
	}
	cands, from := r.sess.Complete(line, len(head))
	if from < 0 || from > len(head) {
		return nil, 0
	}
	word := head[from:]
	return suffixesOf(cands, word), len([]rune(word))
}

// suffixesOf returns, for each candidate that starts with word, the rest of
// it, without duplicates and in order.
func suffixesOf(cands []string, word string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range cands {
		if s, ok := strings.CutPrefix(c, word); ok && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// goFiles lists the .go files and directories whose path starts with
// prefix, for :load; directories end with a separator: "/", or on Windows
// the one typed last (C:\work\ or C:/work/).
func goFiles(prefix string) []string {
	seps := "/"
	if filepath.Separator != '/' {
		seps += string(filepath.Separator)
	}
	cut := strings.LastIndexAny(prefix, seps) + 1
	typed, base := prefix[:cut], prefix[cut:] // the directory as typed, e.g. "./" or ""
	sep := "/"
	if cut > 0 {
		sep = prefix[cut-1 : cut]
	}
	dir := expandHome(typed)
	if dir == "" {
		dir = "."
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, base) {
			continue
		}
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.IsDir() {
			out = append(out, typed+name+sep)
		} else if strings.HasSuffix(name, ".go") {
			out = append(out, typed+name)
		}
	}
	return out
}
