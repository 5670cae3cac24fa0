/* Element kernels of distributed-array vector operations, shared by the host loops (ops.c) and
 * the CUDA kernels (cuda/darray_kernels.cu): the same arithmetic runs on CPU and GPU.
 * Complex values are (re, im) pairs of T = float or double. Coefficients are double. */
#ifndef DLOPS_DARRAY_KERNELS_H
#define DLOPS_DARRAY_KERNELS_H

#include <stdint.h>

#ifdef __CUDACC__
#define DLOPS_HD __host__ __device__
#else
#define DLOPS_HD
#endif

#define DLOPS_DEFINE_KERNELS(T, S)                                                                          \
  /* y = a*x + b*y, real */                                                                                 \
  DLOPS_HD static inline void dlops_k_axpby_r##S(T *y, const T *x, int64_t i, double a, double b) {         \
    y[i] = (T)(a * (double)x[i] + b * (double)y[i]);                                                        \
  }                                                                                                         \
  /* y = a*x + b*y, complex (a = ar + i ai, b = br + i bi) */                                               \
  DLOPS_HD static inline void dlops_k_axpby_c##S(T *y, const T *x, int64_t i, double ar, double ai, double br, \
                                                double bi) {                                                \
    double xr = (double)x[2 * i], xi = (double)x[2 * i + 1], yr = (double)y[2 * i], yi = (double)y[2 * i + 1]; \
    y[2 * i] = (T)((ar * xr - ai * xi) + (br * yr - bi * yi));                                              \
    y[2 * i + 1] = (T)((ar * xi + ai * xr) + (br * yi + bi * yr));                                          \
  }                                                                                                         \
  DLOPS_HD static inline void dlops_k_scale_r##S(T *x, int64_t i, double a) { x[i] = (T)(a * (double)x[i]); } \
  DLOPS_HD static inline void dlops_k_scale_c##S(T *x, int64_t i, double ar, double ai) {                   \
    double xr = (double)x[2 * i], xi = (double)x[2 * i + 1];                                                \
    x[2 * i] = (T)(ar * xr - ai * xi);                                                                      \
    x[2 * i + 1] = (T)(ar * xi + ai * xr);                                                                  \
  }                                                                                                         \
  DLOPS_HD static inline void dlops_k_conj_c##S(T *x, int64_t i) { x[2 * i + 1] = -x[2 * i + 1]; }          \
  /* z = x .* y */                                                                                          \
  DLOPS_HD static inline void dlops_k_mult_r##S(T *z, const T *x, const T *y, int64_t i) { z[i] = x[i] * y[i]; } \
  DLOPS_HD static inline void dlops_k_mult_c##S(T *z, const T *x, const T *y, int64_t i) {                  \
    T xr = x[2 * i], xi = x[2 * i + 1], yr = y[2 * i], yi = y[2 * i + 1];                                   \
    z[2 * i] = xr * yr - xi * yi;                                                                           \
    z[2 * i + 1] = xr * yi + xi * yr;                                                                       \
  }

DLOPS_DEFINE_KERNELS(float, s)
DLOPS_DEFINE_KERNELS(double, d)

#endif
