// Command cnnbench trains the classic Keras MNIST CNN with nnlab's model
// package, doing the same work as ../shared/bench/torch_cnn.py (conv 32 3x3
// relu, conv 64 3x3 relu, max-pool 2, dropout 0.25, dense 128 relu, dropout
// 0.5, dense 10; Adam 1e-3; batch 128 over the 55,000 training images, then
// the test accuracy over 10,000 images in chunks of 1000), and prints one
// JSON line per epoch.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/nnlab/nnlab/bench/internal/profile"
	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/gemm"
	"github.com/nnlab/nnlab/nn/mnist"
	"github.com/nnlab/nnlab/nn/model"
)

func main() {
	threads := flag.Int("threads", runtime.GOMAXPROCS(0), "worker threads")
	epochs := flag.Int("epochs", 1, "epochs to train")
	seed := flag.Int64("seed", 0, "random seed")
	maxBatches := flag.Int("max-batches", 0, "train only this many batches per epoch (timing probes)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of training to this file")
	evalprofile := flag.String("evalprofile", "", "write a CPU profile of the test evaluation to this file")
	flag.Parse()
	runtime.GOMAXPROCS(*threads)
	gemm.SetThreads(*threads)

	data, err := mnist.ReadDataSets("", true)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	nn.Seed(*seed)
	m := model.Sequential(
		model.Input(28, 28, 1),
		model.Conv2D(32, 3, "relu"),
		model.Conv2D(64, 3, "relu"),
		model.MaxPool(2),
		model.Dropout(0.25),
		model.Flatten(),
		model.Dense(128, "relu"),
		model.Dropout(0.5),
		model.Dense(10, "softmax"),
	).Compile(nn.AdamOptimizer(1e-3))
	m.PredictBatch = 1000
	train := data.Train
	x, y := train.Images, train.Labels
	if *maxBatches > 0 {
		n := min(*maxBatches*128, train.NumExamples)
		x, y = x.Slice(0, n), y.Slice(0, n)
	}
	for ep := 1; ep <= *epochs; ep++ {
		stopTrain := profile.Start(*cpuprofile)
		t0 := time.Now()
		c0 := cpuSeconds()
		h := m.FitArrays(x, y, model.FitOptions{Epochs: 1, BatchSize: 128, Verbose: -1})
		wall, cpu := time.Since(t0).Seconds(), cpuSeconds()-c0
		stopTrain()
		stopEval := profile.Start(*evalprofile)
		t1 := time.Now()
		_, acc := m.Evaluate(data.Test.Images, data.Test.Labels)
		ev := time.Since(t1).Seconds()
		stopEval()
		e := h.Epochs[0]
		out, _ := json.Marshal(map[string]any{
			"script": "nnlab_cnn", "epoch": ep, "threads": *threads, "images": e.Images,
			"batches": (e.Images + 127) / 128, "epoch_wall_s": wall, "epoch_cpu_s": cpu,
			"images_per_s": float64(e.Images) / wall, "mean_train_loss": e.Loss,
			"eval_wall_s": ev, "test_acc": acc, "gemm_threads": gemm.Threads(),
		})
		fmt.Println(string(out))
	}
}
