/* First and second derivatives along any axis of an N-D model (PyLops-MPI MPIFirstDerivative /
 * MPISecondDerivative, and PyLops' FirstDerivative / SecondDerivative on a local block).
 *
 * Layout: the model (and the data, dims == dimsd) is a 1-D SCATTER array with the N-D axis-0
 * split of dims: rank r holds rows [o_r, o_r + n_r) of axis 0.
 *   - one-rank context: a local operator, any axis;
 *   - P ranks, axis > 0: every rank differentiates its own rows (no communication, as
 *     PyLops-MPI's MPIBlockDiag of a local derivative);
 *   - P ranks, axis 0: every rank computes its own output rows from its rows plus the ghost
 *     rows its stencil reads. Which rows each rank needs is derived at creation from the
 *     stencil program (deriv.h), separately for the forward and the adjoint, and each needed
 *     row is fetched from the rank that owns it in one neighbour exchange per apply (started
 *     with dlops_comm_ineighbor, into buffers allocated at creation). Unlike PyLops-MPI, ranks
 *     that own fewer rows than the stencil reaches (0 or 1 rows, or the edge formulas on the
 *     first and last ranks) are handled: the rows simply come from the next rank that owns
 *     them. While the rows travel (two-sided MPI), the output rows that read none of them are
 *     computed (dlops_deriv_sum_apply; DLOPS_OVERLAP=0 waits first).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../local/deriv.h"

#define R DLOPS_DERIV_REACH

typedef struct {
  int nmsg;
  dlops_nbr_msg *msg;
  int64_t nsrows, nrrows;
  int64_t *srows; /* local rows packed into sbuf, in order */
  int64_t gmap[2 * R]; /* ghost position -> row index in rbuf (-1: not needed) */
  void *sbuf, *rbuf; /* in the vectors' memory space */
} xchg;

typedef struct {
  dlops_stencil_prog prog[2]; /* forward, adjoint */
  int dist;                   /* axis 0 over several ranks */
  dlops_stencil_args args;    /* the local geometry (ghost fields set per direction) */
  xchg xc[2];
  dlops_darray tmpl;          /* the vectors' template: where the buffers live */
  int overlap;                /* compute the interior while the ghost rows travel (DLOPS_OVERLAP) */
} deriv_data;

static void xchg_free(dlops_darray t, xchg *c) {
  free(c->msg);
  free(c->srows);
  dlops_op_free_like(t, c->sbuf);
  dlops_op_free_like(t, c->rbuf);
}

static void deriv_free(deriv_data *d) {
  if (!d) return;
  xchg_free(d->tmpl, &d->xc[0]);
  xchg_free(d->tmpl, &d->xc[1]);
  dlops_darray_release(&d->tmpl);
  free(d);
}
static void deriv_destroy(dlops_op A) { deriv_free(A->data); }


/* Ghost rows (outside its own rows, ascending) that rank r reads through prog: at most 2R. */
static int needed_rows(const dlops_stencil_prog *p, int64_t n, int P, int r, int64_t *out) {
  int64_t o = dlops_split_offset(n, P, r), e = o + dlops_split_size(n, P, r);
  int cnt = 0;
  if (e == o) return 0;
  unsigned char want[4 * R] = {0}; /* rows o-R..o-1 and e..e+R-1 */
  for (int64_t i = o; i < e; i++) {
    if (i >= o + R && i < e - R) { /* interior rows reach nothing outside */
      i = e - R - 1;
      continue;
    }
    unsigned s = dlops_deriv_support(p, i);
    for (int dd = -R; dd <= R; dd++) {
      if (!(s & (1u << (dd + R)))) continue;
      int64_t g = i + dd;
      if (g < o) want[g - (o - R)] = 1;
      else if (g >= e) want[R + (g - e)] = 1;
    }
  }
  for (int k = 0; k < 2 * R; k++)
    if (want[k]) out[cnt++] = k < R ? o - R + k : e + (k - R);
  return cnt;
}

/* Build the exchange of one direction: this rank receives the rows it needs from their owners
 * and sends every other rank the rows it needs that this rank owns. Every rank derives all of
 * it from (n, P, program), so the lists match without communication. */
static int xchg_build(dlops_ctx ctx, const dlops_stencil_prog *p, int64_t inner, dlops_darray tmpl, xchg *c) {
  const dlops_dtype t = tmpl->dtype;
  const int P = ctx->size, me = ctx->rank;
  const int64_t n = p->n, o = dlops_split_offset(n, P, me), e = o + dlops_split_size(n, P, me);
  const size_t rb = (size_t)inner * dlops_dtype_size(t);
  for (int k = 0; k < 2 * R; k++) c->gmap[k] = -1;
  int64_t *scnt = calloc((size_t)P, sizeof *scnt), *rcnt = calloc((size_t)P, sizeof *rcnt);
  int64_t *slist = malloc(sizeof *slist * (size_t)(2 * R) * (size_t)P);
  int err = (scnt && rcnt && slist) ? 0 : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "derivative: cannot allocate exchange plan");
  int64_t need[2 * R];
  int nneed = 0;
  if (!err) {
    /* receives */
    nneed = needed_rows(p, n, P, me, need);
    for (int k = 0; k < nneed; k++) rcnt[dlops_split_owner(need[k], n, P)]++;
    /* sends, in ascending peer order then ascending rows */
    for (int q = 0; q < P; q++) {
      if (q == me) continue;
      int64_t nq[2 * R];
      int cq = needed_rows(p, n, P, q, nq);
      for (int k = 0; k < cq; k++)
        if (nq[k] >= o && nq[k] < e) slist[c->nsrows + scnt[q]++] = nq[k] - o;
      c->nsrows += scnt[q];
    }
    int nm = 0;
    for (int q = 0; q < P; q++) nm += (scnt[q] || rcnt[q]);
    c->nmsg = nm;
    c->msg = calloc((size_t)(nm ? nm : 1), sizeof *c->msg);
    c->srows = malloc(sizeof *c->srows * (size_t)(c->nsrows ? c->nsrows : 1));
    c->nrrows = nneed;
    /* packed rows and ghost rows live where the vectors live */
    if (dlops_op_alloc_like(tmpl, t, c->nsrows * inner, NULL, &c->sbuf)) c->sbuf = NULL;
    if (dlops_op_alloc_like(tmpl, t, nneed * inner, NULL, &c->rbuf)) c->rbuf = NULL;
    if (!c->msg || !c->srows || !c->sbuf || !c->rbuf)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "derivative: cannot allocate ghost-row buffers");
  }
  if (!err) {
    if (c->nsrows) memcpy(c->srows, slist, sizeof *slist * (size_t)c->nsrows);
    /* received rows are stored in ascending global order: owners ascend with rows */
    for (int k = 0; k < nneed; k++) {
      int64_t g = need[k];
      int pos = g < o ? (int)(g - (o - R)) : (int)(R + g - e);
      c->gmap[pos] = k;
    }
    int64_t soff = 0, roff = 0;
    int m = 0;
    for (int q = 0; q < P; q++) {
      if (!scnt[q] && !rcnt[q]) continue;
      dlops_nbr_msg *msg = &c->msg[m++];
      msg->peer = q;
      msg->sendbuf = (char *)c->sbuf + (size_t)soff * rb;
      msg->scount = scnt[q] * inner;
      msg->recvbuf = (char *)c->rbuf + (size_t)roff * rb;
      msg->rcount = rcnt[q] * inner;
      soff += scnt[q];
      roff += rcnt[q];
    }
  }
  free(scnt);
  free(rcnt);
  free(slist);
  return err;
}

/* Start the exchange of the ghost rows of x that the program of direction adj reads (every
 * rank calls): pack the rows the neighbours read, then start the neighbour exchange. */
static int deriv_exchange_begin(dlops_op A, xchg *c, dlops_darray x, dlops_request *req) {
  deriv_data *d = A->data;
  dlops_mem *m = x->m;
  const size_t rb = (size_t)d->args.inner * dlops_dtype_size(A->dtype);
  int err = 0;
  for (int64_t k = 0; k < c->nsrows && !err; k++)
    DLOPS_STEP(A->ctx, err, dlops_mem_copy(m, (char *)c->sbuf + (size_t)k * rb, m,
                                           (const char *)x->data + (size_t)c->srows[k] * rb, rb, 0));
  /* every rank starts the exchange, with no message when it has none (comm.h contract), also
   * after a failed pack: the other ranks are in it (the failure is marked on the context) */
  int cerr;
  if (d->overlap) {
    cerr = dlops_comm_ineighbor(A->ctx->world, c->nmsg, c->msg, (dlops_ctype)A->dtype, req, x->mem);
  } else {
    req->by = NULL; /* nothing to wait for */
    cerr = dlops_comm_neighbor(A->ctx->world, c->nmsg, c->msg, (dlops_ctype)A->dtype, x->mem);
  }
  return err ? err : cerr;
}

/* Output elements per stencil call while ghost rows travel: between two calls MPI is given the
 * chance to move the messages on (a large message needs its receiver inside MPI). */
#define OVERLAP_PIECE ((int64_t)1 << 16)

int dlops_deriv_sum_apply(int n, const dlops_op *D, const double *w, const dlops_darray *xs, dlops_darray y, int adj) {
  dlops_stencil_term terms[DLOPS_STENCIL_MAXTERM];
  dlops_request req[DLOPS_STENCIL_MAXTERM];
  if (n < 1 || n > DLOPS_STENCIL_MAXTERM)
    return DLOPS_ERROR(y->ctx, DLOPS_ERR_INTERNAL, "derivative sum of %d terms", n);
  int err = 0, nreq = 0;
  /* Elements [ilo, ihi) of y read no ghost row: every output row there is at least REACH rows
   * from both ends of this rank's rows of every distributed term. They are computed while the
   * ghost rows travel, the rest after. */
  int64_t ilo = 0, ihi = INT64_MAX;
  for (int k = 0; k < n; k++) {
    deriv_data *d = D[k]->data;
    terms[k].prog = &d->prog[adj];
    terms[k].args = d->args;
    terms[k].x = xs[k]->data;
    terms[k].weight = w ? w[k] : 1.0;
    if (!d->dist) continue;
    const int64_t lo = R * d->args.inner, hi = (d->args.nrows - R) * d->args.inner;
    ilo = lo > ilo ? lo : ilo;
    ihi = hi < ihi ? hi : ihi;
    xchg *c = &d->xc[adj];
    /* an earlier term that fetched the rows of the same input with the same statements: reuse
     * them. Decided on what every rank shares (the input's role and the programs, agreed at
     * creation), never on this rank's rows, so every rank makes the same exchanges. */
    int j = 0;
    for (; j < k; j++) {
      deriv_data *e = D[j]->data;
      const dlops_stencil_prog *pj = &e->prog[adj], *pk = &d->prog[adj];
      if (e->dist && xs[j] == xs[k] && e->args.inner == d->args.inner && pj->n == pk->n && pj->nst == pk->nst &&
          !memcmp(pj->st, pk->st, sizeof pk->st[0] * (size_t)pk->nst))
        break;
    }
    if (j < k) {
      terms[k].args.ghost = terms[j].args.ghost;
    } else {
      DLOPS_STEP(D[k]->ctx, err, deriv_exchange_begin(D[k], c, xs[k], &req[nreq]));
      nreq++;
      terms[k].args.ghost = c->rbuf;
    }
    terms[k].args.nghost = c->nrrows;
    for (int q = 0; q < 2 * R; q++) terms[k].args.gmap[q] = c->gmap[q];
  }
  const dlops_stencil_args *a0 = &((const deriv_data *)D[0]->data)->args; /* every term covers y */
  const int64_t total = a0->outer * a0->nrows * a0->inner;
  const dlops_dtype t = D[0]->dtype;
  dlops_mem *m = y->m;
  /* an exchange still travelling? (rma, staged memory and the blocking fallback finish in begin) */
  int inflight = 0;
  for (int k = 0; k < nreq; k++) inflight |= req[k].by != NULL && req[k].n > 0;
  if (!inflight || ihi <= ilo) { /* nothing to overlap: one call over the whole output */
    ilo = ihi = 0;
  } else {
    for (int64_t e = ilo; e < ihi && !err; e += OVERLAP_PIECE) {
      const int64_t e1 = ihi - e < OVERLAP_PIECE ? ihi : e + OVERLAP_PIECE;
      DLOPS_STEP(y->ctx, err, m->ops->stencil(m, t, n, terms, total, e, e1, y->data));
      for (int k = 0; k < nreq && !err; k++) DLOPS_STEP(y->ctx, err, dlops_comm_test(y->ctx->world, &req[k]));
    }
  }
  /* every started exchange completes, also after a failure (its buffers are in use) */
  for (int k = 0; k < nreq; k++) DLOPS_STEP(y->ctx, err, dlops_comm_wait(y->ctx->world, &req[k], DLOPS_COMM_NEIGHBOR));
  if (err || total == 0) return err;
  if (ilo > 0) err = m->ops->stencil(m, t, n, terms, total, 0, ilo, y->data);
  if (!err && ihi < total) err = m->ops->stencil(m, t, n, terms, total, ihi, total, y->data);
  return err;
}

static int deriv_run(dlops_op A, dlops_darray x, dlops_darray y, int adj) {
  return dlops_deriv_sum_apply(1, &A, NULL, &x, y, adj);
}
static int deriv_fwd(dlops_op A, dlops_darray x, dlops_darray y) { return deriv_run(A, x, y, 0); }
static int deriv_adj(dlops_op A, dlops_darray y, dlops_darray x) { return deriv_run(A, y, x, 1); }

int dlops_op_is_derivative(dlops_op A) { return A && A->destroy == deriv_destroy; }

static const char *const kind_names[] = {"forward", "backward", "centered"};

static int deriv_create(dlops_ctx ctx, int second, int ndim, const int64_t *dims, int axis, double sampling,
                        dlops_deriv_kind kind, int order, int edge, dlops_dtype dtype, dlops_op *A) {
  const char *what = second ? "second_derivative" : "first_derivative";
  DLOPS_OP_CTX_ENTRY(ctx);
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "%s: null output pointer", what);
  if (A) *A = NULL;
  edge = edge != 0;
  DLOPS_CHECK_COLL(ndim >= 1 && ndim <= DLOPS_MAX_NDIM, ctx, err, DLOPS_ERR_ARG, "%s: ndim %d out of range [1,%d]",
                   what, ndim, DLOPS_MAX_NDIM);
  DLOPS_CHECK_COLL(dims != NULL, ctx, err, DLOPS_ERR_ARG, "%s: null dims", what);
  int64_t total = 1;
  for (int k = 0; !err && k < ndim; k++) {
    DLOPS_CHECK_COLL(dims[k] >= 1, ctx, err, DLOPS_ERR_ARG, "%s: dims[%d] = %lld must be >= 1", what, k,
                     (long long)dims[k]);
    if (!err) {
      DLOPS_CHECK_COLL(total <= INT64_MAX / 16 / dims[k], ctx, err, DLOPS_ERR_ARG, "%s: dims too large", what);
      total *= dims[k];
    }
  }
  if (!err && axis < 0) axis += ndim;
  DLOPS_CHECK_COLL(err || (axis >= 0 && axis < ndim), ctx, err, DLOPS_ERR_ARG,
                   "%s: axis %d out of range for %d dimensions", what, axis, ndim);
  DLOPS_CHECK_COLL(isfinite(sampling) && sampling != 0.0, ctx, err, DLOPS_ERR_ARG,
                   "%s: sampling %g must be finite and non-zero", what, sampling);
  DLOPS_CHECK_COLL((int)kind >= 0 && (int)kind <= 2, ctx, err, DLOPS_ERR_ARG,
                   "%s: unknown kind %d (DLOPS_DERIV_FORWARD, _BACKWARD or _CENTERED)", what, (int)kind);
  DLOPS_CHECK_COLL(second || order == 3 || order == 5, ctx, err, DLOPS_ERR_ARG, "%s: order must be 3 or 5 (got %d)",
                   what, order);
  DLOPS_CHECK_COLL(second || order == 3 || kind == DLOPS_DERIV_CENTERED, ctx, err, DLOPS_ERR_ARG,
                   "%s: order %d is defined for the centered kind only (forward and backward are order 3)", what,
                   order);
  DLOPS_CHECK_COLL((int)dtype >= 0 && dtype < DLOPS_NUM_DTYPES, ctx, err, DLOPS_ERR_ARG, "%s: unknown dtype %d",
                   what, (int)dtype);
  deriv_data *d = NULL;
  if (!err) {
    d = calloc(1, sizeof *d);
    DLOPS_CHECK_COLL(d, ctx, err, DLOPS_ERR_MEM, "%s: cannot allocate operator data", what);
  }
  if (!err) {
    int64_t n = dims[axis];
    for (int adj = 0; adj < 2 && !err; adj++) {
      int64_t need = dlops_deriv_prog_build(second, kind, order, edge, adj, n, sampling, &d->prog[adj]);
      DLOPS_CHECK_COLL(need == 0, ctx, err, DLOPS_ERR_SIZE,
                       "%s: the %s%s stencil with edge=1 needs at least %lld samples along axis %d (dims[%d] = %lld)",
                       what, kind_names[kind], second ? "" : (order == 5 ? " order-5" : " order-3"), (long long)need,
                       axis, axis, (long long)n);
    }
  }
  /* every rank must describe the same operator: the shape (DLOPS_ERR_SIZE when it differs), then
   * the other arguments (DLOPS_ERR_ARG); a rank that failed above is reported by the first */
  uint64_t hs = 0, ha = 0;
  if (!err) {
    hs = dlops_op_hash_i64(0, ndim);
    for (int k = 0; k < ndim; k++) hs = dlops_op_hash_i64(hs, dims[k]);
    ha = dlops_op_hash_i64(0, axis);
    ha = dlops_op_hash_i64(ha, kind);
    ha = dlops_op_hash_i64(ha, second ? 0 : order);
    ha = dlops_op_hash_i64(ha, edge);
    ha = dlops_op_hash_i64(ha, dtype);
    ha = dlops_op_hash_f64(ha, sampling);
  }
  err = dlops_op_agree(ctx, err, hs, DLOPS_ERR_SIZE, "dims (model shape)");
  if (!err)
    err = dlops_op_agree(ctx, err, ha, DLOPS_ERR_ARG, second ? "axis, sampling, kind, edge or dtype"
                                                             : "axis, sampling, kind, order, edge or dtype");
  if (err) {
    free(d);
    return err;
  }
  /* layout and local geometry */
  int64_t rows, row0, nelem;
  dlops_nd_split(ctx, ndim, dims, &rows, &row0, &nelem);
  d->dist = ctx->size > 1 && axis == 0;
  const char *ov = getenv("DLOPS_OVERLAP");
  d->overlap = !(ov && !strcmp(ov, "0")); /* a local choice: ranks may differ (same messages) */
  int64_t inner = 1, outer = 1;
  for (int k = axis + 1; k < ndim; k++) inner *= dims[k];
  for (int k = 0; k < axis; k++) outer *= k == 0 ? rows : dims[k];
  d->args.inner = inner;
  d->args.outer = axis == 0 ? 1 : outer;
  d->args.row0 = d->dist ? row0 : 0;             /* distributed axis 0: this rank's rows */
  d->args.nrows = d->dist ? rows : dims[axis];   /* otherwise the whole (local) axis */
  for (int k = 0; k < 2 * R; k++) d->args.gmap[k] = -1;
  dlops_darray v = NULL;
  err = dlops_op_vec1d(ctx, total, nelem, DLOPS_SCATTER, dtype, -1, &v);
  if (!err) {
    d->tmpl = v;
    dlops_darray_retain(v);
  }
  if (!err && d->dist) {
    err = xchg_build(ctx, &d->prog[0], inner, v, &d->xc[0]);
    if (!err) err = xchg_build(ctx, &d->prog[1], inner, v, &d->xc[1]);
  }
  if (!err) err = dlops_op_new(what, v, v, dtype, DLOPS_SPACES_ALL, A);
  err = dlops_comm_agree(ctx->world, err);
  dlops_darray_destroy(&v);
  if (err) {
    if (A && *A) dlops_op_destroy(A);
    deriv_free(d);
    return err;
  }
  dlops_op op = *A;
  op->data = d;
  op->destroy = deriv_destroy;
  op->apply = deriv_fwd;
  /* log_view estimate: a multiply-add per stencil point and element (3 points; 5 for order 5) */
  op->flops = (dtype == DLOPS_C64 || dtype == DLOPS_C128 ? 4.0 : 1.0) * 2.0 * (second || order == 3 ? 3 : 5) *
              (double)nelem;
  op->apply_adjoint = deriv_adj;
  op->ndims = op->ndimsd = ndim;
  memcpy(op->dims, dims, sizeof(int64_t) * (size_t)ndim);
  memcpy(op->dimsd, dims, sizeof(int64_t) * (size_t)ndim);
  return DLOPS_SUCCESS;
}

int dlops_op_create_first_derivative(dlops_ctx ctx, int ndim, const int64_t *dims, int axis, double sampling,
                                     dlops_deriv_kind kind, int order, int edge, dlops_dtype dtype, dlops_op *A) {
  return deriv_create(ctx, 0, ndim, dims, axis, sampling, kind, order, edge, dtype, A);
}

int dlops_op_create_second_derivative(dlops_ctx ctx, int ndim, const int64_t *dims, int axis, double sampling,
                                      dlops_deriv_kind kind, int edge, dlops_dtype dtype, dlops_op *A) {
  return deriv_create(ctx, 1, ndim, dims, axis, sampling, kind, 3, edge, dtype, A);
}
