/* GPU test (label gpu): a context with mem=device, then the device element kernels
 * (cuda/darray_kernels.cu, linked from the same objects as libdlops) against the host loops of
 * the same inline functions (csrc/mem/kernels.h) on the same data, for every element type;
 * plus the launchers' argument checks.
 *
 * Without a CUDA build or a usable device, dlops_ctx_create fails with DLOPS_ERR_UNSUPPORTED on
 * every rank and dlops_test_init skips (exit 77, "[DLOPS-SKIP] reason" on rank 0). */
#include "dlops_test.h"

#ifdef DLOPS_TEST_CUDA
#include <cuda_runtime.h>

#include "../../csrc/mem/kernels.h"
#include "../../cuda/darray_kernels.h"

enum { OP_AXPBY, OP_SCALE, OP_CONJ, OP_MULT, NUM_OPS };
static const char *const op_names[NUM_OPS] = {"axpby", "scale", "conj", "mult"};

/* Host reference: the same inline functions in a plain loop. y is updated (axpby, scale, conj) or
 * written (mult: y = x .* w). */
static void host_apply(int op, dlops_dtype t, void *y, const void *x, const void *w, int64_t n, dlops_scalar a,
                       dlops_scalar b) {
  for (int64_t i = 0; i < n; i++) {
    switch (t) {
      case DLOPS_F32:
        if (op == OP_AXPBY) dlops_k_axpby_rs(y, x, i, a.re, b.re);
        if (op == OP_SCALE) dlops_k_scale_rs(y, i, a.re);
        if (op == OP_MULT) dlops_k_mult_rs(y, x, w, i);
        break;
      case DLOPS_F64:
        if (op == OP_AXPBY) dlops_k_axpby_rd(y, x, i, a.re, b.re);
        if (op == OP_SCALE) dlops_k_scale_rd(y, i, a.re);
        if (op == OP_MULT) dlops_k_mult_rd(y, x, w, i);
        break;
      case DLOPS_C64:
        if (op == OP_AXPBY) dlops_k_axpby_cs(y, x, i, a.re, a.im, b.re, b.im);
        if (op == OP_SCALE) dlops_k_scale_cs(y, i, a.re, a.im);
        if (op == OP_CONJ) dlops_k_conj_cs(y, i);
        if (op == OP_MULT) dlops_k_mult_cs(y, x, w, i);
        break;
      default:
        if (op == OP_AXPBY) dlops_k_axpby_cd(y, x, i, a.re, a.im, b.re, b.im);
        if (op == OP_SCALE) dlops_k_scale_cd(y, i, a.re, a.im);
        if (op == OP_CONJ) dlops_k_conj_cd(y, i);
        if (op == OP_MULT) dlops_k_mult_cd(y, x, w, i);
        break;
    }
  }
}

static double value(const void *p, dlops_dtype t, int64_t k) {
  return (t == DLOPS_F32 || t == DLOPS_C64) ? (double)((const float *)p)[k] : ((const double *)p)[k];
}

static void check_cuda(cudaError_t e, const char *what) {
  T_CHECK(e == cudaSuccess, "%s: %s (%s)", what, cudaGetErrorName(e), cudaGetErrorString(e));
}

/* Run one op on device and host for dtype t with n elements; data in [-1, 1], |coefs| <= 2.5,
 * so an absolute tolerance of 10 * tol covers FMA contraction on the device. */
static void run(int op, dlops_dtype t, int64_t n, unsigned long long seed) {
  size_t es = dlops_dtype_size(t), bytes = (size_t)n * es;
  int64_t nr = (t == DLOPS_C64 || t == DLOPS_C128) ? 2 * n : n; /* reals */
  dlops_scalar a = {1.25, -0.5}, b = {-0.75, 2.0};
  void *hx = malloc(bytes), *hw = malloc(bytes), *hy = malloc(bytes), *got = malloc(bytes);
  void *dx = NULL, *dw = NULL, *dy = NULL;
  if (!hx || !hw || !hy || !got) {
    T_CHECK(0, "host allocation of %zu bytes", bytes);
    goto done;
  }
  dlops_test_fill(hx, n, t, seed);
  dlops_test_fill(hw, n, t, seed + 1);
  dlops_test_fill(hy, n, t, seed + 2);
  check_cuda(cudaMalloc(&dx, bytes), "cudaMalloc x");
  check_cuda(cudaMalloc(&dw, bytes), "cudaMalloc w");
  check_cuda(cudaMalloc(&dy, bytes), "cudaMalloc y");
  if (!dx || !dw || !dy) goto done;
  check_cuda(cudaMemcpy(dx, hx, bytes, cudaMemcpyHostToDevice), "copy x");
  check_cuda(cudaMemcpy(dw, hw, bytes, cudaMemcpyHostToDevice), "copy w");
  check_cuda(cudaMemcpy(dy, hy, bytes, cudaMemcpyHostToDevice), "copy y");
  cudaError_t e = cudaSuccess;
  switch (op) {
    case OP_AXPBY: e = dlops_cuda_axpby(t, dy, dx, n, a, b, 0); break;
    case OP_SCALE: e = dlops_cuda_scale(t, dy, n, a, 0); break;
    case OP_CONJ: e = dlops_cuda_conj(t, dy, n, 0); break;
    default: e = dlops_cuda_mult(t, dy, dx, dw, n, 0); break;
  }
  check_cuda(e, op_names[op]);
  check_cuda(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  check_cuda(cudaMemcpy(got, dy, bytes, cudaMemcpyDeviceToHost), "copy back");
  host_apply(op, t, hy, hx, hw, n, a, b);
  double tol = 10 * dlops_test_tol(t), maxerr = 0;
  for (int64_t k = 0; k < nr; k++) {
    double d = fabs(value(got, t, k) - value(hy, t, k));
    if (!(d <= maxerr)) maxerr = d; /* NaN-propagating max */
  }
  T_CHECK(maxerr <= tol, "%s %s n=%lld: max |device - host| = %g > %g", op_names[op], dlops_dtype_name(t),
          (long long)n, maxerr, tol);
done:
  cudaFree(dx);
  cudaFree(dw);
  cudaFree(dy);
  free(hx);
  free(hw);
  free(hy);
  free(got);
}
#endif

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
#ifndef DLOPS_TEST_CUDA
  dlops_test_skip(ctx, "dlops built without CUDA (-DDLOPS_ENABLE_CUDA=OFF)");
#else
  int rank = 0;
  const char *spec = NULL;
  T_CALL(dlops_ctx_get_rank(ctx, &rank));
  T_CALL(dlops_ctx_get_spec(ctx, &spec));
  T_CHECK(spec && strstr(spec, "mem=device"), "context spec \"%s\" is not on device memory", spec ? spec : "");
  int dev = -1, ndev = 0;
  check_cuda(cudaGetDevice(&dev), "cudaGetDevice");
  check_cuda(cudaGetDeviceCount(&ndev), "cudaGetDeviceCount");
  T_CHECK(dev >= 0 && dev < ndev, "selected device %d of %d", dev, ndev);

  const int64_t sizes[] = {1, 257 + 13 * rank, 100003};
  for (int op = 0; op < NUM_OPS; op++)
    for (int t = 0; t < DLOPS_NUM_DTYPES; t++)
      for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        run(op, (dlops_dtype)t, sizes[s], 1000u * (unsigned)op + 10u * (unsigned)t + s);
  /* More elements than one grid covers (65535 blocks of 256): the grid-stride loop must finish. */
  run(OP_SCALE, DLOPS_F32, 65535LL * 256 + 4099, 7);

  /* Argument checks: nothing is launched, the error is cudaErrorInvalidValue. */
  dlops_scalar one = {1, 0};
  T_CHECK(dlops_cuda_axpby((dlops_dtype)7, NULL, NULL, 4, one, one, 0) == cudaErrorInvalidValue, "bad dtype accepted");
  T_CHECK(dlops_cuda_scale(DLOPS_F64, NULL, -1, one, 0) == cudaErrorInvalidValue, "negative n accepted");
  T_CHECK(dlops_cuda_mult(DLOPS_F64, NULL, NULL, NULL, 3, 0) == cudaErrorInvalidValue, "NULL pointers accepted");
  T_CHECK(dlops_cuda_conj(DLOPS_C128, NULL, 0, 0) == cudaSuccess, "n = 0 must be a no-op");
  T_CHECK(dlops_cuda_conj(DLOPS_F32, NULL, 0, 0) == cudaSuccess, "conj of real data must be a no-op");
#endif
  return dlops_test_finish(ctx);
}
