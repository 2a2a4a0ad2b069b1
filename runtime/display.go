package runtime

import (
	"fmt"
	"go/scanner"
	"go/token"
	"go/types"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/nnlab/nnlab/internal/cyclic"
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
	strs := s.strs
	if len(strs) == len(vals) && len(vals) > 1 && vals[len(vals)-1] == nil {
		strs = strs[:len(strs)-1]
	}
	vals = dropNilError(vals)
	if len(vals) == 1 && call && isNil(vals[0]) {
		return ""
	}
	s.setAns(vals)
	return s.render(withStrings(vals, strs), call)
}

// hookDisplay is the prelude's display(v...): it writes the values as a
// bare expression shows them, while the cell runs (ans is left alone: the
// interpreter is busy running the cell).
func (s *Session) hookDisplay(vals []any, strs []string) {
	if len(vals) == 0 {
		return
	}
	out := s.render(withStrings(vals, strs), false)
	if s.opts.Display != nil {
		var v any = vals
		if len(vals) == 1 {
			v = vals[0]
		}
		s.opts.Display(v, strings.TrimRight(out, "\n"))
		return
	}
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	io.WriteString(s.opts.Stdout, out)
}

// shownString is a value of an interpreted type, displayed through what its
// String method returned.
type shownString string

// withStrings puts the String results the prelude got for values of
// interpreted types (compiled code cannot call their methods) in place of
// the values.
func withStrings(vals []any, strs []string) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = unwrapInterp(v)
	}
	if len(strs) != len(vals) {
		return out
	}
	for i, str := range strs {
		if str != "" {
			out[i] = shownString(str)
		}
	}
	return out
}

// unwrapInterp returns the value inside yaegi's wrapper of an interpreted
// value with methods (interp.valueInterface, whose fields are unexported),
// or v itself: shown as it is, the wrapper reads interp.valueInterface{}.
func unwrapInterp(v any) any {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Struct || t.Name() != "valueInterface" || t.PkgPath() != "github.com/traefik/yaegi/interp" {
		return v
	}
	f, ok := t.FieldByName("value")
	if !ok || f.Type != reflect.TypeFor[reflect.Value]() {
		return v
	}
	c := reflect.New(t).Elem()
	c.Set(reflect.ValueOf(v))
	inner := *(*reflect.Value)(unsafe.Pointer(c.Field(f.Index[0]).UnsafeAddr()))
	if !inner.IsValid() || !inner.CanInterface() {
		return v
	}
	return inner.Interface()
}

// interpreted reports whether v's dynamic type may be one the user
// declared: compiled code sees such values with no methods.
func interpreted(v any) bool {
	t := reflect.TypeOf(v)
	if t == nil {
		return false
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() == "" && t.Kind() == reflect.Struct || strings.Contains(t.PkgPath(), "yaegi")
}

// render is the display of vals without touching ans.
func (s *Session) render(vals []any, call bool) string {
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
	if t, ok := vals[0].(*nn.Tensor); ok && t != nil && len(vals) == 1 {
		parts[0] = formatTensor(t) // alone, a tensor may take several lines
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
	case shownString:
		return string(x)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case float64:
		return formatFloat64(x)
	case error:
		return "error: " + x.Error()
	case fmt.Stringer:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer && rv.IsNil() {
			return "nil"
		}
		return x.String()
	}
	if t, ok := cyclic.Find(v); ok {
		return fmt.Sprintf("<%T: a %s in it contains itself; not shown, printing it would never end>", v, t)
	}
	if out, ok := formatStruct(reflect.ValueOf(v), 0); ok {
		return out
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Func {
		if rv.IsNil() {
			return "nil"
		}
		return rv.Type().String() // its signature says more than its address
	}
	return fmt.Sprintf("%v", v)
}

// funcValue rewrites a displayed expression that is the name of a func of
// an earlier cell into a func value of its type: handed to display as it
// is, yaegi passes its own syntax node (shown as &interp.node{}).
func (s *Session) funcValue(expr string) string {
	name := strings.TrimSpace(expr)
	if y := s.syms[name]; y == nil || y.kind != symFunc || s.chk == nil {
		return expr
	}
	o, ok := s.chk.objs[name].(*types.Func)
	if !ok {
		return expr
	}
	local := true
	typ := types.TypeString(o.Type(), func(p *types.Package) string {
		local = local && p.Path() == "main"
		return ""
	})
	if !local || o.Type().(*types.Signature).TypeParams() != nil {
		return expr // a type of a package, perhaps imported under another name; a generic func
	}
	return "(" + typ + ")(" + name + ")"
}

// formatFloat64 prints a float64 that holds a float32 exactly (Float and At
// of a tensor return one) in float32 precision: 0.9075, not
// 0.9074999988079071. Other float64s print in full.
func formatFloat64(x float64) string {
	if f := float32(x); float64(f) == x {
		return strconv.FormatFloat(x, 'g', -1, 32)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// maxWhole is the largest tensor shown with every value, as numpy does.
// A larger one shows edgeItems entries at each end of every dimension.
const (
	maxWhole  = 1000
	edgeItems = 3
)

// formatTensor shows a tensor: a scalar as a number, others one row per
// line: up to maxWhole values all of them, a larger one shortened with
// "..." as numpy does.
func formatTensor(t *nn.Tensor) string {
	shape := t.Shape()
	if len(shape) == 0 {
		return t.String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Tensor(shape=%s, %s)\n", nn.FormatShape(shape), t.DType())
	writeTensor(&b, t.Data(), shape, t.DType(), 0, 0, t.Len() > maxWhole)
	return b.String()
}

// writeTensor writes the values of dimension dim from data[off:], numpy
// style: the last dimension on one line (wrapped at 80 columns), the outer
// ones bracketed over several lines. With short, a dimension longer than
// 2*edgeItems shows its first and last edgeItems entries around "...".
func writeTensor(b *strings.Builder, data []float32, shape []int, dt nn.DType, dim, off int, short bool) {
	inner := 1
	for _, d := range shape[dim+1:] {
		inner *= d
	}
	b.WriteByte('[')
	col := dim + 1
	n := shape[dim]
	for i := 0; i < n; i++ {
		skip := short && n > 2*edgeItems && i == edgeItems
		if dim == len(shape)-1 {
			v := tensorValue(data[off+i], dt)
			if skip {
				v, i = "...", n-edgeItems-1
			}
			if i > 0 || skip {
				if col+1+len(v) > 80 {
					b.WriteString("\n" + strings.Repeat(" ", dim+1))
					col = dim + 1
				} else {
					b.WriteByte(' ')
					col++
				}
			}
			b.WriteString(v)
			col += len(v)
			continue
		}
		sep := "\n" + strings.Repeat("\n", len(shape)-dim-2) + strings.Repeat(" ", dim+1)
		if i > 0 {
			b.WriteString(sep)
		}
		if skip {
			b.WriteString("..." + sep)
			i = n - edgeItems
		}
		writeTensor(b, data, shape, dt, dim+1, off+i*inner, short)
	}
	b.WriteByte(']')
}

// tensorValue formats one element as package nn does (six significant
// digits; integers and booleans as such).
func tensorValue(v float32, dt nn.DType) string {
	switch dt {
	case nn.Bool:
		return strconv.FormatBool(v != 0)
	case nn.Int64:
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(float64(v), 'g', 6, 32)
}

// maxStructDepth bounds how deep formatStruct expands nested structs.
const maxStructDepth = 2

// formatStruct shows a struct, or a pointer to one, by its exported fields:
// &mnist.DataSets{Train: &mnist.DataSet{Images: Tensor(shape=[55000,784],
// float32), ...}, ...}, one field per line when it does not fit on one. A
// tensor inside shows only its shape unless it is small. ok is false for
// other values.
func formatStruct(v reflect.Value, depth int) (string, bool) {
	prefix := ""
	if v.Kind() == reflect.Pointer {
		if v.IsNil() || v.Elem().Kind() != reflect.Struct {
			return "", false
		}
		prefix, v = "&", v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return "", false
	}
	name := v.Type().String()
	if v.Type().Name() == "" {
		name = ""
	}
	var fields []string
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		fields = append(fields, fieldName(v.Type(), f)+": "+fieldValue(v.Field(i), depth+1))
	}
	one := prefix + name + "{" + strings.Join(fields, ", ") + "}"
	if len(one) <= 80 || len(fields) < 2 || depth > 0 {
		return one, true
	}
	return prefix + name + "{\n  " + strings.Join(fields, ",\n  ") + ",\n}", true
}

// fieldName is a struct field's name as the user wrote it. yaegi builds an
// interpreted struct (a type without a name to reflect) with every field
// exported, an unexported name n becoming "X"+n; the X goes again, or the
// learner would see fields that do not exist.
func fieldName(t reflect.Type, f reflect.StructField) string {
	if t.Name() != "" || f.Anonymous || !strings.HasPrefix(f.Name, "X") {
		return f.Name
	}
	if r, _ := utf8.DecodeRuneInString(f.Name[1:]); r != utf8.RuneError && !unicode.IsUpper(r) {
		return f.Name[1:]
	}
	return f.Name
}

// fieldValue is a field's value inside formatStruct.
func fieldValue(v reflect.Value, depth int) string {
	if !v.CanInterface() {
		return "?"
	}
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "nil"
		}
		v = v.Elem()
	}
	switch x := v.Interface().(type) {
	case *nn.Tensor:
		if x == nil {
			return "nil"
		}
		if x.Len() <= 10 {
			return x.String()
		}
		return fmt.Sprintf("Tensor(shape=%s, %s)", nn.FormatShape(x.Shape()), x.DType())
	case string, float32, float64, error, fmt.Stringer:
		return strings.ReplaceAll(formatValue(x), "\n", " ")
	}
	if depth <= maxStructDepth {
		if out, ok := formatStruct(v, depth); ok {
			return out
		}
	} else if k := v.Kind(); k == reflect.Struct || k == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
		return v.Type().String()
	}
	out := fmt.Sprintf("%v", v.Interface())
	if len(out) > 60 {
		out = out[:57] + "..."
	}
	return out
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
