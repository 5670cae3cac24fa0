/* Internal definition of operators (never installed).
 *
 * Every operator kind provides apply (y = A x) and apply_adjoint (x = A^H y) working on arrays
 * whose layouts dlops_op_apply has already checked against the templates dom and rng; they
 * must not allocate in steady state (allocate workspaces at creation). */
#ifndef DLOPS_OPS_OP_IMPL_H
#define DLOPS_OPS_OP_IMPL_H

#include "../darray/darray_impl.h"

struct dlops_op_s {
  dlops_ctx ctx;
  int refcount;
  const char *name;      /* static string */
  dlops_darray dom, rng; /* layout templates (references, shared between operators: never write their data) */
  dlops_dtype dtype;
  int ndims, ndimsd;
  int64_t dims[DLOPS_MAX_NDIM], dimsd[DLOPS_MAX_NDIM];
  int (*apply)(dlops_op A, dlops_darray x, dlops_darray y);
  int (*apply_adjoint)(dlops_op A, dlops_darray y, dlops_darray x);
  void (*destroy)(dlops_op A); /* free data (and drop references it holds) */
  void *data;
};

/** New operator with the given templates (references taken) and name; dims/dimsd default to
 *  (ncols,) and (nrows,). The caller then sets apply/apply_adjoint/destroy/data. Not collective. */
DLOPS_INTERN int dlops_op_new(const char *name, dlops_darray dom, dlops_darray rng, dlops_dtype dtype, dlops_op *out);

/** 1-D SCATTER array of global size n with this rank's size local_n (-1: default split) on ctx.
 *  **Collective** (it is a darray creation). */
DLOPS_INTERN int dlops_op_vec1d(dlops_ctx ctx, int64_t n, int64_t local_n, dlops_partition part, dlops_dtype dtype,
                                int color, dlops_darray *out);

/** This rank's share of the N-D axis-0 split of dims: rows n_r and offset o_r of dims[0], and
 *  the number of elements n_r * prod(dims[1:]). Not collective. */
DLOPS_INTERN void dlops_nd_split(dlops_ctx ctx, int ndim, const int64_t *dims, int64_t *rows, int64_t *row0,
                                 int64_t *nelem);

#endif
