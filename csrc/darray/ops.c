/* Vector operations on distributed arrays: fill, copy, axpby, scale, conj, pointwise product,
 * dot/vdot (fused), norms. Stacked arrays act as the concatenation of their components. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "darray_impl.h"

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

int dlops_darray_check_usable(dlops_darray x) {
  DLOPS_CHECK_DARRAY(x);
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(dlops_darray_check_usable(x->parts[i]));
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
  DLOPS_CALL(dlops_darray_check_usable(x));
  DLOPS_CALL(dlops_darray_check_usable(y));
  DLOPS_CHECK(x->ctx != y->ctx || dlops_darray_same_space(x, y), x->ctx, DLOPS_ERR_ARG,
              "%s: the arrays live in different memory spaces (%s and %s): move one into the other's space "
              "first with dlops_darray_copy",
              op, x->m->ops->name, y->m->ops->name);
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

/* ---------------------------------------------------------------- element-wise operations */
/* Every operation runs in the memory space of its leaf, through the space's table. */
int dlops_darray_fill(dlops_darray x, dlops_scalar v) {
  DLOPS_CALL(dlops_darray_check_usable(x));
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(dlops_darray_fill(x->parts[i], v));
    return DLOPS_SUCCESS;
  }
  return x->m->ops->fill(x->m, x->dtype, x->nlocal, v, x->data);
}

/* Copies between memory spaces keep the element type (a conversion runs in one space). */
static int check_copy_types(dlops_darray x, dlops_darray y) {
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(check_copy_types(x->parts[i], y->parts[i]));
    return DLOPS_SUCCESS;
  }
  DLOPS_CHECK(dlops_darray_same_space(x, y) || x->dtype == y->dtype, x->ctx, DLOPS_ERR_ARG,
              "copy from %s to %s memory converts no element types (%s to %s): convert within one space first",
              x->m->ops->name, y->m->ops->name, dlops_dtype_name(x->dtype), dlops_dtype_name(y->dtype));
  return DLOPS_SUCCESS;
}

static int copy_rec(dlops_darray x, dlops_darray y) {
  if (x == y) return DLOPS_SUCCESS;
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(copy_rec(x->parts[i], y->parts[i]));
    return DLOPS_SUCCESS;
  }
  if (x->dtype == y->dtype) /* within a space, or host <-> device */
    return dlops_mem_copy(y->m, y->data, x->m, x->data, (size_t)x->nlocal * dlops_dtype_size(x->dtype), 0);
  return x->m->ops->convert(x->m, x->nlocal, x->dtype, x->data, y->dtype, y->data);
}

int dlops_darray_copy(dlops_darray x, dlops_darray y) {
  DLOPS_CALL(dlops_darray_check_usable(x));
  DLOPS_CALL(dlops_darray_check_usable(y));
  DLOPS_CHECK(dlops_darray_same_shape(x, y), x->ctx, DLOPS_ERR_SIZE,
              "copy: the arrays have different layouts (global shape, axis, partition, split, mask or stacking)");
  DLOPS_CALL(check_copy_types(x, y));
  return copy_rec(x, y);
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
  return x->m->ops->axpby(x->m, x->dtype, x->nlocal, a, x->data, b, y->data);
}

int dlops_darray_scale(dlops_darray x, dlops_scalar a) {
  DLOPS_CALL(dlops_darray_check_usable(x));
  DLOPS_CALL(real_coef(x, a, "scale"));
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(dlops_darray_scale(x->parts[i], a));
    return DLOPS_SUCCESS;
  }
  return x->m->ops->scale(x->m, x->dtype, x->nlocal, a, x->data);
}

int dlops_darray_conj(dlops_darray x) {
  DLOPS_CALL(dlops_darray_check_usable(x));
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(dlops_darray_conj(x->parts[i]));
    return DLOPS_SUCCESS;
  }
  if (!is_complex(x->dtype)) return DLOPS_SUCCESS;
  return x->m->ops->conj(x->m, x->dtype, x->nlocal, x->data);
}

int dlops_darray_pointwise_mult(dlops_darray x, dlops_darray y, dlops_darray z) {
  DLOPS_CALL(check_pair(x, y, 1, "pointwise_mult"));
  DLOPS_CALL(check_pair(x, z, 1, "pointwise_mult"));
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(dlops_darray_pointwise_mult(x->parts[i], y->parts[i], z->parts[i]));
    return DLOPS_SUCCESS;
  }
  return x->m->ops->mult(x->m, x->dtype, x->nlocal, x->data, 0, y->data, z->data);
}

int dlops_darray_map(dlops_map_kind kind, double p0, double p1, dlops_darray x, dlops_darray y) {
  DLOPS_CHECK(x && y, NULL, DLOPS_ERR_ARG, "map: null darray handle");
  DLOPS_CHECK((int)kind >= 0 && kind < DLOPS_NUM_MAPS, x->ctx, DLOPS_ERR_ARG, "map: unknown map kind %d", (int)kind);
  const int box = kind == DLOPS_MAP_CLIP || kind == DLOPS_MAP_OUTSIDE;
  const int thr = kind <= DLOPS_MAP_HARD_CUT;
  DLOPS_CHECK(!box || (!isnan(p0) && !isnan(p1) && p0 <= p1), x->ctx, DLOPS_ERR_ARG,
              "map: the box [%g, %g] needs p0 <= p1 (no NaN)", p0, p1);
  DLOPS_CHECK(!thr || (p0 >= 0 && isfinite(p0)), x->ctx, DLOPS_ERR_ARG,
              "map: the threshold %g must be finite and >= 0", p0);
  DLOPS_CALL(check_pair(x, y, 1, "map"));
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(dlops_darray_map(kind, p0, p1, x->parts[i], y->parts[i]));
    return DLOPS_SUCCESS;
  }
  return x->m->ops->map(x->m, kind, p0, p1, x->dtype, x->nlocal, x->data, y->data);
}

/* Random values as a function of the global position: base is the global flat index of the
 * leaf's first element in the concatenation. */
static int fill_random_rec(dlops_darray x, uint64_t seed, double lo, double hi, uint64_t *base) {
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(fill_random_rec(x->parts[i], seed, lo, hi, base));
    return DLOPS_SUCCESS;
  }
  dlops_mem_rand r;
  memset(&r, 0, sizeof r);
  r.ndim = x->ndim;
  r.axis = x->axis;
  memcpy(r.gshape, x->gshape, sizeof r.gshape);
  memcpy(r.lshape, x->lshape, sizeof r.lshape);
  r.offset = x->partition == DLOPS_SCATTER ? x->offset : 0;
  r.base = *base;
  r.seed = seed;
  r.lo = lo;
  r.hi = hi;
  uint64_t g = 1;
  for (int d = 0; d < x->ndim; d++) g *= (uint64_t)x->gshape[d];
  *base += g;
  return x->m->ops->random(x->m, x->dtype, &r, x->data);
}

int dlops_darray_fill_random(dlops_darray x, unsigned long long seed, double lo, double hi) {
  DLOPS_CALL(dlops_darray_check_usable(x));
  DLOPS_CHECK(isfinite(lo) && isfinite(hi) && lo <= hi && isfinite(hi - lo), x->ctx, DLOPS_ERR_ARG,
              "fill_random: need finite lo <= hi with a finite width hi - lo (got %g, %g)", lo, hi);
  uint64_t base = 0;
  return fill_random_rec(x, seed, lo, hi, &base);
}

/* ---------------------------------------------------------------- reductions */
/* Local partials of nl leaves into the host array out, per doubles per leaf: dot products of
 * (lx[i], ly[i]) (per = 2) or norm partials of lx[i] of order ord (ly = NULL, per = 1), over
 * the leaves' reduction ranges. Device leaves compute into their space's scratch buffer, which
 * reaches the host in one copy: a reduction of device arrays costs one device-to-host copy of
 * its scalars, and the sums over ranks then run on the host (no device round trip). */
static int leaf_partials(int nl, dlops_darray *lx, dlops_darray *ly, const int *conj, double ord, double *out) {
  const int per = ly ? 2 : 1;
  dlops_mem *dev = NULL;
  double *scr = NULL;
  int ndev = 0;
  for (int i = 0; i < nl; i++) {
    dlops_darray x = lx[i];
    const int on_dev = x->m->ops->space == DLOPS_MEM_DEVICE;
    if (on_dev && !dev) {
      dev = x->m;
      void *p = NULL;
      DLOPS_CALL(dlops_mem_scratch(dev, sizeof(double) * (size_t)(per * nl), &p));
      scr = p;
    }
    double *dst = on_dev ? scr + per * i : out + per * i;
    ndev += on_dev;
    int64_t lo, hi;
    reduce_range(x, &lo, &hi);
    const size_t off = (size_t)lo * dlops_dtype_size(x->dtype);
    if (ly)
      DLOPS_CALL(x->m->ops->dot(x->m, x->dtype, hi - lo, (char *)x->data + off, (char *)ly[i]->data + off,
                                conj ? conj[i] : 0, dst));
    else
      DLOPS_CALL(x->m->ops->norm(x->m, x->dtype, hi - lo, (char *)x->data + off, ord, dst));
  }
  if (!ndev) return DLOPS_SUCCESS;
  if (ndev == nl) /* the usual case: every leaf on the device, one copy straight into out */
    return dev->ops->copy(dev, out, DLOPS_MEM_HOST, scr, DLOPS_MEM_DEVICE, sizeof(double) * (size_t)(per * nl), 0);
  double *tmp = malloc(sizeof(double) * (size_t)(per * nl));
  DLOPS_CHECK(tmp, dev->ctx, DLOPS_ERR_MEM, "cannot allocate %d partial sums", nl);
  int err = dev->ops->copy(dev, tmp, DLOPS_MEM_HOST, scr, DLOPS_MEM_DEVICE, sizeof(double) * (size_t)(per * nl), 0);
  for (int i = 0; i < nl && !err; i++)
    if (lx[i]->m->ops->space == DLOPS_MEM_DEVICE)
      for (int k = 0; k < per; k++) out[per * i + k] = tmp[per * i + k];
  free(tmp);
  return err;
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
  int *cj = malloc(sizeof(int) * (size_t)nl);
  int err = cj ? 0 : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate %d flags", nl);
  for (int i = 0; i < nl && !err; i++) cj[i] = conj_first ? conj_first[owner[i]] : 0;
  if (!err) err = leaf_partials(nl, lx, ly, cj, 0.0, buf);
  free(cj);
  memset(r, 0, sizeof(double) * 2 * (size_t)n);
  int uniform = same_groups(lx, nl);
  if (!uniform) /* leaves with different masks reduce within their own groups (all of them, always) */
    for (int i = 0; i < nl; i++) {
      int e2 = dlops_comm_allreduce(lx[i]->group, DLOPS_IN_PLACE, &buf[2 * i], 2, DLOPS_CT_F64, DLOPS_OP_SUM,
                                    DLOPS_MEM_HOST);
      if (!err) err = e2;
    }
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
    err = dlops_comm_allreduce(red, DLOPS_IN_PLACE, r, 2 * n, DLOPS_CT_F64, DLOPS_OP_SUM, DLOPS_MEM_HOST);
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
    err = dlops_comm_iallreduce(ctx->world, DLOPS_IN_PLACE, r, 2 * n, DLOPS_CT_F64, DLOPS_OP_SUM, &p->req,
                                DLOPS_MEM_HOST);
  else if (!err && red)
    err = dlops_comm_allreduce(red, DLOPS_IN_PLACE, r, 2 * n, DLOPS_CT_F64, DLOPS_OP_SUM, DLOPS_MEM_HOST);
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

static double norm_finish(double s, double ord) {
  norm_kind k = kind_of(ord);
  if (k != NK_POW) return s;
  if (ord == 1.0) return s;
  return pow(s, 1.0 / ord);
}

int dlops_darray_norm(dlops_darray x, double ord, double *result) {
  DLOPS_CALL(dlops_darray_check_usable(x));
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
  int err = leaf_partials(nl, lv, NULL, NULL, ord, part);
  for (int i = 0; i < nl && !err; i++) {
    if (op == DLOPS_OP_SUM)
      local += part[i];
    else if (op == DLOPS_OP_MAX)
      local = (part[i] > local || isnan(part[i])) ? part[i] : local;
    else
      local = (part[i] < local || isnan(part[i])) ? part[i] : local;
  }
  double s = local;
  if (err) {
    /* a local failure (allocation, device) still joins the reduction below, so no rank waits */
    s = nk == NK_MIN ? INFINITY : 0.0;
  }
  if (same_groups(lv, nl)) { /* no mask, or the same mask on every leaf: one reduction */
    int e2 = dlops_comm_allreduce(lv[0]->group, DLOPS_IN_PLACE, &s, 1, DLOPS_CT_F64, op, DLOPS_MEM_HOST);
    if (!err) err = e2;
  } else {
    s = nk == NK_MIN ? INFINITY : 0.0;
    for (int i = 0; i < nl; i++) { /* every rank joins every reduction, even after a local failure */
      int e2 = dlops_comm_allreduce(lv[i]->group, DLOPS_IN_PLACE, &part[i], 1, DLOPS_CT_F64, op, DLOPS_MEM_HOST);
      if (!err) err = e2;
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
