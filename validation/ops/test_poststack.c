/* Post-stack linear modelling (dlops_op_create_poststack) and the Ricker wavelet
 * (dlops_wavelet_ricker), labels ops, dottest:
 *   - the Ricker wavelet against PyLops' formula evaluated here step by step (the same operations,
 *     so the same bits), its symmetry, peak and length, PyLops' even-nt crop, and bad input (no
 *     write);
 *   - the operator against a dense serial matrix built from PyLops' explicit definition
 *     (M = C D: C = convmtx(wav, nt0, nwav // 2), D the centered or forward first difference with
 *     zero edge rows), forward and adjoint, every dtype, time on the first, middle and last axis
 *     (on several ranks: axes > 0 of a model split along axis 0), a wavelet longer than the time
 *     axis included;
 *   - bit for bit the product W D built from the two public creators, which is what it is;
 *   - dot tests in every dtype;
 *   - bad input the same on every rank: a backward kind, axis 0 on several ranks, a NaN in the
 *     wavelet, nwav = 0, a wavelet or kind that differs on one rank. */
#include "ops_test_util.h"

static int rank_, size_;

/* ---------------------------------------------------------------- Ricker */
static void test_ricker(void) {
  const double pi = 3.141592653589793;
  const struct { int nt; double dt, f0; } cs[] = {{21, 0.004, 20.0}, {41, 0.002, 15.0}, {1, 0.004, 10.0}, {9, 0.01, 0.0}};
  for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++) {
    int nt = cs[c].nt, nw = -1;
    double *w = malloc(sizeof(double) * (size_t)(2 * nt + 1));
    w[2 * nt - 1] = 12345.0; /* canary: 2 nt - 1 values at most */
    T_CALL(dlops_wavelet_ricker(nt, cs[c].dt, cs[c].f0, w, &nw));
    T_CHECK(nw == 2 * nt - 1, "ricker nt=%d: %d values, want %d", nt, nw, 2 * nt - 1);
    T_CHECK(w[2 * nt - 1] == 12345.0, "ricker nt=%d wrote past its length", nt);
    int bad = 0;
    for (int k = 0; k < nt; k++) {
      /* numpy: t = arange(nt) * dt; x = np.pi * f0 * t (left to right); (1 - 2 x**2) * exp(-x**2) */
      double x = pi * cs[c].f0 * ((double)k * cs[c].dt), s = x * x, v = (1.0 - 2.0 * s) * exp(-s);
      bad += w[nt - 1 + k] != v || w[nt - 1 - k] != v;
    }
    T_CHECK(!bad, "ricker nt=%d dt=%g f0=%g: %d values differ from the formula", nt, cs[c].dt, cs[c].f0, bad);
    T_CHECK(w[nt - 1] == 1.0, "ricker peak %g, want 1", w[nt - 1]);
    free(w);
  }
  /* an even nt loses its last sample first, as PyLops' _tcrop */
  double a[64], b[64];
  int na = 0, nb = 0;
  T_CALL(dlops_wavelet_ricker(10, 0.004, 25.0, a, &na));
  T_CALL(dlops_wavelet_ricker(9, 0.004, 25.0, b, &nb));
  T_CHECK(na == 17 && nb == 17 && !memcmp(a, b, sizeof(double) * 17), "ricker nt=10 must equal nt=9 (%d, %d)", na, nb);
  /* bad input: an error, nothing written */
  double c[8] = {7, 7, 7, 7, 7, 7, 7, 7};
  int nc = -3;
  T_EXPECT_ERR(dlops_wavelet_ricker(0, 0.004, 20.0, c, &nc), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_wavelet_ricker(3, 0.0, 20.0, c, &nc), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_wavelet_ricker(3, -0.1, 20.0, c, &nc), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_wavelet_ricker(3, 0.004, NAN, c, &nc), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_wavelet_ricker(3, 0.004, -1.0, c, &nc), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_wavelet_ricker(3, INFINITY, 20.0, c, &nc), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_wavelet_ricker(3, 0.004, 20.0, NULL, &nc), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_wavelet_ricker(3, 0.004, 20.0, c, NULL), DLOPS_ERR_ARG);
  int untouched = nc == -3;
  for (int k = 0; k < 8; k++) untouched = untouched && c[k] == 7;
  T_CHECK(untouched, "a failed ricker call wrote its outputs");
}

/* ---------------------------------------------------------------- the operator */
/* PyLops' explicit post-stack matrix along time: Mt (nto x nt) = C D, nto = max(nt, nw). */
static zval *poststack_time_matrix(int64_t nt, int nw, const double *wav, dlops_deriv_kind kind, int64_t *nto) {
  const int64_t no = nt > nw ? nt : nw, off = nw / 2;
  double *D = calloc((size_t)(nt * nt), sizeof(double));
  for (int64_t i = 0; i < nt; i++) {
    if (kind == DLOPS_DERIV_CENTERED && i >= 1 && i + 1 < nt) {
      D[i * nt + i + 1] = 0.5;
      D[i * nt + i - 1] = -0.5;
    } else if (kind == DLOPS_DERIV_FORWARD && i + 1 < nt) {
      D[i * nt + i + 1] = 1.0;
      D[i * nt + i] = -1.0;
    }
  }
  zval *M = calloc((size_t)(no * nt), sizeof(zval));
  for (int64_t i = 0; i < no; i++)
    for (int64_t j = 0; j < nt; j++) {
      double s = 0; /* sum_q C[i][q] D[q][j], C[i][q] = wav[i + off - q] */
      for (int64_t q = 0; q < nt; q++) {
        int64_t k = i + off - q;
        if (k >= 0 && k < nw) s += wav[k] * D[q * nt + j];
      }
      M[i * nt + j] = s;
    }
  free(D);
  *nto = no;
  return M;
}

/* The dense operator on the whole model: Mt along axis, identity on the other axes. */
static zval *full_matrix(int ndim, const int64_t *dims, int axis, const zval *Mt, int64_t nto, int64_t *nr, int64_t *nc) {
  int64_t outer = 1, inner = 1, nt = dims[axis];
  for (int k = 0; k < axis; k++) outer *= dims[k];
  for (int k = axis + 1; k < ndim; k++) inner *= dims[k];
  *nc = outer * nt * inner;
  *nr = outer * nto * inner;
  zval *M = calloc((size_t)(*nr * *nc), sizeof(zval));
  for (int64_t o = 0; o < outer; o++)
    for (int64_t i = 0; i < nto; i++)
      for (int64_t j = 0; j < nt; j++)
        for (int64_t r = 0; r < inner; r++) M[((o * nto + i) * inner + r) * *nc + (o * nt + j) * inner + r] = Mt[i * nt + j];
  return M;
}

/* Forward and adjoint of A and B (same shapes) on the same random vectors give the same bits. */
static void check_same_bits(dlops_op A, dlops_op B, dlops_dtype t, const char *label) {
  dlops_darray x = NULL, y = NULL, ya = NULL, xa = NULL;
  T_CALL(dlops_op_create_vecs(A, &x, &y));
  T_CALL(dlops_op_create_vecs(B, &xa, &ya));
  T_CALL(dlops_darray_fill_random(x, 17u, -1.0, 1.0));
  T_CALL(dlops_op_apply(A, x, y));
  T_CALL(dlops_op_apply(B, x, ya));
  dlops_scalar d = {0, 0};
  T_CALL(dlops_darray_axpby((dlops_scalar){-1.0, 0.0}, y, (dlops_scalar){1.0, 0.0}, ya));
  T_CALL(dlops_darray_norm(ya, INFINITY, &d.re));
  T_CHECK(d.re == 0.0, "%s (%s): forward differs from W D by %g", label, dlops_dtype_name(t), d.re);
  T_CALL(dlops_darray_fill_random(y, 23u, -1.0, 1.0));
  T_CALL(dlops_op_apply_adjoint(A, y, x));
  T_CALL(dlops_op_apply_adjoint(B, y, xa));
  T_CALL(dlops_darray_axpby((dlops_scalar){-1.0, 0.0}, x, (dlops_scalar){1.0, 0.0}, xa));
  T_CALL(dlops_darray_norm(xa, INFINITY, &d.re));
  T_CHECK(d.re == 0.0, "%s (%s): adjoint differs from D^H W^H by %g", label, dlops_dtype_name(t), d.re);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_darray_destroy(&xa);
  dlops_darray_destroy(&ya);
}

static void test_operator(dlops_ctx ctx, dlops_ctx self) {
  double wav[31];
  int nw = 0;
  T_CALL(dlops_wavelet_ricker(6, 0.004, 30.0, wav, &nw)); /* 9 taps (nt = 6 is cropped to 5) */
  T_CHECK(nw == 9, "ricker(6): %d taps", nw);
  const int64_t P = size_;
  struct {
    int ndim;
    int64_t dims[3];
    int axis;
    int local; /* on the one-rank context (time may be axis 0) */
    int nwav;
  } cs[] = {
      {2, {14, 3}, 0, 1, 9},            /* PyLops' layout: time first */
      {2, {2 * P + 1, 14}, 1, 0, 9},    /* time last, contiguous */
      {3, {P + 2, 13, 2}, 1, 0, 5},     /* time in the middle, a shorter wavelet */
      {3, {P + 1, 2, 7}, -1, 0, 9},     /* a wavelet longer than the time axis: 9 samples out */
  };
  for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++)
    for (int kk = 0; kk < 2; kk++)
      for (int ti = 0; ti < 4; ti++) {
        const dlops_deriv_kind kind = kk ? DLOPS_DERIV_FORWARD : DLOPS_DERIV_CENTERED;
        const dlops_dtype t = all_dtypes[ti];
        dlops_ctx on = cs[c].local ? self : ctx;
        const int ax = cs[c].axis < 0 ? cs[c].axis + cs[c].ndim : cs[c].axis;
        char label[96];
        snprintf(label, sizeof label, "poststack case %zu %s axis %d", c, kk ? "forward" : "centered", ax);
        dlops_op A = NULL;
        T_CALL(dlops_op_create_poststack(on, cs[c].ndim, cs[c].dims, cs[c].axis, cs[c].nwav, wav, kind, t, &A));
        if (!A) continue;
        int64_t nto = 0, nr = 0, ncol = 0;
        zval *Mt = poststack_time_matrix(cs[c].dims[ax], cs[c].nwav, wav, kind, &nto);
        zval *M = full_matrix(cs[c].ndim, cs[c].dims, ax, Mt, nto, &nr, &ncol);
        check_dense(A, M, nr, ncol, t, label, 100u + c);
        T_DOTTEST(A, t, label);
        /* what it is: the product of the two public creators, bit for bit */
        void *h = calloc((size_t)cs[c].nwav, dlops_dtype_size(t));
        for (int k = 0; k < cs[c].nwav; k++) zset(h, t, k, wav[k]);
        dlops_op D = NULL, W = NULL, WD = NULL;
        T_CALL(dlops_op_create_first_derivative(on, cs[c].ndim, cs[c].dims, cs[c].axis, 1.0, kind, 3, 0, t, &D));
        T_CALL(dlops_op_create_convolve1d(on, cs[c].ndim, cs[c].dims, cs[c].axis, h, cs[c].nwav, cs[c].nwav / 2, t, &W));
        T_CALL(dlops_op_create_product(W, D, &WD));
        if (WD) check_same_bits(A, WD, t, label);
        free(h);
        free(Mt);
        free(M);
        dlops_op_destroy(&WD);
        dlops_op_destroy(&W);
        dlops_op_destroy(&D);
        dlops_op_destroy(&A);
      }
}

/* ---------------------------------------------------------------- bad input, on every rank alike */
static void test_errors(dlops_ctx ctx) {
  double wav[11];
  int nw = 0;
  T_CALL(dlops_wavelet_ricker(6, 0.004, 30.0, wav, &nw)); /* 9 taps */
  const int64_t dims[2] = {2 * size_ + 1, 12};
  dlops_op A = NULL;
  T_EXPECT_ERR(dlops_op_create_poststack(ctx, 2, dims, 1, nw, wav, DLOPS_DERIV_BACKWARD, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_poststack(ctx, 2, dims, 1, 0, wav, DLOPS_DERIV_CENTERED, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_poststack(ctx, 2, dims, 1, nw, NULL, DLOPS_DERIV_CENTERED, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_poststack(ctx, 2, dims, 1, nw, wav, DLOPS_DERIV_CENTERED, (dlops_dtype)9, &A),
               DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_poststack(ctx, 2, dims, 1, nw, wav, DLOPS_DERIV_CENTERED, DLOPS_F64, NULL), DLOPS_ERR_ARG);
  if (size_ > 1)
    T_EXPECT_ERR(dlops_op_create_poststack(ctx, 2, dims, 0, nw, wav, DLOPS_DERIV_CENTERED, DLOPS_F64, &A), DLOPS_ERR_ARG);
  double nanw[11];
  memcpy(nanw, wav, sizeof wav);
  nanw[3] = rank_ == size_ - 1 ? NAN : nanw[3]; /* on one rank only */
  T_EXPECT_ERR(dlops_op_create_poststack(ctx, 2, dims, 1, nw, nanw, DLOPS_DERIV_CENTERED, DLOPS_F64, &A), DLOPS_ERR_ARG);
  if (size_ > 1) {
    double other[11];
    memcpy(other, wav, sizeof wav);
    if (rank_ == 0) other[5] *= 1.5; /* another wavelet on rank 0 */
    T_EXPECT_ERR(dlops_op_create_poststack(ctx, 2, dims, 1, nw, other, DLOPS_DERIV_CENTERED, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_poststack(ctx, 2, dims, 1, nw, wav, rank_ ? DLOPS_DERIV_CENTERED : DLOPS_DERIV_FORWARD,
                                           DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
  }
  T_CHECK(A == NULL, "a failed creation left a handle");
  /* the context still works */
  T_CALL(dlops_op_create_poststack(ctx, 2, dims, 1, nw, wav, DLOPS_DERIV_CENTERED, DLOPS_F64, &A));
  T_CALL(dlops_op_destroy(&A));
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  dlops_ctx self = dlops_test_self_ctx(ctx);
  test_ricker();
  test_operator(ctx, self);
  test_errors(ctx);
  dlops_ctx_destroy(&self);
  return dlops_test_finish(ctx);
}
