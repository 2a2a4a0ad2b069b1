package safetensors

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// tutorialTensors returns the parameters of the tutorial network
// (784→512→256→128→10 MLP): 567,434 float32 values, about 2.2 MB.
func tutorialTensors() []Tensor {
	sizes := []int{784, 512, 256, 128, 10}
	var ts []Tensor
	for i := 0; i+1 < len(sizes); i++ {
		in, out := sizes[i], sizes[i+1]
		w := make([]float32, in*out)
		for j := range w {
			w[j] = float32(j%97) * 0.01
		}
		ts = append(ts,
			F32(fmt.Sprintf("layer%d.weight", i+1), []int{in, out}, w),
			F32(fmt.Sprintf("layer%d.bias", i+1), []int{out}, make([]float32, out)))
	}
	return ts
}

// BenchmarkReadFile reads and validates a tutorial-sized file from disk
// (page cache) and converts every tensor to float32.
func BenchmarkReadFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "tutorial.safetensors")
	if err := WriteFile(path, tutorialTensors(), map[string]string{"format": "nnlab"}); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			if _, err := ReadFile(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode+float32s", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			f, err := ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			for _, t := range f.Tensors {
				if _, err := t.Float32s(); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkEncode encodes a tutorial-sized file into memory.
func BenchmarkEncode(b *testing.B) {
	ts := tutorialTensors()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Encode(&buf, ts, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
