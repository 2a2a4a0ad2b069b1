package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMicroKernels calls each micro-kernel directly on packed operands, for
// depths around its unrolling (4) and the block size, and compares the
// tile with a float64 sum: the kernel must write exactly its mr×nr tile
// of C (stride wider than the tile), scale by alpha and beta, and ignore
// C when beta is 0 (C then holds NaN).
func TestMicroKernels(t *testing.T) {
	for _, path := range testKernels {
		t.Run(path, func(t *testing.T) {
			useKernel(t, path)
			t.Logf("micro-kernel %s (%dx%d)", kernel.name, mr, kernel.nr) // not "kernel: ", which CI reads as the default
			nr := kernel.nr
			r := rand.New(rand.NewPCG(11, 12))
			// k = 0 never reaches a micro-kernel (Sgemm only scales C).
			for _, k := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 255, 256, 257} {
				for _, sc := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {0, 0.5}, {0, 0}, {2, -1}} {
					alpha, beta := sc[0], sc[1]
					a, b := randSlice(r, mr*k+1), randSlice(r, nr*k+1)
					ldc := nr + 5
					c := randSlice(r, (mr+1)*ldc)
					if beta == 0 {
						for i := range c {
							c[i] = float32(math.NaN())
						}
					}
					orig := append([]float32(nil), c...)
					kernel.fn(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
					for i := range mr + 1 {
						for j := range ldc {
							got := c[i*ldc+j]
							if i == mr || j >= nr {
								if math.Float32bits(got) != math.Float32bits(orig[i*ldc+j]) {
									t.Fatalf("k=%d: C[%d,%d] outside the %dx%d tile changed", k, i, j, mr, nr)
								}
								continue
							}
							var s, mag float64
							for p := range k {
								x := float64(a[p*mr+i]) * float64(b[p*nr+j])
								s, mag = s+x, mag+math.Abs(x)
							}
							want := float64(alpha) * s
							mag *= math.Abs(float64(alpha))
							if beta != 0 {
								want += float64(beta) * float64(orig[i*ldc+j])
								mag += math.Abs(float64(beta) * float64(orig[i*ldc+j]))
							}
							if d := math.Abs(float64(got) - want); !(d <= 1e-5*mag+1e-6) {
								t.Fatalf("k=%d alpha=%g beta=%g: C[%d,%d] = %v, want %v", k, alpha, beta, i, j, got, want)
							}
						}
					}
				}
			}
		})
	}
}

// TestKernelsMatchGeneric runs Sgemm with each kernel set and with the
// generic one on shapes around the tiles (6 rows; 16 and 32 columns), the
// unrolling and the transposing packers (k mod 4 and 8), with every
// transposition, strides wider than the matrices, and the special
// scalars (beta 0 with NaN in C, alpha 0, beta 1).
func TestKernelsMatchGeneric(t *testing.T) {
	ms := []int{1, 5, 6, 7, 13}
	ns := []int{1, 15, 16, 17, 31, 32, 33, 64, 65}
	ks := []int{0, 1, 2, 3, 5, 8, 9, 17, 257}
	scalars := [][2]float32{{1, 0}, {0, 1}, {1, 1}, {-0.5, 2}, {0, 0}, {2, 0}}
	for _, path := range testKernels {
		if path == "generic" {
			continue
		}
		t.Run(path, func(t *testing.T) {
			r := rand.New(rand.NewPCG(21, 22))
			n := 0
			for _, m := range ms {
				for _, nn := range ns {
					for _, k := range ks {
						for tr := range 4 {
							n++
							sc := scalars[n%len(scalars)]
							tc := gemmCase{transA: tr&1 != 0, transB: tr&2 != 0, m: m, n: nn, k: k,
								alpha: sc[0], beta: sc[1], padA: n % 3, padB: 2 * (n % 2), padC: n % 4}
							compareKernels(t, r, path, tc)
						}
					}
				}
			}
			// Tall, narrow products take runResident (and kernels that
			// read A in place), also with a last partial sliver of rows.
			for i, sh := range [][3]int{{4*mcMax + 7, 45, 70}, {4*mcMax + 5, 64, 300}, {600, 32, 9}, {601, 97, 1}, {4 * mcMax, 128, 257}} {
				for tr := range 4 {
					sc := scalars[(i+tr)%len(scalars)]
					tc := gemmCase{transA: tr&1 != 0, transB: tr&2 != 0, m: sh[0], n: sh[1], k: sh[2],
						alpha: sc[0], beta: sc[1], padA: tr, padB: 1, padC: i % 2}
					compareKernels(t, r, path, tc)
				}
			}
		})
	}
}

// compareKernels runs tc with the kernel set path and with the generic
// one on the same operands and checks that the results agree up to the
// order of additions, and that C's padding is untouched.
func compareKernels(t *testing.T, r *rand.Rand, path string, tc gemmCase) {
	t.Helper()
	ar, ac := tc.m, tc.k
	if tc.transA {
		ar, ac = tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.transB {
		br, bc = tc.n, tc.k
	}
	lda, ldb, ldc := max(1, ac)+tc.padA, max(1, bc)+tc.padB, max(1, tc.n)+tc.padC
	a, b := randSlice(r, need(ar, ac, lda)), randSlice(r, need(br, bc, ldb))
	c0 := randSlice(r, need(tc.m, tc.n, ldc)+tc.padC)
	if tc.beta == 0 {
		for i := range c0 {
			if i%ldc < tc.n {
				c0[i] = float32(math.NaN())
			}
		}
	}
	run := func(p string) []float32 {
		var c []float32
		t.Run("", func(t *testing.T) { // a subtest so that useKernel's cleanup runs now
			useKernel(t, p)
			c = append([]float32(nil), c0...)
			Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
		})
		return c
	}
	got, want := run(path), run("generic")
	if got == nil {
		t.Skip("kernel not available")
	}
	_, mag := refGemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c0, ldc)
	for i := range got {
		row, col := i/ldc, i%ldc
		if row >= tc.m || col >= tc.n {
			if math.Float32bits(got[i]) != math.Float32bits(c0[i]) {
				t.Fatalf("%v: %s changed C's padding at %d", tc, path, i)
			}
			continue
		}
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if !(d <= 1e-5*mag[row*tc.n+col]+1e-6) {
			t.Fatalf("%v: %s gives C[%d,%d] = %v, generic %v", tc, path, row, col, got[i], want[i])
		}
	}
}

// TestSelectKernel sets NNLAB_GEMM to every known value and to unknown
// ones: the kernels this CPU runs are chosen as asked, the others fall
// back to the fastest set with a note in Kernel, and products stay right.
func TestSelectKernel(t *testing.T) {
	t.Cleanup(selectKernel) // after t.Setenv has restored NNLAB_GEMM
	sets := kernelSets()
	runs := map[string]string{}
	for _, s := range sets {
		runs[s.path] = s.dense.name
	}
	for _, v := range []string{"", "avx512", "avx2", "neon", "generic", "AVX2", "sse", "avx2 "} {
		t.Run(fmt.Sprintf("NNLAB_GEMM=%q", v), func(t *testing.T) {
			t.Setenv("NNLAB_GEMM", v)
			selectKernel()
			got := Kernel()
			t.Logf("selected: %s", got)
			name, ok := runs[v]
			switch {
			case v == "":
				if !strings.HasPrefix(got, sets[0].dense.name) || strings.Contains(got, "NNLAB_GEMM") {
					t.Errorf("default Kernel() = %q, want the fastest, %q", got, sets[0].dense.name)
				}
			case ok:
				if !strings.HasPrefix(got, name) || strings.Contains(got, "ignored") {
					t.Errorf("Kernel() = %q, want %q", got, name)
				}
			default:
				var paths []string
				for _, s := range sets {
					paths = append(paths, s.path)
				}
				why := "unknown value"
				if v == "avx512" || v == "avx2" || v == "neon" {
					why = "this CPU cannot run it"
				}
				want := fmt.Sprintf("%s (NNLAB_GEMM=%q ignored: %s; this CPU runs %s)", sets[0].dense.name, v, why, strings.Join(paths, ", "))
				if !strings.HasPrefix(got, sets[0].dense.name) || !strings.HasSuffix(got, want[len(sets[0].dense.name):]) {
					t.Errorf("Kernel() = %q, want %q", got, want)
				}
			}
			r := rand.New(rand.NewPCG(1, 1))
			check(t, r, gemmCase{m: 13, n: 70, k: 33, alpha: 1, beta: 0.5, padC: 2})
		})
	}
}

// TestAVX512SameBitsAsAVX2 checks that the AVX-512 kernels add each
// element's products in the order the AVX2 kernels do, so that switching
// kernels changes no result (tests above the package compare sparse and
// dense paths with tolerances that a new order of additions can exceed).
func TestAVX512SameBitsAsAVX2(t *testing.T) {
	results := func(path string) [][]float32 {
		var out [][]float32
		t.Run(path, func(t *testing.T) {
			useKernel(t, path)
			r := rand.New(rand.NewPCG(41, 42))
			for _, sh := range [][3]int{{13, 70, 300}, {128, 512, 784}, {601, 64, 290}, {7, 33, 9}} {
				m, n, k := sh[0], sh[1], sh[2]
				for tr := range 4 {
					ar, ac, br, bc := m, k, k, n
					if tr&1 != 0 {
						ar, ac = k, m
					}
					if tr&2 != 0 {
						br, bc = n, k
					}
					a, b, c := randSlice(r, ar*ac), randSlice(r, br*bc), randSlice(r, m*n)
					Sgemm(tr&1 != 0, tr&2 != 0, m, n, k, 0.5, a, ac, b, bc, 1.5, c, n)
					out = append(out, c)
				}
				var s CSR
				a := sparseSlice(r, m*k, 0.2)
				s.FromDense(m, k, a, k, m*k)
				b, c := randSlice(r, k*n), randSlice(r, m*n)
				SparseMul(&s, n, b, n, 0.5, c, n, nil)
				d, w := randSlice(r, m*n), randSlice(r, k*n)
				SparseTMul(&s, n, d, n, 0.5, w, n, nil)
				out = append(out, c, w)
			}
		})
		return out
	}
	got, want := results("avx512"), results("asm")
	if got == nil || want == nil {
		t.Skip("needs both the avx512 and the avx2 kernels")
	}
	for i := range want {
		for j := range want[i] {
			if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
				t.Fatalf("product %d, element %d: avx512 %v, avx2 %v", i, j, got[i][j], want[i][j])
			}
		}
	}
}
