/* Writes what dlops' FFT operator gives, for fft_parity.py to compare with PyLops' FFT
 * (validation/ops/CMakeLists.txt, test ops.fft_pylops):
 *
 *   fft_dump OUTDIR CASE...
 *
 * CASE = d0,d1,...:axis:nfft:norm:real:ifftshift_before:fftshift_after:dtype (dtype a name:
 * f32, f64, c64, c128; norm 0 ortho, 1 none, 2 1/n; nfft 0 for dims[axis]): the FFT operator on
 * a one-rank context. CASE = nd:d0,d1,...:a0,a1,...:norm:real:ifftshift_mask:fftshift_mask:dtype:
 * dlops_op_create_mpi_fftnd on every rank of MPI_COMM_WORLD (the arrays split along axis 0).
 * For case number k: OUTDIR/k_x.npy (random model), k_y.npy (random data), k_fwd.npy = F x,
 * k_adj.npy = F^H y. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlops.h"

#define CK(e)                                                                                    \
  do {                                                                                           \
    if (e) {                                                                                     \
      fprintf(stderr, "fft_dump: %s failed: %s\n", #e, dlops_last_error());                     \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                              \
    }                                                                                            \
  } while (0)

static void write_vec(dlops_darray v, const char *dir, int k, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%d_%s.npy", dir, k, name);
  CK(dlops_darray_write_npy(v, path));
}

static dlops_dtype dtype_of(const char *s) {
  const char *names[4] = {"f32", "f64", "c64", "c128"};
  const dlops_dtype t[4] = {DLOPS_F32, DLOPS_F64, DLOPS_C64, DLOPS_C128};
  for (int i = 0; i < 4; i++)
    if (!strcmp(s, names[i])) return t[i];
  fprintf(stderr, "fft_dump: unknown dtype %s\n", s);
  MPI_Abort(MPI_COMM_WORLD, 2);
  return DLOPS_F64;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  if (argc < 3) {
    fprintf(stderr, "usage: fft_dump OUTDIR CASE...\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  dlops_ctx ctx = NULL;
  CK(dlops_ctx_create(MPI_COMM_SELF, "comm=mpi", &ctx));
  dlops_ctx world = NULL;
  CK(dlops_ctx_create(MPI_COMM_WORLD, "", &world));
  for (int k = 0; k + 2 < argc; k++) {
    char buf[256], dt[16];
    snprintf(buf, sizeof buf, "%s", argv[k + 2]);
    const int nd = !strncmp(buf, "nd:", 3);
    if (nd) memmove(buf, buf + 3, strlen(buf + 3) + 1);
    int64_t dims[DLOPS_MAX_NDIM];
    int ndim = 0;
    char *rest = strchr(buf, ':');
    if (!rest) MPI_Abort(MPI_COMM_WORLD, 2);
    *rest++ = 0;
    for (char *p = strtok(buf, ","); p && ndim < DLOPS_MAX_NDIM; p = strtok(NULL, ",")) dims[ndim++] = atoll(p);
    int axis = 0, norm, real, sin, sout, axes[DLOPS_MAX_NDIM], naxes = 0;
    long long nfft = 0;
    dlops_op F = NULL;
    if (nd) {
      char *r2 = strchr(rest, ':');
      if (!r2) MPI_Abort(MPI_COMM_WORLD, 2);
      *r2++ = 0;
      for (char *p = strtok(rest, ","); p && naxes < DLOPS_MAX_NDIM; p = strtok(NULL, ",")) axes[naxes++] = atoi(p);
      if (sscanf(r2, "%d:%d:%d:%d:%15s", &norm, &real, &sin, &sout, dt) != 5) {
        fprintf(stderr, "fft_dump: bad case %s\n", argv[k + 2]);
        MPI_Abort(MPI_COMM_WORLD, 2);
      }
      CK(dlops_op_create_mpi_fftnd(world, ndim, dims, naxes, axes, (dlops_fft_norm)norm, real, sin, sout, dtype_of(dt),
                                   &F));
    } else {
      if (sscanf(rest, "%d:%lld:%d:%d:%d:%d:%15s", &axis, &nfft, &norm, &real, &sin, &sout, dt) != 7) {
        fprintf(stderr, "fft_dump: bad case %s\n", argv[k + 2]);
        MPI_Abort(MPI_COMM_WORLD, 2);
      }
      CK(dlops_op_create_fft(ctx, ndim, dims, axis, nfft, (dlops_fft_norm)norm, real, sin, sout, dtype_of(dt), &F));
    }
    dlops_darray x = NULL, y = NULL, fx = NULL, hy = NULL;
    CK(dlops_op_create_vecs(F, &x, &y));
    CK(dlops_op_create_vecs(F, &hy, &fx));
    CK(dlops_darray_fill_random(x, 11u + (unsigned)k, -1.0, 1.0));
    CK(dlops_darray_fill_random(y, 101u + (unsigned)k, -1.0, 1.0));
    CK(dlops_op_apply(F, x, fx));
    CK(dlops_op_apply_adjoint(F, y, hy));
    write_vec(x, argv[1], k, "x");
    write_vec(y, argv[1], k, "y");
    write_vec(fx, argv[1], k, "fwd");
    write_vec(hy, argv[1], k, "adj");
    dlops_darray_destroy(&x);
    dlops_darray_destroy(&y);
    dlops_darray_destroy(&fx);
    dlops_darray_destroy(&hy);
    dlops_op_destroy(&F);
  }
  dlops_ctx_destroy(&world);
  dlops_ctx_destroy(&ctx);
  MPI_Finalize();
  return 0;
}
