package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
)

// The interop tests check this package against bench/safetensors_check.py,
// an independent reader/writer written with only json, struct and numpy.
// They need /usr/bin/python3 with numpy; on Debian install it with
//
//	apt-get update && apt-get install -y python3-numpy
//
// Without it the tests are skipped.

const pythonPath = "/usr/bin/python3"

var checkScript = filepath.Join("..", "..", "bench", "safetensors_check.py")

// pythonProblem is why the interop tests cannot run ("" if they can),
// probed once.
var pythonProblem = sync.OnceValue(func() string {
	if _, err := os.Stat(pythonPath); err != nil {
		return pythonPath + " not found"
	}
	if out, err := exec.Command(pythonPath, "-c", "import numpy").CombinedOutput(); err != nil {
		return fmt.Sprintf("numpy missing for %s: %v: %s", pythonPath, err, bytes.TrimSpace(out))
	}
	return ""
})

// needPython skips the test unless /usr/bin/python3 with numpy is available.
func needPython(t *testing.T) {
	t.Helper()
	if p := pythonProblem(); p != "" {
		t.Skipf("interop test skipped: %s (install with: apt-get update && apt-get install -y python3-numpy)", p)
	}
	if _, err := os.Stat(checkScript); err != nil {
		t.Fatalf("checker script missing: %v", err)
	}
}

// pySummary mirrors the JSON printed by `safetensors_check.py read`.
type pySummary struct {
	Metadata map[string]string `json:"metadata"`
	Tensors  []struct {
		Name        string    `json:"name"`
		DType       string    `json:"dtype"`
		Shape       []int     `json:"shape"`
		DataOffsets []uint64  `json:"data_offsets"`
		Sum         float64   `json:"sum"`
		First       []float64 `json:"first"`
		Values      []float64 `json:"values"`
	} `json:"tensors"`
}

func TestInteropPythonReadsGo(t *testing.T) {
	needPython(t)
	path := filepath.Join(t.TempDir(), "go.safetensors")
	w1 := make([]float32, 12)
	for i := range w1 {
		w1[i] = float32(i)/7 - 0.5
	}
	w1[3] = float32(math.SmallestNonzeroFloat32)
	w1[4] = -math.MaxFloat32
	big := make([]float32, 100) // more than 64 values: only "first" is printed
	for i := range big {
		big[i] = float32(i) * 0.25
	}
	tensors := []Tensor{
		F32("w1", []int{3, 4}, w1),
		F32("b1", []int{4}, []float32{1, 1, 1, 1}),
		F32("big", []int{10, 10}, big),
		F32("scalar", []int{}, []float32{-2}),
		F32("empty", []int{0, 3}, nil),
		{Name: "ids", DType: "I64", Shape: []int{2}, Data: binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, 7), math.MaxUint64)},
	}
	md := map[string]string{"writer": "nnlab", "note": "ü \"quoted\""}
	if err := WriteFile(path, tensors, md); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pythonPath, checkScript, "read", path).Output()
	if err != nil {
		t.Fatalf("python read failed: %v\n%s", err, stderrOf(err))
	}
	var got pySummary
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("bad python output: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(got.Metadata, md) {
		t.Errorf("python metadata = %q, want %q", got.Metadata, md)
	}
	if len(got.Tensors) != len(tensors) {
		t.Fatalf("python saw %d tensors, want %d", len(got.Tensors), len(tensors))
	}
	for i, want := range tensors {
		g := got.Tensors[i]
		if g.Name != want.Name || g.DType != want.DType || !reflect.DeepEqual(g.Shape, want.Shape) {
			t.Errorf("python tensor %d = %s %s %v, want %s %s %v", i, g.Name, g.DType, g.Shape, want.Name, want.DType, want.Shape)
			continue
		}
		if want.DType != "F32" {
			continue
		}
		vals, _ := want.Float32s()
		var sum float64
		for _, v := range vals {
			sum += float64(v)
		}
		if math.Abs(g.Sum-sum) > 1e-9*math.Max(1, math.Abs(sum)) {
			t.Errorf("%s: python sum %v, Go sum %v", want.Name, g.Sum, sum)
		}
		check := g.Values
		if len(vals) > 64 {
			check = g.First
			if g.Values != nil {
				t.Errorf("%s: python printed all %d values", want.Name, len(g.Values))
			}
		} else if len(check) != len(vals) {
			t.Errorf("%s: python printed %d values, want %d", want.Name, len(check), len(vals))
			continue
		}
		for j, pv := range check {
			// float32 → float64 → repr → float64 → float32 is exact.
			if math.Float32bits(float32(pv)) != math.Float32bits(vals[j]) || float64(vals[j]) != pv {
				t.Errorf("%s[%d]: python %v, Go %v", want.Name, j, pv, vals[j])
			}
		}
	}
	// I64 values survive exactly (python prints them as integers).
	if ids := got.Tensors[5]; ids.First[0] != 7 || ids.First[1] != -1 {
		t.Errorf("ids = %v, want [7 -1]", ids.First)
	}
}

func TestInteropGoReadsPython(t *testing.T) {
	needPython(t)
	path := filepath.Join(t.TempDir(), "py.safetensors")
	if out, err := exec.Command(pythonPath, checkScript, "write", path).CombinedOutput(); err != nil {
		t.Fatalf("python write failed: %v\n%s", err, out)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Metadata, map[string]string{"writer": "python"}) {
		t.Errorf("metadata = %q", f.Metadata)
	}
	w1 := make([]float32, 12)
	for i := range w1 {
		w1[i] = float32(float64(i) / 7) // numpy: arange(12)/7 in float64, then astype(float32)
	}
	tests := []struct {
		name  string
		dtype string
		shape []int
		want  []float32 // nil: not convertible to float32
	}{
		{"w1", "F32", []int{3, 4}, w1},
		{"b1", "F32", []int{4}, []float32{1, 1, 1, 1}},
		{"scale", "F64", []int{2}, []float32{0.5, -0.25}},
		{"steps", "I64", []int{3}, nil},
	}
	if len(f.Tensors) != len(tests) {
		t.Fatalf("got %d tensors, want %d", len(f.Tensors), len(tests))
	}
	for i, tt := range tests {
		got := f.Tensors[i]
		if got.Name != tt.name || got.DType != tt.dtype || !reflect.DeepEqual(got.Shape, tt.shape) {
			t.Errorf("tensor %d = %s %s %v, want %s %s %v", i, got.Name, got.DType, got.Shape, tt.name, tt.dtype, tt.shape)
			continue
		}
		vals, err := got.Float32s()
		if tt.want == nil {
			if err == nil {
				t.Errorf("%s: Float32s of %s succeeded", tt.name, tt.dtype)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		for j := range vals {
			if math.Float32bits(vals[j]) != math.Float32bits(tt.want[j]) {
				t.Errorf("%s[%d] = %v, want %v", tt.name, j, vals[j], tt.want[j])
			}
		}
	}
	steps, _ := f.Lookup("steps")
	for j, want := range []int64{1, 2, -3} {
		if got := int64(binary.LittleEndian.Uint64(steps.Data[8*j:])); got != want {
			t.Errorf("steps[%d] = %d, want %d", j, got, want)
		}
	}
	// Re-encoding python's file with Go and reading it back with python
	// must give the same summary.
	path2 := filepath.Join(t.TempDir(), "again.safetensors")
	if err := WriteFile(path2, f.Tensors, f.Metadata); err != nil {
		t.Fatal(err)
	}
	out1, err1 := exec.Command(pythonPath, checkScript, "read", path).Output()
	out2, err2 := exec.Command(pythonPath, checkScript, "read", path2).Output()
	if err1 != nil || err2 != nil {
		t.Fatalf("python read: %v %v", err1, err2)
	}
	if string(out1) != string(out2) {
		t.Errorf("python summaries differ after Go re-encode:\n%s\n%s", out1, out2)
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
