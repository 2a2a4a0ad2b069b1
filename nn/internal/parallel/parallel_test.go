package parallel

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// counter counts the calls of each part; panicAt (if >= 0) panics.
type counter struct {
	calls   []atomic.Int32
	panicAt int
}

func (c *counter) RunPart(i int) {
	c.calls[i].Add(1)
	if i == c.panicAt {
		panic(i)
	}
}

func TestRunCallsEveryPartOnce(t *testing.T) {
	for _, parts := range []int{0, 1, 2, 3, 7, 64, 200} {
		c := &counter{calls: make([]atomic.Int32, parts), panicAt: -1}
		Run(parts, c)
		for i := range c.calls {
			if n := c.calls[i].Load(); n != 1 {
				t.Fatalf("Run(%d): part %d ran %d times", parts, i, n)
			}
		}
	}
}

// TestRunPassesPanicsOn makes each part in turn panic: Run must panic with
// its value on the caller, after every other part has finished, and the
// pool must keep working afterwards.
func TestRunPassesPanicsOn(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	const parts = 8
	for at := range parts {
		c := &counter{calls: make([]atomic.Int32, parts), panicAt: at}
		got := func() (r any) {
			defer func() { r = recover() }()
			Run(parts, c)
			return nil
		}()
		if got != at {
			t.Fatalf("part %d panicked; Run panicked with %v", at, got)
		}
		for i := range c.calls {
			if n := c.calls[i].Load(); n > 1 {
				t.Fatalf("part %d ran %d times", i, n)
			}
		}
	}
	c := &counter{calls: make([]atomic.Int32, parts), panicAt: -1}
	Run(parts, c)
	for i := range c.calls {
		if c.calls[i].Load() != 1 {
			t.Fatalf("after the panics, part %d ran %d times", i, c.calls[i].Load())
		}
	}
}

// stopTask is a task whose pieces poll its Stopper.
type stopTask struct {
	pieces, done atomic.Int32
	Stopper
	Crew
}

func (s *stopTask) Work() {
	for s.pieces.Add(-1) >= 0 {
		if s.Interrupted() {
			return
		}
		s.done.Add(1)
	}
}

func TestStopper(t *testing.T) {
	var calls atomic.Int32
	stop := func() bool { return calls.Add(1) > 3 }
	s := new(stopTask)
	s.pieces.Store(1000)
	s.SetStop(stop)
	s.Share(s, 1)
	if !s.Stopped() {
		t.Fatal("Stopped is false after the stop function returned true")
	}
	if d := s.done.Load(); d != 3 {
		t.Errorf("%d pieces done, want the 3 before stop returned true", d)
	}
	// A new task on the same Stopper starts afresh.
	s.pieces.Store(10)
	s.done.Store(0)
	s.SetStop(nil)
	s.Share(s, 1)
	if s.Stopped() || s.done.Load() != 10 {
		t.Errorf("without a stop function: stopped %v, %d of 10 pieces done", s.Stopped(), s.done.Load())
	}
}

func TestThreads(t *testing.T) {
	defer SetThreads(0)
	p := runtime.GOMAXPROCS(0)
	for _, tc := range []struct{ set, want int }{
		{0, p}, {-3, p}, {1, 1}, {p + 5, p}, {1 << 20, p},
	} {
		SetThreads(tc.set)
		if got := Threads(); got != tc.want {
			t.Errorf("SetThreads(%d): Threads() = %d, want %d", tc.set, got, tc.want)
		}
	}
}

// TestRunAllocatesNothing: a training step runs hundreds of these.
func TestRunAllocatesNothing(t *testing.T) {
	c := &counter{calls: make([]atomic.Int32, 4), panicAt: -1}
	if n := testing.AllocsPerRun(100, func() { Run(4, c) }); n != 0 {
		t.Errorf("Run allocates %v times per call", n)
	}
}
