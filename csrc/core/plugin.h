/* The GPU plugin (never installed as a header).
 *
 * Everything that needs the CUDA runtime, cuBLAS or NCCL lives in a separate shared object,
 * libdlops_cuda.so (cuda/), so that libdlops.so itself needs none of them to load: a CPU program
 * linked against a CUDA-enabled install runs on a node without CUDA libraries. The plugin is
 * loaded, once per process, the first time something asks for it: a context with comm=nccl or
 * mem=device, or "help", which reports whether a GPU is
 * actually usable. It is looked for next to libdlops.so (the directory dladdr gives), or in
 * DLOPS_PLUGIN_DIR when that is set. A missing plugin, a missing CUDA library or driver, or a
 * plugin from another build gives DLOPS_ERR_UNSUPPORTED with the reason (dlerror's text).
 *
 * The plugin calls back into libdlops through the few internal functions marked DLOPS_PLUGIN_API
 * (error recording, communicator construction and agreement): they are exported from libdlops.so
 * for it, and are not part of the API. Both sides share the internal structures (ctx_impl.h,
 * comm.h), so the plugin must come from the same build: dlops_gpu_plugin carries the ABI number
 * and the sizes of those structures, and the loader refuses a plugin whose values differ. */
#ifndef DLOPS_CORE_PLUGIN_H
#define DLOPS_CORE_PLUGIN_H

#include "ctx_impl.h"

/* Bump on any change of the struct below or of a DLOPS_PLUGIN_API function's signature. */
#define DLOPS_PLUGIN_ABI 3
/* The entry point the plugin exports: const dlops_gpu_plugin *dlops_gpu_plugin_v1(void). */
#define DLOPS_GPU_PLUGIN_SYMBOL "dlops_gpu_plugin_v1"

typedef struct {
  int abi;                              /* DLOPS_PLUGIN_ABI of the plugin's build */
  size_t ctx_size, comm_size, ops_size; /* sizeof(struct dlops_ctx_s), dlops_comm, dlops_comm_ops there */
  size_t mem_size, mem_ops_size;        /* sizeof(dlops_mem), dlops_mem_ops there */
  int version[3];                       /* DLOPS_VERSION_MAJOR/MINOR/PATCH of the plugin's build */
  /** Whether this process can use a CUDA device (see cuda/device.c). Local; must not communicate. */
  int (*probe)(dlops_ctx ctx);
  /** The NCCL backend's constructor (cuda/nccl.c), or NULL in a build without NCCL. Collective. */
  int (*nccl_create)(dlops_ctx ctx, MPI_Comm mpi, dlops_counters *counters, dlops_comm **out);
  /** The CUDA memory table (cuda/mem_cuda.c) that a context with mem=device creates its device
   *  memory object with (after probe), or NULL in a plugin without it (the NCCL stand-in's test
   *  plugin). Its init makes the context's stream and cuBLAS handle, its fini releases them. */
  const dlops_mem_ops *device_mem;
  /** 1 when the plugin's NCCL backend works on the emulated device (mem=emu): only the test
   *  plugin of validation/nccl, built on the NCCL stand-in, says so; the real plugin is 0, and
   *  the context refuses comm=nccl mem=emu with it. */
  int nccl_on_emu;
} dlops_gpu_plugin;

/** The GPU plugin, loaded on the first call (thread-safe, once per process; never unloaded).
 *  DLOPS_ERR_UNSUPPORTED, recorded on ctx (which may be NULL) with the reason, when this build has
 *  no CUDA part or the plugin cannot be loaded. Local. */
DLOPS_INTERN int dlops_gpu_plugin_get(dlops_ctx ctx, const dlops_gpu_plugin **out);

/** The path the loader tries: DLOPS_PLUGIN_DIR (a relative folder is taken from the working
 *  directory at the first load) or the folder of libdlops.so, then the file name; the bare file
 *  name when neither is known (dlopen's own search). Into buf, "" in a build without CUDA; -1
 *  when it does not fit len (PATH_MAX for the loader). Local. */
DLOPS_INTERN int dlops_gpu_plugin_path(char *buf, size_t len);

#endif
