//go:build !linux

package plot

import "os"

// isTTY falls back to "a character device" where no ioctl is wired up.
func isTTY(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func ttyWidth(*os.File) int { return 0 }
