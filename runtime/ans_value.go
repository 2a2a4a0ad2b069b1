package runtime

import "reflect"

// Ans returns the value that the last displayed cell left in ans (see
// display.go), for front ends that render values themselves, such as the
// Jupyter kernel's MIME bundles. ok is false when ans holds nothing, and
// when the user redeclared ans with a type of their own (it then keeps a
// value that the last display may not have been able to store).
func (s *Session) Ans() (v any, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rv, err := s.in.Eval(ansName)
	if err != nil || !rv.IsValid() || rv.Kind() != reflect.Interface || !rv.CanInterface() {
		return nil, false
	}
	v = rv.Interface()
	return v, v != nil
}
