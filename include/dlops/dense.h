/** @file
 * dlops/dense.h: distributed dense matrix products in 1D and 2D partitions. Included by dlops.h.
 *
 * Grids. A pr x pc process grid uses the first pr*pc ranks of the context in row-major order
 * (rank = i*pc + j is grid position (i, j)); further ranks are idle: they hold empty vectors and
 * take part only in collective checks. Any pr, pc >= 1 with pr*pc <= P works (non-square grids,
 * rank counts that are not squares). Matrices are split in contiguous "ceil blocks": a dimension
 * n over q parts gives part t the range [t*ceil(n/q), min(n, (t+1)*ceil(n/q))) (possibly empty),
 * as PyLops-MPI's MatrixMult does. Local tiles are row-major (C order).
 *
 * Two operator forms of Y = A X (A: N x K, X: K x M, Y: N x M), both keeping A in place:
 *   - DLOPS_MATMUL_BLOCK (1D, PyLops-MPI kind="block"): rank (i, j) holds the rows
 *     [j-th ceil block of N over pc] of A (all K columns; replicated over the pr grid rows), and
 *     the columns [i-th ceil block of M over pr] of X (K x m_i, replicated over the pc ranks of
 *     its grid row) and of Y (N x m_i). Vectors carry mask colour j (one replica per group).
 *     Forward: local gemm, allgather of N-row pieces within the grid row. Adjoint: local gemm,
 *     allreduce of K x m_i within the grid row. pr = pc = sqrt(P) is PyLops-MPI's layout.
 *   - DLOPS_MATMUL_SUMMA (2D, A stationary): rank (i, j) holds the tile A[n_i, k_j] (N over
 *     pr, K over pc), the tile X[k_j, m_i] of X (K over pc, M over pr) and the tile Y[n_i, m_j]
 *     (N over pr, M over pc). Forward: the pr tiles X[k_j, :] of grid column j are broadcast
 *     down the column in panels of at most nb columns (non-blocking, double-buffered so the
 *     next panel travels during the local gemm), each rank forms A_ij X[k_j, panel], and the
 *     partial products are summed along the grid row with non-blocking reductions to their
 *     owners. Adjoint: the same with A^H, broadcasting Y along grid rows and reducing along grid
 *     columns. Only X and Y move; A never does.
 * Vectors of both forms are 1-D SCATTER arrays whose local part is the rank's tile, flattened
 * row-major (the global vector is the concatenation of the tiles in rank order).
 */
#ifndef DLOPS_DENSE_H
#define DLOPS_DENSE_H

#include "op.h"

#ifdef __cplusplus
extern "C" {
#endif
/** @addtogroup group_dense
 * @{ */

/** The two operator forms of dlops_op_create_matmul (described at the top of this header). */
typedef enum { DLOPS_MATMUL_BLOCK = 0, DLOPS_MATMUL_SUMMA = 1 } dlops_matmul_kind;

/** Ceil-block range of part t of n split into q parts: [*start, *start + *len). Not collective. */
DLOPS_EXTERN int dlops_ceil_block(int64_t n, int q, int t, int64_t *start, int64_t *len);

/** Distributed product operator Y = A X. **Collective**.
 *  @param ctx      context (P ranks, P >= pr*pc)
 *  @param kind     DLOPS_MATMUL_BLOCK or DLOPS_MATMUL_SUMMA
 *  @param pr, pc   process grid (pr*pc <= P); pr = pc = 0 picks the most square grid of P
 *  @param N, K, M  global sizes (>= 0; any values, not necessarily divisible by the grid)
 *  @param A_local  this rank's tile of A, row-major (BLOCK: rows of n-block j x K; SUMMA:
 *                  n_i x k_j); copied, so the caller may free it; NULL allowed when empty
 *  @param nb       SUMMA panel width (columns of X/Y per broadcast); 0 picks a default (256)
 *  @param dtype    element type
 *  @param A        the operator (domain/range layouts as described above); A_local is host
 *                  memory, copied into the context's memory space (where the tile stays) */
DLOPS_EXTERN int dlops_op_create_matmul(dlops_ctx ctx, dlops_matmul_kind kind, int pr, int pc, int64_t N, int64_t K,
                                        int64_t M, const void *A_local, int64_t nb, dlops_dtype dtype, dlops_op *A);

/** The grid and tile extents of a matmul operator on this rank (any pointer may be NULL):
 *  grid (pr, pc), position (i, j) (-1 when idle), and the local tile shapes of A, X and Y
 *  (rows, cols). Not collective. */
DLOPS_EXTERN int dlops_op_matmul_get_layout(dlops_op A, int *pr, int *pc, int *i, int *j, int64_t *a_shape,
                                            int64_t *x_shape, int64_t *y_shape);

/** ScaLAPACK-shaped product C = alpha * A * B + beta * C (no transposes) on block-cyclic
 *  matrices described by ScaLAPACK descriptors (9 ints: dtype=1, ctxt, m, n, mb, nb, rsrc,
 *  csrc, lld; local arrays column-major as in ScaLAPACK). The process grid is pr x pc. When the
 *  program links BLACS and desca's ctxt is a BLACS grid, each rank takes its grid position from
 *  BLACS (so "Col"-ordered and user-mapped grids work); the grid's shape must be pr x pc and its
 *  positions must cover the grid exactly once, else DLOPS_ERR_ARG on every rank. Without BLACS
 *  (or ctxt < 0 on every rank) the grid is the context's first pr*pc ranks in row-major order
 *  (BLACS' default "Row" order). Arguments that must be equal on every rank (type, grid, m, n,
 *  k, nb, alpha, beta, the descriptors' global fields) are compared: DLOPS_ERR_SIZE if not.
 *  Algorithm: SUMMA with non-blocking, double-buffered panel broadcasts of width at most nb
 *  (0 = the natural block width), C stationary. Requirements (else DLOPS_ERR_UNSUPPORTED):
 *  A's row blocking equals C's (mb, rsrc) and B's column blocking equals C's (nb, csrc); the
 *  sub-matrix offsets ia, ja, ... are 1. The local arrays are host memory (ScaLAPACK's
 *  convention), whatever the context's memory space. **Collective**.
 *  Variants: dlops_pdgemm (double), dlops_psgemm (float), dlops_pcgemm / dlops_pzgemm
 *  (complex float / double; alpha and beta as dlops_scalar). */
DLOPS_EXTERN int dlops_pdgemm(dlops_ctx ctx, int pr, int pc, int64_t m, int64_t n, int64_t k, double alpha,
                              const double *a, const int *desca, const double *b, const int *descb, double beta,
                              double *c, const int *descc, int64_t nb);
/** Single-precision variant of dlops_pdgemm. **Collective**. */
DLOPS_EXTERN int dlops_psgemm(dlops_ctx ctx, int pr, int pc, int64_t m, int64_t n, int64_t k, float alpha,
                              const float *a, const int *desca, const float *b, const int *descb, float beta, float *c,
                              const int *descc, int64_t nb);
/** Double-complex variant of dlops_pdgemm (alpha, beta as dlops_scalar). **Collective**. */
DLOPS_EXTERN int dlops_pzgemm(dlops_ctx ctx, int pr, int pc, int64_t m, int64_t n, int64_t k, dlops_scalar alpha,
                              const void *a, const int *desca, const void *b, const int *descb, dlops_scalar beta,
                              void *c, const int *descc, int64_t nb);
/** Single-complex variant of dlops_pdgemm (alpha, beta as dlops_scalar). **Collective**. */
DLOPS_EXTERN int dlops_pcgemm(dlops_ctx ctx, int pr, int pc, int64_t m, int64_t n, int64_t k, dlops_scalar alpha,
                              const void *a, const int *desca, const void *b, const int *descb, dlops_scalar beta,
                              void *c, const int *descc, int64_t nb);

/** @} */

#ifdef __cplusplus
}
#endif
#endif
