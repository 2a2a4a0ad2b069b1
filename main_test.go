package main

// These tests drive the built nnlab binary as a user would: through a pipe,
// and through a pseudo-terminal where they type keys (Tab, Ctrl-C, Up,
// Ctrl-D) and read the screen with escape codes stripped. Deadlines guard
// against hangs; the one speed asserted is Ctrl-C's, with a generous bound
// (checkCtrlCLatency). This file holds the harness; the tests are in
// piped_test.go, script_test.go, pty_test.go and training_test.go.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// nnlabBin is the binary under test, built once by TestMain.
var nnlabBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nnlab-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	nnlabBin = filepath.Join(dir, "nnlab")
	build := exec.Command("go", "build", "-o", nnlabBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building nnlab:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// hangGuard bounds every wait: generous, since the machine is shared.
const hangGuard = 2 * time.Minute

// testEnv is an environment with a private HOME and history file.
func testEnv(t *testing.T) (env []string, histFile string) {
	home := t.TempDir()
	histFile = filepath.Join(home, "history")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "NNLAB_HISTORY=") {
			env = append(env, kv)
		}
	}
	// nnlab finds the MNIST files in the module cache without running go.
	env = append(env, "GOMODCACHE="+goModCache(t))
	return append(env, "HOME="+home, "NNLAB_HISTORY="+histFile, "TERM=xterm"), histFile
}

// runPiped runs nnlab with args and stdin from input.
func runPiped(t *testing.T, input string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(nnlabBin, args...)
	cmd.Env, _ = testEnv(t)
	cmd.Dir = t.TempDir()
	cmd.Stdin = strings.NewReader(input)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			status = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
	case <-time.After(hangGuard):
		cmd.Process.Kill()
		t.Fatalf("nnlab %q hung; stdout so far: %q", args, out.String())
	}
	return out.String(), errb.String(), status
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// syncBuffer collects output and lets a test wait for some text in it.
type syncBuffer struct {
	mu   sync.Mutex
	buf  []byte
	mark int // waitFor looks after this offset in the stripped output
	ch   chan struct{}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.buf = append(b.buf, p...)
	ch := b.ch
	b.ch = nil
	b.mu.Unlock()
	if ch != nil {
		close(ch)
	}
	return len(p), nil
}

// unseen is the output after the mark, with terminal escape codes
// stripped. The caller holds b.mu.
func (b *syncBuffer) unseen() string {
	s := stripANSI(string(b.buf))
	if b.mark > len(s) {
		return ""
	}
	return s[b.mark:]
}

// waitFor waits until want appears after the mark, then moves the mark to
// the end of that match.
func (b *syncBuffer) waitFor(want string, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		b.mu.Lock()
		if i := strings.Index(b.unseen(), want); i >= 0 {
			b.mark += i + len(want)
			b.mu.Unlock()
			return nil
		}
		if b.ch == nil {
			b.ch = make(chan struct{})
		}
		ch := b.ch
		b.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			b.mu.Lock()
			defer b.mu.Unlock()
			return fmt.Errorf("timed out waiting for %q; output after the last match: %q", want, b.unseen())
		}
	}
}

var ansiRE = regexp.MustCompile(`\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>78])|\r|\x07`)

// stripANSI removes escape sequences, carriage returns and bells.
func stripANSI(s string) string { return ansiRE.ReplaceAllString(s, "") }
