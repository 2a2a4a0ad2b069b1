package stdlib

import (
	"fmt"
	"image"
	"image/color"
	"reflect"
)

// image's constructors allocate all the pixels of their rectangle at once
// (see stringsguard.go); each guard knows the bytes per pixel.
func init() {
	syms := Symbols["image/image"]
	syms["NewAlpha"] = reflect.ValueOf(func(r image.Rectangle) *image.Alpha { checkPixels("image.NewAlpha", r, 1); return image.NewAlpha(r) })
	syms["NewAlpha16"] = reflect.ValueOf(func(r image.Rectangle) *image.Alpha16 {
		checkPixels("image.NewAlpha16", r, 2)
		return image.NewAlpha16(r)
	})
	syms["NewCMYK"] = reflect.ValueOf(func(r image.Rectangle) *image.CMYK { checkPixels("image.NewCMYK", r, 4); return image.NewCMYK(r) })
	syms["NewGray"] = reflect.ValueOf(func(r image.Rectangle) *image.Gray { checkPixels("image.NewGray", r, 1); return image.NewGray(r) })
	syms["NewGray16"] = reflect.ValueOf(func(r image.Rectangle) *image.Gray16 { checkPixels("image.NewGray16", r, 2); return image.NewGray16(r) })
	syms["NewNRGBA"] = reflect.ValueOf(func(r image.Rectangle) *image.NRGBA { checkPixels("image.NewNRGBA", r, 4); return image.NewNRGBA(r) })
	syms["NewNRGBA64"] = reflect.ValueOf(func(r image.Rectangle) *image.NRGBA64 {
		checkPixels("image.NewNRGBA64", r, 8)
		return image.NewNRGBA64(r)
	})
	syms["NewRGBA"] = reflect.ValueOf(func(r image.Rectangle) *image.RGBA { checkPixels("image.NewRGBA", r, 4); return image.NewRGBA(r) })
	syms["NewRGBA64"] = reflect.ValueOf(func(r image.Rectangle) *image.RGBA64 { checkPixels("image.NewRGBA64", r, 8); return image.NewRGBA64(r) })
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
