package runtime

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/nnlab/nnlab/stdlib"
	"github.com/traefik/yaegi/interp"
	gen "github.com/traefik/yaegi/stdlib/generic"
)

// typeConv builds go/types packages from the reflect values of yaegi's
// symbol tables, so that the type checker sees exactly what the interpreter
// offers. Packages are built when first imported; types are converted once
// per reflect.Type, so a type reached from two packages is one types.Type.
type typeConv struct {
	tables map[string]map[string]reflect.Value // import path -> symbols
	names  map[string]string                   // import path -> package name
	pkgs   map[string]*types.Package           // stub or built packages by path
	built  map[string]bool                     // paths whose scope is filled
	conv   map[reflect.Type]types.Type
	// sealed lists, by package path, the interfaces with unexported
	// methods (which reflect cannot list on the types that have them).
	sealed map[string][]reflect.Type
	// more finds the symbols of a package added to the interpreter after
	// the session started (Interpreter.Use); nil if there is no such way.
	more func(path string) interp.Exports
}

func newTypeConv(tables ...interp.Exports) *typeConv {
	c := &typeConv{tables: map[string]map[string]reflect.Value{}, names: map[string]string{},
		pkgs: map[string]*types.Package{}, built: map[string]bool{}, conv: map[reflect.Type]types.Type{},
		sealed: map[string][]reflect.Type{}}
	for _, t := range tables {
		for key, syms := range t {
			i := strings.LastIndexByte(key, '/')
			if i < 0 {
				continue
			}
			c.tables[key[:i]] = syms
			c.names[key[:i]] = key[i+1:]
		}
	}
	return c
}

// paths lists the import paths of the standard tables, sorted.
func (c *typeConv) paths() []string {
	var out []string
	for p := range c.tables {
		if !strings.HasPrefix(p, "nnlab.internal") {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// has reports whether path is a package the interpreter provides.
func (c *typeConv) has(path string) bool { return c.tables[path] != nil }

// Import implements types.Importer.
func (c *typeConv) Import(path string) (*types.Package, error) {
	if srcs := genericSources(path); len(srcs) > 0 {
		return c.importSource(path, srcs)
	}
	if !c.has(path) && c.more != nil && path != "main" {
		if syms := c.more(path)[path]; len(syms) > 0 {
			c.tables[path] = syms
		}
	}
	if !c.has(path) {
		return nil, fmt.Errorf("nnlab does not provide package %q", path)
	}
	p := c.pkg(path, "")
	if !c.built[path] {
		c.built[path] = true
		c.fill(p, c.tables[path])
		c.unseal(path)
		p.MarkComplete()
	}
	return p, nil
}

// genericSources returns the interpreted sources of path if the session
// compiles that package from source: yaegi's own (cmp, maps, slices, loaded
// by interp.Use) and then nnlab's (stdlib.GenericSources), whose functions
// replace yaegi's of the same name. yaegi's Symbols cannot list generic
// functions (it panics making a func value of a generic type), so the check
// reads the same source the interpreter compiled.
func genericSources(path string) []string {
	var out []string
	for _, srcs := range [][]string{gen.Sources[:], stdlib.GenericSources} {
		for _, src := range srcs {
			if f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.PackageClauseOnly); err == nil && f.Name.Name == path {
				out = append(out, src)
			}
		}
	}
	return out
}

// importSource type-checks the declarations of a package compiled from
// source (function bodies are the interpreter's business). A declaration
// of a later source replaces one of the same name in an earlier source.
func (c *typeConv) importSource(path string, srcs []string) (*types.Package, error) {
	if p := c.pkgs[path]; p != nil && c.built[path] {
		return p, nil
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, src := range srcs {
		f, err := parser.ParseFile(fset, path+".go", src, 0)
		if err != nil {
			return nil, fmt.Errorf("the source of package %q: %w", path, err)
		}
		names := map[string]bool{}
		for _, d := range f.Decls {
			for _, n := range declNames(d) {
				names[n] = true
			}
		}
		for _, g := range files {
			g.Decls = slices.DeleteFunc(g.Decls, func(d ast.Decl) bool {
				for _, n := range declNames(d) {
					if names[n] {
						return true
					}
				}
				return false
			})
		}
		files = append(files, f)
	}
	var hard error
	conf := types.Config{Importer: c, IgnoreFuncBodies: true, Error: func(err error) {
		// An import that only a replaced declaration used is a soft error.
		if te, ok := err.(types.Error); (!ok || !te.Soft) && hard == nil {
			hard = err
		}
	}}
	p, _ := conf.Check(path, fset, files, nil)
	if hard != nil {
		return nil, fmt.Errorf("the source of package %q: %w", path, hard)
	}
	c.pkgs[path] = p
	c.built[path] = true
	return p, nil
}

// declNames lists the package-level names a func or type declaration
// declares (methods and other declarations: none).
func declNames(d ast.Decl) []string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			return []string{d.Name.Name}
		}
	case *ast.GenDecl:
		var out []string
		for _, sp := range d.Specs {
			if ts, ok := sp.(*ast.TypeSpec); ok {
				out = append(out, ts.Name.Name)
			}
		}
		return out
	}
	return nil
}

// pkg returns the package for path, creating an empty one named name (or
// its table's name, or the path's last element) if it does not exist yet.
func (c *typeConv) pkg(path, name string) *types.Package {
	if p := c.pkgs[path]; p != nil {
		return p
	}
	if n := c.names[path]; n != "" {
		name = n
	}
	if name == "" {
		name = importName(path)
	}
	p := types.NewPackage(path, name)
	c.pkgs[path] = p
	return p
}

var constantValue = reflect.TypeFor[constant.Value]()

// fill declares the objects of one symbol table in p's scope: a nil pointer
// (*T)(nil) is the type T, an addressable value a variable, a func value a
// function, a constant.Value an untyped constant and any other value a
// typed constant. Names starting with "_" are yaegi's interface wrappers.
func (c *typeConv) fill(p *types.Package, syms map[string]reflect.Value) {
	names := make([]string, 0, len(syms))
	for n := range syms {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := syms[n]
		if strings.HasPrefix(n, "_") || !v.IsValid() {
			continue
		}
		var obj types.Object
		switch {
		case v.CanAddr():
			obj = types.NewVar(token.NoPos, p, n, c.typ(v.Type()))
		case v.Kind() == reflect.Pointer && v.IsNil():
			t := c.typ(v.Type().Elem())
			if nt, ok := t.(*types.Named); ok && nt.Obj().Name() == n && nt.Obj().Pkg() == p {
				obj = nt.Obj()
			} else {
				obj = types.NewTypeName(token.NoPos, p, n, t) // an alias
			}
		case v.Kind() == reflect.Func:
			sig, ok := c.typ(v.Type()).(*types.Signature)
			if !ok {
				continue
			}
			obj = types.NewFunc(token.NoPos, p, n, sig)
		case v.Type().Implements(constantValue):
			cv := v.Interface().(constant.Value)
			obj = types.NewConst(token.NoPos, p, n, untypedOf(cv), cv)
		default:
			cv := constOf(v)
			if cv == nil {
				obj = types.NewVar(token.NoPos, p, n, c.typ(v.Type()))
			} else {
				obj = types.NewConst(token.NoPos, p, n, c.typ(v.Type()), cv)
			}
		}
		p.Scope().Insert(obj)
	}
}

func untypedOf(v constant.Value) types.Type {
	switch v.Kind() {
	case constant.Bool:
		return types.Typ[types.UntypedBool]
	case constant.String:
		return types.Typ[types.UntypedString]
	case constant.Float:
		return types.Typ[types.UntypedFloat]
	case constant.Complex:
		return types.Typ[types.UntypedComplex]
	}
	return types.Typ[types.UntypedInt]
}

// constOf is the constant value of a typed constant's reflect value, or nil.
func constOf(v reflect.Value) constant.Value {
	switch v.Kind() {
	case reflect.Bool:
		return constant.MakeBool(v.Bool())
	case reflect.String:
		return constant.MakeString(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return constant.MakeInt64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return constant.MakeUint64(v.Uint())
	case reflect.Float32, reflect.Float64:
		return constant.MakeFloat64(v.Float())
	case reflect.Complex64, reflect.Complex128:
		x := v.Complex()
		return constant.BinaryOp(constant.MakeFloat64(real(x)), token.ADD, constant.MakeImag(constant.MakeFloat64(imag(x))))
	}
	return nil
}

var basicKinds = map[reflect.Kind]types.BasicKind{
	reflect.Bool: types.Bool, reflect.Int: types.Int, reflect.Int8: types.Int8, reflect.Int16: types.Int16,
	reflect.Int32: types.Int32, reflect.Int64: types.Int64, reflect.Uint: types.Uint, reflect.Uint8: types.Uint8,
	reflect.Uint16: types.Uint16, reflect.Uint32: types.Uint32, reflect.Uint64: types.Uint64,
	reflect.Uintptr: types.Uintptr, reflect.Float32: types.Float32, reflect.Float64: types.Float64,
	reflect.Complex64: types.Complex64, reflect.Complex128: types.Complex128, reflect.String: types.String,
	reflect.UnsafePointer: types.UnsafePointer,
}

// typ converts a reflect type. A named type gets its types.Named before its
// underlying type and methods are converted, so recursive types terminate.
func (c *typeConv) typ(t reflect.Type) types.Type {
	if r, ok := c.conv[t]; ok {
		return r
	}
	if t.Name() != "" {
		if t.PkgPath() == "" {
			// Predeclared: int, string, error, ...
			if o := types.Universe.Lookup(t.Name()); o != nil {
				if _, ok := o.(*types.TypeName); ok {
					c.conv[t] = o.Type()
					return o.Type()
				}
			}
		} else if t.Kind() == reflect.UnsafePointer {
			return types.Typ[types.UnsafePointer]
		} else {
			return c.named(t)
		}
	}
	r := c.structure(t, nil)
	c.conv[t] = r
	return r
}

func (c *typeConv) named(t reflect.Type) types.Type {
	name := t.String()
	if i := strings.IndexByte(name, '.'); i >= 0 && !strings.Contains(name[:i], "[") {
		name = name[:i]
	} else {
		name = ""
	}
	p := c.pkg(t.PkgPath(), name)
	obj := types.NewTypeName(token.NoPos, p, t.Name(), nil)
	nt := types.NewNamed(obj, nil, nil)
	c.conv[t] = nt
	nt.SetUnderlying(c.structure(t, p))
	if t.Kind() == reflect.Interface {
		for i := 0; i < t.NumMethod(); i++ {
			if t.Method(i).PkgPath != "" {
				c.sealed[t.PkgPath()] = append(c.sealed[t.PkgPath()], t)
				break
			}
		}
		return nt
	}
	// Methods: those of T have value receivers; those only *T has, pointer
	// receivers. reflect lists exported methods only.
	pt := reflect.PointerTo(t)
	for i := 0; i < pt.NumMethod(); i++ {
		m := pt.Method(i)
		var recv types.Type = types.NewPointer(nt)
		mt := m.Type
		if vm, ok := t.MethodByName(m.Name); ok {
			recv, mt = nt, vm.Type
		}
		params, results, variadic := c.tuples(mt, 1)
		sig := types.NewSignatureType(types.NewVar(token.NoPos, p, "", recv), nil, nil, params, results, variadic)
		nt.AddMethod(types.NewFunc(token.NoPos, p, m.Name, sig))
	}
	if c.built[t.PkgPath()] {
		c.unsealType(t, nt) // a type first met after its package was built
	}
	return nt
}

// unseal gives the types of package path the unexported methods of the
// package's interfaces they implement, as reflect tells: reflect lists
// only exported methods, and without them *nn.Adam would not be an
// nn.Optimizer.
func (c *typeConv) unseal(path string) {
	for rt, t := range c.conv {
		if nt, ok := t.(*types.Named); ok && rt.Kind() != reflect.Interface && rt.PkgPath() == path {
			c.unsealType(rt, nt)
		}
	}
}

func (c *typeConv) unsealType(rt reflect.Type, nt *types.Named) {
	for _, it := range c.sealed[rt.PkgPath()] {
		recv := types.Type(nt)
		switch {
		case rt.Implements(it):
		case reflect.PointerTo(rt).Implements(it):
			recv = types.NewPointer(nt)
		default:
			continue
		}
		iface := c.conv[it].Underlying().(*types.Interface)
		for i := 0; i < iface.NumMethods(); i++ {
			m := iface.Method(i)
			if m.Exported() {
				continue
			}
			sig := m.Type().(*types.Signature)
			nt.AddMethod(types.NewFunc(token.NoPos, m.Pkg(), m.Name(),
				types.NewSignatureType(types.NewVar(token.NoPos, m.Pkg(), "", recv), nil, nil, sig.Params(), sig.Results(), sig.Variadic())))
		}
	}
}

// tuples converts a func type's parameters from index skip on, and results.
func (c *typeConv) tuples(t reflect.Type, skip int) (*types.Tuple, *types.Tuple, bool) {
	var in, out []*types.Var
	for i := skip; i < t.NumIn(); i++ {
		in = append(in, types.NewParam(token.NoPos, nil, "", c.typ(t.In(i))))
	}
	for i := 0; i < t.NumOut(); i++ {
		out = append(out, types.NewParam(token.NoPos, nil, "", c.typ(t.Out(i))))
	}
	return types.NewTuple(in...), types.NewTuple(out...), t.IsVariadic()
}

// structure converts the type literal underlying t. p is the package of the
// named type being converted, if any.
func (c *typeConv) structure(t reflect.Type, p *types.Package) types.Type {
	if k, ok := basicKinds[t.Kind()]; ok {
		return types.Typ[k]
	}
	switch t.Kind() {
	case reflect.Array:
		return types.NewArray(c.typ(t.Elem()), int64(t.Len()))
	case reflect.Slice:
		return types.NewSlice(c.typ(t.Elem()))
	case reflect.Map:
		return types.NewMap(c.typ(t.Key()), c.typ(t.Elem()))
	case reflect.Pointer:
		return types.NewPointer(c.typ(t.Elem()))
	case reflect.Chan:
		dir := types.SendRecv
		switch t.ChanDir() {
		case reflect.SendDir:
			dir = types.SendOnly
		case reflect.RecvDir:
			dir = types.RecvOnly
		}
		return types.NewChan(dir, c.typ(t.Elem()))
	case reflect.Func:
		params, results, variadic := c.tuples(t, 0)
		return types.NewSignatureType(nil, nil, nil, params, results, variadic)
	case reflect.Struct:
		var fields []*types.Var
		var tags []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			fp := p
			if f.PkgPath != "" {
				fp = c.pkg(f.PkgPath, "")
			}
			fields = append(fields, types.NewField(token.NoPos, fp, f.Name, c.typ(f.Type), f.Anonymous))
			tags = append(tags, string(f.Tag))
		}
		return types.NewStruct(fields, tags)
	case reflect.Interface:
		var ms []*types.Func
		for i := 0; i < t.NumMethod(); i++ {
			m := t.Method(i)
			mp := p
			if m.PkgPath != "" {
				mp = c.pkg(m.PkgPath, "")
			}
			params, results, variadic := c.tuples(m.Type, 0)
			ms = append(ms, types.NewFunc(token.NoPos, mp, m.Name, types.NewSignatureType(nil, nil, nil, params, results, variadic)))
		}
		return types.NewInterfaceType(ms, nil).Complete()
	}
	return types.Typ[types.Invalid]
}
