package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// rawFile assembles a safetensors file from a literal header and data.
func rawFile(header string, data []byte) []byte {
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	out = append(out, header...)
	return append(out, data...)
}

// rawFileN is rawFile with an arbitrary (possibly lying) header length.
func rawFileN(n uint64, header string, data []byte) []byte {
	out := binary.LittleEndian.AppendUint64(nil, n)
	out = append(out, header...)
	return append(out, data...)
}

func encode(t testing.TB, tensors []Tensor, md map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, tensors, md); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		tensors []Tensor
		md      map[string]string
	}{
		{"empty", nil, nil},
		{"metadata only", nil, map[string]string{"format": "pt", "a\"b": "ü\n"}},
		{"one f32", []Tensor{F32("w", []int{2, 3}, []float32{1, 2, 3, 4, 5, -6})}, nil},
		{"scalar", []Tensor{F32("s", []int{}, []float32{float32(math.Pi)})}, nil},
		{"zero sized", []Tensor{
			F32("z", []int{0, 5}, nil),
			F32("a", []int{1}, []float32{7}),
			F32("z2", []int{3, 0}, nil),
		}, map[string]string{"k": "v"}},
		{"mixed dtypes", []Tensor{
			{Name: "u8", DType: "U8", Shape: []int{3}, Data: []byte{1, 2, 3}},
			{Name: "i64", DType: "I64", Shape: []int{1}, Data: make([]byte, 8)},
			{Name: "bf16", DType: "BF16", Shape: []int{2}, Data: []byte{0x80, 0x3f, 0, 0xc0}},
			F32("nan", []int{2}, []float32{float32(math.NaN()), float32(math.Inf(-1))}),
		}, nil},
		{"unicode names", []Tensor{F32("层.weight", []int{1}, []float32{1}), F32("<&>", []int{1}, []float32{2})}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := encode(t, tt.tensors, tt.md)
			n := binary.LittleEndian.Uint64(data)
			if n%8 != 0 {
				t.Errorf("header length %d not padded to 8", n)
			}
			f, err := Decode(data)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if len(f.Tensors) != len(tt.tensors) {
				t.Fatalf("got %d tensors, want %d", len(f.Tensors), len(tt.tensors))
			}
			for i, want := range tt.tensors {
				got := f.Tensors[i]
				if got.Name != want.Name || got.DType != want.DType || !reflect.DeepEqual(got.Shape, want.Shape) || !bytes.Equal(got.Data, want.Data) {
					t.Errorf("tensor %d = %+v, want %+v", i, got, want)
				}
			}
			if len(f.Metadata) != len(tt.md) || (len(tt.md) > 0 && !reflect.DeepEqual(f.Metadata, tt.md)) {
				t.Errorf("metadata = %v, want %v", f.Metadata, tt.md)
			}
		})
	}
}

func TestEncodeLayout(t *testing.T) {
	data := encode(t, []Tensor{F32("b", []int{1}, []float32{1}), F32("a", []int{2}, []float32{2, 3})}, map[string]string{"writer": "nnlab"})
	want := `{"__metadata__":{"writer":"nnlab"},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`
	n := binary.LittleEndian.Uint64(data)
	header := string(data[8 : 8+n])
	if strings.TrimRight(header, " ") != want {
		t.Errorf("header =\n%s\nwant\n%s", header, want)
	}
	if len(data)-int(n)-8 != 12 {
		t.Errorf("data section is %d bytes, want 12", len(data)-int(n)-8)
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		tensors []Tensor
		md      map[string]string
		want    string
	}{
		{"empty name", []Tensor{F32("", []int{1}, []float32{1})}, nil, "empty name"},
		{"reserved name", []Tensor{F32("__metadata__", []int{1}, []float32{1})}, nil, "reserved"},
		{"duplicate", []Tensor{F32("a", []int{1}, []float32{1}), F32("a", []int{1}, []float32{1})}, nil, `duplicate tensor name "a"`},
		{"unknown dtype", []Tensor{{Name: "x", DType: "F31", Shape: []int{1}, Data: make([]byte, 4)}}, nil, `unknown dtype "F31"`},
		{"size mismatch", []Tensor{F32("w1", []int{784, 512}, []float32{1, 2, 3})}, nil, `tensor "w1": shape [784 512] needs 1605632 bytes, data has 12`},
		{"negative dim", []Tensor{{Name: "x", DType: "U8", Shape: []int{-1}}}, nil, "negative dimension"},
		{"overflow", []Tensor{{Name: "x", DType: "F64", Shape: []int{math.MaxInt / 2, 3}}}, nil, "overflows"},
		{"rank", []Tensor{{Name: "x", DType: "U8", Shape: make([]int, MaxRank+1)}}, nil, "rank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Encode(&buf, tt.tensors, tt.md)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Encode error = %v, want containing %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("Encode wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

type failWriter struct{ after int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(p), nil
}

func TestEncodeWriteError(t *testing.T) {
	ts := []Tensor{F32("a", []int{1}, []float32{1})}
	for after := 0; after < 2; after++ {
		if err := Encode(&failWriter{after: after}, ts, nil); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("after %d writes: err = %v, want disk full", after, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	f32x2 := `{"dtype":"F32","shape":[2],"data_offsets":[0,8]}`
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "shorter than the 8-byte"},
		{"short", []byte{1, 2, 3}, "shorter than the 8-byte"},
		{"header too long", rawFileN(100, "{}", nil), "header length 100 exceeds the 2 bytes"},
		{"header huge", rawFileN(math.MaxUint64, "{}", nil), "exceeds"},
		{"header empty", rawFile("", nil), "does not start with '{'"},
		{"header leading space", rawFile(" {}", nil), "does not start with '{'"},
		{"header array", rawFile("[]", nil), "does not start with '{'"},
		{"bad json", rawFile(`{"a":`, nil), "not valid JSON"},
		{"trailing garbage", rawFile(`{}x`, nil), "not valid JSON"},
		{"two objects", rawFile(`{} {}`, nil), "not valid JSON"},
		{"bad utf8", rawFile("{\"\xff\":1}", nil), "UTF-8"},
		{"duplicate", rawFile(`{"a":`+f32x2+`,"a":`+f32x2+`}`, make([]byte, 8)), `duplicate key "a"`},
		{"duplicate escaped", rawFile(`{"a":`+f32x2+`,"\u0061":`+f32x2+`}`, make([]byte, 8)), `duplicate key "a"`},
		{"empty name", rawFile(`{"":`+f32x2+`}`, make([]byte, 8)), "empty tensor name"},
		{"entry not object", rawFile(`{"a":[1]}`, nil), "entry must be an object"},
		{"entry null", rawFile(`{"a":null}`, nil), "entry must be an object"},
		{"missing dtype", rawFile(`{"a":{"shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), `missing "dtype"`},
		{"missing shape", rawFile(`{"a":{"dtype":"F32","data_offsets":[0,4]}}`, make([]byte, 4)), `missing "shape"`},
		{"missing offsets", rawFile(`{"a":{"dtype":"F32","shape":[1]}}`, make([]byte, 4)), `missing "data_offsets"`},
		{"case mismatch", rawFile(`{"a":{"DTYPE":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), `missing "dtype"`},
		{"dtype number", rawFile(`{"a":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), "dtype must be a string"},
		{"dtype unknown", rawFile(`{"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), `unknown dtype "f32"`},
		{"shape null", rawFile(`{"a":{"dtype":"F32","shape":null,"data_offsets":[0,4]}}`, make([]byte, 4)), "shape must be an array"},
		{"shape negative", rawFile(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, make([]byte, 4)), "invalid dimension -1"},
		{"shape float", rawFile(`{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}`, make([]byte, 4)), "shape must be an array"},
		{"shape huge", rawFile(`{"a":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}}`, make([]byte, 4)), "shape must be an array"},
		{"shape overflow", rawFile(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}`, make([]byte, 4)), "overflows"},
		{"byte size overflow", rawFile(`{"a":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,4]}}`, make([]byte, 4)), "overflows the byte size"},
		{"rank", rawFile(`{"a":{"dtype":"F32","shape":[`+strings.Repeat("1,", MaxRank)+`1],"data_offsets":[0,4]}}`, make([]byte, 4)), "rank 65 exceeds"},
		{"offsets one", rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}`, make([]byte, 4)), "data_offsets must be [begin, end]"},
		{"offsets three", rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, make([]byte, 4)), "data_offsets must be [begin, end]"},
		{"offsets negative", rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}`, make([]byte, 4)), "data_offsets must be [begin, end]"},
		{"offsets reversed", rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}`, make([]byte, 4)), "end before begin"},
		{"size mismatch", rawFile(`{"w1":{"dtype":"F32","shape":[784,512],"data_offsets":[0,12]}}`, make([]byte, 12)),
			`safetensors: tensor "w1": shape [784 512] needs 1605632 bytes, offsets give 12`},
		{"hole", rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)), "leave a hole"},
		{"overlap", rawFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)), "overlap"},
		{"past end", rawFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 4)), "cover 8 bytes of data, the file has 4"},
		{"trailing data", rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 8)), "cover 4 bytes of data, the file has 8"},
		{"huge offsets", rawFile(`{"a":{"dtype":"U8","shape":[9223372036854775807],"data_offsets":[0,9223372036854775807]}}`, nil), "cover 9223372036854775807 bytes"},
		{"metadata not object", rawFile(`{"__metadata__":[1]}`, nil), "must be an object of strings"},
		{"metadata number", rawFile(`{"__metadata__":{"a":1}}`, nil), "must be an object of strings"},
		{"metadata null value", rawFile(`{"__metadata__":{"a":null}}`, nil), "is null"},
		{"metadata duplicate", rawFile(`{"__metadata__":{},"__metadata__":{}}`, nil), "duplicate key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Decode(tt.file)
			if err == nil {
				t.Fatalf("Decode succeeded: %+v", f)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %q, want containing %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "safetensors: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	tests := []struct {
		name    string
		file    []byte
		tensors []string // names in data order
		md      map[string]string
	}{
		{"empty object", rawFile(`{}`, nil), nil, nil},
		{"padded", rawFile(`{}      `, nil), nil, nil},
		{"tab and newline padding", rawFile("{}\n\t ", nil), nil, nil},
		{"null metadata", rawFile(`{"__metadata__":null}`, nil), nil, nil},
		{"out of order header", rawFile(`{"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]},"a":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}`, []byte{1, 2, 3}), []string{"a", "b"}, nil},
		{"unknown fields ignored", rawFile(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":{"x":[1]}}}`, []byte{9}), []string{"a"}, nil},
		{"zero sized same offset", rawFile(`{"z":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"y":{"dtype":"F32","shape":[2,0],"data_offsets":[0,0]}}`, nil), []string{"y", "z"}, nil},
		{"huge dims times zero", rawFile(`{"z":{"dtype":"F64","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}`, nil), []string{"z"}, nil},
		{"metadata", rawFile(`{"__metadata__":{"format":"pt","":""}}`, nil), nil, map[string]string{"format": "pt", "": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Decode(tt.file)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			var names []string
			for _, ts := range f.Tensors {
				names = append(names, ts.Name)
			}
			if !reflect.DeepEqual(names, tt.tensors) {
				t.Errorf("names = %q, want %q", names, tt.tensors)
			}
			if !reflect.DeepEqual(f.Metadata, tt.md) {
				t.Errorf("metadata = %v, want %v", f.Metadata, tt.md)
			}
		})
	}
}

func TestFloat32s(t *testing.T) {
	f64 := func(vs ...float64) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	u16 := func(vs ...uint16) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint16(b, v)
		}
		return b
	}
	inf := float32(math.Inf(1))
	tests := []struct {
		name    string
		tensor  Tensor
		want    []float32
		wantErr string
	}{
		{"f32", F32("a", []int{2, 2}, []float32{1, -2.5, 3e-40, inf}), []float32{1, -2.5, 3e-40, inf}, ""},
		{"f32 scalar", F32("a", nil, []float32{42}), []float32{42}, ""},
		{"f32 empty", F32("a", []int{0}, nil), []float32{}, ""},
		{"f64", Tensor{Name: "d", DType: "F64", Shape: []int{3}, Data: f64(0.5, 1.0/3, -1e300)}, []float32{0.5, float32(1.0 / 3), float32(math.Inf(-1))}, ""},
		{"bf16", Tensor{Name: "b", DType: "BF16", Shape: []int{3}, Data: u16(0x3f80, 0xc040, 0x7f80)}, []float32{1, -3, inf}, ""},
		{"f16", Tensor{Name: "h", DType: "F16", Shape: []int{6}, Data: u16(0x3c00, 0xc000, 0x0001, 0x7bff, 0xfc00, 0x8000)},
			[]float32{1, -2, 5.9604645e-08, 65504, float32(math.Inf(-1)), float32(math.Copysign(0, -1))}, ""},
		{"i64", Tensor{Name: "i", DType: "I64", Shape: []int{1}, Data: make([]byte, 8)}, nil, `tensor "i": cannot convert dtype I64 to float32`},
		{"short", F32("s", []int{3}, []float32{1, 2}), nil, `tensor "s": shape [3] needs 12 bytes, data has 8`},
		{"unknown", Tensor{Name: "u", DType: "Q4"}, nil, `unknown dtype "Q4"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.tensor.Float32s()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(tt.want[i]) {
					t.Errorf("value %d = %g, want %g", i, got[i], tt.want[i])
				}
			}
		})
	}
	// NaN payloads survive F16 conversion as NaN.
	nan, err := Tensor{Name: "n", DType: "F16", Shape: []int{1}, Data: u16(0x7e00)}.Float32s()
	if err != nil || !math.IsNaN(float64(nan[0])) {
		t.Errorf("F16 NaN = %v, %v", nan, err)
	}
}

func TestHalfToFloat32Exhaustive(t *testing.T) {
	// Every finite half value must convert exactly; check monotonicity and
	// a few identities across all 2^16 bit patterns.
	prev := float32(math.Inf(-1))
	for h := 0; h < 0x7c00; h++ {
		v := halfToFloat32(uint16(h))
		if h > 0 && !(v > prev) {
			t.Fatalf("half %#04x = %g not above previous %g", h, v, prev)
		}
		if neg := halfToFloat32(uint16(h) | 0x8000); neg != -v && !(h == 0 && neg == 0) {
			t.Fatalf("half %#04x negated = %g, want %g", h|0x8000, neg, -v)
		}
		prev = v
	}
	if prev != 65504 {
		t.Errorf("largest half = %g, want 65504", prev)
	}
}

func TestLookupAndValidate(t *testing.T) {
	f := &File{Tensors: []Tensor{F32("a", []int{1}, []float32{1}), F32("b", []int{1}, []float32{2})}}
	if got, ok := f.Lookup("b"); !ok || got.Name != "b" {
		t.Errorf("Lookup(b) = %v, %v", got, ok)
	}
	if _, ok := f.Lookup("c"); ok {
		t.Error("Lookup(c) found a tensor")
	}
	if n, err := (Tensor{Shape: []int{2, 3, 4}}).NumElements(); n != 24 || err != nil {
		t.Errorf("NumElements = %d, %v", n, err)
	}
	if DTypeSize("BF16") != 2 || DTypeSize("F64") != 8 || DTypeSize("nope") != 0 {
		t.Error("DTypeSize wrong")
	}
}

func TestDecodeAliasesInput(t *testing.T) {
	data := encode(t, []Tensor{F32("a", []int{1}, []float32{1}), F32("b", []int{1}, []float32{2})}, nil)
	f, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	a := f.Tensors[0].Data
	if cap(a) != len(a) {
		t.Errorf("Data has spare capacity %d; appending would clobber the next tensor", cap(a)-len(a))
	}
}

// TestDecodeAllocBounded checks that hostile headers cannot make Decode
// allocate far more than the size of its input.
func TestDecodeAllocBounded(t *testing.T) {
	// 2000 entries cycling through 26 names: rejected as duplicates.
	var many strings.Builder
	many.WriteString("{")
	for i := 0; i < 2000; i++ {
		if i > 0 {
			many.WriteString(",")
		}
		fmt.Fprintf(&many, `"t%c":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`, 'a'+i%26)
	}
	many.WriteString("}")
	inputs := map[string][]byte{
		"lying length":     rawFileN(1<<62, "{}", nil),
		"huge shape":       rawFile(`{"a":{"dtype":"F32","shape":[1000000000,1000000],"data_offsets":[0,4]}}`, make([]byte, 4)),
		"huge offsets":     rawFile(`{"a":{"dtype":"U8","shape":[1099511627776],"data_offsets":[0,1099511627776]}}`, nil),
		"deep nesting":     rawFile(`{"a":{"x":`+strings.Repeat("[", 100000)+strings.Repeat("]", 100000)+`}}`, nil),
		"long rank":        rawFile(`{"a":{"dtype":"U8","shape":[`+strings.Repeat("0,", 200000)+`0],"data_offsets":[0,0]}}`, nil),
		"many (dup) names": rawFile(many.String(), nil),
	}
	for name, in := range inputs {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Decode(in)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("%s: Decode succeeded", name)
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		if limit := uint64(64*len(in) + 1<<20); alloc > limit {
			t.Errorf("%s: Decode of %d bytes allocated %d bytes (limit %d)", name, len(in), alloc, limit)
		}
	}
}

func TestReadWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	ts := []Tensor{F32("w", []int{2, 2}, []float32{1, 2, 3, 4}), F32("b", []int{2}, []float32{5, 6})}
	if err := WriteFile(path, ts, map[string]string{"epoch": "3"}); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tensors) != 2 || f.Metadata["epoch"] != "3" {
		t.Fatalf("ReadFile = %+v", f)
	}
	w, _ := f.Lookup("w")
	vals, err := w.Float32s()
	if err != nil || !reflect.DeepEqual(vals, []float32{1, 2, 3, 4}) {
		t.Errorf("w = %v, %v", vals, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 && runtime.GOOS != "windows" { // Windows keeps only a read-only bit
		t.Errorf("new file mode = %v, want 0644", st.Mode().Perm())
	}
	// Overwriting keeps the existing permissions.
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, ts[:1], nil); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 && runtime.GOOS != "windows" {
		t.Errorf("overwritten file mode = %v, want 0600", st.Mode().Perm())
	}
	assertNoTemp(t, dir)
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		path string
		want string
	}{
		{"missing", filepath.Join(dir, "nope"), notFoundText(filepath.Join(dir, "nope"))},
		{"directory", dir, "not a regular file"},
		{"empty", write("empty", nil), "shorter than the 8-byte"},
		{"lying length", write("lying", rawFileN(1<<40, "{}", nil)), "header length 1099511627776 exceeds the 2 bytes"},
		{"over max", write("big", rawFileN(MaxHeaderSize+1, "{}", make([]byte, 10))), "exceeds the 12 bytes"},
		{"bad tensor", write("bad", rawFile(`{"w1":{"dtype":"F32","shape":[784,512],"data_offsets":[0,12]}}`, make([]byte, 12))),
			`tensor "w1": shape [784 512] needs 1605632 bytes, offsets give 12 (in ` + dir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadFile(tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ReadFile error = %v, want containing %q", err, tt.want)
			}
		})
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// TestWriteFileFailures: a write that fails leaves the old file intact
// and no temporary file (the atomic write itself is tested in
// internal/atomicfile).
func TestWriteFileFailures(t *testing.T) {
	oldTensors := []Tensor{F32("old", []int{1}, []float32{1})}
	tests := []struct {
		name    string
		tensors []Tensor
		meta    map[string]string
		want    string
	}{
		{"invalid tensors", []Tensor{F32("new", []int{2}, []float32{2})}, nil, "needs 8 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "ckpt.safetensors")
			if err := WriteFile(path, oldTensors, map[string]string{"v": "1"}); err != nil {
				t.Fatal(err)
			}
			err := WriteFile(path, tt.tensors, tt.meta)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want containing %q", err, tt.want)
			}
			f, rerr := ReadFile(path)
			if rerr != nil {
				t.Fatalf("old file unreadable after failed write: %v", rerr)
			}
			if len(f.Tensors) != 1 || f.Tensors[0].Name != "old" || f.Metadata["v"] != "1" {
				t.Errorf("old file changed: %+v", f)
			}
			assertNoTemp(t, dir)
		})
	}
}

func TestWriteFileAtomicMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "x.safetensors")
	if err := WriteFile(path, nil, nil); err == nil {
		t.Fatal("WriteFile into a missing directory succeeded")
	}
}
