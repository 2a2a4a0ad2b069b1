package vec

// The tile transforms of Winograd's F(2×2,3×3) convolution, for every
// channel of a tile at once: a tile is 16 input pixels (or 16 products),
// each a slice of channels. Every output is a fixed sequence of additions
// and subtractions, the same on every path, so the assembly and Go
// versions agree bit for bit.

// WinogradInput sets dst[ξ][c] = (Bᵀ d B)[ξ] for every channel c <
// len(src[0]), where d[i][j] = src[4i+j][c] and Bᵀ = [1 0 -1 0; 0 1 1 0;
// 0 -1 1 0; 0 1 0 -1]. All 32 slices must be at least len(src[0]) long.
func WinogradInput(dst, src *[16][]float32) {
	n := len(src[0])
	for i := range 16 {
		if len(src[i]) < n || len(dst[i]) < n {
			panic("vec.WinogradInput: a slice is shorter than src[0]")
		}
	}
	done := 0
	if useAVX2 && n >= 8 {
		done = n &^ 7
		winogradInAVX2(dst, src, done)
	}
	if done < n {
		winogradInGo(dst, src, done, n)
	}
}

func winogradInGo(dst, src *[16][]float32, lo, n int) {
	s0, s1, s2, s3 := src[0][:n], src[1][:n], src[2][:n], src[3][:n]
	s4, s5, s6, s7 := src[4][:n], src[5][:n], src[6][:n], src[7][:n]
	s8, s9, s10, s11 := src[8][:n], src[9][:n], src[10][:n], src[11][:n]
	s12, s13, s14, s15 := src[12][:n], src[13][:n], src[14][:n], src[15][:n]
	d0, d1, d2, d3 := dst[0][:n], dst[1][:n], dst[2][:n], dst[3][:n]
	d4, d5, d6, d7 := dst[4][:n], dst[5][:n], dst[6][:n], dst[7][:n]
	d8, d9, d10, d11 := dst[8][:n], dst[9][:n], dst[10][:n], dst[11][:n]
	d12, d13, d14, d15 := dst[12][:n], dst[13][:n], dst[14][:n], dst[15][:n]
	for c := lo; c < n; c++ {
		// Columns: (Bᵀ d) row by row of the 4×4 block.
		a0, a1, a2, a3 := s0[c]-s8[c], s1[c]-s9[c], s2[c]-s10[c], s3[c]-s11[c]
		b0, b1, b2, b3 := s4[c]+s8[c], s5[c]+s9[c], s6[c]+s10[c], s7[c]+s11[c]
		e0, e1, e2, e3 := s8[c]-s4[c], s9[c]-s5[c], s10[c]-s6[c], s11[c]-s7[c]
		f0, f1, f2, f3 := s4[c]-s12[c], s5[c]-s13[c], s6[c]-s14[c], s7[c]-s15[c]
		// Rows: (Bᵀ d) B.
		d0[c], d1[c], d2[c], d3[c] = a0-a2, a1+a2, a2-a1, a1-a3
		d4[c], d5[c], d6[c], d7[c] = b0-b2, b1+b2, b2-b1, b1-b3
		d8[c], d9[c], d10[c], d11[c] = e0-e2, e1+e2, e2-e1, e1-e3
		d12[c], d13[c], d14[c], d15[c] = f0-f2, f1+f2, f2-f1, f1-f3
	}
}

// WinogradOutput sets the 2×2 output pixels dst[2a+b][c] = (Aᵀ m A)[a][b]
// for every channel c < len(src[0]), where m[i][j] = src[4i+j][c] and Aᵀ =
// [1 1 1 0; 0 1 -1 -1]; then adds bias[c] if bias is not nil, and takes
// max(·, 0) if relu, as Go's max does (NaN stays NaN, -0 becomes +0).
// All slices must be at least len(src[0]) long.
func WinogradOutput(dst *[4][]float32, src *[16][]float32, bias []float32, relu bool) {
	n := len(src[0])
	for i := range 16 {
		if len(src[i]) < n || i < 4 && len(dst[i]) < n {
			panic("vec.WinogradOutput: a slice is shorter than src[0]")
		}
	}
	if bias != nil && len(bias) < n {
		panic("vec.WinogradOutput: bias is shorter than src[0]")
	}
	done := 0
	if useAVX2 && n >= 8 {
		done = n &^ 7
		var b *float32
		if bias != nil {
			b = &bias[0]
		}
		winogradOutAVX2(dst, src, b, relu, done)
	}
	if done < n {
		winogradOutGo(dst, src, bias, relu, done, n)
	}
}

func winogradOutGo(dst *[4][]float32, src *[16][]float32, bias []float32, relu bool, lo, n int) {
	s0, s1, s2, s3 := src[0][:n], src[1][:n], src[2][:n], src[3][:n]
	s4, s5, s6, s7 := src[4][:n], src[5][:n], src[6][:n], src[7][:n]
	s8, s9, s10, s11 := src[8][:n], src[9][:n], src[10][:n], src[11][:n]
	s12, s13, s14, s15 := src[12][:n], src[13][:n], src[14][:n], src[15][:n]
	y0, y1, y2, y3 := dst[0][:n], dst[1][:n], dst[2][:n], dst[3][:n]
	for c := lo; c < n; c++ {
		// Aᵀ m: two rows of four.
		r0 := s0[c] + s4[c] + s8[c]
		r1 := s1[c] + s5[c] + s9[c]
		r2 := s2[c] + s6[c] + s10[c]
		r3 := s3[c] + s7[c] + s11[c]
		q0 := s4[c] - s8[c] - s12[c]
		q1 := s5[c] - s9[c] - s13[c]
		q2 := s6[c] - s10[c] - s14[c]
		q3 := s7[c] - s11[c] - s15[c]
		// (Aᵀ m) A, then the bias once the sums are complete.
		v0, v1 := r0+r1+r2, r1-r2-r3
		v2, v3 := q0+q1+q2, q1-q2-q3
		if bias != nil {
			b := bias[c]
			v0, v1, v2, v3 = v0+b, v1+b, v2+b, v3+b
		}
		if relu {
			v0, v1, v2, v3 = max(v0, 0), max(v1, 0), max(v2, 0), max(v3, 0)
		}
		y0[c], y1[c], y2[c], y3[c] = v0, v1, v2, v3
	}
}
