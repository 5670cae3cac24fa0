/* One output element of the CUDA memory table's index-heavy kernels (stencil, 1-D convolution,
 * random fill, strided copy), as DLOPS_HD inline functions over plain C structs: the kernels of
 * mem_kernels.cu run them one thread per element, and validation/gpu/test_cuda_elems_host.c runs
 * the very same functions in host loops on the CPU against the host table (csrc/mem/host.c), bit
 * for bit, so the device kernels' index arithmetic and order of operations are checked on any
 * machine (the GPU itself is not). Usable from C and CUDA; no CUDA header needed. Never
 * installed. */
#ifndef DLOPS_CUDA_MEM_ELEMS_H
#define DLOPS_CUDA_MEM_ELEMS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "dlops/base.h"
#include "../csrc/mem/kernels.h"
#include "../csrc/mem/stencil.h"

/* Geometry mirrors of mem.h's dlops_mem_rand, dlops_mem_strided and dlops_mem_conv (mem.h pulls
 * in MPI and the library's internals, which the CUDA C++ side does not compile against). */
typedef struct {
  int ndim, axis;
  int64_t gshape[DLOPS_MAX_NDIM], lshape[DLOPS_MAX_NDIM];
  int64_t offset;
  uint64_t base, seed;
  double lo, hi;
} dlops_cu_rand_geom;

typedef struct {
  int ndim; /* 1..DLOPS_MAX_NDIM */
  int64_t shape[DLOPS_MAX_NDIM];
  int64_t dst_stride[DLOPS_MAX_NDIM];
  int64_t src_stride[DLOPS_MAX_NDIM];
} dlops_cu_strided_geom;

typedef struct {
  int64_t outer, n, ny, inner, nh, off;
} dlops_cu_conv_geom;

/* ---------------------------------------------------------------- stencils
 * A stencil call as one value (about 8.5 KB: the kernel takes it as a __grid_constant__
 * parameter; parameters up to 32 KB need CUDA 12.1 and compute capability 7.0, which this
 * build's toolkit and architectures (80, 90) have). h, rh and sc hold values of the element
 * type's precision (rounded to it on the host, so converting back is exact). */
typedef struct {
  const void *x, *ghost;
  int64_t inner, nrows, row0;
  int64_t gmap[2 * DLOPS_STENCIL_REACH];
  int nst;
  dlops_stencil_stmt st[DLOPS_STENCIL_MAXST];
} dlops_cu_st_term;

typedef struct {
  int nterm, mode, fm, wt, cplx; /* mode 0: one term, 1: an accumulable sum, 2: another sum */
  double h, rh, w;
  double sc[DLOPS_STENCIL_MAXTERM];
  dlops_cu_st_term t[DLOPS_STENCIL_MAXTERM];
} dlops_cu_st_desc;

/* Whether a program's value can be accumulated statement by statement (host.c's prog_accumulable). */
static inline int dlops_cu_prog_accumulable(const dlops_stencil_prog *p) {
  for (int s = 0; s < p->nst; s++) {
    if (p->st[s].mode != DLOPS_ST_SET) continue;
    for (int t = 0; t < p->nst; t++)
      if (t != s && p->st[t].lo < p->st[s].hi && p->st[s].lo < p->st[t].hi && p->st[t].lo < p->st[t].hi) return 0;
  }
  return 1;
}

/* The call's value (host side): host.c's stencil_ choices, computed in the element type's
 * precision (dbl: double, else float). */
static inline void dlops_cu_stencil_prepare(int dbl, int cplx, int nterm, const dlops_stencil_term *terms,
                                            dlops_cu_st_desc *d) {
  memset(d, 0, sizeof *d);
  d->nterm = nterm;
  d->cplx = cplx;
  int acc = nterm > 1;
  for (int k = 0; k < nterm; k++) {
    const dlops_stencil_term *tm = &terms[k];
    const double q = tm->weight / tm->prog->scale;
    d->sc[k] = dbl ? q : (double)(float)q;
    acc = acc && dlops_cu_prog_accumulable(tm->prog);
    dlops_cu_st_term *o = &d->t[k];
    o->x = tm->x;
    o->ghost = tm->args.ghost;
    o->inner = tm->args.inner;
    o->nrows = tm->args.nrows;
    o->row0 = tm->args.row0;
    for (int g = 0; g < 2 * DLOPS_STENCIL_REACH; g++) o->gmap[g] = tm->args.gmap[g];
    o->nst = tm->prog->nst;
    for (int s = 0; s < tm->prog->nst; s++) o->st[s] = tm->prog->st[s];
  }
  d->mode = nterm == 1 ? 0 : acc ? 1 : 2;
  d->h = d->rh = 1;
  if (nterm == 1) { /* PyLops' division by the sampling, exactly */
    int ex, pow2;
    if (dbl) {
      const double h = terms[0].prog->scale, rh = 1.0 / h;
      pow2 = isfinite(h) && frexp(h, &ex) == 0.5 && isnormal(rh);
      d->fm = h == 1.0 ? 0 : (cplx || pow2) ? 1 : 2;
      d->h = h, d->rh = rh;
    } else {
      const float h = (float)terms[0].prog->scale, rh = 1.0f / h;
      pow2 = isfinite(h) && frexp((double)h, &ex) == 0.5 && isnormal(rh);
      d->fm = h == 1.0f ? 0 : (cplx || pow2) ? 1 : 2;
      d->h = h, d->rh = rh;
    }
  }
  d->wt = nterm == 1 && terms[0].weight != 1.0;
  d->w = terms[0].weight;
}

/* Real q of the output (a flat index over the reals of the local array; a complex element is two
 * reals, computed apart as host.c does). From 0, every statement in program order with host.c's
 * operations:
 *   mode 0 (one term):   SET v = e, ADD v = v + e, SUB v = v - e; then v * (1/h) (complex, or h a
 *                        power of two), v / h (otherwise), v (h = 1); then (T)(w * v) when w != 1;
 *   mode 1 (a sum of accumulable programs): v = v + s_k e (SUB: v - s_k e), s_k = (T)(w_k / h_k),
 *                        terms in order (host.c's stencil_sum_ and term_ paths);
 *   mode 2 (another sum): each term from 0 as in mode 0 without the division, then y = t_0 s_0,
 *                        y = y + t_k s_k.
 * A statement applies where its rows include the output row and every operand row exists (a
 * local row, or a ghost row that gmap maps). */
#define DLOPS_DEFINE_CU_STENCIL(T, S)                                                                         \
  DLOPS_HD static inline const T *dlops_cu_st_row_##S(const dlops_cu_st_term *tm, int64_t g, int64_t o,       \
                                                      int64_t m) {                                             \
    if (g >= tm->row0 && g < tm->row0 + tm->nrows) return (const T *)tm->x + (o * tm->nrows + (g - tm->row0)) * m; \
    const int64_t pos = g < tm->row0 ? g - (tm->row0 - DLOPS_STENCIL_REACH)                                    \
                                     : DLOPS_STENCIL_REACH + (g - (tm->row0 + tm->nrows));                     \
    if (!tm->ghost || pos < 0 || pos >= 2 * DLOPS_STENCIL_REACH || tm->gmap[pos] < 0) return 0;                \
    return (const T *)tm->ghost + tm->gmap[pos] * m;                                                           \
  }                                                                                                            \
  /* statement st at row i, column k of block o: 1 and its value in *e where it applies */                     \
  DLOPS_HD static inline int dlops_cu_st_value_##S(const dlops_cu_st_term *tm, const dlops_stencil_stmt *st,    \
                                                   int cplx, int64_t o, int64_t i, int64_t k, int64_t m, T *e) { \
    if (i < st->lo || i >= st->hi) return 0;                                                                   \
    const int no = dlops_stencil_nops(st->expr);                                                               \
    const T *ra = dlops_cu_st_row_##S(tm, i + st->d[0], o, m);                                                 \
    const T *rb = no > 1 ? dlops_cu_st_row_##S(tm, i + st->d[1], o, m) : ra;                                   \
    const T *rc = no > 2 ? dlops_cu_st_row_##S(tm, i + st->d[2], o, m) : ra;                                   \
    const T *rd = no > 3 ? dlops_cu_st_row_##S(tm, i + st->d[3], o, m) : ra;                                   \
    if (!ra || !rb || !rc || !rd) return 0;                                                                    \
    *e = dlops_stencil_eval_##S(st->expr, cplx, ra[k], rb[k], rc[k], rd[k]);                                   \
    return 1;                                                                                                  \
  }                                                                                                            \
  DLOPS_HD static inline T dlops_cu_stencil_real_##S(const dlops_cu_st_desc *d, int64_t q) {                   \
    T acc = 0;                                                                                                 \
    for (int kt = 0; kt < d->nterm; kt++) {                                                                    \
      const dlops_cu_st_term *tm = &d->t[kt];                                                                  \
      const int64_t m = d->cplx ? 2 * tm->inner : tm->inner, B = tm->nrows * m;                                \
      const int64_t o = q / B, e = q - o * B, i = tm->row0 + e / m, k = e % m;                                 \
      const T sc = (T)d->sc[kt];                                                                               \
      T v = 0, ev;                                                                                             \
      for (int s = 0; s < tm->nst; s++) {                                                                      \
        const dlops_stencil_stmt *st = &tm->st[s];                                                             \
        if (!dlops_cu_st_value_##S(tm, st, d->cplx, o, i, k, m, &ev)) continue;                                \
        if (d->mode == 1)                                                                                      \
          acc = st->mode == DLOPS_ST_SUB ? acc - sc * ev : acc + sc * ev;                                      \
        else                                                                                                   \
          v = st->mode == DLOPS_ST_SET ? ev : st->mode == DLOPS_ST_ADD ? v + ev : v - ev;                      \
      }                                                                                                        \
      if (d->mode == 0) {                                                                                      \
        const T f = d->fm == 0 ? v : d->fm == 1 ? v * (T)d->rh : v / (T)d->h;                                  \
        acc = d->wt ? (T)(d->w * (double)f) : f;                                                               \
      } else if (d->mode == 2) {                                                                               \
        acc = kt == 0 ? v * sc : acc + v * sc;                                                                 \
      }                                                                                                        \
    }                                                                                                          \
    return acc;                                                                                                \
  }
DLOPS_DEFINE_CU_STENCIL(float, s)
DLOPS_DEFINE_CU_STENCIL(double, d)

/* ---------------------------------------------------------------- 1-D convolution
 * Output element l (forward: of outer x ny x inner, adjoint: of outer x n x inner); the taps in
 * ascending order from 0, as host.c (its four-tap passes add ((((y + h0 x0) + h1 x1) + h2 x2) +
 * h3 x3), the same additions). Complex: host.c's cmac on each complex element (adjoint with
 * conj(h)). */
#define DLOPS_DEFINE_CU_CONV(T, S)                                                                             \
  DLOPS_HD static inline T dlops_cu_conv_fwd_r##S(const dlops_cu_conv_geom *g, const T *h, const T *x, int64_t l) { \
    const int64_t k = l % g->inner, oi = l / g->inner, i = oi % g->ny, o = oi / g->ny;                         \
    const int64_t a = i + g->off - g->n + 1, b = i + g->off;                                                   \
    const int64_t jlo = a > 0 ? a : 0, jhi = b < g->nh - 1 ? b : g->nh - 1;                                    \
    T v = 0;                                                                                                   \
    for (int64_t j = jlo; j <= jhi; j++) v = v + h[j] * x[(o * g->n + i + g->off - j) * g->inner + k];         \
    return v;                                                                                                  \
  }                                                                                                            \
  DLOPS_HD static inline T dlops_cu_conv_adj_r##S(const dlops_cu_conv_geom *g, const T *h, const T *y, int64_t l) { \
    const int64_t k = l % g->inner, oq = l / g->inner, q = oq % g->n, o = oq / g->n;                           \
    const int64_t a = g->off - q, b = g->ny - 1 + g->off - q;                                                  \
    const int64_t jlo = a > 0 ? a : 0, jhi = b < g->nh - 1 ? b : g->nh - 1;                                    \
    T v = 0;                                                                                                   \
    for (int64_t j = jlo; j <= jhi; j++) v = v + h[j] * y[(o * g->ny + q - g->off + j) * g->inner + k];        \
    return v;                                                                                                  \
  }                                                                                                            \
  DLOPS_HD static inline void dlops_cu_conv_fwd_c##S(const dlops_cu_conv_geom *g, const T *h, const T *x,     \
                                                     int64_t l, T *out) {                                      \
    const int64_t k = l % g->inner, oi = l / g->inner, i = oi % g->ny, o = oi / g->ny;                         \
    const int64_t a = i + g->off - g->n + 1, b = i + g->off;                                                   \
    const int64_t jlo = a > 0 ? a : 0, jhi = b < g->nh - 1 ? b : g->nh - 1;                                    \
    out[0] = 0;                                                                                                \
    out[1] = 0;                                                                                                \
    for (int64_t j = jlo; j <= jhi; j++)                                                                       \
      dlops_k_cmac_##S(out, x + 2 * ((o * g->n + i + g->off - j) * g->inner + k), 0, h[2 * j], h[2 * j + 1]);  \
  }                                                                                                            \
  DLOPS_HD static inline void dlops_cu_conv_adj_c##S(const dlops_cu_conv_geom *g, const T *h, const T *y,     \
                                                     int64_t l, T *out) {                                      \
    const int64_t k = l % g->inner, oq = l / g->inner, q = oq % g->n, o = oq / g->n;                           \
    const int64_t a = g->off - q, b = g->ny - 1 + g->off - q;                                                  \
    const int64_t jlo = a > 0 ? a : 0, jhi = b < g->nh - 1 ? b : g->nh - 1;                                    \
    out[0] = 0;                                                                                                \
    out[1] = 0;                                                                                                \
    for (int64_t j = jlo; j <= jhi; j++)                                                                       \
      dlops_k_cmac_##S(out, y + 2 * ((o * g->ny + q - g->off + j) * g->inner + k), 0, h[2 * j], -h[2 * j + 1]); \
  }
DLOPS_DEFINE_CU_CONV(float, s)
DLOPS_DEFINE_CU_CONV(double, d)

/* ---------------------------------------------------------------- random, strided */
/* Local element l of a random fill (host.c's h_random): its global flat index in C order, then
 * the counter-based generator of kernels.h. */
DLOPS_HD static inline void dlops_cu_rand_at(const dlops_cu_rand_geom *r, int cplx, int64_t l, double *re,
                                             double *im) {
  int64_t idx[DLOPS_MAX_NDIM], rem = l;
  for (int d = r->ndim - 1; d >= 0; d--) {
    idx[d] = rem % r->lshape[d];
    rem /= r->lshape[d];
  }
  uint64_t g = 0;
  for (int d = 0; d < r->ndim; d++) g = g * (uint64_t)r->gshape[d] + (uint64_t)(idx[d] + (d == r->axis ? r->offset : 0));
  g += r->base;
  const double w = r->hi - r->lo;
  *re = r->lo + w * dlops_k_rand01(r->seed, 2 * g);
  *im = cplx ? r->lo + w * dlops_k_rand01(r->seed, 2 * g + 1) : 0;
}

/* Element l of a strided copy (last axis fastest): its offsets in dst and src, in elements. */
DLOPS_HD static inline void dlops_cu_strided_at(const dlops_cu_strided_geom *g, int64_t l, int64_t *doff,
                                                int64_t *soff) {
  int64_t rem = l, dof = 0, sof = 0;
  for (int d = g->ndim - 1; d >= 0; d--) {
    const int64_t i = rem % g->shape[d];
    rem /= g->shape[d];
    dof += i * g->dst_stride[d];
    sof += i * g->src_stride[d];
  }
  *doff = dof;
  *soff = sof;
}

#endif
