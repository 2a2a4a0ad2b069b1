#include "textflag.h"

// The AVX-512 kernels: EVEX-encoded instructions on ZMM registers, 16
// floats a step. They take any n: the last step loads and stores under the
// mask K1 = (1<<(n%16))-1, where masked-out lanes are neither read nor
// written (so they cannot fault past the end of a slice).

// NEXT16 starts a step of 16 lanes at element AX of CX, or jumps to done
// when none is left. A full step keeps K1 all ones; the last, with r =
// CX-AX < 16 lanes, sets K1 to (1<<r)-1. It uses R12 and R13.
#define NEXT16(done) \
	MOVQ  CX, R12       \
	SUBQ  AX, R12       \
	JLE   done          \
	CMPQ  R12, $16      \
	JGE   5(PC)         \
	MOVQ  $1, R13       \
	SHLXQ R12, R13, R13 \
	DECQ  R13           \
	KMOVW R13, K1

// ALLLANES sets K1 to all 16 lanes.
#define ALLLANES KXNORW K1, K1, K1

// func adamZ(w, grad, m, v *float32, n int, lr, b1, c1, b2, c2, eps float32)
TEXT ·adamZ(SB), NOSPLIT, $0-64
	MOVQ         w+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         m+16(FP), DX
	MOVQ         v+24(FP), R8
	MOVQ         n+32(FP), CX
	VBROADCASTSS lr+40(FP), Z4
	VBROADCASTSS b1+44(FP), Z0
	VBROADCASTSS c1+48(FP), Z1
	VBROADCASTSS b2+52(FP), Z2
	VBROADCASTSS c2+56(FP), Z3
	VBROADCASTSS eps+60(FP), Z5
	XORQ         AX, AX
	ALLLANES

loop:
	NEXT16(done)
	VMOVUPS.Z     (SI)(AX*4), K1, Z6  // g
	VMOVUPS.Z     (DX)(AX*4), K1, Z7  // m
	VMOVUPS.Z     (R8)(AX*4), K1, Z9  // v
	VMOVUPS.Z     (DI)(AX*4), K1, Z12 // w
	VMULPS        Z7, Z0, Z7          // b1*m
	VFMADD231PS   Z6, Z1, Z7          // + (1-b1)*g
	VMULPS        Z6, Z6, Z8          // g*g
	VMULPS        Z9, Z2, Z9          // b2*v
	VFMADD231PS   Z8, Z3, Z9          // + (1-b2)*g*g
	VMOVUPS       Z7, K1, (DX)(AX*4)
	VMOVUPS       Z9, K1, (R8)(AX*4)
	VSQRTPS       Z9, Z10
	VADDPS        Z5, Z10, Z10        // sqrt(v) + eps
	VMULPS        Z4, Z7, Z11         // lr*m
	VDIVPS        Z10, Z11, Z11       // lr*m / (sqrt(v)+eps)
	VSUBPS        Z11, Z12, Z12
	VMOVUPS       Z12, K1, (DI)(AX*4)
	ADDQ          $16, AX
	JMP           loop

done:
	VZEROUPPER
	RET

// func addZ(dst, a, b *float32, n int)
TEXT ·addZ(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-64, BX
	ALLLANES

loop64:
	CMPQ    AX, BX
	JGE     tail
	VMOVUPS (SI)(AX*4), Z0
	VMOVUPS 64(SI)(AX*4), Z1
	VMOVUPS 128(SI)(AX*4), Z2
	VMOVUPS 192(SI)(AX*4), Z3
	VADDPS  (DX)(AX*4), Z0, Z0
	VADDPS  64(DX)(AX*4), Z1, Z1
	VADDPS  128(DX)(AX*4), Z2, Z2
	VADDPS  192(DX)(AX*4), Z3, Z3
	VMOVUPS Z0, (DI)(AX*4)
	VMOVUPS Z1, 64(DI)(AX*4)
	VMOVUPS Z2, 128(DI)(AX*4)
	VMOVUPS Z3, 192(DI)(AX*4)
	ADDQ    $64, AX
	JMP     loop64

tail:
	NEXT16(done)
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	VMOVUPS.Z (DX)(AX*4), K1, Z1
	VADDPS    Z1, Z0, Z0
	VMOVUPS   Z0, K1, (DI)(AX*4)
	ADDQ      $16, AX
	JMP       tail

done:
	VZEROUPPER
	RET

// func reluZ(y, x *float32, n int)
// y[i] = x[i] where !(x[i] <= 0) (positive or NaN), else +0: Go's max(x, 0).
TEXT ·reluZ(SB), NOSPLIT, $0-24
	MOVQ   y+0(FP), DI
	MOVQ   x+8(FP), SI
	MOVQ   n+16(FP), CX
	VXORPS Z5, Z5, Z5
	XORQ   AX, AX
	MOVQ   CX, BX
	ANDQ   $-32, BX
	ALLLANES

loop32:
	CMPQ      AX, BX
	JGE       tail
	VMOVUPS   (SI)(AX*4), Z0
	VMOVUPS   64(SI)(AX*4), Z1
	VCMPPS    $0x16, Z5, Z0, K2 // x nle 0 (true for NaN)
	VCMPPS    $0x16, Z5, Z1, K3
	VMOVUPS.Z Z0, K2, Z0
	VMOVUPS.Z Z1, K3, Z1
	VMOVUPS   Z0, (DI)(AX*4)
	VMOVUPS   Z1, 64(DI)(AX*4)
	ADDQ      $32, AX
	JMP       loop32

tail:
	NEXT16(done)
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	VCMPPS    $0x16, Z5, Z0, K1, K2
	VMOVUPS.Z Z0, K2, Z0
	VMOVUPS   Z0, K1, (DI)(AX*4)
	ADDQ      $16, AX
	JMP       tail

done:
	VZEROUPPER
	RET

// func reluGradZ(dst, grad, y *float32, n int, add bool)
// dst[i] = g[i] where y[i] > 0, else 0 (added to dst if add).
TEXT ·reluGradZ(SB), NOSPLIT, $0-33
	MOVQ    dst+0(FP), DI
	MOVQ    grad+8(FP), SI
	MOVQ    y+16(FP), DX
	MOVQ    n+24(FP), CX
	MOVBLZX add+32(FP), BX
	VXORPS  Z5, Z5, Z5
	XORQ    AX, AX
	ALLLANES
	TESTQ   BX, BX
	JNE     aloop

gloop:
	NEXT16(done)
	VCMPPS    $0x11, (DX)(AX*4), Z5, K1, K2 // 0 < y (false for NaN)
	VMOVUPS.Z (SI)(AX*4), K2, Z0
	VMOVUPS   Z0, K1, (DI)(AX*4)
	ADDQ      $16, AX
	JMP       gloop

aloop:
	NEXT16(done)
	VCMPPS    $0x11, (DX)(AX*4), Z5, K1, K2
	VMOVUPS.Z (SI)(AX*4), K2, Z0
	VMOVUPS.Z (DI)(AX*4), K1, Z1
	VADDPS    Z1, Z0, Z0 // dst + 0 where y <= 0, as Go does (-0 becomes +0)
	VMOVUPS   Z0, K1, (DI)(AX*4)
	ADDQ      $16, AX
	JMP       aloop

done:
	VZEROUPPER
	RET

// func maxIndexZ(dst, idx, x *float32, offs *int, noffs, n int)
// For i < n: dst[i] = max over j of x[offs[j]+i] with Go's max (NaN if
// any is NaN, +0 over -0), and idx[i] holds, as float32 bits,
// offs[j]+i for the first j that is larger than every earlier one.
TEXT ·maxIndexZ(SB), NOSPLIT, $0-48
	MOVQ      dst+0(FP), DI
	MOVQ      idx+8(FP), R8
	MOVQ      x+16(FP), SI
	MOVQ      offs+24(FP), R9
	MOVQ      noffs+32(FP), R10
	MOVQ      n+40(FP), CX
	MOVQ      $0x0706050403020100, R11
	VMOVQ     R11, X7
	MOVQ      $0x0f0e0d0c0b0a0908, R11
	VMOVQ     R11, X6
	VPUNPCKLQDQ X6, X7, X7
	VPMOVZXBD X7, Z7 // 0, 1, ..., 15
	MOVL      $0x7fc00000, R11
	VPBROADCASTD R11, Z8 // NaN
	XORQ      AX, AX // i
	ALLLANES

mloop:
	NEXT16(mdone)
	MOVQ         (R9), R11
	ADDQ         AX, R11
	VMOVUPS.Z    (SI)(R11*4), K1, Z0
	VPBROADCASTD R11, Z1
	VPADDD       Z7, Z1, Z1
	VCMPPS       $0x03, Z0, Z0, K5 // lanes that have seen a NaN
	MOVQ         $1, BX

mwin:
	CMPQ         BX, R10
	JGE          mstore
	MOVQ         (R9)(BX*8), R11
	ADDQ         AX, R11
	VMOVUPS.Z    (SI)(R11*4), K1, Z2
	VCMPPS       $0x11, Z2, Z0, K3 // best < v, and no NaN so far
	KANDNW       K3, K5, K3
	VRANGEPS     $5, Z2, Z0, Z0    // max, +0 over -0, but it drops a NaN
	VCMPPS       $0x03, Z2, Z2, K4 // so note it, off the chain through Z0
	KORW         K4, K5, K5
	VPBROADCASTD R11, Z4
	VPADDD       Z7, Z4, K3, Z1
	INCQ         BX
	JMP          mwin

mstore:
	VMOVAPS Z8, K5, Z0
	VMOVUPS Z0, K1, (DI)(AX*4)
	VMOVUPS Z1, K1, (R8)(AX*4)
	ADDQ    $16, AX
	JMP     mloop

mdone:
	VZEROUPPER
	RET

// func beyondZ(x *float32, n int, limit float32) int
TEXT ·beyondZ(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS limit+16(FP), Z5
	MOVL         $0x7fffffff, AX
	VPBROADCASTD AX, Z6 // clears the sign
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-64, BX
	ALLLANES

bloop64:
	CMPQ    AX, BX
	JGE     btail
	VPANDD  (SI)(AX*4), Z6, Z0
	VPANDD  64(SI)(AX*4), Z6, Z1
	VPANDD  128(SI)(AX*4), Z6, Z2
	VPANDD  192(SI)(AX*4), Z6, Z3
	VCMPPS  $0x15, Z5, Z0, K2 // |x| nlt limit: beyond, or NaN
	VCMPPS  $0x15, Z5, Z1, K3
	VCMPPS  $0x15, Z5, Z2, K4
	VCMPPS  $0x15, Z5, Z3, K5
	KORW    K2, K3, K2
	KORW    K4, K5, K4
	KORTESTW K2, K4
	JNE     bdone
	ADDQ    $64, AX
	JMP     bloop64

btail:
	NEXT16(bdone)
	VPANDD.Z (SI)(AX*4), Z6, K1, Z0
	VCMPPS   $0x15, Z5, Z0, K1, K2
	KORTESTW K2, K2
	JNE      bdone
	ADDQ     $16, AX
	JMP      btail

bdone:
	CMPQ AX, CX
	JLE  2(PC)
	MOVQ CX, AX
	MOVQ AX, ret+24(FP)
	VZEROUPPER
	RET
