package model_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
	"github.com/nnlab/nnlab/nn/safetensors"
)

// TestSaveWritesOnce: Save writes one file, with the session's checkpoint
// metadata and the model's description side by side, and leaves nothing
// else in the directory (it used to write a checkpoint beside the target,
// read it back and write it again); a failed save names the path.
func TestSaveWritesOnce(t *testing.T) {
	nn.Seed(3)
	m := model.Sequential(model.Input(4), model.Dense(3, "relu"), model.Dense(2, "softmax")).
		Compile(nn.AdamOptimizer(1e-2))
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "m.safetensors" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only m.safetensors", names)
	}
	f, err := safetensors.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"format", "writer", model.MetadataKey} {
		if f.Metadata[k] == "" {
			t.Errorf("metadata %q missing: %v", k, f.Metadata)
		}
	}
	if _, err := model.Load(path); err != nil {
		t.Errorf("Load after Save: %v", err)
	}

	missing := filepath.Join(dir, "no", "such", "m.safetensors")
	if err := m.Save(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Save into a missing directory: error %v, want one naming %s", err, missing)
	}
}
