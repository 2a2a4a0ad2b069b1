package vec

import (
	"fmt"
	"testing"

	"github.com/nnlab/nnlab/internal/benchcpu"
)

// The benchmarks run the kernels NNLAB_GEMM selects, so that
//
//	NNLAB_GEMM=avx2 go test -bench . -count 10 ./nn/vec > avx2.txt
//	go test -bench . -count 10 ./nn/vec > avx512.txt
//	benchstat avx2.txt avx512.txt
//
// compares two of them on one machine (use -cpu 1 and compare cpu-ns/op
// where other work shares the cores).

// BenchmarkAdamTutorial updates the tutorial network's eight variables,
// as one training step does.
func BenchmarkAdamTutorial(b *testing.B) {
	sizes := []int{784 * 512, 512, 512 * 256, 256, 256 * 128, 128, 128 * 10, 10}
	var vars [][4][]float32
	total := 0
	for _, n := range sizes {
		vars = append(vars, [4][]float32{make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)})
		total += n
	}
	b.SetBytes(int64(total) * 4 * 7)
	b.Logf("kernel: %s", Kernel())
	benchcpu.Report(b)
	for b.Loop() {
		for _, v := range vars {
			Adam(v[0], v[1], v[2], v[3], 1e-3, 0.9, 0.999, 1e-8)
		}
	}
}

// BenchmarkElementwise is the element-wise work of a batch of 128 through
// a 512-wide layer: the bias add of one row and of the whole batch, ReLU
// and its gradient.
func BenchmarkElementwise(b *testing.B) {
	for _, n := range []int{512, 128 * 512} {
		x, y, g := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], g[i] = float32(i%7)-3, float32(i%5)
		}
		b.Run(fmt.Sprintf("Add/%d", n), func(b *testing.B) {
			b.SetBytes(int64(n) * 12)
			benchcpu.Report(b)
			for b.Loop() {
				Add(y, y, x)
			}
		})
		b.Run(fmt.Sprintf("Relu/%d", n), func(b *testing.B) {
			b.SetBytes(int64(n) * 8)
			benchcpu.Report(b)
			for b.Loop() {
				Relu(y, x)
			}
		})
		b.Run(fmt.Sprintf("ReluGrad/%d", n), func(b *testing.B) {
			Relu(y, x)
			b.SetBytes(int64(n) * 16)
			benchcpu.Report(b)
			for b.Loop() {
				ReluGrad(g, g, y, true)
			}
		})
	}
}

// BenchmarkMaxIndex pools 2×2 windows of 32 channels and 3×3 windows of
// 64, one output pixel a call as ops_pool.go does.
func BenchmarkMaxIndex(b *testing.B) {
	for _, c := range []struct{ ch, win int }{{32, 4}, {64, 9}} {
		b.Run(fmt.Sprintf("c%d_w%d", c.ch, c.win), func(b *testing.B) {
			x := make([]float32, c.ch*c.win*4)
			for i := range x {
				x[i] = float32((i*37)%23) - 11
			}
			offs := make([]int, c.win)
			for i := range offs {
				offs[i] = i * 2 * c.ch
			}
			dst, idx := make([]float32, c.ch), make([]float32, c.ch)
			benchcpu.Report(b)
			for b.Loop() {
				MaxIndex(dst, idx, x, offs)
			}
		})
	}
}

// BenchmarkBeyond scans the tutorial network's gradients (567,434 floats,
// all in range), as the optimizers do before each step.
func BenchmarkBeyond(b *testing.B) {
	g := make([]float32, 567434)
	for i := range g {
		g[i] = float32(i%13) - 6
	}
	b.SetBytes(int64(len(g)) * 4)
	benchcpu.Report(b)
	for b.Loop() {
		if Beyond(g, 1e18) != -1 {
			b.Fatal("found a value beyond 1e18")
		}
	}
}
