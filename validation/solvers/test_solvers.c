/* Solver tests: convergence on problems with known solutions (plain and stacked arrays, real and
 * complex), iterates equal to a serial run of the same recurrence on the dense matrix, the three
 * CG variants and the two CGLS variants agreeing, reductions per iteration from the counters,
 * NaN detection on every rank, monitor stop, and bad input. */
#include "solver_test_ops.h"

static dlops_ctx ctx;
static int rank_, nproc;

static double relerr(const double complex *a, const double complex *b, int64_t n) {
  double num = 0, den = 0;
  for (int64_t i = 0; i < n; i++) {
    num += pow(cabs(a[i] - b[i]), 2);
    den += pow(cabs(b[i]), 2);
  }
  return sqrt(num) / (sqrt(den) + 1e-300);
}

static double complex *gather(dlops_darray x, int64_t *n_out) {
  int64_t n;
  dlops_dtype t;
  dlops_darray_get_global_size(x, &n);
  dlops_darray_get_dtype(x, &t);
  void *buf = malloc((size_t)n * dlops_dtype_size(t) + 16);
  T_REQUIRE(dlops_darray_gather(x, buf, -1));
  double complex *z = malloc(sizeof(double complex) * (size_t)n + 16);
  for (int64_t i = 0; i < n; i++) z[i] = tl(buf, t, i);
  free(buf);
  if (n_out) *n_out = n;
  return z;
}

/* x (any layout, plain or stacked) filled from dlops_test_rand(seed, global flat index) */
static void fill(dlops_darray x, unsigned long long seed) {
  int st = 0;
  dlops_darray_is_stacked(x, &st);
  if (st) {
    int k;
    dlops_darray_stacked_count(x, &k);
    for (int i = 0; i < k; i++) {
      dlops_darray p;
      dlops_darray_stacked_get(x, i, &p);
      fill(p, seed + 1000 * (unsigned long long)i);
    }
    return;
  }
  int64_t n;
  dlops_dtype t;
  dlops_darray_get_global_size(x, &n);
  dlops_darray_get_dtype(x, &t);
  void *g = malloc((size_t)n * dlops_dtype_size(t) + 16);
  dlops_test_fill(g, n, t, seed);
  T_REQUIRE(dlops_darray_scatter(x, g, -1));
  free(g);
}

static int64_t allreduces(void) {
  dlops_comm_counter c;
  dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLREDUCE, &c);
  return c.calls;
}

/* ------------------------------------------------------------------ serial references (dense) */
static void mv(const double complex *M, int64_t m, int64_t n, const double complex *x, double complex *y, int adj) {
  if (!adj)
    for (int64_t i = 0; i < m; i++) {
      double complex s = 0;
      for (int64_t j = 0; j < n; j++) s += M[i * n + j] * x[j];
      y[i] = s;
    }
  else
    for (int64_t j = 0; j < n; j++) {
      double complex s = 0;
      for (int64_t i = 0; i < m; i++) s += conj(M[i * n + j]) * x[i];
      y[j] = s;
    }
}
static double nrm2(const double complex *x, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) s += creal(x[i] * conj(x[i]));
  return s;
}

static void serial_cg(const double complex *M, int64_t n, const double complex *y, double complex *x, int niter,
                      double *cost) {
  double complex *r = malloc(sizeof *r * n), *c = malloc(sizeof *c * n), *q = malloc(sizeof *q * n);
  mv(M, n, n, x, q, 0);
  for (int64_t i = 0; i < n; i++) r[i] = y[i] - q[i], c[i] = r[i];
  double kold = nrm2(r, n);
  cost[0] = sqrt(kold);
  for (int it = 0; it < niter; it++) {
    mv(M, n, n, c, q, 0);
    double complex d = 0;
    for (int64_t i = 0; i < n; i++) d += c[i] * conj(q[i]);
    double a = kold / cabs(d);
    for (int64_t i = 0; i < n; i++) x[i] += a * c[i], r[i] -= a * q[i];
    double k = nrm2(r, n), b = k / kold;
    for (int64_t i = 0; i < n; i++) c[i] = r[i] + b * c[i];
    kold = k;
    cost[it + 1] = sqrt(kold);
  }
  free(r), free(c), free(q);
}

static void serial_cgls(const double complex *M, int64_t m, int64_t n, const double complex *y, double complex *x,
                        int niter, double damp, double *cost) {
  double complex *s = malloc(sizeof *s * m), *q = malloc(sizeof *q * m), *r = malloc(sizeof *r * n),
                 *c = malloc(sizeof *c * n);
  double d2 = damp * damp;
  mv(M, m, n, x, q, 0);
  for (int64_t i = 0; i < m; i++) s[i] = y[i] - q[i];
  mv(M, m, n, s, r, 1);
  for (int64_t j = 0; j < n; j++) r[j] -= damp * x[j], c[j] = r[j]; /* PyLops' quirk: damp */
  mv(M, m, n, c, q, 0);
  double kold = nrm2(r, n);
  cost[0] = sqrt(nrm2(s, m));
  for (int it = 0; it < niter; it++) {
    double a = kold / (nrm2(q, m) + d2 * nrm2(c, n));
    for (int64_t j = 0; j < n; j++) x[j] += a * c[j];
    for (int64_t i = 0; i < m; i++) s[i] -= a * q[i];
    mv(M, m, n, s, r, 1);
    for (int64_t j = 0; j < n; j++) r[j] -= d2 * x[j];
    double k = nrm2(r, n), b = k / kold;
    for (int64_t j = 0; j < n; j++) c[j] = r[j] + b * c[j];
    mv(M, m, n, c, q, 0);
    kold = k;
    cost[it + 1] = sqrt(nrm2(s, m));
  }
  free(s), free(q), free(r), free(c);
}

/* ------------------------------------------------------------------ CG */
static void test_cg(dlops_dtype t) {
  const int64_t n = 40;
  dlops_op A = make_tridiag(ctx, n, t);
  double complex *M = dense_of(A);
  dlops_darray xt, y, x;
  T_REQUIRE(dlops_op_create_vecs(A, &xt, &y));
  T_REQUIRE(dlops_op_create_vecs(A, &x, NULL));
  fill(xt, 7);
  T_CALL(dlops_op_apply(A, xt, y));
  double complex *xtrue = gather(xt, NULL), *yg = gather(y, NULL);
  /* serial reference: 8 iterations from x0 = 0 */
  double complex *xs = calloc((size_t)n, sizeof(double complex));
  double cs[9];
  serial_cg(M, n, yg, xs, 8, cs);
  for (int v = 0; v < 3; v++) {
    dlops_solver_opts o;
    dlops_solver_result r;
    double cost[9];
    dlops_solver_opts_default(&o);
    o.variant = v;
    o.niter = 8;
    o.tol = 0;
    o.cost = cost;
    T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
    int64_t c0 = allreduces();
    T_CALL(dlops_solve_cg(A, y, x, &o, &r));
    int64_t dc = allreduces() - c0;
    T_CHECK(r.iterations == 8 && r.reason == DLOPS_STOP_MAXIT && r.ncost == 9, "cg v%d: %lld its, reason %s, ncost %lld",
            v, (long long)r.iterations, dlops_stop_reason_name(r.reason), (long long)r.ncost);
    /* reductions: 1 setup + 2 (blocking) or 1 per iteration */
    int64_t per = v == DLOPS_SOLVER_BLOCKING ? 2 : 1;
    T_CHECK(dc == 1 + per * 8, "cg variant %d: %lld allreduces for 8 iterations, expected %lld", v, (long long)dc,
            (long long)(1 + per * 8));
    double complex *xg = gather(x, NULL);
    double e = relerr(xg, xs, n);
    double ctol = v == 0 ? (t == DLOPS_F32 ? 1e-4 : 1e-12) : (t == DLOPS_F32 ? 1e-3 : 1e-10);
    T_CHECK(e < ctol, "cg dtype %s variant %d: iterate differs from the serial recurrence by %g", dlops_dtype_name(t), v, e);
    for (int k = 0; k < 9; k++)
      T_CHECK(fabs(cost[k] - cs[k]) <= ctol * cs[0] * 10, "cg v%d cost[%d] = %g, serial %g", v, k, cost[k], cs[k]);
    free(xg);
    /* convergence to the known solution */
    o.niter = 200;
    o.tol = t == DLOPS_F32 ? 1e-10 : 1e-24;
    o.cost = NULL;
    T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
    T_CALL(dlops_solve_cg(A, y, x, &o, &r));
    xg = gather(x, NULL);
    e = relerr(xg, xtrue, n);
    T_CHECK(e < (t == DLOPS_F32 ? 1e-4 : 1e-10), "cg %s variant %d: error %g after %lld its (%s)", dlops_dtype_name(t), v,
            e, (long long)r.iterations, dlops_stop_reason_name(r.reason));
    T_CHECK(r.reason == DLOPS_CONVERGED_TOL || t == DLOPS_F32, "cg v%d reason %s", v, dlops_stop_reason_name(r.reason));
    free(xg);
  }
  free(M), free(xtrue), free(yg), free(xs);
  dlops_darray_destroy(&xt), dlops_darray_destroy(&y), dlops_darray_destroy(&x);
  dlops_op_destroy(&A);
}

static void test_cg_stacked(void) {
  dlops_op parts[2] = {make_tridiag(ctx, 24, DLOPS_F64), make_tridiag(ctx, 17, DLOPS_F64)};
  dlops_op A = make_stacked(2, parts);
  dlops_op_destroy(&parts[0]), dlops_op_destroy(&parts[1]);
  dlops_darray xt, y, x;
  T_REQUIRE(dlops_op_create_vecs(A, &xt, &y));
  T_REQUIRE(dlops_op_create_vecs(A, &x, NULL));
  fill(xt, 3);
  T_CALL(dlops_op_apply(A, xt, y));
  double complex *xtrue = gather(xt, NULL);
  for (int v = 0; v < 3; v++) {
    dlops_solver_opts o;
    dlops_solver_result r;
    dlops_solver_opts_default(&o);
    o.variant = v;
    o.niter = 100;
    o.tol = 1e-26;
    T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
    int64_t c0 = allreduces();
    T_CALL(dlops_solve_cg(A, y, x, &o, &r));
    int64_t dc = allreduces() - c0;
    int64_t per = v == DLOPS_SOLVER_BLOCKING ? 2 : 1;
    T_CHECK(dc == 1 + per * r.iterations, "stacked cg v%d: %lld allreduces for %lld its", v, (long long)dc,
            (long long)r.iterations);
    double complex *xg = gather(x, NULL);
    T_CHECK(relerr(xg, xtrue, 41) < 1e-10 && r.reason == DLOPS_CONVERGED_TOL, "stacked cg v%d: error %g (%s)", v,
            relerr(xg, xtrue, 41), dlops_stop_reason_name(r.reason));
    free(xg);
  }
  free(xtrue);
  dlops_darray_destroy(&xt), dlops_darray_destroy(&y), dlops_darray_destroy(&x);
  dlops_op_destroy(&A);
}

/* ------------------------------------------------------------------ CGLS and LSQR */
static void test_cgls_lsqr(int stacked) {
  const int64_t n = 30;
  dlops_op A;
  int64_t m = 2 * n, nn = n;
  if (stacked) {
    dlops_op parts[2] = {make_bidiag(ctx, 20, DLOPS_F64), make_bidiag(ctx, 13, DLOPS_F64)};
    A = make_stacked(2, parts);
    dlops_op_destroy(&parts[0]), dlops_op_destroy(&parts[1]);
    nn = 33;
    m = 66;
  } else {
    A = make_bidiag(ctx, n, DLOPS_F64);
  }
  double complex *M = stacked ? NULL : dense_of(A);
  dlops_darray xt, y, x, x0;
  T_REQUIRE(dlops_op_create_vecs(A, &xt, &y));
  T_REQUIRE(dlops_op_create_vecs(A, &x, NULL));
  T_REQUIRE(dlops_op_create_vecs(A, &x0, NULL));
  fill(xt, 5);
  fill(x0, 9);
  T_CALL(dlops_op_apply(A, xt, y));
  double complex *xtrue = gather(xt, NULL), *yg = gather(y, NULL), *x0g = gather(x0, NULL);
  if (M) {
    /* iterates vs the serial PyLops recurrence, with damp and a non-zero x0 (quirk included) */
    const double damp = 0.3;
    double complex *xs = malloc(sizeof(double complex) * (size_t)nn);
    memcpy(xs, x0g, sizeof(double complex) * (size_t)nn);
    double cs[13];
    serial_cgls(M, m, nn, yg, xs, 12, damp, cs);
    for (int v = 0; v < 2; v++) {
      dlops_solver_opts o;
      dlops_solver_result r;
      double cost[13];
      dlops_solver_opts_default(&o);
      o.variant = v;
      o.niter = 12;
      o.tol = 0;
      o.damp = damp;
      o.cost = cost;
      T_CALL(dlops_darray_copy(x0, x));
      int64_t c0 = allreduces();
      T_CALL(dlops_solve_cgls(A, y, x, &o, &r));
      int64_t dc = allreduces() - c0;
      int64_t expect = v == DLOPS_SOLVER_BLOCKING ? 3 + 5 * 12 : 1 + 2 * 12;
      T_CHECK(dc == expect, "cgls variant %d: %lld allreduces for 12 iterations, expected %lld", v, (long long)dc,
              (long long)expect);
      double complex *xg = gather(x, NULL);
      double e = relerr(xg, xs, nn);
      if (v == 0) {
        T_CHECK(e < 1e-12, "cgls blocking: iterate differs from serial PyLops recurrence by %g", e);
        for (int k = 0; k < 13; k++) T_CHECK(fabs(cost[k] - cs[k]) <= 1e-12 * cs[0], "cgls cost[%d] %g vs %g", k, cost[k], cs[k]);
      } else {
        /* the fused variant uses damp^2 from the start: equal to blocking when x0 = 0 */
        T_CHECK(e < 1e-1, "cgls fused with x0 != 0: far from blocking (%g)", e);
      }
      free(xg);
    }
    /* x0 = 0: blocking and fused agree to rounding */
    double complex *xb = NULL;
    for (int v = 0; v < 2; v++) {
      dlops_solver_opts o;
      dlops_solver_opts_default(&o);
      o.variant = v, o.niter = 12, o.tol = 0, o.damp = damp;
      T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
      T_CALL(dlops_solve_cgls(A, y, x, &o, NULL));
      double complex *xg = gather(x, NULL);
      if (v == 0) xb = xg;
      else {
        T_CHECK(relerr(xg, xb, nn) < 1e-12, "cgls fused vs blocking from 0: %g", relerr(xg, xb, nn));
        free(xg);
      }
    }
    free(xb);
    free(xs);
  }
  /* convergence to the known solution, CGLS (both variants) and LSQR (both) */
  for (int s = 0; s < 2; s++) {
    for (int v = 0; v < 2; v++) {
      dlops_solver_opts o;
      dlops_solver_result r;
      dlops_solver_opts_default(&o);
      o.variant = v;
      o.niter = 200;
      o.tol = 1e-26;
      o.atol = o.btol = 1e-14;
      T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
      int64_t c0 = allreduces();
      T_CALL(s == 0 ? dlops_solve_cgls(A, y, x, &o, &r) : dlops_solve_lsqr(A, y, x, &o, &r));
      int64_t dc = allreduces() - c0;
      if (s == 1) {
        int64_t expect = 2 + (v == DLOPS_SOLVER_BLOCKING ? 3 : 2) * r.iterations;
        T_CHECK(dc == expect, "lsqr variant %d: %lld allreduces for %lld its, expected %lld", v, (long long)dc,
                (long long)r.iterations, (long long)expect);
      }
      double complex *xg = gather(x, NULL);
      double e = relerr(xg, xtrue, nn);
      T_CHECK(e < 1e-9 && r.reason == DLOPS_CONVERGED_TOL, "%s%s v%d: error %g after %lld its (%s, istop %d)",
              stacked ? "stacked " : "", s ? "lsqr" : "cgls", v, e, (long long)r.iterations,
              dlops_stop_reason_name(r.reason), r.istop);
      free(xg);
    }
  }
  /* damped problem: LSQR and CGLS agree on the minimiser of ||y - A x||^2 + damp^2 ||x||^2 */
  {
    double complex *xa = NULL;
    for (int s = 0; s < 2; s++) {
      dlops_solver_opts o;
      dlops_solver_opts_default(&o);
      o.niter = 300, o.tol = 1e-28, o.damp = 0.7, o.atol = o.btol = 1e-15;
      T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
      T_CALL(s == 0 ? dlops_solve_cgls(A, y, x, &o, NULL) : dlops_solve_lsqr(A, y, x, &o, NULL));
      double complex *xg = gather(x, NULL);
      if (!s) xa = xg;
      else {
        T_CHECK(relerr(xg, xa, nn) < 1e-8, "damped lsqr vs cgls: %g", relerr(xg, xa, nn));
        T_CHECK(relerr(xg, xtrue, nn) > 1e-3, "damping had no effect");
        free(xg);
      }
    }
    free(xa);
  }
  free(M), free(xtrue), free(yg), free(x0g);
  dlops_darray_destroy(&xt), dlops_darray_destroy(&y), dlops_darray_destroy(&x), dlops_darray_destroy(&x0);
  dlops_op_destroy(&A);
}

/* ------------------------------------------------------------------ power iteration */
static void test_power(void) {
  const int64_t n = 37;
  double d[37];
  for (int i = 0; i < n; i++) d[i] = 1.0 + 3.0 * (double)i / (double)n;
  d[11] = 9.0;
  dlops_op A = make_diag(ctx, n, DLOPS_F64, d);
  dlops_darray b;
  T_REQUIRE(dlops_op_create_vecs(A, &b, NULL));
  for (int v = 0; v < 2; v++) {
    dlops_solver_opts o;
    dlops_solver_result r;
    dlops_scalar ev;
    dlops_solver_opts_default(&o);
    o.variant = v;
    o.niter = 300;
    o.tol = 1e-12;
    o.seed = 42;
    int64_t c0 = allreduces();
    T_CALL(dlops_solve_power(A, b, &o, &ev, &r));
    int64_t dc = allreduces() - c0;
    T_CHECK(fabs(ev.re - 9.0) < 1e-9 && r.reason == DLOPS_CONVERGED_TOL, "power v%d: %.15g after %lld its (%s)", v, ev.re,
            (long long)r.iterations, dlops_stop_reason_name(r.reason));
    int64_t expect = 1 + (v == DLOPS_SOLVER_BLOCKING ? 2 : 1) * r.iterations;
    T_CHECK(dc == expect, "power v%d: %lld allreduces, expected %lld", v, (long long)dc, (long long)expect);
    double complex *bg = gather(b, NULL);
    T_CHECK(cabs(bg[11]) > 1 - 1e-6, "power: eigenvector %g", cabs(bg[11]));
    free(bg);
  }
  dlops_darray_destroy(&b);
  dlops_op_destroy(&A);
}

/* ------------------------------------------------------------------ ISTA / FISTA */
static double soft(double v, double t) { return fmax(fabs(v) - t, 0.0) * (v > 0 ? 1 : v < 0 ? -1 : 0); }

static void serial_ista(const double complex *M, int64_t m, int64_t n, const double complex *y, double complex *x,
                        int niter, double alpha, double eps, int fista, double *cost) {
  double complex *r = malloc(sizeof *r * m), *g = malloc(sizeof *g * n), *z = malloc(sizeof *z * n),
                 *xo = malloc(sizeof *xo * n);
  memcpy(z, x, sizeof *z * n);
  double t = 1, th = eps * alpha * 0.5;
  for (int it = 0; it < niter; it++) {
    memcpy(xo, x, sizeof *x * n);
    const double complex *v = fista ? z : x;
    mv(M, m, n, v, r, 0);
    for (int64_t i = 0; i < m; i++) r[i] = y[i] - r[i];
    double cd = 0.5 * nrm2(r, m);
    mv(M, m, n, r, g, 1);
    for (int64_t j = 0; j < n; j++) g[j] = v[j] + alpha * g[j];
    for (int64_t j = 0; j < n; j++) x[j] = soft(creal(g[j]), th);
    if (fista) {
      double told = t;
      t = (1 + sqrt(1 + 4 * t * t)) / 2;
      for (int64_t j = 0; j < n; j++) z[j] = x[j] + ((told - 1) / t) * (x[j] - xo[j]);
      mv(M, m, n, x, r, 0);
      for (int64_t i = 0; i < m; i++) r[i] = y[i] - r[i];
      cd = 0.5 * nrm2(r, m);
    }
    double l1 = 0;
    for (int64_t j = 0; j < n; j++) l1 += cabs(x[j]);
    cost[it] = cd + eps * l1;
  }
  free(r), free(g), free(z), free(xo);
}

static void test_ista(void) {
  const int64_t n = 30, m = 60;
  dlops_op A = make_bidiag(ctx, n, DLOPS_F64);
  double complex *M = dense_of(A);
  dlops_darray xt, y, x;
  T_REQUIRE(dlops_op_create_vecs(A, &xt, &y));
  T_REQUIRE(dlops_op_create_vecs(A, &x, NULL));
  double xg0[30] = {0};
  xg0[3] = 1.5, xg0[10] = -2.0, xg0[22] = 0.7, xg0[29] = 1.0;
  T_CALL(dlops_darray_scatter(xt, xg0, -1));
  T_CALL(dlops_op_apply(A, xt, y));
  double complex *yg = gather(y, NULL);
  const double alpha = 0.3, eps = 0.05;
  for (int f = 0; f < 2; f++) {
    double complex xs[30] = {0};
    double cs[40];
    serial_ista(M, m, n, yg, xs, 40, alpha, eps, f, cs);
    for (int v = 0; v < 2; v++) {
      dlops_solver_opts o;
      dlops_solver_result r;
      double cost[41];
      dlops_solver_opts_default(&o);
      o.variant = v, o.niter = 40, o.tol = 0, o.alpha = alpha, o.eps = eps, o.cost = cost;
      T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
      int64_t c0 = allreduces();
      T_CALL(f ? dlops_solve_fista(A, y, x, &o, &r) : dlops_solve_ista(A, y, x, &o, &r));
      int64_t dc = allreduces() - c0;
      int64_t expect = (v == DLOPS_SOLVER_BLOCKING ? 3 : 1) * 40;
      T_CHECK(dc == expect, "%s v%d: %lld allreduces for 40 its, expected %lld", f ? "fista" : "ista", v, (long long)dc,
              (long long)expect);
      T_CHECK(r.iterations == 40 && r.ncost == 40, "%s: %lld its, %lld costs", f ? "fista" : "ista",
              (long long)r.iterations, (long long)r.ncost);
      double complex *xg = gather(x, NULL);
      double e = relerr(xg, xs, n);
      T_CHECK(e < 1e-10, "%s variant %d: iterate differs from the serial recurrence by %g", f ? "fista" : "ista", v, e);
      for (int k = 0; k < 40; k++)
        T_CHECK(fabs(cost[k] - cs[k]) <= 1e-10 * cs[0], "%s v%d cost[%d] %.15g vs %.15g", f ? "fista" : "ista", v, k,
                cost[k], cs[k]);
      free(xg);
    }
  }
  /* sparse recovery with alpha from the power iteration, all three thresholds */
  for (int k = 0; k < 3; k++) {
    dlops_solver_opts o;
    dlops_solver_result r;
    dlops_solver_opts_default(&o);
    o.niter = 120, o.eps = 1e-3, o.threshkind = k, o.seed = 1;
    T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
    T_CALL(dlops_solve_fista(A, y, x, &o, &r));
    double complex *xg = gather(x, NULL), xtc[30];
    for (int i = 0; i < 30; i++) xtc[i] = xg0[i];
    T_CHECK(relerr(xg, xtc, n) < 2e-2, "fista thresh %d: error %g (%s, %lld its)", k, relerr(xg, xtc, n),
            dlops_stop_reason_name(r.reason), (long long)r.iterations);
    free(xg);
  }
  free(M), free(yg);
  dlops_darray_destroy(&xt), dlops_darray_destroy(&y), dlops_darray_destroy(&x);
  dlops_op_destroy(&A);
}

/* ------------------------------------------------------------------ proximal gradient, ADMM */
static void test_proximal(void) {
  const int64_t n = 30;
  dlops_op A = make_bidiag(ctx, n, DLOPS_F64);
  dlops_darray xt, y, x, x2, z;
  T_REQUIRE(dlops_op_create_vecs(A, &xt, &y));
  T_REQUIRE(dlops_op_create_vecs(A, &x, NULL));
  T_REQUIRE(dlops_op_create_vecs(A, &x2, NULL));
  double xg0[30] = {0};
  xg0[3] = 1.5, xg0[10] = -2.0, xg0[22] = 0.7, xg0[29] = 1.0;
  T_CALL(dlops_darray_scatter(xt, xg0, -1));
  T_CALL(dlops_op_apply(A, xt, y));
  dlops_prox f = NULL, g = NULL, id = NULL;
  T_CALL(dlops_prox_create_l2(A, y, NULL, x, NULL, &f));
  const double eps = 0.05, alpha = 0.3;
  T_CALL(dlops_prox_create_l1(eps, &g));
  /* PG without acceleration = ISTA with thresh = eps*alpha*0.5 when epsg*tau*sigma_g = that */
  {
    dlops_solver_opts o;
    dlops_solver_result r;
    dlops_solver_opts_default(&o);
    o.niter = 30, o.tau = alpha, o.epsg = 0.5;
    T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
    int64_t c0 = allreduces();
    T_CALL(dlops_solve_proximal_gradient(f, g, x, &o, &r));
    T_CHECK(allreduces() == c0, "proximal gradient without cost: %lld allreduces", (long long)(allreduces() - c0));
    o.eps = eps, o.alpha = alpha, o.tol = 0;
    T_CALL(dlops_darray_fill(x2, (dlops_scalar){0, 0}));
    T_CALL(dlops_solve_ista(A, y, x2, &o, NULL));
    double complex *a = gather(x, NULL), *b = gather(x2, NULL);
    T_CHECK(relerr(a, b, n) < 1e-12, "proximal gradient vs ista: %g", relerr(a, b, n));
    free(a), free(b);
    /* with a cost: 1 reduction per iteration fused, 2 blocking; FISTA acceleration = FISTA */
    for (int v = 0; v < 2; v++) {
      double cost[31];
      dlops_solver_opts_default(&o);
      o.niter = 30, o.tau = alpha, o.epsg = 0.5, o.cost = cost, o.variant = v, o.acceleration = DLOPS_ACCEL_FISTA;
      T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
      c0 = allreduces();
      T_CALL(dlops_solve_proximal_gradient(f, g, x, &o, &r));
      int64_t dc = allreduces() - c0;
      T_CHECK(dc == (v ? 1 : 2) * 30, "proximal gradient v%d with cost: %lld allreduces", v, (long long)dc);
      T_CHECK(r.ncost == 30 && cost[29] < cost[0], "proximal gradient cost history");
      o.eps = eps, o.alpha = alpha, o.tol = 0, o.cost = NULL;
      T_CALL(dlops_darray_fill(x2, (dlops_scalar){0, 0}));
      T_CALL(dlops_solve_fista(A, y, x2, &o, NULL));
      a = gather(x, NULL), b = gather(x2, NULL);
      T_CHECK(relerr(a, b, n) < 1e-12, "accelerated proximal gradient vs fista: %g", relerr(a, b, n));
      free(a), free(b);
    }
  }
  /* ADMM (A = I as the regularisation operator would need an identity op: use a diagonal of ones) */
  {
    double ones[30];
    for (int i = 0; i < 30; i++) ones[i] = 1.0;
    dlops_op Id = make_diag(ctx, n, DLOPS_F64, ones);
    T_REQUIRE(dlops_op_create_vecs(Id, NULL, &z));
    dlops_solver_opts o;
    dlops_solver_result r;
    dlops_solver_opts_default(&o);
    o.niter = 40, o.tau = 2.0, o.inner_niter = 8, o.inner_tol = 1e-20;
    dlops_prox g2 = NULL;
    T_CALL(dlops_prox_create_l1(eps, &g2));
    T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
    T_CALL(dlops_solve_admm_l2(g2, A, y, Id, x, z, &o, &r));
    /* the same LASSO min 0.5||Ax-y||^2 + eps||x||_1 by FISTA (thresh eps*alpha) */
    dlops_solver_opts_default(&o);
    o.niter = 600, o.alpha = alpha, o.eps = 2 * eps, o.tol = 0;
    T_CALL(dlops_darray_fill(x2, (dlops_scalar){0, 0}));
    T_CALL(dlops_solve_fista(A, y, x2, &o, NULL));
    double complex *a = gather(x, NULL), *b = gather(x2, NULL);
    T_CHECK(relerr(a, b, n) < 1e-5, "admm vs fista on the same lasso: %g", relerr(a, b, n));
    free(a), free(b);
    dlops_prox_destroy(&g2);
    dlops_op_destroy(&Id);
  }
  /* proxes: closed forms */
  {
    double v[30], out[30];
    for (int i = 0; i < 30; i++) v[i] = dlops_test_rand(77, (unsigned long long)i) * 2;
    T_CALL(dlops_darray_scatter(x, v, -1));
    dlops_prox p = NULL;
    double val;
    T_CALL(dlops_prox_create_box(-0.5, 0.8, &p));
    T_CALL(dlops_prox_value(p, x, &val));
    T_CHECK(isinf(val), "box value outside: %g", val);
    T_CALL(dlops_prox_apply(p, x, 1.0, x2));
    T_CALL(dlops_darray_gather(x2, out, -1));
    int ok = 1;
    for (int i = 0; i < 30; i++) ok &= out[i] == fmin(fmax(v[i], -0.5), 0.8);
    T_CHECK(ok, "box prox is a clip");
    T_CALL(dlops_prox_value(p, x2, &val));
    T_CHECK(val == 0.0, "box value inside: %g", val);
    dlops_prox_destroy(&p);
    T_CALL(dlops_prox_create_l0(0.5, &p));
    T_CALL(dlops_prox_apply(p, x, 0.8, x2));
    T_CALL(dlops_darray_gather(x2, out, -1));
    int nz = 0;
    ok = 1;
    for (int i = 0; i < 30; i++) {
      ok &= out[i] == (fabs(v[i]) <= 0.4 ? 0.0 : v[i]);
      nz += out[i] != 0;
    }
    T_CHECK(ok, "L0 prox is a hard threshold at tau*sigma");
    T_CALL(dlops_prox_value(p, x2, &val));
    T_CHECK(val == nz, "L0 value %g, expected %d", val, nz);
    dlops_prox_destroy(&p);
    T_CALL(dlops_prox_create_l1(2.0, &p));
    T_CALL(dlops_prox_value(p, x, &val));
    double l1 = 0;
    for (int i = 0; i < 30; i++) l1 += fabs(v[i]);
    T_CHECK(fabs(val - 2 * l1) < 1e-12 * l1, "L1 value %g vs %g", val, 2 * l1);
    dlops_prox_destroy(&p);
    /* L2 without operator: (x + tau sigma b) / (1 + tau sigma) */
    T_CALL(dlops_prox_create_l2(NULL, x, NULL, NULL, NULL, &p));
    T_CALL(dlops_prox_apply(p, x2, 0.5, x2));
    dlops_prox_destroy(&p);
    /* L2 with operator: the CG and CGLS forms agree */
    dlops_prox_l2_params prm;
    dlops_prox_l2_params_default(&prm);
    prm.niter = 60;
    double complex *res2[2];
    for (int s = 0; s < 2; s++) {
      prm.solver = s ? DLOPS_L2_SOLVER_CG : DLOPS_L2_SOLVER_CGLS;
      T_CALL(dlops_prox_create_l2(A, y, NULL, x, &prm, &p));
      T_CALL(dlops_prox_apply(p, x, 0.7, x2));
      res2[s] = gather(x2, NULL);
      dlops_prox_destroy(&p);
    }
    T_CHECK(relerr(res2[0], res2[1], n) < 1e-8, "L2 prox: cg and cgls forms differ by %g", relerr(res2[0], res2[1], n));
    free(res2[0]), free(res2[1]);
  }
  dlops_prox_destroy(&f), dlops_prox_destroy(&g), dlops_prox_destroy(&id);
  dlops_darray_destroy(&xt), dlops_darray_destroy(&y), dlops_darray_destroy(&x), dlops_darray_destroy(&x2);
  dlops_darray_destroy(&z);
  dlops_op_destroy(&A);
}

/* ------------------------------------------------------------------ NaN, monitor, bad input */
static int stop_at3(void *user, const dlops_solver_iter *it) {
  int *calls = user;
  (*calls)++;
  return it->iter == 3 && rank_ == nproc - 1; /* only one rank asks: the stop is agreed */
}

static void test_nan_monitor_errors(void) {
  const int64_t n = 30;
  dlops_op A = make_bidiag(ctx, n, DLOPS_F64), S = make_tridiag(ctx, n, DLOPS_F64);
  dlops_darray x, y, ys, xs, bad;
  T_REQUIRE(dlops_op_create_vecs(A, &x, &y));
  T_REQUIRE(dlops_op_create_vecs(S, &xs, &ys));
  fill(y, 4);
  fill(ys, 4);
  /* NaN in the data on the last rank only */
  {
    void *p;
    int64_t nl;
    dlops_darray_get_local_size(y, &nl);
    dlops_darray_get_local(y, DLOPS_MEM_HOST, &p);
    if (rank_ == nproc - 1 && nl > 0) ((double *)p)[nl - 1] = NAN;
    dlops_darray_restore_local(y, &p);
    dlops_darray_get_local_size(ys, &nl);
    dlops_darray_get_local(ys, DLOPS_MEM_HOST, &p);
    if (rank_ == nproc - 1 && nl > 0) ((double *)p)[nl - 1] = NAN;
    dlops_darray_restore_local(ys, &p);
    const char *names[] = {"cg", "cgls", "lsqr", "ista", "fista"};
    for (int s = 0; s < 5; s++)
      for (int v = 0; v < 3; v++) {
        dlops_solver_opts o;
        dlops_solver_result r;
        dlops_solver_opts_default(&o);
        o.variant = v, o.niter = 5, o.alpha = 0.3;
        T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
        T_CALL(dlops_darray_fill(xs, (dlops_scalar){0, 0}));
        int e = s == 0 ? dlops_solve_cg(S, ys, xs, &o, &r)
                : s == 1 ? dlops_solve_cgls(A, y, x, &o, &r)
                : s == 2 ? dlops_solve_lsqr(A, y, x, &o, &r)
                : s == 3 ? dlops_solve_ista(A, y, x, &o, &r)
                         : dlops_solve_fista(A, y, x, &o, &r);
        T_CHECK(e == DLOPS_SUCCESS && r.reason == DLOPS_DIVERGED_NAN, "%s v%d with NaN data: err %d reason %s", names[s], v,
                e, dlops_stop_reason_name(r.reason));
      }
    fill(y, 4);
    fill(ys, 4);
  }
  /* monitor: one rank asks to stop at iteration 3 */
  for (int v = 0; v < 3; v++) {
    int calls = 0;
    dlops_solver_opts o;
    dlops_solver_result r;
    dlops_solver_opts_default(&o);
    o.variant = v, o.niter = 20, o.tol = 0, o.monitor = stop_at3, o.monitor_user = &calls;
    T_CALL(dlops_darray_fill(xs, (dlops_scalar){0, 0}));
    T_CALL(dlops_solve_cg(S, ys, xs, &o, &r));
    T_CHECK(r.reason == DLOPS_STOPPED_BY_USER && r.iterations == 3 && calls == 4, "cg monitor v%d: %s after %lld its, %d calls",
            v, dlops_stop_reason_name(r.reason), (long long)r.iterations, calls);
    calls = 0;
    T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
    T_CALL(dlops_solve_cgls(A, y, x, &o, &r));
    T_CHECK(r.reason == DLOPS_STOPPED_BY_USER && r.iterations == 3, "cgls monitor: %s after %lld its",
            dlops_stop_reason_name(r.reason), (long long)r.iterations);
    calls = 0;
    o.alpha = 0.3;
    T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
    T_CALL(dlops_solve_fista(A, y, x, &o, &r));
    T_CHECK(r.reason == DLOPS_STOPPED_BY_USER && r.iterations == 3, "fista monitor: %s after %lld its",
            dlops_stop_reason_name(r.reason), (long long)r.iterations);
  }
  /* show: the log runs (rank 0 prints) */
  {
    dlops_solver_opts o;
    dlops_solver_opts_default(&o);
    o.show = 1, o.niter = 3;
    T_CALL(dlops_solve_cg(S, ys, xs, &o, NULL));
    T_CALL(dlops_solve_cgls(A, y, x, &o, NULL));
    o.alpha = 0.3;
    T_CALL(dlops_solve_ista(A, y, x, &o, NULL));
  }
  /* bad input: the error on every rank, the caller's x untouched */
  {
    dlops_solver_opts o;
    dlops_solver_opts_default(&o);
    fill(x, 8);
    double complex *before = gather(x, NULL);
    int64_t nn = n + 1;
    T_REQUIRE(dlops_darray_create(ctx, 1, &nn, 0, DLOPS_SCATTER, DLOPS_F64, &bad));
    T_EXPECT_ERR(dlops_solve_cgls(A, bad, x, &o, NULL), DLOPS_ERR_SIZE);
    T_EXPECT_ERR(dlops_solve_cgls(A, y, bad, &o, NULL), DLOPS_ERR_SIZE);
    T_EXPECT_ERR(dlops_solve_cg(A, y, x, &o, NULL), DLOPS_ERR_SIZE); /* not square */
    T_EXPECT_ERR(dlops_solve_lsqr(A, bad, x, &o, NULL), DLOPS_ERR_SIZE);
    T_EXPECT_ERR(dlops_solve_ista(A, bad, x, &o, NULL), DLOPS_ERR_SIZE);
    o.niter = -1;
    T_EXPECT_ERR(dlops_solve_cgls(A, y, x, &o, NULL), DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_solve_cg(S, ys, xs, &o, NULL), DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_solve_fista(A, y, x, &o, NULL), DLOPS_ERR_ARG);
    dlops_solver_opts_default(&o);
    o.variant = 7;
    T_EXPECT_ERR(dlops_solve_cg(S, ys, xs, &o, NULL), DLOPS_ERR_ARG);
    dlops_solver_opts_default(&o);
    o.threshkind = 5;
    T_EXPECT_ERR(dlops_solve_ista(A, y, x, &o, NULL), DLOPS_ERR_ARG);
    dlops_prox pf = NULL, pg = NULL;
    T_CALL(dlops_prox_create_l2(A, y, NULL, x, NULL, &pf));
    T_CALL(dlops_prox_create_l1(1.0, &pg));
    dlops_solver_opts_default(&o);
    T_EXPECT_ERR(dlops_solve_proximal_gradient(pf, pg, x, &o, NULL), DLOPS_ERR_ARG); /* tau = 0 */
    T_EXPECT_ERR(dlops_solve_proximal_gradient(pg, pf, x, &o, NULL), DLOPS_ERR_ARG); /* L1 has no gradient */
    o.tau = 1;
    T_EXPECT_ERR(dlops_solve_proximal_gradient(pf, pg, bad, &o, NULL), DLOPS_ERR_SIZE);
    T_EXPECT_ERR(dlops_prox_apply(pg, x, -1.0, x), DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_prox_grad(pg, x, y), DLOPS_ERR_UNSUPPORTED);
    T_EXPECT_ERR(dlops_prox_create_box(1.0, 0.0, &pg), DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_solve_cg(NULL, ys, xs, &o, NULL), DLOPS_ERR_ARG);
    dlops_prox_destroy(&pf), dlops_prox_destroy(&pg);
    double complex *after = gather(x, NULL);
    T_CHECK(relerr(after, before, n) == 0.0, "a failed solve modified x");
    free(before), free(after);
    dlops_darray_destroy(&bad);
  }
  dlops_darray_destroy(&x), dlops_darray_destroy(&y), dlops_darray_destroy(&xs), dlops_darray_destroy(&ys);
  dlops_op_destroy(&A), dlops_op_destroy(&S);
}

/* ------------------------------------------------------------------ agreement cost
 * A solve agrees its arguments at its start (entry: handles and a checksum of the options; set-up;
 * the solver's allocations) and never per iteration: each iteration's reductions carry the
 * agreement, and the operator applies inside a solve send no metadata. On a Diagonal (whose
 * apply sends nothing), the metadata messages of a solve are 3 whatever the iteration count, and
 * the data reductions per iteration stay CG 1 (fused), CGLS 2 (fused). */
static int64_t metas(void) {
  dlops_comm_counter c;
  dlops_ctx_get_counter(ctx, DLOPS_COMM_META, &c);
  return c.calls;
}
static void test_solve_metadata(void) {
  const int64_t n = 24;
  int64_t nloc = 0;
  dlops_darray x, y;
  T_REQUIRE(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &x));
  T_REQUIRE(dlops_darray_get_local_size(x, &nloc));
  double *d = malloc(sizeof(double) * (size_t)(nloc + 1));
  for (int64_t i = 0; i < nloc; i++) d[i] = 2.0 + (double)(i % 5);
  dlops_op D = NULL;
  T_REQUIRE(dlops_op_create_diagonal(ctx, n, DLOPS_F64, d, &D));
  T_REQUIRE(dlops_darray_duplicate(x, &y));
  fill(y, 3);
  for (int which = 0; which < 2; which++)
    for (int niter = 3; niter <= 9; niter += 6) {
      dlops_solver_opts o;
      dlops_solver_result r;
      dlops_solver_opts_default(&o);
      o.niter = niter;
      o.tol = 0;
      o.variant = DLOPS_SOLVER_FUSED;
      T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
      const int64_t m0 = metas(), a0 = allreduces();
      T_CALL(which ? dlops_solve_cgls(D, y, x, &o, &r) : dlops_solve_cg(D, y, x, &o, &r));
      const int64_t dm = metas() - m0, da = allreduces() - a0;
      T_CHECK(dm == 3, "%s, %d iterations: %lld metadata messages, expected 3 (entry, set-up, allocations)",
              which ? "cgls" : "cg", niter, (long long)dm);
      const int64_t want = which ? 1 + 2 * (int64_t)niter : 1 + (int64_t)niter;
      T_CHECK(r.iterations == niter && da == want, "%s fused, %lld iterations: %lld reductions, expected %lld",
              which ? "cgls" : "cg", (long long)r.iterations, (long long)da, (long long)want);
      if (rank_ == 0 && getenv("DLOPS_TEST_VERBOSE"))
        printf("%s fused, %d iterations on a Diagonal: %lld reductions, %lld metadata messages\n", which ? "cgls" : "cg",
               niter, (long long)da, (long long)dm);
    }
  free(d);
  dlops_op_destroy(&D);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
}

int main(int argc, char **argv) {
  ctx = dlops_test_init(&argc, &argv);
  dlops_ctx_get_rank(ctx, &rank_);
  dlops_ctx_get_size(ctx, &nproc);
  if (argc > 1 && strcmp(argv[1], "envlog") == 0) {
    /* run by CTest with DLOPS_MONITOR=1: the log must appear although opts.show = 0 */
    dlops_op S = make_tridiag(ctx, 20, DLOPS_F64);
    dlops_darray x, y;
    T_REQUIRE(dlops_op_create_vecs(S, &x, &y));
    fill(y, 1);
    dlops_solver_opts o;
    dlops_solver_opts_default(&o);
    o.niter = 3, o.tol = 0;
    T_CALL(dlops_solve_cg(S, y, x, &o, NULL));
    dlops_darray_destroy(&x), dlops_darray_destroy(&y);
    dlops_op_destroy(&S);
    return dlops_test_finish(ctx);
  }
  test_cg(DLOPS_F64);
  test_cg(DLOPS_C128);
  test_cg(DLOPS_F32);
  test_cg_stacked();
  test_cgls_lsqr(0);
  test_cgls_lsqr(1);
  test_power();
  test_ista();
  test_proximal();
  test_nan_monitor_errors();
  test_solve_metadata();
  return dlops_test_finish(ctx);
}
