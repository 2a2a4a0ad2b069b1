package notebook

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// examples/tutorial.ipynb is what go generate makes from
// examples/tutorial.go: regenerate it when the script changes.
func TestTutorialNotebookFresh(t *testing.T) {
	nb, err := FromScript("../../examples/tutorial.go")
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := nb.Write(&want); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../examples/tutorial.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Error("examples/tutorial.ipynb is stale: run go generate ./jupyter/notebook")
	}
}

func TestReadBothSourceForms(t *testing.T) {
	src := `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
	 {"cell_type": "code", "id": "a", "metadata": {}, "source": ["x := 1\n", "x++"], "outputs": [], "execution_count": null},
	 {"cell_type": "markdown", "id": "b", "metadata": {}, "source": "# notes"},
	 {"cell_type": "code", "id": "c", "metadata": {}, "source": "x", "outputs": [], "execution_count": 3}]}`
	path := filepath.Join(t.TempDir(), "n.ipynb")
	os.WriteFile(path, []byte(src), 0o644)
	nb, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	got := nb.CodeCells()
	if len(got) != 2 || got[0] != "x := 1\nx++" || got[1] != "x" {
		t.Errorf("code cells %q", got)
	}
	for _, bad := range []string{`{"nbformat": 3, "cells": []}`, `{"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}`, `[]`} {
		os.WriteFile(path, []byte(bad), 0o644)
		if _, err := Read(path); err == nil {
			t.Errorf("%s: read without error", bad)
		}
	}
}

func TestWrite(t *testing.T) {
	nb := New()
	nb.Add("markdown", "## Title")
	nb.Add("code", "a := 1\nfmt.Println(a)\n")
	var buf bytes.Buffer
	if err := nb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Cells []map[string]json.RawMessage `json:"cells"`
		Minor int                          `json:"nbformat_minor"`
	}
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if raw.Minor != 5 {
		t.Errorf("nbformat_minor %d", raw.Minor)
	}
	md, code := raw.Cells[0], raw.Cells[1]
	if _, ok := md["outputs"]; ok {
		t.Error("a markdown cell with outputs")
	}
	if string(code["outputs"]) != "[]" || string(code["execution_count"]) != "null" || string(code["id"]) != `"cell-2"` {
		t.Errorf("code cell %s %s %s", code["outputs"], code["execution_count"], code["id"])
	}
	var src bytes.Buffer
	json.Compact(&src, code["source"])
	if src.String() != `["a := 1\n","fmt.Println(a)\n"]` {
		t.Errorf("source %s", src.String())
	}
}

func TestDedent(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\n\tx := 1\n\tif x > 0 {\n\t\tx++\n\t}\n", "x := 1\nif x > 0 {\n\tx++\n}"},
		{"\t\ta\n\n\tb", "\ta\n\nb"},
		{"a", "a"},
	}
	for _, tt := range tests {
		if got := dedent(tt.in); got != tt.want {
			t.Errorf("dedent(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
