package nn

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// trainSteps runs n training steps on batches that depend only on the step
// number, so two runs see the same data.
func trainSteps(s *Session, x, y, keep, train *Node, from, n int) {
	for i := from; i < from+n; i++ {
		bx, by := randomBatch(32 + i%3)
		s.Run(train, Feed{x: bx, y: by, keep: 0.5})
	}
}

func TestCheckpointResumesBitForBit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")

	// Uninterrupted: 6 steps.
	x, y, keep, out, _, train := tutorialNet(true)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	trainSteps(s, x, y, keep, train, 0, 6)
	probe, _ := randomBatch(4)
	want := s.Run(out, Feed{x: probe, keep: 1.0})

	// Interrupted: 3 steps, save, a new graph and session, restore, 3 more.
	x, y, keep, _, _, train = tutorialNet(true)
	s = NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	trainSteps(s, x, y, keep, train, 0, 3)
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	x, y, keep, out, _, train = tutorialNet(true)
	s = NewSession()
	if err := s.Restore(path); err != nil {
		t.Fatal(err)
	}
	if got := s.Steps(train); got != 3 {
		t.Fatalf("restored step count %d, want 3", got)
	}
	trainSteps(s, x, y, keep, train, 3, 3)
	got := s.Run(out, Feed{x: probe, keep: 1.0})
	for i := range want.data {
		if got.data[i] != want.data[i] {
			t.Fatalf("output %d after resuming: %v, uninterrupted %v", i, got.data[i], want.data[i])
		}
	}
}

func TestRestoreMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	ResetDefaultGraph()
	Variable(Constant(1, []int{3, 4})).Named("w1")
	Variable(Constant(1, []int{4})).Named("b1")
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	ResetDefaultGraph()
	w := Variable(Constant(2, []int{3, 5})).Named("w1")
	Variable(Constant(2, []int{7})).Named("w2")
	s = NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	err := s.Restore(path)
	if err == nil {
		t.Fatal("restore into a different graph succeeded")
	}
	for _, want := range []string{`"w1" has shape [3,5] in the graph, [3,4] in the file`, `"w2" [7] is not in the file`, "lacks: b1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if v := s.Value(w).data[0]; v != 2 {
		t.Errorf("failed restore changed w1 to %v", v)
	}
	if err := s.Restore(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("restore of a missing file: %v", err)
	}
	os.WriteFile(path, []byte("not a checkpoint"), 0o644)
	if err := s.Restore(path); err == nil {
		t.Error("restore of a corrupt file succeeded")
	}
}

// BenchmarkRestore loads a checkpoint of the tutorial network with Adam state.
func BenchmarkRestore(b *testing.B) {
	path := filepath.Join(b.TempDir(), "model.safetensors")
	x, y, keep, _, _, train := tutorialNet(true)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	trainSteps(s, x, y, keep, train, 0, 1)
	if err := s.Save(path); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Restore(path); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTrainingStopsOnNaN(t *testing.T) {
	x, y, keep, _, loss, _ := tutorialNet(true)
	train := GradientDescentOptimizer(1e9).Minimize(loss)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	bx, by := randomBatch(16)
	var err error
	step := 0
	for ; step < 50 && err == nil; step++ {
		_, err = s.RunContext(context.Background(), []*Node{train}, Feed{x: bx, y: by, keep: 1.0})
	}
	if err == nil || !strings.Contains(err.Error(), "at step") {
		t.Fatalf("after %d steps: err = %v, want a NaN/Inf loss error naming the step", step, err)
	}
	if got := s.Steps(train); got != step-1 {
		t.Errorf("%d steps counted, %d succeeded", got, step-1)
	}
}

// TestCheckpointReadByPython has an independent reader (json, struct and
// numpy only: bench/safetensors_check.py) read a session checkpoint and
// checks every tensor's values against the session's.
func TestCheckpointReadByPython(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := osexec.Command(py, "-c", "import numpy").Run(); err != nil {
		t.Skipf("needs %s with numpy (apt-get install -y python3-numpy): %v", py, err)
	}
	x, y, keep, _, _, train := tutorialNet(true)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	trainSteps(s, x, y, keep, train, 0, 2)
	path := filepath.Join(t.TempDir(), "ckpt.safetensors")
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	out, err := osexec.Command(py, "../bench/safetensors_check.py", "read", path).Output()
	if err != nil {
		t.Fatalf("python reader: %v", err)
	}
	var summary struct {
		Metadata map[string]string
		Tensors  []struct {
			Name  string
			Shape []int
			First []float64
		}
	}
	if err := json.Unmarshal(out, &summary); err != nil {
		t.Fatal(err)
	}
	if summary.Metadata["format"] != "nnlab-checkpoint-1" || summary.Metadata["nnlab.steps.Adam"] != "2" {
		t.Errorf("metadata as Python reads it: %v", summary.Metadata)
	}
	values := map[string]*Tensor{}
	for _, v := range DefaultGraph().Variables() {
		values[v.Name()] = s.Value(v)
	}
	seen := 0
	for _, ten := range summary.Tensors {
		v, ok := values[ten.Name]
		if !ok {
			continue // optimizer slots
		}
		seen++
		for i, f := range ten.First {
			if float32(f) != v.data[i] {
				t.Errorf("%s[%d]: Python reads %v, the session holds %v", ten.Name, i, f, v.data[i])
			}
		}
	}
	if seen != len(values) {
		t.Errorf("Python saw %d of the %d variables", seen, len(values))
	}
}

// TestSessionClose: a closed session lets go of its values; running or
// restoring it fails with an error that says so, and a new session on the
// same graph works.
func TestSessionClose(t *testing.T) {
	g := NewGraph()
	v := g.Variable(Constant(2, []int{3}))
	s := NewSessionOn(g)
	s.Run(g.GlobalVariablesInitializer(), nil)
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if got := s.String(); got != "Session(closed)" {
		t.Errorf("String() = %q", got)
	}
	err := catch(func() { s.Run(v, nil) })
	if err == nil || !strings.Contains(err.Error(), "Session.Run: the session is closed") {
		t.Errorf("Run after Close: %v", err)
	}
	if _, err := s.RunContext(context.Background(), []*Node{v}, nil); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("RunContext after Close: %v", err)
	}
	if err := s.Restore(path); err == nil || !strings.Contains(err.Error(), "Session.Restore: the session is closed") {
		t.Errorf("Restore after Close: %v", err)
	}
	s2 := NewSessionOn(g)
	if err := s2.Restore(path); err != nil {
		t.Fatal(err)
	}
	if got := s2.Run(v, nil).Data(); len(got) != 3 || got[0] != 2 {
		t.Errorf("a new session after Close: %v", got)
	}
}

// TestFeedForms: a placeholder takes a tensor, a number, and Go slices of
// float32 or float64 (numpy's default type) rows; other values are refused
// with the placeholder named.
func TestFeedForms(t *testing.T) {
	g := NewGraph()
	x := g.Placeholder(None, 2)
	s := NewSessionOn(g)
	for _, tc := range []struct {
		name string
		v    any
		want []float32
	}{
		{"tensor", FromRows([][]float32{{1, 2}}), []float32{1, 2}},
		{"float32 rows", [][]float32{{1, 2}, {3, 4}}, []float32{1, 2, 3, 4}},
		{"float64 rows", [][]float64{{1, 2}, {3, 4.5}}, []float32{1, 2, 3, 4.5}},
		{"one float64 row", []float64{5, 6}, []float32{5, 6}},
	} {
		got := s.Run(x, Feed{x: tc.v}).Data()
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, bad := range []any{"x", [][]float64{{1}, {2, 3}}, [][]int{{1, 2}}} {
		if err := catch(func() { s.Run(x, Feed{x: bad}) }); err == nil {
			t.Errorf("feeding %#v: no error", bad)
		}
	}
}
