/* Fredholm1 (dlops_op_create_fredholm1) and MPIFredholm1 (dlops_op_create_mpi_fredholm1),
 * labels ops, dottest:
 *   - the local operator against a dense serial block-diagonal matrix (slice k: G[k] kron I_nz),
 *     forward and adjoint, every dtype, with and without saveGt, nz = 1 and nz > 1; dot tests;
 *   - local operators (a different kernel on every rank) inside BlockDiag on P ranks: dot tests;
 *   - MPIFredholm1 with uneven slice counts (rank r holds r + 1 slices; and a split where rank 0
 *     holds none) against the same dense matrix on the whole kernel, BROADCAST and
 *     UNSAFE_BROADCAST, saveGt 0/1, every dtype; dot tests; its communication per apply exactly:
 *     one allgatherv contributing nsl_r nx nz (forward) or nsl_r ny nz (adjoint) elements, no
 *     other data call;
 *   - bad input: the local one on several ranks, sizes < 1, NULL kernel, bad dtype; the
 *     distributed one with a SCATTER partition, and nx, saveGt, dtype differing on one rank, a
 *     NULL kernel or a negative count on one rank, no slice anywhere: the same code on every
 *     rank, no handle left. */
#include "ops_test_util.h"

static int rank_, size_;

/* Dense matrix of Fredholm1 on the whole kernel G (nsl x nx x ny, as double complex):
 * rows (k, i, z), columns (k, j, z): G[k][i][j] when z matches. */
static zval *fred_dense(const zval *G, int64_t nsl, int64_t nx, int64_t ny, int64_t nz, int64_t *nr, int64_t *nc) {
  *nr = nsl * nx * nz;
  *nc = nsl * ny * nz;
  zval *M = calloc((size_t)(*nr * *nc), sizeof(zval));
  for (int64_t k = 0; k < nsl; k++)
    for (int64_t i = 0; i < nx; i++)
      for (int64_t j = 0; j < ny; j++)
        for (int64_t z = 0; z < nz; z++)
          M[((k * nx + i) * nz + z) * *nc + (k * ny + j) * nz + z] = G[(k * nx + i) * ny + j];
  return M;
}

static const int64_t cases[][4] = {{3, 4, 5, 2}, {2, 3, 3, 1}, {1, 6, 2, 3}}; /* nsl, nx, ny, nz */

static void test_local(dlops_ctx self) {
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
    for (int ti = 0; ti < 4; ti++)
      for (int sg = 0; sg < 2; sg++) {
        const dlops_dtype t = all_dtypes[ti];
        const int64_t nsl = cases[c][0], nx = cases[c][1], ny = cases[c][2], nz = cases[c][3];
        zval *Gz = malloc(sizeof(zval) * (size_t)(nsl * nx * ny));
        void *G = rand_buf(nsl * nx * ny, t, 40u + c, Gz);
        char label[80];
        snprintf(label, sizeof label, "fredholm1 %lldx%lldx%lld nz=%lld saveGt=%d", (long long)nsl, (long long)nx,
                 (long long)ny, (long long)nz, sg);
        dlops_op A = NULL;
        T_CALL(dlops_op_create_fredholm1(self, nsl, nx, ny, nz, G, sg, t, &A));
        if (A) {
          int64_t nr = 0, nc = 0;
          zval *M = fred_dense(Gz, nsl, nx, ny, nz, &nr, &nc);
          check_dense(A, M, nr, nc, t, label, 7u + c);
          T_DOTTEST(A, t, label);
          free(M);
        }
        dlops_op_destroy(&A);
        free(G);
        free(Gz);
      }
}

/* Local operators, each rank its own kernel (and slice count), in BlockDiag. */
static void test_blockdiag(dlops_ctx ctx, dlops_ctx self) {
  for (int ti = 0; ti < 4; ti++) {
    const dlops_dtype t = all_dtypes[ti];
    const int64_t nsl = 1 + rank_ % 3, nx = 3, ny = 4, nz = 2;
    void *G = rand_buf(nsl * nx * ny, t, 90u + (unsigned)rank_, NULL);
    dlops_op L = NULL, B = NULL;
    T_CALL(dlops_op_create_fredholm1(self, nsl, nx, ny, nz, G, rank_ % 2, t, &L));
    T_CALL(dlops_op_create_blockdiag(ctx, 1, &L, -1, &B));
    if (B) T_DOTTEST(B, t, "blockdiag(fredholm1)");
    dlops_op_destroy(&B);
    dlops_op_destroy(&L);
    free(G);
  }
}

/* Rank r's slices under split s: 0: r + 1 slices; 1: none on rank 0, 2 on the others (one on a
 * one-rank run). */
static void split(int s, int r, int64_t *n, int64_t *first) {
  *first = 0;
  for (int q = 0; q <= r; q++) {
    int64_t m = s == 0 ? q + 1 : (size_ == 1 ? 1 : (q == 0 ? 0 : 2));
    if (q == r) *n = m;
    else *first += m;
  }
}

static void test_mpi(dlops_ctx ctx) {
  const int64_t nx = 3, ny = 4, nz = 2;
  for (int s = 0; s < 2; s++)
    for (int ti = 0; ti < 4; ti++)
      for (int v = 0; v < 2; v++) {
        const dlops_dtype t = all_dtypes[ti];
        const dlops_partition part = v ? DLOPS_UNSAFE_BROADCAST : DLOPS_BROADCAST;
        int64_t total = 0, first = 0, nloc = 0, tmp = 0;
        for (int q = 0; q < size_; q++) {
          split(s, q, &nloc, &tmp);
          total += nloc;
        }
        split(s, rank_, &nloc, &first);
        /* the whole kernel, the same on every rank; this rank passes its slices */
        zval *Gz = malloc(sizeof(zval) * (size_t)(total * nx * ny));
        void *G = rand_buf(total * nx * ny, t, 60u + (unsigned)s, Gz);
        const char *mine = (const char *)G + (size_t)(first * nx * ny) * dlops_dtype_size(t);
        char label[80];
        snprintf(label, sizeof label, "mpi_fredholm1 split %d %s saveGt=%d", s, dlops_partition_name(part), v);
        dlops_op A = NULL;
        T_CALL(dlops_op_create_mpi_fredholm1(ctx, nloc, nx, ny, nz, nloc ? mine : NULL, v, part, t, &A));
        if (!A) {
          free(G);
          free(Gz);
          continue;
        }
        int64_t nr = 0, nc = 0;
        zval *M = fred_dense(Gz, total, nx, ny, nz, &nr, &nc);
        check_dense(A, M, nr, nc, t, label, 3u + (unsigned)s);
        T_DOTTEST(A, t, label);
        /* communication per apply, exactly */
        dlops_darray x = NULL, y = NULL;
        T_CALL(dlops_op_create_vecs(A, &x, &y));
        T_CALL(dlops_darray_fill_random(x, 5u, -1.0, 1.0));
        T_CALL(dlops_darray_fill_random(y, 6u, -1.0, 1.0));
        const int64_t es = (int64_t)dlops_dtype_size(t);
        for (int adj = 0; adj < 2; adj++) {
          T_CALL(dlops_ctx_reset_counters(ctx));
          T_CALL(adj ? dlops_op_apply_adjoint(A, y, x) : dlops_op_apply(A, x, y));
          dlops_comm_counter g;
          T_CALL(dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLGATHER, &g));
          const int64_t want = size_ > 1 ? nloc * (adj ? ny : nx) * nz * es : 0;
          T_CHECK(g.calls == 1 && g.bytes == want && comm_calls(ctx) == 1,
                  "%s (%s) %s: allgather calls %lld bytes %lld (want 1 and %lld), %lld data calls in all (want 1)",
                  label, dlops_dtype_name(t), adj ? "adjoint" : "forward", (long long)g.calls, (long long)g.bytes,
                  (long long)want, (long long)comm_calls(ctx));
        }
        dlops_darray_destroy(&x);
        dlops_darray_destroy(&y);
        dlops_op_destroy(&A);
        free(M);
        free(G);
        free(Gz);
      }
}

static void test_errors(dlops_ctx ctx, dlops_ctx self) {
  double G[2 * 3 * 4 * 2];
  for (int k = 0; k < 2 * 3 * 4 * 2; k++) G[k] = 0.5 + k;
  dlops_op A = NULL;
  /* local */
  T_EXPECT_ERR(dlops_op_create_fredholm1(self, 0, 3, 4, 2, G, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fredholm1(self, 2, 0, 4, 2, G, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fredholm1(self, 2, 3, 4, 0, G, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fredholm1(self, 2, 3, 4, 2, NULL, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fredholm1(self, 2, 3, 4, 2, G, 0, (dlops_dtype)9, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fredholm1(self, 2, 3, 4, 2, G, 0, DLOPS_F64, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fredholm1(NULL, 2, 3, 4, 2, G, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fredholm1(self, 2, (int64_t)1 << 31, 4, 2, G, 0, DLOPS_F64, &A), DLOPS_ERR_UNSUPPORTED);
  T_EXPECT_ERR(dlops_op_create_fredholm1(self, (int64_t)1 << 40, 1 << 20, 1 << 20, 1, G, 0, DLOPS_F64, &A),
               DLOPS_ERR_SIZE);
  if (size_ > 1) T_EXPECT_ERR(dlops_op_create_fredholm1(ctx, 2, 3, 4, 2, G, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  /* distributed: the same code on every rank */
  T_EXPECT_ERR(dlops_op_create_mpi_fredholm1(ctx, 2, 3, 4, 2, G, 0, DLOPS_SCATTER, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_mpi_fredholm1(ctx, 0, 3, 4, 2, NULL, 0, DLOPS_BROADCAST, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_mpi_fredholm1(ctx, 2, 3, 4, 2, G, 0, DLOPS_BROADCAST, DLOPS_F64, NULL), DLOPS_ERR_ARG);
  const int last = rank_ == size_ - 1;
  T_EXPECT_ERR(dlops_op_create_mpi_fredholm1(ctx, last ? -1 : 2, 3, 4, 2, G, 0, DLOPS_BROADCAST, DLOPS_F64, &A),
               DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_mpi_fredholm1(ctx, 2, 3, 4, 2, last ? NULL : G, 0, DLOPS_BROADCAST, DLOPS_F64, &A),
               DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_mpi_fredholm1(ctx, 2, 3, last ? 0 : 4, 2, G, 0, DLOPS_BROADCAST, DLOPS_F64, &A),
               DLOPS_ERR_ARG);
  if (size_ > 1) {
    T_EXPECT_ERR(dlops_op_create_mpi_fredholm1(ctx, 2, rank_ ? 3 : 2, 4, 2, G, 0, DLOPS_BROADCAST, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_mpi_fredholm1(ctx, 2, 3, 4, 2, G, rank_ == 1, DLOPS_BROADCAST, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_mpi_fredholm1(ctx, 2, 3, 4, 2, G, 0, DLOPS_BROADCAST, rank_ ? DLOPS_F64 : DLOPS_F32,
                                               &A),
                 DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_mpi_fredholm1(ctx, 2, 3, 4, 2, G, 0, rank_ ? DLOPS_BROADCAST : DLOPS_UNSAFE_BROADCAST,
                                               DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
  }
  T_CHECK(A == NULL, "a failed creation left a handle");
  /* the context still works; a SCATTER vector is refused by the apply */
  T_CALL(dlops_op_create_mpi_fredholm1(ctx, 2, 3, 4, 2, G, 0, DLOPS_BROADCAST, DLOPS_F64, &A));
  dlops_darray xs = NULL, y = NULL;
  const int64_t n = 2 * size_ * 4 * 2;
  T_CALL(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &xs));
  T_CALL(dlops_op_create_vecs(A, NULL, &y));
  if (xs && y) T_CHECK(dlops_op_apply(A, xs, y) != DLOPS_SUCCESS, "apply to a SCATTER model was accepted");
  dlops_darray_destroy(&xs);
  dlops_darray_destroy(&y);
  T_CALL(dlops_op_destroy(&A));
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  dlops_ctx self = dlops_test_self_ctx(ctx);
  test_local(self);
  test_blockdiag(ctx, self);
  test_mpi(ctx);
  test_errors(ctx, self);
  dlops_ctx_destroy(&self);
  return dlops_test_finish(ctx);
}
