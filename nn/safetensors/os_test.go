package safetensors

import (
	"errors"
	"os"
)

// notFoundText is how the operating system says that path does not exist
// ("no such file or directory" on Unix, "The system cannot find the file
// specified." on Windows).
func notFoundText(path string) string {
	_, err := os.Stat(path)
	if u := errors.Unwrap(err); u != nil {
		return u.Error()
	}
	return "no such file"
}
