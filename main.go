// Command nnlab is a notebook-style REPL for neural networks in Go: type
// the MNIST tutorial step by step, or run a Go script.
//
//	nnlab                   open the REPL
//	nnlab FILE.go [ARGS]    run a script (package main)
//	nnlab -i FILE.go        run a script, then stay in the REPL with its values
//	... | nnlab             run cells from a pipe, without prompts
//
// Run nnlab --help for details.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime/debug"

	"github.com/chzyer/readline"

	"github.com/nnlab/nnlab/repl"
	"github.com/nnlab/nnlab/runtime"
)

// version is nnlab's release; a build from a tagged module adds its version.
const version = "0.1.0-dev"

const usage = `nnlab: neural networks in Go, one cell at a time.

Usage:
  nnlab                     open the REPL
  nnlab FILE.go [ARGS...]   run a Go script (package main) and exit
  nnlab FILE.ipynb [ARGS]   run a Jupyter notebook's code cells in order
  nnlab -i FILE.go [ARGS]   run a script, then stay in the REPL with its values
  nnlab kernel install [--user | --sys-prefix | --prefix DIR]
                            install the Jupyter kernel (nnlab kernel --help)
  nnlab --help | --version

Examples:
  nnlab
      >>> x := 2 + 3
      >>> x * 10
      50
      >>> :help
  nnlab train.go -epochs 3  the script sees os.Args = [train.go -epochs 3]
  nnlab -i train.go         inspect the trained weights afterwards
  nnlab < cells.go          run cells from a file or pipe: no prompts,
                            results on stdout, errors on stderr

When stdin is not a terminal, nnlab reads cells from it, runs every one
even after an error, and exits with status 1 if any cell failed (0 if none
did). A script that fails exits with status 1 and one error line; one that
calls os.Exit(n) exits with status n. Ctrl-C stops the running cell (the
REPL keeps every value) or script (status 130). In the REPL, :help lists
the commands.

Environment:
  NNLAB_HISTORY   history file (default ~/.nnlab_history; empty: none)
  NNLAB_DISPLAY   how values are drawn on a terminal: halfblock, ascii,
                  plain, kitty, iterm or sixel (default: detected)
  NNLAB_GEMM      avx512, avx2 or generic: use at most these matrix and
                  vector kernels (default: the fastest this CPU runs)
  NNLAB_SPARSE    off: no sparse shortcut in matrix products
  NNLAB_WINOGRAD  off: 3x3 convolutions by im2col only, never Winograd
  NNLAB_FUSE      off: no bias and ReLU fused into the product before them
  NNLAB_FUSED_UPDATE
                  off: the first layer's weight gradient is stored and then
                  applied, not applied block by block as it is made
  GOGC            the garbage collector's growth target; when unset,
                  reading MNIST sets it to 25% (the data stay in memory,
                  and a smaller heap reuses its pages)
  MNIST_DIR       where ReadDataSets("") and the tutorial's "MNIST_data/"
                  find the MNIST files (default: the Go module cache)
  GOMODCACHE, GOPATH, HOME
                  where the Go module cache is, to find the MNIST files
                  (also read from the go command's settings, $GOENV);
                  nnlab never runs the go command
  NO_COLOR        any value: no colour
  TERM            dumb: plain text, and training progress line by line
                  (no bar or chart redrawn in place); also used with
                  COLORTERM, LANG/LC_ALL/LC_CTYPE, KITTY_WINDOW_ID,
                  TERM_PROGRAM and LC_TERMINAL to detect what it can draw
  COLUMNS         width of the output when it is not a terminal
  WT_SESSION      set by Windows Terminal: UTF-8 and 24-bit colour
  JUPYTER_DATA_DIR, XDG_DATA_HOME, APPDATA
                  where "nnlab kernel install --user" puts the kernelspec
                  (default: Jupyter's data directory for this system)
`

func main() {
	// yaegi logs some compile-phase failures through the standard logger,
	// after the runtime has already reported them as one clear line.
	log.SetOutput(io.Discard)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is nnlab with its arguments; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "kernel" {
		return runKernel(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("nnlab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "run 'nnlab --help' for usage") }
	var help, showVersion, interactive bool
	fs.BoolVar(&help, "help", false, "print usage")
	fs.BoolVar(&help, "h", false, "print usage")
	fs.BoolVar(&showVersion, "version", false, "print the version")
	fs.BoolVar(&interactive, "i", false, "stay in the REPL after the script")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch {
	case help:
		fmt.Fprint(stdout, usage)
		return 0
	case showVersion:
		fmt.Fprintln(stdout, "nnlab", versionString())
		return 0
	}
	// Flag parsing stops at the script's name: what follows is its own.
	rest := fs.Args()
	if len(rest) > 0 && !interactive {
		if isNotebook(rest[0]) {
			return runNotebook(rest, stdout, stderr)
		}
		return runScript(rest, stdout, stderr)
	}
	return runREPL(rest, stdout, stderr)
}

// runScript runs args[0] with args as its os.Args.
func runScript(args []string, stdout, stderr io.Writer) int {
	sess, err := runtime.New(runtime.Options{Stdout: stdout, Stderr: stderr, Args: args})
	if err != nil {
		fmt.Fprintln(stderr, "nnlab:", err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt)
	defer signal.Stop(sigc)
	interrupted := make(chan struct{})
	go func() {
		if _, ok := <-sigc; !ok {
			return
		}
		close(interrupted)
		cancel()
		<-sigc // a second Ctrl-C while a compiled call still runs: leave now
		fmt.Fprintln(stderr, "\nnnlab: interrupted")
		os.Exit(130)
	}()
	err = sess.RunFile(ctx, args[0])
	select {
	case <-interrupted:
		fmt.Fprintln(stderr, "\nnnlab: interrupted")
		return 130
	default:
	}
	var exit runtime.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.Code // os.Exit(n) in the script: its status, no message
	case err != nil:
		fmt.Fprintln(stderr, "nnlab:", err)
		return 1
	}
	return 0
}

// runREPL opens the REPL; with args it first runs args[0] into the session.
func runREPL(args []string, stdout, stderr io.Writer) int {
	terminal := readline.IsTerminal(int(os.Stdin.Fd())) && readline.IsTerminal(int(os.Stdout.Fd()))
	if len(args) == 0 {
		args = nil // the runtime's default os.Args for the REPL
	}
	r, err := repl.New(repl.Config{
		NewSession: func(stdout, stderr io.Writer) (repl.Session, error) {
			s, err := runtime.New(runtime.Options{Stdout: stdout, Stderr: stderr, Args: args, Terminal: terminal})
			if err != nil {
				return nil, err
			}
			return s, nil
		},
		NeedsMore:   runtime.NeedsMore,
		Stdout:      stdout,
		Stderr:      stderr,
		Terminal:    terminal,
		HistoryFile: repl.DefaultHistoryFile(),
		Version:     versionString(),
	})
	if err != nil {
		fmt.Fprintln(stderr, "nnlab:", err)
		return 1
	}
	defer r.Close()
	status := 0
	if len(args) > 0 {
		if err := r.Load(args[0]); err != nil {
			// Stay: the values the script made before failing are there.
			// From a pipe, the failure still shows in the exit status.
			fmt.Fprintln(stderr, "nnlab:", err)
			if !terminal {
				status = 1
			}
		}
	}
	switch err := r.Run(); {
	case errors.Is(err, repl.ErrInterrupted):
		return 130
	case errors.Is(err, repl.ErrCellFailed):
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "nnlab:", err)
		return 1
	}
	return status
}

// versionString is the version, with the module version and VCS revision
// of the build when they are known, and the Go toolchain.
func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	return buildVersion(bi)
}

// buildVersion names the build bi describes. A build from a git checkout is
// "0.1.0-dev+REV" (".dirty" with uncommitted changes): Go stamps such a
// build with a pseudo-version made from the same revision, which says no
// more. A module built by "go install ...@vX" has no VCS settings and is its
// module version; a plain build is the constant version.
func buildVersion(bi *debug.BuildInfo) string {
	v := version
	var rev string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	switch mv := bi.Main.Version; {
	case rev != "":
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += "+" + rev
		if dirty {
			v += ".dirty"
		}
	case mv != "" && mv != "(devel)":
		v = mv
	}
	if bi.GoVersion != "" {
		v += " (" + bi.GoVersion + ")"
	}
	return v
}
