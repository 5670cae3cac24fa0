/* Internal definition of operators (never installed).
 *
 * Every operator kind provides apply (y = A x) and apply_adjoint (x = A^H y) working on arrays
 * whose layouts dlops_op_apply has already checked against the templates dom and rng; they
 * must not allocate in steady state (allocate workspaces at creation).
 *
 * Memory spaces: an operator reaches array data only through darray functions or the memory
 * table of its arrays (x->m->ops, csrc/mem/mem.h), never by dereferencing x->data on the host,
 * and declares the spaces it supports (spaces, a bit mask of 1 << dlops_memspace). Its templates
 * live in the default space of the context it was created on; dlops_op_new refuses templates in
 * a space the kind does not support, and dlops_op_apply refuses arrays of another space, with
 * DLOPS_ERR_UNSUPPORTED naming the operator and the space. Workspaces and coefficients
 * (filters, matrices, diagonals) live in the templates' space (dlops_op_alloc_like). */
#ifndef DLOPS_OPS_OP_IMPL_H
#define DLOPS_OPS_OP_IMPL_H

#include <stdio.h>
#include <string.h>

#include "../darray/darray_impl.h"
#include "../core/prof.h"

struct dlops_op_s {
  dlops_ctx ctx;
  int refcount;          /* the caller's reference (while user is set) plus those of composite operators */
  int user;              /* 1 until the caller destroys its handle */
  const char *name;      /* static string */
  dlops_darray dom, rng; /* layout templates (references, shared between operators: never write their data) */
  /* the element type the operator computes in. The domain and range types are the templates'
   * (dom->dtype, rng->dtype): equal to dtype for most kinds; a mixed operator (a real domain and
   * a complex range, say) has dtype = dlops_dtype_promote of the two. Kernels that touch vectors
   * use the vector's own type; dtype is for coefficients and workspaces. */
  dlops_dtype dtype;
  /* 1 when the operator is linear over the reals only, not over the complex numbers: a mixed
   * operator (a real domain or range with a complex other side: its adjoint keeps a real part),
   * and every composite with such a part (F F^H of a real FFT F maps complex to complex through
   * a real vector). Its dot test compares real parts; a complex factor is refused. */
  int rlin;
  unsigned spaces;       /* memory spaces the kind supports: bits 1 << dlops_memspace */
  /* checksum of what the operator does that must be the same on every rank (kind, element type,
   * global sizes; for algebra: the components' checksums and the factor or exponent), compared by
   * dlops_op_apply's entry agreement: a composite built differently on one rank is refused
   * (DLOPS_ERR_ARG) instead of leaving the ranks in different messages. Operators whose parts may
   * differ by rank (BlockDiag's local operators) leave those parts out. */
  uint64_t sig;
  int ndims, ndimsd;
  int64_t dims[DLOPS_MAX_NDIM], dimsd[DLOPS_MAX_NDIM];
  int (*apply)(dlops_op A, dlops_darray x, dlops_darray y);
  int (*apply_adjoint)(dlops_op A, dlops_darray y, dlops_darray x);
  void (*destroy)(dlops_op A); /* free data (and drop references it holds) */
  /* flops of one apply on this rank, an estimate for the profiling summary (log_view=1,
   * core/prof.h); 0: unknown (a composite's are its components'). Set by the kind's creation. */
  double flops;
  void *data;
};

/** A usable operator handle: DLOPS_ERR_ARG when NULL, DLOPS_ERR_STATE when stale (registry
 *  lookup, never a read of the object). Local. */
DLOPS_INTERN int dlops_op_check_handle(dlops_op A);
/** 1 if A is a live operator. */
DLOPS_INTERN int dlops_op_live(dlops_op A);
/** Take / drop a composite operator's reference to A (the last one frees). */
DLOPS_INTERN void dlops_op_retain(dlops_op A);
DLOPS_INTERN void dlops_op_release(dlops_op *A);

/** The type two element types compute in together: complex when either is, of the wider
 *  precision (f32 + c128 gives c128, f64 + c64 gives c128). */
static inline dlops_dtype dlops_dtype_promote(dlops_dtype a, dlops_dtype b) {
  const int cplx = a == DLOPS_C64 || a == DLOPS_C128 || b == DLOPS_C64 || b == DLOPS_C128;
  const int dbl = a == DLOPS_F64 || a == DLOPS_C128 || b == DLOPS_F64 || b == DLOPS_C128;
  return cplx ? (dbl ? DLOPS_C128 : DLOPS_C64) : (dbl ? DLOPS_F64 : DLOPS_F32);
}

/** 1 if the operator's domain and range element types differ (a mixed operator). */
static inline int dlops_op_mixed(dlops_op A) { return !dlops_darray_same_dtypes(A->dom, A->rng); }

/** The operator's three element types (compute, domain, range) and its real linearity in one
 *  code, for comparing operators and exchanging them as metadata: compute | domain << 8 |
 *  range << 16 | rlin << 24. Leaf types:
 *  an operator whose domain or range is a stacked array of several types codes its first
 *  component's. */
static inline int64_t dlops_op_types(dlops_op A) {
  return (int64_t)A->dtype | (int64_t)A->dom->dtype << 8 | (int64_t)A->rng->dtype << 16 | (int64_t)A->rlin << 24;
}
static inline int dlops_types_rlin(int64_t c) { return (int)((c >> 24) & 1); }
static inline dlops_dtype dlops_types_compute(int64_t c) { return (dlops_dtype)(c & 255); }
static inline dlops_dtype dlops_types_domain(int64_t c) { return (dlops_dtype)((c >> 8) & 255); }
static inline dlops_dtype dlops_types_range(int64_t c) { return (dlops_dtype)((c >> 16) & 255); }
/** "f64", or "f64 -> c128" for a mixed operator, of a types code (a static buffer of the
 *  caller: char buf[32]). */
static inline const char *dlops_types_name(int64_t c, char *buf, size_t n) {
  if (dlops_types_domain(c) == dlops_types_range(c)) return dlops_dtype_name(dlops_types_domain(c));
  snprintf(buf, n, "%s -> %s", dlops_dtype_name(dlops_types_domain(c)), dlops_dtype_name(dlops_types_range(c)));
  return buf;
}

/** Run the kernel of A (adj: the adjoint) from inside an operator of context ctx (a composite,
 *  a stack, a wrapper): the layouts were checked by the outer dlops_op_apply. With log_view on
 *  ctx, or inside a running event of a profile (core/prof.h), the run is an event keyed by
 *  A->name; with no profile in the process, one branch. */
DLOPS_INTERN int dlops_op_kernel_prof(dlops_ctx ctx, dlops_op A, int adj, dlops_darray in, dlops_darray out);
static inline int dlops_op_kernel(dlops_ctx ctx, dlops_op A, int adj, dlops_darray in, dlops_darray out) {
  if (dlops_prof_nlive) return dlops_op_kernel_prof(ctx, A, adj, in, out);
  return adj ? A->apply_adjoint(A, in, out) : A->apply(A, in, out);
}

/** Memory-space masks for dlops_op_new. */
#define DLOPS_SPACES_HOST (1u << DLOPS_MEM_HOST)
#define DLOPS_SPACES_ALL ((1u << DLOPS_MEM_HOST) | (1u << DLOPS_MEM_DEVICE))

/** New operator with the given templates (references taken), name, compute type dtype (see
 *  the struct) and supported memory spaces; dims/dimsd default to (ncols,) and (nrows,). The
 *  domain and range element types are the templates' (a mixed operator: templates of two
 *  types). Fails with DLOPS_ERR_UNSUPPORTED when the
 *  templates live in a space outside spaces (the outcome is the same on every rank: the space is
 *  the context's). The caller then sets apply/apply_adjoint/destroy/data. Not collective. */
DLOPS_INTERN int dlops_op_new(const char *name, dlops_darray dom, dlops_darray rng, dlops_dtype dtype, unsigned spaces,
                              dlops_op *out);

/** A new operator named name that applies the composite *C (PyLops-MPI builds MDC, FFTND and
 *  the like as compositions; dlops gives them their own name, shapes and checksum). Takes the
 *  caller's reference to *C (set to NULL) and, when own is not NULL, the one-rank context the
 *  composite's local parts live on, destroyed after them; both are released on failure too.
 *  dims/dimsd are the composite's. Not collective. */
DLOPS_INTERN int dlops_op_wrap(const char *name, dlops_op *C, dlops_ctx own, dlops_op *A);

/** Allocate n elements of dtype in the memory space of template t (zero-filled) and, when src
 *  is not NULL, copy n elements from host memory src into it. Free with dlops_op_free_like.
 *  Not collective. */
DLOPS_INTERN int dlops_op_alloc_like(dlops_darray t, dlops_dtype dtype, int64_t n, const void *src, void **p);
DLOPS_INTERN void dlops_op_free_like(dlops_darray t, void *p);

/** 1-D SCATTER array of global size n with this rank's size local_n (-1: default split) on ctx,
 *  in the context's default memory space. **Collective** (it is a darray creation). */
DLOPS_INTERN int dlops_op_vec1d(dlops_ctx ctx, int64_t n, int64_t local_n, dlops_partition part, dlops_dtype dtype,
                                int color, dlops_darray *out);

/** This rank's share of the N-D axis-0 split of dims: rows n_r and offset o_r of dims[0], and
 *  the number of elements n_r * prod(dims[1:]). Not collective. */
DLOPS_INTERN void dlops_nd_split(dlops_ctx ctx, int ndim, const int64_t *dims, int64_t *rows, int64_t *row0,
                                 int64_t *nelem);

/** Agreement at the entry of a collective creation on ctx (usable): this rank's first local
 *  failure err (0 if none) and a checksum hash of the values that must be equal on every rank
 *  (differing: code, DLOPS_ERR_ARG or DLOPS_ERR_SIZE, naming what). One metadata allreduce;
 *  every rank returns the same code. Collective. */
static inline int dlops_op_agree(dlops_ctx ctx, int err, uint64_t hash, int code, const char *what) {
  return dlops_ctx_agree_ex(ctx, err, hash, what, code, NULL, 0);
}

/** First statement of a collective creation taking a context: a NULL or stale ctx on this rank
 *  joins the others' entry agreement through dlops_agree_orphan and returns its code. */
#define DLOPS_OP_CTX_ENTRY(ctx)                     \
  do {                                              \
    int dlops_ce_ = dlops_ctx_check(ctx);           \
    if (dlops_ce_) return dlops_agree_orphan(dlops_ce_); \
  } while (0)

/** Checksum helpers (dlops_hash_bytes) for the entry agreement. */
static inline uint64_t dlops_op_hash_i64(uint64_t h, int64_t v) { return dlops_hash_bytes(h, &v, sizeof v); }
static inline uint64_t dlops_op_hash_f64(uint64_t h, double v) { return dlops_hash_bytes(h, &v, sizeof v); }

#endif
