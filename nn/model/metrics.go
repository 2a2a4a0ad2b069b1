package model

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/plot"
)

// Confusion counts predictions against true classes: Counts[t][p] is how
// many examples of class t were predicted as p.
type Confusion struct {
	Counts [][]int
}

// classIDs turns [N] class ids or [N, C] scores (probabilities, one-hot
// labels) into class ids.
func classIDs(t *nn.Tensor) []int {
	if t == nil {
		panic(&nn.Error{Op: "model", Msg: "nil tensor"})
	}
	if t.Rank() == 2 {
		t = argmaxRows(t)
	} else if t.Rank() != 1 {
		panic(&nn.Error{Op: "model", Msg: fmt.Sprintf("want class ids [N] or scores [N, classes], got shape %s", nn.FormatShape(t.Shape()))})
	}
	out := make([]int, t.Len())
	for i, v := range t.Data() {
		out[i] = int(v)
		if out[i] < 0 || float32(out[i]) != v {
			panic(&nn.Error{Op: "model", Msg: fmt.Sprintf("value %v at %d is not a class id", v, i)})
		}
	}
	return out
}

// ConfusionMatrix compares predictions with labels. Each may be class ids
// [N] (PredictClasses, mnist labels without one-hot) or scores [N, C]
// (Predict's probabilities, one-hot labels).
func ConfusionMatrix(pred, labels *nn.Tensor) *Confusion {
	p, l := classIDs(pred), classIDs(labels)
	if len(p) != len(l) {
		panic(&nn.Error{Op: "model.ConfusionMatrix", Msg: fmt.Sprintf("%d predictions for %d labels", len(p), len(l))})
	}
	k := 0
	for i := range p {
		k = max(k, p[i]+1, l[i]+1)
	}
	for _, t := range []*nn.Tensor{pred, labels} {
		if t.Rank() == 2 {
			k = max(k, t.Shape()[1])
		}
	}
	c := &Confusion{Counts: make([][]int, k)}
	for i := range c.Counts {
		c.Counts[i] = make([]int, k)
	}
	for i := range p {
		c.Counts[l[i]][p[i]]++
	}
	return c
}

// Total returns the number of examples counted.
func (c *Confusion) Total() int {
	n := 0
	for _, r := range c.Counts {
		for _, v := range r {
			n += v
		}
	}
	return n
}

// Accuracy returns the fraction of examples on the diagonal.
func (c *Confusion) Accuracy() float64 {
	d := 0
	for i := range c.Counts {
		d += c.Counts[i][i]
	}
	return float64(d) / float64(max(c.Total(), 1))
}

// Recall returns, for class t, the fraction of its examples predicted as t.
func (c *Confusion) Recall(t int) float64 {
	n := 0
	for _, v := range c.Counts[t] {
		n += v
	}
	return float64(c.Counts[t][t]) / float64(max(n, 1))
}

// Precision returns, for class p, the fraction of predictions of p that
// were right.
func (c *Confusion) Precision(p int) float64 {
	n := 0
	for _, r := range c.Counts {
		n += r[p]
	}
	return float64(c.Counts[p][p]) / float64(max(n, 1))
}

// String prints the matrix with true classes as rows and predicted classes
// as columns, with each class's recall, and the overall accuracy.
func (c *Confusion) String() string {
	k := len(c.Counts)
	w := 3
	for _, r := range c.Counts {
		for _, v := range r {
			w = max(w, len(fmt.Sprint(v)))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%*s", 11, "predicted")
	for p := 0; p < k; p++ {
		fmt.Fprintf(&b, " %*d", w, p)
	}
	b.WriteString("   recall\n")
	for t := 0; t < k; t++ {
		label := ""
		if t == 0 {
			label = "true"
		}
		fmt.Fprintf(&b, "%-6s %3d:", label, t)
		for p := 0; p < k; p++ {
			v := fmt.Sprint(c.Counts[t][p])
			if c.Counts[t][p] == 0 && p != t {
				v = "."
			}
			fmt.Fprintf(&b, " %*s", w, v)
		}
		fmt.Fprintf(&b, "   %.4f\n", c.Recall(t))
	}
	fmt.Fprintf(&b, "accuracy %.4f (%d of %d)\n", c.Accuracy(), c.Total()-c.errors(), c.Total())
	return b.String()
}

func (c *Confusion) errors() int {
	e := 0
	for t, r := range c.Counts {
		for p, v := range r {
			if p != t {
				e += v
			}
		}
	}
	return e
}

// Prediction is one example's classification.
type Prediction struct {
	Index      int     // the example's row
	True       int     // its label
	Predicted  int     // the most probable class
	Confidence float64 // the probability of Predicted
	TrueProb   float64 // the probability given to True
}

// Predictions is a list of classified examples.
type Predictions []Prediction

// String prints one example per line.
func (ps Predictions) String() string {
	var b strings.Builder
	b.WriteString("index  true  predicted  confidence  p(true)\n")
	for _, p := range ps {
		fmt.Fprintf(&b, "%5d  %4d  %9d  %10.4f  %7.4f\n", p.Index, p.True, p.Predicted, p.Confidence, p.TrueProb)
	}
	return b.String()
}

// WorstPredictions returns the n examples the model got most wrong: the
// lowest probability given to the true class, so confident mistakes come
// first. probs is Predict's [N, C] output; labels are [N, C] one-hot or
// [N] class ids.
func WorstPredictions(probs, labels *nn.Tensor, n int) Predictions {
	if probs == nil || probs.Rank() != 2 {
		panic(&nn.Error{Op: "model.WorstPredictions", Msg: "want probabilities [N, classes] from Predict"})
	}
	l := classIDs(labels)
	rows, c := probs.Shape()[0], probs.Shape()[1]
	if rows != len(l) {
		panic(&nn.Error{Op: "model.WorstPredictions", Msg: fmt.Sprintf("%d predictions for %d labels", rows, len(l))})
	}
	d := probs.Data()
	all := make(Predictions, rows)
	for i := range all {
		row := d[i*c : (i+1)*c]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if l[i] >= c {
			panic(&nn.Error{Op: "model.WorstPredictions", Msg: fmt.Sprintf("label %d of example %d is not one of %d classes", l[i], i, c)})
		}
		all[i] = Prediction{Index: i, True: l[i], Predicted: best, Confidence: float64(row[best]), TrueProb: float64(row[l[i]])}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].TrueProb < all[b].TrueProb })
	return all[:min(max(n, 0), rows)]
}

// ClassIDs returns the class of each row of scores or one-hot labels
// [N, C] as [N] class ids (float32, like mnist's labels without one-hot).
func ClassIDs(t *nn.Tensor) *nn.Tensor {
	if t == nil || t.Rank() != 2 {
		panic(&nn.Error{Op: "model.ClassIDs", Msg: "want [N, classes]"})
	}
	return argmaxRows(t)
}

// Digits pairs the predictions with the images they were made on (rows of
// images, e.g. the test set's), so that the REPL draws them as a grid of
// digits captioned "true→predicted (confidence)".
func (ps Predictions) Digits(images *nn.Tensor) *DigitGrid {
	g := &DigitGrid{}
	for _, p := range ps {
		g.Images = append(g.Images, images.Row(p.Index).Data())
		g.True = append(g.True, p.True)
		g.Predicted = append(g.Predicted, p.Predicted)
		g.Confidence = append(g.Confidence, p.Confidence)
	}
	return g
}

// DigitGrid is a set of classified images to look at.
type DigitGrid struct {
	Images     [][]float32
	True       []int
	Predicted  []int
	Confidence []float64
}

// Display draws the grid for nnlab's REPL (see plot.Displayer).
func (g *DigitGrid) Display(width int, caps plot.Caps) string {
	cols := max(1, min(len(g.Images), width/30))
	labels := make([]string, len(g.Images))
	for i := range labels {
		labels[i] = plot.Caption(g.True[i], g.Predicted[i], g.Confidence[i], caps)
	}
	return plot.DigitGrid(g.Images, labels, cols, caps)
}

// String draws the grid in ASCII.
func (g *DigitGrid) String() string { return g.Display(120, plot.Caps{}) }
