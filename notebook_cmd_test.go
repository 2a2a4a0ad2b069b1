package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/jupyter/notebook"
)

func TestRunNotebook(t *testing.T) {
	nb := func(cells ...string) string {
		var b strings.Builder
		b.WriteString(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [`)
		for i, c := range cells {
			if i > 0 {
				b.WriteString(",")
			}
			typ := "code"
			if strings.HasPrefix(c, "# ") {
				typ = "markdown"
			}
			b.WriteString(`{"cell_type": "` + typ + `", "metadata": {}, "source": ` + quoteJSON(c) + `, "outputs": []}`)
		}
		return b.String() + "]}"
	}
	tests := []struct {
		name, notebook string
		args           []string
		stdout, stderr string
		status         int
	}{
		{"cells share values", nb("x := 20", "# a note: not run", "x *= 2\nfmt.Println(\"x is\", x)", "x + 2"), nil, "x is 40\n42\n", "", 0},
		{"the first failure stops", nb("x := 1", "y := x + nope", "fmt.Println(\"not reached\")"), nil, "", "code cell 2: line 1:10: undefined: nope", 1},
		{"os.Args", nb(`import "os"`, "len(os.Args)"), []string{"a", "b"}, "3\n", "", 0},
		{"os.Exit", nb(`import "os"`, "os.Exit(3)", `fmt.Println("no")`), nil, "", "", 3},
		{"not a notebook", `{"cells": 1}`, nil, "", "not a notebook", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "n.ipynb", tt.notebook)
			env, _ := testEnv(t)
			cmd := exec.Command(nnlabBin, append([]string{path}, tt.args...)...)
			cmd.Env = env
			var out, errb strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			status := 0
			if ee, ok := err.(*exec.ExitError); ok {
				status = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tt.status || out.String() != tt.stdout || !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("status %d, stdout %q, stderr %q; want %d, %q, stderr with %q", status, out.String(), errb.String(), tt.status, tt.stdout, tt.stderr)
			}
		})
	}
}

func quoteJSON(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

// nbclient (Jupyter's notebook executor) runs examples/tutorial.ipynb in the
// nnlab kernel; its outputs have the tutorial's accuracy and prediction.
func TestTutorialNotebookNbclient(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	env := jupyterEnv(t, "nbclient", "nbformat")
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.ipynb")
	script := `import sys, time, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
t = time.monotonic()
NotebookClient(nb, kernel_name="nnlab", timeout=600, resources={"metadata": {"path": sys.argv[2]}}).execute()
print(f"executed in {time.monotonic() - t:.1f} s")
nbformat.validate(nb)
nbformat.write(nb, sys.argv[3])
for c in nb.cells:
    for o in c.get("outputs", []):
        print(o.get("text", "") or o.get("data", {}).get("text/plain", ""))
`
	cmd := exec.Command(jupyterPython, "-c", script, filepath.Join("examples", "tutorial.ipynb"), root, out)
	cmd.Env = env
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("nbclient: %v\n%s", err, b)
	}
	text := string(b)
	t.Log(text[:strings.Index(text, "\n")+1])
	for _, want := range []string{"Accuracy on test set: 0.9", "Prediction for test image: 2", "Iteration 900"} {
		if !strings.Contains(text, want) {
			t.Errorf("the executed notebook's outputs lack %q:\n%s", want, text)
		}
	}
}

// :save FILE.ipynb writes the cells that succeeded, with their results, as
// a notebook that nnlab runs again (and nbformat validates, where it is
// installed).
func TestSaveNotebook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "saved.ipynb")
	out, errs, status := runPiped(t, "x := 2\ny := x * 3\nnope()\nfmt.Println(\"hi\")\nx + y\n:save "+path+"\n")
	if status != 1 || !strings.Contains(out, "saved 4 cells") {
		t.Fatalf(":save: status %d\n%s\n%s", status, out, errs)
	}
	nb, err := notebook.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := nb.CodeCells(); strings.Join(got, "|") != `x := 2|y := x * 3|fmt.Println("hi")|x + y` {
		t.Errorf("saved cells %q", got)
	}
	if last := nb.Cells[3]; *last.ExecutionCount != 4 || len(last.Outputs) != 1 || !strings.Contains(fmt.Sprint(last.Outputs[0]), "text/plain:8") {
		t.Errorf("last cell's result: %v", last.Outputs)
	}
	out, errs, status = runPiped(t, "", path)
	if status != 0 || out != "hi\n8\n" {
		t.Errorf("nnlab saved.ipynb: status %d, stdout %q, stderr %q", status, out, errs)
	}
	if exec.Command(jupyterPython, "-c", "import nbformat").Run() == nil {
		if b, err := exec.Command(jupyterPython, "-c", "import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", path).CombinedOutput(); err != nil {
			t.Errorf("nbformat rejects the saved notebook: %v\n%s", err, b)
		}
	}
}
