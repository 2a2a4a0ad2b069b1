//go:build unix

package nn

import "testing"

// BenchmarkTrainStepCPU is BenchmarkTrainStep reporting the CPU time of a
// step (all threads) too: on a shared machine wall time varies by half
// from run to run, CPU time by a few percent. Idle helpers polling for work
// count as CPU time, so compare runs on the same number of cores.
func BenchmarkTrainStepCPU(b *testing.B) {
	for _, relu := range []bool{false, true} {
		name := "linear"
		if relu {
			name = "relu_dropout"
		}
		b.Run(name, func(b *testing.B) {
			x, y, keep, _, _, train := tutorialNet(relu)
			s := NewSession()
			s.Run(GlobalVariablesInitializer(), nil)
			bx, by := randomBatch(128)
			feed := Feed{x: bx, y: by, keep: 0.5}
			s.Run(train, feed)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				s.Run(train, feed)
			}
			b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}
