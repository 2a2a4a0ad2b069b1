package mnist_test

import (
	"fmt"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
)

// The tutorial's step 2: read MNIST with one-hot labels, count the
// examples and take a mini-batch.
func ExampleReadDataSets() {
	nn.Seed(1)
	data, err := mnist.ReadDataSets("", true) // "" = the copy in the Go module cache
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(data.Train.NumExamples, data.Validation.NumExamples, data.Test.NumExamples)
	x, y := data.Train.NextBatch(128)
	fmt.Println(x.Shape(), y.Shape())
	// Output:
	// 55000 5000 10000
	// [128 784] [128 10]
}
