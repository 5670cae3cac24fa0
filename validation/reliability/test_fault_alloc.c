/* Fault injection (issue 10, "Reliability"): an allocation that fails on one rank inside CGLS or
 * the dot test never hangs, every rank returns the same error, the context stays usable and
 * the caller's arrays are untouched.
 *
 * For every case (a CGLS solve, fused and blocking, and dlops_op_dottest, on a distributed
 * first derivative and on a sum of operators), a fault-free run counts the data allocations of
 * the set-up (K) and of the call (N) with the context's counter (ctx->nalloc, read through the
 * internal header: the counter of dlops_mem_alloc_check, the one choke point of allocations).
 * Then, for the failing rank being the last rank and rank 0, and for every n in 1..K+N, the
 * context is created anew with DLOPS_FAULT_ALLOC="rank:n" in the environment (the path users
 * take) and:
 *   n <= K:  the set-up call that hits the fault fails with DLOPS_ERR_MEM on every rank;
 *   n >  K:  the call fails with DLOPS_ERR_MEM on every rank (MPI_Allreduce of min and max of
 *            the code), with the injected message; afterwards the context still works (a dot
 *            gives the fault-free value), the inputs y and x (the initial guess of the solve)
 *            are bitwise unchanged, and the context can be destroyed (no array or operator of
 *            the call left alive).
 * With n far beyond K+N the call succeeds with the fault-free answer. A malformed
 * DLOPS_FAULT_ALLOC (on every rank, or on one rank only) fails dlops_ctx_create with
 * DLOPS_ERR_ARG on every rank. A hang is caught by an alarm() watchdog that names the case and
 * n (the CTest timeout is the backstop). */
#define _POSIX_C_SOURCE 200809L /* setenv, sigaction */
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include "dlops_test.h"
#include "../../csrc/core/ctx_impl.h" /* ctx->nalloc: the allocation counter of the context */

enum { NG = 37 }; /* global length: uneven over 2, 3, 4 ranks */

static int rank_ = 0, size_ = 1;
static char watch_msg[256];

static void on_alarm(int sig) {
  (void)sig;
  ssize_t w = write(2, watch_msg, strlen(watch_msg));
  (void)w;
  _exit(3);
}
static void watch(const char *what, int frank, int64_t n) {
  snprintf(watch_msg, sizeof watch_msg, "[rank %d] WATCHDOG: %s with DLOPS_FAULT_ALLOC=%d:%lld hung (> 60 s)\n", rank_,
           what, frank, (long long)n);
  alarm(60);
}

/* ---------------------------------------------------------------- the cases */
typedef enum { C_CGLS = 0, C_CGLS_BLOCKING = 1, C_DOTTEST = 2, C_DOTTEST_SUM = 3, NCASES = 4 } case_id;
static const char *case_name[NCASES] = {"cgls(derivative)", "cgls_blocking(derivative+diagonal)",
                                        "dottest(derivative)", "dottest(derivative+diagonal)"};

typedef struct {
  dlops_op D, G, A; /* derivative, diagonal, the operator of the case (D or D + G) */
  dlops_darray x, y; /* initial guess / solution (domain), data (range) */
} setup_t;

static void teardown(setup_t *S) {
  dlops_darray_destroy(&S->x);
  dlops_darray_destroy(&S->y);
  dlops_op_destroy(&S->A);
  dlops_op_destroy(&S->G);
  dlops_op_destroy(&S->D);
}

static long setup_mismatch = 0;
static int agreed_code(int e, int *lo, int *hi);

/* The operators (collective, agreed by the library) and the vectors (local, agreed here). */
static int setup(dlops_ctx ctx, case_id c, setup_t *S) {
  memset(S, 0, sizeof *S);
  int64_t dims[1] = {NG};
  int err = dlops_op_create_first_derivative(ctx, 1, dims, 0, 1.0, DLOPS_DERIV_CENTERED, 3, 1, DLOPS_F64, &S->D);
  if (!err && (c == C_CGLS_BLOCKING || c == C_DOTTEST_SUM)) {
    /* the default split of NG (the diagonal takes this rank's part) */
    int64_t nl = NG / size_ + (rank_ < NG % size_ ? 1 : 0);
    int64_t off = (int64_t)rank_ * (NG / size_) + (rank_ < NG % size_ ? rank_ : NG % size_);
    double d[NG];
    for (int64_t i = 0; i < nl; i++) d[i] = 2.0 + 0.25 * (double)((off + i) % 5);
    err = dlops_op_create_diagonal(ctx, NG, DLOPS_F64, d, &S->G);
  }
  /* the operator creations are collective and agreed: the same code on every rank */
  int lo, hi;
  if (!agreed_code(err, &lo, &hi)) {
    setup_mismatch++;
    fprintf(stderr, "[rank %d] operator creation returned %d, others %d .. %d\n", rank_, err, lo, hi);
  }
  /* the algebra and the vectors are not collective (op.h): their outcome is agreed here */
  if (!err && S->G) {
    err = dlops_op_create_sum(S->D, S->G, &S->A);
  } else if (!err) {
    S->A = S->D;
    S->D = NULL;
  }
  if (!err) err = dlops_op_create_vecs(S->A, &S->x, &S->y);
  if (!err) err = dlops_darray_fill_random(S->y, 1234, -1.0, 1.0);
  if (!err) err = dlops_darray_fill_random(S->x, 99, -0.1, 0.1);
  int v = err;
  MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return err ? err : v;
}

typedef struct {
  int passed;
  double relerr;
  int64_t iters;
} outcome;

static int call(case_id c, setup_t *S, outcome *o) {
  memset(o, 0, sizeof *o);
  if (c == C_CGLS || c == C_CGLS_BLOCKING) {
    dlops_solver_opts opts;
    dlops_solver_opts_default(&opts);
    opts.niter = 6;
    opts.tol = 0.0;
    opts.variant = c == C_CGLS ? DLOPS_SOLVER_FUSED : DLOPS_SOLVER_BLOCKING;
    dlops_solver_result res;
    int err = dlops_solve_cgls(S->A, S->y, S->x, &opts, &res);
    if (!err) o->iters = res.iterations;
    return err;
  }
  return dlops_op_dottest(S->A, 1e-10, 4242, &o->passed, &o->relerr);
}

/* Same code on every rank of MPI_COMM_WORLD. */
static int agreed_code(int e, int *lo, int *hi) {
  int v[2] = {e, -e};
  MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  *lo = v[0];
  *hi = -v[1];
  return v[0] == -v[1];
}

static dlops_ctx make_ctx(const char *fault) {
  if (fault) setenv("DLOPS_FAULT_ALLOC", fault, 1);
  dlops_ctx ctx = NULL;
  int e = dlops_ctx_create(MPI_COMM_WORLD, NULL, &ctx);
  unsetenv("DLOPS_FAULT_ALLOC");
  if (e) {
    fprintf(stderr, "[rank %d] FATAL: dlops_ctx_create with DLOPS_FAULT_ALLOC=%s: %s\n", rank_, fault ? fault : "",
            dlops_last_error());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  return ctx;
}

/* fault-free reference of a case */
typedef struct {
  int64_t K, N;  /* allocations of the set-up and of the call on this rank */
  int64_t Kmax, Nmax; /* over the ranks */
  double y0[NG], x0[NG], x1[NG]; /* inputs, and the solution (CGLS) */
  double yy;     /* dot(y, y) */
  outcome o;
} ref_t;

static void reference(case_id c, ref_t *R) {
  /* the inputs (a context of their own, so that the counts below are those of set-up + call) */
  dlops_ctx ctx = make_ctx(NULL);
  setup_t S;
  T_REQUIRE(setup(ctx, c, &S));
  T_REQUIRE(dlops_darray_gather(S.y, R->y0, -1));
  T_REQUIRE(dlops_darray_gather(S.x, R->x0, -1));
  dlops_scalar yy;
  T_REQUIRE(dlops_darray_dot(S.y, S.y, &yy));
  R->yy = yy.re;
  teardown(&S);
  T_REQUIRE(dlops_ctx_destroy(&ctx));
  /* the counts and the answer */
  ctx = make_ctx(NULL);
  T_REQUIRE(setup(ctx, c, &S));
  R->K = ctx->nalloc;
  T_REQUIRE(call(c, &S, &R->o));
  R->N = ctx->nalloc - R->K;
  T_REQUIRE(dlops_darray_gather(S.x, R->x1, -1));
  if (c == C_DOTTEST || c == C_DOTTEST_SUM) T_CHECK(R->o.passed, "%s: the fault-free dot test fails", case_name[c]);
  int64_t v[2] = {R->K, R->N};
  MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
  R->Kmax = v[0];
  R->Nmax = v[1];
  T_CHECK(R->N > 0, "%s: the call allocates nothing on rank %d (nothing to inject)", case_name[c], rank_);
  teardown(&S);
  T_REQUIRE(dlops_ctx_destroy(&ctx));
}

static long nsetup = 0, ncall = 0;

/* One run with the n-th allocation of rank frank failing. */
static void faulty_run(case_id c, const ref_t *R, int frank, int64_t kf, int64_t n) {
  char f[64];
  snprintf(f, sizeof f, "%d:%lld", frank, (long long)n);
  watch(case_name[c], frank, n);
  dlops_ctx ctx = make_ctx(f);
  T_CHECK(ctx->fault_alloc == (rank_ == frank ? n : 0), "DLOPS_FAULT_ALLOC=%s parsed as %lld on rank %d", f,
          (long long)ctx->fault_alloc, rank_);
  setup_t S;
  int lo, hi;
  int e = setup(ctx, c, &S);
  int same = agreed_code(e, &lo, &hi);
  T_CHECK(same && setup_mismatch == 0, "%s, fault %s: the set-up returned different codes on the ranks (%d .. %d)",
          case_name[c], f, lo, hi);
  setup_mismatch = 0;
  if (lo != DLOPS_SUCCESS || hi != DLOPS_SUCCESS) {
    /* the fault hit the set-up (n <= K on the failing rank) */
    nsetup++;
    T_CHECK(e == DLOPS_ERR_MEM, "%s, fault %s: the set-up returned %d (%s), expected DLOPS_ERR_MEM", case_name[c], f, e,
            dlops_last_error());
    T_CHECK(n <= kf, "%s, fault %s: the set-up failed although it makes %lld allocations there", case_name[c], f,
            (long long)kf);
    teardown(&S);
    T_CHECK(dlops_ctx_destroy(&ctx) == DLOPS_SUCCESS, "%s, fault %s: context not destroyable after a failed set-up: %s",
            case_name[c], f, dlops_last_error());
    alarm(0);
    return;
  }
  outcome o;
  e = call(c, &S, &o);
  same = agreed_code(e, &lo, &hi);
  ncall++;
  T_CHECK(n > kf, "%s, fault %s: the set-up succeeded although the fault is in it", case_name[c], f);
  T_CHECK(same && lo == DLOPS_ERR_MEM,
          "%s, fault %s: ranks returned codes %d .. %d (this rank %d: %s), expected DLOPS_ERR_MEM everywhere",
          case_name[c], f, lo, hi, e, dlops_last_error());
  T_CHECK(strstr(dlops_last_error(), "injected") != NULL, "%s, fault %s: message does not say it was injected: %s",
          case_name[c], f, dlops_last_error());
  if (rank_ == frank) T_CHECK(ctx->nalloc >= n, "%s, fault %s: the fault did not fire", case_name[c], f);
  /* (c) the context still works */
  dlops_scalar yy = {0, 0};
  e = dlops_darray_dot(S.y, S.y, &yy);
  T_CHECK(e == DLOPS_SUCCESS && yy.re == R->yy, "%s, fault %s: dot after the failure: %d (%s), %.17g vs %.17g",
          case_name[c], f, e, e ? dlops_last_error() : "", yy.re, R->yy);
  /* (d) the caller's arrays are unchanged */
  double g[NG];
  T_CALL(dlops_darray_gather(S.y, g, -1));
  T_CHECK(memcmp(g, R->y0, sizeof g) == 0, "%s, fault %s: y changed by the failed call", case_name[c], f);
  T_CALL(dlops_darray_gather(S.x, g, -1));
  T_CHECK(memcmp(g, R->x0, sizeof g) == 0, "%s, fault %s: x changed by the failed call", case_name[c], f);
  teardown(&S);
  e = dlops_ctx_destroy(&ctx);
  T_CHECK(e == DLOPS_SUCCESS, "%s, fault %s: context not destroyable after the failed call (%s)", case_name[c], f,
          dlops_last_error());
  alarm(0);
}

/* n beyond every allocation: the call succeeds with the fault-free answer. */
static void beyond_run(case_id c, const ref_t *R, int frank) {
  int64_t n = R->Kmax + R->Nmax + 1000;
  char f[64];
  snprintf(f, sizeof f, "%d:%lld", frank, (long long)n);
  watch(case_name[c], frank, n);
  dlops_ctx ctx = make_ctx(f);
  setup_t S;
  T_REQUIRE(setup(ctx, c, &S));
  outcome o;
  int e = call(c, &S, &o);
  T_CHECK(e == DLOPS_SUCCESS, "%s, fault %s (beyond the count): %s", case_name[c], f, dlops_last_error());
  if (c == C_CGLS || c == C_CGLS_BLOCKING) {
    double g[NG];
    T_CALL(dlops_darray_gather(S.x, g, -1));
    T_CHECK(memcmp(g, R->x1, sizeof g) == 0 && o.iters == R->o.iters, "%s, fault %s: solution differs",
            case_name[c], f);
  } else {
    T_CHECK(o.passed == R->o.passed && o.relerr == R->o.relerr, "%s, fault %s: dot test differs (%d %g vs %d %g)",
            case_name[c], f, o.passed, o.relerr, R->o.passed, R->o.relerr);
  }
  teardown(&S);
  T_CALL(dlops_ctx_destroy(&ctx));
  alarm(0);
}

static void malformed(void) {
  static const char *bad[] = {"x:1", "1", "1:0", "1:2x", "-1:3", ":4", "0:", "0:1:2", " 0:1"};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    for (int one = 0; one < 2; one++) {
      /* one = 1: only the last rank has the malformed value, the others a valid one */
      const char *v = (!one || rank_ == size_ - 1) ? bad[k] : "0:100000";
      watch("dlops_ctx_create(malformed)", -1, (int64_t)k);
      setenv("DLOPS_FAULT_ALLOC", v, 1);
      dlops_ctx c = NULL;
      int e = dlops_ctx_create(MPI_COMM_WORLD, NULL, &c);
      unsetenv("DLOPS_FAULT_ALLOC");
      int lo, hi;
      int same = agreed_code(e, &lo, &hi);
      T_CHECK(same && lo == DLOPS_ERR_ARG && c == NULL,
              "DLOPS_FAULT_ALLOC=\"%s\"%s: dlops_ctx_create returned %d .. %d (here %d: %s), expected DLOPS_ERR_ARG",
              bad[k], one ? " on the last rank only" : "", lo, hi, e, dlops_last_error());
      if (c) dlops_ctx_destroy(&c);
      alarm(0);
    }
  }
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  signal(SIGALRM, on_alarm);
  malformed();
  for (int c = 0; c < NCASES; c++) {
    ref_t R;
    reference((case_id)c, &R);
    int franks[2] = {size_ - 1, 0};
    for (int k = 0; k < (size_ > 1 ? 2 : 1); k++) {
      /* the failing rank's own counts: n = 1..K fails the set-up, K+1..K+N the call */
      int64_t v[2] = {R.K, R.N};
      MPI_Bcast(v, 2, MPI_INT64_T, franks[k], MPI_COMM_WORLD);
      long before = ncall;
      for (int64_t n = 1; n <= v[0] + v[1]; n++) faulty_run((case_id)c, &R, franks[k], v[0], n);
      T_CHECK(ncall - before == v[1], "%s, failing rank %d: %ld faults hit the call, it makes %lld allocations there",
              case_name[c], franks[k], ncall - before, (long long)v[1]);
      beyond_run((case_id)c, &R, franks[k]);
      if (rank_ == 0)
        printf("%s: failing rank %d: %lld set-up and %lld call allocation points swept\n", case_name[c], franks[k],
               (long long)v[0], (long long)v[1]);
    }
  }
  if (rank_ == 0) printf("fault points in calls: %ld (set-up: %ld)\n", ncall, nsetup);
  return dlops_test_finish(ctx);
}
