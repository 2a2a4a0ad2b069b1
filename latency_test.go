package main

import (
	"testing"
	"time"
)

// ctrlCBound is the longest a test accepts between Ctrl-C and the prompt.
// The promise is well under a second (README: a running cell stops within
// milliseconds, a blocked one is left behind after 300 ms); five seconds
// leaves room for a loaded two-core machine while still failing if Ctrl-C
// only took effect at the next natural stop.
const ctrlCBound = 5 * time.Second

// checkCtrlCLatency logs how long the prompt took to come back after
// Ctrl-C and fails the test if that exceeded ctrlCBound.
func checkCtrlCLatency(t *testing.T, d time.Duration) {
	t.Helper()
	t.Logf("prompt back %v after Ctrl-C", d)
	if d > ctrlCBound {
		t.Errorf("the prompt came back %v after Ctrl-C, want under %v (the promise is well under a second)", d, ctrlCBound)
	}
}
