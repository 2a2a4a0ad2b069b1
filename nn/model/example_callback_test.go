package model_test

import (
	"fmt"
	"strings"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/model"
)

// Callbacks watch and steer Fit: here one prints the loss after every
// epoch and EarlyStopping ends training when the loss stops falling (at
// learning rate 0 it never falls).
func ExampleCallback() {
	nn.Seed(1)
	// Four examples of two classes, as images [4, 4] and one-hot labels.
	x := nn.NewTensor([]float32{1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1}, 4, 4)
	y := nn.NewTensor([]float32{1, 0, 0, 1, 1, 0, 0, 1}, 4, 2)
	m := model.Sequential(model.Input(4), model.Dense(2, "softmax")).Compile(nn.GradientDescentOptimizer(0))
	epochs := &model.LambdaCallback{EpochEnd: func(s *model.TrainState) {
		fmt.Printf("epoch %d: %d images\n", s.Stats.Epoch, s.Stats.Images)
	}}
	h := m.Fit(x, y, model.FitOptions{Epochs: 10, BatchSize: 2, Verbose: -1, NoShuffle: true,
		Callbacks: []model.Callback{epochs, model.NewEarlyStopping("loss", 2)}})
	why, _, _ := strings.Cut(h.Stopped, " (best")
	fmt.Println(len(h.Epochs), "epochs;", why)
	// Output:
	// epoch 1: 4 images
	// epoch 2: 4 images
	// epoch 3: 4 images
	// 3 epochs; stopped after epoch 3: early stopping: loss has not improved for 2 epochs
}
