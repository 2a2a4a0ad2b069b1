package runtime

import (
	"fmt"
	"reflect"
)

// Value returns the value of a variable, constant or func the user
// defined, for REPL commands that work on values (:draw MODEL). ok is
// false for a name the user did not define, a type, and a value the
// interpreter cannot hand out.
func (s *Session) Value(name string) (v any, ok bool) {
	rv, kind, ok := s.global(name)
	if !ok || kind == symType || !rv.IsValid() || !rv.CanInterface() {
		return nil, false
	}
	return rv.Interface(), true
}

// SetAns keeps v in ans, as if a cell had displayed it (see setAns). It
// fails, changing nothing, when the user has redeclared ans with a type
// that cannot hold v.
func (s *Session) SetAns(v any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rv, err := s.in.Eval(ansName)
	if err != nil || !rv.IsValid() || !rv.CanSet() {
		return fmt.Errorf("cannot set %s", ansName)
	}
	if v == nil {
		rv.Set(reflect.Zero(rv.Type()))
		return nil
	}
	nv := reflect.ValueOf(v)
	if !nv.Type().AssignableTo(rv.Type()) {
		return fmt.Errorf("%s is a %s, which cannot hold a %s", ansName, rv.Type(), nv.Type())
	}
	rv.Set(nv)
	return nil
}
