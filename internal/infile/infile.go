// Package infile opens files that come from outside (scripts, images, data
// sets, checkpoints) with the checks every reader of them needs first: the
// path names a regular file (not /dev/zero, a FIFO that blocks forever, or
// a directory) no larger than a stated limit.
package infile

import (
	"fmt"
	"io"
	"os"

	"github.com/nnlab/nnlab/internal/memlimit"
)

// Limits for the kinds of file nnlab reads whole.
const (
	MaxSource = 16 << 20 // a Go script for :run or :load
	MaxImage  = 64 << 20 // an image for LoadImage
	MaxData   = 4 << 30  // an IDX data set file (read streaming)
)

// Open opens path for reading after checking that it is a regular file of
// at most max bytes. The checks happen before the open, so that a FIFO is
// refused instead of blocking, and again on the opened file.
func Open(path string, max int64) (*os.File, os.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if err := check(path, st, max); err != nil {
		return nil, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	if st, err = f.Stat(); err == nil {
		err = check(path, st, max)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

func check(path string, st os.FileInfo, max int64) error {
	if !st.Mode().IsRegular() {
		what := "not a regular file"
		switch {
		case st.IsDir():
			what = "a directory, not a regular file"
		case st.Mode()&os.ModeDevice != 0:
			what = "a device, not a regular file"
		case st.Mode()&os.ModeNamedPipe != 0:
			what = "a named pipe, not a regular file"
		}
		return fmt.Errorf("%s is %s", path, what)
	}
	if st.Size() > max {
		return fmt.Errorf("%s is %s, more than the limit of %s for this kind of file",
			path, memlimit.FormatBytes(uint64(st.Size())), memlimit.FormatBytes(uint64(max)))
	}
	return nil
}

// ReadFile is os.ReadFile with Open's checks. It reads at most max bytes
// even if the file grows while it is read.
func ReadFile(path string, max int64) ([]byte, error) {
	f, st, err := Open(path, max)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 0, st.Size()+1)
	b, err = readAtMost(f, b, max)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

func readAtMost(r io.Reader, b []byte, max int64) ([]byte, error) {
	lr := &io.LimitedReader{R: r, N: max + 1}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := lr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > max {
			return nil, fmt.Errorf("grew past the limit of %s while being read", memlimit.FormatBytes(uint64(max)))
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
