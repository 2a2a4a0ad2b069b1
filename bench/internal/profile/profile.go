// Package profile starts and stops the CPU profiles of the benchmark
// programs (their -cpuprofile and -evalprofile flags).
package profile

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// Start begins a CPU profile written to the file path and returns the
// function that ends it; with an empty path it does nothing. A file that
// cannot be written ends the program with the error.
func Start(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
