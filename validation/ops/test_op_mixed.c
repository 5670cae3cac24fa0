/* Operators with different domain and range element types (labels ops, dottest), on a user
 * operator M: f64 -> c128 (and f32 -> c64), y_i = w_i x_i with complex weights w_i, whose adjoint
 * for the real inner product is x_i = Re(conj(w_i) y_i):
 *   - queries: dlops_op_get_dtypes gives (f64, c128), dlops_op_get_dtype the compute type c128;
 *   - apply refuses vectors of the other type, on the domain and on the range side;
 *   - the dot test compares real parts and passes (and a deliberately wrong adjoint fails it);
 *   - algebra: M^H M (product of the adjoint and M: f64 -> f64, computing in c128) equals
 *     |w_i|^2 x_i; M * M, M + D (D real diagonal) and a complex factor are refused with
 *     DLOPS_ERR_ARG; a real factor and M + M work; a power of M is refused;
 *   - distribution: BlockDiag and VStack of local mixed operators (the VStack adjoint sums real
 *     model-size vectors: checked against the serial sum), dot tests;
 *   - CGLS and LSQR solve M x = y for a real x from complex data.
 * Runs at NP 1-4 and on the emulated device (the user operator works in any space). */
#include "ops_test_util.h"

static int rank_, size_;

typedef struct {
  int wrong; /* 1: a deliberately wrong adjoint (drops the imaginary part of w) */
} mx_user;

/* weight of global element g */
static zval weight(int64_t g) { return (1.0 + 0.1 * (double)(g % 7)) + I * (0.5 - 0.05 * (double)(g % 5)); }

static int mx_apply(void *user, dlops_darray in, dlops_darray out, int adj) {
  mx_user *u = user;
  dlops_dtype ti, to;
  int64_t n, m, off = 0;
  if (dlops_darray_get_dtype(in, &ti) || dlops_darray_get_dtype(out, &to) || dlops_darray_get_local_size(in, &n) ||
      dlops_darray_get_local_size(out, &m) || n != m)
    return 1;
  dlops_darray_get_offset(in, &off);
  void *pi = NULL, *po = NULL;
  if (dlops_darray_get_local(in, DLOPS_MEM_HOST, &pi) || dlops_darray_get_local(out, DLOPS_MEM_HOST, &po)) return 2;
  for (int64_t i = 0; i < n; i++) {
    zval w = weight(off + i);
    if (adj && u->wrong) w = creal(w);
    zval v = adj ? conj(w) * zget(pi, ti, i) : w * zget(pi, ti, i);
    zset(po, to, i, adj ? creal(v) : v);
  }
  dlops_darray_restore_local(in, &pi);
  dlops_darray_restore_local(out, &po);
  return 0;
}
static int mx_fwd(void *u, dlops_darray in, dlops_darray out) { return mx_apply(u, in, out, 0); }
static int mx_adj(void *u, dlops_darray in, dlops_darray out) { return mx_apply(u, in, out, 1); }

static mx_user good = {0}, bad = {1};

static dlops_op make_mixed(dlops_ctx ctx, int64_t n, dlops_dtype tr, dlops_dtype tc, mx_user *u) {
  dlops_darray d = NULL, r = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, tr, &d));
  T_REQUIRE(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, tc, &r));
  dlops_op A = NULL;
  T_REQUIRE(dlops_op_create_user(d, r, mx_fwd, mx_adj, u, NULL, &A));
  dlops_darray_destroy(&d);
  dlops_darray_destroy(&r);
  return A;
}

static void test_queries_and_apply(dlops_ctx ctx) {
  const int64_t n = 23;
  dlops_op A = make_mixed(ctx, n, DLOPS_F64, DLOPS_C128, &good);
  dlops_dtype td = DLOPS_F32, tr = DLOPS_F32, tc = DLOPS_F32;
  T_CALL(dlops_op_get_dtypes(A, &td, &tr));
  T_CALL(dlops_op_get_dtype(A, &tc));
  T_CHECK(td == DLOPS_F64 && tr == DLOPS_C128 && tc == DLOPS_C128, "dtypes (%d, %d), compute %d", td, tr, tc);
  T_EXPECT_ERR(dlops_op_get_dtypes(A, NULL, &tr), DLOPS_ERR_ARG);
  dlops_darray x = NULL, y = NULL, xc = NULL, yr = NULL;
  T_CALL(dlops_op_create_vecs(A, &x, &y));
  T_CALL(dlops_darray_get_dtype(x, &td));
  T_CALL(dlops_darray_get_dtype(y, &tr));
  T_CHECK(td == DLOPS_F64 && tr == DLOPS_C128, "create_vecs gave (%d, %d)", td, tr);
  T_CALL(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_C128, &xc));
  T_CALL(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &yr));
  T_EXPECT_ERR(dlops_op_apply(A, xc, y), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_apply(A, x, yr), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_apply_adjoint(A, yr, x), DLOPS_ERR_ARG);
  /* forward and adjoint values */
  T_CALL(dlops_darray_fill_random(x, 7, -1.0, 1.0));
  T_CALL(dlops_op_apply(A, x, y));
  T_CALL(dlops_op_apply_adjoint(A, y, x));
  double *g = malloc(sizeof(double) * (size_t)n), *g2 = malloc(sizeof(double) * (size_t)n);
  double complex *gy = malloc(sizeof(double complex) * (size_t)n);
  dlops_darray x0 = NULL;
  T_CALL(dlops_darray_duplicate(x, &x0));
  T_CALL(dlops_darray_fill_random(x0, 7, -1.0, 1.0));
  T_CALL(dlops_darray_gather(x0, g, -1));
  T_CALL(dlops_op_apply(A, x0, y));
  T_CALL(dlops_darray_gather(y, gy, -1));
  T_CALL(dlops_darray_gather(x, g2, -1));
  double e1 = 0, e2 = 0;
  for (int64_t i = 0; i < n; i++) {
    zval w = weight(i);
    e1 = fmax(e1, cabs(gy[i] - w * g[i]));
    e2 = fmax(e2, fabs(g2[i] - creal(conj(w) * w) * g[i]));
  }
  T_CHECK(e1 < 1e-14 && e2 < 1e-13, "mixed apply: forward error %g, adjoint error %g", e1, e2);
  free(g);
  free(g2);
  free(gy);
  dlops_darray_destroy(&x0);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_darray_destroy(&xc);
  dlops_darray_destroy(&yr);
  dlops_op_destroy(&A);
}

static void dot(dlops_op A, double tol, int expect, const char *what) {
  int ok = -1;
  double rel = -1;
  T_CALL(dlops_op_dottest(A, tol, 11, &ok, &rel));
  T_CHECK(ok == expect, "dot test of %s: passed=%d (want %d), relative error %g", what, ok, expect, rel);
}

static void test_dottest(dlops_ctx ctx) {
  const dlops_dtype pr[2][2] = {{DLOPS_F64, DLOPS_C128}, {DLOPS_F32, DLOPS_C64}};
  for (int k = 0; k < 2; k++) {
    dlops_op A = make_mixed(ctx, 31, pr[k][0], pr[k][1], &good);
    dot(A, dot_tol(pr[k][0]), 1, "the mixed operator");
    dlops_op B = make_mixed(ctx, 31, pr[k][0], pr[k][1], &bad);
    dot(B, dot_tol(pr[k][0]), 0, "a wrong adjoint");
    dlops_op_destroy(&A);
    dlops_op_destroy(&B);
  }
}

static void test_algebra(dlops_ctx ctx) {
  const int64_t n = 17;
  dlops_op A = make_mixed(ctx, n, DLOPS_F64, DLOPS_C128, &good);
  dlops_op H = NULL, N = NULL, C = NULL;
  T_CALL(dlops_op_create_adjoint(A, &H));
  dlops_dtype td, tr, tc;
  T_CALL(dlops_op_get_dtypes(H, &td, &tr));
  T_CHECK(td == DLOPS_C128 && tr == DLOPS_F64, "adjoint maps (%d -> %d)", td, tr);
  T_CALL(dlops_op_create_product(H, A, &N));
  T_CALL(dlops_op_get_dtypes(N, &td, &tr));
  T_CALL(dlops_op_get_dtype(N, &tc));
  T_CHECK(td == DLOPS_F64 && tr == DLOPS_F64 && tc == DLOPS_C128, "M^H M: (%d -> %d), compute %d", td, tr, tc);
  dot(N, 1e-12, 1, "M^H M");
  /* M^H M x = |w|^2 x */
  dlops_darray x = NULL, y = NULL;
  T_CALL(dlops_op_create_vecs(N, &x, &y));
  T_CALL(dlops_darray_fill_random(x, 3, -1.0, 1.0));
  T_CALL(dlops_op_apply(N, x, y));
  double *gx = malloc(sizeof(double) * (size_t)n), *gy = malloc(sizeof(double) * (size_t)n);
  T_CALL(dlops_darray_gather(x, gx, -1));
  T_CALL(dlops_darray_gather(y, gy, -1));
  double e = 0;
  for (int64_t i = 0; i < n; i++) e = fmax(e, fabs(gy[i] - pow(cabs(weight(i)), 2) * gx[i]));
  T_CHECK(e < 1e-13, "M^H M x: error %g", e);
  free(gx);
  free(gy);
  /* refused: types that do not meet */
  T_EXPECT_ERR(dlops_op_create_product(A, A, &C), DLOPS_ERR_ARG);
  T_CHECK(C == NULL, "a refused product wrote its output");
  double *dv = malloc(sizeof(double) * (size_t)n);
  for (int64_t i = 0; i < n; i++) dv[i] = 1.0 + (double)i;
  dlops_op D = NULL;
  int64_t nl = 0;
  T_CALL(dlops_darray_get_local_size(x, &nl));
  int64_t off = 0;
  T_CALL(dlops_darray_get_offset(x, &off));
  T_CALL(dlops_op_create_diagonal(ctx, n, DLOPS_F64, dv + off, &D));
  T_EXPECT_ERR(dlops_op_create_sum(A, D, &C), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_scaled(A, (dlops_scalar){1.0, 2.0}, &C), DLOPS_ERR_ARG);
  /* accepted: a real factor, M + M, and a product with a real operator on the domain side */
  T_CALL(dlops_op_create_scaled(A, (dlops_scalar){2.0, 0.0}, &C));
  dot(C, 1e-12, 1, "2 M");
  dlops_op_destroy(&C);
  T_CALL(dlops_op_create_sum(A, A, &C));
  dot(C, 1e-12, 1, "M + M");
  dlops_op_destroy(&C);
  T_CALL(dlops_op_create_product(A, D, &C));
  dot(C, 1e-12, 1, "M D");
  dlops_op_destroy(&C);
  free(dv);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&D);
  dlops_op_destroy(&N);
  dlops_op_destroy(&H);
  dlops_op_destroy(&A);
}

/* M M^H maps c128 to c128 through a real vector: linear over the reals only (its imaginary
 * parts do not scale with i), so its dot test compares real parts and a complex factor, which
 * would make the adjoint wrong, is refused; BlockDiag and VStack keep that. */
static void test_real_linear_composite(dlops_ctx ctx) {
  dlops_op M = make_mixed(ctx, 13, DLOPS_F64, DLOPS_C128, &good), H = NULL, P = NULL, C = NULL;
  T_CALL(dlops_op_create_adjoint(M, &H));
  T_CALL(dlops_op_create_product(M, H, &P));
  dlops_dtype td = DLOPS_F32, tr = DLOPS_F32;
  T_CALL(dlops_op_get_dtypes(P, &td, &tr));
  T_CHECK(td == DLOPS_C128 && tr == DLOPS_C128, "M M^H: (%d -> %d)", td, tr);
  dot(P, 1e-12, 1, "M M^H (real parts)");
  T_EXPECT_ERR(dlops_op_create_scaled(P, (dlops_scalar){0.0, 1.0}, &C), DLOPS_ERR_ARG);
  T_CHECK(C == NULL, "a refused scaled wrote its output");
  T_CALL(dlops_op_create_scaled(P, (dlops_scalar){2.0, 0.0}, &C));
  dot(C, 1e-12, 1, "2 M M^H");
  dlops_op_destroy(&C);
  T_CALL(dlops_op_create_sum(P, P, &C)); /* a sum of real-linear operators stays one */
  dlops_op D = NULL;
  T_EXPECT_ERR(dlops_op_create_scaled(C, (dlops_scalar){1.0, 1.0}, &D), DLOPS_ERR_ARG);
  T_CHECK(D == NULL, "a refused scaled wrote its output");
  dlops_op_destroy(&C);
  /* distributed: a BlockDiag of such local operators */
  dlops_ctx self = dlops_test_self_ctx(ctx);
  dlops_op L = make_mixed(self, 4 + rank_, DLOPS_F64, DLOPS_C128, &good), LH = NULL, LP = NULL, B = NULL;
  T_CALL(dlops_op_create_adjoint(L, &LH));
  T_CALL(dlops_op_create_product(L, LH, &LP));
  T_CALL(dlops_op_create_blockdiag(ctx, 1, &LP, -1, &B));
  dot(B, 1e-12, 1, "blockdiag of L L^H");
  T_EXPECT_ERR(dlops_op_create_scaled(B, (dlops_scalar){0.0, 1.0}, &C), DLOPS_ERR_ARG);
  dlops_op_destroy(&B);
  dlops_op_destroy(&LP);
  dlops_op_destroy(&LH);
  dlops_op_destroy(&L);
  dlops_ctx_destroy(&self);
  dlops_op_destroy(&P);
  dlops_op_destroy(&H);
  dlops_op_destroy(&M);
}

static void test_power_refused(dlops_ctx ctx) {
  /* a square mixed operator (same layouts, different types) has no power */
  dlops_op A = make_mixed(ctx, 9, DLOPS_F64, DLOPS_C128, &good), C = NULL;
  T_EXPECT_ERR(dlops_op_create_power(A, 2, &C), DLOPS_ERR_ARG);
  T_CHECK(C == NULL, "a refused power wrote its output");
  dlops_op_destroy(&A);
}

static void test_distributed(dlops_ctx ctx) {
  dlops_ctx self = dlops_test_self_ctx(ctx);
  const int64_t nl = 5 + rank_;
  dlops_op L = make_mixed(self, nl, DLOPS_F64, DLOPS_C128, &good), B = NULL, V = NULL;
  T_CALL(dlops_op_create_blockdiag(ctx, 1, &L, -1, &B));
  dlops_dtype td = DLOPS_F32, tr = DLOPS_F32;
  T_CALL(dlops_op_get_dtypes(B, &td, &tr));
  T_CHECK(td == DLOPS_F64 && tr == DLOPS_C128, "blockdiag of mixed operators: (%d -> %d)", td, tr);
  dot(B, 1e-12, 1, "blockdiag of mixed operators");
  /* VStack needs the same model size on every rank */
  dlops_op Lv = make_mixed(self, 6, DLOPS_F64, DLOPS_C128, &good);
  T_CALL(dlops_op_create_vstack(ctx, 1, &Lv, &V));
  T_CALL(dlops_op_get_dtypes(V, &td, &tr));
  T_CHECK(td == DLOPS_F64 && tr == DLOPS_C128, "vstack of mixed operators: (%d -> %d)", td, tr);
  dot(V, 1e-12, 1, "vstack of mixed operators");
  /* the adjoint sums the ranks' real model-size vectors: every rank's y = (1+0i) gives
   * x_i = P Re(conj(w_i)) */
  dlops_darray x = NULL, y = NULL;
  T_CALL(dlops_op_create_vecs(V, &x, &y));
  T_CALL(dlops_darray_fill(y, (dlops_scalar){1.0, 0.0}));
  T_CALL(dlops_op_apply_adjoint(V, y, x));
  double g[6];
  T_CALL(dlops_darray_gather(x, g, -1));
  double e = 0;
  for (int i = 0; i < 6; i++) e = fmax(e, fabs(g[i] - size_ * creal(weight(i))));
  T_CHECK(e < 1e-13, "vstack adjoint of mixed operators: error %g", e);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&V);
  dlops_op_destroy(&Lv);
  dlops_op_destroy(&B);
  dlops_op_destroy(&L);
  dlops_ctx_destroy(&self);
}

static void test_solvers(dlops_ctx ctx) {
  const int64_t n = 40;
  dlops_op A = make_mixed(ctx, n, DLOPS_F64, DLOPS_C128, &good);
  dlops_darray xt = NULL, y = NULL, x = NULL;
  T_CALL(dlops_op_create_vecs(A, &xt, &y));
  T_CALL(dlops_darray_duplicate(xt, &x));
  T_CALL(dlops_darray_fill_random(xt, 5, -1.0, 1.0));
  T_CALL(dlops_op_apply(A, xt, y));
  dlops_solver_opts o;
  dlops_solver_opts_default(&o);
  o.niter = 60;
  o.tol = 0.0;
  for (int s = 0; s < 2; s++) {
    dlops_solver_result r;
    T_CALL(dlops_darray_fill(x, (dlops_scalar){0.0, 0.0}));
    T_CALL(s ? dlops_solve_lsqr(A, y, x, &o, &r) : dlops_solve_cgls(A, y, x, &o, &r));
    T_CALL(dlops_darray_axpby((dlops_scalar){-1.0, 0.0}, xt, (dlops_scalar){1.0, 0.0}, x));
    double en = 1, nt = 1;
    T_CALL(dlops_darray_norm(x, 2.0, &en));
    T_CALL(dlops_darray_norm(xt, 2.0, &nt));
    T_CHECK(en / nt < 1e-6, "%s on a mixed operator: relative error %g", s ? "lsqr" : "cgls", en / nt);
  }
  dlops_darray_destroy(&xt);
  dlops_darray_destroy(&y);
  dlops_darray_destroy(&x);
  dlops_op_destroy(&A);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  test_queries_and_apply(ctx);
  test_dottest(ctx);
  test_algebra(ctx);
  test_power_refused(ctx);
  test_real_linear_composite(ctx);
  test_distributed(ctx);
  test_solvers(ctx);
  return dlops_test_finish(ctx);
}
