/* Agreement: the one protocol every collective entry point starts with (DESIGN.md, error model).
 *
 * Every agreement and every agreed reduction (dot, vdot, norm) is one MPI_Allreduce of a record
 * with a user-defined operation:
 *
 *   header  fail      lowest rank that failed locally (its own check, or a failure marked on the
 *                     context by an earlier local step), or INT32_MAX
 *           mismatch  1 when two ranks passed different argument checksums or reduction kinds
 *           hash      checksum of the scalar arguments that must be equal on every rank
 *           op        the reduction (sum, max, min) or none (agreement only)
 *           need      the largest payload any rank needs (a second round carries it when it is
 *                     larger than the first round's capacity)
 *   payload nv doubles, reduced by op (max and min keep NaN), then nx int64 words summed
 *           (the exact accumulators of deterministic reductions)
 *
 * The first round always has the same size on a communicator (16 doubles, plus 4 exact
 * accumulators when the context is deterministic), whatever the call: a rank whose arguments are
 * so bad that it cannot tell which collective the others are in (a NULL array in a dot) still
 * joins with a "failed" record, and the agreement ends the same way on every rank:
 *   - someone failed: the lowest failing rank broadcasts its code and message (a second
 *     message, on the failure path only) and every rank returns them;
 *   - checksums differ: every rank returns DLOPS_ERR_ARG naming what differs;
 *   - else the payload is the reduction's result: one message in all.
 * Either way a pending context failure is cleared on every rank once reported. */
#include <limits.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/ctx_impl.h"
#include "../core/handle.h"

#define RED_CAP 16 /* payload doubles of the first round */
#define RED_XCAP 4 /* exact accumulators of the first round (deterministic contexts) */

typedef struct {
  int32_t fail;
  int32_t mismatch;
  uint64_t hash;
  int32_t op;
  int32_t need;
  int32_t nv; /* doubles in this record */
  int32_t nx; /* exact words in this record */
} red_hdr;

static double *rec_v(red_hdr *h) { return (double *)(h + 1); }
static int64_t *rec_x(red_hdr *h) { return (int64_t *)(rec_v(h) + h->nv); }
static size_t rec_bytes(int nv, int nx) { return sizeof(red_hdr) + sizeof(double) * (size_t)nv + 8 * (size_t)nx; }

static void red_fn(void *invec, void *inoutvec, int *len, MPI_Datatype *dt) {
  (void)dt;
  red_hdr *a = invec, *b = inoutvec;
  for (int r = 0; r < *len; r++) {
    if (a->fail < b->fail) b->fail = a->fail;
    if (a->mismatch || a->hash != b->hash || a->op != b->op || a->nv != b->nv || a->nx != b->nx) b->mismatch = 1;
    if (a->need > b->need) b->need = a->need;
    if (!b->mismatch && b->op != DLOPS_OP_NONE) {
      const double *va = rec_v(a);
      double *vb = rec_v(b);
      for (int i = 0; i < b->nv; i++) {
        double x = va[i], y = vb[i];
        if (b->op == DLOPS_OP_SUM)
          vb[i] = x + y;
        else if (isnan(x) || isnan(y))
          vb[i] = NAN;
        else if (b->op == DLOPS_OP_MAX)
          vb[i] = x > y ? x : y;
        else
          vb[i] = x < y ? x : y;
      }
      const int64_t *xa = rec_x(a);
      int64_t *xb = rec_x(b);
      for (int i = 0; i < b->nx; i++) xb[i] = (int64_t)((uint64_t)xb[i] + (uint64_t)xa[i]);
    }
    size_t step = rec_bytes(b->nv, b->nx);
    a = (red_hdr *)((char *)a + step);
    b = (red_hdr *)((char *)b + step);
  }
}

static MPI_Op red_op = MPI_OP_NULL;

static int red_type(dlops_comm *c, size_t bytes, MPI_Datatype *t) {
  /* one contiguous type per record size, kept on the communicator */
  for (int i = 0; i < DLOPS_RED_TYPES; i++)
    if (c->red_types[i].bytes == bytes) {
      *t = c->red_types[i].type;
      return MPI_SUCCESS;
    }
  int e = MPI_SUCCESS;
  if (red_op == MPI_OP_NULL) e = MPI_Op_create(red_fn, 1, &red_op);
  if (e != MPI_SUCCESS) return e;
  MPI_Datatype nt;
  e = MPI_Type_contiguous((int)bytes, MPI_BYTE, &nt);
  if (e == MPI_SUCCESS) e = MPI_Type_commit(&nt);
  if (e != MPI_SUCCESS) return e;
  int slot = c->red_next++ % DLOPS_RED_TYPES;
  if (c->red_types[slot].bytes) MPI_Type_free(&c->red_types[slot].type);
  c->red_types[slot].bytes = bytes;
  c->red_types[slot].type = nt;
  *t = nt;
  return MPI_SUCCESS;
}

void dlops_comm_red_free_types(dlops_comm *c) {
  for (int i = 0; i < DLOPS_RED_TYPES; i++)
    if (c->red_types[i].bytes) {
      MPI_Type_free(&c->red_types[i].type);
      c->red_types[i].bytes = 0;
    }
}

/* The error this rank brings to an agreement: its own, else one marked on the context. */
static int local_code(dlops_comm *c, int err) {
  if (err) return err;
  return c->ctx ? c->ctx->pending : 0;
}

static void fill_record(dlops_comm *c, dlops_red *r, red_hdr *h, int nv, int nx, int code) {
  memset(h, 0, rec_bytes(nv, nx));
  h->fail = code ? c->rank : INT32_MAX;
  h->hash = r->hash;
  h->op = (int32_t)r->op;
  h->need = r->n;
  h->nv = nv;
  h->nx = nx;
  double *v = rec_v(h);
  int64_t *x = rec_x(h);
  int k = r->n < nv ? r->n : nv;
  if (!code && r->v) {
    if (k) memcpy(v, r->v, sizeof(double) * (size_t)k);
    if (r->x && r->xper && nx) memcpy(x, r->x, 8 * (size_t)(k * r->xper < nx ? k * r->xper : nx));
  }
  /* neutral elements beyond this rank's payload (and for a failing rank) */
  double neutral = r->op == DLOPS_OP_MAX ? -INFINITY : r->op == DLOPS_OP_MIN ? INFINITY : 0.0;
  for (int i = code ? 0 : k; i < nv; i++) v[i] = neutral;
}

static int first_round_caps(dlops_comm *c, dlops_red *r, int *nv, int *nx) {
  *nv = RED_CAP;
  *nx = c->red_xper ? RED_XCAP * c->red_xper : 0;
  (void)r;
  return 0;
}

int dlops_red_start(dlops_comm *c, dlops_red *r, int err) {
  r->c = c;
  r->code = local_code(c, err);
  r->from_pending = !err && r->code;
  int nv, nx;
  first_round_caps(c, r, &nv, &nx);
  r->bytes = rec_bytes(nv, nx);
  r->rec = r->buf; /* the first round never allocates: a rank out of memory still joins */
  r->t0 = MPI_Wtime();
  if (r->bytes > sizeof r->buf) return DLOPS_ERROR(c->ctx, DLOPS_ERR_INTERNAL, "agreement record too large");
  fill_record(c, r, r->rec, nv, nx, r->code);
  MPI_Datatype t;
  int e = red_type(c, r->bytes, &t);
  r->req = MPI_REQUEST_NULL;
  /* blocking when the caller waits at once: MPI_Allreduce takes the tuned algorithms, while the
   * non-blocking one goes through libnbc and costs about three times the latency here */
  if (e == MPI_SUCCESS)
    e = r->blocking ? MPI_Allreduce(MPI_IN_PLACE, r->rec, 1, t, red_op, c->mpi)
                    : MPI_Iallreduce(MPI_IN_PLACE, r->rec, 1, t, red_op, c->mpi, &r->req);
  if (e != MPI_SUCCESS) {
    r->rec = NULL;
    return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__,
                           r->blocking ? "MPI_Allreduce (agreement)" : "MPI_Iallreduce (agreement)");
  }
  r->active = 1;
  return DLOPS_SUCCESS;
}

static int failure_path(dlops_comm *c, dlops_red *r, int fail) {
  struct {
    int code;
    char msg[DLOPS_MSG_LEN];
  } pkt;
  memset(&pkt, 0, sizeof pkt);
  if (c->rank == fail) {
    pkt.code = r->code;
    snprintf(pkt.msg, sizeof pkt.msg, "%s", r->from_pending ? c->ctx->pending_msg : c->ctx->errmsg);
  }
  int e = MPI_Bcast(&pkt, (int)sizeof pkt, MPI_BYTE, fail, c->mpi);
  dlops_counter_add(c, DLOPS_COMM_META, 1, (int64_t)sizeof pkt, 0.0);
  if (e != MPI_SUCCESS) return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Bcast (agreement)");
  if (c->ctx) snprintf(c->ctx->errmsg, sizeof c->ctx->errmsg, "%s", pkt.msg);
  dlops_error_record_global(pkt.msg);
  dlops_error_note_agreed(c->rank == 0); /* printed once, by rank 0 (dlops_print_error) */
  return pkt.code ? pkt.code : DLOPS_ERR_INTERNAL;
}

int dlops_red_finish(dlops_red *r) {
  if (!r->active) return DLOPS_ERR_INTERNAL;
  dlops_comm *c = r->c;
  r->active = 0;
  int e = MPI_Wait(&r->req, MPI_STATUS_IGNORE);
  red_hdr *h = r->rec;
  int result = DLOPS_SUCCESS;
  dlops_counter_add(c, r->op == DLOPS_OP_NONE || r->meta ? DLOPS_COMM_META : DLOPS_COMM_ALLREDUCE, 1, (int64_t)r->bytes,
                    MPI_Wtime() - r->t0);
  if (e != MPI_SUCCESS) {
    result = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Wait (agreement)");
  } else if (h->fail != INT32_MAX) {
    result = failure_path(c, r, h->fail);
  } else if (h->mismatch) {
    result = DLOPS_ERROR(c->ctx, r->mismatch_code ? r->mismatch_code : DLOPS_ERR_ARG,
                         "ranks passed different %s to a collective call (every rank must pass the same values)",
                         r->what ? r->what : "arguments");
    dlops_error_note_agreed(c->rank == 0);
  } else if (r->op != DLOPS_OP_NONE) {
    int nv = h->nv, nx = h->nx;
    if (h->need > nv || (nx && (int64_t)h->need * c->red_xper > nx)) { /* second round with room for everyone */
      int need = h->need;
      nv = need;
      nx = c->red_xper ? need * c->red_xper : 0;
      size_t bytes = rec_bytes(nv, nx);
      red_hdr *h2 = malloc(bytes);
      MPI_Datatype t;
      int rc = h2 ? red_type(c, bytes, &t) : MPI_ERR_NO_MEM;
      if (h2) fill_record(c, r, h2, nv, nx, 0);
      /* a rank that cannot allocate the larger record cannot join: it returns DLOPS_ERR_MEM
       * while the others wait (documented limit: only multi_dot with more than 8 pairs, or
       * masked reductions over many colours, take this second round) */
      if (rc == MPI_SUCCESS) rc = MPI_Allreduce(MPI_IN_PLACE, h2, 1, t, red_op, c->mpi);
      dlops_counter_add(c, DLOPS_COMM_ALLREDUCE, 1, (int64_t)bytes, 0.0);
      if (rc != MPI_SUCCESS) {
        result = h2 ? dlops_error_mpi(c->ctx, rc, __FILE__, __LINE__, __func__, "MPI_Allreduce (agreement)")
                    : DLOPS_ERROR(c->ctx, DLOPS_ERR_MEM, "cannot allocate a reduction record of %zu bytes", bytes);
        free(h2);
      } else {
        r->rec = h = h2;
      }
    }
    if (!result && r->v) {
      memcpy(r->v, rec_v(h), sizeof(double) * (size_t)r->n);
      if (r->x && r->xper) memcpy(r->x, rec_x(h), 8 * (size_t)(r->n * r->xper));
    }
  }
  if (result && c->ctx) c->ctx->pending = 0; /* reported on every rank */
  if (r->rec != (void *)r->buf) free(r->rec);
  r->rec = NULL;
  return result;
}

int dlops_red_run(dlops_comm *c, dlops_red *r, int err) {
  r->blocking = 1;
  int e = dlops_red_start(c, r, err);
  if (e) return e;
  return dlops_red_finish(r);
}

int dlops_comm_agree_hash(dlops_comm *c, int err, uint64_t hash, const char *what) {
  dlops_red r;
  memset(&r, 0, sizeof r);
  r.op = DLOPS_OP_NONE;
  r.hash = hash;
  r.what = what;
  return dlops_red_run(c, &r, err);
}

int dlops_comm_agree(dlops_comm *c, int err) { return dlops_comm_agree_hash(c, err, 0, NULL); }

uint64_t dlops_hash_bytes(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  if (!h) h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= 1099511628211ULL;
  }
  return h;
}

int dlops_agree_orphan(int err) {
  dlops_ctx ctx = dlops_handle_only_ctx();
  if (ctx && ctx->world) {
    /* the message was recorded without a context: the agreement shares it from the context */
    snprintf(ctx->errmsg, sizeof ctx->errmsg, "%s", dlops_last_error());
    return dlops_comm_agree(ctx->world, err);
  }
  return err;
}

int dlops_agree_on(dlops_ctx ctx, int err, uint64_t hash, const char *what) {
  if (ctx && dlops_handle_kind(ctx) == DLOPS_H_CTX && ctx->world) return dlops_comm_agree_hash(ctx->world, err, hash, what);
  return dlops_agree_orphan(err ? err : DLOPS_ERR_INTERNAL);
}

int dlops_ctx_agree(dlops_ctx ctx, int err, uint64_t hash, const char *what) { return dlops_agree_on(ctx, err, hash, what); }

void dlops_ctx_trust(dlops_ctx ctx, int delta) {
  if (ctx) ctx->trusted += delta;
}

int dlops_ctx_trusted(dlops_ctx ctx) { return ctx && ctx->trusted > 0; }

int dlops_ctx_agree_ex(dlops_ctx ctx, int err, uint64_t hash, const char *what, int mismatch_code, double *vmax, int n) {
  if (!ctx || dlops_handle_kind(ctx) != DLOPS_H_CTX || !ctx->world) return dlops_agree_orphan(err ? err : DLOPS_ERR_INTERNAL);
  dlops_red r;
  memset(&r, 0, sizeof r);
  r.op = n > 0 ? DLOPS_OP_MAX : DLOPS_OP_NONE;
  r.n = n;
  r.v = vmax;
  r.hash = hash;
  r.what = what;
  r.meta = 1;
  r.mismatch_code = mismatch_code;
  return dlops_red_run(ctx->world, &r, err);
}

int dlops_ctx_agree_max(dlops_ctx ctx, int err, uint64_t hash, const char *what, double *v, int n) {
  return dlops_ctx_agree_ex(ctx, err, hash, what, 0, v, n);
}
