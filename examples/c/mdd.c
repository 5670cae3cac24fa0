/* mdd: PyLops-MPI's multi-dimensional deconvolution tutorial (tutorials/mdd.py) with dlops.
 *
 *   mpiexec -n P ./mdd [key=value ...]      (mdd help: the options, their defaults and meanings)
 *
 * Backend and memory space come from DLOPS_SPEC (comm=mpi|rma, mem=host|emu): the MDC operator
 * runs on the host and on the emulated device (the CUDA memory space has no FFT in this version:
 * the program then stops with the library's reason).
 *
 * Options (dlops_options, include/dlops/options.h; also from the environment variable MDD_OPTIONS,
 * the command line wins; "help" prints the listing on rank 0 and exits 0; a malformed value, e.g.
 * nt=12x, an argument that is not key=value or an unknown key (reported with the nearest known
 * one) exits 2 on every rank with the reason; defaults: the tutorial's):
 *   nx=N ny=N    receivers (default 61, x from -300 m) and sources (default 101, y from -500 m),
 *                10 m apart, centred on 0 (ox = -(nx/2) dx, oy = -(ny/2) dy)
 *   nt=N         time samples of 4 ms (default 400): model and data have 2 nt - 1 (two-sided)
 *   nfmax=N      frequencies kept by the MDC (default 200, at most nt), split over ranks
 *   niter=N      CGLS iterations (default 50)
 *   out=DIR      folder for the .npy results (default mdd_out; "{tag}" becomes np<P>_<backend>)
 *   maxerr=E     the largest relative error to the true model accepted (default 0.85)
 *   maxres=R     the largest relative data residual ||d - M minv|| / ||d|| accepted (default 0.03)
 *
 * The problem, as the tutorial (pylops.utils.seismicevents.hyperbolic2d, written here): a 20 Hz
 * Ricker wavelet on ricker(t[:41]) (81 taps, centre 40); the model one hyperbolic event
 * (t0 = 0.2 s, vrms = 1100 m/s, amplitude 1) as linearly interpolated spikes (the unfiltered
 * reflectivity); the kernel G(y, x, t), for every source y, three events (t0 = 0.2, 0.5, 0.7 s;
 * vrms = 1200, 1500, 2000 m/s; amplitudes 1, 0.6, 0.5) in x - y filtered by the wavelet and
 * tapered by a Hanning taper of 5 samples at the edges of y and x (pylops' taper3d); model and
 * kernel padded with nt - 1 zeros in front (negative times). The kernel's rfft over 2 nt - 1
 * samples (dlops_op_create_fft on a one-rank host context: PyLops' real FFT scales bins 1 to
 * nt - 1 by sqrt(2), undone here to get numpy's rfft), its first nfmax frequencies, scaled by
 * dt sqrt(nt) and cast to complex64; rank r keeps its frequencies (PyLops-MPI's local_split:
 * nfmax / P, the first nfmax % P ranks one more) and passes them to dlops_op_create_mdc (f32
 * model and data, twosided, prescaled, saveGt as PyLops-MPI's default, model and data
 * broadcast). d = M m, the adjoint M^H d, and CGLS (PyLops-MPI's recurrences, the blocking
 * variant) from 0 for niter iterations.
 *
 * Rank 0 ends with a summary (problem size, ranks, backend, memory space, iterations, final
 * residual, relative error to the true model, time to solution, bytes communicated per
 * operation kind), writes model.npy, data.npy, madj.npy, minv.npy and mdd_meta.txt in out=DIR and
 * prints the command that draws them (examples/plot_mdd.py). The exit code is non-zero when the
 * relative error is above maxerr or the residual above maxres, so the program doubles as a test
 * (ctest -L examples). The bounds are measured: the model is unfiltered spikes and the kernel
 * band-limited (a 20 Hz Ricker, nfmax of nt frequencies), so MDD recovers its band only and the
 * error stays large, as in the tutorial's figure. At the tutorial's size (2 ranks) the error is
 * 0.763 and the residual 1.92e-2 after 50 iterations; at the tests' reduced size (nx=21 ny=31
 * nt=151 nfmax=75 niter=50, one rank) 0.789 and 1.13e-2. Model, data and adjoint agree with
 * PyLops-MPI's MPIMDC to 2e-7 (float32); the CGLS iterates to 2e-7 for 10 iterations, after
 * which float32 rounding grows on this ill-conditioned problem (1.6e-2 at 25, 4.2e-2 at 50; the
 * errors to the true model within 5e-3). */
#include <dlops.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHECK(call)                                                       \
  do {                                                                    \
    int e_ = (call);                                                      \
    if (e_) {                                                             \
      fprintf(stderr, "mdd: %s failed: %s\n", #call, dlops_last_error()); \
      MPI_Abort(MPI_COMM_WORLD, e_);                                      \
    }                                                                     \
  } while (0)

static void usage_exit(int rank, const char *why) {
  if (rank == 0)
    fprintf(stderr,
            "mdd: %s\nusage: mdd [nx=N] [ny=N] [nt=N] [nfmax=N] [niter=N] [out=DIR] [maxerr=E] [maxres=R] "
            "(mdd help: the listing)\n", why);
  MPI_Finalize();
  exit(2);
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

/* pylops.utils.seismicevents.hyperbolic2d(x, t, t0, vrms, amp, wav) for nx offsets x: the spikes
 * d (nx, nt) (linear interpolation between samples) into spk, and, when dwav is not NULL, the
 * spikes filtered by the wavelet (lfilter, then the wavelet's centre removed) into dwav. Both
 * are accumulated into zeroed arrays; ext is room for nx (nt + nw/2) doubles. */
static void hyperbolic2d(int64_t nx, const double *x, int64_t nt, double dt, int nev, const double *t0,
                         const double *vrms, const double *amp, int nw, const double *wav, double *ext, double *spk,
                         double *dwav) {
  const int64_t wc = nw / 2, ne = nt + wc;
  memset(ext, 0, sizeof(double) * (size_t)(nx * ne));
  for (int e = 0; e < nev; e++)
    for (int64_t ix = 0; ix < nx; ix++) {
      const double te = sqrt(t0[e] * t0[e] + x[ix] * x[ix] / (vrms[e] * vrms[e])) / dt;
      const int64_t it = (int64_t)te; /* astype(int): truncation, te >= 0 */
      const double frac = te - (double)it;
      if (it < ne - 1 && it >= 0) {
        ext[ix * ne + it] += amp[e] * (1 - frac);
        ext[ix * ne + it + 1] += amp[e] * frac;
      }
    }
  for (int64_t ix = 0; ix < nx; ix++) {
    const double *s = ext + ix * ne;
    if (spk)
      for (int64_t k = 0; k < nt; k++) spk[ix * nt + k] = s[k];
    if (dwav)
      for (int64_t k = 0; k < nt; k++) { /* lfilter(wav, 1, s)[k + wc] */
        double acc = 0;
        const int64_t n = k + wc;
        for (int64_t j = 0; j < nw && j <= n; j++) acc += wav[j] * s[n - j];
        dwav[ix * nt + k] = acc;
      }
  }
}

/* pylops.utils.tapers.hanningtaper(n, ntap) */
static void hanningtaper(int64_t n, int64_t ntap, double *w) {
  const double pi = 3.14159265358979323846;
  for (int64_t i = 0; i < n; i++) w[i] = 1.0;
  for (int64_t i = 0; i < ntap && ntap > 1; i++) { /* np.hanning(1) = [1]: ntap 1 tapers nothing */
    const double h = 0.5 - 0.5 * cos(2.0 * pi * (double)i / (double)(2 * ntap - 2)); /* np.hanning(2 ntap - 1) */
    w[i] = h;
    w[n - 1 - i] = h;
  }
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, P;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &P);

  /* ---- 0. options (dlops_options: MDD_OPTIONS, then the command line, which wins). Options are
   * local, and every rank reads the same command line and environment, so every rank gets the
   * same values, or the same error and exit code. */
  dlops_options opts;
  CHECK(dlops_options_create(argc, argv, "MDD_OPTIONS", &opts));
  int64_t nx = 61, ny = 101, nt = 400, nfmax = 200, niter = 50;
  double maxerr = 0.85, maxres = 0.03;
  const char *out = "mdd_out", *pos = NULL;
  char bad[512] = ""; /* the first malformed value's message */
#define OPT(call) \
  if ((call) && !bad[0]) snprintf(bad, sizeof bad, "%s", dlops_last_error())
  OPT(dlops_options_get_int(opts, "nx", 61, "receivers, 10 m apart from -(nx/2) dx (>= 10)", &nx));
  OPT(dlops_options_get_int(opts, "ny", 101, "sources, 10 m apart from -(ny/2) dy (>= 10)", &ny));
  OPT(dlops_options_get_int(opts, "nt", 400, "time samples of 4 ms (>= 41); model and data have 2 nt - 1", &nt));
  OPT(dlops_options_get_int(opts, "nfmax", 200, "frequencies kept by the MDC (1 to nt), split over ranks", &nfmax));
  OPT(dlops_options_get_int(opts, "niter", 50, "CGLS iterations (>= 0)", &niter));
  OPT(dlops_options_get_string(opts, "out", "mdd_out", "folder for the .npy results ({tag}: np<P>_<backend>)", &out));
  OPT(dlops_options_get_double(opts, "maxerr", 0.85, "largest relative error to the true model accepted (> 0)",
                               &maxerr));
  OPT(dlops_options_get_double(opts, "maxres", 0.03, "largest relative data residual ||d - M minv|| / ||d|| (> 0)",
                               &maxres));
#undef OPT
  int help = 0;
  CHECK(dlops_options_help_requested(opts, &help));
  if (help) {
    CHECK(dlops_options_print_help(opts, "mdd: PyLops-MPI's multi-dimensional deconvolution tutorial\n"
                                         "usage: mpiexec -n P ./mdd [key=value ...] (also from MDD_OPTIONS)",
                                   rank == 0));
    dlops_options_destroy(&opts);
    MPI_Finalize();
    return 0;
  }
  if (bad[0]) usage_exit(rank, bad);
  CHECK(dlops_options_get_positional(opts, 0, &pos));
  if (pos) usage_exit(rank, "arguments are key=value");
  int nunused = 0;
  CHECK(dlops_options_report_unused(opts, rank == 0, &nunused)); /* a warning line each on rank 0 */
  if (nunused) usage_exit(rank, "unknown option"); /* as before: an error, not only a warning */
  if (nx < 10 || ny < 10 || nt < 41 || nfmax < 1 || nfmax > nt || niter < 0 || !(maxerr > 0) || !(maxres > 0))
    usage_exit(rank, "need nx, ny >= 10 (the 5-sample tapers), nt >= 41 (the wavelet), 1 <= nfmax <= nt, "
                     "niter >= 0, maxerr > 0, maxres > 0");
  const double dx = 10, dy = 10, dt = 0.004, f0 = 20;
  const double ox = -(double)(nx / 2) * dx, oy = -(double)(ny / 2) * dy;
  const int64_t nt2 = 2 * nt - 1;

  dlops_ctx ctx, self;
  CHECK(dlops_ctx_create(MPI_COMM_WORLD, NULL, &ctx)); /* backend and mem= from DLOPS_SPEC */
  const char *spec = "", *backend = "";
  dlops_memspace mem;
  CHECK(dlops_ctx_get_spec(ctx, &spec));
  CHECK(dlops_ctx_get_backend(ctx, &backend));
  CHECK(dlops_ctx_get_memspace(ctx, &mem));
  const char *memname = mem == DLOPS_MEM_HOST ? "host" : strstr(spec, "mem=emu") ? "emu (emulated device)" : "device";
  CHECK(dlops_ctx_create(MPI_COMM_SELF, "comm=mpi", &self)); /* the kernel's FFT, on the host */

  /* ---- 1. the synthetic model and kernel, on every rank (as the tutorial) */
  double wav[128];
  int nw = 0;
  CHECK(dlops_wavelet_ricker(41, dt, f0, wav, &nw)); /* ricker(t[:41], f0=20): 81 taps */
  const int64_t ne = nt + nw / 2, nxy = nx > ny ? nx : ny;
  double *x = malloc(sizeof(double) * (size_t)nx), *xs = malloc(sizeof(double) * (size_t)nx);
  double *tapx = malloc(sizeof(double) * (size_t)nx), *tapy = malloc(sizeof(double) * (size_t)ny);
  double *ext = malloc(sizeof(double) * (size_t)(nxy * ne)), *spk = malloc(sizeof(double) * (size_t)(nx * nt));
  double *gw = malloc(sizeof(double) * (size_t)(nx * nt));
  float *model = calloc((size_t)(nt2 * nx), sizeof(float));
  double *G2 = calloc((size_t)(ny * nx * nt2), sizeof(double)); /* Gwav2 (ny, nx, 2 nt - 1) */
  if (!x || !xs || !tapx || !tapy || !ext || !spk || !gw || !model || !G2) MPI_Abort(MPI_COMM_WORLD, 1);
  for (int64_t i = 0; i < nx; i++) x[i] = ox + (double)i * dx;
  hanningtaper(nx, 5, tapx);
  hanningtaper(ny, 5, tapy);
  {
    const double t0m = 0.2, vm = 1100.0, am = 1.0;
    hyperbolic2d(nx, x, nt, dt, 1, &t0m, &vm, &am, nw, wav, ext, spk, NULL);
    for (int64_t ix = 0; ix < nx; ix++) /* model (2 nt - 1, nx): time first, nt - 1 zeros in front */
      for (int64_t k = 0; k < nt; k++) model[(nt - 1 + k) * nx + ix] = (float)spk[ix * nt + k];
  }
  {
    const double t0g[3] = {0.2, 0.5, 0.7}, vg[3] = {1200.0, 1500.0, 2000.0}, ag[3] = {1.0, 0.6, 0.5};
    for (int64_t iy = 0; iy < ny; iy++) {
      const double y0 = oy + (double)iy * dy;
      for (int64_t i = 0; i < nx; i++) xs[i] = x[i] - y0;
      hyperbolic2d(nx, xs, nt, dt, 3, t0g, vg, ag, nw, wav, ext, NULL, gw);
      for (int64_t ix = 0; ix < nx; ix++)
        for (int64_t k = 0; k < nt; k++)
          G2[(iy * nx + ix) * nt2 + nt - 1 + k] = gw[ix * nt + k] * tapy[iy] * tapx[ix];
    }
  }

  /* ---- 2. the kernel in frequency, this rank's slices (PyLops-MPI's local_split) */
  const int64_t per = nfmax / P, extra = nfmax % P;
  const int64_t nfl = per + (rank < extra), fl0 = rank * per + (rank < extra ? rank : extra);
  float *Gloc = malloc(sizeof(float) * 2 * (size_t)(nfl > 0 ? nfl * ny * nx : 1));
  double *Gf = malloc(sizeof(double) * 2 * (size_t)(ny * nx * nt)); /* rfft: nt frequencies */
  if (!Gloc || !Gf) MPI_Abort(MPI_COMM_WORLD, 1);
  {
    dlops_op F = NULL;
    const int64_t dims[3] = {ny, nx, nt2};
    CHECK(dlops_op_create_fft(self, 3, dims, 2, nt2, DLOPS_FFT_NONE, 1, 0, 0, DLOPS_F64, &F));
    dlops_darray gx = NULL, gy = NULL;
    CHECK(dlops_op_create_vecs(F, &gx, &gy));
    CHECK(dlops_darray_scatter(gx, G2, -1));
    CHECK(dlops_op_apply(F, gx, gy));
    CHECK(dlops_darray_gather(gy, Gf, -1));
    dlops_darray_destroy(&gx);
    dlops_darray_destroy(&gy);
    dlops_op_destroy(&F);
    const double scale = dt * sqrt((double)nt), r2 = 1.0 / sqrt(2.0);
    for (int64_t f = 0; f < nfl; f++) {
      const int64_t fg = fl0 + f;
      const double s = fg >= 1 && fg <= (nt2 - 1) / 2 ? scale * r2 : scale; /* back to numpy's rfft */
      for (int64_t sy = 0; sy < ny; sy++)
        for (int64_t r = 0; r < nx; r++) {
          const double *z = Gf + 2 * ((sy * nx + r) * nt + fg);
          float *g = Gloc + 2 * ((f * ny + sy) * nx + r);
          g[0] = (float)(s * z[0]);
          g[1] = (float)(s * z[1]);
        }
    }
  }
  free(Gf);
  free(G2);

  /* ---- 3. the operator, data, adjoint, inversion */
  dlops_op M = NULL;
  {
    int err = dlops_op_create_mdc(ctx, nfl, ny, nx, nfl > 0 ? Gloc : NULL, nt2, 1, dt, 1.0, 1, 1, 0, 1,
                                  DLOPS_BROADCAST, DLOPS_C64, &M);
    if (err) { /* the same error on every rank */
      if (rank == 0)
        fprintf(stderr, "mdd: cannot create the MDC operator (memory space %s): %s\n", memname, dlops_last_error());
      free(Gloc);
      dlops_ctx_destroy(&self);
      dlops_ctx_destroy(&ctx);
      dlops_options_destroy(&opts);
      MPI_Finalize();
      return 1;
    }
  }
  free(Gloc);
  dlops_darray m = NULL, d = NULL, madj = NULL, minv = NULL, dres = NULL;
  CHECK(dlops_op_create_vecs(M, &m, &d));
  CHECK(dlops_op_create_vecs(M, &madj, &dres));
  CHECK(dlops_op_create_vecs(M, &minv, NULL));
  CHECK(dlops_darray_scatter(m, model, -1)); /* broadcast: every rank holds the model */
  CHECK(dlops_op_apply(M, m, d));
  CHECK(dlops_op_apply_adjoint(M, d, madj));
  CHECK(dlops_darray_fill(minv, (dlops_scalar){0.0, 0.0}));
  dlops_solver_opts o;
  CHECK(dlops_solver_opts_default(&o));
  o.niter = niter;
  o.variant = DLOPS_SOLVER_BLOCKING; /* PyLops-MPI's cgls recurrences */
  dlops_solver_result sr;
  CHECK(dlops_ctx_reset_counters(ctx));
  const double t0 = now_max();
  CHECK(dlops_solve_cgls(M, d, minv, &o, &sr));
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
  /* final residual ||d - M minv|| / ||d|| and error ||minv - m|| / ||m|| */
  double nd = 0, nres = 0, nm = 0, nerr = 0;
  CHECK(dlops_op_apply(M, minv, dres));
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

  /* ---- 4. results as .npy (flat; mdd_meta.txt holds the shapes) */
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
    fprintf(stderr, "mdd: cannot create the output folder '%s': %s\n", out, strerror(errno));
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  const char *names[4] = {"model", "data", "madj", "minv"};
  dlops_darray arrs[4] = {m, d, madj, minv};
  char fn[1024];
  for (int k = 0; k < 4; k++) {
    snprintf(fn, sizeof fn, "%s/%s.npy", out, names[k]);
    CHECK(dlops_darray_write_npy(arrs[k], fn));
  }
  if (rank == 0) {
    snprintf(fn, sizeof fn, "%s/mdd_meta.txt", out);
    FILE *f = fopen(fn, "w");
    if (f) {
      fprintf(f, "nx %lld\nny %lld\nnt %lld\nnfmax %lld\ndx %g\ndy %g\ndt %g\nox %g\noy %g\n", (long long)nx,
              (long long)ny, (long long)nt, (long long)nfmax, dx, dy, dt, ox, oy);
      fclose(f);
    }
  }

  /* ---- 5. summary and verdict */
  const int failed = !(rerr <= maxerr) || !(rres <= maxres);
  if (rank == 0) {
    printf("\n==== dlops %d.%d.%d multi-dimensional deconvolution (MDC): summary ====\n", DLOPS_VERSION_MAJOR,
           DLOPS_VERSION_MINOR, DLOPS_VERSION_PATCH);
    printf("problem   : model (t, x) = (%lld, %lld) = %lld unknowns; data (t, y) = (%lld, %lld) = %lld; kernel "
           "(f, y, x) = (%lld, %lld, %lld) complex64\n",
           (long long)nt2, (long long)nx, (long long)(nt2 * nx), (long long)nt2, (long long)ny,
           (long long)(nt2 * ny), (long long)nfmax, (long long)ny, (long long)nx);
    printf("ranks     : %d (frequencies per rank %lld..%lld)    backend: %s    memory space: %s    spec: \"%s\"\n", P,
           (long long)per, (long long)(per + (extra > 0)), backend, memname, spec);
    printf("solver    : CGLS (blocking variant), %lld iterations of at most %lld (tol: PyLops' 1e-4 on the squared "
           "normal residual)\n",
           (long long)sr.iterations, (long long)niter);
    printf("residual  : ||d - M minv|| / ||d|| = %.3e (bound %.3g)\n", rres, maxres);
    printf("error     : ||minv - m|| / ||m||   = %.3e (bound %.3g)\n", rerr, maxerr);
    printf("time      : %.3f s to solution\n", tsol);
    printf("bytes communicated by the solve, per operation kind (summed over ranks; calls in parentheses):\n");
    for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
      char hb[48];
      human(bytes[k], hb, sizeof hb);
      printf("  %-10s %12s (%lld)\n", dlops_comm_kind_name((dlops_comm_kind)k), hb, calls[k]);
    }
    printf("results   : %s/{model,data,madj,minv}.npy, %s/mdd_meta.txt\n", out, out);
    printf("figure    : python3 examples/plot_mdd.py %s %s/mdd.png\n", out, out);
    printf("%s\n", failed ? "mdd: FAILED (error or residual above its bound)" : "mdd: OK");
  }

  dlops_darray_destroy(&m);
  dlops_darray_destroy(&d);
  dlops_darray_destroy(&madj);
  dlops_darray_destroy(&minv);
  dlops_darray_destroy(&dres);
  dlops_op_destroy(&M);
  free(x);
  free(xs);
  free(tapx);
  free(tapy);
  free(ext);
  free(spk);
  free(gw);
  free(model);
  dlops_ctx_destroy(&self);
  dlops_ctx_destroy(&ctx);
  dlops_options_destroy(&opts); /* out= points into it */
  MPI_Finalize();
  return failed;
}
