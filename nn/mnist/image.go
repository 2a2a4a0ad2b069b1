package mnist

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	_ "image/gif"  // register the GIF decoder
	_ "image/jpeg" // register the JPEG decoder
	_ "image/png"  // register the PNG decoder
	"io"
	"math"
	"slices"

	"github.com/nnlab/nnlab/internal/infile"
	"github.com/nnlab/nnlab/nn"
)

// MaxImagePixels is the largest image (width x height) LoadImage decodes;
// bigger ones are refused from their header, before decoding.
const MaxImagePixels int = 50_000_000

// Geometry of an MNIST digit: a 28x28 field, the digit scaled so that its
// longer side is 20 pixels and its centre of mass placed at (14,14).
const (
	Side      int = 28
	Pixels    int = Side * Side
	digitBox      = 20
	centre        = 14.0
	blankInk      = 0.04 // below this ink level (of 1) the image is blank
	boxThresh     = 0.2  // fraction of the peak ink that counts for the bounding box
)

// LoadImage reads a PNG, JPEG or GIF image of a digit (any size, dark ink
// on light paper or light on dark, any colour) and returns it as MNIST
// would present it: a [784] tensor of values in [0,1], ink high, the digit
// scaled to a 20-pixel box and centred by its centre of mass in a 28x28
// field (see Preprocess). Errors name the file; a blank image is an error.
func LoadImage(path string) (*nn.Tensor, error) {
	img, err := decodeFile(path, MaxImagePixels)
	if err != nil {
		return nil, err
	}
	t, ok := preprocess(img)
	if !ok {
		return nil, fmt.Errorf("mnist: %s: no digit found: the image is blank (uniform)", path)
	}
	return t, nil
}

// LoadImageRaw reads an image the way the tutorial does, with
// np.invert(Image.open(path).convert('L')).ravel(): greyscale (alpha
// ignored), inverted as 255-v, flattened row by row, values 0-255 as
// float32. The shape is [height*width], [784] for a 28x28 image. No
// scaling to [0,1], cropping or centring: see LoadImage for that.
func LoadImageRaw(path string) (*nn.Tensor, error) {
	img, err := decodeFile(path, MaxImagePixels)
	if err != nil {
		return nil, err
	}
	return PreprocessRaw(img), nil
}

// decodeFile decodes an image after checking its size from the header.
func decodeFile(path string, maxPixels int) (image.Image, error) {
	f, _, err := infile.Open(path, infile.MaxImage)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	defer f.Close()
	img, err := decodeImage(f, maxPixels)
	if err != nil {
		return nil, fmt.Errorf("mnist: %s: %w", path, err)
	}
	return img, nil
}

func decodeImage(r io.ReadSeeker, maxPixels int) (image.Image, error) {
	cfg, format, err := image.DecodeConfig(bufio.NewReader(r))
	if err != nil {
		return nil, fmt.Errorf("not a readable PNG, JPEG or GIF image: %v", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%s image has no pixels (%dx%d)", format, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return nil, fmt.Errorf("%s image of %dx%d pixels is larger than the limit of %d pixels",
			format, cfg.Width, cfg.Height, maxPixels)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bufio.NewReader(r))
	if err != nil {
		return nil, fmt.Errorf("cannot decode %s image: %v", format, err)
	}
	if b := img.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, fmt.Errorf("%s image has no pixels", format)
	}
	return img, nil
}

// PreprocessRaw is LoadImageRaw for a decoded image: PIL's 'L' conversion
// (L = R*299/1000 + G*587/1000 + B*114/1000 of the unpremultiplied
// colour, alpha ignored), inverted to 255-L, flattened; shape [h*w].
func PreprocessRaw(img image.Image) *nn.Tensor {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	t := nn.Zeros(w * h)
	d := t.Data()
	i := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			var l uint32
			switch c := img.At(x, y).(type) {
			case color.Gray:
				l = uint32(c.Y)
			default:
				n := color.NRGBAModel.Convert(c).(color.NRGBA)
				l = (uint32(n.R)*19595 + uint32(n.G)*38470 + uint32(n.B)*7471 + 0x8000) >> 16
			}
			d[i] = float32(255 - l)
			i++
		}
	}
	return t
}

// Preprocess turns a decoded image of a digit into MNIST's form, a [784]
// tensor with values in [0,1] and ink high:
//
//   - transparent pixels are composited over white, colours reduced to
//     luma (0.299 R + 0.587 G + 0.114 B);
//   - the background is the median of the border pixels: if it is light
//     the image is inverted, so ink is always high, and the background
//     level is subtracted;
//   - the image is cropped to the bounding box of the ink (pixels above
//     a fifth of the strongest ink);
//   - the crop is scaled, keeping its aspect ratio, so its longer side is
//     20 pixels, by area averaging when shrinking and bilinear
//     interpolation when enlarging;
//   - it is pasted into a 28x28 field with its centre of mass (in pixel
//     indices: row 14, column 14, where MNIST's digits have theirs on
//     average) rounded to that point, an integer shift as for MNIST, kept
//     inside the field;
//   - values are divided by their maximum.
//
// A blank image gives all zeros.
func Preprocess(img image.Image) *nn.Tensor {
	t, _ := preprocess(img)
	return t
}

func preprocess(img image.Image) (*nn.Tensor, bool) {
	g, w, h, peak := inkLevels(img)
	out := nn.Zeros(Pixels)
	if w == 0 || h == 0 || peak < blankInk {
		return out, false
	}
	// Bounding box of the ink.
	thr := float32(boxThresh * peak)
	x0, y0, x1, y1 := w, h, -1, -1
	for y := 0; y < h; y++ {
		row := g[y*w : (y+1)*w]
		first := -1
		for x, v := range row {
			if v > thr {
				first = x
				break
			}
		}
		if first < 0 {
			continue
		}
		last := first
		for x := w - 1; x > first; x-- {
			if row[x] > thr {
				last = x
				break
			}
		}
		x0, x1 = min(x0, first), max(x1, last)
		y0, y1 = min(y0, y), max(y1, y)
	}
	if x1 < 0 {
		return out, false
	}
	cw, ch := x1-x0+1, y1-y0+1
	// Scale the longer side to 20 pixels; faint noise (paper texture,
	// JPEG ringing) below half the threshold weighs nothing.
	s := float64(digitBox) / float64(max(cw, ch))
	nw := min(digitBox, max(1, int(math.Round(float64(cw)*s))))
	nh := min(digitBox, max(1, int(math.Round(float64(ch)*s))))
	small := resize(g, w, x0, y0, cw, ch, nw, nh, thr/2)
	// Centre of mass in pixel indices, as MNIST's sit at (14,14) on average.
	var sum, sx, sy, top float64
	for y := 0; y < nh; y++ {
		for x := 0; x < nw; x++ {
			v := small[y*nw+x]
			sum += v
			sx += v * float64(x)
			sy += v * float64(y)
			top = math.Max(top, v)
		}
	}
	if sum <= 0 || top <= 0 {
		return out, false
	}
	ox := min(max(int(math.Round(centre-sx/sum)), 0), Side-nw)
	oy := min(max(int(math.Round(centre-sy/sum)), 0), Side-nh)
	d := out.Data()
	for y := 0; y < nh; y++ {
		for x := 0; x < nw; x++ {
			d[(y+oy)*Side+x+ox] = float32(min(1, small[y*nw+x]/top))
		}
	}
	return out, true
}

// inkLevels returns the image as ink levels in [0,1], row-major, and the
// highest level: alpha composited over white, luma, inverted if the
// border is light, minus the background level and stretched so the
// background is 0 and full contrast 1.
func inkLevels(img image.Image) (g []float32, w, h int, peak float64) {
	b := img.Bounds()
	w, h = b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return nil, 0, 0, 0
	}
	g = make([]float32, w*h)
	const k = 1.0 / 255
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+w]
			for x, v := range row {
				g[y*w+x] = float32(v) * k
			}
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				g[y*w+x] = float32(m.Y[m.YOffset(x+b.Min.X, y+b.Min.Y)]) * k
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+4*w]
			for x := 0; x < w; x++ {
				p := row[4*x : 4*x+4]
				a := float32(p[3]) * k
				l := (0.299*float32(p[0]) + 0.587*float32(p[1]) + 0.114*float32(p[2])) * k
				g[y*w+x] = l*a + 1 - a
			}
		}
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+4*w]
			for x := 0; x < w; x++ {
				p := row[4*x : 4*x+4]
				l := (0.299*float32(p[0]) + 0.587*float32(p[1]) + 0.114*float32(p[2])) * k
				g[y*w+x] = l + 1 - float32(p[3])*k
			}
		}
	case *image.Paletted:
		var pal [256]float32
		for i := range pal {
			pal[i] = 1 // out-of-range indices read as white
			if i < len(m.Palette) {
				pal[i] = float32(lumaOverWhite(m.Palette[i]))
			}
		}
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+w]
			for x, v := range row {
				g[y*w+x] = pal[v]
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				g[y*w+x] = float32(lumaOverWhite(img.At(x+b.Min.X, y+b.Min.Y)))
			}
		}
	}
	flattenLight(g, w, h)
	// The background is the median of the border.
	border := make([]float32, 0, 2*(w+h))
	for x := 0; x < w; x++ {
		border = append(border, g[x], g[(h-1)*w+x])
	}
	for y := 0; y < h; y++ {
		border = append(border, g[y*w], g[y*w+w-1])
	}
	slices.Sort(border)
	bg := min(1, max(0, border[len(border)/2]))
	invert := bg > 0.5
	if invert {
		bg = 1 - bg
	}
	span := 1 - bg
	if span <= 1e-6 {
		clear(g)
		return g, w, h, 0
	}
	scale := 1 / span
	var top float32
	for i, v := range g {
		if invert {
			v = 1 - v
		}
		v = min(1, max(0, (v-bg)*scale))
		g[i] = v
		top = max(top, v)
	}
	return g, w, h, float64(top)
}

// flattenLight's grid and limits.
const (
	lightBlocks = 8    // the paper's level is measured in an 8x8 grid of blocks
	minBlock    = 8    // pixels: smaller images are never flattened
	unevenLight = 0.1  // the fitted lighting must vary by more than this
	inkBelow    = 0.05 // a block this much darker than the fit holds ink
)

// flattenLight evens out the lighting of a photo of light paper (a
// shadow, a lamp's fall-off) by dividing every level by the paper's
// level there. The paper's level is the lightest level (95th percentile)
// of each block of an 8x8 grid, fitted by a quadratic surface in x and y;
// blocks darker than the fit (by inkBelow), where ink covers the paper,
// are left out of the fit and it is made again, three times. The division
// amplifies the paper's grain and the camera's noise as much, so a 3x3
// mean follows. Evenly lit paper, dark paper, and images under 64 pixels
// a side are left exactly as they are.
func flattenLight(g []float32, w, h int) {
	if w < minBlock*lightBlocks || h < minBlock*lightBlocks {
		return // too small for a photo: a drawing or a scan of a digit
	}
	border := make([]float32, 0, 2*(w+h))
	for x := 0; x < w; x++ {
		border = append(border, g[x], g[(h-1)*w+x])
	}
	for y := 0; y < h; y++ {
		border = append(border, g[y*w], g[y*w+w-1])
	}
	slices.Sort(border)
	if border[len(border)/2] <= 0.5 {
		return // dark paper, light ink
	}
	const nb = lightBlocks * lightBlocks
	var level, bx, by, weight [nb]float64
	var vals []float32
	for j := 0; j < lightBlocks; j++ {
		for i := 0; i < lightBlocks; i++ {
			vals = vals[:0]
			for y := j * h / lightBlocks; y < (j+1)*h/lightBlocks; y++ {
				vals = append(vals, g[y*w+i*w/lightBlocks:y*w+(i+1)*w/lightBlocks]...)
			}
			slices.Sort(vals)
			k := j*lightBlocks + i
			level[k] = float64(vals[len(vals)*95/100])
			// Block centres in [-1,1].
			bx[k] = (float64(i)+0.5)/lightBlocks*2 - 1
			by[k] = (float64(j)+0.5)/lightBlocks*2 - 1
			weight[k] = 1
		}
	}
	terms := func(x, y float64) [6]float64 { return [6]float64{1, x, y, x * x, x * y, y * y} }
	var c [6]float64
	for round := 0; round < 4; round++ {
		var a [6][7]float64 // normal equations, augmented
		for k := 0; k < nb; k++ {
			if weight[k] == 0 {
				continue
			}
			t := terms(bx[k], by[k])
			for r := range t {
				for q := range t {
					a[r][q] += t[r] * t[q]
				}
				a[r][6] += t[r] * level[k]
			}
		}
		var ok bool
		if c, ok = solve6(a); !ok {
			return
		}
		for k := 0; k < nb; k++ {
			t := terms(bx[k], by[k])
			fit := 0.0
			for r := range t {
				fit += c[r] * t[r]
			}
			weight[k] = 0
			if level[k] >= fit-inkBelow {
				weight[k] = 1
			}
		}
	}
	// The paper's level at pixel (x, y), on one pass to check the fit and
	// one to divide by it.
	paper := func(x, y int) float64 {
		t := terms((float64(x)+0.5)/float64(w)*2-1, (float64(y)+0.5)/float64(h)*2-1)
		p := 0.0
		for r := range t {
			p += c[r] * t[r]
		}
		return p
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := paper(x, y)
			lo, hi = math.Min(lo, p), math.Max(hi, p)
		}
	}
	if hi-lo <= unevenLight || lo <= 0.05 {
		return // evenly lit (or a fit that makes no sense)
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			g[y*w+x] = min(1, g[y*w+x]/float32(paper(x, y)))
		}
	}
	src := slices.Clone(g)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s float32
			var n int
			for yy := max(y-1, 0); yy <= min(y+1, h-1); yy++ {
				for xx := max(x-1, 0); xx <= min(x+1, w-1); xx++ {
					s += src[yy*w+xx]
					n++
				}
			}
			g[y*w+x] = s / float32(n)
		}
	}
}

// solve6 solves the augmented 6x6 system a by Gaussian elimination with
// partial pivoting; false if it is singular.
func solve6(a [6][7]float64) ([6]float64, bool) {
	var x [6]float64
	for col := 0; col < 6; col++ {
		p := col
		for r := col + 1; r < 6; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-9 {
			return x, false
		}
		a[col], a[p] = a[p], a[col]
		for r := col + 1; r < 6; r++ {
			f := a[r][col] / a[col][col]
			for q := col; q < 7; q++ {
				a[r][q] -= f * a[col][q]
			}
		}
	}
	for r := 5; r >= 0; r-- {
		s := a[r][6]
		for q := r + 1; q < 6; q++ {
			s -= a[r][q] * x[q]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}

// lumaOverWhite is the luma of c composited over white, in [0,1].
func lumaOverWhite(c color.Color) float64 {
	r, g, b, a := c.RGBA() // premultiplied, 16 bits
	wr := float64(r) + float64(0xffff-a)
	wg := float64(g) + float64(0xffff-a)
	wb := float64(b) + float64(0xffff-a)
	return (0.299*wr + 0.587*wg + 0.114*wb) / 0xffff
}

// resize scales the cw x ch window at (x0,y0) of the w-wide image src to
// nw x nh, one axis after the other; values at or below floor count as 0.
func resize(src []float32, w, x0, y0, cw, ch, nw, nh int, floor float32) []float64 {
	cols := weights(cw, nw)
	tmp := make([]float64, ch*nw)
	for y := 0; y < ch; y++ {
		row := src[(y+y0)*w+x0 : (y+y0)*w+x0+cw]
		for x, ws := range cols {
			var s float64
			for _, t := range ws {
				if v := row[t.i]; v > floor {
					s += t.w * float64(v)
				}
			}
			tmp[y*nw+x] = s
		}
	}
	rows := weights(ch, nh)
	dst := make([]float64, nh*nw)
	for y, ws := range rows {
		for _, t := range ws {
			srow := tmp[t.i*nw : (t.i+1)*nw]
			drow := dst[y*nw : (y+1)*nw]
			for x, v := range srow {
				drow[x] += t.w * v
			}
		}
	}
	return dst
}

type tap struct {
	i int
	w float64
}

// weights gives, for each of m output samples, the input samples (of n)
// it draws from: the exact area average of the covered span when
// shrinking, linear interpolation between pixel centres when enlarging.
func weights(n, m int) [][]tap {
	out := make([][]tap, m)
	scale := float64(n) / float64(m) // input pixels per output pixel
	if m < n {
		for j := range out {
			a, b := float64(j)*scale, float64(j+1)*scale
			for i := int(a); i < n && float64(i) < b; i++ {
				lo, hi := math.Max(a, float64(i)), math.Min(b, float64(i+1))
				if hi > lo {
					out[j] = append(out[j], tap{i, (hi - lo) / scale})
				}
			}
		}
		return out
	}
	for j := range out {
		x := (float64(j)+0.5)*scale - 0.5
		x = math.Min(math.Max(x, 0), float64(n-1))
		i := int(x)
		f := x - float64(i)
		out[j] = append(out[j], tap{i, 1 - f})
		if f > 0 && i+1 < n {
			out[j] = append(out[j], tap{i + 1, f})
		}
	}
	return out
}

// Stack puts images of the same length (from LoadImage or Preprocess)
// into one [n,784] batch, copying the values. It panics with an *nn.Error
// if the lengths differ.
func Stack(images ...*nn.Tensor) *nn.Tensor {
	if len(images) == 0 {
		return nn.Zeros(0, Pixels)
	}
	l := images[0].Len()
	t := nn.Zeros(len(images), l)
	d := t.Data()
	for i, im := range images {
		if im.Len() != l {
			panic(&nn.Error{Op: "mnist.Stack", Msg: fmt.Sprintf("image %d has %d values, image 0 has %d", i, im.Len(), l)})
		}
		copy(d[i*l:], im.Data())
	}
	return t
}
