/* Internal CUDA/cuBLAS/NCCL error translation for the C sources of cuda/ (never installed).
 *
 *   DLOPS_CALL_CUDA(ctx, expr)          a cudaError_t call; on failure records
 *                                       "<expr> failed: cudaErrorX (text)" and returns DLOPS_ERR_CUDA
 *   DLOPS_CALL_CUBLAS(ctx, expr)        a cublasStatus_t call; returns DLOPS_ERR_CUBLAS
 *   DLOPS_CALL_NCCL(ctx, comm, expr)    an ncclResult_t call; the message adds ncclGetErrorString
 *                                       and ncclGetLastError(comm) (comm may be NULL); returns
 *                                       DLOPS_ERR_NCCL (NCCL builds only)
 *
 * The *_ERR variants store the code in a variable instead of returning, for code that must
 * clean up or reach a collective agreement first:
 *   DLOPS_CUDA_ERR(ctx, err, expr)      if err is 0 and expr fails, err = DLOPS_ERR_CUDA (recorded)
 *   DLOPS_NCCL_ERR(ctx, comm, err, expr)
 */
#ifndef DLOPS_CUDA_IMPL_H
#define DLOPS_CUDA_IMPL_H

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include "../csrc/core/ctx_impl.h"

#ifdef DLOPS_HAVE_NCCL
#include <nccl.h>
#endif

/** Record a CUDA runtime failure (cudaGetErrorName + cudaGetErrorString) and return
 *  DLOPS_ERR_CUDA. Also clears the runtime's last-error slot. Local. */
DLOPS_INTERN int dlops_error_cuda(dlops_ctx ctx, cudaError_t e, const char *file, int line, const char *func,
                                  const char *what);

/** Record a cuBLAS failure (cublasGetStatusName + cublasGetStatusString), return DLOPS_ERR_CUBLAS. Local. */
DLOPS_INTERN int dlops_error_cublas(dlops_ctx ctx, cublasStatus_t s, const char *file, int line, const char *func,
                                    const char *what);

#define DLOPS_CALL_CUDA(ctx, expr)                                                            \
  do {                                                                                        \
    cudaError_t dlops_cuerr_ = (expr);                                                        \
    if (dlops_cuerr_ != cudaSuccess)                                                          \
      return dlops_error_cuda((ctx), dlops_cuerr_, __FILE__, __LINE__, __func__, #expr);      \
  } while (0)

#define DLOPS_CUDA_ERR(ctx, err, expr)                                                        \
  do {                                                                                        \
    if (!(err)) {                                                                             \
      cudaError_t dlops_cuerr_ = (expr);                                                      \
      if (dlops_cuerr_ != cudaSuccess)                                                        \
        (err) = dlops_error_cuda((ctx), dlops_cuerr_, __FILE__, __LINE__, __func__, #expr);   \
    }                                                                                         \
  } while (0)

#define DLOPS_CALL_CUBLAS(ctx, expr)                                                          \
  do {                                                                                        \
    cublasStatus_t dlops_cbst_ = (expr);                                                      \
    if (dlops_cbst_ != CUBLAS_STATUS_SUCCESS)                                                 \
      return dlops_error_cublas((ctx), dlops_cbst_, __FILE__, __LINE__, __func__, #expr);     \
  } while (0)

#ifdef DLOPS_HAVE_NCCL
/** Record an NCCL failure (ncclGetErrorString and ncclGetLastError(comm); comm may be NULL) and
 *  return DLOPS_ERR_NCCL. Local. */
DLOPS_INTERN int dlops_error_nccl(dlops_ctx ctx, ncclResult_t r, ncclComm_t comm, const char *file, int line,
                                  const char *func, const char *what);

#define DLOPS_CALL_NCCL(ctx, comm, expr)                                                          \
  do {                                                                                            \
    ncclResult_t dlops_ncres_ = (expr);                                                           \
    if (dlops_ncres_ != ncclSuccess)                                                              \
      return dlops_error_nccl((ctx), dlops_ncres_, (comm), __FILE__, __LINE__, __func__, #expr);  \
  } while (0)

#define DLOPS_NCCL_ERR(ctx, comm, err, expr)                                                      \
  do {                                                                                            \
    if (!(err)) {                                                                                 \
      ncclResult_t dlops_ncres_ = (expr);                                                         \
      if (dlops_ncres_ != ncclSuccess)                                                            \
        (err) = dlops_error_nccl((ctx), dlops_ncres_, (comm), __FILE__, __LINE__, __func__, #expr); \
    }                                                                                             \
  } while (0)
#endif

/** Probe for a usable CUDA device; any failure of the probe means "no GPU" (DLOPS_ERR_UNSUPPORTED
 *  with the reason). Local. */
DLOPS_INTERN int dlops_cuda_probe(dlops_ctx ctx);

#ifdef DLOPS_HAVE_NCCL
/** The NCCL backend's constructor (nccl.c). Collective. */
DLOPS_INTERN int dlops_comm_nccl_create(dlops_ctx ctx, MPI_Comm mpi, dlops_counters *counters, dlops_comm **out);
#endif

/** Give each rank of comm its own CUDA device: node-local rank (MPI_Comm_split_type shared)
 *  modulo the devices this rank sees (keep_current: the device already current, chosen by the
 *  context's device memory space), then check over the node (device UUIDs) that no two ranks
 *  got the same one. Fails with DLOPS_ERR_UNSUPPORTED and the reason when there is no device or
 *  fewer distinct devices than ranks on the node. **Collective** on comm; the result is the same
 *  on the ranks of a node but may differ between nodes (the caller agrees on it). Outputs: the
 *  number of ranks on this node and of devices this rank sees. */
DLOPS_INTERN int dlops_cuda_select_device_per_rank(dlops_ctx ctx, MPI_Comm comm, int keep_current, int *local_size,
                                                   int *ndevices);

#endif
