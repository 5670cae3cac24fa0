/* Helpers shared by the operator tests: dense double-complex references, random global vectors,
 * and a check that applies an operator (forward and adjoint) to scattered global vectors and
 * compares the gathered results with a serial dense computation. */
#ifndef DLOPS_OPS_TEST_UTIL_H
#define DLOPS_OPS_TEST_UTIL_H

#include "dlops_test.h"

typedef double complex zval;

static const dlops_dtype all_dtypes[4] = {DLOPS_F32, DLOPS_F64, DLOPS_C64, DLOPS_C128};

static inline int is_cplx(dlops_dtype t) { return t == DLOPS_C64 || t == DLOPS_C128; }
static inline int is_single(dlops_dtype t) { return t == DLOPS_F32 || t == DLOPS_C64; }
/* dot-test tolerance */
static inline double dot_tol(dlops_dtype t) { return is_single(t) ? 1e-4 : 1e-12; }
/* result tolerance (relative 2-norm error) */
static inline double res_tol(dlops_dtype t) { return is_single(t) ? 1e-5 : 1e-12; }

/* Element i of a buffer of dtype t as a double complex. */
static inline zval zget(const void *p, dlops_dtype t, int64_t i) {
  switch (t) {
    case DLOPS_F32: return ((const float *)p)[i];
    case DLOPS_F64: return ((const double *)p)[i];
    case DLOPS_C64: return ((const float *)p)[2 * i] + I * ((const float *)p)[2 * i + 1];
    default: return ((const double *)p)[2 * i] + I * ((const double *)p)[2 * i + 1];
  }
}
static inline void zset(void *p, dlops_dtype t, int64_t i, zval v) {
  switch (t) {
    case DLOPS_F32: ((float *)p)[i] = (float)creal(v); break;
    case DLOPS_F64: ((double *)p)[i] = creal(v); break;
    case DLOPS_C64: ((float *)p)[2 * i] = (float)creal(v); ((float *)p)[2 * i + 1] = (float)cimag(v); break;
    default: ((double *)p)[2 * i] = creal(v); ((double *)p)[2 * i + 1] = cimag(v); break;
  }
}

/* Random buffer of n elements of t (seeded), also returned as double complex in z (may be NULL). */
static inline void *rand_buf(int64_t n, dlops_dtype t, unsigned long long seed, zval *z) {
  void *b = malloc((size_t)(n > 0 ? n : 1) * dlops_dtype_size(t));
  dlops_test_fill(b, n, t, seed);
  if (z)
    for (int64_t i = 0; i < n; i++) z[i] = zget(b, t, i);
  return b;
}

/* y = M x (adj = 0) or y = M^H x (adj = 1), M is nr x nc row-major. */
static inline void zgemv_ref(const zval *M, int64_t nr, int64_t nc, const zval *x, zval *y, int adj) {
  if (!adj) {
    for (int64_t i = 0; i < nr; i++) {
      zval s = 0;
      for (int64_t j = 0; j < nc; j++) s += M[i * nc + j] * x[j];
      y[i] = s;
    }
  } else {
    for (int64_t j = 0; j < nc; j++) y[j] = 0;
    for (int64_t i = 0; i < nr; i++)
      for (int64_t j = 0; j < nc; j++) y[j] += conj(M[i * nc + j]) * x[i];
  }
}

/* C = A B (A: m x k, B: k x n) */
static inline zval *zgemm_ref(const zval *A, const zval *B, int64_t m, int64_t k, int64_t n) {
  zval *C = calloc((size_t)(m * n > 0 ? m * n : 1), sizeof(zval));
  for (int64_t i = 0; i < m; i++)
    for (int64_t l = 0; l < k; l++)
      for (int64_t j = 0; j < n; j++) C[i * n + j] += A[i * k + l] * B[l * n + j];
  return C;
}

static inline double zrelerr(const zval *a, const zval *b, int64_t n) {
  double num = 0, den = 0;
  for (int64_t i = 0; i < n; i++) {
    num += pow(cabs(a[i] - b[i]), 2);
    den += pow(cabs(b[i]), 2);
  }
  return sqrt(num) / (sqrt(den) + 1e-300);
}

/* Dot test of A at the dtype's tolerance. */
#define T_DOTTEST(A, dtype, label)                                                                     \
  do {                                                                                                 \
    int passed_ = 0;                                                                                   \
    double rel_ = -1;                                                                                  \
    T_CALL(dlops_op_dottest((A), dot_tol(dtype), 12345u, &passed_, &rel_));                            \
    T_CHECK(passed_, "dot test of %s (%s) failed: relative error %.3e", (label), dlops_dtype_name(dtype), rel_); \
    if (dlops_test_rank_ == 0 && getenv("DLOPS_TEST_VERBOSE"))                                         \
      printf("dottest %-28s %-4s relerr %.2e\n", (label), dlops_dtype_name(dtype), rel_);              \
  } while (0)

/* Apply A (forward and adjoint) to random global vectors scattered from every rank's identical
 * copy, gather the results everywhere and compare with the dense nr x nc matrix M (a serial
 * computation of the same operator). */
static inline void check_dense(dlops_op A, const zval *M, int64_t nr, int64_t nc, dlops_dtype t, const char *label,
                               unsigned long long seed) {
  int64_t r = -1, c = -1;
  T_CALL(dlops_op_get_shape(A, &r, &c));
  T_CHECK(r == nr && c == nc, "%s: shape %lld x %lld, expected %lld x %lld", label, (long long)r, (long long)c,
          (long long)nr, (long long)nc);
  if (r != nr || c != nc) return;
  dlops_darray x = NULL, y = NULL;
  T_CALL(dlops_op_create_vecs(A, &x, &y));
  zval *xz = calloc((size_t)nc + 1, sizeof(zval)), *yz = calloc((size_t)nr + 1, sizeof(zval));
  zval *ref = calloc((size_t)(nr > nc ? nr : nc) + 1, sizeof(zval));
  void *xb = rand_buf(nc, t, seed, xz), *yb = rand_buf(nr, t, seed + 1, yz);
  void *out = malloc((size_t)((nr > nc ? nr : nc) + 1) * dlops_dtype_size(t));
  /* forward */
  T_CALL(dlops_darray_scatter(x, xb, -1));
  T_CALL(dlops_op_apply(A, x, y));
  T_CALL(dlops_darray_gather(y, out, -1));
  zgemv_ref(M, nr, nc, xz, ref, 0);
  zval *got = calloc((size_t)(nr > nc ? nr : nc) + 1, sizeof(zval));
  for (int64_t i = 0; i < nr; i++) got[i] = zget(out, t, i);
  double e = zrelerr(got, ref, nr);
  T_CHECK(e <= res_tol(t), "%s (%s): forward differs from the serial result: relative error %.3e", label,
          dlops_dtype_name(t), e);
  /* adjoint */
  T_CALL(dlops_darray_scatter(y, yb, -1));
  T_CALL(dlops_op_apply_adjoint(A, y, x));
  T_CALL(dlops_darray_gather(x, out, -1));
  zgemv_ref(M, nr, nc, yz, ref, 1);
  for (int64_t i = 0; i < nc; i++) got[i] = zget(out, t, i);
  e = zrelerr(got, ref, nc);
  T_CHECK(e <= res_tol(t), "%s (%s): adjoint differs from the serial result: relative error %.3e", label,
          dlops_dtype_name(t), e);
  free(got);
  free(out);
  free(xb);
  free(yb);
  free(xz);
  free(yz);
  free(ref);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
}

/* Dense matrix of an operator built by the caller's rule is compared with check_dense; this
 * computes the dense matrix of an algebra expression from dense factors. */
static inline zval *zadjoint_ref(const zval *M, int64_t nr, int64_t nc) {
  zval *H = malloc(sizeof(zval) * (size_t)(nr * nc > 0 ? nr * nc : 1));
  for (int64_t i = 0; i < nr; i++)
    for (int64_t j = 0; j < nc; j++) H[j * nr + i] = conj(M[i * nc + j]);
  return H;
}

/* Sum over kinds of this rank's data communication calls. The metadata kind is left out: every
 * public apply starts with one argument agreement (a small metadata allreduce) by design. */
static inline int64_t comm_calls(dlops_ctx ctx) {
  int64_t s = 0;
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
    if (k == DLOPS_COMM_META) continue;
    dlops_comm_counter c;
    dlops_ctx_get_counter(ctx, (dlops_comm_kind)k, &c);
    s += c.calls;
  }
  return s;
}

/* One line of PyLops' FFT (dlops_op_create_fft): n samples in, nf out; a naive DFT with PyLops'
 * rules (shift of the model, padding or truncation to nfft, the norm's factor, sqrt(2) on the real
 * transform's bins 1..(nfft-1)/2, shift of the data). */
typedef struct {
  int64_t n, nfft, nf;
  int real, sin, sout, norm;
} line_t;

static inline double line_scale(const line_t *L) {
  return L->norm == DLOPS_FFT_ORTHO ? 1.0 / sqrt((double)L->nfft) : L->norm == DLOPS_FFT_ONE_OVER_N ? 1.0 / (double)L->nfft : 1.0;
}

/* y (nf) = the transform of one line x (n), PyLops' rules with a naive DFT */
static inline void ref_line(const line_t *L, const zval *x, zval *y) {
  const int64_t n = L->n, N = L->nfft, nf = L->nf;
  zval *Y = calloc((size_t)nf, sizeof(zval));
  for (int64_t j = 0; j < nf; j++) {
    zval s = 0;
    for (int64_t k = 0; k < n && k < N; k++) {
      zval xs = L->sin ? x[(k + n / 2) % n] : x[k];
      s += xs * cexp(-2.0 * 3.14159265358979323846 * I * (double)((j * k) % N) / (double)N);
    }
    double gain = L->real && j >= 1 && j <= (N - 1) / 2 ? sqrt(2.0) : 1.0;
    Y[j] = s * line_scale(L) * gain;
  }
  for (int64_t j = 0; j < nf; j++) y[j] = L->sout ? Y[(j + (nf + 1) / 2) % nf] : Y[j];
  free(Y);
}

#endif
