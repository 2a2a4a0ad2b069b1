//go:build unix

package mnist

import (
	"strings"
	"testing"
)

// TestOutsideFilesRefused: readers of outside files refuse a device (which
// reads without end) before reading it.
func TestOutsideFilesRefused(t *testing.T) {
	if _, err := LoadImage("/dev/zero"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("LoadImage(/dev/zero): %v", err)
	}
	if _, err := ReadIDXFile("/dev/zero", 0); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("ReadIDXFile(/dev/zero): %v", err)
	}
}
