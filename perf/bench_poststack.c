/* Time to solution of PyLops-MPI's post-stack inversion (tutorials/poststack.py) in dlops: the
 * CGLS solve of d = PostStack m, timed against perf/pylops_poststack.py by perf/ttos.sh.
 *
 *   mpiexec -n P build/<dir>/perf/bench_poststack [options]
 *
 *   --ny-per-rank N  y slices per rank of the synthetic model (default 8: ny = 8 P)
 *   --nx N --nz N    x and z sizes of the synthetic model (default 267 and 550: PyLops' test
 *                    model subsampled every 3rd x, as the tutorial does)
 *   --model F.npy    read the true model m = log(AI), shape (ny, nx, nz), from F instead of the
 *                    synthetic one (the sizes above are then taken from the file)
 *   --x0 F.npy       starting model (same shape; default: zero)
 *   --niter N        CGLS iterations (default 30; tol = 0, so exactly N are run)
 *   --variant V      fused (default, dlops' CGLS with 2 reductions per iteration), blocking
 *                    (PyLops-MPI's recurrence and reductions exactly) or pipelined
 *   --form F         transposed (default: T^H (W D along axis 0) T, as PyLops-MPI's tutorial
 *                    builds it) or direct (W D along z, the fastest axis, no transposes)
 *   --out F.npy      write the inverted model (1-D, ny nx nz values) to F
 *   --data-out F.npy write the modelled data d = PostStack m (1-D) to F
 *   --breakdown      after the solve, time (best of 5, max over ranks) one forward and one adjoint
 *                    apply of PostStack (of the --form used), the pieces of the transposed form of
 *                    this rank's local operator (transpose, its adjoint, derivative, convolution,
 *                    forward and adjoint) and an axpby and a dot of the model's size, to show
 *                    where a CGLS iteration's time goes
 *
 * The problem is the tutorial's: the model, of shape (ny, nx, nz) with z fastest, is distributed
 * over y (rank r owns a block (ny_r, nx, nz)); PostStack is the block diagonal over ranks of
 * PyLops' PoststackLinearModelling on each rank's block, which PyLops-MPI writes as
 * Top.H @ PPop @ Top with Top = Transpose((ny_r, nx, nz), (2, 0, 1)) and
 * PPop = Convolve1D(h = wav, offset = 20, axis 0) * FirstDerivative(axis 0, centered, order 3,
 * sampling 1, no edge) on (nz, ny_r, nx): here T^H (W D) T with the same pieces. The wavelet is
 * PyLops' ricker(t[:21], 15) with t = 0, 4, 8, ... ms: 41 samples on -80 .. 80 ms,
 * w = (1 - 2 (pi f0 t)^2) exp(-(pi f0 t)^2). The data are d = PostStack m_true (no noise), and
 * CGLS runs niter iterations from x0 with tol = 0.
 *
 * Timed: the solve only (copy of x0 into the iterate + dlops_solve_cgls), after a barrier; the
 * time printed is the maximum over ranks. Operator creation, the data and I/O are not timed.
 * Rank 0 prints a summary and one machine-readable line
 *   RESULT code=dlops np=P ny=.. nx=.. nz=.. niter=.. variant=.. form=.. solve_s=.. r2norm=..
 * The exit code is non-zero when the dot test of PostStack fails.
 */
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


static const double PI = 3.14159265358979323846;
enum { NW = 41 }; /* wavelet samples: t = -80 .. 80 ms at 4 ms */

/* PyLops' ricker(t, f0) on t = (i - nw/2) dt, evaluated in the same order as numpy does:
 * a = (pi * f0 * t)^2, w = (1 - 2 a) exp(-a). */
static void ricker(double f0, double dt, int nw, double *w) {
  for (int i = 0; i < nw; i++) {
    const double t = (double)(i - nw / 2) * dt;
    double a = PI * f0 * t;
    a = a * a;
    w[i] = (1 - 2 * a) * exp(-a);
  }
}

/* A layered synthetic log-impedance model with dipping, curved interfaces, as a function of the
 * global indices (the same values on any number of ranks). */
static double synthetic(int64_t iy, int64_t ix, int64_t iz, int64_t nz) {
  static const double ai[6] = {4.5, 5.2, 4.9, 6.3, 7.1, 8.8};
  const double zz = (double)iz - 0.1 * (double)ix - 4.0 * sin(0.05 * (double)ix + 0.2 * (double)iy);
  const double dz = (double)nz / 6.0;
  int layer = 0;
  for (int k = 1; k < 6; k++)
    if (zz > dz * k) layer = k;
  return log(ai[layer] * (1.0 + 0.5 * (double)iz / (double)nz));
}

/* This rank's local operator on its block (nyl, nx, nz): W D along z, either as
 * T^H (W D along axis 0) T, T = transpose (nyl, nx, nz) -> (nz, nyl, nx) (PyLops-MPI's
 * tutorial), or directly along axis 2. */
static dlops_op local_poststack(dlops_ctx self, int64_t nyl, int64_t nx, int64_t nz, const double *wav,
                                int transposed) {
  const int64_t ldims[3] = {nyl, nx, nz}, tdims[3] = {nz, nyl, nx};
  const int perm[3] = {2, 0, 1};
  const int64_t *dims = transposed ? tdims : ldims;
  const int axis = transposed ? 0 : 2;
  dlops_op D = NULL, W = NULL, WD = NULL, T = NULL, TH = NULL, WDT = NULL, out = NULL;
  BENCH_CK(dlops_op_create_first_derivative(self, 3, dims, axis, 1.0, DLOPS_DERIV_CENTERED, 3, 0, DLOPS_F64, &D));
  BENCH_CK(dlops_op_create_convolve1d(self, 3, dims, axis, wav, NW, NW / 2, DLOPS_F64, &W));
  BENCH_CK(dlops_op_create_product(W, D, &WD));
  if (!transposed) {
    out = WD;
    WD = NULL;
  } else {
    BENCH_CK(dlops_op_create_transpose_axes(self, 3, ldims, perm, DLOPS_F64, &T));
    BENCH_CK(dlops_op_create_adjoint(T, &TH));
    BENCH_CK(dlops_op_create_product(WD, T, &WDT));
    BENCH_CK(dlops_op_create_product(TH, WDT, &out));
  }
  dlops_op_destroy(&WDT); /* compositions hold their own references */
  dlops_op_destroy(&TH);
  dlops_op_destroy(&T);
  dlops_op_destroy(&WD);
  dlops_op_destroy(&W);
  dlops_op_destroy(&D);
  return out;
}

/* Copy the local block of a (ny, nx, nz) array read from a .npy file into the operator's 1-D
 * vector v (same rows on this rank: both use the default split of ny). */
static void copy_block(dlops_darray a3, dlops_darray v) {
  int64_t na = 0, nv = 0;
  BENCH_CK(dlops_darray_get_local_size(a3, &na));
  BENCH_CK(dlops_darray_get_local_size(v, &nv));
  if (na != nv) {
    fprintf(stderr, "bench_poststack: local sizes differ (%lld vs %lld)\n", (long long)na, (long long)nv);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  const void *src;
  void *dst;
  BENCH_CK(dlops_darray_get_local_read(a3, DLOPS_MEM_HOST, &src));
  BENCH_CK(dlops_darray_get_local(v, DLOPS_MEM_HOST, &dst));
  if (na > 0) memcpy(dst, src, sizeof(double) * (size_t)na);
  BENCH_CK(dlops_darray_restore_local(v, &dst));
  BENCH_CK(dlops_darray_restore_local_read(a3, &src));
}

/* Best of reps timings of fn(arg), each the maximum over ranks */
typedef void (*timed_fn)(void *arg);
static double best_time(timed_fn fn, void *arg, int reps) {
  double best = 1e300;
  for (int k = 0; k < reps; k++) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t = MPI_Wtime();
    fn(arg);
    t = MPI_Wtime() - t;
    MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    if (t < best) best = t;
  }
  return best;
}

typedef struct {
  dlops_op A;
  dlops_darray x, y;
  int adj;
} apply_arg;
static void do_apply(void *p) {
  apply_arg *a = p;
  if (a->A) BENCH_CK(a->adj ? dlops_op_apply_adjoint(a->A, a->y, a->x) : dlops_op_apply(a->A, a->x, a->y));
}
static void do_axpby(void *p) {
  apply_arg *a = p;
  BENCH_CK(dlops_darray_axpby((dlops_scalar){0.5, 0}, a->x, (dlops_scalar){0.5, 0}, a->y));
}
static void do_dot(void *p) {
  apply_arg *a = p;
  dlops_scalar r;
  BENCH_CK(dlops_darray_dot(a->x, a->y, &r));
}

/* Forward or adjoint apply of a local operator A (on this rank, best of 5 max over ranks; 0 when
 * this rank has none, so the other ranks' times count) */
static double time_local(dlops_op A, int adj) {
  apply_arg a = {A, NULL, NULL, adj};
  if (A) {
    BENCH_CK(dlops_op_create_vecs(A, &a.x, &a.y));
    BENCH_CK(dlops_darray_fill_random(a.x, 3, -1, 1));
    BENCH_CK(dlops_darray_fill_random(a.y, 4, -1, 1));
  }
  double t = best_time(do_apply, &a, 5);
  dlops_darray_destroy(&a.x);
  dlops_darray_destroy(&a.y);
  return t;
}

static void breakdown(dlops_ctx self, dlops_op PostStack, dlops_darray m, dlops_darray d, int64_t nyl, int64_t nx,
                      int64_t nz, const double *wav, int rank) {
  apply_arg ps = {PostStack, m, d, 0};
  const double fwd = best_time(do_apply, &ps, 5);
  ps.adj = 1;
  const double adj = best_time(do_apply, &ps, 5);
  dlops_darray y = NULL;
  BENCH_CK(dlops_darray_duplicate(m, &y));
  apply_arg v = {NULL, m, y, 0};
  const double axpby = best_time(do_axpby, &v, 5), dot = best_time(do_dot, &v, 5);
  dlops_darray_destroy(&y);
  /* the pieces of T^H (W D) T on this rank's block */
  const int64_t ldims[3] = {nyl, nx, nz}, tdims[3] = {nz, nyl, nx};
  const int perm[3] = {2, 0, 1};
  dlops_op T = NULL, D = NULL, W = NULL;
  if (nyl > 0) {
    BENCH_CK(dlops_op_create_transpose_axes(self, 3, ldims, perm, DLOPS_F64, &T));
    BENCH_CK(dlops_op_create_first_derivative(self, 3, tdims, 0, 1.0, DLOPS_DERIV_CENTERED, 3, 0, DLOPS_F64, &D));
    BENCH_CK(dlops_op_create_convolve1d(self, 3, tdims, 0, wav, NW, NW / 2, DLOPS_F64, &W));
  }
  const double tf = time_local(T, 0), ta = time_local(T, 1), df = time_local(D, 0), da = time_local(D, 1),
               wf = time_local(W, 0), wa = time_local(W, 1);
  if (rank == 0) {
    printf("breakdown (best of 5, max over ranks, ms): PostStack forward %.2f, adjoint %.2f; per rank's block: "
           "transpose %.2f / adjoint %.2f, derivative %.2f / %.2f, convolution %.2f / %.2f (forward / adjoint); "
           "axpby %.2f, dot %.2f\n",
           1e3 * fwd, 1e3 * adj, 1e3 * tf, 1e3 * ta, 1e3 * df, 1e3 * da, 1e3 * wf, 1e3 * wa, 1e3 * axpby, 1e3 * dot);
    printf("BREAKDOWN fwd_ms=%.3f adj_ms=%.3f T_ms=%.3f TH_ms=%.3f D_ms=%.3f DH_ms=%.3f W_ms=%.3f WH_ms=%.3f "
           "axpby_ms=%.3f dot_ms=%.3f\n",
           1e3 * fwd, 1e3 * adj, 1e3 * tf, 1e3 * ta, 1e3 * df, 1e3 * da, 1e3 * wf, 1e3 * wa, 1e3 * axpby, 1e3 * dot);
  }
  dlops_op_destroy(&T);
  dlops_op_destroy(&D);
  dlops_op_destroy(&W);
}

static void usage(void) {
  fprintf(stderr,
          "usage: bench_poststack [--ny-per-rank N] [--nx N] [--nz N] [--model F.npy] [--x0 F.npy] [--niter N]\n"
          "                       [--variant fused|blocking|pipelined] [--form transposed|direct] [--out F.npy]\n"
          "                       [--data-out F.npy] [--breakdown]\n");
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, P;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &P);

  int64_t nyr = 8, nx = 267, nz = 550, niter = 30;
  const char *model = NULL, *x0path = NULL, *out = NULL, *dout = NULL, *variant_name = "fused", *form = "transposed";
  int want_breakdown = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int used = 1;
    if (!strcmp(a, "--breakdown")) {
      want_breakdown = 1;
      continue;
    }
    if (!v) used = 0;
    else if (!strcmp(a, "--ny-per-rank")) nyr = atoll(v);
    else if (!strcmp(a, "--nx")) nx = atoll(v);
    else if (!strcmp(a, "--nz")) nz = atoll(v);
    else if (!strcmp(a, "--niter")) niter = atoll(v);
    else if (!strcmp(a, "--model")) model = v;
    else if (!strcmp(a, "--x0")) x0path = v;
    else if (!strcmp(a, "--out")) out = v;
    else if (!strcmp(a, "--data-out")) dout = v;
    else if (!strcmp(a, "--variant")) variant_name = v;
    else if (!strcmp(a, "--form")) form = v;
    else used = 0;
    if (!used) {
      if (rank == 0) {
        fprintf(stderr, "bench_poststack: bad argument '%s'\n", a);
        usage();
      }
      MPI_Finalize();
      return 2;
    }
    i++;
  }
  int variant = DLOPS_SOLVER_FUSED;
  if (!strcmp(variant_name, "blocking")) variant = DLOPS_SOLVER_BLOCKING;
  else if (!strcmp(variant_name, "pipelined")) variant = DLOPS_SOLVER_PIPELINED;
  else if (strcmp(variant_name, "fused")) variant = -1;
  const int transposed = !strcmp(form, "transposed");
  if (variant < 0 || (!transposed && strcmp(form, "direct")) || nyr < 0 || nx < 1 || nz < 2 || niter < 0) {
    if (rank == 0) usage();
    MPI_Finalize();
    return 2;
  }

  dlops_ctx ctx = NULL, self = NULL;
  BENCH_CK(dlops_ctx_create(MPI_COMM_WORLD, NULL, &ctx)); /* NULL: the backend from $DLOPS_SPEC */
  BENCH_CK(dlops_ctx_create(MPI_COMM_SELF, NULL, &self));
  const char *spec = "";
  BENCH_CK(dlops_ctx_get_spec(ctx, &spec));

  /* ---- the model: from a file (its shape decides the sizes) or synthetic */
  dlops_darray m3 = NULL;
  int64_t ny = nyr * P, nyl = nyr, y0 = (int64_t)rank * nyr;
  if (model) {
    int64_t shape[8], lshape[8];
    int nd = 0;
    BENCH_CK(dlops_darray_read_npy(ctx, model, 0, DLOPS_SCATTER, &m3));
    BENCH_CK(dlops_darray_get_ndim(m3, &nd));
    if (nd != 3) {
      if (rank == 0) fprintf(stderr, "bench_poststack: %s is not 3-D (ny, nx, nz)\n", model);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    BENCH_CK(dlops_darray_get_global_shape(m3, shape));
    BENCH_CK(dlops_darray_get_local_shape(m3, lshape));
    BENCH_CK(dlops_darray_get_offset(m3, &y0));
    ny = shape[0];
    nx = shape[1];
    nz = shape[2];
    nyl = lshape[0];
  }
  double wav[NW];
  ricker(15.0, 0.004, NW, wav);

  /* ---- PostStack = BlockDiag over ranks of this rank's T^H (W D) T (a rank without rows passes
   * no local operator) */
  dlops_op local = nyl > 0 ? local_poststack(self, nyl, nx, nz, wav, transposed) : NULL;
  dlops_op PostStack = NULL;
  BENCH_CK(dlops_op_create_blockdiag(ctx, nyl > 0, &local, -1, &PostStack));
  dlops_darray mtrue = NULL, d = NULL, x0 = NULL, minv = NULL;
  BENCH_CK(dlops_op_create_vecs(PostStack, &mtrue, &d));
  BENCH_CK(dlops_darray_duplicate(mtrue, &x0));
  BENCH_CK(dlops_darray_duplicate(mtrue, &minv));
  if (m3) {
    copy_block(m3, mtrue);
    dlops_darray_destroy(&m3);
  } else {
    void *p;
    BENCH_CK(dlops_darray_get_local(mtrue, DLOPS_MEM_HOST, &p));
    double *mp = p;
    for (int64_t j = 0; j < nyl; j++)
      for (int64_t ix = 0; ix < nx; ix++)
        for (int64_t iz = 0; iz < nz; iz++) mp[(j * nx + ix) * nz + iz] = synthetic(y0 + j, ix, iz, nz);
    BENCH_CK(dlops_darray_restore_local(mtrue, &p));
  }
  if (x0path) {
    dlops_darray a = NULL;
    int64_t shape[8];
    BENCH_CK(dlops_darray_read_npy(ctx, x0path, 0, DLOPS_SCATTER, &a));
    BENCH_CK(dlops_darray_get_global_shape(a, shape));
    if (shape[0] != ny || shape[1] != nx || shape[2] != nz) {
      if (rank == 0) fprintf(stderr, "bench_poststack: %s does not have the model's shape\n", x0path);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    copy_block(a, x0);
    dlops_darray_destroy(&a);
  }

  /* ---- the data (one apply, also the warm-up) and a dot test */
  BENCH_CK(dlops_op_apply(PostStack, mtrue, d));
  int passed = 0;
  double relerr = 0;
  BENCH_CK(dlops_op_dottest(PostStack, 1e-10, 5, &passed, &relerr));

  /* ---- the timed solve */
  dlops_solver_opts opts;
  BENCH_CK(dlops_solver_opts_default(&opts));
  opts.niter = niter;
  opts.tol = 0; /* PyLops-MPI's test is kold > tol: every iteration runs */
  opts.variant = variant;
  dlops_solver_result res;
  MPI_Barrier(MPI_COMM_WORLD);
  double t = MPI_Wtime();
  BENCH_CK(dlops_darray_copy(x0, minv));
  BENCH_CK(dlops_solve_cgls(PostStack, d, minv, &opts, &res));
  t = MPI_Wtime() - t;
  MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);

  if (out) BENCH_CK(dlops_darray_write_npy(minv, out));
  if (dout) BENCH_CK(dlops_darray_write_npy(d, dout));
  if (rank == 0) {
    printf("bench_poststack: %d ranks (%s), model (ny, nx, nz) = (%lld, %lld, %lld)%s%s, %s PostStack, dot test %s (%.1e)\n",
           P, spec, (long long)ny, (long long)nx, (long long)nz, model ? " from " : " synthetic", model ? model : "",
           transposed ? "T^H (W D) T" : "W D along z", passed ? "passed" : "FAILED", relerr);
    printf("CGLS %s: %lld iterations (%s), r2norm %.6e, solve %.4f s (%.2f ms per iteration)\n", variant_name,
           (long long)res.iterations, dlops_stop_reason_name(res.reason), res.r2norm, t,
           res.iterations ? 1e3 * t / (double)res.iterations : 0.0);
    printf("RESULT code=dlops np=%d ny=%lld nx=%lld nz=%lld niter=%lld variant=%s form=%s solve_s=%.6f r2norm=%.17g\n", P,
           (long long)ny, (long long)nx, (long long)nz, (long long)res.iterations, variant_name, form, t, res.r2norm);
  }

  if (want_breakdown) breakdown(self, PostStack, mtrue, d, nyl, nx, nz, wav, rank);

  dlops_darray_destroy(&minv);
  dlops_darray_destroy(&x0);
  dlops_darray_destroy(&d);
  dlops_darray_destroy(&mtrue);
  dlops_op_destroy(&PostStack);
  dlops_op_destroy(&local);
  dlops_ctx_destroy(&self);
  dlops_ctx_destroy(&ctx);
  MPI_Finalize();
  return passed ? 0 : 1;
}
