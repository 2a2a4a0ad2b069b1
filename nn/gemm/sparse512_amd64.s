// AVX-512 kernels for SparseMul and SparseTMul (amd64 only); the contracts
// are those of the AVX2 kernels in sparse_amd64.s. compress has no AVX-512
// form: one with VCOMPRESSPS/VPCOMPRESSD and masked stores, 16 values at a
// time, measured no faster than compressAVX2 on a Zen 5 EPYC (17.1 against
// 16.9 µs of CPU time for 128 MNIST-like rows, n=12), so the AVX-512 set
// keeps compressAVX2.
//
// spmmRows512 and spmmRows32_512 compute two rows of C at a time, so that
// 8 (or 4) independent chains of FMAs hide the FMA latency, while each
// element of C still sums its products in the order of the AVX2 and Go
// kernels (the results are bit for bit the same).
//
// Register use in spmmRows512:
//   Z0..Z3   accumulators for the 64 columns of the first row of the pair
//   Z4..Z7   the same for the second row
//   Z8, Z9   the broadcast values of the current nonzero of each row
//   Z10      beta; X11 zero; X12 one
//   R13      rows left; R12 the pair's segment bounds; R11 their stride (bytes)
//   R10, R9  column indices and values of S
//   SI, CX   the first row's next entry and end; DI, R14 the second row's
//   AX, R15  addresses of rows of B
//   BX       the packed 64-column panel of B; DX the first row of C; R8 C's stride (bytes)

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

pair:
	CMPQ    R13, $2
	JLT     single
	MOVLQSX (R12), SI
	MOVLQSX 4(R12), CX
	MOVLQSX (R12)(R11*1), DI
	MOVLQSX 4(R12)(R11*1), R14
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7

both: // one entry of each row while both have some
	CMPQ         SI, CX
	JGE          onlyb
	CMPQ         DI, R14
	JGE          onlya
	MOVLQSX      (R10)(SI*4), AX
	MOVLQSX      (R10)(DI*4), R15
	SHLQ         $8, AX
	SHLQ         $8, R15
	ADDQ         BX, AX
	ADDQ         BX, R15
	VBROADCASTSS (R9)(SI*4), Z8
	VBROADCASTSS (R9)(DI*4), Z9
	VFMADD231PS  0(AX), Z8, Z0
	VFMADD231PS  0(R15), Z9, Z4
	VFMADD231PS  64(AX), Z8, Z1
	VFMADD231PS  64(R15), Z9, Z5
	VFMADD231PS  128(AX), Z8, Z2
	VFMADD231PS  128(R15), Z9, Z6
	VFMADD231PS  192(AX), Z8, Z3
	VFMADD231PS  192(R15), Z9, Z7
	INCQ         SI
	INCQ         DI
	JMP          both

onlya: // the rest of the first row
	CMPQ         SI, CX
	JGE          storepair
	MOVLQSX      (R10)(SI*4), AX
	SHLQ         $8, AX
	ADDQ         BX, AX
	VBROADCASTSS (R9)(SI*4), Z8
	VFMADD231PS  0(AX), Z8, Z0
	VFMADD231PS  64(AX), Z8, Z1
	VFMADD231PS  128(AX), Z8, Z2
	VFMADD231PS  192(AX), Z8, Z3
	INCQ         SI
	JMP          onlya

onlyb: // the rest of the second row
	CMPQ         DI, R14
	JGE          storepair
	MOVLQSX      (R10)(DI*4), R15
	SHLQ         $8, R15
	ADDQ         BX, R15
	VBROADCASTSS (R9)(DI*4), Z9
	VFMADD231PS  0(R15), Z9, Z4
	VFMADD231PS  64(R15), Z9, Z5
	VFMADD231PS  128(R15), Z9, Z6
	VFMADD231PS  192(R15), Z9, Z7
	INCQ         DI
	JMP          onlyb

storepair:
	MOVL     0(R12), AX
	CMPL     AX, 4(R12)
	JNE      sado
	VUCOMISS X12, X10
	JEQ      sadone // no entries and beta == 1: leave the row alone

sado:
	VUCOMISS X11, X10
	JEQ      sawrite
	VFMADD231PS 0(DX), Z10, Z0
	VFMADD231PS 64(DX), Z10, Z1
	VFMADD231PS 128(DX), Z10, Z2
	VFMADD231PS 192(DX), Z10, Z3

sawrite:
	VMOVUPS Z0, 0(DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, 192(DX)

sadone:
	LEAQ (DX)(R8*1), R15
	MOVL     0(R12)(R11*1), AX
	CMPL     AX, 4(R12)(R11*1)
	JNE      sbdo
	VUCOMISS X12, X10
	JEQ      sbdone // no entries and beta == 1: leave the row alone

sbdo:
	VUCOMISS X11, X10
	JEQ      sbwrite
	VFMADD231PS 0(R15), Z10, Z4
	VFMADD231PS 64(R15), Z10, Z5
	VFMADD231PS 128(R15), Z10, Z6
	VFMADD231PS 192(R15), Z10, Z7

sbwrite:
	VMOVUPS Z4, 0(R15)
	VMOVUPS Z5, 64(R15)
	VMOVUPS Z6, 128(R15)
	VMOVUPS Z7, 192(R15)

sbdone:
	LEAQ (R12)(R11*2), R12
	LEAQ (DX)(R8*2), DX
	SUBQ $2, R13
	JMP  pair

single: // a last, odd row
	TESTQ   R13, R13
	JEQ     done
	MOVLQSX (R12), SI
	MOVLQSX 4(R12), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3

one:
	CMPQ         SI, CX
	JGE          storeone
	MOVLQSX      (R10)(SI*4), AX
	SHLQ         $8, AX
	ADDQ         BX, AX
	VBROADCASTSS (R9)(SI*4), Z8
	VFMADD231PS  0(AX), Z8, Z0
	VFMADD231PS  64(AX), Z8, Z1
	VFMADD231PS  128(AX), Z8, Z2
	VFMADD231PS  192(AX), Z8, Z3
	INCQ         SI
	JMP          one

storeone:
	MOVL     0(R12), AX
	CMPL     AX, 4(R12)
	JNE      sodo
	VUCOMISS X12, X10
	JEQ      sodone // no entries and beta == 1: leave the row alone

sodo:
	VUCOMISS X11, X10
	JEQ      sowrite
	VFMADD231PS 0(DX), Z10, Z0
	VFMADD231PS 64(DX), Z10, Z1
	VFMADD231PS 128(DX), Z10, Z2
	VFMADD231PS 192(DX), Z10, Z3

sowrite:
	VMOVUPS Z0, 0(DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, 192(DX)

sodone:

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

hpair:
	CMPQ    R13, $2
	JLT     hsingle
	MOVLQSX (R12), SI
	MOVLQSX 4(R12), CX
	MOVLQSX (R12)(R11*1), DI
	MOVLQSX 4(R12)(R11*1), R14
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5

hboth: // one entry of each row while both have some
	CMPQ         SI, CX
	JGE          honlyb
	CMPQ         DI, R14
	JGE          honlya
	MOVLQSX      (R10)(SI*4), AX
	MOVLQSX      (R10)(DI*4), R15
	SHLQ         $7, AX
	SHLQ         $7, R15
	ADDQ         BX, AX
	ADDQ         BX, R15
	VBROADCASTSS (R9)(SI*4), Z8
	VBROADCASTSS (R9)(DI*4), Z9
	VFMADD231PS  0(AX), Z8, Z0
	VFMADD231PS  0(R15), Z9, Z4
	VFMADD231PS  64(AX), Z8, Z1
	VFMADD231PS  64(R15), Z9, Z5
	INCQ         SI
	INCQ         DI
	JMP          hboth

honlya: // the rest of the first row
	CMPQ         SI, CX
	JGE          hstorepair
	MOVLQSX      (R10)(SI*4), AX
	SHLQ         $7, AX
	ADDQ         BX, AX
	VBROADCASTSS (R9)(SI*4), Z8
	VFMADD231PS  0(AX), Z8, Z0
	VFMADD231PS  64(AX), Z8, Z1
	INCQ         SI
	JMP          honlya

honlyb: // the rest of the second row
	CMPQ         DI, R14
	JGE          hstorepair
	MOVLQSX      (R10)(DI*4), R15
	SHLQ         $7, R15
	ADDQ         BX, R15
	VBROADCASTSS (R9)(DI*4), Z9
	VFMADD231PS  0(R15), Z9, Z4
	VFMADD231PS  64(R15), Z9, Z5
	INCQ         DI
	JMP          honlyb

hstorepair:
	MOVL     0(R12), AX
	CMPL     AX, 4(R12)
	JNE      hsado
	VUCOMISS X12, X10
	JEQ      hsadone // no entries and beta == 1: leave the row alone

hsado:
	VUCOMISS X11, X10
	JEQ      hsawrite
	VFMADD231PS 0(DX), Z10, Z0
	VFMADD231PS 64(DX), Z10, Z1

hsawrite:
	VMOVUPS Z0, 0(DX)
	VMOVUPS Z1, 64(DX)

hsadone:
	LEAQ (DX)(R8*1), R15
	MOVL     0(R12)(R11*1), AX
	CMPL     AX, 4(R12)(R11*1)
	JNE      hsbdo
	VUCOMISS X12, X10
	JEQ      hsbdone // no entries and beta == 1: leave the row alone

hsbdo:
	VUCOMISS X11, X10
	JEQ      hsbwrite
	VFMADD231PS 0(R15), Z10, Z4
	VFMADD231PS 64(R15), Z10, Z5

hsbwrite:
	VMOVUPS Z4, 0(R15)
	VMOVUPS Z5, 64(R15)

hsbdone:
	LEAQ (R12)(R11*2), R12
	LEAQ (DX)(R8*2), DX
	SUBQ $2, R13
	JMP  hpair

hsingle: // a last, odd row
	TESTQ   R13, R13
	JEQ     hdone
	MOVLQSX (R12), SI
	MOVLQSX 4(R12), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1

hone:
	CMPQ         SI, CX
	JGE          hstoreone
	MOVLQSX      (R10)(SI*4), AX
	SHLQ         $7, AX
	ADDQ         BX, AX
	VBROADCASTSS (R9)(SI*4), Z8
	VFMADD231PS  0(AX), Z8, Z0
	VFMADD231PS  64(AX), Z8, Z1
	INCQ         SI
	JMP          hone

hstoreone:
	MOVL     0(R12), AX
	CMPL     AX, 4(R12)
	JNE      hsodo
	VUCOMISS X12, X10
	JEQ      hsodone // no entries and beta == 1: leave the row alone

hsodo:
	VUCOMISS X11, X10
	JEQ      hsowrite
	VFMADD231PS 0(DX), Z10, Z0
	VFMADD231PS 64(DX), Z10, Z1

hsowrite:
	VMOVUPS Z0, 0(DX)
	VMOVUPS Z1, 64(DX)

hsodone:

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

// func spGatherRows512(rows int, ptr *int32, ent *spEntry, d *float32, ldd int, c *float32, ldc int, beta float32)
//
// spGatherRows for two rows of C at a time: the pair's 8 accumulators
// (Z0..Z3 and Z4..Z7) are 8 independent chains of FMAs, while each row
// still sums its nonzeros in order (the results are bit for bit those of
// spGatherRows). SI..CX and DI..R15 are the pair's entries; AX and R14
// the rows of d they read.
TEXT ·spGatherRows512(SB), NOSPLIT, $0-60
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
	VBROADCASTSS beta+56(FP), Z15

gpair:
	CMPQ    R13, $2
	JLT     gone
	VXORPS  Z0, Z0, Z0
	VXORPS  Z1, Z1, Z1
	VXORPS  Z2, Z2, Z2
	VXORPS  Z3, Z3, Z3
	VXORPS  Z4, Z4, Z4
	VXORPS  Z5, Z5, Z5
	VXORPS  Z6, Z6, Z6
	VXORPS  Z7, Z7, Z7
	MOVLQSX (R12), SI
	MOVLQSX 4(R12), CX
	MOVLQSX 4(R12), DI
	MOVLQSX 8(R12), R15

gboth:
	CMPQ         SI, CX
	JGE          gtail1
	CMPQ         DI, R15
	JGE          gtail1
	MOVLQSX      (R10)(SI*8), AX
	IMULQ        R8, AX
	ADDQ         DX, AX
	MOVLQSX      (R10)(DI*8), R14
	IMULQ        R8, R14
	ADDQ         DX, R14
	VBROADCASTSS (R9)(SI*8), Z8
	VBROADCASTSS (R9)(DI*8), Z9
	VFMADD231PS  (AX), Z8, Z0
	VFMADD231PS  64(AX), Z8, Z1
	VFMADD231PS  128(AX), Z8, Z2
	VFMADD231PS  192(AX), Z8, Z3
	VFMADD231PS  (R14), Z9, Z4
	VFMADD231PS  64(R14), Z9, Z5
	VFMADD231PS  128(R14), Z9, Z6
	VFMADD231PS  192(R14), Z9, Z7
	INCQ         SI
	INCQ         DI
	JMP          gboth

gtail1:
	CMPQ         SI, CX
	JGE          gtail2
	MOVLQSX      (R10)(SI*8), AX
	IMULQ        R8, AX
	ADDQ         DX, AX
	VBROADCASTSS (R9)(SI*8), Z8
	VFMADD231PS  (AX), Z8, Z0
	VFMADD231PS  64(AX), Z8, Z1
	VFMADD231PS  128(AX), Z8, Z2
	VFMADD231PS  192(AX), Z8, Z3
	INCQ         SI
	JMP          gtail1

gtail2:
	CMPQ         DI, R15
	JGE          gsum2
	MOVLQSX      (R10)(DI*8), R14
	IMULQ        R8, R14
	ADDQ         DX, R14
	VBROADCASTSS (R9)(DI*8), Z9
	VFMADD231PS  (R14), Z9, Z4
	VFMADD231PS  64(R14), Z9, Z5
	VFMADD231PS  128(R14), Z9, Z6
	VFMADD231PS  192(R14), Z9, Z7
	INCQ         DI
	JMP          gtail2

gsum2:
	LEAQ        (BX)(R11*1), R14
	MOVL        beta+56(FP), AX
	ANDL        $0x7fffffff, AX // 0 for beta = ±0: c is not read
	JEQ         gput2
	VFMADD231PS (BX), Z15, Z0
	VFMADD231PS 64(BX), Z15, Z1
	VFMADD231PS 128(BX), Z15, Z2
	VFMADD231PS 192(BX), Z15, Z3
	VFMADD231PS (R14), Z15, Z4
	VFMADD231PS 64(R14), Z15, Z5
	VFMADD231PS 128(R14), Z15, Z6
	VFMADD231PS 192(R14), Z15, Z7

gput2:
	VMOVUPS Z0, (BX)
	VMOVUPS Z1, 64(BX)
	VMOVUPS Z2, 128(BX)
	VMOVUPS Z3, 192(BX)
	VMOVUPS Z4, (R14)
	VMOVUPS Z5, 64(R14)
	VMOVUPS Z6, 128(R14)
	VMOVUPS Z7, 192(R14)
	ADDQ    $8, R12
	LEAQ    (BX)(R11*2), BX
	SUBQ    $2, R13
	JMP     gpair

gone:
	TESTQ   R13, R13
	JEQ     gdone
	VXORPS  Z0, Z0, Z0
	VXORPS  Z1, Z1, Z1
	VXORPS  Z2, Z2, Z2
	VXORPS  Z3, Z3, Z3
	MOVLQSX (R12), SI
	MOVLQSX 4(R12), CX

gloop1:
	CMPQ         SI, CX
	JGE          gsum1
	MOVLQSX      (R10)(SI*8), AX
	IMULQ        R8, AX
	ADDQ         DX, AX
	VBROADCASTSS (R9)(SI*8), Z8
	VFMADD231PS  (AX), Z8, Z0
	VFMADD231PS  64(AX), Z8, Z1
	VFMADD231PS  128(AX), Z8, Z2
	VFMADD231PS  192(AX), Z8, Z3
	INCQ         SI
	JMP          gloop1

gsum1:
	MOVL        beta+56(FP), AX
	ANDL        $0x7fffffff, AX
	JEQ         gput1
	VFMADD231PS (BX), Z15, Z0
	VFMADD231PS 64(BX), Z15, Z1
	VFMADD231PS 128(BX), Z15, Z2
	VFMADD231PS 192(BX), Z15, Z3

gput1:
	VMOVUPS Z0, (BX)
	VMOVUPS Z1, 64(BX)
	VMOVUPS Z2, 128(BX)
	VMOVUPS Z3, 192(BX)

gdone:
	VZEROUPPER
	RET
