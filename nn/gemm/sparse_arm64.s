// NEON kernels for SparseMul and SparseTMul (arm64 only); the contracts are
// those of spKernelFunc and scatterFunc in sparse.go.
//
// Register use in spmmRows (spmmRows32 uses the first half of each group):
//   V0..V15   accumulators for the 64 columns of one row of C
//   V16       the broadcast value of the current nonzero
//   V20..V27  8 vectors of a row of the panel of B (or of C), 2 rounds per row
//   V31       beta, broadcast
//   R0 rows left; R1 the row's segment bounds; R2 their stride (bytes)
//   R3, R4 column indices and values of S; R10, R11 cursors in them
//   R5 the packed panel of B; R6 the row of C; R7 C's stride (bytes)
// Go writes VFMLA Vm, Vn, Vd for Vd += Vn*Vm.

#include "textflag.h"

// ZERO8 clears 8 accumulators.
#define ZERO8(a, b, c, d, e, f, g, h) \
	VEOR a.B16, a.B16, a.B16; \
	VEOR b.B16, b.B16, b.B16; \
	VEOR c.B16, c.B16, c.B16; \
	VEOR d.B16, d.B16, d.B16; \
	VEOR e.B16, e.B16, e.B16; \
	VEOR f.B16, f.B16, f.B16; \
	VEOR g.B16, g.B16, g.B16; \
	VEOR h.B16, h.B16, h.B16

// FMA8 adds V20..V27 times the broadcast s to a..h.
#define FMA8(s, a, b, c, d, e, f, g, h) \
	VFMLA s.S4, V20.S4, a.S4; \
	VFMLA s.S4, V21.S4, b.S4; \
	VFMLA s.S4, V22.S4, c.S4; \
	VFMLA s.S4, V23.S4, d.S4; \
	VFMLA s.S4, V24.S4, e.S4; \
	VFMLA s.S4, V25.S4, f.S4; \
	VFMLA s.S4, V26.S4, g.S4; \
	VFMLA s.S4, V27.S4, h.S4

// LOAD8 loads 32 floats from (r) into V20..V27, advancing r.
#define LOAD8(r) \
	VLD1.P 64(r), [V20.S4, V21.S4, V22.S4, V23.S4]; \
	VLD1.P 64(r), [V24.S4, V25.S4, V26.S4, V27.S4]

// func spmmRows(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)
//
// For each row r < rows, with p0 = ptr[r*pstride] and p1 = ptr[r*pstride+1]:
// c[r*ldc : r*ldc+64] = Σ_{p0≤p<p1} val[p]·b[idx[p]*64 : idx[p]*64+64] + beta·c[...].
// If beta == 0, c is not read; rows without entries are left alone if beta == 1.
TEXT ·spmmRows(SB), NOSPLIT, $0-68
	MOVD  rows+0(FP), R0
	MOVD  ptr+8(FP), R1
	MOVD  pstride+16(FP), R2
	LSL   $2, R2
	MOVD  idx+24(FP), R3
	MOVD  val+32(FP), R4
	MOVD  b+40(FP), R5
	MOVD  c+48(FP), R6
	MOVD  ldc+56(FP), R7
	LSL   $2, R7
	MOVWU beta+64(FP), R8
	VDUP  R8, V31.S4
	ANDW  $0x7fffffff, R8, R9 // R9 == 0: beta is ±0
	CBZ   R0, done

row:
	MOVW (R1), R12
	MOVW 4(R1), R13
	SUBS R12, R13
	BNE  entries
	CMPW $0x3f800000, R8
	BEQ  next // no entries and beta == 1: nothing to do

entries:
	ADD R12<<2, R3, R10
	ADD R12<<2, R4, R11
	ZERO8(V0, V1, V2, V3, V4, V5, V6, V7)
	ZERO8(V8, V9, V10, V11, V12, V13, V14, V15)
	CBZ R13, store

loop:
	MOVW.P 4(R10), R12
	ADD    R12<<8, R5, R14
	VLD1R.P 4(R11), [V16.S4]
	LOAD8(R14)
	FMA8(V16, V0, V1, V2, V3, V4, V5, V6, V7)
	LOAD8(R14)
	FMA8(V16, V8, V9, V10, V11, V12, V13, V14, V15)
	SUBS   $1, R13
	BNE    loop

store:
	CBZW R9, write
	MOVD R6, R14
	LOAD8(R14)
	FMA8(V31, V0, V1, V2, V3, V4, V5, V6, V7)
	LOAD8(R14)
	FMA8(V31, V8, V9, V10, V11, V12, V13, V14, V15)

write:
	MOVD   R6, R14
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R14)
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R14)
	VST1.P [V8.S4, V9.S4, V10.S4, V11.S4], 64(R14)
	VST1   [V12.S4, V13.S4, V14.S4, V15.S4], (R14)

next:
	ADD  R2, R1
	ADD  R7, R6
	SUBS $1, R0
	BNE  row

done:
	RET

// func spmmRows32(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)
//
// spmmRows for a 32-column panel (rows of 128 bytes) and 32 columns of C:
// the last, narrower slab of a product whose width is not a multiple of 64.
TEXT ·spmmRows32(SB), NOSPLIT, $0-68
	MOVD  rows+0(FP), R0
	MOVD  ptr+8(FP), R1
	MOVD  pstride+16(FP), R2
	LSL   $2, R2
	MOVD  idx+24(FP), R3
	MOVD  val+32(FP), R4
	MOVD  b+40(FP), R5
	MOVD  c+48(FP), R6
	MOVD  ldc+56(FP), R7
	LSL   $2, R7
	MOVWU beta+64(FP), R8
	VDUP  R8, V31.S4
	ANDW  $0x7fffffff, R8, R9
	CBZ   R0, done32

row32:
	MOVW (R1), R12
	MOVW 4(R1), R13
	SUBS R12, R13
	BNE  entries32
	CMPW $0x3f800000, R8
	BEQ  next32

entries32:
	ADD R12<<2, R3, R10
	ADD R12<<2, R4, R11
	ZERO8(V0, V1, V2, V3, V4, V5, V6, V7)
	CBZ R13, store32

loop32:
	MOVW.P  4(R10), R12
	ADD     R12<<7, R5, R14
	VLD1R.P 4(R11), [V16.S4]
	LOAD8(R14)
	FMA8(V16, V0, V1, V2, V3, V4, V5, V6, V7)
	SUBS    $1, R13
	BNE     loop32

store32:
	CBZW R9, write32
	MOVD R6, R14
	LOAD8(R14)
	FMA8(V31, V0, V1, V2, V3, V4, V5, V6, V7)

write32:
	MOVD   R6, R14
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R14)
	VST1   [V4.S4, V5.S4, V6.S4, V7.S4], (R14)

next32:
	ADD  R2, R1
	ADD  R7, R6
	SUBS $1, R0
	BNE  row32

done32:
	RET

// SCATTER8 adds the row of d in a..h times V16 to 32 floats of the panel
// at R14 (read through R14, written back through R15).
#define SCATTER8(a, b, c, d, e, f, g, h) \
	LOAD8(R14);               \
	VFMLA V16.S4, a.S4, V20.S4; \
	VFMLA V16.S4, b.S4, V21.S4; \
	VFMLA V16.S4, c.S4, V22.S4; \
	VFMLA V16.S4, d.S4, V23.S4; \
	VFMLA V16.S4, e.S4, V24.S4; \
	VFMLA V16.S4, f.S4, V25.S4; \
	VFMLA V16.S4, g.S4, V26.S4; \
	VFMLA V16.S4, h.S4, V27.S4; \
	VST1.P [V20.S4, V21.S4, V22.S4, V23.S4], 64(R15); \
	VST1.P [V24.S4, V25.S4, V26.S4, V27.S4], 64(R15)

// func spScatterRows(rows int, ptr *int32, pstride int, idx *int32, val *float32, d *float32, ldd int, c *float32)
//
// For each row r < rows of S, with p0 = ptr[r*pstride] and p1 =
// ptr[r*pstride+1]: c[idx[p]*64 : idx[p]*64+64] += val[p]·d[r*ldd : r*ldd+64]
// for p0 ≤ p < p1. The row of d stays in V0..V15; c is a packed panel of
// 64-float rows.
TEXT ·spScatterRows(SB), NOSPLIT, $0-64
	MOVD rows+0(FP), R0
	MOVD ptr+8(FP), R1
	MOVD pstride+16(FP), R2
	LSL  $2, R2
	MOVD idx+24(FP), R3
	MOVD val+32(FP), R4
	MOVD d+40(FP), R6
	MOVD ldd+48(FP), R7
	LSL  $2, R7
	MOVD c+56(FP), R5
	CBZ  R0, sdone

srow:
	MOVW   (R1), R12
	MOVW   4(R1), R13
	SUBS   R12, R13
	BEQ    snext
	ADD    R12<<2, R3, R10
	ADD    R12<<2, R4, R11
	MOVD   R6, R14
	VLD1.P 64(R14), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R14), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1.P 64(R14), [V8.S4, V9.S4, V10.S4, V11.S4]
	VLD1   (R14), [V12.S4, V13.S4, V14.S4, V15.S4]

sloop:
	MOVW.P  4(R10), R12
	ADD     R12<<8, R5, R14
	MOVD    R14, R15
	VLD1R.P 4(R11), [V16.S4]
	SCATTER8(V0, V1, V2, V3, V4, V5, V6, V7)
	SCATTER8(V8, V9, V10, V11, V12, V13, V14, V15)
	SUBS    $1, R13
	BNE     sloop

snext:
	ADD  R2, R1
	ADD  R7, R6
	SUBS $1, R0
	BNE  srow

sdone:
	RET

// func spScatterRows32(rows int, ptr *int32, pstride int, idx *int32, val *float32, d *float32, ldd int, c *float32)
//
// spScatterRows for 32 columns: c is a packed panel of 32-float rows.
TEXT ·spScatterRows32(SB), NOSPLIT, $0-64
	MOVD rows+0(FP), R0
	MOVD ptr+8(FP), R1
	MOVD pstride+16(FP), R2
	LSL  $2, R2
	MOVD idx+24(FP), R3
	MOVD val+32(FP), R4
	MOVD d+40(FP), R6
	MOVD ldd+48(FP), R7
	LSL  $2, R7
	MOVD c+56(FP), R5
	CBZ  R0, s32done

s32row:
	MOVW   (R1), R12
	MOVW   4(R1), R13
	SUBS   R12, R13
	BEQ    s32next
	ADD    R12<<2, R3, R10
	ADD    R12<<2, R4, R11
	MOVD   R6, R14
	VLD1.P 64(R14), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1   (R14), [V4.S4, V5.S4, V6.S4, V7.S4]

s32loop:
	MOVW.P  4(R10), R12
	ADD     R12<<7, R5, R14
	MOVD    R14, R15
	VLD1R.P 4(R11), [V16.S4]
	SCATTER8(V0, V1, V2, V3, V4, V5, V6, V7)
	SUBS    $1, R13
	BNE     s32loop

s32next:
	ADD  R2, R1
	ADD  R7, R6
	SUBS $1, R0
	BNE  s32row

s32done:
	RET

// func spGatherRows(rows int, ptr *int32, ent *spEntry, d *float32, ldd int, c *float32, ldc int, beta float32)
//
// For each row i < rows of C, with p0 = ptr[i] and p1 = ptr[i+1]:
// c[i*ldc : i*ldc+64] = Σ_{p0≤p<p1} val[p]·d[row[p]*ldd : row[p]*ldd+64] +
// beta·c[...] (beta·c added last, fused; c not read if beta == 0). The row
// of C is summed in V0..V15, 16 independent chains; V31 holds beta and R9
// its bits without the sign (0 for beta = ±0).
TEXT ·spGatherRows(SB), NOSPLIT, $0-60
	MOVD  rows+0(FP), R0
	MOVD  ptr+8(FP), R1
	MOVD  ent+16(FP), R3
	MOVD  d+24(FP), R5
	MOVD  ldd+32(FP), R6
	LSL   $2, R6
	MOVD  c+40(FP), R7
	MOVD  ldc+48(FP), R8
	LSL   $2, R8
	MOVWU beta+56(FP), R9
	VDUP  R9, V31.S4
	AND   $0x7fffffff, R9
	CBZ   R0, gdone

grow:
	ZERO8(V0, V1, V2, V3, V4, V5, V6, V7)
	ZERO8(V8, V9, V10, V11, V12, V13, V14, V15)
	MOVW (R1), R12
	MOVW 4(R1), R13
	SUBS R12, R13
	BLE  gsum
	ADD  R12<<3, R3, R10

gloop:
	ADD     $4, R10, R11
	VLD1R   (R11), [V16.S4]
	MOVW.P  8(R10), R12
	MUL     R6, R12, R14
	ADD     R5, R14
	LOAD8(R14)
	FMA8(V16, V0, V1, V2, V3, V4, V5, V6, V7)
	LOAD8(R14)
	FMA8(V16, V8, V9, V10, V11, V12, V13, V14, V15)
	SUBS    $1, R13
	BNE     gloop

gsum:
	CBZ  R9, gput
	MOVD R7, R14
	LOAD8(R14)
	FMA8(V31, V0, V1, V2, V3, V4, V5, V6, V7)
	LOAD8(R14)
	FMA8(V31, V8, V9, V10, V11, V12, V13, V14, V15)

gput:
	MOVD   R7, R14
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R14)
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R14)
	VST1.P [V8.S4, V9.S4, V10.S4, V11.S4], 64(R14)
	VST1   [V12.S4, V13.S4, V14.S4, V15.S4], (R14)
	ADD    $4, R1
	ADD    R8, R7
	SUBS   $1, R0
	BNE    grow

gdone:
	RET
