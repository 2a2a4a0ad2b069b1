package repl

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nnlab/nnlab/internal/atomicfile"
)

// A readline history entry is one line: the history file holds one entry per
// line, and a newline in the edit buffer would not display. A multi-line cell
// is therefore stored, and shown when recalled with Up, as one line in which
// each newline is the symbol ␤ (U+2424). Pressing Enter on such a line runs
// the decoded cell, all of it.
//
// The encoding is reversible: ␛ (U+241B) escapes a literal ␤ or ␛ in the
// cell, so every cell survives the round trip exactly.
const (
	histNewline = '\u2424' // ␤ SYMBOL FOR NEWLINE
	histEscape  = '\u241B' // ␛ SYMBOL FOR ESCAPE
)

// encodeHistory turns a cell into its one-line history form.
func encodeHistory(cell string) string {
	if !strings.ContainsAny(cell, "\n\u2424\u241B") {
		return cell
	}
	var b strings.Builder
	for _, c := range cell {
		switch c {
		case '\n':
			b.WriteRune(histNewline)
		case histNewline, histEscape:
			b.WriteRune(histEscape)
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// decodeHistory is the inverse of encodeHistory. A line typed by hand has
// neither symbol and comes back unchanged.
func decodeHistory(line string) string {
	if !strings.ContainsAny(line, "\u2424\u241B") {
		return line
	}
	var b strings.Builder
	escaped := false
	for _, c := range line {
		switch {
		case escaped:
			b.WriteRune(c)
			escaped = false
		case c == histEscape:
			escaped = true
		case c == histNewline:
			b.WriteByte('\n')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// DefaultHistoryFile returns the history file nnlab uses: $NNLAB_HISTORY if
// that is set (set it to "" for no history), else ~/.nnlab_history on Unix
// and macOS and %AppData%\nnlab\history on Windows, or "" (no history)
// when the home (or AppData) directory is unknown.
func DefaultHistoryFile() string {
	if p, ok := os.LookupEnv("NNLAB_HISTORY"); ok {
		return p
	}
	return defaultHistoryFile()
}

// history is the list of encoded entries and the file that keeps them.
type history struct {
	path    string // "" when history is not kept on disk
	limit   int
	entries []string
}

// loadHistory reads the history file, if any. A missing or unreadable file
// is an empty history. When the file holds more than limit entries, it is
// rewritten with the newest ones only.
func loadHistory(path string, limit int) *history {
	h := &history{path: path, limit: limit}
	if path == "" {
		return h
	}
	f, err := os.Open(path)
	if err != nil {
		return h
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		if line := strings.TrimRight(sc.Text(), "\r"); strings.TrimSpace(line) != "" {
			h.entries = append(h.entries, line)
		}
	}
	f.Close() // before rewrite: Windows cannot replace a file that is open
	if len(h.entries) > limit {
		h.entries = append([]string(nil), h.entries[len(h.entries)-limit:]...)
		if len(h.entries) > 0 {
			h.rewrite()
		}
	}
	return h
}

// add records a cell (or command line) and reports whether it was new: the
// same entry twice in a row is kept once.
func (h *history) add(cell string) bool {
	if strings.TrimSpace(cell) == "" {
		return false
	}
	e := encodeHistory(cell)
	if n := len(h.entries); n > 0 && h.entries[n-1] == e {
		return false
	}
	h.entries = append(h.entries, e)
	if len(h.entries) > h.limit {
		h.entries = h.entries[len(h.entries)-h.limit:]
	}
	if h.path != "" {
		f, err := os.OpenFile(h.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if errors.Is(err, fs.ErrNotExist) && os.MkdirAll(filepath.Dir(h.path), 0o700) == nil {
			// The first entry on Windows, whose history has a directory of its own.
			f, err = os.OpenFile(h.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		}
		if err == nil {
			f.WriteString(e + "\n")
			f.Close()
		}
	}
	return true
}

// rewrite replaces the file with the current entries, atomically: a
// failure keeps the old history (and is otherwise ignored, as a history
// that cannot be written must not stop the REPL).
func (h *history) rewrite() {
	atomicfile.WriteFile(h.path, []byte(strings.Join(h.entries, "\n")+"\n"), 0o600)
}
