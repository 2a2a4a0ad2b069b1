package nn

import (
	"fmt"
	"math"
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
// mean and variance are the batch's own (the biased variance), and the
// gradient flows through them. With training 0 they are the moving mean and
// variance, which every forward run in training mode updates in place:
// moving = 0.99*moving + 0.01*batch. So every run with training fed 1
// counts, a training step or just an evaluation of the loss; feed 0 for
// anything but training.
//
// BatchNorm creates four variables: gamma (ones) and beta (zeros), which
// optimizers train, and the moving mean (zeros) and variance (ones), which
// are NotTrainable. All four are set by GlobalVariablesInitializer and saved
// in checkpoints.
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
	gamma := Variable(Constant(1, []int{c})).Named("gamma")
	beta := Variable(Constant(0, []int{c})).Named("beta")
	mean := Variable(Constant(0, []int{c})).Named("moving_mean").NotTrainable()
	variance := Variable(Constant(1, []int{c})).Named("moving_variance").NotTrainable()
	return newOp("batch_norm", bnOp{}, Float32, true, x, training, gamma, beta, mean, variance)
}

// bnOp's inputs: x, training, gamma, beta, moving mean, moving variance.
// Its aux holds, per channel, the mean and 1/sqrt(variance+eps) used by
// forward, then two accumulators, then the mode (1 for training).
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

// channelSums sets sum[c] to the sum over rows of f(x[r, c]) for an [m, C]
// view of x, summing blocks of rows into part first.
func channelSums(sum, part, x []float32, sub []float32) {
	c := len(sum)
	clear(sum)
	m := len(x) / c
	for r0 := 0; r0 < m; r0 += bnBlock {
		clear(part)
		for r := r0; r < min(m, r0+bnBlock); r++ {
			row := x[r*c : (r+1)*c]
			if sub == nil {
				for i, v := range row {
					part[i] += v
				}
			} else {
				for i, v := range row {
					d := v - sub[i]
					part[i] += d * d
				}
			}
		}
		addTo(sum, part)
	}
}

func (bnOp) forward(e *exec) {
	x := e.in[0]
	train := e.in[1].data[0] != 0
	gamma, beta := e.in[2].data, e.in[3].data
	movMean, movVar := e.in[4].data, e.in[5].data
	c := len(gamma)
	m := len(x.data) / c
	if len(e.aux) != 4*c+1 {
		e.aux = make([]float32, 4*c+1)
	}
	mean, inv := e.aux[:c], e.aux[c:2*c]
	s1, s2 := e.aux[2*c:3*c], e.aux[3*c:4*c]
	if train && m > 0 {
		e.aux[4*c] = 1
		channelSums(s1, s2, x.data, nil)
		for i := range mean {
			mean[i] = s1[i] / float32(m)
		}
		channelSums(s1, s2, x.data, mean)
		for i := range inv {
			v := s1[i] / float32(m)
			inv[i] = float32(1 / math.Sqrt(float64(v)+bnEpsilon))
			movMean[i] = bnMomentum*movMean[i] + (1-bnMomentum)*mean[i]
			movVar[i] = bnMomentum*movVar[i] + (1-bnMomentum)*v
		}
	} else {
		e.aux[4*c] = 0
		copy(mean, movMean)
		for i := range inv {
			inv[i] = float32(1 / math.Sqrt(float64(movVar[i])+bnEpsilon))
		}
	}
	// y = x*scale + shift, with scale = gamma*inv and shift = beta - mean*scale.
	scale, shift := s1, s2
	for i := range scale {
		scale[i] = gamma[i] * inv[i]
		shift[i] = beta[i] - mean[i]*scale[i]
	}
	for r := 0; r < m; r++ {
		src, dst := x.data[r*c:(r+1)*c], e.out.data[r*c:(r+1)*c]
		for i, v := range src {
			dst[i] = v*scale[i] + shift[i]
		}
	}
}

// backward, with xhat = (x-mean)*inv, dbeta = Σg and dgamma = Σg·xhat over
// the rows: in training mode the batch statistics depend on x, so
// dx = gamma*inv*(g - dbeta/m - xhat*dgamma/m); in inference mode
// dx = gamma*inv*g.
func (bnOp) backward(e *exec) {
	gx, ggamma, gbeta := e.inGrad[0], e.inGrad[2], e.inGrad[3]
	x, g := e.in[0].data, e.grad.data
	gamma := e.in[2].data
	c := len(gamma)
	m := len(x) / c
	mean, inv := e.aux[:c], e.aux[c:2*c]
	dbeta, dgamma := e.aux[2*c:3*c], e.aux[3*c:4*c]
	train := e.aux[4*c] != 0
	clear(dbeta)
	clear(dgamma)
	if ggamma != nil || gbeta != nil || (gx != nil && train) {
		for r := 0; r < m; r++ {
			xr, gr := x[r*c:(r+1)*c], g[r*c:(r+1)*c]
			for i, gi := range gr {
				dbeta[i] += gi
				dgamma[i] += gi * (xr[i] - mean[i]) * inv[i]
			}
		}
	}
	if gbeta != nil {
		addTo(gbeta.data, dbeta)
	}
	if ggamma != nil {
		addTo(ggamma.data, dgamma)
	}
	if gx == nil {
		return
	}
	if !train {
		for r := 0; r < m; r++ {
			gr, dst := g[r*c:(r+1)*c], gx.data[r*c:(r+1)*c]
			for i, gi := range gr {
				dst[i] += gamma[i] * inv[i] * gi
			}
		}
		return
	}
	// Fold the constants per channel: dx = k*g - a - b*x, where k = gamma*inv,
	// a = k*(dbeta - mean*inv*dgamma)/m and b = k*inv*dgamma/m.
	for i := range dbeta {
		k := gamma[i] * inv[i]
		a := k * (dbeta[i] - mean[i]*inv[i]*dgamma[i]) / float32(m)
		b := k * inv[i] * dgamma[i] / float32(m)
		dbeta[i], dgamma[i] = a, b
	}
	for r := 0; r < m; r++ {
		xr, gr, dst := x[r*c:(r+1)*c], g[r*c:(r+1)*c], gx.data[r*c:(r+1)*c]
		for i, gi := range gr {
			dst[i] += gamma[i]*inv[i]*gi - dbeta[i] - dgamma[i]*xr[i]
		}
	}
}
