package plot

import (
	"errors"
	"fmt"
	"io"

	"github.com/nnlab/nnlab/nn/safetensors"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Default size of SavePNG's images, in pixels.
const (
	DefaultPNGWidth  = 800
	DefaultPNGHeight = 500
)

// pngDPI is the resolution at which chart sizes in pixels are laid out.
const pngDPI = 96

// Chart is a line chart to render to PNG. Width and Height are in pixels
// (0 means DefaultPNGWidth / DefaultPNGHeight).
type Chart struct {
	Title, XLabel, YLabel string
	Width, Height         int
	Series                []Series
}

// SavePNG writes a line chart of series, with axes, labels and a legend,
// to path as a DefaultPNGWidth×DefaultPNGHeight PNG. The file is replaced
// atomically: written to a temporary file in the same directory, synced,
// then renamed over path, so a failure leaves any previous file intact.
//
// A training history plots with, for example:
//
//	plot.SavePNG("loss.png", "training", "epoch", "loss",
//		plot.Series{Name: "loss", Y: h.Loss()}, plot.Series{Name: "val_loss", Y: h.ValLoss()})
func SavePNG(path string, title, xlabel, ylabel string, series ...Series) error {
	return Chart{Title: title, XLabel: xlabel, YLabel: ylabel, Series: series}.SavePNG(path)
}

// SavePNG writes the chart to path atomically (see the function SavePNG).
func (c Chart) SavePNG(path string) error {
	if len(c.Series) == 0 {
		return errors.New("plot: SavePNG: no series to plot")
	}
	if err := safetensors.WriteFileAtomic(path, c.WritePNG); err != nil {
		return fmt.Errorf("plot: SavePNG: %w", err)
	}
	return nil
}

// WritePNG renders the chart as a PNG to w.
func (c Chart) WritePNG(w io.Writer) error {
	wpx, hpx := c.Width, c.Height
	if wpx <= 0 {
		wpx = DefaultPNGWidth
	}
	if hpx <= 0 {
		hpx = DefaultPNGHeight
	}
	p := gplot.New()
	p.Title.Text = c.Title
	p.X.Label.Text = c.XLabel
	p.Y.Label.Text = c.YLabel
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	for i, s := range c.Series {
		xs, ys := s.points()
		var xy plotter.XYs
		for j := range xs {
			if finite(ys[j]) {
				xy = append(xy, plotter.XY{X: xs[j], Y: ys[j]})
			}
		}
		if len(xy) == 0 {
			continue
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return fmt.Errorf("plot: series %q: %w", s.Name, err)
		}
		l.Color = plotutil.Color(i)
		l.Dashes = plotutil.Dashes(0)
		l.Width = vg.Points(1.5)
		p.Add(l)
		if s.Name != "" {
			p.Legend.Add(s.Name, l)
		}
	}
	canvas := vgimg.NewWith(
		vgimg.UseWH(vg.Length(wpx)*vg.Inch/pngDPI, vg.Length(hpx)*vg.Inch/pngDPI),
		vgimg.UseDPI(pngDPI))
	p.Draw(draw.New(canvas))
	_, err := vgimg.PngCanvas{Canvas: canvas}.WriteTo(w)
	return err
}
