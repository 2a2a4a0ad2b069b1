//go:build linux

package main

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
	"github.com/nnlab/nnlab/nn/model"
)

// The drawing screen's canvas starts at this terminal column and row
// (1-based): repl/draw.go's drawLeftCol and drawTopRow. A text row holds two
// pixel rows.
const canvasCol, canvasRow = 2, 3

// mouseAt is the SGR report of a left-button press (drag: a motion with
// the button held; release: 'm') at canvas pixel (x, y).
func mouseAt(button int, x, y float64, final byte) string {
	return fmt.Sprintf("\x1b[<%d;%d;%d%c", button, canvasCol+int(x), canvasRow+int(y)/2, final)
}

// strokeKeys is the mouse input that drags the given button along a
// polyline of canvas pixels, in steps of about a pixel, then releases it.
func strokeKeys(button int, pts ...[2]float64) string {
	var b strings.Builder
	b.WriteString(mouseAt(button, pts[0][0], pts[0][1], 'M'))
	for i := 1; i < len(pts); i++ {
		a, c := pts[i-1], pts[i]
		n := int(math.Ceil(math.Hypot(c[0]-a[0], c[1]-a[1])))
		for k := 1; k <= n; k++ {
			t := float64(k) / float64(n)
			b.WriteString(mouseAt(button+32, a[0]+t*(c[0]-a[0]), a[1]+t*(c[1]-a[1]), 'M'))
		}
	}
	last := pts[len(pts)-1]
	b.WriteString(mouseAt(button, last[0], last[1], 'm'))
	return b.String()
}

// The strokes the tests draw: a 1 (one vertical stroke) and a 7 (a top bar,
// then a diagonal down to the left).
var (
	strokeOne   = [][2]float64{{14, 4}, {14, 24}}
	strokeSeven = [][2]float64{{8, 5}, {20, 5}, {12, 24}}
)

// templates are digits as polylines in a 28x28 field, for a small model
// trained on strokes where MNIST's files are missing.
var templates = map[int][][][2]float64{
	0: {ellipse(14, 14, 6, 9)},
	1: {strokeOne},
	4: {{{15, 4}, {8, 17}, {21, 17}}, {{17, 9}, {17, 25}}},
	7: {strokeSeven},
}

func ellipse(cx, cy, rx, ry float64) [][2]float64 {
	var pts [][2]float64
	for i := 0; i <= 24; i++ {
		a := 2 * math.Pi * float64(i) / 24
		pts = append(pts, [2]float64{cx + rx*math.Sin(a), cy - ry*math.Cos(a)})
	}
	return pts
}

// renderStrokes draws polylines, moved by a random affine jitter, with a
// pen of random width into a grey image (white ink on black).
func renderStrokes(lines [][][2]float64, r *rand.Rand) image.Image {
	ang := (r.Float64()*2 - 1) * 0.2
	sc := 0.8 + 0.4*r.Float64()
	dx, dy := (r.Float64()*2-1)*3, (r.Float64()*2-1)*3
	width := 0.8 + 0.9*r.Float64()
	move := func(p [2]float64) [2]float64 {
		x, y := p[0]-14, p[1]-14
		return [2]float64{14 + dx + sc*(x*math.Cos(ang)-y*math.Sin(ang)), 14 + dy + sc*(x*math.Sin(ang)+y*math.Cos(ang))}
	}
	img := image.NewGray(image.Rect(0, 0, 32, 32))
	for py := 0; py < 28; py++ {
		for px := 0; px < 28; px++ {
			d := math.Inf(1)
			for _, l := range lines {
				for i := 1; i < len(l); i++ {
					a, b := move(l[i-1]), move(l[i])
					d = math.Min(d, segDist(float64(px)+0.5, float64(py)+0.5, a, b))
				}
			}
			v := math.Max(0, math.Min(1, width+0.6-d))
			img.SetGray(px+2, py+2, color.Gray{Y: uint8(255 * v)})
		}
	}
	return img
}

func segDist(px, py float64, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := math.Max(0, math.Min(1, ((px-a[0])*dx+(py-a[1])*dy)/(dx*dx+dy*dy+1e-12)))
	return math.Hypot(px-a[0]-t*dx, py-a[1]-t*dy)
}

// digitModel trains a small dense classifier and saves it; it returns
// the file's path. It learns from MNIST when the files are there (as they
// are wherever go.mod's modules are downloaded), else from jittered
// renderings of the templates, prepared by mnist.Preprocess as :draw
// prepares the canvas.
func digitModel(t *testing.T) string {
	t.Helper()
	var images, labels *nn.Tensor
	if data, err := mnist.ReadDataSets("", true); err == nil {
		images, labels = data.Train.Images.Slice(0, 20000), data.Train.Labels.Slice(0, 20000)
		t.Log("the model learns from MNIST")
	} else {
		t.Logf("MNIST not available (%v): the model learns from strokes of 0, 1, 4 and 7", err)
		r := rand.New(rand.NewPCG(7, 16))
		var imgs []*nn.Tensor
		var ids []float32
		for k := 0; k < 150; k++ {
			for _, d := range []int{0, 1, 4, 7} {
				imgs = append(imgs, mnist.Preprocess(renderStrokes(templates[d], r)))
				ids = append(ids, float32(d))
			}
		}
		images, labels = mnist.Stack(imgs...), nn.NewTensor(ids, len(ids))
	}
	nn.Seed(5)
	m := model.Sequential(model.Input(784), model.Dense(128, "relu"), model.Dense(10, "softmax"))
	m.Compile(nn.AdamOptimizer(1e-3))
	m.FitArrays(images, labels, model.FitOptions{Epochs: 2, Verbose: -1})
	path := filepath.Join(t.TempDir(), "digits.safetensors")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// termios reads the pseudo-terminal's mode (the master reports the
// slave's).
func termios(t *testing.T, tm *term) *unix.Termios {
	t.Helper()
	st, err := unix.IoctlGetTermios(int(tm.f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// cookedDuringCell runs a cell that sleeps and returns the terminal's mode
// while it runs (readline has the terminal in cooked mode then).
func cookedDuringCell(t *testing.T, tm *term) unix.Termios {
	t.Helper()
	tm.send(`fmt.Println("sleep" + "ing"); time.Sleep(1500 * time.Millisecond)` + "\r")
	tm.expect("sleeping")
	st := *termios(t, tm)
	tm.expect(">>> ")
	return st
}

// drawOutput is everything the terminal received so far, escape codes kept.
func drawOutput(tm *term) string {
	tm.out.mu.Lock()
	defer tm.out.mu.Unlock()
	return string(tm.out.buf)
}

func TestTerminalDraw(t *testing.T) {
	modelPath := digitModel(t)
	env, _ := testEnv(t)
	tm := startTerm(t, env)
	tm.cell(`import "time"`)
	tm.cell(`import "github.com/nnlab/nnlab/nn/model"`)
	tm.cell(fmt.Sprintf("m, err := model.Load(%q)", modelPath))
	before := cookedDuringCell(t, tm)

	// Draw a 1: the live guesses say 1.
	startOne := len(drawOutput(tm))
	tm.send(":draw m\r")
	tm.expect("Draw a digit with the mouse")
	tm.expect("guesses appear here")
	tm.send(strokeKeys(0, strokeOne...))
	tm.expect("#1  1 ")
	screenOne := screenText(tm)
	tm.send("\r")
	tm.expect("ans = Tensor(shape=[784], float32)")
	tm.expect("m guesses 1 (")
	tm.expect(">>> ")
	afterOne := drawOutput(tm)[startOne:]
	afterOne = stripANSI(afterOne[strings.LastIndex(afterOne, "\x1b[?1049l"):])
	if !strings.Contains(drawOutput(tm), "\x1b[?1006h") || !strings.Contains(drawOutput(tm), "\x1b[?1000l") {
		t.Error("mouse reporting was not switched on and off")
	}

	// ans is the [784] drawing, prepared as MNIST's: mass centred near
	// (14,14), a narrow column of ink for the 1.
	tm.cell(`img := ans.(*nn.Tensor)`)
	tm.send("img.Shape()\r")
	tm.expect("[784]")
	tm.expect(">>> ")
	tm.send(`stats := func(t *nn.Tensor) string { d := t.Data(); var s, sx, sy, mid, hi float64; for i, v := range d { x, y := float64(i%28), float64(i/28); s += float64(v); sx += x * float64(v); sy += y * float64(v); if x >= 11 && x <= 17 { mid += float64(v) }; if float64(v) > hi { hi = float64(v) } }; return fmt.Sprintf("st" + "ats: %.2f %.2f %.3f %.2f %.1f", sx/s, sy/s, mid/s, hi, s) }; fmt.Println("def" + "ined")` + "\r")
	tm.expect("defined")
	tm.send("stats(img)\r")
	tm.expect(`"stats: `)
	tm.expect(">>> ")
	var cx, cy, mid, hi, mass float64
	if _, err := fmt.Sscanf(lastLine(t, tm, `"stats: `), `"stats: %g %g %g %g %g"`, &cx, &cy, &mid, &hi, &mass); err != nil {
		t.Fatal(err)
	}
	t.Logf("the 1: centre of mass (%.2f, %.2f), %.1f%% of the ink in columns 11-17, peak %.2f, mass %.1f", cx, cy, 100*mid, hi, mass)
	if math.Abs(cx-14) > 1 || math.Abs(cy-14) > 1 || mid < 0.95 || hi != 1 || mass < 20 {
		t.Errorf("the drawn 1 is not a centred vertical stroke: %v %v %v %v %v", cx, cy, mid, hi, mass)
	}

	// Draw a 7 after clearing a scribble; the guesses follow the drawing.
	tm.send(":draw m\r")
	tm.expect("Draw a digit with the mouse")
	tm.send(strokeKeys(0, [2]float64{5, 20}, [2]float64{22, 20}))
	tm.expect("#1  ")
	tm.send("c")
	tm.expect("guesses appear here")
	tm.send(strokeKeys(0, strokeSeven...))
	tm.expect("#1  7 ")
	// The right button erases: wiping the whole canvas leaves it blank.
	tm.send(strokeKeys(2, [2]float64{0, 1}, [2]float64{27, 1}, [2]float64{27, 5}, [2]float64{0, 5}, [2]float64{0, 9},
		[2]float64{27, 9}, [2]float64{27, 13}, [2]float64{0, 13}, [2]float64{0, 17}, [2]float64{27, 17},
		[2]float64{27, 21}, [2]float64{0, 21}, [2]float64{0, 25}, [2]float64{27, 25}))
	tm.expect("guesses appear here")
	tm.send(strokeKeys(0, strokeSeven...))
	tm.expect("#1  7 ")
	screenSeven := screenText(tm)
	tm.send("\r")
	tm.expect("m guesses 7 (")
	tm.expect(">>> ")
	tm.cell(`img7 := ans.(*nn.Tensor)`)
	tm.send("stats(img7)\r")
	tm.expect(`"stats: `)
	tm.expect(">>> ")
	seven := lastLine(t, tm, `"stats: `)
	if _, err := fmt.Sscanf(seven, `"stats: %g %g %g %g %g"`, &cx, &cy, &mid, &hi, &mass); err != nil {
		t.Fatal(err)
	}
	if math.Abs(cx-14) > 1 || math.Abs(cy-14) > 1 || mid > 0.8 {
		t.Errorf("the drawn 7 is not centred or is as narrow as a 1: %s", seven)
	}

	// Esc and Ctrl-C cancel: the terminal is restored, ans is unchanged.
	for _, key := range []string{"\x1b", "\x03"} {
		tm.send("img7;\r") // ans = img7
		tm.expect(">>> ")
		mark := len(drawOutput(tm))
		tm.send(":draw\r")
		tm.expect("Draw a digit with the mouse")
		tm.send(strokeKeys(0, strokeOne...))
		tm.send(key)
		tm.expect("drawing cancelled; ans is unchanged")
		tm.expect(">>> ")
		out := drawOutput(tm)[mark:]
		for _, seq := range []string{"\x1b[?1006l", "\x1b[?1002l", "\x1b[?1000l", "\x1b[?25h", "\x1b[?1049l"} {
			if !strings.Contains(out, seq) {
				t.Errorf("after %q: %q was not written", key, seq)
			}
		}
		tm.send("ans == img7\r")
		tm.expect("true")
		tm.expect(">>> ")
		after := cookedDuringCell(t, tm)
		if after != before {
			t.Errorf("after %q the terminal's mode is %+v, want %+v as before :draw", key, after, before)
		}
	}

	// An interrupt signal from elsewhere (the terminal sends Ctrl-C as a
	// byte in raw mode) stops :draw the same way.
	tm.send("img7;\r")
	tm.expect(">>> ")
	mark := len(drawOutput(tm))
	tm.send(":draw\r")
	tm.expect("Draw a digit with the mouse")
	tm.send(strokeKeys(0, strokeOne...))
	tm.expect("left button draws") // the help line comes after the canvas's first drawing
	if err := tm.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	tm.expect("interrupted")
	tm.expect(">>> ")
	if out := drawOutput(tm)[mark:]; !strings.Contains(out, "\x1b[?1000l\x1b[0m\x1b[?25h\x1b[?1049l") {
		t.Errorf("after SIGINT the terminal was not restored: %q", out)
	}
	tm.send("ans == img7\r")
	tm.expect("true")
	tm.expect(">>> ")

	// Enter on a blank canvas keeps ans.
	tm.send("img7;\r")
	tm.expect(">>> ")
	tm.send(":draw m\r")
	tm.expect("guesses appear here")
	tm.send("\r")
	tm.expect("nothing was drawn; ans is unchanged")
	tm.expect(">>> ")
	tm.send("ans == img7\r")
	tm.expect("true")
	tm.expect(">>> ")

	// What is typed right after the Enter that accepts a drawing, in the
	// same burst of input, reaches the REPL whole.
	tm.send(":draw\r")
	tm.expect("Draw a digit with the mouse")
	tm.send(strokeKeys(0, strokeOne...) + "\r1234 + 1\r")
	tm.expect("ans = Tensor(shape=[784], float32)")
	tm.expect("1235")
	tm.expect(">>> ")

	// A value that is not a model is refused before the screen changes.
	tm.cell(`notModel := 3`)
	tm.send(":draw notModel\r")
	tm.expect("notModel is of type int, not a model")
	tm.expect(">>> ")
	tm.exit()

	if os.Getenv("NNLAB_DRAW_TRANSCRIPT") != "" {
		t.Logf("screen with the 1:\n%s\nafter Enter:\n%s\nscreen with the 7:\n%s", screenOne, afterOne, screenSeven)
	}
}

// screenText renders the drawing screen as text: the output since the
// last "Draw a digit" title replayed on a grid, so half-blocks and guesses
// land where the terminal put them.
func screenText(tm *term) string {
	out := drawOutput(tm)
	i := strings.LastIndex(out, "\x1b[?1049h")
	if i < 0 {
		return ""
	}
	return replay(out[i:], 24, 90)
}

// replay interprets cursor positioning (CSI row;col H), erase to end of
// line and plain text, dropping other escape sequences, and returns the
// grid's lines.
func replay(s string, rows, cols int) string {
	grid := make([][]rune, rows)
	for i := range grid {
		grid[i] = []rune(strings.Repeat(" ", cols))
	}
	r, c := 0, 0
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == 0x1b && i+1 < len(rs) && rs[i+1] == '[' {
			j := i + 2
			for j < len(rs) && !(rs[j] >= 0x40 && rs[j] <= 0x7e) {
				j++
			}
			if j >= len(rs) {
				break
			}
			params := string(rs[i+2 : j])
			switch rs[j] {
			case 'H':
				var row, col int
				if _, err := fmt.Sscanf(params, "%d;%d", &row, &col); err == nil {
					r, c = row-1, col-1
				} else {
					r, c = 0, 0
				}
			case 'K':
				for k := c; r < rows && k < cols; k++ {
					grid[r][k] = ' '
				}
			}
			i = j
			continue
		}
		switch rs[i] {
		case '\r':
			c = 0
		case '\n':
			r++
		default:
			if r < rows && c < cols && rs[i] >= ' ' {
				grid[r][c] = rs[i]
			}
			c++
		}
	}
	var lines []string
	for _, l := range grid {
		lines = append(lines, strings.TrimRight(string(l), " "))
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

func TestPipedDraw(t *testing.T) {
	stdout, stderr, status := runPiped(t, "40 + 2\n:draw\nans\n")
	if !strings.Contains(stderr, ":draw needs a terminal") {
		t.Errorf("stderr = %q, want :draw to say it needs a terminal", stderr)
	}
	if strings.Count(stdout, "42") != 2 || strings.Contains(stdout, "\x1b") {
		t.Errorf("stdout = %q, want 42 twice (ans unchanged) and no escape codes", stdout)
	}
	if status == 0 {
		t.Errorf("exit status 0, want a failure for the refused :draw")
	}
}

func TestTerminalDrawDumb(t *testing.T) {
	env, _ := testEnv(t)
	env = append(env, "TERM=dumb")
	tm := startTerm(t, env)
	tm.send("40 + 2\r")
	tm.expect("42")
	tm.expect(">>> ")
	mark := len(drawOutput(tm))
	tm.send(":draw\r")
	tm.expect(`TERM="dumb" has none`)
	tm.expect(">>> ")
	if out := drawOutput(tm)[mark:]; strings.Contains(out, "\x1b[?1000h") {
		t.Errorf("mouse reporting switched on for TERM=dumb: %q", out)
	}
	tm.send("ans\r")
	tm.expect("42")
	tm.expect(">>> ")
	tm.exit()
}

func TestTerminalDrawTooSmall(t *testing.T) {
	env, _ := testEnv(t)
	tm := startTerm(t, env)
	if err := pty.Setsize(tm.f, &pty.Winsize{Rows: 12, Cols: 60}); err != nil {
		t.Fatal(err)
	}
	mark := len(drawOutput(tm))
	tm.send(":draw\r")
	tm.expect("needs a terminal of at least 22 rows and 78 columns; this one has 12 and 60")
	tm.expect(">>> ")
	if out := drawOutput(tm)[mark:]; strings.Contains(out, "\x1b[?1000h") {
		t.Errorf("mouse reporting switched on in a small terminal: %q", out)
	}
	tm.exit()
}

// TestTerminalDrawKilled ends nnlab with SIGTERM while it draws: the
// terminal is put back first.
func TestTerminalDrawKilled(t *testing.T) {
	env, _ := testEnv(t)
	tm := startTerm(t, env)
	tm.cell(`import "time"`)
	before := cookedDuringCell(t, tm)
	mark := len(drawOutput(tm))
	tm.send(":draw\r")
	tm.expect("left button draws")
	if err := tm.cmd.Process.Signal(unix.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- tm.cmd.Wait() }()
	select {
	case err := <-done:
		t.Logf("nnlab ended: %v", err)
	case <-time.After(hangGuard):
		t.Fatal("SIGTERM did not end nnlab")
	}
	// The copy from the pseudo-terminal may still be catching up.
	for deadline := time.Now().Add(hangGuard); ; time.Sleep(10 * time.Millisecond) {
		out := drawOutput(tm)[mark:]
		if strings.Contains(out, "\x1b[?1000l") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("mouse reporting was left on: %q", out)
		}
	}
	if after := *termios(t, tm); after != before {
		t.Errorf("after SIGTERM the terminal's mode is %+v, want %+v", after, before)
	}
}
