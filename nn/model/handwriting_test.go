package model_test

//go:generate go run ./testdata/handwriting/gen.go -out testdata/handwriting

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
	"github.com/nnlab/nnlab/nn/model"
)

// handwritingDir holds the evaluation sets of handwriting that is not
// MNIST (see its README.md): never used for training.
const handwritingDir = "testdata/handwriting"

// handwritingSets are the sets, the images per digit each has, and the
// accuracy the committed model must keep on it.
var handwritingSets = []struct {
	name     string
	perDigit int
	goal     float64
}{
	{"optdigits", 100, 0.97},
	{"fonts", 50, 0.98},
}

// labelledSet is one set's images prepared by mnist.LoadImage, with the
// digit each file's name starts with.
type labelledSet struct {
	paths  []string
	images *nn.Tensor
	labels []int
}

func loadHandwriting(t *testing.T, name string) labelledSet {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(handwritingDir, name, "*.png"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no images in %s/%s (go generate ./nn/model writes them): %v", handwritingDir, name, err)
	}
	sort.Strings(paths)
	var s labelledSet
	var inputs []*nn.Tensor
	for _, p := range paths {
		base := filepath.Base(p)
		if base[0] < '0' || base[0] > '9' {
			t.Fatalf("%s: the file name does not start with its digit", p)
		}
		img, err := mnist.LoadImage(p)
		if err != nil {
			t.Fatal(err)
		}
		s.paths = append(s.paths, p)
		inputs = append(inputs, img)
		s.labels = append(s.labels, int(base[0]-'0'))
	}
	s.images = mnist.Stack(inputs...)
	return s
}

// TestHandwritingSets checks that every set has its images, the same
// number of each digit, all readable by mnist.LoadImage.
func TestHandwritingSets(t *testing.T) {
	for _, hs := range handwritingSets {
		s := loadHandwriting(t, hs.name)
		var count [10]int
		for _, l := range s.labels {
			count[l]++
		}
		for d, c := range count {
			if c != hs.perDigit {
				t.Errorf("%s: %d images of %d, want %d", hs.name, c, d, hs.perDigit)
			}
		}
	}
}

// handwritingModel is the committed model examples/cnn.go trained (its
// weights, as 16-bit floats), or $NNLAB_CNN's.
func handwritingModel(t *testing.T) (*model.Model, string) {
	path := filepath.Join(handwritingDir, "cnn.safetensors")
	if p := os.Getenv("NNLAB_CNN"); p != "" {
		path = p
	}
	m, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return m, path
}

// TestHandwritingAccuracy reads the handwriting sets through
// mnist.LoadImage with the model examples/cnn.go trained and checks that
// it recognises at least the goal on each: 97% of the real digits, 98% of
// the fonts' (set NNLAB_CNN to check another model, such as a freshly
// trained cnn.safetensors). It fails when the preparation of own images,
// or inference, makes recognition worse. It logs the accuracy per digit
// and the most common errors.
func TestHandwritingAccuracy(t *testing.T) {
	m, path := handwritingModel(t)
	for _, hs := range handwritingSets {
		s := loadHandwriting(t, hs.name)
		probs := m.Predict(s.images)
		pred := model.ClassIDs(probs).Data()
		var right, total [10]int
		var confused [10][10]int
		var wrong []string
		for i, l := range s.labels {
			total[l]++
			if p := int(pred[i]); p == l {
				right[l]++
			} else {
				confused[l][p]++
				wrong = append(wrong, fmt.Sprintf("%s→%d", filepath.Base(s.paths[i]), p))
			}
		}
		n, ok := len(s.labels), 0
		var perDigit []string
		for d := range right {
			ok += right[d]
			perDigit = append(perDigit, fmt.Sprintf("%d:%.0f%%", d, 100*float64(right[d])/float64(max(total[d], 1))))
		}
		acc := float64(ok) / float64(n)
		t.Logf("%s (%s): %.2f%% of %d; per digit %s", hs.name, path, 100*acc, n, strings.Join(perDigit, " "))
		t.Logf("%s: most common errors %s", hs.name, topConfusions(confused, 6))
		if acc < hs.goal {
			t.Errorf("%s: %.2f%% recognised, want at least %.0f%%; wrong: %s", hs.name, 100*acc, 100*hs.goal, strings.Join(wrong, " "))
		}
	}
}

// topConfusions lists the k most frequent (true, predicted) errors.
func topConfusions(c [10][10]int, k int) string {
	type pair struct{ t, p, n int }
	var ps []pair
	for t := range c {
		for p, n := range c[t] {
			if n > 0 {
				ps = append(ps, pair{t, p, n})
			}
		}
	}
	sort.SliceStable(ps, func(a, b int) bool { return ps[a].n > ps[b].n })
	var out []string
	for _, p := range ps[:min(k, len(ps))] {
		out = append(out, fmt.Sprintf("%d→%d ×%d", p.t, p.p, p.n))
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}
