package repl

import (
	"context"
	"errors"
	"fmt"
	"go/token"
	"image"
	"image/color"
	"io"
	"math"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
	"github.com/nnlab/nnlab/nn/plot"
)

func init() {
	extraCommands = append(extraCommands, Command{
		Name: "draw", Args: "[MODEL]",
		Help: "draw a digit with the mouse into ans ([784], as MNIST's); with MODEL, its live top-3 guesses",
		Run:  cmdDraw,
	})
}

// Valuer is an optional interface of a Session: the value of a name the
// user defined, for commands that work on values (:draw MODEL). ok is
// false for an unknown name.
type Valuer interface {
	Value(name string) (v any, ok bool)
}

// AnsSetter is an optional interface of a Session: it keeps v in the
// session's ans, as if a cell had displayed it.
type AnsSetter interface {
	SetAns(v any) error
}

// Geometry of the drawing screen (1-based terminal rows and columns): a
// title row, a framed 28x28 canvas of half-blocks (two pixel rows per text
// row) and the guesses under it.
const (
	drawSide     = 28
	drawTitleRow = 1
	drawTopRow   = 3 // the canvas's first text row; the frame is above it
	drawLeftCol  = 2 // the canvas's first column; the frame is left of it
	drawRows     = drawSide / 2
	drawGuessRow = drawTopRow + drawRows + 1
	drawHelpRow  = drawGuessRow + 4
	// The screen's size: the help line is the widest.
	drawMinRows, drawMinCols = drawHelpRow, 78
)

// Escape sequences that set the terminal up for drawing and undo it: the
// alternate screen, a hidden cursor and xterm mouse reporting of presses,
// drags (1002) in SGR encoding (1006).
const (
	drawEnter = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J\x1b[?1000h\x1b[?1002h\x1b[?1006h"
	drawLeave = "\x1b[?1006l\x1b[?1002l\x1b[?1000l\x1b[0m\x1b[?25h\x1b[?1049l"
)

// predictFunc returns class probabilities for one prepared image [784].
type predictFunc func(img *nn.Tensor) ([]float64, error)

// cmdDraw is :draw [MODEL]. Everything that can be refused (no terminal,
// no mouse, not a model, a small screen) is checked before the terminal
// is touched.
func cmdDraw(ctx context.Context, r *REPL, args string) error {
	if err := drawTerminalOK(r.cfg.Terminal, os.Getenv("TERM")); err != nil {
		return err
	}
	setter, ok := r.sess.(AnsSetter)
	if !ok {
		return errors.New(":draw: this session cannot keep a value in ans")
	}
	var predict predictFunc
	if args != "" {
		p, err := r.drawModel(args)
		if err != nil {
			return err
		}
		predict = p
	}
	if rows, cols, ok := terminalSize(); ok && (rows < drawMinRows || cols < drawMinCols) {
		return fmt.Errorf(":draw needs a terminal of at least %d rows and %d columns; this one has %d and %d", drawMinRows, drawMinCols, rows, cols)
	}
	tty, err := openDrawTTY()
	if err != nil {
		return fmt.Errorf(":draw: %v", err)
	}
	defer tty.restore() // also if something panics; restore runs once
	caps := plot.DetectCaps(true)
	caps.Images = "" // half-blocks: the canvas is redrawn in place
	d := &drawing{out: r.out, caps: caps, predict: predict}
	accepted, runErr := d.run(ctx, tty)
	if err := tty.restore(); err != nil && runErr == nil {
		runErr = fmt.Errorf(":draw: restoring the terminal: %v", err)
	}
	switch {
	case runErr != nil:
		return runErr
	case !accepted:
		fmt.Fprintln(r.out, "drawing cancelled; ans is unchanged")
		return nil
	}
	img, ok := d.canvas.prepare()
	if !ok {
		fmt.Fprintln(r.out, "nothing was drawn; ans is unchanged")
		return nil
	}
	if err := setter.SetAns(img); err != nil {
		return fmt.Errorf(":draw: %v", err)
	}
	fmt.Fprintf(r.out, "ans = Tensor(shape=%s, %s): the drawing, prepared as MNIST's digits are\n", nn.FormatShape(img.Shape()), img.DType())
	fmt.Fprint(r.out, plot.Digit(img.Data(), drawSide, drawSide, caps))
	if predict != nil {
		probs, err := predict(img)
		if err != nil {
			fmt.Fprintf(r.out, "%s: %v\n", args, err)
		} else {
			fmt.Fprintf(r.out, "%s guesses %s\n", args, strings.Join(guessTexts(probs), ", "))
		}
	}
	return nil
}

// drawTerminalOK says why :draw cannot run, or returns nil: it needs the
// REPL's terminal front end on a terminal whose TERM reports the mouse.
func drawTerminalOK(terminal bool, termEnv string) error {
	if !terminal || !plot.IsTerminal(os.Stdin) || !plot.IsTerminal(os.Stdout) {
		return errors.New(":draw needs a terminal to draw in with the mouse; input or output is not one (piped?)")
	}
	switch strings.ToLower(termEnv) {
	case "", "dumb", "unknown", "linux", "cons25", "emacs":
		return fmt.Errorf(":draw needs a terminal with mouse reporting (xterm's SGR mode); TERM=%q has none", termEnv)
	}
	return nil
}

// drawModel finds the session's value name and makes a predictFunc of it:
// a *model.Model, a value with Predict(*nn.Tensor) *nn.Tensor or a func
// of that type. It tries it on a blank image, so a model that does not
// take [784] images fails here, before the screen changes.
func (r *REPL) drawModel(name string) (predictFunc, error) {
	if !token.IsIdentifier(name) {
		return nil, fmt.Errorf("usage: :draw [MODEL]: %q is not a name", name)
	}
	valuer, ok := r.sess.(Valuer)
	if !ok {
		return nil, errors.New(":draw: this session cannot look values up")
	}
	v, ok := valuer.Value(name)
	if !ok {
		return nil, fmt.Errorf(":draw: %s is not defined", name)
	}
	p, err := predictorOf(name, v)
	if err != nil {
		return nil, err
	}
	if _, err := p(nn.Zeros(mnist.Pixels)); err != nil {
		return nil, fmt.Errorf(":draw: %s cannot classify a [784] image: %v", name, err)
	}
	return p, nil
}

// predictor is what :draw needs of a model.
type predictor interface {
	Predict(images *nn.Tensor) *nn.Tensor
}

// dataPredictor is *model.Model's Predict, which takes the data forms Fit
// takes (images among them).
type dataPredictor interface {
	Predict(data ...any) *nn.Tensor
}

// predictorOf makes a predictFunc of a session value. A panic in the
// model becomes an error; outputs that are not probabilities (logits) go
// through a softmax.
func predictorOf(name string, v any) (predictFunc, error) {
	var f func(*nn.Tensor) *nn.Tensor
	switch m := v.(type) {
	case predictor:
		if m == nil || isNilPointer(m) {
			return nil, fmt.Errorf(":draw: %s is nil", name)
		}
		f = m.Predict
	case dataPredictor:
		if m == nil || isNilPointer(m) {
			return nil, fmt.Errorf(":draw: %s is nil", name)
		}
		f = func(images *nn.Tensor) *nn.Tensor { return m.Predict(images) }
	case func(*nn.Tensor) *nn.Tensor:
		if m == nil {
			return nil, fmt.Errorf(":draw: %s is nil", name)
		}
		f = m
	default:
		return nil, fmt.Errorf(":draw: %s is of type %T, not a model (a *model.Model, or a value with Predict(*nn.Tensor) *nn.Tensor)", name, v)
	}
	return func(img *nn.Tensor) (probs []float64, err error) {
		defer func() {
			if r := recover(); r != nil {
				probs, err = nil, fmt.Errorf("%v", r)
			}
		}()
		out := f(img)
		if out == nil || out.Len() == 0 {
			return nil, errors.New("the model's Predict returned no values")
		}
		return probabilities(out.Data()), nil
	}, nil
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// probabilities returns vals as float64s, through a softmax unless they
// already are probabilities (in [0,1], summing to 1).
func probabilities(vals []float32) []float64 {
	p := make([]float64, len(vals))
	sum, isProb := 0.0, true
	for i, v := range vals {
		p[i] = float64(v)
		sum += p[i]
		if !(p[i] >= 0 && p[i] <= 1) {
			isProb = false
		}
	}
	if isProb && math.Abs(sum-1) < 1e-3 {
		return p
	}
	top := math.Inf(-1)
	for _, v := range p {
		top = math.Max(top, v)
	}
	sum = 0
	for i, v := range p {
		p[i] = math.Exp(v - top)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

// topGuesses returns the indices of the n largest probabilities, largest
// first (ties: the lower class first).
func topGuesses(probs []float64, n int) []int {
	idx := make([]int, len(probs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return probs[idx[a]] > probs[idx[b]] })
	if len(idx) > n {
		idx = idx[:n]
	}
	return idx
}

// guessTexts renders the top three guesses as "7 (0.93)".
func guessTexts(probs []float64) []string {
	var s []string
	for _, c := range topGuesses(probs, 3) {
		s = append(s, fmt.Sprintf("%d (%.2f)", c, probs[c]))
	}
	return s
}

// canvas is the 28x28 drawing, ink in [0,1], row-major.
type canvas [drawSide * drawSide]float64

// Brush radii in pixels: full ink within penCore, none beyond penEdge,
// a smooth falloff between (a pen about 2-3 pixels wide with soft edges,
// like MNIST's anti-aliased strokes). The eraser is wider.
const (
	penCore, penEdge     = 0.7, 1.9
	eraseCore, eraseEdge = 2.0, 3.2
)

// stroke paints (or erases) the segment from (x0,y0) to (x1,y1), in pixel
// coordinates (pixel i covers [i, i+1)): each pixel gets the brush's
// coverage at its distance from the segment, combined with what is there
// (the larger of the two when painting, so a stroke crossing itself does
// not darken, as ink would not).
func (c *canvas) stroke(x0, y0, x1, y1 float64, erase bool) {
	core, edge := penCore, penEdge
	if erase {
		core, edge = eraseCore, eraseEdge
	}
	lo := func(a, b float64) int { return max(0, int(math.Floor(math.Min(a, b)-edge))) }
	hi := func(a, b float64) int { return min(drawSide-1, int(math.Ceil(math.Max(a, b)+edge))) }
	for py := lo(y0, y1); py <= hi(y0, y1); py++ {
		for px := lo(x0, x1); px <= hi(x0, x1); px++ {
			d := segmentDistance(float64(px)+0.5, float64(py)+0.5, x0, y0, x1, y1)
			a := coverage(d, core, edge)
			if a <= 0 {
				continue
			}
			p := &c[py*drawSide+px]
			if erase {
				*p *= 1 - a
			} else {
				*p = math.Max(*p, a)
			}
		}
	}
}

// coverage is the brush's ink at distance d from its centre line: 1 within
// core, 0 beyond edge, a smoothstep between.
func coverage(d, core, edge float64) float64 {
	switch {
	case d <= core:
		return 1
	case d >= edge:
		return 0
	}
	t := (edge - d) / (edge - core)
	return t * t * (3 - 2*t)
}

// segmentDistance is the distance from (px,py) to the segment
// (x0,y0)-(x1,y1).
func segmentDistance(px, py, x0, y0, x1, y1 float64) float64 {
	dx, dy := x1-x0, y1-y0
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, ((px-x0)*dx+(py-y0)*dy)/l2))
	}
	return math.Hypot(px-(x0+t*dx), py-(y0+t*dy))
}

// blank reports whether nothing visible is drawn.
func (c *canvas) blank() bool {
	for _, v := range c {
		if v >= 0.04 {
			return false
		}
	}
	return true
}

// prepare turns the canvas into MNIST's form with mnist.Preprocess (the
// preparation mnist.LoadImage gives own images: cropped, scaled to a
// 20-pixel box, centred by centre of mass). The canvas is handed over
// light ink on black with a blank margin, so its border is background
// even where a stroke touches the canvas's edge. ok is false for a blank
// canvas.
func (c *canvas) prepare() (t *nn.Tensor, ok bool) {
	if c.blank() {
		return nil, false
	}
	const margin = 2
	img := image.NewGray16(image.Rect(0, 0, drawSide+2*margin, drawSide+2*margin))
	for y := 0; y < drawSide; y++ {
		for x := 0; x < drawSide; x++ {
			img.SetGray16(x+margin, y+margin, color.Gray16{Y: uint16(math.Round(c[y*drawSide+x] * 0xffff))})
		}
	}
	return mnist.Preprocess(img), true
}

// floats returns the canvas as float32 pixels, for plot.Digit.
func (c *canvas) floats() []float32 {
	f := make([]float32, len(c))
	for i, v := range c {
		f[i] = float32(v)
	}
	return f
}

// Kinds of input events.
const (
	evKey = iota
	evMouse
)

// inputEvent is a key press or an SGR mouse report.
type inputEvent struct {
	kind int
	key  byte // evKey: the byte, or 0x1b for Esc
	// evMouse: button (0 left, 1 middle, 2 right, 3 none; 64 and up the
	// wheel), modifiers masked out; motion is a drag; release is the
	// report's final 'm'; x, y are the 1-based column and row.
	button          int
	motion, release bool
	x, y            int
}

// inputParser splits terminal input into events. It keeps an incomplete
// escape sequence until the next feed; flush decides what a lone ESC was.
type inputParser struct {
	pending []byte
}

// maxSeq bounds an escape sequence: a longer one is garbage and dropped.
const maxSeq = 64

// feed adds input and returns the complete events in it.
func (p *inputParser) feed(b []byte) []inputEvent {
	p.pending = append(p.pending, b...)
	var evs []inputEvent
	for len(p.pending) > 0 {
		ev, n, ok := parseOne(p.pending)
		if n == 0 { // incomplete: wait for more
			break
		}
		p.pending = p.pending[n:]
		if ok {
			evs = append(evs, ev)
		}
	}
	if len(p.pending) > maxSeq {
		p.pending = nil
	}
	p.pending = append([]byte(nil), p.pending...)
	return evs
}

// flush is called when no input came for a while: a pending lone ESC is
// the Esc key; any other incomplete sequence is dropped.
func (p *inputParser) flush() []inputEvent {
	defer func() { p.pending = nil }()
	if len(p.pending) == 1 && p.pending[0] == 0x1b {
		return []inputEvent{{kind: evKey, key: 0x1b}}
	}
	return nil
}

// parseOne reads the event at the start of b. n is the number of bytes it
// used (0: incomplete); ok is false for input that means nothing here
// (function keys, Alt-combinations, other reports).
func parseOne(b []byte) (ev inputEvent, n int, ok bool) {
	if b[0] != 0x1b {
		return inputEvent{kind: evKey, key: b[0]}, 1, true
	}
	if len(b) < 2 {
		return ev, 0, false
	}
	switch b[1] {
	case 0x1b: // Esc, then another sequence
		return inputEvent{kind: evKey, key: 0x1b}, 1, true
	case 'O': // SS3: F1-F4, keypad
		if len(b) < 3 {
			return ev, 0, false
		}
		return ev, 3, false
	case '[':
	default: // Alt+key
		return ev, 2, false
	}
	// CSI: parameter and intermediate bytes, then a final byte @..~.
	end := -1
	for i := 2; i < len(b); i++ {
		if b[i] >= 0x40 && b[i] <= 0x7e && !(i == 2 && b[i] == '<') {
			end = i
			break
		}
	}
	if end < 0 {
		if len(b) > maxSeq {
			return ev, len(b), false
		}
		return ev, 0, false
	}
	n = end + 1
	if b[2] != '<' || (b[end] != 'M' && b[end] != 'm') {
		return ev, n, false
	}
	f := strings.Split(string(b[3:end]), ";")
	if len(f) != 3 {
		return ev, n, false
	}
	var v [3]int
	for i, s := range f {
		x, err := strconv.Atoi(s)
		if err != nil || x < 0 {
			return ev, n, false
		}
		v[i] = x
	}
	code := v[0] &^ (4 | 8 | 16) // shift, meta, control
	return inputEvent{
		kind:    evMouse,
		button:  code &^ 32,
		motion:  code&32 != 0,
		release: b[end] == 'm',
		x:       v[1], y: v[2],
	}, n, true
}

// drawInput is the terminal's input while drawing: read returns what
// arrived within wait (nil if nothing did). The terminal's reader returns
// one byte at a time, so that what follows the Enter or Esc that ends the
// drawing stays unread, for the REPL's prompt.
type drawInput interface {
	read(wait time.Duration) ([]byte, error)
}

// drawing is one :draw session: the canvas, the pen's state and where it
// is shown.
type drawing struct {
	out     io.Writer
	caps    plot.Caps
	predict predictFunc // nil: no guesses

	canvas canvas
	// pen is the button held (-1: none) and its last position.
	pen        int
	penX, penY float64
}

// escWait is how long a lone ESC waits for the rest of a sequence before
// it counts as the Esc key.
const escWait = 60 * time.Millisecond

// run shows the canvas on the alternate screen, paints with the mouse
// until Enter (accepted), Esc or Ctrl-C (not accepted), and leaves the
// terminal as it found it, whatever happens (cancelled ctx, read error or
// a panic). ctx is cancelled by an interrupt signal from elsewhere.
func (d *drawing) run(ctx context.Context, in drawInput) (accepted bool, err error) {
	d.pen = -1
	io.WriteString(d.out, drawEnter)
	defer io.WriteString(d.out, drawLeave)
	d.drawFrame()
	d.redraw()
	var p inputParser
	for {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		wait := 200 * time.Millisecond
		if len(p.pending) > 0 {
			wait = escWait
		}
		b, err := in.read(wait)
		if err != nil {
			return false, fmt.Errorf(":draw: reading the terminal: %v", err)
		}
		if len(b) == 0 && len(p.pending) == 0 {
			continue
		}
		// Handle what has arrived, then redraw once.
		changed := false
		for total := 0; ; {
			var evs []inputEvent
			if len(b) == 0 {
				evs = p.flush()
			} else {
				evs = p.feed(b)
			}
			for _, ev := range evs {
				if ev.kind == evMouse {
					changed = d.mouse(ev) || changed
					continue
				}
				switch ev.key {
				case '\r', '\n':
					return true, nil
				case 0x1b, 0x03: // Esc, Ctrl-C (raw mode sends it as a byte)
					return false, nil
				case 'c', 'C':
					d.canvas = canvas{}
					d.pen = -1
					changed = true
				}
			}
			if total += len(b); len(b) == 0 || total > maxBatch {
				break
			}
			if b, err = in.read(0); err != nil {
				return false, fmt.Errorf(":draw: reading the terminal: %v", err)
			}
			if len(b) == 0 && len(p.pending) > 0 {
				break // an ESC waits for the rest of its sequence
			}
		}
		if changed {
			d.redraw()
		}
	}
}

// maxBatch bounds the input handled between redraws, so a flood of mouse
// reports still shows progress.
const maxBatch = 4096

// mouse applies a mouse report and reports whether the canvas changed.
func (d *drawing) mouse(ev inputEvent) bool {
	x := float64(ev.x-drawLeftCol) + 0.5
	y := float64(2*(ev.y-drawTopRow)) + 1 // a text row is two pixel rows
	switch {
	case ev.release:
		d.pen = -1
		return false
	case ev.button != 0 && ev.button != 2: // middle button, wheel
		return false
	case !ev.motion || d.pen != ev.button:
		d.pen, d.penX, d.penY = ev.button, x, y
	}
	d.canvas.stroke(d.penX, d.penY, x, y, ev.button == 2)
	d.penX, d.penY = x, y
	return true
}

// drawFrame writes the title, the frame and the help line.
func (d *drawing) drawFrame() {
	h, v, tl, tr, bl, br := "─", "│", "┌", "┐", "└", "┘"
	if !d.caps.UTF8 {
		h, v, tl, tr, bl, br = "-", "|", "+", "+", "+", "+"
	}
	var b strings.Builder
	at := func(row, col int) { fmt.Fprintf(&b, "\x1b[%d;%dH", row, col) }
	at(drawTitleRow, 1)
	b.WriteString("Draw a digit with the mouse")
	at(drawTopRow-1, drawLeftCol-1)
	b.WriteString(tl + strings.Repeat(h, drawSide) + tr)
	for r := 0; r < drawRows; r++ {
		at(drawTopRow+r, drawLeftCol-1)
		b.WriteString(v)
		at(drawTopRow+r, drawLeftCol+drawSide)
		b.WriteString(v)
	}
	at(drawTopRow+drawRows, drawLeftCol-1)
	b.WriteString(bl + strings.Repeat(h, drawSide) + br)
	at(drawHelpRow, 1)
	b.WriteString("left button draws, right button erases; c clears, Enter accepts, Esc cancels")
	io.WriteString(d.out, b.String())
}

// redraw writes the canvas and, with a model, the guesses under it.
func (d *drawing) redraw() {
	var b strings.Builder
	lines := strings.Split(strings.TrimSuffix(plot.Digit(d.canvas.floats(), drawSide, drawSide, d.caps), "\n"), "\n")
	for r, l := range lines {
		fmt.Fprintf(&b, "\x1b[%d;%dH%s", drawTopRow+r, drawLeftCol, l)
	}
	if d.predict != nil {
		for i, l := range d.guesses() {
			fmt.Fprintf(&b, "\x1b[%d;1H%s\x1b[K", drawGuessRow+i, l)
		}
	}
	io.WriteString(d.out, b.String())
}

// guesses are the three lines under the canvas: the model's top three
// classes with their probabilities and bars.
func (d *drawing) guesses() [3]string {
	var lines [3]string
	img, ok := d.canvas.prepare()
	if !ok {
		lines[0] = "(the model's guesses appear here as you draw)"
		return lines
	}
	probs, err := d.predict(img)
	if err != nil {
		lines[0] = "the model failed: " + plainLine(err.Error())
		return lines
	}
	bar := "█"
	if !d.caps.UTF8 {
		bar = "#"
	}
	for i, c := range topGuesses(probs, 3) {
		lines[i] = fmt.Sprintf("#%d  %d  %5.1f%%  %s", i+1, c, 100*probs[c], strings.Repeat(bar, int(math.Round(probs[c]*30))))
	}
	return lines
}

// plainLine makes s one line without control characters.
func plainLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
