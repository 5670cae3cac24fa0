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

/** Name of a partition. Not collective.
 *  @param[in] p  partition
 *  @return "scatter", "broadcast" or "unsafe_broadcast"; "?" when out of range. Never NULL. */
DLOPS_EXTERN const char *dlops_partition_name(dlops_partition p);

/** Create a distributed array with the default split, filled with zeros, in the context's
 *  default memory space (dlops_ctx_get_memspace: host, or the emulated device). **Collective**.
 *  @param[in] ctx          context
 *  @param[in] ndim         number of dimensions, 1..DLOPS_MAX_NDIM
 *  @param[in] global_shape global shape (ndim entries, each >= 0), the same on every rank
 *  @param[in] axis         distributed axis, 0..ndim-1 (negative counts from the end)
 *  @param[in] partition    DLOPS_SCATTER, DLOPS_BROADCAST or DLOPS_UNSAFE_BROADCAST
 *  @param[in] dtype        element type
 *  @param[out] x           the new array
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG for bad values (NULL
 *  ctx or x, ndim, shape, axis, partition or dtype out of range, a size that overflows),
 *  DLOPS_ERR_STATE for a stale ctx, DLOPS_ERR_SIZE when ranks disagree on ndim, shape, axis,
 *  partition or dtype, DLOPS_ERR_MEM, DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_create(dlops_ctx ctx, int ndim, const int64_t *global_shape, int axis,
                                     dlops_partition partition, dlops_dtype dtype, dlops_darray *x); /* fortran: manual */

/** Create with explicit options, filled with zeros. **Collective**. (dlops_darray_create puts
 *  the array in the context's default memory space, dlops_ctx_get_memspace.)
 *  @param[in] ctx          context
 *  @param[in] ndim         number of dimensions, 1..DLOPS_MAX_NDIM
 *  @param[in] global_shape global shape (ndim entries, each >= 0), the same on every rank
 *  @param[in] axis         distributed axis, 0..ndim-1 (negative counts from the end)
 *  @param[in] partition    DLOPS_SCATTER, DLOPS_BROADCAST or DLOPS_UNSAFE_BROADCAST
 *  @param[in] dtype        element type
 *  @param[in] local_n    this rank's size along the distributed axis, or -1 for the default split
 *                        (SCATTER only; the sizes of a group must add up to the global size; -1
 *                        must be given by all ranks or none)
 *  @param[in] mask_color this rank's group colour (>= 0), or -1 for no mask (all ranks or none)
 *  @param[in] mem        memory space: DLOPS_MEM_HOST (always), or DLOPS_MEM_DEVICE on a context
 *                        created with mem=emu (the emulated device of test builds)
 *  @param[out] x         the new array
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG for bad values (as
 *          dlops_darray_create, and local_n < -1, mask_color < -1, an unknown mem);
 *          DLOPS_ERR_UNSUPPORTED for a memory space the context does not have;
 *          DLOPS_ERR_SIZE when ranks disagree on the layout or the local sizes of a group do not
 *          add up to the global size (or a non-SCATTER array gets a local size other than the
 *          global one); DLOPS_ERR_STATE (stale ctx), DLOPS_ERR_MEM, DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_create_ext(dlops_ctx ctx, int ndim, const int64_t *global_shape, int axis,
                                         dlops_partition partition, dlops_dtype dtype, int64_t local_n,
                                         int mask_color, dlops_memspace mem, dlops_darray *x);

/** Create a stacked array from n >= 1 arrays on the same context and in the same memory space
 *  (the stacked array keeps its own reference to each; the caller still destroys its handles).
 *  **Not collective**. Memory spaces: host and device (the components' space).
 *  @param[in]  n      number of components, >= 1
 *  @param[in]  parts  the components (plain or stacked arrays)
 *  @param[out] x      the new stacked array
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or parts is NULL, n < 1, a component is NULL, or
 *          the components live on different contexts or in different memory spaces;
 *          DLOPS_ERR_STATE when a component is stale; DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_darray_create_stacked(int n, const dlops_darray *parts, dlops_darray *x);

/** Create an array with the layout (shape, split, mask, dtype, memory space, stacking) of x,
 *  filled with zeros. Not collective (a masked copy shares the original's group communicator).
 *  Memory spaces: host and device (the copy lives where x does).
 *  @param[in]  x  the array to copy the layout of
 *  @param[out] y  the new array
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or y is NULL; DLOPS_ERR_STATE when x is stale;
 *          DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_darray_duplicate(dlops_darray x, dlops_darray *y);

/** Destroy an array (drop this reference) and set *x to NULL; a NULL *x is a no-op. Not
 *  collective, except that dropping the last array of a mask group frees the group's
 *  communicator, which is collective over that group (destroy masked arrays in the same order on
 *  every rank). Memory spaces: host and device.
 *  @param[in,out] x  the array; NULL on return
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x is NULL; DLOPS_ERR_STATE when *x is stale or was
 *          already destroyed through a copy of the handle. */
DLOPS_EXTERN int dlops_darray_destroy(dlops_darray *x); /* fortran: manual */

/** @name Queries (not collective) */
/** @{ */
/** The context x lives on.
 *  @param[in]  x    array (plain or stacked)
 *  @param[out] ctx  the context
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed). */
DLOPS_EXTERN int dlops_darray_get_ctx(dlops_darray x, dlops_ctx *ctx);
/** Number of dimensions.
 *  @param[in]  x     plain array
 *  @param[out] ndim  1..DLOPS_MAX_NDIM
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed) or stacked (query a component instead). */
DLOPS_EXTERN int dlops_darray_get_ndim(dlops_darray x, int *ndim);
/** Global shape.
 *  @param[in]  x      plain array
 *  @param[out] shape  ndim entries
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed) or stacked (query a component instead). */
DLOPS_EXTERN int dlops_darray_get_global_shape(dlops_darray x, int64_t *shape); /* fortran: manual array(shape) */
/** This rank's local shape.
 *  @param[in]  x      plain array
 *  @param[out] shape  ndim entries
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed) or stacked (query a component instead). */
DLOPS_EXTERN int dlops_darray_get_local_shape(dlops_darray x, int64_t *shape); /* fortran: manual array(shape) */
/** Distributed axis.
 *  @param[in]  x     plain array
 *  @param[out] axis  0..ndim-1
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed) or stacked (query a component instead). */
DLOPS_EXTERN int dlops_darray_get_axis(dlops_darray x, int *axis);
/** Partition.
 *  @param[in]  x          plain array
 *  @param[out] partition  DLOPS_SCATTER, DLOPS_BROADCAST or DLOPS_UNSAFE_BROADCAST
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed) or stacked (query a component instead). */
DLOPS_EXTERN int dlops_darray_get_partition(dlops_darray x, dlops_partition *partition);
/** Element type (of the first component for a stacked array; components may differ).
 *  @param[in]  x      array
 *  @param[out] dtype  the element type
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed). */
DLOPS_EXTERN int dlops_darray_get_dtype(dlops_darray x, dlops_dtype *dtype);
/** Memory space the array's data lives in.
 *  @param[in]  x    array
 *  @param[out] mem  DLOPS_MEM_HOST or DLOPS_MEM_DEVICE
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed). */
DLOPS_EXTERN int dlops_darray_get_memspace(dlops_darray x, dlops_memspace *mem);
/** Mask colour of this rank.
 *  @param[in]  x      plain array
 *  @param[out] color  the colour, -1 when unmasked
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed) or stacked (query a component instead). */
DLOPS_EXTERN int dlops_darray_get_mask_color(dlops_darray x, int *color);
/** Number of elements stored on this rank (sum over components for stacked arrays).
 *  @param[in]  x  array
 *  @param[out] n  the number of local elements
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed). */
DLOPS_EXTERN int dlops_darray_get_local_size(dlops_darray x, int64_t *n);
/** Total number of elements of the global array (sum over components when stacked).
 *  @param[in]  x  array
 *  @param[out] n  the number of elements
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed). */
DLOPS_EXTERN int dlops_darray_get_global_size(dlops_darray x, int64_t *n);
/** Start index of this rank's slab along the distributed axis (within its mask group).
 *  @param[in]  x       plain array
 *  @param[out] offset  the index of this rank's first slice
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed) or stacked (query a component instead). */
DLOPS_EXTERN int dlops_darray_get_offset(dlops_darray x, int64_t *offset);
/** Sizes along the distributed axis of every rank of the context (cached, no communication).
 *  For (UNSAFE_)BROADCAST arrays every entry is the global size.
 *  @param[in]  x      plain array
 *  @param[out] sizes  P entries, P the size of the context
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed) or stacked (query a component instead). */
DLOPS_EXTERN int dlops_darray_get_axis_sizes(dlops_darray x, int64_t *sizes); /* fortran: manual array(sizes) */
/** Whether x is stacked.
 *  @param[in]  x        array
 *  @param[out] stacked  1 if x is stacked, 0 otherwise
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed). */
DLOPS_EXTERN int dlops_darray_is_stacked(dlops_darray x, int *stacked); /* fortran: logical(stacked) */
/** Number of components of a stacked array (1 for a plain array).
 *  @param[in]  x  array
 *  @param[out] n  the number of components
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or the output pointer is NULL; DLOPS_ERR_STATE
 *          when x is stale (destroyed). */
DLOPS_EXTERN int dlops_darray_stacked_count(dlops_darray x, int *n);
/** Borrowed handle of component i of a stacked array (do not destroy it).
 *  @param[in]  x     stacked array
 *  @param[in]  i     component index, 0..count-1
 *  @param[out] part  the component
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or part is NULL or i is out of range;
 *          DLOPS_ERR_STATE when x is stale or not stacked. */
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
 *  Memory spaces: a host array in host memory; a device array in device memory (its own data)
 *  or in host memory (a mirror copied from the device now and back at restore).
 *  @param[in]  x    plain array
 *  @param[in]  mem  where the caller wants the data (DLOPS_MEM_HOST or DLOPS_MEM_DEVICE)
 *  @param[out] ptr  the local block
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or ptr is NULL or mem is unknown;
 *          DLOPS_ERR_STATE when x is stale, stacked, or already borrowed;
 *          DLOPS_ERR_UNSUPPORTED when a host array is asked for DLOPS_MEM_DEVICE;
 *          DLOPS_ERR_MEM (host mirror), or a device copy's error. */
DLOPS_EXTERN int dlops_darray_get_local(dlops_darray x, dlops_memspace mem, void **ptr); /* fortran: manual(dlops_darray_get_local, dlops_darray_get_local_cptr) */
/** Return a pointer obtained from dlops_darray_get_local; sets *ptr to NULL. A host borrow of a
 *  device array is copied back to the device here. For BROADCAST arrays this does not
 *  broadcast: call dlops_darray_sync_broadcast after writing. Memory spaces: host and device.
 *  @param[in]     x    the array the pointer was borrowed from
 *  @param[in,out] ptr  the borrowed pointer; NULL on return
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or ptr is NULL or *ptr is not this array's
 *          block; DLOPS_ERR_STATE when x is stale, not borrowed, or borrowed with
 *          dlops_darray_get_local_read; a device copy's error. */
DLOPS_EXTERN int dlops_darray_restore_local(dlops_darray x, void **ptr); /* fortran: manual(dlops_darray_restore_local, dlops_darray_restore_local_cptr) */
/** Borrow this rank's local block for reading only: as dlops_darray_get_local, but a host
 *  borrow of a device array is not copied back when restored. Not collective.
 *  @param[in]  x    plain array
 *  @param[in]  mem  where the caller wants the data (DLOPS_MEM_HOST or DLOPS_MEM_DEVICE)
 *  @param[out] ptr  the local block (left unchanged on failure)
 *  @return as dlops_darray_get_local. */
DLOPS_EXTERN int dlops_darray_get_local_read(dlops_darray x, dlops_memspace mem, const void **ptr); /* fortran: manual(dlops_darray_get_local_read_cptr) */
/** Return a pointer obtained from dlops_darray_get_local_read; sets *ptr to NULL. Each kind of
 *  borrow is returned by its own restore. Not collective. Copies nothing.
 *  @param[in]     x    the array the pointer was borrowed from
 *  @param[in,out] ptr  the borrowed pointer; NULL on return
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when x or ptr is NULL or *ptr is not this array's
 *          block; DLOPS_ERR_STATE when x is stale, not borrowed, or borrowed with
 *          dlops_darray_get_local. */
DLOPS_EXTERN int dlops_darray_restore_local_read(dlops_darray x, const void **ptr); /* fortran: manual(dlops_darray_restore_local_read_cptr) */
/** Make every replica of a BROADCAST array equal to the copy on rank 0 (of each mask group).
 *  **Collective**. No-op for other partitions; stacked arrays sync their BROADCAST components.
 *  Memory spaces: host and device (device buffers are staged through host memory).
 *  @param[in,out] x  the array
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL x),
 *          DLOPS_ERR_STATE (stale or borrowed x), DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_sync_broadcast(dlops_darray x);
/** @} */

/** @name Vector operations (collective only where noted)
 *  Operands must live in the same memory space (except for dlops_darray_copy), else
 *  DLOPS_ERR_ARG (they run where the data is: host loops or device kernels); they must have the
 *  same layout: same global shape, axis, partition, split, mask and stacking, else
 *  DLOPS_ERR_SIZE; element types must match except where noted, else DLOPS_ERR_ARG. Reductions
 *  of device arrays (dot, norm) copy their few partial sums to the host once per call. */
/** @{ */
/** x[i] = value for every element. Not collective. Memory spaces: host and device.
 *  @param[out] x      array (plain or stacked)
 *  @param[in]  value  the value (value.im must be 0 for real arrays)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL x, complex value for a real array);
 *          DLOPS_ERR_STATE (stale or borrowed x). */
DLOPS_EXTERN int dlops_darray_fill(dlops_darray x, dlops_scalar value); /* fortran: manual */
/** y = x (same layout; dtypes may differ: values are converted as numpy casts do, complex to
 *  real keeps the real part). x and y may live in different memory spaces (host and device):
 *  this is how data moves between them, one copy of the local block; the element types must
 *  then be the same. Not collective.
 *  @param[in]  x  source
 *  @param[out] y  destination (x's layout)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL array; a conversion between memory spaces);
 *          DLOPS_ERR_STATE (stale or borrowed array); DLOPS_ERR_SIZE (layouts differ). */
DLOPS_EXTERN int dlops_darray_copy(dlops_darray x, dlops_darray y);
/** y = alpha*x + beta*y. Not collective. Memory spaces: host and device.
 *  @param[in]     alpha  coefficient of x (alpha.im must be 0 for real arrays)
 *  @param[in]     x      array
 *  @param[in]     beta   coefficient of y (beta.im must be 0 for real arrays)
 *  @param[in,out] y      array (x's layout, dtype and memory space)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL array, arrays in different memory spaces or of
 *          different element types, a complex coefficient for real arrays); DLOPS_ERR_STATE (stale or borrowed array);
 *          DLOPS_ERR_SIZE (layouts differ). */
DLOPS_EXTERN int dlops_darray_axpby(dlops_scalar alpha, dlops_darray x, dlops_scalar beta, dlops_darray y); /* fortran: manual */
/** x = alpha*x. Not collective. Memory spaces: host and device.
 *  @param[in,out] x      array
 *  @param[in]     alpha  coefficient (alpha.im must be 0 for real arrays)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL x, a complex coefficient for a real array);
 *          DLOPS_ERR_STATE (stale or borrowed x). */
DLOPS_EXTERN int dlops_darray_scale(dlops_darray x, dlops_scalar alpha); /* fortran: manual */
/** x = conj(x) (no-op for real types). Not collective. Memory spaces: host and device.
 *  @param[in,out] x  array
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL x); DLOPS_ERR_STATE (stale or borrowed x). */
DLOPS_EXTERN int dlops_darray_conj(dlops_darray x);
/** z = x .* y element by element (z may alias x or y). Not collective. Memory spaces: host and
 *  device.
 *  @param[in]  x  array
 *  @param[in]  y  array (x's layout, dtype and memory space)
 *  @param[out] z  result (x's layout, dtype and memory space)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL array, arrays in different memory spaces or of
 *          different element types); DLOPS_ERR_STATE (stale or borrowed array);
 *          DLOPS_ERR_SIZE (layouts differ). */
DLOPS_EXTERN int dlops_darray_pointwise_mult(dlops_darray x, dlops_darray y, dlops_darray z);
/** y = f(x) element by element for an element map kind; y may be x. Same layout and dtype.
 *  Runs where the data lives. Not collective. Memory spaces: host and device.
 *  @param[in]  kind  the map (dlops_map_kind)
 *  @param[in]  p0    threshold (>= 0, finite) of the threshold maps, or lower bound of the box
 *  @param[in]  p1    upper bound of the box (DLOPS_MAP_CLIP, DLOPS_MAP_OUTSIDE: p0 <= p1, no
 *                    NaN); ignored by the other maps
 *  @param[in]  x     input
 *  @param[out] y     output (x's layout, dtype and memory space; may be x)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL array, arrays in different memory spaces or of
 *          different element types, unknown kind, a bad threshold or box); DLOPS_ERR_STATE (stale or borrowed array);
 *          DLOPS_ERR_SIZE (layouts differ). */
DLOPS_EXTERN int dlops_darray_map(dlops_map_kind kind, double p0, double p1, dlops_darray x, dlops_darray y);
/** Fill x with pseudo-random values uniform in [lo, hi) (complex: real and imaginary parts
 *  independently) that depend only on seed and the global position of each element (for a
 *  stacked array, its position in the concatenation of the flattened components): the same
 *  seed gives the same global array at every rank count, and replicas agree. Runs where the
 *  data lives. Not collective. Memory spaces: host and device.
 *  @param[out] x     array
 *  @param[in]  seed  seed
 *  @param[in]  lo    lower bound
 *  @param[in]  hi    upper bound (lo <= hi, hi - lo finite; lo == hi fills with lo)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL x, bad bounds); DLOPS_ERR_STATE (stale or
 *          borrowed x). */
DLOPS_EXTERN int dlops_darray_fill_random(dlops_darray x, unsigned long long seed, double lo, double hi);
/** result = sum_i x_i*y_i (dot) over the whole array, reduced over the mask group.
 *  **Collective**. Real arrays give result.im = 0. BROADCAST arrays count each element once.
 *  Memory spaces: host and device (a device reduction copies its partial sums to the host).
 *  @param[in]  x       array
 *  @param[in]  y       array (x's layout, dtype and memory space)
 *  @param[out] result  the dot product, the same on every rank
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL array or
 *          result, arrays in different memory spaces or of different element types);
 *          DLOPS_ERR_STATE (stale or borrowed array); DLOPS_ERR_SIZE (layouts differ);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_dot(dlops_darray x, dlops_darray y, dlops_scalar *result); /* fortran: manual */
/** result = sum_i conj(x_i)*y_i. **Collective**. Otherwise as dlops_darray_dot.
 *  Memory spaces: host and device.
 *  @param[in]  x       array (conjugated)
 *  @param[in]  y       array (x's layout, dtype and memory space)
 *  @param[out] result  the product, the same on every rank
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL array or
 *          result, arrays in different memory spaces or of different element types);
 *          DLOPS_ERR_STATE (stale or borrowed array); DLOPS_ERR_SIZE (layouts differ);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_vdot(dlops_darray x, dlops_darray y, dlops_scalar *result); /* fortran: manual */
/** Vector norm of the flattened array, computed in double precision (as PyLops-MPI does, also
 *  for f32/c64). **Collective** (one allreduce). -INFINITY of an empty array is +INFINITY;
 *  INFINITY of an empty array is 0. Memory spaces: host and device.
 *  @param[in]  x       array
 *  @param[in]  ord     2 (Euclidean), 1, INFINITY (max |x_i|), -INFINITY (min |x_i|), 0 (number
 *                      of non-zeros), or any other p > 0 ((sum |x_i|^p)^(1/p)); the same on
 *                      every rank
 *  @param[out] result  the norm, the same on every rank
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL x or result, ord
 *          NaN, ranks passing different ord); DLOPS_ERR_STATE (stale or borrowed x);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_norm(dlops_darray x, double ord, double *result); /* fortran: manual */
/** Several dot products in one reduction: result[k] = dot or vdot (conj_first[k]) of xs[k],
 *  ys[k], for k < n. **Collective**, one allreduce whatever n (solvers use it to fuse).
 *  Memory spaces: host and device.
 *  @param[in]  n           number of pairs, >= 1, the same on every rank
 *  @param[in]  xs          n arrays
 *  @param[in]  ys          n arrays (ys[k] with xs[k]'s layout, dtype and memory space)
 *  @param[in]  conj_first  n flags, 1 to conjugate xs[k] (vdot), 0 not (dot); NULL: all 0
 *  @param[out] result      n results, the same on every rank
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL array or
 *          result, arrays in different memory spaces or of different element types, pairs on different contexts, a flag other than 0 or 1, ranks passing different n or flags);
 *          DLOPS_ERR_STATE (stale or borrowed array); DLOPS_ERR_SIZE (layouts differ);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_multi_dot(int n, const dlops_darray *xs, const dlops_darray *ys,
                                        const int *conj_first, dlops_scalar *result); /* fortran: manual array(result) */

/** A non-blocking reduction started by dlops_darray_multi_dot_begin. */
typedef struct dlops_pending_s *dlops_pending;
/** Start multi_dot: local products now, the reduction in the background (one non-blocking
 *  allreduce that also carries the argument agreement), so the caller can overlap it with other
 *  work (pipelined CG uses it). The arrays may be modified after this call returns; result is
 *  written by dlops_darray_multi_dot_end. Masked arrays reduce in the same message (one slot per
 *  mask group). Bad arguments on any rank (NULL or stale arrays, different layouts) do not fail
 *  here: *req is still a request, and dlops_darray_multi_dot_end returns the error on every
 *  rank, so no rank is left waiting. **Collective**. Memory spaces: host and device.
 *  @param[in]  n           number of pairs, >= 1
 *  @param[in]  xs          n arrays
 *  @param[in]  ys          n arrays
 *  @param[in]  conj_first  n flags (or NULL), as dlops_darray_multi_dot
 *  @param[out] result      n results, written by dlops_darray_multi_dot_end; must stay valid
 *                          until then
 *  @param[out] req         the request
 *  @return DLOPS_SUCCESS (argument errors are returned by dlops_darray_multi_dot_end);
 *          DLOPS_ERR_ARG at once (locally) when req is NULL, or when no array names a context
 *          and no single live context can be found; DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_multi_dot_begin(int n, const dlops_darray *xs, const dlops_darray *ys,
                                              const int *conj_first, dlops_scalar *result, dlops_pending *req); /* fortran: manual cptr(result) */
/** Complete a reduction started by dlops_darray_multi_dot_begin and set *req to NULL, also on
 *  failure. **Collective** (with the matching begin). Memory spaces: host and device.
 *  @param[in,out] req  the request; NULL on return
 *  @return DLOPS_SUCCESS, or the same error on every rank: the errors of dlops_darray_multi_dot
 *          found by the begin on any rank; DLOPS_ERR_ARG (locally) when req or *req is NULL;
 *          DLOPS_ERR_STATE (locally) when *req was already ended. */
DLOPS_EXTERN int dlops_darray_multi_dot_end(dlops_pending *req);
/** @} */

/** @name Global data movement (collective) */
/** @{ */
/** Fill x from a global array in host memory (C order, global shape, element type of x).
 *  root >= 0: only rank root's global is read (may be NULL elsewhere) and sent to the owners;
 *  root = -1: every rank holds the same global array and keeps its own slab (no communication,
 *  PyLops-MPI's to_dist). Masked arrays: root is a rank of the context and every group is
 *  filled from it. Stacked arrays are filled from the concatenation of their flattened
 *  components. **Collective**. Memory spaces: global is host memory; x host or device (device
 *  arrays receive their block from the host).
 *  @param[out] x       the array to fill
 *  @param[in]  global  the global array (read on root, or on every rank when root = -1)
 *  @param[in]  root    rank holding global, or -1; the same on every rank
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL x, root out of
 *          [-1, P), ranks passing different roots, NULL global where it is read);
 *          DLOPS_ERR_STATE (stale or borrowed x); DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_scatter(dlops_darray x, const void *global, int root); /* fortran: manual */
/** Gather the global array (C order) into host memory: on rank root only, or on every rank when
 *  root = -1 (PyLops-MPI's asarray). Masked arrays gather within this rank's group. Stacked
 *  arrays give the concatenation of their flattened components. **Collective**. Memory spaces:
 *  global is host memory; x host or device.
 *  @param[in]  x       the array
 *  @param[out] global  the global array (written on root, or on every rank when root = -1;
 *                      others may pass NULL)
 *  @param[in]  root    receiving rank, or -1; the same on every rank
 *  @return as dlops_darray_scatter. */
DLOPS_EXTERN int dlops_darray_gather(dlops_darray x, void *global, int root); /* fortran: manual */
/** New SCATTER array with the same global data distributed (default split) along new_axis:
 *  one all-to-all exchange within each mask group. x must be SCATTER (masked or not); the result
 *  keeps the mask and the memory space. **Collective**. Memory spaces: host and device.
 *  @param[in]  x         plain SCATTER array
 *  @param[in]  new_axis  the new distributed axis, 0..ndim-1, the same on every rank
 *  @param[out] y         the new array
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL x or y, x not
 *          SCATTER, new_axis out of range); DLOPS_ERR_STATE (stale, borrowed or stacked x);
 *          DLOPS_ERR_SIZE (ranks passing different new_axis); DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_redistribute(dlops_darray x, int new_axis, dlops_darray *y);
/** Local block extended with ghost slices along the distributed axis, as PyLops-MPI's
 *  add_ghost_cells: rank r > 0 receives cells_front slices from rank r-1 (prepended), rank
 *  r < P-1 receives cells_back slices from rank r+1 (appended); global edges get nothing. Each
 *  rank gives its own cells_front/cells_back. SCATTER arrays only. The layout of the last few
 *  (cells_front, cells_back) choices is cached on the array (freed with it): a repeated call
 *  costs the argument agreement and the exchange, and allocates nothing. **Collective**.
 *  Memory spaces: x host or device (device arrays are copied to the host first); ghosted is
 *  host memory.
 *  @param[in]  x            plain SCATTER array
 *  @param[in]  cells_front  slices to receive from the previous rank (>= 0)
 *  @param[in]  cells_back   slices to receive from the next rank (>= 0)
 *  @param[out] ghosted      host buffer of as many elements as the shape given by
 *                           dlops_darray_ghost_shape
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL x or ghosted, x
 *          not SCATTER, negative counts, counts whose byte size overflows); DLOPS_ERR_STATE
 *          (stale, borrowed or stacked x); DLOPS_ERR_SIZE (a rank asks for more slices than its
 *          neighbour owns); DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_add_ghost_cells(dlops_darray x, int64_t cells_front, int64_t cells_back,
                                              void *ghosted); /* fortran: manual */
/** Shape of the ghosted local block for given cells (what dlops_darray_add_ghost_cells
 *  writes). Not collective. No data access.
 *  @param[in]  x            plain array
 *  @param[in]  cells_front  slices from the previous rank (>= 0; none on rank 0)
 *  @param[in]  cells_back   slices from the next rank (>= 0; none on the last rank)
 *  @param[out] shape        ndim entries
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL x or shape, negative counts, counts whose byte
 *          size overflows); DLOPS_ERR_STATE (stale or stacked x). */
DLOPS_EXTERN int dlops_darray_ghost_shape(dlops_darray x, int64_t cells_front, int64_t cells_back,
                                          int64_t *shape); /* fortran: manual array(shape) */
/** @} */

/** @} */

/** @addtogroup group_io
 * @{ */
/** Write the global array to a .npy file (format 1.0/2.0, little endian, C order) that numpy
 *  reads; each rank writes its own slab with MPI-IO. An existing file is replaced atomically
 *  (docs/io-reliability.md). Masked arrays: only the mask group of context rank 0 writes (the
 *  other groups hold replicas); (UNSAFE_)BROADCAST arrays: rank 0 writes the whole array.
 *  **Collective**. Memory spaces: host and device (device blocks are copied to the host first).
 *  @param[in] x     plain array
 *  @param[in] path  file path, the same on every rank
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL x locally; NULL
 *          or empty path, ranks passing different paths); DLOPS_ERR_STATE (stale x locally;
 *          stacked or borrowed x); DLOPS_ERR_IO (the file cannot be created, written, synced or
 *          renamed); DLOPS_ERR_UNSUPPORTED (a big-endian host); DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_write_npy(dlops_darray x, const char *path);
/** Read a .npy file (C order, little endian, dtype <f4 <f8 <c8 <c16, 1 to 8 dimensions: 0-d
 *  files are refused) into a new array distributed along axis with the given partition
 *  (default split), in the context's default memory space; each rank reads its own part with
 *  MPI-IO. **Collective**. Memory spaces: host and device (device arrays are filled from the
 *  host).
 *  @param[in]  ctx        context
 *  @param[in]  path       file path, the same on every rank
 *  @param[in]  axis       distributed axis of the new array (negative counts from the end)
 *  @param[in]  partition  partition of the new array
 *  @param[out] x          the new array
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx locally; NULL
 *          x, NULL or empty path, ranks passing different paths, unknown partition, axis out of
 *          range for the file); DLOPS_ERR_STATE (stale ctx locally); DLOPS_ERR_IO (missing,
 *          unreadable, not a regular file, not .npy, truncated or malformed);
 *          DLOPS_ERR_UNSUPPORTED (a valid .npy of another dtype, big-endian, Fortran order, 0-d or
 *          over 8 dimensions);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_read_npy(dlops_ctx ctx, const char *path, int axis, dlops_partition partition,
                                       dlops_darray *x);
/** Read member `member` of an .npz archive (numpy's savez or savez_compressed: a zip archive of
 *  .npy files) into a new array distributed along axis with the given partition, in the
 *  context's default memory space. The member is matched by its name in the archive, else by
 *  name + ".npy" (np.load's key: "model" finds "model.npy"). Members stored (zip method 0) and
 *  deflated (method 8) are read, with ZIP64 sizes; the CRC-32 is checked. The member's .npy
 *  header follows dlops_darray_read_npy's rules (dtype <f4 <f8 <c8 <c16, C order, 1 to 8
 *  dimensions). Rank 0 reads the archive and extracts the member, which reaches the other ranks
 *  by MPI_Bcast on the context's communicator (not in the communication counters), so the whole
 *  member must fit in each rank's host memory. A BROADCAST partition gives every rank the whole
 *  array. **Collective**. Memory spaces: host and device (device arrays are filled from the
 *  host).
 *  @param[in]  ctx        context
 *  @param[in]  path       file path, the same on every rank
 *  @param[in]  member     member name ("model" or "model.npy"), the same on every rank
 *  @param[in]  axis       distributed axis of the new array (negative counts from the end)
 *  @param[in]  partition  partition of the new array
 *  @param[out] x          the new array
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx locally; NULL
 *          x, NULL or empty path or member, ranks passing different paths or members, unknown
 *          partition, axis out of range for the member, no member of that name: the message names
 *          it); DLOPS_ERR_STATE (stale ctx locally); DLOPS_ERR_IO (missing, unreadable or not a
 *          regular file; not a zip archive; truncated or corrupt archive, corrupt deflate data,
 *          CRC mismatch; a member that is not .npy or is truncated); DLOPS_ERR_UNSUPPORTED (a
 *          member of another dtype, big-endian, Fortran order, 0-d or over 8 dimensions; another
 *          compression method, an encrypted member, a multi-disk archive; a big-endian host);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_darray_read_npz(dlops_ctx ctx, const char *path, const char *member, int axis,
                                       dlops_partition partition, dlops_darray *x);
/** Number of members of an .npz (zip) archive. **Not collective**: any rank may call it (each
 *  call reads the file). Memory spaces: none (host file access only).
 *  @param[in]  path   file path
 *  @param[out] count  number of members
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL or empty path, NULL count); DLOPS_ERR_IO (missing,
 *          unreadable, not a regular file, not a zip archive, corrupt central directory);
 *          DLOPS_ERR_UNSUPPORTED (a multi-disk archive; over INT_MAX members); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_npz_get_num_members(const char *path, int *count);
/** Name of member index (0-based, in central-directory order) of an .npz archive, e.g.
 *  "model.npy". The string is owned by the library and valid until the next call of this
 *  function in the same thread (names longer than 1024 bytes are cut). **Not collective**.
 *  Memory spaces: none (host file access only).
 *  @param[in]  path   file path
 *  @param[in]  index  member index, 0 <= index < dlops_npz_get_num_members
 *  @param[out] name   the member's name
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL or empty path, NULL name, index out of range);
 *          DLOPS_ERR_IO (missing, unreadable, not a regular file, not a zip archive, corrupt
 *          central directory); DLOPS_ERR_UNSUPPORTED (a multi-disk archive); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_npz_get_member_name(const char *path, int index, const char **name);

/** @} */

#ifdef __cplusplus
}
#endif
#endif
