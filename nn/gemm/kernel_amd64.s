// AVX2+FMA micro-kernels for package gemm (amd64 only).
//
// Register use in kernel6x16:
//   Y4..Y15  12 accumulators: row r of the 6x16 tile lives in Y(4+2r) (cols 0-7)
//            and Y(5+2r) (cols 8-15)
//   Y0, Y1   the current 16-float row of the packed B sliver
//   Y2, Y3   alternating broadcasts of one element of the packed A sliver
// The AVX-512 kernel (6x32 on ZMM registers) is in kernel512_amd64.s.

#include "textflag.h"

// KSTEP performs one rank-1 update of the 6x16 accumulator tile from packed
// A at SI+ao (6 floats) and packed B at DI+bo (16 floats).
#define KSTEP(bo, bo2, a0, a1, a2, a3, a4, a5) \
	VMOVUPS      bo(DI), Y0;    \
	VMOVUPS      bo2(DI), Y1;   \
	VBROADCASTSS a0(SI), Y2;    \
	VFMADD231PS  Y0, Y2, Y4;    \
	VFMADD231PS  Y1, Y2, Y5;    \
	VBROADCASTSS a1(SI), Y3;    \
	VFMADD231PS  Y0, Y3, Y6;    \
	VFMADD231PS  Y1, Y3, Y7;    \
	VBROADCASTSS a2(SI), Y2;    \
	VFMADD231PS  Y0, Y2, Y8;    \
	VFMADD231PS  Y1, Y2, Y9;    \
	VBROADCASTSS a3(SI), Y3;    \
	VFMADD231PS  Y0, Y3, Y10;   \
	VFMADD231PS  Y1, Y3, Y11;   \
	VBROADCASTSS a4(SI), Y2;    \
	VFMADD231PS  Y0, Y2, Y12;   \
	VFMADD231PS  Y1, Y2, Y13;   \
	VBROADCASTSS a5(SI), Y3;    \
	VFMADD231PS  Y0, Y3, Y14;   \
	VFMADD231PS  Y1, Y3, Y15

// STOREROW0 writes alpha*acc for one row (beta == 0: C is not read).
#define STOREROW0(lo, hi) \
	VMULPS  Y0, lo, lo;  \
	VMULPS  Y0, hi, hi;  \
	VMOVUPS lo, (DX);    \
	VMOVUPS hi, 32(DX);  \
	ADDQ    R8, DX

// STOREROW writes alpha*acc + beta*C for one row.
#define STOREROW(lo, hi) \
	VMULPS      Y0, lo, lo;      \
	VMULPS      Y0, hi, hi;      \
	VFMADD231PS (DX), Y1, lo;    \
	VFMADD231PS 32(DX), Y1, hi;  \
	VMOVUPS     lo, (DX);        \
	VMOVUPS     hi, 32(DX);      \
	ADDQ        R8, DX

// func kernel6x16(k int, a, b, c *float32, ldc int, alpha, beta float32)
//
// C[0:6, 0:16] = alpha * Apack(6×k) · Bpack(k×16) + beta * C, where Apack
// holds 6 floats per k step and Bpack 16 floats per k step; C has row
// stride ldc (in floats). If beta == 0, C is not read.
TEXT ·kernel6x16(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

	// Prefetch the C tile (6 rows of 64 bytes, maybe straddling lines).
	MOVQ       DX, R9
	PREFETCHT0 (R9)
	PREFETCHT0 63(R9)
	ADDQ       R8, R9
	PREFETCHT0 (R9)
	PREFETCHT0 63(R9)
	ADDQ       R8, R9
	PREFETCHT0 (R9)
	PREFETCHT0 63(R9)
	ADDQ       R8, R9
	PREFETCHT0 (R9)
	PREFETCHT0 63(R9)
	ADDQ       R8, R9
	PREFETCHT0 (R9)
	PREFETCHT0 63(R9)
	ADDQ       R8, R9
	PREFETCHT0 (R9)
	PREFETCHT0 63(R9)

	MOVQ CX, BX
	SHRQ $2, BX
	JZ   tail

loop4:
	PREFETCHT0 384(DI)
	KSTEP(0, 32, 0, 4, 8, 12, 16, 20)
	KSTEP(64, 96, 24, 28, 32, 36, 40, 44)
	PREFETCHT0 448(DI)
	KSTEP(128, 160, 48, 52, 56, 60, 64, 68)
	KSTEP(192, 224, 72, 76, 80, 84, 88, 92)
	ADDQ $96, SI
	ADDQ $256, DI
	DECQ BX
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   store

loop1:
	KSTEP(0, 32, 0, 4, 8, 12, 16, 20)
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop1

store:
	VBROADCASTSS alpha+40(FP), Y0
	MOVL         beta+44(FP), AX
	ANDL         $0x7fffffff, AX
	JZ           store0
	VBROADCASTSS beta+44(FP), Y1
	STOREROW(Y4, Y5)
	STOREROW(Y6, Y7)
	STOREROW(Y8, Y9)
	STOREROW(Y10, Y11)
	STOREROW(Y12, Y13)
	STOREROW(Y14, Y15)
	VZEROUPPER
	RET

store0:
	STOREROW0(Y4, Y5)
	STOREROW0(Y6, Y7)
	STOREROW0(Y8, Y9)
	STOREROW0(Y10, Y11)
	STOREROW0(Y12, Y13)
	STOREROW0(Y14, Y15)
	VZEROUPPER
	RET

// func fmaPeak(n int)
//
// Runs n iterations of 12 independent 256-bit FMAs (192 flops per
// iteration); used only to measure the core's attainable FP32 peak.
TEXT ·fmaPeak(SB), NOSPLIT, $0-8
	MOVQ   n+0(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15
	TESTQ  CX, CX
	JZ     peakdone

peakloop:
	VFMADD231PS Y0, Y1, Y4
	VFMADD231PS Y0, Y1, Y5
	VFMADD231PS Y0, Y1, Y6
	VFMADD231PS Y0, Y1, Y7
	VFMADD231PS Y0, Y1, Y8
	VFMADD231PS Y0, Y1, Y9
	VFMADD231PS Y0, Y1, Y10
	VFMADD231PS Y0, Y1, Y11
	VFMADD231PS Y0, Y1, Y12
	VFMADD231PS Y0, Y1, Y13
	VFMADD231PS Y0, Y1, Y14
	VFMADD231PS Y0, Y1, Y15
	DECQ        CX
	JNZ         peakloop

peakdone:
	VZEROUPPER
	RET
