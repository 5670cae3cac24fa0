/** @file
 * dlops/seismic.h: seismic imaging operators: Kirchhoff demigration/migration (least-squares migration). Included by dlops.h.
 */
#ifndef DLOPS_SEISMIC_H
#define DLOPS_SEISMIC_H

#include "op.h"

#ifdef __cplusplus
extern "C" {
#endif
/** @addtogroup group_seismic
 * @{ */

/** Kirchhoff demigration operator (PyLops' pylops.waveeqprocessing.Kirchhoff in 2-D with
 *  mode="analytic", dynamic=False, wavfilter=False, no aperture: the operator of PyLops-MPI's
 *  least-squares migration tutorial). A local operator: one-rank context only; distribute
 *  sources over ranks by stacking one operator per rank with dlops_op_create_vstack (model
 *  broadcast, data scattered), as the tutorial does. Not collective.
 *
 *  Model: the reflectivity on the (x, z) grid, shape (nx, nz) (z contiguous, PyLops' layout),
 *  image point (x0 + ix dx, z0 + iz dz). Data: shape (ns, nr, nt), trace s nr + r for source s
 *  and receiver r. With straight-ray traveltimes at constant velocity
 *  t_s(ii) = |p_ii - src_s| / vel and t_r(ii) = |p_ii - rec_r| / vel (computed once, one table
 *  per side), q = (t_s + t_r) / dt, k = floor(q), f = q - k, the forward spreads m[ii] onto
 *  samples k (weight 1 - f) and k + 1 (weight f) of trace (s, r) when 0 <= k < nt - 1, then
 *  convolves every trace with the wavelet centred at wavcenter (PyLops' Convolve1D with
 *  offset = wavcenter); the adjoint is its transpose (migration). The first time sample is
 *  time 0. Sources and receivers may lie anywhere (outside the grid too, as in PyLops);
 *  arrivals beyond the time axis are dropped. The spreading and its transpose reproduce
 *  PyLops' arithmetic (f64 bit for bit before the convolution).
 *  In Fortran (generated) ns and nr are size(sx) and size(rx); sz and rz must have as many values.
 *  Memory spaces: host only (its loops read the arrays directly): on a context whose memory
 *  space is the device (or the emulated device) the creation fails with DLOPS_ERR_UNSUPPORTED.
 *  @param[in]  ctx        one-rank context (host memory)
 *  @param[in]  nx         samples along x, 1..2^31-1
 *  @param[in]  x0         first x (finite)
 *  @param[in]  dx         x sampling (finite, > 0)
 *  @param[in]  nz         samples along z (depth), 1..2^31-1
 *  @param[in]  z0         first z (finite)
 *  @param[in]  dz         z sampling (finite, > 0)
 *  @param[in]  nt         time samples, 2..2^31-1
 *  @param[in]  dt         time sampling (finite, > 0)
 *  @param[in]  ns         number of sources, >= 1
 *  @param[in]  sx         the sources' x, ns finite values (PyLops' srcs[0])
 *  @param[in]  sz         the sources' z, ns finite values (PyLops' srcs[1])
 *  @param[in]  nr         number of receivers, >= 1
 *  @param[in]  rx         the receivers' x, nr finite values (PyLops' recs[0])
 *  @param[in]  rz         the receivers' z, nr finite values (PyLops' recs[1])
 *  @param[in]  vel        constant velocity (finite, > 0)
 *  @param[in]  nwav       wavelet length, 1..nt
 *  @param[in]  wav        the wavelet, nwav finite values (host memory, converted to dtype), e.g.
 *                         from dlops_wavelet_ricker
 *  @param[in]  wavcenter  index of the wavelet's centre, 0..nwav-1 (nwav / 2 for a Ricker wavelet)
 *  @param[in]  dtype      DLOPS_F32 or DLOPS_F64
 *  @param[out] A          the operator: ns nr nt x nx nz, dims (nx, nz), dimsd (ns, nr, nt)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL ctx, sx, sz, rx, rz, wav or A; a context of several
 *          ranks; a bad dtype; a size, sampling, origin, velocity, coordinate or wavelet value out
 *          of range or not finite; nwav > nt; wavcenter out of range); DLOPS_ERR_UNSUPPORTED
 *          (complex dtype; a context whose memory space is not the host); DLOPS_ERR_SIZE (sizes
 *          whose tables or data cannot be addressed); DLOPS_ERR_STATE (stale ctx); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_op_create_kirchhoff(dlops_ctx ctx, int64_t nx, double x0, double dx, int64_t nz, double z0,
                                           double dz, int64_t nt, double dt, int64_t ns, const double *sx,
                                           const double *sz, int64_t nr, const double *rx, const double *rz,
                                           double vel, int nwav, const double *wav, int wavcenter, dlops_dtype dtype,
                                           dlops_op *A);

/** @} */

#ifdef __cplusplus
}
#endif
#endif
