/* Test stand-in for the few CUDA runtime declarations the dlops GPU plugin's C sources use
 * (cuda/nccl.c, cuda/device.c, cuda/plugin.c). validation/nccl only: it comes first on the include
 * path of the stand-in plugin, never of libdlops or of the real plugin. Not NVIDIA's header: the
 * names and meanings follow the CUDA runtime API documentation; values are this stand-in's own.
 *
 * The "device" is the emulated device of dlops (mem=emu): its memory is host memory the host
 * cannot touch until opened (csrc/mem/emu.c), one per process. Streams and events are
 * bookkeeping only: every enqueued operation (an NCCL call, cudaMemcpyAsync) has completed when
 * its call returns, which is one legal schedule of an in-order stream. */
#ifndef DLOPS_STANDIN_CUDA_RUNTIME_H
#define DLOPS_STANDIN_CUDA_RUNTIME_H

#include <stddef.h>

#define DLOPS_NCCL_STANDIN 1

typedef enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInitializationError = 3,
  cudaErrorInvalidDevice = 101,
  cudaErrorInvalidResourceHandle = 400,
  cudaErrorNotReady = 600,
  cudaErrorNoDevice = 100,
  cudaErrorUnknown = 999
} cudaError_t;

typedef enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4
} cudaMemcpyKind;

typedef struct dlops_standin_stream *cudaStream_t;
typedef struct dlops_standin_event *cudaEvent_t;

#define cudaStreamDefault 0x00
#define cudaStreamNonBlocking 0x01
#define cudaEventDefault 0x00
#define cudaEventDisableTiming 0x02

typedef struct {
  char bytes[16];
} cudaUUID_t;

struct cudaDeviceProp {
  char name[256];
  cudaUUID_t uuid;
  size_t totalGlobalMem;
  int major, minor;
  int multiProcessorCount;
};

#ifdef __cplusplus
extern "C" {
#endif
cudaError_t cudaGetDeviceCount(int *count);
cudaError_t cudaGetDevice(int *device);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp *prop, int device);
cudaError_t cudaFree(void *p);
cudaError_t cudaGetLastError(void);
cudaError_t cudaPeekAtLastError(void);
const char *cudaGetErrorName(cudaError_t e);
const char *cudaGetErrorString(cudaError_t e);
cudaError_t cudaStreamCreateWithFlags(cudaStream_t *s, unsigned int flags);
cudaError_t cudaStreamDestroy(cudaStream_t s);
cudaError_t cudaStreamSynchronize(cudaStream_t s);
cudaError_t cudaStreamQuery(cudaStream_t s);
cudaError_t cudaEventCreateWithFlags(cudaEvent_t *e, unsigned int flags);
cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t s);
cudaError_t cudaEventQuery(cudaEvent_t e);
cudaError_t cudaEventSynchronize(cudaEvent_t e);
cudaError_t cudaEventDestroy(cudaEvent_t e);
/* Device-to-device only (the copies nccl.c makes); both ranges must be emulated-device memory. */
cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind, cudaStream_t s);
/* For test programs (validation/gpu/test_gpu_nccl_comm.c built on the stand-in): emulated-device
 * allocations outside any dlops context, and copies/sets of them. */
cudaError_t cudaMalloc(void **p, size_t bytes);
cudaError_t cudaMemcpy(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind);
cudaError_t cudaMemset(void *p, int value, size_t bytes);
#ifdef __cplusplus
}
#endif

#endif
