package stdlib

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/nnlab/nnlab/internal/memlimit"
	"github.com/nnlab/nnlab/nn"
)

// A size typed too large (strings.Repeat(s, 1<<40), image.NewRGBA of a
// huge rectangle, bufio.NewReaderSize(r, 1<<40)) would ask for more memory
// than the machine has: Go's unrecoverable "fatal error: runtime: out of
// memory", which would end the session. The guarded functions refuse such
// a size with an error first. This file and the other *guard.go files sort
// after the generated tables they edit, so their inits run after those
// are filled.
func init() {
	Symbols["strings/strings"]["Repeat"] = reflect.ValueOf(func(s string, count int) string {
		checkRepeat("strings.Repeat", len(s), count)
		return strings.Repeat(s, count)
	})
	Symbols["bytes/bytes"]["Repeat"] = reflect.ValueOf(func(b []byte, count int) []byte {
		checkRepeat("bytes.Repeat", len(b), count)
		return bytes.Repeat(b, count)
	})
}

// checkRepeat panics if count copies of n bytes cannot be one allocation.
// A negative or overflowing count is left to Repeat's own panic.
func checkRepeat(name string, n, count int) {
	if count <= 0 || n == 0 || count > math.MaxInt/n {
		return
	}
	checkAlloc(name, fmt.Sprintf("the result (%d × %d bytes)", count, n), n*count, 1)
}

// checkAlloc panics with an *nn.Error for op if n values of size bytes
// cannot be one allocation.
func checkAlloc(op, what string, n, size int) {
	if err := memlimit.Check(what, n, size); err != nil {
		panic(&nn.Error{Op: op, Msg: err.Error()})
	}
}
