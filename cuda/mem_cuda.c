/* The CUDA memory space (mem=device): the dlops_mem_ops table of csrc/mem/mem.h on a CUDA device,
 * inside the GPU plugin. Kernels are in mem_kernels.cu (their per-element bodies are the host's
 * inline functions of kernels.h and stencil.h); gemv and gemm go to cuBLAS.
 *
 * Compiled, not run on a GPU in this repository's CI (there is none): validation/gpu/
 * test_gpu_mem_table.c compares every entry against the host table when a device is there, and
 * test_cuda_elems_host.c checks the index-heavy element functions (mem_elems.h) on the CPU.
 *
 * Per context (init/fini, called by dlops_mem_create/dlops_mem_destroy): one CUDA stream
 * (m->queue; created non-blocking, so it never waits on the legacy default stream; the NCCL
 * backend is to enqueue its collectives on the same stream), one cuBLAS handle bound to it, and a
 * small device buffer for the reductions' per-block partials. The device is the one current on
 * the creating thread (the probe, cuda/device.c, chose it by node-local rank).
 *
 * Synchronisation points. Every kernel, cuBLAS call and copy of a context goes on its one stream,
 * in call order, so the table's calls are ordered among themselves without waiting. The host waits
 * (cudaStreamSynchronize) only where the contract of mem.h needs it:
 *   - copy with a host side (D2H and H2D): the stream is synchronised before copy returns, so
 *     host data read back is complete, and a host source (a reused, page-locked staging buffer of
 *     the communication layer included) may be overwritten as soon as copy returns;
 *   - sync(): the stream, for callers that hand device memory to a library outside the stream
 *     (MPI, MPI-IO);
 *   - fini: the stream, before the handle, the stream and the buffers go.
 * free (cudaFree) waits for the device as CUDA defines it. Everything else (alloc's zero fill,
 * device-to-device copies, fill, element kernels, reductions into device memory, strided copies,
 * stencils, convolutions, gemv, gemm) returns once enqueued.
 *
 * MPI may be handed this table's pointers (mpi_direct = 1): with a CUDA-aware MPI (or stage=never)
 * two-sided MPI gets device buffers as they are, after the communication layer has synchronised
 * the stream (comm.c, direct_ready); otherwise (stage=always, a plain MPI, RMA) they are staged
 * through reused page-locked host buffers. NCCL queues its collectives on the same stream.
 *
 * Deterministic reductions: dot_exact and norm_exact are NULL here (mem.h allows it), so a context
 * with deterministic=1 and mem=device is refused (DLOPS_ERR_UNSUPPORTED) when it is created. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../csrc/mem/mem.h"
#include "cuda_impl.h"
#include "mem_kernels.h"

typedef struct {
  cudaStream_t stream;
  cublasHandle_t blas;
  double *part; /* 2 * DLOPS_CU_RED_MAXBLOCKS reduction partials */
} cu_state;

static cu_state *S(dlops_mem *m) { return (cu_state *)m->impl; }
static cudaStream_t Q(dlops_mem *m) { return S(m)->stream; }
static int is_complex(dlops_dtype t) { return t == DLOPS_C64 || t == DLOPS_C128; }

/* A launcher's result: counted as one kernel of m, a failure recorded as DLOPS_ERR_CUDA. */
static int launched(dlops_mem *m, cudaError_t e, const char *what) {
  m->cnt.kernels++;
  if (e != cudaSuccess) return dlops_error_cuda(m->ctx, e, __FILE__, __LINE__, __func__, what);
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- per context */
static void c_fini(dlops_mem *m) {
  cu_state *st = S(m);
  if (!st) return;
  if (st->stream) (void)cudaStreamSynchronize(st->stream);
  if (st->part) (void)cudaFree(st->part);
  if (st->blas) (void)cublasDestroy(st->blas);
  if (st->stream) (void)cudaStreamDestroy(st->stream);
  (void)cudaGetLastError();
  free(st);
  m->impl = NULL;
  m->queue = NULL;
}

static int c_init(dlops_mem *m) {
  cu_state *st = calloc(1, sizeof *st);
  DLOPS_CHECK(st, m->ctx, DLOPS_ERR_MEM, "cannot allocate the CUDA memory space's state");
  m->impl = st;
  int err = DLOPS_SUCCESS;
  DLOPS_CUDA_ERR(m->ctx, err, cudaStreamCreateWithFlags(&st->stream, cudaStreamNonBlocking));
  if (!err) {
    cublasStatus_t b = cublasCreate(&st->blas);
    if (b == CUBLAS_STATUS_SUCCESS) b = cublasSetStream(st->blas, st->stream);
    if (b != CUBLAS_STATUS_SUCCESS) err = dlops_error_cublas(m->ctx, b, __FILE__, __LINE__, __func__, "cublasCreate");
  }
  /* table state, not data: not counted by dlops_mem_alloc_check (so the allocation counts of
   * DLOPS_FAULT_ALLOC are the same in every memory space) */
  DLOPS_CUDA_ERR(m->ctx, err, cudaMalloc((void **)&st->part, sizeof(double) * 2 * DLOPS_CU_RED_MAXBLOCKS));
  if (err) {
    c_fini(m);
    return err;
  }
  m->queue = st->stream;
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- memory */
static int c_alloc(dlops_mem *m, size_t bytes, void **p) {
  *p = NULL;
  DLOPS_CALL(dlops_mem_alloc_check(m, bytes)); /* counted (fault injection) */
  void *q = NULL;
  cudaError_t e = cudaMalloc(&q, bytes ? bytes : 1); /* 0 bytes: still a valid, unique pointer */
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return DLOPS_ERROR(m->ctx, DLOPS_ERR_MEM, "cannot allocate %zu bytes of CUDA device memory: %s (%s)", bytes,
                       cudaGetErrorName(e), cudaGetErrorString(e));
  }
  e = cudaMemsetAsync(q, 0, bytes ? bytes : 1, Q(m)); /* zero-filled, in stream order */
  if (e != cudaSuccess) {
    (void)cudaFree(q);
    return dlops_error_cuda(m->ctx, e, __FILE__, __LINE__, __func__, "cudaMemsetAsync");
  }
  *p = q;
  return DLOPS_SUCCESS;
}

static void c_free(dlops_mem *m, void *p) {
  (void)m;
  if (p && cudaFree(p) != cudaSuccess) (void)cudaGetLastError();
}

static int c_host_alloc(dlops_mem *m, size_t bytes, void **p) {
  *p = NULL;
  cudaError_t e = cudaMallocHost(p, bytes ? bytes : 1);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    *p = NULL;
    return DLOPS_ERROR(m->ctx, DLOPS_ERR_MEM, "cannot allocate %zu bytes of page-locked host memory: %s (%s)", bytes,
                       cudaGetErrorName(e), cudaGetErrorString(e));
  }
  return DLOPS_SUCCESS;
}

static void c_host_free(dlops_mem *m, void *p) {
  (void)m;
  if (p && cudaFreeHost(p) != cudaSuccess) (void)cudaGetLastError();
}

static int c_copy(dlops_mem *m, void *dst, dlops_memspace ds, const void *src, dlops_memspace ss, size_t bytes,
                  int flags) {
  if (!bytes || dst == src) return DLOPS_SUCCESS;
  if (ds == DLOPS_MEM_HOST && ss == DLOPS_MEM_HOST) {
    memmove(dst, src, bytes);
    return DLOPS_SUCCESS;
  }
  const char *d = dst, *s = src;
  if (ds == DLOPS_MEM_DEVICE && ss == DLOPS_MEM_DEVICE && d < s + bytes && s < d + bytes) {
    /* overlapping device ranges (memmove semantics): through a temporary */
    void *tmp = NULL;
    DLOPS_CALL_CUDA(m->ctx, cudaMalloc(&tmp, bytes));
    int err = DLOPS_SUCCESS;
    DLOPS_CUDA_ERR(m->ctx, err, cudaMemcpyAsync(tmp, src, bytes, cudaMemcpyDeviceToDevice, Q(m)));
    DLOPS_CUDA_ERR(m->ctx, err, cudaMemcpyAsync(dst, tmp, bytes, cudaMemcpyDeviceToDevice, Q(m)));
    (void)cudaFree(tmp); /* waits for the copies */
    dlops_mem_count_copy(m, ds, ss, bytes, flags);
    return err;
  }
  DLOPS_CALL_CUDA(m->ctx, cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault, Q(m)));
  dlops_mem_count_copy(m, ds, ss, bytes, flags);
  if (ds == DLOPS_MEM_HOST || ss == DLOPS_MEM_HOST) DLOPS_CALL_CUDA(m->ctx, cudaStreamSynchronize(Q(m)));
  return DLOPS_SUCCESS;
}

static int c_sync(dlops_mem *m) {
  DLOPS_CALL_CUDA(m->ctx, cudaStreamSynchronize(Q(m)));
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- element kernels */
static int c_fill(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar v, void *x) {
  return launched(m, dlops_cu_fill(t, n, v.re, v.im, x, Q(m)), "fill kernel");
}

static int c_convert(dlops_mem *m, int64_t n, dlops_dtype tx, const void *x, dlops_dtype ty, void *y) {
  if (tx == ty) {
    if (n && x != y)
      return c_copy(m, y, DLOPS_MEM_DEVICE, x, DLOPS_MEM_DEVICE, (size_t)n * dlops_dtype_size(tx), 0);
    return DLOPS_SUCCESS;
  }
  return launched(m, dlops_cu_convert(n, tx, x, ty, y, Q(m)), "convert kernel");
}

static int c_axpby(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar a, const void *x, dlops_scalar b, void *y) {
  return launched(m, dlops_cu_axpby(t, n, a, x, b, y, Q(m)), "axpby kernel");
}

static int c_step(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar a, void *p, void *y, const void *r,
                  dlops_scalar b) {
  return launched(m, dlops_cu_step(t, n, a, p, y, r, b, Q(m)), "step kernel");
}

static int c_scale(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar a, void *x) {
  return launched(m, dlops_cu_scale(t, n, a, x, Q(m)), "scale kernel");
}

static int c_conj(dlops_mem *m, dlops_dtype t, int64_t n, void *x) {
  if (!is_complex(t)) return DLOPS_SUCCESS;
  return launched(m, dlops_cu_conj(t, n, x, Q(m)), "conj kernel");
}

static int c_mult(dlops_mem *m, dlops_dtype t, int64_t n, const void *x, int conj_x, const void *y, void *z) {
  return launched(m, dlops_cu_mult(t, n, x, conj_x, y, z, Q(m)), "mult kernel");
}

static int c_map(dlops_mem *m, dlops_map_kind kind, double p0, double p1, dlops_dtype t, int64_t n, const void *in,
                 void *out) {
  return launched(m, dlops_cu_map((int)kind, p0, p1, t, n, in, out, Q(m)), "map kernel");
}

static int c_dot(dlops_mem *m, dlops_dtype t, int64_t n, const void *x, const void *y, int conj_x, double *out) {
  return launched(m, dlops_cu_dot(t, n, x, y, conj_x, out, S(m)->part, Q(m)), "dot kernels");
}

static int c_norm(dlops_mem *m, dlops_dtype t, int64_t n, const void *x, double ord, double *out) {
  return launched(m, dlops_cu_norm(t, n, x, ord, out, S(m)->part, Q(m)), "norm kernels");
}

static int c_random(dlops_mem *m, dlops_dtype t, const dlops_mem_rand *r, void *x) {
  dlops_cu_rand_geom g;
  memset(&g, 0, sizeof g);
  g.ndim = r->ndim;
  g.axis = r->axis;
  for (int d = 0; d < r->ndim && d < DLOPS_MAX_NDIM; d++) {
    g.gshape[d] = r->gshape[d];
    g.lshape[d] = r->lshape[d];
  }
  g.offset = r->offset;
  g.base = r->base;
  g.seed = r->seed;
  g.lo = r->lo;
  g.hi = r->hi;
  return launched(m, dlops_cu_random(t, &g, x, Q(m)), "random kernel");
}

/* ---------------------------------------------------------------- strided copies */
static int c_strided(dlops_mem *m, size_t es, const dlops_mem_strided *s, void *dst, const void *src) {
  /* drop unit axes, then merge axes contiguous in both arrays (as host.c does) */
  dlops_cu_strided_geom g;
  memset(&g, 0, sizeof g);
  int nd = 0;
  int64_t nel = 1;
  for (int k = 0; k < s->ndim; k++) {
    if (s->shape[k] == 0) return DLOPS_SUCCESS;
    nel *= s->shape[k];
    if (s->shape[k] == 1) continue;
    if (nd > 0 && g.dst_stride[nd - 1] == s->dst_stride[k] * s->shape[k] &&
        g.src_stride[nd - 1] == s->src_stride[k] * s->shape[k]) {
      g.shape[nd - 1] *= s->shape[k];
      g.dst_stride[nd - 1] = s->dst_stride[k];
      g.src_stride[nd - 1] = s->src_stride[k];
      continue;
    }
    g.shape[nd] = s->shape[k];
    g.dst_stride[nd] = s->dst_stride[k];
    g.src_stride[nd] = s->src_stride[k];
    nd++;
  }
  if (nd == 0 || (nd == 1 && g.dst_stride[0] == 1 && g.src_stride[0] == 1)) /* one contiguous run */
    return c_copy(m, dst, DLOPS_MEM_DEVICE, src, DLOPS_MEM_DEVICE, (size_t)nel * es, 0);
  g.ndim = nd;
  return launched(m, dlops_cu_strided(es, &g, nel, dst, src, Q(m)), "strided copy kernel");
}

/* ---------------------------------------------------------------- operator kernels */
static int c_stencil(dlops_mem *m, dlops_dtype t, int nterm, const dlops_stencil_term *terms, int64_t n, int64_t lo,
                     int64_t hi, void *y) {
  DLOPS_CALL(dlops_mem_stencil_check(m, nterm, n, lo, hi));
  const int dbl = t == DLOPS_F64 || t == DLOPS_C128;
  return launched(m, dlops_cu_stencil(dbl, is_complex(t), nterm, terms, lo, hi, y, Q(m)), "stencil kernel");
}

static int c_conv1d(dlops_mem *m, dlops_dtype t, int adj, const dlops_mem_conv *g, const void *h, const void *in,
                    void *out) {
  const dlops_cu_conv_geom c = {g->outer, g->n, g->ny, g->inner, g->nh, g->off};
  return launched(m, dlops_cu_conv1d(t, adj, &c, h, in, out, Q(m)), "conv1d kernel");
}

/* cuBLAS is column-major: a row-major matrix A (rows x cols, lda) is the column-major A^T
 * (cols x rows, lda), so row-major products are computed as their transposes. */
static int c_gemv(dlops_mem *m, dlops_dtype t, char op, int rows, int cols, dlops_scalar alpha, const void *a, int lda,
                  const void *x, dlops_scalar beta, void *y) {
  if (rows <= 0 || cols <= 0) return DLOPS_SUCCESS;
  cublasHandle_t h = S(m)->blas;
  m->cnt.kernels++;
  if (op == 'C' && is_complex(t)) {
    /* y = A^H x = conj(A^T) x: cuBLAS has no conjugate without transpose in gemv, so as a 1-row
     * gemm, y^T (1 x cols) = x^T (1 x rows) (A^T)^H, with A^T the column-major view */
    if (t == DLOPS_C64) {
      const cuComplex al = {(float)alpha.re, (float)alpha.im}, be = {(float)beta.re, (float)beta.im};
      DLOPS_CALL_CUBLAS(m->ctx, cublasCgemm(h, CUBLAS_OP_N, CUBLAS_OP_C, 1, cols, rows, &al, x, 1, a, lda, &be, y, 1));
    } else {
      const cuDoubleComplex al = {alpha.re, alpha.im}, be = {beta.re, beta.im};
      DLOPS_CALL_CUBLAS(m->ctx, cublasZgemm(h, CUBLAS_OP_N, CUBLAS_OP_C, 1, cols, rows, &al, x, 1, a, lda, &be, y, 1));
    }
    return DLOPS_SUCCESS;
  }
  /* 'N': y = A x = (A^T)^T x; 'T' (and 'C' of real data): y = A^T x */
  const cublasOperation_t o = op == 'N' ? CUBLAS_OP_T : CUBLAS_OP_N;
  switch (t) {
    case DLOPS_F32: {
      const float al = (float)alpha.re, be = (float)beta.re;
      DLOPS_CALL_CUBLAS(m->ctx, cublasSgemv(h, o, cols, rows, &al, a, lda, x, 1, &be, y, 1));
      break;
    }
    case DLOPS_F64:
      DLOPS_CALL_CUBLAS(m->ctx, cublasDgemv(h, o, cols, rows, &alpha.re, a, lda, x, 1, &beta.re, y, 1));
      break;
    case DLOPS_C64: {
      const cuComplex al = {(float)alpha.re, (float)alpha.im}, be = {(float)beta.re, (float)beta.im};
      DLOPS_CALL_CUBLAS(m->ctx, cublasCgemv(h, o, cols, rows, &al, a, lda, x, 1, &be, y, 1));
      break;
    }
    default: {
      const cuDoubleComplex al = {alpha.re, alpha.im}, be = {beta.re, beta.im};
      DLOPS_CALL_CUBLAS(m->ctx, cublasZgemv(h, o, cols, rows, &al, a, lda, x, 1, &be, y, 1));
      break;
    }
  }
  return DLOPS_SUCCESS;
}

static cublasOperation_t blas_op(char op) { return op == 'N' ? CUBLAS_OP_N : op == 'T' ? CUBLAS_OP_T : CUBLAS_OP_C; }

/* Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: the same op letters, operands
 * swapped, rows and cols swapped. */
static int c_gemm(dlops_mem *m, dlops_dtype t, char opa, char opb, int rows, int cols, int inner, dlops_scalar alpha,
                  const void *a, int lda, const void *b, int ldb, dlops_scalar beta, void *c, int ldc) {
  if (rows <= 0 || cols <= 0) return DLOPS_SUCCESS;
  cublasHandle_t h = S(m)->blas;
  const cublasOperation_t ta = blas_op(opa), tb = blas_op(opb);
  if (inner <= 0) { /* nothing of A or B is read: any leading dimension cuBLAS accepts */
    lda = ldb = rows > cols ? rows : cols;
    inner = 0;
  }
  if (lda < 1) lda = 1;
  if (ldb < 1) ldb = 1;
  m->cnt.kernels++;
  switch (t) {
    case DLOPS_F32: {
      const float al = (float)alpha.re, be = (float)beta.re;
      DLOPS_CALL_CUBLAS(m->ctx, cublasSgemm(h, tb, ta, cols, rows, inner, &al, b, ldb, a, lda, &be, c, ldc));
      break;
    }
    case DLOPS_F64:
      DLOPS_CALL_CUBLAS(m->ctx, cublasDgemm(h, tb, ta, cols, rows, inner, &alpha.re, b, ldb, a, lda, &beta.re, c, ldc));
      break;
    case DLOPS_C64: {
      const cuComplex al = {(float)alpha.re, (float)alpha.im}, be = {(float)beta.re, (float)beta.im};
      DLOPS_CALL_CUBLAS(m->ctx, cublasCgemm(h, tb, ta, cols, rows, inner, &al, b, ldb, a, lda, &be, c, ldc));
      break;
    }
    default: {
      const cuDoubleComplex al = {alpha.re, alpha.im}, be = {beta.re, beta.im};
      DLOPS_CALL_CUBLAS(m->ctx, cublasZgemm(h, tb, ta, cols, rows, inner, &al, b, ldb, a, lda, &be, c, ldc));
      break;
    }
  }
  return DLOPS_SUCCESS;
}

/* count products in one cuBLAS call per INT_MAX of them (its batch count is an int); the
 * operands swapped as in c_gemm. */
static int c_gemm_strided(dlops_mem *m, dlops_dtype t, char opa, char opb, int rows, int cols, int inner,
                          dlops_scalar alpha, const void *a, int lda, int64_t sa, const void *b, int ldb, int64_t sb,
                          dlops_scalar beta, void *c, int ldc, int64_t sc, int64_t count) {
  if (rows <= 0 || cols <= 0 || count <= 0) return DLOPS_SUCCESS;
  cublasHandle_t h = S(m)->blas;
  const cublasOperation_t ta = blas_op(opa), tb = blas_op(opb);
  if (inner <= 0) {
    lda = ldb = rows > cols ? rows : cols;
    inner = 0;
  }
  if (lda < 1) lda = 1;
  if (ldb < 1) ldb = 1;
  const size_t es = dlops_dtype_size(t);
  for (int64_t k0 = 0; k0 < count; k0 += INT_MAX) {
    const int nb = (int)(count - k0 < INT_MAX ? count - k0 : INT_MAX);
    const char *ak = (const char *)a + (size_t)(k0 * sa) * es, *bk = (const char *)b + (size_t)(k0 * sb) * es;
    char *ck = (char *)c + (size_t)(k0 * sc) * es;
    m->cnt.kernels++;
    switch (t) {
      case DLOPS_F32: {
        const float al = (float)alpha.re, be = (float)beta.re;
        DLOPS_CALL_CUBLAS(m->ctx, cublasSgemmStridedBatched(h, tb, ta, cols, rows, inner, &al, (const float *)bk, ldb,
                                                            sb, (const float *)ak, lda, sa, &be, (float *)ck, ldc, sc,
                                                            nb));
        break;
      }
      case DLOPS_F64:
        DLOPS_CALL_CUBLAS(m->ctx, cublasDgemmStridedBatched(h, tb, ta, cols, rows, inner, &alpha.re, (const double *)bk,
                                                            ldb, sb, (const double *)ak, lda, sa, &beta.re,
                                                            (double *)ck, ldc, sc, nb));
        break;
      case DLOPS_C64: {
        const cuComplex al = {(float)alpha.re, (float)alpha.im}, be = {(float)beta.re, (float)beta.im};
        DLOPS_CALL_CUBLAS(m->ctx, cublasCgemmStridedBatched(h, tb, ta, cols, rows, inner, &al, (const cuComplex *)bk,
                                                            ldb, sb, (const cuComplex *)ak, lda, sa, &be,
                                                            (cuComplex *)ck, ldc, sc, nb));
        break;
      }
      default: {
        const cuDoubleComplex al = {alpha.re, alpha.im}, be = {beta.re, beta.im};
        DLOPS_CALL_CUBLAS(m->ctx, cublasZgemmStridedBatched(h, tb, ta, cols, rows, inner, &al,
                                                            (const cuDoubleComplex *)bk, ldb, sb,
                                                            (const cuDoubleComplex *)ak, lda, sa, &be,
                                                            (cuDoubleComplex *)ck, ldc, sc, nb));
        break;
      }
    }
  }
  return DLOPS_SUCCESS;
}

const dlops_mem_ops dlops_mem_cuda_ops = {
    .name = "cuda",
    .space = DLOPS_MEM_DEVICE,
    .mpi_direct = 1, /* CUDA-aware MPI takes these pointers (comm.c synchronises the stream first) */
    .init = c_init,
    .fini = c_fini,
    .alloc = c_alloc,
    .free = c_free,
    .host_alloc = c_host_alloc,
    .host_free = c_host_free,
    .copy = c_copy,
    .sync = c_sync,
    .fill = c_fill,
    .convert = c_convert,
    .axpby = c_axpby,
    .step = c_step,
    .scale = c_scale,
    .conj = c_conj,
    .mult = c_mult,
    .map = c_map,
    .dot = c_dot,
    .norm = c_norm,
    .random = c_random,
    .strided = c_strided,
    .stencil = c_stencil,
    .conv1d = c_conv1d,
    .gemv = c_gemv,
    .gemm = c_gemm,
    .gemm_strided = c_gemm_strided,
    .dot_exact = NULL, /* no exact accumulators on the device yet: deterministic=1 is refused */
    .norm_exact = NULL,
};
