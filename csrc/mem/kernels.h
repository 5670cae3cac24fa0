/* Per-element arithmetic of the memory spaces' kernels, shared by the host loops (mem/host.c)
 * and the device kernels (cuda/): the same arithmetic runs on CPU and GPU, and the emulated
 * device runs the host loops themselves. Complex values are (re, im) pairs of T = float or
 * double. Coefficients are double. Usable from C and CUDA (no MPI, no dlops internals). */
#ifndef DLOPS_MEM_KERNELS_H
#define DLOPS_MEM_KERNELS_H

#include <math.h>
#include <stdint.h>

#include "dlops/base.h"

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
  }                                                                                                         \
  /* z = conj(x) .* y */                                                                                    \
  DLOPS_HD static inline void dlops_k_mult_conj_c##S(T *z, const T *x, const T *y, int64_t i) {             \
    T xr = x[2 * i], xi = -x[2 * i + 1], yr = y[2 * i], yi = y[2 * i + 1];                                  \
    z[2 * i] = xr * yr - xi * yi;                                                                           \
    z[2 * i + 1] = xr * yi + xi * yr;                                                                       \
  }                                                                                                         \
  /* y[k] += (hr + i hi) * x[k], complex multiply-accumulate (convolutions) */                              \
  DLOPS_HD static inline void dlops_k_cmac_##S(T *y, const T *x, int64_t k, T hr, T hi) {                   \
    y[2 * k] += hr * x[2 * k] - hi * x[2 * k + 1];                                                          \
    y[2 * k + 1] += hr * x[2 * k + 1] + hi * x[2 * k];                                                      \
  }

DLOPS_DEFINE_KERNELS(float, s)
DLOPS_DEFINE_KERNELS(double, d)

/* ---- element maps of the solvers and proximal operators (dlops_map_kind), in double: one
 * element (re, im) -> (ore, oim); cplx says whether the dtype is complex (im is 0 otherwise). */
DLOPS_HD static inline double dlops_k_sgn(double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : v; /* 0 -> 0, NaN -> NaN */ }

DLOPS_HD static inline void dlops_k_map(int kind, double p0, double p1, int cplx, double re, double im, double *ore,
                                        double *oim) {
  const double m = cplx ? hypot(re, im) : fabs(re);
  *ore = 0.0;
  *oim = 0.0;
  switch (kind) {
    case DLOPS_MAP_SOFT_THRESHOLD: {
      double s = fmax(m - p0, 0.0);
      if (isnan(m)) s = m;
      if (cplx) {
        double ang = atan2(im, re);
        *ore = s * cos(ang);
        *oim = s * sin(ang);
      } else {
        *ore = s * dlops_k_sgn(re);
      }
      break;
    }
    case DLOPS_MAP_HARD_THRESHOLD:
      if (!(m <= sqrt(2.0 * p0))) {
        *ore = re;
        *oim = im;
      }
      break;
    case DLOPS_MAP_HALF_THRESHOLD: {
      const double halfcut = (pow(54.0, 1.0 / 3.0) / 4.0) * pow(p0, 2.0 / 3.0);
      const double twopi3 = 2.0 * 3.14159265358979323846 / 3.0;
      double arg1 = m != 0.0 ? (p0 / 8.0) * pow(m / 3.0, -1.5) : 1.0;
      arg1 = fmin(fmax(arg1, -1.0), 1.0);
      double phi = 2.0 / 3.0 * acos(arg1);
      double f = 2.0 / 3.0 * (1.0 + cos(twopi3 - phi));
      if (!(m <= halfcut)) {
        *ore = f * re;
        *oim = f * im;
      }
      break;
    }
    case DLOPS_MAP_HARD_CUT:
      if (!(m <= p0)) {
        *ore = re;
        *oim = im;
      }
      break;
    case DLOPS_MAP_CLIP: *ore = fmin(fmax(re, p0), p1); break;
    case DLOPS_MAP_SIGN:
      if (cplx) {
        if (m > 0 && isfinite(m)) {
          *ore = re / m;
          *oim = im / m;
        } else {
          *ore = m == 0 ? 0.0 : NAN;
        }
      } else {
        *ore = dlops_k_sgn(re);
      }
      break;
    case DLOPS_MAP_NONZERO: *ore = (re != 0.0 || im != 0.0) ? 1.0 : 0.0; break;
    default: /* DLOPS_MAP_OUTSIDE */ *ore = (re >= p0 && re <= p1) ? 0.0 : 1.0; break;
  }
}

/* ---- the splitmix64 finaliser: the library's one 64-bit mixing function (random values here,
 * the dense agreement's checksum in dense/agree.h) */
DLOPS_HD static inline uint64_t dlops_k_mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* ---- random values: uniform [0, 1) as a function of (seed, index) only */
DLOPS_HD static inline double dlops_k_rand01(uint64_t seed, uint64_t i) {
  uint64_t z = dlops_k_mix64(seed * 0x9E3779B97F4A7C15ULL + i * 0xBF58476D1CE4E5B9ULL + 0x94D049BB133111EBULL);
  return (double)(z >> 11) / 9007199254740992.0;
}

#endif
