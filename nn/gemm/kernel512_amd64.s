// AVX-512 micro-kernel and packing for package gemm (amd64 only). Every
// instruction is VEX or EVEX encoded (no legacy SSE, so no transition
// penalties).
//
// Register use in kernel6x32:
//   Z4..Z15  12 accumulators: row r of the 6x32 tile lives in Z(4+2r) (cols 0-15)
//            and Z(5+2r) (cols 16-31)
//   Z0, Z1   the current 32-float row of the packed B sliver
//   Z2, Z3   alternating broadcasts of one element of the packed A sliver
// Per step of k: 2 loads of B and 6 broadcasts feed 12 FMAs, so the FMA
// pipes are the limit, not the load ports: two 512-bit pipes on Zen 5 and
// Sapphire Rapids; on Zen 4 each 512-bit FMA takes both 256-bit pipes, so
// there the kernel matches the AVX2 one's flops with half the instructions.

#include "textflag.h"

// KSTEP32 performs one rank-1 update of the 6x32 accumulator tile from
// packed A at SI+a0..a5 and packed B at DI+bo (32 floats).
#define KSTEP32(bo, bo2, a0, a1, a2, a3, a4, a5) \
	VMOVUPS      bo(DI), Z0;    \
	VMOVUPS      bo2(DI), Z1;   \
	VBROADCASTSS a0(SI), Z2;    \
	VFMADD231PS  Z0, Z2, Z4;    \
	VFMADD231PS  Z1, Z2, Z5;    \
	VBROADCASTSS a1(SI), Z3;    \
	VFMADD231PS  Z0, Z3, Z6;    \
	VFMADD231PS  Z1, Z3, Z7;    \
	VBROADCASTSS a2(SI), Z2;    \
	VFMADD231PS  Z0, Z2, Z8;    \
	VFMADD231PS  Z1, Z2, Z9;    \
	VBROADCASTSS a3(SI), Z3;    \
	VFMADD231PS  Z0, Z3, Z10;   \
	VFMADD231PS  Z1, Z3, Z11;   \
	VBROADCASTSS a4(SI), Z2;    \
	VFMADD231PS  Z0, Z2, Z12;   \
	VFMADD231PS  Z1, Z2, Z13;   \
	VBROADCASTSS a5(SI), Z3;    \
	VFMADD231PS  Z0, Z3, Z14;   \
	VFMADD231PS  Z1, Z3, Z15

// STOREROW32_0 writes alpha*acc for one row (beta == 0: C is not read).
#define STOREROW32_0(lo, hi) \
	VMULPS  Z0, lo, lo;  \
	VMULPS  Z0, hi, hi;  \
	VMOVUPS lo, (DX);    \
	VMOVUPS hi, 64(DX);  \
	ADDQ    R8, DX

// STOREROW32 writes alpha*acc + beta*C for one row.
#define STOREROW32(lo, hi) \
	VMULPS      Z0, lo, lo;      \
	VMULPS      Z0, hi, hi;      \
	VFMADD231PS (DX), Z1, lo;    \
	VFMADD231PS 64(DX), Z1, hi;  \
	VMOVUPS     lo, (DX);        \
	VMOVUPS     hi, 64(DX);      \
	ADDQ        R8, DX

// PREFC prefetches one 128-byte row of the C tile (three lines, as it may
// straddle them) and steps R9 to the next row.
#define PREFC \
	PREFETCHT0 (R9);    \
	PREFETCHT0 64(R9);  \
	PREFETCHT0 127(R9); \
	ADDQ       R8, R9

// func kernel6x32(k int, a, b, c *float32, ldc int, alpha, beta float32)
//
// C[0:6, 0:32] = alpha * Apack(6×k) · Bpack(k×32) + beta * C, where Apack
// holds 6 floats per k step and Bpack 32 floats per k step; C has row
// stride ldc (in floats). If beta == 0, C is not read.
TEXT ·kernel6x32(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8

	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

	MOVQ DX, R9
	PREFC
	PREFC
	PREFC
	PREFC
	PREFC
	PREFC

	MOVQ CX, BX
	SHRQ $2, BX
	JZ   tail

loop4:
	PREFETCHT0 256(SI)
	KSTEP32(0, 64, 0, 4, 8, 12, 16, 20)
	KSTEP32(128, 192, 24, 28, 32, 36, 40, 44)
	KSTEP32(256, 320, 48, 52, 56, 60, 64, 68)
	KSTEP32(384, 448, 72, 76, 80, 84, 88, 92)
	ADDQ $96, SI
	ADDQ $512, DI
	DECQ BX
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   store

loop1:
	KSTEP32(0, 64, 0, 4, 8, 12, 16, 20)
	ADDQ $24, SI
	ADDQ $128, DI
	DECQ CX
	JNZ  loop1

store:
	VBROADCASTSS alpha+40(FP), Z0
	MOVL         beta+44(FP), AX
	ANDL         $0x7fffffff, AX
	JZ           store0
	VBROADCASTSS beta+44(FP), Z1
	STOREROW32(Z4, Z5)
	STOREROW32(Z6, Z7)
	STOREROW32(Z8, Z9)
	STOREROW32(Z10, Z11)
	STOREROW32(Z12, Z13)
	STOREROW32(Z14, Z15)
	VZEROUPPER
	RET

store0:
	STOREROW32_0(Z4, Z5)
	STOREROW32_0(Z6, Z7)
	STOREROW32_0(Z8, Z9)
	STOREROW32_0(Z10, Z11)
	STOREROW32_0(Z12, Z13)
	STOREROW32_0(Z14, Z15)
	VZEROUPPER
	RET

// func fmaPeak512(n int)
//
// Runs n iterations of 16 independent 512-bit FMAs (512 flops per
// iteration); used only to measure the core's attainable FP32 peak.
TEXT ·fmaPeak512(SB), NOSPLIT, $0-8
	MOVQ   n+0(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	VPXORD Z24, Z24, Z24
	VPXORD Z25, Z25, Z25
	VPXORD Z26, Z26, Z26
	VPXORD Z27, Z27, Z27
	VPXORD Z28, Z28, Z28
	VPXORD Z29, Z29, Z29
	VPXORD Z30, Z30, Z30
	VPXORD Z31, Z31, Z31
	TESTQ  CX, CX
	JZ     peak512done

peak512loop:
	VFMADD231PS Z0, Z1, Z16
	VFMADD231PS Z0, Z1, Z17
	VFMADD231PS Z0, Z1, Z18
	VFMADD231PS Z0, Z1, Z19
	VFMADD231PS Z0, Z1, Z20
	VFMADD231PS Z0, Z1, Z21
	VFMADD231PS Z0, Z1, Z22
	VFMADD231PS Z0, Z1, Z23
	VFMADD231PS Z0, Z1, Z24
	VFMADD231PS Z0, Z1, Z25
	VFMADD231PS Z0, Z1, Z26
	VFMADD231PS Z0, Z1, Z27
	VFMADD231PS Z0, Z1, Z28
	VFMADD231PS Z0, Z1, Z29
	VFMADD231PS Z0, Z1, Z30
	VFMADD231PS Z0, Z1, Z31
	DECQ        CX
	JNZ         peak512loop

peak512done:
	VZEROUPPER
	RET

// func packB32N(k int, dst, src *float32, ldb int)
//
// dst[p*32+j] = src[p*ldb+j] for j < 32, p < k.
TEXT ·packB32N(SB), NOSPLIT, $0-32
	MOVQ  k+0(FP), CX
	MOVQ  dst+8(FP), DI
	MOVQ  src+16(FP), SI
	MOVQ  ldb+24(FP), BX
	SHLQ  $2, BX
	TESTQ CX, CX
	JZ    b32ndone

b32nloop:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ    BX, SI
	ADDQ    $128, DI
	DECQ    CX
	JNZ     b32nloop

b32ndone:
	VZEROUPPER
	RET

// TRANSPOSE8 transposes the 8×8 block of floats in Y0..Y7 (row i in Yi);
// the result's row i (column i of the input) ends up in Y(8+i).
#define TRANSPOSE8 \
	VUNPCKLPS  Y1, Y0, Y8;        \
	VUNPCKHPS  Y1, Y0, Y9;        \
	VUNPCKLPS  Y3, Y2, Y10;       \
	VUNPCKHPS  Y3, Y2, Y11;       \
	VUNPCKLPS  Y5, Y4, Y12;       \
	VUNPCKHPS  Y5, Y4, Y13;       \
	VUNPCKLPS  Y7, Y6, Y14;       \
	VUNPCKHPS  Y7, Y6, Y15;       \
	VSHUFPS    $0x44, Y10, Y8, Y0;  \
	VSHUFPS    $0xEE, Y10, Y8, Y1;  \
	VSHUFPS    $0x44, Y11, Y9, Y2;  \
	VSHUFPS    $0xEE, Y11, Y9, Y3;  \
	VSHUFPS    $0x44, Y14, Y12, Y4; \
	VSHUFPS    $0xEE, Y14, Y12, Y5; \
	VSHUFPS    $0x44, Y15, Y13, Y6; \
	VSHUFPS    $0xEE, Y15, Y13, Y7; \
	VPERM2F128 $0x20, Y4, Y0, Y8;   \
	VPERM2F128 $0x20, Y5, Y1, Y9;   \
	VPERM2F128 $0x20, Y6, Y2, Y10;  \
	VPERM2F128 $0x20, Y7, Y3, Y11;  \
	VPERM2F128 $0x31, Y4, Y0, Y12;  \
	VPERM2F128 $0x31, Y5, Y1, Y13;  \
	VPERM2F128 $0x31, Y6, Y2, Y14;  \
	VPERM2F128 $0x31, Y7, Y3, Y15

// T8GROUP transposes 8 rows of src starting at row pointer R, 8 floats of
// each, into columns off/4..off/4+7 of 8 consecutive 32-float rows of dst.
#define T8GROUP(R, off) \
	LEAQ    (R)(BX*4), R8;   \
	VMOVUPS (R), Y0;         \
	VMOVUPS (R)(BX*1), Y1;   \
	VMOVUPS (R)(BX*2), Y2;   \
	VMOVUPS (R)(DX*1), Y3;   \
	VMOVUPS (R8), Y4;        \
	VMOVUPS (R8)(BX*1), Y5;  \
	VMOVUPS (R8)(BX*2), Y6;  \
	VMOVUPS (R8)(DX*1), Y7;  \
	TRANSPOSE8;              \
	VMOVUPS Y8, off(DI);     \
	VMOVUPS Y9, 128+off(DI); \
	VMOVUPS Y10, 256+off(DI); \
	VMOVUPS Y11, 384+off(DI); \
	VMOVUPS Y12, 512+off(DI); \
	VMOVUPS Y13, 640+off(DI); \
	VMOVUPS Y14, 768+off(DI); \
	VMOVUPS Y15, 896+off(DI)

// func packB32T(k int, dst, src *float32, ldb int)
//
// dst[p*32+j] = src[j*ldb+p] for j < 32, p < k; k must be a multiple of 8.
TEXT ·packB32T(SB), NOSPLIT, $0-32
	MOVQ k+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	MOVQ ldb+24(FP), BX
	SHLQ $2, BX
	LEAQ (BX)(BX*2), DX // 3*ldb bytes
	LEAQ (SI)(BX*8), R9 // row 8
	LEAQ (R9)(BX*8), R10 // row 16
	LEAQ (R10)(BX*8), R11 // row 24
	SHRQ $3, CX
	JZ   b32tdone

b32tloop:
	T8GROUP(SI, 0)
	T8GROUP(R9, 32)
	T8GROUP(R10, 64)
	T8GROUP(R11, 96)
	ADDQ $32, SI
	ADDQ $32, R9
	ADDQ $32, R10
	ADDQ $32, R11
	ADDQ $1024, DI
	DECQ CX
	JNZ  b32tloop

b32tdone:
	VZEROUPPER
	RET
