package model_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
	"github.com/nnlab/nnlab/nn/safetensors"
)

// FuzzLoad feeds model.Load files whose model description (the JSON in
// the MetadataKey entry) is arbitrary, beside the weights of a small real
// model: Load must return a model or an error, never panic or allocate
// without bound (a crafted row count of 1e12 or an input shape of [2^40]
// ended the process with out of memory before the checks).
func FuzzLoad(f *testing.F) {
	dir := f.TempDir()
	m := model.Sequential(model.Input(4), model.Dense(3, "softmax")).Compile(nn.AdamOptimizer(1e-3))
	good := filepath.Join(dir, "good.safetensors")
	if err := m.Save(good); err != nil {
		f.Fatal(err)
	}
	file, err := safetensors.ReadFile(good)
	if err != nil {
		f.Fatal(err)
	}
	meta := file.Metadata[model.MetadataKey]
	f.Add(meta)
	f.Add(`{"format":"nnlab-model-1","input":[1099511627776],"layers":[{"type":"dense","units":3,"activation":"softmax"}]}`)
	f.Add(`{"format":"nnlab-model-1","input":[4],"layers":[{"type":"dense","units":3,"activation":"softmax"}],"done":5,"rows":1000000000000,"shuffle":"AA=="}`)
	f.Add(`{"format":"nnlab-model-1","input":[28,28,1],"layers":[{"type":"conv2d","filters":4,"kernel":3},{"type":"maxpool","pool":2},{"type":"flatten"},{"type":"dense","units":3}]}`)
	f.Add(`{"format":"nnlab-model-1","input":[4],"layers":[{"type":"dense","units":-3}]}`)
	f.Fuzz(func(t *testing.T, desc string) {
		md := map[string]string{}
		for k, v := range file.Metadata {
			md[k] = v
		}
		md[model.MetadataKey] = desc
		// Encode and a plain write, not WriteFile: its fsyncs would
		// make each execution take milliseconds.
		var buf bytes.Buffer
		if err := safetensors.Encode(&buf, file.Tensors, md); err != nil {
			t.Skip(err) // metadata that safetensors cannot store
		}
		path := filepath.Join(dir, "m.safetensors")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := model.Load(path)
		if err != nil {
			var e *nn.Error
			if !errors.As(err, &e) {
				t.Fatalf("Load error %v (%T) is not an *nn.Error", err, err)
			}
			return
		}
		// A loaded model must be usable.
		_ = l.Summary()
	})
}
