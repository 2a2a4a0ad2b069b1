// Package mime renders nnlab values as Jupyter MIME bundles: a digit
// tensor as an image/png, a digit grid as an HTML table of images with
// their captions, a training history as an HTML table of its epochs and a
// PNG chart of its curves, a confusion matrix and a model summary as HTML
// tables. Every bundle has the REPL's text as text/plain.
package mime

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
	"regexp"
	"strings"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
	"github.com/nnlab/nnlab/nn/plot"
)

// Bundle is a MIME bundle: MIME type to content.
type Bundle map[string]any

// digitScale is how many pixels a digit's pixel becomes.
const digitScale = 4

// For returns the bundle of value v, whose display in the REPL is text. A
// renderer that panics leaves the bundle with text/plain only.
func For(v any, text string) (b Bundle) {
	b = Bundle{"text/plain": strings.TrimRight(text, "\n")}
	defer func() {
		if recover() != nil {
			b = Bundle{"text/plain": strings.TrimRight(text, "\n")}
		}
	}()
	switch x := v.(type) {
	case *nn.Tensor:
		if img, ok := digit(x); ok {
			b["image/png"] = Base64(encodePNG(img))
		}
	case *model.DigitGrid:
		b["text/html"] = gridHTML(x)
	case *model.History:
		h := historyHTML(x)
		if len(x.Epochs) >= 2 {
			if p, err := historyPNG(x); err == nil {
				// A front end shows one type of a bundle, HTML before
				// PNG: the HTML carries the chart too.
				b["image/png"] = Base64(p)
				h += fmt.Sprintf(`<img src="data:image/png;base64,%s" alt="loss and accuracy per epoch">`, Base64(p))
			}
		}
		b["text/html"] = h
	case *model.Confusion:
		b["text/html"] = confusionHTML(x)
	case interface{ Summary() string }:
		if h, ok := summaryHTML(x.Summary()); ok {
			b["text/html"] = h
		}
	}
	return b
}

// digit draws a tensor of 28×28 values in [0,1] or [0,255] as a grey
// image, ink dark on white, each pixel digitScale pixels wide.
func digit(t *nn.Tensor) (image.Image, bool) {
	if t == nil || t.Len() != 28*28 || t.DType() == nn.Bool {
		return nil, false
	}
	for _, d := range t.Shape() {
		if d != 1 && d != 28 && d != 784 {
			return nil, false
		}
	}
	return digitImage(t.Data())
}

// digitImage draws 784 values as an image; ok is false if they are not an
// image's intensities.
func digitImage(data []float32) (image.Image, bool) {
	if len(data) != 784 {
		return nil, false
	}
	hi := float32(0)
	for _, v := range data {
		if v < 0 || v > 255 || math.IsNaN(float64(v)) {
			return nil, false
		}
		hi = max(hi, v)
	}
	scale := float32(1)
	if hi > 1 {
		scale = 1.0 / 255
	}
	img := image.NewGray(image.Rect(0, 0, 28*digitScale, 28*digitScale))
	for y := range 28 * digitScale {
		for x := range 28 * digitScale {
			v := data[(y/digitScale)*28+x/digitScale] * scale
			img.SetGray(x, y, color.Gray{Y: uint8(255 - min(v, 1)*255)})
		}
	}
	return img, true
}

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	png.Encode(&buf, img) // cannot fail on a bytes.Buffer
	return buf.Bytes()
}

// Base64 encodes PNG data as a bundle carries it.
func Base64(p []byte) string { return base64.StdEncoding.EncodeToString(p) }

// gridHTML is a table of the grid's digits with their captions.
func gridHTML(g *model.DigitGrid) string {
	const cols = 8
	var b strings.Builder
	b.WriteString(`<table class="nnlab-digits"><tr>`)
	for i, im := range g.Images {
		if i > 0 && i%cols == 0 {
			b.WriteString("</tr><tr>")
		}
		caption := plot.Caption(g.True[i], g.Predicted[i], g.Confidence[i], plot.Caps{})
		b.WriteString(`<td style="text-align:center">`)
		if img, ok := digitImage(im); ok {
			fmt.Fprintf(&b, `<img src="data:image/png;base64,%s" width="56" height="56" alt="digit"><br>`, Base64(encodePNG(img)))
		}
		fmt.Fprintf(&b, "<code>%s</code></td>", html.EscapeString(caption))
	}
	b.WriteString("</tr></table>")
	return b.String()
}

// historyHTML is a table of a training history's epochs.
func historyHTML(h *model.History) string {
	var b strings.Builder
	b.WriteString(`<table class="nnlab-history"><tr><th>epoch</th><th>loss</th><th>acc</th><th>val_loss</th><th>val_acc</th><th>time</th></tr>`)
	num := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return fmt.Sprintf("%.4f", v)
	}
	for _, e := range h.Epochs {
		fmt.Fprintf(&b, "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.1fs</td></tr>",
			e.Epoch, num(e.Loss), num(e.Acc), num(e.ValLoss), num(e.ValAcc), e.Seconds)
	}
	b.WriteString("</table>")
	return b.String()
}

// historyPNG charts a history's loss and accuracy.
func historyPNG(h *model.History) ([]byte, error) {
	series := []plot.Series{{Name: "loss", Y: h.Loss()}, {Name: "acc", Y: h.Acc()}}
	if v := h.ValAcc(); len(v) > 0 && !math.IsNaN(v[len(v)-1]) {
		series = append(series, plot.Series{Name: "val_loss", Y: h.ValLoss()}, plot.Series{Name: "val_acc", Y: v})
	}
	var buf bytes.Buffer
	err := plot.Chart{Title: "training", XLabel: "epoch", Width: 640, Height: 320, Series: series}.WritePNG(&buf)
	return buf.Bytes(), err
}

// confusionHTML is a confusion matrix: true classes down, predicted across.
func confusionHTML(c *model.Confusion) string {
	var b strings.Builder
	b.WriteString(`<table class="nnlab-confusion"><tr><th>true \ predicted</th>`)
	for p := range c.Counts {
		fmt.Fprintf(&b, "<th>%d</th>", p)
	}
	b.WriteString("</tr>")
	for t, row := range c.Counts {
		fmt.Fprintf(&b, "<tr><th>%d</th>", t)
		for p, n := range row {
			style := ""
			if p == t {
				style = ` style="font-weight:bold"`
			}
			fmt.Fprintf(&b, "<td%s>%d</td>", style, n)
		}
		b.WriteString("</tr>")
	}
	fmt.Fprintf(&b, "</table><p>accuracy %.4f</p>", c.Accuracy())
	return b.String()
}

// columns splits a summary line at runs of two or more spaces.
var columns = regexp.MustCompile(`\s{2,}`)

// summaryHTML turns a Keras-style summary (a title, a header between rule
// lines, rows, then totals) into a table. ok is false for text of another
// shape, such as a summary that says the input shape is unknown.
func summaryHTML(s string) (string, bool) {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	var b strings.Builder
	rows, header, title := 0, false, ""
	var after []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
		case strings.Trim(t, "_=-") == "":
			// a rule line
		case !header && strings.HasPrefix(t, "Model:"):
			title = t
		case !header && len(columns.Split(t, -1)) == 3:
			header = true
			b.WriteString(`<table class="nnlab-summary"><tr>`)
			for _, c := range columns.Split(t, -1) {
				fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(c))
			}
			b.WriteString("</tr>")
		case header && len(after) == 0 && len(columns.Split(t, -1)) == 3:
			rows++
			b.WriteString("<tr>")
			for _, c := range columns.Split(t, -1) {
				fmt.Fprintf(&b, "<td>%s</td>", html.EscapeString(c))
			}
			b.WriteString("</tr>")
		default:
			after = append(after, t)
		}
	}
	if !header || rows == 0 {
		return "", false
	}
	b.WriteString("</table>")
	out := ""
	if title != "" {
		out = "<p><b>" + html.EscapeString(title) + "</b></p>"
	}
	out += b.String()
	for _, l := range after {
		out += "<p>" + html.EscapeString(l) + "</p>"
	}
	return out, true
}
