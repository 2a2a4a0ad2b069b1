package nn

import (
	"os"

	"github.com/nnlab/nnlab/nn/gemm"
	"github.com/nnlab/nnlab/nn/vec"
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
		vec.WinogradInput(&dst, &src)
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
		vec.WinogradOutput(&dst, &src, p.bias, p.relu)
	}
}
