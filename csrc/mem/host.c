/* The host memory space: plain loops over host memory. The per-element arithmetic comes from
 * kernels.h and stencil.h, which the device kernels share; the emulated device (emu.c) runs
 * these very functions on its opened pages. */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "exact.h"
#include "mem.h"

static inline int is_complex(dlops_dtype t) { return t == DLOPS_C64 || t == DLOPS_C128; }

/* Element i of a buffer of dtype t as (re, im), and back. */
static inline void load(const void *p, dlops_dtype t, int64_t i, double *re, double *im) {
  switch (t) {
    case DLOPS_F32: *re = ((const float *)p)[i]; *im = 0; break;
    case DLOPS_F64: *re = ((const double *)p)[i]; *im = 0; break;
    case DLOPS_C64: *re = ((const float *)p)[2 * i]; *im = ((const float *)p)[2 * i + 1]; break;
    default: *re = ((const double *)p)[2 * i]; *im = ((const double *)p)[2 * i + 1]; break;
  }
}
static inline void store(void *p, dlops_dtype t, int64_t i, double re, double im) {
  switch (t) {
    case DLOPS_F32: ((float *)p)[i] = (float)re; break;
    case DLOPS_F64: ((double *)p)[i] = re; break;
    case DLOPS_C64: ((float *)p)[2 * i] = (float)re; ((float *)p)[2 * i + 1] = (float)im; break;
    default: ((double *)p)[2 * i] = re; ((double *)p)[2 * i + 1] = im; break;
  }
}

/* ---------------------------------------------------------------- memory */
static int h_alloc(dlops_mem *m, size_t bytes, void **p) {
  *p = NULL;
  DLOPS_CALL(dlops_mem_alloc_check(m, bytes)); /* counted (fault injection) */
  *p = calloc(bytes ? bytes : 1, 1);
  if (!*p) return DLOPS_ERROR(m->ctx, DLOPS_ERR_MEM, "cannot allocate %zu bytes of host memory", bytes);
  return DLOPS_SUCCESS;
}
static void h_free(dlops_mem *m, void *p) {
  (void)m;
  free(p);
}
static int h_host_alloc(dlops_mem *m, size_t bytes, void **p) {
  *p = malloc(bytes ? bytes : 1);
  if (!*p) return DLOPS_ERROR(m->ctx, DLOPS_ERR_MEM, "cannot allocate %zu bytes of host memory", bytes);
  return DLOPS_SUCCESS;
}
static int h_copy(dlops_mem *m, void *dst, dlops_memspace ds, const void *src, dlops_memspace ss, size_t bytes,
                  int flags) {
  (void)m;
  (void)ds;
  (void)ss;
  (void)flags;
  if (bytes && dst != src) memmove(dst, src, bytes);
  return DLOPS_SUCCESS;
}
static int h_sync(dlops_mem *m) {
  (void)m;
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- element kernels */
static int h_fill(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar v, void *x) {
  (void)m;
  switch (t) {
    case DLOPS_F32: {
      float *a = x, s = (float)v.re;
      for (int64_t i = 0; i < n; i++) a[i] = s;
      break;
    }
    case DLOPS_F64: {
      double *a = x;
      for (int64_t i = 0; i < n; i++) a[i] = v.re;
      break;
    }
    default:
      for (int64_t i = 0; i < n; i++) store(x, t, i, v.re, v.im);
      break;
  }
  return DLOPS_SUCCESS;
}

static int h_convert(dlops_mem *m, int64_t n, dlops_dtype tx, const void *x, dlops_dtype ty, void *y) {
  (void)m;
  if (tx == ty) {
    if (n && x != y) memmove(y, x, (size_t)n * dlops_dtype_size(tx));
    return DLOPS_SUCCESS;
  }
  for (int64_t i = 0; i < n; i++) {
    double re, im;
    load(x, tx, i, &re, &im);
    store(y, ty, i, re, im);
  }
  return DLOPS_SUCCESS;
}

static int h_axpby(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar a, const void *x, dlops_scalar b, void *y) {
  (void)m;
  switch (t) {
    case DLOPS_F32: for (int64_t i = 0; i < n; i++) dlops_k_axpby_rs(y, x, i, a.re, b.re); break;
    case DLOPS_F64: for (int64_t i = 0; i < n; i++) dlops_k_axpby_rd(y, x, i, a.re, b.re); break;
    case DLOPS_C64: for (int64_t i = 0; i < n; i++) dlops_k_axpby_cs(y, x, i, a.re, a.im, b.re, b.im); break;
    default: for (int64_t i = 0; i < n; i++) dlops_k_axpby_cd(y, x, i, a.re, a.im, b.re, b.im); break;
  }
  return DLOPS_SUCCESS;
}

/* y = a p + y, then p = r + b p, element by element: axpby(a, p, 1, y) and axpby(1, r, b, p) in
 * one pass (p is read once instead of twice, y and p written once each); the same kernels, so
 * the same bits as the two passes (up to the sign and payload of a NaN). */
static int h_step(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar a, void *p, void *y, const void *r,
                  dlops_scalar b) {
  (void)m;
  switch (t) {
    case DLOPS_F32:
      for (int64_t i = 0; i < n; i++) dlops_k_axpby_rs(y, p, i, a.re, 1.0), dlops_k_axpby_rs(p, r, i, 1.0, b.re);
      break;
    case DLOPS_F64:
      for (int64_t i = 0; i < n; i++) dlops_k_axpby_rd(y, p, i, a.re, 1.0), dlops_k_axpby_rd(p, r, i, 1.0, b.re);
      break;
    case DLOPS_C64:
      for (int64_t i = 0; i < n; i++)
        dlops_k_axpby_cs(y, p, i, a.re, a.im, 1.0, 0.0), dlops_k_axpby_cs(p, r, i, 1.0, 0.0, b.re, b.im);
      break;
    default:
      for (int64_t i = 0; i < n; i++)
        dlops_k_axpby_cd(y, p, i, a.re, a.im, 1.0, 0.0), dlops_k_axpby_cd(p, r, i, 1.0, 0.0, b.re, b.im);
      break;
  }
  return DLOPS_SUCCESS;
}

static int h_scale(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar a, void *x) {
  (void)m;
  switch (t) {
    case DLOPS_F32: for (int64_t i = 0; i < n; i++) dlops_k_scale_rs(x, i, a.re); break;
    case DLOPS_F64: for (int64_t i = 0; i < n; i++) dlops_k_scale_rd(x, i, a.re); break;
    case DLOPS_C64: for (int64_t i = 0; i < n; i++) dlops_k_scale_cs(x, i, a.re, a.im); break;
    default: for (int64_t i = 0; i < n; i++) dlops_k_scale_cd(x, i, a.re, a.im); break;
  }
  return DLOPS_SUCCESS;
}

static int h_conj(dlops_mem *m, dlops_dtype t, int64_t n, void *x) {
  (void)m;
  if (t == DLOPS_C64)
    for (int64_t i = 0; i < n; i++) dlops_k_conj_cs(x, i);
  else if (t == DLOPS_C128)
    for (int64_t i = 0; i < n; i++) dlops_k_conj_cd(x, i);
  return DLOPS_SUCCESS;
}

static int h_mult(dlops_mem *m, dlops_dtype t, int64_t n, const void *x, int conj_x, const void *y, void *z) {
  (void)m;
  switch (t) {
    case DLOPS_F32: for (int64_t i = 0; i < n; i++) dlops_k_mult_rs(z, x, y, i); break;
    case DLOPS_F64: for (int64_t i = 0; i < n; i++) dlops_k_mult_rd(z, x, y, i); break;
    case DLOPS_C64:
      if (conj_x)
        for (int64_t i = 0; i < n; i++) dlops_k_mult_conj_cs(z, x, y, i);
      else
        for (int64_t i = 0; i < n; i++) dlops_k_mult_cs(z, x, y, i);
      break;
    default:
      if (conj_x)
        for (int64_t i = 0; i < n; i++) dlops_k_mult_conj_cd(z, x, y, i);
      else
        for (int64_t i = 0; i < n; i++) dlops_k_mult_cd(z, x, y, i);
      break;
  }
  return DLOPS_SUCCESS;
}

static int h_map(dlops_mem *m, dlops_map_kind kind, double p0, double p1, dlops_dtype t, int64_t n, const void *in,
                 void *out) {
  (void)m;
  const int c = is_complex(t);
  for (int64_t i = 0; i < n; i++) {
    double re, im, ore, oim;
    load(in, t, i, &re, &im);
    dlops_k_map(kind, p0, p1, c, re, im, &ore, &oim);
    store(out, t, i, ore, oim);
  }
  return DLOPS_SUCCESS;
}

/* Accurate summation: sums over blocks of 128 (plain in acc_add, in ACC_LANES partial sums in
 * ACC_DOT), Kahan-compensated across blocks. */
typedef struct {
  double sum, comp, block;
  int n;
} acc_t;
static inline void acc_add(acc_t *a, double v) {
  a->block += v;
  if (++a->n == 128) {
    double y = a->block - a->comp, t = a->sum + y;
    a->comp = (t - a->sum) - y;
    a->sum = t;
    a->block = 0;
    a->n = 0;
  }
}
static inline double acc_get(const acc_t *a) { return a->sum + (a->block - a->comp); }
/* Fold one finished block of 128 terms (the same arithmetic as the 128th acc_add). */
static inline void acc_fold(acc_t *a, double block) {
  double y = block - a->comp, t = a->sum + y;
  a->comp = (t - a->sum) - y;
  a->sum = t;
}
/* sum of x[i]*y[i] (or x[i]*x[i]) through acc_t, block by block: each block of 128 terms is
 * summed in ACC_LANES interleaved partial sums (term k into lane k % ACC_LANES, then the lanes
 * added pairwise), which the compiler turns into independent vector additions: a single running
 * sum is one dependent addition per term, slower than memory for a 2-norm. The blocks are then
 * Kahan-compensated as acc_add does. The order is fixed (no dependence on the build or the data),
 * so the result is reproducible; its error bound is no larger than a running sum's (the partial
 * sums are shorter), though a given input may round either way. */
#define ACC_LANES 16
static inline double acc_lanes(const double *b) {
  double s[ACC_LANES];
  for (int j = 0; j < ACC_LANES; j++) s[j] = b[j];
  for (int w = ACC_LANES / 2; w >= 1; w /= 2)
    for (int j = 0; j < w; j++) s[j] = s[j] + s[j + w];
  return s[0];
}
#define ACC_DOT(T, acc, x, y, n)                                                     \
  do {                                                                               \
    int64_t i_ = 0;                                                                  \
    double l_[ACC_LANES];                                                            \
    for (; i_ + 128 <= (n); i_ += 128) {                                             \
      for (int j_ = 0; j_ < ACC_LANES; j_++) l_[j_] = 0;                             \
      for (int64_t k_ = i_; k_ < i_ + 128; k_ += ACC_LANES)                          \
        for (int j_ = 0; j_ < ACC_LANES; j_++) l_[j_] += (double)(x)[k_ + j_] * (double)(y)[k_ + j_]; \
      acc_fold(&(acc), acc_lanes(l_));                                               \
    }                                                                                \
    for (int j_ = 0; j_ < ACC_LANES; j_++) l_[j_] = 0;                               \
    for (; i_ + ACC_LANES <= (n); i_ += ACC_LANES)                                   \
      for (int j_ = 0; j_ < ACC_LANES; j_++) l_[j_] += (double)(x)[i_ + j_] * (double)(y)[i_ + j_]; \
    double b_ = acc_lanes(l_);                                                       \
    for (; i_ < (n); i_++) b_ += (double)(x)[i_] * (double)(y)[i_];                  \
    (acc).block = b_;                                                                \
  } while (0)

static int h_dot(dlops_mem *m, dlops_dtype t, int64_t n, const void *x, const void *y, int conj_x, double *out) {
  (void)m;
  acc_t ar = {0, 0, 0, 0}, ai = {0, 0, 0, 0};
  if (t == DLOPS_F64) {
    const double *a = x, *b = y;
    ACC_DOT(double, ar, a, b, n);
  } else if (t == DLOPS_F32) {
    const float *a = x, *b = y;
    ACC_DOT(float, ar, a, b, n);
  } else {
    const double s = conj_x ? -1.0 : 1.0;
    for (int64_t i = 0; i < n; i++) {
      double xr, xi, yr, yi;
      load(x, t, i, &xr, &xi);
      load(y, t, i, &yr, &yi);
      xi *= s;
      acc_add(&ar, xr * yr - xi * yi);
      acc_add(&ai, xr * yi + xi * yr);
    }
  }
  out[0] = acc_get(&ar);
  out[1] = acc_get(&ai);
  return DLOPS_SUCCESS;
}

static int h_norm(dlops_mem *m, dlops_dtype t, int64_t n, const void *x, double ord, double *out) {
  (void)m;
  const int kmax = isinf(ord) && ord > 0, kmin = isinf(ord) && ord < 0, kcount = ord == 0;
  acc_t acc = {0, 0, 0, 0};
  double mm = kmin ? INFINITY : 0.0;
  if (ord == 2.0 && (t == DLOPS_F64 || t == DLOPS_F32)) { /* the common case, as dot(x, x) sums it */
    if (t == DLOPS_F64) {
      const double *a = x;
      ACC_DOT(double, acc, a, a, n);
    } else {
      const float *a = x;
      ACC_DOT(float, acc, a, a, n);
    }
    *out = acc_get(&acc);
    return DLOPS_SUCCESS;
  }
  for (int64_t i = 0; i < n; i++) {
    double re, im, a;
    load(x, t, i, &re, &im);
    if (kcount) {
      acc_add(&acc, (re != 0.0 || im != 0.0) ? 1.0 : 0.0);
      continue;
    }
    if (ord == 2.0) {
      acc_add(&acc, re * re + im * im);
      continue;
    }
    a = im == 0.0 ? fabs(re) : hypot(re, im);
    if (kmax) {
      if (a > mm || isnan(a)) mm = a;
    } else if (kmin) {
      if (a < mm || isnan(a)) mm = a;
    } else if (ord == 1.0) {
      acc_add(&acc, a);
    } else {
      acc_add(&acc, pow(a, ord));
    }
  }
  *out = (kmax || kmin) ? mm : acc_get(&acc);
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- exact sums (exact.h)
 * Each term is one rounded double added exactly. The loops spread consecutive terms over
 * EXACT_WAYS accumulators (so the read-modify-writes of neighbouring terms, which often hit the
 * same digits, do not wait on one another), fold them into the total every EXACT_CHUNK elements,
 * long before a digit could overflow, and hand back the total normalised. */
#define EXACT_WAYS 4
#define EXACT_CHUNK (INT64_C(1) << 20)

typedef struct {
  dlops_exact w[EXACT_WAYS];
} exact_ways;

/* total += every way (each received at most adds raw adds since it was zeroed); ways zeroed. */
static void exact_fold(dlops_exact *total, exact_ways *ws, int64_t adds) {
  for (int j = 0; j < EXACT_WAYS; j++) {
    ws->w[j].limb[DLOPS_EXACT_UNITS] = adds;
    dlops_exact_merge(total, &ws->w[j]);
    dlops_exact_zero(&ws->w[j]);
  }
  dlops_exact_normalize(total);
}

/* Run the body (the variadic part, which adds terms with EXACT_TERM(acc_ways, value)) for i in [0, n), TPE terms per
 * element and accumulator at most, folding ways WS1 (and WS2) into totals T1 (T2). */
#define EXACT_LOOP(n, TPE, WS1, T1, WS2, T2, ...)                                       \
  do {                                                                                  \
    for (int64_t c0_ = 0; c0_ < (n); c0_ += EXACT_CHUNK) {                              \
      const int64_t c1_ = (n) - c0_ < EXACT_CHUNK ? (n) : c0_ + EXACT_CHUNK;            \
      for (int64_t i = c0_; i < c1_; i++) {                                             \
        const int j_ = (int)(i & (EXACT_WAYS - 1));                                     \
        (void)j_;                                                                       \
        __VA_ARGS__                                                                     \
      }                                                                                 \
      const int64_t adds_ = (TPE) * ((c1_ - c0_) / EXACT_WAYS + 1);                     \
      exact_fold((T1), (WS1), adds_);                                                   \
      if (WS2) exact_fold((T2), (WS2), adds_);                                          \
    }                                                                                   \
  } while (0)
#define EXACT_TERM(ws, v) dlops_exact_add_raw((ws)->w[j_].limb, (v))

/* The fast path of the real kernels: exponent bins. Term v = +-m 2^(e-1075) adds +-m (53 bits)
 * to bin e of one of BIN_WAYS arrays of 2048 int64 (one read-modify-write a term instead of
 * three; the ways keep terms of equal exponent from waiting on one another); 2^10 terms fit a
 * bin, so every BIN_FLUSH terms a way's touched bins [lo, hi] go into the accumulator. */
#define BIN_WAYS 4
#define BIN_FLUSH 1024
/* below this many elements, clearing the bins costs more than they save */
#define BIN_MIN_N 4096

typedef struct {
  int64_t bin[BIN_WAYS][2048];
  int lo[BIN_WAYS], hi[BIN_WAYS];
} exact_bins;

/* limb += v 2^(p - 1088) for an int64 v: each of three digits receives less than 2^33 (two
 * units of the digit bound). */
static inline void exact_add_int(int64_t *limb, int64_t v, uint32_t p) {
  const uint32_t k = p >> 5, s = p & 31;
  const int64_t lo = (int64_t)((uint64_t)v & 0xffffffffu), hi = (v - lo) / (INT64_C(1) << 32);
  const uint64_t a = (uint64_t)lo << s;
  const int64_t t = hi * (INT64_C(1) << s), tlo = (int64_t)((uint64_t)t & 0xffffffffu);
  limb[k] += (int64_t)(a & 0xffffffffu);
  limb[k + 1] += (int64_t)(a >> 32) + tlo;
  limb[k + 2] += (t - tlo) / (INT64_C(1) << 32);
}

static void bins_flush(exact_bins *b, int w, dlops_exact *tot) {
  if (b->lo[w] > b->hi[w]) return;
  if (tot->limb[DLOPS_EXACT_UNITS] > DLOPS_EXACT_MAX_UNITS - 2 * 2048) dlops_exact_normalize(tot);
  for (int e = b->lo[w]; e <= b->hi[w]; e++)
    if (b->bin[w][e]) {
      exact_add_int(tot->limb, b->bin[w][e], (uint32_t)e + (DLOPS_EXACT_BIAS - 1075));
      b->bin[w][e] = 0;
      tot->limb[DLOPS_EXACT_UNITS] += 2;
    }
  b->lo[w] = 2048;
  b->hi[w] = -1;
}

static inline void bins_add(exact_bins *b, int w, dlops_exact *tot, double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  int e = (int)(u >> 52) & 0x7ff;
  if (e == 0x7ff) { /* inf, NaN: counted in the flags */
    dlops_exact_add_raw(tot->limb, v);
    return;
  }
  const int64_t m = (int64_t)((u & ((UINT64_C(1) << 52) - 1)) | ((uint64_t)(e != 0) << 52)), neg = -(int64_t)(u >> 63);
  e += e == 0;
  b->bin[w][e] += (m ^ neg) - neg;
  b->lo[w] = e < b->lo[w] ? e : b->lo[w];
  b->hi[w] = e > b->hi[w] ? e : b->hi[w];
}

/* *tot = sum of TERM(i) over [0, n) (TERM a double expression of i), normalised. */
#define BINS_SUM(n, tot, TERM)                                                        \
  do {                                                                                \
    exact_bins *b_ = malloc(sizeof *b_);                                              \
    if (!b_) return DLOPS_ERROR(m->ctx, DLOPS_ERR_MEM, "cannot allocate exponent bins"); \
    memset(b_->bin, 0, sizeof b_->bin);                                               \
    for (int w_ = 0; w_ < BIN_WAYS; w_++) b_->lo[w_] = 2048, b_->hi[w_] = -1;         \
    dlops_exact_zero(tot);                                                            \
    for (int64_t c0_ = 0; c0_ < (n); c0_ += BIN_WAYS * BIN_FLUSH) {                   \
      const int64_t c1_ = (n) - c0_ < BIN_WAYS * BIN_FLUSH ? (n) : c0_ + BIN_WAYS * BIN_FLUSH; \
      int64_t i = c0_;                                                                \
      for (; i + BIN_WAYS <= c1_; i += BIN_WAYS)                                      \
        for (int w_ = 0; w_ < BIN_WAYS; w_++) {                                       \
          const int64_t i_ = i + w_;                                                  \
          bins_add(b_, w_, (tot), (TERM(i_)));                                        \
        }                                                                             \
      for (; i < c1_; i++) bins_add(b_, 0, (tot), (TERM(i)));                         \
      for (int w_ = 0; w_ < BIN_WAYS; w_++) bins_flush(b_, w_, (tot));                \
    }                                                                                 \
    free(b_);                                                                         \
    dlops_exact_normalize(tot);                                                       \
  } while (0)
#define TERM_DOT_D(i) (a[i] * b[i])
#define TERM_DOT_S(i) ((double)a[i] * (double)b[i])
#define TERM_SQ_D(i) (a[i] * a[i])

static int h_dot_exact(dlops_mem *m, const void *x, const void *y, int64_t n, dlops_dtype t, int conj_x,
                       dlops_exact *re, dlops_exact *im) {
  (void)m;
  exact_ways wr, wi;
  dlops_exact tr, ti;
  memset(&wr, 0, sizeof wr);
  memset(&wi, 0, sizeof wi);
  dlops_exact_zero(&tr);
  dlops_exact_zero(&ti);
  exact_ways *no = NULL, *pwi = &wi;
  switch (t) {
    case DLOPS_F64: {
      const double *a = x, *b = y;
      if (n >= BIN_MIN_N)
        BINS_SUM(n, &tr, TERM_DOT_D);
      else
        EXACT_LOOP(n, 1, &wr, &tr, no, &ti, EXACT_TERM(&wr, a[i] * b[i]););
      break;
    }
    case DLOPS_F32: { /* the product of two floats is exact in double */
      const float *a = x, *b = y;
      if (n >= BIN_MIN_N)
        BINS_SUM(n, &tr, TERM_DOT_S);
      else
        EXACT_LOOP(n, 1, &wr, &tr, no, &ti, EXACT_TERM(&wr, (double)a[i] * (double)b[i]););
      break;
    }
    default: {
      /* conj?(x) y: each of the four products is rounded once and added exactly (no rounded
       * difference, no room for a fused multiply-add: every space gets the same terms) */
      const double s = conj_x ? -1.0 : 1.0;
      EXACT_LOOP(n, 2, &wr, &tr, pwi, &ti, {
        double xr, xi, yr, yi;
        load(x, t, i, &xr, &xi);
        load(y, t, i, &yr, &yi);
        xi *= s;
        EXACT_TERM(&wr, xr * yr);
        EXACT_TERM(&wr, -(xi * yi));
        EXACT_TERM(&wi, xr * yi);
        EXACT_TERM(&wi, xi * yr);
      });
      break;
    }
  }
  dlops_exact_normalize(&tr);
  dlops_exact_normalize(&ti);
  *re = tr;
  if (im) *im = ti;
  return DLOPS_SUCCESS;
}

static int h_norm_exact(dlops_mem *m, const void *x, int64_t n, dlops_dtype t, double ord, dlops_exact *acc) {
  if (isinf(ord) || isnan(ord))
    return DLOPS_ERROR(m->ctx, DLOPS_ERR_ARG, "norm_exact sums |x|^ord: order %g is not a sum (max/min norms are exact already)",
                       ord);
  exact_ways w;
  dlops_exact tot;
  memset(&w, 0, sizeof w);
  dlops_exact_zero(&tot);
  exact_ways *no = NULL;
  if (ord == 2.0 && t == DLOPS_F64) {
    const double *a = x;
    if (n >= BIN_MIN_N)
      BINS_SUM(n, &tot, TERM_SQ_D);
    else
      EXACT_LOOP(n, 1, &w, &tot, no, &tot, EXACT_TERM(&w, a[i] * a[i]););
  } else if (ord == 2.0) { /* re^2 and im^2 as two terms */
    EXACT_LOOP(n, 2, &w, &tot, no, &tot, {
      double re, im;
      load(x, t, i, &re, &im);
      EXACT_TERM(&w, re * re);
      EXACT_TERM(&w, im * im);
    });
  } else if (ord == 0.0) {
    EXACT_LOOP(n, 1, &w, &tot, no, &tot, {
      double re, im;
      load(x, t, i, &re, &im);
      EXACT_TERM(&w, (re != 0.0 || im != 0.0) ? 1.0 : 0.0);
    });
  } else {
    EXACT_LOOP(n, 1, &w, &tot, no, &tot, {
      double re, im;
      load(x, t, i, &re, &im);
      const double a = im == 0.0 ? fabs(re) : hypot(re, im);
      EXACT_TERM(&w, ord == 1.0 ? a : pow(a, ord));
    });
  }
  dlops_exact_normalize(&tot);
  *acc = tot;
  return DLOPS_SUCCESS;
}

static int h_random(dlops_mem *m, dlops_dtype t, const dlops_mem_rand *r, void *x) {
  (void)m;
  const int nd = r->ndim, c = is_complex(t);
  int64_t nloc = 1;
  for (int d = 0; d < nd; d++) nloc *= r->lshape[d];
  int64_t idx[DLOPS_MAX_NDIM] = {0};
  const double w = r->hi - r->lo;
  for (int64_t l = 0; l < nloc; l++) {
    uint64_t g = 0; /* global flat index of local element l (C order) */
    for (int d = 0; d < nd; d++) g = g * (uint64_t)r->gshape[d] + (uint64_t)(idx[d] + (d == r->axis ? r->offset : 0));
    g += r->base;
    double re = r->lo + w * dlops_k_rand01(r->seed, 2 * g), im = c ? r->lo + w * dlops_k_rand01(r->seed, 2 * g + 1) : 0;
    store(x, t, l, re, im);
    for (int d = nd - 1; d >= 0; d--) {
      if (++idx[d] < r->lshape[d]) break;
      idx[d] = 0;
    }
  }
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- strided copies */
#define STRIDED_TILE 16
/* Advance the multi-index idx (and the offsets it gives in dst and src) by one over every axis
 * but skip1 and skip2, last axis fastest; 0 when it wraps around (all done). */
static inline int next_index(int nd, const int64_t *sh, const int64_t *ds, const int64_t *ss, int skip1, int skip2,
                             int64_t *idx, int64_t *doff, int64_t *soff) {
  for (int k = nd - 1; k >= 0; k--) {
    if (k == skip1 || k == skip2) continue;
    idx[k]++;
    *doff += ds[k];
    *soff += ss[k];
    if (idx[k] < sh[k]) return 1;
    *doff -= idx[k] * ds[k];
    *soff -= idx[k] * ss[k];
    idx[k] = 0;
  }
  return 0;
}
/* Copy of an nd-axis box whose last axis is contiguous in dst and axis p contiguous in src: the
 * axes other than (p, last) one element at a time, (p, last) in tiles. */
static void strided_tiled(size_t es, int nd, const int64_t *sh, const int64_t *ds, const int64_t *ss, int p, void *dst,
                          const void *src) {
  const int last = nd - 1;
  const int64_t np = sh[p], nl = sh[last], dp = ds[p], sl = ss[last];
  int64_t idx[DLOPS_MAX_NDIM] = {0}, doff = 0, soff = 0;
  for (;;) {
    char *d = (char *)dst + (size_t)doff * es;
    const char *s = (const char *)src + (size_t)soff * es;
    for (int64_t a0 = 0; a0 < np; a0 += STRIDED_TILE)
      for (int64_t b0 = 0; b0 < nl; b0 += STRIDED_TILE) {
        const int64_t a1 = a0 + STRIDED_TILE < np ? a0 + STRIDED_TILE : np,
                      b1 = b0 + STRIDED_TILE < nl ? b0 + STRIDED_TILE : nl;
        for (int64_t a = a0; a < a1; a++) {
          char *dr = d + (size_t)(a * dp) * es;
          const char *sr = s + (size_t)a * es;
          switch (es) {
            case 4: for (int64_t b = b0; b < b1; b++) memcpy(dr + (size_t)b * 4, sr + (size_t)(b * sl) * 4, 4); break;
            case 8: for (int64_t b = b0; b < b1; b++) memcpy(dr + (size_t)b * 8, sr + (size_t)(b * sl) * 8, 8); break;
            default: for (int64_t b = b0; b < b1; b++) memcpy(dr + (size_t)b * 16, sr + (size_t)(b * sl) * 16, 16); break;
          }
        }
      }
    if (!next_index(nd, sh, ds, ss, p, last, idx, &doff, &soff)) break;
  }
}

static int h_strided(dlops_mem *m, size_t es, const dlops_mem_strided *s, void *dst, const void *src) {
  (void)m;
  /* drop unit axes, then merge axes that are contiguous in both arrays */
  int nd = 0;
  int64_t sh[DLOPS_MAX_NDIM], ds[DLOPS_MAX_NDIM], ss[DLOPS_MAX_NDIM];
  for (int k = 0; k < s->ndim; k++) {
    if (s->shape[k] == 0) return DLOPS_SUCCESS;
    if (s->shape[k] == 1) continue;
    if (nd > 0 && ds[nd - 1] == s->dst_stride[k] * s->shape[k] && ss[nd - 1] == s->src_stride[k] * s->shape[k]) {
      sh[nd - 1] *= s->shape[k];
      ds[nd - 1] = s->dst_stride[k];
      ss[nd - 1] = s->src_stride[k];
      continue;
    }
    sh[nd] = s->shape[k];
    ds[nd] = s->dst_stride[k];
    ss[nd] = s->src_stride[k];
    nd++;
  }
  if (nd == 0) { /* a single element */
    memcpy(dst, src, es);
    return DLOPS_SUCCESS;
  }
  const int last = nd - 1;
  /* A transpose (the last axis strided in the source, another axis contiguous there): tiles of
   * STRIDED_TILE x STRIDED_TILE elements over those two axes, so both the reads and the writes
   * use whole cache lines (a row-by-row gather reads one element per line). */
  if (nd >= 2 && ds[last] == 1 && ss[last] != 1 && (es == 4 || es == 8 || es == 16)) {
    int p = -1;
    for (int k = 0; k < last; k++)
      if (ss[k] == 1) p = k;
    if (p >= 0) {
      strided_tiled(es, nd, sh, ds, ss, p, dst, src);
      return DLOPS_SUCCESS;
    }
  }
  const int64_t run = sh[last], dl = ds[last], sl = ss[last];
  const int contiguous = dl == 1 && sl == 1;
  int64_t idx[DLOPS_MAX_NDIM] = {0}, doff = 0, soff = 0;
  for (;;) {
    char *d = (char *)dst + (size_t)doff * es;
    const char *sp = (const char *)src + (size_t)soff * es;
    if (contiguous) {
      memcpy(d, sp, (size_t)run * es);
    } else {
      switch (es) {
        case 4: for (int64_t i = 0; i < run; i++) memcpy(d + (size_t)(i * dl) * 4, sp + (size_t)(i * sl) * 4, 4); break;
        case 8: for (int64_t i = 0; i < run; i++) memcpy(d + (size_t)(i * dl) * 8, sp + (size_t)(i * sl) * 8, 8); break;
        case 16:
          for (int64_t i = 0; i < run; i++) memcpy(d + (size_t)(i * dl) * 16, sp + (size_t)(i * sl) * 16, 16);
          break;
        default:
          for (int64_t i = 0; i < run; i++) memcpy(d + (size_t)(i * dl) * es, sp + (size_t)(i * sl) * es, es);
          break;
      }
    }
    if (!next_index(nd, sh, ds, ss, last, last, idx, &doff, &soff)) break;
  }
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- stencils */
#define R DLOPS_STENCIL_REACH

/* A sum of stencil terms (stencil.h) is computed in one pass over the output: the flat local
 * array is cut into chunks of STENCIL_TILE reals. A single term runs each statement of its program
 * in order on the chunk (zeroed only where no SET assigns), then divides by the sampling. A sum of
 * accumulable programs is evaluated element by element in registers wherever every operand is
 * local (stencil_sum_: per element 0 + w0/h0 s.. + w1/h1 s.., up to three terms per loop), so the
 * output is written once and each input read once from memory, whatever the number of terms; other
 * sums evaluate each term into a small buffer and add it. Within a chunk a statement is one flat
 * loop over the reals whose operands are all local (vectorised whatever the row length: a
 * derivative along the last axis has rows of one element); only the reals of rows next to ghost
 * rows go through a per-row pointer lookup. Every output element still receives its statements in
 * program order, so a single term gives the same result, bit for bit, as running PyLops'
 * statements over whole arrays, and a sum the same bits whichever path an element takes. */
#define STENCIL_TILE 512 /* reals per chunk: the buffer, the output chunk and the operands stay in L1 */
#define STENCIL_SHORT 16 /* a sum's segments shorter than this go element by element, without loop calls */

typedef struct {
  int64_t lo, hi, flo, fhi; /* a statement's reals in a block, and those with local operands only */
} stmt_range;

/* Reals of each statement, relative to the start of a block (of args' nrows rows). */
static void stmt_ranges(const dlops_stencil_prog *p, const dlops_stencil_args *a, int64_t m, stmt_range *sr) {
  const int64_t r0 = a->row0, r1 = a->row0 + a->nrows;
  for (int s = 0; s < p->nst; s++) {
    const dlops_stencil_stmt *st = &p->st[s];
    int dmin = st->d[0], dmax = st->d[0];
    for (int q = 1; q < dlops_stencil_nops(st->expr); q++) {
      dmin = st->d[q] < dmin ? st->d[q] : dmin;
      dmax = st->d[q] > dmax ? st->d[q] : dmax;
    }
    int64_t lo = st->lo > r0 ? st->lo : r0, hi = st->hi < r1 ? st->hi : r1;
    if (hi < lo) hi = lo;
    int64_t flo = r0 - dmin > lo ? r0 - dmin : lo, fhi = r1 - dmax < hi ? r1 - dmax : hi;
    if (fhi < flo) fhi = flo;
    sr[s] = (stmt_range){(lo - r0) * m, (hi - r0) * m, (flo - r0) * m, (fhi - r0) * m};
  }
}

/* Whether a program's value can be accumulated statement by statement into a sum (y += c * each
 * statement): no SET overlaps another statement's rows (every program deriv.c builds; a SET
 * after an ADD on the same row would discard it). */
static int prog_accumulable(const dlops_stencil_prog *p) {
  for (int s = 0; s < p->nst; s++) {
    if (p->st[s].mode != DLOPS_ST_SET) continue;
    for (int t = 0; t < p->nst; t++)
      if (t != s && p->st[t].lo < p->st[s].hi && p->st[s].lo < p->st[t].hi && p->st[t].lo < p->st[t].hi) return 0;
  }
  return 1;
}

/* Zeroes the reals [b0, b1) of a block (out points at b0) that no SET statement assigns: a SET
 * discards what was there, so only the rows the ADDs and SUBs start on (and rows no statement
 * touches) need the zero, and a chunk's output is not written twice where a SET covers it. With
 * no program (p NULL), all of them, through one memset call (see far_rows). */
static void zero_unset(const dlops_stencil_prog *p, const stmt_range *sr, int64_t b0, int64_t b1, char *out,
                       size_t es) {
  for (int64_t e = b0; e < b1;) {
    int64_t cover = e, next = b1; /* the furthest end of a SET covering e; the nearest SET start after e */
    for (int s = 0; p && s < p->nst; s++) {
      if (p->st[s].mode != DLOPS_ST_SET || sr[s].hi <= sr[s].lo) continue;
      if (sr[s].lo <= e && sr[s].hi > cover) cover = sr[s].hi;
      if (sr[s].lo > e && sr[s].lo < next) next = sr[s].lo;
    }
    if (cover > e) {
      e = cover;
    } else {
      memset(out + (size_t)(e - b0) * es, 0, (size_t)(next - e) * es);
      e = next;
    }
  }
}

/* Whether a statement reads three or more rows of a program whose rows are longer than one real:
 * then a single term's chunk is zeroed only where no SET assigns (zero_unset), else all of it
 * first. Measured (bench_kernels, AMD EPYC Zen 4, glibc): zeroing the whole chunk first (a memset
 * call) makes the statement loops of first derivatives and of last-axis ones about 1.3x faster
 * (the output lines are claimed by the memset's wide stores before the loop writes them), but
 * second derivatives along axes 0 and 1 1.2x slower (the claimed chunk competes in L1 with the
 * trailing operand rows, read again a row or a plane later). */
static int far_rows(const dlops_stencil_prog *p, int64_t m) {
  for (int s = 0; s < p->nst && m > 1; s++)
    if (dlops_stencil_nops(p->st[s].expr) >= 3) return 1;
  return 0;
}

/* The expressions the fused sum evaluates: those of the derivative programs' interior rows,
 * forward and (merged) adjoint. */
static int fused_expr(int e) {
  return e == DLOPS_E_DIFF || e == DLOPS_E_HALFDIFF || e == DLOPS_E_SD || e == DLOPS_E_HALFSUB || e == DLOPS_E_C5;
}

/* A term of a sum, segment by segment: a block's reals cut at every statement's ends and the ends
 * of its local part (the same cuts in every block), each segment with its statements (bit s:
 * statement s, applied in program order) and whether all their operands are local rows there;
 * and where the sum stands: segment j, which ends at real end of the flat local array. Built once
 * a call, so that finding a segment is a step along the table, not a scan of the statements. */
#define SEG_MAX (4 * DLOPS_STENCIL_MAXST + 1)
typedef struct {
  int64_t B, end;
  int nseg, j;
  int64_t bp[SEG_MAX + 1]; /* segment j: reals [bp[j], bp[j + 1]) of a block */
  uint32_t mask[SEG_MAX];
  unsigned char local[SEG_MAX];
} term_seg;

static void term_table(const dlops_stencil_prog *p, const stmt_range *sr, int64_t B, term_seg *ts) {
  int n = 0;
  ts->B = B;
  ts->bp[n++] = 0;
  ts->bp[n++] = B;
  for (int s = 0; s < p->nst; s++) {
    const int64_t c[4] = {sr[s].lo, sr[s].hi, sr[s].flo, sr[s].fhi};
    for (int q = 0; q < 4; q++) { /* sorted insertion, without repeats (the ranges lie in [0, B]) */
      int i = n;
      while (i > 0 && ts->bp[i - 1] > c[q]) i--;
      if (i > 0 && ts->bp[i - 1] == c[q]) continue;
      memmove(ts->bp + i + 1, ts->bp + i, sizeof ts->bp[0] * (size_t)(n - i));
      ts->bp[i] = c[q];
      n++;
    }
  }
  ts->nseg = n - 1;
  for (int j = 0; j < ts->nseg; j++) {
    const int64_t e = ts->bp[j];
    ts->mask[j] = 0;
    ts->local[j] = 1;
    for (int s = 0; s < p->nst; s++)
      if (sr[s].lo <= e && e < sr[s].hi) {
        ts->mask[j] |= UINT32_C(1) << s;
        ts->local[j] = ts->local[j] && sr[s].flo <= e && e < sr[s].fhi;
      }
  }
  ts->j = 0;
  ts->end = -1; /* nothing found yet */
}

/* Moves the term to the segment holding real pos (at or after the previous one). */
static void term_segment(term_seg *ts, int64_t pos) {
  const int64_t o = pos / ts->B, e = pos - o * ts->B;
  if (e < ts->bp[ts->j]) ts->j = 0; /* a new block */
  while (ts->bp[ts->j + 1] <= e) ts->j++;
  ts->end = o * ts->B + ts->bp[ts->j + 1];
}

#define DEFINE_STENCIL(T, S)                                                                                   \
  /* Input row g of block o: local, a ghost row, or NULL when the program never reads it (m reals a row). */   \
  static inline const T *row_##S(const dlops_stencil_args *a, const T *x, int64_t g, int64_t o, int64_t m) {   \
    if (g >= a->row0 && g < a->row0 + a->nrows) return x + (o * a->nrows + (g - a->row0)) * m;                 \
    int64_t pos = g < a->row0 ? g - (a->row0 - R) : R + (g - (a->row0 + a->nrows));                             \
    if (!a->ghost || pos < 0 || pos >= 2 * R || a->gmap[pos] < 0) return NULL;                                 \
    return (const T *)a->ghost + a->gmap[pos] * m;                                                              \
  }                                                                                                             \
  /* One statement on len reals of operand rows ra..rd into yr (STENCIL_MODE: its mode, or added times sc       \
   * into a sum when scaled). */                                                                                \
  static void apply_##S(const dlops_stencil_stmt *st, int cplx, int scaled, T sc, const T *ra, const T *rb,     \
                        const T *rc, const T *rd, T *yr, int64_t len) {                                         \
    STENCIL_EXPRS(S)                                                                                            \
  }                                                                                                             \
  /* Statement st on the reals [e0, e1) of block o (relative to the block), into out[0..e1-e0). */             \
  static void stmt_##S(const dlops_stencil_stmt *st, const stmt_range *sr, const dlops_stencil_args *a, int cplx, \
                       const T *x, int64_t o, int64_t m, int64_t e0, int64_t e1, T *out, int scaled, T sc) {    \
    const int no = dlops_stencil_nops(st->expr);                                                                \
    const int64_t f0 = sr->flo > e0 ? sr->flo : e0, f1 = sr->fhi < e1 ? sr->fhi : e1;                           \
    if (f1 > f0) { /* operands all local: one flat loop */                                                     \
      const T *xi = x + o * a->nrows * m + f0;                                                                  \
      const T *ra = xi + st->d[0] * m, *rb = no > 1 ? xi + st->d[1] * m : ra;                                  \
      const T *rc = no > 2 ? xi + st->d[2] * m : ra, *rd = no > 3 ? xi + st->d[3] * m : ra;                    \
      apply_##S(st, cplx, scaled, sc, ra, rb, rc, rd, out + (f0 - e0), f1 - f0);                                \
    }                                                                                                           \
    /* the reals before and after the local range, row by row */                                               \
    for (int piece = 0; piece < 2; piece++) {                                                                   \
      int64_t p0 = piece ? (f1 > f0 ? f1 : e0) : e0, p1 = piece ? e1 : (f1 > f0 ? f0 : e1);                    \
      if (piece && f1 <= f0) break; /* no local range: the first piece was everything */                      \
      for (int64_t e = p0; e < p1;) {                                                                           \
        const int64_t i = a->row0 + e / m, k0 = e % m, end = (e / m + 1) * m < p1 ? (e / m + 1) * m : p1;      \
        const T *ra = row_##S(a, x, i + st->d[0], o, m), *rb = no > 1 ? row_##S(a, x, i + st->d[1], o, m) : ra; \
        const T *rc = no > 2 ? row_##S(a, x, i + st->d[2], o, m) : ra;                                          \
        const T *rd = no > 3 ? row_##S(a, x, i + st->d[3], o, m) : ra;                                          \
        if (ra && rb && rc && rd) {                                                                             \
          ra += k0, rb += k0, rc += k0, rd += k0;                                                               \
          apply_##S(st, cplx, scaled, sc, ra, rb, rc, rd, out + (e - e0), end - e);                             \
        }                                                                                                       \
        e = end;                                                                                                \
      }                                                                                                         \
    }                                                                                                           \
  }                                                                                                             \
  /* Term tm on the reals [c0, c1) of the flat local array, before the division by the sampling,              \
   * into out[0..c1-c0): zero 1 first zeroes the reals no SET assigns, 2 all of them (far_rows), 0 none     \
   * (a sum); scaled adds every statement's value times sc. */                                                  \
  static void term_##S(const dlops_stencil_term *tm, const stmt_range *sr, int cplx, int64_t c0, int64_t c1,     \
                       T *out, int zero, int scaled, T sc) {                                                    \
    const dlops_stencil_prog *p = tm->prog;                                                                     \
    const dlops_stencil_args *a = &tm->args;                                                                    \
    const int64_t m = cplx ? 2 * a->inner : a->inner, B = a->nrows * m;                                         \
    const T *x = tm->x;                                                                                         \
    for (int64_t o = c0 / B; o * B < c1; o++) {                                                                 \
      const int64_t b0 = (c0 > o * B ? c0 : o * B) - o * B, b1 = (c1 < (o + 1) * B ? c1 : (o + 1) * B) - o * B; \
      T *ob = out + (o * B + b0 - c0);                                                                          \
      if (zero) zero_unset(zero == 1 ? p : NULL, sr, b0, b1, (char *)ob, sizeof(T));                           \
      for (int s = 0; s < p->nst; s++) {                                                                        \
        const int64_t e0 = sr[s].lo > b0 ? sr[s].lo : b0, e1 = sr[s].hi < b1 ? sr[s].hi : b1;                   \
        if (e1 > e0) stmt_##S(&p->st[s], &sr[s], a, cplx, x, o, m, e0, e1, ob + (e0 - b0), scaled, sc);        \
      }                                                                                                         \
    }                                                                                                           \
  }                                                                                                             \
  /* The finished, weighted value of a term: fm 0 (sampling 1) v, 1 v * rh (complex, numpy's rule; or a power \
   * of two, where it equals v / h exactly), 2 v / h; then times w unless w is 1. */                         \
  static inline T fin_##S(int fm, T v, T h, T rh, int weighted, double w) {                                     \
    const T f = fm == 0 ? v : fm == 1 ? v * rh : v / h;                                                          \
    return weighted ? (T)(w * (double)f) : f;                                                                   \
  }                                                                                                             \
  /* Up to three terms (nt) of one expression e on len reals, in registers: v = ((v + s0 e0) + s1 e1) + s2 e2   \
   * from v = 0 (first) or the output: the term-by-term path's additions in its order (a SUB's -= s e is        \
   * += (-s) e, the same bits), with one store instead of a load and a store per term. */                       \
  static void fused_##S(int e, int cplx, int nt, int first, int64_t len, T *restrict yr, const T *const (*op)[4], \
                        const T *sg) {                                                                          \
    const T *a0 = op[0][0], *b0 = op[0][1], *c0 = op[0][2], *d0 = op[0][3];                                     \
    const T *a1 = op[nt > 1][0], *b1 = op[nt > 1][1], *c1 = op[nt > 1][2], *d1 = op[nt > 1][3];                 \
    const T *a2 = op[nt > 2 ? 2 : 0][0], *b2 = op[nt > 2 ? 2 : 0][1], *c2 = op[nt > 2 ? 2 : 0][2];              \
    const T *d2 = op[nt > 2 ? 2 : 0][3], s0 = sg[0], s1 = sg[nt > 1], s2 = sg[nt > 2 ? 2 : 0];                  \
    switch (e) {                                                                                                \
      case DLOPS_E_DIFF: STENCIL_FUSED_NT(T, S, DLOPS_E_DIFF, 0) break;                                         \
      case DLOPS_E_HALFDIFF: STENCIL_FUSED_NT(T, S, DLOPS_E_HALFDIFF, 0) break;                                 \
      case DLOPS_E_SD: STENCIL_FUSED_NT(T, S, DLOPS_E_SD, 0) break;                                             \
      case DLOPS_E_HALFSUB: STENCIL_FUSED_NT(T, S, DLOPS_E_HALFSUB, 0) break;                                   \
      default:                                                                                                  \
        if (cplx) {                                                                                             \
          STENCIL_FUSED_NT(T, S, DLOPS_E_C5, 1)                                                                 \
        } else {                                                                                                \
          STENCIL_FUSED_NT(T, S, DLOPS_E_C5, 0)                                                                 \
        }                                                                                                       \
        break;                                                                                                  \
    }                                                                                                           \
  }                                                                                                             \
  /* A sum of accumulable terms on the reals [c0, c1) into yc, segment by segment (term_segment; ts says        \
   * where each term stands, carried over from the previous chunk). Where every operand is local, each          \
   * element gets its terms' statements in order in registers, runs of up to three of one interior              \
   * expression per loop (fused_), the others one by one (apply_); where a ghost row is read, term by           \
   * term (term_). Either way every element receives the same additions in the same order. */                   \
  static void stencil_sum_##S(int nterm, const dlops_stencil_term *terms, const stmt_range (*sr)[DLOPS_STENCIL_MAXST], \
                              const T *sc, int cplx, int64_t c0, int64_t c1, T *yc, term_seg *ts) {             \
    for (int64_t pos = c0; pos < c1;) {                                                                         \
      int64_t end = c1;                                                                                         \
      int local = 1;                                                                                            \
      for (int k = 0; k < nterm; k++) {                                                                         \
        if (ts[k].end <= pos) term_segment(&ts[k], pos);                                                        \
        end = ts[k].end < end ? ts[k].end : end;                                                                \
        local = local && ts[k].local[ts[k].j];                                                                  \
      }                                                                                                         \
      const int64_t len = end - pos;                                                                            \
      T *ys = yc + (pos - c0);                                                                                  \
      if (!local) {                                                                                             \
        memset(ys, 0, sizeof(T) * (size_t)len);                                                                 \
        for (int k = 0; k < nterm; k++) term_##S(&terms[k], sr[k], cplx, pos, end, ys, 0, 1, sc[k]);            \
        pos = end;                                                                                              \
        continue;                                                                                               \
      }                                                                                                         \
      const dlops_stencil_stmt *it[DLOPS_STENCIL_MAXTERM * DLOPS_STENCIL_MAXST];                                \
      const T *op[DLOPS_STENCIL_MAXTERM * DLOPS_STENCIL_MAXST][4];                                              \
      T isc[DLOPS_STENCIL_MAXTERM * DLOPS_STENCIL_MAXST];                                                       \
      int ni = 0;                                                                                               \
      for (int k = 0; k < nterm; k++) {                                                                         \
        const int64_t m = cplx ? 2 * terms[k].args.inner : terms[k].args.inner;                                 \
        const T *xi = (const T *)terms[k].x + pos; /* block o, real e of it: x + o B + e */                     \
        for (int j = 0; j < terms[k].prog->nst; j++) {                                                          \
          if (!(ts[k].mask[ts[k].j] >> j & 1)) continue;                                                        \
          it[ni] = &terms[k].prog->st[j];                                                                       \
          const int no = dlops_stencil_nops(it[ni]->expr);                                                      \
          for (int q = 0; q < 4; q++) op[ni][q] = xi + it[ni]->d[q < no ? q : 0] * m;                           \
          isc[ni++] = sc[k];                                                                                    \
        }                                                                                                       \
      }                                                                                                         \
      if (len < STENCIL_SHORT) { /* a few reals (edge rows of a last-axis term): element by element */        \
        for (int64_t q = 0; q < len; q++) {                                                                     \
          T v = 0;                                                                                              \
          for (int g = 0; g < ni; g++) {                                                                        \
            const T e = dlops_stencil_eval_##S(it[g]->expr, cplx, op[g][0][q], op[g][1][q], op[g][2][q], op[g][3][q]); \
            v = it[g]->mode == DLOPS_ST_SUB ? v - isc[g] * e : v + isc[g] * e;                                  \
          }                                                                                                     \
          ys[q] = v;                                                                                            \
        }                                                                                                       \
        pos = end;                                                                                              \
        continue;                                                                                               \
      }                                                                                                         \
      if (!ni || !fused_expr(it[0]->expr)) memset(ys, 0, sizeof(T) * (size_t)len); /* apply_ adds to it */      \
      for (int g = 0; g < ni;) {                                                                                \
        if (!fused_expr(it[g]->expr)) {                                                                         \
          apply_##S(it[g], cplx, 1, isc[g], op[g][0], op[g][1], op[g][2], op[g][3], ys, len);                   \
          g++;                                                                                                  \
          continue;                                                                                             \
        }                                                                                                       \
        T sg[3];                                                                                                \
        int nt = 0;                                                                                             \
        for (; nt < 3 && g + nt < ni && it[g + nt]->expr == it[g]->expr; nt++)                                  \
          sg[nt] = it[g + nt]->mode == DLOPS_ST_SUB ? -isc[g + nt] : isc[g + nt]; /* y - s e = y + (-s) e */    \
        fused_##S(it[g]->expr, cplx, nt, g == 0, len, ys, (const T *const(*)[4])(op + g), sg);                  \
        g += nt;                                                                                                \
      }                                                                                                         \
      pos = end;                                                                                                \
    }                                                                                                           \
  }                                                                                                             \
  static void stencil_##S(int nterm, const dlops_stencil_term *terms, int cplx, int64_t r0, int64_t r1, T *y) {  \
    stmt_range sr[DLOPS_STENCIL_MAXTERM][DLOPS_STENCIL_MAXST];                                                  \
    int fm = 0, acc = nterm > 1;                                                                                \
    T h = 1, rh = 1, sc[DLOPS_STENCIL_MAXTERM];                                                                 \
    for (int k = 0; k < nterm; k++) {                                                                           \
      stmt_ranges(terms[k].prog, &terms[k].args, cplx ? 2 * terms[k].args.inner : terms[k].args.inner, sr[k]);  \
      sc[k] = (T)(terms[k].weight / terms[k].prog->scale);                                                      \
      acc = acc && prog_accumulable(terms[k].prog);                                                             \
    }                                                                                                           \
    if (nterm == 1) { /* PyLops' division by the sampling, exactly */                                          \
      h = (T)terms[0].prog->scale;                                                                              \
      rh = (T)1.0 / h;                                                                                          \
      int ex;                                                                                                   \
      const int pow2 = isfinite(h) && frexp((double)h, &ex) == 0.5 && isnormal(rh);                             \
      fm = h == (T)1.0 ? 0 : (cplx || pow2) ? 1 : 2;                                                            \
    }                                                                                                           \
    const int wt = nterm == 1 && terms[0].weight != 1.0;                                                        \
    const int64_t m0 = cplx ? 2 * terms[0].args.inner : terms[0].args.inner;                                    \
    const int prezero = nterm == 1 && !far_rows(terms[0].prog, m0);                                             \
    _Alignas(64) T buf[STENCIL_TILE];                                                                           \
    term_seg ts[DLOPS_STENCIL_MAXTERM]; /* a sum's segments, carried from chunk to chunk */                    \
    for (int k = 0; k < nterm && acc; k++)                                                                      \
      term_table(terms[k].prog, sr[k], terms[k].args.nrows * (cplx ? 2 : 1) * terms[k].args.inner, &ts[k]);    \
    for (int64_t c0 = r0; c0 < r1; c0 += STENCIL_TILE) {                                                        \
      const int64_t c1 = r1 - c0 < STENCIL_TILE ? r1 : c0 + STENCIL_TILE, nt = c1 - c0;                         \
      T *yc = y + c0;                                                                                           \
      if (acc) { /* a sum: every statement adds its value times w / h straight into the output chunk */       \
        stencil_sum_##S(nterm, terms, (const stmt_range(*)[DLOPS_STENCIL_MAXST])sr, sc, cplx, c0, c1, yc, ts);  \
      } else if (nterm == 1) {                                                                                  \
        term_##S(&terms[0], sr[0], cplx, c0, c1, yc, prezero ? 2 : 1, 0, 1);                                    \
        if (fm || wt)                                                                                           \
          for (int64_t q = 0; q < nt; q++) yc[q] = fin_##S(fm, yc[q], h, rh, wt, terms[0].weight);              \
      } else { /* a program that overwrites its own statements: each term apart, then added */                \
        for (int k = 0; k < nterm; k++) {                                                                       \
          T *out = k ? buf : yc;                                                                                \
          term_##S(&terms[k], sr[k], cplx, c0, c1, out, 1, 0, 1);                                               \
          if (k == 0)                                                                                           \
            for (int64_t q = 0; q < nt; q++) yc[q] = yc[q] * sc[0];                                             \
          else                                                                                                  \
            for (int64_t q = 0; q < nt; q++) yc[q] = yc[q] + buf[q] * sc[k];                                    \
        }                                                                                                       \
      }                                                                                                         \
    }                                                                                                           \
  }
/* One statement on len reals: the expression and the mode are constants in each loop, so the
 * shared per-element function folds into straight-line code. */
#define STENCIL_MODE(S, E, C)                                                                                  \
  switch (scaled ? (st->mode == DLOPS_ST_SUB ? 4 : 3) : st->mode) {                                            \
    case 3: /* a term of a sum, added scaled (SET and ADD alike; see stencil_) */                              \
      for (int64_t k = 0; k < len; k++) yr[k] += sc * dlops_stencil_eval_##S(E, C, ra[k], rb[k], rc[k], rd[k]); \
      break;                                                                                                   \
    case 4:                                                                                                    \
      for (int64_t k = 0; k < len; k++) yr[k] -= sc * dlops_stencil_eval_##S(E, C, ra[k], rb[k], rc[k], rd[k]); \
      break;                                                                                                   \
    case DLOPS_ST_SET:                                                                                         \
      for (int64_t k = 0; k < len; k++) yr[k] = dlops_stencil_eval_##S(E, C, ra[k], rb[k], rc[k], rd[k]);     \
      break;                                                                                                   \
    case DLOPS_ST_ADD:                                                                                         \
      for (int64_t k = 0; k < len; k++) yr[k] += dlops_stencil_eval_##S(E, C, ra[k], rb[k], rc[k], rd[k]);    \
      break;                                                                                                   \
    default:                                                                                                   \
      for (int64_t k = 0; k < len; k++) yr[k] -= dlops_stencil_eval_##S(E, C, ra[k], rb[k], rc[k], rd[k]);    \
      break;                                                                                                   \
  }
#define STENCIL_CASE(S, E)                                                                                     \
  case E:                                                                                                      \
    if (cplx) {                                                                                                \
      STENCIL_MODE(S, E, 1)                                                                                    \
    } else {                                                                                                   \
      STENCIL_MODE(S, E, 0)                                                                                    \
    }                                                                                                          \
    break;
#define STENCIL_EXPRS(S)                                                                                       \
  switch (st->expr) {                                                                                          \
    STENCIL_CASE(S, DLOPS_E_DIFF)                                                                              \
    STENCIL_CASE(S, DLOPS_E_HALFDIFF)                                                                          \
    STENCIL_CASE(S, DLOPS_E_C5)                                                                                \
    STENCIL_CASE(S, DLOPS_E_X)                                                                                 \
    STENCIL_CASE(S, DLOPS_E_HALF)                                                                              \
    STENCIL_CASE(S, DLOPS_E_TWO)                                                                               \
    STENCIL_CASE(S, DLOPS_E_DIV12)                                                                             \
    STENCIL_CASE(S, DLOPS_E_TWOTHIRD)                                                                          \
    STENCIL_CASE(S, DLOPS_E_SD)                                                                                \
    STENCIL_CASE(S, DLOPS_E_AHALFB)                                                                            \
    STENCIL_CASE(S, DLOPS_E_HALFSUB)                                                                           \
    default: STENCIL_MODE(S, DLOPS_E_HALFAB, 0) break;                                                         \
  }

/* The fused loops: nt terms (1-3), from 0 or from the output (first). */
#define STENCIL_FUSED_LOOP(T, S, E, C, NT, FIRST)                                                               \
  for (int64_t k = 0; k < len; k++) {                                                                           \
    T v = FIRST ? (T)0 : yr[k];                                                                                 \
    v += s0 * dlops_stencil_eval_##S(E, C, a0[k], b0[k], c0[k], d0[k]);                                         \
    if (NT > 1) v += s1 * dlops_stencil_eval_##S(E, C, a1[k], b1[k], c1[k], d1[k]);                             \
    if (NT > 2) v += s2 * dlops_stencil_eval_##S(E, C, a2[k], b2[k], c2[k], d2[k]);                             \
    yr[k] = v;                                                                                                  \
  }
#define STENCIL_FUSED_NT(T, S, E, C)                                                                            \
  switch (nt * 2 + !!first) {                                                                                   \
    case 2: STENCIL_FUSED_LOOP(T, S, E, C, 1, 0) break;                                                         \
    case 3: STENCIL_FUSED_LOOP(T, S, E, C, 1, 1) break;                                                         \
    case 4: STENCIL_FUSED_LOOP(T, S, E, C, 2, 0) break;                                                         \
    case 5: STENCIL_FUSED_LOOP(T, S, E, C, 2, 1) break;                                                         \
    case 6: STENCIL_FUSED_LOOP(T, S, E, C, 3, 0) break;                                                         \
    default: STENCIL_FUSED_LOOP(T, S, E, C, 3, 1) break;                                                        \
  }

DEFINE_STENCIL(float, s)
DEFINE_STENCIL(double, d)
#undef R

static int h_stencil(dlops_mem *m, dlops_dtype t, int nterm, const dlops_stencil_term *terms, int64_t n, int64_t lo,
                     int64_t hi, void *y) {
  DLOPS_CALL(dlops_mem_stencil_check(m, nterm, n, lo, hi));
  const int c = is_complex(t);
  switch (t) {
    case DLOPS_F32:
    case DLOPS_C64: stencil_s(nterm, terms, c, c ? 2 * lo : lo, c ? 2 * hi : hi, y); break;
    default: stencil_d(nterm, terms, c, c ? 2 * lo : lo, c ? 2 * hi : hi, y); break;
  }
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- 1-D convolution */
static inline int64_t imax(int64_t a, int64_t b) { return a > b ? a : b; }
static inline int64_t imin(int64_t a, int64_t b) { return a < b ? a : b; }

/* y[i] = sum_q x[q] h[i + off - q] (forward), x[q] = sum_i conj(h[i + off - q]) y[i] (adjoint),
 * along the middle axis of outer x n x inner blocks; each output sums its taps in ascending
 * order (PyLops' direct loop, bit for bit).
 *
 * The output rows that receive every tap form one range; there a block's rows are one flat
 * array whatever the row length (a convolution along the last axis has rows of one element),
 * cut into chunks of CONV_TILE elements that stay in L1 while the taps go over them, four taps
 * per pass (((y + h0 x0) + h1 x1) + ...: the same additions in the same order, a quarter of the
 * stores). Only the rows near the ends, which receive fewer taps, go row by row. */
#define CONV_TILE 512
#define CONV_REAL(S, T)                                                                              \
  /* acc[0..len) += sum of taps h[j0..j1) over rows of src at stride -step (src points at tap j0) */ \
  static inline void conv_taps_##S(T *acc, const T *src, int64_t step, const T *h, int64_t nt, int64_t len) { \
    int64_t j = 0;                                                                                   \
    for (; j + 4 <= nt; j += 4) {                                                                    \
      const T *s0 = src - j * step, *s1 = s0 - step, *s2 = s1 - step, *s3 = s2 - step;              \
      const T h0 = h[j], h1 = h[j + 1], h2 = h[j + 2], h3 = h[j + 3];                                \
      for (int64_t k = 0; k < len; k++) acc[k] = (((acc[k] + h0 * s0[k]) + h1 * s1[k]) + h2 * s2[k]) + h3 * s3[k]; \
    }                                                                                                \
    for (; j < nt; j++) {                                                                            \
      const T *s0 = src - j * step, hj = h[j];                                                       \
      for (int64_t k = 0; k < len; k++) acc[k] += hj * s0[k];                                        \
    }                                                                                                \
  }                                                                                                  \
  /* Rows [ra, rb) that receive only some taps. Long rows: row by row, each row's taps in strips.  \
   * Short rows: out rows zeroed, then tap by tap (ascending) over the rows it reaches, one flat     \
   * loop each; out row i                                                                           \
   * reads src row i + sh - j (forward: dir 1, sh = off, lim = n) or i - sh + j (adjoint: dir -1, lim = ny). */ \
  static void conv_edge_##S(T *out, const T *src, const T *h, int64_t nh, int64_t in, int64_t ra,     \
                            int64_t rb, int64_t sh, int64_t lim, int dir) {                          \
    if (in >= CONV_TILE) { /* long rows: row by row, in column strips, every tap of a strip at once */ \
      for (int64_t i = ra; i < rb; i++) {                                                            \
        const int64_t jlo = dir > 0 ? imax(0, i + sh - lim + 1) : imax(0, sh - i),                    \
                      jhi = dir > 0 ? imin(nh - 1, i + sh) : imin(nh - 1, lim - 1 + sh - i);          \
        for (int64_t c0 = 0; c0 < in; c0 += CONV_TILE) {                                             \
          const int64_t len = imin(CONV_TILE, in - c0);                                              \
          T *o = out + i * in + c0;                                                                  \
          for (int64_t k = 0; k < len; k++) o[k] = 0;                                                \
          if (jhi < jlo) continue; /* no tap reaches the row (and its source row may not exist) */  \
          const T *s0 = src + (dir > 0 ? i + sh - jlo : i - sh + jlo) * in;                          \
          conv_taps_##S(o, s0 + c0, dir * in, h + jlo, jhi - jlo + 1, len);                          \
        }                                                                                            \
      }                                                                                              \
      return;                                                                                        \
    }                                                                                                \
    for (int64_t f = ra * in; f < rb * in; f++) out[f] = 0;                                          \
    for (int64_t j = 0; j < nh; j++) {                                                               \
      const int64_t jj = dir * j; /* forward: row i reads i + sh - j; adjoint: i - sh + j */         \
      const int64_t lo = imax(ra, jj - dir * sh), hi = imin(rb, dir > 0 ? lim + j - sh : lim + sh - j); \
      if (hi <= lo) continue;                                                                        \
      const T hj = h[j], *sp = src + (dir > 0 ? sh - j : j - sh) * in;                               \
      for (int64_t f = lo * in; f < hi * in; f++) out[f] += hj * sp[f];                              \
    }                                                                                                \
  }                                                                                                  \
  static void conv_fwd_##S(const dlops_mem_conv *d, const T *h, const T *x, T *y) {                  \
    const int64_t in = d->inner, ia = imin(d->ny, imax(0, d->nh - 1 - d->off)),                       \
                  ib = imax(ia, imin(d->ny, d->n - d->off));                                          \
    for (int64_t o = 0; o < d->outer; o++) {                                                         \
      const T *xo = x + o * d->n * in;                                                               \
      T *yo = y + o * d->ny * in;                                                                    \
      conv_edge_##S(yo, xo, h, d->nh, in, 0, ia, d->off, d->n, 1);                                   \
      if (in >= CONV_TILE) /* long rows: column strips, so the taps' rows stay in L2 down a strip */ \
        for (int64_t c0 = 0; c0 < in; c0 += CONV_TILE) {                                             \
          const int64_t len = imin(CONV_TILE, in - c0);                                              \
          for (int64_t i = ia; i < ib; i++) {                                                        \
            T *yr = yo + i * in + c0;                                                                \
            for (int64_t k = 0; k < len; k++) yr[k] = 0;                                             \
            conv_taps_##S(yr, xo + (i + d->off) * in + c0, in, h, d->nh, len);                       \
          }                                                                                          \
        }                                                                                            \
      else                                                                                           \
        for (int64_t f0 = ia * in; f0 < ib * in; f0 += CONV_TILE) { /* every tap: flat chunks */    \
          const int64_t len = imin(CONV_TILE, ib * in - f0);                                         \
          for (int64_t k = 0; k < len; k++) yo[f0 + k] = 0;                                          \
          conv_taps_##S(yo + f0, xo + f0 + d->off * in, in, h, d->nh, len);                          \
        }                                                                                            \
      conv_edge_##S(yo, xo, h, d->nh, in, ib, d->ny, d->off, d->n, 1);                               \
    }                                                                                                \
  }                                                                                                  \
  /* adjoint taps run over y at stride +inner: the same helper with a negative step */              \
  static void conv_adj_##S(const dlops_mem_conv *d, const T *h, const T *y, T *x) {                  \
    const int64_t in = d->inner, qa = imin(d->n, imax(0, d->off)),                                    \
                  qb = imax(qa, imin(d->n, d->ny - d->nh + d->off + 1));                              \
    for (int64_t o = 0; o < d->outer; o++) {                                                         \
      const T *yo = y + o * d->ny * in;                                                              \
      T *xo = x + o * d->n * in;                                                                     \
      conv_edge_##S(xo, yo, h, d->nh, in, 0, qa, d->off, d->ny, -1);                                 \
      if (in >= CONV_TILE)                                                                           \
        for (int64_t c0 = 0; c0 < in; c0 += CONV_TILE) {                                             \
          const int64_t len = imin(CONV_TILE, in - c0);                                              \
          for (int64_t q = qa; q < qb; q++) {                                                        \
            T *xr = xo + q * in + c0;                                                                \
            for (int64_t k = 0; k < len; k++) xr[k] = 0;                                             \
            conv_taps_##S(xr, yo + (q - d->off) * in + c0, -in, h, d->nh, len);                      \
          }                                                                                          \
        }                                                                                            \
      else                                                                                           \
        for (int64_t f0 = qa * in; f0 < qb * in; f0 += CONV_TILE) {                                  \
          const int64_t len = imin(CONV_TILE, qb * in - f0);                                         \
          for (int64_t k = 0; k < len; k++) xo[f0 + k] = 0;                                          \
          conv_taps_##S(xo + f0, yo + f0 - d->off * in, -in, h, d->nh, len);                         \
        }                                                                                            \
      conv_edge_##S(xo, yo, h, d->nh, in, qb, d->n, d->off, d->ny, -1);                              \
    }                                                                                                \
  }
/* Complex: the same split. The rows that receive every tap are flat chunks of CONV_TILE complex
 * elements whatever the row length (a convolution along the last axis, inner = 1, used to run
 * its innermost loop over one element), two taps per pass; rows of CONV_TILE elements or more
 * go in column strips down the rows, as the real case; the rows near the ends go row by row. Every output adds its taps in ascending order with dlops_k_cmac's arithmetic
 * (y + (hr xr - hi xi), y + (hr xi + hi xr)), so the bits are those of the plain loop. The
 * adjoint uses conj(h): sg = -1 negates the imaginary parts. */
#define CONV_CPLX(S, T, C)                                                                           \
  /* acc[0..len) += sum of taps h[0..nt) over complex rows of src at stride -step (tap 0 at src) */ \
  static inline void conv_ctaps_##S(T *acc, const T *src, int64_t step, const T *h, int64_t nt, int64_t len, \
                                    T sg) {                                                          \
    int64_t j = 0;                                                                                   \
    for (; j + 2 <= nt; j += 2) {                                                                    \
      const T *s0 = src - 2 * j * step, *s1 = s0 - 2 * step;                                         \
      const T h0r = h[2 * j], h0i = sg * h[2 * j + 1], h1r = h[2 * j + 2], h1i = sg * h[2 * j + 3];  \
      for (int64_t k = 0; k < len; k++) {                                                            \
        T ar = acc[2 * k], ai = acc[2 * k + 1];                                                      \
        const T x0r = s0[2 * k], x0i = s0[2 * k + 1], x1r = s1[2 * k], x1i = s1[2 * k + 1];          \
        ar += h0r * x0r - h0i * x0i;                                                                 \
        ai += h0r * x0i + h0i * x0r;                                                                 \
        ar += h1r * x1r - h1i * x1i;                                                                 \
        ai += h1r * x1i + h1i * x1r;                                                                 \
        acc[2 * k] = ar;                                                                             \
        acc[2 * k + 1] = ai;                                                                         \
      }                                                                                              \
    }                                                                                                \
    for (; j < nt; j++) {                                                                            \
      const T *s0 = src - 2 * j * step, hr = h[2 * j], hi = sg * h[2 * j + 1];                       \
      for (int64_t k = 0; k < len; k++) dlops_k_cmac_##C(acc, s0, k, hr, hi);                        \
    }                                                                                                \
  }                                                                                                  \
  static void conv_fwd_rows_##S(const dlops_mem_conv *d, const T *h, const T *xo, T *yo, int64_t ra, int64_t rb) { \
    for (int64_t i = ra; i < rb; i++) {                                                              \
      T *yr = yo + 2 * i * d->inner;                                                                 \
      for (int64_t k = 0; k < 2 * d->inner; k++) yr[k] = 0;                                          \
      int64_t jlo = imax(0, i + d->off - d->n + 1), jhi = imin(d->nh - 1, i + d->off);                \
      for (int64_t j = jlo; j <= jhi; j++) {                                                         \
        const T *xr = xo + 2 * (i + d->off - j) * d->inner;                                          \
        for (int64_t k = 0; k < d->inner; k++) dlops_k_cmac_##C(yr, xr, k, h[2 * j], h[2 * j + 1]);  \
      }                                                                                              \
    }                                                                                                \
  }                                                                                                  \
  static void conv_adj_rows_##S(const dlops_mem_conv *d, const T *h, const T *yo, T *xo, int64_t qa, int64_t qb) { \
    for (int64_t q = qa; q < qb; q++) {                                                              \
      T *xr = xo + 2 * q * d->inner;                                                                 \
      for (int64_t k = 0; k < 2 * d->inner; k++) xr[k] = 0;                                         \
      int64_t jlo = imax(0, d->off - q), jhi = imin(d->nh - 1, d->ny - 1 + d->off - q);               \
      for (int64_t j = jlo; j <= jhi; j++) {                                                         \
        const T *yr = yo + 2 * (q - d->off + j) * d->inner;                                          \
        for (int64_t k = 0; k < d->inner; k++) dlops_k_cmac_##C(xr, yr, k, h[2 * j], -h[2 * j + 1]); \
      }                                                                                              \
    }                                                                                                \
  }                                                                                                  \
  static void conv_fwd_##S(const dlops_mem_conv *d, const T *h, const T *x, T *y) {                  \
    const int64_t in = d->inner, ia = imin(d->ny, imax(0, d->nh - 1 - d->off)),                       \
                  ib = imax(ia, imin(d->ny, d->n - d->off));                                          \
    for (int64_t o = 0; o < d->outer; o++) {                                                         \
      const T *xo = x + 2 * o * d->n * in;                                                           \
      T *yo = y + 2 * o * d->ny * in;                                                                \
      conv_fwd_rows_##S(d, h, xo, yo, 0, ia);                                                        \
      if (in >= CONV_TILE) /* long rows: column strips, so the taps' rows stay in cache down a strip */ \
        for (int64_t c0 = 0; c0 < in; c0 += CONV_TILE) {                                             \
          const int64_t len = imin(CONV_TILE, in - c0);                                              \
          for (int64_t i = ia; i < ib; i++) {                                                        \
            T *yr = yo + 2 * (i * in + c0);                                                          \
            for (int64_t k = 0; k < 2 * len; k++) yr[k] = 0;                                         \
            conv_ctaps_##S(yr, xo + 2 * ((i + d->off) * in + c0), in, h, d->nh, len, (T)1);          \
          }                                                                                          \
        }                                                                                            \
      else                                                                                           \
        for (int64_t f0 = ia * in; f0 < ib * in; f0 += CONV_TILE) { /* every tap: flat chunks */    \
          const int64_t len = imin(CONV_TILE, ib * in - f0);                                         \
          for (int64_t k = 0; k < 2 * len; k++) yo[2 * f0 + k] = 0;                                  \
          conv_ctaps_##S(yo + 2 * f0, xo + 2 * (f0 + d->off * in), in, h, d->nh, len, (T)1);         \
        }                                                                                            \
      conv_fwd_rows_##S(d, h, xo, yo, ib, d->ny);                                                    \
    }                                                                                                \
  }                                                                                                  \
  static void conv_adj_##S(const dlops_mem_conv *d, const T *h, const T *y, T *x) {                  \
    const int64_t in = d->inner, qa = imin(d->n, imax(0, d->off)),                                    \
                  qb = imax(qa, imin(d->n, d->ny - d->nh + d->off + 1));                              \
    for (int64_t o = 0; o < d->outer; o++) {                                                         \
      const T *yo = y + 2 * o * d->ny * in;                                                          \
      T *xo = x + 2 * o * d->n * in;                                                                 \
      conv_adj_rows_##S(d, h, yo, xo, 0, qa);                                                        \
      if (in >= CONV_TILE)                                                                           \
        for (int64_t c0 = 0; c0 < in; c0 += CONV_TILE) {                                             \
          const int64_t len = imin(CONV_TILE, in - c0);                                              \
          for (int64_t q = qa; q < qb; q++) {                                                        \
            T *xr = xo + 2 * (q * in + c0);                                                          \
            for (int64_t k = 0; k < 2 * len; k++) xr[k] = 0;                                         \
            conv_ctaps_##S(xr, yo + 2 * ((q - d->off) * in + c0), -in, h, d->nh, len, (T)-1);        \
          }                                                                                          \
        }                                                                                            \
      else                                                                                           \
        for (int64_t f0 = qa * in; f0 < qb * in; f0 += CONV_TILE) {                                  \
          const int64_t len = imin(CONV_TILE, qb * in - f0);                                         \
          for (int64_t k = 0; k < 2 * len; k++) xo[2 * f0 + k] = 0;                                  \
          conv_ctaps_##S(xo + 2 * f0, yo + 2 * (f0 - d->off * in), -in, h, d->nh, len, (T)-1);       \
        }                                                                                            \
      conv_adj_rows_##S(d, h, yo, xo, qb, d->n);                                                     \
    }                                                                                                \
  }

CONV_REAL(s, float)
CONV_REAL(d, double)
CONV_CPLX(c, float, s)
CONV_CPLX(z, double, d)

static int h_conv1d(dlops_mem *m, dlops_dtype t, int adj, const dlops_mem_conv *g, const void *h, const void *in,
                    void *out) {
  (void)m;
  switch (t) {
    case DLOPS_F32: adj ? conv_adj_s(g, h, in, out) : conv_fwd_s(g, h, in, out); break;
    case DLOPS_F64: adj ? conv_adj_d(g, h, in, out) : conv_fwd_d(g, h, in, out); break;
    case DLOPS_C64: adj ? conv_adj_c(g, h, in, out) : conv_fwd_c(g, h, in, out); break;
    default: adj ? conv_adj_z(g, h, in, out) : conv_fwd_z(g, h, in, out); break;
  }
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- BLAS */
static CBLAS_TRANSPOSE cblas_op(char op) { return op == 'N' ? CblasNoTrans : op == 'T' ? CblasTrans : CblasConjTrans; }

static int h_gemv(dlops_mem *m, dlops_dtype t, char op, int rows, int cols, dlops_scalar alpha, const void *a, int lda,
                  const void *x, dlops_scalar beta, void *y) {
  (void)m;
  if (rows <= 0 || cols <= 0) return DLOPS_SUCCESS;
  const CBLAS_TRANSPOSE ta = cblas_op(op);
  switch (t) {
    case DLOPS_F32: cblas_sgemv(CblasRowMajor, ta, rows, cols, (float)alpha.re, a, lda, x, 1, (float)beta.re, y, 1); break;
    case DLOPS_F64: cblas_dgemv(CblasRowMajor, ta, rows, cols, alpha.re, a, lda, x, 1, beta.re, y, 1); break;
    case DLOPS_C64: {
      const float al[2] = {(float)alpha.re, (float)alpha.im}, be[2] = {(float)beta.re, (float)beta.im};
      cblas_cgemv(CblasRowMajor, ta, rows, cols, al, a, lda, x, 1, be, y, 1);
      break;
    }
    default: {
      const double al[2] = {alpha.re, alpha.im}, be[2] = {beta.re, beta.im};
      cblas_zgemv(CblasRowMajor, ta, rows, cols, al, a, lda, x, 1, be, y, 1);
      break;
    }
  }
  return DLOPS_SUCCESS;
}

static int h_gemm(dlops_mem *m, dlops_dtype t, char opa, char opb, int rows, int cols, int inner, dlops_scalar alpha,
                  const void *a, int lda, const void *b, int ldb, dlops_scalar beta, void *c, int ldc) {
  (void)m;
  if (rows <= 0 || cols <= 0) return DLOPS_SUCCESS;
  const CBLAS_TRANSPOSE ta = cblas_op(opa), tb = cblas_op(opb);
  /* BLAS requires lda >= 1 even for empty operands */
  if (lda < 1) lda = 1;
  if (ldb < 1) ldb = 1;
  switch (t) {
    case DLOPS_F32:
      cblas_sgemm(CblasRowMajor, ta, tb, rows, cols, inner, (float)alpha.re, a, lda, b, ldb, (float)beta.re, c, ldc);
      break;
    case DLOPS_F64: cblas_dgemm(CblasRowMajor, ta, tb, rows, cols, inner, alpha.re, a, lda, b, ldb, beta.re, c, ldc); break;
    case DLOPS_C64: {
      const float al[2] = {(float)alpha.re, (float)alpha.im}, be[2] = {(float)beta.re, (float)beta.im};
      cblas_cgemm(CblasRowMajor, ta, tb, rows, cols, inner, al, a, lda, b, ldb, be, c, ldc);
      break;
    }
    default: {
      const double al[2] = {alpha.re, alpha.im}, be[2] = {beta.re, beta.im};
      cblas_zgemm(CblasRowMajor, ta, tb, rows, cols, inner, al, a, lda, b, ldb, be, c, ldc);
      break;
    }
  }
  return DLOPS_SUCCESS;
}

static int h_gemm_strided(dlops_mem *m, dlops_dtype t, char opa, char opb, int rows, int cols, int inner,
                          dlops_scalar alpha, const void *a, int lda, int64_t sa, const void *b, int ldb, int64_t sb,
                          dlops_scalar beta, void *c, int ldc, int64_t sc, int64_t count) {
  const size_t es = dlops_dtype_size(t);
  for (int64_t k = 0; k < count; k++)
    DLOPS_CALL(h_gemm(m, t, opa, opb, rows, cols, inner, alpha, (const char *)a + (size_t)(k * sa) * es, lda,
                      (const char *)b + (size_t)(k * sb) * es, ldb, beta, (char *)c + (size_t)(k * sc) * es, ldc));
  return DLOPS_SUCCESS;
}

const dlops_mem_ops dlops_mem_host_ops = {
    .name = "host",
    .space = DLOPS_MEM_HOST,
    .mpi_direct = 1,
    .alloc = h_alloc,
    .free = h_free,
    .host_alloc = h_host_alloc,
    .host_free = h_free,
    .copy = h_copy,
    .sync = h_sync,
    .fill = h_fill,
    .convert = h_convert,
    .axpby = h_axpby,
    .step = h_step,
    .scale = h_scale,
    .conj = h_conj,
    .mult = h_mult,
    .map = h_map,
    .dot = h_dot,
    .norm = h_norm,
    .random = h_random,
    .strided = h_strided,
    .stencil = h_stencil,
    .conv1d = h_conv1d,
    .gemv = h_gemv,
    .gemm = h_gemm,
    .fft_plan = dlops_fft_host_plan,
    .fft_free = dlops_fft_host_free,
    .fft = dlops_fft_host_exec,
    .gemm_strided = h_gemm_strided,
    .dot_exact = h_dot_exact,
    .norm_exact = h_norm_exact,
};
