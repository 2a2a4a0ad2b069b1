package repl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
)

func init() {
	extraCommands = append(extraCommands,
		Command{Name: "save-model", Args: "[SESSION] PATH", Help: "save a session's variables and optimizer state to PATH (safetensors, atomic)", Run: cmdSaveModel},
		Command{Name: "load-model", Args: "[SESSION] PATH", Help: "restore variables and optimizer state saved by :save-model", Run: cmdLoadModel},
	)
}

func cmdSaveModel(ctx context.Context, r *REPL, args string) error {
	return r.sessionCall(ctx, "save-model", "Save", args)
}

func cmdLoadModel(ctx context.Context, r *REPL, args string) error {
	return r.sessionCall(ctx, "load-model", "Restore", args)
}

// sessionCall runs NAME.method(PATH) on an *nn.Session of the user's: the
// one named, or the only one there is.
func (r *REPL) sessionCall(ctx context.Context, cmd, method, args string) error {
	fields := strings.Fields(args)
	var name, path string
	switch len(fields) {
	case 1:
		path = fields[0]
		sessions := r.sessionNames()
		switch len(sessions) {
		case 0:
			return fmt.Errorf("%s: no *nn.Session in this session yet (sess := nn.NewSession())", cmd)
		case 1:
			name = sessions[0]
		default:
			return fmt.Errorf("%s: several sessions (%s): say which, as :%s NAME PATH", cmd, strings.Join(sessions, ", "), cmd)
		}
	case 2:
		name, path = fields[0], fields[1]
	default:
		return fmt.Errorf("usage: :%s [SESSION] PATH", cmd)
	}
	before := fileState(expandHome(path))
	out, err := r.sess.Eval(ctx, fmt.Sprintf("%s.%s(%q)", name, method, expandHome(path)))
	if err != nil {
		if method == "Save" && ctx.Err() != nil {
			// "interrupted" alone would not say whether the file changed.
			if after := fileState(expandHome(path)); (before == nil) != (after == nil) || before != nil && !os.SameFile(before, after) {
				fmt.Fprintf(r.err, "%s: %s was replaced by the new save before the interrupt took effect\n", cmd, path)
			} else {
				fmt.Fprintf(r.err, "%s: %s is unchanged\n", cmd, path)
			}
		}
		return err
	}
	if out = strings.TrimSpace(out); out != "" && out != "nil" {
		return errors.New(out)
	}
	verb := "saved"
	if method == "Restore" {
		verb = "restored"
	}
	fmt.Fprintf(r.out, "%s %s %s\n", verb, name, path)
	return nil
}

// fileState identifies the version of the file at path (following links),
// or is nil if there is none: an atomic save replaces the file by another
// (os.SameFile tells them apart).
func fileState(path string) os.FileInfo {
	st, err := os.Stat(path)
	if err != nil {
		return nil
	}
	return st
}

// sessionNames lists the user's variables of type *nn.Session.
func (r *REPL) sessionNames() []string {
	typer, ok := r.sess.(TypeNamer)
	if !ok {
		return nil
	}
	var names []string
	for _, n := range r.sess.Names() {
		if t, ok := typer.TypeOf(n); ok && t == "*nn.Session" {
			names = append(names, n)
		}
	}
	return names
}
