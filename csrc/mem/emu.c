/* The emulated device (test builds, spec mem=emu): a memory space that behaves like a GPU's
 * without one, so that every code path of device data runs in CI.
 *
 * - Its memory lives apart from host memory: each allocation is its own anonymous mapping with
 *   PROT_NONE, so any host dereference of device data faults (SIGSEGV) at once.
 * - Its kernels are the host kernels (host.c), run while the pages they touch are opened:
 *   read-only for inputs, read-write for outputs, closed again before the call returns. A kernel
 *   handed a pointer that is not emulated-device memory fails with DLOPS_ERR_INTERNAL instead of
 *   opening someone else's pages.
 * - MPI is never handed its pointers (mpi_direct = 0): the communication layer stages them
 *   through host memory as it would without CUDA-aware MPI.
 * - It counts kernel launches and host<->device copies per context, like a real device table.
 *
 * Process-wide registry of the mappings; not thread-safe (dlops is used from one thread per
 * rank). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem.h"

typedef struct {
  char *base;
  size_t len;
} blk;

static blk *blks;
static size_t nblk, capblk, pagesz;

static size_t page(void) {
  if (!pagesz) {
    long p = sysconf(_SC_PAGESIZE);
    pagesz = p > 0 ? (size_t)p : 4096;
  }
  return pagesz;
}

/* Index of the last block whose base is <= p, or -1. */
static long find(const char *p) {
  long lo = 0, hi = (long)nblk - 1, r = -1;
  while (lo <= hi) {
    long mid = (lo + hi) / 2;
    if (blks[mid].base <= p) {
      r = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return r;
}

/* Map and register a block; 0, or -1 with errno (ENOMEM: the registry could not grow). */
static int map_block(size_t bytes, void **out) {
  *out = NULL;
  size_t ps = page(), len = ((bytes ? bytes : 1) + ps - 1) / ps * ps;
  if (nblk == capblk) {
    size_t nc = capblk ? 2 * capblk : 64;
    blk *nb = realloc(blks, nc * sizeof *nb);
    if (!nb) {
      errno = ENOMEM;
      return -1;
    }
    blks = nb;
    capblk = nc;
  }
  void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return -1;
  long i = find(p) + 1;
  memmove(blks + i + 1, blks + i, (nblk - (size_t)i) * sizeof *blks);
  blks[i].base = p;
  blks[i].len = len;
  nblk++;
  *out = p; /* anonymous mappings are zero-filled */
  return 0;
}

static int e_alloc(dlops_mem *m, size_t bytes, void **out) {
  *out = NULL;
  DLOPS_CALL(dlops_mem_alloc_check(m, bytes)); /* counted (fault injection) */
  if (map_block(bytes, out))
    return DLOPS_ERROR(m->ctx, DLOPS_ERR_MEM, "emu: cannot map %zu bytes of emulated device memory: %s", bytes,
                       strerror(errno));
  return DLOPS_SUCCESS;
}

static void e_free(dlops_mem *m, void *p) {
  (void)m;
  if (!p) return;
  long i = find(p);
  if (i < 0 || blks[i].base != (char *)p) return; /* not ours: nothing to unmap */
  munmap(blks[i].base, blks[i].len);
  memmove(blks + i, blks + i + 1, (nblk - (size_t)i - 1) * sizeof *blks);
  nblk--;
}

int dlops_emu_raw_alloc(size_t bytes, void **p) { return map_block(bytes, p); }
int dlops_emu_raw_free(void *p) {
  long i = p ? find(p) : -1;
  if (i < 0 || blks[i].base != (char *)p) return -1;
  e_free(NULL, p);
  return 0;
}

static int e_host_alloc(dlops_mem *m, size_t bytes, void **p) {
  *p = malloc(bytes ? bytes : 1);
  if (!*p) return DLOPS_ERROR(m->ctx, DLOPS_ERR_MEM, "cannot allocate %zu bytes of staging memory", bytes);
  return DLOPS_SUCCESS;
}
static void e_host_free(dlops_mem *m, void *p) {
  (void)m;
  free(p);
}

/* ---------------------------------------------------------------- opening pages for a kernel */
typedef struct {
  const void *p;
  size_t bytes;
  int write;
} region;

#define MAXREG 4

static void protect(const region *r, int prot) {
  size_t ps = page();
  uintptr_t a = (uintptr_t)r->p / ps * ps, e = ((uintptr_t)r->p + r->bytes + ps - 1) / ps * ps;
  mprotect((void *)a, e - a, prot);
}

static int open_regions(dlops_mem *m, const char *what, region *r, int n) {
  for (int k = 0; k < n; k++) {
    if (!r[k].bytes) continue;
    long i = find(r[k].p);
    if (i < 0 || (const char *)r[k].p + r[k].bytes > blks[i].base + blks[i].len)
      return DLOPS_ERROR(m->ctx, DLOPS_ERR_INTERNAL,
                         "emu: %s was handed %zu bytes at %p that are not emulated-device memory (a host buffer given "
                         "to a device kernel: a bug in dlops)",
                         what, r[k].bytes, r[k].p);
  }
  for (int pass = 0; pass < 2; pass++) /* inputs read-only first, then outputs read-write */
    for (int k = 0; k < n; k++)
      if (r[k].bytes && r[k].write == pass) protect(&r[k], pass ? PROT_READ | PROT_WRITE : PROT_READ);
  return DLOPS_SUCCESS;
}

static void close_regions(const region *r, int n) {
  for (int k = 0; k < n; k++)
    if (r[k].bytes) protect(&r[k], PROT_NONE);
}

int dlops_emu_access(const void *p, size_t bytes, int mode) {
  if (!bytes) return 0;
  long i = find(p);
  if (!p || i < 0 || (const char *)p + bytes > blks[i].base + blks[i].len) return -1;
  region r = {p, bytes, mode == 2};
  protect(&r, mode == 2 ? PROT_READ | PROT_WRITE : mode == 1 ? PROT_READ : PROT_NONE);
  return 0;
}

/* Run one host kernel on opened regions and count it. */
#define EMU_RUN(m, what, nreg, call)                           \
  do {                                                         \
    int e_ = open_regions((m), (what), reg, (nreg));           \
    if (e_) return e_;                                         \
    e_ = (call);                                               \
    close_regions(reg, (nreg));                                \
    (m)->cnt.kernels++;                                        \
    return e_;                                                 \
  } while (0)

static size_t nbytes(dlops_dtype t, int64_t n) { return n > 0 ? (size_t)n * dlops_dtype_size(t) : 0; }

/* ---------------------------------------------------------------- copies */
static int e_copy(dlops_mem *m, void *dst, dlops_memspace ds, const void *src, dlops_memspace ss, size_t bytes,
                  int flags) {
  if (!bytes) return DLOPS_SUCCESS;
  region reg[2];
  int n = 0;
  if (ss == DLOPS_MEM_DEVICE) reg[n++] = (region){src, bytes, 0};
  if (ds == DLOPS_MEM_DEVICE) reg[n++] = (region){dst, bytes, 1};
  int e = open_regions(m, "copy", reg, n);
  if (e) return e;
  memmove(dst, src, bytes);
  close_regions(reg, n);
  dlops_mem_count_copy(m, ds, ss, bytes, flags);
  return DLOPS_SUCCESS;
}

static int e_sync(dlops_mem *m) {
  (void)m;
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- element kernels */
#define H dlops_mem_host_ops

static int e_fill(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar v, void *x) {
  region reg[1] = {{x, nbytes(t, n), 1}};
  EMU_RUN(m, "fill", 1, H.fill(m, t, n, v, x));
}
static int e_convert(dlops_mem *m, int64_t n, dlops_dtype tx, const void *x, dlops_dtype ty, void *y) {
  region reg[2] = {{x, nbytes(tx, n), 0}, {y, nbytes(ty, n), 1}};
  EMU_RUN(m, "convert", 2, H.convert(m, n, tx, x, ty, y));
}
static int e_axpby(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar a, const void *x, dlops_scalar b, void *y) {
  region reg[2] = {{x, nbytes(t, n), 0}, {y, nbytes(t, n), 1}};
  EMU_RUN(m, "axpby", 2, H.axpby(m, t, n, a, x, b, y));
}
static int e_step(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar a, void *p, void *y, const void *r,
                  dlops_scalar b) {
  region reg[3] = {{r, nbytes(t, n), 0}, {p, nbytes(t, n), 1}, {y, nbytes(t, n), 1}};
  EMU_RUN(m, "step", 3, H.step(m, t, n, a, p, y, r, b));
}
static int e_scale(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar a, void *x) {
  region reg[1] = {{x, nbytes(t, n), 1}};
  EMU_RUN(m, "scale", 1, H.scale(m, t, n, a, x));
}
static int e_conj(dlops_mem *m, dlops_dtype t, int64_t n, void *x) {
  region reg[1] = {{x, nbytes(t, n), 1}};
  EMU_RUN(m, "conj", 1, H.conj(m, t, n, x));
}
static int e_mult(dlops_mem *m, dlops_dtype t, int64_t n, const void *x, int conj_x, const void *y, void *z) {
  region reg[3] = {{x, nbytes(t, n), 0}, {y, nbytes(t, n), 0}, {z, nbytes(t, n), 1}};
  EMU_RUN(m, "mult", 3, H.mult(m, t, n, x, conj_x, y, z));
}
static int e_map(dlops_mem *m, dlops_map_kind kind, double p0, double p1, dlops_dtype t, int64_t n, const void *in,
                 void *out) {
  region reg[2] = {{in, nbytes(t, n), 0}, {out, nbytes(t, n), 1}};
  EMU_RUN(m, "map", 2, H.map(m, kind, p0, p1, t, n, in, out));
}
static int e_dot(dlops_mem *m, dlops_dtype t, int64_t n, const void *x, const void *y, int conj_x, double *out) {
  region reg[3] = {{x, nbytes(t, n), 0}, {y, nbytes(t, n), 0}, {out, 2 * sizeof(double), 1}};
  EMU_RUN(m, "dot", 3, H.dot(m, t, n, x, y, conj_x, out));
}
static int e_norm(dlops_mem *m, dlops_dtype t, int64_t n, const void *x, double ord, double *out) {
  region reg[2] = {{x, nbytes(t, n), 0}, {out, sizeof(double), 1}};
  EMU_RUN(m, "norm", 2, H.norm(m, t, n, x, ord, out));
}
static int e_random(dlops_mem *m, dlops_dtype t, const dlops_mem_rand *r, void *x) {
  int64_t n = 1;
  for (int d = 0; d < r->ndim; d++) n *= r->lshape[d];
  region reg[1] = {{x, nbytes(t, n), 1}};
  EMU_RUN(m, "random", 1, H.random(m, t, r, x));
}

static int e_dot_exact(dlops_mem *m, const void *x, const void *y, int64_t n, dlops_dtype t, int conj_x,
                       dlops_exact *re, dlops_exact *im) {
  region reg[4] = {{x, nbytes(t, n), 0}, {y, nbytes(t, n), 0}, {re, sizeof *re, 1}, {im, im ? sizeof *im : 0, 1}};
  EMU_RUN(m, "dot_exact", 4, H.dot_exact(m, x, y, n, t, conj_x, re, im));
}
static int e_norm_exact(dlops_mem *m, const void *x, int64_t n, dlops_dtype t, double ord, dlops_exact *acc) {
  region reg[2] = {{x, nbytes(t, n), 0}, {acc, sizeof *acc, 1}};
  EMU_RUN(m, "norm_exact", 2, H.norm_exact(m, x, n, t, ord, acc));
}

/* Bytes spanned by a strided access (non-negative strides). */
static size_t span(size_t es, int ndim, const int64_t *shape, const int64_t *stride) {
  int64_t last = 0;
  for (int k = 0; k < ndim; k++) {
    if (shape[k] == 0) return 0;
    last += (shape[k] - 1) * stride[k];
  }
  return (size_t)(last + 1) * es;
}
static int e_strided(dlops_mem *m, size_t es, const dlops_mem_strided *s, void *dst, const void *src) {
  region reg[2] = {{src, span(es, s->ndim, s->shape, s->src_stride), 0},
                   {dst, span(es, s->ndim, s->shape, s->dst_stride), 1}};
  EMU_RUN(m, "strided copy", 2, H.strided(m, es, s, dst, src));
}

/* ---------------------------------------------------------------- operator kernels */
static int e_stencil(dlops_mem *m, dlops_dtype t, int nterm, const dlops_stencil_term *terms, int64_t n, int64_t lo,
                     int64_t hi, void *y) {
  DLOPS_CALL(dlops_mem_stencil_check(m, nterm, n, lo, hi));
  region reg[2 * DLOPS_STENCIL_MAXTERM + 1];
  int nr = 0;
  for (int k = 0; k < nterm; k++) { /* an input given twice is opened twice: harmless */
    const dlops_stencil_args *a = &terms[k].args;
    reg[nr++] = (region){terms[k].x, nbytes(t, n), 0};
    reg[nr++] = (region){a->ghost, a->ghost ? nbytes(t, a->nghost * a->inner) : 0, 0};
  }
  reg[nr++] = (region){y, nbytes(t, n), 1};
  EMU_RUN(m, "stencil", nr, H.stencil(m, t, nterm, terms, n, lo, hi, y));
}
static int e_conv1d(dlops_mem *m, dlops_dtype t, int adj, const dlops_mem_conv *g, const void *h, const void *in,
                    void *out) {
  int64_t nm = g->outer * g->n * g->inner, nd = g->outer * g->ny * g->inner;
  region reg[3] = {{h, nbytes(t, g->nh), 0}, {in, nbytes(t, adj ? nd : nm), 0}, {out, nbytes(t, adj ? nm : nd), 1}};
  EMU_RUN(m, "conv1d", 3, H.conv1d(m, t, adj, g, h, in, out));
}
static int64_t extent(int rows, int cols, int ld) { return rows > 0 && cols > 0 ? (int64_t)(rows - 1) * ld + cols : 0; }
static int e_gemv(dlops_mem *m, dlops_dtype t, char op, int rows, int cols, dlops_scalar alpha, const void *a, int lda,
                  const void *x, dlops_scalar beta, void *y) {
  int64_t nx = op == 'N' ? cols : rows, ny = op == 'N' ? rows : cols;
  if (rows <= 0 || cols <= 0) nx = ny = 0;
  region reg[3] = {{a, nbytes(t, extent(rows, cols, lda)), 0}, {x, nbytes(t, nx), 0}, {y, nbytes(t, ny), 1}};
  EMU_RUN(m, "gemv", 3, H.gemv(m, t, op, rows, cols, alpha, a, lda, x, beta, y));
}
static int e_gemm(dlops_mem *m, dlops_dtype t, char opa, char opb, int rows, int cols, int inner, dlops_scalar alpha,
                  const void *a, int lda, const void *b, int ldb, dlops_scalar beta, void *c, int ldc) {
  int64_t na = 0, nb = 0, nc = 0;
  if (rows > 0 && cols > 0) {
    na = opa == 'N' ? extent(rows, inner, lda) : extent(inner, rows, lda);
    nb = opb == 'N' ? extent(inner, cols, ldb) : extent(cols, inner, ldb);
    nc = extent(rows, cols, ldc);
  }
  region reg[3] = {{a, nbytes(t, na), 0}, {b, nbytes(t, nb), 0}, {c, nbytes(t, nc), 1}};
  EMU_RUN(m, "gemm", 3, H.gemm(m, t, opa, opb, rows, cols, inner, alpha, a, lda, b, ldb, beta, c, ldc));
}

static int e_gemm_strided(dlops_mem *m, dlops_dtype t, char opa, char opb, int rows, int cols, int inner,
                          dlops_scalar alpha, const void *a, int lda, int64_t sa, const void *b, int ldb, int64_t sb,
                          dlops_scalar beta, void *c, int ldc, int64_t sc, int64_t count) {
  int64_t na = 0, nb = 0, nc = 0;
  if (rows > 0 && cols > 0 && count > 0) { /* the last product's extent past its start */
    na = (count - 1) * sa + (opa == 'N' ? extent(rows, inner, lda) : extent(inner, rows, lda));
    nb = (count - 1) * sb + (opb == 'N' ? extent(inner, cols, ldb) : extent(cols, inner, ldb));
    nc = (count - 1) * sc + extent(rows, cols, ldc);
  }
  region reg[3] = {{a, nbytes(t, na), 0}, {b, nbytes(t, nb), 0}, {c, nbytes(t, nc), 1}};
  EMU_RUN(m, "gemm_strided", 3,
          H.gemm_strided(m, t, opa, opb, rows, cols, inner, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, count));
}

static int e_fft(dlops_mem *m, void *plan, int adj, dlops_dtype tin, const void *in, dlops_dtype tout, void *out) {
  const dlops_mem_fft *g = dlops_fft_host_geom(plan);
  const int64_t nd = g->outer * g->n * g->inner, nr = g->outer * g->nf * g->inner;
  region reg[2] = {{in, nbytes(tin, adj ? nr : nd), 0}, {out, nbytes(tout, adj ? nd : nr), 1}};
  EMU_RUN(m, "fft", 2, dlops_fft_host_exec(m, plan, adj, tin, in, tout, out));
}

const dlops_mem_ops dlops_mem_emu_ops = {
    .name = "emu",
    .space = DLOPS_MEM_DEVICE,
    .mpi_direct = 0,
    .alloc = e_alloc,
    .free = e_free,
    .host_alloc = e_host_alloc,
    .host_free = e_host_free,
    .copy = e_copy,
    .sync = e_sync,
    .fill = e_fill,
    .convert = e_convert,
    .axpby = e_axpby,
    .step = e_step,
    .scale = e_scale,
    .conj = e_conj,
    .mult = e_mult,
    .map = e_map,
    .dot = e_dot,
    .norm = e_norm,
    .random = e_random,
    .strided = e_strided,
    .stencil = e_stencil,
    .conv1d = e_conv1d,
    .gemv = e_gemv,
    .gemm = e_gemm,
    .fft_plan = dlops_fft_host_plan, /* host memory: the plan and its work buffers are the kernel's own */
    .fft_free = dlops_fft_host_free,
    .fft = e_fft,
    .gemm_strided = e_gemm_strided,
    .dot_exact = e_dot_exact,
    .norm_exact = e_norm_exact,
};
