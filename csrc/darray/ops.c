/* Vector operations on distributed arrays: fill, copy, axpby, scale, conj, pointwise product,
 * dot/vdot (fused), norms. Stacked arrays act as the concatenation of their components. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "darray_impl.h"
#include "fused.h"
#include "../core/handle.h"
#include "../mem/exact.h"

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
static int real_coef(dlops_darray x, dlops_scalar a, const char *what);

int dlops_darray_fill(dlops_darray x, dlops_scalar v) {
  DLOPS_CALL(dlops_darray_check_usable(x));
  DLOPS_CALL(real_coef(x, v, "fill")); /* every component checked before any is written */
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

/* Every leaf's three arrays distinct, checked before any leaf is written. */
static int step_check(dlops_darray p, dlops_darray y, dlops_darray r) {
  if (p->nparts) {
    for (int i = 0; i < p->nparts; i++) DLOPS_CALL(step_check(p->parts[i], y->parts[i], r->parts[i]));
    return DLOPS_SUCCESS;
  }
  DLOPS_CHECK(p->data != y->data && p->data != r->data && (y->data != r->data || !p->nlocal), p->ctx,
              DLOPS_ERR_ARG, "step: p, y and r must be three different arrays");
  return DLOPS_SUCCESS;
}

static int step_leaf(dlops_scalar a, dlops_darray p, dlops_darray y, dlops_darray r, dlops_scalar b) {
  dlops_mem *m = p->m;
  if (!m->ops->step) { /* a memory space without the fused kernel: the two passes */
    DLOPS_CALL(m->ops->axpby(m, p->dtype, p->nlocal, a, p->data, (dlops_scalar){1.0, 0.0}, y->data));
    return m->ops->axpby(m, p->dtype, p->nlocal, (dlops_scalar){1.0, 0.0}, r->data, b, p->data);
  }
  return m->ops->step(m, p->dtype, p->nlocal, a, p->data, y->data, r->data, b);
}

static int step_parts(dlops_scalar a, dlops_darray p, dlops_darray y, dlops_darray r, dlops_scalar b) {
  if (!p->nparts) return step_leaf(a, p, y, r, b);
  for (int i = 0; i < p->nparts; i++) DLOPS_CALL(step_parts(a, p->parts[i], y->parts[i], r->parts[i], b));
  return DLOPS_SUCCESS;
}

int dlops_darray_step(dlops_scalar a, dlops_darray p, dlops_darray y, dlops_darray r, dlops_scalar b) {
  DLOPS_CALL(check_pair(p, y, 1, "step"));
  DLOPS_CALL(check_pair(p, r, 1, "step"));
  DLOPS_CALL(real_coef(p, a, "step"));
  DLOPS_CALL(real_coef(p, b, "step"));
  DLOPS_CALL(step_check(p, y, r));
  return step_parts(a, p, y, r, b);
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

/* Deterministic contexts: the partials of each leaf as exact accumulators (mem/exact.h), per
 * per leaf (2 for dots: real and imaginary part), normalised, in host memory. */
static int leaf_exact(int nl, dlops_darray *lx, dlops_darray *ly, const int *conj, double ord, dlops_exact *out) {
  const int per = ly ? 2 : 1;
  for (int i = 0; i < nl; i++) {
    dlops_darray x = lx[i];
    dlops_mem *m = x->m;
    DLOPS_CHECK(ly ? m->ops->dot_exact != NULL : m->ops->norm_exact != NULL, x->ctx, DLOPS_ERR_UNSUPPORTED,
                "deterministic reductions: the %s memory table has no exact %s kernel yet", m->ops->name,
                ly ? "dot" : "norm");
    const int on_dev = m->ops->space == DLOPS_MEM_DEVICE;
    dlops_exact *dst = out + per * i;
    if (on_dev) {
      void *p = NULL;
      DLOPS_CALL(dlops_mem_scratch(m, sizeof(dlops_exact) * (size_t)per, &p));
      dst = p;
    }
    int64_t lo, hi;
    reduce_range(x, &lo, &hi);
    const size_t off = (size_t)lo * dlops_dtype_size(x->dtype);
    if (ly)
      DLOPS_CALL(m->ops->dot_exact(m, (char *)x->data + off, (char *)ly[i]->data + off, hi - lo, x->dtype,
                                   conj ? conj[i] : 0, dst, per > 1 ? dst + 1 : NULL));
    else
      DLOPS_CALL(m->ops->norm_exact(m, (char *)x->data + off, hi - lo, x->dtype, ord, dst));
    if (on_dev)
      DLOPS_CALL(m->ops->copy(m, out + per * i, DLOPS_MEM_HOST, dst, DLOPS_MEM_DEVICE, sizeof(dlops_exact) * (size_t)per,
                              0));
  }
  return DLOPS_SUCCESS;
}

/* ---- agreed reductions
 * Every dot, vdot, multi_dot and norm is ONE agreed reduction on the context's world
 * communicator (comm/agree.c): the payload, the agreement of every rank's argument checks and
 * of a pending local failure, and a checksum of the scalars that must match (norm order,
 * conjugation flags) travel in the same message. A rank whose arguments are unusable (a NULL
 * array, an array borrowed by get_local) still joins with a failed record, so no rank waits.
 *
 * Payload layout: per pair (or per norm operand) one slot when every leaf is unmasked; masked
 * leaves get one slot per mask colour (in the order of the colour table every rank holds), each
 * rank adds its partial into its own colour's slot, and reads that slot back: the sums stay
 * within mask groups as in PyLops-MPI, in the same single message. */

/* 1 if some leaf of x is complex (a stacked array may mix real and complex components). */
static int any_complex(dlops_darray x) {
  if (!x->nparts) return is_complex(x->dtype);
  for (int i = 0; i < x->nparts; i++)
    if (any_complex(x->parts[i])) return 1;
  return 0;
}

/* Distinct colours of a leaf's ranks, and the index of this rank's colour. */
static int colour_slots(dlops_darray x, int *mine) {
  const int P = x->ctx->size;
  int n = 0;
  *mine = 0;
  if (x->color < 0) return 1;
  for (int r = 0; r < P; r++) {
    int seen = 0;
    for (int q = 0; q < r && !seen; q++) seen = x->colors[q] == x->colors[r];
    if (!seen) {
      if (x->colors[r] == x->color) *mine = n;
      n++;
    }
  }
  return n;
}

/* A reduction plan: where each pair's values live in the payload. */
typedef struct {
  int n;       /* pairs (dot) or 1 (norm) */
  int per;     /* doubles per slot: 2 (dot), 1 (norm) */
  int nv;      /* payload doubles */
  double *v;   /* payload */
  dlops_exact *x; /* deterministic sums: one exact accumulator per payload double (else NULL) */
  int *pick;   /* [npick] slots (in units of per) to sum for pair k: pick[pick_off[k] .. pick_off[k+1]) */
  int *pick_off;
} red_plan;

static void plan_free(red_plan *p) {
  free(p->v);
  free(p->x);
  free(p->pick);
  free(p->pick_off);
  memset(p, 0, sizeof *p);
}

/* Build the plan and the local partials of n operands (ys NULL: norms of order ord). Local. */
static int plan_build(red_plan *p, int n, const dlops_darray *xs, const dlops_darray *ys, const int *conj,
                      double ord, double neutral) {
  memset(p, 0, sizeof *p);
  p->n = n;
  p->per = ys ? 2 : 1;
  dlops_ctx ctx = xs[0]->ctx;
  const int exact = ctx->deterministic && neutral == 0.0; /* sums; max and min are exact already */
  dlops_exact *xpart = NULL;
  int nl = 0;
  for (int k = 0; k < n; k++) nl += count_leaves(xs[k]);
  dlops_darray *lx = malloc(sizeof(dlops_darray) * 2 * (size_t)nl);
  int *owner = malloc(sizeof(int) * (size_t)nl), *cj = malloc(sizeof(int) * (size_t)nl);
  double *part = malloc(sizeof(double) * 2 * (size_t)nl);
  p->pick = malloc(sizeof(int) * (size_t)nl);
  p->pick_off = malloc(sizeof(int) * (size_t)(n + 1));
  int err = 0;
  if (!lx || !owner || !cj || !part || !p->pick || !p->pick_off)
    err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate %d partial sums", nl);
  dlops_darray *ly = lx ? lx + nl : NULL;
  if (!err) {
    int a = 0, b = 0;
    for (int k = 0; k < n; k++) {
      int a0 = a;
      collect_leaves(xs[k], lx, &a);
      if (ys) collect_leaves(ys[k], ly, &b);
      for (int i = a0; i < a; i++) {
        owner[i] = k;
        cj[i] = conj ? conj[k] : 0;
      }
    }
    err = leaf_partials(nl, lx, ys ? ly : NULL, cj, ord, part);
    if (!err && exact) {
      xpart = malloc(sizeof(dlops_exact) * 2 * (size_t)nl);
      err = xpart ? leaf_exact(nl, lx, ys ? ly : NULL, cj, ord, xpart)
                  : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate %d exact accumulators", nl);
    }
  }
  /* slots: an unmasked pair gets one; a masked leaf one per colour */
  int nslots = 0, npick = 0;
  int *first = NULL;
  if (!err) {
    first = malloc(sizeof(int) * (size_t)nl);
    if (!first) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate a reduction plan");
  }
  if (!err) {
    int i = 0;
    for (int k = 0; k < n; k++) {
      p->pick_off[k] = npick;
      int i0 = i, masked = 0;
      while (i < nl && owner[i] == k) masked |= lx[i++]->color >= 0;
      if (!masked) {
        for (int j = i0; j < i; j++) first[j] = nslots;
        p->pick[npick++] = nslots++;
      } else {
        for (int j = i0; j < i; j++) {
          int mine, nc = colour_slots(lx[j], &mine);
          first[j] = nslots + mine;
          p->pick[npick++] = nslots + mine;
          nslots += nc;
        }
      }
    }
    p->pick_off[n] = npick;
    p->nv = nslots * p->per;
    p->v = malloc(sizeof(double) * (size_t)(p->nv ? p->nv : 1));
    if (exact) p->x = calloc((size_t)(p->nv ? p->nv : 1), sizeof(dlops_exact));
    if (!p->v || (exact && !p->x)) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate a reduction payload");
  }
  if (!err && exact) {
    for (int j = 0; j < nl; j++)
      for (int c = 0; c < p->per; c++) dlops_exact_merge(&p->x[first[j] * p->per + c], &xpart[j * p->per + c]);
    for (int j = 0; j < p->nv; j++) dlops_exact_normalize(&p->x[j]);
  }
  if (!err) {
    for (int j = 0; j < p->nv; j++) p->v[j] = neutral;
    for (int j = 0; j < nl; j++)
      for (int c = 0; c < p->per; c++) {
        double *d = &p->v[first[j] * p->per + c], s = part[j * p->per + c];
        if (neutral == 0.0)
          *d += s;
        else if (isnan(s) || isnan(*d))
          *d = NAN;
        else if (neutral < 0 ? s > *d : s < *d)
          *d = s;
      }
  }
  free(first);
  free(xpart);
  free(lx);
  free(owner);
  free(cj);
  free(part);
  if (err) plan_free(p);
  return err;
}

/* this rank's value of operand k, component c (sum over its picked slots) */
static double plan_value(const red_plan *p, int k, int c, double neutral) {
  double s = neutral;
  for (int j = p->pick_off[k]; j < p->pick_off[k + 1]; j++) {
    double v = p->v[p->pick[j] * p->per + c];
    if (neutral == 0.0)
      s += v;
    else if (isnan(v) || isnan(s))
      s = NAN;
    else if (neutral < 0 ? v > s : v < s)
      s = v;
  }
  return s;
}

/* The context of a multi_dot call, from the first usable handle (NULL if none). */
static dlops_ctx find_ctx(int n, const dlops_darray *xs, const dlops_darray *ys) {
  for (int k = 0; k < n && xs && ys; k++) {
    if (xs[k] && dlops_handle_kind(xs[k]) == DLOPS_H_DARRAY) return xs[k]->ctx;
    if (ys[k] && dlops_handle_kind(ys[k]) == DLOPS_H_DARRAY) return ys[k]->ctx;
  }
  return NULL;
}

/* Local checks of a multi_dot call (no communication). */
static int multi_dot_check(dlops_ctx ctx, int n, const dlops_darray *xs, const dlops_darray *ys, const int *conj_first,
                           const dlops_scalar *result) {
  DLOPS_CHECK(n >= 1 && xs && ys, ctx, DLOPS_ERR_ARG, "multi_dot needs n >= 1 pairs (got %d) and two array lists", n);
  DLOPS_CHECK(result, ctx, DLOPS_ERR_ARG, "null result pointer");
  for (int k = 0; k < n; k++) {
    DLOPS_CHECK(xs[k] && ys[k], ctx, DLOPS_ERR_ARG, "dot: pair %d has a null darray", k);
    DLOPS_CALL(check_pair(xs[k], ys[k], 1, "dot"));
    DLOPS_CHECK(xs[k]->ctx == ctx, ctx, DLOPS_ERR_ARG, "dot: pair %d lives on another context", k);
    DLOPS_CHECK(!conj_first || conj_first[k] == 0 || conj_first[k] == 1, ctx, DLOPS_ERR_ARG,
                "dot: conj_first[%d] = %d must be 0 or 1", k, conj_first[k]);
  }
  return DLOPS_SUCCESS;
}

struct dlops_pending_s {
  dlops_ctx ctx;
  int n;
  dlops_scalar *result; /* where end() writes */
  int *cplx;
  red_plan plan;
  dlops_red red;
};

static uint64_t conj_hash(int n, const int *conj_first) {
  uint64_t h = dlops_hash_bytes(0, &n, sizeof n);
  for (int k = 0; k < n && conj_first; k++) h = dlops_hash_bytes(h, &conj_first[k], sizeof(int));
  return h;
}

/* Start the agreed reduction of a multi_dot into p (every rank gets here, even with bad
 * arguments: those join with a failed record). */
static int multi_dot_start(struct dlops_pending_s *p, int n, const dlops_darray *xs, const dlops_darray *ys,
                           const int *conj_first, dlops_scalar *result, int err, int blocking) {
  dlops_ctx ctx = p->ctx;
  if (!err) err = multi_dot_check(ctx, n, xs, ys, conj_first, result);
  if (!err) {
    p->cplx = malloc(sizeof(int) * (size_t)n);
    if (!p->cplx) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate a pending reduction");
  }
  if (!err) err = plan_build(&p->plan, n, xs, ys, conj_first, 0.0, 0.0);
  if (!err)
    for (int k = 0; k < n; k++) p->cplx[k] = any_complex(xs[k]);
  p->n = n;
  p->result = result;
  memset(&p->red, 0, sizeof p->red);
  p->red.op = DLOPS_OP_SUM;
  p->red.n = err ? 0 : p->plan.nv;
  p->red.v = p->plan.v;
  p->red.x = p->plan.x ? p->plan.x[0].limb : NULL;
  p->red.xper = p->plan.x ? DLOPS_EXACT_LIMBS : 0;
  p->red.hash = conj_hash(err ? 0 : n, conj_first);
  p->red.what = "numbers of pairs or conjugation flags";
  if (err) p->red.hash = 0; /* a failed record: its checksum does not matter */
  p->red.blocking = blocking;
  return dlops_red_start(ctx->world, &p->red, err);
}

/* deterministic sums: the payload doubles are the correctly rounded exact sums */
static void plan_round(red_plan *p) {
  if (p->x)
    for (int j = 0; j < p->nv; j++) p->v[j] = dlops_exact_to_double(&p->x[j]);
}

static int multi_dot_finish(struct dlops_pending_s *p) {
  int err = dlops_red_finish(&p->red);
  if (!err) plan_round(&p->plan);
  if (!err)
    for (int k = 0; k < p->n; k++) {
      p->result[k].re = plan_value(&p->plan, k, 0, 0.0);
      p->result[k].im = p->cplx[k] ? plan_value(&p->plan, k, 1, 0.0) : 0.0;
    }
  plan_free(&p->plan);
  free(p->cplx);
  p->cplx = NULL;
  return err;
}

int dlops_darray_multi_dot(int n, const dlops_darray *xs, const dlops_darray *ys, const int *conj_first,
                           dlops_scalar *result) {
  struct dlops_pending_s p;
  memset(&p, 0, sizeof p);
  p.ctx = find_ctx(n, xs, ys);
  if (!p.ctx)
    return dlops_agree_orphan(DLOPS_ERROR(NULL, DLOPS_ERR_ARG, "multi_dot: no usable darray (null or destroyed handles)"));
  int err = multi_dot_start(&p, n, xs, ys, conj_first, result, 0, 1);
  if (err) {
    plan_free(&p.plan);
    free(p.cplx);
    return err;
  }
  return multi_dot_finish(&p);
}

int dlops_darray_multi_dot_begin(int n, const dlops_darray *xs, const dlops_darray *ys, const int *conj_first,
                                 dlops_scalar *result, dlops_pending *req) {
  dlops_ctx ctx = find_ctx(n, xs, ys);
  int err = 0;
  if (!ctx) {
    /* no array names the context: join the other ranks' non-blocking reduction on the only
     * multi-rank context with a failed record (a blocking agreement would not match it) */
    ctx = dlops_handle_only_ctx();
    if (!ctx) return DLOPS_ERROR(NULL, DLOPS_ERR_ARG, "multi_dot_begin: no usable darray (null or destroyed handles)");
    err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "multi_dot_begin: no usable darray (null or destroyed handles)");
  }
  if (!err && !req) err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "null request pointer");
  if (req) *req = NULL;
  struct dlops_pending_s *p = calloc(1, sizeof *p);
  struct dlops_pending_s local; /* a rank that cannot allocate still joins the agreement */
  if (!p && !err) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate a pending reduction");
  struct dlops_pending_s *q = p ? p : &local;
  memset(q, 0, sizeof *q);
  q->ctx = ctx;
  /* Bad arguments on this rank do not end the call here: the reduction starts with a failed
   * record and dlops_darray_multi_dot_end returns the agreed error on every rank. */
  int e2 = multi_dot_start(q, n, xs, ys, conj_first, result, err, 0);
  if (!e2 && !err && dlops_handle_add(p, DLOPS_H_PENDING)) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot register a request");
  if (e2 || err) {
    /* the reduction (if started) must still complete here so that no rank waits */
    if (q->red.active) dlops_red_finish(&q->red);
    plan_free(&q->plan);
    free(q->cplx);
    free(p);
    return err ? err : e2;
  }
  *req = p;
  ctx->nlive++; /* a pending reduction uses the context's communicator: it keeps the context */
  return DLOPS_SUCCESS;
}

int dlops_darray_multi_dot_end(dlops_pending *req) {
  DLOPS_CHECK(req && *req, NULL, DLOPS_ERR_ARG, "null pending reduction");
  DLOPS_CHECK(dlops_handle_kind(*req) == DLOPS_H_PENDING, NULL, DLOPS_ERR_STATE,
              "stale pending reduction (already ended)");
  struct dlops_pending_s *p = *req;
  *req = NULL;
  p->ctx->nlive--;
  int err = multi_dot_finish(p);
  dlops_handle_retire(p);
  return err;
}

int dlops_darray_dot(dlops_darray x, dlops_darray y, dlops_scalar *result) {
  int c = 0;
  return dlops_darray_multi_dot(1, &x, &y, &c, result);
}

int dlops_darray_vdot(dlops_darray x, dlops_darray y, dlops_scalar *result) {
  int c = 1;
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
  if (!x || dlops_handle_kind(x) != DLOPS_H_DARRAY)
    return dlops_agree_orphan(dlops_darray_check_handle(x));
  dlops_ctx ctx = x->ctx;
  int err = dlops_darray_check_usable(x);
  if (!err && !result) err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "null result pointer");
  if (!err && isnan(ord)) err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "norm order is NaN");
  norm_kind nk = err ? NK_POW : kind_of(ord);
  dlops_redop op = nk == NK_MAX ? DLOPS_OP_MAX : nk == NK_MIN ? DLOPS_OP_MIN : DLOPS_OP_SUM;
  double neutral = nk == NK_MIN ? INFINITY : nk == NK_MAX ? -INFINITY : 0.0;
  red_plan plan;
  memset(&plan, 0, sizeof plan);
  if (!err) err = plan_build(&plan, 1, &x, NULL, NULL, ord, neutral);
  dlops_red r;
  memset(&r, 0, sizeof r);
  r.op = err ? DLOPS_OP_NONE : op;
  r.n = err ? 0 : plan.nv;
  r.v = plan.v;
  r.x = plan.x ? plan.x[0].limb : NULL;
  r.xper = plan.x ? DLOPS_EXACT_LIMBS : 0;
  r.hash = dlops_hash_bytes(0, &ord, sizeof ord);
  r.what = "norm orders";
  err = dlops_red_run(ctx->world, &r, err);
  if (!err) plan_round(&plan);
  if (!err) {
    double s = plan_value(&plan, 0, 0, neutral);
    if (nk == NK_MAX && s == -INFINITY) s = 0.0; /* empty array */
    *result = norm_finish(s, ord);
  }
  plan_free(&plan);
  return err;
}
