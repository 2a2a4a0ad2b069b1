package nn

import (
	"fmt"
	"os"

	"github.com/nnlab/nnlab/nn/gemm"
)

// MatMul multiplies two matrices: [m,k] x [k,n] -> [m,n]. Operands of rank
// 3 or more are batches of matrices with the same leading dimensions, as
// TensorFlow 1's tf.matmul: [b,m,k] x [b,k,n] -> [b,m,n], one product per
// batch element (the batch dimensions are not broadcast).
func MatMul(a, b *Node) *Node { return newOp("matmul", matmulOp{}, Float32, true, a, b) }

type matmulOp struct{}

func (matmulOp) shape(in [][]int) ([]int, error) {
	a, b := in[0], in[1]
	if len(a) < 2 || len(b) < 2 {
		return nil, fmt.Errorf("%s: both operands must be matrices (rank 2) or batches of them", shapesStr(in))
	}
	if len(a) != len(b) {
		return nil, fmt.Errorf("%s: operands of ranks %d and %d; a batch of matrices needs one of the same batch shape", shapesStr(in), len(a), len(b))
	}
	r := len(a)
	out := make([]int, 0, r)
	for i := 0; i < r-2; i++ {
		if !dimsMatch(a[i], b[i]) {
			return nil, fmt.Errorf("%s: batch dimensions %d and %d differ", shapesStr(in), a[i], b[i])
		}
		out = append(out, max(a[i], b[i]))
	}
	if !dimsMatch(a[r-1], b[r-2]) {
		return nil, fmt.Errorf("%s: inner dimensions %d and %d differ", shapesStr(in), a[r-1], b[r-2])
	}
	return append(out, a[r-2], b[r-1]), nil
}

// dims returns the number of products and each one's m, k and n.
func (matmulOp) dims(a, b *Tensor) (batch, m, k, n int) {
	r := len(a.shape)
	m, k, n = a.shape[r-2], a.shape[r-1], b.shape[r-1]
	batch = 1
	for _, d := range a.shape[:r-2] {
		batch *= d
	}
	return batch, m, k, n
}

// matmulState is what a matmul keeps from forward to backward: its left
// operand in CSR form when it is mostly zeros (see sparseLeft).
type matmulState struct {
	csr    gemm.CSR
	sparse bool // csr holds this step's left operand
	// The epilogue of ops fused into the product (see plan.fuse).
	ep gemm.Epilogue
}

func (matmulOp) newState() any { return new(matmulState) }

func (o matmulOp) forward(e *exec) {
	a, b := e.in[0], e.in[1]
	batch, m, k, n := o.dims(a, b)
	st := e.state.(*matmulState)
	st.sparse = batch == 1 && sparseLeft(st, a.data, m, n, k)
	var ep *gemm.Epilogue
	if e.epi != nil {
		st.ep = gemm.Epilogue{Bias: e.epi.bias.out.data, Relu: e.epi.relu}
		ep = &st.ep
	}
	if st.sparse {
		if !gemm.SparseMulEpilogue(ep, 0, &st.csr, n, b.data, n, 0, e.out.data, n, e.stop) {
			panic(ErrInterrupted)
		}
		return
	}
	for i := 0; i < batch; i++ {
		sgemm(e.stop, mat(m, n, e.out.data[i*m*n:]), mat(m, k, a.data[i*m*k:]), mat(k, n, b.data[i*k*n:]), gemm.Options{Epilogue: ep})
	}
}

// The gradients are matrix products themselves: dA = dC·Bᵀ, dB = Aᵀ·dC
// (per batch element), accumulated into the buffers (beta = 1).
func (o matmulOp) backward(e *exec) {
	a, b := e.in[0], e.in[1]
	batch, m, k, n := o.dims(a, b)
	g := e.grad.data
	if ga := e.inGrad[0]; ga != nil {
		for i := 0; i < batch; i++ {
			sgemm(e.stop, mat(m, k, ga.data[i*m*k:]), mat(m, n, g[i*m*n:]), mat(k, n, b.data[i*k*n:]), gemm.Options{TransB: true, Beta: accumulate(e, 0)})
		}
	}
	if gb := e.inGrad[1]; gb != nil {
		if st := e.state.(*matmulState); st.sparse {
			if e.deferWeightGrad {
				return // computed after the checks, by a fusedUpdate
			}
			sparseTMul(e.stop, &st.csr, n, g, accumulate(e, 1), gb.data)
			return
		}
		for i := 0; i < batch; i++ {
			sgemm(e.stop, mat(k, n, gb.data[i*k*n:]), mat(m, k, a.data[i*m*k:]), mat(m, n, g[i*m*n:]), gemm.Options{TransA: true, Beta: accumulate(e, 1)})
		}
	}
}

// sparseMaxDensity is the fraction of nonzeros below which a matmul's left
// operand is multiplied in sparse form. Measured on the tutorial's first
// layer (nn/gemm BenchmarkSparseMul), the sparse product at MNIST's 19%
// density takes about half the time of the dense one; the two meet near 40%.
const sparseMaxDensity = 0.3

// sparseEnabled turns the sparse path on; NNLAB_SPARSE=off turns it off,
// to compare with dense products.
var sparseEnabled = os.Getenv("NNLAB_SPARSE") != "off"

// sparseLeft decides whether a matmul multiplies its m×k left operand a as
// a sparse matrix, and if so stores it in st.csr. Images such as MNIST's
// digits (81% zeros) qualify; dense activations are recognised from their
// first rows, so that checking them costs almost nothing.
func sparseLeft(st *matmulState, a []float32, m, n, k int) bool {
	if !sparseEnabled || n < 64 || k < 64 {
		return false
	}
	return toSparse(&st.csr, a, m, k, 0)
}

// toSparse stores the m×k matrix a in s if at most sparseMaxDensity of it
// is nonzero, scanning on up to threads goroutines (0 for all). Dense
// matrices are recognised from their first rows, so that checking them
// costs almost nothing.
func toSparse(s *gemm.CSR, a []float32, m, k, threads int) bool {
	if m < 8 {
		return false
	}
	nz := 0
	for _, v := range a[:4*k] {
		if v != 0 {
			nz++
		}
	}
	if float64(nz) > 1.5*sparseMaxDensity*float64(4*k) {
		return false
	}
	return s.FromDenseThreads(threads, m, k, a, k, int(sparseMaxDensity*float64(m*k)))
}

func (matmulOp) canOverwrite(int) bool { return true }

// accumulate is the beta for writing input i's gradient with a GEMM: 0 to
// overwrite a buffer this op alone fills, 1 to add to it.
func accumulate(e *exec, i int) float32 {
	if i < len(e.overwrite) && e.overwrite[i] {
		return 0
	}
	return 1
}

// Reshape gives x a new shape with the same number of elements; one
// dimension may be -1 (None) and is then inferred, as numpy does.
func Reshape(x *Node, shape ...int) *Node {
	return newOp("reshape", reshapeOp{to: append([]int(nil), shape...)}, x.dtype, true, x)
}

// Flatten reshapes [n, ...] to [n, product of the rest].
func Flatten(x *Node) *Node {
	if len(x.shape) < 1 {
		panic(&Error{Op: "flatten", Msg: "needs a batch dimension"})
	}
	rest := numElements(x.shape[1:])
	if rest < 0 {
		panic(&Error{Op: "flatten", Msg: fmt.Sprintf("shape %s has unknown inner dimensions", FormatShape(x.shape))})
	}
	return Reshape(x, -1, rest)
}

type reshapeOp struct{ to []int }

func (r reshapeOp) shape(in [][]int) ([]int, error) {
	out := append([]int(nil), r.to...)
	unknown, known := -1, 1
	for i, d := range out {
		switch {
		case d == -1 && unknown < 0:
			unknown = i
		case d < 0:
			return nil, fmt.Errorf("%s to %s: at most one dimension may be -1", FormatShape(in[0]), FormatShape(r.to))
		default:
			known *= d
		}
	}
	total := numElements(in[0])
	if total < 0 { // unknown input size: trust the inferred dimension
		return out, nil
	}
	if unknown >= 0 {
		if known == 0 || total%known != 0 {
			return nil, fmt.Errorf("%s to %s: %d elements do not divide", FormatShape(in[0]), FormatShape(r.to), total)
		}
		out[unknown] = total / known
	} else if known != total {
		return nil, fmt.Errorf("%s to %s: %d elements, not %d", FormatShape(in[0]), FormatShape(r.to), total, known)
	}
	return out, nil
}

func (reshapeOp) forward(e *exec) { copy(e.out.data, e.in[0].data) }

func (reshapeOp) backward(e *exec) {
	if g := e.inGrad[0]; g != nil {
		if accumulate(e, 0) == 0 {
			copy(g.data, e.grad.data)
			return
		}
		accum(g.data, e.grad.data)
	}
}

func (reshapeOp) canOverwrite(int) bool { return true }
