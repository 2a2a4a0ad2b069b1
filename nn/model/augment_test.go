package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnlab/nnlab/nn/mnist"
)

// TestAugmentChangesImages applies Augment(2, 12) to MNIST digits: every
// image changes, a second use of the same image changes it differently,
// and each keeps its ink (moved and turned, not cut off or faded: the
// pixel sum stays within 10%). The zero Augmentation changes nothing.
// TestAugmentationKeepsDigits checks that a model trained on augmented
// images still recognises digits.
func TestAugmentChangesImages(t *testing.T) {
	d, err := mnist.ReadDataSets("", true)
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	const n = 200
	orig := d.Validation.Images.Slice(0, n)
	pixels := orig.Len() / n
	maxDiff := func(a, b []float32) float64 {
		m := 0.0
		for i := range a {
			m = math.Max(m, math.Abs(float64(a[i]-b[i])))
		}
		return m
	}
	sum := func(a []float32) float64 {
		s := 0.0
		for _, v := range a {
			s += float64(v)
		}
		return s
	}

	g := newAugmenter(*Augment(2, 12), rand.New(rand.NewPCG(1, 2)), []int{784})
	first, second := orig.Clone(), orig.Clone()
	g.apply(first)
	g.apply(second)
	for i := 0; i < n; i++ {
		o := orig.Data()[i*pixels : (i+1)*pixels]
		a := first.Data()[i*pixels : (i+1)*pixels]
		b := second.Data()[i*pixels : (i+1)*pixels]
		// A pixel of a digit is 0 or close to 1 at its strokes: a shift or
		// turn of a pixel or more changes some pixel by far more than 0.1.
		if m := maxDiff(o, a); m < 0.1 {
			t.Errorf("image %d: augmented image differs from the original by at most %g", i, m)
		}
		if m := maxDiff(a, b); m < 0.1 {
			t.Errorf("image %d: two augmentations differ by at most %g; each use should draw anew", i, m)
		}
		if so, sa := sum(o), sum(a); math.Abs(sa-so) > 0.1*so {
			t.Errorf("image %d: pixel sum %.1f after augmentation, %.1f before", i, sa, so)
		}
	}

	none := orig.Clone()
	newAugmenter(Augmentation{}, rand.New(rand.NewPCG(1, 2)), []int{784}).apply(none)
	if m := maxDiff(orig.Data(), none.Data()); m != 0 {
		t.Errorf("the zero Augmentation changed a pixel by %g", m)
	}
}
