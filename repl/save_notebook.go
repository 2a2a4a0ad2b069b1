package repl

import (
	"fmt"
	"strings"

	"github.com/nnlab/nnlab/internal/atomicfile"
	"github.com/nnlab/nnlab/jupyter/notebook"
)

// saveNotebook writes the cells that succeeded as a Jupyter notebook
// (nbformat 4.5) for the nnlab kernel: one code cell each, numbered, with
// the value it displayed as its result. Output the cells printed is not
// kept (the REPL shows it as it comes).
func saveNotebook(r *REPL, path string) error {
	nb := notebook.New()
	n := 0
	for _, c := range r.cells {
		if !c.ok {
			continue
		}
		n++
		cell := nb.Add("code", strings.TrimRight(c.src, "\n"))
		count := n
		cell.ExecutionCount = &count
		if c.out != "" {
			cell.Outputs = []any{map[string]any{
				"output_type":     "execute_result",
				"execution_count": count,
				"data":            map[string]any{"text/plain": strings.TrimRight(c.out, "\n")},
				"metadata":        map[string]any{},
			}}
		}
	}
	if err := atomicfile.Write(expandHome(path), 0o644, nb.Write); err != nil {
		return fmt.Errorf("save: %v", err)
	}
	fmt.Fprintf(r.out, "saved %d cells to %s\n", n, path)
	return nil
}
