/* The communication kernels of the message roofline (bench_msg.cc): one synchronisation of a
 * pattern (ping-pong, streaming, a collective, a halo exchange) on one backend, raw MPI or dlops'
 * own communication layer (dlops_comm_*, internal: bench_msg is built from the library's core,
 * comm and mem sources, as test_comm_rma_internal is), with set-up, verification and tear-down.
 * Plain C so that the internal headers never meet a C++ compiler. */
#ifndef DLOPS_PERF_MSG_KERN_H
#define DLOPS_PERF_MSG_KERN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  MSGK_PINGPONG = 0, /* ranks 0 and 1: W messages there, W back */
  MSGK_STREAM,       /* ranks 0 -> 1: W messages, then the synchronisation */
  MSGK_ALLREDUCE,
  MSGK_ALLGATHER,
  MSGK_ALLGATHERV,
  MSGK_BCAST,
  MSGK_ALLTOALLV,
  MSGK_HALO, /* every rank with its left and right neighbour (non-periodic, as a derivative's ghost rows) */
  MSGK_NUM_OPS
} msgk_op;

typedef enum {
  MSGK_MPI = 0,        /* raw two-sided MPI */
  MSGK_RMA_FENCE,      /* raw MPI RMA, MPI_Put + fence */
  MSGK_RMA_PSCW,       /* raw MPI RMA, MPI_Put in post/start/complete/wait epochs */
  MSGK_RMA_LOCK_ALL,   /* raw MPI RMA, MPI_Put under lock_all + flush + a zero-byte notification */
  MSGK_DLOPS_MPI,      /* dlops_comm_* on a comm=mpi context */
  MSGK_DLOPS_RMA_FENCE,
  MSGK_DLOPS_RMA_PSCW,
  MSGK_DLOPS_RMA_LOCK_ALL,
  MSGK_NCCL,           /* raw NCCL on device memory (CUDA builds, a GPU per rank) */
  MSGK_NUM_BACKENDS
} msgk_backend;

extern const char *const msgk_op_names[MSGK_NUM_OPS];
extern const char *const msgk_backend_names[MSGK_NUM_BACKENDS];

typedef struct msgk_case msgk_case;

/** Prepare one point: buffers filled, receive buffers poisoned, windows and contexts made.
 *  Collective over MPI_COMM_WORLD. Returns NULL and writes why (same on every rank) when the
 *  point cannot run here (backend not built, no GPU, pattern needs 2 ranks). */
msgk_case *msgk_setup(msgk_op op, msgk_backend be, int window, int64_t bytes, char *why, size_t len);
/** One synchronisation (the timed unit). Collective. Returns 0 or an error code (message on stderr). */
int msgk_run(msgk_case *c);
/** Number of wrong elements in the receive buffers after the runs, summed over ranks. Collective. */
long long msgk_verify(msgk_case *c);
/** Free the point's buffers and windows. Collective. */
void msgk_teardown(msgk_case *c);

/** Bytes that define algorithm bandwidth (nccl-tests' "size"), the bus-bandwidth factor and the
 *  number of messages one synchronisation moves (per rank pair for point to point, one per
 *  collective call, the neighbour messages per rank for the halo). */
double msgk_size_bytes(const msgk_case *c);
double msgk_bus_factor(const msgk_case *c);
double msgk_messages(const msgk_case *c);

/** Free the cached dlops contexts (before MPI_Finalize). Collective. */
void msgk_finalize(void);

#ifdef __cplusplus
}
#endif
#endif
