/* Bad input to the operator layer: every misuse returns its error code on every rank (no hang,
 * no crash), outputs are reset to NULL and the caller's arrays are not modified. */
#include "ops_test_util.h"

static dlops_ctx self = NULL, world = NULL;
static int rank = 0, P = 1;

static dlops_op matrix(int64_t m, int64_t n, dlops_dtype t) {
  void *b = rand_buf(m * n, t, 9, NULL);
  dlops_op A = NULL;
  T_REQUIRE(dlops_op_create_matrix(self, m, n, t, b, &A));
  free(b);
  return A;
}

static int failing_cb(void *u, dlops_darray in, dlops_darray out) {
  (void)u;
  (void)in;
  (void)out;
  return 42;
}
static int copy_cb(void *u, dlops_darray in, dlops_darray out) {
  (void)u;
  return dlops_darray_copy(in, out);
}

static void test_apply_errors(void) {
  dlops_op L = matrix(3, 2, DLOPS_F64), B = NULL;
  T_REQUIRE(dlops_op_create_blockdiag(world, 1, &L, -1, &B));
  int64_t nr, nc;
  T_CALL(dlops_op_get_shape(B, &nr, &nc));
  dlops_darray x = NULL, y = NULL, xbig = NULL, xb = NULL, xf = NULL;
  T_CALL(dlops_op_create_vecs(B, &x, &y));
  int64_t n1 = nc + 1;
  T_CALL(dlops_darray_create(world, 1, &n1, 0, DLOPS_SCATTER, DLOPS_F64, &xbig));
  T_CALL(dlops_darray_create(world, 1, &nc, 0, DLOPS_BROADCAST, DLOPS_F64, &xb));
  T_CALL(dlops_darray_create_ext(world, 1, &nc, 0, DLOPS_SCATTER, DLOPS_F32, 2, -1, dlops_test_mem, &xf));
  dlops_scalar seven = {7.0, 0.0};
  T_CALL(dlops_darray_fill(y, seven));
  /* mismatched layouts: DLOPS_ERR_SIZE; wrong dtype: DLOPS_ERR_ARG; y untouched */
  T_EXPECT_ERR(dlops_op_apply(B, xbig, y), DLOPS_ERR_SIZE);
  T_EXPECT_ERR(dlops_op_apply(B, xb, y), DLOPS_ERR_SIZE);
  T_EXPECT_ERR(dlops_op_apply(B, x, x), DLOPS_ERR_SIZE);
  T_EXPECT_ERR(dlops_op_apply_adjoint(B, x, y), DLOPS_ERR_SIZE);
  T_EXPECT_ERR(dlops_op_apply(B, xf, y), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_apply(B, NULL, y), DLOPS_ERR_ARG);
  double nrm = 0;
  T_CALL(dlops_darray_norm(y, INFINITY, &nrm));
  T_CHECK(nrm == 7.0, "a failed apply modified the output (inf-norm %g)", nrm);
  /* the same array as input and output of a square operator */
  dlops_op S = NULL;
  T_CALL(dlops_op_create_identity(world, 4, 4, DLOPS_F64, &S));
  dlops_darray s = NULL;
  T_CALL(dlops_op_create_vecs(S, &s, NULL));
  T_EXPECT_ERR(dlops_op_apply(S, s, s), DLOPS_ERR_ARG);
  dlops_darray_destroy(&s);
  dlops_op_destroy(&S);
  /* null operators */
  T_EXPECT_ERR(dlops_op_apply(NULL, x, y), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_apply_adjoint(NULL, y, x), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_vecs(NULL, &x, &y), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_get_shape(NULL, &nr, &nc), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_dottest(NULL, 1e-12, 1, &(int){0}, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_destroy(NULL), DLOPS_ERR_ARG);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_darray_destroy(&xbig);
  dlops_darray_destroy(&xb);
  dlops_darray_destroy(&xf);
  dlops_op_destroy(&B);
  dlops_op_destroy(&L);
}

static void test_algebra_errors(void) {
  dlops_op A = matrix(4, 3, DLOPS_F64), A2 = matrix(4, 3, DLOPS_F64), Af = matrix(3, 3, DLOPS_F32);
  dlops_op C = (dlops_op)&rank; /* not NULL: failures must reset it */
  T_EXPECT_ERR(dlops_op_create_product(A, A2, &C), DLOPS_ERR_SIZE); /* (4x3)(4x3) */
  T_CHECK(C == NULL, "failed product did not reset its output");
  T_EXPECT_ERR(dlops_op_create_product(NULL, A, &C), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_product(A, NULL, &C), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_product(Af, A, &C), DLOPS_ERR_ARG); /* f32 * f64 */
  dlops_op At = NULL;
  T_CALL(dlops_op_create_adjoint(A, &At));
  T_EXPECT_ERR(dlops_op_create_sum(A, At, &C), DLOPS_ERR_SIZE);
  T_EXPECT_ERR(dlops_op_create_sum(NULL, A, &C), DLOPS_ERR_ARG);
  C = (dlops_op)&rank;
  T_EXPECT_ERR(dlops_op_create_power(A, 2, &C), DLOPS_ERR_SIZE); /* not square */
  T_CHECK(C == NULL, "failed power did not reset its output");
  T_EXPECT_ERR(dlops_op_create_power(Af, -1, &C), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_power(NULL, 1, &C), DLOPS_ERR_ARG);
  dlops_scalar za = {1.0, 2.0};
  T_EXPECT_ERR(dlops_op_create_scaled(A, za, &C), DLOPS_ERR_ARG); /* complex factor, real operator */
  T_EXPECT_ERR(dlops_op_create_scaled(NULL, za, &C), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_adjoint(NULL, &C), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_transpose(NULL, &C), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_conj(NULL, &C), DLOPS_ERR_ARG);
  /* user operators: failing callback, missing adjoint */
  int64_t n = 3;
  dlops_darray tm = NULL;
  T_CALL(dlops_darray_create(self, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &tm));
  dlops_op U = NULL, U2 = NULL;
  T_CALL(dlops_op_create_user(tm, tm, failing_cb, failing_cb, NULL, NULL, &U));
  T_CALL(dlops_op_create_user(tm, tm, copy_cb, NULL, NULL, NULL, &U2));
  T_EXPECT_ERR(dlops_op_create_user(tm, tm, NULL, NULL, NULL, NULL, &C), DLOPS_ERR_ARG);
  dlops_darray u = NULL, v = NULL;
  T_CALL(dlops_darray_duplicate(tm, &u));
  T_CALL(dlops_darray_duplicate(tm, &v));
  T_EXPECT_ERR(dlops_op_apply(U, u, v), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_apply_adjoint(U2, v, u), DLOPS_ERR_UNSUPPORTED);
  int passed = 1;
  T_EXPECT_ERR(dlops_op_dottest(U2, 1e-12, 3, &passed, NULL), DLOPS_ERR_UNSUPPORTED);
  /* a user operator without adjoint inside a blockdiag: the blockdiag adjoint fails cleanly */
  dlops_op B = NULL;
  T_CALL(dlops_op_create_blockdiag(world, 1, &U2, -1, &B));
  if (B) {
    dlops_darray bx = NULL, by = NULL;
    T_CALL(dlops_op_create_vecs(B, &bx, &by));
    T_CALL(dlops_op_apply(B, bx, by));
    T_EXPECT_ERR(dlops_op_apply_adjoint(B, by, bx), DLOPS_ERR_UNSUPPORTED);
    dlops_darray_destroy(&bx);
    dlops_darray_destroy(&by);
  }
  dlops_op_destroy(&B);
  dlops_darray_destroy(&u);
  dlops_darray_destroy(&v);
  dlops_darray_destroy(&tm);
  dlops_op_destroy(&U);
  dlops_op_destroy(&U2);
  dlops_op_destroy(&At);
  dlops_op_destroy(&A);
  dlops_op_destroy(&A2);
  dlops_op_destroy(&Af);
}

static void test_basic_errors(void) {
  dlops_op A = (dlops_op)&rank;
  double a[6] = {1, 2, 3, 4, 5, 6};
  if (P > 1) {
    T_EXPECT_ERR(dlops_op_create_matrix(world, 2, 3, DLOPS_F64, a, &A), DLOPS_ERR_ARG);
    T_CHECK(A == NULL, "failed matrix creation did not reset its output");
    T_EXPECT_ERR(dlops_op_create_identity(world, 3, 4, DLOPS_F64, &A), DLOPS_ERR_ARG);
    const int64_t d2[2] = {6, 4};
    T_EXPECT_ERR(dlops_op_create_convolve1d(world, 2, d2, 0, a, 3, 1, DLOPS_F64, &A), DLOPS_ERR_ARG);
    const int perm[2] = {1, 0};
    T_EXPECT_ERR(dlops_op_create_transpose_axes(world, 2, d2, perm, DLOPS_F64, &A), DLOPS_ERR_ARG);
  }
  T_EXPECT_ERR(dlops_op_create_matrix(self, -1, 3, DLOPS_F64, a, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_matrix(self, 2, 3, DLOPS_F64, NULL, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_matrix(self, 2, 3, (dlops_dtype)9, a, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_matrix(NULL, 2, 3, DLOPS_F64, a, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_identity(world, -2, -2, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_zero(world, 2, 2, (dlops_dtype)-1, &A), DLOPS_ERR_ARG);
  /* diagonal: rank 0 passes no values although it owns entries -> error on every rank */
  double d[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  T_EXPECT_ERR(dlops_op_create_diagonal(world, 8, DLOPS_F64, rank == 0 ? NULL : d, &A), DLOPS_ERR_ARG);
  T_CHECK(A == NULL, "failed diagonal creation did not reset its output");
  /* convolve1d */
  const int64_t d1[1] = {6}, d3[3] = {2, 5, 3};
  T_EXPECT_ERR(dlops_op_create_convolve1d(self, 1, d1, 0, a, 3, 3, DLOPS_F64, &A), DLOPS_ERR_ARG); /* offset > nh-1 */
  T_EXPECT_ERR(dlops_op_create_convolve1d(self, 1, d1, 0, a, 0, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_convolve1d(self, 3, d3, 3, a, 3, 1, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_convolve1d(self, 0, d3, 0, a, 3, 1, DLOPS_F64, &A), DLOPS_ERR_ARG);
  /* offset check of a long filter (nh > n): offset must be < n */
  const int64_t d1s[1] = {2};
  T_EXPECT_ERR(dlops_op_create_convolve1d(self, 1, d1s, 0, a, 5, 2, DLOPS_F64, &A), DLOPS_ERR_ARG);
  /* different offsets on different ranks are caught by the array creation (no hang) */
  /* transpose_axes */
  const int bad[3] = {0, 0, 2}, oob[3] = {0, 1, 3};
  T_EXPECT_ERR(dlops_op_create_transpose_axes(self, 3, d3, bad, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_transpose_axes(self, 3, d3, oob, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_transpose_axes(self, 3, d3, NULL, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_CHECK(A == NULL, "failed creation did not reset its output");
}

static void test_composition_errors(void) {
  dlops_op A = (dlops_op)&rank;
  dlops_op m34 = matrix(3, 4, DLOPS_F64), m35 = matrix(3, 5, DLOPS_F64), m24 = matrix(2, 4, DLOPS_F64);
  dlops_op f34 = matrix(3, 4, DLOPS_F32);
  /* vstack: column counts differ across ranks (rank 1) or within rank 0 */
  if (P > 1) {
    dlops_op mine = rank == 1 ? m35 : m34;
    T_EXPECT_ERR(dlops_op_create_vstack(world, 1, &mine, &A), DLOPS_ERR_SIZE);
    T_CHECK(A == NULL, "failed vstack did not reset its output");
    /* hstack: row counts differ across ranks */
    dlops_op h = rank == 1 ? m24 : m34;
    T_EXPECT_ERR(dlops_op_create_hstack(world, 1, &h, &A), DLOPS_ERR_SIZE);
    /* element types differ across ranks */
    dlops_op f = rank == 0 ? f34 : m34;
    T_EXPECT_ERR(dlops_op_create_vstack(world, 1, &f, &A), DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_blockdiag(world, 1, &f, -1, &A), DLOPS_ERR_ARG);
    /* a distributed operator where a local one is expected */
    dlops_op Dw = NULL;
    T_CALL(dlops_op_create_identity(world, 4, 4, DLOPS_F64, &Dw));
    T_EXPECT_ERR(dlops_op_create_blockdiag(world, 1, &Dw, -1, &A), DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_replicated(world, Dw, DLOPS_BROADCAST, &A), DLOPS_ERR_ARG);
    dlops_op_destroy(&Dw);
    /* replicated: local operators of different shapes */
    dlops_op r = rank == 1 ? m24 : m34;
    T_EXPECT_ERR(dlops_op_create_replicated(world, r, DLOPS_BROADCAST, &A), DLOPS_ERR_SIZE);
  }
  dlops_op two[2] = {m34, m35};
  T_EXPECT_ERR(dlops_op_create_vstack(world, rank == 0 ? 2 : 1, two, &A), DLOPS_ERR_SIZE);
  /* blockdiag: a null operator on rank 0 only */
  dlops_op withnull[2] = {m34, rank == 0 ? NULL : m35};
  T_EXPECT_ERR(dlops_op_create_blockdiag(world, 2, withnull, -1, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_blockdiag(world, rank == 0 ? -1 : 0, NULL, -1, &A), DLOPS_ERR_ARG);
  /* no rank passes any operator */
  T_EXPECT_ERR(dlops_op_create_blockdiag(world, 0, NULL, -1, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_vstack(world, 0, NULL, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_blockdiag(NULL, 1, &m34, -1, &A), DLOPS_ERR_ARG);
  /* replicated on a SCATTER partition */
  T_EXPECT_ERR(dlops_op_create_replicated(world, m34, DLOPS_SCATTER, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_replicated(world, NULL, DLOPS_BROADCAST, &A), DLOPS_ERR_ARG);
  /* stacked operators */
  dlops_op B1 = NULL, B2 = NULL, Bf = NULL;
  T_CALL(dlops_op_create_blockdiag(world, 1, &m34, -1, &B1));
  T_CALL(dlops_op_create_blockdiag(world, 1, &m35, -1, &B2));
  T_CALL(dlops_op_create_blockdiag(world, 1, &f34, -1, &Bf));
  dlops_op p12[2] = {B1, B2}, p1f[2] = {B1, Bf}, pn[2] = {B1, NULL};
  T_EXPECT_ERR(dlops_op_create_stacked_vstack(2, p12, &A), DLOPS_ERR_SIZE); /* different domains */
  T_CHECK(A == NULL, "failed stacked_vstack did not reset its output");
  T_EXPECT_ERR(dlops_op_create_stacked_vstack(2, pn, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_stacked_vstack(0, NULL, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_stacked_blockdiag(2, p1f, &A), DLOPS_ERR_ARG); /* dtypes differ */
  T_EXPECT_ERR(dlops_op_create_stacked_blockdiag(2, pn, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_stacked_blockdiag(0, NULL, &A), DLOPS_ERR_ARG);
  /* a stacked_blockdiag applied to a plain array */
  dlops_op SB = NULL;
  T_CALL(dlops_op_create_stacked_blockdiag(2, p12, &SB));
  if (SB) {
    dlops_darray x = NULL, y = NULL, px = NULL;
    T_CALL(dlops_op_create_vecs(SB, &x, &y));
    T_CALL(dlops_op_create_vecs(B1, &px, NULL));
    T_EXPECT_ERR(dlops_op_apply(SB, px, y), DLOPS_ERR_SIZE);
    T_CALL(dlops_op_apply(SB, x, y));
    dlops_darray_destroy(&x);
    dlops_darray_destroy(&y);
    dlops_darray_destroy(&px);
  }
  dlops_op_destroy(&SB);
  dlops_op_destroy(&B1);
  dlops_op_destroy(&B2);
  dlops_op_destroy(&Bf);
  dlops_op_destroy(&m34);
  dlops_op_destroy(&m35);
  dlops_op_destroy(&m24);
  dlops_op_destroy(&f34);
}

int main(int argc, char **argv) {
  world = dlops_test_init(&argc, &argv);
  dlops_ctx_get_rank(world, &rank);
  dlops_ctx_get_size(world, &P);
  self = dlops_test_self_ctx(world);
  test_apply_errors();
  test_algebra_errors();
  test_basic_errors();
  test_composition_errors();
  dlops_ctx_destroy(&self);
  return dlops_test_finish(world);
}
