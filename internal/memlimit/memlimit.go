// Package memlimit decides, before a large allocation, whether it can fit
// in the machine's memory, so that a size typed by mistake (or read from a
// crafted file) is refused with an error instead of ending the process
// with Go's unrecoverable "fatal error: runtime: out of memory".
//
// The limit for one allocation is three quarters of the machine's physical
// memory (read from /proc/meminfo on Linux and from sysctl hw.memsize on
// macOS; 16 GiB elsewhere). It does not account for memory already in use,
// so many allocations that each pass can still exhaust the machine.
package memlimit

import (
	"fmt"
	"math"
	"math/bits"
	"sync"
)

// fallbackTotal is the physical memory assumed where it cannot be read.
const fallbackTotal = 16 << 30

var total = sync.OnceValue(func() uint64 {
	if n := physical(); n > 0 {
		return n
	}
	return fallbackTotal
})

// Total reports the machine's physical memory in bytes, or 16 GiB where it
// cannot be read.
func Total() uint64 { return total() }

// Limit reports the largest allocation, in bytes, that Check allows.
func Limit() uint64 { return Total() / 4 * 3 }

// Error is an allocation refused by Check.
type Error struct {
	What  string // what was being allocated, e.g. "tensor of shape [100000,100000]"
	Bytes uint64 // its size; math.MaxUint64 if the size overflows
}

func (e *Error) Error() string {
	if e.Bytes == math.MaxUint64 {
		return fmt.Sprintf("%s: its size in bytes overflows", e.What)
	}
	return fmt.Sprintf("%s needs %s, more than this machine can give one value (%s of %s memory)",
		e.What, FormatBytes(e.Bytes), FormatBytes(Limit()), FormatBytes(Total()))
}

// Bytes returns n*size, and false if it overflows or either is negative.
func Bytes(n, size int) (uint64, bool) {
	if n < 0 || size < 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(n), uint64(size))
	return lo, hi == 0
}

// Check returns an *Error if n values of size bytes each overflow or need
// more than Limit. what names the value for the message.
func Check(what string, n, size int) error {
	b, ok := Bytes(n, size)
	if !ok {
		return &Error{What: what, Bytes: math.MaxUint64}
	}
	if b > Limit() {
		return &Error{What: what, Bytes: b}
	}
	return nil
}

// Elements returns the product of shape, and false if a dimension is
// negative or the product overflows an int.
func Elements(shape []int) (int, bool) {
	n := uint64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > math.MaxInt {
			return 0, false
		}
		n = lo
	}
	return int(n), true
}

// FormatBytes prints a byte count in binary units: "37.3 GiB".
func FormatBytes(b uint64) string {
	const unit = 1024
	if b < unit {
		return fmt.Sprintf("%d B", b)
	}
	v, i := float64(b), 0
	for v >= unit && i < 6 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTPE"[i-1])
}
