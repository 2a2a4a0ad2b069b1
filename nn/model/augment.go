package model

import (
	"math"
	"math/rand/v2"

	"github.com/nnlab/nnlab/nn"
)

// Augmentation describes random changes Fit makes to each training image,
// drawn anew every time the image is used, so that the model learns
// digits that are a little off-centre, tilted or of another size.
type Augmentation struct {
	Shift  float64 // largest shift in pixels, in each direction (e.g. 2)
	Rotate float64 // largest rotation in degrees, either way (e.g. 12)
	Scale  float64 // largest relative change of size (e.g. 0.1 for ±10%)
}

// Augment returns an Augmentation shifting by up to shift pixels and
// rotating by up to degrees, for FitOptions.Augment.
func Augment(shift, degrees float64) *Augmentation {
	return &Augmentation{Shift: shift, Rotate: degrees}
}

// augmenter applies an Augmentation to batches of single-channel images,
// drawing from nn.NewRand("augment")'s stream.
type augmenter struct {
	a    Augmentation
	rng  *rand.Rand
	h, w int
	buf  []float32
}

func newAugmenter(a Augmentation, rng *rand.Rand, shape []int) *augmenter {
	h, w := 28, 28
	if len(shape) == 3 {
		h, w = shape[0], shape[1]
	}
	return &augmenter{a: a, rng: rng, h: h, w: w, buf: make([]float32, h*w)}
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

// one maps img through a random rotation, scaling and shift about its
// centre, sampling bilinearly (zero outside the image).
func (g *augmenter) one(img []float32) {
	theta := g.uniform(g.a.Rotate) * math.Pi / 180
	scale := 1 + g.uniform(g.a.Scale)
	dx, dy := g.uniform(g.a.Shift), g.uniform(g.a.Shift)
	if theta == 0 && scale == 1 && dx == 0 && dy == 0 {
		return
	}
	copy(g.buf, img)
	src := g.buf
	// Output pixel p comes from source R(-theta)·(p - c - t)/scale + c.
	cos, sin := math.Cos(theta)/scale, math.Sin(theta)/scale
	cx, cy := float64(g.w-1)/2, float64(g.h-1)/2
	w, h := g.w, g.h
	for y := 0; y < h; y++ {
		py := float64(y) - cy - dy
		for x := 0; x < w; x++ {
			px := float64(x) - cx - dx
			sx := cos*px + sin*py + cx
			sy := -sin*px + cos*py + cy
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := float32(sx-float64(x0)), float32(sy-float64(y0))
			at := func(xx, yy int) float32 {
				if xx < 0 || yy < 0 || xx >= w || yy >= h {
					return 0
				}
				return src[yy*w+xx]
			}
			v := (1-fy)*((1-fx)*at(x0, y0)+fx*at(x0+1, y0)) + fy*((1-fx)*at(x0, y0+1)+fx*at(x0+1, y0+1))
			img[y*w+x] = v
		}
	}
}
