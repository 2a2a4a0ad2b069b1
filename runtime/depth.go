package runtime

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"math"
	"reflect"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/nnlab/nnlab/internal/memlimit"
	"github.com/nnlab/nnlab/nn"
)

// maxFrames is how deep the Go stack of a goroutine running interpreted
// code may grow, in frames, before the call that passes it fails. Go ends
// the process ("fatal error: stack overflow") when a goroutine's stack
// passes 1 GB. One interpreted call of a function takes about two Go
// frames and 0.7-1 KB of stack (measured with yaegi v0.16.1); a method
// call or a call through compiled code takes more frames (up to about 8)
// and a few KB. So 25000 frames allow about 12000 nested calls of a
// function, 4000 of a method (Python stops at 1000), in tens of MB of
// stack, far inside Go's limit.
// Frames, not calls, are counted because they are what fills the stack,
// and because counting them needs no symbol lookups.
const maxFrames = 25000

// depthSample is how often (in interpreted calls) enter measures the
// stack: a recursion passes the limit by at most about that many calls.
const depthSample = 128

// guard is a session's run-time checks on interpreted code: call depth
// and allocation sizes. Its methods are called by the code that guardAST
// inserts into every cell.
type guard struct {
	// calls counts interpreted calls started on every goroutine. Every
	// sample-th call, enter measures the Go stack of its own goroutine
	// (exact per goroutine, and cheaper than counting each call in and
	// out, which needs a deferred call per call). The cost is one call
	// of compiled code per interpreted call: 0.2-0.4 µs on a call of
	// 0.3-0.4 µs (TestGuardCost logs it).
	calls  atomic.Uint64
	sample uint64
	limit  int // Go frames

	mu      sync.Mutex
	cancel  context.CancelFunc // stops the running cell; nil between cells
	failure error              // why enter stopped it
	report  func(error)        // tells the user about a parked goroutine

	// beforeCancel, if set, runs in enter just before it looks for the
	// cell's cancel: tests use it to end the cell at that moment.
	beforeCancel func()
}

// begin returns the context for running one chunk, which enter cancels
// when the calls nest too deep.
func (g *guard) begin(ctx context.Context) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	g.mu.Lock()
	g.cancel, g.failure = cancel, nil
	g.mu.Unlock()
	return ctx
}

// end closes what begin opened and returns the error that stopped the
// chunk, if enter stopped it.
func (g *guard) end() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cancel != nil {
		g.cancel()
	}
	err := g.failure
	g.cancel, g.failure = nil, nil
	return err
}

// enter counts the start of a call of the interpreted function name, and
// stops the call if its goroutine is nested past the limit.
//
// Stopping is done by cancelling the running cell, as Ctrl-C does: yaegi
// then leaves every frame at its next step. A panic would work too, but
// costs time quadratic in the depth: yaegi recovers and re-panics in every
// interpreted frame, and each new panic walks the frames of the earlier
// ones (over 2 minutes for 50000 frames). Another goroutine (a go
// statement's, a time.AfterFunc callback) must not stop the cell, and
// cannot be unwound quickly without stopping it: it is reported and
// parked, blocked for good, keeping its stack (a few MB).
func (g *guard) enter(name string) {
	if g.calls.Add(1)%g.sample != 0 {
		return
	}
	if stackFrames(g.limit) <= g.limit {
		return
	}
	d, inCell := goroutineDepth()
	err := &nn.Error{Op: name, Msg: fmt.Sprintf("calls nested %d deep take more Go stack frames than the limit (%d): endless recursion? (Go's stack would overflow and end the session)", d, g.limit)}
	if !inCell {
		// Another goroutine: park it for good, as a panic would end it,
		// and say so.
		if g.report != nil {
			g.report(err)
		}
		select {}
	}
	if g.beforeCancel != nil {
		g.beforeCancel()
	}
	g.mu.Lock()
	cancel := g.cancel
	if cancel != nil && g.failure == nil {
		g.failure = err
	}
	g.mu.Unlock()
	// No cancel: the cell has already been stopped (by an earlier call
	// of enter, which this goroutine nested past while yaegi was slow to
	// stop it) and has ended; yaegi is unwinding its frames.
	if cancel != nil {
		cancel()
	}
	// yaegi stops the frames a moment after the cancel; until then, keep
	// this goroutine from nesting deeper.
	time.Sleep(5 * time.Millisecond)
}

// interpFrame is the yaegi function that runs the body of each
// interpreted call; counting its frames counts interpreted calls.
const interpFrame = "github.com/traefik/yaegi/interp.runCfg"

var pcPool = sync.Pool{New: func() any { return new([]uintptr) }}

// stackFrames counts the Go frames of the calling goroutine, up to
// limit+1, without looking up their symbols.
func stackFrames(limit int) int {
	p := pcPool.Get().(*[]uintptr)
	defer pcPool.Put(p)
	if len(*p) < limit+1 {
		*p = make([]uintptr, limit+1)
	}
	return goruntime.Callers(3, (*p)[:limit+1])
}

// cellFrame is the function at the bottom of the goroutine that runs a
// cell (yaegi's ExecuteWithContext starts it).
const cellFrame = "github.com/traefik/yaegi/interp.(*Interpreter).ExecuteWithContext.func1"

// goroutineDepth counts the interpreted calls in progress on the calling
// goroutine, and tells whether it is the one running the cell. It walks
// and symbolizes the whole stack: enter calls it once, on failure.
func goroutineDepth() (depth int64, inCell bool) {
	pcs := make([]uintptr, 1<<12)
	n := goruntime.Callers(2, pcs)
	for n == len(pcs) {
		pcs = make([]uintptr, 2*len(pcs))
		n = goruntime.Callers(2, pcs)
	}
	frames := goruntime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		switch f.Function {
		case interpFrame:
			depth++
		case cellFrame:
			inCell = true
		}
		if !more {
			return depth, inCell
		}
	}
}

// makeLen checks the length or capacity n given to make for the type of
// *typ (written name in the source), so that a size typed by mistake is
// an error instead of a fatal out-of-memory, and returns it as an int.
func makeLen(n any, typ any, name string) int {
	v := reflect.ValueOf(n)
	var k int
	switch {
	case v.CanInt():
		if v.Int() < math.MinInt || v.Int() > math.MaxInt {
			panic(&nn.Error{Op: "make", Msg: fmt.Sprintf("size %d out of range", v.Int())})
		}
		k = int(v.Int())
	case v.CanUint():
		if v.Uint() > math.MaxInt {
			panic(&nn.Error{Op: "make", Msg: fmt.Sprintf("size %d out of range", v.Uint())})
		}
		k = int(v.Uint())
	default:
		panic(&nn.Error{Op: "make", Msg: fmt.Sprintf("size of type %T is not an integer", n)})
	}
	if k <= 1<<16 {
		return k // small: make checks the sign itself
	}
	t := reflect.TypeOf(typ).Elem()
	var size uintptr
	switch t.Kind() {
	case reflect.Map:
		size = t.Key().Size() + t.Elem().Size()
	case reflect.Slice, reflect.Chan:
		size = t.Elem().Size()
	}
	if err := memlimit.Check(fmt.Sprintf("make(%s, %d)", name, k), k, int(max(size, 1))); err != nil {
		panic(&nn.Error{Op: "make", Msg: err.Error()})
	}
	return k
}

// growLen checks the size n given to the Grow method named name
// (strings.Builder.Grow, bytes.Buffer.Grow): n more bytes than the value
// holds must fit in memory. A negative n is left to Grow's own panic.
func growLen(n int, name string) int {
	if n > 1<<16 {
		if err := memlimit.Check(fmt.Sprintf("the size %d", n), n, 1); err != nil {
			panic(&nn.Error{Op: name, Msg: err.Error()})
		}
	}
	return n
}

// guardExports are the compiled functions that guarded code calls, in
// the session's helper package, and the callback wrappers of
// callbackExports.
func (s *Session) guardExports() interp.Exports {
	s.guard = &guard{limit: maxFrames, sample: depthSample, report: func(err error) {
		fmt.Fprintf(s.stderr, "a goroutine was stopped for good: %v\n", err)
	}}
	ex := s.callbackExports()
	ex[rtPath+"/rt"] = map[string]reflect.Value{
		"Enter":   reflect.ValueOf(s.guard.enter),
		"MakeLen": reflect.ValueOf(makeLen),
		"GrowLen": reflect.ValueOf(growLen),
	}
	return ex
}

// guardAST rewrites a parsed chunk, before yaegi compiles it, so that
// nothing it does can end the process:
//
//   - every function and func literal starts with
//     __nnlab_rt.Enter(name), which bounds recursion (see maxFrames);
//   - every size given to make that is not a literal goes through
//     __nnlab_rt.MakeLen, which refuses what cannot fit in memory.
//
// decl is false for a statement chunk, whose wrapping func main is not
// counted.
func guardAST(f *ast.File, decl bool) {
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			ast.Inspect(d, func(n ast.Node) bool { return guardNode(n, "") })
			continue
		}
		name := fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) == 1 {
			name = recvName(fd.Recv.List[0].Type) + "." + name
		}
		if fd.Body == nil {
			continue
		}
		if decl && !strings.HasPrefix(name, hidden) {
			nameParams(fd.Type)
			fd.Body.List = append(guardEntry(name, fd.Body.Lbrace), fd.Body.List...)
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool { return guardNode(n, name) })
	}
}

// guardSource is the source of a package compiled into the session (the
// generic slices and maps) with its make sizes guarded as a cell's are:
// slices.Repeat(s, 1<<40) would otherwise end the process out of memory.
func guardSource(src string) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return src // the compile reports it
	}
	guardAST(f, false)
	imp := &ast.GenDecl{Tok: token.IMPORT, Specs: []ast.Spec{&ast.ImportSpec{
		Name: ast.NewIdent(rtName), Path: &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(rtPath)}}}}
	f.Decls = append([]ast.Decl{imp}, f.Decls...)
	var b strings.Builder
	if err := printer.Fprint(&b, fset, f); err != nil {
		return src
	}
	return b.String()
}

// guardNode guards the func literals and make calls under n; outer names
// the enclosing function for messages.
func guardNode(n ast.Node, outer string) bool {
	switch n := n.(type) {
	case *ast.FuncLit:
		name := "func literal"
		if outer != "" && !strings.HasPrefix(outer, hidden) {
			name = "func literal in " + outer
		}
		nameParams(n.Type)
		n.Body.List = append(guardEntry(name, n.Body.Lbrace), n.Body.List...)
		ast.Inspect(n.Body, func(m ast.Node) bool {
			if m == n.Body {
				return true
			}
			return guardNode(m, outer)
		})
		return false
	case *ast.CallExpr:
		if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "make" && len(n.Args) >= 2 {
			for i := 1; i < len(n.Args); i++ {
				if _, lit := n.Args[i].(*ast.BasicLit); lit {
					continue
				}
				ptr := typePointer(n.Args[0], n.Args[i].Pos())
				if ptr == nil {
					continue
				}
				p := n.Args[i].Pos()
				name := &ast.BasicLit{ValuePos: p, Kind: token.STRING, Value: strconv.Quote(exprString(n.Args[0]))}
				n.Args[i] = &ast.CallExpr{Fun: rtSel("MakeLen", p), Lparen: p, Args: []ast.Expr{n.Args[i], ptr, name}, Rparen: p}
			}
		}
	}
	return true
}

// guardEntry is the statement that starts a guarded function whose body
// opens at pos. The nodes carry pos so that yaegi's messages (and the
// session's filter of them) place a failure at the function.
// nameParams names unnamed parameters "_": yaegi gives an unnamed
// parameter no frame slot once the body has a statement, and then stores
// the argument over another value (seen with `func use(interface{})`).
func nameParams(ft *ast.FuncType) {
	if ft == nil || ft.Params == nil {
		return
	}
	for _, f := range ft.Params.List {
		if len(f.Names) == 0 {
			f.Names = []*ast.Ident{{NamePos: f.Pos(), Name: "_"}}
		}
	}
}

func guardEntry(name string, pos token.Pos) []ast.Stmt {
	return []ast.Stmt{
		&ast.ExprStmt{X: &ast.CallExpr{Fun: rtSel("Enter", pos), Lparen: pos, Rparen: pos,
			Args: []ast.Expr{&ast.BasicLit{ValuePos: pos, Kind: token.STRING, Value: fmt.Sprintf("%q", name)}}}},
	}
}

func rtSel(name string, pos token.Pos) ast.Expr {
	return &ast.SelectorExpr{X: &ast.Ident{NamePos: pos, Name: rtName}, Sel: &ast.Ident{NamePos: pos, Name: name}}
}

// exprString prints a type expression as in the source.
func exprString(t ast.Expr) string {
	var b strings.Builder
	if err := printer.Fprint(&b, token.NewFileSet(), t); err != nil {
		return "?"
	}
	return b.String()
}

// typePointer returns a fresh expression (*T)(nil) for the type
// expression t, placed at pos: a copy, made by printing and parsing t,
// since an AST node must not appear twice in the tree yaegi compiles.
func typePointer(t ast.Expr, pos token.Pos) ast.Expr {
	e, err := parser.ParseExpr("(*(" + exprString(t) + "))(nil)")
	if err != nil {
		return nil
	}
	// Its positions are in a file of its own: move them all to pos.
	posType := reflect.TypeOf(token.Pos(0))
	ast.Inspect(e, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		v := reflect.ValueOf(n).Elem()
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.Type() == posType && f.CanSet() {
				f.Set(reflect.ValueOf(pos))
			}
		}
		return true
	})
	return e
}
