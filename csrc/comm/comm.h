/* Internal communication interface (never installed).
 *
 * A dlops_comm is a communicator plus a backend function table. Layers above call the
 * dlops_comm_* front-end functions below, which validate, translate complex data into pairs of
 * reals, time and count the operation, then call the backend. A backend that leaves an entry
 * NULL gets the two-sided MPI implementation instead (logged once).
 *
 * Backends see only real or integer transport types and 64-bit counts; they chunk counts above
 * the per-message limit (INT_MAX, or DLOPS_COMM_MAX_CHUNK for testing) themselves.
 *
 * Memory spaces. Every payload call names the memory space of its buffers (all buffers of one
 * call live in the same space). The front end decides what each backend gets:
 *   - a backend that takes device buffers (NCCL; two-sided MPI when the MPI library is
 *     CUDA-aware and the memory table allows it, unless the spec says stage=always) gets them
 *     as they are;
 *   - otherwise device buffers are staged through host buffers that the communicator keeps and
 *     reuses (pinned where the memory table provides it): device-to-host copies of what is
 *     sent, the backend call on host memory, host-to-device copies of what is received. These
 *     copies are counted as the memory space's comm_h2d / comm_d2h traffic;
 *   - host buffers given to a backend that takes only device buffers (NCCL) go to two-sided MPI.
 * Self messages of neighbour exchanges and all-to-alls are copied by the front end in their own
 * memory space; backends never see them.
 */
#ifndef DLOPS_COMM_H
#define DLOPS_COMM_H

#include <mpi.h>

#include "../core/error.h"

/* Transport types. The first four equal dlops_dtype so a dtype converts by a cast. */
typedef enum {
  DLOPS_CT_F32 = DLOPS_F32,
  DLOPS_CT_F64 = DLOPS_F64,
  DLOPS_CT_C64 = DLOPS_C64,
  DLOPS_CT_C128 = DLOPS_C128,
  DLOPS_CT_I32 = 4,
  DLOPS_CT_I64 = 5,
  DLOPS_CT_BYTE = 6,
  DLOPS_CT_NUM = 7
} dlops_ctype;

typedef enum { DLOPS_OP_NONE = -1, DLOPS_OP_SUM = 0, DLOPS_OP_MAX = 1, DLOPS_OP_MIN = 2 } dlops_redop;

/** Marks an in-place allreduce/reduce (send buffer == receive buffer). */
#define DLOPS_IN_PLACE ((const void *)1)

/** One point-to-point pair of a neighbour exchange: send scount elements to peer and receive
 *  rcount elements from peer (either count may be 0; peer may equal the own rank: local copy). */
typedef struct {
  int peer;
  const void *sendbuf;
  int64_t scount;
  void *recvbuf;
  int64_t rcount;
} dlops_nbr_msg;

/** An alltoallv as a neighbour-exchange message list, in m (room for P messages): one message
 *  per peer in rank order, or, with skip_empty, only the peers that send or receive something,
 *  with NULL for an empty side. es: element size. Returns the number of messages. The backends
 *  that run alltoallv as point-to-point messages (mpi's chunked path, rma, nccl) share it. */
static inline int dlops_alltoallv_msgs(int P, const void *send, const int64_t *scounts, const int64_t *sdispls,
                                       void *recv, const int64_t *rcounts, const int64_t *rdispls, size_t es,
                                       int skip_empty, dlops_nbr_msg *m) {
  int n = 0;
  for (int r = 0; r < P; r++) {
    if (skip_empty && scounts[r] == 0 && rcounts[r] == 0) continue;
    m[n].peer = r;
    m[n].sendbuf = !skip_empty || scounts[r] > 0 ? (const char *)send + (size_t)sdispls[r] * es : NULL;
    m[n].scount = scounts[r];
    m[n].recvbuf = !skip_empty || rcounts[r] > 0 ? (char *)recv + (size_t)rdispls[r] * es : NULL;
    m[n].rcount = rcounts[r];
    n++;
  }
  return n;
}

typedef struct dlops_comm_s dlops_comm;

#define DLOPS_RED_TYPES 4
/* largest exact accumulator, in int64 words, that a first-round record can carry */
#define DLOPS_RED_XPER_MAX 96

/** An agreed reduction (agree.c): n doubles v reduced by op over the communicator (op
 *  DLOPS_OP_NONE: agreement only), and with xper > 0 the exact accumulators x (n * xper int64
 *  words, summed), together with the agreement of every rank's error and argument checksum.
 *  Fill op, n, v, x, xper, hash and what; the rest is private. */
typedef struct {
  dlops_redop op;
  int n;
  double *v;
  int64_t *x;
  int xper;
  uint64_t hash;
  const char *what; /* names the checksummed arguments in the mismatch message */
  /* blocking (MPI_Allreduce) or not (MPI_Iallreduce + MPI_Wait): every rank of one call must use
   * the same kind (MPI does not match a blocking collective with a non-blocking one).
   * dlops_red_run sets it; only dlops_darray_multi_dot_begin starts a non-blocking record. */
  int blocking;
  int meta;          /* count the message as DLOPS_COMM_META even with a payload (argument checks) */
  int mismatch_code; /* code when checksums differ (0: DLOPS_ERR_ARG) */
  /* private */
  dlops_comm *c;
  void *rec;
  size_t bytes;
  MPI_Request req;
  int code, from_pending, active;
  double t0;
  int64_t buf[(32 + 16 * 8) / 8 + 4 * DLOPS_RED_XPER_MAX];
} dlops_red;

/** A pending non-blocking operation (ibcast, iallreduce, ireduce). Broadcasts above the chunk
 *  limit travel as one message of a contiguous derived type plus a remainder; reductions use up
 *  to DLOPS_REQ_MAX chunk requests (beyond that the backend completes them before returning). */
#define DLOPS_REQ_MAX 8
typedef struct {
  MPI_Request r[DLOPS_REQ_MAX];
  MPI_Datatype dt; /* derived type to free at completion, or MPI_DATATYPE_NULL */
  int n;           /* number of active requests */
  const struct dlops_comm_ops_s *by; /* the table that started it (its wait completes it) */
  void *impl;      /* backend-private */
  /* staging of a device buffer (front end): slot + 1 (0: none), where the result goes */
  int stage;
  void *stage_dst;
  const void *stage_src;
  size_t stage_bytes;
} dlops_request;

/** Counters shared by a context and all communicators split from it. */
typedef struct {
  dlops_comm_counter k[DLOPS_COMM_NUM_KINDS];
  int refcount;
} dlops_counters;

typedef struct dlops_comm_ops_s {
  const char *name;
  int (*allreduce)(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op);
  int (*allgatherv)(dlops_comm *c, const void *send, int64_t scount, void *recv, const int64_t *rcounts,
                    const int64_t *rdispls, dlops_ctype t);
  int (*bcast)(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root);
  int (*reduce)(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                int root);
  int (*alltoallv)(dlops_comm *c, const void *send, const int64_t *scounts, const int64_t *sdispls, void *recv,
                   const int64_t *rcounts, const int64_t *rdispls, dlops_ctype t);
  int (*neighbor)(dlops_comm *c, int n, const dlops_nbr_msg *msgs, dlops_ctype t);
  /* Non-blocking broadcast / allreduce (completed by wait). */
  int (*ibcast)(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root, dlops_request *req);
  int (*iallreduce)(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                    dlops_request *req);
  int (*ireduce)(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op, int root,
                 dlops_request *req);
  int (*wait)(dlops_comm *c, dlops_request *req);
  /** Start a neighbour exchange (no self messages), completed by wait; a backend may complete
   *  it before returning (req->n = 0), e.g. when it would need more than DLOPS_REQ_MAX
   *  requests. NULL: the front end runs the blocking neighbor entry instead (no overlap). */
  int (*ineighbor)(dlops_comm *c, int n, const dlops_nbr_msg *msgs, dlops_ctype t, dlops_request *req);
  /** Let the library progress a started operation without blocking (NULL: nothing to do). */
  int (*test)(dlops_comm *c, dlops_request *req);
  /** Create the backend part of a split communicator: out->mpi is already set. */
  int (*split_init)(dlops_comm *parent, dlops_comm *out);
  void (*finalize)(dlops_comm *c); /* free backend-private data (not the MPI communicator) */
} dlops_comm_ops;

/** A reusable host buffer for staging device messages. */
typedef struct {
  void *p;
  size_t cap;
  int busy;
} dlops_stage_slot;

struct dlops_comm_s {
  const dlops_comm_ops *ops;
  dlops_ctx ctx;          /* for error messages and logging */
  MPI_Comm mpi;           /* owned: freed by dlops_comm_destroy */
  int rank, size;
  dlops_counters *counters;
  int64_t max_chunk;      /* max elements per message (INT_MAX, or smaller for tests) */
  int delegated_logged;   /* bit mask: which delegations were logged */
  int device_direct;      /* the backend is handed device buffers as they are */
  int stream_ordered;     /* ... and orders its work on the device memory space's stream (NCCL):
                           * else (CUDA-aware MPI) that stream is synchronised before each call */
  int host_ok;            /* the backend takes host buffers (else they go to two-sided MPI) */
  int nstage;             /* staging buffers (grown on demand, freed with the communicator) */
  dlops_stage_slot *stage;
  void *impl;             /* backend-private */
  /* agreement records (agree.c): exact words per value (0 unless deterministic), datatypes */
  int red_xper;
  int red_next;
  struct {
    size_t bytes;
    MPI_Datatype type;
  } red_types[DLOPS_RED_TYPES];
};

/* ---- backend constructors ---- */
DLOPS_INTERN extern const dlops_comm_ops dlops_comm_mpi_ops;
/** 1 if the MPI library can be handed CUDA device pointers (Open MPI's MPIX_Query_cuda_support;
 *  0 where the library cannot tell). Local. */
DLOPS_INTERN int dlops_mpi_cuda_aware(void);

/** Build a communicator object on an MPI communicator it takes ownership of. */
DLOPS_PLUGIN_API int dlops_comm_create(dlops_ctx ctx, MPI_Comm mpi, const dlops_comm_ops *ops, dlops_counters *counters,
                                   dlops_comm **out);
DLOPS_PLUGIN_API void dlops_comm_destroy(dlops_comm **c);

/* ---- front end (all collective over c unless noted) ---- */
DLOPS_PLUGIN_API size_t dlops_ctype_size(dlops_ctype t);
DLOPS_INTERN MPI_Datatype dlops_ctype_mpi(dlops_ctype t);
DLOPS_INTERN int dlops_comm_allreduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t,
                                      dlops_redop op, dlops_memspace mem);
DLOPS_INTERN int dlops_comm_allgatherv(dlops_comm *c, const void *send, int64_t scount, void *recv,
                                       const int64_t *rcounts, const int64_t *rdispls, dlops_ctype t,
                                       dlops_memspace mem);
/** Equal-count allgather: recv holds size*count elements. */
DLOPS_INTERN int dlops_comm_allgather(dlops_comm *c, const void *send, int64_t count, void *recv, dlops_ctype t,
                                      dlops_memspace mem);
DLOPS_INTERN int dlops_comm_bcast(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root,
                                  dlops_memspace mem);
DLOPS_INTERN int dlops_comm_reduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t,
                                   dlops_redop op, int root, dlops_memspace mem);
DLOPS_INTERN int dlops_comm_alltoallv(dlops_comm *c, const void *send, const int64_t *scounts,
                                      const int64_t *sdispls, void *recv, const int64_t *rcounts,
                                      const int64_t *rdispls, dlops_ctype t, dlops_memspace mem);
/** Neighbour exchange. Collective over c: every rank calls it, with n = 0 when it has nothing to
 *  exchange (the RMA backend checks collectively that every rank repeats a cached pattern, and
 *  learns new patterns collectively); data moves only between the pairs listed, and each pair
 *  must be listed by both sides with matching counts (several messages to one peer pair up in
 *  list order). Allocates nothing when the pattern repeats. */
DLOPS_INTERN int dlops_comm_neighbor(dlops_comm *c, int n, const dlops_nbr_msg *msgs, dlops_ctype t,
                                     dlops_memspace mem);
/** Start a neighbour exchange: the same contract as dlops_comm_neighbor (every rank calls it,
 *  with n = 0 when it has nothing to exchange), completed by dlops_comm_wait(c, req,
 *  DLOPS_COMM_NEIGHBOR); until then the send buffers must stay untouched and the receive
 *  buffers unread. Counted when started (the wait adds its time). The exchange overlaps the
 *  caller's work between the two calls only where the backend takes the buffers as they are and
 *  has a non-blocking exchange: two-sided MPI on host memory (also host buffers of a NCCL
 *  context, which go to two-sided MPI), or device memory with a CUDA-aware MPI once a device
 *  memory space exists. Otherwise (RMA, whose exchange is one synchronised epoch; NCCL on device
 *  buffers; staged device memory) the whole exchange is done here and the wait does nothing.
 *  Either way the result is the same. */
DLOPS_INTERN int dlops_comm_ineighbor(dlops_comm *c, int n, const dlops_nbr_msg *msgs, dlops_ctype t,
                                      dlops_request *req, dlops_memspace mem);
/** Let a started operation progress (MPI_Testall on two-sided MPI: a large message needs its
 *  receiver inside MPI to move). Local, never blocks; the request still needs dlops_comm_wait. */
DLOPS_INTERN int dlops_comm_test(dlops_comm *c, dlops_request *req);
/** Start a broadcast; buf must stay untouched until dlops_comm_wait. Counted when started. */
DLOPS_INTERN int dlops_comm_ibcast(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root,
                                   dlops_request *req, dlops_memspace mem);
/* Non-blocking reductions stay two-sided under comm=rma (issue 11), by decision:
 *   - What pipelined CG overlaps is not this call but the agreement record of
 *     dlops_darray_multi_dot_begin (agree.c): MPI_Iallreduce with a user-defined operation
 *     (lowest failing rank, checksum mismatch, NaN-keeping max/min, the payload). MPI one-sided
 *     communication computes at the target only through MPI_Accumulate, with predefined
 *     operations only, so a one-sided version must either put every rank's record into every
 *     other rank's window (P - 1 puts and notifications per rank, P(P - 1) per reduction, against
 *     O(P log P) messages for the tree) and combine locally, or accumulate into one rank and
 *     send the result on, a second step that needs that rank inside MPI.
 *   - Open MPI 4.1: on several nodes with several ranks on a node, osc/rdma is refused (ompi#9492,
 *     rma.c) and dlops tells those runs to use osc/pt2pt, which applies a put only when the
 *     target enters the MPI library (no progress thread in 4.1): the reduction would advance in
 *     the same places as MPI_Iallreduce (libnbc), the MPI calls of the operator apply it
 *     overlaps, and gain nothing. One rank per node (osc/rdma) or one node (osc/sm) could complete
 *     puts without the target, but the P(P - 1) record exchange above is what they would run.
 *   - Safety: every rank of one reduction must use the same protocol, orphaned ranks and ranks
 *     that fail before starting included (docs/reliability.md); multi_dot_begin allows any number
 *     of pending requests, so reusing window slots safely needs acknowledgements (messages again)
 *     or a fall-back to MPI_Iallreduce decided the same way on every rank. The added protocol
 *     would be a new way to hang or to read a stale record, for no overlap on Open MPI 4.1.
 * So the rma backend has no iallreduce/ireduce entry: dlops_comm_iallreduce and
 * dlops_comm_ireduce take two-sided MPI (logged once with log=1), and so does the agreement. */
/** Start an allreduce (send may be DLOPS_IN_PLACE); recv is valid after dlops_comm_wait. */
DLOPS_INTERN int dlops_comm_iallreduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t,
                                       dlops_redop op, dlops_request *req, dlops_memspace mem);
/** Start a reduce to root (send may be DLOPS_IN_PLACE on the root: recv holds the input). */
DLOPS_INTERN int dlops_comm_ireduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t,
                                    dlops_redop op, int root, dlops_request *req, dlops_memspace mem);
/** Complete a non-blocking operation (no-op for a request that is not active). The wait time
 *  is added to the kind's seconds. */
DLOPS_INTERN int dlops_comm_wait(dlops_comm *c, dlops_request *req, dlops_comm_kind kind);

/** 1 if a payload in memory space mem goes to the backend without staging (reductions of
 *  device partial sums then stay on the device). */
DLOPS_INTERN int dlops_comm_direct(const dlops_comm *c, dlops_memspace mem);

/** Split by colour (MPI_Comm_split semantics), same backend, shared counters. */
DLOPS_INTERN int dlops_comm_split(dlops_comm *c, int color, int key, dlops_comm **out);

/** Uncounted-data metadata allgather of int64 values over MPI (counted as DLOPS_COMM_META). */
DLOPS_INTERN int dlops_comm_meta_allgather_i64(dlops_comm *c, const int64_t *send, int64_t count, int64_t *recv);
/** Metadata allreduce of int64 values over MPI (counted as DLOPS_COMM_META). */
DLOPS_INTERN int dlops_comm_meta_allreduce_i64(dlops_comm *c, int64_t *inout, int64_t count, dlops_redop op);

/** Collective error agreement on c: every rank passes its local code (0 if fine); a failure
 *  marked on the context (dlops_ctx_mark) counts as this rank's. If any rank failed, every rank
 *  returns the code of the lowest failing rank and records that rank's message. One MPI
 *  allreduce when all is well (counted as DLOPS_COMM_META). See agree.c. */
DLOPS_PLUGIN_API int dlops_comm_agree(dlops_comm *c, int err);
/** The same, also checking that hash (a checksum of scalar arguments that must be equal on
 *  every rank, see dlops_hash_bytes) is the same everywhere: DLOPS_ERR_ARG naming what if not. */
DLOPS_INTERN int dlops_comm_agree_hash(dlops_comm *c, int err, uint64_t hash, const char *what);
/** Agreed reductions (blocking, or start + finish). Collective over c. */
DLOPS_INTERN int dlops_red_run(dlops_comm *c, dlops_red *r, int err);
DLOPS_INTERN int dlops_red_start(dlops_comm *c, dlops_red *r, int err);
DLOPS_INTERN int dlops_red_finish(dlops_red *r);
/** For a collective call given no usable handle on this rank (every handle NULL or stale): join
 *  the agreement on the only live context, if there is exactly one, with err; returns err. */
DLOPS_INTERN int dlops_agree_orphan(int err);
DLOPS_INTERN void dlops_comm_red_free_types(dlops_comm *c);
/** Entry agreement of a collective call on ctx's communicator: ctx NULL (or stale) when this
 *  rank has no usable handle, then it joins on the only live context (dlops_agree_orphan). */
DLOPS_INTERN int dlops_agree_on(dlops_ctx ctx, int err, uint64_t hash, const char *what);

/** A window of bytes per rank on c's MPI communicator, made the way the rma backend makes its
 *  own (rma.c: MPI_Win_allocate_shared when every rank is on one node, else MPI_Win_allocate,
 *  refused on every rank with DLOPS_ERR_UNSUPPORTED where Open MPI < 5's osc/rdma would serve a
 *  window that sibling communicators could corrupt, open-mpi/ompi#9492), whatever c's backend.
 *  The window's error handler is MPI_ERRORS_RETURN; the caller frees it with MPI_Win_free.
 *  Collective over c. Only with DLOPS_HAVE_RMA (rma.c compiled). */
DLOPS_INTERN int dlops_rma_win_allocate(dlops_comm *c, int64_t bytes, MPI_Win *win, void **base);

/* Counting helpers for backends and front end. */
DLOPS_INTERN void dlops_counter_add(dlops_comm *c, dlops_comm_kind k, int64_t messages, int64_t bytes, double t);

#endif
