package gemm

import (
	"sync"
	"sync/atomic"
)

// PartRunner is work split into numbered parts that may run concurrently.
type PartRunner interface{ RunPart(part int) }

// RunParts calls r.RunPart(0), ..., r.RunPart(parts-1) and returns when all
// have returned: the caller runs some, the helper goroutines that Sgemm
// uses the others (one pool for all parallel work, so that its goroutines
// never outnumber the cores). A part must not panic; recover inside it.
func RunParts(parts int, r PartRunner) {
	if parts <= 1 {
		if parts == 1 {
			r.RunPart(0)
		}
		return
	}
	j := partsPool.Get().(*partsJob)
	j.r, j.parts = r, parts
	j.next.Store(0)
	j.share(j, parts-1)
	j.r = nil
	partsPool.Put(j)
}

// partsJob is one RunParts call shared by the goroutines working on it.
type partsJob struct {
	r     PartRunner
	parts int
	next  atomic.Int32
	crew
}

var partsPool = sync.Pool{New: func() any { return new(partsJob) }}

func (j *partsJob) work() {
	for {
		i := int(j.next.Add(1)) - 1
		if i >= j.parts {
			return
		}
		j.r.RunPart(i)
	}
}
