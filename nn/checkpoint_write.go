package nn

import (
	"io"

	"github.com/nnlab/nnlab/nn/safetensors"
)

// writeCheckpoint writes a checkpoint atomically, and stops with
// ErrInterrupted (the temporary file removed, the old file intact) when
// Interrupt is called while the tensors are being written: a save of
// hundreds of megabytes must not outlive a Ctrl-C. Once the data is
// written the save is not stopped: the file is replaced.
func writeCheckpoint(path string, tensors []safetensors.Tensor, meta map[string]string) error {
	return safetensors.WriteFileAtomic(path, func(w io.Writer) error {
		return safetensors.Encode(stopWriter{w}, tensors, meta)
	})
}

// stopWriter fails its writes once Interrupt has been called, checking
// every megabyte of a large write (one tensor is one write).
type stopWriter struct{ w io.Writer }

func (s stopWriter) Write(p []byte) (int, error) {
	const chunk = 1 << 20
	n := 0
	for len(p) > 0 {
		if Interrupted() {
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
