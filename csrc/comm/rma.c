/* MPI-3 one-sided (RMA) backend of the communication interface (host memory; the front end
 * stages device buffers through host memory, comm.h).
 *
 * Windows: each communicator owns one window for its collectives, created on first use and
 * reused by every later call: MPI_Win_allocate_shared when every rank of the communicator is on
 * one node, else MPI_Win_allocate (see "Which window constructor" below for why). Its memory on
 * every rank is
 *     [ header: P int64 offset slots | 1 int64 arrival counter | padding ][ data: cap bytes ]
 * with the same cap on every rank. A call that needs more than cap bytes grows the window
 * collectively (free, then allocate max(need over ranks, 2 cap)). Neighbour exchanges have a
 * second window of their own (same constructor), sized when a pattern is learned ("Neighbour
 * exchange" below). Both are freed with the communicator (collective over it).
 *
 * Data movement:
 *   - bcast, allgatherv: the owners copy their block into their window; the others MPI_Get it
 *     straight into the destination buffer.
 *   - allreduce, reduce: contributions are copied into the windows and reduced locally *in rank
 *     order* (r = c0; r op= c1; ... op= c(P-1)), so every element is computed the same way on
 *     every rank whatever the rank count or sync mode. Small vectors: every rank (or the root)
 *     gets all contributions. Large vectors: reduce-scatter then allgather — rank r gets segment r
 *     of every contribution, reduces it, and MPI_Puts the result into the others' windows.
 *   - alltoallv: receivers tell each sender where to write (an offset put into a header slot of
 *     the sender's window), then senders MPI_Put their data into the receivers' windows, which
 *     copy it out. Self messages are local copies.
 *   - neighbour exchange: patterns are cached, so that a repeated exchange is one 8-byte
 *     allreduce (the check that every rank repeats the same pattern) and one epoch of puts into
 *     offsets agreed when the pattern was first seen ("Neighbour exchange" below).
 *
 * Synchronisation (spec sync=...):
 *   - fence: MPI_Win_fence epochs (NOPRECEDE to open, NOSUCCEED to close).
 *   - pscw: post/start/complete/wait with the groups of ranks that actually exchange data: only
 *     the root for bcast/reduce targets, only the peers with non-zero counts for alltoallv and
 *     neighbour exchange (one epoch per exchange, groups cached with the pattern).
 *   - lock_all: passive target. MPI_Win_lock_all once when the window is created; collectives
 *     complete with MPI_Win_flush_all and a barrier; alltoallv uses a barrier-free notification
 *     scheme: offsets travel as tagged atomic words (MPI_Accumulate REPLACE),
 *     and after its puts are flushed a sender increments the receiver's arrival counter
 *     (MPI_Accumulate SUM); each side polls its own window with MPI_Fetch_and_op(NO_OP). A
 *     neighbour exchange puts first and completes with the pattern-check allreduce.
 *
 * Every operation, including neighbour exchange, must be called by every rank of the
 * communicator (with n = 0 where a rank has nothing to exchange): windows grow collectively,
 * alltoallv agrees its window size with one small allreduce, a neighbour exchange checks its
 * pattern with one, and fences are collective.
 * Counts above c->max_chunk elements are moved in several MPI_Put/MPI_Get calls.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__unix__) || defined(__APPLE__)
#include <sched.h>
#define RMA_YIELD() sched_yield()
#else
#define RMA_YIELD() ((void)0)
#endif

#include "../core/ctx_impl.h"
#include "../core/split.h"
#include "comm.h"

/* Which window constructor, and Open MPI 4's osc/rdma bug.
 *
 * Open MPI before 5.0 (open-mpi/ompi#9492, fixed by ompi#9495 in 5.0): when osc/rdma serves a
 * window whose communicator has several ranks on one node, the node's first rank creates the
 * window's memory and state as a file /dev/shm/osc_rdma.<node>.<jobid>.<cid>, the others map it,
 * and it is unlinked after a barrier. The context id (CID) is only unique per process: sibling
 * communicators from one MPI_Comm_split share a CID, so siblings that create windows at about the
 * same time open the same file and read and write each other's data and lock/post state. dlops
 * saw errors of order 1 in the 2x2-grid matmul at NP 4 (sometimes with success everywhere) and
 * hangs with sync=pscw; the "unlink(2) /dev/shm/osc_rdma..." warning is the trace it leaves.
 * Setting btl_vader_single_copy_mechanism=none only hid it (vader then offers no RDMA, so
 * osc/pt2pt serves the windows).
 *
 * Giving our communicator a distinct CID does not help: osc/rdma duplicates the communicator
 * (ompi_comm_dup) and names the file by the duplicate's CID, which only the window's own ranks
 * agree on. Measured with Open MPI 4.1.4, 6 ranks in pairs: siblings built one colour at a time
 * over the parent have distinct CIDs, yet every pair's window was "rdma window 7".
 *
 * So dlops does not let osc/rdma map shared files for windows that could collide:
 *   - every rank of the communicator on one node (the CI case, and every single-node run): the
 *     window comes from MPI_Win_allocate_shared. Its only provider in Open MPI is osc/sm, whose
 *     file name carries the creating process's vpid (unique in the job), so siblings never meet.
 *     A shared window is an ordinary window for put/get/accumulate and all three sync modes.
 *     In a standalone test (4 ranks, two sibling pairs, 500 create/put/get/free rounds)
 *     MPI_Win_allocate gave wrong data or hung in every run; MPI_Win_allocate_shared never did.
 *   - ranks on several nodes with one rank per node: osc/rdma keeps its state in private memory
 *     (no file), nothing to collide.
 *   - ranks on several nodes with several on some node, on Open MPI < 5: a window is created at
 *     construction, and if osc/rdma serves it ("rdma window N") the communicator is refused on
 *     every rank with DLOPS_ERR_UNSUPPORTED, saying to use OMPI_MCA_osc=^rdma (osc/pt2pt) or
 *     Open MPI >= 5: a refusal, never a wrong answer.
 * The environment variable DLOPS_RMA_SHARED=0 turns the shared constructor off (tests use it to
 * reach the refusal on one node). */

#define RMA_MIN_CAP ((MPI_Aint)4096)
/* allreduce/reduce gather every contribution when count * size * P is at most this (tests can
 * change it with the environment variable DLOPS_RMA_SMALL_BYTES, e.g. 0 to always take the
 * reduce-scatter path when count >= P) */
#define RMA_SMALL_BYTES ((int64_t)65536)
/* alltoallv/neighbour offsets travel as (tag << RMA_TAG_SHIFT) | offset */
#define RMA_TAG_SHIFT 40
#define RMA_OFF_MASK ((INT64_C(1) << RMA_TAG_SHIFT) - 1)

/* A cached neighbour-exchange pattern: this rank's message list geometry (what it matches) and
 * what was agreed for it: where each message's data lands in the target's area. */
#define RMA_XSLOTS 16 /* patterns per communicator: bits of the validation mask */
typedef struct {
  int used;          /* 1: holds a pattern (poisoned slots match nothing: n < 0) */
  uint64_t key;      /* checksum of the geometry (a first filter; the geometry is compared) */
  int n;             /* messages of the list (self messages excluded) */
  dlops_ctype t;
  int64_t *geo;      /* [3 n]: peer, send count, receive count of each message */
  int64_t *soff;     /* [n]: byte offset of the message's data in the target's area */
  int64_t *roff;     /* [n]: byte offset of the message's incoming data in this rank's area */
  int gempty;        /* no data moves between any two ranks (agreed): no epoch at all */
  MPI_Group gin, gout; /* pscw: ranks that put into this rank / that this rank puts into */
  int64_t last;      /* round of the last use (least recently used slot replaced) */
  int next;          /* slot used right after this one last time (-1): lock_all's prediction */
} xslot;

typedef struct {
  dlops_rma_sync sync;
  MPI_Win win;       /* MPI_WIN_NULL until first use */
  char *base;        /* window memory on this rank */
  MPI_Aint hdr;      /* header bytes: the data area starts here */
  MPI_Aint cap;      /* data bytes per rank, the same on every rank */
  MPI_Group group;   /* group of c->mpi */
  MPI_Group others;  /* every rank but this one */
  int posted, started;
  int64_t seq;       /* alltoallv/neighbour calls so far (lock_all tags) */
  int64_t arrivals;  /* arrival notifications expected so far on this window (lock_all) */
  int64_t small;     /* small-reduction threshold in bytes */
  int shared;        /* every rank on one node: MPI_Win_allocate_shared (see the top of the file) */
  int guard;         /* several nodes, several ranks on one, Open MPI < 5: refuse osc/rdma windows */
  /* neighbour exchanges: their own window of two areas and the cached patterns ("Neighbour
   * exchange" below) */
  MPI_Win xwin;      /* MPI_WIN_NULL until a pattern moves data */
  char *xbase;
  MPI_Aint xcap;     /* bytes of one area, the same on every rank */
  xslot xs[RMA_XSLOTS];
  int64_t xround;    /* data rounds so far (the area of round k is k % 2) */
  int xprev;         /* slot of the last exchange (-1: none) */
} rma_state;

static const char *const sync_name[] = {"fence", "pscw", "lock_all"};

static rma_state *st(dlops_comm *c) { return (rma_state *)c->impl; }

#define MPICALL(c, expr)                                                                  \
  do {                                                                                    \
    int rma_e_ = (expr);                                                                  \
    if (rma_e_ != MPI_SUCCESS)                                                            \
      return dlops_error_mpi((c)->ctx, rma_e_, __FILE__, __LINE__, __func__, #expr);      \
  } while (0)

/* ---------------------------------------------------------------- window life cycle */
static int win_free(dlops_comm *c, rma_state *s) {
  if (s->win == MPI_WIN_NULL) return DLOPS_SUCCESS;
  int e = MPI_SUCCESS;
  if (s->sync == DLOPS_SYNC_LOCK_ALL) e = MPI_Win_unlock_all(s->win);
  int e2 = MPI_Win_free(&s->win);
  s->win = MPI_WIN_NULL;
  s->base = NULL;
  s->cap = 0;
  if (e == MPI_SUCCESS) e = e2;
  if (e != MPI_SUCCESS) return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Win_free");
  return DLOPS_SUCCESS;
}

/* Allocate a window of bytes per rank on c (the constructor chosen at the top of the file; with
 * the guard, refused on every rank when osc/rdma serves it). Collective. */
static int win_make(dlops_comm *c, rma_state *s, MPI_Aint bytes, MPI_Win *win, char **basep) {
  MPI_Info info;
  MPI_Info_create(&info);
  MPI_Info_set(info, "same_disp_unit", "true");
  char *base = NULL;
  int e;
  if (s->shared) {
    /* each rank's part on its own pages (no false sharing between ranks) */
    MPI_Info_set(info, "alloc_shared_noncontig", "true");
    e = MPI_Win_allocate_shared(bytes, 1, info, c->mpi, &base, win);
  } else {
    e = MPI_Win_allocate(bytes, 1, info, c->mpi, &base, win);
  }
  MPI_Info_free(&info);
  if (e != MPI_SUCCESS) {
    *win = MPI_WIN_NULL;
    return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__,
                           s->shared ? "MPI_Win_allocate_shared" : "MPI_Win_allocate");
  }
  MPI_Win_set_errhandler(*win, MPI_ERRORS_RETURN);
  if (s->guard) {
    /* Open MPI < 5 names osc/rdma windows "rdma window <cid>"; agreed, so every rank refuses */
    char name[MPI_MAX_OBJECT_NAME] = "";
    int len = 0, rdma;
    if (MPI_Win_get_name(*win, name, &len) != MPI_SUCCESS) name[0] = '\0';
    rdma = !strncmp(name, "rdma window", 11);
    e = MPI_Allreduce(MPI_IN_PLACE, &rdma, 1, MPI_INT, MPI_MAX, c->mpi);
    if (e != MPI_SUCCESS || rdma) {
      MPI_Win_free(win);
      *win = MPI_WIN_NULL;
      if (e != MPI_SUCCESS) return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Allreduce");
      return DLOPS_ERROR(c->ctx, DLOPS_ERR_UNSUPPORTED,
                         "comm=rma: this Open MPI (before 5.0) serves the windows with osc/rdma, which gives wrong "
                         "results for communicators with several ranks on a node that span several nodes "
                         "(open-mpi/ompi#9492): run with OMPI_MCA_osc=^rdma (osc/pt2pt), use Open MPI >= 5, or "
                         "use comm=mpi");
    }
  }
  *basep = base;
  return DLOPS_SUCCESS;
}

static int win_alloc(dlops_comm *c, rma_state *s, MPI_Aint cap) {
  char *base = NULL;
  DLOPS_CALL(win_make(c, s, s->hdr + cap, &s->win, &base));
  s->base = base;
  s->cap = cap;
  s->arrivals = 0;
  memset(base, 0, (size_t)s->hdr);
  if (s->sync == DLOPS_SYNC_LOCK_ALL) {
    MPICALL(c, MPI_Win_lock_all(MPI_MODE_NOCHECK, s->win));
    MPICALL(c, MPI_Win_sync(s->win));
    /* nobody touches a window before its owner has cleared the header */
    MPICALL(c, MPI_Barrier(c->mpi));
  }
  return DLOPS_SUCCESS;
}

/* Make sure every rank's data area holds need bytes. global = 1 when need is the same on every
 * rank (computed from arguments all ranks share); otherwise the maximum is agreed first. */
static int ensure(dlops_comm *c, rma_state *s, int64_t need, int global) {
  if (!global) MPICALL(c, MPI_Allreduce(MPI_IN_PLACE, &need, 1, MPI_INT64_T, MPI_MAX, c->mpi));
  if (s->win != MPI_WIN_NULL && need <= (int64_t)s->cap) return DLOPS_SUCCESS;
  MPI_Aint ncap = s->win == MPI_WIN_NULL ? RMA_MIN_CAP : 2 * s->cap;
  if ((MPI_Aint)need > ncap) ncap = (MPI_Aint)need;
  ncap = (ncap + 63) / 64 * 64;
  DLOPS_CALL(win_free(c, s));
  return win_alloc(c, s, ncap);
}

/* ---------------------------------------------------------------- groups and epochs */
/* Group of the listed ranks (MPI_GROUP_EMPTY when n = 0). */
static int make_group(dlops_comm *c, rma_state *s, int n, const int *ranks, MPI_Group *g) {
  *g = MPI_GROUP_EMPTY;
  if (n > 0) MPICALL(c, MPI_Group_incl(s->group, n, ranks, g));
  return DLOPS_SUCCESS;
}

static void drop_group(rma_state *s, MPI_Group *g) {
  if (*g != MPI_GROUP_EMPTY && *g != MPI_GROUP_NULL && *g != s->others && *g != s->group) MPI_Group_free(g);
  *g = MPI_GROUP_EMPTY;
}

/* Open an epoch in which this rank accesses the ranks of acc and is accessed by those of exp.
 * Window stores made before this call are visible to the other ranks' accesses. */
static int ep_open(dlops_comm *c, rma_state *s, MPI_Group acc, MPI_Group exp) {
  switch (s->sync) {
    case DLOPS_SYNC_FENCE: MPICALL(c, MPI_Win_fence(MPI_MODE_NOPRECEDE, s->win)); break;
    case DLOPS_SYNC_PSCW:
      if (exp != MPI_GROUP_EMPTY) {
        MPICALL(c, MPI_Win_post(exp, 0, s->win));
        s->posted = 1;
      }
      if (acc != MPI_GROUP_EMPTY) {
        MPICALL(c, MPI_Win_start(acc, 0, s->win));
        s->started = 1;
      }
      break;
    case DLOPS_SYNC_LOCK_ALL:
      MPICALL(c, MPI_Win_sync(s->win));
      MPICALL(c, MPI_Barrier(c->mpi));
      break;
  }
  return DLOPS_SUCCESS;
}

/* Close the epoch: this rank's accesses are complete at both ends, and accesses to this rank's
 * window by others are complete and visible here. */
static int ep_close(dlops_comm *c, rma_state *s) {
  switch (s->sync) {
    case DLOPS_SYNC_FENCE: MPICALL(c, MPI_Win_fence(MPI_MODE_NOSUCCEED, s->win)); break;
    case DLOPS_SYNC_PSCW:
      if (s->started) {
        s->started = 0;
        MPICALL(c, MPI_Win_complete(s->win));
      }
      if (s->posted) {
        s->posted = 0;
        MPICALL(c, MPI_Win_wait(s->win));
      }
      break;
    case DLOPS_SYNC_LOCK_ALL:
      MPICALL(c, MPI_Win_flush_all(s->win));
      MPICALL(c, MPI_Barrier(c->mpi));
      MPICALL(c, MPI_Win_sync(s->win));
      break;
  }
  return DLOPS_SUCCESS;
}

/* Close the epoch and open the next one. Only valid when this rank makes no window stores in
 * between (fence then needs a single MPI_Win_fence). */
static int ep_next(dlops_comm *c, rma_state *s, MPI_Group acc, MPI_Group exp) {
  switch (s->sync) {
    case DLOPS_SYNC_FENCE: MPICALL(c, MPI_Win_fence(0, s->win)); break;
    case DLOPS_SYNC_PSCW:
      DLOPS_CALL(ep_close(c, s));
      DLOPS_CALL(ep_open(c, s, acc, exp));
      break;
    case DLOPS_SYNC_LOCK_ALL:
      MPICALL(c, MPI_Win_flush_all(s->win));
      MPICALL(c, MPI_Barrier(c->mpi));
      MPICALL(c, MPI_Win_sync(s->win));
      break;
  }
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- transfers */
/* MPI_Put (put = 1) or MPI_Get of count elements between buf and the target's window at byte
 * displacement disp, in chunks of at most c->max_chunk elements. */
static int xfer_on(dlops_comm *c, MPI_Win win, int put, void *buf, int target, MPI_Aint disp, int64_t count,
                   dlops_ctype t) {
  size_t es = dlops_ctype_size(t);
  MPI_Datatype dt = dlops_ctype_mpi(t);
  for (int64_t off = 0; off < count; off += c->max_chunk) {
    int n = (int)(count - off < c->max_chunk ? count - off : c->max_chunk);
    char *b = (char *)buf + (size_t)off * es;
    MPI_Aint d = disp + (MPI_Aint)off * (MPI_Aint)es;
    if (put)
      MPICALL(c, MPI_Put(b, n, dt, target, d, n, dt, win));
    else
      MPICALL(c, MPI_Get(b, n, dt, target, d, n, dt, win));
  }
  return DLOPS_SUCCESS;
}

static int xfer(dlops_comm *c, rma_state *s, int put, void *buf, int target, MPI_Aint disp, int64_t count,
                dlops_ctype t) {
  return xfer_on(c, s->win, put, buf, target, disp, count, t);
}

/* dst[i] = dst[i] op src[i]. Max/min propagate NaN, as the darray norms do locally. */
#define COMBINE(T, NAN_)                                                        \
  do {                                                                          \
    T *d = (T *)dst;                                                            \
    const T *q = (const T *)src;                                                \
    if (op == DLOPS_OP_SUM)                                                     \
      for (int64_t i = 0; i < n; i++) d[i] += q[i];                             \
    else if (op == DLOPS_OP_MAX)                                                \
      for (int64_t i = 0; i < n; i++) {                                         \
        if (q[i] > d[i] || NAN_(q[i])) d[i] = q[i];                           \
      }                                                                         \
    else                                                                        \
      for (int64_t i = 0; i < n; i++) {                                         \
        if (q[i] < d[i] || NAN_(q[i])) d[i] = q[i];                           \
      }                                                                         \
  } while (0)

#define NOT_NAN(x) 0

static void combine(void *dst, const void *src, int64_t n, dlops_ctype t, dlops_redop op) {
  switch (t) {
    case DLOPS_CT_F32: COMBINE(float, isnan); break;
    case DLOPS_CT_F64: COMBINE(double, isnan); break;
    case DLOPS_CT_I32: COMBINE(int32_t, NOT_NAN); break;
    case DLOPS_CT_I64: COMBINE(int64_t, NOT_NAN); break;
    default: COMBINE(unsigned char, NOT_NAN); break;
  }
}

/* ---------------------------------------------------------------- reductions */
/* Reduce in rank order; root < 0: result on every rank (allreduce). in holds this rank's
 * contribution (may equal out); out may be NULL where root >= 0 and this rank is not root. */
static int reduce_common(dlops_comm *c, const void *in, void *out, int64_t count, dlops_ctype t, dlops_redop op,
                         int root) {
  rma_state *s = st(c);
  const int P = c->size, me = c->rank;
  const size_t es = dlops_ctype_size(t);
  const int64_t bytes = count * (int64_t)es;
  const int want = root < 0 || me == root;
  DLOPS_CALL(ensure(c, s, bytes, 1));
  char *win = s->base + s->hdr;
  memcpy(win, in, (size_t)bytes);
  int err = DLOPS_SUCCESS;
  int small = bytes * P <= s->small || count < P;
  MPI_Group rootg = MPI_GROUP_EMPTY;
  if (root >= 0 && me != root) DLOPS_CALL(make_group(c, s, 1, &root, &rootg));

  if (small) {
    char *tmp = NULL;
    if (want) {
      tmp = malloc((size_t)(bytes * P));
      if (!tmp) err = DLOPS_ERROR(c->ctx, DLOPS_ERR_MEM, "cannot allocate %lld bytes", (long long)(bytes * P));
    }
    int e = ep_open(c, s, want ? s->others : MPI_GROUP_EMPTY, root < 0 ? s->others : rootg);
    for (int r = 0; r < P && !e && tmp; r++)
      if (r != me) e = xfer(c, s, 0, tmp + (size_t)r * (size_t)bytes, r, s->hdr, count, t);
    int e2 = ep_close(c, s);
    if (!e) e = e2;
    if (!err) err = e;
    if (!err && tmp) {
      memcpy(tmp + (size_t)me * (size_t)bytes, win, (size_t)bytes);
      memcpy(out, tmp, (size_t)bytes);
      for (int r = 1; r < P; r++) combine(out, tmp + (size_t)r * (size_t)bytes, count, t, op);
    }
    free(tmp);
    drop_group(s, &rootg);
    return err;
  }

  /* Reduce-scatter: rank me reduces segment me of every contribution. */
  const int64_t lo = dlops_split_offset(count, P, me), len = dlops_split_size(count, P, me);
  const size_t sb = (size_t)len * es;
  char *tmp = malloc(sb * (size_t)P + 1);
  if (!tmp) err = DLOPS_ERROR(c->ctx, DLOPS_ERR_MEM, "cannot allocate %lld bytes", (long long)(sb * (size_t)P));
  int e = ep_open(c, s, s->others, s->others);
  for (int r = 0; r < P && !e && tmp; r++) {
    if (r != me)
      e = xfer(c, s, 0, tmp + (size_t)r * sb, r, s->hdr + (MPI_Aint)lo * (MPI_Aint)es, len, t);
    else
      memcpy(tmp + (size_t)r * sb, win + (size_t)lo * es, sb);
  }
  /* then allgather (or gather to root) of the reduced segments, by puts into the windows */
  MPI_Group acc2 = root < 0 ? s->others : (me == root ? MPI_GROUP_EMPTY : rootg);
  MPI_Group exp2 = (root < 0 || me == root) ? s->others : MPI_GROUP_EMPTY;
  int e2 = ep_next(c, s, acc2, exp2);
  if (!e) e = e2;
  if (!e && tmp) {
    for (int r = 1; r < P; r++) combine(tmp, tmp + (size_t)r * sb, len, t, op);
    for (int r = 0; r < P && !e; r++) {
      if (r == me || !(root < 0 || r == root)) continue;
      e = xfer(c, s, 1, tmp, r, s->hdr + (MPI_Aint)lo * (MPI_Aint)es, len, t);
    }
  }
  e2 = ep_close(c, s);
  if (!e) e = e2;
  if (!err) err = e;
  if (!err && want) {
    for (int r = 0; r < P; r++) {
      int64_t rl = dlops_split_offset(count, P, r), rn = dlops_split_size(count, P, r);
      if (r == me)
        memcpy((char *)out + (size_t)lo * es, tmp, sb);
      else
        memcpy((char *)out + (size_t)rl * es, win + (size_t)rl * es, (size_t)rn * es);
    }
  }
  free(tmp);
  drop_group(s, &rootg);
  return err;
}

static int rma_allreduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op) {
  const void *in = send == DLOPS_IN_PLACE ? recv : send;
  if (count == 0) return DLOPS_SUCCESS;
  if (c->size == 1) {
    if (in != recv) memcpy(recv, in, (size_t)count * dlops_ctype_size(t));
    return DLOPS_SUCCESS;
  }
  return reduce_common(c, in, recv, count, t, op, -1);
}

static int rma_reduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                      int root) {
  const void *in = send == DLOPS_IN_PLACE ? recv : send;
  if (count == 0) return DLOPS_SUCCESS;
  if (c->size == 1) {
    if (in != recv) memcpy(recv, in, (size_t)count * dlops_ctype_size(t));
    return DLOPS_SUCCESS;
  }
  return reduce_common(c, in, recv, count, t, op, root);
}

/* ---------------------------------------------------------------- bcast, allgatherv */
static int rma_bcast(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root) {
  if (count == 0 || c->size == 1) return DLOPS_SUCCESS;
  rma_state *s = st(c);
  const size_t es = dlops_ctype_size(t);
  DLOPS_CALL(ensure(c, s, count * (int64_t)es, 1));
  const int me = c->rank;
  if (me == root) memcpy(s->base + s->hdr, buf, (size_t)count * es);
  MPI_Group rootg = MPI_GROUP_EMPTY;
  if (me != root) DLOPS_CALL(make_group(c, s, 1, &root, &rootg));
  int e = ep_open(c, s, rootg, me == root ? s->others : MPI_GROUP_EMPTY);
  if (!e && me != root) e = xfer(c, s, 0, buf, root, s->hdr, count, t);
  int e2 = ep_close(c, s);
  drop_group(s, &rootg);
  return e ? e : e2;
}

static int rma_allgatherv(dlops_comm *c, const void *send, int64_t scount, void *recv, const int64_t *rcounts,
                          const int64_t *rdispls, dlops_ctype t) {
  rma_state *s = st(c);
  const int P = c->size, me = c->rank;
  const size_t es = dlops_ctype_size(t);
  char *mine = (char *)recv + (size_t)rdispls[me] * es;
  if (P == 1) {
    if (scount > 0 && (const char *)send != mine) memmove(mine, send, (size_t)scount * es);
    return DLOPS_SUCCESS;
  }
  int64_t maxc = 0;
  for (int r = 0; r < P; r++) maxc = rcounts[r] > maxc ? rcounts[r] : maxc;
  if (maxc == 0) return DLOPS_SUCCESS;
  DLOPS_CALL(ensure(c, s, maxc * (int64_t)es, 1));
  if (scount > 0) memcpy(s->base + s->hdr, send, (size_t)scount * es);
  int *ranks = malloc(sizeof(int) * (size_t)P);
  DLOPS_CHECK(ranks, c->ctx, DLOPS_ERR_MEM, "cannot allocate %d ranks", P);
  int na = 0;
  for (int r = 0; r < P; r++)
    if (r != me && rcounts[r] > 0) ranks[na++] = r;
  MPI_Group acc = MPI_GROUP_EMPTY;
  int e = na == P - 1 ? DLOPS_SUCCESS : make_group(c, s, na, ranks, &acc);
  if (na == P - 1) acc = s->others;
  free(ranks);
  DLOPS_CALL(e);
  e = ep_open(c, s, acc, scount > 0 ? s->others : MPI_GROUP_EMPTY);
  for (int r = 0; r < P && !e; r++)
    if (r != me && rcounts[r] > 0) e = xfer(c, s, 0, (char *)recv + (size_t)rdispls[r] * es, r, s->hdr, rcounts[r], t);
  int e2 = ep_close(c, s);
  drop_group(s, &acc);
  if (!e) e = e2;
  if (!e && scount > 0) memcpy(mine, s->base + s->hdr, (size_t)scount * es);
  return e;
}

/* ---------------------------------------------------------------- alltoallv, neighbour */
/* Exchange of (peer, send, scount, recv, rcount) messages; every rank of c calls it. Messages to
 * the same peer travel back to back in list order (the k-th send to q matches q's k-th receive
 * from this rank, with equal counts). */
static int exchange(dlops_comm *c, int n, const dlops_nbr_msg *m, dlops_ctype t) {
  rma_state *s = st(c);
  const int P = c->size, me = c->rank;
  const size_t es = dlops_ctype_size(t);
  /* self messages are local copies */
  for (int i = 0; i < n; i++) {
    if (m[i].peer != me) continue;
    int64_t cnt = m[i].scount < m[i].rcount ? m[i].scount : m[i].rcount;
    if (cnt > 0 && m[i].recvbuf != m[i].sendbuf) memmove(m[i].recvbuf, m[i].sendbuf, (size_t)cnt * es);
  }
  if (P == 1) return DLOPS_SUCCESS;

  /* distinct peers, in order of first appearance, with byte totals each way */
  int *slot = malloc(sizeof(int) * (size_t)P);
  int *peer = malloc(sizeof(int) * (size_t)(n + 1));
  int64_t *in_b = calloc((size_t)(4 * (n + 1)), sizeof(int64_t));
  int err = (slot && peer && in_b) ? 0 : DLOPS_ERROR(c->ctx, DLOPS_ERR_MEM, "cannot allocate %d peers", n);
  int64_t *out_b = in_b + (n + 1), *roff = in_b + 2 * (n + 1), *toff = in_b + 3 * (n + 1);
  int np = 0;
  int64_t need = 0;
  if (!err) {
    for (int r = 0; r < P; r++) slot[r] = -1;
    for (int i = 0; i < n; i++) {
      int q = m[i].peer;
      if (q == me) continue;
      if (slot[q] < 0) {
        slot[q] = np;
        peer[np++] = q;
      }
      in_b[slot[q]] += m[i].rcount * (int64_t)es;
      out_b[slot[q]] += m[i].scount * (int64_t)es;
    }
    for (int k = 0; k < np; k++) {
      roff[k] = need;
      need += in_b[k];
    }
    if (need > RMA_OFF_MASK)
      err = DLOPS_ERROR(c->ctx, DLOPS_ERR_UNSUPPORTED, "rma exchange of %lld bytes exceeds the 2^40-byte limit",
                        (long long)need);
  }
  /* agree on the window size; a failed rank asks for -1 so that everyone returns */
  int64_t ask[2] = {err ? 1 : 0, need};
  int e = MPI_Allreduce(MPI_IN_PLACE, ask, 2, MPI_INT64_T, MPI_MAX, c->mpi);
  if (e != MPI_SUCCESS) err = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Allreduce");
  if (!err && ask[0])
    err = DLOPS_ERROR(c->ctx, DLOPS_ERR_MEM, "rma exchange failed on another rank (out of memory or too large)");
  if (!err && ask[1] == 0) goto done; /* nothing moves between ranks */
  if (!err) err = ensure(c, s, ask[1], 1);
  if (err) goto done;

  s->seq++;
  const int64_t tag = (s->seq % ((INT64_C(1) << 22) - 1)) + 1;
  int64_t *val = toff; /* phase A values, then the learned target offsets */
  for (int k = 0; k < np; k++) val[k] = (tag << RMA_TAG_SHIFT) | roff[k];
  char *data = s->base + s->hdr;
  const MPI_Aint cnt_disp = (MPI_Aint)P * 8;

  if (s->sync == DLOPS_SYNC_LOCK_ALL) {
    /* phase A: tell each sender where to write (tagged atomic word in its header slot [me]) */
    for (int k = 0; k < np && !err; k++)
      if (in_b[k] > 0) {
        e = MPI_Accumulate(&val[k], 1, MPI_INT64_T, peer[k], (MPI_Aint)me * 8, 1, MPI_INT64_T, MPI_REPLACE, s->win);
        if (e) err = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Accumulate");
      }
    if (!err && (e = MPI_Win_flush_all(s->win)) != MPI_SUCCESS)
      err = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Win_flush_all");
    /* phase B: wait for each receiver's offset, put, flush, then bump its arrival counter */
    const int64_t one = 1, dummy = 0;
    int64_t off = 0, got = 0;
    for (int k = 0; k < np && !err; k++) {
      if (out_b[k] == 0) continue;
      for (int spin = 0;; spin++) {
        e = MPI_Fetch_and_op(&dummy, &got, MPI_INT64_T, me, (MPI_Aint)peer[k] * 8, MPI_NO_OP, s->win);
        if (!e) e = MPI_Win_flush(me, s->win);
        if (e || (got >> RMA_TAG_SHIFT) == tag) break;
        if (spin > 64) RMA_YIELD(); /* shared-memory windows poll without MPI progress: let the peer run */
      }
      if (e) {
        err = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "polling an offset slot");
        break;
      }
      off = got & RMA_OFF_MASK;
      for (int i = 0; i < n && !err; i++) {
        if (m[i].peer != peer[k] || m[i].scount == 0) continue;
        err = xfer(c, s, 1, (void *)m[i].sendbuf, peer[k], s->hdr + (MPI_Aint)off, m[i].scount, t);
        off += m[i].scount * (int64_t)es;
      }
      if (!err && (e = MPI_Win_flush(peer[k], s->win)) != MPI_SUCCESS)
        err = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Win_flush");
      if (!err && (e = MPI_Accumulate(&one, 1, MPI_INT64_T, peer[k], cnt_disp, 1, MPI_INT64_T, MPI_SUM, s->win)))
        err = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Accumulate");
    }
    if (!err && (e = MPI_Win_flush_all(s->win)) != MPI_SUCCESS)
      err = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Win_flush_all");
    /* wait until every sender has said its data landed */
    for (int k = 0; k < np; k++)
      if (in_b[k] > 0) s->arrivals++;
    for (int spin = 0; !err; spin++) {
      e = MPI_Fetch_and_op(&dummy, &got, MPI_INT64_T, me, cnt_disp, MPI_NO_OP, s->win);
      if (!e) e = MPI_Win_flush(me, s->win);
      if (e) err = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "polling the arrival counter");
      if (err || got >= s->arrivals) break;
      if (spin > 64) RMA_YIELD();
    }
    if (!err && (e = MPI_Win_sync(s->win)) != MPI_SUCCESS)
      err = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Win_sync");
  } else {
    /* groups: who writes offsets to whom (phase A) and data (phase B) */
    int *ra = malloc(sizeof(int) * (size_t)(2 * np + 1));
    MPI_Group gin = MPI_GROUP_EMPTY, gout = MPI_GROUP_EMPTY;
    if (!ra) err = DLOPS_ERROR(c->ctx, DLOPS_ERR_MEM, "cannot allocate groups");
    if (!err) {
      int ni = 0, no = 0;
      for (int k = 0; k < np; k++) {
        if (in_b[k] > 0) ra[ni++] = peer[k];
      }
      for (int k = 0; k < np; k++)
        if (out_b[k] > 0) ra[np + no++] = peer[k];
      if (s->sync == DLOPS_SYNC_PSCW) {
        err = make_group(c, s, ni, ra, &gin);
        if (!err) err = make_group(c, s, no, ra + np, &gout);
      }
    }
    free(ra);
    /* Every rank goes through all epochs, so a local error cannot hang the others. */
    e = ep_open(c, s, gin, gout);
    if (err) e = err;
    for (int k = 0; k < np && !e; k++)
      if (in_b[k] > 0) {
        int me_e = MPI_Put(&val[k], 1, MPI_INT64_T, peer[k], (MPI_Aint)me * 8, 1, MPI_INT64_T, s->win);
        if (me_e) e = dlops_error_mpi(c->ctx, me_e, __FILE__, __LINE__, __func__, "MPI_Put");
      }
    int e2 = ep_next(c, s, gout, gin);
    if (!e) e = e2;
    const int64_t *hdr = (const int64_t *)s->base;
    for (int k = 0; k < np && !e; k++) {
      if (out_b[k] == 0) continue;
      int64_t w = hdr[peer[k]];
      if ((w >> RMA_TAG_SHIFT) != tag) {
        e = DLOPS_ERROR(c->ctx, DLOPS_ERR_INTERNAL, "rma exchange: rank %d sent no offset (counts do not match?)",
                        peer[k]);
        break;
      }
      int64_t off = w & RMA_OFF_MASK;
      for (int i = 0; i < n && !e; i++) {
        if (m[i].peer != peer[k] || m[i].scount == 0) continue;
        e = xfer(c, s, 1, (void *)m[i].sendbuf, peer[k], s->hdr + (MPI_Aint)off, m[i].scount, t);
        off += m[i].scount * (int64_t)es;
      }
    }
    e2 = ep_close(c, s);
    if (!e) e = e2;
    if (!err) err = e;
    drop_group(s, &gin);
    drop_group(s, &gout);
  }
  /* copy what arrived out of the window, in list order per peer */
  if (!err) {
    for (int k = 0; k < np; k++) toff[k] = roff[k];
    for (int i = 0; i < n; i++) {
      int q = m[i].peer;
      if (q == me || m[i].rcount == 0) continue;
      int k = slot[q];
      memcpy(m[i].recvbuf, data + toff[k], (size_t)m[i].rcount * es);
      toff[k] += m[i].rcount * (int64_t)es;
    }
  }
done:
  free(slot);
  free(peer);
  free(in_b);
  return err;
}

static int rma_alltoallv(dlops_comm *c, const void *send, const int64_t *scounts, const int64_t *sdispls,
                         void *recv, const int64_t *rcounts, const int64_t *rdispls, dlops_ctype t) {
  const size_t es = dlops_ctype_size(t);
  dlops_nbr_msg *m = malloc(sizeof *m * (size_t)c->size);
  DLOPS_CHECK(m, c->ctx, DLOPS_ERR_MEM, "cannot allocate %d messages", c->size);
  int n = dlops_alltoallv_msgs(c->size, send, scounts, sdispls, recv, rcounts, rdispls, es, 1, m);
  int err = exchange(c, n, m, t);
  free(m);
  return err;
}

/* ---------------------------------------------------------------- neighbour exchange
 * Neighbour exchanges repeat a few patterns (an operator's forward and adjoint, a halo's axes,
 * ghost cells), so their geometry is cached: a pattern is agreed once, and every later exchange
 * of it is one data round in its own window, with no window-size agreement and no offset
 * handshake.
 *
 * Window: every communicator has a second window for neighbour exchanges only (same constructor
 * as the first, so the same protection against ompi#9492), of two areas of xcap bytes per rank;
 * data round k writes area k % 2. xcap is the largest receive volume of any pattern seen, agreed
 * when a pattern is learned; growing it reallocates the window (collective, in the learning path).
 *
 * Slots: up to RMA_XSLOTS patterns. A slot holds this rank's message list geometry (peers, counts
 * in list order, type) and, for each message, where its data lands in the target's area and where
 * incoming data lands in this rank's area. Slots are filled and replaced only in the learning
 * path, which every rank takes together, so slot j holds on every rank its part of the same
 * global pattern: the one of the exchange that learned it.
 *
 * Validation: a rank cannot tell from its own list whether the others repeat a pattern too (a
 * rank with nothing to exchange has the same empty list in every pattern). So each exchange
 * reduces, by bitwise AND over the communicator, the mask of the slots whose geometry equals this
 * rank's list. A bit j that survives means every rank's list is its part of pattern j: the global
 * pattern is pattern j, and its agreed offsets hold. No bit left: the learning path (one
 * allreduce of the receive volume and of local failures, the window grown if needed, each
 * receiver sends its senders their offsets point to point, the least recently used slot
 * replaced). At most one bit survives, since a pattern is learned only when none matches.
 *
 * One data round per exchange, by sync mode (the mask is 8 bytes):
 *   - fence: the mask allreduce, the puts, one MPI_Win_fence (the window stays in a fence epoch:
 *     each fence closes one round's and opens the next round's);
 *   - pscw: the mask allreduce, then post/start/complete/wait with only the ranks that put into /
 *     are put into by this rank in the pattern (groups cached in the slot);
 *   - lock_all: the puts go first, to the pattern predicted from the previous exchange (the slot
 *     that followed that one last time, or that one again if it has had no successor yet; only
 *     ranks whose list matches the prediction put), then MPI_Win_flush_all
 *     and the mask allreduce, which is also the round's completion: when the predicted bit
 *     survives, the data is there. Otherwise a second round with the surviving pattern (puts,
 *     flush, barrier) or the learning path; stray puts of the failed guess land in the area no
 *     one reads in this round.
 * The mask allreduce also makes the areas safe to reuse: a round's puts into area a start after a
 * collective that each target entered only once it had copied out the last data written to a.
 * Self messages are local copies; a pattern in which no data moves between ranks has no epoch.
 * Slots, their groups and the window are freed with the communicator. */
static void xslot_clear(xslot *x) {
  free(x->geo);
  if (x->gin != MPI_GROUP_EMPTY && x->gin != MPI_GROUP_NULL) MPI_Group_free(&x->gin);
  if (x->gout != MPI_GROUP_EMPTY && x->gout != MPI_GROUP_NULL) MPI_Group_free(&x->gout);
  memset(x, 0, sizeof *x);
  x->gin = x->gout = MPI_GROUP_EMPTY;
  x->next = -1;
}

/* Checksum of the list geometry (self messages left out); *nr = messages kept. */
static uint64_t xkey(int n, const dlops_nbr_msg *m, int me, dlops_ctype t, int *nr) {
  int ti = (int)t, k = 0;
  uint64_t h = dlops_hash_bytes(0, &ti, sizeof ti);
  for (int i = 0; i < n; i++) {
    if (m[i].peer == me) continue;
    int64_t g[3] = {m[i].peer, m[i].scount, m[i].rcount};
    h = dlops_hash_bytes(h, g, sizeof g);
    k++;
  }
  *nr = k;
  return dlops_hash_bytes(h, &k, sizeof k);
}

static int xmatch(const xslot *x, uint64_t key, int nr, int n, const dlops_nbr_msg *m, int me, dlops_ctype t) {
  if (!x->used || x->n != nr || x->key != key || x->t != t) return 0;
  for (int i = 0, k = 0; i < n; i++) {
    if (m[i].peer == me) continue;
    if (x->geo[3 * k] != m[i].peer || x->geo[3 * k + 1] != m[i].scount || x->geo[3 * k + 2] != m[i].rcount) return 0;
    k++;
  }
  return 1;
}

static int xwin_free(dlops_comm *c, rma_state *s) {
  if (s->xwin == MPI_WIN_NULL) return DLOPS_SUCCESS;
  int e = MPI_SUCCESS;
  if (s->sync == DLOPS_SYNC_LOCK_ALL) e = MPI_Win_unlock_all(s->xwin);
  if (s->sync == DLOPS_SYNC_FENCE) e = MPI_Win_fence(MPI_MODE_NOSUCCEED, s->xwin); /* end the open epoch */
  int e2 = MPI_Win_free(&s->xwin);
  s->xwin = MPI_WIN_NULL;
  s->xbase = NULL;
  s->xcap = 0;
  if (e == MPI_SUCCESS) e = e2;
  if (e != MPI_SUCCESS) return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Win_free (exchanges)");
  return DLOPS_SUCCESS;
}

/* Areas of at least need bytes (need agreed: the same on every rank). Collective. */
static int xwin_ensure(dlops_comm *c, rma_state *s, int64_t need) {
  if (s->xwin != MPI_WIN_NULL && need <= (int64_t)s->xcap) return DLOPS_SUCCESS;
  MPI_Aint ncap = 2 * s->xcap > RMA_MIN_CAP ? 2 * s->xcap : RMA_MIN_CAP;
  if ((MPI_Aint)need > ncap) ncap = (MPI_Aint)need;
  ncap = (ncap + 63) / 64 * 64;
  DLOPS_CALL(xwin_free(c, s));
  DLOPS_CALL(win_make(c, s, 2 * ncap, &s->xwin, &s->xbase));
  s->xcap = ncap;
  if (s->sync == DLOPS_SYNC_LOCK_ALL) MPICALL(c, MPI_Win_lock_all(MPI_MODE_NOCHECK, s->xwin));
  if (s->sync == DLOPS_SYNC_FENCE) MPICALL(c, MPI_Win_fence(0, s->xwin)); /* the first round's epoch */
  return DLOPS_SUCCESS;
}

/* This rank's puts of pattern x into area `area` (the list matches x). */
static int xput(dlops_comm *c, rma_state *s, const xslot *x, int n, const dlops_nbr_msg *m, int area) {
  const MPI_Aint base = (MPI_Aint)area * s->xcap;
  for (int i = 0, k = 0; i < n; i++) {
    if (m[i].peer == c->rank) continue;
    if (m[i].scount > 0)
      DLOPS_CALL(xfer_on(c, s->xwin, 1, (void *)m[i].sendbuf, m[i].peer, base + (MPI_Aint)x->soff[k], m[i].scount,
                         x->t));
    k++;
  }
  return DLOPS_SUCCESS;
}

static void xcopy_out(const dlops_comm *c, const rma_state *s, const xslot *x, int n, const dlops_nbr_msg *m,
                      int area) {
  const char *a = s->xbase + (size_t)area * (size_t)s->xcap;
  const size_t es = dlops_ctype_size(x->t);
  for (int i = 0, k = 0; i < n; i++) {
    if (m[i].peer == c->rank) continue;
    if (m[i].rcount > 0) memcpy(m[i].recvbuf, a + x->roff[k], (size_t)m[i].rcount * es);
    k++;
  }
}

/* One data round of a pattern every rank agreed on (puts = 0: take part without putting, after a
 * local failure). Every rank goes through the same synchronisation calls. */
static int xround(dlops_comm *c, rma_state *s, const xslot *x, int n, const dlops_nbr_msg *m, int area, int puts) {
  if (x->gempty) return DLOPS_SUCCESS;
  int e = DLOPS_SUCCESS, me;
  switch (s->sync) {
    case DLOPS_SYNC_FENCE:
      if (puts) e = xput(c, s, x, n, m, area);
      if ((me = MPI_Win_fence(0, s->xwin)) != MPI_SUCCESS && !e)
        e = dlops_error_mpi(c->ctx, me, __FILE__, __LINE__, __func__, "MPI_Win_fence");
      break;
    case DLOPS_SYNC_PSCW: {
      int posted = 0, started = 0;
      if (x->gin != MPI_GROUP_EMPTY) {
        if ((me = MPI_Win_post(x->gin, 0, s->xwin)) != MPI_SUCCESS)
          e = dlops_error_mpi(c->ctx, me, __FILE__, __LINE__, __func__, "MPI_Win_post");
        else
          posted = 1;
      }
      if (x->gout != MPI_GROUP_EMPTY) {
        if ((me = MPI_Win_start(x->gout, 0, s->xwin)) != MPI_SUCCESS) {
          if (!e) e = dlops_error_mpi(c->ctx, me, __FILE__, __LINE__, __func__, "MPI_Win_start");
        } else {
          started = 1;
        }
      }
      if (puts && started && !e) e = xput(c, s, x, n, m, area);
      if (started && (me = MPI_Win_complete(s->xwin)) != MPI_SUCCESS && !e)
        e = dlops_error_mpi(c->ctx, me, __FILE__, __LINE__, __func__, "MPI_Win_complete");
      if (posted && (me = MPI_Win_wait(s->xwin)) != MPI_SUCCESS && !e)
        e = dlops_error_mpi(c->ctx, me, __FILE__, __LINE__, __func__, "MPI_Win_wait");
      break;
    }
    case DLOPS_SYNC_LOCK_ALL:
      if (puts) e = xput(c, s, x, n, m, area);
      if ((me = MPI_Win_flush_all(s->xwin)) != MPI_SUCCESS && !e)
        e = dlops_error_mpi(c->ctx, me, __FILE__, __LINE__, __func__, "MPI_Win_flush_all");
      if ((me = MPI_Barrier(c->mpi)) != MPI_SUCCESS && !e)
        e = dlops_error_mpi(c->ctx, me, __FILE__, __LINE__, __func__, "MPI_Barrier");
      if ((me = MPI_Win_sync(s->xwin)) != MPI_SUCCESS && !e)
        e = dlops_error_mpi(c->ctx, me, __FILE__, __LINE__, __func__, "MPI_Win_sync");
      break;
  }
  return e;
}

#define RMA_XTAG 4713

/* The learning path (every rank together): agree the receive volume and local failures, grow the
 * window, learn where this rank's messages land, fill the least recently used slot. Returns the
 * agreed failure with *jout = -1, or a local failure after the agreement with *jout the slot
 * (poisoned: it matches nothing here) so that the caller still takes part in the data round. */
static int xlearn(dlops_comm *c, rma_state *s, int n, const dlops_nbr_msg *m, dlops_ctype t, uint64_t key, int nr,
                  int err, int *jout) {
  const int me = c->rank;
  const size_t es = dlops_ctype_size(t);
  *jout = -1;
  /* slot arrays (kept), peer table and requests (scratch) */
  int64_t *blk = malloc(sizeof(int64_t) * (size_t)(5 * nr + 1));
  int *peer = malloc(sizeof(int) * (size_t)(nr + 1));
  int64_t *pb = malloc(sizeof(int64_t) * (size_t)(4 * (nr + 1)));
  MPI_Request *rq = malloc(sizeof(MPI_Request) * (size_t)(2 * nr + 1));
  if (!err && (!blk || !peer || !pb || !rq))
    err = DLOPS_ERROR(c->ctx, DLOPS_ERR_MEM, "rma exchange: cannot allocate a pattern of %d messages", nr);
  int np = 0;
  int64_t need = 0;
  MPI_Group gin = MPI_GROUP_EMPTY, gout = MPI_GROUP_EMPTY;
  int64_t *geo = blk, *soff = blk ? blk + 3 * nr : NULL, *roff = blk ? blk + 4 * nr : NULL;
  int64_t *in_b = pb, *out_b = pb ? pb + (nr + 1) : NULL, *rbase = pb ? pb + 2 * (nr + 1) : NULL,
          *tbase = pb ? pb + 3 * (nr + 1) : NULL;
  if (!err) {
    /* distinct peers in order of first appearance, bytes each way; incoming data is laid out by
     * peer in that order, each peer's messages back to back in list order */
    for (int i = 0, k = 0; i < n; i++) {
      if (m[i].peer == me) continue;
      geo[3 * k] = m[i].peer;
      geo[3 * k + 1] = m[i].scount;
      geo[3 * k + 2] = m[i].rcount;
      int q = 0;
      while (q < np && peer[q] != m[i].peer) q++;
      if (q == np) {
        peer[np] = m[i].peer;
        in_b[np] = out_b[np] = 0;
        np++;
      }
      in_b[q] += m[i].rcount * (int64_t)es;
      out_b[q] += m[i].scount * (int64_t)es;
      k++;
    }
    for (int q = 0; q < np; q++) {
      rbase[q] = need;
      need += in_b[q];
    }
    for (int i = 0, k = 0; i < n; i++) {
      if (m[i].peer == me) continue;
      int q = 0;
      while (peer[q] != m[i].peer) q++;
      roff[k] = rbase[q];
      rbase[q] += m[i].rcount * (int64_t)es;
      k++;
    }
    for (int q = 0; q < np; q++) rbase[q] -= in_b[q];
    if (s->sync == DLOPS_SYNC_PSCW) {
      /* the groups of who puts into whom (local calls, before the agreement) */
      int *ri = malloc(sizeof(int) * (size_t)(2 * np + 1));
      int ni = 0, no = 0, e = MPI_SUCCESS;
      if (!ri) {
        err = DLOPS_ERROR(c->ctx, DLOPS_ERR_MEM, "rma exchange: cannot allocate groups");
      } else {
        for (int q = 0; q < np; q++) {
          if (in_b[q] > 0) ri[ni++] = peer[q];
          if (out_b[q] > 0) ri[np + no++] = peer[q];
        }
        if (ni) e = MPI_Group_incl(st(c)->group, ni, ri, &gin);
        if (e == MPI_SUCCESS && no) e = MPI_Group_incl(st(c)->group, no, ri + np, &gout);
        if (e != MPI_SUCCESS) err = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Group_incl");
        free(ri);
      }
    }
  }
  /* agree: anyone failed, the largest receive volume */
  int64_t ask[2] = {err ? 1 : 0, need};
  int e = MPI_Allreduce(MPI_IN_PLACE, ask, 2, MPI_INT64_T, MPI_MAX, c->mpi);
  if (e != MPI_SUCCESS && !err) err = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Allreduce");
  if (err || ask[0]) {
    if (!err)
      err = DLOPS_ERROR(c->ctx, DLOPS_ERR_MEM, "rma exchange failed on another rank (out of memory or too large)");
    if (gin != MPI_GROUP_EMPTY) MPI_Group_free(&gin);
    if (gout != MPI_GROUP_EMPTY) MPI_Group_free(&gout);
    free(blk);
    free(peer);
    free(pb);
    free(rq);
    return err;
  }
  const int gempty = ask[1] == 0;
  if (!gempty) err = xwin_ensure(c, s, ask[1]);
  if (!err && !gempty) {
    /* each receiver tells its senders where their data lands */
    int nq = 0;
    for (int q = 0; q < np && !e; q++)
      if (in_b[q] > 0) e = MPI_Isend(&rbase[q], 1, MPI_INT64_T, peer[q], RMA_XTAG, c->mpi, &rq[nq++]);
    for (int q = 0; q < np && !e; q++)
      if (out_b[q] > 0) e = MPI_Irecv(&tbase[q], 1, MPI_INT64_T, peer[q], RMA_XTAG, c->mpi, &rq[nq++]);
    int e2 = nq ? MPI_Waitall(nq, rq, MPI_STATUSES_IGNORE) : MPI_SUCCESS;
    if (e == MPI_SUCCESS) e = e2;
    if (e != MPI_SUCCESS) err = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "rma exchange offsets");
    for (int i = 0, k = 0; i < n && !err; i++) {
      if (m[i].peer == me) continue;
      int q = 0;
      while (peer[q] != m[i].peer) q++;
      soff[k] = tbase[q];
      tbase[q] += m[i].scount * (int64_t)es;
      k++;
    }
  }
  /* the slot: the first free one, else the least recently used (the same on every rank) */
  int j = -1;
  for (int i = 0; i < RMA_XSLOTS && j < 0; i++)
    if (!s->xs[i].used) j = i;
  if (j < 0) {
    j = 0;
    for (int i = 1; i < RMA_XSLOTS; i++)
      if (s->xs[i].last < s->xs[j].last) j = i;
  }
  xslot *x = &s->xs[j];
  xslot_clear(x);
  x->used = 1;
  x->key = key;
  x->n = err ? -1 : nr; /* poisoned after a local failure: never matches here */
  x->t = t;
  x->geo = blk;
  x->soff = soff;
  x->roff = roff;
  x->gempty = gempty;
  x->gin = gin;
  x->gout = gout;
  x->last = s->xround;
  free(peer);
  free(pb);
  free(rq);
  *jout = j;
  return err;
}

static int rma_neighbor(dlops_comm *c, int n, const dlops_nbr_msg *m, dlops_ctype t) {
  rma_state *s = st(c);
  const int P = c->size, me = c->rank;
  const size_t es = dlops_ctype_size(t);
  for (int i = 0; i < n; i++) { /* self messages are local copies */
    if (m[i].peer != me) continue;
    int64_t cnt = m[i].scount < m[i].rcount ? m[i].scount : m[i].rcount;
    if (cnt > 0 && m[i].recvbuf != m[i].sendbuf) memmove(m[i].recvbuf, m[i].sendbuf, (size_t)cnt * es);
  }
  if (P == 1) return DLOPS_SUCCESS;
  int nr;
  const uint64_t key = xkey(n, m, me, t, &nr);
  uint64_t mask = 0;
  for (int j = 0; j < RMA_XSLOTS; j++)
    if (xmatch(&s->xs[j], key, nr, n, m, me, t)) mask |= UINT64_C(1) << j;
  int err = DLOPS_SUCCESS, j = -1, area = -1, e;
  if (s->sync == DLOPS_SYNC_LOCK_ALL) {
    /* first round: puts to the predicted pattern, completed by the mask allreduce */
    const int p = s->xprev < 0 ? -1 : s->xs[s->xprev].next >= 0 ? s->xs[s->xprev].next : s->xprev;
    const int a0 = (int)(s->xround++ & 1);
    if (p >= 0 && (mask >> p & 1) && !s->xs[p].gempty) {
      err = xput(c, s, &s->xs[p], n, m, a0);
      if ((e = MPI_Win_flush_all(s->xwin)) != MPI_SUCCESS && !err)
        err = dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Win_flush_all");
    }
    uint64_t all = err ? 0 : mask;
    MPICALL(c, MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_UINT64_T, MPI_BAND, c->mpi));
    if (p >= 0 && (all >> p & 1)) {
      j = p;
      area = a0;
      if (!s->xs[p].gempty) MPICALL(c, MPI_Win_sync(s->xwin));
    } else if (all) {
      for (j = 0; !(all >> j & 1); j++) continue;
    } else {
      err = xlearn(c, s, n, m, t, key, nr, err, &j);
      if (j < 0) return err;
    }
  } else {
    uint64_t all = mask;
    MPICALL(c, MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_UINT64_T, MPI_BAND, c->mpi));
    if (all) {
      for (j = 0; !(all >> j & 1); j++) continue;
    } else {
      err = xlearn(c, s, n, m, t, key, nr, err, &j);
      if (j < 0) return err;
    }
  }
  xslot *x = &s->xs[j];
  if (area < 0) {
    area = (int)(s->xround++ & 1);
    int e2 = xround(c, s, x, n, m, area, !err);
    if (!err) err = e2;
  }
  if (!err && !x->gempty) xcopy_out(c, s, x, n, m, area);
  /* the prediction and the use clock follow the agreed slot, so they are the same everywhere */
  if (s->xprev >= 0) s->xs[s->xprev].next = j;
  s->xprev = j;
  x->last = s->xround;
  return err;
}

/* ---------------------------------------------------------------- construction */
/* Where the ranks are (top of the file): sets s->shared and s->guard, the same on every rank of
 * c. Collective over c; returns an MPI error code. */
static int placement(dlops_comm *c, rma_state *s) {
  /* v[0] = 1 when every rank is on this rank's node, v[1] = 1 when some node holds several
   * ranks; agreed, so every rank picks the same path */
  MPI_Comm node = MPI_COMM_NULL;
  int nodesize = 1;
  int e = MPI_Comm_split_type(c->mpi, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  if (e == MPI_SUCCESS) {
    MPI_Comm_size(node, &nodesize);
    MPI_Comm_free(&node);
  }
  int v[2] = {nodesize == c->size, -(nodesize > 1)};
  if (e == MPI_SUCCESS) e = MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_INT, MPI_MIN, c->mpi);
  const char *sh = getenv("DLOPS_RMA_SHARED");
  s->shared = v[0] && !(sh && !strcmp(sh, "0"));
  char lib[MPI_MAX_LIBRARY_VERSION_STRING] = "";
  int len = 0;
  MPI_Get_library_version(lib, &len);
  const char *o = strstr(lib, "Open MPI v");
  s->guard = !s->shared && v[1] < 0 && o && atoi(o + 10) < 5;
  return e;
}

int dlops_rma_win_allocate(dlops_comm *c, int64_t bytes, MPI_Win *win, void **base) {
  *win = MPI_WIN_NULL;
  *base = NULL;
  rma_state s;
  memset(&s, 0, sizeof s);
  int e = placement(c, &s);
  if (e != MPI_SUCCESS) return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Comm_split_type");
  char *b = NULL;
  DLOPS_CALL(win_make(c, &s, (MPI_Aint)bytes, win, &b));
  *base = b;
  return DLOPS_SUCCESS;
}

static int state_init(dlops_comm *c, dlops_rma_sync sync) {
  rma_state *s = calloc(1, sizeof *s);
  DLOPS_CHECK(s, c->ctx, DLOPS_ERR_MEM, "cannot allocate the rma state");
  s->sync = sync;
  s->win = MPI_WIN_NULL;
  s->xwin = MPI_WIN_NULL;
  s->xprev = -1;
  for (int j = 0; j < RMA_XSLOTS; j++) { /* calloc'd: empty slots */
    s->xs[j].gin = s->xs[j].gout = MPI_GROUP_EMPTY;
    s->xs[j].next = -1;
  }
  s->group = s->others = MPI_GROUP_NULL;
  s->hdr = ((MPI_Aint)(c->size + 1) * 8 + 63) / 64 * 64;
  s->small = RMA_SMALL_BYTES;
  const char *env = getenv("DLOPS_RMA_SMALL_BYTES");
  if (env && env[0]) s->small = atoll(env);
  int e = MPI_Comm_group(c->mpi, &s->group);
  if (e == MPI_SUCCESS) {
    int me = c->rank;
    e = MPI_Group_excl(s->group, 1, &me, &s->others);
  }
  if (e != MPI_SUCCESS) {
    if (s->group != MPI_GROUP_NULL) MPI_Group_free(&s->group);
    free(s);
    return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Comm_group");
  }
  e = placement(c, s);
  c->impl = s;
  /* with the guard, make the first window now, so that a refusal comes at construction */
  if (e == MPI_SUCCESS && s->guard) return ensure(c, s, 0, 1);
  if (e != MPI_SUCCESS) return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Comm_split_type");
  return DLOPS_SUCCESS;
}

static void rma_finalize(dlops_comm *c) {
  rma_state *s = st(c);
  if (!s) return;
  win_free(c, s);
  xwin_free(c, s);
  for (int j = 0; j < RMA_XSLOTS; j++) xslot_clear(&s->xs[j]);
  if (s->others != MPI_GROUP_NULL && s->others != MPI_GROUP_EMPTY) MPI_Group_free(&s->others);
  if (s->group != MPI_GROUP_NULL) MPI_Group_free(&s->group);
  free(s);
  c->impl = NULL;
}

static int rma_split_init(dlops_comm *parent, dlops_comm *out) {
  return state_init(out, st(parent)->sync);
}

static const dlops_comm_ops rma_ops = {
    .name = "rma",
    .allreduce = rma_allreduce,
    .allgatherv = rma_allgatherv,
    .bcast = rma_bcast,
    .reduce = rma_reduce,
    .alltoallv = rma_alltoallv,
    .neighbor = rma_neighbor,
    .split_init = rma_split_init,
    .finalize = rma_finalize,
};

int dlops_comm_rma_create(dlops_ctx ctx, MPI_Comm mpi, dlops_counters *counters, dlops_comm **out) {
  *out = NULL;
  dlops_comm *c = NULL;
  /* windows live in host memory: device buffers are staged by the front end (comm.h) */
  DLOPS_CALL(dlops_comm_create(ctx, mpi, &rma_ops, counters, &c));
  int err = state_init(c, ctx->sync);
  if (err) {
    /* the caller frees mpi when no communicator came back */
    c->mpi = MPI_COMM_NULL;
    dlops_comm_destroy(&c); /* drops the counters reference dlops_comm_create took */
    return err;
  }
  if (ctx->log) /* once per job, not once per communicator (dlops_log_note) */
    dlops_log_note(c->rank, c->size, "[dlops] rma backend: sync=%s, one window per communicator (%s), grown on demand",
                   sync_name[ctx->sync], st(c)->shared ? "MPI_Win_allocate_shared: one node" : "MPI_Win_allocate");
  *out = c;
  return DLOPS_SUCCESS;
}
