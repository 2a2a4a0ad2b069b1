package vec

// Segments of n floats addressed by two strides: the patches of a
// convolution. Segment (o, i), for o < outer and i < inner, is at
// base + o·outerStride + i·innerStride in the strided slice and at
// (o·inner + i)·n in the packed one. For a stride-1 3×3 convolution, a
// row of output pixels is outer = its width, inner = 3 window rows, n =
// 3·channels floats: one call instead of a copy (im2col) or an add
// (col2im) per window row, whose call costs more than its 96 floats.

// CopyBlocks copies the outer·inner segments of src into the packed dst,
// in order.
func CopyBlocks(dst, src []float32, outer, inner, n, outerStride, innerStride int) {
	if !checkBlocks(len(dst), len(src), outer, inner, n, outerStride, innerStride) {
		return
	}
	if useAVX2 && n%8 == 0 {
		copyBlocksAVX2(&dst[0], &src[0], outer, inner, n, outerStride, innerStride)
		return
	}
	for o := range outer {
		for i := range inner {
			s, d := src[o*outerStride+i*innerStride:][:n], dst[(o*inner+i)*n:][:n]
			if n > 16 {
				copy(d, s)
				continue
			}
			for t := range d { // a few channels: a memmove call costs more
				d[t] = s[t]
			}
		}
	}
}

// AddBlocks adds the packed src to the outer·inner segments of dst, one
// segment after the other: segments may overlap (neighbouring windows, or
// strides of 0 to sum rows into one), and each sum is then dst + src in
// the order of the segments.
func AddBlocks(dst, src []float32, outer, inner, n, outerStride, innerStride int) {
	if !checkBlocks(len(src), len(dst), outer, inner, n, outerStride, innerStride) {
		return
	}
	if useAVX2 && n%8 == 0 {
		addBlocksAVX2(&dst[0], &src[0], outer, inner, n, outerStride, innerStride)
		return
	}
	for o := range outer {
		for i := range inner {
			d, s := dst[o*outerStride+i*innerStride:][:n], src[(o*inner+i)*n:][:n]
			if n >= 32 {
				Add(d, d, s)
				continue
			}
			for t, v := range s {
				d[t] += v
			}
		}
	}
}

// checkBlocks panics unless a packed slice of packed floats and a strided
// one of strided floats hold the segments; it reports whether there are
// any.
func checkBlocks(packed, strided, outer, inner, n, outerStride, innerStride int) bool {
	if outer < 0 || inner < 0 || n < 0 || outerStride < 0 || innerStride < 0 {
		panic("vec: negative block count, length or stride")
	}
	if outer == 0 || inner == 0 || n == 0 {
		return false
	}
	if packed < outer*inner*n || strided < (outer-1)*outerStride+(inner-1)*innerStride+n {
		panic("vec: a slice is too short for its blocks")
	}
	return true
}
