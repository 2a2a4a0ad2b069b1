package plot

import (
	"errors"
	"fmt"
	"io"

	"github.com/nnlab/nnlab/internal/atomicfile"
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
	// LegendBottom puts the legend in the bottom right corner instead of
	// the top right: for rising curves (accuracy), which end at the top.
	LegendBottom bool
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
	if err := atomicfile.Write(path, 0o644, c.WritePNG); err != nil {
		return fmt.Errorf("plot: SavePNG: %w", err)
	}
	return nil
}

// WritePNG renders the chart as a PNG to w.
func (c Chart) WritePNG(w io.Writer) error { return WritePNGs(w, c) }

// SavePNGs writes charts one above the other in a single PNG at path,
// atomically (see SavePNG): a training history's loss and accuracy in one
// file. Each chart is Width×Height pixels (the first chart's size, or the
// defaults).
func SavePNGs(path string, charts ...Chart) error {
	if len(charts) == 0 {
		return errors.New("plot: SavePNGs: no charts")
	}
	for _, c := range charts {
		if len(c.Series) == 0 {
			return errors.New("plot: SavePNGs: a chart without series")
		}
	}
	if err := atomicfile.Write(path, 0o644, func(w io.Writer) error { return WritePNGs(w, charts...) }); err != nil {
		return fmt.Errorf("plot: SavePNGs: %w", err)
	}
	return nil
}

// pngMargin keeps the legend and the ends of the curves off the image's
// edges.
const pngMargin = 10

// WritePNGs renders charts one above the other as one PNG to w.
func WritePNGs(w io.Writer, charts ...Chart) error {
	if len(charts) == 0 {
		return errors.New("plot: no charts")
	}
	wpx, hpx := charts[0].Width, charts[0].Height
	if wpx <= 0 {
		wpx = DefaultPNGWidth
	}
	if hpx <= 0 {
		hpx = DefaultPNGHeight
	}
	plots := make([][]*gplot.Plot, len(charts))
	for i, c := range charts {
		p, err := c.plot()
		if err != nil {
			return err
		}
		plots[i] = []*gplot.Plot{p}
	}
	canvas := vgimg.NewWith(
		vgimg.UseWH(vg.Length(wpx)*vg.Inch/pngDPI, vg.Length(hpx*len(charts))*vg.Inch/pngDPI),
		vgimg.UseDPI(pngDPI))
	m := vg.Points(pngMargin)
	dc := draw.Crop(draw.New(canvas), m/2, -m, m/2, -m/2)
	tiles := draw.Tiles{Rows: len(charts), Cols: 1, PadY: 2 * m}
	canvases := gplot.Align(plots, tiles, dc)
	for i := range plots {
		plots[i][0].Draw(canvases[i][0])
	}
	_, err := vgimg.PngCanvas{Canvas: canvas}.WriteTo(w)
	return err
}

// plot builds the gonum plot of the chart.
func (c Chart) plot() (*gplot.Plot, error) {
	p := gplot.New()
	p.Title.Text = c.Title
	p.X.Label.Text = c.XLabel
	p.Y.Label.Text = c.YLabel
	p.Add(plotter.NewGrid())
	p.Legend.Top = !c.LegendBottom
	// Inside the frame, clear of its edges.
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(4), -vg.Points(4)
	if c.LegendBottom {
		p.Legend.YOffs = vg.Points(4)
	}
	p.Legend.Padding = vg.Points(3)
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
			return nil, fmt.Errorf("plot: series %q: %w", s.Name, err)
		}
		l.Color = plotutil.Color(i)
		l.Dashes = plotutil.Dashes(0)
		l.Width = vg.Points(1.5)
		p.Add(l)
		if s.Name != "" {
			p.Legend.Add(s.Name, l)
		}
	}
	return p, nil
}
