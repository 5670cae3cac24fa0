/* Parity of the dlops solvers with PyLops-MPI: reads the inputs and the PyLops-MPI results that
 * pylops_solvers.py wrote into DIR (argv[1]), runs the same solves with the BLOCKING variant on
 * the same block-diagonal operators (block k on the same rank as in PyLops-MPI's run for this
 * rank count) and compares solutions and cost histories. Also runs the FUSED variant and reports
 * its distance to PyLops-MPI. Tolerances (relative, norm-wise): CG/CGLS 1e-10 (iterates and cost
 * history after 50 iterations), ISTA/FISTA 1e-8 (PyLops-MPI's own test tolerance), proximal
 * gradient 1e-10, ADMM 1e-8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlops_test.h"

#define NB 4
static const int64_t NCOL[NB] = {40, 30, 35, 25}, NROW[NB] = {60, 45, 50, 40};
static dlops_ctx ctx;
static int rank_, nproc;
static const char *dir;

/* Minimal .npy reader (<f8, C order). Returns NULL when the file is missing or malformed. */
static double *load_npy(const char *name, int64_t *count) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.npy", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  unsigned char pre[10];
  double *data = NULL;
  if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) goto bad;
  size_t hl;
  if (pre[6] == 1) {
    hl = (size_t)pre[8] | ((size_t)pre[9] << 8);
  } else {
    unsigned char b2[2];
    if (fread(b2, 1, 2, f) != 2) goto bad;
    hl = (size_t)pre[8] | ((size_t)pre[9] << 8) | ((size_t)b2[0] << 16) | ((size_t)b2[1] << 24);
  }
  char *h = calloc(hl + 1, 1);
  if (fread(h, 1, hl, f) != hl || !strstr(h, "'<f8'") || strstr(h, "'fortran_order': True")) {
    free(h);
    goto bad;
  }
  char *s = strstr(h, "'shape': (");
  int64_t n = 1;
  if (s) {
    s += 10;
    while (*s && *s != ')') {
      long long v = strtoll(s, &s, 10);
      n *= v;
      while (*s == ',' || *s == ' ') s++;
    }
  }
  free(h);
  data = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
  if (fread(data, sizeof(double), (size_t)n, f) != (size_t)n) {
    free(data);
    goto bad;
  }
  fclose(f);
  *count = n;
  return data;
bad:
  fclose(f);
  return NULL;
}

static double *need(const char *name, int64_t *n) {
  int64_t k = 0;
  double *d = load_npy(name, &k);
  if (!d) {
    if (rank_ == 0) fprintf(stderr, "cannot read %s/%s.npy\n", dir, name);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  if (n) *n = k;
  return d;
}

/* ---- block-diagonal operator of dense blocks (row-major), this rank's blocks only ---- */
typedef struct {
  int nb;
  double *blk[NB];
  int64_t r[NB], c[NB];
} bdiag;

static int bd_apply_(void *u, dlops_darray in, dlops_darray out, int adj) {
  bdiag *B = u;
  double *pi, *po;
  dlops_darray_get_local(in, DLOPS_MEM_HOST, (void **)&pi);
  dlops_darray_get_local(out, DLOPS_MEM_HOST, (void **)&po);
  int64_t oi = 0, oo = 0;
  for (int k = 0; k < B->nb; k++) {
    int64_t m = B->r[k], n = B->c[k];
    const double *A = B->blk[k];
    if (!adj) {
      for (int64_t i = 0; i < m; i++) {
        double s = 0;
        for (int64_t j = 0; j < n; j++) s += A[i * n + j] * pi[oi + j];
        po[oo + i] = s;
      }
      oi += n, oo += m;
    } else {
      for (int64_t j = 0; j < n; j++) po[oo + j] = 0;
      for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) po[oo + j] += A[i * n + j] * pi[oi + i];
      oi += m, oo += n;
    }
  }
  dlops_darray_restore_local(in, (void **)&pi);
  dlops_darray_restore_local(out, (void **)&po);
  return 0;
}
static int bd_fwd(void *u, dlops_darray i, dlops_darray o) { return bd_apply_(u, i, o, 0); }
static int bd_adj(void *u, dlops_darray i, dlops_darray o) { return bd_apply_(u, i, o, 1); }
static void bd_free(void *u) {
  bdiag *B = u;
  for (int k = 0; k < B->nb; k++) free(B->blk[k]);
  free(B);
}

static int mine(int k) { return (k * nproc) / NB == rank_; }

/* kind: 'M' (rectangular), 'S' (SPD), 'I' (identity) */
static dlops_op make_op(char kind) {
  bdiag *B = calloc(1, sizeof *B);
  int64_t nl = 0, ml = 0, n = 0, m = 0;
  for (int k = 0; k < NB; k++) {
    int64_t r = kind == 'M' ? NROW[k] : NCOL[k];
    n += NCOL[k], m += r;
    if (!mine(k)) continue;
    char name[8];
    snprintf(name, sizeof name, "%c%d", kind == 'I' ? 'S' : kind, k);
    B->blk[B->nb] = need(name, NULL);
    if (kind == 'I')
      for (int64_t i = 0; i < r * r; i++) B->blk[B->nb][i] = (i / r == i % r);
    B->r[B->nb] = r;
    B->c[B->nb] = NCOL[k];
    B->nb++;
    nl += NCOL[k], ml += r;
  }
  dlops_darray d = NULL, g = NULL;
  T_REQUIRE(dlops_darray_create_ext(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, nl, -1, dlops_test_mem, &d));
  T_REQUIRE(dlops_darray_create_ext(ctx, 1, &m, 0, DLOPS_SCATTER, DLOPS_F64, ml, -1, dlops_test_mem, &g));
  dlops_op A = NULL;
  T_REQUIRE(dlops_op_create_user(d, g, bd_fwd, bd_adj, B, bd_free, &A));
  dlops_darray_destroy(&d), dlops_darray_destroy(&g);
  return A;
}

static double rel(const double *a, const double *b, int64_t n) {
  double num = 0, den = 0;
  for (int64_t i = 0; i < n; i++) num += (a[i] - b[i]) * (a[i] - b[i]), den += b[i] * b[i];
  return sqrt(num) / (sqrt(den) + 1e-300);
}

static double report[64];
static const char *rname[64];
static int nrep = 0;

/* compare the gathered x and an optional cost history with the expected files */
static void compare(const char *what, dlops_darray x, const double *cost, int64_t ncost, const char *xfile,
                    const char *costfile, double tol) {
  int64_t n, nc = 0;
  double *ex = need(xfile, &n), *ec = costfile ? need(costfile, &nc) : NULL;
  double *xg = malloc(sizeof(double) * (size_t)n);
  T_CALL(dlops_darray_gather(x, xg, -1));
  double e = rel(xg, ex, n), ecost = 0;
  if (ec) {
    T_CHECK(ncost == nc, "%s: %lld cost entries, PyLops-MPI has %lld", what, (long long)ncost, (long long)nc);
    ecost = rel(cost, ec, nc < ncost ? nc : ncost);
  }
  T_CHECK(e <= tol && ecost <= tol, "%s: x differs from PyLops-MPI by %.3g, cost history by %.3g (tol %g)", what, e, ecost,
          tol);
  if (nrep < 64) {
    rname[nrep] = what;
    report[nrep++] = e > ecost ? e : ecost;
  }
  free(ex), free(ec), free(xg);
}

static dlops_darray vec_from(dlops_op A, int domain, const char *file) {
  dlops_darray v = NULL;
  T_REQUIRE(domain ? dlops_op_create_vecs(A, &v, NULL) : dlops_op_create_vecs(A, NULL, &v));
  if (file) {
    double *g = need(file, NULL);
    T_REQUIRE(dlops_darray_scatter(v, g, -1));
    free(g);
  }
  return v;
}

int main(int argc, char **argv) {
  ctx = dlops_test_init(&argc, &argv);
  dlops_ctx_get_rank(ctx, &rank_);
  dlops_ctx_get_size(ctx, &nproc);
  if (argc < 2) {
    if (rank_ == 0) fprintf(stderr, "usage: test_parity_solvers DIR\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  dir = argv[1];
  int64_t k0;
  double *probe = load_npy("cg_x", &k0);
  int have = probe != NULL;
  free(probe);
  MPI_Allreduce(MPI_IN_PLACE, &have, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!have) dlops_test_skip(ctx, "no PyLops-MPI results in the directory (pylops_solvers.py did not run)");
  if (nproc > NB) dlops_test_skip(ctx, "the parity operators have 4 blocks: at most 4 ranks");

  dlops_op Mop = make_op('M'), Sop = make_op('S'), Iop = make_op('I');
  dlops_darray y = vec_from(Mop, 0, "y"), ys = vec_from(Sop, 0, "ys"), x0 = vec_from(Mop, 1, "x0");
  dlops_darray x = vec_from(Mop, 1, NULL), z = vec_from(Iop, 0, NULL);
  double cost[64];
  static const char *kinds[3] = {"soft", "hard", "half"};
  for (int v = 0; v < 2; v++) {
    const double t = 1.0; /* the fused variants must match to the same tolerance */
    dlops_solver_opts o;
    dlops_solver_result r;
    /* CG */
    dlops_solver_opts_default(&o);
    o.variant = v, o.niter = 50, o.tol = 0, o.cost = cost;
    T_CALL(dlops_darray_copy(x0, x));
    T_CALL(dlops_solve_cg(Sop, ys, x, &o, &r));
    compare(v ? "cg fused" : "cg", x, cost, r.ncost, "cg_x", "cg_cost", 1e-10 * t);
    o.variant = v ? DLOPS_SOLVER_PIPELINED : v;
    if (v) {
      T_CALL(dlops_darray_copy(x0, x));
      T_CALL(dlops_solve_cg(Sop, ys, x, &o, &r));
      compare("cg pipelined", x, cost, r.ncost, "cg_x", "cg_cost", 1e-8);
    }
    /* CGLS, damp 0.3 from x0 != 0 (PyLops' damp quirk in the setup; the fused variant differs there) */
    dlops_solver_opts_default(&o);
    o.variant = v, o.niter = 50, o.tol = 0, o.damp = 0.3, o.cost = cost;
    T_CALL(dlops_darray_copy(x0, x));
    T_CALL(dlops_solve_cgls(Mop, y, x, &o, &r));
    if (v == 0) {
      compare("cgls", x, cost, r.ncost, "cgls_x", "cgls_cost", 1e-10);
      double *er = need("cgls_r", NULL);
      T_CHECK(fabs(r.r1norm - er[0]) <= 1e-8 * fabs(er[0]) + 1e-30 && fabs(r.r2norm - er[1]) <= 1e-10 * er[1],
              "cgls r1norm/r2norm %g %g vs PyLops-MPI %g %g", r.r1norm, r.r2norm, er[0], er[1]);
      free(er);
    } else {
      o.pylops_quirks = 0;
      o.variant = DLOPS_SOLVER_BLOCKING;
      dlops_darray xb = vec_from(Mop, 1, NULL);
      double costb[64];
      o.cost = costb;
      T_CALL(dlops_darray_copy(x0, xb));
      T_CALL(dlops_solve_cgls(Mop, y, xb, &o, NULL));
      double a[200], b[200];
      T_CALL(dlops_darray_gather(x, a, -1));
      T_CALL(dlops_darray_gather(xb, b, -1));
      T_CHECK(rel(a, b, 130) < 1e-10 && rel(cost, costb, 51) < 1e-10,
              "cgls fused vs blocking without the quirk: x %g, cost %g", rel(a, b, 130), rel(cost, costb, 51));
      if (nrep < 64) rname[nrep] = "cgls fused (vs blocking, damp^2 setup)", report[nrep++] = rel(a, b, 130);
      dlops_darray_destroy(&xb);
    }
    /* ISTA / FISTA, three thresholds */
    for (int f = 0; f < 2; f++)
      for (int k = 0; k < 3; k++) {
        char xn[32], cn[32];
        static char names[2][2][3][32];
        snprintf(xn, sizeof xn, "%s_%s_x", f ? "fista" : "ista", kinds[k]);
        snprintf(cn, sizeof cn, "%s_%s_cost", f ? "fista" : "ista", kinds[k]);
        snprintf(names[v][f][k], 32, "%s %s%s", f ? "fista" : "ista", kinds[k], v ? " fused" : "");
        dlops_solver_opts_default(&o);
        o.variant = v, o.niter = 50, o.tol = 0, o.eps = 0.5, o.alpha = 0.005, o.threshkind = k, o.cost = cost;
        T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
        T_CALL(f ? dlops_solve_fista(Mop, y, x, &o, &r) : dlops_solve_ista(Mop, y, x, &o, &r));
        compare(names[v][f][k], x, cost, r.ncost, xn, cn, 1e-8);
      }
    /* proximal gradient: MPIL2(Op, y) + L1(0.5), FISTA acceleration */
    dlops_prox pf = NULL, pg = NULL;
    dlops_darray zero = vec_from(Mop, 1, NULL);
    T_CALL(dlops_prox_create_l2(Mop, y, NULL, zero, NULL, &pf));
    T_CALL(dlops_prox_create_l1(0.5, &pg));
    dlops_solver_opts_default(&o);
    o.variant = v, o.niter = 50, o.tau = 0.005, o.acceleration = DLOPS_ACCEL_FISTA;
    T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
    T_CALL(dlops_solve_proximal_gradient(pf, pg, x, &o, &r));
    compare(v ? "proximal gradient fused" : "proximal gradient", x, NULL, 0, "pg_x", NULL, 1e-10);
    /* ADMM-L2 with A = I, inner CGLS of 5 iterations */
    dlops_solver_opts_default(&o);
    o.variant = v, o.niter = 10, o.tau = 1.0, o.inner_niter = 5;
    T_CALL(dlops_darray_fill(x, (dlops_scalar){0, 0}));
    T_CALL(dlops_solve_admm_l2(pg, Mop, y, Iop, x, z, &o, &r));
    compare(v ? "admm x fused" : "admm x", x, NULL, 0, "admm_x", NULL, 1e-8);
    compare(v ? "admm z fused" : "admm z", z, NULL, 0, "admm_z", NULL, 1e-8);
    dlops_prox_destroy(&pf), dlops_prox_destroy(&pg);
    dlops_darray_destroy(&zero);
  }
  /* the same runs on the library's own operators: blockdiag of dense matrices (MPIBlockDiag of
   * MatrixMult), the local matrices on one-rank contexts */
  {
    dlops_ctx self = NULL;
    self = dlops_test_self_ctx(ctx);
    dlops_op loc[2][NB], Mb = NULL, Sb = NULL;
    int nl = 0;
    for (int k = 0; k < NB; k++) {
      if (!mine(k)) continue;
      char nm[8];
      snprintf(nm, sizeof nm, "M%d", k);
      double *a = need(nm, NULL);
      T_REQUIRE(dlops_op_create_matrix(self, NROW[k], NCOL[k], DLOPS_F64, a, &loc[0][nl]));
      free(a);
      snprintf(nm, sizeof nm, "S%d", k);
      a = need(nm, NULL);
      T_REQUIRE(dlops_op_create_matrix(self, NCOL[k], NCOL[k], DLOPS_F64, a, &loc[1][nl]));
      free(a);
      nl++;
    }
    T_REQUIRE(dlops_op_create_blockdiag(ctx, nl, loc[0], -1, &Mb));
    T_REQUIRE(dlops_op_create_blockdiag(ctx, nl, loc[1], -1, &Sb));
    for (int k = 0; k < nl; k++) dlops_op_destroy(&loc[0][k]), dlops_op_destroy(&loc[1][k]);
    dlops_darray yb = vec_from(Mb, 0, "y"), ysb = vec_from(Sb, 0, "ys"), x0b = vec_from(Mb, 1, "x0"), xb = vec_from(Mb, 1, NULL);
    dlops_solver_opts o;
    dlops_solver_result r;
    dlops_solver_opts_default(&o);
    o.variant = DLOPS_SOLVER_BLOCKING, o.niter = 50, o.tol = 0, o.cost = cost;
    T_CALL(dlops_darray_copy(x0b, xb));
    T_CALL(dlops_solve_cg(Sb, ysb, xb, &o, &r));
    compare("cg (blockdiag of matrix)", xb, cost, r.ncost, "cg_x", "cg_cost", 1e-10);
    o.damp = 0.3;
    T_CALL(dlops_darray_copy(x0b, xb));
    T_CALL(dlops_solve_cgls(Mb, yb, xb, &o, &r));
    compare("cgls (blockdiag of matrix)", xb, cost, r.ncost, "cgls_x", "cgls_cost", 1e-10);
    dlops_solver_opts_default(&o);
    o.variant = DLOPS_SOLVER_BLOCKING, o.niter = 50, o.tol = 0, o.eps = 0.5, o.alpha = 0.005, o.cost = cost;
    T_CALL(dlops_darray_fill(xb, (dlops_scalar){0, 0}));
    T_CALL(dlops_solve_fista(Mb, yb, xb, &o, &r));
    compare("fista soft (blockdiag of matrix)", xb, cost, r.ncost, "fista_soft_x", "fista_soft_cost", 1e-8);
    dlops_darray_destroy(&yb), dlops_darray_destroy(&ysb), dlops_darray_destroy(&x0b), dlops_darray_destroy(&xb);
    dlops_op_destroy(&Mb), dlops_op_destroy(&Sb);
    dlops_ctx_destroy(&self);
  }
  if (rank_ == 0) {
    printf("relative difference to PyLops-MPI (max of x and cost history) on %d ranks:\n", nproc);
    for (int i = 0; i < nrep; i++) printf("  %-40s %.3e\n", rname[i], report[i]);
  }
  dlops_darray_destroy(&y), dlops_darray_destroy(&ys), dlops_darray_destroy(&x0), dlops_darray_destroy(&x);
  dlops_darray_destroy(&z);
  dlops_op_destroy(&Mop), dlops_op_destroy(&Sop), dlops_op_destroy(&Iop);
  return dlops_test_finish(ctx);
}
