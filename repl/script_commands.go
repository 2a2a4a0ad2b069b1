package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nnlab/nnlab/nn/safetensors"
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

// cellRecord is one cell typed in this session, for :history and :save.
type cellRecord struct {
	src string
	ok  bool
	out string // what the cell displayed
}

// record notes a cell that ran (not commands).
func (r *REPL) record(src string, ok bool) {
	r.cells = append(r.cells, cellRecord{src: src, ok: ok, out: r.lastOut})
	r.lastOut = ""
}

func cmdRun(ctx context.Context, r *REPL, args string) error {
	if args == "" {
		return errors.New("usage: :run FILE.go[:N]")
	}
	path, only := expandHome(args), 0
	if i := strings.LastIndexByte(path, ':'); i > 0 && strings.HasSuffix(path[:i], ".go") {
		n, err := strconv.Atoi(path[i+1:])
		if err != nil || n < 1 {
			return fmt.Errorf("run: %q: cell numbers start at 1", path[i+1:])
		}
		path, only = path[:i], n
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
	for i, c := range cells {
		if only != 0 && i+1 != only {
			continue
		}
		if c.Title != "" && r.cfg.Terminal {
			fmt.Fprintf(r.out, "# %%%% [%d] %s\n", i+1, c.Title)
		}
		if err := r.Eval(ctx, c.Src); err != nil {
			if ctx.Err() != nil {
				return err
			}
			return fmt.Errorf("run: %s cell %d (line %d): %v", path, i+1, c.Line, err)
		}
		r.record(c.Src, true)
	}
	return nil
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

// cmdSave writes the successful cells as a script: imports and
// declarations at the top level, statements in main with "// %%" markers,
// and each bare expression printed as the REPL showed it.
func cmdSave(ctx context.Context, r *REPL, args string) error {
	if strings.HasSuffix(args, ".ipynb") {
		return saveNotebook(r, args)
	}
	if args == "" || !strings.HasSuffix(args, ".go") {
		return errors.New("usage: :save FILE.go or :save FILE.ipynb")
	}
	imports := map[string]bool{`"fmt"`: true, `"github.com/nnlab/nnlab/nn"`: true, `"github.com/nnlab/nnlab/nn/mnist"`: true}
	var ok []string
	for _, c := range r.cells {
		if c.ok {
			ok = append(ok, c.src)
		}
	}
	var decls, body strings.Builder
	n := 0
	for _, part := range runtime.ScriptParts(ok) {
		switch part.Kind {
		case runtime.PartImport:
			for _, p := range part.Imports {
				imports[p] = true
			}
		case runtime.PartDecl:
			decls.WriteString(part.Text + "\n\n")
		default:
			n++
			text := part.Text
			if part.Kind == runtime.PartExpr {
				text = "fmt.Println(" + text + ")"
			}
			fmt.Fprintf(&body, "\t%s %d\n", runtime.CellMarker, n)
			for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
				body.WriteString("\t" + l + "\n")
			}
		}
	}
	var paths []string
	for p := range imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var src strings.Builder
	src.WriteString("//go:build ignore\n\n// Saved by nnlab's :save on " + time.Now().Format("2006-01-02 15:04") + ". Run it with: nnlab " + filepath.Base(args) + "\npackage main\n\nimport (\n")
	for _, p := range paths {
		src.WriteString("\t" + p + "\n")
	}
	src.WriteString(")\n\n" + decls.String() + "func main() {\n" + body.String() + "}\n")
	err := safetensors.WriteFileAtomic(expandHome(args), func(w io.Writer) error {
		_, err := w.Write([]byte(src.String()))
		return err
	})
	if err != nil {
		return fmt.Errorf("save: %v", err)
	}
	fmt.Fprintf(r.out, "saved %d cells to %s\n", n, args)
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
