/* Global data movement of distributed arrays: scatter, gather, redistribute, ghost cells. */
#include <stdlib.h>
#include <string.h>

#include "darray_impl.h"

/* Copy an N-D box between a full array and a contiguous buffer (C order), in host memory.
 * pack = 1: full[start .. start+count) -> buf; pack = 0: buf -> full[...]. */
static void box_copy(dlops_ctx ctx, char *full, const int64_t *shape, int ndim, const int64_t *start,
                     const int64_t *count, size_t es, char *buf, int pack) {
  (void)dlops_mem_box(ctx->mems[DLOPS_MEM_HOST], es, ndim, shape, start, count, full, buf, pack); /* cannot fail */
}

static int64_t prod(const int64_t *s, int n) {
  int64_t p = 1;
  for (int d = 0; d < n; d++) p *= s[d];
  return p;
}

static int check_plain_usable(dlops_darray x, const char *what) {
  DLOPS_CHECK_DARRAY(x);
  DLOPS_CHECK(!x->borrowed, x->ctx, DLOPS_ERR_STATE, "%s: local data is borrowed: restore it first", what);
  return DLOPS_SUCCESS;
}

/* Elements per unit of the distributed axis (product of the other global dims). */
static int64_t slab_elems(dlops_darray x) {
  int64_t p = 1;
  for (int d = 0; d < x->ndim; d++)
    if (d != x->axis) p *= x->gshape[d];
  return p;
}

/* ---------------------------------------------------------------- scatter */
/* Scatter into the host block h of x (the data, or the mirror of a device array); every path
 * writes all of h. */
static int scatter_host(dlops_darray x, const char *global, int root, char *h) {
  dlops_ctx ctx = x->ctx;
  size_t es = dlops_dtype_size(x->dtype);
  const int P = ctx->size;
  if (x->partition != DLOPS_SCATTER) {
    if (root < 0) {
      memcpy(h, global, (size_t)x->nlocal * es);
      return DLOPS_SUCCESS;
    }
    if (ctx->rank == root) memcpy(h, global, (size_t)x->nlocal * es);
    return dlops_comm_bcast(ctx->world, h, x->nlocal, (dlops_ctype)x->dtype, root, DLOPS_MEM_HOST);
  }
  int64_t start[DLOPS_MAX_NDIM] = {0};
  if (root < 0) {
    start[x->axis] = x->offset;
    box_copy(ctx, (char *)global, x->gshape, x->ndim, start, x->lshape, es, h, 1);
    return DLOPS_SUCCESS;
  }
  int64_t *cnt = calloc((size_t)(4 * P), sizeof(int64_t));
  DLOPS_CHECK(cnt, ctx, DLOPS_ERR_MEM, "cannot allocate counts");
  int64_t *sc = cnt, *sd = cnt + P, *rc = cnt + 2 * P, *rd = cnt + 3 * P;
  int64_t slab = slab_elems(x);
  char *pack = NULL;
  int err = 0;
  if (ctx->rank == root) {
    int64_t tot = 0;
    for (int r = 0; r < P; r++) {
      sc[r] = slab * x->axis_sizes[r];
      sd[r] = tot;
      tot += sc[r];
    }
    pack = malloc((size_t)(tot > 0 ? tot : 1) * es);
    if (!pack) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate %lld elements", (long long)tot);
    for (int r = 0; r < P && !err; r++) {
      int64_t cshape[DLOPS_MAX_NDIM];
      memcpy(cshape, x->gshape, sizeof cshape);
      cshape[x->axis] = x->axis_sizes[r];
      start[x->axis] = x->axis_offsets[r];
      box_copy(ctx, (char *)global, x->gshape, x->ndim, start, cshape, es, pack + (size_t)sd[r] * es, 1);
    }
  }
  rc[root] = x->nlocal;
  err = dlops_comm_agree(ctx->world, err);
  if (!err) err = dlops_comm_alltoallv(ctx->world, pack, sc, sd, h, rc, rd, (dlops_ctype)x->dtype, DLOPS_MEM_HOST);
  free(pack);
  free(cnt);
  return err;
}

static int scatter_plain(dlops_darray x, const char *global, int root) {
  void *h = NULL;
  int err = dlops_darray_host_data(x, 0, &h);
  /* a failed allocation of the host copy must not leave the other ranks in the exchange */
  err = dlops_comm_agree(x->ctx->world, err);
  if (!err) err = scatter_host(x, global, root, h);
  if (!err) err = dlops_darray_host_commit(x);
  return err;
}

static int scatter_rec(dlops_darray x, const char **global, int root) {
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(scatter_rec(x->parts[i], global, root));
    return DLOPS_SUCCESS;
  }
  DLOPS_CALL(scatter_plain(x, *global, root));
  if (*global) *global += (size_t)prod(x->gshape, x->ndim) * dlops_dtype_size(x->dtype);
  return DLOPS_SUCCESS;
}

static int check_tree(dlops_darray x, const char *what) {
  DLOPS_CALL(check_plain_usable(x, what));
  for (int i = 0; i < x->nparts; i++) DLOPS_CALL(check_tree(x->parts[i], what));
  return DLOPS_SUCCESS;
}

/* Entry of a collective on x: a rank whose x is NULL or stale cannot name the communicator and
 * joins the others' agreement through dlops_agree_orphan (returns 1, *err its code); otherwise
 * *err is this rank's local check of x (every leaf alive and not borrowed), to be agreed. */
static int coll_entry(dlops_darray x, const char *what, int *err) {
  int e = dlops_darray_check_handle(x);
  if (e) {
    *err = dlops_agree_orphan(e);
    return 1;
  }
  *err = check_tree(x, what);
  return 0;
}

/* The root's checks (in range on this rank, the same on every rank: agreed with its checksum) and
 * the global buffer's (needed where data goes to or comes from it). */
static int root_agree(dlops_ctx ctx, int err, int root, const void *global) {
  DLOPS_CHECK_COLL(root >= -1 && root < ctx->size, ctx, err, DLOPS_ERR_ARG, "root %d out of range [-1,%d)", root,
                   ctx->size);
  if (root < 0 || ctx->rank == root)
    DLOPS_CHECK_COLL(global != NULL, ctx, err, DLOPS_ERR_ARG, "null global array on rank %d", ctx->rank);
  return dlops_agree_on(ctx, err, dlops_hash_bytes(0, &root, sizeof root), "roots");
}

int dlops_darray_scatter(dlops_darray x, const void *global, int root) {
  int err;
  if (coll_entry(x, "scatter", &err)) return err;
  dlops_ctx ctx = x->ctx;
  DLOPS_CALL(root_agree(ctx, err, root, global));
  const char *g = global;
  return scatter_rec(x, &g, root);
}

/* ---------------------------------------------------------------- gather */
static int gather_host(dlops_darray x, char *global, int root, const char *h) {
  dlops_ctx ctx = x->ctx;
  size_t es = dlops_dtype_size(x->dtype);
  dlops_comm *g = x->group;
  const int P = ctx->size;
  if (x->partition != DLOPS_SCATTER) {
    if (root < 0 || ctx->rank == root) memcpy(global, h, (size_t)x->nlocal * es);
    return DLOPS_SUCCESS;
  }
  /* Group members in group order are the context ranks of the same colour, ascending. */
  int gp = g->size;
  int *members = malloc(sizeof(int) * (size_t)(gp > 0 ? gp : 1));
  int64_t *cnt = calloc((size_t)(4 * gp), sizeof(int64_t));
  if (!members || !cnt) {
    free(members);
    free(cnt);
    return DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate counts");
  }
  int k = 0;
  for (int r = 0; r < P; r++)
    if (x->colors[r] == x->color) members[k++] = r;
  int64_t slab = slab_elems(x);
  int64_t *rc = cnt, *rd = cnt + gp, *sc = cnt + 2 * gp, *sd = cnt + 3 * gp;
  int64_t tot = 0;
  for (int q = 0; q < gp; q++) {
    rc[q] = slab * x->axis_sizes[members[q]];
    rd[q] = tot;
    tot += rc[q];
  }
  int groot = -1; /* root's index in this group, or -1 if root is elsewhere */
  if (root >= 0)
    for (int q = 0; q < gp; q++)
      if (members[q] == root) groot = q;
  int want = root < 0 || ctx->rank == root;
  /* axis 0: blocks land contiguous in rank order, straight into global */
  int direct = x->axis == 0 || x->ndim == 1;
  char *tmp = NULL;
  int err = 0;
  if (want && !direct) {
    tmp = malloc((size_t)(tot > 0 ? tot : 1) * es);
    if (!tmp) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate %lld elements", (long long)tot);
  }
  err = dlops_comm_agree(ctx->world, err);
  char *dst = direct ? global : tmp;
  if (!err) {
    if (root < 0) {
      err = dlops_comm_allgatherv(g, h, x->nlocal, dst, rc, rd, (dlops_ctype)x->dtype, DLOPS_MEM_HOST);
    } else if (groot >= 0) {
      sc[groot] = x->nlocal;
      if (g->rank != groot) memset(rc, 0, sizeof(int64_t) * (size_t)gp);
      err = dlops_comm_alltoallv(g, h, sc, sd, dst, rc, rd, (dlops_ctype)x->dtype, DLOPS_MEM_HOST);
      if (g->rank != groot) /* restore counts for the unpack loop (unused off root) */
        for (int q = 0; q < gp; q++) rc[q] = slab * x->axis_sizes[members[q]];
    }
  }
  if (!err && want && !direct) {
    int64_t start[DLOPS_MAX_NDIM] = {0}, cshape[DLOPS_MAX_NDIM];
    for (int q = 0; q < gp; q++) {
      memcpy(cshape, x->gshape, sizeof cshape);
      cshape[x->axis] = x->axis_sizes[members[q]];
      start[x->axis] = x->axis_offsets[members[q]];
      box_copy(ctx, global, x->gshape, x->ndim, start, cshape, es, tmp + (size_t)rd[q] * es, 0);
    }
  }
  free(tmp);
  free(members);
  free(cnt);
  return err;
}

static int gather_plain(dlops_darray x, char *global, int root) {
  void *h = NULL;
  int err = dlops_darray_host_data(x, 1, &h);
  err = dlops_comm_agree(x->ctx->world, err);
  return err ? err : gather_host(x, global, root, h);
}

static int gather_rec(dlops_darray x, char **global, int root) {
  if (x->nparts) {
    for (int i = 0; i < x->nparts; i++) DLOPS_CALL(gather_rec(x->parts[i], global, root));
    return DLOPS_SUCCESS;
  }
  DLOPS_CALL(gather_plain(x, *global, root));
  if (*global) *global += (size_t)prod(x->gshape, x->ndim) * dlops_dtype_size(x->dtype);
  return DLOPS_SUCCESS;
}

int dlops_darray_gather(dlops_darray x, void *global, int root) {
  int err;
  if (coll_entry(x, "gather", &err)) return err;
  dlops_ctx ctx = x->ctx;
  DLOPS_CALL(root_agree(ctx, err, root, global));
  char *g = global;
  return gather_rec(x, &g, root);
}

/* ---------------------------------------------------------------- redistribute */
/* The part of a global array (shape gshape) held by block X (rows [xo, xo + xn) of axis ax)
 * that block Y (rows [yo, yo + yn) of axis ay) also holds, as a box in X's local coordinates.
 * Returns its number of elements (0 when they do not meet). */
static int64_t common_box(const int64_t *gshape, int nd, int ax, int64_t xo, int64_t xn, int ay, int64_t yo,
                          int64_t yn, int64_t *start, int64_t *count) {
  int64_t n = 1;
  for (int d = 0; d < nd; d++) {
    int64_t lo = 0, hi = gshape[d];
    if (d == ax) {
      lo = xo;
      hi = xo + xn;
    }
    if (d == ay) {
      lo = lo > yo ? lo : yo;
      hi = hi < yo + yn ? hi : yo + yn;
    }
    count[d] = hi > lo ? hi - lo : 0;
    start[d] = d == ax ? lo - xo : lo;
    n *= count[d];
  }
  return n;
}

int dlops_darray_redistribute(dlops_darray x, int new_axis, dlops_darray *out) {
  int err;
  if (coll_entry(x, "redistribute", &err)) return err;
  dlops_ctx ctx = x->ctx;
  DLOPS_CHECK_COLL(out, ctx, err, DLOPS_ERR_ARG, "null output handle pointer");
  if (out) *out = NULL;
  DLOPS_CHECK_COLL(!x->nparts, ctx, err, DLOPS_ERR_STATE, "redistribute: not defined for a stacked darray");
  DLOPS_CHECK_COLL(x->partition == DLOPS_SCATTER, ctx, err, DLOPS_ERR_ARG, "redistribute needs a SCATTER array, not %s",
                   dlops_partition_name(x->partition));
  if (new_axis < 0) new_axis += x->ndim;
  DLOPS_CHECK_COLL(new_axis >= 0 && new_axis < x->ndim, ctx, err, DLOPS_ERR_ARG,
                   "axis %d out of range for %d dimensions", new_axis, x->ndim);
  /* a differing axis is found by the creation of the result (DLOPS_ERR_SIZE, as for any layout) */
  DLOPS_CALL(dlops_comm_agree(ctx->world, err));
  dlops_darray y = NULL;
  DLOPS_CALL(dlops_darray_create_impl(ctx, x->ndim, x->gshape, new_axis, DLOPS_SCATTER, x->dtype, -1, x->color, x->mem,
                                      &y));
  if (new_axis == x->axis && !memcmp(x->axis_sizes, y->axis_sizes, sizeof(int64_t) * (size_t)ctx->size)) {
    int e = dlops_mem_copy(y->m, y->data, x->m, x->data, (size_t)x->nlocal * dlops_dtype_size(x->dtype), 0);
    if (e) {
      dlops_darray_destroy(&y);
      return e;
    }
    *out = y;
    return DLOPS_SUCCESS;
  }
  /* Exchange within the mask group: block of x on q  ∩  block of y on s. */
  dlops_comm *g = x->group;
  const int gp = g->size, P = ctx->size;
  size_t es = dlops_dtype_size(x->dtype);
  int *members = malloc(sizeof(int) * (size_t)gp);
  int64_t *cnt = calloc((size_t)(4 * gp), sizeof(int64_t));
  err = (!members || !cnt) ? DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate counts") : 0;
  char *sbuf = NULL, *rbuf = NULL;
  int64_t *sc = cnt, *sd = cnt + gp, *rc = cnt + 2 * gp, *rd = cnt + 3 * gp;
  const int a = x->axis, b = new_axis, nd = x->ndim;
  int64_t start[DLOPS_MAX_NDIM], c[DLOPS_MAX_NDIM];
  if (!err) {
    int k = 0;
    for (int r = 0; r < P; r++)
      if (x->colors[r] == x->color) members[k++] = r;
    /* send to r: my x block ∩ r's y block; receive from r: my y block ∩ r's x block */
    int64_t st = 0, rt = 0;
    for (int q = 0; q < gp; q++) {
      int r = members[q];
      sc[q] = common_box(x->gshape, nd, a, x->offset, x->lshape[a], b, y->axis_offsets[r], y->axis_sizes[r], start, c);
      sd[q] = st;
      st += sc[q];
      rc[q] = common_box(x->gshape, nd, b, y->offset, y->lshape[b], a, x->axis_offsets[r], x->axis_sizes[r], start, c);
      rd[q] = rt;
      rt += rc[q];
    }
    /* the exchange buffers live where the data lives: packing, exchange and unpacking never
     * leave the array's memory space (the communication layer stages device buffers if it must) */
    dlops_mem *m = x->m;
    int aerr = m->ops->alloc(m, (size_t)st * es, (void **)&sbuf);
    if (aerr) sbuf = NULL;
    if (sbuf && (aerr = m->ops->alloc(m, (size_t)rt * es, (void **)&rbuf))) rbuf = NULL;
    /* a failed table allocation keeps its own message (an injected fault says so) */
    if (!sbuf || !rbuf) err = aerr ? aerr : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate exchange buffers");
    for (int q = 0; q < gp && !err; q++) {
      int r = members[q];
      if (common_box(x->gshape, nd, a, x->offset, x->lshape[a], b, y->axis_offsets[r], y->axis_sizes[r], start, c))
        err = dlops_mem_box(m, es, nd, x->lshape, start, c, x->data, sbuf + (size_t)sd[q] * es, 1);
    }
  }
  err = dlops_comm_agree(ctx->world, err);
  if (!err) err = dlops_comm_alltoallv(g, sbuf, sc, sd, rbuf, rc, rd, (dlops_ctype)x->dtype, x->mem);
  for (int q = 0; q < gp && !err; q++) {
    int r = members[q];
    if (common_box(x->gshape, nd, b, y->offset, y->lshape[b], a, x->axis_offsets[r], x->axis_sizes[r], start, c))
      err = dlops_mem_box(y->m, es, nd, y->lshape, start, c, y->data, rbuf + (size_t)rd[q] * es, 0);
  }
  if (sbuf) x->m->ops->free(x->m, sbuf);
  if (rbuf) x->m->ops->free(x->m, rbuf);
  free(members);
  free(cnt);
  if (err) {
    dlops_darray_destroy(&y);
    return err;
  }
  *out = y;
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- ghost cells */
/* Ghost cell counts (>= 0) whose ghosted block could not be sized in 64-bit byte counts are
 * refused with DLOPS_ERR_ARG, whether or not this rank uses them (a count no block can hold). */
static int ghost_count_check(dlops_darray x, int64_t front, int64_t back) {
  int64_t slab = 1;
  for (int d = 0; d < x->ndim; d++)
    if (d != x->axis && x->lshape[d] > 0) slab *= x->lshape[d];
  int64_t limit = (INT64_MAX / 16 - x->lshape[x->axis]) / 2 / slab;
  DLOPS_CHECK(front <= limit && back <= limit, x->ctx, DLOPS_ERR_ARG,
              "ghost cell counts (%lld, %lld) overflow the byte count of the ghosted block (at most %lld each)",
              (long long)front, (long long)back, (long long)limit);
  return DLOPS_SUCCESS;
}

int dlops_darray_ghost_shape(dlops_darray x, int64_t front, int64_t back, int64_t *shape) {
  DLOPS_CHECK_DARRAY(x);
  DLOPS_CHECK(shape, x->ctx, DLOPS_ERR_ARG, "null output pointer");
  DLOPS_CHECK(!x->nparts, x->ctx, DLOPS_ERR_STATE, "ghost cells: not defined for a stacked darray");
  DLOPS_CHECK(front >= 0 && back >= 0, x->ctx, DLOPS_ERR_ARG, "ghost cell counts must be >= 0 (got %lld, %lld)",
              (long long)front, (long long)back);
  DLOPS_CALL(ghost_count_check(x, front, back));
  memcpy(shape, x->lshape, sizeof(int64_t) * (size_t)x->ndim);
  int r = x->group->rank, P = x->group->size;
  shape[x->axis] += (r > 0 ? front : 0) + (r < P - 1 ? back : 0);
  return DLOPS_SUCCESS;
}


/* Ghost-cell layouts are cached on the array, one per (front, back) this rank passed (a few at a
 * time, the least recently used replaced). What a rank sends depends on its neighbours'
 * arguments, so the first call with given arguments learns every rank's (one metadata allgather
 * over the context) and checks them; a later call reuses its layout when every rank holds one
 * learned from the same arguments everywhere. That is decided inside the call's argument
 * agreement, with no extra message: each rank adds to the record whether it has a layout for its
 * arguments and the checksum of the array's layout and of the vector of every rank's arguments
 * that layout was learned from, reduced by maximum (the checksum as its two 32-bit halves and
 * their negatives, so that the maximum equals the minimum exactly when all are equal). A hit needs
 * no rank without a layout and one checksum everywhere: then every layout comes from the same
 * vector, whose entry for each rank is that rank's current arguments (the key of its layout), so
 * it is the current vector and every cached count is what the learning path would compute.
 * Anything else takes the learning path, which reports bad arguments exactly as before. The cache
 * and its buffers are freed with the array (dlops_darray_ghost_free). */
#define GHOST_SLOTS 4

typedef struct {
  int used;
  int64_t front, back; /* this rank's arguments: the key */
  uint64_t sum;        /* checksum of the array layout and of every rank's (front, back) */
  uint64_t last;       /* use clock */
  int64_t send_prev, send_next, recv_prev, recv_next; /* slabs to / from the group neighbours */
} ghost_layout;

struct dlops_ghost_cache_s {
  ghost_layout slot[GHOST_SLOTS];
  uint64_t clock;
  uint64_t layout_sum; /* checksum of the array's layout (shape, axis, type, split, mask colours) */
  int64_t *args;       /* [5 * ctx size]: every rank's (front, back), then the group's, then its sizes */
  char *buf;           /* pack buffers for axes with outer dimensions (grown by the learning path) */
  size_t cap;
};

void dlops_darray_ghost_free(dlops_darray x) {
  if (!x || !x->ghost) return;
  free(x->ghost->args);
  free(x->ghost->buf);
  free(x->ghost);
  x->ghost = NULL;
}

static int ghost_cache(dlops_darray x, struct dlops_ghost_cache_s **out) {
  if (!x->ghost) {
    const int W = x->ctx->size;
    struct dlops_ghost_cache_s *gc = calloc(1, sizeof *gc);
    int64_t *a = malloc(sizeof(int64_t) * 5 * (size_t)W);
    if (!gc || !a) {
      free(gc);
      free(a);
      return DLOPS_ERROR(x->ctx, DLOPS_ERR_MEM, "cannot allocate the ghost-cell layout cache");
    }
    gc->args = a;
    int dt = (int)x->dtype;
    uint64_t h = dlops_hash_bytes(0, &x->ndim, sizeof x->ndim);
    h = dlops_hash_bytes(h, x->gshape, sizeof(int64_t) * (size_t)x->ndim);
    h = dlops_hash_bytes(h, &x->axis, sizeof x->axis);
    h = dlops_hash_bytes(h, &dt, sizeof dt);
    h = dlops_hash_bytes(h, x->axis_sizes, sizeof(int64_t) * (size_t)W);
    gc->layout_sum = dlops_hash_bytes(h, x->colors, sizeof(int) * (size_t)W);
    x->ghost = gc;
  }
  *out = x->ghost;
  return DLOPS_SUCCESS;
}

static ghost_layout *ghost_find(struct dlops_ghost_cache_s *gc, int64_t front, int64_t back) {
  for (int i = 0; i < GHOST_SLOTS; i++)
    if (gc->slot[i].used && gc->slot[i].front == front && gc->slot[i].back == back) return &gc->slot[i];
  return NULL;
}

/* Elements per slab of the distributed axis in the local block. */
static int64_t ghost_slab(dlops_darray x) {
  int64_t s = 1;
  for (int d = 0; d < x->ndim; d++)
    if (d != x->axis) s *= x->lshape[d];
  return s;
}

/* The learning path (collective over the context): every rank's arguments, the checks of what
 * each rank asks from its neighbours, the pack buffers; one agreement of the outcome. */
static int ghost_learn(dlops_darray x, struct dlops_ghost_cache_s *gc, int64_t front, int64_t back,
                       ghost_layout **out) {
  dlops_ctx ctx = x->ctx;
  dlops_comm *g = x->group; /* a plain array (a stacked one has no group) */
  const int W = ctx->size, r = g->rank, P = g->size;
  int64_t mine[2] = {front, back};
  DLOPS_CALL(dlops_comm_meta_allgather_i64(ctx->world, mine, 2, gc->args));
  /* the group's arguments and sizes along the axis, in group order (the context ranks of this
   * colour, ascending) */
  int64_t *t = gc->args + 2 * W, *ln = gc->args + 4 * W;
  for (int q = 0, k = 0; q < W; q++)
    if (x->colors[q] == x->color) {
      t[2 * k] = gc->args[2 * q];
      t[2 * k + 1] = gc->args[2 * q + 1];
      ln[k++] = x->axis_sizes[q];
    }
  int err = 0;
  for (int q = 0; q < P && !err; q++) {
    if (q + 1 < P && t[2 * (q + 1)] > ln[q])
      err = DLOPS_ERROR(ctx, DLOPS_ERR_SIZE, "rank %d asks for %lld front ghost cells but rank %d owns only %lld rows",
                        q + 1, (long long)t[2 * (q + 1)], q, (long long)ln[q]);
    if (!err && q > 0 && t[2 * (q - 1) + 1] > ln[q])
      err = DLOPS_ERROR(ctx, DLOPS_ERR_SIZE, "rank %d asks for %lld back ghost cells but rank %d owns only %lld rows",
                        q - 1, (long long)t[2 * (q - 1) + 1], q, (long long)ln[q]);
  }
  ghost_layout L = {1, front, back, 0, 0, 0, 0, 0, 0};
  L.send_next = r + 1 < P ? t[2 * (r + 1)] : 0;   /* my last slabs to r+1 */
  L.send_prev = r > 0 ? t[2 * (r - 1) + 1] : 0;   /* my first slabs to r-1 */
  L.recv_prev = r > 0 ? front : 0;
  L.recv_next = r + 1 < P ? back : 0;
  if (!err && dlops_darray_outer(x) > 1) {
    /* slabs are not contiguous: they travel through pack buffers */
    size_t need = (size_t)((L.send_next + L.send_prev + L.recv_prev + L.recv_next) * ghost_slab(x)) *
                  dlops_dtype_size(x->dtype);
    if (need > gc->cap) {
      char *nb = malloc(need);
      if (!nb) {
        err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate ghost buffers");
      } else {
        free(gc->buf);
        gc->buf = nb;
        gc->cap = need;
      }
    }
  }
  /* the checks are uniform within a mask group, an allocation may fail anywhere: every rank of
   * the context returns the same */
  DLOPS_CALL(dlops_comm_agree(ctx->world, err));
  L.sum = dlops_hash_bytes(gc->layout_sum, gc->args, sizeof(int64_t) * 2 * (size_t)W);
  ghost_layout *s = ghost_find(gc, front, back);
  for (int i = 0; i < GHOST_SLOTS && !s; i++)
    if (!gc->slot[i].used) s = &gc->slot[i];
  if (!s) {
    s = &gc->slot[0];
    for (int i = 1; i < GHOST_SLOTS; i++)
      if (gc->slot[i].last < s->last) s = &gc->slot[i];
  }
  *s = L;
  *out = s;
  return DLOPS_SUCCESS;
}

int dlops_darray_add_ghost_cells(dlops_darray x, int64_t front, int64_t back, void *ghosted) {
  int err;
  if (coll_entry(x, "add_ghost_cells", &err)) return err;
  dlops_ctx ctx = x->ctx;
  DLOPS_CHECK_COLL(!x->nparts, ctx, err, DLOPS_ERR_STATE, "ghost cells: not defined for a stacked darray");
  DLOPS_CHECK_COLL(x->partition == DLOPS_SCATTER, ctx, err, DLOPS_ERR_ARG, "ghost cells need a SCATTER array, not %s",
                   dlops_partition_name(x->partition));
  DLOPS_CHECK_COLL(front >= 0 && back >= 0, ctx, err, DLOPS_ERR_ARG, "ghost cell counts must be >= 0 (got %lld, %lld)",
                   (long long)front, (long long)back);
  if (!err) err = ghost_count_check(x, front, back);
  DLOPS_CHECK_COLL(ghosted != NULL, ctx, err, DLOPS_ERR_ARG, "null ghosted buffer");
  /* this rank's block in host memory (device arrays: the host copy, filled here; ghosted is host
   * memory) and its cached layout for these arguments, if any */
  void *hx = NULL;
  struct dlops_ghost_cache_s *gc = NULL;
  ghost_layout *L = NULL;
  if (!err) err = dlops_darray_host_data(x, 1, &hx);
  if (!err) err = ghost_cache(x, &gc);
  if (!err) L = ghost_find(gc, front, back);
  double v[5] = {1.0, 0.0, 0.0, 0.0, 0.0};
  if (L) {
    double hi = (double)(L->sum >> 32), lo = (double)(L->sum & 0xffffffffu);
    v[0] = 0.0;
    v[1] = hi;
    v[2] = lo;
    v[3] = -hi;
    v[4] = -lo;
  }
  /* the argument agreement, carrying the cache check (module comment above) */
  DLOPS_CALL(dlops_ctx_agree_ex(ctx, err, 0, NULL, 0, v, 5));
  if (!(v[0] == 0.0 && v[1] == -v[3] && v[2] == -v[4])) DLOPS_CALL(ghost_learn(x, gc, front, back, &L));
  L->last = ++gc->clock;
  dlops_comm *g = x->group;
  const int r = g->rank, P = g->size, ax = x->axis, nd = x->ndim;
  const size_t es = dlops_dtype_size(x->dtype);
  const int64_t slab = ghost_slab(x), n = x->lshape[ax];
  int64_t gshape[DLOPS_MAX_NDIM], start[DLOPS_MAX_NDIM] = {0}, c[DLOPS_MAX_NDIM];
  memcpy(gshape, x->lshape, sizeof gshape);
  gshape[ax] += L->recv_prev + L->recv_next;
  /* own block into the middle */
  memcpy(c, x->lshape, sizeof c);
  start[ax] = L->recv_prev;
  box_copy(ctx, ghosted, gshape, nd, start, c, es, hx, 0);
  /* slabs are contiguous when nothing precedes the axis: they travel from and to the blocks
   * themselves; otherwise through the pack buffers */
  const int direct = dlops_darray_outer(x) <= 1;
  char *sp, *sn, *rp, *rn;
  if (direct) {
    sp = hx;
    sn = (char *)hx + (size_t)((n - L->send_next) * slab) * es;
    rp = ghosted;
    rn = (char *)ghosted + (size_t)((L->recv_prev + n) * slab) * es;
  } else {
    sn = gc->buf;
    sp = sn + (size_t)(L->send_next * slab) * es;
    rp = sp + (size_t)(L->send_prev * slab) * es;
    rn = rp + (size_t)(L->recv_prev * slab) * es;
    memset(start, 0, sizeof start);
    c[ax] = L->send_next;
    start[ax] = n - L->send_next;
    box_copy(ctx, hx, x->lshape, nd, start, c, es, sn, 1);
    c[ax] = L->send_prev;
    start[ax] = 0;
    box_copy(ctx, hx, x->lshape, nd, start, c, es, sp, 1);
  }
  dlops_nbr_msg m[2];
  int nm = 0;
  if (r > 0) m[nm++] = (dlops_nbr_msg){r - 1, sp, L->send_prev * slab, rp, L->recv_prev * slab};
  if (r + 1 < P) m[nm++] = (dlops_nbr_msg){r + 1, sn, L->send_next * slab, rn, L->recv_next * slab};
  err = dlops_comm_neighbor(g, nm, m, (dlops_ctype)x->dtype, DLOPS_MEM_HOST);
  if (!err && !direct) {
    memset(start, 0, sizeof start);
    c[ax] = L->recv_prev;
    box_copy(ctx, ghosted, gshape, nd, start, c, es, rp, 0);
    c[ax] = L->recv_next;
    start[ax] = L->recv_prev + n;
    box_copy(ctx, ghosted, gshape, nd, start, c, es, rn, 0);
  }
  return err;
}
