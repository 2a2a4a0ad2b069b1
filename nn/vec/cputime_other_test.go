//go:build !linux

package vec

import "testing"

// reportCPU reports nothing where the thread's CPU time is not read.
func reportCPU(*testing.B) {}
