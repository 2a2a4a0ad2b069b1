package nn

import (
	"os"

	"github.com/nnlab/nnlab/nn/gemm"
)

// The forward pass of a 3×3 convolution with stride 1 runs as Winograd's
// minimal filtering F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016): each 2×2 block of output pixels
// (a tile) comes from the 4×4 block of input pixels around it as
//
//	Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A
//
// for every pair of input and output channels, which over all channels is
// 16 matrix products [tiles × in channels]·[in channels × out channels],
// one per position of the 4×4 transformed tile: 16 multiplies per tile and
// channel pair where im2col's product has 36 (2.25 times fewer), and no
// patch matrix 9 times the size of the input. Bᵀ and Aᵀ hold only 0 and ±1
// and G only 0, ±½ and 1, so the result differs from the direct sum by
// rounding alone (a few ulps of the largest terms). The backward pass
// keeps im2col (and its sparse products), which recomputes the patches.

// convWinograd turns the Winograd forward on; NNLAB_WINOGRAD=off turns it
// off, to compare with im2col (a variable for tests and benchmarks).
var convWinograd = os.Getenv("NNLAB_WINOGRAD") != "off"

// wgMinChannels and wgMinPairs are the fewest input channels and pairs of
// input and output channels (cin·cout) for which the Winograd forward is
// used. Its transforms cost in proportion to cin + cout per tile, the
// multiplies it saves to cin·cout. Measured at batch 128 on 26×26 images
// (BenchmarkWinograd, CPU time): 32→64 channels 33 ms by im2col, 25 by
// Winograd; 64→16 25 and 21; 32→32 and 24→48 about even; 16→32 12 and
// 15; 16→64 17 and 19; 8→16 5 and 9. (Variables for tests.)
var wgMinChannels, wgMinPairs = 32, 1024

// wgChunkFloats bounds, in floats per core, the transformed input and
// output tiles of one group of tiles (so that they stay in L2 between the
// transforms and the products). A variable for tests and benchmarks.
var wgChunkFloats = 1 << 18

// useWinograd reports whether a convolution with geometry g and cout
// output channels takes the Winograd forward.
func useWinograd(g *geom, cout int) bool {
	return convWinograd && g.kh == 3 && g.kw == 3 && g.sy == 1 && g.sx == 1 &&
		g.c >= wgMinChannels && g.c*cout >= wgMinPairs && g.oh > 0 && g.ow > 0
}

// wgGeom sets the Winograd fields of p: tiles per row and image, and the
// tiles per group (a multiple of the gemm's 6-row slivers where possible).
func (p *convPlan) wgGeom(block int) {
	g := &p.g
	p.tw = (g.ow + 1) / 2
	p.tiles = (g.oh + 1) / 2 * p.tw
	tb := max(1, wgChunkFloats/(16*(g.c+p.cout)))
	if tb >= 12 {
		tb = tb / 6 * 6
	}
	p.tb = min(tb, block*p.tiles)
}

// wgLen is the floats of one part's Winograd scratch: the transformed
// input (16 × tb × cin) and output (16 × tb × cout) of a group.
func (p *convPlan) wgLen() int { return 16 * p.tb * (p.g.c + p.cout) }

// wgU returns the transformed filter, 16 matrices [cin × cout].
func (p *convPlan) wgU() []float32 {
	return p.buf[p.wgOff : p.wgOff+16*p.g.c*p.cout]
}

// wgZero returns cin zeros, the pixels outside the image.
func (p *convPlan) wgZero() []float32 {
	off := p.wgOff + 16*p.g.c*p.cout
	return p.buf[off : off+p.g.c]
}

// wgScratch returns part's transformed tiles.
func (p *convPlan) wgScratch(part int) []float32 {
	off := p.wgOff + 16*p.g.c*p.cout + p.g.c + part*(p.wgLen()+p.cout)
	return p.buf[off : off+p.wgLen()]
}

// wgJunk returns part's row for output pixels beyond an odd edge.
func (p *convPlan) wgJunk(part int) []float32 {
	off := p.wgOff + 16*p.g.c*p.cout + p.g.c + part*(p.wgLen()+p.cout) + p.wgLen()
	return p.buf[off : off+p.cout]
}

// wgFilter writes the transformed filter U = G g Gᵀ for every pair of
// channels into u, as 16 matrices [cin × cout], from the filter f [3, 3,
// cin, cout].
func wgFilter(u, f []float32, cin, cout int) {
	plane := cin * cout
	_ = f[9*plane-1]
	_ = u[16*plane-1]
	for idx := range plane {
		var g [3][3]float32
		for ky := range 3 {
			for kx := range 3 {
				g[ky][kx] = f[(ky*3+kx)*plane+idx]
			}
		}
		var t [4][3]float32 // G g
		for b := range 3 {
			t[0][b] = g[0][b]
			t[1][b] = 0.5 * (g[0][b] + g[1][b] + g[2][b])
			t[2][b] = 0.5 * (g[0][b] - g[1][b] + g[2][b])
			t[3][b] = g[2][b]
		}
		for i := range 4 { // (G g) Gᵀ
			u[(i*4+0)*plane+idx] = t[i][0]
			u[(i*4+1)*plane+idx] = 0.5 * (t[i][0] + t[i][1] + t[i][2])
			u[(i*4+2)*plane+idx] = 0.5 * (t[i][0] - t[i][1] + t[i][2])
			u[(i*4+3)*plane+idx] = t[i][2]
		}
	}
}

// wgForwardPart computes part's block of images [lo, hi) by Winograd,
// tb tiles at a time.
func (p *convPlan) wgForwardPart(part int) {
	lo, hi := p.block(part)
	cin, cout := p.g.c, p.cout
	scratch := p.wgScratch(part)
	u := p.wgU()
	total := (hi - lo) * p.tiles
	for t0 := 0; t0 < total; t0 += p.tb {
		nt := min(p.tb, total-t0)
		v := scratch[:16*nt*cin]
		m := scratch[16*nt*cin : 16*nt*(cin+cout)]
		p.wgInput(v, lo, t0, nt)
		for xi := range 16 {
			p.sgemm(mat(nt, cout, m[xi*nt*cout:]), mat(nt, cin, v[xi*nt*cin:]), mat(cin, cout, u[xi*cin*cout:]), gemm.Options{})
		}
		p.wgOutput(m, part, lo, t0, nt)
	}
}

// wgInput writes the transformed input tiles Bᵀ d B of tiles [t0, t0+nt)
// of the images from lo on into v, as 16 matrices [nt × cin]. Pixels
// outside the image (padding, or beyond an odd edge) are zeros.
func (p *convPlan) wgInput(v []float32, lo, t0, nt int) {
	g := &p.g
	c := g.c
	zero := p.wgZero()
	var src [16][]float32
	var dst [16][]float32
	for tl := range nt {
		t := t0 + tl
		n := lo + t/p.tiles
		r := t % p.tiles
		y0 := 2*(r/p.tw) - g.padT
		x0 := 2*(r%p.tw) - g.padL
		img := p.x[n*g.h*g.w*c : (n+1)*g.h*g.w*c]
		for i := range 4 {
			y := y0 + i
			for j := range 4 {
				x := x0 + j
				if y < 0 || y >= g.h || x < 0 || x >= g.w {
					src[i*4+j] = zero
				} else {
					src[i*4+j] = img[(y*g.w+x)*c:][:c]
				}
			}
		}
		for xi := range 16 {
			dst[xi] = v[(xi*nt+tl)*c:][:c]
		}
		wgInputTile(&src, &dst)
	}
}

// wgInputTile computes dst[ξ][c] = (Bᵀ d B)[ξ] for each channel c, where
// d[i][j] = src[4i+j][c] and Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
func wgInputTile(src, dst *[16][]float32) {
	s0, s1, s2, s3 := src[0], src[1], src[2], src[3]
	s4, s5, s6, s7 := src[4], src[5], src[6], src[7]
	s8, s9, s10, s11 := src[8], src[9], src[10], src[11]
	s12, s13, s14, s15 := src[12], src[13], src[14], src[15]
	n := len(s0)
	s1, s2, s3, s4, s5, s6, s7 = s1[:n], s2[:n], s3[:n], s4[:n], s5[:n], s6[:n], s7[:n]
	s8, s9, s10, s11, s12, s13, s14, s15 = s8[:n], s9[:n], s10[:n], s11[:n], s12[:n], s13[:n], s14[:n], s15[:n]
	d0, d1, d2, d3 := dst[0][:n], dst[1][:n], dst[2][:n], dst[3][:n]
	d4, d5, d6, d7 := dst[4][:n], dst[5][:n], dst[6][:n], dst[7][:n]
	d8, d9, d10, d11 := dst[8][:n], dst[9][:n], dst[10][:n], dst[11][:n]
	d12, d13, d14, d15 := dst[12][:n], dst[13][:n], dst[14][:n], dst[15][:n]
	for c := range n {
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

// wgOutput writes the output pixels Aᵀ m A of tiles [t0, t0+nt) from the
// 16 product matrices m [nt × cout], leaving out those beyond an odd edge.
func (p *convPlan) wgOutput(m []float32, part, lo, t0, nt int) {
	g := &p.g
	cout := p.cout
	junk := p.wgJunk(part)
	var src [16][]float32
	var dst [4][]float32
	for tl := range nt {
		t := t0 + tl
		n := lo + t/p.tiles
		r := t % p.tiles
		oy0, ox0 := 2*(r/p.tw), 2*(r%p.tw)
		for a := range 2 {
			for b := range 2 {
				oy, ox := oy0+a, ox0+b
				if oy < g.oh && ox < g.ow {
					dst[a*2+b] = p.out[((n*g.oh+oy)*g.ow+ox)*cout:][:cout]
				} else {
					dst[a*2+b] = junk
				}
			}
		}
		for xi := range 16 {
			src[xi] = m[(xi*nt+tl)*cout:][:cout]
		}
		if p.bias != nil {
			wgOutputTileBias(&src, &dst, p.bias, p.relu)
		} else {
			wgOutputTile(&src, &dst)
		}
	}
}

// wgOutputTile computes the 2×2 pixels dst[2a+b][c] = (Aᵀ m A)[a][b] for
// each channel c, where m[i][j] = src[4i+j][c] and Aᵀ = [1 1 1 0; 0 1 -1 -1].
func wgOutputTile(src *[16][]float32, dst *[4][]float32) {
	s0, s1, s2, s3 := src[0], src[1], src[2], src[3]
	n := len(s0)
	s1, s2, s3 = s1[:n], s2[:n], s3[:n]
	s4, s5, s6, s7 := src[4][:n], src[5][:n], src[6][:n], src[7][:n]
	s8, s9, s10, s11 := src[8][:n], src[9][:n], src[10][:n], src[11][:n]
	s12, s13, s14, s15 := src[12][:n], src[13][:n], src[14][:n], src[15][:n]
	y0, y1, y2, y3 := dst[0][:n], dst[1][:n], dst[2][:n], dst[3][:n]
	for c := range n {
		// Aᵀ m: two rows of four.
		r0 := s0[c] + s4[c] + s8[c]
		r1 := s1[c] + s5[c] + s9[c]
		r2 := s2[c] + s6[c] + s10[c]
		r3 := s3[c] + s7[c] + s11[c]
		q0 := s4[c] - s8[c] - s12[c]
		q1 := s5[c] - s9[c] - s13[c]
		q2 := s6[c] - s10[c] - s14[c]
		q3 := s7[c] - s11[c] - s15[c]
		// (Aᵀ m) A.
		y0[c], y1[c] = r0+r1+r2, r1-r2-r3
		y2[c], y3[c] = q0+q1+q2, q1-q2-q3
	}
}

// wgOutputTileBias is wgOutputTile followed, in the same loop, by the
// epilogue of fused ops: adding bias[c] to channel c and, if relu,
// max(·, 0).
func wgOutputTileBias(src *[16][]float32, dst *[4][]float32, bias []float32, relu bool) {
	n := len(bias)
	bias = bias[:n]
	s0, s1, s2, s3 := src[0][:n], src[1][:n], src[2][:n], src[3][:n]
	s4, s5, s6, s7 := src[4][:n], src[5][:n], src[6][:n], src[7][:n]
	s8, s9, s10, s11 := src[8][:n], src[9][:n], src[10][:n], src[11][:n]
	s12, s13, s14, s15 := src[12][:n], src[13][:n], src[14][:n], src[15][:n]
	y0, y1, y2, y3 := dst[0][:n], dst[1][:n], dst[2][:n], dst[3][:n]
	for c, b := range bias {
		r0 := s0[c] + s4[c] + s8[c]
		r1 := s1[c] + s5[c] + s9[c]
		r2 := s2[c] + s6[c] + s10[c]
		r3 := s3[c] + s7[c] + s11[c]
		q0 := s4[c] - s8[c] - s12[c]
		q1 := s5[c] - s9[c] - s13[c]
		q2 := s6[c] - s10[c] - s14[c]
		q3 := s7[c] - s11[c] - s15[c]
		// The same sums as wgOutputTile's, then the bias.
		v0, v1 := (r0+r1+r2)+b, (r1-r2-r3)+b
		v2, v3 := (q0+q1+q2)+b, (q1-q2-q3)+b
		if relu {
			v0, v1, v2, v3 = max(v0, 0), max(v1, 0), max(v2, 0), max(v3, 0)
		}
		y0[c], y1[c], y2[c], y3[c] = v0, v1, v2, v3
	}
}
