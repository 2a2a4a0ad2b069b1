package repl

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

func init() {
	extraCommands = append(extraCommands,
		Command{Name: "timeit", Args: "STMT", Help: "time a statement: a warm-up run, then runs for about a second (median, min)", Run: cmdTimeit},
	)
}

// timeitLimits bounds the runs of :timeit: after the warm-up run, it runs
// the statement until budget is spent, at least minRuns and at most
// maxRuns times.
type timeitLimits struct {
	budget           time.Duration
	minRuns, maxRuns int
}

// timeitDefaults are the limits of :timeit, like IPython's %timeit: about
// a second of runs.
var timeitDefaults = timeitLimits{budget: time.Second, minRuns: 3, maxRuns: 1000}

// timeitReadGrace bounds the wait for the session when reading the times
// back after an interrupt.
const timeitReadGrace = 5 * time.Second

// cmdTimeit times a statement in the session, like IPython's %timeit.
//
// The statement runs in a function literal (so `x := f()` declares a local,
// not a session variable) that one cell calls in a loop, recording the
// time since the start after each call in an interpreted slice: the
// per-run overhead is one interpreted call and one time.Since. The times
// are read back with one more evaluation. Ctrl-C stops the loop; the runs
// completed so far are still reported.
func cmdTimeit(ctx context.Context, r *REPL, args string) error {
	if args == "" {
		return errors.New("usage: :timeit STMT (for example :timeit nn.MatMul(a, b))")
	}
	body, err := timeitBody(args)
	if err != nil {
		return fmt.Errorf("timeit: %v", err)
	}
	lim := r.timeit
	if lim == (timeitLimits{}) {
		lim = timeitDefaults
	}
	// A separate cell empties the times, so that those of an earlier
	// :timeit are never reported if this one is interrupted at once.
	if _, err := r.sess.Eval(ctx, fmt.Sprintf("import __nnlab_time \"time\"\n__nnlab_timeit_t := make([]int64, 0, %d)", min(lim.maxRuns, 1000)+1)); err != nil {
		return err
	}
	stepsBefore := r.trainingSteps(ctx)
	_, err = r.sess.Eval(ctx, timeitCell(body, lim))
	if note := trainedNote(stepsBefore, r.trainingSteps(context.WithoutCancel(ctx))); note != "" {
		defer fmt.Fprintln(r.out, note)
	}
	if err != nil && ctx.Err() == nil {
		// Positions in the generated cell would mislead.
		msg := cellPos.ReplaceAllString(err.Error(), "")
		return fmt.Errorf("timeit: %s", timedFuncPos.ReplaceAllString(msg, ""))
	}
	readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeitReadGrace)
	defer cancel()
	runs, rerr := r.timeitRuns(readCtx)
	switch {
	case err != nil: // interrupted
		if rerr == nil && len(runs) > 0 {
			fmt.Fprintf(r.out, "%s before the interrupt\n", timeitSummary(runs))
		}
		return err
	case rerr != nil:
		return fmt.Errorf("timeit: reading the times: %v", rerr)
	case len(runs) == 0:
		return errors.New("timeit: no run completed")
	}
	fmt.Fprintln(r.out, timeitSummary(runs))
	return nil
}

// timeitBody is the statement as the body of the timed function: a lone
// expression that is not a call or a receive (which Go does not accept as
// a statement) is assigned to _. A statement that does not parse is an
// error, told without the positions of the wrapping function.
func timeitBody(stmt string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p; func _() {\n"+stmt+"\n}", parser.SkipObjectResolution)
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		msg := list[0].Msg
		if list[0].Pos.Line > 2 { // at the wrapper's closing brace
			msg = strings.Replace(msg, "found '}'", "found the end of the statement", 1)
		}
		return "", errors.New(msg)
	} else if err != nil {
		return "", err
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) != 1 {
		return stmt, nil
	}
	es, ok := body[0].(*ast.ExprStmt)
	if !ok {
		return stmt, nil
	}
	switch x := ast.Unparen(es.X).(type) {
	case *ast.CallExpr:
		return stmt, nil
	case *ast.UnaryExpr:
		if x.Op == token.ARROW {
			return stmt, nil
		}
	}
	return "_ = " + stmt, nil
}

// timeitCell is the cell that times body: a warm-up call, then calls
// until the budget is spent, appending the nanoseconds since the first
// call's start to __nnlab_timeit_t (empty, its time package imported as
// __nnlab_time) after each; its first element is 0.
func timeitCell(body string, lim timeitLimits) string {
	return fmt.Sprintf(`func() {
	__nnlab_timeit_f := func() {
%[2]s
	}
	__nnlab_timeit_f()
	__nnlab_timeit_b := __nnlab_time.Now()
	__nnlab_timeit_t = append(__nnlab_timeit_t, 0)
	for __nnlab_n := 0; __nnlab_n < %[1]d && (__nnlab_n < %[3]d || __nnlab_timeit_t[__nnlab_n] < %[4]d); __nnlab_n++ {
		__nnlab_timeit_f()
		__nnlab_timeit_t = append(__nnlab_timeit_t, int64(__nnlab_time.Since(__nnlab_timeit_b)))
	}
}()`, lim.maxRuns, body, lim.minRuns, lim.budget.Nanoseconds())
}

// timedFuncPos matches where a panic message places a panic in the timed
// function itself, a line of the generated cell.
var timedFuncPos = regexp.MustCompile(` \(in func\.func\d*, line \d+\)$`)

// timeitChunk is how many times timeitRuns reads with one evaluation: the
// session shortens long displays.
const timeitChunk = 200

// timeitRuns reads the recorded times back from the session and returns
// the duration of each run.
func (r *REPL) timeitRuns(ctx context.Context) (runs []time.Duration, err error) {
	var stamps []int64
	r.keepAns(ctx, func() {
		var out string
		if out, err = r.evalQuoted(ctx, "fmt.Sprint(len(__nnlab_timeit_t))"); err != nil {
			return
		}
		n, perr := strconv.Atoi(out)
		if perr != nil {
			err = fmt.Errorf("unexpected count %q", out)
			return
		}
		for i := 0; i < n && err == nil; i += timeitChunk {
			out, err = r.evalQuoted(ctx, fmt.Sprintf("fmt.Sprint(__nnlab_timeit_t[%d:%d])", i, min(i+timeitChunk, n)))
			for _, f := range strings.Fields(strings.Trim(out, "[]")) {
				t, perr := strconv.ParseInt(f, 10, 64)
				if perr != nil {
					err = fmt.Errorf("unexpected times %.60q", out)
					return
				}
				stamps = append(stamps, t)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	for i := 1; i < len(stamps); i++ {
		runs = append(runs, time.Duration(stamps[i]-stamps[i-1]))
	}
	return runs, nil
}

// timeitSummary is "median 3.21 ms, min 3.02 ms, 25 runs".
func timeitSummary(runs []time.Duration) string {
	s := append([]time.Duration(nil), runs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	n := len(s)
	median := float64(s[n/2])
	if n%2 == 0 {
		median = (float64(s[n/2-1]) + float64(s[n/2])) / 2
	}
	plural := "s"
	if n == 1 {
		plural = ""
	}
	return fmt.Sprintf("median %s, min %s, %d run%s", formatNanos(median), formatNanos(float64(s[0])), n, plural)
}

// formatNanos formats a duration in nanoseconds with three significant
// digits and a unit from ns to s: "905 ns", "12.3 µs", "3.21 ms", "1.50 s".
func formatNanos(ns float64) string {
	v := ns
	for _, unit := range []string{"ns", "µs", "ms"} {
		if v < 999.5 {
			return threeDigits(v) + " " + unit
		}
		v /= 1000
	}
	return threeDigits(v) + " s"
}

// threeDigits formats v (at least 0) with three significant digits, or as
// an integer from 999.5 on.
func threeDigits(v float64) string {
	switch {
	case v < 9.995:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 99.95:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}
