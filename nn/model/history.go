package model

import (
	"fmt"
	"math"
	"strings"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/plot"
)

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
	// When a callback stopped Fit (TrainState.Stop), Stopped says where
	// and why, and Interrupted is false.
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
