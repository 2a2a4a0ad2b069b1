// AVX2+FMA kernel for SparseMul (amd64 only).
//
// Register use in spmmRows:
//   Y0..Y7   accumulators for the 64 columns of one row of C
//   Y8       the broadcast value of the current nonzero
//   Y9       beta; X10 zero; X11 one
//   R13      rows left; R12 the row's segment bounds; R11 their stride (bytes)
//   R10, R9  column indices and values of S; SI, DI cursors in them
//   BX       the packed 64-column panel of B; DX the row of C; R8 C's stride (bytes)

#include "textflag.h"

// func spmmRows(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)
//
// For each row r < rows, with p0 = ptr[r*pstride] and p1 = ptr[r*pstride+1]:
// c[r*ldc : r*ldc+64] = Σ_{p0≤p<p1} val[p]·b[idx[p]*64 : idx[p]*64+64] + beta·c[...].
// If beta == 0, c is not read; rows without entries are left alone if beta == 1.
TEXT ·spmmRows(SB), NOSPLIT, $0-68
	MOVQ rows+0(FP), R13
	MOVQ ptr+8(FP), R12
	MOVQ pstride+16(FP), R11
	SHLQ $2, R11
	MOVQ idx+24(FP), R10
	MOVQ val+32(FP), R9
	MOVQ b+40(FP), BX
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R8
	SHLQ $2, R8
	VBROADCASTSS beta+64(FP), Y9
	VXORPS X10, X10, X10
	MOVL   $0x3f800000, AX
	MOVD   AX, X11
	TESTQ  R13, R13
	JEQ    done

row:
	MOVLQSX (R12), SI
	MOVLQSX 4(R12), CX
	SUBQ    SI, CX
	JNE     entries
	VUCOMISS X11, X9
	JEQ     next      // no entries and beta == 1: nothing to do

entries:
	LEAQ (R9)(SI*4), DI
	LEAQ (R10)(SI*4), SI
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
	SHLQ         $8, AX
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
	VUCOMISS    X10, X9
	JEQ         write
	VFMADD231PS (DX), Y9, Y0
	VFMADD231PS 32(DX), Y9, Y1
	VFMADD231PS 64(DX), Y9, Y2
	VFMADD231PS 96(DX), Y9, Y3
	VFMADD231PS 128(DX), Y9, Y4
	VFMADD231PS 160(DX), Y9, Y5
	VFMADD231PS 192(DX), Y9, Y6
	VFMADD231PS 224(DX), Y9, Y7

write:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, 128(DX)
	VMOVUPS Y5, 160(DX)
	VMOVUPS Y6, 192(DX)
	VMOVUPS Y7, 224(DX)

next:
	ADDQ R11, R12
	ADDQ R8, DX
	DECQ R13
	JNE  row

done:
	VZEROUPPER
	RET
