package model

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
)

// validationDigits returns n MNIST validation digits [n, 784], or skips.
func validationDigits(t *testing.T, n int) *nn.Tensor {
	t.Helper()
	d, err := mnist.ReadDataSets("", true)
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	return d.Validation.Images.Slice(0, n).Clone()
}

// inkBox returns the bounding box of the pixels above a fifth of the peak
// of a 28x28 image, and the stroke width: ink over the length of the
// skeleton, estimated as ink over the count of pixels above half the peak
// that have an empty 4-neighbour (the boundary, twice the length).
func inkStats(img []float32) (w, h int, ink float64) {
	var peak float32
	for _, v := range img {
		peak = max(peak, v)
	}
	x0, y0, x1, y1 := 28, 28, -1, -1
	for y := 0; y < 28; y++ {
		for x := 0; x < 28; x++ {
			v := img[y*28+x]
			ink += float64(v)
			if v > 0.2*peak {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	return x1 - x0 + 1, y1 - y0 + 1, ink
}

// TestAugmentUnits checks each change of a RobustAugmentation on its own,
// on MNIST digits: thickening adds ink and thinning removes some but not
// most, blur keeps the ink but lowers the peak, low resolution keeps the
// ink roughly, noise stays in [0,1], and reframing puts the digit in a
// 20-pixel box (±Scale) with its centre of mass at 14,14 (±Shift, +0.5
// for rounding).
func TestAugmentUnits(t *testing.T) {
	const n = 100
	x := validationDigits(t, n)
	g := newAugmenter(*RobustAugmentation(), rand.New(rand.NewPCG(3, 4)), []int{28, 28, 1})
	img := make([]float32, 784)
	offBox := 0
	defer func() {
		if offBox > n/20 {
			t.Errorf("%d of %d digits were not reframed into the box asked for", offBox, n)
		}
	}()
	for i := 0; i < n; i++ {
		orig := x.Data()[i*784 : (i+1)*784]
		_, _, ink := inkStats(orig)
		peak := func(a []float32) float32 {
			var p float32
			for _, v := range a {
				p = max(p, v)
			}
			return p
		}
		cases := []struct {
			name   string
			change func([]float32)
			lo, hi float64 // bounds on the ink after, relative to before
		}{
			{"thicken 1.5", func(a []float32) { g.stroke(a, 1.5) }, 1.3, 4},
			{"thin 0.8", func(a []float32) { g.stroke(a, -0.8) }, 0.39, 0.95},
			{"blur 1.2", func(a []float32) { g.blur(a, 1.2) }, 0.97, 1.001},
			{"low resolution 8", func(a []float32) { g.lowRes(a, 8) }, 0.8, 1.2},
			{"noise 0.1", func(a []float32) { g.noise(a, 0.1) }, 0.9, 3},
		}
		for _, c := range cases {
			copy(img, orig)
			c.change(img)
			_, _, after := inkStats(img)
			if r := after / ink; r < c.lo || r > c.hi {
				t.Errorf("image %d: %s: ink %.1f -> %.1f (×%.2f), want ×%.2f to ×%.2f", i, c.name, ink, after, r, c.lo, c.hi)
			}
			for _, v := range img {
				if v < 0 || v > 1.0001 || math.IsNaN(float64(v)) {
					t.Fatalf("image %d: %s: pixel %v outside [0,1]", i, c.name, v)
				}
			}
		}
		copy(img, orig)
		g.blur(img, 1.2)
		if p := peak(img); p > 0.99*peak(orig) {
			t.Errorf("image %d: blur kept the peak at %.2f of %.2f", i, p, peak(orig))
		}
		// Reframe into a 16-pixel box centred at (12.5, 15).
		copy(img, orig)
		g.reframe(img, 16, 12.5, 15)
		// A digit with a faint stray mark in its box may come out
		// smaller: the mark fades below the threshold when scaled.
		if w, h, _ := inkStats(img); max(w, h) < 15 || max(w, h) > 17 {
			t.Logf("image %d: reframed into %dx%d, not a 16-pixel box", i, w, h)
			offBox++
		}
		var s, sx, sy float64
		for y := 0; y < 28; y++ {
			for x := 0; x < 28; x++ {
				v := float64(img[y*28+x])
				s, sx, sy = s+v, sx+v*float64(x), sy+v*float64(y)
			}
		}
		if cx, cy := sx/s, sy/s; math.Abs(cx-12.5) > 1.01 || math.Abs(cy-15) > 1.01 {
			t.Errorf("image %d: reframed centre of mass at (%.2f, %.2f), want (12.5, 15) within a pixel", i, cx, cy)
		}
	}
}

// TestReframeIsPreprocess checks that reframing an image into the
// standard box does what mnist.Preprocess does to the same image: the
// digits of MNIST, changed by a rotation and slant so that they need
// reframing, drawn as 8-bit grey images.
func TestReframeIsPreprocess(t *testing.T) {
	const n = 50
	x := validationDigits(t, n)
	g := newAugmenter(Augmentation{Rotate: 20, Slant: 20, Aspect: 0.3}, rand.New(rand.NewPCG(5, 6)), []int{28, 28, 1})
	g.apply(x)
	worst := 0.0
	for i := 0; i < n; i++ {
		img := x.Data()[i*784 : (i+1)*784]
		gray := image.NewGray(image.Rect(0, 0, 28, 28))
		for j, v := range img {
			q := uint8(math.Round(255 * (1 - float64(min(1, v)))))
			gray.Pix[j] = q
			img[j] = 1 - float32(q)/255 // what Preprocess reads back
		}
		want := mnist.Preprocess(gray).Data()
		stretch(img)
		g.reframe(img, frameBox, frameCentre, frameCentre)
		for j := range img {
			worst = max(worst, math.Abs(float64(img[j]-want[j])))
		}
	}
	t.Logf("largest difference from mnist.Preprocess: %.2g", worst)
	if worst > 1e-3 {
		t.Errorf("reframed digits differ from mnist.Preprocess's by up to %.3g", worst)
	}
}

// TestAugmentDeterministicAndFree checks that the same seed gives the
// same images, another seed others, and that a batch is augmented without
// allocating. It logs the time per image.
func TestAugmentDeterministicAndFree(t *testing.T) {
	const n = 128
	x := validationDigits(t, n)
	run := func(seed uint64) *nn.Tensor {
		b := x.Clone()
		newAugmenter(*RobustAugmentation(), rand.New(rand.NewPCG(seed, 1)), []int{28, 28, 1}).apply(b)
		return b
	}
	a, b, c := run(1), run(1), run(2)
	same := func(p, q *nn.Tensor) bool {
		for i, v := range p.Data() {
			if q.Data()[i] != v {
				return false
			}
		}
		return true
	}
	if !same(a, b) {
		t.Error("the same seed gave different images")
	}
	if same(a, c) {
		t.Error("another seed gave the same images")
	}
	g := newAugmenter(*RobustAugmentation(), rand.New(rand.NewPCG(1, 1)), []int{28, 28, 1})
	batch := x.Clone()
	if allocs := testing.AllocsPerRun(5, func() { g.apply(batch) }); allocs != 0 {
		t.Errorf("augmenting a batch of %d allocates %.1f times", n, allocs)
	}
	start := time.Now()
	const rounds = 5
	for r := 0; r < rounds; r++ {
		copy(batch.Data(), x.Data())
		g.apply(batch)
	}
	t.Logf("RobustAugmentation: %v per image", time.Since(start)/(rounds*n))
}

// TestRobustAugmentationPicture writes a grid of MNIST digits changed by
// RobustAugmentation to $NNLAB_AUGMENT_OUT (a PNG), to look at: the
// first row as they are, each further row another draw.
func TestRobustAugmentationPicture(t *testing.T) {
	out := os.Getenv("NNLAB_AUGMENT_OUT")
	if out == "" {
		t.Skip("set NNLAB_AUGMENT_OUT to a PNG path to see augmented digits")
	}
	const n = 20
	x := validationDigits(t, n)
	g := newAugmenter(*RobustAugmentation(), rand.New(rand.NewPCG(1, 2)), []int{28, 28, 1})
	img := image.NewGray(image.Rect(0, 0, 30*n, 30*8))
	for row := 0; row < 8; row++ {
		b := x.Clone()
		if row > 0 {
			g.apply(b)
		}
		for k := 0; k < n; k++ {
			p := b.Data()[k*784 : (k+1)*784]
			for y := 0; y < 28; y++ {
				for xx := 0; xx < 28; xx++ {
					img.SetGray(30*k+xx, 30*row+y, color.Gray{uint8(255 * (1 - p[y*28+xx]))})
				}
			}
		}
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkRobustAugmentation measures augmenting a batch of 128 MNIST
// digits with RobustAugmentation.
func BenchmarkRobustAugmentation(b *testing.B) {
	d, err := mnist.ReadDataSets("", true)
	if err != nil {
		b.Skipf("MNIST not available: %v", err)
	}
	x := d.Validation.Images.Slice(0, 128).Clone()
	batch := x.Clone()
	g := newAugmenter(*RobustAugmentation(), rand.New(rand.NewPCG(1, 1)), []int{28, 28, 1})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		copy(batch.Data(), x.Data())
		g.apply(batch)
	}
}

// TestAugmentPlain checks that Plain images get only the shift, rotation
// and scaling: with Plain 1, strong stroke, blur and low-resolution
// settings leave every digit's ink within 10% and its peak at the
// original's, as Augment(2, 12) does; with Plain 0.5 about half of the
// digits (30-70%) change their ink by more.
func TestAugmentPlain(t *testing.T) {
	const n = 200
	x := validationDigits(t, n)
	heavy := Augmentation{Shift: 2, Rotate: 12, Stroke: 3, Blur: 2, LowRes: 1, Reframe: true}
	count := func(plain float64) int {
		a := heavy
		a.Plain = plain
		b := x.Clone()
		newAugmenter(a, rand.New(rand.NewPCG(9, 9)), []int{28, 28, 1}).apply(b)
		changed := 0
		for i := 0; i < n; i++ {
			_, _, before := inkStats(x.Data()[i*784 : (i+1)*784])
			_, _, after := inkStats(b.Data()[i*784 : (i+1)*784])
			if math.Abs(after-before) > 0.1*before {
				changed++
			}
		}
		return changed
	}
	if c := count(1); c != 0 {
		t.Errorf("Plain 1: %d of %d digits changed their ink by more than 10%%", c, n)
	}
	if c := count(0.5); c < 3*n/10 || c > 7*n/10 {
		t.Errorf("Plain 0.5: %d of %d digits changed their ink by more than 10%%, want about half", c, n)
	}
}
