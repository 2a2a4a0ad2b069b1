package plot

import (
	"bytes"
	"encoding/base64"
	"flag"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name.golden, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./nn/plot -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (go test ./nn/plot -update rewrites it):\ngot:\n%s\nwant:\n%s", name, path, got, want)
	}
}

// seven is a 28×28 anti-aliased "7" with values in [0,1].
func seven() []float32 {
	img := make([]float32, 28*28)
	ink := func(d float64) float32 { // distance from a stroke's centre line
		return float32(math.Max(0, math.Min(1, 1.6-d)))
	}
	for y := 0; y < 28; y++ {
		for x := 0; x < 28; x++ {
			fx, fy := float64(x), float64(y)
			var v float32
			if fx >= 6 && fx <= 21 { // the bar
				v = max(v, ink(math.Abs(fy-7)))
			}
			if fy >= 7 && fy <= 23 { // the stroke from (21,7) to (12,23)
				cx := 21 - (fy-7)*9/16
				v = max(v, ink(math.Abs(fx-cx)))
			}
			img[y*28+x] = v
		}
	}
	return img
}

// scaled returns img ×255, as raw MNIST bytes would be.
func scaled(img []float32) []float32 {
	out := make([]float32, len(img))
	for i, v := range img {
		out[i] = float32(math.Round(float64(v) * 255))
	}
	return out
}

var (
	ascii      = Caps{}
	utf8Only   = Caps{UTF8: true}
	color256   = Caps{UTF8: true, Color256: true}
	trueColor  = Caps{UTF8: true, Color256: true, TrueColor: true}
	allEnvVars = map[string]string{
		"LANG": "en_US.UTF-8", "TERM": "xterm-kitty", "COLORTERM": "truecolor",
		"KITTY_WINDOW_ID": "1", "TERM_PROGRAM": "iTerm.app", DisplayEnv: "kitty",
	}
)

func TestDetectCaps(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		term bool
		want Caps
	}{
		{allEnvVars, false, Caps{}},
		{map[string]string{}, true, Caps{}},
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "xterm"}, true, utf8Only},
		{map[string]string{"LANG": "C.UTF-8", "LC_ALL": "C", "TERM": "xterm-256color"}, true, Caps{Color256: true}},
		{map[string]string{"LC_CTYPE": "en_GB.utf8", "TERM": "xterm-256color"}, true, color256},
		{map[string]string{"LANG": "en_US.UTF-8", "COLORTERM": "24bit"}, true, trueColor},
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "xterm-kitty"}, true, Caps{UTF8: true, Color256: true, TrueColor: true, Images: "kitty"}},
		{map[string]string{"KITTY_WINDOW_ID": "3", "TERM": "xterm-256color"}, true, Caps{Color256: true, TrueColor: true, Images: "kitty"}},
		{map[string]string{"TERM_PROGRAM": "iTerm.app"}, true, Caps{Color256: true, TrueColor: true, Images: "iterm"}},
		{map[string]string{"LC_TERMINAL": "iTerm2"}, true, Caps{Color256: true, TrueColor: true, Images: "iterm"}},
		{map[string]string{"TERM": "foot"}, true, Caps{Color256: true, TrueColor: true, Images: "sixel"}},
		{map[string]string{"TERM": "xterm-sixel"}, true, Caps{Color256: true, TrueColor: true, Images: "sixel"}},
		{map[string]string{"TERM": "mlterm"}, true, Caps{Color256: true, TrueColor: true, Images: "sixel"}},
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "xterm-kitty", DisplayEnv: "halfblock"}, true, trueColor},
		{map[string]string{"TERM": "dumb", DisplayEnv: "halfblock"}, true, color256},
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "xterm-kitty", DisplayEnv: "ascii"}, true, Caps{}},
		{map[string]string{"LANG": "en_US.UTF-8", DisplayEnv: "plain"}, true, Caps{}},
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "xterm-256color", DisplayEnv: "Sixel"}, true, Caps{UTF8: true, Color256: true, TrueColor: true, Images: "sixel"}},
		{map[string]string{"LANG": "en_US.UTF-8", DisplayEnv: "iterm"}, true, Caps{UTF8: true, Color256: true, TrueColor: true, Images: "iterm"}},
	} {
		got := detectCaps(tc.term, func(k string) string { return tc.env[k] })
		if got != tc.want {
			t.Errorf("detectCaps(%v, %v) = %+v, want %+v", tc.term, tc.env, got, tc.want)
		}
	}
}

func TestDigitGolden(t *testing.T) {
	img := seven()
	golden(t, "digit_halfblock256", Digit(img, 28, 28, color256))
	golden(t, "digit_truecolor", Digit(img, 28, 28, trueColor))
	golden(t, "digit_ascii", Digit(img, 28, 28, ascii))
	// [0,255] values draw the same as [0,1]; UTF-8 without colour is ASCII.
	if got, want := Digit(scaled(img), 28, 28, color256), Digit(img, 28, 28, color256); got != want {
		t.Errorf("0..255 image draws differently from 0..1:\n%s\n%s", got, want)
	}
	if got, want := Digit(img, 28, 28, utf8Only), Digit(img, 28, 28, ascii); got != want {
		t.Errorf("UTF-8 without colour:\n%s\nwant ASCII:\n%s", got, want)
	}
	if lines := strings.Split(strings.TrimSuffix(Digit(img, 28, 28, ascii), "\n"), "\n"); len(lines) != 14 || len(lines[0]) != 28 {
		t.Errorf("ASCII digit is %d lines of %d, want 14 of 28", len(lines), len(lines[0]))
	}
	if got := Digit(img[:10], 28, 28, ascii); !strings.Contains(got, "cannot draw") {
		t.Errorf("short image: %q", got)
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		in   []float32
		want []float64
	}{
		{[]float32{0, 0.5, 1}, []float64{0, 0.5, 1}},
		{[]float32{0, 51, 255}, []float64{0, 0.2, 1}},
		{[]float32{-1, 0, 3}, []float64{0, 0.25, 1}},
		{[]float32{300, 300}, []float64{0, 0}}, // constant: nothing to stretch
		{[]float32{float32(math.NaN()), 1}, []float64{0, 1}},
	} {
		got := normalize(tc.in)
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-6 {
				t.Errorf("normalize(%v) = %v, want %v", tc.in, got, tc.want)
				break
			}
		}
	}
}

func TestDigitGrid(t *testing.T) {
	img := seven()
	blank := make([]float32, 784)
	imgs := [][]float32{img, scaled(img), blank}
	labels := []string{Caption(7, 7, 0.98, color256), Caption(7, 2, 0.91, color256), "a very long caption that is cut"}
	golden(t, "grid_halfblock256", DigitGrid(imgs, labels, 2, color256))
	asciiLabels := []string{Caption(7, 7, 0.98, ascii), Caption(7, 2, 0.91, ascii), "x"}
	golden(t, "grid_ascii", DigitGrid(imgs, asciiLabels, 3, ascii))
	if c := Caption(7, 2, 0.91, color256); c != "7→2 (0.91)" {
		t.Errorf("Caption = %q", c)
	}
	if c := Caption(7, 2, -1, ascii); c != "7->2" {
		t.Errorf("Caption = %q", c)
	}
	// A UTF-8 caption in an ASCII grid is made ASCII.
	if g := DigitGrid(imgs[:1], []string{"7→2"}, 1, ascii); !strings.Contains(g, "7->2") || !isASCII(g) {
		t.Errorf("ASCII grid caption:\n%s", g)
	}
	// Image protocols draw grids as text, so captions line up.
	if g := DigitGrid(imgs[:1], nil, 1, Caps{UTF8: true, TrueColor: true, Images: "kitty"}); strings.Contains(g, "\x1b_G") || !strings.Contains(g, upperHalf) {
		t.Errorf("kitty grid is not half-blocks")
	}
}

func testSeries() []Series {
	var loss, val, acc []float64
	for i := 0; i < 30; i++ {
		x := float64(i)
		loss = append(loss, 2.3*math.Exp(-x/6)+0.1)
		val = append(val, 2.3*math.Exp(-x/8)+0.2+0.05*math.Sin(x))
		acc = append(acc, 1-0.9*math.Exp(-x/5))
	}
	val[12] = math.NaN() // a gap
	return []Series{{Name: "loss", Y: loss}, {Name: "val_loss", Y: val}, {Name: "acc", Y: acc}}
}

func TestBraille(t *testing.T) {
	s := testSeries()
	golden(t, "braille_256", Braille(s, 40, 8, color256))
	golden(t, "braille_utf8", Braille(s[:1], 40, 8, utf8Only))
	golden(t, "chart_ascii", Braille(s, 40, 10, ascii))
	xy := []Series{{Name: "lr", X: []float64{0.001, 0.01, 0.1}, Y: []float64{0.5, 0.3, 0.9}}}
	golden(t, "chart_ascii_xy", Braille(xy, 20, 5, ascii))
	// Every chart line is as wide as the others up to the axis.
	for _, out := range []string{Braille(s, 40, 8, color256), Braille(s, 40, 8, ascii)} {
		lines := strings.Split(out, "\n")
		for _, l := range lines[:8] {
			if w := visibleWidth(l); w > 6+1+40 {
				t.Errorf("chart line %q is %d wide", l, w)
			}
		}
	}
	if got := Braille(nil, 10, 3, ascii); got != "(no data to plot)\n" {
		t.Errorf("empty chart: %q", got)
	}
	flat := Braille([]Series{{Name: "c", Y: []float64{3, 3, 3}}}, 10, 3, ascii)
	if !strings.Contains(flat, "3.3") || !strings.Contains(flat, "2.7") {
		t.Errorf("constant series:\n%s", flat)
	}
}

func TestBrailleBits(t *testing.T) {
	// U+28FF has all eight dots; each dot is one distinct bit.
	seen := uint8(0)
	for x := 0; x < 2; x++ {
		for y := 0; y < 4; y++ {
			b := brailleBit(x, y)
			if b == 0 || seen&b != 0 {
				t.Fatalf("dot (%d,%d) bit %#x", x, y, b)
			}
			seen |= b
		}
	}
	if seen != 0xff {
		t.Fatalf("bits %#x", seen)
	}
	// Dot 1 is top left (U+2801), dot 8 bottom right (U+2880).
	if brailleBit(0, 0) != 0x01 || brailleBit(1, 3) != 0x80 || brailleBit(1, 0) != 0x08 || brailleBit(0, 3) != 0x40 {
		t.Fatal("braille dot numbering")
	}
}

func TestTable(t *testing.T) {
	header := []string{"layer", "output shape", "params"}
	rows := [][]string{
		{"dense_1 (Dense)", "[?,512]", "401,920"},
		{"dense_2 (Dense)", "[?,10]", "5130"},
		{"total"},
	}
	golden(t, "table_utf8", TableFor(utf8Only, header, rows))
	golden(t, "table_ascii", TableFor(ascii, header, rows))
	cm := [][]string{{"0", "980", "0"}, {"1", "2", "1133"}}
	golden(t, "table_confusion_ascii", TableFor(ascii, []string{"true\\pred", "0", "1"}, cm))
	if got := TableFor(ascii, nil, nil); got != "" {
		t.Errorf("empty table: %q", got)
	}
	if got := TableFor(ascii, nil, [][]string{{"a", "1"}}); got != "+---+---+\n| a | 1 |\n+---+---+\n" {
		t.Errorf("headerless table:\n%s", got)
	}
	// Not a terminal (go test's output is not): ASCII.
	if got := Table(header, rows); got != TableFor(DefaultCaps(), header, rows) {
		t.Errorf("Table differs from TableFor(DefaultCaps())")
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// TestNotTerminalIsPlain: whatever the environment claims, output that is
// not a terminal gets plain ASCII with no escape byte from every renderer.
func TestNotTerminalIsPlain(t *testing.T) {
	for k, v := range allEnvVars {
		t.Setenv(k, v)
	}
	caps := DetectCaps(false)
	if caps != (Caps{}) {
		t.Fatalf("DetectCaps(false) = %+v", caps)
	}
	if IsTerminal(&bytes.Buffer{}) || IsTerminal(nil) {
		t.Fatal("a buffer is not a terminal")
	}
	if f, err := os.CreateTemp(t.TempDir(), "out"); err == nil {
		if IsTerminal(f) {
			t.Error("a regular file is a terminal")
		}
		f.Close()
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if IsTerminal(w) {
		t.Error("a pipe is a terminal")
	}
	var live bytes.Buffer
	lc := NewLiveChart(&live, 30, 5)
	lc.Update("epoch 1/2 \x1b[31mred\x1b[0m", testSeries()...)
	lc.Update("epoch 2/2", testSeries()...)
	if live.Len() != 0 {
		t.Errorf("LiveChart on a buffer wrote before Done: %q", live.String())
	}
	lc.Done()
	img := seven()
	s := testSeries()
	for name, out := range map[string]string{
		"digit":   Digit(img, 28, 28, caps),
		"grid":    DigitGrid([][]float32{img, img}, []string{"7→7 (0.99)", "\x1b[1m"}, 2, caps),
		"braille": Braille(s, 40, 8, caps),
		"table":   TableFor(caps, []string{"a→b", "n"}, [][]string{{"é", "1"}}),
		"live":    live.String(),
	} {
		if strings.ContainsRune(out, 0x1b) || !isASCII(out) {
			t.Errorf("%s output for a non-terminal has escapes or non-ASCII:\n%q", name, out)
		}
		if out == "" {
			t.Errorf("%s output is empty", name)
		}
	}
	if strings.Count(live.String(), "epoch") != 1 || !strings.Contains(live.String(), "epoch 2/2") {
		t.Errorf("LiveChart.Done wrote:\n%s", live.String())
	}
}

func TestLiveChartTerminal(t *testing.T) {
	var b bytes.Buffer
	lc := NewLiveChartCaps(&b, 20, 3, true, color256)
	lc.Update("epoch 1", s1(1))
	first := b.String()
	if strings.Contains(first, "\x1b[") && strings.Contains(first, "A") && strings.HasPrefix(first, "\r\x1b[") {
		t.Errorf("first drawing moves the cursor up: %q", first)
	}
	n := strings.Count(first, "\n")
	b.Reset()
	lc.Update("epoch 2", s1(2))
	second := b.String()
	if !strings.HasPrefix(second, "\r\x1b["+strconv.Itoa(n)+"A") {
		t.Errorf("redraw does not move up %d lines: %q", n, second)
	}
	if !strings.Contains(second, "epoch 2") || strings.Count(second, "\x1b[2K") != n {
		t.Errorf("redraw: %q", second)
	}
	b.Reset()
	lc.Update("", s1(3)) // one line shorter: the stale line is cleared
	third := b.String()
	if strings.Count(third, "\x1b[2K") != n || !strings.HasSuffix(third, "\x1b[1A") {
		t.Errorf("shorter redraw: %q", third)
	}
	b.Reset()
	lc.Done()
	if b.Len() != 0 {
		t.Errorf("Done on a terminal wrote %q", b.String())
	}
}

func s1(n int) Series {
	y := make([]float64, n+1)
	for i := range y {
		y[i] = float64(i * i)
	}
	return Series{Name: "loss", Y: y}
}

func TestInlineImages(t *testing.T) {
	img := seven()
	k := Digit(img, 28, 28, Caps{Images: ImagesKitty})
	if !strings.HasPrefix(k, "\x1b_Ga=T,f=100,q=2,m=") || !strings.HasSuffix(k, "\x1b\\\n") {
		t.Fatalf("kitty: %.60q", k)
	}
	var payload strings.Builder
	for _, part := range strings.Split(strings.TrimSuffix(k, "\n"), "\x1b\\") {
		if part == "" {
			continue
		}
		i := strings.IndexByte(part, ';')
		if len(part)-i-1 > kittyChunk {
			t.Errorf("kitty chunk of %d bytes", len(part)-i-1)
		}
		payload.WriteString(part[i+1:])
	}
	checkPNG(t, "kitty", payload.String())

	it := Digit(img, 28, 28, Caps{Images: ImagesITerm})
	if !strings.HasPrefix(it, "\x1b]1337;File=inline=1;") || !strings.HasSuffix(it, "\a\n") {
		t.Fatalf("iterm: %.60q", it)
	}
	checkPNG(t, "iterm", it[strings.IndexByte(it, ':')+1:len(it)-2])

	sx := Digit(img, 28, 28, Caps{Images: ImagesSixel})
	w, h, px := decodeSixel(t, sx)
	if w != 112 || h != 112 {
		t.Fatalf("sixel is %dx%d, want 112x112", w, h)
	}
	v := normalize(img)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			want := int(math.Round(v[(y/4)*28+x/4] * 15))
			if px[y][x] != want {
				t.Fatalf("sixel pixel (%d,%d) = %d, want %d", x, y, px[y][x], want)
			}
		}
	}
}

func checkPNG(t *testing.T, name, b64 string) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("%s: base64: %v", name, err)
	}
	im, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: png: %v", name, err)
	}
	if b := im.Bounds(); b.Dx() != 112 || b.Dy() != 112 {
		t.Fatalf("%s: image is %v, want 112x112", name, b)
	}
	// The bar of the seven is white, the corner black.
	if r, _, _, _ := im.At(13*4, 7*4).RGBA(); r>>8 != 255 {
		t.Errorf("%s: bar pixel %d", name, r>>8)
	}
	if r, _, _, _ := im.At(0, 0).RGBA(); r != 0 {
		t.Errorf("%s: corner pixel %d", name, r)
	}
}

// decodeSixel is a minimal sixel reader for what sixelImage writes.
func decodeSixel(t *testing.T, s string) (w, h int, px [][]int) {
	t.Helper()
	if !strings.HasPrefix(s, "\x1bP0;1;0q\"1;1;") || !strings.HasSuffix(s, "\x1b\\\n") {
		t.Fatalf("sixel framing: %.40q ... %q", s, s[len(s)-4:])
	}
	body := s[len("\x1bP0;1;0q\"1;1;") : len(s)-3]
	var n int
	num := func() int {
		v := 0
		for n < len(body) && body[n] >= '0' && body[n] <= '9' {
			v = v*10 + int(body[n]-'0')
			n++
		}
		return v
	}
	w = num()
	n++ // ;
	h = num()
	px = make([][]int, h)
	for i := range px {
		px[i] = make([]int, w)
		for j := range px[i] {
			px[i][j] = -1
		}
	}
	color, x, band := 0, 0, 0
	put := func(c byte, count int) {
		bits := int(c) - 63
		for i := 0; i < count; i++ {
			for r := 0; r < 6; r++ {
				if bits&(1<<r) != 0 && band*6+r < h {
					px[band*6+r][x] = color
				}
			}
			x++
		}
	}
	for n < len(body) {
		switch c := body[n]; {
		case c == '#':
			n++
			color = num()
			if n < len(body) && body[n] == ';' { // palette definition
				for k := 0; k < 4; k++ {
					n++
					num()
				}
			}
		case c == '$':
			x = 0
			n++
		case c == '-':
			x, band = 0, band+1
			n++
		case c == '!':
			n++
			count := num()
			put(body[n], count)
			n++
		case c >= 63 && c <= 126:
			put(c, 1)
			n++
		default:
			t.Fatalf("sixel: unexpected byte %q at %d", c, n)
		}
	}
	for y := range px {
		for x := range px[y] {
			if px[y][x] < 0 {
				t.Fatalf("sixel pixel (%d,%d) not painted", x, y)
			}
		}
	}
	return w, h, px
}

func TestSavePNG(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "loss.png")
	s := testSeries()
	if err := SavePNG(path, "training", "epoch", "loss", s...); err != nil {
		t.Fatal(err)
	}
	checkPNGFile(t, path, DefaultPNGWidth, DefaultPNGHeight)
	// Replaced in place at another size; no temporary file is left.
	c := Chart{Title: "small", Width: 320, Height: 200, Series: s[:1]}
	if err := c.SavePNG(path); err != nil {
		t.Fatal(err)
	}
	checkPNGFile(t, path, 320, 200)
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d entries, want 1", len(ents))
	}
	if err := SavePNG(filepath.Join(dir, "none.png"), "", "", ""); err == nil {
		t.Error("SavePNG without series succeeded")
	}
	if err := SavePNG(filepath.Join(dir, "missing", "x.png"), "", "", "", s[0]); err == nil {
		t.Error("SavePNG into a missing directory succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "none.png")); err == nil {
		t.Error("a failed SavePNG left a file")
	}
}

func checkPNGFile(t *testing.T, path string, w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	im, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := im.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("%s is %dx%d, want %dx%d", path, b.Dx(), b.Dy(), w, h)
	}
	// Something was drawn: not every pixel is the background.
	bg := im.At(0, 0)
	for y := 0; y < h; y += 3 {
		for x := 0; x < w; x += 3 {
			if im.At(x, y) != bg {
				return
			}
		}
	}
	t.Fatalf("%s is blank", path)
}

// visibleWidth is the number of columns s takes, ignoring SGR escapes.
func visibleWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := strings.IndexByte(s[i:], 'm')
			if j < 0 {
				break
			}
			i += j + 1
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}
