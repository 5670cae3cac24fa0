/* GPU test (label gpu): every entry of the CUDA memory table (cuda/mem_cuda.c) against the host
 * table (csrc/mem/host.c) of the same context, on the same random data, for every element type.
 * Both tables are reached through the context (ctx->mems[DLOPS_MEM_DEVICE] and [HOST]), so this
 * is the table libdlops actually uses for mem=device.
 *
 * Promised bits (compared with memcmp): alloc's zeros, copies, fill, convert, axpby, step, scale,
 * conj, mult, random, strided copies, stencils (one term, weighted term, sums, pieces) and
 * convolutions; the element maps that call no transcendental function (real data except half
 * thresholding; clip, nonzero, outside for every type). Tolerances, relative to the data (all in
 * [-1, 1]): the other maps (libdevice against glibc), dot and norm sums (another summation order;
 * max, min and count norms exactly), gemv and gemm (cuBLAS against the host BLAS).
 *
 * Without a CUDA build or a usable device, dlops_test_init skips (exit 77, "[DLOPS-SKIP] reason"
 * on rank 0): nothing of this has run on a GPU in this repository's CI. The same program runs
 * with mem=emu (label emu), where the device table is the emulated device running the host
 * loops: that checks the test's own logic (every comparison must hold, most of them trivially). */
#include "dlops_test.h"

#include <math.h>

#include "core/ctx_impl.h"
#include "stencil_progs.h"

static dlops_mem *hm, *dm;

static int cplx(dlops_dtype t) { return t == DLOPS_C64 || t == DLOPS_C128; }
static int single(dlops_dtype t) { return t == DLOPS_F32 || t == DLOPS_C64; }
static size_t esz(dlops_dtype t) { return dlops_dtype_size(t); }

/* ---- device buffers: from host data, and back */
static void *dev_from(const void *h, size_t bytes) {
  void *d = NULL;
  T_CALL(dm->ops->alloc(dm, bytes, &d));
  if (d && h && bytes) T_CALL(dm->ops->copy(dm, d, DLOPS_MEM_DEVICE, h, DLOPS_MEM_HOST, bytes, 0));
  return d;
}
static void *host_from(const void *d, size_t bytes) {
  void *h = calloc(bytes ? bytes : 1, 1);
  T_CHECK(h, "calloc");
  if (h && d && bytes) T_CALL(dm->ops->copy(dm, h, DLOPS_MEM_HOST, d, DLOPS_MEM_DEVICE, bytes, 0));
  return h;
}
static void *rnd(dlops_dtype t, int64_t n, unsigned long long seed) {
  void *h = malloc((size_t)(n ? n : 1) * esz(t));
  dlops_test_fill(h, n, t, seed);
  return h;
}

/* The bits of device buffer d (bytes) against host buffer want. */
static void same_bits(const char *what, dlops_dtype t, const void *d, const void *want, size_t bytes) {
  void *got = host_from(d, bytes);
  T_CHECK(got && !memcmp(got, want, bytes), "%s %s: device bits differ from the host's", what, dlops_dtype_name(t));
  free(got);
}

static double real_at(const void *p, dlops_dtype t, int64_t k) {
  return single(t) ? (double)((const float *)p)[k] : ((const double *)p)[k];
}

/* Every real of device buffer d against host buffer want: |got - want| <= tol * (1 + |want|). */
static void close_to(const char *what, dlops_dtype t, const void *d, const void *want, int64_t nreal, double tol) {
  void *got = host_from(d, (size_t)nreal * (single(t) ? 4 : 8));
  double worst = 0;
  for (int64_t k = 0; got && k < nreal; k++) {
    double g = real_at(got, t, k), w = real_at(want, t, k), e = fabs(g - w) / (1 + fabs(w));
    if (isnan(g) && isnan(w)) e = 0;
    if (!(e <= worst)) worst = e; /* NaN-propagating */
  }
  T_CHECK(got && worst <= tol, "%s %s: max relative difference %g > %g", what, dlops_dtype_name(t), worst, tol);
  free(got);
}

/* ---- memory, copies */
static void check_memory(void) {
  const size_t bytes = 1000;
  void *d = NULL;
  T_CALL(dm->ops->alloc(dm, bytes, &d));
  char *z = calloc(bytes, 1);
  same_bits("alloc zero fill", DLOPS_F64, d, z, bytes);
  void *d0 = NULL;
  T_CALL(dm->ops->alloc(dm, 0, &d0));
  T_CHECK(d0 != NULL && d0 != d, "alloc of 0 bytes: a valid, unique pointer");
  void *h = NULL;
  T_CALL(dm->ops->host_alloc(dm, bytes, &h));
  T_CHECK(h != NULL, "host_alloc");
  if (h) {
    for (size_t k = 0; k < bytes; k++) ((unsigned char *)h)[k] = (unsigned char)(k * 7 + 3);
    T_CALL(dm->ops->copy(dm, d, DLOPS_MEM_DEVICE, h, DLOPS_MEM_HOST, bytes, DLOPS_MEM_COPY_COMM));
    same_bits("copy from page-locked memory", DLOPS_F64, d, h, bytes);
    /* overlapping device copy (memmove semantics) */
    unsigned char *want = malloc(bytes);
    memcpy(want, h, bytes);
    memmove(want + 10, want, bytes - 10);
    T_CALL(dm->ops->copy(dm, (char *)d + 10, DLOPS_MEM_DEVICE, d, DLOPS_MEM_DEVICE, bytes - 10, 0));
    same_bits("overlapping device copy", DLOPS_F64, d, want, bytes);
    free(want);
    dm->ops->host_free(dm, h);
  }
  T_CALL(dm->ops->sync(dm));
  if (!strcmp(dm->ops->name, "cuda")) {
    T_CHECK(dm->queue != NULL, "the device memory object has no stream");
    T_CHECK(dm->ops->dot_exact == NULL && dm->ops->norm_exact == NULL, "exact kernels are expected NULL on CUDA");
  }
  dm->ops->free(dm, d);
  dm->ops->free(dm, d0);
  free(z);
}

/* ---- element kernels */
static void check_elements(dlops_dtype t, int64_t n, unsigned long long seed) {
  const size_t bytes = (size_t)n * esz(t);
  const dlops_scalar a = {1.25, -0.5}, b = {-0.75, 2.0};
  void *x = rnd(t, n, seed), *y = rnd(t, n, seed + 1), *r = rnd(t, n, seed + 2);
  void *dx = dev_from(x, bytes), *dy = dev_from(y, bytes), *dr = dev_from(r, bytes);
  void *hy = malloc(bytes), *hp = malloc(bytes);

  memcpy(hy, y, bytes);
  T_CALL(hm->ops->fill(hm, t, n, a, hy));
  T_CALL(dm->ops->fill(dm, t, n, a, dy));
  same_bits("fill", t, dy, hy, bytes);

#define RESET()                                                              \
  do {                                                                       \
    memcpy(hy, y, bytes);                                                    \
    T_CALL(dm->ops->copy(dm, dy, DLOPS_MEM_DEVICE, y, DLOPS_MEM_HOST, bytes, 0)); \
  } while (0)
  RESET();
  T_CALL(hm->ops->axpby(hm, t, n, a, x, b, hy));
  T_CALL(dm->ops->axpby(dm, t, n, a, dx, b, dy));
  same_bits("axpby", t, dy, hy, bytes);
  RESET();
  T_CALL(hm->ops->scale(hm, t, n, b, hy));
  T_CALL(dm->ops->scale(dm, t, n, b, dy));
  same_bits("scale", t, dy, hy, bytes);
  RESET();
  T_CALL(hm->ops->conj(hm, t, n, hy));
  T_CALL(dm->ops->conj(dm, t, n, dy));
  same_bits("conj", t, dy, hy, bytes);
  for (int cj = 0; cj < 2; cj++) {
    RESET();
    T_CALL(hm->ops->mult(hm, t, n, x, cj, r, hy));
    T_CALL(dm->ops->mult(dm, t, n, dx, cj, dr, dy));
    same_bits(cj ? "mult conj" : "mult", t, dy, hy, bytes);
  }
  /* step: y = a p + y, p = r + b p (p starts as x) */
  RESET();
  memcpy(hp, x, bytes);
  void *dp = dev_from(x, bytes);
  T_CALL(hm->ops->step(hm, t, n, a, hp, hy, r, b));
  T_CALL(dm->ops->step(dm, t, n, a, dp, dy, dr, b));
  same_bits("step y", t, dy, hy, bytes);
  same_bits("step p", t, dp, hp, bytes);
  dm->ops->free(dm, dp);

  /* convert to every type */
  for (int u = 0; u < DLOPS_NUM_DTYPES; u++) {
    const dlops_dtype ty = (dlops_dtype)u;
    const size_t ob = (size_t)n * esz(ty);
    void *ho = malloc(ob), *dout = NULL;
    T_CALL(dm->ops->alloc(dm, ob, &dout));
    T_CALL(hm->ops->convert(hm, n, t, x, ty, ho));
    T_CALL(dm->ops->convert(dm, n, t, dx, ty, dout));
    char what[64];
    snprintf(what, sizeof what, "convert to %s from", dlops_dtype_name(ty));
    same_bits(what, t, dout, ho, ob);
    dm->ops->free(dm, dout);
    free(ho);
  }

  /* element maps */
  for (int k = DLOPS_MAP_SOFT_THRESHOLD; k <= DLOPS_MAP_OUTSIDE; k++) {
    const double p0 = k == DLOPS_MAP_CLIP || k == DLOPS_MAP_OUTSIDE ? -0.3 : 0.2, p1 = 0.4;
    T_CALL(hm->ops->map(hm, (dlops_map_kind)k, p0, p1, t, n, x, hy));
    T_CALL(dm->ops->map(dm, (dlops_map_kind)k, p0, p1, t, n, dx, dy));
    const int exact = k == DLOPS_MAP_CLIP || k == DLOPS_MAP_NONZERO || k == DLOPS_MAP_OUTSIDE ||
                      (!cplx(t) && k != DLOPS_MAP_HALF_THRESHOLD);
    char what[32];
    snprintf(what, sizeof what, "map %d", k);
    if (exact)
      same_bits(what, t, dy, hy, bytes);
    else
      close_to(what, t, dy, hy, cplx(t) ? 2 * n : n, single(t) ? 1e-5 : 1e-12);
  }

  /* reductions: device results land in device memory */
  double *dout = NULL, hres[2], dres[2];
  T_CALL(dm->ops->alloc(dm, 2 * sizeof(double), (void **)&dout));
  const double tol = 1e-12 * (double)(n + 1);
  for (int cj = 0; cj < 2; cj++) {
    T_CALL(hm->ops->dot(hm, t, n, x, r, cj, hres));
    T_CALL(dm->ops->dot(dm, t, n, dx, dr, cj, dout));
    T_CALL(dm->ops->copy(dm, dres, DLOPS_MEM_HOST, dout, DLOPS_MEM_DEVICE, 2 * sizeof(double), 0));
    T_CHECK(fabs(dres[0] - hres[0]) <= tol && fabs(dres[1] - hres[1]) <= tol,
            "dot %s n=%lld conj=%d: device (%.17g, %.17g), host (%.17g, %.17g)", dlops_dtype_name(t), (long long)n, cj,
            dres[0], dres[1], hres[0], hres[1]);
  }
  const double ords[] = {2.0, 1.0, 0.0, INFINITY, -INFINITY, 3.0};
  for (size_t o = 0; o < sizeof ords / sizeof ords[0]; o++) {
    T_CALL(hm->ops->norm(hm, t, n, x, ords[o], hres));
    T_CALL(dm->ops->norm(dm, t, n, dx, ords[o], dout));
    T_CALL(dm->ops->copy(dm, dres, DLOPS_MEM_HOST, dout, DLOPS_MEM_DEVICE, sizeof(double), 0));
    const int exact = ords[o] == 0.0 || (isinf(ords[o]) && !cplx(t));
    T_CHECK(exact ? dres[0] == hres[0] : fabs(dres[0] - hres[0]) <= tol * (1 + fabs(hres[0])),
            "norm %s n=%lld ord=%g: device %.17g, host %.17g", dlops_dtype_name(t), (long long)n, ords[o], dres[0],
            hres[0]);
  }
  dm->ops->free(dm, dout);

  /* random: the same numbers as the host (a 2-D block of a 3 x n global array, rows from 1) */
  dlops_mem_rand rr;
  memset(&rr, 0, sizeof rr);
  rr.ndim = 2;
  rr.axis = 0;
  rr.gshape[0] = 3;
  rr.gshape[1] = n;
  rr.lshape[0] = 1;
  rr.lshape[1] = n;
  rr.offset = 1;
  rr.base = 17;
  rr.seed = seed;
  rr.lo = -2;
  rr.hi = 3;
  T_CALL(hm->ops->random(hm, t, &rr, hy));
  T_CALL(dm->ops->random(dm, t, &rr, dy));
  same_bits("random", t, dy, hy, bytes);
#undef RESET
  dm->ops->free(dm, dx);
  dm->ops->free(dm, dy);
  dm->ops->free(dm, dr);
  free(x);
  free(y);
  free(r);
  free(hy);
  free(hp);
}

/* ---- strided copies: a 3-D transpose and a sub-box pack */
static void check_strided(dlops_dtype t) {
  const int64_t A = 5, B = 7, C = 3, n = A * B * C;
  const size_t es = esz(t), bytes = (size_t)n * es;
  void *x = rnd(t, n, 99), *hy = calloc((size_t)n, es), *dx = dev_from(x, bytes), *dy = dev_from(hy, bytes);
  dlops_mem_strided s;
  memset(&s, 0, sizeof s);
  /* y (C, A, B) = transpose of x (A, B, C) */
  s.ndim = 3;
  s.shape[0] = C, s.shape[1] = A, s.shape[2] = B;
  s.dst_stride[0] = A * B, s.dst_stride[1] = B, s.dst_stride[2] = 1;
  s.src_stride[0] = 1, s.src_stride[1] = B * C, s.src_stride[2] = C;
  T_CALL(hm->ops->strided(hm, es, &s, hy, x));
  T_CALL(dm->ops->strided(dm, es, &s, dy, dx));
  same_bits("strided transpose", t, dy, hy, bytes);
  /* pack the box [1:4, 2:6, 0:3] of x into the start of y (last axis contiguous: merged runs) */
  s.shape[0] = 3, s.shape[1] = 4, s.shape[2] = C;
  s.dst_stride[0] = 4 * C, s.dst_stride[1] = C, s.dst_stride[2] = 1;
  s.src_stride[0] = B * C, s.src_stride[1] = C, s.src_stride[2] = 1;
  const size_t off = (size_t)(1 * B * C + 2 * C) * es;
  T_CALL(hm->ops->strided(hm, es, &s, hy, (char *)x + off));
  T_CALL(dm->ops->strided(dm, es, &s, dy, (char *)dx + off));
  same_bits("strided pack", t, dy, hy, bytes);
  dm->ops->free(dm, dx);
  dm->ops->free(dm, dy);
  free(x);
  free(hy);
}

/* ---- stencils (programs: stencil_progs.h) */
/* Run nterm terms on the host (one call) and the device (in two pieces), compare bits. */
static void stencil_case(const char *what, dlops_dtype t, int nterm, dlops_stencil_term *ht, dlops_stencil_term *dt,
                         int64_t total) {
  const size_t bytes = (size_t)total * esz(t);
  void *hy = rnd(t, total, 5), *dy = dev_from(hy, bytes);
  T_CALL(hm->ops->stencil(hm, t, nterm, ht, total, 0, total, hy));
  const int64_t mid = total / 3;
  T_CALL(dm->ops->stencil(dm, t, nterm, dt, total, mid, total, dy));
  T_CALL(dm->ops->stencil(dm, t, nterm, dt, total, 0, mid, dy));
  same_bits(what, t, dy, hy, bytes);
  dm->ops->free(dm, dy);
  free(hy);
}

static void check_stencils(dlops_dtype t) {
  /* a (5, 6, 4) array: terms along axis 1 (outer 5, rows 6, inner 4) and axis 2 (outer 30, rows 4) */
  const int64_t total = 5 * 6 * 4;
  const size_t bytes = (size_t)total * esz(t);
  void *x = rnd(t, total, 41), *x2 = rnd(t, total, 43);
  void *dx = dev_from(x, bytes), *dx2 = dev_from(x2, bytes);
  dlops_stencil_prog p1, p2, pm, po;
  prog_first(&p1, 6, 0.7);
  prog_mixed(&p2, 4, 0.25, 0);
  prog_mixed(&pm, 6, 1.3, 0);
  prog_mixed(&po, 4, 0.5, 1);
  dlops_stencil_term ht[2], dt[2];
  memset(ht, 0, sizeof ht);
  ht[0].prog = &p1, ht[0].args.outer = 5, ht[0].args.inner = 4, ht[0].args.row0 = 0, ht[0].args.nrows = 6;
  ht[0].x = x, ht[0].weight = 1.0;
  ht[1].prog = &p2, ht[1].args.outer = 30, ht[1].args.inner = 1, ht[1].args.row0 = 0, ht[1].args.nrows = 4;
  ht[1].x = x2, ht[1].weight = -0.6;
  for (int k = 0; k < 2; k++)
    for (int g = 0; g < 2 * DLOPS_STENCIL_REACH; g++) ht[k].args.gmap[g] = -1;
  memcpy(dt, ht, sizeof dt);
  dt[0].x = dx, dt[1].x = dx2;
  stencil_case("stencil one term", t, 1, ht, dt, total);
  ht[0].weight = dt[0].weight = 2.5;
  stencil_case("stencil weighted term", t, 1, ht, dt, total);
  ht[0].prog = dt[0].prog = &pm;
  stencil_case("stencil mixed program", t, 1, ht, dt, total);
  ht[1].prog = dt[1].prog = &po;
  stencil_case("stencil SET then ADD", t, 1, ht + 1, dt + 1, total);
  ht[1].prog = dt[1].prog = &p2;
  stencil_case("stencil sum", t, 2, ht, dt, total);
  ht[1].prog = dt[1].prog = &po;
  stencil_case("stencil sum, not accumulable", t, 2, ht, dt, total);

  /* a larger (3, 40, 37) array (the host's 512-real chunks): one term along axis 1, a sum with a
   * term along the last axis */
  {
    const int64_t big = 3 * 40 * 37;
    const size_t bb = (size_t)big * esz(t);
    void *bx = rnd(t, big, 51), *bx2 = rnd(t, big, 53), *dbx = dev_from(bx, bb), *dbx2 = dev_from(bx2, bb);
    dlops_stencil_prog q1, q2;
    prog_mixed(&q1, 40, 0.3, 0);
    prog_mixed(&q2, 37, 2.0, 0);
    dlops_stencil_term bh[2], bd[2];
    memset(bh, 0, sizeof bh);
    bh[0].prog = &q1, bh[0].args.outer = 3, bh[0].args.inner = 37, bh[0].args.nrows = 40, bh[0].x = bx;
    bh[0].weight = 1.0;
    bh[1].prog = &q2, bh[1].args.outer = 120, bh[1].args.inner = 1, bh[1].args.nrows = 37, bh[1].x = bx2;
    bh[1].weight = 0.8;
    for (int k = 0; k < 2; k++)
      for (int g = 0; g < 2 * DLOPS_STENCIL_REACH; g++) bh[k].args.gmap[g] = -1;
    memcpy(bd, bh, sizeof bd);
    bd[0].x = dbx, bd[1].x = dbx2;
    stencil_case("stencil one term, large", t, 1, bh, bd, big);
    stencil_case("stencil sum, large", t, 2, bh, bd, big);
    dm->ops->free(dm, dbx);
    dm->ops->free(dm, dbx2);
    free(bx);
    free(bx2);
  }
  /* ghost rows: rows [3, 7) of a global axis of 11 (outer 1, inner 3), the two rows either side
   * in a ghost buffer (rows 1, 2 | 7, 8 at ghost rows 0, 1 | 2, 3) */
  const int64_t nl = 4 * 3;
  dlops_stencil_prog pg;
  prog_mixed(&pg, 11, 0.9, 0);
  void *gh = rnd(t, 4 * 3, 47), *dgh = dev_from(gh, (size_t)(4 * 3) * esz(t));
  memset(ht, 0, sizeof ht);
  ht[0].prog = &pg, ht[0].args.outer = 1, ht[0].args.inner = 3, ht[0].args.row0 = 3, ht[0].args.nrows = 4;
  ht[0].args.ghost = gh, ht[0].args.nghost = 4;
  for (int g = 0; g < 4; g++) ht[0].args.gmap[g] = g;
  ht[0].x = x, ht[0].weight = 1.0;
  memcpy(dt, ht, sizeof dt);
  dt[0].x = dx, dt[0].args.ghost = dgh;
  stencil_case("stencil with ghost rows", t, 1, ht, dt, nl);
  dm->ops->free(dm, dx);
  dm->ops->free(dm, dx2);
  dm->ops->free(dm, dgh);
  free(x);
  free(x2);
  free(gh);
}

/* ---- 1-D convolution */
static void check_conv(dlops_dtype t) {
  const dlops_mem_conv gs[] = {{3, 11, 9, 5, 4, 1}, {2, 13, 13, 1, 5, 2}, {1, 6, 8, 2, 7, 4}, {2, 700, 700, 1, 9, 4},
                               {1, 9, 7, 600, 4, 2}};
  for (size_t c = 0; c < sizeof gs / sizeof gs[0]; c++) {
    const dlops_mem_conv *g = &gs[c];
    const int64_t nx = g->outer * g->n * g->inner, ny = g->outer * g->ny * g->inner;
    void *h = rnd(t, g->nh, 61 + c), *x = rnd(t, nx, 67 + c), *y = rnd(t, ny, 71 + c);
    void *dh = dev_from(h, (size_t)g->nh * esz(t)), *dx = dev_from(x, (size_t)nx * esz(t));
    void *dy = dev_from(y, (size_t)ny * esz(t));
    void *hy = malloc((size_t)ny * esz(t)), *hx = malloc((size_t)nx * esz(t));
    T_CALL(hm->ops->conv1d(hm, t, 0, g, h, x, hy));
    T_CALL(dm->ops->conv1d(dm, t, 0, g, dh, dx, dy));
    same_bits("conv1d forward", t, dy, hy, (size_t)ny * esz(t));
    T_CALL(hm->ops->conv1d(hm, t, 1, g, h, y, hx));
    T_CALL(dm->ops->copy(dm, dy, DLOPS_MEM_DEVICE, y, DLOPS_MEM_HOST, (size_t)ny * esz(t), 0));
    T_CALL(dm->ops->conv1d(dm, t, 1, g, dh, dy, dx));
    same_bits("conv1d adjoint", t, dx, hx, (size_t)nx * esz(t));
    dm->ops->free(dm, dh);
    dm->ops->free(dm, dx);
    dm->ops->free(dm, dy);
    free(h), free(x), free(y), free(hy), free(hx);
  }
}

/* ---- cuBLAS against the host BLAS */
static void check_blas(dlops_dtype t) {
  const int rows = 7, cols = 5, lda = 6, inner = 4;
  const double tol = single(t) ? 1e-5 : 1e-13;
  const dlops_scalar al = {0.75, 0.5}, be = {-1.25, 0.25};
  const char ops[3] = {'N', 'T', 'C'};
  void *a = rnd(t, rows * lda + cols, 81), *da = dev_from(a, (size_t)(rows * lda + cols) * esz(t));
  for (int o = 0; o < 3; o++) {
    const int nx = ops[o] == 'N' ? cols : rows, ny = ops[o] == 'N' ? rows : cols;
    void *x = rnd(t, nx, 83), *y = rnd(t, ny, 85), *dx = dev_from(x, (size_t)nx * esz(t));
    void *dy = dev_from(y, (size_t)ny * esz(t));
    T_CALL(hm->ops->gemv(hm, t, ops[o], rows, cols, al, a, lda, x, be, y));
    T_CALL(dm->ops->gemv(dm, t, ops[o], rows, cols, al, da, lda, dx, be, dy));
    char what[16];
    snprintf(what, sizeof what, "gemv %c", ops[o]);
    close_to(what, t, dy, y, cplx(t) ? 2 * ny : ny, tol);
    dm->ops->free(dm, dx), dm->ops->free(dm, dy);
    free(x), free(y);
  }
  /* gemm, every op pair, padded leading dimensions; and inner = 0 (C = beta C) */
  for (int oa = 0; oa < 3; oa++)
    for (int ob = 0; ob < 3; ob++)
      for (int k = inner; k >= 0; k -= inner) {
        const int ar = ops[oa] == 'N' ? rows : k, ac = ops[oa] == 'N' ? k : rows;
        const int br = ops[ob] == 'N' ? k : cols, bc = ops[ob] == 'N' ? cols : k;
        const int la = ac + 1, lb = bc + 2, lc = cols + 1;
        const int64_t na = (int64_t)ar * la + 1, nb = (int64_t)br * lb + 1, nc = (int64_t)rows * lc;
        void *A = rnd(t, na, 91), *B = rnd(t, nb, 93), *C = rnd(t, nc, 95);
        void *dA = dev_from(A, (size_t)na * esz(t)), *dB = dev_from(B, (size_t)nb * esz(t));
        void *dC = dev_from(C, (size_t)nc * esz(t));
        T_CALL(hm->ops->gemm(hm, t, ops[oa], ops[ob], rows, cols, k, al, A, la, B, lb, be, C, lc));
        T_CALL(dm->ops->gemm(dm, t, ops[oa], ops[ob], rows, cols, k, al, dA, la, dB, lb, be, dC, lc));
        char what[32];
        snprintf(what, sizeof what, "gemm %c%c k=%d", ops[oa], ops[ob], k);
        close_to(what, t, dC, C, cplx(t) ? 2 * nc : nc, tol);
        dm->ops->free(dm, dA), dm->ops->free(dm, dB), dm->ops->free(dm, dC);
        free(A), free(B), free(C);
        if (k == 0) break;
      }
  dm->ops->free(dm, da);
  free(a);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  int rank = 0;
  T_CALL(dlops_ctx_get_rank(ctx, &rank));
  hm = ctx->mems[DLOPS_MEM_HOST];
  dm = ctx->mems[DLOPS_MEM_DEVICE];
  /* mem=emu (the emulated device runs the host loops) checks this test's own logic on any machine */
  const int usable = hm && dm && (!strcmp(dm->ops->name, "cuda") || !strcmp(dm->ops->name, "emu"));
  T_CHECK(usable, "context \"%s\" has no device memory object", ctx->spec);
  if (usable) {
    check_memory();
    const int64_t sizes[] = {1, 257 + 13 * rank, 100003};
    for (int t = 0; t < DLOPS_NUM_DTYPES; t++) {
      for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        check_elements((dlops_dtype)t, sizes[s], 1000u + 10u * (unsigned)t + s);
      check_strided((dlops_dtype)t);
      check_stencils((dlops_dtype)t);
      check_conv((dlops_dtype)t);
      check_blas((dlops_dtype)t);
    }
  }
  return dlops_test_finish(ctx);
}
