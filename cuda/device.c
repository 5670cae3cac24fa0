/* CUDA device discovery and selection, and the CUDA/cuBLAS error translation of cuda_impl.h. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_impl.h"

int dlops_error_cuda(dlops_ctx ctx, cudaError_t e, const char *file, int line, const char *func, const char *what) {
  (void)cudaGetLastError(); /* clear the runtime's non-sticky last error */
  const char *name = cudaGetErrorName(e), *text = cudaGetErrorString(e);
  return dlops_error_set(ctx, DLOPS_ERR_CUDA, file, line, func, "%s failed: %s (%s)", what,
                         name ? name : "unknown CUDA error", text ? text : "no description");
}

int dlops_error_cublas(dlops_ctx ctx, cublasStatus_t s, const char *file, int line, const char *func,
                       const char *what) {
  const char *name = cublasGetStatusName(s), *text = cublasGetStatusString(s);
  return dlops_error_set(ctx, DLOPS_ERR_CUBLAS, file, line, func, "%s failed: %s (%s)", what,
                         name ? name : "unknown cuBLAS status", text ? text : "no description");
}

int dlops_cuda_select_device_per_rank(dlops_ctx ctx, MPI_Comm comm, int keep_current, int *local_size,
                                      int *ndevices) {
  int rank = 0, lrank = 0, lsize = 1, ndev = 0, err = DLOPS_SUCCESS;
  MPI_Comm node = MPI_COMM_NULL;
  DLOPS_CALL_MPI(ctx, MPI_Comm_rank(comm, &rank));
  DLOPS_CALL_MPI(ctx, MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node));
  MPI_Comm_rank(node, &lrank);
  MPI_Comm_size(node, &lsize);
  *local_size = lsize;
  /* This rank's device: node-local rank modulo the devices it sees (one each when the launcher
   * gives every rank its own CUDA_VISIBLE_DEVICES). */
  struct {
    int ok;
    unsigned char uuid[16];
  } mine, *all = NULL;
  memset(&mine, 0, sizeof mine);
  cudaError_t e = cudaGetDeviceCount(&ndev);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    err = DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "no usable CUDA device: cudaGetDeviceCount failed: %s (%s)",
                      cudaGetErrorName(e), cudaGetErrorString(e));
  } else if (ndev <= 0) {
    err = DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "no usable CUDA device: 0 devices visible");
  }
  *ndevices = ndev;
  int dev = ndev > 0 ? lrank % ndev : 0;
  struct cudaDeviceProp prop;
  if (keep_current)
    DLOPS_CUDA_ERR(ctx, err, cudaGetDevice(&dev));
  else
    DLOPS_CUDA_ERR(ctx, err, cudaSetDevice(dev));
  DLOPS_CUDA_ERR(ctx, err, cudaGetDeviceProperties(&prop, dev));
  if (!err) {
    mine.ok = 1;
    memcpy(mine.uuid, prop.uuid.bytes, sizeof mine.uuid);
  }
  /* Compare the devices of all ranks on the node (UUIDs: unique even across visibility masks). */
  all = malloc(sizeof *all * (size_t)lsize);
  int have = all != NULL;
  int mpierr = MPI_Allreduce(MPI_IN_PLACE, &have, 1, MPI_INT, MPI_MIN, node);
  if (mpierr == MPI_SUCCESS && have)
    mpierr = MPI_Allgather(&mine, (int)sizeof mine, MPI_BYTE, all, (int)sizeof mine, MPI_BYTE, node);
  if (!err && mpierr != MPI_SUCCESS)
    err = dlops_error_mpi(ctx, mpierr, __FILE__, __LINE__, __func__, "device exchange on the node");
  if (!err && !have) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate %d device ids", lsize);
  if (!err) {
    int distinct = 0, all_ok = 1, dup_a = -1, dup_b = -1;
    for (int i = 0; i < lsize; i++) {
      if (!all[i].ok) {
        all_ok = 0; /* that rank reports its own error; the caller agrees on it */
        continue;
      }
      int seen = 0;
      for (int j = 0; j < i && !seen; j++)
        if (all[j].ok && !memcmp(all[i].uuid, all[j].uuid, sizeof all[i].uuid)) {
          seen = 1;
          if (dup_a < 0) {
            dup_a = j;
            dup_b = i;
          }
        }
      distinct += !seen;
    }
    if (all_ok && dup_a >= 0)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED,
                        "NCCL needs one GPU per rank: %d ranks share this node but only %d distinct CUDA device%s "
                        "visible to them (node-local ranks %d and %d would share one); run at most %d ranks per node",
                        lsize, distinct, distinct == 1 ? " is" : "s are", dup_a, dup_b, distinct);
  }
  free(all);
  MPI_Comm_free(&node);
  return err;
}

/* Node-local rank of this process as the launcher reports it, or -1. Local (no communication). */
static int launcher_local_rank(const char **from) {
  static const char *const vars[] = {"OMPI_COMM_WORLD_LOCAL_RANK", "MV2_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID",
                                     "PMI_LOCAL_RANK",             "PALS_LOCAL_RANKID",         "SLURM_LOCALID"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
    const char *v = getenv(vars[i]);
    if (v && v[0]) {
      char *end = NULL;
      long r = strtol(v, &end, 10);
      if (end && *end == '\0' && r >= 0 && r < (1L << 30)) {
        *from = vars[i];
        return (int)r;
      }
    }
  }
  *from = NULL;
  return -1;
}

/* The probe runs inside spec parsing, before the ranks have agreed on the spec, so it must not
 * communicate (a rank that asked for host memory would not join a collective here). The rank
 * within the node therefore comes from the launcher's environment; the NCCL backend, created
 * after agreement, recomputes it with MPI_Comm_split_type on its communicator and checks that
 * every node-local rank has its own device. */
int dlops_cuda_probe(dlops_ctx ctx) {
  int ndev = 0;
  cudaError_t e = cudaGetDeviceCount(&ndev);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    /* Without a driver the runtime says "driver version is insufficient", which reads as if a
     * driver upgrade would help (comm=nccl on a CPU node said so): without a driver, say only
     * that there is no GPU driver, and quote the runtime when there is one. */
    void *drv = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (drv) dlclose(drv);
    if (!drv)
      return DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED,
                         "no usable CUDA device for mem=device (and comm=nccl): this node has no NVIDIA GPU driver "
                         "(libcuda.so.1 cannot be loaded), so no GPU can be used here: run on a GPU node, or use "
                         "mem=host with comm=mpi or comm=rma");
    return DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "no usable CUDA device for mem=device: cudaGetDeviceCount failed: %s (%s)",
                       cudaGetErrorName(e), cudaGetErrorString(e));
  }
  if (ndev <= 0)
    return DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "no usable CUDA device for mem=device: 0 devices visible");
  const char *from = NULL;
  int lrank = launcher_local_rank(&from);
  int dev = 0;
  if (lrank >= 0) {
    dev = lrank % ndev;
  } else {
    /* Unknown launcher: keep the device the application selected (device 0 by default). */
    e = cudaGetDevice(&dev);
    if (e != cudaSuccess) {
      (void)cudaGetLastError();
      return DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "no usable CUDA device for mem=device: cudaGetDevice failed: %s (%s)",
                         cudaGetErrorName(e), cudaGetErrorString(e));
    }
  }
  e = cudaSetDevice(dev);
  if (e == cudaSuccess) e = cudaFree(NULL); /* create the primary context now: fails early on a bad device */
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "CUDA device %d of %d is not usable: %s (%s)", dev, ndev,
                       cudaGetErrorName(e), cudaGetErrorString(e));
  }
  if (ctx && ctx->log && ctx->rank == 0)
    fprintf(stderr, "[dlops] rank %d: CUDA device %d of %d (%s%s)\n", ctx->rank, dev, ndev,
            from ? "node-local rank from " : "current device", from ? from : "");
  return DLOPS_SUCCESS;
}
