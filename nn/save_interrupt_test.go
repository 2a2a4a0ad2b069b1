package nn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSaveInterrupted: a save stopped by Interrupt leaves the previous
// file and no temporary file, and says so.
func TestSaveInterrupted(t *testing.T) {
	ResetDefaultGraph()
	defer ResetDefaultGraph()
	Variable(RandomNormal([]int{512, 512}, 1)).Named("w")
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.safetensors")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	Interrupt()
	err := s.Save(path)
	ClearInterrupt()
	if err == nil || !strings.Contains(err.Error(), "interrupted before") || !strings.Contains(err.Error(), "as it was") {
		t.Fatalf("interrupted Save: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("the file holds %d bytes, want the old 3", len(b))
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
	if err := s.Save(path); err != nil {
		t.Fatalf("Save after the interrupt: %v", err)
	}
}
