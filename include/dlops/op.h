/** @file
 * dlops/op.h: linear operators. Included by dlops.h.
 *
 * An operator A maps a domain vector x (its "model") to a range vector y (its "data"): y = A x,
 * and back with the adjoint x = A^H y. Vectors are distributed arrays whose layouts the
 * operator fixes: dlops_op_create_vecs gives arrays of the right layout, and apply checks that
 * the arrays it gets match (DLOPS_ERR_SIZE otherwise). Applies write into the caller's output
 * array and allocate nothing in steady state.
 *
 * Conventions shared by all operators:
 *   - Distributed operators take and return 1-D SCATTER arrays (or stacked arrays of them), as
 *     PyLops-MPI does. An operator on an N-D model of shape dims distributed along axis 0 uses
 *     the "N-D axis-0 split": rank r holds rows [o_r, o_r + n_r) of dims[0] (default split
 *     n_r = dims[0]/P + (r < dims[0] % P)), i.e. n_r * prod(dims[1:]) consecutive elements.
 *   - A local operator is simply an operator on a one-rank context (e.g. created on
 *     MPI_COMM_SELF); its vectors are 1-D arrays on that context. Distributed operators such
 *     as blockdiag are built from local ones.
 *   - Operators are reference counted: composing keeps a reference, so the caller may destroy
 *     its handles as soon as it has composed them.
 *   - Element types: an operator has one dtype; its vectors must have it too (DLOPS_ERR_ARG).
 *   - Memory spaces: an operator works on the memory space its vectors were created in (the
 *     default space of its context; a user operator: the space of the domain and range it is
 *     given). Every built-in operator supports host and device memory (its coefficients and
 *     workspaces live with its vectors, its kernels run where the data is). Arrays of another
 *     space fail with DLOPS_ERR_UNSUPPORTED naming the operator and the space, before anything
 *     is read (on every rank that passes such arrays: apply does not communicate to agree on
 *     its arguments); compositions of local operators refuse, at creation and on every rank,
 *     local operators created on contexts of another memory space. An array borrowed with
 *     dlops_darray_get_local is refused with DLOPS_ERR_STATE.
 */
#ifndef DLOPS_OP_H
#define DLOPS_OP_H

#include "darray.h"

#ifdef __cplusplus
extern "C" {
#endif
/** @addtogroup group_op
 * @{ */

/** Opaque linear operator (reference counted). */
typedef struct dlops_op_s *dlops_op;

/** @name Core */
/** @{ */
/** y = A x. x must have A's domain layout and y its range layout, and x and y must not share
 *  storage (the same array, or a common component of stacked arrays: DLOPS_ERR_ARG).
 *  **Collective**: the arguments are agreed before the run and any failure inside it (a user
 *  callback, a missing adjoint, an allocation on one rank) after it, so every rank returns the
 *  same code (two small metadata allreduces, counted as DLOPS_COMM_META; none when a solver or
 *  a composite operator applies A). See docs/reliability.md. */
DLOPS_EXTERN int dlops_op_apply(dlops_op A, dlops_darray x, dlops_darray y);
/** x = A^H y. Same rules and agreements as dlops_op_apply. **Collective**. */
DLOPS_EXTERN int dlops_op_apply_adjoint(dlops_op A, dlops_darray y, dlops_darray x);
/** New zero-filled arrays with A's domain (x) and range (y) layouts; either pointer may be NULL.
 *  Not collective for unmasked layouts. */
DLOPS_EXTERN int dlops_op_create_vecs(dlops_op A, dlops_darray *x, dlops_darray *y);
/** Drop a reference and set *A to NULL. Not collective. */
DLOPS_EXTERN int dlops_op_destroy(dlops_op *A);
/** Global shape (rows = range size, cols = domain size). Not collective. */
DLOPS_EXTERN int dlops_op_get_shape(dlops_op A, int64_t *nrows, int64_t *ncols);
/** dims (model shape) and dimsd (data shape) as PyLops defines them; *ndim receives the count,
 *  dims must hold DLOPS_MAX_NDIM entries. Not collective. */
DLOPS_EXTERN int dlops_op_get_dims(dlops_op A, int *ndim, int64_t *dims);
/** dimsd (data shape) as PyLops defines it; as dlops_op_get_dims. Not collective. */
DLOPS_EXTERN int dlops_op_get_dimsd(dlops_op A, int *ndim, int64_t *dimsd);
/** Element type of the operator (and of its vectors). Not collective. */
DLOPS_EXTERN int dlops_op_get_dtype(dlops_op A, dlops_dtype *dtype);
/** The context of the operator's vectors. Not collective. */
DLOPS_EXTERN int dlops_op_get_ctx(dlops_op A, dlops_ctx *ctx);
/** Short name of the operator kind ("blockdiag", "product", ...). Not collective. */
DLOPS_EXTERN int dlops_op_get_name(dlops_op A, const char **name);

/** Dot test: draws random u (domain) and v (range) from seed and checks
 *  |<A u, v> - <u, A^H v>| <= rtol * max(|<A u, v>|, |<u, A^H v>|) (+ 1e-300).
 *  *passed is 1 or 0 on every rank; relerr (may be NULL) receives the relative difference.
 *  **Collective**. */
DLOPS_EXTERN int dlops_op_dottest(dlops_op A, double rtol, unsigned long long seed, int *passed, double *relerr);
/** @} */

/** @name Algebra (not collective) */
/** @{ */
/** C = A B (A's domain layout must equal B's range layout). */
DLOPS_EXTERN int dlops_op_create_product(dlops_op A, dlops_op B, dlops_op *C);
/** C = A + B (same layouts). */
DLOPS_EXTERN int dlops_op_create_sum(dlops_op A, dlops_op B, dlops_op *C);
/** C = alpha A (complex alpha only for complex A). */
DLOPS_EXTERN int dlops_op_create_scaled(dlops_op A, dlops_scalar alpha, dlops_op *C);
/** C = A^H. */
DLOPS_EXTERN int dlops_op_create_adjoint(dlops_op A, dlops_op *C);
/** C = A^T (= conj(A^H)). */
DLOPS_EXTERN int dlops_op_create_transpose(dlops_op A, dlops_op *C);
/** C = conj(A). */
DLOPS_EXTERN int dlops_op_create_conj(dlops_op A, dlops_op *C);
/** C = A^p, p >= 0 (A square with equal domain and range layouts; p = 0 is the identity). */
DLOPS_EXTERN int dlops_op_create_power(dlops_op A, int p, dlops_op *C);
/** @} */

/** @name User operators */
/** @{ */
/** Callback applying a user operator: forward (y = A x) or adjoint (x = A^H y, arguments
 *  swapped: in = y, out = x). Returns 0 on success, non-zero to signal an error: the apply then
 *  returns DLOPS_ERR_ARG on every rank (the outcome is agreed over the context) with the
 *  callback's code in the message. Fortran: a bind(C) function
 *  taking (type(c_ptr), value :: user; type(dlops_darray), value :: in, out). */
typedef int (*dlops_op_callback)(void *user, dlops_darray in, dlops_darray out);

/** Operator from callbacks. domain and range are template arrays defining the layouts (the
 *  operator keeps references to them, never their data). apply_adjoint may be NULL (then the
 *  adjoint fails with DLOPS_ERR_UNSUPPORTED). destroy (may be NULL) is called with user when
 *  the operator is freed. Not collective. */
DLOPS_EXTERN int dlops_op_create_user(dlops_darray domain, dlops_darray range, dlops_op_callback apply,
                                      dlops_op_callback apply_adjoint, void *user, void (*destroy)(void *user),
                                      dlops_op *A);
/** @} */

/** @name Basic operators
 *  On any context; on a one-rank context they are local operators. On P ranks, vectors are
 *  1-D SCATTER with the default split (the operator is applied block-locally for diagonal,
 *  identity and zero). Coefficients (matrix entries, diagonals, filters) are read from host
 *  memory and copied into the context's memory space at creation. */
/** @{ */
/** Dense matrix (nrows x ncols, row-major, copied) applied with BLAS gemv; the adjoint is the
 *  conjugate transpose. One-rank context only (nrows, ncols <= INT_MAX: 32-bit BLAS). */
DLOPS_EXTERN int dlops_op_create_matrix(dlops_ctx ctx, int64_t nrows, int64_t ncols, dlops_dtype dtype,
                                        const void *a, dlops_op *A);
/** Diagonal operator, d holds this rank's part (the local elements of the default split of n). */
DLOPS_EXTERN int dlops_op_create_diagonal(dlops_ctx ctx, int64_t n, dlops_dtype dtype, const void *d, dlops_op *A);
/** Identity (nrows x ncols: copies min(nrows, ncols) leading entries, zero elsewhere; PyLops'
 *  Identity(N, M)). Rectangular only on a one-rank context. */
DLOPS_EXTERN int dlops_op_create_identity(dlops_ctx ctx, int64_t nrows, int64_t ncols, dlops_dtype dtype,
                                          dlops_op *A);
/** Zero operator (nrows x ncols). */
DLOPS_EXTERN int dlops_op_create_zero(dlops_ctx ctx, int64_t nrows, int64_t ncols, dlops_dtype dtype, dlops_op *A);

/** Derivative kinds. */
typedef enum { DLOPS_DERIV_FORWARD = 0, DLOPS_DERIV_BACKWARD = 1, DLOPS_DERIV_CENTERED = 2 } dlops_deriv_kind;

/** First derivative along axis of an N-D model of shape dims (model distributed along axis 0
 *  with the N-D axis-0 split; on one rank: local). kind forward/backward/centered, order 3 or 5
 *  (centered only), edge (centered only): PyLops' stencils exactly. Derivatives along axis 0 on
 *  several ranks exchange only the ghost rows the stencil needs (from whichever ranks own them,
 *  so ranks owning 0 or 1 rows are fine). With edge, dims[axis] must be >= 2 (order 3) or >= 4
 *  (order 5), else DLOPS_ERR_SIZE. **Collective** (checks). */
DLOPS_EXTERN int dlops_op_create_first_derivative(dlops_ctx ctx, int ndim, const int64_t *dims, int axis,
                                                  double sampling, dlops_deriv_kind kind, int order, int edge,
                                                  dlops_dtype dtype, dlops_op *A);
/** Second derivative along axis (kinds forward/backward/centered, edge for centered; with edge
 *  dims[axis] must be >= 3). */
DLOPS_EXTERN int dlops_op_create_second_derivative(dlops_ctx ctx, int ndim, const int64_t *dims, int axis,
                                                   double sampling, dlops_deriv_kind kind, int edge,
                                                   dlops_dtype dtype, dlops_op *A);
/** Laplacian: sum_k weights[k] * D2 along axes[k] with sampling[k] (PyLops-MPI MPILaplacian). */
DLOPS_EXTERN int dlops_op_create_laplacian(dlops_ctx ctx, int ndim, const int64_t *dims, int naxes, const int *axes,
                                           const double *weights, const double *sampling, dlops_deriv_kind kind,
                                           int edge, dlops_dtype dtype, dlops_op *A);
/** Gradient: stacked output of first derivatives along every axis (sampling[ndim]); range is a
 *  stacked array of ndim components (PyLops-MPI MPIGradient). */
DLOPS_EXTERN int dlops_op_create_gradient(dlops_ctx ctx, int ndim, const int64_t *dims, const double *sampling,
                                          dlops_deriv_kind kind, int edge, dlops_dtype dtype, dlops_op *A);
/** 1-D convolution with filter h[nh] along axis of an N-D model, centred at offset (PyLops
 *  Convolve1D, "direct" method): y[i] = sum_q x[q] h[i + offset - q] along axis, with
 *  dimsd[axis] = max(dims[axis], nh) (PyLops' long-filter case when nh > dims[axis]); offset
 *  <= nh - 1 (short filter) or <= dims[axis] - 1 (long). The adjoint is the exact correlation
 *  with conj(h). One-rank context, or axis > 0 on a distributed model (no communication). */
DLOPS_EXTERN int dlops_op_create_convolve1d(dlops_ctx ctx, int ndim, const int64_t *dims, int axis, const void *h,
                                            int64_t nh, int64_t offset, dlops_dtype dtype, dlops_op *A);
/** Transpose of the axes of an N-D model (y = x.transpose(perm)). One-rank context. */
DLOPS_EXTERN int dlops_op_create_transpose_axes(dlops_ctx ctx, int ndim, const int64_t *dims, const int *perm,
                                                dlops_dtype dtype, dlops_op *A);
/** @} */

/** @name Distributed composition */
/** @{ */
/** Block-diagonal operator (PyLops-MPI MPIBlockDiag): each rank passes its own local operators
 *  (one-rank contexts; a rank may pass none), applied to consecutive pieces of its local block.
 *  Domain/range: 1-D SCATTER with local sizes = sums of the local operators' cols/rows. mask_color
 *  as in dlops_darray_create_ext (-1: none). Applies communicate nothing. **Collective**. */
DLOPS_EXTERN int dlops_op_create_blockdiag(dlops_ctx ctx, int nops, const dlops_op *ops, int mask_color, dlops_op *A);
/** Stacked block diagonal of distributed operators: stacked domain and range. Not collective. */
DLOPS_EXTERN int dlops_op_create_stacked_blockdiag(int nops, const dlops_op *ops, dlops_op *A);
/** Vertical stack (PyLops-MPI MPIVStack): local operators with equal column counts on every
 *  rank (a rank may pass none); domain 1-D BROADCAST (size = ncols), range 1-D SCATTER (local
 *  sizes = sums of rows). Forward: no communication; the adjoint sums over ranks with exactly
 *  one allreduce of ncols elements into a BROADCAST array. Column counts or dtypes that differ
 *  between ranks fail on every rank (DLOPS_ERR_SIZE / DLOPS_ERR_ARG). **Collective**. */
DLOPS_EXTERN int dlops_op_create_vstack(dlops_ctx ctx, int nops, const dlops_op *ops, dlops_op *A);
/** Horizontal stack (PyLops-MPI MPIHStack): local operators with equal row counts on every
 *  rank; domain SCATTER (local sizes = sums of cols), range BROADCAST (size = nrows). Forward:
 *  one allreduce of nrows elements; adjoint: no communication. **Collective**. */
DLOPS_EXTERN int dlops_op_create_hstack(dlops_ctx ctx, int nops, const dlops_op *ops, dlops_op *A);
/** Stack of distributed operators with the same domain: range is stacked (MPIStackedVStack). */
DLOPS_EXTERN int dlops_op_create_stacked_vstack(int nops, const dlops_op *ops, dlops_op *A);
/** A local operator applied independently to every rank's copy of a (UNSAFE_)BROADCAST array
 *  (PyLops-MPI MPILinearOperator wrapping a pylops operator). Applies communicate nothing; the
 *  local operators of all ranks must have the same shape and dtype. **Collective**. */
DLOPS_EXTERN int dlops_op_create_replicated(dlops_ctx ctx, dlops_op local, dlops_partition partition, dlops_op *A);
/** N-D Cartesian halo exchange (PyLops-MPI MPIHalo): model dims split over a process grid
 *  (grid[ndim], NULL = (1,...,1,P)) with ceil blocks; halo[2*ndim] widths (minus, plus) per
 *  axis. Forward: local block -> local block extended by halos (filled from neighbours, zero at
 *  global edges); adjoint: crop. Ranks sit on the grid in row-major order (rank = Cartesian
 *  rank). Widths are per rank: if all 2*ndim entries are equal (PyLops-MPI's scalar halo), the
 *  sides on the global boundary are trimmed to 0; otherwise (its tuple halo) they are kept and
 *  stay zero. A width larger than the local block (with a neighbour on that side) or different
 *  from the neighbour's opposite width is DLOPS_ERR_SIZE on every rank. **Collective**. */
DLOPS_EXTERN int dlops_op_create_halo(dlops_ctx ctx, int ndim, const int64_t *dims, const int64_t *halo,
                                      const int *grid, dlops_dtype dtype, dlops_op *A);

/** @} */
/** @} */

#ifdef __cplusplus
}
#endif
#endif
