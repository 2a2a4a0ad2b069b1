package model

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
	"github.com/nnlab/nnlab/nn/plot"
)

// FitOptions tunes Fit. The zero value trains one epoch with batches of 32
// and prints progress.
type FitOptions struct {
	Epochs    int // epochs to train (default 1); see Fit for interrupted epochs
	BatchSize int // examples per step (default 32, as Keras)

	// Validation data, evaluated after every epoch: a data set, or
	// ValidationImages and ValidationLabels.
	Validation       *mnist.DataSet
	ValidationImages *nn.Tensor
	ValidationLabels *nn.Tensor

	// Augment, when set, randomly shifts and rotates every training image
	// (see Augmentation). Images must be 28x28 (or HxW with one channel).
	Augment *Augmentation

	// Schedule, when set, gives the learning rate before every step; Fit
	// sets it as the optimizer's LearningRate. See ExponentialDecay and
	// StepDecay.
	Schedule Schedule

	// Checkpoint, when set, is a path the model is saved to (see Save)
	// after every epoch; with validation data, only when the validation
	// accuracy is at least as good as the best so far, so the file keeps
	// the best model (the later one of equals).
	Checkpoint string

	// Verbose: 0 shows a progress bar updated in place when Output is a
	// terminal and one line per epoch otherwise; 1 always the progress
	// bar; 2 always one line per epoch; -1 nothing.
	Verbose int
	Output  io.Writer // default model.Output (os.Stdout)

	// NoShuffle keeps the examples' order; by default every epoch is
	// shuffled (drawing from nn.NewRand("model/shuffle")'s stream).
	NoShuffle bool
}

// Schedule returns the learning rate for a step: epoch counts the model's
// completed epochs (from 0) and step the optimizer steps taken (from 0).
type Schedule func(epoch, step int) float64

// ExponentialDecay is Keras's schedule lr0 * rate^(step/steps), decaying
// smoothly by the factor rate every steps steps.
func ExponentialDecay(lr0, rate float64, steps int) Schedule {
	return func(_, step int) float64 { return lr0 * math.Pow(rate, float64(step)/float64(steps)) }
}

// StepDecay multiplies lr0 by factor after every epochs completed epochs.
func StepDecay(lr0, factor float64, epochs int) Schedule {
	return func(epoch, _ int) float64 { return lr0 * math.Pow(factor, float64(epoch/max(epochs, 1))) }
}

// EpochSchedule turns a per-epoch rate function into a Schedule.
func EpochSchedule(f func(epoch int) float64) Schedule {
	return func(epoch, _ int) float64 { return f(epoch) }
}

// EpochStats is one row of a History.
type EpochStats struct {
	Epoch        int     // counted from 1 over the model's life
	Loss         float64 // mean training loss over the epoch's batches
	Acc          float64 // mean training accuracy
	ValLoss      float64 // NaN without validation data
	ValAcc       float64
	LearningRate float64 // at the epoch's last step
	Seconds      float64 // training time, without validation
	Images       int     // examples trained on
}

// History records what Fit did, epoch by epoch.
type History struct {
	Epochs []EpochStats
	// Interrupted is set when Fit stopped early on nn.Interrupt (Ctrl-C);
	// Stopped then says where ("stopped at epoch 2, batch 118/430").
	Interrupted bool
	Stopped     string
}

// Loss returns the training loss per epoch.
func (h *History) Loss() []float64 { return h.column(func(e EpochStats) float64 { return e.Loss }) }

// Acc returns the training accuracy per epoch.
func (h *History) Acc() []float64 { return h.column(func(e EpochStats) float64 { return e.Acc }) }

// ValLoss returns the validation loss per epoch.
func (h *History) ValLoss() []float64 {
	return h.column(func(e EpochStats) float64 { return e.ValLoss })
}

// ValAcc returns the validation accuracy per epoch.
func (h *History) ValAcc() []float64 { return h.column(func(e EpochStats) float64 { return e.ValAcc }) }

func (h *History) column(f func(EpochStats) float64) []float64 {
	out := make([]float64, len(h.Epochs))
	for i, e := range h.Epochs {
		out[i] = f(e)
	}
	return out
}

// String prints the history as a table, one row per epoch.
func (h *History) String() string {
	var b strings.Builder
	b.WriteString("epoch      loss     acc  val_loss  val_acc        lr     time\n")
	for _, e := range h.Epochs {
		fmt.Fprintf(&b, "%5d  %8.4f  %.4f  %8s  %7s  %8.2g  %6.1fs\n", e.Epoch, e.Loss, e.Acc,
			orDash("%.4f", e.ValLoss), orDash("%.4f", e.ValAcc), e.LearningRate, e.Seconds)
	}
	if h.Stopped != "" {
		b.WriteString(h.Stopped + "\n")
	}
	return b.String()
}

func orDash(format string, v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf(format, v)
}

// fitState is the model's place in training, kept between Fit calls.
type fitState struct {
	epoch    int // completed epochs
	batch    int // batches done in the current epoch (0: none)
	done     int // examples done in the current epoch
	rows     int // examples per epoch of the data the epoch started with
	perm     []int
	lossSum  float64 // over the current epoch's batches
	accSum   float64
	images   int
	seconds  float64
	bestVal  float64 // best validation accuracy checkpointed
	shuffle  *rand.PCG
	shuffleS []byte // shuffle's state before drawing perm
	augment  *rand.PCG
	lr       float64
}

// History returns every epoch trained so far, over all Fit calls.
func (m *Model) History() *History {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.history
	h.Epochs = append([]EpochStats(nil), h.Epochs...)
	return &h
}

// Epoch returns how many epochs the model has completed, and how many
// batches of the next one an interrupted Fit has done.
// It may be called from another goroutine while Fit runs.
func (m *Model) Epoch() (epochs, batches int) {
	p := m.position.Load()
	return int(p >> 32), int(uint32(p))
}

// publish makes the training position visible to Epoch. Caller holds m.mu.
func (m *Model) publish() {
	m.position.Store(int64(m.state.epoch)<<32 | int64(uint32(m.state.batch)))
}

// Fit trains the model on an MNIST data set (its Images and Labels, in an
// order of Fit's own shuffling) for opt.Epochs epochs and returns what
// happened per epoch. It builds and compiles the model if needed
// (Adam with learning rate 1e-3 when Compile was not called).
//
// Ctrl-C (nn.Interrupt) stops Fit at a batch boundary: the step under way
// is not applied, so weights and optimizer state stay consistent. Fit
// prints where it stopped and returns the history so far with Interrupted
// set; the interrupt stays pending (so the rest of a REPL cell stops too)
// until nn.ClearInterrupt. A later Fit continues the unfinished epoch at
// the batch where it stopped, with the same shuffle, and counts it as the
// first of its Epochs.
func (m *Model) Fit(data *mnist.DataSet, opt FitOptions) *History {
	if data == nil {
		panic(&nn.Error{Op: "model.Fit", Msg: "nil data set"})
	}
	return m.FitArrays(data.Images, data.Labels, opt)
}

// FitArrays is Fit on tensors: images [N, ...] and labels [N, classes]
// (one-hot) or [N] (class ids).
func (m *Model) FitArrays(images, labels *nn.Tensor, opt FitOptions) *History {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := checkData("model.Fit", images, labels)
	m.build(images.Shape()[1:])
	if m.opt == nil {
		m.opt = nn.AdamOptimizer(1e-3)
	}
	if m.train == nil {
		m.train = m.opt.Minimize(m.lossNode)
	}
	if opt.Epochs <= 0 {
		opt.Epochs = 1
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 32
	}
	vx, vy := opt.ValidationImages, opt.ValidationLabels
	if opt.Validation != nil {
		vx, vy = opt.Validation.Images, opt.Validation.Labels
	}
	if (vx == nil) != (vy == nil) {
		panic(&nn.Error{Op: "model.Fit", Msg: "validation needs both images and labels"})
	}
	if vx != nil {
		checkData("model.Fit validation", vx, vy)
	}
	if opt.Augment != nil && (len(m.inShape) != 3 || m.inShape[2] != 1) && !(len(m.inShape) == 1 && m.inShape[0] == mnist.Pixels) {
		panic(&nn.Error{Op: "model.Fit", Msg: fmt.Sprintf("Augment works on single-channel images, not examples of shape %v", m.inShape)})
	}
	out := opt.Output
	if out == nil {
		out = Output
	}
	p := newProgress(out, opt.Verbose)

	st := &m.state
	if st.shuffle == nil {
		st.shuffle = nn.NewSource("model/shuffle")
		st.augment = nn.NewSource("augment")
	}
	if st.done > 0 && st.rows != n {
		// The unfinished epoch was on other data: start afresh.
		st.done = 0
	}
	bs := opt.BatchSize
	nb := (n + bs - 1) / bs
	st.batch = (st.done + bs - 1) / bs // batches of this size
	h := &History{}
	target := st.epoch + opt.Epochs
	classes := m.y.Shape()[1]
	bx := nn.Zeros(append([]int{bs}, m.inShape...)...)
	by := nn.Zeros(bs, classes)
	fetch := []*nn.Node{m.train, m.lossNode, m.accNode}
	feed := nn.Feed{m.x: bx, m.y: by, m.training: 1.0}
	var aug *augmenter
	if opt.Augment != nil {
		aug = newAugmenter(*opt.Augment, rand.New(st.augment), m.inShape)
	}

	stop := func(msg string) *History {
		h.Interrupted = true
		h.Stopped = msg
		m.history.Interrupted, m.history.Stopped = true, msg
		p.stopped(msg)
		return h
	}
	for st.epoch < target {
		if st.done == 0 {
			st.rows = n
			st.shuffleS, _ = st.shuffle.MarshalBinary()
			st.perm = epochOrder(n, !opt.NoShuffle, st.shuffle)
			st.lossSum, st.accSum, st.images, st.seconds = 0, 0, 0, 0
		}
		p.startEpoch(st.epoch+1, target, nb, st.batch)
		t0 := time.Now()
		done0 := st.images
		for st.done < n {
			if nn.Interrupted() {
				st.seconds += time.Since(t0).Seconds()
				return stop(fmt.Sprintf("stopped at epoch %d, batch %d/%d", st.epoch+1, st.batch, nb))
			}
			lo := st.done
			hi := min(lo+bs, n)
			xb, yb := bx, by
			if hi-lo != bs {
				xb = nn.Zeros(append([]int{hi - lo}, m.inShape...)...)
				yb = nn.Zeros(hi-lo, classes)
			}
			gather(xb, images, st.perm[lo:hi])
			gatherLabels(yb, labels, st.perm[lo:hi])
			if aug != nil {
				aug.apply(xb)
			}
			feed[m.x], feed[m.y] = xb, yb
			if opt.Schedule != nil {
				st.lr = opt.Schedule(st.epoch, m.sess.Steps(m.train))
				m.opt.SetRate(st.lr)
			} else {
				st.lr = m.opt.Rate()
			}
			r, err := m.sess.RunContext(context.Background(), fetch, feed)
			if err != nil {
				if errors.Is(err, nn.ErrInterrupted) {
					st.seconds += time.Since(t0).Seconds()
					return stop(fmt.Sprintf("stopped at epoch %d, batch %d/%d", st.epoch+1, st.batch, nb))
				}
				panic(err)
			}
			k := float64(hi - lo)
			st.lossSum += r[1].Float() * k
			st.accSum += r[2].Float() * k
			st.images += hi - lo
			st.done = hi
			st.batch++
			m.publish()
			p.update(st.batch, st.images-done0, time.Since(t0), st.lossSum/float64(st.images), st.accSum/float64(st.images))
		}
		st.seconds += time.Since(t0).Seconds()
		e := EpochStats{Epoch: st.epoch + 1, Loss: st.lossSum / float64(st.images), Acc: st.accSum / float64(st.images),
			ValLoss: math.NaN(), ValAcc: math.NaN(), LearningRate: st.lr, Seconds: st.seconds, Images: st.images}
		st.epoch++
		st.batch, st.done = 0, 0
		m.publish()
		var verr error
		if vx != nil {
			e.ValLoss, e.ValAcc, verr = m.evaluate(vx, vy)
		}
		h.Epochs = append(h.Epochs, e)
		m.history.Epochs = append(m.history.Epochs, e)
		p.endEpoch(e)
		if verr != nil {
			return stop(fmt.Sprintf("stopped after epoch %d, during validation", e.Epoch))
		}
		if opt.Checkpoint != "" && (vx == nil || e.ValAcc >= st.bestVal) {
			if vx != nil {
				st.bestVal = e.ValAcc
			}
			if err := m.save(opt.Checkpoint); err != nil {
				p.note(fmt.Sprintf("checkpoint not saved: %v", err))
			} else if vx != nil {
				p.note(fmt.Sprintf("saved %s (val_acc %.4f)", opt.Checkpoint, e.ValAcc))
			}
		}
	}
	m.history.Interrupted, m.history.Stopped = false, ""
	return h
}

// epochOrder returns the order of n examples for one epoch.
func epochOrder(n int, shuffle bool, src *rand.PCG) []int {
	if shuffle {
		return rand.New(src).Perm(n)
	}
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

// checkData checks images [N, ...] against labels [N, C] or [N] and
// returns N.
func checkData(op string, images, labels *nn.Tensor) int {
	if images == nil || labels == nil {
		panic(&nn.Error{Op: op, Msg: "nil images or labels"})
	}
	is, ls := images.Shape(), labels.Shape()
	if len(is) < 2 {
		panic(&nn.Error{Op: op, Msg: fmt.Sprintf("images of shape %s: want [examples, ...]", nn.FormatShape(is))})
	}
	if len(ls) < 1 || len(ls) > 2 || ls[0] != is[0] {
		panic(&nn.Error{Op: op, Msg: fmt.Sprintf("labels of shape %s for images %s: want [%d, classes] or [%d]", nn.FormatShape(ls), nn.FormatShape(is), is[0], is[0])})
	}
	if is[0] == 0 {
		panic(&nn.Error{Op: op, Msg: "no examples"})
	}
	return is[0]
}

// gather copies the rows idx of src into dst.
func gather(dst, src *nn.Tensor, idx []int) {
	w := src.Len() / src.Shape()[0]
	d, s := dst.Data(), src.Data()
	for i, j := range idx {
		copy(d[i*w:(i+1)*w], s[j*w:(j+1)*w])
	}
}

// gatherLabels copies the labels idx of src into dst [len(idx), classes],
// turning class ids into one-hot rows.
func gatherLabels(dst, src *nn.Tensor, idx []int) {
	if src.Rank() == 2 {
		if src.Shape()[1] != dst.Shape()[1] {
			panic(&nn.Error{Op: "model", Msg: fmt.Sprintf("labels have %d classes, the model outputs %d", src.Shape()[1], dst.Shape()[1])})
		}
		gather(dst, src, idx)
		return
	}
	c := dst.Shape()[1]
	d, s := dst.Data(), src.Data()
	clear(d)
	for i, j := range idx {
		k := int(s[j])
		if k < 0 || k >= c || float32(k) != s[j] {
			panic(&nn.Error{Op: "model", Msg: fmt.Sprintf("label %v of example %d is not a class id in [0,%d)", s[j], j, c)})
		}
		d[i*c+k] = 1
	}
}

// progress prints Fit's progress: a bar redrawn in place on a terminal,
// a line per epoch otherwise.
type progress struct {
	w      io.Writer
	quiet  bool
	bar    bool
	epoch  int
	target int
	nb     int
	last   time.Time
	dirty  bool // a bar is on the current line

	// On a terminal the bar sits above a live chart of the running loss
	// and accuracy, redrawn in place.
	chart        *plot.LiveChart
	x, loss, acc []float64 // x: the epoch, fractional, of each sample
}

// chartWidth and chartHeight size the live chart in character cells;
// chartPoints caps the samples it keeps (older ones are thinned out).
const chartWidth, chartHeight, chartPoints = 60, 6, 240

func newProgress(w io.Writer, verbose int) *progress {
	p := &progress{w: w, quiet: verbose < 0}
	switch verbose {
	case 1:
		p.bar = true
	case 0:
		p.bar = isTerminal(w)
	}
	if p.bar && !p.quiet && isTerminal(w) {
		p.chart = plot.NewLiveChart(w, chartWidth, chartHeight)
		p.chart.XUnit = "epoch"
	}
	return p
}

// sample adds the running loss and accuracy to the chart's series.
// x is the position in epochs, counted over the model's life as the
// history's table counts them: 3.5 is half-way through epoch 4.
func (p *progress) sample(x, loss, acc float64) {
	p.x, p.loss, p.acc = append(p.x, x), append(p.loss, loss), append(p.acc, acc)
	if len(p.loss) > chartPoints { // keep every other point
		for i := 0; i < len(p.loss)/2; i++ {
			p.x[i], p.loss[i], p.acc[i] = p.x[2*i], p.loss[2*i], p.acc[2*i]
		}
		p.x, p.loss, p.acc = p.x[:len(p.x)/2], p.loss[:len(p.loss)/2], p.acc[:len(p.acc)/2]
	}
}

// isTerminal reports whether w is a terminal on which the bar and the
// chart may redraw in place (not TERM=dumb).
func isTerminal(w io.Writer) bool { return plot.CanRedraw(w) }

func (p *progress) startEpoch(epoch, target, nb, batch int) {
	p.epoch, p.target, p.nb = epoch, target, nb
	p.last = time.Time{}
	if p.quiet {
		return
	}
	if batch > 0 {
		p.line(fmt.Sprintf("Epoch %d/%d  resuming at batch %d/%d", epoch, target, batch+1, nb))
	}
}

func (p *progress) update(batch, images int, elapsed time.Duration, loss, acc float64) {
	if p.quiet || !p.bar {
		return
	}
	if p.chart != nil {
		p.sample(float64(p.epoch-1)+float64(batch)/float64(max(p.nb, 1)), loss, acc)
	}
	now := time.Now()
	if batch < p.nb && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	const width = 30
	done := width * batch / p.nb
	bar := strings.Repeat("=", done)
	if done < width {
		bar += ">" + strings.Repeat(".", width-done-1)
	}
	rate := float64(images) / elapsed.Seconds()
	eta := ""
	if batch < p.nb && rate > 0 {
		left := float64(p.nb-batch) * float64(images) / float64(max(batch, 1)) / rate
		eta = "ETA " + fmtDuration(left) + "  "
	}
	w := len(fmt.Sprint(p.nb))
	status := fmt.Sprintf("Epoch %d/%d  %*d/%d [%s] %s%.0f img/s  loss %.4f  acc %.4f",
		p.epoch, p.target, w, batch, p.nb, bar, eta, rate, loss, acc)
	if p.chart != nil {
		p.chart.Update(status, plot.Series{Name: "loss", X: p.x, Y: p.loss}, plot.Series{Name: "acc", X: p.x, Y: p.acc})
		return
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K", status)
	p.dirty = true
}

func (p *progress) endEpoch(e EpochStats) {
	if p.quiet {
		return
	}
	s := fmt.Sprintf("Epoch %d/%d  %d/%d  %s  %.0f img/s  loss %.4f  acc %.4f", e.Epoch, p.target, p.nb, p.nb,
		fmtDuration(e.Seconds), float64(e.Images)/e.Seconds, e.Loss, e.Acc)
	if !math.IsNaN(e.ValAcc) {
		s += fmt.Sprintf("  val_loss %.4f  val_acc %.4f", e.ValLoss, e.ValAcc)
	}
	p.line(s)
}

func (p *progress) note(s string) {
	if !p.quiet {
		p.line("  " + s)
	}
}

func (p *progress) stopped(msg string) {
	if !p.quiet {
		p.line(msg)
	}
}

// line prints a whole line, replacing a bar drawn on the current one.
func (p *progress) line(s string) {
	if p.chart != nil {
		p.chart.Println(s)
		return
	}
	if p.dirty {
		fmt.Fprintf(p.w, "\r%s\x1b[K\n", s)
		p.dirty = false
		return
	}
	fmt.Fprintln(p.w, s)
}

// fmtDuration prints seconds as 12s, 3m05s or 1h02m.
func fmtDuration(s float64) string {
	switch d := int(s + 0.5); {
	case s < 10:
		return fmt.Sprintf("%.1fs", s)
	case d < 60:
		return fmt.Sprintf("%ds", d)
	case d < 3600:
		return fmt.Sprintf("%dm%02ds", d/60, d%60)
	default:
		return fmt.Sprintf("%dh%02dm", d/3600, d%3600/60)
	}
}

// Display draws the history for nnlab's REPL (see plot.Displayer): the
// table of String, then the loss and accuracy curves, training and
// validation, side by side when width allows.
func (h *History) Display(width int, caps plot.Caps) string {
	s := h.String()
	if len(h.Epochs) < 2 {
		return s
	}
	loss, acc := h.series()
	w := max(min(width-12, 70), 20)
	return s + plot.BrailleX(loss, w, 8, caps, "epoch") + plot.BrailleX(acc, w, 8, caps, "epoch")
}

// series returns the loss and accuracy curves, with validation ones when
// the history has them, against the epoch numbers of the table (counted
// over the model's life: a second Fit goes on at 4, 5, ...).
func (h *History) series() (loss, acc []plot.Series) {
	x := h.column(func(e EpochStats) float64 { return float64(e.Epoch) })
	loss = []plot.Series{{Name: "loss", X: x, Y: h.Loss()}}
	acc = []plot.Series{{Name: "acc", X: x, Y: h.Acc()}}
	if v := h.ValAcc(); len(v) > 0 && !math.IsNaN(v[len(v)-1]) {
		loss = append(loss, plot.Series{Name: "val_loss", X: x, Y: h.ValLoss()})
		acc = append(acc, plot.Series{Name: "val_acc", X: x, Y: v})
	}
	return loss, acc
}

// SavePlot writes the loss and accuracy curves per epoch to one PNG file
// at path (atomically), for reports: the loss above, the accuracy below,
// numbered by epoch as the history's table is.
func (h *History) SavePlot(path string) error {
	if len(h.Epochs) == 0 {
		return &nn.Error{Op: "History.SavePlot", Msg: "no epochs to plot"}
	}
	loss, acc := h.series()
	return plot.SavePNGs(path,
		plot.Chart{Title: "Loss", XLabel: "epoch", YLabel: "loss", Series: loss},
		plot.Chart{Title: "Accuracy", XLabel: "epoch", YLabel: "accuracy", Series: acc, LegendBottom: true})
}
