/* Bad input to the dense entry points (dlops_pdgemm/psgemm/pzgemm/pcgemm, dlops_op_create_matmul,
 * dlops_op_matmul_get_layout, dlops_ceil_block): one bad argument per case, many of them passed by
 * one rank only (the last one, "1r" in the case name). Every rank must return the documented code
 * (the codes are gathered with MPI_Allgather and compared), the same message up to the rank, and
 * no rank may hang (the CTest TIMEOUT catches a hang); the caller's input arrays are unchanged
 * (checksums before and after every case). After the cases, valid calls still work.
 * docs/badinput-dense.md lists the cases and codes; DLOPS_TEST_VERBOSE=1 prints the table. */
#include <limits.h>
#include <stdint.h>

#include "dlops_test.h"

static int g_rank, g_size, g_cases, g_onerank;

/* the bad value on the last rank only */
#define ONE(bad, good) (g_rank == g_size - 1 ? (bad) : (good))

/* caller data, checksummed before and after every case */
#define NBUF 256
static double A[NBUF], B[NBUF], C[NBUF];
static float As[NBUF], Bs[NBUF], Cs[NBUF];
static uint64_t data_sum(void) {
  uint64_t h = 1469598103934665603ULL;
  const unsigned char *p[6] = {(const unsigned char *)A, (const unsigned char *)B, (const unsigned char *)C,
                               (const unsigned char *)As, (const unsigned char *)Bs, (const unsigned char *)Cs};
  const size_t n[6] = {sizeof A, sizeof B, sizeof C, sizeof As, sizeof Bs, sizeof Cs};
  for (int q = 0; q < 6; q++)
    for (size_t i = 0; i < n[q]; i++) h = (h ^ p[q][i]) * 1099511628211ULL;
  return h;
}
static uint64_t g_sum;

/* Collective over MPI_COMM_WORLD: every rank got want, with the same message, and the data is intact. */
static void expect(const char *name, int one_rank, int got, int want) {
  int *all = malloc(sizeof(int) * (size_t)g_size);
  MPI_Allgather(&got, 1, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD);
  for (int r = 0; r < g_size; r++)
    T_CHECK(all[r] == want, "%s: rank %d returned %d (%s), expected %d (%s); here: %s", name, r, all[r],
            dlops_error_string(all[r]), want, dlops_error_string(want), dlops_last_error());
  free(all);
  if (want != DLOPS_SUCCESS) {
    unsigned long h = dlops_test_msg_hash(), mm[2] = {h, ~h};
    MPI_Allreduce(MPI_IN_PLACE, mm, 2, MPI_UNSIGNED_LONG, MPI_MAX, MPI_COMM_WORLD);
    T_CHECK(mm[0] == h && mm[1] == ~h, "%s: ranks report different messages (here: %s)", name, dlops_last_error());
  }
  T_CHECK(data_sum() == g_sum, "%s: the caller's arrays changed", name);
  g_cases++;
  if (one_rank && g_size > 1) g_onerank++;
  if (g_rank == 0 && getenv("DLOPS_TEST_VERBOSE"))
    printf("| %s | %s | %s |\n", name, one_rank ? "last rank" : "all ranks", dlops_error_string(want));
}
/* a case whose bad value is a disagreement: meaningless on one rank */
#define MULTI if (g_size > 1)

/* ---------------------------------------------------------------- pdgemm family
 * Valid call: 1 x P grid (rank r at (0, r)), m = n = k = 8 in 2 x 2 blocks, lld 8. */
enum { D_TYPE, D_CTXT, D_M, D_N, D_MB, D_NB, D_RSRC, D_CSRC, D_LLD };
static void desc8(int *d) {
  const int v[9] = {1, -1, 8, 8, 2, 2, 0, 0, 8};
  memcpy(d, v, sizeof v);
}

static void pdgemm_cases(dlops_ctx ctx) {
  const int P = g_size;
  int da[9], db[9], dc[9], dx[9];
  desc8(da);
  desc8(db);
  desc8(dc);
  /* the valid call */
  int e = dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, da, B, db, 0.0, C, dc, 0);
  g_sum = data_sum(); /* C holds the product now */
  expect("pdgemm valid", 0, e, DLOPS_SUCCESS);

  expect("pdgemm ctx NULL", 0, dlops_pdgemm(NULL, 1, P, 8, 8, 8, 1.0, A, da, B, db, 0.0, C, dc, 0), DLOPS_ERR_ARG);
  /* a NULL context on one rank: that rank joins the others' agreement on the only multi-rank
   * context (dlops_agree_orphan), so nobody waits */
  expect("pdgemm ctx NULL 1r", 1, dlops_pdgemm(ONE(NULL, ctx), 1, P, 8, 8, 8, 1.0, A, da, B, db, 0.0, C, dc, 0),
         DLOPS_ERR_ARG);
  expect("pdgemm pr=0 1r", 1, dlops_pdgemm(ctx, ONE(0, 1), P, 8, 8, 8, 1.0, A, da, B, db, 0.0, C, dc, 0),
         DLOPS_ERR_ARG);
  expect("pdgemm pc=P+1 1r", 1, dlops_pdgemm(ctx, 1, ONE(P + 1, P), 8, 8, 8, 1.0, A, da, B, db, 0.0, C, dc, 0),
         DLOPS_ERR_ARG);
  MULTI expect("pdgemm grid 1xP vs Px1 1r (descriptors of one source)", 1,
               dlops_pdgemm(ctx, ONE(P, 1), ONE(1, P), 8, 8, 8, 1.0, A, da, B, db, 0.0, C, dc, 0), DLOPS_ERR_SIZE);
  expect("pdgemm m=-1 1r", 1, dlops_pdgemm(ctx, 1, P, ONE(-1, 8), 8, 8, 1.0, A, da, B, db, 0.0, C, dc, 0),
         DLOPS_ERR_ARG);
  expect("pdgemm n>INT_MAX 1r", 1,
         dlops_pdgemm(ctx, 1, P, 8, ONE((int64_t)INT_MAX + 1, 8), 8, 1.0, A, da, B, db, 0.0, C, dc, 0), DLOPS_ERR_ARG);
  expect("pdgemm k=9 vs descriptors 1r", 1,
         dlops_pdgemm(ctx, 1, P, 8, 8, ONE(9, 8), 1.0, A, da, B, db, 0.0, C, dc, 0), DLOPS_ERR_SIZE);
  /* m differs on one rank with descriptors that agree with it: the old MPI_ERR_TRUNCATE abort */
  {
    int ea[9], ec[9];
    memcpy(ea, da, sizeof ea);
    memcpy(ec, dc, sizeof ec);
    ea[D_M] = ec[D_M] = ONE(6, 8);
    MULTI expect("pdgemm m=6 with matching descriptors 1r", 1,
                 dlops_pdgemm(ctx, 1, P, ONE(6, 8), 8, 8, 1.0, A, ea, B, db, 0.0, C, ec, 0), DLOPS_ERR_SIZE);
    /* mb differs on one rank (A and C together, so the rank is consistent with itself) */
    memcpy(ea, da, sizeof ea);
    memcpy(ec, dc, sizeof ec);
    ea[D_MB] = ec[D_MB] = ONE(3, 2);
    MULTI expect("pdgemm mb=3 on A and C 1r", 1,
                 dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, ea, B, db, 0.0, C, ec, 0), DLOPS_ERR_SIZE);
  }
  MULTI expect("pdgemm alpha differs 1r", 1,
               dlops_pdgemm(ctx, 1, P, 8, 8, 8, ONE(2.0, 1.0), A, da, B, db, 0.0, C, dc, 0), DLOPS_ERR_SIZE);
  MULTI expect("pdgemm beta NaN 1r", 1, dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, da, B, db, ONE(NAN, 0.0), C, dc, 0),
               DLOPS_ERR_SIZE);
  expect("pdgemm desca NULL 1r", 1, dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, ONE(NULL, da), B, db, 0.0, C, dc, 0),
         DLOPS_ERR_ARG);
  expect("pdgemm descb NULL 1r", 1, dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, da, B, ONE(NULL, db), 0.0, C, dc, 0),
         DLOPS_ERR_ARG);
  expect("pdgemm descc NULL 1r", 1, dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, da, B, db, 0.0, C, ONE(NULL, dc), 0),
         DLOPS_ERR_ARG);
  /* one descriptor field at a time, on the last rank */
  struct {
    const char *name;
    int which, field, value, code;
  } dcase[] = {
      {"pdgemm desca type=2 1r", 0, D_TYPE, 2, DLOPS_ERR_ARG},
      {"pdgemm descb m=7 1r", 1, D_M, 7, DLOPS_ERR_SIZE},
      {"pdgemm descc n=9 1r", 2, D_N, 9, DLOPS_ERR_SIZE},
      {"pdgemm desca mb=0 1r", 0, D_MB, 0, DLOPS_ERR_ARG},
      {"pdgemm descb nb=-2 1r", 1, D_NB, -2, DLOPS_ERR_ARG},
      {"pdgemm desca rsrc=1 outside 1 x P 1r", 0, D_RSRC, 1, DLOPS_ERR_ARG},
      {"pdgemm descc csrc=-1 1r", 2, D_CSRC, -1, DLOPS_ERR_ARG},
      {"pdgemm descc ctxt differs from desca 1r", 2, D_CTXT, 7, DLOPS_ERR_ARG},
      {"pdgemm descc lld=1 1r", 2, D_LLD, 1, DLOPS_ERR_ARG},
      {"pdgemm desca lld=0 1r", 0, D_LLD, 0, DLOPS_ERR_ARG},
      {"pdgemm descb lld=7 1r", 1, D_LLD, 7, DLOPS_ERR_ARG},
  };
  for (size_t q = 0; q < sizeof dcase / sizeof dcase[0]; q++) {
    int ea[9], eb[9], ec[9];
    memcpy(ea, da, sizeof ea);
    memcpy(eb, db, sizeof eb);
    memcpy(ec, dc, sizeof ec);
    int *t = dcase[q].which == 0 ? ea : dcase[q].which == 1 ? eb : ec;
    if (g_rank == P - 1) t[dcase[q].field] = dcase[q].value;
    expect(dcase[q].name, 1, dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, ea, B, eb, 0.0, C, ec, 0), dcase[q].code);
  }
  /* B's column blocks differ from C's on every rank: a layout dlops does not support */
  {
    int eb[9];
    memcpy(eb, db, sizeof eb);
    eb[D_NB] = 4;
    expect("pdgemm descb nb != descc nb", 0, dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, da, B, eb, 0.0, C, dc, 0),
           DLOPS_ERR_UNSUPPORTED);
  }
  expect("pdgemm a NULL 1r", 1, dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, ONE(NULL, A), da, B, db, 0.0, C, dc, 0),
         DLOPS_ERR_ARG);
  expect("pdgemm b NULL 1r", 1, dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, da, ONE(NULL, B), db, 0.0, C, dc, 0),
         DLOPS_ERR_ARG);
  expect("pdgemm c NULL 1r", 1, dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, da, B, db, 0.0, ONE(NULL, C), dc, 0),
         DLOPS_ERR_ARG);
  expect("pdgemm nb=-1 1r", 1, dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, da, B, db, 0.0, C, dc, ONE(-1, 0)),
         DLOPS_ERR_ARG);
  MULTI expect("pdgemm nb=1 vs 0 1r", 1, dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, da, B, db, 0.0, C, dc, ONE(1, 0)),
               DLOPS_ERR_SIZE);
  /* one rank calls the single-precision variant: the element type must agree too */
  MULTI expect("pdgemm vs psgemm 1r", 1,
               g_rank == P - 1 ? dlops_psgemm(ctx, 1, P, 8, 8, 8, 1.0f, As, da, Bs, db, 0.0f, Cs, dc, 0)
                               : dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, da, B, db, 0.0, C, dc, 0),
               DLOPS_ERR_SIZE);
  {
    /* complex variants: alpha's imaginary part differs on one rank (arrays: 8 x 8 complex fit in 2 x NBUF) */
    dlops_scalar al = {1.0, ONE(0.5, 0.0)}, be = {0.0, 0.0};
    MULTI expect("pzgemm alpha.im differs 1r", 1, dlops_pzgemm(ctx, 1, P, 8, 8, 8, al, A, da, B, db, be, C, dc, 0),
                 DLOPS_ERR_SIZE);
    MULTI expect("pcgemm beta.re differs 1r", 1,
                 dlops_pcgemm(ctx, 1, P, 8, 8, 8, (dlops_scalar){1, 0}, As, da, Bs, db,
                              (dlops_scalar){ONE(2.0, 0.0), 0}, Cs, dc, 0),
                 DLOPS_ERR_SIZE);
    expect("pcgemm c NULL 1r", 1,
           dlops_pcgemm(ctx, 1, P, 8, 8, 8, (dlops_scalar){1, 0}, As, da, Bs, db, be, ONE(NULL, Cs), dc, 0),
           DLOPS_ERR_ARG);
    expect("psgemm m=-5 1r", 1, dlops_psgemm(ctx, 1, P, ONE(-5, 8), 8, 8, 1.0f, As, da, Bs, db, 0.0f, Cs, dc, 0),
           DLOPS_ERR_ARG);
  }
  /* size arithmetic that would overflow: INT_MAX x INT_MAX blocks on a 1 x 1 grid (no data is
   * touched: the check comes first) */
  {
    desc8(dx);
    dx[D_M] = dx[D_N] = dx[D_MB] = dx[D_NB] = dx[D_LLD] = INT_MAX;
    expect("pdgemm INT_MAX panels overflow", 0,
           dlops_pdgemm(ctx, 1, 1, INT_MAX, INT_MAX, INT_MAX, 1.0, A, dx, B, dx, 0.0, C, dx, 0), DLOPS_ERR_SIZE);
  }
  /* still healthy */
  e = dlops_pdgemm(ctx, 1, P, 8, 8, 8, 1.0, A, da, B, db, 1.0, C, dc, 0);
  g_sum = data_sum();
  expect("pdgemm valid after the bad cases", 0, e, DLOPS_SUCCESS);
}

/* ---------------------------------------------------------------- create_matmul, get_layout */
static void matmul_cases(dlops_ctx ctx) {
  const int P = g_size;
  const int64_t N = 6, K = 5, M = 4;
  dlops_op op = NULL;
  const dlops_matmul_kind S = DLOPS_MATMUL_SUMMA, Bk = DLOPS_MATMUL_BLOCK;
#define CM(kind, pr, pc, n, k, m, a, nb, dt, out) dlops_op_create_matmul(ctx, kind, pr, pc, n, k, m, a, nb, dt, out)
  expect("create_matmul valid", 0, CM(S, 0, 0, N, K, M, A, 0, DLOPS_F64, &op), DLOPS_SUCCESS);
  dlops_op_destroy(&op);
  expect("create_matmul ctx NULL", 0, dlops_op_create_matmul(NULL, S, 0, 0, N, K, M, A, 0, DLOPS_F64, &op),
         DLOPS_ERR_ARG);
  expect("create_matmul ctx NULL 1r", 1,
         dlops_op_create_matmul(ONE(NULL, ctx), S, 0, 0, N, K, M, A, 0, DLOPS_F64, &op), DLOPS_ERR_ARG);
  T_CHECK(op == NULL, "create_matmul ctx NULL 1r left an operator behind");
  expect("create_matmul kind=7 1r", 1, CM(ONE(7, S), 0, 0, N, K, M, A, 0, DLOPS_F64, &op), DLOPS_ERR_ARG);
  MULTI expect("create_matmul kind BLOCK vs SUMMA 1r", 1, CM(ONE(Bk, S), 0, 0, N, K, M, A, 0, DLOPS_F64, &op),
               DLOPS_ERR_SIZE);
  expect("create_matmul pr=-1 1r", 1, CM(S, ONE(-1, 1), 1, N, K, M, A, 0, DLOPS_F64, &op), DLOPS_ERR_ARG);
  expect("create_matmul pc=P+1 1r", 1, CM(S, 1, ONE(P + 1, 1), N, K, M, A, 0, DLOPS_F64, &op), DLOPS_ERR_ARG);
  MULTI expect("create_matmul grid 1xP vs Px1 1r", 1, CM(S, ONE(P, 1), ONE(1, P), N, K, M, A, 0, DLOPS_F64, &op),
               DLOPS_ERR_SIZE);
  expect("create_matmul N=-1 1r", 1, CM(S, 0, 0, ONE(-1, N), K, M, A, 0, DLOPS_F64, &op), DLOPS_ERR_ARG);
  MULTI expect("create_matmul N differs 1r", 1, CM(S, 0, 0, ONE(N + 1, N), K, M, A, 0, DLOPS_F64, &op),
               DLOPS_ERR_SIZE);
  expect("create_matmul K>INT_MAX 1r", 1,
         CM(S, 0, 0, N, ONE((int64_t)INT_MAX + 1, K), M, A, 0, DLOPS_F64, &op), DLOPS_ERR_UNSUPPORTED);
  MULTI expect("create_matmul K differs 1r", 1, CM(S, 0, 0, N, ONE(K - 1, K), M, A, 0, DLOPS_F64, &op),
               DLOPS_ERR_SIZE);
  expect("create_matmul M=-3 1r", 1, CM(S, 0, 0, N, K, ONE(-3, M), A, 0, DLOPS_F64, &op), DLOPS_ERR_ARG);
  MULTI expect("create_matmul M differs 1r", 1, CM(S, 0, 0, N, K, ONE(M + 2, M), A, 0, DLOPS_F64, &op),
               DLOPS_ERR_SIZE);
  expect("create_matmul dtype=99 1r", 1, CM(S, 0, 0, N, K, M, A, 0, ONE((dlops_dtype)99, DLOPS_F64), &op),
         DLOPS_ERR_ARG);
  MULTI expect("create_matmul dtype F32 vs F64 1r", 1, CM(S, 0, 0, N, K, M, A, 0, ONE(DLOPS_F32, DLOPS_F64), &op),
               DLOPS_ERR_SIZE);
  expect("create_matmul nb=-1 1r", 1, CM(S, 0, 0, N, K, M, A, ONE(-1, 0), DLOPS_F64, &op), DLOPS_ERR_ARG);
  MULTI expect("create_matmul nb=2 vs default 1r", 1, CM(S, 0, 0, N, K, M, A, ONE(2, 0), DLOPS_F64, &op),
               DLOPS_ERR_SIZE);
  /* the case: a NULL local A (non-empty tile) on one rank, SUMMA and block */
  expect("create_matmul SUMMA A_local NULL 1r", 1, CM(S, 0, 0, N, K, M, ONE(NULL, A), 0, DLOPS_F64, &op),
         DLOPS_ERR_ARG);
  expect("create_matmul BLOCK A_local NULL 1r", 1, CM(Bk, 0, 0, N, K, M, ONE(NULL, A), 0, DLOPS_F64, &op),
         DLOPS_ERR_ARG);
  /* one-sided SUMMA: valid, and mismatched or bad on one rank */
  const dlops_matmul_kind R = DLOPS_MATMUL_SUMMA_RMA;
  expect("create_matmul SUMMA_RMA valid", 0, CM(R, 0, 0, N, K, M, A, 0, DLOPS_F64, &op), DLOPS_SUCCESS);
  dlops_op_destroy(&op);
  MULTI expect("create_matmul kind SUMMA vs SUMMA_RMA 1r", 1, CM(ONE(S, R), 0, 0, N, K, M, A, 0, DLOPS_F64, &op),
               DLOPS_ERR_SIZE);
  expect("create_matmul SUMMA_RMA A_local NULL 1r", 1, CM(R, 0, 0, N, K, M, ONE(NULL, A), 0, DLOPS_F64, &op),
         DLOPS_ERR_ARG);
  expect("create_matmul SUMMA_RMA grid too big 1r", 1, CM(R, ONE(P + 1, 1), 1, N, K, M, A, 0, DLOPS_F64, &op),
         DLOPS_ERR_ARG);
  expect("create_matmul SUMMA_RMA nb=-1 1r", 1, CM(R, 0, 0, N, K, M, A, ONE(-1, 0), DLOPS_F64, &op), DLOPS_ERR_ARG);
  T_CHECK(op == NULL, "a failed one-sided create_matmul left an operator behind");
  expect("create_matmul out NULL 1r", 1, CM(S, 0, 0, N, K, M, A, 0, DLOPS_F64, ONE(NULL, &op)), DLOPS_ERR_ARG);
  /* size arithmetic: a panel width whose buffer size overflows, and INT_MAX-sized products */
  expect("create_matmul nb=INT64_MAX overflow 1r", 1, CM(S, 0, 0, N, K, M, A, ONE(INT64_MAX, 0), DLOPS_F64, &op),
         DLOPS_ERR_SIZE);
  expect("create_matmul N=K=M=INT_MAX C128 overflow", 0,
         CM(S, 0, 0, INT_MAX, INT_MAX, INT_MAX, A, 0, DLOPS_C128, &op), DLOPS_ERR_SIZE);
  T_CHECK(op == NULL, "a failed create_matmul left an operator behind");
#undef CM
  /* get_layout (local: not collective, every rank passes the same bad value) */
  int pr = -5;
  expect("matmul_get_layout A NULL", 0, dlops_op_matmul_get_layout(NULL, &pr, NULL, NULL, NULL, NULL, NULL, NULL),
         DLOPS_ERR_ARG);
  T_CHECK(pr == -5, "get_layout wrote an output on failure");
  T_REQUIRE(dlops_op_create_matmul(ctx, S, 0, 0, N, K, M, A, 0, DLOPS_F64, &op));
  dlops_op adj = NULL;
  T_REQUIRE(dlops_op_create_adjoint(op, &adj));
  expect("matmul_get_layout non-matmul operator", 0,
         dlops_op_matmul_get_layout(adj, &pr, NULL, NULL, NULL, NULL, NULL, NULL), DLOPS_ERR_ARG);
  T_CHECK(pr == -5, "get_layout wrote an output on failure");
  expect("matmul_get_layout valid, NULL outputs", 0,
         dlops_op_matmul_get_layout(op, NULL, NULL, NULL, NULL, NULL, NULL, NULL), DLOPS_SUCCESS);
  dlops_op_destroy(&adj);
  dlops_op_destroy(&op);
  /* ceil_block (local) */
  int64_t s = -1, l = -1;
  expect("ceil_block n=-1", 0, dlops_ceil_block(-1, 2, 0, &s, &l), DLOPS_ERR_ARG);
  expect("ceil_block q=0", 0, dlops_ceil_block(4, 0, 0, &s, &l), DLOPS_ERR_ARG);
  expect("ceil_block t=q", 0, dlops_ceil_block(4, 2, 2, &s, &l), DLOPS_ERR_ARG);
  expect("ceil_block len NULL", 0, dlops_ceil_block(4, 2, 0, &s, NULL), DLOPS_ERR_ARG);
  expect("ceil_block n=INT64_MAX (no wrap)", 0, dlops_ceil_block(INT64_MAX, 3, 2, &s, &l), DLOPS_SUCCESS);
  T_CHECK(s >= 0 && l >= 0 && s <= INT64_MAX - l, "ceil_block(INT64_MAX, 3, 2) = [%lld, +%lld)", (long long)s,
          (long long)l);
  expect("ceil_block n=INT64_MAX q=INT_MAX t=q-1 (no wrap)", 0, dlops_ceil_block(INT64_MAX, INT_MAX, INT_MAX - 1, &s, &l),
         DLOPS_SUCCESS);
  T_CHECK(s >= 0 && l >= 0 && s <= INT64_MAX - l, "ceil_block(INT64_MAX, INT_MAX, INT_MAX-1) = [%lld, +%lld)",
          (long long)s, (long long)l);
  /* still healthy: a valid operator applies */
  T_REQUIRE(dlops_op_create_matmul(ctx, S, 0, 0, N, K, M, A, 0, DLOPS_F64, &op));
  dlops_darray x = NULL, y = NULL;
  T_REQUIRE(dlops_op_create_vecs(op, &x, &y));
  T_CALL(dlops_op_apply(op, x, y));
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&op);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  for (int q = 0; q < NBUF; q++) {
    A[q] = As[q] = (float)(0.25 * (q % 17) - 1.0);
    B[q] = Bs[q] = (float)(0.5 * (q % 13) - 2.0);
    C[q] = Cs[q] = (float)(q % 7);
  }
  g_sum = data_sum();
  if (g_rank == 0 && getenv("DLOPS_TEST_VERBOSE")) printf("| case | bad value on | code on every rank |\n|---|---|---|\n");
  pdgemm_cases(ctx);
  matmul_cases(ctx);
  if (g_rank == 0)
    printf("dense bad-input: %d cases at NP %d, %d of them with the bad value on one rank only\n", g_cases, g_size,
           g_onerank);
  return dlops_test_finish(ctx);
}
