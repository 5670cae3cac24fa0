/* Internal definition of a context (never installed). */
#ifndef DLOPS_CORE_CTX_IMPL_H
#define DLOPS_CORE_CTX_IMPL_H

#include "../comm/comm.h"
#include "../mem/mem.h"
#include "error.h"

typedef enum { DLOPS_BACKEND_MPI = 0, DLOPS_BACKEND_RMA = 1, DLOPS_BACKEND_NCCL = 2, DLOPS_NUM_BACKENDS = 3 } dlops_backend_id;
typedef enum { DLOPS_SYNC_FENCE = 0, DLOPS_SYNC_PSCW = 1, DLOPS_SYNC_LOCK_ALL = 2 } dlops_rma_sync;

struct dlops_ctx_s {
  MPI_Comm comm; /* duplicate of the user's communicator, MPI_ERRORS_RETURN */
  int rank, size;
  dlops_backend_id backend;
  dlops_memspace mem;  /* default space of the context's arrays */
  dlops_mem *mems[DLOPS_NUM_MEMSPACES]; /* memory objects: [HOST] always, [DEVICE] with mem=device/emu */
  int stage_always;    /* stage=always: never hand device buffers to MPI, even CUDA-aware MPI */
  dlops_rma_sync sync;
  int log;            /* print backend notes on rank 0 */
  int abort_on_error; /* errors=abort: print and MPI_Abort at the failing call */
  char spec[256];     /* canonical spec */
  int emu;            /* mem=emu (the emulated device of test builds) */
  int deterministic;  /* deterministic=1 (or DLOPS_DETERMINISTIC=1): reductions in a fixed order */
  dlops_comm *world;  /* the backend communicator on comm (its own duplicate) */
  dlops_counters *counters;
  char errmsg[DLOPS_MSG_LEN];
};

/* Backend constructors (each in its own file, compiled when enabled). */
#ifdef DLOPS_HAVE_RMA
DLOPS_INTERN int dlops_comm_rma_create(dlops_ctx ctx, MPI_Comm mpi, dlops_counters *counters, dlops_comm **out);
#endif
#ifdef DLOPS_HAVE_NCCL
DLOPS_INTERN int dlops_comm_nccl_create(dlops_ctx ctx, MPI_Comm mpi, dlops_counters *counters, dlops_comm **out);
#endif
#ifdef DLOPS_HAVE_CUDA
/** Probe for a usable CUDA device; any failure of the probe means "no GPU" (DLOPS_ERR_UNSUPPORTED
 *  with the reason). Local. */
DLOPS_INTERN int dlops_cuda_probe(dlops_ctx ctx);
#endif

#endif
