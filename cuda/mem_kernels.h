/* Host launchers of the CUDA memory table's kernels (cuda/mem_kernels.cu; never installed).
 * Usable from C and CUDA C++: the table itself (cuda/mem_cuda.c) is C and calls these.
 *
 * Every launcher enqueues its kernels on `stream` and returns without waiting (the table decides
 * where to wait: see the synchronisation comment in mem_cuda.c). Pointers are device pointers
 * unless said otherwise. n counts elements of dtype t (a complex element is two reals).
 * Return: cudaSuccess or the launch error (cudaGetLastError). An n of 0 launches nothing.
 *
 * Arithmetic: every per-element body is a DLOPS_HD inline function of csrc/mem/kernels.h or
 * csrc/mem/stencil.h, the ones the host loops call, and mem_kernels.cu is compiled with
 * --fmad=false (no contraction into fused multiply-adds, as the host C code is built with
 * -ffp-contract=off), so an element computed by the same operations in the same order rounds the
 * same on both. Exceptions (documented at each launcher): reductions (another summation order),
 * and the element maps that call transcendental functions (CUDA's libdevice against glibc). */
#ifndef DLOPS_CUDA_MEM_KERNELS_H
#define DLOPS_CUDA_MEM_KERNELS_H

#include <cuda_runtime.h>
#include <stdint.h>

#include "dlops/base.h"
#include "mem_elems.h" /* the geometry structs and the per-element functions */

#if defined(__GNUC__)
#define DLOPS_CUDA_INTERN __attribute__((visibility("hidden")))
#else
#define DLOPS_CUDA_INTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Reduction shape, fixed (independent of the device, of timing and of the data): stage 1 runs
 *  DLOPS_CU_RED_BLOCKS(n) blocks of DLOPS_CU_RED_THREADS threads; stage 2 one block of
 *  DLOPS_CU_RED_MAXBLOCKS threads. */
#define DLOPS_CU_RED_THREADS 256
#define DLOPS_CU_RED_MAXBLOCKS 512

DLOPS_CUDA_INTERN cudaError_t dlops_cu_fill(dlops_dtype t, int64_t n, double re, double im, void *x, cudaStream_t s);
DLOPS_CUDA_INTERN cudaError_t dlops_cu_convert(int64_t n, dlops_dtype tx, const void *x, dlops_dtype ty, void *y,
                                               cudaStream_t s);
DLOPS_CUDA_INTERN cudaError_t dlops_cu_axpby(dlops_dtype t, int64_t n, dlops_scalar a, const void *x, dlops_scalar b,
                                             void *y, cudaStream_t s);
DLOPS_CUDA_INTERN cudaError_t dlops_cu_step(dlops_dtype t, int64_t n, dlops_scalar a, void *p, void *y, const void *r,
                                            dlops_scalar b, cudaStream_t s);
DLOPS_CUDA_INTERN cudaError_t dlops_cu_scale(dlops_dtype t, int64_t n, dlops_scalar a, void *x, cudaStream_t s);
DLOPS_CUDA_INTERN cudaError_t dlops_cu_conj(dlops_dtype t, int64_t n, void *x, cudaStream_t s);
DLOPS_CUDA_INTERN cudaError_t dlops_cu_mult(dlops_dtype t, int64_t n, const void *x, int conj_x, const void *y, void *z,
                                            cudaStream_t s);
/** Element maps (dlops_k_map). Not bit-identical to the host where the map calls hypot, atan2,
 *  cos, sin, pow or acos (complex data; half thresholding): libdevice's and glibc's results may
 *  differ in the last bits. */
DLOPS_CUDA_INTERN cudaError_t dlops_cu_map(int kind, double p0, double p1, dlops_dtype t, int64_t n, const void *in,
                                           void *out, cudaStream_t s);
/** out[0..1] (device) = sum conj?(x_i) y_i in double. part: device scratch of at least
 *  2 * DLOPS_CU_RED_MAXBLOCKS doubles. Deterministic; see mem_kernels.cu for the order. */
DLOPS_CUDA_INTERN cudaError_t dlops_cu_dot(dlops_dtype t, int64_t n, const void *x, const void *y, int conj_x,
                                           double *out, double *part, cudaStream_t s);
/** out[0] (device) = the norm partial of order ord (mem.h: sum |x|^ord, count, max, min).
 *  part: as for dot. */
DLOPS_CUDA_INTERN cudaError_t dlops_cu_norm(dlops_dtype t, int64_t n, const void *x, double ord, double *out,
                                            double *part, cudaStream_t s);
DLOPS_CUDA_INTERN cudaError_t dlops_cu_random(dlops_dtype t, const dlops_cu_rand_geom *r, void *x, cudaStream_t s);
/** nel elements of es bytes (any es; 4 and 8 move as one word, 16 as two 8-byte words). */
DLOPS_CUDA_INTERN cudaError_t dlops_cu_strided(size_t es, const dlops_cu_strided_geom *g, int64_t nel, void *dst,
                                               const void *src, cudaStream_t s);
/** Elements [lo, hi) of y = the stencil sum of mem.h (terms' programs and geometry are read on
 *  the host here and passed by value to the kernel). cplx: t is complex; dbl: its reals are
 *  double. */
DLOPS_CUDA_INTERN cudaError_t dlops_cu_stencil(int dbl, int cplx, int nterm, const dlops_stencil_term *terms,
                                               int64_t lo, int64_t hi, void *y, cudaStream_t s);
DLOPS_CUDA_INTERN cudaError_t dlops_cu_conv1d(dlops_dtype t, int adj, const dlops_cu_conv_geom *g, const void *h,
                                              const void *in, void *out, cudaStream_t s);

#ifdef __cplusplus
}
#endif

#endif
