/* NCCL backend of the communication interface: device memory, one GPU per rank.
 *
 * Each communicator holds an ncclComm_t built from its MPI communicator (unique id made on rank 0
 * and broadcast over MPI, then ncclCommInitRank) and a CUDA stream: the context's own stream,
 * that of its device memory space (cuda/mem_cuda.c: one stream per context, shared by the
 * kernels and NCCL, so a collective reads what the kernels before it wrote and the kernels after
 * it read what it received, in stream order); without one (the NCCL stand-in on the emulated
 * device) a stream of its own, ordered after the legacy default stream. Every blocking operation enqueues its NCCL calls on that stream and
 * synchronises it before returning, so callers get completed data, as with the MPI backends; the
 * non-blocking ones (ibcast, iallreduce, ireduce) record a CUDA event after their calls and wait
 * synchronises that event. Counts above c->max_chunk are split into several NCCL calls (NCCL
 * takes size_t counts; the split keeps message counts equal across backends). Point-to-point
 * operations skip zero counts (some NCCL versions hang on 0-byte send/recv) and copy messages to
 * self with cudaMemcpyAsync.
 *
 * Sub-communicators: comm.c splits the MPI communicator first and then calls split_init on the
 * members of each colour only, so ncclCommSplit (collective over the whole parent) cannot be
 * used there; the child gets its own NCCL communicator from a unique id broadcast over its MPI
 * communicator, which yields the same groups.
 *
 * Allgatherv, alltoallv and the neighbour exchange are grouped ncclSend/ncclRecv (one group per
 * call; a rank's own block is a cudaMemcpyAsync). Complex data arrives here as pairs of reals
 * (the front end, comm.c), so every reduction is of real or integer elements.
 *
 * Failures. Every wait (the blocking operations' and nccl_wait's) polls the stream or event and,
 * while it is not done, ncclCommGetAsyncError; an asynchronous error, or any failed NCCL call
 * (enqueue or ncclGroupEnd), aborts the communicator with ncclCommAbort, which also ends what it
 * still had in flight, so this rank does not wait forever on a peer that will never come. The
 * communicator is then unusable: every later operation on it fails at once with DLOPS_ERR_NCCL
 * (destroy the context). What the other ranks see is NCCL's: a peer's abort reaches them as a
 * remote error on the network transports; the callers agree on the outcome over MPI
 * (dlops_comm_agree) before the next collective call.
 *
 * What stays on MPI: the unique id broadcast and the error agreements of set-up (here), and in the
 * layers above every metadata exchange (shapes, counts, checksums) and every error agreement
 * (dlops_comm_agree, dlops_red_*: the reductions of solver scalars among them), and every
 * operation on host buffers (host_ok = 0 routes them to two-sided MPI). Counters are kept by the
 * front end, as for every backend. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_impl.h"

typedef struct {
  ncclComm_t comm;
  cudaStream_t stream;
  int has_comm, has_stream;
  ncclResult_t aborted; /* the error the communicator was aborted on (ncclSuccess: live) */
} nccl_impl;

int dlops_error_nccl(dlops_ctx ctx, ncclResult_t r, ncclComm_t comm, const char *file, int line, const char *func,
                     const char *what) {
  const char *text = ncclGetErrorString(r);
  const char *last = ncclGetLastError(comm);
  return dlops_error_set(ctx, DLOPS_ERR_NCCL, file, line, func, "%s failed: %s (ncclResult %d)%s%s", what,
                         text ? text : "unknown NCCL error", (int)r, last && last[0] ? "; NCCL says: " : "",
                         last && last[0] ? last : "");
}

static int to_nccl(dlops_comm *c, dlops_ctype t, ncclDataType_t *out) {
  switch (t) {
    case DLOPS_CT_F32: *out = ncclFloat; return DLOPS_SUCCESS;
    case DLOPS_CT_F64: *out = ncclDouble; return DLOPS_SUCCESS;
    case DLOPS_CT_I32: *out = ncclInt32; return DLOPS_SUCCESS;
    case DLOPS_CT_I64: *out = ncclInt64; return DLOPS_SUCCESS;
    case DLOPS_CT_BYTE: *out = ncclUint8; return DLOPS_SUCCESS;
    default: return DLOPS_ERROR(c->ctx, DLOPS_ERR_INTERNAL, "transport type %d reached the NCCL backend", (int)t);
  }
}

static ncclRedOp_t to_nccl_op(dlops_redop op) { return op == DLOPS_OP_SUM ? ncclSum : op == DLOPS_OP_MAX ? ncclMax : ncclMin; }

static int64_t chunk(const dlops_comm *c, int64_t total, int64_t off) {
  return total - off < c->max_chunk ? total - off : c->max_chunk;
}

/* Abort the communicator after a failure (r: the NCCL error). Local; never waits for peers. */
static void nccl_abort(dlops_comm *c, ncclResult_t r) {
  nccl_impl *im = c->impl;
  if (!im->has_comm) return;
  (void)ncclCommAbort(im->comm);
  im->has_comm = 0;
  im->aborted = r != ncclSuccess ? r : ncclInternalError;
}

/* DLOPS_ERR_NCCL when the communicator was aborted (checked before every operation). */
static int usable(dlops_comm *c) {
  nccl_impl *im = c->impl;
  if (im->has_comm) return DLOPS_SUCCESS;
  return DLOPS_ERROR(c->ctx, DLOPS_ERR_NCCL,
                     "the NCCL communicator was aborted after an earlier failure (%s): destroy the context",
                     im->aborted != ncclSuccess ? ncclGetErrorString(im->aborted) : "it was never set up");
}

/* Seconds a wait may last before the communicator is aborted (DLOPS_NCCL_TIMEOUT; unset or 0:
 * no limit). NCCL passes one rank's abort to the others on network transports only: on one node
 * (NVLink, peer-to-peer, shared memory) the peers of a rank that failed alone would wait for ever.
 * Off by default, because a rank may legitimately wait long for a peer that is still computing. */
static double wait_limit(void) {
  const char *e = getenv("DLOPS_NCCL_TIMEOUT");
  double v = e && e[0] ? atof(e) : 0.0;
  return v > 0.0 ? v : 0.0;
}

/* Wait for ev (or, NULL, for the whole stream) while polling the communicator's asynchronous
 * error; an error, or a wait longer than DLOPS_NCCL_TIMEOUT, aborts the communicator. Local. */
static int wait_polling(dlops_comm *c, cudaEvent_t ev) {
  nccl_impl *im = c->impl;
  const double limit = wait_limit(), t0 = MPI_Wtime();
  for (;;) {
    cudaError_t e = ev ? cudaEventQuery(ev) : cudaStreamQuery(im->stream);
    ncclResult_t st = ncclSuccess;
    if (im->has_comm) {
      ncclResult_t qr = ncclCommGetAsyncError(im->comm, &st);
      if (qr != ncclSuccess) st = qr;
    }
    if (st != ncclSuccess && st != ncclInProgress) {
      int err = dlops_error_nccl(c->ctx, st, im->comm, __FILE__, __LINE__, __func__,
                                 "an enqueued operation (ncclCommGetAsyncError; the communicator is now aborted)");
      nccl_abort(c, st);
      (void)cudaStreamSynchronize(im->stream); /* aborted operations end */
      (void)cudaGetLastError();
      return err;
    }
    if (e == cudaSuccess) return DLOPS_SUCCESS;
    if (e == cudaErrorNotReady && limit > 0.0 && MPI_Wtime() - t0 > limit) {
      int err = DLOPS_ERROR(c->ctx, DLOPS_ERR_NCCL,
                            "an NCCL operation did not complete within DLOPS_NCCL_TIMEOUT = %g s (a peer failed or "
                            "never joined it); the communicator is now aborted", limit);
      nccl_abort(c, ncclInternalError);
      (void)cudaStreamSynchronize(im->stream);
      (void)cudaGetLastError();
      return err;
    }
    if (e != cudaErrorNotReady) {
      int err = dlops_error_cuda(c->ctx, e, __FILE__, __LINE__, __func__, ev ? "cudaEventQuery" : "cudaStreamQuery");
      nccl_abort(c, ncclUnhandledCudaError);
      return err;
    }
    (void)sched_yield();
  }
}

/* Wait for everything enqueued on the stream and return the first error. After a failed enqueue
 * the communicator is aborted first (a peer may wait for an operation this rank never queued),
 * then the stream drained, so no operation on the caller's buffers is in flight when we return. */
static int finish(dlops_comm *c, int err) {
  nccl_impl *im = c->impl;
  if (err) {
    if (err == DLOPS_ERR_NCCL) nccl_abort(c, ncclInternalError);
    (void)cudaStreamSynchronize(im->stream);
    (void)cudaGetLastError();
    return err;
  }
  return wait_polling(c, NULL);
}

/* Enqueue functions (no synchronisation): the blocking operations finish() them, the
 * non-blocking ones record an event that wait() synchronises. */
static int enq_allreduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op) {
  nccl_impl *im = c->impl;
  DLOPS_CALL(usable(c));
  ncclDataType_t nt = ncclUint8; /* set by to_nccl */
  DLOPS_CALL(to_nccl(c, t, &nt));
  size_t es = dlops_ctype_size(t);
  int err = DLOPS_SUCCESS;
  for (int64_t off = 0; off < count && !err; off += c->max_chunk) {
    char *r = (char *)recv + off * es;
    const void *s = send == DLOPS_IN_PLACE ? (const void *)r : (const void *)((const char *)send + off * es);
    DLOPS_NCCL_ERR(c->ctx, im->comm, err,
                   ncclAllReduce(s, r, (size_t)chunk(c, count, off), nt, to_nccl_op(op), im->comm, im->stream));
  }
  return err;
}

static int enq_reduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                      int root) {
  nccl_impl *im = c->impl;
  DLOPS_CALL(usable(c));
  ncclDataType_t nt = ncclUint8; /* set by to_nccl */
  DLOPS_CALL(to_nccl(c, t, &nt));
  size_t es = dlops_ctype_size(t);
  int err = DLOPS_SUCCESS;
  for (int64_t off = 0; off < count && !err; off += c->max_chunk) {
    /* In place: every rank's contribution is in recv (as in the MPI backend). */
    const char *s = send == DLOPS_IN_PLACE ? (const char *)recv + off * es : (const char *)send + off * es;
    /* recv is only written on the root; non-roots may pass NULL. */
    char *r = recv ? (char *)recv + off * es : (char *)s;
    DLOPS_NCCL_ERR(c->ctx, im->comm, err,
                   ncclReduce(s, r, (size_t)chunk(c, count, off), nt, to_nccl_op(op), root, im->comm, im->stream));
  }
  return err;
}

static int enq_bcast(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root) {
  nccl_impl *im = c->impl;
  DLOPS_CALL(usable(c));
  ncclDataType_t nt = ncclUint8; /* set by to_nccl */
  DLOPS_CALL(to_nccl(c, t, &nt));
  size_t es = dlops_ctype_size(t);
  int err = DLOPS_SUCCESS;
  for (int64_t off = 0; off < count && !err; off += c->max_chunk) {
    char *b = (char *)buf + off * es;
    DLOPS_NCCL_ERR(c->ctx, im->comm, err,
                   ncclBroadcast(b, b, (size_t)chunk(c, count, off), nt, root, im->comm, im->stream));
  }
  return err;
}

static int nccl_allreduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op) {
  return finish(c, enq_allreduce(c, send, recv, count, t, op));
}

static int nccl_reduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                       int root) {
  return finish(c, enq_reduce(c, send, recv, count, t, op, root));
}

static int nccl_bcast(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root) {
  return finish(c, enq_bcast(c, buf, count, t, root));
}

/* Complete the start of a non-blocking operation: on an enqueue error, wait and fail; otherwise
 * record an event after the enqueued work (req->impl) for nccl_wait. If no event can be made,
 * the operation is completed here, which is still correct. */
static int start(dlops_comm *c, int err, dlops_request *req) {
  nccl_impl *im = c->impl;
  req->n = 0;
  req->dt = MPI_DATATYPE_NULL;
  req->impl = NULL;
  if (err) return finish(c, err);
  cudaEvent_t ev = NULL;
  cudaError_t e = cudaEventCreateWithFlags(&ev, cudaEventDisableTiming);
  if (e == cudaSuccess) {
    e = cudaEventRecord(ev, im->stream);
    if (e != cudaSuccess) (void)cudaEventDestroy(ev);
  }
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return finish(c, DLOPS_SUCCESS);
  }
  req->impl = (void *)ev;
  return DLOPS_SUCCESS;
}

static int nccl_ibcast(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root, dlops_request *req) {
  return start(c, enq_bcast(c, buf, count, t, root), req);
}

static int nccl_iallreduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                           dlops_request *req) {
  return start(c, enq_allreduce(c, send, recv, count, t, op), req);
}

static int nccl_ireduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                        int root, dlops_request *req) {
  return start(c, enq_reduce(c, send, recv, count, t, op, root), req);
}

static int nccl_wait(dlops_comm *c, dlops_request *req) {
  if (!req->impl) return DLOPS_SUCCESS;
  cudaEvent_t ev = (cudaEvent_t)req->impl;
  req->impl = NULL;
  int err = wait_polling(c, ev);
  (void)cudaEventDestroy(ev);
  return err;
}

/* Grouped send/recv of (peer, send, scount, recv, rcount) pairs; zero counts are skipped and
 * messages to self are device-to-device copies. */
static int p2p(dlops_comm *c, int n, const dlops_nbr_msg *m, dlops_ctype t) {
  nccl_impl *im = c->impl;
  DLOPS_CALL(usable(c));
  ncclDataType_t nt = ncclUint8; /* set by to_nccl */
  DLOPS_CALL(to_nccl(c, t, &nt));
  size_t es = dlops_ctype_size(t);
  int err = DLOPS_SUCCESS;
  DLOPS_CALL_NCCL(c->ctx, im->comm, ncclGroupStart());
  for (int i = 0; i < n && !err; i++) {
    if (m[i].peer == c->rank) continue;
    for (int64_t off = 0; off < m[i].scount && !err; off += c->max_chunk)
      DLOPS_NCCL_ERR(c->ctx, im->comm, err,
                     ncclSend((const char *)m[i].sendbuf + off * es, (size_t)chunk(c, m[i].scount, off), nt, m[i].peer,
                              im->comm, im->stream));
    for (int64_t off = 0; off < m[i].rcount && !err; off += c->max_chunk)
      DLOPS_NCCL_ERR(c->ctx, im->comm, err,
                     ncclRecv((char *)m[i].recvbuf + off * es, (size_t)chunk(c, m[i].rcount, off), nt, m[i].peer,
                              im->comm, im->stream));
  }
  /* the group is ended even after a failed call (NCCL's rule); its error counts when none came
   * before */
  int gerr = DLOPS_SUCCESS;
  DLOPS_NCCL_ERR(c->ctx, im->comm, gerr, ncclGroupEnd());
  if (!err) err = gerr;
  for (int i = 0; i < n && !err; i++) {
    if (m[i].peer != c->rank) continue;
    int64_t cnt = m[i].scount < m[i].rcount ? m[i].scount : m[i].rcount;
    if (cnt > 0 && m[i].recvbuf != m[i].sendbuf)
      DLOPS_CUDA_ERR(c->ctx, err, cudaMemcpyAsync(m[i].recvbuf, m[i].sendbuf, (size_t)cnt * es,
                                                  cudaMemcpyDeviceToDevice, im->stream));
  }
  return finish(c, err);
}

static int nccl_alltoallv(dlops_comm *c, const void *send, const int64_t *scounts, const int64_t *sdispls, void *recv,
                          const int64_t *rcounts, const int64_t *rdispls, dlops_ctype t) {
  size_t es = dlops_ctype_size(t);
  dlops_nbr_msg *m = malloc(sizeof *m * (size_t)(c->size > 0 ? c->size : 1));
  DLOPS_CHECK(m, c->ctx, DLOPS_ERR_MEM, "cannot allocate %d messages", c->size);
  int n = dlops_alltoallv_msgs(c->size, send, scounts, sdispls, recv, rcounts, rdispls, es, 0, m);
  int err = p2p(c, n, m, t);
  free(m);
  return err;
}

static int nccl_neighbor(dlops_comm *c, int n, const dlops_nbr_msg *msgs, dlops_ctype t) { return p2p(c, n, msgs, t); }

/* Every rank sends its block to every other rank and receives theirs (grouped send/recv, one
 * message per peer and chunk); its own block is copied on the device. */
static int nccl_allgatherv(dlops_comm *c, const void *send, int64_t scount, void *recv, const int64_t *rcounts,
                           const int64_t *rdispls, dlops_ctype t) {
  size_t es = dlops_ctype_size(t);
  dlops_nbr_msg *m = malloc(sizeof *m * (size_t)(c->size > 0 ? c->size : 1));
  DLOPS_CHECK(m, c->ctx, DLOPS_ERR_MEM, "cannot allocate %d messages", c->size);
  for (int i = 0; i < c->size; i++) {
    m[i].peer = i;
    m[i].sendbuf = send;
    m[i].scount = scount; /* == rcounts[c->rank], checked by the front end */
    m[i].recvbuf = (char *)recv + rdispls[i] * es;
    m[i].rcount = rcounts[i];
  }
  int err = p2p(c, c->size, m, t);
  free(m);
  return err;
}

static void nccl_finalize(dlops_comm *c) {
  nccl_impl *im = c->impl;
  if (!im) return;
  if (im->has_comm) (void)ncclCommDestroy(im->comm);
  if (im->has_stream) (void)cudaStreamDestroy(im->stream);
  free(im);
  c->impl = NULL;
}

/* Stream and NCCL communicator for c (whose mpi, rank and size are set). Collective on c->mpi;
 * the result is agreed. On failure the partial state stays in c->impl for nccl_finalize. */
static int nccl_setup(dlops_comm *c) {
  int err = DLOPS_SUCCESS;
  nccl_impl *im = calloc(1, sizeof *im);
  if (!im) err = DLOPS_ERROR(c->ctx, DLOPS_ERR_MEM, "cannot allocate the NCCL backend state");
  c->impl = im;
  /* The context's stream when its device memory space has one (not destroyed here); else a
   * blocking stream of its own: it waits for work queued on the legacy default stream. */
  dlops_mem *dm = c->ctx ? c->ctx->mems[DLOPS_MEM_DEVICE] : NULL;
  if (im && dm && dm->queue) {
    im->stream = (cudaStream_t)dm->queue;
  } else if (im) {
    DLOPS_CUDA_ERR(c->ctx, err, cudaStreamCreateWithFlags(&im->stream, cudaStreamDefault));
    if (!err) im->has_stream = 1;
  }
  ncclUniqueId id;
  memset(&id, 0, sizeof id);
  if (c->rank == 0) DLOPS_NCCL_ERR(c->ctx, NULL, err, ncclGetUniqueId(&id));
  DLOPS_CALL(dlops_comm_agree(c, err));
  DLOPS_CALL_MPI(c->ctx, MPI_Bcast(&id, (int)sizeof id, MPI_BYTE, 0, c->mpi));
  DLOPS_NCCL_ERR(c->ctx, NULL, err, ncclCommInitRank(&im->comm, c->size, id, c->rank));
  if (!err) im->has_comm = 1;
  return dlops_comm_agree(c, err);
}

static int nccl_split_init(dlops_comm *parent, dlops_comm *out) {
  (void)parent; /* the device is per process and already set by dlops_comm_nccl_create */
  return nccl_setup(out);
}

static const dlops_comm_ops nccl_ops = {
    .name = "nccl",
    .allreduce = nccl_allreduce,
    .allgatherv = nccl_allgatherv,
    .bcast = nccl_bcast,
    .reduce = nccl_reduce,
    .alltoallv = nccl_alltoallv,
    .neighbor = nccl_neighbor,
    .ibcast = nccl_ibcast,
    .iallreduce = nccl_iallreduce,
    .ireduce = nccl_ireduce,
    .wait = nccl_wait,
    .split_init = nccl_split_init,
    .finalize = nccl_finalize,
};

/* Error agreement on an MPI communicator that has no dlops_comm yet. Collective. */
static int agree_on(dlops_ctx ctx, MPI_Comm mpi, dlops_counters *counters, int err) {
  dlops_comm tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.ops = &nccl_ops;
  tmp.ctx = ctx;
  tmp.mpi = mpi;
  MPI_Comm_rank(mpi, &tmp.rank);
  MPI_Comm_size(mpi, &tmp.size);
  tmp.counters = counters;
  return dlops_comm_agree(&tmp, err);
}

/* Tear down a communicator whose MPI communicator still belongs to the caller. */
static void discard(dlops_comm **c) {
  if (!*c) return;
  (*c)->mpi = MPI_COMM_NULL;
  dlops_comm_destroy(c);
}

int dlops_comm_nccl_create(dlops_ctx ctx, MPI_Comm mpi, dlops_counters *counters, dlops_comm **out) {
  *out = NULL;
  /* Every rank gets here (the spec was agreed), so the node-wide device check is safe. */
  int lsize = 1, ndev = 0;
  /* a device memory space already chose this rank's device and made its stream there: keep it
   * (and check, as always, that no two ranks of a node share one) */
  const int keep = ctx && ctx->mems[DLOPS_MEM_DEVICE] && ctx->mems[DLOPS_MEM_DEVICE]->queue;
  int err = dlops_cuda_select_device_per_rank(ctx, mpi, keep, &lsize, &ndev);
  dlops_comm *c = NULL;
  if (!err) err = dlops_comm_create(ctx, mpi, &nccl_ops, counters, &c);
  err = agree_on(ctx, mpi, counters, err);
  if (!err) err = nccl_setup(c);
  if (err) {
    discard(&c); /* the caller frees mpi */
    return err;
  }
  /* NCCL takes device buffers as they are; host buffers go to two-sided MPI (comm.h) */
  c->device_direct = 1;
  c->stream_ordered = 1;
  c->host_ok = 0;
  if (ctx && ctx->log && c->rank == 0) {
    int v = 0;
    (void)ncclGetVersion(&v);
    fprintf(stderr, "[dlops] nccl: NCCL version code %d, %d ranks, %d on this node (%d visible devices each)\n", v,
            c->size, lsize, ndev);
  }
  *out = c;
  return DLOPS_SUCCESS;
}
