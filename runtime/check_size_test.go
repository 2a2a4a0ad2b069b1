package runtime

import (
	"context"
	"strings"
	"testing"
)

// TestTooLargeValues: a value whose type alone is larger than memory is
// refused before the cell runs (the interpreter would end the process out
// of memory), while pointers to such types and large-but-possible values
// still work, and the session keeps its values.
func TestTooLargeValues(t *testing.T) {
	s, _, _ := newSession(t)
	ctx := context.Background()
	for _, c := range []string{`x := 5`, `type Big [1 << 40]byte`, `type S struct{ b [1 << 39]int64 }`} {
		if _, err := s.Eval(ctx, c); err != nil {
			t.Fatalf("set-up %q: %v", c, err)
		}
	}
	for _, tc := range []struct{ cell, want string }{
		{`var arr [1 << 40]byte`, "line 1:5: arr ([1099511627776]byte) needs 1.0 TiB, more than this machine can give one value"},
		{`a := [1 << 40]byte{}`, "a ([1099511627776]byte) needs 1.0 TiB"},
		{`p := new([1 << 40]byte)`, "new ([1099511627776]byte) needs 1.0 TiB"},
		{`var q S`, "q (S) needs 4.0 TiB"},
		{`func g(b Big) {}`, "b (Big) needs 1.0 TiB"},
		{`y := 1; var z Big`, "z (Big) needs"},
		{`var h [1 << 62][1 << 62]byte`, "its size in bytes overflows"},
		{`s := []byte{1}; fmt.Println(len(Big(s)))`, "conversion (Big) needs"},
	} {
		_, err := s.Eval(ctx, tc.cell)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s", tc.cell, err, tc.want)
		}
	}
	for _, tc := range []struct{ cell, want string }{
		{`var pb *Big; pb == nil`, "true"},
		{`var ok [1 << 20]byte; len(ok)`, "1048576"},
		{`x`, "5"},
		{`y`, "undefined"}, // the refused cell declared nothing
	} {
		v, err := s.Eval(ctx, tc.cell)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = v
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%q = %q, want %q", tc.cell, got, tc.want)
		}
	}
}

// TestTooLargeSizeArguments: the standard library functions that allocate
// what a size argument says refuse one larger than memory, as make does,
// instead of ending the process out of memory.
func TestTooLargeSizeArguments(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: `import ("bufio"; "bytes"; "image"; "os"; "slices"; "strings")`},
		{cell: `x := 5`},
		{cell: `s := strings.Repeat("a", 1<<40)`, errSub: "line 1: strings.Repeat: the result (1099511627776 × 1 bytes) needs 1.0 TiB, more than this machine can give one value"},
		{cell: `b := bytes.Repeat([]byte("ab"), 1<<40)`, errSub: "line 1: bytes.Repeat: the result (1099511627776 × 2 bytes) needs 2.0 TiB"},
		{cell: `r := bufio.NewReaderSize(os.Stdin, 1<<40)`, errSub: "line 1: bufio.NewReaderSize: a buffer of 1099511627776 bytes needs 1.0 TiB"},
		{cell: `w := bufio.NewWriterSize(os.Stdout, 1<<40)`, errSub: "line 1: bufio.NewWriterSize: a buffer of 1099511627776 bytes needs 1.0 TiB"},
		{cell: `img := image.NewRGBA(image.Rect(0, 0, 1<<20, 1<<20))`, errSub: "line 1: image.NewRGBA: an image of 1048576×1048576 pixels needs 4.0 TiB"},
		{cell: `g := image.NewYCbCr(image.Rect(0, 0, 1<<20, 1<<20), image.YCbCrSubsampleRatio420)`, errSub: "line 1: image.NewYCbCr: an image of 1048576×1048576 pixels needs 1.5 TiB"},
		{cell: `var sb strings.Builder; var bb bytes.Buffer; n := 1 << 40`},
		{cell: `sb.Grow(1 << 40)`, errSub: "line 1: strings.Builder.Grow: the size 1099511627776 needs 1.0 TiB"},
		{cell: `bb.Grow(n)`, errSub: "line 1: bytes.Buffer.Grow: the size 1099511627776 needs 1.0 TiB"},
		{cell: "type wrap struct{ bytes.Buffer }\nfunc grow(w *wrap, n int) { w.Grow(n) }"},
		{cell: `grow(&wrap{}, n)`, errSub: "bytes.Buffer.Grow: the size 1099511627776 needs 1.0 TiB"},
		{cell: `slices.Repeat([]int{1, 2}, n)`, errSub: "make([]E, 2199023255552) needs 16.0 TiB"},
		{cell: `slices.Repeat([]int{1, 2}, 1<<62)`, errSub: "slices.Repeat: output length overflow"},
		{cell: `sb.Grow(10); sb.WriteString("ok"); sb.String()`, out: `"ok"`},
		{cell: `slices.Repeat([]int{1, 2}, 2)`, out: "[1 2 1 2]"},
		{cell: `strings.Repeat("ab", 2)`, out: `"abab"`},
		{cell: `image.NewGray(image.Rect(0, 0, 3, 2)).Bounds().Dx()`, out: "3"},
		{cell: `bufio.NewReaderSize(os.Stdin, 64).Size()`, out: "64"},
		{cell: `x`, out: "5"},
	})
}
