/* Stacked arrays (also nested, and with BROADCAST and masked components): queries, scatter and
 * gather of the concatenation, every vector operation and reduction against a serial computation
 * on the concatenated global data; mixed element types; misuse (different dtypes or stacking ->
 * error with the arrays unchanged). */
#include "darray_check.h"

static int P, me;

/* Components: a (7) scatter, b (3x4) scatter axis 1, c (5) broadcast, m (6) scatter masked by
 * rank % 2. Structure: stack(stack(a, b), c, m); flattened sizes 7 + 12 + 5 + 6 = 30. */
#define NCOMP 4
static const int64_t comp_shape[NCOMP][2] = {{7, 0}, {3, 4}, {5, 0}, {6, 0}};
static const int comp_ndim[NCOMP] = {1, 2, 1, 1};
static const int comp_axis[NCOMP] = {0, 1, 0, 0};
static const dlops_partition comp_part[NCOMP] = {DLOPS_SCATTER, DLOPS_SCATTER, DLOPS_BROADCAST, DLOPS_SCATTER};
static const int comp_masked[NCOMP] = {0, 0, 0, 1};
#define NTOTAL 30

typedef struct {
  dlops_darray comp[NCOMP];
  dlops_darray inner, outer;
} stack_t;

/* Build the structure with component dtypes types[4]. */
static void build(dlops_ctx ctx, const dlops_dtype *types, stack_t *s) {
  for (int i = 0; i < NCOMP; i++)
    T_REQUIRE(dlops_darray_create_ext(ctx, comp_ndim[i], comp_shape[i], comp_axis[i], comp_part[i], types[i], -1,
                                      comp_masked[i] ? me % 2 : -1, dlops_test_mem, &s->comp[i]));
  T_REQUIRE(dlops_darray_create_stacked(2, s->comp, &s->inner));
  dlops_darray o[3] = {s->inner, s->comp[2], s->comp[3]};
  T_REQUIRE(dlops_darray_create_stacked(3, o, &s->outer));
}
static void release(stack_t *s) {
  for (int i = 0; i < NCOMP; i++) dlops_darray_destroy(&s->comp[i]);
  dlops_darray_destroy(&s->inner);
  dlops_darray_destroy(&s->outer);
}

/* This rank's slab (offset, length) of component i along its axis. */
static void comp_slab(int i, int64_t *off, int64_t *len) {
  int64_t n = comp_shape[i][comp_axis[i]];
  if (comp_part[i] != DLOPS_SCATTER) {
    *off = 0;
    *len = n;
    return;
  }
  int gs = P, gi = me;
  if (comp_masked[i]) {
    gs = (P - me % 2 + 1) / 2;
    gi = me / 2;
  }
  *off = t_split_off(n, gs, gi);
  *len = t_split_size(n, gs, gi);
}

/* Concatenated expected local blocks from a global concatenation g of dtype-per-component types. */
static size_t expected_local(const void *const *g, const dlops_dtype *types, char *out) {
  size_t o = 0;
  for (int i = 0; i < NCOMP; i++) {
    int64_t off, len;
    comp_slab(i, &off, &len);
    t_extract(g[i], comp_ndim[i], comp_shape[i], comp_axis[i], off, len, dlops_dtype_size(types[i]), out + o);
    int64_t n = t_prod(comp_shape[i], comp_ndim[i]) / comp_shape[i][comp_axis[i]] * len;
    o += (size_t)n * dlops_dtype_size(types[i]);
  }
  return o;
}

static void serial_dot(const void *const *gx, const void *const *gy, const dlops_dtype *types, int conj, double *re,
                       double *im) {
  long double sr = 0, si = 0;
  for (int i = 0; i < NCOMP; i++)
    for (int64_t k = 0; k < t_prod(comp_shape[i], comp_ndim[i]); k++) {
      double xr, xi, yr, yi;
      t_load(gx[i], types[i], k, &xr, &xi);
      t_load(gy[i], types[i], k, &yr, &yi);
      if (conj) xi = -xi;
      sr += (long double)xr * yr - (long double)xi * yi;
      si += (long double)xr * yi + (long double)xi * yr;
    }
  *re = (double)sr;
  *im = (double)si;
}

static double serial_norm(const void *const *g, const dlops_dtype *types, double ord) {
  long double s = 0;
  double m = ord < 0 ? INFINITY : 0;
  for (int i = 0; i < NCOMP; i++)
    for (int64_t k = 0; k < t_prod(comp_shape[i], comp_ndim[i]); k++) {
      double re, im;
      t_load(g[i], types[i], k, &re, &im);
      double a = hypot(re, im);
      if (ord == 0) s += a != 0;
      else if (isinf(ord)) m = ord > 0 ? (a > m ? a : m) : (a < m ? a : m);
      else s += powl(a, ord);
    }
  if (isinf(ord)) return m;
  if (ord == 0) return (double)s;
  return (double)powl(s, 1.0L / ord);
}

/* Global data of every component, concatenated into one buffer (components may differ in dtype). */
static char *global_concat(const dlops_dtype *types, unsigned long long seed, void **parts) {
  size_t bytes = 0;
  for (int i = 0; i < NCOMP; i++) bytes += (size_t)t_prod(comp_shape[i], comp_ndim[i]) * dlops_dtype_size(types[i]);
  char *g = malloc(bytes);
  size_t o = 0;
  for (int i = 0; i < NCOMP; i++) {
    int64_t n = t_prod(comp_shape[i], comp_ndim[i]);
    dlops_test_fill(g + o, n, types[i], seed + (unsigned long long)i);
    t_store(g + o, types[i], 2, 0.0, 0.0); /* a zero in every component, for ord 0 */
    parts[i] = g + o;
    o += (size_t)n * dlops_dtype_size(types[i]);
  }
  return g;
}

static void test_uniform(dlops_ctx ctx, dlops_dtype t, unsigned long long seed) {
  char what[96];
  snprintf(what, sizeof what, "stacked %s", dlops_dtype_name(t));
  const dlops_dtype types[NCOMP] = {t, t, t, t};
  const size_t es = dlops_dtype_size(t);
  const double tol = dlops_test_tol(t);
  stack_t X, Y;
  build(ctx, types, &X);
  build(ctx, types, &Y);
  dlops_darray x = X.outer, y = Y.outer;
  /* queries */
  int st = -1, cnt = -1, nd;
  int64_t nl = -1, ng = -1, sh[2], off;
  T_CALL(dlops_darray_is_stacked(x, &st));
  T_CALL(dlops_darray_stacked_count(x, &cnt));
  T_CHECK(st == 1 && cnt == 3, "%s: is_stacked %d count %d", what, st, cnt);
  dlops_darray part = NULL;
  T_CALL(dlops_darray_stacked_get(x, 0, &part));
  T_CHECK(part == X.inner, "%s: component 0 is not the nested stack", what);
  T_CALL(dlops_darray_stacked_get(x, 2, &part));
  T_CHECK(part == X.comp[3], "%s: component 2", what);
  T_EXPECT_ERR(dlops_darray_stacked_get(x, 3, &part), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_stacked_get(x, -1, &part), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_stacked_get(X.comp[0], 0, &part), DLOPS_ERR_STATE);
  T_CALL(dlops_darray_get_global_size(x, &ng));
  T_CHECK(ng == NTOTAL, "%s: global size %lld", what, (long long)ng);
  T_CALL(dlops_darray_get_local_size(x, &nl));
  int64_t enl = 0;
  for (int i = 0; i < NCOMP; i++) {
    int64_t o2, l2;
    comp_slab(i, &o2, &l2);
    enl += t_prod(comp_shape[i], comp_ndim[i]) / comp_shape[i][comp_axis[i]] * l2;
  }
  T_CHECK(nl == enl, "%s: local size %lld != %lld", what, (long long)nl, (long long)enl);
  dlops_dtype dt;
  T_CALL(dlops_darray_get_dtype(x, &dt));
  T_CHECK(dt == t, "%s: dtype", what);
  void *ptr = NULL;
  T_EXPECT_ERR(dlops_darray_get_local(x, DLOPS_MEM_HOST, &ptr), DLOPS_ERR_STATE);
  T_EXPECT_ERR(dlops_darray_get_ndim(x, &nd), DLOPS_ERR_STATE);
  T_EXPECT_ERR(dlops_darray_get_global_shape(x, sh), DLOPS_ERR_STATE);
  T_EXPECT_ERR(dlops_darray_get_offset(x, &off), DLOPS_ERR_STATE);
  dlops_darray r = NULL;
  T_EXPECT_ERR(dlops_darray_redistribute(x, 0, &r), DLOPS_ERR_STATE);
  T_EXPECT_ERR(dlops_darray_ghost_shape(x, 1, 1, sh), DLOPS_ERR_STATE);
  T_EXPECT_ERR(dlops_darray_add_ghost_cells(x, 1, 1, sh), DLOPS_ERR_STATE);

  /* scatter / gather of the concatenation */
  void *gxp[NCOMP], *gyp[NCOMP];
  char *gx = global_concat(types, seed, gxp), *gy = global_concat(types, seed + 10, gyp);
  char *ex = malloc((size_t)(nl + 1) * es), *ey = malloc((size_t)(nl + 1) * es), *tmp = malloc((size_t)(nl + 1) * es);
  expected_local((const void *const *)gxp, types, ex);
  expected_local((const void *const *)gyp, types, ey);
  size_t b;
  T_CALL(dlops_darray_scatter(x, gx, -1));
  T_CALL(dlops_darray_scatter(y, me == 0 ? gy : NULL, 0));
  void *s = t_snapshot(x, &b);
  T_CHECK(b == (size_t)nl * es && !memcmp(s, ex, b), "%s: scatter(-1)", what);
  free(s);
  s = t_snapshot(y, &b);
  T_CHECK(!memcmp(s, ey, b), "%s: scatter(0)", what);
  free(s);
  char *back = calloc(NTOTAL, es);
  T_CALL(dlops_darray_gather(x, back, -1));
  T_CHECK(!memcmp(back, gx, NTOTAL * es), "%s: gather(-1) of the concatenation", what);
  memset(back, 0, NTOTAL * es);
  T_CALL(dlops_darray_gather(y, me == P - 1 ? back : NULL, P - 1));
  if (me == P - 1) T_CHECK(!memcmp(back, gy, NTOTAL * es), "%s: gather(P-1)", what);
  free(back);

  /* duplicate: same structure, zeros */
  dlops_darray z = NULL;
  T_CALL(dlops_darray_duplicate(x, &z));
  double nz = -1;
  T_CALL(dlops_darray_norm(z, 1, &nz));
  T_CHECK(nz == 0, "%s: duplicate not zero", what);
  int zc = 0;
  dlops_darray_stacked_count(z, &zc);
  T_CHECK(zc == 3, "%s: duplicate has %d components", what, zc);

  /* element-wise operations */
  dlops_scalar v = {0.75, t_is_complex(t) ? 0.5 : 0.0};
  T_CALL(dlops_darray_fill(z, v));
  for (int64_t i = 0; i < nl; i++) t_store(tmp, t, i, v.re, v.im);
  s = t_snapshot(z, &b);
  T_CHECK(!memcmp(s, tmp, b), "%s: fill", what);
  free(s);
  T_CALL(dlops_darray_copy(x, z));
  s = t_snapshot(z, &b);
  T_CHECK(!memcmp(s, ex, b), "%s: copy", what);
  free(s);
  dlops_scalar a = {1.5, t_is_complex(t) ? -0.5 : 0}, c = {-0.25, t_is_complex(t) ? 2.0 : 0};
  T_CALL(dlops_darray_axpby(a, y, c, z));
  for (int64_t i = 0; i < nl; i++) {
    double xr, xi, yr, yi;
    t_load(ey, t, i, &yr, &yi);
    t_load(ex, t, i, &xr, &xi);
    t_store(tmp, t, i, a.re * yr - a.im * yi + c.re * xr - c.im * xi, a.re * yi + a.im * yr + c.re * xi + c.im * xr);
  }
  s = t_snapshot(z, &b);
  T_CHECK(t_maxerr(s, tmp, nl, t) <= tol, "%s: axpby", what);
  free(s);
  T_CALL(dlops_darray_copy(x, z));
  T_CALL(dlops_darray_scale(z, a));
  T_CALL(dlops_darray_conj(z));
  T_CALL(dlops_darray_pointwise_mult(z, y, z));
  for (int64_t i = 0; i < nl; i++) {
    double xr, xi, yr, yi;
    t_load(ex, t, i, &xr, &xi);
    t_load(ey, t, i, &yr, &yi);
    double sr = a.re * xr - a.im * xi, si = -(a.re * xi + a.im * xr);
    t_store(tmp, t, i, sr * yr - si * yi, sr * yi + si * yr);
  }
  s = t_snapshot(z, &b);
  T_CHECK(t_maxerr(s, tmp, nl, t) <= 4 * tol, "%s: scale/conj/pointwise_mult", what);
  free(s);

  /* reductions: BROADCAST component once, masked component once per group */
  double er, ei, vr, vi;
  serial_dot((const void *const *)gxp, (const void *const *)gyp, types, 0, &er, &ei);
  serial_dot((const void *const *)gxp, (const void *const *)gyp, types, 1, &vr, &vi);
  dlops_scalar d, vd;
  T_CALL(dlops_darray_dot(x, y, &d));
  T_CALL(dlops_darray_vdot(x, y, &vd));
  T_CHECK(t_close(d.re, er, tol) && t_close(d.im, ei, tol), "%s: dot %g%+gi serial %g%+gi", what, d.re, d.im, er, ei);
  T_CHECK(t_close(vd.re, vr, tol) && t_close(vd.im, vi, tol), "%s: vdot %g%+gi serial %g%+gi", what, vd.re, vd.im, vr,
          vi);
  dlops_darray xs[2] = {x, y}, ys[2] = {y, x};
  int cf[2] = {0, 1};
  dlops_scalar rr[2];
  T_CALL(dlops_darray_multi_dot(2, xs, ys, cf, rr));
  T_CHECK(t_close(rr[0].re, er, tol) && t_close(rr[0].im, ei, tol), "%s: multi_dot[0]", what);
  double yr2, yi2;
  serial_dot((const void *const *)gyp, (const void *const *)gxp, types, 1, &yr2, &yi2);
  T_CHECK(t_close(rr[1].re, yr2, tol) && t_close(rr[1].im, yi2, tol), "%s: multi_dot[1]", what);
  /* a stack of unmasked components (scatter + broadcast) is still one allreduce */
  {
    dlops_darray u = NULL, u2 = NULL;
    dlops_darray uc[2] = {X.inner, X.comp[2]}, uc2[2] = {Y.inner, Y.comp[2]};
    T_CALL(dlops_darray_create_stacked(2, uc, &u));
    T_CALL(dlops_darray_create_stacked(2, uc2, &u2));
    dlops_darray us[3] = {u, u2, u}, vs[3] = {u2, u, u};
    dlops_scalar r3[3];
    int64_t c0 = t_calls(ctx, DLOPS_COMM_ALLREDUCE, NULL);
    T_CALL(dlops_darray_multi_dot(3, us, vs, NULL, r3));
    T_CHECK(t_calls(ctx, DLOPS_COMM_ALLREDUCE, NULL) - c0 == 1, "%s: multi_dot of 3 stacked pairs: not 1 allreduce", what);
    double nu = 0;
    c0 = t_calls(ctx, DLOPS_COMM_ALLREDUCE, NULL);
    T_CALL(dlops_darray_norm(u, 2, &nu));
    T_CHECK(t_calls(ctx, DLOPS_COMM_ALLREDUCE, NULL) - c0 == 1, "%s: norm of a stacked array: not 1 allreduce", what);
    dlops_darray_destroy(&u);
    dlops_darray_destroy(&u2);
  }
  const double ords[] = {0, 1, 2, INFINITY, -INFINITY, 3, 0.5};
  for (int k = 0; k < 7; k++) {
    double got = -1, exp = serial_norm((const void *const *)gxp, types, ords[k]);
    T_CALL(dlops_darray_norm(x, ords[k], &got));
    T_CHECK(t_close(got, exp, tol), "%s: norm ord %g = %.17g serial %.17g", what, ords[k], got, exp);
  }
  /* x and y unchanged by all this */
  s = t_snapshot(x, &b);
  T_CHECK(!memcmp(s, ex, b), "%s: x changed", what);
  free(s);
  s = t_snapshot(y, &b);
  T_CHECK(!memcmp(s, ey, b), "%s: y changed", what);
  free(s);

  /* layouts that differ: component count, nesting, plain vs stacked */
  dlops_darray flat = NULL, two = NULL;
  dlops_darray fl[4] = {X.comp[0], X.comp[1], X.comp[2], X.comp[3]};
  T_CALL(dlops_darray_create_stacked(4, fl, &flat));
  T_CALL(dlops_darray_create_stacked(2, fl, &two));
  size_t yb;
  void *ys0 = t_snapshot(y, &yb);
  T_EXPECT_ERR(dlops_darray_dot(flat, y, &d), DLOPS_ERR_SIZE);   /* same leaves, other nesting */
  T_EXPECT_ERR(dlops_darray_axpby(a, two, c, y), DLOPS_ERR_SIZE); /* other component count */
  T_EXPECT_ERR(dlops_darray_copy(X.comp[0], y), DLOPS_ERR_SIZE);  /* plain vs stacked */
  T_CHECK(t_same_as_snapshot(y, ys0, yb), "%s: failed calls changed y", what);
  free(ys0);
  dlops_darray_destroy(&flat);
  dlops_darray_destroy(&two);

  /* the stack keeps its components alive after the caller drops its handles */
  dlops_darray keep = NULL;
  T_CALL(dlops_darray_duplicate(x, &keep));
  T_CALL(dlops_darray_copy(x, keep));
  release(&X);
  double n2 = -1, e2 = serial_norm((const void *const *)gxp, types, 2);
  T_CALL(dlops_darray_norm(keep, 2, &n2));
  T_CHECK(t_close(n2, e2, tol), "%s: duplicate after the original was destroyed", what);
  dlops_darray_destroy(&keep);
  dlops_darray_destroy(&z);
  release(&Y);
  free(gx);
  free(gy);
  free(ex);
  free(ey);
  free(tmp);
}

/* Components of different element types. */
static void test_mixed(dlops_ctx ctx) {
  const dlops_dtype mix[NCOMP] = {DLOPS_F64, DLOPS_C128, DLOPS_F32, DLOPS_C64};
  const dlops_dtype cfirst[NCOMP] = {DLOPS_C128, DLOPS_F64, DLOPS_C64, DLOPS_F32};
  for (int order = 0; order < 2; order++) {
    const dlops_dtype *types = order ? cfirst : mix;
    char what[64];
    snprintf(what, sizeof what, "mixed dtypes (%s first)", dlops_dtype_name(types[0]));
    stack_t X, Y;
    build(ctx, types, &X);
    build(ctx, types, &Y);
    void *gxp[NCOMP], *gyp[NCOMP];
    char *gx = global_concat(types, 900, gxp), *gy = global_concat(types, 950, gyp);
    T_CALL(dlops_darray_scatter(X.outer, gx, -1));
    T_CALL(dlops_darray_scatter(Y.outer, gy, 0));
    /* gather of mixed components: each in its own type */
    size_t tot = 0;
    for (int i = 0; i < NCOMP; i++) tot += (size_t)t_prod(comp_shape[i], comp_ndim[i]) * dlops_dtype_size(types[i]);
    char *back = calloc(tot, 1);
    T_CALL(dlops_darray_gather(Y.outer, back, -1));
    T_CHECK(!memcmp(back, gy, tot), "%s: gather", what);
    free(back);
    /* dot keeps the imaginary part of the complex components whatever comes first */
    double er, ei, vr, vi;
    serial_dot((const void *const *)gxp, (const void *const *)gyp, types, 0, &er, &ei);
    serial_dot((const void *const *)gxp, (const void *const *)gyp, types, 1, &vr, &vi);
    dlops_scalar d, v;
    T_CALL(dlops_darray_dot(X.outer, Y.outer, &d));
    T_CALL(dlops_darray_vdot(X.outer, Y.outer, &v));
    T_CHECK(t_close(d.re, er, 1e-5) && t_close(d.im, ei, 1e-5), "%s: dot %g%+gi serial %g%+gi", what, d.re, d.im, er, ei);
    T_CHECK(t_close(v.re, vr, 1e-5) && t_close(v.im, vi, 1e-5), "%s: vdot %g%+gi serial %g%+gi", what, v.re, v.im, vr,
            vi);
    double nn = -1, en = serial_norm((const void *const *)gxp, types, 2);
    T_CALL(dlops_darray_norm(X.outer, 2, &nn));
    T_CHECK(t_close(nn, en, 1e-5), "%s: norm", what);
    /* real coefficients work on every component */
    dlops_scalar a = {2, 0}, b = {-1, 0}, ac = {1, 1};
    T_CALL(dlops_darray_axpby(a, X.outer, b, Y.outer));
    /* a complex coefficient fails (there are real components) and changes nothing */
    size_t yb, xb;
    void *ys = t_snapshot(Y.outer, &yb), *xs = t_snapshot(X.outer, &xb);
    T_EXPECT_ERR(dlops_darray_axpby(ac, X.outer, b, Y.outer), DLOPS_ERR_ARG);
    T_CHECK(t_same_as_snapshot(Y.outer, ys, yb), "%s: failed axpby changed y", what);
    T_EXPECT_ERR(dlops_darray_axpby(a, X.outer, ac, Y.outer), DLOPS_ERR_ARG);
    T_CHECK(t_same_as_snapshot(Y.outer, ys, yb), "%s: failed axpby (beta) changed y", what);
    T_EXPECT_ERR(dlops_darray_scale(X.outer, ac), DLOPS_ERR_ARG);
    T_CHECK(t_same_as_snapshot(X.outer, xs, xb), "%s: failed scale changed x", what);
    free(ys);
    free(xs);
    release(&X);
    release(&Y);
    free(gx);
    free(gy);
  }
  /* operands whose components differ in dtype: error, nothing changed */
  const dlops_dtype t64[NCOMP] = {DLOPS_F64, DLOPS_F64, DLOPS_F64, DLOPS_F64};
  const dlops_dtype tlast[NCOMP] = {DLOPS_F64, DLOPS_F64, DLOPS_F64, DLOPS_F32};
  stack_t X, Y, Z;
  build(ctx, t64, &X);
  build(ctx, tlast, &Y);
  build(ctx, t64, &Z);
  void *gp[NCOMP];
  char *g1 = global_concat(t64, 31, gp), *g2 = global_concat(tlast, 32, gp);
  T_CALL(dlops_darray_scatter(X.outer, g1, -1));
  T_CALL(dlops_darray_scatter(Y.outer, g2, -1));
  size_t xb, yb;
  void *xs = t_snapshot(X.outer, &xb), *ys = t_snapshot(Y.outer, &yb);
  dlops_scalar one = {1, 0}, d;
  T_EXPECT_ERR(dlops_darray_axpby(one, X.outer, one, Y.outer), DLOPS_ERR_ARG);
  T_CHECK(t_same_as_snapshot(Y.outer, ys, yb), "axpby with a component of another dtype changed y");
  T_EXPECT_ERR(dlops_darray_axpby(one, Y.outer, one, X.outer), DLOPS_ERR_ARG);
  T_CHECK(t_same_as_snapshot(X.outer, xs, xb), "axpby with a component of another dtype changed x");
  T_EXPECT_ERR(dlops_darray_pointwise_mult(X.outer, X.outer, Y.outer), DLOPS_ERR_ARG);
  T_CHECK(t_same_as_snapshot(Y.outer, ys, yb), "pointwise_mult with a component of another dtype changed z");
  T_EXPECT_ERR(dlops_darray_dot(X.outer, Y.outer, &d), DLOPS_ERR_ARG);
  /* copy converts per component */
  T_CALL(dlops_darray_copy(Y.outer, Z.outer));
  double n1 = -1, n2 = -2;
  T_CALL(dlops_darray_norm(Y.outer, 1, &n1));
  T_CALL(dlops_darray_norm(Z.outer, 1, &n2));
  T_CHECK(n1 == n2, "copy across dtypes of a stacked array: %g vs %g", n1, n2);
  free(xs);
  free(ys);
  free(g1);
  free(g2);
  release(&X);
  release(&Y);
  release(&Z);
}

static void test_create_errors(dlops_ctx ctx) {
  int64_t n = 4;
  dlops_darray a = NULL, s = NULL, other = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &a));
  dlops_darray parts[2] = {a, NULL};
  T_EXPECT_ERR(dlops_darray_create_stacked(0, parts, &s), DLOPS_ERR_ARG);
  T_CHECK(s == NULL, "failed create_stacked left a handle");
  T_EXPECT_ERR(dlops_darray_create_stacked(1, NULL, &s), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_create_stacked(2, parts, &s), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_create_stacked(1, parts, NULL), DLOPS_ERR_ARG);
  /* components on different contexts */
  dlops_ctx ctx2 = NULL;
  T_REQUIRE(dlops_ctx_create(MPI_COMM_WORLD, NULL, &ctx2));
  T_REQUIRE(dlops_darray_create(ctx2, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &other));
  parts[1] = other;
  T_EXPECT_ERR(dlops_darray_create_stacked(2, parts, &s), DLOPS_ERR_ARG);
  T_CHECK(s == NULL, "failed create_stacked left a handle");
  dlops_darray_destroy(&other);
  dlops_ctx_destroy(&ctx2);
  /* a stack of one is fine; the same array twice is fine */
  parts[1] = a;
  T_CALL(dlops_darray_create_stacked(2, parts, &s));
  dlops_scalar v = {2, 0}, d;
  T_CALL(dlops_darray_fill(s, v));
  T_CALL(dlops_darray_dot(s, s, &d));
  T_CHECK(d.re == 2 * 4 * 4, "dot of [a, a] with itself = %g", d.re);
  dlops_darray_destroy(&s);
  dlops_darray_destroy(&a);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &me);
  for (int ti = 0; ti < 4; ti++) test_uniform(ctx, t_dtypes[ti], 40 + 20 * (unsigned long long)ti);
  test_mixed(ctx);
  test_create_errors(ctx);
  return dlops_test_finish(ctx);
}
