// Package notebook reads and writes Jupyter notebooks (nbformat 4.5) for
// nnlab: the code cells of a notebook to run in order, and a notebook made
// from a Go script's "// %%" cells.
package notebook

//go:generate go run ./go2ipynb -o ../../examples/tutorial.ipynb ../../examples/tutorial.go

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nnlab/nnlab/runtime"
)

// Notebook is an nbformat 4 notebook.
type Notebook struct {
	Cells         []Cell         `json:"cells"`
	Metadata      map[string]any `json:"metadata"`
	NBFormat      int            `json:"nbformat"`
	NBFormatMinor int            `json:"nbformat_minor"`
}

// Cell is one cell. Source is kept as a string; in a file it may be a
// string or a list of lines.
type Cell struct {
	ID             string         `json:"id,omitempty"`
	CellType       string         `json:"cell_type"` // "code", "markdown" or "raw"
	Metadata       map[string]any `json:"metadata"`
	Source         Source         `json:"source"`
	Outputs        []any          `json:"outputs,omitempty"`
	ExecutionCount *int           `json:"execution_count,omitempty"`
}

// MarshalJSON writes a cell as nbformat 4.5 wants it: code cells with
// their outputs and execution_count (null when not run), other cells
// without.
func (c Cell) MarshalJSON() ([]byte, error) {
	type plain Cell // without this method
	if c.CellType != "code" {
		c.Outputs, c.ExecutionCount = nil, nil
		return json.Marshal(plain(c))
	}
	outputs := c.Outputs
	if outputs == nil {
		outputs = []any{}
	}
	return json.Marshal(struct {
		plain
		Outputs        []any `json:"outputs"`
		ExecutionCount *int  `json:"execution_count"`
	}{plain(c), outputs, c.ExecutionCount})
}

// Source is a cell's text: in JSON a string or a list of strings (lines
// with their newlines), written as a list, as Jupyter does.
type Source string

// UnmarshalJSON accepts both forms.
func (s *Source) UnmarshalJSON(b []byte) error {
	var str string
	if err := json.Unmarshal(b, &str); err == nil {
		*s = Source(str)
		return nil
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return fmt.Errorf("cell source: want a string or a list of strings")
	}
	*s = Source(strings.Join(lines, ""))
	return nil
}

// MarshalJSON writes the source as a list of lines.
func (s Source) MarshalJSON() ([]byte, error) {
	lines := []string{}
	for rest := string(s); rest != ""; {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			lines = append(lines, rest)
			break
		}
		lines = append(lines, rest[:i+1])
		rest = rest[i+1:]
	}
	return json.Marshal(lines)
}

// Read reads a notebook file.
func Read(path string) (*Notebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var nb Notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		return nil, fmt.Errorf("%s: not a notebook: %w", path, err)
	}
	if nb.NBFormat != 4 {
		return nil, fmt.Errorf("%s: nbformat %d: only version 4 notebooks can be read", path, nb.NBFormat)
	}
	return &nb, nil
}

// CodeCells returns the sources of the notebook's code cells, in order.
func (nb *Notebook) CodeCells() []string {
	var out []string
	for _, c := range nb.Cells {
		if c.CellType == "code" {
			out = append(out, string(c.Source))
		}
	}
	return out
}

// New returns an empty notebook for the nnlab kernel.
func New() *Notebook {
	return &Notebook{
		Metadata: map[string]any{
			"kernelspec":    map[string]any{"name": "nnlab", "display_name": "nnlab (Go)", "language": "go"},
			"language_info": map[string]any{"name": "go", "file_extension": ".go", "mimetype": "text/x-go", "codemirror_mode": "go", "pygments_lexer": "go"},
		},
		NBFormat:      4,
		NBFormatMinor: 5,
	}
}

// Add appends a cell of type typ ("code" or "markdown") with an id made
// from its position, so the same cells always make the same file.
func (nb *Notebook) Add(typ, src string) *Cell {
	c := Cell{ID: fmt.Sprintf("cell-%d", len(nb.Cells)+1), CellType: typ, Metadata: map[string]any{}, Source: Source(src)}
	if typ == "code" {
		c.Outputs = []any{}
	}
	nb.Cells = append(nb.Cells, c)
	return &nb.Cells[len(nb.Cells)-1]
}

// Write writes the notebook as Jupyter does: indented JSON, one key a
// line, ending with a newline.
func (nb *Notebook) Write(w io.Writer) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(nb); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// FromScript makes a notebook from a Go script with "// %%" cells (see
// runtime.FileCells): a code cell with its imports and declarations, then
// for each cell a markdown heading with its title and a code cell with its
// statements.
func FromScript(path string) (*Notebook, error) {
	decls, cells, err := runtime.FileCells(path)
	if err != nil {
		return nil, err
	}
	nb := New()
	if d := strings.TrimSpace(decls); d != "" {
		nb.Add("code", d)
	}
	for _, c := range cells {
		if t := strings.TrimSpace(c.Title); t != "" {
			nb.Add("markdown", "## "+t)
		}
		nb.Add("code", dedent(dropMarker(c.Src)))
	}
	return nb, nil
}

// dropMarker removes the "// %%" line that starts a cell's source: the
// notebook's cells are its markers.
func dropMarker(src string) string {
	first, rest, _ := strings.Cut(strings.TrimLeft(src, "\n"), "\n")
	if strings.HasPrefix(strings.TrimSpace(first), runtime.CellMarker) {
		return rest
	}
	return src
}

// dedent removes the indentation that all non-blank lines of s share (a
// cell's statements are indented as the body of main), and blank lines at
// either end.
func dedent(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	prefix := ""
	first := true
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		ind := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			prefix, first = ind, false
			continue
		}
		for !strings.HasPrefix(ind, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, prefix)
		if strings.TrimSpace(lines[i]) == "" {
			lines[i] = ""
		}
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}
