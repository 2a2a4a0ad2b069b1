package main

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// term is nnlab running in a pseudo-terminal.
type term struct {
	t   *testing.T
	f   *os.File
	cmd *exec.Cmd
	out *syncBuffer
}

func startTerm(t *testing.T, env []string, args ...string) *term {
	t.Helper()
	if ptmx, tty, err := pty.Open(); err != nil {
		t.Skipf("no pseudo-terminal on this machine: %v", err)
	} else {
		ptmx.Close()
		tty.Close()
	}
	cmd := exec.Command(nnlabBin, args...)
	cmd.Env = env
	cmd.Dir = t.TempDir()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, f: f, cmd: cmd, out: &syncBuffer{}}
	go io.Copy(tm.out, f)
	t.Cleanup(func() {
		cmd.Process.Kill()
		f.Close()
	})
	tm.expect("Type :help for help")
	tm.expect(">>> ")
	return tm
}

// send types keys.
func (tm *term) send(keys string) {
	tm.t.Helper()
	if _, err := tm.f.WriteString(keys); err != nil {
		tm.t.Fatal(err)
	}
}

// expect waits for text on the screen after the previous match.
func (tm *term) expect(text string) {
	tm.t.Helper()
	if err := tm.out.waitFor(text, hangGuard); err != nil {
		tm.t.Fatal(err)
	}
}

// cell types a line and waits for the next primary prompt.
func (tm *term) cell(line string) {
	tm.t.Helper()
	tm.send(line + "\r")
	tm.expect(">>> ")
}

// exit presses Ctrl-D at the prompt and waits for nnlab to end well.
func (tm *term) exit() {
	tm.t.Helper()
	tm.send("\x04")
	done := make(chan error, 1)
	go func() { done <- tm.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			tm.t.Errorf("nnlab exited with %v after Ctrl-D", err)
		}
	case <-time.After(hangGuard):
		tm.t.Fatal("Ctrl-D did not end nnlab")
	}
}

func TestTerminal(t *testing.T) {
	env, histFile := testEnv(t)
	tm := startTerm(t, env)

	// A value, and a bare expression that shows it.
	tm.cell("x := 41")
	tm.send("x + 1\r")
	tm.expect("42")
	tm.expect(">>> ")

	// Output without a final newline still shows; the prompt goes below.
	tm.send("fmt.Print(\"no new\" + \"line\")\r")
	tm.expect("no newline\n>>> ")

	// Tab completion: fmt.Prin + Tab completes the shared "t".
	tm.cell(`import "fmt"`)
	tm.send("fmt.Prin\t")
	tm.expect("fmt.Print")
	tm.send("ln(\"completed\", x)\r")
	tm.expect("completed 41")
	tm.expect(">>> ")

	// Ctrl-C at a continuation prompt drops the half-typed cell.
	tm.send("for i := 0; i < 3; i++ {\r")
	tm.expect("... ")
	tm.send("x = 1000\r")
	tm.expect("... ")
	tm.send("\x03")
	tm.expect(">>> ")
	tm.send("x\r")
	tm.expect("41")
	tm.expect(">>> ")

	// Ctrl-C during a long interpreted loop stops it; x is kept.
	// (The marker is printed as two halves so the echo of the line does not
	// match it.)
	tm.send("for { x++; if x == 100000 { fmt.Println(\"spin\" + \"ning\") } }\r")
	tm.expect("spinning")
	start := time.Now()
	tm.send("\x03")
	tm.expect("interrupted")
	tm.expect(">>> ")
	checkCtrlCLatency(t, time.Since(start))
	tm.send("x >= 100000\r")
	tm.expect("true")
	tm.expect(">>> ")

	// A multi-line cell, then Up + Enter runs all of it again.
	tm.send("for i := 0; i < 2; i++ {\r")
	tm.expect("... ")
	tm.send("fmt.Println(\"loop\", i)\r")
	tm.expect("... ")
	tm.send("}\r")
	tm.expect("loop 1")
	tm.expect(">>> ")
	tm.send("\x1b[A")
	tm.expect("fmt.Println(\"loop\", i)␤}")
	tm.send("\r")
	tm.expect("loop 0")
	tm.expect("loop 1")
	tm.expect(">>> ")

	// Commands work on a terminal too, and complete with Tab.
	tm.send(":va\t\r")
	tm.expect("x")
	tm.expect(">>> ")

	tm.exit()

	// The history file holds the multi-line cell as one entry.
	data, err := os.ReadFile(histFile)
	if err != nil {
		t.Fatal(err)
	}
	want := "for i := 0; i < 2; i++ {␤fmt.Println(\"loop\", i)␤}\n"
	if !strings.Contains(string(data), want) || strings.Count(string(data), want) != 1 {
		t.Errorf("history file %q should hold %q once", data, want)
	}
	if strings.Contains(string(data), "x = 1000") {
		t.Errorf("history file %q holds the cell dropped by Ctrl-C", data)
	}

	// A new session recalls it from the file: Up twice (past :vars), Enter.
	tm2 := startTerm(t, env)
	tm2.cell(`import "fmt"`)
	tm2.send("\x1b[A\x1b[A\x1b[A")
	tm2.expect("␤}")
	tm2.send("\r")
	tm2.expect("loop 1")
	tm2.expect(">>> ")
	tm2.exit()
}

func TestTerminalReset(t *testing.T) {
	env, _ := testEnv(t)
	tm := startTerm(t, env)
	tm.cell("x := 1")
	tm.send(":reset\r")
	tm.expect("[y/N] ")
	tm.send("n\r")
	tm.expect("reset cancelled")
	tm.expect(">>> ")
	tm.send("x\r")
	tm.expect("1")
	tm.expect(">>> ")
	tm.send(":reset\r")
	tm.expect("[y/N] ")
	tm.send("y\r")
	tm.expect("new session")
	tm.expect(">>> ")
	tm.send(":vars\r")
	tm.expect("(no variables yet)")
	tm.expect(">>> ")
	tm.exit()
}

// lastLine returns the last screen line that starts with prefix.
func lastLine(t *testing.T, tm *term, prefix string) string {
	t.Helper()
	tm.out.mu.Lock()
	defer tm.out.mu.Unlock()
	lines := strings.Split(stripANSI(string(tm.out.buf)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); strings.HasPrefix(l, prefix) && !strings.Contains(l, "Println") {
			return l
		}
	}
	t.Fatalf("no line starting with %q", prefix)
	return ""
}
