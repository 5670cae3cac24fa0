/* Distributed dense product operators Y = A X: 1D block (PyLops-MPI kind="block") and 2D
 * A-stationary SUMMA (see include/dlops/dense.h for layouts and algorithms). */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../ops/op_impl.h"
#include "agree.h"

int dlops_ceil_block(int64_t n, int q, int t, int64_t *start, int64_t *len) {
  DLOPS_CHECK(n >= 0 && q >= 1 && t >= 0 && t < q && start && len, NULL, DLOPS_ERR_ARG,
              "ceil_block: bad arguments (n=%lld, q=%d, t=%d)", (long long)n, q, t);
  /* ceil(n / q) without n + q - 1; products and sums clamped at n instead of wrapping */
  int64_t b = n / q + (n % q != 0), s, e;
  if (!dense_mul(b, t, &s) || s > n) s = n;
  if (!dense_add(s, b, &e) || e > n) e = n;
  *start = s;
  *len = e - s;
  return DLOPS_SUCCESS;
}

static int64_t cb_start(int64_t n, int q, int t) {
  int64_t s, l;
  dlops_ceil_block(n, q, t, &s, &l);
  return s;
}
static int64_t cb_len(int64_t n, int q, int t) {
  int64_t s, l;
  dlops_ceil_block(n, q, t, &s, &l);
  return l;
}

typedef struct {
  dlops_matmul_kind kind;
  int pr, pc, i, j; /* grid and position (-1 when idle) */
  int64_t N, K, M, nb;
  dlops_comm *row, *col; /* grid row (ranks (i, *), ordered by j) and column (ranks (*, j), by i) */
  void *a;               /* A tile, row-major */
  int64_t an, ak;        /* A tile shape */
  int64_t xr, xc, yr, yc;
  /* workspaces (SUMMA): panels and partial products */
  void *pan[2];
  void *part;
  int64_t part_len;
  dlops_request *reqs;   /* one per reduction destination */
  int64_t *cnt;          /* allgatherv counts and displacements (block) */
  dlops_mem *m;          /* the memory space of the vectors: A tile, panels and partials live there */
  /* one-sided SUMMA (DLOPS_MATMUL_SUMMA_RMA): a window over the active ranks (grid, ordered as
   * the grid) exposing this rank's input tile, locked (lock_all) for the operator's lifetime */
  dlops_comm *grid;      /* the pr*pc active ranks (none on idle ranks) */
  MPI_Win win;           /* MPI_WIN_NULL unless one-sided */
  char *wbase;           /* this rank's window memory (host) */
  MPI_Datatype etype;    /* one element (es bytes) */
  void *hpan[2];         /* host landing panels when the vectors are not in host memory */
} mm_data;

static void mm_free(mm_data *d) {
  if (!d) return;
  if (d->win != MPI_WIN_NULL) {
    MPI_Win_unlock_all(d->win);
    MPI_Win_free(&d->win);
  }
  if (d->etype != MPI_DATATYPE_NULL) MPI_Type_free(&d->etype);
  for (int k = 0; k < 2; k++)
    if (d->hpan[k]) d->m->ops->host_free(d->m, d->hpan[k]);
  dlops_comm_destroy(&d->grid);
  dlops_comm_destroy(&d->row);
  dlops_comm_destroy(&d->col);
  void *bufs[4] = {d->a, d->pan[0], d->pan[1], d->part};
  for (int k = 0; k < 4; k++)
    if (bufs[k]) d->m->ops->free(d->m, bufs[k]);
  free(d->reqs);
  free(d->cnt);
  free(d);
}
static void mm_destroy(dlops_op A) { mm_free(A->data); }

/* The local product of the memory space, row-major. */
static int gemm(mm_data *d, dlops_dtype t, char opa, char opb, int64_t m, int64_t n, int64_t k, const void *a,
                int64_t lda, const void *b, int64_t ldb, void *c, int64_t ldc) {
  const dlops_scalar one = {1.0, 0.0}, zero = {0.0, 0.0};
  return d->m->ops->gemm(d->m, t, opa, opb, (int)m, (int)n, (int)k, one, a, (int)lda, b, (int)ldb, zero, c, (int)ldc);
}

static size_t esize(dlops_dtype t) { return dlops_dtype_size(t); }

/* ---------------------------------------------------------------- 1D block */
static int block_fwd(dlops_op op, dlops_darray x, dlops_darray y) {
  mm_data *d = op->data;
  if (d->i < 0) return DLOPS_SUCCESS;
  /* T = A_loc X_loc (an x m_i), gathered along the grid row into Y (N x m_i) */
  int64_t mi = d->xc;
  void *t = d->part;
  DLOPS_CALL(gemm(d, op->dtype, 'N', 'N', d->an, mi, d->K, d->a, d->K, x->data, mi, t, mi));
  int64_t *cnt = d->cnt;
  for (int q = 0; q < d->pc; q++) {
    cnt[q] = cb_len(d->N, d->pc, q) * mi;
    cnt[d->pc + q] = cb_start(d->N, d->pc, q) * mi;
  }
  return dlops_comm_allgatherv(d->row, t, d->an * mi, y->data, cnt, cnt + d->pc, (dlops_ctype)op->dtype, y->mem);
}

static int block_adj(dlops_op op, dlops_darray y, dlops_darray x) {
  mm_data *d = op->data;
  if (d->i < 0) return DLOPS_SUCCESS;
  size_t es = esize(op->dtype);
  int64_t mi = d->xc;
  const char *rows = (const char *)y->data + (size_t)(cb_start(d->N, d->pc, d->j) * mi) * es;
  int err = gemm(d, op->dtype, 'C', 'N', d->K, mi, d->an, d->a, d->K, rows, mi, x->data, mi);
  /* a local failure still joins the reduction, so the row's other ranks do not wait */
  int cerr = dlops_comm_allreduce(d->row, DLOPS_IN_PLACE, x->data, d->K * mi, (dlops_ctype)op->dtype, DLOPS_OP_SUM,
                                  x->mem);
  return err ? err : cerr;
}

/* ---------------------------------------------------------------- 2D SUMMA, A stationary
 * Forward on rank (i, j): for every panel of columns [c0, c1) of X (ordered by the M-block t of
 * the grid row that owns it, then by column), rank (t, j) broadcasts X[k_j, c0:c1) down grid
 * column j; every rank adds A_ij * panel into its partial product W (n_i x M, stored as one
 * n_i x mY_J chunk per destination column J); when chunk J is complete it is reduced along the
 * grid row to rank (i, J), straight into that rank's Y tile. The adjoint is the transpose of
 * this: Y panels broadcast along grid rows, partials of A_ij^H reduced down grid columns.
 *   in_split  (q_in parts, on comm bc, roots = parts): M split of the input tiles
 *   out_split (q_out parts, on comm rc): M split of the output tiles
 *
 * One-sided (DLOPS_MATMUL_SUMMA_RMA): instead of the owner broadcasting a panel, every rank of
 * the broadcast communicator bc that needs it fetches it with MPI_Rget from the owner's window
 * (the owner packs its own panel locally). The window (made once, at creation, on the grid's
 * ranks through the rma backend's constructor, and kept under MPI_Win_lock_all) holds each
 * rank's input tile: at the start of an apply each rank copies its input tile into it, then a
 * barrier on bc publishes the tiles; the gets are double-buffered like the broadcasts (request
 * based, each completed by MPI_Wait just before its panel is used); a closing barrier on bc
 * keeps every tile in place until the ranks reading it are done. The reductions stay
 * non-blocking two-sided reduces (comm.h explains why). The gets are counted as
 * DLOPS_COMM_BCAST on the fetching rank (one message per get, the bytes fetched). */

/* Start the get of columns [c0, c0 + w) of rank `owner`'s input tile (inner x ld, row-major,
 * its first column at global column s0) into dst (inner x w). */
static int rma_get(mm_data *d, void *dst, int owner, int64_t inner, int64_t ld, int64_t c0, int64_t s0, int64_t w,
                   MPI_Request *req) {
  MPI_Datatype row = MPI_DATATYPE_NULL, tgt = MPI_DATATYPE_NULL;
  int e = MPI_Type_contiguous((int)w, d->etype, &row);
  if (e == MPI_SUCCESS) e = MPI_Type_commit(&row);
  if (e == MPI_SUCCESS) e = MPI_Type_vector((int)inner, (int)w, (int)ld, d->etype, &tgt);
  if (e == MPI_SUCCESS) e = MPI_Type_commit(&tgt);
  int esz = 0;
  if (e == MPI_SUCCESS) e = MPI_Type_size(d->etype, &esz);
  if (e == MPI_SUCCESS)
    e = MPI_Rget(dst, (int)inner, row, owner, (MPI_Aint)(c0 - s0) * esz, 1, tgt, d->win, req);
  if (row != MPI_DATATYPE_NULL) MPI_Type_free(&row);
  if (tgt != MPI_DATATYPE_NULL) MPI_Type_free(&tgt);
  if (e != MPI_SUCCESS) return dlops_error_mpi(d->grid->ctx, e, __FILE__, __LINE__, __func__, "MPI_Rget");
  return DLOPS_SUCCESS;
}

static int summa_run(dlops_op op, const void *in, void *out, dlops_memspace mem, int adj) {
  mm_data *d = op->data;
  if (d->i < 0) return DLOPS_SUCCESS;
  dlops_dtype t = op->dtype;
  size_t es = esize(t);
  dlops_ctype ct = (dlops_ctype)t;
  const int64_t M = d->M;
  /* forward: input X tiles split over pr (bcast on col comm), output Y tiles over pc (reduce on row comm) */
  const int qin = adj ? d->pc : d->pr, qout = adj ? d->pr : d->pc;
  dlops_comm *bc = adj ? d->row : d->col, *rc = adj ? d->col : d->row;
  const int me_in = adj ? d->j : d->i, me_out = adj ? d->i : d->j;
  const int64_t inner = adj ? d->an : d->ak; /* rows of the input panels: n_i (adjoint) or k_j */
  const int64_t outr = adj ? d->ak : d->an;  /* rows of the partial product */
  const int64_t my_in_cols = cb_len(M, qin, me_in);
  const int64_t nb = d->nb;
  char *W = d->part;
  /* panels: for t in 0..qin-1, columns of block t in chunks of nb */
  int npan = 0;
  for (int q = 0; q < qin; q++) npan += (int)((cb_len(M, qin, q) + nb - 1) / nb);
  dlops_request breq[2];
  memset(breq, 0, sizeof breq);
  int err = 0;
  /* one-sided: publish this rank's input tile in its window */
  const int rma = d->win != MPI_WIN_NULL && qin > 1; /* a one-rank bc fetches nothing */
  const int staged = rma && d->m->ops->space != DLOPS_MEM_HOST;
  MPI_Request rreq[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
  int64_t gets = 0, gbytes = 0;
  double gt0 = MPI_Wtime();
  if (rma) {
    size_t tb = (size_t)(inner * my_in_cols) * es;
    int e = MPI_Win_sync(d->win);
    if (e == MPI_SUCCESS && tb) err = d->m->ops->copy(d->m, d->wbase, DLOPS_MEM_HOST, in, d->m->ops->space, tb, 0);
    if (e == MPI_SUCCESS) e = MPI_Win_sync(d->win);
    if (e == MPI_SUCCESS) e = MPI_Barrier(bc->mpi);
    if (e != MPI_SUCCESS) return dlops_error_mpi(op->ctx, e, __FILE__, __LINE__, __func__, "MPI_Barrier");
  }
  /* panel p -> (owner q, global start c0, width w) */
  int pq = 0;
  int64_t pc0 = cb_start(M, qin, 0), pend = pc0 + cb_len(M, qin, 0);
  while (pq < qin && pc0 >= pend) {
    pq++;
    if (pq < qin) {
      pc0 = cb_start(M, qin, pq);
      pend = pc0 + cb_len(M, qin, pq);
    }
  }
  int next_out = 0; /* next output chunk to reduce */
  int64_t cur_c0[2], cur_w[2];
#define POST(slot)                                                                                         \
  do {                                                                                                     \
    int64_t w_ = pend - pc0 < nb ? pend - pc0 : nb;                                                        \
    cur_c0[slot] = pc0;                                                                                    \
    cur_w[slot] = w_;                                                                                      \
    if (!err && me_in == pq && inner > 0) { /* pack my columns [pc0, pc0+w) of the input tile */          \
      const char *src = (const char *)in + (size_t)(pc0 - cb_start(M, qin, pq)) * es;                     \
      dlops_mem_strided s_ = {2, {inner, w_}, {w_, 1}, {my_in_cols, 1}};                                   \
      err = d->m->ops->strided(d->m, es, &s_, d->pan[slot], src);                                          \
    }                                                                                                      \
    if (!err && inner > 0 && !rma) err = dlops_comm_ibcast(bc, d->pan[slot], inner * w_, ct, pq, &breq[slot], mem); \
    if (!err && inner > 0 && rma && me_in != pq) {                                                         \
      int owner_ = adj ? d->i * d->pc + pq : pq * d->pc + d->j;                                            \
      err = rma_get(d, staged ? d->hpan[slot] : d->pan[slot], owner_, inner, cb_len(M, qin, pq), pc0,       \
                    cb_start(M, qin, pq), w_, &rreq[slot]);                                               \
      gets++;                                                                                              \
      gbytes += inner * w_ * (int64_t)es;                                                                  \
    }                                                                                                      \
    pc0 += w_;                                                                                             \
    while (pq < qin && pc0 >= pend) {                                                                      \
      pq++;                                                                                                \
      if (pq < qin) {                                                                                      \
        pc0 = cb_start(M, qin, pq);                                                                        \
        pend = pc0 + cb_len(M, qin, pq);                                                                   \
      }                                                                                                    \
    }                                                                                                      \
  } while (0)
  if (npan > 0) POST(0);
  for (int p = 0; p < npan && !err; p++) {
    int s = p % 2;
    if (p + 1 < npan) POST(1 - s);
    if (!err && !rma) err = dlops_comm_wait(bc, &breq[s], DLOPS_COMM_BCAST);
    if (!err && rma && rreq[s] != MPI_REQUEST_NULL) {
      int e = MPI_Wait(&rreq[s], MPI_STATUS_IGNORE);
      if (e != MPI_SUCCESS) err = dlops_error_mpi(op->ctx, e, __FILE__, __LINE__, __func__, "MPI_Wait");
      if (!err && staged)
        err = d->m->ops->copy(d->m, d->pan[s], d->m->ops->space, d->hpan[s], DLOPS_MEM_HOST,
                              (size_t)(inner * cur_w[s]) * es, 0);
    }
    if (err) break;
    /* W[:, c0:c0+w) += op(A) * panel, split at output chunk boundaries */
    int64_t c0 = cur_c0[s], w = cur_w[s];
    for (int J = 0; J < qout; J++) {
      int64_t js = cb_start(M, qout, J), jl = cb_len(M, qout, J);
      int64_t lo = c0 > js ? c0 : js, hi = (c0 + w) < (js + jl) ? (c0 + w) : (js + jl);
      if (hi <= lo) continue;
      char *chunk = W + (size_t)(outr * js) * es;
      const char *pb = (const char *)d->pan[s] + (size_t)(lo - c0) * es;
      if (inner == 0) {
        for (int64_t r = 0; r < outr && !err; r++)
          err = d->m->ops->fill(d->m, t, hi - lo, (dlops_scalar){0.0, 0.0}, chunk + (size_t)(r * jl + (lo - js)) * es);
      } else {
        err = gemm(d, t, adj ? 'C' : 'N', 'N', outr, hi - lo, inner, d->a, d->ak, pb, w, chunk + (size_t)(lo - js) * es,
                   jl);
      }
    }
    /* reduce every output chunk that is now complete */
    while (!err && next_out < qout && cb_start(M, qout, next_out) + cb_len(M, qout, next_out) <= c0 + w) {
      int J = next_out++;
      int64_t js = cb_start(M, qout, J), jl = cb_len(M, qout, J);
      char *chunk = W + (size_t)(outr * js) * es;
      err = dlops_comm_ireduce(rc, chunk, me_out == J ? out : NULL, outr * jl, ct, DLOPS_OP_SUM, J, &d->reqs[J], mem);
    }
  }
  /* chunks with no columns left (empty blocks at the end), then complete everything */
  while (!err && next_out < qout) {
    int J = next_out++;
    int64_t js = cb_start(M, qout, J), jl = cb_len(M, qout, J);
    if (npan == 0 && jl > 0 && outr > 0)
      err = d->m->ops->fill(d->m, t, outr * jl, (dlops_scalar){0.0, 0.0}, W + (size_t)(outr * js) * es);
    if (!err)
      err = dlops_comm_ireduce(rc, W + (size_t)(outr * js) * es, me_out == J ? out : NULL, outr * jl, ct, DLOPS_OP_SUM,
                               J, &d->reqs[J], mem);
  }
  for (int s = 0; s < 2; s++) {
    int e2 = dlops_comm_wait(bc, &breq[s], DLOPS_COMM_BCAST);
    if (!err) err = e2;
  }
  if (rma) {
    /* complete the gets still in flight (after an error), then keep every tile in place until
     * the ranks reading it are done */
    int e = MPI_Waitall(2, rreq, MPI_STATUSES_IGNORE);
    if (e == MPI_SUCCESS) e = MPI_Barrier(bc->mpi);
    if (e != MPI_SUCCESS && !err) err = dlops_error_mpi(op->ctx, e, __FILE__, __LINE__, __func__, "MPI_Barrier");
    dlops_counter_add(bc, DLOPS_COMM_BCAST, gets, gbytes, MPI_Wtime() - gt0);
  }
  for (int J = 0; J < qout; J++) {
    int e2 = dlops_comm_wait(rc, &d->reqs[J], DLOPS_COMM_REDUCE);
    if (!err) err = e2;
  }
#undef POST
  return err;
}

static int summa_fwd(dlops_op op, dlops_darray x, dlops_darray y) { return summa_run(op, x->data, y->data, x->mem, 0); }
static int summa_adj(dlops_op op, dlops_darray y, dlops_darray x) { return summa_run(op, y->data, x->data, x->mem, 1); }

/* ---------------------------------------------------------------- creation */
static void squarest(int P, int *pr, int *pc) {
  int r = (int)floor(sqrt((double)P));
  while (r > 1 && P % r) r--;
  *pr = r;
  *pc = P / r;
}

int dlops_op_create_matmul(dlops_ctx ctx, dlops_matmul_kind kind, int pr, int pc, int64_t N, int64_t K, int64_t M,
                           const void *A_local, int64_t nb, dlops_dtype dtype, dlops_op *Aop) {
  {
    /* a NULL or stale context on some ranks: those join the others' agreement (orphan) */
    int e0 = dlops_ctx_check(ctx);
    if (e0) return dlops_agree_orphan(e0);
  }
  const int P = ctx->size, me = ctx->rank;
  /* 1. local checks: none returns early, so every rank reaches the one agreement below */
  int err = 0;
  DLOPS_CHECK_COLL(Aop, ctx, err, DLOPS_ERR_ARG, "null output pointer");
  if (Aop) *Aop = NULL;
  if (pr == 0 && pc == 0) squarest(P, &pr, &pc);
  DLOPS_CHECK_COLL(kind == DLOPS_MATMUL_BLOCK || kind == DLOPS_MATMUL_SUMMA || kind == DLOPS_MATMUL_SUMMA_RMA, ctx,
                   err, DLOPS_ERR_ARG, "unknown matmul kind %d", (int)kind);
#ifndef DLOPS_HAVE_RMA
  DLOPS_CHECK_COLL(kind != DLOPS_MATMUL_SUMMA_RMA, ctx, err, DLOPS_ERR_UNSUPPORTED,
                   "DLOPS_MATMUL_SUMMA_RMA needs the one-sided backend (built with DLOPS_ENABLE_RMA=OFF)");
#endif
  DLOPS_CHECK_COLL(pr >= 1 && pc >= 1 && (int64_t)pr * pc <= P, ctx, err, DLOPS_ERR_ARG,
                   "process grid %d x %d does not fit in %d ranks", pr, pc, P);
  DLOPS_CHECK_COLL(N >= 0 && K >= 0 && M >= 0, ctx, err, DLOPS_ERR_ARG, "negative size (N=%lld, K=%lld, M=%lld)",
                   (long long)N, (long long)K, (long long)M);
  DLOPS_CHECK_COLL(N <= INT_MAX && K <= INT_MAX && M <= INT_MAX, ctx, err, DLOPS_ERR_UNSUPPORTED,
                   "matrix dimensions above INT_MAX are not supported by the local BLAS");
  DLOPS_CHECK_COLL((int)dtype >= 0 && dtype < DLOPS_NUM_DTYPES, ctx, err, DLOPS_ERR_ARG, "unknown dtype %d", (int)dtype);
  DLOPS_CHECK_COLL(nb >= 0, ctx, err, DLOPS_ERR_ARG, "panel width nb = %lld must be >= 0", (long long)nb);
  mm_data *d = calloc(1, sizeof *d);
  DLOPS_CHECK_COLL(d, ctx, err, DLOPS_ERR_MEM, "cannot allocate");
  if (d) {
    d->win = MPI_WIN_NULL;
    d->etype = MPI_DATATYPE_NULL;
  }
  int active = 0;
  size_t es = 0, abytes = 0, panbytes = 0, partbytes = 0;
  int64_t xn = 0, yn = 0, nreq = 0;
  if (!err) {
    d->kind = kind;
    d->pr = pr;
    d->pc = pc;
    d->N = N;
    d->K = K;
    d->M = M;
    d->nb = nb > 0 ? nb : 256;
    d->m = ctx->mems[ctx->mem]; /* the vectors' memory space (dlops_op_vec1d below) */
    active = me < pr * pc;
    d->i = active ? me / pc : -1;
    d->j = active ? me % pc : -1;
    es = esize(dtype);
    if (active) {
      if (kind == DLOPS_MATMUL_BLOCK) {
        d->an = cb_len(N, pc, d->j);
        d->ak = K;
        d->xr = K;
        d->xc = cb_len(M, pr, d->i);
        d->yr = N;
        d->yc = d->xc;
      } else {
        d->an = cb_len(N, pr, d->i);
        d->ak = cb_len(K, pc, d->j);
        d->xr = d->ak;
        d->xc = cb_len(M, pr, d->i);
        d->yr = d->an;
        d->yc = cb_len(M, pc, d->j);
      }
    }
    /* every size product, overflow-checked (N, K, M <= INT_MAX: element counts fit, bytes may not) */
    int64_t alen = 0, part = 0, pan = 0, tmp = 0;
    int ok = dense_mul(K, M, &xn) && dense_mul(N, M, &yn) && dense_mul(d->an, d->ak, &alen) &&
             dense_bytes(alen, es, &abytes) && dense_mul(d->xr, d->xc, &tmp) && dense_mul(d->yr, d->yc, &tmp);
    if (ok && active) {
      const int64_t wide = d->an > d->ak ? d->an : d->ak;
      if (kind == DLOPS_MATMUL_BLOCK) {
        ok = dense_mul(d->an, d->xc, &part);
        nreq = 1;
      } else {
        ok = dense_mul(wide, M, &part) && dense_mul(wide, d->nb, &pan) && dense_bytes(pan, es, &panbytes);
        nreq = pr > pc ? pr : pc;
      }
      ok = ok && dense_bytes(part, es, &partbytes);
    }
    DLOPS_CHECK_COLL(ok, ctx, err, DLOPS_ERR_SIZE,
                     "the product N=%lld K=%lld M=%lld (nb %lld) on a %d x %d grid overflows the size arithmetic",
                     (long long)N, (long long)K, (long long)M, (long long)d->nb, pr, pc);
    DLOPS_CHECK_COLL(!active || alen == 0 || A_local, ctx, err, DLOPS_ERR_ARG,
                     "A_local is NULL but this rank's tile has %lld x %lld elements", (long long)d->an,
                     (long long)d->ak);
  }
  /* values that must be equal on all ranks */
  const int64_t same[8] = {kind, pr, pc, N, K, M, dtype, nb > 0 ? nb : 256};
  uint64_t cs = 0x6d61746d756cULL;
  for (int q = 0; q < 8; q++) cs = dense_cs_i64(cs, same[q]);
  /* 2. one agreement: the lowest failing rank's code and message on every rank, or a mismatch */
  err = dense_agree(ctx, err, 0, cs, 0, NULL, "the product (kind, grid pr x pc, N, K, M, dtype, nb)");
  if (err) {
    free(d);
    return err;
  }

  /* grid communicators through the communication interface (idle ranks get none); both
   * splits run on every rank whatever the first returned */
  int e1 = dlops_comm_split(ctx->world, active ? d->i : -1, d->j, &d->row);
  int e2 = dlops_comm_split(ctx->world, active ? d->j : -1, d->i, &d->col);
  err = e1 ? e1 : e2;
  /* one-sided SUMMA: the active ranks' communicator (run on every rank) and its window, made
   * once here through the rma backend's constructor (ompi#9492, rma.c) */
  if (kind == DLOPS_MATMUL_SUMMA_RMA) {
    int e3 = dlops_comm_split(ctx->world, active ? 0 : -1, me, &d->grid);
    if (!err) err = e3;
  }
#ifdef DLOPS_HAVE_RMA
  /* the window is collective over the grid: made only when every split succeeded everywhere */
  if (kind == DLOPS_MATMUL_SUMMA_RMA) err = dlops_comm_agree(ctx->world, err);
  if (kind == DLOPS_MATMUL_SUMMA_RMA && !err && active) {
    int64_t xt = d->xr * d->xc, yt = d->yr * d->yc;
    void *base = NULL;
    int e4 = dlops_rma_win_allocate(d->grid, (xt > yt ? xt : yt) * (int64_t)es, &d->win, &base);
    d->wbase = base;
    if (e4 == DLOPS_ERR_UNSUPPORTED) /* the same on every grid rank: the placement is agreed */
      e4 = DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED,
                       "DLOPS_MATMUL_SUMMA_RMA: this Open MPI (before 5.0) would serve the operator's window with "
                       "osc/rdma, which gives wrong results for ranks sharing a node across several nodes "
                       "(open-mpi/ompi#9492): run with OMPI_MCA_osc=^rdma (osc/pt2pt), use Open MPI >= 5, or use "
                       "DLOPS_MATMUL_SUMMA");
    if (!e4) {
      int e = MPI_Win_lock_all(MPI_MODE_NOCHECK, d->win);
      if (e == MPI_SUCCESS) e = MPI_Type_contiguous((int)es, MPI_BYTE, &d->etype);
      if (e == MPI_SUCCESS) e = MPI_Type_commit(&d->etype);
      if (e != MPI_SUCCESS) e4 = dlops_error_mpi(ctx, e, __FILE__, __LINE__, __func__, "MPI_Win_lock_all");
    }
    if (!e4 && d->m->ops->space != DLOPS_MEM_HOST) /* gets land in host memory, then go to the panels */
      for (int k = 0; k < 2 && !e4; k++) e4 = d->m->ops->host_alloc(d->m, panbytes, &d->hpan[k]);
    if (!err) err = e4;
  }
#endif
  /* A tile and workspaces */
  if (!err && active) {
    dlops_mem *m = d->m;
    err = m->ops->alloc(m, abytes, &d->a);
    /* the tile goes where the vectors live (A_local is host memory) */
    if (!err && abytes) err = m->ops->copy(m, d->a, m->ops->space, A_local, DLOPS_MEM_HOST, abytes, 0);
    if (!err) {
      if (kind == DLOPS_MATMUL_BLOCK) {
        d->cnt = malloc(sizeof(int64_t) * 2 * (size_t)pc);
        if (!d->cnt) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate counts");
      } else {
        err = m->ops->alloc(m, panbytes, &d->pan[0]);
        if (!err) err = m->ops->alloc(m, panbytes, &d->pan[1]);
      }
      if (!err) err = m->ops->alloc(m, partbytes, &d->part);
      d->reqs = calloc((size_t)nreq, sizeof(dlops_request));
      if (!err && !d->reqs) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate workspaces");
    }
  }
  /* vector templates */
  dlops_darray dom = NULL, rng = NULL;
  /* the agreed code (the lowest failing rank's) is what every rank returns */
  err = dlops_comm_agree(ctx->world, err);
  if (!err) {
    int color = -1;
    if (kind == DLOPS_MATMUL_BLOCK) color = active ? d->j : 0; /* idle ranks join group 0, empty */
    err = dlops_op_vec1d(ctx, xn, active ? d->xr * d->xc : 0, DLOPS_SCATTER, dtype, color, &dom);
    if (!err) err = dlops_op_vec1d(ctx, yn, active ? d->yr * d->yc : 0, DLOPS_SCATTER, dtype, color, &rng);
  }
  int enew = err;
  if (!err)
    enew = dlops_op_new(kind == DLOPS_MATMUL_BLOCK   ? "matmul_block"
                        : kind == DLOPS_MATMUL_SUMMA ? "matmul_summa"
                                                     : "matmul_summa_rma",
                        dom, rng, dtype, DLOPS_SPACES_ALL, Aop);
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  if (!enew) {
    dlops_op A = *Aop;
    A->data = d;
    A->destroy = mm_destroy;
    A->apply = kind == DLOPS_MATMUL_BLOCK ? block_fwd : summa_fwd;
    A->apply_adjoint = kind == DLOPS_MATMUL_BLOCK ? block_adj : summa_adj;
    A->ndims = 2;
    A->dims[0] = K;
    A->dims[1] = M;
    A->ndimsd = 2;
    A->dimsd[0] = N;
    A->dimsd[1] = M;
  }
  /* all or nothing: a local failure of dlops_op_new (an allocation) is agreed too, so the
   * operator exists on every rank or on none */
  if (!err) err = dlops_comm_agree(ctx->world, enew);
  if (err) {
    if (!enew) {
      dlops_op_destroy(Aop); /* frees d through mm_destroy */
      *Aop = NULL;
    } else {
      mm_free(d);
    }
    return err;
  }
  return DLOPS_SUCCESS;
}

int dlops_op_matmul_get_layout(dlops_op A, int *pr, int *pc, int *i, int *j, int64_t *a_shape, int64_t *x_shape,
                               int64_t *y_shape) {
  DLOPS_CALL(dlops_op_check_handle(A));
  DLOPS_CHECK(A->destroy == mm_destroy, A->ctx, DLOPS_ERR_ARG, "operator %s is not a matmul operator", A->name);
  mm_data *d = A->data;
  if (pr) *pr = d->pr;
  if (pc) *pc = d->pc;
  if (i) *i = d->i;
  if (j) *j = d->j;
  if (a_shape) {
    a_shape[0] = d->an;
    a_shape[1] = d->ak;
  }
  if (x_shape) {
    x_shape[0] = d->xr;
    x_shape[1] = d->xc;
  }
  if (y_shape) {
    y_shape[0] = d->yr;
    y_shape[1] = d->yc;
  }
  return DLOPS_SUCCESS;
}
