package nn

import (
	"fmt"
	"math"
	"strings"

	"github.com/nnlab/nnlab/internal/memlimit"
)

// Tensor is a dense, row-major array of float32 values with a shape.
// Every value in nn is float32; integer results (ArgMax) and booleans
// (Equal) are stored as whole numbers and 0/1, tagged by DType.
type Tensor struct {
	shape []int
	data  []float32
	dtype DType
}

// DType names the meaning of a tensor's values. Storage is always float32.
type DType int

// The dtypes a tensor or node can carry.
const (
	Float32 DType = iota
	Int64
	Bool
)

func (d DType) String() string {
	switch d {
	case Int64:
		return "int64"
	case Bool:
		return "bool"
	}
	return "float32"
}

// NewTensor returns a tensor of the given shape holding data (not copied).
// A nil data allocates zeros. It panics if len(data) does not match the shape.
func NewTensor(data []float32, shape ...int) *Tensor { return newTensor("NewTensor", data, shape) }

// Zeros returns a tensor of zeros with the given shape.
func Zeros(shape ...int) *Tensor { return newTensor("Zeros", nil, shape) }

// Ones returns a tensor of ones with the given shape, like numpy's ones.
// TensorFlow's tf.ones makes a node; here that is nn.Const(nn.Ones(2, 3)).
func Ones(shape ...int) *Tensor {
	t := newTensor("Ones", nil, shape)
	for i := range t.data {
		t.data[i] = 1
	}
	return t
}

// newTensor is NewTensor, with op naming the function the user called in
// its errors.
func newTensor(op string, data []float32, shape []int) *Tensor {
	if data == nil {
		data = newFloats(op, shape)
	}
	n := numElements(shape)
	if n < 0 {
		panic(&Error{Op: op, Msg: fmt.Sprintf("shape %v has a negative dimension or too many elements", shape)})
	}
	if len(data) != n {
		panic(&Error{Op: op, Msg: fmt.Sprintf("%d values do not fill shape %v (%d)", len(data), shape, n)})
	}
	return &Tensor{shape: append([]int(nil), shape...), data: data}
}

// Scalar returns a 0-dimensional tensor holding v.
func Scalar(v float64) *Tensor { return &Tensor{shape: []int{}, data: []float32{float32(v)}} }

// FromRows builds a [len(rows), len(rows[0])] tensor, copying the values.
func FromRows(rows [][]float32) *Tensor {
	if len(rows) == 0 {
		return Zeros(0, 0)
	}
	cols := len(rows[0])
	t := Zeros(len(rows), cols)
	for i, r := range rows {
		if len(r) != cols {
			panic(&Error{Op: "FromRows", Msg: fmt.Sprintf("row %d has %d values, row 0 has %d", i, len(r), cols)})
		}
		copy(t.data[i*cols:], r)
	}
	return t
}

// Shape returns the tensor's dimensions (a copy).
func (t *Tensor) Shape() []int { return append([]int(nil), t.shape...) }

// Data returns the underlying values in row-major order (not a copy).
func (t *Tensor) Data() []float32 { return t.data }

// DType reports what the values mean.
func (t *Tensor) DType() DType { return t.dtype }

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.data) }

// Rank returns the number of dimensions.
func (t *Tensor) Rank() int { return len(t.shape) }

// Float returns the value of a tensor holding exactly one element.
func (t *Tensor) Float() float64 {
	if len(t.data) != 1 {
		panic(&Error{Op: "Float", Msg: fmt.Sprintf("tensor of shape %v is not a scalar", t.shape)})
	}
	return float64(t.data[0])
}

// At returns the element at the given indices.
func (t *Tensor) At(idx ...int) float64 {
	if len(idx) != len(t.shape) {
		panic(&Error{Op: "At", Msg: fmt.Sprintf("%d indices for a tensor of rank %d", len(idx), len(t.shape))})
	}
	off := 0
	for i, x := range idx {
		if x < 0 || x >= t.shape[i] {
			panic(&Error{Op: "At", Msg: fmt.Sprintf("index %d out of range [0,%d) in dimension %d", x, t.shape[i], i)})
		}
		off = off*t.shape[i] + x
	}
	return float64(t.data[off])
}

// Row returns row i of a tensor of rank >= 1 as a tensor sharing its storage.
// Row(3) of the test images is image 3, shape [784].
func (t *Tensor) Row(i int) *Tensor {
	if len(t.shape) == 0 || i < 0 || i >= t.shape[0] {
		panic(&Error{Op: "Row", Msg: fmt.Sprintf("row %d out of range for shape %v", i, t.shape)})
	}
	inner := numElements(t.shape[1:])
	return &Tensor{shape: append([]int(nil), t.shape[1:]...), data: t.data[i*inner : (i+1)*inner], dtype: t.dtype}
}

// Slice returns rows [from, to) of the first dimension, sharing storage.
func (t *Tensor) Slice(from, to int) *Tensor {
	if len(t.shape) == 0 || from < 0 || to > t.shape[0] || from > to {
		panic(&Error{Op: "Slice", Msg: fmt.Sprintf("rows [%d,%d) out of range for shape %v", from, to, t.shape)})
	}
	inner := numElements(t.shape[1:])
	s := append([]int{to - from}, t.shape[1:]...)
	return &Tensor{shape: s, data: t.data[from*inner : to*inner], dtype: t.dtype}
}

// Reshape returns a tensor sharing storage with a new shape; one dimension may be -1.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	s := append([]int(nil), shape...)
	unknown, known := -1, 1
	for i, d := range s {
		if d == -1 && unknown < 0 {
			unknown = i
			continue
		}
		known *= d
	}
	if unknown >= 0 && known > 0 {
		s[unknown] = len(t.data) / known
	}
	if numElements(s) != len(t.data) {
		panic(&Error{Op: "Reshape", Msg: fmt.Sprintf("cannot reshape %v (%d values) to %v", t.shape, len(t.data), shape)})
	}
	return &Tensor{shape: s, data: t.data, dtype: t.dtype}
}

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{shape: append([]int(nil), t.shape...), data: append([]float32(nil), t.data...), dtype: t.dtype}
}

// String prints a scalar as a number and other tensors with their shape and
// a few values, like numpy: Tensor(shape=[2,3], float32) [[1 2 3] [4 5 6]].
func (t *Tensor) String() string {
	if t == nil {
		return "<nil tensor>"
	}
	if len(t.data) == 1 && len(t.shape) == 0 {
		return formatValue(t.data[0], t.dtype)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Tensor(shape=%s, %s) ", FormatShape(t.shape), t.dtype)
	if n := numElements(t.shape); n != len(t.data) {
		// A Tensor{} literal, not made by NewTensor or Zeros.
		fmt.Fprintf(&b, "<invalid: %d values for %d elements; make tensors with nn.NewTensor or nn.Zeros>", len(t.data), n)
		return b.String()
	}
	writeValues(&b, t, 0, 0)
	return b.String()
}

// maxShown is how many entries of a dimension print before an ellipsis.
const maxShown = 6

func writeValues(b *strings.Builder, t *Tensor, dim, off int) {
	if len(t.shape) == 0 {
		b.WriteString(formatValue(t.data[0], t.dtype))
		return
	}
	n := t.shape[dim]
	inner := numElements(t.shape[dim+1:])
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		if n > maxShown && i == maxShown/2 {
			b.WriteString(" ...")
			i = n - maxShown/2
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		if dim == len(t.shape)-1 {
			b.WriteString(formatValue(t.data[off+i], t.dtype))
		} else {
			writeValues(b, t, dim+1, off+i*inner)
		}
	}
	b.WriteByte(']')
}

func formatValue(v float32, d DType) string {
	switch d {
	case Bool:
		if v != 0 {
			return "true"
		}
		return "false"
	case Int64:
		return fmt.Sprint(int64(v))
	}
	if math.IsInf(float64(v), 0) || math.IsNaN(float64(v)) {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%.6g", v)
}

// FormatShape prints a shape as [?,784], with ? for an unknown dimension.
func FormatShape(s []int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		if d < 0 {
			b.WriteByte('?')
		} else {
			fmt.Fprint(&b, d)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// numElements returns the product of shape, or -1 if a dimension is
// negative or the product overflows.
func numElements(shape []int) int {
	n, ok := memlimit.Elements(shape)
	if !ok {
		return -1
	}
	return n
}

// newFloats allocates the values of a tensor of the given shape, after
// checking that the shape is valid and fits in memory, so that a size typed
// by mistake is an error instead of a fatal out-of-memory. op names the
// caller for the message. The check runs once per allocation, never per
// training step.
func newFloats(op string, shape []int) []float32 {
	n, ok := memlimit.Elements(shape)
	if !ok {
		panic(&Error{Op: op, Msg: fmt.Sprintf("shape %v has a negative dimension or more elements than an int holds", shape)})
	}
	return makeFloats(op, "tensor of shape "+FormatShape(shape), n)
}

// makeFloats allocates n float32 values, or panics with an *Error naming
// op and what if they cannot fit in memory.
func makeFloats(op, what string, n int) []float32 {
	if err := memlimit.Check(what, n, 4); err != nil {
		panic(&Error{Op: op, Msg: err.Error()})
	}
	return make([]float32, n)
}

// Error is a problem with a graph, a feed or a value, naming the op where it arose.
type Error struct {
	Op  string // the op or function, e.g. "matmul" or "Session.Run"
	Msg string
}

func (e *Error) Error() string { return e.Op + ": " + e.Msg }
