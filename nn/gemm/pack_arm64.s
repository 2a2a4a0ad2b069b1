// NEON packing of full slivers for package gemm (arm64 only); see packA and
// packB in pack.go for the layouts.

#include "textflag.h"

// TRANSPOSE4 sets o0..o3 to the columns of the 4×4 block whose rows are
// a, b, c, d (o0 = a[0], b[0], c[0], d[0], ...), using V24..V27.
// Go writes VTRN1 Vm, Vn, Vd for Vd = TRN1(Vn, Vm): lane 0 comes from Vn.
#define TRANSPOSE4(a, b, c, d, o0, o1, o2, o3) \
	VTRN1 b.S4, a.S4, V24.S4;  \
	VTRN2 b.S4, a.S4, V25.S4;  \
	VTRN1 d.S4, c.S4, V26.S4;  \
	VTRN2 d.S4, c.S4, V27.S4;  \
	VTRN1 V26.D2, V24.D2, o0.D2; \
	VTRN1 V27.D2, V25.D2, o1.D2; \
	VTRN2 V26.D2, V24.D2, o2.D2; \
	VTRN2 V27.D2, V25.D2, o3.D2

// func packA6N(k int, dst, src *float32, lda int)
//
// Interleaves 6 rows of A (row stride lda): dst[p*6+r] = src[r*lda+p] for
// p < k, k a multiple of 8. (Unlike the amd64 version it writes nothing
// past dst[6*k].)
TEXT ·packA6N(SB), NOSPLIT, $0-32
	MOVD k+0(FP), R0
	MOVD dst+8(FP), R1
	MOVD src+16(FP), R2
	MOVD lda+24(FP), R8
	LSL  $2, R8
	ADD  R8, R2, R3
	ADD  R8, R3, R4
	ADD  R8, R4, R5
	ADD  R8, R5, R6
	ADD  R8, R6, R7
	LSR  $3, R0
	CBZ  R0, a6ndone

a6nloop:
	VLD1.P 32(R2), [V0.S4, V1.S4]
	VLD1.P 32(R3), [V2.S4, V3.S4]
	VLD1.P 32(R4), [V4.S4, V5.S4]
	VLD1.P 32(R5), [V6.S4, V7.S4]
	VLD1.P 32(R6), [V8.S4, V9.S4]
	VLD1.P 32(R7), [V10.S4, V11.S4]
	TRANSPOSE4(V0, V2, V4, V6, V16, V17, V18, V19)
	TRANSPOSE4(V1, V3, V5, V7, V20, V21, V22, V23)
	VZIP1 V10.S4, V8.S4, V12.S4 // rows 4 and 5, pairs for p = 0, 1
	VZIP2 V10.S4, V8.S4, V13.S4 // p = 2, 3
	VZIP1 V11.S4, V9.S4, V14.S4 // p = 4, 5
	VZIP2 V11.S4, V9.S4, V15.S4 // p = 6, 7
	VST1.P [V16.S4], 16(R1)
	VST1.P V12.D[0], 8(R1)
	VST1.P [V17.S4], 16(R1)
	VST1.P V12.D[1], 8(R1)
	VST1.P [V18.S4], 16(R1)
	VST1.P V13.D[0], 8(R1)
	VST1.P [V19.S4], 16(R1)
	VST1.P V13.D[1], 8(R1)
	VST1.P [V20.S4], 16(R1)
	VST1.P V14.D[0], 8(R1)
	VST1.P [V21.S4], 16(R1)
	VST1.P V14.D[1], 8(R1)
	VST1.P [V22.S4], 16(R1)
	VST1.P V15.D[0], 8(R1)
	VST1.P [V23.S4], 16(R1)
	VST1.P V15.D[1], 8(R1)
	SUBS   $1, R0
	BNE    a6nloop

a6ndone:
	RET

// func packA6T(k int, dst, src *float32, lda int)
//
// dst[p*6 : p*6+6] = src[p*lda : p*lda+6] for p < k.
TEXT ·packA6T(SB), NOSPLIT, $0-32
	MOVD k+0(FP), R0
	MOVD dst+8(FP), R1
	MOVD src+16(FP), R2
	MOVD lda+24(FP), R3
	LSL  $2, R3
	CBZ  R0, a6tdone

a6tloop:
	VLD1    (R2), [V0.S4]
	FMOVD   16(R2), F1
	ADD     R3, R2
	VST1.P  [V0.S4], 16(R1)
	FMOVD.P F1, 8(R1)
	SUBS    $1, R0
	BNE     a6tloop

a6tdone:
	RET

// func packB16N(k int, dst, src *float32, ldb int)
//
// dst[p*16 : p*16+16] = src[p*ldb : p*ldb+16] for p < k.
TEXT ·packB16N(SB), NOSPLIT, $0-32
	MOVD k+0(FP), R0
	MOVD dst+8(FP), R1
	MOVD src+16(FP), R2
	MOVD ldb+24(FP), R3
	LSL  $2, R3
	CBZ  R0, b16ndone

b16nloop:
	VLD1   (R2), [V0.S4, V1.S4, V2.S4, V3.S4]
	ADD    R3, R2
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R1)
	SUBS   $1, R0
	BNE    b16nloop

b16ndone:
	RET

// B16TGROUP transposes rows 4g..4g+3 (starting at R8, stride R3) of an
// 8-column block of B into dst (R1) at byte offset o = 16g: column p of the
// block goes to o + 64p. It leaves R8 at row 4g+4.
#define B16TGROUP(o) \
	ADD  R3, R8, R9;                 \
	ADD  R3, R9, R10;                \
	ADD  R3, R10, R11;               \
	VLD1 (R8), [V0.S4, V1.S4];       \
	VLD1 (R9), [V2.S4, V3.S4];       \
	VLD1 (R10), [V4.S4, V5.S4];      \
	VLD1 (R11), [V6.S4, V7.S4];      \
	ADD  R3, R11, R8;                \
	TRANSPOSE4(V0, V2, V4, V6, V16, V17, V18, V19); \
	TRANSPOSE4(V1, V3, V5, V7, V20, V21, V22, V23); \
	FMOVQ F16, (o)(R1);              \
	FMOVQ F17, (o+64)(R1);           \
	FMOVQ F18, (o+128)(R1);          \
	FMOVQ F19, (o+192)(R1);          \
	FMOVQ F20, (o+256)(R1);          \
	FMOVQ F21, (o+320)(R1);          \
	FMOVQ F22, (o+384)(R1);          \
	FMOVQ F23, (o+448)(R1)

// func packB16T(k int, dst, src *float32, ldb int)
//
// Transposes 16 rows of B (row stride ldb): dst[p*16+j] = src[j*ldb+p] for
// p < k, k a multiple of 8, one 16×8 block at a time.
TEXT ·packB16T(SB), NOSPLIT, $0-32
	MOVD k+0(FP), R0
	MOVD dst+8(FP), R1
	MOVD src+16(FP), R2
	MOVD ldb+24(FP), R3
	LSL  $2, R3
	LSR  $3, R0
	CBZ  R0, b16tdone

b16tloop:
	MOVD R2, R8
	B16TGROUP(0)
	B16TGROUP(16)
	B16TGROUP(32)
	B16TGROUP(48)
	ADD  $32, R2
	ADD  $512, R1
	SUBS $1, R0
	BNE  b16tloop

b16tdone:
	RET
