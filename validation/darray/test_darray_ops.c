/* Vector operations against a serial computation on the same global arrays: fill, copy (with
 * dtype conversion), axpby, scale, conj, pointwise_mult (real and complex coefficients), dot,
 * vdot, multi_dot (one allreduce for n pairs, 16 bytes a pair), multi_dot_begin/end, norms of
 * order 0, 1, 2, inf, -inf, 3, 0.5 on SCATTER, BROADCAST (each element once), UNSAFE_BROADCAST,
 * masked (once per group), explicit sizes, empty ranks and empty arrays; counters. */
/* bytes of one agreed reduction with up to 16 partial sums (csrc/comm/agree.c) */
#define T_RED_BYTES (32 + 16 * 8)
#include "darray_check.h"

static int P, me;

typedef struct {
  const char *name;
  int ndim;
  int64_t shape[3];
  int axis;
  dlops_partition part;
  int mask;     /* 0 none, 1 rank % 2, 2 rank / 2 */
  int explicit_; /* 1: all rows on the last rank of the group */
} layout_t;

static const layout_t layouts[] = {
    {"1-D scatter", 1, {13}, 0, DLOPS_SCATTER, 0, 0},
    {"2-D scatter axis 1", 2, {6, 5}, 1, DLOPS_SCATTER, 0, 0},
    {"2-D broadcast", 2, {4, 3}, 0, DLOPS_BROADCAST, 0, 0},
    {"2-D unsafe_broadcast axis 1", 2, {3, 4}, 1, DLOPS_UNSAFE_BROADCAST, 0, 0},
    {"2-D scatter mask rank%2", 2, {7, 3}, 0, DLOPS_SCATTER, 1, 0},
    {"1-D scatter mask rank/2", 1, {9}, 0, DLOPS_SCATTER, 2, 0},
    {"2-D scatter all on last rank", 2, {5, 4}, 0, DLOPS_SCATTER, 0, 1},
    {"1-D 2 rows (empty ranks)", 1, {2}, 0, DLOPS_SCATTER, 0, 0},
    {"1-D empty array", 1, {0}, 0, DLOPS_SCATTER, 0, 0},
    {"1-D broadcast mask rank%2", 1, {5}, 0, DLOPS_BROADCAST, 1, 0},
    {"3-D scatter axis -1 mask rank%2 explicit", 3, {2, 3, 4}, -1, DLOPS_SCATTER, 1, 1},
};
#define NLAYOUTS ((int)(sizeof layouts / sizeof layouts[0]))

static int color_of(int kind, int r) { return kind == 0 ? -1 : kind == 1 ? r % 2 : r / 2; }

/* Create an array of layout L; off, len: this rank's slab along the (normalised) axis. */
static dlops_darray make(dlops_ctx ctx, const layout_t *L, dlops_dtype t, int64_t *off, int64_t *len) {
  int ax = L->axis < 0 ? L->axis + L->ndim : L->axis;
  int64_t n = L->shape[ax];
  int *c = malloc(sizeof(int) * (size_t)P);
  for (int r = 0; r < P; r++) c[r] = L->mask ? color_of(L->mask, r) : 0;
  int gs, gi;
  t_group(c, P, me, &gs, &gi);
  free(c);
  int64_t ln = -1;
  if (L->part != DLOPS_SCATTER) {
    *off = 0;
    *len = n;
  } else if (L->explicit_) {
    ln = gi == gs - 1 ? n : 0;
    *len = ln;
    *off = gi == gs - 1 ? 0 : n;
  } else {
    *len = t_split_size(n, gs, gi);
    *off = t_split_off(n, gs, gi);
  }
  dlops_darray x = NULL;
  T_REQUIRE(dlops_darray_create_ext(ctx, L->ndim, L->shape, L->axis, L->part, t, ln, color_of(L->mask, me), dlops_test_mem,
                                    &x));
  return x;
}

/* Random global data with exact zeros at every 5th element (so ord-0 norms count something). */
static void *global_data(int64_t n, dlops_dtype t, unsigned long long seed) {
  void *g = t_global(n, t, seed);
  for (int64_t k = 0; k < n; k += 5) t_store(g, t, k, 0.0, 0.0);
  return g;
}

/* Serial references over the whole global array */
static void serial_dot(const void *x, const void *y, int64_t n, dlops_dtype t, int conj, double *re, double *im) {
  long double sr = 0, si = 0;
  for (int64_t i = 0; i < n; i++) {
    double xr, xi, yr, yi;
    t_load(x, t, i, &xr, &xi);
    t_load(y, t, i, &yr, &yi);
    if (conj) xi = -xi;
    sr += (long double)xr * yr - (long double)xi * yi;
    si += (long double)xr * yi + (long double)xi * yr;
  }
  *re = (double)sr;
  *im = (double)si;
}

static double serial_norm(const void *x, int64_t n, dlops_dtype t, double ord) {
  long double s = 0;
  double m = isinf(ord) && ord < 0 ? INFINITY : 0.0;
  for (int64_t i = 0; i < n; i++) {
    double re, im;
    t_load(x, t, i, &re, &im);
    double a = hypot(re, im);
    if (ord == 0)
      s += a != 0;
    else if (isinf(ord))
      m = ord > 0 ? (a > m ? a : m) : (a < m ? a : m);
    else
      s += powl((long double)a, (long double)ord);
  }
  if (isinf(ord)) return m;
  if (ord == 0) return (double)s;
  return (double)powl(s, 1.0L / (long double)ord);
}

static void test_layout(dlops_ctx ctx, const layout_t *L, dlops_dtype t, unsigned long long seed) {
  char what[200];
  snprintf(what, sizeof what, "%s %s", L->name, dlops_dtype_name(t));
  const int nd = L->ndim, ax = L->axis < 0 ? L->axis + L->ndim : L->axis;
  const int64_t ng = t_prod(L->shape, nd);
  const size_t es = dlops_dtype_size(t);
  const double tol = dlops_test_tol(t);
  int64_t off, len;
  dlops_darray x = make(ctx, L, t, &off, &len);
  dlops_darray y = make(ctx, L, t, &off, &len);
  int64_t nl = 0;
  dlops_darray_get_local_size(x, &nl);
  void *gx = global_data(ng, t, seed), *gy = global_data(ng, t, seed + 1);
  T_CALL(dlops_darray_scatter(x, gx, -1));
  T_CALL(dlops_darray_scatter(y, gy, -1));
  /* this rank's slices */
  void *lx = malloc((size_t)(nl + 1) * es), *ly = malloc((size_t)(nl + 1) * es), *ex = malloc((size_t)(nl + 1) * es);
  t_extract(gx, nd, L->shape, ax, off, len, es, lx);
  t_extract(gy, nd, L->shape, ax, off, len, es, ly);
  size_t b = 0;
  void *s = t_snapshot(x, &b);
  T_CHECK(b == (size_t)nl * es && !memcmp(s, lx, b), "%s: scatter", what);
  free(s);

  /* ---- fill */
  {
    dlops_darray z = make(ctx, L, t, &off, &len);
    dlops_scalar v = {1.25, t_is_complex(t) ? -0.5 : 0.0};
    T_CALL(dlops_darray_fill(z, v));
    for (int64_t i = 0; i < nl; i++) t_store(ex, t, i, v.re, v.im);
    s = t_snapshot(z, &b);
    T_CHECK(!memcmp(s, ex, (size_t)nl * es), "%s: fill", what);
    free(s);
    dlops_darray_destroy(&z);
  }
  /* ---- copy, also to every other dtype (numpy casts; complex to real keeps the real part) */
  for (int ti = 0; ti < 4; ti++) {
    dlops_dtype t2 = t_dtypes[ti];
    dlops_darray z = make(ctx, L, t2, &off, &len);
    T_CALL(dlops_darray_copy(x, z));
    void *e2 = malloc((size_t)(nl + 1) * dlops_dtype_size(t2));
    for (int64_t i = 0; i < nl; i++) {
      double re, im;
      t_load(lx, t, i, &re, &im);
      t_store(e2, t2, i, re, im);
    }
    s = t_snapshot(z, &b);
    T_CHECK(b == (size_t)nl * dlops_dtype_size(t2) && !memcmp(s, e2, b), "%s: copy to %s", what, dlops_dtype_name(t2));
    free(s);
    free(e2);
    dlops_darray_destroy(&z);
  }
  T_CALL(dlops_darray_copy(x, x)); /* self copy is a no-op */
  /* ---- axpby, scale with real and (complex dtypes) complex coefficients */
  dlops_scalar coefs[3][2] = {{{0.5, 0}, {-2.0, 0}}, {{0.5, 1.5}, {-1.0, 0.25}}, {{0, 0}, {1, 0}}};
  for (int ci = 0; ci < 3; ci++) {
    dlops_scalar a = coefs[ci][0], bb = coefs[ci][1];
    int cplx = a.im != 0 || bb.im != 0;
    dlops_darray z = make(ctx, L, t, &off, &len);
    T_CALL(dlops_darray_copy(y, z));
    int e = dlops_darray_axpby(a, x, bb, z);
    if (cplx && !t_is_complex(t)) {
      T_CHECK(e == DLOPS_ERR_ARG, "%s: complex coefficient on a real array gave %d", what, e);
      T_CHECK(dlops_last_error()[0] != 0, "%s: no message", what);
      s = t_snapshot(z, &b);
      T_CHECK(!memcmp(s, ly, b), "%s: failed axpby changed y", what);
      free(s);
      e = dlops_darray_scale(z, a);
      T_CHECK(e == DLOPS_ERR_ARG, "%s: complex scale of a real array gave %d", what, e);
      s = t_snapshot(z, &b);
      T_CHECK(!memcmp(s, ly, b), "%s: failed scale changed x", what);
      free(s);
    } else {
      T_CHECK(e == DLOPS_SUCCESS, "%s: axpby failed: %s", what, dlops_last_error());
      for (int64_t i = 0; i < nl; i++) {
        double xr, xi, yr, yi;
        t_load(lx, t, i, &xr, &xi);
        t_load(ly, t, i, &yr, &yi);
        t_store(ex, t, i, a.re * xr - a.im * xi + bb.re * yr - bb.im * yi, a.re * xi + a.im * xr + bb.re * yi + bb.im * yr);
      }
      s = t_snapshot(z, &b);
      T_CHECK(t_maxerr(s, ex, nl, t) <= tol, "%s: axpby (%g%+gi, %g%+gi) error %g", what, a.re, a.im, bb.re, bb.im,
              t_maxerr(s, ex, nl, t));
      free(s);
      /* scale */
      T_CALL(dlops_darray_copy(x, z));
      T_CALL(dlops_darray_scale(z, a));
      for (int64_t i = 0; i < nl; i++) {
        double xr, xi;
        t_load(lx, t, i, &xr, &xi);
        t_store(ex, t, i, a.re * xr - a.im * xi, a.re * xi + a.im * xr);
      }
      s = t_snapshot(z, &b);
      T_CHECK(t_maxerr(s, ex, nl, t) <= tol, "%s: scale error", what);
      free(s);
    }
    /* x itself never changes */
    s = t_snapshot(x, &b);
    T_CHECK(!memcmp(s, lx, b), "%s: axpby/scale changed x", what);
    free(s);
    dlops_darray_destroy(&z);
  }
  /* ---- conj */
  {
    dlops_darray z = make(ctx, L, t, &off, &len);
    T_CALL(dlops_darray_copy(x, z));
    T_CALL(dlops_darray_conj(z));
    for (int64_t i = 0; i < nl; i++) {
      double re, im;
      t_load(lx, t, i, &re, &im);
      t_store(ex, t, i, re, -im);
    }
    s = t_snapshot(z, &b);
    T_CHECK(!memcmp(s, ex, (size_t)nl * es), "%s: conj", what);
    free(s);
    dlops_darray_destroy(&z);
  }
  /* ---- pointwise_mult, into a third array and in place (z aliases x) */
  {
    dlops_darray z = make(ctx, L, t, &off, &len), w = make(ctx, L, t, &off, &len);
    for (int64_t i = 0; i < nl; i++) {
      double xr, xi, yr, yi;
      t_load(lx, t, i, &xr, &xi);
      t_load(ly, t, i, &yr, &yi);
      t_store(ex, t, i, xr * yr - xi * yi, xr * yi + xi * yr);
    }
    T_CALL(dlops_darray_pointwise_mult(x, y, z));
    s = t_snapshot(z, &b);
    T_CHECK(t_maxerr(s, ex, nl, t) <= tol, "%s: pointwise_mult", what);
    free(s);
    T_CALL(dlops_darray_copy(x, w));
    T_CALL(dlops_darray_pointwise_mult(w, y, w));
    s = t_snapshot(w, &b);
    T_CHECK(t_maxerr(s, ex, nl, t) <= tol, "%s: pointwise_mult in place", what);
    free(s);
    dlops_darray_destroy(&z);
    dlops_darray_destroy(&w);
  }
  /* ---- dot, vdot, multi_dot (one allreduce of 16 bytes a pair) */
  {
    double er, ei, vr, vi, nr, ni;
    serial_dot(gx, gy, ng, t, 0, &er, &ei);
    serial_dot(gx, gy, ng, t, 1, &vr, &vi);
    serial_dot(gx, gx, ng, t, 1, &nr, &ni);
    dlops_scalar d = {-9, -9}, v = {-9, -9};
    int64_t b0, b1;
    int64_t c0 = t_calls(ctx, DLOPS_COMM_ALLREDUCE, &b0);
    T_CALL(dlops_darray_dot(x, y, &d));
    int64_t c1 = t_calls(ctx, DLOPS_COMM_ALLREDUCE, &b1);
    /* one agreed reduction: a 32-byte agreement header and room for 16 partial sums (agree.c) */
    T_CHECK(c1 - c0 == 1 && b1 - b0 == T_RED_BYTES, "%s: dot did %lld allreduces of %lld bytes (expected 1 of 160)", what,
            (long long)(c1 - c0), (long long)(b1 - b0));
    T_CALL(dlops_darray_vdot(x, y, &v));
    T_CHECK(t_close(d.re, er, tol) && t_close(d.im, ei, tol), "%s: dot = %.17g%+.17gi, serial %.17g%+.17gi", what, d.re,
            d.im, er, ei);
    T_CHECK(t_close(v.re, vr, tol) && t_close(v.im, vi, tol), "%s: vdot = %.17g%+.17gi, serial %.17g%+.17gi", what, v.re,
            v.im, vr, vi);
    if (!t_is_complex(t)) T_CHECK(d.im == 0 && v.im == 0, "%s: real dot with an imaginary part", what);
    dlops_darray xs[3] = {x, y, x}, ys[3] = {y, x, x};
    int cf[3] = {0, 1, 1};
    dlops_scalar r[3];
    memset(r, 0, sizeof r);
    c0 = t_calls(ctx, DLOPS_COMM_ALLREDUCE, &b0);
    T_CALL(dlops_darray_multi_dot(3, xs, ys, cf, r));
    c1 = t_calls(ctx, DLOPS_COMM_ALLREDUCE, &b1);
    T_CHECK(c1 - c0 == 1, "%s: multi_dot of 3 pairs did %lld allreduces", what, (long long)(c1 - c0));
    T_CHECK(b1 - b0 == T_RED_BYTES, "%s: multi_dot of 3 pairs reduced %lld bytes, expected 160", what,
            (long long)(b1 - b0));
    double yxr, yxi;
    serial_dot(gy, gx, ng, t, 1, &yxr, &yxi);
    T_CHECK(t_close(r[0].re, er, tol) && t_close(r[0].im, ei, tol), "%s: multi_dot[0]", what);
    T_CHECK(t_close(r[1].re, yxr, tol) && t_close(r[1].im, yxi, tol), "%s: multi_dot[1]", what);
    T_CHECK(t_close(r[2].re, nr, tol) && fabs(r[2].im) <= tol * (1 + fabs(nr)), "%s: multi_dot[2]", what);
    /* NULL conj_first means plain dot products */
    T_CALL(dlops_darray_multi_dot(3, xs, ys, NULL, r));
    T_CHECK(t_close(r[1].re, er, tol) && t_close(r[1].im, ei, tol), "%s: multi_dot without conj flags", what);
    /* non-blocking form: arrays may change between begin and end */
    dlops_darray z = make(ctx, L, t, &off, &len);
    T_CALL(dlops_darray_copy(x, z));
    dlops_darray zs[2] = {z, x}, ws[2] = {y, z};
    int cf2[2] = {0, 1};
    dlops_scalar r2[2];
    dlops_pending pend = NULL;
    c0 = t_calls(ctx, DLOPS_COMM_ALLREDUCE, &b0);
    T_CALL(dlops_darray_multi_dot_begin(2, zs, ws, cf2, r2, &pend));
    dlops_scalar zero = {0, 0};
    T_CALL(dlops_darray_fill(z, zero));
    if (pend) T_CALL(dlops_darray_multi_dot_end(&pend));
    c1 = t_calls(ctx, DLOPS_COMM_ALLREDUCE, &b1);
    T_CHECK(pend == NULL, "%s: multi_dot_end did not clear the request", what);
    T_CHECK(c1 - c0 == 1 && b1 - b0 == T_RED_BYTES, "%s: multi_dot_begin/end: %lld allreduces, %lld bytes", what,
            (long long)(c1 - c0), (long long)(b1 - b0));
    T_CHECK(t_close(r2[0].re, er, tol) && t_close(r2[0].im, ei, tol), "%s: multi_dot_begin[0]", what);
    T_CHECK(t_close(r2[1].re, nr, tol), "%s: multi_dot_begin[1]", what);
    dlops_darray_destroy(&z);
  }
  /* ---- norms */
  {
    const double ords[] = {0, 1, 2, INFINITY, -INFINITY, 3, 0.5};
    for (int k = 0; k < 7; k++) {
      double got = -7, exp = serial_norm(gx, ng, t, ords[k]);
      int64_t c0 = t_calls(ctx, DLOPS_COMM_ALLREDUCE, NULL);
      T_CALL(dlops_darray_norm(x, ords[k], &got));
      int64_t c1 = t_calls(ctx, DLOPS_COMM_ALLREDUCE, NULL);
      T_CHECK(t_close(got, exp, tol), "%s: norm ord %g = %.17g, serial %.17g", what, ords[k], got, exp);
      T_CHECK(c1 - c0 == 1, "%s: norm ord %g did %lld allreduces", what, ords[k], (long long)(c1 - c0));
    }
  }
  s = t_snapshot(y, &b);
  T_CHECK(!memcmp(s, ly, b), "%s: y changed", what);
  free(s);
  free(lx);
  free(ly);
  free(ex);
  free(gx);
  free(gy);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
}

static void test_counters(dlops_ctx ctx) {
  int64_t n = 10;
  dlops_darray x = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_C128, &x));
  dlops_scalar one = {1, 1}, d;
  T_CALL(dlops_darray_fill(x, one));
  T_CALL(dlops_ctx_reset_counters(ctx));
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
    dlops_comm_counter c;
    memset(&c, 0xff, sizeof c);
    T_CALL(dlops_ctx_get_counter(ctx, (dlops_comm_kind)k, &c));
    T_CHECK(c.calls == 0 && c.messages == 0 && c.bytes == 0 && c.seconds == 0, "counter %s not reset",
            dlops_comm_kind_name((dlops_comm_kind)k));
    T_CHECK(strcmp(dlops_comm_kind_name((dlops_comm_kind)k), "?") != 0, "kind %d has no name", k);
  }
  T_CHECK(!strcmp(dlops_comm_kind_name(DLOPS_COMM_ALLREDUCE), "allreduce"), "kind name");
  T_CHECK(!strcmp(dlops_comm_kind_name(DLOPS_COMM_NEIGHBOR), "neighbor"), "kind name");
  T_CHECK(!strcmp(dlops_comm_kind_name(DLOPS_COMM_NUM_KINDS), "?"), "kind name out of range");
  T_CHECK(!strcmp(dlops_comm_kind_name((dlops_comm_kind)-1), "?"), "kind name out of range");
  for (int k = 0; k < 5; k++) T_CALL(dlops_darray_dot(x, x, &d));
  T_CHECK(d.re == 0 && d.im == 20, "dot of (1+i) x 10 with itself = %g%+gi", d.re, d.im);
  dlops_comm_counter c;
  T_CALL(dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLREDUCE, &c));
  T_CHECK(c.calls == 5 && c.bytes == 5 * T_RED_BYTES, "5 dots: %lld calls, %lld bytes", (long long)c.calls,
          (long long)c.bytes);
  /* messages: 1 per call (the agreement record is one datatype element, never chunked) */
  T_CHECK(c.messages == 5, "5 dots: %lld messages", (long long)c.messages);
  T_CHECK(c.seconds >= 0, "negative time");
  /* print: a table on rank 0 naming the kinds used */
  FILE *f = tmpfile();
  T_CALL(dlops_ctx_print_counters(ctx, f));
  if (me == 0 && f) {
    char buf[4096];
    rewind(f);
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    buf[got] = 0;
    T_CHECK(strstr(buf, "allreduce") != NULL, "print_counters output lacks allreduce:\n%s", buf);
    char line[64];
    snprintf(line, sizeof line, "%d", 5 * P);
    T_CHECK(strstr(buf, line) != NULL, "print_counters does not show %d calls summed over ranks:\n%s", 5 * P, buf);
  }
  if (f) fclose(f);
  /* printing does not count itself */
  dlops_comm_counter c2;
  T_CALL(dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLREDUCE, &c2));
  T_CHECK(c2.calls == c.calls, "print_counters counted its own reductions");
  T_CALL(dlops_ctx_reset_counters(ctx));
  T_CALL(dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLREDUCE, &c2));
  T_CHECK(c2.calls == 0 && c2.bytes == 0, "reset");
  T_EXPECT_ERR(dlops_ctx_get_counter(ctx, DLOPS_COMM_NUM_KINDS, &c2), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_ctx_get_counter(ctx, (dlops_comm_kind)-1, &c2), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLREDUCE, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_ctx_get_counter(NULL, DLOPS_COMM_ALLREDUCE, &c2), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_ctx_reset_counters(NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_ctx_print_counters(NULL, NULL), DLOPS_ERR_ARG);
  dlops_darray_destroy(&x);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &me);
  unsigned long long seed = 500;
  for (int l = 0; l < NLAYOUTS; l++)
    for (int ti = 0; ti < 4; ti++) test_layout(ctx, &layouts[l], t_dtypes[ti], seed += 2);
  test_counters(ctx);
  return dlops_test_finish(ctx);
}
