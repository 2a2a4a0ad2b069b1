package model_test

import (
	"fmt"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
	"github.com/nnlab/nnlab/nn/model"
)

// A dense network for MNIST: define, compile, summarise. Fit, Evaluate
// and Save follow as in the commented lines.
func Example() {
	m := model.Sequential(
		model.Input(784),
		model.Dense(128, "relu"),
		model.Dropout(0.2),
		model.Dense(10, "softmax"),
	)
	m.Compile(nn.AdamOptimizer(1e-3))
	fmt.Print(m.Summary())

	// data, _ := mnist.ReadDataSets("", true)
	// h := m.Fit(data.Train, model.FitOptions{Epochs: 5, BatchSize: 128, Validation: data.Validation})
	// loss, acc := m.Evaluate(data.Test.Images, data.Test.Labels)
	// m.Save("mlp.safetensors")

	// Output:
	// Model: "sequential"
	// ______________________________________________
	// Layer (type)           Output Shape    Param #
	// ==============================================
	// dense_1 (Dense)        (None, 128)     100,480
	// ______________________________________________
	// dropout_1 (Dropout)    (None, 128)     0
	// ______________________________________________
	// dense_2 (Dense)        (None, 10)      1,290
	// ==============================================
	// Total params: 101,770
	// Trainable params: 101,770
	// Non-trainable params: 0
	// ______________________________________________
}

// Layers can also be added one at a time, which suits a REPL.
func ExampleModel_Add() {
	m := model.New()
	m.Add(model.Input(28, 28, 1))
	m.Add(model.Conv2D(8, 3, "relu").Padding("same")).Add(model.MaxPool(2))
	m.Add(model.Flatten()).Add(model.Dense(10, "softmax"))
	t, _ := m.CountParams()
	fmt.Println(m.Layers()[1], t)
	// Output: Conv2D(8, 3x3, stride 1, same, relu) conv2d_1 15770
}

// Fit on a small part of MNIST, then a confusion matrix of the test set.
func ExampleModel_Fit() {
	data, err := mnist.ReadDataSets("", true)
	if err != nil {
		fmt.Println(err)
		return
	}
	nn.Seed(1)
	m := model.Sequential(model.Input(784), model.Dense(32, "relu"), model.Dense(10, "softmax"))
	m.Compile(nn.AdamOptimizer(3e-3))
	x, y := data.Train.Images.Slice(0, 2000), data.Train.Labels.Slice(0, 2000)
	h := m.FitArrays(x, y, model.FitOptions{Epochs: 2, BatchSize: 50, Verbose: -1})
	fmt.Println(len(h.Epochs), "epochs, loss falling:", h.Epochs[1].Loss < h.Epochs[0].Loss)
	c := model.ConfusionMatrix(m.Predict(data.Test.Images), data.Test.Labels)
	fmt.Println("test accuracy above 85%:", c.Accuracy() > 0.85)
	// Output:
	// 2 epochs, loss falling: true
	// test accuracy above 85%: true
}
