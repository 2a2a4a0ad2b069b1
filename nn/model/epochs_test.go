package model_test

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
	"github.com/nnlab/nnlab/nn/plot"
)

// TestSecondFitEpochs checks that after a second Fit the history's table,
// its chart and its PNG all number the epochs over the model's life (3, 4
// after 1, 2).
func TestSecondFitEpochs(t *testing.T) {
	nn.Seed(3)
	m := model.Sequential(model.Input(4), model.Dense(3, "softmax"))
	m.Compile(nn.AdamOptimizer(0.01))
	x := nn.NewTensor([]float32{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0}, 4, 4)
	y := nn.NewTensor([]float32{1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0}, 4, 3)
	m.FitArrays(x, y, model.FitOptions{Epochs: 2, BatchSize: 2, Verbose: -1})
	h := m.FitArrays(x, y, model.FitOptions{Epochs: 2, BatchSize: 2, Verbose: -1})
	if len(h.Epochs) != 2 || h.Epochs[0].Epoch != 3 || h.Epochs[1].Epoch != 4 {
		t.Fatalf("second Fit's epochs: %+v", h.Epochs)
	}
	table := h.String()
	for _, w := range []string{"\n    3  ", "\n    4  "} {
		if !strings.Contains(table, w) {
			t.Errorf("table lacks epoch row %q:\n%s", w, table)
		}
	}
	d := h.Display(80, plot.Caps{})
	if !strings.Contains(d, "3") || !strings.Contains(d, "4 epoch") {
		t.Errorf("chart's x axis is not epochs 3..4:\n%s", d)
	}
	path := filepath.Join(t.TempDir(), "curves with space.png")
	if err := h.SavePlot(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("SavePlot wrote %d files", len(entries))
	}
}
