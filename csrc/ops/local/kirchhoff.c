/* Kirchhoff demigration / migration (PyLops' pylops.waveeqprocessing.Kirchhoff, 2-D, mode
 * "analytic": constant velocity, straight rays; dynamic=False, wavfilter=False, no aperture), a
 * local operator on a one-rank context.
 *
 * Model m (nx, nz), image point ii = ix nz + iz at (x0 + ix dx, z0 + iz dz); data d (ns, nr, nt).
 * Traveltimes (PyLops' _traveltime_table, the same operations so the same bits):
 *     ts[s][ii] = sqrt((X - sx)^2 + (Z - sz)^2) / vel,  tr[r][ii] likewise for receivers,
 * computed once at creation, one table per side (ns + nr rows of ni, not ns nr). The forward
 * spreads every image point onto two time samples of every trace and convolves the traces
 * with the wavelet:
 *     q = (ts[s][ii] + tr[r][ii]) / dt,  k = (int) q,  f = q - k,  if 0 <= k < nt - 1:
 *         u[s r][k] += m[ii] (1 - f),  u[s r][k + 1] += m[ii] f
 *     d = Convolve1D(u, wav, offset = wavcenter) along time
 * and the adjoint is its exact transpose (correlation with the wavelet, then the gather
 * m[ii] += u[s r][k] (1 - f) + u[s r][k + 1] f). The spreading and the gather accumulate in
 * PyLops' order with its mixed precision (the product and the sum in double, then stored in
 * the element type), so they give PyLops' bits; the convolution is the host table's
 * (Convolve1D's definition, another summation order).
 *
 * Loops: trace (s, r) outer, image points inner, so the tables and the model are read
 * contiguously; a first pass per trace computes the sample index and weight of every image
 * point (an add, a divide, a truncation; GCC keeps it scalar under the default
 * -ftrapping-math, and -fno-trapping-math on it gained about 12% of an apply at the tutorial's
 * size: not worth a per-function optimisation attribute), the second scatters (forward) or
 * gathers (adjoint) along one trace of nt samples, which stays in cache. The trace workspace
 * (ns nr nt elements) and the per-trace index and weight arrays are allocated at creation.
 * Host memory only (the loops read the arrays directly). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../op_impl.h"

typedef struct {
  int64_t nx, nz, ni, ns, nr, nt;
  double dt;
  double *ts, *tr; /* traveltime tables, ns x ni and nr x ni */
  void *wav;       /* the wavelet in dtype */
  void *u;         /* traces before the convolution (forward) / after the correlation (adjoint) */
  int32_t *idx;    /* per trace: sample index, -1 when outside [0, nt - 1) (nt < 2^31) */
  double *frac;    /* per trace: fractional part */
  dlops_mem_conv g;
} kirch_data;

static void kirch_free(kirch_data *d) {
  if (!d) return;
  free(d->ts);
  free(d->tr);
  free(d->wav);
  free(d->u);
  free(d->idx);
  free(d->frac);
  free(d);
}
static void kirch_destroy(dlops_op A) { kirch_free(A->data); }

/* Index and weight of every image point on trace (s, r). */
static void kirch_trace(const kirch_data *d, int64_t s, int64_t r) {
  const double *a = d->ts + s * d->ni, *b = d->tr + r * d->ni, dt = d->dt, lim = (double)(d->nt - 1);
  int32_t *restrict idx = d->idx;
  double *restrict frac = d->frac;
  for (int64_t i = 0; i < d->ni; i++) {
    /* q >= 0 (a sum of distances over positive steps); (int) q is in [0, nt - 1) exactly when q
     * is in [0, nt - 1); the select before the truncation keeps it in range */
    const double q = (a[i] + b[i]) / dt, qc = q < lim ? q : 0.0;
    const int32_t k = (int32_t)qc;
    idx[i] = q < lim ? k : -1;
    frac[i] = q - (double)k;
  }
}

#define KIRCH_KERNELS(S, T)                                                               \
  static void kirch_spread_##S(const kirch_data *d, const T *m, T *u) {                   \
    memset(u, 0, sizeof(T) * (size_t)(d->ns * d->nr * d->nt));                            \
    for (int64_t s = 0; s < d->ns; s++)                                                   \
      for (int64_t r = 0; r < d->nr; r++) {                                               \
        kirch_trace(d, s, r);                                                             \
        T *tr = u + (s * d->nr + r) * d->nt;                                              \
        for (int64_t i = 0; i < d->ni; i++) {                                             \
          const int32_t k = d->idx[i];                                                    \
          if (k < 0) continue;                                                            \
          const double f = d->frac[i], v = (double)m[i];                                  \
          tr[k] = (T)((double)tr[k] + v * (1.0 - f));                                     \
          tr[k + 1] = (T)((double)tr[k + 1] + v * f);                                     \
        }                                                                                 \
      }                                                                                   \
  }                                                                                       \
  static void kirch_gather_##S(const kirch_data *d, const T *u, T *m) {                   \
    memset(m, 0, sizeof(T) * (size_t)d->ni);                                              \
    for (int64_t s = 0; s < d->ns; s++)                                                   \
      for (int64_t r = 0; r < d->nr; r++) {                                               \
        kirch_trace(d, s, r);                                                             \
        const T *tr = u + (s * d->nr + r) * d->nt;                                        \
        for (int64_t i = 0; i < d->ni; i++) {                                             \
          const int32_t k = d->idx[i];                                                    \
          if (k < 0) continue;                                                            \
          const double f = d->frac[i];                                                    \
          m[i] = (T)((double)m[i] + ((double)tr[k] * (1.0 - f) + (double)tr[k + 1] * f)); \
        }                                                                                 \
      }                                                                                   \
  }
KIRCH_KERNELS(s, float)
KIRCH_KERNELS(d, double)

static int kirch_apply(dlops_op A, dlops_darray x, dlops_darray y) {
  const kirch_data *d = A->data;
  if (A->dtype == DLOPS_F32)
    kirch_spread_s(d, x->data, d->u);
  else
    kirch_spread_d(d, x->data, d->u);
  return y->m->ops->conv1d(y->m, A->dtype, 0, &d->g, d->wav, d->u, y->data);
}

static int kirch_apply_adjoint(dlops_op A, dlops_darray y, dlops_darray x) {
  const kirch_data *d = A->data;
  int err = y->m->ops->conv1d(y->m, A->dtype, 1, &d->g, d->wav, y->data, d->u);
  if (err) return err;
  if (A->dtype == DLOPS_F32)
    kirch_gather_s(d, d->u, x->data);
  else
    kirch_gather_d(d, d->u, x->data);
  return DLOPS_SUCCESS;
}

/* Traveltimes from points (px[k], pz[k]) to every image point, PyLops' operations:
 * sqrt((X - px)**2 + (Z - pz)**2) / vel with X = x[ix], Z = z[iz] (np.arange(n) * d + o). */
static void kirch_table(int64_t np_, const double *px, const double *pz, int64_t nx, double x0, double dx, int64_t nz,
                        double z0, double dz, double vel, double *t) {
  for (int64_t p = 0; p < np_; p++)
    for (int64_t ix = 0; ix < nx; ix++) {
      const double X = (double)ix * dx + x0, ddx = X - px[p], ax = ddx * ddx;
      double *row = t + (p * nx + ix) * nz;
      for (int64_t iz = 0; iz < nz; iz++) {
        const double Z = (double)iz * dz + z0, ddz = Z - pz[p];
        row[iz] = sqrt(ax + ddz * ddz) / vel;
      }
    }
}

static int all_finite(int64_t n, const double *v) {
  for (int64_t k = 0; k < n; k++)
    if (!isfinite(v[k])) return 0;
  return 1;
}

int dlops_op_create_kirchhoff(dlops_ctx ctx, int64_t nx, double x0, double dx, int64_t nz, double z0, double dz,
                              int64_t nt, double dt, int64_t ns, const double *sx, const double *sz, int64_t nr,
                              const double *rx, const double *rz, double vel, int nwav, const double *wav,
                              int wavcenter, dlops_dtype dtype, dlops_op *A) {
  DLOPS_CALL(dlops_ctx_check(ctx)); /* local: NULL is ARG, a destroyed context STATE */
  DLOPS_CHECK(A, ctx, DLOPS_ERR_ARG, "kirchhoff: null output operator pointer");
  *A = NULL;
  DLOPS_CHECK(ctx->size == 1, ctx, DLOPS_ERR_ARG,
              "kirchhoff is a local operator: create it on a one-rank context (this one has %d ranks); distribute "
              "sources with dlops_op_create_vstack",
              ctx->size);
  DLOPS_CHECK((int)dtype >= 0 && (int)dtype < DLOPS_NUM_DTYPES, ctx, DLOPS_ERR_ARG, "kirchhoff: bad element type %d",
              (int)dtype);
  DLOPS_CHECK(dtype == DLOPS_F32 || dtype == DLOPS_F64, ctx, DLOPS_ERR_UNSUPPORTED,
              "kirchhoff: element type %s: only f32 and f64 (the operator is real)", dlops_dtype_name(dtype));
  const int64_t big = (int64_t)1 << 31;
  DLOPS_CHECK(nx >= 1 && nz >= 1 && nx < big && nz < big, ctx, DLOPS_ERR_ARG,
              "kirchhoff: model size nx = %lld, nz = %lld: each must be in [1, 2^31)", (long long)nx, (long long)nz);
  DLOPS_CHECK(nt >= 2 && nt < big, ctx, DLOPS_ERR_ARG, "kirchhoff: nt = %lld must be in [2, 2^31)", (long long)nt);
  DLOPS_CHECK(ns >= 1 && nr >= 1 && ns < big && nr < big, ctx, DLOPS_ERR_ARG,
              "kirchhoff: ns = %lld and nr = %lld must each be in [1, 2^31)", (long long)ns, (long long)nr);
  DLOPS_CHECK(isfinite(x0) && isfinite(z0), ctx, DLOPS_ERR_ARG, "kirchhoff: origin (x0 = %g, z0 = %g) is not finite",
              x0, z0);
  DLOPS_CHECK(isfinite(dx) && dx > 0 && isfinite(dz) && dz > 0, ctx, DLOPS_ERR_ARG,
              "kirchhoff: sampling dx = %g, dz = %g must be finite and > 0", dx, dz);
  DLOPS_CHECK(isfinite(dt) && dt > 0, ctx, DLOPS_ERR_ARG, "kirchhoff: dt = %g must be finite and > 0", dt);
  DLOPS_CHECK(isfinite(vel) && vel > 0, ctx, DLOPS_ERR_ARG, "kirchhoff: velocity %g must be finite and > 0", vel);
  /* sizes: ni, the tables and the data must be addressable */
  const int64_t ni = nx * nz, lim = INT64_MAX / 16;
  DLOPS_CHECK(ni <= lim / (ns + nr) && ns <= lim / nr && ns * nr <= lim / nt, ctx, DLOPS_ERR_SIZE,
              "kirchhoff: sizes too large (nx nz = %lld, ns = %lld, nr = %lld, nt = %lld)", (long long)ni,
              (long long)ns, (long long)nr, (long long)nt);
  DLOPS_CHECK(sx && sz && rx && rz, ctx, DLOPS_ERR_ARG, "kirchhoff: null %s coordinates",
              sx && sz ? "receiver" : "source");
  DLOPS_CHECK(all_finite(ns, sx) && all_finite(ns, sz), ctx, DLOPS_ERR_ARG,
              "kirchhoff: a source coordinate is not finite");
  DLOPS_CHECK(all_finite(nr, rx) && all_finite(nr, rz), ctx, DLOPS_ERR_ARG,
              "kirchhoff: a receiver coordinate is not finite");
  DLOPS_CHECK(nwav >= 1 && wav, ctx, DLOPS_ERR_ARG, "kirchhoff: need a non-empty wavelet (nwav = %d)", nwav);
  DLOPS_CHECK(nwav <= nt, ctx, DLOPS_ERR_ARG, "kirchhoff: wavelet of %d samples longer than the %lld time samples",
              nwav, (long long)nt);
  DLOPS_CHECK(all_finite(nwav, wav), ctx, DLOPS_ERR_ARG, "kirchhoff: a wavelet value is not finite");
  DLOPS_CHECK(wavcenter >= 0 && wavcenter < nwav, ctx, DLOPS_ERR_ARG, "kirchhoff: wavcenter = %d must be in [0, %d]",
              wavcenter, nwav - 1);
  const int64_t nd = ns * nr * nt;
  const size_t es = dlops_dtype_size(dtype);
  kirch_data *d = calloc(1, sizeof *d);
  if (d) {
    d->ts = malloc(sizeof(double) * (size_t)(ns * ni));
    d->tr = malloc(sizeof(double) * (size_t)(nr * ni));
    d->wav = malloc(es * (size_t)nwav);
    d->u = malloc(es * (size_t)nd);
    d->idx = malloc(sizeof(int32_t) * (size_t)ni);
    d->frac = malloc(sizeof(double) * (size_t)ni);
  }
  if (!d || !d->ts || !d->tr || !d->wav || !d->u || !d->idx || !d->frac) {
    kirch_free(d);
    return DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "kirchhoff: cannot allocate the traveltime tables and workspace");
  }
  d->nx = nx;
  d->nz = nz;
  d->ni = ni;
  d->ns = ns;
  d->nr = nr;
  d->nt = nt;
  d->dt = dt;
  kirch_table(ns, sx, sz, nx, x0, dx, nz, z0, dz, vel, d->ts);
  kirch_table(nr, rx, rz, nx, x0, dx, nz, z0, dz, vel, d->tr);
  for (int k = 0; k < nwav; k++) {
    if (dtype == DLOPS_F32)
      ((float *)d->wav)[k] = (float)wav[k];
    else
      ((double *)d->wav)[k] = wav[k];
  }
  d->g.outer = ns * nr;
  d->g.n = nt;
  d->g.ny = nt; /* nwav <= nt */
  d->g.inner = 1;
  d->g.nh = nwav;
  d->g.off = wavcenter;
  dlops_darray dom = NULL, rng = NULL;
  int err = dlops_op_vec1d(ctx, ni, -1, DLOPS_SCATTER, dtype, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, nd, -1, DLOPS_SCATTER, dtype, -1, &rng);
  /* the loops read the arrays on the host: a context on another memory space is refused here */
  if (!err) err = dlops_op_new("kirchhoff", dom, rng, dtype, DLOPS_SPACES_HOST, A);
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  if (err) {
    kirch_free(d);
    return err;
  }
  (*A)->data = d;
  (*A)->destroy = kirch_destroy;
  (*A)->apply = kirch_apply;
  (*A)->apply_adjoint = kirch_apply_adjoint;
  (*A)->ndims = 2;
  (*A)->dims[0] = nx;
  (*A)->dims[1] = nz;
  (*A)->ndimsd = 3;
  (*A)->dimsd[0] = ns;
  (*A)->dimsd[1] = nr;
  (*A)->dimsd[2] = nt;
  return DLOPS_SUCCESS;
}
