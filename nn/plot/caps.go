package plot

import (
	"io"
	"os"
	"strconv"
	"strings"
)

// Caps is what a terminal can draw. The zero Caps means plain ASCII with no
// escape sequences, which is what every non-terminal output gets.
type Caps struct {
	UTF8      bool   // Unicode block, braille and box-drawing characters
	Color256  bool   // the xterm 256-colour palette (SGR 38;5 / 48;5)
	TrueColor bool   // 24-bit colour (SGR 38;2 / 48;2)
	Images    string // inline images: "kitty", "iterm", "sixel", or "" for none
}

// Color reports whether any colour escape sequences may be written.
func (c Caps) Color() bool { return c.Color256 || c.TrueColor }

// Image protocols for Caps.Images.
const (
	ImagesKitty = "kitty"
	ImagesITerm = "iterm"
	ImagesSixel = "sixel"
)

// DisplayEnv is the environment variable that overrides DetectCaps on a
// terminal: halfblock, ascii, kitty, iterm, sixel or plain.
const DisplayEnv = "NNLAB_DISPLAY"

// DetectCaps decides what the output can draw from the environment only; it
// never writes to or reads from the terminal. isTerminal says whether the
// output is a terminal; when it is false the result is the zero Caps (plain
// ASCII, no escape sequences) whatever the environment says.
//
// UTF-8 comes from LC_ALL, LC_CTYPE or LANG (the first one set); colour from
// COLORTERM=truecolor|24bit and a TERM containing "256color"; WT_SESSION
// (Windows Terminal) means UTF-8 and 24-bit colour; inline images
// from KITTY_WINDOW_ID or TERM=xterm-kitty (kitty), TERM_PROGRAM=iTerm.app
// or LC_TERMINAL=iTerm2 (iTerm2), and a TERM naming sixel or a terminal
// known to draw sixels (mlterm, foot, contour). NNLAB_DISPLAY overrides:
// "halfblock" forces Unicode with colour and no images, "ascii" plain ASCII
// characters with no colour, "plain" the same (the zero Caps), and "kitty",
// "iterm" or "sixel" that image protocol. TERM=dumb gives the zero Caps
// (unless NNLAB_DISPLAY is set), and a non-empty NO_COLOR removes colour
// and images whatever else is set.
func DetectCaps(isTerminal bool) Caps {
	return detectCaps(isTerminal, os.Getenv)
}

// detectCaps is DetectCaps with the environment as a function, for tests.
func detectCaps(isTerminal bool, getenv func(string) string) Caps {
	if !isTerminal {
		return Caps{}
	}
	var c Caps
	locale := getenv("LC_ALL")
	if locale == "" {
		locale = getenv("LC_CTYPE")
	}
	if locale == "" {
		locale = getenv("LANG")
	}
	l := strings.ToLower(locale)
	c.UTF8 = strings.Contains(l, "utf-8") || strings.Contains(l, "utf8")
	term := strings.ToLower(getenv("TERM"))
	switch strings.ToLower(getenv("COLORTERM")) {
	case "truecolor", "24bit":
		c.TrueColor = true
	}
	if getenv("WT_SESSION") != "" {
		// Windows Terminal sets no TERM or locale, and draws Unicode in
		// 24-bit colour.
		c.UTF8, c.TrueColor = true, true
	}
	c.Color256 = c.TrueColor || strings.Contains(term, "256color")
	switch {
	case getenv("KITTY_WINDOW_ID") != "" || term == "xterm-kitty":
		c.Images = ImagesKitty
	case getenv("TERM_PROGRAM") == "iTerm.app" || getenv("LC_TERMINAL") == "iTerm2":
		c.Images = ImagesITerm
	case strings.Contains(term, "sixel") || strings.HasPrefix(term, "mlterm") ||
		strings.HasPrefix(term, "foot") || strings.HasPrefix(term, "contour"):
		c.Images = ImagesSixel
	}
	imageColor := func() {
		if c.Images != "" {
			// Every terminal that draws images also draws 24-bit colour.
			c.TrueColor, c.Color256 = true, true
		}
	}
	imageColor()
	if term == "dumb" {
		c = Caps{} // unless NNLAB_DISPLAY says otherwise
	}
	switch strings.ToLower(strings.TrimSpace(getenv(DisplayEnv))) {
	case "halfblock":
		c.UTF8, c.Color256, c.Images = true, true, ""
	case "ascii", "plain":
		c = Caps{}
	case ImagesKitty, ImagesITerm, ImagesSixel:
		c.Images = strings.ToLower(strings.TrimSpace(getenv(DisplayEnv)))
	}
	imageColor()
	if getenv("NO_COLOR") != "" { // https://no-color.org
		c.Color256, c.TrueColor, c.Images = false, false, ""
	}
	return c
}

// CanRedraw reports whether w is a terminal on which output may move the
// cursor to redraw in place (a progress bar, a live chart): not on
// TERM=dumb.
func CanRedraw(w io.Writer) bool {
	return IsTerminal(w) && !strings.EqualFold(os.Getenv("TERM"), "dumb")
}

// DefaultCaps is DetectCaps for the process's standard output.
func DefaultCaps() Caps { return DetectCaps(IsTerminal(os.Stdout)) }

// IsTerminal reports whether w is an *os.File open on a terminal. It asks
// the operating system about the file (no bytes are exchanged with the
// terminal); any other writer is not a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	return isTTY(f)
}

// Width returns the width in columns of the terminal behind w, or, when w is
// not a terminal, $COLUMNS or else 80.
func Width(w io.Writer) int {
	if f, ok := w.(*os.File); ok && f != nil {
		if n := ttyWidth(f); n > 0 {
			return n
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 80
}

// Displayer is implemented by values that draw themselves when the nnlab
// REPL displays them (a training history, a model): width is the
// terminal's width in columns and caps what it can draw. With the zero Caps
// (output that is not a terminal) the result must be plain ASCII without
// escape sequences; the renderers of this package already obey caps.
type Displayer interface {
	Display(width int, caps Caps) string
}
