package gemm

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkPack measures the packing routines of each kernel set alone
// (ns per packed element).
func BenchmarkPack(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const rows, cols = 1024, 1024
	src := randSlice(r, rows*cols)
	dst := alignedFloats(kcMax * 1024)
	for _, path := range testKernels {
		b.Run(path, func(b *testing.B) {
			useKernel(b, path)
			k := &kernel
			for _, bc := range []struct {
				name string
				f    func()
				n    int
			}{
				{"A/N/144x256", func() { packA(k, dst, src, cols, false, 6, 144, 3, 256) }, 144 * 256},
				{"A/T/144x256", func() { packA(k, dst, src, cols, true, 6, 144, 3, 256) }, 144 * 256},
				{"A/N/144x9", func() { packA(k, dst, src, 9, false, 6, 144, 0, 9) }, 144 * 9},
				{"B/N/256x512", func() { packB(k, dst, src, cols, false, 3, 256, 16, 512) }, 256 * 512},
				{"B/T/256x512", func() { packB(k, dst, src, cols, true, 3, 256, 16, 512) }, 256 * 512},
			} {
				b.Run(bc.name, func(b *testing.B) {
					for b.Loop() {
						bc.f()
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*bc.n), "ns/elem")
				})
			}
		})
	}
}
