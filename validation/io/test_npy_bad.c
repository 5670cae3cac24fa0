/* Malformed and unsupported .npy files: every rank must get the same error code, with a message,
 * and never crash or hang. Rank 0 crafts the files byte by byte; every rank then reads them.
 * Also accepted variants of the header syntax (versions 2.0 and 3.0, double quotes, other key
 * order, Python 2 'L' suffixes, no padding, trailing bytes after the data) load correctly.
 *
 * usage: test_npy_bad <scratch directory>
 */
#include "npy_common.h"

static const char *g_dir = ".";
static char g_tag[96];
static int g_rank = 0;
static dlops_ctx g_ctx;

static void name_for(char *buf, size_t n, const char *what) { snprintf(buf, n, "%s/bad_%s_%s.npy", g_dir, g_tag, what); }

/* Rank 0 writes n raw bytes. */
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

/* Build a .npy image: magic, version, header length, dict, padding to 64 bytes (pad = 0 for
 * none), newline, then ndata bytes of formula doubles (truncated to keep bytes in total when
 * keep >= 0). */
static void crafted(const char *path, int version, const char *dict, int pad, int64_t ndata, int64_t keep) {
  if (g_rank != 0) return;
  size_t dl = strlen(dict);
  size_t prefix = version == 1 ? 10 : 12;
  size_t hl = dl + 1;
  if (pad) hl += 64 - (prefix + hl) % 64;
  size_t tot = prefix + hl + (size_t)ndata;
  unsigned char *b = calloc(tot + 1, 1);
  memcpy(b, "\x93NUMPY", 6);
  b[6] = (unsigned char)version;
  b[7] = 0;
  for (int k = 0; k < (version == 1 ? 2 : 4); k++) b[8 + k] = (unsigned char)((hl >> (8 * k)) & 0xff);
  memcpy(b + prefix, dict, dl);
  memset(b + prefix + dl, ' ', hl - dl - 1);
  b[prefix + hl - 1] = '\n';
  if (ndata > 0) { /* through an aligned buffer: without padding the data are not aligned */
    double *v = malloc((size_t)ndata + 8);
    npy_fill_formula(v, ndata / 8, DLOPS_F64);
    memcpy(b + prefix + hl, v, (size_t)ndata);
    free(v);
  }
  raw_file(path, b, keep >= 0 && (size_t)keep < tot ? (size_t)keep : tot);
  free(b);
}

/* Read path expecting code on every rank; the message must contain want (if not NULL). */
static void expect(const char *path, int code, const char *want) {
  dlops_darray y = NULL;
  int err = dlops_darray_read_npy(g_ctx, path, 0, DLOPS_SCATTER, &y);
  T_CHECK(err == code, "reading %s returned %d (%s), expected %d (%s): %s", path, err, dlops_error_string(err), code,
          dlops_error_string(code), dlops_last_error());
  T_CHECK(y == NULL, "%s: the output handle must stay NULL on failure", path);
  const char *m = dlops_last_error();
  T_CHECK(m[0] != '\0', "%s: no message", path);
  if (want) T_CHECK(strstr(m, want) != NULL, "%s: message should contain \"%s\": %s", path, want, m);
  if (g_rank == 0 && err == code) printf("  ok  %-28s -> %s: %s\n", strrchr(path, '/') + 1, dlops_error_string(code), m);
  if (y) dlops_darray_destroy(&y);
}

/* Read path along every axis expecting success: an f8 array of the given shape holding the
 * formula values. */
static void expect_ok(const char *path, int ndim, const int64_t *shape) {
  for (int ax = 0; ax < ndim; ax++) {
    dlops_darray y = NULL;
    int err = dlops_darray_read_npy(g_ctx, path, ax, DLOPS_SCATTER, &y);
    T_CHECK(err == 0, "reading %s (axis %d) failed: %s", path, ax, dlops_last_error());
    if (err) return;
    int64_t gs[DLOPS_MAX_NDIM];
    int nd = 0;
    dlops_darray_get_ndim(y, &nd);
    dlops_darray_get_global_shape(y, gs);
    int same = nd == ndim;
    for (int d = 0; d < ndim && same; d++) same = gs[d] == shape[d];
    T_CHECK(same, "%s: wrong shape", path);
    int64_t n = npy_prod(ndim, shape);
    double *g = malloc((size_t)(n > 0 ? n : 1) * 8), *w = malloc((size_t)(n > 0 ? n : 1) * 8);
    npy_fill_formula(w, n, DLOPS_F64);
    if (same) T_CALL(dlops_darray_gather(y, g, -1));
    if (same) T_CHECK(n == 0 || !memcmp(g, w, (size_t)n * 8), "%s: wrong values", path);
    free(g);
    free(w);
    dlops_darray_destroy(&y);
  }
}

int main(int argc, char **argv) {
  g_ctx = dlops_test_init(&argc, &argv);
  int P = 1;
  dlops_ctx_get_rank(g_ctx, &g_rank);
  dlops_ctx_get_size(g_ctx, &P);
  if (argc > 1) g_dir = argv[1];
  if (g_rank == 0) npy_mkdir(g_dir);
  snprintf(g_tag, sizeof g_tag, "np%d_%s", P, npy_backend(g_ctx));
  char p[64][512];
  int k = 0;
#define NEXT(what) (name_for(p[k], sizeof p[k], what), p[k++])
  /* ---- craft everything on rank 0 ---- */
  const char *good = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }";
  const char *text = "this is a text file, not a numpy array at all\nline two\n";
  char *f_text = NEXT("text");
  raw_file(f_text, text, strlen(text));
  char *f_empty = NEXT("empty");
  raw_file(f_empty, "", 0);
  char *f_magic4 = NEXT("magic4");
  raw_file(f_magic4, "\x93NUM", 4);
  char *f_nolen = NEXT("nolen");
  raw_file(f_nolen, "\x93NUMPY\x01\x00", 8);
  char *f_trunc_hdr = NEXT("trunc_header");
  crafted(f_trunc_hdr, 1, good, 1, 96, 40);
  char *f_trunc_data = NEXT("trunc_data");
  crafted(f_trunc_data, 1, good, 1, 96, 128 + 50);
  char *f_big = NEXT("bigendian");
  crafted(f_big, 1, "{'descr': '>f8', 'fortran_order': False, 'shape': (3, 4), }", 1, 96, -1);
  char *f_fort = NEXT("fortran");
  crafted(f_fort, 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 4), }", 1, 96, -1);
  char *f_int = NEXT("int32");
  crafted(f_int, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3, 4), }", 1, 48, -1);
  char *f_obj = NEXT("object");
  crafted(f_obj, 1, "{'descr': '|O', 'fortran_order': False, 'shape': (3,), }", 1, 24, -1);
  char *f_half = NEXT("float16");
  crafted(f_half, 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", 1, 6, -1);
  char *f_struct = NEXT("structured");
  crafted(f_struct, 1, "{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (3,), }", 1, 36, -1);
  char *f_ver = NEXT("version4");
  crafted(f_ver, 4, good, 1, 96, -1);
  char *f_hugehl = NEXT("huge_header_len");
  if (g_rank == 0) {
    unsigned char b[64] = "\x93NUMPY\x02\x00\xf0\xff\xff\xff{'descr': '<f8'";
    raw_file(f_hugehl, b, sizeof b);
  }
  char *f_0d = NEXT("scalar");
  crafted(f_0d, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 1, 8, -1);
  char *f_9d = NEXT("ninedims");
  crafted(f_9d, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1), }", 1, 8, -1);
  /* malformed dicts */
  static const char *const malformed[] = {
      "{'descr': '<f8', 'fortran_order': False, }",                                   /* no shape */
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), 'extra': 1, }",       /* extra key */
      "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (3, 4), }",                   /* bad bool */
      "{'descr': '<f8', 'fortran_order': False, 'shape': (12), }",                     /* not a tuple */
      "{'descr': '<f8', 'fortran_order': False, 'shape': (-3, 4), }",                  /* negative */
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4",                       /* unterminated */
      "descr <f8 shape 3 4",                                                           /* not a dict */
      "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }",  /* overflow */
      "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }", /* too big */
      "{'descr': <f8, 'fortran_order': False, 'shape': (3, 4), }",                     /* unquoted */
      "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }",   /* duplicate */
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), } trailing",          /* junk after */
      "{'descr': '<f8' 'fortran_order': False, 'shape': (3, 4), }",                    /* missing comma */
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4.5), }",                 /* float dim */
  };
  const int nmal = (int)(sizeof malformed / sizeof malformed[0]);
  char *f_mal[16];
  for (int i = 0; i < nmal; i++) {
    char w[32];
    snprintf(w, sizeof w, "malformed%d", i);
    f_mal[i] = NEXT(w);
    crafted(f_mal[i], 1, malformed[i], 1, 96, -1);
  }
  char *f_nul = NEXT("nul_in_header");
  if (g_rank == 0) {
    unsigned char b[128 + 96];
    memset(b, ' ', sizeof b);
    memcpy(b, "\x93NUMPY\x01\x00\x76\x00", 10);
    memcpy(b + 10, good, strlen(good));
    b[10 + 16] = '\0'; /* the space after "'<f8'," */
    b[127] = '\n';
    raw_file(f_nul, b, sizeof b);
  }
  char *f_missing = NEXT("missing");
  if (g_rank == 0) remove(f_missing);
  /* accepted variants */
  char *v_2 = NEXT("v2"), *v_3 = NEXT("v3"), *v_dq = NEXT("dquote"), *v_order = NEXT("order"), *v_L = NEXT("py2L"),
       *v_nopad = NEXT("nopad"), *v_trail = NEXT("trailing"), *v_ws = NEXT("spaces"), *v_empty = NEXT("empty_ok");
  crafted(v_2, 2, good, 1, 96, -1);
  crafted(v_3, 3, good, 1, 96, -1);
  crafted(v_dq, 1, "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (3, 4)}", 1, 96, -1);
  crafted(v_order, 1, "{'shape': (3, 4), 'fortran_order': False, 'descr': '<f8'}", 1, 96, -1);
  crafted(v_L, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L), }", 1, 96, -1);
  crafted(v_nopad, 1, good, 0, 96, -1);
  crafted(v_trail, 1, good, 1, 96 + 13, -1);
  crafted(v_ws, 1, "{ 'descr' :'<f8' ,'fortran_order':False,'shape':( 3 ,4 ) }", 1, 96, -1);
  crafted(v_empty, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4), }", 1, 0, -1);
  MPI_Barrier(MPI_COMM_WORLD);

  /* ---- every rank reads ---- */
  const char *base_text = strrchr(f_text, '/') + 1;
  expect(f_text, DLOPS_ERR_IO, "not a .npy file");
  expect(f_text, DLOPS_ERR_IO, base_text); /* the path is in the message */
  expect(f_empty, DLOPS_ERR_IO, "empty");
  expect(f_magic4, DLOPS_ERR_IO, "truncated");
  expect(f_nolen, DLOPS_ERR_IO, "truncated");
  expect(f_trunc_hdr, DLOPS_ERR_IO, "truncated");
  expect(f_trunc_data, DLOPS_ERR_IO, "truncated");
  expect(f_big, DLOPS_ERR_UNSUPPORTED, ">f8");
  expect(f_big, DLOPS_ERR_UNSUPPORTED, "big-endian");
  expect(f_fort, DLOPS_ERR_UNSUPPORTED, "Fortran");
  expect(f_int, DLOPS_ERR_UNSUPPORTED, "<i4");
  expect(f_obj, DLOPS_ERR_UNSUPPORTED, "|O");
  expect(f_half, DLOPS_ERR_UNSUPPORTED, "<f2");
  expect(f_struct, DLOPS_ERR_UNSUPPORTED, "structured");
  expect(f_ver, DLOPS_ERR_UNSUPPORTED, "version 4.0");
  expect(f_hugehl, DLOPS_ERR_IO, "header length");
  expect(f_0d, DLOPS_ERR_UNSUPPORTED, "0-dimensional");
  expect(f_9d, DLOPS_ERR_UNSUPPORTED, "9 dimensions");
  for (int i = 0; i < nmal; i++) expect(f_mal[i], DLOPS_ERR_IO, i == 8 ? "too large" : "header");
  expect(f_nul, DLOPS_ERR_IO, "NUL");
  expect(f_missing, DLOPS_ERR_IO, "No such file");
  expect(f_missing, DLOPS_ERR_IO, strrchr(f_missing, '/') + 1);
  expect(g_dir, DLOPS_ERR_IO, "directory");
  int64_t s34[] = {3, 4}, s04[] = {0, 4};
  expect_ok(v_2, 2, s34);
  expect_ok(v_3, 2, s34);
  expect_ok(v_dq, 2, s34);
  expect_ok(v_order, 2, s34);
  expect_ok(v_L, 2, s34);
  expect_ok(v_nopad, 2, s34);
  expect_ok(v_trail, 2, s34);
  expect_ok(v_ws, 2, s34);
  expect_ok(v_empty, 2, s04);
  /* a good file, bad axis */
  dlops_darray y = NULL;
  T_EXPECT_ERR(dlops_darray_read_npy(g_ctx, v_2, 5, DLOPS_SCATTER, &y), DLOPS_ERR_ARG);
  T_CHECK(strstr(dlops_last_error(), "axis 5") != NULL, "message should name the axis: %s", dlops_last_error());
  /* the library is still usable after all this */
  expect_ok(v_2, 2, s34);
  return dlops_test_finish(g_ctx);
}
