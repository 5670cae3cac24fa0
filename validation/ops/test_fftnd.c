/* The distributed N-D FFT (dlops_op_create_mpi_fftnd, labels ops, dottest) at NP 1-4:
 *   - forward against a serial reference: PyLops' one-dimensional line transform (a naive DFT,
 *     ops_test_util.h) along every axis of axes, the last first (the real one when real = 1),
 *     on the gathered global array; the adjoint through the dot test;
 *   - axes containing 0 (the all-to-all exchange of axes 0 and 1) and not, 2-D and 3-D, real and
 *     complex transforms, every norm, shift masks, every dtype; dimsd;
 *   - the bytes of one forward along axis 0 and along axis 1 only (none);
 *   - bad input the same on every rank. */
#include "ops_test_util.h"

static int rank_, size_;

/* the transform of the global array z (shape cur, ndim) along axis a, in place of z; cur[a]
 * becomes nf */
static zval *ref_axis(zval *z, int ndim, int64_t *cur, int a, int real, int sin, int sout, int norm) {
  int64_t outer = 1, inner = 1;
  for (int k = 0; k < a; k++) outer *= cur[k];
  for (int k = a + 1; k < ndim; k++) inner *= cur[k];
  line_t L = {cur[a], cur[a], real ? cur[a] / 2 + 1 : cur[a], real, sin, sout, norm};
  zval *out = calloc((size_t)(outer * L.nf * inner), sizeof(zval));
  zval *x = calloc((size_t)L.n, sizeof(zval)), *y = calloc((size_t)L.nf, sizeof(zval));
  for (int64_t o = 0; o < outer; o++)
    for (int64_t i = 0; i < inner; i++) {
      for (int64_t k = 0; k < L.n; k++) x[k] = z[(o * L.n + k) * inner + i];
      ref_line(&L, x, y);
      for (int64_t j = 0; j < L.nf; j++) out[(o * L.nf + j) * inner + i] = y[j];
    }
  free(x);
  free(y);
  free(z);
  cur[a] = L.nf;
  return out;
}

static void one_case(dlops_ctx ctx, int ndim, const int64_t *dims, int naxes, const int *axes, int norm, int real,
                     int sb, int sa, dlops_dtype t) {
  char label[160];
  snprintf(label, sizeof label, "mpi_fftnd ndim=%d naxes=%d axes[0]=%d norm=%d real=%d shifts=%d/%d %s", ndim, naxes,
           axes[0], norm, real, sb, sa, dlops_dtype_name(t));
  dlops_op A = NULL;
  int err = dlops_op_create_mpi_fftnd(ctx, ndim, dims, naxes, axes, (dlops_fft_norm)norm, real, sb, sa, t, &A);
  T_CHECK(err == DLOPS_SUCCESS, "%s: create returned %d: %s", label, err, dlops_last_error());
  if (err) return;
  const int single = t == DLOPS_F32 || t == DLOPS_C64;
  const dlops_dtype tc = single ? DLOPS_C64 : DLOPS_C128;
  const dlops_dtype td = (real || !is_cplx(t)) ? (single ? DLOPS_F32 : DLOPS_F64) : tc;
  int64_t cur[DLOPS_MAX_NDIM], n = 1;
  memcpy(cur, dims, sizeof(int64_t) * (size_t)ndim);
  for (int k = 0; k < ndim; k++) n *= dims[k];
  zval *z = calloc((size_t)n, sizeof(zval));
  void *xb = rand_buf(n, td, 31, z);
  for (int k = naxes - 1; k >= 0; k--) {
    const int a = axes[k] < 0 ? axes[k] + ndim : axes[k];
    z = ref_axis(z, ndim, cur, a, real && k == naxes - 1, (sb >> k) & 1, (sa >> k) & 1, norm);
  }
  int64_t m = 1;
  for (int k = 0; k < ndim; k++) m *= cur[k];
  int nd = 0;
  int64_t dd[DLOPS_MAX_NDIM];
  T_CALL(dlops_op_get_dimsd(A, &nd, dd));
  T_CHECK(nd == ndim && !memcmp(dd, cur, sizeof(int64_t) * (size_t)ndim), "%s: dimsd", label);
  dlops_dtype gd, gr;
  T_CALL(dlops_op_get_dtypes(A, &gd, &gr));
  T_CHECK(gd == td && gr == tc, "%s: types %d -> %d, want %d -> %d", label, gd, gr, td, tc);
  dlops_darray x = NULL, y = NULL;
  T_CALL(dlops_op_create_vecs(A, &x, &y));
  void *out = malloc((size_t)m * 16);
  T_CALL(dlops_darray_scatter(x, xb, -1));
  T_CALL(dlops_op_apply(A, x, y));
  T_CALL(dlops_darray_gather(y, out, -1));
  zval *got = calloc((size_t)m, sizeof(zval));
  for (int64_t i = 0; i < m; i++) got[i] = zget(out, tc, i);
  double e = zrelerr(got, z, m);
  T_CHECK(e <= res_tol(tc), "%s: forward relative error %.3e", label, e);
  int ok = 0;
  double rel = -1;
  T_CALL(dlops_op_dottest(A, dot_tol(tc), 5, &ok, &rel));
  T_CHECK(ok, "%s: dot test failed (%.3e)", label, rel);
  free(got);
  free(out);
  free(xb);
  free(z);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&A);
}

static void test_values(dlops_ctx ctx) {
  const int64_t d2[2] = {6, 5}, d3[3] = {5, 4, 3};
  const int a01[2] = {0, 1}, am[2] = {-2, -1}, a012[3] = {0, 1, 2}, a20[2] = {2, 0}, a0[1] = {0}, a1[1] = {1};
  for (int c = 0; c < 4; c++) {
    const dlops_dtype t = all_dtypes[c];
    for (int real = 0; real <= 1; real++) {
      one_case(ctx, 2, d2, 2, a01, DLOPS_FFT_NONE, real, 0, 0, t);
      one_case(ctx, 2, d2, 2, am, DLOPS_FFT_ONE_OVER_N, real, 1, 2, t);
      one_case(ctx, 3, d3, 3, a012, DLOPS_FFT_NONE, real, -1, 0, t);
      one_case(ctx, 3, d3, 2, a20, DLOPS_FFT_ORTHO, real, 2, 1, t);
      one_case(ctx, 3, d3, 1, a0, DLOPS_FFT_NONE, real, 0, 1, t);
      one_case(ctx, 3, d3, 1, a1, DLOPS_FFT_ONE_OVER_N, real, 1, 0, t);
    }
  }
}

/* bytes: along axis 1 only nothing moves; along axis 0 two all-to-alls of this rank's block
 * minus the part it keeps */
static void test_bytes(dlops_ctx ctx) {
  const int64_t d[2] = {6, 5};
  const int a0[1] = {0}, a1[1] = {1};
  for (int w = 0; w < 2; w++) {
    dlops_op A = NULL;
    T_CALL(dlops_op_create_mpi_fftnd(ctx, 2, d, 1, w ? a0 : a1, DLOPS_FFT_NONE, 0, 0, 0, DLOPS_C128, &A));
    if (!A) continue;
    dlops_darray x = NULL, y = NULL;
    T_CALL(dlops_op_create_vecs(A, &x, &y));
    T_CALL(dlops_darray_fill_random(x, 1, -1.0, 1.0));
    T_CALL(dlops_ctx_reset_counters(ctx));
    T_CALL(dlops_op_apply(A, x, y));
    dlops_comm_counter c;
    T_CALL(dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLTOALLV, &c));
    int64_t want = 0;
    if (w) {
      /* rows r6 of 6 here, columns of 5 split over P: sent = r6 * (5 - c5) * 16, twice (the
       * back exchange moves c5 * (6 - r6) elements) */
      const int64_t r6 = 6 / size_ + (rank_ < 6 % size_), c5 = 5 / size_ + (rank_ < 5 % size_);
      want = (r6 * (5 - c5) + c5 * (6 - r6)) * 16;
    }
    T_CHECK(c.bytes == want, "mpi_fftnd along axis %d: alltoallv bytes %lld, want %lld", w ? 0 : 1,
            (long long)c.bytes, (long long)want);
    dlops_darray_destroy(&x);
    dlops_darray_destroy(&y);
    dlops_op_destroy(&A);
  }
}

static void test_bad(dlops_ctx ctx) {
  const int64_t d[2] = {6, 5}, d1[1] = {8}, dz[2] = {6, 0};
  const int a01[2] = {0, 1}, a00[2] = {0, 0}, a3[1] = {3}, a0[1] = {0};
  dlops_op A = NULL;
  T_EXPECT_ERR(dlops_op_create_mpi_fftnd(ctx, 2, d, 2, a00, DLOPS_FFT_NONE, 0, 0, 0, DLOPS_C128, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_mpi_fftnd(ctx, 2, d, 1, a3, DLOPS_FFT_NONE, 0, 0, 0, DLOPS_C128, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_mpi_fftnd(ctx, 2, d, 3, a01, DLOPS_FFT_NONE, 0, 0, 0, DLOPS_C128, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_mpi_fftnd(ctx, 2, dz, 2, a01, DLOPS_FFT_NONE, 0, 0, 0, DLOPS_C128, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_mpi_fftnd(ctx, 2, d, 2, NULL, DLOPS_FFT_NONE, 0, 0, 0, DLOPS_C128, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_mpi_fftnd(ctx, 2, d, 2, a01, (dlops_fft_norm)5, 0, 0, 0, DLOPS_C128, &A), DLOPS_ERR_ARG);
  if (size_ > 1) {
    T_EXPECT_ERR(dlops_op_create_mpi_fftnd(ctx, 1, d1, 1, a0, DLOPS_FFT_NONE, 0, 0, 0, DLOPS_C128, &A), DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_mpi_fftnd(ctx, 2, d, 2, a01, DLOPS_FFT_NONE, rank_ == 1, 0, 0, DLOPS_C128, &A),
                 DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_mpi_fftnd(ctx, 2, d, 2, a01, DLOPS_FFT_NONE, 0, rank_ == size_ - 1, 0, DLOPS_C128, &A),
                 DLOPS_ERR_ARG);
  }
  T_CHECK(A == NULL, "a refused creation wrote its output");
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  test_values(ctx);
  test_bytes(ctx);
  test_bad(ctx);
  return dlops_test_finish(ctx);
}
