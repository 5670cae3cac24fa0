/* Host launchers of the device element kernels of distributed-array vector operations
 * (never installed). Usable from C and CUDA C++. The kernels (cuda/darray_kernels.cu) call the
 * same DLOPS_HD inline functions as the host loops (csrc/mem/kernels.h), in grid-stride loops.
 *
 * Every launcher is local and asynchronous on `stream`: it enqueues one kernel and returns.
 * n counts elements (complex elements for DLOPS_C64/DLOPS_C128); n == 0 enqueues nothing.
 * Pointers are device pointers. Return: cudaSuccess, cudaErrorInvalidValue for a bad dtype,
 * a negative n or a NULL pointer with n > 0, or the launch error (cudaGetLastError). Callers wrap
 * them in DLOPS_CALL_CUDA (cuda/cuda_impl.h), which records the CUDA name and text of the error.
 * The data is not modified when the launcher returns an argument error.
 */
#ifndef DLOPS_CUDA_DARRAY_KERNELS_H
#define DLOPS_CUDA_DARRAY_KERNELS_H

#include <cuda_runtime.h>
#include <stdint.h>

#include "dlops/base.h"

#if defined(__GNUC__)
#define DLOPS_CUDA_INTERN __attribute__((visibility("hidden")))
#else
#define DLOPS_CUDA_INTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** y = a*x + b*y (real types use a.re, b.re). x may equal y. Local, asynchronous. */
DLOPS_CUDA_INTERN cudaError_t dlops_cuda_axpby(dlops_dtype t, void *y, const void *x, int64_t n, dlops_scalar a,
                                               dlops_scalar b, cudaStream_t stream);

/** x = a*x (real types use a.re). Local, asynchronous. */
DLOPS_CUDA_INTERN cudaError_t dlops_cuda_scale(dlops_dtype t, void *x, int64_t n, dlops_scalar a,
                                               cudaStream_t stream);

/** x = conj(x): negates imaginary parts; a no-op (nothing launched) for real types. Local, asynchronous. */
DLOPS_CUDA_INTERN cudaError_t dlops_cuda_conj(dlops_dtype t, void *x, int64_t n, cudaStream_t stream);

/** z = x .* y (element-wise product). z may equal x or y. Local, asynchronous. */
DLOPS_CUDA_INTERN cudaError_t dlops_cuda_mult(dlops_dtype t, void *z, const void *x, const void *y, int64_t n,
                                              cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
