/* What the profiling summary (log_view=1, docs/profiling.md) costs per apply: a 16-element
 * Diagonal D and the product P = D D, applied on a context without log_view (while no profile
 * exists in the process: the off path proper) and then on one with it (median of `rounds`
 * rounds of `calls` applies each; time = max over ranks). P's apply runs two nested kernels, each of which is a recorded event when log_view is
 * on, so "P on - off" is the cost of three events, "D on - off" of one. Off, an apply pays one
 * branch on the process's count of profiles (two for P: its nested kernels go through
 * dlops_op_kernel): that cannot be timed against a build without the branch here; it is below
 * the noise of these numbers.
 *
 *   mpiexec -n 1 build/<name>/perf/bench_logview [rounds [calls]]
 *
 * Not a test: no time is asserted. The log_view context prints its summary at the end. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "dlops.h"

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double timed(dlops_op A, dlops_darray x, dlops_darray y, int calls) {
  MPI_Barrier(MPI_COMM_WORLD);
  double t = MPI_Wtime();
  for (int k = 0; k < calls; k++)
    if (dlops_op_apply(A, x, y)) {
      fprintf(stderr, "apply failed: %s\n", dlops_last_error());
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
  t = (MPI_Wtime() - t) / calls;
  MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return t;
}

#define CHECK(e)                                                             \
  do {                                                                       \
    if (e) {                                                                 \
      fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, dlops_last_error()); \
      MPI_Abort(MPI_COMM_WORLD, 1);                                          \
    }                                                                        \
  } while (0)

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rounds = argc > 1 ? atoi(argv[1]) : 21, calls = argc > 2 ? atoi(argv[2]) : 20000, rank = 0;
  if (rounds < 1 || rounds > 1001) rounds = 21;
  if (calls < 1) calls = 20000;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const char *specs[2] = {"log_view=0", "log_view=1"};
  dlops_ctx ctx[2];
  dlops_op D[2], P[2];
  dlops_darray x[2], y[2];
  double dv[16];
  for (int i = 0; i < 16; i++) dv[i] = 1.0 + i;
  double *t = malloc(sizeof(double) * 4 * (size_t)rounds);
  for (int c = 0; c < 2; c++) { /* the log_view context only after the off rounds */
    CHECK(dlops_ctx_create(MPI_COMM_SELF, specs[c], &ctx[c]));
    CHECK(dlops_op_create_diagonal(ctx[c], 16, DLOPS_F64, dv, &D[c]));
    CHECK(dlops_op_create_product(D[c], D[c], &P[c]));
    CHECK(dlops_op_create_vecs(D[c], &x[c], &y[c]));
    CHECK(dlops_darray_fill(x[c], (dlops_scalar){1.0, 0.0}));
    for (int r = 0; r < rounds; r++) {
      t[(0 * 2 + c) * rounds + r] = timed(D[c], x[c], y[c], calls);
      t[(1 * 2 + c) * rounds + r] = timed(P[c], x[c], y[c], calls);
    }
  }
  double med[4];
  for (int k = 0; k < 4; k++) {
    qsort(t + k * rounds, (size_t)rounds, sizeof(double), cmp);
    med[k] = t[k * rounds + rounds / 2];
  }
  if (rank == 0) {
    printf("bench_logview: median of %d rounds of %d applies, one-rank contexts, per apply (max over ranks)\n",
           rounds, calls);
    printf("  %-22s %10s %10s %14s\n", "operator", "off (ns)", "on (ns)", "on - off (ns)");
    const char *names[2] = {"diagonal (16)", "product D D (2 nested)"};
    for (int o = 0; o < 2; o++)
      printf("  %-22s %10.1f %10.1f %14.1f\n", names[o], 1e9 * med[2 * o], 1e9 * med[2 * o + 1],
             1e9 * (med[2 * o + 1] - med[2 * o]));
    fflush(stdout);
  }
  free(t);
  for (int c = 0; c < 2; c++) {
    dlops_darray_destroy(&x[c]);
    dlops_darray_destroy(&y[c]);
    dlops_op_destroy(&P[c]);
    dlops_op_destroy(&D[c]);
  }
  /* the summary of the log_view context only on rank 0 (a one-rank context prints on world
   * rank 0): the others' profiles are freed silently */
  for (int c = 0; c < 2; c++) CHECK(dlops_ctx_destroy(&ctx[c]));
  MPI_Finalize();
  return 0;
}
