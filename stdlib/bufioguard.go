package stdlib

import (
	"bufio"
	"fmt"
	"io"
	"reflect"
)

// bufio's sized constructors allocate their buffer at once (see
// stringsguard.go).
func init() {
	Symbols["bufio/bufio"]["NewReaderSize"] = reflect.ValueOf(func(r io.Reader, size int) *bufio.Reader {
		checkAlloc("bufio.NewReaderSize", fmt.Sprintf("a buffer of %d bytes", size), size, 1)
		return bufio.NewReaderSize(r, size)
	})
	Symbols["bufio/bufio"]["NewWriterSize"] = reflect.ValueOf(func(w io.Writer, size int) *bufio.Writer {
		checkAlloc("bufio.NewWriterSize", fmt.Sprintf("a buffer of %d bytes", size), size, 1)
		return bufio.NewWriterSize(w, size)
	})
}
