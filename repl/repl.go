// Package repl is nnlab's read-eval-print loop: the front end that reads
// cells (one or more lines of Go) from a terminal or a pipe, hands them to an
// interpreter session, prints what they display and survives their errors.
//
// On a terminal it uses github.com/chzyer/readline: ">>> " and "... "
// prompts, multi-line cells, a history in which a whole multi-line cell is
// one entry, Tab completion and Ctrl-C handling (at the prompt it drops the
// pending input; during a cell it stops the cell and keeps every value).
// From a pipe it reads the same cells without prompts or escape codes.
//
// Lines that start with ':' are REPL commands (:help, :vars, :load, ...),
// kept in a table that other packages can extend with [REPL.Register].
package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Session is what the REPL needs from an interpreter session.
// *runtime.Session (package github.com/nnlab/nnlab/runtime) implements it.
type Session interface {
	// Eval runs one cell. out is the display of a bare expression ("" for
	// anything else); err is one clear line. Cancelling ctx stops the cell;
	// Eval returns once it has really stopped, with the session's state kept.
	Eval(ctx context.Context, src string) (out string, err error)
	// RunFile runs a Go script (package main) in the session.
	RunFile(ctx context.Context, path string) error
	// Complete proposes completions for line with the cursor at byte offset
	// pos: full candidates that replace line[replaceFrom:pos].
	Complete(line string, pos int) (candidates []string, replaceFrom int)
	// Names lists the names the user defined in the session.
	Names() []string
}

// TypeNamer is an optional interface of a Session: the type of a name
// defined in the session, for :vars. ok is false when the type is unknown.
type TypeNamer interface {
	TypeOf(name string) (typ string, ok bool)
}

// Describer is an optional interface of a Session: a short account of a
// name's value for :vars (a tensor's shape, a number's value).
type Describer interface {
	Describe(name string) string
}

// ErrCellFailed is returned by [REPL.Run] when reading from a pipe and at
// least one cell or command failed (the others still ran).
var ErrCellFailed = errors.New("one or more cells failed")

// ErrInterrupted is returned by [REPL.Run] when a piped run was stopped by
// an interrupt (Ctrl-C): the cell in progress was cancelled and the rest of
// the input was not read.
var ErrInterrupted = errors.New("interrupted")

// Config configures a REPL. NewSession and NeedsMore are required.
type Config struct {
	// NewSession makes a fresh session that writes to stdout and stderr
	// (which lead to Config.Stdout and Config.Stderr). New calls it, and
	// :reset calls it again.
	NewSession func(stdout, stderr io.Writer) (Session, error)
	// NeedsMore reports whether src is an incomplete cell that needs more
	// lines (open brackets, unterminated raw string, trailing operator).
	NeedsMore func(src string) bool

	// Stdin, Stdout and Stderr default to the process's own.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Terminal selects the interactive front end (readline, prompts,
	// history, completion), which reads the process's terminal on os.Stdin
	// and ignores Stdin. When false, cells are read from Stdin with no
	// prompts or escape codes.
	Terminal bool
	// HistoryFile is where the terminal front end keeps its history; ""
	// keeps none. See [DefaultHistoryFile].
	HistoryFile string
	// HistoryLimit is the number of history entries kept (default 1000).
	HistoryLimit int
	// Version is shown in the welcome banner.
	Version string
	// Interrupts delivers interrupt requests (Ctrl-C). When nil, New
	// subscribes to os.Interrupt itself and Close unsubscribes.
	Interrupts <-chan os.Signal
}

// REPL is one read-eval-print loop around a session. Its methods other than
// Run are meant for command handlers; a REPL is not safe for concurrent use.
type REPL struct {
	cfg      Config
	sess     Session
	commands map[string]Command
	sigc     <-chan os.Signal
	stopSig  func()
	screen   *screen
	out, err io.Writer // the screen's streams
	quit     bool
	// firstLine is the input line where the running piped cell starts (0
	// on a terminal): error messages are placed at input lines with it.
	firstLine int
	// confirm asks a yes/no question; set by the front end in use.
	confirm func(question string) bool
	// cells are the cells run so far, for :history and :save.
	cells []cellRecord
	// shown is what the last Eval displayed (for :save).
	shown string
	// input is the cells' standard input; cellLine, set by the front end
	// in use, reads one line of it for the running cell.
	input    *input
	cellLine func(ctx context.Context) (string, error)
	// timeit bounds :timeit's runs; the zero value is timeitDefaults.
	timeit timeitLimits
}

// New makes a REPL and its first session. Call Close when done with it.
func New(cfg Config) (*REPL, error) {
	if cfg.NewSession == nil || cfg.NeedsMore == nil {
		return nil, errors.New("repl: Config.NewSession and Config.NeedsMore are required")
	}
	if cfg.Stdin == nil {
		cfg.Stdin = os.Stdin
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	if cfg.HistoryLimit <= 0 {
		cfg.HistoryLimit = 1000
	}
	r := &REPL{cfg: cfg, screen: &screen{stdout: cfg.Stdout, stderr: cfg.Stderr}, input: &input{}}
	r.out, r.err = stream{s: r.screen}, stream{s: r.screen, stderr: true}
	if err := r.newSession(); err != nil {
		return nil, err
	}
	r.commands = map[string]Command{}
	for _, c := range builtinCommands() {
		r.Register(c)
	}
	r.sigc = cfg.Interrupts
	if r.sigc == nil {
		c := make(chan os.Signal, 1)
		signal.Notify(c, os.Interrupt)
		r.sigc = c
		r.stopSig = func() { signal.Stop(c) }
	}
	r.confirm = func(string) bool { return true }
	return r, nil
}

// newSession replaces the session with a new one.
func (r *REPL) newSession() error {
	s, err := r.cfg.NewSession(r.out, r.err)
	if err != nil {
		return err
	}
	if c, ok := r.sess.(interface{ Close() error }); ok {
		c.Close()
	}
	if si, ok := s.(interface{ SetStdin(io.Reader) }); ok {
		si.SetStdin(r.input) // cells read what the REPL reads for them
	}
	r.sess = s
	return nil
}

// Close releases the REPL's signal subscription. It does not close the
// session.
func (r *REPL) Close() {
	if r.stopSig != nil {
		r.stopSig()
		r.stopSig = nil
	}
}

// Session returns the current session (it changes on :reset).
func (r *REPL) Session() Session { return r.sess }

// Stdout is where results and command output go.
func (r *REPL) Stdout() io.Writer { return r.out }

// Stderr is where errors and diagnostics go.
func (r *REPL) Stderr() io.Writer { return r.err }

// Quit makes Run return after the current cell or command.
func (r *REPL) Quit() { r.quit = true }

// Confirm asks the user a yes/no question and reports whether the answer
// was yes. On a terminal it reads the answer; when reading from a pipe it
// does not consume input and answers yes.
func (r *REPL) Confirm(question string) bool { return r.confirm(question) }

// Run reads and runs cells until end of input, Ctrl-D at an empty prompt
// or :quit. On a terminal it returns nil at the end. From a pipe it returns
// ErrCellFailed if any cell failed and ErrInterrupted after a Ctrl-C.
func (r *REPL) Run() error {
	if r.cfg.Terminal {
		return r.runTerminal()
	}
	return r.runPiped()
}

// Load runs a Go script into the session, as :load does; Ctrl-C stops it.
func (r *REPL) Load(path string) error {
	intr, err := r.interruptible(func(ctx context.Context) error {
		return r.sess.RunFile(ctx, path)
	})
	if intr {
		return ErrInterrupted
	}
	return err
}

// Eval runs one cell with ctx and prints what it displays to Stdout. It
// returns the cell's error without printing it. Command handlers that run
// code use it with the ctx they were given, which Ctrl-C cancels.
func (r *REPL) Eval(ctx context.Context, src string) error {
	out, err := r.sess.Eval(ctx, src)
	r.shown = out
	if out != "" {
		r.screen.endLine() // a value on a line of its own, after the cell's fmt.Print("...")
		fmt.Fprint(r.out, out)
		if !strings.HasSuffix(out, "\n") {
			fmt.Fprintln(r.out)
		}
	}
	return err
}

// execute runs one cell or command line, reports its error or interruption,
// and returns false if it failed or was interrupted.
func (r *REPL) execute(src string) (ok, interrupted bool) {
	var err error
	if name, args, isCmd := parseCommand(src); isCmd {
		interrupted, err = r.interruptible(func(ctx context.Context) error {
			return r.runCommand(ctx, name, args)
		})
	} else {
		if hint := r.quitHint(src); hint != "" {
			fmt.Fprintln(r.err, r.locate(hint))
			return false, false
		}
		interrupted, err = r.interruptible(func(ctx context.Context) error {
			return r.Eval(ctx, src)
		})
		r.record(src, err == nil && !interrupted)
	}
	if interrupted || err != nil {
		r.screen.endLine() // the message on a line of its own
	}
	switch {
	case interrupted:
		fmt.Fprintln(r.err, r.locate(r.interruptedAt()))
		return false, true
	case err != nil:
		fmt.Fprintln(r.err, r.locate(strings.TrimRight(err.Error(), "\n")))
		return false, false
	}
	return true, false
}

// cellPos matches the position that starts an interpreter message about a
// cell: "line L:C: " or "line L: ", L counted from the cell's first line.
var cellPos = regexp.MustCompile(`^line (\d+)(:\d+)?: `)

// locate places a message about the running piped cell in the input: a
// position relative to the cell becomes one in the input, and a message
// without one gets the cell's first line. On a terminal it changes nothing.
func (r *REPL) locate(msg string) string {
	if r.firstLine == 0 {
		return msg
	}
	if m := cellPos.FindStringSubmatchIndex(msg); m != nil {
		n, _ := strconv.Atoi(msg[m[2]:m[3]])
		return fmt.Sprintf("line %d%s", r.firstLine+n-1, msg[m[3]:])
	}
	return fmt.Sprintf("line %d: %s", r.firstLine, msg)
}

// interruptible runs f with a context that an interrupt cancels. Stale
// interrupts are dropped first, so only a Ctrl-C pressed while f runs counts.
// It returns after f did, whatever the number of interrupts; if f does not
// stop promptly (a long compiled call), a further Ctrl-C says so.
// interrupted reports that f failed after an interrupt: one that came as f
// was completing anyway does not count. While f runs, its reads of standard
// input are served here, one line at a time (see input).
func (r *REPL) interruptible(f func(ctx context.Context) error) (interrupted bool, err error) {
	drain(r.sigc)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	signalled := 0
	stop := func() {
		mu.Lock()
		defer mu.Unlock()
		signalled++
		cancel()
		if signalled == 1 && r.cfg.Terminal {
			// The terminal echoed ^C without a newline: what the session
			// says while it stops (a call left behind) starts a line.
			fmt.Fprintln(r.err)
		}
		if signalled == 2 {
			fmt.Fprintln(r.err, "\nstopping: waiting for the running compiled call to return")
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			case <-r.sigc:
				stop()
			}
		}
	}()
	g := r.input.open()
	errc := make(chan error, 1)
	go func() { errc <- f(ctx) }()
	for waiting := true; waiting; {
		select {
		case err = <-errc:
			waiting = false
		case req := <-g.reqc:
			res := lineResult{err: io.EOF}
			if ctx.Err() == nil && r.cellLine != nil {
				res.line, res.err = r.cellLine(ctx)
			}
			if errors.Is(res.err, errReadInterrupted) && ctx.Err() == nil {
				stop() // Ctrl-C at the cell's input line (readline's raw mode)
			}
			req <- res
		}
	}
	r.input.close(g)
	close(done)
	wg.Wait() // signalled is final
	return signalled > 0 && err != nil, err
}

// drain drops pending signals.
func drain(c <-chan os.Signal) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

// quitHint answers a user who types exit or quit as in a shell or Python,
// unless the session defines that name.
func (r *REPL) quitHint(src string) string {
	word := strings.TrimSuffix(strings.TrimSpace(src), "()")
	if word != "exit" && word != "quit" {
		return ""
	}
	for _, n := range r.sess.Names() {
		if n == word {
			return ""
		}
	}
	return "use :quit or Ctrl-D to leave"
}
