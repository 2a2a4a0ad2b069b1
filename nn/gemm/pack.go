package gemm

import (
	"sync"
	"unsafe"
)

// packA packs op(A)[i0:i0+mc, p0:p0+kc] into dst as mr-row slivers: sliver s
// holds, for each p, the mr values op(A)[i0+s*mr+r, p0+p], zero-padded. dst
// must have packSlack floats to spare after the mc×kc block. kern says
// whether to use the assembly routines.
func packA(kern *denseKernel, dst, a []float32, lda int, trans bool, i0, mc, p0, kc int) {
	asmPack := kern.asmPackA
	for ir := 0; ir < mc; ir += mr {
		d := dst[ir*kc : ir*kc+mr*kc+packSlack]
		rows := min(mr, mc-ir)
		if trans { // op(A)[i,p] = a[p*lda+i]: mr contiguous values per p.
			if rows == mr && asmPack {
				_ = a[(p0+kc-1)*lda+i0+ir+mr-1]
				packA6T(kc, &d[0], &a[p0*lda+i0+ir], lda)
				continue
			}
			for p := range kc {
				src := a[(p0+p)*lda+i0+ir:]
				q := (*[mr]float32)(d[p*mr : p*mr+mr])
				if rows == mr {
					*q = [mr]float32(src[:mr])
				} else {
					*q = [mr]float32{}
					copy(q[:rows], src)
				}
			}
			continue
		}
		// op(A)[i,p] = a[i*lda+p]: interleave mr rows.
		if rows == mr {
			base := (i0+ir)*lda + p0
			p8 := 0
			if asmPack {
				p8 = kc &^ 7
				if p8 > 0 {
					_ = a[base+(mr-1)*lda+kc-1]
					packA6N(p8, &d[0], &a[base], lda) // spills into d's slack
				}
			}
			r0 := a[base : base+kc]
			r1 := a[base+lda : base+lda+kc]
			r2 := a[base+2*lda : base+2*lda+kc]
			r3 := a[base+3*lda : base+3*lda+kc]
			r4 := a[base+4*lda : base+4*lda+kc]
			r5 := a[base+5*lda : base+5*lda+kc]
			for p := p8; p < kc; p++ {
				q := (*[mr]float32)(d[p*mr : p*mr+mr])
				q[0], q[1], q[2], q[3], q[4], q[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
			}
			continue
		}
		clear(d[:mr*kc])
		for r := range rows {
			src := a[(i0+ir+r)*lda+p0 : (i0+ir+r)*lda+p0+kc]
			for p, v := range src {
				d[p*mr+r] = v
			}
		}
	}
}

// packB packs op(B)[p0:p0+kc, j0:j0+nc] into dst as slivers of kern.nr
// columns: sliver s holds, for each p, the nr values op(B)[p0+p,
// j0+s*nr+j], zero-padded.
func packB(kern *denseKernel, dst, b []float32, ldb int, trans bool, p0, kc, j0, nc int) {
	nr := kern.nr
	for jr := 0; jr < nc; jr += nr {
		d := dst[jr*kc : jr*kc+nr*kc]
		cols := min(nr, nc-jr)
		if !trans { // op(B)[p,j] = b[p*ldb+j]: nr contiguous values per p.
			if cols == nr && kern.packBN != nil {
				_ = b[(p0+kc-1)*ldb+j0+jr+nr-1]
				kern.packBN(kc, &d[0], &b[p0*ldb+j0+jr], ldb)
				continue
			}
			for p := range kc {
				q := d[p*nr : p*nr+nr]
				n := copy(q[:cols], b[(p0+p)*ldb+j0+jr:])
				clear(q[n:])
			}
			continue
		}
		// op(B)[p,j] = b[j*ldb+p]: transpose nr rows of B.
		p8 := 0
		if cols == nr && kern.packBT != nil {
			p8 = kc &^ 7
			if p8 > 0 {
				_ = b[(j0+jr+nr-1)*ldb+p0+kc-1]
				kern.packBT(p8, &d[0], &b[(j0+jr)*ldb+p0], ldb)
			}
		}
		if cols < nr {
			clear(d)
		}
		for jj := range cols {
			src := b[(j0+jr+jj)*ldb+p0 : (j0+jr+jj)*ldb+p0+kc]
			for p := p8; p < len(src); p++ {
				d[p*nr+jj] = src[p]
			}
		}
	}
}

// workspace holds one goroutine's packing buffers.
type workspace struct {
	a, b []float32 // 64-byte aligned
	tile [mr * nrMax]float32
}

var wsPool = sync.Pool{New: func() any { return new(workspace) }}

// ensure grows the buffers to hold na and nb floats.
func (w *workspace) ensure(na, nb int) {
	if len(w.a) < na {
		w.a = alignedFloats(max(na, mcMax*kcMax))
	}
	if len(w.b) < nb {
		w.b = alignedFloats(nb)
	}
}

// alignedFloats returns a zeroed slice of n floats starting on a 64-byte
// boundary.
func alignedFloats(n int) []float32 {
	s := make([]float32, n+16)
	off := (64 - int(uintptr(unsafe.Pointer(&s[0]))&63)) & 63 / 4
	return s[off : off+n : off+n]
}
