package nn

import (
	"os"

	"github.com/nnlab/nnlab/nn/gemm"
	"github.com/nnlab/nnlab/nn/vec"
)

// fusedUpdate is a variable whose gradient comes from one sparse product
// alone: the first layer's weights, multiplied by a batch of images. The
// training step leaves that product out of the backward pass and runs it
// after the checks (gemm.SparseTMulBlocks), updating the weights a block
// of rows at a time as the product hands them over. The gradient (1.6 MB
// in the tutorial) then never goes to memory, nor is read back by the
// check and the optimizer, whose update is bound by memory traffic.
//
// The step must still change nothing when it is refused, so the check of
// this gradient is decided before the product, from bounds on its inputs
// (see bounded); where they do not hold, the product runs in the backward
// pass as any other.
type fusedUpdate struct {
	mm, v *exec // the matmul, and the variable (its right operand)
	// active is set for a step that takes the fused path.
	active bool
	// n is the gradient's width, set by begin; the rest is what update
	// reads, set by run for one step.
	opt   Optimizer
	w     []float32
	slots [2][]float32
	t, n  int
	use   func(i0, i1 int, blk []float32) // update, bound once
}

// fusedEnabled turns fused updates on; NNLAB_FUSED_UPDATE=off turns them
// off, to compare.
var fusedEnabled = os.Getenv("NNLAB_FUSED_UPDATE") != "off"

// fusedUpdates finds the variables of tp that fusedUpdate can serve: each
// gradient buffer filled by a matmul's right operand alone (contributors
// counts each buffer's producers).
func fusedUpdates(p *plan, tp *trainPlan, contributors map[*Tensor]int) []*fusedUpdate {
	var fs []*fusedUpdate
	if !fusedEnabled {
		return nil
	}
	for _, vi := range tp.vars {
		v := p.execs[vi]
		if contributors[v.grad] != 1 {
			continue
		}
		for _, i := range tp.backward {
			e := p.execs[i]
			if _, ok := e.node.op.(matmulOp); ok && e.inGrad[1] == v.grad && e.overwrite[1] {
				f := &fusedUpdate{mm: e, v: v}
				f.use = f.update
				fs = append(fs, f)
			}
		}
	}
	return fs
}

// begin decides, after the forward pass, whether the step may fuse: the
// product's left operand was multiplied in sparse form, in one batch, and
// is short and wide enough for SparseTMulBlocks. The matmul then leaves
// the product out of its backward pass.
func (f *fusedUpdate) begin() {
	st := f.mm.state.(*matmulState)
	batch, _, _, n := matmulOp{}.dims(f.mm.in[0], f.mm.in[1])
	f.n = n
	f.active = st.sparse && batch == 1 && gemm.CanSparseTMulBlocks(&st.csr, n)
	f.mm.deferWeightGrad = f.active
}

// fusedInputBound is the magnitude below which every stored value of the
// sparse operand must lie for a fused update (see bounded). Images are
// within [0, 1] or a few standard deviations.
const fusedInputBound = 1 << 20

// bounded reports whether the gradient about to be computed is sure to
// pass checkGradients: each of its elements sums m products x·dy, so with
// |x| < fusedInputBound and |dy| < maxGrad/(2·m·fusedInputBound) it is
// below maxGrad, with room for rounding. NaN and infinities fail both
// tests (vec.Beyond).
func (f *fusedUpdate) bounded() bool {
	st := f.mm.state.(*matmulState)
	m := st.csr.Rows()
	if vec.Beyond(st.csr.Values(), fusedInputBound) >= 0 {
		return false
	}
	lim := maxGrad / (2 * float64(m) * fusedInputBound)
	return vec.Beyond(f.mm.grad.data[:len(f.mm.out.data)], float32(lim)) < 0
}

// settle runs after the backward pass and before the checks: a step whose
// bounds do not hold computes the gradient now, into its buffer, for the
// checks and the usual update.
func (f *fusedUpdate) settle() {
	f.mm.deferWeightGrad = false
	if !f.active || f.bounded() {
		return
	}
	f.active = false
	e := f.mm
	sparseTMul(e.stop, &e.state.(*matmulState).csr, f.n, e.grad.data, 0, f.v.grad.data)
}

// run computes the gradient and applies opt's step t to the variable, a
// block of rows at a time; slots is the variable's optimizer state. It
// runs after the checks, when the step can no longer be refused.
func (f *fusedUpdate) run(opt Optimizer, slots *[2][]float32, t int) {
	e := f.mm
	w := f.v.out.data
	opt.initSlots(slots, len(w))
	f.opt, f.w, f.slots, f.t = opt, w, *slots, t
	gemm.SparseTMulBlocks(0, &e.state.(*matmulState).csr, f.n, e.grad.data, f.n, f.use)
	f.opt, f.w, f.slots = nil, nil, [2][]float32{}
}

// update applies the step to rows [i0, i1) of the variable, whose gradient
// is blk. Blocks are disjoint and may be updated concurrently.
func (f *fusedUpdate) update(i0, i1 int, blk []float32) {
	lo, hi := i0*f.n, i1*f.n
	var sub [2][]float32
	for i, s := range f.slots {
		if s != nil {
			sub[i] = s[lo:hi]
		}
	}
	f.opt.update(f.w[lo:hi], blk, sub, f.t)
}
