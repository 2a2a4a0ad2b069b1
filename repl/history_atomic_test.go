package repl

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestHistoryTrimIsAtomic: trimming a long history rewrites the file in
// place through a symbolic link (a dotfile kept in a repository), keeps
// its permissions and leaves no temporary file.
func TestHistoryTrimIsAtomic(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "history")
	if err := os.Mkdir(filepath.Dir(real), 0o700); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i := range 10 {
		lines = append(lines, "x := "+strings.Repeat("1", i+1))
	}
	if err := os.WriteFile(real, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, ".nnlab_history")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	h := loadHistory(link, 3)
	if len(h.entries) != 3 {
		t.Fatalf("%d entries loaded, want 3", len(h.entries))
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symbolic link", link)
	}
	b, err := os.ReadFile(real)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(lines[7:], "\n") + "\n"; string(b) != want {
		t.Errorf("trimmed history holds %q, want %q", b, want)
	}
	if st, _ := os.Stat(real); st.Mode().Perm() != 0o600 {
		t.Errorf("history permissions %v, want 0600", st.Mode().Perm())
	}
	for _, d := range []string{dir, filepath.Dir(real)} {
		if m, _ := filepath.Glob(filepath.Join(d, ".*.tmp*")); len(m) > 0 {
			t.Errorf("temporary files left: %v", m)
		}
	}
}
