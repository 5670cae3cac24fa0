/* darray_tour: a guided tour of dlops distributed arrays.
 *
 * Build: part of the dlops build (examples/c). Run:
 *   mpiexec -n 4 ./darray_tour [spec="comm=rma"] [rows=10] [cols=6] [help]
 * Options (dlops_options, include/dlops/options.h; also from the environment variable
 * DARRAY_TOUR_OPTIONS, the command line wins): spec (default: DLOPS_SPEC, else comm=mpi), rows and
 * cols of the field; "help" lists them. A bare backend name ("rma") is taken as the spec, as
 * before. Works on any number of ranks and on every host backend.
 *
 * It builds a 2-D field distributed over rows, computes norms and dot products, moves the
 * distribution to the other axis, exchanges ghost rows, stacks two arrays into one vector, and
 * prints the communication counters, so one sees what each operation costs.
 */
#include <dlops.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(call)                                                          \
  do {                                                                       \
    int e_ = (call);                                                         \
    if (e_) {                                                                \
      fprintf(stderr, "%s failed: %s\n", #call, dlops_last_error());         \
      MPI_Abort(MPI_COMM_WORLD, e_);                                         \
    }                                                                        \
  } while (0)

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int wrank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
  /* the options: every rank reads the same command line, so every rank gets the same values (or
   * the same error) */
  dlops_options opts;
  CHECK(dlops_options_create(argc, argv, "DARRAY_TOUR_OPTIONS", &opts));
  const char *spec_opt = NULL, *bare = NULL;
  int64_t nr = 10, nc = 6;
  CHECK(dlops_options_get_string(opts, "spec", NULL, "dlops spec, e.g. \"comm=rma sync=pscw\" (default: DLOPS_SPEC)",
                                 &spec_opt));
  CHECK(dlops_options_get_positional(opts, 0, &bare)); /* "rma": the old usage */
  CHECK(dlops_options_get_int(opts, "rows", 10, "rows of the field (distributed axis)", &nr));
  CHECK(dlops_options_get_int(opts, "cols", 6, "columns of the field", &nc));
  int help = 0;
  CHECK(dlops_options_help_requested(opts, &help));
  if (help) {
    CHECK(dlops_options_print_help(opts, "darray_tour: a guided tour of dlops distributed arrays", wrank == 0));
    dlops_options_destroy(&opts);
    MPI_Finalize();
    return 0;
  }
  if (nr < 1 || nc < 1 || nr > 100000 || nc > 100000) {
    if (wrank == 0) fprintf(stderr, "darray_tour: rows=%lld cols=%lld: each must be in [1, 100000]\n", (long long)nr,
                            (long long)nc);
    MPI_Finalize();
    return 1;
  }
  CHECK(dlops_options_report_unused(opts, wrank == 0, NULL)); /* misspelt keys: a warning */
  dlops_ctx ctx;
  CHECK(dlops_ctx_create(MPI_COMM_WORLD, spec_opt ? spec_opt : bare, &ctx));
  int rank, size;
  const char *spec;
  dlops_ctx_get_rank(ctx, &rank);
  dlops_ctx_get_size(ctx, &size);
  dlops_ctx_get_spec(ctx, &spec);
  if (rank == 0) printf("dlops %d.%d.%d on %d ranks, %s\n\n", DLOPS_VERSION_MAJOR, DLOPS_VERSION_MINOR,
                        DLOPS_VERSION_PATCH, size, spec);

  /* A rows x cols field f(i, j) = sin(i) * cos(j), distributed over rows (axis 0). */
  const int64_t shape[2] = {nr, nc}, ntot = nr * nc;
  double *field = malloc(sizeof(double) * (size_t)ntot);
  for (int64_t i = 0; i < nr; i++)
    for (int64_t j = 0; j < nc; j++) field[i * nc + j] = sin(i + 1.0) * cos(j + 0.5);
  dlops_darray x;
  CHECK(dlops_darray_create(ctx, 2, shape, 0, DLOPS_SCATTER, DLOPS_F64, &x));
  CHECK(dlops_darray_scatter(x, field, -1)); /* every rank has the field: keep the own rows */
  int64_t lshape[2], offset;
  dlops_darray_get_local_shape(x, lshape);
  dlops_darray_get_offset(x, &offset);
  for (int r = 0; r < size; r++) {
    if (r == rank) printf("rank %d owns rows [%lld, %lld) -> local shape (%lld, %lld)\n", rank, (long long)offset,
                          (long long)(offset + lshape[0]), (long long)lshape[0], (long long)lshape[1]);
    fflush(stdout);
    MPI_Barrier(MPI_COMM_WORLD);
  }

  double n2, n1, ninf;
  CHECK(dlops_darray_norm(x, 2.0, &n2));
  CHECK(dlops_darray_norm(x, 1.0, &n1));
  CHECK(dlops_darray_norm(x, INFINITY, &ninf));
  dlops_scalar xx;
  CHECK(dlops_darray_dot(x, x, &xx));
  if (rank == 0) printf("\n||x||_2 = %.12f  ||x||_1 = %.12f  ||x||_inf = %.12f  x.x = %.12f\n", n2, n1, ninf, xx.re);

  /* y = 2 x - x = x, then the difference must vanish */
  dlops_darray y;
  CHECK(dlops_darray_duplicate(x, &y));
  CHECK(dlops_darray_copy(x, y));
  CHECK(dlops_darray_axpby((dlops_scalar){-1.0, 0}, x, (dlops_scalar){2.0, 0}, y));
  CHECK(dlops_darray_axpby((dlops_scalar){-1.0, 0}, x, (dlops_scalar){1.0, 0}, y));
  double d;
  CHECK(dlops_darray_norm(y, 2.0, &d));
  if (rank == 0) printf("||(2x - x) - x|| = %g\n", d);

  /* Move the distribution to the columns (an all-to-all), and back to a global array. */
  dlops_darray xt;
  CHECK(dlops_darray_redistribute(x, 1, &xt));
  double *back = malloc(sizeof(double) * (size_t)ntot);
  CHECK(dlops_darray_gather(xt, back, 0));
  if (rank == 0) {
    double err = 0;
    for (int64_t k = 0; k < ntot; k++) err = fmax(err, fabs(back[k] - field[k]));
    printf("redistributed to axis 1 and gathered: max error %g\n", err);
  }

  /* Ghost rows: one row from each neighbour, as a stencil needs. */
  int64_t gshape[2];
  CHECK(dlops_darray_ghost_shape(x, 1, 1, gshape));
  double *ghosted = malloc(sizeof(double) * (size_t)(gshape[0] * gshape[1] + 1));
  CHECK(dlops_darray_add_ghost_cells(x, 1, 1, ghosted));
  if (rank == 0) printf("rank 0 local block with ghost rows: (%lld, %lld)\n", (long long)gshape[0], (long long)gshape[1]);

  /* A stacked vector [x; y] behaves as one vector: its norm is sqrt(|x|^2 + |y|^2). */
  dlops_darray parts[2] = {x, xt}, s;
  CHECK(dlops_darray_create_stacked(2, parts, &s));
  double ns;
  CHECK(dlops_darray_norm(s, 2.0, &ns));
  if (rank == 0) printf("stacked [x; x redistributed]: norm %.12f = sqrt(2) * %.12f\n\n", ns, n2);

  CHECK(dlops_ctx_print_counters(ctx, stdout));

  free(field);
  free(back);
  free(ghosted);
  dlops_darray_destroy(&s);
  dlops_darray_destroy(&xt);
  dlops_darray_destroy(&y);
  dlops_darray_destroy(&x);
  dlops_ctx_destroy(&ctx);
  dlops_options_destroy(&opts);
  MPI_Finalize();
  return 0;
}
