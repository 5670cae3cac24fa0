/* Writes what dlops' post-stack operator and Ricker wavelet give, for poststack_parity.py to
 * compare with PyLops (validation/ops/CMakeLists.txt, test ops.poststack_pylops):
 *
 *   poststack_dump OUTDIR
 *
 * On a one-rank context, time on axis 0 as in PyLops (dims nt0 x nx), f64, for kind centered (c)
 * and forward (f): OUTDIR/wav.npy (dlops_wavelet_ricker(nt = 21, dt = 0.004, f0 = 20)), x.npy and
 * y.npy (random model and data), and <k>_fwd.npy = P x, <k>_adj.npy = P^H y. */
#include <stdio.h>

#include "dlops.h"

#define CK(e)                                                                                    \
  do {                                                                                           \
    if (e) {                                                                                     \
      fprintf(stderr, "poststack_dump: %s failed: %s\n", #e, dlops_last_error());               \
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
  if (argc < 2) {
    fprintf(stderr, "usage: poststack_dump OUTDIR\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  const char *dir = argv[1];
  dlops_ctx ctx = NULL;
  CK(dlops_ctx_create(MPI_COMM_SELF, "comm=mpi", &ctx));
  double wav[64];
  int nw = 0;
  CK(dlops_wavelet_ricker(21, 0.004, 20.0, wav, &nw));
  const int64_t nwl = nw, dims[2] = {60, 4};
  dlops_darray w = NULL;
  CK(dlops_darray_create(ctx, 1, &nwl, 0, DLOPS_SCATTER, DLOPS_F64, &w));
  CK(dlops_darray_scatter(w, wav, 0));
  write_vec(w, dir, "wav");
  const char kinds[2] = {'c', 'f'};
  for (int k = 0; k < 2; k++) {
    dlops_op P = NULL;
    CK(dlops_op_create_poststack(ctx, 2, dims, 0, nw, wav, k ? DLOPS_DERIV_FORWARD : DLOPS_DERIV_CENTERED, DLOPS_F64,
                                 &P));
    dlops_darray x = NULL, y = NULL, Px = NULL, PHy = NULL;
    CK(dlops_op_create_vecs(P, &x, &y));
    CK(dlops_op_create_vecs(P, &PHy, &Px));
    CK(dlops_darray_fill_random(x, 11u, -1.0, 1.0));
    CK(dlops_darray_fill_random(y, 12u, -1.0, 1.0));
    CK(dlops_op_apply(P, x, Px));
    CK(dlops_op_apply_adjoint(P, y, PHy));
    char name[16];
    if (k == 0) {
      write_vec(x, dir, "x");
      write_vec(y, dir, "y");
    }
    snprintf(name, sizeof name, "%c_fwd", kinds[k]);
    write_vec(Px, dir, name);
    snprintf(name, sizeof name, "%c_adj", kinds[k]);
    write_vec(PHy, dir, name);
    dlops_darray_destroy(&x);
    dlops_darray_destroy(&y);
    dlops_darray_destroy(&Px);
    dlops_darray_destroy(&PHy);
    dlops_op_destroy(&P);
  }
  dlops_darray_destroy(&w);
  dlops_ctx_destroy(&ctx);
  MPI_Finalize();
  return 0;
}
