package runtime

import (
	"fmt"
	"go/types"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nnlab/nnlab/stdlib"
)

// userType is what Go knows of a struct type the user declared and yaegi
// does not: yaegi builds it with reflect.StructOf, so reflect sees no name
// ("struct { Name string }" where Go says "main.P") and every field
// exported ("Xsize" for size).
type userType struct {
	name   string   // "main.P"; "" when two declared types share one reflect type
	fields []string // the fields' names as declared
}

// learnTypes records the struct types the cell declares, once compiled,
// for fixFormat.
func (s *Session) learnTypes(ck *checked) {
	var add map[reflect.Type]*userType
	for _, o := range ck.objs {
		tn, ok := o.obj.(*types.TypeName)
		if !ok {
			continue
		}
		st, ok := tn.Type().Underlying().(*types.Struct)
		if n, named := tn.Type().(*types.Named); !ok || named && n.TypeParams().Len() > 0 {
			continue
		}
		// A nil pointer: a value of the type could be huge.
		v, err := s.in.Eval("(*" + o.name + ")(nil)")
		if err != nil || !v.IsValid() || v.Kind() != reflect.Pointer {
			continue
		}
		rt := v.Type().Elem()
		if rt.Kind() != reflect.Struct || rt.NumField() != st.NumFields() {
			continue
		}
		ut := &userType{name: "main." + o.name}
		for i := range st.NumFields() {
			ut.fields = append(ut.fields, st.Field(i).Name())
		}
		if add == nil {
			add = map[reflect.Type]*userType{}
			if old := s.goTypes.Load(); old != nil {
				for t, u := range *old {
					add[t] = u
				}
			}
		}
		if old, ok := add[rt]; ok && old.name != ut.name {
			// Two types of one structure are one reflect type: name neither.
			ut = &userType{fields: ut.fields}
		}
		add[rt] = ut
	}
	if add != nil {
		s.goTypes.Store(&add)
	}
}

// fixFormat changes the arguments of a Printf-like call whose %T, %+v or
// %#v would show yaegi's view of an interpreted struct type: %T gets the
// type's Go name (as a %s of a string), %+v and %#v a fmt.Formatter that
// prints the value as compiled Go would. Anything it does not understand
// it leaves as it was.
func (s *Session) fixFormat(format string, a []any) (string, []any) {
	a = unwrapArgs(a)
	if len(a) == 0 {
		return format, a
	}
	texts := s.methodFns.Load() != nil
	if !texts && !strings.ContainsAny(format, "+#T") {
		return format, a
	}
	pr := s.printer()
	type use struct {
		arg, at     int // the argument and the verb's offset in format
		verb        rune
		plus, sharp bool
	}
	var uses []use
	count := map[int]int{}
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		u := use{}
	flags:
		for ; i < len(format); i++ {
			switch format[i] {
			case '+':
				u.plus = true
			case '#':
				u.sharp = true
			case '-', ' ', '0':
			default:
				break flags
			}
		}
		// [n] argument indexes, * widths and precisions and digits.
		for i < len(format) && strings.IndexByte("[]*.0123456789", format[i]) >= 0 {
			switch format[i] {
			case '[':
				end := strings.IndexByte(format[i:], ']')
				if end < 0 {
					return format, a // fmt reports it
				}
				n, err := strconv.Atoi(format[i+1 : i+end])
				if err != nil || n < 1 {
					return format, a
				}
				arg = n - 1
				i += end
			case '*':
				count[arg]++
				arg++
			}
			i++
		}
		if i >= len(format) {
			break
		}
		var size int
		u.verb, size = utf8.DecodeRuneInString(format[i:])
		if u.verb == '%' {
			continue
		}
		u.arg, u.at = arg, i
		i += size - 1
		uses = append(uses, u)
		count[arg]++
		arg++
	}
	var out []byte
	var args []any
	for _, u := range uses {
		// An argument that two verbs print (%[1]T %[1]d) stays as it is.
		if u.arg >= len(a) || count[u.arg] > 1 || a[u.arg] == nil {
			continue
		}
		v := a[u.arg]
		if inner, ok := stdlib.Wrapped(v); ok && (u.verb == 'T' || u.sharp) {
			// A value with a String method comes wrapped. (yaegi puts the
			// last field of a struct there, not the struct: only a
			// pointer gets its Go name.)
			v = unwrapInterp(inner)
		}
		if v == nil || !pr.holds(reflect.ValueOf(v)) {
			continue
		}
		switch {
		case u.verb == 'T':
			if out == nil {
				out = []byte(format)
			}
			out[u.at] = 's'
			if args == nil {
				args = append([]any(nil), a...)
			}
			args[u.arg] = pr.typeName(reflect.TypeOf(v))
		case u.verb == 'v' && (u.plus || u.sharp):
			if args == nil {
				args = append([]any(nil), a...)
			}
			args[u.arg] = goValue{v: v, p: pr}
		case texts && (u.verb == 'v' || u.verb == 's') && !isWrapped(a[u.arg]) && pr.holdsText(reflect.ValueOf(v)):
			if args == nil {
				args = append([]any(nil), a...)
			}
			args[u.arg] = goValue{v: v, p: pr}
		}
	}
	if out != nil {
		format = string(out)
	}
	if args != nil {
		a = args
	}
	return format, a
}

// goPrinter prints values of interpreted types as compiled Go would.
type goPrinter struct {
	names map[reflect.Type]*userType
	// text is what a value's Error or String method says (see
	// Session.methodString).
	text func(reflect.Value) (string, bool)
}

// printer is a goPrinter of the session's types and methods.
func (s *Session) printer() *goPrinter {
	var names map[reflect.Type]*userType
	if p := s.goTypes.Load(); p != nil {
		names = *p
	}
	return &goPrinter{names: names, text: s.methodString}
}

// fixArgs replaces the arguments of a Print-like call that hold values
// of the user's types whose Error or String method fmt would not see
// ([]S{s}, an any holding S{}, []any{s}) by a fmt.Formatter that prints
// them as compiled Go would.
func (s *Session) fixArgs(a []any) []any {
	a = unwrapArgs(a)
	if len(a) == 0 || s.methodFns.Load() == nil {
		return a
	}
	pr := s.printer()
	var out []any
	for i, v := range a {
		if isWrapped(v) || v == nil || !pr.holdsText(reflect.ValueOf(v)) {
			continue
		}
		if out == nil {
			out = append([]any(nil), a...)
		}
		out[i] = goValue{v: v, p: pr}
	}
	if out == nil {
		return a
	}
	return out
}

// unwrapArgs replaces the arguments of a print that are yaegi's wrappers
// of interpreted values (interp.valueInterface: an element of a []any
// passed with ..., fmt.Println(xs...)), and those inside an argument that
// is a []any, by the values they hold: fmt would print the wrapper's
// fields. It returns a itself when there are none.
func unwrapArgs(a []any) []any {
	var out []any
	set := func(i int, u any) {
		if out == nil {
			out = append([]any(nil), a...)
		}
		out[i] = u
	}
	for i, v := range a {
		if wrapsInterp(v) {
			set(i, unwrapInterp(v))
		} else if xs, ok := v.([]any); ok {
			var c []any
			for j, x := range xs {
				if wrapsInterp(x) {
					if c == nil {
						c = append([]any(nil), xs...)
					}
					c[j] = unwrapInterp(x)
				}
			}
			if c != nil {
				set(i, c)
			}
		}
	}
	if out == nil {
		return a
	}
	return out
}

// wrapsInterp reports whether v is yaegi's wrapper of an interpreted value
// (see isValueInterface).
func wrapsInterp(v any) bool {
	t := reflect.TypeOf(v)
	return t != nil && isValueInterface(t)
}

// holdsText reports whether v has in it a value that the printer's text
// method prints, looked for among the first few thousand values.
func (p *goPrinter) holdsText(v reflect.Value) bool {
	budget := 4096
	return p.textIn(v, &budget)
}

func (p *goPrinter) textIn(v reflect.Value, budget *int) bool {
	if !v.IsValid() || p.text == nil {
		return false
	}
	if *budget--; *budget < 0 {
		return false
	}
	if v.Kind() == reflect.Struct && isValueInterface(v.Type()) && v.CanInterface() {
		v = reflect.ValueOf(unwrapInterp(v.Interface()))
		if !v.IsValid() || isValueInterface(v.Type()) {
			return false
		}
	}
	if !p.interp(v.Type()) && !hasInterface(v.Type(), map[reflect.Type]bool{}) {
		return false // no value of the user's types can be in it
	}
	if _, ok := p.text(v); ok {
		return true
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		return !v.IsNil() && p.textIn(v.Elem(), budget)
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if p.textIn(v.Index(i), budget) {
				return true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if p.textIn(it.Key(), budget) || p.textIn(it.Value(), budget) {
				return true
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if p.textIn(v.Field(i), budget) {
				return true
			}
		}
	}
	return false
}

// isWrapped reports whether v is one of the wrappers through which yaegi
// hands compiled code a value with a String or Error method: it prints
// with the method already.
func isWrapped(v any) bool {
	_, ok := stdlib.Wrapped(v)
	return ok
}

// isValueInterface reports whether t is yaegi's wrapper of a value with
// methods in an interface (interp.valueInterface).
func isValueInterface(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.Name() == "valueInterface" && t.PkgPath() == "github.com/traefik/yaegi/interp"
}

// goValue is an argument of a Printf-like call printed by goPrinter.
type goValue struct {
	v any
	p *goPrinter
}

// Format implements fmt.Formatter for %+v and %#v.
func (g goValue) Format(f fmt.State, verb rune) {
	var b strings.Builder
	g.p.value(&b, reflect.ValueOf(g.v), f.Flag('+'), f.Flag('#'), 0)
	io.WriteString(f, b.String())
}

// user returns what is known of t if it is an interpreted struct type:
// one the user declared, or one with a field yaegi renamed.
func (p *goPrinter) user(t reflect.Type) (*userType, bool) {
	if u, ok := p.names[t]; ok {
		return u, true
	}
	if t.Kind() != reflect.Struct || t.Name() != "" {
		return nil, false
	}
	renamed := false
	u := &userType{}
	for i := range t.NumField() {
		f := t.Field(i)
		u.fields = append(u.fields, fieldName(t, f))
		renamed = renamed || u.fields[i] != f.Name
	}
	return u, renamed
}

// interp reports whether t has an interpreted struct type in it.
func (p *goPrinter) interp(t reflect.Type) bool {
	return p.has(t, map[reflect.Type]bool{})
}

func (p *goPrinter) has(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if _, ok := p.user(t); ok {
		return true
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return p.has(t.Elem(), seen)
	case reflect.Map:
		return p.has(t.Key(), seen) || p.has(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if p.has(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// holds reports whether v has a value of an interpreted struct type in
// it: by its type, or inside an interface ([]any{p}), looked for among
// the first few thousand values.
func (p *goPrinter) holds(v reflect.Value) bool {
	budget := 4096
	return p.holdsIn(v, &budget)
}

func (p *goPrinter) holdsIn(v reflect.Value, budget *int) bool {
	if !v.IsValid() {
		return false
	}
	if p.interp(v.Type()) {
		return true
	}
	if *budget--; *budget < 0 || !hasInterface(v.Type(), map[reflect.Type]bool{}) {
		return false
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		return !v.IsNil() && p.holdsIn(v.Elem(), budget)
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if p.holdsIn(v.Index(i), budget) {
				return true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if p.holdsIn(it.Key(), budget) || p.holdsIn(it.Value(), budget) {
				return true
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if p.holdsIn(v.Field(i), budget) {
				return true
			}
		}
	}
	return false
}

// hasInterface reports whether a value of type t can hold an interface.
func hasInterface(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return hasInterface(t.Elem(), seen)
	case reflect.Map:
		return hasInterface(t.Key(), seen) || hasInterface(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if hasInterface(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// typeName is t as Go's %T writes it.
func (p *goPrinter) typeName(t reflect.Type) string {
	if u, ok := p.user(t); ok && u.name != "" {
		return u.name
	}
	if t.Name() != "" {
		return t.String()
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + p.typeName(t.Elem())
	case reflect.Slice:
		return "[]" + p.typeName(t.Elem())
	case reflect.Array:
		return "[" + strconv.Itoa(t.Len()) + "]" + p.typeName(t.Elem())
	case reflect.Map:
		return "map[" + p.typeName(t.Key()) + "]" + p.typeName(t.Elem())
	case reflect.Chan:
		return strings.TrimSuffix(t.String(), t.Elem().String()) + p.typeName(t.Elem())
	case reflect.Struct:
		u, _ := p.user(t)
		var fs []string
		for i := range t.NumField() {
			f := t.Field(i)
			name := f.Name
			if u != nil {
				name = u.fields[i]
			}
			if f.Anonymous {
				fs = append(fs, p.typeName(f.Type))
			} else {
				fs = append(fs, name+" "+p.typeName(f.Type))
			}
		}
		if len(fs) == 0 {
			return "struct {}"
		}
		return "struct { " + strings.Join(fs, "; ") + " }"
	}
	return t.String()
}

// value writes v as fmt's %+v (plus) or %#v (sharp) would if its types were
// compiled; depth is 0 for the argument itself.
func (p *goPrinter) value(b *strings.Builder, v reflect.Value, plus, sharp bool, depth int) {
	verb := "%v"
	switch {
	case sharp:
		verb = "%#v"
	case plus:
		verb = "%+v"
	}
	if !v.IsValid() {
		b.WriteString("<nil>")
		return
	}
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			if sharp {
				b.WriteString(p.typeName(v.Type()) + "(nil)")
			} else {
				b.WriteString("<nil>")
			}
			return
		}
		v = v.Elem()
	}
	if isValueInterface(v.Type()) && v.CanInterface() {
		if inner := reflect.ValueOf(unwrapInterp(v.Interface())); inner.IsValid() && !isValueInterface(inner.Type()) {
			v = inner
		}
	}
	if v.CanInterface() {
		if inner, ok := stdlib.Wrapped(v.Interface()); ok {
			if !sharp {
				// An element of a []error: the wrapper prints what the
				// value's method says.
				fmt.Fprintf(b, verb, v.Interface())
				return
			}
			if v = reflect.ValueOf(inner); !v.IsValid() {
				b.WriteString("<nil>")
				return
			}
		}
	}
	if p.text != nil && !sharp {
		if text, ok := p.text(v); ok {
			b.WriteString(text)
			return
		}
	}
	if (!p.holds(v) && !p.holdsText(v)) || !v.CanInterface() {
		if v.CanInterface() {
			fmt.Fprintf(b, verb, v.Interface())
		} else {
			fmt.Fprintf(b, verb, v)
		}
		return
	}
	t := v.Type()
	sep := " "
	if sharp {
		sep = ", "
	}
	switch t.Kind() {
	case reflect.Struct:
		u, _ := p.user(t)
		if sharp {
			b.WriteString(p.typeName(t))
		}
		b.WriteByte('{')
		for i := range t.NumField() {
			if i > 0 {
				b.WriteString(sep)
			}
			if plus || sharp {
				name := t.Field(i).Name // a compiled struct holding a value of the user's
				if u != nil {
					name = u.fields[i]
				}
				b.WriteString(name + ":")
			}
			p.value(b, v.Field(i), plus, sharp, depth+1)
		}
		b.WriteByte('}')
	case reflect.Pointer:
		switch {
		case v.IsNil() && sharp:
			b.WriteString("(" + p.typeName(t) + ")(nil)")
		case v.IsNil():
			b.WriteString("<nil>")
		case depth == 0 && composite(t.Elem().Kind()):
			b.WriteByte('&')
			p.value(b, v.Elem(), plus, sharp, depth+1)
		case sharp:
			fmt.Fprintf(b, "(%s)(%#x)", p.typeName(t), v.Pointer())
		default:
			fmt.Fprintf(b, "%#x", v.Pointer())
		}
	case reflect.Slice, reflect.Array:
		if sharp {
			if t.Kind() == reflect.Slice && v.IsNil() {
				b.WriteString(p.typeName(t) + "(nil)")
				return
			}
			b.WriteString(p.typeName(t) + "{")
		} else {
			b.WriteByte('[')
		}
		for i := range v.Len() {
			if i > 0 {
				b.WriteString(sep)
			}
			p.value(b, v.Index(i), plus, sharp, depth+1)
		}
		if sharp {
			b.WriteByte('}')
		} else {
			b.WriteByte(']')
		}
	case reflect.Map:
		if sharp {
			if v.IsNil() {
				b.WriteString(p.typeName(t) + "(nil)")
				return
			}
			b.WriteString(p.typeName(t) + "{")
		} else {
			b.WriteString("map[")
		}
		keys := v.MapKeys()
		sort.SliceStable(keys, func(i, j int) bool { return keyLess(keys[i], keys[j]) })
		for i, k := range keys {
			if i > 0 {
				b.WriteString(sep)
			}
			p.value(b, k, plus, sharp, depth+1)
			b.WriteByte(':')
			p.value(b, v.MapIndex(k), plus, sharp, depth+1)
		}
		if sharp {
			b.WriteByte('}')
		} else {
			b.WriteByte(']')
		}
	default:
		fmt.Fprintf(b, verb, v.Interface())
	}
}

// composite reports whether fmt prints a pointer to a value of kind k at
// the top as & and the value.
func composite(k reflect.Kind) bool {
	return k == reflect.Struct || k == reflect.Array || k == reflect.Slice || k == reflect.Map
}

// keyLess orders map keys of the kinds fmt sorts by value.
func keyLess(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() < b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() < b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() < b.Float()
	case reflect.String:
		return a.String() < b.String()
	case reflect.Bool:
		return !a.Bool() && b.Bool()
	}
	return false
}
