package gemm

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/nnlab/nnlab/nn/internal/parallel"
	"github.com/nnlab/nnlab/nn/vec"
)

// CSR is a sparse matrix in compressed sparse row form, built from a dense
// matrix (FromDense, reusing its memory) and multiplied by dense matrices
// with SparseMul (S·B) and SparseTMul (Sᵀ·D).
//
// Sparse products pay off for inputs that are mostly zeros, such as MNIST
// images (about 81% of their pixels are 0): the first layer of a network
// then does a fifth of the multiply-adds of a dense product.
type CSR struct {
	rows, cols int
	nnz        int
	colIdx     []int32
	val        []float32

	// Each row's entries are contiguous and split by column into chunks of
	// chunkRows (the rows of B they meet, whose packed panel fits in L1):
	// chunk c of row r is colIdx[bounds[r*stride+c] : bounds[r*stride+c+1]].
	bounds            []int32
	stride            int
	chunks, chunkRows int
	// The transpose (compressed by column), built by SparseTMul when it
	// reads S by column: column j's entries are tEnt[p] for tPtr[j] ≤ p <
	// tPtr[j+1], rows ascending.
	tPtr, tPos []int32
	tEnt       []spEntry
	tBuilt     bool
	parts      denseParts     // FromDenseThreads's work
	tParts     transposeParts // transpose's work
}

// spEntry is one nonzero of a column of S: its row and value, side by side
// so that building the transpose writes one place per nonzero.
type spEntry struct {
	row int32
	val float32
}

// Rows returns the number of rows.
func (s *CSR) Rows() int { return s.rows }

// Cols returns the number of columns.
func (s *CSR) Cols() int { return s.cols }

// NNZ returns the number of stored (nonzero) values.
func (s *CSR) NNZ() int { return s.nnz }

// Values returns the stored values, row by row, for reading only.
func (s *CSR) Values() []float32 { return s.val[:s.nnz] }

// span returns where row r's entries start and end.
func (s *CSR) span(r int) (int32, int32) {
	return s.bounds[r*s.stride], s.bounds[r*s.stride+s.chunks]
}

// spPanelRows is the most rows of B whose 64-column panel (24 KiB) is
// multiplied at once: larger panels spill from L1, and then every nonzero
// reads its 256 bytes of B from L2, which is slower than the arithmetic.
const spPanelRows = 96

// setShape sets the dimensions and the column chunks.
func (s *CSR) setShape(rows, cols int) {
	s.rows, s.cols = rows, cols
	s.chunks, s.chunkRows = 1, max(cols, 1)
	if cols > spPanelRows*4/3 {
		s.chunks = (cols + spPanelRows - 1) / spPanelRows
		s.chunkRows = ((cols+s.chunks-1)/s.chunks + 7) &^ 7 // whole groups of 8 for compress
		s.chunks = (cols + s.chunkRows - 1) / s.chunkRows
	}
	s.stride = s.chunks + 1
	s.bounds = grow(s.bounds, rows*s.stride)
	s.tBuilt = false
}

// transposeMinPart is the fewest nonzeros for each goroutine building the
// transpose.
const transposeMinPart = 8192

// transpose builds the column-compressed copy of s (tPtr, tEnt), on up to
// t goroutines, if the values have changed since it was last built.
// Goroutines take whole chunks of columns (see setShape), whose entries
// are contiguous within each row.
func (s *CSR) transpose(t int) {
	if s.tBuilt {
		return
	}
	k := s.cols
	s.tPtr, s.tPos = grow(s.tPtr, k+1), grow(s.tPos, k)
	s.tEnt = grow(s.tEnt, max(s.nnz, 1))
	t = max(1, min(t, s.chunks, s.nnz/transposeMinPart))
	j := &s.tParts
	j.s, j.t = s, t
	parallel.Run(t, j)
	j.s = nil
	s.tPtr[k] = int32(s.nnz)
	s.tBuilt = true
}

// transposeParts is the work of transpose: part p handles the columns of
// chunks [chunks·p/t, chunks·(p+1)/t).
type transposeParts struct {
	s *CSR
	t int
}

// RunPart counts the entries of part p's columns, places the columns after
// all the entries of earlier columns, and fills them row by row.
func (j *transposeParts) RunPart(p int) {
	s := j.s
	ch0, ch1 := s.chunks*p/j.t, s.chunks*(p+1)/j.t
	c0, c1 := ch0*s.chunkRows, min(s.cols, ch1*s.chunkRows)
	// pos and ptr are indexed by column; this part touches c0..c1 only.
	pos, ptr := s.tPos[:s.cols], s.tPtr[:s.cols]
	clear(pos[c0:c1])
	base := int32(0) // entries in columns before c0
	bounds, stride := s.bounds, s.stride
	for r := range s.rows {
		b := bounds[r*stride : r*stride+stride]
		base += b[ch0] - b[0]
		for _, i := range s.colIdx[b[ch0]:b[ch1]] {
			pos[i]++
		}
	}
	sum := base
	for i := c0; i < c1; i++ {
		n := pos[i]
		ptr[i], pos[i] = sum, sum
		sum += n
	}
	ent, val := s.tEnt[:s.nnz], s.val[:s.nnz]
	for r := range s.rows {
		b := bounds[r*stride : r*stride+stride]
		q0, q1 := b[ch0], b[ch1]
		for q, i := range s.colIdx[q0:q1] {
			d := pos[i]
			pos[i] = d + 1
			ent[d] = spEntry{int32(r), val[int(q0)+q]}
		}
	}
}

// FromDense stores the nonzeros of the m×k row-major matrix a (row stride
// lda) in s, unless there are more than maxNNZ of them: it then stops
// scanning and returns false, leaving s unusable. Memory is reused between
// calls.
func (s *CSR) FromDense(m, k int, a []float32, lda int, maxNNZ int) bool {
	return s.FromDenseThreads(1, m, k, a, lda, maxNNZ)
}

// fromDenseMinPart is the fewest floats of a for each goroutine of
// FromDenseThreads: smaller matrices are scanned on one.
const fromDenseMinPart = 1 << 17

// FromDenseThreads is FromDense on up to threads goroutines (0 for as many
// as SetThreads allows), each scanning a block of rows into a region of
// its own; the regions are then closed up. A block with more than its
// share of the nonzeros makes the call start again on one goroutine, so
// that the result and the limit are those of FromDense.
func (s *CSR) FromDenseThreads(threads, m, k int, a []float32, lda int, maxNNZ int) bool {
	if m < 0 || k < 0 || lda < max(k, 1) || len(a) < need(m, k, lda) {
		panic(fmt.Sprintf("gemm: CSR.FromDense: %d×%d matrix with stride %d in %d floats", m, k, lda, len(a)))
	}
	if threads <= 0 {
		threads = Threads()
	}
	if t := min(threads, m*k/fromDenseMinPart, m); t > 1 {
		s.setShape(m, k)
		if ok, done := s.fromDenseParts(t, m, k, a, lda, maxNNZ); done {
			return ok
		}
	}
	return s.fromDense(m, k, a, lda, maxNNZ)
}

// fromDenseParts runs FromDense's scan in t blocks of rows, or reports
// done false if a block overflowed its region.
func (s *CSR) fromDenseParts(t, m, k int, a []float32, lda int, maxNNZ int) (ok, done bool) {
	maxNNZ = min(maxNNZ, m*k)
	j := &s.parts
	j.s, j.a, j.lda, j.t = s, a, lda, t
	j.start, j.count = grow(j.start, t+1), grow(j.count, t)
	j.over = grow(j.over, t)
	off := 0
	for p := range t {
		j.start[p] = off
		r0, r1 := m*p/t, m*(p+1)/t
		off += maxNNZ*(r1-r0)/m + k + 16 // a block's share, and the slack of compress
	}
	j.start[t] = off
	s.colIdx, s.val = grow(s.colIdx, off), grow(s.val, off)
	parallel.Run(t, j)
	j.s, j.a = nil, nil
	if slices.Contains(j.over[:t], true) {
		return false, false
	}
	// Close up the regions: block p's entries follow block p-1's.
	n := j.count[0]
	for p := 1; p < t; p++ {
		gap := int32(j.start[p] - n)
		copy(s.colIdx[n:], s.colIdx[j.start[p]:j.start[p]+j.count[p]])
		copy(s.val[n:], s.val[j.start[p]:j.start[p]+j.count[p]])
		r0, r1 := m*p/t, m*(p+1)/t
		b := s.bounds[r0*s.stride : r1*s.stride]
		for i := range b {
			b[i] -= gap
		}
		n += j.count[p]
	}
	s.nnz = n
	return n <= maxNNZ, true
}

// denseParts is the work of FromDenseThreads: part p scans rows [m·p/t,
// m·(p+1)/t) into the region of colIdx and val from start[p].
type denseParts struct {
	s      *CSR
	a      []float32
	lda, t int
	start  []int
	count  []int
	over   []bool
}

// RunPart scans block p.
func (j *denseParts) RunPart(p int) {
	s := j.s
	m, k := s.rows, s.cols
	r0, r1 := m*p/j.t, m*(p+1)/j.t
	base := j.start[p]
	q, ok := s.scanRows(j.a, j.lda, r0, r1, base, j.start[p+1]-k-16)
	j.over[p], j.count[p] = !ok, q-base
}

// scanRows stores the nonzeros of rows [r0, r1) of the matrix a (row
// stride lda) from position q of colIdx and val on, and returns the
// position after them; it stops with ok false once a row ends past limit.
func (s *CSR) scanRows(a []float32, lda, r0, r1, q, limit int) (end int, ok bool) {
	k := s.cols
	for i := r0; i < r1; i++ {
		row := a[i*lda : i*lda+k]
		b := s.bounds[i*s.stride : (i+1)*s.stride]
		for c := range s.chunks {
			b[c] = int32(q)
			c0, c1 := c*s.chunkRows, min(k, (c+1)*s.chunkRows)
			q += compress(row[c0:c1], c0, s.colIdx[q:], s.val[q:])
		}
		b[s.chunks] = int32(q)
		if q > limit {
			return q, false
		}
	}
	return q, true
}

// fromDense is FromDense on one goroutine.
func (s *CSR) fromDense(m, k int, a []float32, lda int, maxNNZ int) bool {
	s.setShape(m, k)
	if k == 0 {
		clear(s.bounds)
		s.nnz = 0
		s.colIdx, s.val = grow(s.colIdx, 1), grow(s.val, 1)
		return true
	}
	// compress writes up to 8 values past the ones it keeps, and a row may
	// pass the limit before it is checked.
	capNNZ := min(maxNNZ, m*k) + k + 16
	s.colIdx = grow(s.colIdx, capNNZ)
	s.val = grow(s.val, capNNZ)
	p, ok := s.scanRows(a, lda, 0, m, 0, maxNNZ)
	if !ok {
		return false
	}
	s.nnz = p
	return true
}

// compress stores the nonzeros of x as (base+position, value) pairs in idx
// and val and returns how many there are; it may write up to 8 entries
// beyond those. -0 counts as zero, as it does for ==.
func compress(x []float32, base int, idx []int32, val []float32) int {
	q := 0
	n8 := len(x) &^ 7
	if compressKernel != nil && n8 > 0 {
		_, _ = idx[n8+7], val[n8+7]
		q = compressKernel(&x[0], n8, base, &idx[0], &val[0], &compressLUT)
	} else {
		for j := 0; j < n8; j += 8 {
			g := (*[8]float32)(x[j : j+8])
			or := math.Float32bits(g[0]) | math.Float32bits(g[1]) | math.Float32bits(g[2]) | math.Float32bits(g[3]) |
				math.Float32bits(g[4]) | math.Float32bits(g[5]) | math.Float32bits(g[6]) | math.Float32bits(g[7])
			if or&0x7fffffff == 0 {
				continue // 8 zeros, the common case in images
			}
			d := (*[8]int32)(idx[q : q+8])
			dv := (*[8]float32)(val[q : q+8])
			r := 0
			for t, v := range g {
				d[r&7] = int32(base + j + t)
				dv[r&7] = v
				r += nonzero(v)
			}
			q += r
		}
	}
	for j := n8; j < len(x); j++ {
		idx[q] = int32(base + j)
		val[q] = x[j]
		q += nonzero(x[j])
	}
	return q
}

// compressLUT[mask] lists the positions of mask's set bits, for the
// assembly compress (a left-packing permutation); entry 255 is 0..7.
var compressLUT = func() (lut [256][8]int32) {
	for mask := range lut {
		n := 0
		for b := range 8 {
			if mask&(1<<b) != 0 {
				lut[mask][n] = int32(b)
				n++
			}
		}
	}
	return lut
}()

// compressKernel is the assembly compress for n (a multiple of 8) values,
// or nil.
var compressKernel compressFunc

// nonzero is 1 if v != 0 and 0 otherwise, without a branch (nonzero
// pixels come in unpredictable runs).
func nonzero(v float32) int {
	b := math.Float32bits(v) & 0x7fffffff
	return int((b | -b) >> 31)
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

// spInnerRows is the number of rows of C that meet one chunk of B's panel
// before the next chunk.
const spInnerRows = 32

// Register tile of the sparse kernel: columns of C computed per call.
const spCols = 64

// spRowBlock is the number of rows of S (and C) processed against all of
// B before moving to the next rows, so that the 64-column slab of C that
// each panel of B adds to stays in L2 (128 KiB).
const spRowBlock = 512

// spPollMACs is about how many multiply-adds the Go kernels do between
// polls of the stop function (well under a millisecond's work).
const spPollMACs = 1 << 18

// spKernelFunc computes, for each of rows rows of S and C, the row's 64
// columns of C = S·B + beta·C, where B is a packed panel of 64-float rows
// and row r's entries are idx[p], val[p] for ptr[r*pstride] ≤ p <
// ptr[r*pstride+1]. If beta == 0, C is not read; a row without entries is
// left alone if beta == 1.
type spKernelFunc func(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)

// spKernel is the assembly sparse kernel of the kernel set in use (AVX-512
// or AVX2+FMA; see selectKernel), or nil for the Go loops; spKernel32 its
// version for a last slab of 32 columns.
var spKernel, spKernel32 spKernelFunc

// spRowGeneric is the portable kernel for width ≤ any columns.
func spRowGeneric(idx []int32, val []float32, b []float32, ldb int, c []float32, beta float32) {
	if beta == 0 {
		clear(c)
	} else if beta != 1 {
		for j := range c {
			c[j] *= beta
		}
	}
	w := len(c)
	for p, i := range idx {
		v := val[p]
		row := b[int(i)*ldb : int(i)*ldb+w]
		for j, x := range row {
			c[j] += v * x
		}
	}
}

// SparseMul computes C = S·B + beta·C, where S is an m×k CSR matrix, B a
// dense k×n row-major matrix (stride ldb) and C a dense m×n one (stride
// ldc). With beta == 0 the old contents of C are ignored. Rows of S are
// shared among goroutines as in Sgemm; stop (if not nil) is polled between
// blocks of rows, with the same contract as in SgemmCheck. SparseMul returns
// false if stopped, leaving C partially written.
func SparseMul(s *CSR, n int, b []float32, ldb int, beta float32, c []float32, ldc int, stop func() bool) bool {
	return SparseMulThreads(0, s, n, b, ldb, beta, c, ldc, stop)
}

// SparseMulThreads is SparseMul on at most threads goroutines (if threads
// > 0), for callers that already run products in parallel.
func SparseMulThreads(threads int, s *CSR, n int, b []float32, ldb int, beta float32, c []float32, ldc int, stop func() bool) bool {
	return SparseMulEpilogue(nil, threads, s, n, b, ldb, beta, c, ldc, stop)
}

// SparseMulEpilogue is SparseMulThreads followed by the epilogue ep (if
// not nil), applied to each block of rows of C as soon as its product is
// complete, while it is in cache; the results are those of the separate
// passes.
func SparseMulEpilogue(ep *Epilogue, threads int, s *CSR, n int, b []float32, ldb int, beta float32, c []float32, ldc int, stop func() bool) bool {
	m, k := s.rows, s.cols
	ep.check(n)
	if n < 0 || ldb < max(n, 1) || ldc < max(n, 1) || len(b) < need(k, n, ldb) || len(c) < need(m, n, ldc) {
		panic(fmt.Sprintf("gemm: SparseMul: %d×%d sparse · %d×%d (ldb %d, %d floats) into ldc %d, %d floats",
			m, k, k, n, ldb, len(b), ldc, len(c)))
	}
	if m == 0 || n == 0 {
		return true
	}
	j, t := newSpJob(threads, false, s, n, b, ldb, beta, c, ldc, stop)
	j.ep = ep
	// Goroutines take whole 64-column slabs when there are enough (each
	// then packs only its own slabs of B), else rows of equal nonzero counts.
	if slabs := n / spCols; spKernel != nil && t > 1 && slabs >= 2*t {
		j.slabParts(t, m)
	} else {
		j.rowParts(t, m, s.bounds, s.stride)
	}
	j.Share(j, len(j.parts)-1)
	ok := !j.Stopped()
	j.s, j.b, j.c, j.ep = nil, nil, nil, nil
	j.SetStop(nil)
	spJobPool.Put(j)
	return ok
}

// SparseTMul computes C = Sᵀ·D + beta·C, where S is an m×k CSR matrix, D
// a dense m×n matrix (stride ldd) and C a dense k×n one (stride ldc): the
// weight gradient of a product with a sparse input. For a short, wide S
// (a batch of images) it reads S by column, from a transposed copy built
// once per FromDense: each row i of C sums its nonzeros' rows of D in
// registers, 64 columns at a time, and is written once (see
// spGatherMaxRows). For a tall or narrow S (a convolution's pixels and
// channels) each nonzero S[r,i] adds
// S[r,i]·D[r,:] to row i of a packed panel of C's rows that stays in L1.
// Either way each element of C adds its products in the order of S's
// rows. With beta == 0 the old contents of C are ignored. Threads, the
// stop function and the result are as for SparseMul; calls that share s
// must not run concurrently.
func SparseTMul(s *CSR, n int, d []float32, ldd int, beta float32, c []float32, ldc int, stop func() bool) bool {
	return SparseTMulThreads(0, s, n, d, ldd, beta, c, ldc, stop)
}

// SparseTMulThreads is SparseTMul on at most threads goroutines (if
// threads > 0).
func SparseTMulThreads(threads int, s *CSR, n int, d []float32, ldd int, beta float32, c []float32, ldc int, stop func() bool) bool {
	m, k := s.rows, s.cols
	if n < 0 || ldd < max(n, 1) || ldc < max(n, 1) || len(d) < need(m, n, ldd) || len(c) < need(k, n, ldc) {
		panic(fmt.Sprintf("gemm: SparseTMul: (%d×%d sparse)ᵀ · %d×%d (ldd %d, %d floats) into ldc %d, %d floats",
			m, k, m, n, ldd, len(d), ldc, len(c)))
	}
	if k == 0 || n == 0 {
		return true
	}
	j, t := newSpJob(threads, true, s, n, d, ldd, beta, c, ldc, stop)
	if m <= spGatherMaxRows && s.chunks > 1 {
		j.gatherParts(t)
	} else {
		j.scatterParts(t)
	}
	j.Share(j, len(j.parts)-1)
	ok := !j.Stopped()
	j.s, j.b, j.c, j.trans, j.gather = nil, nil, nil, false, false
	j.SetStop(nil)
	spJobPool.Put(j)
	return ok
}

// SparseTMulBlocks computes C = Sᵀ·D as SparseTMul does with beta 0, but
// hands C over a block of rows at a time instead of storing it: for each
// block of rows [i0, i1) it calls use(i0, i1, blk), where blk holds those
// rows of C (row-major, stride n) until use returns. This lets a training
// step apply each block of a weight gradient to the weights while it is
// in cache, so that the gradient never goes to memory. use runs on the
// goroutine that computed the block, concurrently with other blocks. The
// values are bit for bit those SparseTMul stores.
//
// It does the work only for a short, wide S (a batch of images: see
// spGatherMaxRows) and a product of at most BlockedMaxMACs multiply-adds,
// which it cannot be stopped in the middle of; otherwise it returns false
// without calling use.
func SparseTMulBlocks(threads int, s *CSR, n int, d []float32, ldd int, use func(i0, i1 int, blk []float32)) bool {
	m, k := s.rows, s.cols
	if n < 0 || ldd < max(n, 1) || len(d) < need(m, n, ldd) {
		panic(fmt.Sprintf("gemm: SparseTMulBlocks: (%d×%d sparse)ᵀ · %d×%d (ldd %d, %d floats)", m, k, m, n, ldd, len(d)))
	}
	if !CanSparseTMulBlocks(s, n) {
		return false
	}
	if k == 0 || n == 0 {
		return true
	}
	j, t := newSpJob(threads, true, s, n, d, ldd, 0, nil, n, nil)
	s.transpose(t)
	j.gather, j.use = true, use
	j.rowParts(t, k, s.tPtr, 1)
	j.Share(j, len(j.parts)-1)
	j.s, j.b, j.gather, j.trans, j.use = nil, nil, false, false, nil
	spJobPool.Put(j)
	return true
}

// CanSparseTMulBlocks reports whether SparseTMulBlocks does the work for
// s and n columns of D.
func CanSparseTMulBlocks(s *CSR, n int) bool {
	return s.rows <= spGatherMaxRows && s.chunks > 1 && s.nnz*n <= BlockedMaxMACs
}

// BlockedMaxMACs is the most multiply-adds of a SparseTMulBlocks call (a
// few tens of milliseconds at most), since it cannot be interrupted.
const BlockedMaxMACs = 1 << 27

// spBlockFloats is about the size of the blocks of C that SparseTMulBlocks
// hands over (32 KiB): small enough to stay in L1 or L2 until used.
const spBlockFloats = 8192

// runB computes one part of a SparseTMulBlocks: all of D's slabs are
// packed first, then each block of rows of C is summed slab by slab
// (exactly as in runG) and handed to j.use.
func (j *spJob) runB(p spPart, ws *workspace) {
	s, n := j.s, j.n
	m := s.rows
	full, _ := j.slabs(p, gatherKernel != nil, false)
	rows := max(1, spBlockFloats/n)
	ws.ensure(rows*n, m*full+max(n-full, 0))
	for c0 := 0; c0 < full; c0 += spCols {
		j.packPanel(ws.b[m*c0:m*(c0+spCols)], m, c0, spCols)
	}
	acc := ws.b[m*full:]
	for i0 := p.r0; i0 < p.r1; i0 += rows {
		i1 := min(i0+rows, p.r1)
		blk := ws.a[:(i1-i0)*n]
		for c0 := 0; c0 < full; c0 += spCols {
			gatherKernel(i1-i0, &s.tPtr[i0], &s.tEnt[0], &ws.b[m*c0], spCols, &blk[c0], n, 0)
		}
		if full < n {
			for i := i0; i < i1; i++ {
				q0, q1 := s.tPtr[i], s.tPtr[i+1]
				row := blk[(i-i0)*n : (i-i0+1)*n]
				gatherRowGeneric(s.tEnt[q0:q1], j.b[full:], j.ldb, row[full:], acc[:n-full], 0)
			}
		}
		j.use(i0, i1, blk)
	}
}

// spGatherMaxRows is the most rows of S for which SparseTMul reads S by
// column (gatherParts), if S has more columns than one panel chunk: each
// row of C is then summed in registers from its nonzeros' rows of a
// packed 64-column slab of D (m×256 bytes, in L2) and written once, with
// no clearing, copying or rereading of C. Measured on 784 columns at 19-25%
// density, this is 1.5-2.3 times faster than scattering from 128 to 4096
// rows. With few columns (a convolution's channels) the scatter form keeps
// C's whole panel in L1 and reads each row of D once, where gathering
// would read it once per nonzero: there it is 3-5 times faster
// (scatterParts).
const spGatherMaxRows = 4096

// spGatherBlock is the most rows of C, and spGatherPollNNZ about the most
// nonzeros (16·spPollMACs multiply-adds over a 64-column slab, a fraction
// of a millisecond), between polls of the stop function in the
// column-wise SparseTMul.
const (
	spGatherBlock   = 256
	spGatherPollNNZ = 16 * spPollMACs / spCols
)

// gatherFunc is SparseTMul's kernel when it reads S by column: for each of
// rows rows i of C, with entries ent[p] for ptr[i] ≤ p < ptr[i+1], it sets
// c[i*ldc : i*ldc+64] = Σ ent[p].val·d[ent[p].row*ldd : ent[p].row*ldd+64]
// + beta·c[...], adding in the order of p (then beta·c, fused); if beta ==
// 0, c is not read.
type gatherFunc func(rows int, ptr *int32, ent *spEntry, d *float32, ldd int, c *float32, ldc int, beta float32)

// gatherKernel is the assembly kernel of the kernel set in use, or nil.
var gatherKernel gatherFunc

// gatherParts splits a column-wise SparseTMul among t goroutines: whole
// 64-column slabs when there are enough (each packs only its own slabs of
// D), else rows of C with equal nonzero counts.
func (j *spJob) gatherParts(t int) {
	s := j.s
	s.transpose(t)
	j.gather = true
	if slabs := j.n / spCols; gatherKernel != nil && t > 1 && slabs >= 2*t {
		j.slabParts(t, s.cols)
	} else {
		j.rowParts(t, s.cols, s.tPtr, 1)
	}
}

// slabParts splits the job into t parts of rows [0, rows) and whole
// 64-column slabs of C (the last part takes the columns past them).
func (j *spJob) slabParts(t, rows int) {
	slabs := j.n / spCols
	j.parts = j.parts[:0]
	for i := range t {
		c0, c1 := spCols*(slabs*i/t), spCols*(slabs*(i+1)/t)
		if i == t-1 {
			c1 = j.n
		}
		j.parts = append(j.parts, spPart{0, rows, c0, c1})
	}
}

// rowParts splits rows [0, rows) of C into t parts of all columns with
// about equal numbers of nonzeros, where row r's entries start at
// starts[r*stride] and all of them number j.s.nnz.
func (j *spJob) rowParts(t, rows int, starts []int32, stride int) {
	j.parts = j.parts[:0]
	r := 0
	for i := range t {
		end := rows
		if i < t-1 {
			target := int32(j.s.nnz * (i + 1) / t)
			for end = r; end < rows && starts[end*stride] < target; end++ {
			}
		}
		if end > r || i == t-1 && len(j.parts) == 0 {
			j.parts = append(j.parts, spPart{r, end, 0, j.n})
		}
		r = end
	}
}

// runG computes one part of a column-wise SparseTMul (see gatherParts).
func (j *spJob) runG(p spPart, ws *workspace) bool {
	s, ldc := j.s, j.ldc
	m := s.rows
	full, _ := j.slabs(p, gatherKernel != nil, false)
	if full > p.c0 {
		ws.ensure(0, m*spCols)
	}
	for c0 := p.c0; c0 < full; c0 += spCols {
		// D's rows are often 2 KiB apart and would evict each other
		// from L1 (see run); packed, the slab is read from L1 or L2.
		panel := ws.b[:m*spCols]
		j.packPanel(panel, m, c0, spCols)
		for i0 := p.r0; i0 < p.r1; {
			if j.interrupted() {
				return false
			}
			i1, end := i0+1, min(i0+spGatherBlock, p.r1)
			for i1 < end && s.tPtr[i1]-s.tPtr[i0] < spGatherPollNNZ {
				i1++
			}
			_ = j.c[(i1-1)*ldc+c0+spCols-1] // the kernel writes 64 columns of each row
			gatherKernel(i1-i0, &s.tPtr[i0], &s.tEnt[0], &panel[0], spCols, &j.c[i0*ldc+c0], ldc, j.beta)
			i0 = i1
		}
	}
	if full < p.c1 {
		// Without an assembly kernel this loop is the whole product.
		w := p.c1 - full
		ws.ensure(0, w)
		acc := ws.b[:w]
		work := 0
		for i := p.r0; i < p.r1; i++ {
			q0, q1 := s.tPtr[i], s.tPtr[i+1]
			if work += int(q1-q0) * w; work >= spPollMACs || i == p.r0 {
				if j.interrupted() {
					return false
				}
				work = 0
			}
			gatherRowGeneric(s.tEnt[q0:q1], j.b[full:], j.ldb, j.c[i*ldc+full:i*ldc+p.c1], acc, j.beta)
		}
	}
	return true
}

// gatherRowGeneric is the portable kernel for one row c of C: c =
// Σ e.val·d[e.row*ldd : e.row*ldd+len(c)] over the entries e, + beta·c,
// summed in acc.
func gatherRowGeneric(ent []spEntry, d []float32, ldd int, c, acc []float32, beta float32) {
	clear(acc)
	w := len(c)
	for _, e := range ent {
		v := e.val
		drow := d[int(e.row)*ldd : int(e.row)*ldd+w]
		for t, x := range drow {
			acc[t] += v * x
		}
	}
	if beta == 0 {
		copy(c, acc)
		return
	}
	for t, x := range acc[:w] {
		c[t] = x + beta*c[t]
	}
}

// scatterParts splits a row-wise SparseTMul among t goroutines. Every
// row of S may add to every row of C, so goroutines split the columns
// only, in whole 64-column slabs.
func (j *spJob) scatterParts(t int) {
	if scatterKernel == nil || j.n/spCols < 2*t {
		t = 1
	}
	j.slabParts(t, j.s.cols)
}

// scatterFunc is SparseTMul's kernel: for each of rows rows r of S, with
// entries idx[p], val[p] for ptr[r*pstride] ≤ p < ptr[r*pstride+1], it adds
// val[p]·d[r*ldd : r*ldd+64] to row idx[p] of the packed 64-column panel c.
type scatterFunc func(rows int, ptr *int32, pstride int, idx *int32, val *float32, d *float32, ldd int, c *float32)

// scatterKernel is the assembly kernel of the kernel set in use, or nil;
// scatterKernel32 its version for a last slab of 32 columns.
var scatterKernel, scatterKernel32 scatterFunc

// runT computes one part of SparseTMul.
func (j *spJob) runT(p spPart, ws *workspace) bool {
	s, ldc := j.s, j.ldc
	m, k := s.rows, s.cols
	full, half := j.slabs(p, scatterKernel != nil, scatterKernel32 != nil)
	if full > p.c0 {
		ws.ensure(0, k*spCols)
	}
	for c0 := p.c0; c0 < full; c0 += spCols {
		kern, w := scatterKernel, spCols
		if c0 == half {
			kern, w = scatterKernel32, spCols/2
		}
		panel := ws.b[:k*w]
		for ch := range s.chunks {
			if j.interrupted() {
				return false
			}
			k0, k1 := ch*s.chunkRows, min(k, (ch+1)*s.chunkRows)
			clear(panel[k0*w : k1*w])
			_ = j.b[(m-1)*j.ldb+c0+w-1] // the kernel reads w columns of each row of D
			kern(m, &s.bounds[ch], s.stride, &s.colIdx[0], &s.val[0], &j.b[c0], j.ldb, &panel[0])
			for i := k0; i < k1; i++ {
				merge(j.c[i*ldc+c0:i*ldc+c0+w], panel[i*w:(i+1)*w], j.beta)
			}
		}
	}
	if full < p.c1 {
		if j.interrupted() {
			return false
		}
		for i := range k {
			merge(j.c[i*ldc+full:i*ldc+p.c1], nil, j.beta)
		}
		work := 0
		for r := range m {
			p0, p1 := s.span(r)
			if work += int(p1-p0) * (p.c1 - full); work >= spPollMACs {
				if j.interrupted() {
					return false
				}
				work = 0
			}
			drow := j.b[r*j.ldb+full : r*j.ldb+p.c1]
			for q := p0; q < p1; q++ {
				v, crow := s.val[q], j.c[int(s.colIdx[q])*ldc+full:int(s.colIdx[q])*ldc+p.c1]
				for t, x := range drow {
					crow[t] += v * x
				}
			}
		}
	}
	return true
}

// merge sets dst = src + beta·dst (src nil counts as zeros); with beta ==
// 0, dst's old values are ignored.
func merge(dst, src []float32, beta float32) {
	switch {
	case beta == 0 && src == nil:
		clear(dst)
	case beta == 0:
		copy(dst, src)
	case src == nil:
		if beta != 1 {
			for i := range dst {
				dst[i] *= beta
			}
		}
	case beta == 1:
		for i, v := range src[:len(dst)] {
			dst[i] += v
		}
	default:
		for i, v := range src[:len(dst)] {
			dst[i] = v + beta*dst[i]
		}
	}
}

// newSpJob prepares a SparseMul (or, if trans, SparseTMul) call and
// returns how many goroutines it may use.
func newSpJob(threads int, trans bool, s *CSR, n int, b []float32, ldb int, beta float32, c []float32, ldc int, stop func() bool) (*spJob, int) {
	j := spJobPool.Get().(*spJob)
	j.s, j.n, j.b, j.ldb, j.beta, j.c, j.ldc, j.trans = s, n, b, ldb, beta, c, ldc, trans
	j.SetStop(stop)
	j.next.Store(0)
	t := 1
	if s.NNZ()*n >= parallelMinMACs/4 {
		t = Threads()
		if threads > 0 {
			t = min(t, threads)
		}
	}
	return j, t
}

// spJob is one SparseMul call shared by the goroutines working on it.
type spJob struct {
	s           *CSR
	n, ldb, ldc int
	b, c        []float32
	beta        float32
	trans       bool // SparseTMul: b holds D
	gather      bool // SparseTMul reads S by column (runG)
	ep          *Epilogue
	use         func(i0, i1 int, blk []float32) // SparseTMulBlocks (runB)
	parts       []spPart
	next        atomic.Int32
	parallel.Stopper
	parallel.Crew
}

// interrupted polls the job's stop function (see parallel.Stopper).
func (j *spJob) interrupted() bool { return j.Interrupted() }

// spPart is the block [r0,r1)×[c0,c1) of C computed by one goroutine.
type spPart struct{ r0, r1, c0, c1 int }

var spJobPool = sync.Pool{New: func() any { return new(spJob) }}

// Work claims parts until none are left.
func (j *spJob) Work() {
	ws := wsPool.Get().(*workspace)
	for {
		i := int(j.next.Add(1)) - 1
		if i >= len(j.parts) {
			break
		}
		ok := true
		switch {
		case j.use != nil:
			j.runB(j.parts[i], ws)
		case j.gather:
			ok = j.runG(j.parts[i], ws)
		case j.trans:
			ok = j.runT(j.parts[i], ws)
		default:
			ok = j.run(j.parts[i], ws)
		}
		if !ok {
			break
		}
	}
	wsPool.Put(ws)
}

// run computes one part. Each 64-column slab of B is first copied into a
// contiguous k×64 panel: read in place, B's rows (often 2 KiB apart) would
// all fall into a few cache sets and evict each other. A part of one row
// block (a training batch) copies each slab just before using it, while
// it is in L2; a taller part (an evaluation of thousands of rows) copies
// all its slabs once rather than once per row block.
func (j *spJob) run(p spPart, ws *workspace) bool {
	s, ldc := j.s, j.ldc
	k := s.cols
	full, half := j.slabs(p, spKernel != nil, spKernel32 != nil)
	packOnce := p.r1-p.r0 > spRowBlock
	if full > p.c0 {
		if packOnce {
			ws.ensure(0, k*(full-p.c0))
			for c0 := p.c0; c0 < full; c0 += spCols {
				j.packPanel(ws.b[k*(c0-p.c0):], k, c0, min(spCols, full-c0))
			}
		} else {
			ws.ensure(0, k*spCols)
		}
	}
	nch, stride := s.chunks, s.stride
	for rb := p.r0; rb < p.r1; rb += spRowBlock {
		re := min(rb+spRowBlock, p.r1)
		for c0 := p.c0; c0 < full; c0 += spCols {
			kern, w := spKernel, spCols
			if c0 == half {
				kern, w = spKernel32, spCols/2
			}
			if j.interrupted() {
				return false
			}
			var panel []float32
			if packOnce {
				panel = ws.b[k*(c0-p.c0) : k*(c0-p.c0+w)]
			} else {
				panel = ws.b[:k*w]
				j.packPanel(panel, k, c0, w)
			}
			// A few rows of C at a time stay in L1 while they
			// meet each chunk of the panel, loaded from L2 once
			// per few rows rather than once per nonzero.
			for r0 := rb; r0 < re; r0 += spInnerRows {
				r1 := min(r0+spInnerRows, re)
				_ = j.c[(r1-1)*ldc+c0+w-1] // the kernel writes w columns of each row
				for ch := range nch {
					ptr := s.bounds[r0*stride+ch:]
					_ = ptr[(r1-1-r0)*stride+1]
					beta := j.beta
					if ch > 0 {
						beta = 1
					}
					kern(r1-r0, &ptr[0], stride, &s.colIdx[0], &s.val[0], &panel[0], &j.c[r0*ldc+c0], ldc, beta)
				}
				j.ep.apply(j.c[r0*ldc+c0:], ldc, r1-r0, w, c0)
			}
		}
	}
	if full < p.c1 {
		if j.interrupted() {
			return false
		}
		work := 0
		for r := p.r0; r < p.r1; r++ {
			p0, p1 := s.span(r)
			// Without an assembly kernel this loop is the whole product.
			if work += int(p1-p0) * (p.c1 - full); work >= spPollMACs {
				if j.interrupted() {
					return false
				}
				work = 0
			}
			spRowGeneric(s.colIdx[p0:p1], s.val[p0:p1], j.b[full:], j.ldb, j.c[r*ldc+full:r*ldc+p.c1], j.beta)
			j.ep.apply(j.c[r*ldc+full:], ldc, 1, p.c1-full, full)
		}
	}
	return true
}

// packPanel copies columns c0..c0+w of the first rows rows of the job's
// dense operand (B, or SparseTMul's D) into panel, w floats a row.
func (j *spJob) packPanel(panel []float32, rows, c0, w int) {
	if rows > 0 {
		vec.CopyBlocks(panel[:rows*w], j.b[c0:], rows, 1, w, j.ldb, 0) // one call, not a copy a row
	}
}

// slabs returns where the columns of part p that the assembly kernels
// compute end (full) and where the one 32-column slab among them starts
// (half, or -1 if there is none): 64-column slabs, then one of 32 if at
// least 32 columns are left. The rest, fewer than 32 columns, is for the
// Go kernel.
func (j *spJob) slabs(p spPart, has64, has32 bool) (full, half int) {
	if !has64 {
		return p.c0, -1
	}
	full, half = p.c0+(p.c1-p.c0)/spCols*spCols, -1
	if has32 && p.c1-full >= spCols/2 {
		half = full
		full += spCols / 2
	}
	return full, half
}
