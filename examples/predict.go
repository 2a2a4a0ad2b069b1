//go:build ignore

// Recognise your own digits with a model saved by model.Save, such as the
// one examples/cnn.go trains. Each image is prepared as MNIST's digits were
// (mnist.LoadImage: cropped, scaled to 20 pixels, centred by its centre of
// mass; dark ink on light paper or the reverse), and one line is printed
// per image:
//
//	PATH<TAB>DIGIT<TAB>CONFIDENCE
//
// Run it with a model and image files or directories (searched for .png,
// .jpg, .jpeg and .gif files):
//
//	go run examples/predict.go cnn.safetensors digit.png my_digits/
//	go run . examples/predict.go cnn.safetensors digit.png
//
// Images that cannot be read are reported on stderr and make the exit
// status 1.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
	"github.com/nnlab/nnlab/nn/model"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: predict MODEL.safetensors IMAGE|DIR...")
		os.Exit(2)
	}
	m, err := model.Load(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var paths []string
	status := 0
	for _, a := range os.Args[2:] {
		found, err := images(a)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
		}
		paths = append(paths, found...)
	}
	var ok []string
	var inputs []*nn.Tensor
	for _, p := range paths {
		t, err := mnist.LoadImage(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
			continue
		}
		ok = append(ok, p)
		inputs = append(inputs, t)
	}
	if len(inputs) > 0 {
		probs := m.Predict(stack(inputs))
		for i, p := range ok {
			best, conf := 0, 0.0
			for d := 0; d < 10; d++ {
				if v := probs.At(i, d); v > conf {
					best, conf = d, v
				}
			}
			fmt.Printf("%s\t%d\t%.4f\n", p, best, conf)
		}
	}
	os.Exit(status)
}

// stack puts [784] images into one [n,784] batch.
func stack(ts []*nn.Tensor) *nn.Tensor {
	out := nn.Zeros(len(ts), mnist.Pixels)
	d := out.Data()
	for i, t := range ts {
		copy(d[i*mnist.Pixels:], t.Data())
	}
	return out
}

// images returns path itself if it is a file, or the image files under
// it, sorted, if it is a directory.
func images(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var out []string
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		p := filepath.Join(path, e.Name())
		if e.IsDir() {
			sub, err := images(p)
			if err != nil {
				return out, err
			}
			out = append(out, sub...)
			continue
		}
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".png", ".jpg", ".jpeg", ".gif":
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out, nil
}
