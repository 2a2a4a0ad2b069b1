package nn

import (
	"hash/fnv"
	"math/rand/v2"
	"sync"
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
