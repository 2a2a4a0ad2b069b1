package nn

import (
	"fmt"
	"math"
	"testing"
)

// TestIm2colBlocks checks im2col and col2im, which copy and add the runs
// of windows inside the image in one call each, against the window by
// window code (patch, unpatch) on every pixel, bit for bit, for padding,
// strides, kernel sizes and channel counts that take the vector kernels
// (3·channels a multiple of 8) and that do not.
func TestIm2colBlocks(t *testing.T) {
	for _, c := range []struct {
		h, w, ch, k, s int
		same           bool
	}{
		{26, 26, 32, 3, 1, false}, {28, 28, 1, 3, 1, false}, {9, 11, 8, 3, 1, true},
		{10, 9, 16, 3, 2, true}, {7, 8, 3, 3, 1, true}, {12, 12, 8, 5, 2, false},
		{5, 5, 8, 5, 1, true}, {3, 4, 24, 3, 3, true}, {6, 6, 16, 1, 1, false}, {4, 4, 8, 2, 2, false},
	} {
		t.Run(fmt.Sprintf("%dx%dx%d/k=%d/s=%d/same=%v", c.h, c.w, c.ch, c.k, c.s, c.same), func(t *testing.T) {
			const nb = 2
			g := newGeom([]int{nb, c.h, c.w, c.ch}, c.k, c.k, c.s, c.s, c.same)
			k := g.kh * g.kw * g.c
			r := NewRand("im2col")
			x := make([]float32, nb*c.h*c.w*c.ch)
			for i := range x {
				x[i] = r.Float32()*2 - 1
			}
			rows := nb * g.oh * g.ow
			got, want := make([]float32, rows*k), make([]float32, rows*k)
			for i := range got {
				got[i], want[i] = float32(math.NaN()), float32(math.NaN()) // all must be written
			}
			g.im2col(got, x, 0, nb)
			i := 0
			for n := range nb {
				img := x[n*c.h*c.w*c.ch:]
				for oy := range g.oh {
					for ox := range g.ow {
						g.patch(want[i*k:(i+1)*k], img, oy*g.sy-g.padT, ox*g.sx-g.padL)
						i++
					}
				}
			}
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("im2col: element %d = %v, want %v", i, got[i], want[i])
				}
			}
			dx, dxWant := make([]float32, len(x)), make([]float32, len(x))
			for i := range dx {
				dx[i] = r.Float32()
				dxWant[i] = dx[i]
			}
			g.col2im(dx, got, 0, nb)
			i = 0
			for n := range nb {
				img := dxWant[n*c.h*c.w*c.ch:]
				for oy := range g.oh {
					for ox := range g.ow {
						g.unpatch(img, got[i*k:(i+1)*k], oy*g.sy-g.padT, ox*g.sx-g.padL)
						i++
					}
				}
			}
			for i := range dxWant {
				if math.Float32bits(dx[i]) != math.Float32bits(dxWant[i]) {
					t.Fatalf("col2im: element %d = %v, want %v", i, dx[i], dxWant[i])
				}
			}
		})
	}
}
