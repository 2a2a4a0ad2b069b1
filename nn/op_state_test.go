package nn

import (
	"go/parser"
	"go/token"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestOpStatePerPlan trains a small CNN (conv, BatchNorm, max-pooling,
// ReLU, dropout with keep 1, matmul) on one batch while evaluating another
// batch size between the steps, in a second plan whose ops have states and
// buffers of other sizes: the training losses must be exactly those of the
// training alone.
func TestOpStatePerPlan(t *testing.T) {
	build := func() (x, y, keep, loss *Node) {
		ResetDefaultGraph()
		Seed(3)
		x, y, keep = Placeholder(None, 8, 8, 2), Placeholder(None, 4), Placeholder()
		h := Conv2D(x, Variable(TruncatedNormal([]int{3, 3, 2, 16}, 0.3)), 1, "SAME")
		h = BatchNorm(h, ScalarConst(1))
		h = Dropout(Relu(MaxPool(h, 2, 2, "VALID")), keep)
		h = MatMul(Flatten(h), Variable(TruncatedNormal([]int{4 * 4 * 16, 4}, 0.1)))
		loss = ReduceMean(SoftmaxCrossEntropyWithLogits(y, h))
		return
	}
	batch := func(n int, seed string) (*Tensor, *Tensor) {
		bx, by := randTensor(seed, n, 8, 8, 2), Zeros(n, 4)
		for i := range n {
			by.data[i*4+i%4] = 1
		}
		return bx, by
	}
	ax, ay := batch(6, "a")
	bx, by := batch(5, "b")
	losses := func(interleave bool) (la, lb []float64) {
		x, y, keep, loss := build()
		train := GradientDescentOptimizer(0.1).Minimize(loss)
		s := NewSession()
		s.Run(GlobalVariablesInitializer(), nil)
		for range 3 {
			fa := Feed{x: ax, y: ay, keep: 1}
			out := s.RunAll([]*Node{loss, train}, fa)
			la = append(la, out[0].Float())
			if interleave {
				lb = append(lb, s.Run(loss, Feed{x: bx, y: by, keep: 1}).Float())
			}
		}
		return la, lb
	}
	alone, _ := losses(false)
	mixed, other := losses(true)
	for i := range alone {
		if alone[i] != mixed[i] {
			t.Fatalf("step %d: loss %v trained alone, %v with another plan's runs between steps", i, alone[i], mixed[i])
		}
		if math.IsNaN(other[i]) || other[i] <= 0 {
			t.Fatalf("step %d: loss of the other batch is %v", i, other[i])
		}
	}
}

// TestSmallDropout checks the dropout mask below the size at which it is
// split over cores (one generator for every size): the kept fraction, the
// scaling, and that the gradient goes through the same mask.
func TestSmallDropout(t *testing.T) {
	ResetDefaultGraph()
	Seed(5)
	const n = 4000
	x := Variable(Constant(1, []int{n}))
	h := Dropout(x, ScalarConst(0.25))
	loss := ReduceSum(h)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	out := s.RunAll([]*Node{h, GradientDescentOptimizer(1).Minimize(loss)}, nil)
	after := s.Value(x)
	kept := 0
	for i, v := range out[0].data {
		switch v {
		case 0:
			if after.data[i] != 1 {
				t.Fatalf("x[%d] dropped but its gradient is %v", i, 1-after.data[i])
			}
		case 4:
			kept++
			if after.data[i] != -3 { // 1 - gradient 4
				t.Fatalf("x[%d] kept but its gradient is %v, want 4", i, 1-after.data[i])
			}
		default:
			t.Fatalf("h[%d] = %v, want 0 or 4", i, v)
		}
	}
	if f := float64(kept) / n; math.Abs(f-0.25) > 0.03 {
		t.Errorf("kept %.3f of the values, want 0.25", f)
	}
}

// TestPoolImports checks the layout: the goroutine pool is nn's internal
// package, not a part of the matrix multiply that vec and mnist import.
func TestPoolImports(t *testing.T) {
	for _, dir := range []string{"vec", "mnist"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in nn/%s: %v", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, im := range af.Imports {
				if p, _ := strconv.Unquote(im.Path.Value); p == "github.com/nnlab/nnlab/nn/gemm" {
					t.Errorf("%s imports %s", f, p)
				}
			}
		}
	}
}
