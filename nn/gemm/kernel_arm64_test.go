//go:build arm64

package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// TestNEONSelected checks that arm64 runs the NEON kernels unless
// NNLAB_GEMM=generic forces the Go ones (CI greps the logged name).
func TestNEONSelected(t *testing.T) {
	t.Logf("kernel: %s", Kernel())
	want := neonName
	if os.Getenv("NNLAB_GEMM") == "generic" {
		want = "generic"
	}
	if Kernel() != want {
		t.Errorf("Kernel() = %q, want %q", Kernel(), want)
	}
}

// TestNEONMicroKernel compares kernel6x16 with kernelGeneric on one tile:
// k around the 2-step unrolling (0, 1, odd, even; Sgemm never passes 0,
// but the kernel handles it), alpha 0, beta ±0 with
// NaN in C, C strides wider than the tile (whose padding must be left
// alone).
func TestNEONMicroKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	negZero := float32(math.Copysign(0, -1))
	for _, k := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 255, 256} {
		for _, s := range [][2]float32{{1, 0}, {1, negZero}, {1, 1}, {-0.5, 2}, {0, 0.5}, {0, 0}, {2, -1}} {
			for _, ldc := range []int{nr, nr + 3, 2*nr + 5} {
				alpha, beta := s[0], s[1]
				name := fmt.Sprintf("k=%d/alpha=%g/beta=%g/ldc=%d", k, alpha, beta, ldc)
				a, b := randSlice(r, mr*k+1), randSlice(r, nr*k+1) // +1: a valid pointer for k = 0
				c := randSlice(r, mr*ldc+7)
				if beta == 0 {
					for i := range c {
						c[i] = float32(math.NaN()) // must not be read
					}
				}
				got, want := append([]float32(nil), c...), append([]float32(nil), c...)
				kernel6x16(k, &a[0], &b[0], &got[0], ldc, alpha, beta)
				if k > 0 {
					kernelGeneric(k, &a[0], &b[0], &want[0], ldc, alpha, beta)
				} else { // kernelGeneric needs k > 0 (Sgemm never asks for less)
					for i := range mr {
						storeRow8((*[8]float32)(want[i*ldc:]), [8]float32{}, alpha, beta)
						storeRow8((*[8]float32)(want[i*ldc+8:]), [8]float32{}, alpha, beta)
					}
				}
				for i := range c {
					row, col := i/ldc, i%ldc
					if row >= mr || col >= nr { // outside the tile: untouched
						if math.Float32bits(got[i]) != math.Float32bits(c[i]) {
							t.Fatalf("%s: C[%d] outside the tile changed from %v to %v", name, i, c[i], got[i])
						}
						continue
					}
					var mag float64 // scale of the sum, for the tolerance
					for p := range k {
						mag += math.Abs(float64(a[p*mr+row]) * float64(b[p*nr+col]))
					}
					mag *= math.Abs(float64(alpha))
					if beta != 0 {
						mag += math.Abs(float64(beta) * float64(c[i]))
					}
					if d := math.Abs(float64(got[i]) - float64(want[i])); !(d <= 1e-5*mag+1e-7) {
						t.Fatalf("%s: C[%d,%d] = %v, generic kernel %v", name, row, col, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestNEONPack compares the NEON packing routines (asmPack) with the Go
// loops of packA and packB, for both transpositions, full and partial
// slivers, and depths around multiples of 8.
func TestNEONPack(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	const off, pad = 3, 5 // first row/column of the block; extra stride
	for _, kc := range []int{1, 7, 8, 9, 16, 23, 64} {
		for _, w := range []int{1, 5, 6, 7, 12, 15, 16, 17, 33} { // mc for A, nc for B
			for _, trans := range []bool{false, true} {
				// op(A) is (off+w)×(off+kc), op(B) (off+kc)×(off+w).
				ra, ca := off+w, off+kc
				rb, cb := off+kc, off+w
				if trans {
					ra, ca, rb, cb = ca, ra, cb, rb
				}
				a, b := randSlice(r, ra*(ca+pad)), randSlice(r, rb*(cb+pad))
				for _, isA := range []bool{true, false} {
					n := roundUp(w, nr) * kc
					if isA {
						n = roundUp(w, mr) * kc
					}
					var bufs [2][]float32
					for i, asm := range []bool{true, false} {
						d := make([]float32, n+packSlack)
						for j := range d {
							d[j] = -7 // the zero padding must be written
						}
						kern := &denseKernel{nr: nr, asmPackA: asm}
						if asm {
							kern.packBN, kern.packBT = packB16N, packB16T
						}
						if isA {
							packA(kern, d, a, ca+pad, trans, off, w, off, kc)
						} else {
							packB(kern, d, b, cb+pad, trans, off, kc, off, w)
						}
						bufs[i] = d
					}
					for i := range n {
						if math.Float32bits(bufs[0][i]) != math.Float32bits(bufs[1][i]) {
							t.Fatalf("kc=%d/w=%d/trans=%v/A=%v: packed[%d] = %v, Go %v", kc, w, trans, isA, i, bufs[0][i], bufs[1][i])
						}
					}
				}
			}
		}
	}
}
