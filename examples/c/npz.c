/* .npz members from a byte buffer (npz.h). */
#include "npz.h"

#include <stdio.h>
#include <string.h>

static unsigned rd16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }
static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* at + need <= n, without overflow */
static int fits(size_t at, size_t need, size_t n) { return at <= n && need <= n - at; }

int npz_find(const unsigned char *z, size_t n, const char *name, const unsigned char **member, size_t *len,
             char *why, size_t wlen) {
  /* the end-of-central-directory record (22 bytes and a comment of up to 65535) ends the file */
  if (n < 22) return snprintf(why, wlen, "not a zip archive (%zu bytes)", n), 1;
  size_t eocd = 0, lo = n - 22 > 65535 ? n - 22 - 65535 : 0;
  int found = 0;
  for (size_t i = n - 22 + 1; i-- > lo;)
    if (rd32(z + i) == 0x06054b50u) {
      eocd = i;
      found = 1;
      break;
    }
  if (!found) return snprintf(why, wlen, "not a zip archive"), 1;
  size_t nent = rd16(z + eocd + 10), cd = rd32(z + eocd + 16);
  if (rd16(z + eocd + 10) == 0xffffu || rd32(z + eocd + 16) == 0xffffffffu)
    return snprintf(why, wlen, "zip64 archives are not read"), 1;
  size_t nlen = strlen(name);
  for (size_t e = 0; e < nent; e++) {
    if (!fits(cd, 46, n) || rd32(z + cd) != 0x02014b50u) return snprintf(why, wlen, "bad zip central directory"), 1;
    unsigned method = rd16(z + cd + 10), fnl = rd16(z + cd + 28), exl = rd16(z + cd + 30), cml = rd16(z + cd + 32);
    uint32_t csize = rd32(z + cd + 20), usize = rd32(z + cd + 24), loc = rd32(z + cd + 42);
    if (!fits(cd + 46, fnl, n)) return snprintf(why, wlen, "bad zip central directory"), 1;
    if (fnl == nlen && memcmp(z + cd + 46, name, nlen) == 0) {
      if (method != 0)
        return snprintf(why, wlen, "%s is compressed (zip method %u; np.savez_compressed?)", name, method), 1;
      if (csize == 0xffffffffu || usize == 0xffffffffu || loc == 0xffffffffu)
        return snprintf(why, wlen, "zip64 archives are not read"), 1;
      if (csize != usize) return snprintf(why, wlen, "bad zip entry for %s (stored sizes differ)", name), 1;
      if (!fits(loc, 30, n) || rd32(z + loc) != 0x04034b50u) return snprintf(why, wlen, "bad zip local header"), 1;
      size_t data = (size_t)loc + 30 + rd16(z + loc + 26) + rd16(z + loc + 28);
      if (!fits(data, usize, n)) return snprintf(why, wlen, "truncated zip member %s", name), 1;
      *member = z + data;
      *len = usize;
      return 0;
    }
    cd += 46 + (size_t)fnl + exl + cml;
  }
  return snprintf(why, wlen, "no member %s", name), 1;
}

/* ---- the .npy header: a Python dict literal with 'descr', 'fortran_order' and 'shape' ---- */
typedef struct {
  const char *s;
  size_t n, i;
} scan;

static void ws(scan *c) {
  while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' || c->s[c->i] == '\r')) c->i++;
}

static int take(scan *c, char ch) {
  ws(c);
  if (c->i < c->n && c->s[c->i] == ch) return c->i++, 1;
  return 0;
}

/* a quoted string without escapes: its text in s[*b .. *b + *len) */
static int quoted(scan *c, size_t *b, size_t *len) {
  ws(c);
  if (c->i >= c->n || (c->s[c->i] != '\'' && c->s[c->i] != '"')) return 0;
  char q = c->s[c->i++];
  *b = c->i;
  while (c->i < c->n && c->s[c->i] != q && c->s[c->i] != '\\') c->i++;
  if (c->i >= c->n || c->s[c->i] != q) return 0;
  *len = c->i - *b;
  c->i++;
  return 1;
}

static int word(scan *c, const char *w) {
  ws(c);
  size_t k = strlen(w);
  if (c->n - c->i < k || memcmp(c->s + c->i, w, k)) return 0;
  c->i += k;
  return 1;
}

/* a non-negative integer below 2^62 (optional Python 2 'L') */
static int number(scan *c, int64_t *v) {
  ws(c);
  if (c->i >= c->n || c->s[c->i] < '0' || c->s[c->i] > '9') return 0;
  int64_t x = 0;
  while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
    if (x > ((int64_t)1 << 62) / 10) return 0;
    x = x * 10 + (c->s[c->i++] - '0');
  }
  if (c->i < c->n && c->s[c->i] == 'L') c->i++;
  *v = x;
  return 1;
}

#define BAD(...) return snprintf(why, wlen, __VA_ARGS__), 1

int npz_parse_npy(const unsigned char *p, size_t n, npz_array *a, char *why, size_t wlen) {
  memset(a, 0, sizeof *a);
  if (n < 10 || memcmp(p, "\x93NUMPY", 6) != 0) BAD("not a .npy file");
  if (p[6] < 1 || p[6] > 3 || p[7] != 0) BAD(".npy format version %u.%u is not read", p[6], p[7]);
  size_t h0 = p[6] == 1 ? 10 : 12;
  if (n < h0) BAD("truncated .npy header");
  size_t hl = p[6] == 1 ? rd16(p + 8) : rd32(p + 8);
  if (!fits(h0, hl, n)) BAD("truncated .npy header");
  scan c = {(const char *)p + h0, hl, 0};
  int have_d = 0, have_f = 0, have_s = 0;
  if (!take(&c, '{')) BAD("bad .npy header: not a dict");
  while (!take(&c, '}')) {
    size_t kb, kl;
    if (!quoted(&c, &kb, &kl) || !take(&c, ':')) BAD("bad .npy header: expected 'key':");
    const char *key = c.s + kb;
    if (kl == 5 && !memcmp(key, "descr", 5) && !have_d) {
      size_t vb, vl;
      if (!quoted(&c, &vb, &vl) || vl == 0 || vl >= sizeof a->descr) BAD("bad .npy header: 'descr'");
      memcpy(a->descr, c.s + vb, vl);
      a->descr[vl] = '\0';
      have_d = 1;
    } else if (kl == 13 && !memcmp(key, "fortran_order", 13) && !have_f) {
      if (word(&c, "True"))
        a->fortran_order = 1;
      else if (!word(&c, "False"))
        BAD("bad .npy header: 'fortran_order'");
      have_f = 1;
    } else if (kl == 5 && !memcmp(key, "shape", 5) && !have_s) {
      if (!take(&c, '(')) BAD("bad .npy header: 'shape' is not a tuple");
      while (!take(&c, ')')) {
        int64_t v;
        if (a->ndim >= NPZ_MAX_NDIM || !number(&c, &v)) BAD("bad .npy header: 'shape'");
        a->shape[a->ndim++] = v;
        if (!take(&c, ',')) {
          if (!take(&c, ')')) BAD("bad .npy header: 'shape'");
          break;
        }
      }
      have_s = 1;
    } else {
      BAD("bad .npy header: unexpected or repeated key '%.*s'", (int)(kl > 32 ? 32 : kl), key);
    }
    if (!take(&c, ',')) {
      if (!take(&c, '}')) BAD("bad .npy header: expected ',' or '}'");
      break;
    }
  }
  if (!have_d || !have_f || !have_s) BAD("bad .npy header: a key is missing");
  /* element size: the digits after the kind letter ("<f8" -> 8, "<c16" -> 16, "|b1" -> 1) */
  size_t dl = strlen(a->descr), isz = 0;
  for (size_t k = 2; k < dl && k < 6; k++) {
    if (a->descr[k] < '0' || a->descr[k] > '9') {
      isz = 0;
      break;
    }
    isz = isz * 10 + (size_t)(a->descr[k] - '0');
  }
  if (dl < 3 || isz == 0) BAD("unsupported .npy element type '%s'", a->descr);
  a->itemsize = isz;
  int64_t count = 1;
  for (int d = 0; d < a->ndim; d++) {
    if (a->shape[d] != 0 && count > INT64_MAX / (int64_t)isz / a->shape[d]) BAD(".npy shape too large");
    count *= a->shape[d];
  }
  a->count = count;
  if ((uint64_t)count * isz > (uint64_t)(n - h0 - hl)) BAD("truncated .npy data");
  a->data = p + h0 + hl;
  return 0;
}

int npz_load(const unsigned char *z, size_t n, const char *name, npz_array *a, char *why, size_t wlen) {
  const unsigned char *m = NULL;
  size_t len = 0;
  if (npz_find(z, n, name, &m, &len, why, wlen)) return 1;
  return npz_parse_npy(m, len, a, why, wlen);
}
