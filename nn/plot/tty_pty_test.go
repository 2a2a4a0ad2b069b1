//go:build !windows

package plot

import (
	"testing"

	"github.com/creack/pty"
)

func TestPseudoTerminalIsTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 30, Cols: 123}); err != nil {
		t.Fatal(err)
	}
	if !IsTerminal(tty) {
		t.Error("a pseudo-terminal is not a terminal")
	}
	if w := Width(tty); w != 123 {
		t.Errorf("Width = %d, want 123", w)
	}
}
