// Kernels of the CUDA memory table (launchers declared in mem_kernels.h; the table is
// mem_cuda.c). Every per-element body is a DLOPS_HD inline function of csrc/mem/kernels.h or
// csrc/mem/stencil.h, the ones the host loops (csrc/mem/host.c) run (stencils, convolutions,
// random fills and strided copies through cuda/mem_elems.h, which the CPU test
// validation/gpu/test_cuda_elems_host.c runs against the host table), and this file is compiled
// with --fmad=false: an element computed by the same operations in the same order gives the
// host's bits. Where the order differs from the host's it says so below.
//
// Compiled, not run on a GPU in this repository's CI (there is none).
#include <math.h>

#include <cmath>

#include "mem_kernels.h"

namespace {

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocks = 1 << 20;  // grid-stride loops cover the rest

__device__ inline int64_t first_index() { return (int64_t)blockIdx.x * blockDim.x + threadIdx.x; }
__device__ inline int64_t grid_stride() { return (int64_t)blockDim.x * gridDim.x; }

inline unsigned blocks_for(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  return (unsigned)(b < 1 ? 1 : b > kMaxBlocks ? kMaxBlocks : b);
}

#define GRID_LOOP(i, n) for (int64_t i = first_index(); i < (n); i += grid_stride())
#define LAUNCH(kernel, n, s, ...)                                                         \
  do {                                                                                    \
    if ((n) <= 0) return cudaSuccess;                                                     \
    kernel<<<dim3(blocks_for(n)), dim3(kThreads), 0, (s)>>>(__VA_ARGS__);                 \
    return cudaGetLastError();                                                            \
  } while (0)


// Element i of a buffer of dtype t as (re, im) in double, and back: host.c's load/store.
__device__ inline void load(const void *p, dlops_dtype t, int64_t i, double *re, double *im) {
  switch (t) {
    case DLOPS_F32: *re = ((const float *)p)[i]; *im = 0; break;
    case DLOPS_F64: *re = ((const double *)p)[i]; *im = 0; break;
    case DLOPS_C64: *re = ((const float *)p)[2 * i]; *im = ((const float *)p)[2 * i + 1]; break;
    default: *re = ((const double *)p)[2 * i]; *im = ((const double *)p)[2 * i + 1]; break;
  }
}
__device__ inline void store(void *p, dlops_dtype t, int64_t i, double re, double im) {
  switch (t) {
    case DLOPS_F32: ((float *)p)[i] = (float)re; break;
    case DLOPS_F64: ((double *)p)[i] = re; break;
    case DLOPS_C64: ((float *)p)[2 * i] = (float)re; ((float *)p)[2 * i + 1] = (float)im; break;
    default: ((double *)p)[2 * i] = re; ((double *)p)[2 * i + 1] = im; break;
  }
}

// ------------------------------------------------------------------ element kernels
__global__ void fill_k(int64_t n, dlops_dtype t, double re, double im, void *x) {
  if (t == DLOPS_F32) {
    const float v = (float)re;
    GRID_LOOP(i, n)((float *)x)[i] = v;
  } else {
    GRID_LOOP(i, n) store(x, t, i, re, im);
  }
}

__global__ void convert_k(int64_t n, dlops_dtype tx, const void *x, dlops_dtype ty, void *y) {
  GRID_LOOP(i, n) {
    double re, im;
    load(x, tx, i, &re, &im);
    store(y, ty, i, re, im);
  }
}

#define DEFINE_ELEMENT_KERNELS(T, S)                                                                           \
  __global__ void axpby_r##S(int64_t n, double a, const T *x, double b, T *y) {                                \
    GRID_LOOP(i, n) dlops_k_axpby_r##S(y, x, i, a, b);                                                         \
  }                                                                                                            \
  __global__ void axpby_c##S(int64_t n, double ar, double ai, const T *x, double br, double bi, T *y) {        \
    GRID_LOOP(i, n) dlops_k_axpby_c##S(y, x, i, ar, ai, br, bi);                                               \
  }                                                                                                            \
  /* host.c's h_step: axpby(a, p, 1, y) then axpby(1, r, b, p), element by element */                          \
  __global__ void step_r##S(int64_t n, double a, T *p, T *y, const T *r, double b) {                           \
    GRID_LOOP(i, n) {                                                                                          \
      dlops_k_axpby_r##S(y, p, i, a, 1.0);                                                                     \
      dlops_k_axpby_r##S(p, r, i, 1.0, b);                                                                     \
    }                                                                                                          \
  }                                                                                                            \
  __global__ void step_c##S(int64_t n, double ar, double ai, T *p, T *y, const T *r, double br, double bi) {   \
    GRID_LOOP(i, n) {                                                                                          \
      dlops_k_axpby_c##S(y, p, i, ar, ai, 1.0, 0.0);                                                           \
      dlops_k_axpby_c##S(p, r, i, 1.0, 0.0, br, bi);                                                           \
    }                                                                                                          \
  }                                                                                                            \
  __global__ void scale_r##S(int64_t n, double a, T *x) { GRID_LOOP(i, n) dlops_k_scale_r##S(x, i, a); }      \
  __global__ void scale_c##S(int64_t n, double ar, double ai, T *x) {                                          \
    GRID_LOOP(i, n) dlops_k_scale_c##S(x, i, ar, ai);                                                          \
  }                                                                                                            \
  __global__ void conj_c##S(int64_t n, T *x) { GRID_LOOP(i, n) dlops_k_conj_c##S(x, i); }                     \
  __global__ void mult_r##S(int64_t n, const T *x, const T *y, T *z) { GRID_LOOP(i, n) dlops_k_mult_r##S(z, x, y, i); } \
  __global__ void mult_c##S(int64_t n, const T *x, const T *y, T *z) { GRID_LOOP(i, n) dlops_k_mult_c##S(z, x, y, i); } \
  __global__ void mult_conj_c##S(int64_t n, const T *x, const T *y, T *z) {                                    \
    GRID_LOOP(i, n) dlops_k_mult_conj_c##S(z, x, y, i);                                                        \
  }

DEFINE_ELEMENT_KERNELS(float, s)
DEFINE_ELEMENT_KERNELS(double, d)

__global__ void map_k(int kind, double p0, double p1, dlops_dtype t, int64_t n, const void *in, void *out) {
  const int c = t == DLOPS_C64 || t == DLOPS_C128;
  GRID_LOOP(i, n) {
    double re, im, ore, oim;
    load(in, t, i, &re, &im);
    dlops_k_map(kind, p0, p1, c, re, im, &ore, &oim);
    store(out, t, i, ore, oim);
  }
}

// ------------------------------------------------------------------ reductions
// Two stages, in an order fixed by n alone (not by the device, the timing or the data):
//   stage 1: G = min(ceil(n / 256), 512) blocks of 256 threads (at least one block). Thread t of
//            block b (g = 256 b + t) adds the terms of elements g, g + 256 G, g + 2 * 256 G, ... in
//            that order into a double; the 256 sums of a block are then added pairwise in shared
//            memory (s[t] += s[t + w] for w = 128, 64, ..., 1) and s[0] is the block's partial.
//   stage 2: one block of 512 threads adds the G partials the same pairwise way (missing ones
//            are the neutral element).
// Max and min norms combine with max/min where a NaN wins. The host sums in another order (blocks
// of 128 terms in 16 lanes, Kahan-compensated across blocks), so dot and norm sums agree with the
// host's to rounding, not bit for bit; max, min and counts are exact on both.
enum { RED_SUM = 0, RED_MAX = 1, RED_MIN = 2 };

__device__ inline double red_combine(int op, double a, double b) {
  if (op == RED_SUM) return a + b;
  if (isnan(a)) return a;
  if (isnan(b)) return b;
  return op == RED_MAX ? fmax(a, b) : fmin(a, b);
}

// Pairwise reduction of per values a thread (per = 1 or 2) over a block of nt threads (a power
// of two); thread 0 returns the result in v.
template <int NT>
__device__ inline void block_reduce(int op, int per, double *sh, double *v) {
  const int t = threadIdx.x;
  for (int k = 0; k < per; k++) sh[k * NT + t] = v[k];
  __syncthreads();
  for (int w = NT / 2; w >= 1; w /= 2) {
    if (t < w)
      for (int k = 0; k < per; k++) sh[k * NT + t] = red_combine(op, sh[k * NT + t], sh[k * NT + t + w]);
    __syncthreads();
  }
  for (int k = 0; k < per; k++) v[k] = sh[k * NT];
}

// The term of element i of a dot: conj?(x_i) y_i in double (host.c's h_dot arithmetic).
__device__ inline void dot_term(dlops_dtype t, const void *x, const void *y, int64_t i, double s, double *re,
                                double *im) {
  double xr, xi, yr, yi;
  load(x, t, i, &xr, &xi);
  load(y, t, i, &yr, &yi);
  if (t == DLOPS_F32 || t == DLOPS_F64) {
    *re = xr * yr;
    *im = 0;
    return;
  }
  xi *= s;
  *re = xr * yr - xi * yi;
  *im = xr * yi + xi * yr;
}

// The term of element i of a norm of order ord (host.c's h_norm arithmetic).
__device__ inline double norm_term(dlops_dtype t, const void *x, int64_t i, double ord) {
  double re, im;
  load(x, t, i, &re, &im);
  if (ord == 0.0) return (re != 0.0 || im != 0.0) ? 1.0 : 0.0;
  if (ord == 2.0) return (t == DLOPS_F32 || t == DLOPS_F64) ? re * re : re * re + im * im;
  const double a = im == 0.0 ? fabs(re) : hypot(re, im);
  if (isinf(ord) || ord == 1.0) return a;
  return pow(a, ord);
}

__global__ void __launch_bounds__(DLOPS_CU_RED_THREADS)
    dot_stage1(dlops_dtype t, int64_t n, const void *x, const void *y, int conj_x, double *part) {
  __shared__ double sh[2 * DLOPS_CU_RED_THREADS];
  const double s = conj_x ? -1.0 : 1.0;
  double v[2] = {0.0, 0.0};
  for (int64_t i = (int64_t)blockIdx.x * DLOPS_CU_RED_THREADS + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * DLOPS_CU_RED_THREADS) {
    double re, im;
    dot_term(t, x, y, i, s, &re, &im);
    v[0] += re;
    v[1] += im;
  }
  block_reduce<DLOPS_CU_RED_THREADS>(RED_SUM, 2, sh, v);
  if (threadIdx.x == 0) {
    part[2 * blockIdx.x] = v[0];
    part[2 * blockIdx.x + 1] = v[1];
  }
}

__global__ void __launch_bounds__(DLOPS_CU_RED_THREADS)
    norm_stage1(dlops_dtype t, int64_t n, const void *x, double ord, int op, double *part) {
  __shared__ double sh[DLOPS_CU_RED_THREADS];
  double v[1] = {op == RED_MIN ? (double)INFINITY : 0.0};
  for (int64_t i = (int64_t)blockIdx.x * DLOPS_CU_RED_THREADS + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * DLOPS_CU_RED_THREADS)
    v[0] = red_combine(op, v[0], norm_term(t, x, i, ord));
  block_reduce<DLOPS_CU_RED_THREADS>(op, 1, sh, v);
  if (threadIdx.x == 0) part[blockIdx.x] = v[0];
}

// Stage 2: out[0..per) = the G partials (per values each) combined.
__global__ void __launch_bounds__(DLOPS_CU_RED_MAXBLOCKS)
    red_stage2(int op, int per, int nblocks, const double *part, double *out) {
  __shared__ double sh[2 * DLOPS_CU_RED_MAXBLOCKS];
  const int t = threadIdx.x;
  const double neutral = op == RED_MIN ? (double)INFINITY : 0.0;
  double v[2] = {neutral, neutral};
  if (t < nblocks)
    for (int k = 0; k < per; k++) v[k] = part[per * t + k];
  block_reduce<DLOPS_CU_RED_MAXBLOCKS>(op, per, sh, v);
  if (t == 0)
    for (int k = 0; k < per; k++) out[k] = v[k];
}

int red_blocks(int64_t n) {
  int64_t g = (n + DLOPS_CU_RED_THREADS - 1) / DLOPS_CU_RED_THREADS;
  return (int)(g < 1 ? 1 : g > DLOPS_CU_RED_MAXBLOCKS ? DLOPS_CU_RED_MAXBLOCKS : g);
}

// ------------------------------------------------------------------ random, strided copies
__global__ void random_k(dlops_dtype t, dlops_cu_rand_geom r, int64_t nloc, void *x) {
  const int c = t == DLOPS_C64 || t == DLOPS_C128;
  GRID_LOOP(l, nloc) {
    double re, im;
    dlops_cu_rand_at(&r, c, l, &re, &im);
    store(x, t, l, re, im);
  }
}

// One thread per element of the box; an element is es / sizeof(W) words W.
template <typename W>
__global__ void strided_k(dlops_cu_strided_geom g, int64_t nel, int64_t words, W *dst, const W *src) {
  GRID_LOOP(l, nel) {
    int64_t doff, soff;
    dlops_cu_strided_at(&g, l, &doff, &soff);
    W *dp = dst + doff * words;
    const W *sp = src + soff * words;
    for (int64_t k = 0; k < words; k++) dp[k] = sp[k];
  }
}

// ------------------------------------------------------------------ stencils
// One thread per output real of [lo, hi): dlops_cu_stencil_real_* (mem_elems.h, where the order of
// operations is described; validation/gpu/test_cuda_elems_host.c runs it on the CPU against the
// host table). The call's programs and geometry are one __grid_constant__ parameter.
__global__ void stencil_ks(const __grid_constant__ dlops_cu_st_desc d, int64_t r0, int64_t r1, float *y) {
  for (int64_t q = r0 + first_index(); q < r1; q += grid_stride()) y[q] = dlops_cu_stencil_real_s(&d, q);
}
__global__ void stencil_kd(const __grid_constant__ dlops_cu_st_desc d, int64_t r0, int64_t r1, double *y) {
  for (int64_t q = r0 + first_index(); q < r1; q += grid_stride()) y[q] = dlops_cu_stencil_real_d(&d, q);
}

// ------------------------------------------------------------------ 1-D convolution
// One thread per output element (mem_elems.h).
#define DEFINE_CONV(T, S)                                                                                  \
  __global__ void conv_fwd_r##S(dlops_cu_conv_geom g, int64_t tot, const T *h, const T *x, T *y) {         \
    GRID_LOOP(l, tot) y[l] = dlops_cu_conv_fwd_r##S(&g, h, x, l);                                          \
  }                                                                                                        \
  __global__ void conv_adj_r##S(dlops_cu_conv_geom g, int64_t tot, const T *h, const T *y, T *x) {         \
    GRID_LOOP(l, tot) x[l] = dlops_cu_conv_adj_r##S(&g, h, y, l);                                          \
  }                                                                                                        \
  __global__ void conv_fwd_c##S(dlops_cu_conv_geom g, int64_t tot, const T *h, const T *x, T *y) {         \
    GRID_LOOP(l, tot) dlops_cu_conv_fwd_c##S(&g, h, x, l, y + 2 * l);                                      \
  }                                                                                                        \
  __global__ void conv_adj_c##S(dlops_cu_conv_geom g, int64_t tot, const T *h, const T *y, T *x) {         \
    GRID_LOOP(l, tot) dlops_cu_conv_adj_c##S(&g, h, y, l, x + 2 * l);                                      \
  }
DEFINE_CONV(float, s)
DEFINE_CONV(double, d)

}  // namespace

// ------------------------------------------------------------------ launchers
extern "C" cudaError_t dlops_cu_fill(dlops_dtype t, int64_t n, double re, double im, void *x, cudaStream_t s) {
  LAUNCH(fill_k, n, s, n, t, re, im, x);
}

extern "C" cudaError_t dlops_cu_convert(int64_t n, dlops_dtype tx, const void *x, dlops_dtype ty, void *y,
                                        cudaStream_t s) {
  LAUNCH(convert_k, n, s, n, tx, x, ty, y);
}

extern "C" cudaError_t dlops_cu_axpby(dlops_dtype t, int64_t n, dlops_scalar a, const void *x, dlops_scalar b, void *y,
                                      cudaStream_t s) {
  switch (t) {
    case DLOPS_F32: LAUNCH(axpby_rs, n, s, n, a.re, (const float *)x, b.re, (float *)y);
    case DLOPS_F64: LAUNCH(axpby_rd, n, s, n, a.re, (const double *)x, b.re, (double *)y);
    case DLOPS_C64: LAUNCH(axpby_cs, n, s, n, a.re, a.im, (const float *)x, b.re, b.im, (float *)y);
    default: LAUNCH(axpby_cd, n, s, n, a.re, a.im, (const double *)x, b.re, b.im, (double *)y);
  }
}

extern "C" cudaError_t dlops_cu_step(dlops_dtype t, int64_t n, dlops_scalar a, void *p, void *y, const void *r,
                                     dlops_scalar b, cudaStream_t s) {
  switch (t) {
    case DLOPS_F32: LAUNCH(step_rs, n, s, n, a.re, (float *)p, (float *)y, (const float *)r, b.re);
    case DLOPS_F64: LAUNCH(step_rd, n, s, n, a.re, (double *)p, (double *)y, (const double *)r, b.re);
    case DLOPS_C64: LAUNCH(step_cs, n, s, n, a.re, a.im, (float *)p, (float *)y, (const float *)r, b.re, b.im);
    default: LAUNCH(step_cd, n, s, n, a.re, a.im, (double *)p, (double *)y, (const double *)r, b.re, b.im);
  }
}

extern "C" cudaError_t dlops_cu_scale(dlops_dtype t, int64_t n, dlops_scalar a, void *x, cudaStream_t s) {
  switch (t) {
    case DLOPS_F32: LAUNCH(scale_rs, n, s, n, a.re, (float *)x);
    case DLOPS_F64: LAUNCH(scale_rd, n, s, n, a.re, (double *)x);
    case DLOPS_C64: LAUNCH(scale_cs, n, s, n, a.re, a.im, (float *)x);
    default: LAUNCH(scale_cd, n, s, n, a.re, a.im, (double *)x);
  }
}

extern "C" cudaError_t dlops_cu_conj(dlops_dtype t, int64_t n, void *x, cudaStream_t s) {
  switch (t) {
    case DLOPS_C64: LAUNCH(conj_cs, n, s, n, (float *)x);
    case DLOPS_C128: LAUNCH(conj_cd, n, s, n, (double *)x);
    default: return cudaSuccess;  // real data is its own conjugate
  }
}

extern "C" cudaError_t dlops_cu_mult(dlops_dtype t, int64_t n, const void *x, int conj_x, const void *y, void *z,
                                     cudaStream_t s) {
  switch (t) {
    case DLOPS_F32: LAUNCH(mult_rs, n, s, n, (const float *)x, (const float *)y, (float *)z);
    case DLOPS_F64: LAUNCH(mult_rd, n, s, n, (const double *)x, (const double *)y, (double *)z);
    case DLOPS_C64:
      if (conj_x) LAUNCH(mult_conj_cs, n, s, n, (const float *)x, (const float *)y, (float *)z);
      LAUNCH(mult_cs, n, s, n, (const float *)x, (const float *)y, (float *)z);
    default:
      if (conj_x) LAUNCH(mult_conj_cd, n, s, n, (const double *)x, (const double *)y, (double *)z);
      LAUNCH(mult_cd, n, s, n, (const double *)x, (const double *)y, (double *)z);
  }
}

extern "C" cudaError_t dlops_cu_map(int kind, double p0, double p1, dlops_dtype t, int64_t n, const void *in,
                                    void *out, cudaStream_t s) {
  LAUNCH(map_k, n, s, kind, p0, p1, t, n, in, out);
}

extern "C" cudaError_t dlops_cu_dot(dlops_dtype t, int64_t n, const void *x, const void *y, int conj_x, double *out,
                                    double *part, cudaStream_t s) {
  const int g = red_blocks(n);
  dot_stage1<<<dim3((unsigned)g), dim3(DLOPS_CU_RED_THREADS), 0, s>>>(t, n < 0 ? 0 : n, x, y, conj_x, part);
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) return e;
  red_stage2<<<dim3(1), dim3(DLOPS_CU_RED_MAXBLOCKS), 0, s>>>(RED_SUM, 2, g, part, out);
  return cudaGetLastError();
}

extern "C" cudaError_t dlops_cu_norm(dlops_dtype t, int64_t n, const void *x, double ord, double *out, double *part,
                                     cudaStream_t s) {
  const int g = red_blocks(n);
  const int op = std::isinf(ord) ? (ord > 0 ? RED_MAX : RED_MIN) : RED_SUM;
  norm_stage1<<<dim3((unsigned)g), dim3(DLOPS_CU_RED_THREADS), 0, s>>>(t, n < 0 ? 0 : n, x, ord, op, part);
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) return e;
  red_stage2<<<dim3(1), dim3(DLOPS_CU_RED_MAXBLOCKS), 0, s>>>(op, 1, g, part, out);
  return cudaGetLastError();
}

extern "C" cudaError_t dlops_cu_random(dlops_dtype t, const dlops_cu_rand_geom *r, void *x, cudaStream_t s) {
  int64_t nloc = 1;
  for (int d = 0; d < r->ndim; d++) nloc *= r->lshape[d];
  LAUNCH(random_k, nloc, s, t, *r, nloc, x);
}

extern "C" cudaError_t dlops_cu_strided(size_t es, const dlops_cu_strided_geom *g, int64_t nel, void *dst, const void *src,
                                        cudaStream_t s) {
  const uintptr_t align = (uintptr_t)dst | (uintptr_t)src | (uintptr_t)es;
  if (align % 8 == 0) LAUNCH(strided_k<uint64_t>, nel, s, *g, nel, (int64_t)(es / 8), (uint64_t *)dst, (const uint64_t *)src);
  if (align % 4 == 0) LAUNCH(strided_k<uint32_t>, nel, s, *g, nel, (int64_t)(es / 4), (uint32_t *)dst, (const uint32_t *)src);
  LAUNCH(strided_k<unsigned char>, nel, s, *g, nel, (int64_t)es, (unsigned char *)dst, (const unsigned char *)src);
}

extern "C" cudaError_t dlops_cu_stencil(int dbl, int cplx, int nterm, const dlops_stencil_term *terms, int64_t lo,
                                        int64_t hi, void *y, cudaStream_t s) {
  if (nterm < 1 || nterm > DLOPS_STENCIL_MAXTERM) return cudaErrorInvalidValue;
  const int64_t r0 = cplx ? 2 * lo : lo, r1 = cplx ? 2 * hi : hi;
  if (r1 <= r0) return cudaSuccess;
  dlops_cu_st_desc d;
  dlops_cu_stencil_prepare(dbl, cplx, nterm, terms, &d);
  if (dbl)
    stencil_kd<<<dim3(blocks_for(r1 - r0)), dim3(kThreads), 0, s>>>(d, r0, r1, (double *)y);
  else
    stencil_ks<<<dim3(blocks_for(r1 - r0)), dim3(kThreads), 0, s>>>(d, r0, r1, (float *)y);
  return cudaGetLastError();
}

extern "C" cudaError_t dlops_cu_conv1d(dlops_dtype t, int adj, const dlops_cu_conv_geom *g, const void *h,
                                       const void *in, void *out, cudaStream_t s) {
  const int64_t nout = g->outer * (adj ? g->n : g->ny) * g->inner;
  switch (t) {
    case DLOPS_F32:
      if (adj) LAUNCH(conv_adj_rs, nout, s, *g, nout, (const float *)h, (const float *)in, (float *)out);
      LAUNCH(conv_fwd_rs, nout, s, *g, nout, (const float *)h, (const float *)in, (float *)out);
    case DLOPS_F64:
      if (adj) LAUNCH(conv_adj_rd, nout, s, *g, nout, (const double *)h, (const double *)in, (double *)out);
      LAUNCH(conv_fwd_rd, nout, s, *g, nout, (const double *)h, (const double *)in, (double *)out);
    case DLOPS_C64:
      if (adj) LAUNCH(conv_adj_cs, nout, s, *g, nout, (const float *)h, (const float *)in, (float *)out);
      LAUNCH(conv_fwd_cs, nout, s, *g, nout, (const float *)h, (const float *)in, (float *)out);
    default:
      if (adj) LAUNCH(conv_adj_cd, nout, s, *g, nout, (const double *)h, (const double *)in, (double *)out);
      LAUNCH(conv_fwd_cd, nout, s, *g, nout, (const double *)h, (const double *)in, (double *)out);
  }
}
