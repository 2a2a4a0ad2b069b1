package plot

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
)

// imageScale is how much inline images are enlarged: a 28×28 digit is
// 112×112 pixels, about 12 text rows.
const imageScale = 4

// grayImage enlarges normalised pixels by scale into a greyscale image.
func grayImage(v []float64, w, h, scale int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w*scale, h*scale))
	for y := 0; y < h*scale; y++ {
		for x := 0; x < w*scale; x++ {
			img.SetGray(x, y, color.Gray{Y: uint8(math.Round(v[(y/scale)*w+x/scale] * 255))})
		}
	}
	return img
}

func pngBase64(v []float64, w, h int) (string, int) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, grayImage(v, w, h, imageScale)); err != nil {
		panic(err) // encoding an in-memory image into a buffer cannot fail
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), buf.Len()
}

// kittyChunk is the largest payload of one kitty graphics escape.
const kittyChunk = 4096

// kittyImage is a kitty graphics protocol transmit-and-display command
// (a=T) of a PNG (f=100), with responses suppressed (q=2) so that nothing
// is ever sent back to the input; the payload is split into 4096-byte
// chunks (m=1 on all but the last).
func kittyImage(v []float64, w, h int) string {
	data, _ := pngBase64(v, w, h)
	var b strings.Builder
	for i := 0; i < len(data); i += kittyChunk {
		end := min(i+kittyChunk, len(data))
		more := 0
		if end < len(data) {
			more = 1
		}
		if i == 0 {
			fmt.Fprintf(&b, "\x1b_Ga=T,f=100,q=2,m=%d;", more)
		} else {
			fmt.Fprintf(&b, "\x1b_Gm=%d;", more)
		}
		b.WriteString(data[i:end])
		b.WriteString("\x1b\\")
	}
	b.WriteString("\n")
	return b.String()
}

// itermImage is an iTerm2 inline file (OSC 1337) of a PNG.
func itermImage(v []float64, w, h int) string {
	data, n := pngBase64(v, w, h)
	return fmt.Sprintf("\x1b]1337;File=inline=1;size=%d;width=%dpx;height=%dpx;preserveAspectRatio=1:%s\a\n",
		n, w*imageScale, h*imageScale, data)
}

// sixelGreys is the palette size of sixel images.
const sixelGreys = 16

// sixelImage encodes the image as sixels: a 16-grey palette, square pixels
// (raster attributes 1;1), one pass per grey present in each band of six
// rows, runs of four or more equal columns compressed with '!'.
func sixelImage(v []float64, w, h int) string {
	W, H := w*imageScale, h*imageScale
	idx := make([]uint8, W*H)
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			idx[y*W+x] = uint8(math.Round(v[(y/imageScale)*w+x/imageScale] * (sixelGreys - 1)))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\x1bP0;1;0q\"1;1;%d;%d", W, H)
	for i := 0; i < sixelGreys; i++ {
		p := int(math.Round(float64(i) * 100 / (sixelGreys - 1)))
		fmt.Fprintf(&b, "#%d;2;%d;%d;%d", i, p, p, p)
	}
	row := make([]byte, W)
	for band := 0; band < H; band += 6 {
		var used [sixelGreys]bool
		for y := band; y < min(band+6, H); y++ {
			for x := 0; x < W; x++ {
				used[idx[y*W+x]] = true
			}
		}
		first := true
		for c := 0; c < sixelGreys; c++ {
			if !used[c] {
				continue
			}
			if !first {
				b.WriteByte('$')
			}
			first = false
			fmt.Fprintf(&b, "#%d", c)
			for x := 0; x < W; x++ {
				bits := byte(0)
				for r := 0; r < 6 && band+r < H; r++ {
					if int(idx[(band+r)*W+x]) == c {
						bits |= 1 << r
					}
				}
				row[x] = 63 + bits
			}
			writeSixelRun(&b, row)
		}
		b.WriteByte('-')
	}
	b.WriteString("\x1b\\\n")
	return b.String()
}

// writeSixelRun writes sixel characters with run-length compression.
func writeSixelRun(b *strings.Builder, row []byte) {
	for i := 0; i < len(row); {
		j := i
		for j < len(row) && row[j] == row[i] {
			j++
		}
		if n := j - i; n >= 4 {
			fmt.Fprintf(b, "!%d%c", n, row[i])
		} else {
			b.Write(row[i:j])
		}
		i = j
	}
}
