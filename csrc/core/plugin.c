/* Loading the GPU plugin (plugin.h). */
#define _GNU_SOURCE /* dladdr */
#include "plugin.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef DLOPS_HAVE_CUDA
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const dlops_gpu_plugin *loaded;
static char load_why[DLOPS_MSG_LEN - 300]; /* why it could not be loaded (fits a DLOPS_ERROR body) */

int dlops_gpu_plugin_path(char *buf, size_t len) {
  const char *dir = getenv("DLOPS_PLUGIN_DIR");
  char own[PATH_MAX];
  if (!dir || !dir[0]) {
    Dl_info info;
    /* the folder of the libdlops.so this function is in (build tree or install prefix); without
     * one, the bare file name, which dlopen looks for in its usual places */
    dir = NULL;
    if (dladdr((void *)&dlops_gpu_plugin_path, &info) && info.dli_fname && strchr(info.dli_fname, '/') &&
        strlen(info.dli_fname) < sizeof own) {
      memcpy(own, info.dli_fname, strlen(info.dli_fname) + 1);
      *strrchr(own, '/') = '\0';
      dir = own;
    }
  }
  const int n = dir ? snprintf(buf, len, "%s/%s", dir, DLOPS_GPU_PLUGIN_FILE)
                    : snprintf(buf, len, "%s", DLOPS_GPU_PLUGIN_FILE);
  return n >= 0 && (size_t)n < len ? 0 : -1;
}

static void load(void) {
  static char path[PATH_MAX];
  if (dlops_gpu_plugin_path(path, sizeof path)) {
    snprintf(load_why, sizeof load_why, "the GPU plugin's path (DLOPS_PLUGIN_DIR or the folder of libdlops.so, then "
             "/%s) is longer than PATH_MAX = %d", DLOPS_GPU_PLUGIN_FILE, PATH_MAX);
    return;
  }
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    snprintf(load_why, sizeof load_why, "cannot load the GPU plugin: %.400s (the plugin needs the CUDA runtime, cuBLAS%s "
             "and a driver on this node; DLOPS_PLUGIN_DIR names another folder to look in)",
             e ? e : path, DLOPS_GPU_PLUGIN_NCCL ? " and NCCL" : "");
    return;
  }
  const dlops_gpu_plugin *(*entry)(void) = NULL;
  void *sym = dlsym(h, DLOPS_GPU_PLUGIN_SYMBOL);
  memcpy(&entry, &sym, sizeof entry); /* object pointer to function pointer, as POSIX allows */
  const dlops_gpu_plugin *p = entry ? entry() : NULL;
  if (!p) {
    snprintf(load_why, sizeof load_why, "%.400s is not a dlops GPU plugin (no %s)", path, DLOPS_GPU_PLUGIN_SYMBOL);
  } else if (p->abi != DLOPS_PLUGIN_ABI || p->ctx_size != sizeof(struct dlops_ctx_s) ||
             p->comm_size != sizeof(dlops_comm) || p->ops_size != sizeof(dlops_comm_ops) ||
             p->mem_size != sizeof(dlops_mem) || p->mem_ops_size != sizeof(dlops_mem_ops) ||
             p->version[0] != DLOPS_VERSION_MAJOR || p->version[1] != DLOPS_VERSION_MINOR ||
             p->version[2] != DLOPS_VERSION_PATCH) {
    snprintf(load_why, sizeof load_why,
             "%.300s comes from another build of dlops (plugin %d.%d.%d, ABI %d; this library %d.%d.%d, ABI %d, or its "
             "internal structures differ): install the plugin built with this libdlops", path, p->version[0],
             p->version[1], p->version[2], p->abi, DLOPS_VERSION_MAJOR, DLOPS_VERSION_MINOR, DLOPS_VERSION_PATCH,
             DLOPS_PLUGIN_ABI);
  } else {
    loaded = p;
    return;
  }
  dlclose(h);
}

int dlops_gpu_plugin_get(dlops_ctx ctx, const dlops_gpu_plugin **out) {
  *out = NULL;
  pthread_once(&load_once, load);
  if (!loaded) return DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "%s", load_why);
  *out = loaded;
  return DLOPS_SUCCESS;
}
#else
int dlops_gpu_plugin_path(char *buf, size_t len) {
  if (len) buf[0] = '\0';
  return 0;
}

int dlops_gpu_plugin_get(dlops_ctx ctx, const dlops_gpu_plugin **out) {
  *out = NULL;
  return DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED,
                     "this dlops was built without CUDA: reconfigure with -DDLOPS_ENABLE_CUDA=ON for device memory and "
                     "NCCL");
}
#endif
