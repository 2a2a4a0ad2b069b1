package nn

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/nnlab/nnlab/internal/atomicfile"
	"github.com/nnlab/nnlab/nn/safetensors"
)

// interruptOnWrite passes writes to w and calls Interrupt on the first,
// as a Ctrl-C in the middle of a save.
type interruptOnWrite struct{ w io.Writer }

func (i interruptOnWrite) Write(p []byte) (int, error) {
	Interrupt()
	return i.w.Write(p)
}

// TestSaveInterrupted: a checkpoint write stopped by Interrupt stops
// within a megabyte and leaves the previous file and no temporary file;
// an interrupt pending before the save does not stop it (Fit saves its
// progress after a Ctrl-C).
func TestSaveInterrupted(t *testing.T) {
	defer ClearInterrupt()
	ClearInterrupt()
	n, err := stopWriter{w: interruptOnWrite{io.Discard}}.Write(make([]byte, 3<<20))
	if !errors.Is(err, ErrInterrupted) || n != 1<<20 {
		t.Errorf("stopWriter: wrote %d bytes, err %v; want 1 MB, then ErrInterrupted", n, err)
	}

	big := []safetensors.Tensor{safetensors.F32("w", []int{3 << 18}, make([]float32, 3<<18))} // 3 MB
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.safetensors")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	ClearInterrupt()
	err = atomicfile.Write(path, 0o644, func(w io.Writer) error {
		return safetensors.Encode(stopWriter{w: interruptOnWrite{w}}, big, nil)
	})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted write: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("the file holds %d bytes, want the old 3", len(b))
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}

	Interrupt() // pending before the save
	if err := writeCheckpoint(path, big, nil, Interrupted()); err != nil {
		t.Fatalf("save with an interrupt pending: %v", err)
	}
	if f, err := safetensors.ReadFile(path); err != nil || len(f.Tensors) != 1 {
		t.Errorf("the file was not replaced: %v", err)
	}
}
