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
  if (c->ctx && c->ctx->log) /* once per job, not once per communicator */
    dlops_log_note(c->rank, c->size, "[dlops] backend '%s' has no %s: using two-sided MPI for it", c->ops->name, what);
}

/* The entry of table ops, or two-sided MPI's when the backend lacks it (logged once). */
#define PICKFROM(ops, c, field, bit) \
  ((ops)->field ? (ops)->field : (note_delegation((c), (bit), #field), dlops_comm_mpi_ops.field))

static int check_type(dlops_comm *c, dlops_ctype t) {
  DLOPS_CHECK(t >= 0 && t < DLOPS_CT_NUM, c->ctx, DLOPS_ERR_ARG, "invalid transport type %d", (int)t);
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- memory spaces and staging */
int dlops_comm_direct(const dlops_comm *c, dlops_memspace mem) {
  return mem == DLOPS_MEM_HOST ? c->host_ok : c->device_direct;
}

/* The table that gets a call on buffers of space mem (after staging, device buffers are host
 * buffers): the backend's, or two-sided MPI for host buffers a device-only backend refuses. */
static const dlops_comm_ops *route(dlops_comm *c, dlops_memspace mem) {
  if (mem == DLOPS_MEM_DEVICE && c->device_direct) return c->ops;
  if (c->host_ok) return c->ops;
  note_delegation(c, 9, "host-memory path");
  return &dlops_comm_mpi_ops;
}

static int staged(const dlops_comm *c, dlops_memspace mem) { return mem == DLOPS_MEM_DEVICE && !c->device_direct; }

/* On a one-rank communicator a collective on device buffers moves nothing between ranks: it is
 * a copy in device memory (or nothing), done here rather than staged through the host. */
static int alone(const dlops_comm *c, dlops_memspace mem) { return c->size == 1 && staged(c, mem); }

static int check_mem(dlops_comm *c, dlops_memspace mem) {
  DLOPS_CHECK(mem == DLOPS_MEM_HOST || mem == DLOPS_MEM_DEVICE, c->ctx, DLOPS_ERR_ARG, "invalid memory space %d",
              (int)mem);
  DLOPS_CHECK(mem == DLOPS_MEM_HOST || (c->ctx && c->ctx->mems[DLOPS_MEM_DEVICE]), c->ctx, DLOPS_ERR_INTERNAL,
              "device buffers on a context without device memory");
  return DLOPS_SUCCESS;
}

static dlops_mem *devmem(dlops_comm *c) { return c->ctx->mems[DLOPS_MEM_DEVICE]; }

/* Device buffers handed as they are to a backend that does not order its work on the device
 * memory space's stream (two-sided MPI with a CUDA-aware library): the kernels queued on that
 * stream, which wrote the send buffers or will overwrite the receive buffers, finish first. The
 * calls below then complete before they return (blocking) or at wait, so kernels queued after
 * them see the data. NCCL (stream_ordered) queues on the same stream and needs no wait here. */
static int direct_ready(dlops_comm *c, dlops_memspace mem) {
  if (mem != DLOPS_MEM_DEVICE || !c->device_direct || c->stream_ordered) return DLOPS_SUCCESS;
  dlops_mem *m = devmem(c);
  return m->ops->sync(m);
}

/* A free staging buffer of at least bytes: its index, kept until stage_release. */
static int stage_acquire(dlops_comm *c, size_t bytes, int *slot) {
  dlops_mem *m = devmem(c);
  int k = -1;
  for (int i = 0; i < c->nstage && k < 0; i++)
    if (!c->stage[i].busy && c->stage[i].cap >= bytes) k = i;
  for (int i = 0; i < c->nstage && k < 0; i++)
    if (!c->stage[i].busy) k = i;
  if (k < 0) {
    dlops_stage_slot *ns = realloc(c->stage, sizeof *ns * (size_t)(c->nstage + 1));
    DLOPS_CHECK(ns, c->ctx, DLOPS_ERR_MEM, "cannot allocate a staging slot");
    c->stage = ns;
    k = c->nstage++;
    c->stage[k] = (dlops_stage_slot){NULL, 0, 0};
  }
  dlops_stage_slot *s = &c->stage[k];
  if (s->cap < bytes) {
    if (s->p) m->ops->host_free(m, s->p);
    s->p = NULL;
    s->cap = 0;
    size_t cap = bytes < 4096 ? 4096 : bytes;
    DLOPS_CALL(m->ops->host_alloc(m, cap, &s->p));
    s->cap = cap;
  }
  s->busy = 1;
  *slot = k;
  return DLOPS_SUCCESS;
}
static void stage_release(dlops_comm *c, int slot) {
  if (slot >= 0 && slot < c->nstage) c->stage[slot].busy = 0;
}

/* Copy between device memory and a staging buffer (to_host: device -> host). */
static int stage_copy(dlops_comm *c, void *host, const void *dev_src, void *dev_dst, size_t bytes, int to_host) {
  if (!bytes) return DLOPS_SUCCESS;
  dlops_mem *m = devmem(c);
  if (to_host) return m->ops->copy(m, host, DLOPS_MEM_HOST, dev_src, DLOPS_MEM_DEVICE, bytes, DLOPS_MEM_COPY_COMM);
  return m->ops->copy(m, dev_dst, DLOPS_MEM_DEVICE, host, DLOPS_MEM_HOST, bytes, DLOPS_MEM_COPY_COMM);
}

/* Copy the blocks (counts, displs, in elements of es bytes) of n peers between a device buffer
 * and a staging buffer with the same layout, merging adjacent blocks into one copy. */
static int stage_blocks(dlops_comm *c, char *host, char *dev, int n, const int64_t *counts, const int64_t *displs,
                        size_t es, int to_host) {
  int64_t lo = -1, hi = -1;
  for (int r = 0; r <= n; r++) {
    int64_t b = r < n ? displs[r] : -1, e = r < n ? displs[r] + counts[r] : -1;
    if (r < n && counts[r] <= 0) continue;
    if (r < n && lo >= 0 && b == hi) {
      hi = e;
      continue;
    }
    if (lo >= 0)
      DLOPS_CALL(stage_copy(c, host + (size_t)lo * es, dev + (size_t)lo * es, dev + (size_t)lo * es,
                            (size_t)(hi - lo) * es, to_host));
    lo = b;
    hi = e;
  }
  return DLOPS_SUCCESS;
}

/* Elements a block layout spans (max displs + counts). */
static int64_t extent_of(int n, const int64_t *counts, const int64_t *displs) {
  int64_t e = 0;
  for (int r = 0; r < n; r++)
    if (counts[r] > 0 && displs[r] + counts[r] > e) e = displs[r] + counts[r];
  return e;
}

/* Copy of a self message in its own memory space. */
static int self_copy(dlops_comm *c, void *dst, const void *src, size_t bytes, dlops_memspace mem) {
  if (!bytes || dst == src) return DLOPS_SUCCESS;
  dlops_mem *m = c->ctx->mems[mem];
  return m->ops->copy(m, dst, mem, src, mem, bytes, 0);
}

/* ---------------------------------------------------------------- payload calls */
int dlops_comm_allreduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                         dlops_memspace mem) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CALL(check_mem(c, mem));
  DLOPS_CHECK(count >= 0, c->ctx, DLOPS_ERR_ARG, "negative count %lld", (long long)count);
  int f;
  dlops_ctype rt = real_of(t, &f);
  DLOPS_CHECK(f == 1 || op == DLOPS_OP_SUM, c->ctx, DLOPS_ERR_ARG, "max/min reductions are not defined for complex data");
  const dlops_comm_ops *ops = route(c, mem);
  DLOPS_CALL(direct_ready(c, mem));
  double t0 = MPI_Wtime();
  if (alone(c, mem)) {
    if (send != DLOPS_IN_PLACE) DLOPS_CALL(self_copy(c, recv, send, (size_t)count * dlops_ctype_size(t), mem));
  } else if (staged(c, mem)) {
    size_t b = (size_t)count * dlops_ctype_size(t);
    int in_place = send == DLOPS_IN_PLACE, k;
    DLOPS_CALL(stage_acquire(c, in_place ? b : 2 * b, &k));
    char *hr = c->stage[k].p, *hs = in_place ? NULL : hr + b;
    int err = stage_copy(c, in_place ? hr : hs, in_place ? recv : send, NULL, b, 1);
    if (!err) err = PICKFROM(ops, c, allreduce, 0)(c, in_place ? DLOPS_IN_PLACE : hs, hr, count * f, rt, op);
    if (!err) err = stage_copy(c, hr, NULL, recv, b, 0);
    stage_release(c, k);
    DLOPS_CALL(err);
  } else {
    DLOPS_CALL(PICKFROM(ops, c, allreduce, 0)(c, send, recv, count * f, rt, op));
  }
  dlops_counter_add(c, DLOPS_COMM_ALLREDUCE, nchunks(c, count * f), count * (int64_t)dlops_ctype_size(t),
                    MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_reduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                      int root, dlops_memspace mem) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CALL(check_mem(c, mem));
  DLOPS_CHECK(count >= 0, c->ctx, DLOPS_ERR_ARG, "negative count %lld", (long long)count);
  DLOPS_CHECK(root >= 0 && root < c->size, c->ctx, DLOPS_ERR_ARG, "root %d out of range [0,%d)", root, c->size);
  int f;
  dlops_ctype rt = real_of(t, &f);
  DLOPS_CHECK(f == 1 || op == DLOPS_OP_SUM, c->ctx, DLOPS_ERR_ARG, "max/min reductions are not defined for complex data");
  const dlops_comm_ops *ops = route(c, mem);
  DLOPS_CALL(direct_ready(c, mem));
  double t0 = MPI_Wtime();
  if (alone(c, mem)) {
    if (send != DLOPS_IN_PLACE) DLOPS_CALL(self_copy(c, recv, send, (size_t)count * dlops_ctype_size(t), mem));
  } else if (staged(c, mem)) {
    size_t b = (size_t)count * dlops_ctype_size(t);
    int in_place = send == DLOPS_IN_PLACE, k;
    DLOPS_CALL(stage_acquire(c, 2 * b, &k));
    char *hr = c->stage[k].p, *hs = hr + b;
    /* in place: the input is in recv (on every rank) */
    int err = stage_copy(c, hs, in_place ? recv : send, NULL, b, 1);
    if (!err) err = PICKFROM(ops, c, reduce, 1)(c, hs, c->rank == root ? hr : NULL, count * f, rt, op, root);
    if (!err && c->rank == root) err = stage_copy(c, hr, NULL, recv, b, 0);
    stage_release(c, k);
    DLOPS_CALL(err);
  } else {
    DLOPS_CALL(PICKFROM(ops, c, reduce, 1)(c, send, recv, count * f, rt, op, root));
  }
  dlops_counter_add(c, DLOPS_COMM_REDUCE, nchunks(c, count * f), count * (int64_t)dlops_ctype_size(t),
                    MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_bcast(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root, dlops_memspace mem) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CALL(check_mem(c, mem));
  DLOPS_CHECK(count >= 0, c->ctx, DLOPS_ERR_ARG, "negative count %lld", (long long)count);
  DLOPS_CHECK(root >= 0 && root < c->size, c->ctx, DLOPS_ERR_ARG, "root %d out of range [0,%d)", root, c->size);
  int f;
  dlops_ctype rt = real_of(t, &f);
  const dlops_comm_ops *ops = route(c, mem);
  DLOPS_CALL(direct_ready(c, mem));
  double t0 = MPI_Wtime();
  if (alone(c, mem)) {
    /* nothing to send */
  } else if (staged(c, mem)) {
    size_t b = (size_t)count * dlops_ctype_size(t);
    int k;
    DLOPS_CALL(stage_acquire(c, b, &k));
    char *h = c->stage[k].p;
    int err = c->rank == root ? stage_copy(c, h, buf, NULL, b, 1) : 0;
    if (!err) err = PICKFROM(ops, c, bcast, 2)(c, h, count * f, rt, root);
    if (!err && c->rank != root) err = stage_copy(c, h, NULL, buf, b, 0);
    stage_release(c, k);
    DLOPS_CALL(err);
  } else {
    DLOPS_CALL(PICKFROM(ops, c, bcast, 2)(c, buf, count * f, rt, root));
  }
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
                          const int64_t *rdispls, dlops_ctype t, dlops_memspace mem) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CALL(check_mem(c, mem));
  DLOPS_CHECK(rcounts && rdispls, c->ctx, DLOPS_ERR_ARG, "allgatherv needs counts and displacements");
  DLOPS_CHECK(scount == rcounts[c->rank], c->ctx, DLOPS_ERR_SIZE,
              "allgatherv: send count %lld differs from this rank's receive count %lld", (long long)scount,
              (long long)rcounts[c->rank]);
  int f;
  dlops_ctype rt = real_of(t, &f);
  const dlops_comm_ops *ops = route(c, mem);
  DLOPS_CALL(direct_ready(c, mem));
  int64_t *rc = NULL, *rd = NULL;
  int err = scaled(c, rcounts, f, &rc);
  if (!err) err = scaled(c, rdispls, f, &rd);
  double t0 = MPI_Wtime();
  if (!err && alone(c, mem)) {
    err = self_copy(c, (char *)recv + (size_t)rdispls[0] * dlops_ctype_size(t), send,
                    (size_t)scount * dlops_ctype_size(t), mem);
  } else if (!err && staged(c, mem)) {
    const size_t es = dlops_ctype_size(t), sb = (size_t)scount * es;
    const size_t rb = (size_t)extent_of(c->size, rcounts, rdispls) * es;
    int k = -1;
    err = stage_acquire(c, rb + sb, &k);
    if (!err) {
      char *hr = c->stage[k].p, *hs = hr + rb;
      err = stage_copy(c, hs, send, NULL, sb, 1);
      if (!err) err = PICKFROM(ops, c, allgatherv, 3)(c, hs, scount * f, hr, rc, rd, rt);
      if (!err) err = stage_blocks(c, hr, recv, c->size, rcounts, rdispls, es, 0);
      stage_release(c, k);
    }
  } else if (!err) {
    err = PICKFROM(ops, c, allgatherv, 3)(c, send, scount * f, recv, rc, rd, rt);
  }
  free(rc);
  free(rd);
  DLOPS_CALL(err);
  dlops_counter_add(c, DLOPS_COMM_ALLGATHER, c->size > 1 ? nchunks(c, scount * f) : 0,
                    c->size > 1 ? scount * (int64_t)dlops_ctype_size(t) : 0, MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_allgather(dlops_comm *c, const void *send, int64_t count, void *recv, dlops_ctype t,
                         dlops_memspace mem) {
  int64_t *cnt = malloc(sizeof(int64_t) * 2 * (size_t)c->size);
  DLOPS_CHECK(cnt, c->ctx, DLOPS_ERR_MEM, "cannot allocate %d counts", c->size);
  for (int i = 0; i < c->size; i++) {
    cnt[i] = count;
    cnt[c->size + i] = count * i;
  }
  int err = dlops_comm_allgatherv(c, send, count, recv, cnt, cnt + c->size, t, mem);
  free(cnt);
  return err;
}

int dlops_comm_alltoallv(dlops_comm *c, const void *send, const int64_t *scounts, const int64_t *sdispls,
                         void *recv, const int64_t *rcounts, const int64_t *rdispls, dlops_ctype t,
                         dlops_memspace mem) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CALL(check_mem(c, mem));
  DLOPS_CHECK(scounts && sdispls && rcounts && rdispls, c->ctx, DLOPS_ERR_ARG,
              "alltoallv needs counts and displacements");
  int f;
  dlops_ctype rt = real_of(t, &f);
  const dlops_comm_ops *ops = route(c, mem);
  DLOPS_CALL(direct_ready(c, mem));
  const size_t es = dlops_ctype_size(t);
  const int me = c->rank;
  /* the self block is copied here, in its own space; the backend gets zero counts for it */
  int64_t *sc = NULL, *sd = NULL, *rc = NULL, *rd = NULL;
  int err = scaled(c, scounts, f, &sc);
  if (!err) err = scaled(c, sdispls, f, &sd);
  if (!err) err = scaled(c, rcounts, f, &rc);
  if (!err) err = scaled(c, rdispls, f, &rd);
  double t0 = MPI_Wtime();
  if (!err) {
    int64_t n = scounts[me] < rcounts[me] ? scounts[me] : rcounts[me];
    if (n > 0)
      err = self_copy(c, (char *)recv + (size_t)rdispls[me] * es, (const char *)send + (size_t)sdispls[me] * es,
                      (size_t)n * es, mem);
    sc[me] = rc[me] = 0;
  }
  if (!err && staged(c, mem)) {
    int64_t *cnt = malloc(sizeof(int64_t) * 2 * (size_t)c->size);
    int k = -1;
    err = cnt ? 0 : DLOPS_ERROR(c->ctx, DLOPS_ERR_MEM, "cannot allocate counts");
    if (!err) {
      /* the same layouts in host memory, without the self block */
      for (int r = 0; r < c->size; r++) {
        cnt[r] = r == me ? 0 : scounts[r];
        cnt[c->size + r] = r == me ? 0 : rcounts[r];
      }
      size_t sb = (size_t)extent_of(c->size, cnt, sdispls) * es, rb = (size_t)extent_of(c->size, cnt + c->size, rdispls) * es;
      err = stage_acquire(c, sb + rb, &k);
      if (!err) {
        char *hs = c->stage[k].p, *hr = hs + sb;
        err = stage_blocks(c, hs, (char *)send, c->size, cnt, sdispls, es, 1);
        if (!err) err = PICKFROM(ops, c, alltoallv, 4)(c, hs, sc, sd, hr, rc, rd, rt);
        if (!err) err = stage_blocks(c, hr, recv, c->size, cnt + c->size, rdispls, es, 0);
        stage_release(c, k);
      }
    }
    free(cnt);
  } else if (!err) {
    err = PICKFROM(ops, c, alltoallv, 4)(c, send, sc, sd, recv, rc, rd, rt);
  }
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

/* A neighbour list checked and translated for the backend: the messages to other ranks with
 * complex counts as pairs of reals (self messages are copied here, in their memory space), and
 * what they send. The copy lives on the stack for the usual few neighbours (no allocation per
 * apply). */
typedef struct {
  dlops_nbr_msg local[16], *m;
  int nr, f;
  dlops_ctype rt;
  int64_t nm, bytes, stage_elems;
} nbr_list;

static void nbr_free(nbr_list *L) {
  if (L->m != L->local) free(L->m);
}

static int nbr_prepare(dlops_comm *c, int n, const dlops_nbr_msg *msgs, dlops_ctype t, dlops_memspace mem,
                       nbr_list *L) {
  L->m = L->local;
  L->nr = 0;
  L->nm = L->bytes = L->stage_elems = 0;
  DLOPS_CALL(check_type(c, t));
  DLOPS_CALL(check_mem(c, mem));
  DLOPS_CHECK(n >= 0 && (n == 0 || msgs), c->ctx, DLOPS_ERR_ARG, "bad neighbour list (n=%d)", n);
  L->rt = real_of(t, &L->f);
  const size_t es = dlops_ctype_size(t);
  if (n > 16) {
    L->m = malloc(sizeof *L->m * (size_t)n);
    if (!L->m) L->m = L->local;
    DLOPS_CHECK(L->m != L->local, c->ctx, DLOPS_ERR_MEM, "cannot allocate %d messages", n);
  }
  for (int i = 0; i < n; i++) {
    if (msgs[i].peer < 0 || msgs[i].peer >= c->size || msgs[i].scount < 0 || msgs[i].rcount < 0)
      return DLOPS_ERROR(c->ctx, DLOPS_ERR_ARG, "neighbour message %d: peer %d (size %d), counts %lld/%lld", i,
                         msgs[i].peer, c->size, (long long)msgs[i].scount, (long long)msgs[i].rcount);
    if (msgs[i].peer == c->rank) continue; /* self messages: copied below */
    dlops_nbr_msg *q = &L->m[L->nr++];
    *q = msgs[i];
    q->scount *= L->f;
    q->rcount *= L->f;
    L->stage_elems += msgs[i].scount + msgs[i].rcount;
    if (msgs[i].scount > 0) {
      L->nm += nchunks(c, msgs[i].scount * L->f);
      L->bytes += msgs[i].scount * (int64_t)es;
    }
  }
  for (int i = 0; i < n; i++)
    if (msgs[i].peer == c->rank) {
      int64_t cnt = msgs[i].scount < msgs[i].rcount ? msgs[i].scount : msgs[i].rcount;
      if (cnt > 0) DLOPS_CALL(self_copy(c, msgs[i].recvbuf, msgs[i].sendbuf, (size_t)cnt * es, mem));
    }
  return DLOPS_SUCCESS;
}

int dlops_comm_neighbor(dlops_comm *c, int n, const dlops_nbr_msg *msgs, dlops_ctype t, dlops_memspace mem) {
  nbr_list L;
  int err = nbr_prepare(c, n, msgs, t, mem, &L);
  const dlops_comm_ops *ops = route(c, mem);
  DLOPS_CALL(direct_ready(c, mem));
  const size_t es = dlops_ctype_size(t);
  const int stg = staged(c, mem), f = L.f;
  dlops_nbr_msg *m = L.m;
  double t0 = MPI_Wtime();
  int k = -1;
  if (!err && stg) {
    /* send and receive buffers of every message in one staging buffer */
    err = stage_acquire(c, (size_t)L.stage_elems * es, &k);
    char *h = err ? NULL : c->stage[k].p;
    for (int i = 0; i < L.nr && !err; i++) {
      size_t sb = (size_t)(m[i].scount / f) * es, rb = (size_t)(m[i].rcount / f) * es;
      err = stage_copy(c, h, m[i].sendbuf, NULL, sb, 1);
      m[i].sendbuf = h;
      m[i].recvbuf = h + sb; /* the device address is recovered from msgs below */
      h += sb + rb;
    }
  }
  if (!err) err = PICKFROM(ops, c, neighbor, 5)(c, L.nr, m, L.rt);
  if (!err && stg)
    for (int i = 0, j = 0; i < n && !err; i++) {
      if (msgs[i].peer == c->rank) continue;
      err = stage_copy(c, m[j].recvbuf, NULL, msgs[i].recvbuf, (size_t)msgs[i].rcount * es, 0);
      j++;
    }
  if (k >= 0) stage_release(c, k);
  nbr_free(&L);
  DLOPS_CALL(err);
  dlops_counter_add(c, DLOPS_COMM_NEIGHBOR, L.nm, L.bytes, MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_ineighbor(dlops_comm *c, int n, const dlops_nbr_msg *msgs, dlops_ctype t, dlops_request *req,
                         dlops_memspace mem) {
  DLOPS_CHECK(req, c->ctx, DLOPS_ERR_ARG, "null request");
  req->by = NULL;
  req->stage = 0;
  const dlops_comm_ops *ops = route(c, mem);
  DLOPS_CALL(direct_ready(c, mem));
  /* blocking where nothing could overlap: staged device buffers, a backend without a
   * non-blocking exchange (its own blocking one, never a delegation to another protocol) */
  if (staged(c, mem) || !ops->ineighbor || !ops->wait) return dlops_comm_neighbor(c, n, msgs, t, mem);
  nbr_list L;
  int err = nbr_prepare(c, n, msgs, t, mem, &L);
  double t0 = MPI_Wtime();
  if (!err) err = ops->ineighbor(c, L.nr, L.m, L.rt, req);
  nbr_free(&L);
  DLOPS_CALL(err);
  req->by = ops;
  dlops_counter_add(c, DLOPS_COMM_NEIGHBOR, L.nm, L.bytes, MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_test(dlops_comm *c, dlops_request *req) {
  DLOPS_CHECK(req, c->ctx, DLOPS_ERR_ARG, "null request");
  if (!req->by || !req->by->test) return DLOPS_SUCCESS;
  return req->by->test(c, req);
}

/* Non-blocking calls on staged device buffers: the staging buffer belongs to the request until
 * dlops_comm_wait, which copies the result to the device. */
static int istage_begin(dlops_comm *c, dlops_request *req, size_t bytes, const void *dev_in, void *dev_out,
                        void **host) {
  int k;
  DLOPS_CALL(stage_acquire(c, bytes, &k));
  *host = c->stage[k].p;
  int err = dev_in ? stage_copy(c, *host, dev_in, NULL, bytes, 1) : 0;
  if (err) {
    stage_release(c, k);
    return err;
  }
  req->stage = k + 1;
  req->stage_dst = dev_out;
  req->stage_bytes = bytes;
  return DLOPS_SUCCESS;
}
static void istage_abort(dlops_comm *c, dlops_request *req) {
  if (req->stage) stage_release(c, req->stage - 1);
  req->stage = 0;
}

int dlops_comm_ibcast(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root, dlops_request *req,
                      dlops_memspace mem) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CALL(check_mem(c, mem));
  DLOPS_CHECK(req, c->ctx, DLOPS_ERR_ARG, "null request");
  DLOPS_CHECK(count >= 0, c->ctx, DLOPS_ERR_ARG, "negative count %lld", (long long)count);
  DLOPS_CHECK(root >= 0 && root < c->size, c->ctx, DLOPS_ERR_ARG, "root %d out of range [0,%d)", root, c->size);
  int f;
  dlops_ctype rt = real_of(t, &f);
  req->stage = 0;
  double t0 = MPI_Wtime();
  /* A backend with its own ibcast must also provide wait (and the other way round). */
  const dlops_comm_ops *base = route(c, mem);
  DLOPS_CALL(direct_ready(c, mem));
  const dlops_comm_ops *ops = base->ibcast && base->wait ? base : &dlops_comm_mpi_ops;
  if (ops != base) note_delegation(c, 6, "ibcast");
  void *b = buf;
  if (staged(c, mem)) {
    size_t bytes = (size_t)count * dlops_ctype_size(t);
    DLOPS_CALL(istage_begin(c, req, bytes, c->rank == root ? buf : NULL, c->rank == root ? NULL : buf, &b));
  }
  int err = ops->ibcast(c, b, count * f, rt, root, req);
  if (err) {
    istage_abort(c, req);
    return err;
  }
  req->by = ops;
  int me = c->rank == root && c->size > 1;
  dlops_counter_add(c, DLOPS_COMM_BCAST, me ? nchunks(c, count * f) : 0, me ? count * (int64_t)dlops_ctype_size(t) : 0,
                    MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

/* Non-blocking allreduce (root < 0) or reduce to root: one front end for both. */
static int ireduce_any(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                       int root, dlops_request *req, dlops_memspace mem) {
  DLOPS_CALL(check_type(c, t));
  DLOPS_CALL(check_mem(c, mem));
  DLOPS_CHECK(req, c->ctx, DLOPS_ERR_ARG, "null request");
  DLOPS_CHECK(count >= 0, c->ctx, DLOPS_ERR_ARG, "negative count %lld", (long long)count);
  DLOPS_CHECK(root < c->size, c->ctx, DLOPS_ERR_ARG, "root %d out of range [0,%d)", root, c->size);
  int f;
  dlops_ctype rt = real_of(t, &f);
  DLOPS_CHECK(f == 1 || op == DLOPS_OP_SUM, c->ctx, DLOPS_ERR_ARG, "max/min reductions are not defined for complex data");
  req->stage = 0;
  double t0 = MPI_Wtime();
  const int all = root < 0;
  const dlops_comm_ops *base = route(c, mem);
  DLOPS_CALL(direct_ready(c, mem));
  const int have = all ? base->iallreduce != NULL : base->ireduce != NULL;
  const dlops_comm_ops *ops = have && base->wait ? base : &dlops_comm_mpi_ops;
  if (ops != base) note_delegation(c, all ? 7 : 8, all ? "iallreduce" : "ireduce");
  const void *s = send;
  void *r = recv;
  if (staged(c, mem)) {
    /* the input goes to the staging buffer, reduced in place there (off the root the mpi backend
     * reads an in-place input from recv); the result comes back to recv where there is one */
    size_t bytes = (size_t)count * dlops_ctype_size(t);
    void *h;
    DLOPS_CALL(istage_begin(c, req, bytes, send == DLOPS_IN_PLACE ? recv : send, all || c->rank == root ? recv : NULL,
                            &h));
    s = DLOPS_IN_PLACE;
    r = h;
  }
  int err = all ? ops->iallreduce(c, s, r, count * f, rt, op, req) : ops->ireduce(c, s, r, count * f, rt, op, root, req);
  if (err) {
    istage_abort(c, req);
    return err;
  }
  req->by = ops;
  dlops_counter_add(c, all ? DLOPS_COMM_ALLREDUCE : DLOPS_COMM_REDUCE, nchunks(c, count * f),
                    count * (int64_t)dlops_ctype_size(t), MPI_Wtime() - t0);
  return DLOPS_SUCCESS;
}

int dlops_comm_iallreduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                          dlops_request *req, dlops_memspace mem) {
  return ireduce_any(c, send, recv, count, t, op, -1, req, mem);
}

int dlops_comm_ireduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                       int root, dlops_request *req, dlops_memspace mem) {
  DLOPS_CHECK(root >= 0 && root < c->size, c->ctx, DLOPS_ERR_ARG, "root %d out of range [0,%d)", root, c->size);
  return ireduce_any(c, send, recv, count, t, op, root, req, mem);
}

int dlops_comm_wait(dlops_comm *c, dlops_request *req, dlops_comm_kind kind) {
  DLOPS_CHECK(req, c->ctx, DLOPS_ERR_ARG, "null request");
  if (!req->by) return DLOPS_SUCCESS; /* never started, or already completed */
  double t0 = MPI_Wtime();
  int err = req->by->wait(c, req);
  req->by = NULL;
  if (req->stage) {
    if (!err && req->stage_dst) err = stage_copy(c, c->stage[req->stage - 1].p, NULL, req->stage_dst, req->stage_bytes, 0);
    stage_release(c, req->stage - 1);
    req->stage = 0;
  }
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
  c->host_ok = 1;
  c->device_direct = 0; /* backends that take device buffers say so when they are created */
  c->stream_ordered = 0;
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
  for (int i = 0; i < c->nstage; i++) {
    dlops_mem *m = c->ctx ? c->ctx->mems[DLOPS_MEM_DEVICE] : NULL;
    if (m && c->stage[i].p) m->ops->host_free(m, c->stage[i].p);
  }
  free(c->stage);
  dlops_comm_red_free_types(c);
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
  s->host_ok = c->host_ok;
  s->device_direct = c->device_direct;
  s->stream_ordered = c->stream_ordered;
  s->red_xper = c->red_xper;
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

