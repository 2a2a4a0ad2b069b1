package gemm

import "fmt"

// Matrix is a row-major matrix as stored: Rows×Cols values, row i starting
// at Data[i*Stride]. A Stride of 0 means Cols (rows packed end to end).
type Matrix struct {
	Rows, Cols int
	Stride     int
	Data       []float32
}

// NewMatrix returns a rows×cols Matrix over data with packed rows.
func NewMatrix(rows, cols int, data []float32) Matrix {
	return Matrix{Rows: rows, Cols: cols, Data: data}
}

// stride is the row stride of m, with 0 read as Cols.
func (m Matrix) stride() int {
	if m.Stride == 0 {
		return max(m.Cols, 1)
	}
	return m.Stride
}

// op returns the shape of m, or of its transpose if trans is set.
func (m Matrix) op(trans bool) (rows, cols int) {
	if trans {
		return m.Cols, m.Rows
	}
	return m.Rows, m.Cols
}

// Options are the settings of Mul; the zero value computes C = A·B,
// overwriting C, on as many goroutines as the product is worth.
type Options struct {
	// TransA and TransB multiply by the transpose of A or B as stored.
	TransA, TransB bool
	// Beta scales C before the product is added: 0 overwrites C (its old
	// contents, NaNs included, are ignored), 1 adds to it.
	Beta float32
	// Threads, if positive, bounds the goroutines used (1 for a caller
	// that already runs products in parallel).
	Threads int
	// Stop, if not nil, is polled between blocks of C, as by SgemmCheck.
	Stop func() bool
	// Epilogue, if not nil, is applied to each block of C as soon as its
	// product is complete (see Epilogue).
	Epilogue *Epilogue
}

// Mul computes C = op(A)·op(B) + o.Beta·C, where op(X) is X or, with
// o.TransA or o.TransB, its transpose. It returns false if o.Stop
// returned true, leaving C partially written (see SgemmCheck), and true
// when the product is complete. Mul panics with a message naming the
// shapes if they do not fit together or a slice is too short. Products
// that scale op(A)·op(B) by another factor than 1 take Sgemm.
func Mul(c, a, b Matrix, o Options) bool {
	m, k := a.op(o.TransA)
	kb, n := b.op(o.TransB)
	if k != kb || c.Rows != m || c.Cols != n {
		panic(fmt.Sprintf("gemm.Mul: C[%d×%d] = %s·%s: shapes do not fit",
			c.Rows, c.Cols, opName("A", m, k, o.TransA), opName("B", kb, n, o.TransB)))
	}
	o.Epilogue.check(n)
	return sgemm(o.Epilogue, o.Threads, o.TransA, o.TransB, m, n, k, 1, a.Data, a.stride(), b.Data, b.stride(), o.Beta, c.Data, c.stride(), o.Stop)
}

// opName prints op(X) with its shape: A[3×4] or Aᵀ[3×4].
func opName(x string, rows, cols int, trans bool) string {
	if trans {
		x += "ᵀ"
	}
	return fmt.Sprintf("%s[%d×%d]", x, rows, cols)
}
