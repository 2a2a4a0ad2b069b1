package safetensors_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/nnlab/nnlab/nn/safetensors"
)

func Example() {
	dir, err := os.MkdirTemp("", "safetensors-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	tensors := []safetensors.Tensor{
		safetensors.F32("w1", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}),
		safetensors.F32("b1", []int{3}, []float32{0.5, 0, -0.5}),
	}
	// WriteFile is atomic: a crash leaves either the old file or the new one.
	if err := safetensors.WriteFile(path, tensors, map[string]string{"epoch": "3"}); err != nil {
		log.Fatal(err)
	}

	f, err := safetensors.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("epoch:", f.Metadata["epoch"])
	for _, t := range f.Tensors {
		vals, err := t.Float32s()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(t.Name, t.DType, t.Shape, vals)
	}

	// Corrupt input gives an error, never a panic.
	_, err = safetensors.Decode([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, '{', '}'})
	fmt.Println(err)
	// Output:
	// epoch: 3
	// w1 F32 [2 3] [1 2 3 4 5 6]
	// b1 F32 [3] [0.5 0 -0.5]
	// safetensors: header length 4294967295 exceeds the 2 bytes after the length prefix
}
