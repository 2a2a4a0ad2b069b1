//go:build !unix

package repl

import (
	"errors"
	"time"
)

// drawTTY is not available here: :draw reads the terminal with poll(2).
type drawTTY struct{}

func openDrawTTY() (*drawTTY, error) {
	return nil, errors.New("drawing needs a Unix terminal (Linux, macOS, BSD)")
}

func (*drawTTY) read(time.Duration) ([]byte, error) { return nil, errors.New("no terminal") }

func (*drawTTY) restore() error { return nil }

func terminalSize() (rows, cols int, ok bool) { return 0, 0, false }
