//go:build !linux

package plot

import (
	"os"

	"golang.org/x/term"
)

// isTTY asks the operating system, through golang.org/x/term, whether f is
// a terminal (a console on Windows, a tty elsewhere). SyscallConn is used
// instead of Fd, which would switch the file to blocking mode.
func isTTY(f *os.File) bool {
	ok := false
	withFd(f, func(fd int) { ok = term.IsTerminal(fd) })
	return ok
}

// ttyWidth returns the terminal's columns, or 0.
func ttyWidth(f *os.File) int {
	n := 0
	withFd(f, func(fd int) {
		if w, _, err := term.GetSize(fd); err == nil {
			n = w
		}
	})
	return n
}

// withFd calls do with f's descriptor (a handle on Windows).
func withFd(f *os.File, do func(fd int)) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) { do(int(fd)) })
}
