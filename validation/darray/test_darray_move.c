/* Global data movement: scatter (root -1, 0, P-1) and gather (root -1, k) round trips for every
 * dtype, several shapes and axes, BROADCAST and masked arrays; redistribute from every axis to
 * every other one (2-D, 3-D, uneven and explicit sizes, masks); ghost cells with 0..3 front/back
 * cells along axis 0 and 1, per-rank counts, too many cells, and the neighbour byte counter.
 * Every result is compared bit for bit with a slice of the same global array computed here. */
#include "darray_check.h"

static int P, me;

/* colours for mask kind: 0 none, 1 rank % 2, 2 rank / 2 */
static int color_of(int kind, int r) { return kind == 0 ? -1 : kind == 1 ? r % 2 : r / 2; }

/* This rank's expected slab (size, offset) along the axis of a default-split array. */
static void my_slab(int64_t n, dlops_partition part, int kind, int64_t *len, int64_t *off) {
  if (part != DLOPS_SCATTER) {
    *len = n;
    *off = 0;
    return;
  }
  int *c = malloc(sizeof(int) * (size_t)P);
  for (int r = 0; r < P; r++) c[r] = color_of(kind, r);
  int gs, gi;
  t_group(c, P, me, &gs, &gi);
  *len = t_split_size(n, gs, gi);
  *off = t_split_off(n, gs, gi);
  free(c);
}

/* 1 if the local block of x equals the slab [off, off+len) of global along axis. */
static int local_matches(dlops_darray x, const void *global, int ndim, const int64_t *gshape, int axis, int64_t off,
                         int64_t len, dlops_dtype t) {
  size_t es = dlops_dtype_size(t), bytes = 0;
  int64_t ls[DLOPS_MAX_NDIM];
  memcpy(ls, gshape, sizeof(int64_t) * (size_t)ndim);
  ls[axis] = len;
  int64_t n = t_prod(ls, ndim);
  void *exp = malloc((size_t)(n > 0 ? n : 1) * es);
  t_extract(global, ndim, gshape, axis, off, len, es, exp);
  void *got = t_snapshot(x, &bytes);
  int ok = bytes == (size_t)n * es && memcmp(exp, got, bytes) == 0;
  free(exp);
  free(got);
  return ok;
}

static void test_scatter_gather(dlops_ctx ctx) {
  static const int64_t shapes[][3] = {{11}, {7, 5}, {4, 5, 3}, {2, 3}};
  static const int nds[] = {1, 2, 3, 2};
  char what[160];
  unsigned long long seed = 100;
  for (int s = 0; s < 4; s++) {
    int nd = nds[s];
    int64_t ng = t_prod(shapes[s], nd);
    for (int ax = -1; ax < nd; ax++) {
      for (int pi = 0; pi < 2; pi++) {
        dlops_partition part = (dlops_partition)pi;
        for (int kind = 0; kind < 3; kind++) {
          for (int ti = 0; ti < 4; ti++) {
            dlops_dtype t = t_dtypes[ti];
            /* all dtypes on the unmasked 2-D scatter, a rotating one elsewhere, to stay fast */
            if (!(s == 1 && pi == 0 && kind == 0) && ti != (s + ax + kind + pi + 4) % 4) continue;
            size_t es = dlops_dtype_size(t);
            int na = ax < 0 ? ax + nd : ax;
            dlops_darray x = NULL;
            T_CALL(dlops_darray_create_ext(ctx, nd, shapes[s], ax, part, t, -1, color_of(kind, me), dlops_test_mem, &x));
            if (!x) continue;
            int64_t len, off;
            my_slab(shapes[s][na], part, kind, &len, &off);
            int roots[3] = {-1, 0, P - 1};
            /* every root on unmasked arrays; -1 and P-1 with masks */
            for (int ri = kind ? 1 : 0; ri < 3; ri++) {
              if (kind && ri == 1) continue;
              int root = roots[ri];
              void *g = t_global(ng, t, ++seed);
              /* only the root's buffer is read: others pass NULL (root >= 0) */
              T_CALL(dlops_darray_scatter(x, (root < 0 || me == root) ? g : NULL, root));
              snprintf(what, sizeof what, "scatter shape #%d axis %d %s mask %d %s root %d", s, ax,
                       dlops_partition_name(part), kind, dlops_dtype_name(t), root);
              T_CHECK(local_matches(x, g, nd, shapes[s], na, off, len, t), "%s: wrong local block", what);
              /* gather to all */
              void *back = calloc((size_t)(ng > 0 ? ng : 1), es);
              T_CALL(dlops_darray_gather(x, back, -1));
              T_CHECK(!memcmp(back, g, (size_t)ng * es), "%s: gather(-1) differs from the global array", what);
              /* gather to one rank k: others pass NULL */
              int k = (ri + 1) % P;
              memset(back, 0, (size_t)ng * es);
              T_CALL(dlops_darray_gather(x, me == k ? back : NULL, k));
              if (me == k) T_CHECK(!memcmp(back, g, (size_t)ng * es), "%s: gather(%d) differs", what, k);
              /* a non-root rank that passes a buffer gets it untouched */
              memset(back, 0x5a, (size_t)ng * es);
              T_CALL(dlops_darray_gather(x, back, k));
              if (me != k) {
                int untouched = 1;
                for (size_t i = 0; i < (size_t)ng * es; i++) untouched &= ((unsigned char *)back)[i] == 0x5a;
                T_CHECK(untouched, "%s: gather(%d) wrote on rank %d", what, k, me);
              }
              free(back);
              free(g);
            }
            dlops_darray_destroy(&x);
          }
        }
      }
    }
  }
  /* explicit uneven local sizes: everything on the last rank, and rank r holds r rows */
  for (int pat = 0; pat < 2; pat++) {
    int64_t n = 0, mine = 0, off = 0;
    for (int r = 0; r < P; r++) {
      int64_t sz = pat == 0 ? (r == P - 1 ? 5 : 0) : r;
      if (r < me) off += sz;
      if (r == me) mine = sz;
      n += sz;
    }
    int64_t shape[2] = {3, n};
    dlops_darray x = NULL;
    T_CALL(dlops_darray_create_ext(ctx, 2, shape, 1, DLOPS_SCATTER, DLOPS_C64, mine, -1, dlops_test_mem, &x));
    void *g = t_global(3 * n, DLOPS_C64, 7 + (unsigned long long)pat);
    T_CALL(dlops_darray_scatter(x, me == 0 ? g : NULL, 0));
    T_CHECK(local_matches(x, g, 2, shape, 1, off, mine, DLOPS_C64), "explicit sizes pattern %d: scatter", pat);
    void *back = calloc((size_t)(3 * n + 1), 8);
    T_CALL(dlops_darray_gather(x, back, -1));
    T_CHECK(!memcmp(back, g, (size_t)(3 * n) * 8), "explicit sizes pattern %d: gather", pat);
    free(back);
    free(g);
    dlops_darray_destroy(&x);
  }
}

/* redistribute x (along a) to every axis b and back; masks and explicit source sizes */
static void test_redistribute(dlops_ctx ctx) {
  static const int64_t shapes[][3] = {{7, 5}, {5, 4, 3}, {2, 9}, {3, 1, 6}};
  static const int nds[] = {2, 3, 2, 3};
  char what[160];
  for (int s = 0; s < 4; s++) {
    int nd = nds[s];
    int64_t ng = t_prod(shapes[s], nd);
    for (int a = 0; a < nd; a++) {
      for (int kind = 0; kind < 3; kind++) {
        for (int expl = 0; expl < 2; expl++) {
          dlops_dtype t = t_dtypes[(s + a + kind + expl) % 4];
          size_t es = dlops_dtype_size(t);
          /* explicit source sizes: within each group, everything on its last member */
          int64_t ln = -1, xoff = 0, xlen = 0;
          if (expl) {
            int *c = malloc(sizeof(int) * (size_t)P);
            for (int r = 0; r < P; r++) c[r] = color_of(kind, r);
            int gs, gi;
            t_group(c, P, me, &gs, &gi);
            ln = gi == gs - 1 ? shapes[s][a] : 0;
            xoff = gi == gs - 1 ? 0 : shapes[s][a];
            xlen = ln;
            free(c);
          } else {
            my_slab(shapes[s][a], DLOPS_SCATTER, kind, &xlen, &xoff);
          }
          dlops_darray x = NULL;
          T_CALL(dlops_darray_create_ext(ctx, nd, shapes[s], a, DLOPS_SCATTER, t, ln, color_of(kind, me), dlops_test_mem,
                                         &x));
          if (!x) continue;
          void *g = t_global(ng, t, 1000 + (unsigned long long)(s * 100 + a * 10 + kind));
          T_CALL(dlops_darray_scatter(x, g, -1));
          size_t xb = 0;
          void *xs = t_snapshot(x, &xb);
          for (int b = a == 0 ? -1 : 0; b < nd; b++) { /* -1 once: the same as nd-1 */
            int nb = b < 0 ? b + nd : b;
            snprintf(what, sizeof what, "redistribute shape #%d axis %d -> %d mask %d explicit %d %s", s, a, b, kind, expl,
                     dlops_dtype_name(t));
            dlops_darray y = NULL;
            T_CALL(dlops_darray_redistribute(x, b, &y));
            if (!y) continue;
            int yax = -1, col = -2;
            dlops_partition yp;
            dlops_dtype yt;
            T_CALL(dlops_darray_get_axis(y, &yax));
            T_CALL(dlops_darray_get_partition(y, &yp));
            T_CALL(dlops_darray_get_dtype(y, &yt));
            T_CALL(dlops_darray_get_mask_color(y, &col));
            T_CHECK(yax == nb && yp == DLOPS_SCATTER && yt == t && col == color_of(kind, me), "%s: layout of the result",
                    what);
            int64_t ylen, yoff, got_off = -1;
            my_slab(shapes[s][nb], DLOPS_SCATTER, kind, &ylen, &yoff);
            T_CALL(dlops_darray_get_offset(y, &got_off));
            T_CHECK(got_off == yoff, "%s: offset %lld != %lld (default split expected)", what, (long long)got_off,
                    (long long)yoff);
            T_CHECK(local_matches(y, g, nd, shapes[s], nb, yoff, ylen, t), "%s: wrong data", what);
            T_CHECK(t_same_as_snapshot(x, xs, xb), "%s: the source changed", what);
            /* and back along a gives the source data again */
            dlops_darray z = NULL;
            T_CALL(dlops_darray_redistribute(y, a, &z));
            int64_t zlen, zoff;
            my_slab(shapes[s][a], DLOPS_SCATTER, kind, &zlen, &zoff);
            if (z) T_CHECK(local_matches(z, g, nd, shapes[s], a, zoff, zlen, t), "%s: round trip", what);
            /* gather of the redistributed array is the global array */
            void *back = calloc((size_t)ng, es);
            T_CALL(dlops_darray_gather(y, back, -1));
            T_CHECK(!memcmp(back, g, (size_t)ng * es), "%s: gather after redistribute", what);
            free(back);
            dlops_darray_destroy(&z);
            dlops_darray_destroy(&y);
          }
          (void)xoff;
          (void)xlen;
          free(xs);
          free(g);
          dlops_darray_destroy(&x);
        }
      }
    }
  }
}

/* Ghost cells. front(r)/back(r) are the counts rank r asks for. */
typedef int64_t (*cells_fn)(int r, int64_t base);
static int64_t same_cells(int r, int64_t base) { (void)r; return base; }
static int64_t rotating_cells(int r, int64_t base) { return (base + r) % 4; }

static void ghost_case(dlops_ctx ctx, int nd, const int64_t *gshape, int axis, dlops_dtype t, const int64_t *sizes,
                       int kind, cells_fn ffront, int64_t fb, cells_fn fback, int64_t bb, const char *label) {
  char what[200];
  size_t es = dlops_dtype_size(t);
  int *c = malloc(sizeof(int) * (size_t)P);
  for (int r = 0; r < P; r++) c[r] = color_of(kind, r);
  int gs, gi;
  t_group(c, P, me, &gs, &gi);
  /* sizes and requests of my group's members, in group order */
  int64_t *gsz = calloc((size_t)gs, sizeof(int64_t)), *fr = calloc((size_t)gs, sizeof(int64_t)),
          *bk = calloc((size_t)gs, sizeof(int64_t));
  for (int r = 0, k = 0; r < P; r++)
    if (c[r] == c[me]) {
      gsz[k] = sizes ? sizes[r] : t_split_size(gshape[axis], gs, k);
      fr[k] = ffront(r, fb);
      bk[k] = fback(r, bb);
      k++;
    }
  int expect_err = 0;
  for (int q = 0; q < gs; q++) {
    if (q > 0 && fr[q] > gsz[q - 1]) expect_err = 1;
    if (q < gs - 1 && bk[q] > gsz[q + 1]) expect_err = 1;
  }
  /* a request too large anywhere fails on every rank of the context */
  MPI_Allreduce(MPI_IN_PLACE, &expect_err, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  int64_t off = 0;
  for (int q = 0; q < gi; q++) off += gsz[q];
  int64_t front = fr[gi], back = bk[gi];
  snprintf(what, sizeof what, "ghost %s: shape (%lld,%lld%s) axis %d mask %d %s front %lld back %lld", label,
           (long long)gshape[0], nd > 1 ? (long long)gshape[1] : 0LL, nd > 2 ? ",..." : "", axis, kind, dlops_dtype_name(t),
           (long long)front, (long long)back);
  dlops_darray x = NULL;
  T_CALL(dlops_darray_create_ext(ctx, nd, gshape, axis, DLOPS_SCATTER, t, sizes ? sizes[me] : -1, c[me], dlops_test_mem,
                                 &x));
  int64_t ng = t_prod(gshape, nd);
  void *g = t_global(ng, t, 77 + (unsigned long long)(fb * 5 + bb)); /* same on every rank */
  if (x) T_CALL(dlops_darray_scatter(x, g, -1));
  size_t xb = 0;
  void *xs = x ? t_snapshot(x, &xb) : NULL;
  int64_t fr_eff = gi > 0 ? front : 0, bk_eff = gi < gs - 1 ? back : 0;
  int64_t gsh[DLOPS_MAX_NDIM] = {0};
  if (x) T_CALL(dlops_darray_ghost_shape(x, front, back, gsh));
  int64_t exp_shape[DLOPS_MAX_NDIM];
  memcpy(exp_shape, gshape, sizeof(int64_t) * (size_t)nd);
  exp_shape[axis] = gsz[gi] + fr_eff + bk_eff;
  for (int d = 0; d < nd; d++)
    T_CHECK(gsh[d] == exp_shape[d], "%s: ghost_shape[%d] = %lld, expected %lld", what, d, (long long)gsh[d],
            (long long)exp_shape[d]);
  int64_t ngh = t_prod(exp_shape, nd);
  void *gh = malloc((size_t)(ngh > 0 ? ngh : 1) * es);
  memset(gh, 0x33, (size_t)(ngh > 0 ? ngh : 1) * es);
  dlops_ctx_reset_counters(ctx);
  int err = x ? dlops_darray_add_ghost_cells(x, front, back, gh) : -1;
  int64_t nbytes = 0;
  t_calls(ctx, DLOPS_COMM_NEIGHBOR, &nbytes);
  if (expect_err) {
    T_CHECK(err == DLOPS_ERR_SIZE, "%s: expected DLOPS_ERR_SIZE on every rank, got %d (%s)", what, err,
            dlops_last_error());
    T_CHECK(dlops_last_error()[0] != '\0', "%s: no message", what);
    T_CHECK(nbytes == 0, "%s: a failed call sent %lld neighbour bytes", what, (long long)nbytes);
  } else {
    T_CHECK(err == DLOPS_SUCCESS, "%s: failed with %d: %s", what, err, dlops_last_error());
    void *exp = malloc((size_t)(ngh > 0 ? ngh : 1) * es);
    t_extract(g, nd, gshape, axis, off - fr_eff, exp_shape[axis], es, exp);
    T_CHECK(!memcmp(exp, gh, (size_t)ngh * es), "%s: ghosted block differs from the serial slice", what);
    free(exp);
    /* bytes this rank sent: its first back(q-1) slices to q-1 and its last front(q+1) to q+1 */
    int64_t slab = gshape[axis] ? ng / gshape[axis] : 0;
    int64_t sent = ((gi > 0 ? bk[gi - 1] : 0) + (gi < gs - 1 ? fr[gi + 1] : 0)) * slab * (int64_t)es;
    T_CHECK(nbytes == sent, "%s: neighbour bytes %lld, expected %lld", what, (long long)nbytes, (long long)sent);
    /* over all ranks: sent bytes = ghost volume received */
    long long v[2] = {(long long)nbytes, (long long)((fr_eff + bk_eff) * slab * (int64_t)es)};
    MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    T_CHECK(v[0] == v[1], "%s: total neighbour bytes %lld != total ghost volume %lld", what, v[0], v[1]);
  }
  if (x) T_CHECK(t_same_as_snapshot(x, xs, xb), "%s: the array changed", what);
  free(gh);
  free(xs);
  free(g);
  free(gsz);
  free(fr);
  free(bk);
  free(c);
  dlops_darray_destroy(&x);
}

static void test_ghost(dlops_ctx ctx) {
  /* 13 rows: every rank owns >= 3 at NP <= 4, so 0..3 cells all work */
  for (int ax = 0; ax < 2; ax++) {
    int64_t shape[2] = {ax == 0 ? 13 : 3, ax == 1 ? 13 : 3};
    for (int64_t f = 0; f <= 3; f++)
      for (int64_t b = 0; b <= 3; b++)
        ghost_case(ctx, 2, shape, ax, t_dtypes[(f + b + ax) % 4], NULL, 0, same_cells, f, same_cells, b, "uniform");
  }
  /* 3-D, middle axis, per-rank counts; 6 rows so that 3 cells fail at NP >= 3 */
  int64_t s3[3] = {2, 6, 3};
  for (int64_t f = 0; f <= 3; f++)
    ghost_case(ctx, 3, s3, 1, DLOPS_F64, NULL, 0, rotating_cells, f, rotating_cells, 3 - f, "per-rank 3-D");
  /* masks: rank % 2 groups */
  int64_t s2[2] = {9, 2};
  for (int64_t f = 0; f <= 3; f++) ghost_case(ctx, 2, s2, 0, DLOPS_C128, NULL, 1, same_cells, f, same_cells, 1, "masked");
  /* more cells than a neighbour owns: explicit sizes with an empty rank in the middle */
  int64_t *sizes = malloc(sizeof(int64_t) * (size_t)P);
  int64_t n = 0;
  for (int r = 0; r < P; r++) {
    sizes[r] = (r == 1) ? 0 : 2;
    n += sizes[r];
  }
  int64_t se[2] = {n, 3};
  for (int64_t f = 0; f <= 3; f++)
    for (int64_t b = 0; b <= 3; b += 3) ghost_case(ctx, 2, se, 0, DLOPS_F32, sizes, 0, same_cells, f, same_cells, b, "empty rank");
  /* masks where only one group has a rank with too few rows: every rank of the context fails */
  if (P == 4) {
    for (int r = 0; r < P; r++) sizes[r] = (r % 2 == r / 2) ? 1 : 3; /* groups {0,2}: 1,3  {1,3}: 3,1 */
    int64_t sm[2] = {4, 2};
    ghost_case(ctx, 2, sm, 0, DLOPS_F64, sizes, 1, same_cells, 2, same_cells, 0, "masked, one group too small");
    ghost_case(ctx, 2, sm, 0, DLOPS_F64, sizes, 1, same_cells, 1, same_cells, 1, "masked, both groups fine");
  }
  free(sizes);
  /* a whole array smaller than the request */
  int64_t s1[1] = {2};
  ghost_case(ctx, 1, s1, 0, DLOPS_F64, NULL, 0, same_cells, 1, same_cells, 1, "tiny");
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &me);
  test_scatter_gather(ctx);
  test_redistribute(ctx);
  test_ghost(ctx);
  return dlops_test_finish(ctx);
}
