package plot

import (
	"os"

	"golang.org/x/sys/unix"
)

// isTTY asks for the file's terminal attributes (TCGETS), which only a
// terminal has. SyscallConn is used instead of Fd, which would switch the
// file to blocking mode.
func isTTY(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	ok := false
	rc.Control(func(fd uintptr) {
		_, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
		ok = err == nil
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
		if ws, err := unix.IoctlGetWinsize(int(fd), unix.TIOCGWINSZ); err == nil {
			n = int(ws.Col)
		}
	})
	return n
}
