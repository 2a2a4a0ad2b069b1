package plot

import (
	"io"
	"strconv"
	"strings"
)

// LiveChart redraws a status line and a Braille chart in place as training
// goes: on a terminal each Update moves the cursor up over the previous
// drawing and overwrites it. On any other writer (a pipe, a file, a test)
// Update writes nothing and Done writes the last chart once, so logs get
// one chart rather than one per epoch.
type LiveChart struct {
	w             io.Writer
	terminal      bool
	caps          Caps
	width, height int
	lines         int    // lines of the drawing on screen
	last          string // the latest drawing, for Done

	// XUnit is written after the x axis's last value ("epoch").
	XUnit string
}

// NewLiveChart returns a chart of width×height cells writing to w. Whether
// it redraws in place, and what it can draw, is decided by CanRedraw and
// DetectCaps.
func NewLiveChart(w io.Writer, width, height int) *LiveChart {
	term := CanRedraw(w)
	return NewLiveChartCaps(w, width, height, term, DetectCaps(term))
}

// NewLiveChartCaps is NewLiveChart with the terminal decision and caps
// given. When terminal is false caps is ignored and output is plain ASCII.
func NewLiveChartCaps(w io.Writer, width, height int, terminal bool, caps Caps) *LiveChart {
	if !terminal {
		caps = Caps{}
	}
	return &LiveChart{w: w, terminal: terminal, caps: caps, width: width, height: height}
}

// Update draws status (one line, may be empty to leave it out) above a
// chart of series, replacing the previous drawing on a terminal.
func (c *LiveChart) Update(status string, series ...Series) error {
	var b strings.Builder
	if status != "" {
		b.WriteString(plainText(strings.TrimRight(status, "\n"), c.caps) + "\n")
	}
	b.WriteString(BrailleX(series, c.width, c.height, c.caps, c.XUnit))
	c.last = b.String()
	if !c.terminal {
		return nil
	}
	var out strings.Builder
	if c.lines > 0 {
		// Back to column 0 of the drawing's first line.
		out.WriteString("\r\x1b[" + strconv.Itoa(c.lines) + "A")
	}
	lines := strings.Split(strings.TrimSuffix(c.last, "\n"), "\n")
	for _, l := range lines {
		out.WriteString("\x1b[2K" + l + "\n") // erase the old line, draw the new
	}
	// A shorter drawing than the last one: clear what is left below.
	for i := len(lines); i < c.lines; i++ {
		out.WriteString("\x1b[2K\n")
	}
	if extra := c.lines - len(lines); extra > 0 {
		out.WriteString("\x1b[" + strconv.Itoa(extra) + "A")
	}
	c.lines = len(lines)
	_, err := io.WriteString(c.w, out.String())
	return err
}

// Done finishes the chart. On a terminal the last drawing stays where it
// is; elsewhere it is written now.
func (c *LiveChart) Done() error {
	if c.terminal || c.last == "" {
		return nil
	}
	_, err := io.WriteString(c.w, c.last)
	c.last = ""
	return err
}

// Println prints s as a permanent line above the drawing: on a terminal
// the drawing is erased, s printed, and the drawing redrawn below it, so
// epoch summaries accumulate while the chart stays under them. Elsewhere s
// is simply written.
func (c *LiveChart) Println(s string) error {
	if !c.terminal {
		_, err := io.WriteString(c.w, s+"\n")
		return err
	}
	var out strings.Builder
	if c.lines > 0 {
		out.WriteString("\r\x1b[" + strconv.Itoa(c.lines) + "A\x1b[J")
	}
	out.WriteString(plainText(s, c.caps) + "\n")
	if c.last != "" {
		out.WriteString(c.last)
		if !strings.HasSuffix(c.last, "\n") {
			out.WriteString("\n")
		}
	}
	_, err := io.WriteString(c.w, out.String())
	return err
}
