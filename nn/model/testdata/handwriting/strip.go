//go:build ignore

// strip copies a model saved by model.Save without its optimizer state and
// with its weights as 16-bit floats (F16), a quarter of the size: enough
// for model.Load and Predict, not to continue training.
//
//	go run strip.go IN.safetensors OUT.safetensors
package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/nnlab/nnlab/nn/safetensors"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: strip IN.safetensors OUT.safetensors")
		os.Exit(2)
	}
	if err := strip(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func strip(in, out string) error {
	f, err := safetensors.ReadFile(in)
	if err != nil {
		return err
	}
	var keep []safetensors.Tensor
	for _, t := range f.Tensors {
		if strings.Contains(t.Name, "/slot") {
			continue // Adam's moments: training state only
		}
		v, err := t.Float32s()
		if err != nil {
			return fmt.Errorf("%s: %s: %v", in, t.Name, err)
		}
		data := make([]byte, 2*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint16(data[2*i:], half(x))
		}
		keep = append(keep, safetensors.Tensor{Name: t.Name, DType: "F16", Shape: t.Shape, Data: data})
	}
	return safetensors.WriteFile(out, keep, f.Metadata)
}

// half rounds x to the nearest IEEE 754 binary16 value (ties to even).
func half(x float32) uint16 {
	b := math.Float32bits(x)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case b&0x7fffffff == 0:
		return sign
	case exp >= 31:
		return sign | 0x7c00 // too large (or Inf/NaN): infinity
	case exp <= 0:
		if exp < -10 {
			return sign // underflows to zero
		}
		// Subnormal: shift the mantissa with its implicit bit in.
		m := mant | 0x800000
		shift := uint(14 - exp)
		r := m >> shift
		rem := m & (1<<shift - 1)
		halfway := uint32(1) << (shift - 1)
		if rem > halfway || (rem == halfway && r&1 == 1) {
			r++
		}
		return sign | uint16(r)
	}
	r := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && r&1 == 1) {
		r++ // may carry into the exponent, which is right
	}
	return sign | uint16(r)
}
