/** @file
 * dlops/ctx.h: contexts, backend selection, communication counters. Included by dlops.h. */
#ifndef DLOPS_CTX_H
#define DLOPS_CTX_H

#include <mpi.h>
#include <stdio.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif
/** @addtogroup group_ctx
 * @{ */

/** Opaque context: a duplicated communicator, the chosen backends and their counters. */
typedef struct dlops_ctx_s *dlops_ctx;

/** Create a context on comm. **Collective** on comm.
 *
 *  The communicator is duplicated (the caller's is never modified) and MPI_ERRORS_RETURN is set
 *  on the duplicate only. MPI must already be initialised; dlops never calls MPI_Init/Finalize.
 *  The spec chooses the default memory space of the context's arrays: host memory, or the
 *  emulated device of test builds (mem=emu); mem=device (CUDA) is refused in this version
 *  (docs/backends.md).
 *
 *  @param[in]  comm  the communicator the context lives on
 *  @param[in]  spec  backend selection, space- or comma-separated key=value tokens:
 *                    `comm=mpi|rma|nccl`, `mem=host|device` (`emu` in test builds: an emulated
 *                    device whose memory the host cannot read, for testing without a GPU),
 *                    `sync=fence|pscw|lock_all` (rma), `log=0|1` (print backend notes on rank 0),
 *                    `errors=return|abort`, `stage=auto|always` (device buffers through host
 *                    memory even when MPI is CUDA-aware; no effect in this version, where every
 *                    device buffer is staged), `deterministic=0|1` (reductions in a
 *                    fixed order, bitwise identical across runs and rank counts; default: the
 *                    environment variable DLOPS_DETERMINISTIC, "1" on, unset or "0" off, anything
 *                    else DLOPS_ERR_ARG). NULL or "" reads the environment
 *                    variable DLOPS_SPEC, and the default is "comm=mpi mem=host". The token "help"
 *                    prints the backends of this build on rank 0 and the call then proceeds with
 *                    the remaining tokens. A spec of any length is read whole. docs/environment.md
 *                    lists every key and value.
 *  @param[out] ctx   the new context (NULL on failure)
 *  @return DLOPS_SUCCESS or an error code, the same on every rank: DLOPS_ERR_STATE when MPI is
 *          not initialised; DLOPS_ERR_ARG for comm = MPI_COMM_NULL, a NULL ctx, an unknown key or
 *          value, a key given twice (a bare backend name counts as comm=), a bad
 *          DLOPS_DETERMINISTIC or DLOPS_FAULT_ALLOC, comm=nccl without device memory, sync= with a
 *          backend other than rma, or ranks
 *          that pass different specs; DLOPS_ERR_UNSUPPORTED for a backend or memory space known
 *          but not built or not available (rma, nccl, emu without their build options; mem=device
 *          in this version), with the option that enables it; DLOPS_ERR_MEM; DLOPS_ERR_MPI when
 *          duplicating the communicator fails. The message is available from dlops_last_error(). */
DLOPS_EXTERN int dlops_ctx_create(MPI_Comm comm, const char *spec, dlops_ctx *ctx); /* fortran: manual */

/** Same as dlops_ctx_create with a Fortran communicator handle. **Collective** on fcomm.
 *  @param[in]  fcomm  the communicator as a Fortran handle (MPI_Fint), converted with MPI_Comm_f2c
 *  @param[in]  spec   backend selection, as for dlops_ctx_create
 *  @param[out] ctx    the new context (NULL on failure)
 *  @return as dlops_ctx_create. */
DLOPS_EXTERN int dlops_ctx_create_f(MPI_Fint fcomm, const char *spec, dlops_ctx *ctx); /* fortran: manual(dlops_ctx_create) */

/** Destroy a context and set *ctx to NULL. **Collective**. Every array, operator and pending
 *  reduction created on the context must be destroyed (or ended) first. A NULL *ctx is a no-op.
 *  @param[in,out] ctx  the context; NULL on return when destroyed
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when ctx is NULL; DLOPS_ERR_STATE when *ctx is stale
 *          (already destroyed), or, on every rank, when some rank still holds objects on the
 *          context (the context then stays valid); DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_ctx_destroy(dlops_ctx *ctx);

/** The context's (duplicated) communicator. Not collective. Do not free it.
 *  @param[in]  ctx   context
 *  @param[out] comm  the communicator
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when ctx or the output pointer is NULL; DLOPS_ERR_STATE
 *          when ctx is stale (destroyed). */
DLOPS_EXTERN int dlops_ctx_get_comm(dlops_ctx ctx, MPI_Comm *comm); /* fortran: manual */

/** Rank of this process in the context's communicator. Not collective.
 *  @param[in]  ctx   context
 *  @param[out] rank  the rank, 0..size-1
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when ctx or the output pointer is NULL; DLOPS_ERR_STATE
 *          when ctx is stale (destroyed). */
DLOPS_EXTERN int dlops_ctx_get_rank(dlops_ctx ctx, int *rank);
/** Size of the context's communicator. Not collective.
 *  @param[in]  ctx   context
 *  @param[out] size  the number of ranks
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when ctx or the output pointer is NULL; DLOPS_ERR_STATE
 *          when ctx is stale (destroyed). */
DLOPS_EXTERN int dlops_ctx_get_size(dlops_ctx ctx, int *size);

/** Name of the communication backend in use. Not collective.
 *  @param[in]  ctx   context
 *  @param[out] name  "mpi", "rma" or "nccl" (static string)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when ctx or the output pointer is NULL; DLOPS_ERR_STATE
 *          when ctx is stale (destroyed). */
DLOPS_EXTERN int dlops_ctx_get_backend(dlops_ctx ctx, const char **name);

/** The canonical spec this context was created with (e.g. "comm=mpi mem=host"). Not collective.
 *  @param[in]  ctx   context
 *  @param[out] spec  the spec, owned by the context (valid until it is destroyed)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when ctx or the output pointer is NULL; DLOPS_ERR_STATE
 *          when ctx is stale (destroyed). */
DLOPS_EXTERN int dlops_ctx_get_spec(dlops_ctx ctx, const char **spec);

/** The last error message recorded on ctx, with file:line. Not collective.
 *  @param[in] ctx  a live context, or NULL for the process-wide last message (dlops_last_error)
 *  @return the message ("" if none), owned by the context; never NULL. */
DLOPS_EXTERN const char *dlops_ctx_last_error(dlops_ctx ctx); /* fortran: manual */

/** Write the list of backends this build knows, whether each is compiled in, how to enable the
 *  missing ones, and the memory spaces and other spec keys, into buf (always NUL-terminated,
 *  truncated to len). This is what the spec token "help" prints. Not collective.
 *  @param[out] buf  the text
 *  @param[in]  len  size of buf in bytes (>= 1)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when buf is NULL or len is 0. */
DLOPS_EXTERN int dlops_backends_describe(char *buf, size_t len); /* fortran: manual */

/** Kinds of communication operation, for the counters. */
typedef enum {
  DLOPS_COMM_ALLREDUCE = 0, /**< allreduce (sum, max, min) */
  DLOPS_COMM_ALLGATHER = 1, /**< allgather and allgatherv */
  DLOPS_COMM_BCAST = 2,     /**< broadcast */
  DLOPS_COMM_REDUCE = 3,    /**< reduce to one rank */
  DLOPS_COMM_ALLTOALLV = 4, /**< all-to-all with per-rank counts */
  DLOPS_COMM_NEIGHBOR = 5,  /**< point-to-point neighbour (halo) exchange */
  DLOPS_COMM_SPLIT = 6,     /**< sub-communicator creation */
  DLOPS_COMM_META = 7,      /**< metadata handshakes over MPI (shape checks, error agreement) */
  DLOPS_COMM_NUM_KINDS = 8
} dlops_comm_kind;

/** Counter of one operation kind on this rank.
 *  - calls: number of calls of that kind.
 *  - messages: logical messages this rank sent: 1 per call (per chunk above INT_MAX elements)
 *    for allreduce/allgather/reduce, for bcast on the root only; one per non-empty send to another
 *    rank for alltoallv and neighbour exchange.
 *  - bytes: payload bytes this rank contributed: count*size for allreduce/reduce, its own block
 *    for allgather(v), the buffer on the root for bcast (0 elsewhere), the bytes sent to other
 *    ranks for alltoallv and neighbour exchange (self copies excluded).
 *  - seconds: wall time spent inside the operation on this rank. */
typedef struct {
  /** number of calls */
  int64_t calls;
  /** logical messages sent by this rank */
  int64_t messages;
  /** payload bytes contributed by this rank */
  int64_t bytes;
  /** wall time inside the operation on this rank */
  double seconds;
} dlops_comm_counter;

/** Name of a counter kind. Not collective.
 *  @param[in] kind  counter kind
 *  @return "allreduce", "allgather", "bcast", "reduce", "alltoallv", "neighbor", "split" or
 *          "meta"; "?" when out of range. Never NULL. */
DLOPS_EXTERN const char *dlops_comm_kind_name(dlops_comm_kind kind);

/** Read this rank's counter of one kind (all traffic of ctx and its sub-communicators).
 *  Not collective.
 *  @param[in]  ctx   context
 *  @param[in]  kind  counter kind, 0..DLOPS_COMM_NUM_KINDS-1
 *  @param[out] out   the counter
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when ctx or out is NULL or kind is out of range;
 *          DLOPS_ERR_STATE when ctx is stale. */
DLOPS_EXTERN int dlops_ctx_get_counter(dlops_ctx ctx, dlops_comm_kind kind, dlops_comm_counter *out);

/** Reset all counters of this rank to zero (communication and memory). Not collective.
 *  @param[in] ctx  context
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when ctx is NULL; DLOPS_ERR_STATE when it is stale. */
DLOPS_EXTERN int dlops_ctx_reset_counters(dlops_ctx ctx);

/** Default memory space of the context's arrays (from its spec: mem=host gives DLOPS_MEM_HOST,
 *  mem=emu gives DLOPS_MEM_DEVICE). Not collective.
 *  @param[in]  ctx  context
 *  @param[out] mem  the memory space
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when ctx or the output pointer is NULL; DLOPS_ERR_STATE
 *          when ctx is stale (destroyed). */
DLOPS_EXTERN int dlops_ctx_get_memspace(dlops_ctx ctx, dlops_memspace *mem);

/** Memory traffic of this rank on a context's device memory space (all zero on host-only
 *  contexts). Transfers are copies between host and device memory:
 *  - kernels: kernel launches (every element operation, reduction, stencil, product... on
 *    device data is one; those of local operators inside a composition count on the context
 *    of the composition's arrays);
 *  - h2d, h2d_bytes / d2h, d2h_bytes: host-to-device / device-to-host copies, all of them;
 *  - comm_h2d, comm_h2d_bytes / comm_d2h, comm_d2h_bytes: the part of those made by the
 *    communication layer to stage messages through host memory (backends that cannot take
 *    device buffers: two-sided MPI without CUDA-aware MPI, RMA).
 *  A reduction (dot, norm) of device arrays costs one d2h copy of its scalars. */
typedef struct {
  /** kernel launches on device data */
  int64_t kernels;
  /** @{ */
  /** host-to-device copies: h2d counts them, h2d_bytes their bytes */
  int64_t h2d, h2d_bytes;
  /** @} */
  /** @{ */
  /** device-to-host copies: d2h counts them, d2h_bytes their bytes */
  int64_t d2h, d2h_bytes;
  /** @} */
  /** @{ */
  /** host-to-device copies made to stage messages: comm_h2d counts them, comm_h2d_bytes their bytes */
  int64_t comm_h2d, comm_h2d_bytes;
  /** @} */
  /** @{ */
  /** device-to-host copies made to stage messages: comm_d2h counts them, comm_d2h_bytes their bytes */
  int64_t comm_d2h, comm_d2h_bytes;
  /** @} */
} dlops_mem_counter;

/** Read this rank's memory counters of ctx (reset with dlops_ctx_reset_counters). Not
 *  collective.
 *  @param[in]  ctx  context
 *  @param[out] out  the counters (all zero on host-only contexts)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when ctx or the output pointer is NULL; DLOPS_ERR_STATE
 *          when ctx is stale (destroyed). */
DLOPS_EXTERN int dlops_ctx_get_mem_counter(dlops_ctx ctx, dlops_mem_counter *out);

/** Print a table of counters (sum over ranks of calls/messages/bytes, max of seconds) on rank 0
 *  to stream. **Collective**. The reductions it does are not counted.
 *  @param[in] ctx     context
 *  @param[in] stream  where rank 0 prints (stdout if NULL; ignored on other ranks)
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL ctx),
 *          DLOPS_ERR_STATE (stale ctx), DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_ctx_print_counters(dlops_ctx ctx, FILE *stream); /* fortran: manual */

/** @} */

#ifdef __cplusplus
}
#endif
#endif
