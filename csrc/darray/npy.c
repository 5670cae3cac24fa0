/* Parallel .npy read/write of distributed arrays with MPI-IO.
 *
 * File format (numpy's NEP 1): the magic "\x93NUMPY", a major and minor version byte, the header
 * length (2 bytes little endian for version 1.0, 4 bytes for 2.0 and 3.0), then a Python dict
 * literal {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), } padded with spaces and a
 * final newline so that the data start at a multiple of 64 bytes. The data follow in C order.
 *
 * Writing (atomic replace): rank 0 checks the target (an existing one must be a writable regular
 * file) and creates a temporary "<path>.dlops-tmp.<pid of rank 0>" in the same directory; every
 * rank derives the same name from the pid it is sent. Rank 0 writes the header; each writer
 * writes its slab through a file view (nested hvector datatypes over bytes, split in chunks so
 * that counts above INT_MAX work) with one collective MPI_File_write_all. Every count is checked,
 * the file is synced and closed, and only when every rank agrees that all of this succeeded does
 * rank 0 rename the temporary over the target. On any failure the temporary is removed and an
 * existing file at the target is untouched; every rank returns the same code.
 *
 * Reading: rank 0 stats the path and refuses anything but a regular file (a FIFO would block the
 * open), then reads and parses the header (dlops_npy_parse_header, npy_parse.h) with plain POSIX
 * reads, so a missing file reports the OS reason. The outcome is agreed and the parsed header
 * shared through one metadata reduction, then every rank checks its own view of the file is a
 * regular file and reads its slab the same way. Every check whose outcome could differ between
 * ranks is agreed on ctx->world.
 *
 * Long paths: Open MPI 4.1's ompio aborts the process ("buffer overflow detected", a fixed buffer
 * in sharedfp/lockedfile's file_query) when MPI_File_open gets a name of about 240 characters or
 * more. Paths longer than NPY_MPIIO_PATH_MAX are therefore opened by each rank with open(2) and
 * handed to MPI-IO as "/proc/self/fd/<fd>" (the standard lets ranks pass different names for the
 * same file); without /proc the open fails cleanly with DLOPS_ERR_IO.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy_parse.h"

#if defined(__GNUC__)
#define DLOPS_NPY_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DLOPS_NPY_PRINTF(a, b)
#endif

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_ALIGN 64
/* numpy leaves room after the dict for the first axis to grow to this many digits */
#define NPY_GROWTH_DIGITS 21

static const char *const npy_descr[DLOPS_NUM_DTYPES] = {"<f4", "<f8", "<c8", "<c16"};

/* ================================================================ header parsing (no MPI) */

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

/* Record a message in msg and return code. */
static int perr(char *msg, size_t msglen, int code, const char *fmt, ...) DLOPS_NPY_PRINTF(4, 5);
static int perr(char *msg, size_t msglen, int code, const char *fmt, ...) {
  if (msg && msglen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
  }
  return code;
}

int dlops_npy_parse_prefix(const unsigned char *pre, size_t got, int64_t *header_len, char *msg, size_t msglen) {
  if (msg && msglen) msg[0] = '\0';
  size_t m = got < NPY_MAGIC_LEN ? got : NPY_MAGIC_LEN;
  if (got == 0) return perr(msg, msglen, DLOPS_ERR_IO, "not a .npy file: it is empty");
  if (memcmp(pre, NPY_MAGIC, m))
    return perr(msg, msglen, DLOPS_ERR_IO, "not a .npy file (bad magic: the file does not start with \\x93NUMPY)");
  if (got < NPY_MAGIC_LEN)
    return perr(msg, msglen, DLOPS_ERR_IO, "a truncated .npy file: %zu bytes, shorter than the magic", got);
  if (got < 8) return perr(msg, msglen, DLOPS_ERR_IO, "a truncated .npy file (%zu bytes, no version)", got);
  int version = pre[6];
  if (pre[7] != 0 || version < 1 || version > 3)
    return perr(msg, msglen, DLOPS_ERR_UNSUPPORTED, ".npy format version %d.%d: dlops reads 1.0, 2.0 and 3.0", pre[6],
                pre[7]);
  int64_t prefix = version == 1 ? 10 : 12;
  if ((int64_t)got < prefix)
    return perr(msg, msglen, DLOPS_ERR_IO, "a truncated .npy file (%zu bytes, the header length is missing)", got);
  int64_t hlen = pre[8] | ((int64_t)pre[9] << 8);
  if (version > 1) hlen |= ((int64_t)pre[10] << 16) | ((int64_t)pre[11] << 24);
  if (hlen > DLOPS_NPY_MAX_HEADER)
    return perr(msg, msglen, DLOPS_ERR_IO, ".npy header length %lld is implausibly large (limit %d)", (long long)hlen,
                DLOPS_NPY_MAX_HEADER);
  *header_len = prefix + hlen;
  return DLOPS_SUCCESS;
}

#define MALFORMED "malformed .npy header: "

int dlops_npy_parse_header(const unsigned char *buf, size_t n, dlops_npy_header *out, char *msg, size_t msglen) {
  memset(out, 0, sizeof *out);
  out->dtype = -1;
  int64_t total_len = 0;
  int err = dlops_npy_parse_prefix(buf, n, &total_len, msg, msglen);
  if (err) return err;
  out->version = buf[6];
  out->header_len = total_len;
  const size_t prefix = out->version == 1 ? 10 : 12;
  if ((int64_t)n < total_len)
    return perr(msg, msglen, DLOPS_ERR_IO, "a truncated .npy file: the header needs %lld bytes but the file has %zu",
                (long long)total_len, n);
  const char *text = (const char *)buf + prefix;
  n = (size_t)total_len - prefix;
  if (memchr(text, '\0', n)) return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "it contains a NUL byte");

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
    return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "expected a dict '{...}', got \"%.*s\"", shown, text);
  }
  while (1) {
    if (eat(&c, '}')) break;
    const char *key;
    size_t klen;
    if (!parse_string(&c, &key, &klen))
      return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "expected a quoted key at byte %zu of \"%.*s\"", c.i,
                  (int)(n > 200 ? 200 : n), text);
    if (!eat(&c, ':'))
      return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "expected ':' after key '%.*s'", (int)(klen > 40 ? 40 : klen),
                  key);
    if (klen == 5 && !memcmp(key, "descr", 5)) {
      if (have_descr) return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "'descr' given twice");
      have_descr = 1;
      skip_ws(&c);
      if (c.i < c.n && c.s[c.i] == '[') {
        size_t b = c.i;
        if (!skip_bracketed(&c)) return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "unterminated 'descr' list");
        descr_list = 1;
        snprintf(descr_list_text, sizeof descr_list_text, "%.*s", (int)(c.i - b > 60 ? 60 : c.i - b), c.s + b);
      } else if (!parse_string(&c, &descr, &descr_len)) {
        return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "'descr' is not a string");
      }
    } else if (klen == 13 && !memcmp(key, "fortran_order", 13)) {
      if (have_fo) return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "'fortran_order' given twice");
      have_fo = 1;
      if (parse_word(&c, "True"))
        fortran = 1;
      else if (parse_word(&c, "False"))
        fortran = 0;
      else
        return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "'fortran_order' is not True or False");
    } else if (klen == 5 && !memcmp(key, "shape", 5)) {
      if (have_shape) return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "'shape' given twice");
      have_shape = 1;
      if (!eat(&c, '(')) return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "'shape' is not a tuple");
      int trailing_comma = 0;
      while (!eat(&c, ')')) {
        int64_t v = 0;
        int pe = parse_int(&c, &v);
        if (pe == -2) return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "a dimension of 'shape' overflows 64 bits");
        if (pe) return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "'shape' must be a tuple of non-negative integers");
        if (ndim < DLOPS_MAX_NDIM)
          shape[ndim] = v;
        else
          too_many_dims = 1;
        if (ndim < INT_MAX) ndim++;
        trailing_comma = eat(&c, ',');
        if (!trailing_comma) {
          if (!eat(&c, ')')) return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "bad 'shape' tuple");
          break;
        }
      }
      if (ndim == 1 && !trailing_comma)
        return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "'shape' (n) is not a tuple (needs (n,))");
    } else {
      return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "unexpected key '%.*s' (a .npy header has exactly 'descr', "
                  "'fortran_order' and 'shape')", (int)(klen > 40 ? 40 : klen), key);
    }
    if (eat(&c, ',')) continue;
    if (eat(&c, '}')) break;
    return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "expected ',' or '}' at byte %zu", c.i);
  }
  skip_ws(&c);
  if (c.i != c.n) return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "unexpected text after the dict at byte %zu", c.i);
  if (!have_descr || !have_fo || !have_shape)
    return perr(msg, msglen, DLOPS_ERR_IO, MALFORMED "missing key '%s'",
                !have_descr ? "descr" : !have_fo ? "fortran_order" : "shape");
  out->fortran_order = fortran;
  out->ndim = ndim;
  for (int d = 0; d < ndim && d < DLOPS_MAX_NDIM; d++) out->shape[d] = shape[d];
  /* supported content */
  if (descr_list)
    return perr(msg, msglen, DLOPS_ERR_UNSUPPORTED, "a structured dtype %s...: dlops reads only '<f4', '<f8', "
                "'<c8' and '<c16'", descr_list_text);
  int dtype = -1;
  for (int t = 0; t < DLOPS_NUM_DTYPES; t++)
    if (strlen(npy_descr[t]) == descr_len && !memcmp(npy_descr[t], descr, descr_len)) dtype = t;
  if (dtype < 0) {
    int big = descr_len > 0 && descr[0] == '>';
    const char *kind = numpy_kind(descr, descr_len);
    return perr(msg, msglen, DLOPS_ERR_UNSUPPORTED,
                "element type '%.*s'%s%s: dlops reads only '<f4', '<f8', '<c8' and '<c16'%s",
                (int)(descr_len > 32 ? 32 : descr_len), descr, kind, big ? " (big-endian)" : "",
                big ? " (convert with a.astype(a.dtype.newbyteorder('<')))" : "");
  }
  out->dtype = dtype;
  if (fortran)
    return perr(msg, msglen, DLOPS_ERR_UNSUPPORTED, "stored in Fortran order (fortran_order: True): dlops reads only "
                "C-ordered files (save np.ascontiguousarray(a))");
  if (ndim == 0)
    return perr(msg, msglen, DLOPS_ERR_UNSUPPORTED, "a 0-dimensional array (shape ()): a distributed array needs at "
                "least one dimension (save a.reshape(1))");
  if (too_many_dims)
    return perr(msg, msglen, DLOPS_ERR_UNSUPPORTED, "%d dimensions: dlops arrays have at most %d", ndim,
                DLOPS_MAX_NDIM);
  int64_t total = 1;
  for (int d = 0; d < ndim; d++)
    if (shape[d] > 0) {
      if (total > INT64_MAX / 16 / shape[d])
        return perr(msg, msglen, DLOPS_ERR_IO, "the shape in the header is too large for 64-bit sizes");
      total *= shape[d];
    }
  return DLOPS_SUCCESS;
}
#ifndef DLOPS_NPY_PARSE_ONLY
/* ================================================================ everything below uses MPI */

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "darray_impl.h"

/* Longest path handed to MPI_File_open as it is (see the top of this file). */
#define NPY_MPIIO_PATH_MAX 200
/* A file name component longer than this cannot exist (Linux NAME_MAX); temporaries stay within. */
#define NPY_NAME_MAX 255
/* Paths in messages are cut to their last characters beyond this length. */
#define NPY_SHOW_MAX 160

static int host_is_little_endian(void) {
  const uint16_t one = 1;
  unsigned char b;
  memcpy(&b, &one, 1);
  return b == 1;
}

/* The path as messages show it: whole when short, else "..." and its last characters. */
typedef struct {
  char s[NPY_SHOW_MAX + 8];
} shown_path;

static const char *show_path(const char *path, shown_path *b) {
  size_t n = strlen(path);
  if (n <= NPY_SHOW_MAX) return path;
  snprintf(b->s, sizeof b->s, "...%s", path + n - (NPY_SHOW_MAX - 3));
  return b->s;
}

/* What a stat mode is, for messages about non-regular files. */
static const char *file_kind(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a named pipe (FIFO)";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
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

/* ================================================================ files */

/* What the header says, as rank 0 shares it with the others. */
enum { HDR_DTYPE, HDR_NDIM, HDR_OFFSET, HDR_SHAPE, HDR_LEN = HDR_SHAPE + DLOPS_MAX_NDIM };

/* pread all n bytes at off (EINTR and short reads retried); returns the bytes read, -1 on error. */
static int64_t read_at(int fd, void *buf, size_t n, off_t off) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) break;
    got += (size_t)r;
  }
  return (int64_t)got;
}

/* Rank 0: check that path is a regular file, then read and parse its header into hdr[]. */
static int header_read(dlops_ctx ctx, const char *path, const char *shown, int64_t *hdr) {
  struct stat sb;
  /* stat first: opening a FIFO for reading blocks until a writer comes, a device may have
   * side effects */
  if (stat(path, &sb) != 0)
    return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "read_npy: cannot open '%s' for reading: %s", shown, strerror(errno));
  if (!S_ISREG(sb.st_mode))
    return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "read_npy: cannot read '%s': it is %s, not a regular file", shown,
                       file_kind(sb.st_mode));
  /* O_NONBLOCK: should the path have become a FIFO since the stat, the open does not block */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "read_npy: cannot open '%s' for reading: %s", shown, strerror(errno));
  int err = 0;
  if (fstat(fd, &sb) != 0)
    err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "read_npy: cannot stat '%s': %s", shown, strerror(errno));
  else if (!S_ISREG(sb.st_mode))
    err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "read_npy: cannot read '%s': it is %s, not a regular file", shown,
                      file_kind(sb.st_mode));
  const int64_t fsize = (int64_t)sb.st_size;
  char msg[512];
  unsigned char pre[DLOPS_NPY_PREFIX_MAX];
  int64_t got = 0, hlen = 0;
  if (!err) {
    got = read_at(fd, pre, sizeof pre, 0);
    if (got < 0) err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "read_npy: cannot read '%s': %s", shown, strerror(errno));
  }
  if (!err) {
    int e = dlops_npy_parse_prefix(pre, (size_t)got, &hlen, msg, sizeof msg);
    if (e) err = DLOPS_ERROR(ctx, e, "read_npy: '%s' is %s", shown, msg);
  }
  unsigned char *text = NULL;
  if (!err) {
    text = malloc((size_t)hlen);
    if (!text) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "read_npy: cannot allocate %lld bytes for a header", (long long)hlen);
  }
  if (!err) {
    got = read_at(fd, text, (size_t)(hlen < fsize ? hlen : fsize), 0);
    if (got < 0)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "read_npy: '%s': cannot read the %lld-byte header: %s", shown,
                        (long long)hlen, strerror(errno));
  }
  dlops_npy_header h;
  if (!err) {
    int e = dlops_npy_parse_header(text, (size_t)got, &h, msg, sizeof msg);
    if (e) err = DLOPS_ERROR(ctx, e, "read_npy: '%s' holds %s", shown, msg);
  }
  if (!err) {
    hdr[HDR_DTYPE] = h.dtype;
    hdr[HDR_NDIM] = h.ndim;
    for (int d = 0; d < h.ndim; d++) hdr[HDR_SHAPE + d] = h.shape[d];
    hdr[HDR_OFFSET] = h.header_len;
    int64_t total = 1;
    for (int d = 0; d < h.ndim; d++) total *= h.shape[d];
    int64_t need = total * (int64_t)dlops_dtype_size((dlops_dtype)h.dtype);
    if (fsize - h.header_len < need)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "read_npy: '%s' is truncated: the header promises %lld bytes of data after "
                        "byte %lld but the file holds only %lld", shown, (long long)need, (long long)h.header_len,
                        (long long)(fsize - h.header_len));
  }
  free(text);
  close(fd);
  return err;
}

/* The name one rank hands to MPI_File_open: the path itself, or for a long path an alias
 * /proc/self/fd/<fd> of a descriptor this rank holds until name_release. */
typedef struct {
  const char *name;
  int fd;
  char alias[48];
} mpi_name;

/* Local (agree afterwards). Reading: every rank opens the file without blocking and checks it is
 * a regular file (its view of the path may differ from rank 0's), keeping the descriptor only
 * for an alias. Writing: only long paths are opened here. */
static int name_acquire(dlops_ctx ctx, const char *path, const char *shown, int writing, mpi_name *m) {
  m->name = path;
  m->fd = -1;
  m->alias[0] = '\0';
  const int is_long = strlen(path) > NPY_MPIIO_PATH_MAX;
  if (writing && !is_long) return DLOPS_SUCCESS;
  int fd = open(path, (writing ? O_WRONLY : O_RDONLY | O_NONBLOCK) | O_CLOEXEC);
  if (fd < 0)
    return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "%s: rank %d cannot open '%s': %s", writing ? "write_npy" : "read_npy",
                       ctx->rank, shown, strerror(errno));
  struct stat sb;
  int err = 0;
  if (fstat(fd, &sb) != 0)
    err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "%s: rank %d cannot stat '%s': %s", writing ? "write_npy" : "read_npy",
                      ctx->rank, shown, strerror(errno));
  else if (!S_ISREG(sb.st_mode))
    err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "%s: on rank %d '%s' is %s, not a regular file",
                      writing ? "write_npy" : "read_npy", ctx->rank, shown, file_kind(sb.st_mode));
  if (!err && is_long) {
    snprintf(m->alias, sizeof m->alias, "/proc/self/fd/%d", fd);
    struct stat sa;
    if (stat(m->alias, &sa) != 0 || sa.st_ino != sb.st_ino || sa.st_dev != sb.st_dev)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "%s: the path '%s' is %zu characters long: MPI-IO (Open MPI 4.1) cannot "
                        "open paths longer than %d characters and /proc/self/fd is not available here to shorten it",
                        writing ? "write_npy" : "read_npy", shown, strlen(path), NPY_MPIIO_PATH_MAX);
    if (!err) {
      m->fd = fd;
      m->name = m->alias;
      return DLOPS_SUCCESS;
    }
  }
  close(fd);
  return err;
}

static void name_release(mpi_name *m) {
  if (m->fd >= 0) close(m->fd);
  m->fd = -1;
}

/* The temporary a write goes to: "<path>.dlops-tmp.<pid>" (".<seq>" appended when seq > 0),
 * its last component shortened so that it stays a valid name. malloc'ed; NULL without memory. */
static char *tmp_name(const char *path, int64_t pid, int64_t seq) {
  char suffix[64];
  int sl = seq ? snprintf(suffix, sizeof suffix, ".dlops-tmp.%lld.%lld", (long long)pid, (long long)seq)
               : snprintf(suffix, sizeof suffix, ".dlops-tmp.%lld", (long long)pid);
  const char *slash = strrchr(path, '/');
  size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
  size_t blen = strlen(path) - dirlen;
  size_t keep = blen + (size_t)sl <= NPY_NAME_MAX ? blen : NPY_NAME_MAX - (size_t)sl;
  char *t = malloc(dirlen + keep + (size_t)sl + 1);
  if (!t) return NULL;
  memcpy(t, path, dirlen + keep);
  memcpy(t + dirlen + keep, suffix, (size_t)sl + 1);
  return t;
}

/* Rank 0: check the target and create the temporary (exclusively: a name taken by another job or
 * a stale temporary moves on to the next seq). Sets *pid and *seq. */
static int tmp_create(dlops_ctx ctx, const char *path, const char *shown, int64_t fsize, int64_t *pid, int64_t *seq) {
  struct stat sb;
  int have = 0;
  mode_t mode = 0;
  if (stat(path, &sb) == 0) {
    if (!S_ISREG(sb.st_mode))
      return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "write_npy: '%s' exists and is %s, not a regular file: refusing to "
                         "replace it", shown, file_kind(sb.st_mode));
    if (access(path, W_OK) != 0)
      return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "write_npy: cannot replace '%s': %s", shown, strerror(errno));
    have = 1;
    mode = sb.st_mode & 0777;
  } else if (errno != ENOENT) {
    return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "write_npy: cannot write '%s': %s", shown, strerror(errno));
  }
  *pid = (int64_t)getpid();
  for (int64_t s = 0; s < 64; s++) {
    char *t = tmp_name(path, *pid, s);
    if (!t) return DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "write_npy: out of memory");
    int fd = open(t, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    int en = errno;
    free(t);
    if (fd >= 0) {
      if (have) (void)fchmod(fd, mode); /* the new file keeps the old one's permissions */
      /* Reserve the whole file now: Open MPI 4.1's collective write reports a failed write(2)
       * (ENOSPC, EFBIG) only on stderr and returns success with a full count, so a full disk
       * must be found here. File systems without fallocate are checked by size after the write. */
      int pe = posix_fallocate(fd, 0, (off_t)fsize);
      close(fd);
      *seq = s;
      if (pe == 0 || pe == EINVAL || pe == EOPNOTSUPP) return DLOPS_SUCCESS;
      t = tmp_name(path, *pid, s);
      if (t) remove(t);
      free(t);
      return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "write_npy: cannot reserve %lld bytes for '%s': %s", (long long)fsize,
                         shown, strerror(pe));
    }
    if (en != EEXIST)
      return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "write_npy: cannot create a temporary file beside '%s' (the file is "
                         "written under a temporary name, then renamed): %s", shown, strerror(en));
  }
  return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "write_npy: cannot create a temporary file beside '%s': 64 names "
                     "'%s.dlops-tmp.*' are taken (stale temporaries of crashed runs?)", shown, shown);
}

/* Rank 0: make the rename durable (best effort: not every file system syncs directories). */
static void sync_dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  char *dir = NULL;
  if (!slash)
    dir = strdup(".");
  else if (slash == path)
    dir = strdup("/");
  else if ((dir = malloc((size_t)(slash - path) + 1))) {
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
  }
  if (!dir) return;
  int fd = open(dir, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
  free(dir);
}

/* ================================================================ write */

/* The MPI-IO part of a write into the temporary tmp (which exists): open, header (rank 0), data
 * (writers), sync, close, then rank 0 checks the size is fsize. Every step is agreed; returns
 * the agreed code. */
static int write_tmp(dlops_ctx ctx, const char *tmp, const char *shown, const char *header, int64_t hbytes,
                     int64_t fsize, const slab_io *s, const void *data) {
  mpi_name nm;
  int err = name_acquire(ctx, tmp, shown, 1, &nm);
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    name_release(&nm);
    return err;
  }
  MPI_File fh = MPI_FILE_NULL;
  int e = MPI_File_open(ctx->comm, nm.name, MPI_MODE_WRONLY, MPI_INFO_NULL, &fh);
  if (e != MPI_SUCCESS) err = io_error(ctx, e, "write_npy: cannot open the temporary file for", shown);
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    /* a handle opened on some ranks only is left open: closing is collective and would hang */
    name_release(&nm);
    return err;
  }
  MPI_File_set_errhandler(fh, MPI_ERRORS_RETURN);
  if (ctx->rank == 0) {
    MPI_Status st;
    e = MPI_File_write_at(fh, 0, header, (int)hbytes, MPI_BYTE, &st);
    if (e != MPI_SUCCESS) {
      err = io_error(ctx, e, "write_npy: cannot write the header of", shown);
    } else {
      int cnt = -1;
      e = MPI_Get_count(&st, MPI_BYTE, &cnt);
      if (e != MPI_SUCCESS || cnt != (int)hbytes)
        err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "write_npy: short write of the header of '%s': %d of %lld bytes (disk "
                          "full or file size limit?)", shown, cnt, (long long)hbytes);
    }
  }
  err = dlops_comm_agree(ctx->world, err);
  if (!err) {
    e = MPI_File_set_view(fh, s->disp, MPI_BYTE, s->ftype, "native", MPI_INFO_NULL);
    if (e != MPI_SUCCESS) err = io_error(ctx, e, "write_npy: cannot set the file view of", shown);
    err = dlops_comm_agree(ctx->world, err);
  }
  if (!err) {
    MPI_Status st;
    e = MPI_File_write_all(fh, data, s->count, s->mtype, &st);
    if (e != MPI_SUCCESS) {
      err = io_error(ctx, e, "write_npy: cannot write the data of", shown);
    } else if (s->count) {
      MPI_Count put = -1;
      e = MPI_Get_elements_x(&st, s->mtype, &put);
      if (e != MPI_SUCCESS || put != (MPI_Count)s->nbytes)
        err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "write_npy: short write to '%s' on rank %d: %lld of %lld bytes (disk "
                          "full or file size limit?)", shown, ctx->rank, (long long)put, (long long)s->nbytes);
    }
    err = dlops_comm_agree(ctx->world, err);
  }
  if (!err) {
    e = MPI_File_sync(fh);
    if (e != MPI_SUCCESS) err = io_error(ctx, e, "write_npy: cannot sync", shown);
    err = dlops_comm_agree(ctx->world, err);
  }
  e = MPI_File_close(&fh);
  int cerr = e != MPI_SUCCESS ? io_error(ctx, e, "write_npy: cannot close", shown) : 0;
  name_release(&nm);
  cerr = dlops_comm_agree(ctx->world, cerr);
  if (err || cerr) return err ? err : cerr;
  /* a lost write MPI-IO did not report (see tmp_create) shows as a short file */
  if (ctx->rank == 0) {
    struct stat sb;
    if (stat(tmp, &sb) != 0)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "write_npy: cannot stat the temporary file for '%s': %s", shown,
                        strerror(errno));
    else if ((int64_t)sb.st_size != fsize)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "write_npy: the file written for '%s' has %lld bytes instead of %lld (a "
                        "write was lost: disk full or file size limit?)", shown, (long long)sb.st_size,
                        (long long)fsize);
  }
  return dlops_comm_agree(ctx->world, err);
}

int dlops_darray_write_npy(dlops_darray x, const char *path) {
  int herr = dlops_darray_check_handle(x);
  if (herr) return dlops_agree_orphan(herr); /* no communicator named: join the others' agreement */
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
  shown_path spb;
  const char *shown = show_path(path, &spb);

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
    if (e != MPI_SUCCESS) err = io_error(ctx, e, "write_npy: cannot build the MPI datatypes for", shown);
  }
  if (!err) {
    int ok = 1;
    if (s.count) ok = s.disp >= hbytes && (int64_t)s.disp + s.nbytes <= hbytes + total * (int64_t)es;
    if (!ok) err = DLOPS_ERROR(ctx, DLOPS_ERR_INTERNAL, "write_npy: slab outside the file's data");
  }
  /* rank 0 creates the temporary once every rank is ready; the others learn its name from (pid, seq) */
  err = dlops_comm_agree(ctx->world, err);
  int64_t id[2] = {-1, -1};
  if (!err && ctx->rank == 0) err = tmp_create(ctx, path, shown, hbytes + total * (int64_t)es, &id[0], &id[1]);
  err = dlops_comm_agree(ctx->world, err);
  const int created = !err && ctx->rank == 0;
  if (!err) err = dlops_comm_meta_allreduce_i64(ctx->world, id, 2, DLOPS_OP_MAX);
  char *tmp = NULL;
  if (!err) {
    tmp = tmp_name(path, id[0], id[1]);
    if (!tmp) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "write_npy: out of memory");
    err = dlops_comm_agree(ctx->world, err);
  }
  if (err) {
    if (created) { /* rank 0 still knows its own name */
      free(tmp);
      tmp = tmp_name(path, id[0], id[1]);
      if (tmp) remove(tmp);
    }
    free(tmp);
    slab_free(&s);
    free(header);
    return err;
  }

  err = write_tmp(ctx, tmp, shown, header, hbytes, hbytes + total * (int64_t)es, &s, hx ? hx : x->data);
  /* publish or clean up (every rank has closed the file: write_tmp agreed after the close) */
  if (ctx->rank == 0) {
    if (!err) {
      if (rename(tmp, path) != 0) {
        err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "write_npy: cannot rename the temporary file to '%s': %s", shown,
                          strerror(errno));
        remove(tmp);
      } else {
        sync_dir_of(path);
      }
    } else {
      remove(tmp);
    }
  }
  err = dlops_comm_agree(ctx->world, err);
  free(tmp);
  slab_free(&s);
  free(header);
  return err;
}

/* ================================================================ read */

int dlops_darray_read_npy(dlops_ctx ctx, const char *path, int axis, dlops_partition partition, dlops_darray *x) {
  int err = dlops_ctx_check(ctx);
  if (err) return dlops_agree_orphan(err); /* a NULL or destroyed context: join the others' agreement */
  DLOPS_CHECK_COLL(x != NULL, ctx, err, DLOPS_ERR_ARG, "read_npy: null output handle pointer");
  if (x) *x = NULL;
  DLOPS_CHECK_COLL(path != NULL && path[0] != '\0', ctx, err, DLOPS_ERR_ARG, "read_npy: null or empty path");
  DLOPS_CHECK_COLL((int)partition >= 0 && (int)partition <= 2, ctx, err, DLOPS_ERR_ARG,
                   "read_npy: unknown partition %d", (int)partition);
  DLOPS_CHECK_COLL(host_is_little_endian(), ctx, err, DLOPS_ERR_UNSUPPORTED,
                   "read_npy: .npy I/O needs a little-endian host");
  DLOPS_CALL(dlops_comm_agree(ctx->world, err));
  DLOPS_CALL(agree_path(ctx, path));
  shown_path spb;
  const char *shown = show_path(path, &spb);

  /* 1. rank 0 checks the file and parses the header; the outcome and the header are shared */
  int64_t hdr[HDR_LEN];
  for (int k = 0; k < HDR_LEN; k++) hdr[k] = INT64_MIN;
  if (ctx->rank == 0) {
    err = header_read(ctx, path, shown, hdr);
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
                   "read_npy: axis %d out of range for the %d-dimensional array in '%s'", axis, ndim, shown);
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
  if (e != MPI_SUCCESS) err = io_error(ctx, e, "read_npy: cannot build the MPI datatypes for", shown);
  /* MPI-IO reads into host memory: device arrays through their host copy, copied over at the end */
  void *hy = NULL;
  if (!err) err = dlops_darray_host_data(y, 0, &hy);
  mpi_name nm = {path, -1, ""};
  if (!err) err = name_acquire(ctx, path, shown, 0, &nm);
  err = dlops_comm_agree(ctx->world, err);
  MPI_File fh = MPI_FILE_NULL;
  if (!err) {
    e = MPI_File_open(ctx->comm, nm.name, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh);
    if (e != MPI_SUCCESS) err = io_error(ctx, e, "read_npy: cannot open", shown);
    err = dlops_comm_agree(ctx->world, err); /* see write_tmp on a handle open on some ranks only */
    if (!err) {
      MPI_File_set_errhandler(fh, MPI_ERRORS_RETURN);
      e = MPI_File_set_view(fh, s.disp, MPI_BYTE, s.ftype, "native", MPI_INFO_NULL);
      if (e != MPI_SUCCESS) err = io_error(ctx, e, "read_npy: cannot set the file view of", shown);
      err = dlops_comm_agree(ctx->world, err);
      if (!err) {
        MPI_Status st;
        e = MPI_File_read_all(fh, hy, s.count, s.mtype, &st);
        if (e != MPI_SUCCESS) {
          err = io_error(ctx, e, "read_npy: cannot read the data of", shown);
        } else {
          MPI_Count got = 0;
          e = MPI_Get_elements_x(&st, s.mtype, &got);
          if (s.count && (e != MPI_SUCCESS || got != (MPI_Count)s.nbytes))
            err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "read_npy: short read from '%s': %lld of %lld bytes (was the file "
                              "truncated while reading?)", shown, (long long)got, (long long)s.nbytes);
        }
        err = dlops_comm_agree(ctx->world, err);
      }
      e = MPI_File_close(&fh);
      int cerr = e != MPI_SUCCESS ? io_error(ctx, e, "read_npy: cannot close", shown) : 0;
      cerr = dlops_comm_agree(ctx->world, cerr);
      if (!err) err = cerr;
    }
  }
  name_release(&nm);
  slab_free(&s);
  if (!err) err = dlops_comm_agree(ctx->world, dlops_darray_host_commit(y));
  if (err) {
    dlops_darray_destroy(&y);
    return err;
  }
  *x = y;
  return DLOPS_SUCCESS;
}

#endif /* DLOPS_NPY_PARSE_ONLY */
