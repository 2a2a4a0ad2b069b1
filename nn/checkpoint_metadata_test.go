package nn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn/safetensors"
)

// TestSaveWithMetadata: extra metadata is written beside the checkpoint's
// own, the file restores as a plain checkpoint, and a key the checkpoint
// uses itself is refused before the old file is touched.
func TestSaveWithMetadata(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.safetensors")
	x, y, keep, _, _, train := tutorialNet(true)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	trainSteps(s, x, y, keep, train, 0, 2)

	if err := s.SaveWithMetadata(path, map[string]string{"app.note": "hello", "nnlab.model": "{}"}); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"app.note": "hello", "nnlab.model": "{}", metaFormat: formatName} {
		if f.Metadata[k] != want {
			t.Errorf("metadata %q = %q, want %q", k, f.Metadata[k], want)
		}
	}
	if _, ok := f.Metadata[metaStepPfx+train.name]; !ok {
		t.Errorf("step count missing from metadata %v", f.Metadata)
	}
	if err := NewSession().Restore(path); err != nil {
		t.Errorf("restore of a checkpoint with extra metadata: %v", err)
	}

	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{metaFormat, metaWriter, metaStepPfx + "x", metaDropout, metaPosition} {
		err := s.SaveWithMetadata(path, map[string]string{k: "mine"})
		if err == nil || !strings.Contains(err.Error(), k) || !strings.Contains(err.Error(), path) {
			t.Errorf("SaveWithMetadata with key %q: error %v, want one naming the key and the file", k, err)
		}
	}
	if now, _ := os.ReadFile(path); string(now) != string(old) {
		t.Error("a refused save changed the file")
	}
}
