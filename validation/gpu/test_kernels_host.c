/* CPU check of the element kernels the GPU runs (csrc/mem/kernels.h, called by
 * cuda/darray_kernels.cu): every inline function against straightforward C99 complex arithmetic
 * in double, for float and double, real and complex, including the aliasing the device kernels
 * rely on (y = a*y + b*y, z = x .* z, ...) and that a kernel touches only its own element.
 * Serial, no MPI, no GPU. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mem/kernels.h"
#include "serial_check.h"



#define N 41

/* Deterministic values in [-1, 1) (splitmix64). */
static double rnd(unsigned long long seed, unsigned long long i) {
  unsigned long long z = seed * 0x9E3779B97F4A7C15ULL + i * 0xBF58476D1CE4E5B9ULL + 0x94D049BB133111EBULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return (double)(z >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

/* |got - want| <= tol * scale (scale: magnitude of the terms, so cancellation does not matter). */
static int close_to(double complex got, double complex want, double tol, double scale) {
  return cabs(got - want) <= tol * (scale > 1e-300 ? scale : 1e-300);
}

/* Coefficients covering real, imaginary, zero and general values. */
static const double complex coefs[][2] = {
    {2.0, -1.0}, {0.5 + 0.25 * I, -1.5 + 2.0 * I}, {0.0, 1.0}, {1.0 * I, 0.0}, {-0.75 - 0.5 * I, 0.3 - 1.1 * I}};
#define NCOEF ((int)(sizeof coefs / sizeof coefs[0]))

/* One test function per element type T (suffix S), tolerance TOL relative to the term sizes. */
#define DEFINE_TESTS(T, S, TOL)                                                                                  \
  static double complex cval_##S(const T *v, int i) { return (double)v[2 * i] + I * (double)v[2 * i + 1]; }    \
  static void fill_##S(T *v, int n, unsigned long long seed) {                                                   \
    for (int i = 0; i < n; i++) v[i] = (T)rnd(seed, (unsigned long long)i);                                     \
  }                                                                                                              \
  static void test_##S(void) {                                                                                   \
    const char *tn = #T;                                                                                         \
    T x[2 * N], y[2 * N], y0[2 * N], z[2 * N];                                                                   \
    for (int k = 0; k < NCOEF; k++) {                                                                            \
      double complex a = coefs[k][0], b = coefs[k][1];                                                           \
      /* real axpby: y = a*x + b*y (real parts of the coefficients) */                                           \
      fill_##S(x, N, 11 + k);                                                                                    \
      fill_##S(y0, N, 23 + k);                                                                                   \
      memcpy(y, y0, sizeof y);                                                                                   \
      for (int i = 0; i < N; i++) dlops_k_axpby_r##S(y, x, i, creal(a), creal(b));                               \
      for (int i = 0; i < N; i++) {                                                                              \
        double want = creal(a) * (double)x[i] + creal(b) * (double)y0[i];                                        \
        CHECK(close_to(y[i], want, TOL, fabs(creal(a) * x[i]) + fabs(creal(b) * y0[i])),                        \
              "%s axpby_r k=%d i=%d: %.17g vs %.17g", tn, k, i, (double)y[i], want);                             \
      }                                                                                                          \
      /* complex axpby */                                                                                        \
      fill_##S(x, 2 * N, 31 + k);                                                                                \
      fill_##S(y0, 2 * N, 37 + k);                                                                               \
      memcpy(y, y0, sizeof y);                                                                                   \
      for (int i = 0; i < N; i++) dlops_k_axpby_c##S(y, x, i, creal(a), cimag(a), creal(b), cimag(b));           \
      for (int i = 0; i < N; i++) {                                                                              \
        double complex xv = cval_##S(x, i), yv = cval_##S(y0, i), want = a * xv + b * yv;                        \
        CHECK(close_to(cval_##S(y, i), want, TOL, cabs(a) * cabs(xv) + cabs(b) * cabs(yv)),                      \
              "%s axpby_c k=%d i=%d: (%g,%g) vs (%g,%g)", tn, k, i, creal(cval_##S(y, i)), cimag(cval_##S(y, i)),  \
              creal(want), cimag(want));                                                                         \
      }                                                                                                          \
      /* complex axpby with x == y: y = (a + b) y */                                                             \
      memcpy(y, y0, sizeof y);                                                                                   \
      for (int i = 0; i < N; i++) dlops_k_axpby_c##S(y, y, i, creal(a), cimag(a), creal(b), cimag(b));           \
      for (int i = 0; i < N; i++) {                                                                              \
        double complex yv = cval_##S(y0, i), want = (a + b) * yv;                                                \
        CHECK(close_to(cval_##S(y, i), want, 2 * TOL, (cabs(a) + cabs(b)) * cabs(yv)), "%s axpby_c alias k=%d i=%d", \
              tn, k, i);                                                                                         \
      }                                                                                                          \
      /* scale, real and complex */                                                                              \
      memcpy(y, y0, sizeof y);                                                                                   \
      for (int i = 0; i < N; i++) dlops_k_scale_r##S(y, i, creal(a));                                            \
      for (int i = 0; i < N; i++)                                                                                \
        CHECK(close_to(y[i], creal(a) * (double)y0[i], TOL, fabs(creal(a) * y0[i])), "%s scale_r k=%d i=%d", tn, k, i); \
      for (int i = N; i < 2 * N; i++) CHECK(y[i] == y0[i], "%s scale_r touched element %d beyond n", tn, i);     \
      memcpy(y, y0, sizeof y);                                                                                   \
      for (int i = 0; i < N; i++) dlops_k_scale_c##S(y, i, creal(a), cimag(a));                                  \
      for (int i = 0; i < N; i++) {                                                                              \
        double complex want = a * cval_##S(y0, i);                                                               \
        CHECK(close_to(cval_##S(y, i), want, TOL, cabs(a) * cabs(cval_##S(y0, i))), "%s scale_c k=%d i=%d", tn, k, i); \
      }                                                                                                          \
    }                                                                                                            \
    /* conj: exact */                                                                                            \
    fill_##S(y0, 2 * N, 41);                                                                                     \
    memcpy(y, y0, sizeof y);                                                                                     \
    for (int i = 0; i < N; i++) dlops_k_conj_c##S(y, i);                                                         \
    for (int i = 0; i < N; i++)                                                                                  \
      CHECK(cval_##S(y, i) == conj(cval_##S(y0, i)), "%s conj_c i=%d", tn, i);                                   \
    /* mult, real and complex, plain and aliased */                                                              \
    fill_##S(x, 2 * N, 43);                                                                                      \
    fill_##S(y0, 2 * N, 47);                                                                                     \
    for (int i = 0; i < N; i++) dlops_k_mult_r##S(z, x, y0, i);                                                  \
    for (int i = 0; i < N; i++)                                                                                  \
      CHECK(close_to(z[i], (double)x[i] * (double)y0[i], TOL, fabs((double)x[i] * y0[i])), "%s mult_r i=%d", tn, i); \
    for (int i = 0; i < N; i++) dlops_k_mult_c##S(z, x, y0, i);                                                  \
    for (int i = 0; i < N; i++) {                                                                                \
      double complex xv = cval_##S(x, i), yv = cval_##S(y0, i);                                                  \
      CHECK(close_to(cval_##S(z, i), xv * yv, 2 * TOL, cabs(xv) * cabs(yv)), "%s mult_c i=%d", tn, i);           \
    }                                                                                                            \
    memcpy(y, y0, sizeof y); /* z == y (second operand) */                                                       \
    for (int i = 0; i < N; i++) dlops_k_mult_c##S(y, x, y, i);                                                   \
    for (int i = 0; i < N; i++) {                                                                                \
      double complex xv = cval_##S(x, i), yv = cval_##S(y0, i);                                                  \
      CHECK(close_to(cval_##S(y, i), xv * yv, 2 * TOL, cabs(xv) * cabs(yv)), "%s mult_c z==y i=%d", tn, i);      \
    }                                                                                                            \
    memcpy(y, y0, sizeof y); /* z == x == y: square */                                                           \
    for (int i = 0; i < N; i++) dlops_k_mult_c##S(y, y, y, i);                                                   \
    for (int i = 0; i < N; i++) {                                                                                \
      double complex yv = cval_##S(y0, i);                                                                       \
      CHECK(close_to(cval_##S(y, i), yv * yv, 2 * TOL, cabs(yv) * cabs(yv)), "%s mult_c square i=%d", tn, i);    \
    }                                                                                                            \
    /* locality: kernels at even indices leave odd elements bit-identical */                                     \
    memcpy(y, y0, sizeof y);                                                                                     \
    for (int i = 0; i < N; i += 2) {                                                                             \
      dlops_k_axpby_c##S(y, x, i, 0.5, 0.25, -1.0, 2.0);                                                         \
      dlops_k_scale_c##S(y, i, 3.0, -1.0);                                                                       \
      dlops_k_conj_c##S(y, i);                                                                                   \
      dlops_k_mult_c##S(y, x, y, i);                                                                             \
    }                                                                                                            \
    for (int i = 1; i < N; i += 2)                                                                               \
      CHECK(y[2 * i] == y0[2 * i] && y[2 * i + 1] == y0[2 * i + 1], "%s: kernel at even index changed element %d", \
            tn, i);                                                                                              \
    for (int i = 0; i < N; i += 2) CHECK(cval_##S(y, i) != cval_##S(y0, i), "%s: element %d unchanged", tn, i); \
  }

DEFINE_TESTS(float, s, 1e-6)
DEFINE_TESTS(double, d, 1e-15)

int main(void) {
  test_s();
  test_d();
  return serial_check_report("kernels.h host checks");
}
