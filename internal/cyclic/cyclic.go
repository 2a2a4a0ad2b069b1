// Package cyclic finds values that package fmt would print forever: a map
// or slice that contains itself, directly or through interfaces, arrays and
// structs. fmt follows those without limit and the goroutine's stack
// overflows, which ends the whole process; pointers below the top level it
// prints as addresses, and values with a String or Error method through
// the method, so neither is followed here.
package cyclic

import (
	"fmt"
	"reflect"
	"unsafe"
)

// visit is one map or slice on the path from the top value.
type visit struct {
	p unsafe.Pointer
	t reflect.Type
}

var (
	stringerType = reflect.TypeFor[fmt.Stringer]()
	errorType    = reflect.TypeFor[error]()
)

// Find reports whether printing v with fmt's %v would follow a map or
// slice into itself, and if so, the type of that map or slice.
func Find(v any) (reflect.Type, bool) {
	var w walker
	w.walk(reflect.ValueOf(v), 0)
	return w.found, w.found != nil
}

// Any is Find for several values, as fmt's Print functions take them.
func Any(vals []any) (reflect.Type, bool) {
	for _, v := range vals {
		if t, ok := Find(v); ok {
			return t, true
		}
	}
	return nil, false
}

type walker struct {
	path  map[visit]bool
	found reflect.Type
}

func (w *walker) walk(v reflect.Value, depth int) {
	if w.found != nil || !v.IsValid() {
		return
	}
	if v.CanInterface() && v.Kind() != reflect.Interface && (v.Type().Implements(stringerType) || v.Type().Implements(errorType)) {
		return // fmt calls the method instead of following the value
	}
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			w.walk(v.Elem(), depth)
		}
	case reflect.Pointer:
		if depth == 0 && !v.IsNil() {
			w.walk(v.Elem(), depth+1) // &{...} at the top; an address below
		}
	case reflect.Map:
		if v.IsNil() || !w.enter(v) {
			return
		}
		if holdsRefs(v.Type().Key()) || holdsRefs(v.Type().Elem()) {
			it := v.MapRange()
			for it.Next() && w.found == nil {
				w.walk(it.Key(), depth+1)
				w.walk(it.Value(), depth+1)
			}
		}
		w.leave(v)
	case reflect.Slice:
		if v.Len() == 0 || !w.enter(v) {
			return
		}
		if holdsRefs(v.Type().Elem()) {
			for i := 0; i < v.Len() && w.found == nil; i++ {
				w.walk(v.Index(i), depth+1)
			}
		}
		w.leave(v)
	case reflect.Array:
		if holdsRefs(v.Type().Elem()) {
			for i := 0; i < v.Len() && w.found == nil; i++ {
				w.walk(v.Index(i), depth+1)
			}
		}
	case reflect.Struct:
		for i := 0; i < v.NumField() && w.found == nil; i++ {
			w.walk(v.Field(i), depth+1)
		}
	}
}

// enter marks a map or slice as on the path; false if it already was (a
// cycle, recorded in w.found).
func (w *walker) enter(v reflect.Value) bool {
	k := visit{v.UnsafePointer(), v.Type()}
	if w.path == nil {
		w.path = map[visit]bool{} // only values that hold maps or slices get here
	}
	if w.path[k] {
		w.found = v.Type()
		return false
	}
	w.path[k] = true
	return true
}

func (w *walker) leave(v reflect.Value) { delete(w.path, visit{v.UnsafePointer(), v.Type()}) }

// holdsRefs reports whether a value of type t can lead fmt to a map or
// slice (so a []float32 is not walked element by element).
func holdsRefs(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface, reflect.Map, reflect.Slice:
		return true
	case reflect.Array:
		return holdsRefs(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if holdsRefs(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}
