package nn

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// refuseNet is three variables, a (40 floats), b (1007) and c (65), with
// a loss whose gradient the feeds set element by element:
//
//	loss = Σ a·pa + Σ b·pb + Σ c·pc + Σ (b·q)² - Σ (b·r)²
//
// so d loss/d b = pb + 2(b·q)q - 2(b·r)r. b starts at 1e-38: q = 3e38 at
// an element makes its gradient +Inf while the loss stays finite (b·q =
// 3), and r = q as well makes it Inf - Inf = NaN.
type refuseNet struct {
	a, b, c, pa, pb, pc, q, r, loss *Node
}

func newRefuseNet() *refuseNet {
	ResetDefaultGraph()
	n := &refuseNet{
		a: Variable(Constant(0.5, []int{40})).Named("a"),
		b: Variable(Constant(1e-38, []int{1007})).Named("b"),
		c: Variable(Constant(-0.25, []int{65})).Named("c"),
	}
	n.pa, n.pb, n.pc = Placeholder(40), Placeholder(1007), Placeholder(65)
	n.q, n.r = Placeholder(1007), Placeholder(1007)
	n.loss = Add(Add(Add(ReduceSum(Mul(n.a, n.pa)), ReduceSum(Mul(n.b, n.pb))), ReduceSum(Mul(n.c, n.pc))),
		Sub(ReduceSum(Square(Mul(n.b, n.q))), ReduceSum(Square(Mul(n.b, n.r)))))
	return n
}

// feed gives ordinary gradients (sin-shaped, all finite and small) and
// then applies bad to the feeds.
func (n *refuseNet) feed(bad func(pa, pb, pc, q, r []float32)) Feed {
	mk := func(k int, phase float64) []float32 {
		x := make([]float32, k)
		for i := range x {
			x[i] = float32(math.Sin(float64(i) + phase))
		}
		return x
	}
	pa, pb, pc := mk(40, 0), mk(1007, 1), mk(65, 2)
	// b stays 1e-38 where q and r may go, so that b·q stays 3.
	for _, i := range qAt {
		pb[i] = 0
	}
	q, r := make([]float32, 1007), make([]float32, 1007)
	if bad != nil {
		bad(pa, pb, pc, q, r)
	}
	return Feed{n.pa: NewTensor(pa, 40), n.pb: NewTensor(pb, 1007), n.pc: NewTensor(pc, 65), n.q: NewTensor(q, 1007), n.r: NewTensor(r, 1007)}
}

// qAt are the elements of b where the cases below set q and r.
var qAt = []int{0, 1001, 1006}

// sessionState is every value a training step may change: the variables,
// the optimizer's slots and the step count.
func sessionState(s *Session, train *Node) string {
	var b strings.Builder
	for _, v := range s.g.Variables() {
		fmt.Fprintf(&b, "%s=%x\n", v.name, s.vars[v].data)
		if sl := s.slots[v]; sl != nil {
			fmt.Fprintf(&b, "%s slots=%x %x\n", v.name, sl[0], sl[1])
		}
	}
	fmt.Fprintf(&b, "steps=%d\n", s.steps[train])
	return b.String()
}

// A gradient that is NaN, infinite or too large to apply, anywhere in any
// variable (the last element, the tail past the vector width, the second
// of three variables), refuses the step with a message naming the
// variable and the element, and changes no variable, slot or step count;
// the next good step runs.
func TestBadGradientRefusedWholeStep(t *testing.T) {
	opts := []struct {
		name string
		opt  func() Optimizer
	}{
		{"Adam", func() Optimizer { return AdamOptimizer(0.01) }},
		{"Momentum", func() Optimizer { return MomentumOptimizer(0.01, 0.9) }},
		{"GradientDescent", func() Optimizer { return GradientDescentOptimizer(0.01) }},
	}
	cases := []struct {
		name string
		bad  func(pa, pb, pc, q, r []float32)
		want string // in the message
	}{
		{"NaN in the last element of b", func(_, _, _, q, r []float32) { q[1006], r[1006] = 3e38, 3e38 }, `"b" is NaN at element 1006`},
		{"+Inf in b's tail past 64", func(_, _, _, q, _ []float32) { q[1001] = 3e38 }, `"b" is +Inf at element 1001`},
		{"+Inf in b's first element", func(_, _, _, q, _ []float32) { q[0] = 3e38 }, `"b" is +Inf at element 0`},
		{"too large in b's middle", func(_, pb, _, _, _ []float32) { pb[500] = -1e30 }, `"b" is -1e+30 at element 500`},
		{"too large in the last of a", func(pa, _, _, _, _ []float32) { pa[39] = 2e18 }, `"a" is 2e+18 at element 39`},
		{"too large in the last of c", func(_, _, pc, _, _ []float32) { pc[64] = 1e19 }, `"c" is 1e+19 at element 64`},
		{"a and c both bad", func(pa, _, pc, _, _ []float32) { pa[7], pc[3] = 1e20, 1e20 }, `is 1e+20 at element`},
	}
	for _, o := range opts {
		for _, c := range cases {
			t.Run(o.name+"/"+c.name, func(t *testing.T) {
				n := newRefuseNet()
				train := o.opt().Minimize(n.loss)
				s := NewSession()
				s.Run(GlobalVariablesInitializer(), nil)
				s.Run(train, n.feed(nil)) // slots and a step count to keep
				before := sessionState(s, train)
				_, err := s.RunContext(t.Context(), []*Node{train}, n.feed(c.bad))
				if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "unchanged") {
					t.Fatalf("err = %v, want it to contain %q and say the variables are unchanged", err, c.want)
				}
				if after := sessionState(s, train); after != before {
					t.Fatalf("state changed by a refused step:\nbefore %.300s\nafter  %.300s", before, after)
				}
				if _, err := s.RunContext(t.Context(), []*Node{train}, n.feed(nil)); err != nil {
					t.Fatalf("the next good step: %v", err)
				}
				if got := s.Steps(train); got != 2 {
					t.Errorf("Steps = %d after good, refused, good; want 2", got)
				}
				if after := sessionState(s, train); after == before {
					t.Error("the good step after the refused one changed nothing")
				}
			})
		}
	}
}

// The loss stays finite in every case above, so the refusal comes from the
// gradient check and not from the check of the loss.
func TestRefuseNetLossFinite(t *testing.T) {
	n := newRefuseNet()
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	f := n.feed(func(_, _, _, q, r []float32) { q[1006], r[1006], q[1001] = 3e38, 3e38, 3e38 })
	out := s.Run(n.loss, f)
	if v := out.data[0]; math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
		t.Fatalf("loss = %v, want it finite", v)
	}
}
