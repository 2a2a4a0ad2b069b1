package nn

import (
	"github.com/nnlab/nnlab/nn/gemm"
	"github.com/nnlab/nnlab/nn/vec"
)

// accum adds src to dst element-wise: gradient accumulation, bias sums.
func accum(dst, src []float32) { vec.Add(dst, dst, src) }

// sgemm computes C = op(A)·op(B) + beta·C for row-major matrices, where
// op(A) is m×k and op(B) is k×n. The kernel polls Interrupted between
// blocks, so a large product stops within milliseconds of a Ctrl-C; the
// partial result is then abandoned by panicking with ErrInterrupted.
func sgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemmOn(0, transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// sgemmOn is sgemm on at most threads goroutines (all if threads <= 0).
func sgemmOn(threads int, transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !gemm.SgemmCheckThreads(threads, transA, transB, m, n, k, 1, a, lda, b, ldb, beta, c, ldc, Interrupted) {
		panic(ErrInterrupted)
	}
}

// sparseMul computes C = S·B + beta·C for a CSR matrix S and dense B (n
// columns) and C, with the same interrupt behaviour as sgemm.
func sparseMul(s *gemm.CSR, n int, b []float32, beta float32, c []float32) {
	if !gemm.SparseMul(s, n, b, n, beta, c, n, Interrupted) {
		panic(ErrInterrupted)
	}
}

// sparseTMul computes C = Sᵀ·D + beta·C (the weight gradient of a sparse
// product), with the same interrupt behaviour as sgemm.
func sparseTMul(s *gemm.CSR, n int, d []float32, beta float32, c []float32) {
	if !gemm.SparseTMul(s, n, d, n, beta, c, n, Interrupted) {
		panic(ErrInterrupted)
	}
}
