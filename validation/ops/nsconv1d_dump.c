/* Writes what dlops' non-stationary convolution gives, for nsconv1d_parity.py to compare with
 * PyLops' NonStationaryConvolve1D (validation/ops/CMakeLists.txt, test ops.nsconv1d_pylops):
 *
 *   nsconv1d_dump OUTDIR
 *
 * One rank; model 20 x 16; 3 filters of 5 taps at ih = (2, 7, 12); along axis 0 and axis 1;
 * f64 and c128 (t = d, z): OUTDIR/hs_<t>.npy, x_<t>.npy, y_<t>.npy, and <t><axis>_fwd.npy,
 * <t><axis>_adj.npy. Then the distributed form on all ranks (mpiexec -n P): model 3 x 8P split
 * along the last axis, 2P filters of 5 taps at 2, 6, 10, ... (the same hs values):
 * mx_<t>.npy, my_<t>.npy, m_<t>_fwd.npy, m_<t>_adj.npy (vectors in the blocks' order). */
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
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  dlops_ctx ctx = NULL, world = NULL;
  CK(dlops_ctx_create(MPI_COMM_SELF, "comm=mpi", &ctx));
  CK(dlops_ctx_create(MPI_COMM_WORLD, "comm=mpi", &world));
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
  /* the distributed form */
  double hm[2 * 2 * 5 * 64];
  int64_t ihm[128];
  const int64_t nfm = 2 * size, mdims[2] = {3, 8 * (int64_t)size};
  for (int k = 0; k < 2 * 5 * nfm && k < 2 * 2 * 5 * 64; k++) hm[k] = sin(0.7 * k + 0.2);
  for (int64_t k = 0; k < nfm && k < 128; k++) ihm[k] = 2 + 4 * k;
  for (int ti = 0; ti < 2 && size <= 64; ti++) {
    const dlops_dtype t = ti ? DLOPS_C128 : DLOPS_F64;
    const char c = ti ? 'z' : 'd';
    char name[32];
    dlops_op A = NULL;
    CK(dlops_op_create_mpi_nonstationary_convolve1d(world, 2, mdims, -1, nfm, 5, hm, ihm, t, &A));
    dlops_darray x = NULL, y = NULL, Ax = NULL, AHy = NULL;
    CK(dlops_op_create_vecs(A, &x, &y));
    CK(dlops_op_create_vecs(A, &AHy, &Ax));
    CK(dlops_darray_fill_random(x, 31u, -1.0, 1.0));
    CK(dlops_darray_fill_random(y, 32u, -1.0, 1.0));
    CK(dlops_op_apply(A, x, Ax));
    CK(dlops_op_apply_adjoint(A, y, AHy));
    snprintf(name, sizeof name, "mx_%c", c);
    write_vec(x, dir, name);
    snprintf(name, sizeof name, "my_%c", c);
    write_vec(y, dir, name);
    snprintf(name, sizeof name, "m_%c_fwd", c);
    write_vec(Ax, dir, name);
    snprintf(name, sizeof name, "m_%c_adj", c);
    write_vec(AHy, dir, name);
    dlops_darray_destroy(&x);
    dlops_darray_destroy(&y);
    dlops_darray_destroy(&Ax);
    dlops_darray_destroy(&AHy);
    dlops_op_destroy(&A);
  }
  dlops_ctx_destroy(&world);
  dlops_ctx_destroy(&ctx);
  MPI_Finalize();
  return 0;
}
