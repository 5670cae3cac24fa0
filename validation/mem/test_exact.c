/* Exact accumulators (csrc/mem/exact.h) and the memory tables' dot_exact/norm_exact kernels.
 * Serial (label unit mem); built from the mem sources themselves, whose symbols are hidden in
 * libdlops.
 *
 *  - to_double is correctly rounded: the sum of two doubles is the IEEE sum a + b (wide and
 *    near exponents, subnormals, overflow); the TwoSum error a + b - fl(a + b) comes back exact;
 *    short sums of narrow exponent range equal a long double reference that holds them exactly;
 *    explicit ties round to even; for long sums the exact remainder is at most half an ulp.
 *  - Cancellation (1e300 + 1 - 1e300 = 1, DBL_MAX terms that cancel), subnormals, overflow.
 *  - inf/NaN as IEEE summation: +inf, -inf, NaN, +inf and -inf -> NaN, through merges too.
 *  - Order and partition independence: shuffled orders and merged random partitions give
 *    bitwise equal normalised accumulators; merges of accumulators near their carry bound
 *    (self-merges doubling 40 times, an emulated MPI_SUM of 2^31 ranks) stay exact.
 *  - dot_exact/norm_exact, every dtype, through the host table and the emulated device table:
 *    equal to per-term dlops_exact_add, bitwise equal between host and emu (one kernel counted),
 *    a split of the range merged gives the same accumulator, and the value agrees with the
 *    table's ordinary dot/norm to rounding.
 */
#include <float.h>
#include <math.h>
#include <mpi.h>
#include <stdint.h>

#include "dlops_test.h"
#include "mem/exact.h"
#include "mem/mem.h"

/* ---------------------------------------------------------------- random numbers */
static uint64_t rng_state = 0x1234567887654321ULL;
static uint64_t rnd(void) {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
/* A random double with biased exponent field in [elo, ehi] (0 = subnormal/zero), random sign
 * and significand. */
static double rnd_double(int elo, int ehi) {
  uint64_t e = (uint64_t)(elo + (int)(rnd() % (uint64_t)(ehi - elo + 1)));
  uint64_t b = (rnd() & ((1ULL << 52) - 1)) | (e << 52) | (rnd() & (1ULL << 63));
  double v;
  memcpy(&v, &b, sizeof v);
  return v;
}
static uint64_t bits(double v) {
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  return b;
}
/* Bitwise equal, except that +0 and -0 count as equal (an exact zero converts to +0). */
static int same(double a, double b) { return bits(a) == bits(b) || (a == 0 && b == 0) || (isnan(a) && isnan(b)); }

static double sum_exact(const double *v, int n) {
  dlops_exact a;
  dlops_exact_zero(&a);
  for (int i = 0; i < n; i++) dlops_exact_add(&a, v[i]);
  return dlops_exact_to_double(&a);
}
static int acc_equal(const dlops_exact *a, const dlops_exact *b) {
  dlops_exact x = *a, y = *b;
  dlops_exact_normalize(&x);
  dlops_exact_normalize(&y);
  return !memcmp(&x, &y, sizeof x);
}

/* ---------------------------------------------------------------- rounding */
static void test_two_terms(void) {
  long bad = 0, badts = 0;
  for (int it = 0; it < 200000; it++) {
    double a, b;
    switch (it % 5) {
      case 0: a = rnd_double(0, 2046); b = rnd_double(0, 2046); break; /* anything */
      case 1: { /* near exponents: cancellation and carries */
        int e = (int)(rnd() % 2040) + 3;
        a = rnd_double(e, e + 2);
        b = rnd_double(e - 2, e);
        break;
      }
      case 2: a = rnd_double(0, 2); b = rnd_double(0, 2); break; /* subnormals */
      case 3: { /* 53..70 bits apart: ties and sticky bits */
        int e = (int)(rnd() % 1900) + 80;
        a = rnd_double(e, e);
        b = rnd_double(e - 70, e - 53);
        break;
      }
      default: a = rnd_double(2040, 2046); b = rnd_double(2040, 2046); break; /* overflow */
    }
    const double v[2] = {a, b};
    if (!same(sum_exact(v, 2), a + b) && bad++ < 5)
      fprintf(stderr, "  %a + %a: exact %a, IEEE %a\n", a, b, sum_exact(v, 2), a + b);
    const double s = a + b;
    if (isfinite(s)) { /* Knuth's TwoSum: a + b = s + e exactly */
      const double bb = s - a, e = (a - (s - bb)) + (b - bb);
      const double w[3] = {a, b, -s};
      if (!same(sum_exact(w, 3), e) && badts++ < 5) fprintf(stderr, "  twosum %a + %a - %a != %a\n", a, b, s, e);
    }
  }
  T_CHECK(bad == 0, "%ld sums of two doubles differ from the IEEE sum", bad);
  T_CHECK(badts == 0, "%ld TwoSum errors not exact", badts);
}

static void test_long_double_reference(void) {
  if (LDBL_MANT_DIG < 64) {
    printf("long double has %d bits: reference check skipped\n", LDBL_MANT_DIG);
    return;
  }
  long bad = 0;
  for (int it = 0; it < 100000; it++) {
    /* up to 8 terms whose exponents span 6 binades: every partial sum fits 62 bits, so the long
     * double sum is exact and its conversion to double is the correctly rounded sum */
    const int n = 2 + (int)(rnd() % 7), e = 1 + (int)(rnd() % 2035);
    double v[8];
    long double ref = 0;
    for (int i = 0; i < n; i++) {
      v[i] = rnd_double(e, e + 6);
      ref += v[i];
    }
    const double want = (double)ref, got = sum_exact(v, n);
    if (!same(got, want) && bad++ < 5) fprintf(stderr, "  %d terms near 2^%d: exact %a, reference %a\n", n, e - 1023, got, want);
  }
  T_CHECK(bad == 0, "%ld short sums differ from the long double reference", bad);
}

static void test_ties_and_specials(void) {
  const double u = ldexp(1.0, -53), tiny = ldexp(1.0, -1074);
  struct {
    double v[4];
    int n;
    double want;
  } c[] = {
      {{1.0, u}, 2, 1.0},                                    /* tie, even below */
      {{1.0, u, tiny}, 3, 1.0 + 2 * u},                      /* just above the tie */
      {{1.0 + 2 * u, u}, 2, 1.0 + 4 * u},                    /* tie, odd below: up */
      {{1.0, u, -tiny}, 3, 1.0},                             /* just below the tie */
      {{1e300, 1.0, -1e300}, 3, 1.0},                        /* cancellation */
      {{DBL_MAX, DBL_MAX, -DBL_MAX}, 3, DBL_MAX},           /* past the range in between */
      {{DBL_MAX, ldexp(1.0, 970)}, 2, INFINITY},             /* overflow: the tie at 2^1024 */
      {{DBL_MAX, ldexp(1.0, 969)}, 2, DBL_MAX},              /* below the tie */
      {{-DBL_MAX, -DBL_MAX}, 2, -INFINITY},                  /* negative overflow */
      {{tiny, tiny, tiny}, 3, 3 * tiny},                     /* subnormals */
      {{DBL_MIN, -tiny}, 2, DBL_MIN - tiny},                 /* largest subnormal */
      {{-tiny, 0.0}, 2, -tiny},                              /* negative subnormal */
      {{0.0, -0.0}, 2, 0.0},                                 /* zero */
      {{1e-300, DBL_MAX, -DBL_MAX}, 3, 1e-300},              /* tiny under huge */
      {{-1.0, u / 2}, 2, -1.0 + u / 2},                      /* exact in the binade below */
      {{-1.0, u / 4}, 2, -1.0},                              /* tie below -1: even */
  };
  for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
    const double got = sum_exact(c[k].v, c[k].n);
    T_CHECK(same(got, c[k].want) && signbit(got) == signbit(c[k].want), "case %zu: %a, want %a", k, got, c[k].want);
  }
  /* exact zero is +0.0 */
  const double z[2] = {-0.0, -0.0};
  T_CHECK(bits(sum_exact(z, 2)) == 0, "sum of -0 terms is %a, want +0", sum_exact(z, 2));
  /* 2^20 x DBL_MAX, then all but one taken away: DBL_MAX again (headroom) */
  dlops_exact a;
  dlops_exact_zero(&a);
  for (int i = 0; i < (1 << 20); i++) dlops_exact_add(&a, DBL_MAX);
  T_CHECK(dlops_exact_to_double(&a) == INFINITY, "2^20 DBL_MAX: %a", dlops_exact_to_double(&a));
  for (int i = 0; i < (1 << 20) - 1; i++) dlops_exact_add(&a, -DBL_MAX);
  dlops_exact_add(&a, tiny);
  T_CHECK(dlops_exact_to_double(&a) == DBL_MAX, "DBL_MAX after cancellation: %a", dlops_exact_to_double(&a));
  dlops_exact_add(&a, -DBL_MAX);
  T_CHECK(dlops_exact_to_double(&a) == tiny, "tiny after cancellation: %a", dlops_exact_to_double(&a));
}

static void test_nonfinite(void) {
  const double nan = NAN, inf = INFINITY;
  struct {
    double v[3];
    int n;
    double want;
  } c[] = {
      {{1.0, inf}, 2, inf},      {{1.0, -inf}, 2, -inf},     {{inf, -inf}, 2, nan}, {{nan, 1.0}, 2, nan},
      {{inf, inf, 2.0}, 3, inf}, {{-inf, nan, -inf}, 3, nan}, {{DBL_MAX, DBL_MAX, -inf}, 3, -inf},
  };
  for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
    const double got = sum_exact(c[k].v, c[k].n);
    T_CHECK(same(got, c[k].want), "non-finite case %zu: %a, want %a", k, got, c[k].want);
  }
  /* flags merge: +inf on one accumulator, -inf on another */
  dlops_exact a, b;
  dlops_exact_zero(&a);
  dlops_exact_zero(&b);
  dlops_exact_add(&a, inf);
  dlops_exact_add(&b, 5.0);
  dlops_exact_merge(&b, &a);
  T_CHECK(dlops_exact_to_double(&b) == inf, "merged +inf: %a", dlops_exact_to_double(&b));
  dlops_exact_zero(&a);
  dlops_exact_add(&a, -inf);
  dlops_exact_merge(&b, &a);
  T_CHECK(isnan(dlops_exact_to_double(&b)), "merged +inf and -inf: %a", dlops_exact_to_double(&b));
}

/* ---------------------------------------------------------------- order and partitions */
static void test_order_and_partitions(void) {
  enum { N = 20000 };
  double *v = malloc(sizeof(double) * N);
  for (int round = 0; round < 6; round++) {
    for (int i = 0; i < N; i++) {
      switch (round) {
        case 0: v[i] = rnd_double(0, 2046); break;                         /* the whole range */
        case 1: v[i] = rnd_double(900, 1100); break;                       /* moderate */
        case 2: v[i] = rnd_double(0, 3); break;                            /* subnormals */
        case 3: v[i] = i % 2 ? -v[i - 1] * (1 + ldexp(1.0, -52)) : rnd_double(1000, 1050); break; /* cancelling pairs */
        case 4: v[i] = rnd_double(1020, 1025) + (i % 3 ? 0.0 : 1e-300); break;
        default: v[i] = rnd_double(2000, 2046); break;                     /* huge: sum overflows */
      }
    }
    dlops_exact ref;
    dlops_exact_zero(&ref);
    for (int i = 0; i < N; i++) dlops_exact_add(&ref, v[i]);
    dlops_exact_normalize(&ref);
    /* reversed */
    dlops_exact a;
    dlops_exact_zero(&a);
    for (int i = N - 1; i >= 0; i--) dlops_exact_add(&a, v[i]);
    T_CHECK(acc_equal(&a, &ref), "round %d: the reversed order gives another accumulator", round);
    /* shuffled */
    double *w = malloc(sizeof(double) * N);
    memcpy(w, v, sizeof(double) * N);
    for (int i = N - 1; i > 0; i--) {
      int j = (int)(rnd() % (uint64_t)(i + 1));
      double t = w[i];
      w[i] = w[j];
      w[j] = t;
    }
    dlops_exact_zero(&a);
    for (int i = 0; i < N; i++) dlops_exact_add(&a, w[i]);
    T_CHECK(acc_equal(&a, &ref), "round %d: a shuffled order gives another accumulator", round);
    T_CHECK(same(dlops_exact_to_double(&a), dlops_exact_to_double(&ref)), "round %d: to_double differs", round);
    /* random partitions into P parts ("ranks"), normalised, merged in a random order and as an
     * MPI_SUM would (limb-wise int64 sums) */
    for (int P = 2; P <= 7; P++) {
      dlops_exact part[7], msum;
      for (int p = 0; p < P; p++) dlops_exact_zero(&part[p]);
      for (int i = 0; i < N; i++) dlops_exact_add(&part[(int)(rnd() % (uint64_t)P)], w[i]);
      dlops_exact_zero(&msum);
      for (int p = 0; p < P; p++) {
        dlops_exact_normalize(&part[p]);
        for (int k = 0; k < DLOPS_EXACT_LIMBS; k++) msum.limb[k] += part[p].limb[k];
      }
      T_CHECK(acc_equal(&msum, &ref), "round %d: limb-wise sum of %d parts differs", round, P);
      dlops_exact_zero(&a);
      for (int p = P - 1; p >= 0; p--) dlops_exact_merge(&a, &part[p]);
      T_CHECK(acc_equal(&a, &ref), "round %d: merge of %d parts differs", round, P);
    }
    /* the rounded result is within half an ulp of the exact sum (checked exactly: the sign of
     * S - R -+ ulp/2) */
    const double R = dlops_exact_to_double(&ref);
    if (isfinite(R) && R != 0) {
      int e;
      frexp(R, &e);
      const double hu = ldexp(1.0, (e - 53 < -1074 ? -1074 : e - 53) - 1); /* half an ulp of R */
      dlops_exact lo = ref, hi = ref;
      dlops_exact_add(&lo, -R);
      dlops_exact_add(&lo, hu); /* S - R + h >= 0 */
      dlops_exact_add(&hi, -R);
      dlops_exact_add(&hi, -hu); /* S - R - h <= 0 */
      const double l = dlops_exact_to_double(&lo), h = dlops_exact_to_double(&hi);
      T_CHECK(l >= 0 && h <= 0, "round %d: the result %a is more than half an ulp off (%a, %a)", round, R, l, h);
      /* and, where the range is moderate, close to a long double sum */
      if (round == 1) {
        long double s = 0, sa = 0;
        for (int i = 0; i < N; i++) {
          s += v[i];
          sa += fabsl((long double)v[i]);
        }
        T_CHECK(fabsl(s - R) <= 1e-15L * sa, "round 1: %a vs long double %a", R, (double)s);
      }
    }
    free(w);
  }
  free(v);
}

static void test_carry_bounds(void) {
  /* self-merges: the bound doubles each time and passes 2^30, so merge normalises first */
  dlops_exact a, b;
  dlops_exact_zero(&a);
  const double vals[3] = {1.5, -ldexp(1.0, -1074), ldexp(1.0, 1000)};
  for (int i = 0; i < 3; i++) dlops_exact_add(&a, vals[i]);
  dlops_exact_normalize(&a);
  dlops_exact s = a;
  for (int i = 0; i < 40; i++) {
    b = s;
    dlops_exact_merge(&s, &b);
  }
  /* s = 2^40 (1.5 + 2^1000 - 2^-1074) */
  dlops_exact c = s;
  for (int i = 0; i < (1 << 17); i++) dlops_exact_add(&c, -ldexp(1.0, 1023)); /* 2^1040 */
  dlops_exact_add(&c, -ldexp(1.5, 40));
  T_CHECK(dlops_exact_to_double(&c) == -ldexp(1.0, -1034), "2^40 self-merges: remainder %a, want -2^-1034",
          dlops_exact_to_double(&c));
  /* an emulated MPI_SUM of 2^31 ranks holding the largest canonical digits: no overflow */
  dlops_exact z;
  dlops_exact_zero(&z);
  for (int k = 0; k < 60; k++) z.limb[k] = 0xffffffffLL;
  z.limb[DLOPS_EXACT_UNITS] = 1;
  T_CHECK(dlops_exact_to_double(&z) == ldexp(1.0, 60 * 32 - 1088), "all-ones digits: %a", dlops_exact_to_double(&z));
  for (int k = 0; k < DLOPS_EXACT_LIMBS; k++) z.limb[k] *= INT64_C(1) << 31;
  T_CHECK(dlops_exact_to_double(&z) == ldexp(1.0, 60 * 32 - 1088 + 31), "2^31 ranks: %a", dlops_exact_to_double(&z));
  /* z = 2^863 - 2^-1057; adds normalise first (the bound is 2^31 units) */
  dlops_exact_add(&z, 1.0);
  dlops_exact_add(&z, -ldexp(1.0, 60 * 32 - 1088 + 31));
  dlops_exact_add(&z, -1.0);
  T_CHECK(dlops_exact_to_double(&z) == -ldexp(1.0, -1057), "2^31 ranks minus the top: %a, want -2^-1057",
          dlops_exact_to_double(&z));
}

/* ---------------------------------------------------------------- memory-table kernels */
static const dlops_dtype types[4] = {DLOPS_F32, DLOPS_F64, DLOPS_C64, DLOPS_C128};
static const char *tname[4] = {"f32", "f64", "c64", "c128"};

static void loadv(const void *p, dlops_dtype t, int64_t i, double *re, double *im) {
  switch (t) {
    case DLOPS_F32: *re = ((const float *)p)[i]; *im = 0; break;
    case DLOPS_F64: *re = ((const double *)p)[i]; *im = 0; break;
    case DLOPS_C64: *re = ((const float *)p)[2 * i]; *im = ((const float *)p)[2 * i + 1]; break;
    default: *re = ((const double *)p)[2 * i]; *im = ((const double *)p)[2 * i + 1]; break;
  }
}

/* Random data of dtype t, n elements: values of moderate spread, some exact zeros. */
static void *make(dlops_dtype t, int64_t n, double scale) {
  const int c = t == DLOPS_C64 || t == DLOPS_C128;
  const size_t es = dlops_dtype_size(t);
  void *p = malloc(es * (size_t)(n ? n : 1));
  for (int64_t i = 0; i < n * (c ? 2 : 1); i++) {
    double v = (rnd() % 17 == 0) ? 0.0 : ldexp((double)(int64_t)(rnd() >> 11) / 9007199254740992.0 - 0.5, (int)(rnd() % 21) - 10) * scale;
    if (t == DLOPS_F32 || t == DLOPS_C64)
      ((float *)p)[i] = (float)v;
    else
      ((double *)p)[i] = v;
  }
  return p;
}

/* Copy n elements to the emulated device. */
static void *to_dev(dlops_mem *m, const void *h, size_t bytes) {
  void *d = NULL;
  if (m->ops->alloc(m, bytes, &d)) return NULL;
  if (bytes) m->ops->copy(m, d, DLOPS_MEM_DEVICE, h, DLOPS_MEM_HOST, bytes, 0);
  return d;
}

static void check_kernels(dlops_mem *mh, dlops_mem *me, int ti, int64_t n) {
  const dlops_dtype t = types[ti];
  const int c = t == DLOPS_C64 || t == DLOPS_C128;
  const size_t bytes = (size_t)n * dlops_dtype_size(t);
  void *x = make(t, n, 1.0), *y = make(t, n, 1e3);
  for (int conj = 0; conj <= c; conj++) {
    /* reference: per-term adds */
    dlops_exact rr, ri;
    dlops_exact_zero(&rr);
    dlops_exact_zero(&ri);
    double mag = 0;
    for (int64_t i = 0; i < n; i++) {
      double xr, xi, yr, yi;
      loadv(x, t, i, &xr, &xi);
      loadv(y, t, i, &yr, &yi);
      if (conj) xi = -xi;
      dlops_exact_add(&rr, xr * yr);
      if (c) {
        dlops_exact_add(&rr, -(xi * yi));
        dlops_exact_add(&ri, xr * yi);
        dlops_exact_add(&ri, xi * yr);
      }
      mag += fabs(xr * yr) + fabs(xi * yi) + fabs(xr * yi) + fabs(xi * yr);
    }
    dlops_exact hr, hi;
    T_CALL(mh->ops->dot_exact(mh, x, y, n, t, conj, &hr, &hi));
    T_CHECK(acc_equal(&hr, &rr) && acc_equal(&hi, &ri), "%s n=%lld conj=%d: host dot_exact differs from per-term adds",
            tname[ti], (long long)n, conj);
    dlops_exact hn = hr;
    dlops_exact_normalize(&hn);
    T_CHECK(!memcmp(&hn, &hr, sizeof hr), "%s: dot_exact result not normalised", tname[ti]);
    /* a split of the range, merged: the same accumulator */
    const int64_t k = n / 3;
    const size_t off = (size_t)k * dlops_dtype_size(t);
    dlops_exact p1r, p1i, p2r, p2i;
    T_CALL(mh->ops->dot_exact(mh, x, y, k, t, conj, &p1r, &p1i));
    T_CALL(mh->ops->dot_exact(mh, (char *)x + off, (char *)y + off, n - k, t, conj, &p2r, &p2i));
    dlops_exact_merge(&p1r, &p2r);
    dlops_exact_merge(&p1i, &p2i);
    T_CHECK(acc_equal(&p1r, &hr) && acc_equal(&p1i, &hi), "%s n=%lld: split at %lld merged differs", tname[ti],
            (long long)n, (long long)k);
    /* the ordinary dot agrees to rounding */
    double d[2];
    T_CALL(mh->ops->dot(mh, t, n, x, y, conj, d));
    const double er = dlops_exact_to_double(&hr), ei = dlops_exact_to_double(&hi);
    const double tol = 1e-13 * mag + 1e-300;
    T_CHECK(fabs(er - d[0]) <= tol && fabs(ei - (c ? d[1] : 0.0)) <= tol, "%s n=%lld conj=%d: exact (%.17g, %.17g), dot (%.17g, %.17g)",
            tname[ti], (long long)n, conj, er, ei, d[0], d[1]);
#ifdef DLOPS_HAVE_EMU
    /* the emulated device: the same bits, one kernel */
    void *dx = to_dev(me, x, bytes), *dy = to_dev(me, y, bytes), *dre = NULL, *dim = NULL;
    T_CALL(me->ops->alloc(me, sizeof(dlops_exact), &dre));
    T_CALL(me->ops->alloc(me, sizeof(dlops_exact), &dim));
    const int64_t k0 = me->cnt.kernels;
    T_CALL(me->ops->dot_exact(me, dx, dy, n, t, conj, dre, c ? dim : NULL));
    T_CHECK(me->cnt.kernels == k0 + 1, "emu dot_exact counted %lld kernels", (long long)(me->cnt.kernels - k0));
    dlops_exact er_, ei_;
    dlops_exact_zero(&ei_);
    me->ops->copy(me, &er_, DLOPS_MEM_HOST, dre, DLOPS_MEM_DEVICE, sizeof er_, 0);
    if (c) me->ops->copy(me, &ei_, DLOPS_MEM_HOST, dim, DLOPS_MEM_DEVICE, sizeof ei_, 0);
    T_CHECK(!memcmp(&er_, &hr, sizeof hr) && (!c || !memcmp(&ei_, &hi, sizeof hi)), "%s n=%lld conj=%d: emu differs from host",
            tname[ti], (long long)n, conj);
    me->ops->free(me, dx);
    me->ops->free(me, dy);
    me->ops->free(me, dre);
    me->ops->free(me, dim);
#else
    (void)me;
    (void)bytes;
#endif
  }
  /* norms */
  const double ords[5] = {2.0, 1.0, 0.0, 3.0, 0.5};
  for (int o = 0; o < 5; o++) {
    const double ord = ords[o];
    dlops_exact ref;
    dlops_exact_zero(&ref);
    double mag = 0;
    for (int64_t i = 0; i < n; i++) {
      double re, im;
      loadv(x, t, i, &re, &im);
      const double a = im == 0.0 ? fabs(re) : hypot(re, im);
      double term;
      if (ord == 2.0) {
        dlops_exact_add(&ref, re * re);
        dlops_exact_add(&ref, im * im);
        term = a * a;
      } else {
        term = ord == 0.0 ? (re != 0.0 || im != 0.0) : ord == 1.0 ? a : pow(a, ord);
        dlops_exact_add(&ref, term);
      }
      mag += term;
    }
    dlops_exact h;
    T_CALL(mh->ops->norm_exact(mh, x, n, t, ord, &h));
    T_CHECK(acc_equal(&h, &ref), "%s n=%lld ord=%g: host norm_exact differs from per-term adds", tname[ti], (long long)n, ord);
    double nv;
    T_CALL(mh->ops->norm(mh, t, n, x, ord, &nv));
    const double ev = dlops_exact_to_double(&h);
    T_CHECK(fabs(ev - nv) <= 1e-13 * mag, "%s n=%lld ord=%g: exact %.17g, norm %.17g", tname[ti], (long long)n, ord, ev, nv);
#ifdef DLOPS_HAVE_EMU
    void *dx = to_dev(me, x, bytes), *dacc = NULL;
    T_CALL(me->ops->alloc(me, sizeof(dlops_exact), &dacc));
    const int64_t k0 = me->cnt.kernels;
    T_CALL(me->ops->norm_exact(me, dx, n, t, ord, dacc));
    T_CHECK(me->cnt.kernels == k0 + 1, "emu norm_exact counted %lld kernels", (long long)(me->cnt.kernels - k0));
    dlops_exact e;
    me->ops->copy(me, &e, DLOPS_MEM_HOST, dacc, DLOPS_MEM_DEVICE, sizeof e, 0);
    T_CHECK(!memcmp(&e, &h, sizeof h), "%s n=%lld ord=%g: emu norm_exact differs from host", tname[ti], (long long)n, ord);
    me->ops->free(me, dx);
    me->ops->free(me, dacc);
#endif
  }
  free(x);
  free(y);
}

static void test_kernels(void) {
  dlops_mem *mh = NULL, *me = NULL;
  T_REQUIRE(dlops_mem_create(NULL, &dlops_mem_host_ops, &mh));
#ifdef DLOPS_HAVE_EMU
  T_REQUIRE(dlops_mem_create(NULL, &dlops_mem_emu_ops, &me));
#endif
  const int64_t ns[6] = {0, 1, 2, 7, 1000, 33333};
  for (int ti = 0; ti < 4; ti++)
    for (int k = 0; k < 6; k++) check_kernels(mh, me, ti, ns[k]);
  /* more than one chunk of 2^20 elements (the kernels fold their partial accumulators) */
  check_kernels(mh, me, 1, (INT64_C(1) << 20) * 2 + 77);
  check_kernels(mh, me, 3, (INT64_C(1) << 20) + 5);
  /* the whole exponent range (every bin of the long kernels), then with an inf among them */
  {
    const int64_t nw = 9000;
    double *wx = malloc(sizeof(double) * nw), *wy = malloc(sizeof(double) * nw);
    dlops_exact ref, got;
    dlops_exact_zero(&ref);
    for (int64_t i = 0; i < nw; i++) {
      wx[i] = rnd_double(0, 2046);
      wy[i] = i % 3 ? 1.0 : -0.5;
      dlops_exact_add(&ref, wx[i] * wy[i]);
    }
    T_CALL(mh->ops->dot_exact(mh, wx, wy, nw, DLOPS_F64, 0, &got, NULL));
    T_CHECK(acc_equal(&got, &ref), "full exponent range: dot_exact differs from per-term adds");
    wx[4321] = -INFINITY;
    dlops_exact_add(&ref, -INFINITY);
    T_CALL(mh->ops->dot_exact(mh, wx, wy, nw, DLOPS_F64, 0, &got, NULL));
    T_CHECK(dlops_exact_to_double(&got) == -INFINITY, "full range with -inf: %a", dlops_exact_to_double(&got));
    T_CALL(mh->ops->norm_exact(mh, wx, nw, DLOPS_F64, 2.0, &got));
    T_CHECK(dlops_exact_to_double(&got) == INFINITY, "2-norm with -inf: %a", dlops_exact_to_double(&got));
    free(wx);
    free(wy);
  }
  /* non-finite elements */
  double x[4] = {1.0, INFINITY, 2.0, 3.0}, y[4] = {1.0, 1.0, NAN, 1.0};
  dlops_exact a, b;
  T_CALL(mh->ops->dot_exact(mh, x, x, 4, DLOPS_F64, 0, &a, NULL));
  T_CHECK(dlops_exact_to_double(&a) == INFINITY, "dot with inf: %a", dlops_exact_to_double(&a));
  T_CALL(mh->ops->dot_exact(mh, x, y, 4, DLOPS_F64, 0, &a, &b));
  T_CHECK(isnan(dlops_exact_to_double(&a)) && dlops_exact_to_double(&b) == 0, "dot with NaN: %a, im %a",
          dlops_exact_to_double(&a), dlops_exact_to_double(&b));
  T_CALL(mh->ops->norm_exact(mh, y, 4, DLOPS_F64, 1.0, &a));
  T_CHECK(isnan(dlops_exact_to_double(&a)), "1-norm with NaN: %a", dlops_exact_to_double(&a));
  /* max/min norms are no sums */
  T_EXPECT_ERR(mh->ops->norm_exact(mh, x, 4, DLOPS_F64, INFINITY, &a), DLOPS_ERR_ARG);
  T_EXPECT_ERR(mh->ops->norm_exact(mh, x, 4, DLOPS_F64, -INFINITY, &a), DLOPS_ERR_ARG);
  dlops_mem_destroy(&mh);
  if (me) dlops_mem_destroy(&me);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  test_two_terms();
  test_long_double_reference();
  test_ties_and_specials();
  test_nonfinite();
  test_order_and_partitions();
  test_carry_bounds();
  test_kernels();
  printf("checks: %ld passed, %ld failed\n", dlops_test_pass_, dlops_test_fail_);
  MPI_Finalize();
  return dlops_test_fail_ ? 1 : 0;
}
