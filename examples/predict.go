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
//
// With -eval, each further argument is a labelled set (a directory, or an
// image) whose files are named after their digit (3_0042.png is a 3); it
// prints the accuracy per set and per digit and the most common errors
// instead of one line per image:
//
//	go run examples/predict.go -eval cnn.safetensors nn/model/testdata/handwriting/optdigits nn/model/testdata/handwriting/fonts
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
	args := os.Args[1:]
	eval := len(args) > 0 && (args[0] == "-eval" || args[0] == "--eval")
	if eval {
		args = args[1:]
	}
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: predict [-eval] MODEL.safetensors IMAGE|DIR...")
		os.Exit(2)
	}
	m, err := model.Load(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if eval {
		os.Exit(evaluate(m, args[1:]))
	}
	var paths []string
	status := 0
	for _, a := range args[1:] {
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

// evaluate prints the accuracy of m on each labelled set, per digit, and
// its most common errors, and returns the exit status.
func evaluate(m *model.Model, sets []string) int {
	status := 0
	fmt.Printf("%-12s %5s %7s", "set", "n", "all")
	for d := 0; d < 10; d++ {
		fmt.Printf(" %6d", d)
	}
	fmt.Println()
	var notes []string
	for _, set := range sets {
		paths, err := images(set)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
		}
		var inputs []*nn.Tensor
		var labels []int
		for _, p := range paths {
			name := filepath.Base(p)
			if name[0] < '0' || name[0] > '9' {
				fmt.Fprintf(os.Stderr, "%s: no label: the file name does not start with its digit\n", p)
				status = 1
				continue
			}
			t, err := mnist.LoadImage(p)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				status = 1
				continue
			}
			inputs = append(inputs, t)
			labels = append(labels, int(name[0]-'0'))
		}
		if len(inputs) == 0 {
			fmt.Fprintf(os.Stderr, "%s: no labelled images\n", set)
			status = 1
			continue
		}
		probs := m.Predict(stack(inputs))
		var right, total [10]int
		var confused [10][10]int
		for i, l := range labels {
			best := 0
			for d := 1; d < 10; d++ {
				if probs.At(i, d) > probs.At(i, best) {
					best = d
				}
			}
			total[l]++
			if best == l {
				right[l]++
			} else {
				confused[l][best]++
			}
		}
		all := 0
		for _, r := range right {
			all += r
		}
		fmt.Printf("%-12s %5d %6.2f%%", filepath.Base(set), len(labels), 100*float64(all)/float64(len(labels)))
		for d := 0; d < 10; d++ {
			if total[d] == 0 {
				fmt.Printf(" %6s", "-")
				continue
			}
			fmt.Printf(" %5.1f%%", 100*float64(right[d])/float64(total[d]))
		}
		fmt.Println()
		type pair struct{ t, p, n int }
		var errs []pair
		for t := range confused {
			for p, n := range confused[t] {
				if n > 0 {
					errs = append(errs, pair{t, p, n})
				}
			}
		}
		sort.SliceStable(errs, func(a, b int) bool { return errs[a].n > errs[b].n })
		var top []string
		for _, e := range errs[:min(len(errs), 8)] {
			top = append(top, fmt.Sprintf("%d→%d %d", e.t, e.p, e.n))
		}
		if len(top) > 0 {
			notes = append(notes, fmt.Sprintf("  %s (%d errors): %s", filepath.Base(set), len(labels)-all, strings.Join(top, ", ")))
		}
	}
	if len(notes) > 0 {
		fmt.Println("most common errors (true→predicted count):")
		for _, n := range notes {
			fmt.Println(n)
		}
	}
	return status
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
