package model

import (
	"fmt"
	"os"
	"os/signal"

	"github.com/nnlab/nnlab/nn"
)

// CatchInterrupts makes Ctrl-C (SIGINT) call nn.Interrupt, so that a
// compiled program's Fit stops at the end of a batch and the program can
// go on, say to save or evaluate the model; a second Ctrl-C exits at once
// with status 130. It returns a function that restores the default
// behaviour. nnlab's REPL and script runner handle Ctrl-C themselves and
// need no call.
func CatchInterrupts() (stop func()) {
	c := make(chan os.Signal, 2)
	done := make(chan struct{})
	signal.Notify(c, os.Interrupt)
	go func() {
		n := 0
		for {
			select {
			case <-c:
				n++
				if n > 1 {
					fmt.Fprintln(os.Stderr, "\ninterrupted")
					os.Exit(130)
				}
				nn.Interrupt()
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(c)
		close(done)
	}
}
