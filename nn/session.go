package nn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Feed maps placeholders to the values they take in one run. A value may
// be a *Tensor, a number (for a scalar), []float32, [][]float32, or their
// float64 forms (numpy's default type), converted to float32. A single
// example ([784]) fed to a batch placeholder ([?,784]) becomes a batch of one.
type Feed map[*Node]any

// Session runs a graph. It owns the values of the variables and the
// optimizers' state, so they stay alive between runs and a training loop can
// be run again, with changed hyperparameters, on the same model.
type Session struct {
	mu    sync.Mutex
	g     *Graph
	vars  map[*Node]*Tensor
	slots map[*Node]*[2][]float32 // optimizer state per variable
	steps map[*Node]int           // steps taken per training op
	plans map[string]*plan
	rng   *rand.Rand // dropout masks
	src   *rand.PCG  // rng's state, saved in checkpoints
	// closed is set by Close: runs and restores fail.
	closed bool

	// cancelled is set when the running run's context is done, and stop,
	// the method value s.stopped made once, is the run's stop function
	// handed to every kernel. Runs hold mu, so one flag per session is one
	// per run, and a cancel reaches only its own run. A flag rather than
	// ctx.Err() because kernels poll it from every core between blocks.
	cancelled atomic.Bool
	// work is the interrupt generation of the running run (see StartWork).
	work atomic.Uint64
	stop func() bool

	// Scratch reused by every run, so a training step allocates nothing.
	key  []byte
	fed  map[*Node]*Tensor
	nums map[*Node]*Tensor // numbers fed to scalar placeholders
	ids  []int
	one  [1]*Node
	res  [1]*Tensor
}

// NewSession returns a session on the default graph.
func NewSession() *Session { return NewSessionOn(DefaultGraph()) }

// NewSessionOn returns a session on g.
func NewSessionOn(g *Graph) *Session {
	src := NewSource("dropout")
	return &Session{g: g, vars: map[*Node]*Tensor{}, slots: map[*Node]*[2][]float32{},
		steps: map[*Node]int{}, plans: map[string]*plan{}, rng: rand.New(src), src: src,
		fed: map[*Node]*Tensor{}, nums: map[*Node]*Tensor{}}
}

// String summarises the session: its graph, initialised variables and steps taken.
func (s *Session) String() string {
	if s == nil {
		return "<nil session>"
	}
	if s.g == nil {
		// A zero Session{} (not made by NewSession) has no graph.
		return "Session(no graph: make sessions with nn.NewSession)"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "Session(closed)"
	}
	params := 0
	for _, t := range s.vars {
		params += len(t.data)
	}
	steps := 0
	for _, n := range s.steps {
		steps += n
	}
	return fmt.Sprintf("Session(%s, %s initialised, %s, %s)",
		plural(len(s.g.Nodes()), "node"), plural(len(s.vars), "variable"), plural(params, "parameter"), plural(steps, "training step"))
}

// Close releases what the session holds, as TensorFlow 1's sess.close():
// its variables' values, the optimizers' state and its buffers. The graph
// is not changed; a new session on it starts afresh. Run and Restore on a
// closed session fail; closing again does nothing.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.vars, s.slots, s.steps, s.plans = map[*Node]*Tensor{}, map[*Node]*[2][]float32{}, map[*Node]int{}, map[string]*plan{}
	return nil
}

// errClosed is the error of a use of a closed session.
func errClosed(op string) *Error {
	return &Error{Op: op, Msg: "the session is closed (sess.Close was called): make a new one with nn.NewSession()"}
}

// Run computes fetch with the placeholders set from feed and returns its
// value, or nil for an operation such as a training step. A scalar prints as
// a plain number; Float returns it as a float64. Problems (an unfed
// placeholder, a shape mismatch, an uninitialised variable) panic with an
// *Error naming the op; the REPL reports them as one line.
func (s *Session) Run(fetch *Node, feed Feed) *Tensor {
	work := StartWork() // from before the lock (see RunContext)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.one[0] = fetch
	if err := s.safeRun(context.Background(), work, s.one[:], feed, s.res[:]); err != nil {
		panic(err)
	}
	return s.res[0]
}

// RunAll is Run for several fetches at once, computed in one pass:
// loss and accuracy on the same batch, or a training step and its loss.
func (s *Session) RunAll(fetches []*Node, feed Feed) []*Tensor {
	out, err := s.RunContext(context.Background(), fetches, feed)
	if err != nil {
		panic(err)
	}
	return out
}

// RunContext is RunAll returning errors instead of panicking, and stopping
// early when ctx is cancelled or Interrupt is called. Cancelling ctx stops
// this run only: concurrent runs of other sessions go on. A stopped training
// step changes nothing: variables are updated only after every gradient is
// ready, and the update itself is never interrupted.
func (s *Session) RunContext(ctx context.Context, fetches []*Node, feed Feed) ([]*Tensor, error) {
	work := StartWork() // from before the lock, as model.Fit does
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Tensor, len(fetches))
	if err := s.safeRun(ctx, work, fetches, feed, out); err != nil {
		return nil, err
	}
	return out, nil
}

// stopped is the run's stop function: the run's context is done, or the
// program asked all nn work to stop (Interrupt, the REPL's Ctrl-C). It is
// polled from kernel goroutines, so it must stay cheap and safe for
// concurrent use.
func (s *Session) stopped() bool {
	return s.cancelled.Load() || (Work{s.work.Load()}).Interrupted()
}

// checkStop panics with ErrInterrupted if the run was asked to stop.
func (s *Session) checkStop() {
	if s.stopped() {
		panic(ErrInterrupted)
	}
}

// safeRun runs with s.mu held and turns an *Error panic into an error.
func (s *Session) safeRun(ctx context.Context, work Work, fetches []*Node, feed Feed, out []*Tensor) (err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	if ctx.Err() != nil {
		return ErrInterrupted
	}
	if s.stop == nil {
		s.stop = s.stopped
	}
	s.work.Store(work.gen)
	if ctx.Done() != nil {
		// AfterFunc runs its function on another goroutine: wait for it
		// before clearing the flag, so a late cancel cannot stop the
		// session's next run.
		fired := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			s.cancelled.Store(true)
			close(fired)
		})
		defer func() {
			if !stop() {
				<-fired
			}
			s.cancelled.Store(false)
		}()
	}
	s.run(fetches, feed, out)
	return nil
}

func (s *Session) run(fetches []*Node, feed Feed, out []*Tensor) {
	if s.closed {
		panic(errClosed("Session.Run"))
	}
	for i, f := range fetches {
		if f == nil {
			panic(&Error{Op: "Session.Run", Msg: fmt.Sprintf("fetch %d is nil", i)})
		}
		if f.g != s.g {
			panic(&Error{Op: "Session.Run", Msg: fmt.Sprintf("%s is not in this session's graph (was the default graph reset after the session was made?)", f)})
		}
	}
	fed := s.fed
	clear(fed)
	for n, v := range feed {
		if n == nil || n.kind != kindPlaceholder {
			panic(&Error{Op: "Session.Run", Msg: fmt.Sprintf("can only feed placeholders, not %s", n)})
		}
		fed[n] = s.feedValue(n, v)
	}
	s.plan(fetches, fed).execute(s, fed, out)
}

// feedValue converts a fed Go value to a tensor matching placeholder n.
func (s *Session) feedValue(n *Node, v any) *Tensor {
	var t *Tensor
	switch x := v.(type) {
	case *Tensor:
		t = x
	case float64:
		t = s.number(n, x)
	case float32:
		t = s.number(n, float64(x))
	case int:
		t = s.number(n, float64(x))
	case []float32:
		t = NewTensor(x, len(x))
	case []float64:
		t = Zeros(len(x))
		for i, f := range x {
			t.data[i] = float32(f)
		}
	case [][]float32:
		t = FromRows(x)
	case [][]float64: // numpy's default type
		rows := make([][]float32, len(x))
		for i, r := range x {
			rows[i] = make([]float32, len(r))
			for j, f := range r {
				rows[i][j] = float32(f)
			}
		}
		t = FromRows(rows)
	default:
		panic(&Error{Op: "Session.Run", Msg: fmt.Sprintf("cannot feed a %T to %s", v, n)})
	}
	if t == nil {
		panic(&Error{Op: "Session.Run", Msg: fmt.Sprintf("nil tensor fed to %s", n)})
	}
	if len(t.shape)+1 == len(n.shape) && n.shape[0] == None {
		t = t.Reshape(append([]int{1}, t.shape...)...)
	}
	ok := len(t.shape) == len(n.shape)
	for i := 0; ok && i < len(t.shape); i++ {
		ok = dimsMatch(n.shape[i], t.shape[i])
	}
	if !ok {
		panic(&Error{Op: "Session.Run", Msg: fmt.Sprintf("%s fed a value of shape %s", n, FormatShape(t.shape))})
	}
	return t
}

// number returns a scalar tensor holding v, reusing one per placeholder.
func (s *Session) number(n *Node, v float64) *Tensor {
	t := s.nums[n]
	if t == nil {
		t = Scalar(v)
		s.nums[n] = t
	}
	t.data[0] = float32(v)
	return t
}

// plan is a compiled schedule for one set of fetches and fed shapes: the
// nodes to compute in order, with their output and gradient buffers
// allocated once, so that repeated training steps allocate nothing.
type plan struct {
	execs   []*exec
	index   map[*Node]int
	inputs  [][]int // per exec: indices of its inputs in execs
	fetches []int
	trains  []*trainPlan
	updates []int // execs of stepUpdaters that the training steps reach
}

type trainPlan struct {
	node     *Node
	loss     int
	backward []int          // execs in reverse order that need a gradient
	vars     []int          // execs of the variables updated
	grads    []*Tensor      // all gradient buffers
	clear    []*Tensor      // those zeroed before each step (the others are overwritten)
	fused    []*fusedUpdate // variables a sparse product may update itself
}

// fusedActive reports whether variable exec e is updated by a fused
// product this step (and so is neither checked nor updated on its own).
func (tp *trainPlan) fusedActive(e *exec) bool {
	for _, f := range tp.fused {
		if f.active && f.v == e {
			return true
		}
	}
	return false
}

const maxPlans = 16

func (s *Session) plan(fetches []*Node, fed map[*Node]*Tensor) *plan {
	// The key: fetched node ids and the shapes of fed placeholders.
	k := s.key[:0]
	for _, f := range fetches {
		k = strconv.AppendInt(append(k, ','), int64(f.id), 10)
	}
	ids := s.ids[:0]
	for n := range fed {
		ids = append(ids, n.id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		for n, t := range fed {
			if n.id == id {
				k = strconv.AppendInt(append(k, '|'), int64(id), 10)
				for _, d := range t.shape {
					k = strconv.AppendInt(append(k, ':'), int64(d), 10)
				}
			}
		}
	}
	s.key, s.ids = k, ids
	if p, ok := s.plans[string(k)]; ok {
		return p
	}
	p := s.buildPlan(fetches, fed)
	if len(s.plans) >= maxPlans {
		clear(s.plans)
	}
	s.plans[string(k)] = p
	return p
}

func (s *Session) buildPlan(fetches []*Node, fed map[*Node]*Tensor) *plan {
	p := &plan{index: map[*Node]int{}}
	var trains []*Node
	for _, n := range ancestors(fetches) {
		e := &exec{node: n, rng: s.rng, stop: s.stop}
		if n.kind == kindOp {
			e.state = newState(n.op)
		}
		p.index[n] = len(p.execs)
		p.execs = append(p.execs, e)
		ins := make([]int, len(n.inputs))
		shapes := make([][]int, len(n.inputs))
		for i, in := range n.inputs {
			ins[i] = p.index[in]
			if x := p.execs[ins[i]].out; x != nil {
				shapes[i] = x.shape
			}
		}
		p.inputs = append(p.inputs, ins)
		e.in = make([]*Tensor, len(n.inputs))
		switch n.kind {
		case kindPlaceholder:
			t, ok := fed[n]
			if !ok {
				panic(&Error{Op: "Session.Run", Msg: fmt.Sprintf("placeholder %s must be fed a value", n)})
			}
			e.out = t
		case kindVariable:
			t, ok := s.vars[n]
			if !ok {
				panic(&Error{Op: "Session.Run", Msg: fmt.Sprintf("%s is not initialised: run nn.GlobalVariablesInitializer() in this session first", variableName(n))})
			}
			e.out = t
		case kindConstant:
			e.out = n.value
		case kindOp:
			shape, err := n.op.shape(shapes)
			if err != nil {
				panic(&Error{Op: n.name, Msg: err.Error()})
			}
			e.out = &Tensor{shape: shape, data: newFloats(n.name, shape), dtype: n.dtype}
		case kindTrain:
			trains = append(trains, n) // built once every op is fused
		}
	}
	for _, f := range fetches {
		p.fetches = append(p.fetches, p.index[f])
	}
	p.fuse(fetches)
	for _, n := range trains {
		p.trains = append(p.trains, s.buildTrain(p, n))
	}
	// Each stepUpdater on the way to a trained loss is updated once.
	reached := map[*Node]bool{}
	for _, tp := range p.trains {
		for _, a := range ancestors([]*Node{tp.node.train.loss}) {
			if _, ok := a.op.(stepUpdater); ok && !reached[a] {
				reached[a] = true
				p.updates = append(p.updates, p.index[a])
			}
		}
	}
	if len(p.trains) > 1 {
		// Training ops share gradient buffers: accumulate into cleared ones.
		for _, e := range p.execs {
			clear(e.overwrite)
		}
		for _, tp := range p.trains {
			tp.clear = tp.grads
		}
	}
	return p
}

func (s *Session) buildTrain(p *plan, n *Node) *trainPlan {
	ts := n.train
	tp := &trainPlan{node: n, loss: p.index[ts.loss]}
	// A node needs a gradient if it is differentiable and lies on a path
	// from a variable to the loss; placeholders never do.
	needs := map[*Node]bool{}
	for _, a := range ancestors([]*Node{ts.loss}) {
		if a.kind == kindVariable {
			needs[a] = !a.frozen // moving statistics are not trained
			continue
		}
		if a.kind != kindOp || !a.diff {
			continue
		}
		for j, in := range a.inputs {
			if needs[in] && gradFlows(a.op, j) {
				needs[a] = true
			}
		}
	}
	order := ancestors([]*Node{ts.loss})
	for i := len(order) - 1; i >= 0; i-- {
		a := order[i]
		if !needs[a] {
			continue
		}
		e := p.execs[p.index[a]]
		if e.grad == nil && e.gradOf != nil && e.gradOf.grad != nil {
			e.grad = e.gradOf.grad // see plan.fuse
		}
		if e.grad == nil {
			e.grad = &Tensor{shape: e.out.shape, data: make([]float32, len(e.out.data))}
		}
		tp.grads = append(tp.grads, e.grad)
		if a.kind == kindVariable {
			tp.vars = append(tp.vars, p.index[a])
			continue
		}
		e.inGrad = make([]*Tensor, len(a.inputs))
		tp.backward = append(tp.backward, p.index[a])
	}
	// Gradient buffers of inputs are linked after every node has one.
	contributors := map[*Tensor]int{}
	for _, i := range tp.backward {
		e := p.execs[i]
		for j, in := range e.node.inputs {
			if j == 0 && e.passGrad && p.execs[p.index[in]].grad == e.grad {
				continue // the input's gradient buffer is this op's own
			}
			if needs[in] && gradFlows(e.node.op, j) {
				e.inGrad[j] = p.execs[p.index[in]].grad
				contributors[e.inGrad[j]]++
			}
		}
	}
	// A buffer that one op fills completely (a matmul with beta 0) needs
	// no clearing before each step: 2 MB less to zero for the tutorial.
	filled := map[*Tensor]bool{}
	for _, i := range tp.backward {
		e := p.execs[i]
		o, ok := e.node.op.(overwriter)
		e.overwrite = make([]bool, len(e.inGrad))
		for j, g := range e.inGrad {
			if ok && g != nil && contributors[g] == 1 && o.canOverwrite(j) {
				e.overwrite[j], filled[g] = true, true
			}
		}
	}
	tp.clear = nil
	for _, g := range tp.grads {
		if !filled[g] {
			tp.clear = append(tp.clear, g)
		}
	}
	tp.fused = fusedUpdates(p, tp, contributors)
	return tp
}

func (p *plan) execute(s *Session, fed map[*Node]*Tensor, out []*Tensor) {
	for i, e := range p.execs {
		n := e.node
		switch n.kind {
		case kindPlaceholder:
			e.out = fed[n]
		case kindVariable:
			e.out = s.vars[n]
		case kindInit:
			s.initVariables()
		case kindOp:
			for j, k := range p.inputs[i] {
				e.in[j] = p.execs[k].out
			}
			s.checkStop()
			if !e.fused {
				n.op.forward(e)
			}
		}
	}
	for _, tp := range p.trains {
		s.trainStep(p, tp)
	}
	for _, i := range p.updates {
		p.execs[i].node.op.(stepUpdater).afterStep(p.execs[i])
	}
	for i, k := range p.fetches {
		out[i] = nil
		if e := p.execs[k]; e.out != nil && e.node.kind != kindTrain {
			out[i] = e.out.Clone()
		}
	}
}

func (s *Session) trainStep(p *plan, tp *trainPlan) {
	for _, g := range tp.clear {
		clear(g.data)
	}
	loss := p.execs[tp.loss]
	if v := loss.out.data[0]; math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
		panic(&Error{Op: tp.node.name, Msg: fmt.Sprintf("loss is %v at step %d; lower the learning rate or check the inputs (variables unchanged)", v, s.steps[tp.node]+1)})
	}
	checkStep(tp, s.steps[tp.node]+1)
	loss.grad.data[0] = 1
	for _, f := range tp.fused {
		f.begin()
	}
	for _, i := range tp.backward {
		s.checkStop()
		p.execs[i].node.op.backward(p.execs[i])
	}
	for _, f := range tp.fused {
		f.settle()
	}
	s.checkStop()
	checkGradients(p, tp, s.steps[tp.node]+1)
	// From here on the step completes: variables and slots change together.
	s.steps[tp.node]++
	t := s.steps[tp.node]
	opt := tp.node.train.opt
	for _, f := range tp.fused {
		if f.active {
			f.run(opt, s.slotsOf(f.v.node), t)
		}
	}
	// tp.vars is in the order backward finished their gradients, which
	// checkGradients has just read in that order: updating the last first
	// finds its gradient (the first layer's, the largest, when it is not
	// fused) still in cache.
	for _, i := range slices.Backward(tp.vars) {
		e := p.execs[i]
		if tp.fusedActive(e) {
			continue
		}
		sl := s.slotsOf(e.node)
		opt.initSlots(sl, len(e.out.data))
		opt.update(e.out.data, e.grad.data, *sl, t)
	}
}

// slotsOf returns the optimizer state of variable v, creating it empty.
func (s *Session) slotsOf(v *Node) *[2][]float32 {
	sl := s.slots[v]
	if sl == nil {
		sl = new([2][]float32)
		s.slots[v] = sl
	}
	return sl
}

// initVariables (re)sets every variable of the graph to its initial value,
// in place where it exists so that cached plans stay valid, and forgets
// optimizer state.
func (s *Session) initVariables() {
	for _, v := range s.g.Variables() {
		t := s.vars[v]
		if t == nil {
			t = Zeros(v.init.shape...)
			s.vars[v] = t
		}
		v.init.fill(t.data, NewRand("init/"+fmt.Sprint(v.id)))
	}
	clear(s.slots)
	clear(s.steps)
}

// Value returns a copy of a variable's current value.
func (s *Session) Value(v *Node) *Tensor {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.vars[v]
	if !ok {
		panic(&Error{Op: "Session.Value", Msg: fmt.Sprintf("%s is not an initialised variable of this session", v)})
	}
	return t.Clone()
}

// Steps returns how many training steps have been run with train (a
// Minimize op) since the variables were last initialised.
func (s *Session) Steps(train *Node) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.steps[train]
}

// Variables lists the initialised variables by name with their shapes.
func (s *Session) Variables() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, v := range s.g.Variables() {
		if t, ok := s.vars[v]; ok {
			fmt.Fprintf(&b, "%s %s\n", v.name, FormatShape(t.shape))
		}
	}
	return b.String()
}
