/* Communication kernels of the message roofline: see msg_kern.h and perf/README.md.
 *
 * Every payload is doubles whose values encode (sender, receiver, index), exact integers, so a
 * sum over ranks is exact and every received element can be checked. Receive buffers are
 * poisoned (-1) at set-up; verification after the timed runs counts elements that differ. */
#include "msg_kern.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx_impl.h"

#ifdef MSGK_HAVE_NCCL
#include <cuda_runtime.h>
#include <nccl.h>
#endif

const char *const msgk_op_names[MSGK_NUM_OPS] = {"pingpong",  "stream", "allreduce", "allgather",
                                                 "allgatherv", "bcast",  "alltoallv", "halo"};
const char *const msgk_backend_names[MSGK_NUM_BACKENDS] = {
    "mpi", "rma_fence", "rma_pscw", "rma_lock_all", "dlops_mpi", "dlops_rma_fence", "dlops_rma_pscw",
    "dlops_rma_lock_all", "nccl"};

struct msgk_case {
  msgk_op op;
  msgk_backend be;
  int W;
  int64_t bytes, n;      /* the point's size parameter; elements per message / contribution */
  int P, me, peer;
  double *sbuf, *rbuf;   /* host buffers (device copies for NCCL in dsbuf/drbuf) */
  int64_t scount, rcount;
  int64_t *sc, *sd, *rc, *rd; /* per-rank counts and displacements of the v collectives */
  int *isc, *isd, *irc, *ird;
  dlops_comm *c;
  MPI_Win win;
  int win_owns; /* rbuf is the window's memory (MPI_Win_allocate_shared) */
  MPI_Group peer_grp;
  MPI_Request *reqs;
  dlops_nbr_msg msgs[128];
  int nmsg;
  double size_bytes, factor, messages;
  void *dsbuf, *drbuf;
};

/* ------------------------------------------------------------------ data */
static double val(int64_t key, int64_t i) {
  return (double)(((uint64_t)key * 7919u + (uint64_t)i * 13u + 1u) % 1000003u);
}

static void fill(double *b, int64_t n, int64_t key) {
  for (int64_t i = 0; i < n; i++) b[i] = val(key, i);
}

static void poison(double *b, int64_t n) {
  for (int64_t i = 0; i < n; i++) b[i] = -1.0;
}

static long long check(const double *b, int64_t n, int64_t key) {
  long long bad = 0;
  for (int64_t i = 0; i < n; i++) bad += b[i] != val(key, i);
  return bad;
}

/* ------------------------------------------------------------------ dlops contexts (cached) */
static dlops_ctx ctxs[MSGK_NUM_BACKENDS];

static const char *spec_of(msgk_backend be) {
  switch (be) {
    case MSGK_DLOPS_MPI: return "comm=mpi";
    case MSGK_DLOPS_RMA_FENCE: return "comm=rma sync=fence";
    case MSGK_DLOPS_RMA_PSCW: return "comm=rma sync=pscw";
    case MSGK_DLOPS_RMA_LOCK_ALL: return "comm=rma sync=lock_all";
    default: return NULL;
  }
}

static int is_dlops(msgk_backend be) { return spec_of(be) != NULL; }
static int is_raw_rma(msgk_backend be) {
  return be == MSGK_RMA_FENCE || be == MSGK_RMA_PSCW || be == MSGK_RMA_LOCK_ALL;
}
static int is_p2p(msgk_op op) { return op == MSGK_PINGPONG || op == MSGK_STREAM; }

/* ------------------------------------------------------------------ NCCL (CUDA builds) */
#ifdef MSGK_HAVE_NCCL
static ncclComm_t nccl_comm;
static cudaStream_t nccl_stream;
static int nccl_state; /* 0 not tried, 1 ready, -1 unusable (nccl_why) */
static char nccl_why[256];

static int nccl_init(void) {
  if (nccl_state) return nccl_state;
  int ndev = 0, ok = 1, all = 0;
  cudaError_t ce = cudaGetDeviceCount(&ndev);
  if (ce != cudaSuccess || ndev < 1) {
    snprintf(nccl_why, sizeof nccl_why, "no usable GPU (%s)", ce != cudaSuccess ? cudaGetErrorString(ce) : "0 devices");
    ok = 0;
  }
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!all) {
    if (ok) snprintf(nccl_why, sizeof nccl_why, "no usable GPU on some rank");
    /* every rank reports the same reason: rank 0's */
    MPI_Bcast(nccl_why, (int)sizeof nccl_why, MPI_CHAR, 0, MPI_COMM_WORLD);
    return nccl_state = -1;
  }
  MPI_Comm node;
  int lrank = 0;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &lrank);
  MPI_Comm_free(&node);
  cudaSetDevice(lrank % ndev);
  cudaStreamCreateWithFlags(&nccl_stream, cudaStreamNonBlocking);
  ncclUniqueId id;
  int me, P;
  MPI_Comm_rank(MPI_COMM_WORLD, &me);
  MPI_Comm_size(MPI_COMM_WORLD, &P);
  if (me == 0) ncclGetUniqueId(&id);
  MPI_Bcast(&id, (int)sizeof id, MPI_BYTE, 0, MPI_COMM_WORLD);
  ncclResult_t r = ncclCommInitRank(&nccl_comm, P, id, me);
  ok = r == ncclSuccess;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!all) {
    snprintf(nccl_why, sizeof nccl_why, "ncclCommInitRank failed: %s", ncclGetErrorString(r));
    MPI_Bcast(nccl_why, (int)sizeof nccl_why, MPI_CHAR, 0, MPI_COMM_WORLD);
    return nccl_state = -1;
  }
  return nccl_state = 1;
}

static int nccl_run(msgk_case *c) {
  double *s = c->dsbuf, *r = c->drbuf;
  const size_t n = (size_t)c->n;
  ncclResult_t e = ncclSuccess;
#define NC(x)                         \
  do {                                \
    if (e == ncclSuccess) e = (x);    \
  } while (0)
  switch (c->op) {
    case MSGK_PINGPONG:
    case MSGK_STREAM:
      for (int phase = 0; phase < (c->op == MSGK_PINGPONG ? 2 : 1); phase++) {
        if (c->me > 1) break;
        const int sender = phase == 0 ? 0 : 1;
        NC(ncclGroupStart());
        for (int k = 0; k < c->W; k++) {
          if (c->me == sender) NC(ncclSend(s + (size_t)k * n, n, ncclDouble, c->peer, nccl_comm, nccl_stream));
          else NC(ncclRecv(r + (size_t)k * n, n, ncclDouble, c->peer, nccl_comm, nccl_stream));
        }
        NC(ncclGroupEnd());
        if (c->op == MSGK_PINGPONG) cudaStreamSynchronize(nccl_stream);
      }
      break;
    case MSGK_ALLREDUCE: NC(ncclAllReduce(s, r, n, ncclDouble, ncclSum, nccl_comm, nccl_stream)); break;
    case MSGK_ALLGATHER: NC(ncclAllGather(s, r, n, ncclDouble, nccl_comm, nccl_stream)); break;
    case MSGK_BCAST: NC(ncclBroadcast(r, r, n, ncclDouble, 0, nccl_comm, nccl_stream)); break;
    case MSGK_ALLGATHERV:
    case MSGK_ALLTOALLV:
      NC(ncclGroupStart());
      for (int q = 0; q < c->P; q++) {
        if (c->op == MSGK_ALLGATHERV) {
          NC(ncclSend(s, (size_t)c->sc[c->me], ncclDouble, q, nccl_comm, nccl_stream));
          NC(ncclRecv(r + c->rd[q], (size_t)c->rc[q], ncclDouble, q, nccl_comm, nccl_stream));
        } else {
          NC(ncclSend(s + c->sd[q], (size_t)c->sc[q], ncclDouble, q, nccl_comm, nccl_stream));
          NC(ncclRecv(r + c->rd[q], (size_t)c->rc[q], ncclDouble, q, nccl_comm, nccl_stream));
        }
      }
      NC(ncclGroupEnd());
      break;
    case MSGK_HALO:
      NC(ncclGroupStart());
      for (int k = 0; k < c->nmsg; k++) {
        const size_t so = (size_t)((const double *)c->msgs[k].sendbuf - c->sbuf);
        const size_t ro = (size_t)((double *)c->msgs[k].recvbuf - c->rbuf);
        NC(ncclSend(s + so, n, ncclDouble, c->msgs[k].peer, nccl_comm, nccl_stream));
        NC(ncclRecv(r + ro, n, ncclDouble, c->msgs[k].peer, nccl_comm, nccl_stream));
      }
      NC(ncclGroupEnd());
      break;
    default: break;
  }
#undef NC
  cudaError_t ce = cudaStreamSynchronize(nccl_stream);
  if (e != ncclSuccess || ce != cudaSuccess) {
    fprintf(stderr, "bench_msg: NCCL %s failed: %s / %s\n", msgk_op_names[c->op], ncclGetErrorString(e),
            cudaGetErrorString(ce));
    return 1;
  }
  return 0;
}
#endif

/* ------------------------------------------------------------------ set-up */
static void fail_why(char *why, size_t len, const char *msg) { snprintf(why, len, "%s", msg); }

static int64_t *i64s(int P) { return calloc((size_t)P, sizeof(int64_t)); }
static int *ints(int P) { return calloc((size_t)P, sizeof(int)); }

msgk_case *msgk_setup(msgk_op op, msgk_backend be, int window, int64_t bytes, char *why, size_t len) {
  int P, me;
  MPI_Comm_size(MPI_COMM_WORLD, &P);
  MPI_Comm_rank(MPI_COMM_WORLD, &me);
  if (why && len) why[0] = 0;
  if (bytes < 8 || bytes % 8) {
    fail_why(why, len, "sizes are whole doubles (multiples of 8 bytes)");
    return NULL;
  }
  if ((is_p2p(op) || op == MSGK_HALO) && P < 2) {
    fail_why(why, len, "needs at least 2 ranks");
    return NULL;
  }
  if (is_raw_rma(be) && !is_p2p(op)) {
    fail_why(why, len, "raw RMA is measured on the point-to-point patterns only");
    return NULL;
  }
  if (window < 1 || window > 64 || (!is_p2p(op) && window != 1)) {
    fail_why(why, len, "messages per synchronisation: 1..64, and 1 for collectives");
    return NULL;
  }
#ifndef DLOPS_HAVE_RMA
  if (be >= MSGK_DLOPS_RMA_FENCE && be <= MSGK_DLOPS_RMA_LOCK_ALL) {
    fail_why(why, len, "the rma backend is not built (DLOPS_ENABLE_RMA=OFF)");
    return NULL;
  }
#endif
  if (be == MSGK_NCCL) {
#ifdef MSGK_HAVE_NCCL
    if (nccl_init() < 0) {
      fail_why(why, len, nccl_why);
      return NULL;
    }
#else
    fail_why(why, len, "NCCL not built (configure with CUDA and NCCL: DLOPS_ENABLE_NCCL=ON)");
    return NULL;
#endif
  }
  if (is_dlops(be) && !ctxs[be]) {
    int err = dlops_ctx_create(MPI_COMM_WORLD, spec_of(be), &ctxs[be]);
    if (err) {
      snprintf(why, len, "dlops_ctx_create(\"%s\"): %s", spec_of(be), dlops_last_error());
      ctxs[be] = NULL;
      return NULL;
    }
  }
  msgk_case *c = calloc(1, sizeof *c);
  c->op = op;
  c->be = be;
  c->W = window;
  c->bytes = bytes;
  c->P = P;
  c->me = me;
  c->win = MPI_WIN_NULL;
  c->peer_grp = MPI_GROUP_NULL;
  c->c = is_dlops(be) ? ctxs[be]->world : NULL;
  const int64_t e = bytes / 8;
  c->factor = 1;
  c->messages = 1;
  int64_t cnt = e / P;
  switch (op) {
    case MSGK_PINGPONG:
    case MSGK_STREAM:
      c->n = e;
      c->peer = me < 2 ? 1 - me : -1;
      c->scount = c->rcount = me < 2 ? (int64_t)window * e : 0;
      c->size_bytes = (double)window * (double)bytes; /* per direction and synchronisation */
      c->messages = op == MSGK_PINGPONG ? 2.0 * window : window;
      break;
    case MSGK_ALLREDUCE:
      c->n = c->scount = c->rcount = e;
      c->size_bytes = (double)bytes;
      c->factor = 2.0 * (P - 1) / P;
      break;
    case MSGK_BCAST:
      c->n = c->rcount = e;
      c->scount = 0;
      c->size_bytes = (double)bytes;
      break;
    case MSGK_ALLGATHER:
    case MSGK_ALLGATHERV:
    case MSGK_ALLTOALLV:
      if (cnt < 1) {
        fail_why(why, len, "size below 8 bytes per rank");
        free(c);
        return NULL;
      }
      c->n = cnt;
      c->sc = i64s(P), c->sd = i64s(P), c->rc = i64s(P), c->rd = i64s(P);
      c->isc = ints(P), c->isd = ints(P), c->irc = ints(P), c->ird = ints(P);
      for (int q = 0; q < P; q++) {
        if (op == MSGK_ALLGATHERV) {
          /* uneven: rank q contributes about 2 cnt (q + 1) / (P + 1), total about cnt P */
          c->rc[q] = 2 * cnt * (q + 1) / (P + 1);
          c->sc[q] = c->rc[q];
        } else {
          c->rc[q] = cnt;
          c->sc[q] = cnt;
        }
        c->rd[q] = q ? c->rd[q - 1] + c->rc[q - 1] : 0;
        c->sd[q] = op == MSGK_ALLTOALLV ? (q ? c->sd[q - 1] + c->sc[q - 1] : 0) : 0;
        c->isc[q] = (int)c->sc[q], c->isd[q] = (int)c->sd[q], c->irc[q] = (int)c->rc[q], c->ird[q] = (int)c->rd[q];
      }
      c->rcount = c->rd[P - 1] + c->rc[P - 1];
      c->scount = op == MSGK_ALLTOALLV ? c->sd[P - 1] + c->sc[P - 1] : c->sc[me];
      c->size_bytes = op == MSGK_ALLTOALLV ? 8.0 * (double)c->scount : 8.0 * (double)c->rcount;
      c->factor = (double)(P - 1) / P;
      break;
    case MSGK_HALO:
      c->n = e;
      c->scount = c->rcount = 2 * e;
      c->nmsg = 0;
      c->messages = 0;
      break;
    default: break;
  }
  c->sbuf = malloc((size_t)(c->scount > 0 ? c->scount : 1) * 8);
  if (is_raw_rma(be)) {
    /* the window: on one node MPI_Win_allocate_shared (Open MPI's osc/sm), as dlops' rma backend
     * does there (csrc/comm/rma.c says why), else MPI_Win_create on our own buffer */
    MPI_Comm node;
    int nsize = 0;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &nsize);
    MPI_Comm_free(&node);
    if (nsize == P) {
      MPI_Info info;
      MPI_Info_create(&info);
      MPI_Info_set(info, "alloc_shared_noncontig", "true");
      MPI_Win_allocate_shared((MPI_Aint)(c->rcount * 8), 8, info, MPI_COMM_WORLD, &c->rbuf, &c->win);
      MPI_Info_free(&info);
      c->win_owns = 1;
    } else {
      c->rbuf = malloc((size_t)(c->rcount > 0 ? c->rcount : 1) * 8);
      MPI_Win_create(c->rbuf, (MPI_Aint)(c->rcount * 8), 8, MPI_INFO_NULL, MPI_COMM_WORLD, &c->win);
    }
  } else {
    c->rbuf = malloc((size_t)(c->rcount > 0 ? c->rcount : 1) * 8);
  }
  c->reqs = malloc(sizeof(MPI_Request) * (size_t)(2 * (window > P ? window : P) + 4));
  if (!c->sbuf || !c->rbuf || !c->reqs) {
    fprintf(stderr, "bench_msg: out of memory at %lld bytes\n", (long long)bytes);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  poison(c->rbuf, c->rcount);
  switch (op) {
    case MSGK_PINGPONG:
    case MSGK_STREAM:
      if (me < 2) fill(c->sbuf, c->scount, me);
      break;
    case MSGK_ALLREDUCE:
    case MSGK_ALLGATHER:
    case MSGK_ALLGATHERV: fill(c->sbuf, c->scount, me); break;
    case MSGK_BCAST:
      if (me == 0) fill(c->rbuf, c->rcount, 0);
      break;
    case MSGK_ALLTOALLV:
      for (int q = 0; q < P; q++) fill(c->sbuf + c->sd[q], c->sc[q], (int64_t)me * 1000 + q);
      break;
    case MSGK_HALO: {
      /* slot 0: to / from the left neighbour, slot 1: the right one */
      int k = 0;
      for (int side = 0; side < 2; side++) {
        int q = side == 0 ? me - 1 : me + 1;
        if (q < 0 || q >= P) continue;
        fill(c->sbuf + side * e, e, (int64_t)me * 1000 + q);
        c->msgs[k].peer = q;
        c->msgs[k].sendbuf = c->sbuf + side * e;
        c->msgs[k].scount = e;
        c->msgs[k].recvbuf = c->rbuf + side * e;
        c->msgs[k].rcount = e;
        k++;
      }
      c->nmsg = k;
      c->messages = k;
      /* bytes an interior rank sends (2 neighbours; 1 at P = 2): the same figure on every rank */
      c->size_bytes = (double)bytes * (P > 2 ? 2 : 1);
      break;
    }
    default: break;
  }
  if (is_p2p(op) && is_dlops(be)) {
    /* the neighbour lists: phase 0 is 0 -> 1 (msgs[0..W)), phase 1 is 1 -> 0 (msgs[64..64+W)) */
    for (int phase = 0; phase < 2; phase++)
      for (int k = 0; k < window && me < 2; k++) {
        dlops_nbr_msg *m = &c->msgs[phase * 64 + k];
        const int sender = phase == 0 ? 0 : 1;
        m->peer = c->peer;
        m->sendbuf = me == sender ? c->sbuf + (int64_t)k * e : NULL;
        m->scount = me == sender ? e : 0;
        m->recvbuf = me == sender ? NULL : c->rbuf + (int64_t)k * e;
        m->rcount = me == sender ? 0 : e;
      }
  }
  if (is_raw_rma(be)) {
    if (me < 2) {
      MPI_Group g;
      MPI_Comm_group(MPI_COMM_WORLD, &g);
      MPI_Group_incl(g, 1, &c->peer, &c->peer_grp);
      MPI_Group_free(&g);
    }
    if (be == MSGK_RMA_FENCE) MPI_Win_fence(MPI_MODE_NOPRECEDE, c->win);
    if (be == MSGK_RMA_LOCK_ALL) MPI_Win_lock_all(MPI_MODE_NOCHECK, c->win);
  }
#ifdef MSGK_HAVE_NCCL
  if (be == MSGK_NCCL) {
    size_t sb = (size_t)(c->scount > 0 ? c->scount : 1) * 8, rb = (size_t)(c->rcount > 0 ? c->rcount : 1) * 8;
    if (cudaMalloc(&c->dsbuf, sb) != cudaSuccess || cudaMalloc(&c->drbuf, rb) != cudaSuccess) {
      fprintf(stderr, "bench_msg: cudaMalloc failed at %lld bytes\n", (long long)bytes);
      MPI_Abort(MPI_COMM_WORLD, 2);
    }
    cudaMemcpy(c->dsbuf, c->sbuf, sb, cudaMemcpyHostToDevice);
    cudaMemcpy(c->drbuf, c->rbuf, rb, cudaMemcpyHostToDevice);
  }
#endif
  MPI_Barrier(MPI_COMM_WORLD);
  return c;
}

/* ------------------------------------------------------------------ one synchronisation */
static int dl(msgk_case *c, int err, const char *what) {
  if (err) fprintf(stderr, "bench_msg: %s (%s) failed: %s\n", what, msgk_backend_names[c->be], dlops_last_error());
  return err;
}

/* raw two-sided: W messages from sender to the other of ranks 0/1 */
static void mpi_phase(msgk_case *c, int sender) {
  if (c->me > 1) return;
  const int W = c->W, n = (int)c->n;
  for (int k = 0; k < W; k++) {
    if (c->me == sender) MPI_Isend(c->sbuf + (int64_t)k * n, n, MPI_DOUBLE, c->peer, 1, MPI_COMM_WORLD, &c->reqs[k]);
    else MPI_Irecv(c->rbuf + (int64_t)k * n, n, MPI_DOUBLE, c->peer, 1, MPI_COMM_WORLD, &c->reqs[k]);
  }
  MPI_Waitall(W, c->reqs, MPI_STATUSES_IGNORE);
}

/* the receiver's zero-byte acknowledgement closing a two-sided stream synchronisation */
static void ack(msgk_case *c, int sender) {
  if (c->me > 1) return;
  if (c->me == sender) MPI_Recv(NULL, 0, MPI_BYTE, c->peer, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  else MPI_Send(NULL, 0, MPI_BYTE, c->peer, 2, MPI_COMM_WORLD);
}

static void rma_phase(msgk_case *c, int sender) {
  const int W = c->W, n = (int)c->n;
  const int active = c->me < 2;
  switch (c->be) {
    case MSGK_RMA_FENCE:
      if (active && c->me == sender)
        for (int k = 0; k < W; k++)
          MPI_Put(c->sbuf + (int64_t)k * n, n, MPI_DOUBLE, c->peer, (MPI_Aint)k * n, n, MPI_DOUBLE, c->win);
      MPI_Win_fence(0, c->win);
      break;
    case MSGK_RMA_PSCW:
      if (!active) break;
      if (c->me == sender) {
        MPI_Win_start(c->peer_grp, 0, c->win);
        for (int k = 0; k < W; k++)
          MPI_Put(c->sbuf + (int64_t)k * n, n, MPI_DOUBLE, c->peer, (MPI_Aint)k * n, n, MPI_DOUBLE, c->win);
        MPI_Win_complete(c->win);
      } else {
        MPI_Win_post(c->peer_grp, 0, c->win);
        MPI_Win_wait(c->win);
      }
      break;
    case MSGK_RMA_LOCK_ALL:
      if (!active) break;
      if (c->me == sender) {
        for (int k = 0; k < W; k++)
          MPI_Put(c->sbuf + (int64_t)k * n, n, MPI_DOUBLE, c->peer, (MPI_Aint)k * n, n, MPI_DOUBLE, c->win);
        MPI_Win_flush(c->peer, c->win);
        MPI_Send(NULL, 0, MPI_BYTE, c->peer, 3, MPI_COMM_WORLD);
      } else {
        MPI_Recv(NULL, 0, MPI_BYTE, c->peer, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Win_sync(c->win);
      }
      break;
    default: break;
  }
}

int msgk_run(msgk_case *c) {
#ifdef MSGK_HAVE_NCCL
  if (c->be == MSGK_NCCL) return nccl_run(c);
#endif
  const dlops_memspace H = DLOPS_MEM_HOST;
  const dlops_ctype T = DLOPS_CT_F64;
  const int n = (int)c->n;
  if (is_p2p(c->op)) {
    const int phases = c->op == MSGK_PINGPONG ? 2 : 1;
    for (int ph = 0; ph < phases; ph++) {
      const int sender = ph;
      if (c->be == MSGK_MPI) {
        mpi_phase(c, sender);
      } else if (is_raw_rma(c->be)) {
        rma_phase(c, sender);
      } else {
        const int nm = c->me < 2 ? c->W : 0;
        int err = dlops_comm_neighbor(c->c, nm, &c->msgs[ph * 64], T, H);
        if (dl(c, err, "dlops_comm_neighbor")) return err;
      }
    }
    /* a two-sided stream ends with the receiver's acknowledgement (osu_bw's pattern) */
    if (c->op == MSGK_STREAM && (c->be == MSGK_MPI || c->be == MSGK_DLOPS_MPI)) ack(c, 0);
    return 0;
  }
  int err = 0;
  switch (c->op) {
    case MSGK_ALLREDUCE:
      if (c->be == MSGK_MPI) MPI_Allreduce(c->sbuf, c->rbuf, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
      else err = dl(c, dlops_comm_allreduce(c->c, c->sbuf, c->rbuf, c->n, T, DLOPS_OP_SUM, H), "allreduce");
      break;
    case MSGK_ALLGATHER:
      if (c->be == MSGK_MPI) MPI_Allgather(c->sbuf, n, MPI_DOUBLE, c->rbuf, n, MPI_DOUBLE, MPI_COMM_WORLD);
      else err = dl(c, dlops_comm_allgather(c->c, c->sbuf, c->n, c->rbuf, T, H), "allgather");
      break;
    case MSGK_ALLGATHERV:
      if (c->be == MSGK_MPI)
        MPI_Allgatherv(c->sbuf, c->isc[c->me], MPI_DOUBLE, c->rbuf, c->irc, c->ird, MPI_DOUBLE, MPI_COMM_WORLD);
      else err = dl(c, dlops_comm_allgatherv(c->c, c->sbuf, c->sc[c->me], c->rbuf, c->rc, c->rd, T, H), "allgatherv");
      break;
    case MSGK_BCAST:
      if (c->be == MSGK_MPI) MPI_Bcast(c->rbuf, n, MPI_DOUBLE, 0, MPI_COMM_WORLD);
      else err = dl(c, dlops_comm_bcast(c->c, c->rbuf, c->n, T, 0, H), "bcast");
      break;
    case MSGK_ALLTOALLV:
      if (c->be == MSGK_MPI)
        MPI_Alltoallv(c->sbuf, c->isc, c->isd, MPI_DOUBLE, c->rbuf, c->irc, c->ird, MPI_DOUBLE, MPI_COMM_WORLD);
      else err = dl(c, dlops_comm_alltoallv(c->c, c->sbuf, c->sc, c->sd, c->rbuf, c->rc, c->rd, T, H), "alltoallv");
      break;
    case MSGK_HALO:
      if (c->be == MSGK_MPI) {
        for (int k = 0; k < c->nmsg; k++) {
          MPI_Irecv(c->msgs[k].recvbuf, n, MPI_DOUBLE, c->msgs[k].peer, 4, MPI_COMM_WORLD, &c->reqs[2 * k]);
          MPI_Isend(c->msgs[k].sendbuf, n, MPI_DOUBLE, c->msgs[k].peer, 4, MPI_COMM_WORLD, &c->reqs[2 * k + 1]);
        }
        MPI_Waitall(2 * c->nmsg, c->reqs, MPI_STATUSES_IGNORE);
      } else {
        err = dl(c, dlops_comm_neighbor(c->c, c->nmsg, c->msgs, T, H), "neighbor");
      }
      break;
    default: break;
  }
  return err;
}

/* ------------------------------------------------------------------ verification */
long long msgk_verify(msgk_case *c) {
  long long bad = 0;
  const int64_t e = c->bytes / 8;
#ifdef MSGK_HAVE_NCCL
  if (c->be == MSGK_NCCL && c->rcount > 0) cudaMemcpy(c->rbuf, c->drbuf, (size_t)c->rcount * 8, cudaMemcpyDeviceToHost);
#endif
  if (c->be == MSGK_RMA_LOCK_ALL) MPI_Win_sync(c->win);
  /* DLOPS_MSG_CORRUPT=1 (tests only): damage one received element on every rank that checks,
   * so that a test sees the verification count it (perf.bench_msg_detects_corruption) */
  const char *corrupt = getenv("DLOPS_MSG_CORRUPT");
  if (corrupt && corrupt[0] == '1' && c->rcount > 0) c->rbuf[c->rcount - 1] += 1.0;
  switch (c->op) {
    case MSGK_PINGPONG:
      if (c->me < 2) bad += check(c->rbuf, c->rcount, c->peer);
      break;
    case MSGK_STREAM:
      if (c->me == 1) bad += check(c->rbuf, c->rcount, 0);
      break;
    case MSGK_ALLREDUCE:
      for (int64_t i = 0; i < c->rcount; i++) {
        double s = 0;
        for (int q = 0; q < c->P; q++) s += val(q, i);
        bad += c->rbuf[i] != s;
      }
      break;
    case MSGK_ALLGATHER:
    case MSGK_ALLGATHERV:
      for (int q = 0; q < c->P; q++) bad += check(c->rbuf + c->rd[q], c->rc[q], q);
      break;
    case MSGK_BCAST: bad += check(c->rbuf, c->rcount, 0); break;
    case MSGK_ALLTOALLV:
      for (int q = 0; q < c->P; q++) bad += check(c->rbuf + c->rd[q], c->rc[q], (int64_t)q * 1000 + c->me);
      break;
    case MSGK_HALO:
      for (int k = 0; k < c->nmsg; k++) {
        const int q = c->msgs[k].peer;
        bad += check((const double *)c->msgs[k].recvbuf, e, (int64_t)q * 1000 + c->me);
      }
      break;
    default: break;
  }
  MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  return bad;
}

void msgk_teardown(msgk_case *c) {
  if (!c) return;
  if (c->win != MPI_WIN_NULL) {
    if (c->be == MSGK_RMA_LOCK_ALL) MPI_Win_unlock_all(c->win);
    if (c->be == MSGK_RMA_FENCE) MPI_Win_fence(MPI_MODE_NOSUCCEED, c->win);
    MPI_Win_free(&c->win); /* frees rbuf too when the window allocated it */
  }
  if (c->peer_grp != MPI_GROUP_NULL) MPI_Group_free(&c->peer_grp);
#ifdef MSGK_HAVE_NCCL
  if (c->dsbuf) cudaFree(c->dsbuf);
  if (c->drbuf) cudaFree(c->drbuf);
#endif
  free(c->sbuf);
  if (!c->win_owns) free(c->rbuf);
  free(c->reqs);
  free(c->sc), free(c->sd), free(c->rc), free(c->rd);
  free(c->isc), free(c->isd), free(c->irc), free(c->ird);
  free(c);
  MPI_Barrier(MPI_COMM_WORLD);
}

double msgk_size_bytes(const msgk_case *c) { return c->size_bytes; }
double msgk_bus_factor(const msgk_case *c) { return c->factor; }
double msgk_messages(const msgk_case *c) { return c->messages; }

void msgk_finalize(void) {
  for (int b = 0; b < MSGK_NUM_BACKENDS; b++)
    if (ctxs[b]) dlops_ctx_destroy(&ctxs[b]);
#ifdef MSGK_HAVE_NCCL
  if (nccl_state == 1) {
    ncclCommDestroy(nccl_comm);
    cudaStreamDestroy(nccl_stream);
  }
#endif
}
