// AVX2+FMA kernel for SparseMul (amd64 only).
//
// Register use in spmmRows:
//   Y0..Y7   accumulators for the 64 columns of one row of C
//   Y8       the broadcast value of the current nonzero
//   Y9       beta; X10 zero; X11 one
//   R13      rows left; R12 the row's segment bounds; R11 their stride (bytes)
//   R10, R9  column indices and values of S; SI, DI cursors in them
//   BX       the packed 64-column panel of B; DX the row of C; R8 C's stride (bytes)

#include "textflag.h"

// func spmmRows(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)
//
// For each row r < rows, with p0 = ptr[r*pstride] and p1 = ptr[r*pstride+1]:
// c[r*ldc : r*ldc+64] = Σ_{p0≤p<p1} val[p]·b[idx[p]*64 : idx[p]*64+64] + beta·c[...].
// If beta == 0, c is not read; rows without entries are left alone if beta == 1.
TEXT ·spmmRows(SB), NOSPLIT, $0-68
	MOVQ rows+0(FP), R13
	MOVQ ptr+8(FP), R12
	MOVQ pstride+16(FP), R11
	SHLQ $2, R11
	MOVQ idx+24(FP), R10
	MOVQ val+32(FP), R9
	MOVQ b+40(FP), BX
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R8
	SHLQ $2, R8
	VBROADCASTSS beta+64(FP), Y9
	VXORPS X10, X10, X10
	MOVL   $0x3f800000, AX
	VMOVD  AX, X11
	TESTQ  R13, R13
	JEQ    done

row:
	MOVLQSX (R12), SI
	MOVLQSX 4(R12), CX
	SUBQ    SI, CX
	JNE     entries
	VUCOMISS X11, X9
	JEQ     next      // no entries and beta == 1: nothing to do

entries:
	LEAQ (R9)(SI*4), DI
	LEAQ (R10)(SI*4), SI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	TESTQ  CX, CX
	JEQ    store

loop:
	MOVLQSX      (SI), AX
	SHLQ         $8, AX
	ADDQ         BX, AX
	VBROADCASTSS (DI), Y8
	VFMADD231PS  (AX), Y8, Y0
	VFMADD231PS  32(AX), Y8, Y1
	VFMADD231PS  64(AX), Y8, Y2
	VFMADD231PS  96(AX), Y8, Y3
	VFMADD231PS  128(AX), Y8, Y4
	VFMADD231PS  160(AX), Y8, Y5
	VFMADD231PS  192(AX), Y8, Y6
	VFMADD231PS  224(AX), Y8, Y7
	ADDQ         $4, SI
	ADDQ         $4, DI
	DECQ         CX
	JNE          loop

store:
	VUCOMISS    X10, X9
	JEQ         write
	VFMADD231PS (DX), Y9, Y0
	VFMADD231PS 32(DX), Y9, Y1
	VFMADD231PS 64(DX), Y9, Y2
	VFMADD231PS 96(DX), Y9, Y3
	VFMADD231PS 128(DX), Y9, Y4
	VFMADD231PS 160(DX), Y9, Y5
	VFMADD231PS 192(DX), Y9, Y6
	VFMADD231PS 224(DX), Y9, Y7

write:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, 128(DX)
	VMOVUPS Y5, 160(DX)
	VMOVUPS Y6, 192(DX)
	VMOVUPS Y7, 224(DX)

next:
	ADDQ R11, R12
	ADDQ R8, DX
	DECQ R13
	JNE  row

done:
	VZEROUPPER
	RET

// func compressAVX2(x *float32, n, base int, idx *int32, val *float32, lut *[256][8]int32) int
//
// Stores the nonzeros of x[0:n] (n a multiple of 8) left-packed in val and
// their positions plus base in idx, 8 at a time: a compare gives the mask of
// nonzeros, lut[mask] the permutation that packs them, and the count
// advances by the mask's population. Writes up to 8 entries beyond the count.
// Groups of eight zeros are stored too (the count does not move): a branch
// around them mispredicts on image rows, which cost 14 cycles a group on
// MNIST with it against 11 without (AMD Zen 2).
TEXT ·compressAVX2(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ base+16(FP), BX
	MOVQ idx+24(FP), DI
	MOVQ val+32(FP), R8
	MOVQ lut+40(FP), R9
	XORQ AX, AX
	VXORPS Y5, Y5, Y5
	VMOVDQU 8160(R9), Y7   // lut[255] = 0, 1, ..., 7
	VMOVQ   BX, X6
	VPBROADCASTD X6, Y6
	VPADDD  Y7, Y6, Y6     // positions of the current 8 values
	MOVL    $8, BX
	VMOVQ   BX, X8
	VPBROADCASTD X8, Y8
	TESTQ   CX, CX
	JEQ     cdone

cloop:
	VMOVUPS   (SI), Y0
	VCMPPS    $4, Y5, Y0, Y1 // x != 0 (NaN counts as nonzero, like Go's !=)
	VMOVMSKPS Y1, BX
	MOVQ      BX, R10
	SHLQ      $5, R10
	VMOVDQU   (R9)(R10*1), Y2
	VPERMPS   Y0, Y2, Y3
	VPERMD    Y6, Y2, Y4
	VMOVUPS   Y3, (R8)(AX*4)
	VMOVDQU   Y4, (DI)(AX*4)
	POPCNTL   BX, BX
	ADDQ      BX, AX
	VPADDD Y8, Y6, Y6
	ADDQ   $32, SI
	SUBQ   $8, CX
	JNE    cloop

cdone:
	MOVQ AX, ret+48(FP)
	VZEROUPPER
	RET

// func spScatterRows(rows int, ptr *int32, pstride int, idx *int32, val *float32, d *float32, ldd int, c *float32)
//
// For each row r < rows of S, with p0 = ptr[r*pstride] and p1 =
// ptr[r*pstride+1]: c[idx[p]*64 : idx[p]*64+64] += val[p]·d[r*ldd : r*ldd+64]
// for p0 ≤ p < p1. The row of d stays in Y0..Y7; c is a packed panel of
// 64-float rows.
TEXT ·spScatterRows(SB), NOSPLIT, $0-64
	MOVQ  rows+0(FP), R13
	MOVQ  ptr+8(FP), R12
	MOVQ  pstride+16(FP), R11
	SHLQ  $2, R11
	MOVQ  idx+24(FP), R10
	MOVQ  val+32(FP), R9
	MOVQ  d+40(FP), DX
	MOVQ  ldd+48(FP), R8
	SHLQ  $2, R8
	MOVQ  c+56(FP), BX
	TESTQ R13, R13
	JEQ   sdone

srow:
	MOVLQSX (R12), SI
	MOVLQSX 4(R12), CX
	SUBQ    SI, CX
	JEQ     snext
	LEAQ    (R9)(SI*4), DI
	LEAQ    (R10)(SI*4), SI
	VMOVUPS (DX), Y0
	VMOVUPS 32(DX), Y1
	VMOVUPS 64(DX), Y2
	VMOVUPS 96(DX), Y3
	VMOVUPS 128(DX), Y4
	VMOVUPS 160(DX), Y5
	VMOVUPS 192(DX), Y6
	VMOVUPS 224(DX), Y7

sloop:
	MOVLQSX      (SI), AX
	SHLQ         $8, AX
	ADDQ         BX, AX
	VBROADCASTSS (DI), Y8
	VMOVUPS      (AX), Y9
	VMOVUPS      32(AX), Y10
	VMOVUPS      64(AX), Y11
	VMOVUPS      96(AX), Y12
	VFMADD231PS  Y0, Y8, Y9
	VFMADD231PS  Y1, Y8, Y10
	VFMADD231PS  Y2, Y8, Y11
	VFMADD231PS  Y3, Y8, Y12
	VMOVUPS      Y9, (AX)
	VMOVUPS      Y10, 32(AX)
	VMOVUPS      Y11, 64(AX)
	VMOVUPS      Y12, 96(AX)
	VMOVUPS      128(AX), Y9
	VMOVUPS      160(AX), Y10
	VMOVUPS      192(AX), Y11
	VMOVUPS      224(AX), Y12
	VFMADD231PS  Y4, Y8, Y9
	VFMADD231PS  Y5, Y8, Y10
	VFMADD231PS  Y6, Y8, Y11
	VFMADD231PS  Y7, Y8, Y12
	VMOVUPS      Y9, 128(AX)
	VMOVUPS      Y10, 160(AX)
	VMOVUPS      Y11, 192(AX)
	VMOVUPS      Y12, 224(AX)
	ADDQ         $4, SI
	ADDQ         $4, DI
	DECQ         CX
	JNE          sloop

snext:
	ADDQ R11, R12
	ADDQ R8, DX
	DECQ R13
	JNE  srow

sdone:
	VZEROUPPER
	RET

// func spmmRows32(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)
//
// spmmRows for a 32-column panel (rows of 128 bytes) and 32 columns of C:
// the last, narrower slab of a product whose width is not a multiple of 64.
TEXT ·spmmRows32(SB), NOSPLIT, $0-68
	MOVQ rows+0(FP), R13
	MOVQ ptr+8(FP), R12
	MOVQ pstride+16(FP), R11
	SHLQ $2, R11
	MOVQ idx+24(FP), R10
	MOVQ val+32(FP), R9
	MOVQ b+40(FP), BX
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R8
	SHLQ $2, R8
	VBROADCASTSS beta+64(FP), Y9
	VXORPS X10, X10, X10
	MOVL   $0x3f800000, AX
	VMOVD  AX, X11
	TESTQ  R13, R13
	JEQ    hdone

hrow:
	MOVLQSX  (R12), SI
	MOVLQSX  4(R12), CX
	SUBQ     SI, CX
	JNE      hentries
	VUCOMISS X11, X9
	JEQ      hnext

hentries:
	LEAQ   (R9)(SI*4), DI
	LEAQ   (R10)(SI*4), SI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	TESTQ  CX, CX
	JEQ    hstore

hloop:
	MOVLQSX      (SI), AX
	SHLQ         $7, AX
	ADDQ         BX, AX
	VBROADCASTSS (DI), Y8
	VFMADD231PS  (AX), Y8, Y0
	VFMADD231PS  32(AX), Y8, Y1
	VFMADD231PS  64(AX), Y8, Y2
	VFMADD231PS  96(AX), Y8, Y3
	ADDQ         $4, SI
	ADDQ         $4, DI
	DECQ         CX
	JNE          hloop

hstore:
	VUCOMISS    X10, X9
	JEQ         hwrite
	VFMADD231PS (DX), Y9, Y0
	VFMADD231PS 32(DX), Y9, Y1
	VFMADD231PS 64(DX), Y9, Y2
	VFMADD231PS 96(DX), Y9, Y3

hwrite:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)

hnext:
	ADDQ R11, R12
	ADDQ R8, DX
	DECQ R13
	JNE  hrow

hdone:
	VZEROUPPER
	RET

// func spScatterRows32(rows int, ptr *int32, pstride int, idx *int32, val *float32, d *float32, ldd int, c *float32)
//
// spScatterRows for 32 columns of d and a 32-column panel c.
TEXT ·spScatterRows32(SB), NOSPLIT, $0-64
	MOVQ  rows+0(FP), R13
	MOVQ  ptr+8(FP), R12
	MOVQ  pstride+16(FP), R11
	SHLQ  $2, R11
	MOVQ  idx+24(FP), R10
	MOVQ  val+32(FP), R9
	MOVQ  d+40(FP), DX
	MOVQ  ldd+48(FP), R8
	SHLQ  $2, R8
	MOVQ  c+56(FP), BX
	TESTQ R13, R13
	JEQ   tdone

trow:
	MOVLQSX (R12), SI
	MOVLQSX 4(R12), CX
	SUBQ    SI, CX
	JEQ     tnext
	LEAQ    (R9)(SI*4), DI
	LEAQ    (R10)(SI*4), SI
	VMOVUPS (DX), Y0
	VMOVUPS 32(DX), Y1
	VMOVUPS 64(DX), Y2
	VMOVUPS 96(DX), Y3

tloop:
	MOVLQSX      (SI), AX
	SHLQ         $7, AX
	ADDQ         BX, AX
	VBROADCASTSS (DI), Y8
	VMOVUPS      (AX), Y9
	VMOVUPS      32(AX), Y10
	VMOVUPS      64(AX), Y11
	VMOVUPS      96(AX), Y12
	VFMADD231PS  Y0, Y8, Y9
	VFMADD231PS  Y1, Y8, Y10
	VFMADD231PS  Y2, Y8, Y11
	VFMADD231PS  Y3, Y8, Y12
	VMOVUPS      Y9, (AX)
	VMOVUPS      Y10, 32(AX)
	VMOVUPS      Y11, 64(AX)
	VMOVUPS      Y12, 96(AX)
	ADDQ         $4, SI
	ADDQ         $4, DI
	DECQ         CX
	JNE          tloop

tnext:
	ADDQ R11, R12
	ADDQ R8, DX
	DECQ R13
	JNE  trow

tdone:
	VZEROUPPER
	RET

// func spGatherRows(rows int, ptr *int32, ent *spEntry, d *float32, ldd int, c *float32, ldc int, beta float32)
//
// For each row i < rows of C, with p0 = ptr[i] and p1 = ptr[i+1]:
// c[i*ldc : i*ldc+64] = Σ_{p0≤p<p1} val[p]·d[row[p]*ldd : row[p]*ldd+64] +
// beta·c[...] (beta·c added last, fused; c not read if beta == 0). The row
// of C is summed in Y0..Y7, eight independent chains, one FMA each per
// nonzero, with the rows of d read by the FMAs themselves.
TEXT ·spGatherRows(SB), NOSPLIT, $0-60
	MOVQ         rows+0(FP), R13
	MOVQ         ptr+8(FP), R12
	MOVQ         ent+16(FP), R10
	LEAQ         4(R10), R9
	MOVQ         d+24(FP), DX
	MOVQ         ldd+32(FP), R8
	SHLQ         $2, R8
	MOVQ         c+40(FP), BX
	MOVQ         ldc+48(FP), R11
	SHLQ         $2, R11
	VBROADCASTSS beta+56(FP), Y15
	MOVL         beta+56(FP), R14
	ANDL         $0x7fffffff, R14 // 0 for beta = ±0
	TESTQ        R13, R13
	JEQ          gdone

grow:
	VXORPS  Y0, Y0, Y0
	VXORPS  Y1, Y1, Y1
	VXORPS  Y2, Y2, Y2
	VXORPS  Y3, Y3, Y3
	VXORPS  Y4, Y4, Y4
	VXORPS  Y5, Y5, Y5
	VXORPS  Y6, Y6, Y6
	VXORPS  Y7, Y7, Y7
	MOVLQSX (R12), SI
	MOVLQSX 4(R12), CX
	SUBQ    SI, CX
	JLE     gsum

gloop:
	MOVLQSX      (R10)(SI*8), AX
	IMULQ        R8, AX
	ADDQ         DX, AX
	VBROADCASTSS (R9)(SI*8), Y8
	VFMADD231PS  (AX), Y8, Y0
	VFMADD231PS  32(AX), Y8, Y1
	VFMADD231PS  64(AX), Y8, Y2
	VFMADD231PS  96(AX), Y8, Y3
	VFMADD231PS  128(AX), Y8, Y4
	VFMADD231PS  160(AX), Y8, Y5
	VFMADD231PS  192(AX), Y8, Y6
	VFMADD231PS  224(AX), Y8, Y7
	INCQ         SI
	DECQ         CX
	JNE          gloop

gsum:
	TESTL       R14, R14
	JEQ         gput
	VFMADD231PS (BX), Y15, Y0
	VFMADD231PS 32(BX), Y15, Y1
	VFMADD231PS 64(BX), Y15, Y2
	VFMADD231PS 96(BX), Y15, Y3
	VFMADD231PS 128(BX), Y15, Y4
	VFMADD231PS 160(BX), Y15, Y5
	VFMADD231PS 192(BX), Y15, Y6
	VFMADD231PS 224(BX), Y15, Y7

gput:
	VMOVUPS Y0, (BX)
	VMOVUPS Y1, 32(BX)
	VMOVUPS Y2, 64(BX)
	VMOVUPS Y3, 96(BX)
	VMOVUPS Y4, 128(BX)
	VMOVUPS Y5, 160(BX)
	VMOVUPS Y6, 192(BX)
	VMOVUPS Y7, 224(BX)
	ADDQ    $4, R12
	ADDQ    R11, BX
	DECQ    R13
	JNE     grow

gdone:
	VZEROUPPER
	RET
