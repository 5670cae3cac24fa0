/* Exact accumulators for deterministic reductions (internal, never installed).
 *
 * A dlops_exact holds a sum of doubles exactly, as a fixed-point number with one bit for every
 * power of two a finite double can carry (2^-1074 .. 2^1023) plus headroom, so the sum does not
 * depend on the order of the terms or on how they were split among ranks. Accumulators combine
 * exactly by adding them limb by limb (dlops_exact_merge here, MPI_SUM over int64 across ranks),
 * and dlops_exact_to_double rounds the exact value once, to nearest even. A reduction that adds
 * each rank's terms into one, sums the accumulators over ranks and converts the result therefore
 * gives the same bits at every rank count and in every run.
 *
 * Limb layout (int64_t limb[DLOPS_EXACT_LIMBS]):
 *   limb[0 .. DLOPS_EXACT_DIGITS-1]  digits of base 2^32: limb[k] has weight 2^(32k - 1088), so
 *       the lowest bit of limb[0] is 2^-1088 (the smallest subnormal 2^-1074 is bit 14 of it) and
 *       limb[DLOPS_EXACT_DIGITS-1] (weight 2^1056) is the signed top digit. In canonical
 *       (normalised) form every digit below the top is in [0, 2^32) and the top one carries the
 *       sign; the value is sum limb[k] 2^(32k-1088). Before normalisation digits may hold any
 *       int64 (carries not yet propagated, negative parts of negative terms).
 *   limb[DLOPS_EXACT_PINF]  number of +inf terms
 *   limb[DLOPS_EXACT_NINF]  number of -inf terms
 *   limb[DLOPS_EXACT_NAN]   number of NaN terms
 *   limb[DLOPS_EXACT_UNITS] a bound u on the digits: every digit below the top has |digit| <
 *       u 2^32. Normalising sets it to 1, each add raises it by 1, a merge adds the two bounds,
 *       and so does an MPI_SUM; an add or merge normalises first when the bound would pass
 *       2^30, so no digit ever overflows. Zero (all limbs 0) is a valid state.
 * Every limb is an integer count that sums meaningfully, so MPI_SUM on MPI_INT64_T over all
 * DLOPS_EXACT_LIMBS limbs of P accumulators is a merge. Normalise each before the MPI_SUM: then
 * each digit of the sum is below P 2^32, which fits an int64 for P up to 2^31 ranks.
 *
 * Range: every finite double, and any number of terms whose exact sum stays below 2^1118 in
 * magnitude (the signed top digit is an int64 of weight 2^1056; 2^40 terms of the largest
 * double sum to below 2^1064), with intermediate carries safe as described above.
 *
 * Non-finite terms are counted, not added; dlops_exact_to_double returns what IEEE summation
 * would: NaN if there was a NaN or both +inf and -inf, else +-inf if there was one. An exact sum
 * of zero converts to +0.0 (IEEE summation of only -0.0 terms would give -0.0).
 *
 * The per-term add (dlops_exact_add_raw) is a static inline function usable from C and CUDA
 * (no 128-bit integers, no library calls); the memory tables' dot_exact/norm_exact kernels are
 * built from it.
 */
#ifndef DLOPS_MEM_EXACT_H
#define DLOPS_MEM_EXACT_H

#include <stdint.h>
#include <string.h>

#ifdef __CUDACC__
#define DLOPS_EXACT_HD __host__ __device__
#else
#define DLOPS_EXACT_HD
#endif

#define DLOPS_EXACT_DIGITS 68 /* base-2^32 digits, weights 2^-1088 .. 2^1056 */
#define DLOPS_EXACT_PINF 68   /* count of +inf terms */
#define DLOPS_EXACT_NINF 69   /* count of -inf terms */
#define DLOPS_EXACT_NAN 70    /* count of NaN terms */
#define DLOPS_EXACT_UNITS 71  /* digit bound in units of 2^32 (see above) */
#define DLOPS_EXACT_LIMBS 72
/* lowest weight: limb[0] bit 0 is 2^-DLOPS_EXACT_BIAS */
#define DLOPS_EXACT_BIAS 1088
/* an add or merge normalises before the digit bound passes this many units of 2^32 */
#define DLOPS_EXACT_MAX_UNITS (INT64_C(1) << 30)

typedef struct {
  int64_t limb[DLOPS_EXACT_LIMBS];
} dlops_exact;

/** a = 0 (all limbs zero). */
void dlops_exact_zero(dlops_exact *a);
/** a += v exactly (v finite); a non-finite v is counted in a's flag limbs. */
void dlops_exact_add(dlops_exact *a, double v);
/** a += b exactly (limb-wise; normalises first when the digits could overflow). */
void dlops_exact_merge(dlops_exact *a, const dlops_exact *b);
/** Bring a to its canonical form (carries propagated, UNITS = 1); the value is unchanged. Two
 *  accumulators of the same value and the same flag counts are bitwise equal after this. */
void dlops_exact_normalize(dlops_exact *a);
/** The exact value rounded to the nearest double, ties to even (overflow gives +-inf), or NaN /
 *  +-inf per the flag counts as IEEE summation would. a is not modified. */
double dlops_exact_to_double(const dlops_exact *a);

/* ---- the per-term add, for the kernels ----
 * limb += v without touching UNITS: the caller bounds the number of raw adds between two
 * normalisations (fewer than DLOPS_EXACT_MAX_UNITS, counting the units the digits had). A finite
 * v = m 2^(e-1075) (m the 53-bit significand, e the biased exponent, subnormals e = 1) is m
 * shifted to bit p = e + 13 of the digit string: three neighbouring digits receive 32, 32 and at
 * most 21 bits, each added with v's sign. */
DLOPS_EXACT_HD static inline void dlops_exact_add_raw(int64_t *limb, double v) {
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  uint32_t ex = (uint32_t)(b >> 52) & 0x7ffu;
  uint64_t m = b & ((UINT64_C(1) << 52) - 1);
  if (ex == 0x7ffu) { /* inf or NaN */
    limb[m ? DLOPS_EXACT_NAN : (b >> 63) ? DLOPS_EXACT_NINF : DLOPS_EXACT_PINF] += 1;
    return;
  }
  m |= (uint64_t)(ex != 0) << 52; /* the hidden bit of normal numbers */
  ex += (ex == 0);                /* subnormals and zeros have exponent 1 - 1075 */
  const uint32_t p = ex + (DLOPS_EXACT_BIAS - 1075), k = p >> 5, s = p & 31;
  const uint64_t sh = m << s; /* the low 64 bits of m 2^s */
  const int64_t neg = -(int64_t)(b >> 63); /* 0 or -1: x ^ neg - neg negates when v < 0 */
  const int64_t d0 = (int64_t)(sh & 0xffffffffu), d1 = (int64_t)(sh >> 32), d2 = (int64_t)((m >> 32) >> (32 - s));
  limb[k] += (d0 ^ neg) - neg;
  limb[k + 1] += (d1 ^ neg) - neg;
  limb[k + 2] += (d2 ^ neg) - neg;
}

#endif
