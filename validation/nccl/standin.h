/* Shared by the stand-in sources of validation/nccl (never installed, never in libdlops). */
#ifndef DLOPS_STANDIN_H
#define DLOPS_STANDIN_H

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <nccl.h>

/* From libdlops (csrc/mem/emu.c, exported for this stand-in): open a range of emulated-device
 * memory for host access (mode 1 read, 2 read-write) or close it (0); -1 if it is not such memory. */
int dlops_emu_access(const void *p, size_t bytes, int mode);
/* The stand-in's cudaMalloc/cudaFree: emulated-device memory outside any context. */
int dlops_emu_raw_alloc(size_t bytes, void **p);
int dlops_emu_raw_free(void *p);

#endif
