package model_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
)

// panel is a model.Panel that records its updates.
type panel struct {
	bytes.Buffer // what Fit printed instead of showing it
	starts       int
	texts        []string
	pngs         [][]byte
}

func (p *panel) NewPanel() func(text string, png []byte) {
	p.starts++
	return func(text string, png []byte) {
		p.texts = append(p.texts, text)
		p.pngs = append(p.pngs, png)
	}
}

// TestFitPanel checks that Fit shows its progress on a Panel output, in one
// display per Fit updated at least at every epoch, with the epoch lines,
// a PNG chart and no terminal escapes, and prints nothing to the writer.
func TestFitPanel(t *testing.T) {
	for _, verbose := range []int{0, 1, 2} {
		nn.Seed(1)
		x, y, _ := toy(12)
		m := softmaxRegression(0.1)
		p := &panel{}
		m.Fit(x, y, model.FitOptions{Epochs: 3, BatchSize: 4, Verbose: verbose, Output: p,
			Callbacks: []model.Callback{&model.LambdaCallback{EpochEnd: func(s *model.TrainState) { s.Printf("note %d", s.Epoch) }}}})
		if p.starts != 1 {
			t.Errorf("verbose %d: %d panels, want 1", verbose, p.starts)
		}
		if len(p.texts) < 4 { // the first display and one update per epoch
			t.Fatalf("verbose %d: %d updates, want at least 4: %q", verbose, len(p.texts), p.texts)
		}
		if p.Len() != 0 {
			t.Errorf("verbose %d: Fit printed %q beside the panel", verbose, p.String())
		}
		last := p.texts[len(p.texts)-1]
		for _, want := range []string{"Epoch 1/3", "Epoch 3/3  3/3", "loss", "note 3"} {
			if !strings.Contains(last, want) {
				t.Errorf("verbose %d: last text %q lacks %q", verbose, last, want)
			}
		}
		for i, text := range p.texts {
			if strings.ContainsAny(text, "\x1b\r") {
				t.Errorf("verbose %d: update %d has a terminal escape: %q", verbose, i, text)
			}
		}
		img := p.pngs[len(p.pngs)-1]
		if img == nil {
			t.Fatalf("verbose %d: no chart in the last update", verbose)
		}
		if _, err := png.Decode(bytes.NewReader(img)); err != nil {
			t.Errorf("verbose %d: the chart is not a PNG: %v", verbose, err)
		}
	}
	// Verbose -1 shows nothing.
	x, y, _ := toy(12)
	p := &panel{}
	softmaxRegression(0.1).Fit(x, y, model.FitOptions{Epochs: 1, BatchSize: 4, Verbose: -1, Output: p})
	if p.starts != 0 || p.Len() != 0 {
		t.Errorf("verbose -1: %d panels, printed %q", p.starts, p.String())
	}
}

// TestFitPanelThrottled checks that a Fit of many fast batches updates its
// panel at most every half second within an epoch, besides one update at
// the start and one at the end of every epoch.
func TestFitPanelThrottled(t *testing.T) {
	nn.Seed(1)
	x, y, _ := toy(600)
	p := &panel{}
	const epochs = 3
	start := time.Now()
	softmaxRegression(0.1).Fit(x, y, model.FitOptions{Epochs: epochs, BatchSize: 1, Verbose: 1, Output: p,
		Callbacks: []model.Callback{&model.LambdaCallback{BatchEnd: func(s *model.TrainState) { s.Printf("batch %d", s.Batch) }}}})
	elapsed := time.Since(start)
	// Within an epoch an update follows the one before by half a second
	// at least; each epoch's end may add one.
	most := 1 + epochs + 2*int(elapsed/(500*time.Millisecond)+1)
	t.Logf("%d updates for %d batches in %v (at most %d allowed)", len(p.texts), epochs*600, elapsed, most)
	if len(p.texts) > most {
		t.Errorf("%d updates in %v, want at most %d", len(p.texts), elapsed, most)
	}
	if last := p.texts[len(p.texts)-1]; !strings.Contains(last, "batch 600") || !strings.Contains(last, "Epoch 3/3") {
		t.Errorf("the last update misses the end: %.200q", last)
	}
}
