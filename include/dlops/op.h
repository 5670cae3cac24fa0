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
 *   - Element types: an operator's domain and range each have an element type, the types of
 *     the vectors it takes (others: DLOPS_ERR_ARG). Most operators have one type for both; an
 *     operator with a real domain and a complex range (a real FFT, say) is "mixed": its adjoint
 *     is the adjoint for the real inner product Re(y^H x) of the spaces, so it returns a real
 *     vector (PyLops' real-valued adjoints), and its dot test compares real parts. Algebra
 *     composes such operators when the types meet (A*B: B's range type is A's domain type;
 *     A+B: the same domain and range types; a complex factor needs a complex domain and range).
 *     dlops_op_get_dtypes gives both types; dlops_op_get_dtype the type the operator computes in.
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
 *  storage (the same array, or a common component of stacked arrays).
 *  **Collective**: the arguments are agreed before the run and any failure inside it (a user
 *  callback, a missing adjoint, an allocation on one rank) after it, so every rank returns the
 *  same code (two small metadata allreduces, counted as DLOPS_COMM_META; none when a solver or
 *  a composite operator applies A). See docs/reliability.md. Memory spaces: host and device
 *  (the space A's vectors were created in; see the conventions at the top of this header).
 *  @param[in]  A  operator
 *  @param[in]  x  input, A's domain layout
 *  @param[out] y  output, A's range layout
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL A or array, x and
 *          y sharing storage, an element type other than A's, ranks applying operators built
 *          differently, a user callback that returned non-zero); DLOPS_ERR_STATE (stale A or
 *          array, a borrowed array); DLOPS_ERR_SIZE (a layout other than A's);
 *          DLOPS_ERR_UNSUPPORTED (an array in a memory space A does not work on, an operator
 *          without a forward); DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_apply(dlops_op A, dlops_darray x, dlops_darray y);
/** x = A^H y. Same rules and agreements as dlops_op_apply. **Collective**. Memory spaces: host
 *  and device.
 *  @param[in]  A  operator
 *  @param[in]  y  input, A's range layout
 *  @param[out] x  output, A's domain layout
 *  @return as dlops_op_apply (DLOPS_ERR_UNSUPPORTED also for an operator without an adjoint,
 *          e.g. a user operator created without one). */
DLOPS_EXTERN int dlops_op_apply_adjoint(dlops_op A, dlops_darray y, dlops_darray x);
/** New zero-filled arrays with A's domain (x) and range (y) layouts, in the memory space A works
 *  on. Not collective. Memory spaces: host and device.
 *  @param[in]  A  operator
 *  @param[out] x  a domain array, or NULL not to create one
 *  @param[out] y  a range array, or NULL not to create one
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL A); DLOPS_ERR_STATE (stale A); DLOPS_ERR_MEM (then
 *          neither array is created). */
DLOPS_EXTERN int dlops_op_create_vecs(dlops_op A, dlops_darray *x, dlops_darray *y); /* fortran: optional(x, y) */
/** Drop a reference and set *A to NULL; a NULL *A is a no-op. Operators that use A keep their
 *  own reference. Not collective.
 *  @param[in,out] A  the operator; NULL on return
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL A); DLOPS_ERR_STATE (*A stale, or already destroyed
 *          through a copy of the handle). */
DLOPS_EXTERN int dlops_op_destroy(dlops_op *A);
/** Global shape. Not collective.
 *  @param[in]  A      operator
 *  @param[out] nrows  rows = global size of the range
 *  @param[out] ncols  columns = global size of the domain
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when A or an output pointer is NULL; DLOPS_ERR_STATE
 *          when A is stale. */
DLOPS_EXTERN int dlops_op_get_shape(dlops_op A, int64_t *nrows, int64_t *ncols);
/** dims (model shape) as PyLops defines it. Not collective.
 *  @param[in]  A     operator
 *  @param[out] ndim  the number of entries written to dims
 *  @param[out] dims  DLOPS_MAX_NDIM entries
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when A or an output pointer is NULL; DLOPS_ERR_STATE
 *          when A is stale. */
DLOPS_EXTERN int dlops_op_get_dims(dlops_op A, int *ndim, int64_t *dims); /* fortran: manual array(dims) */
/** dimsd (data shape) as PyLops defines it; as dlops_op_get_dims. Not collective.
 *  @param[in]  A      operator
 *  @param[out] ndim   the number of entries written to dimsd
 *  @param[out] dimsd  DLOPS_MAX_NDIM entries
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when A or an output pointer is NULL; DLOPS_ERR_STATE
 *          when A is stale. */
DLOPS_EXTERN int dlops_op_get_dimsd(dlops_op A, int *ndim, int64_t *dimsd); /* fortran: manual array(dimsd) */
/** Element type the operator computes in: the type of its vectors when domain and range
 *  have one type; for a mixed operator the complex one (dlops_op_get_dtypes gives both).
 *  Not collective.
 *  @param[in]  A      operator
 *  @param[out] dtype  the element type
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when A or an output pointer is NULL; DLOPS_ERR_STATE
 *          when A is stale. */
DLOPS_EXTERN int dlops_op_get_dtype(dlops_op A, dlops_dtype *dtype);
/** Element types of the operator's domain (model) and range (data) vectors: equal for most
 *  operators, a real domain and a complex range for a real FFT, say. Not collective.
 *  @param[in]  A       operator
 *  @param[out] domain  element type of the domain vectors x
 *  @param[out] range   element type of the range vectors y
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when A or an output pointer is NULL; DLOPS_ERR_STATE
 *          when A is stale. */
DLOPS_EXTERN int dlops_op_get_dtypes(dlops_op A, dlops_dtype *domain, dlops_dtype *range);
/** The context of the operator's vectors. Not collective.
 *  @param[in]  A    operator
 *  @param[out] ctx  the context
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when A or an output pointer is NULL; DLOPS_ERR_STATE
 *          when A is stale. */
DLOPS_EXTERN int dlops_op_get_ctx(dlops_op A, dlops_ctx *ctx);
/** Short name of the operator kind ("blockdiag", "product", ...). Not collective.
 *  @param[in]  A     operator
 *  @param[out] name  static string
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when A or an output pointer is NULL; DLOPS_ERR_STATE
 *          when A is stale. */
DLOPS_EXTERN int dlops_op_get_name(dlops_op A, const char **name);

/** Dot test: draws random u (domain) and v (range) from seed and checks
 *  |<A u, v> - <u, A^H v>| <= rtol * max(|<A u, v>|, |<u, A^H v>|) (+ 1e-300).
 *  **Collective**. Memory spaces: host and device (the vectors live where A works).
 *  @param[in]  A       operator with a forward and an adjoint
 *  @param[in]  rtol    relative tolerance, > 0, the same on every rank
 *  @param[in]  seed    seed of u and v, the same on every rank
 *  @param[out] passed  1 or 0, the same on every rank
 *  @param[out] relerr  the relative difference, or NULL
 *  @return DLOPS_SUCCESS (whether or not the test passes), or the same error on every rank:
 *          DLOPS_ERR_ARG (NULL A or passed, rtol <= 0, ranks passing different rtol or seed);
 *          DLOPS_ERR_STATE (stale A); DLOPS_ERR_UNSUPPORTED (A lacks its forward or adjoint);
 *          the errors of dlops_op_apply; DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_dottest(dlops_op A, double rtol, unsigned long long seed, int *passed, double *relerr); /* fortran: manual */
/** @} */

/** @name Algebra (not collective) */
/** @{ */
/** C = A B (A's domain layout must equal B's range layout). Not collective. Memory spaces: host
 *  and device (A and B in the same space).
 *  @param[in]  A  left factor
 *  @param[in]  B  right factor
 *  @param[out] C  the product (holds references to A and B)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL operator or C, A and B on different contexts or of different element types); DLOPS_ERR_STATE (stale
 *          operator); DLOPS_ERR_SIZE (A's domain layout is not B's range layout); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_product(dlops_op A, dlops_op B, dlops_op *C);
/** C = A + B (same layouts). Not collective. Memory spaces: host and device (A and B in the
 *  same space).
 *  @param[in]  A  first term
 *  @param[in]  B  second term
 *  @param[out] C  the sum (holds references to A and B)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL operator or C, A and B of different element types); DLOPS_ERR_STATE (stale
 *          operator); DLOPS_ERR_SIZE (domain or range layouts differ); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_sum(dlops_op A, dlops_op B, dlops_op *C);
/** C = alpha A. Not collective. Memory spaces: host and device.
 *  @param[in]  A      operator
 *  @param[in]  alpha  scale (complex alpha only for complex A)
 *  @param[out] C      the scaled operator (holds a reference to A)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL operator or C, complex alpha for a real A); DLOPS_ERR_STATE (stale
 *          operator); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_scaled(dlops_op A, dlops_scalar alpha, dlops_op *C); /* fortran: manual */
/** C = A^H. Not collective. Memory spaces: host and device.
 *  @param[in]  A  operator
 *  @param[out] C  the adjoint (holds a reference to A)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL operator or C); DLOPS_ERR_STATE (stale
 *          operator); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_adjoint(dlops_op A, dlops_op *C);
/** C = A^T (= conj(A^H)). Not collective. Memory spaces: host and device.
 *  @param[in]  A  operator
 *  @param[out] C  the transpose (holds a reference to A)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL operator or C); DLOPS_ERR_STATE (stale
 *          operator); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_transpose(dlops_op A, dlops_op *C);
/** C = conj(A). Not collective. Memory spaces: host and device.
 *  @param[in]  A  operator
 *  @param[out] C  the conjugate (holds a reference to A)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL operator or C); DLOPS_ERR_STATE (stale
 *          operator); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_conj(dlops_op A, dlops_op *C);
/** C = A^p (A square with equal domain and range layouts; p = 0 is the identity). Not
 *  collective. Memory spaces: host and device.
 *  @param[in]  A  square operator
 *  @param[in]  p  exponent, >= 0
 *  @param[out] C  the power (holds a reference to A)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL operator or C, p < 0); DLOPS_ERR_STATE (stale
 *          operator); DLOPS_ERR_SIZE (A not square); DLOPS_ERR_MEM. */
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

/** Operator from callbacks. The operator keeps references to the template arrays, never their
 *  data. Not collective. Memory spaces: host and device: the operator works on the space of its
 *  templates (both in the same space), and the callbacks get arrays of that space.
 *  @param[in]  domain         template array of the domain layout
 *  @param[in]  range          template array of the range layout (same context and memory
 *                             space as domain; its element type may differ: a mixed operator,
 *                             whose adjoint callback returns the real-inner-product adjoint)
 *  @param[in]  apply          forward callback (required)
 *  @param[in]  apply_adjoint  adjoint callback, or NULL (then the adjoint fails with
 *                             DLOPS_ERR_UNSUPPORTED)
 *  @param[in]  user           passed to the callbacks and to destroy
 *  @param[in]  destroy        called with user when the operator is freed, or NULL
 *  @param[out] A              the operator
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL A, domain, range or apply; templates on different
 *          contexts or in different memory spaces);
 *          DLOPS_ERR_STATE (stale template); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_user(dlops_darray domain, dlops_darray range, dlops_op_callback apply,
                                      dlops_op_callback apply_adjoint, void *user, void (*destroy)(void *user),
                                      dlops_op *A); /* fortran: manual */
/** @} */

/** @name Basic operators
 *  On any context (the dense matrix and the axis transpose on one-rank contexts only); on a
 *  one-rank context they are local operators. On P ranks, vectors are 1-D SCATTER with the
 *  default split (the operator is applied block-locally for diagonal, identity and zero). Coefficients (matrix entries, diagonals, filters) are read from host
 *  memory and copied into the context's memory space at creation. */
/** @{ */
/** Dense matrix (nrows x ncols, row-major, copied) applied with BLAS gemv; the adjoint is the
 *  conjugate transpose. A local operator: one-rank context only. Not collective. Memory
 *  spaces: host and device (a is host memory, copied into the context's memory space).
 *  @param[in]  ctx    one-rank context
 *  @param[in]  nrows  rows, 0..INT_MAX
 *  @param[in]  ncols  columns, 0..INT_MAX
 *  @param[in]  dtype  element type
 *  @param[in]  a      nrows*ncols elements, row-major (NULL allowed when empty)
 *  @param[out] A      the operator
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL ctx or A or a, a context of several ranks, bad
 *          dtype, negative shape); DLOPS_ERR_STATE (stale ctx); DLOPS_ERR_UNSUPPORTED (nrows or
 *          ncols above INT_MAX: 32-bit BLAS); DLOPS_ERR_SIZE (byte count overflow); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_matrix(dlops_ctx ctx, int64_t nrows, int64_t ncols, dlops_dtype dtype,
                                        const void *a, dlops_op *A); /* fortran: manual */
/** Diagonal operator on vectors of n elements (1-D SCATTER, default split). **Collective**.
 *  Memory spaces: host and device (d is host memory, copied into the context's memory space).
 *  @param[in]  ctx    context
 *  @param[in]  n      global size, >= 0
 *  @param[in]  dtype  element type, the same on every rank
 *  @param[in]  d      this rank's part of the diagonal (the local elements of the default split
 *                     of n; NULL allowed where that is empty)
 *  @param[out] A      the operator
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx or A, bad dtype, n < 0, NULL d with local entries, ranks
 *          passing different dtypes); DLOPS_ERR_SIZE (ranks passing different n); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_diagonal(dlops_ctx ctx, int64_t n, dlops_dtype dtype, const void *d, dlops_op *A); /* fortran: manual */
/** Identity (nrows x ncols: copies min(nrows, ncols) leading entries, zero elsewhere; PyLops'
 *  Identity(N, M)); vectors 1-D SCATTER with the default split. Rectangular only on a one-rank
 *  context. **Collective**. Memory spaces: host and device.
 *  @param[in]  ctx    context
 *  @param[in]  nrows  rows, >= 0
 *  @param[in]  ncols  columns, >= 0 (= nrows on several ranks)
 *  @param[in]  dtype  element type
 *  @param[out] A      the operator
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx or A, bad dtype, negative shape, a rectangular identity on
 *          several ranks); DLOPS_ERR_SIZE (ranks passing different shapes); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_identity(dlops_ctx ctx, int64_t nrows, int64_t ncols, dlops_dtype dtype,
                                          dlops_op *A);
/** Zero operator (nrows x ncols); vectors 1-D SCATTER with the default split. **Collective**.
 *  Memory spaces: host and device.
 *  @param[in]  ctx    context
 *  @param[in]  nrows  rows, >= 0
 *  @param[in]  ncols  columns, >= 0
 *  @param[in]  dtype  element type
 *  @param[out] A      the operator
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx or A, bad dtype, negative shape); DLOPS_ERR_SIZE (ranks passing
 *          different shapes); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_zero(dlops_ctx ctx, int64_t nrows, int64_t ncols, dlops_dtype dtype, dlops_op *A);

/** Derivative kinds. */
typedef enum { DLOPS_DERIV_FORWARD = 0, DLOPS_DERIV_BACKWARD = 1, DLOPS_DERIV_CENTERED = 2 } dlops_deriv_kind;

/** First derivative along axis of an N-D model of shape dims (model distributed along axis 0
 *  with the N-D axis-0 split; on one rank: local), PyLops' stencils exactly. Derivatives along
 *  axis 0 on several ranks exchange only the ghost rows the stencil needs (from whichever ranks
 *  own them, so ranks owning 0 or 1 rows are fine). **Collective** (checks). Memory spaces: host
 *  and device.
 *  @param[in]  ctx       context
 *  @param[in]  ndim      number of dimensions, 1..DLOPS_MAX_NDIM
 *  @param[in]  dims      model shape (ndim entries, each >= 1)
 *  @param[in]  axis      axis of the derivative, 0..ndim-1
 *  @param[in]  sampling  sampling step (finite, non-zero)
 *  @param[in]  kind      DLOPS_DERIV_FORWARD, _BACKWARD or _CENTERED
 *  @param[in]  order     3, or 5 (centered only)
 *  @param[in]  edge      1: one-sided stencils at the edges (centered only; dims[axis] >= 2 for
 *                        order 3, >= 4 for order 5), 0: none
 *  @param[in]  dtype     element type
 *  @param[out] A         the operator (square: domain and range have the model's layout)
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx, dims or A; ndim out of range, dims[k] < 1, axis out of range,
 *          sampling zero or not finite, unknown kind, order not 3 or 5, order 5 with a non-centered kind, bad dtype; ranks passing different
 *          axis, sampling, kind, edge, order or dtype); DLOPS_ERR_SIZE (ranks passing different dims;
 *          dims[axis] too short for the edge stencil); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_first_derivative(dlops_ctx ctx, int ndim, const int64_t *dims, int axis,
                                                  double sampling, dlops_deriv_kind kind, int order, int edge,
                                                  dlops_dtype dtype, dlops_op *A); /* fortran: logical(edge) */
/** Second derivative along axis, PyLops' SecondDerivative (model distributed as for
 *  dlops_op_create_first_derivative). **Collective** (checks). Memory spaces: host and device.
 *  @param[in]  ctx       context
 *  @param[in]  ndim      number of dimensions, 1..DLOPS_MAX_NDIM
 *  @param[in]  dims      model shape (ndim entries, each >= 1)
 *  @param[in]  axis      axis of the derivative, 0..ndim-1
 *  @param[in]  sampling  sampling step (finite, non-zero)
 *  @param[in]  kind      DLOPS_DERIV_FORWARD, _BACKWARD or _CENTERED
 *  @param[in]  edge      1: edge stencils (centered only; dims[axis] >= 3), 0: none
 *  @param[in]  dtype     element type
 *  @param[out] A         the operator
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx, dims or A; ndim out of range, dims[k] < 1, axis out of range,
 *          sampling zero or not finite, unknown kind, bad dtype; ranks passing different
 *          axis, sampling, kind, edge or dtype); DLOPS_ERR_SIZE (ranks passing different dims;
 *          dims[axis] too short for the edge stencil); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_second_derivative(dlops_ctx ctx, int ndim, const int64_t *dims, int axis,
                                                   double sampling, dlops_deriv_kind kind, int edge,
                                                   dlops_dtype dtype, dlops_op *A); /* fortran: logical(edge) */
/** Laplacian: sum_k weights[k] * D2 along axes[k] with sampling[k] (PyLops-MPI MPILaplacian).
 *  **Collective**. Memory spaces: host and device.
 *  @param[in]  ctx       context
 *  @param[in]  ndim      number of dimensions, 1..DLOPS_MAX_NDIM
 *  @param[in]  dims      model shape (ndim entries), distributed as for the derivatives
 *  @param[in]  naxes     number of terms, 1..ndim
 *  @param[in]  axes      naxes axes (negative counts from the end)
 *  @param[in]  weights   naxes finite weights
 *  @param[in]  sampling  naxes sampling steps
 *  @param[in]  kind      derivative kind of the terms
 *  @param[in]  edge      edge stencils (centered only)
 *  @param[in]  dtype     element type
 *  @param[out] A         the operator
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx, A, axes, weights or sampling; ndim or naxes out of range, an
 *          axis out of range, a weight not finite, ranks passing different terms, and the
 *          errors of dlops_op_create_second_derivative); DLOPS_ERR_SIZE (as the derivative); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_laplacian(dlops_ctx ctx, int ndim, const int64_t *dims, int naxes, const int *axes,
                                           const double *weights, const double *sampling, dlops_deriv_kind kind,
                                           int edge, dlops_dtype dtype, dlops_op *A); /* fortran: manual */
/** Gradient: stacked output of first derivatives (order 3, the given kind and edge) along
 *  every axis (PyLops-MPI MPIGradient); the range is a stacked array of ndim components.
 *  **Collective**. Memory spaces: host and device.
 *  @param[in]  ctx       context
 *  @param[in]  ndim      number of dimensions, 1..DLOPS_MAX_NDIM
 *  @param[in]  dims      model shape (ndim entries), distributed as for the derivatives
 *  @param[in]  sampling  ndim sampling steps
 *  @param[in]  kind      derivative kind
 *  @param[in]  edge      edge stencils (centered only)
 *  @param[in]  dtype     element type
 *  @param[out] A         the operator
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx, A or sampling, ndim out of range, and the errors of
 *          dlops_op_create_first_derivative); DLOPS_ERR_SIZE (as the derivative); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_gradient(dlops_ctx ctx, int ndim, const int64_t *dims, const double *sampling,
                                          dlops_deriv_kind kind, int edge, dlops_dtype dtype, dlops_op *A); /* fortran: manual cptr(sampling) */
/** 1-D convolution with filter h[nh] along axis of an N-D model, centred at offset (PyLops
 *  Convolve1D, "direct" method): y[i] = sum_q x[q] h[i + offset - q] along axis, with
 *  dimsd[axis] = max(dims[axis], nh) (PyLops' long-filter case when nh > dims[axis]). The
 *  adjoint is the exact correlation with conj(h). One-rank context, or axis > 0 on a model
 *  distributed along axis 0 (no communication). **Collective** (checks). Memory spaces: host
 *  and device (h is host memory, copied into the context's memory space).
 *  @param[in]  ctx     context
 *  @param[in]  ndim    number of dimensions, 1..DLOPS_MAX_NDIM
 *  @param[in]  dims    model shape (ndim entries, >= 0; dims[axis] >= 1)
 *  @param[in]  axis    convolution axis (> 0 on several ranks)
 *  @param[in]  h       filter, nh elements of dtype, host memory
 *  @param[in]  nh      filter length, >= 1
 *  @param[in]  offset  centre of the filter: <= nh - 1 (short filter) or <= dims[axis] - 1 (long)
 *  @param[in]  dtype   element type
 *  @param[out] A       the operator
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx, dims, h or A; bad dtype, ndim or axis out of range, a negative
 *          dimension, nh < 1, offset out of range, axis 0 on several ranks, ranks passing
 *          different dims, axis, nh, offset or dtype); DLOPS_ERR_SIZE (layouts); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_convolve1d(dlops_ctx ctx, int ndim, const int64_t *dims, int axis, const void *h,
                                            int64_t nh, int64_t offset, dlops_dtype dtype, dlops_op *A); /* fortran: manual */
/** Post-stack linear modelling (PyLops' PoststackLinearModelling, implicit form): the
 *  convolution with the wavelet of the first derivative along the time axis, d = W D m, with
 *  D the first derivative (sampling 1, order 3, no edge stencils: zero at the rows the stencil
 *  does not reach) and W the convolution with wav centred at nwav / 2
 *  (dlops_op_create_convolve1d). Applied to log(acoustic impedance) it gives zero-offset data.
 *  PyLops puts time on axis 0; here it is any axis, so a model stored with time contiguous (the
 *  last axis) needs no transpose. On several ranks the model is split along axis 0, so the time
 *  axis must be > 0 and no rank communicates. The wavelet is real (PyLops also takes a complex
 *  one: build it from dlops_op_create_convolve1d and dlops_op_create_first_derivative); its
 *  values are converted to dtype. PyLops' explicit form (a dense nt0 x nt0 matrix) computes the
 *  same values with more work, and is not offered. The adjoint is D^H W^H. **Collective**
 *  (checks). Memory spaces: host and device (wav is host memory, copied).
 *  @param[in]  ctx    context
 *  @param[in]  ndim   number of dimensions, 1..DLOPS_MAX_NDIM
 *  @param[in]  dims   model shape (ndim entries, >= 1)
 *  @param[in]  axis   the time axis (negative counts from the end; > 0 on several ranks)
 *  @param[in]  nwav   wavelet length, >= 1
 *  @param[in]  wav    the wavelet, nwav finite values (host memory), e.g. from dlops_wavelet_ricker
 *  @param[in]  kind   DLOPS_DERIV_CENTERED (PyLops' default) or DLOPS_DERIV_FORWARD
 *  @param[in]  dtype  element type
 *  @param[out] A      the operator; its range has the model's shape, with max(dims[axis], nwav)
 *                     samples along axis (as the convolution's)
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL A or wav, nwav < 1,
 *          a wavelet value not finite, kind not centered or forward, ranks passing different
 *          kinds or wavelets, and the errors of dlops_op_create_first_derivative and
 *          dlops_op_create_convolve1d: axis 0 on several ranks, bad dims, axis or dtype);
 *          DLOPS_ERR_SIZE; DLOPS_ERR_STATE (stale ctx); DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_poststack(dlops_ctx ctx, int ndim, const int64_t *dims, int axis, int nwav,
                                           const double *wav, dlops_deriv_kind kind, dlops_dtype dtype,
                                           dlops_op *A);
/** Ricker wavelet (PyLops' pylops.utils.wavelets.ricker): on the time axis t_k = k dt,
 *  k = 0..nt-1, made symmetric (-t_{nt-1} .. t_{nt-1}), w = (1 - 2 (pi f0 t)^2) exp(-(pi f0 t)^2).
 *  As PyLops, an even nt drops its last sample first, so w has 2 nt - 1 values (nt odd) or
 *  2 nt - 3 (nt even), with the peak in the middle, at index (nw - 1) / 2. Not collective.
 *  Memory spaces: host (w is host memory).
 *  @param[in]  nt  samples of the positive time axis, zero included (>= 1; 1 gives one sample)
 *  @param[in]  dt  time sampling (finite, > 0)
 *  @param[in]  f0  central (peak) frequency (finite, >= 0)
 *  @param[out] w   the wavelet: room for 2 nt - 1 doubles
 *  @param[out] nw  the number of values written
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL w or nw, nt < 1 or above 2^30, dt or f0 out of
 *          range); nothing is written on failure. */
DLOPS_EXTERN int dlops_wavelet_ricker(int nt, double dt, double f0, double *w, int *nw); /* fortran: array(w) */
/** Transpose of the axes of an N-D model (y = x.transpose(perm)). A local operator: one-rank
 *  context only. Not collective. Memory spaces: host and device.
 *  @param[in]  ctx    one-rank context
 *  @param[in]  ndim   number of dimensions, 1..DLOPS_MAX_NDIM
 *  @param[in]  dims   model shape (ndim entries, >= 0)
 *  @param[in]  perm   a permutation of 0..ndim-1
 *  @param[in]  dtype  element type
 *  @param[out] A      the operator
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL ctx, dims, perm or A; a context of several ranks,
 *          bad dtype, ndim out of range, a negative dimension, perm not a permutation);
 *          DLOPS_ERR_STATE (stale ctx); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_transpose_axes(dlops_ctx ctx, int ndim, const int64_t *dims, const int *perm,
                                                dlops_dtype dtype, dlops_op *A); /* fortran: manual */
/** @} */

/** @name Distributed composition */
/** @{ */
/** Block-diagonal operator (PyLops-MPI MPIBlockDiag): each rank passes its own local operators
 *  (a rank may pass none), applied to consecutive pieces of its local block. Domain/range: 1-D
 *  SCATTER with local sizes = sums of the local operators' cols/rows. Applies communicate
 *  nothing. **Collective**. Memory spaces: host and device (the local operators' contexts must
 *  have ctx's memory space).
 *  @param[in]  ctx         context
 *  @param[in]  nops        number of local operators on this rank, >= 0
 *  @param[in]  ops         nops local operators (one-rank contexts, unstacked and unmasked vectors, the memory space of ctx)
 *  @param[in]  mask_color  as in dlops_darray_create_ext (-1: none)
 *  @param[out] A           the operator (holds references to ops)
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx or A, a bad list, a local operator on a context of several
 *          ranks or with stacked or masked vectors, element types that differ on a rank or between
 *          ranks, no local operator on any rank); DLOPS_ERR_STATE (a stale local operator);
 *          DLOPS_ERR_UNSUPPORTED (a local operator in another memory space); DLOPS_ERR_SIZE
 *          (layouts); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_blockdiag(dlops_ctx ctx, int nops, const dlops_op *ops, int mask_color, dlops_op *A);
/** Stacked block diagonal of distributed operators (PyLops-MPI MPIStackedBlockDiag): stacked
 *  domain and range, component k applied by ops[k]. Not collective. Memory spaces: host and
 *  device (all operators in one space).
 *  @param[in]  nops  number of operators, >= 1
 *  @param[in]  ops   operators on one context, of one element type
 *  @param[out] A     the operator (holds references to ops)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL ops, an operator or A, nops < 1, operators on
 *          different contexts, of different element types or in different memory spaces);
 *          DLOPS_ERR_STATE (stale operator); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_stacked_blockdiag(int nops, const dlops_op *ops, dlops_op *A);
/** Vertical stack (PyLops-MPI MPIVStack): local operators with equal column counts on every
 *  rank (a rank may pass none); domain 1-D BROADCAST (size = ncols), range 1-D SCATTER (local
 *  sizes = sums of rows). Forward: no communication; the adjoint sums over ranks with exactly
 *  one allreduce of ncols elements into a BROADCAST array. **Collective**. Memory spaces: host
 *  and device (the local operators' contexts must have ctx's memory space).
 *  @param[in]  ctx   context
 *  @param[in]  nops  number of local operators on this rank, >= 0
 *  @param[in]  ops   nops local operators (one-rank contexts, unstacked and unmasked vectors, the memory space of ctx)
 *  @param[out] A     the operator (holds references to ops)
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx or A, a bad list, a local operator that is not local, element
 *          types that differ on a rank or between ranks, no local operator on any rank);
 *          DLOPS_ERR_SIZE (column counts that differ on a rank or between ranks);
 *          DLOPS_ERR_STATE (a stale local operator); DLOPS_ERR_UNSUPPORTED (a local operator in
 *          another memory space); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_vstack(dlops_ctx ctx, int nops, const dlops_op *ops, dlops_op *A);
/** Horizontal stack (PyLops-MPI MPIHStack): local operators with equal row counts on every
 *  rank; domain SCATTER (local sizes = sums of cols), range BROADCAST (size = nrows). Forward:
 *  one allreduce of nrows elements; adjoint: no communication. **Collective**. Memory spaces:
 *  host and device.
 *  @param[in]  ctx   context
 *  @param[in]  nops  number of local operators on this rank, >= 0
 *  @param[in]  ops   nops local operators (one-rank contexts, unstacked and unmasked vectors, the memory space of ctx)
 *  @param[out] A     the operator (holds references to ops)
 *  @return as dlops_op_create_vstack, with row counts in place of column counts. */
DLOPS_EXTERN int dlops_op_create_hstack(dlops_ctx ctx, int nops, const dlops_op *ops, dlops_op *A);
/** Stack of distributed operators with the same domain: the range is stacked (PyLops-MPI
 *  MPIStackedVStack). Not collective. Memory spaces: host and device (all operators in one
 *  space).
 *  @param[in]  nops  number of operators, >= 1
 *  @param[in]  ops   operators on one context, of one element type, with one domain layout
 *  @param[out] A     the operator (holds references to ops)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL ops, an operator or A, nops < 1, operators on
 *          different contexts, of different element types or in different memory spaces);
 *          DLOPS_ERR_SIZE (different domain layouts); DLOPS_ERR_STATE (stale operator);
 *          DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_stacked_vstack(int nops, const dlops_op *ops, dlops_op *A);
/** A local operator applied independently to every rank's copy of a (UNSAFE_)BROADCAST array
 *  (PyLops-MPI MPILinearOperator wrapping a pylops operator). Applies communicate nothing.
 *  **Collective**. Memory spaces: host and device (the local operator's space).
 *  @param[in]  ctx        context
 *  @param[in]  local      local operator (one-rank context); the same shape and dtype on every
 *                         rank
 *  @param[in]  partition  DLOPS_BROADCAST or DLOPS_UNSAFE_BROADCAST
 *  @param[out] A          the operator (holds a reference to local)
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx or A, a bad partition, a local operator that is not local,
 *          ranks with different element types or forward/adjoint availability); DLOPS_ERR_SIZE
 *          (ranks with different shapes or partitions); DLOPS_ERR_UNSUPPORTED (another memory
 *          space); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_replicated(dlops_ctx ctx, dlops_op local, dlops_partition partition, dlops_op *A);
/** N-D Cartesian halo exchange (PyLops-MPI MPIHalo): model dims split over a process grid with
 *  ceil blocks. Forward: local block -> local block extended by halos (filled from neighbours,
 *  zero at global edges); adjoint: crop. Ranks sit on the grid in row-major order (rank =
 *  Cartesian rank). Widths are per rank: if all 2*ndim entries are equal (PyLops-MPI's scalar
 *  halo), the sides on the global boundary are trimmed to 0; otherwise (its tuple halo) they
 *  are kept and stay zero. **Collective**. Memory spaces: host and device.
 *  @param[in]  ctx    context
 *  @param[in]  ndim   number of dimensions, 1..DLOPS_MAX_NDIM
 *  @param[in]  dims   model shape (ndim entries, each >= 1)
 *  @param[in]  halo   2*ndim widths (minus, plus) per axis, each >= 0
 *  @param[in]  grid   process grid (ndim entries, product = P), or NULL for (1,...,1,P)
 *  @param[in]  dtype  element type
 *  @param[out] A      the operator
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx, dims, halo or A; ndim out of range, bad dtype, grid entries
 *          < 1, a grid that does not have P ranks, dims[k] < 1, negative widths);
 *          DLOPS_ERR_SIZE (a width larger than the local block with a neighbour on that side, or
 *          different from the neighbour's opposite width); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_halo(dlops_ctx ctx, int ndim, const int64_t *dims, const int64_t *halo,
                                      const int *grid, dlops_dtype dtype, dlops_op *A); /* fortran: manual cptr(grid) */

/** @} */
/** @} */

#ifdef __cplusplus
}
#endif
#endif
