package repl

import (
	"errors"
	"io"
	"sync"
)

// input is the standard input of the cells. A cell's read asks the REPL
// for a line while the cell runs (from the terminal, or the next line of
// piped input) and gets io.EOF between cells, so a read that a stopped
// cell left pending can never take a line typed at the prompt.
type input struct {
	mu   sync.Mutex
	rest []byte // what the running cell has not read of its last line
	gate *gate  // the running cell's, nil between cells
}

// gate connects the reads of one running cell to the REPL loop.
type gate struct {
	reqc chan chan lineResult
	done chan struct{}
}

type lineResult struct {
	line string
	err  error
}

// errReadInterrupted is what a cell's read gets when Ctrl-C is pressed
// while it waits for a line.
var errReadInterrupted = errors.New("interrupted")

// open starts serving the reads of a new cell.
func (in *input) open() *gate {
	g := &gate{reqc: make(chan chan lineResult), done: make(chan struct{})}
	in.mu.Lock()
	in.gate, in.rest = g, nil
	in.mu.Unlock()
	return g
}

// close ends g: pending and later reads get io.EOF, and what the cell did
// not read of its input is dropped.
func (in *input) close(g *gate) {
	in.mu.Lock()
	if in.gate == g {
		in.gate, in.rest = nil, nil
	}
	in.mu.Unlock()
	close(g.done)
}

// Read implements io.Reader for the interpreter's os.Stdin and fmt.Scan.
func (in *input) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	in.mu.Lock()
	if len(in.rest) > 0 {
		n := copy(p, in.rest)
		in.rest = in.rest[n:]
		in.mu.Unlock()
		return n, nil
	}
	g := in.gate
	in.mu.Unlock()
	if g == nil {
		return 0, io.EOF
	}
	req := make(chan lineResult, 1)
	select {
	case g.reqc <- req:
	case <-g.done:
		return 0, io.EOF
	}
	res := <-req
	if res.err != nil {
		return 0, res.err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.gate != g {
		return 0, io.EOF // the cell ended meanwhile
	}
	in.rest = append(in.rest, res.line+"\n"...)
	n := copy(p, in.rest)
	in.rest = in.rest[n:]
	return n, nil
}
