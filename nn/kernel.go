package nn

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// sgemm computes C = op(A)·op(B) + beta·C for row-major matrices, where
// op(A) is m×k and op(B) is k×n. Large products are cut into row blocks so
// that an interrupt stops them within milliseconds.
func sgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := blasT(transA), blasT(transB)
	rows := m
	if work := n * k; work > 0 {
		rows = max(1, min(m, (1<<25)/work))
	}
	for i := 0; i < m; i += rows {
		checkInterrupt()
		r := min(rows, m-i)
		aOff := i * lda
		if transA {
			aOff = i
		}
		blas32.Implementation().Sgemm(ta, tb, r, n, k, 1, a[aOff:], lda, b, ldb, beta, c[i*ldc:], ldc)
	}
}

func blasT(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}
