package stdlib

import "os"

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
