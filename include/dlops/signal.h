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

/** @name FFT */
/** @{ */
/** Scaling of the FFT operator (PyLops' norm): the forward transform is multiplied by
 *  1/sqrt(nfft) (ORTHO), 1 (NONE) or 1/nfft (ONE_OVER_N); the adjoint is the exact adjoint in
 *  every case (an inverse transform times 1/sqrt(nfft), 1 or 1/nfft). */
typedef enum { DLOPS_FFT_ORTHO = 0, DLOPS_FFT_NONE = 1, DLOPS_FFT_ONE_OVER_N = 2 } dlops_fft_norm;

/** One-dimensional FFT along one axis of an N-D model (PyLops' FFT). The model is padded with
 *  zeros, or truncated, to nfft samples along axis; the data has nfft samples there (complex
 *  transform) or nfft/2 + 1 (real = 1: rfft, whose adjoint is an irfft; bins 1 to (nfft-1)/2
 *  are multiplied by sqrt(2) so that it is, as in PyLops). Element types, as PyLops' dtype:
 *  the data is complex (c64 for f32/c64, c128 for f64/c128); the model has type dtype, except
 *  with real = 1, where it is real (f32 or f64). A real model with a complex range makes a
 *  mixed operator (op.h): its adjoint keeps the real part. ifftshift_before applies ifftshift to
 *  the model along axis before the transform, fftshift_after fftshift to the data after it (the
 *  adjoint undoes both). Computed with FFTW in the data's precision on the host and the
 *  emulated device; the CUDA memory space has no FFT in this version (DLOPS_ERR_UNSUPPORTED).
 *  On one rank any axis works; on several the model is split along axis 0 (N-D axis-0 split)
 *  and axis must be > 0: every rank transforms its own rows, nothing is communicated.
 *  **Collective**.
 *  @param[in]  ctx               context
 *  @param[in]  ndim              number of model dimensions, 1 to DLOPS_MAX_NDIM
 *  @param[in]  dims              model shape, ndim entries, each >= 0 (dims[axis] >= 1)
 *  @param[in]  axis              transform axis (negative counts from the end)
 *  @param[in]  nfft              transform length, >= 1, or <= 0 for dims[axis]
 *  @param[in]  norm              scaling
 *  @param[in]  real              nonzero: real transform (rfft), a real model
 *  @param[in]  ifftshift_before  nonzero: ifftshift the model before the transform
 *  @param[in]  fftshift_after    nonzero: fftshift the data after the transform
 *  @param[in]  dtype             PyLops' dtype (see above)
 *  @param[out] A                 the operator
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL A or dims, bad
 *          ndim, axis, norm or dtype, a negative dimension, dims[axis] = 0, axis 0 on several
 *          ranks, ranks passing different arguments); DLOPS_ERR_UNSUPPORTED (the context's
 *          memory space has no FFT); DLOPS_ERR_STATE (stale ctx); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_fft(dlops_ctx ctx, int ndim, const int64_t *dims, int axis, int64_t nfft,
                                     dlops_fft_norm norm, int real, int ifftshift_before, int fftshift_after,
                                     dlops_dtype dtype, dlops_op *A); /* fortran: logical(real, ifftshift_before, fftshift_after) */

/** N-dimensional FFT of a distributed N-D model (PyLops-MPI's MPIFFTND; MPIFFT2D is axes
 *  (-2, -1)): the one-dimensional FFTs of dlops_op_create_fft along every axis in axes, the last
 *  one first (the real transform when real = 1, with its sqrt(2) bins, as numpy's rfftn and
 *  PyLops-MPI), each with its own shifts. Model and data are split along axis 0 (N-D axis-0
 *  split; PyLops-MPI leaves the data split along the axis its pencil decomposition chooses: the
 *  global arrays are the same). A transform along axis 0 exchanges axes 0 and 1 with an
 *  all-to-all through the communication layer (so every backend carries it), transforms, and
 *  exchanges back: per apply two all-to-alls of the local block; the other axes move nothing.
 *  norm: PyLops-MPI's "none" and "1/n" (over the product of the transformed sizes), and ortho.
 *  Element types as dlops_op_create_fft. **Collective**. Memory spaces: host and the emulated
 *  device.
 *  @param[in]  ctx               context
 *  @param[in]  ndim              number of model dimensions, 1 to DLOPS_MAX_NDIM (>= 2 for a
 *                                transform along axis 0 on several ranks)
 *  @param[in]  dims              model shape, ndim entries, each >= 1
 *  @param[in]  naxes             number of transformed axes, 1 to ndim
 *  @param[in]  axes              the axes (C order, negative counts from the end), distinct
 *  @param[in]  norm              scaling
 *  @param[in]  real              nonzero: the real transform along axes[naxes-1] (real model)
 *  @param[in]  ifftshift_before  bit mask: bit k (1 << k) ifftshifts the model along axes[k]
 *                                (0: none, -1: every axis, PyLops-MPI's True)
 *  @param[in]  fftshift_after    bit mask: bit k fftshifts the data along axes[k]
 *  @param[in]  dtype             PyLops' dtype (as dlops_op_create_fft)
 *  @param[out] A                 the operator
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL A, dims or axes,
 *          bad ndim, naxes, axes, norm or dtype, a dimension < 1, an axis given twice, axis 0 of
 *          a 1-D model on several ranks, ranks passing different arguments);
 *          DLOPS_ERR_UNSUPPORTED (the memory space has no FFT); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_mpi_fftnd(dlops_ctx ctx, int ndim, const int64_t *dims, int naxes, const int *axes,
                                           dlops_fft_norm norm, int real, int ifftshift_before, int fftshift_after,
                                           dlops_dtype dtype, dlops_op *A); /* fortran: logical(real) */

/** The frequencies of the data samples of an FFT operator (PyLops' FFT.f: numpy's fftfreq, or
 *  rfftfreq when real, fftshifted when fftshift_after) for sampling interval sampling. Not
 *  collective.
 *  @param[in]  nfft            transform length, >= 1
 *  @param[in]  sampling        sampling interval, finite and nonzero
 *  @param[in]  real            nonzero: the nfft/2 + 1 frequencies of a real transform
 *  @param[in]  fftshift_after  nonzero: in fftshifted order
 *  @param[out] f               nfft (or nfft/2 + 1) values
 *  @param[out] nf              the number of values written
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL f or nf, nfft < 1, a zero or non-finite
 *          sampling; nothing written). */
DLOPS_EXTERN int dlops_fft_freqs(int64_t nfft, double sampling, int real, int fftshift_after, double *f,
                                 int64_t *nf); /* fortran: logical(real, fftshift_after) array(f) */
/** @} */

/** @name Fredholm1 and non-stationary convolution
 *  Kernels and filters are read from host memory and copied into the context's memory space at
 *  creation. */
/** @{ */
/** Fredholm integral of the first kind (PyLops' Fredholm1), a local operator: for every slice
 *  k < nsl, d[k] = G[k] m[k] with G[k] an nx x ny matrix, m[k] (ny x nz) and d[k] (nx x nz);
 *  the adjoint is m[k] = G[k]^H d[k] (conjugate transpose). Model dims (nsl, ny, nz), data dims
 *  (nsl, nx, nz), row-major and flat. Each slice is one matrix product of the memory space (BLAS
 *  on the host, cuBLAS on the device). G has the operator's element type (PyLops' complex G with
 *  a real dtype is not offered: a real model with complex data is an FFT's job, see
 *  dlops_op_create_mdc). PyLops' usematmul does
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

/** @name Multi-dimensional convolution */
/** @{ */
/** Multi-dimensional convolution, distributed over frequencies (PyLops-MPI's MPIMDC, PyLops'
 *  MDC): y(t, s, v) = F^-1( sum_r G(f, s, r) F(x(t, r, v)) ), the chain F1^H I1^H Fr I F of a
 *  real FFT along time (dlops_op_create_fft, with ifftshift_before = twosided), the restriction
 *  to the first nfmax frequencies, Fredholm1 over the frequencies (the kernel scaled by
 *  dr dt sqrt(nt) unless prescaled, conjugated when conj), the zero padding back to
 *  nfft = ceil((nt+1)/2) frequencies and the adjoint real FFT. Model x (nt, nr, nv) and data
 *  y (nt, ns, nv) are real (f32 with a c64 kernel, f64 with c128), 1-D arrays of the given
 *  partition (BROADCAST or UNSAFE_BROADCAST, as PyLops-MPI): every rank holds them whole and
 *  runs the FFTs; G is split over the frequencies, rank r passing its nfreq_local consecutive
 *  slices in rank order (nfmax = their sum). Communication per apply: the Fredholm1's one
 *  allgatherv, to which rank r contributes nfreq_local*ns*nv complex elements (forward) or
 *  nfreq_local*nr*nv (adjoint); nothing else. **Collective**. Memory spaces: host and the
 *  emulated device (the FFT is not on the CUDA memory space in this version:
 *  DLOPS_ERR_UNSUPPORTED).
 *  @param[in]  ctx          context
 *  @param[in]  nfreq_local  this rank's frequency slices, >= 0
 *  @param[in]  ns           sources (rows of each slice of G), >= 1, the same on every rank
 *  @param[in]  nr           receivers (columns of each slice of G), >= 1, the same on every rank
 *  @param[in]  G            this rank's nfreq_local*ns*nr elements of dtype, G[f][s][r] at
 *                           (f*ns + s)*nr + r, host memory, copied (NULL when nfreq_local = 0)
 *  @param[in]  nt           time samples of model and data, >= 1 (odd when twosided)
 *  @param[in]  nv           virtual sources (columns of model and data), >= 1
 *  @param[in]  dt           time sampling (the scaling; finite)
 *  @param[in]  dr           receiver sampling (the scaling; finite)
 *  @param[in]  twosided     nonzero: model and data have negative and positive times
 *  @param[in]  saveGt       nonzero: store G^H too (PyLops' saveGt)
 *  @param[in]  conj         nonzero: use the complex conjugate of G
 *  @param[in]  prescaled    nonzero: G is already scaled by dr dt sqrt(nt)
 *  @param[in]  partition    DLOPS_BROADCAST or DLOPS_UNSAFE_BROADCAST
 *  @param[in]  dtype        G's element type, DLOPS_C64 or DLOPS_C128
 *  @param[out] A            the operator (real model and data)
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL A, G with
 *          nfreq_local > 0, a real or bad dtype, a bad partition, sizes < 1, an even nt with
 *          twosided, a non-finite dt or dr, ranks passing different arguments);
 *          DLOPS_ERR_SIZE (nfmax > ceil((nt+1)/2), no frequency on any rank);
 *          DLOPS_ERR_UNSUPPORTED (the memory space has no FFT); DLOPS_ERR_STATE (stale ctx);
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_op_create_mdc(dlops_ctx ctx, int64_t nfreq_local, int64_t ns, int64_t nr, const void *G,
                                     int64_t nt, int64_t nv, double dt, double dr, int twosided, int saveGt,
                                     int conj, int prescaled, dlops_partition partition, dlops_dtype dtype,
                                     dlops_op *A); /* fortran: manual */
/** @} */

/** @} */

#ifdef __cplusplus
}
#endif
#endif
