//go:build unix

package nn

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the CPU time (user and system) the process has used, on
// all threads: unlike wall time it does not grow when other processes
// compete for the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkConvNet is one Adam step of the Keras MNIST CNN on a batch of
// 128 random images. It reports images per second and the time an epoch of
// 55,000 images would take. The sub-benchmarks vary how many images share
// one im2col matrix (convChunkFloats).
func BenchmarkConvNet(b *testing.B) {
	for _, ch := range []struct {
		name string
		v    int
	}{{"default", convChunkFloats}, {"chunk=64K", 1 << 16}, {"chunk=4M", 1 << 22}, {"whole", 1 << 40}} {
		b.Run(ch.name, func(b *testing.B) {
			old := convChunkFloats
			convChunkFloats = ch.v
			defer func() { convChunkFloats = old }()
			x, y, keep1, keep2, _, train := convNet()
			s := NewSession()
			s.Run(GlobalVariablesInitializer(), nil)
			bx, by := randomImages(128)
			feed := Feed{x: bx, y: by, keep1: 0.75, keep2: 0.5}
			s.Run(train, feed)
			b.ReportAllocs()
			b.ResetTimer()
			start, cpu := time.Now(), cpuTime()
			for i := 0; i < b.N; i++ {
				s.Run(train, feed)
			}
			perImage := time.Since(start).Seconds() / float64(128*b.N)
			b.ReportMetric(1/perImage, "img/s")
			b.ReportMetric(55000*perImage, "s/epoch")
			b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// opExec returns an exec for o on random inputs of the given shapes, with
// every gradient buffer allocated.
func opExec(o op, shapes ...[]int) *exec {
	e := &exec{state: newState(o)}
	for i, s := range shapes {
		t := randTensor("op"+string(rune('a'+i)), s...)
		e.in = append(e.in, t)
		e.inGrad = append(e.inGrad, Zeros(s...))
	}
	s, err := o.shape(shapes)
	if err != nil {
		panic(err)
	}
	e.out = Zeros(s...)
	e.grad = randTensor("grad", s...)
	return e
}

// BenchmarkConvOps times the forward and backward passes of the layers of
// the MNIST CNN at batch 128, one at a time.
func BenchmarkConvOps(b *testing.B) {
	cases := []struct {
		name   string
		o      op
		shapes [][]int
		noDX   bool
	}{
		{"conv1", convOp{sy: 1, sx: 1}, [][]int{{128, 28, 28, 1}, {3, 3, 1, 32}}, true},
		{"conv2", convOp{sy: 1, sx: 1}, [][]int{{128, 26, 26, 32}, {3, 3, 32, 64}}, false},
		{"maxpool", poolOp{kh: 2, kw: 2, sy: 2, sx: 2, max: true}, [][]int{{128, 24, 24, 64}}, false},
		{"bn", bnOp{}, [][]int{{128, 24, 24, 64}, {}, {64}, {64}, {64}, {64}}, false},
	}
	// conv2 again with other sizes of im2col groups.
	for _, chunk := range []int{1 << 16, 1 << 22, 1 << 40} {
		cases = append(cases, struct {
			name   string
			o      op
			shapes [][]int
			noDX   bool
		}{fmt.Sprintf("conv2/chunk=%d", chunk), chunkedConv{convOp{sy: 1, sx: 1}, chunk}, cases[1].shapes, false})
	}
	for _, c := range cases {
		e := opExec(c.o, c.shapes...)
		if c.noDX {
			e.inGrad[0] = nil
		}
		if _, ok := c.o.(bnOp); ok {
			e.in[1].data[0] = 1
			e.inGrad[1], e.inGrad[4], e.inGrad[5] = nil, nil, nil
		}
		for _, pass := range []string{"forward", "backward"} {
			b.Run(c.name+"/"+pass, func(b *testing.B) {
				c.o.forward(e)
				cpu := cpuTime()
				for i := 0; i < b.N; i++ {
					if pass == "forward" {
						c.o.forward(e)
					} else {
						c.o.backward(e)
					}
				}
				b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// chunkedConv is convOp run with convChunkFloats set to chunk.
type chunkedConv struct {
	convOp
	chunk int
}

func (c chunkedConv) forward(e *exec) {
	old := convChunkFloats
	convChunkFloats = c.chunk
	c.convOp.forward(e)
	convChunkFloats = old
}

func (c chunkedConv) backward(e *exec) {
	old := convChunkFloats
	convChunkFloats = c.chunk
	c.convOp.backward(e)
	convChunkFloats = old
}

// BenchmarkWinograd times the forward pass of 3×3 convolutions at batch
// 128 by Winograd (with several group sizes) and by im2col: the MNIST
// CNN's second convolution, and thinner ones near wgMinChannels.
func BenchmarkWinograd(b *testing.B) {
	o := convOp{sy: 1, sx: 1}
	for _, shape := range []struct {
		name      string
		cin, cout int
	}{{"conv2", 32, 64}, {"cin=8", 8, 16}, {"cin=16", 16, 32}, {"cin=32,cout=32", 32, 32}, {"cin=24,cout=48", 24, 48}, {"cin=64,cout=64", 64, 64}, {"cin=64,cout=16", 64, 16}, {"cin=16,cout=64", 16, 64}} {
		e := opExec(o, []int{128, 26, 26, shape.cin}, []int{3, 3, shape.cin, shape.cout})
		for _, c := range []struct {
			name  string
			on    bool
			chunk int
		}{{"im2col", false, 0}, {"winograd", true, wgChunkFloats}, {"winograd/chunk=64K", true, 1 << 16}, {"winograd/chunk=1M", true, 1 << 20}} {
			if shape.name != "conv2" && c.chunk != 0 && c.chunk != wgChunkFloats {
				continue
			}
			b.Run(shape.name+"/"+c.name, func(b *testing.B) {
				oldOn, oldChunk, oldC, oldP := convWinograd, wgChunkFloats, wgMinChannels, wgMinPairs
				defer func() { convWinograd, wgChunkFloats, wgMinChannels, wgMinPairs = oldOn, oldChunk, oldC, oldP }()
				convWinograd, wgMinChannels, wgMinPairs = c.on, 1, 0
				if c.chunk > 0 {
					wgChunkFloats = c.chunk
				}
				o.forward(e)
				cpu := cpuTime()
				for i := 0; i < b.N; i++ {
					o.forward(e)
				}
				b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// TestUseWinograd checks which convolutions take the Winograd forward by
// default: 3×3 stride 1 with enough channels (where it was measured faster).
