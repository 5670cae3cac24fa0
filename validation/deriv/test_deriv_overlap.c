/* Derivatives along the distributed axis 0 overlap their ghost-row exchange with the interior
 * computation (issue 11): the exchange is started, the output rows that read no ghost row are
 * computed in pieces (MPI is given the chance to progress between pieces), then the exchange is
 * completed and the rows next to the ghosts computed. This program checks, for first and second
 * derivatives of every kind, the Laplacian (axis 0 with other axes, and axis 0 twice) and the
 * Gradient, forward and adjoint, in every dtype, on shapes where every rank owns enough rows to
 * have an interior (and one large enough for several pieces):
 *   - the overlapped result is bit for bit the result with DLOPS_OVERLAP=0 (exchange first, as
 *     before), and equal to the one-rank result (1e-14, as test_deriv);
 *   - the overlap really happens where it can (PMPI interposition, dlops_mpi_count.h): with
 *     two-sided MPI on host memory every apply that exchanges makes at least one MPI_Testall
 *     (the progress calls between interior pieces, so the interior was computed with the
 *     messages in flight), and one per piece on the large shape; with DLOPS_OVERLAP=0, on the rma
 *     backend (one synchronised epoch) and on staged (emulated) device memory, none. With a small
 *     DLOPS_COMM_MAX_CHUNK (the chunk31 variants) only the bits are checked: an exchange of more
 *     chunks than a start holds completes at once.
 * Runs at NP 1-4 on both backends and on the emulated device. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include "deriv_test_util.h"
#include "dlops_mpi_count.h"

static int P, me;
static int overlapping;   /* this run's backend and memory space can overlap */
static int count_testall; /* the overlap is predictable (no small chunk limit): check it happens */

typedef enum { K_D1, K_D2, K_LAP, K_LAP00, K_GRAD } okind;

typedef struct {
  okind k;
  dlops_deriv_kind kind;
  int order, edge;
  const char *name;
} ocfg;

static const ocfg cfgs[] = {
    {K_D1, DLOPS_DERIV_FORWARD, 3, 0, "D1 forward"},     {K_D1, DLOPS_DERIV_BACKWARD, 3, 0, "D1 backward"},
    {K_D1, DLOPS_DERIV_CENTERED, 3, 1, "D1 centered3 edge"}, {K_D1, DLOPS_DERIV_CENTERED, 5, 0, "D1 centered5"},
    {K_D1, DLOPS_DERIV_CENTERED, 5, 1, "D1 centered5 edge"}, {K_D2, DLOPS_DERIV_FORWARD, 3, 0, "D2 forward"},
    {K_D2, DLOPS_DERIV_CENTERED, 3, 1, "D2 centered edge"},   {K_LAP, DLOPS_DERIV_CENTERED, 3, 1, "Laplacian 0,1,2"},
    {K_LAP00, DLOPS_DERIV_BACKWARD, 3, 0, "Laplacian 0,2,0"}, {K_GRAD, DLOPS_DERIV_CENTERED, 3, 1, "Gradient"},
};
#define NCFG ((int)(sizeof cfgs / sizeof cfgs[0]))

static int create(dlops_ctx ctx, const ocfg *f, const int64_t *dims, dlops_dtype t, dlops_op *A) {
  const double samp[3] = {0.7, 1.3, 2.0}, w[3] = {1.5, 0.5, -0.25};
  switch (f->k) {
    case K_D1: return dlops_op_create_first_derivative(ctx, 3, dims, 0, 0.3, f->kind, f->order, f->edge, t, A);
    case K_D2: return dlops_op_create_second_derivative(ctx, 3, dims, 0, 0.3, f->kind, f->edge, t, A);
    case K_LAP: {
      const int ax[3] = {0, 1, 2};
      return dlops_op_create_laplacian(ctx, 3, dims, 3, ax, w, samp, f->kind, f->edge, t, A);
    }
    case K_LAP00: {
      const int ax[3] = {0, 2, 0};
      return dlops_op_create_laplacian(ctx, 3, dims, 3, ax, w, samp, f->kind, f->edge, t, A);
    }
    default: return dlops_op_create_gradient(ctx, 3, dims, samp, f->kind, f->edge, t, A);
  }
}

/* Create f on ctx with DLOPS_OVERLAP unset (overlap = 1) or "0" (overlap = 0); the variable is
 * read when the operator is created. */
static int create_mode(dlops_ctx ctx, const ocfg *f, const int64_t *dims, dlops_dtype t, int overlap, dlops_op *A) {
  if (overlap)
    unsetenv("DLOPS_OVERLAP");
  else
    setenv("DLOPS_OVERLAP", "0", 1);
  int err = create(ctx, f, dims, t, A);
  unsetenv("DLOPS_OVERLAP");
  return err;
}

/* Apply A (adj) to gin, gather into gout; *testall: the MPI_Testall calls made by the apply. */
static void run(dlops_op A, int adj, const void *gin, void *gout, long long *testall) {
  mc_start();
  T_CALL(apply_global(A, adj, gin, gout));
  mc_stop();
  *testall = mc_count[MC_TESTALL];
}

static void check(dlops_ctx ctx, dlops_ctx self, const ocfg *f, const int64_t *dims, dlops_dtype t, int64_t pieces) {
  char label[200];
  snprintf(label, sizeof label, "%s %s dims (%lld,%lld,%lld)", f->name, dlops_dtype_name(t), (long long)dims[0],
           (long long)dims[1], (long long)dims[2]);
  dlops_op A = NULL, B = NULL, A1 = NULL;
  T_CALL(create_mode(ctx, f, dims, t, 1, &A));
  T_CALL(create_mode(ctx, f, dims, t, 0, &B));
  T_CALL(create_mode(self, f, dims, t, 1, &A1));
  if (!A || !B || !A1) goto done;
  int64_t nr, nc;
  T_CALL(dlops_op_get_shape(A, &nr, &nc));
  const int64_t mx = nr > nc ? nr : nc;
  const size_t es = dlops_dtype_size(t);
  void *in = malloc((size_t)mx * es), *ya = calloc((size_t)mx, es), *yb = calloc((size_t)mx, es),
       *y1 = calloc((size_t)mx, es);
  for (int adj = 0; adj < 2; adj++) {
    const int64_t nin = adj ? nr : nc, nout = adj ? nc : nr;
    dlops_test_fill(in, nin, t, 31 + adj);
    long long ta = 0, tb = 0, t1 = 0;
    run(A, adj, in, ya, &ta);
    run(B, adj, in, yb, &tb);
    run(A1, adj, in, y1, &t1);
    const char *dir = adj ? "adjoint" : "forward";
    T_CHECK(!memcmp(ya, yb, (size_t)nout * es), "%s %s: overlapped result differs from DLOPS_OVERLAP=0 (rel %g)",
            label, dir, rel_diff(ya, yb, nout, t));
    const double r = rel_diff(ya, y1, nout, t);
    T_CHECK(r <= 1e-14, "%s %s: NP-rank result differs from the one-rank result (rel %g)", label, dir, r);
    /* the Gradient's forward is one derivative per axis (axis 0 exchanges); every case exchanges
     * at NP > 1 */
    const long long want = overlapping && P > 1 ? pieces : 0;
    if (count_testall)
      T_CHECK(want ? ta >= want : ta == 0, "%s %s: %lld MPI_Testall calls with overlap (want %s%lld)", label, dir, ta,
              want ? ">= " : "", want);
    T_CHECK(tb == 0 && t1 == 0, "%s %s: MPI_Testall without overlap (%lld) or on one rank (%lld)", label, dir, tb,
            t1);
  }
  free(in);
  free(ya);
  free(yb);
  free(y1);
done:
  dlops_op_destroy(&A);
  dlops_op_destroy(&B);
  dlops_op_destroy(&A1);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  dlops_ctx self = dlops_test_self_ctx(ctx);
  T_CALL(dlops_ctx_get_rank(ctx, &me));
  T_CALL(dlops_ctx_get_size(ctx, &P));
  const char *b = "";
  T_CALL(dlops_ctx_get_backend(ctx, &b));
  /* with an artificially small chunk limit (DLOPS_COMM_MAX_CHUNK) an exchange can need more than
   * the requests a non-blocking start holds, and then completes at once (no overlap, same bits) */
  const char *chunk = getenv("DLOPS_COMM_MAX_CHUNK");
  overlapping = !strcmp(b, "mpi") && dlops_test_mem == DLOPS_MEM_HOST;
  count_testall = !(chunk && chunk[0]);
  /* at least 7 rows a rank (an interior of 3 or more rows past the reach of 2), unequal splits */
  const int64_t small[3] = {7 * P + 3, 6, 5};
  for (int ti = 0; ti < 4; ti++)
    for (int ci = 0; ci < NCFG; ci++) check(ctx, self, &cfgs[ci], small, all_dtypes[ti], 1);
  /* several interior pieces (65536 elements each): 20 rows of 80 x 80 a rank, of which 16 are
   * clear of the ghosts: 102400 elements, two pieces */
  const int64_t large[3] = {20 * P, 80, 80};
  check(ctx, self, &cfgs[2], large, DLOPS_F64, 2);
  check(ctx, self, &cfgs[7], large, DLOPS_C64, 2);
  dlops_ctx_destroy(&self);
  return dlops_test_finish(ctx);
}
