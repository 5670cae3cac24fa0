/* Distributed N-D FFT (PyLops-MPI's MPIFFTND and MPIFFT2D, signal.h).
 *
 * The model (dims) and the data (dimsd) are split along axis 0 (N-D axis-0 split), as every
 * distributed operator of dlops. The transform is a product of one-dimensional FFTs
 * (dlops_op_create_fft), one per transformed axis, first the last axis of axes (the real
 * transform when real = 1, as numpy's rfftn and PyLops-MPI), then the others:
 *   - along an axis > 0 every rank transforms its own rows (no communication);
 *   - along axis 0 the array is transposed (axes 0 and 1 swapped, an all-to-all exchange through
 *     the communication layer), transformed along axis 1, and transposed back.
 * So every backend carries it, and the bytes per apply are those of the all-to-alls. */
#include <stdlib.h>
#include <string.h>

#include "../../comm/comm.h"
#include "../op_impl.h"

/* ---------------------------------------------------------------- swap of axes 0 and 1 */
/* x: global (A, B, R) split along axis 0 -> y: global (B, A, R) split along axis 0, y[j][i][k] =
 * x[i][j][k]. One all-to-all: rank q sends rank r its rows crossed with r's columns. */
typedef struct {
  int64_t A, B, R;
  int64_t *sc, *sd, *rc, *rd; /* alltoallv counts and displacements (elements), P each */
  int64_t *oa, *na, *ob, *nb; /* the splits of A and B over the ranks */
} swap_plan;

typedef struct {
  swap_plan p[2]; /* forward (A, B) and adjoint (B, A) */
  void *sbuf, *rbuf;
} swap_data;

static void plan_free(swap_plan *p) {
  free(p->sc);
  free(p->oa);
}

static int plan_make(dlops_ctx ctx, int64_t A, int64_t B, int64_t R, swap_plan *p) {
  const int P = ctx->size, me = ctx->rank;
  p->A = A;
  p->B = B;
  p->R = R;
  p->sc = malloc(sizeof(int64_t) * 4 * (size_t)P);
  p->oa = malloc(sizeof(int64_t) * 4 * (size_t)P);
  if (!p->sc || !p->oa) return DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "mpi_fftnd: cannot allocate the exchange plan");
  p->sd = p->sc + P;
  p->rc = p->sc + 2 * P;
  p->rd = p->sc + 3 * P;
  p->na = p->oa + P;
  p->ob = p->oa + 2 * P;
  p->nb = p->oa + 3 * P;
  for (int r = 0; r < P; r++) {
    p->oa[r] = dlops_split_offset(A, P, r);
    p->na[r] = dlops_split_size(A, P, r);
    p->ob[r] = dlops_split_offset(B, P, r);
    p->nb[r] = dlops_split_size(B, P, r);
  }
  int64_t s = 0, t = 0;
  for (int r = 0; r < P; r++) {
    p->sc[r] = p->na[me] * p->nb[r] * R;
    p->sd[r] = s;
    s += p->sc[r];
    p->rc[r] = p->na[r] * p->nb[me] * R;
    p->rd[r] = t;
    t += p->rc[r];
  }
  return DLOPS_SUCCESS;
}

static int swap_run(dlops_op S, int adj, dlops_darray in, dlops_darray out) {
  swap_data *d = S->data;
  const swap_plan *p = &d->p[adj];
  dlops_ctx ctx = S->ctx;
  dlops_mem *m = in->m;
  const size_t es = dlops_dtype_size(in->dtype);
  const int P = ctx->size, me = ctx->rank;
  int err = 0;
  /* pack: for each r, my rows x the columns r owns, as (na_me, nb_r, R) */
  for (int r = 0; r < P && !err; r++) {
    if (!p->sc[r]) continue;
    dlops_mem_strided s = {3, {p->na[me], p->nb[r], p->R}, {p->nb[r] * p->R, p->R, 1}, {p->B * p->R, p->R, 1}};
    err = m->ops->strided(m, es, &s, (char *)d->sbuf + (size_t)p->sd[r] * es,
                          (const char *)in->data + (size_t)(p->ob[r] * p->R) * es);
  }
  /* a local failure still takes part in the exchange (DESIGN.md: no rank is left waiting) */
  int cerr = dlops_comm_alltoallv(ctx->world, d->sbuf, p->sc, p->sd, d->rbuf, p->rc, p->rd, (dlops_ctype)in->dtype,
                                  in->mem);
  if (!err) err = cerr;
  /* unpack: from q, (na_q, nb_me, R) into my rows of the swapped array at column offset oa_q */
  for (int q = 0; q < P && !err; q++) {
    if (!p->rc[q]) continue;
    dlops_mem_strided s = {3, {p->na[q], p->nb[me], p->R}, {p->R, p->A * p->R, 1}, {p->nb[me] * p->R, p->R, 1}};
    err = m->ops->strided(m, es, &s, (char *)out->data + (size_t)(p->oa[q] * p->R) * es,
                          (const char *)d->rbuf + (size_t)p->rd[q] * es);
  }
  return err;
}
static int swap_fwd(dlops_op S, dlops_darray x, dlops_darray y) { return swap_run(S, 0, x, y); }
static int swap_adj(dlops_op S, dlops_darray y, dlops_darray x) { return swap_run(S, 1, y, x); }
static void swap_destroy(dlops_op S) {
  swap_data *d = S->data;
  if (!d) return;
  plan_free(&d->p[0]);
  plan_free(&d->p[1]);
  dlops_op_free_like(S->dom, d->sbuf);
  dlops_op_free_like(S->dom, d->rbuf);
  free(d);
}

/* The swap operator of an N-D array dims (ndim >= 2) of type t. Collective (array creations). */
static int swap_create(dlops_ctx ctx, int ndim, const int64_t *dims, dlops_dtype t, dlops_op *S) {
  int64_t R = 1;
  for (int k = 2; k < ndim; k++) R *= dims[k];
  const int64_t A = dims[0], B = dims[1], n = A * B * R;
  const int P = ctx->size, me = ctx->rank;
  swap_data *d = calloc(1, sizeof *d);
  int err = d ? 0 : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "mpi_fftnd: cannot allocate operator data");
  if (!err) err = plan_make(ctx, A, B, R, &d->p[0]);
  if (!err) err = plan_make(ctx, B, A, R, &d->p[1]);
  dlops_darray dom = NULL, rng = NULL;
  err = dlops_comm_agree(ctx->world, err);
  if (!err) err = dlops_op_vec1d(ctx, n, dlops_split_size(A, P, me) * B * R, DLOPS_SCATTER, t, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, n, dlops_split_size(B, P, me) * A * R, DLOPS_SCATTER, t, -1, &rng);
  if (!err) {
    /* buffers for the larger of the two directions */
    int64_t ns = 0, nr = 0;
    for (int k = 0; k < 2; k++) {
      const swap_plan *p = &d->p[k];
      int64_t s = p->sd[P - 1] + p->sc[P - 1], r = p->rd[P - 1] + p->rc[P - 1];
      ns = s > ns ? s : ns;
      nr = r > nr ? r : nr;
    }
    err = dlops_op_alloc_like(dom, t, ns, NULL, &d->sbuf);
    if (!err) err = dlops_op_alloc_like(dom, t, nr, NULL, &d->rbuf);
  }
  if (!err) err = dlops_op_new("swapaxes01", dom, rng, t, DLOPS_SPACES_ALL, S);
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    if (*S) dlops_op_destroy(S);
    if (d) {
      plan_free(&d->p[0]);
      plan_free(&d->p[1]);
      if (dom) {
        dlops_op_free_like(dom, d->sbuf);
        dlops_op_free_like(dom, d->rbuf);
      }
      free(d);
    }
  } else {
    (*S)->data = d;
    (*S)->destroy = swap_destroy;
    (*S)->apply = swap_fwd;
    (*S)->apply_adjoint = swap_adj;
  }
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  return err;
}

/* ---------------------------------------------------------------- the N-D transform */
/* C = B * C (C NULL: C = B); B's handle is dropped */
static int chain(dlops_op *C, dlops_op *B) {
  int err = 0;
  if (!*C) {
    *C = *B;
    *B = NULL;
    return 0;
  }
  dlops_op t = NULL;
  err = dlops_op_create_product(*B, *C, &t);
  dlops_op_destroy(B);
  dlops_op_destroy(C);
  *C = t;
  return err;
}

int dlops_op_create_mpi_fftnd(dlops_ctx ctx, int ndim, const int64_t *dims, int naxes, const int *axes,
                              dlops_fft_norm norm, int real, int ifftshift_before, int fftshift_after, dlops_dtype dtype,
                              dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "mpi_fftnd: null output operator pointer");
  if (A) *A = NULL;
  DLOPS_CHECK_COLL(ndim >= 1 && ndim <= DLOPS_MAX_NDIM && dims, ctx, err, DLOPS_ERR_ARG,
                   "mpi_fftnd: ndim = %d must be in [1, %d] with non-null dims", ndim, DLOPS_MAX_NDIM);
  DLOPS_CHECK_COLL(naxes >= 1 && naxes <= ndim && axes, ctx, err, DLOPS_ERR_ARG,
                   "mpi_fftnd: naxes = %d must be in [1, ndim] with non-null axes", naxes);
  DLOPS_CHECK_COLL((int)dtype >= 0 && (int)dtype < DLOPS_NUM_DTYPES, ctx, err, DLOPS_ERR_ARG,
                   "mpi_fftnd: bad element type %d", (int)dtype);
  int ax[DLOPS_MAX_NDIM] = {0};
  for (int k = 0; k < naxes && !err; k++) {
    ax[k] = axes[k] < 0 ? axes[k] + ndim : axes[k];
    DLOPS_CHECK_COLL(ax[k] >= 0 && ax[k] < ndim, ctx, err, DLOPS_ERR_ARG, "mpi_fftnd: axes[%d] = %d out of range", k,
                     axes[k]);
    for (int j = 0; j < k && !err; j++)
      DLOPS_CHECK_COLL(ax[j] != ax[k], ctx, err, DLOPS_ERR_ARG, "mpi_fftnd: axis %d given twice", ax[k]);
  }
  for (int k = 0; k < ndim && !err; k++)
    DLOPS_CHECK_COLL(dims[k] >= 1, ctx, err, DLOPS_ERR_ARG, "mpi_fftnd: dims[%d] = %lld must be >= 1", k,
                     (long long)dims[k]);
  int uses0 = 0;
  for (int k = 0; k < naxes && !err; k++) uses0 |= ax[k] == 0;
  DLOPS_CHECK_COLL(err || !uses0 || ctx->size == 1 || ndim >= 2, ctx, err, DLOPS_ERR_ARG,
                   "mpi_fftnd: a transform along axis 0 on several ranks needs ndim >= 2 (axis 0 is exchanged "
                   "with axis 1)");
  uint64_t h = 0;
  if (!err) {
    h = dlops_op_hash_i64(dlops_op_hash_i64(0, ndim), naxes);
    for (int k = 0; k < ndim; k++) h = dlops_op_hash_i64(h, dims[k]);
    for (int k = 0; k < naxes; k++) {
      h = dlops_op_hash_i64(h, ax[k]);
      h = dlops_op_hash_i64(h, (ifftshift_before >> k) & 1);
      h = dlops_op_hash_i64(h, (fftshift_after >> k) & 1);
    }
    h = dlops_op_hash_i64(dlops_op_hash_i64(dlops_op_hash_i64(h, norm), real != 0), dtype);
  }
  DLOPS_CALL(dlops_op_agree(ctx, err, h, DLOPS_ERR_ARG,
                            "mpi_fftnd arguments (dims, axes, norm, real, shifts or dtype)"));
  /* the transforms, last axis first; the shape changes along the real transform's axis */
  int64_t cur[DLOPS_MAX_NDIM];
  memcpy(cur, dims, sizeof(int64_t) * (size_t)ndim);
  dlops_op C = NULL;
  dlops_dtype t = dtype;
  for (int k = naxes - 1; k >= 0 && !err; k--) {
    const int a = ax[k], rk = real && k == naxes - 1;
    const int sb = (ifftshift_before >> k) & 1, sa = (fftshift_after >> k) & 1;
    dlops_op F = NULL;
    if (a > 0 || ctx->size == 1) {
      err = dlops_op_create_fft(ctx, ndim, cur, a, 0, norm, rk, sb, sa, t, &F);
      if (!err) err = chain(&C, &F);
    } else {
      /* along axis 0: swap axes 0 and 1, transform along 1, swap back */
      int64_t sw[DLOPS_MAX_NDIM];
      memcpy(sw, cur, sizeof(int64_t) * (size_t)ndim);
      sw[0] = cur[1];
      sw[1] = cur[0];
      dlops_op S = NULL, Sb = NULL, Sh = NULL;
      /* the model's type here: real for the real transform (and for a real dtype) */
      const int sgl = t == DLOPS_F32 || t == DLOPS_C64;
      const dlops_dtype tm = rk || t == DLOPS_F32 || t == DLOPS_F64 ? (sgl ? DLOPS_F32 : DLOPS_F64) : t;
      err = swap_create(ctx, ndim, cur, tm, &S);
      if (!err) err = chain(&C, &S);
      if (!err) err = dlops_op_create_fft(ctx, ndim, sw, 1, 0, norm, rk, sb, sa, t, &F);
      if (!err) err = chain(&C, &F);
      /* back: the swap of the transformed shape (complex), used as its adjoint */
      int64_t sw2[DLOPS_MAX_NDIM];
      memcpy(sw2, cur, sizeof(int64_t) * (size_t)ndim);
      if (rk) sw2[0] = cur[0] / 2 + 1;
      const dlops_dtype tc = (t == DLOPS_F32 || t == DLOPS_C64) ? DLOPS_C64 : DLOPS_C128;
      if (!err) err = swap_create(ctx, ndim, sw2, tc, &Sb);
      if (!err) err = dlops_op_create_adjoint(Sb, &Sh);
      dlops_op_destroy(&Sb);
      if (!err) err = chain(&C, &Sh);
      dlops_op_destroy(&Sh);
    }
    if (rk) cur[a] = cur[a] / 2 + 1;
    t = (t == DLOPS_F32 || t == DLOPS_C64) ? DLOPS_C64 : DLOPS_C128; /* complex after the first */
  }
  err = dlops_comm_agree(ctx->world, err);
  if (!err) err = dlops_op_wrap("mpi_fftnd", &C, NULL, A);
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    if (A && *A) dlops_op_destroy(A);
    dlops_op_destroy(&C);
    return err;
  }
  (*A)->sig = dlops_hash_bytes((*A)->sig, &h, sizeof h);
  (*A)->ndims = ndim;
  (*A)->ndimsd = ndim;
  memcpy((*A)->dims, dims, sizeof(int64_t) * (size_t)ndim);
  memcpy((*A)->dimsd, cur, sizeof(int64_t) * (size_t)ndim);
  return DLOPS_SUCCESS;
}
