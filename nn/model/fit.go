package model

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
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
	// sets it as the optimizer's LearningRate. See ExponentialDecay,
	// StepDecay and LearningRateScheduler.
	Schedule Schedule

	// Checkpoint, when set, is a path the model is saved to (see Save)
	// after every epoch; with validation data, only when the validation
	// accuracy is at least as good as the best so far, so the file keeps
	// the best model (the later one of equals). See Checkpoint.
	Checkpoint string

	// Verbose: 0 shows a progress bar updated in place when Output is a
	// terminal and one line per epoch otherwise; 1 always the progress
	// bar; 2 always one line per epoch; -1 nothing (so that a Progress
	// of one's own in Callbacks can replace the default one).
	Verbose int
	Output  io.Writer // default model.Output (os.Stdout)

	// Callbacks run after the ones the options above install (the
	// schedule, the live chart, the progress and the checkpoint), in
	// order. See Callback, LambdaCallback and EarlyStopping.
	Callbacks []Callback

	// NoShuffle keeps the examples' order; by default every epoch is
	// shuffled (drawing from nn.NewRand("model/shuffle")'s stream).
	NoShuffle bool
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

// Fit trains the model for opt.Epochs epochs, in an order of its own
// shuffling, and returns what happened per epoch. It takes the data as
// Keras's fit does, optionally followed by FitOptions:
//
//	m.Fit(data.Train, opt)       // an *mnist.DataSet
//	m.Fit(images, labels, opt)   // images [N, ...], labels [N, classes] (one-hot) or [N] (class ids)
//
// It builds and compiles the model if needed (Adam with learning rate
// 1e-3 when Compile was not called). Fit is a loop over epochs and
// batches that calls callbacks (see Callback): the progress, the live
// chart, the checkpoint and the schedule that FitOptions asks for, then
// FitOptions.Callbacks.
//
// Ctrl-C (nn.Interrupt) stops Fit at a batch boundary: the step under way
// is not applied, so weights and optimizer state stay consistent. Fit
// prints where it stopped and returns the history so far with Interrupted
// set; the interrupt stays pending (so the rest of a REPL cell stops too)
// until nn.ClearInterrupt. A later Fit continues the unfinished epoch at
// the batch where it stopped, with the same shuffle, and counts it as the
// first of its Epochs. A callback's Stop ends Fit the same way, without
// the pending interrupt.
func (m *Model) Fit(args ...any) *History {
	var opt FitOptions
	if n := len(args); n > 0 {
		switch o := args[n-1].(type) {
		case FitOptions:
			opt, args = o, args[:n-1]
		case *FitOptions:
			if o != nil {
				opt = *o
			}
			args = args[:n-1]
		}
	}
	images, labels := dataArgs("model.Fit", args, true)
	return m.fit(images, labels, opt)
}

// FitArrays is Fit(images, labels, opt), kept for older programs.
func (m *Model) FitArrays(images, labels *nn.Tensor, opt FitOptions) *History {
	return m.fit(images, labels, opt)
}

// fit is Fit on tensors.
func (m *Model) fit(images, labels *nn.Tensor, opt FitOptions) *History {
	// Watched from before the lock: a Fit stopped while it waited for a
	// model that another stopped cell holds stops when it gets it.
	work := nn.StartWork()
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
	if opt.Epochs < 0 || opt.BatchSize < 0 {
		panic(&nn.Error{Op: "model.Fit", Msg: fmt.Sprintf("Epochs %d, BatchSize %d: want positive numbers, or 0 for the defaults (1 epoch, batches of 32)", opt.Epochs, opt.BatchSize)})
	}
	if opt.Epochs == 0 {
		opt.Epochs = 1
	}
	if opt.BatchSize == 0 {
		opt.BatchSize = 32
	}
	// A batch larger than the data is all of it (and sizes its buffers by
	// the data, not by a typo such as 1<<30).
	opt.BatchSize = min(opt.BatchSize, n)
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
	for i, c := range opt.Callbacks {
		if c == nil {
			panic(&nn.Error{Op: "model.Fit", Msg: fmt.Sprintf("callback %d is nil", i)})
		}
	}
	cbs := m.defaultCallbacks(opt)

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

	s := &TrainState{Model: m, Epochs: target, Batches: nb, Validation: vx != nil, History: h,
		opt: m.opt, vx: vx, vy: vy, LearningRate: m.opt.Rate()}
	// stop ends Fit early: on Ctrl-C (interrupted) or a callback's Stop.
	stop := func(msg string, interrupted bool) *History {
		h.Interrupted, h.Stopped = interrupted, msg
		m.history.Interrupted, m.history.Stopped = interrupted, msg
		s.Interrupted, s.Stopped = interrupted, msg
		cbs.trainEnd(s)
		return h
	}
	// where says where in the epoch training stopped.
	where := func() string { return fmt.Sprintf("stopped at epoch %d, batch %d/%d", st.epoch+1, st.batch, nb) }
	cbs.trainBegin(s)
	for st.epoch < target {
		if st.done == 0 {
			st.rows = n
			st.shuffleS, _ = st.shuffle.MarshalBinary()
			st.perm = epochOrder(n, !opt.NoShuffle, st.shuffle)
			st.lossSum, st.accSum, st.images, st.seconds = 0, 0, 0, 0
		}
		s.Epoch, s.Batch, s.Resumed, s.Images, s.Elapsed = st.epoch+1, st.batch, st.batch > 0, st.images, 0
		s.Loss, s.Acc = math.NaN(), math.NaN()
		if st.images > 0 {
			s.Loss, s.Acc = st.lossSum/float64(st.images), st.accSum/float64(st.images)
		}
		cbs.epochBegin(s)
		t0 := time.Now()
		for st.done < n {
			if work.Interrupted() {
				st.seconds += time.Since(t0).Seconds()
				return stop(where(), true)
			}
			if s.stop != "" {
				st.seconds += time.Since(t0).Seconds()
				return stop(where()+": "+s.stop, false)
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
			s.Step = m.sess.Steps(m.train)
			s.LearningRate = m.opt.Rate()
			cbs.batchBegin(s)
			if s.stop != "" {
				st.seconds += time.Since(t0).Seconds()
				return stop(where()+": "+s.stop, false)
			}
			st.lr = m.opt.Rate()
			s.LearningRate = st.lr
			r, err := m.sess.RunContext(context.Background(), fetch, feed)
			if err != nil {
				if errors.Is(err, nn.ErrInterrupted) {
					st.seconds += time.Since(t0).Seconds()
					return stop(where(), true)
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
			s.Batch, s.Step, s.Images, s.Elapsed = st.batch, s.Step+1, st.images, time.Since(t0)
			s.Loss, s.Acc = st.lossSum/float64(st.images), st.accSum/float64(st.images)
			cbs.batchEnd(s)
		}
		st.seconds += time.Since(t0).Seconds()
		e := EpochStats{Epoch: st.epoch + 1, Loss: st.lossSum / float64(st.images), Acc: st.accSum / float64(st.images),
			ValLoss: math.NaN(), ValAcc: math.NaN(), LearningRate: st.lr, Seconds: st.seconds, Images: st.images}
		st.epoch++
		st.batch, st.done = 0, 0
		m.publish()
		var verr error
		if vx != nil {
			var vl, va float64
			if vl, va, verr = m.evaluate(vx, vy); verr == nil {
				e.ValLoss, e.ValAcc = vl, va
			}
		}
		h.Epochs = append(h.Epochs, e)
		m.history.Epochs = append(m.history.Epochs, e)
		s.Stats = e
		cbs.epochEnd(s)
		if verr != nil {
			return stop(fmt.Sprintf("stopped after epoch %d, during validation", e.Epoch), true)
		}
		if s.stop != "" {
			return stop(fmt.Sprintf("stopped after epoch %d: %s", e.Epoch, s.stop), false)
		}
	}
	m.history.Interrupted, m.history.Stopped = false, ""
	cbs.trainEnd(s)
	return h
}

// defaultCallbacks returns the callbacks opt asks for, in the order they
// run: the schedule first (it sets the rate the others report), the chart
// before the progress it displays, then the checkpoint (whose notes
// follow the epoch's line) and the user's.
func (m *Model) defaultCallbacks(opt FitOptions) callbacks {
	var cbs callbacks
	if opt.Schedule != nil {
		cbs = append(cbs, NewLearningRateScheduler(opt.Schedule))
	}
	out := opt.Output
	if out == nil {
		out = Output
	}
	var flush Callback
	if panel, ok := out.(Panel); ok && opt.Verbose != -1 {
		pc := &panelChart{panel: panel}
		flush = &panelFlush{p: pc}
		cbs = append(cbs, pc, &Progress{W: out, Bar: opt.Verbose != 2})
	} else if p := NewProgress(out, opt.Verbose); p != nil {
		if p.Bar && isTerminal(out) {
			cbs = append(cbs, NewLiveChart(out))
		}
		cbs = append(cbs, p)
	}
	if opt.Checkpoint != "" {
		cbs = append(cbs, &Checkpoint{Path: opt.Checkpoint, best: &m.state.bestVal})
	}
	cbs = append(cbs, opt.Callbacks...)
	if flush != nil {
		cbs = append(cbs, flush)
	}
	return cbs
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
