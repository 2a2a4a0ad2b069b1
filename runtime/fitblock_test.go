package runtime

import (
	"strings"
	"testing"
	"time"
)

// A Fit whose callback blocks for good in a compiled call: Ctrl-C gives
// the prompt back (the cell is left behind, not waited for), a later use of
// the model it holds can be stopped too, and once the callback returns the
// old Fit trains no further step.
func TestFitCallbackBlocked(t *testing.T) {
	s, _, errb := newSession(t)
	runSteps(t, s, []step{
		{cell: `import ("sync"; "github.com/nnlab/nnlab/nn/model")`},
		{cell: `var wg sync.WaitGroup; wg.Add(1); x := 1`},
		{cell: `m := model.Sequential(model.Input(4), model.Dense(3, "softmax")).Compile(nn.AdamOptimizer(0.1))`},
		{cell: `d := make([]float32, 32); for i := range d { d[i] = float32(i%7) - 3 }`},
		{cell: `xs := nn.NewTensor(d, 8, 4); ys := nn.Zeros(8, 3)`},
		{cell: `cb := &model.LambdaCallback{BatchEnd: func(s *model.TrainState) { wg.Wait() }}`},
	})
	took := evalCancelled(t, s, `m.Fit(xs, ys, model.FitOptions{Epochs: 50, BatchSize: 4, Verbose: -1, Callbacks: []model.Callback{cb}}); x = 2`)
	t.Logf("Fit: Eval returned %v after the cancel", took)
	if took > 5*time.Second || !strings.Contains(errb.String(), "left behind") {
		t.Fatalf("Eval returned after %v; stderr %q: want the cell left behind at once", took, errb.String())
	}
	runSteps(t, s, []step{{cell: `x`, out: "1"}, {cell: `1 + 1`, out: "2"}})
	// The model is still held by the blocked Fit: using it blocks, and
	// Ctrl-C stops that too.
	took = evalCancelled(t, s, `p := m.Predict(xs)`)
	t.Logf("Predict on the held model: Eval returned %v after the cancel", took)
	if n := strings.Count(errb.String(), "left behind"); n != 2 {
		t.Errorf("stderr says %d times that a cell was left behind, want 2: %q", n, errb.String())
	}
	// Wake the callback: the old Fit stops at its next check.
	runSteps(t, s, []step{{cell: `wg.Done()`}})
	time.Sleep(300 * time.Millisecond)
	runSteps(t, s, []step{
		{cell: `p1 := m.Predict(xs).Data()[0]`},
		{cell: `import "time"`},
		{cell: `time.Sleep(300 * time.Millisecond)`},
		{cell: `m.Predict(xs).Data()[0] == p1, x`, out: "(true, 1)"},
	})
}
