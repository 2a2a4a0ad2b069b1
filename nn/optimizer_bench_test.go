package nn

import (
	"testing"

	"github.com/nnlab/nnlab/internal/benchcpu"
)

// BenchmarkStepCheck is the refusal check of one tutorial training step
// alone: every gradient scanned for a value that would make a weight or
// a moment infinite. Compare it with BenchmarkTrainStep (or
// BenchmarkTutorialStepCPU, which reports the thread's CPU time).
func BenchmarkStepCheck(b *testing.B) {
	x, y, keep, _, _, train := tutorialNet(true)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	bx, by := randomBatch(128)
	feed := Feed{x: bx, y: by, keep: 0.5}
	s.Run(train, feed)
	fed := map[*Node]*Tensor{x: bx, y: by, keep: Scalar(0.5)}
	p := s.plan([]*Node{train}, fed)
	if len(p.trains) != 1 {
		b.Fatalf("plan has %d training steps, want 1", len(p.trains))
	}
	tp := p.trains[0]
	b.ReportAllocs()
	benchcpu.Report(b)
	for b.Loop() {
		checkGradients(p, tp, 2)
	}
}

// BenchmarkTutorialStepCPU is BenchmarkTrainStep's relu_dropout step with
// the thread's CPU time reported (run it with -cpu 1, so that the step
// stays on one thread).
func BenchmarkTutorialStepCPU(b *testing.B) {
	x, y, keep, _, _, train := tutorialNet(true)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	bx, by := randomBatch(128)
	feed := Feed{x: bx, y: by, keep: 0.5}
	s.Run(train, feed)
	b.ReportAllocs()
	benchcpu.Report(b)
	for b.Loop() {
		s.Run(train, feed)
	}
}
