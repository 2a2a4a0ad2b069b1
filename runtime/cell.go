package runtime

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"regexp"
	goruntime "runtime"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nnlab/nnlab/nn"
	"github.com/traefik/yaegi/interp"
)

// chunk is a run of items of one kind, compiled and executed as one yaegi
// program.
type chunk struct {
	decl    bool
	display bool // a lone bare expression whose value is displayed
	call    bool // ... which is a call
	items   []item
	src     string // final source handed to yaegi
	prog    *interp.Program
	newSyms map[string]*sym
	imports map[string]string
	assigns []string          // existing names a ':=' or 'var' was rewritten to assign
	funcs   map[string]string // source of the funcs it declares, for restoreFuncs
}

// plan is the analysed cell.
type plan struct {
	chunks   []*chunk
	warnings []string
	assigned []string // existing globals the cell assigns or redeclares
}

var (
	posInMsg  = regexp.MustCompile(`(?:_\.go:)?(\d{7,}):(\d+)`)
	isPrinter = map[string]bool{"Print": true, "Println": true, "Printf": true, "Fprint": true, "Fprintln": true, "Fprintf": true}
)

// run checks, analyses, compiles and executes the items of one cell (or
// script). A cell that fails the check never reaches the interpreter, so it
// changes nothing.
func (s *Session) run(ctx context.Context, items []item, fname string, display bool) (string, error) {
	if len(items) == 0 {
		return "", nil
	}
	ck, err := s.check(items, fname)
	if err != nil {
		if ce, ok := err.(*checkError); ok {
			err = &checkError{shortMsg(ce.msg)}
		}
		return "", err
	}
	if err := s.forkError(ck); err != nil {
		return "", err
	}
	if err := twiceError(ck); err != nil {
		return "", err
	}
	pl, err := s.analyse(items, fname, display, ck)
	if err != nil {
		return "", errors.New(s.rewriteMsg(err.Error(), fname))
	}
	// The check passed, so a compile error here is the interpreter's own
	// limit on valid Go. yaegi may have reset assigned variables while
	// compiling: put them back.
	snap := s.snapshot(pl.assigned)
	if err := s.compile(pl); err != nil {
		s.restore(snap)
		s.restoreFuncs(pl)
		return "", s.explain(err, pl, fname)
	}
	for _, w := range pl.warnings {
		fmt.Fprintln(s.stderr, w)
	}
	return s.exec(ctx, pl, fname, ck)
}

// longQuoted is a quoted string literal of more than 60 characters.
var longQuoted = regexp.MustCompile(`"(?:[^"\\\n]|\\.){60,}"`)

// shortMsg shortens what a compile error quotes of the cell: go/types
// repeats a literal or an expression whole, so a mistake in a line of
// 100,000 characters made a message as long.
func shortMsg(msg string) string {
	msg = longQuoted.ReplaceAllStringFunc(msg, func(q string) string {
		return q[:runeStart(q, 40)] + `…"`
	})
	const max, head, tail = 600, 350, 200
	if len(msg) > max {
		msg = msg[:runeStart(msg, head)] + " … " + msg[runeStart(msg, len(msg)-tail):]
	}
	return msg
}

// runeStart is i, or the start of the character that byte i of s is in.
func runeStart(s string, i int) int {
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// users lists the funcs and methods whose bodies refer to name.
func (s *Session) users(name string) []string {
	var out []string
	for n, y := range s.syms {
		if n != name && y.refs[name] {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// exec runs the compiled chunks in order and commits their declarations.
// When a chunk fails at run time, the globals of the statements before the
// failing line stay (as in IPython); later ones are not committed.
func (s *Session) exec(ctx context.Context, pl *plan, fname string, ck *checked) (string, error) {
	s.filter.take()
	s.ranTo()
	s.learnTypes(ck)
	s.learnMethods(ck)
	for _, c := range pl.chunks {
		s.hasShow, s.shown = false, nil
		err := s.execute(ctx, c.prog)
		if err != nil {
			if c.decl {
				// Its declarations are not kept (see below), but yaegi
				// made its funcs while compiling: the old ones go back.
				s.restoreChunkFuncs(c)
			}
			lines := s.filter.take()
			// Keep the globals of the statements that completed; in a
			// declaration chunk, none.
			upTo := cellPos{c.items[0].line, c.items[0].col}
			if ran := s.ranTo(); !c.decl && upTo.before(ran) {
				upTo = ran
			}
			s.chk.commit(ck, upTo)
			s.commitBefore(c, ck, upTo)
			s.keptTo = upTo
			if errors.Is(err, ErrInterrupted) {
				return "", err
			}
			it := failedItem(c, upTo)
			if it != nil && !stopped(err) {
				s.partial = partialStmt(it.src)
			}
			s.holdPanic(err, it)
			line := 0
			if it != nil {
				line = it.line
			}
			return "", s.panicError(err, lines, fname, line, it)
		}
		s.commit(c)
		if c.display && s.hasShow {
			s.chk.commit(ck, cellPos{})
			return s.display(s.shown, c.call), nil
		}
	}
	s.chk.commit(ck, cellPos{})
	return "", nil
}

func (s *Session) commit(c *chunk) {
	for n, y := range c.newSyms {
		s.syms[n] = y
	}
	for n, src := range c.funcs {
		s.chk.funcSrc[n] = src
	}
}

// restoreFuncs compiles again the earlier definitions of the funcs that the
// chunks of a failed cell redefined in the interpreter: the compiled ones,
// and the one that failed, as yaegi declares names while it compiles (g
// of a chunk that failed on a later func returned zero values). Compiling
// again a definition that a chunk did not reach changes nothing.
func (s *Session) restoreFuncs(pl *plan) {
	for _, c := range pl.chunks {
		if c.decl {
			s.restoreChunkFuncs(c)
		}
	}
}

// restoreChunkFuncs compiles again the earlier definitions of the funcs
// that the declaration chunk c redefined.
func (s *Session) restoreChunkFuncs(c *chunk) {
	for n := range c.funcs {
		old, ok := s.chk.funcSrc[n]
		if !ok {
			continue
		}
		prev := &chunk{decl: true, src: "package main\n" + old}
		if s.compileChunk(prev) == nil {
			s.in.Execute(prev.prog)
		}
	}
}

// commitBefore commits the symbols of the failed chunk c that the check
// saw declared before upTo.
func (s *Session) commitBefore(c *chunk, ck *checked, upTo cellPos) {
	for _, o := range ck.objs {
		if y := c.newSyms[o.name]; y != nil && o.at.before(upTo) {
			s.syms[o.name] = y
		}
	}
}

// stopped reports whether the run-time error err of a cell is an os.Exit
// or a Ctrl-C seen by compiled code: not a panic that a program would
// meet again in the same place.
func stopped(err error) bool {
	var ee ExitError
	if errors.As(err, &ee) {
		return true
	}
	var p interp.Panic
	if !errors.As(err, &p) {
		return true
	}
	if _, ok := p.Value.(ExitError); ok {
		return true
	}
	e, ok := p.Value.(error)
	return ok && (errors.As(e, &ee) || e == nn.ErrInterrupted)
}

// holdPanic keeps the panic of a cell that failed at run time for the
// cell's deferred calls to recover (see hookRecover). Leaving the session
// (os.Exit) and a Ctrl-C cannot be recovered.
func (s *Session) holdPanic(err error, it *item) {
	var p interp.Panic
	if !errors.As(err, &p) {
		return
	}
	var ee ExitError
	if e, ok := p.Value.(error); ok && (errors.As(e, &ee) || e == nn.ErrInterrupted) {
		return
	}
	if _, ok := p.Value.(ExitError); ok {
		return
	}
	p.Value = s.recoveredValue(p.Value, it)
	s.panicking = &p
}

// recoveredValue is the value that recover() gives the user's code for
// the panic value v that yaegi raised (in it, a top-level statement, or
// nil): yaegi panics with the reflect.Value of the value, which its
// recover hands on (a recovered "bad" failed r.(string), an error
// r.(error)), and raises Go's run-time errors from reflect, with reflect's
// words ("reflect: slice index out of range", not a runtime.Error). As
// since Go 1.21, panic(nil) is recovered as a *runtime.PanicNilError.
func (s *Session) recoveredValue(v any, it *item) any {
	if v == nil {
		return nil
	}
	v = panicValue(v)
	var ve *reflect.ValueError
	if str, ok := v.(string); ok && strings.HasPrefix(str, "reflect") || errors.As(asError(v), &ve) {
		if text := goPanicText(v, s.boundsMsg, it); strings.HasPrefix(text, "runtime error: ") {
			return runtimeError(text)
		}
	}
	if isInterpError(v) {
		if text := goPanicText(v, s.boundsMsg, it); strings.HasPrefix(text, "interface conversion: ") {
			return runtimeError(text) // Go's is a *runtime.TypeAssertionError
		}
	}
	return unwrapInterp(v)
}

// asError is v if it is an error, else nil.
func asError(v any) error {
	e, _ := v.(error)
	return e
}

// panicValue is the value a Go program's recover would return for the
// panic value v: yaegi panics with the reflect.Value of the argument.
func panicValue(v any) any {
	rv, ok := v.(reflect.Value)
	if !ok {
		return v
	}
	if rv.IsValid() && !rv.CanInterface() {
		return v
	}
	if !rv.IsValid() || rv.Interface() == nil {
		// As Go 1.21 does for panic(nil).
		return new(goruntime.PanicNilError)
	}
	return rv.Interface()
}

// panicError turns a runtime panic into one line naming the user's line.
//
// stmt, if not 0, is the line of the cell's top-level statement that
// failed: yaegi gives a panic in a chunk of several statements the
// chunk's first line. it, if not nil, is that statement, for the numbers
// of an index out of range (see boundsMsg).
func (s *Session) panicError(err error, lines []string, fname string, stmt int, it *item) error {
	var p interp.Panic
	var val any
	if errors.As(err, &p) {
		val = panicValue(p.Value)
		var ee ExitError
		if e, ok := p.Value.(error); ok && errors.As(e, &ee) {
			return ee
		}
		if ee, ok := p.Value.(ExitError); ok {
			return ee
		}
	} else {
		return errors.New(s.rewriteMsg(err.Error(), fname))
	}
	msg := "panic: " + goPanicText(val, s.boundsMsg, it)
	// yaegi hands over a value of the user's type without its methods.
	if text, ok := s.methodString(reflect.ValueOf(val)); ok {
		msg = "panic: " + text
	}
	if e, ok := val.(*nn.Error); ok {
		// nn's errors already say what and where; "panic" adds only alarm.
		msg = e.Error()
		if e == nn.ErrInterrupted {
			return ErrInterrupted
		}
	}
	if len(lines) == 0 {
		return errors.New(msg)
	}
	loc := func(l string) (string, string) {
		m := panicLine.FindStringSubmatch(l)
		fn := strings.TrimPrefix(m[4], "main.")
		return s.rewriteMsg(m[2]+":"+m[3], fname), fn
	}
	outer, _ := loc(lines[len(lines)-1])
	for i := len(lines) - 1; i >= 0; i-- { // the outermost frame of this cell
		if m := panicLine.FindStringSubmatch(lines[i]); m != nil && len(m[2]) >= 7 && atoi(m[2])/lineBase == lineSlot(s.cell) {
			var fn string
			outer, fn = loc(lines[i])
			if _, script := s.files[s.cell]; fn == "main" && stmt > 0 && !script {
				outer = fmt.Sprintf("line %d:1", stmt)
			}
			break
		}
	}
	inner, fn := loc(lines[0])
	if trimCol(inner) != trimCol(outer) && fn != "main" {
		if fn == userMain {
			fn = "main" // the user's own (see usermain.go), not the cell's
		}
		return fmt.Errorf("%s: %s (in %s, %s)", trimCol(outer), msg, fn, trimCol(inner))
	}
	return fmt.Errorf("%s: %s", trimCol(outer), msg)
}

// goPanicText is what Go would say of the panic value val that yaegi
// raised: reflect's messages become Go's run-time errors; bounds gives the
// numbers of an index out of range in statement it.
func goPanicText(val any, bounds func(*item) string, it *item) string {
	msg := fmt.Sprint(val)
	if isInterpError(val) {
		// yaegi's own run-time errors (a failed type assertion) start
		// with its encoded position, which the message names already.
		if m := interpPos.FindStringIndex(msg); m != nil {
			msg = msg[m[1]:]
		}
	}
	if msg == "reflect: Method on nil interface value" {
		// A method called on a nil interface value; Go says this.
		msg = "runtime error: invalid memory address or nil pointer dereference"
	}
	if v := fmt.Sprint(val); strings.HasPrefix(v, "reflect: call of reflect.Value.") && strings.HasSuffix(v, " on zero Value") {
		// yaegi dereferences a nil pointer through reflect; say it as Go.
		msg = "runtime error: invalid memory address or nil pointer dereference"
	}
	if v := fmt.Sprint(val); strings.HasPrefix(v, "reflect") && strings.HasSuffix(v, "call of nil function") {
		// yaegi calls a nil func value through reflect; Go says this.
		msg = "runtime error: invalid memory address or nil pointer dereference (a call of a nil func)"
	}
	if v := fmt.Sprint(val); strings.HasPrefix(v, "reflect: ") && strings.HasSuffix(v, "index out of range") {
		// yaegi indexes through reflect; say it as Go would.
		msg = "runtime error: index out of range"
		if b := bounds(it); b != "" {
			msg = "runtime error: " + b
		}
	}
	if v := fmt.Sprint(val); strings.HasPrefix(v, "reflect.Value.Slice") && strings.HasSuffix(v, "slice index out of bounds") {
		msg = "runtime error: slice bounds out of range"
		if b := bounds(it); b != "" {
			msg = "runtime error: " + b
		}
	}
	return msg
}

// interpPos is the position yaegi writes at the start of its run-time
// errors: line L of a cell as S*lineBase+L (see lineBase).
var interpPos = regexp.MustCompile(`^(?:\S*_\.go:)?\d{7,}:\d+: `)

// isInterpError reports whether v is one of yaegi's own errors, which
// yaegi panics with for a failed type assertion.
func isInterpError(v any) bool {
	_, ok := v.(error)
	return ok && reflect.TypeOf(v).String() == "*interp.cfgError"
}

// runtimeError is a run-time panic that yaegi raised through reflect, as a
// Go program's recover would see it.
type runtimeError string

func (e runtimeError) Error() string { return string(e) }

// RuntimeError marks e as a runtime.Error.
func (e runtimeError) RuntimeError() {}

// failedItem is the first top-level statement of statement chunk c that
// starts at or after upTo (where the completed statements end), or nil for
// a declaration chunk.
func failedItem(c *chunk, upTo cellPos) *item {
	if c.decl {
		return nil
	}
	for i, it := range c.items {
		if !(cellPos{it.line, it.col}).before(upTo) {
			return &c.items[i]
		}
	}
	return nil
}

func trimCol(s string) string {
	if i := strings.LastIndexByte(s, ':'); i > 0 && strings.HasPrefix(s, "line ") {
		return s[:i]
	}
	if i := strings.LastIndexByte(s, ':'); i > 0 && strings.HasPrefix(s, "cell ") {
		return s[:i]
	}
	return s
}

// lineBase separates cells in the line numbers that yaegi sees: line L of
// cell N is S*lineBase+L, where S is N's slot (see lineSlot). All cells
// share one file name, because yaegi scopes imports by file name.
const lineBase = 1000000

// lineSlots is how many cells line numbers tell apart: Go's scanner
// refuses a line number past 1<<30, which N*lineBase passed at cell 1074,
// and from then on every cell failed ("invalid line number"). So cells
// take slots in turn, and a position names the latest cell of its slot: a
// message about code from lineSlots or more cells back names a later cell.
const lineSlots = 1000

// lineSlot is the slot of cell n, 1 to lineSlots.
func lineSlot(n int) int { return ((n-1)%lineSlots+lineSlots)%lineSlots + 1 }

// slotCell is the latest cell, up to the running one, of slot slot.
func (s *Session) slotCell(slot int) int {
	return s.cell - ((lineSlot(s.cell)-slot)%lineSlots+lineSlots)%lineSlots
}

// rewriteMsg replaces yaegi's encoded "N*lineBase+L:C" positions by
// "line L:C" (this cell) or "cell N, line L:C" / "path:L:C" (earlier ones).
func (s *Session) rewriteMsg(msg, _ string) string {
	return posInMsg.ReplaceAllStringFunc(msg, func(m string) string {
		p := posInMsg.FindStringSubmatch(m)
		n, err := strconv.Atoi(p[1])
		if err != nil {
			return m
		}
		cell, line := s.slotCell(n/lineBase), n%lineBase
		if path, ok := s.files[cell]; ok {
			return fmt.Sprintf("%s:%d:%s", path, line, p[2])
		}
		if cell == s.cell {
			return fmt.Sprintf("line %d:%s", line, p[2])
		}
		return fmt.Sprintf("cell %d, line %d:%s", cell, line, p[2])
	})
}

// explain makes a compile error of the interpreter one clear line. The
// check passed, so the cell is valid Go that yaegi cannot compile.
func (s *Session) explain(err error, pl *plan, fname string) error {
	var p interp.Panic
	msg := err.Error()
	if errors.As(err, &p) {
		msg = fmt.Sprint(p.Value)
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if strings.Contains(msg, "nil type") {
		for _, c := range pl.chunks {
			if r := findRange(c); r != "" {
				return fmt.Errorf("%s: this interpreter cannot range over an integer or a function here; write a classic loop: for i := 0; i < n; i++ { ... }", s.rewriteMsg(r, fname))
			}
		}
	}
	if strings.Contains(msg, "CFG post-order panic") {
		if pos, name := s.labelClash(pl); name != "" {
			return fmt.Errorf("%s: the interpreter under nnlab cannot compile a label named like the variable %s: rename the label (%sLoop:, break %sLoop); nothing was changed",
				trimCol(s.rewriteMsg(pos, fname)), name, name, name)
		}
	}
	msg = strings.TrimPrefix(posInMsg.ReplaceAllString(msg, ""), ": ")
	return fmt.Errorf("this cell is valid Go, but the interpreter under nnlab cannot compile it (yaegi: %s); nothing was changed", msg)
}

// findRange returns the position of the first range statement in c.
func findRange(c *chunk) string {
	var pos string
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", c.src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return ""
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if r, ok := n.(*ast.RangeStmt); ok && pos == "" {
			p := fset.Position(r.Pos())
			pos = fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
		}
		return pos == ""
	})
	return pos
}

// snapshot copies the values of existing globals a cell is about to assign.
func (s *Session) snapshot(names []string) map[string]reflect.Value {
	snap := map[string]reflect.Value{}
	for _, n := range names {
		if y := s.syms[n]; y == nil || y.kind != symVar {
			continue
		}
		v, err := s.in.Eval(n)
		if err != nil || !v.IsValid() {
			continue
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		snap[n] = c
	}
	return snap
}

// restore puts snapshotted values back after a failed compile, which in
// yaegi can reset a redeclared variable.
func (s *Session) restore(snap map[string]reflect.Value) {
	for n, old := range snap {
		v, err := s.in.Eval(n)
		if err != nil || !v.IsValid() {
			continue
		}
		if v.CanSet() && v.Type() == old.Type() {
			v.Set(old)
		}
	}
}

// compile compiles every chunk before any runs, so that a compile error
// anywhere in the cell runs nothing.
func (s *Session) compile(pl *plan) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	for _, c := range pl.chunks {
		if err := s.compileChunk(c); err != nil {
			if c.display {
				// A void call cannot be an argument: run it as a statement.
				c.src = strings.Replace(c.src, "__nnlab_show(", "(", 1)
				c.display = false
				if err2 := s.compileChunk(c); err2 == nil {
					continue
				}
			}
			return err
		}
		for n, p := range c.imports {
			s.imports[n] = p
		}
	}
	return nil
}

func (s *Session) compileChunk(c *chunk) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	f, err := parser.ParseFile(s.in.FileSet(), interp.DefaultSourceName, c.src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return oneLine(err)
	}
	perIterationLoops(f)
	guardAST(f, c.decl)
	if y := s.syms["main"]; y != nil && y.kind == symFunc || c.decl && declaresMain(f) {
		renameMain(f, c.decl)
	}
	var node ast.Node = f
	if !c.decl {
		node = f.Decls[0].(*ast.FuncDecl).Body
	}
	c.prog, err = s.in.CompileAST(node)
	return err
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
