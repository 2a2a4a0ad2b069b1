package model_test

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
)

func TestGlobalAveragePooling2D(t *testing.T) {
	m := model.Sequential(model.Input(2, 3, 2), model.GlobalAveragePooling2D()).Build()
	x := nn.Zeros(2, 2, 3, 2) // two 2x3 images of 2 channels
	for i := range x.Data() {
		x.Data()[i] = float32(i * i % 11)
	}
	got := output(t, m, x)
	for n := 0; n < 2; n++ {
		for ch := 0; ch < 2; ch++ {
			var sum float32
			for p := 0; p < 6; p++ {
				sum += x.Data()[n*12+p*2+ch]
			}
			if want := sum / 6; math.Abs(float64(got[n*2+ch]-want)) > 1e-5 {
				t.Errorf("image %d channel %d: mean %v, want %v", n, ch, got[n*2+ch], want)
			}
		}
	}
	if s := m.Summary(); !strings.Contains(s, "global_average_pooling2d_1 (GlobalAveragePooling2D)    (None, 2)") {
		t.Errorf("Summary lacks the pooling row:\n%s", s)
	}
}

// TestGlobalAveragePooling2DModel checks a small convolutional network
// with the pooling before its last layer: its parameter count and a
// Save/Load round trip.
func TestGlobalAveragePooling2DModel(t *testing.T) {
	nn.Seed(8)
	m := model.Sequential(
		model.Input(6, 6, 1),
		model.Conv2D(4, 3, "relu"),
		model.GlobalAveragePooling2D(),
		model.Dense(2, "softmax"),
	).Compile(nn.AdamOptimizer(1e-2))
	if tr, fixed := m.CountParams(); tr != 3*3*4+4+4*2+2 || fixed != 0 {
		t.Errorf("CountParams = %d, %d; want %d, 0", tr, fixed, 3*3*4+4+4*2+2)
	}
	x := nn.Zeros(4, 36)
	for i := range x.Data() {
		x.Data()[i] = float32(math.Cos(float64(i)))
	}
	path := filepath.Join(t.TempDir(), "gap.safetensors")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	a, b := m.Predict(x).Data(), loaded.Predict(x).Data()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("prediction %d: %v before saving, %v after loading", i, a[i], b[i])
		}
	}
	if got := loaded.Layers()[2].String(); got != "GlobalAveragePooling2D() global_average_pooling2d_1" {
		t.Errorf("loaded layer = %q", got)
	}
}

func TestGlobalAveragePooling2DNeedsImages(t *testing.T) {
	m := model.Sequential(model.Input(8), model.GlobalAveragePooling2D(), model.Dense(2, ""))
	if s := m.Summary(); !strings.Contains(s, "GlobalAveragePooling2D global_average_pooling2d_1: input (None, 8): needs images") {
		t.Errorf("Summary = %q", s)
	}
}
