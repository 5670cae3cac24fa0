/* Internal: the kernel of NonStationaryConvolve1D (ops/local/nsconv1d.c), shared with its
 * distributed form (ops/dist/nsconv1d_mpi.c). Host memory. Never installed. */
#ifndef DLOPS_OPS_LOCAL_NSCONV1D_H
#define DLOPS_OPS_LOCAL_NSCONV1D_H

#include "../op_impl.h"

/** Blocks outer x n x inner (model and data alike), n interpolated filters of nh taps. */
typedef struct {
  int64_t outer, n, inner, nh;
  void *H; /* host memory (malloc) */
} dlops_nsc;

/** PyLops' hsinterp for n samples whose global positions are shift, shift + 1, ...: the
 *  filter at global position g interpolated between the filters hs (nfilts x nh, dtype t) at
 *  oh + k dh (PyLops' _interpolate_h; positions outside the filters' range take the end
 *  filters). malloc'ed, NULL when out of memory. */
DLOPS_INTERN void *dlops_nsc_interp(int64_t n, int64_t shift, int64_t nfilts, int64_t nh, const void *hs, int64_t oh,
                                    int64_t dh, dlops_dtype t);

/** Forward (adj = 0) or adjoint of the non-stationary convolution on host buffers. */
DLOPS_INTERN int dlops_nsc_run(const dlops_nsc *d, dlops_dtype t, int adj, const void *in, void *out);

#endif
