//go:build ignore

// gen draws the sample digits: thick pen strokes, antialiased, dark ink on
// a light background, at sizes and positions unlike MNIST's so that the
// preprocessing has work to do.
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

type pt struct{ x, y float64 }

// stroke is a pen path in unit coordinates (0..1 across the canvas).
type digit struct {
	file          string
	w, h          int
	pen           float64 // pen radius in pixels
	ink, paper    color.RGBA
	path          [][]pt
	offX, offY, s float64 // placement of the unit square
}

func arc(cx, cy, r, from, to float64, n int) []pt {
	var p []pt
	for i := 0; i <= n; i++ {
		a := from + (to-from)*float64(i)/float64(n)
		p = append(p, pt{cx + r*math.Cos(a), cy + r*math.Sin(a)})
	}
	return p
}

func main() {
	two := append(arc(0.5, 0.32, 0.24, math.Pi*1.1, math.Pi*2.15, 24), pt{0.62, 0.55}, pt{0.22, 0.88}, pt{0.8, 0.86})
	seven := []pt{{0.2, 0.15}, {0.8, 0.15}, {0.45, 0.9}}
	digits := []digit{
		{file: "two.png", w: 28, h: 28, pen: 1.1, ink: color.RGBA{0, 0, 0, 255}, paper: color.RGBA{255, 255, 255, 255}, path: [][]pt{two}, offX: 4, offY: 3, s: 20},
		{file: "two_large.png", w: 240, h: 180, pen: 6, ink: color.RGBA{20, 40, 140, 255}, paper: color.RGBA{250, 248, 240, 255}, path: [][]pt{two}, offX: 120, offY: 30, s: 110},
		{file: "seven.png", w: 120, h: 160, pen: 4, ink: color.RGBA{60, 60, 60, 255}, paper: color.RGBA{255, 255, 255, 255}, path: [][]pt{seven}, offX: 10, offY: 20, s: 80},
	}
	for _, d := range digits {
		img := image.NewRGBA(image.Rect(0, 0, d.w, d.h))
		for y := 0; y < d.h; y++ {
			for x := 0; x < d.w; x++ {
				dist := math.Inf(1)
				for _, path := range d.path {
					for i := 1; i < len(path); i++ {
						a := pt{d.offX + path[i-1].x*d.s, d.offY + path[i-1].y*d.s}
						b := pt{d.offX + path[i].x*d.s, d.offY + path[i].y*d.s}
						dist = math.Min(dist, segDist(pt{float64(x) + 0.5, float64(y) + 0.5}, a, b))
					}
				}
				cov := math.Max(0, math.Min(1, d.pen+0.5-dist)) // antialiased edge
				img.Set(x, y, mix(d.paper, d.ink, cov))
			}
		}
		f, err := os.Create(d.file)
		if err != nil {
			log.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			log.Fatal(err)
		}
		f.Close()
	}
}

func segDist(p, a, b pt) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	t := ((p.x-a.x)*dx + (p.y-a.y)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(p.x-a.x-t*dx, p.y-a.y-t*dy)
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 255}
}
