package repl

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nnlab/nnlab/repl/docs"
)

func init() {
	extraCommands = append(extraCommands,
		Command{Name: "doc", Args: "NAME", Help: "documentation of a package, symbol or session value: nn.MatMul, nn.Session.Run, fmt, sess", Run: cmdDoc},
		Command{Name: "apropos", Args: "WORD", Help: "list the documented names whose name or summary mentions WORD", Run: cmdApropos},
	)
}

// aproposMax is the number of lines :apropos prints at most.
const aproposMax = 40

// aproposWidth is the width :apropos cuts its lines to.
const aproposWidth = 100

// cmdDoc shows documentation: of a package or a symbol in one (see
// docs.Lookup), else of the type of a session value (or of the method a
// selector on it names), else of a symbol named without its package.
func cmdDoc(ctx context.Context, r *REPL, args string) error {
	if args == "" {
		return errors.New("usage: :doc NAME (a package, nn.MatMul, nn.Session.Run, fmt.Println, or a variable)")
	}
	if text, ok := docs.Lookup(args); ok {
		r.printDoc(text)
		return nil
	}
	if ok, err := r.docValue(ctx, args); ok || err != nil {
		return err
	}
	if text, ok := docs.LookupName(args); ok {
		r.printDoc(text)
		return nil
	}
	return fmt.Errorf("no documentation for %s: not a documented package or symbol, nor a session value (try :apropos %s)", args, aproposWord(args))
}

// docValue documents expr when it names a value in the session: a variable,
// or a field or method reached from one by selectors (data.Train,
// sess.Run). Only identifiers and selectors are evaluated, so asking runs
// no user code. ok reports that something was printed.
func (r *REPL) docValue(ctx context.Context, expr string) (ok bool, err error) {
	if !isSelectorChain(expr) {
		return false, nil
	}
	// A method named through a value: its receiver's type has it.
	if i := strings.LastIndex(expr, "."); i > 0 {
		if typ, err := r.typeOf(ctx, expr[:i]); err == nil {
			if text, found := docs.Method(typ, expr[i+1:]); found {
				fmt.Fprintf(r.out, "%s: method of %s\n\n", expr, typ)
				r.printDoc(text)
				return true, nil
			}
		} else if ctx.Err() != nil {
			return false, ctx.Err()
		}
	}
	typ, err := r.typeOf(ctx, expr)
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, nil
	}
	text, found := docs.ForType(typ)
	if !found {
		fmt.Fprintf(r.out, "%s: %s (%s)\n", expr, typ, undocumented(typ))
		return true, nil
	}
	fmt.Fprintf(r.out, "%s: %s\n\n", expr, typ)
	r.printDoc(text)
	return true, nil
}

// undocumented explains why a type has no documentation here.
func undocumented(typ string) string {
	switch strings.TrimLeft(typ, "*[]") {
	case "bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
		"uint32", "uint64", "uintptr", "float32", "float64", "complex64", "complex128", "byte", "rune":
		return "a built-in type"
	}
	if strings.HasPrefix(typ, "func") || strings.HasPrefix(typ, "struct") || strings.HasPrefix(typ, "interface") {
		return "a type defined in the session, or unnamed"
	}
	return "no documentation for this type"
}

// typeOf asks the session for the dynamic type of expr, as %T prints it,
// leaving the session's ans as it was.
func (r *REPL) typeOf(ctx context.Context, expr string) (string, error) {
	return r.evalString(ctx, `fmt.Sprintf("%T", `+expr+`)`)
}

// evalString evaluates a string-valued expression in the session and
// returns the string, leaving the session's ans as it was.
func (r *REPL) evalString(ctx context.Context, expr string) (s string, err error) {
	r.keepAns(ctx, func() { s, err = r.evalQuoted(ctx, expr) })
	return s, err
}

// keepAns runs f, which evaluates bare expressions in the session, and
// then gives the session's ans back the value it had before: the display
// of a bare expression stores it in ans.
func (r *REPL) keepAns(ctx context.Context, f func()) {
	_, saveErr := r.sess.Eval(ctx, "__nnlab_ans := ans")
	f()
	if saveErr == nil {
		r.sess.Eval(context.WithoutCancel(ctx), "ans = __nnlab_ans")
	}
}

// evalQuoted evaluates a string-valued expression in the session and
// unquotes its display.
func (r *REPL) evalQuoted(ctx context.Context, expr string) (string, error) {
	out, err := r.sess.Eval(ctx, expr)
	if err != nil {
		return "", err
	}
	s, err := strconv.Unquote(strings.TrimSpace(out))
	if err != nil {
		return "", fmt.Errorf("unexpected display of %s: %.60q", expr, out)
	}
	return s, nil
}

// isSelectorChain reports whether s is an identifier followed by zero or
// more .Name selectors: evaluating it calls nothing.
func isSelectorChain(s string) bool {
	e, err := parser.ParseExpr(s)
	if err != nil {
		return false
	}
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return true
		case *ast.SelectorExpr:
			e = x.X
		default:
			return false
		}
	}
}

// aproposWord is the word to suggest to :apropos for an unknown name: its
// last selector.
func aproposWord(name string) string {
	name = strings.TrimSuffix(name, "()")
	if i := strings.LastIndexAny(name, "./"); i >= 0 && i < len(name)-1 {
		return name[i+1:]
	}
	return name
}

// printDoc writes documentation text, ending with one newline.
func (r *REPL) printDoc(text string) {
	fmt.Fprintln(r.out, strings.TrimRight(text, "\n"))
}

// cmdApropos lists the documented names whose name or synopsis contains
// the word (or phrase), one per line, at most aproposMax lines.
func cmdApropos(_ context.Context, r *REPL, args string) error {
	if args == "" {
		return errors.New("usage: :apropos WORD")
	}
	ms := docs.Apropos(args)
	if len(ms) == 0 {
		fmt.Fprintf(r.out, "nothing documented mentions %q\n", args)
		return nil
	}
	for i, m := range ms {
		if i == aproposMax {
			fmt.Fprintf(r.out, "... and %d more: try a longer word\n", len(ms)-i)
			break
		}
		line := m.Name
		if m.Synopsis != "" {
			line += " — " + m.Synopsis
		}
		fmt.Fprintln(r.out, cut(line, aproposWidth))
	}
	return nil
}

// cut shortens s to at most n runes, ending it with "..." if cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return strings.TrimRight(string(rs[:n-3]), " ") + "..."
}
