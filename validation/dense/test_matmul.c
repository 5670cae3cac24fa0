/* Matmul operators (1D block, 2D SUMMA and one-sided 2D SUMMA) against a serial product of the
 * same global matrices: every rank checks its own tiles of Y = A X and X = A^H Y, on grids of
 * every shape that fits, with sizes not divisible by the grid, empty dimensions, all dtypes; dot
 * tests; the communicated volume per apply against the formula of each algorithm; and the
 * one-sided SUMMA's results bit for bit against the two-sided SUMMA's, forward and adjoint. */
#include "dlops_test.h"

static double val(unsigned long long seed, int64_t i, int64_t j, int64_t ld, int im) {
  return dlops_test_rand(seed, (unsigned long long)(2 * (i * ld + j) + im));
}

/* element (i, j) of a global matrix into position p of a typed buffer */
static void put(void *buf, dlops_dtype t, int64_t p, unsigned long long seed, int64_t i, int64_t j, int64_t ld) {
  double re = val(seed, i, j, ld, 0), im = val(seed, i, j, ld, 1);
  switch (t) {
    case DLOPS_F32: ((float *)buf)[p] = (float)re; break;
    case DLOPS_F64: ((double *)buf)[p] = re; break;
    case DLOPS_C64: ((float *)buf)[2 * p] = (float)re; ((float *)buf)[2 * p + 1] = (float)im; break;
    default: ((double *)buf)[2 * p] = re; ((double *)buf)[2 * p + 1] = im; break;
  }
}
static double complex get(const void *buf, dlops_dtype t, int64_t p) {
  switch (t) {
    case DLOPS_F32: return ((const float *)buf)[p];
    case DLOPS_F64: return ((const double *)buf)[p];
    case DLOPS_C64: return ((const float *)buf)[2 * p] + I * ((const float *)buf)[2 * p + 1];
    default: return ((const double *)buf)[2 * p] + I * ((const double *)buf)[2 * p + 1];
  }
}
static double complex gval(dlops_dtype t, unsigned long long seed, int64_t i, int64_t j, int64_t ld) {
  double re = val(seed, i, j, ld, 0), im = val(seed, i, j, ld, 1);
  if (t == DLOPS_F32) return (float)re;
  if (t == DLOPS_F64) return re;
  if (t == DLOPS_C64) return (float)re + I * (float)im;
  return re + I * im;
}

#define KNAME(k) ((k) == DLOPS_MATMUL_BLOCK ? "block" : (k) == DLOPS_MATMUL_SUMMA ? "summa" : "summa_rma")

/* the local part of S applied (adjoint when adj) to the input's local part equals out's, bit for bit */
static void same_as(dlops_op S, int adj, dlops_darray in, dlops_darray out, const char *what) {
  if (!S) return;
  dlops_darray ref = NULL;
  T_REQUIRE(dlops_darray_duplicate(out, &ref));
  T_CALL(adj ? dlops_op_apply_adjoint(S, in, ref) : dlops_op_apply(S, in, ref));
  void *p = NULL, *q = NULL;
  int64_t n = 0;
  dlops_dtype t;
  T_CALL(dlops_darray_get_local_size(out, &n));
  T_CALL(dlops_darray_get_dtype(out, &t));
  T_REQUIRE(dlops_darray_get_local(out, DLOPS_MEM_HOST, &p));
  T_REQUIRE(dlops_darray_get_local(ref, DLOPS_MEM_HOST, &q));
  T_CHECK(n == 0 || !memcmp(p, q, (size_t)n * dlops_dtype_size(t)), "summa_rma %s differs from summa", what);
  T_CALL(dlops_darray_restore_local(out, &p));
  T_CALL(dlops_darray_restore_local(ref, &q));
  dlops_darray_destroy(&ref);
}

static void run(dlops_ctx ctx, dlops_matmul_kind kind, int pr, int pc, int64_t N, int64_t K, int64_t M, dlops_dtype t,
                int64_t nb) {
  int P, rank;
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &rank);
  if (pr * pc > P) return;
  const unsigned long long sa = 11, sx = 23, sy = 37;
  int active = rank < pr * pc, i = active ? rank / pc : -1, j = active ? rank % pc : -1;
  /* this rank's A tile */
  int64_t a0 = 0, an = 0, k0 = 0, ak = 0;
  if (active) {
    if (kind == DLOPS_MATMUL_BLOCK) {
      dlops_ceil_block(N, pc, j, &a0, &an);
      ak = K;
    } else { /* both SUMMA kinds */
      dlops_ceil_block(N, pr, i, &a0, &an);
      dlops_ceil_block(K, pc, j, &k0, &ak);
    }
  }
  size_t es = dlops_dtype_size(t);
  void *atile = malloc((size_t)(an * ak + 1) * es);
  for (int64_t r = 0; r < an; r++)
    for (int64_t c = 0; c < ak; c++) put(atile, t, r * ak + c, sa, a0 + r, k0 + c, K);
  dlops_op A = NULL, S = NULL;
  int err = dlops_op_create_matmul(ctx, kind, pr, pc, N, K, M, atile, nb, t, &A);
  /* the two-sided SUMMA on the same tiles, to compare the one-sided one with */
  if (!err && kind == DLOPS_MATMUL_SUMMA_RMA)
    T_CALL(dlops_op_create_matmul(ctx, DLOPS_MATMUL_SUMMA, pr, pc, N, K, M, atile, nb, t, &S));
  free(atile);
  /* DLOPS_TEST_RMA_MAY_REFUSE=1 (the dense.matmul_nonshared test): windows from MPI_Win_allocate
   * may be refused where Open MPI 4's osc/rdma would serve them (ompi#9492); a refusal must be
   * DLOPS_ERR_UNSUPPORTED naming the bug, on every rank (each rank checks its own code) */
  if (err && kind == DLOPS_MATMUL_SUMMA_RMA && getenv("DLOPS_TEST_RMA_MAY_REFUSE")) {
    T_CHECK(err == DLOPS_ERR_UNSUPPORTED && strstr(dlops_last_error(), "ompi#9492"),
            "summa_rma refused with code %d: %s", err, dlops_last_error());
    return;
  }
  T_CHECK(err == 0, "create %s %dx%d N=%lld K=%lld M=%lld %s: %s", KNAME(kind), pr, pc, (long long)N,
          (long long)K, (long long)M, dlops_dtype_name(t), dlops_last_error());
  if (err) return;
  int64_t xs[2], ys[2];
  int gi, gj;
  T_CALL(dlops_op_matmul_get_layout(A, NULL, NULL, &gi, &gj, NULL, xs, ys));
  T_CHECK(gi == i && gj == j, "grid position (%d,%d) expected (%d,%d)", gi, gj, i, j);
  /* tile origins of X and Y in the global matrices */
  int64_t xr0 = 0, xc0 = 0, yr0 = 0, yc0 = 0, tmp;
  if (active) {
    if (kind == DLOPS_MATMUL_BLOCK) {
      dlops_ceil_block(M, pr, i, &xc0, &tmp);
      yc0 = xc0;
    } else {
      xr0 = k0;
      dlops_ceil_block(M, pr, i, &xc0, &tmp);
      yr0 = a0;
      dlops_ceil_block(M, pc, j, &yc0, &tmp);
    }
  }
  dlops_darray x, y;
  T_REQUIRE(dlops_op_create_vecs(A, &x, &y));
  void *p;
  T_REQUIRE(dlops_darray_get_local(x, DLOPS_MEM_HOST, &p));
  for (int64_t r = 0; r < xs[0]; r++)
    for (int64_t c = 0; c < xs[1]; c++) put(p, t, r * xs[1] + c, sx, xr0 + r, xc0 + c, M);
  T_CALL(dlops_darray_restore_local(x, &p));
  T_CALL(dlops_ctx_reset_counters(ctx));
  T_CALL(dlops_op_apply(A, x, y));
  dlops_comm_counter cb, cr, cg, ca;
  dlops_ctx_get_counter(ctx, DLOPS_COMM_BCAST, &cb);
  dlops_ctx_get_counter(ctx, DLOPS_COMM_REDUCE, &cr);
  dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLGATHER, &cg);
  dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLREDUCE, &ca);
  double tol = dlops_test_tol(t) * 10 * (K + 1);
  /* forward check: Y tile vs serial */
  double maxerr = 0;
  T_REQUIRE(dlops_darray_get_local(y, DLOPS_MEM_HOST, &p));
  for (int64_t r = 0; r < ys[0]; r++)
    for (int64_t c = 0; c < ys[1]; c++) {
      double complex s = 0;
      for (int64_t q = 0; q < K; q++) s += gval(t, sa, yr0 + r, q, K) * gval(t, sx, q, yc0 + c, M);
      double e = cabs(get(p, t, r * ys[1] + c) - s);
      if (e > maxerr) maxerr = e;
    }
  T_CALL(dlops_darray_restore_local(y, &p));
  T_CHECK(maxerr <= tol, "%s %dx%d N=%lld K=%lld M=%lld %s forward: max error %g", KNAME(kind), pr, pc,
          (long long)N, (long long)K, (long long)M, dlops_dtype_name(t), maxerr);
  /* volume per rank (elements): block fwd = own allgather block (an*m_i, if pc>1); summa fwd =
   * X tile broadcast by its owner (if pr > 1) + n_i*M reduced */
  int64_t el = (int64_t)es;
  same_as(S, 0, x, y, "forward");
  if (active && kind == DLOPS_MATMUL_SUMMA_RMA) {
    /* one-sided: the fetching rank counts what it gets: its column's other X tiles */
    int64_t expect_b = xs[0] * (M - xs[1]) * el;
    T_CHECK(cb.bytes == expect_b, "summa_rma fwd get bytes %lld expected %lld", (long long)cb.bytes,
            (long long)expect_b);
    T_CHECK(cr.bytes == an * M * el, "summa_rma fwd reduce bytes %lld expected %lld", (long long)cr.bytes,
            (long long)(an * M * el));
    T_CHECK(cg.bytes == 0 && ca.bytes == 0, "summa_rma fwd moved other data");
  } else if (active && kind == DLOPS_MATMUL_SUMMA) {
    int64_t expect_b = pr > 1 ? xs[0] * xs[1] * el : 0;
    T_CHECK(cb.bytes == expect_b, "summa fwd bcast bytes %lld expected %lld", (long long)cb.bytes, (long long)expect_b);
    T_CHECK(cr.bytes == an * M * el, "summa fwd reduce bytes %lld expected %lld", (long long)cr.bytes,
            (long long)(an * M * el));
    T_CHECK(cg.bytes == 0 && ca.bytes == 0, "summa fwd moved other data");
  } else if (active) {
    int64_t expect = pc > 1 ? an * xs[1] * el : 0;
    T_CHECK(cg.bytes == expect, "block fwd allgather bytes %lld expected %lld", (long long)cg.bytes, (long long)expect);
    T_CHECK(cb.bytes == 0 && cr.bytes == 0 && ca.bytes == 0, "block fwd moved other data");
  }
  /* adjoint: fill y with a new matrix and check x = A^H y */
  T_REQUIRE(dlops_darray_get_local(y, DLOPS_MEM_HOST, &p));
  for (int64_t r = 0; r < ys[0]; r++)
    for (int64_t c = 0; c < ys[1]; c++) put(p, t, r * ys[1] + c, sy, yr0 + r, yc0 + c, M);
  T_CALL(dlops_darray_restore_local(y, &p));
  T_CALL(dlops_op_apply_adjoint(A, y, x));
  same_as(S, 1, y, x, "adjoint");
  maxerr = 0;
  T_REQUIRE(dlops_darray_get_local(x, DLOPS_MEM_HOST, &p));
  for (int64_t r = 0; r < xs[0]; r++)
    for (int64_t c = 0; c < xs[1]; c++) {
      double complex s = 0;
      for (int64_t q = 0; q < N; q++) s += conj(gval(t, sa, q, xr0 + r, K)) * gval(t, sy, q, xc0 + c, M);
      double e = cabs(get(p, t, r * xs[1] + c) - s);
      if (e > maxerr) maxerr = e;
    }
  T_CALL(dlops_darray_restore_local(x, &p));
  tol = dlops_test_tol(t) * 10 * (N + 1);
  T_CHECK(maxerr <= tol, "%s %dx%d N=%lld K=%lld M=%lld %s adjoint: max error %g", KNAME(kind), pr, pc,
          (long long)N, (long long)K, (long long)M, dlops_dtype_name(t), maxerr);
  int passed = 0;
  double rel = 0;
  T_CALL(dlops_op_dottest(A, (t == DLOPS_F32 || t == DLOPS_C64) ? 1e-4 : 1e-12, 5, &passed, &rel));
  T_CHECK(passed, "dot test failed (rel %g)", rel);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&A);
  dlops_op_destroy(&S);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  const int grids[][2] = {{1, 1}, {1, 2}, {2, 1}, {2, 2}, {1, 3}, {3, 1}, {1, 4}, {4, 1}};
  const int64_t sizes[][3] = {{7, 5, 3}, {5, 9, 4}, {1, 1, 1}, {0, 3, 2}, {4, 0, 3}, {3, 4, 0}, {13, 6, 11}};
  for (int kind = 0; kind < 3; kind++)
    for (size_t g = 0; g < sizeof grids / sizeof grids[0]; g++)
      for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int t = 0; t < DLOPS_NUM_DTYPES; t++)
          run(ctx, (dlops_matmul_kind)kind, grids[g][0], grids[g][1], sizes[s][0], sizes[s][1], sizes[s][2],
              (dlops_dtype)t, s == 6 ? 2 : 0);
  /* mismatched sizes across ranks -> error on every rank */
  int rank;
  dlops_ctx_get_rank(ctx, &rank);
  dlops_op A = NULL;
  double dummy[64] = {0};
  int P;
  dlops_ctx_get_size(ctx, &P);
  if (P > 1)
    T_EXPECT_ERR(dlops_op_create_matmul(ctx, DLOPS_MATMUL_SUMMA, 1, 1, rank == 0 ? 4 : 5, 2, 2, dummy, 0, DLOPS_F64, &A),
                 DLOPS_ERR_SIZE);
  T_EXPECT_ERR(dlops_op_create_matmul(ctx, DLOPS_MATMUL_SUMMA, 8, 8, 4, 4, 4, dummy, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_CHECK(A == NULL, "operator handle set on failure");
  return dlops_test_finish(ctx);
}
