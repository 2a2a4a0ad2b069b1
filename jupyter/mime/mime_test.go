package mime

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"math"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
)

func decodePNG(t *testing.T, s any) (w, h int) {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s.(string))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img.Bounds().Dx(), img.Bounds().Dy()
}

func TestFor(t *testing.T) {
	ink := make([]float32, 784)
	for i := range ink {
		ink[i] = float32(i%28) / 27
	}
	m := model.Sequential(model.Input(784), model.Dense(16, "relu"), model.Dense(10, "softmax"))
	hist := &model.History{Epochs: []model.EpochStats{{Epoch: 1, Loss: 0.5, Acc: 0.8, ValLoss: math.NaN(), ValAcc: math.NaN()}, {Epoch: 2, Loss: 0.3, Acc: 0.9, ValLoss: math.NaN(), ValAcc: math.NaN()}}}
	tests := []struct {
		name  string
		v     any
		types []string // besides text/plain
		html  []string // in text/html
	}{
		{"digit [784]", nn.NewTensor(ink, 784), []string{"image/png"}, nil},
		{"digit [1,28,28]", nn.NewTensor(ink, 1, 28, 28), []string{"image/png"}, nil},
		{"not a digit: [2,392]", nn.NewTensor(ink, 2, 392), nil, nil},
		{"not a digit: 10 values", nn.NewTensor(make([]float32, 10), 10), nil, nil},
		{"model summary", m, []string{"text/html"}, []string{"<table", "<th>Layer (type)</th>", "(Dense)</td>", "Total params"}},
		{"history", hist, []string{"text/html", "image/png"}, []string{"<td>0.3000</td>", "<td>0.9000</td>", `<img src="data:image/png;base64,`}},
		{"confusion", &model.Confusion{Counts: [][]int{{3, 1}, {0, 4}}}, []string{"text/html"}, []string{"<th>true \\ predicted</th>", "accuracy 0.8750"}},
		{"digit grid", &model.DigitGrid{Images: [][]float32{ink}, True: []int{3}, Predicted: []int{5}, Confidence: []float64{0.9}}, []string{"text/html"}, []string{"data:image/png;base64,", "<code>"}},
		{"a number", 42, nil, nil},
		{"nil tensor", (*nn.Tensor)(nil), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := For(tt.v, "text\n")
			if b["text/plain"] != "text" {
				t.Errorf("text/plain %q", b["text/plain"])
			}
			if len(b) != 1+len(tt.types) {
				t.Errorf("bundle has %d types, want text/plain and %v", len(b), tt.types)
			}
			for _, typ := range tt.types {
				if b[typ] == nil {
					t.Errorf("no %s", typ)
				}
			}
			if p, ok := b["image/png"]; ok {
				if w, h := decodePNG(t, p); w < 28 || h < 28 {
					t.Errorf("image %dx%d", w, h)
				}
			}
			for _, s := range tt.html {
				if h, _ := b["text/html"].(string); !strings.Contains(h, s) {
					t.Errorf("text/html %q lacks %q", h, s)
				}
			}
		})
	}
}
