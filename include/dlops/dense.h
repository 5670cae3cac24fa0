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
 *   - DLOPS_MATMUL_SUMMA_RMA (2D, one-sided): DLOPS_MATMUL_SUMMA's layout, panels and results
 *     (the same local products in the same order), but the panels are not broadcast: each rank
 *     fetches the panels it needs from their owners with MPI_Rget (double-buffered, passive
 *     target: the window is made once per operator over the pr*pc grid ranks and held under
 *     MPI_Win_lock_all until the operator is destroyed). An apply copies the rank's input tile
 *     into its window (host memory; from device memory for a device context), publishes it with
 *     a barrier on the grid column (forward; grid row for the adjoint), fetches, and ends with
 *     a second barrier there so no tile is overwritten while being read. The partial products
 *     are summed with the same non-blocking two-sided reductions as DLOPS_MATMUL_SUMMA. Works
 *     under any comm= backend (it does not go through the backend's collectives). The gets are
 *     counted as DLOPS_COMM_BCAST by the fetching rank (messages = gets, bytes fetched), so a
 *     forward apply counts k_j * (M - m_i) elements on rank (i, j) where SUMMA counts the
 *     owner's k_j * m_i sent. The window comes from the rma backend's constructor
 *     (MPI_Win_allocate_shared on one node); on Open MPI < 5 across nodes with several ranks on
 *     a node, where osc/rdma would serve it with wrong results (open-mpi/ompi#9492), creation
 *     fails with DLOPS_ERR_UNSUPPORTED on every rank instead.
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
typedef enum { DLOPS_MATMUL_BLOCK = 0, DLOPS_MATMUL_SUMMA = 1, DLOPS_MATMUL_SUMMA_RMA = 2 } dlops_matmul_kind;

/** Ceil-block range of part t of n split into q parts: [*start, *start + *len). Not collective.
 *  @param[in]  n      size to split, >= 0
 *  @param[in]  q      number of parts, >= 1
 *  @param[in]  t      the part, 0..q-1
 *  @param[out] start  first index of part t
 *  @param[out] len    length of part t (possibly 0)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG for n < 0, q < 1, t out of range or a NULL output. */
DLOPS_EXTERN int dlops_ceil_block(int64_t n, int q, int t, int64_t *start, int64_t *len); /* fortran: manual */

/** Distributed product operator Y = A X. **Collective**. Memory spaces: host and device (A_local
 *  is host memory, copied into the context's memory space, where the tile stays; the vectors
 *  live in the context's memory space).
 *  @param[in]  ctx      context (P ranks, P >= pr*pc)
 *  @param[in]  kind     DLOPS_MATMUL_BLOCK, DLOPS_MATMUL_SUMMA or DLOPS_MATMUL_SUMMA_RMA
 *  @param[in]  pr       process grid rows (pr*pc <= P); pr = pc = 0 picks the most square grid of P
 *  @param[in]  pc       process grid columns
 *  @param[in]  N        rows of A and Y (>= 0; any value, not necessarily divisible by the grid)
 *  @param[in]  K        columns of A, rows of X (>= 0)
 *  @param[in]  M        columns of X and Y (>= 0)
 *  @param[in]  A_local  this rank's tile of A, row-major (BLOCK: rows of n-block j x K; SUMMA:
 *                       n_i x k_j); copied, so the caller may free it; NULL allowed when empty
 *  @param[in]  nb       SUMMA panel width (columns of X/Y per broadcast); 0 picks a default (256)
 *  @param[in]  dtype    element type
 *  @param[out] A        the operator (domain/range layouts as described at the top of this
 *                       header)
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx or A, unknown
 *          kind, a grid that does not fit, negative sizes, bad dtype, nb < 0, NULL A_local with a
 *          non-empty tile); DLOPS_ERR_STATE (stale ctx); DLOPS_ERR_UNSUPPORTED (N, K or M above
 *          INT_MAX; DLOPS_MATMUL_SUMMA_RMA in a build without DLOPS_ENABLE_RMA, or where the
 *          window would be served by Open MPI 4's faulty osc/rdma, see above); DLOPS_ERR_SIZE (ranks passing different kind, grid, sizes, dtype or nb; size
 *          arithmetic that overflows); DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_matmul(dlops_ctx ctx, dlops_matmul_kind kind, int pr, int pc, int64_t N, int64_t K,
                                        int64_t M, const void *A_local, int64_t nb, dlops_dtype dtype, dlops_op *A); /* fortran: manual */

/** The grid and tile extents of a matmul operator on this rank. Not collective. No data access.
 *  @param[in]  A        an operator of dlops_op_create_matmul
 *  @param[out] pr       grid rows, or NULL
 *  @param[out] pc       grid columns, or NULL
 *  @param[out] i        grid row of this rank (-1 when idle), or NULL
 *  @param[out] j        grid column of this rank (-1 when idle), or NULL
 *  @param[out] a_shape  rows and columns of the local tile of A (2 entries), or NULL
 *  @param[out] x_shape  rows and columns of the local tile of X, or NULL
 *  @param[out] y_shape  rows and columns of the local tile of Y, or NULL
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL A, A not a matmul operator); DLOPS_ERR_STATE (stale
 *          A). */
DLOPS_EXTERN int dlops_op_matmul_get_layout(dlops_op A, int *pr, int *pc, int *i, int *j, int64_t *a_shape,
                                            int64_t *x_shape, int64_t *y_shape); /* fortran: manual array(a_shape, x_shape, y_shape) */

/** ScaLAPACK-shaped product C = alpha * A * B + beta * C (no transposes) on block-cyclic
 *  matrices described by ScaLAPACK descriptors (9 ints: dtype=1, ctxt, m, n, mb, nb, rsrc,
 *  csrc, lld; local arrays column-major as in ScaLAPACK). The process grid is pr x pc. When the
 *  program links BLACS and desca's ctxt is a BLACS grid, each rank takes its grid position from
 *  BLACS (so "Col"-ordered and user-mapped grids work); the grid's shape must be pr x pc and its
 *  positions must cover the grid exactly once. Without BLACS (or ctxt < 0 on every rank) the
 *  grid is the context's first pr*pc ranks in row-major order (BLACS' default "Row" order).
 *  Arguments that must be equal on every rank (type, grid, m, n, k, nb, alpha, beta, the
 *  descriptors' global fields) are compared. Algorithm: SUMMA with non-blocking,
 *  double-buffered panel broadcasts of width at most nb, C stationary. Requirements: A's row
 *  blocking equals C's (mb, rsrc) and B's column blocking equals C's (nb, csrc); the
 *  sub-matrix offsets ia, ja, ... are 1. **Collective**. Memory spaces: the local arrays are
 *  host memory (ScaLAPACK's convention), whatever the context's memory space.
 *  Variants: dlops_pdgemm (double), dlops_psgemm (float), dlops_pcgemm / dlops_pzgemm
 *  (complex float / double; alpha and beta as dlops_scalar).
 *  @param[in]     ctx    context (P >= pr*pc ranks)
 *  @param[in]     pr     process grid rows
 *  @param[in]     pc     process grid columns
 *  @param[in]     m      rows of A and C
 *  @param[in]     n      columns of B and C
 *  @param[in]     k      columns of A, rows of B
 *  @param[in]     alpha  scale of A*B
 *  @param[in]     a      local array of A (column-major, host memory)
 *  @param[in]     desca  descriptor of A (9 ints)
 *  @param[in]     b      local array of B
 *  @param[in]     descb  descriptor of B
 *  @param[in]     beta   scale of C
 *  @param[in,out] c      local array of C
 *  @param[in]     descc  descriptor of C
 *  @param[in]     nb     panel width, 0 = the natural block width
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx or
 *          descriptor, a grid that does not fit in P, bad sizes, nb < 0, a descriptor of
 *          another type, with bad block sizes, a source process outside the grid or too small
 *          a leading dimension, NULL local arrays with non-empty blocks, descriptors naming
 *          different BLACS contexts, a BLACS grid that is not pr x pc or does not cover it once);
 *          DLOPS_ERR_SIZE (a descriptor's global size does not match m, n, k; arguments that
 *          differ between ranks; buffer sizes that overflow); DLOPS_ERR_UNSUPPORTED (A's row
 *          blocking or B's column blocking other than C's); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_pdgemm(dlops_ctx ctx, int pr, int pc, int64_t m, int64_t n, int64_t k, double alpha,
                              const double *a, const int *desca, const double *b, const int *descb, double beta,
                              double *c, const int *descc, int64_t nb); /* fortran: manual cptr(a, b, c) */
/** Single-precision variant of dlops_pdgemm. **Collective**. Memory spaces: host arrays.
 *  @param[in]     ctx    context (P >= pr*pc ranks)
 *  @param[in]     pr     process grid rows
 *  @param[in]     pc     process grid columns
 *  @param[in]     m      rows of A and C
 *  @param[in]     n      columns of B and C
 *  @param[in]     k      columns of A, rows of B
 *  @param[in]     alpha  scale of A*B
 *  @param[in]     a      local array of A (column-major, host memory)
 *  @param[in]     desca  descriptor of A (9 ints)
 *  @param[in]     b      local array of B
 *  @param[in]     descb  descriptor of B
 *  @param[in]     beta   scale of C
 *  @param[in,out] c      local array of C
 *  @param[in]     descc  descriptor of C
 *  @param[in]     nb     panel width, 0 = the natural block width
 *  @return as dlops_pdgemm. */
DLOPS_EXTERN int dlops_psgemm(dlops_ctx ctx, int pr, int pc, int64_t m, int64_t n, int64_t k, float alpha,
                              const float *a, const int *desca, const float *b, const int *descb, float beta, float *c,
                              const int *descc, int64_t nb); /* fortran: manual cptr(a, b, c) */
/** Double-complex variant of dlops_pdgemm (alpha, beta as dlops_scalar; arrays of interleaved
 *  double pairs). **Collective**. Memory spaces: host arrays.
 *  @param[in]     ctx    context (P >= pr*pc ranks)
 *  @param[in]     pr     process grid rows
 *  @param[in]     pc     process grid columns
 *  @param[in]     m      rows of A and C
 *  @param[in]     n      columns of B and C
 *  @param[in]     k      columns of A, rows of B
 *  @param[in]     alpha  scale of A*B
 *  @param[in]     a      local array of A (column-major, host memory)
 *  @param[in]     desca  descriptor of A (9 ints)
 *  @param[in]     b      local array of B
 *  @param[in]     descb  descriptor of B
 *  @param[in]     beta   scale of C
 *  @param[in,out] c      local array of C
 *  @param[in]     descc  descriptor of C
 *  @param[in]     nb     panel width, 0 = the natural block width
 *  @return as dlops_pdgemm. */
DLOPS_EXTERN int dlops_pzgemm(dlops_ctx ctx, int pr, int pc, int64_t m, int64_t n, int64_t k, dlops_scalar alpha,
                              const void *a, const int *desca, const void *b, const int *descb, dlops_scalar beta,
                              void *c, const int *descc, int64_t nb); /* fortran: manual */
/** Single-complex variant of dlops_pdgemm (alpha, beta as dlops_scalar; arrays of interleaved
 *  float pairs). **Collective**. Memory spaces: host arrays.
 *  @param[in]     ctx    context (P >= pr*pc ranks)
 *  @param[in]     pr     process grid rows
 *  @param[in]     pc     process grid columns
 *  @param[in]     m      rows of A and C
 *  @param[in]     n      columns of B and C
 *  @param[in]     k      columns of A, rows of B
 *  @param[in]     alpha  scale of A*B
 *  @param[in]     a      local array of A (column-major, host memory)
 *  @param[in]     desca  descriptor of A (9 ints)
 *  @param[in]     b      local array of B
 *  @param[in]     descb  descriptor of B
 *  @param[in]     beta   scale of C
 *  @param[in,out] c      local array of C
 *  @param[in]     descc  descriptor of C
 *  @param[in]     nb     panel width, 0 = the natural block width
 *  @return as dlops_pdgemm. */
DLOPS_EXTERN int dlops_pcgemm(dlops_ctx ctx, int pr, int pc, int64_t m, int64_t n, int64_t k, dlops_scalar alpha,
                              const void *a, const int *desca, const void *b, const int *descb, dlops_scalar beta,
                              void *c, const int *descc, int64_t nb); /* fortran: manual */

/** @} */

#ifdef __cplusplus
}
#endif
#endif
