//go:build !windows

package repl

import (
	"os"
	"path/filepath"
)

// defaultHistoryFile is ~/.nnlab_history, beside the shells' and Python's
// histories, or "" when HOME is unset.
func defaultHistoryFile() string {
	home := os.Getenv("HOME")
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".nnlab_history")
}
