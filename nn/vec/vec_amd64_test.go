package vec

import (
	"math"
	"math/rand/v2"
	"testing"

	"golang.org/x/sys/cpu"
)

// hasAVX512 reports whether this CPU runs the AVX-512 kernels, and if not
// why, for the tests' skip messages.
func hasAVX512() (bool, string) {
	_, z, _ := selectKernels("")
	if z {
		return true, ""
	}
	return false, "this CPU or OS lacks AVX-512 (the kernels need avx512f, avx512dq and bmi2), so the AVX-512 kernels are not tested here"
}

// withKernels runs f with the given kernels selected, as NNLAB_GEMM would
// at start, and restores the selection.
func withKernels(t *testing.T, avx2, avx512 bool, name string, f func()) {
	t.Helper()
	a, z, n, b := useAVX2, useAVX512, kernelName, beyondKernel
	useAVX2, useAVX512, kernelName, beyondKernel = avx2, avx512, name, beyondFor(avx2, avx512)
	defer func() { useAVX2, useAVX512, kernelName, beyondKernel = a, z, n, b }()
	f()
}

// TestEveryKernelMatchesGo runs the checks of TestKernelsMatchGo on each
// kernel set this CPU can run, whatever NNLAB_GEMM selected.
func TestEveryKernelMatchesGo(t *testing.T) {
	for _, k := range []struct {
		name         string
		avx2, avx512 bool
	}{{"generic", false, false}, {"avx2+fma", true, false}, {"avx512", true, true}} {
		t.Run(k.name, func(t *testing.T) {
			if k.avx2 && !(cpu.X86.HasAVX2 && cpu.X86.HasFMA) {
				t.Skip("this CPU lacks AVX2 and FMA, so the AVX2 kernels are not tested here")
			}
			if ok, why := hasAVX512(); k.avx512 && !ok {
				t.Skip(why)
			}
			withKernels(t, k.avx2, k.avx512, k.name, func() {
				t.Logf("kernel: %s", Kernel())
				checkKernels(t)
			})
		})
	}
}

// The AVX-512 kernels take any length (a masked last step), though vec.go
// hands them multiples of 8; this checks them at every remainder, and
// checks that they touch nothing past n. Adam must equal the AVX2 kernel
// bit for bit: both make the same fused multiply-adds.
func TestAVX512Tails(t *testing.T) {
	if ok, why := hasAVX512(); !ok {
		t.Skip(why)
	}
	r := rand.New(rand.NewPCG(5, 6))
	const guard = 16
	for n := 0; n <= 80; n++ {
		for _, special := range []bool{false, true} {
			mk := func() []float32 { return testVector(r, n+guard, 1, special) }
			// Adam: the AVX2 kernel is the bitwise reference for the first
			// n&^7 elements, Go (with a tolerance) for all n.
			w, m, v := testVector(r, n+guard, 1, false), testVector(r, n+guard, 1, false), testVector(r, n+guard, 1, false)
			g := mk()
			for i := range v {
				v[i] *= v[i]
			}
			w2, m2, v2 := clone(w), clone(m), clone(v)
			wg, mg, vg := clone(w), clone(m), clone(v)
			adamZ(&w[0], &g[0], &m[0], &v[0], n, 1e-3, 0.9, 0.1, 0.999, 0.001, 1e-8)
			if n8 := n &^ 7; n8 > 0 {
				withKernels(t, true, false, "avx2+fma", func() {
					adamAVX2(&w2[0], &g[0], &m2[0], &v2[0], n8, 1e-3, 0.9, 0.1, 0.999, 0.001, 1e-8)
				})
			}
			adamGo(wg[:n], g, mg, vg, 1e-3, 0.9, 0.999, 1e-8)
			for i := 0; i < n+guard; i++ {
				for _, c := range []struct {
					what           string
					got, avx2, ref float32
				}{{"w", w[i], w2[i], wg[i]}, {"m", m[i], m2[i], mg[i]}, {"v", v[i], v2[i], vg[i]}} {
					switch {
					case i < n&^7 && math.Float32bits(c.got) != math.Float32bits(c.avx2):
						t.Fatalf("adamZ n=%d: %s[%d] = %v, AVX2 %v", n, c.what, i, c.got, c.avx2)
					case !closeFloat(c.got, c.ref) || i >= n && math.Float32bits(c.got) != math.Float32bits(c.ref):
						t.Fatalf("adamZ n=%d: %s[%d] = %v, want %v", n, c.what, i, c.got, c.ref)
					}
				}
			}
			// Add, Relu, ReluGrad, MaxIndex: exact, and nothing past n.
			a, b, dst := mk(), mk(), mk()
			want := clone(dst)
			for i := range n {
				want[i] = a[i] + b[i]
			}
			addZ(&dst[0], &a[0], &b[0], n)
			sameBits(t, "addZ", n, dst, want)

			y := mk()
			want = clone(y)
			for i := range n {
				want[i] = max(a[i], 0)
			}
			reluZ(&y[0], &a[0], n)
			sameBits(t, "reluZ", n, y, want)

			for _, add := range []bool{false, true} {
				dx := mk()
				want = clone(dx)
				refReluGrad(want[:n], b, y, add)
				reluGradZ(&dx[0], &b[0], &y[0], n, add)
				sameBits(t, "reluGradZ", n, dx, want)
			}

			if n > 0 {
				x := testVector(r, 3*n+10, 0, special)
				offs := []int{2 * n, 0, n + 5}
				dst, idx := mk(), mk()
				wdst, widx := clone(dst), clone(idx)
				refMaxIndex(wdst[:n], widx[:n], x, offs)
				maxIndexZ(&dst[0], &idx[0], &x[0], &offs[0], len(offs), n)
				sameBits(t, "maxIndexZ dst", n, dst, wdst)
				sameBits(t, "maxIndexZ idx", n, idx, widx)
			}
		}
	}
}

// sameBits fails unless got and want hold the same bits (any NaN equals
// any NaN).
func sameBits(t *testing.T, what string, n int, got, want []float32) {
	t.Helper()
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
			t.Fatalf("%s n=%d: [%d] = %v, want %v", what, n, i, got[i], want[i])
		}
	}
}

// NNLAB_GEMM may ask for less than the CPU has, never more: a value this
// CPU cannot run or does not name a kernel leaves the best one.
func TestSelectKernels(t *testing.T) {
	best := "generic"
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		best = "avx2+fma"
	}
	if ok, _ := hasAVX512(); ok {
		best = "avx512"
	}
	want := map[string]string{"": best, "bogus": best, "AVX512": best, "avx512": best, "generic": "generic"}
	want["avx2"] = best
	if best == "avx512" {
		want["avx2"] = "avx2+fma"
	}
	for env, name := range want {
		avx2, avx512, got := selectKernels(env)
		if got != name || avx512 != (name == "avx512") || avx2 != (name != "generic") {
			t.Errorf("NNLAB_GEMM=%q: %v, %v, %q; want %q", env, avx2, avx512, got, name)
		}
	}
	t.Logf("kernel: %s (best here: %s)", Kernel(), best)
}
