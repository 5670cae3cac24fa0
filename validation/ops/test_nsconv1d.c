/* Non-stationary 1-D convolution (dlops_op_create_nonstationary_convolve1d), labels ops,
 * dottest:
 *   - against a dense serial matrix built from PyLops' definition (filters interpolated as
 *     _interpolate_h, H[j][i] = h_i[j - i + nh/2]), forward and exact adjoint, every dtype, the
 *     axis first, in the middle and last (on several ranks: axes > 0 of a model split along axis
 *     0), filters of 1 to 7 taps, 2 to 4 filters, positions that start after sample 0 and end
 *     before the last (the first/last filter is held outside);
 *   - dot tests; the local operator (one per rank, each its own filters) inside BlockDiag;
 *   - host only: on the emulated device (the suite's EMU runs) the creation is refused with
 *     DLOPS_ERR_UNSUPPORTED naming the operator;
 *   - the distributed form (dlops_op_create_mpi_nonstationary_convolve1d), split along the
 *     filtered axis (first, middle, last; uneven ceil blocks), against the same dense matrix,
 *     dot tests, and its communication per apply exactly: one neighbour exchange of nh/2 rows
 *     to each neighbour, nothing else; refused on the emulated device too; blocks shorter than
 *     nh/2 (DLOPS_ERR_SIZE) and filters differing on one rank (DLOPS_ERR_ARG);
 *   - bad input the same on every rank: an even filter length, one filter, irregular or
 *     decreasing positions, a position outside the axis, axis 0 on several ranks, NULL filters,
 *     positions that differ on one rank. */
#include "ops_test_util.h"

static int rank_, size_;

/* the filter at sample i as PyLops' _interpolate_h, in double complex */
static void interp(const zval *hs, int64_t nf, int64_t nh, const int64_t *ih, int64_t i, zval *h) {
  const int64_t oh = ih[0], dh = ih[1] - ih[0];
  const double q = (double)(i - oh) / (double)dh;
  const int64_t c = (int64_t)floor(q);
  for (int64_t k = 0; k < nh; k++) {
    if (c < 0) h[k] = hs[k];
    else if (c >= nf - 1) h[k] = hs[(nf - 1) * nh + k];
    else h[k] = (1.0 - (q - (double)c)) * hs[c * nh + k] + (q - (double)c) * hs[(c + 1) * nh + k];
  }
}

/* dense matrix of the operator on the whole model */
static zval *dense(int ndim, const int64_t *dims, int axis, const zval *hs, int64_t nf, int64_t nh, const int64_t *ih,
                   int64_t *N) {
  int64_t outer = 1, inner = 1, n = dims[axis];
  for (int k = 0; k < axis; k++) outer *= dims[k];
  for (int k = axis + 1; k < ndim; k++) inner *= dims[k];
  zval *Mt = calloc((size_t)(n * n), sizeof(zval)), *h = calloc((size_t)nh, sizeof(zval));
  for (int64_t i = 0; i < n; i++) {
    interp(hs, nf, nh, ih, i, h);
    for (int64_t k = 0; k < nh; k++) {
      const int64_t j = i - nh / 2 + k;
      if (j >= 0 && j < n) Mt[j * n + i] += h[k];
    }
  }
  *N = outer * n * inner;
  zval *M = calloc((size_t)(*N * *N), sizeof(zval));
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < n; j++)
      for (int64_t i = 0; i < n; i++)
        for (int64_t r = 0; r < inner; r++) M[((o * n + j) * inner + r) * *N + (o * n + i) * inner + r] = Mt[j * n + i];
  free(Mt);
  free(h);
  return M;
}

static void test_operator(dlops_ctx ctx, dlops_ctx self) {
  const int64_t P = size_;
  struct {
    int ndim;
    int64_t dims[3];
    int axis, local;
    int64_t nf, nh, ih[4];
  } cs[] = {
      {1, {13}, 0, 1, 3, 5, {2, 6, 10}},            /* PyLops' 1-D case */
      {2, {12, 3}, 0, 1, 2, 3, {0, 11}},            /* filters at the two ends */
      {3, {P + 1, 11, 3}, 1, 0, 4, 7, {1, 3, 5, 7}}, /* middle axis, a filter longer than the step */
      {3, {P + 2, 3, 12}, -1, 0, 3, 5, {3, 5, 7}},   /* the last axis, held filters at both ends */
      {2, {P, 9}, 1, 0, 2, 1, {4, 8}},               /* one tap: a diagonal */
  };
  for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++)
    for (int ti = 0; ti < 4; ti++) {
      const dlops_dtype t = all_dtypes[ti];
      const int64_t nf = cs[c].nf, nh = cs[c].nh;
      zval *hz = malloc(sizeof(zval) * (size_t)(nf * nh));
      void *hs = rand_buf(nf * nh, t, 200u + c, hz);
      dlops_ctx on = cs[c].local ? self : ctx;
      const int ax = cs[c].axis < 0 ? cs[c].axis + cs[c].ndim : cs[c].axis;
      char label[80];
      snprintf(label, sizeof label, "nsconv1d case %zu axis %d nh %lld", c, ax, (long long)nh);
      dlops_op A = NULL;
      T_CALL(dlops_op_create_nonstationary_convolve1d(on, cs[c].ndim, cs[c].dims, cs[c].axis, nf, nh, hs, cs[c].ih, t,
                                                      &A));
      if (A) {
        int64_t N = 0;
        zval *M = dense(cs[c].ndim, cs[c].dims, ax, hz, nf, nh, cs[c].ih, &N);
        check_dense(A, M, N, N, t, label, 300u + c);
        T_DOTTEST(A, t, label);
        free(M);
      }
      dlops_op_destroy(&A);
      free(hs);
      free(hz);
    }
  /* one local operator per rank, each with its own filters, inside BlockDiag */
  for (int ti = 0; ti < 4; ti++) {
    const dlops_dtype t = all_dtypes[ti];
    const int64_t dims[2] = {9 + rank_, 2}, ih[3] = {1, 4, 7};
    void *hs = rand_buf(3 * 5, t, 500u + (unsigned)rank_, NULL);
    dlops_op L = NULL, B = NULL;
    T_CALL(dlops_op_create_nonstationary_convolve1d(self, 2, dims, 0, 3, 5, hs, ih, t, &L));
    T_CALL(dlops_op_create_blockdiag(ctx, 1, &L, -1, &B));
    if (B) T_DOTTEST(B, t, "blockdiag(nsconv1d)");
    dlops_op_destroy(&B);
    dlops_op_destroy(&L);
    free(hs);
  }
}

static void test_errors(dlops_ctx ctx) {
  const int64_t dims[2] = {size_ + 1, 12}, ih[3] = {1, 5, 9};
  double hs[3 * 5];
  for (int k = 0; k < 15; k++) hs[k] = 0.1 * k;
  dlops_op A = NULL;
#define CREATE(nd, dm, ax, nf, nh, h, i, t, out) dlops_op_create_nonstationary_convolve1d(ctx, nd, dm, ax, nf, nh, h, i, t, out)
  T_EXPECT_ERR(CREATE(2, dims, 1, 3, 4, hs, ih, DLOPS_F64, &A), DLOPS_ERR_ARG); /* even length */
  T_EXPECT_ERR(CREATE(2, dims, 1, 1, 5, hs, ih, DLOPS_F64, &A), DLOPS_ERR_ARG); /* one filter */
  T_EXPECT_ERR(CREATE(2, dims, 1, 3, 5, NULL, ih, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(CREATE(2, dims, 1, 3, 5, hs, NULL, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(CREATE(2, dims, 1, 3, 5, hs, ih, (dlops_dtype)9, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(CREATE(2, dims, 1, 3, 5, hs, ih, DLOPS_F64, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(CREATE(2, dims, 2, 3, 5, hs, ih, DLOPS_F64, &A), DLOPS_ERR_ARG);
  const int64_t irregular[3] = {1, 5, 8}, decreasing[3] = {9, 5, 1}, outside[3] = {4, 8, 12}, neg[3] = {-3, 1, 5};
  T_EXPECT_ERR(CREATE(2, dims, 1, 3, 5, hs, irregular, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(CREATE(2, dims, 1, 3, 5, hs, decreasing, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(CREATE(2, dims, 1, 3, 5, hs, outside, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(CREATE(2, dims, 1, 3, 5, hs, neg, DLOPS_F64, &A), DLOPS_ERR_ARG);
  if (size_ > 1) T_EXPECT_ERR(CREATE(2, dims, 0, 3, 5, hs, ih, DLOPS_F64, &A), DLOPS_ERR_ARG);
  /* one rank differs: its positions, or a bad length on the last rank only */
  const int64_t other[3] = {2, 6, 10};
  if (size_ > 1) T_EXPECT_ERR(CREATE(2, dims, 1, 3, 5, hs, rank_ ? ih : other, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(CREATE(2, dims, 1, 3, rank_ == size_ - 1 ? 4 : 5, hs, ih, DLOPS_F64, &A), DLOPS_ERR_ARG);
#undef CREATE
  T_CHECK(A == NULL, "a failed creation left a handle");
  T_CALL(dlops_op_create_nonstationary_convolve1d(ctx, 2, dims, 1, 3, 5, hs, ih, DLOPS_F64, &A));
  T_CALL(dlops_op_destroy(&A));
}

/* The distributed vectors concatenate the ranks' blocks (PyLops-MPI's layout for MPIHalo), each
 * in C order: the C index of the global array at vector position p, and M permuted to match. */
static zval *block_order(const zval *M, int ndim, const int64_t *dims, int ax, int64_t N) {
  int64_t *perm = malloc(sizeof(int64_t) * (size_t)N), p = 0, outer = 1, inner = 1, n = dims[ax];
  for (int k = 0; k < ax; k++) outer *= dims[k];
  for (int k = ax + 1; k < ndim; k++) inner *= dims[k];
  for (int r = 0; r < size_; r++) {
    int64_t st = 0, len = 0;
    dlops_ceil_block(n, size_, r, &st, &len);
    for (int64_t o = 0; o < outer; o++)
      for (int64_t i = st; i < st + len; i++)
        for (int64_t c = 0; c < inner; c++) perm[p++] = (o * n + i) * inner + c;
  }
  zval *B = malloc(sizeof(zval) * (size_t)(N * N));
  for (int64_t a = 0; a < N; a++)
    for (int64_t b = 0; b < N; b++) B[a * N + b] = M[perm[a] * N + perm[b]];
  free(perm);
  return B;
}

static void test_mpi(dlops_ctx ctx) {
  const int64_t P = size_;
  struct {
    int ndim;
    int64_t dims[3];
    int axis;
    int64_t nf, nh, ih[4];
  } cs[] = {
      {1, {5 * P + 1}, 0, 3, 5, {0, 2, 4}},        /* 1-D, uneven blocks */
      {3, {2, 4 * P + 3, 3}, 1, 4, 3, {0, 2, 4, 6}}, /* middle axis */
      {2, {3, 6 * P}, -1, 2, 5, {2, 5}},            /* last axis */
      {2, {3 * P, 2}, 0, 2, 1, {0, 2}},             /* one tap: no halo */
  };
  for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++)
    for (int ti = 0; ti < 4; ti++) {
      const dlops_dtype t = all_dtypes[ti];
      const int64_t nf = cs[c].nf, nh = cs[c].nh;
      zval *hz = malloc(sizeof(zval) * (size_t)(nf * nh));
      void *hs = rand_buf(nf * nh, t, 700u + c, hz);
      const int ax = cs[c].axis < 0 ? cs[c].axis + cs[c].ndim : cs[c].axis;
      char label[80];
      snprintf(label, sizeof label, "mpi nsconv1d case %zu axis %d nh %lld", c, ax, (long long)nh);
      dlops_op A = NULL;
      T_CALL(dlops_op_create_mpi_nonstationary_convolve1d(ctx, cs[c].ndim, cs[c].dims, cs[c].axis, nf, nh, hs,
                                                          cs[c].ih, t, &A));
      if (A) {
        int64_t N = 0;
        zval *M0 = dense(cs[c].ndim, cs[c].dims, ax, hz, nf, nh, cs[c].ih, &N);
        zval *M = block_order(M0, cs[c].ndim, cs[c].dims, ax, N);
        check_dense(A, M, N, N, t, label, 800u + c);
        T_DOTTEST(A, t, label);
        free(M0);
        free(M);
        /* communication per apply: nh/2 rows of the other axes to each neighbour along axis */
        int64_t other = N / cs[c].dims[ax], start = 0, len = 0;
        dlops_ceil_block(cs[c].dims[ax], size_, rank_, &start, &len);
        const int nb = (rank_ > 0) + (rank_ < size_ - 1);
        const int64_t want = nh / 2 > 0 ? nb * (nh / 2) * other * (int64_t)dlops_dtype_size(t) : 0;
        dlops_darray x = NULL, y = NULL;
        T_CALL(dlops_op_create_vecs(A, &x, &y));
        T_CALL(dlops_darray_fill_random(x, 5u, -1.0, 1.0));
        for (int adj = 0; adj < 2; adj++) {
          T_CALL(dlops_ctx_reset_counters(ctx));
          T_CALL(adj ? dlops_op_apply_adjoint(A, y, x) : dlops_op_apply(A, x, y));
          dlops_comm_counter g;
          T_CALL(dlops_ctx_get_counter(ctx, DLOPS_COMM_NEIGHBOR, &g));
          T_CHECK(g.bytes == want && comm_calls(ctx) == g.calls,
                  "%s (%s) %s: neighbour bytes %lld (want %lld), %lld data calls of which %lld neighbour", label,
                  dlops_dtype_name(t), adj ? "adjoint" : "forward", (long long)g.bytes, (long long)want,
                  (long long)comm_calls(ctx), (long long)g.calls);
        }
        dlops_darray_destroy(&x);
        dlops_darray_destroy(&y);
      }
      dlops_op_destroy(&A);
      free(hs);
      free(hz);
    }
  /* bad input */
  const int64_t dims[2] = {3, 4 * P}, ih[2] = {0, 2};
  double h[10];
  for (int k = 0; k < 10; k++) h[k] = 0.5 + k + (size_ > 1 && rank_ == 1 && k == 3);
  dlops_op A = NULL;
  if (size_ > 1) {
    T_EXPECT_ERR(dlops_op_create_mpi_nonstationary_convolve1d(ctx, 2, dims, 1, 2, 5, h, ih, DLOPS_F64, &A),
                 DLOPS_ERR_ARG); /* rank 1's filters differ */
    const int64_t small[2] = {3, P}; /* blocks of one sample, nh/2 = 2 */
    for (int k = 0; k < 10; k++) h[k] = 0.5 + k;
    const int64_t ih01[2] = {0, 1};
    T_EXPECT_ERR(dlops_op_create_mpi_nonstationary_convolve1d(ctx, 2, small, 1, 2, 5, h, ih01, DLOPS_F64, &A),
                 DLOPS_ERR_SIZE);
  }
  T_EXPECT_ERR(dlops_op_create_mpi_nonstationary_convolve1d(ctx, 2, dims, 1, 2, 4, h, ih, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_CHECK(A == NULL, "a failed creation left a handle");
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  dlops_ctx self = dlops_test_self_ctx(ctx);
  if (dlops_test_mem != DLOPS_MEM_HOST) {
    /* host only: refused on a device memory space, on every rank alike */
    const int64_t dims[2] = {size_ + 1, 12}, ih[3] = {1, 5, 9};
    double hs[15] = {0};
    dlops_op A = NULL;
    T_EXPECT_ERR(dlops_op_create_nonstationary_convolve1d(ctx, 2, dims, 1, 3, 5, hs, ih, DLOPS_F64, &A),
                 DLOPS_ERR_UNSUPPORTED);
    T_CHECK(strstr(dlops_last_error(), "nonstationary_convolve1d") != NULL,
            "the refusal does not name the operator: %s", dlops_last_error());
    T_CHECK(A == NULL, "a refused creation left a handle");
    T_EXPECT_ERR(dlops_op_create_mpi_nonstationary_convolve1d(ctx, 2, dims, 1, 3, 5, hs, ih, DLOPS_F64, &A),
                 DLOPS_ERR_UNSUPPORTED);
    T_CHECK(A == NULL, "a refused creation left a handle");
  } else {
    test_operator(ctx, self);
    test_mpi(ctx);
    test_errors(ctx);
  }
  dlops_ctx_destroy(&self);
  return dlops_test_finish(ctx);
}
