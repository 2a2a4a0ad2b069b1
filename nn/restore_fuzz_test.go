package nn

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/nnlab/nnlab/nn/safetensors"
)

// FuzzRestore gives Session.Restore checkpoints whose metadata (step
// counts, dropout state, format) and first tensor's shape are arbitrary:
// it must restore or return an error, never panic, and a refused file must
// change no value (FuzzDecode in nn/safetensors covers the file format).
func FuzzRestore(f *testing.F) {
	dir := f.TempDir()
	ResetDefaultGraph()
	x, y, keep, _, _, train := tutorialNet(true)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	trainSteps(s, x, y, keep, train, 0, 1)
	good := filepath.Join(dir, "good.safetensors")
	if err := s.Save(good); err != nil {
		f.Fatal(err)
	}
	file, err := safetensors.ReadFile(good)
	if err != nil {
		f.Fatal(err)
	}
	stepKey := ""
	for k := range file.Metadata {
		if len(k) > len(metaStepPfx) && k[:len(metaStepPfx)] == metaStepPfx {
			stepKey = k
		}
	}
	f.Add(file.Metadata[stepKey], file.Metadata[metaDropout], 784, 1)
	f.Add("-1", "AAAA", 784, 1)
	f.Add("99999999999999999999", "", 1<<40, 1<<40)
	f.Add("3", "!!", -1, 0)
	vars := s.g.Variables()
	f.Fuzz(func(t *testing.T, steps, dropout string, d0, d1 int) {
		md := map[string]string{}
		for k, v := range file.Metadata {
			md[k] = v
		}
		md[stepKey], md[metaDropout] = steps, dropout
		ts := append([]safetensors.Tensor(nil), file.Tensors...)
		if d0 != 784 || d1 != 1 {
			ts[0].Shape = []int{d0, d1}
		}
		var buf bytes.Buffer
		if err := safetensors.Encode(&buf, ts, md); err != nil {
			return // not a file safetensors can write
		}
		path := filepath.Join(dir, "m.safetensors")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		s.vars[vars[0]].data[0]++ // differ from the file, so a partial restore shows
		before := s.vars[vars[0]].Clone()
		if err := s.Restore(path); err != nil {
			if got := s.vars[vars[0]]; !equalBits(got.data, before.data) {
				t.Fatalf("a refused checkpoint changed %s: %v", vars[0].name, err)
			}
			return
		}
	})
}

func equalBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}
