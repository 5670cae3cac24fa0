/* The host-side stand-in for the CUDA runtime calls of the dlops GPU plugin (see
 * include/cuda_runtime.h). Test-only; never linked into libdlops or the real plugin.
 *
 * One emulated device per process (DLOPS_STANDIN_NDEV changes the count). Its UUID is made from
 * the host name and the process id, so every rank has a device of its own, as NCCL needs;
 * DLOPS_STANDIN_SHARED_GPU=1 leaves the process id out, so the ranks of a node share one
 * device (the "one GPU per rank" error path of cuda/device.c). Streams and events only record
 * that they exist: every operation is complete when its call returns. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* gethostname */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "standin.h"

static cudaError_t last = cudaSuccess;
static int current = 0;

static cudaError_t fail(cudaError_t e) {
  last = e;
  return e;
}

static int ndev(void) {
  const char *v = getenv("DLOPS_STANDIN_NDEV");
  if (v && v[0]) return atoi(v);
  return 1;
}

cudaError_t cudaGetDeviceCount(int *count) {
  if (!count) return fail(cudaErrorInvalidValue);
  *count = ndev();
  return *count > 0 ? cudaSuccess : fail(cudaErrorNoDevice);
}

cudaError_t cudaGetDevice(int *device) {
  if (!device) return fail(cudaErrorInvalidValue);
  *device = current;
  return cudaSuccess;
}

cudaError_t cudaSetDevice(int device) {
  if (device < 0 || device >= ndev()) return fail(cudaErrorInvalidDevice);
  current = device;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp *prop, int device) {
  if (!prop) return fail(cudaErrorInvalidValue);
  if (device < 0 || device >= ndev()) return fail(cudaErrorInvalidDevice);
  memset(prop, 0, sizeof *prop);
  snprintf(prop->name, sizeof prop->name, "dlops emulated device %d (NCCL stand-in)", device);
  char host[256] = "";
  (void)gethostname(host, sizeof host - 1);
  unsigned long long h = 1469598103934665603ull; /* FNV-1a of host name, device and (unless shared) pid */
  for (const char *p = host; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
  const char *shared = getenv("DLOPS_STANDIN_SHARED_GPU");
  unsigned long long pid = shared && shared[0] == '1' ? 0ull : (unsigned long long)getpid();
  memcpy(prop->uuid.bytes, &h, 8);
  unsigned long long tail = pid * 64u + (unsigned long long)device;
  memcpy(prop->uuid.bytes + 8, &tail, 8);
  prop->totalGlobalMem = (size_t)1 << 30;
  prop->major = 9;
  prop->multiProcessorCount = 1;
  return cudaSuccess;
}

cudaError_t cudaFree(void *p) { return !p || !dlops_emu_raw_free(p) ? cudaSuccess : fail(cudaErrorInvalidValue); }

cudaError_t cudaMalloc(void **p, size_t bytes) {
  if (!p) return fail(cudaErrorInvalidValue);
  return dlops_emu_raw_alloc(bytes, p) ? fail(cudaErrorMemoryAllocation) : cudaSuccess;
}

cudaError_t cudaMemcpy(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind) {
  if (!bytes) return cudaSuccess;
  int dev_src = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
  int dev_dst = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
  if (dev_src && dlops_emu_access(src, bytes, 1)) return fail(cudaErrorInvalidValue);
  if (dev_dst && dlops_emu_access(dst, bytes, 2)) {
    if (dev_src) (void)dlops_emu_access(src, bytes, 0);
    return fail(cudaErrorInvalidValue);
  }
  memmove(dst, src, bytes);
  if (dev_src) (void)dlops_emu_access(src, bytes, 0);
  if (dev_dst) (void)dlops_emu_access(dst, bytes, 0);
  return cudaSuccess;
}

cudaError_t cudaMemset(void *p, int value, size_t bytes) {
  if (!bytes) return cudaSuccess;
  if (dlops_emu_access(p, bytes, 2)) return fail(cudaErrorInvalidValue);
  memset(p, value, bytes);
  (void)dlops_emu_access(p, bytes, 0);
  return cudaSuccess;
}

cudaError_t cudaGetLastError(void) {
  cudaError_t e = last;
  last = cudaSuccess;
  return e;
}
cudaError_t cudaPeekAtLastError(void) { return last; }

const char *cudaGetErrorName(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInitializationError: return "cudaErrorInitializationError";
    case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
    case cudaErrorInvalidResourceHandle: return "cudaErrorInvalidResourceHandle";
    case cudaErrorNotReady: return "cudaErrorNotReady";
    case cudaErrorNoDevice: return "cudaErrorNoDevice";
    default: return "cudaErrorUnknown";
  }
}

const char *cudaGetErrorString(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument (stand-in)";
    case cudaErrorInvalidDevice: return "invalid device ordinal (stand-in)";
    case cudaErrorNoDevice: return "no emulated device (DLOPS_STANDIN_NDEV)";
    case cudaErrorNotReady: return "device not ready";
    default: return "stand-in CUDA error";
  }
}

struct dlops_standin_stream {
  unsigned int flags;
};
struct dlops_standin_event {
  int recorded;
};

cudaError_t cudaStreamCreateWithFlags(cudaStream_t *s, unsigned int flags) {
  if (!s) return fail(cudaErrorInvalidValue);
  *s = calloc(1, sizeof **s);
  if (!*s) return fail(cudaErrorMemoryAllocation);
  (*s)->flags = flags;
  return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t s) {
  free(s);
  return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t s) {
  (void)s;
  return cudaSuccess;
}
cudaError_t cudaStreamQuery(cudaStream_t s) {
  (void)s;
  return cudaSuccess;
}

cudaError_t cudaEventCreateWithFlags(cudaEvent_t *e, unsigned int flags) {
  (void)flags;
  if (!e) return fail(cudaErrorInvalidValue);
  *e = calloc(1, sizeof **e);
  return *e ? cudaSuccess : fail(cudaErrorMemoryAllocation);
}
cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t s) {
  (void)s;
  if (!e) return fail(cudaErrorInvalidResourceHandle);
  e->recorded = 1;
  return cudaSuccess;
}
cudaError_t cudaEventQuery(cudaEvent_t e) { return e ? cudaSuccess : fail(cudaErrorInvalidResourceHandle); }
cudaError_t cudaEventSynchronize(cudaEvent_t e) { return e ? cudaSuccess : fail(cudaErrorInvalidResourceHandle); }
cudaError_t cudaEventDestroy(cudaEvent_t e) {
  free(e);
  return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind, cudaStream_t s) {
  (void)s;
  if (!bytes) return cudaSuccess;
  if (kind != cudaMemcpyDeviceToDevice && kind != cudaMemcpyDefault) return fail(cudaErrorInvalidValue);
  if (dlops_emu_access(src, bytes, 1)) return fail(cudaErrorInvalidValue);
  if (dlops_emu_access(dst, bytes, 2)) {
    (void)dlops_emu_access(src, bytes, 0);
    return fail(cudaErrorInvalidValue);
  }
  memmove(dst, src, bytes);
  (void)dlops_emu_access(src, bytes, 0);
  (void)dlops_emu_access(dst, bytes, 0);
  return cudaSuccess;
}

const char *cublasGetStatusName(cublasStatus_t s) {
  switch (s) {
    case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    default: return "CUBLAS_STATUS_NOT_SUPPORTED";
  }
}
const char *cublasGetStatusString(cublasStatus_t s) {
  return s == CUBLAS_STATUS_SUCCESS ? "success" : "the NCCL stand-in has no cuBLAS";
}
