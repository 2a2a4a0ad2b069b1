package safetensors

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// seedFiles are the inputs of the committed seed corpus in
// testdata/fuzz/FuzzDecode: small valid files and edge cases. Regenerate
// the corpus after changing them with
//
//	NNLAB_WRITE_SEEDS=1 go test -run=TestSeedCorpus ./nn/safetensors/
func seedFiles() map[string][]byte {
	mustEncode := func(ts []Tensor, md map[string]string) []byte {
		var buf bytes.Buffer
		if err := Encode(&buf, ts, md); err != nil {
			panic(err)
		}
		return buf.Bytes()
	}
	f32 := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	return map[string][]byte{
		"valid_empty":      mustEncode(nil, nil),
		"valid_metadata":   mustEncode(nil, map[string]string{"format": "pt", "writer": "nnlab"}),
		"valid_f32":        mustEncode([]Tensor{F32("w", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}), F32("b", []int{3}, []float32{-1, 0, 1})}, map[string]string{"epoch": "1"}),
		"valid_scalar":     mustEncode([]Tensor{F32("s", []int{}, []float32{float32(math.Pi)})}, nil),
		"valid_zero_sized": mustEncode([]Tensor{F32("z", []int{0, 4}, nil), {Name: "u", DType: "U8", Shape: []int{1}, Data: []byte{7}}}, nil),
		"valid_mixed": mustEncode([]Tensor{
			{Name: "bf16", DType: "BF16", Shape: []int{2}, Data: []byte{0x80, 0x3f, 0, 0xc0}},
			{Name: "f16", DType: "F16", Shape: []int{1}, Data: []byte{0, 0x3c}},
			{Name: "f64", DType: "F64", Shape: []int{1}, Data: make([]byte, 8)},
			{Name: "i64", DType: "I64", Shape: []int{1, 1}, Data: []byte{1, 0, 0, 0, 0, 0, 0, 0}},
			{Name: "bool", DType: "BOOL", Shape: []int{2}, Data: []byte{0, 1}},
		}, nil),
		"valid_unpadded":     rawFile(f32, make([]byte, 8)),
		"valid_out_of_order": rawFile(`{"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]},"a":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}`, []byte{1, 2, 3}),
		"valid_escaped_name": rawFile(`{"\u00e9\n\"":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"__metadata__":{"k\u0000":"\ud800"}}`, []byte{1}),
		"bad_short":          {1, 2, 3},
		"bad_lying_length":   rawFileN(1<<40, "{}", nil),
		"bad_json":           rawFile(`{"a":{`, nil),
		"bad_leading_space":  rawFile(` {}`, nil),
		"bad_duplicate":      rawFile(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}`, nil),
		"bad_size_mismatch":  rawFile(`{"w1":{"dtype":"F32","shape":[784,512],"data_offsets":[0,12]}}`, make([]byte, 12)),
		"bad_hole":           rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)),
		"bad_overlap":        rawFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)),
		"bad_trailing_data":  rawFile(f32, make([]byte, 12)),
		"bad_overflow":       rawFile(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}`, make([]byte, 4)),
		"bad_negative":       rawFile(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, make([]byte, 4)),
		"bad_metadata":       rawFile(`{"__metadata__":{"a":1}}`, nil),
		"valid_nested_extra": rawFile(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0],"x":`+strings.Repeat("[", 64)+strings.Repeat("]", 64)+`}}`, nil),
	}
}

// FuzzDecode checks that Decode never panics on any input and that a
// successful decode survives Encode → Decode unchanged (and that Encode's
// output is a fixed point).
//
//	go test -run='^$' -fuzz=FuzzDecode -fuzztime=10m ./nn/safetensors/
func FuzzDecode(f *testing.F) {
	for _, seed := range seedFiles() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Decode(data)
		if err != nil {
			if file != nil {
				t.Fatalf("Decode returned both a file and error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "safetensors: ") {
				t.Fatalf("error without package prefix: %v", err)
			}
			return
		}
		for _, ts := range file.Tensors {
			ts.Float32s() // must not panic, whatever the dtype
		}
		var buf bytes.Buffer
		if err := Encode(&buf, file.Tensors, file.Metadata); err != nil {
			t.Fatalf("Encode of a decoded file failed: %v", err)
		}
		encoded := bytes.Clone(buf.Bytes())
		again, err := Decode(encoded)
		if err != nil {
			t.Fatalf("Decode of re-encoded file failed: %v", err)
		}
		assertSameFile(t, again, file)
		buf.Reset()
		if err := Encode(&buf, again.Tensors, again.Metadata); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), encoded) {
			t.Fatalf("Encode is not a fixed point:\n%q\n%q", encoded, buf.Bytes())
		}
	})
}

func assertSameFile(t *testing.T, got, want *File) {
	t.Helper()
	if len(got.Tensors) != len(want.Tensors) {
		t.Fatalf("%d tensors, want %d", len(got.Tensors), len(want.Tensors))
	}
	for i, w := range want.Tensors {
		g := got.Tensors[i]
		if g.Name != w.Name || g.DType != w.DType || !reflect.DeepEqual(g.Shape, w.Shape) || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("tensor %d = %q %s %v %x, want %q %s %v %x", i, g.Name, g.DType, g.Shape, g.Data, w.Name, w.DType, w.Shape, w.Data)
		}
	}
	if len(got.Metadata) != len(want.Metadata) {
		t.Fatalf("metadata = %q, want %q", got.Metadata, want.Metadata)
	}
	for k, v := range want.Metadata {
		if gv, ok := got.Metadata[k]; !ok || gv != v {
			t.Fatalf("metadata = %q, want %q", got.Metadata, want.Metadata)
		}
	}
}

// TestSeedCorpus checks that the committed seed corpus matches seedFiles
// and that the valid_ seeds decode and the bad_ seeds do not. With
// NNLAB_WRITE_SEEDS=1 it rewrites the corpus instead.
func TestSeedCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	for name, data := range seedFiles() {
		_, err := Decode(data)
		if strings.HasPrefix(name, "valid_") && err != nil {
			t.Errorf("seed %s: %v", name, err)
		}
		if strings.HasPrefix(name, "bad_") && err == nil {
			t.Errorf("seed %s decoded without error", name)
		}
		content := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(data)))
		path := filepath.Join(dir, name)
		if os.Getenv("NNLAB_WRITE_SEEDS") == "1" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Errorf("seed %s missing or stale (err %v); regenerate with NNLAB_WRITE_SEEDS=1 go test -run=TestSeedCorpus ./nn/safetensors/", name, err)
		}
	}
}
