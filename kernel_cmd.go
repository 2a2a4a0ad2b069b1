package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/nnlab/nnlab/jupyter/kernel"
	"github.com/nnlab/nnlab/jupyter/kernelspec"
	"github.com/nnlab/nnlab/jupyter/wire"
	"github.com/nnlab/nnlab/nn/model"
	"github.com/nnlab/nnlab/repl"
	"github.com/nnlab/nnlab/runtime"
)

const kernelUsage = `Usage:
  nnlab kernel install [--user | --sys-prefix | --prefix DIR]
      write the Jupyter kernelspec kernels/nnlab (kernel.json, logos) that
      starts this binary: with --user (the default) under $JUPYTER_DATA_DIR
      or the user's Jupyter data directory, with --sys-prefix under the
      Python environment's share/jupyter, with --prefix under DIR/share/jupyter.
  nnlab kernel -f CONNECTION_FILE
      run the kernel (this is what Jupyter starts).
`

// runKernel is `nnlab kernel ...`: install the kernelspec, or serve one
// kernel for a front end.
func runKernel(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "install" {
		return installKernel(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("nnlab kernel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, kernelUsage) }
	connFile := fs.String("f", "", "the connection file Jupyter wrote")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *connFile == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	ci, err := wire.ReadConnectionFile(*connFile)
	if err != nil {
		fmt.Fprintln(stderr, "nnlab kernel:", err)
		return 1
	}
	// SIGINT stops the running cell, for front ends that interrupt with a
	// signal; the kernel goes on.
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt)
	defer signal.Stop(sigc)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go watchParent(ctx, cancel)
	var commands *repl.REPL // the REPL's commands, on the kernel's session
	err = kernel.Run(ctx, kernel.Config{
		Conn: ci,
		NewSession: func(stdin io.Reader, stdout, stderr io.Writer, d *kernel.Display) (kernel.Session, error) {
			// Fit's progress goes to model.Output, which is the process's
			// stdout unless set: in a kernel that is Jupyter's log. Here
			// it is one display updated in place (model.Panel).
			model.Output = d.FitOutput(stdout)
			s, err := runtime.New(runtime.Options{Stdin: stdin, Stdout: stdout, Stderr: stderr, Display: d.Value})
			if err != nil {
				return nil, err
			}
			if commands, err = kernelCommands(s, stdin, stdout, stderr); err != nil {
				return nil, err
			}
			return s, nil
		},
		Command: func(ctx context.Context, code string) (bool, error) {
			return commands.Command(ctx, strings.TrimSpace(code))
		},
		CommandNames: repl.CommandNames(),
		NeedsMore:    runtime.NeedsMore,
		Version:      versionString(),
		Log:          log.New(stderr, "nnlab kernel: ", log.LstdFlags),
		Interrupts:   sigc,
	})
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "nnlab kernel: the process that started the kernel has gone: stopping")
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "nnlab kernel:", err)
		return 1
	}
	return 0
}

// kernelCommands gives a kernel the REPL's commands (:doc, :vars, :time,
// :load, :save-model, ...) on session s. The commands that belong to a
// terminal session say what does their work in a notebook instead.
func kernelCommands(s *runtime.Session, stdin io.Reader, stdout, stderr io.Writer) (*repl.REPL, error) {
	r, err := repl.New(repl.Config{
		NewSession: func(io.Writer, io.Writer) (repl.Session, error) { return s, nil },
		NeedsMore:  runtime.NeedsMore,
		Stdin:      stdin,
		Stdout:     stdout,
		Stderr:     stderr,
		Interrupts: make(chan os.Signal), // the kernel stops commands through their ctx
	})
	if err != nil {
		return nil, err
	}
	s.SetStdin(stdin) // repl.New gave the session the REPL's input; a notebook's is the kernel's
	for name, instead := range map[string]string{
		"quit":    "shut the kernel down from the notebook (Kernel > Shut Down)",
		"reset":   "restart the kernel (Kernel > Restart) for a new session",
		"save":    "the notebook keeps the cells (File > Save; nnlab FILE.ipynb runs it as a script)",
		"history": "the notebook keeps the cells",
		"draw":    "draw in a terminal's REPL (nnlab), or load an image with mnist.LoadImage",
	} {
		r.Register(repl.Command{Name: name, Help: "(in a terminal's REPL; here: " + instead + ")",
			Run: func(context.Context, *repl.REPL, string) error {
				return fmt.Errorf(":%s is a command of the terminal's REPL: in Jupyter, %s", name, instead)
			}})
	}
	return r, nil
}

// watchParent calls stop when the process that started the kernel has
// gone (the kernel is then reparented), so that a front end that died
// without a shutdown_request leaves no kernel behind.
func watchParent(ctx context.Context, stop func()) {
	ppid := os.Getppid()
	if ppid <= 1 {
		return
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if os.Getppid() != ppid {
				stop()
				return
			}
		}
	}
}

// installKernel is `nnlab kernel install`.
func installKernel(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("nnlab kernel install", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, kernelUsage) }
	user := fs.Bool("user", false, "install for the current user (the default)")
	sysPrefix := fs.Bool("sys-prefix", false, "install into the Python environment's prefix")
	prefix := fs.String("prefix", "", "install under `DIR`/share/jupyter")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	n := 0
	for _, set := range []bool{*user, *sysPrefix, *prefix != ""} {
		if set {
			n++
		}
	}
	if n > 1 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "nnlab kernel install: give one of --user, --sys-prefix, --prefix DIR")
		return 2
	}
	var dataDir string
	var err error
	switch {
	case *prefix != "":
		dataDir = kernelspec.PrefixDataDir(*prefix)
	case *sysPrefix:
		var p string
		if p, err = kernelspec.SysPrefix(); err == nil {
			dataDir = kernelspec.PrefixDataDir(p)
		}
	default:
		dataDir, err = kernelspec.UserDataDir()
	}
	if err != nil {
		fmt.Fprintln(stderr, "nnlab kernel install:", err)
		return 1
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.Abs(exe)
	}
	if err != nil {
		fmt.Fprintln(stderr, "nnlab kernel install: the path of this binary:", err)
		return 1
	}
	dir, err := kernelspec.Install(dataDir, kernelspec.NewSpec(exe))
	if err != nil {
		fmt.Fprintln(stderr, "nnlab kernel install:", err)
		return 1
	}
	fmt.Fprintln(stdout, "installed the nnlab kernelspec in", dir)
	return 0
}
