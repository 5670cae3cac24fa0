/* Memory spaces (internal, never installed).
 *
 * Where array data lives is the business of this layer alone. A memory space is a function
 * table (dlops_mem_ops): allocation, copies in all four directions, fill, the element kernels of
 * the darray layer and the solvers, N-D strided copies (ghost rows, redistribution, axis
 * transposes, panels), and the local compute kernels of the operators (stencils, 1-D
 * convolution, gemv/gemm). Every context owns one dlops_mem object per space it can use: the
 * host one always, and a device one when its spec says mem=device (CUDA) or mem=emu (the
 * emulated device of test builds). The darray layer is the only code above this one that hands
 * it element pointers; operators reach data through darray functions or these tables.
 *
 * Implementations:
 *   host.c  the loops (the arithmetic shared with device kernels lives in kernels.h/stencil.h)
 *   emu.c   (DLOPS_HAVE_EMU) a device whose memory the host cannot touch: every allocation is
 *           its own PROT_NONE mapping, opened (read-only for inputs, read-write for outputs) only
 *           while one of the table's own kernels or copies runs; a stray host dereference of
 *           device data faults. It runs the host kernels on the opened pages, so results are
 *           bit-identical to the host space.
 *   cuda/mem_cuda.c  the CUDA table, in the GPU plugin (loaded for mem=device; its kernels,
 *           cuda/mem_kernels.cu, call the same inline functions). Compiled, not run on a GPU in
 *           this repository's CI.
 *
 * Pointers given to a table's functions are in that table's space unless a function says
 * otherwise (copy names both sides; host_alloc returns host memory). Sizes are element counts
 * of the dtype passed, strides are in elements.
 *
 * Synchronisation points. Host and emu are synchronous: every call has finished when it
 * returns. A device table may run kernels asynchronously on the context's queue (m->queue, one
 * stream per context); it must then finish before: a copy whose destination is host memory
 * returns (D2H copies synchronise), sync() returns, and any call that hands device memory to a
 * library outside the queue (MPI, MPI-IO). Kernels and copies on the same queue are ordered.
 *
 * Counters (dlops_mem_counter): device tables count every kernel they launch and every copy
 * between host and device (count and bytes); copies made by the communication layer to stage
 * messages through host memory carry DLOPS_MEM_COPY_COMM and are also counted apart, so the
 * traffic of the data path and of message staging can be told apart.
 */
#ifndef DLOPS_MEM_MEM_H
#define DLOPS_MEM_MEM_H

#include "../core/error.h"
#include "exact.h"
#include "stencil.h"

typedef struct dlops_mem_s dlops_mem;

/** N-D strided copy: for every index (i_0..i_{ndim-1}) < shape,
 *  dst[sum i_k dst_stride[k]] = src[sum i_k src_stride[k]] (strides in elements). */
typedef struct {
  int ndim;
  int64_t shape[DLOPS_MAX_NDIM];
  int64_t dst_stride[DLOPS_MAX_NDIM];
  int64_t src_stride[DLOPS_MAX_NDIM];
} dlops_mem_strided;

/** Random fill: the local block (lshape, starting at offset along axis) of an N-D array of
 *  global shape gshape gets values that depend only on (seed, base + global flat index), so
 *  replicas and every rank count give the same global array. Uniform in [lo, hi) (complex: real
 *  and imaginary parts independently). */
typedef struct {
  int ndim, axis;
  int64_t gshape[DLOPS_MAX_NDIM], lshape[DLOPS_MAX_NDIM];
  int64_t offset;
  uint64_t base, seed;
  double lo, hi;
} dlops_mem_rand;

/** 1-D convolution geometry (see ops/local/convolve1d.c): model blocks outer x n x inner,
 *  data blocks outer x ny x inner, filter of nh taps centred at off. */
typedef struct {
  int64_t outer, n, ny, inner, nh, off;
} dlops_mem_conv;

/** 1-D FFT geometry (see ops/local/fft.c, PyLops' FFT): domain blocks outer x n x inner,
 *  range blocks outer x nf x inner, transform length nfft (the domain is zero-padded or
 *  truncated to nfft samples along the axis), nf = nfft (complex transform) or nfft/2 + 1
 *  (real: rfft/irfft, with PyLops' sqrt(2) on bins 1 .. (nfft-1)/2 so that the adjoint is the
 *  inverse's scaled form). shift_in applies ifftshift to the domain samples before the
 *  transform (PyLops ifftshift_before), shift_out fftshift to the range (fftshift_after); scale
 *  multiplies the forward transform, adj_scale the unnormalised inverse of the adjoint. */
typedef struct {
  int64_t outer, n, inner, nfft, nf;
  int real, shift_in, shift_out;
  double scale, adj_scale;
} dlops_mem_fft;

/** Where a copy goes: flags of dlops_mem_ops.copy. */
enum { DLOPS_MEM_COPY_COMM = 1 /* staging of a message by the communication layer */ };

typedef struct dlops_mem_ops_s {
  const char *name;      /* "host", "emu", "cuda" */
  dlops_memspace space;  /* the public space its arrays report (emu reports DEVICE) */
  int mpi_direct;        /* MPI may be handed this space's pointers (host; CUDA-aware MPI decides for cuda) */
  /* ---- per context (optional: NULL where a table keeps no state) ---- */
  /** Set up m's state (m->impl, m->queue: the CUDA table's stream and cuBLAS handle), called by
   *  dlops_mem_create; on failure the table has released what it made. */
  int (*init)(dlops_mem *m);
  /** Release it (after the scratch buffer), called by dlops_mem_destroy. */
  void (*fini)(dlops_mem *m);
  /* ---- memory ---- */
  /** Allocate bytes (0 allowed: a valid, unique pointer), zero-filled. Every table's alloc
   *  starts with dlops_mem_alloc_check (fault injection), before it allocates anything. */
  int (*alloc)(dlops_mem *m, size_t bytes, void **p);
  void (*free)(dlops_mem *m, void *p);
  /** Host memory for staging transfers (page-locked where that helps). */
  int (*host_alloc)(dlops_mem *m, size_t bytes, void **p);
  void (*host_free)(dlops_mem *m, void *p);
  /** Copy bytes between any two of (host, this space); dst_space/src_space name the sides. */
  int (*copy)(dlops_mem *m, void *dst, dlops_memspace dst_space, const void *src, dlops_memspace src_space,
              size_t bytes, int flags);
  /** Wait for everything queued on m. */
  int (*sync)(dlops_mem *m);
  /* ---- element kernels (n elements of dtype t) ---- */
  int (*fill)(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar v, void *x);
  /** y = x converted from tx to ty (numpy's cast; complex to real keeps the real part). */
  int (*convert)(dlops_mem *m, int64_t n, dlops_dtype tx, const void *x, dlops_dtype ty, void *y);
  int (*axpby)(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar a, const void *x, dlops_scalar b, void *y);
  /** A solver's update and new direction in one pass: y = a p + y, then p = r + b p, element by
   *  element with the axpby arithmetic (the same bits as axpby(a, p, 1, y) followed by
   *  axpby(1, r, b, p), up to the sign and payload of a NaN); y, p and r distinct. Optional: NULL makes the caller run the two axpby
   *  passes. */
  int (*step)(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar a, void *p, void *y, const void *r,
              dlops_scalar b);
  int (*scale)(dlops_mem *m, dlops_dtype t, int64_t n, dlops_scalar a, void *x);
  int (*conj)(dlops_mem *m, dlops_dtype t, int64_t n, void *x);
  /** z = op(x) .* y, op = conj when conj_x (z may alias x or y). */
  int (*mult)(dlops_mem *m, dlops_dtype t, int64_t n, const void *x, int conj_x, const void *y, void *z);
  /** out = map(in) element by element (dlops_map_kind, parameters p0, p1); out may be in. */
  int (*map)(dlops_mem *m, dlops_map_kind kind, double p0, double p1, dlops_dtype t, int64_t n, const void *in,
             void *out);
  /** out[0..1] (in this space) = sum conj?(x_i) y_i, accurately summed in double. */
  int (*dot)(dlops_mem *m, dlops_dtype t, int64_t n, const void *x, const void *y, int conj_x, double *out);
  /** out[0] (in this space) = the partial of a norm of order ord: sum |x|^ord (ord = 2: of
   *  squares, 1: of moduli, 0: count of non-zeros), max |x| (+inf), min |x| (-inf); NaN wins. */
  int (*norm)(dlops_mem *m, dlops_dtype t, int64_t n, const void *x, double ord, double *out);
  int (*random)(dlops_mem *m, dlops_dtype t, const dlops_mem_rand *r, void *x);
  /** N-D strided copy of elements of es bytes. */
  int (*strided)(dlops_mem *m, size_t es, const dlops_mem_strided *s, void *dst, const void *src);
  /* ---- operator kernels ---- */
  /** Elements [lo, hi) of y (n elements in all) = a sum of nterm (1..DLOPS_STENCIL_MAXTERM)
   *  stencil terms, in one pass (stencil.h); the other elements of y are left alone. Each
   *  element's value does not depend on the range it is computed in, so computing y in pieces
   *  (the interior while ghost rows travel, then the rows next to them) gives the same bits as
   *  one call. y must not overlap any input. */
  int (*stencil)(dlops_mem *m, dlops_dtype t, int nterm, const dlops_stencil_term *terms, int64_t n, int64_t lo,
                 int64_t hi, void *y);
  /** 1-D convolution: forward (adj = 0) in = model, out = data; adjoint the other way round. */
  int (*conv1d)(dlops_mem *m, dlops_dtype t, int adj, const dlops_mem_conv *g, const void *h, const void *in,
                void *out);
  /** y = alpha op(A) x + beta y, A row-major rows x cols (lda), op = 'N', 'T' or 'C'. */
  int (*gemv)(dlops_mem *m, dlops_dtype t, char op, int rows, int cols, dlops_scalar alpha, const void *a, int lda,
              const void *x, dlops_scalar beta, void *y);
  /** C = alpha op(A) op(B) + beta C, row-major, op = 'N', 'T' or 'C' (BLAS semantics). */
  int (*gemm)(dlops_mem *m, dlops_dtype t, char opa, char opb, int rows, int cols, int inner, dlops_scalar alpha,
              const void *a, int lda, const void *b, int ldb, dlops_scalar beta, void *c, int ldc);
  /** count independent products, each as gemm: C_k = alpha op(A_k) op(B_k) + beta C_k with
   *  A_k = a + k sa, B_k = b + k sb, C_k = c + k sc (strides in elements; cuBLAS' strided
   *  batched gemm), count >= 0; the C_k must not overlap. One call instead of count launches on
   *  a device. Optional: NULL makes the caller loop over gemm. */
  int (*gemm_strided)(dlops_mem *m, dlops_dtype t, char opa, char opb, int rows, int cols, int inner,
                      dlops_scalar alpha, const void *a, int lda, int64_t sa, const void *b, int ldb, int64_t sb,
                      dlops_scalar beta, void *c, int ldc, int64_t sc, int64_t count);
  /** A plan for FFTs of geometry g computing in complex type tc (c64 or c128), with its own
   *  workspaces; *plan is freed by fft_free. NULL where a space has no FFT (the operator is then
   *  refused at creation with DLOPS_ERR_UNSUPPORTED). */
  int (*fft_plan)(dlops_mem *m, dlops_dtype tc, const dlops_mem_fft *g, void **plan);
  void (*fft_free)(dlops_mem *m, void *plan);
  /** Forward (adj = 0: in = domain block of type tin, real or complex; out = range, complex tout)
   *  or adjoint (adj = 1: in = range, out = domain; a real domain keeps the real part). */
  int (*fft)(dlops_mem *m, void *plan, int adj, dlops_dtype tin, const void *in, dlops_dtype tout, void *out);
  /* ---- exact partial sums (exact.h), for deterministic reductions ---- */
  /** *re (and *im), accumulators in this space, = the exact sums of the real and imaginary parts
   *  of conj?(x_i) y_i over n elements, normalised (overwritten, not added to). Real types add
   *  x_i y_i rounded to double (exact for f32); complex ones add each of the four products
   *  (xr yr, xi yi, xr yi, xi yr) rounded to double as a term of its own. im may be NULL for a
   *  real t (it receives an exact zero otherwise). NULL (cuda) where a table lacks it. */
  int (*dot_exact)(dlops_mem *m, const void *x, const void *y, int64_t n, dlops_dtype t, int conj_x,
                   dlops_exact *re, dlops_exact *im);
  /** *acc (in this space) = the exact sum of |x_i|^ord over n elements, normalised (overwritten):
   *  ord 2 adds re^2 and im^2 as two terms, 1 adds |x| (hypot for complex), 0 adds 1 per
   *  non-zero, any other finite p adds pow(|x|, p); each term rounded to double as the norm kernel
   *  does. ord = +-inf or NaN is DLOPS_ERR_ARG (max/min need no exact sum). */
  int (*norm_exact)(dlops_mem *m, const void *x, int64_t n, dlops_dtype t, double ord, dlops_exact *acc);
} dlops_mem_ops;

struct dlops_mem_s {
  const dlops_mem_ops *ops;
  dlops_ctx ctx;          /* for error messages */
  void *queue;            /* the context's stream (device tables), NULL otherwise */
  dlops_mem_counter cnt;  /* this context's traffic in this space */
  void *scratch;          /* small buffer in this space for reduction partials (grown on demand) */
  size_t scratch_cap;
  void *impl;             /* the table's own state (init/fini), NULL otherwise */
};

/** The arguments every table's stencil entry checks before it runs (an internal error: the
 *  operators build them): 1..DLOPS_STENCIL_MAXTERM terms, and a range [lo, hi) inside n. */
static inline int dlops_mem_stencil_check(dlops_mem *m, int nterm, int64_t n, int64_t lo, int64_t hi) {
  if (nterm < 1 || nterm > DLOPS_STENCIL_MAXTERM)
    return DLOPS_ERROR(m->ctx, DLOPS_ERR_INTERNAL, "stencil: %d terms (1 to %d)", nterm, DLOPS_STENCIL_MAXTERM);
  if (lo < 0 || hi > n || lo > hi)
    return DLOPS_ERROR(m->ctx, DLOPS_ERR_INTERNAL, "stencil: range [%lld, %lld) of %lld elements", (long long)lo,
                       (long long)hi, (long long)n);
  return DLOPS_SUCCESS;
}

/* ---- FFT (fft.c, FFTW): the host implementation, which the emulated device runs too ---- */
DLOPS_INTERN int dlops_fft_host_plan(dlops_mem *m, dlops_dtype tc, const dlops_mem_fft *g, void **plan);
DLOPS_INTERN void dlops_fft_host_free(dlops_mem *m, void *plan);
DLOPS_INTERN int dlops_fft_host_exec(dlops_mem *m, void *plan, int adj, dlops_dtype tin, const void *in,
                                     dlops_dtype tout, void *out);
/** The geometry a host plan was made for (the emulated device opens the blocks it touches). */
DLOPS_INTERN const dlops_mem_fft *dlops_fft_host_geom(const void *plan);

/* ---- tables ---- */
DLOPS_INTERN extern const dlops_mem_ops dlops_mem_host_ops;
#ifdef DLOPS_HAVE_EMU
DLOPS_INTERN extern const dlops_mem_ops dlops_mem_emu_ops;
/** For the NCCL stand-in of validation/nccl, a test plugin that plays the device side of NCCL on
 *  the emulated device: open [p, p + bytes) for host access (mode 1 read-only, 2 read-write) or
 *  close it again (mode 0). Returns -1, changing nothing, when the range is not inside one
 *  emulated-device allocation (a host buffer handed to NCCL), else 0. Local; exported for the
 *  plugin (DLOPS_PLUGIN_API), not API. */
DLOPS_PLUGIN_API int dlops_emu_access(const void *p, size_t bytes, int mode);
/** The same stand-in's cudaMalloc/cudaFree (a test program's own device buffers): an emulated-
 *  device allocation outside any context (not counted, no fault injection); 0, or -1 when it
 *  cannot be mapped / p is not such an allocation. Local; exported for the stand-in, not API. */
DLOPS_PLUGIN_API int dlops_emu_raw_alloc(size_t bytes, void **p);
DLOPS_PLUGIN_API int dlops_emu_raw_free(void *p);
#endif

/* The CUDA table lives in the GPU plugin (cuda/mem_cuda.c); libdlops reaches it through
 * dlops_gpu_plugin.device_mem (core/plugin.h), never by name. */
DLOPS_INTERN extern const dlops_mem_ops dlops_mem_cuda_ops;

/** Create the memory object of ctx for a table (running its init). Not collective. */
DLOPS_INTERN int dlops_mem_create(dlops_ctx ctx, const dlops_mem_ops *ops, dlops_mem **out);
DLOPS_INTERN void dlops_mem_destroy(dlops_mem **m);

/** The choke point of data allocations: every table's alloc calls it first (host.c, emu.c, and
 *  any new table), so each allocation of array data, operator workspace or reduction scratch in
 *  any of a context's memory spaces, whoever asks for it, passes here exactly once. It counts
 *  the allocation on the context and, when DLOPS_FAULT_ALLOC=rank:n (ctx->fault_alloc) names
 *  this rank and this is the n-th, fails it with DLOPS_ERR_MEM, the message saying that the
 *  failure was injected; the table then returns that code without allocating, as it would on a
 *  real failure. Local. */
DLOPS_PLUGIN_API int dlops_mem_alloc_check(dlops_mem *m, size_t bytes);

/** A buffer of at least bytes in m's space, owned by m and reused (valid until the next call). */
DLOPS_INTERN int dlops_mem_scratch(dlops_mem *m, size_t bytes, void **p);

/** Count a copy between host and device (device tables call it from their copy). Exported for
 *  the GPU plugin's table, as is dlops_mem_alloc_check (DLOPS_PLUGIN_API), not API. */
DLOPS_PLUGIN_API void dlops_mem_count_copy(dlops_mem *m, dlops_memspace dst, dlops_memspace src, size_t bytes, int flags);

/** Copy of an element range between two objects' spaces, for callers that hold the two memory
 *  objects (the device one decides; host to host is memcpy). */
DLOPS_INTERN int dlops_mem_copy(dlops_mem *dst_m, void *dst, dlops_mem *src_m, const void *src, size_t bytes, int flags);

/** Strided copy helper: the box (count, starting at start) of an N-D array of shape full, to or
 *  from a packed contiguous buffer; pack = 1: full -> buf. */
DLOPS_INTERN int dlops_mem_box(dlops_mem *m, size_t es, int ndim, const int64_t *full, const int64_t *start,
                               const int64_t *count, void *full_data, void *buf, int pack);

#endif
