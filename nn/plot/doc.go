// Package plot draws what a neural-network notebook needs to see: MNIST
// digits, training curves and tables in the terminal, and curves to PNG
// files.
//
// Every renderer takes a Caps, the terminal's capabilities, and returns a
// string ending in a newline, ready for fmt.Print:
//
//	caps := plot.DetectCaps(plot.IsTerminal(os.Stdout))
//	fmt.Print(plot.Digit(img, 28, 28, caps))
//	fmt.Print(plot.Braille([]plot.Series{{Name: "loss", Y: losses}}, 60, 12, caps))
//
// Caps are decided from the environment only (LANG, TERM, COLORTERM, ...):
// the terminal is never queried, so nothing can hang or leave a reply in
// the input. When the output is not a terminal, DetectCaps returns the zero
// Caps and every renderer writes plain ASCII without a single escape
// sequence. NNLAB_DISPLAY=halfblock|ascii|kitty|iterm|sixel|plain
// overrides the detection on a terminal.
//
// SavePNG writes a chart with axes, labels and a legend to a PNG file
// (atomically), for reports and for terminals that cannot draw.
//
// # Rich display in the REPL
//
// The nnlab REPL (package runtime) shows the value of a bare expression.
// Beyond String(), it recognises, in this order:
//
//   - a Displayer, a value with a method Display(width int, caps plot.Caps)
//     string: its result is shown as is. width is the terminal's width in columns and
//     caps what the terminal can draw; a value returns what fits, for
//     example a History draws its curves with Braille and a Model its
//     summary with Table. Caps is the zero value when the output is not a
//     terminal: the result must then be plain ASCII (the renderers here
//     already obey caps).
//   - a value with a method Summary() string (a model): its summary.
//   - an *nn.Tensor of 784 values in [0,1] or [0,255] (shape [784],
//     [28,28], [1,784], [28,28,1], ...): its summary line, then the digit.
//
// Other values print as before. Only compiled types (packages such as
// nn/model) can take part: methods of types declared in REPL cells are not
// visible to the runtime. A method that panics falls back to the plain
// display. The REPL keeps the last displayed value in the global ans
// (type any); a cell ending in ';' hides its value but still sets ans.
//
// For example, a training history shows its curves and a model its layers:
//
//	func (h *History) Display(width int, caps plot.Caps) string {
//		return plot.Braille([]plot.Series{{Name: "loss", Y: h.Loss()}}, width-10, 10, caps)
//	}
//
//	func (m *Model) Summary() string { return plot.Table(header, rows) }
package plot
