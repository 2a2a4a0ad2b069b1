package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/nnlab/nnlab/jupyter/wire"
)

// errInputInterrupted is what a read of stdin returns when the cell waiting
// for input was interrupted.
var errInputInterrupted = errors.New("interrupted while waiting for input")

// stdin is the user's standard input: when a cell reads and nothing is
// buffered, it asks the front end that sent the cell for a line with an
// input_request on the stdin socket, and waits for the input_reply. When
// the front end does not allow stdin (allow_stdin false, as for nbclient),
// reads see end of file.
type stdin struct {
	k       *Kernel
	replies chan *wire.Message // input_reply messages from the stdin socket

	mu      sync.Mutex
	buf     []byte
	last    []byte // the last rune read, for UnreadRune; nil for none
	parent  *wire.Message
	allowed bool
	ctx     context.Context
}

func newStdin(k *Kernel) *stdin {
	return &stdin{k: k, replies: make(chan *wire.Message, 1), ctx: context.Background()}
}

// setParent makes the cell of request parent, running with ctx, the one
// that reads; input typed for an earlier cell is dropped.
func (s *stdin) setParent(ctx context.Context, parent *wire.Message, allowed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ctx, s.parent, s.allowed, s.buf, s.last = ctx, parent, allowed, nil, nil
}

// fill asks the front end for a line; s.mu is held.
func (s *stdin) fill() error {
	if !s.allowed || s.parent == nil {
		return io.EOF
	}
	for {
		select {
		case <-s.replies: // a late reply to an earlier request
			continue
		default:
		}
		break
	}
	s.k.send(s.k.stdin, s.parent, "input_request", map[string]any{"prompt": "", "password": false})
	select {
	case m := <-s.replies:
		var c struct {
			Value string `json:"value"`
		}
		json.Unmarshal(m.Content, &c)
		s.buf = append(s.buf, c.Value+"\n"...)
		return nil
	case <-s.ctx.Done():
		return errInputInterrupted
	}
}

// Read implements io.Reader.
func (s *stdin) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.buf) == 0 {
		if err := s.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	s.last = nil
	return n, nil
}

// ReadRune implements io.RuneScanner, so that fmt.Scan leaves what follows
// a value for the next read.
func (s *stdin) ReadRune() (rune, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !utf8.FullRune(s.buf) {
		if err := s.fill(); err != nil {
			if len(s.buf) > 0 && err == io.EOF {
				break
			}
			return 0, 0, err
		}
	}
	r, n := utf8.DecodeRune(s.buf)
	s.last = append(s.last[:0], s.buf[:n]...)
	s.buf = s.buf[n:]
	return r, n, nil
}

// UnreadRune implements io.RuneScanner.
func (s *stdin) UnreadRune() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		return errors.New("stdin: UnreadRune without ReadRune")
	}
	s.buf = append(append([]byte(nil), s.last...), s.buf...)
	s.last = nil
	return nil
}
