/* Solver checkpoints (opts.checkpoint_every / checkpoint_prefix / restart): a resumed solve gives
 * bitwise the iterates, iteration count, cost history and result of an uninterrupted one.
 *
 * Modes (argv[1]):
 *   inproc              every case: run 1 checkpoints every K iterations and is stopped by its
 *                       monitor at iteration J; run 2 resumes (restart = 1) to the end; both
 *                       compared bit for bit with an uninterrupted run. Files go to a fresh
 *                       directory made by rank 0 in the working directory (removed at the end).
 *   kill CASE DIR       run 1 of CASE, and the last rank kills itself with SIGKILL at iteration J
 *                       (the job ends there: run by validation/solvers/checkpoint_kill.cmake)
 *   resume DIR CASE...  run 2 of each CASE from the checkpoints in DIR, compared with an
 *                       uninterrupted run; the resumed iteration must be the last checkpoint
 *                       before J.
 *   badinput            checkpoints that do not match the problem, corrupt or missing files and
 *                       bad options: the same code (and message) on every rank, x untouched.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, strdup, truncate */
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "solver_test_ops.h"

static dlops_ctx ctx;
static int rank_, nranks_;

enum { S_CG, S_CGLS, S_LSQR, S_ISTA, S_FISTA, S_PG, S_ADMM };
typedef struct {
  const char *name;
  int solver, variant;
  dlops_dtype t;
  int stacked;
} tcase;
static const tcase cases[] = {
    {"cg_blocking", S_CG, DLOPS_SOLVER_BLOCKING, DLOPS_F64, 0},
    {"cg_fused", S_CG, DLOPS_SOLVER_FUSED, DLOPS_F64, 0},
    {"cg_pipelined", S_CG, DLOPS_SOLVER_PIPELINED, DLOPS_F64, 0},
    {"cg_fused_c128", S_CG, DLOPS_SOLVER_FUSED, DLOPS_C128, 0},
    {"cg_stacked", S_CG, DLOPS_SOLVER_PIPELINED, DLOPS_F64, 1},
    {"cgls", S_CGLS, DLOPS_SOLVER_FUSED, DLOPS_F64, 0},
    {"cgls_blocking", S_CGLS, DLOPS_SOLVER_BLOCKING, DLOPS_F64, 0},
    {"lsqr", S_LSQR, DLOPS_SOLVER_FUSED, DLOPS_F64, 0},
    {"ista", S_ISTA, DLOPS_SOLVER_FUSED, DLOPS_F64, 0},
    {"fista", S_FISTA, DLOPS_SOLVER_FUSED, DLOPS_F64, 0},
    {"fista_blocking", S_FISTA, DLOPS_SOLVER_BLOCKING, DLOPS_F64, 0},
    {"pg", S_PG, DLOPS_SOLVER_FUSED, DLOPS_F64, 0},
    {"admm", S_ADMM, DLOPS_SOLVER_FUSED, DLOPS_F64, 0},
};
enum { NCASES = (int)(sizeof cases / sizeof cases[0]) };
static const int64_t N = 40, NITER = 24, EVERY = 4, STOP_AT = 10, RESUMED = 8; /* last checkpoint before STOP_AT */

static const tcase *find_case(const char *name) {
  for (int i = 0; i < NCASES; i++)
    if (!strcmp(cases[i].name, name)) return &cases[i];
  return NULL;
}

/* ------------------------------------------------------------------ problems */
typedef struct {
  dlops_op A, Areg;
  dlops_darray y, x0;
  dlops_prox pf, pg;
} prob;

static void prob_make(const tcase *c, int64_t n, dlops_dtype t, prob *p) {
  memset(p, 0, sizeof *p);
  if (c->solver == S_CG) {
    if (c->stacked) {
      dlops_op parts[2] = {make_tridiag(ctx, n, t), make_tridiag(ctx, n / 2 + 1, t)};
      p->A = make_stacked(2, parts);
      dlops_op_destroy(&parts[0]);
      dlops_op_destroy(&parts[1]);
    } else {
      p->A = make_tridiag(ctx, n, t);
    }
  } else {
    p->A = make_bidiag(ctx, n, t); /* R^n -> R^2n with its own split of the range */
  }
  T_REQUIRE(dlops_op_create_vecs(p->A, &p->x0, &p->y));
  T_REQUIRE(dlops_darray_fill_random(p->y, 7, -1.0, 1.0));
  T_REQUIRE(dlops_darray_fill_random(p->x0, 3, -0.2, 0.2));
  if (c->solver == S_PG) {
    T_REQUIRE(dlops_prox_create_l2(p->A, p->y, NULL, p->x0, NULL, &p->pf));
    T_REQUIRE(dlops_prox_create_l1(0.05, &p->pg));
  } else if (c->solver == S_ADMM) {
    p->Areg = make_tridiag(ctx, n, t);
    T_REQUIRE(dlops_prox_create_l1(0.05, &p->pg));
  }
}

static void prob_free(prob *p) {
  dlops_op_destroy(&p->A);
  dlops_op_destroy(&p->Areg);
  dlops_darray_destroy(&p->y);
  dlops_darray_destroy(&p->x0);
  dlops_prox_destroy(&p->pf);
  dlops_prox_destroy(&p->pg);
}

static void base_opts(const tcase *c, dlops_solver_opts *o, double *cost) {
  dlops_solver_opts_default(o);
  o->niter = NITER;
  o->variant = c->variant;
  o->cost = cost;
  o->tol = (c->solver == S_CG || c->solver == S_CGLS) ? 1e-300 : -1.0; /* run every iteration */
  o->atol = o->btol = 1e-300;
  o->damp = 0.1;
  o->eps = 0.1;
  o->tau = c->solver == S_PG ? 0.1 : 1.0;
  o->acceleration = DLOPS_ACCEL_FISTA;
  o->inner_niter = 4;
}

static int run_solver(const tcase *c, prob *p, const dlops_solver_opts *o, dlops_darray x, dlops_solver_result *r) {
  switch (c->solver) {
    case S_CG: return dlops_solve_cg(p->A, p->y, x, o, r);
    case S_CGLS: return dlops_solve_cgls(p->A, p->y, x, o, r);
    case S_LSQR: return dlops_solve_lsqr(p->A, p->y, x, o, r);
    case S_ISTA: return dlops_solve_ista(p->A, p->y, x, o, r);
    case S_FISTA: return dlops_solve_fista(p->A, p->y, x, o, r);
    case S_PG: return dlops_solve_proximal_gradient(p->pf, p->pg, x, o, r);
    default: return dlops_solve_admm_l2(p->pg, p->A, p->y, p->Areg, x, NULL, o, r);
  }
}

/* One solve from x0: the gathered solution (every rank), result and cost history. */
typedef struct {
  int err;
  dlops_solver_result r;
  double cost[64];
  unsigned char *x;
  size_t nbytes;
} outcome;

static void solve(const tcase *c, prob *p, dlops_solver_opts *o, outcome *out) {
  memset(out, 0, sizeof *out);
  for (int i = 0; i < 64; i++) out->cost[i] = -12345.0;
  o->cost = out->cost;
  dlops_darray x = NULL;
  T_REQUIRE(dlops_darray_duplicate(p->x0, &x));
  T_REQUIRE(dlops_darray_copy(p->x0, x));
  out->err = run_solver(c, p, o, x, &out->r);
  int64_t ng = 0;
  dlops_darray_get_global_size(x, &ng);
  out->nbytes = (size_t)ng * dlops_dtype_size(c->t);
  out->x = malloc(out->nbytes);
  T_REQUIRE(dlops_darray_gather(x, out->x, -1));
  dlops_darray_destroy(&x);
}

static void compare(const char *what, const outcome *a, const outcome *b) {
  T_CHECK(a->err == 0 && b->err == 0, "%s: solve failed (%d, %d): %s", what, a->err, b->err, dlops_last_error());
  T_CHECK(a->nbytes == b->nbytes && memcmp(a->x, b->x, a->nbytes) == 0, "%s: x differs from the uninterrupted run", what);
  T_CHECK(a->r.iterations == b->r.iterations, "%s: iterations %lld vs %lld", what, (long long)a->r.iterations,
          (long long)b->r.iterations);
  T_CHECK(a->r.reason == b->r.reason && a->r.istop == b->r.istop, "%s: reason %d/%d istop %d/%d", what, a->r.reason,
          b->r.reason, a->r.istop, b->r.istop);
  T_CHECK(a->r.ncost == b->r.ncost && memcmp(a->cost, b->cost, sizeof a->cost) == 0,
          "%s: cost history differs (ncost %lld vs %lld)", what, (long long)a->r.ncost, (long long)b->r.ncost);
  T_CHECK(memcmp(&a->r.r1norm, &b->r.r1norm, sizeof(double)) == 0 &&
              memcmp(&a->r.r2norm, &b->r.r2norm, sizeof(double)) == 0 &&
              memcmp(&a->r.cost, &b->r.cost, sizeof(double)) == 0,
          "%s: result norms differ (%.17g %.17g %.17g vs %.17g %.17g %.17g)", what, a->r.r1norm, a->r.r2norm,
          a->r.cost, b->r.r1norm, b->r.r2norm, b->r.cost);
}

/* ------------------------------------------------------------------ monitors */
typedef struct {
  int mode; /* 0 record, 1 stop at STOP_AT, 2 SIGKILL at STOP_AT */
  int64_t first; /* first iteration > 0 seen */
  const char *meta;
} mon;

static int monitor(void *u, const dlops_solver_iter *it) {
  mon *m = u;
  if (it->iter > 0 && m->first < 0) m->first = it->iter;
  if (it->iter != STOP_AT) return 0;
  if (m->mode == 1) return 1;
  if (m->mode == 2) {
    if (rank_ == 0) {
      struct stat st;
      printf("[ckpt-kill] iteration %lld, sidecar %s\n", (long long)it->iter, stat(m->meta, &st) == 0 ? "present" : "MISSING");
      fflush(stdout);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank_ == nranks_ - 1) raise(SIGKILL); /* no cleanup, no MPI_Finalize: the job dies here */
  }
  return 0;
}

static char *joinp(const char *dir, const char *name, const char *suffix) {
  size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
  char *s = malloc(n);
  snprintf(s, n, "%s/%s%s", dir, name, suffix);
  return s;
}

static int file_exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0;
}

/* Run 1: checkpoints every EVERY iterations, ended at STOP_AT (mode 1: by the monitor; 2: killed). */
static void run_first(const tcase *c, const char *dir, int mode) {
  prob p;
  prob_make(c, N, c->t, &p);
  dlops_solver_opts o;
  base_opts(c, &o, NULL);
  char *prefix = joinp(dir, c->name, ""), *meta = joinp(dir, c->name, ".meta");
  mon m = {mode, -1, meta};
  o.checkpoint_every = EVERY;
  o.checkpoint_prefix = prefix;
  o.monitor = monitor;
  o.monitor_user = &m;
  outcome out;
  solve(c, &p, &o, &out);
  T_CHECK(out.err == 0 && out.r.reason == DLOPS_STOPPED_BY_USER && out.r.iterations == STOP_AT,
          "%s: run 1 err %d reason %d iterations %lld", c->name, out.err, out.r.reason, (long long)out.r.iterations);
  free(out.x);
  free(prefix);
  free(meta);
  prob_free(&p);
}

/* Run 2 (resume) against the uninterrupted run. */
static void run_resume(const tcase *c, const char *dir) {
  prob p;
  prob_make(c, N, c->t, &p);
  dlops_solver_opts o;
  outcome ref, res;
  mon m0 = {0, -1, NULL}, m1 = {0, -1, NULL};
  base_opts(c, &o, NULL);
  o.monitor = monitor; /* the same reductions in both runs (the monitor's agreement) */
  o.monitor_user = &m0;
  solve(c, &p, &o, &ref);
  char *prefix = joinp(dir, c->name, "");
  base_opts(c, &o, NULL);
  o.monitor = monitor;
  o.monitor_user = &m1;
  o.checkpoint_every = EVERY;
  o.checkpoint_prefix = prefix;
  o.restart = 1;
  solve(c, &p, &o, &res);
  char what[96];
  snprintf(what, sizeof what, "%s resumed (NP %d)", c->name, nranks_);
  compare(what, &ref, &res);
  T_CHECK(m1.first == RESUMED + 1, "%s: resumed after iteration %lld, expected %lld", c->name,
          (long long)(m1.first - 1), (long long)RESUMED);
  /* the resumed run wrote later checkpoints and removed the older array files */
  if (rank_ == 0) {
    char it[64];
    snprintf(it, sizeof it, ".%lld.x.npy", (long long)RESUMED);
    char *old = joinp(dir, c->name, c->stacked ? ".8.x.0.npy" : it);
    snprintf(it, sizeof it, c->stacked ? ".%lld.x.0.npy" : ".%lld.x.npy", (long long)(NITER / EVERY - 1) * EVERY);
    char *last = joinp(dir, c->name, it);
    T_CHECK(!file_exists(old) && file_exists(last), "%s: checkpoint files: %s should be gone, %s present", c->name,
            old, last);
    free(old);
    free(last);
  }
  free(prefix);
  free(ref.x);
  free(res.x);
  prob_free(&p);
}

/* ------------------------------------------------------------------ scratch directory */
static char *make_dir(void) {
  char name[64] = "ckpt_test_XXXXXX";
  int ok = 1;
  if (rank_ == 0) ok = mkdtemp(name) != NULL;
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Bcast(name, sizeof name, MPI_CHAR, 0, MPI_COMM_WORLD);
  if (!ok) {
    if (rank_ == 0) fprintf(stderr, "cannot create a scratch directory here\n");
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  return strdup(name);
}

static void remove_dir(const char *dir) {
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank_ == 0) {
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      char *p = joinp(dir, e->d_name, "");
      remove(p);
      free(p);
    }
    if (d) closedir(d);
    rmdir(dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

/* ------------------------------------------------------------------ bad input */
static void copy_file_bytes(const char *path, long off, int flip, long truncate_to) {
  if (rank_ != 0) return;
  FILE *f = fopen(path, "r+b");
  if (!f) return;
  if (flip) {
    fseek(f, off, SEEK_SET);
    int ch = fgetc(f);
    fseek(f, off, SEEK_SET);
    fputc(ch ^ 0x01, f);
  }
  fclose(f);
  if (truncate_to >= 0) {
    if (truncate(path, truncate_to) != 0) perror("truncate");
  }
}

static void save_file(const char *src, const char *dst) {
  if (rank_ != 0) return;
  FILE *a = fopen(src, "rb"), *b = fopen(dst, "wb");
  char buf[4096];
  size_t k;
  while (a && b && (k = fread(buf, 1, sizeof buf, a)) > 0) fwrite(buf, 1, k, b);
  if (a) fclose(a);
  if (b) fclose(b);
}

/* Expect code on every rank with the same message, and x (holding x0) unchanged. */
static void expect_refused(const char *what, const tcase *c, prob *p, dlops_solver_opts *o, int code) {
  dlops_darray x = NULL;
  T_REQUIRE(dlops_darray_duplicate(p->x0, &x));
  T_REQUIRE(dlops_darray_copy(p->x0, x));
  int64_t ng = 0;
  dlops_darray_get_global_size(x, &ng);
  size_t nb = (size_t)ng * dlops_dtype_size(c->t);
  unsigned char *a = malloc(nb), *b = malloc(nb);
  T_REQUIRE(dlops_darray_gather(x, a, -1));
  if (rank_ == 0) printf("  %s\n", what);
  T_EXPECT_ALL(run_solver(c, p, o, x, NULL), code);
  if (rank_ == 0) printf("    -> %s\n", dlops_last_error());
  T_REQUIRE(dlops_darray_gather(x, b, -1));
  T_CHECK(memcmp(a, b, nb) == 0, "%s: x was modified by a failed call", what);
  free(a);
  free(b);
  dlops_darray_destroy(&x);
}

static void test_badinput(void) {
  char *dir = make_dir();
  const tcase *cg = find_case("cg_fused");
  run_first(cg, dir, 1); /* a valid checkpoint after iteration 8 */
  char *prefix = joinp(dir, cg->name, ""), *meta = joinp(dir, cg->name, ".meta"), *bak = joinp(dir, cg->name, ".bak");
  char *xfile = joinp(dir, cg->name, ".8.x.npy");
  save_file(meta, bak);
  MPI_Barrier(MPI_COMM_WORLD);
  prob p;
  prob_make(cg, N, cg->t, &p);
  dlops_solver_opts o;
#define RESET(cs)             \
  do {                        \
    base_opts((cs), &o, NULL); \
    o.checkpoint_prefix = prefix; \
    o.restart = 1;            \
  } while (0)
  /* another variant, another solver, another size, another element type, another damp */
  RESET(cg);
  o.variant = DLOPS_SOLVER_BLOCKING;
  expect_refused("CG blocking from a fused checkpoint", cg, &p, &o, DLOPS_ERR_ARG);
  {
    const tcase *cs = find_case("cgls");
    prob q;
    prob_make(cs, N, cs->t, &q);
    RESET(cs);
    expect_refused("CGLS from a CG checkpoint", cs, &q, &o, DLOPS_ERR_ARG);
    prob_free(&q);
  }
  {
    prob q;
    prob_make(cg, N + 1, cg->t, &q);
    RESET(cg);
    expect_refused("CG of another size", cg, &q, &o, DLOPS_ERR_ARG);
    prob_free(&q);
    tcase c32 = *cg;
    c32.t = DLOPS_F32;
    prob_make(&c32, N, DLOPS_F32, &q);
    RESET(cg);
    expect_refused("CG in f32 from an f64 checkpoint", &c32, &q, &o, DLOPS_ERR_ARG);
    prob_free(&q);
  }
  RESET(cg);
  o.niter = RESUMED - 1;
  expect_refused("a checkpoint beyond niter", cg, &p, &o, DLOPS_ERR_ARG);
  /* bad options */
  RESET(cg);
  o.restart = 3;
  expect_refused("restart = 3", cg, &p, &o, DLOPS_ERR_ARG);
  RESET(cg);
  o.restart = 0;
  o.checkpoint_every = -1;
  expect_refused("checkpoint_every < 0", cg, &p, &o, DLOPS_ERR_ARG);
  RESET(cg);
  o.checkpoint_prefix = NULL;
  expect_refused("restart without a prefix", cg, &p, &o, DLOPS_ERR_ARG);
  RESET(cg);
  o.restart = 0;
  o.checkpoint_every = 2;
  o.checkpoint_prefix = "/nonexistent-dir-dlops/ckpt";
  expect_refused("checkpoints into a missing directory", cg, &p, &o, DLOPS_ERR_IO);
  /* corrupt files */
  copy_file_bytes(meta, 40, 1, -1);
  MPI_Barrier(MPI_COMM_WORLD);
  RESET(cg);
  expect_refused("a sidecar with a flipped bit", cg, &p, &o, DLOPS_ERR_IO);
  save_file(bak, meta);
  MPI_Barrier(MPI_COMM_WORLD);
  struct stat st;
  long len = 0;
  if (rank_ == 0 && stat(meta, &st) == 0) len = (long)st.st_size;
  MPI_Bcast(&len, 1, MPI_LONG, 0, MPI_COMM_WORLD);
  copy_file_bytes(meta, 0, 0, len / 2);
  MPI_Barrier(MPI_COMM_WORLD);
  expect_refused("a truncated sidecar", cg, &p, &o, DLOPS_ERR_IO);
  save_file(bak, meta);
  MPI_Barrier(MPI_COMM_WORLD);
  /* an array file replaced by one of another shape, then missing */
  {
    dlops_darray w = NULL;
    int64_t n2 = N + 3;
    T_REQUIRE(dlops_darray_create(ctx, 1, &n2, 0, DLOPS_SCATTER, DLOPS_F64, &w));
    char *tmp = joinp(dir, cg->name, ".other.npy");
    T_REQUIRE(dlops_darray_write_npy(w, tmp));
    dlops_darray_destroy(&w);
    save_file(xfile, bak);
    save_file(tmp, xfile);
    MPI_Barrier(MPI_COMM_WORLD);
    expect_refused("an array file of another shape", cg, &p, &o, DLOPS_ERR_IO);
    if (rank_ == 0) remove(xfile);
    MPI_Barrier(MPI_COMM_WORLD);
    expect_refused("a missing array file", cg, &p, &o, DLOPS_ERR_IO);
    save_file(bak, xfile);
    free(tmp);
  }
  /* no sidecar: restart 1 fails, restart 2 starts afresh (= the uninterrupted run) */
  if (rank_ == 0) rename(meta, bak);
  MPI_Barrier(MPI_COMM_WORLD);
  expect_refused("restart = 1 without a checkpoint", cg, &p, &o, DLOPS_ERR_IO);
  {
    outcome ref, fresh;
    base_opts(cg, &o, NULL);
    solve(cg, &p, &o, &ref);
    RESET(cg);
    o.restart = 2;
    solve(cg, &p, &o, &fresh);
    compare("restart = 2 without a checkpoint", &ref, &fresh);
    free(ref.x);
    free(fresh.x);
  }
#undef RESET
  prob_free(&p);
  free(prefix);
  free(meta);
  free(bak);
  free(xfile);
  remove_dir(dir);
  free(dir);
}

int main(int argc, char **argv) {
  ctx = dlops_test_init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &nranks_);
  const char *mode = argc > 1 ? argv[1] : "inproc";
  if (!strcmp(mode, "kill") && argc == 4) {
    const tcase *c = find_case(argv[2]);
    T_REQUIRE(c ? 0 : DLOPS_ERR_ARG);
    run_first(c, argv[3], 2);
    if (rank_ == 0) printf("[ckpt-kill] NOT KILLED\n");
  } else if (!strcmp(mode, "resume") && argc >= 3) {
    for (int i = 3; i < argc; i++) {
      const tcase *c = find_case(argv[i]);
      T_CHECK(c != NULL, "unknown case %s", argv[i]);
      if (c) run_resume(c, argv[2]);
    }
  } else if (!strcmp(mode, "badinput")) {
    test_badinput();
  } else {
    char *dir = make_dir();
    for (int i = 0; i < NCASES; i++) {
      run_first(&cases[i], dir, 1);
      run_resume(&cases[i], dir);
    }
    remove_dir(dir);
    free(dir);
  }
  return dlops_test_finish(ctx);
}
