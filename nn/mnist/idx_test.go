package mnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// idxBytes encodes an unsigned-byte IDX file.
func idxBytes(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, idxUint8, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

func gzipBytes(data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func TestReadIDX(t *testing.T) {
	valid := idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6})
	corruptGzip := gzipBytes(valid)
	corruptGzip[len(corruptGzip)-6] ^= 0xff // CRC32 in the trailer
	bomb := gzipBytes(append(idxBytes([]int{10}, nil), make([]byte, 50<<20)...))
	tests := []struct {
		name    string
		in      []byte
		max     int
		dims    []int
		wantErr string
	}{
		{"valid", valid, 0, []int{2, 3}, ""},
		{"valid gzip", gzipBytes(valid), 0, []int{2, 3}, ""},
		{"empty dimension", idxBytes([]int{0, 28, 28}, nil), 0, []int{0, 28, 28}, ""},
		{"empty file", nil, 0, nil, "too short"},
		{"short magic", []byte{0, 0}, 0, nil, "too short"},
		{"bad magic", []byte{1, 0, 8, 1, 0, 0, 0, 0}, 0, nil, "bad magic"},
		{"float type", []byte{0, 0, 0x0d, 1, 0, 0, 0, 0}, 0, nil, "unsupported value type 0x0d"},
		{"rank 0", []byte{0, 0, 8, 0}, 0, nil, "rank 0"},
		{"rank 200", []byte{0, 0, 8, 200}, 0, nil, "rank 200"},
		{"truncated header", []byte{0, 0, 8, 3, 0, 0, 0, 1, 0, 0}, 0, nil, "header truncated"},
		{"truncated data", valid[:len(valid)-1], 0, nil, "data truncated"},
		{"surplus data", append(append([]byte{}, valid...), 7), 0, nil, "more data"},
		{"huge dims", idxBytes([]int{1 << 20, 1 << 20, 1 << 20}, nil), 0, nil, "limit"},
		{"max uint32 dims", idxBytes([]int{0xffffffff, 0xffffffff}, nil), 0, nil, "limit"},
		{"over custom limit", valid, 5, nil, "limit of 5"},
		{"bad gzip header", []byte{0x1f, 0x8b, 0, 0, 0}, 0, nil, "gzip"},
		{"gzip checksum", corruptGzip, 0, nil, "corrupt compressed"},
		{"truncated gzip", gzipBytes(valid)[:20], 0, nil, "corrupt compressed"},
		{"gzip bomb", bomb, 0, nil, "more data than the 10 values"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, err := ReadIDXStream(bytes.NewReader(tc.in), tc.max)
			if tc.wantErr != "" {
				var fe *FormatError
				if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want a FormatError containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(x.Dims) != fmt.Sprint(tc.dims) {
				t.Errorf("dims %v, want %v", x.Dims, tc.dims)
			}
		})
	}
}

// A header claiming the maximum size must not allocate it: the buffer
// grows only with the data that is really there.
func TestReadIDXLyingHeaderAllocatesLittle(t *testing.T) {
	in := idxBytes([]int{MaxIDXElements}, make([]byte, 100))
	allocs := testing.AllocsPerRun(3, func() {
		if _, err := ReadIDX(bytes.NewReader(in), 0); err == nil {
			t.Fatal("no error")
		}
	})
	if allocs > 20 {
		t.Errorf("%v allocations", allocs)
	}
	var ms1, ms2 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	ReadIDX(bytes.NewReader(in), 0)
	runtime.ReadMemStats(&ms2)
	if d := ms2.TotalAlloc - ms1.TotalAlloc; d > 1<<20 {
		t.Errorf("allocated %d bytes for a 100-byte file", d)
	}
}

// errReader fails after its data.
type errReader struct {
	r   io.Reader
	err error
}

func (e errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, e.err
	}
	return n, err
}

func TestReadIDXPassesIOErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := ReadIDX(errReader{bytes.NewReader(idxBytes([]int{4}, []byte{1})), boom}, 0)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}

func TestReadIDXFileNamesFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bad-idx1-ubyte")
	os.WriteFile(p, []byte{9, 9, 9, 9}, 0o644)
	_, err := ReadIDXFile(p, 0)
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v, want the file name", err)
	}
	_, err = ReadIDXFile(filepath.Join(dir, "missing"), 0)
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes([]int{2, 2}, []byte{0, 1, 2, 3}))
	f.Add(gzipBytes(idxBytes([]int{3}, []byte{7, 8, 9})))
	f.Add([]byte{0, 0, 8, 2, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := ReadIDXStream(bytes.NewReader(data), 1<<16)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		n := 1
		for _, d := range x.Dims {
			n *= d
		}
		if len(x.Dims) == 0 || len(x.Dims) > maxIDXRank || n != len(x.Data) || n > 1<<16 {
			t.Fatalf("dims %v with %d values", x.Dims, len(x.Data))
		}
	})
}

// TestWriteFuzzCorpus regenerates the committed seed corpus when run with
// MNIST_WRITE_CORPUS=1.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("MNIST_WRITE_CORPUS") == "" {
		t.Skip("set MNIST_WRITE_CORPUS=1 to rewrite testdata/fuzz")
	}
	write := func(target, name string, data []byte) {
		dir := filepath.Join("testdata", "fuzz", target)
		os.MkdirAll(dir, 0o755)
		s := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("FuzzReadIDX", "valid_labels", idxBytes([]int{4}, []byte{5, 0, 4, 1}))
	write("FuzzReadIDX", "valid_images", idxBytes([]int{2, 3, 3}, bytes.Repeat([]byte{0, 128, 255}, 6)))
	write("FuzzReadIDX", "valid_gzip", gzipBytes(idxBytes([]int{2, 2}, []byte{1, 2, 3, 4})))
	write("FuzzReadIDX", "truncated", idxBytes([]int{10, 2}, []byte{1, 2, 3}))
	write("FuzzReadIDX", "huge_header", idxBytes([]int{60000, 28, 28}, nil))
	write("FuzzReadIDX", "bad_type", []byte{0, 0, 0x0c, 1, 0, 0, 0, 1, 1, 2, 3, 4})
	write("FuzzReadIDX", "gzip_bomb", gzipBytes(append(idxBytes([]int{2}, nil), make([]byte, 4096)...)))
	for name, data := range imageSeeds(t) {
		write("FuzzLoadImage", name, data)
	}
}
