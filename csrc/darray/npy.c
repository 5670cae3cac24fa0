/* Parallel .npy read/write of distributed arrays with MPI-IO.
 *
 * File format (numpy's NEP 1): the magic "\x93NUMPY", a major and minor version byte, the header
 * length (2 bytes little endian for version 1.0, 4 bytes for 2.0 and 3.0), then a Python dict
 * literal {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), } padded with spaces and a
 * final newline so that the data start at a multiple of 64 bytes. The data follow in C order.
 *
 * Writing: every rank builds the same header; rank 0 writes it; each writer writes its slab
 * through a file view (nested hvector datatypes over bytes, split in chunks so that counts above
 * INT_MAX work) with one collective MPI_File_write_all. Reading: rank 0 reads and parses the
 * header with stdio (so a missing file reports the OS reason), the outcome is agreed and the
 * parsed header shared through one metadata reduction, then every rank reads its slab the same
 * way. Every check whose outcome could differ between ranks is agreed on ctx->world.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "darray_impl.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_ALIGN 64
/* numpy leaves room after the dict for the first axis to grow to this many digits */
#define NPY_GROWTH_DIGITS 21
/* refuse headers larger than this when reading (numpy's own limit is 10000 by default) */
#define NPY_MAX_HEADER (1 << 20)

static const char *const npy_descr[DLOPS_NUM_DTYPES] = {"<f4", "<f8", "<c8", "<c16"};

static int host_is_little_endian(void) {
  const uint16_t one = 1;
  unsigned char b;
  memcpy(&b, &one, 1);
  return b == 1;
}

/* ================================================================ MPI datatypes over bytes */

/* count copies of base, the k-th at byte k*stride, as one datatype; counts above chunk are split
 * (chunk <= INT_MAX) so that every MPI constructor sees an int count. */
static int vec_type(int64_t count, MPI_Aint stride, MPI_Datatype base, int64_t chunk, MPI_Datatype *out) {
  MPI_Aint lb, ext;
  int e = MPI_Type_get_extent(base, &lb, &ext);
  if (e != MPI_SUCCESS) return e;
  if (count <= chunk) {
    if (stride == ext) return MPI_Type_contiguous((int)count, base, out);
    return MPI_Type_create_hvector((int)count, 1, stride, base, out);
  }
  int64_t q = count / chunk, r = count % chunk;
  MPI_Datatype blk = MPI_DATATYPE_NULL, qt = MPI_DATATYPE_NULL, rt = MPI_DATATYPE_NULL;
  e = vec_type(chunk, stride, base, chunk, &blk);
  if (e == MPI_SUCCESS) e = vec_type(q, stride * (MPI_Aint)chunk, blk, chunk, &qt);
  if (e == MPI_SUCCESS && r == 0) {
    *out = qt;
    qt = MPI_DATATYPE_NULL;
  } else if (e == MPI_SUCCESS) {
    e = vec_type(r, stride, base, chunk, &rt);
    if (e == MPI_SUCCESS) {
      int bl[2] = {1, 1};
      MPI_Aint disp[2] = {0, stride * (MPI_Aint)(q * chunk)};
      MPI_Datatype ts[2] = {qt, rt};
      e = MPI_Type_create_struct(2, bl, disp, ts, out);
    }
  }
  if (blk != MPI_DATATYPE_NULL) MPI_Type_free(&blk);
  if (qt != MPI_DATATYPE_NULL) MPI_Type_free(&qt);
  if (rt != MPI_DATATYPE_NULL) MPI_Type_free(&rt);
  return e;
}

/* How one rank's box [start, start+count) of a C-order array of shape gshape (box = the whole
 * array except along axis) maps into the file: byte displacement of its first element, a file
 * type (one instance covers the box), a memory type (nbytes contiguous) and the count (0 or 1).
 * Types are committed; free with slab_free. */
typedef struct {
  MPI_Offset disp;
  MPI_Datatype ftype, mtype;
  int count;
  int64_t nbytes;
} slab_io;

static void slab_free(slab_io *s) {
  if (s->ftype != MPI_DATATYPE_NULL && s->ftype != MPI_BYTE) MPI_Type_free(&s->ftype);
  if (s->mtype != MPI_DATATYPE_NULL && s->mtype != MPI_BYTE) MPI_Type_free(&s->mtype);
  s->ftype = s->mtype = MPI_DATATYPE_NULL;
}

static int slab_build(int ndim, const int64_t *gshape, const int64_t *lshape, int axis, int64_t offset, size_t es,
                      int64_t data_offset, int64_t chunk, slab_io *s) {
  s->ftype = s->mtype = MPI_BYTE;
  s->count = 0;
  s->nbytes = 0;
  s->disp = (MPI_Offset)data_offset;
  int64_t nloc = 1;
  for (int d = 0; d < ndim; d++) nloc *= lshape[d];
  if (nloc == 0) return MPI_SUCCESS;
  int64_t st[DLOPS_MAX_NDIM];
  st[ndim - 1] = 1;
  for (int d = ndim - 2; d >= 0; d--) st[d] = st[d + 1] * gshape[d + 1];
  s->disp = (MPI_Offset)(data_offset + offset * st[axis] * (int64_t)es);
  /* contiguous run: the slab along axis times everything after it, merged with outer dims as
   * long as the dims below are complete */
  int lvl = axis;
  int64_t run = lshape[axis] * st[axis];
  while (lvl > 0 && lshape[lvl] == gshape[lvl]) {
    lvl--;
    run *= gshape[lvl];
  }
  s->ftype = s->mtype = MPI_DATATYPE_NULL;
  MPI_Datatype t = MPI_DATATYPE_NULL;
  int e = vec_type(run * (int64_t)es, 1, MPI_BYTE, chunk, &t);
  for (int d = lvl - 1; d >= 0 && e == MPI_SUCCESS; d--) {
    MPI_Datatype u = MPI_DATATYPE_NULL;
    e = vec_type(gshape[d], (MPI_Aint)(st[d] * (int64_t)es), t, chunk, &u);
    MPI_Type_free(&t);
    t = u;
  }
  if (e == MPI_SUCCESS) e = MPI_Type_commit(&t);
  if (e != MPI_SUCCESS) {
    if (t != MPI_DATATYPE_NULL) MPI_Type_free(&t);
    s->ftype = s->mtype = MPI_BYTE;
    return e;
  }
  s->ftype = t;
  e = vec_type(nloc * (int64_t)es, 1, MPI_BYTE, chunk, &s->mtype);
  if (e == MPI_SUCCESS) e = MPI_Type_commit(&s->mtype);
  if (e != MPI_SUCCESS) {
    slab_free(s);
    s->ftype = s->mtype = MPI_BYTE;
    return e;
  }
  s->count = 1;
  s->nbytes = nloc * (int64_t)es;
  return MPI_SUCCESS;
}

/* ================================================================ errors and agreement */

static int io_error(dlops_ctx ctx, int mpierr, const char *what, const char *path) {
  char s[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(mpierr, s, &len) != MPI_SUCCESS) snprintf(s, sizeof s, "MPI error %d", mpierr);
  return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "%s '%s': %s", what, path, s);
}

/* Every rank must name the same file (MPI_File_open requires it): compare a hash and length. */
static int agree_path(dlops_ctx ctx, const char *path) {
  uint64_t h = 1469598103934665603ULL;
  size_t n = strlen(path);
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)path[i]) * 1099511628211ULL;
  int64_t v[4] = {(int64_t)(h >> 1), (int64_t)n, 0, 0};
  v[2] = -v[0];
  v[3] = -v[1];
  DLOPS_CALL(dlops_comm_meta_allreduce_i64(ctx->world, v, 4, DLOPS_OP_MAX));
  int err = 0;
  if (v[0] != -v[2] || v[1] != -v[3])
    err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "ranks passed different file paths (rank %d has '%s'); every rank must name "
                      "the same file", ctx->rank, path);
  return dlops_comm_agree(ctx->world, err);
}

/* ================================================================ header text */

/* Build the header numpy would write (magic .. final newline) for shape and dtype.
 * Returns the malloc'ed bytes and their length in *len. */
static char *header_build(int ndim, const int64_t *shape, dlops_dtype dtype, int64_t *len) {
  char dict[1024];
  int u = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", npy_descr[dtype]);
  for (int d = 0; d < ndim; d++) u += snprintf(dict + u, sizeof dict - (size_t)u, d ? ", %lld" : "%lld", (long long)shape[d]);
  u += snprintf(dict + u, sizeof dict - (size_t)u, "%s), }", ndim == 1 ? "," : "");
  /* spare room so the first axis can grow in place, as numpy does */
  if (ndim > 0) {
    char first[32];
    int fl = snprintf(first, sizeof first, "%lld", (long long)shape[0]);
    for (int k = fl; k < NPY_GROWTH_DIGITS; k++) dict[u++] = ' ';
  }
  int64_t hlen = u + 1; /* with the final newline */
  int version = 1;
  int64_t prefix = NPY_MAGIC_LEN + 2 + 2;
  int64_t pad = NPY_ALIGN - (prefix + hlen) % NPY_ALIGN;
  if (hlen + pad > 65535) {
    version = 2;
    prefix = NPY_MAGIC_LEN + 2 + 4;
    pad = NPY_ALIGN - (prefix + hlen) % NPY_ALIGN;
  }
  int64_t total = prefix + hlen + pad;
  char *h = malloc((size_t)total);
  if (!h) return NULL;
  memcpy(h, NPY_MAGIC, NPY_MAGIC_LEN);
  h[6] = (char)version;
  h[7] = 0;
  uint32_t field = (uint32_t)(hlen + pad);
  for (int k = 0; k < (version == 1 ? 2 : 4); k++) h[8 + k] = (char)((field >> (8 * k)) & 0xff);
  memcpy(h + prefix, dict, (size_t)u);
  memset(h + prefix + u, ' ', (size_t)pad);
  h[total - 1] = '\n';
  *len = total;
  return h;
}

/* What the header says, as rank 0 shares it with the others. */
enum { HDR_DTYPE, HDR_NDIM, HDR_OFFSET, HDR_SHAPE, HDR_LEN = HDR_SHAPE + DLOPS_MAX_NDIM };

/* ---- a small parser for the Python dict literal numpy writes ---- */
typedef struct {
  const char *s;
  size_t n, i;
} cursor;

static void skip_ws(cursor *c) {
  while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' || c->s[c->i] == '\r'))
    c->i++;
}

static int eat(cursor *c, char ch) {
  skip_ws(c);
  if (c->i < c->n && c->s[c->i] == ch) {
    c->i++;
    return 1;
  }
  return 0;
}

/* A quoted string; start and len give its text inside the header. */
static int parse_string(cursor *c, const char **start, size_t *len) {
  skip_ws(c);
  if (c->i >= c->n || (c->s[c->i] != '\'' && c->s[c->i] != '"')) return 0;
  char q = c->s[c->i++];
  size_t b = c->i;
  while (c->i < c->n && c->s[c->i] != q) {
    if (c->s[c->i] == '\\' || c->s[c->i] == '\n') return 0;
    c->i++;
  }
  if (c->i >= c->n) return 0;
  *start = c->s + b;
  *len = c->i - b;
  c->i++;
  return 1;
}

static int parse_word(cursor *c, const char *w) {
  skip_ws(c);
  size_t k = strlen(w);
  if (c->n - c->i < k || memcmp(c->s + c->i, w, k)) return 0;
  /* the word must end here */
  if (c->i + k < c->n) {
    char nx = c->s[c->i + k];
    if ((nx >= 'a' && nx <= 'z') || (nx >= 'A' && nx <= 'Z') || (nx >= '0' && nx <= '9') || nx == '_') return 0;
  }
  c->i += k;
  return 1;
}

/* A non-negative integer (Python 2 files may append L). -1: not a number, -2: too large. */
static int parse_int(cursor *c, int64_t *v) {
  skip_ws(c);
  if (c->i >= c->n || c->s[c->i] < '0' || c->s[c->i] > '9') return -1;
  int64_t x = 0;
  while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
    int dgt = c->s[c->i] - '0';
    if (x > (INT64_MAX - dgt) / 10) return -2;
    x = x * 10 + dgt;
    c->i++;
  }
  if (c->i < c->n && (c->s[c->i] == 'L' || c->s[c->i] == 'l')) c->i++;
  *v = x;
  return 0;
}

/* Skip a bracketed value ([...] or (...)) holding anything, for error messages. */
static int skip_bracketed(cursor *c) {
  int depth = 0;
  while (c->i < c->n) {
    char ch = c->s[c->i++];
    if (ch == '[' || ch == '(' || ch == '{') depth++;
    if (ch == ']' || ch == ')' || ch == '}') {
      if (--depth == 0) return 1;
    }
  }
  return 0;
}

static const char *numpy_kind(const char *d, size_t n) {
  /* a short human name for common numpy type codes, for messages */
  if (n < 2) return "";
  const char *k = d + 1;
  size_t m = n - 1;
  static const struct {
    const char *code, *name;
  } t[] = {{"f2", " (float16)"}, {"f4", " (float32)"}, {"f8", " (float64)"}, {"f16", " (longdouble)"},
           {"f12", " (longdouble)"}, {"c8", " (complex64)"}, {"c16", " (complex128)"}, {"c32", " (clongdouble)"},
           {"i1", " (int8)"}, {"i2", " (int16)"}, {"i4", " (int32)"}, {"i8", " (int64)"}, {"u1", " (uint8)"},
           {"u2", " (uint16)"}, {"u4", " (uint32)"}, {"u8", " (uint64)"}, {"b1", " (bool)"}, {"O", " (object)"}};
  for (size_t j = 0; j < sizeof t / sizeof t[0]; j++)
    if (strlen(t[j].code) == m && !memcmp(t[j].code, k, m)) return t[j].name;
  return "";
}

/* Parse the dict into hdr[]. On failure record the message and return the code. */
static int header_parse(dlops_ctx ctx, const char *path, const char *text, size_t n, int64_t *hdr) {
  cursor c = {text, n, 0};
  int have_descr = 0, have_fo = 0, have_shape = 0, fortran = 0;
  const char *descr = NULL;
  size_t descr_len = 0;
  int descr_list = 0;
  char descr_list_text[64] = "";
  int ndim = 0;
  int64_t shape[DLOPS_MAX_NDIM + 1] = {0};
  int too_many_dims = 0;
  if (!eat(&c, '{')) {
    int shown = 0; /* the first line, without the padding */
    while ((size_t)shown < n && shown < 60 && text[shown] != '\n') shown++;
    while (shown > 0 && text[shown - 1] == ' ') shown--;
    return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': expected a dict '{...}', got \"%.*s\"",
                       path, shown, text);
  }
  while (1) {
    if (eat(&c, '}')) break;
    const char *key;
    size_t klen;
    if (!parse_string(&c, &key, &klen))
      return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': expected a quoted key at byte %zu of "
                         "\"%.*s\"", path, c.i, (int)(n > 200 ? 200 : n), text);
    if (!eat(&c, ':'))
      return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': expected ':' after key '%.*s'", path,
                         (int)klen, key);
    if (klen == 5 && !memcmp(key, "descr", 5)) {
      if (have_descr) return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': 'descr' given twice", path);
      have_descr = 1;
      skip_ws(&c);
      if (c.i < c.n && c.s[c.i] == '[') {
        size_t b = c.i;
        if (!skip_bracketed(&c))
          return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': unterminated 'descr' list", path);
        descr_list = 1;
        snprintf(descr_list_text, sizeof descr_list_text, "%.*s", (int)(c.i - b), c.s + b);
      } else if (!parse_string(&c, &descr, &descr_len)) {
        return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': 'descr' is not a string", path);
      }
    } else if (klen == 13 && !memcmp(key, "fortran_order", 13)) {
      if (have_fo)
        return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': 'fortran_order' given twice", path);
      have_fo = 1;
      if (parse_word(&c, "True"))
        fortran = 1;
      else if (parse_word(&c, "False"))
        fortran = 0;
      else
        return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': 'fortran_order' is not True or False",
                           path);
    } else if (klen == 5 && !memcmp(key, "shape", 5)) {
      if (have_shape) return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': 'shape' given twice", path);
      have_shape = 1;
      if (!eat(&c, '('))
        return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': 'shape' is not a tuple", path);
      int trailing_comma = 0;
      while (!eat(&c, ')')) {
        int64_t v = 0;
        int pe = parse_int(&c, &v);
        if (pe == -2)
          return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': a dimension of 'shape' overflows 64 bits",
                             path);
        if (pe)
          return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': 'shape' must be a tuple of "
                             "non-negative integers", path);
        if (ndim < DLOPS_MAX_NDIM)
          shape[ndim] = v;
        else
          too_many_dims = 1;
        ndim++;
        trailing_comma = eat(&c, ',');
        if (!trailing_comma) {
          if (!eat(&c, ')'))
            return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': bad 'shape' tuple", path);
          break;
        }
      }
      if (ndim == 1 && !trailing_comma)
        return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': 'shape' (n) is not a tuple (needs (n,))",
                           path);
    } else {
      return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': unexpected key '%.*s' (a .npy header has "
                         "exactly 'descr', 'fortran_order' and 'shape')", path, (int)(klen > 40 ? 40 : klen), key);
    }
    if (eat(&c, ',')) continue;
    if (eat(&c, '}')) break;
    return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': expected ',' or '}' at byte %zu", path, c.i);
  }
  skip_ws(&c);
  if (c.i != c.n)
    return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': unexpected text after the dict at byte %zu",
                       path, c.i);
  if (!have_descr || !have_fo || !have_shape)
    return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': missing key '%s'", path,
                       !have_descr ? "descr" : !have_fo ? "fortran_order" : "shape");
  /* supported content */
  if (descr_list)
    return DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "'%s' holds a structured dtype %s...: dlops reads only '<f4', "
                       "'<f8', '<c8' and '<c16'", path, descr_list_text);
  int dtype = -1;
  for (int t = 0; t < DLOPS_NUM_DTYPES; t++)
    if (strlen(npy_descr[t]) == descr_len && !memcmp(npy_descr[t], descr, descr_len)) dtype = t;
  if (dtype < 0) {
    int big = descr_len > 0 && descr[0] == '>';
    const char *kind = numpy_kind(descr, descr_len);
    return DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED,
                       "'%s' has element type '%.*s'%s%s: dlops reads only '<f4', '<f8', '<c8' and '<c16'%s", path,
                       (int)(descr_len > 32 ? 32 : descr_len), descr, kind, big ? " (big-endian)" : "",
                       big ? " (convert with a.astype(a.dtype.newbyteorder('<')))" : "");
  }
  if (fortran)
    return DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "'%s' is stored in Fortran order (fortran_order: True): dlops reads "
                       "only C-ordered files (save np.ascontiguousarray(a))", path);
  if (ndim == 0)
    return DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "'%s' holds a 0-dimensional array (shape ()): a distributed array "
                       "needs at least one dimension (save a.reshape(1))", path);
  if (too_many_dims)
    return DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "'%s' has %d dimensions: dlops arrays have at most %d", path, ndim,
                       DLOPS_MAX_NDIM);
  int64_t total = 1;
  for (int d = 0; d < ndim; d++)
    if (shape[d] > 0) {
      if (total > INT64_MAX / 16 / shape[d])
        return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "'%s': the shape in the header is too large for 64-bit sizes", path);
      total *= shape[d];
    }
  hdr[HDR_DTYPE] = dtype;
  hdr[HDR_NDIM] = ndim;
  for (int d = 0; d < ndim; d++) hdr[HDR_SHAPE + d] = shape[d];
  return DLOPS_SUCCESS;
}

/* Rank 0: open, check and parse the file's header. */
static int header_read(dlops_ctx ctx, const char *path, int64_t *hdr) {
  FILE *f = fopen(path, "rb");
  if (!f) return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "cannot open '%s' for reading: %s", path, strerror(errno));
  struct stat sb;
  memset(&sb, 0, sizeof sb);
  int err = 0;
  if (fstat(fileno(f), &sb) != 0) {
    err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "cannot stat '%s': %s", path, strerror(errno));
  } else if (S_ISDIR(sb.st_mode)) {
    err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "cannot read '%s': it is a directory", path);
  }
  int64_t fsize = (int64_t)sb.st_size;
  unsigned char pre[12];
  size_t got = err ? 0 : fread(pre, 1, sizeof pre, f);
  int version = 0;
  int64_t prefix = 0, hlen = 0;
  if (!err && ferror(f)) err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
  if (!err) {
    size_t m = got < NPY_MAGIC_LEN ? got : NPY_MAGIC_LEN;
    if (memcmp(pre, NPY_MAGIC, m) || got < NPY_MAGIC_LEN) {
      if (got == 0)
        err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "'%s' is not a .npy file: it is empty", path);
      else if (memcmp(pre, NPY_MAGIC, m))
        err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "'%s' is not a .npy file (bad magic: the file does not start with "
                          "\\x93NUMPY)", path);
      else
        err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "'%s' is a truncated .npy file: %zu bytes, shorter than the magic", path,
                          got);
    }
  }
  if (!err && got < 8)
    err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "'%s' is a truncated .npy file (%zu bytes, no version)", path, got);
  if (!err) {
    version = pre[6];
    if (pre[7] != 0 || version < 1 || version > 3)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "'%s' has .npy format version %d.%d: dlops reads 1.0, 2.0 and 3.0",
                        path, pre[6], pre[7]);
  }
  if (!err) {
    prefix = version == 1 ? 10 : 12;
    if ((int64_t)got < prefix)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "'%s' is a truncated .npy file (%zu bytes, the header length is missing)",
                        path, got);
  }
  if (!err) {
    hlen = pre[8] | ((int64_t)pre[9] << 8);
    if (version > 1) hlen |= ((int64_t)pre[10] << 16) | ((int64_t)pre[11] << 24);
    if (hlen > NPY_MAX_HEADER)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "'%s': .npy header length %lld is implausibly large (limit %d)", path,
                        (long long)hlen, NPY_MAX_HEADER);
    else if (prefix + hlen > fsize)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "'%s' is a truncated .npy file: the header needs %lld bytes but the file "
                        "has %lld", path, (long long)(prefix + hlen), (long long)fsize);
  }
  char *text = NULL;
  if (!err) {
    text = malloc((size_t)hlen + 1);
    if (!text) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate %lld bytes for a header", (long long)hlen);
  }
  if (!err) {
    if (fseek(f, (long)prefix, SEEK_SET) != 0 || fread(text, 1, (size_t)hlen, f) != (size_t)hlen)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "'%s': cannot read the %lld-byte header: %s", path, (long long)hlen,
                        ferror(f) ? strerror(errno) : "unexpected end of file");
  }
  if (!err) {
    text[hlen] = '\0';
    if (memchr(text, '\0', (size_t)hlen))
      err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "malformed .npy header in '%s': it contains a NUL byte", path);
  }
  if (!err) err = header_parse(ctx, path, text, (size_t)hlen, hdr);
  if (!err) {
    hdr[HDR_OFFSET] = prefix + hlen;
    int64_t total = 1;
    for (int d = 0; d < hdr[HDR_NDIM]; d++) total *= hdr[HDR_SHAPE + d];
    int64_t need = total * (int64_t)dlops_dtype_size((dlops_dtype)hdr[HDR_DTYPE]);
    if (fsize - hdr[HDR_OFFSET] < need)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "'%s' is truncated: the header promises %lld bytes of data after byte %lld "
                        "but the file holds only %lld", path, (long long)need, (long long)hdr[HDR_OFFSET],
                        (long long)(fsize - hdr[HDR_OFFSET]));
  }
  free(text);
  fclose(f);
  return err;
}

/* ================================================================ write */

int dlops_darray_write_npy(dlops_darray x, const char *path) {
  DLOPS_CHECK_DARRAY(x);
  dlops_ctx ctx = x->ctx;
  int err = 0;
  DLOPS_CHECK_COLL(path != NULL && path[0] != '\0', ctx, err, DLOPS_ERR_ARG, "write_npy: null or empty path");
  DLOPS_CHECK_COLL(!x->nparts, ctx, err, DLOPS_ERR_STATE,
                   "write_npy: a stacked darray has no single global shape; write each component to its own file");
  DLOPS_CHECK_COLL(x->nparts || !x->borrowed, ctx, err, DLOPS_ERR_STATE,
                   "write_npy: local data is borrowed: restore it first");
  DLOPS_CHECK_COLL(host_is_little_endian(), ctx, err, DLOPS_ERR_UNSUPPORTED,
                   "write_npy: .npy I/O needs a little-endian host");
  DLOPS_CALL(dlops_comm_agree(ctx->world, err));
  DLOPS_CALL(agree_path(ctx, path));

  const size_t es = dlops_dtype_size(x->dtype);
  int64_t hbytes = 0;
  char *header = header_build(x->ndim, x->gshape, x->dtype, &hbytes);
  err = header ? 0 : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "write_npy: cannot allocate the header");
  int64_t total = 1;
  for (int d = 0; d < x->ndim; d++) total *= x->gshape[d];
  /* who writes what: SCATTER - the ranks of rank 0's mask group write their slabs;
   * (UNSAFE_)BROADCAST - rank 0 writes everything */
  int writer = x->partition == DLOPS_SCATTER ? x->color == x->colors[0] : ctx->rank == 0;
  slab_io s = {0, MPI_BYTE, MPI_BYTE, 0, 0};
  /* MPI-IO writes from host memory: device arrays go through their host copy */
  void *hx = NULL;
  if (!err && writer) err = dlops_darray_host_data(x, 1, &hx);
  if (!err && writer) {
    int e = slab_build(x->ndim, x->gshape, x->lshape, x->axis, x->offset, es, hbytes, ctx->world->max_chunk, &s);
    if (e != MPI_SUCCESS) err = io_error(ctx, e, "write_npy: cannot build the MPI datatypes for", path);
  }
  if (!err) {
    int ok = 1;
    if (s.count) ok = s.disp >= hbytes && (int64_t)s.disp + s.nbytes <= hbytes + total * (int64_t)es;
    if (!ok) err = DLOPS_ERROR(ctx, DLOPS_ERR_INTERNAL, "write_npy: slab outside the file's data");
  }
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    slab_free(&s);
    free(header);
    return err;
  }

  MPI_File fh = MPI_FILE_NULL;
  int e = MPI_File_open(ctx->comm, path, MPI_MODE_WRONLY | MPI_MODE_CREATE, MPI_INFO_NULL, &fh);
  if (e != MPI_SUCCESS) err = io_error(ctx, e, "write_npy: cannot open for writing", path);
  err = dlops_comm_agree(ctx->world, err);
  if (!err) {
    MPI_File_set_errhandler(fh, MPI_ERRORS_RETURN);
    /* drop whatever a previous, longer file held */
    e = MPI_File_set_size(fh, (MPI_Offset)(hbytes + total * (int64_t)es));
    if (e != MPI_SUCCESS) err = io_error(ctx, e, "write_npy: cannot set the size of", path);
    if (!err && ctx->rank == 0) {
      MPI_Status st;
      e = MPI_File_write_at(fh, 0, header, (int)hbytes, MPI_BYTE, &st);
      if (e != MPI_SUCCESS) err = io_error(ctx, e, "write_npy: cannot write the header of", path);
    }
    err = dlops_comm_agree(ctx->world, err);
    if (!err) {
      e = MPI_File_set_view(fh, s.disp, MPI_BYTE, s.ftype, "native", MPI_INFO_NULL);
      if (e != MPI_SUCCESS) err = io_error(ctx, e, "write_npy: cannot set the file view of", path);
      err = dlops_comm_agree(ctx->world, err);
    }
    if (!err) {
      MPI_Status st;
      e = MPI_File_write_all(fh, hx ? hx : x->data, s.count, s.mtype, &st);
      if (e != MPI_SUCCESS) err = io_error(ctx, e, "write_npy: cannot write the data of", path);
      err = dlops_comm_agree(ctx->world, err);
    }
    e = MPI_File_close(&fh);
    int cerr = e != MPI_SUCCESS ? io_error(ctx, e, "write_npy: cannot close", path) : 0;
    cerr = dlops_comm_agree(ctx->world, cerr);
    if (!err) err = cerr;
  }
  slab_free(&s);
  free(header);
  return err;
}

/* ================================================================ read */

int dlops_darray_read_npy(dlops_ctx ctx, const char *path, int axis, dlops_partition partition, dlops_darray *x) {
  DLOPS_CHECK(ctx, NULL, DLOPS_ERR_ARG, "read_npy: null context");
  int err = 0;
  DLOPS_CHECK_COLL(x != NULL, ctx, err, DLOPS_ERR_ARG, "read_npy: null output handle pointer");
  if (x) *x = NULL;
  DLOPS_CHECK_COLL(path != NULL && path[0] != '\0', ctx, err, DLOPS_ERR_ARG, "read_npy: null or empty path");
  DLOPS_CHECK_COLL((int)partition >= 0 && (int)partition <= 2, ctx, err, DLOPS_ERR_ARG,
                   "read_npy: unknown partition %d", (int)partition);
  DLOPS_CHECK_COLL(host_is_little_endian(), ctx, err, DLOPS_ERR_UNSUPPORTED,
                   "read_npy: .npy I/O needs a little-endian host");
  DLOPS_CALL(dlops_comm_agree(ctx->world, err));
  DLOPS_CALL(agree_path(ctx, path));

  /* 1. rank 0 parses the header; the outcome and the header are shared */
  int64_t hdr[HDR_LEN];
  for (int k = 0; k < HDR_LEN; k++) hdr[k] = INT64_MIN;
  if (ctx->rank == 0) {
    err = header_read(ctx, path, hdr);
    if (err)
      for (int k = 0; k < HDR_LEN; k++) hdr[k] = INT64_MIN;
  }
  DLOPS_CALL(dlops_comm_agree(ctx->world, err));
  DLOPS_CALL(dlops_comm_meta_allreduce_i64(ctx->world, hdr, HDR_LEN, DLOPS_OP_MAX));
  const int ndim = (int)hdr[HDR_NDIM];
  const dlops_dtype dtype = (dlops_dtype)hdr[HDR_DTYPE];
  const int64_t data_offset = hdr[HDR_OFFSET];
  int64_t shape[DLOPS_MAX_NDIM];
  for (int d = 0; d < ndim; d++) shape[d] = hdr[HDR_SHAPE + d];

  /* 2. the array (create agrees on axis and partition across ranks) */
  int ax = axis < 0 ? axis + ndim : axis;
  DLOPS_CHECK_COLL(ax >= 0 && ax < ndim, ctx, err, DLOPS_ERR_ARG,
                   "read_npy: axis %d out of range for the %d-dimensional array in '%s'", axis, ndim, path);
  DLOPS_CALL(dlops_comm_agree(ctx->world, err));
  dlops_darray y = NULL;
  DLOPS_CALL(dlops_darray_create_impl(ctx, ndim, shape, ax, partition, dtype, -1, -1, ctx->mem, &y));
  int64_t total = 1;
  for (int d = 0; d < ndim; d++) total *= shape[d];
  if (total == 0) {
    *x = y;
    return DLOPS_SUCCESS;
  }

  /* 3. every rank reads its part (all of it for broadcast partitions) */
  const size_t es = dlops_dtype_size(dtype);
  slab_io s = {0, MPI_BYTE, MPI_BYTE, 0, 0};
  int e = slab_build(ndim, shape, y->lshape, ax, y->offset, es, data_offset, ctx->world->max_chunk, &s);
  if (e != MPI_SUCCESS) err = io_error(ctx, e, "read_npy: cannot build the MPI datatypes for", path);
  /* MPI-IO reads into host memory: device arrays through their host copy, copied over at the end */
  void *hy = NULL;
  if (!err) err = dlops_darray_host_data(y, 0, &hy);
  err = dlops_comm_agree(ctx->world, err);
  MPI_File fh = MPI_FILE_NULL;
  if (!err) {
    e = MPI_File_open(ctx->comm, path, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh);
    if (e != MPI_SUCCESS) err = io_error(ctx, e, "read_npy: cannot open", path);
    err = dlops_comm_agree(ctx->world, err);
    if (!err) {
      MPI_File_set_errhandler(fh, MPI_ERRORS_RETURN);
      e = MPI_File_set_view(fh, s.disp, MPI_BYTE, s.ftype, "native", MPI_INFO_NULL);
      if (e != MPI_SUCCESS) err = io_error(ctx, e, "read_npy: cannot set the file view of", path);
      err = dlops_comm_agree(ctx->world, err);
      if (!err) {
        MPI_Status st;
        e = MPI_File_read_all(fh, hy, s.count, s.mtype, &st);
        if (e != MPI_SUCCESS) {
          err = io_error(ctx, e, "read_npy: cannot read the data of", path);
        } else {
          MPI_Count got = 0;
          e = MPI_Get_elements_x(&st, s.mtype, &got);
          if (e == MPI_SUCCESS && got != (MPI_Count)s.nbytes && s.count)
            err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "read_npy: short read from '%s': %lld of %lld bytes (was the file "
                              "truncated while reading?)", path, (long long)got, (long long)s.nbytes);
        }
        err = dlops_comm_agree(ctx->world, err);
      }
      e = MPI_File_close(&fh);
      int cerr = e != MPI_SUCCESS ? io_error(ctx, e, "read_npy: cannot close", path) : 0;
      cerr = dlops_comm_agree(ctx->world, cerr);
      if (!err) err = cerr;
    }
  }
  slab_free(&s);
  if (!err) err = dlops_comm_agree(ctx->world, dlops_darray_host_commit(y));
  if (err) {
    dlops_darray_destroy(&y);
    return err;
  }
  *x = y;
  return DLOPS_SUCCESS;
}
