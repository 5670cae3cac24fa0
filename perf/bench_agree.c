/* What the error agreement costs (issue 10). Latency in microseconds (maximum over ranks, median
 * of the rounds) of:
 *   raw   MPI_Allreduce of one double (the floor of any agreed call)
 *   rec   MPI_Allreduce of 160 bytes with a user-defined op (the agreement record's size and kind)
 *   dot   dlops_darray_dot of two 16-element arrays (one agreed reduction: check + sum in one record)
 *   diag  dlops_op_apply of a 16-element Diagonal called by the user (no data message: two
 *         agreements, before the run and after it)
 *   d1    dlops_op_apply of a FirstDerivative along axis 0 (2 x 16 x 16 model, one ghost-row
 *         exchange plus the two agreements)
 * The codes run interleaved in each round (order rotated), so load drift on shared cores hits all
 * alike. It also prints the metadata (argument agreement) and data messages of one CGLS solve of
 * 10 iterations: the agreement is made at the solver's entry, never per iteration.
 *
 *   mpiexec -n 2 build/<dir>/perf/bench_agree [rounds] [reps per round]
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlops/ctx.h"
#include "dlops/darray.h"
#include "dlops/op.h"
#include "dlops/solver.h"

#include "bench_c.h"

#define NCODE 5
static const char *names[NCODE] = {"raw allreduce 8 B", "raw allreduce 160 B, user op", "dlops_darray_dot",
                                   "dlops_op_apply Diagonal", "dlops_op_apply FirstDerivative"};

static void rec_op(void *in, void *inout, int *len, MPI_Datatype *t) {
  (void)t;
  const double *a = in;
  double *b = inout;
  for (int i = 0; i < *len * 20; i++) b[i] = b[i] > a[i] ? b[i] : a[i];
}


#define CK(call)                                                                      \
  do {                                                                                \
    int e_ = (call);                                                                  \
    if (e_) {                                                                         \
      fprintf(stderr, "bench_agree: %s failed: %s\n", #call, dlops_ctx_last_error(ctx)); \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                   \
    }                                                                                 \
  } while (0)

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  const int rounds = argc > 1 ? atoi(argv[1]) : 21;
  const int reps = argc > 2 ? atoi(argv[2]) : 200;
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  dlops_ctx ctx = NULL;
  CK(dlops_ctx_create(MPI_COMM_WORLD, getenv("DLOPS_SPEC") ? getenv("DLOPS_SPEC") : "", &ctx));
  const char *spec = "";
  CK(dlops_ctx_get_spec(ctx, &spec));

  MPI_Datatype rect;
  MPI_Type_contiguous(20, MPI_DOUBLE, &rect);
  MPI_Type_commit(&rect);
  MPI_Op rop;
  MPI_Op_create(rec_op, 1, &rop);

  const int64_t n = 16;
  dlops_darray x = NULL, y = NULL;
  CK(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &x));
  CK(dlops_darray_duplicate(x, &y));
  CK(dlops_darray_fill_random(x, 1, -1, 1));
  CK(dlops_darray_fill_random(y, 2, -1, 1));
  int64_t nloc = 0;
  CK(dlops_darray_get_local_size(x, &nloc));
  double *d = malloc(sizeof(double) * (size_t)(nloc ? nloc : 1));
  for (int64_t i = 0; i < nloc; i++) d[i] = 1.0 + (double)i;
  dlops_op D = NULL, D1 = NULL;
  CK(dlops_op_create_diagonal(ctx, n, DLOPS_F64, d, &D));
  const int64_t dims[3] = {2 * (int64_t)size, 16, 16};
  CK(dlops_op_create_first_derivative(ctx, 3, dims, 0, 1.0, DLOPS_DERIV_CENTERED, 3, 0, DLOPS_F64, &D1));
  dlops_darray m = NULL, dm = NULL;
  CK(dlops_op_create_vecs(D1, &m, &dm));
  CK(dlops_darray_fill_random(m, 3, -1, 1));

  double *t = calloc((size_t)NCODE * (size_t)rounds, sizeof(double));
  double one = 1, rec[20] = {0};
  dlops_scalar s;
  for (int r = 0; r < rounds; r++) {
    for (int j = 0; j < NCODE; j++) {
      const int c = (j + r) % NCODE;
      MPI_Barrier(MPI_COMM_WORLD);
      const double t0 = MPI_Wtime();
      for (int k = 0; k < reps; k++) {
        switch (c) {
          case 0: MPI_Allreduce(MPI_IN_PLACE, &one, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD); break;
          case 1: MPI_Allreduce(MPI_IN_PLACE, rec, 1, rect, rop, MPI_COMM_WORLD); break;
          case 2: CK(dlops_darray_dot(x, y, &s)); break;
          case 3: CK(dlops_op_apply(D, x, y)); break;
          default: CK(dlops_op_apply(D1, m, dm)); break;
        }
      }
      double dt = (MPI_Wtime() - t0) / reps;
      MPI_Allreduce(MPI_IN_PLACE, &dt, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
      t[c * rounds + r] = dt;
    }
  }
  double med[NCODE];
  for (int c = 0; c < NCODE; c++) {
    qsort(t + c * rounds, (size_t)rounds, sizeof(double), bench_cmp_double);
    med[c] = t[c * rounds + rounds / 2];
  }

  /* messages of one CGLS solve: 10 iterations, no tolerance stop */
  dlops_solver_opts o;
  CK(dlops_solver_opts_default(&o));
  o.niter = 10;
  o.tol = 0;
  dlops_darray x0 = NULL;
  CK(dlops_darray_duplicate(x, &x0));
  CK(dlops_darray_fill(x0, (dlops_scalar){0, 0}));
  CK(dlops_ctx_reset_counters(ctx));
  CK(dlops_solve_cgls(D, y, x0, &o, NULL));
  long long meta = 0, data = 0;
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
    dlops_comm_counter cn;
    CK(dlops_ctx_get_counter(ctx, (dlops_comm_kind)k, &cn));
    if (k == DLOPS_COMM_META)
      meta += cn.calls;
    else
      data += cn.calls;
  }

  if (rank == 0) {
    printf("bench_agree: %d ranks, spec \"%s\", %d rounds x %d calls, median of the rounds, max over ranks\n", size,
           spec, rounds, reps);
    for (int c = 0; c < NCODE; c++)
      printf("  %-34s %8.2f us   %5.2fx raw\n", names[c], 1e6 * med[c], med[c] / med[0]);
    printf("  CGLS, 10 iterations on the Diagonal: %lld agreement (metadata) calls, %lld data calls on rank 0\n", meta,
           data);
  }
  free(t);
  free(d);
  dlops_darray_destroy(&x0);
  dlops_darray_destroy(&m);
  dlops_darray_destroy(&dm);
  dlops_op_destroy(&D1);
  dlops_op_destroy(&D);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  CK(dlops_ctx_destroy(&ctx));
  MPI_Op_free(&rop);
  MPI_Type_free(&rect);
  MPI_Finalize();
  return 0;
}
