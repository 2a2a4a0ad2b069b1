// Command kernels prints the CPU's vector extensions and the kernels nnlab
// runs on it under the current environment (NNLAB_GEMM), one "name: value"
// line each, for the side-by-side benchmark scripts (bench/*.sh).
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/nnlab/nnlab/nn/gemm"
	"github.com/nnlab/nnlab/nn/vec"
	"golang.org/x/sys/cpu"
)

func main() {
	var ext []string
	for _, f := range []struct {
		name string
		has  bool
	}{
		{"avx2", cpu.X86.HasAVX2}, {"fma", cpu.X86.HasFMA},
		{"avx512f", cpu.X86.HasAVX512F}, {"avx512bw", cpu.X86.HasAVX512BW},
		{"avx512dq", cpu.X86.HasAVX512DQ}, {"avx512vl", cpu.X86.HasAVX512VL},
		{"asimd", cpu.ARM64.HasASIMD},
	} {
		if f.has {
			ext = append(ext, f.name)
		}
	}
	fmt.Printf("cpu extensions (%s, usable by the OS): %s\n", runtime.GOARCH, strings.Join(ext, " "))
	fmt.Printf("nnlab gemm kernel: %s\n", gemm.Kernel())
	fmt.Printf("nnlab vec kernel: %s\n", vec.Kernel())
	fmt.Printf("nnlab fusion: winograd %s, bias+relu %s, first-layer update %s\n", onOff("NNLAB_WINOGRAD"), onOff("NNLAB_FUSE"), onOff("NNLAB_FUSED_UPDATE"))
}

// onOff says whether the switch of environment variable name is on (it is
// unless set to off).
func onOff(name string) string {
	if os.Getenv(name) == "off" {
		return "off"
	}
	return "on"
}
