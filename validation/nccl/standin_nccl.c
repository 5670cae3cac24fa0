/* A test-only stand-in for NCCL on MPI: exactly the NCCL calls cuda/nccl.c makes (and a few
 * neighbours), on the emulated device of dlops (mem=emu). Never linked into libdlops or the real
 * plugin; see docs/backends.md (nccl) for what it shows and what only a GPU can.
 *
 * Written from NCCL's documented semantics:
 *   - A communicator is made from a unique id. Here the id carries the MPI_COMM_WORLD rank of the
 *     process that made it (the root, which must be a member) and a sequence number of that
 *     process. ncclCommInitRank: every other member sends (its world rank, its rank) to the root
 *     on MPI_COMM_WORLD with a tag of the id; the root answers with the member list; all members
 *     then call MPI_Comm_create_group(MPI_COMM_WORLD, group, tag), collective over the group only.
 *     ncclCommSplit is MPI_Comm_split of the parent's communicator.
 *   - Every operation call (collective, send, receive) outside ncclGroupStart/End is a group of
 *     its own. Inside a group, calls are checked and queued; ncclGroupEnd runs them: all sends and
 *     receives are posted non-blocking (MPI_Isend/MPI_Irecv, matched per peer in call order, as
 *     NCCL matches them), then the collectives run in call order, then the sends and receives are
 *     completed. So a pairwise exchange that NCCL needs grouped also completes here, and the
 *     buffers may not be reused before the group ends.
 *   - Device buffers are emulated-device memory: the stand-in opens them for the host while an
 *     operation runs (inputs read-only, outputs read-write) and closes them afterwards. A buffer
 *     that is not emulated-device memory (a host buffer handed to NCCL) is ncclInvalidArgument.
 *   - Streams: an operation has completed when its group ends (one legal schedule of an in-order
 *     stream); nothing is left in flight.
 *   - Asynchronous errors: ncclCommGetAsyncError reports what a failed operation left on the
 *     communicator. DLOPS_NCCL_STANDIN_FAULT=n makes the n-th operation (n >= 1) on the first
 *     communicator this process creates report ncclSystemError there after moving its data, on
 *     every member (a failure every rank sees, as a lost link does); =init:n fails the n-th
 *     ncclCommInitRank of the process at once, on every member, before any message.
 *   - ncclCommAbort returns at once without communicating (its MPI communicator is left alone, as
 *     freeing it could wait for peers); ncclCommDestroy frees it.
 * Limits: reductions of ncclFloat16/ncclBfloat16 and ncclAvg are refused (nccl.c uses neither);
 * counts above INT_MAX are refused (nccl.c chunks at c->max_chunk <= INT_MAX). */
#include <limits.h>
#include <mpi.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "standin.h"

struct dlops_standin_nccl_comm {
  MPI_Comm mpi;
  int rank, size;
  long nops;      /* operations run on this communicator (fault injection) */
  long fault_at;  /* the operation that reports an asynchronous error, or 0 */
  ncclResult_t async;
};

static char last_err[512];

static ncclResult_t err(ncclResult_t r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_err, sizeof last_err, fmt, ap);
  va_end(ap);
  return r;
}

/* ------------------------------------------------------------------ version, errors */
ncclResult_t ncclGetVersion(int *version) {
  if (!version) return err(ncclInvalidArgument, "ncclGetVersion: null pointer");
  *version = NCCL_VERSION_CODE;
  return ncclSuccess;
}

const char *ncclGetErrorString(ncclResult_t r) {
  switch (r) {
    case ncclSuccess: return "no error";
    case ncclUnhandledCudaError: return "unhandled cuda error (run with NCCL_DEBUG=INFO for details)";
    case ncclSystemError: return "unhandled system error (run with NCCL_DEBUG=INFO for details)";
    case ncclInternalError: return "internal error - please report this issue to the NCCL developers";
    case ncclInvalidArgument: return "invalid argument (run with NCCL_DEBUG=WARN for details)";
    case ncclInvalidUsage: return "invalid usage (run with NCCL_DEBUG=WARN for details)";
    case ncclRemoteError: return "remote process exited or there was a network error";
    case ncclInProgress: return "NCCL operation in progress";
    default: return "unknown result code";
  }
}

const char *ncclGetLastError(ncclComm_t comm) {
  (void)comm;
  return last_err;
}

/* ------------------------------------------------------------------ communicators */
#define ID_MAGIC 0x646c4e43u /* "dlNC" */
typedef struct {
  unsigned magic;
  int root; /* MPI_COMM_WORLD rank of the process that made the id */
  unsigned seq;
} id_body;

static unsigned id_seq;
static long ncomms, ninits; /* communicators created, ncclCommInitRank calls (fault injection) */

static int mpi_ready(void) {
  int init = 0, fin = 0;
  MPI_Initialized(&init);
  MPI_Finalized(&fin);
  return init && !fin;
}

/* A tag of MPI_COMM_WORLD for the id (upper half of the tag range; one id, one tag). */
static int id_tag(const id_body *b) {
  int *ub = NULL, flag = 0;
  MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &ub, &flag);
  int hi = flag && ub ? *ub : 32767, base = hi / 2 + 1;
  return base + (int)(b->seq % (unsigned)(hi - base));
}

ncclResult_t ncclGetUniqueId(ncclUniqueId *id) {
  if (!id) return err(ncclInvalidArgument, "ncclGetUniqueId: null pointer");
  if (!mpi_ready()) return err(ncclInvalidUsage, "NCCL stand-in: MPI is not initialised");
  memset(id, 0, sizeof *id);
  id_body b = {ID_MAGIC, 0, ++id_seq};
  MPI_Comm_rank(MPI_COMM_WORLD, &b.root);
  memcpy(id->internal, &b, sizeof b);
  return ncclSuccess;
}

/* The number in v after prefix (prefix "": v must start with a digit), or 0. */
static long env_long(const char *v, const char *prefix) {
  if (!v || !v[0]) return 0;
  size_t n = strlen(prefix);
  if (n) {
    if (strncmp(v, prefix, n)) return 0;
  } else if (v[0] < '0' || v[0] > '9') {
    return 0;
  }
  return atol(v + n);
}

static ncclResult_t wrap(MPI_Comm mpi, int rank, int size, ncclComm_t *out) {
  struct dlops_standin_nccl_comm *c = calloc(1, sizeof *c);
  if (!c) return err(ncclSystemError, "NCCL stand-in: out of memory");
  MPI_Comm_set_errhandler(mpi, MPI_ERRORS_RETURN);
  c->mpi = mpi;
  c->rank = rank;
  c->size = size;
  if (ncomms++ == 0) c->fault_at = env_long(getenv("DLOPS_NCCL_STANDIN_FAULT"), "");
  *out = c;
  return ncclSuccess;
}

ncclResult_t ncclCommInitRank(ncclComm_t *comm, int nranks, ncclUniqueId commId, int rank) {
  if (!comm) return err(ncclInvalidArgument, "ncclCommInitRank: null communicator pointer");
  *comm = NULL;
  id_body b;
  memcpy(&b, commId.internal, sizeof b);
  if (b.magic != ID_MAGIC) return err(ncclInvalidArgument, "ncclCommInitRank: not a unique id of this stand-in");
  if (nranks < 1 || rank < 0 || rank >= nranks)
    return err(ncclInvalidArgument, "ncclCommInitRank: rank %d of %d", rank, nranks);
  if (!mpi_ready()) return err(ncclInvalidUsage, "NCCL stand-in: MPI is not initialised");
  long f = env_long(getenv("DLOPS_NCCL_STANDIN_FAULT"), "init:");
  if (f > 0 && ++ninits == f)
    return err(ncclSystemError, "NCCL stand-in: injected failure of ncclCommInitRank (DLOPS_NCCL_STANDIN_FAULT=init:%ld)", f);
  int me = 0, tag = id_tag(&b);
  MPI_Comm_rank(MPI_COMM_WORLD, &me);
  int *members = malloc(sizeof *members * (size_t)nranks);
  if (!members) return err(ncclSystemError, "NCCL stand-in: out of memory");
  int e = MPI_SUCCESS;
  if (me == b.root) {
    for (int i = 0; i < nranks; i++) members[i] = -1;
    members[rank] = me;
    for (int k = 1; k < nranks && e == MPI_SUCCESS; k++) {
      int who[2];
      e = MPI_Recv(who, 2, MPI_INT, MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (e == MPI_SUCCESS && (who[1] < 0 || who[1] >= nranks || members[who[1]] >= 0)) {
        free(members);
        return err(ncclInvalidUsage, "ncclCommInitRank: rank %d given twice or out of range (%d ranks)", who[1], nranks);
      }
      if (e == MPI_SUCCESS) members[who[1]] = who[0];
    }
    for (int i = 0; i < nranks && e == MPI_SUCCESS; i++)
      if (i != rank) e = MPI_Send(members, nranks, MPI_INT, members[i], tag, MPI_COMM_WORLD);
  } else {
    int who[2] = {me, rank};
    e = MPI_Send(who, 2, MPI_INT, b.root, tag, MPI_COMM_WORLD);
    if (e == MPI_SUCCESS) e = MPI_Recv(members, nranks, MPI_INT, b.root, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
  MPI_Group world = MPI_GROUP_NULL, g = MPI_GROUP_NULL;
  MPI_Comm nc = MPI_COMM_NULL;
  if (e == MPI_SUCCESS) e = MPI_Comm_group(MPI_COMM_WORLD, &world);
  if (e == MPI_SUCCESS) e = MPI_Group_incl(world, nranks, members, &g);
  if (e == MPI_SUCCESS) e = MPI_Comm_create_group(MPI_COMM_WORLD, g, tag, &nc);
  if (g != MPI_GROUP_NULL) MPI_Group_free(&g);
  if (world != MPI_GROUP_NULL) MPI_Group_free(&world);
  free(members);
  if (e != MPI_SUCCESS) return err(ncclSystemError, "NCCL stand-in: ncclCommInitRank: MPI error %d", e);
  return wrap(nc, rank, nranks, comm);
}

ncclResult_t ncclCommSplit(ncclComm_t comm, int color, int key, ncclComm_t *newcomm, ncclConfig_t *config) {
  (void)config;
  if (!comm || !newcomm) return err(ncclInvalidArgument, "ncclCommSplit: null communicator");
  *newcomm = NULL;
  MPI_Comm nc = MPI_COMM_NULL;
  int e = MPI_Comm_split(comm->mpi, color == NCCL_SPLIT_NOCOLOR ? MPI_UNDEFINED : color, key, &nc);
  if (e != MPI_SUCCESS) return err(ncclSystemError, "NCCL stand-in: ncclCommSplit: MPI error %d", e);
  if (nc == MPI_COMM_NULL) return ncclSuccess;
  int r = 0, s = 0;
  MPI_Comm_rank(nc, &r);
  MPI_Comm_size(nc, &s);
  return wrap(nc, r, s, newcomm);
}

ncclResult_t ncclCommFinalize(ncclComm_t comm) {
  return comm ? ncclSuccess : err(ncclInvalidArgument, "ncclCommFinalize: null communicator");
}

ncclResult_t ncclCommDestroy(ncclComm_t comm) {
  if (!comm) return ncclSuccess;
  if (comm->mpi != MPI_COMM_NULL && mpi_ready()) MPI_Comm_free(&comm->mpi);
  free(comm);
  return ncclSuccess;
}

ncclResult_t ncclCommAbort(ncclComm_t comm) {
  free(comm); /* the MPI communicator is dropped, not freed: no waiting for peers */
  return ncclSuccess;
}

ncclResult_t ncclCommGetAsyncError(ncclComm_t comm, ncclResult_t *asyncError) {
  if (!comm || !asyncError) return err(ncclInvalidArgument, "ncclCommGetAsyncError: null argument");
  *asyncError = comm->async;
  return ncclSuccess;
}

ncclResult_t ncclCommCount(const ncclComm_t comm, int *count) {
  if (!comm || !count) return err(ncclInvalidArgument, "ncclCommCount: null argument");
  *count = comm->size;
  return ncclSuccess;
}

ncclResult_t ncclCommUserRank(const ncclComm_t comm, int *rank) {
  if (!comm || !rank) return err(ncclInvalidArgument, "ncclCommUserRank: null argument");
  *rank = comm->rank;
  return ncclSuccess;
}

/* ------------------------------------------------------------------ operations and groups */
typedef enum { OP_ALLREDUCE, OP_REDUCE, OP_BCAST, OP_ALLGATHER, OP_SEND, OP_RECV } op_kind;
static const char *const op_names[] = {"ncclAllReduce", "ncclReduce", "ncclBroadcast", "ncclAllGather", "ncclSend",
                                       "ncclRecv"};

typedef struct {
  op_kind k;
  const void *s;
  void *r;
  size_t count;
  ncclDataType_t t;
  ncclRedOp_t op;
  int peer; /* root of a collective, peer of a send/receive */
  ncclComm_t comm;
} qop;

/* DLOPS_NCCL_STANDIN_REPORT=1: at exit, every process prints how many calls of each kind (and
 * bytes) it ran, so a suite shows what reached NCCL at all. */
static long long nrun[6], brun[6];
static int report_set;
static void report(void) {
  int me = 0, fin = 0;
  MPI_Finalized(&fin);
  if (!fin) MPI_Comm_rank(MPI_COMM_WORLD, &me);
  fprintf(stderr, "[nccl stand-in] process %d (world rank %d):", (int)getpid(), fin ? -1 : me);
  for (int k = 0; k < 6; k++) fprintf(stderr, " %s %lld (%lld B)", op_names[k] + 4, nrun[k], brun[k]);
  fprintf(stderr, "\n");
}

static qop *queue;
static MPI_Request *reqs; /* capq of them: grown with the queue, so repeated groups allocate nothing */
static int nq, capq, depth;

static size_t type_size(ncclDataType_t t) {
  switch (t) {
    case ncclInt8: case ncclUint8: return 1;
    case ncclFloat16: case ncclBfloat16: return 2;
    case ncclInt32: case ncclUint32: case ncclFloat32: return 4;
    case ncclInt64: case ncclUint64: case ncclFloat64: return 8;
    default: return 0;
  }
}

/* The MPI type of t; arith: for a reduction (16-bit floats have none here). */
static MPI_Datatype mpi_type(ncclDataType_t t, int arith) {
  switch (t) {
    case ncclInt8: return MPI_INT8_T;
    case ncclUint8: return MPI_UINT8_T;
    case ncclInt32: return MPI_INT32_T;
    case ncclUint32: return MPI_UINT32_T;
    case ncclInt64: return MPI_INT64_T;
    case ncclUint64: return MPI_UINT64_T;
    case ncclFloat32: return MPI_FLOAT;
    case ncclFloat64: return MPI_DOUBLE;
    case ncclFloat16: case ncclBfloat16: return arith ? MPI_DATATYPE_NULL : MPI_UINT16_T;
    default: return MPI_DATATYPE_NULL;
  }
}

static MPI_Op mpi_op(ncclRedOp_t op) {
  switch (op) {
    case ncclSum: return MPI_SUM;
    case ncclProd: return MPI_PROD;
    case ncclMax: return MPI_MAX;
    case ncclMin: return MPI_MIN;
    default: return MPI_OP_NULL;
  }
}

/* Bytes op reads (in) and writes (out) on this rank. */
static void extents(const qop *o, size_t *in, size_t *out) {
  size_t b = o->count * type_size(o->t);
  int me = o->comm->rank;
  *in = *out = 0;
  switch (o->k) {
    case OP_ALLREDUCE: *in = b; *out = b; break;
    case OP_REDUCE: *in = b; *out = me == o->peer ? b : 0; break;
    case OP_BCAST: *in = me == o->peer ? b : 0; *out = b; break;
    case OP_ALLGATHER: *in = b; *out = b * (size_t)o->comm->size; break;
    case OP_SEND: *in = b; break;
    case OP_RECV: *out = b; break;
  }
}

static ncclResult_t run_group(void);

/* Check one call's arguments and queue it; outside a group, run it at once. */
static ncclResult_t enqueue(qop o) {
  const char *name = op_names[o.k];
  if (!o.comm) return err(ncclInvalidArgument, "%s: null communicator", name);
  if (!type_size(o.t)) return err(ncclInvalidArgument, "%s: invalid datatype %d", name, (int)o.t);
  if (o.count > (size_t)INT_MAX)
    return err(ncclInvalidArgument, "%s: count %zu above INT_MAX (the stand-in passes counts to MPI as int)", name,
               o.count);
  int coll = o.k == OP_ALLREDUCE || o.k == OP_REDUCE;
  if (coll && mpi_op(o.op) == MPI_OP_NULL)
    return err(ncclInvalidArgument, "%s: reduction %d is not in the stand-in (sum, prod, max, min)", name, (int)o.op);
  if (coll && mpi_type(o.t, 1) == MPI_DATATYPE_NULL)
    return err(ncclInvalidArgument, "%s: the stand-in reduces no 16-bit floats", name);
  if ((o.k == OP_REDUCE || o.k == OP_BCAST) && (o.peer < 0 || o.peer >= o.comm->size))
    return err(ncclInvalidArgument, "%s: root %d out of range (%d ranks)", name, o.peer, o.comm->size);
  if ((o.k == OP_SEND || o.k == OP_RECV) && (o.peer < 0 || o.peer >= o.comm->size))
    return err(ncclInvalidArgument, "%s: peer %d out of range (%d ranks)", name, o.peer, o.comm->size);
  size_t in = 0, out = 0;
  extents(&o, &in, &out);
  if ((in && !o.s) || (out && !o.r)) return err(ncclInvalidArgument, "%s: null buffer", name);
  if (nq == capq) {
    int nc = capq ? 2 * capq : 16;
    qop *nqp = realloc(queue, sizeof *nqp * (size_t)nc);
    if (nqp) queue = nqp;
    MPI_Request *nr = nqp ? realloc(reqs, sizeof *nr * (size_t)nc) : NULL;
    if (!nr) return err(ncclSystemError, "NCCL stand-in: out of memory");
    reqs = nr;
    capq = nc;
  }
  queue[nq++] = o;
  return depth ? ncclSuccess : run_group();
}

ncclResult_t ncclGroupStart(void) {
  depth++;
  return ncclSuccess;
}

ncclResult_t ncclGroupEnd(void) {
  if (depth <= 0) return err(ncclInvalidUsage, "ncclGroupEnd without ncclGroupStart");
  return --depth ? ncclSuccess : run_group();
}

/* Open (mode 1/2) or close (0) the buffers of the queued operations; inputs before outputs, so an
 * output that shares a page with an input stays writable. Returns the index of the first buffer
 * that is not emulated-device memory, or -1. */
static int access_all(int mode_in, int mode_out, int *bad_out) {
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < nq; i++) {
      size_t in = 0, out = 0;
      extents(&queue[i], &in, &out);
      const void *p = pass ? (const void *)queue[i].r : queue[i].s;
      size_t b = pass ? out : in;
      if (b && dlops_emu_access(p, b, pass ? mode_out : mode_in)) {
        *bad_out = pass;
        return i;
      }
    }
  return -1;
}

static ncclResult_t run_group(void) {
  ncclResult_t res = ncclSuccess;
  int bad_out = 0, bad = access_all(1, 2, &bad_out);
  if (bad >= 0) {
    int dummy;
    (void)access_all(0, 0, &dummy);
    res = err(ncclInvalidArgument, "%s: %s buffer %p is not device memory (emulated device)", op_names[queue[bad].k],
              bad_out ? "receive" : "send", bad_out ? (const void *)queue[bad].r : queue[bad].s);
    nq = 0;
    return res;
  }
  MPI_Request *req = reqs;
  int nr = 0, e = MPI_SUCCESS;
  const int tag = 7; /* sends and receives of one communicator match per peer in call order */
  for (int i = 0; i < nq && e == MPI_SUCCESS; i++) {
    qop *o = &queue[i];
    if (o->k == OP_SEND)
      e = MPI_Isend(o->s, (int)o->count, mpi_type(o->t, 0), o->peer, tag, o->comm->mpi, &req[nr++]);
    else if (o->k == OP_RECV)
      e = MPI_Irecv(o->r, (int)o->count, mpi_type(o->t, 0), o->peer, tag, o->comm->mpi, &req[nr++]);
  }
  for (int i = 0; i < nq && e == MPI_SUCCESS; i++) {
    qop *o = &queue[i];
    ncclComm_t c = o->comm;
    int n = (int)o->count;
    size_t b = o->count * type_size(o->t);
    switch (o->k) {
      case OP_ALLREDUCE:
        e = MPI_Allreduce(o->s == o->r ? MPI_IN_PLACE : o->s, o->r, n, mpi_type(o->t, 1), mpi_op(o->op), c->mpi);
        break;
      case OP_REDUCE:
        if (c->rank == o->peer)
          e = MPI_Reduce(o->s == o->r ? MPI_IN_PLACE : o->s, o->r, n, mpi_type(o->t, 1), mpi_op(o->op), o->peer, c->mpi);
        else
          e = MPI_Reduce(o->s, NULL, n, mpi_type(o->t, 1), mpi_op(o->op), o->peer, c->mpi);
        break;
      case OP_BCAST:
        if (c->rank == o->peer && o->s != o->r && b) memmove(o->r, o->s, b);
        e = MPI_Bcast(o->r, n, mpi_type(o->t, 0), o->peer, c->mpi);
        break;
      case OP_ALLGATHER: {
        const void *s = (const char *)o->s == (const char *)o->r + b * (size_t)c->rank ? MPI_IN_PLACE : o->s;
        e = MPI_Allgather(s, n, mpi_type(o->t, 0), o->r, n, mpi_type(o->t, 0), c->mpi);
        break;
      }
      default: break;
    }
  }
  if (nr) {
    int we = MPI_Waitall(nr, req, MPI_STATUSES_IGNORE);
    if (e == MPI_SUCCESS) e = we;
  }
  int dummy;
  (void)access_all(0, 0, &dummy);
  if (!res && e != MPI_SUCCESS) {
    char s[MPI_MAX_ERROR_STRING] = "";
    int len = 0;
    MPI_Error_string(e, s, &len);
    res = err(ncclSystemError, "NCCL stand-in: MPI failed under the group: %s", s);
  }
  if (!report_set) {
    report_set = 1;
    const char *v = getenv("DLOPS_NCCL_STANDIN_REPORT");
    if (v && v[0] == '1') atexit(report);
  }
  for (int i = 0; i < nq; i++) {
    nrun[queue[i].k]++;
    brun[queue[i].k] += (long long)(queue[i].count * type_size(queue[i].t));
    ncclComm_t c = queue[i].comm;
    if (++c->nops == c->fault_at && !c->async) {
      c->async = ncclSystemError;
      err(ncclSystemError, "NCCL stand-in: injected asynchronous failure of operation %ld (%s) "
          "(DLOPS_NCCL_STANDIN_FAULT=%ld)", c->nops, op_names[queue[i].k], c->fault_at);
    }
  }
  nq = 0;
  return res;
}

ncclResult_t ncclAllReduce(const void *sendbuff, void *recvbuff, size_t count, ncclDataType_t datatype, ncclRedOp_t op,
                           ncclComm_t comm, cudaStream_t stream) {
  (void)stream;
  return enqueue((qop){OP_ALLREDUCE, sendbuff, recvbuff, count, datatype, op, 0, comm});
}

ncclResult_t ncclReduce(const void *sendbuff, void *recvbuff, size_t count, ncclDataType_t datatype, ncclRedOp_t op,
                        int root, ncclComm_t comm, cudaStream_t stream) {
  (void)stream;
  return enqueue((qop){OP_REDUCE, sendbuff, recvbuff, count, datatype, op, root, comm});
}

ncclResult_t ncclBroadcast(const void *sendbuff, void *recvbuff, size_t count, ncclDataType_t datatype, int root,
                           ncclComm_t comm, cudaStream_t stream) {
  (void)stream;
  return enqueue((qop){OP_BCAST, sendbuff, recvbuff, count, datatype, ncclSum, root, comm});
}

ncclResult_t ncclAllGather(const void *sendbuff, void *recvbuff, size_t sendcount, ncclDataType_t datatype,
                           ncclComm_t comm, cudaStream_t stream) {
  (void)stream;
  return enqueue((qop){OP_ALLGATHER, sendbuff, recvbuff, sendcount, datatype, ncclSum, 0, comm});
}

ncclResult_t ncclSend(const void *sendbuff, size_t count, ncclDataType_t datatype, int peer, ncclComm_t comm,
                      cudaStream_t stream) {
  (void)stream;
  return enqueue((qop){OP_SEND, sendbuff, NULL, count, datatype, ncclSum, peer, comm});
}

ncclResult_t ncclRecv(void *recvbuff, size_t count, ncclDataType_t datatype, int peer, ncclComm_t comm,
                      cudaStream_t stream) {
  (void)stream;
  return enqueue((qop){OP_RECV, NULL, recvbuff, count, datatype, ncclSum, peer, comm});
}
