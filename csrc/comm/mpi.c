/* Two-sided MPI backend of the communication interface. Host memory (or CUDA-aware MPI with
 * device pointers). Counts above c->max_chunk are sent in several messages. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"

#if defined(OPEN_MPI) && OPEN_MPI
#include <mpi-ext.h>
#endif

int dlops_mpi_cuda_aware(void) {
#if defined(MPIX_CUDA_AWARE_SUPPORT) && MPIX_CUDA_AWARE_SUPPORT
  return MPIX_Query_cuda_support() == 1; /* compiled with CUDA support, and enabled at run time */
#else
  return 0;
#endif
}

static MPI_Op mpi_op(dlops_redop op) { return op == DLOPS_OP_SUM ? MPI_SUM : op == DLOPS_OP_MAX ? MPI_MAX : MPI_MIN; }

static int mpi_allreduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op) {
  size_t es = dlops_ctype_size(t);
  for (int64_t off = 0; off < count; off += c->max_chunk) {
    int n = (int)(count - off < c->max_chunk ? count - off : c->max_chunk);
    const void *s = send == DLOPS_IN_PLACE ? MPI_IN_PLACE : (const char *)send + off * es;
    DLOPS_CALL_MPI(c->ctx, MPI_Allreduce(s, (char *)recv + off * es, n, dlops_ctype_mpi(t), mpi_op(op), c->mpi));
  }
  return DLOPS_SUCCESS;
}

static int mpi_reduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                      int root) {
  size_t es = dlops_ctype_size(t);
  for (int64_t off = 0; off < count; off += c->max_chunk) {
    int n = (int)(count - off < c->max_chunk ? count - off : c->max_chunk);
    const void *s;
    if (send == DLOPS_IN_PLACE)
      s = c->rank == root ? MPI_IN_PLACE : (const char *)recv + off * es;
    else
      s = (const char *)send + off * es;
    void *r = recv ? (char *)recv + off * es : NULL;
    DLOPS_CALL_MPI(c->ctx, MPI_Reduce(s, r, n, dlops_ctype_mpi(t), mpi_op(op), root, c->mpi));
  }
  return DLOPS_SUCCESS;
}

static int mpi_bcast(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root) {
  size_t es = dlops_ctype_size(t);
  for (int64_t off = 0; off < count; off += c->max_chunk) {
    int n = (int)(count - off < c->max_chunk ? count - off : c->max_chunk);
    DLOPS_CALL_MPI(c->ctx, MPI_Bcast((char *)buf + off * es, n, dlops_ctype_mpi(t), root, c->mpi));
  }
  return DLOPS_SUCCESS;
}

static int fits(const dlops_comm *c, const int64_t *a) {
  for (int i = 0; i < c->size; i++)
    if (a[i] > c->max_chunk || a[i] > INT_MAX) return 0;
  return 1;
}

static int mpi_allgatherv(dlops_comm *c, const void *send, int64_t scount, void *recv, const int64_t *rcounts,
                          const int64_t *rdispls, dlops_ctype t) {
  size_t es = dlops_ctype_size(t);
  if (fits(c, rcounts) && fits(c, rdispls)) {
    int *ic = malloc(sizeof(int) * 2 * (size_t)c->size);
    DLOPS_CHECK(ic, c->ctx, DLOPS_ERR_MEM, "cannot allocate counts");
    for (int i = 0; i < c->size; i++) {
      ic[i] = (int)rcounts[i];
      ic[c->size + i] = (int)rdispls[i];
    }
    int e = MPI_Allgatherv(send, (int)scount, dlops_ctype_mpi(t), recv, ic, ic + c->size, dlops_ctype_mpi(t), c->mpi);
    free(ic);
    if (e != MPI_SUCCESS) return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Allgatherv");
    return DLOPS_SUCCESS;
  }
  /* Large blocks: each rank broadcasts its block in chunks. */
  if (scount > 0 && send != (char *)recv + rdispls[c->rank] * es)
    memcpy((char *)recv + rdispls[c->rank] * es, send, (size_t)scount * es);
  for (int r = 0; r < c->size; r++) {
    char *base = (char *)recv + rdispls[r] * es;
    for (int64_t off = 0; off < rcounts[r]; off += c->max_chunk) {
      int n = (int)(rcounts[r] - off < c->max_chunk ? rcounts[r] - off : c->max_chunk);
      DLOPS_CALL_MPI(c->ctx, MPI_Bcast(base + off * es, n, dlops_ctype_mpi(t), r, c->mpi));
    }
  }
  return DLOPS_SUCCESS;
}

/* Requests a chunked point-to-point exchange needs. */
static int64_t p2p_nreq(const dlops_comm *c, int n, const dlops_nbr_msg *m) {
  int64_t nreq = 0;
  for (int i = 0; i < n; i++) {
    if (m[i].peer == c->rank) continue;
    if (m[i].scount > 0) nreq += (m[i].scount + c->max_chunk - 1) / c->max_chunk;
    if (m[i].rcount > 0) nreq += (m[i].rcount + c->max_chunk - 1) / c->max_chunk;
  }
  return nreq;
}

/* Post the receives, then the sends, of (peer, send, scount, recv, rcount) pairs, chunked, into
 * req[*k...] (room for p2p_nreq requests); self pairs are copied. Returns an MPI code; *k counts
 * the requests posted, which the caller completes even after a failure. */
static int p2p_post(dlops_comm *c, int n, const dlops_nbr_msg *m, dlops_ctype t, MPI_Request *req, int64_t *k) {
  const size_t es = dlops_ctype_size(t);
  const int tag = 4711;
  int e = MPI_SUCCESS;
  for (int i = 0; i < n && e == MPI_SUCCESS; i++) {
    if (m[i].peer == c->rank || m[i].rcount <= 0) continue;
    for (int64_t off = 0; off < m[i].rcount && e == MPI_SUCCESS; off += c->max_chunk) {
      int cnt = (int)(m[i].rcount - off < c->max_chunk ? m[i].rcount - off : c->max_chunk);
      e = MPI_Irecv((char *)m[i].recvbuf + off * es, cnt, dlops_ctype_mpi(t), m[i].peer, tag, c->mpi, &req[(*k)++]);
    }
  }
  for (int i = 0; i < n && e == MPI_SUCCESS; i++) {
    if (m[i].peer == c->rank) {
      int64_t cnt = m[i].scount < m[i].rcount ? m[i].scount : m[i].rcount;
      if (cnt > 0 && m[i].recvbuf != m[i].sendbuf) memcpy(m[i].recvbuf, m[i].sendbuf, (size_t)cnt * es);
      continue;
    }
    if (m[i].scount <= 0) continue;
    for (int64_t off = 0; off < m[i].scount && e == MPI_SUCCESS; off += c->max_chunk) {
      int cnt = (int)(m[i].scount - off < c->max_chunk ? m[i].scount - off : c->max_chunk);
      e = MPI_Isend((const char *)m[i].sendbuf + off * es, cnt, dlops_ctype_mpi(t), m[i].peer, tag, c->mpi,
                    &req[(*k)++]);
    }
  }
  return e;
}

/* Point-to-point exchange of (peer, send, scount, recv, rcount) pairs, chunked. */
static int p2p_exchange(dlops_comm *c, int n, const dlops_nbr_msg *m, dlops_ctype t) {
  const int64_t nreq = p2p_nreq(c, n, m);
  MPI_Request lreq[32], *req = lreq; /* no allocation for the usual few neighbours */
  if (nreq > 32) {
    req = malloc(sizeof *req * (size_t)nreq);
    DLOPS_CHECK(req, c->ctx, DLOPS_ERR_MEM, "cannot allocate %lld requests", (long long)nreq);
  }
  int64_t k = 0;
  int e = p2p_post(c, n, m, t, req, &k);
  if (k > 0) {
    int e2 = MPI_Waitall((int)k, req, MPI_STATUSES_IGNORE);
    if (e == MPI_SUCCESS) e = e2;
  }
  if (req != lreq) free(req);
  if (e != MPI_SUCCESS) return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "point-to-point exchange");
  return DLOPS_SUCCESS;
}

static int mpi_alltoallv(dlops_comm *c, const void *send, const int64_t *scounts, const int64_t *sdispls,
                         void *recv, const int64_t *rcounts, const int64_t *rdispls, dlops_ctype t) {
  size_t es = dlops_ctype_size(t);
  /* Counts differ between ranks (a scatter root sends everything, the others nothing), so the
   * choice between MPI_Alltoallv and the chunked exchange must be agreed, else ranks that fit
   * wait in MPI_Alltoallv for ranks that went point-to-point. */
  int ok = fits(c, scounts) && fits(c, sdispls) && fits(c, rcounts) && fits(c, rdispls);
  if (c->size > 1) DLOPS_CALL_MPI(c->ctx, MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, c->mpi));
  if (ok) {
    int *ic = malloc(sizeof(int) * 4 * (size_t)c->size);
    DLOPS_CHECK(ic, c->ctx, DLOPS_ERR_MEM, "cannot allocate counts");
    int P = c->size;
    for (int i = 0; i < P; i++) {
      ic[i] = (int)scounts[i];
      ic[P + i] = (int)sdispls[i];
      ic[2 * P + i] = (int)rcounts[i];
      ic[3 * P + i] = (int)rdispls[i];
    }
    MPI_Datatype dt = dlops_ctype_mpi(t);
    int e = MPI_Alltoallv(send, ic, ic + P, dt, recv, ic + 2 * P, ic + 3 * P, dt, c->mpi);
    free(ic);
    if (e != MPI_SUCCESS) return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Alltoallv");
    return DLOPS_SUCCESS;
  }
  dlops_nbr_msg *m = malloc(sizeof *m * (size_t)c->size);
  DLOPS_CHECK(m, c->ctx, DLOPS_ERR_MEM, "cannot allocate messages");
  int n = dlops_alltoallv_msgs(c->size, send, scounts, sdispls, recv, rcounts, rdispls, es, 0, m);
  int err = p2p_exchange(c, n, m, t);
  free(m);
  return err;
}

static int mpi_neighbor(dlops_comm *c, int n, const dlops_nbr_msg *msgs, dlops_ctype t) {
  return p2p_exchange(c, n, msgs, t);
}

/* Non-blocking neighbour exchange: the requests live in req (completed by mpi_wait). More
 * chunks than DLOPS_REQ_MAX (only with an artificially small chunk limit, or many peers) are
 * exchanged at once, blocking, which is still correct. */
static int mpi_ineighbor(dlops_comm *c, int n, const dlops_nbr_msg *msgs, dlops_ctype t, dlops_request *req) {
  req->n = 0;
  req->dt = MPI_DATATYPE_NULL;
  if (p2p_nreq(c, n, msgs) > DLOPS_REQ_MAX) return p2p_exchange(c, n, msgs, t);
  int64_t k = 0;
  int e = p2p_post(c, n, msgs, t, req->r, &k);
  req->n = (int)k;
  if (e != MPI_SUCCESS) {
    /* complete what was posted: the buffers must not stay in use after a failed start */
    if (k > 0) MPI_Waitall((int)k, req->r, MPI_STATUSES_IGNORE);
    req->n = 0;
    return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "point-to-point exchange");
  }
  return DLOPS_SUCCESS;
}

static int mpi_test(dlops_comm *c, dlops_request *req) {
  int done = 1;
  if (req->n > 0) {
    int e = MPI_Testall(req->n, req->r, &done, MPI_STATUSES_IGNORE);
    if (e != MPI_SUCCESS) return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Testall");
  }
  return DLOPS_SUCCESS;
}

/* Non-blocking: one message of q chunks (contiguous derived type) plus the remainder. */
static int mpi_ibcast(dlops_comm *c, void *buf, int64_t count, dlops_ctype t, int root, dlops_request *req) {
  size_t es = dlops_ctype_size(t);
  int64_t q = count / c->max_chunk, r = count % c->max_chunk;
  req->n = 0;
  req->dt = MPI_DATATYPE_NULL;
  if (q > 0) {
    DLOPS_CALL_MPI(c->ctx, MPI_Type_contiguous((int)c->max_chunk, dlops_ctype_mpi(t), &req->dt));
    DLOPS_CALL_MPI(c->ctx, MPI_Type_commit(&req->dt));
    DLOPS_CHECK(q <= INT_MAX, c->ctx, DLOPS_ERR_ARG, "broadcast of %lld elements is too large", (long long)count);
    DLOPS_CALL_MPI(c->ctx, MPI_Ibcast(buf, (int)q, req->dt, root, c->mpi, &req->r[req->n++]));
  }
  if (r > 0 || count == 0)
    DLOPS_CALL_MPI(c->ctx, MPI_Ibcast((char *)buf + (size_t)(q * c->max_chunk) * es, (int)r, dlops_ctype_mpi(t), root,
                                      c->mpi, &req->r[req->n++]));
  return DLOPS_SUCCESS;
}

/* Non-blocking reductions: one request per chunk, up to DLOPS_REQ_MAX; more chunks than that
 * (only with an artificially small chunk limit) are done blocking, which is still correct. */
static int mpi_ireduce_any(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                           int root, dlops_request *req) {
  size_t es = dlops_ctype_size(t);
  req->n = 0;
  req->dt = MPI_DATATYPE_NULL;
  int64_t nch = count <= 0 ? 1 : (count + c->max_chunk - 1) / c->max_chunk;
  if (nch > DLOPS_REQ_MAX)
    return root < 0 ? mpi_allreduce(c, send, recv, count, t, op) : mpi_reduce(c, send, recv, count, t, op, root);
  for (int64_t off = 0; off < count || (count == 0 && off == 0); off += c->max_chunk) {
    int n = (int)(count - off < c->max_chunk ? count - off : c->max_chunk);
    const void *s;
    if (send == DLOPS_IN_PLACE)
      s = (root < 0 || c->rank == root) ? MPI_IN_PLACE : (const char *)recv + off * es;
    else
      s = (const char *)send + off * es;
    void *r = recv ? (char *)recv + off * es : NULL;
    int e = root < 0 ? MPI_Iallreduce(s, r, n, dlops_ctype_mpi(t), mpi_op(op), c->mpi, &req->r[req->n])
                     : MPI_Ireduce(s, r, n, dlops_ctype_mpi(t), mpi_op(op), root, c->mpi, &req->r[req->n]);
    if (e != MPI_SUCCESS) return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "non-blocking reduction");
    req->n++;
    if (count == 0) break;
  }
  return DLOPS_SUCCESS;
}

static int mpi_iallreduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                          dlops_request *req) {
  return mpi_ireduce_any(c, send, recv, count, t, op, -1, req);
}

static int mpi_ireduce(dlops_comm *c, const void *send, void *recv, int64_t count, dlops_ctype t, dlops_redop op,
                       int root, dlops_request *req) {
  return mpi_ireduce_any(c, send, recv, count, t, op, root, req);
}

static int mpi_wait(dlops_comm *c, dlops_request *req) {
  int e = MPI_SUCCESS;
  if (req->n > 0) e = MPI_Waitall(req->n, req->r, MPI_STATUSES_IGNORE);
  req->n = 0;
  if (req->dt != MPI_DATATYPE_NULL) MPI_Type_free(&req->dt);
  if (e != MPI_SUCCESS) return dlops_error_mpi(c->ctx, e, __FILE__, __LINE__, __func__, "MPI_Waitall");
  return DLOPS_SUCCESS;
}

const dlops_comm_ops dlops_comm_mpi_ops = {
    .name = "mpi",
    .allreduce = mpi_allreduce,
    .allgatherv = mpi_allgatherv,
    .bcast = mpi_bcast,
    .reduce = mpi_reduce,
    .alltoallv = mpi_alltoallv,
    .neighbor = mpi_neighbor,
    .ibcast = mpi_ibcast,
    .iallreduce = mpi_iallreduce,
    .ireduce = mpi_ireduce,
    .wait = mpi_wait,
    .ineighbor = mpi_ineighbor,
    .test = mpi_test,
    .split_init = NULL,
    .finalize = NULL,
};
