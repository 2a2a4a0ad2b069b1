package nn

import (
	"io"

	"github.com/nnlab/nnlab/internal/atomicfile"
	"github.com/nnlab/nnlab/nn/safetensors"
)

// writeCheckpoint writes a checkpoint atomically, and stops with
// ErrInterrupted (the temporary file removed, the old file intact) when
// Interrupt is called while the tensors are being written: a save of
// hundreds of megabytes must not outlive a Ctrl-C. pending says that an
// interrupt was already pending when the save started (Interrupted() at
// its start): that is a save made because of the interrupt (Fit keeps
// its progress so), and it is not stopped. Once the data is written the
// save is not stopped either: the file is replaced.
func writeCheckpoint(path string, tensors []safetensors.Tensor, meta map[string]string, pending bool) error {
	if !pending && Interrupted() {
		return ErrInterrupted // before a temporary file exists
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		return safetensors.Encode(stopWriter{w, pending}, tensors, meta)
	})
}

// stopWriter fails its writes once Interrupt has been called, checking
// every megabyte of a large write (one tensor is one write), unless an
// interrupt was pending already.
type stopWriter struct {
	w       io.Writer
	pending bool
}

func (s stopWriter) Write(p []byte) (int, error) {
	const chunk = 1 << 20
	n := 0
	for len(p) > 0 {
		if !s.pending && Interrupted() {
			return n, ErrInterrupted
		}
		k, err := s.w.Write(p[:min(len(p), chunk)])
		n += k
		if err != nil {
			return n, err
		}
		p = p[k:]
	}
	return n, nil
}
