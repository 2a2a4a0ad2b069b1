package model

import (
	"io"

	"github.com/nnlab/nnlab/nn/plot"
)

// chartWidth and chartHeight size the live chart in character cells;
// chartPoints caps the samples it keeps (older ones are thinned out).
const chartWidth, chartHeight, chartPoints = 60, 6, 240

// LiveChart is the callback that draws the running loss and accuracy as a
// chart on a terminal, redrawn in place under the epoch lines, with the
// progress bar as its title. Fit installs one, before the Progress, when
// the bar goes to a terminal. It becomes the display that Progress and
// TrainState.Print write to, so it must come before them in the list.
type LiveChart struct {
	chart *plot.LiveChart
	trace
}

// trace is the running loss and accuracy of a Fit, sampled after every
// batch, for a chart.
type trace struct {
	x, loss, acc []float64 // x: the epoch, fractional, of each sample
}

// NewLiveChart returns a live chart drawing on w, a terminal.
func NewLiveChart(w io.Writer) *LiveChart {
	c := &LiveChart{chart: plot.NewLiveChart(w, chartWidth, chartHeight)}
	c.chart.XUnit = "epoch"
	return c
}

// OnTrainBegin makes the chart Fit's display.
func (c *LiveChart) OnTrainBegin(s *TrainState) { s.display = c }

// OnEpochBegin does nothing.
func (c *LiveChart) OnEpochBegin(s *TrainState) {}

// OnBatchBegin does nothing.
func (c *LiveChart) OnBatchBegin(s *TrainState) {}

// OnBatchEnd adds the running loss and accuracy to the chart's series.
// x is the position in epochs, counted over the model's life as the
// history's table counts them: 3.5 is half-way through epoch 4.
func (c *LiveChart) OnBatchEnd(s *TrainState) { c.add(s) }

// add samples the running loss and accuracy, keeping at most chartPoints.
func (c *trace) add(s *TrainState) {
	x := float64(s.Epoch-1) + float64(s.Batch)/float64(max(s.Batches, 1))
	c.x, c.loss, c.acc = append(c.x, x), append(c.loss, s.Loss), append(c.acc, s.Acc)
	if len(c.loss) > chartPoints { // keep every other point
		for i := 0; i < len(c.loss)/2; i++ {
			c.x[i], c.loss[i], c.acc[i] = c.x[2*i], c.loss[2*i], c.acc[2*i]
		}
		c.x, c.loss, c.acc = c.x[:len(c.x)/2], c.loss[:len(c.loss)/2], c.acc[:len(c.acc)/2]
	}
}

// OnEpochEnd does nothing.
func (c *LiveChart) OnEpochEnd(s *TrainState) {}

// OnTrainEnd does nothing: the last drawing stays on the terminal.
func (c *LiveChart) OnTrainEnd(s *TrainState) {}

// status redraws the chart with s as its title.
func (c *LiveChart) status(s string) {
	c.chart.Update(s, plot.Series{Name: "loss", X: c.x, Y: c.loss}, plot.Series{Name: "acc", X: c.x, Y: c.acc})
}

// line prints s above the chart.
func (c *LiveChart) line(s string) { c.chart.Println(s) }
