package repl

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSplitCellNumber(t *testing.T) {
	for _, tc := range []struct {
		arg, path string
		cell      int
		err       bool
	}{
		{"mlp.go", "mlp.go", 0, false},
		{"mlp.go:3", "mlp.go", 3, false},
		{"dir/mlp.go:12", "dir/mlp.go", 12, false},
		{`C:\work\mlp.go`, `C:\work\mlp.go`, 0, false},
		{`C:\work\mlp.go:2`, `C:\work\mlp.go`, 2, false},
		{`C:mlp.go`, `C:mlp.go`, 0, false},
		{`D:\a:b\x.go`, `D:\a:b\x.go`, 0, false},
		{`\\server\share\mlp.go:1`, `\\server\share\mlp.go`, 1, false},
		{"mlp.go:0", "", 0, true},
		{`C:\work\mlp.go:x`, "", 0, true},
	} {
		path, cell, err := splitCellNumber(tc.arg)
		if (err != nil) != tc.err || path != tc.path || cell != tc.cell {
			t.Errorf("splitCellNumber(%q) = %q, %d, %v; want %q, %d, error %v", tc.arg, path, cell, err, tc.path, tc.cell, tc.err)
		}
	}
}

// A history file whose directory does not exist yet (on Windows,
// %AppData%\nnlab on the first run) is created with it.
func TestHistoryMakesItsDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nnlab", "history")
	h := loadHistory(path, 10)
	h.add("x := 1")
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "x := 1\n" {
		t.Fatalf("history file: %q, %v", b, err)
	}
	if got := loadHistory(path, 10).entries; len(got) != 1 || got[0] != "x := 1" {
		t.Errorf("read back: %q", got)
	}
}

func TestExpandHomeSeparators(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home directory:", err)
	}
	cases := map[string]string{
		"~/a.go":    filepath.Join(home, "a.go"),
		"a/~/b.go":  "a/~/b.go",
		`C:\~\a.go`: `C:\~\a.go`,
	}
	if filepath.Separator == '\\' {
		cases[`~\a.go`] = filepath.Join(home, "a.go")
	} else {
		cases[`~\a.go`] = `~\a.go` // a file name on Unix
	}
	for in, want := range cases {
		if got := expandHome(in); got != want {
			t.Errorf("expandHome(%q) = %q, want %q", in, got, want)
		}
	}
}

// notFoundText is how the operating system says that path does not exist
// ("no such file or directory" on Unix, "The system cannot find the path
// specified." on Windows).
func notFoundText(path string) string {
	_, err := os.Stat(path)
	if u := errors.Unwrap(err); u != nil {
		return u.Error()
	}
	return "no such file"
}

// :load completes paths in the separators of the system: on Windows
// C:\work\t<Tab> as well as C:/work/t<Tab>.
func TestCompletePathSeparators(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"train.go", "test.go", "notes.txt", "a[1].go"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "tdir"), 0o700); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, "")
	native := dir + string(filepath.Separator)
	for _, tc := range []struct {
		line string
		want []string
	}{
		{":load " + native + "t", []string{"dir" + string(filepath.Separator), "est.go", "rain.go"}},
		{":load " + filepath.ToSlash(dir) + "/t", []string{"dir/", "est.go", "rain.go"}},
		{":load " + native + "a[", []string{"1].go"}}, // no glob metacharacters
		{":load " + native + "nothing", nil},
	} {
		got, n := completer{h.r}.Do([]rune(tc.line), len([]rune(tc.line)))
		var gs []string
		for _, g := range got {
			gs = append(gs, string(g))
		}
		arg := strings.TrimPrefix(tc.line, ":load ")
		if !reflect.DeepEqual(gs, tc.want) || n != len([]rune(arg)) {
			t.Errorf("Do(%q) = %q, %d; want %q, %d", tc.line, gs, n, tc.want, len([]rune(arg)))
		}
	}
}
