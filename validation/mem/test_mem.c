/* Memory spaces on the emulated device (spec mem=emu, label emu).
 *
 *  - The emulated device's memory faults when the host reads it outside the table's kernels.
 *  - get_local: the device pointer; a host borrow is a synchronised copy, written back at
 *    restore; a read-only borrow is not written back.
 *  - Memory counters: kernels, host<->device copies (one per reduction, one per borrow), and the
 *    staging of messages by the communication layer (counted apart, bytes equal to the
 *    messages).
 *  - Element maps and random fills give the same values in host and device memory, and the same
 *    global array at every rank count.
 *  - Bad input, each on every rank with one code and one message: host and device arrays mixed
 *    in one call; an operator given arrays of a space it does not work on; a composition of
 *    local operators of another space.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <signal.h>

#include "dlops_test.h"

static int P, me;

/* ---------------------------------------------------------------- faults */
static sigjmp_buf jump;
static volatile sig_atomic_t faulted;
static void on_fault(int sig) {
  (void)sig;
  faulted = 1;
  siglongjmp(jump, 1);
}
/* 1 if reading *p faults (SIGSEGV or SIGBUS), 0 if it reads. */
static int read_faults(const volatile double *p) {
  struct sigaction sa, old_segv, old_bus;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fault;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &old_segv);
  sigaction(SIGBUS, &sa, &old_bus);
  faulted = 0;
  if (!sigsetjmp(jump, 1)) {
    volatile double v = *p;
    (void)v;
  }
  sigaction(SIGSEGV, &old_segv, NULL);
  sigaction(SIGBUS, &old_bus, NULL);
  return faulted;
}

static dlops_mem_counter mc(dlops_ctx ctx) {
  dlops_mem_counter c;
  T_CALL(dlops_ctx_get_mem_counter(ctx, &c));
  return c;
}

static void test_space_and_faults(dlops_ctx ctx) {
  dlops_memspace m = DLOPS_MEM_HOST;
  T_CALL(dlops_ctx_get_memspace(ctx, &m));
  T_CHECK(m == DLOPS_MEM_DEVICE, "an emu context reports memory space %d, want DLOPS_MEM_DEVICE", (int)m);
  const char *spec = NULL;
  T_CALL(dlops_ctx_get_spec(ctx, &spec));
  T_CHECK(spec && strstr(spec, "mem=emu"), "spec \"%s\"", spec ? spec : "");
  int64_t n = 5 * P + 2;
  dlops_darray x = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &x));
  T_CALL(dlops_darray_get_memspace(x, &m));
  T_CHECK(m == DLOPS_MEM_DEVICE, "array memory space %d", (int)m);
  int64_t nl = 0;
  T_CALL(dlops_darray_get_local_size(x, &nl));
  void *p = NULL;
  T_CALL(dlops_darray_get_local(x, DLOPS_MEM_DEVICE, &p));
  T_CHECK(p != NULL, "null device pointer");
  if (p && nl > 0) T_CHECK(read_faults(p), "a host read of emulated device memory did not fault");
  T_CALL(dlops_darray_restore_local(x, &p));
  /* the host copy does not fault, and its values are the device's */
  T_CALL(dlops_darray_fill(x, (dlops_scalar){3.0, 0.0}));
  T_CALL(dlops_darray_get_local(x, DLOPS_MEM_HOST, &p));
  if (nl > 0) {
    T_CHECK(!read_faults(p), "the host copy faulted");
    T_CHECK(((double *)p)[nl - 1] == 3.0, "host copy holds %g, want 3", ((double *)p)[nl - 1]);
  }
  dlops_darray_destroy(&x);
}

/* ---------------------------------------------------------------- borrows and counters */
static void test_borrows(dlops_ctx ctx) {
  int64_t n = 4 * P + 1, nl = 0;
  dlops_darray x = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &x));
  T_CALL(dlops_darray_get_local_size(x, &nl));
  const int64_t b = nl * 8, one = nl > 0;
  T_CALL(dlops_ctx_reset_counters(ctx));
  T_CALL(dlops_darray_fill(x, (dlops_scalar){1.0, 0.0}));
  dlops_mem_counter c = mc(ctx);
  T_CHECK(c.kernels == 1 && c.h2d == 0 && c.d2h == 0, "fill: %lld kernels, %lld h2d, %lld d2h", (long long)c.kernels,
          (long long)c.h2d, (long long)c.d2h);
  /* read-write host borrow: one copy each way */
  void *p = NULL;
  static const double sentinel = 1.0;
  T_CALL(dlops_darray_get_local(x, DLOPS_MEM_HOST, &p));
  for (int64_t i = 0; i < nl; i++) ((double *)p)[i] = 10.0 * me + (double)i;
  T_CALL(dlops_darray_restore_local(x, &p));
  c = mc(ctx);
  T_CHECK(c.d2h == one && c.h2d == one && c.d2h_bytes == b && c.h2d_bytes == b,
          "get_local/restore: %lld/%lld d2h, %lld/%lld h2d (bytes), want %lld of %lld each", (long long)c.d2h,
          (long long)c.d2h_bytes, (long long)c.h2d, (long long)c.h2d_bytes, (long long)one, (long long)b);
  /* read-only borrow: copied to the host, never back */
  const void *q = NULL;
  T_CALL(dlops_darray_get_local_read(x, DLOPS_MEM_HOST, &q));
  int ok = 1;
  for (int64_t i = 0; i < nl; i++) ok &= ((const double *)q)[i] == 10.0 * me + (double)i;
  T_CHECK(ok, "the written block did not reach the device");
  if (nl > 0) ((double *)q)[0] = -1.0; /* lost: read-only borrow */
  T_CALL(dlops_darray_restore_local_read(x, &q));
  c = mc(ctx);
  T_CHECK(c.d2h == 2 * one && c.h2d == one, "get_local_read/restore: %lld d2h, %lld h2d", (long long)c.d2h,
          (long long)c.h2d);
  T_CALL(dlops_darray_get_local_read(x, DLOPS_MEM_HOST, &q));
  if (nl > 0) T_CHECK(((const double *)q)[0] == 10.0 * me, "a read-only borrow was written back");
  T_CALL(dlops_darray_restore_local_read(x, &q));
  /* borrow state: one at a time, returned by the matching restore; a failed borrow leaves the
   * caller's pointer alone; dlops touches no borrowed block (an apply included) */
  T_CALL(dlops_darray_get_local(x, DLOPS_MEM_DEVICE, &p));
  q = (const void *)&sentinel;
  T_EXPECT_ERR(dlops_darray_get_local_read(x, DLOPS_MEM_HOST, &q), DLOPS_ERR_STATE);
  T_CHECK(q == (const void *)&sentinel, "a failed get_local_read changed the caller's pointer");
  T_EXPECT_ERR(dlops_darray_fill(x, (dlops_scalar){0.0, 0.0}), DLOPS_ERR_STATE);
  T_CALL(dlops_darray_restore_local(x, &p));
  T_CALL(dlops_darray_get_local_read(x, DLOPS_MEM_HOST, &q));
  p = (void *)q;
  T_EXPECT_ERR(dlops_darray_restore_local(x, &p), DLOPS_ERR_STATE); /* a read borrow returns with _read */
  T_CALL(dlops_darray_restore_local_read(x, &q));
  {
    dlops_op Id = NULL;
    dlops_darray ix = NULL, iy = NULL;
    T_REQUIRE(dlops_op_create_identity(ctx, n, n, DLOPS_F64, &Id));
    T_REQUIRE(dlops_op_create_vecs(Id, &ix, &iy));
    T_CALL(dlops_darray_get_local(iy, DLOPS_MEM_HOST, &p));
    T_EXPECT_ERR(dlops_op_apply(Id, ix, iy), DLOPS_ERR_STATE);
    T_CALL(dlops_darray_restore_local(iy, &p));
    T_CALL(dlops_darray_get_local_read(ix, DLOPS_MEM_HOST, &q));
    T_EXPECT_ERR(dlops_op_apply_adjoint(Id, iy, ix), DLOPS_ERR_STATE);
    T_CALL(dlops_darray_restore_local_read(ix, &q));
    dlops_darray_destroy(&ix);
    dlops_darray_destroy(&iy);
    dlops_op_destroy(&Id);
  }
  /* reductions: one device-to-host copy of their scalars each, no host-to-device copy */
  dlops_darray y = NULL;
  T_REQUIRE(dlops_darray_duplicate(x, &y));
  T_CALL(dlops_darray_fill(y, (dlops_scalar){2.0, 0.0}));
  T_CALL(dlops_ctx_reset_counters(ctx));
  dlops_scalar d;
  double nrm;
  T_CALL(dlops_darray_dot(x, y, &d));
  c = mc(ctx);
  T_CHECK(c.d2h == 1 && c.d2h_bytes == 16 && c.h2d == 0 && c.kernels == 1, "dot: %lld d2h (%lld bytes), %lld h2d, "
          "%lld kernels; want 1 (16), 0, 1", (long long)c.d2h, (long long)c.d2h_bytes, (long long)c.h2d,
          (long long)c.kernels);
  T_CALL(dlops_darray_norm(y, 2.0, &nrm));
  c = mc(ctx);
  T_CHECK(c.d2h == 2 && c.d2h_bytes == 24, "norm: %lld d2h (%lld bytes), want 2 (24)", (long long)c.d2h,
          (long long)c.d2h_bytes);
  T_CHECK(fabs(nrm - 2.0 * sqrt((double)n)) < 1e-12 * nrm, "norm %g, want %g", nrm, 2.0 * sqrt((double)n));
  /* copies between spaces: one copy of the local block each way, counted as such */
  {
    dlops_darray hc = NULL, dc = NULL;
    T_REQUIRE(dlops_darray_create_ext(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, -1, -1, DLOPS_MEM_HOST, &hc));
    T_REQUIRE(dlops_darray_duplicate(x, &dc));
    T_CALL(dlops_ctx_reset_counters(ctx));
    T_CALL(dlops_darray_copy(x, hc)); /* device -> host */
    T_CALL(dlops_darray_scale(hc, (dlops_scalar){2.0, 0.0}));
    T_CALL(dlops_darray_copy(hc, dc)); /* host -> device */
    c = mc(ctx);
    T_CHECK(c.d2h == one && c.h2d == one && c.d2h_bytes == b && c.h2d_bytes == b,
            "copies between spaces: %lld d2h, %lld h2d (%lld, %lld bytes)", (long long)c.d2h, (long long)c.h2d,
            (long long)c.d2h_bytes, (long long)c.h2d_bytes);
    dlops_scalar s1, s2;
    T_CALL(dlops_darray_dot(x, x, &s1));
    T_CALL(dlops_darray_dot(dc, dc, &s2));
    T_CHECK(s2.re == 4.0 * s1.re, "data moved through host and back: %g, want %g", s2.re, 4.0 * s1.re);
    dlops_darray_destroy(&hc);
    dlops_darray_destroy(&dc);
  }
  /* the host path of the same context counts nothing */
  dlops_darray h = NULL, h2 = NULL;
  T_REQUIRE(dlops_darray_create_ext(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, -1, -1, DLOPS_MEM_HOST, &h));
  T_REQUIRE(dlops_darray_duplicate(h, &h2));
  T_CALL(dlops_ctx_reset_counters(ctx));
  T_CALL(dlops_darray_fill(h, (dlops_scalar){1.0, 0.0}));
  T_CALL(dlops_darray_dot(h, h, &d));
  T_CALL(dlops_darray_get_local(h, DLOPS_MEM_HOST, &p));
  T_CALL(dlops_darray_restore_local(h, &p));
  c = mc(ctx);
  T_CHECK(c.kernels == 0 && c.d2h == 0 && c.h2d == 0, "host arrays moved device counters");
  T_CHECK(d.re == (double)n, "host dot %g, want %lld", d.re, (long long)n);
  /* staging: a broadcast array kept in sync from rank 0 goes through host memory, counted apart */
  dlops_darray bx = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 1, &n, 0, DLOPS_BROADCAST, DLOPS_F64, &bx));
  T_CALL(dlops_ctx_reset_counters(ctx));
  T_CALL(dlops_darray_sync_broadcast(bx));
  c = mc(ctx);
  int64_t want_d2h = P > 1 && me == 0, want_h2d = P > 1 && me != 0;
  T_CHECK(c.comm_d2h == want_d2h && c.comm_h2d == want_h2d && c.comm_d2h_bytes == want_d2h * n * 8 &&
              c.comm_h2d_bytes == want_h2d * n * 8 && c.d2h == c.comm_d2h && c.h2d == c.comm_h2d,
          "broadcast staging: comm d2h %lld (%lld bytes) h2d %lld (%lld bytes), total d2h %lld h2d %lld",
          (long long)c.comm_d2h, (long long)c.comm_d2h_bytes, (long long)c.comm_h2d, (long long)c.comm_h2d_bytes,
          (long long)c.d2h, (long long)c.h2d);
  dlops_darray_destroy(&bx);
  dlops_darray_destroy(&h);
  dlops_darray_destroy(&h2);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
}

/* ---------------------------------------------------------------- maps and random fills */
static double elem(dlops_darray x, int64_t i, dlops_dtype t, double *im) {
  const void *p = NULL;
  double re = NAN;
  *im = 0;
  if (dlops_darray_get_local_read(x, DLOPS_MEM_HOST, &p)) return NAN;
  switch (t) {
    case DLOPS_F64: re = ((const double *)p)[i]; break;
    case DLOPS_F32: re = ((const float *)p)[i]; break;
    case DLOPS_C64: re = ((const float *)p)[2 * i]; *im = ((const float *)p)[2 * i + 1]; break;
    default: re = ((const double *)p)[2 * i]; *im = ((const double *)p)[2 * i + 1]; break;
  }
  dlops_darray_restore_local_read(x, &p);
  return re;
}

static void test_maps(dlops_ctx ctx, dlops_ctx self) {
  /* a one-rank array holding known values, in the test's space, and its host twin */
  const double in[8] = {3.0, -1.0, 0.5, 0.0, -2.5, 1.0, 4.0, -0.25};
  const int64_t n = 8;
  struct {
    dlops_map_kind k;
    double p0, p1, out[8];
  } cases[] = {
      {DLOPS_MAP_SOFT_THRESHOLD, 1.0, 0, {2.0, 0.0, 0.0, 0.0, -1.5, 0.0, 3.0, 0.0}},
      {DLOPS_MAP_HARD_THRESHOLD, 2.0, 0, {3.0, 0.0, 0.0, 0.0, -2.5, 0.0, 4.0, 0.0}}, /* |x| > sqrt(4) */
      {DLOPS_MAP_HARD_CUT, 1.0, 0, {3.0, 0.0, 0.0, 0.0, -2.5, 0.0, 4.0, 0.0}},
      {DLOPS_MAP_CLIP, -1.0, 2.0, {2.0, -1.0, 0.5, 0.0, -1.0, 1.0, 2.0, -0.25}},
      {DLOPS_MAP_SIGN, 0, 0, {1.0, -1.0, 1.0, 0.0, -1.0, 1.0, 1.0, -1.0}},
      {DLOPS_MAP_NONZERO, 0, 0, {1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0}},
      {DLOPS_MAP_OUTSIDE, -1.0, 2.0, {1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0}},
  };
  dlops_darray x = NULL, y = NULL, hx = NULL, hy = NULL;
  dlops_memspace sp;
  dlops_ctx_get_memspace(self, &sp);
  T_REQUIRE(dlops_darray_create(self, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &x));
  T_REQUIRE(dlops_darray_duplicate(x, &y));
  T_REQUIRE(dlops_darray_create_ext(self, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, -1, -1, DLOPS_MEM_HOST, &hx));
  T_REQUIRE(dlops_darray_duplicate(hx, &hy));
  T_CALL(dlops_darray_scatter(x, in, -1));
  T_CALL(dlops_darray_scatter(hx, in, -1));
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    T_CALL(dlops_darray_map(cases[c].k, cases[c].p0, cases[c].p1, x, y));
    T_CALL(dlops_darray_map(cases[c].k, cases[c].p0, cases[c].p1, hx, hy));
    for (int64_t i = 0; i < n; i++) {
      double im, v = elem(y, i, DLOPS_F64, &im), hv = elem(hy, i, DLOPS_F64, &im);
      T_CHECK(v == cases[c].out[i] && hv == v, "map %d element %lld: %s %g, host %g, want %g", (int)cases[c].k,
              (long long)i, sp == DLOPS_MEM_DEVICE ? "device" : "host", v, hv, cases[c].out[i]);
    }
  }
  /* in place, and bad kinds */
  T_CALL(dlops_darray_map(DLOPS_MAP_SIGN, 0, 0, x, x));
  double im;
  T_CHECK(elem(x, 1, DLOPS_F64, &im) == -1.0, "in-place map");
  T_EXPECT_ERR(dlops_darray_map((dlops_map_kind)DLOPS_NUM_MAPS, 0, 0, x, y), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_map(DLOPS_MAP_SIGN, 0, 0, x, hy), DLOPS_ERR_ARG); /* spaces differ */
  T_EXPECT_ERR(dlops_darray_fill_random(x, 1, 1.0, 0.0), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_fill_random(x, 1, 0.0, INFINITY), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_fill_random(x, 1, -1.7e308, 1.7e308), DLOPS_ERR_ARG); /* width overflows */
  T_EXPECT_ERR(dlops_darray_map(DLOPS_MAP_SOFT_THRESHOLD, NAN, 0, x, y), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_map(DLOPS_MAP_HARD_THRESHOLD, -1.0, 0, x, y), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_map(DLOPS_MAP_CLIP, 2.0, 1.0, x, y), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_map(DLOPS_MAP_OUTSIDE, 0.0, NAN, x, y), DLOPS_ERR_ARG);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_darray_destroy(&hx);
  dlops_darray_destroy(&hy);

  /* random fills: the same global array at every rank count and in both spaces, stacked arrays
   * as the concatenation, values in [lo, hi) */
  const int64_t shape[3] = {P + 3, 4, 3};
  const int64_t total = shape[0] * shape[1] * shape[2];
  for (int ti = 0; ti < 4; ti++) {
    dlops_dtype t = (dlops_dtype)ti;
    size_t es = dlops_dtype_size(t);
    for (int axis = 0; axis < 3; axis++) {
      dlops_darray d = NULL, s = NULL, d2 = NULL, st = NULL, s1 = NULL;
      T_REQUIRE(dlops_darray_create(ctx, 3, shape, axis, DLOPS_SCATTER, t, &d));
      T_REQUIRE(dlops_darray_create_ext(self, 3, shape, 0, DLOPS_SCATTER, t, -1, -1, DLOPS_MEM_HOST, &s));
      T_REQUIRE(dlops_darray_duplicate(d, &d2));
      dlops_darray parts[2] = {d, d2};
      T_REQUIRE(dlops_darray_create_stacked(2, parts, &st));
      T_CALL(dlops_darray_fill_random(d, 77, -2.0, 3.0));
      T_CALL(dlops_darray_fill_random(s, 77, -2.0, 3.0));
      char *gd = malloc((size_t)total * es), *gs = malloc((size_t)total * es), *g2 = malloc(2 * (size_t)total * es);
      T_CALL(dlops_darray_gather(d, gd, -1));
      T_CALL(dlops_darray_gather(s, gs, -1));
      T_CHECK(!memcmp(gd, gs, (size_t)total * es), "fill_random %s axis %d: %d ranks differ from one rank",
              dlops_dtype_name(t), axis, P);
      int inrange = 1;
      for (int64_t i = 0; i < total * ((t == DLOPS_C64 || t == DLOPS_C128) ? 2 : 1); i++) {
        double v = (t == DLOPS_F32 || t == DLOPS_C64) ? ((float *)gd)[i] : ((double *)gd)[i];
        inrange &= v >= -2.0 && v <= 3.0;
      }
      T_CHECK(inrange, "fill_random %s: values outside [-2, 3)", dlops_dtype_name(t));
      /* stacked: component 1 continues the global index, so it differs from component 0 and
       * equals a one-rank fill of a 2*total array's second half */
      T_CALL(dlops_darray_fill_random(st, 5, 0.0, 1.0));
      T_CALL(dlops_darray_gather(st, g2, -1));
      int64_t n2 = 2 * total;
      T_REQUIRE(dlops_darray_create_ext(self, 1, &n2, 0, DLOPS_SCATTER, t, -1, -1, DLOPS_MEM_HOST, &s1));
      T_CALL(dlops_darray_fill_random(s1, 5, 0.0, 1.0));
      char *g1 = malloc(2 * (size_t)total * es);
      T_CALL(dlops_darray_gather(s1, g1, -1));
      T_CHECK(!memcmp(g1, g2, 2 * (size_t)total * es), "fill_random of a stacked array is not the concatenation");
      T_CHECK(memcmp(g2, g2 + (size_t)total * es, (size_t)total * es), "stacked components got the same values");
      free(g1);
      free(gd);
      free(gs);
      free(g2);
      dlops_darray_destroy(&s1);
      dlops_darray_destroy(&st);
      dlops_darray_destroy(&d);
      dlops_darray_destroy(&d2);
      dlops_darray_destroy(&s);
    }
  }
}

/* ---------------------------------------------------------------- bad input */
static int copy_cb(void *user, dlops_darray in, dlops_darray out) {
  (void)user;
  return dlops_darray_copy(in, out);
}

static void test_bad(dlops_ctx ctx, dlops_ctx self) {
  int64_t n = 3 * P + 1;
  dlops_darray d = NULL, h = NULL, d2 = NULL, h2 = NULL, st = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &d));
  T_REQUIRE(dlops_darray_create_ext(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, -1, -1, DLOPS_MEM_HOST, &h));
  T_REQUIRE(dlops_darray_duplicate(d, &d2));
  T_REQUIRE(dlops_darray_duplicate(h, &h2));
  T_CALL(dlops_darray_fill(d, (dlops_scalar){1.0, 0.0}));
  T_CALL(dlops_darray_fill(h, (dlops_scalar){2.0, 0.0}));
  const dlops_scalar one = {1.0, 0.0};
  dlops_scalar r;
  double nrm;
  /* host and device arrays in one call: an argument error on every rank, nothing written */
  T_EXPECT_ALL(dlops_darray_axpby(one, h, one, d), DLOPS_ERR_ARG);
  {
    dlops_darray hf = NULL; /* a copy between spaces moves data, but converts no element type */
    T_REQUIRE(dlops_darray_create_ext(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F32, -1, -1, DLOPS_MEM_HOST, &hf));
    T_EXPECT_ALL(dlops_darray_copy(d, hf), DLOPS_ERR_ARG);
    dlops_darray_destroy(&hf);
  }
  T_EXPECT_ALL(dlops_darray_pointwise_mult(d, h, d2), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_dot(h, d, &r), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_vdot(d, h, &r), DLOPS_ERR_ARG);
  dlops_darray xs[2] = {d, h}, ys[2] = {d2, d};
  T_EXPECT_ALL(dlops_darray_multi_dot(2, xs, ys, NULL, &r), DLOPS_ERR_ARG);
  dlops_darray mixed[2] = {d, h};
  T_EXPECT_ALL(dlops_darray_create_stacked(2, mixed, &st), DLOPS_ERR_ARG);
  T_CALL(dlops_darray_norm(d, 2.0, &nrm));
  T_CHECK(fabs(nrm - sqrt((double)n)) < 1e-12 * nrm, "device array changed by a failed call: norm %g", nrm);
  T_CALL(dlops_darray_norm(h, 2.0, &nrm));
  T_CHECK(fabs(nrm - 2.0 * sqrt((double)n)) < 1e-12 * nrm, "host array changed by a failed call: norm %g", nrm);

  /* an operator given arrays of a space it does not work on: unsupported on every rank, naming
   * the operator and the space */
  dlops_op U = NULL, D = NULL;
  T_REQUIRE(dlops_op_create_user(h, h2, copy_cb, copy_cb, NULL, NULL, &U)); /* a host operator */
  T_EXPECT_ALL(dlops_op_apply(U, d, d2), DLOPS_ERR_UNSUPPORTED);
  T_CHECK(strstr(dlops_last_error(), "user") && strstr(dlops_last_error(), "device"),
          "the message does not name the operator and the space: %s", dlops_last_error());
  T_CALL(dlops_op_apply(U, h, h2)); /* its own space works */
  dlops_op S = NULL;
  T_REQUIRE(dlops_op_create_scaled(U, one, &S)); /* and compositions inherit the space */
  T_EXPECT_ALL(dlops_op_apply_adjoint(S, d2, d), DLOPS_ERR_UNSUPPORTED);
  double *dv = malloc(sizeof(double) * (size_t)(n + 1));
  for (int64_t i = 0; i <= n; i++) dv[i] = 1.0;
  T_REQUIRE(dlops_op_create_diagonal(ctx, n, DLOPS_F64, dv, &D)); /* a device operator */
  T_EXPECT_ALL(dlops_op_apply(D, h, h2), DLOPS_ERR_UNSUPPORTED);
  T_CHECK(strstr(dlops_last_error(), "diagonal"), "the message does not name the operator: %s", dlops_last_error());
  T_CALL(dlops_op_apply(D, d, d2));
  /* a solver given arrays of another space than its operator's */
  {
    dlops_solver_opts o;
    dlops_solver_opts_default(&o);
    o.niter = 2;
    T_EXPECT_ALL(dlops_solve_cg(D, h, d, &o, NULL), DLOPS_ERR_ARG);
    T_EXPECT_ALL(dlops_solve_cgls(D, d, h, &o, NULL), DLOPS_ERR_ARG);
  }
  /* the new local calls with bad input on ONE rank: only that rank fails, and the next
   * collective still completes everywhere (nothing was left half done) */
  {
    int e1 = dlops_darray_map(me == 0 ? (dlops_map_kind)99 : DLOPS_MAP_SIGN, 0, 0, d, d2);
    int e2 = dlops_darray_fill_random(d2, 3, 0.0, me == P - 1 ? NAN : 1.0);
    const void *q = NULL;
    int e3 = dlops_darray_get_local_read(d, me == 0 ? (dlops_memspace)9 : DLOPS_MEM_HOST, &q);
    if (!e3) T_CALL(dlops_darray_restore_local_read(d, &q));
    T_CHECK((e1 == DLOPS_ERR_ARG) == (me == 0) && (e2 == DLOPS_ERR_ARG) == (me == P - 1) &&
                (e3 == DLOPS_ERR_ARG) == (me == 0),
            "one rank's bad local call: codes %d %d %d on rank %d", e1, e2, e3, me);
    T_CALL(dlops_darray_norm(d, 2.0, &nrm));
    T_CHECK(fabs(nrm - sqrt((double)n)) < 1e-12 * nrm, "norm after one rank's bad calls: %g", nrm);
  }
  /* local operators of another space in a composition: refused at creation on every rank */
  dlops_ctx hostself = NULL;
  T_REQUIRE(dlops_ctx_create(MPI_COMM_SELF, "comm=mpi mem=host", &hostself));
  dlops_op L = NULL, B = NULL, Ld = NULL;
  double a[4] = {1, 2, 3, 4};
  T_REQUIRE(dlops_op_create_matrix(hostself, 2, 2, DLOPS_F64, a, &L));
  T_EXPECT_ALL(dlops_op_create_blockdiag(ctx, 1, &L, -1, &B), DLOPS_ERR_UNSUPPORTED);
  T_CHECK(strstr(dlops_last_error(), "matrix") && strstr(dlops_last_error(), "host"),
          "blockdiag message: %s", dlops_last_error());
  T_EXPECT_ALL(dlops_op_create_vstack(ctx, 1, &L, &B), DLOPS_ERR_UNSUPPORTED);
  /* one rank brings a host local operator, the others device ones: still every rank fails */
  T_REQUIRE(dlops_op_create_matrix(self, 2, 2, DLOPS_F64, a, &Ld));
  T_EXPECT_ERR(dlops_op_create_blockdiag(ctx, 1, me == P - 1 ? &L : &Ld, -1, &B), DLOPS_ERR_UNSUPPORTED);
  T_CHECK(B == NULL, "a failed blockdiag returned an operator");
  /* the kernels local operators run on a composition's arrays count on the composition's context */
  {
    dlops_darray bx = NULL, by = NULL;
    T_REQUIRE(dlops_op_create_blockdiag(ctx, 1, &Ld, -1, &B));
    T_REQUIRE(dlops_op_create_vecs(B, &bx, &by));
    T_CALL(dlops_ctx_reset_counters(ctx));
    T_CALL(dlops_ctx_reset_counters(self));
    T_CALL(dlops_op_apply(B, bx, by));
    dlops_mem_counter cw, cs;
    T_CALL(dlops_ctx_get_mem_counter(ctx, &cw));
    T_CALL(dlops_ctx_get_mem_counter(self, &cs));
    T_CHECK(cw.kernels == 1 && cs.kernels == 0, "blockdiag of one matrix: %lld kernels counted on the composition, "
            "%lld on the local context; want 1 and 0", (long long)cw.kernels, (long long)cs.kernels);
    dlops_darray_destroy(&bx);
    dlops_darray_destroy(&by);
    dlops_op_destroy(&B);
  }
  dlops_op_destroy(&Ld);
  dlops_op_destroy(&L);
  dlops_ctx_destroy(&hostself);
  free(dv);
  dlops_op_destroy(&D);
  dlops_op_destroy(&S);
  dlops_op_destroy(&U);
  dlops_darray_destroy(&d);
  dlops_darray_destroy(&h);
  dlops_darray_destroy(&d2);
  dlops_darray_destroy(&h2);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &me);
  if (dlops_test_mem != DLOPS_MEM_DEVICE) dlops_test_skip(ctx, "this test runs on the emulated device (mem=emu)");
  dlops_ctx self = dlops_test_self_ctx(ctx);
  test_space_and_faults(ctx);
  test_borrows(ctx);
  test_maps(ctx, self);
  test_bad(ctx, self);
  dlops_ctx_destroy(&self);
  return dlops_test_finish(ctx);
}
