/* N-D Cartesian halo exchange (PyLops-MPI MPIHalo).
 *
 * The model dims are split over a process grid (grid[ndim], default (1,...,1,P)); ranks are
 * placed in row-major (C) order of their grid coordinates, rank r = its Cartesian rank (no
 * reordering). Per axis the split is PyLops-MPI's halo_block_split: block = ceil(g/p),
 * start = min(c*block, g), end = min(start + block, g) (ranks past the end own 0 samples).
 *
 * Forward: the local block is copied into a zeroed block extended by (h-, h+) per axis; then,
 * axis by axis in order, the first h- core slices are sent to the minus neighbour and its last
 * h- slices received into the minus halo, and symmetrically for plus; slabs span the full
 * extended extent of the other axes, so corners are filled (as PyLops-MPI). One neighbour
 * exchange per axis, buffers allocated at creation. Adjoint: crop the core (PyLops-MPI
 * rmatvec; not the exact adjoint of the forward, but Halo^H B Halo is exact for a local stencil
 * operator B no wider than the halo).
 *
 * Widths: halo[2*ndim] = (h0-, h0+, h1-, h1+, ...) per rank. If all 2*ndim entries are equal
 * (PyLops-MPI's scalar halo), sides on the global boundary are trimmed to 0; otherwise (PyLops-
 * MPI's tuple halo) they are kept and stay zero. */
#include <stdlib.h>
#include <string.h>

#include "../op_impl.h"

typedef struct {
  int ndim;
  int64_t loc[DLOPS_MAX_NDIM], ext[DLOPS_MAX_NDIM], hm[DLOPS_MAX_NDIM], hp[DLOPS_MAX_NDIM];
  int nbm[DLOPS_MAX_NDIM], nbp[DLOPS_MAX_NDIM]; /* neighbour ranks, -1 at the global boundary */
  void *buf[4];     /* send minus, send plus, recv minus, recv plus: in the vectors' memory space */
  dlops_darray tmpl; /* where the buffers live */
} halo_data;

static void halo_free(halo_data *d) {
  if (!d) return;
  for (int k = 0; k < 4; k++) dlops_op_free_like(d->tmpl, d->buf[k]);
  dlops_darray_release(&d->tmpl);
  free(d);
}
static void halo_destroy(dlops_op A) { halo_free(A->data); }

/* Copy the block of shape sub (C order) between a packed buffer and the region of an array of
 * shape full starting at off, in the memory space of m. to_full: packed -> full. */
static int copy_region(dlops_mem *m, int ndim, const int64_t *full, const int64_t *off, const int64_t *sub, size_t es,
                       void *fa, void *pa, int to_full) {
  return dlops_mem_box(m, es, ndim, full, off, sub, fa, pa, !to_full);
}

static int halo_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  halo_data *d = A->data;
  const int nd = d->ndim;
  const size_t es = dlops_dtype_size(A->dtype);
  dlops_mem *m = y->m;
  DLOPS_CALL(dlops_darray_fill(y, (dlops_scalar){0.0, 0.0}));
  DLOPS_CALL(copy_region(m, nd, d->ext, d->hm, d->loc, es, y->data, x->data, 1));
  for (int ax = 0; ax < nd; ax++) {
    dlops_nbr_msg msg[2];
    int nm = 0;
    int64_t sub[DLOPS_MAX_NDIM], off[DLOPS_MAX_NDIM] = {0};
    memcpy(sub, d->ext, sizeof sub);
    int64_t other = 1;
    for (int k = 0; k < nd; k++)
      if (k != ax) other *= d->ext[k];
    if (d->hm[ax] && d->nbm[ax] >= 0) {
      sub[ax] = d->hm[ax];
      off[ax] = d->hm[ax];
      DLOPS_CALL(copy_region(m, nd, d->ext, off, sub, es, y->data, d->buf[0], 0));
      msg[nm++] = (dlops_nbr_msg){d->nbm[ax], d->buf[0], d->hm[ax] * other, d->buf[2], d->hm[ax] * other};
    }
    if (d->hp[ax] && d->nbp[ax] >= 0) {
      sub[ax] = d->hp[ax];
      off[ax] = d->ext[ax] - 2 * d->hp[ax];
      DLOPS_CALL(copy_region(m, nd, d->ext, off, sub, es, y->data, d->buf[1], 0));
      msg[nm++] = (dlops_nbr_msg){d->nbp[ax], d->buf[1], d->hp[ax] * other, d->buf[3], d->hp[ax] * other};
    }
    /* every rank calls the exchange for every axis, with no message when it has none */
    DLOPS_CALL(dlops_comm_neighbor(A->ctx->world, nm, msg, (dlops_ctype)A->dtype, y->mem));
    if (d->hm[ax] && d->nbm[ax] >= 0) {
      sub[ax] = d->hm[ax];
      off[ax] = 0;
      DLOPS_CALL(copy_region(m, nd, d->ext, off, sub, es, y->data, d->buf[2], 1));
    }
    if (d->hp[ax] && d->nbp[ax] >= 0) {
      sub[ax] = d->hp[ax];
      off[ax] = d->ext[ax] - d->hp[ax];
      DLOPS_CALL(copy_region(m, nd, d->ext, off, sub, es, y->data, d->buf[3], 1));
    }
  }
  return DLOPS_SUCCESS;
}

static int halo_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  halo_data *d = A->data;
  return copy_region(y->m, d->ndim, d->ext, d->hm, d->loc, dlops_dtype_size(A->dtype), y->data, x->data, 0);
}

/* Table entry per rank (allgathered): local dims and widths per axis. */
enum { T_LOC = 0, T_HM = DLOPS_MAX_NDIM, T_HP = 2 * DLOPS_MAX_NDIM, T_LEN = 3 * DLOPS_MAX_NDIM };

int dlops_op_create_halo(dlops_ctx ctx, int ndim, const int64_t *dims, const int64_t *halo, const int *grid,
                         dlops_dtype dtype, dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  const int P = ctx->size, me = ctx->rank;
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "halo: null output pointer");
  if (A) *A = NULL;
  DLOPS_CHECK_COLL(ndim >= 1 && ndim <= DLOPS_MAX_NDIM, ctx, err, DLOPS_ERR_ARG, "halo: ndim %d out of range [1,%d]",
                   ndim, DLOPS_MAX_NDIM);
  DLOPS_CHECK_COLL(dims && halo, ctx, err, DLOPS_ERR_ARG, "halo: null dims or halo");
  DLOPS_CHECK_COLL((int)dtype >= 0 && dtype < DLOPS_NUM_DTYPES, ctx, err, DLOPS_ERR_ARG, "halo: unknown dtype %d",
                   (int)dtype);
  int g[DLOPS_MAX_NDIM];
  int64_t total = 1;
  if (!err) {
    int64_t prod = 1;
    for (int k = 0; k < ndim; k++) {
      g[k] = grid ? grid[k] : (k == ndim - 1 ? P : 1);
      DLOPS_CHECK_COLL(g[k] >= 1, ctx, err, DLOPS_ERR_ARG, "halo: grid[%d] = %d must be >= 1", k, g[k]);
      DLOPS_CHECK_COLL(dims[k] >= 1, ctx, err, DLOPS_ERR_ARG, "halo: dims[%d] = %lld must be >= 1", k,
                       (long long)dims[k]);
      DLOPS_CHECK_COLL(halo[2 * k] >= 0 && halo[2 * k + 1] >= 0, ctx, err, DLOPS_ERR_ARG,
                       "halo: widths of axis %d (%lld, %lld) must be >= 0", k, (long long)halo[2 * k],
                       (long long)halo[2 * k + 1]);
      if (!err) {
        prod *= g[k];
        total *= dims[k];
      }
    }
    DLOPS_CHECK_COLL(err || prod == P, ctx, err, DLOPS_ERR_ARG, "halo: the process grid has %lld ranks, the context %d",
                     (long long)prod, P);
  }
  halo_data *d = NULL;
  if (!err) {
    d = calloc(1, sizeof *d);
    DLOPS_CHECK_COLL(d, ctx, err, DLOPS_ERR_MEM, "halo: cannot allocate operator data");
  }
  DLOPS_CALL(dlops_comm_agree(ctx->world, err));

  /* geometry of this rank */
  d->ndim = ndim;
  int coord[DLOPS_MAX_NDIM];
  int64_t stride[DLOPS_MAX_NDIM];
  {
    int rr = me;
    int64_t s = 1;
    for (int k = ndim - 1; k >= 0; k--) {
      coord[k] = rr % g[k];
      rr /= g[k];
      stride[k] = s;
      s *= g[k];
    }
  }
  int scalar = 1;
  for (int k = 1; k < 2 * ndim; k++) scalar &= halo[k] == halo[0];
  int64_t nloc = 1, next = 1;
  for (int k = 0; k < ndim; k++) {
    int64_t bs = (dims[k] + g[k] - 1) / g[k];
    int64_t st = (int64_t)coord[k] * bs < dims[k] ? (int64_t)coord[k] * bs : dims[k];
    int64_t en = st + bs < dims[k] ? st + bs : dims[k];
    d->loc[k] = en - st;
    d->nbm[k] = coord[k] > 0 ? me - (int)stride[k] : -1;
    d->nbp[k] = coord[k] < g[k] - 1 ? me + (int)stride[k] : -1;
    d->hm[k] = (scalar && d->nbm[k] < 0) ? 0 : halo[2 * k];
    d->hp[k] = (scalar && d->nbp[k] < 0) ? 0 : halo[2 * k + 1];
    d->ext[k] = d->loc[k] + d->hm[k] + d->hp[k];
    nloc *= d->loc[k];
    next *= d->ext[k];
  }
  /* every rank's geometry, to check the widths against the neighbours' and size the range */
  int64_t mine[T_LEN] = {0};
  for (int k = 0; k < ndim; k++) {
    mine[T_LOC + k] = d->loc[k];
    mine[T_HM + k] = d->hm[k];
    mine[T_HP + k] = d->hp[k];
  }
  int64_t *all = malloc(sizeof(int64_t) * T_LEN * (size_t)P);
  err = all ? 0 : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "halo: cannot allocate geometry table");
  err = dlops_comm_agree(ctx->world, err);
  if (!err) err = dlops_comm_meta_allgather_i64(ctx->world, mine, T_LEN, all);
  int64_t ntot = 0;
  if (!err) {
    for (int r = 0; r < P; r++) {
      int64_t e = 1;
      for (int k = 0; k < ndim; k++) e *= all[r * T_LEN + T_LOC + k] + all[r * T_LEN + T_HM + k] + all[r * T_LEN + T_HP + k];
      ntot += e;
    }
    for (int k = 0; k < ndim && !err; k++) {
      DLOPS_CHECK_COLL(!(d->nbm[k] >= 0 && d->hm[k] > d->loc[k]) && !(d->nbp[k] >= 0 && d->hp[k] > d->loc[k]), ctx,
                       err, DLOPS_ERR_SIZE,
                       "halo: rank %d: halo width (%lld, %lld) along axis %d exceeds its local block size %lld "
                       "(halos come from the nearest neighbour only)",
                       me, (long long)d->hm[k], (long long)d->hp[k], k, (long long)d->loc[k]);
      const int nb[2] = {d->nbm[k], d->nbp[k]};
      for (int s = 0; s < 2 && !err; s++) {
        if (nb[s] < 0) continue;
        const int64_t *t = all + (size_t)nb[s] * T_LEN;
        int64_t mw = s ? d->hp[k] : d->hm[k], tw = s ? t[T_HM + k] : t[T_HP + k];
        DLOPS_CHECK_COLL(mw == tw, ctx, err, DLOPS_ERR_SIZE,
                         "halo: rank %d's %s halo along axis %d (%lld) differs from neighbour %d's %s halo (%lld)", me,
                         s ? "plus" : "minus", k, (long long)mw, nb[s], s ? "minus" : "plus", (long long)tw);
        for (int b = 0; b < ndim && !err; b++) {
          if (b == k) continue;
          DLOPS_CHECK_COLL(t[T_HM + b] + t[T_HP + b] == d->hm[b] + d->hp[b], ctx, err, DLOPS_ERR_SIZE,
                           "halo: ranks %d and %d (neighbours along axis %d) have different halo widths along axis %d",
                           me, nb[s], k, b);
        }
      }
    }
  }
  free(all);
  /* exchange buffers: the largest slab of any axis */
  int64_t slab = 0;
  for (int k = 0; k < ndim && !err; k++) {
    int64_t other = 1;
    for (int b = 0; b < ndim; b++)
      if (b != k) other *= d->ext[b];
    int64_t w = d->hm[k] > d->hp[k] ? d->hm[k] : d->hp[k];
    if (w * other > slab) slab = w * other;
  }
  dlops_darray dom = NULL, rng = NULL;
  err = dlops_comm_agree(ctx->world, err);
  if (!err) err = dlops_op_vec1d(ctx, total, nloc, DLOPS_SCATTER, dtype, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, ntot, next, DLOPS_SCATTER, dtype, -1, &rng);
  if (!err) {
    d->tmpl = rng;
    dlops_darray_retain(rng);
  }
  for (int k = 0; k < 4 && !err; k++) /* exchange buffers where the vectors live */
    err = dlops_op_alloc_like(rng, dtype, slab, NULL, &d->buf[k]);
  if (!err) err = dlops_op_new("halo", dom, rng, dtype, DLOPS_SPACES_ALL, A);
  err = dlops_comm_agree(ctx->world, err);
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  if (err) {
    if (*A) dlops_op_destroy(A);
    halo_free(d);
    return err;
  }
  dlops_op op = *A;
  op->data = d;
  op->destroy = halo_destroy;
  op->apply = halo_fwd;
  op->apply_adjoint = halo_adj;
  op->ndims = ndim;
  memcpy(op->dims, dims, sizeof(int64_t) * (size_t)ndim);
  op->ndimsd = 1;
  op->dimsd[0] = ntot;
  return DLOPS_SUCCESS;
}
