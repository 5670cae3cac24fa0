/* Solver utilities: argument checks and working copies, element-wise kernels on local data
 * (thresholds, sign, indicators), random starting vectors. Public darray/op API only. */
#include <stdlib.h>
#include <string.h>

#include "solver_impl.h"

int slv_setup(const char *name, dlops_op A, dlops_darray y, dlops_darray x, int square, dlops_darray *xw,
              dlops_darray *yw) {
  *xw = NULL;
  if (yw) *yw = NULL;
  DLOPS_CHECK(A, NULL, DLOPS_ERR_ARG, "%s: null operator", name);
  dlops_ctx ctx = NULL;
  DLOPS_CALL(dlops_op_get_ctx(A, &ctx));
  DLOPS_CHECK(x, ctx, DLOPS_ERR_ARG, "%s: null x", name);
  DLOPS_CHECK(!yw || y, ctx, DLOPS_ERR_ARG, "%s: null y", name);
  dlops_dtype ta, tx, ty;
  DLOPS_CALL(dlops_op_get_dtype(A, &ta));
  DLOPS_CALL(dlops_darray_get_dtype(x, &tx));
  DLOPS_CHECK(tx == ta, ctx, DLOPS_ERR_ARG, "%s: x is %s but the operator is %s", name, dlops_dtype_name(tx),
              dlops_dtype_name(ta));
  if (yw) {
    DLOPS_CALL(dlops_darray_get_dtype(y, &ty));
    DLOPS_CHECK(ty == ta, ctx, DLOPS_ERR_ARG, "%s: y is %s but the operator is %s", name, dlops_dtype_name(ty),
                dlops_dtype_name(ta));
  }
  dlops_darray a = NULL, b = NULL;
  int err = dlops_op_create_vecs(A, &a, yw ? &b : NULL);
  if (err) return err;
  /* layouts: the copies fail with DLOPS_ERR_SIZE on every rank (the layout tables are global) */
  if (dlops_darray_copy(x, a)) {
    err = DLOPS_ERROR(ctx, DLOPS_ERR_SIZE, "%s: x does not have the operator's domain layout (%s)", name,
                      dlops_last_error());
    goto fail;
  }
  if (yw && dlops_darray_copy(y, b)) {
    err = DLOPS_ERROR(ctx, DLOPS_ERR_SIZE, "%s: y does not have the operator's range layout (%s)", name,
                      dlops_last_error());
    goto fail;
  }
  if (square) {
    dlops_darray t = NULL;
    err = dlops_op_create_vecs(A, NULL, &t);
    if (err) goto fail;
    int e2 = dlops_darray_copy(a, t);
    dlops_darray_destroy(&t);
    if (e2) {
      err = DLOPS_ERROR(ctx, DLOPS_ERR_SIZE, "%s: the operator must be square (equal domain and range layouts)", name);
      goto fail;
    }
  }
  *xw = a;
  if (yw) *yw = b;
  return DLOPS_SUCCESS;
fail:
  dlops_darray_destroy(&a);
  dlops_darray_destroy(&b);
  return err;
}

/* ------------------------------------------------------------------ leaves and maps */
static int count_leaves(dlops_darray x, int *n) {
  int st = 0;
  DLOPS_CALL(dlops_darray_is_stacked(x, &st));
  if (!st) {
    (*n)++;
    return DLOPS_SUCCESS;
  }
  int k = 0;
  DLOPS_CALL(dlops_darray_stacked_count(x, &k));
  for (int i = 0; i < k; i++) {
    dlops_darray p;
    DLOPS_CALL(dlops_darray_stacked_get(x, i, &p));
    DLOPS_CALL(count_leaves(p, n));
  }
  return DLOPS_SUCCESS;
}
static int collect_leaves(dlops_darray x, dlops_darray *out, int *n) {
  int st = 0;
  DLOPS_CALL(dlops_darray_is_stacked(x, &st));
  if (!st) {
    out[(*n)++] = x;
    return DLOPS_SUCCESS;
  }
  int k = 0;
  DLOPS_CALL(dlops_darray_stacked_count(x, &k));
  for (int i = 0; i < k; i++) {
    dlops_darray p;
    DLOPS_CALL(dlops_darray_stacked_get(x, i, &p));
    DLOPS_CALL(collect_leaves(p, out, n));
  }
  return DLOPS_SUCCESS;
}

static int leaves(dlops_darray x, dlops_darray **out, int *n) {
  *n = 0;
  DLOPS_CALL(count_leaves(x, n));
  *out = malloc(sizeof(dlops_darray) * (size_t)*n);
  if (!*out) return DLOPS_ERROR(NULL, DLOPS_ERR_MEM, "cannot allocate %d leaf handles", *n);
  int k = 0;
  int err = collect_leaves(x, *out, &k);
  if (err) {
    free(*out);
    *out = NULL;
  }
  return err;
}

int slv_map(dlops_darray in, dlops_darray out, slv_map_fn fn, void *arg) {
  dlops_darray *li = NULL, *lo = NULL;
  int ni = 0, no = 0, err = 0;
  SLV_TRY(leaves(in, &li, &ni));
  SLV_TRY(leaves(out, &lo, &no));
  if (ni != no) {
    err = DLOPS_ERROR(NULL, DLOPS_ERR_SIZE, "element-wise map: the arrays are stacked differently");
    goto done;
  }
  for (int i = 0; i < ni && !err; i++) {
    dlops_dtype t, to;
    int64_t n, nout;
    SLV_TRY(dlops_darray_get_dtype(li[i], &t));
    SLV_TRY(dlops_darray_get_dtype(lo[i], &to));
    SLV_TRY(dlops_darray_get_local_size(li[i], &n));
    SLV_TRY(dlops_darray_get_local_size(lo[i], &nout));
    if (t != to || n != nout) {
      err = DLOPS_ERROR(NULL, DLOPS_ERR_SIZE, "element-wise map: leaf %d differs in type or local size", i);
      goto done;
    }
    void *pi = NULL, *po = NULL;
    SLV_TRY(dlops_darray_get_local(li[i], DLOPS_MEM_HOST, &pi));
    if (lo[i] != li[i]) {
      err = dlops_darray_get_local(lo[i], DLOPS_MEM_HOST, &po);
      if (err) {
        dlops_darray_restore_local(li[i], &pi);
        goto done;
      }
    } else {
      po = pi;
    }
    fn(arg, t, n, pi, po);
    if (lo[i] != li[i]) err = dlops_darray_restore_local(lo[i], &po);
    int e2 = dlops_darray_restore_local(li[i], &pi);
    if (!err) err = e2;
  }
done:
  free(li);
  free(lo);
  return err;
}

static inline void ld(const void *p, dlops_dtype t, int64_t i, double *re, double *im) {
  switch (t) {
    case DLOPS_F32: *re = ((const float *)p)[i]; *im = 0; break;
    case DLOPS_F64: *re = ((const double *)p)[i]; *im = 0; break;
    case DLOPS_C64: *re = ((const float *)p)[2 * i]; *im = ((const float *)p)[2 * i + 1]; break;
    default: *re = ((const double *)p)[2 * i]; *im = ((const double *)p)[2 * i + 1]; break;
  }
}
static inline void st(void *p, dlops_dtype t, int64_t i, double re, double im) {
  switch (t) {
    case DLOPS_F32: ((float *)p)[i] = (float)re; break;
    case DLOPS_F64: ((double *)p)[i] = re; break;
    case DLOPS_C64: ((float *)p)[2 * i] = (float)re; ((float *)p)[2 * i + 1] = (float)im; break;
    default: ((double *)p)[2 * i] = re; ((double *)p)[2 * i + 1] = im; break;
  }
}
static inline int cplx(dlops_dtype t) { return t == DLOPS_C64 || t == DLOPS_C128; }
static inline double sgn(double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : v; /* 0 -> 0, NaN -> NaN */ }

typedef struct {
  int kind;
  double t, t2;
} thr_arg;

/* PyLops/pyproximal thresholds, element by element in double precision. */
static void thr_fn(void *arg, dlops_dtype t, int64_t n, const void *in, void *out) {
  const thr_arg *a = arg;
  const double th = a->t;
  const double hard = sqrt(2.0 * th);
  const double halfcut = (pow(54.0, 1.0 / 3.0) / 4.0) * pow(th, 2.0 / 3.0);
  const double twopi3 = 2.0 * 3.14159265358979323846 / 3.0;
  for (int64_t i = 0; i < n; i++) {
    double re, im, m;
    ld(in, t, i, &re, &im);
    m = cplx(t) ? hypot(re, im) : fabs(re);
    switch (a->kind) {
      case DLOPS_THRESH_SOFT: {
        double s = fmax(m - th, 0.0);
        if (isnan(m)) s = m;
        if (cplx(t)) {
          double ang = atan2(im, re);
          st(out, t, i, s * cos(ang), s * sin(ang));
        } else {
          st(out, t, i, s * sgn(re), 0.0);
        }
        break;
      }
      case DLOPS_THRESH_HARD:
        if (m <= hard) st(out, t, i, 0.0, 0.0); else st(out, t, i, re, im);
        break;
      case DLOPS_THRESH_HALF: {
        double arg1 = m != 0.0 ? (th / 8.0) * pow(m / 3.0, -1.5) : 1.0;
        arg1 = fmin(fmax(arg1, -1.0), 1.0);
        double phi = 2.0 / 3.0 * acos(arg1);
        double f = 2.0 / 3.0 * (1.0 + cos(twopi3 - phi));
        if (m <= halfcut) st(out, t, i, 0.0, 0.0); else st(out, t, i, f * re, f * im);
        break;
      }
      case 10: /* L0 prox: hard threshold at t */
        if (m <= th) st(out, t, i, 0.0, 0.0); else st(out, t, i, re, im);
        break;
      default: /* 11: box clip */
        st(out, t, i, fmin(fmax(re, a->t), a->t2), 0.0);
        break;
    }
  }
}

int slv_threshold(dlops_darray in, dlops_darray out, int kind, double t, double t2) {
  thr_arg a = {kind, t, t2};
  return slv_map(in, out, thr_fn, &a);
}

static void sign_fn(void *arg, dlops_dtype t, int64_t n, const void *in, void *out) {
  (void)arg;
  for (int64_t i = 0; i < n; i++) {
    double re, im;
    ld(in, t, i, &re, &im);
    if (cplx(t)) {
      double m = hypot(re, im);
      if (m > 0 && isfinite(m)) st(out, t, i, re / m, im / m); else st(out, t, i, m == 0 ? 0.0 : NAN, 0.0);
    } else {
      st(out, t, i, sgn(re), 0.0);
    }
  }
}
int slv_sign(dlops_darray in, dlops_darray out) { return slv_map(in, out, sign_fn, NULL); }

static void nz_fn(void *arg, dlops_dtype t, int64_t n, const void *in, void *out) {
  (void)arg;
  for (int64_t i = 0; i < n; i++) {
    double re, im;
    ld(in, t, i, &re, &im);
    st(out, t, i, (re != 0.0 || im != 0.0) ? 1.0 : 0.0, 0.0);
  }
}
int slv_nonzero(dlops_darray in, dlops_darray out) { return slv_map(in, out, nz_fn, NULL); }

static void out_fn(void *arg, dlops_dtype t, int64_t n, const void *in, void *out) {
  const thr_arg *a = arg;
  for (int64_t i = 0; i < n; i++) {
    double re, im;
    ld(in, t, i, &re, &im);
    st(out, t, i, (re >= a->t && re <= a->t2) ? 0.0 : 1.0, 0.0);
  }
}
int slv_outside(dlops_darray in, dlops_darray out, double lo, double hi) {
  thr_arg a = {0, lo, hi};
  return slv_map(in, out, out_fn, &a);
}

/* ------------------------------------------------------------------ random starts */
static inline double rnd01(unsigned long long seed, unsigned long long i) {
  unsigned long long z = seed * 0x9E3779B97F4A7C15ULL + i * 0xBF58476D1CE4E5B9ULL + 0x94D049BB133111EBULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return (double)(z >> 11) / 9007199254740992.0;
}

int slv_random_fill(dlops_darray x, unsigned long long seed) {
  dlops_darray *lv = NULL;
  int n = 0, err = 0;
  SLV_TRY(leaves(x, &lv, &n));
  unsigned long long base = 0; /* global flat index of the leaf's first element */
  for (int k = 0; k < n; k++) {
    int nd = 0, axis = 0;
    int64_t gs[DLOPS_MAX_NDIM], ls[DLOPS_MAX_NDIM], off = 0, gsize = 0, nloc = 0;
    dlops_partition part;
    dlops_dtype t;
    SLV_TRY(dlops_darray_get_ndim(lv[k], &nd));
    SLV_TRY(dlops_darray_get_global_shape(lv[k], gs));
    SLV_TRY(dlops_darray_get_local_shape(lv[k], ls));
    SLV_TRY(dlops_darray_get_axis(lv[k], &axis));
    SLV_TRY(dlops_darray_get_partition(lv[k], &part));
    SLV_TRY(dlops_darray_get_offset(lv[k], &off));
    SLV_TRY(dlops_darray_get_global_size(lv[k], &gsize));
    SLV_TRY(dlops_darray_get_local_size(lv[k], &nloc));
    SLV_TRY(dlops_darray_get_dtype(lv[k], &t));
    if (part != DLOPS_SCATTER) off = 0;
    void *p = NULL;
    SLV_TRY(dlops_darray_get_local(lv[k], DLOPS_MEM_HOST, &p));
    int64_t idx[DLOPS_MAX_NDIM] = {0};
    for (int64_t l = 0; l < nloc; l++) {
      /* global flat index of local element l (C order) */
      unsigned long long g = 0;
      for (int d = 0; d < nd; d++) g = g * (unsigned long long)gs[d] + (unsigned long long)(idx[d] + (d == axis ? off : 0));
      g += base;
      st(p, t, l, rnd01(seed, 2 * g), cplx(t) ? rnd01(seed, 2 * g + 1) : 0.0);
      for (int d = nd - 1; d >= 0; d--) {
        if (++idx[d] < ls[d]) break;
        idx[d] = 0;
      }
    }
    SLV_TRY(dlops_darray_restore_local(lv[k], &p));
    base += (unsigned long long)gsize;
  }
done:
  free(lv);
  return err;
}
