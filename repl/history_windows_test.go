package repl

import (
	"os"
	"testing"
)

func TestDefaultHistoryFileWindows(t *testing.T) {
	t.Setenv("NNLAB_HISTORY", `C:\h`)
	if got := DefaultHistoryFile(); got != `C:\h` {
		t.Errorf("with NNLAB_HISTORY: %q", got)
	}
	t.Setenv("APPDATA", `C:\Users\u\AppData\Roaming`)
	if err := os.Unsetenv("NNLAB_HISTORY"); err != nil {
		t.Fatal(err)
	}
	if got, want := DefaultHistoryFile(), `C:\Users\u\AppData\Roaming\nnlab\history`; got != want {
		t.Errorf("with APPDATA: %q, want %q", got, want)
	}
	t.Setenv("APPDATA", "")
	if got := DefaultHistoryFile(); got != "" {
		t.Errorf("without APPDATA: %q, want none", got)
	}
}
