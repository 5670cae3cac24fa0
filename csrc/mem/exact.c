/* Exact accumulators (exact.h): zero, add, merge, normalisation and the correctly rounded
 * conversion to double. */
#include "exact.h"

#include <math.h>

#define D DLOPS_EXACT_DIGITS

void dlops_exact_zero(dlops_exact *a) { memset(a, 0, sizeof *a); }

void dlops_exact_normalize(dlops_exact *a) {
  int64_t *l = a->limb;
  for (int k = 0; k < D - 1; k++) {
    const int64_t v = l[k], lo = (int64_t)((uint64_t)v & 0xffffffffu);
    l[k] = lo;
    l[k + 1] += (v - lo) / (INT64_C(1) << 32); /* exact: v - lo is a multiple of 2^32 (floor carry) */
  }
  l[DLOPS_EXACT_UNITS] = 1;
}

void dlops_exact_add(dlops_exact *a, double v) {
  if (a->limb[DLOPS_EXACT_UNITS] >= DLOPS_EXACT_MAX_UNITS) dlops_exact_normalize(a);
  dlops_exact_add_raw(a->limb, v);
  a->limb[DLOPS_EXACT_UNITS] += 1;
}

void dlops_exact_merge(dlops_exact *a, const dlops_exact *b) {
  dlops_exact nb;
  if (a->limb[DLOPS_EXACT_UNITS] + b->limb[DLOPS_EXACT_UNITS] > DLOPS_EXACT_MAX_UNITS) {
    dlops_exact_normalize(a);
    if (b->limb[DLOPS_EXACT_UNITS] > 1) {
      nb = *b;
      dlops_exact_normalize(&nb);
      b = &nb;
    }
  }
  for (int k = 0; k < DLOPS_EXACT_LIMBS; k++) a->limb[k] += b->limb[k];
}

/* Number of leading zero bits of a non-zero 128-bit value. */
static int clz128(unsigned __int128 v) {
  const uint64_t hi = (uint64_t)(v >> 64), lo = (uint64_t)v;
  return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll(lo);
}

double dlops_exact_to_double(const dlops_exact *a) {
  const int64_t pinf = a->limb[DLOPS_EXACT_PINF], ninf = a->limb[DLOPS_EXACT_NINF];
  if (a->limb[DLOPS_EXACT_NAN] || (pinf && ninf)) return NAN;
  if (pinf) return INFINITY;
  if (ninf) return -INFINITY;
  dlops_exact c = *a;
  dlops_exact_normalize(&c);
  int64_t *l = c.limb;
  const int neg = l[D - 1] < 0;
  if (neg) { /* the magnitude: negate every digit, propagate again (the top becomes >= 0) */
    for (int k = 0; k < D; k++) l[k] = -l[k];
    dlops_exact_normalize(&c);
  }
  int h = D - 1;
  while (h >= 0 && !l[h]) h--;
  if (h < 0) return 0.0;
  /* the three leading digits (the top one may be wider than 32 bits, below 2^63), and whether
   * anything below them is non-zero */
  unsigned __int128 acc = (unsigned __int128)(uint64_t)l[h] << 64;
  if (h >= 1) acc |= (unsigned __int128)(uint64_t)l[h - 1] << 32;
  if (h >= 2) acc |= (uint64_t)l[h - 2];
  int sticky = 0;
  for (int k = 0; k < h - 2; k++) sticky |= l[k] != 0;
  /* acc bit 0 weighs 2^e0; shift its leading one to bit 127: the value is (M + f) 2^E, M the
   * 64 leading bits (leading bit set), f in [0, 1) non-zero iff sticky */
  const int e0 = 32 * (h - 2) - DLOPS_EXACT_BIAS, lz = clz128(acc);
  acc <<= lz;
  const uint64_t M = (uint64_t)(acc >> 64);
  sticky |= (uint64_t)acc != 0;
  const int E = e0 + 64 - lz, top = E + 63; /* the value is in [2^top, 2^(top+1)) */
  double r;
  if (top > 1023) {
    r = INFINITY;
  } else {
    /* bits the result keeps: 53, fewer for subnormals */
    const int prec = top >= -1022 ? 53 : 53 - (-1022 - top);
    if (prec <= 0) { /* below 2^-1074 (cannot happen: every term is a multiple of 2^-1074) */
      const int above_half = prec == 0 && (M != (UINT64_C(1) << 63) || sticky);
      r = above_half ? ldexp(1.0, -1074) : 0.0;
    } else {
      const int d = 64 - prec; /* 11 .. 63 dropped bits */
      uint64_t keep = M >> d;
      const uint64_t rem = M & ((UINT64_C(1) << d) - 1), half = UINT64_C(1) << (d - 1);
      if (rem > half || (rem == half && (sticky || (keep & 1)))) keep++;
      r = ldexp((double)keep, E + d); /* exact, or +inf when rounding carried past 2^1024 */
    }
  }
  return neg ? -r : r;
}
