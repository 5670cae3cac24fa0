// Device element kernels of distributed-array vector operations. Each kernel is a grid-stride
// loop around one of the DLOPS_HD inline functions of csrc/mem/kernels.h, so the GPU runs
// exactly the arithmetic the host loops run (and that validation/gpu/test_kernels_host.c checks
// on the CPU). The launchers are declared in darray_kernels.h.
#include "darray_kernels.h"

#include "../csrc/mem/kernels.h"

namespace {

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocks = 65535;  // grid-stride loops cover the rest

__device__ inline int64_t first_index() { return (int64_t)blockIdx.x * blockDim.x + threadIdx.x; }
__device__ inline int64_t grid_stride() { return (int64_t)blockDim.x * gridDim.x; }

#define DLOPS_DEFINE_CUDA_KERNELS(T, S)                                                                  \
  __global__ void axpby_r##S(int64_t n, T *y, const T *x, double a, double b) {                         \
    for (int64_t i = first_index(); i < n; i += grid_stride()) dlops_k_axpby_r##S(y, x, i, a, b);       \
  }                                                                                                      \
  __global__ void axpby_c##S(int64_t n, T *y, const T *x, double ar, double ai, double br, double bi) { \
    for (int64_t i = first_index(); i < n; i += grid_stride()) dlops_k_axpby_c##S(y, x, i, ar, ai, br, bi); \
  }                                                                                                      \
  __global__ void scale_r##S(int64_t n, T *x, double a) {                                               \
    for (int64_t i = first_index(); i < n; i += grid_stride()) dlops_k_scale_r##S(x, i, a);             \
  }                                                                                                      \
  __global__ void scale_c##S(int64_t n, T *x, double ar, double ai) {                                   \
    for (int64_t i = first_index(); i < n; i += grid_stride()) dlops_k_scale_c##S(x, i, ar, ai);        \
  }                                                                                                      \
  __global__ void conj_c##S(int64_t n, T *x) {                                                          \
    for (int64_t i = first_index(); i < n; i += grid_stride()) dlops_k_conj_c##S(x, i);                 \
  }                                                                                                      \
  __global__ void mult_r##S(int64_t n, T *z, const T *x, const T *y) {                                  \
    for (int64_t i = first_index(); i < n; i += grid_stride()) dlops_k_mult_r##S(z, x, y, i);           \
  }                                                                                                      \
  __global__ void mult_c##S(int64_t n, T *z, const T *x, const T *y) {                                  \
    for (int64_t i = first_index(); i < n; i += grid_stride()) dlops_k_mult_c##S(z, x, y, i);           \
  }

DLOPS_DEFINE_CUDA_KERNELS(float, s)
DLOPS_DEFINE_CUDA_KERNELS(double, d)

#undef DLOPS_DEFINE_CUDA_KERNELS

// Enqueue kernel over n elements on stream and report the launch error.
template <typename... P, typename... A>
cudaError_t launch(void (*kernel)(int64_t, P...), int64_t n, cudaStream_t stream, A... args) {
  if (n == 0) return cudaSuccess;
  int64_t blocks = (n + kThreads - 1) / kThreads;
  if (blocks > kMaxBlocks) blocks = kMaxBlocks;
  kernel<<<dim3((unsigned)blocks), dim3(kThreads), 0, stream>>>(n, args...);
  return cudaGetLastError();
}

bool valid(dlops_dtype t, int64_t n) { return (int)t >= 0 && t < DLOPS_NUM_DTYPES && n >= 0; }

}  // namespace

extern "C" cudaError_t dlops_cuda_axpby(dlops_dtype t, void *y, const void *x, int64_t n, dlops_scalar a,
                                        dlops_scalar b, cudaStream_t stream) {
  if (!valid(t, n) || (n > 0 && (!y || !x))) return cudaErrorInvalidValue;
  switch (t) {
    case DLOPS_F32: return launch(axpby_rs, n, stream, (float *)y, (const float *)x, a.re, b.re);
    case DLOPS_F64: return launch(axpby_rd, n, stream, (double *)y, (const double *)x, a.re, b.re);
    case DLOPS_C64:
      return launch(axpby_cs, n, stream, (float *)y, (const float *)x, a.re, a.im, b.re, b.im);
    default: return launch(axpby_cd, n, stream, (double *)y, (const double *)x, a.re, a.im, b.re, b.im);
  }
}

extern "C" cudaError_t dlops_cuda_scale(dlops_dtype t, void *x, int64_t n, dlops_scalar a, cudaStream_t stream) {
  if (!valid(t, n) || (n > 0 && !x)) return cudaErrorInvalidValue;
  switch (t) {
    case DLOPS_F32: return launch(scale_rs, n, stream, (float *)x, a.re);
    case DLOPS_F64: return launch(scale_rd, n, stream, (double *)x, a.re);
    case DLOPS_C64: return launch(scale_cs, n, stream, (float *)x, a.re, a.im);
    default: return launch(scale_cd, n, stream, (double *)x, a.re, a.im);
  }
}

extern "C" cudaError_t dlops_cuda_conj(dlops_dtype t, void *x, int64_t n, cudaStream_t stream) {
  if (!valid(t, n) || (n > 0 && !x)) return cudaErrorInvalidValue;
  switch (t) {
    case DLOPS_C64: return launch(conj_cs, n, stream, (float *)x);
    case DLOPS_C128: return launch(conj_cd, n, stream, (double *)x);
    default: return cudaSuccess;  // real data is its own conjugate
  }
}

extern "C" cudaError_t dlops_cuda_mult(dlops_dtype t, void *z, const void *x, const void *y, int64_t n,
                                       cudaStream_t stream) {
  if (!valid(t, n) || (n > 0 && (!z || !x || !y))) return cudaErrorInvalidValue;
  switch (t) {
    case DLOPS_F32: return launch(mult_rs, n, stream, (float *)z, (const float *)x, (const float *)y);
    case DLOPS_F64: return launch(mult_rd, n, stream, (double *)z, (const double *)x, (const double *)y);
    case DLOPS_C64: return launch(mult_cs, n, stream, (float *)z, (const float *)x, (const float *)y);
    default: return launch(mult_cd, n, stream, (double *)z, (const double *)x, (const double *)y);
  }
}
