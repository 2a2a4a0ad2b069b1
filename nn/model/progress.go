package model

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/nnlab/nnlab/nn/plot"
)

// display is where Fit's progress output goes: whole lines, and a status
// line (the bar) redrawn in place.
type display interface {
	line(s string)
	status(s string)
}

// lineDisplay writes to w, the status line redrawn with a carriage return.
type lineDisplay struct {
	w     io.Writer
	dirty bool // a status is on the current line
}

// line prints a whole line, replacing a status drawn on the current one.
func (d *lineDisplay) line(s string) {
	if d.dirty {
		fmt.Fprintf(d.w, "\r%s\x1b[K\n", s)
		d.dirty = false
		return
	}
	fmt.Fprintln(d.w, s)
}

func (d *lineDisplay) status(s string) {
	fmt.Fprintf(d.w, "\r%s\x1b[K", s)
	d.dirty = true
}

// Progress is the callback that prints Fit's progress, as Keras's
// ProgbarLogger: a line per epoch (with validation figures), and with Bar
// a bar with the running loss and accuracy, redrawn in place, during it.
// It prints through the live chart when one is installed before it. Fit
// installs one as FitOptions.Verbose says; with Verbose -1 a Progress of
// one's own can take its place.
type Progress struct {
	W   io.Writer
	Bar bool

	d      display
	last   time.Time
	images int // the epoch's images done when this Fit began it
}

// NewProgress returns the progress Fit installs for verbose (see
// FitOptions.Verbose) and w, or nil for nothing (verbose -1).
func NewProgress(w io.Writer, verbose int) *Progress {
	switch verbose {
	case 1:
		return &Progress{W: w, Bar: true}
	case 0:
		return &Progress{W: w, Bar: isTerminal(w)}
	case 2:
		return &Progress{W: w}
	}
	return nil
}

// isTerminal reports whether w is a terminal on which the bar and the
// chart may redraw in place (not TERM=dumb).
func isTerminal(w io.Writer) bool { return plot.CanRedraw(w) }

// OnTrainBegin takes the display a live chart installed, or makes one.
func (p *Progress) OnTrainBegin(s *TrainState) {
	if s.display == nil {
		s.display = &lineDisplay{w: p.W}
	}
	p.d = s.display
}

// OnEpochBegin says where an interrupted epoch resumes.
func (p *Progress) OnEpochBegin(s *TrainState) {
	p.last = time.Time{}
	p.images = s.Images
	if s.Resumed {
		p.d.line(fmt.Sprintf("Epoch %d/%d  resuming at batch %d/%d", s.Epoch, s.Epochs, s.Batch+1, s.Batches))
	}
}

// OnBatchBegin does nothing.
func (p *Progress) OnBatchBegin(s *TrainState) {}

// OnBatchEnd redraws the bar, at most every 100 ms and after the last batch.
func (p *Progress) OnBatchEnd(s *TrainState) {
	if !p.Bar {
		return
	}
	now := time.Now()
	if s.Batch < s.Batches && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	const width = 30
	done := width * s.Batch / s.Batches
	bar := strings.Repeat("=", done)
	if done < width {
		bar += ">" + strings.Repeat(".", width-done-1)
	}
	images := s.Images - p.images
	rate := float64(images) / s.Elapsed.Seconds()
	eta := ""
	if s.Batch < s.Batches && rate > 0 {
		left := float64(s.Batches-s.Batch) * float64(images) / float64(max(s.Batch, 1)) / rate
		eta = "ETA " + fmtDuration(left) + "  "
	}
	w := len(fmt.Sprint(s.Batches))
	p.d.status(fmt.Sprintf("Epoch %d/%d  %*d/%d [%s] %s%.0f img/s  loss %.4f  acc %.4f",
		s.Epoch, s.Epochs, w, s.Batch, s.Batches, bar, eta, rate, s.Loss, s.Acc))
}

// OnEpochEnd prints the epoch's line.
func (p *Progress) OnEpochEnd(s *TrainState) {
	e := s.Stats
	line := fmt.Sprintf("Epoch %d/%d  %d/%d  %s  %.0f img/s  loss %.4f  acc %.4f", e.Epoch, s.Epochs, s.Batches, s.Batches,
		fmtDuration(e.Seconds), float64(e.Images)/e.Seconds, e.Loss, e.Acc)
	if !math.IsNaN(e.ValAcc) {
		line += fmt.Sprintf("  val_loss %.4f  val_acc %.4f", e.ValLoss, e.ValAcc)
	}
	p.d.line(line)
}

// OnTrainEnd prints why training stopped early.
func (p *Progress) OnTrainEnd(s *TrainState) {
	if s.Stopped != "" {
		p.d.line(s.Stopped)
	}
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
