//go:build ignore

// The tutorial "recognise handwritten digits with TensorFlow", step by step,
// in nnlab. Run it with
//
//	go run . examples/tutorial.go                 # as the tutorial wrote it
//	go run . examples/tutorial.go -fixed          # with the tutorial's defects fixed
//	go run . examples/tutorial.go my_digit.png    # predict your own drawing
//
// or, in the REPL (go run .), `:run examples/tutorial.go` runs main cell by
// cell (the "// %%" markers) into the live session, so that data, sess and
// the weights stay there to explore; `:run examples/tutorial.go:5` runs
// only cell 5. The cells follow the tutorial's steps.
package main

import (
	"fmt"
	"os"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
)

func main() {
	// %% Step 1 - set-up
	// -fixed repairs the tutorial's known defects: no activation between
	// layers, dropout computed but never used, a hard-coded learning rate and
	// an own image fed without MNIST's preprocessing.
	fixed := false
	image := "examples/images/two.png"
	for _, a := range os.Args[1:] {
		if a == "-fixed" || a == "--fixed" {
			fixed = true
		} else {
			image = a
		}
	}
	nn.Seed(1)

	// %% Step 2 - MNIST
	// Without a MNIST_data/ folder, nnlab reads the copy that
	// came with the Go module download; nothing is fetched at run time.
	data, err := mnist.ReadDataSets("MNIST_data/", true)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	n_train := data.Train.NumExamples
	n_validation := data.Validation.NumExamples
	n_test := data.Test.NumExamples
	fmt.Println("train", n_train, "validation", n_validation, "test", n_test)

	// %% Step 3 - architecture and hyperparameters
	n_input := 784
	n_hidden1 := 512
	n_hidden2 := 256
	n_hidden3 := 128
	n_output := 10
	learning_rate := 1e-4
	n_iterations := 1000
	batch_size := 128
	dropout := 0.5

	// %% Step 4 - the graph
	X := nn.Placeholder(nn.None, n_input)
	Y := nn.Placeholder(nn.None, n_output)
	keep_prob := nn.Placeholder()

	weights := map[string]*nn.Node{
		"w1":  nn.Variable(nn.TruncatedNormal([]int{n_input, n_hidden1}, 0.1)).Named("w1"),
		"w2":  nn.Variable(nn.TruncatedNormal([]int{n_hidden1, n_hidden2}, 0.1)).Named("w2"),
		"w3":  nn.Variable(nn.TruncatedNormal([]int{n_hidden2, n_hidden3}, 0.1)).Named("w3"),
		"out": nn.Variable(nn.TruncatedNormal([]int{n_hidden3, n_output}, 0.1)).Named("w_out"),
	}
	biases := map[string]*nn.Node{
		"b1":  nn.Variable(nn.Constant(0.1, []int{n_hidden1})).Named("b1"),
		"b2":  nn.Variable(nn.Constant(0.1, []int{n_hidden2})).Named("b2"),
		"b3":  nn.Variable(nn.Constant(0.1, []int{n_hidden3})).Named("b3"),
		"out": nn.Variable(nn.Constant(0.1, []int{n_output})).Named("b_out"),
	}

	layer_1 := nn.Add(nn.MatMul(X, weights["w1"]), biases["b1"])
	layer_2 := nn.Add(nn.MatMul(layer_1, weights["w2"]), biases["b2"])
	layer_3 := nn.Add(nn.MatMul(layer_2, weights["w3"]), biases["b3"])
	layer_drop := nn.Dropout(layer_3, keep_prob)
	output_layer := nn.Add(nn.MatMul(layer_3, weights["out"]), biases["out"])
	train_rate := 1e-4 // the tutorial hard-codes 1e-4 here
	if fixed {
		layer_1 = nn.Relu(layer_1)
		layer_2 = nn.Relu(nn.Add(nn.MatMul(layer_1, weights["w2"]), biases["b2"]))
		layer_3 = nn.Relu(nn.Add(nn.MatMul(layer_2, weights["w3"]), biases["b3"]))
		layer_drop = nn.Dropout(layer_3, keep_prob)
		output_layer = nn.Add(nn.MatMul(layer_drop, weights["out"]), biases["out"])
		train_rate = learning_rate
	}

	cross_entropy := nn.ReduceMean(nn.SoftmaxCrossEntropyWithLogits(Y, output_layer))
	train_step := nn.AdamOptimizer(train_rate).Minimize(cross_entropy)

	// %% Step 5 - train and test
	correct_pred := nn.Equal(nn.ArgMax(output_layer, 1), nn.ArgMax(Y, 1))
	accuracy := nn.ReduceMean(nn.Cast(correct_pred, nn.Float32))

	init := nn.GlobalVariablesInitializer()
	sess := nn.NewSession()
	sess.Run(init, nil)

	for i := 0; i < n_iterations; i++ {
		batch_x, batch_y := data.Train.NextBatch(batch_size)
		sess.Run(train_step, nn.Feed{X: batch_x, Y: batch_y, keep_prob: dropout})
		if i%100 == 0 {
			r := sess.RunAll([]*nn.Node{cross_entropy, accuracy}, nn.Feed{X: batch_x, Y: batch_y, keep_prob: 1.0})
			minibatch_loss, minibatch_accuracy := r[0], r[1]
			fmt.Println("Iteration", i, "\t| Loss =", minibatch_loss, "\t| Accuracy =", minibatch_accuracy)
		}
	}

	test_accuracy := sess.Run(accuracy, nn.Feed{X: data.Test.Images, Y: data.Test.Labels, keep_prob: 1.0})
	fmt.Println("\nAccuracy on test set:", test_accuracy)

	// %% Step 6 - your own image
	// The tutorial inverts the raw 0-255 pixels;
	// -fixed prepares the drawing as MNIST's digits were.
	img, err := mnist.LoadImageRaw(image)
	if fixed {
		img, err = mnist.LoadImage(image)
	}
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	if img.Len() != n_input {
		fmt.Println("The tutorial's literal treatment needs a 28x28 image; run with -fixed for a drawing of any size.")
		os.Exit(1)
	}
	prediction := sess.Run(nn.ArgMax(output_layer, 1), nn.Feed{X: img, keep_prob: 1.0})
	fmt.Println("Prediction for test image:", prediction.At(0))
}
