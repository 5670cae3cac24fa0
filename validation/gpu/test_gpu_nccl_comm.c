/* GPU test (labels gpu, nccl): a context with comm=nccl (device memory), then every operation of
 * the NCCL backend's function table on device buffers, compared with the serial result of the
 * same rank-dependent data: allreduce (sum/max/min, every transport type, in place), bcast,
 * reduce (and in place), allgatherv and alltoallv with zero counts, neighbour exchange,
 * non-blocking ibcast/iallreduce/ireduce completed by wait, a split
 * communicator, and all of it again with a tiny chunk size so the chunked paths run.
 *
 * Values are small integers, so every result is exact in every type.
 * Without a CUDA/NCCL build, a device, or one device per rank, dlops_ctx_create fails with
 * DLOPS_ERR_UNSUPPORTED on every rank and dlops_test_init skips with the reason. */
#include "dlops_test.h"

#include "core/ctx_impl.h"

#ifdef DLOPS_TEST_CUDA
#include <cuda_runtime.h>

static int P, R; /* size and rank of the communicator under test */

static double f(int r, int64_t k) { return (double)((r * 37 + k * 11) % 17) - 8.0; }

/* Transport types under test and a non-negative variant for bytes. */
static double val(dlops_ctype t, int r, int64_t k) { return t == DLOPS_CT_BYTE ? f(r, k) + 8.0 : f(r, k); }

static void put(void *buf, dlops_ctype t, int64_t k, double v) {
  switch (t) {
    case DLOPS_CT_F32: ((float *)buf)[k] = (float)v; break;
    case DLOPS_CT_F64: ((double *)buf)[k] = v; break;
    case DLOPS_CT_I32: ((int32_t *)buf)[k] = (int32_t)v; break;
    case DLOPS_CT_I64: ((int64_t *)buf)[k] = (int64_t)v; break;
    default: ((unsigned char *)buf)[k] = (unsigned char)v; break;
  }
}

static double get(const void *buf, dlops_ctype t, int64_t k) {
  switch (t) {
    case DLOPS_CT_F32: return ((const float *)buf)[k];
    case DLOPS_CT_F64: return ((const double *)buf)[k];
    case DLOPS_CT_I32: return ((const int32_t *)buf)[k];
    case DLOPS_CT_I64: return (double)((const int64_t *)buf)[k];
    default: return ((const unsigned char *)buf)[k];
  }
}

/* Element size (dlops_ctype_size is internal to libdlops). */
static size_t tsize(dlops_ctype t) {
  return t == DLOPS_CT_BYTE ? 1 : (t == DLOPS_CT_F32 || t == DLOPS_CT_I32) ? 4 : 8;
}

static void *dev_alloc(size_t bytes) {
  void *d = NULL;
  cudaError_t e = cudaMalloc(&d, bytes ? bytes : 1);
  T_CHECK(e == cudaSuccess, "cudaMalloc(%zu): %s", bytes, cudaGetErrorString(e));
  if (e == cudaSuccess) {
    cudaMemset(d, 0xff, bytes ? bytes : 1);
    /* cudaMemset is asynchronous (legacy default stream), and the context's stream, on which NCCL
     * runs, is non-blocking: without this wait the fill may land after NCCL has written d */
    T_CHECK(cudaStreamSynchronize(0) == cudaSuccess, "fill on the device");
  }
  return e == cudaSuccess ? d : NULL;
}

static void h2d(void *d, const void *h, size_t bytes) {
  if (bytes && d) {
    T_CHECK(cudaMemcpy(d, h, bytes, cudaMemcpyHostToDevice) == cudaSuccess, "copy to device");
    /* from pageable memory cudaMemcpy may return before the data reaches d; NCCL reads it on the
     * context's non-blocking stream, which does not wait for the legacy default stream */
    T_CHECK(cudaStreamSynchronize(0) == cudaSuccess, "copy to device (wait)");
  }
}

static void d2h(void *h, const void *d, size_t bytes) {
  if (bytes && d) T_CHECK(cudaMemcpy(h, d, bytes, cudaMemcpyDeviceToHost) == cudaSuccess, "copy to host");
}

static void test_allreduce(dlops_comm *c, dlops_ctype t, dlops_redop op, int in_place) {
  const int64_t n = 1003;
  size_t es = tsize(t);
  void *h = malloc((size_t)n * es), *ds = dev_alloc((size_t)n * es), *dr = dev_alloc((size_t)n * es);
  for (int64_t k = 0; k < n; k++) put(h, t, k, val(t, R, k));
  h2d(in_place ? dr : ds, h, (size_t)n * es);
  T_CALL(c->ops->allreduce(c, in_place ? DLOPS_IN_PLACE : ds, dr, n, t, op));
  d2h(h, dr, (size_t)n * es);
  int bad = 0;
  for (int64_t k = 0; k < n; k++) {
    double want = val(t, 0, k);
    for (int r = 1; r < P; r++) {
      double v = val(t, r, k);
      want = op == DLOPS_OP_SUM ? want + v : op == DLOPS_OP_MAX ? (v > want ? v : want) : (v < want ? v : want);
    }
    if (get(h, t, k) != want) bad++;
  }
  T_CHECK(!bad, "allreduce type %d op %d in_place %d: %d wrong elements", (int)t, (int)op, in_place, bad);
  cudaFree(ds);
  cudaFree(dr);
  free(h);
}

static void test_bcast_reduce(dlops_comm *c) {
  const int64_t n = 517;
  dlops_ctype t = DLOPS_CT_F64;
  double *h = malloc(sizeof(double) * (size_t)n);
  double *d = dev_alloc(sizeof(double) * (size_t)n), *d2 = dev_alloc(sizeof(double) * (size_t)n);
  int root = P - 1;
  for (int64_t k = 0; k < n; k++) h[k] = R == root ? f(root, k) : -99.0;
  h2d(d, h, sizeof(double) * (size_t)n);
  T_CALL(c->ops->bcast(c, d, n, t, root));
  d2h(h, d, sizeof(double) * (size_t)n);
  int bad = 0;
  for (int64_t k = 0; k < n; k++) bad += h[k] != f(root, k);
  T_CHECK(!bad, "bcast from %d: %d wrong elements", root, bad);
  for (int in_place = 0; in_place < 2; in_place++) {
    for (int64_t k = 0; k < n; k++) h[k] = f(R, k);
    h2d(in_place ? d2 : d, h, sizeof(double) * (size_t)n);
    T_CALL(c->ops->reduce(c, in_place ? DLOPS_IN_PLACE : d, d2, n, t, DLOPS_OP_SUM, 0));
    if (R == 0) {
      d2h(h, d2, sizeof(double) * (size_t)n);
      bad = 0;
      for (int64_t k = 0; k < n; k++) {
        double want = 0;
        for (int r = 0; r < P; r++) want += f(r, k);
        bad += h[k] != want;
      }
      T_CHECK(!bad, "reduce to 0 (in_place %d): %d wrong elements", in_place, bad);
    }
  }
  cudaFree(d);
  cudaFree(d2);
  free(h);
}

static void test_allgatherv(dlops_comm *c) {
  int64_t *cnt = malloc(sizeof(int64_t) * 2 * (size_t)P), *dsp = cnt + P, total = 0;
  for (int r = 0; r < P; r++) {
    cnt[r] = (r * 2) % 3 * 5; /* 0, 10, 5, 0, ... : zero blocks included */
    dsp[r] = total;
    total += cnt[r];
  }
  double *h = malloc(sizeof(double) * (size_t)(total + cnt[R] + 1));
  double *dsend = dev_alloc(sizeof(double) * (size_t)cnt[R]), *drecv = dev_alloc(sizeof(double) * (size_t)total);
  for (int64_t k = 0; k < cnt[R]; k++) h[k] = f(R, k);
  h2d(dsend, h, sizeof(double) * (size_t)cnt[R]);
  T_CALL(c->ops->allgatherv(c, dsend, cnt[R], drecv, cnt, dsp, DLOPS_CT_F64));
  d2h(h, drecv, sizeof(double) * (size_t)total);
  int bad = 0;
  for (int r = 0; r < P; r++)
    for (int64_t k = 0; k < cnt[r]; k++) bad += h[dsp[r] + k] != f(r, k);
  T_CHECK(!bad, "allgatherv: %d wrong elements", bad);
  cudaFree(dsend);
  cudaFree(drecv);
  free(h);
  free(cnt);
}

static void test_alltoallv(dlops_comm *c) {
  int64_t *a = malloc(sizeof(int64_t) * 4 * (size_t)P), *sc = a, *sd = a + P, *rc = a + 2 * P, *rd = a + 3 * P;
  int64_t stot = 0, rtot = 0;
  for (int p = 0; p < P; p++) {
    sc[p] = (R + 2 * p) % 3 * 3; /* what this rank sends to p; zero for some pairs */
    rc[p] = (p + 2 * R) % 3 * 3; /* what p sends to this rank */
    sd[p] = stot;
    rd[p] = rtot;
    stot += sc[p];
    rtot += rc[p];
  }
  double *hs = malloc(sizeof(double) * (size_t)(stot + 1)), *hr = malloc(sizeof(double) * (size_t)(rtot + 1));
  for (int p = 0; p < P; p++)
    for (int64_t k = 0; k < sc[p]; k++) hs[sd[p] + k] = 100.0 * R + 10.0 * p + (double)k;
  double *ds = dev_alloc(sizeof(double) * (size_t)stot), *dr = dev_alloc(sizeof(double) * (size_t)rtot);
  h2d(ds, hs, sizeof(double) * (size_t)stot);
  T_CALL(c->ops->alltoallv(c, ds, sc, sd, dr, rc, rd, DLOPS_CT_F64));
  d2h(hr, dr, sizeof(double) * (size_t)rtot);
  int bad = 0;
  for (int p = 0; p < P; p++)
    for (int64_t k = 0; k < rc[p]; k++) bad += hr[rd[p] + k] != 100.0 * p + 10.0 * R + (double)k;
  T_CHECK(!bad, "alltoallv: %d wrong elements", bad);
  cudaFree(ds);
  cudaFree(dr);
  free(hs);
  free(hr);
  free(a);
}

static void test_neighbor(dlops_comm *c) {
  const int64_t n = 5;
  int right = (R + 1) % P, left = (R + P - 1) % P;
  double hs[5], hr[5];
  for (int64_t k = 0; k < n; k++) hs[k] = f(R, k);
  double *ds = dev_alloc(sizeof hs), *dr = dev_alloc(sizeof hr);
  h2d(ds, hs, sizeof hs);
  dlops_nbr_msg m[2];
  int nm;
  if (P <= 2) { /* one peer (self when P == 1) both ways */
    m[0] = (dlops_nbr_msg){right, ds, n, dr, n};
    nm = 1;
  } else { /* ring: send right, receive from left */
    m[0] = (dlops_nbr_msg){right, ds, n, NULL, 0};
    m[1] = (dlops_nbr_msg){left, NULL, 0, dr, n};
    nm = 2;
  }
  T_CALL(c->ops->neighbor(c, nm, m, DLOPS_CT_F64));
  d2h(hr, dr, sizeof hr);
  int bad = 0;
  for (int64_t k = 0; k < n; k++) bad += hr[k] != f(left, k);
  T_CHECK(!bad, "neighbor ring: %d wrong elements", bad);
  cudaFree(ds);
  cudaFree(dr);
}

/* Three non-blocking operations in flight at once, completed in reverse order. */
static void test_nonblocking(dlops_comm *c) {
  const int64_t n = 301;
  size_t bytes = sizeof(double) * (size_t)n;
  double *h = malloc(bytes);
  double *da = dev_alloc(bytes), *db = dev_alloc(bytes), *dc = dev_alloc(bytes), *dd = dev_alloc(bytes);
  for (int64_t k = 0; k < n; k++) h[k] = f(R, k);
  h2d(da, h, bytes);
  h2d(dc, h, bytes);
  for (int64_t k = 0; k < n; k++) h[k] = R == 0 ? f(0, k) + 1000.0 : -1.0;
  h2d(db, h, bytes);
  dlops_request q[3];
  memset(q, 0, sizeof q);
  T_CALL(c->ops->iallreduce(c, DLOPS_IN_PLACE, da, n, DLOPS_CT_F64, DLOPS_OP_SUM, &q[0]));
  T_CALL(c->ops->ibcast(c, db, n, DLOPS_CT_F64, 0, &q[1]));
  T_CALL(c->ops->ireduce(c, dc, dd, n, DLOPS_CT_F64, DLOPS_OP_MAX, P - 1, &q[2]));
  for (int i = 2; i >= 0; i--) T_CALL(c->ops->wait(c, &q[i]));
  int bad = 0;
  d2h(h, da, bytes);
  for (int64_t k = 0; k < n; k++) {
    double want = 0;
    for (int r = 0; r < P; r++) want += f(r, k);
    bad += h[k] != want;
  }
  T_CHECK(!bad, "iallreduce: %d wrong elements", bad);
  d2h(h, db, bytes);
  bad = 0;
  for (int64_t k = 0; k < n; k++) bad += h[k] != f(0, k) + 1000.0;
  T_CHECK(!bad, "ibcast: %d wrong elements", bad);
  if (R == P - 1) {
    d2h(h, dd, bytes);
    bad = 0;
    for (int64_t k = 0; k < n; k++) {
      double want = f(0, k);
      for (int r = 1; r < P; r++) want = f(r, k) > want ? f(r, k) : want;
      bad += h[k] != want;
    }
    T_CHECK(!bad, "ireduce max: %d wrong elements", bad);
  }
  cudaFree(da);
  cudaFree(db);
  cudaFree(dc);
  cudaFree(dd);
  free(h);
}

static void test_all(dlops_comm *c) {
  P = c->size;
  R = c->rank;
  const dlops_ctype types[] = {DLOPS_CT_F32, DLOPS_CT_F64, DLOPS_CT_I32, DLOPS_CT_I64, DLOPS_CT_BYTE};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    for (int op = 0; op < 3; op++) test_allreduce(c, types[i], (dlops_redop)op, 0);
  test_allreduce(c, DLOPS_CT_F64, DLOPS_OP_SUM, 1);
  test_bcast_reduce(c);
  test_allgatherv(c);
  test_alltoallv(c);
  test_neighbor(c);
  test_nonblocking(c);
}

/* A child communicator the way dlops_comm_split builds one (MPI split, then split_init). */
static void test_split(dlops_comm *w) {
  int color = w->rank % 2;
  MPI_Comm nc = MPI_COMM_NULL;
  T_CHECK(MPI_Comm_split(w->mpi, color, w->rank, &nc) == MPI_SUCCESS, "MPI_Comm_split");
  dlops_comm *s = calloc(1, sizeof *s);
  s->ops = w->ops;
  s->ctx = w->ctx;
  s->mpi = nc;
  MPI_Comm_rank(nc, &s->rank);
  MPI_Comm_size(nc, &s->size);
  s->counters = w->counters;
  s->max_chunk = w->max_chunk;
  int err = w->ops->split_init(w, s);
  T_CHECK(err == DLOPS_SUCCESS, "split_init: %s", dlops_last_error());
  if (!err) {
    test_all(s);
    /* The sum of world ranks over the colour group. */
    double *d = dev_alloc(sizeof(double)), h = (double)w->rank, want = 0;
    h2d(d, &h, sizeof h);
    T_CALL(s->ops->allreduce(s, DLOPS_IN_PLACE, d, 1, DLOPS_CT_F64, DLOPS_OP_SUM));
    d2h(&h, d, sizeof h);
    for (int r = color; r < w->size; r += 2) want += r;
    T_CHECK(h == want, "split colour %d: sum of ranks %g, want %g", color, h, want);
    cudaFree(d);
  }
  if (s->ops->finalize) s->ops->finalize(s);
  MPI_Comm_free(&nc);
  free(s);
}
#endif

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
#ifndef DLOPS_TEST_CUDA
  dlops_test_skip(ctx, "dlops built without CUDA/NCCL");
#else
  const char *name = NULL;
  T_CALL(dlops_ctx_get_backend(ctx, &name));
  if (!name || strcmp(name, "nccl") != 0) dlops_test_skip(ctx, "this test runs with DLOPS_SPEC=comm=nccl only");
  dlops_comm *w = ctx->world;
  T_CHECK(w && w->ops && !strcmp(w->ops->name, "nccl"), "world communicator is not the NCCL backend");
  test_all(w);
  test_split(w);
  /* Chunked paths: at most 7 elements per NCCL call. */
  int64_t saved = w->max_chunk;
  w->max_chunk = 7;
  test_all(w);
  test_split(w);
  w->max_chunk = saved;
#endif
  return dlops_test_finish(ctx);
}
