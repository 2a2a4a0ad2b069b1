package runtime

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/nnlab/nnlab/stdlib"
)

// typeError turns the first error of the check into the user's message:
// one line at the user's position, with a hint for habits from Python and
// TensorFlow where one applies.
func (s *Session) typeError(e types.Error, f *ast.File, fname string, info *types.Info, pkg *types.Package) error {
	msg := mainQual.ReplaceAllString(flatten(e.Msg), "$1")
	if m := couldImport.FindStringSubmatch(msg); m != nil {
		p := e.Fset.Position(e.Pos)
		msg := fmt.Sprintf("nnlab does not ship package %s", m[1])
		want := m[1][strings.LastIndexByte(m[1], '/')+1:]
		for _, have := range s.chk.conv.paths() {
			if have[strings.LastIndexByte(have, '/')+1:] == want {
				msg += fmt.Sprintf("; did you mean %q?", have)
				break
			}
		}
		return &checkError{s.at(p.Filename, p.Line, p.Column) + msg + " (the README's Packages list says what it ships)"}
	}
	if m := butHave.FindStringSubmatch(msg); m != nil {
		// go/types' own hint, said as the others are.
		return &checkError{s.at(e.Fset.Position(e.Pos).Filename, e.Fset.Position(e.Pos).Line, e.Fset.Position(e.Pos).Column) +
			fmt.Sprintf("undefined: %s.%s; did you mean %s.%s?", m[1], m[2], m[1], m[3])}
	}
	prefix := ""
	if e.Pos.IsValid() {
		p := e.Fset.Position(e.Pos)
		prefix = s.at(fname, p.Line, p.Column)
	}
	h := s.hint(e, msg, f, info, pkg)
	if short := butHaveSel.ReplaceAllString(msg, ")"); short != msg && h != "" {
		msg = short // go/types' "but does have method Run" says what the hint says
	}
	if h != "" {
		msg += "; " + h
	}
	return &checkError{prefix + msg}
}

// flatten joins go/types' indented continuation lines ("have (...)",
// "want (...)") into one line.
func flatten(msg string) string {
	lines := strings.Split(msg, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, ", ")
}

var (
	butHaveSel  = regexp.MustCompile(`, but does have (?:field|method) \w+\)$`)
	butHave     = regexp.MustCompile(`^undefined: (\w+)\.(\w+) \(but have (\w+)\)$`)
	nonFunc     = regexp.MustCompile(`^invalid operation: cannot call (?:non-function )?(\S+) \((\w+) of type`)
	funcValue   = regexp.MustCompile(`(\S+) \(value of type func\(`)
	mainQual    = regexp.MustCompile(`(^|[^\w.])main\.`) // the user's own package needs no name
	wantNamed   = regexp.MustCompile(` as (\*?)(\w+)\.(\w+) value in argument to `)
	argTo       = regexp.MustCompile(`^cannot use .* in argument to ([\w.]+)$`)
	notImpl     = regexp.MustCompile(`^cannot use .* as (\w+)\.(\w+) value in .*: .* does not implement `)
	couldImport = regexp.MustCompile(`^could not import (\S+) \(nnlab does not provide`)
)

// hint returns advice for a type error, or "".
func (s *Session) hint(e types.Error, msg string, f *ast.File, info *types.Info, pkg *types.Package) string {
	switch {
	case strings.HasPrefix(msg, "undefined: "):
		name := strings.TrimPrefix(msg, "undefined: ")
		if i := strings.IndexByte(name, '.'); i > 0 {
			// A symbol of a package: nn.Matmul.
			scope := s.pkgScope(pkg, name[:i])
			if scope == nil {
				return ""
			}
			if m := closest(name[i+1:], scope.Names(), true); m != "" {
				return fmt.Sprintf("did you mean %s.%s?", name[:i], m)
			}
			return ""
		}
		if w, ok := pythonWords[name]; ok {
			return "Go spells it " + w
		}
		if sel := selectorAt(f, e.Pos); sel != nil {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == name {
				if path := importFor(name); path != "" {
					return fmt.Sprintf("the package is not imported: add import %q", path)
				}
			}
		}
		if as := assignTo(f, e.Pos); as != nil {
			return fmt.Sprintf("to declare a new variable, write %s := ...", name)
		}
		var names []string
		for sc := pkg.Scope(); sc != nil; sc = sc.Parent() {
			names = append(names, sc.Names()...)
		}
		for n := range s.imports {
			names = append(names, n)
		}
		for n := range s.chk.objs { // the check's scope holds only the names the cell uses
			names = append(names, n)
		}
		if m := closest(name, names, false); m != "" {
			return fmt.Sprintf("did you mean %s?", m)
		}
		if _, script := s.files[s.cell]; !script && inDecl(f, e.Pos) {
			// Typed cell by cell, a declaration may come before what it
			// uses; a script has no earlier cell to declare it in.
			return fmt.Sprintf("declare %s in an earlier cell, or in the same cell", name)
		}
	case strings.Contains(msg, "(value of type *nn.Initializer) as *nn.Node value"):
		// tf.constant(1, shape=[2, 3]) is a node in TensorFlow.
		return "nn.Constant makes an initializer for nn.Variable; a constant node is nn.Const(t), such as nn.Const(nn.Ones(2, 3))"
	case strings.Contains(msg, "(value of type []*nn.Node) as *nn.Node value in argument to ") && strings.HasSuffix(msg, ".Run"):
		return "to fetch several nodes at once, sess.RunAll([]*nn.Node{a, b}, feed)"
	case nodeArith.MatchString(msg):
		return "nodes combine with nn.Add(a, b), nn.Sub, nn.Mul and nn.Div; a number is nn.ScalarConst(2)"
	case strings.HasPrefix(msg, "cannot index ") && strings.Contains(msg, "*nn.Tensor)"):
		return "a tensor's values are t.At(i, j) (one value) or t.Data() (all, row by row)"
	case strings.HasPrefix(msg, "invalid argument: ") && strings.Contains(msg, "*nn.Tensor) for built-in len"):
		return "a tensor's size is t.Len() (its values) or t.Shape()[0] (its rows)"
	case strings.Contains(msg, "index") && strings.HasSuffix(msg, "must not be negative"):
		return "Go has no negative indexes: the last element is xs[len(xs)-1]"
	case strings.Contains(msg, "cannot indirect") && strings.Contains(msg, "constant)"):
		// x ** 2 parses as x * (*2).
		return "Go has no ** operator: math.Pow(x, y), or x * x"
	case strings.Contains(msg, " undefined (type "):
		sel := selectorAt(f, e.Pos)
		if sel == nil {
			return ""
		}
		tv, ok := info.Types[sel.X]
		if !ok || tv.Type == nil {
			return ""
		}
		if _, ok := tv.Type.Underlying().(*types.Slice); ok && sel.Sel.Name == "append" {
			return fmt.Sprintf("append is a builtin function: %s = append(%s, ...)", types.ExprString(sel.X), types.ExprString(sel.X))
		}
		if m := closest(sel.Sel.Name, memberNames(tv.Type), true); m != "" {
			return fmt.Sprintf("did you mean %s?", m)
		}
	case nonFunc.MatchString(msg):
		m := nonFunc.FindStringSubmatch(msg)
		name := m[1][strings.LastIndexByte(m[1], '.')+1:]
		what := "a " + m[2]
		if m[2] == "variable" && strings.Contains(m[1], ".") {
			what = "a field"
		}
		return fmt.Sprintf("%s is %s, not a method or function: write %s without ()", name, what, m[1])
	case funcValue.MatchString(msg) && !strings.Contains(msg, "in call to"):
		m := funcValue.FindStringSubmatch(msg)
		if i := strings.LastIndexByte(m[1], '.'); i > 0 {
			return fmt.Sprintf("%s is a method, not a field: call it, %s()", m[1][i+1:], m[1])
		}
		return fmt.Sprintf("%s is a function: call it, %s(...)", m[1], m[1])
	case notImpl.MatchString(msg):
		// A string where an interface is wanted ("adam"): name the
		// package's functions that make one.
		m := notImpl.FindStringSubmatch(msg)
		scope := s.pkgScope(pkg, m[1])
		if scope == nil {
			return ""
		}
		iface, ok := scope.Lookup(m[2]).(*types.TypeName)
		if !ok {
			return ""
		}
		it, ok := iface.Type().Underlying().(*types.Interface)
		if !ok {
			return ""
		}
		ms := makers(scope, m[1], func(t types.Type) bool { return types.Implements(t, it) })
		if len(ms) > 0 {
			if len(ms) > 4 {
				ms = append(ms[:4], "...")
			}
			return fmt.Sprintf("make a %s.%s with %s", m[1], m[2], strings.Join(ms, ", "))
		}
	case argTo.MatchString(msg):
		// A TensorFlow habit (tf.placeholder(tf.float32, [None, 784])):
		// show what the Go function takes.
		callee := argTo.FindStringSubmatch(msg)[1]
		h, sig := "", s.signature(callee)
		if sig != "" {
			h = callee + " is " + sig
		}
		if m := wantNamed.FindStringSubmatch(msg); m != nil && m[2] != "main" {
			// nn.Variable(nn.Zeros(...)): name what makes the wanted type.
			if makers := s.makersOf(pkg, m[2], m[3], m[1] == "*"); makers != "" {
				h += "; make a " + m[1] + m[2] + "." + m[3] + " with " + makers
			}
		}
		switch {
		case callee == "nn.Placeholder" && strings.Contains(msg, "nn.DType"):
			// tf.placeholder(tf.float32, [None, 784])
			h += "; it takes only the shape (values are float32): nn.Placeholder(nn.None, 784)"
		case strings.Contains(msg, "(value of type []int) as int value") && strings.HasPrefix(sig, "func(...int)"):
			// tf.zeros([2, 3])
			h += fmt.Sprintf("; pass the sizes one by one, %s(2, 3), or a slice as %s(shape...)", callee, callee)
		}
		return strings.TrimPrefix(h, "; ")
	case strings.Contains(msg, "func("):
		if sel := methodValueOn(f, info, e.Fset.Position(e.Pos).Line, e.Fset); sel != "" {
			return fmt.Sprintf("%s is a method, not a field: call it, %s()", sel[strings.LastIndexByte(sel, '.')+1:], sel)
		}
	}
	return ""
}

// pythonWords are Python's spellings of Go's predeclared names.
var pythonWords = map[string]string{"None": "nil", "True": "true", "False": "false", "self": "the method's receiver"}

// pythonHint returns advice for a syntax error msg on a line written as in
// Python, or "".
func pythonHint(line, msg string) string {
	word := line
	if i := strings.IndexAny(line, " \t("); i >= 0 {
		word = line[:i]
	}
	switch {
	case word == "for" && strings.Contains(line, " in "):
		return "Go loops with range: for i := range 10 { ... }, or for i, v := range xs { ... }"
	case word == "def":
		return "Go declares functions with func: func name(x T) R { ... }"
	case word == "while":
		return "Go's while loop is for: for cond { ... }"
	case word == "elif":
		return "Go writes else if"
	case (word == "import" || word == "from") && pyTF.MatchString(line):
		if m := pyTF.FindStringSubmatch(line); m[2] == "numpy" {
			return "numpy's arrays are nn's tensors here: nn.NewTensor(values, shape...), nn.Zeros(2, 3), t.Data(), t.Shape() (:apropos WORD finds more)"
		}
		return "the API of TensorFlow is package nn here, and MNIST's is mnist, both imported already: tf.matmul is nn.MatMul, tf.Session() is nn.NewSession() (:apropos WORD finds the rest)"
	case word == "import" && msg == "import path must be a string":
		return `Go imports a quoted path, named as you like: import np "path"`
	case strings.HasSuffix(line, ":") && (word == "if" || word == "for" || word == "else" || word == "try" || word == "with" || word == "class"):
		return "Go puts a block in braces, not after a colon: if cond { ... }"
	case word == "lambda" || pyLambda.MatchString(line):
		return "Go writes a function literal: func(x float64) float64 { return x * 2 }"
	case pyFString.MatchString(line):
		return `Go formats with fmt.Sprintf("x = %v", x)`
	case pyTernary.MatchString(line) && word != "if":
		return "Go has no conditional expression: if cond { x = a } else { x = b }"
	case pyNot.MatchString(line):
		return "Go writes not as !: !ok"
	case pyAndOr.MatchString(line):
		return "Go writes and, or as &&, ||"
	case pyList.MatchString(line):
		return "Go writes a list as a slice literal: []float64{1, 2, 3} (or []int{}, []string{...})"
	case pyDict.MatchString(line):
		return `Go writes a dict as a map literal: map[string]int{"a": 1}`
	}
	return ""
}

// Python spellings that Go's parser reports only as unexpected tokens.
var (
	nodeArith = regexp.MustCompile(`^invalid operation: (operator [-+*/] not defined on .*of type \*nn\.Node\)|.* \(mismatched types (\*nn\.Node and [^)]+|[^)]+ and \*nn\.Node)\))$`)
	pyTF      = regexp.MustCompile(`^(import|from)\s+(tensorflow|keras|numpy|torch)\b`)
	pyLambda  = regexp.MustCompile(`\blambda\s+\w*\s*:`)
	pyFString = regexp.MustCompile(`\bf"[^"]*\{`)
	pyTernary = regexp.MustCompile(`\S\s+if\s+.+\s+else\s+\S`)
	pyNot     = regexp.MustCompile(`(^|[\s(=,])not\s+\w`)
	pyAndOr   = regexp.MustCompile(`\w\s+(and|or)\s+\w`)
	pyList    = regexp.MustCompile(`(:=|=|\(|,)\s*\[([^\]]|\]\s*$)`)
	pyDict    = regexp.MustCompile(`(:=|=|\(|,)\s*\{`)
)

// pkgScope is the scope of the package imported under name, or nil.
func (s *Session) pkgScope(pkg *types.Package, name string) *types.Scope {
	for _, p := range pkg.Imports() {
		if p.Name() == name {
			return p.Scope()
		}
	}
	if path := s.imports[name]; path != "" {
		if p, err := s.chk.conv.Import(path); err == nil {
			return p.Scope()
		}
	}
	return nil
}

// inDecl reports whether pos is inside a declaration of the cell (not in
// its statements' wrapper).
func inDecl(f *ast.File, pos token.Pos) bool {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == wrapperName {
			continue
		}
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			continue
		}
		if d.Pos() <= pos && pos < d.End() {
			return true
		}
	}
	return false
}

// assignTo returns the `=` assignment whose left side has an identifier at
// pos, or nil.
func assignTo(f *ast.File, pos token.Pos) *ast.AssignStmt {
	var found *ast.AssignStmt
	ast.Inspect(f, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Pos() == pos {
					found = as
				}
			}
		}
		return found == nil
	})
	return found
}

// selectorAt returns the selector expression whose selected name is at pos.
func selectorAt(f *ast.File, pos token.Pos) *ast.SelectorExpr {
	var found *ast.SelectorExpr
	ast.Inspect(f, func(n ast.Node) bool {
		if se, ok := n.(*ast.SelectorExpr); ok && (se.Sel.Pos() == pos || se.Pos() == pos) {
			found = se
		}
		return true
	})
	return found
}

// memberNames lists the fields and methods of t (and *t), promoted ones
// included.
func memberNames(t types.Type) []string {
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, tt := range []types.Type{t, types.NewPointer(t)} {
		if _, ok := tt.Underlying().(*types.Pointer); ok && tt != t {
			if _, isPtr := t.Underlying().(*types.Pointer); isPtr {
				continue
			}
		}
		ms := types.NewMethodSet(tt)
		for i := 0; i < ms.Len(); i++ {
			add(ms.At(i).Obj().Name())
		}
	}
	var fields func(t types.Type, depth int)
	fields = func(t types.Type, depth int) {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok || depth > 3 {
			return
		}
		for i := 0; i < st.NumFields(); i++ {
			add(st.Field(i).Name())
			if st.Field(i).Embedded() {
				fields(st.Field(i).Type(), depth+1)
			}
		}
	}
	fields(t, 0)
	sort.Strings(out)
	return out
}

// closest returns the one name among names that name most likely means: the
// same letters but for case and underscores (num_examples, NumExamples),
// else one edit away (two for a long name; none for a short one). exported keeps only names
// that can be used from outside their package.
func closest(name string, names []string, exported bool) string {
	key := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }
	var same []string
	best, bestD, ties := "", 3, 0
	for _, n := range names {
		if n == name || n == "_" || strings.HasPrefix(n, hidden) || strings.HasPrefix(n, methodPrefix) || n == wrapperName {
			continue
		}
		if exported && !ast.IsExported(n) {
			continue
		}
		if key(n) == key(name) {
			same = append(same, n)
			continue
		}
		max := 0 // a short name is too close to many others
		switch {
		case len(name) > 5:
			max = 2
		case len(name) > 2:
			max = 1
		}
		if d := editDistance(key(n), key(name)); d <= max {
			switch {
			case d < bestD:
				best, bestD, ties = n, d, 1
			case d == bestD && n != best:
				ties++
			}
		}
	}
	if len(same) == 1 {
		return same[0]
	}
	if len(same) == 0 && ties == 1 {
		return best
	}
	return ""
}

// editDistance is the Damerau-Levenshtein distance (with adjacent
// transpositions) of two short strings.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// keywordArg finds a Python keyword argument `name=value` at offset off of
// src: it returns the text of the callee and of the call with the names
// dropped, or "" if the error is not inside a call's parentheses.
func keywordArg(src string, off int) (callee, call string) {
	depth := 0
	open := -1
	for i := off - 1; i >= 0; i-- {
		switch src[i] {
		case ')', ']', '}':
			depth++
		case '(', '[', '{':
			if depth == 0 {
				open = i
			}
			depth--
		}
		if open >= 0 || src[i] == '\n' && depth < 0 {
			break
		}
	}
	if open < 0 || src[open] != '(' {
		return "", ""
	}
	j := open
	for j > 0 && (isIdentByte(src[j-1]) || src[j-1] == '.') {
		j--
	}
	callee = src[j:open]
	if callee == "" || !unicode.IsLetter(rune(callee[0])) {
		return "", ""
	}
	// The call's arguments up to its closing parenthesis.
	depth, end := 0, -1
	for i := open; i < len(src) && end < 0; i++ {
		switch src[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				end = i
			}
		case '\n':
			if depth <= 1 && i > off {
				end = i
			}
		}
	}
	if end < 0 {
		end = len(src)
	}
	args := kwName.ReplaceAllString(src[open+1:end], "$1$2")
	return callee, callee + "(" + args + ")"
}

// fitCall writes Keras's m.fit(x, y, epochs=5, batch_size=32) of the
// cell src (typed the callee, its keyword argument at off) as nnlab's
// callee(x, y, model.FitOptions{Epochs: 5, BatchSize: 32}).
func fitCall(callee, typed, src string, off int) string {
	at := strings.LastIndex(src[:off], typed+"(")
	if at < 0 {
		return callee + "(data, model.FitOptions{Epochs: 5})"
	}
	var pos, opts []string
	fields := map[string]string{"epochs": "Epochs", "batch_size": "BatchSize", "verbose": "Verbose"}
	for _, a := range splitArgs(src[at+len(typed)+1:]) {
		if m := kwArg.FindStringSubmatch(a); m != nil {
			if f, ok := fields[m[1]]; ok {
				opts = append(opts, f+": "+strings.TrimSpace(m[2]))
			}
			continue
		}
		pos = append(pos, strings.TrimSpace(a))
	}
	if len(pos) == 0 {
		pos = []string{"data.Train"}
	}
	return fmt.Sprintf("%s(%s, model.FitOptions{%s})", callee, strings.Join(pos, ", "), strings.Join(opts, ", "))
}

// splitArgs splits the arguments of a call whose text starts after its
// "(", up to the matching ")", at the top-level commas.
func splitArgs(text string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				return append(out, text[start:i])
			}
			depth--
		case ',':
			if depth == 0 {
				out = append(out, text[start:i])
				start = i + 1
			}
		case '\n':
			if depth == 0 {
				return append(out, text[start:i])
			}
		}
	}
	return append(out, text[start:])
}

var kwArg = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=([^=].*)$`)

var kwName = regexp.MustCompile(`(^|[(,]\s*)[A-Za-z_][A-Za-z0-9_]*\s*=([^=])`)

// methodValueOn returns the text of a method value (a method selected but
// not called) on the given line, or "".
func methodValueOn(f *ast.File, info *types.Info, line int, fset *token.FileSet) string {
	called := map[ast.Expr]bool{}
	found := ""
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			called[n.Fun] = true
		case *ast.SelectorExpr:
			if sel, ok := info.Selections[n]; ok && sel.Kind() == types.MethodVal && !called[n] && fset.Position(n.Pos()).Line == line && found == "" {
				found = types.ExprString(n)
			}
		}
		return true
	})
	return found
}

// signature is the type of the callee expression (a function, a method of a
// global, a package's function) as the check sees it, or "".
func (s *Session) signature(callee string) string {
	pkg := types.NewPackage("main", "main")
	for _, o := range s.chk.objs {
		pkg.Scope().Insert(o)
	}
	for n, path := range s.imports {
		if pkg.Scope().Lookup(n) != nil {
			continue
		}
		if p, err := s.chk.conv.Import(path); err == nil {
			pkg.Scope().Insert(types.NewPkgName(token.NoPos, pkg, n, p))
		}
	}
	tv, err := types.Eval(token.NewFileSet(), pkg, token.NoPos, callee)
	if err != nil || tv.Type == nil {
		return ""
	}
	if _, ok := tv.Type.Underlying().(*types.Signature); !ok {
		return ""
	}
	return typeString(tv.Type)
}

// importFor is the shipped package a cell most likely means by name used
// as "name.X" without importing it: the shortest import path whose package
// is called name (math/rand before math/rand/v2), or "" if none is.
func importFor(name string) string {
	best := ""
	consider := func(path string) {
		if path[strings.LastIndexByte(path, '/')+1:] == name && (best == "" || len(path) < len(best)) {
			best = path
		}
	}
	for k := range stdlib.Symbols {
		// Keys are "import/path/pkgname".
		if i := strings.LastIndexByte(k, '/'); i > 0 && k[i+1:] == name {
			consider(k[:i])
		}
	}
	for path := range sourcePackages {
		consider(path)
	}
	return best
}

// makersOf lists the exported functions of the package imported as
// pkgName whose one result is its type name (or a pointer to it if ptr),
// or "" if there are none or more than six.
func (s *Session) makersOf(pkg *types.Package, pkgName, name string, ptr bool) string {
	scope := s.pkgScope(pkg, pkgName)
	if scope == nil {
		return ""
	}
	tn, ok := scope.Lookup(name).(*types.TypeName)
	if !ok {
		return ""
	}
	var want types.Type = tn.Type()
	if ptr {
		want = types.NewPointer(want)
	}
	m := makers(scope, pkgName, func(t types.Type) bool { return types.Identical(t, want) })
	if len(m) > 6 {
		return "" // made by most of the package (*nn.Node): no help
	}
	return strings.Join(m, ", ")
}

// makers lists, as "pkg.F(...)", the exported functions of a package scope
// whose one result fits.
func makers(scope *types.Scope, pkgName string, fits func(types.Type) bool) []string {
	var out []string
	for _, n := range scope.Names() {
		fn, ok := scope.Lookup(n).(*types.Func)
		if !ok || !fn.Exported() {
			continue
		}
		if r := fn.Type().(*types.Signature).Results(); r.Len() == 1 && fits(r.At(0).Type()) {
			out = append(out, pkgName+"."+n+"(...)")
		}
	}
	return out
}
