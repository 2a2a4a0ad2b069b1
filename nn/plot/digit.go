package plot

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// asciiRamp maps intensity 0..1 to characters, darkest first.
const asciiRamp = " .:-=+*#%@"

// upperHalf is the character whose foreground is the top pixel and
// background the bottom one.
const upperHalf = "▀"

// Digit draws a w×h greyscale image (row-major, ink high: MNIST's 0 is the
// background). Values in [0,1] are used as they are, values in [0,255] are
// divided by 255, anything else is stretched from its minimum to its
// maximum. With caps.Images set, the image is an inline-image escape
// sequence (kitty or iTerm2: a PNG scaled up ×4; sixel: 16 greys, ×4); on a
// UTF-8 terminal with colour, two pixel rows per text row in upper
// half-blocks with grey foreground and background; otherwise an ASCII ramp
// (" .:-=+*#%@"), also two pixel rows (averaged) per text row. The result
// ends in a newline.
func Digit(img []float32, w, h int, caps Caps) string {
	if w <= 0 || h <= 0 || len(img) < w*h {
		return fmt.Sprintf("(cannot draw %d values as a %dx%d image)\n", len(img), w, h)
	}
	v := normalize(img[:w*h])
	switch caps.Images {
	case ImagesKitty:
		return kittyImage(v, w, h)
	case ImagesITerm:
		return itermImage(v, w, h)
	case ImagesSixel:
		return sixelImage(v, w, h)
	}
	return strings.Join(digitLines(v, w, h, caps), "\n") + "\n"
}

// digitLines renders normalised pixels as text lines, each w columns wide,
// without newlines.
func digitLines(v []float64, w, h int, caps Caps) []string {
	px := func(x, y int) float64 {
		if y >= h {
			return 0
		}
		return v[y*w+x]
	}
	var lines []string
	for y := 0; y < h; y += 2 {
		var b strings.Builder
		if caps.UTF8 && caps.Color() {
			fg, bg := "", ""
			for x := 0; x < w; x++ {
				f, g := greySGR(px(x, y), caps, 38), greySGR(px(x, y+1), caps, 48)
				if f != fg || g != bg {
					b.WriteString("\x1b[" + f + ";" + g + "m")
					fg, bg = f, g
				}
				b.WriteString(upperHalf)
			}
			b.WriteString("\x1b[0m")
		} else {
			for x := 0; x < w; x++ {
				a := (px(x, y) + px(x, y+1)) / 2
				if y+1 >= h {
					a = px(x, y)
				}
				b.WriteByte(asciiRamp[int(math.Round(a*float64(len(asciiRamp)-1)))])
			}
		}
		lines = append(lines, b.String())
	}
	return lines
}

// greySGR returns the SGR parameters that set the foreground (base 38) or
// background (base 48) to grey level v in [0,1]: the 24 greys 232..255 of
// the 256-colour palette, or an RGB grey in true colour.
func greySGR(v float64, caps Caps, base int) string {
	if caps.TrueColor {
		g := strconv.Itoa(int(math.Round(v * 255)))
		return strconv.Itoa(base) + ";2;" + g + ";" + g + ";" + g
	}
	return strconv.Itoa(base) + ";5;" + strconv.Itoa(232+int(math.Round(v*23)))
}

// normalize maps pixel values to [0,1] (see Digit). NaNs become 0.
func normalize(img []float32) []float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range img {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		lo, hi = math.Min(lo, f), math.Max(hi, f)
	}
	off, scale := 0.0, 1.0
	switch {
	case lo > hi: // nothing finite
	case lo >= 0 && hi <= 1:
	case lo >= 0 && hi <= 255:
		scale = 1.0 / 255
	case hi > lo:
		off, scale = lo, 1/(hi-lo)
	default:
		off, scale = lo, 0
	}
	out := make([]float64, len(img))
	for i, x := range img {
		f := (float64(x) - off) * scale
		if math.IsNaN(f) {
			f = 0
		}
		out[i] = math.Max(0, math.Min(1, f))
	}
	return out
}

// IsImage reports whether values look like pixels Digit draws well: all
// finite and within [0,1] or [0,255].
func IsImage(img []float32) bool {
	if len(img) == 0 {
		return false
	}
	for _, x := range img {
		if !(x >= 0 && x <= 255) {
			return false
		}
	}
	return true
}

// Caption is the label DigitGrid shows under a classified digit: true
// class, predicted class and the prediction's probability, "7→2 (0.91)"
// ("7->2 (0.91)" without UTF-8). A negative prob is left out.
func Caption(trueLabel, predicted int, prob float64, caps Caps) string {
	arrow := "→"
	if !caps.UTF8 {
		arrow = "->"
	}
	s := strconv.Itoa(trueLabel) + arrow + strconv.Itoa(predicted)
	if prob >= 0 {
		s += fmt.Sprintf(" (%.2f)", prob)
	}
	return s
}

// DigitGrid draws square images side by side, cols to a row, each with its
// label (for example a Caption) under it; labels may be shorter than imgs
// or nil. Each image is drawn as by Digit in text (half-blocks or ASCII;
// image protocols are not used, so that captions line up under the
// digits). An image whose length is not a square is drawn blank.
func DigitGrid(imgs [][]float32, labels []string, cols int, caps Caps) string {
	if len(imgs) == 0 {
		return ""
	}
	if cols <= 0 {
		cols = len(imgs)
	}
	caps.Images = ""
	side := 0
	for _, im := range imgs {
		side = max(side, int(math.Round(math.Sqrt(float64(len(im))))))
	}
	const gap = "  "
	var b strings.Builder
	for start := 0; start < len(imgs); start += cols {
		end := min(start+cols, len(imgs))
		var cells [][]string
		hasLabel := false
		for i := start; i < end; i++ {
			v := make([]float64, side*side)
			if im := imgs[i]; len(im) == side*side {
				v = normalize(im)
			}
			cells = append(cells, digitLines(v, side, side, caps))
			if i < len(labels) && labels[i] != "" {
				hasLabel = true
			}
		}
		for r := range cells[0] {
			for c, cell := range cells {
				if c > 0 {
					b.WriteString(gap)
				}
				b.WriteString(cell[r])
			}
			b.WriteString("\n")
		}
		if hasLabel {
			var line strings.Builder
			for i := start; i < end; i++ {
				l := ""
				if i < len(labels) {
					l = plainText(labels[i], caps)
				}
				if n := utf8.RuneCountInString(l); n > side {
					l = string([]rune(l)[:side])
				}
				if i > start {
					line.WriteString(gap)
				}
				line.WriteString(l)
				if i < end-1 {
					line.WriteString(strings.Repeat(" ", side-utf8.RuneCountInString(l)))
				}
			}
			b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
		}
		if end < len(imgs) {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// plainText makes s safe for caps: control characters (ESC among them)
// become '?', and without UTF-8 so do non-ASCII characters, except that an
// arrow becomes "->".
func plainText(s string, caps Caps) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		if !caps.UTF8 && r >= 0x80 {
			return '?'
		}
		return r
	}, strings.ReplaceAll(s, "→", arrowFor(caps)))
}

func arrowFor(caps Caps) string {
	if caps.UTF8 {
		return "→"
	}
	return "->"
}
