package model

import (
	"math"
	"math/rand/v2"

	"github.com/nnlab/nnlab/nn"
)

// Augmentation describes random changes Fit makes to each training image,
// drawn anew every time the image is used, so that the model learns
// digits that are a little off-centre, tilted, of another size, or drawn
// with another pen. Each field is one kind of change, off at zero; the
// strength of each is drawn uniformly up to the field's value.
//
// Plain images aside, the changes are made in this order: one smooth warp (Rotate, Slant,
// Aspect, Elastic, and Shift and Scale unless Reframe), then Stroke,
// LowRes and Blur, after which the ink is stretched so its peak is 1 (as
// mnist.Preprocess does); then Reframe and last Noise.
type Augmentation struct {
	Shift  float64 // largest shift in pixels, in each direction (e.g. 2)
	Rotate float64 // largest rotation in degrees, either way (e.g. 12)
	Scale  float64 // largest relative change of size (e.g. 0.1 for ±10%)

	Aspect  float64 // largest relative change of width against height (e.g. 0.15)
	Slant   float64 // largest shear in degrees, either way, as of italic writing (e.g. 15)
	Elastic float64 // largest displacement in pixels of a smooth random warp (e.g. 1.5)

	// Stroke is the largest change of stroke width in pixels (e.g. 1.5):
	// half of the images are thickened by up to Stroke pixels or thinned
	// by up to half of it, by grey-level dilation or erosion with soft
	// edges.
	Stroke float64
	// Blur is the largest Gaussian blur, as its standard deviation in
	// pixels (e.g. 1.2), applied to half of the images.
	Blur float64
	// LowRes is the fraction of images (e.g. 0.3) seen at a low
	// resolution, 7 to 14 pixels across the digit's 20, and scaled back
	// up, as a small scan or photo enlarged is.
	LowRes float64
	// Noise is the largest amplitude of pixel noise (e.g. 0.1), added to
	// half of the images.
	Noise float64

	// Plain is the fraction of images (e.g. 0.4) that get only a shift,
	// rotation and scaling, as Augment's do, and keep MNIST's own strokes
	// and framing, so that the model stays as good at MNIST's digits.
	Plain float64

	// Reframe crops, scales and centres each changed digit again as
	// mnist.Preprocess does (a 20-pixel box, centre of mass at 14,14),
	// so that training sees what own images look like after
	// mnist.LoadImage; Shift and Scale then jitter that box's position
	// and size instead of moving the image.
	Reframe bool
}

// Augment returns an Augmentation shifting by up to shift pixels and
// rotating by up to degrees, for FitOptions.Augment.
func Augment(shift, degrees float64) *Augmentation {
	return &Augmentation{Shift: shift, Rotate: degrees}
}

// RobustAugmentation returns the changes examples/cnn.go trains with so
// that the model reads digits that are not MNIST's: own drawings, scans
// and fonts, after mnist.LoadImage.
func RobustAugmentation() *Augmentation {
	return &Augmentation{Shift: 1.5, Rotate: 10, Scale: 0.12, Aspect: 0.2, Slant: 18, Elastic: 1.6,
		Stroke: 2, Blur: 1.2, LowRes: 0.3, Noise: 0.08, Plain: 0.4, Reframe: true}
}

// The reframed digit's box and centre, as mnist.Preprocess places it.
const (
	frameBox    = 20
	frameCentre = 14.0
	frameThresh = 0.2 // fraction of the peak that counts for the bounding box
)

// augmenter applies an Augmentation to batches of single-channel images,
// drawing from nn.NewRand("augment")'s stream. Its buffers make apply
// allocation-free.
type augmenter struct {
	a        Augmentation
	rng      *rand.Rand
	h, w     int
	buf, tmp []float32
	small    []float32 // a resized copy, up to h*w
	kernel   [2*maxBlurRadius + 1]float32
}

const maxBlurRadius = 6

func newAugmenter(a Augmentation, rng *rand.Rand, shape []int) *augmenter {
	h, w := 28, 28
	if len(shape) == 3 {
		h, w = shape[0], shape[1]
	}
	n := h * w
	return &augmenter{a: a, rng: rng, h: h, w: w, buf: make([]float32, n), tmp: make([]float32, n), small: make([]float32, n)}
}

// apply transforms every image of the batch x in place.
func (g *augmenter) apply(x *nn.Tensor) {
	d := x.Data()
	n := g.h * g.w
	for i := 0; i+n <= len(d); i += n {
		g.one(d[i : i+n])
	}
}

// uniform returns a value in [-r, r].
func (g *augmenter) uniform(r float64) float64 { return (2*g.rng.Float64() - 1) * r }

// half reports true for half of the draws.
func (g *augmenter) half() bool { return g.rng.Uint64()&1 == 0 }

// one applies every change of the Augmentation to img.
func (g *augmenter) one(img []float32) {
	a := g.a
	if a.Plain > 0 && g.rng.Float64() < a.Plain {
		g.warp(img, Augmentation{Shift: a.Shift, Rotate: a.Rotate, Scale: a.Scale})
		return
	}
	g.warp(img, a)
	photo := false
	if a.Stroke > 0 && g.half() {
		t := g.uniform(a.Stroke)
		if t < 0 {
			t /= 2
		}
		g.stroke(img, t)
		photo = true
	}
	if a.LowRes > 0 && g.rng.Float64() < a.LowRes {
		g.lowRes(img, 7+7*g.rng.Float64())
		photo = true
	}
	if a.Blur > 0 && g.half() {
		g.blur(img, g.rng.Float64()*a.Blur)
		photo = true
	}
	if photo {
		stretch(img)
	}
	if a.Reframe {
		g.reframe(img, float64(frameBox)*(1+g.uniform(a.Scale)), frameCentre+g.uniform(a.Shift), frameCentre+g.uniform(a.Shift))
	}
	if a.Noise > 0 && g.half() {
		g.noise(img, g.rng.Float64()*a.Noise)
	}
}

// warp maps img through one random smooth transformation about its
// centre: rotation, slant, aspect, an elastic displacement field, and
// (unless Reframe) scaling and shift; it samples bilinearly (zero outside
// the image).
func (g *augmenter) warp(img []float32, a Augmentation) {
	// Draws for the newer fields only when they are set, so that a
	// shift, rotation and scaling alone draw as they always did.
	theta := g.uniform(a.Rotate) * math.Pi / 180
	scale, dx, dy := 1.0, 0.0, 0.0
	if !a.Reframe {
		scale = 1 + g.uniform(a.Scale)
		dx, dy = g.uniform(a.Shift), g.uniform(a.Shift)
	}
	shear, aspect := 0.0, 1.0
	if a.Slant > 0 {
		shear = math.Tan(g.uniform(a.Slant) * math.Pi / 180)
	}
	if a.Aspect > 0 {
		aspect = 1 + g.uniform(a.Aspect)
	}
	// An elastic field: random displacements at 4x4 control points,
	// interpolated smoothly between them.
	var ex, ey [4][4]float64
	if a.Elastic > 0 {
		for i := range ex {
			for j := range ex[i] {
				ex[i][j], ey[i][j] = g.uniform(a.Elastic), g.uniform(a.Elastic)
			}
		}
	}
	if theta == 0 && shear == 0 && scale == 1 && aspect == 1 && dx == 0 && dy == 0 && a.Elastic == 0 {
		return
	}
	copy(g.buf, img)
	w, h := g.w, g.h
	// Output pixel p comes from source S⁻¹·K⁻¹·R(-theta)·(p - c - t) + c + e(p),
	// S = diag(scale·aspect, scale/aspect) and K the shear.
	cos, sin := math.Cos(theta), math.Sin(theta)
	sx, sy := 1/(scale*aspect), aspect/scale
	cx, cy := float64(w-1)/2, float64(h-1)/2
	gx, gy := 3/float64(max(w-1, 1)), 3/float64(max(h-1, 1))
	for y := 0; y < h; y++ {
		py := float64(y) - cy - dy
		// Elastic interpolation weights along y.
		fy := float64(y) * gy
		j := min(int(fy), 2)
		ty := smooth(fy - float64(j))
		for x := 0; x < w; x++ {
			px := float64(x) - cx - dx
			rx := cos*px + sin*py
			ry := -sin*px + cos*py
			rx -= shear * ry
			qx, qy := rx*sx+cx, ry*sy+cy
			if a.Elastic > 0 {
				fx := float64(x) * gx
				i := min(int(fx), 2)
				tx := smooth(fx - float64(i))
				qx += lerp2(&ex, i, j, tx, ty)
				qy += lerp2(&ey, i, j, tx, ty)
			}
			img[y*w+x] = bilinear(g.buf, w, h, qx, qy)
		}
	}
}

// smooth eases t in [0,1] so the elastic field has no kinks at its
// control points.
func smooth(t float64) float64 { return t * t * (3 - 2*t) }

func lerp2(f *[4][4]float64, i, j int, tx, ty float64) float64 {
	top := f[j][i]*(1-tx) + f[j][i+1]*tx
	bot := f[j+1][i]*(1-tx) + f[j+1][i+1]*tx
	return top*(1-ty) + bot*ty
}

// bilinear samples the w x h image src at (x, y), zero outside.
func bilinear(src []float32, w, h int, x, y float64) float32 {
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	at := func(xx, yy int) float32 {
		if xx < 0 || yy < 0 || xx >= w || yy >= h {
			return 0
		}
		return src[yy*w+xx]
	}
	return (1-fy)*((1-fx)*at(x0, y0)+fx*at(x0+1, y0)) + fy*((1-fx)*at(x0, y0+1)+fx*at(x0+1, y0+1))
}

// stroke thickens the strokes of img by t pixels (t > 0) or thins them by
// -t: whole steps of a grey-level dilation over the 3x3 neighbourhood,
// diagonals weighted for a round pen, and a fraction of a step blended
// in; or steps of a soft erosion that lowers every level by up to half
// the full ink, so the soft edge of a stroke goes first. A thinning step
// that would remove most of the ink is undone, so thin digits keep their
// strokes.
func (g *augmenter) stroke(img []float32, t float64) {
	thin := t < 0
	t = math.Abs(t)
	before := sum(img)
	for t > 0 {
		f := float32(min(t, 1))
		g.morph(img, thin, f)
		t--
	}
	if thin && sum(img) < 0.4*before {
		copy(img, g.tmp) // undo the last step, which took most of the ink
	}
}

// morph does one step of dilation (or erosion when thin) of img of
// strength f in [0,1]; it leaves the step's input in g.tmp.
func (g *augmenter) morph(img []float32, thin bool, f float32) {
	w, h := g.w, g.h
	copy(g.tmp, img)
	src := g.tmp
	at := func(x, y int) float32 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 0
		}
		return src[y*w+x]
	}
	const diag = 0.7
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := src[y*w+x]
			if thin {
				// A pen stroke's soft edge is a pixel wide: taking away
				// up to half the full level removes up to that edge.
				t := f / 2
				img[y*w+x] = max(0, v-t) / (1 - t)
				continue
			}
			m := max(v, at(x-1, y), at(x+1, y), at(x, y-1), at(x, y+1),
				diag*at(x-1, y-1), diag*at(x+1, y-1), diag*at(x-1, y+1), diag*at(x+1, y+1))
			img[y*w+x] = v + f*(m-v)
		}
	}
}

// lowRes shrinks img so that a 20-pixel digit is k pixels across, by area
// averaging, and enlarges it back bilinearly.
func (g *augmenter) lowRes(img []float32, k float64) {
	w, h := g.w, g.h
	sw := max(2, int(math.Round(float64(w)*k/frameBox)))
	sh := max(2, int(math.Round(float64(h)*k/frameBox)))
	if sw >= w || sh >= h {
		return
	}
	resize(g.small, sw, sh, img, w, 0, 0, w, h, g.tmp, 0)
	resize(img, w, h, g.small, sw, 0, 0, sw, sh, g.tmp, 0)
}

// blur convolves img with a Gaussian of standard deviation sigma, one
// axis after the other (zero outside).
func (g *augmenter) blur(img []float32, sigma float64) {
	if sigma < 0.3 {
		return
	}
	r := min(maxBlurRadius, int(math.Ceil(2.5*sigma)))
	k := g.kernel[:2*r+1]
	var s float32
	for i := range k {
		d := float64(i - r)
		k[i] = float32(math.Exp(-d * d / (2 * sigma * sigma)))
		s += k[i]
	}
	for i := range k {
		k[i] /= s
	}
	w, h := g.w, g.h
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var v float32
			for i, kv := range k {
				if xx := x + i - r; xx >= 0 && xx < w {
					v += kv * img[y*w+xx]
				}
			}
			g.tmp[y*w+x] = v
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var v float32
			for i, kv := range k {
				if yy := y + i - r; yy >= 0 && yy < h {
					v += kv * g.tmp[yy*w+x]
				}
			}
			img[y*w+x] = v
		}
	}
}

// noise adds uniform noise of amplitude amp to every pixel, keeping
// values in [0,1].
func (g *augmenter) noise(img []float32, amp float64) {
	for i, v := range img {
		img[i] = min(1, max(0, v+float32(g.uniform(amp))))
	}
}

// reframe does what mnist.Preprocess does to an image's ink: crop to the
// bounding box of the pixels above a fifth of the peak, scale it (values
// at or below a tenth of the peak counting as 0) so its longer side is box
// pixels, area averaging when shrinking and bilinear when enlarging, and
// place it so its centre of mass falls on (cx, cy), rounded, inside the
// image; then stretch to a peak of 1. A blank image is left alone.
func (g *augmenter) reframe(img []float32, box, cx, cy float64) {
	w, h := g.w, g.h
	var peak float32
	for _, v := range img {
		peak = max(peak, v)
	}
	if peak <= 0 {
		return
	}
	thr := frameThresh * peak
	x0, y0, x1, y1 := w, h, -1, -1
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if img[y*w+x] > thr {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return
	}
	cw, ch := x1-x0+1, y1-y0+1
	box = min(box, float64(min(w, h)))
	s := box / float64(max(cw, ch))
	nw := min(int(box), max(1, int(math.Round(float64(cw)*s))))
	nh := min(int(box), max(1, int(math.Round(float64(ch)*s))))
	resize(g.small, nw, nh, img, w, x0, y0, cw, ch, g.tmp, thr/2)
	var total, mx, my float64
	var top float32
	for y := 0; y < nh; y++ {
		for x := 0; x < nw; x++ {
			v := float64(g.small[y*nw+x])
			total += v
			mx += v * float64(x)
			my += v * float64(y)
			top = max(top, g.small[y*nw+x])
		}
	}
	if total <= 0 || top <= 0 {
		return
	}
	ox := min(max(int(math.Round(cx-mx/total)), 0), w-nw)
	oy := min(max(int(math.Round(cy-my/total)), 0), h-nh)
	clear(img)
	for y := 0; y < nh; y++ {
		for x := 0; x < nw; x++ {
			img[(y+oy)*w+x+ox] = min(1, g.small[y*nw+x]/top)
		}
	}
}

// resize scales the cw x ch window at (x0, y0) of the w-wide image src
// into dst (dw x dh), one axis after the other, as mnist.Preprocess
// does: the exact area average of the covered span when shrinking, linear
// interpolation between pixel centres when enlarging; source values at or
// below floor count as 0. tmp holds ch*dw values.
func resize(dst []float32, dw, dh int, src []float32, w, x0, y0, cw, ch int, tmp []float32, floor float32) {
	for y := 0; y < ch; y++ {
		row := src[(y+y0)*w+x0 : (y+y0)*w+x0+cw]
		for x := 0; x < dw; x++ {
			tmp[y*dw+x] = taps(cw, dw, x, func(i int) float32 {
				if v := row[i]; v > floor {
					return v
				}
				return 0
			})
		}
	}
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			dst[y*dw+x] = taps(ch, dh, y, func(i int) float32 { return tmp[i*dw+x] })
		}
	}
}

// taps returns output sample j of m resampled from n input samples at.
func taps(n, m, j int, at func(int) float32) float32 {
	scale := float64(n) / float64(m)
	if m < n {
		a, b := float64(j)*scale, float64(j+1)*scale
		var s float64
		for i := int(a); i < n && float64(i) < b; i++ {
			lo, hi := math.Max(a, float64(i)), math.Min(b, float64(i+1))
			if hi > lo {
				s += (hi - lo) / scale * float64(at(i))
			}
		}
		return float32(s)
	}
	x := (float64(j)+0.5)*scale - 0.5
	x = math.Min(math.Max(x, 0), float64(n-1))
	i := int(x)
	f := x - float64(i)
	v := (1 - f) * float64(at(i))
	if f > 0 && i+1 < n {
		v += f * float64(at(i+1))
	}
	return float32(v)
}

// stretch divides img by its peak, so the strongest ink is 1.
func stretch(img []float32) {
	var peak float32
	for _, v := range img {
		peak = max(peak, v)
	}
	if peak <= 0 {
		return
	}
	for i, v := range img {
		img[i] = v / peak
	}
}

func sum(img []float32) float64 {
	var s float64
	for _, v := range img {
		s += float64(v)
	}
	return s
}
