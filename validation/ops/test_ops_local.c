/* Local operators (on a one-rank context made from MPI_COMM_SELF) and the basic operators on
 * the whole communicator: matrix, diagonal, identity, zero, convolve1d, transpose_axes, the
 * operator algebra and user callback operators. Every operator: dot test for all four dtypes,
 * forward and adjoint compared with a serial dense computation. Runs at NP 1..4 (every rank
 * tests the local operators; the basic operators on the world context use uneven splits). */
#include "ops_test_util.h"

static dlops_ctx self = NULL, world = NULL;

/* ---------------------------------------------------------------- helpers */
static dlops_op make_matrix(int64_t m, int64_t n, dlops_dtype t, unsigned long long seed, zval **Mz) {
  *Mz = calloc((size_t)(m * n) + 1, sizeof(zval));
  void *b = rand_buf(m * n, t, seed, *Mz);
  dlops_op A = NULL;
  T_REQUIRE(dlops_op_create_matrix(self, m, n, t, b, &A));
  free(b);
  return A;
}

static zval *zeye(int64_t m, int64_t n) {
  zval *M = calloc((size_t)(m * n) + 1, sizeof(zval));
  for (int64_t i = 0; i < m && i < n; i++) M[i * n + i] = 1;
  return M;
}

/* PyLops Convolve1D recipe, computed independently of the operator's closed form: pad the filter
 * (short) or the model (long), full convolution, centred crop. Column q of the n x ny... matrix C
 * (ny x n) is the response to the unit vector e_q. */
static zval *conv_matrix_ref(const zval *h, int64_t nh, int64_t n, int64_t off, int64_t *ny_out) {
  int64_t ny = nh <= n ? n : nh;
  zval *C = calloc((size_t)(ny * n) + 1, sizeof(zval));
  for (int64_t q = 0; q < n; q++) {
    if (nh <= n) {
      int64_t oe = 2 * (nh / 2 - off) - (nh % 2 == 0);
      int64_t pre = oe > 0 ? oe : 0, L = nh + (oe > 0 ? oe : -oe);
      /* full = e_q * hp: full[q + j] = hp[j]; hp[j] = h[j - pre] */
      int64_t s = (L - 1) / 2;
      for (int64_t i = 0; i < ny; i++) {
        int64_t j = i + s - q - pre;
        if (j >= 0 && j < nh) C[i * n + q] = h[j];
      }
    } else {
      int64_t oe = 2 * (n / 2 - off) - (n % 2 == 0);
      int64_t pre = oe > 0 ? oe : 0, Lx = n + (oe > 0 ? oe : -oe);
      /* xp = e_{q+pre}; full = h * xp: full[k] = h[k - q - pre]; y = full[s : s + nh] */
      int64_t s = (Lx - 1) / 2;
      for (int64_t i = 0; i < ny; i++) {
        int64_t j = i + s - q - pre;
        if (j >= 0 && j < nh) C[i * n + q] = h[j];
      }
    }
  }
  *ny_out = ny;
  return C;
}

/* Dense matrix of a 1-D operator C (ny x n) applied along axis of an N-D array of shape dims. */
static zval *along_axis(const zval *C, int64_t ny, int ndim, const int64_t *dims, int axis, int64_t *nr, int64_t *nc) {
  int64_t outer = 1, inner = 1, n = dims[axis];
  for (int k = 0; k < axis; k++) outer *= dims[k];
  for (int k = axis + 1; k < ndim; k++) inner *= dims[k];
  *nr = outer * ny * inner;
  *nc = outer * n * inner;
  zval *M = calloc((size_t)(*nr * *nc) + 1, sizeof(zval));
  for (int64_t o = 0; o < outer; o++)
    for (int64_t i = 0; i < ny; i++)
      for (int64_t q = 0; q < n; q++)
        for (int64_t k = 0; k < inner; k++) M[((o * ny + i) * inner + k) * *nc + (o * n + q) * inner + k] = C[i * n + q];
  return M;
}

static void test_convolve(dlops_ctx ctx, int ndim, const int64_t *dims, int axis, int64_t nh, int64_t off, dlops_dtype t,
                          const char *label) {
  zval *hz = calloc((size_t)nh, sizeof(zval));
  void *h = rand_buf(nh, t, 77 + (unsigned long long)nh, hz);
  dlops_op A = NULL;
  T_CALL(dlops_op_create_convolve1d(ctx, ndim, dims, axis, h, nh, off, t, &A));
  free(h);
  if (A) {
    int64_t ny, nr, nc;
    int a = axis < 0 ? axis + ndim : axis;
    zval *C = conv_matrix_ref(hz, nh, dims[a], off, &ny);
    zval *M = along_axis(C, ny, ndim, dims, a, &nr, &nc);
    T_DOTTEST(A, t, label);
    check_dense(A, M, nr, nc, t, label, 900);
    int nd = 0;
    int64_t dd[DLOPS_MAX_NDIM];
    T_CALL(dlops_op_get_dimsd(A, &nd, dd));
    T_CHECK(nd == ndim && dd[a] == ny, "%s: dimsd[axis] = %lld, expected %lld", label, (long long)dd[a], (long long)ny);
    free(C);
    free(M);
  }
  free(hz);
  dlops_op_destroy(&A);
}

/* ---------------------------------------------------------------- user operator: cumulative sum */
static int user_calls = 0;
static int cumsum_apply(void *user, dlops_darray in, dlops_darray out, int adj) {
  (void)user;
  user_calls++;
  dlops_dtype t;
  int64_t n, m;
  if (dlops_darray_get_dtype(in, &t) || dlops_darray_get_local_size(in, &n) || dlops_darray_get_local_size(out, &m) ||
      n != m)
    return 1;
  void *pi = NULL, *po = NULL;
  if (dlops_darray_get_local(in, DLOPS_MEM_HOST, &pi) || dlops_darray_get_local(out, DLOPS_MEM_HOST, &po)) return 2;
  zval s = 0;
  if (!adj)
    for (int64_t i = 0; i < n; i++) {
      s += zget(pi, t, i);
      zset(po, t, i, s);
    }
  else
    for (int64_t i = n - 1; i >= 0; i--) {
      s += zget(pi, t, i);
      zset(po, t, i, s);
    }
  dlops_darray_restore_local(in, &pi);
  dlops_darray_restore_local(out, &po);
  return 0;
}
static int cumsum_fwd(void *u, dlops_darray in, dlops_darray out) { return cumsum_apply(u, in, out, 0); }
static int cumsum_adj(void *u, dlops_darray in, dlops_darray out) { return cumsum_apply(u, in, out, 1); }
static int user_destroyed = 0;
static void user_free(void *u) {
  (void)u;
  user_destroyed++;
}

static dlops_op make_cumsum(dlops_ctx ctx, int64_t n, dlops_dtype t, zval **Mz) {
  dlops_darray tmpl = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, t, &tmpl));
  dlops_op A = NULL;
  T_REQUIRE(dlops_op_create_user(tmpl, tmpl, cumsum_fwd, cumsum_adj, NULL, user_free, &A));
  dlops_darray_destroy(&tmpl);
  *Mz = calloc((size_t)(n * n) + 1, sizeof(zval));
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) (*Mz)[i * n + j] = 1;
  return A;
}

/* ---------------------------------------------------------------- tests */
static void test_matrix(dlops_dtype t) {
  const int64_t shapes[][2] = {{5, 3}, {3, 5}, {1, 1}, {4, 4}, {0, 3}, {3, 0}, {1, 6}};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    int64_t m = shapes[s][0], n = shapes[s][1];
    zval *M;
    dlops_op A = make_matrix(m, n, t, 100 + s, &M);
    char label[64];
    snprintf(label, sizeof label, "matrix %lldx%lld", (long long)m, (long long)n);
    T_DOTTEST(A, t, label);
    check_dense(A, M, m, n, t, label, 200 + s);
    const char *name = NULL;
    T_CALL(dlops_op_get_name(A, &name));
    T_CHECK(name && strcmp(name, "matrix") == 0, "matrix name is %s", name ? name : "(null)");
    free(M);
    dlops_op_destroy(&A);
  }
}

static void test_diagonal(dlops_ctx ctx, int64_t n, dlops_dtype t, const char *label) {
  int rank, P;
  dlops_ctx_get_rank(ctx, &rank);
  dlops_ctx_get_size(ctx, &P);
  zval *dz = calloc((size_t)n + 1, sizeof(zval));
  void *d = rand_buf(n, t, 31, dz);
  int64_t off = (int64_t)rank * (n / P) + (rank < n % P ? rank : n % P);
  dlops_op A = NULL;
  T_CALL(dlops_op_create_diagonal(ctx, n, t, (char *)d + (size_t)off * dlops_dtype_size(t), &A));
  if (A) {
    zval *M = calloc((size_t)(n * n) + 1, sizeof(zval));
    for (int64_t i = 0; i < n; i++) M[i * n + i] = dz[i];
    T_DOTTEST(A, t, label);
    check_dense(A, M, n, n, t, label, 300);
    free(M);
  }
  free(d);
  free(dz);
  dlops_op_destroy(&A);
}

static void test_identity_zero(dlops_ctx ctx, int64_t m, int64_t n, dlops_dtype t, const char *label, int with_id) {
  dlops_op A = NULL, Z = NULL;
  if (with_id) T_CALL(dlops_op_create_identity(ctx, m, n, t, &A));
  T_CALL(dlops_op_create_zero(ctx, m, n, t, &Z));
  zval *M = zeye(m, n), *O = calloc((size_t)(m * n) + 1, sizeof(zval));
  char l2[80];
  if (A) {
    snprintf(l2, sizeof l2, "identity %s", label);
    T_DOTTEST(A, t, l2);
    check_dense(A, M, m, n, t, l2, 400);
  }
  if (Z) {
    snprintf(l2, sizeof l2, "zero %s", label);
    T_DOTTEST(Z, t, l2);
    check_dense(Z, O, m, n, t, l2, 410);
  }
  free(M);
  free(O);
  dlops_op_destroy(&A);
  dlops_op_destroy(&Z);
}

static void test_transpose_axes(int ndim, const int64_t *dims, const int *perm, dlops_dtype t, const char *label) {
  dlops_op A = NULL;
  T_CALL(dlops_op_create_transpose_axes(self, ndim, dims, perm, t, &A));
  if (!A) return;
  int64_t n = 1, sx[DLOPS_MAX_NDIM], dimsd[DLOPS_MAX_NDIM];
  for (int k = 0; k < ndim; k++) {
    n *= dims[k];
    dimsd[k] = dims[perm[k]];
  }
  sx[ndim - 1] = 1;
  for (int k = ndim - 2; k >= 0; k--) sx[k] = sx[k + 1] * dims[k + 1];
  zval *M = calloc((size_t)(n * n) + 1, sizeof(zval));
  for (int64_t yi = 0; yi < n; yi++) {
    /* unravel yi over dimsd, map axis k of y to axis perm[k] of x */
    int64_t rem = yi, xi = 0;
    for (int k = ndim - 1; k >= 0; k--) {
      int64_t ik = rem % dimsd[k];
      rem /= dimsd[k];
      xi += ik * sx[perm[k]];
    }
    M[yi * n + xi] = 1;
  }
  T_DOTTEST(A, t, label);
  check_dense(A, M, n, n, t, label, 500);
  int nd;
  int64_t dd[DLOPS_MAX_NDIM];
  T_CALL(dlops_op_get_dimsd(A, &nd, dd));
  for (int k = 0; k < ndim; k++) T_CHECK(dd[k] == dimsd[k], "%s: dimsd[%d] = %lld", label, k, (long long)dd[k]);
  free(M);
  dlops_op_destroy(&A);
}

static void test_algebra(dlops_dtype t) {
  zval *MA, *MB, *MA2, *MS, *MU;
  dlops_op A = make_matrix(4, 3, t, 601, &MA), B = make_matrix(3, 5, t, 602, &MB), A2 = make_matrix(4, 3, t, 603, &MA2);
  dlops_op S = make_matrix(4, 4, t, 604, &MS);
  dlops_op U = make_cumsum(self, 6, t, &MU);
  dlops_op C = NULL;
  zval *R;
  /* product */
  T_CALL(dlops_op_create_product(A, B, &C));
  R = zgemm_ref(MA, MB, 4, 3, 5);
  if (C) {
    T_DOTTEST(C, t, "product");
    check_dense(C, R, 4, 5, t, "product", 700);
  }
  free(R);
  dlops_op_destroy(&C);
  /* sum */
  T_CALL(dlops_op_create_sum(A, A2, &C));
  R = malloc(sizeof(zval) * 12);
  for (int i = 0; i < 12; i++) R[i] = MA[i] + MA2[i];
  if (C) {
    T_DOTTEST(C, t, "sum");
    check_dense(C, R, 4, 3, t, "sum", 701);
  }
  dlops_op_destroy(&C);
  /* scaled (complex factor for complex types) */
  dlops_scalar alpha = {0.7, is_cplx(t) ? -1.3 : 0.0};
  T_CALL(dlops_op_create_scaled(A, alpha, &C));
  for (int i = 0; i < 12; i++) R[i] = (alpha.re + I * alpha.im) * MA[i];
  if (C) {
    T_DOTTEST(C, t, "scaled");
    check_dense(C, R, 4, 3, t, "scaled", 702);
  }
  dlops_op_destroy(&C);
  /* conj */
  T_CALL(dlops_op_create_conj(A, &C));
  for (int i = 0; i < 12; i++) R[i] = conj(MA[i]);
  if (C) {
    T_DOTTEST(C, t, "conj");
    check_dense(C, R, 4, 3, t, "conj", 703);
  }
  dlops_op_destroy(&C);
  free(R);
  /* adjoint and transpose */
  T_CALL(dlops_op_create_adjoint(A, &C));
  R = zadjoint_ref(MA, 4, 3);
  if (C) {
    T_DOTTEST(C, t, "adjoint");
    check_dense(C, R, 3, 4, t, "adjoint", 704);
  }
  dlops_op_destroy(&C);
  T_CALL(dlops_op_create_transpose(A, &C));
  for (int i = 0; i < 12; i++) R[i] = conj(R[i]);
  if (C) {
    T_DOTTEST(C, t, "transpose");
    check_dense(C, R, 3, 4, t, "transpose", 705);
  }
  dlops_op_destroy(&C);
  free(R);
  /* power */
  const int pw[3] = {0, 1, 3};
  for (int k = 0; k < 3; k++) {
    T_CALL(dlops_op_create_power(S, pw[k], &C));
    zval *P = zeye(4, 4);
    for (int q = 0; q < pw[k]; q++) {
      zval *Q = zgemm_ref(MS, P, 4, 4, 4);
      free(P);
      P = Q;
    }
    char label[32];
    snprintf(label, sizeof label, "power %d", pw[k]);
    if (C) {
      T_DOTTEST(C, t, label);
      check_dense(C, P, 4, 4, t, label, 706);
    }
    free(P);
    dlops_op_destroy(&C);
  }
  /* user operator, alone and composed with a matrix */
  int calls0 = user_calls;
  T_DOTTEST(U, t, "user (C callback)");
  check_dense(U, MU, 6, 6, t, "user (C callback)", 707);
  T_CHECK(user_calls > calls0, "the user callbacks were not called");
  zval *MM;
  dlops_op W = make_matrix(6, 2, t, 605, &MM);
  T_CALL(dlops_op_create_product(U, W, &C));
  R = zgemm_ref(MU, MM, 6, 6, 2);
  if (C) {
    T_DOTTEST(C, t, "product user*matrix");
    check_dense(C, R, 6, 2, t, "product user*matrix", 708);
  }
  free(R);
  free(MM);
  dlops_op_destroy(&C);
  dlops_op_destroy(&W);
  int d0 = user_destroyed;
  dlops_op_destroy(&U);
  T_CHECK(user_destroyed == d0 + 1, "user destroy callback not called once (%d)", user_destroyed - d0);
  free(MA);
  free(MB);
  free(MA2);
  free(MS);
  free(MU);
  dlops_op_destroy(&A);
  dlops_op_destroy(&B);
  dlops_op_destroy(&A2);
  dlops_op_destroy(&S);
}

int main(int argc, char **argv) {
  world = dlops_test_init(&argc, &argv);
  self = dlops_test_self_ctx(world);
  for (int k = 0; k < 4; k++) {
    dlops_dtype t = all_dtypes[k];
    test_matrix(t);
    test_diagonal(self, 7, t, "diagonal (local)");
    test_diagonal(world, 7, t, "diagonal (7 on P ranks)");
    test_diagonal(world, 2, t, "diagonal (2 on P ranks)");
    test_identity_zero(self, 5, 3, t, "5x3 (local)", 1);
    test_identity_zero(self, 3, 5, t, "3x5 (local)", 1);
    test_identity_zero(world, 5, 5, t, "5x5 (P ranks)", 1);
    test_identity_zero(world, 2, 2, t, "2x2 (P ranks)", 1);
    test_identity_zero(world, 3, 6, t, "3x6 (P ranks)", 0); /* rectangular identity: local only */
    /* convolve1d: short and long filters, odd/even lengths, offsets incl. negative, N-D axes */
    const int64_t d1[1] = {9}, d1b[1] = {5}, d3[3] = {4, 6, 3}, dw[2] = {5, 6}, dw3[3] = {2, 7, 3};
    test_convolve(self, 1, d1, 0, 4, 1, t, "convolve1d n9 nh4 off1");
    test_convolve(self, 1, d1, 0, 5, 2, t, "convolve1d n9 nh5 off2");
    test_convolve(self, 1, d1, 0, 5, 0, t, "convolve1d n9 nh5 off0");
    test_convolve(self, 1, d1, 0, 3, -2, t, "convolve1d n9 nh3 off-2");
    test_convolve(self, 1, d1, 0, 9, 8, t, "convolve1d n9 nh9 off8");
    test_convolve(self, 1, d1b, 0, 12, 3, t, "convolve1d long n5 nh12");
    test_convolve(self, 1, d1b, 0, 8, 0, t, "convolve1d long n5 nh8 off0");
    test_convolve(self, 3, d3, 0, 3, 1, t, "convolve1d 3-D axis 0");
    test_convolve(self, 3, d3, 1, 4, 2, t, "convolve1d 3-D axis 1");
    test_convolve(self, 3, d3, -1, 2, 0, t, "convolve1d 3-D axis -1");
    test_convolve(self, 3, d3, 1, 9, 4, t, "convolve1d 3-D axis 1 long");
    test_convolve(world, 2, dw, 1, 3, 1, t, "convolve1d (P ranks) 5x6 axis 1");
    test_convolve(world, 3, dw3, 2, 5, 2, t, "convolve1d (P ranks) 2x7x3 axis 2 long");
    test_convolve(world, 3, dw3, 1, 4, 3, t, "convolve1d (P ranks) 2x7x3 axis 1");
    /* transpose of axes */
    const int64_t t3[3] = {2, 3, 4}, t2[2] = {3, 5}, t1[1] = {4}, t4[4] = {2, 1, 3, 2};
    const int p3[3] = {2, 0, 1}, p3b[3] = {1, 2, 0}, p2[2] = {1, 0}, p1[1] = {0}, p4[4] = {3, 1, 0, 2};
    test_transpose_axes(3, t3, p3, t, "transpose_axes (2,0,1)");
    test_transpose_axes(3, t3, p3b, t, "transpose_axes (1,2,0)");
    test_transpose_axes(2, t2, p2, t, "transpose_axes (1,0)");
    test_transpose_axes(1, t1, p1, t, "transpose_axes (0)");
    test_transpose_axes(4, t4, p4, t, "transpose_axes 4-D");
    test_algebra(t);
  }
  dlops_ctx_destroy(&self);
  return dlops_test_finish(world);
}
