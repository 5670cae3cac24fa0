/* Host<->device traffic of one solver iteration on the emulated device (spec mem=emu, label
 * emu), read from the memory counters: the difference between a solve of K + 2 and one of K
 * iterations, halved. Asserted per iteration:
 *   - no host-to-device copy at all;
 *   - exactly one device-to-host copy per reduction, of the reduction's scalars only (16 bytes per
 *     dot product of a multi_dot, 8 per norm), and as many as the solver's documented reductions
 *     (solver.h; equal to the allreduces the communication counters see);
 *   - with an operator that exchanges ghost rows, the messages are staged through host memory
 *     and counted apart: summed over ranks, the staged bytes each way equal the bytes sent.
 * The counts per iteration are printed on rank 0 (the numbers the documentation quotes). */
#include "dlops_test.h"

static int P, me;

typedef struct {
  dlops_mem_counter m;
  dlops_comm_counter ar, nb;
} traffic;

static traffic measure(dlops_ctx ctx) {
  traffic t;
  dlops_ctx_get_mem_counter(ctx, &t.m);
  dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLREDUCE, &t.ar);
  dlops_ctx_get_counter(ctx, DLOPS_COMM_NEIGHBOR, &t.nb);
  return t;
}

enum { S_CG, S_CGLS, S_ISTA, S_FISTA };
static const char *const solver_names[] = {"cg", "cgls", "ista", "fista"};

/* Traffic of a solve of niter iterations from x0 = 0 (tolerance 0: every iteration runs). */
static traffic run(dlops_ctx ctx, int solver, int variant, dlops_op A, dlops_darray y, dlops_darray x, int64_t niter) {
  dlops_solver_opts o;
  dlops_solver_opts_default(&o);
  o.niter = niter;
  o.tol = 0.0;
  o.variant = variant;
  o.alpha = 0.1; /* ISTA/FISTA: a fixed step, no power iteration */
  dlops_solver_result res;
  T_CALL(dlops_darray_fill(x, (dlops_scalar){0.0, 0.0}));
  T_CALL(dlops_ctx_reset_counters(ctx));
  switch (solver) {
    case S_CG: T_CALL(dlops_solve_cg(A, y, x, &o, &res)); break;
    case S_CGLS: T_CALL(dlops_solve_cgls(A, y, x, &o, &res)); break;
    case S_ISTA: T_CALL(dlops_solve_ista(A, y, x, &o, &res)); break;
    default: T_CALL(dlops_solve_fista(A, y, x, &o, &res)); break;
  }
  T_CHECK(res.iterations == niter, "%s: %lld iterations, want %lld (reason %s)", solver_names[solver],
          (long long)res.iterations, (long long)niter, dlops_stop_reason_name(res.reason));
  return measure(ctx);
}

/* One solver: per-iteration traffic, with expected reductions and device-to-host bytes. */
static void check(dlops_ctx ctx, const char *opname, int solver, int variant, dlops_op A, dlops_darray y,
                  dlops_darray x, int64_t want_red, int64_t want_bytes) {
  const int64_t K = 3;
  traffic a = run(ctx, solver, variant, A, y, x, K), b = run(ctx, solver, variant, A, y, x, K + 2);
  const int64_t d2h = b.m.d2h - b.m.comm_d2h - (a.m.d2h - a.m.comm_d2h);
  const int64_t d2h_bytes = b.m.d2h_bytes - b.m.comm_d2h_bytes - (a.m.d2h_bytes - a.m.comm_d2h_bytes);
  const int64_t h2d = b.m.h2d - b.m.comm_h2d - (a.m.h2d - a.m.comm_h2d);
  const int64_t ar = b.ar.calls - a.ar.calls;
  const int64_t kern = b.m.kernels - a.m.kernels;
  char what[96];
  snprintf(what, sizeof what, "%s %s (variant %d) on %s", solver_names[solver], "per 2 iterations", variant, opname);
  T_CHECK(d2h % 2 == 0 && d2h_bytes % 2 == 0, "%s: odd counts %lld, %lld", what, (long long)d2h,
          (long long)d2h_bytes);
  T_CHECK(h2d == 0, "%s: %lld host-to-device copies of data", what, (long long)h2d);
  T_CHECK(d2h == 2 * want_red, "%s: %lld device-to-host copies, want %lld (one per reduction)", what, (long long)d2h,
          (long long)(2 * want_red));
  T_CHECK(d2h == ar, "%s: %lld device-to-host copies but %lld allreduces", what, (long long)d2h, (long long)ar);
  T_CHECK(d2h_bytes == 2 * want_bytes, "%s: %lld bytes to the host, want %lld (the reductions' scalars only)", what,
          (long long)d2h_bytes, (long long)(2 * want_bytes));
  /* staging of messages: summed over ranks, bytes out = bytes in = bytes sent */
  long long s[3] = {(long long)(b.m.comm_d2h_bytes - a.m.comm_d2h_bytes),
                    (long long)(b.m.comm_h2d_bytes - a.m.comm_h2d_bytes), (long long)(b.nb.bytes - a.nb.bytes)};
  MPI_Allreduce(MPI_IN_PLACE, s, 3, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  T_CHECK(s[0] == s[2] && s[1] == s[2], "%s: staged %lld bytes out and %lld in for %lld bytes of messages", what, s[0],
          s[1], s[2]);
  if (me == 0)
    printf("%-5s variant %d on %-10s per iteration: %lld d2h copies (%lld bytes), 0 h2d, %lld kernels, staged "
           "messages %lld bytes (all ranks)\n",
           solver_names[solver], variant, opname, (long long)(d2h / 2), (long long)(d2h_bytes / 2), (long long)(kern / 2),
           s[2] / 2);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &me);
  if (dlops_test_mem != DLOPS_MEM_DEVICE) dlops_test_skip(ctx, "this test runs on the emulated device (mem=emu)");
  /* a diagonal (no messages) and a first derivative along the distributed axis (ghost rows) */
  const int64_t n = 40 * P + 3;
  double *dv = malloc(sizeof(double) * (size_t)(n + 1));
  for (int64_t i = 0; i < n; i++) dv[i] = 1.0 + (double)((i * 7 + 3) % 11);
  int64_t off = 0;
  for (int r = 0; r < me; r++) off += n / P + (r < n % P);
  dlops_op D = NULL, G = NULL;
  T_REQUIRE(dlops_op_create_diagonal(ctx, n, DLOPS_F64, dv + off, &D));
  const int64_t dims[2] = {n, 3};
  T_REQUIRE(dlops_op_create_first_derivative(ctx, 2, dims, 0, 1.0, DLOPS_DERIV_CENTERED, 3, 1, DLOPS_F64, &G));
  dlops_darray x = NULL, y = NULL, gx = NULL, gy = NULL;
  T_REQUIRE(dlops_op_create_vecs(D, &x, &y));
  T_REQUIRE(dlops_op_create_vecs(G, &gx, &gy));
  T_CALL(dlops_darray_fill_random(y, 3, -1.0, 1.0));
  T_CALL(dlops_darray_fill_random(gy, 4, -1.0, 1.0));
  /* documented reductions per iteration (solver.h) and their scalars: 16 bytes per dot product
   * of a multi_dot, 8 per norm */
  check(ctx, "diagonal", S_CG, DLOPS_SOLVER_FUSED, D, y, x, 1, 2 * 16);     /* one multi_dot of 2 */
  check(ctx, "diagonal", S_CG, DLOPS_SOLVER_BLOCKING, D, y, x, 2, 2 * 16);  /* two dots (PyLops-MPI) */
  check(ctx, "diagonal", S_CG, DLOPS_SOLVER_PIPELINED, D, y, x, 1, 2 * 16); /* one non-blocking multi_dot of 2 */
  check(ctx, "diagonal", S_CGLS, DLOPS_SOLVER_FUSED, D, y, x, 2, 3 * 16);   /* multi_dots of 1 and 2 */
  /* PyLops-MPI's CGLS: q.q, s.s, s.s, x.x and the norm of r */
  check(ctx, "diagonal", S_CGLS, DLOPS_SOLVER_BLOCKING, D, y, x, 5, 4 * 16 + 8);
  check(ctx, "diagonal", S_ISTA, DLOPS_SOLVER_FUSED, D, y, x, 1, 3 * 16);  /* one multi_dot of 3 */
  check(ctx, "diagonal", S_FISTA, DLOPS_SOLVER_FUSED, D, y, x, 1, 3 * 16);
  check(ctx, "derivative", S_CGLS, DLOPS_SOLVER_FUSED, G, gy, gx, 2, 3 * 16);
  check(ctx, "derivative", S_FISTA, DLOPS_SOLVER_FUSED, G, gy, gx, 1, 3 * 16);
  free(dv);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_darray_destroy(&gx);
  dlops_darray_destroy(&gy);
  dlops_op_destroy(&D);
  dlops_op_destroy(&G);
  return dlops_test_finish(ctx);
}
