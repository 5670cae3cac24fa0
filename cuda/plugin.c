/* The entry point of the GPU plugin libdlops_cuda.so (csrc/core/plugin.h): what libdlops loads
 * with dlopen the first time a context or "help" asks for the GPU part. */
#include "../csrc/core/plugin.h"
#include "cuda_impl.h"

static const dlops_gpu_plugin plugin = {
    .abi = DLOPS_PLUGIN_ABI,
    .ctx_size = sizeof(struct dlops_ctx_s),
    .comm_size = sizeof(dlops_comm),
    .ops_size = sizeof(dlops_comm_ops),
    .mem_size = sizeof(dlops_mem),
    .mem_ops_size = sizeof(dlops_mem_ops),
    .version = {DLOPS_VERSION_MAJOR, DLOPS_VERSION_MINOR, DLOPS_VERSION_PATCH},
    .probe = dlops_cuda_probe,
#ifdef DLOPS_HAVE_NCCL
    .nccl_create = dlops_comm_nccl_create,
#else
    .nccl_create = NULL,
#endif
#ifdef DLOPS_NCCL_STANDIN
    .device_mem = NULL, /* the stand-in test plugin has no CUDA memory space */
#else
    .device_mem = &dlops_mem_cuda_ops,
#endif
#ifdef DLOPS_NCCL_STANDIN
    .nccl_on_emu = 1, /* built on the stand-in headers of validation/nccl (tests only) */
#else
    .nccl_on_emu = 0,
#endif
};

/* Exported (the plugin is built with hidden visibility by default). */
__attribute__((visibility("default"))) const dlops_gpu_plugin *dlops_gpu_plugin_v1(void);
const dlops_gpu_plugin *dlops_gpu_plugin_v1(void) { return &plugin; }
