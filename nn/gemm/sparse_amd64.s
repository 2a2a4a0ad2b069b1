// AVX2+FMA kernel for SparseMul (amd64 only).
//
// Register use in spmmRow64:
//   Y0..Y7  accumulators for the 64 columns of one row of C
//   Y8      the broadcast value of the current nonzero
//   SI, DI  cursors in the row's column indices and values
//   BX, R8  B's first element (of this 64-column slab) and row stride in bytes

#include "textflag.h"

// func spmmRow64(nnz int, idx *int32, val *float32, b *float32, ldb int, c *float32, beta float32)
//
// c[0:64] = Σ_{p<nnz} val[p]·b[idx[p]*ldb : idx[p]*ldb+64] + beta·c[0:64];
// if beta == 0, c is not read.
TEXT ·spmmRow64(SB), NOSPLIT, $0-52
	MOVQ nnz+0(FP), CX
	MOVQ idx+8(FP), SI
	MOVQ val+16(FP), DI
	MOVQ b+24(FP), BX
	MOVQ ldb+32(FP), R8
	SHLQ $2, R8
	MOVQ c+40(FP), DX

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	TESTQ  CX, CX
	JEQ    store

loop:
	MOVLQSX      (SI), AX
	IMULQ        R8, AX
	ADDQ         BX, AX
	VBROADCASTSS (DI), Y8
	VFMADD231PS  (AX), Y8, Y0
	VFMADD231PS  32(AX), Y8, Y1
	VFMADD231PS  64(AX), Y8, Y2
	VFMADD231PS  96(AX), Y8, Y3
	VFMADD231PS  128(AX), Y8, Y4
	VFMADD231PS  160(AX), Y8, Y5
	VFMADD231PS  192(AX), Y8, Y6
	VFMADD231PS  224(AX), Y8, Y7
	ADDQ         $4, SI
	ADDQ         $4, DI
	DECQ         CX
	JNE          loop

store:
	VBROADCASTSS beta+48(FP), Y9
	VXORPS       X10, X10, X10
	VUCOMISS     X10, X9
	JEQ          write
	VFMADD231PS  (DX), Y9, Y0
	VFMADD231PS  32(DX), Y9, Y1
	VFMADD231PS  64(DX), Y9, Y2
	VFMADD231PS  96(DX), Y9, Y3
	VFMADD231PS  128(DX), Y9, Y4
	VFMADD231PS  160(DX), Y9, Y5
	VFMADD231PS  192(DX), Y9, Y6
	VFMADD231PS  224(DX), Y9, Y7

write:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, 128(DX)
	VMOVUPS Y5, 160(DX)
	VMOVUPS Y6, 192(DX)
	VMOVUPS Y7, 224(DX)
	VZEROUPPER
	RET
