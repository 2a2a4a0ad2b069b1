package model_test

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
)

// output runs a built model's output node (not Predict's probabilities)
// in inference mode.
func output(t *testing.T, m *model.Model, x *nn.Tensor) []float32 {
	t.Helper()
	n := m.Nodes()
	return m.Session().Run(n.Output, nn.Feed{n.Input: x, n.Training: 0.0}).Data()
}

// leakyInput has both signs and no zeros.
func leakyInput() *nn.Tensor {
	x := nn.Zeros(3, 5)
	for i := range x.Data() {
		x.Data()[i] = float32(i%7) - 3.5
	}
	return x
}

func TestLeakyReLULayer(t *testing.T) {
	m := model.Sequential(model.Input(5), model.LeakyReLU(0.3)).Build()
	x := leakyInput()
	got := output(t, m, x)
	for i, v := range x.Data() {
		want := v
		if v <= 0 {
			want = 0.3 * v
		}
		if math.Abs(float64(got[i]-want)) > 1e-6 {
			t.Errorf("LeakyReLU(0.3) of %v = %v, want %v", v, got[i], want)
		}
	}
	if s := m.Layers()[1].String(); s != "LeakyReLU(alpha 0.3) leaky_re_lu_1" {
		t.Errorf("String = %q", s)
	}
	if s := m.Summary(); !strings.Contains(s, "leaky_re_lu_1 (LeakyReLU)    (None, 5)") {
		t.Errorf("Summary lacks the LeakyReLU row:\n%s", s)
	}
}

// TestLeakyReLUActivation checks that the layer, its name and an
// ActivationFunc as Dense's activation all equal Dense followed by the
// LeakyReLU layer, and that each keeps its slope through Save and Load.
func TestLeakyReLUActivation(t *testing.T) {
	x := leakyInput()
	build := func(layers ...*model.Layer) *model.Model {
		nn.Seed(4)
		return model.Sequential(append([]*model.Layer{model.Input(5)}, layers...)...).Compile(nn.AdamOptimizer(1e-3)).Build()
	}
	ref := output(t, build(model.Dense(4, ""), model.LeakyReLU(0.2)), x)
	cases := []struct {
		name   string
		layer  *model.Layer
		String string
	}{
		{"layer", model.Dense(4, model.LeakyReLU(0.2)), "Dense(4, leaky_relu(0.2)) dense_1"},
		{"name", model.Dense(4, "leaky_relu"), "Dense(4, leaky_relu(0.2)) dense_1"},
		{"activation layer", model.Dense(4, ""), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			layers := []*model.Layer{c.layer}
			if c.String == "" {
				layers = append(layers, model.Activation(model.LeakyReLU(0.2)))
			}
			m := build(layers...)
			if got := m.Layers()[1].String(); c.String != "" && got != c.String {
				t.Errorf("String = %q, want %q", got, c.String)
			}
			path := filepath.Join(t.TempDir(), "leaky.safetensors")
			if err := m.Save(path); err != nil {
				t.Fatal(err)
			}
			loaded, err := model.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			for which, mm := range map[string]*model.Model{"built": m, "loaded": loaded} {
				got := output(t, mm, x)
				for i := range ref {
					if math.Abs(float64(got[i]-ref[i])) > 1e-6 {
						t.Fatalf("%s model: output[%d] = %v, Dense then LeakyReLU(0.2) gives %v", which, i, got[i], ref[i])
					}
				}
			}
		})
	}
}

func TestLeakyReLUBadValues(t *testing.T) {
	cases := []struct {
		name string
		make func() *model.Model
		want string
	}{
		{"NaN slope", func() *model.Model { return model.New().Add(model.LeakyReLU(math.NaN())) }, "alpha NaN is not a finite number"},
		{"infinite slope as activation", func() *model.Model { return model.New().Add(model.Dense(3, model.LeakyReLU(math.Inf(1)))) }, "LeakyReLU slope +Inf"},
		{"unknown name", func() *model.Model { return model.New().Add(model.Dense(3, "leaky")) }, `unknown activation "leaky"`},
		{"a number", func() *model.Model { return model.New().Add(model.Dense(3, 7)) }, "activation 7 (int)"},
		{"a layer that is no activation", func() *model.Model { return model.New().Add(model.Dense(3, model.Flatten())) }, "is not an activation"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				e, ok := recover().(*nn.Error)
				if !ok || !strings.Contains(e.Msg, c.want) {
					t.Errorf("panic %v, want an *nn.Error containing %q", e, c.want)
				}
			}()
			c.make()
		})
	}
}

// TestRestoreRefusesOtherSlope checks that Restore compares the slope: a
// file of the same layers with another alpha holds a different model.
func TestRestoreRefusesOtherSlope(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slope.safetensors")
	if err := model.Sequential(model.Input(3), model.Dense(2, model.LeakyReLU(0.1))).Save(path); err != nil {
		t.Fatal(err)
	}
	other := model.Sequential(model.Input(3), model.Dense(2, model.LeakyReLU(0.3)))
	if err := other.Restore(path); err == nil || !strings.Contains(err.Error(), "different model") {
		t.Errorf("Restore with another slope: %v, want a different-model error", err)
	}
}
