/* Device probe and GPU-backend selection, on any machine (labels mpi, not gpu): asking for device
 * memory or NCCL either works or fails with DLOPS_ERR_UNSUPPORTED and a reason, with the same
 * code on every rank and no hang, also when only some ranks ask for device memory (the probe
 * must not communicate: it runs before the ranks agree on the spec). Misuse (comm=nccl with
 * mem=host) is DLOPS_ERR_ARG everywhere. */
#include "dlops_test.h"

static int rank_, size_;

/* Create and destroy a context with spec; returns the code, checked equal on all ranks. */
static int try_spec(const char *spec) {
  dlops_ctx ctx = NULL;
  int err = dlops_ctx_create(MPI_COMM_WORLD, spec, &ctx);
  int mm[2] = {err, -err};
  MPI_Allreduce(MPI_IN_PLACE, mm, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  T_CHECK(mm[0] == -mm[1], "spec \"%s\": ranks disagree on the result (max %d, min %d)", spec, mm[0], -mm[1]);
  T_CHECK(err ? ctx == NULL : ctx != NULL, "spec \"%s\": context handle inconsistent with code %d", spec, err);
  if (err) {
    const char *msg = dlops_last_error();
    T_CHECK(msg[0] != '\0', "spec \"%s\": failed with code %d but no message", spec, err);
    if (rank_ == 0) printf("spec \"%s\": %s: %s\n", spec, dlops_error_string(err), msg);
  } else {
    if (rank_ == 0) printf("spec \"%s\": context created\n", spec);
    T_CALL(dlops_ctx_destroy(&ctx));
  }
  fflush(stdout);
  return err;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  dlops_test_rank_ = rank_;

  const char *gpu_specs[] = {"comm=mpi mem=device", "comm=nccl", "comm=nccl mem=device"};
  for (size_t i = 0; i < sizeof gpu_specs / sizeof gpu_specs[0]; i++) {
    int err = try_spec(gpu_specs[i]);
    T_CHECK(err == DLOPS_SUCCESS || err == DLOPS_ERR_UNSUPPORTED, "spec \"%s\": code %d (%s), want success or unsupported",
            gpu_specs[i], err, dlops_error_string(err));
    if (err == DLOPS_ERR_UNSUPPORTED) {
      const char *msg = dlops_last_error();
      T_CHECK(strstr(msg, "device") || strstr(msg, "not built") || strstr(msg, "GPU"),
              "spec \"%s\": the reason does not say what is missing: %s", gpu_specs[i], msg);
    }
  }
  T_CHECK(try_spec("comm=nccl mem=host") == DLOPS_ERR_ARG, "comm=nccl mem=host must be a bad argument");
  /* the CUDA table has no exact reduction kernels: deterministic reductions on device memory are
   * refused at creation, with or without a GPU */
  {
    int err = try_spec("comm=mpi mem=device deterministic=1");
    T_CHECK(err == DLOPS_ERR_UNSUPPORTED, "mem=device deterministic=1: code %d (%s), want unsupported", err,
            dlops_error_string(err));
    const char *msg = dlops_last_error();
    T_CHECK(strstr(msg, "device") || strstr(msg, "not built") || strstr(msg, "GPU"),
            "mem=device deterministic=1: the reason does not say what is missing: %s", msg);
  }

  /* Only rank 0 asks for device memory: every rank fails with one code, nobody hangs. */
  if (size_ > 1) {
    int err = try_spec(rank_ == 0 ? "comm=mpi mem=device" : "comm=mpi mem=host");
    T_CHECK(err != DLOPS_SUCCESS, "mixed mem=device/mem=host specs were accepted");
  }
  /* A plain host context still works after all that. */
  T_CHECK(try_spec("comm=mpi mem=host") == DLOPS_SUCCESS, "host context after the GPU probes");
  return dlops_test_finish(NULL);
}
