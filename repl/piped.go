package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// runPiped reads cells from a non-terminal Stdin: no prompts, no escape
// codes. A cell ends at the first line where NeedsMore reports it complete;
// a cell still open at end of input is run as it is, so its error shows.
// Errors go to Stderr prefixed with the cell's first line number, and the
// run goes on; Run then returns ErrCellFailed. A Ctrl-C stops the running
// cell and the whole run (ErrInterrupted).
func (r *REPL) runPiped() error {
	linec := make(chan string)
	errc := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		br := bufio.NewReader(r.cfg.Stdin)
		for {
			line, err := br.ReadString('\n')
			if line != "" || err == nil {
				select {
				case linec <- strings.TrimRight(line, "\r\n"):
				case <-stop:
					return
				}
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				}
				errc <- err
				close(linec)
				return
			}
		}
	}()

	failed := false
	var lines []string
	lineNo, start := 0, 0
	// A cell's read of standard input takes the next line of the input,
	// as a Go program run with this input would.
	r.cellLine = func(ctx context.Context) (string, error) {
		select {
		case line, more := <-linec:
			if !more {
				return "", io.EOF
			}
			lineNo++
			return line, nil
		case <-ctx.Done():
			return "", errReadInterrupted
		}
	}
	defer func() { r.cellLine = nil }()
	run := func() (interrupted bool) {
		cell := strings.Join(lines, "\n")
		lines = nil
		if strings.TrimSpace(cell) == "" {
			return false
		}
		r.firstLine = start
		ok, intr := r.execute(cell)
		r.firstLine = 0
		failed = failed || !ok
		return intr
	}
	for !r.quit {
		select {
		case <-r.sigc:
			fmt.Fprintln(r.err, "interrupted")
			return ErrInterrupted
		case line, more := <-linec:
			if !more {
				if run() {
					return ErrInterrupted
				}
				if err := <-errc; err != nil {
					return err
				}
				return r.result(failed)
			}
			lineNo++
			if len(lines) == 0 {
				start = lineNo
			}
			lines = append(lines, line)
			cell := strings.Join(lines, "\n")
			if _, _, isCmd := parseCommand(cell); !isCmd && r.cfg.NeedsMore(cell) {
				continue
			}
			if run() {
				return ErrInterrupted
			}
		}
	}
	return r.result(failed)
}

func (r *REPL) result(failed bool) error {
	if failed {
		return ErrCellFailed
	}
	return nil
}
