/* C side of the Fortran tests: the same computations done through the C API, so the Fortran
 * test can compare what its wrappers give with what C gives on the same data. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dlops.h"

int fref_constants(int *v, int n);
int fref_compute(MPI_Fint fcomm, int dtype, int ndim, const int64_t *cshape, int axis, double *out, double *gathered);

/* The C values of every constant the Fortran module defines, in the order the test expects. */
int fref_constants(int *v, int n) {
  const int c[] = {DLOPS_F32, DLOPS_F64, DLOPS_C64, DLOPS_C128, DLOPS_NUM_DTYPES,
                   DLOPS_MEM_HOST, DLOPS_MEM_DEVICE, DLOPS_NUM_MEMSPACES,
                   DLOPS_MAP_SOFT_THRESHOLD, DLOPS_MAP_HARD_THRESHOLD, DLOPS_MAP_HALF_THRESHOLD, DLOPS_MAP_HARD_CUT,
                   DLOPS_MAP_CLIP, DLOPS_MAP_SIGN, DLOPS_MAP_NONZERO, DLOPS_MAP_OUTSIDE, DLOPS_NUM_MAPS,
                   DLOPS_SUCCESS, DLOPS_ERR_ARG, DLOPS_ERR_SIZE, DLOPS_ERR_STATE, DLOPS_ERR_UNSUPPORTED, DLOPS_ERR_MEM,
                   DLOPS_ERR_MPI, DLOPS_ERR_CUDA, DLOPS_ERR_CUBLAS, DLOPS_ERR_NCCL, DLOPS_ERR_IO, DLOPS_ERR_INTERNAL,
                   DLOPS_NUM_ERRORS,
                   DLOPS_SCATTER, DLOPS_BROADCAST, DLOPS_UNSAFE_BROADCAST,
                   DLOPS_COMM_ALLREDUCE, DLOPS_COMM_ALLGATHER, DLOPS_COMM_BCAST, DLOPS_COMM_REDUCE, DLOPS_COMM_ALLTOALLV,
                   DLOPS_COMM_NEIGHBOR, DLOPS_COMM_SPLIT, DLOPS_COMM_META, DLOPS_COMM_NUM_KINDS,
                   DLOPS_MAX_NDIM, DLOPS_VERSION_MAJOR, DLOPS_VERSION_MINOR, DLOPS_VERSION_PATCH,
                   (int)sizeof(dlops_scalar), (int)sizeof(dlops_comm_counter), (int)sizeof(dlops_ctx),
                   (int)sizeof(dlops_darray), (int)sizeof(dlops_pending), (int)sizeof(dlops_mem_counter)};
  int m = (int)(sizeof c / sizeof c[0]);
  for (int i = 0; i < m && i < n; i++) v[i] = c[i];
  return m;
}

/* Global test data at flat (C order) index k: re = sin(k+1), im = cos(k+1) (the Fortran test
 * uses the 1-based index k+1, so both sides compute the same numbers). */
static void put(void *buf, dlops_dtype t, int64_t k, double re, double im) {
  switch (t) {
    case DLOPS_F32: ((float *)buf)[k] = (float)re; break;
    case DLOPS_F64: ((double *)buf)[k] = re; break;
    case DLOPS_C64: ((float *)buf)[2 * k] = (float)re; ((float *)buf)[2 * k + 1] = (float)im; break;
    default: ((double *)buf)[2 * k] = re; ((double *)buf)[2 * k + 1] = im; break;
  }
}
static void get(const void *buf, dlops_dtype t, int64_t k, double *re, double *im) {
  switch (t) {
    case DLOPS_F32: *re = ((const float *)buf)[k]; *im = 0; break;
    case DLOPS_F64: *re = ((const double *)buf)[k]; *im = 0; break;
    case DLOPS_C64: *re = ((const float *)buf)[2 * k]; *im = ((const float *)buf)[2 * k + 1]; break;
    default: *re = ((const double *)buf)[2 * k]; *im = ((const double *)buf)[2 * k + 1]; break;
  }
}

/* On a new context over fcomm: x (shape cshape, distributed along axis) from the test data;
 * out[0..1] = dot(x, x), out[2..3] = vdot(x, x), out[4..9] = norms of order 2, 1, inf, -inf, 0, 3;
 * then y = fill(0.5 - 0.25i); y = (2 + i) x + 0.5 y; y *= (3 - i) (imaginary parts 0 for real x); y = x .* y; y = conj(y), and
 * gathered[2k], gathered[2k+1] = y_k (re, im) on every rank. Collective. */
int fref_compute(MPI_Fint fcomm, int dtype, int ndim, const int64_t *cshape, int axis, double *out, double *gathered) {
  dlops_ctx ctx = NULL;
  dlops_darray x = NULL, y = NULL;
  dlops_dtype t = (dlops_dtype)dtype;
  int err = dlops_ctx_create_f(fcomm, NULL, &ctx);
  if (err) return err;
  int64_t n = 1;
  for (int d = 0; d < ndim; d++) n *= cshape[d];
  void *g = malloc((size_t)(n > 0 ? n : 1) * dlops_dtype_size(t));
  if (!g) {
    dlops_ctx_destroy(&ctx);
    return DLOPS_ERR_MEM;
  }
  for (int64_t k = 0; k < n; k++) put(g, t, k, sin((double)(k + 1)), cos((double)(k + 1)));
  dlops_scalar r;
  const double ords[6] = {2, 1, INFINITY, -INFINITY, 0, 3};
  if (!err) err = dlops_darray_create(ctx, ndim, cshape, axis, DLOPS_SCATTER, t, &x);
  if (!err) err = dlops_darray_scatter(x, g, 0);
  if (!err) err = dlops_darray_dot(x, x, &r);
  if (!err) out[0] = r.re, out[1] = r.im;
  if (!err) err = dlops_darray_vdot(x, x, &r);
  if (!err) out[2] = r.re, out[3] = r.im;
  for (int i = 0; i < 6 && !err; i++) err = dlops_darray_norm(x, ords[i], &out[4 + i]);
  if (!err) err = dlops_darray_duplicate(x, &y);
  const double c = (t == DLOPS_C64 || t == DLOPS_C128) ? 1 : 0; /* real arrays take real scalars */
  if (!err) err = dlops_darray_fill(y, (dlops_scalar){0.5, -0.25 * c});
  if (!err) err = dlops_darray_axpby((dlops_scalar){2, 1 * c}, x, (dlops_scalar){0.5, 0}, y);
  if (!err) err = dlops_darray_scale(y, (dlops_scalar){3, -1 * c});
  if (!err) err = dlops_darray_pointwise_mult(x, y, y);
  if (!err) err = dlops_darray_conj(y);
  if (!err) err = dlops_darray_gather(y, g, -1);
  for (int64_t k = 0; k < n && !err; k++) get(g, t, k, &gathered[2 * k], &gathered[2 * k + 1]);
  free(g);
  dlops_darray_destroy(&y);
  dlops_darray_destroy(&x);
  dlops_ctx_destroy(&ctx);
  return err;
}

/* Sizes and field offsets of the solver structs and the solver constants, in the order the
 * Fortran solver test lists them (it computes the same from its bind(C) types). */
int fref_solver_layout(int64_t *v, int n);
int fref_solver_layout(int64_t *v, int n) {
  const int64_t c[] = {
      (int64_t)sizeof(dlops_solver_opts), offsetof(dlops_solver_opts, niter), offsetof(dlops_solver_opts, tol),
      offsetof(dlops_solver_opts, damp), offsetof(dlops_solver_opts, variant), offsetof(dlops_solver_opts, show),
      offsetof(dlops_solver_opts, itershow), offsetof(dlops_solver_opts, monitor),
      offsetof(dlops_solver_opts, monitor_user), offsetof(dlops_solver_opts, monitor_agree),
      offsetof(dlops_solver_opts, cost), offsetof(dlops_solver_opts, seed), offsetof(dlops_solver_opts, pylops_quirks),
      offsetof(dlops_solver_opts, atol), offsetof(dlops_solver_opts, btol), offsetof(dlops_solver_opts, conlim),
      offsetof(dlops_solver_opts, random_start), offsetof(dlops_solver_opts, power_niter),
      offsetof(dlops_solver_opts, power_tol), offsetof(dlops_solver_opts, eps), offsetof(dlops_solver_opts, alpha),
      offsetof(dlops_solver_opts, threshkind), offsetof(dlops_solver_opts, decay),
      offsetof(dlops_solver_opts, monitorres), offsetof(dlops_solver_opts, rtol), offsetof(dlops_solver_opts, tau),
      offsetof(dlops_solver_opts, epsg), offsetof(dlops_solver_opts, epsg_array), offsetof(dlops_solver_opts, eta),
      offsetof(dlops_solver_opts, acceleration), offsetof(dlops_solver_opts, inner_niter),
      offsetof(dlops_solver_opts, inner_tol), offsetof(dlops_solver_opts, gfirst), offsetof(dlops_solver_opts, use_z0),
      (int64_t)sizeof(dlops_solver_result), offsetof(dlops_solver_result, iterations),
      offsetof(dlops_solver_result, reason), offsetof(dlops_solver_result, r1norm),
      offsetof(dlops_solver_result, r2norm), offsetof(dlops_solver_result, cost), offsetof(dlops_solver_result, ncost),
      offsetof(dlops_solver_result, istop),
      (int64_t)sizeof(dlops_solver_iter), offsetof(dlops_solver_iter, iter), offsetof(dlops_solver_iter, solver),
      offsetof(dlops_solver_iter, r1norm), offsetof(dlops_solver_iter, r2norm), offsetof(dlops_solver_iter, cost),
      offsetof(dlops_solver_iter, xupdate), offsetof(dlops_solver_iter, x),
      (int64_t)sizeof(dlops_prox_l2_params), offsetof(dlops_prox_l2_params, sigma),
      offsetof(dlops_prox_l2_params, alpha), offsetof(dlops_prox_l2_params, qgrad),
      offsetof(dlops_prox_l2_params, niter), offsetof(dlops_prox_l2_params, warm),
      offsetof(dlops_prox_l2_params, solver), offsetof(dlops_prox_l2_params, variant),
      (int64_t)sizeof(dlops_op), (int64_t)sizeof(dlops_prox),
      DLOPS_SOLVER_RUNNING, DLOPS_CONVERGED_TOL, DLOPS_STOP_MAXIT, DLOPS_DIVERGED_BREAKDOWN, DLOPS_DIVERGED_NAN,
      DLOPS_STOPPED_BY_USER, DLOPS_DIVERGED_RESIDUAL, DLOPS_SOLVER_BLOCKING, DLOPS_SOLVER_FUSED,
      DLOPS_SOLVER_PIPELINED, DLOPS_THRESH_SOFT, DLOPS_THRESH_HARD, DLOPS_THRESH_HALF, DLOPS_ACCEL_NONE,
      DLOPS_ACCEL_VANDENBERGHE, DLOPS_ACCEL_FISTA, DLOPS_L2_SOLVER_CGLS, DLOPS_L2_SOLVER_CG, DLOPS_DERIV_FORWARD,
      DLOPS_DERIV_BACKWARD, DLOPS_DERIV_CENTERED, DLOPS_MATMUL_BLOCK, DLOPS_MATMUL_SUMMA};
  int m = (int)(sizeof c / sizeof c[0]);
  for (int i = 0; i < m && i < n; i++) v[i] = c[i];
  return m;
}
