package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// leftovers lists the temporary files Write left in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWriteFollowsLinks: writing through a symbolic link (and a chain,
// and a link whose target does not exist yet) replaces the target and
// leaves the link a link.
func TestWriteFollowsLinks(t *testing.T) {
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
		if err := WriteFile(tt.path, []byte("new "+tt.path), 0o644); err != nil {
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

// TestWritePermissions: a new file gets the permissions asked for, a
// replaced file keeps its own.
func TestWritePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permissions")
	}
	dir := t.TempDir()
	for _, tt := range []struct {
		name     string
		existing os.FileMode // 0: no file yet
		perm     os.FileMode
		want     os.FileMode
	}{
		{"new private", 0, 0o600, 0o600},
		{"new public", 0, 0o644, 0o644},
		{"kept", 0o640, 0o600, 0o640},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
		if tt.existing != 0 {
			if err := os.WriteFile(path, []byte("old"), tt.existing); err != nil {
				t.Fatal(err)
			}
			os.Chmod(path, tt.existing) // past the umask
		}
		if err := WriteFile(path, []byte("new"), tt.perm); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != tt.want {
			t.Errorf("%s: permissions %v, want %v", tt.name, st.Mode().Perm(), tt.want)
		}
	}
}

// TestWriteFailures: whatever fails or panics, and wherever, the old file
// stays as it was and no temporary file is left.
func TestWriteFailures(t *testing.T) {
	boom := errors.New("boom")
	newData := strings.Repeat("new ", 1<<15) // past the buffer: the temporary file gets data
	writeNew := func(w io.Writer) error { _, err := io.WriteString(w, newData); return err }
	tests := []struct {
		name  string
		write func(io.Writer) error
		hook  func(tmp string) error // beforeRename
		want  string
	}{
		{
			name:  "fail before rename",
			write: writeNew,
			hook: func(tmp string) error {
				// The temporary file is complete, synced and closed here.
				if b, err := os.ReadFile(tmp); err != nil || string(b) != newData {
					return fmt.Errorf("temporary file incomplete before rename: %d bytes, %v", len(b), err)
				}
				return errors.New("simulated crash")
			},
			want: "simulated crash",
		},
		{name: "panic before rename", write: writeNew, hook: func(string) error { panic("boom") }, want: "panic: boom"},
		{
			name:  "write error",
			write: func(w io.Writer) error { io.WriteString(w, strings.Repeat("x", 1<<17)); return boom },
			want:  "boom",
		},
		{
			name:  "write panic",
			write: func(w io.Writer) error { io.WriteString(w, "x"); panic("mid-write") },
			want:  "panic: mid-write",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "f.bin")
			if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("panic: %v", r)
					}
				}()
				err = writeFile(path, 0o644, tt.write, tt.hook)
			}()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want containing %q", err, tt.want)
			}
			if tt.name == "write error" && !errors.Is(err, boom) {
				t.Errorf("error %v does not wrap the writer's error", err)
			}
			if b, _ := os.ReadFile(path); string(b) != "old" {
				t.Errorf("file holds %q", b)
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Errorf("temporary files left: %v", l)
			}
		})
	}
}

// TestWriteRefuses: a missing directory, a directory and a path that is
// not a regular file give an error naming the path and change nothing.
func TestWriteRefuses(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		filepath.Join(dir, "no", "such", "dir", "x.bin"),
		sub,
		sub + string(filepath.Separator),
	} {
		err := WriteFile(path, []byte("x"), 0o644)
		if err == nil {
			t.Errorf("WriteFile(%q) succeeded", path)
			continue
		}
		if !strings.Contains(err.Error(), filepath.Clean(path)) && !strings.Contains(err.Error(), path) {
			t.Errorf("WriteFile(%q): error %q does not name the path", path, err)
		}
	}
	if st, err := os.Stat(sub); err != nil || !st.IsDir() {
		t.Errorf("%s is no longer a directory", sub)
	}
	if l := append(leftovers(t, dir), leftovers(t, sub)...); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}
