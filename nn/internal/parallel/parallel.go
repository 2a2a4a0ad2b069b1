// Package parallel runs the parallel parts of nn's kernels (matrix
// products, element-wise passes, convolution, pooling, batch norm, the
// optimizer updates and batching) on one pool of helper goroutines, so that
// the goroutines working never outnumber the cores.
//
// The helpers live for the rest of the process and poll for work for a few
// hundred microseconds before parking, so that a training step, which hands
// out work every few hundred microseconds, rarely waits for one to wake.
// A panic in a part is passed on to the caller once every goroutine has
// finished with the task, so no helper is left writing the caller's buffers.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// threadSetting is the value of SetThreads; 0 means runtime.GOMAXPROCS(0).
var threadSetting atomic.Int32

// SetThreads sets how many goroutines one kernel may use. n <= 0 restores
// the default, runtime.GOMAXPROCS(0). The effective number is never more
// than GOMAXPROCS at the time of the call.
func SetThreads(n int) {
	if n < 0 {
		n = 0
	}
	if n > 1<<16 {
		n = 1 << 16
	}
	threadSetting.Store(int32(n))
}

// Threads reports how many goroutines one kernel currently uses.
func Threads() int {
	p := runtime.GOMAXPROCS(0)
	if t := int(threadSetting.Load()); t > 0 && t < p {
		return t
	}
	return p
}

// Parts is work split into numbered parts that may run concurrently.
type Parts interface{ RunPart(part int) }

// Run calls r.RunPart(0), ..., r.RunPart(parts-1) and returns when all
// have returned: the caller runs some, the pool's helpers the others. If a
// part panics, Run panics with the first such value once every goroutine
// has stopped working on r (the other parts may or may not have run).
func Run(parts int, r Parts) {
	if parts <= 1 {
		if parts == 1 {
			r.RunPart(0)
		}
		return
	}
	j := partsPool.Get().(*partsJob)
	j.r, j.parts = r, parts
	j.next.Store(0)
	j.Share(j, parts-1)
	j.r = nil
	partsPool.Put(j)
}

// partsJob is one Run call shared by the goroutines working on it.
type partsJob struct {
	r     Parts
	parts int
	next  atomic.Int32
	Crew
}

var partsPool = sync.Pool{New: func() any { return new(partsJob) }}

// Work claims parts until none are left.
func (j *partsJob) Work() {
	for {
		i := int(j.next.Add(1)) - 1
		if i >= j.parts {
			return
		}
		j.r.RunPart(i)
	}
}

// Task is work shared among goroutines by Crew.Share: each goroutine calls
// Work, which claims pieces of the work until none are left. A task embeds
// the Crew that counts its goroutines.
type Task interface {
	Work()
	crew() *Crew
}

// Crew counts the helpers still working on a task and keeps the first
// panic of one; tasks embed it. A Crew is reusable once Share returns.
type Crew struct {
	wg    sync.WaitGroup
	left  atomic.Int32 // the same count, for spinning
	mu    sync.Mutex
	panic any // the first panic of a goroutine working on the task
}

func (c *Crew) crew() *Crew { return c }

// finished records that a helper is done with the task.
func (c *Crew) finished() { c.left.Add(-1); c.wg.Done() }

// work runs t.Work, recording a panic instead of dying.
func (c *Crew) work(t Task) {
	defer c.catch()
	t.Work()
}

func (c *Crew) catch() {
	if r := recover(); r != nil {
		c.mu.Lock()
		if c.panic == nil {
			c.panic = r
		}
		c.mu.Unlock()
	}
}

// Share runs t on the caller and on helpers helper goroutines, and returns
// when all have finished with it; c is t's crew. If t.Work panicked on any
// of them, Share then panics with the first value.
func (c *Crew) Share(t Task, helpers int) {
	c.panic = nil
	if helpers > 0 {
		startWorkers(helpers)
		c.wg.Add(helpers)
		c.left.Store(int32(helpers))
		for range helpers {
			workCh <- t
		}
	}
	c.work(t)
	if helpers > 0 {
		// Spin at first: the helpers often finish within microseconds.
		for i := 0; i < waitSpins && c.left.Load() > 0; i++ {
		}
		c.wg.Wait()
	}
	if p := c.panic; p != nil {
		c.panic = nil
		panic(p)
	}
}

// spinIters bounds how long (a few hundred microseconds) an idle helper
// polls for its next task, and a caller for its helpers, before parking:
// waking a parked goroutine takes tens of microseconds on virtual machines,
// as long as the tutorial's smaller products, and a training step hands out
// work every few hundred microseconds.
const spinIters = 2000

// waitSpins is the same bound for a caller's plain loop on an atomic load.
const waitSpins = 200000

// nextTask returns the next task for a helper, polling before blocking.
func nextTask() Task {
	for range spinIters {
		select {
		case t := <-workCh:
			return t
		default:
			runtime.Gosched() // let other goroutines of this P run
		}
	}
	return <-workCh
}

// workCh feeds tasks to the persistent helper goroutines.
var (
	workCh    = make(chan Task, 64)
	workersMu sync.Mutex
	nWorkers  int
	nStarted  atomic.Int32 // nWorkers, readable without the lock
)

// startWorkers makes sure at least n helper goroutines exist. They live for
// the rest of the process, blocked on workCh when idle.
func startWorkers(n int) {
	if int(nStarted.Load()) >= n {
		return
	}
	workersMu.Lock()
	for nWorkers < n {
		go func() {
			for {
				t := nextTask()
				c := t.crew()
				c.work(t)
				c.finished()
			}
		}()
		nWorkers++
	}
	nStarted.Store(int32(nWorkers))
	workersMu.Unlock()
}

// Stopper is a task's cancellation: the caller's stop function and
// whether any goroutine of the task has seen it return true. Tasks embed
// it and poll Interrupted between pieces of work.
type Stopper struct {
	stop    func() bool
	stopped atomic.Bool
}

// SetStop starts a new task with stop (nil for none) as its stop function.
// stop is polled from every goroutine working on the task, so it must be
// safe for concurrent use.
func (s *Stopper) SetStop(stop func() bool) {
	s.stop = stop
	s.stopped.Store(false)
}

// Interrupted polls the stop function; it reports true once any goroutine
// of the task has seen it return true.
func (s *Stopper) Interrupted() bool {
	if s.stopped.Load() {
		return true
	}
	if s.stop != nil && s.stop() {
		s.stopped.Store(true)
		return true
	}
	return false
}

// Stopped reports whether the task was interrupted, without polling.
func (s *Stopper) Stopped() bool { return s.stopped.Load() }
