/* Multi-dimensional convolution (dlops_op_create_mdc, labels ops, dottest) at NP 1-4:
 *   - analytic cases: a prescaled kernel G(f, s, r) = delta(s, r) exp(-2 pi i f k0 / nt) on all
 *     nfft frequencies delays every trace circularly by k0 samples (one-sided); two-sided, the
 *     model is ifftshifted first, so the delay is k0 - nt/2; checked against the shifted model
 *     sample by sample, c128 and c64;
 *   - the frequencies split unevenly over the ranks (one rank may hold none), and nfmax below
 *     nfft (the upper frequencies are dropped: a low-pass, checked through the dot test);
 *   - the element types (real model and data, complex kernel), dims, dot tests in c64 and c128
 *     with conj and saveGt, BROADCAST and UNSAFE_BROADCAST;
 *   - the bytes of one forward and one adjoint: the Fredholm1's allgatherv only, rank r
 *     contributing nf_r*ns*nv (forward) or nf_r*nr*nv (adjoint) complex elements;
 *   - bad input the same on every rank (a real dtype, even nt two-sided, too many frequencies,
 *     one rank passing another nv).
 * PyLops' MDC itself is compared in ops.mdc_pylops (mdc_parity.py). */
#include "ops_test_util.h"

static int rank_, size_;

/* this rank's share of nf slices: an uneven split, rank 0 getting none when there are enough
 * ranks (so that an empty rank is exercised) */
static void fsplit(int64_t nf, int64_t *n, int64_t *f0) {
  int64_t lo = 0;
  for (int r = 0; r <= rank_; r++) {
    int64_t c = (size_ > 2 && r == 0) ? 0 : (nf + (size_ > 2 ? size_ - 1 : size_) - 1) / (size_ > 2 ? size_ - 1 : size_);
    if (lo + c > nf) c = nf - lo;
    if (r == rank_) {
      *n = c;
      *f0 = lo;
    }
    lo += c;
  }
  if (rank_ == size_ - 1) *n = nf - *f0; /* the last rank takes the rest */
}

/* kernel of delays: G(f, s, r) = delta(s, r) exp(-2 pi i f k0 / nt), this rank's slices */
static void *delay_kernel(int64_t f0, int64_t nfl, int64_t n, int64_t nt, int k0, dlops_dtype t) {
  void *G = calloc((size_t)(nfl * n * n + 1), dlops_dtype_size(t));
  for (int64_t f = 0; f < nfl; f++)
    for (int64_t s = 0; s < n; s++)
      zset(G, t, (f * n + s) * n + s, cexp(-2.0 * 3.14159265358979323846 * I * (double)((f0 + f) * k0) / (double)nt));
  return G;
}

static void test_delay(dlops_ctx ctx, dlops_dtype t, int twosided) {
  const int64_t nt = 9, n = 3, nv = 2, nfft = (nt + 2) / 2;
  const int k0 = 2;
  int64_t nfl = 0, f0 = 0;
  fsplit(nfft, &nfl, &f0);
  void *G = delay_kernel(f0, nfl, n, nt, k0, t);
  dlops_op A = NULL;
  T_CALL(dlops_op_create_mdc(ctx, nfl, n, n, G, nt, nv, 1.0, 1.0, twosided, 1, 0, 1, DLOPS_BROADCAST, t, &A));
  free(G);
  if (!A) return;
  const dlops_dtype tr = t == DLOPS_C64 ? DLOPS_F32 : DLOPS_F64;
  dlops_dtype td = DLOPS_C128, tg = DLOPS_C128;
  T_CALL(dlops_op_get_dtypes(A, &td, &tg));
  T_CHECK(td == tr && tg == tr, "mdc types %d -> %d, want %d", td, tg, tr);
  int nd = 0;
  int64_t dims[DLOPS_MAX_NDIM], dimsd[DLOPS_MAX_NDIM];
  T_CALL(dlops_op_get_dims(A, &nd, dims));
  T_CHECK(nd == 3 && dims[0] == nt && dims[1] == n && dims[2] == nv, "mdc dims");
  T_CALL(dlops_op_get_dimsd(A, &nd, dimsd));
  T_CHECK(nd == 3 && dimsd[0] == nt && dimsd[1] == n && dimsd[2] == nv, "mdc dimsd");
  dlops_darray x = NULL, y = NULL;
  T_CALL(dlops_op_create_vecs(A, &x, &y));
  const int64_t nx = nt * n * nv;
  double *xg = malloc(sizeof(double) * (size_t)nx), *yg = malloc(sizeof(double) * (size_t)nx);
  float *xf = malloc(sizeof(float) * (size_t)nx), *yf = malloc(sizeof(float) * (size_t)nx);
  for (int64_t i = 0; i < nx; i++) xg[i] = sin(0.7 * (double)i) + 0.1 * (double)(i % 5), xf[i] = (float)xg[i];
  T_CALL(dlops_darray_scatter(x, tr == DLOPS_F32 ? (void *)xf : (void *)xg, -1));
  T_CALL(dlops_op_apply(A, x, y));
  T_CALL(dlops_darray_gather(y, tr == DLOPS_F32 ? (void *)yf : (void *)yg, -1));
  /* y(t) = x(t - k), k = k0 (one-sided) or k0 - nt/2 (the model's ifftshift advances it by nt/2) */
  const int64_t k = twosided ? k0 - nt / 2 : k0;
  double e = 0;
  for (int64_t it = 0; it < nt; it++)
    for (int64_t j = 0; j < n * nv; j++) {
      const int64_t src = ((it - k) % nt + nt) % nt;
      const double got = tr == DLOPS_F32 ? yf[it * n * nv + j] : yg[it * n * nv + j];
      e = fmax(e, fabs(got - xg[src * n * nv + j]));
    }
  T_CHECK(e < (tr == DLOPS_F32 ? 1e-5 : 1e-13), "mdc delay (%s, twosided %d): max error %g", dlops_dtype_name(t),
          twosided, e);
  T_DOTTEST(A, t, "mdc delay");
  free(xg);
  free(yg);
  free(xf);
  free(yf);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&A);
}

static void test_random(dlops_ctx ctx, dlops_dtype t, int conj, int saveGt, dlops_partition part) {
  const int64_t nt = 11, ns = 3, nr = 4, nv = 2, nfmax = 4; /* nfft = 6: the top two dropped */
  int64_t nfl = 0, f0 = 0;
  fsplit(nfmax, &nfl, &f0);
  void *all = rand_buf(nfmax * ns * nr, t, 77, NULL);
  const void *G = (const char *)all + (size_t)(f0 * ns * nr) * dlops_dtype_size(t);
  dlops_op A = NULL;
  T_CALL(dlops_op_create_mdc(ctx, nfl, ns, nr, nfl ? G : NULL, nt, nv, 0.004, 10.0, 1, saveGt, conj, 0, part, t, &A));
  free(all);
  if (!A) return;
  T_DOTTEST(A, t, "mdc random");
  /* bytes of one forward and one adjoint: the allgatherv only */
  dlops_darray x = NULL, y = NULL;
  T_CALL(dlops_op_create_vecs(A, &x, &y));
  T_CALL(dlops_darray_fill_random(x, 3, -1.0, 1.0));
  T_CALL(dlops_darray_fill_random(y, 4, -1.0, 1.0));
  const int64_t es = (int64_t)dlops_dtype_size(t);
  for (int adj = 0; adj <= 1; adj++) {
    T_CALL(dlops_ctx_reset_counters(ctx));
    T_CALL(adj ? dlops_op_apply_adjoint(A, y, x) : dlops_op_apply(A, x, y));
    dlops_comm_counter g;
    T_CALL(dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLGATHER, &g));
    const int64_t want = size_ > 1 ? nfl * (adj ? nr : ns) * nv * es : 0;
    T_CHECK(g.bytes == want, "mdc %s: allgather bytes %lld, want %lld", adj ? "adjoint" : "forward",
            (long long)g.bytes, (long long)want);
    long other = 0;
    for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
      dlops_comm_counter c;
      T_CALL(dlops_ctx_get_counter(ctx, (dlops_comm_kind)k, &c));
      if (k != DLOPS_COMM_ALLGATHER && k != DLOPS_COMM_META) other += (long)c.bytes;
    }
    T_CHECK(other == 0, "mdc applies moved %ld bytes outside the allgatherv", other);
  }
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&A);
}

static void test_bad(dlops_ctx ctx) {
  double complex G[2 * 2 * 2] = {1, 2, 3, 4, 5, 6, 7, 8};
  dlops_op A = NULL;
  const int64_t nfl = rank_ == 0 ? 2 : 0;
  const void *g = nfl ? G : NULL;
  T_EXPECT_ERR(dlops_op_create_mdc(ctx, nfl, 2, 2, g, 9, 1, 1, 1, 1, 1, 0, 0, DLOPS_BROADCAST, DLOPS_F64, &A),
               DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_mdc(ctx, nfl, 2, 2, g, 8, 1, 1, 1, 1, 1, 0, 0, DLOPS_BROADCAST, DLOPS_C128, &A),
               DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_mdc(ctx, nfl, 2, 2, g, 9, 1, 1, 1, 1, 1, 0, 0, DLOPS_SCATTER, DLOPS_C128, &A),
               DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_mdc(ctx, nfl, 2, 2, g, 9, 1, NAN, 1, 1, 1, 0, 0, DLOPS_BROADCAST, DLOPS_C128, &A),
               DLOPS_ERR_ARG);
  /* 2 frequencies, but nt = 1 has nfft = 1 */
  T_EXPECT_ERR(dlops_op_create_mdc(ctx, nfl, 2, 2, g, 1, 1, 1, 1, 1, 1, 0, 0, DLOPS_BROADCAST, DLOPS_C128, &A),
               DLOPS_ERR_SIZE);
  T_EXPECT_ERR(dlops_op_create_mdc(ctx, 0, 2, 2, NULL, 9, 1, 1, 1, 1, 1, 0, 0, DLOPS_BROADCAST, DLOPS_C128, &A),
               DLOPS_ERR_SIZE);
  T_EXPECT_ERR(dlops_op_create_mdc(ctx, 2, 2, 2, NULL, 9, 1, 1, 1, 1, 1, 0, 0, DLOPS_BROADCAST, DLOPS_C128, &A),
               DLOPS_ERR_ARG);
  if (size_ > 1)
    T_EXPECT_ERR(dlops_op_create_mdc(ctx, nfl, 2, 2, g, 9, rank_ == size_ - 1 ? 2 : 1, 1, 1, 1, 1, 0, 0,
                                     DLOPS_BROADCAST, DLOPS_C128, &A),
                 DLOPS_ERR_ARG);
  T_CHECK(A == NULL, "a refused creation wrote its output");
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  for (int ts = 0; ts <= 1; ts++) {
    test_delay(ctx, DLOPS_C128, ts);
    test_delay(ctx, DLOPS_C64, ts);
  }
  test_random(ctx, DLOPS_C128, 0, 1, DLOPS_BROADCAST);
  test_random(ctx, DLOPS_C128, 1, 0, DLOPS_UNSAFE_BROADCAST);
  test_random(ctx, DLOPS_C64, 0, 0, DLOPS_BROADCAST);
  test_bad(ctx);
  return dlops_test_finish(ctx);
}
