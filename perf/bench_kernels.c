/* Host kernels of the local operators and vector operations, next to a STREAM copy loop, in
 * plain C against the public API only: the same binary runs against any libdlops.so.0.MINOR with the
 * same API (LD_LIBRARY_PATH picks it), which is how perf/ab_kernels.sh compares two builds or
 * two versions of the library side by side, alternating them.
 *
 *   mpiexec -n 1 build/perf/bench_kernels [n0 n1 n2 [reps]]       (default 64 128 256, 15)
 *
 * For each kernel: the best time over reps of one apply (forward and adjoint), in ns per model
 * element, and the fraction of the copy loop's rate it reaches, both counted in the bytes an
 * ideal implementation moves (16 B per element for operators that read x once and write y once;
 * axpby 24, dot 16, norm 8; the Gradient 8 (1 + ndim)). The copy loop y[i] = x[i] + 0.0 is timed
 * in the same rounds (min over reps), on arrays of the operator's size. Output: one line per
 * kernel, "KERNEL name fwd_ns adj_ns fwd_frac adj_frac", then a readable table on rank 0. */
#include <dlops.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_c.h"


enum { MAXK = 24 };

typedef struct {
  const char *name;
  dlops_op op;      /* NULL: a vector operation */
  int vec;          /* 1 axpby, 2 dot, 3 norm2 */
  double bytes;     /* ideal bytes per model element */
  double best[2];
} kernel;

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const int64_t d0 = argc > 1 ? atoll(argv[1]) : 64, d1 = argc > 2 ? atoll(argv[2]) : 128,
                d2 = argc > 3 ? atoll(argv[3]) : 256;
  const int reps = argc > 4 ? atoi(argv[4]) : 15;
  if (d0 < 21 || d1 < 4 || d2 < 21 || reps < 1) { /* the 41-tap filters are centred (offset 20) */
    if (!rank) fprintf(stderr, "usage: bench_kernels [n0 n1 n2 [reps]] (n0, n2 >= 21, n1 >= 4, reps >= 1)\n");
    MPI_Finalize();
    return 2;
  }
  dlops_ctx ctx;
  BENCH_CK(dlops_ctx_create(MPI_COMM_SELF, NULL, &ctx)); /* local kernels: one rank's block */
  const int64_t dims[3] = {d0, d1, d2}, n = d0 * d1 * d2;
  kernel k[MAXK];
  int nk = 0;
  const int axes[3] = {0, 1, 2};
  const double ones[3] = {1, 1, 1}, w[3] = {0.7, 1.3, 0.5}, sp[3] = {0.4, 1.0, 2.0};
  static const char *d1n[3] = {"d1 axis 0", "d1 axis 1", "d1 axis 2"}, *d2n[3] = {"d2 axis 0", "d2 axis 1", "d2 axis 2"};
  for (int a = 0; a < 3; a++) {
    k[nk] = (kernel){d1n[a], NULL, 0, 16, {1e30, 1e30}};
    BENCH_CK(dlops_op_create_first_derivative(ctx, 3, dims, a, 1.0, DLOPS_DERIV_CENTERED, 3, 0, DLOPS_F64, &k[nk++].op));
  }
  for (int a = 0; a < 3; a++) {
    k[nk] = (kernel){d2n[a], NULL, 0, 16, {1e30, 1e30}};
    BENCH_CK(dlops_op_create_second_derivative(ctx, 3, dims, a, 1.0, DLOPS_DERIV_CENTERED, 0, DLOPS_F64, &k[nk++].op));
  }
  k[nk] = (kernel){"Laplacian (1,1,1)", NULL, 0, 16, {1e30, 1e30}};
  BENCH_CK(dlops_op_create_laplacian(ctx, 3, dims, 3, axes, ones, ones, DLOPS_DERIV_CENTERED, 0, DLOPS_F64, &k[nk++].op));
  k[nk] = (kernel){"Laplacian weighted", NULL, 0, 16, {1e30, 1e30}};
  BENCH_CK(dlops_op_create_laplacian(ctx, 3, dims, 3, axes, w, sp, DLOPS_DERIV_CENTERED, 0, DLOPS_F64, &k[nk++].op));
  k[nk] = (kernel){"Gradient", NULL, 0, 32, {1e30, 1e30}};
  BENCH_CK(dlops_op_create_gradient(ctx, 3, dims, ones, DLOPS_DERIV_CENTERED, 0, DLOPS_F64, &k[nk++].op));
  double h[41];
  for (int i = 0; i < 41; i++) h[i] = 1.0 / (1.0 + i);
  k[nk] = (kernel){"conv 41 axis 0", NULL, 0, 16, {1e30, 1e30}};
  BENCH_CK(dlops_op_create_convolve1d(ctx, 3, dims, 0, h, 41, 20, DLOPS_F64, &k[nk++].op));
  k[nk] = (kernel){"conv 41 axis 2", NULL, 0, 16, {1e30, 1e30}};
  BENCH_CK(dlops_op_create_convolve1d(ctx, 3, dims, 2, h, 41, 20, DLOPS_F64, &k[nk++].op));
  /* complex: 32 B per element (the same real filter, imaginary parts zero) */
  double hz[82];
  for (int i = 0; i < 41; i++) hz[2 * i] = h[i], hz[2 * i + 1] = 0.25 * h[i];
  k[nk] = (kernel){"conv 41 axis 0 c128", NULL, 0, 32, {1e30, 1e30}};
  BENCH_CK(dlops_op_create_convolve1d(ctx, 3, dims, 0, hz, 41, 20, DLOPS_C128, &k[nk++].op));
  k[nk] = (kernel){"conv 41 axis 2 c128", NULL, 0, 32, {1e30, 1e30}};
  BENCH_CK(dlops_op_create_convolve1d(ctx, 3, dims, 2, hz, 41, 20, DLOPS_C128, &k[nk++].op));
  const int perm[3] = {2, 0, 1};
  k[nk] = (kernel){"transpose (2,0,1)", NULL, 0, 16, {1e30, 1e30}};
  BENCH_CK(dlops_op_create_transpose_axes(ctx, 3, dims, perm, DLOPS_F64, &k[nk++].op));
  k[nk++] = (kernel){"axpby", NULL, 1, 24, {1e30, 1e30}};
  k[nk++] = (kernel){"dot", NULL, 2, 16, {1e30, 1e30}};
  k[nk++] = (kernel){"norm2", NULL, 3, 8, {1e30, 1e30}};

  /* vectors: one model-size pair, one range pair per operator */
  dlops_darray xs[MAXK], ys[MAXK];
  for (int i = 0; i < nk; i++) {
    if (k[i].op) {
      BENCH_CK(dlops_op_create_vecs(k[i].op, &xs[i], &ys[i]));
    } else {
      BENCH_CK(dlops_op_create_vecs(k[0].op, &xs[i], &ys[i]));
    }
    BENCH_CK(dlops_darray_fill(xs[i], (dlops_scalar){1.25, 0}));
    BENCH_CK(dlops_darray_fill(ys[i], (dlops_scalar){0.5, 0}));
  }
  double *a = malloc(sizeof(double) * (size_t)n), *b = malloc(sizeof(double) * (size_t)n), copy = 1e30;
  for (int64_t i = 0; i < n; i++) a[i] = (double)i, b[i] = 0;
  for (int r = 0; r < reps; r++) {
    double t = MPI_Wtime();
    for (int64_t i = 0; i < n; i++) b[i] = a[i] + 0.0;
    t = MPI_Wtime() - t;
    copy = t < copy ? t : copy;
    a[r % n] += b[(r * 7) % n]; /* keep the loop from being dropped */
    for (int i = 0; i < nk; i++)
      for (int adj = 0; adj < (k[i].vec ? 1 : 2); adj++) {
        dlops_scalar s;
        double nr;
        double t0 = MPI_Wtime();
        if (k[i].vec == 1) BENCH_CK(dlops_darray_axpby((dlops_scalar){0.5, 0}, xs[i], (dlops_scalar){0.5, 0}, ys[i]));
        else if (k[i].vec == 2) BENCH_CK(dlops_darray_dot(xs[i], ys[i], &s));
        else if (k[i].vec == 3) BENCH_CK(dlops_darray_norm(xs[i], 2.0, &nr));
        else if (adj) BENCH_CK(dlops_op_apply_adjoint(k[i].op, ys[i], xs[i]));
        else BENCH_CK(dlops_op_apply(k[i].op, xs[i], ys[i]));
        t0 = MPI_Wtime() - t0;
        if (t0 < k[i].best[adj]) k[i].best[adj] = t0;
      }
  }
  if (!rank) {
    const double cns = copy / (double)n * 1e9; /* copy loop, 16 B per element */
    printf("bench_kernels: model (%lld, %lld, %lld) f64, best of %d; copy loop %.3f ns/element = %.1f GB/s\n",
           (long long)d0, (long long)d1, (long long)d2, reps, cns, 16.0 / cns);
    for (int i = 0; i < nk; i++) {
      double f = k[i].best[0] / (double)n * 1e9, ad = k[i].vec ? 0 : k[i].best[1] / (double)n * 1e9;
      double ff = (k[i].bytes / f) / (16.0 / cns), fa = k[i].vec ? 0 : (k[i].bytes / ad) / (16.0 / cns);
      printf("KERNEL %-20s %9.3f %9.3f %6.3f %6.3f\n", k[i].name, f, ad, ff, fa);
    }
  }
  for (int i = 0; i < nk; i++) {
    dlops_darray_destroy(&xs[i]);
    dlops_darray_destroy(&ys[i]);
    if (k[i].op) dlops_op_destroy(&k[i].op);
  }
  free(a);
  free(b);
  dlops_ctx_destroy(&ctx);
  MPI_Finalize();
  return 0;
}
