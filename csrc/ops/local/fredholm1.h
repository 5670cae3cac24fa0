/* Internal: the per-slice products of Fredholm1 (ops/local/fredholm1.c), shared by the local
 * operator and MPIFredholm1 (ops/dist/fredholm1_mpi.c). Never installed. */
#ifndef DLOPS_OPS_LOCAL_FREDHOLM1_H
#define DLOPS_OPS_LOCAL_FREDHOLM1_H

#include "../op_impl.h"

/** The kernel G of nsl slices nx x ny (row-major, slice after slice) in a memory space, and
 *  with saveGt its conjugate transpose GT (nsl slices ny x nx). */
typedef struct {
  int64_t nsl;
  int nx, ny, nz;
  void *G, *GT; /* GT NULL without saveGt */
} dlops_fred;

/** Check the sizes and kernel of a Fredholm1 creation named who (records the first failure in
 *  err, DLOPS_CHECK_COLL style): nsl >= 0 (>= 1 when nsl_min1), nx, ny, nz in [1, INT_MAX], the
 *  element counts of G, model and data within 64-bit byte counts, G non-NULL when nsl > 0,
 *  dtype valid. Not collective. */
DLOPS_INTERN void dlops_fred_check(dlops_ctx ctx, const char *who, int64_t nsl, int nsl_min1, int64_t nx, int64_t ny,
                                   int64_t nz, const void *G, dlops_dtype dtype, int *err);

/** Copy G (host memory) and, with saveGt, its conjugate transpose into the memory space of
 *  template t. Not collective. */
DLOPS_INTERN int dlops_fred_init(dlops_darray t, dlops_fred *f, int64_t nsl, int64_t nx, int64_t ny, int64_t nz,
                                 const void *G, int saveGt, dlops_dtype dtype);
DLOPS_INTERN void dlops_fred_fini(dlops_darray t, dlops_fred *f);

/** Forward (adj = 0): out (nsl x nx x nz) = G in (nsl x ny x nz), slice by slice; adjoint:
 *  out (nsl x ny x nz) = G^H in (nsl x nx x nz). One gemm of the memory table per slice. */
DLOPS_INTERN int dlops_fred_apply(dlops_mem *m, dlops_dtype t, const dlops_fred *f, int adj, const void *in,
                                  void *out);

#endif
