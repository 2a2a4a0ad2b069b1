package runtime

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// runCounter is yaegi's run counter. yaegi v0.16.1 stops a run by adding
// one to it; every frame copies the counter when it is made, and
// interpreted code runs only while its frame's copy is current. A func
// value made before a stop (a closure, a range-over-func iterator) keeps
// its frame, and with it the old copy, for good: without help every later
// call of it would return at once, doing nothing. Once nothing of the
// stopped run can go on, the session puts the counter back (see
// Session.resume), and the old func values run again.
type runCounter struct{ p *uint64 }

// newRunCounter finds in's counter. If a yaegi version names or types it
// otherwise, the counter is absent and stops are never undone
// (TestRunCounterFound fails first).
func newRunCounter(in *interp.Interpreter) runCounter {
	f := reflect.ValueOf(in).Elem().FieldByName("id")
	if !f.IsValid() || f.Kind() != reflect.Uint64 {
		return runCounter{}
	}
	return runCounter{(*uint64)(unsafe.Pointer(f.UnsafeAddr()))}
}

func (c runCounter) load() uint64 {
	if c.p == nil {
		return 0
	}
	return atomic.LoadUint64(c.p)
}

func (c runCounter) store(v uint64) {
	if c.p != nil {
		atomic.StoreUint64(c.p, v)
	}
}

// stopSignal is closed when the running cell is stopped, and replaced by an
// open one once the stop is dealt with (see Session.execute). Waits that interpreted code makes
// in compiled calls of nnlab's own (time.Sleep) end on it, so a cell that
// sleeps stops at once instead of being left behind.
type stopSignal struct {
	mu sync.Mutex
	ch chan struct{}
}

// current returns the channel a wait started now should end on.
func (s *stopSignal) current() chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}

// fire closes the current channel: every wait on it ends.
func (s *stopSignal) fire() {
	ch := s.current()
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// rearm replaces a fired channel by an open one.
func (s *stopSignal) rearm() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch != nil {
		select {
		case <-s.ch:
			s.ch = nil
		default:
		}
	}
}

// sleep is time.Sleep for interpreted code: it ends early when a cell is
// stopped, once yaegi has counted the stop (else the rest of the cell
// could run to its end before yaegi stops it).
func (s *Session) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	run := s.runs.load()
	stop := s.stop.current()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return
	case <-stop:
	}
	for start := time.Now(); s.runs.p != nil && s.runs.load() == run && time.Since(start) < resumeQuiet; {
		time.Sleep(100 * time.Microsecond)
	}
}

// resumeQuiet is how long resume waits for goroutines of the stopped run
// that are still computing to notice the stop.
const resumeQuiet = 100 * time.Millisecond

// resume undoes a stop once the stopped cell's goroutine has ended: the run
// counter goes back to base, its value before the cell ran, so that func
// values made before the stop run again. Goroutines of the user's that
// were computing at the stop end at their next statement; resume first
// waits (up to resumeQuiet) until none is still running interpreted code,
// as they would otherwise go on. One that was waiting (for a channel, a
// lock) goes on when its wait ends, as a Python thread outlives a
// KeyboardInterrupt.
func (s *Session) resume(base uint64) {
	if s.runs.p == nil || s.runs.load() == base {
		return
	}
	self := goid()
	for start := time.Now(); time.Since(start) < resumeQuiet; time.Sleep(time.Millisecond) {
		if !interpretedBusy(self) {
			break
		}
	}
	s.runs.store(base)
}

// interpretedBusy reports whether a goroutine other than self is running
// or ready to run interpreted code. Cells parked for good (see hookLive)
// are not.
func interpretedBusy(self uint64) bool {
	for _, g := range allStacks() {
		head, _, _ := strings.Cut(g, "\n")
		f := strings.Fields(head)
		if len(f) < 3 || f[0] != "goroutine" {
			continue
		}
		if f[1] == strconv.FormatUint(self, 10) {
			continue
		}
		state := strings.Trim(f[2], "[],:")
		if state != "running" && state != "runnable" {
			continue
		}
		if strings.Contains(g, "github.com/traefik/yaegi/interp.") && !strings.Contains(g, ".hookLive(") {
			return true
		}
	}
	return false
}
