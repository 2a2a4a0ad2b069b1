package mnist

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn"
)

// drawDigit draws a thick "7" with a cross bar into a w x h canvas: ink
// colour on paper colour, the glyph's top-left corner at (x0,y0) and its
// height size pixels.
func drawDigit(w, h, x0, y0, size int, ink, paper color.Color) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(m, m.Bounds(), image.NewUniform(paper), image.Point{}, draw.Src)
	inkU := image.NewUniform(ink)
	pen := size / 8
	rect := func(x, y, rw, rh int) {
		draw.Draw(m, image.Rect(x, y, x+rw, y+rh), inkU, image.Point{}, draw.Over)
	}
	width := size * 3 / 5
	rect(x0, y0, width, pen)    // top bar
	for i := 0; i < size; i++ { // diagonal down to the bottom left
		x := x0 + width - pen - (width-pen)*i/size*2/3
		rect(x, y0+i, pen, 1)
	}
	rect(x0+width/4, y0+size/2, width/2, pen/2) // cross bar
	return m
}

// moments returns the total, centre of mass (pixel indices) and the
// bounding box size of values above thr of a 28x28 image.
func moments(d []float32, thr float32) (sum, cx, cy float64, bw, bh int) {
	x0, y0, x1, y1 := Side, Side, -1, -1
	for y := 0; y < Side; y++ {
		for x := 0; x < Side; x++ {
			v := d[y*Side+x]
			sum += float64(v)
			cx += float64(v) * float64(x)
			cy += float64(v) * float64(y)
			if v > thr {
				x0, x1 = min(x0, x), max(x1, x)
				y0, y1 = min(y0, y), max(y1, y)
			}
		}
	}
	return sum, cx / sum, cy / sum, x1 - x0 + 1, y1 - y0 + 1
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

func checkMNISTLike(t *testing.T, x *nn.Tensor) {
	t.Helper()
	if x.Len() != Pixels || x.Rank() != 1 {
		t.Fatalf("shape %v", x.Shape())
	}
	var hi float32
	for _, v := range x.Data() {
		if v < 0 || v > 1 || v != v {
			t.Fatalf("value %v outside [0,1]", v)
		}
		hi = max(hi, v)
	}
	if hi != 1 {
		t.Errorf("maximum %v, want 1", hi)
	}
	_, cx, cy, bw, bh := moments(x.Data(), 0.2)
	if math.Abs(cx-14) > 0.75 || math.Abs(cy-14) > 0.75 {
		t.Errorf("centre of mass (%.2f,%.2f), want (14,14)", cx, cy)
	}
	if l := max(bw, bh); l < 18 || l > 21 {
		t.Errorf("bounding box %dx%d, want a longer side of ~20", bw, bh)
	}
}

func TestPreprocessDrawnDigits(t *testing.T) {
	white, black := color.NRGBA{255, 255, 255, 255}, color.NRGBA{10, 10, 10, 255}
	ref := Preprocess(drawDigit(600, 400, 60, 200, 160, black, white))
	checkMNISTLike(t, ref)
	cases := []struct {
		name string
		img  image.Image
	}{
		{"dark on light, other place", drawDigit(300, 900, 150, 40, 240, black, white)},
		{"blue ink on cream paper", drawDigit(800, 500, 500, 100, 200, color.NRGBA{20, 40, 200, 255}, color.NRGBA{250, 240, 210, 255})},
		{"red ink", drawDigit(400, 400, 10, 10, 300, color.NRGBA{220, 30, 30, 255}, white)},
		{"light on dark", drawDigit(500, 500, 250, 250, 200, color.NRGBA{240, 240, 240, 255}, color.NRGBA{20, 20, 30, 255})},
		{"black on transparent", drawDigit(500, 300, 30, 30, 200, color.NRGBA{0, 0, 0, 255}, color.NRGBA{0, 0, 0, 0})},
		{"small, enlarged", drawDigit(40, 40, 5, 8, 24, black, white)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := Preprocess(tc.img)
			checkMNISTLike(t, x)
			if c := cosine(x.Data(), ref.Data()); c < 0.9 {
				t.Errorf("cosine %.3f with the reference drawing", c)
			}
		})
	}
	if x := Preprocess(image.NewGray(image.Rect(0, 0, 50, 50))); x.Len() != Pixels {
		t.Error("blank image")
	} else {
		for _, v := range x.Data() {
			if v != 0 {
				t.Fatal("blank image not all zeros")
			}
		}
	}
}

// Real MNIST digits, enlarged, inverted (dark ink on light paper) and put
// at random places of big canvases, come back close to the original.
func TestPreprocessRecoversMNIST(t *testing.T) {
	ds := mustReal(t)
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 100
	var total, worst float64 = 0, 1
	for k := 0; k < n; k++ {
		orig := ds.Test.Images.Row(k).Data()
		scale := 2 + rng.Float64()*8
		size := int(28 * scale)
		w, h := size+rng.IntN(400), size+rng.IntN(400)
		ox, oy := rng.IntN(w-size+1), rng.IntN(h-size+1)
		paper := 200 + rng.Float64()*55
		m := image.NewGray(image.Rect(0, 0, w, h))
		for i := range m.Pix {
			m.Pix[i] = uint8(paper)
		}
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				v := bilinear28(orig, (float64(x)+0.5)/scale-0.5, (float64(y)+0.5)/scale-0.5)
				m.Pix[(y+oy)*w+x+ox] = uint8(paper * (1 - v))
			}
		}
		c := cosine(Preprocess(m).Data(), orig)
		total += c
		worst = min(worst, c)
	}
	mean := total / n
	t.Logf("cosine similarity with the original: mean %.3f, worst %.3f", mean, worst)
	if mean < 0.8 {
		t.Errorf("mean cosine %.3f < 0.8", mean)
	}
}

func bilinear28(d []float32, x, y float64) float64 {
	x = math.Min(math.Max(x, 0), 27)
	y = math.Min(math.Max(y, 0), 27)
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, 27), min(y0+1, 27)
	fx, fy := x-float64(x0), y-float64(y0)
	at := func(x, y int) float64 { return float64(d[y*28+x]) }
	return (at(x0, y0)*(1-fx)+at(x1, y0)*fx)*(1-fy) + (at(x0, y1)*(1-fx)+at(x1, y1)*fx)*fy
}

func TestLoadImageFormats(t *testing.T) {
	dir := t.TempDir()
	img := drawDigit(320, 240, 40, 30, 150, color.NRGBA{30, 30, 120, 255}, color.NRGBA{255, 255, 255, 255})
	ref := Preprocess(img)
	var pal color.Palette
	for i := 0; i < 256; i++ {
		pal = append(pal, color.Gray{uint8(i)})
	}
	pimg := image.NewPaletted(img.Bounds(), pal)
	draw.Draw(pimg, pimg.Bounds(), img, image.Point{}, draw.Src)
	files := map[string]func(*os.File) error{
		"d.png":  func(f *os.File) error { return png.Encode(f, img) },
		"d.jpg":  func(f *os.File) error { return jpeg.Encode(f, img, &jpeg.Options{Quality: 80}) },
		"d.gif":  func(f *os.File) error { return gif.Encode(f, pimg, nil) },
		"g.jpeg": func(f *os.File) error { return jpeg.Encode(f, toGray(img), nil) },
	}
	for name, enc := range files {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			f, _ := os.Create(p)
			if err := enc(f); err != nil {
				t.Fatal(err)
			}
			f.Close()
			x, err := LoadImage(p)
			if err != nil {
				t.Fatal(err)
			}
			checkMNISTLike(t, x)
			if c := cosine(x.Data(), ref.Data()); c < 0.95 {
				t.Errorf("cosine %.3f with the in-memory image", c)
			}
			raw, err := LoadImageRaw(p)
			if err != nil || raw.Len() != 320*240 {
				t.Fatalf("raw: %v %v", raw.Shape(), err)
			}
		})
	}
}

func toGray(m image.Image) *image.Gray {
	g := image.NewGray(m.Bounds())
	draw.Draw(g, g.Bounds(), m, image.Point{}, draw.Src)
	return g
}

func TestPreprocessRaw(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	m.Set(0, 0, color.NRGBA{255, 255, 255, 255})
	m.Set(1, 0, color.NRGBA{0, 0, 0, 255})
	m.Set(2, 0, color.NRGBA{255, 0, 0, 255})
	m.Set(0, 1, color.NRGBA{0, 255, 0, 255})
	m.Set(1, 1, color.NRGBA{0, 0, 255, 255})
	m.Set(2, 1, color.NRGBA{100, 100, 100, 0}) // alpha ignored, like PIL
	got := PreprocessRaw(m).Data()
	// PIL: L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16, inverted.
	want := []float32{0, 255, 255 - 76, 255 - 150, 255 - 29, 155}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pixel %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestSharedTestImage(t *testing.T) {
	p := filepath.Join("..", "..", "..", "shared", "data", "test_img.png")
	if _, err := os.Stat(p); err != nil {
		t.Skip("no tutorial image")
	}
	raw, err := LoadImageRaw(p)
	if err != nil || raw.Len() != Pixels {
		t.Fatalf("raw %v %v", raw, err)
	}
	x, err := LoadImage(p)
	if err != nil {
		t.Fatal(err)
	}
	checkMNISTLike(t, x)
}

// pngHeaderOnly is a PNG signature and IHDR claiming w x h pixels.
func pngHeaderOnly(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := make([]byte, 0, 17)
	chunk = append(chunk, "IHDR"...)
	chunk = binary.BigEndian.AppendUint32(chunk, w)
	chunk = binary.BigEndian.AppendUint32(chunk, h)
	chunk = append(chunk, 8, 0, 0, 0, 0) // 8-bit greyscale
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestLoadImageErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content, want string
	}{
		{"huge.png", string(pngHeaderOnly(10000, 10000)), "larger than the limit"},
		{"text.png", "hello", "not a readable"},
		{"trunc.png", string(pngHeaderOnly(20, 20)), "cannot decode"},
		{"blank.png", "", "blank"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name)
			content := []byte(tc.content)
			if tc.name == "blank.png" {
				var b bytes.Buffer
				png.Encode(&b, image.NewGray(image.Rect(0, 0, 30, 30)))
				content = b.Bytes()
			}
			os.WriteFile(p, content, 0o644)
			_, err := LoadImage(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
				t.Errorf("err = %v, want %q and the file name", err, tc.want)
			}
		})
	}
	if _, err := LoadImageRaw(filepath.Join(dir, "none.png")); err == nil || !strings.Contains(err.Error(), "none.png") {
		t.Errorf("missing file: %v", err)
	}
}

func TestStack(t *testing.T) {
	a, b := nn.Zeros(Pixels), nn.Zeros(Pixels)
	b.Data()[3] = 1
	s := Stack(a, b)
	if s.Shape()[0] != 2 || s.Shape()[1] != Pixels || s.At(1, 3) != 1 {
		t.Errorf("Stack = %v", s)
	}
	if Stack().Shape()[1] != Pixels {
		t.Error("empty stack")
	}
}

// imageSeeds are small images for the FuzzLoadImage corpus.
func imageSeeds(t testing.TB) map[string][]byte {
	img := drawDigit(24, 20, 3, 2, 16, color.NRGBA{0, 0, 0, 255}, color.NRGBA{255, 255, 255, 255})
	seeds := map[string][]byte{}
	var b bytes.Buffer
	png.Encode(&b, img)
	seeds["png"] = append([]byte(nil), b.Bytes()...)
	b.Reset()
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 50})
	seeds["jpeg"] = append([]byte(nil), b.Bytes()...)
	b.Reset()
	gif.Encode(&b, img, &gif.Options{NumColors: 4})
	seeds["gif"] = append([]byte(nil), b.Bytes()...)
	b.Reset()
	png.Encode(&b, drawDigit(12, 12, 1, 1, 9, color.NRGBA{0, 0, 0, 255}, color.NRGBA{0, 0, 0, 0}))
	seeds["png_alpha"] = append([]byte(nil), b.Bytes()...)
	seeds["png_huge_header"] = pngHeaderOnly(1<<20, 1<<20)
	return seeds
}

func FuzzLoadImage(f *testing.F) {
	for _, s := range imageSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := decodeImage(bytes.NewReader(data), 1<<16)
		if err != nil {
			return
		}
		x := Preprocess(img)
		if x.Len() != Pixels {
			t.Fatalf("shape %v", x.Shape())
		}
		for _, v := range x.Data() {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("value %v", v)
			}
		}
		b := img.Bounds()
		if r := PreprocessRaw(img); r.Len() != b.Dx()*b.Dy() {
			t.Fatalf("raw shape %v for %v", r.Shape(), b)
		}
	})
}
