package runtime

import (
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"iter"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strings"

	"github.com/nnlab/nnlab/stdlib"
	"github.com/traefik/yaegi/interp"
)

// checker type-checks cells with go/types before yaegi sees them, against
// the session's globals, so that a cell with a compile error never reaches
// the interpreter (which declares names while compiling and so could change
// the session even when it then fails).
//
// Each cell is checked as a fresh package "main": its declarations at top
// level, its statements inside a wrapper function, and the session's
// globals inserted in the package scope beforehand (objects that already
// have a type count as checked). go/types compares packages by path, so
// the unexported fields and methods of earlier cells' types still resolve.
// A cell is cut into runs of declarations and of statements, checked in
// order, as the interpreter compiles them.
type checker struct {
	conv *typeConv
	objs map[string]types.Object // user globals of earlier cells
	// ran is the end of the last top-level statement of the running cell
	// that completed (see hookRan); guarded by Session.whereMu.
	ran cellPos
	// dots are the paths imported with `import . "path"`.
	dots []string
	// funcSrc is the source of each user func as the interpreter last
	// compiled it, to put back a func that a failed compile redefined.
	funcSrc map[string]string
	// forked lists the variables the last committed cell declared as new
	// ones, not assigned (see Session.NewVars).
	forked []newObj
}

// wrapperName is the function that holds a cell's statements for the check.
const wrapperName = "__nnlab_cell"

// methodPrefix names a method on an earlier cell's type, checked as a
// function with the receiver as its first parameter: go/types cannot attach
// a method to a type that is not declared in the files it checks.
const methodPrefix = "__nnlab_method_"

// newChecker returns a checker that knows the session's prelude. more finds
// packages added to the interpreter after the standard tables.
func newChecker(more func(string) interp.Exports) (*checker, error) {
	c := &checker{conv: newTypeConv(stdlib.Symbols), objs: map[string]types.Object{}, funcSrc: map[string]string{}}
	c.conv.more = more
	// The prelude's globals (ans and the helpers) are checked from their
	// source, so that whatever it declares is known to the check.
	fset := token.NewFileSet()
	// The prelude sees the imports the session starts with (see New).
	src := "package main\nimport (\"fmt\"; \"" + nnPath + "\"; \"" + mnistPath + "\"; " + rtName + " \"" + rtPath + "\")\n" + prelude
	f, err := parser.ParseFile(fset, "prelude.go", src, 0)
	if err != nil {
		return nil, err
	}
	pkg := types.NewPackage("main", "main")
	var hard error
	conf := types.Config{Importer: c.conv, Error: func(err error) {
		// An import the prelude does not use is a soft error.
		if te, ok := err.(types.Error); (!ok || !te.Soft) && hard == nil {
			hard = err
		}
	}}
	_ = types.NewChecker(&conf, fset, pkg, nil).Files([]*ast.File{f})
	if hard != nil {
		return nil, fmt.Errorf("runtime: checking the prelude: %w", hard)
	}
	for _, n := range pkg.Scope().Names() {
		c.objs[n] = pkg.Scope().Lookup(n)
	}
	return c, nil
}

// newObj is a global a cell declares, with where in the cell it does.
type newObj struct {
	name  string
	obj   types.Object
	at    cellPos
	group int // which run of declarations or statements of the cell
}

// cellPos is a line and column of a cell.
type cellPos struct{ line, col int }

// rewritePos is the cell position of p, a position in the rewriter's
// source, whose line directives number a cell's lines from
// lineSlot(cell)*lineBase: the key of the check's records.
func rewritePos(p token.Position) cellPos { return cellPos{p.Line % lineBase, p.Column} }

func (p cellPos) before(q cellPos) bool {
	return p.line < q.line || p.line == q.line && p.col < q.col
}

// newMethod is a method a cell adds to a type of an earlier cell.
type newMethod struct {
	base *types.Named
	fn   *types.Func
	at   cellPos
}

// checked is what the check learnt about a cell.
type checked struct {
	objs    []newObj
	methods []newMethod
	// imports is every import the cell can use, by local name.
	imports map[string]string
	// dots are the paths the cell imports with `import . "path"`.
	dots []string
	// fork lists the existing globals that a `:=` or `var` of this cell
	// declares again with another type: they become new variables.
	fork map[string]bool
	// ifaceAssigns are the positions of the assignments a, b = x, y of
	// the cell with an empty interface among a, b (see splitAssign), and
	// of the var a, b any = x, y.
	ifaceAssigns map[cellPos]bool
	// ifaceDefines are the a, b := x, y with an empty interface among a, b.
	ifaceDefines map[cellPos]bool
	// callAssigns are the a, b = x, y (and the a, b := x, y, which the top
	// of a cell makes assignments) whose values call or receive: yaegi
	// then assigns only the values that are calls (a, b = f(), 5 left b
	// unchanged), so they are split too (see splitAssign).
	callAssigns map[cellPos]bool
	// typeSwitches are the type switches that typeSwitch rewrites: each
	// case a basic type or a concrete type of the user's (or a pointer to
	// one), no two of those alike in structure (yaegi's assertion would
	// take one for the other), or nil. A case of an interface or of a
	// compiled package's type stays with yaegi's own switch, which gets
	// those right.
	typeSwitches map[cellPos]bool
	// errorsAs are the calls errors.As(err, target) whose target points
	// to a concrete type of the user's, which yaegi's values lose
	// ("*target must be interface or implement error"), with that type's
	// text (see errorsAs).
	errorsAs map[cellPos]string
	// methodExprs are the method expressions T.M and (*T).M used as
	// values (not called at once), which yaegi cannot store ("value of
	// type func() float64 is not assignable"), with the func literal that
	// replaces each (see methodExprFunc).
	methodExprs map[cellPos]string
	// methodValues are the method values x.M of value methods of the
	// user's types, not called at once, at M, with x's type and the
	// method value's (see methodValue).
	methodValues map[cellPos][2]string
	// ifaceAsserts are the assertions x.(I) to a non-empty interface
	// that some of the user's types implement, at the position of their
	// "(", and the interface cases of the type switches that typeSwitch
	// rewrites, at the case's type (see ifaceAssert).
	ifaceAsserts map[cellPos]ifaceAssert
	// ownAsserts are the assertions x.(T) to a concrete type of the
	// user's (T or *T), and the guards x.(type) of the type switches
	// that typeSwitch rewrites, at the position of their "(", where x is
	// not of an interface type of the user's (see unwrapAssert).
	ownAsserts map[cellPos]bool
	// defers are the defer statements rewritten so that their operands
	// are evaluated when they run (see deferPlan).
	defers map[cellPos]deferPlan
	// ifaceConvs are the conversions I(x) of the cell to a non-empty
	// interface type I, which yaegi panics on for the user's types.
	ifaceConvs map[cellPos]bool
	// ifaceValues are the values of the user's own types that the cell
	// stores in a non-empty interface of a compiled package (error,
	// fmt.Stringer, ...), with the types as the cell can write them (see
	// ifaceValue).
	ifaceValues map[cellPos]ifaceValue
	// typeArgs are the type arguments that the check inferred for the
	// calls of the user's generic functions, as the cell writes them
	// ("[int, string]"), at the position of the function's name: yaegi
	// infers them wrongly when a func literal's result decides one
	// (Map(xs, func(i int) string {...}) is refused as func(int) int), so
	// the rewrite writes them out. Each is keyed by the name too: a
	// method checked as a stand-in function (see methodAsFunc) is called
	// at its receiver's position under another name, and is left alone.
	typeArgs map[cellPos]inferred
	// genericCalls are the calls of the user's generic functions (type
	// arguments inferred or written), at the call's position: yaegi
	// mishandles one that is the whole value of an assignment or of a
	// var declaration (var n int = Id(4) gave 0; x = Id(4) was refused),
	// which the rewrite puts in a form it gets right (see genericVar,
	// genericGlobal, genericLocal and holdAssign).
	genericCalls map[cellPos]bool
	// spreadCalls are the calls of interpreted functions with a final
	// ...any (or ...interface{}) parameter that pass it, without "...",
	// an argument that could be a []any, with the parameter's type as
	// the cell writes it ("[]any"): yaegi passes such a slice as the
	// whole parameter (log(xs) saw len(args) == len(xs), not 1), so the
	// rewrite writes log([]any{xs}...).
	spreadCalls map[cellPos]spread
	// renames are the type parameters named like a field of their struct
	// (type Pair[K, V any] struct{ K K; V V }), at each place the cell
	// names one, with the name the rewrite gives it: yaegi took p.K for
	// the type parameter ("undefined selector: K").
	renames map[cellPos]string
	// dropDecls are the declarations of type aliases inside functions,
	// which yaegi v0.16.1 cannot compile; each use names the aliased type
	// instead (see localAliases and renames).
	dropDecls map[cellPos]bool
	// promoted are the methods reached through an interface embedded in a
	// struct (r.Walk, where Robot embeds Walker), keyed at the method's
	// name, with the path of embedded fields that leads there ("Walker."):
	// yaegi panicked ("invalid interface value") calling r.Walk().
	promoted map[cellPos]string
	// ownIfaceStores are the values of the user's concrete types assigned
	// to a field, element or pointee of an interface type of the user's
	// (r.W = Legs{4}), with the interface as the cell writes it: yaegi
	// panicked ("reflect.Set: value of type interp.valueInterface is not
	// assignable"), and takes the value converted, Walker(Legs{4}).
	ownIfaceStores map[cellPos]string
	// errorCompares are the comparisons a == b and a != b of two errors
	// (neither nil), keyed at the operator, which the rewrite makes calls
	// of sameError.
	errorCompares map[cellPos]bool
	// rangeFuncs are the ranges over functions (iterators), which the
	// rewrite makes calls (see rangeFunc).
	rangeFuncs map[cellPos]rangeFunc
	// constTexts are the constants the cell declares with an integer,
	// string or boolean value, keyed at their names, as the rest of a
	// spec that gives that value: " Op = 2", " = \"a\"" (see constGroup).
	constTexts map[cellPos]string
	// showOne is set when the displayed expression is a slice of
	// interfaces, which the variadic display call would spread the same
	// way ([]any{1, 2} showed as (1, 2)).
	showOne bool
	// fakes are the stand-in functions of the methods that the cell's
	// groups checked so far add to types of earlier cells (see
	// methodAsFunc), for the calls of later groups.
	fakes map[string]standIn
	// grows are the calls x.Grow(n) of a compiled type's method
	// (strings.Builder, bytes.Buffer, reflect.Value), whose size the
	// rewrite checks against memory first (see growLen).
	grows map[cellPos]string
	// last is where the cell's last item starts: the one bare expression
	// that the REPL displays (or hides, with a ';'), and so uses.
	last cellPos
	// users are the funcs and methods the cell declares; groups counts
	// the runs of declarations and statements checked so far.
	users  []cellUser
	groups int
}

// standIn is the function a method of a type of an earlier cell is
// checked as: the method's name, whether its receiver is a pointer, and
// the function's signature with a body that only panics.
type standIn struct {
	method string
	ptr    bool
	src    string
}

// cellUser is a func or method a cell declares, with the names its body
// uses and its group (checked.groups).
type cellUser struct {
	name  string
	refs  map[string]bool
	group int
}

// checkError is a compile error found by the check: one line, with the
// user's position.
type checkError struct{ msg string }

func (e *checkError) Error() string { return e.msg }

// group is a run of items of one kind.
type group struct {
	decl  bool
	items []item
}

// check type-checks the items of one cell (or script) named fname.
func (s *Session) check(items []item, fname string) (*checked, error) {
	if s.chk == nil {
		c, err := newChecker(s.in.Symbols)
		if err != nil {
			return nil, err
		}
		s.chk = c
	}
	imports := map[string]string{}
	res := &checked{fork: map[string]bool{}, imports: imports, ifaceAssigns: map[cellPos]bool{}, ifaceDefines: map[cellPos]bool{}, callAssigns: map[cellPos]bool{}, typeSwitches: map[cellPos]bool{}, ifaceAsserts: map[cellPos]ifaceAssert{}, ownAsserts: map[cellPos]bool{}, defers: map[cellPos]deferPlan{}, errorsAs: map[cellPos]string{}, methodExprs: map[cellPos]string{}, methodValues: map[cellPos][2]string{}, ifaceConvs: map[cellPos]bool{}, fakes: map[string]standIn{}, grows: map[cellPos]string{}, ifaceValues: map[cellPos]ifaceValue{}, typeArgs: map[cellPos]inferred{}, genericCalls: map[cellPos]bool{}, spreadCalls: map[cellPos]spread{}, renames: map[cellPos]string{}, dropDecls: map[cellPos]bool{}, promoted: map[cellPos]string{}, ownIfaceStores: map[cellPos]string{}, errorCompares: map[cellPos]bool{}, rangeFuncs: map[cellPos]rangeFunc{}, constTexts: map[cellPos]string{}}
	overlay := map[string]types.Object{}
	for n, p := range s.imports {
		imports[n] = p
	}
	if len(items) > 0 {
		last := items[len(items)-1]
		res.last = cellPos{last.line, last.col}
	}
	var groups []*group
	for _, it := range items {
		if n := len(groups); n > 0 && groups[n-1].decl == it.decl {
			groups[n-1].items = append(groups[n-1].items, it)
			continue
		}
		groups = append(groups, &group{decl: it.decl, items: []item{it}})
	}
	for _, g := range groups {
		if err := s.checkGroup(g, fname, overlay, imports, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// lookup finds a global visible to the cell being checked.
func (c *checker) lookup(overlay map[string]types.Object, n string) types.Object {
	if o, ok := overlay[n]; ok {
		return o
	}
	return c.objs[n]
}

// checkGroup checks one run of declarations or statements, and records
// what it declares in overlay, imports and res.
func (s *Session) checkGroup(g *group, fname string, overlay map[string]types.Object, imports map[string]string, res *checked) error {
	c := s.chk
	res.groups++
	fset := token.NewFileSet()
	// Parse each declaration alone first: a syntax error then points at
	// the user's text, and the declared names are known before the check.
	declared := map[string]bool{}
	var cellImports, body []string
	recvMethods := map[string]string{} // fake function name -> method name
	cellDots := map[string]bool{}      // paths this group dot-imports
	line := func(l, col int) string { return fmt.Sprintf("/*line %s:%d:%d*/", fname, l, col) }
	for _, it := range g.items {
		if !g.decl {
			// Statements are parsed together: the cell splitter may have
			// cut a for clause at its semicolons.
			text := it.src
			if isExprList(it.src) {
				// A bare list `a, b` shows each value.
				text = "_ = []any{" + line(it.line, it.col) + it.src + ",\n}"
			}
			body = append(body, line(it.line, it.col)+text)
			continue
		}
		f, base, err := parseItemAt(fset, it, fname)
		if err != nil {
			return s.syntaxError(err, itemText(it, fname), fname)
		}
		if s.sameTypes(f, fset, it, base) {
			// Entered again as it was: the session's type stays, so
			// that the values of that type keep it (rewrite.go drops it).
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					switch sp := sp.(type) {
					case *ast.ImportSpec:
						path := strings.Trim(sp.Path.Value, "\"`")
						name := importName(path)
						if sp.Name != nil {
							name = sp.Name.Name
						}
						if name != "_" && name != "." {
							declared[name] = true
						}
					case *ast.TypeSpec:
						declared[sp.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							declared[n.Name] = true
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil {
					declared[d.Name.Name] = true
				}
				// A func of the cell uses the globals it names: see forkError.
				refs := map[string]bool{}
				funcRefs(d.Body, refs)
				name := d.Name.Name
				if d.Recv != nil && len(d.Recv.List) == 1 {
					name = recvName(d.Recv.List[0].Type) + "." + name
				}
				res.users = append(res.users, cellUser{name, refs, res.groups})
			}
		}
		text := it.src
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) == 1 && fd.Body != nil {
				bn := recvName(fd.Recv.List[0].Type)
				if declaredIn(f, bn) || s.declaredInItems(g.items, bn, fname) {
					continue
				}
				if _, ok := c.lookup(overlay, bn).(*types.TypeName); !ok {
					continue
				}
				fake := methodPrefix + bn + "_" + fd.Name.Name
				recvMethods[fake] = fd.Name.Name
				tparams, ok := s.recvTypeParams(fd.Recv.List[0].Type, c.lookup(overlay, bn).Type(), imports)
				if !ok {
					continue
				}
				text = methodAsFunc(fset, it, fd, base, fake+tparams, fname)
			}
		}
		if gd, ok := firstGenDecl(f); ok && gd.Tok == token.TYPE {
			text = s.parenTypeNames(gd, it, base, fset, overlay, declared)
		}
		if gd, ok := firstGenDecl(f); ok && gd.Tok == token.IMPORT {
			for _, sp := range gd.Specs {
				is := sp.(*ast.ImportSpec)
				if err := s.importConflict(is, fset, fname, imports); err != nil {
					return err
				}
				if is.Name != nil && is.Name.Name == "." {
					cellDots[strings.Trim(is.Path.Value, "\"`")] = true
				}
			}
			cellImports = append(cellImports, line(it.line, it.col)+text)
			continue
		}
		body = append(body, line(it.line, it.col)+text)
	}
	var b strings.Builder
	b.WriteString("package main\n")
	pkg := types.NewPackage("main", "main")
	scope := pkg.Scope()
	var names []string
	for n := range imports {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if declared[n] || c.lookup(overlay, n) != nil {
			continue
		}
		fmt.Fprintf(&b, "import %s %q\n", n, imports[n])
	}
	for _, p := range append(append([]string(nil), c.dots...), res.dots...) {
		if !cellDots[p] {
			fmt.Fprintf(&b, "import . %q\n", p)
		}
	}
	for _, im := range cellImports {
		b.WriteString(im + "\n")
	}
	if g.decl {
		for _, t := range body {
			b.WriteString(t + "\n")
		}
	} else {
		b.WriteString("func " + wrapperName + "() {\n")
		for _, t := range body {
			b.WriteString(t + "\n")
		}
		b.WriteString("}\n")
	}
	f, err := parser.ParseFile(fset, fname, b.String(), parser.SkipObjectResolution)
	if err != nil {
		return s.syntaxError(err, b.String(), fname)
	}
	// The bare expression that ends a cell is displayed (or hidden by the
	// REPL's convention, x;), not an unused value; one before another
	// statement (x; y := 2) is unused, as in Go.
	shown := map[[2]int]bool{}
	if !g.decl {
		if err := topReturn(f, fset, s, fname); err != nil {
			return err
		}
		shown[[2]int{res.last.line, res.last.col}] = true
	}
	typeCheck := func(f *ast.File, pkg *types.Package) (*types.Info, []types.Error) {
		// The cell's earlier groups shadow the session's globals; the
		// names this group declares are left out, so that it can declare
		// them again.
		//
		// Only the names the cell mentions are inserted: the objects the
		// cell declares keep its package, and so this scope, for the rest
		// of the session; with every global in each cell's scope, a
		// session of n declarations kept n² entries (4000 cells of v := 1
		// took 857 MB).
		used := map[string]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
		scope := pkg.Scope()
		for _, m := range []map[string]types.Object{overlay, c.objs} {
			for n, o := range m {
				if used[n] && !declared[n] && scope.Lookup(n) == nil {
					scope.Insert(o)
				}
			}
		}
		var hard []types.Error
		conf := types.Config{
			Importer:                 c.conv,
			DisableUnusedImportCheck: true,
			Error: func(err error) {
				te, ok := err.(types.Error)
				if !ok || te.Soft {
					return
				}
				// A user type of an earlier cell is of another
				// *types.Package with the same path, which this check
				// compares by pointer.
				if strings.HasPrefix(te.Msg, "implicit assignment to unexported field ") && strings.Contains(te.Msg, "of type main.") {
					return
				}
				// A displayed value is used: it is shown.
				if p := fset.Position(te.Pos); shown[[2]int{p.Line, p.Column}] && strings.HasSuffix(te.Msg, " is not used") {
					return
				}
				hard = append(hard, te)
			},
		}
		info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Scopes: map[ast.Node]*types.Scope{},
			Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{},
			Instances: map[*ast.Ident]types.Instance{}}
		chk := types.NewChecker(&conf, fset, pkg, info)
		func() {
			defer func() {
				if r := recover(); r != nil && len(hard) == 0 {
					msg := fmt.Sprintf("the type checker failed on this cell: %v", r)
					if strings.Contains(string(debug.Stack()), "go/types.(*Named).lookupMethod") {
						// A method added to a generic type of an earlier
						// cell, looked up on an instantiation made before.
						msg = "a method added to a generic type in a later cell cannot be called on an instantiation an earlier cell already used (an interpreter limit): declare a generic type with its methods in one cell (here under a new name, such as Q2), or start afresh with :reset"
					}
					hard = append(hard, types.Error{Fset: fset, Msg: msg})
				}
			}()
			chk.Files([]*ast.File{f})
		}()
		return info, hard
	}
	info, hard := typeCheck(f, pkg)
	checkedSrc := b.String()
	// A method the group adds to a type of an earlier cell is checked as
	// a function (methodAsFunc), which the type does not have yet: its
	// calls in the group (a method that calls itself) fail. They are
	// checked again as calls of that function.
	// So do the calls in later groups of the cell, with the stand-ins
	// of the earlier groups added to the text.
	known := func(fake, m string) (ptr, ok bool) {
		if recvMethods[fake] == m {
			if fn, _ := pkg.Scope().Lookup(fake).(*types.Func); fn != nil {
				_, ptr := derefNamed(fn.Type().(*types.Signature).Params().At(0).Type())
				return ptr, true
			}
		}
		if st, ok := res.fakes[fake]; ok && st.method == m {
			return st.ptr, true
		}
		return false, false
	}
	if len(hard) > 0 && (len(recvMethods) > 0 || len(res.fakes) > 0) {
		if src, unfake, used, ok := methodCallsAsFuncs(b.String(), f, fset, info, hard, known); ok {
			added := map[string]bool{}
			for _, fake := range used {
				if st, ok := res.fakes[fake]; ok && recvMethods[fake] == "" && !added[fake] {
					src += "\n" + st.src + "\n"
					added[fake] = true
				}
			}
			if f2, err := parser.ParseFile(fset, fname, src, parser.SkipObjectResolution); err == nil {
				pkg2 := types.NewPackage("main", "main")
				info2, hard2 := typeCheck(f2, pkg2)
				for i := range hard2 {
					hard2[i].Msg = unfake.Replace(hard2[i].Msg)
				}
				f, info, hard, pkg, scope = f2, info2, hard2, pkg2, pkg2.Scope()
				checkedSrc = src
			}
		}
	}
	if len(hard) > 0 {
		return s.typeError(hard[0], f, fname, info, pkg)
	}
	// A later group needs a stand-in's signature only: its body may call
	// other stand-ins.
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		m, ok := recvMethods[fd.Name.Name]
		if !ok {
			continue
		}
		if ptr, ok := known(fd.Name.Name, m); ok {
			from, to := fset.File(fd.Pos()).Offset(fd.Pos()), fset.File(fd.Body.Lbrace).Offset(fd.Body.Lbrace)
			res.fakes[fd.Name.Name] = standIn{method: m, ptr: ptr, src: checkedSrc[from:to] + "{ panic(0) }"}
		}
	}
	if e := tooLarge(f, fset, info); e != nil {
		return s.typeError(*e, f, fname, info, pkg)
	}
	// qualifier writes a package as the cell names it.
	qualifier := func(p *types.Package) string {
		if p == pkg || p.Path() == "main" {
			return ""
		}
		for is, path := range fileImports(f) {
			if path == p.Path() {
				return is
			}
		}
		for local, path := range imports {
			if path == p.Path() {
				return local
			}
		}
		return p.Name()
	}
	// Record what the group declares.
	posAt := func(p token.Pos) cellPos { q := fset.Position(p); return cellPos{q.Line, q.Column} }
	clashing := fieldTypeParams(f, info)
	for _, m := range []map[*ast.Ident]types.Object{info.Defs, info.Uses} {
		for id, o := range m {
			if clashing[o] {
				res.renames[posAt(id.Pos())] = typeParamName(id.Name)
			}
		}
	}
	// A type alias declared inside a function (type row = []float32) was
	// "undefined" to yaegi at its uses: each use names the type itself.
	for id, o := range info.Defs {
		if c, ok := o.(*types.Const); ok {
			if t, ok := constText(c, qualifier); ok {
				res.constTexts[posAt(id.Pos())] = t
			}
		}
	}
	if aliases, drops := localAliases(f, info, pkg, fset, checkedSrc); len(aliases) > 0 {
		inDrop := func(p token.Pos) bool {
			for _, d := range drops {
				if d.Pos() <= p && p < d.End() {
					return true
				}
			}
			return false
		}
		for _, d := range drops {
			res.dropDecls[posAt(d.Pos())] = true
		}
		// As an operand (a conversion P(x), a method expression P.M) a
		// type other than a name goes in parentheses (*T(x) would be
		// *(T(x))), which yaegi refuses around a type elsewhere (var p (*T)).
		operand := map[*ast.Ident]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok {
					operand[id] = true
				}
			case *ast.SelectorExpr:
				if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
					operand[id] = true
				}
			}
			return true
		})
		for id, o := range info.Uses {
			if text, ok := aliases[o]; ok && !inDrop(id.Pos()) {
				if operand[id] && !isIdentText(text) {
					text = "(" + text + ")"
				}
				res.renames[posAt(id.Pos())] = text
			}
		}
		for id, o := range info.Defs {
			if _, ok := aliases[o]; ok && !inDrop(id.Pos()) {
				res.renames[posAt(id.Pos())] = "_" // beside other types in a group
			}
		}
	}
	calledAt := map[*ast.SelectorExpr]bool{}
	rangeLabels := map[*ast.RangeStmt]string{} // filled as the walk meets their labels
	// globals are the session's names as this cell sees them.
	globals := func(yield func(types.Object) bool) {
		for _, m := range []map[string]types.Object{overlay, c.objs} {
			for _, o := range m {
				if !yield(o) {
					return
				}
			}
		}
		for _, name := range scope.Names() {
			if !yield(scope.Lookup(name)) {
				return
			}
		}
	}
	// storeIface records v if it is a value of the user's that goes into
	// the interface type to (see ifaceValue).
	storeIface := func(to types.Type, v ast.Expr) {
		if iv, ok := ifaceValueOf(info, to, v, qualifier); ok {
			res.ifaceValues[posAt(v.Pos())] = iv
		}
	}
	returnsIface(info, f, nil, storeIface)
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.DeferStmt:
			if p, ok := deferPlanOf(info, n, qualifier); ok {
				res.defers[posAt(n.Pos())] = p
			}
		case *ast.SendStmt:
			if ch, ok := typeUnder(info.TypeOf(n.Chan)).(*types.Chan); ok {
				storeIface(ch.Elem(), n.Value)
			}
		case *ast.CompositeLit:
			elemsIface(info.TypeOf(n), n.Elts, storeIface)
		case *ast.AssignStmt:
			if n.Tok == token.ASSIGN && len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					storeIface(info.TypeOf(l), n.Rhs[i])
					if t, ok := ownIfaceStore(info, l, n.Rhs[i], qualifier); ok {
						res.ownIfaceStores[posAt(n.Rhs[i].Pos())] = t
					}
				}
			}
			if splittable(n) && callsIn(n.Rhs) {
				raw := false
				for i, l := range n.Lhs {
					t := info.TypeOf(l)
					if id, ok := l.(*ast.Ident); ok && t == nil {
						if o := info.Uses[id]; o != nil {
							t = o.Type()
						}
					}
					raw = raw || rawInIface(info, t, n.Rhs[i])
				}
				if !raw {
					res.callAssigns[posAt(n.Pos())] = true
				}
			}
			if !parallelAssign(n, token.ASSIGN) && !parallelAssign(n, token.DEFINE) {
				break
			}
			iface, raw := false, false
			for i, l := range n.Lhs {
				var t types.Type
				if o := info.Defs[l.(*ast.Ident)]; o != nil {
					t = o.Type()
				} else if o := info.Uses[l.(*ast.Ident)]; o != nil {
					t = o.Type()
				}
				iface = iface || t != nil && types.IsInterface(t)
				raw = raw || rawInIface(info, t, n.Rhs[i])
			}
			switch {
			case !iface || raw:
			case n.Tok == token.DEFINE:
				res.ifaceDefines[posAt(n.Pos())] = true
			default:
				res.ifaceAssigns[posAt(n.Pos())] = true
			}
		case *ast.LabeledStmt:
			if rs, ok := n.Stmt.(*ast.RangeStmt); ok {
				rangeLabels[rs] = n.Label.Name
			}
		case *ast.RangeStmt:
			if rf, ok := rangeFuncOf(info, n, rangeLabels[n], qualifier); ok {
				res.rangeFuncs[posAt(n.Pos())] = rf
			}
		case *ast.BinaryExpr:
			if (n.Op == token.EQL || n.Op == token.NEQ) && isErrorOperand(info, n.X) && isErrorOperand(info, n.Y) {
				res.errorCompares[posAt(n.OpPos)] = true
			}
		case *ast.SelectorExpr:
			if sel, ok := info.Selections[n]; ok && sel.Kind() == types.MethodExpr && !calledAt[n] {
				if text, ok := methodExprFunc(sel, info.TypeOf(n), n.Sel.Name, qualifier); ok {
					res.methodExprs[posAt(n.Pos())] = text
				}
			}
			if path, ok := viaEmbeddedIface(info.Selections[n]); ok {
				res.promoted[posAt(n.Sel.Pos())] = path
			} else if t, ok := methodValueRecv(info, n, calledAt[n], qualifier); ok {
				res.methodValues[posAt(n.Sel.Pos())] = t
			}
		case *ast.TypeSwitchStmt:
			guard := switchGuard(n)
			unwrap := guard != nil && !ownType(info.TypeOf(guard.X))
			ifaceCase := func(e ast.Expr, t types.Type) bool {
				a, ok := ifaceAssertOf(t, pkg.Scope().Innermost(e.Pos()), qualifier, globals)
				if ok {
					a.commaOk, a.unwrap = true, unwrap
					res.ifaceAsserts[posAt(e.Pos())] = a
				}
				return ok
			}
			if ownCases(info, n, globals, ifaceCase) {
				res.typeSwitches[posAt(n.Pos())] = true
				if unwrap {
					res.ownAsserts[posAt(guard.Lparen)] = true
				}
			}
		case *ast.TypeAssertExpr:
			if n.Type == nil {
				break
			}
			if a, ok := ifaceAssertOf(info.TypeOf(n.Type), pkg.Scope().Innermost(n.Pos()), qualifier, globals); ok {
				_, a.commaOk = info.TypeOf(n).(*types.Tuple)
				a.unwrap = !ownType(info.TypeOf(n.X))
				res.ifaceAsserts[posAt(n.Lparen)] = a
			} else if t := info.TypeOf(n.Type); !types.IsInterface(t) && (ownType(t) || isPtrToOwn(t)) && !ownType(info.TypeOf(n.X)) {
				res.ownAsserts[posAt(n.Lparen)] = true
			}
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
				calledAt[sel] = true // T.M(x), which yaegi runs
			}
			argsIface(info, n, storeIface)
			if tv, ok := info.Types[n.Fun]; ok && tv.IsType() && len(n.Args) == 1 {
				if it, ok := tv.Type.Underlying().(*types.Interface); ok && !it.Empty() {
					res.ifaceConvs[posAt(n.Pos())] = true
					storeIface(tv.Type, n.Args[0])
				}
			}
			if t := errorsAsTarget(n, info); t != nil {
				res.errorsAs[posAt(n.Pos())] = types.TypeString(t, qualifier)
			}
			if name := growMethod(n, info); name != "" {
				res.grows[posAt(n.Pos())] = name
			}
			if fn, ta := inferredTypeArgs(n, info, qualifier); ta != "" && !namesTypeParam(info.Instances, n, clashing) {
				res.typeArgs[posAt(n.Fun.Pos())] = inferred{fn, ta}
			}
			if callsGeneric(n, info) {
				res.genericCalls[posAt(n.Pos())] = true
			}
			if sp, ok := spreadOf(n, info, qualifier); ok {
				res.spreadCalls[posAt(n.Pos())] = sp
			}
		case *ast.ExprStmt:
			if p := posAt(n.X.Pos()); !g.decl && p.line == res.last.line && p.col == res.last.col {
				if sl, ok := typeUnder(info.TypeOf(n.X)).(*types.Slice); ok && types.IsInterface(sl.Elem()) {
					res.showOne = true
				}
			}
		case *ast.ValueSpec:
			t := info.TypeOf(n.Type)
			if n.Type != nil && t != nil && len(n.Values) == len(n.Names) {
				for _, v := range n.Values {
					storeIface(t, v)
				}
			}
			if n.Type == nil || len(n.Names) < 2 || t == nil || !types.IsInterface(t) {
				break
			}
			raw := false
			for _, v := range n.Values {
				raw = raw || rawInIface(info, t, v)
			}
			if !raw {
				res.ifaceAssigns[posAt(n.Pos())] = true
			}
		}
		return true
	})
	for is, path := range fileImports(f) {
		imports[is] = path
	}
	for p := range cellDots {
		res.dots = append(res.dots, p)
	}
	if g.decl {
		for _, n := range scope.Names() {
			o := scope.Lookup(n)
			if o.Pkg() != pkg || n == "_" {
				continue
			}
			if m, ok := recvMethods[n]; ok {
				fn := o.(*types.Func)
				sig := fn.Type().(*types.Signature)
				recv := sig.Params().At(0)
				var rest []*types.Var
				for i := 1; i < sig.Params().Len(); i++ {
					rest = append(rest, sig.Params().At(i))
				}
				named, _ := derefNamed(recv.Type())
				if named == nil {
					continue
				}
				named = named.Origin()
				var msig *types.Signature
				if tps := sig.TypeParams(); tps.Len() > 0 {
					// A method of a generic type: its receiver type
					// parameters are fresh ones, substituted for the
					// function's.
					var fresh []*types.TypeParam
					var args []types.Type
					for i := 0; i < tps.Len(); i++ {
						tp := types.NewTypeParam(types.NewTypeName(token.NoPos, pkg, tps.At(i).Obj().Name(), nil), tps.At(i).Constraint())
						fresh, args = append(fresh, tp), append(args, tp)
					}
					inst, err := types.Instantiate(nil, sig, args, false)
					if err != nil {
						continue
					}
					isig := inst.(*types.Signature)
					var params []*types.Var
					for i := 0; i < isig.Params().Len(); i++ {
						params = append(params, isig.Params().At(i))
					}
					msig = types.NewSignatureType(params[0], fresh, nil, types.NewTuple(params[1:]...), isig.Results(), isig.Variadic())
				} else {
					msig = types.NewSignatureType(recv, nil, nil, types.NewTuple(rest...), sig.Results(), sig.Variadic())
				}
				res.methods = append(res.methods, newMethod{base: named, fn: types.NewFunc(fn.Pos(), pkg, m, msig), at: posAt(fn.Pos())})
				continue
			}
			if err := s.define(n, o, posAt(o.Pos()), overlay, res); err != nil {
				return err
			}
		}
		return nil
	}
	var wrapper *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == wrapperName {
			wrapper = fd
		}
	}
	ws := info.Scopes[wrapper.Type]
	for _, n := range ws.Names() {
		o, ok := ws.Lookup(n).(*types.Var)
		if !ok || n == "_" {
			continue
		}
		if err := s.define(n, types.NewVar(o.Pos(), pkg, n, o.Type()), posAt(o.Pos()), overlay, res); err != nil {
			return err
		}
	}
	return nil
}

// define records a global the cell declares. A variable declared again with
// another type becomes a new variable, unless functions use the old one.
func (s *Session) define(n string, o types.Object, at cellPos, overlay map[string]types.Object, res *checked) error {
	if path := res.imports[n]; path != "" {
		// Go refuses a package-level name that is also an import's.
		return &checkError{fmt.Sprintf("line %d:%d: %s is already the name of the imported package %q: give the new %s another name", at.line, at.col, n, path, kindOf(o))}
	}
	if v, ok := o.(*types.Var); ok {
		if old, ok := s.chk.lookup(overlay, n).(*types.Var); ok && !types.Identical(old.Type(), v.Type()) {
			res.fork[n] = true
		}
	}
	overlay[n] = o
	res.objs = append(res.objs, newObj{name: n, obj: o, at: at, group: res.groups})
	return nil
}

// kindOf names the kind of a declared object for messages.
func kindOf(o types.Object) string {
	switch o.(type) {
	case *types.Func:
		return "func"
	case *types.TypeName:
		return "type"
	case *types.Const:
		return "constant"
	}
	return "variable"
}

// ownType reports whether t is a named type the user declared. yaegi
// keeps a value stored in a variable of the user's own interface type
// well (type assertions on it work), and a conversion through a function
// return breaks those assertions (reflect.Set: value of type func(...)
// string is not assignable); error, fmt.Stringer and other compiled
// interfaces need the conversion (see checked.ifaceValues).
func ownType(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "main"
}

// switchGuard is the x.(type) of the type switch ts.
func switchGuard(ts *ast.TypeSwitchStmt) *ast.TypeAssertExpr {
	var x ast.Expr
	switch a := ts.Assign.(type) {
	case *ast.ExprStmt:
		x = a.X
	case *ast.AssignStmt:
		if len(a.Rhs) == 1 {
			x = a.Rhs[0]
		}
	}
	g, _ := ast.Unparen(x).(*ast.TypeAssertExpr)
	return g
}

// isPtrToOwn reports whether t is *T for a type T the user declared.
func isPtrToOwn(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	return ok && ownType(p.Elem())
}

// ownCases reports whether every case of the type switch ts is nil, a
// basic type, a concrete type of the user's or a pointer to one, or an
// interface that iface accepts (records as an ifaceAssert), with at least
// one of the user's, none of them of the same structure as another type
// of the user's (see checked.typeSwitches).
func ownCases(info *types.Info, ts *ast.TypeSwitchStmt, globals iter.Seq[types.Object], iface func(ast.Expr, types.Type) bool) bool {
	own := 0
	for _, st := range ts.Body.List {
		for _, e := range st.(*ast.CaseClause).List {
			tv, ok := info.Types[e]
			if !ok || tv.IsNil() {
				continue
			}
			t := tv.Type
			if _, ok := t.Underlying().(*types.Basic); ok && types.Unalias(t) == t.Underlying() {
				continue
			}
			if types.IsInterface(t) {
				if !iface(e, t) {
					return false
				}
				own++
				continue
			}
			base := t
			if p, ok := t.(*types.Pointer); ok {
				base = p.Elem()
			}
			if types.IsInterface(base) || !ownType(base) || alike(base, globals) {
				return false
			}
			own++
		}
	}
	return own > 0
}

// methodExprFunc returns the func literal that stands for the method
// expression of sel, of func type t: func(r T, a0 A0, ...) R { return
// r.M(a0, ...) }. ok is false if a type cannot be written in the cell.
func methodExprFunc(sel *types.Selection, t types.Type, name string, qualifier types.Qualifier) (text string, ok bool) {
	sig, isSig := t.(*types.Signature)
	if !isSig || sig.Params().Len() == 0 || sig.TypeParams() != nil {
		return "", false
	}
	var params, args []string
	for i := range sig.Params().Len() {
		pt := sig.Params().At(i).Type()
		ts := types.TypeString(pt, qualifier)
		n := fmt.Sprintf("%s_a%d", hidden, i)
		if sig.Variadic() && i == sig.Params().Len()-1 {
			ts = "..." + types.TypeString(pt.(*types.Slice).Elem(), qualifier)
			args = append(args, n+"...")
		} else if i > 0 {
			args = append(args, n)
		}
		params = append(params, n+" "+ts)
	}
	res := types.TypeString(sig.Results(), qualifier)
	if sig.Results().Len() == 1 {
		res = types.TypeString(sig.Results().At(0).Type(), qualifier)
	}
	if strings.Contains(strings.Join(params, ",")+res, "invalid type") {
		return "", false
	}
	call := fmt.Sprintf("%s_a0.%s(%s)", hidden, name, strings.Join(args, ", "))
	if sig.Results().Len() > 0 {
		call = "return " + call
	}
	return fmt.Sprintf("func(%s) %s { %s }", strings.Join(params, ", "), res, call), true
}

// errorsAsTarget returns T if c is errors.As(err, target) with target of
// type *T, T a concrete type of the user's or a pointer to one, else nil.
func errorsAsTarget(c *ast.CallExpr, info *types.Info) types.Type {
	sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	if !ok || len(c.Args) != 2 {
		return nil
	}
	fn, ok := info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "errors" || fn.Name() != "As" {
		return nil
	}
	p, ok := types.Unalias(info.TypeOf(c.Args[1])).(*types.Pointer)
	if !ok {
		return nil
	}
	base := p.Elem()
	if q, ok := base.(*types.Pointer); ok {
		base = q.Elem()
	}
	if types.IsInterface(base) || !ownType(base) {
		return nil
	}
	return p.Elem()
}

// alike reports whether another type among the session's globals has t's
// underlying type: yaegi makes both one type, which its assertions cannot
// tell apart.
func alike(t types.Type, globals iter.Seq[types.Object]) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	for o := range globals {
		tn, ok := o.(*types.TypeName)
		if !ok || tn == n.Obj() || tn.Name() == n.Obj().Name() {
			continue
		}
		if types.Identical(tn.Type().Underlying(), n.Underlying()) {
			return true
		}
	}
	return false
}

// rawInIface reports whether the value v, of a type the session declared
// that is not a pointer nor an interface, goes into a non-empty interface
// to: yaegi stores such a value so that a later copy of the interface
// panics, and splitAssign copies. (It works in yaegi's own parallel
// assignment, so such assignments are left to it.)
func rawInIface(info *types.Info, to types.Type, v ast.Expr) bool {
	if to == nil {
		return false
	}
	if it, ok := to.Underlying().(*types.Interface); !ok || it.Empty() {
		return false
	}
	named, ok := info.TypeOf(v).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != "main" {
		return false
	}
	switch named.Underlying().(type) {
	case *types.Interface, *types.Pointer:
		return false
	}
	return true
}

// typeText writes the type the check gave the cell's global name as Go
// source valid in the cell (packages by their local names), if it can.
func (ck *checked) typeText(name string) (string, bool) {
	var t types.Type
	for _, o := range ck.objs {
		if o.name == name {
			t = o.obj.Type()
		}
	}
	if t == nil {
		return "", false
	}
	local := map[string]string{}
	for n, p := range ck.imports {
		local[p] = n
	}
	ok := true
	text := types.TypeString(t, func(p *types.Package) string {
		if p.Path() == "main" {
			return ""
		}
		n, found := local[p.Path()]
		ok = ok && found
		return n
	})
	return text, ok && nameable(t, map[types.Type]bool{})
}

// inferred is a call's function name and the type arguments the check
// inferred for it (see checked.typeArgs).
type inferred struct{ fn, args string }

// inferredTypeArgs returns the name of the generic function of the user's
// that c calls and the type arguments that the check inferred for it, as
// the cell writes them ("[int, string]"); args is "" if the call names
// them, calls something else, or one of them cannot be written in the
// cell (see nameable).
func inferredTypeArgs(c *ast.CallExpr, info *types.Info, q types.Qualifier) (fn, args string) {
	id, ok := c.Fun.(*ast.Ident)
	if !ok || !userGeneric(id, info) {
		return "", ""
	}
	inst := info.Instances[id]
	parts := make([]string, inst.TypeArgs.Len())
	for i := range parts {
		t := inst.TypeArgs.At(i)
		if !nameable(t, map[types.Type]bool{}) {
			return "", ""
		}
		parts[i] = types.TypeString(t, q)
	}
	return id.Name, "[" + strings.Join(parts, ", ") + "]"
}

// spread is a call of checked.spreadCalls: the variadic parameter's type
// and the index of its first argument.
type spread struct {
	typ   string
	first int
}

// spreadOf says how to write call c if checked.spreadCalls lists it.
func spreadOf(c *ast.CallExpr, info *types.Info, q types.Qualifier) (spread, bool) {
	if c.Ellipsis.IsValid() {
		return spread{}, false
	}
	sig, ok := typeUnder(info.TypeOf(c.Fun)).(*types.Signature)
	if !ok || !sig.Variadic() || len(c.Args) < sig.Params().Len() {
		return spread{}, false
	}
	// A compiled function gets its arguments right.
	var fn types.Object
	switch f := ast.Unparen(c.Fun).(type) {
	case *ast.Ident:
		fn = info.Uses[f]
	case *ast.SelectorExpr:
		fn = info.Uses[f.Sel]
	}
	if f, ok := fn.(*types.Func); ok && (f.Pkg() == nil || f.Pkg().Path() != "main") {
		return spread{}, false
	}
	first := sig.Params().Len() - 1
	last := sig.Params().At(first).Type()
	el, ok := last.(*types.Slice)
	if !ok {
		return spread{}, false
	}
	if it, ok := el.Elem().Underlying().(*types.Interface); !ok || !it.Empty() || !nameable(last, map[types.Type]bool{}) {
		return spread{}, false
	}
	for _, a := range c.Args[first:] {
		t := info.TypeOf(a)
		if t != nil && (types.IsInterface(t) || types.AssignableTo(t, last)) {
			return spread{types.TypeString(last, q), first}, true
		}
	}
	return spread{}, false
}

// typeUnder is t's underlying type, or nil.
func typeUnder(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	return t.Underlying()
}

// fieldTypeParams are the type parameters of f's generic struct types,
// and of their methods' receivers, that are named like one of the struct's
// fields.
func fieldTypeParams(f *ast.File, info *types.Info) map[types.Object]bool {
	out := map[types.Object]bool{}
	fieldsOf := func(t types.Type) map[string]bool {
		st, ok := typeUnder(t).(*types.Struct)
		if !ok {
			return nil
		}
		m := map[string]bool{}
		for i := range st.NumFields() {
			m[st.Field(i).Name()] = true
		}
		return m
	}
	mark := func(ids []*ast.Ident, fields map[string]bool) {
		for _, id := range ids {
			if o := info.Defs[id]; o != nil && fields[id.Name] {
				out[o] = true
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.TypeSpec:
			if n.TypeParams == nil {
				return true
			}
			if o := info.Defs[n.Name]; o != nil {
				for _, fl := range n.TypeParams.List {
					mark(fl.Names, fieldsOf(o.Type()))
				}
			}
		case *ast.FuncDecl:
			if n.Recv == nil || len(n.Recv.List) == 0 {
				return true
			}
			rt := n.Recv.List[0].Type
			if st, ok := rt.(*ast.StarExpr); ok {
				rt = st.X
			}
			var base ast.Expr
			var params []ast.Expr
			switch x := rt.(type) {
			case *ast.IndexExpr:
				base, params = x.X, []ast.Expr{x.Index}
			case *ast.IndexListExpr:
				base, params = x.X, x.Indices
			default:
				return true
			}
			id, ok := base.(*ast.Ident)
			if !ok || info.Uses[id] == nil {
				return true
			}
			var ids []*ast.Ident
			for _, p := range params {
				if pid, ok := p.(*ast.Ident); ok {
					ids = append(ids, pid)
				}
			}
			mark(ids, fieldsOf(info.Uses[id].Type()))
		}
		return true
	})
	return out
}

// typeParamName is the name the rewrite gives a type parameter of
// checked.renames.
func typeParamName(n string) string { return "__nnlab_tp_" + n }

// namesTypeParam reports whether the type arguments of call c name one of ps.
func namesTypeParam(inst map[*ast.Ident]types.Instance, c *ast.CallExpr, ps map[types.Object]bool) bool {
	id, ok := c.Fun.(*ast.Ident)
	if !ok || len(ps) == 0 {
		return false
	}
	for i := range inst[id].TypeArgs.Len() {
		if tp, ok := inst[id].TypeArgs.At(i).(*types.TypeParam); ok && ps[tp.Obj()] {
			return true
		}
	}
	return false
}

// callsGeneric reports whether c calls a generic function of the user's,
// with its type arguments inferred (Id(4)) or written (Id[int](4)).
func callsGeneric(c *ast.CallExpr, info *types.Info) bool {
	fun := ast.Unparen(c.Fun)
	switch x := fun.(type) {
	case *ast.IndexExpr:
		fun = x.X
	case *ast.IndexListExpr:
		fun = x.X
	}
	id, ok := ast.Unparen(fun).(*ast.Ident)
	return ok && userGeneric(id, info)
}

// userGeneric reports whether id names an instance of a generic function
// of the user's (package main).
func userGeneric(id *ast.Ident, info *types.Info) bool {
	if inst, ok := info.Instances[id]; !ok || inst.TypeArgs.Len() == 0 {
		return false
	}
	f, ok := info.Uses[id].(*types.Func)
	return ok && f.Pkg() != nil && f.Pkg().Path() == "main"
}

// nameable reports whether t can be written outside the packages of its
// parts: it has no unexported type of a compiled package.
func nameable(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.Named:
		o := t.Obj()
		if o.Pkg() != nil && o.Pkg().Path() != "main" && !o.Exported() {
			return false
		}
		if o.Pkg() != nil && o.Pkg().Path() != "main" {
			return true // its underlying type is its package's business
		}
		return t.TypeArgs().Len() == 0
	case *types.Alias:
		return nameable(types.Unalias(t), seen)
	case *types.Pointer:
		return nameable(t.Elem(), seen)
	case *types.Slice:
		return nameable(t.Elem(), seen)
	case *types.Array:
		return nameable(t.Elem(), seen)
	case *types.Map:
		return nameable(t.Key(), seen) && nameable(t.Elem(), seen)
	case *types.Chan:
		return nameable(t.Elem(), seen)
	case *types.Signature:
		return nameable(t.Params(), seen) && nameable(t.Results(), seen)
	case *types.Tuple:
		for i := 0; i < t.Len(); i++ {
			if !nameable(t.At(i).Type(), seen) {
				return false
			}
		}
		return true
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if !nameable(t.Field(i).Type(), seen) {
				return false
			}
		}
		return true
	case *types.Interface:
		for i := 0; i < t.NumMethods(); i++ {
			if !t.Method(i).Exported() || !nameable(t.Method(i).Type(), seen) {
				return false
			}
		}
		return true
	case *types.Basic:
		return t.Info()&types.IsUntyped == 0
	case *types.TypeParam:
		return true // found inside its generic function, where its name is in scope
	}
	return false
}

// forkError refuses a cell that declares an existing global again with
// another type while functions use the old one: they would keep seeing it.
func (s *Session) forkError(ck *checked) error {
	for _, o := range ck.objs {
		if !ck.fork[o.name] {
			continue
		}
		u := s.users(o.name)
		for _, cu := range ck.users {
			// A func the cell declared in a group before the new
			// variable's was compiled with the old one.
			if cu.refs[o.name] && cu.group < o.group && !slices.Contains(u, cu.name) {
				u = append(u, cu.name)
			}
		}
		if len(u) > 0 {
			old := s.chk.objs[o.name]
			verb := "use"
			if len(u) == 1 {
				verb = "uses"
			}
			return fmt.Errorf("line %d: %s already exists as %s and %s %s it, so it keeps its type: give the new value another name, or convert it (%s(...))",
				o.at.line, o.name, typeString(old.Type()), strings.Join(u, ", "), verb, typeString(old.Type()))
		}
	}
	return nil
}

// commit makes the checked globals and methods declared before upTo
// visible to later cells (the zero upTo: all of them).
func (c *checker) commit(ck *checked, upTo cellPos) {
	all := upTo == cellPos{}
	c.forked = nil
	for _, o := range ck.objs {
		if all || o.at.before(upTo) {
			_, wasVar := c.objs[o.name].(*types.Var)
			if _, isVar := o.obj.(*types.Var); isVar && (!wasVar || ck.fork[o.name]) {
				c.forked = append(c.forked, o) // a new variable, not an assignment
			}
			c.objs[o.name] = o.obj
		}
	}
	for _, m := range ck.methods {
		if all || m.at.before(upTo) {
			m.base.AddMethod(m.fn)
		}
	}
	for _, p := range ck.dots {
		if !slices.Contains(c.dots, p) {
			c.dots = append(c.dots, p)
		}
	}
}

// hookRan is called by a running cell after each of its top-level
// statements, with the statement's end: a cell that fails keeps the
// globals of the statements that completed.
// A goroutine of an abandoned cell that calls it later is ignored.
func (s *Session) hookRan(cell, line, col int) {
	s.whereMu.Lock()
	defer s.whereMu.Unlock()
	if s.chk != nil && cell == s.cell {
		s.chk.ran = cellPos{line, col}
	}
}

// ranTo returns where the running cell's completed statements end, and
// resets it.
func (s *Session) ranTo() cellPos {
	s.whereMu.Lock()
	defer s.whereMu.Unlock()
	p := s.chk.ran
	s.chk.ran = cellPos{}
	return p
}

func derefNamed(t types.Type) (*types.Named, bool) {
	ptr := false
	if p, ok := t.(*types.Pointer); ok {
		t, ptr = p.Elem(), true
	}
	n, _ := types.Unalias(t).(*types.Named)
	return n, ptr
}

// isExprList reports whether src is a list of two or more expressions (and
// so not a statement).
func isExprList(src string) bool {
	if !strings.Contains(src, ",") {
		return false
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "", "package p; func f() {\n"+src+"\n}", parser.SkipObjectResolution); err == nil {
		return false
	}
	_, err := parser.ParseFile(token.NewFileSet(), "", "package p; var _ = []any{"+src+",\n}", parser.SkipObjectResolution)
	return err == nil
}

// parseItemAt parses one declaration alone, positioned as in the user's
// cell. The item's text starts at offset base of the parsed file.
func parseItemAt(fset *token.FileSet, it item, fname string) (*ast.File, int, error) {
	src := itemText(it, fname)
	f, err := parser.ParseFile(fset, fname, src, parser.SkipObjectResolution)
	return f, len(src) - len(it.src), err
}

// itemText is the file parseItemAt parses.
func itemText(it item, fname string) string {
	return fmt.Sprintf("package main\n/*line %s:%d:%d*/%s", fname, it.line, it.col, it.src)
}

func firstGenDecl(f *ast.File) (*ast.GenDecl, bool) {
	if len(f.Decls) == 0 {
		return nil, false
	}
	gd, ok := f.Decls[0].(*ast.GenDecl)
	return gd, ok
}

// declaredIn reports whether f declares the type name.
func declaredIn(f *ast.File, name string) bool {
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
			for _, sp := range gd.Specs {
				if sp.(*ast.TypeSpec).Name.Name == name {
					return true
				}
			}
		}
	}
	return false
}

// declaredInItems reports whether one of the items declares the type name
// anew (not as it already is).
func (s *Session) declaredInItems(items []item, name, fname string) bool {
	for _, it := range items {
		if !it.decl || !strings.HasPrefix(it.src, "type") {
			continue
		}
		fset := token.NewFileSet()
		f, base, err := parseItemAt(fset, it, fname)
		if err == nil && declaredIn(f, name) && !s.sameTypes(f, fset, it, base) {
			return true
		}
	}
	return false
}

// sameTypes reports whether f (item it) is a type declaration whose every
// type the session already has with the same source.
func (s *Session) sameTypes(f *ast.File, fset *token.FileSet, it item, base int) bool {
	gd, ok := firstGenDecl(f)
	if !ok || gd.Tok != token.TYPE || len(gd.Specs) == 0 {
		return false
	}
	for _, sp := range gd.Specs {
		ts := sp.(*ast.TypeSpec)
		y := s.syms[ts.Name.Name]
		start, end := fset.File(ts.Pos()).Offset(ts.Pos())-base, fset.File(ts.End()).Offset(ts.End())-base
		if y == nil || y.kind != symType || y.src != norm(it.src[start:end]) {
			return false
		}
		if _, ok := s.chk.objs[ts.Name.Name].(*types.TypeName); !ok {
			return false
		}
	}
	return true
}

// parenTypeNames writes `type A B`, where B is a type of an earlier cell,
// as `type A (B)` (the same type): go/types follows a bare name on the
// right to the declaration it checks it in, which for B is not in this
// check.
func (s *Session) parenTypeNames(gd *ast.GenDecl, it item, base int, fset *token.FileSet, overlay map[string]types.Object, declared map[string]bool) string {
	text := it.src
	var at []int
	for _, sp := range gd.Specs {
		ts := sp.(*ast.TypeSpec)
		id, ok := ts.Type.(*ast.Ident)
		if !ok || declared[id.Name] {
			continue
		}
		if _, ok := s.chk.lookup(overlay, id.Name).(*types.TypeName); ok {
			at = append(at, fset.File(id.Pos()).Offset(id.Pos())-base, fset.File(id.End()).Offset(id.End())-base)
		}
	}
	for i := len(at) - 2; i >= 0; i -= 2 {
		text = text[:at[i]] + "(" + text[at[i]:at[i+1]] + ")" + text[at[i+1]:]
	}
	return text
}

// recvTypeParams is the type parameter list, "[K comparable, V any]", that
// the function standing for a method of the generic type t needs, with the
// names the receiver expression recv gives them ("" for a type that is not
// generic).
func (s *Session) recvTypeParams(recv ast.Expr, t types.Type, imports map[string]string) (string, bool) {
	n, ok := t.(*types.Named)
	if !ok || n.TypeParams().Len() == 0 {
		return "", true
	}
	if st, ok := recv.(*ast.StarExpr); ok {
		recv = st.X
	}
	var names []ast.Expr
	switch r := recv.(type) {
	case *ast.IndexExpr:
		names = []ast.Expr{r.Index}
	case *ast.IndexListExpr:
		names = r.Indices
	}
	if len(names) != n.TypeParams().Len() {
		return "", false
	}
	local := map[string]string{}
	for name, p := range imports {
		local[p] = name
	}
	var parts []string
	for i, e := range names {
		id, ok := e.(*ast.Ident)
		if !ok {
			return "", false
		}
		ok = true
		c := types.TypeString(n.TypeParams().At(i).Constraint(), func(p *types.Package) string {
			if p.Path() == "main" {
				return ""
			}
			name, found := local[p.Path()]
			ok = ok && found
			return name
		})
		if !ok {
			return "", false
		}
		parts = append(parts, id.Name+" "+c)
	}
	return "[" + strings.Join(parts, ", ") + "]", true
}

// methodAsFunc rewrites the method declaration fd of item it (parsed
// alone, after a prefix of base bytes) as the function fake with the
// receiver as its first parameter.
func methodAsFunc(fset *token.FileSet, it item, fd *ast.FuncDecl, base int, fake, fname string) string {
	text := it.src
	at := func(p token.Pos) int { return fset.File(p).Offset(p) - base }
	recv := fd.Recv.List[0]
	recvName := "_"
	if len(recv.Names) > 0 {
		recvName = recv.Names[0].Name
	}
	params := text[at(fd.Type.Params.Opening)+1 : at(fd.Type.Params.Closing)]
	if ps := fd.Type.Params.List; len(ps) > 0 && len(ps[0].Names) == 0 {
		// Unnamed parameters cannot follow the named receiver: name them _.
		var named []string
		for _, f := range ps {
			named = append(named, "_ "+text[at(f.Type.Pos()):at(f.Type.End())])
		}
		params = strings.Join(named, ", ")
	}
	if strings.TrimSpace(params) != "" {
		params = ", " + params
	}
	rest := at(fd.Type.Params.Closing) + 1
	p := fset.Position(fd.Type.Params.Closing)
	return fmt.Sprintf("%sfunc %s(%s %s%s)/*line %s:%d:%d*/%s", text[:at(fd.Pos())], fake, recvName,
		text[at(recv.Type.Pos()):at(recv.Type.End())], params, fname, p.Line, p.Column+1, text[rest:])
}

// importConflict refuses an import whose name the session already gives to
// another package or to one of its globals.
func (s *Session) importConflict(is *ast.ImportSpec, fset *token.FileSet, fname string, imports map[string]string) error {
	path := strings.Trim(is.Path.Value, "\"`")
	name := importName(path)
	if is.Name != nil {
		name = is.Name.Name
	}
	p := fset.Position(is.Pos())
	if old := imports[name]; old != "" && old != path {
		return &checkError{fmt.Sprintf("%s%s is already imported as %q; import %q under another name, e.g. import %s2 %q", s.at(fname, p.Line, p.Column), name, old, path, name, path)}
	}
	if _, ok := s.chk.objs[name]; ok && imports[name] == "" {
		return &checkError{fmt.Sprintf("%s%s is already a name in this session; import %q under another name", s.at(fname, p.Line, p.Column), name, path)}
	}
	return nil
}

// fileImports lists the imports of f by local name.
func fileImports(f *ast.File) map[string]string {
	m := map[string]string{}
	for _, is := range f.Imports {
		path := strings.Trim(is.Path.Value, "\"`")
		name := importName(path)
		if is.Name != nil {
			name = is.Name.Name
		}
		if name != "_" && name != "." {
			m[name] = path
		}
	}
	return m
}

// topReturn refuses a return among a cell's statements (outside a func).
func topReturn(f *ast.File, fset *token.FileSet, s *Session, fname string) error {
	// A return inside a block of the cell ends that block, as it did
	// before the check (see topStmt); only a bare one has no meaning.
	var found token.Pos
	for _, st := range f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List {
		if r, ok := st.(*ast.ReturnStmt); ok && !found.IsValid() {
			found = r.Pos()
		}
	}
	if !found.IsValid() {
		return nil
	}
	p := fset.Position(found)
	return &checkError{s.at(fname, p.Line, p.Column) + "return outside a function: a cell's statements do not run inside a function, so there is nothing to return from (to stop early, put the code in a func, or use if/else)"}
}

// at is the "line L:C: " prefix of a message about the current cell, or
// "path:L:C: " for a script.
func (s *Session) at(fname string, l, c int) string {
	if path, ok := s.files[s.cell]; ok && path == fname {
		return fmt.Sprintf("%s:%d:%d: ", path, l, c)
	}
	return fmt.Sprintf("line %d:%d: ", l, c)
}

// syntaxError turns a parse error of src into one line at the user's
// position.
func (s *Session) syntaxError(err error, src, fname string) error {
	var el scanner.ErrorList
	if !errors.As(err, &el) || len(el) == 0 {
		return &checkError{oneLine(err).Error()}
	}
	e := el[0]
	at := s.at(fname, e.Pos.Line, e.Pos.Column)
	if e.Msg == "expected '==', found '='" {
		if callee, call := keywordArg(src, e.Pos.Offset); callee != "" {
			typed := callee
			if i := strings.LastIndexByte(callee, '.'); s.signature(callee) == "" && i >= 0 && i+1 < len(callee) {
				// m.compile(optimizer="adam"): Keras's name, Go's case.
				if up := callee[:i+1] + strings.ToUpper(callee[i+1:i+2]) + callee[i+2:]; s.signature(up) != "" {
					call = up + strings.TrimPrefix(call, callee)
					callee = up
				}
			}
			msg := at + "Go has no keyword arguments: pass the values in the order of the parameters, e.g. " + call
			if strings.HasSuffix(typed, ".fit") || strings.HasSuffix(typed, ".Fit") {
				callee = typed[:len(typed)-len("fit")] + "Fit"
				// Keras's fit(x, y, epochs=5, batch_size=32).
				msg = at + "Go has no keyword arguments: Fit takes its options as a struct, e.g. " + fitCall(callee, typed, src, e.Pos.Offset)
			}
			if sig := s.signature(callee); sig != "" {
				msg += " (" + callee + " is " + sig + ")"
			}
			return &checkError{msg}
		}
	}
	msg := at + e.Msg
	if h := pythonHint(lineAt(src, e.Pos.Offset), e.Msg); h != "" {
		msg += "; " + h
	}
	return &checkError{msg}
}

// lineAt is the line of src around offset, without line directives.
func lineAt(src string, off int) string {
	off = min(max(off, 0), len(src))
	start := strings.LastIndexByte(src[:off], '\n') + 1
	end := strings.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src) - off
	}
	line := src[start : off+end]
	for strings.HasPrefix(line, "/*line ") {
		i := strings.Index(line, "*/")
		if i < 0 {
			break
		}
		line = line[i+2:]
	}
	return strings.TrimSpace(line)
}

// typeString writes a type with package names, not paths.
func typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p.Path() == "main" {
			return ""
		}
		return p.Name()
	})
}

// undefinedMethod is go/types' message for a call of a method the type
// does not have.
var undefinedMethod = regexp.MustCompile(`^.+\.(\w+) undefined \(type .+ has no field or method (\w+)\)$`)

// methodCallsAsFuncs rewrites src, the checked text of a group, so that
// each call x.M(args) that failed because M is a method the group adds to
// a type of an earlier cell calls M's stand-in function instead:
// fake(x, args), with x's address or value as the receiver wants. A line
// directive after each keeps the columns of what follows. Other errors
// are left for the second check to find again; ok is false when there is
// no such call, or one is inside another (x.M().M()).
//
// The second check's messages quote the rewritten calls: unfake turns
// them back into the method calls they were written as.
//
// known reports whether fake is the stand-in of method m, and whether its
// receiver is a pointer; used lists the stand-ins the rewrite calls.
func methodCallsAsFuncs(src string, f *ast.File, fset *token.FileSet, info *types.Info, hard []types.Error, known func(fake, m string) (ptr, ok bool)) (out string, unfake *strings.Replacer, used []string, ok bool) {
	calls := map[*ast.SelectorExpr]*ast.CallExpr{}
	ast.Inspect(f, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok {
				calls[sel] = c
			}
		}
		return true
	})
	bySel := map[token.Pos]*ast.SelectorExpr{}
	for sel := range calls {
		bySel[sel.Sel.Pos()] = sel
	}
	off := func(p token.Pos) int { return fset.File(p).Offset(p) }
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	var back []string
	for _, e := range hard {
		m := undefinedMethod.FindStringSubmatch(e.Msg)
		sel := bySel[e.Pos]
		if m == nil || m[1] != m[2] || sel == nil {
			continue // another error, which the second check finds again
		}
		named, xPtr := derefNamed(info.TypeOf(sel.X))
		if named == nil {
			continue
		}
		fake := methodPrefix + named.Obj().Name() + "_" + sel.Sel.Name
		recvPtr, ok := known(fake, sel.Sel.Name)
		if !ok {
			continue
		}
		used = append(used, fake)
		x := src[off(sel.X.Pos()):off(sel.X.End())]
		orig := x + "." + sel.Sel.Name + "("
		switch {
		case recvPtr && !xPtr:
			x = "&(" + x + ")"
		case !recvPtr && xPtr:
			x = "*(" + x + ")"
		}
		call := calls[sel]
		if len(call.Args) > 0 {
			x += ", "
		}
		back = append(back, fake+"("+x, orig)
		after := fset.Position(call.Lparen)
		edits = append(edits, edit{off(call.Pos()), off(call.Lparen) + 1,
			fmt.Sprintf("%s(%s/*line %s:%d:%d*/", fake, x, after.Filename, after.Line, after.Column+1)})
	}
	if len(edits) == 0 {
		return "", nil, nil, false
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var b strings.Builder
	at := 0
	for _, e := range edits {
		if e.start < at {
			return "", nil, nil, false // one inside another: x.M().M()
		}
		b.WriteString(src[at:e.start] + e.text)
		at = e.end
	}
	b.WriteString(src[at:])
	return b.String(), strings.NewReplacer(back...), used, true
}

// localAliases returns, for each type alias declared inside a function
// (not a generic one), the text that names its type where the alias is
// used: the source of its right-hand side, with the local aliases in it
// spelled out the same way; and the declarations that hold only such
// aliases.
func localAliases(f *ast.File, info *types.Info, pkg *types.Package, fset *token.FileSet, src string) (map[types.Object]string, []*ast.DeclStmt) {
	specs := map[types.Object]ast.Expr{}
	var drops []*ast.DeclStmt
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if ds, ok := n.(*ast.DeclStmt); ok {
				if g := ds.Decl.(*ast.GenDecl); g.Tok == token.TYPE && !slices.ContainsFunc(g.Specs, func(s ast.Spec) bool {
					ts := s.(*ast.TypeSpec)
					return !ts.Assign.IsValid() || ts.TypeParams != nil
				}) {
					drops = append(drops, ds) // only aliases: yaegi fails on the declaration itself
				}
			}
			if ts, ok := n.(*ast.TypeSpec); ok && ts.Assign.IsValid() && ts.TypeParams == nil {
				if tn, ok := info.Defs[ts.Name].(*types.TypeName); ok && tn.Pkg() == pkg {
					specs[tn] = ts.Type
				}
			}
			return true
		})
	}
	texts := map[types.Object]string{}
	var expand func(o types.Object) string
	expand = func(o types.Object) string {
		if t, ok := texts[o]; ok {
			return t
		}
		e := specs[o]
		base := fset.File(e.Pos()).Offset(e.Pos())
		text := src[base:fset.File(e.End()).Offset(e.End())]
		type sub struct {
			at, end int
			text    string
		}
		var subs []sub
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if u := info.Uses[id]; specs[u] != nil {
					at := fset.File(id.Pos()).Offset(id.Pos()) - base
					subs = append(subs, sub{at, at + len(id.Name), expand(u)})
				}
			}
			return true
		})
		for i := len(subs) - 1; i >= 0; i-- { // Inspect visits in source order
			text = text[:subs[i].at] + subs[i].text + text[subs[i].end:]
		}
		texts[o] = text
		return text
	}
	for o := range specs {
		expand(o)
	}
	return texts, drops
}

// isIdentText reports whether s is a name or a qualified name (pkg.T).
func isIdentText(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if !token.IsIdentifier(part) {
			return false
		}
	}
	return true
}

// viaEmbeddedIface returns the embedded fields ("A.B.") through which sel,
// a method value or call, reaches a method of an embedded interface, ok
// false if it reaches none.
func viaEmbeddedIface(sel *types.Selection) (string, bool) {
	if sel == nil || sel.Kind() != types.MethodVal || len(sel.Index()) < 2 {
		return "", false
	}
	t := sel.Recv()
	var path strings.Builder
	iface := false
	for _, i := range sel.Index()[:len(sel.Index())-1] {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok {
			return "", false
		}
		f := st.Field(i)
		path.WriteString(f.Name() + ".")
		t = f.Type()
		iface = iface || types.IsInterface(t)
	}
	return path.String(), iface
}

// ownIfaceStore reports whether v, of a concrete type, is assigned to l, a
// place other than a variable (a field, an element, *p) whose type is a
// non-empty interface of the user's, and returns that interface's name.
func ownIfaceStore(info *types.Info, l, v ast.Expr, qualifier types.Qualifier) (string, bool) {
	if _, ok := ast.Unparen(l).(*ast.Ident); ok {
		return "", false
	}
	to := info.TypeOf(l)
	if to == nil || !ownType(to) {
		return "", false
	}
	if it, ok := to.Underlying().(*types.Interface); !ok || it.Empty() {
		return "", false
	}
	tv, ok := info.Types[v]
	if !ok || tv.IsNil() || tv.Type == nil || types.IsInterface(tv.Type) {
		return "", false
	}
	return types.TypeString(to, qualifier), true
}

// isErrorOperand reports whether e is an operand of type error, not nil.
func isErrorOperand(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && !tv.IsNil() && tv.Type != nil && types.Identical(tv.Type, types.Universe.Lookup("error").Type())
}

// constText writes the value of c as the rest of a constant spec, ok
// false for a value that has no exact literal here (floats, complex).
func constText(c *types.Const, qualifier types.Qualifier) (string, bool) {
	v := c.Val()
	switch v.Kind() {
	case constant.Int, constant.String, constant.Bool:
	default:
		return "", false
	}
	lit := v.ExactString()
	b, ok := c.Type().(*types.Basic)
	if ok && b.Info()&types.IsUntyped != 0 {
		return " = " + lit, true
	}
	return " " + types.TypeString(c.Type(), qualifier) + " = " + lit, true
}
