package model_test

import (
	"bytes"
	"flag"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
	"github.com/nnlab/nnlab/nn/model"
	"github.com/nnlab/nnlab/nn/plot"
)

var update = flag.Bool("update", false, "rewrite testdata/summary.golden")

var (
	dataOnce sync.Once
	dataSets *mnist.DataSets
	dataErr  error
)

// data reads MNIST once for all tests (one-hot labels).
func data(t testing.TB) *mnist.DataSets {
	t.Helper()
	dataOnce.Do(func() { dataSets, dataErr = mnist.ReadDataSets("", true) })
	if dataErr != nil {
		t.Skipf("MNIST not available: %v", dataErr)
	}
	return dataSets
}

// subset returns the first n images and labels of d.
func subset(d *mnist.DataSet, n int) (*nn.Tensor, *nn.Tensor) {
	return d.Images.Slice(0, n), d.Labels.Slice(0, n)
}

func TestSummaryGolden(t *testing.T) {
	m := model.Sequential(
		model.Input(28, 28, 1),
		model.Conv2D(32, 3, "relu"),
		model.Conv2D(64, 3, "relu"),
		model.MaxPool(2),
		model.Dropout(0.25),
		model.Flatten(),
		model.Dense(128, "relu"),
		model.BatchNorm(),
		model.Dropout(0.5),
		model.Dense(10, "softmax"),
	)
	golden := filepath.Join("testdata", "summary.golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, []byte(m.Summary()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	want := string(b)
	if got := m.Summary(); got != want {
		t.Errorf("Summary:\n%s\nwant:\n%s", got, want)
	}
	// The graph agrees with the static counts.
	m.Build()
	total := 0
	for _, v := range m.Graph().Variables() {
		total += numElements(v.Shape())
	}
	if total != 1200394 {
		t.Errorf("graph has %d parameters, Summary says 1,200,394", total)
	}
	names := m.Session().Variables()
	for _, want := range []string{"conv2d_1/kernel [3,3,1,32]", "dense_2/bias [10]", "batch_normalization_1/moving_variance [128]"} {
		if !strings.Contains(names, want) {
			t.Errorf("variables lack %q:\n%s", want, names)
		}
	}
}

func numElements(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

func TestSummaryWithoutInputShape(t *testing.T) {
	m := model.New().Add(model.Dense(10, "softmax"))
	if s := m.Summary(); !strings.Contains(s, "no input shape") {
		t.Errorf("Summary = %q", s)
	}
}

// mlp is a small dense model for the tests that train.
func mlp() *model.Model {
	return model.Sequential(
		model.Dense(64, "relu").InputShape(784),
		model.Dropout(0.2),
		model.Dense(10, "softmax"),
	).Compile(nn.AdamOptimizer(2e-3))
}

func TestFitSmallSubset(t *testing.T) {
	d := data(t)
	nn.Seed(7)
	m := mlp()
	x, y := subset(d.Train, 3000)
	var out bytes.Buffer
	h := m.FitArrays(x, y, model.FitOptions{Epochs: 3, BatchSize: 64, Validation: d.Validation, Output: &out})
	if len(h.Epochs) != 3 || h.Interrupted {
		t.Fatalf("history %+v", h)
	}
	for i, e := range h.Epochs {
		if e.Epoch != i+1 || e.Images != 3000 || math.IsNaN(e.ValAcc) || e.LearningRate != 2e-3 {
			t.Errorf("epoch %d: %+v", i, e)
		}
	}
	if l := h.Loss(); !(l[2] < l[0]) {
		t.Errorf("training loss did not fall: %v", l)
	}
	if a := h.ValAcc()[2]; a < 0.85 {
		t.Errorf("validation accuracy %.4f after 3 epochs on 3000 images, want >= 0.85", a)
	}
	// Not a terminal: one plain line per epoch, no escape codes.
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || strings.ContainsAny(out.String(), "\r\x1b") {
		t.Errorf("output:\n%q", out.String())
	}
	if !strings.HasPrefix(lines[0], "Epoch 1/3  47/47  ") || !strings.Contains(lines[0], "val_acc 0.") {
		t.Errorf("first line %q", lines[0])
	}
	if s := h.String(); !strings.Contains(s, "val_acc") || strings.Count(s, "\n") != 4 {
		t.Errorf("History.String:\n%s", s)
	}
	loss, acc := m.Evaluate(d.Test.Images, d.Test.Labels)
	if acc < 0.85 || loss > 0.6 {
		t.Errorf("test loss %.4f accuracy %.4f", loss, acc)
	}
	if got := m.History(); len(got.Epochs) != 3 {
		t.Errorf("model history has %d epochs", len(got.Epochs))
	}
	// Another Fit continues the epoch count.
	h2 := m.FitArrays(x, y, model.FitOptions{Epochs: 1, BatchSize: 64, Verbose: -1, Schedule: model.ExponentialDecay(1e-3, 0.5, 47)})
	if h2.Epochs[0].Epoch != 4 || math.Abs(h2.Epochs[0].LearningRate-1e-3*math.Pow(0.5, float64(3*47+46)/47)) > 1e-12 {
		t.Errorf("second fit: %+v", h2.Epochs[0])
	}
}

func TestEvaluatePredictShapes(t *testing.T) {
	d := data(t)
	nn.Seed(1)
	m := mlp()
	m.PredictBatch = 300 // several chunks and a short last one
	x := d.Test.Images.Slice(0, 1000)
	p := m.Predict(x)
	if s := p.Shape(); len(s) != 2 || s[0] != 1000 || s[1] != 10 {
		t.Fatalf("Predict shape %v", s)
	}
	for i := 0; i < 1000; i += 97 {
		sum := 0.0
		for j := 0; j < 10; j++ {
			sum += p.At(i, j)
		}
		if math.Abs(sum-1) > 1e-4 {
			t.Errorf("row %d sums to %v", i, sum)
		}
	}
	c := m.PredictClasses(x)
	if s := c.Shape(); len(s) != 1 || s[0] != 1000 {
		t.Fatalf("PredictClasses shape %v", s)
	}
	one := m.Predict(d.Test.Images.Row(5))
	if s := one.Shape(); s[0] != 1 || s[1] != 10 {
		t.Errorf("one example: shape %v", s)
	}
	for j := 0; j < 10; j++ {
		if math.Abs(one.At(0, j)-p.At(5, j)) > 1e-5 {
			t.Errorf("one example differs from the batch at class %d", j)
		}
	}
	// Labels as class ids or one-hot give the same evaluation.
	ids := model.ConfusionMatrix(d.Test.Labels.Slice(0, 1000), d.Test.Labels.Slice(0, 1000))
	if ids.Accuracy() != 1 {
		t.Errorf("labels against themselves: accuracy %v", ids.Accuracy())
	}
	l1, a1 := m.Evaluate(x, d.Test.Labels.Slice(0, 1000))
	l2, a2 := m.Evaluate(x, model.ClassIDs(d.Test.Labels.Slice(0, 1000)))
	if math.Abs(l1-l2) > 1e-6 || a1 != a2 {
		t.Errorf("one-hot %v %v, ids %v %v", l1, a1, l2, a2)
	}
}

func TestConfusionMatrix(t *testing.T) {
	pred := nn.NewTensor([]float32{0, 1, 1, 2, 2, 2}, 6)
	labels := nn.NewTensor([]float32{0, 1, 2, 2, 2, 0}, 6)
	c := model.ConfusionMatrix(pred, labels)
	want := [][]int{{1, 0, 1}, {0, 1, 0}, {0, 1, 2}}
	for i := range want {
		for j := range want[i] {
			if c.Counts[i][j] != want[i][j] {
				t.Fatalf("Counts = %v, want %v", c.Counts, want)
			}
		}
	}
	if c.Accuracy() != 4.0/6 || c.Recall(2) != 2.0/3 || c.Precision(2) != 2.0/3 {
		t.Errorf("accuracy %v recall %v precision %v", c.Accuracy(), c.Recall(2), c.Precision(2))
	}
	wantStr := `  predicted   0   1   2   recall
true     0:   1   .   1   0.5000
         1:   .   1   .   1.0000
         2:   .   1   2   0.6667
accuracy 0.6667 (4 of 6)
`
	if s := c.String(); s != wantStr {
		t.Errorf("String:\n%s\nwant:\n%s", s, wantStr)
	}
	probs := nn.NewTensor([]float32{
		0.9, 0.1, // right, confident
		0.2, 0.8, // wrong, confident
		0.6, 0.4, // wrong, unsure
	}, 3, 2)
	w := model.WorstPredictions(probs, nn.NewTensor([]float32{0, 0, 1}, 3), 2)
	if len(w) != 2 || w[0].Index != 1 || w[0].Predicted != 1 || w[1].Index != 2 || math.Abs(w[0].Confidence-0.8) > 1e-6 {
		t.Errorf("WorstPredictions = %+v", w)
	}
	if !strings.Contains(w.String(), "    1     0          1      0.8000") {
		t.Errorf("Predictions.String:\n%s", w)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	d := data(t)
	nn.Seed(2)
	m := model.Sequential(
		model.Input(28, 28, 1),
		model.Conv2D(4, 3, "relu").Padding("same"),
		model.MaxPool(2),
		model.BatchNorm(),
		model.Flatten(),
		model.Dense(10, "softmax"),
	).Compile(nn.AdamOptimizer(1e-3))
	x, y := subset(d.Train, 256)
	m.FitArrays(x, y, model.FitOptions{Epochs: 1, BatchSize: 64, Verbose: -1})
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	probe := d.Test.Images.Slice(0, 20)
	want := m.Predict(probe).Data()

	// Another model in the same process: Load rebuilds it from the file.
	l, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if l.Summary() != m.Summary() {
		t.Errorf("loaded summary:\n%s\nwant:\n%s", l.Summary(), m.Summary())
	}
	got := l.Predict(probe).Data()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("prediction %d: loaded %v, saved %v", i, got[i], want[i])
		}
	}
	if e, _ := l.Epoch(); e != 1 {
		t.Errorf("loaded model has %d epochs", e)
	}
	if a, ok := l.Optimizer().(*nn.Adam); !ok || a.LearningRate != 1e-3 {
		t.Errorf("optimizer %v", l.Optimizer())
	}
	// Training both the same way gives the same weights: the optimizer
	// state came along.
	nn.Seed(5)
	m.FitArrays(x, y, model.FitOptions{Epochs: 1, BatchSize: 64, Verbose: -1, NoShuffle: true})
	nn.Seed(5)
	l.FitArrays(x, y, model.FitOptions{Epochs: 1, BatchSize: 64, Verbose: -1, NoShuffle: true})
	a, b := m.Predict(probe).Data(), l.Predict(probe).Data()
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-6 {
			t.Fatalf("after more training: %v vs %v at %d", a[i], b[i], i)
		}
	}

	// A different architecture is refused by Restore.
	other := model.Sequential(model.Input(784), model.Dense(10, "softmax"))
	if err := other.Restore(path); err == nil || !strings.Contains(err.Error(), "different model") {
		t.Errorf("Restore into another model: %v", err)
	}
	// A file without a model description is refused by Load.
	plain := filepath.Join(t.TempDir(), "plain.safetensors")
	if err := m.Session().Save(plain); err != nil {
		t.Fatal(err)
	}
	if _, err := model.Load(plain); err == nil || !strings.Contains(err.Error(), "no model description") {
		t.Errorf("Load of a plain checkpoint: %v", err)
	}
}

func TestInterruptAndResume(t *testing.T) {
	d := data(t)
	x, y := subset(d.Train, 2560)
	opts := func(out *bytes.Buffer) model.FitOptions {
		return model.FitOptions{Epochs: 2, BatchSize: 64, Output: out, NoShuffle: false}
	}
	// Without dropout, so that the step cut short by the interrupt draws
	// no random numbers that the reference does not.
	dense := func() *model.Model {
		return model.Sequential(model.Dense(32, "relu").InputShape(784), model.Dense(10, "softmax")).Compile(nn.AdamOptimizer(2e-3))
	}
	// The reference: two epochs without interruption.
	nn.Seed(11)
	ref := dense()
	ref.FitArrays(x, y, model.FitOptions{Epochs: 2, BatchSize: 64, Verbose: -1})
	probe := d.Test.Images.Slice(0, 10)
	want := ref.Predict(probe).Data()

	nn.Seed(11)
	m := dense()
	var out bytes.Buffer
	// Interrupt from another goroutine while the first epoch runs: a
	// schedule (of the reference's constant rate) lets it know when step
	// 15 is about to run and waits for it, so that a loaded machine cannot
	// delay the interrupt past the epoch.
	reached, stop := make(chan struct{}), make(chan struct{})
	var once sync.Once
	interruptAt15 := func(out *bytes.Buffer) model.FitOptions {
		o := opts(out)
		o.Schedule = func(epoch, step int) float64 {
			if step == 15 {
				once.Do(func() { close(reached); <-stop })
			}
			return 2e-3
		}
		return o
	}
	go func() {
		<-reached
		nn.Interrupt()
		close(stop)
	}()
	h := m.FitArrays(x, y, interruptAt15(&out))
	if !h.Interrupted || !nn.Interrupted() {
		t.Fatalf("not interrupted: %+v", h)
	}
	e, b := m.Epoch()
	if e != 0 || b != 15 {
		t.Fatalf("stopped at epoch %d batch %d", e, b)
	}
	wantMsg := "stopped at epoch 1, batch " + strconv.Itoa(b) + "/40"
	if h.Stopped != wantMsg || !strings.Contains(out.String(), wantMsg) {
		t.Errorf("Stopped = %q, output %q, want %q", h.Stopped, out.String(), wantMsg)
	}
	steps := m.Session().Steps(m.Nodes().Train)
	if steps != b {
		t.Errorf("%d optimizer steps for %d batches: state inconsistent", steps, b)
	}
	// Saved now, the model resumes from the file in a new model too.
	path := filepath.Join(t.TempDir(), "partial.safetensors")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	// While the interrupt is pending, Fit stops at once.
	if h := m.FitArrays(x, y, model.FitOptions{Epochs: 1, BatchSize: 64, Verbose: -1}); !h.Interrupted {
		t.Error("Fit ran with an interrupt pending")
	}
	nn.ClearInterrupt()
	// The later Fit finishes the epoch and one more: the same as the reference.
	out.Reset()
	h = m.FitArrays(x, y, opts(&out))
	if h.Interrupted || len(h.Epochs) != 2 || h.Epochs[0].Epoch != 1 || h.Epochs[1].Epoch != 2 {
		t.Fatalf("resumed history %+v", h)
	}
	if h.Epochs[0].Images != 2560 || h.Epochs[1].Images != 2560 {
		t.Errorf("epochs trained %d and %d images, want 2560", h.Epochs[0].Images, h.Epochs[1].Images)
	}
	if !strings.Contains(out.String(), "Epoch 1/2  resuming at batch "+strconv.Itoa(b+1)+"/40") {
		t.Errorf("output %q", out.String())
	}
	got := m.Predict(probe).Data()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("resumed training differs from uninterrupted at %d: %v vs %v", i, got[i], want[i])
		}
	}

	l, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if e, lb := l.Epoch(); e != 0 || lb != b {
		t.Errorf("loaded model at epoch %d batch %d, want 0 and %d", e, lb, b)
	}
	h = l.FitArrays(x, y, model.FitOptions{Epochs: 2, BatchSize: 64, Verbose: -1})
	if len(h.Epochs) != 2 || h.Epochs[1].Epoch != 2 {
		t.Fatalf("history after loading %+v", h)
	}
	got = l.Predict(probe).Data()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("training resumed from the file differs from uninterrupted at %d: %v vs %v", i, got[i], want[i])
		}
	}
}

func TestCheckpointKeepsBest(t *testing.T) {
	d := data(t)
	nn.Seed(3)
	m := mlp()
	x, y := subset(d.Train, 1000)
	path := filepath.Join(t.TempDir(), "best.safetensors")
	var out bytes.Buffer
	h := m.FitArrays(x, y, model.FitOptions{Epochs: 2, BatchSize: 100, Checkpoint: path, Output: &out,
		ValidationImages: d.Validation.Images.Slice(0, 500), ValidationLabels: d.Validation.Labels.Slice(0, 500)})
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	best := math.Max(h.Epochs[0].ValAcc, h.Epochs[1].ValAcc)
	l, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	_, acc := l.Evaluate(d.Validation.Images.Slice(0, 500), d.Validation.Labels.Slice(0, 500))
	if math.Abs(acc-best) > 1e-9 {
		t.Errorf("checkpoint has validation accuracy %v, best epoch %v", acc, best)
	}
	if !strings.Contains(out.String(), "saved "+path) {
		t.Errorf("output %q", out.String())
	}
}

// TestAugmentationKeepsDigits checks that a model trained on augmented
// images still recognises digits, and that Fit did augment them: the same
// seed without augmentation gives another training loss. (What augmentation
// does to an image is checked by TestAugmentChangesImages.)
func TestAugmentationKeepsDigits(t *testing.T) {
	d := data(t)
	x, y := subset(d.Train, 3000)
	fit := func(epochs int, aug *model.Augmentation) *model.History {
		nn.Seed(4)
		return mlp().FitArrays(x, y, model.FitOptions{Epochs: epochs, BatchSize: 64, Augment: aug, Verbose: -1,
			Validation: d.Validation})
	}
	h := fit(2, model.Augment(2, 12))
	if a := h.Epochs[1].ValAcc; a < 0.8 {
		t.Errorf("validation accuracy %.4f with augmentation", a)
	}
	if plain := fit(1, nil); plain.Epochs[0].Loss == h.Epochs[0].Loss {
		t.Errorf("training loss %v with augmentation, the same without: the images were not changed", plain.Epochs[0].Loss)
	}
}

func TestHistoryDisplay(t *testing.T) {
	h := &model.History{Epochs: []model.EpochStats{
		{Epoch: 1, Loss: 0.5, Acc: 0.8, ValLoss: 0.4, ValAcc: 0.85, LearningRate: 1e-3, Seconds: 10},
		{Epoch: 2, Loss: 0.3, Acc: 0.9, ValLoss: 0.35, ValAcc: 0.88, LearningRate: 1e-3, Seconds: 10},
		{Epoch: 3, Loss: 0.2, Acc: 0.93, ValLoss: 0.3, ValAcc: 0.9, LearningRate: 5e-4, Seconds: 10},
	}}
	var caps plot.Caps // not a terminal: plain ASCII
	s := h.Display(80, caps)
	if !strings.HasPrefix(s, h.String()) || !strings.Contains(s, "val_acc") || strings.ContainsAny(s, "\x1b") {
		t.Errorf("Display:\n%s", s)
	}
	for _, r := range s {
		if r > 127 {
			t.Fatalf("non-ASCII %q in plain display:\n%s", r, s)
		}
	}
}

func TestHistorySavePlot(t *testing.T) {
	h := &model.History{Epochs: []model.EpochStats{
		{Epoch: 1, Loss: 0.5, Acc: 0.8, ValLoss: 0.4, ValAcc: 0.85},
		{Epoch: 2, Loss: 0.3, Acc: 0.9, ValLoss: 0.35, ValAcc: 0.88},
	}}
	dir := t.TempDir()
	if err := h.SavePlot(filepath.Join(dir, "curves.png")); err != nil {
		t.Fatal(err)
	}
	// One file: the loss above the accuracy.
	if _, err := os.Stat(filepath.Join(dir, "curves_acc.png")); err == nil {
		t.Error("SavePlot wrote a second file")
	}
	for _, name := range []string{"curves.png"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() < 100 || b.Dy() < b.Dx() {
			t.Errorf("%s is %v", name, b)
		}
	}
	if err := (&model.History{}).SavePlot(filepath.Join(dir, "empty.png")); err == nil {
		t.Error("an empty history was plotted")
	}
}

func TestWorstPredictionsAsDigits(t *testing.T) {
	images := nn.Zeros(3, 784)
	for i := 300; i < 500; i++ {
		images.Data()[784+i] = 1 // a blob in image 1
	}
	probs := nn.NewTensor([]float32{0.9, 0.1, 0.2, 0.8, 0.6, 0.4}, 3, 2)
	labels := nn.NewTensor([]float32{0, 0, 1}, 3)
	worst := model.WorstPredictions(probs, labels, 2)
	if worst[0].Index != 1 || worst[0].Predicted != 1 {
		t.Fatalf("worst: %v", worst)
	}
	s := worst.Digits(images).String()
	if !strings.Contains(s, "0->1 (0.80)") || !strings.Contains(s, "@") {
		t.Errorf("digit grid:\n%s", s)
	}
}
