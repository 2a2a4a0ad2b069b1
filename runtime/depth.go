package runtime

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"math"
	"reflect"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/traefik/yaegi/interp"

	"github.com/nnlab/nnlab/internal/memlimit"
	"github.com/nnlab/nnlab/nn"
)

// maxDepth is how deep interpreted calls may nest on one goroutine. Go
// ends the process ("fatal error: stack overflow") when a goroutine's
// stack passes 1 GB; one interpreted call takes two Go frames and about
// 0.7-1 KB of it (measured with yaegi v0.16.1), a call made through
// compiled code (a sort.Slice less func that recurses) a few KB, so the
// stack allows about a million. The limit is set far lower by the cost of
// failing: yaegi recovers and re-panics in every interpreted frame, so
// unwinding d frames takes time quadratic in d (measured on a loaded
// 2-core machine: 0.9 s at 5000, 4 s at 10000, over 2 minutes at 50000).
// Python stops at 1000.
const maxDepth = 10000

// guard is a session's run-time checks on interpreted code: call depth
// and allocation sizes. Its methods are called by the code that guardAST
// inserts into every cell.
type guard struct {
	// calls counts interpreted calls in progress on every goroutine: a
	// goroutine ID costs a stack walk, so the count is shared and only
	// when it passes the limit does enter measure the calling goroutine's
	// own depth (see goroutineDepth). Goroutines blocked inside deep calls
	// thus make later calls slower, never wrongly refused.
	calls atomic.Int64
	limit int64
}

// enter counts the start of a call of the interpreted function name, and
// fails the call if its goroutine is nested past the limit.
func (g *guard) enter(name string) {
	if g.calls.Add(1) <= g.limit {
		return
	}
	if d := goroutineDepth(g.limit); d > g.limit {
		g.calls.Add(-1) // the deferred leave is not registered yet
		panic(&nn.Error{Op: name, Msg: fmt.Sprintf("calls nested %d deep, past the limit of %d: endless recursion? (Go's stack would overflow and end the session)", d, g.limit)})
	}
}

// leave counts the end of a call started by enter.
func (g *guard) leave() { g.calls.Add(-1) }

// interpFrame is the yaegi function that runs the body of each
// interpreted call; counting its frames counts interpreted calls.
const interpFrame = "github.com/traefik/yaegi/interp.runCfg"

var pcPool = sync.Pool{New: func() any { return new([4096]uintptr) }}

// goroutineDepth counts the interpreted calls in progress on the calling
// goroutine, stopping once it passes limit.
func goroutineDepth(limit int64) int64 {
	pcs := pcPool.Get().(*[4096]uintptr)
	defer pcPool.Put(pcs)
	var depth int64
	for skip := 2; ; {
		n := goruntime.Callers(skip, pcs[:])
		if n == 0 {
			return depth
		}
		frames := goruntime.CallersFrames(pcs[:n])
		for {
			f, more := frames.Next()
			if f.Function == interpFrame {
				depth++
			}
			if !more {
				break
			}
		}
		if depth > limit || n < len(pcs) {
			return depth
		}
		skip += n
	}
}

// makeLen checks the length or capacity n given to make for the type of
// *typ, so that a size typed by mistake is an error instead of a fatal
// out-of-memory, and returns it as an int.
func makeLen(n any, typ any) int {
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
	if err := memlimit.Check(fmt.Sprintf("make(%s, %d)", t, k), k, int(max(size, 1))); err != nil {
		panic(&nn.Error{Op: "make", Msg: err.Error()})
	}
	return k
}

// guardExports are the compiled functions that guarded code calls, in
// the session's helper package, and the callback wrappers of
// callbackExports.
func (s *Session) guardExports() interp.Exports {
	s.guard = &guard{limit: maxDepth}
	ex := s.callbackExports()
	ex[rtPath+"/rt"] = map[string]reflect.Value{
		"Enter":   reflect.ValueOf(s.guard.enter),
		"Leave":   reflect.ValueOf(s.guard.leave),
		"MakeLen": reflect.ValueOf(makeLen),
	}
	return ex
}

// guardAST rewrites a parsed chunk, before yaegi compiles it, so that
// nothing it does can end the process:
//
//   - every function and func literal starts with
//     __nnlab_rt.Enter(name); defer __nnlab_rt.Leave(), which bounds
//     recursion (see maxDepth);
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
			fd.Body.List = append(guardEntry(name, fd.Body.Lbrace), fd.Body.List...)
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool { return guardNode(n, name) })
	}
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
				ptr := typePointer(n.Args[0])
				if ptr == nil {
					continue
				}
				p := n.Args[i].Pos()
				n.Args[i] = &ast.CallExpr{Fun: rtSel("MakeLen", p), Lparen: p, Args: []ast.Expr{n.Args[i], ptr}, Rparen: p}
			}
		}
	}
	return true
}

// guardEntry is the statements that start a guarded function whose body
// opens at pos. The nodes carry pos so that yaegi's messages (and the
// session's filter of them) place a failure at the function.
func guardEntry(name string, pos token.Pos) []ast.Stmt {
	return []ast.Stmt{
		&ast.ExprStmt{X: &ast.CallExpr{Fun: rtSel("Enter", pos), Lparen: pos, Rparen: pos,
			Args: []ast.Expr{&ast.BasicLit{ValuePos: pos, Kind: token.STRING, Value: fmt.Sprintf("%q", name)}}}},
		&ast.DeferStmt{Defer: pos, Call: &ast.CallExpr{Fun: rtSel("Leave", pos), Lparen: pos, Rparen: pos}},
	}
}

func rtSel(name string, pos token.Pos) ast.Expr {
	return &ast.SelectorExpr{X: &ast.Ident{NamePos: pos, Name: rtName}, Sel: &ast.Ident{NamePos: pos, Name: name}}
}

// typePointer returns a fresh expression (*T)(nil) for the type
// expression t: a copy, made by printing and parsing t, since an AST node
// must not appear twice in the tree yaegi compiles.
func typePointer(t ast.Expr) ast.Expr {
	var b strings.Builder
	if err := printer.Fprint(&b, token.NewFileSet(), t); err != nil {
		return nil
	}
	e, err := parser.ParseExpr("(*(" + b.String() + "))(nil)")
	if err != nil {
		return nil
	}
	return e
}
