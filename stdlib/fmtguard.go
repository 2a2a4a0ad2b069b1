package stdlib

import (
	"fmt"
	"io"
	"reflect"

	"github.com/nnlab/nnlab/internal/cyclic"
)

// FmtSymbols returns fmt's printing functions behind a check for values
// that contain themselves (a map holding itself), the Print ones writing to
// stdout, and the MapTypes entries that let them see interpreted String
// methods as fmt's own do (see maptypes.go). fmt would follow such a value
// until the goroutine's stack overflows, a fatal error that would end the
// session; the check makes it a panic the cell reports. The session loads
// them after Symbols, replacing yaegi's own Print, Printf and Println.
//
// fix, if not nil, may change the format and the arguments of the Printf
// family first: the session makes %T, %+v and %#v of values of interpreted
// types print as compiled Go would.
//
// errorWrapper is the interpreter's own wrapper of error (its Symbols("")
// entry "_error"): the MapTypes let fmt use errorer in its place.
//
// fixArgs, if not nil, may change the arguments of the other printing
// functions: the session makes values of interpreted types print with
// their String and Error methods wherever they are ([]S{s}).
func FmtSymbols(stdout io.Writer, fix func(format string, a []any) (string, []any), fixArgs func(a []any) []any, errorWrapper reflect.Value) (map[string]reflect.Value, map[reflect.Value][]reflect.Type) {
	if fix == nil {
		fix = func(format string, a []any) (string, []any) { return format, a }
	}
	if fixArgs == nil {
		fixArgs = func(a []any) []any { return a }
	}
	f := map[string]reflect.Value{
		"Print":   reflect.ValueOf(func(a ...any) (int, error) { guard("Print", a); a = fixArgs(a); return fmt.Fprint(stdout, a...) }),
		"Println": reflect.ValueOf(func(a ...any) (int, error) { guard("Println", a); a = fixArgs(a); return fmt.Fprintln(stdout, a...) }),
		"Printf": reflect.ValueOf(func(format string, a ...any) (int, error) {
			guard("Printf", a)
			format, a = fix(format, a)
			return fmt.Fprintf(stdout, format, a...)
		}),
		"Sprint":   reflect.ValueOf(func(a ...any) string { guard("Sprint", a); a = fixArgs(a); return fmt.Sprint(a...) }),
		"Sprintln": reflect.ValueOf(func(a ...any) string { guard("Sprintln", a); a = fixArgs(a); return fmt.Sprintln(a...) }),
		"Sprintf": reflect.ValueOf(func(format string, a ...any) string {
			guard("Sprintf", a)
			format, a = fix(format, a)
			return fmt.Sprintf(format, a...)
		}),
		"Fprint": reflect.ValueOf(func(w io.Writer, a ...any) (int, error) {
			guard("Fprint", a)
			a = fixArgs(a)
			return fmt.Fprint(w, a...)
		}),
		"Fprintln": reflect.ValueOf(func(w io.Writer, a ...any) (int, error) {
			guard("Fprintln", a)
			a = fixArgs(a)
			return fmt.Fprintln(w, a...)
		}),
		"Fprintf": reflect.ValueOf(func(w io.Writer, format string, a ...any) (int, error) {
			guard("Fprintf", a)
			format, a = fix(format, a)
			return fmt.Fprintf(w, format, a...)
		}),
		"Errorf": reflect.ValueOf(func(format string, a ...any) error {
			guard("Errorf", a)
			format, a = fix(format, a)
			return fmt.Errorf(format, a...)
		}),
		"Append":   reflect.ValueOf(func(b []byte, a ...any) []byte { guard("Append", a); a = fixArgs(a); return fmt.Append(b, a...) }),
		"Appendln": reflect.ValueOf(func(b []byte, a ...any) []byte { guard("Appendln", a); a = fixArgs(a); return fmt.Appendln(b, a...) }),
		"Appendf": reflect.ValueOf(func(b []byte, format string, a ...any) []byte {
			guard("Appendf", a)
			format, a = fix(format, a)
			return fmt.Appendf(b, format, a...)
		}),
	}
	mt := map[reflect.Value][]reflect.Type{}
	for _, v := range f {
		mt[v] = mapTypes[reflect.ValueOf(fmt.Sprint)]
	}
	if errorWrapper.IsValid() {
		// yaegi takes the first whose methods the value has; an Unwrap of
		// the other form leaves it with errorer.
		mt[errorWrapper] = []reflect.Type{reflect.TypeFor[errorUnwrapper](), reflect.TypeFor[errorer]()}
	}
	return f, mt
}

// guard panics if fmt's function name would print one of a forever.
func guard(name string, a []any) {
	if t, ok := cyclic.Any(a); ok {
		panic(fmt.Sprintf("fmt.%s: a %s among its arguments contains itself; printing it would never end", name, t))
	}
}
