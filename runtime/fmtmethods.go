package runtime

import (
	"fmt"
	"go/types"
	"reflect"
	"strings"
)

// methodKey is a struct type the user declared (as reflect sees it), or a
// pointer to one.
type methodKey struct {
	t   reflect.Type
	ptr bool
}

// learnMethods compiles, for each struct type of the user's that the cell
// declares or adds a method to, a function that calls its Error (or else
// String) method, for T and for *T: compiled code (fmt) sees such values
// without methods (fmt.Println([]S{s}) printed the fields), and calls the
// function instead (see methodString). It runs once the cell is compiled,
// before it runs: yaegi cannot compile while it runs code.
func (s *Session) learnMethods(ck *checked) {
	p := s.goTypes.Load()
	if p == nil || s.chk == nil {
		return
	}
	// The methods the cell adds to earlier types are in the check's view
	// of the type only once the cell commits.
	added := map[string][]newMethod{}
	names := map[string]bool{}
	for _, m := range ck.methods {
		n := m.base.Obj().Name()
		added[n] = append(added[n], m)
		names[n] = true
	}
	for _, o := range ck.objs {
		if _, ok := o.obj.(*types.TypeName); ok {
			names[o.name] = true
		}
	}
	fns := map[methodKey]reflect.Value{}
	if old := s.methodFns.Load(); old != nil {
		for k, v := range *old {
			// Two types of one structure are one reflect type (see
			// learnTypes): a value of it could be of either.
			if u := (*p)[k.t]; u != nil && u.name != "" {
				fns[k] = v
			}
		}
	}
	for rt, u := range *p {
		name := strings.TrimPrefix(u.name, "main.")
		if u.name == "" || !names[name] {
			continue
		}
		var tn *types.TypeName
		for _, o := range ck.objs {
			if o.name == name {
				tn, _ = o.obj.(*types.TypeName)
			}
		}
		if tn == nil {
			tn, _ = s.chk.objs[name].(*types.TypeName)
		}
		if tn == nil {
			continue
		}
		for _, ptr := range []bool{false, true} {
			m := textMethod(tn.Type(), ptr, added[name])
			if m == "" {
				continue
			}
			star := ""
			if ptr {
				star = "*"
			}
			// Parenthesized: an input that starts with func is a declaration.
			fn, err := s.in.Eval(fmt.Sprintf("(func(v %s%s) string { return v.%s() })", star, name, m))
			if err != nil || fn.Kind() != reflect.Func {
				continue
			}
			fns[methodKey{rt, ptr}] = fn
		}
	}
	if len(fns) > 0 || s.methodFns.Load() != nil {
		s.methodFns.Store(&fns)
	}
}

// textMethod names the method fmt uses to print a value of type t (or *t,
// if ptr): Error, else String, of signature func() string, among t's
// methods and those of added; "" if none.
func textMethod(t types.Type, ptr bool, added []newMethod) string {
	if ptr {
		t = types.NewPointer(t)
	}
	ms := types.NewMethodSet(t)
	for _, name := range []string{"Error", "String"} {
		var sig *types.Signature
		if sel := ms.Lookup(nil, name); sel != nil {
			sig, _ = sel.Type().(*types.Signature)
		}
		for _, m := range added {
			if m.fn.Name() != name {
				continue
			}
			s := m.fn.Type().(*types.Signature)
			if _, recvPtr := derefNamed(s.Recv().Type()); !recvPtr || ptr {
				sig = s
			}
		}
		if sig != nil && sig.Params().Len() == 0 && sig.Results().Len() == 1 &&
			types.Identical(sig.Results().At(0).Type(), types.Typ[types.String]) {
			return name
		}
	}
	return ""
}

// methodString is what fmt prints for v through its type's Error or
// String method (see learnMethods), and whether it has one. As fmt does,
// a nil pointer prints <nil> and a panic in the method is reported in
// the text.
func (s *Session) methodString(v reflect.Value) (text string, ok bool) {
	p := s.methodFns.Load()
	if p == nil || !v.IsValid() || !v.CanInterface() {
		return "", false
	}
	k := methodKey{v.Type(), false}
	if v.Kind() == reflect.Pointer {
		k = methodKey{v.Type().Elem(), true}
	}
	fn, ok := (*p)[k]
	if !ok {
		return "", false
	}
	if k.ptr && v.IsNil() {
		return "<nil>", true
	}
	defer func() {
		if r := recover(); r != nil {
			text, ok = fmt.Sprintf("%%!v(PANIC=method: %v)", r), true
		}
	}()
	return fn.Call([]reflect.Value{v})[0].String(), true
}
