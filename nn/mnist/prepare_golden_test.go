package mnist

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updatePrepared = flag.Bool("update-prepared", false, "rewrite testdata/prepared.golden from the current Preprocess")

// cleanImages returns clean drawings of digits, as MNIST's were before
// their preparation: dark ink on uniform light paper (or light on dark),
// grey or in colour, of many sizes and positions, some touching the
// border; and the example images. Each has a name.
func cleanImages(t *testing.T) (names []string, imgs []image.Image) {
	t.Helper()
	add := func(name string, m image.Image) {
		names = append(names, name)
		imgs = append(imgs, m)
	}
	black, white := color.NRGBA{0, 0, 0, 255}, color.NRGBA{255, 255, 255, 255}
	for _, c := range []struct {
		w, h, x0, y0, size int
		ink, paper         color.NRGBA
	}{
		{28, 28, 4, 4, 20, black, white},
		{64, 64, 10, 12, 40, black, white},
		{200, 120, 30, 5, 100, black, white},
		{90, 90, 0, 20, 60, black, white},   // touching the left border
		{90, 90, 40, 0, 50, black, white},   // touching the top
		{50, 300, 5, 100, 40, black, white}, // tall canvas
		{300, 40, 200, 4, 32, black, white}, // wide canvas
		{80, 80, 10, 10, 60, white, black},  // light on dark
		{80, 80, 15, 5, 64, color.NRGBA{20, 30, 140, 255}, white},
		{120, 100, 20, 20, 70, color.NRGBA{170, 20, 20, 255}, color.NRGBA{250, 244, 225, 255}},
		{60, 60, 8, 8, 44, color.NRGBA{90, 90, 95, 255}, color.NRGBA{215, 215, 210, 255}},
	} {
		add(fmt.Sprintf("seven %dx%d at %d,%d size %d ink %v paper %v", c.w, c.h, c.x0, c.y0, c.size, c.ink, c.paper),
			drawDigit(c.w, c.h, c.x0, c.y0, c.size, c.ink, c.paper))
	}
	// Antialiased round strokes: rings and bars of several widths.
	for _, c := range []struct{ side, r, pen float64 }{{40, 12, 2}, {100, 35, 9}, {33, 14, 1}, {256, 80, 30}} {
		n := int(c.side)
		g := image.NewGray(image.Rect(0, 0, n, n))
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				d := math.Abs(math.Hypot(float64(x)-c.side/2+0.5, (float64(y)-c.side/2+0.5)*0.7)-c.r) - c.pen/2
				g.Pix[y*n+x] = uint8(255 * math.Min(1, math.Max(0, d+0.5)))
			}
		}
		add(fmt.Sprintf("ring side %g radius %g pen %g", c.side, c.r, c.pen), g)
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", "images", "*.png"))
	for _, f := range files {
		m, err := decodeFile(f, MaxImagePixels)
		if err != nil {
			t.Fatal(err)
		}
		add(filepath.Base(f), m)
	}
	return names, imgs
}

// TestPreprocessCleanUnchanged checks that clean images prepare exactly,
// bit for bit, as they did before Preprocess learnt to handle photos and
// scans (testdata/prepared.golden, written with -update-prepared by the
// version before).
func TestPreprocessCleanUnchanged(t *testing.T) {
	names, imgs := cleanImages(t)
	var got []string
	for i, m := range imgs {
		d := Preprocess(m).Data()
		b := make([]byte, 4*len(d))
		for j, v := range d {
			binary.LittleEndian.PutUint32(b[4*j:], math.Float32bits(v))
		}
		got = append(got, fmt.Sprintf("%08x %s", crc32.ChecksumIEEE(b), names[i]))
	}
	golden := filepath.Join("testdata", "prepared.golden")
	if *updatePrepared {
		if err := os.WriteFile(golden, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		want = append(want, s.Text())
	}
	if len(want) != len(got) {
		t.Fatalf("%d images, %s has %d", len(got), golden, len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("prepared differently than before: got %s, want %s", got[i], want[i])
		}
	}
}
