//go:build unix

package infile

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFIFORefused: a named pipe is refused at once, not opened (which
// would block until a writer comes).
func TestFIFORefused(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	if _, err := ReadFile(fifo, MaxSource); err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("ReadFile(fifo): %v", err)
	}
}
