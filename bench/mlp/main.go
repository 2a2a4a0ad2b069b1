// Command mlp times the tutorial's training loop and test evaluation in
// nnlab, doing the same work as ../shared/bench/torch_mlp.py (1000 Adam
// steps of batch 128 with a loss/accuracy evaluation every 100, then five
// forward passes over the 10,000 test images), and prints one JSON line.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"time"

	"github.com/nnlab/nnlab/bench/internal/profile"
	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/gemm"
	"github.com/nnlab/nnlab/nn/mnist"
)

func main() {
	variant := flag.String("variant", "linear", "linear (the tutorial) or relu_dropout")
	threads := flag.Int("threads", runtime.GOMAXPROCS(0), "worker threads for matrix products")
	iters := flag.Int("iters", 1000, "training iterations")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the training loop to this file")
	evalprofile := flag.String("evalprofile", "", "write a CPU profile of the test evaluations to this file")
	evals := flag.Int("evals", 5, "forward passes over the test images")
	flag.Parse()
	gemm.SetThreads(*threads)
	runtime.GOMAXPROCS(*threads)

	data, err := mnist.ReadDataSets("", true)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	nn.Seed(0)
	relu := *variant == "relu_dropout"
	X, Y, keep := nn.Placeholder(nn.None, 784), nn.Placeholder(nn.None, 10), nn.Placeholder()
	h := X
	sizes := []int{784, 512, 256, 128}
	for i := 1; i < len(sizes); i++ {
		w := nn.Variable(nn.TruncatedNormal([]int{sizes[i-1], sizes[i]}, 0.1))
		b := nn.Variable(nn.Constant(0.1, []int{sizes[i]}))
		h = nn.Add(nn.MatMul(h, w), b)
		if relu {
			h = nn.Relu(h)
		}
	}
	if relu {
		h = nn.Dropout(h, keep)
	}
	out := nn.Add(nn.MatMul(h, nn.Variable(nn.TruncatedNormal([]int{128, 10}, 0.1))), nn.Variable(nn.Constant(0.1, []int{10})))
	loss := nn.ReduceMean(nn.SoftmaxCrossEntropyWithLogits(Y, out))
	train := nn.AdamOptimizer(1e-4).Minimize(loss)
	acc := nn.ReduceMean(nn.Cast(nn.Equal(nn.ArgMax(out, 1), nn.ArgMax(Y, 1)), nn.Float32))
	s := nn.NewSession()
	s.Run(nn.GlobalVariablesInitializer(), nil)

	type entry struct {
		Iter     int
		Loss     float64
		Accuracy float64
	}
	var log []entry
	fetch := []*nn.Node{loss, acc}
	stopTrain := profile.Start(*cpuprofile)
	t0 := time.Now()
	for i := 0; i < *iters; i++ {
		bx, by := data.Train.NextBatch(128)
		s.Run(train, nn.Feed{X: bx, Y: by, keep: 0.5})
		if i%100 == 0 {
			r := s.RunAll(fetch, nn.Feed{X: bx, Y: by, keep: 1.0})
			log = append(log, entry{i, r[0].Float(), r[1].Float()})
		}
	}
	trainWall := time.Since(t0).Seconds()
	stopTrain()

	var times []float64
	var testAcc float64
	feed := nn.Feed{X: data.Test.Images, Y: data.Test.Labels, keep: 1.0}
	stopEval := profile.Start(*evalprofile)
	for r := 0; r < max(*evals, 1); r++ {
		t := time.Now()
		testAcc = s.Run(acc, feed).Float()
		times = append(times, time.Since(t).Seconds())
	}
	stopEval()
	first := times[0]
	sort.Float64s(times)
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"script": "nnlab_mlp", "variant": *variant, "iters": *iters, "threads": *threads,
		"gemm_kernel": gemm.Kernel(), "train_wall_s": trainWall,
		"eval_first_s": first, "eval_median_s": times[len(times)/2], "test_acc": testAcc, "log": log,
	})
}
