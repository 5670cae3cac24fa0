/* Error paths of the NCCL backend (cuda/nccl.c) on the stand-in (label nccl), one per mode:
 *   async   DLOPS_NCCL_STANDIN_FAULT=3: the third NCCL operation on the context's communicator
 *           reports an asynchronous error on every rank. Broadcasts of a device array
 *           (dlops_darray_sync_broadcast, one ncclBroadcast each): those before it succeed,
 *           the one that meets it fails with DLOPS_ERR_NCCL on every rank (the
 *           backend polls ncclCommGetAsyncError and aborts the communicator), every later one
 *           fails at once (aborted communicator) instead of hanging, and the array and the
 *           context are destroyed cleanly.
 *   init    DLOPS_NCCL_STANDIN_FAULT=init:1: ncclCommInitRank fails on every rank; context
 *           creation returns DLOPS_ERR_NCCL everywhere.
 *   shared  DLOPS_STANDIN_SHARED_GPU=1: the ranks of the node share one device; with more than
 *           one rank, context creation returns DLOPS_ERR_UNSUPPORTED everywhere ("one GPU per
 *           rank"), with one it works.
 * The spec is "comm=nccl mem=emu"; DLOPS_PLUGIN_DIR points at the stand-in plugin. */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "dlops.h"

static int fails, passes, rank;

#define CHECK(cond, ...)                                              \
  do {                                                                \
    if (cond) {                                                       \
      passes++;                                                       \
    } else {                                                          \
      fails++;                                                        \
      fprintf(stderr, "[rank %d] FAIL line %d: ", rank, __LINE__);    \
      fprintf(stderr, __VA_ARGS__);                                   \
      fprintf(stderr, "\n");                                          \
    }                                                                 \
  } while (0)

/* The same value on every rank? */
static int same(int v) {
  int mm[2] = {v, -v};
  MPI_Allreduce(MPI_IN_PLACE, mm, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return mm[0] == -mm[1];
}

static void async_mode(void) {
  dlops_ctx ctx = NULL;
  int rc = dlops_ctx_create(MPI_COMM_WORLD, "comm=nccl mem=emu", &ctx);
  CHECK(rc == DLOPS_SUCCESS, "context: %d (%s)", rc, dlops_last_error());
  if (rc) return;
  int64_t n = 100;
  dlops_darray x = NULL;
  rc = dlops_darray_create(ctx, 1, &n, 0, DLOPS_BROADCAST, DLOPS_F64, &x);
  CHECK(rc == DLOPS_SUCCESS, "darray: %d (%s)", rc, dlops_last_error());
  if (!rc) {
    dlops_scalar one = {1.0, 0.0};
    CHECK(dlops_darray_fill(x, one) == DLOPS_SUCCESS, "fill: %s", dlops_last_error());
    int first = -1;
    for (int k = 0; k < 8; k++) {
      rc = dlops_darray_sync_broadcast(x);
      CHECK(same(rc), "broadcast %d: ranks disagree (this rank %d)", k, rc);
      if (first < 0 && rc) {
        first = k;
        CHECK(rc == DLOPS_ERR_NCCL, "broadcast %d: code %d (%s), expected DLOPS_ERR_NCCL", k, rc, dlops_last_error());
        if (rank == 0) fprintf(stderr, "broadcast %d failed as injected: %s\n", k, dlops_last_error());
      } else if (first >= 0) {
        CHECK(rc == DLOPS_ERR_NCCL && strstr(dlops_last_error(), "aborted"),
              "broadcast %d after the failure: code %d (%s), expected DLOPS_ERR_NCCL on the aborted communicator", k, rc,
              dlops_last_error());
      } else {
        CHECK(rc == DLOPS_SUCCESS, "broadcast %d: %d (%s)", k, rc, dlops_last_error());
      }
    }
    CHECK(first >= 0, "no broadcast met the injected failure");
    CHECK(same(first), "ranks met the failure at different calls");
  }
  rc = dlops_darray_destroy(&x);
  CHECK(rc == DLOPS_SUCCESS, "darray destroy: %d (%s)", rc, dlops_last_error());
  rc = dlops_ctx_destroy(&ctx);
  CHECK(rc == DLOPS_SUCCESS, "context destroy: %d (%s)", rc, dlops_last_error());
}

static void create_fails(int want, const char *text) {
  dlops_ctx ctx = NULL;
  int rc = dlops_ctx_create(MPI_COMM_WORLD, "comm=nccl mem=emu", &ctx);
  CHECK(same(rc), "context creation: ranks disagree (this rank %d)", rc);
  CHECK(rc == want && (!want || strstr(dlops_last_error(), text)), "context creation: code %d (%s), expected %d (%s)",
        rc, dlops_last_error(), want, text);
  if (rank == 0 && rc) fprintf(stderr, "context creation failed as expected: %s\n", dlops_last_error());
  if (!rc) dlops_ctx_destroy(&ctx);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const char *mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "async")) async_mode();
  else if (!strcmp(mode, "init")) create_fails(DLOPS_ERR_NCCL, "ncclCommInitRank");
  else if (!strcmp(mode, "shared")) create_fails(size > 1 ? DLOPS_ERR_UNSUPPORTED : DLOPS_SUCCESS, "one GPU per rank");
  else CHECK(0, "unknown mode '%s' (async, init, shared)", mode);
  long v[2] = {passes, fails};
  MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("nccl faults (%s) on %d ranks: %ld passed, %ld failed\n", mode, size, v[0], v[1]);
  MPI_Finalize();
  return v[1] ? 1 : 0;
}
