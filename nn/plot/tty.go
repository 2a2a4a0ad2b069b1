package plot

import (
	"os"

	"golang.org/x/term"
)

// isTTY reports whether f is a terminal: on Unix a file with terminal
// attributes, on Windows a console that accepts escape sequences (see
// enableVT). SyscallConn is used instead of Fd, which would switch the file
// to blocking mode.
func isTTY(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	ok := false
	rc.Control(func(fd uintptr) {
		ok = term.IsTerminal(int(fd)) && enableVT(fd)
	})
	return ok
}

// ttyWidth returns the terminal's columns, or 0.
func ttyWidth(f *os.File) int {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	rc.Control(func(fd uintptr) {
		if w, _, err := term.GetSize(int(fd)); err == nil {
			n = w
		}
	})
	return n
}
