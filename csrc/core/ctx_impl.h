/* Internal definition of a context (never installed). */
#ifndef DLOPS_CORE_CTX_IMPL_H
#define DLOPS_CORE_CTX_IMPL_H

#include "../comm/comm.h"
#include "../mem/mem.h"
#include "error.h"
#include "spec.h"

/* The backends, as listed in registry.def (the spec parser's indices). */
typedef enum {
#define DLOPS_BACKEND(id, name) DLOPS_BACKEND_##id = DLOPS_SPEC_BACKEND_##id,
#include "registry.def"
  DLOPS_NUM_BACKENDS = DLOPS_SPEC_NUM_BACKENDS
} dlops_backend_id;
typedef enum { DLOPS_SYNC_FENCE = 0, DLOPS_SYNC_PSCW = 1, DLOPS_SYNC_LOCK_ALL = 2 } dlops_rma_sync;

struct dlops_ctx_s {
  MPI_Comm comm; /* duplicate of the user's communicator, MPI_ERRORS_RETURN */
  int rank, size;
  dlops_backend_id backend;
  dlops_memspace mem;  /* default space of the context's arrays */
  dlops_mem *mems[DLOPS_NUM_MEMSPACES]; /* memory objects: [HOST] always, [DEVICE] with mem=device/emu */
  int stage_always;    /* stage=always: never hand device buffers to MPI, even CUDA-aware MPI */
  int stage_never;     /* stage=never: hand device buffers to MPI even when it does not say it is
                        * CUDA-aware (MPIX_Query_cuda_support absent: Cray MPICH, MVAPICH) */
  dlops_rma_sync sync;
  int log;            /* print backend notes on rank 0 */
  int abort_on_error; /* errors=abort: print and MPI_Abort at the failing call */
  char spec[256];     /* canonical spec */
  int emu;            /* mem=emu (the emulated device of test builds) */
  int deterministic;  /* deterministic=1 (or DLOPS_DETERMINISTIC=1): reductions in a fixed order */
  dlops_comm *world;  /* the backend communicator on comm (its own duplicate) */
  dlops_counters *counters;
  char errmsg[DLOPS_MSG_LEN];
  /* Error agreement (DESIGN.md, error model). A local step that fails on some ranks only (a
   * kernel or a user callback inside a composite operator, an allocation) marks the context:
   * pending holds its code and pending_msg its message until the next agreement, which makes
   * every rank return it and clears it. */
  int pending;
  char pending_msg[DLOPS_MSG_LEN];
  /* > 0 while a dlops call that has already agreed its arguments runs (a solver): operator
   * applies inside it skip their own entry agreement, so an iteration costs no extra message. */
  int trusted;
  /* arrays and operators alive on this context (registered, not yet freed): dlops_ctx_destroy
   * refuses (DLOPS_ERR_STATE, agreed) while any is, since they use the context's communicators */
  int64_t nlive;
  /* Fault injection for tests (environment DLOPS_FAULT_ALLOC=rank:n, read once by
   * dlops_ctx_create): on the rank of rank `rank` in this context's communicator, the n-th data
   * allocation through this context's memory spaces (counting from 1: every call of a table's
   * alloc, so array data, operator workspaces and reduction scratch, whoever the caller) fails
   * with DLOPS_ERR_MEM as a real failure would; 0 = off. nalloc counts those allocations (the
   * one choke point is dlops_mem_alloc_check in mem/mem.c). docs/fault-injection.md. */
  int64_t fault_alloc;
  int64_t nalloc;
  /* log_view=1 (or DLOPS_LOG_VIEW=1): the profile printed at destroy (core/prof.h); NULL: off,
   * and an apply pays one branch on it */
  struct dlops_prof_s *prof;
};

/** A usable context handle: DLOPS_ERR_ARG when NULL, DLOPS_ERR_STATE when stale (the handle
 *  registry is consulted, the object is never read). Local. */
DLOPS_INTERN int dlops_ctx_check(dlops_ctx ctx);


/** Run a step of a composite operation on every rank: a failure marks the context and is kept
 *  in err (first one), and the caller goes on, so that every rank reaches the same
 *  communication; the next agreement reports it on every rank. */
#define DLOPS_STEP(ctx, err, expr)              \
  do {                                          \
    int dlops_serr_ = (expr);                   \
    if (dlops_serr_) {                          \
      dlops_ctx_mark((ctx), dlops_serr_);       \
      if (!(err)) (err) = dlops_serr_;          \
    }                                           \
  } while (0)

/* Backend constructors (each in its own file, compiled when enabled). */
#ifdef DLOPS_HAVE_RMA
DLOPS_INTERN int dlops_comm_rma_create(dlops_ctx ctx, MPI_Comm mpi, dlops_counters *counters, dlops_comm **out);
#endif
/* The NCCL backend and the device probe live in the GPU plugin (core/plugin.h, cuda/). */

#endif
