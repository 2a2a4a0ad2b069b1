package model

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nnlab/nnlab/nn/plot"
)

// A Panel is an Output that shows a block of rich output replaced in
// place, as a notebook's display is (nnlab's Jupyter kernel sets
// model.Output to one). When Fit's output is a Panel and Verbose is not
// -1, Fit shows its progress there instead of printing it: the epoch
// lines, the running loss and accuracy, and a PNG chart of them, in one
// display updated after every epoch and at most every half second
// between, with no terminal escapes.
type Panel interface {
	io.Writer
	// NewPanel starts the display of one Fit. Fit calls update with the
	// whole text and chart (a PNG, nil while there is none) each time.
	NewPanel() (update func(text string, png []byte))
}

// panelInterval is the least time between two updates of a panel within
// an epoch.
const panelInterval = 500 * time.Millisecond

// panelChart is the callback that shows Fit's progress on a Panel. Like
// LiveChart it is Fit's display, so it comes before the Progress; its
// flush callback comes after every other one, so that an epoch's update
// carries all that the epoch printed.
type panelChart struct {
	panel  Panel
	update func(text string, png []byte)
	trace
	lines []string
	bar   string    // the status line
	last  time.Time // of the last update
	dirty bool      // something changed since the last update
}

// OnTrainBegin makes the panel Fit's display and shows it.
func (p *panelChart) OnTrainBegin(s *TrainState) {
	s.display = p
	p.update = p.panel.NewPanel()
	p.trace = trace{}
	p.lines, p.bar = nil, fmtEpochStart(s)
	p.send()
}

// fmtEpochStart is the status shown before the first batch is done.
func fmtEpochStart(s *TrainState) string {
	return fmt.Sprintf("Epoch %d/%d  starting", s.Epoch, s.Epochs)
}

// OnEpochBegin does nothing.
func (p *panelChart) OnEpochBegin(s *TrainState) {}

// OnBatchBegin does nothing.
func (p *panelChart) OnBatchBegin(s *TrainState) {}

// OnBatchEnd samples the running loss and accuracy for the chart.
func (p *panelChart) OnBatchEnd(s *TrainState) {
	p.add(s)
	p.dirty = true
}

// OnEpochEnd does nothing: the flush callback updates the panel.
func (p *panelChart) OnEpochEnd(s *TrainState) {}

// OnTrainEnd does nothing: the flush callback updates the panel.
func (p *panelChart) OnTrainEnd(s *TrainState) {}

// line adds s to the panel's lines; the status line, which it follows,
// is done.
func (p *panelChart) line(s string) {
	p.lines = append(p.lines, s)
	p.bar = ""
	p.changed()
}

// status shows s under the lines.
func (p *panelChart) status(s string) {
	p.bar = s
	p.changed()
}

// changed updates the panel unless it was updated less than panelInterval ago.
func (p *panelChart) changed() {
	p.dirty = true
	if time.Since(p.last) >= panelInterval {
		p.send()
	}
}

// send updates the panel with the text and the chart.
func (p *panelChart) send() {
	text := strings.Join(p.lines, "\n")
	if p.bar != "" {
		if text != "" {
			text += "\n"
		}
		text += p.bar
	}
	var png []byte
	if len(p.x) >= 2 {
		var b bytes.Buffer
		c := plot.Chart{Title: "training", XLabel: "epoch", Width: 640, Height: 320, Series: []plot.Series{
			{Name: "loss", X: p.x, Y: p.loss}, {Name: "acc", X: p.x, Y: p.acc}}}
		if c.WritePNG(&b) == nil {
			png = b.Bytes()
		}
	}
	p.update(text, png)
	p.last, p.dirty = time.Now(), false
}

// panelFlush is panelChart's last callback: it updates the panel at the
// end of every epoch and of training with what changed.
type panelFlush struct {
	LambdaCallback
	p *panelChart
}

// OnEpochEnd shows the finished epoch.
func (f *panelFlush) OnEpochEnd(s *TrainState) { f.flush() }

// OnTrainEnd shows the end of training.
func (f *panelFlush) OnTrainEnd(s *TrainState) { f.flush() }

func (f *panelFlush) flush() {
	if f.p.dirty {
		f.p.send()
	}
}
