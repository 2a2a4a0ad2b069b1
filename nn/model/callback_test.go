package model_test

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
	"github.com/nnlab/nnlab/nn/model"
)

// toy returns n examples of 4 features in 3 classes (class i has feature
// i set, plus noise from nn's seeded stream), as tensors and as a data
// set holding the same tensors.
func toy(n int) (x, y *nn.Tensor, ds *mnist.DataSet) {
	r := nn.NewRand("test/toy")
	xs, ys := make([]float32, n*4), make([]float32, n*3)
	for i := range n {
		c := i % 3
		for j := range 4 {
			xs[i*4+j] = 0.3 * float32(r.Float64())
		}
		xs[i*4+c] += 1
		ys[i*3+c] = 1
	}
	x, y = nn.NewTensor(xs, n, 4), nn.NewTensor(ys, n, 3)
	return x, y, &mnist.DataSet{Images: x, Labels: y, NumExamples: n}
}

// softmaxRegression is a convex model, so that full-batch gradient descent
// lowers the loss every epoch.
func softmaxRegression(lr float64) *model.Model {
	return model.Sequential(model.Input(4), model.Dense(3, "softmax")).Compile(nn.GradientDescentOptimizer(lr))
}

// recorder records the callbacks' calls and stops training at a given
// event.
type recorder struct {
	events []string
	stopAt string // an event after which recorder calls Stop
}

func (r *recorder) add(s *model.TrainState, ev string) {
	r.events = append(r.events, ev)
	if ev == r.stopAt {
		s.Stop("enough")
	}
}

func (r *recorder) OnTrainBegin(s *model.TrainState) { r.add(s, "train_begin") }
func (r *recorder) OnEpochBegin(s *model.TrainState) {
	r.add(s, fmt.Sprintf("epoch_begin %d/%d at %d resumed=%v", s.Epoch, s.Epochs, s.Batch, s.Resumed))
}
func (r *recorder) OnBatchBegin(s *model.TrainState) {
	r.add(s, fmt.Sprintf("batch_begin %d.%d step %d", s.Epoch, s.Batch+1, s.Step))
}
func (r *recorder) OnBatchEnd(s *model.TrainState) {
	r.add(s, fmt.Sprintf("batch_end %d.%d/%d images %d", s.Epoch, s.Batch, s.Batches, s.Images))
}
func (r *recorder) OnEpochEnd(s *model.TrainState) {
	r.add(s, fmt.Sprintf("epoch_end %d images %d", s.Stats.Epoch, s.Stats.Images))
}
func (r *recorder) OnTrainEnd(s *model.TrainState) {
	r.add(s, fmt.Sprintf("train_end %q interrupted=%v", s.Stopped, s.Interrupted))
}

// TestCallbackOrderAndStop checks the order in which Fit calls a
// callback, that Stop from OnBatchEnd ends Fit at that batch boundary
// without a pending interrupt, and that the next Fit resumes there.
func TestCallbackOrderAndStop(t *testing.T) {
	nn.Seed(1)
	x, y, _ := toy(12)
	m := softmaxRegression(0.1)
	r := &recorder{stopAt: "batch_end 2.2/3 images 8"}
	h := m.Fit(x, y, model.FitOptions{Epochs: 3, BatchSize: 4, Verbose: -1, Callbacks: []model.Callback{r}})
	want := []string{
		"train_begin",
		"epoch_begin 1/3 at 0 resumed=false",
		"batch_begin 1.1 step 0", "batch_end 1.1/3 images 4",
		"batch_begin 1.2 step 1", "batch_end 1.2/3 images 8",
		"batch_begin 1.3 step 2", "batch_end 1.3/3 images 12",
		"epoch_end 1 images 12",
		"epoch_begin 2/3 at 0 resumed=false",
		"batch_begin 2.1 step 3", "batch_end 2.1/3 images 4",
		"batch_begin 2.2 step 4", "batch_end 2.2/3 images 8",
		`train_end "stopped at epoch 2, batch 2/3: enough" interrupted=false`,
	}
	if !slices.Equal(r.events, want) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(r.events, "\n"), strings.Join(want, "\n"))
	}
	if h.Interrupted || h.Stopped != "stopped at epoch 2, batch 2/3: enough" || len(h.Epochs) != 1 || nn.Interrupted() {
		t.Errorf("history %+v, interrupt pending %v", h, nn.Interrupted())
	}
	if e, b := m.Epoch(); e != 1 || b != 2 {
		t.Errorf("Epoch() = %d, %d; want 1, 2", e, b)
	}
	// The next Fit resumes the epoch at batch 3 and counts it as its first.
	r2 := &recorder{}
	h = m.Fit(x, y, model.FitOptions{Epochs: 1, BatchSize: 4, Verbose: -1, Callbacks: []model.Callback{r2}})
	want = []string{
		"train_begin",
		"epoch_begin 2/2 at 2 resumed=true",
		"batch_begin 2.3 step 5", "batch_end 2.3/3 images 12",
		"epoch_end 2 images 12",
		`train_end "" interrupted=false`,
	}
	if !slices.Equal(r2.events, want) {
		t.Errorf("resumed events:\n%s\nwant:\n%s", strings.Join(r2.events, "\n"), strings.Join(want, "\n"))
	}
	if h.Stopped != "" || len(h.Epochs) != 1 || h.Epochs[0].Epoch != 2 {
		t.Errorf("resumed history %+v", h)
	}
}

// TestCallbackStopBeforeStep checks that Stop in OnBatchBegin keeps the
// step from being taken, and that Stop in OnEpochEnd lets no epoch start.
func TestCallbackStopBeforeStep(t *testing.T) {
	x, y, _ := toy(12)
	tests := []struct {
		name      string
		cb        *model.LambdaCallback
		steps     int
		epochs    int
		stopped   string
		wantBatch int
	}{
		{"batch begin", &model.LambdaCallback{BatchBegin: func(s *model.TrainState) {
			if s.Step == 4 {
				s.Stop("")
			}
		}}, 4, 1, "stopped at epoch 2, batch 1/3: stopped by a callback", 1},
		{"epoch end", &model.LambdaCallback{EpochEnd: func(s *model.TrainState) { s.Stop("one is enough") }},
			3, 1, "stopped after epoch 1: one is enough", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nn.Seed(1)
			m := softmaxRegression(0.1)
			h := m.Fit(x, y, model.FitOptions{Epochs: 3, BatchSize: 4, Verbose: -1, Callbacks: []model.Callback{tt.cb}})
			if got := m.Session().Steps(m.Nodes().Train); got != tt.steps {
				t.Errorf("%d steps taken, want %d", got, tt.steps)
			}
			if len(h.Epochs) != tt.epochs || h.Stopped != tt.stopped || h.Interrupted {
				t.Errorf("history %+v", h)
			}
			if _, b := m.Epoch(); b != tt.wantBatch {
				t.Errorf("stopped at batch %d, want %d", b, tt.wantBatch)
			}
		})
	}
}

// TestEarlyStopping checks that EarlyStopping stops after Patience epochs
// without improvement, and lets an improving run go on.
func TestEarlyStopping(t *testing.T) {
	x, y, ds := toy(30)
	tests := []struct {
		name    string
		lr      float64 // 0: the loss stays the same
		es      *model.EarlyStopping
		val     *mnist.DataSet
		epochs  int
		stopped string
	}{
		{"flat loss", 0, model.NewEarlyStopping("loss", 2), nil, 3,
			"stopped after epoch 3: early stopping: loss has not improved for 2 epochs (best "},
		{"flat val_loss", 0, model.NewEarlyStopping("", 1), ds, 2,
			"stopped after epoch 2: early stopping: val_loss has not improved for 1 epochs (best "},
		{"flat val_acc", 0, &model.EarlyStopping{Monitor: "val_acc", Patience: 3}, ds, 4,
			"stopped after epoch 4: early stopping: val_acc has not improved for 3 epochs (best "},
		{"improving loss", 0.5, model.NewEarlyStopping("loss", 1), nil, 6, ""},
		{"too little improvement", 0.5, &model.EarlyStopping{Monitor: "loss", Patience: 1, MinDelta: 10}, nil, 2,
			"stopped after epoch 2: early stopping: loss has not improved for 1 epochs (best "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nn.Seed(2)
			m := softmaxRegression(tt.lr)
			// One batch per epoch: full-batch descent on a convex loss.
			h := m.Fit(x, y, model.FitOptions{Epochs: 6, BatchSize: 30, Verbose: -1, Validation: tt.val, NoShuffle: true,
				Callbacks: []model.Callback{tt.es}})
			if len(h.Epochs) != tt.epochs || !strings.HasPrefix(h.Stopped, tt.stopped) || (tt.stopped == "") != (h.Stopped == "") {
				t.Errorf("%d epochs, stopped %q; want %d, %q...\n%s", len(h.Epochs), h.Stopped, tt.epochs, tt.stopped, h)
			}
		})
	}
	// The monitored figure must exist.
	m := softmaxRegression(0.1)
	err := catch(func() {
		m.Fit(x, y, model.FitOptions{Verbose: -1, Callbacks: []model.Callback{model.NewEarlyStopping("val_acc", 1)}})
	})
	if err == nil || !strings.Contains(err.Error(), "monitors val_acc, but Fit has no validation data") {
		t.Errorf("EarlyStopping without validation data: %v", err)
	}
	err = catch(func() {
		m.Fit(x, y, model.FitOptions{Verbose: -1, Callbacks: []model.Callback{model.NewEarlyStopping("val_los", 1)}})
	})
	if err == nil || !strings.Contains(err.Error(), `cannot monitor "val_los"`) {
		t.Errorf("EarlyStopping of an unknown figure: %v", err)
	}
}

// catch runs f and returns what it panicked with, as an error.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", r)
			}
		}
	}()
	f()
	return nil
}

// TestScheduleCallback checks that the learning rate can be scheduled by
// a callback: a LearningRateScheduler in Callbacks trains exactly as
// FitOptions.Schedule, and a rate of 0 set from OnBatchBegin leaves the
// weights as they are.
func TestScheduleCallback(t *testing.T) {
	x, y, _ := toy(24)
	sched := model.ExponentialDecay(0.5, 0.5, 3)
	train := func(opt model.FitOptions) (*model.History, []float32) {
		nn.Seed(5)
		m := softmaxRegression(0.1)
		opt.Epochs, opt.BatchSize, opt.Verbose = 2, 8, -1
		h := m.Fit(x, y, opt)
		return h, m.Predict(x).Data()
	}
	h1, p1 := train(model.FitOptions{Schedule: sched})
	h2, p2 := train(model.FitOptions{Callbacks: []model.Callback{model.NewLearningRateScheduler(sched)}})
	_, p0 := train(model.FitOptions{})
	if !slices.Equal(p1, p2) {
		t.Errorf("the scheduler as a callback trains differently from FitOptions.Schedule")
	}
	if slices.Equal(p1, p0) {
		t.Errorf("the schedule made no difference")
	}
	for i, h := range []*model.History{h1, h2} {
		for _, e := range h.Epochs {
			// The rate of the epoch's last step: steps 0-2, then 3-5.
			want := sched(e.Epoch-1, 3*e.Epoch-1)
			if e.LearningRate != want {
				t.Errorf("history %d, epoch %d: learning rate %v, want %v", i+1, e.Epoch, e.LearningRate, want)
			}
		}
	}

	nn.Seed(5)
	m := softmaxRegression(0.1)
	before := m.Predict(x).Data()
	var seen []float64
	frozen := &model.LambdaCallback{BatchBegin: func(s *model.TrainState) {
		seen = append(seen, s.LearningRate)
		s.SetLearningRate(0)
	}}
	h := m.Fit(x, y, model.FitOptions{Epochs: 1, BatchSize: 8, Verbose: -1, Callbacks: []model.Callback{frozen}})
	if after := m.Predict(x).Data(); !slices.Equal(before, after) {
		t.Errorf("weights changed at learning rate 0")
	}
	if h.Epochs[0].LearningRate != 0 || !slices.Equal(seen, []float64{0.1, 0, 0}) {
		t.Errorf("history's rate %v, rates seen at OnBatchBegin %v", h.Epochs[0].LearningRate, seen)
	}
}

// TestDataForms checks that Fit, Evaluate and Predict give the same
// results on a data set as on its images and labels.
func TestDataForms(t *testing.T) {
	x, y, ds := toy(40)
	opt := model.FitOptions{Epochs: 2, BatchSize: 8, Verbose: -1}
	fits := []struct {
		name string
		fit  func(m *model.Model) *model.History
	}{
		{"Fit(data set, opt)", func(m *model.Model) *model.History { return m.Fit(ds, opt) }},
		{"Fit(images, labels, opt)", func(m *model.Model) *model.History { return m.Fit(x, y, opt) }},
		{"Fit(images, labels, &opt)", func(m *model.Model) *model.History { return m.Fit(x, y, &opt) }},
		{"FitArrays(images, labels, opt)", func(m *model.Model) *model.History { return m.FitArrays(x, y, opt) }},
		{"Fit(class ids, opt)", func(m *model.Model) *model.History { return m.Fit(x, model.ClassIDs(y), opt) }},
	}
	var ref []float32
	var refLoss float64
	for _, f := range fits {
		nn.Seed(9)
		m := model.Sequential(model.Input(4), model.Dense(8, "relu"), model.Dense(3, "softmax")).Compile(nn.AdamOptimizer(0.05))
		h := f.fit(m)
		p := m.Predict(x).Data()
		if ref == nil {
			ref, refLoss = p, h.Epochs[1].Loss
		} else if !slices.Equal(p, ref) || h.Epochs[1].Loss != refLoss {
			t.Errorf("%s trains differently from %s", f.name, fits[0].name)
		}
		l1, a1 := m.Evaluate(ds)
		l2, a2 := m.Evaluate(x, y)
		l3, a3 := m.Evaluate(x, model.ClassIDs(y))
		if l1 != l2 || a1 != a2 || l1 != l3 || a1 != a3 || math.IsNaN(l1) {
			t.Errorf("%s: Evaluate(data set) = %v, %v; (images, labels) %v, %v; (images, class ids) %v, %v", f.name, l1, a1, l2, a2, l3, a3)
		}
		if !slices.Equal(m.Predict(ds).Data(), p) || !slices.Equal(m.Predict(x, y).Data(), p) {
			t.Errorf("%s: Predict(data set) or Predict(images, labels) differs from Predict(images)", f.name)
		}
		if !slices.Equal(m.PredictClasses(ds).Data(), m.PredictClasses(x).Data()) {
			t.Errorf("%s: PredictClasses(data set) differs from PredictClasses(images)", f.name)
		}
	}
}

// TestDataFormErrors checks the error for data in no accepted form.
func TestDataFormErrors(t *testing.T) {
	x, y, _ := toy(6)
	m := softmaxRegression(0.1)
	var nilSet *mnist.DataSet
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"Fit without labels", func() { m.Fit(x, model.FitOptions{}) }, "model.Fit: labels missing: want a data set, or images and labels, got (*nn.Tensor)"},
		{"Fit without data", func() { m.Fit(model.FitOptions{}) }, "model.Fit: no data"},
		{"Fit of a nil data set", func() { m.Fit(nilSet) }, "model.Fit: nil data set"},
		{"Evaluate of an int", func() { m.Evaluate(3) }, "model.Evaluate: bad arguments: want a data set, or images and labels, got (int)"},
		{"Evaluate of three tensors", func() { m.Evaluate(x, y, y) }, "got (*nn.Tensor, *nn.Tensor, *nn.Tensor)"},
		{"Predict of a string", func() { m.Predict("x") }, "model.Predict: bad arguments: want a data set, or images (and labels), got (string)"},
		{"nil callback", func() { m.Fit(x, y, model.FitOptions{Callbacks: []model.Callback{nil}}) }, "model.Fit: callback 0 is nil"},
		{"negative batch size", func() { m.Fit(x, y, model.FitOptions{BatchSize: -5}) }, "model.Fit: Epochs 0, BatchSize -5: want positive numbers"},
		{"negative epochs", func() { m.Fit(x, y, model.FitOptions{Epochs: -1}) }, "model.Fit: Epochs -1, BatchSize 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := catch(tt.f)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	// The model goes on working after the errors, and a batch size past
	// the data's (a typo of 1<<40) is the whole data, not a huge buffer.
	if h := m.Fit(x, y, model.FitOptions{Verbose: -1}); len(h.Epochs) != 1 {
		t.Errorf("Fit after the errors: %+v", h)
	}
	if h := m.Fit(x, y, model.FitOptions{Verbose: -1, BatchSize: 1 << 40}); len(h.Epochs) != 1 {
		t.Errorf("Fit with a batch of 1<<40: %+v", h)
	}
}

// TestReplaceProgress checks that the default progress can be turned off
// and replaced by a Progress of one's own, which prints the same lines,
// and that TrainState.Print goes through it.
func TestReplaceProgress(t *testing.T) {
	x, y, _ := toy(24)
	note := &model.LambdaCallback{EpochEnd: func(s *model.TrainState) { s.Printf("  note %d", s.Stats.Epoch) }}
	run := func(opt model.FitOptions) string {
		nn.Seed(3)
		var out bytes.Buffer
		opt.Output, opt.Epochs, opt.BatchSize = &out, 2, 8
		opt.Callbacks = append(opt.Callbacks, note)
		softmaxRegression(0.1).Fit(x, y, opt)
		return out.String()
	}
	def := run(model.FitOptions{Verbose: 2})
	var own bytes.Buffer
	mine := run(model.FitOptions{Verbose: -1, Callbacks: []model.Callback{&model.Progress{W: &own}}})
	quiet := run(model.FitOptions{Verbose: -1})
	if mine != "" || quiet != "" {
		t.Errorf("Verbose -1 printed %q, %q", mine, quiet)
	}
	// The timings differ between runs: compare the lines' beginnings and ends.
	shape := func(s string) []string {
		var out []string
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			if i := strings.Index(l, "img/s"); i >= 0 {
				l = l[:strings.Index(l, "  3/3")+5] + " ... " + l[i:]
			}
			out = append(out, l)
		}
		return out
	}
	want := []string{"Epoch 1/2  3/3 ... img/s  loss", "  note 1", "Epoch 2/2  3/3 ... img/s  loss", "  note 2"}
	for _, got := range [][]string{shape(def), shape(own.String())} {
		if len(got) != len(want) {
			t.Fatalf("output %q", got)
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("line %d: %q, want it to start %q", i, got[i], want[i])
			}
		}
	}
	if a, b := shape(def), shape(own.String()); a[0][len("Epoch 1/2  3/3 ... img/s"):] != b[0][len("Epoch 1/2  3/3 ... img/s"):] {
		t.Errorf("the own progress prints %q, the default %q", b[0], a[0])
	}
}

// TestFitStepAllocations checks that callbacks add no allocation to a
// training step: with them, Fit's allocations grow with the number of
// batches exactly as without them.
func TestFitStepAllocations(t *testing.T) {
	x, y, _ := toy(256)
	nn.Seed(4)
	m := softmaxRegression(0.01)
	cbs := []model.Callback{&model.LambdaCallback{}, model.NewLearningRateScheduler(model.ExponentialDecay(0.01, 0.9, 10)),
		model.NewEarlyStopping("loss", 100)}
	perStep := func(cbs []model.Callback) float64 {
		allocs := func(bs int) float64 {
			opt := model.FitOptions{BatchSize: bs, Verbose: -1, Callbacks: cbs}
			return testing.AllocsPerRun(5, func() { m.Fit(x, y, opt) })
		}
		return (allocs(4) - allocs(64)) / 60 // 64 batches against 4
	}
	without, with := perStep(nil), perStep(cbs)
	t.Logf("allocations per training step in Fit: %.2f without callbacks, %.2f with them", without, with)
	if with-without > 0.05 {
		t.Errorf("callbacks add %.2f allocations per training step", with-without)
	}
}

// TestTrainStateEvaluateAndSave checks that a callback can evaluate and
// save the model while Fit runs (the model's own methods would wait for
// Fit): on the validation data it sees the epoch's figures, and the file
// it saves loads as the model of that epoch.
func TestTrainStateEvaluateAndSave(t *testing.T) {
	x, y, ds := toy(30)
	nn.Seed(6)
	m := softmaxRegression(0.5)
	path := filepath.Join(t.TempDir(), "epoch1.safetensors")
	var vals [][2]float64
	var loss1, acc1 float64
	cb := &model.LambdaCallback{EpochEnd: func(s *model.TrainState) {
		l, a := s.Evaluate()
		vals = append(vals, [2]float64{l - s.Stats.ValLoss, a - s.Stats.ValAcc})
		if s.Stats.Epoch == 1 {
			loss1, acc1 = s.Evaluate(x, y)
			if err := s.Save(path); err != nil {
				t.Error(err)
			}
		}
	}}
	m.Fit(ds, model.FitOptions{Epochs: 2, BatchSize: 10, Verbose: -1, Validation: ds, Callbacks: []model.Callback{cb}})
	if !slices.Equal(vals, [][2]float64{{0, 0}, {0, 0}}) {
		t.Errorf("TrainState.Evaluate differs from the epoch's validation figures by %v", vals)
	}
	l, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if gl, ga := l.Evaluate(x, y); gl != loss1 || ga != acc1 {
		t.Errorf("the model saved at epoch 1 evaluates to %v, %v; at the time %v, %v", gl, ga, loss1, acc1)
	}
	if gl, _ := m.Evaluate(x, y); gl == loss1 {
		t.Errorf("epoch 2 did not change the model")
	}
	if e, _ := l.Epoch(); e != 1 {
		t.Errorf("the saved model is at epoch %d", e)
	}
}
