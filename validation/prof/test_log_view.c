/* The profiling summary (log_view=1, docs/profiling.md), label prof, NP 1 and 2, on the host
 * backends. stdout and stderr of every rank go to a file of their own while a context lives; rank
 * 0 then reads its summary:
 *   - operators: a diagonal D applied 7 times and its adjoint 3 times, the product P = D D twice
 *     and its adjoint once: lines "diagonal apply 11" and "diagonal adjoint 5" (nested applies
 *     count), "product apply 2", "product adjoint 1", the flops of D (one per element) summed over
 *     ranks, and a product's flops the sum of its components';
 *   - a solver: cg with niter = 5 and tol = 0 gives "cg 5 1" (iterations, calls) and its
 *     allreduces;
 *   - a BlockDiag on the world context (log_view=1) of per-rank products L L on MPI_COMM_SELF
 *     contexts without log_view: the parts' rows are in the world summary (product 3 calls, its
 *     diagonal 6 calls, flops known), and the local contexts print nothing;
 *   - off (no key, DLOPS_LOG_VIEW unset): the job prints nothing at all;
 *   - DLOPS_LOG_VIEW=1 on rank 0 only: every rank turns it on (no hang), printed once;
 *   - per-rank MPI_COMM_SELF contexts: printed once in the job (world rank 0);
 *   - log_view=2 and DLOPS_LOG_VIEW=yes: DLOPS_ERR_ARG on every rank. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <unistd.h>

#include "dlops_test.h"

static int saved_out = -1, saved_err = -1;
static char path[256];

static void capture_begin(int rank) {
  fflush(stdout);
  fflush(stderr);
  snprintf(path, sizeof path, "log_view.%d.%d.txt", (int)getpid(), rank);
  int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
  if (fd < 0) {
    fprintf(stderr, "cannot open %s\n", path);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  saved_out = dup(1);
  saved_err = dup(2);
  dup2(fd, 1);
  dup2(fd, 2);
  close(fd);
}

/* Stop capturing; the captured text (malloc'ed, NUL-terminated) and its length. */
static char *capture_end(long *len) {
  fflush(stdout);
  fflush(stderr);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  FILE *f = fopen(path, "rb");
  char *buf = calloc(1, 1 << 20);
  size_t n = f && buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
  if (f) fclose(f);
  remove(path);
  *len = (long)n;
  return buf;
}

static long count_of(const char *text, const char *needle) {
  long c = 0;
  for (const char *p = text; p && (p = strstr(p, needle)); p += strlen(needle)) c++;
  return c;
}

/* One row of the summary: name, second column (event or iterations), calls, flops (-1 for "-"),
 * reductions. 0 if absent. */
typedef struct {
  char second[16];
  double calls, tmax, tavg, flops, msgs, bytes, red;
} row;

static int find_row(const char *text, const char *name, const char *second, row *r) {
  char line[512];
  for (const char *p = text; p && *p;) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n >= sizeof line) n = sizeof line - 1;
    memcpy(line, p, n);
    line[n] = '\0';
    p = e ? e + 1 : NULL;
    char nm[64], fl[32], rate[32];
    memset(r, 0, sizeof *r);
    if (sscanf(line, "%63s %15s %lf %lf %lf %31s %31s %lf %lf %lf", nm, r->second, &r->calls, &r->tmax, &r->tavg, fl,
               rate, &r->msgs, &r->bytes, &r->red) == 10 &&
        !strcmp(nm, name) && (!second || !strcmp(r->second, second))) {
      r->flops = strcmp(fl, "-") ? atof(fl) : -1.0;
      return 1;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  dlops_test_rank_ = rank;
  unsetenv("DLOPS_LOG_VIEW");
  /* the backend of this test run (DLOPS_SPEC=comm=...), with log_view added */
  char base[256], spec[300];
  const char *env = getenv("DLOPS_SPEC");
  snprintf(base, sizeof base, "%s", env ? env : "");
  snprintf(spec, sizeof spec, "%s log_view=1", base);
  const int64_t n = 40;
  double dv[40];
  int64_t nloc = n / size + (rank < n % size); /* the default split (balanced, leading ranks larger) */
  int64_t off = rank * (n / size) + (rank < n % size ? rank : n % size);
  for (int64_t i = 0; i < nloc; i++) dv[i] = 1.0 + (double)(off + i);
  const dlops_scalar one = {1.0, 0.0};
  long len = 0, c = 0, tot = 0;

  /* ---- operators, with nested applies */
  capture_begin(rank);
  dlops_ctx ctx = NULL;
  int e = dlops_ctx_create(MPI_COMM_WORLD, spec, &ctx);
  dlops_op D = NULL, P = NULL;
  dlops_darray x = NULL, y = NULL;
  if (!e) e = dlops_op_create_diagonal(ctx, n, DLOPS_F64, dv, &D);
  if (!e) e = dlops_op_create_product(D, D, &P);
  if (!e) e = dlops_op_create_vecs(D, &x, &y);
  if (!e) e = dlops_darray_fill(x, one);
  for (int k = 0; k < 7 && !e; k++) e = dlops_op_apply(D, x, y);
  for (int k = 0; k < 3 && !e; k++) e = dlops_op_apply_adjoint(D, y, x);
  for (int k = 0; k < 2 && !e; k++) e = dlops_op_apply(P, x, y);
  if (!e) e = dlops_op_apply_adjoint(P, y, x);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&P);
  dlops_op_destroy(&D);
  int ed = dlops_ctx_destroy(&ctx);
  char *out = capture_end(&len);
  T_CHECK(!e && !ed, "operators with \"%s\": %d %d: %s", spec, e, ed, dlops_last_error());
  if (rank == 0) {
    row r;
    T_CHECK(count_of(out, "dlops log_view:") == 1, "rank 0 printed %ld summaries:\n%s", count_of(out, "dlops log_view:"),
            out);
    T_CHECK(find_row(out, "diagonal", "apply", &r) && r.calls == 11, "diagonal apply: %g calls, expected 11:\n%s",
            r.calls, out);
    T_CHECK(r.flops == (double)(11 * n), "diagonal apply: %g flops, expected %g", r.flops, (double)(11 * n));
    T_CHECK(find_row(out, "diagonal", "adjoint", &r) && r.calls == 5, "diagonal adjoint: %g calls, expected 5",
            r.calls);
    T_CHECK(find_row(out, "product", "apply", &r) && r.calls == 2, "product apply: %g calls, expected 2", r.calls);
    T_CHECK(r.flops == (double)(4 * n), "product apply: %g flops, expected %g (its components')", r.flops,
            (double)(4 * n));
    T_CHECK(r.tmax >= r.tavg && r.tavg >= 0, "product apply: max time %g < average %g", r.tmax, r.tavg);
    T_CHECK(find_row(out, "product", "adjoint", &r) && r.calls == 1, "product adjoint: %g calls, expected 1", r.calls);
    T_CHECK(strstr(out, "Communication by kind"), "no communication table");
  } else {
    T_CHECK(len == 0, "rank %d printed %ld bytes:\n%s", rank, len, out);
  }
  free(out);

  /* ---- a solver: cg, 5 iterations */
  capture_begin(rank);
  e = dlops_ctx_create(MPI_COMM_WORLD, spec, &ctx);
  if (!e) e = dlops_op_create_diagonal(ctx, n, DLOPS_F64, dv, &D);
  if (!e) e = dlops_op_create_vecs(D, &x, &y);
  if (!e) e = dlops_darray_fill(y, one);
  dlops_solver_opts o;
  dlops_solver_opts_default(&o);
  o.niter = 5;
  o.tol = 0.0;
  dlops_solver_result res;
  memset(&res, 0, sizeof res);
  if (!e) e = dlops_solve_cg(D, y, x, &o, &res);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&D);
  ed = dlops_ctx_destroy(&ctx);
  out = capture_end(&len);
  T_CHECK(!e && !ed && res.iterations == 5, "cg: %d %d, %lld iterations: %s", e, ed, (long long)res.iterations,
          dlops_last_error());
  if (rank == 0) {
    row r;
    T_CHECK(find_row(out, "cg", NULL, &r) && r.calls == 1 && !strcmp(r.second, "5"),
            "cg row: %g calls, %s iterations, expected 1 and 5:\n%s", r.calls, r.second, out);
    T_CHECK(r.red >= 5, "cg: %g allreduces for 5 iterations", r.red);
    T_CHECK(r.flops > 0, "cg: flops %g, expected its applies' (a diagonal's are known)", r.flops);
    T_CHECK(find_row(out, "diagonal", "apply", &r) && r.calls >= 5, "diagonal inside cg: %g calls", r.calls);
  }
  free(out);

  /* ---- nested parts on per-rank contexts without log_view */
  capture_begin(rank);
  dlops_ctx self = NULL;
  dlops_op L = NULL, Q = NULL, B = NULL;
  e = dlops_ctx_create(MPI_COMM_WORLD, spec, &ctx);
  if (!e) e = dlops_ctx_create(MPI_COMM_SELF, "comm=mpi", &self);
  if (!e) e = dlops_op_create_diagonal(self, 8, DLOPS_F64, dv, &L);
  if (!e) e = dlops_op_create_product(L, L, &Q);
  if (!e) e = dlops_op_create_blockdiag(ctx, 1, &Q, -1, &B);
  if (!e) e = dlops_op_create_vecs(B, &x, &y);
  if (!e) e = dlops_darray_fill(x, one);
  for (int k = 0; k < 3 && !e; k++) e = dlops_op_apply(B, x, y);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&B);
  dlops_op_destroy(&Q);
  dlops_op_destroy(&L);
  int es = dlops_ctx_destroy(&self);
  ed = dlops_ctx_destroy(&ctx);
  out = capture_end(&len);
  T_CHECK(!e && !ed && !es, "blockdiag of local products: %d %d %d: %s", e, ed, es, dlops_last_error());
  c = count_of(out, "dlops log_view:");
  MPI_Allreduce(&c, &tot, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  T_CHECK(tot == 1, "%ld summaries in the job, expected the world context's only", tot);
  if (rank == 0) {
    row r;
    T_CHECK(find_row(out, "blockdiag", "apply", &r) && r.calls == 3, "blockdiag apply: %g calls, expected 3:\n%s",
            r.calls, out);
    T_CHECK(r.flops == (double)(3 * 2 * 8 * size), "blockdiag apply: %g flops, expected %g", r.flops,
            (double)(3 * 2 * 8 * size));
    T_CHECK(find_row(out, "product", "apply", &r) && r.calls == 3, "local product apply: %g calls, expected 3",
            r.calls);
    T_CHECK(find_row(out, "diagonal", "apply", &r) && r.calls == 6, "local diagonal apply: %g calls, expected 6",
            r.calls);
  }
  free(out);

  /* ---- off: nothing printed */
  capture_begin(rank);
  e = dlops_ctx_create(MPI_COMM_WORLD, base, &ctx);
  if (!e) e = dlops_op_create_diagonal(ctx, n, DLOPS_F64, dv, &D);
  if (!e) e = dlops_op_create_vecs(D, &x, &y);
  if (!e) e = dlops_op_apply(D, x, y);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&D);
  ed = dlops_ctx_destroy(&ctx);
  out = capture_end(&len);
  T_CHECK(!e && !ed, "log_view off: %d %d: %s", e, ed, dlops_last_error());
  T_CHECK(len == 0, "log_view off: rank %d printed %ld bytes:\n%s", rank, len, out);
  free(out);

  /* ---- DLOPS_LOG_VIEW=1 on rank 0 only: agreed, printed once */
  if (rank == 0) setenv("DLOPS_LOG_VIEW", "1", 1);
  capture_begin(rank);
  e = dlops_ctx_create(MPI_COMM_WORLD, base, &ctx);
  ed = dlops_ctx_destroy(&ctx);
  out = capture_end(&len);
  unsetenv("DLOPS_LOG_VIEW");
  c = count_of(out, "dlops log_view:");
  tot = 0;
  MPI_Allreduce(&c, &tot, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  T_CHECK(!e && !ed && tot == 1, "DLOPS_LOG_VIEW=1 on rank 0: %d %d, %ld summaries in the job: %s", e, ed, tot,
          dlops_last_error());
  free(out);

  /* ---- per-rank one-rank contexts: once in the job */
  capture_begin(rank);
  e = dlops_ctx_create(MPI_COMM_SELF, "log_view=1", &ctx);
  ed = dlops_ctx_destroy(&ctx);
  out = capture_end(&len);
  c = count_of(out, "dlops log_view:");
  MPI_Allreduce(&c, &tot, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  T_CHECK(!e && !ed && tot == 1, "MPI_COMM_SELF contexts: %d %d, %ld summaries in the job", e, ed, tot);
  free(out);

  /* ---- bad values */
  snprintf(spec, sizeof spec, "%s log_view=2", base);
  T_CHECK(dlops_ctx_create(MPI_COMM_WORLD, spec, &ctx) == DLOPS_ERR_ARG && strstr(dlops_last_error(), "log_view"),
          "log_view=2: %s", dlops_last_error());
  setenv("DLOPS_LOG_VIEW", "yes", 1);
  T_CHECK(dlops_ctx_create(MPI_COMM_WORLD, base, &ctx) == DLOPS_ERR_ARG &&
              strstr(dlops_last_error(), "DLOPS_LOG_VIEW"),
          "DLOPS_LOG_VIEW=yes: %s", dlops_last_error());
  unsetenv("DLOPS_LOG_VIEW");

  long f[2] = {dlops_test_fail_, dlops_test_pass_}, g[2];
  MPI_Allreduce(f, g, 2, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("%ld passed, %ld failed\n", g[1], g[0]);
  MPI_Finalize();
  return g[0] ? 1 : 0;
}
