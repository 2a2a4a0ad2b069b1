package repl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/nnlab/nnlab/runtime"
)

// Command is a REPL command, typed as ":name args" at the start of a cell.
//
// To add one, append it to builtinCommands (repl/commands.go) or call
// [REPL.Register].
// Its handler runs like a cell: ctx is cancelled by Ctrl-C, and a returned
// error is printed as one line (and counts as a failed cell in a pipe).
type Command struct {
	// Name is the command without its colon, e.g. "load".
	Name string
	// Args is the argument synopsis shown by :help, e.g. "FILE.go"; "" if none.
	Args string
	// Help is a one-line description shown by :help.
	Help string
	// Run does the work. args is the rest of the line, trimmed.
	Run func(ctx context.Context, r *REPL, args string) error
}

// extraCommands are added by other files of this package, each owning a
// concern (models, documentation, timing).
var extraCommands []Command

// builtinCommands is the table of the commands every REPL has.
func builtinCommands() []Command {
	return append([]Command{
		{Name: "help", Args: "[NAME]", Help: "show this help and how to start the tutorial; with NAME, its documentation (as :doc)", Run: cmdHelp},
		{Name: "vars", Help: "list the names defined in the session, with their types", Run: cmdVars},
		{Name: "reset", Help: "start a new session, forgetting every variable (asks first)", Run: cmdReset},
		{Name: "load", Args: "FILE.go", Help: "run a Go script into the session; its values stay", Run: cmdLoad},
		{Name: "quit", Help: "leave nnlab (Ctrl-D at an empty prompt does too)", Run: cmdQuit},
	}, extraCommands...)
}

// CommandNames are the names of the commands every REPL has, sorted.
func CommandNames() []string {
	var names []string
	for _, c := range builtinCommands() {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	return names
}

// Register adds c to the command table, replacing a command of the same
// name.
func (r *REPL) Register(c Command) {
	r.commands[c.Name] = c
}

// Commands returns the command table sorted by name.
func (r *REPL) Commands() []Command {
	cs := make([]Command, 0, len(r.commands))
	for _, c := range r.commands {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].Name < cs[j].Name })
	return cs
}

// parseCommand splits a command line ":name args" into its parts; isCmd is
// false for anything else.
func parseCommand(line string) (name, args string, isCmd bool) {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, ":") || strings.Contains(line, "\n") {
		return "", "", false
	}
	name, args, _ = strings.Cut(line[1:], " ")
	return name, strings.TrimSpace(args), true
}

// runCommand runs the named command.
// Command runs line if it is a command (":name args"), as the REPL does
// when one is typed, with ctx stopping it; isCmd is false, and nothing is
// run, for any other line. Front ends other than Run's (the Jupyter
// kernel) use it.
func (r *REPL) Command(ctx context.Context, line string) (isCmd bool, err error) {
	name, args, isCmd := parseCommand(line)
	if !isCmd {
		return false, nil
	}
	return true, r.runCommand(ctx, name, args)
}

func (r *REPL) runCommand(ctx context.Context, name, args string) error {
	c, ok := r.commands[name]
	if !ok {
		if name == "" {
			return errors.New("missing command name after ':' (:help lists the commands)")
		}
		return fmt.Errorf("unknown command :%s (:help lists the commands)", name)
	}
	return c.Run(ctx, r, args)
}

// TutorialHint is the short guide to the MNIST tutorial that :help prints
// after the list of commands.
var TutorialHint = `The MNIST tutorial in four steps (README.md has all of it):
  1. load the data:   data, err := mnist.ReadDataSets("MNIST_data/", true)
  2. build the graph: X := nn.Placeholder(nn.None, 784)
                      w1 := nn.Variable(nn.TruncatedNormal([]int{784, 512}, 0.1))
                      layer_1 := nn.Add(nn.MatMul(X, w1), b1)   ... then a loss
                      train_step := nn.AdamOptimizer(1e-4).Minimize(cross_entropy)
  3. train:           sess := nn.NewSession()
                      sess.Run(nn.GlobalVariablesInitializer(), nil)
                      for i := 0; i < 1000; i++ { ... sess.Run(train_step, nn.Feed{...}) }
                      (Ctrl-C stops the loop; the weights keep what they learned)
  4. or run it all:   :load examples/tutorial.go`

// usageText is the part of :help about typing cells.
const usageText = `Type Go statements, declarations and expressions; a bare expression prints
its value (a, b prints both; display(v) prints v at once, mid-cell). A cell
continues on "... " lines while brackets are open.
Keys: Tab completes, Up recalls a whole earlier cell, Ctrl-C drops the
input or stops a running cell (values are kept), Ctrl-D quits.`

func cmdHelp(ctx context.Context, r *REPL, args string) error {
	if args != "" {
		return cmdDoc(ctx, r, args) // as Python's help(x)
	}
	fmt.Fprintln(r.out, usageText)
	fmt.Fprintln(r.out)
	fmt.Fprintln(r.out, "Commands:")
	tw := tabwriter.NewWriter(r.out, 0, 4, 2, ' ', 0)
	for _, c := range r.Commands() {
		fmt.Fprintf(tw, "  :%s\t%s\n", strings.TrimSpace(c.Name+" "+c.Args), c.Help)
	}
	tw.Flush()
	fmt.Fprintln(r.out)
	fmt.Fprintln(r.out, TutorialHint)
	return nil
}

func cmdVars(_ context.Context, r *REPL, _ string) error {
	names := append([]string(nil), r.sess.Names()...)
	if len(names) == 0 {
		fmt.Fprintln(r.out, "(no variables yet)")
		return nil
	}
	sort.Strings(names)
	typer, _ := r.sess.(TypeNamer)
	describer, _ := r.sess.(Describer)
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
	for _, n := range names {
		typ, desc := "", ""
		if typer != nil {
			if t, ok := typer.TypeOf(n); ok {
				typ = t
			}
		}
		if describer != nil {
			desc = describer.Describe(n)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", n, typ, desc)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSuffix(table.String(), "\n"), "\n") {
		fmt.Fprintln(r.out, strings.TrimRight(line, " "))
	}
	return nil
}

func cmdReset(_ context.Context, r *REPL, args string) error {
	if args != "" {
		return errors.New("usage: :reset")
	}
	if !r.Confirm("Forget every variable and start a new session? [y/N] ") {
		fmt.Fprintln(r.out, "reset cancelled")
		return nil
	}
	if err := r.newSession(); err != nil {
		return fmt.Errorf("reset: %v", err)
	}
	r.cells = nil // :history and :save start again with the new session
	fmt.Fprintln(r.out, "new session")
	return nil
}

func cmdLoad(ctx context.Context, r *REPL, args string) error {
	if args == "" {
		return errors.New("usage: :load FILE.go")
	}
	path := expandHome(unquote(args))
	if err := r.sess.RunFile(ctx, path); err != nil {
		return err
	}
	// For :history and :save: the script as cells, as :run runs it.
	if decls, cells, err := runtime.FileCells(path); err == nil {
		r.record(strings.TrimSpace(decls), true)
		for _, c := range cells {
			r.record(c.Src, true)
		}
	}
	return nil
}

func cmdQuit(_ context.Context, r *REPL, _ string) error {
	r.Quit()
	return nil
}

// unquote removes the quotes around a path typed as a Go string ("my
// file.go" or `my file.go`); anything else is returned as it is.
func unquote(arg string) string {
	if len(arg) >= 2 && (arg[0] == '"' || arg[0] == '`') && arg[len(arg)-1] == arg[0] {
		if s, err := strconv.Unquote(arg); err == nil {
			return s
		}
	}
	if len(arg) >= 2 && arg[0] == '\'' && arg[len(arg)-1] == '\'' {
		return arg[1 : len(arg)-1] // as a shell user would type it
	}
	return arg
}

// expandHome replaces a leading "~/" (or `~\` on Windows) with the home
// directory.
func expandHome(path string) string {
	rest, ok := strings.CutPrefix(path, "~/")
	if !ok && filepath.Separator == '\\' {
		rest, ok = strings.CutPrefix(path, `~\`)
	}
	if ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}
