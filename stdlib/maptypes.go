package stdlib

import (
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"reflect"
)

// mapTypes tells yaegi which interfaces a compiled function looks for in
// its interface{} arguments. yaegi passes an interpreted value to compiled
// code as a wrapper that has only the methods listed here for that
// function; without the list, fmt.Println(v) would never see v's String
// method. yaegi reads it from the "." entry of the symbols given to Use.
// The list follows yaegi's own stdlib (stdlib/maptypes.go) for the
// packages nnlab ships. Each slice is sorted by the number of methods.
var mapTypes = map[reflect.Value][]reflect.Type{}

func init() {
	// error comes before fmt.Stringer: a type with both prints with
	// Error, as in Go. yaegi's own wrapper of error would reach fmt for
	// %d and print as a struct; the session replaces it by errorer (see
	// FmtSymbols).
	printing := []reflect.Type{
		reflect.TypeFor[fmt.Formatter](),
		reflect.TypeFor[error](),
		reflect.TypeFor[fmt.Stringer](),
	}
	for _, f := range []any{
		fmt.Errorf, fmt.Fprint, fmt.Fprintf, fmt.Fprintln, fmt.Print, fmt.Printf, fmt.Println,
		fmt.Sprint, fmt.Sprintf, fmt.Sprintln, fmt.Append, fmt.Appendf, fmt.Appendln,
		log.Fatal, log.Fatalf, log.Fatalln, log.Panic, log.Panicf, log.Panicln,
		log.Print, log.Printf, log.Println,
	} {
		mapTypes[reflect.ValueOf(f)] = printing
	}
	scanning := []reflect.Type{reflect.TypeFor[fmt.Scanner]()}
	for _, f := range []any{fmt.Scan, fmt.Scanf, fmt.Scanln, fmt.Sscan, fmt.Sscanf, fmt.Sscanln, fmt.Fscan, fmt.Fscanf, fmt.Fscanln} {
		mapTypes[reflect.ValueOf(f)] = scanning
	}
	mapTypes[reflect.ValueOf(json.Marshal)] = []reflect.Type{
		reflect.TypeFor[json.Marshaler](),
		reflect.TypeFor[encoding.TextMarshaler](),
	}
	mapTypes[reflect.ValueOf(json.MarshalIndent)] = mapTypes[reflect.ValueOf(json.Marshal)]
	mapTypes[reflect.ValueOf(json.Unmarshal)] = []reflect.Type{
		reflect.TypeFor[json.Unmarshaler](),
		reflect.TypeFor[encoding.TextUnmarshaler](),
	}
	// A wrapper type listed for a generated interface wrapper is used
	// instead of it when the interpreted value has all of its W methods.
	mapTypes[reflect.ValueOf((*_fmt_Stringer)(nil))] = []reflect.Type{reflect.TypeFor[stringer]()}
	mapTypes[reflect.ValueOf((*_io_Reader)(nil))] = []reflect.Type{reflect.TypeFor[readerWriterTo]()}
	mapTypes[reflect.ValueOf((*_io_Writer)(nil))] = []reflect.Type{reflect.TypeFor[writerReaderFrom]()}
	Symbols["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(mapTypes)}
}

// stringer wraps an interpreted fmt.Stringer for compiled code. It is also
// a fmt.Formatter so that verbs that do not use String (%d, %f, ...) format
// the value itself, as fmt does for a compiled Stringer, instead of the
// wrapper struct.
type stringer struct {
	IValue  any
	WString func() string
}

// String calls the interpreted method.
func (w stringer) String() string { return w.WString() }

// Format follows fmt's rules for a Stringer: String for %v, %s, %q, %x
// and %X (not %#v), the value itself for the other verbs.
func (w stringer) Format(f fmt.State, verb rune) { formatMethod(f, verb, w.IValue, w.WString) }

// errorer wraps an interpreted error for compiled code, as stringer does
// a fmt.Stringer: fmt.Println(MyErr{}) prints what Error says.
type errorer struct {
	IValue any
	WError func() string
}

// Error calls the interpreted method.
func (w errorer) Error() string { return w.WError() }

// Format follows fmt's rules for an error, which are a Stringer's.
func (w errorer) Format(f fmt.State, verb rune) { formatMethod(f, verb, w.IValue, w.WError) }

// errorUnwrapper is errorer for an interpreted error with an Unwrap
// method, which errors.Is, errors.As and errors.Unwrap follow.
type errorUnwrapper struct {
	IValue  any
	WError  func() string
	WUnwrap func() error
}

// Error calls the interpreted method.
func (w errorUnwrapper) Error() string { return w.WError() }

// Unwrap calls the interpreted method.
func (w errorUnwrapper) Unwrap() error { return w.WUnwrap() }

// Format is errorer's.
func (w errorUnwrapper) Format(f fmt.State, verb rune) { formatMethod(f, verb, w.IValue, w.WError) }

// formatMethod formats v, whose String or Error method is text, for verb
// as fmt does: text for %v, %s, %q, %x and %X (not %#v), v itself for the
// other verbs.
func formatMethod(f fmt.State, verb rune, v any, text func() string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprintf(f, fmt.FormatString(f, verb), v)
	case verb == 'v' || verb == 's' || verb == 'q' || verb == 'x' || verb == 'X':
		fmt.Fprintf(f, fmt.FormatString(f, verb), text())
	default:
		fmt.Fprintf(f, fmt.FormatString(f, verb), v)
	}
}

// readerWriterTo wraps an interpreted io.Reader that has a WriteTo method,
// which io.Copy uses.
type readerWriterTo struct {
	IValue   any
	WRead    func(p []byte) (int, error)
	WWriteTo func(w io.Writer) (int64, error)
}

// Read calls the interpreted method.
func (w readerWriterTo) Read(p []byte) (int, error) { return w.WRead(p) }

// WriteTo calls the interpreted method.
func (w readerWriterTo) WriteTo(dst io.Writer) (int64, error) { return w.WWriteTo(dst) }

// writerReaderFrom wraps an interpreted io.Writer that has a ReadFrom
// method, which io.Copy uses.
type writerReaderFrom struct {
	IValue    any
	WWrite    func(p []byte) (int, error)
	WReadFrom func(r io.Reader) (int64, error)
}

// Write calls the interpreted method.
func (w writerReaderFrom) Write(p []byte) (int, error) { return w.WWrite(p) }

// ReadFrom calls the interpreted method.
func (w writerReaderFrom) ReadFrom(src io.Reader) (int64, error) { return w.WReadFrom(src) }

// Keep returns w with v as the value it wraps, if w is one of the
// wrappers through which yaegi hands compiled code an interpreted value
// in an interface (a struct whose first field, IValue, holds the value):
// yaegi v0.16.1 puts the last field of a struct there in place of the
// struct (getConcreteValue), so an assertion to the user's type could
// not find the value, nor %#v print it.
func Keep(w, v any) any {
	rv := reflect.ValueOf(w)
	if rv.Kind() != reflect.Struct || rv.NumField() == 0 {
		return w
	}
	if f := rv.Type().Field(0); f.Name != "IValue" || f.Type.Kind() != reflect.Interface || v == nil || !reflect.TypeOf(v).AssignableTo(f.Type) {
		return w
	}
	c := reflect.New(rv.Type()).Elem()
	c.Set(rv)
	c.Field(0).Set(reflect.ValueOf(v))
	return c.Interface()
}

// KeepError is Keep for an error.
func KeepError(w error, v any) error {
	if e, ok := Keep(w, v).(error); ok {
		return e
	}
	return w
}

// Wrapped returns the interpreted value inside one of the wrappers above
// (for %T and %#v, which print the value, not what its methods say).
func Wrapped(v any) (any, bool) {
	switch w := v.(type) {
	case stringer:
		return w.IValue, true
	case errorer:
		return w.IValue, true
	case errorUnwrapper:
		return w.IValue, true
	case readerWriterTo:
		return w.IValue, true
	case writerReaderFrom:
		return w.IValue, true
	}
	return v, false
}
