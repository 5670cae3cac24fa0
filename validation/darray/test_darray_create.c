/* Creation of distributed arrays and every query: default split (PyLops-MPI's rule), 1-D to 4-D
 * shapes, any distributed axis (also negative), explicit local sizes (uneven, zeros), empty
 * ranks, BROADCAST / UNSAFE_BROADCAST, masks, all element types, duplicate. */
#include "darray_check.h"

static int P, me;

/* Check every query of a plain array against the expected layout. exp_sizes[P] = size along the
 * axis of every rank, exp_off = this rank's offset, color = this rank's mask colour. */
static void check_layout(dlops_ctx ctx, dlops_darray x, int ndim, const int64_t *gshape, int axis,
                         dlops_partition part, dlops_dtype t, const int64_t *exp_sizes, int64_t exp_off, int color,
                         const char *what) {
  int nd = -1, ax = -1, col = -2, st = -1, cnt = -1;
  int64_t gs[DLOPS_MAX_NDIM] = {0}, ls[DLOPS_MAX_NDIM] = {0}, nl = -1, ng = -1, off = -1;
  dlops_partition p = (dlops_partition)-1;
  dlops_dtype dt = (dlops_dtype)-1;
  dlops_memspace mem = (dlops_memspace)-1;
  dlops_ctx c2 = NULL;
  T_CALL(dlops_darray_get_ctx(x, &c2));
  T_CHECK(c2 == ctx, "%s: get_ctx", what);
  T_CALL(dlops_darray_get_ndim(x, &nd));
  T_CHECK(nd == ndim, "%s: ndim %d != %d", what, nd, ndim);
  T_CALL(dlops_darray_get_global_shape(x, gs));
  T_CALL(dlops_darray_get_local_shape(x, ls));
  int norm_axis = axis < 0 ? axis + ndim : axis;
  for (int d = 0; d < ndim; d++) {
    T_CHECK(gs[d] == gshape[d], "%s: global shape[%d] %lld != %lld", what, d, (long long)gs[d], (long long)gshape[d]);
    int64_t e = d == norm_axis ? exp_sizes[me] : gshape[d];
    T_CHECK(ls[d] == e, "%s: local shape[%d] %lld != %lld", what, d, (long long)ls[d], (long long)e);
  }
  T_CALL(dlops_darray_get_axis(x, &ax));
  T_CHECK(ax == norm_axis, "%s: axis %d != %d", what, ax, norm_axis);
  T_CALL(dlops_darray_get_partition(x, &p));
  T_CHECK(p == part, "%s: partition %d != %d", what, (int)p, (int)part);
  T_CALL(dlops_darray_get_dtype(x, &dt));
  T_CHECK(dt == t, "%s: dtype %d != %d", what, (int)dt, (int)t);
  T_CALL(dlops_darray_get_memspace(x, &mem));
  T_CHECK(mem == dlops_test_mem, "%s: memspace %d (context: %d)", what, (int)mem, (int)dlops_test_mem);
  T_CALL(dlops_darray_get_mask_color(x, &col));
  T_CHECK(col == color, "%s: mask colour %d != %d", what, col, color);
  T_CALL(dlops_darray_get_local_size(x, &nl));
  int64_t enl = 1;
  for (int d = 0; d < ndim; d++) enl *= d == norm_axis ? exp_sizes[me] : gshape[d];
  T_CHECK(nl == enl, "%s: local size %lld != %lld", what, (long long)nl, (long long)enl);
  T_CALL(dlops_darray_get_global_size(x, &ng));
  T_CHECK(ng == t_prod(gshape, ndim), "%s: global size %lld", what, (long long)ng);
  T_CALL(dlops_darray_get_offset(x, &off));
  T_CHECK(off == exp_off, "%s: offset %lld != %lld", what, (long long)off, (long long)exp_off);
  int64_t *as = calloc((size_t)P, sizeof(int64_t));
  T_CALL(dlops_darray_get_axis_sizes(x, as));
  for (int r = 0; r < P; r++)
    T_CHECK(as[r] == exp_sizes[r], "%s: axis_sizes[%d] = %lld != %lld", what, r, (long long)as[r],
            (long long)exp_sizes[r]);
  free(as);
  T_CALL(dlops_darray_is_stacked(x, &st));
  T_CHECK(st == 0, "%s: is_stacked %d", what, st);
  T_CALL(dlops_darray_stacked_count(x, &cnt));
  T_CHECK(cnt == 1, "%s: stacked_count %d", what, cnt);
  /* zero-filled, non-NULL local pointer even when empty */
  void *ptr = NULL;
  T_CALL(dlops_darray_get_local(x, DLOPS_MEM_HOST, &ptr));
  T_CHECK(ptr != NULL, "%s: NULL local pointer", what);
  if (ptr) {
    const unsigned char *b = ptr;
    size_t bytes = (size_t)nl * dlops_dtype_size(t);
    int zero = 1;
    for (size_t i = 0; i < bytes; i++) zero &= b[i] == 0;
    T_CHECK(zero, "%s: not zero-filled", what);
  }
  T_CALL(dlops_darray_restore_local(x, &ptr));
  T_CHECK(ptr == NULL, "%s: restore_local did not clear the pointer", what);
  /* SCATTER slabs of a group tile the axis: sum over the group of local sizes = n */
  if (part == DLOPS_SCATTER) {
    MPI_Comm gc;
    MPI_Comm_split(MPI_COMM_WORLD, color < 0 ? 0 : color, me, &gc);
    long long mine = (long long)ls[norm_axis], sum = 0;
    MPI_Allreduce(&mine, &sum, 1, MPI_LONG_LONG, MPI_SUM, gc);
    T_CHECK(sum == gshape[norm_axis], "%s: local sizes add up to %lld, not %lld", what, sum,
            (long long)gshape[norm_axis]);
    MPI_Comm_free(&gc);
  }
}

/* Expected sizes and offset for the default split within mask groups (colors NULL: no mask). */
static void default_layout(int64_t n, dlops_partition part, const int *colors, int64_t *sizes, int64_t *off) {
  int *c = calloc((size_t)P, sizeof(int));
  if (colors) memcpy(c, colors, sizeof(int) * (size_t)P);
  for (int r = 0; r < P; r++) {
    int gs, gi;
    t_group(c, P, r, &gs, &gi);
    sizes[r] = part == DLOPS_SCATTER ? t_split_size(n, gs, gi) : n;
    if (r == me) *off = part == DLOPS_SCATTER ? t_split_off(n, gs, gi) : 0;
  }
  free(c);
}

static void test_default_split(dlops_ctx ctx) {
  static const int64_t shapes[][4] = {{0}, {1}, {2}, {3}, {5}, {7}, {10}, {5, 3}, {3, 5}, {2, 0}, {4, 3, 2}, {3, 2, 4, 2}, {1, 1, 1, 1}};
  static const int ndims[] = {1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 4, 4};
  const int ns = (int)(sizeof ndims / sizeof ndims[0]);
  int64_t *sizes = calloc((size_t)P, sizeof(int64_t));
  for (int s = 0; s < ns; s++) {
    int nd = ndims[s];
    for (int ax = -nd; ax < nd; ax++) {
      for (int pi = 0; pi < 3; pi++) {
        dlops_partition part = (dlops_partition)pi;
        for (int ti = 0; ti < 4; ti++) {
          dlops_dtype t = t_dtypes[ti];
          /* keep the run short: all dtypes on 1-D and on axis 0, f64 elsewhere */
          if (nd > 1 && ax != 0 && t != DLOPS_F64) continue;
          char what[128];
          snprintf(what, sizeof what, "shape #%d axis %d %s %s", s, ax, dlops_partition_name(part), dlops_dtype_name(t));
          dlops_darray x = NULL;
          T_CALL(dlops_darray_create(ctx, nd, shapes[s], ax, part, t, &x));
          if (!x) continue;
          int64_t off = 0;
          int na = ax < 0 ? ax + nd : ax;
          default_layout(shapes[s][na], part, NULL, sizes, &off);
          check_layout(ctx, x, nd, shapes[s], ax, part, t, sizes, off, -1, what);
          T_CALL(dlops_darray_destroy(&x));
          T_CHECK(x == NULL, "%s: destroy did not clear the handle", what);
        }
      }
    }
  }
  /* the PyLops-MPI rule spelled out for 10 rows: n/P + 1 on the first n%P ranks */
  int64_t n = 10;
  dlops_darray x = NULL;
  T_CALL(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &x));
  int64_t ls = -1, off = -1;
  T_CALL(dlops_darray_get_local_shape(x, &ls));
  T_CALL(dlops_darray_get_offset(x, &off));
  int64_t q = n / P, m = n % P;
  T_CHECK(ls == (me < m ? q + 1 : q), "split of 10 over %d: rank %d has %lld", P, me, (long long)ls);
  T_CHECK(off == me * q + (me < m ? me : m), "offset of rank %d: %lld", me, (long long)off);
  T_CALL(dlops_darray_destroy(&x));
  free(sizes);
}

static void test_explicit_sizes(dlops_ctx ctx) {
  int64_t *sizes = calloc((size_t)P, sizeof(int64_t));
  char what[128];
  /* pattern A: everything on the last rank (zeros elsewhere); B: rank r holds r+1 rows;
   * C: zeros on odd ranks, 2 rows on even ranks; along axis 0 and 1 of a 2-D array. */
  for (int pat = 0; pat < 3; pat++) {
    int64_t n = 0;
    for (int r = 0; r < P; r++) {
      sizes[r] = pat == 0 ? (r == P - 1 ? 6 : 0) : pat == 1 ? r + 1 : (r % 2 ? 0 : 2);
      n += sizes[r];
    }
    int64_t off = 0;
    for (int r = 0; r < me; r++) off += sizes[r];
    for (int ax = 0; ax < 2; ax++) {
      int64_t shape[2] = {ax == 0 ? n : 3, ax == 1 ? n : 3};
      for (int ti = 0; ti < 4; ti++) {
        dlops_darray x = NULL;
        snprintf(what, sizeof what, "explicit sizes pattern %d axis %d %s", pat, ax, dlops_dtype_name(t_dtypes[ti]));
        T_CALL(dlops_darray_create_ext(ctx, 2, shape, ax, DLOPS_SCATTER, t_dtypes[ti], sizes[me], -1, dlops_test_mem, &x));
        if (!x) continue;
        check_layout(ctx, x, 2, shape, ax, DLOPS_SCATTER, t_dtypes[ti], sizes, off, -1, what);
        T_CALL(dlops_darray_destroy(&x));
      }
    }
  }
  /* local_n = -1 everywhere is the default split; BROADCAST may give local_n = n */
  int64_t shape[2] = {7, 2};
  for (int pi = 1; pi < 3; pi++) {
    dlops_darray x = NULL;
    snprintf(what, sizeof what, "%s with local_n = n", dlops_partition_name((dlops_partition)pi));
    T_CALL(dlops_darray_create_ext(ctx, 2, shape, 0, (dlops_partition)pi, DLOPS_F64, 7, -1, dlops_test_mem, &x));
    for (int r = 0; r < P; r++) sizes[r] = 7;
    if (x) check_layout(ctx, x, 2, shape, 0, (dlops_partition)pi, DLOPS_F64, sizes, 0, -1, what);
    dlops_darray_destroy(&x);
  }
  free(sizes);
}

static void test_masks(dlops_ctx ctx) {
  int *colors = calloc((size_t)P, sizeof(int));
  int64_t *sizes = calloc((size_t)P, sizeof(int64_t));
  char what[128];
  for (int kind = 0; kind < 3; kind++) {
    /* rank % 2, rank / 2, and every rank its own group */
    for (int r = 0; r < P; r++) colors[r] = kind == 0 ? r % 2 : kind == 1 ? r / 2 : r;
    static const int64_t shapes[][3] = {{7}, {5, 3}, {2, 3, 5}, {1}};
    static const int nds[] = {1, 2, 3, 1};
    for (int s = 0; s < 4; s++) {
      for (int ax = 0; ax < nds[s]; ax++) {
        for (int pi = 0; pi < 2; pi++) {
          dlops_partition part = (dlops_partition)pi;
          dlops_dtype t = t_dtypes[(s + ax) % 4];
          snprintf(what, sizeof what, "mask kind %d shape #%d axis %d %s", kind, s, ax, dlops_partition_name(part));
          dlops_darray x = NULL;
          T_CALL(dlops_darray_create_ext(ctx, nds[s], shapes[s], ax, part, t, -1, colors[me], dlops_test_mem, &x));
          if (!x) continue;
          int64_t off = 0;
          default_layout(shapes[s][ax], part, colors, sizes, &off);
          check_layout(ctx, x, nds[s], shapes[s], ax, part, t, sizes, off, colors[me], what);
          /* duplicate keeps the mask and layout */
          dlops_darray y = NULL;
          T_CALL(dlops_darray_duplicate(x, &y));
          if (y) check_layout(ctx, y, nds[s], shapes[s], ax, part, t, sizes, off, colors[me], "duplicate of masked");
          dlops_darray_destroy(&x);
          /* the duplicate outlives the original (shared group communicator) */
          if (y) {
            dlops_scalar one = {1.0, 0.0};
            double nrm = -1;
            T_CALL(dlops_darray_fill(y, one));
            T_CALL(dlops_darray_norm(y, 1.0, &nrm));
            T_CHECK(nrm == (double)t_prod(shapes[s], nds[s]), "%s: 1-norm of ones on a group = %g", what, nrm);
          }
          dlops_darray_destroy(&y);
        }
      }
    }
    /* masked with explicit local sizes: the first member of every group holds all rows */
    int64_t n = 5, shape[2] = {5, 2};
    int gs, gi;
    t_group(colors, P, me, &gs, &gi);
    for (int r = 0; r < P; r++) {
      int g2, i2;
      t_group(colors, P, r, &g2, &i2);
      sizes[r] = i2 == 0 ? n : 0;
    }
    snprintf(what, sizeof what, "mask kind %d explicit sizes", kind);
    dlops_darray x = NULL;
    T_CALL(dlops_darray_create_ext(ctx, 2, shape, 0, DLOPS_SCATTER, DLOPS_C128, sizes[me], colors[me], dlops_test_mem, &x));
    if (x) check_layout(ctx, x, 2, shape, 0, DLOPS_SCATTER, DLOPS_C128, sizes, gi == 0 ? 0 : n, colors[me], what);
    dlops_darray_destroy(&x);
  }
  free(colors);
  free(sizes);
}

static void test_duplicate_and_names(dlops_ctx ctx) {
  int64_t shape[3] = {4, 5, 3};
  int64_t *sizes = calloc((size_t)P, sizeof(int64_t));
  for (int ti = 0; ti < 4; ti++) {
    dlops_darray x = NULL, y = NULL;
    T_CALL(dlops_darray_create(ctx, 3, shape, 1, DLOPS_SCATTER, t_dtypes[ti], &x));
    /* a complex value fills only complex arrays (a real array refuses im != 0) */
    dlops_scalar v = {2.5, t_is_complex(t_dtypes[ti]) ? -1.0 : 0.0};
    T_CALL(dlops_darray_fill(x, v));
    T_CALL(dlops_darray_duplicate(x, &y));
    int64_t off = 0;
    default_layout(5, DLOPS_SCATTER, NULL, sizes, &off);
    if (y) check_layout(ctx, y, 3, shape, 1, DLOPS_SCATTER, t_dtypes[ti], sizes, off, -1, "duplicate"); /* zeros */
    /* the original is untouched and independent */
    double n1 = -1;
    T_CALL(dlops_darray_norm(x, 1.0, &n1));
    double each = t_is_complex(t_dtypes[ti]) ? hypot(2.5, 1.0) : 2.5;
    T_CHECK(t_close(n1, 60 * each, dlops_test_tol(t_dtypes[ti])), "duplicate changed the original: %g", n1);
    dlops_darray_destroy(&x);
    dlops_darray_destroy(&y);
  }
  free(sizes);
  T_CHECK(!strcmp(dlops_partition_name(DLOPS_SCATTER), "scatter"), "partition name");
  T_CHECK(!strcmp(dlops_partition_name(DLOPS_BROADCAST), "broadcast"), "partition name");
  T_CHECK(!strcmp(dlops_partition_name(DLOPS_UNSAFE_BROADCAST), "unsafe_broadcast"), "partition name");
  T_CHECK(!strcmp(dlops_partition_name((dlops_partition)3), "?"), "partition name out of range");
  T_CHECK(!strcmp(dlops_partition_name((dlops_partition)-1), "?"), "partition name out of range");
  /* destroying a NULL handle is a no-op */
  dlops_darray z = NULL;
  T_CALL(dlops_darray_destroy(&z));
  /* context queries */
  int r = -1, s = -1;
  const char *b = NULL, *sp = NULL;
  MPI_Comm c;
  T_CALL(dlops_ctx_get_rank(ctx, &r));
  T_CALL(dlops_ctx_get_size(ctx, &s));
  T_CHECK(r == me && s == P, "ctx rank/size %d/%d", r, s);
  T_CALL(dlops_ctx_get_backend(ctx, &b));
  T_CALL(dlops_ctx_get_spec(ctx, &sp));
  T_CHECK(b && sp && strstr(sp, b) && !strncmp(sp, "comm=", 5), "backend '%s' spec '%s'", b ? b : "", sp ? sp : "");
  T_CALL(dlops_ctx_get_comm(ctx, &c));
  int cmp = MPI_UNEQUAL;
  MPI_Comm_compare(c, MPI_COMM_WORLD, &cmp);
  T_CHECK(cmp == MPI_CONGRUENT, "the context communicator is not a duplicate of the user's (%d)", cmp);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &me);
  test_default_split(ctx);
  test_explicit_sizes(ctx);
  test_masks(ctx);
  test_duplicate_and_names(ctx);
  return dlops_test_finish(ctx);
}
