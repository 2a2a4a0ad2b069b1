package safetensors

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/nnlab/nnlab/internal/atomicfile"
	"github.com/nnlab/nnlab/internal/infile"
	"github.com/nnlab/nnlab/internal/memlimit"
)

// ReadFile reads and decodes the safetensors file at path. It reads the
// 8-byte header length first and checks it against the file size and
// MaxHeaderSize before allocating; it then reads the file once into a
// single buffer that the returned tensors' Data slices alias.
func ReadFile(path string) (*File, error) {
	// Read whole, the file must fit in memory; a FIFO is refused before
	// it is opened (which would block).
	f, _, err := infile.Open(path, int64(memlimit.Limit()))
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("safetensors: %s is not a regular file", path)
	}
	size := st.Size()
	if size < 8 {
		return nil, fmt.Errorf("safetensors: %s: file is %d bytes, shorter than the 8-byte header length", path, size)
	}
	var prefix [8]byte
	if _, err := io.ReadFull(f, prefix[:]); err != nil {
		return nil, fmt.Errorf("safetensors: %s: read header length: %w", path, err)
	}
	n := binary.LittleEndian.Uint64(prefix[:])
	if n > uint64(size-8) {
		return nil, fmt.Errorf("safetensors: %s: header length %d exceeds the %d bytes after the length prefix", path, n, size-8)
	}
	if n > MaxHeaderSize {
		return nil, fmt.Errorf("safetensors: %s: header length %d exceeds the maximum %d", path, n, MaxHeaderSize)
	}
	if uint64(size) != uint64(int(size)) {
		return nil, fmt.Errorf("safetensors: %s: file of %d bytes is too large for this platform", path, size)
	}
	buf := make([]byte, size)
	copy(buf, prefix[:])
	if _, err := io.ReadFull(f, buf[8:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("safetensors: %s: file shrank while reading", path)
		}
		return nil, fmt.Errorf("safetensors: %s: %w", path, err)
	}
	file, err := Decode(buf)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return file, nil
}

// WriteFile atomically writes tensors and metadata to path in safetensors
// format (see Encode), atomically (see atomicfile.Write): on failure, any
// previous file at path is left intact. A new file gets permissions 0644.
func WriteFile(path string, tensors []Tensor, metadata map[string]string) error {
	// Validate before touching the file system.
	if _, err := encodeHeader(tensors, metadata); err != nil {
		return err
	}
	if err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		return Encode(w, tensors, metadata)
	}); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}
