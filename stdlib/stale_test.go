package stdlib

import (
	"os/exec"
	"testing"
)

// TestTablesUpToDate regenerates the tables and compares them with the
// committed ones (skipped with -short: it builds yaegi's extractor).
func TestTablesUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerating the tables takes a while")
	}
	out, err := exec.Command("bash", "check.sh").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

func TestSymbols(t *testing.T) {
	for _, k := range []string{"fmt/fmt", "os/os", "math/rand/v2/rand", "github.com/nnlab/nnlab/nn/nn", "github.com/nnlab/nnlab/nn/mnist/mnist"} {
		if len(Symbols[k]) == 0 {
			t.Errorf("no symbols for %s", k)
		}
	}
}
