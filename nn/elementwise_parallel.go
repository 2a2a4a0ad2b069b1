package nn

import (
	"math/rand/v2"
	"sync"

	"github.com/nnlab/nnlab/nn/gemm"
	"github.com/nnlab/nnlab/nn/vec"
)

// Element-wise passes over convolution outputs (millions of values per
// batch) cost as much as the convolutions once those run on all cores, so
// large ones split over the cores too.

// ewMinParallel is the number of elements from which an element-wise pass
// is split: below it, handing work to another core costs more than it saves.
const ewMinParallel = 1 << 17

// dropChunk is the number of elements that draw from one random stream in
// a large dropout: fixed, so that the masks do not depend on the number of
// cores.
const dropChunk = 1 << 14

type ewKind uint8

const (
	ewRelu      ewKind = iota // y = max(x, 0)
	ewReluGrad                // dx (+)= g where y > 0
	ewBiasAdd                 // y[r] = x[r] + b for rows of width w
	ewBiasGrad                // partial[part] = column sums of g's rows; dx (+)= g if dx
	ewDropout                 // mask = keep? scale : 0; y = x*mask
	ewScaleGrad               // dx (+)= g*mask
)

// ewJob is one element-wise pass over n values, run by runParts.
type ewJob struct {
	kind        ewKind
	parts, n, w int
	x, y, g, dx []float32
	b, mask     []float32
	partial     []float32 // ewBiasGrad: parts×w sums
	acc         bool      // add to dx instead of overwriting it
	keep, scale float32
	seed        uint64
}

var ewJobs = sync.Pool{New: func() any { return new(ewJob) }}

// ewParts returns how many parts a pass over n values uses.
func ewParts(n int) int {
	if n < ewMinParallel {
		return 1
	}
	return gemm.Threads()
}

// run runs j on its parts and returns it to the pool.
func (j *ewJob) run() {
	runParts(j.parts, j)
	*j = ewJob{}
	ewJobs.Put(j)
}

// bounds returns part's share of the values, in whole units (rows for
// the bias passes, random-stream chunks for dropout, cache lines otherwise).
func (j *ewJob) bounds(part int) (lo, hi int) {
	unit := 16
	switch j.kind {
	case ewBiasAdd, ewBiasGrad:
		unit = j.w
	case ewDropout:
		unit = dropChunk
	}
	units := (j.n + unit - 1) / unit
	lo = min(j.n, units*part/j.parts*unit)
	hi = min(j.n, units*(part+1)/j.parts*unit)
	return lo, hi
}

func (j *ewJob) runPart(part int) {
	lo, hi := j.bounds(part)
	switch j.kind {
	case ewRelu:
		vec.Relu(j.y[lo:hi], j.x[lo:hi])
	case ewReluGrad:
		vec.ReluGrad(j.dx[lo:hi], j.g[lo:hi], j.y[lo:hi], j.acc)
	case ewBiasAdd:
		for r := lo; r < hi; r += j.w {
			vec.Add(j.y[r:r+j.w], j.x[r:r+j.w], j.b)
		}
	case ewBiasGrad:
		sum := j.partial[part*j.w : (part+1)*j.w]
		clear(sum)
		for r := lo; r < hi; r += j.w {
			vec.Add(sum, sum, j.g[r:r+j.w])
		}
		if j.dx != nil {
			vec.Add(j.dx[lo:hi], j.dx[lo:hi], j.g[lo:hi])
		}
	case ewDropout:
		thr := uint64(float64(j.keep) * (1 << 32))
		for c := lo; c < hi; c += dropChunk {
			var src rand.PCG
			src.Seed(j.seed, uint64(c/dropChunk))
			end := min(hi, c+dropChunk)
			mask, x, y := j.mask[c:end], j.x[c:end], j.y[c:end]
			for i := 0; i < len(mask); i += 2 {
				r := src.Uint64()
				mask[i] = j.scale * float32(((r&0xffffffff)-thr)>>63)
				if i+1 < len(mask) {
					mask[i+1] = j.scale * float32(((r>>32)-thr)>>63)
				}
			}
			for i, v := range x {
				y[i] = v * mask[i]
			}
		}
	case ewScaleGrad:
		g, m, dx := j.g[lo:hi], j.mask[lo:hi], j.dx[lo:hi]
		if j.acc {
			for i, v := range g {
				dx[i] += v * m[i]
			}
			return
		}
		for i, v := range g {
			dx[i] = v * m[i]
		}
	}
}
