//go:build unix

package repl

import (
	"errors"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/chzyer/readline"
	"golang.org/x/sys/unix"
)

// drawTTY is the terminal on standard input in raw mode, read without a
// goroutine: every read waits with poll(2) first, so when :draw returns no
// read is left pending that would take the next bytes from readline.
type drawTTY struct {
	fd    int
	state *readline.State
	// sigc catches SIGHUP and SIGTERM while drawing, so the terminal is
	// restored before they end the process.
	sigc chan os.Signal
	done chan struct{}
	once sync.Once
	err  error
}

// openDrawTTY puts standard input's terminal into raw mode (no echo, no
// line editing, Ctrl-C as a byte) and returns it.
func openDrawTTY() (*drawTTY, error) {
	fd := int(os.Stdin.Fd())
	state, err := readline.MakeRaw(fd)
	if err != nil {
		return nil, err
	}
	t := &drawTTY{fd: fd, state: state, sigc: make(chan os.Signal, 1), done: make(chan struct{})}
	signal.Notify(t.sigc, syscall.SIGHUP, syscall.SIGTERM)
	go func() {
		select {
		case sig := <-t.sigc:
			os.Stdout.WriteString(drawLeave)
			t.restore()
			// Delivered again with no handler of ours: it ends the
			// process as it would have (the REPL's own handler may
			// have re-raised it already).
			syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		case <-t.done:
		}
	}()
	return t, nil
}

func (t *drawTTY) read(wait time.Duration) ([]byte, error) {
	fds := []unix.PollFd{{Fd: int32(t.fd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, int(wait/time.Millisecond))
	switch {
	case errors.Is(err, unix.EINTR):
		return nil, nil
	case err != nil:
		return nil, err
	case n == 0:
		return nil, nil
	}
	buf := make([]byte, 1) // see drawInput
	k, err := unix.Read(t.fd, buf)
	switch {
	case errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN):
		return nil, nil
	case err != nil:
		return nil, err
	case k == 0:
		return nil, errors.New("end of input")
	}
	return buf[:k], nil
}

// restore puts the terminal back in the mode it had and stops catching
// signals. It may be called more than once.
func (t *drawTTY) restore() error {
	t.once.Do(func() {
		t.err = readline.Restore(t.fd, t.state)
		signal.Stop(t.sigc)
		close(t.done)
	})
	return t.err
}

// terminalSize returns standard output's terminal size; ok is false when
// it cannot be told.
func terminalSize() (rows, cols int, ok bool) {
	ws, err := unix.IoctlGetWinsize(int(os.Stdout.Fd()), unix.TIOCGWINSZ)
	if err != nil || ws.Row == 0 || ws.Col == 0 {
		return 0, 0, false
	}
	return int(ws.Row), int(ws.Col), true
}
