/* lsm: PyLops-MPI's least-squares migration tutorial (tutorials/lsm.py) with dlops.
 *
 *   mpiexec -n P ./lsm [key=value ...] [help]
 *
 * Backend and memory space come from DLOPS_SPEC (comm=mpi|rma). The Kirchhoff operator runs on
 * host memory only: with mem=emu or mem=device the program stops with the library's reason.
 *
 * Options (dlops_options, include/dlops/options.h; also from the environment variable
 * LSM_OPTIONS, the command line wins; "help" lists them with their defaults and exits 0). A
 * malformed value (niter=12x), a value out of range, a positional argument or an unknown key
 * (its nearest known key named) stops every rank with exit code 2 before any work.
 *
 * Options (defaults: the tutorial's):
 *   nx=N nz=N    model size (default 81 x 60, dx = dz = 4 m); reflectors at iz = nz/2 (-1) and
 *                iz = 5 nz/6 (0.5): rows 30 and 50 of the tutorial's 60
 *   nt=N         time samples of 4 ms (default 651)
 *   ns=N         sources per rank (default 10, the tutorial's: 10 P in all), at z = 10 m
 *   nstot=N      the total number of sources instead (split over ranks, the first ones one more)
 *   nr=N         receivers (default 11) at z = 20 m
 *   niter=N      CGLS iterations (default 100)
 *   out=DIR      folder for the .npy results (default lsm_out; "{tag}" becomes
 *                np<P>_<backend>)
 *   maxerr=E     the largest relative error to the true reflectivity accepted (default 0.6)
 *   maxres=R     the largest relative data residual ||d - V minv|| / ||d|| accepted (default 0.02)
 *
 * The problem, as the tutorial: velocity 1000 m/s (constant), sources and receivers on
 * np.linspace(10 dx, (nx - 10) dx, n), a 20 Hz Ricker wavelet on 41 samples centred at 40,
 * one Kirchhoff operator per rank for its sources (dlops_op_create_kirchhoff, mode "analytic"),
 * stacked with dlops_op_create_vstack (model broadcast, data scattered over sources); d = V m,
 * the migration V^H d, and CGLS (PyLops-MPI's recurrences, the blocking variant) from 0.
 *
 * Rank 0 ends with a summary (problem size, ranks, backend, memory space, iterations, final
 * residual, relative error to the true reflectivity, time to solution, bytes communicated per
 * operation kind), writes refl.npy, data.npy, madj.npy, minv.npy and lsm_meta.txt in out=DIR and
 * prints the command that draws them (examples/plot_lsm.py). The exit code is non-zero when the
 * relative error is above maxerr or the residual above maxres, so the program doubles as a test
 * (ctest -L examples). The bounds are measured: LSM does not recover the reflectivity outside the
 * illuminated zone, so the error stays large. At the tutorial's size (one rank) the error is
 * 0.553 and the residual 7.6e-3 after 100 iterations (PyLops' own cgls on the same operator:
 * error 0.5535, dlops' and PyLops' inversions within 1.05e-3 of each other); at the tests'
 * reduced size (nx=41 nz=30 nt=151 nstot=6 nr=7 niter=50) 0.662 and 1.27e-2. */
#include <dlops.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHECK(call)                                                  \
  do {                                                               \
    int e_ = (call);                                                 \
    if (e_) {                                                        \
      fprintf(stderr, "lsm: %s failed: %s\n", #call, dlops_last_error()); \
      MPI_Abort(MPI_COMM_WORLD, e_);                                 \
    }                                                                \
  } while (0)

static void usage_exit(int rank, const char *why) {
  if (rank == 0) fprintf(stderr, "lsm: %s (\"lsm help\" lists the options)\n", why);
  MPI_Finalize();
  exit(2);
}

/* the first failing getter's message (every rank reads the same options: the same error) */
static char opt_msg[512];
static void opt_note(int e) {
  if (e && !opt_msg[0]) snprintf(opt_msg, sizeof opt_msg, "%s", dlops_last_error());
}

/* np.linspace(a, b, n)[k] */
static double linspace(double a, double b, int64_t n, int64_t k) {
  if (n == 1) return a;
  if (k == n - 1) return b;
  return (double)k * ((b - a) / (double)(n - 1)) + a;
}

static double now_max(void) {
  double t = MPI_Wtime();
  MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return t;
}

static void human(long long b, char *s, size_t n) {
  if (b >= 10LL << 20)
    snprintf(s, n, "%.1f MB", (double)b / (1 << 20));
  else if (b >= 10LL << 10)
    snprintf(s, n, "%.1f kB", (double)b / (1 << 10));
  else
    snprintf(s, n, "%lld B", b);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, P;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &P);

  /* ---- 0. options (every rank reads the same command line and environment: the same values,
   * or the same error) */
  dlops_options opts;
  if (dlops_options_create(argc, argv, "LSM_OPTIONS", &opts)) usage_exit(rank, dlops_last_error());
  int64_t nx, nz, nt, ns, nstot, nr, niter;
  double maxerr, maxres;
  const char *out;
  opt_note(dlops_options_get_int(opts, "nx", 81, "model size along x (dx = 4 m; >= 21)", &nx));
  opt_note(dlops_options_get_int(opts, "nz", 60, "model size along z (dz = 4 m; >= 6); reflectors at nz/2, 5 nz/6",
                                 &nz));
  opt_note(dlops_options_get_int(opts, "nt", 651, "time samples of 4 ms (>= 81, the wavelet's taps)", &nt));
  opt_note(dlops_options_get_int(opts, "ns", 10, "sources per rank, at z = 10 m", &ns));
  opt_note(dlops_options_get_int(opts, "nstot", -1, "total sources instead of ns (split over ranks; -1: ns * ranks)",
                                 &nstot));
  opt_note(dlops_options_get_int(opts, "nr", 11, "receivers, at z = 20 m", &nr));
  opt_note(dlops_options_get_int(opts, "niter", 100, "CGLS iterations (>= 0)", &niter));
  opt_note(dlops_options_get_string(opts, "out", "lsm_out",
                                    "folder for the .npy results (\"{tag}\" becomes np<P>_<backend>)", &out));
  opt_note(dlops_options_get_double(opts, "maxerr", 0.6, "largest relative error to the true reflectivity accepted",
                                    &maxerr));
  opt_note(dlops_options_get_double(opts, "maxres", 0.02, "largest relative data residual ||d - V minv|| / ||d|| accepted",
                                    &maxres));
  int help = 0;
  const char *pos = NULL;
  opt_note(dlops_options_help_requested(opts, &help));
  opt_note(dlops_options_get_positional(opts, 0, &pos));
  if (help) {
    dlops_options_print_help(opts, "lsm: least-squares migration (PyLops-MPI's tutorials/lsm.py)\n"
                                   "usage: mpiexec -n P ./lsm [key=value ...]   (also from LSM_OPTIONS)",
                             rank == 0);
    dlops_options_destroy(&opts);
    MPI_Finalize();
    return 0;
  }
  if (opt_msg[0]) usage_exit(rank, opt_msg);
  if (pos) {
    snprintf(opt_msg, sizeof opt_msg, "'%.64s': arguments are key=value", pos);
    usage_exit(rank, opt_msg);
  }
  int nunused = 0;
  dlops_options_report_unused(opts, rank == 0, &nunused); /* names each unknown key and the nearest one */
  if (nunused) usage_exit(rank, "unknown option");
  if (nstot < 0) nstot = ns * P;
  if (nx < 21 || nz < 6 || nt < 81 || nstot < 1 || nr < 1 || niter < 0 || !(maxerr > 0) || !(maxres > 0))
    usage_exit(rank, "need nx >= 21, nz >= 6, nt >= 81 (the wavelet's 81 taps), sources and receivers >= 1, "
                     "niter >= 0, maxerr > 0, maxres > 0");
  const double dx = 4, dz = 4, dt = 0.004, v0 = 1000;
  const int64_t ni = nx * nz, iz1 = nz / 2, iz2 = 5 * nz / 6;

  dlops_ctx ctx, self;
  CHECK(dlops_ctx_create(MPI_COMM_WORLD, NULL, &ctx)); /* backend and mem= from DLOPS_SPEC */
  const char *spec = "", *backend = "";
  dlops_memspace mem;
  CHECK(dlops_ctx_get_spec(ctx, &spec));
  CHECK(dlops_ctx_get_backend(ctx, &backend));
  CHECK(dlops_ctx_get_memspace(ctx, &mem));
  const char *memname = mem == DLOPS_MEM_HOST ? "host" : strstr(spec, "mem=emu") ? "emu (emulated device)" : "device";
  { /* local operators live on a one-rank context in the same memory space */
    const char *m = strstr(spec, "mem=");
    char sspec[64];
    snprintf(sspec, sizeof sspec, "comm=mpi %.*s", m ? (int)strcspn(m, " ") : 0, m ? m : "");
    CHECK(dlops_ctx_create(MPI_COMM_SELF, sspec, &self));
  }

  /* ---- 1. acquisition: this rank's sources (default split of nstot), all receivers */
  const int64_t per = nstot / P, extra = nstot % P;
  const int64_t mine = per + (rank < extra), s0 = rank * per + (rank < extra ? rank : extra);
  double *sx = malloc(sizeof(double) * (size_t)(mine + 1)), *sz = malloc(sizeof(double) * (size_t)(mine + 1));
  double *rx = malloc(sizeof(double) * (size_t)nr), *rz = malloc(sizeof(double) * (size_t)nr);
  double *refl = calloc((size_t)ni, sizeof(double));
  if (!sx || !sz || !rx || !rz || !refl) MPI_Abort(MPI_COMM_WORLD, 1);
  for (int64_t s = 0; s < mine; s++) {
    sx[s] = linspace(10 * dx, (double)(nx - 10) * dx, nstot, s0 + s);
    sz[s] = 10;
  }
  for (int64_t r = 0; r < nr; r++) {
    rx[r] = linspace(10 * dx, (double)(nx - 10) * dx, nr, r);
    rz[r] = 20;
  }
  for (int64_t ix = 0; ix < nx; ix++) {
    refl[ix * nz + iz1] = -1.0;
    refl[ix * nz + iz2] = 0.5;
  }
  double wav[128];
  int nw = 0;
  CHECK(dlops_wavelet_ricker(41, dt, 20.0, wav, &nw)); /* ricker(t[:41], f0=20): 81 taps, centre 40 */

  /* ---- 2. the operator: one Kirchhoff per rank (for its sources), stacked over ranks */
  dlops_op K = NULL, V = NULL;
  int err = mine > 0 ? dlops_op_create_kirchhoff(self, nx, 0.0, dx, nz, 0.0, dz, nt, dt, mine, sx, sz, nr, rx, rz, v0,
                                                 nw, wav, nw / 2, DLOPS_F64, &K)
                     : 0;
  int any = err;
  MPI_Allreduce(MPI_IN_PLACE, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (any) {
    if (rank == 0)
      fprintf(stderr, "lsm: cannot create the Kirchhoff operator (memory space %s): %s\n", memname,
              err ? dlops_last_error() : "failed on another rank");
    dlops_ctx_destroy(&self);
    dlops_ctx_destroy(&ctx);
    MPI_Finalize();
    return 1;
  }
  CHECK(dlops_op_create_vstack(ctx, mine > 0 ? 1 : 0, &K, &V));
  dlops_op_destroy(&K);

  /* ---- 3. data, migration, inversion */
  dlops_darray m = NULL, d = NULL, madj = NULL, minv = NULL, dres = NULL;
  CHECK(dlops_op_create_vecs(V, &m, &d));
  CHECK(dlops_op_create_vecs(V, &madj, &dres));
  CHECK(dlops_op_create_vecs(V, &minv, NULL));
  CHECK(dlops_darray_scatter(m, refl, -1)); /* broadcast: every rank holds the model */
  CHECK(dlops_op_apply(V, m, d));
  CHECK(dlops_op_apply_adjoint(V, d, madj));
  CHECK(dlops_darray_fill(minv, (dlops_scalar){0.0, 0.0}));
  dlops_solver_opts o;
  CHECK(dlops_solver_opts_default(&o));
  o.niter = niter;
  o.variant = DLOPS_SOLVER_BLOCKING; /* PyLops-MPI's cgls recurrences */
  dlops_solver_result sr;
  CHECK(dlops_ctx_reset_counters(ctx));
  const double t0 = now_max();
  CHECK(dlops_solve_cgls(V, d, minv, &o, &sr));
  const double tsol = now_max() - t0;
  long long bytes[DLOPS_COMM_NUM_KINDS], calls[DLOPS_COMM_NUM_KINDS];
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
    dlops_comm_counter c;
    CHECK(dlops_ctx_get_counter(ctx, (dlops_comm_kind)k, &c));
    bytes[k] = (long long)c.bytes;
    calls[k] = (long long)c.calls;
  }
  MPI_Allreduce(MPI_IN_PLACE, bytes, DLOPS_COMM_NUM_KINDS, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, calls, DLOPS_COMM_NUM_KINDS, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  /* final residual ||d - V minv|| / ||d|| and error ||minv - m|| / ||m|| */
  double nd = 0, nres = 0, nm = 0, nerr = 0;
  CHECK(dlops_op_apply(V, minv, dres));
  CHECK(dlops_darray_axpby((dlops_scalar){1.0, 0.0}, d, (dlops_scalar){-1.0, 0.0}, dres));
  CHECK(dlops_darray_norm(dres, 2.0, &nres));
  CHECK(dlops_darray_norm(d, 2.0, &nd));
  CHECK(dlops_darray_norm(m, 2.0, &nm));
  dlops_darray e = NULL;
  CHECK(dlops_darray_duplicate(minv, &e));
  CHECK(dlops_darray_copy(minv, e));
  CHECK(dlops_darray_axpby((dlops_scalar){-1.0, 0.0}, m, (dlops_scalar){1.0, 0.0}, e));
  CHECK(dlops_darray_norm(e, 2.0, &nerr));
  dlops_darray_destroy(&e);
  const double rerr = nerr / nm, rres = nres / nd;

  /* ---- 4. results as .npy (flat; lsm_meta.txt holds the shapes) */
  char outbuf[900];
  {
    const char *t = strstr(out, "{tag}");
    if (t)
      snprintf(outbuf, sizeof outbuf, "%.*snp%d_%s%s", (int)(t - out), out, P, backend, t + 5);
    else
      snprintf(outbuf, sizeof outbuf, "%s", out);
    out = outbuf;
  }
  if (rank == 0 && mkdir(out, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "lsm: cannot create the output folder '%s': %s\n", out, strerror(errno));
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  const char *names[4] = {"refl", "data", "madj", "minv"};
  dlops_darray arrs[4] = {m, d, madj, minv};
  char fn[1024];
  for (int k = 0; k < 4; k++) {
    snprintf(fn, sizeof fn, "%s/%s.npy", out, names[k]);
    CHECK(dlops_darray_write_npy(arrs[k], fn));
  }
  if (rank == 0) {
    snprintf(fn, sizeof fn, "%s/lsm_meta.txt", out);
    FILE *f = fopen(fn, "w");
    if (f) {
      fprintf(f, "nx %lld\nnz %lld\nns %lld\nnr %lld\nnt %lld\ndx %g\ndz %g\ndt %g\n", (long long)nx, (long long)nz,
              (long long)nstot, (long long)nr, (long long)nt, dx, dz, dt);
      fclose(f);
    }
  }

  /* ---- 5. summary and verdict */
  const int failed = !(rerr <= maxerr) || !(rres <= maxres);
  if (rank == 0) {
    printf("\n==== dlops %d.%d.%d least-squares migration (Kirchhoff): summary ====\n", DLOPS_VERSION_MAJOR,
           DLOPS_VERSION_MINOR, DLOPS_VERSION_PATCH);
    printf("problem   : model (nx, nz) = (%lld, %lld) = %lld unknowns; data (ns, nr, nt) = (%lld, %lld, %lld) = %lld\n",
           (long long)nx, (long long)nz, (long long)ni, (long long)nstot, (long long)nr, (long long)nt,
           (long long)(nstot * nr * nt));
    printf("ranks     : %d (sources per rank %lld..%lld)    backend: %s    memory space: %s    spec: \"%s\"\n", P,
           (long long)per, (long long)(per + (extra > 0)), backend, memname, spec);
    printf("solver    : CGLS (blocking variant), %lld iterations of at most %lld (tol: PyLops' 1e-4 on the squared "
           "normal residual)\n",
           (long long)sr.iterations, (long long)niter);
    printf("residual  : ||d - V minv|| / ||d|| = %.3e (bound %.3g)\n", rres, maxres);
    printf("error     : ||minv - m|| / ||m||   = %.3e (bound %.3g)\n", rerr, maxerr);
    printf("time      : %.3f s to solution\n", tsol);
    printf("bytes communicated by the solve, per operation kind (summed over ranks; calls in parentheses):\n");
    for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
      char hb[48];
      human(bytes[k], hb, sizeof hb);
      printf("  %-10s %12s (%lld)\n", dlops_comm_kind_name((dlops_comm_kind)k), hb, calls[k]);
    }
    printf("results   : %s/{refl,data,madj,minv}.npy, %s/lsm_meta.txt\n", out, out);
    printf("figure    : python3 examples/plot_lsm.py %s %s/lsm.png\n", out, out);
    printf("%s\n", failed ? "lsm: FAILED (error or residual above its bound)" : "lsm: OK");
  }

  dlops_darray_destroy(&m);
  dlops_darray_destroy(&d);
  dlops_darray_destroy(&madj);
  dlops_darray_destroy(&minv);
  dlops_darray_destroy(&dres);
  dlops_op_destroy(&V);
  free(sx);
  free(sz);
  free(rx);
  free(rz);
  free(refl);
  dlops_ctx_destroy(&self);
  dlops_ctx_destroy(&ctx);
  dlops_options_destroy(&opts);
  MPI_Finalize();
  return failed;
}
