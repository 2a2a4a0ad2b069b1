package runtime

import (
	"fmt"
	"go/types"
	"reflect"
	"strings"

	"github.com/nnlab/nnlab/nn"
)

// TypeOf returns the Go type of a user-defined global ("*nn.Session",
// "func(int) int"), or "type" for a type, for :vars. ok is false for a name the
// user did not define.
func (s *Session) TypeOf(name string) (typ string, ok bool) {
	v, kind, ok := s.global(name)
	if !ok {
		return "", false
	}
	if kind == symType {
		return "type", true
	}
	if t := s.checkedType(name); t != "" {
		return t, true
	}
	if !v.IsValid() {
		return "nil", true
	}
	return v.Type().String(), true
}

// checkedType is the type the check gave the global name, "" if none. The
// interpreter's reflect type of a user type is its underlying type with
// renamed fields (*struct { Xa int }, not *P): this is the one typed.
func (s *Session) checkedType(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.chk == nil {
		return ""
	}
	o, ok := s.chk.objs[name].(*types.Var)
	if !ok {
		return ""
	}
	return typeString(o.Type())
}

// Describe is a short account of a global's value for :vars: a tensor's
// shape, a node's signature, a number's value, the first characters of
// anything else.
func (s *Session) Describe(name string) (desc string) {
	v, kind, ok := s.global(name)
	defer recoverShow(&desc, func() string { return "a value of type " + v.Type().String() })
	if !ok || kind == symType || kind == symFunc || !v.IsValid() || !v.CanInterface() {
		return ""
	}
	var d string
	switch x := v.Interface().(type) {
	case *nn.Tensor:
		if x == nil {
			return "nil"
		}
		d = fmt.Sprintf("shape %s", nn.FormatShape(x.Shape()))
		if x.Len() == 1 {
			d = x.String()
		}
	case fmt.Stringer:
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return "nil"
		}
		d = x.String()
	case error:
		d = x.Error()
	case float64:
		d = formatFloat64(x)
	default:
		if v.Kind() == reflect.Slice || v.Kind() == reflect.Map {
			d = fmt.Sprintf("len %d", v.Len())
		} else if out, ok := formatStruct(v, maxStructDepth); ok {
			d = out
		} else {
			d = fmt.Sprint(x)
		}
	}
	d = strings.ReplaceAll(d, "\n", " ")
	if r := []rune(d); len(r) > 60 {
		d = string(r[:57]) + "..."
	}
	return d
}

// global reads a user-defined global straight from the interpreter (no
// cell is run, so ans and the cell count are untouched).
func (s *Session) global(name string) (reflect.Value, symKind, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	y, ok := s.syms[name]
	if !ok || y.kind == symMethod || strings.HasPrefix(name, hidden) {
		return reflect.Value{}, 0, false
	}
	if y.kind == symType {
		return reflect.Value{}, y.kind, true
	}
	src := name
	if name == "main" && y.kind == symFunc {
		src = userMain // see usermain.go
	}
	v, err := s.in.Eval(src)
	if err != nil {
		return reflect.Value{}, y.kind, false
	}
	return v, y.kind, true
}

// HasMethod reports whether the value of the user's global name has the
// named method (on the value or, for an addressable one, its pointer), for
// :save-model and :load-model.
func (s *Session) HasMethod(name, method string) bool {
	v, kind, ok := s.global(name)
	if !ok || kind != symVar || !v.IsValid() {
		return false
	}
	if v.MethodByName(method).IsValid() {
		return true
	}
	return v.CanAddr() && v.Addr().MethodByName(method).IsValid()
}
