//go:build !linux

package nn

import "testing"

// reportCPU reports nothing where the thread's CPU time is not read.
func reportCPU(*testing.B) {}
