/* Writes what dlops' Fredholm1 and MPIFredholm1 give, for fredholm1_parity.py to compare with
 * PyLops and PyLops-MPI (validation/ops/CMakeLists.txt, test ops.fredholm1_pylops):
 *
 *   mpiexec -n P fredholm1_dump OUTDIR
 *
 * c128, nsl = 7 slices of nx = 4 by ny = 5, nz = 3; rank r holds nsl / P slices, one more when
 * r < nsl % P. OUTDIR/G.npy (the whole kernel, nsl*nx*ny), x.npy and y.npy (model and data),
 * mpi_fwd.npy / mpi_adj.npy (MPIFredholm1, BROADCAST, saveGt = 0) and mpi_fwd_t.npy /
 * mpi_adj_t.npy (saveGt = 1), loc_fwd.npy / loc_adj.npy (the local operator on rank 0). */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dlops.h"

#define CK(e)                                                                                    \
  do {                                                                                           \
    if (e) {                                                                                     \
      fprintf(stderr, "fredholm1_dump: %s failed: %s\n", #e, dlops_last_error());               \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                              \
    }                                                                                            \
  } while (0)

static void write_vec(dlops_darray v, const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.npy", dir, name);
  CK(dlops_darray_write_npy(v, path));
}

/* forward into fname, adjoint into aname */
static void run(dlops_op A, dlops_darray x, dlops_darray y, const char *dir, const char *fname, const char *aname) {
  dlops_darray Ax = NULL, AHy = NULL;
  CK(dlops_op_create_vecs(A, &AHy, &Ax));
  CK(dlops_op_apply(A, x, Ax));
  CK(dlops_op_apply_adjoint(A, y, AHy));
  write_vec(Ax, dir, fname);
  write_vec(AHy, dir, aname);
  dlops_darray_destroy(&Ax);
  dlops_darray_destroy(&AHy);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  if (argc < 2) {
    fprintf(stderr, "usage: fredholm1_dump OUTDIR\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  const char *dir = argv[1];
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  enum { NSL = 7, NX = 4, NY = 5, NZ = 3 };
  double complex *G = malloc(sizeof(double complex) * NSL * NX * NY);
  for (int k = 0; k < NSL * NX * NY; k++) G[k] = sin(0.37 * k + 0.1) + I * cos(0.53 * k);
  int64_t nloc = NSL / size + (rank < NSL % size), first = 0;
  for (int r = 0; r < rank; r++) first += NSL / size + (r < NSL % size);
  dlops_ctx ctx = NULL, self = NULL;
  CK(dlops_ctx_create(MPI_COMM_WORLD, "comm=mpi", &ctx));
  CK(dlops_ctx_create(MPI_COMM_SELF, "comm=mpi", &self));
  dlops_op A = NULL, At = NULL;
  CK(dlops_op_create_mpi_fredholm1(ctx, nloc, NX, NY, NZ, G + first * NX * NY, 0, DLOPS_BROADCAST, DLOPS_C128, &A));
  CK(dlops_op_create_mpi_fredholm1(ctx, nloc, NX, NY, NZ, G + first * NX * NY, 1, DLOPS_BROADCAST, DLOPS_C128, &At));
  dlops_darray x = NULL, y = NULL;
  CK(dlops_op_create_vecs(A, &x, &y));
  CK(dlops_darray_fill_random(x, 11u, -1.0, 1.0));
  CK(dlops_darray_fill_random(y, 12u, -1.0, 1.0));
  write_vec(x, dir, "x");
  write_vec(y, dir, "y");
  run(A, x, y, dir, "mpi_fwd", "mpi_adj");
  run(At, x, y, dir, "mpi_fwd_t", "mpi_adj_t");
  /* the local operator on rank 0, on the same model and data */
  double complex *xb = malloc(sizeof(double complex) * NSL * NY * NZ), *yb = malloc(sizeof(double complex) * NSL * NX * NZ);
  CK(dlops_darray_gather(x, xb, -1));
  CK(dlops_darray_gather(y, yb, -1));
  if (rank == 0) {
    const int64_t ng = NSL * NX * NY;
    dlops_darray g = NULL, xl = NULL, yl = NULL;
    dlops_op L = NULL;
    CK(dlops_darray_create(self, 1, &ng, 0, DLOPS_SCATTER, DLOPS_C128, &g));
    CK(dlops_darray_scatter(g, G, 0));
    write_vec(g, dir, "G");
    CK(dlops_op_create_fredholm1(self, NSL, NX, NY, NZ, G, 0, DLOPS_C128, &L));
    CK(dlops_op_create_vecs(L, &xl, &yl));
    CK(dlops_darray_scatter(xl, xb, 0));
    CK(dlops_darray_scatter(yl, yb, 0));
    run(L, xl, yl, dir, "loc_fwd", "loc_adj");
    dlops_darray_destroy(&g);
    dlops_darray_destroy(&xl);
    dlops_darray_destroy(&yl);
    dlops_op_destroy(&L);
  }
  free(xb);
  free(yb);
  dlops_op_destroy(&A);
  dlops_op_destroy(&At);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_ctx_destroy(&self);
  dlops_ctx_destroy(&ctx);
  free(G);
  MPI_Finalize();
  return 0;
}
