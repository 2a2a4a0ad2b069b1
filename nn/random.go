package nn

import (
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

var seedState struct {
	mu   sync.Mutex
	seed uint64
	set  bool
}

// Seed makes every random choice that follows reproducible: variable
// initialisation, dropout masks and the shuffling of mnist batches.
// Without it each run draws a fresh seed.
func Seed(s int64) {
	seedState.mu.Lock()
	seedState.seed, seedState.set = uint64(s), true
	seedState.mu.Unlock()
}

// NewRand returns a generator for one named stream of random numbers
// ("dropout", "mnist/train", ...). With Seed called, the same stream name
// gives the same sequence; each stream is independent of the others, so
// adding a dropout layer does not change how batches are shuffled.
func NewRand(stream string) *rand.Rand { return rand.New(NewSource(stream)) }

// NewSource is NewRand's generator itself, whose state can be saved with
// MarshalBinary and restored, so a checkpoint resumes the same sequence.
func NewSource(stream string) *rand.PCG {
	seedState.mu.Lock()
	if !seedState.set {
		seedState.seed, seedState.set = rand.Uint64(), true
	}
	s := seedState.seed
	seedState.mu.Unlock()
	h := fnv.New64a()
	h.Write([]byte(stream))
	return rand.NewPCG(s, h.Sum64())
}

// interrupted is set by Interrupt (the program's Ctrl-C) and polled by
// long compiled work between blocks, so that a cell stops within
// milliseconds. It is process-wide because code that calls nn without a
// context (Session.Run in a REPL cell, model.Fit, mnist downloads) has no
// other way to hear a Ctrl-C; one run is cancelled through
// Session.RunContext's context instead, which never touches this flag.
var interrupted atomic.Bool

// ErrInterrupted is the panic value (and error) of work stopped by Interrupt.
var ErrInterrupted = &Error{Op: "interrupt", Msg: "stopped by the user; values are as they were before the step"}

// Interrupt asks all running nn work in the process to stop at its next
// check point. Only programs call it, from their Ctrl-C handling (nnlab's
// runner does so for the running cell); no nn package handles signals.
func Interrupt() { interrupted.Store(true) }

// ClearInterrupt forgets an earlier Interrupt; the REPL calls it before each cell.
func ClearInterrupt() { interrupted.Store(false) }

// Interrupted reports whether Interrupt was called since the last ClearInterrupt.
func Interrupted() bool { return interrupted.Load() }
