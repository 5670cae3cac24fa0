/** @file
 * dlops/darray.h: distributed arrays, stacked arrays, .npy I/O. Included by dlops.h.
 *
 * A distributed array (darray) has a global shape of up to DLOPS_MAX_NDIM dimensions stored in
 * C (row-major) order, one distributed axis, and a partition:
 *   - DLOPS_SCATTER: each rank owns a slab of the distributed axis. The default split is
 *     PyLops-MPI's: with n rows on P ranks, rank r owns n/P + 1 rows if r < n % P, else n/P
 *     (ranks may own 0 rows). A rank may instead give its own size along the axis.
 *   - DLOPS_BROADCAST: every rank holds the whole array; writes through dlops calls keep the
 *     copies identical (values come from rank 0 of the group when there is a choice).
 *   - DLOPS_UNSAFE_BROADCAST: every rank holds the whole array and nothing keeps them equal.
 * A mask (a colour per rank) splits the ranks into groups that each hold one replica of the
 * array; reductions (dot, norm) and gathers then run within the group, so replicas are not
 * counted twice.
 *
 * Stacked arrays are darrays made of other darrays (possibly stacked themselves). Vector
 * operations (copy, axpby, scale, dot, norm, ...) treat a stacked array as the concatenation of
 * its components, so solvers handle plain and stacked arrays with the same calls.
 */
#ifndef DLOPS_DARRAY_H
#define DLOPS_DARRAY_H

#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif
/** @addtogroup group_darray
 * @{ */

/** Opaque distributed array (plain or stacked). */
typedef struct dlops_darray_s *dlops_darray;

/** Partitions of a distributed array. */
typedef enum {
  DLOPS_SCATTER = 0,
  DLOPS_BROADCAST = 1,
  DLOPS_UNSAFE_BROADCAST = 2
} dlops_partition;

/** Name of a partition ("scatter", "broadcast", "unsafe_broadcast"). Not collective. */
DLOPS_EXTERN const char *dlops_partition_name(dlops_partition p);

/** Create a distributed array with the default split, filled with zeros. **Collective**.
 *  @param[in] ctx          context
 *  @param[in] ndim         number of dimensions, 1..DLOPS_MAX_NDIM
 *  @param[in] global_shape global shape (ndim entries, each >= 0), the same on every rank
 *  @param[in] axis         distributed axis, 0..ndim-1 (negative counts from the end)
 *  @param[in] partition    DLOPS_SCATTER, DLOPS_BROADCAST or DLOPS_UNSAFE_BROADCAST
 *  @param[in] dtype        element type
 *  @param[out] x           the new array
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG for bad values,
 *  DLOPS_ERR_SIZE when ranks disagree on ndim, shape, axis, partition or dtype. */
DLOPS_EXTERN int dlops_darray_create(dlops_ctx ctx, int ndim, const int64_t *global_shape, int axis,
                                     dlops_partition partition, dlops_dtype dtype, dlops_darray *x);

/** Create with explicit options, filled with zeros. **Collective**. (dlops_darray_create puts
 *  the array in the context's default memory space, dlops_ctx_get_memspace.)
 *  @param[in] ctx, ndim, global_shape, axis, partition, dtype  as dlops_darray_create
 *  @param[in] local_n    this rank's size along the distributed axis, or -1 for the default split
 *                        (SCATTER only; the sizes of a group must add up to the global size; -1
 *                        must be given by all ranks or none)
 *  @param[in] mask_color this rank's group colour (>= 0), or -1 for no mask (all ranks or none)
 *  @param[in] mem        memory space: DLOPS_MEM_HOST, or DLOPS_MEM_DEVICE on a context created
 *                        with mem=device (or mem=emu); else DLOPS_ERR_UNSUPPORTED
 *  @param[out] x         the new array */
DLOPS_EXTERN int dlops_darray_create_ext(dlops_ctx ctx, int ndim, const int64_t *global_shape, int axis,
                                         dlops_partition partition, dlops_dtype dtype, int64_t local_n,
                                         int mask_color, dlops_memspace mem, dlops_darray *x);

/** Create a stacked array from n >= 1 arrays on the same context (the stacked array keeps its
 *  own reference to each; the caller still destroys its handles). **Not collective**. */
DLOPS_EXTERN int dlops_darray_create_stacked(int n, const dlops_darray *parts, dlops_darray *x);

/** Create an array with the layout (shape, split, mask, dtype, memory, stacking) of x, filled
 *  with zeros. Not collective (a masked copy shares the original's group communicator). */
DLOPS_EXTERN int dlops_darray_duplicate(dlops_darray x, dlops_darray *y);

/** Destroy an array (drop this reference) and set *x to NULL. Not collective, except that
 *  dropping the last array of a mask group frees the group's communicator, which is collective
 *  over that group (destroy masked arrays in the same order on every rank). */
DLOPS_EXTERN int dlops_darray_destroy(dlops_darray *x);

/** @name Queries (not collective) */
/** @{ */
/** The context x lives on. */
DLOPS_EXTERN int dlops_darray_get_ctx(dlops_darray x, dlops_ctx *ctx);
/** Number of dimensions. */
DLOPS_EXTERN int dlops_darray_get_ndim(dlops_darray x, int *ndim);
/** Global shape into shape[ndim]. */
DLOPS_EXTERN int dlops_darray_get_global_shape(dlops_darray x, int64_t *shape);
/** This rank's local shape into shape[ndim]. */
DLOPS_EXTERN int dlops_darray_get_local_shape(dlops_darray x, int64_t *shape);
/** Distributed axis (0..ndim-1). */
DLOPS_EXTERN int dlops_darray_get_axis(dlops_darray x, int *axis);
/** Partition (DLOPS_SCATTER, DLOPS_BROADCAST or DLOPS_UNSAFE_BROADCAST). */
DLOPS_EXTERN int dlops_darray_get_partition(dlops_darray x, dlops_partition *partition);
/** Element type. */
DLOPS_EXTERN int dlops_darray_get_dtype(dlops_darray x, dlops_dtype *dtype);
/** Memory space the array's data lives in. */
DLOPS_EXTERN int dlops_darray_get_memspace(dlops_darray x, dlops_memspace *mem);
/** Mask colour of this rank (-1 when unmasked). */
DLOPS_EXTERN int dlops_darray_get_mask_color(dlops_darray x, int *color);
/** Number of elements stored on this rank (sum over components for stacked arrays). */
DLOPS_EXTERN int dlops_darray_get_local_size(dlops_darray x, int64_t *n);
/** Total number of elements of the global array (sum over components when stacked). */
DLOPS_EXTERN int dlops_darray_get_global_size(dlops_darray x, int64_t *n);
/** Start index of this rank's slab along the distributed axis (within its mask group). */
DLOPS_EXTERN int dlops_darray_get_offset(dlops_darray x, int64_t *offset);
/** Sizes along the distributed axis of every rank of the context, sizes[P] (cached, no
 *  communication). For (UNSAFE_)BROADCAST arrays every entry is the global size. */
DLOPS_EXTERN int dlops_darray_get_axis_sizes(dlops_darray x, int64_t *sizes);
/** 1 if x is stacked, 0 otherwise. */
DLOPS_EXTERN int dlops_darray_is_stacked(dlops_darray x, int *stacked);
/** Number of components of a stacked array (1 for a plain array). */
DLOPS_EXTERN int dlops_darray_stacked_count(dlops_darray x, int *n);
/** Borrowed handle of component i of a stacked array (do not destroy it). */
DLOPS_EXTERN int dlops_darray_stacked_get(dlops_darray x, int i, dlops_darray *part);
/** @} */

/** @name Local data access (not collective)
 *  An array lives in one memory space (dlops_darray_get_memspace). Asking for its own space gives
 *  the data itself: for a device array, DLOPS_MEM_DEVICE gives the device pointer. Asking a
 *  device array for DLOPS_MEM_HOST gives a host copy (a mirror kept with the array):
 *    - dlops_darray_get_local copies the device data to the mirror, and
 *      dlops_darray_restore_local copies the mirror back to the device (whether or not it was
 *      written): one device-to-host and one host-to-device copy of the local block;
 *    - dlops_darray_get_local_read copies to the mirror and restore copies nothing back: use it
 *      to read results. Writes through a read-only borrow are lost at the next borrow.
 *  The mirror is a snapshot: it is filled at every borrow and never read by dlops otherwise.
 *  A host array asked for DLOPS_MEM_DEVICE fails with DLOPS_ERR_UNSUPPORTED (no device copy). */
/** @{ */
/** Borrow a pointer to this rank's local block (C order, local shape) in memory space mem.
 *  Must be returned with dlops_darray_restore_local before the array is used by dlops again.
 *  A rank with no elements gets a valid non-NULL pointer that must not be dereferenced.
 *  Fails with DLOPS_ERR_STATE for stacked arrays or when the data is already borrowed. */
DLOPS_EXTERN int dlops_darray_get_local(dlops_darray x, dlops_memspace mem, void **ptr);
/** Return a pointer obtained from dlops_darray_get_local (or _read); sets *ptr to NULL. A host
 *  borrow of a device array (get_local) is copied back to the device here. For BROADCAST arrays
 *  this does not broadcast: call dlops_darray_sync_broadcast after writing. */
DLOPS_EXTERN int dlops_darray_restore_local(dlops_darray x, void **ptr);
/** Borrow this rank's local block for reading only: as dlops_darray_get_local, but a host
 *  borrow of a device array is not copied back when restored. Not collective. */
DLOPS_EXTERN int dlops_darray_get_local_read(dlops_darray x, dlops_memspace mem, const void **ptr);
/** Return a pointer obtained from dlops_darray_get_local_read; sets *ptr to NULL. Each kind of
 *  borrow is returned by its own restore (else DLOPS_ERR_STATE). Not collective. */
DLOPS_EXTERN int dlops_darray_restore_local_read(dlops_darray x, const void **ptr);
/** Make every replica of a BROADCAST array equal to the copy on rank 0 (of each mask group).
 *  **Collective**. No-op for other partitions. */
DLOPS_EXTERN int dlops_darray_sync_broadcast(dlops_darray x);
/** @} */

/** @name Vector operations (collective only where noted)
 *  Operands must live in the same memory space (except for dlops_darray_copy), else
 *  DLOPS_ERR_ARG (they run where the data is: host loops or device kernels); they must have the
 *  same layout: same global shape, axis, partition, split, mask and stacking, else
 *  DLOPS_ERR_SIZE; element types must match except where noted, else DLOPS_ERR_ARG. Reductions
 *  of device arrays (dot, norm) copy their few partial sums to the host once per call. */
/** @{ */
/** x[i] = value for every element. Not collective. */
DLOPS_EXTERN int dlops_darray_fill(dlops_darray x, dlops_scalar value);
/** y = x (same layout; dtypes may differ: values are converted as numpy casts do, complex to
 *  real keeps the real part). x and y may live in different memory spaces (host and device):
 *  this is how data moves between them, one copy of the local block; the element types must
 *  then be the same. Not collective. */
DLOPS_EXTERN int dlops_darray_copy(dlops_darray x, dlops_darray y);
/** y = alpha*x + beta*y. Not collective. */
DLOPS_EXTERN int dlops_darray_axpby(dlops_scalar alpha, dlops_darray x, dlops_scalar beta, dlops_darray y);
/** x = alpha*x. Not collective. */
DLOPS_EXTERN int dlops_darray_scale(dlops_darray x, dlops_scalar alpha);
/** x = conj(x) (no-op for real types). Not collective. */
DLOPS_EXTERN int dlops_darray_conj(dlops_darray x);
/** z = x .* y element by element (z may alias x or y). Not collective. */
DLOPS_EXTERN int dlops_darray_pointwise_mult(dlops_darray x, dlops_darray y, dlops_darray z);
/** y = f(x) element by element for an element map kind (dlops_map_kind, parameters p0, p1: the
 *  threshold p0 >= 0, finite; or the box [p0, p1], p0 <= p1; else DLOPS_ERR_ARG); y may be x.
 *  Same layout and dtype. Runs where the data lives (host or device). Not collective. */
DLOPS_EXTERN int dlops_darray_map(dlops_map_kind kind, double p0, double p1, dlops_darray x, dlops_darray y);
/** Fill x with pseudo-random values uniform in [lo, hi) (complex: real and imaginary parts
 *  independently) that depend only on seed and the global position of each element (for a
 *  stacked array, its position in the concatenation of the flattened components): the same
 *  seed gives the same global array at every rank count, and replicas agree. lo <= hi with
 *  hi - lo finite (lo == hi fills with lo), else DLOPS_ERR_ARG. Runs where the data lives.
 *  Not collective. */
DLOPS_EXTERN int dlops_darray_fill_random(dlops_darray x, unsigned long long seed, double lo, double hi);
/** result = sum_i x_i*y_i (dot) over the whole array, reduced over the mask group.
 *  **Collective**. Real arrays give result.im = 0. BROADCAST arrays count each element once. */
DLOPS_EXTERN int dlops_darray_dot(dlops_darray x, dlops_darray y, dlops_scalar *result);
/** result = sum_i conj(x_i)*y_i. **Collective**. */
DLOPS_EXTERN int dlops_darray_vdot(dlops_darray x, dlops_darray y, dlops_scalar *result);
/** Vector norm of the flattened array, computed in double precision (as PyLops-MPI does, also
 *  for f32/c64): ord = 2 (Euclidean), 1, INFINITY (max |x_i|), -INFINITY (min |x_i|), 0 (number
 *  of non-zeros), or any other p > 0 (sum |x_i|^p)^(1/p). **Collective** (one allreduce).
 *  -INFINITY of an empty array is +INFINITY; INFINITY of an empty array is 0. */
DLOPS_EXTERN int dlops_darray_norm(dlops_darray x, double ord, double *result);
/** Several dot products in one reduction: result[k] = dot or vdot (conj_first[k]) of xs[k],
 *  ys[k], for k < n. **Collective**, one allreduce whatever n (solvers use it to fuse). */
DLOPS_EXTERN int dlops_darray_multi_dot(int n, const dlops_darray *xs, const dlops_darray *ys,
                                        const int *conj_first, dlops_scalar *result);

/** A non-blocking reduction started by dlops_darray_multi_dot_begin. */
typedef struct dlops_pending_s *dlops_pending;
/** Start multi_dot: local products now, the reduction in the background (one non-blocking
 *  allreduce that also carries the argument agreement), so the caller can overlap it with other
 *  work (pipelined solvers). The arrays may be modified after this call returns; result is
 *  written by dlops_darray_multi_dot_end. Masked arrays reduce in the same message (one slot per
 *  mask group). Bad arguments on any rank (NULL or stale arrays, different layouts) do not fail
 *  here: *req is still a request, and dlops_darray_multi_dot_end returns the error on every
 *  rank, so no rank is left waiting. Only a NULL req fails at once (locally). **Collective**. */
DLOPS_EXTERN int dlops_darray_multi_dot_begin(int n, const dlops_darray *xs, const dlops_darray *ys,
                                              const int *conj_first, dlops_scalar *result, dlops_pending *req);
/** Complete a reduction started by dlops_darray_multi_dot_begin and set *req to NULL, also on
 *  failure (the same code on every rank). **Collective** (with the matching begin). */
DLOPS_EXTERN int dlops_darray_multi_dot_end(dlops_pending *req);
/** @} */

/** @name Global data movement (collective) */
/** @{ */
/** Fill x from a global array in host memory (C order, global shape, element type of x; device
 *  arrays receive their block from the host).
 *  root >= 0: only rank root's global is read (may be NULL elsewhere) and sent to the owners;
 *  root = -1: every rank holds the same global array and keeps its own slab (no communication,
 *  PyLops-MPI's to_dist). Masked arrays: root is a rank of the context and every group is
 *  filled from it. **Collective**. */
DLOPS_EXTERN int dlops_darray_scatter(dlops_darray x, const void *global, int root);
/** Gather the global array (C order) into host memory global: on rank root only (others may pass NULL), or
 *  on every rank when root = -1 (PyLops-MPI's asarray). Masked arrays gather within this rank's
 *  group. Stacked arrays give the concatenation of their flattened components. **Collective**. */
DLOPS_EXTERN int dlops_darray_gather(dlops_darray x, void *global, int root);
/** New SCATTER array with the same global data distributed (default split) along new_axis:
 *  one all-to-all exchange within each mask group. x must be SCATTER (masked or not); the result
 *  keeps the mask. **Collective**. */
DLOPS_EXTERN int dlops_darray_redistribute(dlops_darray x, int new_axis, dlops_darray *y);
/** Local block extended with ghost slices along the distributed axis, as PyLops-MPI's
 *  add_ghost_cells: rank r > 0 receives cells_front slices from rank r-1 (prepended), rank
 *  r < P-1 receives cells_back slices from rank r+1 (appended); global edges get nothing. Each
 *  rank gives its own cells_front/cells_back; a rank asked for more slices than it owns fails
 *  with DLOPS_ERR_SIZE on every rank. ghosted must hold nghost elements where
 *  dlops_darray_ghost_shape gives the shape, in host memory (device arrays are copied to the
 *  host first). SCATTER arrays only. The layout of the last few (cells_front, cells_back)
 *  choices is cached on the array (freed with it): a repeated call costs the argument agreement
 *  and the exchange, and allocates nothing. **Collective**. */
DLOPS_EXTERN int dlops_darray_add_ghost_cells(dlops_darray x, int64_t cells_front, int64_t cells_back,
                                              void *ghosted);
/** Shape (ndim entries) of the ghosted local block for given cells. Not collective. */
DLOPS_EXTERN int dlops_darray_ghost_shape(dlops_darray x, int64_t cells_front, int64_t cells_back,
                                          int64_t *shape);
/** @} */

/** @} */

/** @addtogroup group_io
 * @{ */
/** Write the global array to a .npy file (format 1.0/2.0, little endian, C order) that numpy
 *  reads; each rank writes its own slab with MPI-IO. An existing file is replaced. Masked
 *  arrays: only the mask group of context rank 0 writes (the other groups hold replicas);
 *  (UNSAFE_)BROADCAST arrays: rank 0 writes the whole array. Stacked arrays fail with
 *  DLOPS_ERR_STATE; open/write failures give DLOPS_ERR_IO on every rank. Every rank must pass
 *  the same path. **Collective**. */
DLOPS_EXTERN int dlops_darray_write_npy(dlops_darray x, const char *path);
/** Read a .npy file (C order, little endian, dtype <f4 <f8 <c8 <c16, 1 to 8 dimensions: 0-d
 *  files are refused) into a new array
 *  distributed along axis with the given partition (default split); each rank reads its own
 *  part with MPI-IO. Files that are not .npy, truncated, big-endian or Fortran-ordered fail
 *  with DLOPS_ERR_IO or DLOPS_ERR_UNSUPPORTED on every rank. **Collective**. */
DLOPS_EXTERN int dlops_darray_read_npy(dlops_ctx ctx, const char *path, int axis, dlops_partition partition,
                                       dlops_darray *x);

/** @} */

#ifdef __cplusplus
}
#endif
#endif
