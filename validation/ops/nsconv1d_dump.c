/* Writes what dlops' non-stationary convolution gives, for nsconv1d_parity.py to compare with
 * PyLops' NonStationaryConvolve1D (validation/ops/CMakeLists.txt, test ops.nsconv1d_pylops):
 *
 *   nsconv1d_dump OUTDIR
 *
 * One rank; model 20 x 16; 3 filters of 5 taps at ih = (2, 7, 12); along axis 0 and axis 1;
 * f64 and c128 (t = d, z): OUTDIR/hs_<t>.npy, x_<t>.npy, y_<t>.npy, and <t><axis>_fwd.npy,
 * <t><axis>_adj.npy. */
#include <math.h>
#include <stdio.h>

#include "dlops.h"

#define CK(e)                                                                                    \
  do {                                                                                           \
    if (e) {                                                                                     \
      fprintf(stderr, "nsconv1d_dump: %s failed: %s\n", #e, dlops_last_error());                \
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
    fprintf(stderr, "usage: nsconv1d_dump OUTDIR\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  const char *dir = argv[1];
  dlops_ctx ctx = NULL;
  CK(dlops_ctx_create(MPI_COMM_SELF, "comm=mpi", &ctx));
  const int64_t dims[2] = {20, 16}, ih[3] = {2, 7, 12}, nhs = 15;
  double hs[30];
  for (int k = 0; k < 30; k++) hs[k] = sin(0.7 * k + 0.2);
  for (int ti = 0; ti < 2; ti++) {
    const dlops_dtype t = ti ? DLOPS_C128 : DLOPS_F64;
    const char c = ti ? 'z' : 'd';
    char name[32];
    dlops_darray hv = NULL;
    CK(dlops_darray_create(ctx, 1, &nhs, 0, DLOPS_SCATTER, t, &hv));
    CK(dlops_darray_scatter(hv, hs, 0));
    snprintf(name, sizeof name, "hs_%c", c);
    write_vec(hv, dir, name);
    dlops_darray_destroy(&hv);
    dlops_darray x = NULL, y = NULL;
    for (int axis = 0; axis < 2; axis++) {
      dlops_op A = NULL;
      CK(dlops_op_create_nonstationary_convolve1d(ctx, 2, dims, axis, 3, 5, hs, ih, t, &A));
      dlops_darray Ax = NULL, AHy = NULL;
      if (!x) {
        CK(dlops_op_create_vecs(A, &x, &y));
        CK(dlops_darray_fill_random(x, 21u, -1.0, 1.0));
        CK(dlops_darray_fill_random(y, 22u, -1.0, 1.0));
        snprintf(name, sizeof name, "x_%c", c);
        write_vec(x, dir, name);
        snprintf(name, sizeof name, "y_%c", c);
        write_vec(y, dir, name);
      }
      CK(dlops_op_create_vecs(A, &AHy, &Ax));
      CK(dlops_op_apply(A, x, Ax));
      CK(dlops_op_apply_adjoint(A, y, AHy));
      snprintf(name, sizeof name, "%c%d_fwd", c, axis);
      write_vec(Ax, dir, name);
      snprintf(name, sizeof name, "%c%d_adj", c, axis);
      write_vec(AHy, dir, name);
      dlops_darray_destroy(&Ax);
      dlops_darray_destroy(&AHy);
      dlops_op_destroy(&A);
    }
    dlops_darray_destroy(&x);
    dlops_darray_destroy(&y);
  }
  dlops_ctx_destroy(&ctx);
  MPI_Finalize();
  return 0;
}
