package stdlib

import (
	"fmt"
	"io"
	"log"
	"os"
)

// osExit replaces os.Exit in the extracted os table (yaegi extract refers to
// it). Exiting would kill the whole REPL session, so it panics instead; the
// session reports the panic as an error on the user's line and keeps state.
func osExit(code int) { panic(ExitError{Code: code}) }

// osFindProcess replaces os.FindProcess in the extracted os table (yaegi
// extract refers to it). User code may only look up its own process.
func osFindProcess(pid int) (*os.Process, error) {
	if pid != os.Getpid() {
		return nil, os.ErrPermission
	}
	return os.FindProcess(pid)
}

// ExitError is the panic value of os.Exit called from interpreted code.
// The runtime recognises it: a script's os.Exit ends the script, not the REPL.
type ExitError struct{ Code int }

func (e ExitError) Error() string { return "os.Exit(" + itoa(e.Code) + ")" }

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// logFatal, logFatalf and logFatalln replace the package-level log.Fatal
// functions in the extracted log table (yaegi extract refers to them):
// they log, then end the script the way os.Exit(1) does. yaegi's Use
// replaces them again with its own logger's Panic methods, which write to
// the session's stderr.
func logFatal(v ...any)            { log.Output(2, fmt.Sprint(v...)); osExit(1) }
func logFatalf(f string, v ...any) { log.Output(2, fmt.Sprintf(f, v...)); osExit(1) }
func logFatalln(v ...any)          { log.Output(2, fmt.Sprintln(v...)); osExit(1) }

// logLogger is log.Logger as interpreted code sees it (yaegi extract
// refers to it): its Fatal methods end the script instead of the process.
type logLogger struct{ *log.Logger }

// logNew replaces log.New.
func logNew(out io.Writer, prefix string, flag int) *logLogger {
	return &logLogger{log.New(out, prefix, flag)}
}

// Fatal is Print followed by os.Exit(1).
func (l *logLogger) Fatal(v ...any) { l.Output(2, fmt.Sprint(v...)); osExit(1) }

// Fatalf is Printf followed by os.Exit(1).
func (l *logLogger) Fatalf(f string, v ...any) { l.Output(2, fmt.Sprintf(f, v...)); osExit(1) }

// Fatalln is Println followed by os.Exit(1).
func (l *logLogger) Fatalln(v ...any) { l.Output(2, fmt.Sprintln(v...)); osExit(1) }
