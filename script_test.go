package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestScript(t *testing.T) {
	ok := writeFile(t, "ok.go", `package main

import (
	"fmt"
	"os"
)

var answer = 42

func main() {
	fmt.Println("args:", len(os.Args), os.Args[1:])
}
`)
	bad := writeFile(t, "bad.go", "package main\n\nfunc main() {\n\tundefinedFunc()\n}\n")
	exit3 := writeFile(t, "exit.go", "package main\n\nimport \"os\"\n\nfunc main() {\n\tos.Exit(3)\n}\n")
	tests := []struct {
		name       string
		args       []string
		input      string
		wantOut    string
		wantErr    string
		wantStatus int
	}{
		{"runs with its arguments", []string{ok, "a", "-b"}, "", "args: 3 [a -b]\n", "", 0},
		{"failure is one line and status 1", []string{bad}, "", "", "nnlab: ", 1},
		{"missing file", []string{"/nonexistent/x.go"}, "", "", "nnlab: ", 1},
		{"os.Exit(3) is status 3", []string{exit3}, "", "", "", 3},
		{"-i keeps the script's values", []string{"-i", ok}, "answer + 1\n", "args: 1 []\n43\n", "", 0},
		{":load runs a script into the REPL", nil, ":load " + ok + "\nanswer * 2\n", "args: 1 []\n84\n", "", 0},
		{"--help", []string{"--help"}, "", "", "", 0},
		{"--version", []string{"--version"}, "", "nnlab " + version, "", 0},
		{"bad flag", []string{"--bogus"}, "", "", "flag provided but not defined", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, status := runPiped(t, tt.input, tt.args...)
			switch tt.name {
			case "--help":
				for _, w := range []string{"Usage:", "Examples:", "nnlab FILE.go", "-i FILE.go"} {
					if !strings.Contains(out, w) {
						t.Errorf("--help lacks %q: %q", w, out)
					}
				}
			case "--version":
				if !strings.HasPrefix(out, tt.wantOut) {
					t.Errorf("--version = %q", out)
				}
			default:
				if out != tt.wantOut {
					t.Errorf("stdout = %q, want %q", out, tt.wantOut)
				}
			}
			if !strings.Contains(errOut, tt.wantErr) || (tt.wantErr == "" && errOut != "") {
				t.Errorf("stderr = %q, want %q", errOut, tt.wantErr)
			}
			if tt.wantStatus == 1 && strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Errorf("failure took more than one line: %q", errOut)
			}
			if status != tt.wantStatus {
				t.Errorf("exit status %d, want %d", status, tt.wantStatus)
			}
		})
	}
}

func TestScriptInterrupt(t *testing.T) {
	script := writeFile(t, "spin.go", `package main

import "fmt"

func main() {
	x := 0
	for {
		x++
		if x == 1000 {
			fmt.Println("spinning")
		}
	}
}
`)
	cmd := exec.Command(nnlabBin, script)
	cmd.Env, _ = testEnv(t)
	out := &syncBuffer{}
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if err := out.waitFor("spinning", hangGuard); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 130 {
			t.Errorf("exit: %v, want status 130", err)
		}
	case <-time.After(hangGuard):
		t.Fatal("script did not stop on Ctrl-C")
	}
	if !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("stderr = %q, want an interrupted message", errb.String())
	}
}
