/* How much of a derivative's ghost-row exchange the overlap hides (issue 11).
 *
 * Operators along the distributed axis 0 (f64, rows rows per rank of n1 x n2):
 *   D1   centered first derivative (order 3: one ghost row each way)
 *   Lap  Laplacian along axes 0, 1, 2 (one exchange for the axis-0 term, one pass)
 * and for each, forward applies timed four ways, interleaved in every round with the order
 * rotated (time = maximum over ranks, median of the rounds):
 *   ov    the default: the exchange started, the interior computed, then the edge rows
 *   blk   DLOPS_OVERLAP=0: the exchange first, then the whole stencil (as before issue 11)
 *   loc   the same operator on a one-rank context over this rank's rows only: the computation
 *         without any exchange (and without the ghost rows' few extra elements)
 *   raw   MPI_Sendrecv of the same ghost rows with both neighbours, on host buffers
 * hidden = (blk - ov) / (blk - loc): the share of what the exchange adds that the overlap takes
 * away (1: all of it, 0: none; noisy when blk - loc is small). On one node the "transfer" of a
 * large message is a copy that the receiving rank makes inside MPI (single-copy or two-copy
 * shared memory), so what can be hidden there is the waiting for the neighbour, not the copy.
 *
 *   mpiexec -n 2 build/<dir>/perf/bench_overlap [rounds] [reps] [rows n1 n2]
 */
#define _POSIX_C_SOURCE 200809L
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlops/ctx.h"
#include "dlops/darray.h"
#include "dlops/op.h"

#include "bench_c.h"



static dlops_op make(dlops_ctx ctx, int lap, const int64_t *dims, int overlap) {
  if (overlap)
    unsetenv("DLOPS_OVERLAP");
  else
    setenv("DLOPS_OVERLAP", "0", 1);
  dlops_op A = NULL;
  const double samp[3] = {1.0, 1.0, 1.0}, w[3] = {1.0, 1.0, 1.0};
  const int axes[3] = {0, 1, 2};
  if (lap)
    BENCH_CK(dlops_op_create_laplacian(ctx, 3, dims, 3, axes, w, samp, DLOPS_DERIV_CENTERED, 0, DLOPS_F64, &A));
  else
    BENCH_CK(dlops_op_create_first_derivative(ctx, 3, dims, 0, 1.0, DLOPS_DERIV_CENTERED, 3, 0, DLOPS_F64, &A));
  unsetenv("DLOPS_OVERLAP");
  return A;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int P, me;
  MPI_Comm_size(MPI_COMM_WORLD, &P);
  MPI_Comm_rank(MPI_COMM_WORLD, &me);
  const int rounds = argc > 1 ? atoi(argv[1]) : 11, reps = argc > 2 ? atoi(argv[2]) : 10;
  const int64_t rows = argc > 5 ? atoll(argv[3]) : 64, n1 = argc > 5 ? atoll(argv[4]) : 128,
                n2 = argc > 5 ? atoll(argv[5]) : 256;
  if (rounds < 1 || reps < 1 || rows < 5 || n1 < 3 || n2 < 3) {
    if (!me) fprintf(stderr, "usage: bench_overlap [rounds >= 1] [reps >= 1] [rows >= 5 n1 >= 3 n2 >= 3]\n");
    MPI_Finalize();
    return 2;
  }
  const char *spec = getenv("DLOPS_SPEC");
  dlops_ctx ctx = NULL, self = NULL;
  BENCH_CK(dlops_ctx_create(MPI_COMM_WORLD, spec ? spec : "", &ctx));
  BENCH_CK(dlops_ctx_create(MPI_COMM_SELF, spec ? spec : "", &self));
  const int64_t gdims[3] = {rows * P, n1, n2}, ldims[3] = {rows, n1, n2};
  const int64_t row = n1 * n2;
  /* raw exchange buffers: one ghost row each way (what the order-3 centered stencils read) */
  double *sb = calloc((size_t)(2 * row), sizeof *sb), *rb = calloc((size_t)(2 * row), sizeof *rb);
  const int up = me + 1 < P ? me + 1 : MPI_PROC_NULL, dn = me > 0 ? me - 1 : MPI_PROC_NULL;
  if (!me)
    printf("# bench_overlap: NP %d, %lld x %lld x %lld f64 per rank (%.1f MiB), ghost row %.1f KiB, %d rounds of %d "
           "applies, spec '%s'\n",
           P, (long long)rows, (long long)n1, (long long)n2, rows * row * 8.0 / 1048576, row * 8.0 / 1024, rounds, reps,
           spec ? spec : "");
  if (!me) printf("| operator | ov ms | blk ms | loc ms | raw exchange ms | blk - loc ms | hidden |\n|---|---|---|---|---|---|---|\n");
  for (int lap = 0; lap < 2; lap++) {
    dlops_op A[3] = {make(ctx, lap, gdims, 1), make(ctx, lap, gdims, 0), make(self, lap, ldims, 1)};
    dlops_darray x[3], y[3];
    for (int k = 0; k < 3; k++) {
      BENCH_CK(dlops_op_create_vecs(A[k], &x[k], &y[k]));
      BENCH_CK(dlops_darray_fill_random(x[k], 7 + (unsigned)k, -1.0, 1.0));
    }
    double *t[4];
    for (int c = 0; c < 4; c++) t[c] = calloc((size_t)rounds, sizeof(double));
    for (int r = 0; r < rounds; r++)
      for (int s = 0; s < 4; s++) {
        const int c = (s + r) % 4;
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        for (int q = 0; q < reps; q++) {
          if (c < 3) {
            BENCH_CK(dlops_op_apply(A[c], x[c], y[c]));
          } else {
            MPI_Sendrecv(sb, (int)row, MPI_DOUBLE, up, 1, rb, (int)row, MPI_DOUBLE, dn, 1, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
            MPI_Sendrecv(sb + row, (int)row, MPI_DOUBLE, dn, 2, rb + row, (int)row, MPI_DOUBLE, up, 2,
                         MPI_COMM_WORLD, MPI_STATUS_IGNORE);
          }
        }
        double dt = (MPI_Wtime() - t0) / reps;
        MPI_Allreduce(MPI_IN_PLACE, &dt, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        t[c][r] = dt;
      }
    double med[4];
    for (int c = 0; c < 4; c++) {
      qsort(t[c], (size_t)rounds, sizeof(double), bench_cmp_double);
      med[c] = t[c][rounds / 2];
      free(t[c]);
    }
    const double extra = med[1] - med[2];
    if (!me) {
      printf("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | ", lap ? "Laplacian" : "FirstDerivative", 1e3 * med[0],
             1e3 * med[1], 1e3 * med[2], 1e3 * med[3], 1e3 * extra);
      if (extra > 0)
        printf("%.2f |\n", (med[1] - med[0]) / extra);
      else
        printf("- |\n");
    }
    for (int k = 0; k < 3; k++) {
      dlops_darray_destroy(&x[k]);
      dlops_darray_destroy(&y[k]);
      dlops_op_destroy(&A[k]);
    }
  }
  free(sb);
  free(rb);
  dlops_ctx_destroy(&self);
  dlops_ctx_destroy(&ctx);
  MPI_Finalize();
  return 0;
}
