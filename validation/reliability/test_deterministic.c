/* Deterministic mode (issue 10, "Reliability"): with spec deterministic=1 every reduction, and so
 * every solver iterate, is bitwise the same whatever the number of ranks.
 *
 * One job: MPI_COMM_WORLD is split into the sub-communicators of the first k ranks, k = 1..P
 * (the other ranks pass MPI_UNDEFINED), and on each a context with the test's spec (DLOPS_SPEC:
 * backend, memory) plus deterministic=1 computes on the same GLOBAL data (host arrays built from
 * the global index, scattered with root -1, values spanning 1e-12 .. 1e12 so that the order of a
 * floating-point sum would show):
 *   dot (f64 and f32), vdot (c128), norms of order 2, 1 and inf (f64 and c128), a multi_dot of
 *   3 pairs, CG (fused and pipelined) on I + D^H D and CGLS on D + diag (D a distributed first
 *   derivative) with a fixed number of iterations (tol 0): the norm of the solution and the
 *   gathered solution.
 * World rank 0 belongs to every sub-communicator and receives every result: they must be
 * bitwise equal (memcmp) for every k, and equal between two repeated runs. The same program
 * with deterministic=0 must run (results not compared: no claim of non-determinism). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>

#include "dlops_test.h"

enum { NGD = 1001, NSOL = 301, NRES = 64 };

static int wrank = 0, wsize = 1;

/* value i of the global test vector s: random in [-1, 1) times 10^e, e in {-12, -6, 0, 6, 12} */
static double gval(unsigned long long s, int64_t i) {
  static const double mag[5] = {1e-12, 1e-6, 1.0, 1e6, 1e12};
  return dlops_test_rand(s, (unsigned long long)i) * mag[(i * 7 + (int64_t)s) % 5];
}

/* a 1-D SCATTER array of NGD elements of dtype t on ctx filled from the global vector s
 * (complex: real part from s, imaginary part from s + 1000) */
static dlops_darray make_vec(dlops_ctx ctx, dlops_dtype t, unsigned long long s) {
  int64_t n = NGD;
  dlops_darray x = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, t, &x));
  size_t es = (t == DLOPS_F32) ? 4 : (t == DLOPS_F64 || t == DLOPS_C64) ? 8 : 16;
  void *g = malloc(es * NGD);
  for (int64_t i = 0; i < NGD; i++) {
    double re = gval(s, i), im = gval(s + 1000, i);
    switch (t) {
      case DLOPS_F32: ((float *)g)[i] = (float)(re * 1e-6); break; /* within f32 range: 1e-18 .. 1e6 */
      case DLOPS_F64: ((double *)g)[i] = re; break;
      default: ((double *)g)[2 * i] = re; ((double *)g)[2 * i + 1] = im; break;
    }
  }
  T_REQUIRE(dlops_darray_scatter(x, g, -1));
  free(g);
  return x;
}

/* Every result of one configuration into res (valid on the sub-communicator's rank 0 = world
 * rank 0); returns the count. sol receives the gathered solutions. */
static int compute(MPI_Comm sub, const char *spec, double *res, double *sol) {
  dlops_ctx ctx = NULL;
  T_REQUIRE(dlops_ctx_create(sub, spec, &ctx));
  int nr = 0;
  dlops_scalar s;
  double v;
  /* ---- reductions */
  dlops_darray x = make_vec(ctx, DLOPS_F64, 1), y = make_vec(ctx, DLOPS_F64, 2), z = make_vec(ctx, DLOPS_F64, 3);
  T_CALL(dlops_darray_dot(x, y, &s));
  res[nr++] = s.re;
  res[nr++] = s.im;
  dlops_darray xf = make_vec(ctx, DLOPS_F32, 4), yf = make_vec(ctx, DLOPS_F32, 5);
  T_CALL(dlops_darray_dot(xf, yf, &s));
  res[nr++] = s.re;
  dlops_darray xc = make_vec(ctx, DLOPS_C128, 6), yc = make_vec(ctx, DLOPS_C128, 7);
  T_CALL(dlops_darray_vdot(xc, yc, &s));
  res[nr++] = s.re;
  res[nr++] = s.im;
  const double ords[3] = {2.0, 1.0, INFINITY};
  for (int k = 0; k < 3; k++) {
    T_CALL(dlops_darray_norm(x, ords[k], &v));
    res[nr++] = v;
    T_CALL(dlops_darray_norm(xc, ords[k], &v));
    res[nr++] = v;
    T_CALL(dlops_darray_norm(xf, ords[k], &v));
    res[nr++] = v;
  }
  dlops_darray xs[3] = {x, x, y}, ys[3] = {y, x, z};
  int cj[3] = {0, 1, 1};
  dlops_scalar m[3];
  T_CALL(dlops_darray_multi_dot(3, xs, ys, cj, m));
  for (int k = 0; k < 3; k++) {
    res[nr++] = m[k].re;
    res[nr++] = m[k].im;
  }
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_darray_destroy(&z);
  dlops_darray_destroy(&xf);
  dlops_darray_destroy(&yf);
  dlops_darray_destroy(&xc);
  dlops_darray_destroy(&yc);

  /* ---- solves on a distributed derivative D (ghost exchange) */
  int64_t dims[1] = {NSOL};
  int P = 1, r = 0;
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &r);
  dlops_op D = NULL, Dh = NULL, DhD = NULL, Id = NULL, Acg = NULL, G = NULL, Acgls = NULL;
  T_REQUIRE(dlops_op_create_first_derivative(ctx, 1, dims, 0, 1.0, DLOPS_DERIV_CENTERED, 3, 1, DLOPS_F64, &D));
  T_REQUIRE(dlops_op_create_adjoint(D, &Dh));
  T_REQUIRE(dlops_op_create_product(Dh, D, &DhD));
  T_REQUIRE(dlops_op_create_identity(ctx, NSOL, NSOL, DLOPS_F64, &Id));
  T_REQUIRE(dlops_op_create_sum(Id, DhD, &Acg)); /* Hermitian positive definite */
  {
    int64_t nl = NSOL / P + (r < NSOL % P ? 1 : 0);
    int64_t off = (int64_t)r * (NSOL / P) + (r < NSOL % P ? r : NSOL % P);
    double d[NSOL];
    for (int64_t i = 0; i < nl; i++) d[i] = 1.5 + 0.5 * dlops_test_rand(77, (unsigned long long)(off + i));
    T_REQUIRE(dlops_op_create_diagonal(ctx, NSOL, DLOPS_F64, d, &G));
  }
  T_REQUIRE(dlops_op_create_sum(D, G, &Acgls));
  dlops_darray xsol = NULL, rhs = NULL;
  T_REQUIRE(dlops_op_create_vecs(Acg, &xsol, &rhs));
  {
    double g[NSOL];
    for (int64_t i = 0; i < NSOL; i++) g[i] = gval(8, i) * 1e-3 + dlops_test_rand(9, (unsigned long long)i);
    T_REQUIRE(dlops_darray_scatter(rhs, g, -1));
  }
  for (int which = 0; which < 3; which++) {
    dlops_solver_opts o;
    dlops_solver_opts_default(&o);
    o.niter = 12; /* kappa(I + D^H D) is small: more would reach rounding level, where pipelined CG breaks down */
    o.tol = 0.0;
    o.variant = which == 1 ? DLOPS_SOLVER_PIPELINED : DLOPS_SOLVER_FUSED;
    dlops_solver_result res_s;
    dlops_scalar zero = {0, 0};
    T_CALL(dlops_darray_fill(xsol, zero));
    if (which < 2)
      T_CALL(dlops_solve_cg(Acg, rhs, xsol, &o, &res_s));
    else
      T_CALL(dlops_solve_cgls(Acgls, rhs, xsol, &o, &res_s));
    res[nr++] = (double)res_s.iterations;
    res[nr++] = res_s.r1norm;
    res[nr++] = res_s.r2norm;
    T_CALL(dlops_darray_norm(xsol, 2.0, &v));
    res[nr++] = v;
    T_CALL(dlops_darray_gather(xsol, sol + which * NSOL, 0));
  }
  dlops_darray_destroy(&xsol);
  dlops_darray_destroy(&rhs);
  dlops_op_destroy(&Acgls);
  dlops_op_destroy(&G);
  dlops_op_destroy(&Acg);
  dlops_op_destroy(&Id);
  dlops_op_destroy(&DhD);
  dlops_op_destroy(&Dh);
  dlops_op_destroy(&D);
  T_CALL(dlops_ctx_destroy(&ctx));
  return nr;
}

static const char *res_name(int i) {
  static const char *names[] = {"dot f64 re", "dot f64 im", "dot f32", "vdot c128 re", "vdot c128 im",
                                "norm2 f64", "norm2 c128", "norm2 f32", "norm1 f64", "norm1 c128", "norm1 f32",
                                "norminf f64", "norminf c128", "norminf f32", "multi_dot[0] re", "multi_dot[0] im",
                                "multi_dot[1] re", "multi_dot[1] im", "multi_dot[2] re", "multi_dot[2] im",
                                "cg iterations", "cg r1norm", "cg r2norm", "cg ||x||",
                                "cg pipelined iterations", "cg pipelined r1norm", "cg pipelined r2norm",
                                "cg pipelined ||x||", "cgls iterations", "cgls r1norm", "cgls r2norm", "cgls ||x||"};
  return i < (int)(sizeof names / sizeof names[0]) ? names[i] : "?";
}

/* One pass over k = 1..P with the given deterministic flag; on rank 0, res[k-1], sol[k-1]. */
static int pass(const char *base, int det, double (*res)[NRES], double (*sol)[3 * NSOL]) {
  char spec[512];
  snprintf(spec, sizeof spec, "%s deterministic=%d", base, det);
  int nr = 0;
  for (int k = 1; k <= wsize; k++) {
    MPI_Comm sub = MPI_COMM_NULL;
    MPI_Comm_split(MPI_COMM_WORLD, wrank < k ? 0 : MPI_UNDEFINED, wrank, &sub);
    if (sub != MPI_COMM_NULL) {
      nr = compute(sub, spec, res[k - 1], sol[k - 1]);
      MPI_Comm_free(&sub);
    }
  }
  return nr;
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
  MPI_Comm_size(MPI_COMM_WORLD, &wsize);
  /* the test's backend and memory space, without any deterministic key of its own */
  const char *env = getenv("DLOPS_SPEC");
  char base[256];
  snprintf(base, sizeof base, "%s", env ? env : "");
  char *d = strstr(base, "deterministic=");
  if (d) memset(d, ' ', strcspn(d, " "));
  static double res[2][4][NRES], sol[2][4][3 * NSOL];
  T_CHECK(wsize <= 4, "run at most 4 ranks");
  if (wsize > 4) return dlops_test_finish(ctx);
  memset(res, 0, sizeof res);
  memset(sol, 0, sizeof sol);
  int nr = 0;
  for (int rep = 0; rep < 2; rep++) nr = pass(base, 1, res[rep], sol[rep]);
  if (wrank == 0) {
    T_CHECK(nr == 32, "%d results", nr);
    for (int rep = 0; rep < 2; rep++)
      for (int k = 1; k <= wsize; k++) {
        for (int i = 0; i < nr; i++)
          T_CHECK(memcmp(&res[rep][k - 1][i], &res[0][0][i], sizeof(double)) == 0,
                  "deterministic: %s on %d ranks (run %d) = %.17g, on 1 rank %.17g", res_name(i), k, rep + 1,
                  res[rep][k - 1][i], res[0][0][i]);
        for (int w = 0; w < 3; w++) {
          int bad = -1;
          for (int i = 0; i < NSOL && bad < 0; i++)
            if (memcmp(&sol[rep][k - 1][w * NSOL + i], &sol[0][0][w * NSOL + i], sizeof(double))) bad = i;
          T_CHECK(bad < 0, "deterministic: %s solution on %d ranks (run %d) differs from 1 rank at %d: %.17g vs %.17g",
                  w == 0 ? "cg" : w == 1 ? "cg pipelined" : "cgls", k, rep + 1, bad,
                  bad < 0 ? 0.0 : sol[rep][k - 1][w * NSOL + bad], bad < 0 ? 0.0 : sol[0][0][w * NSOL + bad]);
        }
      }
    /* sanity of the values themselves: the solves ran their iterations and moved */
    T_CHECK(res[0][0][20] == 12 && res[0][0][24] == 12 && res[0][0][28] == 12 && res[0][0][23] > 0 &&
                res[0][0][27] > 0 && res[0][0][31] > 0,
            "solver results: %g, %g, %g iterations, ||x|| %g, %g, %g", res[0][0][20], res[0][0][24], res[0][0][28],
            res[0][0][23], res[0][0][27], res[0][0][31]);
    printf("deterministic=1: %d reductions and 3 solutions bitwise equal on 1..%d ranks, 2 runs\n", nr, wsize);
  }
  /* deterministic=0: the same program runs (no claim about its rounding) */
  nr = pass(base, 0, res[1], sol[1]);
  if (wrank == 0) {
    for (int k = 1; k <= wsize; k++)
      for (int i = 0; i < nr; i++)
        T_CHECK(isfinite(res[1][k - 1][i]), "deterministic=0: %s on %d ranks is %g", res_name(i), k,
                res[1][k - 1][i]);
  }
  return dlops_test_finish(ctx);
}
