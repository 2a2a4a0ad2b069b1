package safetensors

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// leftovers lists the temporary files WriteFileAtomic left in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestAtomicWriteFollowsLinks: writing through a symbolic link (and a
// chain, and a link whose target does not exist yet) replaces the target
// and leaves the link a link.
func TestAtomicWriteFollowsLinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	sub := filepath.Join(dir, "real")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(sub, "model.bin")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	chain := filepath.Join(dir, "chain")
	dangling := filepath.Join(dir, "dangling")
	for _, l := range [][2]string{{"real/model.bin", link}, {"link", chain}, {"real/new.bin", dangling}} {
		if err := os.Symlink(l[0], l[1]); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct{ path, want string }{{link, target}, {chain, target}, {dangling, filepath.Join(sub, "new.bin")}} {
		err := WriteFileAtomic(tt.path, func(w io.Writer) error { _, err := io.WriteString(w, "new "+tt.path); return err })
		if err != nil {
			t.Fatal(err)
		}
		if st, err := os.Lstat(tt.path); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symbolic link", tt.path)
		}
		if b, _ := os.ReadFile(tt.want); string(b) != "new "+tt.path {
			t.Errorf("%s holds %q after writing through %s", tt.want, b, tt.path)
		}
	}
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o600 {
		t.Errorf("target's permissions %v, want 0600 kept", st.Mode().Perm())
	}
	if l := append(leftovers(t, dir), leftovers(t, sub)...); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

// TestAtomicWriteCleansUp: a write that fails or panics leaves the old
// file and no temporary file.
func TestAtomicWriteCleansUp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.bin")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	for name, write := range map[string]func(io.Writer) error{
		"error": func(w io.Writer) error { io.WriteString(w, strings.Repeat("x", 1<<17)); return boom },
		"panic": func(w io.Writer) error { io.WriteString(w, "x"); panic(boom) },
	} {
		func() {
			defer func() { recover() }()
			if err := WriteFileAtomic(path, write); !errors.Is(err, boom) {
				t.Errorf("%s: err = %v", name, err)
			}
		}()
		if b, _ := os.ReadFile(path); string(b) != "old" {
			t.Errorf("%s: file holds %q", name, b)
		}
		if l := leftovers(t, dir); len(l) > 0 {
			t.Errorf("%s: temporary files left: %v", name, l)
		}
	}
}
