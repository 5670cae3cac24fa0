/* Writes what dlops' MDC operator gives, for mdc_parity.py to compare with PyLops' MDC
 * (validation/ops/CMakeLists.txt, test ops.mdc_pylops):
 *
 *   mdc_dump OUTDIR nt ns nr nv nfmax dt dr twosided conj prescaled saveGt
 *
 * Any number of ranks: the nfmax frequency slices are split over them (the default split). The
 * kernel is G[f][s][r] = cos(0.3 f + 0.7 s - 0.2 r) + i sin(0.5 f - 0.1 s + 0.4 r) (c128), the
 * model x and data y are seeded random fills; OUTDIR/x.npy, y.npy, fwd.npy = MDC x and
 * adj.npy = MDC^H y (rank 0 writes the BROADCAST arrays). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dlops.h"

#define CK(e)                                                                                    \
  do {                                                                                           \
    if (e) {                                                                                     \
      fprintf(stderr, "mdc_dump: %s failed: %s\n", #e, dlops_last_error());                     \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                              \
    }                                                                                            \
  } while (0)

static void write_vec(dlops_darray v, const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.npy", dir, name);
  CK(dlops_darray_write_npy(v, path));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  if (argc < 13) {
    fprintf(stderr, "usage: mdc_dump OUTDIR nt ns nr nv nfmax dt dr twosided conj prescaled saveGt [spec]\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  const int64_t nt = atoll(argv[2]), ns = atoll(argv[3]), nr = atoll(argv[4]), nv = atoll(argv[5]),
                nfmax = atoll(argv[6]);
  const double dt = atof(argv[7]), dr = atof(argv[8]);
  const int twosided = atoi(argv[9]), conj = atoi(argv[10]), prescaled = atoi(argv[11]), saveGt = atoi(argv[12]);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int64_t nfl = nfmax / size + (rank < nfmax % size), f0 = rank * (nfmax / size) + (rank < nfmax % size ? rank : nfmax % size);
  double *G = malloc(sizeof(double) * 2 * (size_t)(nfl * ns * nr + 1));
  for (int64_t f = 0; f < nfl; f++)
    for (int64_t s = 0; s < ns; s++)
      for (int64_t r = 0; r < nr; r++) {
        const double F = (double)(f0 + f);
        G[2 * ((f * ns + s) * nr + r)] = cos(0.3 * F + 0.7 * (double)s - 0.2 * (double)r);
        G[2 * ((f * ns + s) * nr + r) + 1] = sin(0.5 * F - 0.1 * (double)s + 0.4 * (double)r);
      }
  dlops_ctx ctx = NULL;
  CK(dlops_ctx_create(MPI_COMM_WORLD, argc > 13 ? argv[13] : "", &ctx));
  dlops_op A = NULL;
  CK(dlops_op_create_mdc(ctx, nfl, ns, nr, G, nt, nv, dt, dr, twosided, saveGt, conj, prescaled, DLOPS_BROADCAST,
                         DLOPS_C128, &A));
  free(G);
  dlops_darray x = NULL, y = NULL, fx = NULL, hy = NULL;
  CK(dlops_op_create_vecs(A, &x, &y));
  CK(dlops_op_create_vecs(A, &hy, &fx));
  CK(dlops_darray_fill_random(x, 5, -1.0, 1.0));
  CK(dlops_darray_fill_random(y, 6, -1.0, 1.0));
  CK(dlops_op_apply(A, x, fx));
  CK(dlops_op_apply_adjoint(A, y, hy));
  write_vec(x, argv[1], "x");
  write_vec(y, argv[1], "y");
  write_vec(fx, argv[1], "fwd");
  write_vec(hy, argv[1], "adj");
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_darray_destroy(&fx);
  dlops_darray_destroy(&hy);
  dlops_op_destroy(&A);
  dlops_ctx_destroy(&ctx);
  MPI_Finalize();
  return 0;
}
