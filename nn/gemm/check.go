package gemm

import "fmt"

// checkArgs panics if the arguments do not describe valid matrices.
func checkArgs(transA, transB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	// Stored shapes (rows × cols) of A and B.
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	switch {
	case m < 0 || n < 0 || k < 0:
		badArgs("negative dimension", transA, transB, m, n, k, la, lda, lb, ldb, lc, ldc)
	case lda < max(1, ac):
		badArgs(fmt.Sprintf("lda=%d < %d, the row length of A stored %d×%d", lda, max(1, ac), ar, ac), transA, transB, m, n, k, la, lda, lb, ldb, lc, ldc)
	case ldb < max(1, bc):
		badArgs(fmt.Sprintf("ldb=%d < %d, the row length of B stored %d×%d", ldb, max(1, bc), br, bc), transA, transB, m, n, k, la, lda, lb, ldb, lc, ldc)
	case ldc < max(1, n):
		badArgs(fmt.Sprintf("ldc=%d < %d, the row length of C %d×%d", ldc, max(1, n), m, n), transA, transB, m, n, k, la, lda, lb, ldb, lc, ldc)
	case la < need(ar, ac, lda):
		badArgs(fmt.Sprintf("len(a)=%d < %d needed for A stored %d×%d with lda=%d", la, need(ar, ac, lda), ar, ac, lda), transA, transB, m, n, k, la, lda, lb, ldb, lc, ldc)
	case lb < need(br, bc, ldb):
		badArgs(fmt.Sprintf("len(b)=%d < %d needed for B stored %d×%d with ldb=%d", lb, need(br, bc, ldb), br, bc, ldb), transA, transB, m, n, k, la, lda, lb, ldb, lc, ldc)
	case lc < need(m, n, ldc):
		badArgs(fmt.Sprintf("len(c)=%d < %d needed for C %d×%d with ldc=%d", lc, need(m, n, ldc), m, n, ldc), transA, transB, m, n, k, la, lda, lb, ldb, lc, ldc)
	}
}

// need is the minimum slice length holding rows×cols with row stride ld.
func need(rows, cols, ld int) int {
	if rows == 0 || cols == 0 {
		return 0
	}
	return (rows-1)*ld + cols
}

func badArgs(why string, transA, transB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	opA, opB := "A", "B"
	if transA {
		opA = "Aᵀ"
	}
	if transB {
		opB = "Bᵀ"
	}
	panic(fmt.Sprintf("gemm.Sgemm: %s: C[%d×%d] = %s[%d×%d]·%s[%d×%d] (len(a)=%d lda=%d, len(b)=%d ldb=%d, len(c)=%d ldc=%d)",
		why, m, n, opA, m, k, opB, k, n, la, lda, lb, ldb, lc, ldc))
}
