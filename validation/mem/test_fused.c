/* Fused solver vector kernels of the memory spaces (issue 11): the step kernel (y = a p + y, then
 * p = r + b p, one pass) gives the same bits as the two axpby passes it replaces (a NaN's
 * payload aside), for every
 * dtype, real and complex coefficients, special values (inf, NaN, signed zeros, coefficients 0 and
 * 1), lengths around vector widths, on the host and on the emulated device; nothing outside the n
 * elements is written. Serial; built from the mem sources (their symbols are hidden in libdlops). */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dlops_test.h"
#include "mem/mem.h"

static uint64_t rng = 0x1234abcd9876ULL;
static double rnd01(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (double)(rng >> 11) / 9007199254740992.0;
}

static const dlops_dtype types[4] = {DLOPS_F32, DLOPS_F64, DLOPS_C64, DLOPS_C128};

/* n elements of t (with 8 guard elements after them) filled with values, some special */
static void *make(dlops_dtype t, int64_t n, int special) {
  const int c = t == DLOPS_C64 || t == DLOPS_C128, sgl = t == DLOPS_F32 || t == DLOPS_C64;
  const int64_t nr = (c ? 2 : 1) * (n + 8);
  void *p = malloc((size_t)nr * (sgl ? 4 : 8));
  for (int64_t i = 0; i < nr; i++) {
    double v = 4.0 * rnd01() - 2.0;
    if (special && i % 17 == 3) v = INFINITY;
    if (special && i % 19 == 5) v = NAN;
    if (special && i % 23 == 7) v = -0.0;
    if (sgl)
      ((float *)p)[i] = (float)v;
    else
      ((double *)p)[i] = v;
  }
  return p;
}

/* Equal bit for bit, except that two NaNs match whatever their sign and payload (which operand
 * a NaN comes from depends on how the compiler ordered a commutative operation). */
static int same(dlops_dtype t, const void *x, const void *y, size_t bytes) {
  if (t == DLOPS_F32 || t == DLOPS_C64) {
    const float *a = x, *b = y;
    for (size_t i = 0; i < bytes / 4; i++)
      if (memcmp(&a[i], &b[i], 4) && !(isnan(a[i]) && isnan(b[i]))) return 0;
  } else {
    const double *a = x, *b = y;
    for (size_t i = 0; i < bytes / 8; i++)
      if (memcmp(&a[i], &b[i], 8) && !(isnan(a[i]) && isnan(b[i]))) return 0;
  }
  return 1;
}

static void check(dlops_mem *mh, dlops_mem *me, dlops_dtype t, int64_t n, dlops_scalar a, dlops_scalar b, int special) {
  const size_t bytes = (size_t)(n + 8) * dlops_dtype_size(t);
  void *p = make(t, n, special), *y = make(t, n, special), *r = make(t, n, special);
  void *p2 = malloc(bytes), *y2 = malloc(bytes), *p3 = malloc(bytes), *y3 = malloc(bytes);
  memcpy(p2, p, bytes), memcpy(y2, y, bytes);
  memcpy(p3, p, bytes), memcpy(y3, y, bytes);
  /* the reference: the two passes */
  T_CALL(mh->ops->axpby(mh, t, n, a, p, (dlops_scalar){1.0, 0.0}, y));
  T_CALL(mh->ops->axpby(mh, t, n, (dlops_scalar){1.0, 0.0}, r, b, p));
  T_CALL(mh->ops->step(mh, t, n, a, p2, y2, r, b));
  T_CHECK(same(t, p, p2, bytes) && same(t, y, y2, bytes),
          "step %s n %lld a (%g,%g) b (%g,%g)%s: not the bits of the two axpby passes (or wrote past n)",
          dlops_dtype_name(t), (long long)n, a.re, a.im, b.re, b.im, special ? " special values" : "");
  if (me) {
    void *dp = NULL, *dy = NULL, *dr = NULL;
    T_CALL(me->ops->alloc(me, bytes, &dp));
    T_CALL(me->ops->alloc(me, bytes, &dy));
    T_CALL(me->ops->alloc(me, bytes, &dr));
    T_CALL(me->ops->copy(me, dp, DLOPS_MEM_DEVICE, p3, DLOPS_MEM_HOST, bytes, 0));
    T_CALL(me->ops->copy(me, dy, DLOPS_MEM_DEVICE, y3, DLOPS_MEM_HOST, bytes, 0));
    T_CALL(me->ops->copy(me, dr, DLOPS_MEM_DEVICE, r, DLOPS_MEM_HOST, bytes, 0));
    T_CALL(me->ops->step(me, t, n, a, dp, dy, dr, b));
    T_CALL(me->ops->copy(me, p3, DLOPS_MEM_HOST, dp, DLOPS_MEM_DEVICE, bytes, 0));
    T_CALL(me->ops->copy(me, y3, DLOPS_MEM_HOST, dy, DLOPS_MEM_DEVICE, bytes, 0));
    T_CHECK(same(t, p, p3, bytes) && same(t, y, y3, bytes), "step %s n %lld: emulated device differs from host",
            dlops_dtype_name(t), (long long)n);
    me->ops->free(me, dp);
    me->ops->free(me, dy);
    me->ops->free(me, dr);
  }
  free(p), free(y), free(r), free(p2), free(y2), free(p3), free(y3);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  dlops_mem *mh = NULL, *me = NULL;
  T_REQUIRE(dlops_mem_create(NULL, &dlops_mem_host_ops, &mh));
#ifdef DLOPS_HAVE_EMU
  T_REQUIRE(dlops_mem_create(NULL, &dlops_mem_emu_ops, &me));
#endif
  T_CHECK(mh->ops->step != NULL, "the host memory space has a step kernel");
  const int64_t lens[] = {0, 1, 3, 7, 8, 9, 31, 64, 1000, 4099};
  const dlops_scalar coefs[] = {{0.37, 0.0}, {-1.25, 0.0}, {1.0, 0.0}, {0.0, 0.0}, {-0.0, 0.0}, {0.5, -0.75}};
  for (int ti = 0; ti < 4; ti++) {
    const int c = types[ti] == DLOPS_C64 || types[ti] == DLOPS_C128;
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
      for (size_t ai = 0; ai < sizeof coefs / sizeof coefs[0]; ai++)
        for (size_t bi = 0; bi < sizeof coefs / sizeof coefs[0]; bi++) {
          dlops_scalar a = coefs[ai], b = coefs[bi];
          if (!c) a.im = b.im = 0.0; /* real arrays take real coefficients (the darray layer checks) */
          check(mh, me, types[ti], lens[li], a, b, (int)((li + ai + bi) % 2));
        }
  }
  dlops_mem_destroy(&mh);
  if (me) dlops_mem_destroy(&me);
  printf("checks: %ld passed, %ld failed\n", dlops_test_pass_, dlops_test_fail_);
  MPI_Finalize();
  return dlops_test_fail_ ? 1 : 0;
}
