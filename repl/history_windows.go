package repl

import (
	"os"
	"path/filepath"
)

// defaultHistoryFile is %AppData%\nnlab\history, where Windows programs
// keep what they remember for a user, or "" when AppData is unset.
func defaultHistoryFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "nnlab", "history")
}
