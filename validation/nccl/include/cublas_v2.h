/* Test stand-in for the cuBLAS declarations cuda/cuda_impl.h and cuda/device.c use (status names
 * for error messages). validation/nccl only; see cuda_runtime.h here. */
#ifndef DLOPS_STANDIN_CUBLAS_V2_H
#define DLOPS_STANDIN_CUBLAS_V2_H

#include "cuda_runtime.h"

typedef enum {
  CUBLAS_STATUS_SUCCESS = 0,
  CUBLAS_STATUS_NOT_INITIALIZED = 1,
  CUBLAS_STATUS_ALLOC_FAILED = 3,
  CUBLAS_STATUS_INVALID_VALUE = 7,
  CUBLAS_STATUS_NOT_SUPPORTED = 15
} cublasStatus_t;

#ifdef __cplusplus
extern "C" {
#endif
const char *cublasGetStatusName(cublasStatus_t s);
const char *cublasGetStatusString(cublasStatus_t s);
#ifdef __cplusplus
}
#endif

#endif
