/* C side of the Fortran tests: the same computations done through the C API, so the Fortran
 * test can compare what its wrappers give with what C gives on the same data. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dlops.h"

int fref_constants(int *v, int n);
int fref_compute(MPI_Fint fcomm, int dtype, int ndim, const int64_t *cshape, int axis, double *out, double *gathered);

/* The C values of every constant the Fortran module defines, in the order the test expects. */
int fref_constants(int *v, int n) {
  const int c[] = {DLOPS_F32, DLOPS_F64, DLOPS_C64, DLOPS_C128, DLOPS_NUM_DTYPES,
                   DLOPS_MEM_HOST, DLOPS_MEM_DEVICE,
                   DLOPS_SUCCESS, DLOPS_ERR_ARG, DLOPS_ERR_SIZE, DLOPS_ERR_STATE, DLOPS_ERR_UNSUPPORTED, DLOPS_ERR_MEM,
                   DLOPS_ERR_MPI, DLOPS_ERR_CUDA, DLOPS_ERR_CUBLAS, DLOPS_ERR_NCCL, DLOPS_ERR_IO, DLOPS_ERR_INTERNAL,
                   DLOPS_NUM_ERRORS,
                   DLOPS_SCATTER, DLOPS_BROADCAST, DLOPS_UNSAFE_BROADCAST,
                   DLOPS_COMM_ALLREDUCE, DLOPS_COMM_ALLGATHER, DLOPS_COMM_BCAST, DLOPS_COMM_REDUCE, DLOPS_COMM_ALLTOALLV,
                   DLOPS_COMM_NEIGHBOR, DLOPS_COMM_SPLIT, DLOPS_COMM_META, DLOPS_COMM_NUM_KINDS,
                   DLOPS_MAX_NDIM, DLOPS_VERSION_MAJOR, DLOPS_VERSION_MINOR, DLOPS_VERSION_PATCH,
                   (int)sizeof(dlops_scalar), (int)sizeof(dlops_comm_counter), (int)sizeof(dlops_ctx),
                   (int)sizeof(dlops_darray), (int)sizeof(dlops_pending)};
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
