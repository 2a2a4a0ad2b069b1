package nn

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nnlab/nnlab/nn/gemm"
)

// useFused turns fused updates on or off, whatever NNLAB_FUSED_UPDATE says, until
// the test ends. Plans are built with the setting of their first run.
func useFused(t testing.TB, on bool) {
	old := fusedEnabled
	fusedEnabled = on
	t.Cleanup(func() { fusedEnabled = old })
}

// fusedNet is a two-layer network on 784-pixel images, trained by opt.
func fusedNet(opt Optimizer) (x, y, train *Node, vars []*Node) {
	ResetDefaultGraph()
	Seed(3)
	x, y = Placeholder(None, 784), Placeholder(None, 10)
	w1 := Variable(TruncatedNormal([]int{784, 200}, 0.1))
	b1 := Variable(Constant(0.1, []int{200}))
	w2 := Variable(TruncatedNormal([]int{200, 10}, 0.1))
	b2 := Variable(Constant(0.1, []int{10}))
	h := Relu(Add(MatMul(x, w1), b1))
	out := Add(MatMul(h, w2), b2)
	train = opt.Minimize(ReduceMean(SoftmaxCrossEntropyWithLogits(y, out)))
	return x, y, train, []*Node{w1, b1, w2, b2}
}

// sparseBatch is a batch of n images with about a fifth of the pixels
// nonzero, as MNIST's, and random labels.
func sparseBatch(n, seed int) (*Tensor, *Tensor) {
	r := NewRand(fmt.Sprint("fused", seed))
	bx, by := Zeros(n, 784), Zeros(n, 10)
	for i := range bx.data {
		if r.IntN(5) == 0 {
			bx.data[i] = r.Float32()
		}
	}
	for i := range n {
		by.data[i*10+r.IntN(10)] = 1
	}
	return bx, by
}

// fusedSteps trains fusedNet for steps steps from the same start and
// returns the variables, and whether a fused update ran.
func fusedSteps(t *testing.T, opt Optimizer, fused bool, steps int, edit func(bx *Tensor)) ([]*Tensor, bool) {
	useFused(t, fused)
	x, y, train, vars := fusedNet(opt)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	took := false
	for i := range steps {
		bx, by := sparseBatch(128, i)
		if edit != nil {
			edit(bx)
		}
		s.Run(train, Feed{x: bx, y: by})
		for _, p := range s.plans {
			for _, tp := range p.trains {
				for _, f := range tp.fused {
					took = took || f.active
				}
			}
		}
	}
	var vals []*Tensor
	for _, v := range vars {
		vals = append(vals, s.Value(v))
	}
	return vals, took
}

// sameBits reports the first element where two lists of tensors differ.
func sameBits(a, b []*Tensor) string {
	for i := range a {
		for j := range a[i].data {
			if math.Float32bits(a[i].data[j]) != math.Float32bits(b[i].data[j]) {
				return fmt.Sprintf("variable %d element %d: %v against %v", i, j, a[i].data[j], b[i].data[j])
			}
		}
	}
	return ""
}

// TestFusedUpdateSameBits trains the same network with the first layer's
// gradient fused into its update and without, with each optimizer and on
// one and two cores: the variables must agree bit for bit, and the fused
// path must have been taken. Inputs beyond the bounds that make the check
// certain take the unfused path, with the same results.
func TestFusedUpdateSameBits(t *testing.T) {
	useSparse(t, true)
	opts := []func() Optimizer{
		func() Optimizer { return AdamOptimizer(1e-3) },
		func() Optimizer { return MomentumOptimizer(0.01, 0.9) },
		func() Optimizer { return GradientDescentOptimizer(0.1) },
	}
	for _, threads := range []int{1, 2} {
		for _, newOpt := range opts {
			name := fmt.Sprintf("%T/threads=%d", newOpt(), threads)
			t.Run(name, func(t *testing.T) {
				old := gemm.Threads()
				gemm.SetThreads(threads)
				t.Cleanup(func() { gemm.SetThreads(old) })
				want, _ := fusedSteps(t, newOpt(), false, 4, nil)
				got, took := fusedSteps(t, newOpt(), true, 4, nil)
				if !took {
					t.Fatal("the fused update was not taken")
				}
				if d := sameBits(got, want); d != "" {
					t.Fatalf("fused and separate updates differ: %s", d)
				}
				// A pixel of 2^21 exceeds the bound: the step is not
				// fused, and still the same.
				big := func(bx *Tensor) { bx.data[7] = 1 << 21 }
				want, _ = fusedSteps(t, newOpt(), false, 2, big)
				got, took = fusedSteps(t, newOpt(), true, 2, big)
				if took {
					t.Error("a step with an input beyond the bound was fused")
				}
				if d := sameBits(got, want); d != "" {
					t.Fatalf("with a large input, fused and separate updates differ: %s", d)
				}
			})
		}
	}
}

// TestFusedUpdateRefused feeds a sparse batch with a NaN or an infinity
// after a fused step: the step is refused and no variable changes,
// and the next good batch trains as before.
func TestFusedUpdateRefused(t *testing.T) {
	useSparse(t, true)
	useFused(t, true)
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), 3e38} {
		t.Run(fmt.Sprint(bad), func(t *testing.T) {
			x, y, train, vars := fusedNet(AdamOptimizer(1e-3))
			s := NewSession()
			s.Run(GlobalVariablesInitializer(), nil)
			bx, by := sparseBatch(128, 1)
			s.Run(train, Feed{x: bx, y: by})
			var before []*Tensor
			for _, v := range vars {
				before = append(before, s.Value(v))
			}
			bad1, _ := sparseBatch(128, 2)
			bad1.data[100] = bad
			err := catch(func() { s.Run(train, Feed{x: bad1, y: by}) })
			want := "loss is" // NaN and infinite pixels make the loss so
			if bad == 3e38 {
				want = "refused: the gradient" // finite loss, the first layer's gradient too large
			}
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("a batch with %v: error %v, want %q", bad, err, want)
			}
			var after []*Tensor
			for _, v := range vars {
				after = append(after, s.Value(v))
			}
			if d := sameBits(after, before); d != "" {
				t.Fatalf("a refused step changed %s", d)
			}
			if got := s.Steps(train); got != 1 {
				t.Errorf("Steps = %d after a refused step, want 1", got)
			}
			s.Run(train, Feed{x: bx, y: by})
			if got := s.Steps(train); got != 2 {
				t.Errorf("Steps = %d after a good step, want 2", got)
			}
		})
	}
}

// TestFusedUpdateLargeGradient scales the loss so that the first layer's
// output gradient is beyond the bound on dy (the images are within theirs):
// at 1e10 the gradient passes the check, takes the unfused path and gives the
// same bits; at 1e17 it is refused, with no variable changed.
func TestFusedUpdateLargeGradient(t *testing.T) {
	useSparse(t, true)
	net := func(scale float64) (x, train, w *Node) {
		ResetDefaultGraph()
		Seed(5)
		x = Placeholder(None, 784)
		w = Variable(TruncatedNormal([]int{784, 100}, 0.1))
		loss := ReduceSum(Mul(MatMul(x, w), ScalarConst(scale)))
		return x, GradientDescentOptimizer(1e-30).Minimize(loss), w
	}
	bx, _ := sparseBatch(128, 4)
	run := func(fused bool, scale float64) (*Tensor, bool, error) {
		useFused(t, fused)
		x, train, w := net(scale)
		s := NewSession()
		s.Run(GlobalVariablesInitializer(), nil)
		err := catch(func() { s.Run(train, Feed{x: bx}) })
		took := false
		for _, p := range s.plans {
			for _, tp := range p.trains {
				took = took || len(tp.fused) > 0 && tp.fused[0].active
			}
		}
		return s.Value(w), took, err
	}
	want, _, err := run(false, 1e10)
	got, took, err2 := run(true, 1e10)
	if err != nil || err2 != nil {
		t.Fatalf("scale 1e10: errors %v, %v", err, err2)
	}
	if took {
		t.Error("a step with dy beyond the bound was fused")
	}
	if d := sameBits([]*Tensor{got}, []*Tensor{want}); d != "" {
		t.Fatalf("scale 1e10: %s", d)
	}
	x, train, w := net(1e17)
	useFused(t, true)
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	before := s.Value(w)
	err = catch(func() { s.Run(train, Feed{x: bx}) })
	if err == nil || !strings.Contains(err.Error(), "refused: the gradient") {
		t.Fatalf("scale 1e17: error %v, want the gradient refused", err)
	}
	if d := sameBits([]*Tensor{s.Value(w)}, []*Tensor{before}); d != "" {
		t.Fatalf("a refused step changed %s", d)
	}
}

// TestFusedUpdateCheckpoint trains with fused updates, saves after two
// steps, restores into a new session and trains two more: the variables
// equal those of four steps in one session, bit for bit (the moments saved
// are whole, though the steps wrote them a block at a time).
func TestFusedUpdateCheckpoint(t *testing.T) {
	useSparse(t, true)
	useFused(t, true)
	path := t.TempDir() + "/fused.safetensors"
	steps := func(s *Session, x, y, train *Node, from, n int) {
		for i := from; i < from+n; i++ {
			bx, by := sparseBatch(128, i)
			s.Run(train, Feed{x: bx, y: by})
		}
	}
	x, y, train, vars := fusedNet(AdamOptimizer(1e-3))
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	steps(s, x, y, train, 0, 4)
	var want []*Tensor
	for _, v := range vars {
		want = append(want, s.Value(v))
	}

	x, y, train, _ = fusedNet(AdamOptimizer(1e-3))
	s = NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	steps(s, x, y, train, 0, 2)
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	x, y, train, vars = fusedNet(AdamOptimizer(1e-3))
	s = NewSession()
	if err := s.Restore(path); err != nil {
		t.Fatal(err)
	}
	steps(s, x, y, train, 2, 2)
	var got []*Tensor
	for _, v := range vars {
		got = append(got, s.Value(v))
	}
	if d := sameBits(got, want); d != "" {
		t.Fatalf("resumed training differs from uninterrupted: %s", d)
	}
}

// TestFusedUpdateInterrupt stops training with fused updates at several
// moments: the variables are exactly those of the completed steps, as an
// uninterrupted run of that many steps gives them, and the fused path was
// taken.
func TestFusedUpdateInterrupt(t *testing.T) {
	useSparse(t, true)
	useFused(t, true)
	bx, by := sparseBatch(128, 9)
	for _, delay := range []time.Duration{0, time.Millisecond, 7 * time.Millisecond, 20 * time.Millisecond} {
		x, y, train, vars := fusedNet(AdamOptimizer(1e-3))
		feed := Feed{x: bx, y: by}
		s := NewSession()
		s.Run(GlobalVariablesInitializer(), nil)
		if _, err := trainUntilCancel(s, train, feed, delay); err != ErrInterrupted {
			t.Fatalf("delay %v: err = %v, want ErrInterrupted", delay, err)
		}
		ClearInterrupt()
		took := false
		for _, p := range s.plans {
			for _, tp := range p.trains {
				for _, f := range tp.fused {
					took = took || f.active
				}
			}
		}
		k := s.Steps(train)
		if k > 0 && !took {
			t.Fatalf("delay %v: %d steps, none fused", delay, k)
		}
		var got []*Tensor
		for _, v := range vars {
			got = append(got, s.Value(v))
		}
		x, y, train, vars = fusedNet(AdamOptimizer(1e-3))
		ref := NewSession()
		ref.Run(GlobalVariablesInitializer(), nil)
		for range k {
			ref.Run(train, Feed{x: bx, y: by})
		}
		var want []*Tensor
		for _, v := range vars {
			want = append(want, ref.Value(v))
		}
		if d := sameBits(got, want); d != "" {
			t.Fatalf("delay %v, after %d steps and an interrupt: %s", delay, k, d)
		}
	}
}
