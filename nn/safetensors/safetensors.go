// Package safetensors reads and writes the safetensors file format
// (https://github.com/huggingface/safetensors) using plain Go types, so it
// can be used without the rest of nnlab.
//
// A safetensors file is laid out as:
//
//	[8 bytes]  N, little-endian uint64: the length of the JSON header
//	[N bytes]  UTF-8 JSON object, optionally padded with trailing spaces
//	[rest]     raw little-endian tensor data
//
// The header maps each tensor name to {"dtype", "shape", "data_offsets"},
// where data_offsets = [begin, end] are byte offsets relative to the start
// of the data section, plus an optional "__metadata__" object of
// string → string. The data section must be covered exactly by the tensors:
// contiguous, non-overlapping, no holes, and end == len(data).
//
// Decode and ReadFile validate every header field against the size of the
// input before allocating anything based on it, so a hostile or truncated
// file yields an error, never a panic or an outsized allocation.
package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"unicode/utf8"
)

// MaxHeaderSize is the largest JSON header, in bytes, that Decode and
// ReadFile accept (the same limit as the reference implementation).
const MaxHeaderSize = 100_000_000

// MaxRank is the largest number of dimensions a tensor may have. It keeps
// a hostile header from making Decode allocate many times its own size.
const MaxRank = 64

// metadataKey is the reserved header key holding the string metadata.
const metadataKey = "__metadata__"

// headerAlign is the alignment writers pad the header to, so that the data
// section starts on an 8-byte boundary.
const headerAlign = 8

// dtypeSizes maps every dtype this package understands to its size in bytes.
var dtypeSizes = map[string]int{
	"BOOL":    1,
	"U8":      1,
	"I8":      1,
	"F8_E5M2": 1,
	"F8_E4M3": 1,
	"F8_E8M0": 1,
	"I16":     2,
	"U16":     2,
	"F16":     2,
	"BF16":    2,
	"I32":     4,
	"U32":     4,
	"F32":     4,
	"I64":     8,
	"U64":     8,
	"F64":     8,
	"C64":     8,
}

// DTypeSize returns the size in bytes of one element of dtype (for example
// 4 for "F32", 2 for "BF16"), or 0 if the dtype is unknown. Dtype names are
// case-sensitive, as in the format.
func DTypeSize(dtype string) int { return dtypeSizes[dtype] }

// Tensor is one named tensor: its dtype (a safetensors name such as "F32"),
// its shape, and its raw little-endian bytes. A shape of length 0 is a
// scalar holding one element.
//
// Tensors returned by Decode and ReadFile share Data with the decoded
// buffer; copy Data before modifying it if the buffer is shared.
type Tensor struct {
	Name  string
	DType string
	Shape []int
	Data  []byte
}

// File is the decoded contents of a safetensors file.
type File struct {
	// Tensors are in the order their data appears in the file.
	Tensors []Tensor
	// Metadata is the optional "__metadata__" object; nil if absent.
	Metadata map[string]string
}

// Lookup returns the tensor with the given name and whether it exists.
func (f *File) Lookup(name string) (Tensor, bool) {
	for _, t := range f.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return Tensor{}, false
}

// F32 returns a float32 tensor named name with the given shape, holding
// values encoded little-endian. Shape and values are copied. It does not
// check that len(values) matches the shape; Encode and Validate do.
func F32(name string, shape []int, values []float32) Tensor {
	data := make([]byte, 4*len(values))
	for i, v := range values {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(v))
	}
	return Tensor{Name: name, DType: "F32", Shape: slices.Clone(shape), Data: data}
}

// NumElements returns the number of elements the tensor's shape holds
// (1 for a scalar), or an error if a dimension is negative, the rank
// exceeds MaxRank, or the product overflows.
func (t Tensor) NumElements() (int, error) {
	n, err := numElements(t.Shape)
	if err != nil {
		return 0, t.errorf("%v", err)
	}
	return n, nil
}

// Validate checks that the tensor has a non-empty name, a known dtype, a
// valid shape, and exactly as many data bytes as the shape requires.
func (t Tensor) Validate() error {
	if t.Name == "" {
		return errors.New("safetensors: tensor with empty name")
	}
	if t.Name == metadataKey {
		return fmt.Errorf("safetensors: tensor name %q is reserved", metadataKey)
	}
	_, err := t.byteSize(uint64(len(t.Data)))
	if err != nil {
		return err
	}
	return nil
}

// byteSize validates dtype and shape and checks that the tensor needs
// exactly have bytes; it returns the size in bytes.
func (t Tensor) byteSize(have uint64) (uint64, error) {
	size := DTypeSize(t.DType)
	if size == 0 {
		return 0, t.errorf("unknown dtype %q", t.DType)
	}
	n, err := numElements(t.Shape)
	if err != nil {
		return 0, t.errorf("%v", err)
	}
	hi, need := bits.Mul64(uint64(n), uint64(size))
	if hi != 0 {
		return 0, t.errorf("shape %v of %s overflows the byte size", t.Shape, t.DType)
	}
	if need != have {
		return 0, t.errorf("shape %v needs %d bytes, data has %d", t.Shape, need, have)
	}
	return need, nil
}

// Float32s returns the tensor's values converted to float32. F32 values are
// returned exactly; F64, F16 and BF16 are converted (F64 rounds to nearest).
// Other dtypes return an error.
func (t Tensor) Float32s() ([]float32, error) {
	if _, err := t.byteSize(uint64(len(t.Data))); err != nil {
		return nil, err
	}
	d := t.Data
	switch t.DType {
	case "F32":
		out := make([]float32, len(d)/4)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(d[4*i:]))
		}
		return out, nil
	case "F64":
		out := make([]float32, len(d)/8)
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(d[8*i:])))
		}
		return out, nil
	case "BF16":
		out := make([]float32, len(d)/2)
		for i := range out {
			out[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(d[2*i:])) << 16)
		}
		return out, nil
	case "F16":
		out := make([]float32, len(d)/2)
		for i := range out {
			out[i] = halfToFloat32(binary.LittleEndian.Uint16(d[2*i:]))
		}
		return out, nil
	}
	return nil, t.errorf("cannot convert dtype %s to float32", t.DType)
}

// halfToFloat32 converts an IEEE 754 binary16 value to float32 exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN; keep the payload.
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // Subnormal: value = frac × 2^-24.
		v := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}

func (t Tensor) errorf(format string, args ...any) error {
	return fmt.Errorf("safetensors: tensor %q: %s", t.Name, fmt.Sprintf(format, args...))
}

// numElements returns the product of shape, checking for negative
// dimensions, excessive rank and overflow. Any zero dimension makes the
// product zero, whatever the other dimensions are.
func numElements(shape []int) (int, error) {
	if len(shape) > MaxRank {
		return 0, fmt.Errorf("rank %d exceeds the maximum %d", len(shape), MaxRank)
	}
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %v has a negative dimension", shape)
		}
		if d == 0 {
			return 0, nil
		}
	}
	n := uint64(1)
	for _, d := range shape {
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > math.MaxInt {
			return 0, fmt.Errorf("shape %v overflows the element count", shape)
		}
		n = lo
	}
	return int(n), nil
}

// Encode writes tensors and metadata to w in safetensors format. Tensor
// data is laid out in the given order; metadata may be nil. The header is
// padded with spaces so the data section starts 8-byte aligned. Encode
// validates every tensor (see Validate) and rejects duplicate names before
// writing anything.
func Encode(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	header, err := encodeHeader(tensors, metadata)
	if err != nil {
		return err
	}
	if _, err := w.Write(header); err != nil {
		return fmt.Errorf("safetensors: write header: %w", err)
	}
	for _, t := range tensors {
		if len(t.Data) == 0 {
			continue
		}
		if _, err := w.Write(t.Data); err != nil {
			return fmt.Errorf("safetensors: write tensor %q: %w", t.Name, err)
		}
	}
	return nil
}

// encodeHeader validates tensors and returns the 8-byte length prefix
// followed by the padded JSON header.
func encodeHeader(tensors []Tensor, metadata map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.Write(make([]byte, 8)) // length prefix, filled in below
	buf.WriteByte('{')
	first := true
	comma := func() {
		if !first {
			buf.WriteByte(',')
		}
		first = false
	}
	if len(metadata) > 0 {
		comma()
		writeJSONString(&buf, metadataKey)
		buf.WriteByte(':')
		buf.WriteByte('{')
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(&buf, k)
			buf.WriteByte(':')
			writeJSONString(&buf, metadata[k])
		}
		buf.WriteByte('}')
	}
	seen := make(map[string]struct{}, len(tensors))
	var offset uint64
	for _, t := range tensors {
		if err := t.Validate(); err != nil {
			return nil, err
		}
		if _, dup := seen[t.Name]; dup {
			return nil, fmt.Errorf("safetensors: duplicate tensor name %q", t.Name)
		}
		seen[t.Name] = struct{}{}
		end := offset + uint64(len(t.Data))
		comma()
		writeJSONString(&buf, t.Name)
		buf.WriteString(`:{"dtype":`)
		writeJSONString(&buf, t.DType)
		buf.WriteString(`,"shape":[`)
		for i, d := range t.Shape {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(strconv.Itoa(d))
		}
		buf.WriteString(`],"data_offsets":[`)
		buf.WriteString(strconv.FormatUint(offset, 10))
		buf.WriteByte(',')
		buf.WriteString(strconv.FormatUint(end, 10))
		buf.WriteString("]}")
		offset = end
	}
	buf.WriteByte('}')
	for (buf.Len()-8)%headerAlign != 0 {
		buf.WriteByte(' ')
	}
	out := buf.Bytes()
	n := len(out) - 8
	if n > MaxHeaderSize {
		return nil, fmt.Errorf("safetensors: header is %d bytes, more than the maximum %d", n, MaxHeaderSize)
	}
	binary.LittleEndian.PutUint64(out, uint64(n))
	return out, nil
}

// writeJSONString appends s as a JSON string literal.
func writeJSONString(buf *bytes.Buffer, s string) {
	b, err := json.Marshal(s)
	if err != nil { // Cannot happen for a string.
		panic(err)
	}
	buf.Write(b)
}

// Decode parses a complete safetensors file held in data. The returned
// tensors' Data slices alias data (no tensor bytes are copied). Decode
// checks the header length against len(data) and MaxHeaderSize, requires a
// valid UTF-8 JSON object header with unique non-empty names and known
// dtypes, and checks that every tensor's size matches its shape and that
// the offsets tile the data section exactly. Any violation is reported as
// an error; Decode never panics.
func Decode(data []byte) (*File, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("safetensors: file is %d bytes, shorter than the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	if n > uint64(len(data)-8) {
		return nil, fmt.Errorf("safetensors: header length %d exceeds the %d bytes after the length prefix", n, len(data)-8)
	}
	if n > MaxHeaderSize {
		return nil, fmt.Errorf("safetensors: header length %d exceeds the maximum %d", n, MaxHeaderSize)
	}
	header := data[8 : 8+n]
	buf := data[8+n:]
	f, infos, err := parseHeader(header)
	if err != nil {
		return nil, err
	}
	if err := checkOffsets(infos, uint64(len(buf))); err != nil {
		return nil, err
	}
	f.Tensors = make([]Tensor, len(infos))
	for i, in := range infos {
		f.Tensors[i] = Tensor{Name: in.name, DType: in.dtype, Shape: in.shape, Data: buf[in.begin:in.end:in.end]}
	}
	return f, nil
}

// tensorInfo is one validated header entry before its data is attached.
type tensorInfo struct {
	name       string
	dtype      string
	shape      []int
	begin, end uint64
}

// parseHeader parses and validates the JSON header, returning the metadata
// and the tensor entries sorted by data offset.
func parseHeader(header []byte) (*File, []tensorInfo, error) {
	if len(header) == 0 || header[0] != '{' {
		return nil, nil, errors.New("safetensors: header does not start with '{'")
	}
	if !utf8.Valid(header) {
		return nil, nil, errors.New("safetensors: header is not valid UTF-8")
	}
	if !json.Valid(header) {
		return nil, nil, errors.New("safetensors: header is not valid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(header))
	if _, err := dec.Token(); err != nil { // '{', known to be there
		return nil, nil, fmt.Errorf("safetensors: header: %v", err)
	}
	f := &File{}
	var infos []tensorInfo
	seen := make(map[string]struct{})
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: header: %v", err)
		}
		name, ok := tok.(string)
		if !ok { // Cannot happen in a valid JSON object.
			return nil, nil, fmt.Errorf("safetensors: header: unexpected %v", tok)
		}
		if _, dup := seen[name]; dup {
			return nil, nil, fmt.Errorf("safetensors: header: duplicate key %q", name)
		}
		seen[name] = struct{}{}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("safetensors: header: %q: %v", name, err)
		}
		if name == metadataKey {
			md, err := parseMetadata(raw)
			if err != nil {
				return nil, nil, err
			}
			f.Metadata = md
			continue
		}
		in, err := parseTensorInfo(name, raw)
		if err != nil {
			return nil, nil, err
		}
		infos = append(infos, in)
	}
	sort.SliceStable(infos, func(i, j int) bool {
		a, b := infos[i], infos[j]
		if a.begin != b.begin {
			return a.begin < b.begin
		}
		if a.end != b.end {
			return a.end < b.end
		}
		return a.name < b.name
	})
	return f, infos, nil
}

// parseMetadata decodes the "__metadata__" value: null or an object whose
// values are all strings.
func parseMetadata(raw json.RawMessage) (map[string]string, error) {
	var m map[string]*string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("safetensors: %s must be an object of strings: %v", metadataKey, err)
	}
	if m == nil {
		return nil, nil
	}
	md := make(map[string]string, len(m))
	for k, v := range m {
		if v == nil {
			return nil, fmt.Errorf("safetensors: %s: value of %q is null, want a string", metadataKey, k)
		}
		md[k] = *v
	}
	return md, nil
}

// parseTensorInfo decodes and validates one tensor entry (but not its
// offsets relative to the other tensors).
func parseTensorInfo(name string, raw json.RawMessage) (tensorInfo, error) {
	in := tensorInfo{name: name}
	fail := func(format string, args ...any) (tensorInfo, error) {
		return in, fmt.Errorf("safetensors: tensor %q: %s", name, fmt.Sprintf(format, args...))
	}
	if name == "" {
		return fail("empty tensor name")
	}
	// Decode keys exactly (encoding/json matches struct fields
	// case-insensitively, which would accept "DType" and friends).
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return fail("entry must be an object with dtype, shape and data_offsets")
	}
	for _, key := range []string{"dtype", "shape", "data_offsets"} {
		if _, ok := fields[key]; !ok {
			return fail("missing %q", key)
		}
	}
	if err := json.Unmarshal(fields["dtype"], &in.dtype); err != nil || !isKind(fields["dtype"], '"') {
		return fail("dtype must be a string")
	}
	size := DTypeSize(in.dtype)
	if size == 0 {
		return fail("unknown dtype %q", in.dtype)
	}
	var shape []int64
	if err := json.Unmarshal(fields["shape"], &shape); err != nil || !isKind(fields["shape"], '[') {
		return fail("shape must be an array of non-negative integers")
	}
	if len(shape) > MaxRank {
		return fail("rank %d exceeds the maximum %d", len(shape), MaxRank)
	}
	in.shape = make([]int, len(shape))
	for i, d := range shape {
		if d < 0 || d > math.MaxInt {
			return fail("shape %v has an invalid dimension %d", shape, d)
		}
		in.shape[i] = int(d)
	}
	var offs []uint64
	if err := json.Unmarshal(fields["data_offsets"], &offs); err != nil || !isKind(fields["data_offsets"], '[') || len(offs) != 2 {
		return fail("data_offsets must be [begin, end] with non-negative integers")
	}
	in.begin, in.end = offs[0], offs[1]
	if in.end < in.begin {
		return fail("data_offsets [%d %d] end before begin", in.begin, in.end)
	}
	n, err := numElements(in.shape)
	if err != nil {
		return fail("%v", err)
	}
	hi, need := bits.Mul64(uint64(n), uint64(size))
	if hi != 0 {
		return fail("shape %v of %s overflows the byte size", in.shape, in.dtype)
	}
	if have := in.end - in.begin; need != have {
		return fail("shape %v needs %d bytes, offsets give %d", in.shape, need, have)
	}
	return in, nil
}

// isKind reports whether the JSON value raw starts with the byte c.
func isKind(raw json.RawMessage, c byte) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == c
}

// checkOffsets checks that infos, sorted by offset, tile [0, size) exactly.
func checkOffsets(infos []tensorInfo, size uint64) error {
	var next uint64
	for _, in := range infos {
		if in.begin != next {
			if in.begin < next {
				return fmt.Errorf("safetensors: tensor %q: data_offsets [%d %d] overlap the previous tensor, which ends at %d", in.name, in.begin, in.end, next)
			}
			return fmt.Errorf("safetensors: tensor %q: data_offsets [%d %d] leave a hole: previous tensor ends at %d", in.name, in.begin, in.end, next)
		}
		next = in.end
	}
	if next != size {
		return fmt.Errorf("safetensors: tensors cover %d bytes of data, the file has %d", next, size)
	}
	return nil
}
