package kernel

import (
	"sync"
	"time"
	"unicode/utf8"

	"github.com/nnlab/nnlab/jupyter/wire"
)

// streamDelay is how long output may wait before it is sent: a loop that
// prints every step sends a few messages a second, not one per line, so
// the front end and the kernel stay responsive.
const streamDelay = 50 * time.Millisecond

// streamMax is the buffered output that is sent at once, without waiting.
const streamMax = 64 << 10

// stream is the user's stdout or stderr: it batches what is written and
// sends it to iopub as stream messages whose parent is the request being
// run.
type stream struct {
	k    *Kernel
	name string

	mu     sync.Mutex
	buf    []byte
	parent *wire.Message
	timer  *time.Timer
	done   bool
}

func newStream(k *Kernel, name string) *stream {
	return &stream{k: k, name: name}
}

// Write buffers p and makes sure it is sent within streamDelay.
func (s *stream) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	switch {
	case len(s.buf) >= streamMax:
		s.flushLocked()
	case s.timer == nil && !s.done:
		s.timer = time.AfterFunc(streamDelay, s.Flush)
	}
	return len(p), nil
}

// setParent sends what is buffered, then makes parent the request that
// later output answers.
func (s *stream) setParent(parent *wire.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushLocked()
	s.parent = parent
}

// Flush sends the buffered output.
func (s *stream) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushLocked()
}

func (s *stream) flushLocked() {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	// A multi-byte character cut by a write waits for its other bytes.
	n := len(s.buf)
	for i := 1; i <= utf8.UTFMax && i <= n; i++ {
		if utf8.RuneStart(s.buf[n-i]) {
			if !utf8.FullRune(s.buf[n-i:]) && i < utf8.UTFMax {
				n -= i
			}
			break
		}
	}
	if n == 0 {
		return
	}
	text := string(s.buf[:n])
	s.buf = append(s.buf[:0], s.buf[n:]...)
	s.k.publish(s.parent, "stream", map[string]any{"name": s.name, "text": text})
}

// stop sends what is left and sends nothing later.
func (s *stream) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushLocked()
	if len(s.buf) > 0 { // a cut character: send its bytes as they are
		s.k.publish(s.parent, "stream", map[string]any{"name": s.name, "text": string(s.buf)})
		s.buf = nil
	}
	s.done = true
}
