package stdlib

import (
	"fmt"
	"image"
	"image/color"
	"reflect"
)

// guarded is constructor f, of an image of bpp bytes a pixel, checked
// first against the machine's memory.
func guarded[T any](name string, bpp int, f func(image.Rectangle) T) reflect.Value {
	return reflect.ValueOf(func(r image.Rectangle) T {
		checkPixels(name, r, bpp)
		return f(r)
	})
}

// image's constructors allocate all the pixels of their rectangle at once
// (see stringsguard.go); each guard knows the bytes per pixel.
func init() {
	syms := Symbols["image/image"]
	syms["NewAlpha"] = guarded("image.NewAlpha", 1, image.NewAlpha)
	syms["NewAlpha16"] = guarded("image.NewAlpha16", 2, image.NewAlpha16)
	syms["NewCMYK"] = guarded("image.NewCMYK", 4, image.NewCMYK)
	syms["NewGray"] = guarded("image.NewGray", 1, image.NewGray)
	syms["NewGray16"] = guarded("image.NewGray16", 2, image.NewGray16)
	syms["NewNRGBA"] = guarded("image.NewNRGBA", 4, image.NewNRGBA)
	syms["NewNRGBA64"] = guarded("image.NewNRGBA64", 8, image.NewNRGBA64)
	syms["NewRGBA"] = guarded("image.NewRGBA", 4, image.NewRGBA)
	syms["NewRGBA64"] = guarded("image.NewRGBA64", 8, image.NewRGBA64)
	syms["NewPaletted"] = reflect.ValueOf(func(r image.Rectangle, p color.Palette) *image.Paletted {
		checkPixels("image.NewPaletted", r, 1)
		return image.NewPaletted(r, p)
	})
	syms["NewYCbCr"] = reflect.ValueOf(func(r image.Rectangle, s image.YCbCrSubsampleRatio) *image.YCbCr {
		checkYCbCr("image.NewYCbCr", r, s, 0)
		return image.NewYCbCr(r, s)
	})
	syms["NewNYCbCrA"] = reflect.ValueOf(func(r image.Rectangle, s image.YCbCrSubsampleRatio) *image.NYCbCrA {
		checkYCbCr("image.NewNYCbCrA", r, s, 4)
		return image.NewNYCbCrA(r, s)
	})
}

// checkPixels panics if an image of r with size bytes a pixel cannot be
// allocated. A negative or overflowing rectangle is left to image's own
// panic.
func checkPixels(op string, r image.Rectangle, size int) {
	w, h := r.Dx(), r.Dy()
	if w <= 0 || h <= 0 || w > (1<<62)/h {
		return
	}
	checkAlloc(op, fmt.Sprintf("an image of %d×%d pixels", w, h), w*h, size)
}

// checkYCbCr is checkPixels for a Y'CbCr image of subsampling s, with
// alpha quarter-bytes a pixel more for the alpha plane (0 or 4).
func checkYCbCr(op string, r image.Rectangle, s image.YCbCrSubsampleRatio, alpha int) {
	// Quarter-bytes a pixel: Y, and the two chroma planes subsampled.
	q := map[image.YCbCrSubsampleRatio]int{
		image.YCbCrSubsampleRatio444: 12, image.YCbCrSubsampleRatio422: 8, image.YCbCrSubsampleRatio440: 8,
		image.YCbCrSubsampleRatio420: 6, image.YCbCrSubsampleRatio411: 6, image.YCbCrSubsampleRatio410: 5,
	}[s]
	if q == 0 {
		q = 12
	}
	w, h := r.Dx(), r.Dy()
	if w <= 0 || h <= 0 || w > (1<<62)/h {
		return
	}
	checkAlloc(op, fmt.Sprintf("an image of %d×%d pixels", w, h), (w*h+3)/4, q+alpha)
}
