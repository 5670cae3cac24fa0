/* poststack: PyLops-MPI's post-stack inversion tutorials (tutorials/poststack.py and
 * tutorials/reflectivity.py) with dlops, every inversion with the tutorial's solver, parameters
 * and iteration count.
 *
 *   mpiexec -n P ./poststack [model.npz | synthetic] [key=value ...] [help]
 *
 * Model file: the first argument, else the environment variable DLOPS_DATA; it is PyLops-MPI's
 * testdata/avo/poststack_model.npz (array `model`, acoustic impedance (z, x) = (550, 800)). A
 * path that was given and cannot be read is an error (exit 1). With no path, or "synthetic", a
 * layered synthetic model of the same shape is used, and the program says so.
 * Backend and memory space come from DLOPS_SPEC (comm=mpi|rma, mem=host|emu|device).
 *
 * Options (dlops_options, include/dlops/options.h: key=value on the command line, also from the
 * environment variable POSTSTACK_OPTIONS, the command line wins; "help" lists them and exits 0;
 * a malformed value, e.g. ny=4x, or an unknown key is an error on every rank, exit 2; defaults:
 * the tutorials'):
 *   ny=N          global size along y (default 20 per rank, as the tutorial's ny_i = 20)
 *   xstep=S       keep every S-th x of the model (default 3: nx = 267)
 *   zstep=S       keep every S-th z (default 1: nz = 550)
 *   nsmooth=a,b,c boxcar lengths of the background's filtfilt along y, x, z (default 5,30,20)
 *   out=DIR       folder for the .npy results (default poststack_out; "{tag}" in DIR becomes
 *                 np<P>_<backend>_<host|dev>)
 *   only=LIST     run only these inversions (comma separated: cgls,ne,reg,tv,fista,pg)
 *   (in POSTSTACK_OPTIONS, where commas separate options, the lists take ':': nsmooth=1:5:10)
 *   check=0       do not fail when an inversion ends farther from the true model than its start
 *                 (tiny problems, e.g. the parity run)
 *
 * The problem: m = log(AI)[::zstep, ::xstep] tiled along y into (ny, nx, nz), z fastest,
 * distributed along y (axis 0, default split). The background mback is m smoothed by
 * scipy-style filtfilt boxcars along x and z (the tutorial's y pass is the identity on a model
 * constant along y). G = BlockDiag over ranks of PoststackLinearModelling (15 Hz Ricker, 41
 * samples, dt = 4 ms) along z; d = G m. Inversions, all from mback:
 *   cgls  CGLS on G, 100 iterations
 *   ne    CG on the normal equations G^H G + 1e2 L^H L (L the 3-D Laplacian), 100 iterations
 *   reg   CGLS on [G; sqrt(1e2) L] m = [d; 0], 100 iterations
 *   tv    ADMM-L2 with L1(1e-2) of the forward Gradient, tau = 0.99/12, 40 iterations of 20
 *         inner CGLS iterations
 * and the reflectivity tutorial: r = D m (first derivative along z), d_r = C r (C the wavelet
 * convolution), from r0 = 0:
 *   fista FISTA, eps = 2e-2, 200 iterations, tol 1e-8
 *   pg    ProximalGradient with L2(C, d_r) and L1(1e-2), FISTA acceleration, tau = 0.99 /
 *         maxeig(C^H C) (power iteration), 200 iterations
 *
 * Rank 0 ends with a summary per inversion (problem size, ranks, backend, memory space,
 * iterations, final relative residual, relative error to the true model, time to solution, bytes
 * communicated per operation kind from the context counters), writes every result as .npy in
 * out=DIR and prints the command that draws them (examples/plot_poststack.py). The exit code
 * is non-zero when an inversion is not closer to the true model than its starting point, so
 * the program doubles as a test (ctest -L examples).
 */
#include <dlops.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHECK(call)                                                          \
  do {                                                                       \
    int e_ = (call);                                                         \
    if (e_) {                                                                \
      fprintf(stderr, "%s failed: %s\n", #call, dlops_last_error());         \
      MPI_Abort(MPI_COMM_WORLD, e_);                                         \
    }                                                                        \
  } while (0)

enum { NINV = 6 };
static const char *const inv_key[NINV] = {"cgls", "ne", "reg", "tv", "fista", "pg"};
static const char *const inv_title[NINV] = {
    "CGLS on G (100 it.)", "CG on G^H G + 1e2 L^H L (100 it.)", "CGLS on [G; 10 L] (100 it.)",
    "ADMM-L2, L1(1e-2) of Gradient (40x20)", "reflectivity: FISTA eps=2e-2 (200 it.)",
    "reflectivity: PG + FISTA accel. (200 it.)"};

/* ---------------------------------------------------------------- the 2-D model (z, x) */

/* A layered synthetic impedance model of the real file's shape (z, x) = (550, 800): 30 dipping,
 * gently curved layers of about 18 samples with impedances 4500..11000 from a fixed sequence,
 * increasing slightly with depth. */
static void synthetic_model(int64_t nz0, int64_t nx0, double *ai) {
  for (int64_t iz = 0; iz < nz0; iz++)
    for (int64_t ix = 0; ix < nx0; ix++) {
      double zz = (double)iz - 0.06 * (double)ix - 18.0 * sin(0.01 * (double)ix);
      int64_t l = zz < 0 ? 0 : (int64_t)(zz / 18.0);
      double u = (double)((l * 7919 + 13) % 101) / 100.0; /* 0..1, a fixed pseudo-random sequence */
      ai[iz * nx0 + ix] = (4500.0 + 6500.0 * u) * (1.0 + 2e-4 * (double)iz);
    }
}

/* scipy.signal.filtfilt(ones(n)/n, 1, x) for one line of length len with stride s: odd
 * extension by 3n samples at both ends, forward and backward boxcar with lfilter_zi initial
 * conditions (the state of a constant input equal to the first sample). Needs len > 3n. */
static void filtfilt_box(double *x, int64_t len, int64_t s, int n, double *w) {
  const int64_t p = 3 * (int64_t)n, L = len + 2 * p;
  double *e = w, *y = w + L;
  for (int64_t i = 0; i < p; i++) e[i] = 2 * x[0] - x[(p - i) * s];
  for (int64_t i = 0; i < len; i++) e[p + i] = x[i * s];
  for (int64_t i = 0; i < p; i++) e[p + len + i] = 2 * x[(len - 1) * s] - x[(len - 2 - i) * s];
  /* forward: y[j] = sum_k b_k e[j-k], e[<0] = e[0] */
  for (int64_t j = 0; j < L; j++) {
    double acc = 0;
    for (int k = 0; k < n; k++) acc += (1.0 / n) * e[j - k < 0 ? 0 : j - k];
    y[j] = acc;
  }
  /* backward on the reversed signal */
  for (int64_t j = 0; j < L; j++) {
    double acc = 0;
    for (int k = 0; k < n; k++) {
      int64_t q = j - k < 0 ? 0 : j - k; /* index into the reversed y */
      acc += (1.0 / n) * y[L - 1 - q];
    }
    e[L - 1 - j] = acc;
  }
  for (int64_t i = 0; i < len; i++) x[i * s] = e[p + i];
}

/* ------------------------------------------------------------------------- helpers */

static double rel_diff(dlops_darray a, dlops_darray b, dlops_darray work) {
  double num, den;
  CHECK(dlops_darray_copy(a, work));
  CHECK(dlops_darray_axpby((dlops_scalar){-1.0, 0}, b, (dlops_scalar){1.0, 0}, work));
  CHECK(dlops_darray_norm(work, 2.0, &num));
  CHECK(dlops_darray_norm(b, 2.0, &den));
  return den > 0 ? num / den : num;
}

typedef struct {
  int run;
  int64_t iters;
  double resid, err, err0, time;
  long long bytes[DLOPS_COMM_NUM_KINDS], calls[DLOPS_COMM_NUM_KINDS];
} inv_result;

/* Bytes and calls of every kind since the last reset, summed over ranks (plain MPI). */
static void counters(dlops_ctx ctx, inv_result *r) {
  long long v[2 * DLOPS_COMM_NUM_KINDS];
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
    dlops_comm_counter c;
    CHECK(dlops_ctx_get_counter(ctx, (dlops_comm_kind)k, &c));
    v[k] = (long long)c.bytes;
    v[DLOPS_COMM_NUM_KINDS + k] = (long long)c.calls;
  }
  MPI_Allreduce(MPI_IN_PLACE, v, 2 * DLOPS_COMM_NUM_KINDS, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
    r->bytes[k] = v[k];
    r->calls[k] = v[DLOPS_COMM_NUM_KINDS + k];
  }
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

/* A bad option: the message on every rank (each reads the same command line and environment, so
 * each finds the same fault), then exit 2 everywhere, as before. */
static void usage_exit(int rank, dlops_options *opts, const char *why) {
  fprintf(stderr, "poststack (rank %d): %s\n", rank, why);
  if (rank == 0)
    fprintf(stderr, "usage: poststack [model.npz | synthetic] [ny=N] [xstep=S] [zstep=S] [nsmooth=a,b,c] [out=DIR] "
                    "[only=cgls,ne,reg,tv,fista,pg] [check=0] [help]\n");
  dlops_options_destroy(opts);
  MPI_Finalize();
  exit(2);
}

/* A getter's result: on DLOPS_ERR_ARG (a malformed value) the library's message names the key
 * and the value. */
static void opt_check(int e, int rank, dlops_options *opts) {
  if (e) usage_exit(rank, opts, dlops_last_error());
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, P;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &P);

  /* ---- 0. arguments: dlops_options (include/dlops/options.h), from POSTSTACK_OPTIONS and then the
   * command line, which wins. Every rank reads the same ones, so every rank gets the same values
   * or the same error. */
  dlops_options opts;
  if (dlops_options_create(argc, argv, "POSTSTACK_OPTIONS", &opts)) {
    fprintf(stderr, "poststack (rank %d): %s\n", rank, dlops_last_error());
    MPI_Finalize();
    return 2;
  }
  const char *path = NULL, *out = "poststack_out", *nsm_s = NULL, *only = NULL, *pos0 = NULL, *pos1 = NULL;
  int64_t ny = 20 * (int64_t)P, xstep = 3, zstep = 1, check = 1;
  int nsm[3] = {5, 30, 20}, forced_synthetic = 0, run[NINV] = {1, 1, 1, 1, 1, 1};
  opt_check(dlops_options_get_int(opts, "ny", 20 * (int64_t)P, "global size along y (default 20 per rank, as the "
                                  "tutorial's ny_i = 20)", &ny), rank, &opts);
  opt_check(dlops_options_get_int(opts, "xstep", 3, "keep every S-th x of the model (3: nx = 267)", &xstep), rank,
            &opts);
  opt_check(dlops_options_get_int(opts, "zstep", 1, "keep every S-th z (1: nz = 550)", &zstep), rank, &opts);
  opt_check(dlops_options_get_string(opts, "nsmooth", "5,30,20", "a,b,c (or a:b:c): boxcar lengths of the background's "
                                     "filtfilt along y, x, z", &nsm_s), rank, &opts);
  opt_check(dlops_options_get_string(opts, "out", "poststack_out", "folder for the .npy results (\"{tag}\" becomes "
                                     "np<P>_<backend>_<host|dev>)", &out), rank, &opts);
  opt_check(dlops_options_get_string(opts, "only", "cgls,ne,reg,tv,fista,pg", "run only these inversions "
                                     "(separated by ',' or ':')", &only), rank, &opts);
  opt_check(dlops_options_get_int(opts, "check", 1, "0: do not fail when an inversion ends farther from the true "
                                  "model than its start (tiny problems)", &check), rank, &opts);
  opt_check(dlops_options_get_positional(opts, 0, &pos0), rank, &opts);
  opt_check(dlops_options_get_positional(opts, 1, &pos1), rank, &opts);
  int help = 0;
  opt_check(dlops_options_help_requested(opts, &help), rank, &opts);
  if (help) {
    dlops_options_print_help(opts, "poststack: PyLops-MPI's post-stack and reflectivity tutorials with dlops\n"
                             "usage: mpiexec -n P ./poststack [model.npz | synthetic] [key=value ...]\n"
                             "  model: the first argument, else DLOPS_DATA, else a synthetic model; options also "
                             "from POSTSTACK_OPTIONS", rank == 0);
    dlops_options_destroy(&opts);
    MPI_Finalize();
    return 0;
  }
  { /* the same values as before: the unknown keys are an error, after the warning naming them */
    int nunused = 0;
    opt_check(dlops_options_report_unused(opts, rank == 0, &nunused), rank, &opts);
    if (nunused) usage_exit(rank, &opts, "unknown option (see the warning above; \"help\" lists the options)");
  }
  if (pos1) usage_exit(rank, &opts, "more than one model argument");
  if (pos0 && strcmp(pos0, "synthetic") == 0)
    forced_synthetic = 1;
  else
    path = pos0;
  {
    char buf[64]; /* a,b,c or a:b:c (in POSTSTACK_OPTIONS commas separate options) */
    int nc = 0;
    snprintf(buf, sizeof buf, "%s", nsm_s);
    for (char *c = buf; *c; c++)
      if (*c == ':') *c = ',';
    if (strlen(nsm_s) >= sizeof buf || sscanf(buf, "%d,%d,%d%n", &nsm[0], &nsm[1], &nsm[2], &nc) != 3 || buf[nc] != '\0') {
      char why[160];
      snprintf(why, sizeof why, "nsmooth=%.80s: needs three integers a,b,c", nsm_s);
      usage_exit(rank, &opts, why);
    }
  }
  { /* only=LIST: every name must be an inversion */
    for (int k = 0; k < NINV; k++) run[k] = 0;
    const char *q = only;
    while (1) {
      size_t n = strcspn(q, ",:"); /* ':' too: in POSTSTACK_OPTIONS commas separate options */
      int k = 0;
      while (k < NINV && !(strlen(inv_key[k]) == n && strncmp(q, inv_key[k], n) == 0)) k++;
      if (k == NINV) {
        char why[200];
        snprintf(why, sizeof why, "only=%.80s: '%.*s' is not one of cgls,ne,reg,tv,fista,pg", only, (int)(n > 40 ? 40 : n),
                 q);
        usage_exit(rank, &opts, why);
      }
      run[k] = 1;
      if (q[n] == '\0') break;
      q += n + 1;
    }
  }
  if (!path && !forced_synthetic) {
    const char *env = getenv("DLOPS_DATA");
    if (env && *env) path = env;
  }
  if (ny < 1 || xstep < 1 || zstep < 1 || nsm[0] < 1 || nsm[1] < 1 || nsm[2] < 1)
    usage_exit(rank, &opts, "sizes and steps must be positive");

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

  /* ---- 1. the 2-D model: read with the library's .npz reader (every rank gets all of it) */
  int64_t nz0 = 550, nx0 = 800;
  double *ai = NULL;
  dlops_darray M = NULL;
  if (path) {
    int e = dlops_darray_read_npz(ctx, path, "model", 0, DLOPS_BROADCAST, &M);
    int64_t sh[DLOPS_MAX_NDIM];
    int nd = 0;
    dlops_dtype t = DLOPS_F64;
    if (!e) {
      dlops_darray_get_ndim(M, &nd);
      dlops_darray_get_global_shape(M, sh);
      dlops_darray_get_dtype(M, &t);
    }
    if (e || nd != 2 || t != DLOPS_F64) {
      if (rank == 0)
        fprintf(stderr, "poststack: cannot use the model file '%s': %s\n", path,
                e ? dlops_last_error() : "member 'model' is not a 2-D float64 array");
      MPI_Finalize();
      return 1;
    }
    nz0 = sh[0];
    nx0 = sh[1];
    int nmem = 0;
    if (rank == 0 && dlops_npz_get_num_members(path, &nmem) == 0) { /* the archive's members (not collective) */
      printf("model file: %s: %d members:", path, nmem);
      for (int k = 0; k < nmem; k++) {
        const char *nm = NULL;
        if (dlops_npz_get_member_name(path, k, &nm) == 0) printf(" %s", nm);
      }
      printf("\n");
    }
    void *p;
    ai = malloc(sizeof(double) * (size_t)(nz0 * nx0));
    CHECK(dlops_darray_get_local(M, DLOPS_MEM_HOST, &p));
    memcpy(ai, p, sizeof(double) * (size_t)(nz0 * nx0));
    CHECK(dlops_darray_restore_local(M, &p));
    dlops_darray_destroy(&M);
  } else {
    ai = malloc(sizeof(double) * (size_t)(nz0 * nx0));
    synthetic_model(nz0, nx0, ai);
    if (rank == 0)
      printf("poststack: no model file given (argument or DLOPS_DATA): using a SYNTHETIC layered model of the same "
             "shape.\n  The real model is testdata/avo/poststack_model.npz of the PyLops-MPI repository "
             "(https://github.com/PyLops/pylops-mpi).\n");
  }
  const int64_t nz = (nz0 + zstep - 1) / zstep, nx = (nx0 + xstep - 1) / xstep;
  if (nz <= 3 * nsm[2] || nx <= 3 * nsm[1] || ny <= 3 * nsm[0]) {
    if (rank == 0)
      fprintf(stderr, "poststack: the model (ny, nx, nz) = (%lld, %lld, %lld) is too small for nsmooth=%d,%d,%d "
              "(filtfilt needs more than 3 x the boxcar length)\n", (long long)ny, (long long)nx, (long long)nz,
              nsm[0], nsm[1], nsm[2]);
    MPI_Finalize();
    return 2;
  }
  double *m2 = malloc(sizeof(double) * (size_t)(nx * nz)), *b2 = malloc(sizeof(double) * (size_t)(nx * nz));
  int bad = 0;
  for (int64_t ix = 0; ix < nx; ix++)
    for (int64_t iz = 0; iz < nz; iz++) {
      double v = ai[iz * zstep * nx0 + ix * xstep];
      if (!(v > 0)) bad = 1;
      m2[ix * nz + iz] = log(v); /* (x, z), z fastest */
    }
  free(ai);
  if (bad) {
    if (rank == 0) fprintf(stderr, "poststack: the model holds non-positive impedances\n");
    MPI_Finalize();
    return 1;
  }
  { /* background: filtfilt along x (stride nz), then along z (stride 1) */
    double *w = malloc(sizeof(double) * (size_t)(4 * (nx > nz ? nx : nz) + 12 * (nsm[1] > nsm[2] ? nsm[1] : nsm[2])));
    memcpy(b2, m2, sizeof(double) * (size_t)(nx * nz));
    for (int64_t iz = 0; iz < nz; iz++) filtfilt_box(b2 + iz, nx, nz, nsm[1], w);
    for (int64_t ix = 0; ix < nx; ix++) filtfilt_box(b2 + ix * nz, nz, 1, nsm[2], w);
    free(w);
  }

  /* ---- 2. operators. This rank's rows of y: [y0, y0 + nyl) (the default split) */
  const int64_t dims[3] = {ny, nx, nz};
  const int64_t nyl = ny / P + (rank < ny % P), y0 = rank * (ny / P) + (rank < ny % P ? rank : ny % P);
  const int64_t ldims[3] = {nyl, nx, nz};
  double wav[41];
  int nw = 0;
  CHECK(dlops_wavelet_ricker(21, 0.004, 15.0, wav, &nw)); /* ricker(t0[:21], 15): 41 samples */
  dlops_op PP = NULL, Dl = NULL, Cl = NULL, G = NULL, D = NULL, C = NULL;
  if (nyl > 0) {
    CHECK(dlops_op_create_poststack(self, 3, ldims, 2, nw, wav, DLOPS_DERIV_CENTERED, DLOPS_F64, &PP));
    CHECK(dlops_op_create_first_derivative(self, 3, ldims, 2, 1.0, DLOPS_DERIV_CENTERED, 3, 0, DLOPS_F64, &Dl));
    CHECK(dlops_op_create_convolve1d(self, 3, ldims, 2, wav, nw, nw / 2, DLOPS_F64, &Cl));
  }
  CHECK(dlops_op_create_blockdiag(ctx, nyl > 0, &PP, -1, &G));
  CHECK(dlops_op_create_blockdiag(ctx, nyl > 0, &Dl, -1, &D));
  CHECK(dlops_op_create_blockdiag(ctx, nyl > 0, &Cl, -1, &C));
  dlops_op Lap = NULL, GH = NULL, GHG = NULL, LH = NULL, LHL = NULL, eLHL = NULL, NE = NULL, sLap = NULL, Stack = NULL,
           Grad = NULL, CH = NULL, CHC = NULL;
  const int axes[3] = {0, 1, 2};
  const double ones[3] = {1, 1, 1}, epsR = 1e2;
  CHECK(dlops_op_create_laplacian(ctx, 3, dims, 3, axes, ones, ones, DLOPS_DERIV_CENTERED, 0, DLOPS_F64, &Lap));
  CHECK(dlops_op_create_adjoint(G, &GH));
  CHECK(dlops_op_create_product(GH, G, &GHG));
  CHECK(dlops_op_create_adjoint(Lap, &LH));
  CHECK(dlops_op_create_product(LH, Lap, &LHL));
  CHECK(dlops_op_create_scaled(LHL, (dlops_scalar){epsR, 0}, &eLHL));
  CHECK(dlops_op_create_sum(GHG, eLHL, &NE));
  CHECK(dlops_op_create_scaled(Lap, (dlops_scalar){sqrt(epsR), 0}, &sLap));
  dlops_op pair[2] = {G, sLap};
  CHECK(dlops_op_create_stacked_vstack(2, pair, &Stack));
  CHECK(dlops_op_create_gradient(ctx, 3, dims, ones, DLOPS_DERIV_FORWARD, 0, DLOPS_F64, &Grad));
  CHECK(dlops_op_create_adjoint(C, &CH));
  CHECK(dlops_op_create_product(CH, C, &CHC));

  /* ---- 3. true model, background, data */
  dlops_darray m = NULL, mback = NULL, d = NULL, work = NULL, dwork = NULL, dres = NULL, r = NULL, dr = NULL;
  CHECK(dlops_op_create_vecs(G, &m, &d));
  CHECK(dlops_darray_duplicate(m, &mback));
  CHECK(dlops_darray_duplicate(m, &work));
  CHECK(dlops_darray_duplicate(d, &dwork));
  CHECK(dlops_darray_duplicate(d, &dres));
  CHECK(dlops_darray_duplicate(m, &r));
  CHECK(dlops_darray_duplicate(d, &dr));
  double *p;
  CHECK(dlops_darray_get_local(m, DLOPS_MEM_HOST, (void **)&p));
  for (int64_t j = 0; j < nyl; j++) memcpy(p + j * nx * nz, m2, sizeof(double) * (size_t)(nx * nz));
  CHECK(dlops_darray_restore_local(m, (void **)&p));
  CHECK(dlops_darray_get_local(mback, DLOPS_MEM_HOST, (void **)&p));
  for (int64_t j = 0; j < nyl; j++) memcpy(p + j * nx * nz, b2, sizeof(double) * (size_t)(nx * nz));
  CHECK(dlops_darray_restore_local(mback, (void **)&p));
  (void)y0;
  CHECK(dlops_op_apply(G, m, d));
  CHECK(dlops_op_apply(D, m, r));
  CHECK(dlops_op_apply(C, r, dr));

  /* ---- 4. the inversions */
  dlops_darray x[NINV] = {NULL};
  inv_result res[NINV];
  memset(res, 0, sizeof res);
  for (int k = 0; k < NINV; k++) {
    res[k].run = run[k];
    if (!run[k]) continue;
    CHECK(dlops_darray_duplicate(m, &x[k]));
    const int refl = k >= 4;
    CHECK(dlops_darray_copy(refl ? r : mback, x[k])); /* starting point, for err0 */
    if (refl) CHECK(dlops_darray_fill(x[k], (dlops_scalar){0, 0}));
    res[k].err0 = rel_diff(x[k], refl ? r : m, work);
    dlops_solver_opts o;
    dlops_solver_result sr;
    dlops_solver_opts_default(&o);
    dlops_prox pg = NULL, pf = NULL;
    dlops_darray dn = NULL, zero = NULL, ds = NULL, parts[2];
    /* setup outside the timed region: normal-equation data, stacked data, proxes */
    if (k == 1) {
      CHECK(dlops_darray_duplicate(m, &dn));
      CHECK(dlops_op_apply_adjoint(G, d, dn));
    } else if (k == 2) {
      CHECK(dlops_op_create_vecs(Lap, NULL, &zero));
      parts[0] = d;
      parts[1] = zero;
      CHECK(dlops_darray_create_stacked(2, parts, &ds));
    } else if (k == 3 || k == 5) {
      CHECK(dlops_prox_create_l1(1e-2, &pg));
    }
    CHECK(dlops_ctx_reset_counters(ctx));
    double t0 = now_max();
    switch (k) {
      case 0:
        o.niter = 100;
        CHECK(dlops_solve_cgls(G, d, x[k], &o, &sr));
        break;
      case 1:
        o.niter = 100;
        CHECK(dlops_solve_cg(NE, dn, x[k], &o, &sr));
        break;
      case 2:
        o.niter = 100;
        CHECK(dlops_solve_cgls(Stack, ds, x[k], &o, &sr));
        break;
      case 3:
        o.niter = 40;
        o.tau = 0.99 / 12.0;
        o.inner_niter = 20;
        CHECK(dlops_solve_admm_l2(pg, G, d, Grad, x[k], NULL, &o, &sr));
        break;
      case 4:
        o.niter = 200;
        o.eps = 2e-2;
        o.tol = 1e-8;
        CHECK(dlops_solve_fista(C, dr, x[k], &o, &sr));
        break;
      case 5: {
        dlops_scalar maxeig;
        dlops_solver_opts po;
        dlops_solver_opts_default(&po);
        CHECK(dlops_darray_duplicate(m, &zero));
        CHECK(dlops_solve_power(CHC, zero, &po, &maxeig, NULL));
        CHECK(dlops_darray_fill(zero, (dlops_scalar){0, 0}));
        CHECK(dlops_prox_create_l2(C, dr, NULL, zero, NULL, &pf));
        o.niter = 200;
        o.tau = 0.99 / hypot(maxeig.re, maxeig.im);
        o.acceleration = DLOPS_ACCEL_FISTA;
        CHECK(dlops_solve_proximal_gradient(pf, pg, x[k], &o, &sr));
        break;
      }
    }
    res[k].time = now_max() - t0;
    counters(ctx, &res[k]);
    res[k].iters = sr.iterations;
    res[k].err = rel_diff(x[k], refl ? r : m, work);
    /* final residual ||d - Op x|| / ||d|| with the tutorial's modelling operator */
    CHECK(dlops_op_apply(refl ? C : G, x[k], dwork));
    res[k].resid = rel_diff(dwork, refl ? dr : d, dres);
    dlops_prox_destroy(&pf);
    dlops_prox_destroy(&pg);
    dlops_darray_destroy(&ds);
    dlops_darray_destroy(&zero);
    dlops_darray_destroy(&dn);
  }

  /* ---- 5. results as .npy (3-D shapes: reshape the flat arrays through a 3-D array). "{tag}" in
   * out= becomes np<P>_<backend>_<memory space>, so runs of several configurations do not mix */
  char outbuf[900];
  {
    const char *t = strstr(out, "{tag}");
    if (t)
      snprintf(outbuf, sizeof outbuf, "%.*snp%d_%s_%s%s", (int)(t - out), out, P, backend,
               mem == DLOPS_MEM_HOST ? "host" : "dev", t + 5);
    else
      snprintf(outbuf, sizeof outbuf, "%s", out);
    out = outbuf;
  }
  int mk = 0;
  if (rank == 0) { /* mkdir -p */
    char tmp[900];
    snprintf(tmp, sizeof tmp, "%s", out);
    for (char *c = tmp + 1; *c && !mk; c++)
      if (*c == '/') {
        *c = '\0';
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST) mk = -1;
        *c = '/';
      }
    if (!mk && mkdir(tmp, 0777) != 0 && errno != EEXIST) mk = -1;
  }
  if (mk) {
    fprintf(stderr, "poststack: cannot create the output folder '%s': %s\n", out, strerror(errno));
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  dlops_darray v3 = NULL;
  CHECK(dlops_darray_create(ctx, 3, dims, 0, DLOPS_SCATTER, DLOPS_F64, &v3));
  const char *names[4] = {"model", "background", "data", "reflectivity"};
  dlops_darray srcs[4] = {m, mback, d, r};
  char fn[1024];
  for (int k = 0; k < 4 + NINV; k++) {
    dlops_darray s = k < 4 ? srcs[k] : x[k - 4];
    if (!s) continue;
    double *q, *pv;
    int64_t nl;
    CHECK(dlops_darray_get_local_size(s, &nl));
    CHECK(dlops_darray_get_local(s, DLOPS_MEM_HOST, (void **)&q));
    CHECK(dlops_darray_get_local(v3, DLOPS_MEM_HOST, (void **)&pv));
    memcpy(pv, q, sizeof(double) * (size_t)nl);
    CHECK(dlops_darray_restore_local(v3, (void **)&pv));
    CHECK(dlops_darray_restore_local(s, (void **)&q));
    snprintf(fn, sizeof fn, "%s/%s.npy", out, k < 4 ? names[k] : inv_key[k - 4]);
    CHECK(dlops_darray_write_npy(v3, fn));
  }
  dlops_darray_destroy(&v3);

  /* ---- 6. summary and verdict */
  int failed = 0;
  if (rank == 0) {
    printf("\n==== dlops %d.%d.%d post-stack inversion: summary ====\n", DLOPS_VERSION_MAJOR, DLOPS_VERSION_MINOR,
           DLOPS_VERSION_PATCH);
    printf("model     : %s (z, x) = (%lld, %lld), every %lld-th z and %lld-th x\n",
           path ? path : "synthetic layered model", (long long)nz0, (long long)nx0, (long long)zstep, (long long)xstep);
    printf("problem   : (ny, nx, nz) = (%lld, %lld, %lld) = %lld unknowns, split along y\n", (long long)ny,
           (long long)nx, (long long)nz, (long long)(ny * nx * nz));
    printf("ranks     : %d    backend: %s    memory space: %s    spec: \"%s\"\n", P, backend, memname, spec);
    printf("background: filtfilt boxcars %d (y), %d (x), %d (z); rel. error %.4f\n\n", nsm[0], nsm[1], nsm[2],
           res[0].run ? res[0].err0 : rel_diff(mback, m, work));
    printf("%-42s %6s %11s %10s %10s %9s %12s\n", "inversion", "iters", "resid/|d|", "rel.error", "start err",
           "time [s]", "bytes sent");
    for (int k = 0; k < NINV; k++) {
      if (!res[k].run) continue;
      long long tot = 0;
      for (int q = 0; q < DLOPS_COMM_NUM_KINDS; q++) tot += res[k].bytes[q];
      char hb[32];
      human(tot, hb, sizeof hb);
      printf("%-42s %6lld %11.3e %10.5f %10.5f %9.3f %12s\n", inv_title[k], (long long)res[k].iters, res[k].resid,
             res[k].err, res[k].err0, res[k].time, hb);
    }
    printf("\nbytes communicated per operation kind (summed over ranks; calls in parentheses):\n%-8s", "");
    for (int q = 0; q < DLOPS_COMM_NUM_KINDS; q++) printf(" %17s", dlops_comm_kind_name((dlops_comm_kind)q));
    printf("\n");
    for (int k = 0; k < NINV; k++) {
      if (!res[k].run) continue;
      printf("%-8s", inv_key[k]);
      for (int q = 0; q < DLOPS_COMM_NUM_KINDS; q++) {
        char hb[48], cell[64];
        human(res[k].bytes[q], hb, sizeof hb);
        snprintf(cell, sizeof cell, "%s (%lld)", hb, res[k].calls[q]);
        printf(" %17s", cell);
      }
      printf("\n");
    }
    printf("\nresults: %s/{model,background,data,reflectivity,cgls,ne,reg,tv,fista,pg}.npy\n", out);
    printf("figure : python3 examples/plot_poststack.py %s %s/poststack.png\n", out, out);
  }
  for (int k = 0; k < NINV; k++)
    if (check && res[k].run && !(res[k].err < res[k].err0)) {
      failed = 1;
      if (rank == 0)
        printf("FAIL: %s: rel. error %.5f is not below the starting point's %.5f\n", inv_key[k], res[k].err,
               res[k].err0);
    }
  if (rank == 0) printf("%s\n", failed ? "poststack: FAILED" : "poststack: OK");

  for (int k = 0; k < NINV; k++) dlops_darray_destroy(&x[k]);
  free(m2);
  free(b2);
  dlops_darray_destroy(&dr);
  dlops_darray_destroy(&r);
  dlops_darray_destroy(&dres);
  dlops_darray_destroy(&dwork);
  dlops_darray_destroy(&work);
  dlops_darray_destroy(&d);
  dlops_darray_destroy(&mback);
  dlops_darray_destroy(&m);
  dlops_op ops[] = {CHC, CH, Grad, Stack, sLap, NE, eLHL, LHL, LH, GHG, GH, Lap, C, D, G, Cl, Dl, PP};
  for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) dlops_op_destroy(&ops[k]);
  dlops_ctx_destroy(&self);
  dlops_ctx_destroy(&ctx);
  dlops_options_destroy(&opts); /* owns path and out */
  MPI_Finalize();
  return failed;
}
