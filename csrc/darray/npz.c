/* Reading .npz archives (numpy's savez / savez_compressed): a zip archive of .npy files.
 *
 * Parsing (npz_parse.h, no MPI): the end-of-central-directory record (and the ZIP64 one when the
 * archive has it) gives the central directory; each entry names a member, its method, sizes and
 * the offset of its local header, whose name and extra lengths give the member's bytes. Stored
 * members are copied, deflated ones inflated with zlib (raw deflate); both are checked against
 * the entry's size and CRC-32. The member is a .npy file: its header is parsed by
 * dlops_npy_parse_header (npy_parse.h), so .npz and .npy accept the same arrays.
 *
 * Reading a member into a distributed array (dlops_darray_read_npz): rank 0 reads the whole
 * archive into memory, extracts the member and parses its header; the outcome and the header
 * are agreed on the context (metadata reductions), then the array data reach the other ranks
 * with MPI_Bcast on the context's communicator (plain MPI, like the MPI-IO of read_npy: not in
 * the communication counters) and every rank keeps its own slab. The member must therefore fit
 * in each rank's memory: .npz files are model and parameter files, not the large distributed
 * arrays (use .npy, read with MPI-IO, for those).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "npy_parse.h"
#include "npz_parse.h"

#if defined(__GNUC__)
#define DLOPS_NPZ_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DLOPS_NPZ_PRINTF(a, b)
#endif

/* ================================================================ parsing (no MPI) */

static uint32_t rd16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* [at, at + need) lies inside n bytes, without overflow */
static int fits(uint64_t at, uint64_t need, size_t n) { return at <= (uint64_t)n && need <= (uint64_t)n - at; }

static int zerr(char *msg, size_t msglen, int code, const char *fmt, ...) DLOPS_NPZ_PRINTF(4, 5);
static int zerr(char *msg, size_t msglen, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (msglen) vsnprintf(msg, msglen, fmt, ap);
  va_end(ap);
  return code;
}

int dlops_npz_directory(const unsigned char *z, size_t n, uint64_t *cd, uint64_t *count, char *msg, size_t msglen) {
  /* the end-of-central-directory record (22 bytes and a comment of up to 65535) ends the file */
  if (n < 22) return zerr(msg, msglen, DLOPS_ERR_IO, "not a zip archive (%zu bytes, too short)", n);
  size_t eocd = 0, lo = n - 22 > 65535 ? n - 22 - 65535 : 0;
  int found = 0;
  for (size_t i = n - 22 + 1; i-- > lo;)
    if (rd32(z + i) == 0x06054b50u && i + 22 + rd16(z + i + 20) == n) {
      eocd = i;
      found = 1;
      break;
    }
  if (!found) return zerr(msg, msglen, DLOPS_ERR_IO, "not a zip archive (no end-of-central-directory record)");
  if (rd16(z + eocd + 4) != 0 || rd16(z + eocd + 6) != 0)
    return zerr(msg, msglen, DLOPS_ERR_UNSUPPORTED, "a multi-disk zip archive (not read)");
  uint64_t nent = rd16(z + eocd + 10), off = rd32(z + eocd + 16), size = rd32(z + eocd + 12);
  if (nent == 0xffffu || off == 0xffffffffu || size == 0xffffffffu) {
    /* ZIP64: the locator (20 bytes) just before the record points to the zip64 record */
    if (eocd < 20 || rd32(z + eocd - 20) != 0x07064b50u)
      return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt zip archive: ZIP64 values without a ZIP64 locator");
    uint64_t r = rd64(z + eocd - 20 + 8);
    if (!fits(r, 56, n) || rd32(z + r) != 0x06064b50u)
      return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt zip archive: bad ZIP64 end-of-central-directory record");
    if (rd32(z + r + 16) != 0 || rd32(z + r + 20) != 0)
      return zerr(msg, msglen, DLOPS_ERR_UNSUPPORTED, "a multi-disk zip archive (not read)");
    nent = rd64(z + r + 32);
    size = rd64(z + r + 40);
    off = rd64(z + r + 48);
  }
  if (!fits(off, size, n) || nent > size / 46 + (size == 0 ? 0 : 1))
    return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt or truncated zip archive: the central directory (%llu entries "
                "at byte %llu) lies outside the %zu-byte file", (unsigned long long)nent, (unsigned long long)off, n);
  *cd = off;
  *count = nent;
  return DLOPS_SUCCESS;
}

int dlops_npz_entry_next(const unsigned char *z, size_t n, uint64_t *pos, dlops_npz_entry *e, char *msg,
                         size_t msglen) {
  uint64_t p = *pos;
  if (!fits(p, 46, n) || rd32(z + p) != 0x02014b50u)
    return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt zip archive: bad central directory entry at byte %llu",
                (unsigned long long)p);
  uint32_t fnl = rd16(z + p + 28), exl = rd16(z + p + 30), cml = rd16(z + p + 32);
  if (!fits(p + 46, (uint64_t)fnl + exl + cml, n))
    return zerr(msg, msglen, DLOPS_ERR_IO, "truncated zip central directory");
  memset(e, 0, sizeof *e);
  e->flags = rd16(z + p + 8);
  e->method = rd16(z + p + 10);
  e->crc = rd32(z + p + 16);
  e->csize = rd32(z + p + 20);
  e->usize = rd32(z + p + 24);
  e->local = rd32(z + p + 42);
  e->name = z + p + 46;
  e->name_len = fnl;
  /* ZIP64 extra field (id 1): the 64-bit values of the fields saturated at 0xffffffff, in order */
  const unsigned char *x = z + p + 46 + fnl, *xe = x + exl;
  int need_u = e->usize == 0xffffffffu, need_c = e->csize == 0xffffffffu, need_l = e->local == 0xffffffffu;
  while (xe - x >= 4) {
    uint32_t id = rd16(x), len = rd16(x + 2);
    if ((uint64_t)(xe - x - 4) < len) return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt zip extra field");
    if (id == 1) {
      const unsigned char *v = x + 4;
      uint32_t left = len;
      if (need_u) {
        if (left < 8) return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt ZIP64 extra field");
        e->usize = rd64(v), v += 8, left -= 8, need_u = 0;
      }
      if (need_c) {
        if (left < 8) return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt ZIP64 extra field");
        e->csize = rd64(v), v += 8, left -= 8, need_c = 0;
      }
      if (need_l) {
        if (left < 8) return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt ZIP64 extra field");
        e->local = rd64(v), need_l = 0;
      }
    }
    x += 4 + len;
  }
  if (need_u || need_c || need_l)
    return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt zip archive: a saturated size without its ZIP64 extra field");
  *pos = p + 46 + fnl + exl + cml;
  return DLOPS_SUCCESS;
}

int dlops_npz_find(const unsigned char *z, size_t n, const char *name, dlops_npz_entry *e, char *msg,
                   size_t msglen) {
  uint64_t cd, count;
  int r = dlops_npz_directory(z, n, &cd, &count, msg, msglen);
  if (r) return r;
  const size_t nl = strlen(name);
  /* two passes: the exact name, then name + ".npy" (np.load's key for member "key.npy") */
  for (int pass = 0; pass < 2; pass++) {
    uint64_t pos = cd;
    for (uint64_t k = 0; k < count; k++) {
      r = dlops_npz_entry_next(z, n, &pos, e, msg, msglen);
      if (r) return r;
      if (pass == 0 && e->name_len == nl && memcmp(e->name, name, nl) == 0) return DLOPS_SUCCESS;
      if (pass == 1 && e->name_len == nl + 4 && memcmp(e->name, name, nl) == 0 && memcmp(e->name + nl, ".npy", 4) == 0)
        return DLOPS_SUCCESS;
    }
  }
  return zerr(msg, msglen, DLOPS_ERR_ARG, "no member '%.*s' (nor '%.*s.npy') among its %llu members",
              (int)(nl > 200 ? 200 : nl), name, (int)(nl > 200 ? 200 : nl), name, (unsigned long long)count);
}

int dlops_npz_extract(const unsigned char *z, size_t n, const dlops_npz_entry *e, unsigned char *out, char *msg,
                      size_t msglen) {
  const int nl = (int)(e->name_len > 200 ? 200 : e->name_len);
  const char *nm = (const char *)e->name;
  if (e->flags & 1u) return zerr(msg, msglen, DLOPS_ERR_UNSUPPORTED, "member '%.*s' is encrypted", nl, nm);
  if (e->method != 0 && e->method != 8)
    return zerr(msg, msglen, DLOPS_ERR_UNSUPPORTED, "member '%.*s' uses zip compression method %u: dlops reads "
                "stored (0) and deflated (8) members (np.savez, np.savez_compressed)", nl, nm, e->method);
  if (!fits(e->local, 30, n) || rd32(z + e->local) != 0x04034b50u)
    return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt zip archive: bad local header of member '%.*s'", nl, nm);
  const uint64_t data = e->local + 30 + rd16(z + e->local + 26) + rd16(z + e->local + 28);
  if (!fits(data, e->csize, n))
    return zerr(msg, msglen, DLOPS_ERR_IO, "truncated zip archive: member '%.*s' needs %llu bytes at byte %llu, "
                "the file has %zu", nl, nm, (unsigned long long)e->csize, (unsigned long long)data, n);
  const unsigned char *src = z + data;
  if (e->method == 0) {
    if (e->csize != e->usize)
      return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt zip archive: stored member '%.*s' has two sizes", nl, nm);
    if (e->usize) memcpy(out, src, (size_t)e->usize);
  } else {
    z_stream s;
    memset(&s, 0, sizeof s);
    if (inflateInit2(&s, -MAX_WBITS) != Z_OK)
      return zerr(msg, msglen, DLOPS_ERR_MEM, "zlib cannot start inflating member '%.*s'", nl, nm);
    uint64_t in_left = e->csize, out_left = e->usize;
    int r = Z_OK;
    s.next_in = (unsigned char *)(uintptr_t)src;
    s.next_out = out;
    while (r == Z_OK) {
      /* zlib counts in uInt: feed at most 1 GiB at a time */
      if (s.avail_in == 0 && in_left) {
        s.avail_in = (uInt)(in_left > (1u << 30) ? (1u << 30) : in_left);
        in_left -= s.avail_in;
      }
      if (s.avail_out == 0 && out_left) {
        s.avail_out = (uInt)(out_left > (1u << 30) ? (1u << 30) : out_left);
        out_left -= s.avail_out;
      }
      uInt before_in = s.avail_in, before_out = s.avail_out;
      r = inflate(&s, Z_NO_FLUSH);
      if (r == Z_BUF_ERROR || (r == Z_OK && before_in == s.avail_in && before_out == s.avail_out)) break;
    }
    const uint64_t produced = e->usize - out_left - s.avail_out;
    inflateEnd(&s);
    if (r != Z_STREAM_END)
      return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt deflate data in member '%.*s' (%s after %llu of %llu bytes)",
                  nl, nm, r == Z_DATA_ERROR ? "invalid data" : r == Z_MEM_ERROR ? "out of memory" : "stream cut short",
                  (unsigned long long)produced, (unsigned long long)e->usize);
    if (produced != e->usize)
      return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt zip archive: member '%.*s' inflates to %llu bytes, its entry "
                  "says %llu", nl, nm, (unsigned long long)produced, (unsigned long long)e->usize);
  }
  /* CRC-32, in chunks zlib's uInt can count */
  uLong crc = crc32(0L, Z_NULL, 0);
  for (uint64_t o = 0; o < e->usize;) {
    uInt c = (uInt)(e->usize - o > (1u << 30) ? (1u << 30) : e->usize - o);
    crc = crc32(crc, out + o, c);
    o += c;
  }
  if ((uint32_t)crc != e->crc)
    return zerr(msg, msglen, DLOPS_ERR_IO, "corrupt zip archive: member '%.*s' fails its CRC-32 check", nl, nm);
  return DLOPS_SUCCESS;
}

#ifndef DLOPS_NPZ_PARSE_ONLY
/* ================================================================ everything below uses MPI */

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "darray_impl.h"

#define NPZ_SHOW_MAX 160

typedef struct {
  char s[NPZ_SHOW_MAX + 1];
} npz_shown;

static const char *npz_show(const char *path, npz_shown *b) {
  size_t n = strlen(path);
  if (n <= NPZ_SHOW_MAX) return path;
  snprintf(b->s, sizeof b->s, "...%s", path + n - (NPZ_SHOW_MAX - 3));
  return b->s;
}

/* The whole file into memory (a regular file only: a FIFO would block). */
static int npz_slurp(dlops_ctx ctx, const char *fn, const char *path, const char *shown, unsigned char **buf,
                     size_t *n) {
  *buf = NULL;
  *n = 0;
  struct stat sb;
  if (stat(path, &sb) != 0)
    return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "%s: cannot open '%s' for reading: %s", fn, shown, strerror(errno));
  if (!S_ISREG(sb.st_mode))
    return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "%s: cannot read '%s': it is %s, not a regular file", fn, shown,
                       S_ISDIR(sb.st_mode) ? "a directory" : "not a regular file");
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return DLOPS_ERROR(ctx, DLOPS_ERR_IO, "%s: cannot open '%s' for reading: %s", fn, shown, strerror(errno));
  int err = 0;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
    err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "%s: cannot read '%s': not a regular file", fn, shown);
  size_t len = err ? 0 : (size_t)sb.st_size;
  unsigned char *b = err ? NULL : malloc(len ? len : 1);
  if (!err && !b)
    err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "%s: cannot allocate %zu bytes for '%s'", fn, len, shown);
  size_t got = 0;
  while (!err && got < len) {
    ssize_t r = read(fd, b + got, len - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "%s: cannot read '%s': %s", fn, shown, strerror(errno));
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  if (err) {
    free(b);
    return err;
  }
  *buf = b;
  *n = got; /* a file that shrank meanwhile is parsed as it was read */
  return DLOPS_SUCCESS;
}

/* What rank 0 shares about the member. */
enum { NH_DTYPE, NH_NDIM, NH_BYTES, NH_SHAPE, NH_LEN = NH_SHAPE + DLOPS_MAX_NDIM };

/* Rank 0: the member's array (C-order bytes, *nbytes of them, in *member at *data_off). */
static int npz_load_member(dlops_ctx ctx, const char *path, const char *shown, const char *name, unsigned char **member,
                           int64_t *data_off, int64_t *hdr) {
  unsigned char *z = NULL;
  size_t n = 0;
  *member = NULL;
  DLOPS_CALL(npz_slurp(ctx, "read_npz", path, shown, &z, &n));
  char msg[512];
  dlops_npz_entry e;
  int err = dlops_npz_find(z, n, name, &e, msg, sizeof msg);
  if (err) err = DLOPS_ERROR(ctx, err, "read_npz: '%s': %s", shown, msg);
  unsigned char *m = NULL;
  if (!err && e.usize > (uint64_t)SIZE_MAX / 2)
    err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "read_npz: '%s': member '%s' claims %llu bytes", shown, name,
                      (unsigned long long)e.usize);
  if (!err && !(m = malloc(e.usize ? (size_t)e.usize : 1)))
    err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "read_npz: cannot allocate %llu bytes for member '%s' of '%s'",
                      (unsigned long long)e.usize, name, shown);
  if (!err) {
    int c = dlops_npz_extract(z, n, &e, m, msg, sizeof msg);
    if (c) err = DLOPS_ERROR(ctx, c, "read_npz: '%s': %s", shown, msg);
  }
  free(z);
  dlops_npy_header h;
  if (!err) {
    int c = dlops_npy_parse_header(m, (size_t)e.usize, &h, msg, sizeof msg);
    if (c) err = DLOPS_ERROR(ctx, c, "read_npz: member '%s' of '%s' holds %s", name, shown, msg);
  }
  if (!err) {
    int64_t total = 1;
    for (int d = 0; d < h.ndim; d++) total *= h.shape[d];
    int64_t need = total * (int64_t)dlops_dtype_size((dlops_dtype)h.dtype);
    if ((int64_t)e.usize - h.header_len < need)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_IO, "read_npz: member '%s' of '%s' is truncated: its header promises %lld bytes "
                        "of data, it holds %lld", name, shown, (long long)need, (long long)e.usize - h.header_len);
    hdr[NH_DTYPE] = h.dtype;
    hdr[NH_NDIM] = h.ndim;
    hdr[NH_BYTES] = need;
    for (int d = 0; d < h.ndim; d++) hdr[NH_SHAPE + d] = h.shape[d];
    *data_off = h.header_len;
  }
  if (err) {
    free(m);
    return err;
  }
  *member = m;
  return DLOPS_SUCCESS;
}

/* Path and member name the same on every rank. */
static int npz_agree_names(dlops_ctx ctx, const char *path, const char *member) {
  uint64_t h = dlops_hash_bytes(0, path, strlen(path) + 1);
  h = dlops_hash_bytes(h, member, strlen(member) + 1);
  int64_t v[2] = {(int64_t)(h >> 1), 0};
  v[1] = -v[0];
  DLOPS_CALL(dlops_comm_meta_allreduce_i64(ctx->world, v, 2, DLOPS_OP_MAX));
  int err = 0;
  if (v[0] != -v[1])
    err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "read_npz: ranks passed different file paths or member names (rank %d has "
                      "'%s', member '%s'); every rank must name the same", ctx->rank, path, member);
  return dlops_comm_agree(ctx->world, err);
}

int dlops_darray_read_npz(dlops_ctx ctx, const char *path, const char *member, int axis, dlops_partition partition,
                          dlops_darray *x) {
  int err = dlops_ctx_check(ctx);
  if (err) return dlops_agree_orphan(err);
  DLOPS_CHECK_COLL(x != NULL, ctx, err, DLOPS_ERR_ARG, "read_npz: null output handle pointer");
  if (x) *x = NULL;
  DLOPS_CHECK_COLL(path != NULL && path[0] != '\0', ctx, err, DLOPS_ERR_ARG, "read_npz: null or empty path");
  DLOPS_CHECK_COLL(member != NULL && member[0] != '\0', ctx, err, DLOPS_ERR_ARG, "read_npz: null or empty member name");
  DLOPS_CHECK_COLL(member == NULL || strlen(member) <= DLOPS_NPZ_NAME_MAX, ctx, err, DLOPS_ERR_ARG,
                   "read_npz: member name longer than %d characters", DLOPS_NPZ_NAME_MAX);
  DLOPS_CHECK_COLL((int)partition >= 0 && (int)partition <= 2, ctx, err, DLOPS_ERR_ARG,
                   "read_npz: unknown partition %d", (int)partition);
  const uint16_t one = 1;
  unsigned char little;
  memcpy(&little, &one, 1);
  DLOPS_CHECK_COLL(little == 1, ctx, err, DLOPS_ERR_UNSUPPORTED, "read_npz: .npz I/O needs a little-endian host");
  DLOPS_CALL(dlops_comm_agree(ctx->world, err));
  DLOPS_CALL(npz_agree_names(ctx, path, member));
  npz_shown sb;
  const char *shown = npz_show(path, &sb);

  /* 1. rank 0 reads the archive and the member; outcome and header are shared */
  int64_t hdr[NH_LEN];
  for (int k = 0; k < NH_LEN; k++) hdr[k] = INT64_MIN;
  unsigned char *mem = NULL;
  int64_t data_off = 0;
  if (ctx->rank == 0) {
    err = npz_load_member(ctx, path, shown, member, &mem, &data_off, hdr);
    if (err)
      for (int k = 0; k < NH_LEN; k++) hdr[k] = INT64_MIN;
  }
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    free(mem);
    return err;
  }
  DLOPS_CALL(dlops_comm_meta_allreduce_i64(ctx->world, hdr, NH_LEN, DLOPS_OP_MAX));
  const int ndim = (int)hdr[NH_NDIM];
  const dlops_dtype dtype = (dlops_dtype)hdr[NH_DTYPE];
  const int64_t nbytes = hdr[NH_BYTES];
  int64_t shape[DLOPS_MAX_NDIM];
  for (int d = 0; d < ndim; d++) shape[d] = hdr[NH_SHAPE + d];

  /* 2. the array */
  int ax = axis < 0 ? axis + ndim : axis;
  DLOPS_CHECK_COLL(ax >= 0 && ax < ndim, ctx, err, DLOPS_ERR_ARG,
                   "read_npz: axis %d out of range for the %d-dimensional member '%s' of '%s'", axis, ndim, member,
                   shown);
  err = dlops_comm_agree(ctx->world, err);
  dlops_darray y = NULL;
  if (!err) err = dlops_darray_create_impl(ctx, ndim, shape, ax, partition, dtype, -1, -1, ctx->mem, &y);
  if (err || nbytes == 0) {
    free(mem);
    if (!err) *x = y;
    return err;
  }

  /* 3. the bytes to every rank (plain MPI_Bcast in chunks), each keeps its slab */
  unsigned char *all = NULL;
  if (ctx->rank == 0) {
    all = mem + data_off;
  } else {
    mem = malloc((size_t)nbytes);
    if (!mem)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "read_npz: cannot allocate %lld bytes for member '%s'", (long long)nbytes,
                        member);
    all = mem;
  }
  err = dlops_comm_agree(ctx->world, err);
  for (int64_t o = 0; !err && o < nbytes;) {
    int c = (int)(nbytes - o > (1 << 30) ? (1 << 30) : nbytes - o);
    int e = MPI_Bcast(all + o, c, MPI_BYTE, 0, ctx->comm);
    if (e != MPI_SUCCESS) err = dlops_error_mpi(ctx, e, __FILE__, __LINE__, __func__, "MPI_Bcast");
    o += c;
  }
  err = dlops_comm_agree(ctx->world, err);
  void *hy = NULL;
  if (!err) err = dlops_darray_host_data(y, 0, &hy);
  if (!err) {
    const size_t es = dlops_dtype_size(dtype);
    int64_t outer = 1, inner = (int64_t)es;
    for (int d = 0; d < ax; d++) outer *= shape[d];
    for (int d = ax + 1; d < ndim; d++) inner *= shape[d];
    const int64_t N = shape[ax], nl = y->lshape[ax], off = y->offset;
    for (int64_t o = 0; o < outer && nl > 0; o++)
      memcpy((unsigned char *)hy + (size_t)(o * nl * inner), all + (size_t)((o * N + off) * inner), (size_t)(nl * inner));
    err = dlops_darray_host_commit(y);
  }
  free(mem);
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    dlops_darray_destroy(&y);
    return err;
  }
  *x = y;
  return DLOPS_SUCCESS;
}

/* ---- listing (not collective) */

static int npz_list_open(const char *fn, const char *path, unsigned char **z, size_t *n, uint64_t *cd,
                         uint64_t *count) {
  DLOPS_CHECK(path != NULL && path[0] != '\0', NULL, DLOPS_ERR_ARG, "%s: null or empty path", fn);
  npz_shown sb;
  const char *shown = npz_show(path, &sb);
  DLOPS_CALL(npz_slurp(NULL, fn, path, shown, z, n));
  char msg[512];
  int e = dlops_npz_directory(*z, *n, cd, count, msg, sizeof msg);
  if (e) {
    free(*z);
    *z = NULL;
    return DLOPS_ERROR(NULL, e, "%s: '%s': %s", fn, shown, msg);
  }
  return DLOPS_SUCCESS;
}

int dlops_npz_get_num_members(const char *path, int *count) {
  DLOPS_CHECK(count != NULL, NULL, DLOPS_ERR_ARG, "npz_get_num_members: null count");
  *count = 0;
  unsigned char *z = NULL;
  size_t n = 0;
  uint64_t cd, c;
  DLOPS_CALL(npz_list_open("npz_get_num_members", path, &z, &n, &cd, &c));
  free(z);
  DLOPS_CHECK(c <= INT_MAX, NULL, DLOPS_ERR_UNSUPPORTED, "npz_get_num_members: %llu members", (unsigned long long)c);
  *count = (int)c;
  return DLOPS_SUCCESS;
}

static _Thread_local char npz_name_buf[DLOPS_NPZ_NAME_MAX + 1];

int dlops_npz_get_member_name(const char *path, int index, const char **name) {
  DLOPS_CHECK(name != NULL, NULL, DLOPS_ERR_ARG, "npz_get_member_name: null name");
  *name = NULL;
  unsigned char *z = NULL;
  size_t n = 0;
  uint64_t cd, c;
  DLOPS_CALL(npz_list_open("npz_get_member_name", path, &z, &n, &cd, &c));
  int err = 0;
  if (index < 0 || (uint64_t)index >= c)
    err = DLOPS_ERROR(NULL, DLOPS_ERR_ARG, "npz_get_member_name: index %d out of range (the archive has %llu members)",
                      index, (unsigned long long)c);
  dlops_npz_entry e;
  char msg[512];
  for (int k = 0; !err && k <= index; k++) {
    int c2 = dlops_npz_entry_next(z, n, &cd, &e, msg, sizeof msg);
    if (c2) err = DLOPS_ERROR(NULL, c2, "npz_get_member_name: %s", msg);
  }
  if (!err) {
    size_t l = e.name_len > DLOPS_NPZ_NAME_MAX ? DLOPS_NPZ_NAME_MAX : e.name_len;
    memcpy(npz_name_buf, e.name, l);
    npz_name_buf[l] = '\0';
    *name = npz_name_buf;
  }
  free(z);
  return err;
}

#endif /* DLOPS_NPZ_PARSE_ONLY */
