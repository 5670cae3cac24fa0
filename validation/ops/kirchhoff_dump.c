/* Writes what dlops' Kirchhoff operator gives on PyLops-MPI's LSM tutorial geometry (one rank:
 * 81 x 60 grid of 4 m, 10 sources at z = 10, 11 receivers at z = 20, 651 samples of 4 ms,
 * velocity 1000, Ricker wavelet of 20 Hz on 41 samples centred at 40), for kirchhoff_parity.py
 * to compare with PyLops (validation/ops/CMakeLists.txt, test ops.kirchhoff_pylops):
 *
 *   kirchhoff_dump OUTDIR [REPS]
 *
 * OUTDIR/wav.npy, srcs.npy (2 x ns), recs.npy (2 x nr), x.npy and y.npy (random model and
 * data, f64), fwd64.npy = K x, adj64.npy = K^H y, and fwd32.npy, adj32.npy for the f32
 * operator on x and y rounded to f32. With REPS > 0 it also prints the best of REPS timings of
 * one forward and one adjoint in each type (the perf/README.md numbers). */
#include <stdio.h>
#include <stdlib.h>

#include "dlops.h"

#define CK(e)                                                                     \
  do {                                                                            \
    if (e) {                                                                      \
      fprintf(stderr, "kirchhoff_dump: %s failed: %s\n", #e, dlops_last_error()); \
      MPI_Abort(MPI_COMM_WORLD, 1);                                               \
    }                                                                             \
  } while (0)

static void write_vec(dlops_darray v, const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.npy", dir, name);
  CK(dlops_darray_write_npy(v, path));
}

static void write_host(dlops_ctx ctx, int64_t n, const double *p, const char *dir, const char *name) {
  dlops_darray v = NULL;
  CK(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &v));
  CK(dlops_darray_scatter(v, p, 0));
  write_vec(v, dir, name);
  dlops_darray_destroy(&v);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  if (argc < 2) {
    fprintf(stderr, "usage: kirchhoff_dump OUTDIR [REPS]\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  const char *dir = argv[1];
  const int reps = argc > 2 ? atoi(argv[2]) : 0;
  dlops_ctx ctx = NULL;
  CK(dlops_ctx_create(MPI_COMM_SELF, "comm=mpi", &ctx));
  const int64_t nx = 81, nz = 60, nt = 651, ns = 10, nr = 11;
  const double dx = 4, dz = 4, dt = 0.004, vel = 1000;
  double srcs[20], recs[22], wav[128];
  for (int64_t s = 0; s < ns; s++) { /* np.linspace(10 dx, (nx - 10) dx, ns) */
    srcs[s] = s == ns - 1 ? (double)(nx - 10) * dx
                          : (double)s * (((double)(nx - 10) * dx - 10 * dx) / (double)(ns - 1)) + 10 * dx;
    srcs[ns + s] = 10;
  }
  for (int64_t r = 0; r < nr; r++) {
    recs[r] = r == nr - 1 ? (double)(nx - 10) * dx
                          : (double)r * (((double)(nx - 10) * dx - 10 * dx) / (double)(nr - 1)) + 10 * dx;
    recs[nr + r] = 20;
  }
  int nw = 0;
  CK(dlops_wavelet_ricker(41, dt, 20.0, wav, &nw));
  write_host(ctx, nw, wav, dir, "wav");
  write_host(ctx, 2 * ns, srcs, dir, "srcs");
  write_host(ctx, 2 * nr, recs, dir, "recs");
  /* random model and data drawn once in f64; the f32 operator gets them rounded */
  const int64_t nm = nx * nz, nd = ns * nr * nt;
  double *xh = malloc(sizeof(double) * (size_t)nm), *yh = malloc(sizeof(double) * (size_t)nd);
  float *xs = malloc(sizeof(float) * (size_t)nm), *ys = malloc(sizeof(float) * (size_t)nd);
  if (!xh || !yh || !xs || !ys) MPI_Abort(MPI_COMM_WORLD, 1);
  for (int ti = 0; ti < 2; ti++) {
    const dlops_dtype t = ti ? DLOPS_F32 : DLOPS_F64;
    dlops_op K = NULL;
    CK(dlops_op_create_kirchhoff(ctx, nx, 0.0, dx, nz, 0.0, dz, nt, dt, ns, srcs, srcs + ns, nr, recs, recs + nr, vel,
                                 nw, wav, nw / 2, t, &K));
    dlops_darray xin = NULL, yin = NULL, Kx = NULL, KHy = NULL;
    CK(dlops_op_create_vecs(K, &xin, &yin));
    if (!ti) {
      CK(dlops_darray_fill_random(xin, 11u, -1.0, 1.0));
      CK(dlops_darray_fill_random(yin, 12u, -1.0, 1.0));
      write_vec(xin, dir, "x");
      write_vec(yin, dir, "y");
      CK(dlops_darray_gather(xin, xh, -1));
      CK(dlops_darray_gather(yin, yh, -1));
    } else {
      for (int64_t i = 0; i < nm; i++) xs[i] = (float)xh[i];
      for (int64_t i = 0; i < nd; i++) ys[i] = (float)yh[i];
      CK(dlops_darray_scatter(xin, xs, -1));
      CK(dlops_darray_scatter(yin, ys, -1));
    }
    CK(dlops_op_create_vecs(K, &KHy, &Kx));
    CK(dlops_op_apply(K, xin, Kx));
    CK(dlops_op_apply_adjoint(K, yin, KHy));
    write_vec(Kx, dir, ti ? "fwd32" : "fwd64");
    write_vec(KHy, dir, ti ? "adj32" : "adj64");
    if (reps > 0) {
      double bf = 1e30, ba = 1e30;
      for (int k = 0; k < reps; k++) {
        double t0 = MPI_Wtime();
        CK(dlops_op_apply(K, xin, Kx));
        double t1 = MPI_Wtime();
        CK(dlops_op_apply_adjoint(K, yin, KHy));
        double t2 = MPI_Wtime();
        if (t1 - t0 < bf) bf = t1 - t0;
        if (t2 - t1 < ba) ba = t2 - t1;
      }
      printf("dlops %s: forward %.3f ms, adjoint %.3f ms (best of %d)\n", ti ? "f32" : "f64", 1e3 * bf, 1e3 * ba, reps);
    }
    dlops_darray_destroy(&xin);
    dlops_darray_destroy(&yin);
    dlops_darray_destroy(&Kx);
    dlops_darray_destroy(&KHy);
    dlops_op_destroy(&K);
  }
  free(xh);
  free(yh);
  free(xs);
  free(ys);
  dlops_ctx_destroy(&ctx);
  MPI_Finalize();
  return 0;
}
