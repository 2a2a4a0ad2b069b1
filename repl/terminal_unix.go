//go:build !windows

package repl

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/chzyer/readline"
)

// setUpConsole adapts the readline configuration to the terminal; Unix
// terminals need nothing.
func setUpConsole(*readline.Config) (undo func()) { return func() {} }

// restoreOnKill makes SIGHUP and SIGTERM put the terminal back in its
// normal mode (readline may have it in raw mode) before they end the
// process as they would have. The returned func undoes it.
func restoreOnKill(rl *readline.Instance) (undo func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGHUP, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-c:
			rl.Terminal.ExitRawMode()
			signal.Stop(c)
			syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		case <-done:
		}
	}()
	return func() {
		signal.Stop(c)
		close(done)
	}
}
