package sync

import (
	"sync"
	"testing"
)

// mustPanic reports whether f panicked with want.
func mustPanic(t *testing.T, name, want string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != want {
			t.Errorf("%s: recovered %v, want panic %q", name, r, want)
		}
	}()
	f()
}

func TestMisuseIsAPanic(t *testing.T) {
	var m Mutex
	mustPanic(t, "Unlock of a new Mutex", "sync: unlock of unlocked mutex", m.Unlock)
	held := 0
	m.Lock()
	held++
	m.Unlock()
	mustPanic(t, "second Unlock", "sync: unlock of unlocked mutex", m.Unlock)
	if !m.TryLock() || m.TryLock() {
		t.Error("TryLock: want true on a free mutex, false on a held one")
	}
	m.Unlock()

	var rw RWMutex
	mustPanic(t, "RUnlock of a new RWMutex", "sync: RUnlock of unlocked RWMutex", rw.RUnlock)
	mustPanic(t, "Unlock of a new RWMutex", "sync: Unlock of unlocked RWMutex", rw.Unlock)
	rw.RLock()
	rw.RLock()
	if rw.TryLock() {
		t.Error("TryLock succeeded while readers hold the lock")
	}
	mustPanic(t, "Unlock while read-locked", "sync: Unlock of unlocked RWMutex", rw.Unlock)
	rw.RUnlock()
	rw.RUnlock()
	mustPanic(t, "third RUnlock", "sync: RUnlock of unlocked RWMutex", rw.RUnlock)
	rw.Lock()
	if rw.TryRLock() {
		t.Error("TryRLock succeeded while a writer holds the lock")
	}
	rw.Unlock()
	l := rw.RLocker()
	l.Lock()
	held++
	l.Unlock()
	if held != 2 {
		t.Errorf("held %d times, want 2", held)
	}
	mustPanic(t, "RLocker Unlock", "sync: RUnlock of unlocked RWMutex", l.Unlock)
}

// TestMutualExclusion: the mutexes still exclude (run with -race too).
func TestMutualExclusion(t *testing.T) {
	var m Mutex
	var rw RWMutex
	var wg sync.WaitGroup
	n, r := 0, 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 1000; j++ {
				m.Lock()
				n++
				m.Unlock()
				rw.Lock()
				r++
				rw.Unlock()
				rw.RLock()
				_ = r
				rw.RUnlock()
			}
		}()
	}
	wg.Wait()
	if n != 8000 || r != 8000 {
		t.Errorf("counts %d, %d; want 8000", n, r)
	}
}
