/* numpy interoperability, C side.
 *
 *  1. Load the files numpy wrote (npy_interop.py gen, listed in <numpy dir>/manifest.txt) along
 *     every axis and as a broadcast array, gather, and compare with the formula values of
 *     npy_common.h; files numpy wrote that dlops must refuse give the listed code on every rank.
 *  2. Write distributed arrays (every dtype, several shapes and axes, empty dims, masked and
 *     broadcast) into <out dir>/c_np<P>_<backend>/ with a manifest, for npy_interop.py check.
 *
 * usage: test_npy_numpy <numpy dir> <out dir>
 * Skips (77) when the numpy files are missing (numpy not importable when they were generated).
 */
#include "npy_common.h"

static int g_rank = 0, g_size = 1;

static int dtype_of(const char *descr) {
  for (int t = 0; t < DLOPS_NUM_DTYPES; t++)
    if (!strcmp(descr, npy_descr_of((dlops_dtype)t))) return t;
  return -1;
}

/* Rank 0 reads path; every rank gets the text (NULL when rank 0 could not read it). */
static char *bcast_text(const char *path) {
  int64_t n = -1;
  char *b = NULL;
  if (g_rank == 0) {
    b = npy_slurp(path, &n);
    if (!b) n = -1;
  }
  MPI_Bcast(&n, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
  if (n < 0) return NULL;
  if (g_rank != 0) b = malloc((size_t)n + 1);
  MPI_Bcast(b, (int)n, MPI_CHAR, 0, MPI_COMM_WORLD);
  b[n] = '\0';
  return b;
}

static void load_ok(dlops_ctx ctx, const char *path, dlops_dtype t, int ndim, const int64_t *shape) {
  int64_t n = npy_prod(ndim, shape);
  size_t es = dlops_dtype_size(t);
  char *want = malloc((size_t)(n > 0 ? n : 1) * es), *got = malloc((size_t)(n > 0 ? n : 1) * es);
  npy_fill_formula(want, n, t);
  for (int k = 0; k <= ndim; k++) {
    int axis = k < ndim ? k : 0;
    dlops_partition part = k < ndim ? DLOPS_SCATTER : DLOPS_BROADCAST;
    dlops_darray y = NULL;
    int err = dlops_darray_read_npy(ctx, path, axis, part, &y);
    T_CHECK(err == 0, "read_npy(%s, axis %d, %s): %s", path, axis, dlops_partition_name(part), dlops_last_error());
    if (err) continue;
    dlops_dtype yt = DLOPS_F32;
    int nd = 0;
    int64_t gs[DLOPS_MAX_NDIM];
    dlops_darray_get_dtype(y, &yt);
    dlops_darray_get_ndim(y, &nd);
    dlops_darray_get_global_shape(y, gs);
    int same = nd == ndim && yt == t;
    for (int d = 0; d < ndim && same; d++) same = gs[d] == shape[d];
    T_CHECK(same, "%s: wrong dtype or shape", path);
    if (same) {
      T_CALL(dlops_darray_gather(y, got, -1));
      T_CHECK(n == 0 || !memcmp(got, want, (size_t)n * es), "%s (axis %d, %s): values differ from numpy's", path,
              axis, dlops_partition_name(part));
    }
    dlops_darray_destroy(&y);
  }
  free(want);
  free(got);
}

static void load_numpy_files(dlops_ctx ctx, const char *dir, char *manifest) {
  int nok = 0, nbad = 0;
  for (char *line = strtok(manifest, "\n"); line; line = strtok(NULL, "\n")) {
    char kind[8], name[256], descr[16];
    char path[1024];
    if (sscanf(line, "%7s %255s", kind, name) != 2) continue;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!strcmp(kind, "ok")) {
      int ndim = 0, off = 0;
      int64_t shape[DLOPS_MAX_NDIM] = {0};
      if (sscanf(line, "%*s %*s %15s %d%n", descr, &ndim, &off) != 2 || ndim < 1 || ndim > DLOPS_MAX_NDIM) {
        T_CHECK(0, "bad manifest line: %s", line);
        continue;
      }
      const char *q = line + off;
      for (int d = 0; d < ndim; d++) {
        long long v = 0;
        int m = 0;
        sscanf(q, "%lld%n", &v, &m);
        shape[d] = v;
        q += m;
      }
      int t = dtype_of(descr);
      T_CHECK(t >= 0, "manifest names an unknown dtype %s", descr);
      if (t >= 0) load_ok(ctx, path, (dlops_dtype)t, ndim, shape);
      nok++;
    } else if (!strcmp(kind, "bad")) {
      int code = -1;
      sscanf(line, "%*s %*s %d", &code);
      dlops_darray y = NULL;
      int err = dlops_darray_read_npy(ctx, path, 0, DLOPS_SCATTER, &y);
      T_CHECK(err == code, "%s: read_npy returned %d (%s), expected %d: %s", path, err, dlops_error_string(err), code,
              dlops_last_error());
      T_CHECK(y == NULL && dlops_last_error()[0], "%s: no message or a non-NULL handle", path);
      if (g_rank == 0 && err == code) printf("  refused %s: %s\n", name, dlops_last_error());
      dlops_darray_destroy(&y);
      nbad++;
    }
  }
  if (g_rank == 0) printf("loaded %d numpy files, %d refused as expected\n", nok, nbad);
  T_CHECK(nok >= 30 && nbad >= 5, "manifest too short: %d ok, %d bad", nok, nbad);
}

/* ---- writing for numpy ---- */
static FILE *g_man = NULL;

static void write_one(dlops_ctx ctx, const char *dir, dlops_dtype t, int ndim, const int64_t *shape, int axis,
                      dlops_partition part, int color, const char *what) {
  dlops_darray x = NULL;
  int err = dlops_darray_create_ext(ctx, ndim, shape, axis, part, t, -1, color, dlops_test_mem, &x);
  T_CHECK(err == 0, "create %s: %s", what, dlops_last_error());
  if (err) return;
  int64_t n = npy_prod(ndim, shape);
  char *g = malloc((size_t)(n > 0 ? n : 1) * dlops_dtype_size(t));
  npy_fill_formula(g, n, t);
  T_CALL(dlops_darray_scatter(x, g, 0));
  char name[256], path[1024 + 256];
  snprintf(name, sizeof name, "c_%s_%s.npy", npy_descr_of(t) + 1, what);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  err = dlops_darray_write_npy(x, path);
  T_CHECK(err == 0, "write_npy %s: %s", path, dlops_last_error());
  if (!err && g_man) {
    fprintf(g_man, "%s %s %d", name, npy_descr_of(t), ndim);
    for (int d = 0; d < ndim; d++) fprintf(g_man, " %lld", (long long)shape[d]);
    fprintf(g_man, "\n");
  }
  free(g);
  dlops_darray_destroy(&x);
}

static void write_for_numpy(dlops_ctx ctx, const char *base) {
  char dir[1024], man[1100], tmp[1110];
  snprintf(dir, sizeof dir, "%s/c_np%d_%s", base, g_size, npy_backend(ctx));
  snprintf(man, sizeof man, "%s/manifest.txt", dir);
  snprintf(tmp, sizeof tmp, "%s.tmp", man);
  int ok = 1;
  if (g_rank == 0) {
    npy_mkdir(base);
    ok = npy_mkdir(dir) == 0;
    remove(man);
    g_man = ok ? fopen(tmp, "w") : NULL;
    ok = g_man != NULL;
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  T_CHECK(ok, "cannot create %s", dir);
  if (!ok) return;
  for (int t = 0; t < DLOPS_NUM_DTYPES; t++) {
    dlops_dtype dt = (dlops_dtype)t;
    int64_t s1[] = {7}, s2[] = {5, 3}, s3[] = {3, 4, 5}, s4[] = {2, 3, 4, 5}, e1[] = {0, 3}, e2[] = {2, 0, 3},
            f1[] = {1, 6};
    write_one(ctx, dir, dt, 1, s1, 0, DLOPS_SCATTER, -1, "7");
    write_one(ctx, dir, dt, 2, s2, 1, DLOPS_SCATTER, -1, "5x3_ax1");
    write_one(ctx, dir, dt, 3, s3, 1, DLOPS_SCATTER, -1, "3x4x5_ax1");
    write_one(ctx, dir, dt, 3, s3, 2, DLOPS_SCATTER, -1, "3x4x5_ax2");
    write_one(ctx, dir, dt, 4, s4, 2, DLOPS_SCATTER, -1, "2x3x4x5_ax2");
    write_one(ctx, dir, dt, 2, e1, 0, DLOPS_SCATTER, -1, "0x3");
    write_one(ctx, dir, dt, 3, e2, 1, DLOPS_SCATTER, -1, "2x0x3_ax1");
    write_one(ctx, dir, dt, 2, f1, 0, DLOPS_SCATTER, -1, "1x6");
  }
  int64_t m[] = {6, 5}, b[] = {4, 6}, big[] = {1000};
  write_one(ctx, dir, DLOPS_F64, 2, m, 0, DLOPS_SCATTER, g_rank % 2, "masked");
  write_one(ctx, dir, DLOPS_C128, 2, b, 1, DLOPS_BROADCAST, -1, "broadcast");
  write_one(ctx, dir, DLOPS_F32, 1, big, 0, DLOPS_SCATTER, -1, "1000");
  if (g_rank == 0) {
    fclose(g_man);
    g_man = NULL;
    T_CHECK(rename(tmp, man) == 0, "cannot rename %s", tmp);
    printf("wrote %s\n", man);
  }
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  dlops_ctx_get_rank(ctx, &g_rank);
  dlops_ctx_get_size(ctx, &g_size);
  if (argc < 3) {
    if (g_rank == 0) fprintf(stderr, "usage: %s <numpy dir> <out dir>\n", argv[0]);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  char man[1024];
  snprintf(man, sizeof man, "%s/manifest.txt", argv[1]);
  char *text = bcast_text(man);
  if (!text) dlops_test_skip(ctx, "numpy-written .npy files missing (numpy not importable when npy_interop.py gen ran?)");
  load_numpy_files(ctx, argv[1], text);
  free(text);
  write_for_numpy(ctx, argv[2]);
  return dlops_test_finish(ctx);
}
