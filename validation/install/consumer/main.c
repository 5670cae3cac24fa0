/* Consumer of an installed dlops: built by the post-install test with find_package and with
 * pkg-config. Checks a norm against its closed form so a broken install cannot pass. */
#include <dlops.h>
#include <math.h>
#include <stdio.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  dlops_ctx ctx;
  if (dlops_ctx_create(MPI_COMM_WORLD, NULL, &ctx)) {
    fprintf(stderr, "%s\n", dlops_last_error());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  const int64_t n = 100;
  dlops_darray x;
  int err = dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &x);
  if (!err) err = dlops_darray_fill(x, (dlops_scalar){2.0, 0.0});
  double nrm = 0;
  if (!err) err = dlops_darray_norm(x, 2.0, &nrm);
  int rank;
  dlops_ctx_get_rank(ctx, &rank);
  int ok = !err && fabs(nrm - 20.0) < 1e-12;
  if (rank == 0) printf("installed dlops %d.%d.%d: norm %.15g (expected 20): %s\n", DLOPS_VERSION_MAJOR,
                        DLOPS_VERSION_MINOR, DLOPS_VERSION_PATCH, nrm, ok ? "ok" : "WRONG");
  dlops_darray_destroy(&x);
  dlops_ctx_destroy(&ctx);
  MPI_Finalize();
  return ok ? 0 : 1;
}
