/* CUDA device discovery and selection, and the CUDA/cuBLAS error translation of cuda_impl.h. */
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

int dlops_cuda_node_layout(dlops_ctx ctx, MPI_Comm comm, int *local_rank, int *local_size) {
  int rank = 0;
  MPI_Comm node = MPI_COMM_NULL;
  DLOPS_CALL_MPI(ctx, MPI_Comm_rank(comm, &rank));
  DLOPS_CALL_MPI(ctx, MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node));
  int e = MPI_Comm_rank(node, local_rank);
  if (e == MPI_SUCCESS) e = MPI_Comm_size(node, local_size);
  MPI_Comm_free(&node);
  if (e != MPI_SUCCESS) return dlops_error_mpi(ctx, e, __FILE__, __LINE__, __func__, "MPI_Comm_rank/size (node)");
  return DLOPS_SUCCESS;
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
