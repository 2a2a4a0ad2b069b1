package nn

import (
	"fmt"
	"strings"
)

// Window geometry shared by convolution and pooling: sizes and strides per
// axis, padding, and output sizes.

// pairOf reads a window size or strides over height and width, given as
// [h, w] or as TensorFlow's NHWC [1, h, w, 1], each at least 1. what names
// the argument for errors; batchAndDepth is what the NHWC form must have
// in its first and last place.
func pairOf(what string, v []int, batchAndDepth int) (h, w int, err error) {
	switch {
	case len(v) == 2:
		h, w = v[0], v[1]
	case len(v) == 4 && v[0] == batchAndDepth && v[3] == batchAndDepth:
		h, w = v[1], v[2]
	case len(v) == 4:
		return 0, 0, fmt.Errorf("%s %v: the batch and channel entries must be 1 (only height and width are supported, as in TensorFlow)", what, v)
	default:
		return 0, 0, fmt.Errorf("%s %v: want [height, width] or [1, height, width, 1]", what, v)
	}
	if h < 1 || w < 1 {
		return 0, 0, fmt.Errorf("%s %v must be at least 1", what, v)
	}
	return h, w, nil
}

// parsePadding returns true for "SAME" and false for "VALID" (in any case).
func parsePadding(op, padding string) bool {
	switch strings.ToUpper(padding) {
	case "SAME":
		return true
	case "VALID":
		return false
	}
	panic(&Error{Op: op, Msg: fmt.Sprintf("padding %q must be \"SAME\" or \"VALID\"", padding)})
}

// outSize returns the output length and the padding before the first pixel
// for an input of length n, a window of k and a stride, by TensorFlow's
// rules. An unknown n (-1) gives -1; a VALID window longer than n gives 0.
func outSize(n, k, stride int, same bool) (out, padBefore int) {
	if n < 0 {
		return -1, 0
	}
	if !same {
		if n < k {
			return 0, 0
		}
		return (n-k)/stride + 1, 0
	}
	out = (n + stride - 1) / stride
	total := max((out-1)*stride+k-n, 0)
	return out, total / 2
}

// geom is the geometry of a sliding window over NHWC images: the input
// [n, h, w, c], the window kh×kw moved by sy rows and sx columns, the output
// oh×ow and the padding above and to the left.
type geom struct {
	n, h, w, c int
	kh, kw     int
	sy, sx     int
	oh, ow     int
	padT, padL int
}

func newGeom(x []int, kh, kw, sy, sx int, same bool) geom {
	g := geom{n: x[0], h: x[1], w: x[2], c: x[3], kh: kh, kw: kw, sy: sy, sx: sx}
	g.oh, g.padT = outSize(g.h, kh, sy, same)
	g.ow, g.padL = outSize(g.w, kw, sx, same)
	return g
}

// span returns the window offsets [k0, k1) that fall inside an input of
// length n when the window starts at input position p (possibly negative).
func span(p, k, n int) (k0, k1 int) { return max(0, -p), min(k, n-p) }

// windowShape checks an NHWC input against a window and returns the output
// shape [n, oh, ow, channels]; what names the operands for error messages.
func windowShape(what string, x []int, kh, kw, sy, sx int, same bool, channels int) ([]int, error) {
	g := newGeom(x, kh, kw, sy, sx, same)
	if !same && ((g.h >= 0 && g.h < kh) || (g.w >= 0 && g.w < kw)) {
		return nil, fmt.Errorf("%s: with VALID padding the %s×%s input is smaller than the %d×%d window",
			what, dimStr(g.h), dimStr(g.w), kh, kw)
	}
	return []int{x[0], g.oh, g.ow, channels}, nil
}

func dimStr(d int) string {
	if d < 0 {
		return "?"
	}
	return fmt.Sprint(d)
}
