/* Internal helpers of the distributed compositions (blockdiag, stack, replicated): views that
 * hand a slice of a distributed array's local block to a local operator (an operator on a
 * one-rank context). A view is created once, with the layout of the local operator's domain or
 * range template, and re-pointed at every apply (no allocation in steady state). */
#ifndef DLOPS_OPS_DIST_LOCALVIEW_H
#define DLOPS_OPS_DIST_LOCALVIEW_H

#include <string.h>

#include "../op_impl.h"

/** Check that op is usable as local operator number i of a composition named what: alive, on a
 *  one-rank context, plain (unstacked) unmasked templates in the composition's memory space (the
 *  default space of ctx, of the same kind). Returns 0 or records an error on ctx (the
 *  composition's context) and returns its code. Not collective. */
static inline int dlops_lview_check_op(dlops_ctx ctx, const char *what, int i, dlops_op op) {
  DLOPS_CHECK(op, ctx, DLOPS_ERR_ARG, "%s: local operator %d is null", what, i);
  /* the registry says whether the handle is live, without reading it */
  DLOPS_CHECK(dlops_op_live(op), ctx, DLOPS_ERR_STATE, "%s: local operator %d was destroyed (stale handle)", what, i);
  DLOPS_CHECK(op->ctx->size == 1, ctx, DLOPS_ERR_ARG,
              "%s: local operator %d (%s) lives on a %d-rank context; local operators must be on one-rank contexts "
              "(e.g. MPI_COMM_SELF)",
              what, i, op->name, op->ctx->size);
  const dlops_darray t[2] = {op->dom, op->rng};
  for (int k = 0; k < 2; k++) {
    DLOPS_CHECK(!t[k]->nparts, ctx, DLOPS_ERR_ARG, "%s: local operator %d (%s) has a stacked %s", what, i, op->name,
                k ? "range" : "domain");
    DLOPS_CHECK(t[k]->color < 0, ctx, DLOPS_ERR_ARG, "%s: local operator %d (%s) needs unmasked vectors", what, i,
                op->name);
    DLOPS_CHECK(t[k]->m->ops == ctx->mems[ctx->mem]->ops, ctx, DLOPS_ERR_UNSUPPORTED,
                "%s: local operator %d (%s) works on %s memory, the composition on %s memory: create the local "
                "operators on contexts with the same mem= as this one",
                what, i, op->name, t[k]->m->ops->name, ctx->mems[ctx->mem]->ops->name);
  }
  return DLOPS_SUCCESS;
}

/** A view with the layout of the one-rank template tmpl (checked by dlops_lview_check_op),
 *  pointing nowhere yet. Its data is the composition's (context ctx), so the kernels the local
 *  operator runs on it are counted on ctx's memory counters. Not collective. */
static inline int dlops_lview_create(dlops_ctx ctx, dlops_darray tmpl, dlops_darray *out) {
  /* tmpl->data only gives the view a valid address until it is pointed at real data */
  DLOPS_CALL(dlops_darray_create_view(tmpl->ctx, tmpl->nlocal, tmpl->dtype, tmpl->mem, tmpl->data, out));
  dlops_darray v = *out;
  v->m = ctx->mems[tmpl->mem]; /* the same kind of space (dlops_lview_check_op), the composition's object */
  if (tmpl->ndim != 1 || tmpl->partition != DLOPS_SCATTER) {
    /* same element count, other shape or partition: copy the layout fields same_layout compares */
    v->ndim = tmpl->ndim;
    memcpy(v->gshape, tmpl->gshape, sizeof v->gshape);
    memcpy(v->lshape, tmpl->lshape, sizeof v->lshape);
    v->axis = tmpl->axis;
    v->partition = tmpl->partition;
    v->axis_sizes[0] = tmpl->axis_sizes[0];
    v->group_offsets[1] = tmpl->group_offsets[1];
  }
  return DLOPS_SUCCESS;
}

/** Point view v at element offset off of buffer base. */
static inline void dlops_lview_point(dlops_darray v, void *base, int64_t off) {
  v->data = (char *)base + (size_t)off * dlops_dtype_size(v->dtype);
}

/** y[0:n] += x[0:n] for n elements of dtype t, in the memory space of m. */
static inline int dlops_lview_add(dlops_mem *m, dlops_dtype t, void *y, const void *x, int64_t n) {
  const dlops_scalar one = {1.0, 0.0};
  return m->ops->axpby(m, t, n, one, x, one, y);
}

#endif
