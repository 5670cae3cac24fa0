/* Front end of the communication interface: validation, complex-as-real translation,
 * delegation to two-sided MPI for missing backend entries, counting and timing. */
#include "comm.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../core/ctx_impl.h"

size_t dlops_ctype_size(dlops_ctype t) {
  switch (t) {
    case DLOPS_CT_F32: return 4;
    case DLOPS_CT_F64: return 8;
    case DLOPS_CT_C64: return 8;
    case DLOPS_CT_C128: return 16;
    case DLOPS_CT_I32: return 4;
    case DLOPS_CT_I64: return 8;
    case DLOPS_CT_BYTE: return 1;
    default: return 0;
  }
}

MPI_Datatype dlops_ctype_mpi(dlops_ctype t) {
  switch (t) {
    case DLOPS_CT_F32: return MPI_FLOAT;
    case DLOPS_CT_F64: return MPI_DOUBLE;
    case DLOPS_CT_I32: return MPI_INT;
    case DLOPS_CT_I64: return MPI_INT64_T;
    case DLOPS_CT_BYTE: return MPI_BYTE;
    default: return MPI_DATATYPE_NULL; /* complex never reaches a backend */
  }
}

void dlops_counter_add(dlops_comm *c, dlops_comm_kind k, int64_t messages, int64_t bytes, double t) {
  dlops_comm_counter *ct = &c->counters->k[k];
  ct->calls++;
  ct->messages += messages;
  ct->bytes += bytes;
  ct->seconds += t;
}

/* Complex types travel as twice as many reals. */
static dlops_ctype real_of(dlops_ctype t, int *factor) {
  *factor = 1;
  if (t == DLOPS_CT_C64) { *factor = 2; return DLOPS_CT_F32; }
  if (t == DLOPS_CT_C128) { *factor = 2; return DLOPS_CT_F64; }
  return t;
}

static int64_t nchunks(const dlops_comm *c, int64_t count) {
  return count <= 0 ? 1 : (count + c->max_chunk - 1) / c->max_chunk;
}

static void note_delegation(dlops_comm *c, int bit, const char *what) {
  if (c->delegated_logged & (1 << bit)) return;
  c->delegated_logged |= 1 << bit;
  if (c->ctx && c->ctx->log && c->rank == 0)
    fprintf(stderr, "[dlops] backend '%s' has no %s: using two-sided MPI for it\n", c->ops->name, what);
}

#define PICK(c, field, bit)                                                      \
  ((c)->ops->field ? (c)->ops->field                                             \
                   : (note_delegation((c), (bit), #field), dlops_comm_mpi_ops.field))

static int check_type(dlops_comm *c, dlops_ctype t) {
  DLOPS_CHECK(t >= 0 && t < DLOPS_CT_NUM, c->ctx, DLOPS_ERR_ARG, "invalid transport type %d", (int)t);
  return DLOPS_SUCCESS;
}

int dlops_comm_allreduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t,
                         dlops_redop op) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CHECK(count >= 0, c->ctx, DLOPS_ERR_ARG, "negative count %lld", (long long)count);
  int f;
  dlops_ctype rt = real_of(t, &f);
  DLOPS_CHECK(f == 1 || op == DLOPS_OP_SUM, c->ctx, DLOPS_ERR_ARG, "max/min reductions are not defined for complex data");
  double t0 = MPI_Wtime();
  DLOPS_CALL(PICK(c, allreduce, 0)(c, send, recv, count * f, rt, op));
  dlops_counter_add(c, DLOPS_COMM_ALLREDUCE, nchunks(c, count * f), count * (int64_t)dlops_ctype_size(t),
                    MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_reduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                      int root) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CHECK(count >= 0, c->ctx, DLOPS_ERR_ARG, "negative count %lld", (long long)count);
  DLOPS_CHECK(root >= 0 && root < c->size, c->ctx, DLOPS_ERR_ARG, "root %d out of range [0,%d)", root, c->size);
  int f;
  dlops_ctype rt = real_of(t, &f);
  DLOPS_CHECK(f == 1 || op == DLOPS_OP_SUM, c->ctx, DLOPS_ERR_ARG, "max/min reductions are not defined for complex data");
  double t0 = MPI_Wtime();
  DLOPS_CALL(PICK(c, reduce, 1)(c, send, recv, count * f, rt, op, root));
  dlops_counter_add(c, DLOPS_COMM_REDUCE, nchunks(c, count * f), count * (int64_t)dlops_ctype_size(t),
                    MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_bcast(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CHECK(count >= 0, c->ctx, DLOPS_ERR_ARG, "negative count %lld", (long long)count);
  DLOPS_CHECK(root >= 0 && root < c->size, c->ctx, DLOPS_ERR_ARG, "root %d out of range [0,%d)", root, c->size);
  int f;
  dlops_ctype rt = real_of(t, &f);
  double t0 = MPI_Wtime();
  DLOPS_CALL(PICK(c, bcast, 2)(c, buf, count * f, rt, root));
  int me = c->rank == root && c->size > 1;
  dlops_counter_add(c, DLOPS_COMM_BCAST, me ? nchunks(c, count * f) : 0,
                    me ? count * (int64_t)dlops_ctype_size(t) : 0, MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

/* Scale P counts (and displacements) by f into freshly allocated arrays. */
static int scaled(dlops_comm *c, const int64_t *in, int f, int64_t **out) {
  *out = NULL;
  if (!in) return DLOPS_SUCCESS;
  *out = malloc(sizeof(int64_t) * (size_t)(c->size > 0 ? c->size : 1));
  DLOPS_CHECK(*out, c->ctx, DLOPS_ERR_MEM, "cannot allocate %d counts", c->size);
  for (int i = 0; i < c->size; i++) (*out)[i] = in[i] * f;
  return DLOPS_SUCCESS;
}

int dlops_comm_allgatherv(dlops_comm *c, const void *send, int64_t scount, void *recv, const int64_t *rcounts,
                          const int64_t *rdispls, dlops_ctype t) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CHECK(rcounts && rdispls, c->ctx, DLOPS_ERR_ARG, "allgatherv needs counts and displacements");
  DLOPS_CHECK(scount == rcounts[c->rank], c->ctx, DLOPS_ERR_SIZE,
              "allgatherv: send count %lld differs from this rank's receive count %lld", (long long)scount,
              (long long)rcounts[c->rank]);
  int f;
  dlops_ctype rt = real_of(t, &f);
  int64_t *rc = NULL, *rd = NULL;
  int err = scaled(c, rcounts, f, &rc);
  if (!err) err = scaled(c, rdispls, f, &rd);
  double t0 = MPI_Wtime();
  if (!err) err = PICK(c, allgatherv, 3)(c, send, scount * f, recv, rc, rd, rt);
  free(rc);
  free(rd);
  DLOPS_CALL(err);
  dlops_counter_add(c, DLOPS_COMM_ALLGATHER, c->size > 1 ? nchunks(c, scount * f) : 0,
                    c->size > 1 ? scount * (int64_t)dlops_ctype_size(t) : 0, MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_allgather(dlops_comm *c, const void *send, int64_t count, void *recv, dlops_ctype t) {
  int64_t *cnt = malloc(sizeof(int64_t) * 2 * (size_t)c->size);
  DLOPS_CHECK(cnt, c->ctx, DLOPS_ERR_MEM, "cannot allocate %d counts", c->size);
  for (int i = 0; i < c->size; i++) {
    cnt[i] = count;
    cnt[c->size + i] = count * i;
  }
  int err = dlops_comm_allgatherv(c, send, count, recv, cnt, cnt + c->size, t);
  free(cnt);
  return err;
}

int dlops_comm_alltoallv(dlops_comm *c, const void *send, const int64_t *scounts, const int64_t *sdispls,
                         void *recv, const int64_t *rcounts, const int64_t *rdispls, dlops_ctype t) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CHECK(scounts && sdispls && rcounts && rdispls, c->ctx, DLOPS_ERR_ARG,
              "alltoallv needs counts and displacements");
  int f;
  dlops_ctype rt = real_of(t, &f);
  int64_t *sc = NULL, *sd = NULL, *rc = NULL, *rd = NULL;
  int err = scaled(c, scounts, f, &sc);
  if (!err) err = scaled(c, sdispls, f, &sd);
  if (!err) err = scaled(c, rcounts, f, &rc);
  if (!err) err = scaled(c, rdispls, f, &rd);
  double t0 = MPI_Wtime();
  if (!err) err = PICK(c, alltoallv, 4)(c, send, sc, sd, recv, rc, rd, rt);
  free(sc);
  free(sd);
  free(rc);
  free(rd);
  DLOPS_CALL(err);
  int64_t msgs = 0, bytes = 0;
  for (int i = 0; i < c->size; i++)
    if (i != c->rank && scounts[i] > 0) {
      msgs += nchunks(c, scounts[i] * f);
      bytes += scounts[i] * (int64_t)dlops_ctype_size(t);
    }
  dlops_counter_add(c, DLOPS_COMM_ALLTOALLV, msgs, bytes, MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_neighbor(dlops_comm *c, int n, const dlops_nbr_msg *msgs, dlops_ctype t) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CHECK(n >= 0 && (n == 0 || msgs), c->ctx, DLOPS_ERR_ARG, "bad neighbour list (n=%d)", n);
  int f;
  dlops_ctype rt = real_of(t, &f);
  /* the translated copy lives on the stack for the usual few neighbours (no allocation per apply) */
  dlops_nbr_msg local[16], *m = local;
  if (n > 16) {
    m = malloc(sizeof *m * (size_t)n);
    DLOPS_CHECK(m, c->ctx, DLOPS_ERR_MEM, "cannot allocate %d messages", n);
  }
  int err = DLOPS_SUCCESS;
  int64_t nm = 0, bytes = 0;
  for (int i = 0; i < n; i++) {
    m[i] = msgs[i];
    m[i].scount *= f;
    m[i].rcount *= f;
    if (msgs[i].peer < 0 || msgs[i].peer >= c->size || msgs[i].scount < 0 || msgs[i].rcount < 0) {
      err = DLOPS_ERROR(c->ctx, DLOPS_ERR_ARG, "neighbour message %d: peer %d (size %d), counts %lld/%lld", i,
                        msgs[i].peer, c->size, (long long)msgs[i].scount, (long long)msgs[i].rcount);
      break;
    }
    if (msgs[i].peer != c->rank && msgs[i].scount > 0) {
      nm += nchunks(c, m[i].scount);
      bytes += msgs[i].scount * (int64_t)dlops_ctype_size(t);
    }
  }
  double t0 = MPI_Wtime();
  if (!err) err = PICK(c, neighbor, 5)(c, n, m, rt);
  if (m != local) free(m);
  DLOPS_CALL(err);
  dlops_counter_add(c, DLOPS_COMM_NEIGHBOR, nm, bytes, MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_ibcast(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root, dlops_request *req) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CHECK(req, c->ctx, DLOPS_ERR_ARG, "null request");
  DLOPS_CHECK(count >= 0, c->ctx, DLOPS_ERR_ARG, "negative count %lld", (long long)count);
  DLOPS_CHECK(root >= 0 && root < c->size, c->ctx, DLOPS_ERR_ARG, "root %d out of range [0,%d)", root, c->size);
  int f;
  dlops_ctype rt = real_of(t, &f);
  double t0 = MPI_Wtime();
  /* A backend with its own ibcast must also provide wait (and the other way round). */
  const dlops_comm_ops *ops = c->ops->ibcast && c->ops->wait ? c->ops : &dlops_comm_mpi_ops;
  if (ops != c->ops) note_delegation(c, 6, "ibcast");
  DLOPS_CALL(ops->ibcast(c, buf, count * f, rt, root, req));
  req->by = ops;
  int me = c->rank == root && c->size > 1;
  dlops_counter_add(c, DLOPS_COMM_BCAST, me ? nchunks(c, count * f) : 0, me ? count * (int64_t)dlops_ctype_size(t) : 0,
                    MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_iallreduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                          dlops_request *req) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CHECK(req, c->ctx, DLOPS_ERR_ARG, "null request");
  DLOPS_CHECK(count >= 0, c->ctx, DLOPS_ERR_ARG, "negative count %lld", (long long)count);
  int f;
  dlops_ctype rt = real_of(t, &f);
  DLOPS_CHECK(f == 1 || op == DLOPS_OP_SUM, c->ctx, DLOPS_ERR_ARG, "max/min reductions are not defined for complex data");
  double t0 = MPI_Wtime();
  const dlops_comm_ops *ops = c->ops->iallreduce && c->ops->wait ? c->ops : &dlops_comm_mpi_ops;
  if (ops != c->ops) note_delegation(c, 7, "iallreduce");
  DLOPS_CALL(ops->iallreduce(c, send, recv, count * f, rt, op, req));
  req->by = ops;
  dlops_counter_add(c, DLOPS_COMM_ALLREDUCE, nchunks(c, count * f), count * (int64_t)dlops_ctype_size(t),
                    MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_ireduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                       int root, dlops_request *req) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CHECK(req, c->ctx, DLOPS_ERR_ARG, "null request");
  DLOPS_CHECK(count >= 0, c->ctx, DLOPS_ERR_ARG, "negative count %lld", (long long)count);
  DLOPS_CHECK(root >= 0 && root < c->size, c->ctx, DLOPS_ERR_ARG, "root %d out of range [0,%d)", root, c->size);
  int f;
  dlops_ctype rt = real_of(t, &f);
  DLOPS_CHECK(f == 1 || op == DLOPS_OP_SUM, c->ctx, DLOPS_ERR_ARG, "max/min reductions are not defined for complex data");
  double t0 = MPI_Wtime();
  const dlops_comm_ops *ops = c->ops->ireduce && c->ops->wait ? c->ops : &dlops_comm_mpi_ops;
  if (ops != c->ops) note_delegation(c, 8, "ireduce");
  DLOPS_CALL(ops->ireduce(c, send, recv, count * f, rt, op, root, req));
  req->by = ops;
  dlops_counter_add(c, DLOPS_COMM_REDUCE, nchunks(c, count * f), count * (int64_t)dlops_ctype_size(t),
                    MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_wait(dlops_comm *c, dlops_request *req, dlops_comm_kind kind) {
  DLOPS_CHECK(req, c->ctx, DLOPS_ERR_ARG, "null request");
  if (!req->by) return DLOPS_SUCCESS; /* never started, or already completed */
  double t0 = MPI_Wtime();
  int err = req->by->wait(c, req);
  req->by = NULL;
  if ((int)kind >= 0 && kind < DLOPS_COMM_NUM_KINDS) c->counters->k[kind].seconds += MPI_Wtime() - t0;
  return err;
}

int dlops_comm_create(dlops_ctx ctx, MPI_Comm mpi, const dlops_comm_ops *ops, dlops_counters *counters,
                      dlops_comm **out) {
  *out = NULL;
  dlops_comm *c = calloc(1, sizeof *c);
  DLOPS_CHECK(c, ctx, DLOPS_ERR_MEM, "cannot allocate a communicator");
  c->ops = ops;
  c->ctx = ctx;
  c->mpi = mpi;
  MPI_Comm_rank(mpi, &c->rank);
  MPI_Comm_size(mpi, &c->size);
  c->counters = counters;
  counters->refcount++;
  c->max_chunk = INT_MAX;
  const char *env = getenv("DLOPS_COMM_MAX_CHUNK");
  if (env) {
    long long v = atoll(env);
    if (v > 0 && v < INT_MAX) c->max_chunk = v;
  }
  *out = c;
  return DLOPS_SUCCESS;
}

void dlops_comm_destroy(dlops_comm **cp) {
  if (!cp || !*cp) return;
  dlops_comm *c = *cp;
  if (c->ops && c->ops->finalize) c->ops->finalize(c);
  if (c->mpi != MPI_COMM_NULL) MPI_Comm_free(&c->mpi);
  if (c->counters && --c->counters->refcount == 0) free(c->counters);
  free(c);
  *cp = NULL;
}

int dlops_comm_split(dlops_comm *c, int color, int key, dlops_comm **out) {
  *out = NULL;
  double t0 = MPI_Wtime();
  MPI_Comm nc;
  DLOPS_CALL_MPI(c->ctx, MPI_Comm_split(c->mpi, color < 0 ? MPI_UNDEFINED : color, key, &nc));
  if (nc == MPI_COMM_NULL) {
    dlops_counter_add(c, DLOPS_COMM_SPLIT, 0, 0, MPI_Wtime() - t0);
    return DLOPS_SUCCESS;
  }
  MPI_Comm_set_errhandler(nc, MPI_ERRORS_RETURN);
  dlops_comm *s = NULL;
  int err = dlops_comm_create(c->ctx, nc, c->ops, c->counters, &s);
  if (err) {
    MPI_Comm_free(&nc);
    return err;
  }
  s->max_chunk = c->max_chunk;
  if (c->ops->split_init) err = c->ops->split_init(c, s);
  if (err) {
    dlops_comm_destroy(&s);
    return err;
  }
  dlops_counter_add(c, DLOPS_COMM_SPLIT, 0, 0, MPI_Wtime() - t0);
  *out = s;
  return DLOPS_SUCCESS;
}

int dlops_comm_meta_allgather_i64(dlops_comm *c, const int64_t *send, int64_t count, int64_t *recv) {
  double t0 = MPI_Wtime();
  DLOPS_CHECK(count <= INT_MAX, c->ctx, DLOPS_ERR_INTERNAL, "metadata too large");
  DLOPS_CALL_MPI(c->ctx, MPI_Allgather(send, (int)count, MPI_INT64_T, recv, (int)count, MPI_INT64_T, c->mpi));
  dlops_counter_add(c, DLOPS_COMM_META, 1, count * 8, MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_meta_allreduce_i64(dlops_comm *c, int64_t *inout, int64_t count, dlops_redop op) {
  double t0 = MPI_Wtime();
  MPI_Op mop = op == DLOPS_OP_SUM ? MPI_SUM : op == DLOPS_OP_MAX ? MPI_MAX : MPI_MIN;
  DLOPS_CALL_MPI(c->ctx, MPI_Allreduce(MPI_IN_PLACE, inout, (int)count, MPI_INT64_T, mop, c->mpi));
  dlops_counter_add(c, DLOPS_COMM_META, 1, count * 8, MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_agree(dlops_comm *c, int err) {
  double t0 = MPI_Wtime();
  struct {
    int key;
    int rank;
  } in = {err ? c->rank : c->size, c->rank}, out;
  int mpierr = MPI_Allreduce(&in, &out, 1, MPI_2INT, MPI_MINLOC, c->mpi);
  if (mpierr != MPI_SUCCESS) return dlops_error_mpi(c->ctx, mpierr, __FILE__, __LINE__, __func__, "MPI_Allreduce");
  int64_t msgs = 1, bytes = (int64_t)sizeof in;
  int result = DLOPS_SUCCESS;
  if (out.key < c->size) {
    /* Someone failed: the lowest failing rank shares its code and message. */
    struct {
      int code;
      char msg[DLOPS_MSG_LEN];
    } pkt;
    memset(&pkt, 0, sizeof pkt);
    if (c->rank == out.key) {
      pkt.code = err;
      snprintf(pkt.msg, sizeof pkt.msg, "%s", dlops_ctx_last_error(c->ctx));
    }
    mpierr = MPI_Bcast(&pkt, (int)sizeof pkt, MPI_BYTE, out.key, c->mpi);
    if (mpierr != MPI_SUCCESS) return dlops_error_mpi(c->ctx, mpierr, __FILE__, __LINE__, __func__, "MPI_Bcast");
    msgs++;
    bytes += (int64_t)sizeof pkt;
    result = pkt.code;
    if (!err) {
      /* Keep the failing rank's text so every rank reports the same cause. */
      if (c->ctx) snprintf(c->ctx->errmsg, sizeof c->ctx->errmsg, "%s", pkt.msg);
      dlops_error_record_global(pkt.msg);
    } else if (c->rank != out.key) {
      /* This rank failed too, but reports the lowest failing rank's code for agreement. */
      result = pkt.code;
      if (c->ctx) snprintf(c->ctx->errmsg, sizeof c->ctx->errmsg, "%s", pkt.msg);
      dlops_error_record_global(pkt.msg);
    }
  }
  dlops_counter_add(c, DLOPS_COMM_META, msgs, bytes, MPI_Wtime() - t0);
  return result;
}
