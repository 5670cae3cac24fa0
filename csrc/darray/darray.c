/* Distributed arrays: creation, layout agreement, stacking, queries and local access. */
#include <stdlib.h>
#include <string.h>

#include "darray_impl.h"
#include "../core/handle.h"

static const char *const partition_names[] = {"scatter", "broadcast", "unsafe_broadcast"};

const char *dlops_partition_name(dlops_partition p) {
  if ((int)p < 0 || (int)p > 2) return "?";
  return partition_names[p];
}


static void shape_str(char *buf, size_t len, int ndim, const int64_t *s) {
  size_t u = (size_t)snprintf(buf, len, "(");
  for (int d = 0; d < ndim && u < len; d++) u += (size_t)snprintf(buf + u, len - u, d ? ", %lld" : "%lld", (long long)s[d]);
  if (u < len) snprintf(buf + u, len - u, ")");
}

static void group_release(struct dlops_group_s **g) {
  if (!*g) return;
  if (--(*g)->refs == 0) {
    dlops_comm_destroy(&(*g)->comm);
    free(*g);
  }
  *g = NULL;
}

static void free_plain(dlops_darray x) {
  free(x->axis_sizes);
  free(x->axis_offsets);
  free(x->colors);
  free(x->group_offsets);
  if (x->owns_data && x->data) x->m->ops->free(x->m, x->data);
  free(x->mirror);
  dlops_darray_ghost_free(x);
  group_release(&x->grp);
}

int dlops_darray_check_handle(dlops_darray x) {
  DLOPS_CHECK(x != NULL, NULL, DLOPS_ERR_ARG, "null darray handle");
  DLOPS_CHECK(dlops_handle_kind(x) == DLOPS_H_DARRAY, NULL, DLOPS_ERR_STATE,
              "stale darray handle (the array was destroyed, or this is not a darray)");
  return DLOPS_SUCCESS;
}

/* a new array object: registered, one reference held by the caller */
static int adopt(dlops_darray x) {
  x->refcount = 1;
  x->user = 1;
  int err = dlops_handle_add(x, DLOPS_H_DARRAY);
  if (err)
    DLOPS_ERROR(x->ctx, err, "cannot register a darray handle");
  else
    x->ctx->nlive++;
  return err;
}

/* the inverse of adopt(): the handle becomes stale, the context loses a live object */
static void unadopt(dlops_darray x) {
  x->ctx->nlive--;
  dlops_handle_retire(x);
}

dlops_mem *dlops_darray_mem_of(dlops_ctx ctx, dlops_memspace mem, const char *what) {
  if ((int)mem < 0 || mem >= DLOPS_NUM_MEMSPACES) {
    DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "%s: unknown memory space %d", what, (int)mem);
    return NULL;
  }
  if (!ctx->mems[mem])
    DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED,
                "%s: the context has no %s memory (its spec is \"%s\": create it with mem=device, or mem=emu in "
                "test builds)",
                what, dlops_memspace_name(mem), ctx->spec);
  return ctx->mems[mem];
}

/* Descriptor every rank sends at creation, to agree on the layout. */
enum { DESC_NDIM, DESC_AXIS, DESC_PART, DESC_DTYPE, DESC_MEM, DESC_HASN, DESC_HASMASK, DESC_LOCALN, DESC_COLOR,
       DESC_SHAPE, DESC_LEN = DESC_SHAPE + DLOPS_MAX_NDIM };

int dlops_darray_create_impl(dlops_ctx ctx, int ndim, const int64_t *gshape, int axis, dlops_partition part,
                             dlops_dtype dtype, int64_t local_n, int color, dlops_memspace mem, dlops_darray *out) {
  int err = dlops_ctx_check(ctx);
  if (err) return dlops_agree_orphan(err); /* joins the others' agreement on the only context */
  if (out) *out = NULL;
  dlops_comm *w = ctx->world;
  const int P = ctx->size, me = ctx->rank;
  /* 1. local argument checks, agreed so that no rank goes on alone */
  DLOPS_CHECK_COLL(out != NULL, ctx, err, DLOPS_ERR_ARG, "null output handle pointer");
  DLOPS_CHECK_COLL(ndim >= 1 && ndim <= DLOPS_MAX_NDIM, ctx, err, DLOPS_ERR_ARG, "ndim %d out of range [1,%d]", ndim,
                   DLOPS_MAX_NDIM);
  DLOPS_CHECK_COLL(gshape != NULL, ctx, err, DLOPS_ERR_ARG, "null global shape");
  if (!err) {
    if (axis < 0) axis += ndim;
    DLOPS_CHECK_COLL(axis >= 0 && axis < ndim, ctx, err, DLOPS_ERR_ARG, "axis %d out of range for %d dimensions", axis,
                     ndim);
    int64_t total = 1;
    for (int d = 0; d < ndim && !err; d++) {
      DLOPS_CHECK_COLL(gshape[d] >= 0, ctx, err, DLOPS_ERR_ARG, "global_shape[%d] = %lld is negative", d,
                       (long long)gshape[d]);
      if (!err && gshape[d] > 0) {
        DLOPS_CHECK_COLL(total <= INT64_MAX / 16 / gshape[d], ctx, err, DLOPS_ERR_ARG,
                         "global shape too large for 64-bit byte counts");
        total *= gshape[d];
      }
    }
  }
  DLOPS_CHECK_COLL((int)part >= 0 && (int)part <= 2, ctx, err, DLOPS_ERR_ARG, "unknown partition %d", (int)part);
  DLOPS_CHECK_COLL((int)dtype >= 0 && dtype < DLOPS_NUM_DTYPES, ctx, err, DLOPS_ERR_ARG, "unknown element type %d",
                   (int)dtype);
  dlops_mem *mobj = NULL;
  if (!err) {
    mobj = dlops_darray_mem_of(ctx, mem, "darray_create");
    if (!mobj) err = (int)mem < 0 || mem >= DLOPS_NUM_MEMSPACES ? DLOPS_ERR_ARG : DLOPS_ERR_UNSUPPORTED;
  }
  DLOPS_CHECK_COLL(local_n >= -1, ctx, err, DLOPS_ERR_ARG, "local size %lld must be >= 0 (or -1 for the default split)",
                   (long long)local_n);
  DLOPS_CHECK_COLL(color >= -1, ctx, err, DLOPS_ERR_ARG, "mask colour %d must be >= 0 (or -1 for no mask)", color);
  DLOPS_CALL(dlops_comm_agree(w, err));

  /* 2. every rank must describe the same array */
  int64_t desc[DESC_LEN] = {0};
  desc[DESC_NDIM] = ndim;
  desc[DESC_AXIS] = axis;
  desc[DESC_PART] = part;
  desc[DESC_DTYPE] = dtype;
  desc[DESC_MEM] = mem;
  desc[DESC_HASN] = local_n >= 0;
  desc[DESC_HASMASK] = color >= 0;
  desc[DESC_LOCALN] = local_n;
  desc[DESC_COLOR] = color;
  for (int d = 0; d < ndim; d++) desc[DESC_SHAPE + d] = gshape[d];
  int64_t *all = malloc(sizeof(int64_t) * DESC_LEN * (size_t)P);
  err = all ? 0 : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate layout table");
  DLOPS_CALL(dlops_comm_agree(w, err));
  err = dlops_comm_meta_allgather_i64(w, desc, DESC_LEN, all);
  if (err) {
    free(all);
    return err;
  }
  /* The table is identical on every rank, so these checks agree without communication. */
  static const char *const what[] = {"ndim", "axis", "partition", "dtype", "memory space", "local size given",
                                     "mask given"};
  for (int r = 1; r < P && !err; r++) {
    const int64_t *a = all, *b = all + (size_t)r * DESC_LEN;
    for (int k = DESC_NDIM; k <= DESC_HASMASK && !err; k++)
      if (a[k] != b[k])
        err = DLOPS_ERROR(ctx, DLOPS_ERR_SIZE,
                          "ranks disagree on the array's %s: rank 0 has %lld, rank %d has %lld%s", what[k],
                          (long long)a[k], r, (long long)b[k],
                          k >= DESC_HASN ? " (all ranks must pass -1, or none)" : "");
    for (int d = 0; d < ndim && !err; d++)
      if (a[DESC_SHAPE + d] != b[DESC_SHAPE + d]) {
        char s0[160], s1[160];
        shape_str(s0, sizeof s0, ndim, a + DESC_SHAPE);
        shape_str(s1, sizeof s1, ndim, b + DESC_SHAPE);
        err = DLOPS_ERROR(ctx, DLOPS_ERR_SIZE, "ranks disagree on the global shape: rank 0 has %s, rank %d has %s", s0,
                          r, s1);
      }
  }
  /* Sizes along the axis: default split within each colour group, or as given. */
  int64_t *sizes = NULL, *goff = NULL;
  int gsize = 0, gindex = 0;
  if (!err) {
    sizes = malloc(sizeof(int64_t) * (size_t)P);
    if (!sizes) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate sizes");
  }
  if (!err) {
    int64_t n = gshape[axis];
    for (int r = 0; r < P; r++) {
      int64_t cr = all[(size_t)r * DESC_LEN + DESC_COLOR];
      int gs = 0, gi = 0;
      int64_t sum = 0;
      for (int q = 0; q < P; q++)
        if (all[(size_t)q * DESC_LEN + DESC_COLOR] == cr) {
          if (q < r) gi++;
          gs++;
          int64_t lq = all[(size_t)q * DESC_LEN + DESC_LOCALN];
          /* overflow-checked: local sizes near INT64_MAX must not wrap around to a valid sum */
          if (desc[DESC_HASN] && sum >= 0 && (lq > n || __builtin_add_overflow(sum, lq, &sum))) sum = -1;
        }
      if (r == me) {
        gsize = gs;
        gindex = gi;
      }
      if (part != DLOPS_SCATTER) {
        sizes[r] = n;
        if (desc[DESC_HASN] && all[(size_t)r * DESC_LEN + DESC_LOCALN] != n && !err)
          err = DLOPS_ERROR(ctx, DLOPS_ERR_SIZE, "rank %d gives local size %lld but a %s array holds all %lld rows", r,
                            (long long)all[(size_t)r * DESC_LEN + DESC_LOCALN], dlops_partition_name(part), (long long)n);
      } else if (desc[DESC_HASN]) {
        sizes[r] = all[(size_t)r * DESC_LEN + DESC_LOCALN];
        if (sum < 0 && !err)
          err = DLOPS_ERROR(ctx, DLOPS_ERR_SIZE,
                            "a local size along axis %d over the ranks of group %lld is larger than the global size "
                            "%lld (or the sizes overflow when added)",
                            axis, (long long)cr, (long long)n);
        else if (sum != n && !err)
          err = DLOPS_ERROR(ctx, DLOPS_ERR_SIZE,
                            "local sizes along axis %d add up to %lld over the ranks of group %lld, but the global size "
                            "is %lld",
                            axis, (long long)sum, (long long)cr, (long long)n);
      } else {
        sizes[r] = dlops_split_size(n, gs, gi);
      }
    }
  }
  /* 3. the group communicator (split is collective: every rank gets here when err is uniform) */
  struct dlops_group_s *grp = NULL;
  if (!err && color >= 0) {
    grp = calloc(1, sizeof *grp);
    int e2 = grp ? 0 : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate a group");
    e2 = dlops_comm_agree(w, e2);
    if (e2) {
      free(grp);
      grp = NULL;
      err = e2;
    } else {
      grp->refs = 1;
      err = dlops_comm_split(w, color, me, &grp->comm);
      err = dlops_comm_agree(w, err);
      if (err) group_release(&grp);
    }
  }
  /* 4. the array itself */
  dlops_darray x = NULL;
  if (!err) {
    x = calloc(1, sizeof *x);
    goff = malloc(sizeof(int64_t) * (size_t)(gsize + 1));
    if (!x || !goff) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate a darray");
  }
  if (!err) {
    x->ctx = ctx;
    x->ndim = ndim;
    x->axis = axis;
    x->partition = part;
    x->dtype = dtype;
    x->mem = mem;
    x->m = mobj;
    x->color = color;
    x->grp = grp;
    grp = NULL;
    x->group = x->grp ? x->grp->comm : w;
    memcpy(x->gshape, gshape, sizeof(int64_t) * (size_t)ndim);
    memcpy(x->lshape, gshape, sizeof(int64_t) * (size_t)ndim);
    x->lshape[axis] = sizes[me];
    x->axis_sizes = sizes;
    sizes = NULL;
    /* offsets of this group's ranks, in group order (= context rank order within the colour) */
    int k = 0;
    goff[0] = 0;
    for (int r = 0; r < P; r++)
      if (all[(size_t)r * DESC_LEN + DESC_COLOR] == color) {
        goff[k + 1] = goff[k] + (part == DLOPS_SCATTER ? x->axis_sizes[r] : 0);
        k++;
      }
    x->group_offsets = goff;
    goff = NULL;
    x->axis_offsets = malloc(sizeof(int64_t) * (size_t)P);
    x->colors = malloc(sizeof(int) * (size_t)P);
    if (!x->axis_offsets || !x->colors) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate layout tables");
    for (int r = 0; r < P && !err; r++) {
      x->colors[r] = (int)all[(size_t)r * DESC_LEN + DESC_COLOR];
      x->axis_offsets[r] = 0;
      if (part == DLOPS_SCATTER)
        for (int q = 0; q < r; q++)
          if (all[(size_t)q * DESC_LEN + DESC_COLOR] == x->colors[r]) x->axis_offsets[r] += x->axis_sizes[q];
    }
    x->offset = part == DLOPS_SCATTER ? x->group_offsets[gindex] : 0;
    x->nlocal = 1;
    x->owns_data = 1;
    for (int d = 0; d < ndim; d++) x->nlocal *= x->lshape[d];
    /* the table's own message (bytes and space; an injected fault says so: DLOPS_FAULT_ALLOC) */
    if (!err) err = mobj->ops->alloc(mobj, (size_t)x->nlocal * dlops_dtype_size(dtype), &x->data);
  }
  free(all);
  free(sizes);
  free(goff);
  group_release(&grp);
  int registered = 0;
  if (!err) {
    err = adopt(x);
    registered = !err;
  }
  err = dlops_comm_agree(w, err);
  if (err) {
    if (x) {
      free_plain(x);
      if (registered)
        unadopt(x);
      else
        free(x);
    }
    return err;
  }
  *out = x;
  return DLOPS_SUCCESS;
}

int dlops_darray_create_view(dlops_ctx ctx, int64_t n, dlops_dtype dtype, dlops_memspace mem, void *data,
                             dlops_darray *out) {
  DLOPS_CHECK(ctx && out, ctx, DLOPS_ERR_ARG, "null context or output pointer");
  DLOPS_CHECK(ctx->size == 1, ctx, DLOPS_ERR_INTERNAL, "views live on one-rank contexts (this one has %d ranks)",
              ctx->size);
  DLOPS_CHECK(n >= 0 && data, ctx, DLOPS_ERR_INTERNAL, "bad view (n = %lld)", (long long)n);
  dlops_mem *mobj = dlops_darray_mem_of(ctx, mem, "view");
  if (!mobj) return DLOPS_ERR_INTERNAL;
  dlops_darray x = calloc(1, sizeof *x);
  DLOPS_CHECK(x, ctx, DLOPS_ERR_MEM, "cannot allocate a view");
  x->ctx = ctx;
  x->ndim = 1;
  x->gshape[0] = x->lshape[0] = n;
  x->axis = 0;
  x->partition = DLOPS_SCATTER;
  x->dtype = dtype;
  x->mem = mem;
  x->m = mobj;
  x->color = -1;
  x->group = ctx->world;
  x->axis_sizes = malloc(sizeof(int64_t));
  x->axis_offsets = calloc(1, sizeof(int64_t));
  x->colors = malloc(sizeof(int));
  x->group_offsets = malloc(2 * sizeof(int64_t));
  if (!x->axis_sizes || !x->axis_offsets || !x->colors || !x->group_offsets) {
    free_plain(x);
    free(x);
    return DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate a view");
  }
  x->axis_sizes[0] = n;
  x->colors[0] = -1;
  x->group_offsets[0] = 0;
  x->group_offsets[1] = n;
  x->nlocal = n;
  x->data = data;
  x->owns_data = 0;
  if (adopt(x)) {
    free_plain(x);
    free(x);
    return DLOPS_ERR_MEM;
  }
  *out = x;
  return DLOPS_SUCCESS;
}

int dlops_darray_create(dlops_ctx ctx, int ndim, const int64_t *global_shape, int axis, dlops_partition partition,
                        dlops_dtype dtype, dlops_darray *x) {
  int err = dlops_ctx_check(ctx);
  if (err) return dlops_agree_orphan(err);
  return dlops_darray_create_impl(ctx, ndim, global_shape, axis, partition, dtype, -1, -1, ctx->mem, x);
}

int dlops_darray_create_ext(dlops_ctx ctx, int ndim, const int64_t *global_shape, int axis, dlops_partition partition,
                            dlops_dtype dtype, int64_t local_n, int mask_color, dlops_memspace mem, dlops_darray *x) {
  return dlops_darray_create_impl(ctx, ndim, global_shape, axis, partition, dtype, local_n, mask_color, mem, x);
}

int dlops_darray_create_stacked(int n, const dlops_darray *parts, dlops_darray *out) {
  DLOPS_CHECK(out, NULL, DLOPS_ERR_ARG, "null output handle pointer");
  *out = NULL;
  DLOPS_CHECK(n >= 1 && parts, NULL, DLOPS_ERR_ARG, "a stacked array needs at least one component (n = %d)", n);
  for (int i = 0; i < n; i++) {
    DLOPS_CHECK(parts[i], NULL, DLOPS_ERR_ARG, "component %d is a null darray", i);
    DLOPS_CHECK(dlops_handle_kind(parts[i]) == DLOPS_H_DARRAY, NULL, DLOPS_ERR_STATE,
                "component %d is a stale darray handle (destroyed)", i);
    DLOPS_CHECK(parts[i]->ctx == parts[0]->ctx, parts[0]->ctx, DLOPS_ERR_ARG,
                "component %d lives on another context than component 0", i);
    DLOPS_CHECK(dlops_darray_same_space(parts[i], parts[0]), parts[0]->ctx, DLOPS_ERR_ARG,
                "component %d lives in %s memory, component 0 in %s memory: the components of a stacked array must "
                "share one memory space",
                i, parts[i]->m->ops->name, parts[0]->m->ops->name);
  }
  dlops_darray x = calloc(1, sizeof *x);
  DLOPS_CHECK(x, parts[0]->ctx, DLOPS_ERR_MEM, "cannot allocate a stacked darray");
  x->parts = malloc(sizeof(dlops_darray) * (size_t)n);
  if (!x->parts) {
    free(x);
    return DLOPS_ERROR(parts[0]->ctx, DLOPS_ERR_MEM, "cannot allocate a stacked darray");
  }
  x->ctx = parts[0]->ctx;
  x->nparts = n;
  x->dtype = parts[0]->dtype;
  x->mem = parts[0]->mem;
  x->m = parts[0]->m;
  x->color = -1;
  if (adopt(x)) {
    free(x->parts);
    free(x);
    return DLOPS_ERR_MEM;
  }
  for (int i = 0; i < n; i++) {
    x->parts[i] = parts[i];
    dlops_darray_retain(parts[i]);
  }
  *out = x;
  return DLOPS_SUCCESS;
}

int dlops_darray_duplicate(dlops_darray x, dlops_darray *out) {
  DLOPS_CHECK_DARRAY(x);
  DLOPS_CHECK(out, x->ctx, DLOPS_ERR_ARG, "null output handle pointer");
  *out = NULL;
  if (x->nparts) {
    dlops_darray *p = calloc((size_t)x->nparts, sizeof *p);
    DLOPS_CHECK(p, x->ctx, DLOPS_ERR_MEM, "cannot allocate components");
    int err = 0;
    for (int i = 0; i < x->nparts && !err; i++) err = dlops_darray_duplicate(x->parts[i], &p[i]);
    if (!err) err = dlops_darray_create_stacked(x->nparts, p, out);
    for (int i = 0; i < x->nparts; i++) dlops_darray_destroy(&p[i]);
    free(p);
    return err;
  }
  dlops_darray y = calloc(1, sizeof *y);
  DLOPS_CHECK(y, x->ctx, DLOPS_ERR_MEM, "cannot allocate a darray");
  *y = *x;
  y->borrowed = 0;
  y->owns_data = 1;
  y->mirror = NULL;
  y->ghost = NULL;
  y->data = NULL;
  int gs = x->group->size;
  const int P = x->ctx->size;
  y->axis_sizes = malloc(sizeof(int64_t) * (size_t)P);
  y->axis_offsets = malloc(sizeof(int64_t) * (size_t)P);
  y->colors = malloc(sizeof(int) * (size_t)P);
  y->group_offsets = malloc(sizeof(int64_t) * (size_t)(gs + 1));
  int aerr = y->m->ops->alloc(y->m, (size_t)x->nlocal * dlops_dtype_size(x->dtype), &y->data);
  if (aerr) y->data = NULL;
  if (!y->axis_sizes || !y->axis_offsets || !y->colors || !y->group_offsets || !y->data) {
    y->grp = NULL;
    free_plain(y);
    free(y);
    /* a failed data allocation keeps the table's message (an injected fault says so) */
    return aerr ? aerr : DLOPS_ERROR(x->ctx, DLOPS_ERR_MEM, "cannot allocate %lld elements", (long long)x->nlocal);
  }
  memcpy(y->axis_sizes, x->axis_sizes, sizeof(int64_t) * (size_t)P);
  memcpy(y->axis_offsets, x->axis_offsets, sizeof(int64_t) * (size_t)P);
  memcpy(y->colors, x->colors, sizeof(int) * (size_t)P);
  memcpy(y->group_offsets, x->group_offsets, sizeof(int64_t) * (size_t)(gs + 1));
  if (adopt(y)) {
    y->grp = NULL;
    free_plain(y);
    free(y);
    return DLOPS_ERR_MEM;
  }
  if (y->grp) y->grp->refs++;
  *out = y;
  return DLOPS_SUCCESS;
}

void dlops_darray_retain(dlops_darray x) { x->refcount++; }

void dlops_darray_release(dlops_darray *xp) {
  dlops_darray x = *xp;
  *xp = NULL;
  if (!x || --x->refcount > 0) return;
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) dlops_darray_release(&x->parts[i]);
    free(x->parts);
  } else {
    free_plain(x);
  }
  unadopt(x); /* unregistered now: any copy of the handle is stale */
}

int dlops_darray_destroy(dlops_darray *xp) {
  DLOPS_CHECK(xp, NULL, DLOPS_ERR_ARG, "null handle pointer");
  dlops_darray x = *xp;
  if (!x) return DLOPS_SUCCESS;
  DLOPS_CALL(dlops_darray_check_handle(x));
  DLOPS_CHECK(x->user, x->ctx, DLOPS_ERR_STATE,
              "darray already destroyed (through a copy of this handle; dlops still holds it for an operator or a "
              "stacked array)");
  *xp = NULL;
  x->user = 0;
  dlops_darray_release(&x);
  return DLOPS_SUCCESS;
}

static int layout_eq(dlops_darray x, dlops_darray y, int spaces) {
  if (x == y) return 1;
  if (x->nparts != y->nparts) return 0;
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++)
      if (!layout_eq(x->parts[i], y->parts[i], spaces)) return 0;
    return 1;
  }
  if (x->ctx != y->ctx || x->ndim != y->ndim || x->axis != y->axis || x->partition != y->partition ||
      x->color != y->color || (spaces && !dlops_darray_same_space(x, y)))
    return 0;
  for (int d = 0; d < x->ndim; d++)
    if (x->gshape[d] != y->gshape[d]) return 0;
  for (int r = 0; r < x->ctx->size; r++)
    if (x->axis_sizes[r] != y->axis_sizes[r]) return 0;
  return 1;
}

int dlops_darray_same_layout(dlops_darray x, dlops_darray y) { return layout_eq(x, y, 1); }
int dlops_darray_same_dtypes(dlops_darray x, dlops_darray y) {
  /* stacked differently: a layout difference, which the caller reports (DLOPS_ERR_SIZE); here
   * only the leading types are compared */
  if (x->nparts != y->nparts) return x->dtype == y->dtype;
  for (int i = 0; i < x->nparts; i++)
    if (!dlops_darray_same_dtypes(x->parts[i], y->parts[i])) return 0;
  return x->nparts || x->dtype == y->dtype;
}
int dlops_darray_same_shape(dlops_darray x, dlops_darray y) { return layout_eq(x, y, 0); }

/* ---------------------------------------------------------------- queries */
#define Q_BEGIN(x, p)                                                    \
  DLOPS_CHECK_DARRAY(x);                                                 \
  DLOPS_CHECK((p), (x)->ctx, DLOPS_ERR_ARG, "null output pointer")
#define Q_PLAIN(x)                                                       \
  DLOPS_CHECK(!(x)->nparts, (x)->ctx, DLOPS_ERR_STATE, "%s: not defined for a stacked darray (query a component)", __func__)

int dlops_darray_get_ctx(dlops_darray x, dlops_ctx *ctx) {
  Q_BEGIN(x, ctx);
  *ctx = x->ctx;
  return DLOPS_SUCCESS;
}
int dlops_darray_get_ndim(dlops_darray x, int *ndim) {
  Q_BEGIN(x, ndim);
  Q_PLAIN(x);
  *ndim = x->ndim;
  return DLOPS_SUCCESS;
}
int dlops_darray_get_global_shape(dlops_darray x, int64_t *shape) {
  Q_BEGIN(x, shape);
  Q_PLAIN(x);
  memcpy(shape, x->gshape, sizeof(int64_t) * (size_t)x->ndim);
  return DLOPS_SUCCESS;
}
int dlops_darray_get_local_shape(dlops_darray x, int64_t *shape) {
  Q_BEGIN(x, shape);
  Q_PLAIN(x);
  memcpy(shape, x->lshape, sizeof(int64_t) * (size_t)x->ndim);
  return DLOPS_SUCCESS;
}
int dlops_darray_get_axis(dlops_darray x, int *axis) {
  Q_BEGIN(x, axis);
  Q_PLAIN(x);
  *axis = x->axis;
  return DLOPS_SUCCESS;
}
int dlops_darray_get_partition(dlops_darray x, dlops_partition *p) {
  Q_BEGIN(x, p);
  Q_PLAIN(x);
  *p = x->partition;
  return DLOPS_SUCCESS;
}
int dlops_darray_get_dtype(dlops_darray x, dlops_dtype *t) {
  Q_BEGIN(x, t);
  *t = x->dtype;
  return DLOPS_SUCCESS;
}
int dlops_darray_get_memspace(dlops_darray x, dlops_memspace *m) {
  Q_BEGIN(x, m);
  *m = x->mem;
  return DLOPS_SUCCESS;
}
int dlops_darray_get_mask_color(dlops_darray x, int *c) {
  Q_BEGIN(x, c);
  Q_PLAIN(x);
  *c = x->color;
  return DLOPS_SUCCESS;
}
int dlops_darray_get_local_size(dlops_darray x, int64_t *n) {
  Q_BEGIN(x, n);
  if (x->nparts) {
    int64_t s = 0, t;
    for (int i = 0; i < x->nparts; i++) {
      DLOPS_CALL(dlops_darray_get_local_size(x->parts[i], &t));
      s += t;
    }
    *n = s;
  } else {
    *n = x->nlocal;
  }
  return DLOPS_SUCCESS;
}
int dlops_darray_get_global_size(dlops_darray x, int64_t *n) {
  Q_BEGIN(x, n);
  if (x->nparts) {
    int64_t s = 0, t;
    for (int i = 0; i < x->nparts; i++) {
      DLOPS_CALL(dlops_darray_get_global_size(x->parts[i], &t));
      s += t;
    }
    *n = s;
  } else {
    int64_t s = 1;
    for (int d = 0; d < x->ndim; d++) s *= x->gshape[d];
    *n = s;
  }
  return DLOPS_SUCCESS;
}
int dlops_darray_get_offset(dlops_darray x, int64_t *offset) {
  Q_BEGIN(x, offset);
  Q_PLAIN(x);
  *offset = x->offset;
  return DLOPS_SUCCESS;
}
int dlops_darray_get_axis_sizes(dlops_darray x, int64_t *sizes) {
  Q_BEGIN(x, sizes);
  Q_PLAIN(x);
  memcpy(sizes, x->axis_sizes, sizeof(int64_t) * (size_t)x->ctx->size);
  return DLOPS_SUCCESS;
}
int dlops_darray_is_stacked(dlops_darray x, int *stacked) {
  Q_BEGIN(x, stacked);
  *stacked = x->nparts > 0;
  return DLOPS_SUCCESS;
}
int dlops_darray_stacked_count(dlops_darray x, int *n) {
  Q_BEGIN(x, n);
  *n = x->nparts ? x->nparts : 1;
  return DLOPS_SUCCESS;
}
int dlops_darray_stacked_get(dlops_darray x, int i, dlops_darray *part) {
  Q_BEGIN(x, part);
  DLOPS_CHECK(x->nparts, x->ctx, DLOPS_ERR_STATE, "not a stacked darray");
  DLOPS_CHECK(i >= 0 && i < x->nparts, x->ctx, DLOPS_ERR_ARG, "component %d out of range [0,%d)", i, x->nparts);
  *part = x->parts[i];
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- local access */
int dlops_darray_host_data(dlops_darray x, int read, void **p) {
  if (x->m->ops->space == DLOPS_MEM_HOST) {
    *p = x->data;
    return DLOPS_SUCCESS;
  }
  size_t bytes = (size_t)x->nlocal * dlops_dtype_size(x->dtype);
  if (!x->mirror) {
    x->mirror = malloc(bytes ? bytes : 1);
    DLOPS_CHECK(x->mirror, x->ctx, DLOPS_ERR_MEM, "cannot allocate a host copy of %lld elements", (long long)x->nlocal);
  }
  if (read && bytes) DLOPS_CALL(x->m->ops->copy(x->m, x->mirror, DLOPS_MEM_HOST, x->data, DLOPS_MEM_DEVICE, bytes, 0));
  *p = x->mirror;
  return DLOPS_SUCCESS;
}

int dlops_darray_host_commit(dlops_darray x) {
  if (x->m->ops->space == DLOPS_MEM_HOST || !x->nlocal) return DLOPS_SUCCESS;
  return x->m->ops->copy(x->m, x->data, DLOPS_MEM_DEVICE, x->mirror, DLOPS_MEM_HOST,
                         (size_t)x->nlocal * dlops_dtype_size(x->dtype), 0);
}

static int borrow(dlops_darray x, dlops_memspace mem, int read_only, void **ptr) {
  Q_BEGIN(x, ptr);
  DLOPS_CHECK(!x->nparts, x->ctx, DLOPS_ERR_STATE, "a stacked darray has no single local block: get a component");
  DLOPS_CHECK(!x->borrowed, x->ctx, DLOPS_ERR_STATE, "local data already borrowed: restore it first");
  DLOPS_CHECK(mem == DLOPS_MEM_HOST || mem == DLOPS_MEM_DEVICE, x->ctx, DLOPS_ERR_ARG, "unknown memory space %d",
              (int)mem);
  if (mem == x->mem) {
    *ptr = x->data;
    x->borrowed = read_only ? DLOPS_BORROW_DATA_READ : DLOPS_BORROW_DATA;
    return DLOPS_SUCCESS;
  }
  DLOPS_CHECK(mem == DLOPS_MEM_HOST, x->ctx, DLOPS_ERR_UNSUPPORTED,
              "the array lives in host memory and has no device copy (create device arrays on a context with "
              "mem=device, or mem=emu in test builds, and move data with dlops_darray_copy)");
  DLOPS_CALL(dlops_darray_host_data(x, 1, ptr));
  x->borrowed = read_only ? DLOPS_BORROW_MIRROR_READ : DLOPS_BORROW_MIRROR;
  return DLOPS_SUCCESS;
}

int dlops_darray_get_local(dlops_darray x, dlops_memspace mem, void **ptr) { return borrow(x, mem, 0, ptr); }

int dlops_darray_get_local_read(dlops_darray x, dlops_memspace mem, const void **ptr) {
  void *p = NULL;
  int err = borrow(x, mem, 1, ptr ? &p : NULL);
  if (!err) *ptr = p; /* on failure the caller's pointer is left as it was */
  return err;
}

static int restore(dlops_darray x, void **ptr, int read_only) {
  Q_BEGIN(x, ptr);
  DLOPS_CHECK(x->borrowed, x->ctx, DLOPS_ERR_STATE, "local data was not borrowed");
  int was_read = x->borrowed == DLOPS_BORROW_MIRROR_READ || x->borrowed == DLOPS_BORROW_DATA_READ;
  DLOPS_CHECK(was_read == read_only, x->ctx,
              DLOPS_ERR_STATE, "%s", read_only ? "the block was borrowed with dlops_darray_get_local: return it with "
              "dlops_darray_restore_local" : "the block was borrowed with dlops_darray_get_local_read: return it with "
              "dlops_darray_restore_local_read");
  const void *mine = x->borrowed == DLOPS_BORROW_DATA || x->borrowed == DLOPS_BORROW_DATA_READ ? x->data : x->mirror;
  DLOPS_CHECK(*ptr == mine, x->ctx, DLOPS_ERR_ARG, "pointer does not belong to this darray");
  int mode = x->borrowed;
  x->borrowed = 0;
  *ptr = NULL;
  if (mode == DLOPS_BORROW_MIRROR) DLOPS_CALL(dlops_darray_host_commit(x));
  return DLOPS_SUCCESS;
}

int dlops_darray_restore_local(dlops_darray x, void **ptr) { return restore(x, ptr, 0); }

int dlops_darray_restore_local_read(dlops_darray x, const void **ptr) {
  DLOPS_CHECK(ptr, x ? x->ctx : NULL, DLOPS_ERR_ARG, "null output pointer");
  void *p = (void *)*ptr;
  int err = restore(x, &p, 1);
  *ptr = p;
  return err;
}

static int sync_broadcast_rec(dlops_darray x) {
  if (x->nparts) {
    int err = 0; /* every component communicates, a failure is reported after all of them */
    for (int i = 0; i < x->nparts; i++) {
      int e = sync_broadcast_rec(x->parts[i]);
      if (!err) err = e;
    }
    return err;
  }
  if (x->partition != DLOPS_BROADCAST) return DLOPS_SUCCESS;
  return dlops_comm_bcast(x->group, x->data, x->nlocal, (dlops_ctype)x->dtype, 0, x->mem);
}

int dlops_darray_sync_broadcast(dlops_darray x) {
  int err = dlops_darray_check_handle(x);
  if (err) return dlops_agree_orphan(err); /* no communicator named: join the others' agreement */
  err = dlops_darray_check_usable(x);      /* every component alive and not borrowed */
  DLOPS_CALL(dlops_comm_agree(x->ctx->world, err));
  return sync_broadcast_rec(x);
}
