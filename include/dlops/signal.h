/** @file
 * dlops/signal.h: signal processing operators: FFT, Fredholm1 and multi-dimensional convolution (MDC), non-stationary convolution. Included by dlops.h.
 */
#ifndef DLOPS_SIGNAL_H
#define DLOPS_SIGNAL_H

#include "op.h"

#ifdef __cplusplus
extern "C" {
#endif
/** @addtogroup group_signal
 * @{ */

/** @name Fredholm1 and non-stationary convolution
 *  Kernels and filters are read from host memory and copied into the context's memory space at
 *  creation. */
/** @{ */
/** Fredholm integral of the first kind (PyLops' Fredholm1), a local operator: for every slice
 *  k < nsl, d[k] = G[k] m[k] with G[k] an nx x ny matrix, m[k] (ny x nz) and d[k] (nx x nz);
 *  the adjoint is m[k] = G[k]^H d[k] (conjugate transpose). Model dims (nsl, ny, nz), data dims
 *  (nsl, nx, nz), row-major and flat. Each slice is one matrix product of the memory space (BLAS
 *  on the host, cuBLAS on the device). G has the operator's element type (PyLops' complex G with
 *  a real dtype is not offered until domain and range types may differ). PyLops' usematmul does
 *  not apply. One-rank context only: dlops_op_create_mpi_fredholm1 distributes the slices. Not
 *  collective. Memory spaces: host and device.
 *  @param[in]  ctx     one-rank context
 *  @param[in]  nsl     number of slices, >= 1
 *  @param[in]  nx      rows of each slice of G (data samples per slice and column), >= 1
 *  @param[in]  ny      columns of each slice of G (model samples per slice and column), >= 1
 *  @param[in]  nz      columns of the model and the data (PyLops' nz), >= 1
 *  @param[in]  G       nsl*nx*ny elements of dtype (G[k][i][j] at (k*nx + i)*ny + j), host memory, copied
 *  @param[in]  saveGt  nonzero: also store the conjugate transpose of G (twice the memory) and
 *                      apply the adjoint as a plain product, as PyLops' saveGt
 *  @param[in]  dtype   element type
 *  @param[out] A       the operator
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL ctx, A or G, a context of several ranks, bad
 *          dtype, nsl, nx, ny or nz < 1); DLOPS_ERR_UNSUPPORTED (nx, ny or nz above INT_MAX:
 *          32-bit BLAS); DLOPS_ERR_SIZE (element counts overflow a 64-bit byte count);
 *          DLOPS_ERR_STATE (stale ctx); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_fredholm1(dlops_ctx ctx, int64_t nsl, int64_t nx, int64_t ny, int64_t nz,
                                           const void *G, int saveGt, dlops_dtype dtype, dlops_op *A); /* fortran: manual */
/** Fredholm1 distributed over its slices (PyLops-MPI's MPIFredholm1): every rank passes its
 *  own nsl_local consecutive slices of G, in rank order (rank r holds the global slices after
 *  those of ranks 0..r-1). Model (nsl, ny, nz) and data (nsl, nx, nz), nsl the sum of the
 *  ranks' nsl_local, are 1-D arrays of the given partition, BROADCAST or UNSAFE_BROADCAST, as
 *  PyLops-MPI's: every rank holds the whole vector. An apply computes this rank's slices (one
 *  matrix product each) and gathers them on every rank: one allgatherv, to which rank r
 *  contributes nsl_local*nx*nz elements (forward) or nsl_local*ny*nz (adjoint) (the
 *  DLOPS_COMM_ALLGATHER counter's bytes); nothing else is communicated. PyLops-MPI refuses a
 *  rank with a single slice (a consequence of its squeeze); dlops accepts any nsl_local >= 0 as
 *  long as the total is >= 1. **Collective**. Memory spaces: host and device.
 *  @param[in]  ctx        context
 *  @param[in]  nsl_local  this rank's slices, >= 0
 *  @param[in]  nx         rows of each slice of G, >= 1, the same on every rank
 *  @param[in]  ny         columns of each slice of G, >= 1, the same on every rank
 *  @param[in]  nz         columns of the model and the data, >= 1, the same on every rank
 *  @param[in]  G          this rank's nsl_local*nx*ny elements of dtype, row-major slices, host
 *                         memory, copied (NULL allowed when nsl_local = 0)
 *  @param[in]  saveGt     nonzero: also store the conjugate transpose (as PyLops' saveGt); the
 *                         same on every rank
 *  @param[in]  partition  DLOPS_BROADCAST or DLOPS_UNSAFE_BROADCAST, the same on every rank
 *  @param[in]  dtype      element type, the same on every rank
 *  @param[out] A          the operator
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL A, or G with
 *          nsl_local > 0; bad dtype or partition, nsl_local < 0, nx, ny or nz < 1, no slice on
 *          any rank, ranks passing different nx, ny, nz, dtype, saveGt or partition);
 *          DLOPS_ERR_UNSUPPORTED (nx, ny or nz above INT_MAX); DLOPS_ERR_SIZE (element counts
 *          overflow a 64-bit byte count); DLOPS_ERR_STATE (stale ctx); DLOPS_ERR_MEM;
 *          DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_mpi_fredholm1(dlops_ctx ctx, int64_t nsl_local, int64_t nx, int64_t ny, int64_t nz,
                                               const void *G, int saveGt, dlops_partition partition,
                                               dlops_dtype dtype, dlops_op *A); /* fortran: manual */
/** Non-stationary 1-D convolution along axis (PyLops' NonStationaryConvolve1D): nfilts
 *  filters of nh (odd) taps at the regularly spaced, increasing samples ih of the axis; the
 *  filter at sample i is linearly interpolated between its two neighbours (the first or last
 *  filter before ih[0] and after ih[nfilts-1]), as PyLops' _interpolate_h. Forward: each model
 *  sample x[i] is spread by its own filter centred on i, y[j] = sum_i x[i] h_i[j - i + nh/2]
 *  (samples outside the axis dropped); the data has the model's shape. The adjoint is exact,
 *  x[i] = sum_k conj(h_i[k]) y[i - nh/2 + k] (PyLops' rmatvec omits the conjugate of a complex
 *  filter). On one rank any axis; on several the model is split along axis 0 and axis must be
 *  > 0 (no communication); dlops_op_create_mpi_nonstationary_convolve1d splits the filtered
 *  axis itself. **Collective** (checks). Memory spaces: **host only** (on a context
 *  whose memory space is the device, the creation fails with DLOPS_ERR_UNSUPPORTED).
 *  @param[in]  ctx     context
 *  @param[in]  ndim    number of dimensions, 1..DLOPS_MAX_NDIM
 *  @param[in]  dims    model shape (ndim entries, >= 0; dims[axis] >= 1)
 *  @param[in]  axis    filtered axis (negative counts from the end; > 0 on several ranks)
 *  @param[in]  nfilts  number of filters, 2..2^24
 *  @param[in]  nh      taps per filter, odd, 1..2^24
 *  @param[in]  hs      nfilts*nh elements of dtype, filter after filter, host memory, copied
 *  @param[in]  ih      nfilts positions along axis, in [0, dims[axis]), increasing by a constant step
 *  @param[in]  dtype   element type
 *  @param[out] A       the operator
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL A, dims, hs or ih;
 *          bad dtype, ndim or axis, a negative dimension or a model overflowing a byte count,
 *          dims[axis] = 0, axis 0 on several ranks, nh even or out of range, nfilts < 2, ih out
 *          of the axis or not regularly increasing, ranks passing different dims, axis, nfilts,
 *          nh, ih or dtype); DLOPS_ERR_UNSUPPORTED (a device memory space); DLOPS_ERR_STATE
 *          (stale ctx); DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_nonstationary_convolve1d(dlops_ctx ctx, int ndim, const int64_t *dims, int axis,
                                                          int64_t nfilts, int64_t nh, const void *hs,
                                                          const int64_t *ih, dlops_dtype dtype,
                                                          dlops_op *A); /* fortran: manual cptr(ih) */
/** Non-stationary 1-D convolution distributed along its axis (PyLops-MPI's
 *  MPINonStationaryConvolve1D): the operator of dlops_op_create_nonstationary_convolve1d on a
 *  model split along axis over the ranks (the halo operator's ceil blocks, grid P along axis
 *  and 1 elsewhere: the layout of dlops_op_create_halo's domain). Every rank passes all the
 *  filters. An apply extends the local block by nh/2 samples from each neighbour (zeros beyond
 *  the ends), filters it and crops; forward and adjoint are exact and equal to the one-rank
 *  operator's. Per apply one neighbour exchange: nh/2 * prod(other dims) elements to each
 *  neighbour along axis (DLOPS_COMM_NEIGHBOR). PyLops-MPI uses a wider halo and requires
 *  dims[axis] divisible by P with a filter on every rank; dlops needs neither, only blocks of at
 *  least nh/2 samples next to a neighbour. **Collective**. Memory spaces: **host only**
 *  (DLOPS_ERR_UNSUPPORTED on a device memory space).
 *  @param[in]  ctx     context
 *  @param[in]  ndim    number of dimensions, 1..DLOPS_MAX_NDIM
 *  @param[in]  dims    model shape (ndim entries, >= 1)
 *  @param[in]  axis    filtered and distributed axis (negative counts from the end)
 *  @param[in]  nfilts  number of filters, 2..2^24
 *  @param[in]  nh      taps per filter, odd, 1..2^24
 *  @param[in]  hs      nfilts*nh elements of dtype, host memory, copied; the same on every rank
 *  @param[in]  ih      nfilts positions, in [0, dims[axis]), increasing by a constant step
 *  @param[in]  dtype   element type
 *  @param[out] A       the operator
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (as
 *          dlops_op_create_nonstationary_convolve1d, a dimension < 1, ranks passing different
 *          filters); DLOPS_ERR_SIZE (a block shorter than nh/2 next to a neighbour);
 *          DLOPS_ERR_UNSUPPORTED (a device memory space); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_mpi_nonstationary_convolve1d(dlops_ctx ctx, int ndim, const int64_t *dims, int axis,
                                                              int64_t nfilts, int64_t nh, const void *hs,
                                                              const int64_t *ih, dlops_dtype dtype,
                                                              dlops_op *A); /* fortran: manual cptr(ih) */
/** @} */

/** @} */

#ifdef __cplusplus
}
#endif
#endif
