package model_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
)

// compatModel has one layer of every type that existed when the model
// format was first saved (nnlab-model-1).
func compatModel() *model.Model {
	return model.Sequential(
		model.Input(6, 6, 1),
		model.Conv2D(2, 3, "relu").Padding("same"),
		model.MaxPool(2),
		model.BatchNorm(),
		model.AvgPool(1),
		model.Reshape(18),
		model.Dropout(0.5),
		model.Dense(4, "tanh"),
		model.Activation("sigmoid"),
		model.Flatten(),
		model.Dense(3, "softmax"),
	).Compile(nn.AdamOptimizer(1e-3))
}

// compatInput is a fixed batch of two 6x6 images.
func compatInput() *nn.Tensor {
	x := nn.Zeros(2, 36)
	for i := range x.Data() {
		x.Data()[i] = float32(math.Sin(float64(i) * 0.7))
	}
	return x
}

// TestLoadFirstFormat loads a checkpoint written before layers became one
// unit each (testdata/compat-v1.safetensors, made with -update by the code
// of that time) and checks that its description, summary and predictions
// are unchanged.
func TestLoadFirstFormat(t *testing.T) {
	file := filepath.Join("testdata", "compat-v1.safetensors")
	golden := filepath.Join("testdata", "compat-v1.golden")
	if *update {
		nn.Seed(11)
		m := compatModel()
		m.Build()
		if err := m.Save(file); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(compatReport(m)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := model.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := compatReport(m); got != string(want) {
		t.Errorf("loaded model:\n%s\nwant:\n%s", got, want)
	}
}

// compatReport prints a model's layers, summary and predictions for
// compatInput, rounded to survive float noise.
func compatReport(m *model.Model) string {
	var b strings.Builder
	for _, l := range m.Layers() {
		fmt.Fprintln(&b, l)
	}
	b.WriteString(m.Summary())
	p := m.Predict(compatInput())
	for _, v := range p.Data() {
		fmt.Fprintf(&b, "%.5f\n", v)
	}
	return b.String()
}
