/* .npz reading (dlops_darray_read_npz, dlops_npz_get_num_members, dlops_npz_get_member_name).
 * Rank 0 writes archives with a small zip writer of its own (stored and deflated members, ZIP64
 * records, and damaged variants); every rank then reads them. Checks: values along every axis
 * and with BROADCAST, all four dtypes, member lookup by key and by file name, listing, and the
 * error of every bad file on every rank (same code and message): missing file and member,
 * not a zip, every truncation of an archive, corrupt deflate data, CRC mismatch, unknown
 * compression method, encrypted member, unsupported dtype, different paths across ranks.
 * With a second argument (a folder written by npz_numpy.py) it also reads numpy's own savez and
 * savez_compressed files.
 *
 * usage: test_npz <scratch directory> [numpy folder]
 */
#include <zlib.h>

#include "npy_common.h"

static const char *g_dir = ".";
static char g_tag[96];
static int g_rank = 0;
static dlops_ctx g_ctx;

/* ---- a growing byte buffer and a minimal zip writer ---- */
typedef struct {
  unsigned char *b;
  size_t n, cap;
} buf;

static void put(buf *o, const void *p, size_t n) {
  if (o->n + n > o->cap) {
    o->cap = 2 * (o->n + n) + 64;
    o->b = realloc(o->b, o->cap);
  }
  if (n) memcpy(o->b + o->n, p, n); /* p may be NULL for an empty piece */
  o->n += n;
}
static void put16(buf *o, unsigned v) {
  unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
  put(o, b, 2);
}
static void put32(buf *o, uint32_t v) {
  put16(o, v & 0xffff);
  put16(o, v >> 16);
}
static void put64(buf *o, uint64_t v) {
  put32(o, (uint32_t)v);
  put32(o, (uint32_t)(v >> 32));
}

/* A .npy image of n elements of dtype (descr given, formula values for the four dlops types;
 * raw bytes 0,1,2,.. for others). */
static buf npy_image(const char *descr, int ndim, const int64_t *shape, size_t es, dlops_dtype t, int formula) {
  char dict[256];
  int l = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
  for (int d = 0; d < ndim; d++) l += snprintf(dict + l, sizeof dict - (size_t)l, "%lld, ", (long long)shape[d]);
  snprintf(dict + l, sizeof dict - (size_t)l, "), }");
  size_t dl = strlen(dict), hl = dl + 1;
  hl += (64 - (10 + hl) % 64) % 64;
  buf o = {0, 0, 0};
  put(&o, "\x93NUMPY\x01\x00", 8);
  put16(&o, (unsigned)hl);
  put(&o, dict, dl);
  for (size_t k = dl; k < hl - 1; k++) put(&o, " ", 1);
  put(&o, "\n", 1);
  int64_t n = npy_prod(ndim, shape);
  unsigned char *v = calloc((size_t)n * es + 1, 1);
  if (formula)
    npy_fill_formula(v, n, t);
  else
    for (size_t k = 0; k < (size_t)n * es; k++) v[k] = (unsigned char)k;
  put(&o, v, (size_t)n * es);
  free(v);
  return o;
}

typedef struct {
  const char *name;
  buf data;     /* uncompressed member */
  int method;   /* 0 stored, 8 deflate, other: written as stored bytes with that method number */
  int zip64;    /* sizes and offset through the ZIP64 extra field */
  int encrypt;  /* set the encryption flag */
  int bad_crc;  /* store a wrong CRC */
} member;

/* Write the archive; zip64_end adds the ZIP64 end records. */
static buf zip_build(member *m, int nm, int zip64_end) {
  buf z = {0, 0, 0}, cd = {0, 0, 0};
  for (int i = 0; i < nm; i++) {
    buf c = {0, 0, 0};
    if (m[i].method == 8) {
      z_stream s;
      memset(&s, 0, sizeof s);
      deflateInit2(&s, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
      uLong bound = deflateBound(&s, (uLong)m[i].data.n);
      c.b = malloc(bound + 16);
      c.cap = bound + 16;
      s.next_in = m[i].data.b;
      s.avail_in = (uInt)m[i].data.n;
      s.next_out = c.b;
      s.avail_out = (uInt)c.cap;
      deflate(&s, Z_FINISH);
      c.n = s.total_out;
      deflateEnd(&s);
    } else {
      put(&c, m[i].data.b, m[i].data.n);
    }
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), m[i].data.b, (uInt)m[i].data.n);
    if (m[i].bad_crc) crc ^= 0x5a5a5a5au;
    size_t local = z.n, nl = strlen(m[i].name);
    put32(&z, 0x04034b50u);
    put16(&z, 45);
    put16(&z, m[i].encrypt ? 1 : 0);
    put16(&z, (unsigned)m[i].method);
    put32(&z, 0);
    put32(&z, crc);
    put32(&z, m[i].zip64 ? 0xffffffffu : (uint32_t)c.n);
    put32(&z, m[i].zip64 ? 0xffffffffu : (uint32_t)m[i].data.n);
    put16(&z, (unsigned)nl);
    put16(&z, m[i].zip64 ? 20 : 0);
    put(&z, m[i].name, nl);
    if (m[i].zip64) {
      put16(&z, 1);
      put16(&z, 16);
      put64(&z, m[i].data.n);
      put64(&z, c.n);
    }
    put(&z, c.b, c.n);
    put32(&cd, 0x02014b50u);
    put16(&cd, 45);
    put16(&cd, 45);
    put16(&cd, m[i].encrypt ? 1 : 0);
    put16(&cd, (unsigned)m[i].method);
    put32(&cd, 0);
    put32(&cd, crc);
    put32(&cd, m[i].zip64 ? 0xffffffffu : (uint32_t)c.n);
    put32(&cd, m[i].zip64 ? 0xffffffffu : (uint32_t)m[i].data.n);
    put16(&cd, (unsigned)nl);
    put16(&cd, m[i].zip64 ? 28 : 0);
    put16(&cd, 0);
    put16(&cd, 0);
    put16(&cd, 0);
    put32(&cd, 0);
    put32(&cd, m[i].zip64 ? 0xffffffffu : (uint32_t)local);
    put(&cd, m[i].name, nl);
    if (m[i].zip64) {
      put16(&cd, 1);
      put16(&cd, 24);
      put64(&cd, m[i].data.n);
      put64(&cd, c.n);
      put64(&cd, local);
    }
    free(c.b);
  }
  size_t cdoff = z.n;
  put(&z, cd.b, cd.n);
  if (zip64_end) {
    size_t r = z.n;
    put32(&z, 0x06064b50u);
    put64(&z, 44);
    put16(&z, 45);
    put16(&z, 45);
    put32(&z, 0);
    put32(&z, 0);
    put64(&z, (uint64_t)nm);
    put64(&z, (uint64_t)nm);
    put64(&z, cd.n);
    put64(&z, cdoff);
    put32(&z, 0x07064b50u);
    put32(&z, 0);
    put64(&z, r);
    put32(&z, 1);
  }
  put32(&z, 0x06054b50u);
  put16(&z, 0);
  put16(&z, 0);
  put16(&z, zip64_end ? 0xffff : (unsigned)nm);
  put16(&z, zip64_end ? 0xffff : (unsigned)nm);
  put32(&z, zip64_end ? 0xffffffffu : (uint32_t)cd.n);
  put32(&z, zip64_end ? 0xffffffffu : (uint32_t)cdoff);
  put16(&z, 0);
  free(cd.b);
  return z;
}

static void raw_file(const char *path, const void *bytes, size_t n) {
  if (g_rank != 0) return;
  FILE *f = fopen(path, "wb");
  if (!f) {
    fprintf(stderr, "cannot create %s\n", path);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  if (n) fwrite(bytes, 1, n, f);
  fclose(f);
}

static void name_for(char *b, size_t n, const char *what) { snprintf(b, n, "%s/npz_%s_%s.npz", g_dir, g_tag, what); }

/* ---- checks ---- */
static void expect_err(const char *path, const char *mem, int code, const char *want) {
  dlops_darray y = NULL;
  int err = dlops_darray_read_npz(g_ctx, path, mem, 0, DLOPS_SCATTER, &y);
  T_CHECK(err == code, "reading %s[%s] returned %d (%s), expected %d (%s): %s", path, mem, err,
          dlops_error_string(err), code, dlops_error_string(code), dlops_last_error());
  T_CHECK(y == NULL, "%s: the output handle must stay NULL on failure", path);
  const char *m = dlops_last_error();
  if (want) T_CHECK(strstr(m, want) != NULL, "%s: message should contain \"%s\": %s", path, want, m);
  unsigned long h = dlops_test_msg_hash(), mm[2] = {h, ~h};
  MPI_Allreduce(MPI_IN_PLACE, mm, 2, MPI_UNSIGNED_LONG, MPI_MAX, MPI_COMM_WORLD);
  T_CHECK(mm[0] == h && mm[1] == ~h, "%s: ranks report different messages (here: %s)", path, m);
  const char *base = strrchr(path, '/');
  if (g_rank == 0 && err == code && want)
    printf("  ok  %-24s -> %s: %s\n", base ? base + 1 : path, dlops_error_string(code), m);
  if (y) dlops_darray_destroy(&y);
}

/* Read member along every axis (and with BROADCAST): formula values of dtype t and shape. */
static void expect_ok(const char *path, const char *mem, dlops_dtype t, int ndim, const int64_t *shape) {
  const size_t es = dlops_dtype_size(t);
  const int64_t n = npy_prod(ndim, shape);
  unsigned char *w = malloc((size_t)n * es + 1), *g = malloc((size_t)n * es + 1);
  npy_fill_formula(w, n, t);
  for (int ax = 0; ax <= ndim; ax++) {
    dlops_darray y = NULL;
    dlops_partition part = ax == ndim ? DLOPS_BROADCAST : DLOPS_SCATTER;
    int err = dlops_darray_read_npz(g_ctx, path, mem, ax == ndim ? 0 : ax, part, &y);
    T_CHECK(err == 0, "reading %s[%s] (axis %d) failed: %s", path, mem, ax, dlops_last_error());
    if (err) continue;
    int64_t gs[DLOPS_MAX_NDIM];
    int nd = 0;
    dlops_dtype yt;
    dlops_darray_get_ndim(y, &nd);
    dlops_darray_get_global_shape(y, gs);
    dlops_darray_get_dtype(y, &yt);
    int same = nd == ndim && yt == t;
    for (int d = 0; d < ndim && same; d++) same = gs[d] == shape[d];
    T_CHECK(same, "%s[%s]: wrong shape or dtype", path, mem);
    if (same && part == DLOPS_SCATTER) {
      T_CALL(dlops_darray_gather(y, g, -1));
      T_CHECK(!memcmp(g, w, (size_t)n * es), "%s[%s] axis %d: wrong values", path, mem, ax);
    } else if (same) { /* every rank holds the whole array */
      void *p = NULL;
      T_CALL(dlops_darray_get_local(y, DLOPS_MEM_HOST, &p));
      T_CHECK(p && !memcmp(p, w, (size_t)n * es), "%s[%s] broadcast: wrong values", path, mem);
      T_CALL(dlops_darray_restore_local(y, &p));
    }
    dlops_darray_destroy(&y);
  }
  free(w);
  free(g);
}

int main(int argc, char **argv) {
  g_ctx = dlops_test_init(&argc, &argv);
  int P = 1;
  dlops_ctx_get_rank(g_ctx, &g_rank);
  dlops_ctx_get_size(g_ctx, &P);
  if (argc > 1) g_dir = argv[1];
  if (g_rank == 0) npy_mkdir(g_dir);
  snprintf(g_tag, sizeof g_tag, "np%d_%s", P, npy_backend(g_ctx));
  char f_good[512], f_z64[512], f_trunc[512], f_corrupt[512], f_crc[512], f_method[512], f_enc[512], f_int[512],
      f_text[512], f_missing[512], f_empty[512];
  name_for(f_good, sizeof f_good, "good");
  name_for(f_z64, sizeof f_z64, "zip64");
  name_for(f_trunc, sizeof f_trunc, "cut");
  name_for(f_corrupt, sizeof f_corrupt, "corrupt_deflate");
  name_for(f_crc, sizeof f_crc, "bad_crc");
  name_for(f_method, sizeof f_method, "bzip2");
  name_for(f_enc, sizeof f_enc, "encrypted");
  name_for(f_int, sizeof f_int, "int32");
  name_for(f_text, sizeof f_text, "text");
  name_for(f_missing, sizeof f_missing, "missing");
  name_for(f_empty, sizeof f_empty, "empty_member");

  /* ---- rank 0 writes the archives ---- */
  const int64_t s3[3] = {5, 4, 3}, s2[2] = {7, 6}, s1[1] = {11}, s0[2] = {0, 4};
  member good[5] = {
      {"a.npy", npy_image("<f8", 3, s3, 8, DLOPS_F64, 1), 0, 0, 0, 0},
      {"b.npy", npy_image("<c16", 2, s2, 16, DLOPS_C128, 1), 8, 0, 0, 0},
      {"c.npy", npy_image("<f4", 1, s1, 4, DLOPS_F32, 1), 8, 0, 0, 0},
      {"sub/d.npy", npy_image("<c8", 3, s3, 8, DLOPS_C64, 1), 0, 0, 0, 0},
      {"e", npy_image("<f8", 2, s0, 8, DLOPS_F64, 1), 8, 0, 0, 0},
  };
  buf zg = zip_build(good, 5, 0);
  raw_file(f_good, zg.b, zg.n);
  member z64[2] = {good[0], good[1]};
  z64[0].zip64 = z64[1].zip64 = 1;
  buf zz = zip_build(z64, 2, 1);
  raw_file(f_z64, zz.b, zz.n);
  /* a small archive with one deflated member, cut at every length below */
  member small[1] = {good[2]};
  buf zs = zip_build(small, 1, 0);
  /* corrupt deflate stream: overwrite bytes in the middle of the member's compressed data */
  member one[1] = {good[1]};
  buf zc = zip_build(one, 1, 0);
  for (size_t k = 60; k < 70 && k < zc.n; k++) zc.b[k] ^= 0xa5;
  raw_file(f_corrupt, zc.b, zc.n);
  member crc[1] = {good[0]};
  crc[0].bad_crc = 1;
  buf zcrc = zip_build(crc, 1, 0);
  raw_file(f_crc, zcrc.b, zcrc.n);
  member meth[1] = {good[0]};
  meth[0].method = 12;
  buf zm = zip_build(meth, 1, 0);
  raw_file(f_method, zm.b, zm.n);
  member enc[1] = {good[0]};
  enc[0].encrypt = 1;
  buf ze = zip_build(enc, 1, 0);
  raw_file(f_enc, ze.b, ze.n);
  member in[1] = {{"i.npy", npy_image("<i4", 2, s2, 4, DLOPS_F32, 0), 8, 0, 0, 0}};
  buf zi = zip_build(in, 1, 0);
  raw_file(f_int, zi.b, zi.n);
  raw_file(f_text, "PK this is not a zip archive at all\n", 36);
  member emp[1] = {{"x.npy", {0, 0, 0}, 0, 0, 0, 0}};
  buf zem = zip_build(emp, 1, 0);
  raw_file(f_empty, zem.b, zem.n);
  if (g_rank == 0) remove(f_missing);
  MPI_Barrier(MPI_COMM_WORLD);

  /* ---- good archives: values, lookups, listing ---- */
  expect_ok(f_good, "a", DLOPS_F64, 3, s3);       /* stored, key without .npy */
  expect_ok(f_good, "a.npy", DLOPS_F64, 3, s3);   /* file name */
  expect_ok(f_good, "b", DLOPS_C128, 2, s2);      /* deflated */
  expect_ok(f_good, "c.npy", DLOPS_F32, 1, s1);   /* deflated */
  expect_ok(f_good, "sub/d", DLOPS_C64, 3, s3);   /* stored, a path-like name */
  expect_ok(f_good, "e", DLOPS_F64, 2, s0);       /* an empty array (exact name "e") */
  expect_ok(f_z64, "a", DLOPS_F64, 3, s3);        /* ZIP64 records, stored */
  expect_ok(f_z64, "b", DLOPS_C128, 2, s2);       /* ZIP64 records, deflated */
  int cnt = -1;
  T_CALL(dlops_npz_get_num_members(f_good, &cnt));
  T_CHECK(cnt == 5, "members: %d, expected 5", cnt);
  static const char *const names[5] = {"a.npy", "b.npy", "c.npy", "sub/d.npy", "e"};
  for (int k = 0; k < 5; k++) {
    const char *nm = NULL;
    T_CALL(dlops_npz_get_member_name(f_good, k, &nm));
    T_CHECK(nm && !strcmp(nm, names[k]), "member %d: '%s', expected '%s'", k, nm ? nm : "(null)", names[k]);
  }
  T_CALL(dlops_npz_get_num_members(f_z64, &cnt));
  T_CHECK(cnt == 2, "zip64 members: %d, expected 2", cnt);
  const char *nm = NULL;
  T_EXPECT_ERR(dlops_npz_get_member_name(f_good, 5, &nm), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_npz_get_member_name(f_good, -1, &nm), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_npz_get_num_members(f_missing, &cnt), DLOPS_ERR_IO);
  T_EXPECT_ERR(dlops_npz_get_num_members(f_text, &cnt), DLOPS_ERR_IO);
  T_EXPECT_ERR(dlops_npz_get_num_members(NULL, &cnt), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_npz_get_num_members(f_good, NULL), DLOPS_ERR_ARG);

  /* ---- bad input: the same code and message on every rank ---- */
  expect_err(f_missing, "a", DLOPS_ERR_IO, "No such file");
  expect_err(f_good, "nothere", DLOPS_ERR_ARG, "'nothere'");
  expect_err(f_good, "", DLOPS_ERR_ARG, "member name");
  expect_err(f_text, "a", DLOPS_ERR_IO, "not a zip archive");
  expect_err(g_dir, "a", DLOPS_ERR_IO, "not a regular file");
  expect_err(f_corrupt, "b", DLOPS_ERR_IO, NULL);
  expect_err(f_crc, "a", DLOPS_ERR_IO, "CRC-32");
  expect_err(f_method, "a", DLOPS_ERR_UNSUPPORTED, "method 12");
  expect_err(f_enc, "a", DLOPS_ERR_UNSUPPORTED, "encrypted");
  expect_err(f_int, "i", DLOPS_ERR_UNSUPPORTED, "<i4");
  expect_err(f_empty, "x", DLOPS_ERR_IO, NULL);
  {
    dlops_darray y = NULL;
    T_EXPECT_ALL(dlops_darray_read_npz(g_ctx, f_good, "a", 3, DLOPS_SCATTER, &y), DLOPS_ERR_ARG); /* axis */
    T_EXPECT_ALL(dlops_darray_read_npz(g_ctx, NULL, "a", 0, DLOPS_SCATTER, &y), DLOPS_ERR_ARG);
    T_EXPECT_ALL(dlops_darray_read_npz(g_ctx, f_good, "a", 0, (dlops_partition)7, &y), DLOPS_ERR_ARG);
    /* one rank names another member */
    T_EXPECT_ALL(dlops_darray_read_npz(g_ctx, f_good, g_rank == P - 1 && P > 1 ? "b" : "a", 0, DLOPS_SCATTER, &y),
                 P > 1 ? DLOPS_ERR_ARG : DLOPS_SUCCESS);
    if (y) dlops_darray_destroy(&y);
  }
  /* every truncation of a small deflated archive fails cleanly (never a crash or a hang) */
  int cut_ok = 1;
  for (size_t len = 0; len < zs.n; len++) {
    raw_file(f_trunc, zs.b, len);
    MPI_Barrier(MPI_COMM_WORLD);
    dlops_darray y = NULL;
    int err = dlops_darray_read_npz(g_ctx, f_trunc, "c", 0, DLOPS_SCATTER, &y);
    if (err != DLOPS_ERR_IO || y) {
      cut_ok = 0;
      if (g_rank == 0) fprintf(stderr, "cut at %zu of %zu bytes: %d (%s)\n", len, zs.n, err, dlops_last_error());
    }
    if (y) dlops_darray_destroy(&y);
    MPI_Barrier(MPI_COMM_WORLD);
  }
  T_CHECK(cut_ok, "a truncated archive was not refused with DLOPS_ERR_IO");
  if (g_rank == 0) printf("  ok  %zu truncations of a %zu-byte archive -> DLOPS_ERR_IO\n", zs.n, zs.n);

  /* ---- numpy's own files (npz_numpy.py), when given ---- */
  if (argc > 2) {
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/savez.npz", argv[2]);
    snprintf(p2, sizeof p2, "%s/savez_compressed.npz", argv[2]);
    struct stat sb;
    if (stat(p1, &sb) == 0 && stat(p2, &sb) == 0) {
      const int64_t n3[3] = {6, 5, 4}, n2[2] = {9, 7};
      for (int k = 0; k < 2; k++) {
        const char *p = k ? p2 : p1;
        expect_ok(p, "f8", DLOPS_F64, 3, n3);
        expect_ok(p, "f4", DLOPS_F32, 2, n2);
        expect_ok(p, "c8", DLOPS_C64, 2, n2);
        expect_ok(p, "c16", DLOPS_C128, 3, n3);
        expect_err(p, "i8", DLOPS_ERR_UNSUPPORTED, "<i8");
      }
      if (g_rank == 0) printf("  ok  numpy savez and savez_compressed files\n");
    } else if (g_rank == 0) {
      printf("  (no numpy files in %s: numpy not importable?)\n", argv[2]);
    }
  }
  free(zg.b);
  free(zz.b);
  free(zs.b);
  free(zc.b);
  free(zcrc.b);
  free(zm.b);
  free(ze.b);
  free(zi.b);
  free(zem.b);
  for (int i = 0; i < 5; i++) free(good[i].data.b);
  free(in[0].data.b);
  return dlops_test_finish(g_ctx);
}
