package docs

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDataUpToDate runs the generator as the go:generate line of docs.go
// does, into a temporary file, and compares the result with the embedded
// data (skipped with -short: it parses many packages).
func TestDataUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerating the documentation takes a while")
	}
	args := generateArgs(t)
	out := filepath.Join(t.TempDir(), "data.json")
	cmd := exec.Command("go", append([]string{"run", "./internal/gen", "-o", out}, args...)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, raw) {
		t.Fatal("repl/docs/data.json is stale: run 'go generate ./repl/docs'")
	}
}

// generateArgs returns the generator's arguments from the go:generate line
// of docs.go, without its -o flag.
func generateArgs(t *testing.T) []string {
	f, err := os.Open("docs.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "//go:generate go run ./internal/gen ")
		if !ok {
			continue
		}
		var args []string
		fields := strings.Fields(rest)
		for i := 0; i < len(fields); i++ {
			if fields[i] == "-o" {
				i++
				continue
			}
			args = append(args, fields[i])
		}
		return args
	}
	t.Fatal("docs.go has no go:generate line for ./internal/gen")
	return nil
}
