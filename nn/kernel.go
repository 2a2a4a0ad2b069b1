package nn

import (
	"github.com/nnlab/nnlab/nn/gemm"
	"github.com/nnlab/nnlab/nn/vec"
)

// accum adds src to dst element-wise: gradient accumulation, bias sums.
func accum(dst, src []float32) { vec.Add(dst, dst, src) }

// sgemm computes C = op(A)·op(B) + o.Beta·C (see gemm.Mul). The kernel
// polls the run's stop function between blocks, so a large product stops within
// milliseconds of a Ctrl-C; the partial result is then abandoned by
// panicking with ErrInterrupted.
func sgemm(stop func() bool, c, a, b gemm.Matrix, o gemm.Options) {
	o.Stop = stop
	if !gemm.Mul(c, a, b, o) {
		panic(ErrInterrupted)
	}
}

// mat is the rows×cols matrix with packed rows at the start of data.
func mat(rows, cols int, data []float32) gemm.Matrix { return gemm.NewMatrix(rows, cols, data) }

// sparseTMul computes C = Sᵀ·D + beta·C (the weight gradient of a sparse
// product), with the same interrupt behaviour as sgemm.
func sparseTMul(stop func() bool, s *gemm.CSR, n int, d []float32, beta float32, c []float32) {
	if !gemm.SparseTMul(s, n, d, n, beta, c, n, stop) {
		panic(ErrInterrupted)
	}
}
