package model_test

import (
	"fmt"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
)

// Sequential, Compile and Fit on a tiny synthetic data set: points above or
// below the line y = x, labelled one-hot. Fit trains; Evaluate reports the
// loss and accuracy on the same points.
func ExampleSequential() {
	nn.Seed(3)
	const n = 200
	x, y := nn.Zeros(n, 2), nn.Zeros(n, 2)
	for i := 0; i < n; i++ {
		a, b := float32(i%20)/10-1, float32(i/20)/5-1 // a grid over [-1,1)²
		x.Data()[2*i], x.Data()[2*i+1] = a, b
		if b > a {
			y.Data()[2*i+1] = 1
		} else {
			y.Data()[2*i] = 1
		}
	}
	m := model.Sequential(
		model.Input(2),
		model.Dense(8, model.Tanh),
		model.Dense(2, model.Softmax),
	)
	m.Compile(nn.AdamOptimizer(0.05))
	before, _ := m.Evaluate(x, y)
	h := m.FitArrays(x, y, model.FitOptions{Epochs: 20, BatchSize: 20, Verbose: -1})
	after, acc := m.Evaluate(x, y)
	fmt.Println(len(h.Epochs), "epochs; loss decreased:", after < before/2)
	fmt.Println("accuracy above 95%:", acc > 0.95)
	// Output:
	// 20 epochs; loss decreased: true
	// accuracy above 95%: true
}

// LeakyReLU is a layer and, as in Keras, also an activation.
func ExampleLeakyReLU() {
	m := model.Sequential(
		model.Input(16),
		model.Dense(8, model.LeakyReLU(0.1)),
		model.Dense(8, ""),
		model.LeakyReLU(0.3),
		model.Dense(2, "softmax"),
	)
	for _, l := range m.Layers()[1:] {
		fmt.Println(l)
	}
	// Output:
	// Dense(8, leaky_relu(0.1)) dense_1
	// Dense(8) dense_2
	// LeakyReLU(alpha 0.3) leaky_re_lu_1
	// Dense(2, softmax) dense_3
}

// GlobalAveragePooling2D averages each channel over the image, so the last
// Dense layer has one weight per channel and class.
func ExampleGlobalAveragePooling2D() {
	m := model.Sequential(
		model.Input(28, 28, 1),
		model.Conv2D(16, 3, model.ReLU),
		model.GlobalAveragePooling2D(),
		model.Dense(10, model.Softmax),
	)
	t, _ := m.CountParams()
	fmt.Println(m.Layers()[2], "->", t, "parameters")
	// Output: GlobalAveragePooling2D() global_average_pooling2d_1 -> 330 parameters
}
