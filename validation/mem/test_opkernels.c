/* The memory tables' operator kernels against plain reference loops (serial; labels unit mem).
 * Built from the mem sources themselves, whose symbols are hidden in libdlops.
 *
 *  - stencil: random statement programs (every expression and mode, offsets within the reach,
 *    overlapping and disjoint ranges, short axes), rows of 1, 3, 257 and 700 elements (one chunk,
 *    several chunks, chunks that cut rows and blocks), every dtype:
 *      one term of weight 1 equals the reference (statements row by row in program order, then
 *      PyLops' division by the sampling) bit for bit, also for samplings 1 and 0.25 where the
 *      kernel multiplies or skips the division;
 *      sums of 2-3 terms along different axes of one array, with weights, equal the reference sum
 *      y = w0 t0 + w1 t1 + ... to a few ulps, both for programs the kernel accumulates statement
 *      by statement and for programs whose SETs overlap other statements (evaluated apart);
 *  - conv1d: forward and adjoint, filters longer and shorter than the axis, centred and off-centre,
 *    rows of 1, 5 and 600 elements (flat chunks and column strips), every dtype, bit for bit
 *    against the direct sum in ascending tap order;
 *  - the derivative programs of ops/local/deriv.c (every derivative, kind, order, edge, direction,
 *    axis lengths 1-13): with their statements merged (the default) the kernel gives the same
 *    values, bit for bit up to the sign of zero, as with PyLops' statements as written, and the
 *    merged adjoints of the interior rows are single statements;
 *  - strided copies as axis transposes (every permutation of 2-4 axes, element sizes 4, 8, 16,
 *    sub-boxes of larger arrays): equal to a plain index loop (the tiled path and the gather);
 *  - the emulated device table gives the same bits as the host table for all of the above. */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dlops_test.h"
#include "mem/mem.h"
#include "ops/local/deriv.h"

static uint64_t rng_state = 0x5eed5eed12345678ULL;
static uint64_t rnd(void) {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
static double rnd01(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }
static int64_t rndi(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }

static const dlops_dtype types[4] = {DLOPS_F32, DLOPS_F64, DLOPS_C64, DLOPS_C128};
static int is_cplx(dlops_dtype t) { return t == DLOPS_C64 || t == DLOPS_C128; }
static int is_single(dlops_dtype t) { return t == DLOPS_F32 || t == DLOPS_C64; }

/* real r of a buffer of dtype t, as double; store back with the dtype's rounding */
static double rd(const void *p, dlops_dtype t, int64_t r) {
  return is_single(t) ? (double)((const float *)p)[r] : ((const double *)p)[r];
}
static void wr(void *p, dlops_dtype t, int64_t r, double v) {
  if (is_single(t))
    ((float *)p)[r] = (float)v;
  else
    ((double *)p)[r] = v;
}

/* ---------------------------------------------------------------- stencil reference
 * One statement expression on reals of dtype t, through the shared per-element function (its
 * arithmetic is the definition; what is under test is which elements get which statements). */
static double eval(dlops_dtype t, int e, double a, double b, double c, double d) {
  if (is_single(t)) return (double)dlops_stencil_eval_s(e, is_cplx(t), (float)a, (float)b, (float)c, (float)d);
  return dlops_stencil_eval_d(e, is_cplx(t), a, b, c, d);
}

/* t = D x (finished) for one term over an outer x n x inner array of reals (m reals a row). With
 * acc, out += D x as the kernel adds a term of a sum of accumulable programs (stencil.h): every
 * statement, whatever its mode, adds (SUB: subtracts) its value times sc = w / h, in the dtype's
 * precision, with no finishing division. */
static void ref_term_mode(dlops_dtype t, const dlops_stencil_prog *p, int64_t outer, int64_t n, int64_t m,
                          const void *x, void *out, int acc, double sc) {
  const int64_t nr = outer * n * m;
  for (int64_t r = 0; r < nr && !acc; r++) wr(out, t, r, 0.0);
  for (int64_t o = 0; o < outer; o++)
    for (int64_t i = 0; i < n; i++)
      for (int s = 0; s < p->nst; s++) {
        const dlops_stencil_stmt *st = &p->st[s];
        if (i < st->lo || i >= st->hi) continue;
        for (int64_t k = 0; k < m; k++) {
          double v[4];
          for (int q = 0; q < 4; q++) {
            int64_t g = i + (q < dlops_stencil_nops(st->expr) ? st->d[q] : st->d[0]);
            v[q] = rd(x, t, (o * n + g) * m + k);
          }
          const int64_t r = (o * n + i) * m + k;
          const double e = eval(t, st->expr, v[0], v[1], v[2], v[3]);
          double y = rd(out, t, r);
          if (acc && is_single(t)) {
            const float ef = (float)sc * (float)e;
            y = st->mode == DLOPS_ST_SUB ? (float)y - ef : (float)y + ef;
          } else if (acc) {
            y = st->mode == DLOPS_ST_SUB ? y - sc * e : y + sc * e;
          } else if (is_single(t)) {
            float yf = (float)y, ef = (float)e;
            yf = st->mode == DLOPS_ST_SET ? ef : st->mode == DLOPS_ST_ADD ? yf + ef : yf - ef;
            y = yf;
          } else {
            y = st->mode == DLOPS_ST_SET ? e : st->mode == DLOPS_ST_ADD ? y + e : y - e;
          }
          wr(out, t, r, y);
        }
      }
  for (int64_t r = 0; r < nr && !acc; r++) {
    if (is_single(t))
      ((float *)out)[r] = dlops_stencil_finish_s(is_cplx(t), ((float *)out)[r], p->scale);
    else
      ((double *)out)[r] = dlops_stencil_finish_d(is_cplx(t), ((double *)out)[r], p->scale);
  }
}
static void ref_term(dlops_dtype t, const dlops_stencil_prog *p, int64_t outer, int64_t n, int64_t m, const void *x,
                     void *out) {
  ref_term_mode(t, p, outer, n, m, x, out, 0, 1.0);
}

/* A random program on an axis of n samples: statements whose operands stay inside [0, n). With
 * overlap = 0 every SET covers rows no other statement touches (what deriv.c builds); with
 * overlap = 1 a SET may follow other statements on the same rows. */
static void random_prog(int64_t n, double scale, int overlap, dlops_stencil_prog *p) {
  memset(p, 0, sizeof *p);
  p->n = n;
  p->scale = scale;
  const int nst = (int)rndi(1, 6);
  int64_t setlo = -1, sethi = -1;
  for (int s = 0; s < nst; s++) {
    dlops_stencil_stmt *st = &p->st[p->nst];
    st->expr = (int)rndi(0, DLOPS_E_NUM - 1);
    const int no = dlops_stencil_nops(st->expr);
    int dmin = 0, dmax = 0;
    for (int q = 0; q < 4; q++) {
      st->d[q] = q < no ? (int)rndi(-DLOPS_STENCIL_REACH, DLOPS_STENCIL_REACH) : 0;
      if (q < no) dmin = st->d[q] < dmin ? st->d[q] : dmin, dmax = st->d[q] > dmax ? st->d[q] : dmax;
    }
    int64_t lo = -dmin, hi = n - dmax; /* rows whose operands exist */
    if (hi <= lo) continue;
    int64_t a = rndi(lo, hi), b = rndi(lo, hi);
    st->lo = a < b ? a : b;
    st->hi = a < b ? b : a;
    if (rnd() % 3 == 0) st->lo = lo, st->hi = hi; /* full range: the flat path */
    st->mode = (int)rndi(0, 2);
    if (st->mode == DLOPS_ST_SET && !overlap) {
      /* SET only on a range disjoint from everything (then nothing else may touch it) */
      if (s > 0 || st->hi <= st->lo) {
        st->mode = DLOPS_ST_ADD;
      } else {
        setlo = st->lo, sethi = st->hi;
      }
    } else if (!overlap && setlo >= 0 && st->lo < sethi && setlo < st->hi) {
      continue; /* would touch the SET's rows */
    }
    p->nst++;
  }
  if (overlap) { /* make sure one SET overlaps an earlier statement */
    if (p->nst < DLOPS_STENCIL_MAXST && p->nst > 0) {
      dlops_stencil_stmt *st = &p->st[p->nst++];
      *st = p->st[0];
      st->mode = DLOPS_ST_SET;
      st->expr = DLOPS_E_X;
      st->d[0] = 0;
    }
  }
}

static void *to_dev(dlops_mem *m, const void *h, size_t bytes) {
  void *d = NULL;
  if (m->ops->alloc(m, bytes, &d)) return NULL;
  if (bytes) m->ops->copy(m, d, m->ops->space, h, DLOPS_MEM_HOST, bytes, 0);
  return d;
}
static void from_dev(dlops_mem *m, void *h, const void *d, size_t bytes) {
  if (bytes) m->ops->copy(m, h, DLOPS_MEM_HOST, d, m->ops->space, bytes, 0);
}

/* |a - b| <= tol * max|ref| over the array (sums: different rounding is allowed) */
static double max_rel(dlops_dtype t, const void *a, const void *b, int64_t nr) {
  double num = 0, den = 0;
  for (int64_t r = 0; r < nr; r++) {
    double u = rd(a, t, r), v = rd(b, t, r);
    if (fabs(u - v) > num) num = fabs(u - v);
    if (fabs(v) > den) den = fabs(v);
  }
  return den > 0 ? num / den : num;
}

static void check_stencil(dlops_mem *mh, dlops_mem *me, dlops_dtype t, const int64_t *dims, int nterm, int overlap,
                          double scale) {
  const int64_t n = dims[0] * dims[1] * dims[2], nr = is_cplx(t) ? 2 * n : n;
  const size_t es = dlops_dtype_size(t), bytes = (size_t)n * es;
  dlops_stencil_prog prog[3];
  dlops_stencil_term terms[3];
  void *x = malloc(bytes), *ref = calloc(1, bytes), *tk = malloc(bytes), *got = malloc(bytes);
  for (int64_t r = 0; r < nr; r++) wr(x, t, r, 2.0 * rnd01() - 1.0);
  for (int k = 0; k < nterm; k++) {
    const int axis = (int)((k + rndi(0, 2)) % 3);
    int64_t outer = 1, inner = 1;
    for (int a = 0; a < axis; a++) outer *= dims[a];
    for (int a = axis + 1; a < 3; a++) inner *= dims[a];
    random_prog(dims[axis], k == 0 ? scale : 0.3 + rnd01(), overlap, &prog[k]);
    memset(&terms[k], 0, sizeof terms[k]);
    terms[k].prog = &prog[k];
    terms[k].args = (dlops_stencil_args){.outer = outer, .inner = inner, .row0 = 0, .nrows = dims[axis]};
    for (int q = 0; q < 2 * DLOPS_STENCIL_REACH; q++) terms[k].args.gmap[q] = -1;
    terms[k].x = x;
    terms[k].weight = nterm == 1 ? 1.0 : 0.5 + rnd01();
    ref_term(t, &prog[k], outer, dims[axis], is_cplx(t) ? 2 * inner : inner, x, tk);
    for (int64_t r = 0; r < nr; r++) wr(ref, t, r, (k ? rd(ref, t, r) : 0.0) + terms[k].weight * rd(tk, t, r));
  }
  char what[160];
  snprintf(what, sizeof what, "stencil %s dims (%lld,%lld,%lld), %d term(s), %s", dlops_dtype_name(t),
           (long long)dims[0], (long long)dims[1], (long long)dims[2], nterm, overlap ? "overlapping SETs" : "disjoint SETs");
  T_CALL(mh->ops->stencil(mh, t, nterm, terms, n, 0, n, got));
  if (nterm == 1) {
    T_CHECK(!memcmp(got, ref, bytes), "%s: not bit for bit the reference (max rel %g)", what, max_rel(t, got, ref, nr));
  } else {
    const double tol = is_single(t) ? 1e-5 : 1e-13, e = max_rel(t, got, ref, nr);
    T_CHECK(e <= tol, "%s: rel %g from the reference sum", what, e);
  }
  int acc_all = nterm > 1; /* every SET alone on its rows: the kernel adds the terms statement by statement */
  for (int k = 0; k < nterm; k++)
    for (int s = 0; s < prog[k].nst; s++)
      for (int u = 0; u < prog[k].nst; u++) {
        const dlops_stencil_stmt *a = &prog[k].st[s], *b = &prog[k].st[u];
        if (u != s && a->mode == DLOPS_ST_SET && b->lo < b->hi && a->lo < b->hi && b->lo < a->hi) acc_all = 0;
      }
  if (acc_all) { /* the kernel's additions, bit for bit, whichever path an element takes */
    void *acc = calloc(1, bytes);
    for (int k = 0; k < nterm; k++) {
      const dlops_stencil_args *a = &terms[k].args;
      const double wh = terms[k].weight / prog[k].scale, sc = is_single(t) ? (double)(float)wh : wh;
      ref_term_mode(t, &prog[k], a->outer, a->nrows, is_cplx(t) ? 2 * a->inner : a->inner, x, acc, 1, sc);
    }
    T_CHECK(!memcmp(got, acc, bytes), "%s: not bit for bit the in-order sum (max rel %g)", what,
            max_rel(t, got, acc, nr));
    free(acc);
  }
  { /* the same output computed in three pieces, the last first (as an apply that overlaps its
     * ghost exchange does): the same bits, and nothing outside a piece is written */
    void *part = malloc(bytes);
    memset(part, 0x5a, bytes);
    const int64_t a = rndi(0, n), b = rndi(a, n);
    T_CALL(mh->ops->stencil(mh, t, nterm, terms, n, b, n, part));
    size_t untouched = 0;
    while (untouched < (size_t)b * es && ((unsigned char *)part)[untouched] == 0x5a) untouched++;
    T_CHECK(untouched == (size_t)b * es, "%s: piece [%lld, %lld) wrote before its range", what, (long long)b,
            (long long)n);
    T_CALL(mh->ops->stencil(mh, t, nterm, terms, n, 0, a, part));
    T_CALL(mh->ops->stencil(mh, t, nterm, terms, n, a, b, part));
    T_CHECK(!memcmp(part, got, bytes), "%s: pieces [0, %lld) [%lld, %lld) [%lld, %lld) differ from one call", what,
            (long long)a, (long long)a, (long long)b, (long long)b, (long long)n);
    free(part);
  }
  if (me) { /* the emulated device runs the same kernel: same bits (in two pieces) */
    void *dx = to_dev(me, x, bytes), *dy = to_dev(me, got, bytes), *back = malloc(bytes);
    dlops_stencil_term dt[3];
    for (int k = 0; k < nterm; k++) dt[k] = terms[k], dt[k].x = dx;
    const int64_t h = rndi(0, n);
    T_CALL(me->ops->stencil(me, t, nterm, dt, n, h, n, dy));
    T_CALL(me->ops->stencil(me, t, nterm, dt, n, 0, h, dy));
    from_dev(me, back, dy, bytes);
    T_CHECK(!memcmp(back, got, bytes), "%s: emu differs from host", what);
    me->ops->free(me, dx);
    me->ops->free(me, dy);
    free(back);
  }
  free(x);
  free(ref);
  free(tk);
  free(got);
}

/* ---------------------------------------------------------------- convolution reference */
static void check_conv(dlops_mem *mh, dlops_mem *me, dlops_dtype t, dlops_mem_conv g, int adj) {
  const int c = is_cplx(t);
  const int64_t nm = g.outer * g.n * g.inner, nd = g.outer * g.ny * g.inner;
  const size_t es = dlops_dtype_size(t);
  const int64_t nin = adj ? nd : nm, nout = adj ? nm : nd;
  void *h = malloc((size_t)g.nh * es), *in = malloc((size_t)nin * es), *ref = malloc((size_t)(nout ? nout : 1) * es),
       *got = malloc((size_t)(nout ? nout : 1) * es);
  for (int64_t r = 0; r < (c ? 2 : 1) * g.nh; r++) wr(h, t, r, 2.0 * rnd01() - 1.0);
  for (int64_t r = 0; r < (c ? 2 : 1) * nin; r++) wr(in, t, r, 2.0 * rnd01() - 1.0);
  /* direct sums in ascending tap order, in the dtype's arithmetic */
  const int64_t nrow_out = adj ? g.n : g.ny;
  for (int64_t o = 0; o < g.outer; o++)
    for (int64_t i = 0; i < nrow_out; i++)
      for (int64_t k = 0; k < g.inner; k++) {
        double sr = 0, si = 0;
        float fr = 0, fi = 0;
        for (int64_t j = 0; j < g.nh; j++) {
          const int64_t src = adj ? i - g.off + j : i + g.off - j, lim = adj ? g.ny : g.n;
          if (src < 0 || src >= lim) continue;
          const int64_t e = (o * lim + src) * g.inner + k;
          double hr = rd(h, t, c ? 2 * j : j), hi = c ? rd(h, t, 2 * j + 1) : 0;
          if (adj) hi = -hi;
          const double xr = rd(in, t, c ? 2 * e : e), xi = c ? rd(in, t, 2 * e + 1) : 0;
          if (is_single(t)) {
            fr += (float)hr * (float)xr - (c ? (float)hi * (float)xi : 0.0f);
            if (c) fi += (float)hr * (float)xi + (float)hi * (float)xr;
          } else {
            sr += hr * xr - (c ? hi * xi : 0.0);
            if (c) si += hr * xi + hi * xr;
          }
        }
        const int64_t e = (o * nrow_out + i) * g.inner + k;
        wr(ref, t, c ? 2 * e : e, is_single(t) ? fr : sr);
        if (c) wr(ref, t, 2 * e + 1, is_single(t) ? fi : si);
      }
  char what[160];
  snprintf(what, sizeof what, "conv1d %s %s outer %lld n %lld ny %lld inner %lld nh %lld off %lld", dlops_dtype_name(t),
           adj ? "adjoint" : "forward", (long long)g.outer, (long long)g.n, (long long)g.ny, (long long)g.inner,
           (long long)g.nh, (long long)g.off);
  T_CALL(mh->ops->conv1d(mh, t, adj, &g, h, in, got));
  /* real dtypes: bit for bit; complex ones: the complex multiply-accumulate is the shared kernel's,
   * whose rounding the reference need not copy */
  const int64_t nr = (c ? 2 : 1) * nout;
  if (!c)
    T_CHECK(!memcmp(got, ref, (size_t)nout * es), "%s: not bit for bit the direct sum (max rel %g)", what,
            max_rel(t, got, ref, nr));
  else
    T_CHECK(max_rel(t, got, ref, nr) <= (is_single(t) ? 1e-5 : 1e-13), "%s: rel %g", what, max_rel(t, got, ref, nr));
  if (me) {
    void *dh = to_dev(me, h, (size_t)g.nh * es), *din = to_dev(me, in, (size_t)nin * es),
         *dout = to_dev(me, got, (size_t)nout * es), *back = malloc((size_t)(nout ? nout : 1) * es);
    T_CALL(me->ops->conv1d(me, t, adj, &g, dh, din, dout));
    from_dev(me, back, dout, (size_t)nout * es);
    T_CHECK(!memcmp(back, got, (size_t)nout * es), "%s: emu differs from host", what);
    me->ops->free(me, dh);
    me->ops->free(me, din);
    me->ops->free(me, dout);
    free(back);
  }
  free(h);
  free(in);
  free(ref);
  free(got);
}

/* ---------------------------------------------------------------- strided copies (transposes) */
static void check_strided(dlops_mem *mh, int nd, size_t es) {
  dlops_mem_strided st;
  int64_t full[4], perm[4], sstr[4], n = 1, nfull = 1;
  st.ndim = nd;
  for (int k = 0; k < nd; k++) {
    st.shape[k] = rndi(1, 40);
    full[k] = st.shape[k] + rndi(0, 3); /* the source box lies in a larger array */
    nfull *= full[k];
    n *= st.shape[k];
    perm[k] = k;
  }
  for (int k = nd - 1; k > 0; k--) { /* random permutation */
    int j = (int)rndi(0, k);
    int64_t t = perm[k];
    perm[k] = perm[j], perm[j] = t;
  }
  /* source strides: C order of full; the destination is packed in the permuted order */
  int64_t acc = 1;
  for (int k = nd - 1; k >= 0; k--) sstr[k] = acc, acc *= full[k];
  dlops_mem_strided s2 = st;
  for (int k = 0; k < nd; k++) s2.shape[k] = st.shape[perm[k]], s2.src_stride[k] = sstr[perm[k]];
  acc = 1;
  for (int k = nd - 1; k >= 0; k--) s2.dst_stride[k] = acc, acc *= s2.shape[k];
  unsigned char *src = malloc((size_t)nfull * es), *got = malloc((size_t)n * es), *ref = malloc((size_t)n * es);
  for (int64_t i = 0; i < nfull * (int64_t)es; i++) src[i] = (unsigned char)rnd();
  int64_t idx[4] = {0};
  for (int64_t l = 0; l < n; l++) { /* l walks the destination in C order */
    int64_t so = 0, dd = 0;
    for (int k = 0; k < nd; k++) so += idx[k] * s2.src_stride[k], dd += idx[k] * s2.dst_stride[k];
    memcpy(ref + dd * (int64_t)es, src + so * (int64_t)es, es);
    for (int k = nd - 1; k >= 0; k--) {
      if (++idx[k] < s2.shape[k]) break;
      idx[k] = 0;
    }
  }
  T_CALL(mh->ops->strided(mh, es, &s2, got, src));
  T_CHECK(!memcmp(got, ref, (size_t)n * es), "strided copy: %d axes, %zu-byte elements, perm (%lld %lld %lld %lld)", nd,
          es, (long long)perm[0], (long long)(nd > 1 ? perm[1] : -1), (long long)(nd > 2 ? perm[2] : -1),
          (long long)(nd > 3 ? perm[3] : -1));
  free(src);
  free(got);
  free(ref);
}

/* ---------------------------------------------------------------- merged derivative programs */
static int same_up_to_zero_sign(dlops_dtype t, const void *a, const void *b, int64_t nr) {
  for (int64_t r = 0; r < nr; r++) {
    double u = rd(a, t, r), v = rd(b, t, r);
    if (!(u == v || (isnan(u) && isnan(v)))) return 0;
  }
  return 1;
}
/* What the ghost-exchange overlap (ops/dist/derivative.c) relies on: on a rank's slice of a
 * distributed axis, the output rows at least REACH rows from both ends of the slice read no
 * ghost row. Every derivative program (and a two-term sum) on slices of 0..9 rows of a 14-row
 * axis: those rows computed with ghost rows full of NaN equal, bit for bit, the same rows
 * computed with the true ghost rows, and the whole slice computed with the true ghost rows
 * equals the full-axis result. Deterministic: a row reading a NaN ghost would show. */
static void check_interior(dlops_mem *mh, dlops_dtype t) {
  const int R = DLOPS_STENCIL_REACH;
  const int64_t N = 14, inner = 3, nr_el = is_cplx(t) ? 2 : 1;
  const size_t es = dlops_dtype_size(t), rowb = (size_t)inner * es;
  void *xg = malloc((size_t)N * rowb), *yg = malloc((size_t)N * rowb), *ghost = malloc((size_t)(2 * R) * rowb),
       *nanghost = malloc((size_t)(2 * R) * rowb), *y1 = malloc((size_t)N * rowb), *y2 = malloc((size_t)N * rowb);
  for (int64_t r = 0; r < N * inner * nr_el; r++) wr(xg, t, r, 2.0 * rnd01() - 1.0);
  for (int64_t r = 0; r < 2 * R * inner * nr_el; r++) wr(nanghost, t, r, NAN);
  for (int second = 0; second < 2; second++)
    for (int kind = 0; kind < 3; kind++)
      for (int order = 3; order <= 5; order += 2)
        for (int edge = 0; edge < 2; edge++)
          for (int adj = 0; adj < 2; adj++) {
            if ((second || kind != DLOPS_DERIV_CENTERED) && order == 5) continue;
            dlops_stencil_prog p[2];
            if (dlops_deriv_prog_build(second, (dlops_deriv_kind)kind, order, edge, adj, N, 0.7, &p[0])) continue;
            dlops_deriv_prog_build(1 - second, DLOPS_DERIV_CENTERED, 3, 1, adj, N, 1.3, &p[1]);
            for (int nterm = 1; nterm <= 2; nterm++) {
              dlops_stencil_term tg[2];
              for (int k = 0; k < nterm; k++) {
                tg[k] = (dlops_stencil_term){&p[k], {.outer = 1, .inner = inner, .row0 = 0, .nrows = N}, xg, 0.5 + k};
                for (int q = 0; q < 2 * R; q++) tg[k].args.gmap[q] = -1;
              }
              T_CALL(mh->ops->stencil(mh, t, nterm, tg, N * inner, 0, N * inner, yg));
              for (int64_t row0 = 0; row0 <= 4; row0++)
                for (int64_t nrows = 0; row0 + nrows <= N && nrows <= 9; nrows++) {
                  /* the ghost rows: row0-R..row0-1 and row0+nrows..+R-1 that exist */
                  int64_t gmap[2 * R];
                  int ng = 0;
                  for (int q = 0; q < 2 * R; q++) {
                    const int64_t g = q < R ? row0 - R + q : row0 + nrows + (q - R);
                    gmap[q] = -1;
                    if (g < 0 || g >= N) continue;
                    memcpy((char *)ghost + (size_t)ng * rowb, (const char *)xg + (size_t)g * rowb, rowb);
                    gmap[q] = ng++;
                  }
                  dlops_stencil_term tl[2];
                  for (int k = 0; k < nterm; k++) {
                    tl[k] = tg[k];
                    tl[k].x = (const char *)xg + (size_t)row0 * rowb;
                    tl[k].args.row0 = row0;
                    tl[k].args.nrows = nrows;
                    tl[k].args.ghost = ghost;
                    tl[k].args.nghost = ng;
                    memcpy(tl[k].args.gmap, gmap, sizeof gmap);
                  }
                  const int64_t nel = nrows * inner, ilo = R * inner, ihi = (nrows - R) * inner;
                  if (!nel) continue;
                  T_CALL(mh->ops->stencil(mh, t, nterm, tl, nel, 0, nel, y1));
                  T_CHECK(!memcmp(y1, (const char *)yg + (size_t)row0 * rowb, (size_t)nel * es),
                          "interior: %s derivative kind %d order %d edge %d %s, %d term(s), rows [%lld, %lld) of %lld: "
                          "the slice with its ghost rows differs from the whole axis", second ? "second" : "first",
                          kind, order, edge, adj ? "adjoint" : "forward", nterm, (long long)row0,
                          (long long)(row0 + nrows), (long long)N);
                  if (ihi <= ilo) continue;
                  for (int k = 0; k < nterm; k++) tl[k].args.ghost = nanghost;
                  memset(y2, 0, (size_t)nel * es);
                  T_CALL(mh->ops->stencil(mh, t, nterm, tl, nel, ilo, ihi, y2));
                  T_CHECK(!memcmp((char *)y2 + (size_t)ilo * es, (char *)y1 + (size_t)ilo * es, (size_t)(ihi - ilo) * es),
                          "interior: %s derivative kind %d order %d edge %d %s, %d term(s), rows [%lld, %lld): a row "
                          "REACH from the slice's ends read a ghost row", second ? "second" : "first", kind, order, edge,
                          adj ? "adjoint" : "forward", nterm, (long long)row0, (long long)(row0 + nrows));
                }
            }
          }
  free(xg), free(yg), free(ghost), free(nanghost), free(y1), free(y2);
}

static void check_merged(dlops_mem *mh, dlops_dtype t) {
  for (int second = 0; second < 2; second++)
    for (int kind = 0; kind < 3; kind++)
      for (int order = 3; order <= 5; order += 2)
        for (int edge = 0; edge < 2; edge++)
          for (int adj = 0; adj < 2; adj++)
            for (int64_t n = 1; n <= 13; n++) {
              if ((second || kind != DLOPS_DERIV_CENTERED) && order == 5) continue;
              dlops_stencil_prog pm, pp;
              dlops_deriv_merge = 1;
              int64_t need = dlops_deriv_prog_build(second, (dlops_deriv_kind)kind, order, edge, adj, n, 0.7, &pm);
              dlops_deriv_merge = 0;
              dlops_deriv_prog_build(second, (dlops_deriv_kind)kind, order, edge, adj, n, 0.7, &pp);
              dlops_deriv_merge = 1;
              if (need) continue;
              const int64_t outer = 3, inner = 5, nel = outer * n * inner, nr = (is_cplx(t) ? 2 : 1) * nel;
              const size_t bytes = (size_t)nel * dlops_dtype_size(t);
              void *x = malloc(bytes), *ym = malloc(bytes), *yp = malloc(bytes);
              for (int64_t r = 0; r < nr; r++) wr(x, t, r, 2.0 * rnd01() - 1.0);
              dlops_stencil_term tm = {&pm, {.outer = outer, .inner = inner, .row0 = 0, .nrows = n}, x, 1.0};
              for (int q = 0; q < 2 * DLOPS_STENCIL_REACH; q++) tm.args.gmap[q] = -1;
              dlops_stencil_term tp = tm;
              tp.prog = &pp;
              T_CALL(mh->ops->stencil(mh, t, 1, &tm, nel, 0, nel, ym));
              T_CALL(mh->ops->stencil(mh, t, 1, &tp, nel, 0, nel, yp));
              T_CHECK(same_up_to_zero_sign(t, ym, yp, nr),
                      "%s derivative %d kind %d order %d edge %d %s n %lld (%s): merged program differs (rel %g)",
                      second ? "second" : "first", second + 1, kind, order, edge, adj ? "adjoint" : "forward",
                      (long long)n, dlops_dtype_name(t), max_rel(t, ym, yp, nr));
              /* the interior rows of a long adjoint are one statement */
              if (adj && n == 13) {
                int cover = 0;
                for (int s = 0; s < pm.nst; s++)
                  if (pm.st[s].lo <= 6 && 6 < pm.st[s].hi) cover++;
                T_CHECK(cover == 1, "%s derivative kind %d order %d edge %d adjoint: row 6 receives %d statements",
                        second ? "second" : "first", kind, order, edge, cover);
              }
              free(x);
              free(ym);
              free(yp);
            }
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  dlops_mem *mh = NULL, *me = NULL;
  T_REQUIRE(dlops_mem_create(NULL, &dlops_mem_host_ops, &mh));
#ifdef DLOPS_HAVE_EMU
  T_REQUIRE(dlops_mem_create(NULL, &dlops_mem_emu_ops, &me));
#endif
  /* rows of 1 (last axis), 3, 257 and 700 elements; short axes; chunks cutting rows and blocks */
  const int64_t shapes[][3] = {{9, 4, 1}, {5, 7, 3}, {3, 6, 257}, {4, 2, 700}, {2, 3, 130}, {1, 5, 1}, {6, 1, 2}};
  const int nshape = (int)(sizeof shapes / sizeof shapes[0]);
  for (int ti = 0; ti < 4; ti++)
    for (int s = 0; s < nshape; s++)
      for (int rep = 0; rep < 6; rep++) {
        const double scale = rep % 3 == 0 ? 1.0 : rep % 3 == 1 ? 0.25 : 0.37;
        check_stencil(mh, me, types[ti], shapes[s], 1, rep & 1, scale);
        check_stencil(mh, me, types[ti], shapes[s], 2 + rep % 2, 0, scale);
        check_stencil(mh, me, types[ti], shapes[s], 2, 1, scale);
      }
  /* convolutions: filters longer and shorter than the axis, centred and off-centre, rows of 1,
   * 5 and 600 elements (600 >= the chunk: column strips) */
  const dlops_mem_conv geos[] = {
      {3, 40, 40, 1, 7, 3},  {2, 50, 50, 1, 41, 20}, {1, 30, 30, 5, 9, 0},  {2, 17, 17, 1, 41, 20},
      {1, 12, 12, 600, 5, 2}, {2, 9, 9, 600, 11, 10}, {1, 64, 64, 3, 4, 3},  {1, 1, 1, 1, 3, 1},
      {2, 20, 25, 2, 6, 1},   {1, 700, 700, 1, 41, 20},
      /* offsets far outside the axis (convolve1d accepts them): all zeros, and no address
       * arithmetic that overflows (the sanitizer pass runs this) */
      {1, 4, 4, 600, 3, -(INT64_MAX / 4)}, {2, 5, 5, 3, 3, -(INT64_MAX / 4)},
  };
  for (int ti = 0; ti < 4; ti++)
    for (size_t gi = 0; gi < sizeof geos / sizeof geos[0]; gi++)
      for (int adj = 0; adj < 2; adj++) check_conv(mh, me, types[ti], geos[gi], adj);
  for (int ti = 0; ti < 4; ti++) check_merged(mh, types[ti]);
  for (int ti = 0; ti < 4; ti++) check_interior(mh, types[ti]);
  for (int rep = 0; rep < 60; rep++) check_strided(mh, 2 + rep % 3, rep % 3 == 0 ? 4 : rep % 3 == 1 ? 8 : 16);
  dlops_mem_destroy(&mh);
  if (me) dlops_mem_destroy(&me);
  printf("checks: %ld passed, %ld failed\n", dlops_test_pass_, dlops_test_fail_);
  MPI_Finalize();
  return dlops_test_fail_ ? 1 : 0;
}
