// NEON kernels for package vec (arm64 only); the Go names say AVX2 because
// vec.go calls the same functions on amd64.

#include "textflag.h"

// Go's assembler has no floating-point vector arithmetic besides VFMLA and
// VFMLS, so these single-precision 4S forms (Q=1, sz=0) are encoded from
// the Arm ARM, operands as there: d = n op m for register numbers d, n, m.
// `go tool objdump` of a test binary shows each under its Arm name.
#define FADD4(d, n, m)  WORD $(0x4e20d400 | ((m)<<16) | ((n)<<5) | (d)) // FADD Vd.4S, Vn.4S, Vm.4S
#define FSUB4(d, n, m)  WORD $(0x4ea0d400 | ((m)<<16) | ((n)<<5) | (d)) // FSUB
#define FMUL4(d, n, m)  WORD $(0x6e20dc00 | ((m)<<16) | ((n)<<5) | (d)) // FMUL
#define FDIV4(d, n, m)  WORD $(0x6e20fc00 | ((m)<<16) | ((n)<<5) | (d)) // FDIV
#define FMAX4(d, n, m)  WORD $(0x4e20f400 | ((m)<<16) | ((n)<<5) | (d)) // FMAX (NaN if either is NaN, as Go's max)
#define FCMGT4(d, n, m) WORD $(0x6ea0e400 | ((m)<<16) | ((n)<<5) | (d)) // FCMGT: d = n > m ? all ones : 0
#define FCMGTZ4(d, n)   WORD $(0x4ea0c800 | ((n)<<5) | (d))             // FCMGT Vd.4S, Vn.4S, #0.0
#define FSQRT4(d, n)    WORD $(0x6ea1f800 | ((n)<<5) | (d))             // FSQRT

// func adamAVX2(w, grad, m, v *float32, n int, lr, b1, c1, b2, c2, eps float32)
//
// For i < n (a multiple of 8): m = b1*m + c1*g; v = b2*v + c2*g*g;
// w -= lr*m / (sqrt(v) + eps), 8 elements (two vectors) per iteration.
TEXT ·adamAVX2(SB), NOSPLIT, $0-64
	MOVD  w+0(FP), R0
	MOVD  grad+8(FP), R1
	MOVD  m+16(FP), R2
	MOVD  v+24(FP), R3
	MOVD  n+32(FP), R4
	MOVWU lr+40(FP), R5
	VDUP  R5, V26.S4
	MOVWU b1+44(FP), R5
	VDUP  R5, V27.S4
	MOVWU c1+48(FP), R5
	VDUP  R5, V28.S4
	MOVWU b2+52(FP), R5
	VDUP  R5, V29.S4
	MOVWU c2+56(FP), R5
	VDUP  R5, V30.S4
	MOVWU eps+60(FP), R5
	VDUP  R5, V31.S4
	LSR   $3, R4
	CBZ   R4, adone

aloop:
	VLD1.P 32(R1), [V0.S4, V1.S4] // g
	VLD1   (R2), [V2.S4, V3.S4]   // m
	VLD1   (R3), [V4.S4, V5.S4]   // v
	FMUL4(2, 2, 27)               // b1*m
	FMUL4(3, 3, 27)
	VFMLA  V28.S4, V0.S4, V2.S4   // + c1*g
	VFMLA  V28.S4, V1.S4, V3.S4
	FMUL4(6, 0, 0)                // g*g
	FMUL4(7, 1, 1)
	FMUL4(4, 4, 29)               // b2*v
	FMUL4(5, 5, 29)
	VFMLA  V30.S4, V6.S4, V4.S4   // + c2*g*g
	VFMLA  V30.S4, V7.S4, V5.S4
	VST1.P [V2.S4, V3.S4], 32(R2)
	VST1.P [V4.S4, V5.S4], 32(R3)
	FSQRT4(4, 4)
	FSQRT4(5, 5)
	FADD4(4, 4, 31)               // sqrt(v) + eps
	FADD4(5, 5, 31)
	FMUL4(2, 2, 26)               // lr*m
	FMUL4(3, 3, 26)
	FDIV4(2, 2, 4)                // lr*m / (sqrt(v)+eps)
	FDIV4(3, 3, 5)
	VLD1   (R0), [V8.S4, V9.S4]
	FSUB4(8, 8, 2)
	FSUB4(9, 9, 3)
	VST1.P [V8.S4, V9.S4], 32(R0)
	SUBS   $1, R4
	BNE    aloop

adone:
	RET

// func addAVX2(dst, a, b *float32, n int)
//
// dst[i] = a[i] + b[i] for i < n (a multiple of 8): 16 elements per
// iteration, then 8.
TEXT ·addAVX2(SB), NOSPLIT, $0-32
	MOVD dst+0(FP), R0
	MOVD a+8(FP), R1
	MOVD b+16(FP), R2
	MOVD n+24(FP), R3
	LSR  $4, R3, R4
	CBZ  R4, add8

add16:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R2), [V4.S4, V5.S4, V6.S4, V7.S4]
	FADD4(0, 0, 4)
	FADD4(1, 1, 5)
	FADD4(2, 2, 6)
	FADD4(3, 3, 7)
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS   $1, R4
	BNE    add16

add8:
	TBZ    $3, R3, adddone
	VLD1   (R1), [V0.S4, V1.S4]
	VLD1   (R2), [V4.S4, V5.S4]
	FADD4(0, 0, 4)
	FADD4(1, 1, 5)
	VST1   [V0.S4, V1.S4], (R0)

adddone:
	RET

// func reluAVX2(y, x *float32, n int)
//
// y[i] = max(x[i], 0) for i < n (a multiple of 8); FMAX gives NaN for NaN
// and +0 for -0, as Go's max does.
TEXT ·reluAVX2(SB), NOSPLIT, $0-24
	MOVD y+0(FP), R0
	MOVD x+8(FP), R1
	MOVD n+16(FP), R2
	VEOR V31.B16, V31.B16, V31.B16
	LSR  $3, R2
	CBZ  R2, rdone

rloop:
	VLD1.P 32(R1), [V0.S4, V1.S4]
	FMAX4(0, 0, 31)
	FMAX4(1, 1, 31)
	VST1.P [V0.S4, V1.S4], 32(R0)
	SUBS   $1, R2
	BNE    rloop

rdone:
	RET

// func reluGradAVX2(dst, grad, y *float32, n int, add bool)
//
// dst[i] = g[i] where y[i] > 0, else 0 (added to dst if add), for i < n (a
// multiple of 8).
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-33
	MOVD  dst+0(FP), R0
	MOVD  grad+8(FP), R1
	MOVD  y+16(FP), R2
	MOVD  n+24(FP), R3
	MOVBU add+32(FP), R4
	LSR   $3, R3
	CBZ   R3, gdone
	CBNZ  R4, aloopg

gloop:
	VLD1.P 32(R1), [V0.S4, V1.S4]
	VLD1.P 32(R2), [V2.S4, V3.S4]
	FCMGTZ4(2, 2)                 // y > 0 (false for NaN)
	FCMGTZ4(3, 3)
	VAND   V2.B16, V0.B16, V0.B16
	VAND   V3.B16, V1.B16, V1.B16
	VST1.P [V0.S4, V1.S4], 32(R0)
	SUBS   $1, R3
	BNE    gloop
	RET

aloopg:
	VLD1.P 32(R1), [V0.S4, V1.S4]
	VLD1.P 32(R2), [V2.S4, V3.S4]
	VLD1   (R0), [V4.S4, V5.S4]
	FCMGTZ4(2, 2)
	FCMGTZ4(3, 3)
	VAND   V2.B16, V0.B16, V0.B16
	VAND   V3.B16, V1.B16, V1.B16
	FADD4(4, 4, 0)
	FADD4(5, 5, 1)
	VST1.P [V4.S4, V5.S4], 32(R0)
	SUBS   $1, R3
	BNE    aloopg

gdone:
	RET

// func maxIndexAVX2(dst, idx, x *float32, offs *int, noffs, n int)
//
// For i < n (a multiple of 8): dst[i] = max over j of x[offs[j]+i], and
// idx[i] holds, as float32 bits, offs[j]+i for the first j that reaches it.
// Each candidate replaces the best only where it is greater (FCMGT, false
// for NaN), and the best is FMAX, NaN if either is: both as in the Go loop.
TEXT ·maxIndexAVX2(SB), NOSPLIT, $0-48
	MOVD  dst+0(FP), R0
	MOVD  idx+8(FP), R1
	MOVD  x+16(FP), R2
	MOVD  offs+24(FP), R3
	MOVD  noffs+32(FP), R4
	MOVD  n+40(FP), R5
	VMOVQ $0x0000000100000000, $0x0000000300000002, V30 // 0, 1, 2, 3
	VMOVQ $0x0000000500000004, $0x0000000700000006, V31 // 4, 5, 6, 7
	MOVD  $0, R6 // i

mloop:
	CMP  R5, R6
	BGE  mdone
	MOVD (R3), R7
	ADD  R6, R7
	ADD  R7<<2, R2, R8
	VLD1 (R8), [V0.S4, V1.S4] // best
	VDUP R7, V16.S4
	VADD V30.S4, V16.S4, V2.S4 // its index
	VADD V31.S4, V16.S4, V3.S4
	MOVD $1, R9
	ADD  $8, R3, R10

mwin:
	CMP    R4, R9
	BGE    mstore
	MOVD.P 8(R10), R7
	ADD    R6, R7
	ADD    R7<<2, R2, R8
	VLD1   (R8), [V4.S4, V5.S4]
	FCMGT4(6, 4, 0) // v > best
	FCMGT4(7, 5, 1)
	FMAX4(0, 0, 4)
	FMAX4(1, 1, 5)
	VDUP   R7, V16.S4
	VADD   V30.S4, V16.S4, V17.S4
	VADD   V31.S4, V16.S4, V18.S4
	VBIT   V6.B16, V17.B16, V2.B16 // take the new index where v > best
	VBIT   V7.B16, V18.B16, V3.B16
	ADD    $1, R9
	B      mwin

mstore:
	ADD  R6<<2, R0, R8
	VST1 [V0.S4, V1.S4], (R8)
	ADD  R6<<2, R1, R8
	VST1 [V2.S4, V3.S4], (R8)
	ADD  $8, R6
	B    mloop

mdone:
	RET

// func winogradInAVX2(dst, src *[16][]float32, n int)
//
// WinogradInput in NEON for the first n channels (a multiple of 8), 4 at a
// time: V0..V15 the tile's pixels, V16..V31 the column sums (a, b, e, f),
// then V0..V15 the outputs.
TEXT ·winogradInAVX2(SB), NOSPLIT, $0-24
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD n+16(FP), R2
	LSL  $2, R2
	MOVD $0, R3

wiloop:
	MOVD  0(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V0.S4]
	MOVD  24(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V1.S4]
	MOVD  48(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V2.S4]
	MOVD  72(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V3.S4]
	MOVD  96(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V4.S4]
	MOVD  120(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V5.S4]
	MOVD  144(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V6.S4]
	MOVD  168(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V7.S4]
	MOVD  192(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V8.S4]
	MOVD  216(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V9.S4]
	MOVD  240(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V10.S4]
	MOVD  264(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V11.S4]
	MOVD  288(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V12.S4]
	MOVD  312(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V13.S4]
	MOVD  336(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V14.S4]
	MOVD  360(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V15.S4]
	FSUB4(16, 0, 8)
	FADD4(20, 4, 8)
	FSUB4(24, 8, 4)
	FSUB4(28, 4, 12)
	FSUB4(17, 1, 9)
	FADD4(21, 5, 9)
	FSUB4(25, 9, 5)
	FSUB4(29, 5, 13)
	FSUB4(18, 2, 10)
	FADD4(22, 6, 10)
	FSUB4(26, 10, 6)
	FSUB4(30, 6, 14)
	FSUB4(19, 3, 11)
	FADD4(23, 7, 11)
	FSUB4(27, 11, 7)
	FSUB4(31, 7, 15)
	FSUB4(0, 16, 18)
	FADD4(1, 17, 18)
	FSUB4(2, 18, 17)
	FSUB4(3, 17, 19)
	FSUB4(4, 20, 22)
	FADD4(5, 21, 22)
	FSUB4(6, 22, 21)
	FSUB4(7, 21, 23)
	FSUB4(8, 24, 26)
	FADD4(9, 25, 26)
	FSUB4(10, 26, 25)
	FSUB4(11, 25, 27)
	FSUB4(12, 28, 30)
	FADD4(13, 29, 30)
	FSUB4(14, 30, 29)
	FSUB4(15, 29, 31)
	MOVD  0(R0), R8
	ADD   R3, R8
	VST1  [V0.S4], (R8)
	MOVD  24(R0), R8
	ADD   R3, R8
	VST1  [V1.S4], (R8)
	MOVD  48(R0), R8
	ADD   R3, R8
	VST1  [V2.S4], (R8)
	MOVD  72(R0), R8
	ADD   R3, R8
	VST1  [V3.S4], (R8)
	MOVD  96(R0), R8
	ADD   R3, R8
	VST1  [V4.S4], (R8)
	MOVD  120(R0), R8
	ADD   R3, R8
	VST1  [V5.S4], (R8)
	MOVD  144(R0), R8
	ADD   R3, R8
	VST1  [V6.S4], (R8)
	MOVD  168(R0), R8
	ADD   R3, R8
	VST1  [V7.S4], (R8)
	MOVD  192(R0), R8
	ADD   R3, R8
	VST1  [V8.S4], (R8)
	MOVD  216(R0), R8
	ADD   R3, R8
	VST1  [V9.S4], (R8)
	MOVD  240(R0), R8
	ADD   R3, R8
	VST1  [V10.S4], (R8)
	MOVD  264(R0), R8
	ADD   R3, R8
	VST1  [V11.S4], (R8)
	MOVD  288(R0), R8
	ADD   R3, R8
	VST1  [V12.S4], (R8)
	MOVD  312(R0), R8
	ADD   R3, R8
	VST1  [V13.S4], (R8)
	MOVD  336(R0), R8
	ADD   R3, R8
	VST1  [V14.S4], (R8)
	MOVD  360(R0), R8
	ADD   R3, R8
	VST1  [V15.S4], (R8)
	ADD  $16, R3
	CMP  R2, R3
	BLT  wiloop
	RET

// func winogradOutAVX2(dst *[4][]float32, src *[16][]float32, bias *float32, relu bool, n int)
//
// WinogradOutput in NEON for the first n channels (a multiple of 8), 4 at a
// time: V16..V19 the sums r, V20..V23 the differences q, V24..V27 the
// pixels, V28 the bias, V29 zero; R4 is bias (or 0), R5 relu.
TEXT ·winogradOutAVX2(SB), NOSPLIT, $0-40
	MOVD  dst+0(FP), R0
	MOVD  src+8(FP), R1
	MOVD  bias+16(FP), R4
	MOVBU relu+24(FP), R5
	MOVD  n+32(FP), R2
	LSL   $2, R2
	MOVD  $0, R3
	VEOR  V29.B16, V29.B16, V29.B16

woloop:
	MOVD  0(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V0.S4]
	MOVD  24(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V1.S4]
	MOVD  48(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V2.S4]
	MOVD  72(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V3.S4]
	MOVD  96(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V4.S4]
	MOVD  120(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V5.S4]
	MOVD  144(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V6.S4]
	MOVD  168(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V7.S4]
	MOVD  192(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V8.S4]
	MOVD  216(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V9.S4]
	MOVD  240(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V10.S4]
	MOVD  264(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V11.S4]
	MOVD  288(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V12.S4]
	MOVD  312(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V13.S4]
	MOVD  336(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V14.S4]
	MOVD  360(R1), R8
	ADD   R3, R8
	VLD1  (R8), [V15.S4]
	FADD4(16, 0, 4)
	FADD4(16, 16, 8)
	FSUB4(20, 4, 8)
	FSUB4(20, 20, 12)
	FADD4(17, 1, 5)
	FADD4(17, 17, 9)
	FSUB4(21, 5, 9)
	FSUB4(21, 21, 13)
	FADD4(18, 2, 6)
	FADD4(18, 18, 10)
	FSUB4(22, 6, 10)
	FSUB4(22, 22, 14)
	FADD4(19, 3, 7)
	FADD4(19, 19, 11)
	FSUB4(23, 7, 11)
	FSUB4(23, 23, 15)
	FADD4(24, 16, 17)
	FADD4(24, 24, 18)
	FSUB4(25, 17, 18)
	FSUB4(25, 25, 19)
	FADD4(26, 20, 21)
	FADD4(26, 26, 22)
	FSUB4(27, 21, 22)
	FSUB4(27, 27, 23)
	CBZ   R4, wonobias
	ADD   R3, R4, R8
	VLD1  (R8), [V28.S4]
	FADD4(24, 24, 28)
	FADD4(25, 25, 28)
	FADD4(26, 26, 28)
	FADD4(27, 27, 28)

wonobias:
	CBZ   R5, wostore
	FMAX4(24, 24, 29)
	FMAX4(25, 25, 29)
	FMAX4(26, 26, 29)
	FMAX4(27, 27, 29)

wostore:
	MOVD  0(R0), R8
	ADD   R3, R8
	VST1  [V24.S4], (R8)
	MOVD  24(R0), R8
	ADD   R3, R8
	VST1  [V25.S4], (R8)
	MOVD  48(R0), R8
	ADD   R3, R8
	VST1  [V26.S4], (R8)
	MOVD  72(R0), R8
	ADD   R3, R8
	VST1  [V27.S4], (R8)
	ADD  $16, R3
	CMP  R2, R3
	BLT  woloop
	RET

// func copyBlocksAVX2(dst, src *float32, outer, inner, n, so, si int)
//
// CopyBlocks for n a multiple of 8: segment (o, i) of n floats from
// src + o·so + i·si to dst + (o·inner + i)·n, 8 floats a step.
TEXT ·copyBlocksAVX2(SB), NOSPLIT, $0-56
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD outer+16(FP), R2
	MOVD inner+24(FP), R3
	MOVD n+32(FP), R4
	MOVD so+40(FP), R5
	LSL  $2, R5
	MOVD si+48(FP), R6
	LSL  $2, R6

cbouter:
	MOVD R1, R7
	MOVD R3, R8

cbinner:
	MOVD R7, R9
	LSR  $3, R4, R10

cb8:
	VLD1.P 32(R9), [V0.S4, V1.S4]
	VST1.P [V0.S4, V1.S4], 32(R0)
	SUBS   $1, R10
	BNE    cb8
	ADD    R6, R7
	SUBS   $1, R8
	BNE    cbinner
	ADD    R5, R1
	SUBS   $1, R2
	BNE    cbouter
	RET

// func addBlocksAVX2(dst, src *float32, outer, inner, n, do, di int)
//
// AddBlocks for n a multiple of 8: dst + o·do + i·di gets the n floats at
// src + (o·inner + i)·n added, segment after segment (they may overlap),
// each sum dst + src as in addAVX2.
TEXT ·addBlocksAVX2(SB), NOSPLIT, $0-56
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD outer+16(FP), R2
	MOVD inner+24(FP), R3
	MOVD n+32(FP), R4
	MOVD do+40(FP), R5
	LSL  $2, R5
	MOVD di+48(FP), R6
	LSL  $2, R6

abouter:
	MOVD R0, R7
	MOVD R3, R8

abinner:
	MOVD R7, R9
	LSR  $3, R4, R10

ab8:
	VLD1   (R9), [V0.S4, V1.S4]
	VLD1.P 32(R1), [V4.S4, V5.S4]
	FADD4(0, 0, 4)
	FADD4(1, 1, 5)
	VST1.P [V0.S4, V1.S4], 32(R9)
	SUBS   $1, R10
	BNE    ab8
	ADD    R6, R7
	SUBS   $1, R8
	BNE    abinner
	ADD    R5, R0
	SUBS   $1, R2
	BNE    abouter
	RET
