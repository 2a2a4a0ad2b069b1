// NEON micro-kernel for package gemm (arm64 only).
//
// Register use in kernel6x16:
//   V8..V31  24 accumulators: row r of the 6x16 tile lives in V(8+4r)..V(11+4r),
//            four columns each
//   V0..V3   the current 16-float row of the packed B sliver
//   V4..V6   12 floats of the packed A sliver: two k steps of 6 values,
//            used by element (FMLA Vd.4S, Vn.4S, Vm.S[i]), so A needs no
//            broadcasts
//   R0 k; R1 A; R2 B; R3 C; R4 C's row stride in bytes

#include "textflag.h"

// Go's assembler has no by-element forms of FMLA and FMUL, so they are
// encoded here (Arm ARM, "FMLA (by element)" and "FMUL (by element)",
// single precision, Q=1): 0 1 0 01111 1 L M Rm 0001/1001 H 0 Rn Rd, where
// the lane i = H:L and M:Rm is the 5-bit register m. `go tool objdump` of a
// test binary shows them as VFMLA/VFMUL Vm.S[i], Vn.S4, Vd.S4.
#define FMLAE(d, n, m, i) WORD $(0x4f801000 | (((i)&1)<<21) | (((i)>>1)<<11) | ((m)<<16) | ((n)<<5) | (d))
#define FMULE(d, n, m, i) WORD $(0x4f809000 | (((i)&1)<<21) | (((i)>>1)<<11) | ((m)<<16) | ((n)<<5) | (d))

// ROW adds B's row (V0..V3) times A's element m.S[i] to the accumulators
// acc..acc+3 of one row of C.
#define ROW(acc, m, i) \
	FMLAE(acc, 0, m, i);   \
	FMLAE(acc+1, 1, m, i); \
	FMLAE(acc+2, 2, m, i); \
	FMLAE(acc+3, 3, m, i)

// KSTEP is one rank-1 update of the tile: the six A values are (m0,i0) ..
// (m5,i5) in element notation.
#define KSTEP(m0, i0, m1, i1, m2, i2, m3, i3, m4, i4, m5, i5) \
	ROW(8, m0, i0);  \
	ROW(12, m1, i1); \
	ROW(16, m2, i2); \
	ROW(20, m3, i3); \
	ROW(24, m4, i4); \
	ROW(28, m5, i5)

// STOREROW0 writes alpha*acc for one row (alpha in V6.S[0]; C is not read).
#define STOREROW0(acc, f0, f1, f2, f3) \
	FMULE(acc, acc, 6, 0);     \
	FMULE(acc+1, acc+1, 6, 0); \
	FMULE(acc+2, acc+2, 6, 0); \
	FMULE(acc+3, acc+3, 6, 0); \
	FSTPQ (f0, f1), (R3);      \
	FSTPQ (f2, f3), 32(R3);    \
	ADD   R4, R3

// STOREROW writes alpha*acc + beta*C for one row (beta in V7.S[0]).
#define STOREROW(acc, f0, f1, f2, f3) \
	FMULE(acc, acc, 6, 0);     \
	FMULE(acc+1, acc+1, 6, 0); \
	FMULE(acc+2, acc+2, 6, 0); \
	FMULE(acc+3, acc+3, 6, 0); \
	FLDPQ (R3), (F0, F1);      \
	FLDPQ 32(R3), (F2, F3);    \
	FMLAE(acc, 0, 7, 0);       \
	FMLAE(acc+1, 1, 7, 0);     \
	FMLAE(acc+2, 2, 7, 0);     \
	FMLAE(acc+3, 3, 7, 0);     \
	FSTPQ (f0, f1), (R3);      \
	FSTPQ (f2, f3), 32(R3);    \
	ADD   R4, R3

// func kernel6x16(k int, a, b, c *float32, ldc int, alpha, beta float32)
//
// C[0:6, 0:16] = alpha * Apack(6×k) · Bpack(k×16) + beta * C, where Apack
// holds 6 floats per k step and Bpack 16 floats per k step; C has row
// stride ldc (in floats). If beta == 0, C is not read.
TEXT ·kernel6x16(SB), NOSPLIT, $0-48
	MOVD k+0(FP), R0
	MOVD a+8(FP), R1
	MOVD b+16(FP), R2
	MOVD c+24(FP), R3
	MOVD ldc+32(FP), R4
	LSL  $2, R4

	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16
	VEOR V13.B16, V13.B16, V13.B16
	VEOR V14.B16, V14.B16, V14.B16
	VEOR V15.B16, V15.B16, V15.B16
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16
	VEOR V20.B16, V20.B16, V20.B16
	VEOR V21.B16, V21.B16, V21.B16
	VEOR V22.B16, V22.B16, V22.B16
	VEOR V23.B16, V23.B16, V23.B16
	VEOR V24.B16, V24.B16, V24.B16
	VEOR V25.B16, V25.B16, V25.B16
	VEOR V26.B16, V26.B16, V26.B16
	VEOR V27.B16, V27.B16, V27.B16
	VEOR V28.B16, V28.B16, V28.B16
	VEOR V29.B16, V29.B16, V29.B16
	VEOR V30.B16, V30.B16, V30.B16
	VEOR V31.B16, V31.B16, V31.B16

	// Prefetch the C tile for writing (6 rows of 64 bytes).
	MOVD R3, R6
	PRFM (R6), PSTL1KEEP
	ADD  R4, R6
	PRFM (R6), PSTL1KEEP
	ADD  R4, R6
	PRFM (R6), PSTL1KEEP
	ADD  R4, R6
	PRFM (R6), PSTL1KEEP
	ADD  R4, R6
	PRFM (R6), PSTL1KEEP
	ADD  R4, R6
	PRFM (R6), PSTL1KEEP

	LSR $1, R0, R5
	CBZ R5, tail

loop2:
	// Two k steps: 12 floats of A fill V4..V6 exactly.
	VLD1.P 48(R1), [V4.S4, V5.S4, V6.S4]
	VLD1.P 64(R2), [V0.S4, V1.S4, V2.S4, V3.S4]
	KSTEP(4, 0, 4, 1, 4, 2, 4, 3, 5, 0, 5, 1)
	VLD1.P 64(R2), [V0.S4, V1.S4, V2.S4, V3.S4]
	KSTEP(5, 2, 5, 3, 6, 0, 6, 1, 6, 2, 6, 3)
	SUBS   $1, R5
	BNE    loop2

tail:
	TBZ   $0, R0, store
	VLD1  (R1), [V4.S4]
	FMOVD 16(R1), F5
	VLD1  (R2), [V0.S4, V1.S4, V2.S4, V3.S4]
	KSTEP(4, 0, 4, 1, 4, 2, 4, 3, 5, 0, 5, 1)

store:
	FMOVS alpha+40(FP), F6
	MOVWU beta+44(FP), R5
	ANDW  $0x7fffffff, R5
	CBZW  R5, store0
	FMOVS beta+44(FP), F7
	STOREROW(8, F8, F9, F10, F11)
	STOREROW(12, F12, F13, F14, F15)
	STOREROW(16, F16, F17, F18, F19)
	STOREROW(20, F20, F21, F22, F23)
	STOREROW(24, F24, F25, F26, F27)
	STOREROW(28, F28, F29, F30, F31)
	RET

store0:
	STOREROW0(8, F8, F9, F10, F11)
	STOREROW0(12, F12, F13, F14, F15)
	STOREROW0(16, F16, F17, F18, F19)
	STOREROW0(20, F20, F21, F22, F23)
	STOREROW0(24, F24, F25, F26, F27)
	STOREROW0(28, F28, F29, F30, F31)
	RET
