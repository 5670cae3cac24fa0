/* CPU check of the CUDA memory table's element functions (cuda/mem_elems.h): the stencil,
 * convolution, random-fill and strided-copy bodies that the kernels of cuda/mem_kernels.cu run one
 * thread per element, run here in host loops (DLOPS_HD is empty in C) against the host table
 * (csrc/mem/host.c) of a host context, bit for bit, for every dtype. This checks the device
 * kernels' index arithmetic, their handling of ghost rows, sums and edge rows, and their order of
 * operations on any machine; what it cannot check is the GPU itself (nvcc's code generation,
 * --fmad=false, the launch shapes): validation/gpu/test_gpu_mem_table.c does that on a GPU.
 * Labels mem, unit-like (NP 1, no GPU needed). */
#include "dlops_test.h"

#include "core/ctx_impl.h"
#include "../../cuda/mem_elems.h"
#include "stencil_progs.h"

static dlops_mem *hm;

static size_t esz(dlops_dtype t) { return dlops_dtype_size(t); }
static int cplx(dlops_dtype t) { return t == DLOPS_C64 || t == DLOPS_C128; }
static int dbl(dlops_dtype t) { return t == DLOPS_F64 || t == DLOPS_C128; }

static void *rnd(dlops_dtype t, int64_t n, unsigned long long seed) {
  void *h = malloc((size_t)(n ? n : 1) * esz(t));
  dlops_test_fill(h, n, t, seed);
  return h;
}

static void same(const char *what, dlops_dtype t, const void *got, const void *want, size_t bytes) {
  T_CHECK(!memcmp(got, want, bytes), "%s %s: the device element function differs from the host table", what,
          dlops_dtype_name(t));
}

/* ---- stencils (programs: stencil_progs.h) */
/* The host table over [0, total) against the element function over [lo, total) then [0, lo). */
static void stencil_case(const char *what, dlops_dtype t, int nterm, const dlops_stencil_term *terms, int64_t total) {
  const size_t bytes = (size_t)total * esz(t);
  void *want = rnd(t, total, 5), *got = rnd(t, total, 5);
  T_CALL(hm->ops->stencil(hm, t, nterm, terms, total, 0, total, want));
  dlops_cu_st_desc *d = malloc(sizeof *d);
  dlops_cu_stencil_prepare(dbl(t), cplx(t), nterm, terms, d);
  const int64_t nr = cplx(t) ? 2 * total : total, mid = nr / 3;
  for (int piece = 0; piece < 2; piece++)
    for (int64_t q = piece ? 0 : mid; q < (piece ? mid : nr); q++) {
      if (dbl(t))
        ((double *)got)[q] = dlops_cu_stencil_real_d(d, q);
      else
        ((float *)got)[q] = dlops_cu_stencil_real_s(d, q);
    }
  same(what, t, got, want, bytes);
  free(d);
  free(want);
  free(got);
}

static void check_stencils(dlops_dtype t) {
  const int64_t total = 5 * 6 * 4;
  void *x = rnd(t, total, 41), *x2 = rnd(t, total, 43), *gh = rnd(t, 4 * 3, 47);
  dlops_stencil_prog p1, p2, pm, po, pg;
  prog_first(&p1, 6, 0.7);
  prog_first(&pg, 6, 0.5); /* a power of two: the multiplication by 1/h */
  prog_mixed(&p2, 4, 0.25, 0);
  prog_mixed(&pm, 6, 1.3, 0);
  prog_mixed(&po, 4, 0.5, 1);
  dlops_stencil_term tm[2];
  memset(tm, 0, sizeof tm);
  tm[0].prog = &p1, tm[0].args.outer = 5, tm[0].args.inner = 4, tm[0].args.nrows = 6, tm[0].x = x, tm[0].weight = 1.0;
  tm[1].prog = &p2, tm[1].args.outer = 30, tm[1].args.inner = 1, tm[1].args.nrows = 4, tm[1].x = x2;
  tm[1].weight = -0.6;
  for (int k = 0; k < 2; k++)
    for (int g = 0; g < 2 * DLOPS_STENCIL_REACH; g++) tm[k].args.gmap[g] = -1;
  stencil_case("stencil one term", t, 1, tm, total);
  tm[0].prog = &pg;
  stencil_case("stencil one term, h a power of two", t, 1, tm, total);
  tm[0].prog = &p1;
  tm[0].weight = 2.5;
  stencil_case("stencil weighted term", t, 1, tm, total);
  tm[0].prog = &pm;
  stencil_case("stencil mixed program", t, 1, tm, total);
  tm[1].prog = &po;
  stencil_case("stencil SET then ADD", t, 1, tm + 1, total);
  tm[1].prog = &p2;
  stencil_case("stencil sum", t, 2, tm, total);
  tm[1].prog = &po;
  stencil_case("stencil sum, not accumulable", t, 2, tm, total);
  /* a larger (3, 40, 37) array: the host's chunks of 512 reals, its fused runs and its segment
   * table across chunk boundaries */
  {
    const int64_t big = 3 * 40 * 37;
    void *bx = rnd(t, big, 51), *bx2 = rnd(t, big, 53);
    dlops_stencil_prog q1, q2;
    prog_mixed(&q1, 40, 0.3, 0);
    prog_mixed(&q2, 37, 2.0, 0);
    dlops_stencil_term bt[2];
    memset(bt, 0, sizeof bt);
    bt[0].prog = &q1, bt[0].args.outer = 3, bt[0].args.inner = 37, bt[0].args.nrows = 40, bt[0].x = bx;
    bt[0].weight = 1.0;
    bt[1].prog = &q2, bt[1].args.outer = 120, bt[1].args.inner = 1, bt[1].args.nrows = 37, bt[1].x = bx2;
    bt[1].weight = 0.8;
    for (int k = 0; k < 2; k++)
      for (int g = 0; g < 2 * DLOPS_STENCIL_REACH; g++) bt[k].args.gmap[g] = -1;
    stencil_case("stencil one term, large", t, 1, bt, big);
    stencil_case("stencil last-axis term, large", t, 1, bt + 1, big);
    stencil_case("stencil sum, large", t, 2, bt, big);
    free(bx);
    free(bx2);
  }
  /* ghost rows: local rows [3, 7) of 11, ghost rows 1, 2 | 7, 8 */
  dlops_stencil_prog px;
  prog_mixed(&px, 11, 0.9, 0);
  memset(tm, 0, sizeof tm);
  tm[0].prog = &px, tm[0].args.outer = 1, tm[0].args.inner = 3, tm[0].args.row0 = 3, tm[0].args.nrows = 4;
  tm[0].args.ghost = gh, tm[0].args.nghost = 4;
  for (int g = 0; g < 4; g++) tm[0].args.gmap[g] = g;
  tm[0].x = x, tm[0].weight = 1.0;
  stencil_case("stencil with ghost rows", t, 1, tm, 12);
  tm[0].args.gmap[0] = -1; /* ghost rows a program never reads may be absent */
  tm[0].args.gmap[3] = -1;
  prog_first(&px, 11, 0.9);
  stencil_case("stencil with absent, unread ghost rows", t, 1, tm, 12);
  free(x);
  free(x2);
  free(gh);
}

/* ---- convolution */
static void check_conv(dlops_dtype t) {
  const dlops_mem_conv gs[] = {{3, 11, 9, 5, 4, 1}, {2, 13, 13, 1, 5, 2}, {1, 6, 8, 2, 7, 4}, {2, 700, 700, 1, 9, 4}, {1, 9, 7, 600, 4, 2}};
  for (size_t c = 0; c < sizeof gs / sizeof gs[0]; c++) {
    const dlops_mem_conv *g = &gs[c];
    const dlops_cu_conv_geom cg = {g->outer, g->n, g->ny, g->inner, g->nh, g->off};
    const int64_t nx = g->outer * g->n * g->inner, ny = g->outer * g->ny * g->inner;
    void *h = rnd(t, g->nh, 61 + c), *x = rnd(t, nx, 67 + c), *y = rnd(t, ny, 71 + c);
    void *want = malloc((size_t)(nx > ny ? nx : ny) * esz(t)), *got = malloc((size_t)(nx > ny ? nx : ny) * esz(t));
    for (int adj = 0; adj < 2; adj++) {
      const int64_t nout = adj ? nx : ny;
      T_CALL(hm->ops->conv1d(hm, t, adj, g, h, adj ? y : x, want));
      for (int64_t l = 0; l < nout; l++) switch (t) {
          case DLOPS_F32:
            ((float *)got)[l] = adj ? dlops_cu_conv_adj_rs(&cg, h, y, l) : dlops_cu_conv_fwd_rs(&cg, h, x, l);
            break;
          case DLOPS_F64:
            ((double *)got)[l] = adj ? dlops_cu_conv_adj_rd(&cg, h, y, l) : dlops_cu_conv_fwd_rd(&cg, h, x, l);
            break;
          case DLOPS_C64:
            if (adj) dlops_cu_conv_adj_cs(&cg, h, y, l, (float *)got + 2 * l);
            else dlops_cu_conv_fwd_cs(&cg, h, x, l, (float *)got + 2 * l);
            break;
          default:
            if (adj) dlops_cu_conv_adj_cd(&cg, h, y, l, (double *)got + 2 * l);
            else dlops_cu_conv_fwd_cd(&cg, h, x, l, (double *)got + 2 * l);
            break;
        }
      same(adj ? "conv1d adjoint" : "conv1d forward", t, got, want, (size_t)nout * esz(t));
    }
    free(h), free(x), free(y), free(want), free(got);
  }
}

/* ---- random fill and strided copies */
static void store_el(void *p, dlops_dtype t, int64_t i, double re, double im) {
  switch (t) {
    case DLOPS_F32: ((float *)p)[i] = (float)re; break;
    case DLOPS_F64: ((double *)p)[i] = re; break;
    case DLOPS_C64: ((float *)p)[2 * i] = (float)re, ((float *)p)[2 * i + 1] = (float)im; break;
    default: ((double *)p)[2 * i] = re, ((double *)p)[2 * i + 1] = im; break;
  }
}

static void check_random_strided(dlops_dtype t) {
  const int64_t A = 5, B = 7, C = 3, n = A * B * C;
  const size_t es = esz(t);
  void *want = calloc((size_t)n, es), *got = calloc((size_t)n, es), *x = rnd(t, n, 99);
  dlops_mem_rand r;
  memset(&r, 0, sizeof r);
  r.ndim = 3, r.axis = 1, r.offset = 4, r.base = 1234, r.seed = 77, r.lo = -2, r.hi = 3;
  r.gshape[0] = A, r.gshape[1] = B + 6, r.gshape[2] = C;
  r.lshape[0] = A, r.lshape[1] = B, r.lshape[2] = C;
  T_CALL(hm->ops->random(hm, t, &r, want));
  dlops_cu_rand_geom g;
  memset(&g, 0, sizeof g);
  g.ndim = r.ndim, g.axis = r.axis, g.offset = r.offset, g.base = r.base, g.seed = r.seed, g.lo = r.lo, g.hi = r.hi;
  for (int d = 0; d < 3; d++) g.gshape[d] = r.gshape[d], g.lshape[d] = r.lshape[d];
  for (int64_t l = 0; l < n; l++) {
    double re, im;
    dlops_cu_rand_at(&g, cplx(t), l, &re, &im);
    store_el(got, t, l, re, im);
  }
  same("random", t, got, want, (size_t)n * es);
  /* a transpose (C, A, B) of (A, B, C) */
  dlops_mem_strided s;
  memset(&s, 0, sizeof s);
  s.ndim = 3;
  s.shape[0] = C, s.shape[1] = A, s.shape[2] = B;
  s.dst_stride[0] = A * B, s.dst_stride[1] = B, s.dst_stride[2] = 1;
  s.src_stride[0] = 1, s.src_stride[1] = B * C, s.src_stride[2] = C;
  T_CALL(hm->ops->strided(hm, es, &s, want, x));
  dlops_cu_strided_geom sg;
  memset(&sg, 0, sizeof sg);
  sg.ndim = 3;
  for (int d = 0; d < 3; d++) sg.shape[d] = s.shape[d], sg.dst_stride[d] = s.dst_stride[d], sg.src_stride[d] = s.src_stride[d];
  for (int64_t l = 0; l < n; l++) {
    int64_t doff, soff;
    dlops_cu_strided_at(&sg, l, &doff, &soff);
    memcpy((char *)got + (size_t)doff * es, (const char *)x + (size_t)soff * es, es);
  }
  same("strided transpose", t, got, want, (size_t)n * es);
  free(want), free(got), free(x);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  hm = ctx->mems[DLOPS_MEM_HOST];
  for (int t = 0; t < DLOPS_NUM_DTYPES; t++) {
    check_stencils((dlops_dtype)t);
    check_conv((dlops_dtype)t);
    check_random_strided((dlops_dtype)t);
  }
  return dlops_test_finish(ctx);
}
