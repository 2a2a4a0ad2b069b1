//go:build ignore

// A convolutional network for MNIST with the Keras-style model package:
// three 3x3 convolutions with batch normalisation and max-pooling, a dense
// layer with dropout, trained with a decaying learning rate, keeping the
// epoch with the best validation accuracy, and with
// model.RobustAugmentation: besides random shifts and rotations, slant,
// elastic warps, thicker and thinner strokes, blur, low resolution and
// noise, each digit framed again as mnist.LoadImage frames own images, so
// that it reads handwriting that is not MNIST's. Measured on a shared
// two-core machine: 99.55% on the test set after 10 epochs of 27-59 s
// (7 min 12 s of training, 459 s of CPU time), 98.6% of real digits from
// other writers and 99.2% of handwriting fonts
// (nn/model/testdata/handwriting; see predict.go -eval).
//
//	go run examples/cnn.go [-epochs N] [OUT.safetensors]
//	go run . examples/cnn.go                # with nnlab's script runner
//
// The trained model is saved to cnn.safetensors (or OUT); use it with
//
//	go run examples/predict.go cnn.safetensors my_digit.png
//
// Ctrl-C stops training at the end of a batch; the best model so far is
// then evaluated and kept.
package main

import (
	"fmt"
	"math"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
	"github.com/nnlab/nnlab/nn/model"
)

func main() {
	out := "cnn.safetensors"
	epochs := 10
	args := os.Args[1:]
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "-epochs", "--epochs":
			if i+1 < len(args) {
				n, err := strconv.Atoi(args[i+1])
				if err != nil || n < 1 {
					fmt.Println("cnn: -epochs needs a positive number")
					os.Exit(2)
				}
				epochs = n
				i++
			}
		default:
			out = a
		}
	}
	catchInterrupts()
	nn.Seed(1)
	data, err := mnist.ReadDataSets("MNIST_data/", true)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}

	m := model.Sequential(
		model.Input(28, 28, 1),
		model.Conv2D(32, 3, "relu").Padding("same"),
		model.MaxPool(2),
		model.Conv2D(64, 3, "").Padding("same"),
		model.BatchNorm(),
		model.Activation("relu"),
		model.MaxPool(2),
		model.Conv2D(64, 3, "").Padding("same"),
		model.BatchNorm(),
		model.Activation("relu"),
		model.Flatten(),
		model.Dense(256, ""),
		model.BatchNorm(),
		model.Activation("relu"),
		model.Dropout(0.3),
		model.Dense(10, "softmax"),
	)
	m.Compile(nn.AdamOptimizer(3e-3))
	fmt.Print(m.Summary())

	batch := 128
	stepsPerEpoch := (data.Train.NumExamples + batch - 1) / batch
	start := time.Now()
	h := m.Fit(data.Train, model.FitOptions{
		Epochs:     epochs,
		BatchSize:  batch,
		Validation: data.Validation,
		Augment:    model.RobustAugmentation(),
		// From 3e-3 down to a fiftieth of it in the last epoch (a factor
		// 0.65 per epoch for 10 epochs).
		Schedule:   model.ExponentialDecay(3e-3, math.Pow(1.0/50, 1/float64(max(epochs-1, 1))), stepsPerEpoch),
		Checkpoint: out,
	})
	fmt.Printf("trained in %s\n", time.Since(start).Round(time.Second))
	fmt.Print(h)
	if h.Interrupted {
		nn.ClearInterrupt() // evaluate and keep what was learnt so far
		if _, err := os.Stat(out); err != nil {
			if err := m.Save(out); err != nil {
				fmt.Println(err)
				os.Exit(1)
			}
		}
	}

	// The checkpoint holds the epoch with the best validation accuracy.
	if err := m.Restore(out); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	loss, acc := m.Evaluate(data.Test.Images, data.Test.Labels)
	fmt.Printf("test loss %.4f  test accuracy %.4f  (model saved in %s)\n", loss, acc, out)
	probs := m.Predict(data.Test.Images)
	fmt.Print(model.ConfusionMatrix(probs, data.Test.Labels))
	fmt.Println("worst test predictions:")
	fmt.Print(model.WorstPredictions(probs, data.Test.Labels, 10))
}

// catchInterrupts makes the first Ctrl-C stop Fit at the end of a batch
// (nn.Interrupt), so that the best model so far is evaluated and saved; a
// second Ctrl-C exits at once. Signals are the program's business: the nn
// packages never install a handler (nnlab's runner handles Ctrl-C itself).
func catchInterrupts() {
	c := make(chan os.Signal, 2)
	signal.Notify(c, os.Interrupt)
	go func() {
		<-c
		nn.Interrupt()
		<-c
		fmt.Fprintln(os.Stderr, "\ninterrupted")
		os.Exit(130)
	}()
}
