package nn

import (
	"fmt"
	"math"

	"github.com/nnlab/nnlab/nn/internal/parallel"
)

// Batch normalisation constants, Keras's defaults.
const (
	bnMomentum = 0.99
	bnEpsilon  = 1e-3
)

// BatchNorm normalises x over every axis but the last, so per channel for
// NHWC images and per unit for [batch, features], then scales and shifts it
// by learned per-channel gamma and beta:
//
//	y = gamma * (x - mean) / sqrt(variance + 0.001) + beta
//
// training is a scalar, usually a placeholder fed 1 while training and 0
// while testing (like Dropout's keep probability). With training nonzero,
// mean and variance are the batch's own (the biased variance, which divides
// by the n values per channel), and the gradient flows through them. With
// training 0 they are the moving mean and variance.
//
// The moving statistics change only in a training step: a run of an
// optimizer's Minimize op whose loss depends on this BatchNorm, with
// training nonzero, updates them once the step's variables are updated:
// moving = 0.99*moving + 0.01*batch, where the batch variance is the
// unbiased one, times n/(n-1), as in TensorFlow's fused kernel (which it
// uses for images) and PyTorch. A run that only computes the loss, in either
// mode, leaves them alone, as TensorFlow 1 did unless its update ops ran.
//
// BatchNorm creates four variables: gamma (ones) and beta (zeros), which
// optimizers train, and the moving mean (zeros) and variance (ones), which
// are NotTrainable. All four are set by GlobalVariablesInitializer and saved
// in checkpoints. They are added to x's graph.
func BatchNorm(x, training *Node) *Node {
	if x == nil || training == nil {
		panic(&Error{Op: "batch_norm", Msg: "nil input"})
	}
	if len(training.shape) != 0 {
		panic(&Error{Op: "batch_norm", Msg: fmt.Sprintf("training flag must be a scalar, got shape %s", FormatShape(training.shape))})
	}
	if len(x.shape) < 2 {
		panic(&Error{Op: "batch_norm", Msg: fmt.Sprintf("input %s needs a batch axis and a channel axis", FormatShape(x.shape))})
	}
	c := x.shape[len(x.shape)-1]
	if c < 0 {
		panic(&Error{Op: "batch_norm", Msg: fmt.Sprintf("input %s: the last (channel) dimension must be known", FormatShape(x.shape))})
	}
	gamma := x.g.Variable(Constant(1, []int{c})).Named("gamma")
	beta := x.g.Variable(Constant(0, []int{c})).Named("beta")
	mean := x.g.Variable(Constant(0, []int{c})).Named("moving_mean").NotTrainable()
	variance := x.g.Variable(Constant(1, []int{c})).Named("moving_variance").NotTrainable()
	return newOp("batch_norm", bnOp{}, Float32, true, x, training, gamma, beta, mean, variance)
}

// bnOp's inputs: x, training, gamma, beta, moving mean, moving variance.
// Its aux holds, per channel, the mean and 1/sqrt(variance+eps) used by
// forward, two accumulators and the batch's biased variance, and then two
// channel-sized buffers per core for partial sums; its bnState the mode.
type bnOp struct{}

func (bnOp) shape(in [][]int) ([]int, error) {
	x := in[0]
	c := x[len(x)-1]
	for _, p := range in[2:] {
		if len(p) != 1 || !dimsMatch(p[0], c) {
			return nil, fmt.Errorf("input %s, parameter %s: want one value per channel", FormatShape(x), FormatShape(p))
		}
	}
	return append([]int{}, x...), nil
}

// bnBlock is how many rows are summed into a partial sum before it is added
// to the total, which bounds float32 rounding over large batches.
const bnBlock = 256

// channelSums sets sum[c] to the sum over the rows of the [m, C] matrix x
// of x[r, c], or of (x[r, c] - sub[c])² if sub is not nil, summing blocks of
// rows into part first.
func channelSums(sum, part, x []float32, sub []float32) {
	c := len(sum)
	clear(sum)
	m := len(x) / c
	for r0 := 0; r0 < m; r0 += bnBlock {
		clear(part)
		for r := r0; r < min(m, r0+bnBlock); r++ {
			row := x[r*c : (r+1)*c]
			if sub == nil {
				accum(part, row)
			} else {
				for i, v := range row {
					d := v - sub[i]
					part[i] += d * d
				}
			}
		}
		accum(sum, part)
	}
}

// bnStage is one pass of BatchNorm over the rows, which parallel.Run splits.
type bnStage int

const (
	bnSum      bnStage = iota // partial sums of x
	bnSquares                 // partial sums of (x - mean)²
	bnApply                   // y = x*scale + shift
	bnGradSums                // partial sums of g and g*xhat
	bnGradX                   // dx
)

// bnPlan is a BatchNorm pass split by rows over the cores.
type bnPlan struct {
	e           *exec
	stage       bnStage
	parts, m, c int
	train       bool
}

// bnState is what a BatchNorm keeps from forward to backward and to the
// step's end (its per-channel statistics are in aux).
type bnState struct {
	train bool   // forward ran in training mode, on the batch's statistics
	plan  bnPlan // the pass under way, which parallel.Run hands to helpers
}

func (bnOp) newState() any { return new(bnState) }

// bnHeader is the number of floats of aux before the partial sums.
func bnHeader(c int) int { return 5 * c }

// newBNPlan returns a plan for e, sizing aux for the partial sums of every
// core (only in forward: backward needs forward's statistics and uses as
// many cores as forward made room for).
func newBNPlan(e *exec, forward bool) *bnPlan {
	c := e.in[0].shape[len(e.in[0].shape)-1]
	m := len(e.in[0].data) / max(c, 1)
	parts := 1
	if m*c >= 1<<18 {
		parts = max(1, min(parallel.Threads(), m))
	}
	if convParts > 0 {
		parts = min(convParts, max(m, 1))
	}
	if need := bnHeader(c) + parts*2*c; forward && len(e.aux) != need {
		e.aux = make([]float32, need)
	}
	parts = max(1, min(parts, (len(e.aux)-bnHeader(c))/max(2*c, 1)))
	p := &e.state.(*bnState).plan
	*p = bnPlan{e: e, parts: parts, m: m, c: c}
	return p
}

// release drops the plan's references to the run's tensors.
func (p *bnPlan) release() { *p = bnPlan{} }

// partial returns part's two channel-sized buffers.
func (p *bnPlan) partial(part int) (a, b []float32) {
	off := bnHeader(p.c) + part*2*p.c
	return p.e.aux[off : off+p.c], p.e.aux[off+p.c : off+2*p.c]
}

// run runs stage on every part and, for the sums, adds the parts' results
// into dst1 (and dst2).
func (p *bnPlan) run(stage bnStage, dst1, dst2 []float32) {
	p.stage = stage
	parallel.Run(p.parts, p)
	if dst1 == nil {
		return
	}
	clear(dst1)
	clear(dst2)
	for part := 0; part < p.parts; part++ {
		a, b := p.partial(part)
		accum(dst1, a)
		if stage == bnGradSums {
			accum(dst2, b)
		}
	}
}

// RunPart runs the plan's stage on part's rows.
func (p *bnPlan) RunPart(part int) {
	c := p.c
	lo, hi := part*p.m/p.parts, (part+1)*p.m/p.parts
	x := p.e.in[0].data[lo*c : hi*c]
	aux := p.e.aux
	mean, inv := aux[:c], aux[c:2*c]
	s1, s2 := aux[2*c:3*c], aux[3*c:4*c]
	a, b := p.partial(part)
	switch p.stage {
	case bnSum:
		channelSums(a, b, x, nil)
	case bnSquares:
		channelSums(a, b, x, mean)
	case bnApply:
		scale, shift := s1, s2
		y := p.e.out.data[lo*c : hi*c]
		for r := 0; r < hi-lo; r++ {
			src, dst := x[r*c:(r+1)*c], y[r*c:(r+1)*c]
			for i, v := range src {
				dst[i] = v*scale[i] + shift[i]
			}
		}
	case bnGradSums:
		g := p.e.grad.data[lo*c : hi*c]
		clear(a)
		clear(b)
		for r := 0; r < hi-lo; r++ {
			xr, gr := x[r*c:(r+1)*c], g[r*c:(r+1)*c]
			for i, gi := range gr {
				a[i] += gi
				b[i] += gi * (xr[i] - mean[i]) * inv[i]
			}
		}
	case bnGradX:
		g := p.e.grad.data[lo*c : hi*c]
		dx := p.e.inGrad[0].data[lo*c : hi*c]
		gamma := p.e.in[2].data
		if !p.train {
			for r := 0; r < hi-lo; r++ {
				gr, dst := g[r*c:(r+1)*c], dx[r*c:(r+1)*c]
				for i, gi := range gr {
					dst[i] += gamma[i] * inv[i] * gi
				}
			}
			return
		}
		// s1 and s2 hold the per-channel constants a and b of backward.
		for r := 0; r < hi-lo; r++ {
			xr, gr, dst := x[r*c:(r+1)*c], g[r*c:(r+1)*c], dx[r*c:(r+1)*c]
			for i, gi := range gr {
				dst[i] += gamma[i]*inv[i]*gi - s1[i] - s2[i]*xr[i]
			}
		}
	}
}

func (bnOp) forward(e *exec) {
	p := newBNPlan(e, true)
	defer p.release()
	train := e.in[1].data[0] != 0 && p.m > 0
	gamma, beta := e.in[2].data, e.in[3].data
	movMean, movVar := e.in[4].data, e.in[5].data
	c := p.c
	mean, inv := e.aux[:c], e.aux[c:2*c]
	s1, s2 := e.aux[2*c:3*c], e.aux[3*c:4*c]
	batchVar := e.aux[4*c : 5*c]
	e.state.(*bnState).train = train
	if train {
		p.run(bnSum, s1, s2)
		for i := range mean {
			mean[i] = s1[i] / float32(p.m)
		}
		p.run(bnSquares, s1, s2)
		for i := range inv {
			v := s1[i] / float32(p.m)
			batchVar[i] = v
			inv[i] = float32(1 / math.Sqrt(float64(v)+bnEpsilon))
		}
	} else {
		copy(mean, movMean)
		for i := range inv {
			inv[i] = float32(1 / math.Sqrt(float64(movVar[i])+bnEpsilon))
		}
	}
	// y = x*scale + shift, with scale = gamma*inv and shift = beta - mean*scale.
	for i := range s1 {
		s1[i] = gamma[i] * inv[i]
		s2[i] = beta[i] - mean[i]*s1[i]
	}
	p.run(bnApply, nil, nil)
}

// backward, with xhat = (x-mean)*inv, dbeta = Σg and dgamma = Σg·xhat over
// the rows: in training mode the batch statistics depend on x, so
// dx = gamma*inv*(g - dbeta/m - xhat*dgamma/m); in inference mode
// dx = gamma*inv*g.
func (bnOp) backward(e *exec) {
	gx, ggamma, gbeta := e.inGrad[0], e.inGrad[2], e.inGrad[3]
	if gx == nil && ggamma == nil && gbeta == nil {
		return
	}
	p := newBNPlan(e, false)
	defer p.release()
	c := p.c
	gamma := e.in[2].data
	mean, inv := e.aux[:c], e.aux[c:2*c]
	dbeta, dgamma := e.aux[2*c:3*c], e.aux[3*c:4*c]
	p.train = e.state.(*bnState).train
	if ggamma != nil || gbeta != nil || (gx != nil && p.train) {
		p.run(bnGradSums, dbeta, dgamma)
	}
	if gbeta != nil {
		accum(gbeta.data, dbeta)
	}
	if ggamma != nil {
		accum(ggamma.data, dgamma)
	}
	if gx == nil {
		return
	}
	if p.train {
		// Fold the constants per channel: dx = k*g - a - b*x, where
		// k = gamma*inv, a = k*(dbeta - mean*inv*dgamma)/m and
		// b = k*inv*dgamma/m.
		m := float32(p.m)
		for i := range dbeta {
			k := gamma[i] * inv[i]
			a := k * (dbeta[i] - mean[i]*inv[i]*dgamma[i]) / m
			b := k * inv[i] * dgamma[i] / m
			dbeta[i], dgamma[i] = a, b
		}
	}
	p.run(bnGradX, nil, nil)
}

// afterStep updates the moving statistics from the batch statistics that
// forward kept, if it ran in training mode. The session calls it once per
// training step, after the step's variables are updated (see stepUpdater).
// With n values per channel the variance is unbiased by n/(n-1), or left
// as is for n = 1, as TensorFlow's kernel does.
func (bnOp) afterStep(e *exec) {
	if !e.state.(*bnState).train {
		return
	}
	x := e.in[0]
	c := x.shape[len(x.shape)-1]
	n := len(x.data) / c
	unbias := float32(n) / float32(max(n-1, 1))
	mean, batchVar := e.aux[:c], e.aux[4*c:5*c]
	movMean, movVar := e.in[4].data, e.in[5].data
	for i := range movMean {
		movMean[i] = bnMomentum*movMean[i] + (1-bnMomentum)*mean[i]
		movVar[i] = bnMomentum*movVar[i] + (1-bnMomentum)*batchVar[i]*unbias
	}
}
