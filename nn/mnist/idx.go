package mnist

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/nnlab/nnlab/internal/infile"
)

// MaxIDXElements is the default cap on the number of values one IDX file
// may declare (100 million; the MNIST training images hold 47 million).
const MaxIDXElements int = 100_000_000

// maxIDXRank bounds the number of dimensions an IDX header may declare.
const maxIDXRank = 8

// IDX type codes (the third byte of the magic number).
const idxUint8 = 0x08

// IDX is the content of one IDX file: the dimensions from its header and
// its values, one byte each (MNIST files are unsigned bytes, type 0x08).
type IDX struct {
	Dims []int  // e.g. [60000 28 28] for the training images
	Data []byte // row-major values, len(Data) == product of Dims
}

// FormatError reports an IDX file (or stream) that is truncated, corrupt or
// declares more data than allowed. File is empty for an unnamed stream.
type FormatError struct {
	File string
	Msg  string
}

func (e *FormatError) Error() string {
	if e.File == "" {
		return "mnist: invalid IDX data: " + e.Msg
	}
	return "mnist: " + e.File + ": invalid IDX data: " + e.Msg
}

func formatErr(format string, args ...any) error {
	return &FormatError{Msg: fmt.Sprintf(format, args...)}
}

// ReadIDX reads one uncompressed IDX file from r. It checks the magic
// number, the type byte (only 0x08, unsigned byte, is supported), the
// rank and every dimension, and refuses a header declaring more than
// maxElements values (MaxIDXElements if maxElements <= 0) before
// allocating anything in proportion to it; the value buffer then grows
// only as data actually arrives. Missing or surplus data after the
// declared values is an error. All failures are *FormatError (or the
// reader's own error); ReadIDX never panics on hostile input.
func ReadIDX(r io.Reader, maxElements int) (*IDX, error) {
	if maxElements <= 0 {
		maxElements = MaxIDXElements
	}
	var magic [4]byte
	if n, err := io.ReadFull(r, magic[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, formatErr("file too short for an IDX header (%d of 4 magic bytes)", n)
		}
		return nil, readErr(err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, formatErr("bad magic number %#02x%02x%02x%02x (an IDX file starts with two zero bytes, a type byte and a rank byte)",
			magic[0], magic[1], magic[2], magic[3])
	}
	if magic[2] != idxUint8 {
		return nil, formatErr("unsupported value type %#02x (only 0x08, unsigned byte, is supported)", magic[2])
	}
	rank := int(magic[3])
	if rank == 0 || rank > maxIDXRank {
		return nil, formatErr("rank %d out of range [1,%d]", rank, maxIDXRank)
	}
	hdr := make([]byte, 4*rank)
	if n, err := io.ReadFull(r, hdr); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, formatErr("header truncated: %d of %d dimension bytes", n, len(hdr))
		}
		return nil, readErr(err)
	}
	dims := make([]int, rank)
	total := 1
	for i := range dims {
		d := int(binary.BigEndian.Uint32(hdr[4*i:]))
		dims[i] = d
		if d > maxElements {
			return nil, formatErr("dimension %d is %d, more than the limit of %d values", i, d, maxElements)
		}
		total *= d // both factors <= maxElements (< 2^31): no overflow in int64
		if total > maxElements {
			return nil, formatErr("dimensions %v declare more than the limit of %d values", dims[:i+1], maxElements)
		}
	}
	data, err := readExactly(r, total)
	if err != nil {
		return nil, err
	}
	return &IDX{Dims: dims, Data: data}, nil
}

// readExactly reads exactly n bytes and then expects the end of the stream.
// The buffer starts small and doubles as data arrives, so a header that
// lies about its size costs no more memory than the data really present.
func readExactly(r io.Reader, n int) ([]byte, error) {
	const chunk = 64 << 10
	buf := make([]byte, 0, min(n, chunk))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(n, 2*cap(buf)))
			copy(grown, buf)
			buf = grown
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			if len(buf) < n {
				return nil, formatErr("data truncated: header declares %d values, file holds %d", n, len(buf))
			}
			break
		}
		if err != nil {
			return nil, readErr(err)
		}
	}
	// The declared values are all there; the stream must end now. Reading
	// on also makes a gzip reader verify its checksum.
	var one [1]byte
	for range 100 {
		m, err := r.Read(one[:])
		if m > 0 {
			return nil, formatErr("more data than the %d values the header declares", n)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, readErr(err)
		}
	}
	return nil, formatErr("reader returns no data and no end of file")
}

// readErr turns a decompression failure into a FormatError and passes
// other reader errors (I/O) through.
func readErr(err error) error {
	var corrupt flate.CorruptInputError
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &corrupt) {
		return formatErr("corrupt compressed data: %v", err)
	}
	return err
}

// ReadIDXStream reads an IDX file from r, gzip-compressed or not (told
// apart by the gzip magic bytes, not by the name). The decompressed read
// is bounded by the size the header declares, so a gzip bomb costs no
// more than maxElements bytes.
func ReadIDXStream(r io.Reader, maxElements int) (*IDX, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, formatErr("corrupt gzip header: %v", err)
		}
		return ReadIDX(zr, maxElements)
	}
	return ReadIDX(br, maxElements)
}

// ReadIDXFile reads the IDX file at path, gzip-compressed or not. Errors
// name the file.
func ReadIDXFile(path string, maxElements int) (*IDX, error) {
	f, _, err := infile.Open(path, infile.MaxData)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	defer f.Close()
	x, err := ReadIDXStream(f, maxElements)
	if err != nil {
		return nil, nameFile(err, path)
	}
	return x, nil
}

// nameFile puts the file name into an error from the IDX reader.
func nameFile(err error, path string) error {
	var fe *FormatError
	if errors.As(err, &fe) {
		return &FormatError{File: path, Msg: fe.Msg}
	}
	return fmt.Errorf("mnist: %s: %w", path, err)
}
