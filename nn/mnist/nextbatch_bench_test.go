package mnist

import "testing"

// BenchmarkNextBatch measures one tutorial batch (128 examples) from the
// real training set: a gather of scattered rows, bound by memory.
func BenchmarkNextBatch(b *testing.B) {
	ds, err := ReadDataSets("", true)
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(128 * 784 * 4)
	for b.Loop() {
		ds.Train.NextBatch(128)
	}
}
