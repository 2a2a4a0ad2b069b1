package nn

import "sync/atomic"

// Interrupt works in generations so that work stopped by one Ctrl-C stays
// stopped after the REPL has cleared the interrupt for the next cell: a
// Fit left behind while its callback is blocked must not go on changing
// weights when the callback returns. Work started in generation g (see
// StartWork) is interrupted once stopBelow > g; ClearInterrupt moves the
// current generation past stopBelow, so new work runs while old work stays
// stopped.
//
// The flag is process-wide because code that calls nn without a context
// (Session.Run in a REPL cell, model.Fit, mnist downloads) has no other way
// to hear a Ctrl-C; one run is cancelled through Session.RunContext's
// context instead, which never touches it.
var current, stopBelow atomic.Uint64

// ErrInterrupted is the panic value (and error) of work stopped by Interrupt.
var ErrInterrupted = &Error{Op: "interrupt", Msg: "stopped by the user; values are as they were before the step"}

// Interrupt asks all running nn work in the process to stop at its next
// check point. Only programs call it, from their Ctrl-C handling (nnlab's
// runner does so for the running cell); no nn package handles signals.
func Interrupt() {
	for {
		c, b := current.Load(), stopBelow.Load()
		if b > c || stopBelow.CompareAndSwap(b, c+1) {
			return
		}
	}
}

// ClearInterrupt forgets an earlier Interrupt for work started from now on;
// work started before it stays interrupted. The REPL calls it before each
// cell.
func ClearInterrupt() {
	for {
		c, b := current.Load(), stopBelow.Load()
		if c >= b || current.CompareAndSwap(c, b) {
			return
		}
	}
}

// Interrupted reports whether Interrupt was called since the last
// ClearInterrupt.
func Interrupted() bool { return current.Load() < stopBelow.Load() }

// Work is the interrupt state of one piece of long work (a run, a Fit, a
// download): it sees every Interrupt made after the work started, also
// once ClearInterrupt has let newer work run.
type Work struct{ gen uint64 }

// StartWork starts watching for Interrupt on behalf of one piece of work.
func StartWork() Work { return Work{current.Load()} }

// Interrupted reports whether Interrupt was called since the work started
// (or was pending when it started).
func (w Work) Interrupted() bool { return w.gen < stopBelow.Load() }
