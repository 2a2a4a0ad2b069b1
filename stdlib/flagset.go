package stdlib

import (
	"errors"
	"flag"
	"io"
	"reflect"
)

// FlagSymbols returns package flag's functions for one interpreter, bound
// to a FlagSet of its own: the compiled flag.Parse would read nnlab's
// os.Args (which starts with the script's path) instead of the script's.
// Parse parses args[1:]; like flag.ExitOnError, a bad flag ends the script
// with status 2 and -h or -help with status 0, after writing to stderr.
// Give the result to Use after Symbols: it replaces those entries.
func FlagSymbols(args []string, stderr io.Writer) map[string]reflect.Value {
	name := "nnlab"
	if len(args) > 0 {
		name = args[0]
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	parse := func() {
		var rest []string
		if len(args) > 1 {
			rest = args[1:]
		}
		if err := fs.Parse(rest); errors.Is(err, flag.ErrHelp) {
			osExit(0)
		} else if err != nil {
			osExit(2)
		}
	}
	return map[string]reflect.Value{
		"Arg":           reflect.ValueOf(fs.Arg),
		"Args":          reflect.ValueOf(fs.Args),
		"Bool":          reflect.ValueOf(fs.Bool),
		"BoolFunc":      reflect.ValueOf(fs.BoolFunc),
		"BoolVar":       reflect.ValueOf(fs.BoolVar),
		"CommandLine":   reflect.ValueOf(&fs).Elem(),
		"Duration":      reflect.ValueOf(fs.Duration),
		"DurationVar":   reflect.ValueOf(fs.DurationVar),
		"Float64":       reflect.ValueOf(fs.Float64),
		"Float64Var":    reflect.ValueOf(fs.Float64Var),
		"Func":          reflect.ValueOf(fs.Func),
		"Int":           reflect.ValueOf(fs.Int),
		"Int64":         reflect.ValueOf(fs.Int64),
		"Int64Var":      reflect.ValueOf(fs.Int64Var),
		"IntVar":        reflect.ValueOf(fs.IntVar),
		"Lookup":        reflect.ValueOf(fs.Lookup),
		"NArg":          reflect.ValueOf(fs.NArg),
		"NFlag":         reflect.ValueOf(fs.NFlag),
		"Parse":         reflect.ValueOf(parse),
		"Parsed":        reflect.ValueOf(fs.Parsed),
		"PrintDefaults": reflect.ValueOf(fs.PrintDefaults),
		"Set":           reflect.ValueOf(fs.Set),
		"String":        reflect.ValueOf(fs.String),
		"StringVar":     reflect.ValueOf(fs.StringVar),
		"TextVar":       reflect.ValueOf(fs.TextVar),
		"Uint":          reflect.ValueOf(fs.Uint),
		"Uint64":        reflect.ValueOf(fs.Uint64),
		"Uint64Var":     reflect.ValueOf(fs.Uint64Var),
		"UintVar":       reflect.ValueOf(fs.UintVar),
		"Usage":         reflect.ValueOf(&fs.Usage).Elem(),
		"Var":           reflect.ValueOf(fs.Var),
		"Visit":         reflect.ValueOf(fs.Visit),
		"VisitAll":      reflect.ValueOf(fs.VisitAll),
	}
}
