/* Block-diagonal operators.
 *
 * blockdiag (PyLops-MPI MPIBlockDiag): every rank brings its own local operators (one-rank
 * contexts, any number, possibly none) and applies them to consecutive pieces of its local
 * block. Domain and range are 1-D SCATTER arrays whose local sizes are the sums of the local
 * operators' columns and rows (optionally masked: each colour group then holds one replica).
 * Applies communicate nothing.
 *
 * stacked_blockdiag (MPIStackedBlockDiag): distributed operators applied component by
 * component to stacked arrays. */
#include <stdlib.h>

#include "localview.h"

typedef struct {
  int nops;
  dlops_op *ops;       /* references */
  int64_t *moff, *noff; /* offsets of each block in the local domain / range block */
  dlops_darray *vx, *vy; /* views on each local operator's context */
} bd_data;

static void bd_free(bd_data *d) {
  if (!d) return;
  for (int i = 0; i < d->nops; i++) {
    if (d->vx) dlops_darray_destroy(&d->vx[i]);
    if (d->vy) dlops_darray_destroy(&d->vy[i]);
    if (d->ops) dlops_op_release(&d->ops[i]);
  }
  free(d->ops);
  free(d->moff);
  free(d->noff);
  free(d->vx);
  free(d->vy);
  free(d);
}
static void bd_destroy(dlops_op A) { bd_free(A->data); }

static int bd_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  bd_data *d = A->data;
  for (int i = 0; i < d->nops; i++) {
    dlops_op op = d->ops[i];
    DLOPS_CHECK(op->apply, A->ctx, DLOPS_ERR_UNSUPPORTED, "blockdiag: local operator %d (%s) has no forward", i,
                op->name);
    dlops_lview_point(d->vx[i], x->data, d->moff[i]);
    dlops_lview_point(d->vy[i], y->data, d->noff[i]);
    DLOPS_CALL(dlops_op_kernel(A->ctx, op, 0, d->vx[i], d->vy[i]));
  }
  return DLOPS_SUCCESS;
}

static int bd_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  bd_data *d = A->data;
  for (int i = 0; i < d->nops; i++) {
    dlops_op op = d->ops[i];
    DLOPS_CHECK(op->apply_adjoint, A->ctx, DLOPS_ERR_UNSUPPORTED, "blockdiag: local operator %d (%s) has no adjoint",
                i, op->name);
    dlops_lview_point(d->vx[i], x->data, d->moff[i]);
    dlops_lview_point(d->vy[i], y->data, d->noff[i]);
    DLOPS_CALL(dlops_op_kernel(A->ctx, op, 1, d->vy[i], d->vx[i]));
  }
  return DLOPS_SUCCESS;
}

/* Metadata exchanged at creation: dtype of the local operators (-1: none), local cols, local
 * rows, mask colour, capabilities (bit 0: every local operator has a forward, bit 1: an adjoint;
 * the composition has one only where every rank's operators do, so an apply that some rank cannot
 * run is refused before any rank writes its output). */
enum { M_DTYPE = 0, M_COLS = 1, M_ROWS = 2, M_COLOR = 3, M_CAPS = 4, M_LEN = 5 };

int dlops_op_create_blockdiag(dlops_ctx ctx, int nops, const dlops_op *ops, int mask_color, dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  const int P = ctx->size;
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "blockdiag: null output operator pointer");
  if (A) *A = NULL;
  DLOPS_CHECK_COLL(nops >= 0 && (ops || nops == 0), ctx, err, DLOPS_ERR_ARG,
                   "blockdiag: bad operator list on rank %d (nops = %d, ops %s)", ctx->rank, nops,
                   ops ? "given" : "NULL");
  int64_t mine[M_LEN] = {-1, 0, 0, mask_color, 3};
  for (int i = 0; i < nops && !err; i++) {
    err = dlops_lview_check_op(ctx, "blockdiag", i, ops[i]);
    if (err) break;
    char b0[32], b1[32];
    DLOPS_CHECK_COLL(dlops_op_types(ops[i]) == dlops_op_types(ops[0]), ctx, err, DLOPS_ERR_ARG,
                     "blockdiag: local operators 0 and %d on rank %d have different element types (%s, %s)", i,
                     ctx->rank, dlops_types_name(dlops_op_types(ops[0]), b0, sizeof b0),
                     dlops_types_name(dlops_op_types(ops[i]), b1, sizeof b1));
    mine[M_COLS] += ops[i]->dom->nlocal;
    mine[M_ROWS] += ops[i]->rng->nlocal;
    if (!ops[i]->apply) mine[M_CAPS] &= ~1;
    if (!ops[i]->apply_adjoint) mine[M_CAPS] &= ~2;
  }
  if (!err && nops > 0) mine[M_DTYPE] = dlops_op_types(ops[0]);
  int64_t *all = malloc(sizeof(int64_t) * M_LEN * (size_t)P);
  if (!all && !err) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "blockdiag: cannot allocate metadata");
  err = dlops_comm_agree(ctx->world, err);
  if (!err) err = dlops_comm_meta_allgather_i64(ctx->world, mine, M_LEN, all);
  if (err) {
    free(all);
    return err;
  }
  /* Every rank sees the same table, so the decisions below agree without more communication. */
  int64_t dt = -1, gcols = 0, grows = 0, caps = 3;
  for (int r = 0; r < P && !err; r++) {
    int64_t t = all[r * M_LEN + M_DTYPE];
    if (t < 0) continue;
    if (dt < 0) dt = t;
    char b0[32], b1[32];
    if (t != dt)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "blockdiag: ranks pass local operators of different element types (%s, %s)",
                        dlops_types_name(dt, b0, sizeof b0), dlops_types_name(t, b1, sizeof b1));
  }
  if (!err && dt < 0) err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "blockdiag: no rank passed a local operator");
  for (int r = 0; r < P; r++) caps &= all[r * M_LEN + M_CAPS];
  for (int r = 0; r < P; r++)
    if (all[r * M_LEN + M_COLOR] == mask_color) {
      gcols += all[r * M_LEN + M_COLS];
      grows += all[r * M_LEN + M_ROWS];
    }
  free(all);
  DLOPS_CALL(err);
  dlops_dtype dtype = dlops_types_compute(dt);
  dlops_darray dom = NULL, rng = NULL;
  err = dlops_op_vec1d(ctx, gcols, mine[M_COLS], DLOPS_SCATTER, dlops_types_domain(dt), mask_color, &dom);
  if (!err) err = dlops_op_vec1d(ctx, grows, mine[M_ROWS], DLOPS_SCATTER, dlops_types_range(dt), mask_color, &rng);
  bd_data *d = NULL;
  if (!err) {
    d = calloc(1, sizeof *d);
    if (d) {
      size_t k = (size_t)(nops > 0 ? nops : 1);
      d->ops = calloc(k, sizeof *d->ops);
      d->moff = calloc(k, sizeof *d->moff);
      d->noff = calloc(k, sizeof *d->noff);
      d->vx = calloc(k, sizeof *d->vx);
      d->vy = calloc(k, sizeof *d->vy);
    }
    if (!d || !d->ops || !d->moff || !d->noff || !d->vx || !d->vy)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "blockdiag: cannot allocate operator data");
    else
      d->nops = nops;
  }
  int64_t mo = 0, no = 0;
  for (int i = 0; i < nops && !err; i++) {
    d->ops[i] = ops[i];
    dlops_op_retain(ops[i]);
    d->moff[i] = mo;
    d->noff[i] = no;
    mo += ops[i]->dom->nlocal;
    no += ops[i]->rng->nlocal;
    err = dlops_lview_create(ctx, ops[i]->dom, &d->vx[i]);
    if (!err) err = dlops_lview_create(ctx, ops[i]->rng, &d->vy[i]);
  }
  if (!err) err = dlops_op_new("blockdiag", dom, rng, dtype, DLOPS_SPACES_ALL, A);
  if (!err) (*A)->rlin |= dlops_types_rlin(dt);
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    if (A && *A) dlops_op_destroy(A);
    bd_free(d);
    return err;
  }
  (*A)->data = d;
  (*A)->destroy = bd_destroy;
  (*A)->apply = (caps & 1) ? bd_fwd : NULL;
  (*A)->apply_adjoint = (caps & 2) ? bd_adj : NULL;
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- stacked */
typedef struct {
  int nops;
  dlops_op *ops;
} sbd_data;

static void sbd_free(sbd_data *d) {
  if (!d) return;
  for (int i = 0; i < d->nops; i++) dlops_op_release(&d->ops[i]);
  free(d->ops);
  free(d);
}
static void sbd_destroy(dlops_op A) { sbd_free(A->data); }

static int sbd_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  int err = 0; /* a failing step is marked on the context; later steps still communicate */
  sbd_data *d = A->data;
  for (int i = 0; i < d->nops; i++) {
    dlops_op op = d->ops[i];
    DLOPS_CHECK(op->apply, A->ctx, DLOPS_ERR_UNSUPPORTED, "stacked_blockdiag: operator %d (%s) has no forward", i,
                op->name);
    DLOPS_STEP(A->ctx, err, dlops_op_kernel(A->ctx, op, 0, x->parts[i], y->parts[i]));
  }
  return err;
}
static int sbd_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  int err = 0; /* a failing step is marked on the context; later steps still communicate */
  sbd_data *d = A->data;
  for (int i = 0; i < d->nops; i++) {
    dlops_op op = d->ops[i];
    DLOPS_CHECK(op->apply_adjoint, A->ctx, DLOPS_ERR_UNSUPPORTED, "stacked_blockdiag: operator %d (%s) has no adjoint",
                i, op->name);
    DLOPS_STEP(A->ctx, err, dlops_op_kernel(A->ctx, op, 1, y->parts[i], x->parts[i]));
  }
  return err;
}

int dlops_op_create_stacked_blockdiag(int nops, const dlops_op *ops, dlops_op *A) {
  DLOPS_CHECK(A, NULL, DLOPS_ERR_ARG, "stacked_blockdiag: null output operator pointer");
  *A = NULL;
  DLOPS_CHECK(nops >= 1 && ops, NULL, DLOPS_ERR_ARG, "stacked_blockdiag: needs at least one operator (nops = %d)",
              nops);
  for (int i = 0; i < nops; i++) {
    DLOPS_CALL(dlops_op_check_handle(ops[i])); /* ARG when NULL, STATE when destroyed */
    DLOPS_CHECK(ops[i]->ctx == ops[0]->ctx, ops[0]->ctx, DLOPS_ERR_ARG,
                "stacked_blockdiag: operator %d lives on another context than operator 0", i);
    DLOPS_CHECK(ops[i]->dtype == ops[0]->dtype, ops[0]->ctx, DLOPS_ERR_ARG,
                "stacked_blockdiag: operators 0 and %d compute in different element types (%s, %s)", i,
                dlops_dtype_name(ops[0]->dtype), dlops_dtype_name(ops[i]->dtype));
  }
  dlops_ctx ctx = ops[0]->ctx;
  sbd_data *d = calloc(1, sizeof *d);
  DLOPS_CHECK(d, ctx, DLOPS_ERR_MEM, "stacked_blockdiag: cannot allocate operator data");
  dlops_darray *t = malloc(sizeof(dlops_darray) * 2 * (size_t)nops);
  d->ops = calloc((size_t)nops, sizeof *d->ops);
  if (!t || !d->ops) {
    free(t);
    sbd_free(d);
    return DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "stacked_blockdiag: cannot allocate operator data");
  }
  d->nops = nops;
  for (int i = 0; i < nops; i++) {
    d->ops[i] = ops[i];
    dlops_op_retain(ops[i]);
    t[i] = ops[i]->dom;
    t[nops + i] = ops[i]->rng;
  }
  dlops_darray dom = NULL, rng = NULL;
  int err = dlops_darray_create_stacked(nops, t, &dom);
  if (!err) err = dlops_darray_create_stacked(nops, t + nops, &rng);
  unsigned sp = DLOPS_SPACES_ALL;
  for (int i = 0; i < nops; i++) sp &= ops[i]->spaces;
  if (!err) err = dlops_op_new("stacked_blockdiag", dom, rng, ops[0]->dtype, sp, A);
  for (int i = 0; i < nops && !err; i++) (*A)->rlin |= ops[i]->rlin;
  free(t);
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  if (err) {
    sbd_free(d);
    return err;
  }
  (*A)->data = d;
  (*A)->destroy = sbd_destroy;
  (*A)->apply = sbd_fwd;
  (*A)->apply_adjoint = sbd_adj;
  return DLOPS_SUCCESS;
}
