package nn

import (
	"os"

	"github.com/nnlab/nnlab/nn/vec"
)

// fuseEnabled lets a plan fuse a convolution with the bias Add and ReLU
// after it (see plan.fuse); NNLAB_FUSE=off turns that off, to compare.
var fuseEnabled = os.Getenv("NNLAB_FUSE") != "off"

// epilogue is what a convolution or matrix product applies to its output
// as it writes it, for the ops fused into it: a bias added to every pixel's
// channels (every row), then, if relu, max(·, 0).
type epilogue struct {
	bias *exec // a variable or constant: its value is set before any op runs
	relu bool
}

// fuse finds the convolutions and matrix products of the plan whose only
// use is a bias Add (of a variable or constant with one value per output
// channel or column), itself
// optionally used only by a ReLU, none of them fetched. Such a convolution
// writes the last op's output itself, adding the bias and applying ReLU to
// each block of its output while the block is in cache (a matrix product
// through gemm's epilogue), and the fused ops
// skip their forward pass: two passes over the largest tensors of a
// convolutional network saved. Backward passes are the same computations:
// the ReLU's reads its own output, which the convolution wrote with the
// same operations in the same order; the Add's gradient buffer is also the
// convolution's (a training step neither copies nor clears it), so the
// Add's backward only sums the bias gradient. A max-pooling after a ReLU
// does the ReLU's backward too.
func (p *plan) fuse(fetches []*Node) {
	if !fuseEnabled {
		return
	}
	uses := make([]int, len(p.execs))
	for i := range p.execs {
		for _, k := range p.inputs[i] {
			uses[k]++
		}
	}
	for _, f := range fetches {
		uses[p.index[f]]++
	}
	for i, add := range p.execs {
		if o, ok := add.node.op.(binaryOp); !ok || add.node.kind != kindOp || o.kind != opAdd {
			continue
		}
		ci, bi := p.inputs[i][0], p.inputs[i][1]
		conv, b := p.execs[ci], p.execs[bi]
		if conv.node.kind != kindOp || uses[ci] != 1 || conv.epi != nil || ci == bi {
			continue
		}
		s := conv.out.shape
		switch conv.node.op.(type) {
		case convOp:
		case matmulOp:
			if len(s) != 2 { // batches of products keep their Add
				continue
			}
		default:
			continue
		}
		if k := b.node.kind; k != kindVariable && k != kindConstant {
			continue
		}
		if len(b.out.shape) != 1 || b.out.shape[0] != s[len(s)-1] || !sameShape(add.out.shape, s) {
			continue
		}
		ep := &epilogue{bias: b}
		out := add.out
		if uses[i] == 1 {
			for j := i + 1; j < len(p.execs); j++ {
				if _, ok := p.execs[j].node.op.(reluOp); ok && p.execs[j].node.kind == kindOp && p.inputs[j][0] == i {
					ep.relu, p.execs[j].fused = true, true
					out = p.execs[j].out
					break
				}
			}
		}
		add.fused, add.passGrad = true, true
		conv.epi, conv.gradOf = ep, add
		conv.out, add.out = out, out
	}
	// A ReLU used only by a max-pooling: the pooling's backward passes
	// gradient only to winning pixels whose value (its output) is
	// positive, straight into the ReLU input's gradient buffer, which is
	// the ReLU's own; the ReLU's backward pass has nothing left to do.
	for i, pool := range p.execs {
		if o, ok := pool.node.op.(poolOp); !ok || pool.node.kind != kindOp || !o.max {
			continue
		}
		ri := p.inputs[i][0]
		r := p.execs[ri]
		if _, ok := r.node.op.(reluOp); !ok || r.node.kind != kindOp || uses[ri] != 1 {
			continue
		}
		x := p.execs[p.inputs[ri][0]]
		if x.gradOf != nil || x.node.kind != kindOp {
			continue
		}
		pool.reluMask, r.passGrad, x.gradOf = true, true, r
	}
}

// sameShape reports whether a and b are the same shape.
func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// applyRows adds bias to each row of rows (whose length is a multiple of
// len(bias)) and then, if relu, sets rows = max(rows, 0): the epilogue of
// the convolution's matrix products, on a block still in cache.
func applyRows(rows, bias []float32, relu bool) {
	w := len(bias)
	for r := 0; r+w <= len(rows); r += w {
		vec.Add(rows[r:r+w], rows[r:r+w], bias)
	}
	if relu {
		vec.Relu(rows, rows)
	}
}
