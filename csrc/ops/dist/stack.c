/* Stacks of operators.
 *
 * vstack (PyLops-MPI MPIVStack): every rank brings local operators (one-rank contexts, possibly
 * none) that all have the same number of columns ncols, on every rank. Domain: 1-D BROADCAST of
 * ncols; range: 1-D SCATTER whose local size is the sum of this rank's operators' rows.
 *   forward  y_local = [op_0 x; op_1 x; ...]                     no communication
 *   adjoint  x = sum_ranks sum_i op_i^H y_i                      one allreduce of ncols elements
 * hstack (MPIHStack) is the same with the roles of domain and range swapped: local operators
 * with the same number of rows nrows everywhere, domain SCATTER, range BROADCAST of nrows;
 *   forward  y = sum_ranks sum_i op_i x_i                        one allreduce of nrows elements
 *   adjoint  x_i = op_i^H y                                      no communication
 * stacked_vstack (MPIStackedVStack): distributed operators with the same domain layout; range
 * is the stacked array of their ranges; the adjoint sums the components' adjoints. */
#include <stdlib.h>
#include <string.h>

#include "localview.h"

typedef struct {
  int hstack;
  int nops;
  dlops_op *ops;  /* references */
  int64_t *soff;  /* offset of each operator's piece in the local SCATTER block */
  int64_t nb;     /* size of the BROADCAST side */
  dlops_darray *vs, *vb; /* views: SCATTER side (pieces), BROADCAST side (whole array or workspace) */
  void *w;        /* nb elements: partial results of operators 1..nops-1, in the vectors' space */
  dlops_darray tmpl; /* the BROADCAST-side template: where w lives */
} st_data;

static void st_free(st_data *d) {
  if (!d) return;
  for (int i = 0; i < d->nops; i++) {
    if (d->vs) dlops_darray_destroy(&d->vs[i]);
    if (d->vb) dlops_darray_destroy(&d->vb[i]);
    if (d->ops) dlops_op_release(&d->ops[i]);
  }
  free(d->ops);
  free(d->soff);
  free(d->vs);
  free(d->vb);
  dlops_op_free_like(d->tmpl, d->w);
  dlops_darray_release(&d->tmpl);
  free(d);
}
static void st_destroy(dlops_op A) { st_free(A->data); }

/* BROADCAST side b -> SCATTER side s: vstack forward / hstack adjoint. */
static int st_expand(dlops_op A, dlops_darray b, dlops_darray s) {
  st_data *d = A->data;
  for (int i = 0; i < d->nops; i++) {
    dlops_op op = d->ops[i];
    dlops_lview_point(d->vb[i], b->data, 0);
    dlops_lview_point(d->vs[i], s->data, d->soff[i]);
    if (d->hstack) {
      DLOPS_CHECK(op->apply_adjoint, A->ctx, DLOPS_ERR_UNSUPPORTED, "hstack: local operator %d (%s) has no adjoint",
                  i, op->name);
      DLOPS_CALL(dlops_op_kernel(A->ctx, op, 1, d->vb[i], d->vs[i]));
    } else {
      DLOPS_CHECK(op->apply, A->ctx, DLOPS_ERR_UNSUPPORTED, "vstack: local operator %d (%s) has no forward", i,
                  op->name);
      DLOPS_CALL(dlops_op_kernel(A->ctx, op, 0, d->vb[i], d->vs[i]));
    }
  }
  return DLOPS_SUCCESS;
}

/* SCATTER side s -> BROADCAST side b, summed over operators and ranks: vstack adjoint / hstack
 * forward. Exactly one allreduce of nb elements. */
static int st_reduce(dlops_op A, dlops_darray s, dlops_darray b) {
  st_data *d = A->data;
  const char *what = d->hstack ? "hstack" : "vstack";
  int err = 0;
  if (d->nops == 0) err = dlops_darray_fill(b, (dlops_scalar){0.0, 0.0});
  for (int i = 0; i < d->nops && !err; i++) {
    dlops_op op = d->ops[i];
    dlops_lview_point(d->vb[i], i == 0 ? b->data : d->w, 0);
    dlops_lview_point(d->vs[i], s->data, d->soff[i]);
    if (d->hstack) {
      if (!op->apply)
        err = DLOPS_ERROR(A->ctx, DLOPS_ERR_UNSUPPORTED, "%s: local operator %d (%s) has no forward", what, i, op->name);
      else
        err = dlops_op_kernel(A->ctx, op, 0, d->vs[i], d->vb[i]);
    } else {
      if (!op->apply_adjoint)
        err = DLOPS_ERROR(A->ctx, DLOPS_ERR_UNSUPPORTED, "%s: local operator %d (%s) has no adjoint", what, i,
                          op->name);
      else
        err = dlops_op_kernel(A->ctx, op, 1, d->vs[i], d->vb[i]);
    }
    if (!err && i > 0) err = dlops_lview_add(b->m, b->dtype, b->data, d->w, d->nb);
  }
  /* A local failure must not leave the other ranks waiting in the reduction: it still takes part
   * (with whatever b holds) and reports its own error afterwards. */
  int cerr = dlops_comm_allreduce(A->ctx->world, DLOPS_IN_PLACE, b->data, d->nb, (dlops_ctype)b->dtype, DLOPS_OP_SUM,
                                  b->mem);
  return err ? err : cerr;
}

static int vs_fwd(dlops_op A, dlops_darray x, dlops_darray y) { return st_expand(A, x, y); }
static int vs_adj(dlops_op A, dlops_darray y, dlops_darray x) { return st_reduce(A, y, x); }
static int hs_fwd(dlops_op A, dlops_darray x, dlops_darray y) { return st_reduce(A, x, y); }
static int hs_adj(dlops_op A, dlops_darray y, dlops_darray x) { return st_expand(A, y, x); }

/* Metadata exchanged at creation: dtype (-1: no operators), BROADCAST-side size (-1: none),
 * SCATTER-side local size. */
enum { M_DTYPE = 0, M_BSIZE = 1, M_SSIZE = 2, M_CAPS = 3, M_LEN = 4 }; /* caps: as in blockdiag.c */

static int st_create(int hstack, dlops_ctx ctx, int nops, const dlops_op *ops, dlops_op *A) {
  const char *what = hstack ? "hstack" : "vstack";
  const char *bname = hstack ? "rows" : "columns";
  DLOPS_OP_CTX_ENTRY(ctx);
  const int P = ctx->size;
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "%s: null output operator pointer", what);
  if (A) *A = NULL;
  DLOPS_CHECK_COLL(nops >= 0 && (ops || nops == 0), ctx, err, DLOPS_ERR_ARG,
                   "%s: bad operator list on rank %d (nops = %d, ops %s)", what, ctx->rank, nops, ops ? "given" : "NULL");
  int64_t mine[M_LEN] = {-1, -1, 0, 3};
  for (int i = 0; i < nops && !err; i++) {
    err = dlops_lview_check_op(ctx, what, i, ops[i]);
    if (err) break;
    dlops_darray bt = hstack ? ops[i]->rng : ops[i]->dom, bt0 = hstack ? ops[0]->rng : ops[0]->dom;
    dlops_darray stt = hstack ? ops[i]->dom : ops[i]->rng;
    char b0[32], b1[32];
    DLOPS_CHECK_COLL(dlops_op_types(ops[i]) == dlops_op_types(ops[0]), ctx, err, DLOPS_ERR_ARG,
                     "%s: local operators 0 and %d on rank %d have different element types (%s, %s)", what, i,
                     ctx->rank, dlops_types_name(dlops_op_types(ops[0]), b0, sizeof b0),
                     dlops_types_name(dlops_op_types(ops[i]), b1, sizeof b1));
    DLOPS_CHECK_COLL(bt->nlocal == bt0->nlocal, ctx, err, DLOPS_ERR_SIZE,
                     "%s: local operators 0 and %d on rank %d have different numbers of %s (%lld, %lld)", what, i,
                     ctx->rank, bname, (long long)bt0->nlocal, (long long)bt->nlocal);
    mine[M_SSIZE] += stt->nlocal;
    if (!ops[i]->apply) mine[M_CAPS] &= ~1;
    if (!ops[i]->apply_adjoint) mine[M_CAPS] &= ~2;
  }
  if (!err && nops > 0) {
    mine[M_DTYPE] = dlops_op_types(ops[0]);
    mine[M_BSIZE] = hstack ? ops[0]->rng->nlocal : ops[0]->dom->nlocal;
  }
  int64_t *all = malloc(sizeof(int64_t) * M_LEN * (size_t)P);
  if (!all && !err) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "%s: cannot allocate metadata", what);
  err = dlops_comm_agree(ctx->world, err);
  if (!err) err = dlops_comm_meta_allgather_i64(ctx->world, mine, M_LEN, all);
  if (err) {
    free(all);
    return err;
  }
  /* The same table on every rank: the checks below give the same answer everywhere. */
  int64_t dt = -1, nb = -1, gs = 0, caps = 3;
  int rdt = -1, rnb = -1;
  for (int r = 0; r < P && !err; r++) {
    const int64_t *m = all + (size_t)r * M_LEN;
    gs += m[M_SSIZE];
    caps &= m[M_CAPS];
    if (m[M_DTYPE] < 0) continue;
    if (dt < 0) {
      dt = m[M_DTYPE];
      nb = m[M_BSIZE];
      rdt = rnb = r;
    }
    char b0[32], b1[32];
    if (m[M_DTYPE] != dt)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "%s: ranks %d and %d pass local operators of different element types (%s, %s)",
                        what, rdt, r, dlops_types_name(dt, b0, sizeof b0), dlops_types_name(m[M_DTYPE], b1, sizeof b1));
    else if (m[M_BSIZE] != nb)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_SIZE,
                        "%s: the local operators of ranks %d and %d have different numbers of %s (%lld, %lld); they "
                        "must be equal on every rank",
                        what, rnb, r, bname, (long long)nb, (long long)m[M_BSIZE]);
  }
  if (!err && dt < 0) err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "%s: no rank passed a local operator", what);
  free(all);
  DLOPS_CALL(err);
  /* the BROADCAST side is the domain of a vstack, the range of an hstack */
  const dlops_dtype dtype = dlops_types_compute(dt);
  const dlops_dtype btype = hstack ? dlops_types_range(dt) : dlops_types_domain(dt);
  const dlops_dtype stype = hstack ? dlops_types_domain(dt) : dlops_types_range(dt);
  dlops_darray bv = NULL, sv = NULL;
  err = dlops_op_vec1d(ctx, nb, -1, DLOPS_BROADCAST, btype, -1, &bv);
  if (!err) err = dlops_op_vec1d(ctx, gs, mine[M_SSIZE], DLOPS_SCATTER, stype, -1, &sv);
  st_data *d = NULL;
  if (!err) {
    d = calloc(1, sizeof *d);
    if (d) {
      size_t k = (size_t)(nops > 0 ? nops : 1);
      d->ops = calloc(k, sizeof *d->ops);
      d->soff = calloc(k, sizeof *d->soff);
      d->vs = calloc(k, sizeof *d->vs);
      d->vb = calloc(k, sizeof *d->vb);
      if (dlops_op_alloc_like(bv, btype, nb, NULL, &d->w)) d->w = NULL;
      else {
        d->tmpl = bv;
        dlops_darray_retain(bv);
      }
    }
    if (!d || !d->ops || !d->soff || !d->vs || !d->vb || !d->w)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "%s: cannot allocate operator data", what);
    else {
      d->nops = nops;
      d->hstack = hstack;
      d->nb = nb;
    }
  }
  int64_t so = 0;
  for (int i = 0; i < nops && !err; i++) {
    d->ops[i] = ops[i];
    dlops_op_retain(ops[i]);
    d->soff[i] = so;
    dlops_darray bt = hstack ? ops[i]->rng : ops[i]->dom, stt = hstack ? ops[i]->dom : ops[i]->rng;
    so += stt->nlocal;
    err = dlops_lview_create(ctx, bt, &d->vb[i]);
    if (!err) err = dlops_lview_create(ctx, stt, &d->vs[i]);
  }
  if (!err) err = dlops_op_new(what, hstack ? sv : bv, hstack ? bv : sv, dtype, DLOPS_SPACES_ALL, A);
  if (!err) (*A)->rlin |= dlops_types_rlin(dt);
  dlops_darray_destroy(&bv);
  dlops_darray_destroy(&sv);
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    if (A && *A) dlops_op_destroy(A);
    st_free(d);
    return err;
  }
  (*A)->data = d;
  (*A)->destroy = st_destroy;
  /* a direction some rank's local operators lack is refused before any rank runs (apply_entry) */
  const int fwd_ok = (caps & 1) != 0, adj_ok = (caps & 2) != 0;
  (*A)->apply = fwd_ok ? (hstack ? hs_fwd : vs_fwd) : NULL;             /* local forwards */
  (*A)->apply_adjoint = adj_ok ? (hstack ? hs_adj : vs_adj) : NULL;     /* local adjoints */
  return DLOPS_SUCCESS;
}

int dlops_op_create_vstack(dlops_ctx ctx, int nops, const dlops_op *ops, dlops_op *A) {
  return st_create(0, ctx, nops, ops, A);
}

int dlops_op_create_hstack(dlops_ctx ctx, int nops, const dlops_op *ops, dlops_op *A) {
  return st_create(1, ctx, nops, ops, A);
}

/* ---------------------------------------------------------------- stacked vstack */
typedef struct {
  int nops;
  dlops_op *ops;
  dlops_darray t; /* domain-layout workspace for the adjoint sum */
} svs_data;

static void svs_free(svs_data *d) {
  if (!d) return;
  for (int i = 0; i < d->nops; i++) dlops_op_release(&d->ops[i]);
  free(d->ops);
  dlops_darray_destroy(&d->t);
  free(d);
}
static void svs_destroy(dlops_op A) { svs_free(A->data); }

static int svs_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  int err = 0; /* a failing step is marked on the context; later steps still communicate */
  svs_data *d = A->data;
  for (int i = 0; i < d->nops; i++) {
    dlops_op op = d->ops[i];
    DLOPS_CHECK(op->apply, A->ctx, DLOPS_ERR_UNSUPPORTED, "stacked_vstack: operator %d (%s) has no forward", i,
                op->name);
    DLOPS_STEP(A->ctx, err, dlops_op_kernel(A->ctx, op, 0, x, y->parts[i]));
  }
  return err;
}
static int svs_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  int err = 0; /* a failing step is marked on the context; later steps still communicate */
  svs_data *d = A->data;
  const dlops_scalar one = {1.0, 0.0};
  for (int i = 0; i < d->nops; i++) {
    dlops_op op = d->ops[i];
    DLOPS_CHECK(op->apply_adjoint, A->ctx, DLOPS_ERR_UNSUPPORTED, "stacked_vstack: operator %d (%s) has no adjoint",
                i, op->name);
    DLOPS_STEP(A->ctx, err, dlops_op_kernel(A->ctx, op, 1, y->parts[i], i == 0 ? x : d->t));
    if (i > 0) DLOPS_STEP(A->ctx, err, dlops_darray_axpby(one, d->t, one, x));
  }
  return err;
}

int dlops_op_create_stacked_vstack(int nops, const dlops_op *ops, dlops_op *A) {
  DLOPS_CHECK(A, NULL, DLOPS_ERR_ARG, "stacked_vstack: null output operator pointer");
  *A = NULL;
  DLOPS_CHECK(nops >= 1 && ops, NULL, DLOPS_ERR_ARG, "stacked_vstack: needs at least one operator (nops = %d)", nops);
  for (int i = 0; i < nops; i++) {
    DLOPS_CALL(dlops_op_check_handle(ops[i])); /* ARG when NULL, STATE when destroyed */
    DLOPS_CHECK(ops[i]->ctx == ops[0]->ctx, ops[0]->ctx, DLOPS_ERR_ARG,
                "stacked_vstack: operator %d lives on another context than operator 0", i);
    DLOPS_CHECK(dlops_darray_same_dtypes(ops[i]->dom, ops[0]->dom) && ops[i]->dtype == ops[0]->dtype, ops[0]->ctx,
                DLOPS_ERR_ARG, "stacked_vstack: operators 0 and %d have different element types (%s, %s)", i,
                dlops_dtype_name(ops[0]->dtype), dlops_dtype_name(ops[i]->dtype));
    DLOPS_CHECK(dlops_darray_same_layout(ops[i]->dom, ops[0]->dom), ops[0]->ctx, DLOPS_ERR_SIZE,
                "stacked_vstack: operator %d (%s) has another domain layout than operator 0 (%s)", i, ops[i]->name,
                ops[0]->name);
  }
  dlops_ctx ctx = ops[0]->ctx;
  svs_data *d = calloc(1, sizeof *d);
  DLOPS_CHECK(d, ctx, DLOPS_ERR_MEM, "stacked_vstack: cannot allocate operator data");
  dlops_darray *t = malloc(sizeof(dlops_darray) * (size_t)nops);
  d->ops = calloc((size_t)nops, sizeof *d->ops);
  if (!t || !d->ops) {
    free(t);
    svs_free(d);
    return DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "stacked_vstack: cannot allocate operator data");
  }
  d->nops = nops;
  for (int i = 0; i < nops; i++) {
    d->ops[i] = ops[i];
    dlops_op_retain(ops[i]);
    t[i] = ops[i]->rng;
  }
  dlops_darray rng = NULL;
  int err = dlops_darray_duplicate(ops[0]->dom, &d->t);
  if (!err) err = dlops_darray_create_stacked(nops, t, &rng);
  unsigned sp = DLOPS_SPACES_ALL;
  for (int i = 0; i < nops; i++) sp &= ops[i]->spaces;
  if (!err) err = dlops_op_new("stacked_vstack", ops[0]->dom, rng, ops[0]->dtype, sp, A);
  for (int i = 0; i < nops && !err; i++) (*A)->rlin |= ops[i]->rlin;
  free(t);
  dlops_darray_destroy(&rng);
  if (err) {
    svs_free(d);
    return err;
  }
  (*A)->data = d;
  (*A)->destroy = svs_destroy;
  (*A)->apply = svs_fwd;
  (*A)->apply_adjoint = svs_adj;
  (*A)->ndims = ops[0]->ndims;
  memcpy((*A)->dims, ops[0]->dims, sizeof ops[0]->dims);
  return DLOPS_SUCCESS;
}
