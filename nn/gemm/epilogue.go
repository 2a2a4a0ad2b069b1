package gemm

import (
	"fmt"

	"github.com/nnlab/nnlab/nn/vec"
)

// Epilogue is work that Mul does on each block of C as soon as the
// block's product is complete, while the block is still in cache: adding
// Bias to every row, then, if Relu, C = max(C, 0). It saves a layer of a
// network the passes over its whole output that a separate bias add and
// ReLU make. The results are those of the separate passes: the product is
// complete before the bias is added.
type Epilogue struct {
	Bias []float32 // if not nil, C[i][j] += Bias[j]; at least n long
	Relu bool
}

// SgemmCheckThreads is SgemmCheck on at most threads goroutines (if
// threads > 0), for callers that already run products in parallel.
func SgemmCheckThreads(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, stop func() bool) bool {
	return sgemm(nil, threads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, stop)
}

// check panics if e's bias is shorter than the n columns of C.
func (e *Epilogue) check(n int) {
	if e != nil && e.Bias != nil && len(e.Bias) < n {
		panic(fmt.Sprintf("gemm.Mul: epilogue bias of %d values for %d columns", len(e.Bias), n))
	}
}

// apply applies e (if not nil) to the rows×cols block of C at c (row
// stride ldc), whose first column is column col0 of C.
func (e *Epilogue) apply(c []float32, ldc, rows, cols, col0 int) {
	if e == nil || cols == 0 {
		return
	}
	for i := range rows {
		row := c[i*ldc : i*ldc+cols]
		if e.Bias != nil {
			vec.Add(row, row, e.Bias[col0:col0+cols])
		}
		if e.Relu {
			vec.Relu(row, row)
		}
	}
}

// epilogue applies the job's epilogue to the mc×nc block of C at row ic
// and column jc once its product is complete, that is once the products
// have reached depth done = k.
func (j *job) epilogue(done, ic, jc, mc, nc int) {
	if j.ep != nil && done == j.k {
		j.ep.apply(j.c[ic*j.ldc+jc:], j.ldc, mc, nc, jc)
	}
}
