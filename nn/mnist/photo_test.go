package mnist

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"
)

// photo makes a photo of m: lit by light(x, y) in [0,1] (a shadow, a
// lamp's fall-off), with paper grain of the given amplitude (in levels of
// 255), saved as a JPEG of the given quality and decoded again.
func photo(t *testing.T, m image.Image, light func(x, y float64) float64, grain float64, quality int) image.Image {
	t.Helper()
	b := m.Bounds()
	r := rand.New(rand.NewPCG(7, 8))
	out := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(m.At(x, y)).(color.NRGBA)
			l := light(float64(x-b.Min.X)/float64(b.Dx()), float64(y-b.Min.Y)/float64(b.Dy()))
			n := grain * (2*r.Float64() - 1)
			f := func(v uint8) uint8 { return uint8(math.Min(255, math.Max(0, float64(v)*l+n))) }
			out.Set(x, y, color.RGBA{f(c.R), f(c.G), f(c.B), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestPreprocessPhotos prepares photos of a drawn digit taken in uneven
// light (shadows across the page, a lamp's fall-off to the corners),
// with paper grain and JPEG noise, and checks that each comes out like
// the clean drawing: the paper's lighting is evened out before the ink
// is found.
func TestPreprocessPhotos(t *testing.T) {
	white, black := color.NRGBA{255, 255, 255, 255}, color.NRGBA{10, 10, 10, 255}
	clean := drawDigit(300, 240, 90, 40, 160, black, white)
	ref := Preprocess(clean)
	cases := []struct {
		name    string
		light   func(x, y float64) float64
		grain   float64
		quality int
	}{
		{"even light, grain, JPEG 60", func(x, y float64) float64 { return 0.9 }, 12, 60},
		{"shadow from the left", func(x, y float64) float64 { return 0.4 + 0.55*x }, 6, 75},
		{"lamp's fall-off to the corners", func(x, y float64) float64 {
			return 0.95 - 0.9*((x-0.6)*(x-0.6)+(y-0.4)*(y-0.4))
		}, 8, 70},
		{"soft shadow over the bottom", func(x, y float64) float64 { return 0.95 - 0.45*y*y }, 6, 80},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := Preprocess(photo(t, clean, tc.light, tc.grain, tc.quality))
			checkMNISTLike(t, x)
			c := cosine(x.Data(), ref.Data())
			t.Logf("cosine %.3f with the clean drawing", c)
			if c < 0.9 {
				t.Errorf("cosine %.3f with the clean drawing, want at least 0.9", c)
			}
		})
	}
}
