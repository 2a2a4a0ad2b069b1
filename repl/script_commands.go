package repl

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nnlab/nnlab/internal/atomicfile"
	"github.com/nnlab/nnlab/runtime"
)

func init() {
	extraCommands = append(extraCommands,
		Command{Name: "run", Args: "FILE.go[:N]", Help: "run a script's main cell by cell (// %% markers) into this session; :N runs cell N only", Run: cmdRun},
		Command{Name: "history", Help: "list the cells typed in this session, failed ones marked", Run: cmdHistory},
		Command{Name: "save", Args: "FILE.go|FILE.ipynb", Help: "write the cells that succeeded as a Go script that runs (nnlab FILE.go), or as a Jupyter notebook", Run: cmdSave},
		Command{Name: "time", Args: "STMT", Help: "run a statement once and report the time it took", Run: cmdTime},
	)
}

// splitCellNumber splits :run's argument FILE.go[:N] into the path and the
// cell number (0 for all cells). Only a colon after ".go" starts a number,
// so Windows paths (C:\work\mlp.go) keep their drive letter.
func splitCellNumber(arg string) (path string, cell int, err error) {
	i := strings.LastIndexByte(arg, ':')
	if i <= 0 || !strings.HasSuffix(arg[:i], ".go") {
		return arg, 0, nil
	}
	n, err := strconv.Atoi(arg[i+1:])
	if err != nil || n < 1 {
		return "", 0, fmt.Errorf("run: %q: cell numbers start at 1", arg[i+1:])
	}
	return arg[:i], n, nil
}

// cellRecord is one cell typed in this session, for :history and :save.
type cellRecord struct {
	src string
	ok  bool
	out string // the value the REPL displayed for it
	// kept is, for a cell that failed at run time or was interrupted (or
	// recovered its panic in a deferred call), the statements that ran
	// before: their effects stay, so :save keeps them.
	kept string
	// newVars are the declarations by which the cell made new variables
	// in place of existing ones, so that :save declares them anew there.
	newVars []runtime.NewVar
}

// record notes a cell that ran (not commands).
func (r *REPL) record(src string, ok bool) {
	rec := cellRecord{src: src, ok: ok, out: r.shown}
	if k, isK := r.sess.(interface{ Completed() string }); isK {
		rec.kept = k.Completed() // also of a cell that recovered its panic
	}
	if n, isN := r.sess.(interface{ NewVars() []runtime.NewVar }); isN {
		rec.newVars = n.NewVars()
	}
	r.cells = append(r.cells, rec)
	r.shown = ""
}

func cmdRun(ctx context.Context, r *REPL, args string) error {
	if args == "" {
		return errors.New("usage: :run FILE.go[:N]")
	}
	path := expandHome(args)
	if q := args[0]; q == '"' || q == '\'' || q == '`' {
		// A quoted path, perhaps followed by :N.
		if end := strings.IndexByte(args[1:], q); end >= 0 {
			path = expandHome(unquote(args[:end+2])) + args[end+2:]
		}
	}
	path, only, err := splitCellNumber(path)
	if err != nil {
		return err
	}
	decls, cells, err := runtime.FileCells(path)
	if err != nil {
		return fmt.Errorf("run: %v", err)
	}
	if only > len(cells) {
		return fmt.Errorf("run: %s has %d cells", path, len(cells))
	}
	if err := r.Eval(ctx, decls); err != nil {
		return fmt.Errorf("run: %s declarations: %v", path, err)
	}
	r.record(strings.TrimSpace(decls), true) // its imports and declarations, for :save
	for i, c := range cells {
		if only != 0 && i+1 != only {
			continue
		}
		if c.Title != "" && r.cfg.Terminal {
			fmt.Fprintf(r.out, "# %%%% [%d] %s\n", i+1, c.Title)
		}
		src, returns := mainReturns(c.Src)
		if err := r.Eval(ctx, src); err != nil {
			if ctx.Err() != nil {
				return err
			}
			if returns && strings.Contains(err.Error(), mainReturned) {
				r.record(c.Src, true)
				return nil // main returned: the cells after it do not run
			}
			return fmt.Errorf("run: %s (cell %d)", fileLine(path, c.Line, err.Error()), i+1)
		}
		r.record(c.Src, true)
	}
	return nil
}

// mainReturned is the panic that stands for a return from main in a cell
// that :run runs.
const mainReturned = "nnlab: main returned"

// mainReturns rewrites each return of func main in a cell (outside func
// literals) as a panic that cmdRun recognises, so that the cells after it
// do not run, as in the script.
func mainReturns(src string) (string, bool) {
	const pre = "package p\nfunc _() {\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", pre+src+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return src, false
	}
	var at []int
	ast.Inspect(f.Decls[0].(*ast.FuncDecl).Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(n.Results) == 0 {
				at = append(at, fset.Position(n.Pos()).Offset-len(pre))
			}
		}
		return true
	})
	for i := len(at) - 1; i >= 0; i-- {
		src = src[:at[i]] + "panic(" + strconv.Quote(mainReturned) + ")" + src[at[i]+len("return"):]
	}
	return src, len(at) > 0
}

// cellLine matches the position a message about a cell starts with.
var cellLine = regexp.MustCompile(`^line (\d+)(:\d+)?: `)

// fileLine places a message about a cell that starts at line first of path
// in the file: "line 2:6: undefined: x" becomes "path:15:7: undefined: x".
func fileLine(path string, first int, msg string) string {
	if m := cellLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		col := ""
		if c, err := strconv.Atoi(strings.TrimPrefix(m[2], ":")); err == nil {
			col = fmt.Sprintf(":%d", c+1) // the cell lost main's indentation
		}
		return fmt.Sprintf("%s:%d%s: %s", path, first+n-1, col, msg[len(m[0]):])
	}
	return fmt.Sprintf("%s:%d: %s", path, first, msg)
}

func cmdHistory(_ context.Context, r *REPL, _ string) error {
	if len(r.cells) == 0 {
		fmt.Fprintln(r.out, "(no cells yet)")
	}
	for i, c := range r.cells {
		mark := " "
		if !c.ok {
			mark = "✗"
		}
		lines := strings.Split(strings.TrimRight(c.src, "\n"), "\n")
		fmt.Fprintf(r.out, "%3d %s %s\n", i+1, mark, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(r.out, "      %s\n", l)
		}
	}
	return nil
}

// scripter is the optional Session method behind :save
// (*runtime.Session has it).
type scripter interface {
	Script(cells []runtime.SaveCell, header string) ([]byte, []runtime.Skipped, error)
}

// cmdSave writes the cells that succeeded since the session started (or
// the last :reset) as a program that reproduces the session, checked before
// it is written, and says which cells it could not keep.
func cmdSave(ctx context.Context, r *REPL, args string) error {
	args = unquote(args)
	if strings.HasSuffix(args, ".ipynb") {
		return saveNotebook(r, args)
	}
	if args == "" || !strings.HasSuffix(args, ".go") {
		return errors.New("usage: :save FILE.go or :save FILE.ipynb")
	}
	sc, ok := r.sess.(scripter)
	if !ok {
		return errors.New("save: this session cannot write scripts")
	}
	var cells []runtime.SaveCell
	var index []int // cells[i] is r.cells[index[i]]
	for i, c := range r.cells {
		switch {
		case c.ok && c.kept == "":
			cells = append(cells, runtime.SaveCell{Src: c.src, Shown: c.out != "", Out: c.out, New: c.newVars})
			index = append(index, i)
		case c.kept != "":
			cells = append(cells, runtime.SaveCell{Src: c.kept, New: c.newVars})
			index = append(index, i)
		}
	}
	path := expandHome(args)
	header := "//go:build ignore\n\n// Saved by nnlab's :save on " + time.Now().Format("2006-01-02 15:04") +
		". Run it with: nnlab " + filepath.Base(path) + "\n\n"
	src, skipped, err := sc.Script(cells, header)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, src, 0o644); err != nil {
		return fmt.Errorf("save: %v", err)
	}
	for _, s := range skipped {
		c := r.cells[index[s.Cell-1]]
		first, _, _ := strings.Cut(strings.TrimSpace(c.src), "\n")
		fmt.Fprintf(r.err, "save: left out cell %d (%s): %s\n", index[s.Cell-1]+1, first, s.Reason)
	}
	fmt.Fprintf(r.out, "saved %d of %d cells to %s\n", len(cells)-len(skipped), len(r.cells), args)
	return nil
}

func cmdTime(ctx context.Context, r *REPL, args string) error {
	if strings.TrimSpace(args) == "" {
		return errors.New("usage: :time STMT")
	}
	start := time.Now()
	err := r.Eval(ctx, args)
	d := time.Since(start)
	if err != nil {
		return err
	}
	fmt.Fprintf(r.out, "wall time: %s\n", formatDuration(d))
	return nil
}

func formatDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.3g s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.3g ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.3g µs", float64(d)/1e3)
}
