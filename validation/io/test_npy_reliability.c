/* Reliability of .npy writing and reading (issue 10): atomic replace, refused targets and
 * sources, long paths, full disks. Every case must give its documented code on every rank, never
 * hang or crash, leave an existing good file byte-identical when a write fails, and leave no
 * temporary file behind.
 *
 *   write to /proc/version, into a missing directory, over a directory or a FIFO   DLOPS_ERR_IO
 *   read a FIFO, a directory, /dev/zero                                           DLOPS_ERR_IO
 *   file name of 240 and 255 characters, a path of ~4000 characters               works
 *   file name of 256 characters, a path longer than PATH_MAX                      DLOPS_ERR_IO
 *   file size limit (RLIMIT_FSIZE, SIGXFSZ ignored) hit in the header or the data DLOPS_ERR_IO
 *   a full 16 KiB tmpfs (only where mount(2) is allowed; skipped otherwise)       DLOPS_ERR_IO
 *   a read-only existing file (only when not root)                                DLOPS_ERR_IO
 *
 * usage: test_npy_reliability <scratch directory>
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "npy_common.h"

static dlops_ctx g_ctx;
static int g_rank = 0, g_size = 1;
static char g_dir[512];

static int all_true(int v) {
  int r = 0;
  MPI_Allreduce(&v, &r, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return r;
}

/* A scattered f64 array of n elements holding the test formula (times scale). */
static dlops_darray make_vec(int64_t n, double scale) {
  dlops_darray x = NULL;
  T_REQUIRE(dlops_darray_create(g_ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &x));
  double *w = malloc((size_t)n * 8);
  npy_fill_formula(w, n, DLOPS_F64);
  for (int64_t k = 0; k < n; k++) w[k] *= scale;
  T_REQUIRE(dlops_darray_scatter(x, w, 0));
  free(w);
  return x;
}

/* Read path and compare it with make_vec(n, scale). */
static void check_file(const char *path, int64_t n, double scale, const char *what) {
  dlops_darray y = NULL;
  int err = dlops_darray_read_npy(g_ctx, path, 0, DLOPS_SCATTER, &y);
  T_CHECK(err == 0, "%s: reading back failed: %s", what, dlops_last_error());
  if (err) return;
  int64_t gs = -1;
  dlops_darray_get_global_shape(y, &gs);
  T_CHECK(gs == n, "%s: read back %lld elements, wrote %lld", what, (long long)gs, (long long)n);
  if (gs == n) {
    double *g = malloc((size_t)n * 8), *w = malloc((size_t)n * 8);
    npy_fill_formula(w, n, DLOPS_F64);
    for (int64_t k = 0; k < n; k++) w[k] *= scale;
    T_CALL(dlops_darray_gather(y, g, -1));
    T_CHECK(!memcmp(g, w, (size_t)n * 8), "%s: values differ from the written array", what);
    free(g);
    free(w);
  }
  dlops_darray_destroy(&y);
}

/* The code must be the same on every rank, and the message must contain want. */
static void check_code(int err, int code, const char *want, const char *what) {
  int lo = err, hi = err;
  MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  T_CHECK(lo == hi, "%s: ranks returned different codes (%d..%d)", what, lo, hi);
  T_CHECK(err == code, "%s: returned %d (%s), expected %d (%s): %s", what, err, dlops_error_string(err), code,
          dlops_error_string(code), dlops_last_error());
  if (err && want)
    T_CHECK(strstr(dlops_last_error(), want) != NULL, "%s: message should contain \"%s\": %s", what, want,
            dlops_last_error());
  if (g_rank == 0 && err == code && err)
    printf("  ok  %-40s -> %s: %.200s\n", what, dlops_error_string(code), dlops_last_error());
  else if (g_rank == 0 && err == code)
    printf("  ok  %-40s -> success\n", what);
}

static void expect_write(dlops_darray x, const char *path, int code, const char *want, const char *what) {
  check_code(dlops_darray_write_npy(x, path), code, want, what);
}

static void expect_read(const char *path, int code, const char *want, const char *what) {
  dlops_darray y = NULL;
  int err = dlops_darray_read_npy(g_ctx, path, 0, DLOPS_SCATTER, &y);
  check_code(err, code, want, what);
  T_CHECK(err == 0 || y == NULL, "%s: the output handle must stay NULL on failure", what);
  if (y) dlops_darray_destroy(&y);
}

/* Rank 0: the number of leftover temporaries in dir. */
static int count_tmp(const char *dir) {
  if (g_rank != 0) return 0;
  DIR *d = opendir(dir);
  if (!d) return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strstr(e->d_name, ".dlops-tmp.")) n++;
  closedir(d);
  return n;
}

static void check_no_tmp(const char *dir, const char *what) {
  int n = count_tmp(dir);
  T_CHECK(n == 0, "%s: %d temporary files left in %s", what, n, dir);
}

/* Rank 0 snapshot of a file's bytes, compared after a failed write. */
typedef struct {
  char *b;
  int64_t n;
} snap;

static snap take(const char *path) {
  snap s = {NULL, -1};
  if (g_rank == 0) s.b = npy_slurp(path, &s.n);
  return s;
}

static void same_bytes(const char *path, snap *s, const char *what) {
  if (g_rank == 0) {
    int64_t n = -1;
    char *b = npy_slurp(path, &n);
    T_CHECK(s->b && b && n == s->n && !memcmp(b, s->b, (size_t)n),
            "%s: the existing good file changed (%lld -> %lld bytes)", what, (long long)s->n, (long long)n);
    free(b);
  }
  free(s->b);
  s->b = NULL;
}

/* A path of about total characters below dir: nested directories of 200-character names (made
 * on rank 0), ending in a short file name. */
static char *long_path(const char *dir, size_t total, const char *leaf) {
  char *p = malloc(total + 512);
  size_t u = (size_t)snprintf(p, total + 512, "%s/", dir);
  while (u + 201 + strlen(leaf) < total) {
    memset(p + u, 'd', 200);
    u += 200;
    p[u] = '\0';
    if (g_rank == 0) npy_mkdir(p);
    p[u++] = '/';
  }
  snprintf(p + u, total + 512 - u, "%s", leaf);
  return p;
}

/* A file name of len characters (plus ".npy") in dir. */
static char *long_name(const char *dir, size_t len) {
  size_t dl = strlen(dir);
  char *p = malloc(dl + len + 8);
  memcpy(p, dir, dl);
  p[dl] = '/';
  size_t stem = len >= 4 ? len - 4 : 0;
  memset(p + dl + 1, 'n', stem);
  memcpy(p + dl + 1 + stem, ".npy", 5);
  return p;
}

static void set_fsize(rlim_t soft) {
  struct rlimit r;
  getrlimit(RLIMIT_FSIZE, &r);
  r.rlim_cur = soft;
  if (setrlimit(RLIMIT_FSIZE, &r) != 0) fprintf(stderr, "[rank %d] setrlimit failed\n", g_rank);
}

int main(int argc, char **argv) {
  g_ctx = dlops_test_init(&argc, &argv);
  dlops_ctx_get_rank(g_ctx, &g_rank);
  dlops_ctx_get_size(g_ctx, &g_size);
  const char *base = argc > 1 ? argv[1] : ".";
  if (g_rank == 0) npy_mkdir(base);
  snprintf(g_dir, sizeof g_dir, "%s/rel_np%d_%s", base, g_size, npy_backend(g_ctx));
  if (g_rank == 0) npy_mkdir(g_dir);
  MPI_Barrier(MPI_COMM_WORLD);
  char p[1024];
  const int64_t n_small = 100, n_big = 4096;
  dlops_darray small = make_vec(n_small, 1.0), big = make_vec(n_big, -2.0);

  /* ---- atomic replace: a second write replaces the first completely ---- */
  char good[600];
  snprintf(good, sizeof good, "%s/good.npy", g_dir);
  expect_write(big, good, 0, NULL, "write a new file");
  expect_write(small, good, 0, NULL, "replace it by a shorter array");
  check_file(good, n_small, 1.0, "replaced file");
  if (g_rank == 0) {
    struct stat sb;
    T_CHECK(stat(good, &sb) == 0 && sb.st_size == 128 + n_small * 8, "replaced file: %lld bytes, expected %lld",
            (long long)sb.st_size, (long long)(128 + n_small * 8));
  }
  check_no_tmp(g_dir, "after successful writes");

  /* ---- refused write targets ---- */
  expect_write(small, "/proc/version", DLOPS_ERR_IO, "temporary", "write /proc/version");
  snprintf(p, sizeof p, "%s/no_such_dir/x.npy", g_dir);
  expect_write(small, p, DLOPS_ERR_IO, "No such file", "write into a missing directory");
  snprintf(p, sizeof p, "%s/no_such_dir", g_dir);
  if (g_rank == 0) {
    struct stat sb;
    T_CHECK(stat(p, &sb) != 0, "the missing directory was created");
  }
  snprintf(p, sizeof p, "%s/adir", g_dir);
  if (g_rank == 0) npy_mkdir(p);
  MPI_Barrier(MPI_COMM_WORLD);
  expect_write(small, p, DLOPS_ERR_IO, "directory", "write over a directory");
  char fifo[600];
  snprintf(fifo, sizeof fifo, "%s/fifo.npy", g_dir);
  if (g_rank == 0) {
    remove(fifo);
    T_CHECK(mkfifo(fifo, 0666) == 0, "mkfifo %s failed", fifo);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  expect_write(small, fifo, DLOPS_ERR_IO, "named pipe", "write over a FIFO");
  if (g_rank == 0) {
    struct stat sb;
    T_CHECK(stat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode), "the FIFO was replaced");
  }
  if (geteuid() != 0) {
    char ro[600];
    snprintf(ro, sizeof ro, "%s/readonly.npy", g_dir);
    expect_write(small, ro, 0, NULL, "write a file to make read-only");
    if (g_rank == 0) chmod(ro, 0444);
    MPI_Barrier(MPI_COMM_WORLD);
    snap s = take(ro);
    expect_write(big, ro, DLOPS_ERR_IO, "Permission denied", "replace a read-only file");
    same_bytes(ro, &s, "read-only file");
    if (g_rank == 0) chmod(ro, 0644);
  } else if (g_rank == 0) {
    printf("  --  read-only target: skipped (running as root, permissions do not apply)\n");
  }
  check_no_tmp(g_dir, "after refused writes");

  /* ---- refused read sources (refused before the open: a FIFO open would block) ---- */
  expect_read(fifo, DLOPS_ERR_IO, "named pipe", "read a FIFO");
  expect_read(g_dir, DLOPS_ERR_IO, "directory", "read a directory");
  expect_read("/dev/zero", DLOPS_ERR_IO, "device", "read /dev/zero");
  expect_read("/proc/version", DLOPS_ERR_IO, "not a .npy file", "read /proc/version");

  /* ---- long names and paths ---- */
  char *n240 = long_name(g_dir, 240), *n255 = long_name(g_dir, 255), *n256 = long_name(g_dir, 256);
  expect_write(big, n240, 0, NULL, "write a 240-character file name");
  check_file(n240, n_big, -2.0, "240-character file name");
  expect_write(small, n240, 0, NULL, "replace a 240-character file name");
  check_file(n240, n_small, 1.0, "240-character file name, replaced");
  expect_write(small, n255, 0, NULL, "write a 255-character file name");
  check_file(n255, n_small, 1.0, "255-character file name");
  expect_write(small, n256, DLOPS_ERR_IO, "too long", "write a 256-character file name");
  expect_read(n256, DLOPS_ERR_IO, "too long", "read a 256-character file name");
  check_no_tmp(g_dir, "after long names");
  char *deep = long_path(g_dir, 4000, "deep.npy");
  MPI_Barrier(MPI_COMM_WORLD);
  if (g_rank == 0) printf("  ..  deep path of %zu characters\n", strlen(deep));
  expect_write(big, deep, 0, NULL, "write a 4000-character path");
  check_file(deep, n_big, -2.0, "4000-character path");
  char *deepdir = strdup(deep);
  *strrchr(deepdir, '/') = '\0';
  check_no_tmp(deepdir, "after a long path");
  char *toolong = long_path(g_dir, 4300, "x.npy");
  MPI_Barrier(MPI_COMM_WORLD);
  expect_write(small, toolong, DLOPS_ERR_IO, "too long", "write a path longer than PATH_MAX");
  expect_read(toolong, DLOPS_ERR_IO, "too long", "read a path longer than PATH_MAX");

  /* ---- file size limit: the write fails with EFBIG on some ranks ---- */
  signal(SIGXFSZ, SIG_IGN);
  struct rlimit old;
  getrlimit(RLIMIT_FSIZE, &old);
  const rlim_t limits[2] = {64, 2048}; /* inside the header; inside the data */
  for (int k = 0; k < 2; k++) {
    snap s = take(good);
    set_fsize(limits[k]);
    char what[96];
    snprintf(what, sizeof what, "write beyond a file size limit of %d", (int)limits[k]);
    expect_write(big, good, DLOPS_ERR_IO, NULL, what);
    set_fsize(old.rlim_cur);
    same_bytes(good, &s, what);
    check_file(good, n_small, 1.0, what);
    check_no_tmp(g_dir, what);
  }

  /* ---- a full file system: a 16 KiB tmpfs, where mounting is allowed ---- */
  char mnt[600];
  snprintf(mnt, sizeof mnt, "%s/tmpfs", g_dir);
  int mounted = 0;
  if (g_rank == 0) {
    npy_mkdir(mnt);
    umount2(mnt, MNT_DETACH); /* a mount left by an interrupted run */
    mounted = mount("tmpfs", mnt, "tmpfs", 0, "size=16k") == 0;
    if (!mounted) printf("  --  full tmpfs: skipped (mount: %s)\n", strerror(errno));
  }
  MPI_Bcast(&mounted, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (mounted) {
    char f[700];
    snprintf(f, sizeof f, "%s/full.npy", mnt);
    expect_write(small, f, 0, NULL, "write a small file on a 16 KiB tmpfs");
    snap s = take(f);
    dlops_darray huge = make_vec(4096 * 8, 3.0); /* 256 KiB */
    expect_write(huge, f, DLOPS_ERR_IO, NULL, "write 256 KiB on a 16 KiB tmpfs");
    same_bytes(f, &s, "full tmpfs");
    check_file(f, n_small, 1.0, "full tmpfs");
    check_no_tmp(mnt, "full tmpfs");
    dlops_darray_destroy(&huge);
    MPI_Barrier(MPI_COMM_WORLD);
    if (g_rank == 0) T_CHECK(umount2(mnt, MNT_DETACH) == 0, "umount %s: %s", mnt, strerror(errno));
  }

  /* ---- still usable ---- */
  expect_write(big, good, 0, NULL, "write after all this");
  check_file(good, n_big, -2.0, "write after all this");
  check_no_tmp(g_dir, "at the end");
  (void)all_true;
  free(n240);
  free(n255);
  free(n256);
  free(deep);
  free(deepdir);
  free(toolong);
  dlops_darray_destroy(&small);
  dlops_darray_destroy(&big);
  return dlops_test_finish(g_ctx);
}
