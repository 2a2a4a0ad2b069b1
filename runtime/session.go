// Package runtime runs nnlab notebook cells on the yaegi interpreter.
//
// A Session owns one interpreter. Every cell goes through a runner that
// papers over yaegi v0.16.1's traps (see /work/shared/YAEGI.md): cells may
// mix declarations and statements, repeated imports are dropped, `x := v` on
// an existing global assigns it instead of forking it, a cell that fails to
// compile leaves every value as it was, redefinitions that yaegi would
// silently ignore are reported, unsupported Go 1.22+ forms (range over int,
// min, max, clear) are rewritten, panics in goroutines are recovered, a
// top-level defer runs once at the end of its cell (and its recover
// recovers the cell's panic), and a cancelled cell
// either stops or, blocked in a compiled call, is left behind so that the
// next cell runs at once (see Session.execute).
//
// Known limit: unbounded recursion overflows the Go stack, which is fatal to
// the process and cannot be recovered.
package runtime

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nnlab/nnlab/internal/infile"
	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/plot"
	"github.com/nnlab/nnlab/stdlib"
	"github.com/traefik/yaegi/interp"
)

// Options configures a Session.
type Options struct {
	Stdin          io.Reader // what the user's program reads; nil means os.Stdin (see SetStdin)
	Stdout, Stderr io.Writer // where the user's program writes; nil means os.Stdout / os.Stderr
	Args           []string  // os.Args as the interpreted program sees it (for scripts)
	// Terminal says that Stdout ends on a terminal even though it is not an
	// *os.File (the REPL's screen writer): displayed values may then use
	// colour, Unicode and inline images (see package plot). An *os.File
	// Stdout is checked by itself. Without a terminal, displays are plain
	// ASCII with no escape sequences.
	Terminal bool
	// Display, when set, receives what display(v...) shows while a cell
	// runs, instead of Stdout: the value (a []any for several) and its
	// text, so that a front end such as a notebook can show it richly.
	Display func(v any, text string)
}

// ExitError is returned (wrapped) by Eval and RunFile when user code calls
// os.Exit. Code is the exit status the user asked for.
type ExitError = stdlib.ExitError

// ErrInterrupted is returned by Eval when its context was cancelled.
var ErrInterrupted = errors.New("interrupted")

// nnInterrupt and nnClearInterrupt raise and lower package nn's interrupt
// flag, which stops long compiled work.
func nnInterrupt()      { nn.Interrupt() }
func nnClearInterrupt() { nn.ClearInterrupt() }

// stopGrace is how long Eval waits, after a cancel, for a cell stopped in
// nn's work to stop before returning; the next cell waits for it anyway.
const stopGrace = 2 * time.Second

// abandonGrace is how long execute waits, after a cancel, for the cell to
// stop before it leaves the cell's goroutine behind.
const abandonGrace = 300 * time.Millisecond

const (
	nnPath    = "github.com/nnlab/nnlab/nn"
	mnistPath = "github.com/nnlab/nnlab/nn/mnist"
	rtPath    = "nnlab.internal/rt"
	rtName    = "__nnlab_rt"
	hidden    = "__nnlab"
)

type symKind int

const (
	symVar symKind = iota
	symConst
	symFunc
	symType
	symMethod
)

// sym records one user-declared global.
type sym struct {
	kind symKind
	src  string          // normalised source of a func, type or method
	refs map[string]bool // names used inside its function bodies
}

// Session is one interpreter with its user state. Its methods are safe for
// concurrent use; cells run one at a time.
type Session struct {
	opts  Options
	guard *guard // run-time checks on interpreted code (depth.go)
	// errWrappers are the wrapper types yaegi tries, in order, for an
	// error of the user's handed to compiled code (see joinedUnwrap).
	errWrappers []reflect.Type
	// blockedAfter is how long a cell waits with all the user's goroutines
	// blocked before the session says so (blocked.go).
	blockedAfter time.Duration
	in           *interp.Interpreter
	filter       *panicFilter
	stderr       io.Writer
	mu           sync.Mutex
	cell         int
	tmp          int
	syms         map[string]*sym
	imports      map[string]string // local name -> import path
	waiting      uint64            // id of a runner goroutine whose execution, stopped in nn's work, may still run
	runs         runCounter        // yaegi's run counter, put back after a stop (runid.go)
	waitingBase  uint64            // the counter to put back once waiting's execution has ended
	stop         stopSignal        // closed while a stopped cell winds down (runid.go)
	left         map[uint64]bool   // goroutines of cells left behind, blocked in compiled calls (guarded by whereMu)
	shown        []any
	strs         []string // beside shown: String of values of interpreted types
	hasShow      bool
	mainN        int
	files        map[int]string // cell number -> script path, for messages
	// whereMu guards cell, files and ended for goroutines of user code
	// that report a panic (hookGoPanic) while a later cell runs.
	whereMu sync.Mutex
	// ended says that cell has ended: a goroutine's panic then names it.
	ended bool
	term  bool // Stdout is a terminal (see Options.Terminal)

	chk *checker // go/types view of the globals (check.go), made on first use
	// keptTo is where the statements end whose effects a failed cell kept
	// (see Completed).
	keptTo cellPos
	kept   string
	// partial is the top-level statement of the failed cell that panicked
	// after it had done part of its work (a loop, a call), when what it
	// did can be done again (see partialStmt); "" when none.
	partial string
	stdin   *stdin
	// defers are the running cell's top-level deferred calls; deferProg
	// runs them.
	defers    []func()
	deferProg *interp.Program
	// panicking holds the panic that ended the running cell until its
	// deferred calls recover it (hookRecover); recovered says one did.
	panicking *interp.Panic
	recovered bool
	deferring string // see hookDeferring

	// goTypes are the struct types the user declared, for fixFormat
	// (fmtvalues.go), replaced whole when a cell declares more.
	goTypes atomic.Pointer[map[reflect.Type]*userType]
	// methodFns call the Error or String methods of the user's struct
	// types, for fmt (fmtmethods.go).
	methodFns atomic.Pointer[map[methodKey]reflect.Value]

	// newVars are the new variables of the last cell (see NewVars).
	newVars []NewVar
}

// stdin is the interpreter's standard input: a reader that SetStdin can
// replace after the interpreter was made.
type stdin struct {
	mu sync.Mutex
	r  io.Reader
	// ctx is the running cell's, and stopped is closed once the
	// interpreter has stopped running it (see Read).
	ctx     context.Context
	stopped chan struct{}
}

func (in *stdin) Read(p []byte) (int, error) {
	in.mu.Lock()
	r := in.r
	in.mu.Unlock()
	if r == nil {
		r = os.Stdin
	}
	n, err := r.Read(p)
	if err != nil {
		in.mu.Lock()
		ctx, stopped := in.ctx, in.stopped
		in.mu.Unlock()
		if ctx != nil && ctx.Err() != nil {
			// A Ctrl-C ended the read: the cell would go on with its next
			// statement before the interpreter noticed the stop. Once the
			// interpreter has stopped, the cell ends where it is.
			select {
			case <-stopped:
			case <-time.After(stopGrace):
			}
		}
	}
	return n, err
}

// running tells Read the context of the cell that runs now.
func (in *stdin) running(ctx context.Context, stopped chan struct{}) {
	in.mu.Lock()
	in.ctx, in.stopped = ctx, stopped
	in.mu.Unlock()
}

// SetStdin makes r what the user's program reads as standard input
// (fmt.Scan, os.Stdin) from now on. The REPL uses it to hand a cell only the
// lines read for it while it runs.
func (s *Session) SetStdin(r io.Reader) {
	s.stdin.mu.Lock()
	s.stdin.r = r
	s.stdin.mu.Unlock()
}

// New returns a session whose interpreter knows stdlib.Symbols and has
// already imported fmt, nn and mnist.
func New(opts Options) (*Session, error) {
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	s := &Session{opts: opts, files: map[int]string{}, syms: map[string]*sym{}, imports: map[string]string{}, stderr: opts.Stderr, blockedAfter: blockedAfter}
	s.filter = &panicFilter{w: opts.Stderr}
	s.stdin = &stdin{r: opts.Stdin}
	s.term = opts.Terminal || plot.IsTerminal(opts.Stdout)
	_, outFile := opts.Stdout.(*os.File)
	_, errFile := opts.Stderr.(*os.File)
	args := opts.Args
	if args == nil {
		args = []string{"nnlab"}
	}
	// yaegi reads this switch from the environment only: it lets os.Stdout
	// and os.Stderr be the session's writers when they are not files.
	newMu.Lock()
	old, had := os.LookupEnv("YAEGI_SPECIAL_STDIO")
	os.Setenv("YAEGI_SPECIAL_STDIO", strconv.FormatBool(!outFile || !errFile))
	s.in = interp.New(interp.Options{Stdin: s.stdin, Stdout: opts.Stdout, Stderr: s.filter, Args: args, Env: os.Environ()})
	// yaegi's wrapper of error, for FmtSymbols. Symbols("") is taken
	// while no source is compiled: it makes wrappers of every source
	// function, and fails on generic ones.
	errorWrapper := s.in.Symbols("")[""]["_error"]
	if had {
		os.Setenv("YAEGI_SPECIAL_STDIO", old)
	} else {
		os.Unsetenv("YAEGI_SPECIAL_STDIO")
	}
	newMu.Unlock()
	if err := s.in.Use(stdlib.Symbols); err != nil {
		return nil, err
	}
	s.runs = newRunCounter(s.in)
	if err := s.in.Use(interp.Exports{"time/time": {"Sleep": reflect.ValueOf(s.sleep)}}); err != nil {
		return nil, err
	}
	if err := s.in.Use(interp.Exports{"flag/flag": stdlib.FlagSymbols(args, opts.Stderr)}); err != nil {
		return nil, err
	}
	stdout := opts.Stdout
	if stdout == nil {
		stdout = os.Stdout
	}
	fmtSyms, fmtTypes := stdlib.FmtSymbols(stdout, s.fixFormat, s.fixArgs, errorWrapper)
	if errorWrapper.IsValid() {
		s.errWrappers = fmtTypes[errorWrapper] // shared with yaegi: see joinedUnwrap
	}
	// "fmt/./fmt" is package fmt too; yaegi re-runs its stdlib set-up
	// (its own Print functions, the generic sources) only for "fmt/fmt".
	if err := s.in.Use(interp.Exports{"fmt/./fmt": fmtSyms, ".": {"MapTypes": reflect.ValueOf(fmtTypes)}}); err != nil {
		return nil, err
	}
	if err := s.in.Use(interp.Exports{rtPath + "/rt": {
		"Show":      reflect.ValueOf(s.hookShow),
		"ShowElems": reflect.ValueOf(s.hookShowElems),
		"Display":   reflect.ValueOf(s.hookDisplay),
		"Interp":    reflect.ValueOf(interpreted),
		"Live":      reflect.ValueOf(s.hookLive),
		"Defer":     reflect.ValueOf(s.hookDefer),
		"Defers":    reflect.ValueOf(s.takeDefers),
		"Recover":   reflect.ValueOf(s.hookRecover),
		"RecoverIn": reflect.ValueOf(s.hookRecoverIn),
		"Deferring": reflect.ValueOf(s.hookDeferring),
		"GoPanic":   reflect.ValueOf(s.hookGoPanic),
		"Clear":     reflect.ValueOf(clearValue),
		"Ran":       reflect.ValueOf(s.hookRan),
		"Recovered": reflect.ValueOf(s.hookRecovered),
		"Unwrapped": reflect.ValueOf(unwrapped),
		"KeepError": reflect.ValueOf(stdlib.KeepError),
		"Keep":      reflect.ValueOf(stdlib.Keep),
		"SameError": reflect.ValueOf(sameError),
	}}); err != nil {
		return nil, err
	}
	if err := s.in.Use(s.guardExports()); err != nil {
		return nil, err
	}
	for _, src := range stdlib.GenericSources {
		if _, err := s.in.Compile(guardSource(src)); err != nil {
			return nil, fmt.Errorf("runtime: compiling the generic packages: %w", err)
		}
	}
	for _, src := range []string{
		`import ("fmt"; "` + nnPath + `"; "` + mnistPath + `"; ` + rtName + ` "` + rtPath + `")`,
		prelude,
	} {
		if _, err := s.in.Eval(src); err != nil {
			return nil, fmt.Errorf("runtime: preparing the interpreter: %w", err)
		}
	}
	s.imports["fmt"] = "fmt"
	s.imports["nn"] = nnPath
	s.imports["mnist"] = mnistPath
	return s, nil
}

var newMu sync.Mutex

// prelude is interpreted source compiled into every session: the helpers
// that rewritten cells call. Generic helpers cannot be extracted (#1601),
// so they live here as source.
const prelude = `
var ` + ansName + ` any

func __nnlab_show(v ...any) { ` + rtName + `.Show(v, __nnlab_strings(v)) }

// __nnlab_show1 shows one value that yaegi would spread as __nnlab_show's
// arguments (a []any).
func __nnlab_show1(x any) {
	if xs, ok := x.([]any); ok {
		// Its elements' methods are seen from here only.
		texts := make([]string, len(xs))
		for i, e := range xs {
			if i < 1000 && ` + rtName + `.Interp(e) {
				texts[i] = __nnlab_string(e, true)
			}
		}
		` + rtName + `.ShowElems(xs, texts)
		return
	}
	v := []any{x}
	` + rtName + `.Show(v, __nnlab_strings(v))
}

// display shows its arguments as a bare expression would, at once.
func display(v ...any) { ` + rtName + `.Display(v, __nnlab_strings(v)) }

// __nnlab_strings calls the String (or Error) method of values of
// interpreted types: compiled code cannot (see display.go).
func __nnlab_strings(v []any) []string {
	var out []string
	for i, x := range v {
		if !` + rtName + `.Interp(x) {
			continue
		}
		if out == nil {
			out = make([]string, len(v))
		}
		out[i] = __nnlab_string(x, false)
	}
	return out
}

// __nnlab_string is what x's String or Error method says: for a value
// shown alone, String first and an error marked as one; for an element
// (elem), as fmt prints it (Error first, unmarked). "" if it has neither.
func __nnlab_string(x any, elem bool) (s string) {
	method := ""
	defer func() {
		// A panic of the user's method is shown as fmt shows it. The
		// interpreter fails on some values, with reflect's panics: then
		// the value is shown by its fields.
		r := recover()
		if msg := fmt.Sprint(r); r != nil && method != "" && !(len(msg) >= 7 && msg[:7] == "reflect") {
			s = "%!v(PANIC=" + method + " method: " + msg + ")"
		}
	}()
	if e, ok := x.(error); ok && elem {
		method = "Error"
		return e.Error()
	}
	if st, ok := x.(fmt.Stringer); ok {
		method = "String"
		return st.String()
	}
	if e, ok := x.(error); ok {
		method = "Error"
		return "error: " + e.Error()
	}
	return ""
}

func __nnlab_live() { ` + rtName + `.Live() }

func __nnlab_defer(f func()) { ` + rtName + `.Defer(f) }

// __nnlab_recover stands for recover() in a top-level deferred func (see
// recoverCalls in rewrite.go).
func __nnlab_recover() any { return ` + rtName + `.Recover() }

// __nnlab_recoverin stands for recover() in the body of a func or method
// (see recoverIn in rewrite_decl.go): r is yaegi's own recover.
func __nnlab_recoverin(name string, r any) any {
	if r != nil {
		return ` + rtName + `.Recovered(r)
	}
	return ` + rtName + `.RecoverIn(name)
}

func __nnlab_rundefers() {
	fs := ` + rtName + `.Defers()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

func __nnlab_go(cell, line int, f func()) {
	defer func() {
		if r := recover(); r != nil {
			` + rtName + `.GoPanic(cell, line, r)
		}
	}()
	f()
}

// The type parameters have the hidden prefix: yaegi declares a generic
// func's type parameters in the package scope, where a plain T would
// clash with a user's type T.
// __nnlab_range gives a range-over-integer loop its counter's start and
// bound in the integer's own type (see walk in rewrite.go).
func __nnlab_range[__nnlab_T int | int8 | int16 | int32 | int64 | uint | uint8 | uint16 | uint32 | uint64 | uintptr](n __nnlab_T) (__nnlab_T, __nnlab_T) {
	return 0, n
}

func __nnlab_min[__nnlab_T int | int8 | int16 | int32 | int64 | uint | uint8 | uint16 | uint32 | uint64 | uintptr | float32 | float64 | string](a __nnlab_T, b ...__nnlab_T) __nnlab_T {
	for _, x := range b {
		if x < a {
			a = x
		}
	}
	return a
}

func __nnlab_max[__nnlab_T int | int8 | int16 | int32 | int64 | uint | uint8 | uint16 | uint32 | uint64 | uintptr | float32 | float64 | string](a __nnlab_T, b ...__nnlab_T) __nnlab_T {
	for _, x := range b {
		if x > a {
			a = x
		}
	}
	return a
}
`

func (s *Session) hookShow(v []any, strs []string) {
	s.hookLive() // a cell left behind shows nothing
	s.shown = append([]any(nil), v...)
	s.strs = strs
	s.hasShow = true
}

// hookShowElems shows xs, a []any, as fmt prints it, with texts[i] (if
// not "") for element i: what its String or Error method says.
func (s *Session) hookShowElems(xs []any, texts []string) {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range xs {
		if i > 0 {
			b.WriteByte(' ')
		}
		if b.Len() > maxDisplay {
			b.WriteString("...")
			break
		}
		if i < len(texts) && texts[i] != "" {
			b.WriteString(texts[i])
			continue
		}
		b.WriteString(fmt.Sprint(s.fixArgs([]any{unwrapInterp(e)})...))
	}
	b.WriteByte(']')
	s.hookShow([]any{xs}, []string{b.String()})
}

func (s *Session) hookGoPanic(cell, line int, r any) {
	// Said as a cell's panic is (see panicError).
	r = panicValue(r)
	msg := goPanicText(r, func(*item) string { return "" }, nil)
	if text, ok := s.methodString(reflect.ValueOf(r)); ok {
		msg = text
	}
	fmt.Fprintf(s.stderr, "panic in a goroutine (go statement at %s): %s\n", s.where(cell, line), msg)
}

// hookDefer records a top-level deferred call of the running cell.
func (s *Session) hookDefer(f func()) {
	if !s.isLeftBehind() {
		s.defers = append(s.defers, f)
	}
}

// hookRecover is recover() for a top-level deferred call: it returns the
// panic that ended the cell, once.
func (s *Session) hookRecover() any {
	p := s.panicking
	if p == nil || s.isLeftBehind() {
		return nil
	}
	s.panicking, s.recovered = nil, true
	return p.Value // see holdPanic
}

// unwrapped is x without the wrappers through which yaegi hands compiled
// code a value of an interpreted type kept in an interface: nnlab's own
// (see stdlib.Wrapped) and yaegi's (interp._error, the generated
// _fmt_Stringer and others), structs whose first field, IValue, holds
// the value.
func unwrapped(x any) any {
	for {
		if inner, ok := stdlib.Wrapped(x); ok {
			x = inner
			continue
		}
		v := reflect.ValueOf(x)
		if v.Kind() != reflect.Struct || v.NumField() == 0 || !strings.HasPrefix(v.Type().Name(), "_") {
			return x
		}
		if f := v.Type().Field(0); f.Name != "IValue" || f.Type.Kind() != reflect.Interface {
			return x
		}
		x = v.Field(0).Interface()
	}
}

// joinedUnwrap is called when a cell declares a method Unwrap() []error:
// yaegi picks the wrapper of an error for compiled code by its methods'
// names alone, and would give such a value the one for Unwrap() error
// (which panics), so from then on the session's errors get the plain
// wrapper, and errors.Is no longer follows an Unwrap of theirs. The list
// is the one yaegi reads (the slice shares its array).
func (s *Session) joinedUnwrap() {
	if n := len(s.errWrappers); n > 1 {
		s.errWrappers[0] = s.errWrappers[n-1]
	}
}

// sameError is a == b for two errors, the rewrite of such a comparison
// (see checked.errorCompares): yaegi hands compiled code an interpreted
// error in a wrapper that holds funcs, so comparing one that came back
// from compiled code (errors.Unwrap(w) == err) panicked with "comparing
// uncomparable type", and compared wrappers, not the errors in them.
func sameError(a, b error) bool {
	x, y := unwrapped(a), unwrapped(b)
	if x == nil || y == nil {
		return x == nil && y == nil
	}
	if t := reflect.TypeOf(x); t != reflect.TypeOf(y) {
		return false
	} else if !t.Comparable() {
		panic(fmt.Sprintf("runtime error: comparing uncomparable type %s", t))
	}
	return x == y
}

// hookRecovered is the value of a recover() in the user's code other than
// hookRecover's (see recoverCall).
func (s *Session) hookRecovered(v any) any { return s.recoveredValue(v, nil) }

// hookDeferring notes which func or method the running top-level deferred
// call calls ("" once it returned), for hookRecoverIn.
func (s *Session) hookDeferring(name string) { s.deferring = name }

// hookRecoverIn is recover() in the body of the func or method name: it
// recovers the cell's panic if a top-level deferred call calls name.
func (s *Session) hookRecoverIn(name string) any {
	if s.deferring != name || name == "" {
		return nil
	}
	return s.hookRecover()
}

// takeDefers hands the recorded deferred calls to __nnlab_rundefers.
func (s *Session) takeDefers() []func() {
	fs := s.defers
	s.defers = nil
	return fs
}

// runDefers runs the cell's top-level deferred calls, last first, once the
// cell has ended (also when it failed at run time, as Go runs them after a
// panic). After a Ctrl-C they are dropped. recovered says that one of them
// recovered the cell's panic, which then is no error, as in Go.
func (s *Session) runDefers(ctx context.Context, fname string) (recovered bool, err error) {
	defer func() { s.panicking, s.recovered = nil, false }()
	if len(s.defers) == 0 {
		return false, nil
	}
	if ctx.Err() != nil {
		s.defers = nil
		return false, nil
	}
	if s.deferProg == nil {
		f, err := parser.ParseFile(s.in.FileSet(), "", "package main\nfunc main() {\n__nnlab_rundefers()\n}\n", parser.SkipObjectResolution)
		if err != nil {
			return false, err
		}
		if s.deferProg, err = s.in.CompileAST(f.Decls[0].(*ast.FuncDecl).Body); err != nil {
			return false, err
		}
	}
	s.filter.take()
	err = s.execute(ctx, s.deferProg)
	s.defers = nil
	if err != nil && !errors.Is(err, ErrInterrupted) {
		return s.recovered, s.panicError(err, s.filter.take(), fname, 0, nil)
	}
	return s.recovered, err
}

// nextCell numbers a new cell, read from the script path if not "".
func (s *Session) nextCell(path string) {
	s.whereMu.Lock()
	defer s.whereMu.Unlock()
	s.cell++
	s.ended = false
	if path != "" {
		s.files[s.cell] = path
	}
}

// endCell notes that the current cell has ended.
func (s *Session) endCell() {
	s.whereMu.Lock()
	s.ended = true
	s.whereMu.Unlock()
}

// where names a line of a cell for messages.
func (s *Session) where(cell, line int) string {
	s.whereMu.Lock()
	defer s.whereMu.Unlock()
	if path, ok := s.files[cell]; ok {
		return fmt.Sprintf("%s:%d", path, line)
	}
	if cell == s.cell && !s.ended || cell == 0 {
		return "line " + strconv.Itoa(line)
	}
	return fmt.Sprintf("cell %d, line %d", cell, line)
}

// clearValue implements the builtin clear for maps and slices.
func clearValue(x any) {
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		v.Clear()
	default:
		panic(fmt.Sprintf("clear: argument must be a map or a slice, not %T", x))
	}
}

// panicFilter passes the user's stderr through, but keeps the "L:C: panic:
// f(...)" trace lines yaegi prints while a panic unwinds; the first of them
// (the innermost frame) names the user's line in the error.
type panicFilter struct {
	mu    sync.Mutex
	w     io.Writer
	lines []string
}

var panicLine = regexp.MustCompile(`^(.*?):?(\d+):(\d+): panic: (.*)\(\.\.\.\)\n?$`)

func (f *panicFilter) Write(p []byte) (int, error) {
	if m := panicLine.FindStringSubmatch(string(p)); m != nil {
		f.mu.Lock()
		f.lines = append(f.lines, string(p))
		f.mu.Unlock()
		return len(p), nil
	}
	return f.w.Write(p)
}

func (f *panicFilter) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.lines
	f.lines = nil
	return l
}

// Close ends the session for a new one (the REPL's :reset): nn's default
// graph, on which the session's cells built their nodes, starts afresh, so
// that the new session's names get no "_1" suffixes and its variables
// initialiser knows only its own variables. The session must not be used
// afterwards.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	nn.ResetDefaultGraph()
	return nil
}

// Names returns the user-defined globals (variables, constants, funcs and
// types), sorted.
func (s *Session) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for n, y := range s.syms {
		if y.kind != symMethod && !strings.HasPrefix(n, hidden) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Eval runs one cell. out is the display of the cell's value when the cell
// ends with a bare expression ("" for statements, declarations and void
// calls, and when the expression is followed by ';'); the value is kept in
// the global ans (see display.go). err is one line: a compile error with the user's line:col, a
// runtime panic naming the user's line, or ErrInterrupted when ctx was
// cancelled; in every case the session's state is kept.
func (s *Session) Eval(ctx context.Context, src string) (out string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.waitAbandoned(ctx, 0); err != nil {
		return "", err
	}
	s.nextCell("")
	defer s.endCell()
	fname := fmt.Sprintf("cell%d", s.cell)
	s.keptTo, s.kept, s.partial = cellPos{}, "", ""
	if s.chk != nil {
		s.chk.forked = nil // set again when the cell commits
	}
	items := splitCell(src)
	if len(items) == 0 {
		if err := scanError(src); err != nil {
			return "", err
		}
	}
	out, err = s.run(ctx, items, fname, true)
	s.newVars = s.newVarsOf(src)
	if err != nil {
		s.kept = srcBefore(src, s.keptTo)
		if s.partial != "" {
			s.kept = strings.TrimPrefix(s.kept+"\n"+recoveredStmt(s.partial), "\n")
		}
	}
	if ee := (ExitError{}); errors.As(err, &ee) {
		s.defers = nil // os.Exit does not run deferred calls
		// A bare "os.Exit(2)" reads as if the session had ended.
		err = fmt.Errorf("%w stopped this cell; the session goes on with every value (a cell does not end it)", err)
	}
	if recovered, derr := s.runDefers(ctx, fname); err == nil || recovered {
		// A recovered cell keeps its kept statements for Completed.
		err = derr
	}
	if hidesOutput(src) {
		out = ""
	}
	return out, err
}

// Completed returns the source of the statements that ran in the last
// cell given to Eval before it failed at run time or was interrupted: the
// effects that the session kept from it. It is "" when the cell succeeded
// or kept nothing. A cell whose panic a top-level deferred call recovered
// succeeded, but only its statements before the panic ran: Completed
// returns those. The statement that panicked is among them, with its
// panic recovered, when it did work before the panic that a program can
// do again (a loop that panics partway): so a saved session computes
// the values the session kept.
func (s *Session) Completed() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kept
}

// recoveredStmt is the statement src that panicked in the session, run
// so that the panic is recovered and what src did before it stays.
func recoveredStmt(src string) string {
	return "func() { // this statement panicked in the session, which kept what it did before the panic\n" +
		"defer func() { _ = recover() }()\n" + src + "\n}()"
}

// partialStmt returns the top-level statement src, which panicked, as a
// statement that does again what src did before its panic, or "" when
// that is nothing. A declaration becomes an assignment of its values to
// _: the session kept no variable of it, but what its calls did before
// the panic (z := f() where f sets a global), and a func literal would
// hide its names. A bare panic call does nothing first.
func partialStmt(src string) string {
	fset, st := oneStmt(src)
	blanks := func(vals []ast.Expr) string {
		if len(vals) == 0 || !callsIn(vals) {
			return "" // nothing done before the panic: w := q[9]
		}
		n := len(vals)
		if n == 1 && len(lhsOf(st)) > 1 {
			n = len(lhsOf(st)) // x, y := f()
		}
		from, to := stmtOffset(fset, vals[0].Pos()), stmtOffset(fset, vals[len(vals)-1].End())
		return strings.Repeat("_, ", n-1) + "_ = " + src[from:to]
	}
	switch st := st.(type) {
	case nil, *ast.LabeledStmt, *ast.DeferStmt, *ast.ReturnStmt, *ast.BranchStmt:
		return ""
	case *ast.DeclStmt:
		gd, ok := st.Decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR || len(gd.Specs) != 1 || gd.Lparen.IsValid() {
			return ""
		}
		return blanks(gd.Specs[0].(*ast.ValueSpec).Values)
	case *ast.AssignStmt:
		if st.Tok == token.DEFINE {
			return blanks(st.Rhs)
		}
	case *ast.ExprStmt:
		if c, ok := st.X.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "panic" {
				return ""
			}
		}
	}
	return src
}

// callsIn reports whether the expressions call a function or receive:
// what may have effects before a panic.
func callsIn(xs []ast.Expr) bool {
	found := false
	for _, x := range xs {
		ast.Inspect(x, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				found = true
			case *ast.UnaryExpr:
				found = found || n.Op == token.ARROW
			}
			return !found
		})
	}
	return found
}

// lhsOf is the names a declaration statement declares.
func lhsOf(st ast.Stmt) []ast.Expr {
	switch st := st.(type) {
	case *ast.AssignStmt:
		return st.Lhs
	case *ast.DeclStmt:
		if gd, ok := st.Decl.(*ast.GenDecl); ok && len(gd.Specs) == 1 {
			var out []ast.Expr
			for _, n := range gd.Specs[0].(*ast.ValueSpec).Names {
				out = append(out, n)
			}
			return out
		}
	}
	return nil
}

// srcBefore returns the top-level items of src that end at or before p
// (1-based line and byte column), one a line.
func srcBefore(src string, p cellPos) string {
	var kept []string
	for _, it := range splitCell(src) {
		end := cellPos{it.line, it.col + len(it.src)}
		if i := strings.LastIndexByte(it.src, '\n'); i >= 0 {
			end = cellPos{it.line + strings.Count(it.src, "\n"), len(it.src) - i}
		}
		if p.before(end) {
			break
		}
		kept = append(kept, it.src)
	}
	return strings.Join(kept, "\n")
}

// RunFile runs a script: a `package main` file with imports, declarations
// and func main. main runs once; the other top-level declarations stay
// usable by later cells. os.Exit(0) ends the script without error.
func (s *Session) RunFile(ctx context.Context, path string) error {
	b, err := infile.ReadFile(path, infile.MaxSource)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.waitAbandoned(ctx, 0); err != nil {
		return err
	}
	s.nextCell(path)
	defer s.endCell()
	s.newVars = nil // NewVars is about cells given to Eval
	src := string(b)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return oneLine(err)
	}
	if f.Name.Name != "main" {
		return fmt.Errorf("%s: package %s: a script must be package main", path, f.Name.Name)
	}
	s.mainN++
	mainName := fmt.Sprintf("__nnlab_main%d", s.mainN)
	hasMain := false
	var items []item
	for _, d := range f.Decls {
		start, end := fset.Position(d.Pos()), fset.Position(d.End())
		text := src[start.Offset:end.Offset]
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			hasMain = true
			o := fset.Position(fd.Name.Pos()).Offset - start.Offset
			text = text[:o] + mainName + text[o+len("main"):]
		}
		items = append(items, item{decl: true, src: text, line: start.Line, col: start.Column})
	}
	if hasMain {
		items = append(items, item{src: mainName + "()", line: 1, col: 1})
	}
	_, err = s.run(ctx, items, path, false)
	var ee ExitError
	if errors.As(err, &ee) && ee.Code == 0 {
		return nil
	}
	return err
}

// oneLine flattens an error list into its first line.
func oneLine(err error) error {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return errors.New(msg)
}

// goid returns the current goroutine's id.
func goid() uint64 {
	var b [64]byte
	n := goruntimeStack(b[:], false)
	f := strings.Fields(string(b[:n]))
	if len(f) < 2 {
		return 0
	}
	id, _ := strconv.ParseUint(f[1], 10, 64)
	return id
}

// execution finds the goroutine that yaegi's ExecuteWithContext started
// from runner goroutine id, and returns its id and stack; ok is false once
// it has ended.
func execution(runner uint64) (id uint64, stack string, ok bool) {
	marker := executionMarker(runner)
	for _, g := range allStacks() {
		if !strings.Contains(g+"\n", marker) {
			continue
		}
		f := strings.Fields(g)
		if len(f) < 2 {
			return 0, "", false
		}
		id, _ = strconv.ParseUint(f[1], 10, 64)
		return id, g, true
	}
	return 0, "", false
}

// executing reports whether the execution started from runner goroutine id
// is still alive.
func executing(id uint64) bool {
	_, _, ok := execution(id)
	return ok
}

// frames lists the function names of a goroutine's stack, innermost first.
func frames(stack string) []string {
	var out []string
	for _, l := range strings.Split(stack, "\n")[1:] {
		if l == "" || l[0] == '\t' || strings.HasPrefix(l, "created by ") {
			continue
		}
		if i := strings.LastIndexByte(l, '('); i > 0 && strings.HasSuffix(l, ")") {
			l = l[:i]
		}
		out = append(out, l)
	}
	return out
}

// blockedIn names the call that keeps a stopped cell's goroutine from
// noticing the stop: the innermost function that is neither Go's runtime
// nor the interpreter's own, such as sync.(*WaitGroup).Wait.
func blockedIn(stack string) string {
	for _, f := range frames(stack) {
		switch {
		case strings.HasPrefix(f, "runtime."), strings.HasPrefix(f, "internal/"),
			strings.HasPrefix(f, "syscall."), strings.HasPrefix(f, "sync.runtime_"),
			strings.HasPrefix(f, "reflect."):
			continue
		case strings.HasPrefix(f, "github.com/traefik/yaegi/"):
			return "the interpreter"
		}
		return f
	}
	return "a compiled call"
}

// inNN reports whether a stack is busy in package nn's own work (or that
// of its subpackages), which stops by itself at its next check of the
// interrupt: nn computing, or waiting for its own helper goroutines. nn
// waiting for a lock (a model another stopped cell holds) or running
// interpreted code of the user's (a Fit callback blocked in a compiled
// call) does not stop by itself: such a cell is left behind instead; the
// nn work in it stays interrupted (nn.StartWork).
func inNN(stack string) bool {
	lockWait := false
	for _, f := range frames(stack) {
		switch {
		case strings.HasPrefix(f, nnPath+".") || strings.HasPrefix(f, nnPath+"/"):
			return !lockWait
		case strings.HasPrefix(f, "sync.(*Mutex).Lock"), strings.HasPrefix(f, "sync.(*RWMutex).Lock"),
			strings.HasPrefix(f, "sync.(*RWMutex).RLock"):
			lockWait = true
		case strings.HasPrefix(f, "runtime."), strings.HasPrefix(f, "internal/"),
			strings.HasPrefix(f, "sync."), strings.HasPrefix(f, "sync/atomic."):
		default:
			return false // the user's code, or a compiled package of the user's choice
		}
	}
	return false
}

// leaveBehind marks execution goroutine id as abandoned: if the call it is
// blocked in ever returns, it stops at the next top-level statement of its
// cell (see hookLive) and shows nothing (see hookShow).
func (s *Session) leaveBehind(id uint64) {
	s.whereMu.Lock()
	defer s.whereMu.Unlock()
	if s.left == nil {
		s.left = map[uint64]bool{}
	}
	s.left[id] = true
}

// isLeftBehind reports whether the calling goroutine runs a cell that was
// left behind.
func (s *Session) isLeftBehind() bool {
	s.whereMu.Lock()
	defer s.whereMu.Unlock()
	return len(s.left) > 0 && s.left[goid()]
}

// hookLive is called by the interpreted code between the top-level
// statements of a cell. In a cell that was left behind it never returns:
// yaegi would let the old goroutine run on with the new cell's run id (the
// top-level frame is shared), racing with it.
func (s *Session) hookLive() {
	if s.isLeftBehind() {
		select {} // parked for good: nothing of the session is touched
	}
}

// waitAbandoned waits until a cell stopped inside package nn's work has
// really stopped (nn work checks the interrupt flag often; if the next
// cell cleared the flag first, the old work would go on changing weights).
// A max of 0 waits for as long as ctx allows.
func (s *Session) waitAbandoned(ctx context.Context, max time.Duration) error {
	if s.waiting == 0 {
		return nil
	}
	nnInterrupt()
	start := time.Now()
	for executing(s.waiting) {
		if ctx.Err() != nil {
			return fmt.Errorf("%w (the previous cell is still finishing a compiled call)", ErrInterrupted)
		}
		if max > 0 && time.Since(start) > max {
			return fmt.Errorf("%w (still finishing a compiled call; the next cell waits for it)", ErrInterrupted)
		}
		time.Sleep(time.Millisecond)
	}
	s.waiting = 0
	nnClearInterrupt()
	s.resume(s.waitingBase)
	return nil
}

// execute runs one compiled program, stopping it when ctx is cancelled.
//
// A goroutine cannot be killed. After a cancel, execute waits up to
// abandonGrace for the cell to notice; interpreted code and nn's work do so
// within milliseconds. A cell still blocked after that in a compiled call
// that knows nothing of the stop (sync.WaitGroup.Wait, a channel receive in
// a compiled package) is left behind: execute says once where it is
// blocked, and the next cell runs on a fresh goroutine. Work inside package
// nn is waited for instead (it stops at its next check of the interrupt).
func (s *Session) execute(ctx context.Context, p *interp.Program) error {
	if ctx.Err() != nil {
		return ErrInterrupted
	}
	nnClearInterrupt()
	ctx = s.guard.begin(ctx) // depth.go: a call nested too deep cancels it
	base := s.runs.load()
	s.waitingBase = base
	// Waits in s.sleep end when the cell is stopped; the signal is open
	// again once execute returns.
	finished, fired := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(fired)
		select {
		case <-ctx.Done():
			s.stop.fire()
		case <-finished:
		}
	}()
	defer func() { close(finished); <-fired; s.stop.rearm() }()
	idc := make(chan uint64, 1)
	done := make(chan error, 1)
	stopped := make(chan struct{})
	s.stdin.running(ctx, stopped)
	go func() {
		idc <- goid()
		_, err := s.in.ExecuteWithContext(ctx, p)
		done <- err
	}()
	id := <-idc
	go s.watchBlocked(id, stopped, s.blockedAfter)
	err := <-done
	close(stopped)
	if derr := s.guard.end(); derr != nil {
		s.waiting = id
		// If unwinding takes longer, the next cell waits for the rest.
		_ = s.waitAbandoned(context.Background(), stopGrace)
		return derr
	}
	if ctx.Err() == nil || err != ctx.Err() {
		return err
	}
	nnInterrupt()
	for start := time.Now(); time.Since(start) < abandonGrace; time.Sleep(time.Millisecond) {
		if !executing(id) {
			nnClearInterrupt()
			s.resume(base)
			return ErrInterrupted
		}
	}
	gid, stack, ok := execution(id)
	switch {
	case !ok:
		nnClearInterrupt()
		s.resume(base)
	case inNN(stack):
		s.waiting = id
		if werr := s.waitAbandoned(context.Background(), stopGrace); werr != nil {
			return werr
		}
	default:
		s.leaveBehind(gid)
		nnClearInterrupt()
		fmt.Fprintf(s.stderr, "the stopped cell is still blocked in %s; it was left behind (if that call ever returns, the cell stops there and changes nothing more; func values made before this stop no longer run: run the cells that make them again)\n", blockedIn(stack))
	}
	return ErrInterrupted
}
