package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/chzyer/readline"
)

// Prompts of the terminal front end.
const (
	Prompt         = ">>> "
	ContinuePrompt = "... "
)

// runTerminal is the interactive loop: readline with prompts, history,
// completion and Ctrl-C handling.
func (r *REPL) runTerminal() error {
	cfg := &readline.Config{
		Prompt:                 Prompt,
		HistoryLimit:           r.cfg.HistoryLimit,
		DisableAutoSaveHistory: true, // cells, not lines, are history entries
		AutoComplete:           completer{r},
		InterruptPrompt:        "^C",
		EOFPrompt:              "\n", // readline's spelling of "print nothing"
		Stdout:                 r.cfg.Stdout,
		Stderr:                 r.cfg.Stderr,
	}
	defer setUpConsole(cfg)()
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return err
	}
	defer closeSoon(rl)
	defer restoreOnKill(rl)()
	// Read a line; output that arrives meanwhile goes through readline.
	readLine := func() (string, error) {
		r.screen.setPrompt(true, rl.Stdout(), rl.Stderr())
		defer r.screen.setPrompt(false, nil, nil)
		return rl.Readline()
	}

	hist := loadHistory(r.cfg.HistoryFile, r.cfg.HistoryLimit)
	resetReadlineHistory(rl, hist)
	r.confirm = func(question string) bool {
		rl.SetPrompt(question)
		answer, err := readLine()
		return err == nil && strings.HasPrefix(strings.ToLower(strings.TrimSpace(answer)), "y")
	}
	defer func() { r.confirm = func(string) bool { return true } }()
	// A cell's read of standard input: a line typed with no prompt (the
	// cell prints its own). Ctrl-C stops the cell, Ctrl-D is end of input.
	r.cellLine = func(context.Context) (string, error) {
		rl.SetPrompt("")
		line, err := readLine()
		if errors.Is(err, readline.ErrInterrupt) {
			return "", errReadInterrupted
		}
		return line, err
	}
	defer func() { r.cellLine = nil }()

	fmt.Fprintln(r.out, r.banner())
	var lines []string // the pending cell
	for !r.quit {
		if len(lines) == 0 {
			rl.SetPrompt(Prompt)
		} else {
			rl.SetPrompt(ContinuePrompt)
		}
		line, err := readLine()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			lines = nil // drop the pending input, half-typed cell included
			continue
		case errors.Is(err, io.EOF) && len(lines) > 0:
			lines = nil // Ctrl-D at "... " drops the pending cell, as Ctrl-C does
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return err
		}
		// A recalled multi-line cell arrives as one encoded line.
		lines = append(lines, strings.Split(decodeHistory(line), "\n")...)
		cell := strings.Join(lines, "\n")
		if strings.TrimSpace(cell) == "" {
			lines = nil
			continue
		}
		_, _, isCmd := parseCommand(cell)
		if !isCmd && r.cfg.NeedsMore(cell) {
			continue
		}
		lines = nil
		hist.add(cell)
		resetReadlineHistory(rl, hist)
		r.execute(cell)
		r.screen.endLine() // the next prompt on a line of its own
	}
	return nil
}

// closeSoon closes rl but gives up after a second: after a cell was
// interrupted, readline v1.5.1's Close can wait for good on its goroutine
// that reads the terminal (seen about once in 25 pty runs), and Ctrl-D must
// still end nnlab. Readline has left raw mode by then (Readline returned).
func closeSoon(rl *readline.Instance) {
	done := make(chan struct{})
	go func() {
		rl.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
	}
}

// resetReadlineHistory loads hist into readline afresh. Doing so after every
// new entry also resets readline's browsing position and any edits made to
// recalled entries, so Up always starts from the newest cell.
func resetReadlineHistory(rl *readline.Instance, hist *history) {
	rl.ResetHistory()
	for _, e := range hist.entries {
		rl.SaveHistory(e) // in memory only: readline has no HistoryFile
	}
}

// banner is the welcome line.
func (r *REPL) banner() string {
	v := r.cfg.Version
	if v == "" {
		v = "dev"
	}
	return fmt.Sprintf("nnlab %s: neural networks in Go, one cell at a time. Type :help for help, Ctrl-D to quit.", v)
}
