package runtime

import (
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/plot"
)

// ansName is the global that holds the last displayed value, like MATLAB's
// ans. Python's _ is impossible: Go (and yaegi) cannot read _ ("cannot use _
// as value"). ans has type any: ans.(*nn.Tensor) gets a tensor back.
const ansName = "ans"

// display renders the value(s) of a cell's final bare expression and keeps
// them in ans. A single value may display richly (see richValue); anything
// else goes through formatValues.
func (s *Session) display(vals []any, call bool) (out string) {
	defer recoverShow(&out, typesOf(vals))
	vals = dropNilError(vals)
	if len(vals) == 1 && call && isNil(vals[0]) {
		return ""
	}
	s.setAns(vals)
	if len(vals) == 1 {
		if out, ok := richValue(vals[0], s.displayCaps()); ok {
			return out
		}
	}
	return formatValues(vals, call)
}

// displayCaps is what the session's output can draw: the zero Caps (plain
// ASCII) unless Stdout is a terminal.
func (s *Session) displayCaps() displayCaps {
	c := displayCaps{caps: plot.DetectCaps(s.term), width: 80}
	if s.term {
		w := s.opts.Stdout
		if _, ok := w.(*os.File); !ok {
			w = os.Stdout // the REPL's writer ends on the process's terminal
		}
		c.width = plot.Width(w)
	}
	return c
}

// displayCaps is the terminal's capabilities and width in columns.
type displayCaps struct {
	caps  plot.Caps
	width int
}

// setAns stores the displayed value in ans: the value itself, or a []any for
// several. When the user has redeclared ans with a type that cannot hold the
// value, ans is left alone.
func (s *Session) setAns(vals []any) {
	if len(vals) == 0 {
		return
	}
	var v any = vals[0]
	if len(vals) > 1 {
		v = append([]any(nil), vals...)
	}
	rv, err := s.in.Eval(ansName)
	if err != nil || !rv.IsValid() || !rv.CanSet() {
		return
	}
	if v == nil {
		rv.Set(reflect.Zero(rv.Type()))
		return
	}
	if nv := reflect.ValueOf(v); nv.Type().AssignableTo(rv.Type()) {
		rv.Set(nv)
	}
}

// summarizer is a value with a summary to show instead of String (a model).
type summarizer interface {
	Summary() string
}

// richValue renders one value that displays better than through String: a
// Displayer, a value with a Summary, or a tensor that is an MNIST-sized
// image (its summary line, then the digit drawn). A method that panics
// falls back to the plain display.
func richValue(v any, dc displayCaps) (out string, ok bool) {
	if isNil(v) {
		return "", false
	}
	defer func() {
		if r := recover(); r != nil {
			out, ok = "", false
		}
	}()
	switch x := v.(type) {
	case plot.Displayer:
		return strings.TrimRight(x.Display(dc.width, dc.caps), "\n"), true
	case summarizer:
		return strings.TrimRight(x.Summary(), "\n"), true
	case *nn.Tensor:
		w, h, ok := digitShape(x)
		if !ok {
			return "", false
		}
		return fmt.Sprintf("Tensor(shape=%s, %s)\n", nn.FormatShape(x.Shape()), x.DType()) +
			strings.TrimSuffix(plot.Digit(x.Data(), w, h, dc.caps), "\n"), true
	}
	return "", false
}

// digitShape reports whether t looks like an MNIST image: 784 float32 or
// int64 values in [0,1] or [0,255], shaped [784] or [28,28] give or take
// dimensions of 1 ([1,784], [28,28,1], ...).
func digitShape(t *nn.Tensor) (w, h int, ok bool) {
	if t.Len() != 28*28 || t.DType() == nn.Bool {
		return 0, 0, false
	}
	var dims []int
	for _, d := range t.Shape() {
		if d != 1 {
			dims = append(dims, d)
		}
	}
	if !(len(dims) == 1 || len(dims) == 2 && dims[0] == 28) {
		return 0, 0, false
	}
	if !plot.IsImage(t.Data()) {
		return 0, 0, false
	}
	return 28, 28, true
}

// hidesOutput reports whether a cell ends with an explicit ';' (comments
// aside): like MATLAB and IPython, `x;` runs without showing x.
func hidesOutput(src string) bool {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, []byte(src), nil, 0)
	last, lit := token.ILLEGAL, ""
	for {
		_, tok, l := sc.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && l != ";" {
			continue // inserted at a newline or the end
		}
		last, lit = tok, l
	}
	return last == token.SEMICOLON && lit == ";"
}

// dropNilError removes a trailing nil error from several results.
func dropNilError(vals []any) []any {
	if n := len(vals); n > 1 && vals[n-1] == nil {
		return vals[:n-1]
	}
	return vals
}

// maxDisplay bounds the length of a displayed value.
const maxDisplay = 4000

// formatValues renders the results of a bare expression the way Python's
// REPL does: numbers plain, strings quoted, values with a String method
// through it, errors through Error. A trailing nil error is dropped, so a
// call returning only a nil error displays nothing; several values are shown
// as a parenthesised tuple. A call whose only result is nil displays
// nothing (like Python's None); a nil variable displays "nil".
func formatValues(vals []any, call bool) string {
	vals = dropNilError(vals)
	if len(vals) == 1 && call && isNil(vals[0]) {
		return ""
	}
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = formatValue(v)
	}
	out := parts[0]
	if len(parts) > 1 {
		out = "(" + strings.Join(parts, ", ") + ")"
	}
	if len(out) > maxDisplay {
		out = out[:maxDisplay] + " …"
	}
	return out
}

// formatValue renders one value (see formatValues).
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		if strings.Contains(x, "\n") && strconv.CanBackquote(strings.ReplaceAll(x, "\n", "")) {
			// A text such as a model summary reads better printed than quoted.
			return x
		}
		return strconv.Quote(x)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case error:
		return "error: " + x.Error()
	case fmt.Stringer:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer && rv.IsNil() {
			return "nil"
		}
		return x.String()
	}
	return fmt.Sprintf("%v", v)
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Func, reflect.Chan:
		return rv.IsNil()
	}
	return false
}
