package model_test

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
	"github.com/nnlab/nnlab/nn/safetensors"
)

// craft writes a copy of the model file at path with every weight set to 7
// (so that a partial restore would show) and edit applied to it.
func craft(t *testing.T, path string, edit func(desc map[string]any, f *safetensors.File)) string {
	t.Helper()
	f, err := safetensors.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tn := range f.Tensors {
		for i := 0; i+4 <= len(tn.Data); i += 4 {
			binary.LittleEndian.PutUint32(tn.Data[i:], math.Float32bits(7))
		}
	}
	desc := map[string]any{}
	d := json.NewDecoder(strings.NewReader(f.Metadata[model.MetadataKey]))
	d.UseNumber()
	if err := d.Decode(&desc); err != nil {
		t.Fatal(err)
	}
	edit(desc, f)
	js, err := json.Marshal(desc)
	if err != nil {
		t.Fatal(err)
	}
	f.Metadata[model.MetadataKey] = string(js)
	out := filepath.Join(t.TempDir(), "crafted.safetensors")
	if err := safetensors.WriteFile(out, f.Tensors, f.Metadata); err != nil {
		t.Fatal(err)
	}
	return out
}

// Restoring is all or nothing: a file with any wrong number or state is
// refused before the first weight changes.
func TestRestoreAllOrNothing(t *testing.T) {
	nn.Seed(3)
	m := model.Sequential(model.Input(4), model.Dense(3, "relu"), model.Dense(2, "softmax")).Compile(nn.AdamOptimizer(0.01))
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	probe := nn.NewTensor([]float32{1, -2, 3, 0.5}, 1, 4)
	want := m.Predict(probe).Data()
	// A crafted file that is valid restores, and changes the predictions:
	// the tests below would see a partial restore.
	if err := m.Restore(craft(t, path, func(map[string]any, *safetensors.File) {})); err != nil {
		t.Fatalf("a valid crafted file: %v", err)
	}
	if got := m.Predict(probe).Data(); got[0] == want[0] {
		t.Fatalf("restoring weights of 7 changed no prediction: %v", got)
	}
	if err := m.Restore(path); err != nil {
		t.Fatal(err)
	}
	position := func(desc map[string]any) {
		desc["done"], desc["rows"], desc["batch"] = json.Number("10"), json.Number("100"), json.Number("1")
		desc["shuffle"] = "AAAA"
	}
	cases := []struct {
		name, want string
		edit       func(desc map[string]any, f *safetensors.File)
	}{
		{"negative rows", "10 of -5 examples done", func(d map[string]any, _ *safetensors.File) { position(d); d["rows"] = json.Number("-5") }},
		{"huge rows", "10 of 1000000000000 examples done", func(d map[string]any, _ *safetensors.File) { position(d); d["rows"] = json.Number("1000000000000") }},
		{"done past rows", "101 of 100 examples done", func(d map[string]any, _ *safetensors.File) { position(d); d["done"] = json.Number("101") }},
		{"negative epoch", "training position out of range", func(d map[string]any, _ *safetensors.File) { d["epoch"] = json.Number("-1") }},
		{"bad shuffle state", "shuffle state", func(d map[string]any, _ *safetensors.File) { position(d) }},
		{"bad augmentation state", "augmentation state", func(d map[string]any, _ *safetensors.File) { d["augment"] = "AAAA" }},
		{"accuracy above 1", "best validation accuracy 2", func(d map[string]any, _ *safetensors.File) { d["best_val_acc"] = json.Number("2") }},
		{"bad dropout state", "bad dropout state", func(_ map[string]any, f *safetensors.File) { f.Metadata["nnlab.rng.dropout"] = "AAAA" }},
		{"negative step count", "bad step count", func(_ map[string]any, f *safetensors.File) {
			for k := range f.Metadata {
				if strings.HasPrefix(k, "nnlab.steps.") {
					f.Metadata[k] = "-3"
					return
				}
			}
			f.Metadata["nnlab.steps.Adam"] = "-3"
		}},
		{"wrong shape", "has shape", func(_ map[string]any, f *safetensors.File) {
			for i, tn := range f.Tensors {
				if len(tn.Shape) == 2 {
					f.Tensors[i].Shape = []int{tn.Shape[0] * tn.Shape[1]}
					return
				}
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := m.Restore(craft(t, path, c.edit))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Restore: err = %v, want it to contain %q", err, c.want)
			}
			got := m.Predict(probe).Data()
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("prediction %d is %v after the refused restore, was %v: weights changed", i, got[i], want[i])
				}
			}
		})
	}
}
