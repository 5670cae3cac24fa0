/* The GPU plugin (csrc/core/plugin.h) as a CPU-only program sees it (labels install / plugin).
 *
 *   test_gpu_plugin EXPECT [FORBID...]
 *
 * Runs host work (a context, arrays, a dot product, a reduction) that must not need CUDA, then
 * reads the "GPU:" line of dlops_backends_describe, which loads the plugin and probes for a
 * device, and checks it contains EXPECT and none of the FORBID strings (the run_*.sh script passes what its environment must
 * give: the plugin cannot load without the CUDA libraries, a missing plugin names its path, a
 * build without CUDA says so). Also: describing does not replace the caller's last error, and a
 * context asking for comm=nccl fails with DLOPS_ERR_UNSUPPORTED and the same code on every rank
 * (no crash, no hang) whatever the environment. */
#include "dlops_test.h"

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  dlops_test_rank_ = rank;
  const char *expect = argc > 1 ? argv[1] : "GPU:";

  /* host work */
  dlops_ctx ctx = NULL;
  T_CALL(dlops_ctx_create(MPI_COMM_WORLD, "comm=mpi", &ctx));
  const int64_t n = 1000;
  dlops_darray x = NULL;
  T_CALL(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &x));
  T_CALL(dlops_darray_fill(x, (dlops_scalar){2.0, 0.0}));
  dlops_scalar d = {0, 0};
  T_CALL(dlops_darray_dot(x, x, &d));
  T_CHECK(d.re == 4.0 * (double)n, "dot = %g, want %g", d.re, 4.0 * (double)n);

  /* a known last error, which describing must leave alone */
  T_CHECK(dlops_darray_get_ndim(x, NULL) == DLOPS_ERR_ARG, "a null output is DLOPS_ERR_ARG");
  char before[1024];
  snprintf(before, sizeof before, "%s", dlops_last_error());
  char buf[8192];
  T_CALL(dlops_backends_describe(buf, sizeof buf));
  T_CHECK(strcmp(before, dlops_last_error()) == 0, "describe changed the last error: \"%s\" -> \"%s\"", before,
          dlops_last_error());
  const char *gpu = strstr(buf, "GPU:");
  T_CHECK(gpu != NULL, "no GPU line in the description:\n%s", buf);
  if (gpu) {
    const char *eol = strchr(gpu, '\n');
    int len = eol ? (int)(eol - gpu) : (int)strlen(gpu);
    T_CHECK(strstr(gpu, expect) != NULL && strstr(gpu, expect) < gpu + len, "the GPU line lacks \"%s\": %.*s", expect,
            len, gpu);
    for (int a = 2; a < argc; a++)
      T_CHECK(!strstr(gpu, argv[a]) || strstr(gpu, argv[a]) >= gpu + len, "the GPU line has \"%s\": %.*s", argv[a],
              len, gpu);
    if (rank == 0) printf("%.*s\n", len, gpu);
  }

  /* GPU specs fail cleanly on every rank here (no CUDA memory space in this version) */
  dlops_ctx g = NULL;
  int err = dlops_ctx_create(MPI_COMM_WORLD, "comm=nccl", &g);
  int mm[2] = {err, -err};
  MPI_Allreduce(MPI_IN_PLACE, mm, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  T_CHECK(mm[0] == -mm[1], "ranks disagree on comm=nccl: %d and %d", mm[0], -mm[1]);
  T_CHECK(err == DLOPS_ERR_UNSUPPORTED && g == NULL, "comm=nccl: code %d (%s), want unsupported", err,
          dlops_last_error());
  if (g) dlops_ctx_destroy(&g);

  /* the host context still works */
  T_CALL(dlops_darray_dot(x, x, &d));
  T_CHECK(d.re == 4.0 * (double)n, "dot after the GPU probes = %g", d.re);
  T_CALL(dlops_darray_destroy(&x));
  return dlops_test_finish(ctx);
}
