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
 *
 *  @param[in]  comm  the communicator the context lives on
 *  @param[in]  spec  backend selection, space- or comma-separated key=value tokens:
 *                    `comm=mpi|rma|nccl`, `mem=host|device` (`emu` in test builds: an emulated
 *                    device whose memory the host cannot read, for testing without a GPU),
 *                    `sync=fence|pscw|lock_all` (rma), `log=0|1` (print backend notes on rank 0),
 *                    `errors=return|abort`, `stage=auto|always` (device buffers through host
 *                    memory even when MPI is CUDA-aware), `deterministic=0|1` (reductions in a
 *                    fixed order, bitwise identical across runs and rank counts; default: the
 *                    environment variable DLOPS_DETERMINISTIC, "1" on, unset or "0" off, anything
 *                    else DLOPS_ERR_ARG). NULL or "" reads the environment
 *                    variable DLOPS_SPEC, and the default is "comm=mpi mem=host". The token "help"
 *                    prints the backends of this build on rank 0 and the call then proceeds with
 *                    the remaining tokens. A spec of any length is read whole. Unknown keys or
 *                    values, and a key given twice (a bare backend name counts as comm=), fail
 *                    with DLOPS_ERR_ARG and a suggestion; a backend known but not compiled in fails with
 *                    DLOPS_ERR_UNSUPPORTED saying how to enable it.
 *  @param[out] ctx   the new context (NULL on failure)
 *  @return DLOPS_SUCCESS or an error code, the same on every rank. On failure the message is
 *          available from dlops_last_error(). */
DLOPS_EXTERN int dlops_ctx_create(MPI_Comm comm, const char *spec, dlops_ctx *ctx);

/** Same as dlops_ctx_create with a Fortran communicator handle (MPI_Fint). **Collective**. */
DLOPS_EXTERN int dlops_ctx_create_f(MPI_Fint fcomm, const char *spec, dlops_ctx *ctx);

/** Destroy a context and set *ctx to NULL. **Collective**. Objects created on the context must
 *  be destroyed first. A NULL *ctx is a no-op. */
DLOPS_EXTERN int dlops_ctx_destroy(dlops_ctx *ctx);

/** The context's (duplicated) communicator. Not collective. Do not free it. */
DLOPS_EXTERN int dlops_ctx_get_comm(dlops_ctx ctx, MPI_Comm *comm);

/** Rank of this process in the context's communicator. Not collective. */
DLOPS_EXTERN int dlops_ctx_get_rank(dlops_ctx ctx, int *rank);
/** Size of the context's communicator. Not collective. */
DLOPS_EXTERN int dlops_ctx_get_size(dlops_ctx ctx, int *size);

/** Name of the communication backend in use ("mpi", "rma", "nccl"). Not collective. */
DLOPS_EXTERN int dlops_ctx_get_backend(dlops_ctx ctx, const char **name);

/** The canonical spec this context was created with (e.g. "comm=mpi mem=host"). Not collective. */
DLOPS_EXTERN int dlops_ctx_get_spec(dlops_ctx ctx, const char **spec);

/** The last error message recorded on ctx ("" if none), with file:line. NULL ctx gives the
 *  process-wide last message. Not collective. */
DLOPS_EXTERN const char *dlops_ctx_last_error(dlops_ctx ctx);

/** Write the list of backends this build knows, whether each is compiled in, and how to enable
 *  the missing ones into buf (always NUL-terminated, truncated to len). Not collective. */
DLOPS_EXTERN int dlops_backends_describe(char *buf, size_t len);

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

/** Name of a counter kind ("allreduce", ...); "?" when out of range. Not collective. */
DLOPS_EXTERN const char *dlops_comm_kind_name(dlops_comm_kind kind);

/** Read this rank's counter of one kind (all traffic of ctx and its sub-communicators).
 *  Not collective. */
DLOPS_EXTERN int dlops_ctx_get_counter(dlops_ctx ctx, dlops_comm_kind kind, dlops_comm_counter *out);

/** Reset all counters of this rank to zero (communication and memory). Not collective. */
DLOPS_EXTERN int dlops_ctx_reset_counters(dlops_ctx ctx);

/** Default memory space of the context's arrays (from its spec: mem=host, or mem=device /
 *  mem=emu which give DLOPS_MEM_DEVICE). Not collective. */
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
 *  collective. */
DLOPS_EXTERN int dlops_ctx_get_mem_counter(dlops_ctx ctx, dlops_mem_counter *out);

/** Print a table of counters (sum over ranks of calls/messages/bytes, max of seconds) on rank 0
 *  to stream (stdout if NULL). **Collective**. The reductions it does are not counted. */
DLOPS_EXTERN int dlops_ctx_print_counters(dlops_ctx ctx, FILE *stream);

/** @} */

#ifdef __cplusplus
}
#endif
#endif
