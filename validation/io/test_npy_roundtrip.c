/* .npy round trips: write distributed arrays with dlops_darray_write_npy (every dtype, 1-D to
 * 4-D, every distributed axis, default and explicit uneven splits, ranks with no rows, empty
 * arrays, masked and broadcast arrays), check the file bytes against the serial global array,
 * read them back with dlops_darray_read_npy on the same and other axes and partitions, gather and
 * compare bit for bit. A second context with DLOPS_COMM_MAX_CHUNK=7 forces the MPI datatypes
 * through the chunked (> INT_MAX) path. Misuse: stacked, borrowed, differing paths, bad axis,
 * bad partition, unwritable path.
 *
 * usage: test_npy_roundtrip <scratch directory>
 */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <stdlib.h>

#include "npy_common.h"

static const char *g_dir = ".";
static char g_tag[96];
static int g_case = 0;
static int g_rank = 0, g_size = 1;

static void path_for(char *buf, size_t n, const char *what) {
  snprintf(buf, n, "%s/rt_%s_%s_%d.npy", g_dir, g_tag, what, g_case++);
}

/* Rank 0 checks the raw file: magic, version 1.0, 64-byte aligned header ending in a newline,
 * header text, total size, and data bytes equal to the global array. */
static void check_raw(const char *path, int ndim, const int64_t *shape, dlops_dtype t, const void *global) {
  if (g_rank != 0) return;
  int64_t n = 0;
  unsigned char *b = (unsigned char *)npy_slurp(path, &n);
  T_CHECK(b != NULL, "cannot read back %s", path);
  if (!b) return;
  size_t es = dlops_dtype_size(t);
  int64_t total = npy_prod(ndim, shape);
  T_CHECK(n >= 10 && !memcmp(b, "\x93NUMPY", 6) && b[6] == 1 && b[7] == 0, "%s: bad magic/version", path);
  if (n >= 10) {
    int64_t off = 10 + (b[8] | (b[9] << 8));
    T_CHECK(off % 64 == 0, "%s: data offset %lld not a multiple of 64", path, (long long)off);
    T_CHECK(off <= n && b[off - 1] == '\n', "%s: header does not end with a newline", path);
    T_CHECK(n == off + total * (int64_t)es, "%s: file size %lld, expected %lld", path, (long long)n,
            (long long)(off + total * (int64_t)es));
    char want[512];
    int u = snprintf(want, sizeof want, "{'descr': '%s', 'fortran_order': False, 'shape': (", npy_descr_of(t));
    for (int d = 0; d < ndim; d++) u += snprintf(want + u, sizeof want - (size_t)u, d ? ", %lld" : "%lld", (long long)shape[d]);
    snprintf(want + u, sizeof want - (size_t)u, "%s), }", ndim == 1 ? "," : "");
    T_CHECK(off <= n && (int64_t)strlen(want) <= off - 10 && !memcmp(b + 10, want, strlen(want)),
            "%s: header is not %s", path, want);
    for (int64_t k = 10 + (int64_t)strlen(want); k < off - 1 && k < n; k++)
      if (b[k] != ' ') {
        T_CHECK(0, "%s: header padding byte %lld is not a space", path, (long long)k);
        break;
      }
    if (n == off + total * (int64_t)es)
      T_CHECK(total == 0 || !memcmp(b + off, global, (size_t)total * es), "%s: data bytes differ from the global array",
              path);
  }
  free(b);
}

/* Read path along axis/partition, check the layout, gather and compare with global. */
static void check_read(dlops_ctx ctx, const char *path, int ndim, const int64_t *shape, dlops_dtype t, int axis,
                       dlops_partition part, const void *global) {
  dlops_darray y = NULL;
  int err = dlops_darray_read_npy(ctx, path, axis, part, &y);
  T_CHECK(err == DLOPS_SUCCESS, "read_npy(%s, axis %d, %s) failed: %s", path, axis, dlops_partition_name(part),
          dlops_last_error());
  if (err) return;
  int nd = 0, ax = -1;
  dlops_dtype yt = DLOPS_F32;
  dlops_partition yp = DLOPS_SCATTER;
  int64_t gs[DLOPS_MAX_NDIM] = {0};
  dlops_darray_get_ndim(y, &nd);
  dlops_darray_get_dtype(y, &yt);
  dlops_darray_get_axis(y, &ax);
  dlops_darray_get_partition(y, &yp);
  dlops_darray_get_global_shape(y, gs);
  T_CHECK(nd == ndim && yt == t && yp == part, "%s: read back ndim %d dtype %d partition %d", path, nd, (int)yt, (int)yp);
  T_CHECK(ax == (axis < 0 ? axis + ndim : axis), "%s: axis %d, asked %d", path, ax, axis);
  int same = nd == ndim;
  for (int d = 0; d < ndim && same; d++) same = gs[d] == shape[d];
  T_CHECK(same, "%s: read back a different global shape", path);
  size_t es = dlops_dtype_size(t);
  int64_t total = npy_prod(ndim, shape);
  if (same) {
    char *g = malloc((size_t)(total > 0 ? total : 1) * es);
    T_CALL(dlops_darray_gather(y, g, -1));
    T_CHECK(total == 0 || !memcmp(g, global, (size_t)total * es), "%s (axis %d, %s): values differ from the written array",
            path, axis, dlops_partition_name(part));
    free(g);
  }
  dlops_darray_destroy(&y);
}

/* Write a SCATTER array (local_n as dlops_darray_create_ext) and check file and read-backs. */
static void roundtrip(dlops_ctx ctx, dlops_ctx rctx, dlops_dtype t, int ndim, const int64_t *shape, int axis,
                      int64_t local_n, const char *what) {
  dlops_darray x = NULL;
  int err = dlops_darray_create_ext(ctx, ndim, shape, axis, DLOPS_SCATTER, t, local_n, -1, dlops_test_mem, &x);
  T_CHECK(err == 0, "create %s: %s", what, dlops_last_error());
  if (err) return;
  size_t es = dlops_dtype_size(t);
  int64_t total = npy_prod(ndim, shape);
  char *global = malloc((size_t)(total > 0 ? total : 1) * es);
  dlops_test_fill(global, total, t, (unsigned long long)(1000 + g_case));
  T_CALL(dlops_darray_scatter(x, global, -1));
  char path[512];
  path_for(path, sizeof path, what);
  err = dlops_darray_write_npy(x, path);
  T_CHECK(err == 0, "write_npy %s (%s): %s", path, dlops_dtype_name(t), dlops_last_error());
  if (!err) {
    check_raw(path, ndim, shape, t, global);
    check_read(rctx, path, ndim, shape, t, axis, DLOPS_SCATTER, global);
    check_read(rctx, path, ndim, shape, t, (axis + 1) % ndim, DLOPS_SCATTER, global);
    check_read(rctx, path, ndim, shape, t, -1, DLOPS_BROADCAST, global);
  }
  free(global);
  dlops_darray_destroy(&x);
}

static void shape_cases(dlops_ctx ctx, dlops_dtype t) {
  const int P = g_size, r = g_rank;
  int64_t s1[] = {7};
  roundtrip(ctx, ctx, t, 1, s1, 0, -1, "1d");
  int64_t s2[] = {10, 3};
  roundtrip(ctx, ctx, t, 2, s2, 0, -1, "2d_ax0");
  roundtrip(ctx, ctx, t, 2, s2, 1, -1, "2d_ax1");
  int64_t s3[] = {3, 5, 4};
  for (int a = 0; a < 3; a++) roundtrip(ctx, ctx, t, 3, s3, a, -1, "3d");
  int64_t s4[] = {2, 3, 4, 5};
  roundtrip(ctx, ctx, t, 4, s4, 2, -1, "4d_ax2");
  roundtrip(ctx, ctx, t, 4, s4, 3, -1, "4d_ax3");
  /* empty arrays */
  int64_t e1[] = {0, 4}, e2[] = {4, 0}, e3[] = {3, 0, 2};
  roundtrip(ctx, ctx, t, 2, e1, 0, -1, "empty_rows");
  roundtrip(ctx, ctx, t, 2, e2, 0, -1, "empty_cols");
  roundtrip(ctx, ctx, t, 3, e3, 1, -1, "empty_mid");
  /* fewer rows than ranks: ranks with zero rows */
  int64_t f1[] = {1, 6}, f2[] = {2, 1, 3};
  roundtrip(ctx, ctx, t, 2, f1, 0, -1, "one_row");
  roundtrip(ctx, ctx, t, 3, f2, 1, -1, "one_mid");
  /* explicit uneven splits: all rows on the last rank; none on rank 0 of a 3-D middle axis */
  int64_t u1[] = {9, 4};
  roundtrip(ctx, ctx, t, 2, u1, 0, r == P - 1 ? 9 : 0, "last_rank");
  int64_t u2[] = {5, 6, 3};
  int64_t ln = P == 1 ? 6 : (r == 0 ? 0 : 6 / (P - 1) + (r - 1 < 6 % (P - 1) ? 1 : 0));
  roundtrip(ctx, ctx, t, 3, u2, 1, ln, "skip_rank0");
}

/* Masked array: only rank 0's group writes; the other replicas hold garbage that must not land
 * in the file. */
static void masked_case(dlops_ctx ctx) {
  int64_t s[] = {6, 5};
  dlops_darray x = NULL;
  T_REQUIRE(dlops_darray_create_ext(ctx, 2, s, 0, DLOPS_SCATTER, DLOPS_F64, -1, g_rank % 2, dlops_test_mem, &x));
  double global[30];
  dlops_test_fill(global, 30, DLOPS_F64, 77);
  T_CALL(dlops_darray_scatter(x, global, 0));
  if (g_rank % 2 == 1) {
    double *p = NULL;
    int64_t n = 0;
    dlops_darray_get_local_size(x, &n);
    T_CALL(dlops_darray_get_local(x, DLOPS_MEM_HOST, (void **)&p));
    for (int64_t k = 0; k < n; k++) p[k] = 1e300;
    T_CALL(dlops_darray_restore_local(x, (void **)&p));
  }
  char path[512];
  path_for(path, sizeof path, "masked");
  T_CALL(dlops_darray_write_npy(x, path));
  check_raw(path, 2, s, DLOPS_F64, global);
  check_read(ctx, path, 2, s, DLOPS_F64, 0, DLOPS_SCATTER, global);
  dlops_darray_destroy(&x);
}

/* Broadcast arrays: rank 0 writes the whole array (UNSAFE_BROADCAST replicas elsewhere differ). */
static void broadcast_cases(dlops_ctx ctx) {
  int64_t s[] = {4, 3};
  double global[12];
  dlops_test_fill(global, 12, DLOPS_F64, 78);
  for (int k = 0; k < 2; k++) {
    dlops_partition part = k ? DLOPS_UNSAFE_BROADCAST : DLOPS_BROADCAST;
    dlops_darray x = NULL;
    T_REQUIRE(dlops_darray_create(ctx, 2, s, 1, part, DLOPS_F64, &x));
    T_CALL(dlops_darray_scatter(x, global, -1));
    if (part == DLOPS_UNSAFE_BROADCAST && g_rank > 0) {
      double *p = NULL;
      T_CALL(dlops_darray_get_local(x, DLOPS_MEM_HOST, (void **)&p));
      for (int i = 0; i < 12; i++) p[i] = -1e300;
      T_CALL(dlops_darray_restore_local(x, (void **)&p));
    }
    char path[512];
    path_for(path, sizeof path, dlops_partition_name(part));
    T_CALL(dlops_darray_write_npy(x, path));
    check_raw(path, 2, s, DLOPS_F64, global);
    check_read(ctx, path, 2, s, DLOPS_F64, 0, DLOPS_SCATTER, global);
    check_read(ctx, path, 2, s, DLOPS_F64, 1, part, global);
    dlops_darray_destroy(&x);
  }
}

/* Writing over a longer file leaves no stale bytes behind. */
static void overwrite_case(dlops_ctx ctx) {
  char path[512];
  path_for(path, sizeof path, "overwrite");
  int64_t big[] = {40, 30}, small[] = {3};
  dlops_darray a = NULL, b = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 2, big, 0, DLOPS_SCATTER, DLOPS_C128, &a));
  T_REQUIRE(dlops_darray_create(ctx, 1, small, 0, DLOPS_SCATTER, DLOPS_F32, &b));
  float g[3] = {1.5f, -2.0f, 3.25f};
  T_CALL(dlops_darray_scatter(b, g, -1));
  T_CALL(dlops_darray_write_npy(a, path));
  T_CALL(dlops_darray_write_npy(b, path));
  check_raw(path, 1, small, DLOPS_F32, g);
  check_read(ctx, path, 1, small, DLOPS_F32, 0, DLOPS_SCATTER, g);
  dlops_darray_destroy(&a);
  dlops_darray_destroy(&b);
}

static void misuse_cases(dlops_ctx ctx) {
  int64_t s[] = {5, 4};
  dlops_darray x = NULL, y = NULL, st = NULL, z = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 2, s, 0, DLOPS_SCATTER, DLOPS_F64, &x));
  T_REQUIRE(dlops_darray_create(ctx, 2, s, 1, DLOPS_SCATTER, DLOPS_F64, &y));
  dlops_darray parts[2] = {x, y};
  T_REQUIRE(dlops_darray_create_stacked(2, parts, &st));
  char path[512];
  path_for(path, sizeof path, "misuse");
  /* stacked arrays have no single global shape */
  T_EXPECT_ERR(dlops_darray_write_npy(st, path), DLOPS_ERR_STATE);
  T_CHECK(strstr(dlops_last_error(), "stacked") != NULL, "message should mention stacked: %s", dlops_last_error());
  /* borrowed data */
  void *p = NULL;
  T_CALL(dlops_darray_get_local(x, DLOPS_MEM_HOST, &p));
  T_EXPECT_ERR(dlops_darray_write_npy(x, path), DLOPS_ERR_STATE);
  T_CALL(dlops_darray_restore_local(x, &p));
  /* null / empty path */
  T_EXPECT_ERR(dlops_darray_write_npy(x, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_write_npy(x, ""), DLOPS_ERR_ARG);
  /* every rank must name the same file */
  if (g_size > 1) {
    char mine[600];
    snprintf(mine, sizeof mine, "%s.rank%d", path, g_rank);
    T_EXPECT_ERR(dlops_darray_write_npy(x, mine), DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_darray_read_npy(ctx, mine, 0, DLOPS_SCATTER, &z), DLOPS_ERR_ARG);
  }
  /* a directory that does not exist */
  char bad[600];
  snprintf(bad, sizeof bad, "%s/no_such_dir_%s/x.npy", g_dir, g_tag);
  T_EXPECT_ERR(dlops_darray_write_npy(x, bad), DLOPS_ERR_IO);
  T_CHECK(strstr(dlops_last_error(), "no_such_dir") != NULL, "message should name the path: %s", dlops_last_error());
  /* a good file, read with bad arguments */
  T_CALL(dlops_darray_write_npy(x, path));
  T_EXPECT_ERR(dlops_darray_read_npy(ctx, path, 2, DLOPS_SCATTER, &z), DLOPS_ERR_ARG);
  T_CHECK(z == NULL, "output must stay NULL on failure");
  T_EXPECT_ERR(dlops_darray_read_npy(ctx, path, -3, DLOPS_SCATTER, &z), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_read_npy(ctx, path, 0, (dlops_partition)7, &z), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_read_npy(ctx, path, 0, DLOPS_SCATTER, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_read_npy(NULL, path, 0, DLOPS_SCATTER, &z), DLOPS_ERR_ARG);
  /* ranks disagreeing on the axis */
  if (g_size > 1) T_EXPECT_ERR(dlops_darray_read_npy(ctx, path, g_rank == 0 ? 0 : 1, DLOPS_SCATTER, &z), DLOPS_ERR_SIZE);
  T_CHECK(z == NULL, "output must stay NULL on failure");
  dlops_darray_destroy(&st);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
}

/* Contexts whose MPI datatypes are built in chunks of 7: exercises the > INT_MAX code path. */
static void chunked_cases(dlops_ctx ctx) {
  setenv("DLOPS_COMM_MAX_CHUNK", "7", 1);
  dlops_ctx c7 = NULL;
  T_REQUIRE(dlops_ctx_create(MPI_COMM_WORLD, NULL, &c7));
  unsetenv("DLOPS_COMM_MAX_CHUNK");
  int64_t a[] = {9, 11, 5}, b[] = {50}, c[] = {3, 4, 9, 6}, d[] = {61, 2};
  roundtrip(c7, ctx, DLOPS_C128, 3, a, 1, -1, "chunk_3d");
  roundtrip(ctx, c7, DLOPS_C128, 3, a, 2, -1, "chunk_3d_read");
  roundtrip(c7, c7, DLOPS_F32, 1, b, 0, -1, "chunk_1d");
  roundtrip(c7, c7, DLOPS_F64, 4, c, 2, -1, "chunk_4d");
  roundtrip(c7, c7, DLOPS_C64, 2, d, 1, -1, "chunk_cols");
  dlops_ctx_destroy(&c7);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  dlops_ctx_get_rank(ctx, &g_rank);
  dlops_ctx_get_size(ctx, &g_size);
  if (argc > 1) g_dir = argv[1];
  if (g_rank == 0) npy_mkdir(g_dir);
  MPI_Barrier(MPI_COMM_WORLD);
  snprintf(g_tag, sizeof g_tag, "np%d_%s", g_size, npy_backend(ctx));
  for (int t = 0; t < DLOPS_NUM_DTYPES; t++) shape_cases(ctx, (dlops_dtype)t);
  masked_case(ctx);
  broadcast_cases(ctx);
  overwrite_case(ctx);
  misuse_cases(ctx);
  chunked_cases(ctx);
  return dlops_test_finish(ctx);
}
