package gemm

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMul checks Mul against the reference product for every
// transposition, packed and padded strides, Beta 0 and 1, and thread
// limits, on shapes above and below the parallel threshold.
func TestMul(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sz := range []struct{ m, n, k int }{{3, 5, 7}, {70, 90, 300}, {200, 130, 64}} {
		for _, tc := range []struct {
			transA, transB bool
			pad            int // extra floats per stored row
			beta           float32
			threads        int
		}{
			{false, false, 0, 0, 0}, {true, false, 0, 1, 0}, {false, true, 3, 0, 1},
			{true, true, 5, 1, 2}, {false, false, 1, 1, 1},
		} {
			ar, ac := sz.m, sz.k
			if tc.transA {
				ar, ac = ac, ar
			}
			br, bc := sz.k, sz.n
			if tc.transB {
				br, bc = bc, br
			}
			stride := func(cols int) int {
				if tc.pad == 0 {
					return 0
				}
				return cols + tc.pad
			}
			a := Matrix{Rows: ar, Cols: ac, Stride: stride(ac), Data: randSlice(r, ar*(ac+tc.pad))}
			b := Matrix{Rows: br, Cols: bc, Stride: stride(bc), Data: randSlice(r, br*(bc+tc.pad))}
			c := Matrix{Rows: sz.m, Cols: sz.n, Stride: stride(sz.n), Data: randSlice(r, sz.m*(sz.n+tc.pad))}
			want, mag := refGemm(tc.transA, tc.transB, sz.m, sz.n, sz.k, 1, a.Data, a.stride(), b.Data, b.stride(), tc.beta, c.Data, c.stride())
			if !Mul(c, a, b, Options{TransA: tc.transA, TransB: tc.transB, Beta: tc.beta, Threads: tc.threads}) {
				t.Fatal("Mul without Stop returned false")
			}
			for i := range sz.m {
				for j := range sz.n {
					got := float64(c.Data[i*c.stride()+j])
					if d := math.Abs(got - want[i*sz.n+j]); d > 1e-5*mag[i*sz.n+j]+1e-6 {
						t.Fatalf("%v %+v: C[%d,%d] = %v, want %v", sz, tc, i, j, got, want[i*sz.n+j])
					}
				}
			}
		}
	}
}

func TestMulStop(t *testing.T) {
	a, b, c := NewMatrix(64, 64, make([]float32, 64*64)), NewMatrix(64, 64, make([]float32, 64*64)), NewMatrix(64, 64, make([]float32, 64*64))
	if Mul(c, a, b, Options{Stop: func() bool { return true }}) {
		t.Error("Mul with a Stop that returns true reported a complete product")
	}
}

func TestMulShapeErrors(t *testing.T) {
	for _, tc := range []struct {
		c, a, b Matrix
		o       Options
		want    string
	}{
		{NewMatrix(2, 2, make([]float32, 4)), NewMatrix(2, 3, make([]float32, 6)), NewMatrix(2, 2, make([]float32, 4)), Options{}, "C[2×2] = A[2×3]·B[2×2]: shapes do not fit"},
		{NewMatrix(3, 3, make([]float32, 9)), NewMatrix(2, 3, make([]float32, 6)), NewMatrix(2, 2, make([]float32, 4)), Options{TransA: true}, "C[3×3] = Aᵀ[3×2]·B[2×2]"},
		{NewMatrix(2, 2, make([]float32, 4)), NewMatrix(2, 2, make([]float32, 3)), NewMatrix(2, 2, make([]float32, 4)), Options{}, "len(a)=3 < 4"},
	} {
		msg := func() (msg string) {
			defer func() { msg, _ = recover().(string) }()
			Mul(tc.c, tc.a, tc.b, tc.o)
			return ""
		}()
		if !strings.Contains(msg, tc.want) {
			t.Errorf("panic %q, want it to contain %q", msg, tc.want)
		}
	}
}
