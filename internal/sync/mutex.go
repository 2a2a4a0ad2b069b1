// Package sync holds the mutexes that nnlab's interpreter gives user code in
// place of the standard library's. They behave as sync.Mutex and
// sync.RWMutex, except that unlocking one that is not locked panics, which a
// cell recovers from, where the standard library's throws a fatal error that
// no program can recover from and that would end the whole session.
package sync

import (
	"sync"
	"sync/atomic"
)

// Mutex is a mutual exclusion lock; its zero value is unlocked.
// A Mutex must not be copied after first use.
type Mutex struct {
	mu     sync.Mutex
	locked atomic.Bool
}

// Lock locks m, waiting until it is available.
func (m *Mutex) Lock() {
	m.mu.Lock()
	m.locked.Store(true)
}

// TryLock locks m if it is free and reports whether it did.
func (m *Mutex) TryLock() bool {
	if !m.mu.TryLock() {
		return false
	}
	m.locked.Store(true)
	return true
}

// Unlock unlocks m. It panics if m is not locked.
func (m *Mutex) Unlock() {
	if !m.locked.CompareAndSwap(true, false) {
		panic("sync: unlock of unlocked mutex")
	}
	m.mu.Unlock()
}

// RWMutex is a reader/writer mutual exclusion lock; its zero value is
// unlocked. An RWMutex must not be copied after first use.
type RWMutex struct {
	rw      sync.RWMutex
	writer  atomic.Bool
	readers atomic.Int64
}

// Lock locks rw for writing, waiting until no reader or writer holds it.
func (rw *RWMutex) Lock() {
	rw.rw.Lock()
	rw.writer.Store(true)
}

// TryLock locks rw for writing if it is free and reports whether it did.
func (rw *RWMutex) TryLock() bool {
	if !rw.rw.TryLock() {
		return false
	}
	rw.writer.Store(true)
	return true
}

// Unlock unlocks rw for writing. It panics if rw is not locked for writing.
func (rw *RWMutex) Unlock() {
	if !rw.writer.CompareAndSwap(true, false) {
		panic("sync: Unlock of unlocked RWMutex")
	}
	rw.rw.Unlock()
}

// RLock locks rw for reading.
func (rw *RWMutex) RLock() {
	rw.rw.RLock()
	rw.readers.Add(1)
}

// TryRLock locks rw for reading if no writer holds it and reports whether
// it did.
func (rw *RWMutex) TryRLock() bool {
	if !rw.rw.TryRLock() {
		return false
	}
	rw.readers.Add(1)
	return true
}

// RUnlock undoes one RLock. It panics if rw is not locked for reading.
func (rw *RWMutex) RUnlock() {
	for {
		n := rw.readers.Load()
		if n <= 0 {
			panic("sync: RUnlock of unlocked RWMutex")
		}
		if rw.readers.CompareAndSwap(n, n-1) {
			break
		}
	}
	rw.rw.RUnlock()
}

// RLocker returns a Locker whose Lock and Unlock call rw.RLock and
// rw.RUnlock.
func (rw *RWMutex) RLocker() sync.Locker { return rlocker{rw} }

type rlocker struct{ rw *RWMutex }

func (r rlocker) Lock()   { r.rw.RLock() }
func (r rlocker) Unlock() { r.rw.RUnlock() }
