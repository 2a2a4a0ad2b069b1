// Command mnistdir prints the directory holding the MNIST files that nnlab
// reads by default, so reference scripts can read the very same files.
package main

import (
	"fmt"
	"os"

	"github.com/nnlab/nnlab/nn/mnist"
)

func main() {
	dir, err := mnist.DefaultDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(dir)
}
