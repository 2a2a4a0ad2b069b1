package nn

import "github.com/nnlab/nnlab/nn/internal/parallel"

// Element-wise passes over convolution outputs (millions of values per
// batch) cost as much as the convolutions once those run on all cores, so
// large ones split over the cores too: each op keeps a job in its state
// (reluJob, biasAddJob, dropoutJob, ...) that parallel.Run runs by parts of
// an ewSplit.

// ewMinParallel is the number of elements from which an element-wise pass
// is split: below it, handing work to another core costs more than it saves.
const ewMinParallel = 1 << 17

// ewSplit divides n values into parts of whole units (rows for the bias
// passes, random-stream chunks for dropout, cache lines otherwise).
type ewSplit struct{ parts, n, unit int }

// newSplit splits n values in units of unit, over the cores if n is large.
func newSplit(n, unit int) ewSplit {
	parts := 1
	if n >= ewMinParallel {
		parts = parallel.Threads()
	}
	return ewSplit{parts: parts, n: n, unit: max(unit, 1)}
}

// bounds returns part's share of the values.
func (s ewSplit) bounds(part int) (lo, hi int) {
	units := (s.n + s.unit - 1) / s.unit
	lo = min(s.n, units*part/s.parts*s.unit)
	hi = min(s.n, units*(part+1)/s.parts*s.unit)
	return lo, hi
}

// ewLine is the unit of the plain passes: a 64-byte cache line.
const ewLine = 16
