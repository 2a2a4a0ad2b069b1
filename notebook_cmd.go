package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/nnlab/nnlab/jupyter/notebook"
	"github.com/nnlab/nnlab/nn/model"
	"github.com/nnlab/nnlab/runtime"
)

// isNotebook reports whether path names a Jupyter notebook.
func isNotebook(path string) bool { return strings.HasSuffix(path, ".ipynb") }

// runNotebook runs the code cells of the notebook args[0] in order, as a
// script: what a cell displays goes to stdout, and the first cell that
// fails ends the run with its error and status 1. Ctrl-C stops it (130).
func runNotebook(args []string, stdout, stderr io.Writer) int {
	nb, err := notebook.Read(args[0])
	if err != nil {
		fmt.Fprintln(stderr, "nnlab:", err)
		return 1
	}
	sess, err := runtime.New(runtime.Options{Stdout: stdout, Stderr: stderr, Args: args})
	if err != nil {
		fmt.Fprintln(stderr, "nnlab:", err)
		return 1
	}
	model.Output = stdout
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt)
	defer signal.Stop(sigc)
	go func() {
		if _, ok := <-sigc; !ok {
			return
		}
		cancel()
		<-sigc // a second Ctrl-C while a compiled call still runs: leave now
		fmt.Fprintln(stderr, "\nnnlab: interrupted")
		os.Exit(130)
	}()
	for i, src := range nb.CodeCells() {
		out, err := sess.Eval(ctx, src)
		if out != "" {
			fmt.Fprintln(stdout, strings.TrimRight(out, "\n"))
		}
		var exit runtime.ExitError
		switch {
		case ctx.Err() != nil:
			fmt.Fprintln(stderr, "\nnnlab: interrupted")
			return 130
		case errors.As(err, &exit):
			return exit.Code
		case err != nil:
			fmt.Fprintf(stderr, "nnlab: %s: code cell %d: %v\n", args[0], i+1, err)
			return 1
		}
	}
	return 0
}
