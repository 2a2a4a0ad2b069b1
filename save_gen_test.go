package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSaveGenerations types cells that declare names again as new
// variables into nnlab through a pipe, saves them, and runs the saved
// program: it prints what the session showed since its last :reset.
func TestSaveGenerations(t *testing.T) {
	loaded := writeFile(t, "loaded.go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tv := 2\n\tfmt.Println(\"v\", v)\n}\n")
	script := writeFile(t, "cells.go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\t// %% 1\n\tw := 2\n\t// %% 2\n\tfmt.Println(\"w\", w)\n}\n")
	tests := []struct {
		name  string
		cells string // :save FILE is appended
		want  string // what the session showed after its last :reset
	}{
		{"the lead's case", "x := 1\nx := 2.5\nx := 3\nfunc g() float64 { return float64(x) * 2 }\ng()\nx = 10\ng()\nx / 4\n", "6\n20\n2\n"},
		{"a new type, then a function that uses it", "x := 1\ny := x + 1\nx := \"s\"\nfunc f() string { return x + \"!\" }\nf()\ny\n", "\"s!\"\n2\n"},
		{"a closure in main that shadows x", "x := 1\nx := \"a\"\nf := func(x int) int { return x * 3 }\nf(4)\nx\n", "12\n\"a\"\n"},
		{"a method using a global", "type P struct{ n int }\ny := 1.5\ny := 2\nfunc (p P) M() int { return p.n + y }\nP{1}.M()\ny = 5\nP{1}.M()\n", "3\n6\n"},
		{"only x of x, y := is new", "x := 1\ny := 2\nx, y := \"s\", 3\nfunc gy() int { return y * 10 }\ngy()\nx\n", "30\n\"s\"\n"},
		{"a loop variable named x", "x := 1\nx := \"ab\"\nn := 0\nfor x := 0; x < 4; x++ { n += x }\nn\nx\n", "6\n\"ab\"\n"},
		{"three generations", "x := 1\na := x\nx := \"two\"\nb := x\nx := 3.5\nfunc h() float64 { return x }\na\nb\nh()\n", "1\n\"two\"\n3.5\n"},
		{"the same type again", "x := 1\nfunc g() int { return x }\nx := 5\ng()\n", "5\n"},
		{"a cell that fails after its redeclaration", "x := 1\nx := \"s\"; var m map[int]int; m[1] = 1\nfunc g() string { return x + \"!\" }\ng()\n", "\"s!\"\n"},
		{":reset between, a type redefined", "type T int\nv := T(3)\nv\n:reset\ntype T string\nv := T(\"a\")\nv\nv := 2\nfunc g() int { return v }\ng()\n", "\"a\"\n2\n"},
		{"a name of :load's main anew", ":load " + loaded + "\nv := \"s\"\nfunc g() string { return v }\ng()\n", "v 2\n\"s\"\n"},
		{":run cells, then x anew", ":run " + script + "\nw := \"s\"\nfunc g() string { return w }\ng()\n", "w 2\n\"s\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			saved := filepath.Join(t.TempDir(), "saved.go")
			out, errOut, _ := runPiped(t, tt.cells+":save "+saved+"\n")
			if strings.Contains(errOut, "left out") {
				t.Errorf(":save left cells out: %s", errOut)
			}
			// What the session showed after its last :reset, without the
			// REPL's own lines.
			if i := strings.LastIndex(out, "new session\n"); i >= 0 {
				out = out[i+len("new session\n"):]
			}
			var shown []string
			for _, l := range strings.SplitAfter(out, "\n") {
				if l != "" && !strings.HasPrefix(l, "saved ") {
					shown = append(shown, l)
				}
			}
			session := strings.Join(shown, "")
			if session != tt.want {
				t.Errorf("the session showed %q, want %q (stderr %q)", session, tt.want, errOut)
			}
			src, err := os.ReadFile(saved)
			if err != nil {
				t.Fatalf("no saved file (stderr %q): %v", errOut, err)
			}
			cmd := exec.Command(nnlabBin, saved)
			cmd.Env, _ = testEnv(t)
			got, err := cmd.CombinedOutput()
			if err != nil || string(got) != session {
				t.Errorf("running the saved file: %v, output %q, the session showed %q\n%s", err, got, session, src)
			}
		})
	}
}
