//go:build ignore

// gen writes the handwriting evaluation sets of README.md from files that
// Debian packages install (run by go generate in nn/model):
//
//   - optdigits/: real digits of the UCI "Optical Recognition of
//     Handwritten Digits" test set, as python3-sklearn ships it, 8x8
//     grey levels scaled up (bilinearly, as an image viewer does) to PNGs
//     of various sizes, margins, ink and paper colours;
//   - fonts/: the digits 0-9 of handwriting-style fonts at several sizes,
//     stroke weights, slants and positions, some touching the border.
//
// Every random choice comes from one seeded generator, so the same
// sources give the same files. The label of each file is the first
// character of its name.
//
//	go run gen.go [-digits digits.csv.gz] [-fonts /usr/share/fonts] [-n 100] [-variants 2] [-out DIR]
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// fontFiles are the handwriting-style fonts rendered, relative to -fonts,
// with the Debian package that installs each (see README.md).
var fontFiles = []struct{ pkg, file string }{
	{"fonts-comic-neue", "opentype/comic-neue/ComicNeue-Regular.otf"},
	{"fonts-comic-neue", "opentype/comic-neue/ComicNeue-Bold.otf"},
	{"fonts-comic-neue", "opentype/comic-neue/ComicNeue-LightItalic.otf"},
	{"fonts-dkg-handwriting", "truetype/fifthhorseman/dkg.ttf"},
	{"fonts-dkg-handwriting", "truetype/fifthhorseman/dkgBd.ttf"},
	{"fonts-breip", "truetype/breip/Breip.ttf"},
	{"fonts-bwht", "opentype/bwht/BecauseWeBuild-Regular.otf"},
	{"fonts-bwht", "opentype/bwht/BecauseWeConnect-Regular.otf"},
	{"fonts-bwht", "opentype/bwht/BecauseWeCreate-Regular.otf"},
	{"fonts-bwht", "opentype/bwht/BecauseWeLearn-Regular.otf"},
	{"fonts-bwht", "opentype/bwht/BecauseWeMentor-Regular.otf"},
	{"fonts-bwht", "opentype/bwht/BecauseWeOrganize-Regular.otf"},
	{"fonts-dancingscript", "opentype/dancingscript/DancingScript-Regular.otf"},
	// Not fonts-femkeklaver: its glyphs are outlines, a digit's contour
	// rather than a pen's stroke.
	{"fonts-dkg-handwriting", "truetype/fifthhorseman/dkgIt.ttf"},
	{"fonts-humor-sans", "truetype/humor-sans/Humor-Sans.ttf"},
	{"fonts-kaushanscript", "opentype/kaushanscript/KaushanScript-Regular.otf"},
	{"fonts-klee", "truetype/klee/KleeOne-Regular.ttf"},
	{"fonts-klee", "truetype/klee/KleeOne-SemiBold.ttf"},
	{"fonts-kristi", "truetype/kristi/Kristi.ttf"},
	{"fonts-rufscript", "truetype/rufscript/Rufscript010.ttf"},
	{"fonts-tomsontalks", "truetype/tomsontalks/TomsonTalks.ttf"},
	{"fonts-yusei-magic", "truetype/yusei-magic/YuseiMagic-Regular.ttf"},
	{"fonts-seto", "truetype/seto/setofont.ttf"},
	{"fonts-yozvox-yozfont", "truetype/yozvox-yozfont/YOzRN_.ttf"},
	{"fonts-yozvox-yozfont", "truetype/yozvox-yozfont/YOzBN_.ttf"},
}

func main() {
	digits := flag.String("digits", "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz", "sklearn's digits.csv.gz (Debian package python3-sklearn)")
	fonts := flag.String("fonts", "/usr/share/fonts", "the directory Debian's font packages install into")
	perDigit := flag.Int("n", 100, "real digits per class")
	variants := flag.Int("variants", 2, "renderings of each digit of each font")
	out := flag.String("out", ".", "the directory to write optdigits/ and fonts/ into")
	flag.Parse()
	r := rand.New(rand.NewPCG(16, 2026))
	if err := realDigits(*digits, filepath.Join(*out, "optdigits"), *perDigit, r); err != nil {
		log.Fatal(err)
	}
	if err := fontDigits(*fonts, filepath.Join(*out, "fonts"), *variants, r); err != nil {
		log.Fatal(err)
	}
}

// realDigits writes the first n digits of each class of the csv file
// (64 grey levels 0-16 row by row, then the label, per line) as PNGs.
func realDigits(path, dir string, n int, r *rand.Rand) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%v (install Debian's python3-sklearn or pass -digits)", err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if err := fresh(dir); err != nil {
		return err
	}
	var count [10]int
	s := bufio.NewScanner(z)
	for line := 1; s.Scan(); line++ {
		fields := strings.Split(strings.TrimSpace(s.Text()), ",")
		if len(fields) != 65 {
			return fmt.Errorf("%s:%d: %d fields, want 65", path, line, len(fields))
		}
		var v [65]int
		for i, fs := range fields {
			if v[i], err = strconv.Atoi(fs); err != nil || v[i] < 0 || (i < 64 && v[i] > 16) || (i == 64 && v[i] > 9) {
				return fmt.Errorf("%s:%d: field %d is %q", path, line, i+1, fs)
			}
		}
		d := v[64]
		if count[d] >= n {
			continue
		}
		count[d]++
		var g [64]float64
		for i := range g {
			g[i] = float64(v[i]) / 16
		}
		img := scan(g, r)
		if err := save(filepath.Join(dir, fmt.Sprintf("%d_%04d.png", d, line)), img); err != nil {
			return err
		}
	}
	if err := s.Err(); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	for d, c := range count {
		if c < n {
			return fmt.Errorf("%s: only %d digits %d", path, c, d)
		}
	}
	return nil
}

// scan enlarges an 8x8 grid of ink levels in [0,1] to a PNG as a person
// might save a low-resolution scan: a digit box of 20-72 pixels with a
// margin, bilinear interpolation, ink and paper of some colour, one time
// in four a little sensor noise.
func scan(g [64]float64, r *rand.Rand) image.Image {
	box := 20 + r.IntN(53)
	mx, my := int(float64(box)*(0.05+0.4*r.Float64())), int(float64(box)*(0.05+0.4*r.Float64()))
	w, h := box+mx+int(float64(box)*0.4*r.Float64()), box+my+int(float64(box)*0.4*r.Float64())
	ink, paper := colours(r)
	noise := 0.0
	if r.IntN(4) == 0 {
		noise = 5 * r.Float64()
	}
	at := func(i, j int) float64 {
		i, j = min(max(i, 0), 7), min(max(j, 0), 7)
		return g[j*8+i]
	}
	return paint(w, h, ink, paper, noise, r, func(x, y int) float64 {
		if x < mx || y < my || x >= mx+box || y >= my+box {
			return 0
		}
		sx := (float64(x-mx)+0.5)*8/float64(box) - 0.5
		sy := (float64(y-my)+0.5)*8/float64(box) - 0.5
		i, j := int(math.Floor(sx)), int(math.Floor(sy))
		fx, fy := sx-float64(i), sy-float64(j)
		return (1-fy)*((1-fx)*at(i, j)+fx*at(i+1, j)) + fy*((1-fx)*at(i, j+1)+fx*at(i+1, j+1))
	})
}

// colours picks ink and paper: half the time black on white, else a dark
// ink (blue, black, red, green, pencil grey) on white, cream, grey or
// coloured paper, and one time in eight light ink on a dark board.
func colours(r *rand.Rand) (ink, paper color.RGBA) {
	if r.IntN(2) == 0 {
		return color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}
	}
	inks := []color.RGBA{{20, 30, 140, 255}, {30, 30, 35, 255}, {170, 20, 20, 255}, {20, 110, 40, 255}, {90, 90, 95, 255}}
	papers := []color.RGBA{{255, 255, 255, 255}, {250, 244, 225, 255}, {215, 215, 210, 255}, {255, 248, 170, 255}, {205, 225, 250, 255}}
	ink, paper = inks[r.IntN(len(inks))], papers[r.IntN(len(papers))]
	if r.IntN(8) == 0 {
		ink, paper = color.RGBA{235, 235, 225, 255}, color.RGBA{40, 60, 50, 255}
	}
	return ink, paper
}

// paint makes a w x h image mixing paper and ink by cover(x, y) in [0,1]
// with uniform noise of the given amplitude; grey when both are grey.
func paint(w, h int, ink, paper color.RGBA, noise float64, r *rand.Rand, cover func(x, y int) float64) image.Image {
	grey := ink.R == ink.G && ink.G == ink.B && paper.R == paper.G && paper.G == paper.B
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	gray := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a := min(1, max(0, cover(x, y)))
			n := noise * (2*r.Float64() - 1)
			mix := func(p, i uint8) uint8 {
				return uint8(min(255, max(0, math.Round(float64(p)*(1-a)+float64(i)*a+n))))
			}
			if grey {
				gray.SetGray(x, y, color.Gray{mix(paper.R, ink.R)})
				continue
			}
			rgba.SetRGBA(x, y, color.RGBA{mix(paper.R, ink.R), mix(paper.G, ink.G), mix(paper.B, ink.B), 255})
		}
	}
	if grey {
		return gray
	}
	return rgba
}

// fontDigits writes variants renderings of the digits 0-9 of every font.
func fontDigits(root, dir string, variants int, r *rand.Rand) error {
	if err := fresh(dir); err != nil {
		return err
	}
	for _, ff := range fontFiles {
		path := filepath.Join(root, ff.file)
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%v (install Debian's %s)", err, ff.pkg)
		}
		fnt, err := opentype.Parse(b)
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		name := strings.ToLower(strings.TrimSuffix(filepath.Base(ff.file), filepath.Ext(ff.file)))
		for d := 0; d < 10; d++ {
			for v := 0; v < variants; v++ {
				img, err := glyph(fnt, rune('0'+d), r)
				if err != nil {
					return fmt.Errorf("%s: digit %d: %v", path, d, err)
				}
				if err := save(filepath.Join(dir, fmt.Sprintf("%d_%s_%d.png", d, name, v)), img); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// glyph renders digit c of fnt as a drawing: a size of 24-72 pixels, the
// stroke made thinner or bolder by up to a few pixels, slanted by up to
// ±12°, placed anywhere on a canvas, one time in five touching an edge.
func glyph(fnt *opentype.Font, c rune, r *rand.Rand) (image.Image, error) {
	size := 24 + r.Float64()*48
	face, err := opentype.NewFace(fnt, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	defer face.Close()
	bounds, _, ok := face.GlyphBounds(c)
	if !ok {
		return nil, fmt.Errorf("no glyph")
	}
	pad := int(size/2) + 8
	gw, gh := (bounds.Max.X-bounds.Min.X).Ceil()+2*pad, (bounds.Max.Y-bounds.Min.Y).Ceil()+2*pad
	mask := image.NewAlpha(image.Rect(0, 0, gw, gh))
	dr := font.Drawer{Dst: mask, Src: image.Opaque, Face: face,
		Dot: fixed.Point26_6{X: fixed.I(pad) - bounds.Min.X, Y: fixed.I(pad) - bounds.Min.Y}}
	dr.DrawString(string(c))
	cover := make([]float64, gw*gh)
	for i, a := range mask.Pix {
		cover[i] = float64(a) / 255
	}
	// Stroke weight: a soft dilation (bolder) or erosion (thinner), not
	// so bold that the loops of a thin pen's 8 fill up.
	rad := (r.Float64()*1.5 - 0.7) * size / 24
	cover = morph(cover, gw, gh, rad)
	// Slant about the glyph's middle, then crop to the ink.
	slant := math.Tan((r.Float64()*24 - 12) * math.Pi / 180)
	x0, y0, x1, y1 := gw, gh, -1, -1
	for y := 0; y < gh; y++ {
		for x := 0; x < gw; x++ {
			if cover[y*gw+x] > 0.02 {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return nil, fmt.Errorf("blank glyph")
	}
	mid := float64(y0+y1) / 2
	shift := int(math.Ceil(math.Abs(slant) * float64(y1-y0) / 2))
	iw, ih := x1-x0+1+2*shift, y1-y0+1
	// Canvas: a margin of 10-60% of the glyph on each side, or none on
	// one side (the digit touches the border).
	side := float64(max(iw, ih))
	ml, mr := int(side*(0.1+0.5*r.Float64())), int(side*(0.1+0.5*r.Float64()))
	mt, mb := int(side*(0.1+0.5*r.Float64())), int(side*(0.1+0.5*r.Float64()))
	if r.IntN(5) == 0 {
		switch r.IntN(4) {
		case 0:
			ml = 0
		case 1:
			mr = 0
		case 2:
			mt = 0
		default:
			mb = 0
		}
	}
	ink, paper := colours(r)
	sample := func(x, y float64) float64 {
		i, j := int(math.Floor(x)), int(math.Floor(y))
		fx, fy := x-float64(i), y-float64(j)
		at := func(i, j int) float64 {
			if i < 0 || j < 0 || i >= gw || j >= gh {
				return 0
			}
			return cover[j*gw+i]
		}
		return (1-fy)*((1-fx)*at(i, j)+fx*at(i+1, j)) + fy*((1-fx)*at(i, j+1)+fx*at(i+1, j+1))
	}
	noise := 0.0
	if r.IntN(3) == 0 {
		noise = 6 * r.Float64()
	}
	return paint(ml+iw+mr, mt+ih+mb, ink, paper, noise, r, func(x, y int) float64 {
		sy := float64(y - mt + y0)
		sx := float64(x-ml+x0-shift) + slant*(sy-mid)
		return sample(sx, sy)
	}), nil
}

// morph thickens (rad > 0) or thins (rad < 0) strokes by |rad| pixels: a
// grey-level dilation or erosion over a disc with a soft edge.
func morph(c []float64, w, h int, rad float64) []float64 {
	if math.Abs(rad) < 0.25 {
		return c
	}
	k := int(math.Ceil(math.Abs(rad)))
	out := make([]float64, len(c))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			best := c[y*w+x]
			for dy := -k; dy <= k; dy++ {
				for dx := -k; dx <= k; dx++ {
					d := math.Hypot(float64(dx), float64(dy))
					wgt := min(1, max(0, math.Abs(rad)+0.5-d)) // soft disc edge
					if wgt == 0 {
						continue
					}
					xx, yy := x+dx, y+dy
					v := 0.0
					if xx >= 0 && yy >= 0 && xx < w && yy < h {
						v = c[yy*w+xx]
					}
					if rad > 0 {
						best = max(best, wgt*v)
					} else {
						best = min(best, 1-wgt*(1-v))
					}
				}
			}
			out[y*w+x] = best
		}
	}
	return out
}

// fresh empties dir (of PNGs) or creates it.
func fresh(dir string) error {
	old, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	for _, p := range old {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	return os.MkdirAll(dir, 0o755)
}

func save(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
