// AVX-512 kernels for SparseMul and SparseTMul (amd64 only); the contracts
// are those of the AVX2 kernels in sparse_amd64.s. compress has no AVX-512
// form: one with VCOMPRESSPS/VPCOMPRESSD and masked stores, 16 values at a
// time, measured no faster than compressAVX2 on a Zen 5 EPYC (17.1 against
// 16.9 µs of CPU time for 128 MNIST-like rows, n=12), so the AVX-512 set
// keeps compressAVX2.
//
// Register use in spmmRows512:
//   Z0..Z3, Z4..Z7  two sets of accumulators for the 64 columns of one row
//                   of C, for even and odd nonzeros: one set alone would
//                   leave the FMA pipes waiting on the 4-cycle FMA latency
//   Z8, Z9   the broadcast values of the current two nonzeros
//   Z10      beta; X11 zero; X12 one
//   R13      rows left; R12 the row's segment bounds; R11 their stride (bytes)
//   R10, R9  column indices and values of S; SI, DI cursors in them
//   BX       the packed 64-column panel of B; DX the row of C; R8 C's stride (bytes)

#include "textflag.h"

// func spmmRows512(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)
TEXT ·spmmRows512(SB), NOSPLIT, $0-68
	MOVQ         rows+0(FP), R13
	MOVQ         ptr+8(FP), R12
	MOVQ         pstride+16(FP), R11
	SHLQ         $2, R11
	MOVQ         idx+24(FP), R10
	MOVQ         val+32(FP), R9
	MOVQ         b+40(FP), BX
	MOVQ         c+48(FP), DX
	MOVQ         ldc+56(FP), R8
	SHLQ         $2, R8
	VBROADCASTSS beta+64(FP), Z10
	VXORPS       X11, X11, X11
	MOVL         $0x3f800000, AX
	VMOVD        AX, X12
	TESTQ        R13, R13
	JEQ          done

row:
	MOVLQSX  (R12), SI
	MOVLQSX  4(R12), CX
	SUBQ     SI, CX
	JNE      entries
	VUCOMISS X12, X10
	JEQ      next      // no entries and beta == 1: nothing to do

entries:
	LEAQ   (R9)(SI*4), DI
	LEAQ   (R10)(SI*4), SI
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	MOVQ   CX, R14
	SHRQ   $1, R14
	JEQ    one

loop2:
	MOVLQSX      (SI), AX
	MOVLQSX      4(SI), R15
	SHLQ         $8, AX
	SHLQ         $8, R15
	ADDQ         BX, AX
	ADDQ         BX, R15
	VBROADCASTSS (DI), Z8
	VBROADCASTSS 4(DI), Z9
	VFMADD231PS  (AX), Z8, Z0
	VFMADD231PS  64(AX), Z8, Z1
	VFMADD231PS  128(AX), Z8, Z2
	VFMADD231PS  192(AX), Z8, Z3
	VFMADD231PS  (R15), Z9, Z4
	VFMADD231PS  64(R15), Z9, Z5
	VFMADD231PS  128(R15), Z9, Z6
	VFMADD231PS  192(R15), Z9, Z7
	ADDQ         $8, SI
	ADDQ         $8, DI
	DECQ         R14
	JNE          loop2

one:
	TESTQ        $1, CX
	JEQ          sum
	MOVLQSX      (SI), AX
	SHLQ         $8, AX
	ADDQ         BX, AX
	VBROADCASTSS (DI), Z8
	VFMADD231PS  (AX), Z8, Z0
	VFMADD231PS  64(AX), Z8, Z1
	VFMADD231PS  128(AX), Z8, Z2
	VFMADD231PS  192(AX), Z8, Z3

sum:
	VADDPS Z4, Z0, Z0
	VADDPS Z5, Z1, Z1
	VADDPS Z6, Z2, Z2
	VADDPS Z7, Z3, Z3
	VUCOMISS    X11, X10
	JEQ         write
	VFMADD231PS (DX), Z10, Z0
	VFMADD231PS 64(DX), Z10, Z1
	VFMADD231PS 128(DX), Z10, Z2
	VFMADD231PS 192(DX), Z10, Z3

write:
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, 192(DX)

next:
	ADDQ R11, R12
	ADDQ R8, DX
	DECQ R13
	JNE  row

done:
	VZEROUPPER
	RET

// func spmmRows32_512(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)
//
// spmmRows512 for a 32-column panel (rows of 128 bytes) and 32 columns of C.
TEXT ·spmmRows32_512(SB), NOSPLIT, $0-68
	MOVQ         rows+0(FP), R13
	MOVQ         ptr+8(FP), R12
	MOVQ         pstride+16(FP), R11
	SHLQ         $2, R11
	MOVQ         idx+24(FP), R10
	MOVQ         val+32(FP), R9
	MOVQ         b+40(FP), BX
	MOVQ         c+48(FP), DX
	MOVQ         ldc+56(FP), R8
	SHLQ         $2, R8
	VBROADCASTSS beta+64(FP), Z10
	VXORPS       X11, X11, X11
	MOVL         $0x3f800000, AX
	VMOVD        AX, X12
	TESTQ        R13, R13
	JEQ          hdone

hrow:
	MOVLQSX  (R12), SI
	MOVLQSX  4(R12), CX
	SUBQ     SI, CX
	JNE      hentries
	VUCOMISS X12, X10
	JEQ      hnext

hentries:
	LEAQ   (R9)(SI*4), DI
	LEAQ   (R10)(SI*4), SI
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	MOVQ   CX, R14
	SHRQ   $1, R14
	JEQ    hone

hloop2:
	MOVLQSX      (SI), AX
	MOVLQSX      4(SI), R15
	SHLQ         $7, AX
	SHLQ         $7, R15
	ADDQ         BX, AX
	ADDQ         BX, R15
	VBROADCASTSS (DI), Z8
	VBROADCASTSS 4(DI), Z9
	VFMADD231PS  (AX), Z8, Z0
	VFMADD231PS  64(AX), Z8, Z1
	VFMADD231PS  (R15), Z9, Z4
	VFMADD231PS  64(R15), Z9, Z5
	ADDQ         $8, SI
	ADDQ         $8, DI
	DECQ         R14
	JNE          hloop2

hone:
	TESTQ        $1, CX
	JEQ          hsum
	MOVLQSX      (SI), AX
	SHLQ         $7, AX
	ADDQ         BX, AX
	VBROADCASTSS (DI), Z8
	VFMADD231PS  (AX), Z8, Z0
	VFMADD231PS  64(AX), Z8, Z1

hsum:
	VADDPS      Z4, Z0, Z0
	VADDPS      Z5, Z1, Z1
	VUCOMISS    X11, X10
	JEQ         hwrite
	VFMADD231PS (DX), Z10, Z0
	VFMADD231PS 64(DX), Z10, Z1

hwrite:
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, 64(DX)

hnext:
	ADDQ R11, R12
	ADDQ R8, DX
	DECQ R13
	JNE  hrow

hdone:
	VZEROUPPER
	RET

// func spScatterRows512(rows int, ptr *int32, pstride int, idx *int32, val *float32, d *float32, ldd int, c *float32)
//
// The row of d stays in Z0..Z3; each nonzero updates its 256-byte row of
// the packed panel c with 4 loads, FMAs and stores (8 of each with AVX2).
TEXT ·spScatterRows512(SB), NOSPLIT, $0-64
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
	VMOVUPS (DX), Z0
	VMOVUPS 64(DX), Z1
	VMOVUPS 128(DX), Z2
	VMOVUPS 192(DX), Z3

sloop:
	MOVLQSX      (SI), AX
	SHLQ         $8, AX
	ADDQ         BX, AX
	VBROADCASTSS (DI), Z8
	VMOVUPS      (AX), Z9
	VMOVUPS      64(AX), Z10
	VMOVUPS      128(AX), Z11
	VMOVUPS      192(AX), Z12
	VFMADD231PS  Z0, Z8, Z9
	VFMADD231PS  Z1, Z8, Z10
	VFMADD231PS  Z2, Z8, Z11
	VFMADD231PS  Z3, Z8, Z12
	VMOVUPS      Z9, (AX)
	VMOVUPS      Z10, 64(AX)
	VMOVUPS      Z11, 128(AX)
	VMOVUPS      Z12, 192(AX)
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

// func spScatterRows32_512(rows int, ptr *int32, pstride int, idx *int32, val *float32, d *float32, ldd int, c *float32)
//
// spScatterRows512 for 32 columns of d and a 32-column panel c.
TEXT ·spScatterRows32_512(SB), NOSPLIT, $0-64
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
	VMOVUPS (DX), Z0
	VMOVUPS 64(DX), Z1

tloop:
	MOVLQSX      (SI), AX
	SHLQ         $7, AX
	ADDQ         BX, AX
	VBROADCASTSS (DI), Z8
	VMOVUPS      (AX), Z9
	VMOVUPS      64(AX), Z10
	VFMADD231PS  Z0, Z8, Z9
	VFMADD231PS  Z1, Z8, Z10
	VMOVUPS      Z9, (AX)
	VMOVUPS      Z10, 64(AX)
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
