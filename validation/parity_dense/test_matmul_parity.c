/* Parity with PyLops-MPI's MatrixMult (kind="block" and "summa"): loads A, X and PyLops-MPI's
 * gathered Y = A X and Xadj = A^H Y from .npy files (committed golden files, or files written by
 * pylops_matmul.py in this run) and checks dlops' tiles on the most square grid that fits
 * (square grids as PyLops-MPI requires; idle ranks at NP 2 and 3). Usage: test DIR */
#include <stdio.h>

#include "dlops_test.h"

static double complex at(const void *p, dlops_dtype t, int64_t k) {
  return t == DLOPS_F64 ? ((const double *)p)[k] : ((const double *)p)[2 * k] + I * ((const double *)p)[2 * k + 1];
}
static void set(void *p, dlops_dtype t, int64_t k, double complex v) {
  if (t == DLOPS_F64)
    ((double *)p)[k] = creal(v);
  else {
    ((double *)p)[2 * k] = creal(v);
    ((double *)p)[2 * k + 1] = cimag(v);
  }
}

/* Load a .npy as a BROADCAST array and return its data (whole matrix on every rank). */
static dlops_darray load(dlops_ctx ctx, const char *path, void **data) {
  dlops_darray a = NULL;
  int err = dlops_darray_read_npy(ctx, path, 0, DLOPS_BROADCAST, &a);
  T_CHECK(err == 0, "read %s: %s", path, dlops_last_error());
  if (err) return NULL;
  T_REQUIRE(dlops_darray_get_local(a, DLOPS_MEM_HOST, data));
  return a;
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  if (argc < 2) dlops_test_skip(ctx, "no reference directory given");
  const char *dir = argv[1];
  char probe[1024];
  snprintf(probe, sizeof probe, "%s/block_float64_7x5x6_A.npy", dir);
  FILE *f = fopen(probe, "rb");
  int have = f != NULL, all = 0;
  if (f) fclose(f);
  MPI_Allreduce(&have, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!all) dlops_test_skip(ctx, "no PyLops-MPI reference files in this run (pylops_mpi not importable)");
  int P, rank;
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &rank);
  int pp = 1;
  while ((pp + 1) * (pp + 1) <= P) pp++;
  const int64_t cases[][3] = {{7, 5, 6}, {9, 4, 3}, {4, 4, 4}};
  const char *kinds[2] = {"block", "summa"};
  const char *dts[2] = {"float64", "complex128"};
  double worst = 0;
  for (int c = 0; c < 3; c++)
    for (int d = 0; d < 2; d++)
      for (int k = 0; k < 2; k++) {
        int64_t N = cases[c][0], K = cases[c][1], M = cases[c][2];
        dlops_dtype t = d ? DLOPS_C128 : DLOPS_F64;
        char stem[900], path[1024];
        snprintf(stem, sizeof stem, "%s/%s_%s_%lldx%lldx%lld", dir, kinds[k], dts[d], (long long)N, (long long)K,
                 (long long)M);
        void *A, *X, *Y, *XA;
        snprintf(path, sizeof path, "%s_A.npy", stem);
        dlops_darray dA = load(ctx, path, &A);
        snprintf(path, sizeof path, "%s_X.npy", stem);
        dlops_darray dX = load(ctx, path, &X);
        snprintf(path, sizeof path, "%s_Y.npy", stem);
        dlops_darray dY = load(ctx, path, &Y);
        snprintf(path, sizeof path, "%s_Xadj.npy", stem);
        dlops_darray dXA = load(ctx, path, &XA);
        if (!dA || !dX || !dY || !dXA) continue;
        dlops_matmul_kind kind = k ? DLOPS_MATMUL_SUMMA : DLOPS_MATMUL_BLOCK;
        int active = rank < pp * pp, i = active ? rank / pp : 0, j = active ? rank % pp : 0;
        int64_t a0 = 0, an = 0, k0 = 0, ak = 0;
        if (active) {
          if (kind == DLOPS_MATMUL_BLOCK) {
            dlops_ceil_block(N, pp, j, &a0, &an);
            ak = K;
          } else {
            dlops_ceil_block(N, pp, i, &a0, &an);
            dlops_ceil_block(K, pp, j, &k0, &ak);
          }
        }
        double *tile = malloc(sizeof(double) * 2 * (size_t)(an * ak + 1));
        for (int64_t r = 0; r < an; r++)
          for (int64_t q = 0; q < ak; q++) set(tile, t, r * ak + q, at(A, t, (a0 + r) * K + k0 + q));
        dlops_op op;
        T_REQUIRE(dlops_op_create_matmul(ctx, kind, pp, pp, N, K, M, tile, 0, t, &op));
        free(tile);
        int64_t xs[2], ys[2];
        dlops_op_matmul_get_layout(op, NULL, NULL, NULL, NULL, NULL, xs, ys);
        int64_t xr0 = 0, xc0 = 0, yr0 = 0, yc0 = 0, tmp;
        if (active) {
          dlops_ceil_block(M, pp, i, &xc0, &tmp);
          if (kind == DLOPS_MATMUL_BLOCK)
            yc0 = xc0;
          else {
            xr0 = k0;
            yr0 = a0;
            dlops_ceil_block(M, pp, j, &yc0, &tmp);
          }
        }
        dlops_darray x, y;
        T_REQUIRE(dlops_op_create_vecs(op, &x, &y));
        void *p;
        T_REQUIRE(dlops_darray_get_local(x, DLOPS_MEM_HOST, &p));
        for (int64_t r = 0; r < xs[0]; r++)
          for (int64_t q = 0; q < xs[1]; q++) set(p, t, r * xs[1] + q, at(X, t, (xr0 + r) * M + xc0 + q));
        T_CALL(dlops_darray_restore_local(x, &p));
        T_CALL(dlops_op_apply(op, x, y));
        /* forward vs PyLops-MPI's Y, relative to max |Y| */
        double e = 0, s = 0;
        T_REQUIRE(dlops_darray_get_local(y, DLOPS_MEM_HOST, &p));
        for (int64_t r = 0; r < ys[0]; r++)
          for (int64_t q = 0; q < ys[1]; q++) {
            double complex ref = at(Y, t, (yr0 + r) * M + yc0 + q);
            e = fmax(e, cabs(at(p, t, r * ys[1] + q) - ref));
          }
        for (int64_t q = 0; q < N * M; q++) s = fmax(s, cabs(at(Y, t, q)));
        /* adjoint of PyLops-MPI's Y vs its Xadj */
        for (int64_t r = 0; r < ys[0]; r++)
          for (int64_t q = 0; q < ys[1]; q++) set(p, t, r * ys[1] + q, at(Y, t, (yr0 + r) * M + yc0 + q));
        T_CALL(dlops_darray_restore_local(y, &p));
        T_CALL(dlops_op_apply_adjoint(op, y, x));
        double ea = 0, sa = 0;
        T_REQUIRE(dlops_darray_get_local(x, DLOPS_MEM_HOST, &p));
        for (int64_t r = 0; r < xs[0]; r++)
          for (int64_t q = 0; q < xs[1]; q++)
            ea = fmax(ea, cabs(at(p, t, r * xs[1] + q) - at(XA, t, (xr0 + r) * M + xc0 + q)));
        for (int64_t q = 0; q < K * M; q++) sa = fmax(sa, cabs(at(XA, t, q)));
        T_CALL(dlops_darray_restore_local(x, &p));
        double rel = fmax(e / (s + 1e-300), ea / (sa + 1e-300));
        T_CHECK(rel <= 1e-12, "%s: dlops vs PyLops-MPI relative error %g (forward %g, adjoint %g)", stem, rel, e, ea);
        worst = fmax(worst, rel);
        dlops_darray_destroy(&x);
        dlops_darray_destroy(&y);
        dlops_op_destroy(&op);
        void *q;
        q = A;
        dlops_darray_restore_local(dA, &q);
        q = X;
        dlops_darray_restore_local(dX, &q);
        q = Y;
        dlops_darray_restore_local(dY, &q);
        q = XA;
        dlops_darray_restore_local(dXA, &q);
        dlops_darray_destroy(&dA);
        dlops_darray_destroy(&dX);
        dlops_darray_destroy(&dY);
        dlops_darray_destroy(&dXA);
      }
  MPI_Allreduce(MPI_IN_PLACE, &worst, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0) printf("matmul parity with PyLops-MPI (%s), grid %dx%d: max relative error %.3e\n", dir, pp, pp, worst);
  return dlops_test_finish(ctx);
}
