/* Vector operations on distributed arrays: fill, copy, axpby, scale, conj, pointwise product,
 * dot/vdot (fused), norms. Stacked arrays act as the concatenation of their components. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "darray_impl.h"
#include "kernels.h"

/* ---------------------------------------------------------------- helpers */
static int is_complex(dlops_dtype t) { return t == DLOPS_C64 || t == DLOPS_C128; }

/* Flatten the leaves (plain arrays) of a possibly stacked array. */
static int count_leaves(dlops_darray x) {
  if (!x->nparts) return 1;
  int n = 0;
  for (int i = 0; i < x->nparts; i++) n += count_leaves(x->parts[i]);
  return n;
}
static void collect_leaves(dlops_darray x, dlops_darray *out, int *k) {
  if (!x->nparts) {
    out[(*k)++] = x;
    return;
  }
  for (int i = 0; i < x->nparts; i++) collect_leaves(x->parts[i], out, k);
}

static int check_usable(dlops_darray x) {
  DLOPS_CHECK_DARRAY(x);
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(check_usable(x->parts[i]));
    return DLOPS_SUCCESS;
  }
  DLOPS_CHECK(!x->borrowed, x->ctx, DLOPS_ERR_STATE, "local data is borrowed (dlops_darray_get_local): restore it first");
  return DLOPS_SUCCESS;
}

/* Element types of two arrays of the same layout, compared leaf by leaf (the components of
 * stacked arrays may differ in type, so the first component's type says nothing). */
static int check_dtypes(dlops_darray x, dlops_darray y, const char *op) {
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(check_dtypes(x->parts[i], y->parts[i], op));
    return DLOPS_SUCCESS;
  }
  DLOPS_CHECK(x->dtype == y->dtype, x->ctx, DLOPS_ERR_ARG, "%s: element types differ (%s and %s)", op,
              dlops_dtype_name(x->dtype), dlops_dtype_name(y->dtype));
  return DLOPS_SUCCESS;
}

/* Validates the whole tree before any component is touched, so a failing call changes nothing. */
static int check_pair(dlops_darray x, dlops_darray y, int same_dtype, const char *op) {
  DLOPS_CALL(check_usable(x));
  DLOPS_CALL(check_usable(y));
  DLOPS_CHECK(dlops_darray_same_layout(x, y), x->ctx, DLOPS_ERR_SIZE,
              "%s: the arrays have different layouts (global shape, axis, partition, split, mask or stacking)", op);
  if (same_dtype) DLOPS_CALL(check_dtypes(x, y, op));
  return DLOPS_SUCCESS;
}

/* Element range of a leaf that counts towards reductions: everything for SCATTER; for
 * (UNSAFE_)BROADCAST the default split of axis-0 rows over the group (each element counted
 * once, as PyLops-MPI's to_dist does). */
static void reduce_range(dlops_darray x, int64_t *lo, int64_t *hi) {
  if (x->partition == DLOPS_SCATTER) {
    *lo = 0;
    *hi = x->nlocal;
    return;
  }
  int64_t inner = 1;
  for (int d = 1; d < x->ndim; d++) inner *= x->gshape[d];
  int P = x->group->size, r = x->group->rank;
  *lo = dlops_split_offset(x->gshape[0], P, r) * inner;
  *hi = *lo + dlops_split_size(x->gshape[0], P, r) * inner;
}

/* Read element i of a buffer of dtype t as (re, im). */
static inline void load(const void *p, dlops_dtype t, int64_t i, double *re, double *im) {
  switch (t) {
    case DLOPS_F32: *re = ((const float *)p)[i]; *im = 0; break;
    case DLOPS_F64: *re = ((const double *)p)[i]; *im = 0; break;
    case DLOPS_C64: *re = ((const float *)p)[2 * i]; *im = ((const float *)p)[2 * i + 1]; break;
    default: *re = ((const double *)p)[2 * i]; *im = ((const double *)p)[2 * i + 1]; break;
  }
}
static inline void store(void *p, dlops_dtype t, int64_t i, double re, double im) {
  switch (t) {
    case DLOPS_F32: ((float *)p)[i] = (float)re; break;
    case DLOPS_F64: ((double *)p)[i] = re; break;
    case DLOPS_C64: ((float *)p)[2 * i] = (float)re; ((float *)p)[2 * i + 1] = (float)im; break;
    default: ((double *)p)[2 * i] = re; ((double *)p)[2 * i + 1] = im; break;
  }
}

/* Accurate summation: plain sums over blocks of 128, Kahan-compensated across blocks. */
typedef struct {
  double sum, comp, block;
  int n;
} acc_t;
static inline void acc_add(acc_t *a, double v) {
  a->block += v;
  if (++a->n == 128) {
    double y = a->block - a->comp, t = a->sum + y;
    a->comp = (t - a->sum) - y;
    a->sum = t;
    a->block = 0;
    a->n = 0;
  }
}
static inline double acc_get(const acc_t *a) { return a->sum + (a->block - a->comp); }

/* ---------------------------------------------------------------- element-wise operations */
int dlops_darray_fill(dlops_darray x, dlops_scalar v) {
  DLOPS_CALL(check_usable(x));
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(dlops_darray_fill(x->parts[i], v));
    return DLOPS_SUCCESS;
  }
  for (int64_t i = 0; i < x->nlocal; i++) store(x->data, x->dtype, i, v.re, v.im);
  return DLOPS_SUCCESS;
}

int dlops_darray_copy(dlops_darray x, dlops_darray y) {
  DLOPS_CALL(check_pair(x, y, 0, "copy"));
  if (x == y) return DLOPS_SUCCESS;
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(dlops_darray_copy(x->parts[i], y->parts[i]));
    return DLOPS_SUCCESS;
  }
  if (x->dtype == y->dtype) {
    memcpy(y->data, x->data, (size_t)x->nlocal * dlops_dtype_size(x->dtype));
    return DLOPS_SUCCESS;
  }
  for (int64_t i = 0; i < x->nlocal; i++) {
    double re, im;
    load(x->data, x->dtype, i, &re, &im);
    store(y->data, y->dtype, i, re, im);
  }
  return DLOPS_SUCCESS;
}

static int real_coef(dlops_darray x, dlops_scalar a, const char *what) {
  for (int i = 0; i < x->nparts; i++) DLOPS_CALL(real_coef(x->parts[i], a, what)); /* every component */
  DLOPS_CHECK(x->nparts || is_complex(x->dtype) || a.im == 0.0, x->ctx, DLOPS_ERR_ARG,
              "%s: complex coefficient (%g%+gi) for a real (%s) array", what, a.re, a.im, dlops_dtype_name(x->dtype));
  return DLOPS_SUCCESS;
}

int dlops_darray_axpby(dlops_scalar a, dlops_darray x, dlops_scalar b, dlops_darray y) {
  DLOPS_CALL(check_pair(x, y, 1, "axpby"));
  DLOPS_CALL(real_coef(x, a, "axpby"));
  DLOPS_CALL(real_coef(x, b, "axpby"));
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(dlops_darray_axpby(a, x->parts[i], b, y->parts[i]));
    return DLOPS_SUCCESS;
  }
  int64_t n = x->nlocal;
  switch (x->dtype) {
    case DLOPS_F32: for (int64_t i = 0; i < n; i++) dlops_k_axpby_rs(y->data, x->data, i, a.re, b.re); break;
    case DLOPS_F64: for (int64_t i = 0; i < n; i++) dlops_k_axpby_rd(y->data, x->data, i, a.re, b.re); break;
    case DLOPS_C64:
      for (int64_t i = 0; i < n; i++) dlops_k_axpby_cs(y->data, x->data, i, a.re, a.im, b.re, b.im);
      break;
    default:
      for (int64_t i = 0; i < n; i++) dlops_k_axpby_cd(y->data, x->data, i, a.re, a.im, b.re, b.im);
      break;
  }
  return DLOPS_SUCCESS;
}

int dlops_darray_scale(dlops_darray x, dlops_scalar a) {
  DLOPS_CALL(check_usable(x));
  DLOPS_CALL(real_coef(x, a, "scale"));
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(dlops_darray_scale(x->parts[i], a));
    return DLOPS_SUCCESS;
  }
  int64_t n = x->nlocal;
  switch (x->dtype) {
    case DLOPS_F32: for (int64_t i = 0; i < n; i++) dlops_k_scale_rs(x->data, i, a.re); break;
    case DLOPS_F64: for (int64_t i = 0; i < n; i++) dlops_k_scale_rd(x->data, i, a.re); break;
    case DLOPS_C64: for (int64_t i = 0; i < n; i++) dlops_k_scale_cs(x->data, i, a.re, a.im); break;
    default: for (int64_t i = 0; i < n; i++) dlops_k_scale_cd(x->data, i, a.re, a.im); break;
  }
  return DLOPS_SUCCESS;
}

int dlops_darray_conj(dlops_darray x) {
  DLOPS_CALL(check_usable(x));
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(dlops_darray_conj(x->parts[i]));
    return DLOPS_SUCCESS;
  }
  if (x->dtype == DLOPS_C64)
    for (int64_t i = 0; i < x->nlocal; i++) dlops_k_conj_cs(x->data, i);
  else if (x->dtype == DLOPS_C128)
    for (int64_t i = 0; i < x->nlocal; i++) dlops_k_conj_cd(x->data, i);
  return DLOPS_SUCCESS;
}

int dlops_darray_pointwise_mult(dlops_darray x, dlops_darray y, dlops_darray z) {
  DLOPS_CALL(check_pair(x, y, 1, "pointwise_mult"));
  DLOPS_CALL(check_pair(x, z, 1, "pointwise_mult"));
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(dlops_darray_pointwise_mult(x->parts[i], y->parts[i], z->parts[i]));
    return DLOPS_SUCCESS;
  }
  int64_t n = x->nlocal;
  switch (x->dtype) {
    case DLOPS_F32: for (int64_t i = 0; i < n; i++) dlops_k_mult_rs(z->data, x->data, y->data, i); break;
    case DLOPS_F64: for (int64_t i = 0; i < n; i++) dlops_k_mult_rd(z->data, x->data, y->data, i); break;
    case DLOPS_C64: for (int64_t i = 0; i < n; i++) dlops_k_mult_cs(z->data, x->data, y->data, i); break;
    default: for (int64_t i = 0; i < n; i++) dlops_k_mult_cd(z->data, x->data, y->data, i); break;
  }
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- dot products */
/* Local partial of sum conj?(x_i) y_i over the reduction range of a leaf. */
static void leaf_dot(dlops_darray x, dlops_darray y, int conj, double *re, double *im) {
  int64_t lo, hi;
  reduce_range(x, &lo, &hi);
  acc_t ar = {0, 0, 0, 0}, ai = {0, 0, 0, 0};
  if (!is_complex(x->dtype)) {
    if (x->dtype == DLOPS_F64) {
      const double *a = x->data, *b = y->data;
      for (int64_t i = lo; i < hi; i++) acc_add(&ar, a[i] * b[i]);
    } else {
      const float *a = x->data, *b = y->data;
      for (int64_t i = lo; i < hi; i++) acc_add(&ar, (double)a[i] * (double)b[i]);
    }
  } else {
    double s = conj ? -1.0 : 1.0;
    for (int64_t i = lo; i < hi; i++) {
      double xr, xi, yr, yi;
      load(x->data, x->dtype, i, &xr, &xi);
      load(y->data, y->dtype, i, &yr, &yi);
      xi *= s;
      acc_add(&ar, xr * yr - xi * yi);
      acc_add(&ai, xr * yi + xi * yr);
    }
  }
  *re = acc_get(&ar);
  *im = acc_get(&ai);
}

struct dlops_pending_s {
  dlops_ctx ctx;
  int n;
  double *r;            /* 2n sums being reduced */
  dlops_scalar *result; /* where end() writes */
  int *cplx;
  dlops_request req;
};

/* 1 if every leaf has the same mask colours on every rank: then all their groups are the same
 * ranks in the same order and one reduction on any of them covers every leaf. */
static int same_groups(dlops_darray *lv, int nl) {
  for (int i = 1; i < nl; i++)
    if (memcmp(lv[i]->colors, lv[0]->colors, sizeof(int) * (size_t)lv[0]->ctx->size)) return 0;
  return 1;
}

/* 1 if some leaf of x is complex (a stacked array may mix real and complex components). */
static int any_complex(dlops_darray x) {
  if (!x->nparts) return is_complex(x->dtype);
  for (int i = 0; i < x->nparts; i++)
    if (any_complex(x->parts[i])) return 1;
  return 0;
}

/* Local partial sums of the n pairs into r[2n]. When every leaf lives on the same groups (no
 * mask, or the same mask everywhere), *red is the communicator r must still be reduced on (the
 * world when unmasked); otherwise the per-leaf reductions are done here (blocking) and *red is
 * NULL. */
static int multi_dot_local(int n, const dlops_darray *xs, const dlops_darray *ys, const int *conj_first, double *r,
                           dlops_comm **red) {
  *red = NULL;
  dlops_ctx ctx = xs[0] ? xs[0]->ctx : NULL;
  for (int k = 0; k < n; k++) {
    DLOPS_CHECK(xs[k] && ys[k], ctx, DLOPS_ERR_ARG, "multi_dot: pair %d has a null darray", k);
    DLOPS_CALL(check_pair(xs[k], ys[k], 1, "dot"));
    DLOPS_CHECK(xs[k]->ctx == ctx, ctx, DLOPS_ERR_ARG, "multi_dot: pair %d lives on another context", k);
  }
  int nl = 0;
  for (int k = 0; k < n; k++) nl += count_leaves(xs[k]);
  dlops_darray *lx = malloc(sizeof(dlops_darray) * 2 * (size_t)nl);
  int *owner = malloc(sizeof(int) * (size_t)nl);
  double *buf = calloc((size_t)(2 * nl), sizeof(double));
  if (!lx || !owner || !buf) {
    free(lx);
    free(owner);
    free(buf);
    return DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate %d partial sums", nl);
  }
  dlops_darray *ly = lx + nl;
  int a = 0, b = 0;
  for (int k = 0; k < n; k++) {
    int a0 = a;
    collect_leaves(xs[k], lx, &a);
    collect_leaves(ys[k], ly, &b);
    for (int i = a0; i < a; i++) owner[i] = k;
  }
  for (int i = 0; i < nl; i++)
    leaf_dot(lx[i], ly[i], conj_first ? conj_first[owner[i]] : 0, &buf[2 * i], &buf[2 * i + 1]);
  memset(r, 0, sizeof(double) * 2 * (size_t)n);
  int err = 0;
  int uniform = same_groups(lx, nl);
  if (!uniform) /* leaves with different masks reduce within their own groups */
    for (int i = 0; i < nl && !err; i++)
      err = dlops_comm_allreduce(lx[i]->group, DLOPS_IN_PLACE, &buf[2 * i], 2, DLOPS_CT_F64, DLOPS_OP_SUM);
  for (int i = 0; i < nl; i++) {
    r[2 * owner[i]] += buf[2 * i];
    r[2 * owner[i] + 1] += buf[2 * i + 1];
  }
  if (uniform) *red = lx[0]->group;
  free(lx);
  free(owner);
  free(buf);
  return err;
}

static void multi_dot_store(int n, const dlops_darray *xs, const double *r, dlops_scalar *result) {
  for (int k = 0; k < n; k++) {
    result[k].re = r[2 * k];
    result[k].im = any_complex(xs[k]) ? r[2 * k + 1] : 0.0;
  }
}

int dlops_darray_multi_dot(int n, const dlops_darray *xs, const dlops_darray *ys, const int *conj_first,
                           dlops_scalar *result) {
  DLOPS_CHECK(n >= 1 && xs && ys && result, NULL, DLOPS_ERR_ARG, "multi_dot needs n >= 1 pairs and a result array");
  double stackbuf[16];
  double *r = n <= 8 ? stackbuf : malloc(sizeof(double) * 2 * (size_t)n);
  DLOPS_CHECK(r, xs[0] ? xs[0]->ctx : NULL, DLOPS_ERR_MEM, "cannot allocate %d sums", n);
  dlops_comm *red = NULL;
  int err = multi_dot_local(n, xs, ys, conj_first, r, &red);
  if (!err && red) /* one allreduce of n complex values */
    err = dlops_comm_allreduce(red, DLOPS_IN_PLACE, r, 2 * n, DLOPS_CT_F64, DLOPS_OP_SUM);
  if (!err) multi_dot_store(n, xs, r, result);
  if (r != stackbuf) free(r);
  return err;
}

int dlops_darray_multi_dot_begin(int n, const dlops_darray *xs, const dlops_darray *ys, const int *conj_first,
                                 dlops_scalar *result, dlops_pending *req) {
  DLOPS_CHECK(n >= 1 && xs && ys && result && req, NULL, DLOPS_ERR_ARG,
              "multi_dot_begin needs n >= 1 pairs, a result array and a request pointer");
  *req = NULL;
  dlops_ctx ctx = xs[0] ? xs[0]->ctx : NULL;
  struct dlops_pending_s *p = calloc(1, sizeof *p);
  double *r = malloc(sizeof(double) * 2 * (size_t)n);
  int *cplx = malloc(sizeof(int) * (size_t)n);
  if (!p || !r || !cplx) {
    free(p);
    free(r);
    free(cplx);
    return DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate a pending reduction");
  }
  dlops_comm *red = NULL;
  int err = multi_dot_local(n, xs, ys, conj_first, r, &red);
  /* masked arrays: the group communicator belongs to the arrays, so reduce now (blocking) */
  if (!err && red == ctx->world)
    err = dlops_comm_iallreduce(ctx->world, DLOPS_IN_PLACE, r, 2 * n, DLOPS_CT_F64, DLOPS_OP_SUM, &p->req);
  else if (!err && red)
    err = dlops_comm_allreduce(red, DLOPS_IN_PLACE, r, 2 * n, DLOPS_CT_F64, DLOPS_OP_SUM);
  if (err) {
    free(p);
    free(r);
    free(cplx);
    return err;
  }
  for (int k = 0; k < n; k++) cplx[k] = any_complex(xs[k]);
  p->ctx = ctx;
  p->n = n;
  p->r = r;
  p->result = result;
  p->cplx = cplx;
  *req = p;
  return DLOPS_SUCCESS;
}

int dlops_darray_multi_dot_end(dlops_pending *req) {
  DLOPS_CHECK(req && *req, NULL, DLOPS_ERR_ARG, "null pending reduction");
  struct dlops_pending_s *p = *req;
  *req = NULL;
  int err = dlops_comm_wait(p->ctx->world, &p->req, DLOPS_COMM_ALLREDUCE);
  if (!err)
    for (int k = 0; k < p->n; k++) {
      p->result[k].re = p->r[2 * k];
      p->result[k].im = p->cplx[k] ? p->r[2 * k + 1] : 0.0;
    }
  free(p->r);
  free(p->cplx);
  free(p);
  return err;
}

int dlops_darray_dot(dlops_darray x, dlops_darray y, dlops_scalar *result) {
  int c = 0;
  DLOPS_CHECK(x && y, NULL, DLOPS_ERR_ARG, "null darray handle");
  DLOPS_CHECK(result, x->ctx, DLOPS_ERR_ARG, "null result pointer");
  return dlops_darray_multi_dot(1, &x, &y, &c, result);
}

int dlops_darray_vdot(dlops_darray x, dlops_darray y, dlops_scalar *result) {
  int c = 1;
  DLOPS_CHECK(x && y, NULL, DLOPS_ERR_ARG, "null darray handle");
  DLOPS_CHECK(result, x->ctx, DLOPS_ERR_ARG, "null result pointer");
  return dlops_darray_multi_dot(1, &x, &y, &c, result);
}

/* ---------------------------------------------------------------- norms */
typedef enum { NK_POW, NK_MAX, NK_MIN, NK_COUNT } norm_kind;

static norm_kind kind_of(double ord) {
  if (isinf(ord)) return ord > 0 ? NK_MAX : NK_MIN;
  if (ord == 0) return NK_COUNT;
  return NK_POW;
}

static double leaf_norm_part(dlops_darray x, double ord) {
  int64_t lo, hi;
  reduce_range(x, &lo, &hi);
  norm_kind k = kind_of(ord);
  acc_t acc = {0, 0, 0, 0};
  double m = k == NK_MIN ? INFINITY : 0.0;
  for (int64_t i = lo; i < hi; i++) {
    double re, im, a;
    load(x->data, x->dtype, i, &re, &im);
    if (k == NK_COUNT) {
      acc_add(&acc, (re != 0.0 || im != 0.0) ? 1.0 : 0.0);
      continue;
    }
    if (k == NK_POW && ord == 2.0) {
      acc_add(&acc, re * re + im * im);
      continue;
    }
    a = im == 0.0 ? fabs(re) : hypot(re, im);
    if (k == NK_MAX) {
      if (a > m || isnan(a)) m = a;
    } else if (k == NK_MIN) {
      if (a < m || isnan(a)) m = a;
    } else if (ord == 1.0) {
      acc_add(&acc, a);
    } else {
      acc_add(&acc, pow(a, ord));
    }
  }
  return (k == NK_MAX || k == NK_MIN) ? m : acc_get(&acc);
}

static double norm_finish(double s, double ord) {
  norm_kind k = kind_of(ord);
  if (k != NK_POW) return s;
  if (ord == 1.0) return s;
  return pow(s, 1.0 / ord);
}

int dlops_darray_norm(dlops_darray x, double ord, double *result) {
  DLOPS_CALL(check_usable(x));
  DLOPS_CHECK(result, x->ctx, DLOPS_ERR_ARG, "null result pointer");
  DLOPS_CHECK(!isnan(ord), x->ctx, DLOPS_ERR_ARG, "norm order is NaN");
  int nl = count_leaves(x);
  dlops_darray *lv = malloc(sizeof(dlops_darray) * (size_t)nl);
  double *part = malloc(sizeof(double) * (size_t)nl);
  if (!lv || !part) {
    free(lv);
    free(part);
    return DLOPS_ERROR(x->ctx, DLOPS_ERR_MEM, "cannot allocate partial norms");
  }
  int k = 0;
  collect_leaves(x, lv, &k);
  norm_kind nk = kind_of(ord);
  dlops_redop op = nk == NK_MAX ? DLOPS_OP_MAX : nk == NK_MIN ? DLOPS_OP_MIN : DLOPS_OP_SUM;
  double local = nk == NK_MIN ? INFINITY : 0.0;
  for (int i = 0; i < nl; i++) {
    part[i] = leaf_norm_part(lv[i], ord);
    if (op == DLOPS_OP_SUM)
      local += part[i];
    else if (op == DLOPS_OP_MAX)
      local = (part[i] > local || isnan(part[i])) ? part[i] : local;
    else
      local = (part[i] < local || isnan(part[i])) ? part[i] : local;
  }
  int err = 0;
  double s = local;
  if (same_groups(lv, nl)) { /* no mask, or the same mask on every leaf: one reduction */
    err = dlops_comm_allreduce(lv[0]->group, DLOPS_IN_PLACE, &s, 1, DLOPS_CT_F64, op);
  } else {
    s = nk == NK_MIN ? INFINITY : 0.0;
    for (int i = 0; i < nl && !err; i++) {
      err = dlops_comm_allreduce(lv[i]->group, DLOPS_IN_PLACE, &part[i], 1, DLOPS_CT_F64, op);
      if (op == DLOPS_OP_SUM)
        s += part[i];
      else if (op == DLOPS_OP_MAX)
        s = part[i] > s ? part[i] : s;
      else
        s = part[i] < s ? part[i] : s;
    }
  }
  free(lv);
  free(part);
  DLOPS_CALL(err);
  *result = norm_finish(s, ord);
  return DLOPS_SUCCESS;
}
