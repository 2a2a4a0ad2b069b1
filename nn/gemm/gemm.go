// Package gemm is a fast single-precision matrix multiply (SGEMM) for
// row-major matrices, in the style of BLIS/GotoBLAS.
//
// Mul multiplies Matrix views, with transposition, accumulation, a thread
// bound and cancellation in an Options struct; Sgemm and its variants are
// the BLAS-style form with positional arguments and a scale factor alpha.
//
// Sgemm packs panels of op(A) into 6-row slivers and panels of op(B) into
// slivers as wide as the micro-kernel's tile (so transposition costs
// nothing beyond packing), blocks the loops for the caches (KC×NC panel of
// B in L3/L2, MC×KC block of A in L2, one KC-deep sliver of B in L1) and
// runs a register-blocked micro-kernel. On amd64 the kernels are chosen at
// start from what the CPU and OS support (golang.org/x/sys/cpu): AVX-512
// assembly with a 6×32 tile on ZMM registers where AVX-512F is available,
// else AVX2+FMA assembly with a 6×16 tile; on arm64, NEON assembly with
// the 6×16 layout; elsewhere a portable Go kernel with that layout. The
// sparse products (SparseMul, SparseTMul, FromDense) have AVX-512, AVX2
// and NEON kernels of their own (FromDense's compress stays Go on arm64).
// The environment variable NNLAB_GEMM=avx512, avx2 or generic forces a
// set; a value this CPU cannot run, or an unknown one, is ignored, and
// Kernel names the kernels in use and why NNLAB_GEMM was not followed.
//
// Large products are split into tiles of C that run on nn's persistent pool
// of helper goroutines (package nn/internal/parallel; see SetThreads); small ones stay on the calling
// goroutine. Packing buffers are reused through a sync.Pool, so repeated
// calls do not allocate in the steady state.
package gemm

import (
	"sync"
	"sync/atomic"

	"github.com/nnlab/nnlab/nn/internal/parallel"
)

// Register tile of the micro-kernel and cache-blocking sizes (in floats).
const (
	mr = 6  // rows of C per micro-kernel call (every kernel)
	nr = 16 // columns of C per call of the generic and 6×16 kernels (see denseKernel.nr)

	kcMax = 256  // depth of a packed panel: a kc×nr sliver of B is 16 or 32 KiB (L1)
	mcMax = 144  // rows of a packed A block: mc×kc×4 = 144 KiB (L2)
	ncMax = 2048 // columns of a packed B panel: kc×nc×4 = 2 MiB (L3)

	packSlack = 8 // spare floats after a packed A block (packA6N overshoots)

	// Tall, narrow parts (n ≤ nResidentMax, so that packing and reading A
	// dominate) with k ≤ 4*kcMax, whose packed op(B) (k × n) has at most
	// bResidentMax floats, use runResident, with A blocks of about aResidentMax floats (all of k).
	nResidentMax = 128
	bResidentMax = 1 << 20 // 4 MiB
	aResidentMax = 1 << 16 // 256 KiB

)

// parallelMinMACs is the m*n*k below which Sgemm stays single-threaded
// (about 25µs of work at one core's speed). Helpers poll for work while a
// training step runs, so handing them a part costs little; below this,
// repacking each part's share of A or B does not pay. Measured with
// bench/mlp on two cores: 2<<20 was 8% faster than 8<<20, 1<<20 another 2%.
// (A variable so that tests can force the parallel path on small matrices.)
var parallelMinMACs = 1 << 20

// SetThreads sets how many goroutines Sgemm, and every other parallel
// kernel of nn, may use for one large product. n <= 0 restores the default,
// runtime.GOMAXPROCS(0). The effective number is never more than GOMAXPROCS
// at the time of the call.
func SetThreads(n int) { parallel.SetThreads(n) }

// Threads reports how many goroutines Sgemm currently uses for large products.
func Threads() int { return parallel.Threads() }

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices, where
// op(X) is X, or Xᵀ if the corresponding trans flag is set. op(A) is m×k,
// op(B) is k×n and C is m×n. lda, ldb and ldc are the row strides of the
// matrices as stored (A is stored m×k, or k×m if transA; B is stored k×n, or
// n×k if transB). As in BLAS, when beta == 0 the old contents of C are
// ignored (they may be NaN), and when alpha == 0 or k == 0, A and B are not
// read.
//
// Sgemm panics with a message naming the shapes if a dimension is negative, a
// stride is smaller than the stored row length, or a slice is too short.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	SgemmCheck(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil)
}

// SgemmCheck is Sgemm with a cancellation check. stop (if not nil) is polled
// between blocks of C, from whichever goroutines are computing them, so it
// must be safe for concurrent use (nn.Interrupted is) and must not panic (it
// may run on a worker goroutine). Once it returns true,
// the goroutines finish the micro-tiles in hand, SgemmCheck returns false and
// C is left partially written: some blocks hold the result, some their old
// values and some a partial sum; the caller must discard C. SgemmCheck
// returns true when the product is complete.
func SgemmCheck(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, stop func() bool) bool {
	return SgemmCheckThreads(0, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, stop)
}

// sgemm is SgemmCheckThreads with an epilogue (nil for none) applied to
// each block of C once its product is complete.
func sgemm(ep *Epilogue, threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, stop func() bool) bool {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return true
	}
	if k == 0 || alpha == 0 {
		if stop != nil && stop() {
			return false
		}
		scaleC(m, n, beta, c, ldc)
		ep.apply(c, ldc, m, n, 0)
		return true
	}

	j := jobPool.Get().(*job)
	j.transA, j.transB = transA, transB
	j.m, j.n, j.k = m, n, k
	j.alpha, j.beta = alpha, beta
	j.a, j.b, j.c = a, b, c
	j.lda, j.ldb, j.ldc = lda, ldb, ldc
	j.kern = kernel
	j.SetStop(stop)
	j.next.Store(0)
	j.ep = ep

	t := 1
	if m*n*k >= parallelMinMACs {
		t = Threads()
		if threads > 0 {
			t = min(t, threads)
		}
	}
	j.split(t)
	j.Share(j, min(t, len(j.parts))-1)
	ok := !j.Stopped()
	j.a, j.b, j.c, j.ep = nil, nil, nil, nil
	j.SetStop(nil)
	jobPool.Put(j)
	return ok
}

// scaleC sets C = beta*C (C = 0 when beta == 0, ignoring NaNs in C).
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
		} else if beta != 1 {
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// part is a rectangle [m0,m1)×[n0,n1) of C computed by one goroutine.
type part struct{ m0, m1, n0, n1 int }

// job is one Sgemm call shared by the goroutines working on it.
type job struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	ep             *Epilogue // applied to each finished block of C, or nil
	a, b, c        []float32
	lda, ldb, ldc  int
	kern           denseKernel // the micro-kernel, fixed for the call

	parts []part
	next  atomic.Int32 // index of the next unclaimed part
	parallel.Stopper
	parallel.Crew
}

var jobPool = sync.Pool{New: func() any { return new(job) }}

// split divides C into t parts (fewer for small matrices), choosing a grid
// tm×tn with tm*tn = t that minimises the total packing work, which is
// proportional to tn*m + tm*n (each part packs its rows of A and columns of B).
func (j *job) split(t int) {
	nr := j.kern.nr
	mSlivers := (j.m + mr - 1) / mr
	nSlivers := (j.n + nr - 1) / nr
	bestM, bestN, best := 1, 1, -1
	for tm := 1; tm <= t; tm++ {
		if t%tm != 0 {
			continue
		}
		tn := t / tm
		if tm > mSlivers || tn > nSlivers {
			continue
		}
		if cost := tn*j.m + tm*j.n; best < 0 || cost < best {
			bestM, bestN, best = tm, tn, cost
		}
	}
	if best < 0 { // t does not factor into the matrix: fall back to one axis.
		if mSlivers >= nSlivers {
			bestM = min(t, mSlivers)
		} else {
			bestN = min(t, nSlivers)
		}
	}
	j.parts = j.parts[:0]
	for bi := range bestM {
		m0 := mr * (mSlivers * bi / bestM)
		m1 := min(j.m, mr*(mSlivers*(bi+1)/bestM))
		for bj := range bestN {
			n0 := nr * (nSlivers * bj / bestN)
			n1 := min(j.n, nr*(nSlivers*(bj+1)/bestN))
			j.parts = append(j.parts, part{m0, m1, n0, n1})
		}
	}
}

// Work claims parts of the job until none are left.
func (j *job) Work() {
	ws := wsPool.Get().(*workspace)
	for {
		i := int(j.next.Add(1)) - 1
		if i >= len(j.parts) {
			break
		}
		if !j.run(j.parts[i], ws) {
			break
		}
	}
	wsPool.Put(ws)
}

// interrupted polls the job's stop function (see parallel.Stopper).
func (j *job) interrupted() bool { return j.Interrupted() }

// blockSize returns a block length ≤ max, a multiple of unit, that splits
// total into equal-ish blocks (so that the last block is not a sliver).
func blockSize(total, maxBlock, unit int) int {
	nb := (total + maxBlock - 1) / maxBlock
	bs := (total + nb - 1) / nb
	return (bs + unit - 1) / unit * unit
}

// run computes one part of C; it returns false if the job was interrupted.
func (j *job) run(p part, ws *workspace) bool {
	if np := roundUp(p.n1-p.n0, j.kern.nr); np <= nResidentMax && j.k <= 4*kcMax && j.k*np <= bResidentMax && p.m1-p.m0 >= 4*mcMax {
		return j.runResident(p, ws)
	}
	return j.runGoto(p, ws)
}

// runGoto is the GotoBLAS loop nest: for each KC×NC panel of B (packed
// once), for each MC×KC block of A (packed once), a macro-kernel.
func (j *job) runGoto(p part, ws *workspace) bool {
	mp, np := p.m1-p.m0, p.n1-p.n0
	kcB := blockSize(j.k, kcMax, 1)
	mcB := blockSize(mp, mcMax, mr)
	ncB := blockSize(np, ncMax, j.kern.nr)
	ws.ensure(mcB*kcB+packSlack, kcB*ncB)
	for jc := p.n0; jc < p.n1; jc += ncB {
		nc := min(ncB, p.n1-jc)
		for pc := 0; pc < j.k; pc += kcB {
			kc := min(kcB, j.k-pc)
			if j.interrupted() {
				return false
			}
			packB(&j.kern, ws.b, j.b, j.ldb, j.transB, pc, kc, jc, nc)
			beta := j.beta
			if pc > 0 {
				beta = 1
			}
			for ic := p.m0; ic < p.m1; ic += mcB {
				mc := min(mcB, p.m1-ic)
				if ic > p.m0 && j.interrupted() {
					return false
				}
				packA(&j.kern, ws.a, j.a, j.lda, j.transA, ic, mc, pc, kc)
				macroKernel(&j.kern, ws.a, ws.b, ws, mc, nc, kc, j.alpha, beta, j.c[ic*j.ldc+jc:], j.ldc)
				j.epilogue(pc+kc, ic, jc, mc, nc)
			}
		}
	}
	return true
}

// runResident is the loop order for tall parts whose whole op(B) panel
// (k×n, packed in KC chunks) fits in bResidentMax floats: B is packed once,
// then each MC-row block of A is packed over all of k (reading A's rows
// contiguously, once) and multiplied chunk by chunk while its C block stays
// in cache.
func (j *job) runResident(p part, ws *workspace) bool {
	mp, np := p.m1-p.m0, p.n1-p.n0
	kcB := blockSize(j.k, kcMax, 1)
	mcCap := max(8*mr, min(mcMax, aResidentMax/j.k/mr*mr))
	mcB := blockSize(mp, mcCap, mr)
	npp := roundUp(np, j.kern.nr)
	ws.ensure(roundUp(mcB, mr)*j.k+packSlack, j.k*npp)
	if j.interrupted() {
		return false
	}
	for pc := 0; pc < j.k; pc += kcB {
		kc := min(kcB, j.k-pc)
		packB(&j.kern, ws.b[pc*npp:], j.b, j.ldb, j.transB, pc, kc, p.n0, np)
	}
	for ic := p.m0; ic < p.m1; ic += mcB {
		mc := min(mcB, p.m1-ic)
		mcp := roundUp(mc, mr)
		if ic > p.m0 && j.interrupted() {
			return false
		}
		for pc := 0; pc < j.k; pc += kcB {
			kc := min(kcB, j.k-pc)
			packA(&j.kern, ws.a[pc*mcp:], j.a, j.lda, j.transA, ic, mc, pc, kc)
		}
		for pc := 0; pc < j.k; pc += kcB {
			kc := min(kcB, j.k-pc)
			beta := j.beta
			if pc > 0 {
				beta = 1
			}
			macroKernel(&j.kern, ws.a[pc*mcp:], ws.b[pc*npp:], ws, mc, np, kc, j.alpha, beta, j.c[ic*j.ldc+p.n0:], j.ldc)
		}
		j.epilogue(j.k, ic, p.n0, mc, np)
	}
	return true
}

func roundUp(x, unit int) int { return (x + unit - 1) / unit * unit }

// macroKernel multiplies the packed mc×kc block of A (apack) by the packed
// kc×nc panel of B (bpack) into C (which starts at the block's top-left
// element) with micro-kernel kern; ws provides the scratch tile for edges.
func macroKernel(kern *denseKernel, apack, bpack []float32, ws *workspace, mc, nc, kc int, alpha, beta float32, c []float32, ldc int) {
	k, nr := kern.fn, kern.nr
	for jr := 0; jr < nc; jr += nr {
		nrr := min(nr, nc-jr)
		bp := &bpack[jr*kc]
		for ir := 0; ir < mc; ir += mr {
			mrr := min(mr, mc-ir)
			ap := &apack[ir*kc]
			if mrr == mr && nrr == nr {
				_ = c[(ir+mr-1)*ldc+jr+nr-1] // the kernel writes the whole tile
				k(kc, ap, bp, &c[ir*ldc+jr], ldc, alpha, beta)
				continue
			}
			// Edge tile: compute a full tile into scratch, then merge.
			t := &ws.tile
			k(kc, ap, bp, &t[0], nr, 1, 0)
			for i := range mrr {
				row := c[(ir+i)*ldc+jr : (ir+i)*ldc+jr+nrr]
				tr := t[i*nr : i*nr+nrr]
				if beta == 0 {
					for jj := range row {
						row[jj] = alpha * tr[jj]
					}
				} else {
					for jj := range row {
						row[jj] = alpha*tr[jj] + beta*row[jj]
					}
				}
			}
		}
	}
}
