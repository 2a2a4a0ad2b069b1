package main

import (
	"strings"
	"testing"
)

// TestFitCallbacksInREPL checks, as a person types them, Keras-style
// callbacks written in the REPL (an interpreted type implementing
// model.Callback, a LambdaCallback of interpreted closures, EarlyStopping)
// and the data forms of Fit, Evaluate and Predict; a callback's panic and
// bad data are one error each and the session goes on (piped, so the
// status is 1 for them).
func TestFitCallbacksInREPL(t *testing.T) {
	cells := `import "github.com/nnlab/nnlab/nn/model"
x := nn.NewTensor([]float32{1, 0, 0, 1, 1, 0, 0, 1}, 4, 2)
y := nn.NewTensor([]float32{1, 0, 0, 1, 1, 0, 0, 1}, 4, 2)
m := model.Sequential(model.Input(2), model.Dense(2, "softmax"))
m.Compile(nn.AdamOptimizer(0.01));
type rec struct{ events []string }
func (r *rec) OnTrainBegin(s *model.TrainState) { r.events = append(r.events, "begin") }
func (r *rec) OnEpochBegin(s *model.TrainState) {}
func (r *rec) OnBatchBegin(s *model.TrainState) {}
func (r *rec) OnBatchEnd(s *model.TrainState)   { r.events = append(r.events, "batch") }
func (r *rec) OnEpochEnd(s *model.TrainState)   { r.events = append(r.events, "epoch") }
func (r *rec) OnTrainEnd(s *model.TrainState)   { r.events = append(r.events, "end") }
r := &rec{}
stopper := &model.LambdaCallback{EpochEnd: func(s *model.TrainState) { s.Printf("  seen epoch %d", s.Stats.Epoch); if s.Stats.Epoch == 2 { s.Stop("two will do") } }}
h := m.Fit(x, y, model.FitOptions{Epochs: 5, BatchSize: 2, Verbose: 2, Callbacks: []model.Callback{r, stopper}})
r.events
h.Stopped
boom := &model.LambdaCallback{BatchEnd: func(s *model.TrainState) { var a []int; _ = a[3] }}
m.Fit(x, y, model.FitOptions{Verbose: -1, Callbacks: []model.Callback{boom}})
m.Fit(x, model.FitOptions{})
ds := &mnist.DataSet{Images: x, Labels: y, NumExamples: 4}
frozen := model.Sequential(model.Input(2), model.Dense(2, "softmax")).Compile(nn.GradientDescentOptimizer(0))
h = frozen.Fit(ds, model.FitOptions{Epochs: 4, BatchSize: 4, Verbose: -1, Validation: ds, NoShuffle: true, Callbacks: []model.Callback{&model.EarlyStopping{Monitor: "val_acc", Patience: 1}}})
len(h.Epochs)
l1, a1 := m.Evaluate(ds)
l2, a2 := m.Evaluate(x, y)
l1 == l2 && a1 == a2
m.Predict(ds).Shape()
`
	out, errOut, status := runPiped(t, cells)
	t.Logf("stdout:\n%s\nstderr:\n%s", out, errOut)
	if status != 1 { // the two cells that fail on purpose
		t.Errorf("status %d, want 1", status)
	}
	for _, want := range []string{
		"Epoch 1/5  2/2", "  seen epoch 1", "Epoch 2/5  2/2", "  seen epoch 2",
		"stopped after epoch 2: two will do",
		"[begin batch batch epoch batch batch epoch end]",
		`"stopped after epoch 2: two will do"`,
		"\n2\n", // at learning rate 0, val_acc does not improve: EarlyStopping stops after 2 of 4 epochs
		"true\n",
		"[4 2]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	for _, want := range []string{"index out of range", "model.Fit: labels missing"} {
		if strings.Count(errOut, want) != 1 {
			t.Errorf("stderr has %d times %q, want once", strings.Count(errOut, want), want)
		}
	}
}
