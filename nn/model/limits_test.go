package model

import (
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn/safetensors"
)

// TestCheckSaved: every number of a saved description is checked before
// anything is built (a row count of 1e12 or an input of [2^40] ended the
// process with out of memory).
func TestCheckSaved(t *testing.T) {
	dense := []LayerConfig{{Type: "dense", Units: 3, Activation: "softmax"}}
	file := &safetensors.File{Tensors: []safetensors.Tensor{safetensors.F32("w", []int{4, 3}, make([]float32, 12)), safetensors.F32("b", []int{3}, make([]float32, 3))}}
	tests := []struct {
		s    saved
		want string // "" if accepted
	}{
		{saved{Input: []int{4}, Layers: dense}, ""},
		{saved{Input: []int{1 << 40}, Layers: dense}, "out of range"},
		{saved{Input: []int{1 << 20, 1 << 20}, Layers: dense}, "more than"},
		{saved{Input: []int{4}, Layers: dense, Done: 5, Rows: 1e12}, "training position out of range"},
		{saved{Input: []int{4}, Layers: dense, Done: 5, Rows: 3}, "training position out of range"},
		{saved{Input: []int{4}, Layers: dense, Epoch: -1}, "training position out of range"},
		{saved{Input: []int{4}, Layers: []LayerConfig{{Type: "dense", Units: 1 << 30}}}, "units"},
		{saved{Input: []int{784}, Layers: []LayerConfig{{Type: "dense", Units: 1000}}}, "more parameters than the file holds"},
		{saved{Input: []int{28, 28, 1}, Layers: []LayerConfig{{Type: "conv2d", Filters: 8, Kernel: 1 << 20}}}, "kernel"},
	}
	for _, tt := range tests {
		err := checkSaved(&tt.s, file)
		if tt.want == "" {
			if err != nil {
				t.Errorf("checkSaved(%+v): %v", tt.s, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("checkSaved(input %v, rows %d): %v, want an error saying %q", tt.s.Input, tt.s.Rows, err, tt.want)
		}
	}
}
