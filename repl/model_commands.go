package repl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func init() {
	extraCommands = append(extraCommands,
		Command{Name: "save-model", Args: "[NAME] PATH", Help: "save a session's or model's variables and optimizer state to PATH (safetensors, atomic)", Run: cmdSaveModel},
		Command{Name: "load-model", Args: "[NAME] PATH", Help: "restore variables and optimizer state saved by :save-model", Run: cmdLoadModel},
	)
}

func cmdSaveModel(ctx context.Context, r *REPL, args string) error {
	return r.sessionCall(ctx, "save-model", "Save", args)
}

func cmdLoadModel(ctx context.Context, r *REPL, args string) error {
	return r.sessionCall(ctx, "load-model", "Restore", args)
}

// MethodChecker is an optional interface of a Session: whether a global's
// value has a method, for :save-model and :load-model.
type MethodChecker interface {
	HasMethod(name, method string) bool
}

// sessionCall runs NAME.method(PATH) on a value of the user's that has the
// method (an *nn.Session, a model.Model): the one named, or the only one
// there is.
func (r *REPL) sessionCall(ctx context.Context, cmd, method, args string) error {
	fields, err := splitArgs(args)
	if err != nil {
		return fmt.Errorf("%s: %v", cmd, err)
	}
	var name, path string
	switch len(fields) {
	case 1:
		path = fields[0]
		sessions := r.savables(method)
		switch len(sessions) {
		case 0:
			return fmt.Errorf("%s: no session or model in this session yet (sess := nn.NewSession())", cmd)
		case 1:
			name = sessions[0]
		default:
			return fmt.Errorf("%s: several sessions and models (%s): say which, as :%s NAME PATH", cmd, strings.Join(sessions, ", "), cmd)
		}
	case 2:
		name, path = fields[0], fields[1]
		if mc, ok := r.sess.(MethodChecker); ok && !mc.HasMethod(name, method) {
			typ := "not defined"
			if tn, ok := r.sess.(TypeNamer); ok {
				if t, ok := tn.TypeOf(name); ok {
					typ = "a " + t
				}
			}
			return fmt.Errorf("%s: %s is %s, not a session or model (no %s method)", cmd, name, typ, method)
		}
	default:
		return fmt.Errorf("usage: :%s [NAME] PATH (quote a path with spaces)", cmd)
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
		return errors.New(strings.TrimPrefix(out, "error: "))
	}
	if method == "Restore" {
		fmt.Fprintf(r.out, "restored %s from %s\n", name, path)
	} else {
		fmt.Fprintf(r.out, "saved %s to %s\n", name, path)
	}
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

// savables lists the user's variables whose values have the method; without
// a MethodChecker, those of type *nn.Session.
func (r *REPL) savables(method string) []string {
	mc, hasMC := r.sess.(MethodChecker)
	typer, _ := r.sess.(TypeNamer)
	var names []string
	for _, n := range r.sess.Names() {
		if hasMC {
			if mc.HasMethod(n, method) {
				names = append(names, n)
			}
			continue
		}
		if typer != nil {
			if t, ok := typer.TypeOf(n); ok && t == "*nn.Session" {
				names = append(names, n)
			}
		}
	}
	return names
}

// splitArgs splits a command's arguments at spaces; an argument may be
// quoted as a Go string ("a b", `a b`) or as in a shell ('a b').
func splitArgs(args string) ([]string, error) {
	var out []string
	for args = strings.TrimSpace(args); args != ""; args = strings.TrimSpace(args) {
		switch q := args[0]; q {
		case '"', '`', '\'':
			end := 1
			for end < len(args) && (args[end] != q || q == '"' && args[end-1] == '\\') {
				end++
			}
			if end == len(args) {
				return nil, fmt.Errorf("unterminated quoted argument %s", args)
			}
			arg := args[1:end]
			if q == '"' {
				s, err := strconv.Unquote(args[:end+1])
				if err != nil {
					return nil, fmt.Errorf("bad quoted argument %s: %v", args[:end+1], err)
				}
				arg = s
			}
			out = append(out, arg)
			args = args[end+1:]
		default:
			end := strings.IndexAny(args, " \t")
			if end < 0 {
				end = len(args)
			}
			out = append(out, args[:end])
			args = args[end:]
		}
	}
	return out, nil
}
