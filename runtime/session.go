// Package runtime runs nnlab notebook cells on the yaegi interpreter.
//
// A Session owns one interpreter. Every cell goes through a runner that
// papers over yaegi v0.16.1's traps (see /work/shared/YAEGI.md): cells may
// mix declarations and statements, repeated imports are dropped, `x := v` on
// an existing global assigns it instead of forking it, a cell that fails to
// compile leaves every value as it was, redefinitions that yaegi would
// silently ignore are reported, unsupported Go 1.22+ forms (range over int,
// min, max, clear) are rewritten, panics in goroutines are recovered, and a
// cancelled cell is waited for until its goroutine has really stopped.
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
	"time"

	"github.com/nnlab/nnlab/internal/infile"
	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/plot"
	"github.com/nnlab/nnlab/stdlib"
	"github.com/traefik/yaegi/interp"
)

// Options configures a Session.
type Options struct {
	Stdout, Stderr io.Writer // where the user's program writes; nil means os.Stdout / os.Stderr
	Args           []string  // os.Args as the interpreted program sees it (for scripts)
	// Terminal says that Stdout ends on a terminal even though it is not an
	// *os.File (the REPL's screen writer): displayed values may then use
	// colour, Unicode and inline images (see package plot). An *os.File
	// Stdout is checked by itself. Without a terminal, displays are plain
	// ASCII with no escape sequences.
	Terminal bool
}

// ExitError is returned (wrapped) by Eval and RunFile when user code calls
// os.Exit. Code is the exit status the user asked for.
type ExitError = stdlib.ExitError

// ErrInterrupted is returned by Eval when its context was cancelled.
var ErrInterrupted = errors.New("interrupted")

// Hooks into package nn's interruption of long compiled work. They are
// variables so tests can observe them.
var (
	nnInterrupt      = nn.Interrupt
	nnClearInterrupt = nn.ClearInterrupt
)

// stopGrace is how long Eval waits, after a cancel, for the abandoned cell
// goroutine to stop before returning; the next cell waits for it anyway.
var stopGrace = 2 * time.Second

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
	opts    Options
	guard   *guard // run-time checks on interpreted code (depth.go)
	in      *interp.Interpreter
	filter  *panicFilter
	stderr  io.Writer
	mu      sync.Mutex
	cell    int
	tmp     int
	syms    map[string]*sym
	imports map[string]string // local name -> import path
	waiting uint64            // id of a runner goroutine whose abandoned execution may still run
	shown   []any
	hasShow bool
	mainN   int
	files   map[int]string // cell number -> script path, for messages
	// whereMu guards cell and files for goroutines of user code that
	// report a panic (hookGoPanic) while a later cell runs.
	whereMu sync.Mutex
	term    bool // Stdout is a terminal (see Options.Terminal)
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
	s := &Session{opts: opts, files: map[int]string{}, syms: map[string]*sym{}, imports: map[string]string{}, stderr: opts.Stderr}
	s.filter = &panicFilter{w: opts.Stderr}
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
	s.in = interp.New(interp.Options{Stdout: opts.Stdout, Stderr: s.filter, Args: args, Env: os.Environ()})
	if had {
		os.Setenv("YAEGI_SPECIAL_STDIO", old)
	} else {
		os.Unsetenv("YAEGI_SPECIAL_STDIO")
	}
	newMu.Unlock()
	if err := s.in.Use(stdlib.Symbols); err != nil {
		return nil, err
	}
	if err := s.in.Use(interp.Exports{rtPath + "/rt": {
		"Show":    reflect.ValueOf(s.hookShow),
		"GoPanic": reflect.ValueOf(s.hookGoPanic),
		"Clear":   reflect.ValueOf(clearValue),
	}}); err != nil {
		return nil, err
	}
	if err := s.in.Use(s.guardExports()); err != nil {
		return nil, err
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

func __nnlab_show(v ...any) { ` + rtName + `.Show(v) }

func __nnlab_go(cell, line int, f func()) {
	defer func() {
		if r := recover(); r != nil {
			` + rtName + `.GoPanic(cell, line, r)
		}
	}()
	f()
}

func __nnlab_min[T int | int8 | int16 | int32 | int64 | uint | uint8 | uint16 | uint32 | uint64 | uintptr | float32 | float64 | string](a T, b ...T) T {
	for _, x := range b {
		if x < a {
			a = x
		}
	}
	return a
}

func __nnlab_max[T int | int8 | int16 | int32 | int64 | uint | uint8 | uint16 | uint32 | uint64 | uintptr | float32 | float64 | string](a T, b ...T) T {
	for _, x := range b {
		if x > a {
			a = x
		}
	}
	return a
}
`

func (s *Session) hookShow(v []any) {
	s.shown = append([]any(nil), v...)
	s.hasShow = true
}

func (s *Session) hookGoPanic(cell, line int, r any) {
	fmt.Fprintf(s.stderr, "panic in a goroutine (go statement at %s): %v\n", s.where(cell, line), r)
}

// nextCell numbers a new cell, read from the script path if not "".
func (s *Session) nextCell(path string) {
	s.whereMu.Lock()
	defer s.whereMu.Unlock()
	s.cell++
	if path != "" {
		s.files[s.cell] = path
	}
}

// where names a line of a cell for messages.
func (s *Session) where(cell, line int) string {
	s.whereMu.Lock()
	defer s.whereMu.Unlock()
	if path, ok := s.files[cell]; ok {
		return fmt.Sprintf("%s:%d", path, line)
	}
	if cell == s.cell || cell == 0 {
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
	out, err = s.run(ctx, splitCell(src), fmt.Sprintf("cell%d", s.cell), true)
	if hidesOutput(src) {
		out = ""
	}
	return out, err
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

// executing reports whether the goroutine that yaegi's ExecuteWithContext
// started from runner goroutine id is still alive.
func executing(id uint64) bool {
	buf := make([]byte, 1<<16)
	for {
		n := goruntimeStack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	return strings.Contains(string(buf), "interp.(*Interpreter).ExecuteWithContext in goroutine "+strconv.FormatUint(id, 10)+"\n")
}

// waitAbandoned waits until a cell abandoned by a cancel has really stopped
// (yaegi lets it run on until it notices; if the next cell started first,
// the old loop would take the new run id and race with it). A max of 0
// waits for as long as ctx allows.
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
	return nil
}

// execute runs one compiled program, stopping it when ctx is cancelled.
func (s *Session) execute(ctx context.Context, p *interp.Program) error {
	if ctx.Err() != nil {
		return ErrInterrupted
	}
	nnClearInterrupt()
	ctx = s.guard.begin(ctx) // depth.go: a call nested too deep cancels it
	idc := make(chan uint64, 1)
	done := make(chan error, 1)
	go func() {
		idc <- goid()
		_, err := s.in.ExecuteWithContext(ctx, p)
		done <- err
	}()
	id := <-idc
	err := <-done
	if derr := s.guard.end(); derr != nil {
		s.waiting = id
		// If unwinding takes longer, the next cell waits for the rest.
		_ = s.waitAbandoned(context.Background(), stopGrace)
		return derr
	}
	if ctx.Err() != nil && err == ctx.Err() {
		s.waiting = id
		nnInterrupt()
		if werr := s.waitAbandoned(context.Background(), stopGrace); werr != nil {
			return werr
		}
		return ErrInterrupted
	}
	return err
}
