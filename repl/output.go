package repl

import (
	"io"
	"sync"
)

// screen is the pair of output streams that the REPL and its session share.
// It remembers whether the output stopped in the middle of a line, so the
// next prompt can start on a line of its own. While the user is at a prompt,
// it sends output (from a goroutine that a cell started) through readline,
// which redraws the prompt and the line being typed below it.
type screen struct {
	mu             sync.Mutex
	stdout, stderr io.Writer
	// promptOut and promptErr replace stdout and stderr while atPrompt.
	promptOut, promptErr io.Writer
	atPrompt             bool
	midLine              bool // the last byte written was not a newline
}

// stream is one of a screen's two streams.
type stream struct {
	s      *screen
	stderr bool
}

func (w stream) Write(p []byte) (int, error) {
	s := w.s
	s.mu.Lock()
	defer s.mu.Unlock()
	target := s.stdout
	switch {
	case s.atPrompt && w.stderr:
		target = s.promptErr
	case s.atPrompt:
		target = s.promptOut
	case w.stderr:
		target = s.stderr
	}
	n, err := target.Write(p)
	if n > 0 {
		s.midLine = p[n-1] != '\n'
	}
	return n, err
}

// setPrompt says whether the user is at a prompt, and which writers to use
// then (nil: the usual ones).
func (s *screen) setPrompt(at bool, stdout, stderr io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.atPrompt = at && stdout != nil
	s.promptOut, s.promptErr = stdout, stderr
}

// endLine ends a line that the output left open.
func (s *screen) endLine() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.midLine {
		io.WriteString(s.stdout, "\n")
		s.midLine = false
	}
}
