#include "textflag.h"

// Each kernel below that vec.go calls (*AVX2, on n a multiple of 8) jumps
// to its AVX-512 version (vec_avx512_amd64.s) when useAVX512 is set: one
// predictable branch, where a Go wrapper would be a call that the
// compiler does not inline.

// func adamAVX2(w, grad, m, v *float32, n int, lr, b1, c1, b2, c2, eps float32)
TEXT ·adamAVX2(SB), NOSPLIT, $0-64
	CMPB ·useAVX512(SB), $0
	JEQ  avx2
	JMP  ·adamZ(SB)

avx2:
	MOVQ         w+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         m+16(FP), DX
	MOVQ         v+24(FP), R8
	MOVQ         n+32(FP), CX
	VBROADCASTSS lr+40(FP), Y4
	VBROADCASTSS b1+44(FP), Y0
	VBROADCASTSS c1+48(FP), Y1
	VBROADCASTSS b2+52(FP), Y2
	VBROADCASTSS c2+56(FP), Y3
	VBROADCASTSS eps+60(FP), Y5
	XORQ         AX, AX

loop:
	CMPQ        AX, CX
	JGE         done
	VMOVUPS     (SI)(AX*4), Y6       // g
	VMULPS      (DX)(AX*4), Y0, Y7   // b1*m
	VFMADD231PS Y6, Y1, Y7           // + (1-b1)*g
	VMULPS      Y6, Y6, Y8           // g*g
	VMULPS      (R8)(AX*4), Y2, Y9   // b2*v
	VFMADD231PS Y8, Y3, Y9           // + (1-b2)*g*g
	VMOVUPS     Y7, (DX)(AX*4)
	VMOVUPS     Y9, (R8)(AX*4)
	VSQRTPS     Y9, Y10
	VADDPS      Y5, Y10, Y10         // sqrt(v) + eps
	VMULPS      Y4, Y7, Y11          // lr*m
	VDIVPS      Y10, Y11, Y11        // lr*m / (sqrt(v)+eps)
	VMOVUPS     (DI)(AX*4), Y12
	VSUBPS      Y11, Y12, Y12
	VMOVUPS     Y12, (DI)(AX*4)
	ADDQ        $8, AX
	JMP         loop

done:
	VZEROUPPER
	RET

// func addAVX2(dst, a, b *float32, n int)
TEXT ·addAVX2(SB), NOSPLIT, $0-32
	CMPB ·useAVX512(SB), $0
	JEQ  avx2
	JMP  ·addZ(SB)

avx2:
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-32, BX

loop32:
	CMPQ    AX, BX
	JGE     loop8
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS 32(SI)(AX*4), Y1
	VMOVUPS 64(SI)(AX*4), Y2
	VMOVUPS 96(SI)(AX*4), Y3
	VADDPS  (DX)(AX*4), Y0, Y0
	VADDPS  32(DX)(AX*4), Y1, Y1
	VADDPS  64(DX)(AX*4), Y2, Y2
	VADDPS  96(DX)(AX*4), Y3, Y3
	VMOVUPS Y0, (DI)(AX*4)
	VMOVUPS Y1, 32(DI)(AX*4)
	VMOVUPS Y2, 64(DI)(AX*4)
	VMOVUPS Y3, 96(DI)(AX*4)
	ADDQ    $32, AX
	JMP     loop32

loop8:
	CMPQ    AX, CX
	JGE     done
	VMOVUPS (SI)(AX*4), Y0
	VADDPS  (DX)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     loop8

done:
	VZEROUPPER
	RET

// func reluAVX2(y, x *float32, n int)
// y[i] = max(x[i], 0) for the first n elements (a multiple of 8), with Go's
// max: NaN stays NaN and -0 becomes +0.
TEXT ·reluAVX2(SB), NOSPLIT, $0-24
	CMPB ·useAVX512(SB), $0
	JEQ  avx2
	JMP  ·reluZ(SB)

avx2:
	MOVQ   y+0(FP), DI
	MOVQ   x+8(FP), SI
	MOVQ   n+16(FP), CX
	VXORPS Y5, Y5, Y5
	XORQ   AX, AX

rloop:
	CMPQ    AX, CX
	JGE     rdone
	VMOVUPS (SI)(AX*4), Y0
	VCMPPS  $0x16, Y5, Y0, Y1 // x nle 0: positive or NaN, as Go's max(x, 0)
	VANDPS  Y0, Y1, Y0        // else +0 (VMAXPS would keep -0 and drop NaN)
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     rloop

rdone:
	VZEROUPPER
	RET

// func reluGradAVX2(dst, grad, y *float32, n int, add bool)
// dst[i] = g[i] where y[i] > 0, else 0 (added to dst if add), for the first n
// elements (a multiple of 8).
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-33
	CMPB ·useAVX512(SB), $0
	JEQ  avx2
	JMP  ·reluGradZ(SB)

avx2:
	MOVQ   dst+0(FP), DI
	MOVQ   grad+8(FP), SI
	MOVQ   y+16(FP), DX
	MOVQ   n+24(FP), CX
	MOVBLZX add+32(FP), BX
	VXORPS Y5, Y5, Y5
	XORQ   AX, AX
	TESTQ  BX, BX
	JNE    aloop

gloop:
	CMPQ    AX, CX
	JGE     gdone
	VCMPPS  $0x11, (DX)(AX*4), Y5, Y1 // 0 < y (false for NaN)
	VANDPS  (SI)(AX*4), Y1, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     gloop

aloop:
	CMPQ    AX, CX
	JGE     gdone
	VCMPPS  $0x11, (DX)(AX*4), Y5, Y1
	VANDPS  (SI)(AX*4), Y1, Y0
	VADDPS  (DI)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     aloop

gdone:
	VZEROUPPER
	RET

// func maxIndexAVX2(dst, idx, x *float32, offs *int, noffs, n int)
// For i < n (a multiple of 8): dst[i] = max over j of x[offs[j]+i], and
// idx[i] holds, as float32 bits, offs[j]+i for the first j that reaches it.
// A NaN makes dst[i] NaN, as Go's max; the sign of a zero maximum may differ.
TEXT ·maxIndexAVX2(SB), NOSPLIT, $0-48
	CMPB ·useAVX512(SB), $0
	JEQ  avx2
	JMP  ·maxIndexZ(SB)

avx2:
	MOVQ dst+0(FP), DI
	MOVQ idx+8(FP), R8
	MOVQ x+16(FP), SI
	MOVQ offs+24(FP), R9
	MOVQ noffs+32(FP), R10
	MOVQ n+40(FP), CX
	MOVQ $0x0706050403020100, AX
	VMOVQ AX, X7
	VPMOVZXBD X7, Y7 // 0, 1, ..., 7
	MOVL $0x7fc00000, AX
	VMOVD AX, X8
	VPBROADCASTD X8, Y8 // NaN
	XORQ DX, DX      // i

mloop:
	CMPQ DX, CX
	JGE  mdone
	MOVQ (R9), AX
	ADDQ DX, AX
	VMOVUPS (SI)(AX*4), Y0
	VMOVQ AX, X1
	VPBROADCASTD X1, Y1
	VPADDD Y7, Y1, Y1
	VCMPPS $0x03, Y0, Y0, Y6 // lanes that have seen a NaN
	MOVQ $1, BX

mwin:
	CMPQ BX, R10
	JGE  mstore
	MOVQ (R9)(BX*8), AX
	ADDQ DX, AX
	VMOVUPS (SI)(AX*4), Y2
	VCMPPS $0x11, Y2, Y0, Y3 // best < v, and no NaN so far
	VANDNPS Y3, Y6, Y3
	VMAXPS Y0, Y2, Y0        // drops a NaN v (Go's max would not)
	VCMPPS $0x03, Y2, Y2, Y5 // so note it, off the chain through Y0
	VORPS Y5, Y6, Y6
	VMOVQ AX, X4
	VPBROADCASTD X4, Y4
	VPADDD Y7, Y4, Y4
	VBLENDVPS Y3, Y4, Y1, Y1
	INCQ BX
	JMP  mwin

mstore:
	VBLENDVPS Y6, Y8, Y0, Y0
	VMOVUPS Y0, (DI)(DX*4)
	VMOVUPS Y1, (R8)(DX*4)
	ADDQ $8, DX
	JMP  mloop

mdone:
	VZEROUPPER
	RET

// func beyondY(x *float32, n int, limit float32) int
TEXT ·beyondY(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS limit+16(FP), Y5
	MOVL         $0x7fffffff, AX
	VMOVD        AX, X6
	VPBROADCASTD X6, Y6 // clears the sign
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-32, BX

bloop32:
	CMPQ     AX, BX
	JGE      bloop8
	VANDPS   (SI)(AX*4), Y6, Y0
	VANDPS   32(SI)(AX*4), Y6, Y1
	VANDPS   64(SI)(AX*4), Y6, Y2
	VANDPS   96(SI)(AX*4), Y6, Y3
	VCMPPS   $0x15, Y5, Y0, Y0 // |x| nlt limit: beyond, or NaN
	VCMPPS   $0x15, Y5, Y1, Y1
	VCMPPS   $0x15, Y5, Y2, Y2
	VCMPPS   $0x15, Y5, Y3, Y3
	VORPS    Y1, Y0, Y0
	VORPS    Y3, Y2, Y2
	VORPS    Y2, Y0, Y0
	VMOVMSKPS Y0, DX
	TESTL    DX, DX
	JNE      bdone
	ADDQ     $32, AX
	JMP      bloop32

bloop8:
	CMPQ     AX, CX
	JGE      bdone
	VANDPS   (SI)(AX*4), Y6, Y0
	VCMPPS   $0x15, Y5, Y0, Y0
	VMOVMSKPS Y0, DX
	TESTL    DX, DX
	JNE      bdone
	ADDQ     $8, AX
	JMP      bloop8

bdone:
	MOVQ AX, ret+24(FP)
	VZEROUPPER
	RET

// func winogradInAVX2(dst, src *[16][]float32, n int)
//
// WinogradInput for the first n channels (a multiple of 8), 8 at a time:
// Y4..Y11 hold pixels 4..11 of the tile, which three of the four groups
// of outputs read; Y0..Y3 a group's column sums, Y12..Y15 its outputs.
TEXT ·winogradInAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHLQ $2, CX
	XORQ AX, AX

wiloop:
	MOVQ    96(SI), R8
	VMOVUPS (R8)(AX*1), Y4
	MOVQ    120(SI), R8
	VMOVUPS (R8)(AX*1), Y5
	MOVQ    144(SI), R8
	VMOVUPS (R8)(AX*1), Y6
	MOVQ    168(SI), R8
	VMOVUPS (R8)(AX*1), Y7
	MOVQ    192(SI), R8
	VMOVUPS (R8)(AX*1), Y8
	MOVQ    216(SI), R8
	VMOVUPS (R8)(AX*1), Y9
	MOVQ    240(SI), R8
	VMOVUPS (R8)(AX*1), Y10
	MOVQ    264(SI), R8
	VMOVUPS (R8)(AX*1), Y11
	// a = pixels 0..3 - 8..11
	MOVQ    0(SI), R8
	VMOVUPS (R8)(AX*1), Y0
	MOVQ    24(SI), R8
	VMOVUPS (R8)(AX*1), Y1
	MOVQ    48(SI), R8
	VMOVUPS (R8)(AX*1), Y2
	MOVQ    72(SI), R8
	VMOVUPS (R8)(AX*1), Y3
	VSUBPS Y8, Y0, Y0
	VSUBPS Y9, Y1, Y1
	VSUBPS Y10, Y2, Y2
	VSUBPS Y11, Y3, Y3
	VSUBPS Y2, Y0, Y12
	VADDPS Y2, Y1, Y13
	VSUBPS Y1, Y2, Y14
	VSUBPS Y3, Y1, Y15
	MOVQ    0(DI), R8
	VMOVUPS Y12, (R8)(AX*1)
	MOVQ    24(DI), R8
	VMOVUPS Y13, (R8)(AX*1)
	MOVQ    48(DI), R8
	VMOVUPS Y14, (R8)(AX*1)
	MOVQ    72(DI), R8
	VMOVUPS Y15, (R8)(AX*1)
	// b = 4..7 + 8..11
	VADDPS Y8, Y4, Y0
	VADDPS Y9, Y5, Y1
	VADDPS Y10, Y6, Y2
	VADDPS Y11, Y7, Y3
	VSUBPS Y2, Y0, Y12
	VADDPS Y2, Y1, Y13
	VSUBPS Y1, Y2, Y14
	VSUBPS Y3, Y1, Y15
	MOVQ    96(DI), R8
	VMOVUPS Y12, (R8)(AX*1)
	MOVQ    120(DI), R8
	VMOVUPS Y13, (R8)(AX*1)
	MOVQ    144(DI), R8
	VMOVUPS Y14, (R8)(AX*1)
	MOVQ    168(DI), R8
	VMOVUPS Y15, (R8)(AX*1)
	// e = 8..11 - 4..7
	VSUBPS Y4, Y8, Y0
	VSUBPS Y5, Y9, Y1
	VSUBPS Y6, Y10, Y2
	VSUBPS Y7, Y11, Y3
	VSUBPS Y2, Y0, Y12
	VADDPS Y2, Y1, Y13
	VSUBPS Y1, Y2, Y14
	VSUBPS Y3, Y1, Y15
	MOVQ    192(DI), R8
	VMOVUPS Y12, (R8)(AX*1)
	MOVQ    216(DI), R8
	VMOVUPS Y13, (R8)(AX*1)
	MOVQ    240(DI), R8
	VMOVUPS Y14, (R8)(AX*1)
	MOVQ    264(DI), R8
	VMOVUPS Y15, (R8)(AX*1)
	// f = 4..7 - 12..15
	MOVQ    288(SI), R8
	VMOVUPS (R8)(AX*1), Y8
	MOVQ    312(SI), R8
	VMOVUPS (R8)(AX*1), Y9
	MOVQ    336(SI), R8
	VMOVUPS (R8)(AX*1), Y10
	MOVQ    360(SI), R8
	VMOVUPS (R8)(AX*1), Y11
	VSUBPS Y8, Y4, Y0
	VSUBPS Y9, Y5, Y1
	VSUBPS Y10, Y6, Y2
	VSUBPS Y11, Y7, Y3
	VSUBPS Y2, Y0, Y12
	VADDPS Y2, Y1, Y13
	VSUBPS Y1, Y2, Y14
	VSUBPS Y3, Y1, Y15
	MOVQ    288(DI), R8
	VMOVUPS Y12, (R8)(AX*1)
	MOVQ    312(DI), R8
	VMOVUPS Y13, (R8)(AX*1)
	MOVQ    336(DI), R8
	VMOVUPS Y14, (R8)(AX*1)
	MOVQ    360(DI), R8
	VMOVUPS Y15, (R8)(AX*1)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT  wiloop
	VZEROUPPER
	RET

// func winogradOutAVX2(dst *[4][]float32, src *[16][]float32, bias *float32, relu bool, n int)
//
// WinogradOutput for the first n channels (a multiple of 8), 8 at a time:
// Y0..Y3 the sums r of Aᵀ m, Y4..Y7 the differences q, Y8..Y11 the four
// pixels; R9 is bias (or 0), R10 relu.
TEXT ·winogradOutAVX2(SB), NOSPLIT, $0-40
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    bias+16(FP), R9
	MOVBLZX relu+24(FP), R10
	MOVQ    n+32(FP), CX
	SHLQ    $2, CX
	XORQ    AX, AX
	VXORPS  Y13, Y13, Y13

woloop:
	MOVQ    0(SI), R8
	VMOVUPS (R8)(AX*1), Y8
	MOVQ    96(SI), R8
	VMOVUPS (R8)(AX*1), Y9
	MOVQ    192(SI), R8
	VMOVUPS (R8)(AX*1), Y10
	MOVQ    288(SI), R8
	VMOVUPS (R8)(AX*1), Y11
	VADDPS Y9, Y8, Y0
	VADDPS Y10, Y0, Y0
	VSUBPS Y10, Y9, Y4
	VSUBPS Y11, Y4, Y4
	MOVQ    24(SI), R8
	VMOVUPS (R8)(AX*1), Y8
	MOVQ    120(SI), R8
	VMOVUPS (R8)(AX*1), Y9
	MOVQ    216(SI), R8
	VMOVUPS (R8)(AX*1), Y10
	MOVQ    312(SI), R8
	VMOVUPS (R8)(AX*1), Y11
	VADDPS Y9, Y8, Y1
	VADDPS Y10, Y1, Y1
	VSUBPS Y10, Y9, Y5
	VSUBPS Y11, Y5, Y5
	MOVQ    48(SI), R8
	VMOVUPS (R8)(AX*1), Y8
	MOVQ    144(SI), R8
	VMOVUPS (R8)(AX*1), Y9
	MOVQ    240(SI), R8
	VMOVUPS (R8)(AX*1), Y10
	MOVQ    336(SI), R8
	VMOVUPS (R8)(AX*1), Y11
	VADDPS Y9, Y8, Y2
	VADDPS Y10, Y2, Y2
	VSUBPS Y10, Y9, Y6
	VSUBPS Y11, Y6, Y6
	MOVQ    72(SI), R8
	VMOVUPS (R8)(AX*1), Y8
	MOVQ    168(SI), R8
	VMOVUPS (R8)(AX*1), Y9
	MOVQ    264(SI), R8
	VMOVUPS (R8)(AX*1), Y10
	MOVQ    360(SI), R8
	VMOVUPS (R8)(AX*1), Y11
	VADDPS Y9, Y8, Y3
	VADDPS Y10, Y3, Y3
	VSUBPS Y10, Y9, Y7
	VSUBPS Y11, Y7, Y7
	VADDPS Y1, Y0, Y8
	VADDPS Y2, Y8, Y8
	VSUBPS Y2, Y1, Y9
	VSUBPS Y3, Y9, Y9
	VADDPS Y5, Y4, Y10
	VADDPS Y6, Y10, Y10
	VSUBPS Y6, Y5, Y11
	VSUBPS Y7, Y11, Y11
	TESTQ   R9, R9
	JEQ     wonobias
	VMOVUPS (R9)(AX*1), Y12
	VADDPS  Y12, Y8, Y8
	VADDPS  Y12, Y9, Y9
	VADDPS  Y12, Y10, Y10
	VADDPS  Y12, Y11, Y11

wonobias:
	TESTQ  R10, R10
	JEQ    wostore
	// As Go's max(v, 0): v where v > 0 or NaN, else +0.
	VCMPPS $0x16, Y13, Y8, Y14
	VANDPS Y8, Y14, Y8
	VCMPPS $0x16, Y13, Y9, Y14
	VANDPS Y9, Y14, Y9
	VCMPPS $0x16, Y13, Y10, Y14
	VANDPS Y10, Y14, Y10
	VCMPPS $0x16, Y13, Y11, Y14
	VANDPS Y11, Y14, Y11

wostore:
	MOVQ    0(DI), R8
	VMOVUPS Y8, (R8)(AX*1)
	MOVQ    24(DI), R8
	VMOVUPS Y9, (R8)(AX*1)
	MOVQ    48(DI), R8
	VMOVUPS Y10, (R8)(AX*1)
	MOVQ    72(DI), R8
	VMOVUPS Y11, (R8)(AX*1)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT  woloop
	VZEROUPPER
	RET

// func copyBlocksAVX2(dst, src *float32, outer, inner, n, so, si int)
//
// CopyBlocks for n a multiple of 8: segment (o, i) of n floats from
// src + o·so + i·si to dst + (o·inner + i)·n, 32 floats a step then 8.
TEXT ·copyBlocksAVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ outer+16(FP), R8
	MOVQ inner+24(FP), R9
	MOVQ n+32(FP), R10
	MOVQ so+40(FP), R11
	SHLQ $2, R11
	MOVQ si+48(FP), R12
	SHLQ $2, R12

cbouter:
	MOVQ SI, R13
	MOVQ R9, R14

cbinner:
	MOVQ R13, AX
	MOVQ R10, CX

cb32:
	CMPQ    CX, $32
	JLT     cb8
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	VMOVUPS 64(AX), Y2
	VMOVUPS 96(AX), Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, AX
	ADDQ    $128, DI
	SUBQ    $32, CX
	JMP     cb32

cb8:
	TESTQ   CX, CX
	JEQ     cbnext
	VMOVUPS (AX), Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, AX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     cb8

cbnext:
	ADDQ R12, R13
	DECQ R14
	JNE  cbinner
	ADDQ R11, SI
	DECQ R8
	JNE  cbouter
	VZEROUPPER
	RET

// func addBlocksAVX2(dst, src *float32, outer, inner, n, do, di int)
//
// AddBlocks for n a multiple of 8: dst + o·do + i·di gets the n floats
// at src + (o·inner + i)·n added, segment after segment (they may
// overlap), each sum dst + src as in addAVX2.
TEXT ·addBlocksAVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ outer+16(FP), R8
	MOVQ inner+24(FP), R9
	MOVQ n+32(FP), R10
	MOVQ do+40(FP), R11
	SHLQ $2, R11
	MOVQ di+48(FP), R12
	SHLQ $2, R12

abouter:
	MOVQ DI, R13
	MOVQ R9, R14

abinner:
	MOVQ R13, AX
	MOVQ R10, CX

ab32:
	CMPQ    CX, $32
	JLT     ab8
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	VMOVUPS 64(AX), Y2
	VMOVUPS 96(AX), Y3
	VADDPS  (SI), Y0, Y0
	VADDPS  32(SI), Y1, Y1
	VADDPS  64(SI), Y2, Y2
	VADDPS  96(SI), Y3, Y3
	VMOVUPS Y0, (AX)
	VMOVUPS Y1, 32(AX)
	VMOVUPS Y2, 64(AX)
	VMOVUPS Y3, 96(AX)
	ADDQ    $128, AX
	ADDQ    $128, SI
	SUBQ    $32, CX
	JMP     ab32

ab8:
	TESTQ   CX, CX
	JEQ     abnext
	VMOVUPS (AX), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (AX)
	ADDQ    $32, AX
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     ab8

abnext:
	ADDQ R12, R13
	DECQ R14
	JNE  abinner
	ADDQ R11, DI
	DECQ R8
	JNE  abouter
	VZEROUPPER
	RET
