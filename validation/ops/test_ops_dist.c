/* Distributed compositions: blockdiag (plain and masked), stacked_blockdiag, vstack, hstack,
 * stacked_vstack, replicated, the algebra on distributed operators and a distributed user
 * operator. For every dtype: dot test; forward and adjoint on P ranks equal a serial dense
 * computation of the same global operator (gathered results); communication counters: vstack
 * adjoint and hstack forward do exactly one allreduce of ncols (nrows) elements, blockdiag,
 * replicated, vstack forward and hstack adjoint communicate nothing.
 * Shapes include ranks with no local operator (rank 2), one row (rank 1), and a 0-row block. */
#include "ops_test_util.h"

static dlops_ctx self = NULL, world = NULL;
static int rank = 0, P = 1;

/* ---------------------------------------------------------------- user operators */
/* cumulative sum (local, square) */
static int cumsum_cb(void *user, dlops_darray in, dlops_darray out) {
  int adj = user != NULL;
  dlops_dtype t;
  int64_t n, m;
  if (dlops_darray_get_dtype(in, &t) || dlops_darray_get_local_size(in, &n) || dlops_darray_get_local_size(out, &m) ||
      n != m)
    return 1;
  void *pi = NULL, *po = NULL;
  if (dlops_darray_get_local(in, DLOPS_MEM_HOST, &pi) || dlops_darray_get_local(out, DLOPS_MEM_HOST, &po)) return 2;
  zval s = 0;
  for (int64_t k = 0; k < n; k++) {
    int64_t i = adj ? n - 1 - k : k;
    s += zget(pi, t, i);
    zset(po, t, i, s);
  }
  dlops_darray_restore_local(in, &pi);
  dlops_darray_restore_local(out, &po);
  return 0;
}
static int adj_flag = 1;
static int cumsum_fwd(void *u, dlops_darray in, dlops_darray out) {
  (void)u;
  return cumsum_cb(NULL, in, out);
}
static int cumsum_adj(void *u, dlops_darray in, dlops_darray out) {
  (void)u;
  return cumsum_cb(&adj_flag, in, out);
}

/* distributed: y_local = 2 x_local (each rank on its own block) */
static int twice_cb(void *user, dlops_darray in, dlops_darray out) {
  (void)user;
  dlops_scalar two = {2.0, 0.0}, zero = {0.0, 0.0};
  return dlops_darray_axpby(two, in, zero, out);
}

/* ---------------------------------------------------------------- local blocks by rank */
typedef struct {
  int64_t m, n;
  int user; /* cumsum (m == n) */
} blk;

/* blockdiag: rank 0 three blocks (one a user operator), rank 1 one 1-row block, rank 2 none,
 * rank 3 a 0-row block and a 2x2 block, further ranks one 2x3 block. */
static int bd_blocks(int r, blk *b) {
  switch (r) {
    case 0: b[0] = (blk){3, 2, 0}; b[1] = (blk){2, 4, 0}; b[2] = (blk){3, 3, 1}; return 3;
    case 1: b[0] = (blk){1, 2, 0}; return 1;
    case 2: return 0;
    case 3: b[0] = (blk){0, 3, 0}; b[1] = (blk){2, 2, 0}; return 2;
    default: b[0] = (blk){2, 3, 0}; return 1;
  }
}
/* vstack: 4 columns everywhere; rank 1 none */
static int vs_blocks(int r, blk *b) {
  switch (r) {
    case 0: b[0] = (blk){3, 4, 0}; b[1] = (blk){1, 4, 0}; return 2;
    case 1: return 0;
    case 2: b[0] = (blk){2, 4, 0}; return 1;
    case 3: b[0] = (blk){4, 4, 1}; return 1;
    default: b[0] = (blk){1, 4, 0}; return 1;
  }
}
/* hstack: 4 rows everywhere; rank 2 none, rank 1 a 0-column block */
static int hs_blocks(int r, blk *b) {
  switch (r) {
    case 0: b[0] = (blk){4, 2, 0}; b[1] = (blk){4, 1, 0}; return 2;
    case 1: b[0] = (blk){4, 0, 0}; b[1] = (blk){4, 4, 1}; return 2;
    case 2: return 0;
    default: b[0] = (blk){4, 3, 0}; return 1;
  }
}

static unsigned long long blk_seed(int kind, int r, int j, int extra) {
  return 1000ull * (unsigned long long)kind + 50ull * (unsigned long long)r + 7ull * (unsigned long long)j +
         (unsigned long long)extra;
}

/* Dense values of a block (identical on every rank). */
static zval *blk_dense(blk b, dlops_dtype t, unsigned long long seed, void **buf) {
  zval *M = calloc((size_t)(b.m * b.n) + 1, sizeof(zval));
  if (b.user) {
    for (int64_t i = 0; i < b.m; i++)
      for (int64_t j = 0; j <= i; j++) M[i * b.n + j] = 1;
    if (buf) *buf = NULL;
  } else {
    void *p = rand_buf(b.m * b.n, t, seed, M);
    if (buf)
      *buf = p;
    else
      free(p);
  }
  return M;
}

static dlops_op blk_op(blk b, dlops_dtype t, unsigned long long seed) {
  dlops_op A = NULL;
  if (b.user) {
    dlops_darray tm = NULL;
    T_REQUIRE(dlops_darray_create(self, 1, &b.n, 0, DLOPS_SCATTER, t, &tm));
    T_REQUIRE(dlops_op_create_user(tm, tm, cumsum_fwd, cumsum_adj, NULL, NULL, &A));
    dlops_darray_destroy(&tm);
  } else {
    void *buf;
    zval *M = blk_dense(b, t, seed, &buf);
    T_REQUIRE(dlops_op_create_matrix(self, b.m, b.n, t, buf, &A));
    free(buf);
    free(M);
  }
  return A;
}

/* Global dense matrix of the blocks of ranks 0..P-1 placed by layout: 0 block diagonal,
 * 1 vertical (shared columns), 2 horizontal (shared rows). rowplus adds rows to every block. */
static zval *global_dense(int kind, int (*blocks)(int, blk *), dlops_dtype t, int rowplus, int64_t *nr, int64_t *nc) {
  blk b[8];
  int64_t R = 0, C = 0;
  for (int r = 0; r < P; r++) {
    int k = blocks(r, b);
    for (int j = 0; j < k; j++) {
      int64_t m = b[j].m + (b[j].user ? 0 : rowplus);
      if (kind == 0) {
        R += m;
        C += b[j].n;
      } else if (kind == 1) {
        R += m;
        C = b[j].n;
      } else {
        R = m;
        C += b[j].n;
      }
    }
  }
  zval *G = calloc((size_t)(R * C) + 1, sizeof(zval));
  int64_t r0 = 0, c0 = 0;
  for (int r = 0; r < P; r++) {
    int k = blocks(r, b);
    for (int j = 0; j < k; j++) {
      blk bb = b[j];
      if (!bb.user) bb.m += rowplus;
      zval *M = blk_dense(bb, t, blk_seed(kind, r, j, rowplus), NULL);
      for (int64_t i = 0; i < bb.m; i++)
        for (int64_t q = 0; q < bb.n; q++) G[(r0 + i) * C + c0 + q] = M[i * bb.n + q];
      free(M);
      if (kind != 2) r0 += bb.m;
      if (kind != 1) c0 += bb.n;
    }
  }
  *nr = R;
  *nc = C;
  return G;
}

static int make_local_ops(int kind, int (*blocks)(int, blk *), dlops_dtype t, int rowplus, dlops_op *ops) {
  blk b[8];
  int k = blocks(rank, b);
  for (int j = 0; j < k; j++) {
    blk bb = b[j];
    if (!bb.user) bb.m += rowplus;
    ops[j] = blk_op(bb, t, blk_seed(kind, rank, j, rowplus));
  }
  return k;
}

static void free_ops(dlops_op *ops, int k) {
  for (int j = 0; j < k; j++) dlops_op_destroy(&ops[j]);
}

/* Reset the counters, apply forward or adjoint once, and read the counters. */
static void apply_counted(dlops_op A, int adj, int64_t *calls, dlops_comm_counter *ar) {
  dlops_darray x = NULL, y = NULL;
  T_CALL(dlops_op_create_vecs(A, &x, &y));
  dlops_dtype t;
  T_CALL(dlops_op_get_dtype(A, &t));
  /* a complex value fills only complex arrays (a real array refuses im != 0) */
  dlops_scalar v = {0.5, (t == DLOPS_C64 || t == DLOPS_C128) ? 0.25 : 0.0};
  T_CALL(dlops_darray_fill(adj ? y : x, v));
  T_CALL(dlops_ctx_reset_counters(world));
  if (adj)
    T_CALL(dlops_op_apply_adjoint(A, y, x));
  else
    T_CALL(dlops_op_apply(A, x, y));
  *calls = comm_calls(world);
  T_CALL(dlops_ctx_get_counter(world, DLOPS_COMM_ALLREDUCE, ar));
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
}

static void expect_silent(dlops_op A, const char *label) {
  int64_t calls;
  dlops_comm_counter ar;
  for (int adj = 0; adj < 2; adj++) {
    apply_counted(A, adj, &calls, &ar);
    T_CHECK(calls == 0, "%s %s communicated (%lld calls)", label, adj ? "adjoint" : "forward", (long long)calls);
  }
}

static void expect_one_allreduce(dlops_op A, int adj, int64_t count, dlops_dtype t, const char *label) {
  int64_t calls;
  dlops_comm_counter ar;
  apply_counted(A, adj, &calls, &ar);
  int64_t bytes = count * (int64_t)dlops_dtype_size(t);
  T_CHECK(ar.calls == 1 && calls == 1, "%s: %lld allreduce calls, %lld calls in all; expected exactly one allreduce",
          label, (long long)ar.calls, (long long)calls);
  T_CHECK(ar.bytes == bytes, "%s: allreduce moved %lld bytes, expected %lld (%lld elements)", label,
          (long long)ar.bytes, (long long)bytes, (long long)count);
}

/* ---------------------------------------------------------------- tests */
static void test_blockdiag_family(dlops_dtype t) {
  dlops_op ops[8], B = NULL, B2 = NULL;
  int64_t nr, nc, nr2, nc2;
  int k = make_local_ops(0, bd_blocks, t, 0, ops);
  T_CALL(dlops_op_create_blockdiag(world, k, ops, -1, &B));
  free_ops(ops, k); /* the operator keeps its own references */
  zval *MB = global_dense(0, bd_blocks, t, 0, &nr, &nc);
  if (!B) {
    free(MB);
    return;
  }
  T_DOTTEST(B, t, "blockdiag");
  check_dense(B, MB, nr, nc, t, "blockdiag", 1);
  expect_silent(B, "blockdiag");

  /* the same blocks with one more row each: same domain, other range */
  k = make_local_ops(0, bd_blocks, t, 1, ops);
  T_CALL(dlops_op_create_blockdiag(world, k, ops, -1, &B2));
  free_ops(ops, k);
  zval *MB2 = global_dense(0, bd_blocks, t, 1, &nr2, &nc2);

  /* stacked_vstack [B; B2] */
  dlops_op SV = NULL, pair[2] = {B, B2};
  T_CALL(dlops_op_create_stacked_vstack(2, pair, &SV));
  if (SV) {
    zval *M = calloc((size_t)((nr + nr2) * nc) + 1, sizeof(zval));
    memcpy(M, MB, sizeof(zval) * (size_t)(nr * nc));
    memcpy(M + nr * nc, MB2, sizeof(zval) * (size_t)(nr2 * nc));
    T_DOTTEST(SV, t, "stacked_vstack");
    check_dense(SV, M, nr + nr2, nc, t, "stacked_vstack", 2);
    free(M);
  }
  dlops_op_destroy(&SV);

  /* stacked_blockdiag [B, D] with D a diagonal on the default split of 5 */
  int64_t nd = 5;
  zval *dz = calloc((size_t)nd, sizeof(zval));
  void *dv = rand_buf(nd, t, 55, dz);
  int64_t off = (int64_t)rank * (nd / P) + (rank < nd % P ? rank : nd % P);
  dlops_op D = NULL, SB = NULL;
  T_CALL(dlops_op_create_diagonal(world, nd, t, (char *)dv + (size_t)off * dlops_dtype_size(t), &D));
  dlops_op pair2[2] = {B, D};
  if (D) T_CALL(dlops_op_create_stacked_blockdiag(2, pair2, &SB));
  if (SB) {
    int64_t R = nr + nd, C = nc + nd;
    zval *M = calloc((size_t)(R * C), sizeof(zval));
    for (int64_t i = 0; i < nr; i++)
      for (int64_t j = 0; j < nc; j++) M[i * C + j] = MB[i * nc + j];
    for (int64_t i = 0; i < nd; i++) M[(nr + i) * C + nc + i] = dz[i];
    T_DOTTEST(SB, t, "stacked_blockdiag");
    check_dense(SB, M, R, C, t, "stacked_blockdiag", 3);
    expect_silent(SB, "stacked_blockdiag");
    free(M);
  }
  free(dv);
  free(dz);
  dlops_op_destroy(&SB);
  dlops_op_destroy(&D);

  /* algebra on distributed operators */
  dlops_op H = NULL, C = NULL, Q = NULL;
  T_CALL(dlops_op_create_adjoint(B, &H));
  T_CALL(dlops_op_create_product(H, B, &C)); /* B^H B */
  zval *MH = zadjoint_ref(MB, nr, nc), *MC = zgemm_ref(MH, MB, nc, nr, nc);
  if (C) {
    T_DOTTEST(C, t, "product B^H B");
    check_dense(C, MC, nc, nc, t, "product B^H B", 4);
    T_CALL(dlops_op_create_power(C, 2, &Q));
    zval *MQ = zgemm_ref(MC, MC, nc, nc, nc);
    if (Q) {
      T_DOTTEST(Q, t, "power (B^H B)^2");
      check_dense(Q, MQ, nc, nc, t, "power (B^H B)^2", 5);
    }
    free(MQ);
    dlops_op_destroy(&Q);
  }
  dlops_op_destroy(&C);
  dlops_scalar alpha = {-0.3, is_cplx(t) ? 1.1 : 0.0};
  T_CALL(dlops_op_create_scaled(B, alpha, &Q));
  if (Q) T_CALL(dlops_op_create_sum(B, Q, &C));
  if (C) {
    zval *M = malloc(sizeof(zval) * (size_t)(nr * nc + 1));
    for (int64_t i = 0; i < nr * nc; i++) M[i] = (1.0 + alpha.re + I * alpha.im) * MB[i];
    T_DOTTEST(C, t, "sum B + alpha B");
    check_dense(C, M, nr, nc, t, "sum B + alpha B", 6);
    free(M);
  }
  dlops_op_destroy(&C);
  dlops_op_destroy(&Q);
  T_CALL(dlops_op_create_transpose(B, &C));
  if (C) {
    for (int64_t i = 0; i < nr * nc; i++) MH[i] = conj(MH[i]);
    T_DOTTEST(C, t, "transpose B");
    check_dense(C, MH, nc, nr, t, "transpose B", 7);
  }
  dlops_op_destroy(&C);
  T_CALL(dlops_op_create_conj(B, &C));
  if (C) {
    zval *M = malloc(sizeof(zval) * (size_t)(nr * nc + 1));
    for (int64_t i = 0; i < nr * nc; i++) M[i] = conj(MB[i]);
    T_DOTTEST(C, t, "conj B");
    check_dense(C, M, nr, nc, t, "conj B", 8);
    free(M);
  }
  dlops_op_destroy(&C);
  free(MH);
  free(MC);
  dlops_op_destroy(&H);
  dlops_op_destroy(&B2);
  dlops_op_destroy(&B);
  free(MB);
  free(MB2);
}

/* Masked blockdiag (P even): colour r % 2, both groups hold the same replica. */
static void test_blockdiag_masked(dlops_dtype t) {
  if (P % 2) return;
  int g = rank / 2, G = P / 2;
  blk b = {2 + g, 1 + g, 0};
  dlops_op op = blk_op(b, t, blk_seed(5, g, 0, 0)), B = NULL;
  T_CALL(dlops_op_create_blockdiag(world, 1, &op, rank % 2, &B));
  dlops_op_destroy(&op);
  int64_t R = 0, C = 0;
  for (int q = 0; q < G; q++) {
    R += 2 + q;
    C += 1 + q;
  }
  zval *M = calloc((size_t)(R * C), sizeof(zval));
  int64_t r0 = 0, c0 = 0;
  for (int q = 0; q < G; q++) {
    blk bq = {2 + q, 1 + q, 0};
    zval *Mq = blk_dense(bq, t, blk_seed(5, q, 0, 0), NULL);
    for (int64_t i = 0; i < bq.m; i++)
      for (int64_t j = 0; j < bq.n; j++) M[(r0 + i) * C + c0 + j] = Mq[i * bq.n + j];
    r0 += bq.m;
    c0 += bq.n;
    free(Mq);
  }
  if (B) {
    T_DOTTEST(B, t, "blockdiag masked");
    check_dense(B, M, R, C, t, "blockdiag masked", 9);
    expect_silent(B, "blockdiag masked");
  }
  free(M);
  dlops_op_destroy(&B);
}

static void test_stacks(dlops_dtype t) {
  dlops_op ops[8], V = NULL, Hs = NULL, C = NULL;
  int64_t vr, vc, hr, hc;
  int k = make_local_ops(1, vs_blocks, t, 0, ops);
  T_CALL(dlops_op_create_vstack(world, k, ops, &V));
  free_ops(ops, k);
  zval *MV = global_dense(1, vs_blocks, t, 0, &vr, &vc);
  k = make_local_ops(2, hs_blocks, t, 0, ops);
  T_CALL(dlops_op_create_hstack(world, k, ops, &Hs));
  free_ops(ops, k);
  zval *MHs = global_dense(2, hs_blocks, t, 0, &hr, &hc);
  if (V) {
    T_DOTTEST(V, t, "vstack");
    check_dense(V, MV, vr, vc, t, "vstack", 10);
    int64_t calls;
    dlops_comm_counter ar;
    apply_counted(V, 0, &calls, &ar);
    T_CHECK(calls == 0, "vstack forward communicated (%lld calls)", (long long)calls);
    expect_one_allreduce(V, 1, vc, t, "vstack adjoint");
  }
  if (Hs) {
    T_DOTTEST(Hs, t, "hstack");
    check_dense(Hs, MHs, hr, hc, t, "hstack", 11);
    int64_t calls;
    dlops_comm_counter ar;
    apply_counted(Hs, 1, &calls, &ar);
    T_CHECK(calls == 0, "hstack adjoint communicated (%lld calls)", (long long)calls);
    expect_one_allreduce(Hs, 0, hr, t, "hstack forward");
  }
  if (V && Hs) {
    /* V Hs: SCATTER -> BROADCAST (4) -> SCATTER; V^H V: BROADCAST -> SCATTER -> BROADCAST */
    T_CALL(dlops_op_create_product(V, Hs, &C));
    zval *M = zgemm_ref(MV, MHs, vr, vc, hc);
    if (C) {
      T_DOTTEST(C, t, "product vstack*hstack");
      check_dense(C, M, vr, hc, t, "product vstack*hstack", 12);
    }
    free(M);
    dlops_op_destroy(&C);
    dlops_op VH = NULL;
    T_CALL(dlops_op_create_adjoint(V, &VH));
    if (VH) T_CALL(dlops_op_create_product(VH, V, &C));
    zval *MVH = zadjoint_ref(MV, vr, vc);
    M = zgemm_ref(MVH, MV, vc, vr, vc);
    if (C) {
      T_DOTTEST(C, t, "product vstack^H*vstack");
      check_dense(C, M, vc, vc, t, "product vstack^H*vstack", 13);
    }
    free(M);
    free(MVH);
    dlops_op_destroy(&C);
    dlops_op_destroy(&VH);
  }
  free(MV);
  free(MHs);
  dlops_op_destroy(&V);
  dlops_op_destroy(&Hs);
}

static void test_replicated(dlops_dtype t) {
  blk b = {4, 3, 0};
  zval *M = blk_dense(b, t, 4242, NULL);
  const dlops_partition parts[2] = {DLOPS_BROADCAST, DLOPS_UNSAFE_BROADCAST};
  for (int p = 0; p < 2; p++) {
    dlops_op L = blk_op(b, t, 4242), R = NULL;
    T_CALL(dlops_op_create_replicated(world, L, parts[p], &R));
    dlops_op_destroy(&L);
    if (R) {
      char label[48];
      snprintf(label, sizeof label, "replicated (%s)", dlops_partition_name(parts[p]));
      T_DOTTEST(R, t, label);
      check_dense(R, M, 4, 3, t, label, 14);
      expect_silent(R, label);
    }
    dlops_op_destroy(&R);
  }
  free(M);
}

static void test_user_dist(dlops_dtype t) {
  int64_t n = 7;
  dlops_darray tm = NULL;
  T_REQUIRE(dlops_darray_create(world, 1, &n, 0, DLOPS_SCATTER, t, &tm));
  dlops_op U = NULL;
  T_CALL(dlops_op_create_user(tm, tm, twice_cb, twice_cb, NULL, NULL, &U));
  dlops_darray_destroy(&tm);
  zval *M = calloc((size_t)(n * n), sizeof(zval));
  for (int64_t i = 0; i < n; i++) M[i * n + i] = 2;
  if (U) {
    T_DOTTEST(U, t, "user (distributed)");
    check_dense(U, M, n, n, t, "user (distributed)", 15);
  }
  free(M);
  dlops_op_destroy(&U);
}

int main(int argc, char **argv) {
  world = dlops_test_init(&argc, &argv);
  dlops_ctx_get_rank(world, &rank);
  dlops_ctx_get_size(world, &P);
  self = dlops_test_self_ctx(world);
  for (int k = 0; k < 4; k++) {
    dlops_dtype t = all_dtypes[k];
    test_blockdiag_family(t);
    test_blockdiag_masked(t);
    test_stacks(t);
    test_replicated(t);
    test_user_dist(t);
  }
  dlops_ctx_destroy(&self);
  return dlops_test_finish(world);
}
