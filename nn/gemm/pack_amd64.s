// AVX packing routines for package gemm (amd64 only). Each packs one full
// sliver; the Go callers handle partial slivers and leftover k.

#include "textflag.h"

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

// func packA6N(k int, dst, src *float32, lda int)
//
// dst[p*6+r] = src[r*lda+p] for r < 6, p < k; k must be a multiple of 8.
// Writes 2 floats past dst[6*k] (scratch the caller provides).
TEXT ·packA6N(SB), NOSPLIT, $0-32
	MOVQ k+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	MOVQ lda+24(FP), BX
	SHLQ $2, BX
	LEAQ (BX)(BX*2), DX // 3*lda bytes
	SHRQ $3, CX
	JZ   a6done

a6loop:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(BX*1), Y1
	VMOVUPS (SI)(BX*2), Y2
	VMOVUPS (SI)(DX*1), Y3
	VMOVUPS (SI)(BX*4), Y4
	LEAQ    (SI)(BX*4), R8
	VMOVUPS (R8)(BX*1), Y5
	VMOVAPS Y5, Y6
	VMOVAPS Y5, Y7
	TRANSPOSE8
	// Column p of the 6 rows is Y(8+p); store 8 floats at a stride of 6, in
	// increasing order so each store overwrites the previous one's junk.
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 24(DI)
	VMOVUPS Y10, 48(DI)
	VMOVUPS Y11, 72(DI)
	VMOVUPS Y12, 96(DI)
	VMOVUPS Y13, 120(DI)
	VMOVUPS Y14, 144(DI)
	VMOVUPS Y15, 168(DI)
	ADDQ    $32, SI
	ADDQ    $192, DI
	DECQ    CX
	JNZ     a6loop

a6done:
	VZEROUPPER
	RET

// func packA6T(k int, dst, src *float32, lda int)
//
// dst[p*6+r] = src[p*lda+r] for r < 6, p < k.
TEXT ·packA6T(SB), NOSPLIT, $0-32
	MOVQ k+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	MOVQ lda+24(FP), BX
	SHLQ $2, BX
	TESTQ CX, CX
	JZ   a6tdone

a6tloop:
	VMOVUPS (SI), X0
	VMOVQ   16(SI), X1
	VMOVUPS X0, (DI)
	VMOVQ   X1, 16(DI)
	ADDQ   BX, SI
	ADDQ   $24, DI
	DECQ   CX
	JNZ    a6tloop

a6tdone:
	RET

// func packB16N(k int, dst, src *float32, ldb int)
//
// dst[p*16+j] = src[p*ldb+j] for j < 16, p < k.
TEXT ·packB16N(SB), NOSPLIT, $0-32
	MOVQ k+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	MOVQ ldb+24(FP), BX
	SHLQ $2, BX
	TESTQ CX, CX
	JZ   b16ndone

b16nloop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    BX, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     b16nloop

b16ndone:
	VZEROUPPER
	RET

// func packB16T(k int, dst, src *float32, ldb int)
//
// dst[p*16+j] = src[j*ldb+p] for j < 16, p < k; k must be a multiple of 8.
TEXT ·packB16T(SB), NOSPLIT, $0-32
	MOVQ k+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	MOVQ ldb+24(FP), BX
	SHLQ $2, BX
	LEAQ (BX)(BX*2), DX // 3*ldb bytes
	LEAQ (SI)(BX*8), R9 // row 8
	SHRQ $3, CX
	JZ   b16tdone

b16tloop:
	// Columns 0-7: rows 0-7 of src.
	LEAQ    (SI)(BX*4), R8
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(BX*1), Y1
	VMOVUPS (SI)(BX*2), Y2
	VMOVUPS (SI)(DX*1), Y3
	VMOVUPS (R8), Y4
	VMOVUPS (R8)(BX*1), Y5
	VMOVUPS (R8)(BX*2), Y6
	VMOVUPS (R8)(DX*1), Y7
	TRANSPOSE8
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 64(DI)
	VMOVUPS Y10, 128(DI)
	VMOVUPS Y11, 192(DI)
	VMOVUPS Y12, 256(DI)
	VMOVUPS Y13, 320(DI)
	VMOVUPS Y14, 384(DI)
	VMOVUPS Y15, 448(DI)

	// Columns 8-15: rows 8-15 of src.
	LEAQ    (R9)(BX*4), R8
	VMOVUPS (R9), Y0
	VMOVUPS (R9)(BX*1), Y1
	VMOVUPS (R9)(BX*2), Y2
	VMOVUPS (R9)(DX*1), Y3
	VMOVUPS (R8), Y4
	VMOVUPS (R8)(BX*1), Y5
	VMOVUPS (R8)(BX*2), Y6
	VMOVUPS (R8)(DX*1), Y7
	TRANSPOSE8
	VMOVUPS Y8, 32(DI)
	VMOVUPS Y9, 96(DI)
	VMOVUPS Y10, 160(DI)
	VMOVUPS Y11, 224(DI)
	VMOVUPS Y12, 288(DI)
	VMOVUPS Y13, 352(DI)
	VMOVUPS Y14, 416(DI)
	VMOVUPS Y15, 480(DI)

	ADDQ $32, SI
	ADDQ $32, R9
	ADDQ $512, DI
	DECQ CX
	JNZ  b16tloop

b16tdone:
	VZEROUPPER
	RET
