/* poststack: a small 3-D post-stack seismic inversion with dlops (the C counterpart of
 * PyLops-MPI's tutorial poststack.py).
 *
 * Build: part of the dlops build (examples/c). Run:
 *   mpiexec -n 4 ./poststack [model.npz | synthetic]
 * Works on any number of ranks and on every host backend (DLOPS_SPEC=comm=rma ...).
 *
 * The unknown is an acoustic-impedance model m = log(AI) of shape (ny, nx, nz), z fastest,
 * distributed over y (axis 0) with the default split: rank r owns ny_r slices (ny_r, nx, nz).
 *
 *   model    The 2-D Marmousi-like model of PyLops' test data (poststack_model.npz, arrays `model`
 *            (550, 800) = (z, x), `x`, `z`) subsampled every 8th sample in x and z, replicated
 *            along y with a gentle lateral shift. The file comes from argv[1], else the
 *            environment variable DLOPS_DATA, else <source>/../shared/data/poststack_model.npz
 *            (DLOPS_DEFAULT_DATA, set by CMake). When it cannot be read, or argv[1] is
 *            "synthetic", a layered synthetic model is used instead (never an error).
 *   modelling  d = W D m trace by trace: D the centred first derivative along z (reflectivity
 *            0.5 d/dt log AI), W the convolution with a 15 Hz Ricker wavelet (dt = 4 ms).
 *            PostStack = BlockDiag over ranks of the local product W D on each rank's block
 *            (ny_r, nx, nz), directly along z (PyLops-MPI's tutorial writes it
 *            T^H (W D along axis 0) T with T a transpose of axes, z first, for its speed; dlops'
 *            kernels are as fast along z, so the transposes would only add two passes: see
 *            local_modelling, which checks that both forms agree). Its applies move no data.
 *   regularisation  Laplacian over (y, x, z) of the distributed model; along y it needs the
 *            ghost rows of the neighbouring ranks, nothing else.
 *   solves   (1) CGLS on d = PostStack m from a smooth background model;
 *            (2) CGLS on the stacked system [PostStack; sqrt(eps) Laplacian] m = [d; 0].
 *            The data carry a little deterministic pseudo-noise, so (2) beats (1).
 *
 * Rank 0 prints the model source and sizes, the relative model errors, iterations and stop
 * reasons, the communication of one PostStack and one Laplacian apply, and the solve time. The
 * exit code is non-zero when the inversion is not accurate enough or an operator moved other
 * data than expected, so the program doubles as a test (ctest -L examples).
 */
#include <dlops.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npz.h"

#ifndef DLOPS_DEFAULT_DATA
#define DLOPS_DEFAULT_DATA "../shared/data/poststack_model.npz"
#endif

static const double PI = 3.14159265358979323846;
enum { NW = 41, MIN_NZ = 48 }; /* wavelet length (t = -80 .. 80 ms); shortest trace used */

#define CHECK(call)                                                          \
  do {                                                                       \
    int e_ = (call);                                                         \
    if (e_) {                                                                \
      fprintf(stderr, "%s failed: %s\n", #call, dlops_last_error());         \
      MPI_Abort(MPI_COMM_WORLD, e_);                                         \
    }                                                                        \
  } while (0)

/* ------------------------------------------------------------------ reading the .npz file
 * npz.c finds "model.npy" in the archive (numpy's savez stores members uncompressed) and parses
 * its .npy header. Anything unexpected (compressed member, zip64, other dtype, Fortran order)
 * makes the reader give up and the caller falls back to the synthetic model. */
static unsigned char *read_file(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  unsigned char *buf = NULL;
  long len = -1;
  if (fseek(f, 0, SEEK_END) == 0) len = ftell(f);
  if (len > 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len))) {
    if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
      free(buf);
      buf = NULL;
    }
  }
  fclose(f);
  *n = buf ? (size_t)len : 0;
  return buf;
}

/* The 2-D model log(AI)(x, z), stored m2[ix * nz + iz]. */
typedef struct {
  int64_t nx, nz;
  double *m2;
  int64_t nx0, nz0; /* size before subsampling */
} model2d;

/* Read the PyLops test model and subsample it (every xstep-th sample in x, zstep-th in z). */
static int load_npz_model(const char *path, int xstep, int zstep, model2d *mod, char *why, size_t wlen) {
  size_t n = 0;
  unsigned char *z = read_file(path, &n);
  if (!z) return snprintf(why, wlen, "cannot read %s", path), 1;
  int64_t shape[2];
  const unsigned char *data = NULL;
  npz_array arr;
  int err = npz_load(z, n, "model.npy", &arr, why, wlen);
  const char *bad = NULL;
  if (!err && strcmp(arr.descr, "<f8") != 0) bad = "model.npy is not little-endian float64";
  if (!err && !bad && arr.fortran_order) bad = "model.npy is Fortran-ordered";
  if (!err && !bad && (arr.ndim != 2 || arr.shape[0] <= 0 || arr.shape[1] <= 0)) bad = "model.npy is not 2-D";
  if (bad) {
    snprintf(why, wlen, "%s", bad);
    err = 1;
  }
  if (!err) {
    shape[0] = arr.shape[0];
    shape[1] = arr.shape[1];
    data = arr.data;
  }
  if (!err) {
    int64_t nz0 = shape[0], nx0 = shape[1]; /* model is (z, x) */
    mod->nz0 = nz0;
    mod->nx0 = nx0;
    mod->nz = (nz0 + zstep - 1) / zstep;
    mod->nx = (nx0 + xstep - 1) / xstep;
    if (mod->nz < MIN_NZ || mod->nx < 2) {
      snprintf(why, wlen, "model.npy (%lld, %lld) is too small: at least %d samples in z after subsampling", (long long)nz0,
               (long long)nx0, MIN_NZ);
      free(z);
      return 1;
    }
    mod->m2 = malloc(sizeof(double) * (size_t)(mod->nx * mod->nz));
    for (int64_t ix = 0; ix < mod->nx && mod->m2; ix++)
      for (int64_t iz = 0; iz < mod->nz; iz++) {
        double v;
        memcpy(&v, data + 8 * (size_t)(iz * zstep * nx0 + ix * xstep), 8); /* unaligned-safe, little endian */
        if (!(v > 0)) {
          snprintf(why, wlen, "model.npy holds a non-positive impedance %g", v);
          err = 1;
        }
        mod->m2[ix * mod->nz + iz] = log(v);
      }
    if (!mod->m2) {
      snprintf(why, wlen, "out of memory");
      err = 1;
    }
  }
  free(z);
  if (err) {
    free(mod->m2);
    mod->m2 = NULL;
  }
  return err;
}

/* A layered synthetic model: dipping, gently curved interfaces with impedances in 4.5..9. */
static void synthetic_model(model2d *mod) {
  mod->nx = 80;
  mod->nz = 120;
  mod->m2 = malloc(sizeof(double) * (size_t)(mod->nx * mod->nz));
  const double ai[6] = {4.5, 5.2, 4.9, 6.3, 7.1, 8.8};
  for (int64_t ix = 0; ix < mod->nx; ix++)
    for (int64_t iz = 0; iz < mod->nz; iz++) {
      double zz = (double)iz - 0.1 * (double)ix - 4.0 * sin(0.08 * (double)ix);
      int layer = 0;
      for (int k = 1; k < 6; k++)
        if (zz > 4.0 + 19.0 * k) layer = k;
      mod->m2[ix * mod->nz + iz] = log(ai[layer] * (1.0 + 0.002 * (double)iz));
    }
}

/* filtfilt-like smoothing of the 2-D model: a centred moving average of 2h+1 samples along x
 * and along z, applied twice (edges replicated). */
static void smooth2d(const model2d *in, int hx, int hz, double *out) {
  const int64_t nx = in->nx, nz = in->nz;
  double *t = malloc(sizeof(double) * (size_t)(nx * nz));
  memcpy(out, in->m2, sizeof(double) * (size_t)(nx * nz));
  for (int pass = 0; pass < 2; pass++) {
    for (int64_t ix = 0; ix < nx; ix++)
      for (int64_t iz = 0; iz < nz; iz++) {
        double s = 0;
        for (int k = -hx; k <= hx; k++) {
          int64_t j = ix + k < 0 ? 0 : ix + k >= nx ? nx - 1 : ix + k;
          s += out[j * nz + iz];
        }
        t[ix * nz + iz] = s / (2 * hx + 1);
      }
    for (int64_t ix = 0; ix < nx; ix++)
      for (int64_t iz = 0; iz < nz; iz++) {
        double s = 0;
        for (int k = -hz; k <= hz; k++) {
          int64_t j = iz + k < 0 ? 0 : iz + k >= nz ? nz - 1 : iz + k;
          s += t[ix * nz + j];
        }
        out[ix * nz + iz] = s / (2 * hz + 1);
      }
  }
  free(t);
}

/* Slice iy of the 3-D model: the 2-D model shifted laterally by 0.25 * iy samples (linear
 * interpolation, edges replicated), for rows [y0, y0 + ny_local) into a (ny_local, nx, nz)
 * block. */
static void fill_block(const double *m2, int64_t nx, int64_t nz, int64_t y0, int64_t nyl, double *blk) {
  for (int64_t j = 0; j < nyl; j++) {
    double shift = 0.25 * (double)(y0 + j);
    for (int64_t ix = 0; ix < nx; ix++) {
      double xs = (double)ix + shift;
      int64_t i0 = (int64_t)floor(xs);
      double w = xs - (double)i0;
      int64_t a = i0 < 0 ? 0 : i0 >= nx ? nx - 1 : i0, b = i0 + 1 < 0 ? 0 : i0 + 1 >= nx ? nx - 1 : i0 + 1;
      for (int64_t iz = 0; iz < nz; iz++)
        blk[(j * nx + ix) * nz + iz] = (1 - w) * m2[a * nz + iz] + w * m2[b * nz + iz];
    }
  }
}

/* Deterministic pseudo-noise in [-1, 1) from a global index (a 32-bit integer hash), the same
 * on any number of ranks. Every product stays below 2^63, so the Fortran twin computes the same
 * values with signed 64-bit integers. */
static double noise(int64_t i) {
  const int64_t m32 = 4294967296LL;
  int64_t h = ((i + 1) % m32) * 2654435761LL % m32;
  h = ((h ^ (h >> 16)) * 73244475LL) % m32;
  h = ((h ^ (h >> 16)) * 73244475LL) % m32;
  h ^= h >> 16;
  return 2.0 * (double)h / (double)m32 - 1.0;
}

/* Ricker wavelet of peak frequency f0 sampled at dt on t = -(nw/2)dt .. (nw/2)dt. */
static void ricker(double f0, double dt, int nw, double *w) {
  for (int i = 0; i < nw; i++) {
    double t = (i - nw / 2) * dt, a = PI * PI * f0 * f0 * t * t;
    w[i] = (1 - 2 * a) * exp(-a);
  }
}

/* The local modelling operator W D on this rank's block (nyl, nx, nz): D the centred first
 * derivative and W the convolution with the wavelet (centred), both along z
 * (dlops_op_create_poststack, PyLops' PoststackLinearModelling), in one of two equal forms:
 *   direct      W D along axis 2 (z, the fastest axis);
 *   transposed  T^H (W D along axis 0) T, T = transpose (nyl, nx, nz) -> (nz, nyl, nx), as
 *               PyLops-MPI's tutorial does (in PyLops the convolution is much faster along the
 *               first axis; dlops' stencil and convolution kernels run flat loops along any axis).
 * The demo inverts with the direct form (two passes over memory fewer per apply) and checks
 * that both give the same data. */
static dlops_op local_modelling(dlops_ctx self, int64_t nyl, int64_t nx, int64_t nz, const double *wav, int nw,
                                int transposed) {
  const int64_t ldims[3] = {nyl, nx, nz}, tdims[3] = {nz, nyl, nx};
  const int perm[3] = {2, 0, 1};
  const int64_t *dims = transposed ? tdims : ldims;
  const int axis = transposed ? 0 : 2;
  dlops_op WD = NULL, T = NULL, TH = NULL, WDT = NULL, out = NULL;
  CHECK(dlops_op_create_poststack(self, 3, dims, axis, nw, wav, DLOPS_DERIV_CENTERED, DLOPS_F64, &WD));
  if (!transposed) {
    out = WD;
    WD = NULL;
  } else {
    CHECK(dlops_op_create_transpose_axes(self, 3, ldims, perm, DLOPS_F64, &T));
    CHECK(dlops_op_create_adjoint(T, &TH));
    CHECK(dlops_op_create_product(WD, T, &WDT));
    CHECK(dlops_op_create_product(TH, WDT, &out));
  }
  dlops_op_destroy(&WDT); /* compositions keep their own references */
  dlops_op_destroy(&TH);
  dlops_op_destroy(&T);
  dlops_op_destroy(&WD);
  return out;
}

/* Data bytes and calls sent by this rank since the last reset, summed over ranks. The argument
 * agreement every public collective call makes (kind DLOPS_COMM_META: one small allreduce) is
 * metadata, not data, and is returned apart in *meta_calls. */
static void comm_totals(dlops_ctx ctx, int64_t *bytes, int64_t *calls, int64_t *nbr_bytes, int64_t *meta_calls) {
  int64_t v[4] = {0, 0, 0, 0};
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
    dlops_comm_counter c;
    CHECK(dlops_ctx_get_counter(ctx, (dlops_comm_kind)k, &c));
    if (k == DLOPS_COMM_META) {
      v[3] += c.calls;
      continue;
    }
    v[0] += c.bytes;
    v[1] += c.calls;
    if (k == DLOPS_COMM_NEIGHBOR) v[2] += c.bytes;
  }
  MPI_Allreduce(MPI_IN_PLACE, v, 4, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD); /* plain MPI: not counted */
  *bytes = v[0];
  *calls = v[1];
  *nbr_bytes = v[2];
  *meta_calls = v[3];
}

/* Ghost rows a centred second derivative along y needs, summed over ranks: a rank owning rows
 * [o, e) reads row o-1 when its first row has a stencil (1 <= o <= ny-2) and row e when its
 * last row has one (1 <= e-1 <= ny-2, e < ny). */
static int64_t laplacian_ghost_rows(int64_t ny, int P) {
  int64_t rows = 0, o = 0;
  for (int r = 0; r < P; r++) {
    int64_t n = ny / P + (r < ny % P), e = o + n;
    if (n > 0) {
      if (o >= 1 && o <= ny - 2) rows++;
      if (e < ny && e - 1 >= 1 && e - 1 <= ny - 2) rows++;
    }
    o = e;
  }
  return rows;
}

/* ||a - b|| / ||b|| (work has their layout). */
static double rel_error(dlops_darray a, dlops_darray b, dlops_darray work) {
  double num, den;
  CHECK(dlops_darray_copy(a, work));
  CHECK(dlops_darray_axpby((dlops_scalar){-1.0, 0}, b, (dlops_scalar){1.0, 0}, work));
  CHECK(dlops_darray_norm(work, 2.0, &num));
  CHECK(dlops_darray_norm(b, 2.0, &den));
  return num / den;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  dlops_ctx ctx, self;
  CHECK(dlops_ctx_create(MPI_COMM_WORLD, NULL, &ctx)); /* backend from DLOPS_SPEC */
  CHECK(dlops_ctx_create(MPI_COMM_SELF, NULL, &self)); /* one-rank context for local operators */
  int rank, P;
  const char *spec;
  dlops_ctx_get_rank(ctx, &rank);
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_spec(ctx, &spec);

  /* ---- 1. the model: rank 0 reads (or builds) the 2-D model and broadcasts it */
  const char *path = argc > 1 ? argv[1] : getenv("DLOPS_DATA");
  if (!path || !*path) path = DLOPS_DEFAULT_DATA;
  int synthetic_only = strcmp(path, "synthetic") == 0;
  model2d mod = {0, 0, NULL, 0, 0};
  char source[512] = "";
  int64_t hdr[2] = {0, 0}; /* nx, nz */
  if (rank == 0) {
    char why[256] = "requested";
    if (!synthetic_only && load_npz_model(path, 8, 4, &mod, why, sizeof why) == 0) {
      snprintf(source, sizeof source, "%s (model (z, x) = (%lld, %lld): every 4th z, every 8th x)", path,
               (long long)mod.nz0, (long long)mod.nx0);
    } else {
      synthetic_model(&mod);
      snprintf(source, sizeof source, "synthetic layered model (%s)", why);
    }
    hdr[0] = mod.nx;
    hdr[1] = mod.nz;
  }
  MPI_Bcast(hdr, 2, MPI_INT64_T, 0, MPI_COMM_WORLD);
  const int64_t nx = hdr[0], nz = hdr[1], ny = 16;
  if (rank != 0) {
    mod.nx = nx;
    mod.nz = nz;
    mod.m2 = malloc(sizeof(double) * (size_t)(nx * nz));
  }
  MPI_Bcast(mod.m2, (int)(nx * nz), MPI_DOUBLE, 0, MPI_COMM_WORLD);
  double *back2 = malloc(sizeof(double) * (size_t)(nx * nz));
  smooth2d(&mod, 6, 6, back2); /* smooth background, the starting model */

  /* ---- 2. operators. This rank's rows of y: [y0, y0 + nyl) (the default split). */
  const int64_t dims[3] = {ny, nx, nz};
  const int64_t nyl = ny / P + (rank < ny % P), y0 = rank * (ny / P) + (rank < ny % P ? rank : ny % P);
  const double dt = 0.004, f0 = 15.0;
  double wav[NW];
  ricker(f0, dt, NW, wav);

  /* PostStack = BlockDiag over ranks of this rank's W D (the direct form, see local_modelling;
   * a rank without rows passes no local operator) */
  dlops_op PostStack = NULL, WD = NULL, WDtrans = NULL;
  if (nyl > 0) {
    WD = local_modelling(self, nyl, nx, nz, wav, NW, 0);
    WDtrans = local_modelling(self, nyl, nx, nz, wav, NW, 1);
  }
  CHECK(dlops_op_create_blockdiag(ctx, nyl > 0, &WD, -1, &PostStack));
  /* Laplacian over (y, x, z) of the distributed model: y crosses ranks (ghost rows) */
  dlops_op Lap = NULL, sLap = NULL, Reg = NULL;
  const int axes[3] = {0, 1, 2};
  const double weights[3] = {1, 1, 1}, sampling[3] = {1, 1, 1};
  CHECK(dlops_op_create_laplacian(ctx, 3, dims, 3, axes, weights, sampling, DLOPS_DERIV_CENTERED, 0, DLOPS_F64, &Lap));
  const double eps = 0.1; /* regularisation weight: rows sqrt(eps) * Laplacian */
  CHECK(dlops_op_create_scaled(Lap, (dlops_scalar){sqrt(eps), 0}, &sLap));
  dlops_op pair[2] = {PostStack, sLap};
  CHECK(dlops_op_create_stacked_vstack(2, pair, &Reg));

  /* ---- 3. true model, background, data with noise */
  dlops_darray mtrue = NULL, mback = NULL, minv = NULL, mreg = NULL, work = NULL, d = NULL, lapout = NULL;
  CHECK(dlops_op_create_vecs(PostStack, &mtrue, &d));
  CHECK(dlops_darray_duplicate(mtrue, &mback));
  CHECK(dlops_darray_duplicate(mtrue, &minv));
  CHECK(dlops_darray_duplicate(mtrue, &mreg));
  CHECK(dlops_darray_duplicate(mtrue, &work));
  CHECK(dlops_op_create_vecs(Lap, NULL, &lapout));
  double *p;
  CHECK(dlops_darray_get_local(mtrue, DLOPS_MEM_HOST, (void **)&p));
  fill_block(mod.m2, nx, nz, y0, nyl, p);
  CHECK(dlops_darray_restore_local(mtrue, (void **)&p));
  CHECK(dlops_darray_get_local(mback, DLOPS_MEM_HOST, (void **)&p));
  fill_block(back2, nx, nz, y0, nyl, p);
  CHECK(dlops_darray_restore_local(mback, (void **)&p));

  /* one PostStack apply (the data) and one Laplacian apply, with their communication */
  int64_t ps_bytes, ps_calls, ps_nbr, ps_meta, lap_bytes, lap_calls, lap_nbr, lap_meta;
  CHECK(dlops_ctx_reset_counters(ctx));
  CHECK(dlops_op_apply(PostStack, mtrue, d));
  comm_totals(ctx, &ps_bytes, &ps_calls, &ps_nbr, &ps_meta);
  CHECK(dlops_op_apply(Lap, mtrue, lapout)); /* warm-up: first applies may set up patterns */
  CHECK(dlops_ctx_reset_counters(ctx));
  CHECK(dlops_op_apply(Lap, mtrue, lapout));
  comm_totals(ctx, &lap_bytes, &lap_calls, &lap_nbr, &lap_meta);
  const int64_t ghost_rows = laplacian_ghost_rows(ny, P);
  const int64_t lap_expected = ghost_rows * nx * nz * (int64_t)sizeof(double);

  /* the direct local form used by PostStack == the transposed one of the tutorial, on this block */
  double moddiff = 0, dmax = 0;
  if (nyl > 0) {
    dlops_darray lx = NULL, ly = NULL;
    double *q, *pd;
    int64_t nloc;
    CHECK(dlops_op_create_vecs(WDtrans, &lx, &ly));
    CHECK(dlops_darray_get_local_size(lx, &nloc));
    CHECK(dlops_darray_get_local(mtrue, DLOPS_MEM_HOST, (void **)&p));
    CHECK(dlops_darray_get_local(lx, DLOPS_MEM_HOST, (void **)&q));
    memcpy(q, p, sizeof(double) * (size_t)nloc);
    CHECK(dlops_darray_restore_local(lx, (void **)&q));
    CHECK(dlops_darray_restore_local(mtrue, (void **)&p));
    CHECK(dlops_op_apply(WDtrans, lx, ly));
    CHECK(dlops_darray_get_local(ly, DLOPS_MEM_HOST, (void **)&q));
    CHECK(dlops_darray_get_local(d, DLOPS_MEM_HOST, (void **)&pd));
    for (int64_t i = 0; i < nloc; i++) {
      moddiff = fmax(moddiff, fabs(q[i] - pd[i]));
      dmax = fmax(dmax, fabs(q[i]));
    }
    CHECK(dlops_darray_restore_local(d, (void **)&pd));
    CHECK(dlops_darray_restore_local(ly, (void **)&q));
    dlops_darray_destroy(&ly);
    dlops_darray_destroy(&lx);
  }
  {
    double v[2] = {moddiff, dmax};
    MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    moddiff = v[0] / v[1];
  }

  double dnorm;
  int64_t nd;
  CHECK(dlops_darray_norm(d, 2.0, &dnorm));
  CHECK(dlops_darray_get_global_size(d, &nd));
  const double noise_level = 0.15, sigma = noise_level * dnorm / sqrt((double)nd); /* ~15% of the rms of the data */
  {
    int64_t nloc, off = y0 * nx * nz; /* the data has the model's layout (W D is square) */
    CHECK(dlops_darray_get_local_size(d, &nloc));
    CHECK(dlops_darray_get_local(d, DLOPS_MEM_HOST, (void **)&p));
    for (int64_t i = 0; i < nloc; i++) p[i] += sigma * sqrt(3.0) * noise(off + i);
    CHECK(dlops_darray_restore_local(d, (void **)&p));
  }

  /* dot tests of both operators (cheap, and a check that the adjoints are exact) */
  int pass_ps, pass_lap;
  double re_ps, re_lap;
  CHECK(dlops_op_dottest(PostStack, 1e-10, 7, &pass_ps, &re_ps));
  CHECK(dlops_op_dottest(Lap, 1e-10, 8, &pass_lap, &re_lap));

  /* ---- 4. the two inversions, both from the smooth background */
  dlops_solver_opts opts;
  dlops_solver_opts_default(&opts);
  opts.niter = 40;
  opts.tol = 0; /* run all niter iterations */
  dlops_solver_result r1, r2;
  MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime();
  CHECK(dlops_darray_copy(mback, minv));
  CHECK(dlops_solve_cgls(PostStack, d, minv, &opts, &r1));
  double t1 = MPI_Wtime();
  dlops_darray zero = NULL, parts[2], dstack = NULL;
  CHECK(dlops_darray_duplicate(lapout, &zero));
  parts[0] = d;
  parts[1] = zero;
  CHECK(dlops_darray_create_stacked(2, parts, &dstack));
  CHECK(dlops_darray_copy(mback, mreg));
  CHECK(dlops_solve_cgls(Reg, dstack, mreg, &opts, &r2));
  double t2 = MPI_Wtime(), tsolve[2] = {t1 - t0, t2 - t1};
  MPI_Allreduce(MPI_IN_PLACE, tsolve, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);

  const double e_back = rel_error(mback, mtrue, work), e_inv = rel_error(minv, mtrue, work),
               e_reg = rel_error(mreg, mtrue, work);

  /* ---- 5. report and verdict (every value is global, so every rank decides alike) */
  int failed = 0;
  const double threshold = 0.1;
  if (rank == 0) {
    printf("dlops %d.%d.%d post-stack inversion on %d ranks, %s\n", DLOPS_VERSION_MAJOR, DLOPS_VERSION_MINOR,
           DLOPS_VERSION_PATCH, P, spec);
    printf("model source: %s\n", source);
    printf("model m = log(AI): (ny, nx, nz) = (%lld, %lld, %lld) = %lld unknowns; y slices per rank:",
           (long long)ny, (long long)nx, (long long)nz, (long long)(ny * nx * nz));
    for (int r = 0; r < P && r < 16; r++) printf(" %lld", (long long)(ny / P + (r < ny % P)));
    printf("%s\n", P > 16 ? " ..." : "");
    printf("wavelet: Ricker %.0f Hz, dt = %.0f ms, %d samples; noise: %.0f%% of the data rms\n", f0, dt * 1e3, NW,
           100 * noise_level);
    printf("PostStack = BlockDiag over ranks of Convolve1D * FirstDerivative along z; dot test %s (%.1e)\n",
           pass_ps ? "passed" : "FAILED", re_ps);
    printf("  == the tutorial's T^H (Convolve1D * FirstDerivative along axis 0) T on each block: "
           "max rel. difference %.1e\n",
           moddiff);
    printf("Laplacian over (y, x, z), eps = %g; dot test %s (%.1e)\n", eps, pass_lap ? "passed" : "FAILED", re_lap);
    printf("\none PostStack apply: %lld bytes in %lld communication calls (blockdiag is local), "
           "%lld argument-agreement calls summed over ranks\n",
           (long long)ps_bytes, (long long)ps_calls, (long long)ps_meta);
    printf("one Laplacian apply: %lld bytes (%lld in neighbour exchanges), expected ghost volume %lld bytes "
           "= %lld rows of %lld x %lld doubles\n",
           (long long)lap_bytes, (long long)lap_nbr, (long long)lap_expected, (long long)ghost_rows, (long long)nx,
           (long long)nz);
    printf("\n%-34s %10s %6s  %s\n", "model", "rel. error", "iters", "stop reason");
    printf("%-34s %10.5f\n", "background (starting model)", e_back);
    printf("%-34s %10.5f %6lld  %s\n", "CGLS on PostStack", e_inv, (long long)r1.iterations,
           dlops_stop_reason_name(r1.reason));
    printf("%-34s %10.5f %6lld  %s\n", "CGLS on [PostStack; sqrt(eps) Lap]", e_reg, (long long)r2.iterations,
           dlops_stop_reason_name(r2.reason));
    printf("(CGLS alone starts fitting the noise after a few iterations; the Laplacian rows keep the model "
           "smooth)\n");
    printf("\nsolve time: %.3f s (CGLS %.3f s, regularised CGLS %.3f s)\n", tsolve[0] + tsolve[1], tsolve[0],
           tsolve[1]);
  }
#define VERDICT(cond, ...)                          \
  do {                                              \
    if (!(cond)) {                                  \
      failed = 1;                                   \
      if (rank == 0) printf("FAIL: " __VA_ARGS__);  \
    }                                               \
  } while (0)
  VERDICT(pass_ps && pass_lap, "a dot test failed\n");
  VERDICT(moddiff <= 1e-12, "the two forms of the local modelling differ by %.1e\n", moddiff);
  VERDICT(ps_bytes == 0, "the PostStack apply communicated %lld bytes\n", (long long)ps_bytes);
  VERDICT(lap_bytes == lap_expected && lap_nbr == lap_bytes, "the Laplacian apply sent %lld bytes, expected %lld\n",
          (long long)lap_bytes, (long long)lap_expected);
  VERDICT(e_reg < threshold && e_reg < 0.75 * e_back,
          "regularised inversion error %.5f is not below %.3f and 0.75 x the background's %.5f\n", e_reg, threshold,
          e_back);
  VERDICT(e_reg < e_inv, "the regularised error %.5f is not below the unregularised one %.5f\n", e_reg, e_inv);
  if (rank == 0) printf("%s\n", failed ? "poststack: FAILED" : "poststack: OK");

  free(mod.m2);
  free(back2);
  dlops_darray_destroy(&dstack);
  dlops_darray_destroy(&zero);
  dlops_darray_destroy(&lapout);
  dlops_darray_destroy(&d);
  dlops_darray_destroy(&work);
  dlops_darray_destroy(&mreg);
  dlops_darray_destroy(&minv);
  dlops_darray_destroy(&mback);
  dlops_darray_destroy(&mtrue);
  dlops_op_destroy(&Reg);
  dlops_op_destroy(&sLap);
  dlops_op_destroy(&Lap);
  dlops_op_destroy(&PostStack);
  dlops_op_destroy(&WDtrans);
  dlops_op_destroy(&WD);
  dlops_ctx_destroy(&self);
  dlops_ctx_destroy(&ctx);
  MPI_Finalize();
  return failed;
}
