/* Operator core: apply with layout checks, vectors, queries, dot test, and the algebra
 * (product, sum, scaled, adjoint, transpose, conj, power). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "op_impl.h"
#include "../core/handle.h"
#include "../core/prof.h"

/* ---------------------------------------------------------------- creation helpers */
int dlops_op_new(const char *name, dlops_darray dom, dlops_darray rng, dlops_dtype dtype, unsigned spaces,
                 dlops_op *out) {
  DLOPS_CHECK(dom && rng && out, NULL, DLOPS_ERR_INTERNAL, "dlops_op_new: null argument");
  *out = NULL;
  const dlops_darray t[2] = {dom, rng};
  for (int k = 0; k < 2; k++)
    DLOPS_CHECK(spaces & (1u << t[k]->mem), dom->ctx, DLOPS_ERR_UNSUPPORTED,
                "%s: this operator has no %s-memory implementation, and its %s lives in %s memory (create it on a "
                "context with mem=host)",
                name, dlops_memspace_name(t[k]->mem), k ? "range" : "domain", dlops_memspace_name(t[k]->mem));
  dlops_op A = calloc(1, sizeof *A);
  DLOPS_CHECK(A, dom->ctx, DLOPS_ERR_MEM, "cannot allocate an operator");
  A->ctx = dom->ctx;
  A->name = name;
  A->dom = dom;
  A->rng = rng;
  A->refcount = 1;
  A->user = 1;
  if (dlops_handle_add(A, DLOPS_H_OP)) {
    free(A);
    return DLOPS_ERROR(dom->ctx, DLOPS_ERR_MEM, "cannot register an operator handle");
  }
  A->ctx->nlive++;
  dlops_darray_retain(dom);
  dlops_darray_retain(rng);
  A->dtype = dtype;
  A->rlin = (dom->dtype == DLOPS_C64 || dom->dtype == DLOPS_C128) != (rng->dtype == DLOPS_C64 || rng->dtype == DLOPS_C128);
  A->spaces = spaces;
  int64_t n;
  dlops_darray_get_global_size(dom, &n);
  A->ndims = 1;
  A->dims[0] = n;
  dlops_darray_get_global_size(rng, &n);
  A->ndimsd = 1;
  A->dimsd[0] = n;
  const int64_t id[5] = {(int64_t)dtype, (int64_t)dom->dtype, (int64_t)rng->dtype, A->dims[0], A->dimsd[0]};
  A->sig = dlops_hash_bytes(dlops_hash_bytes(0, name, strlen(name)), id, sizeof id);
  *out = A;
  return DLOPS_SUCCESS;
}

int dlops_op_vec1d(dlops_ctx ctx, int64_t n, int64_t local_n, dlops_partition part, dlops_dtype dtype, int color,
                   dlops_darray *out) {
  return dlops_darray_create_impl(ctx, 1, &n, 0, part, dtype, local_n, color, ctx->mem, out);
}

int dlops_op_alloc_like(dlops_darray t, dlops_dtype dtype, int64_t n, const void *src, void **p) {
  size_t bytes = (size_t)(n > 0 ? n : 0) * dlops_dtype_size(dtype);
  DLOPS_CALL(t->m->ops->alloc(t->m, bytes, p));
  if (src && bytes) {
    int err = t->m->ops->copy(t->m, *p, t->mem, src, DLOPS_MEM_HOST, bytes, 0);
    if (err) {
      t->m->ops->free(t->m, *p);
      *p = NULL;
      return err;
    }
  }
  return DLOPS_SUCCESS;
}

void dlops_op_free_like(dlops_darray t, void *p) {
  if (t && p) t->m->ops->free(t->m, p);
}

void dlops_nd_split(dlops_ctx ctx, int ndim, const int64_t *dims, int64_t *rows, int64_t *row0, int64_t *nelem) {
  int64_t r = dlops_split_size(dims[0], ctx->size, ctx->rank);
  int64_t inner = 1;
  for (int d = 1; d < ndim; d++) inner *= dims[d];
  if (rows) *rows = r;
  if (row0) *row0 = dlops_split_offset(dims[0], ctx->size, ctx->rank);
  if (nelem) *nelem = r * inner;
}

/* ---------------------------------------------------------------- core */
static int check_vec(dlops_op A, dlops_darray v, dlops_darray tmpl, const char *what) {
  DLOPS_CHECK(v, A->ctx, DLOPS_ERR_ARG, "%s: null %s array", A->name, what);
  DLOPS_CHECK(dlops_handle_kind(v) == DLOPS_H_DARRAY, A->ctx, DLOPS_ERR_STATE, "%s: %s array is a stale handle (destroyed)",
              A->name, what);
  DLOPS_CHECK(A->spaces & (1u << v->mem), A->ctx, DLOPS_ERR_UNSUPPORTED,
              "%s: this operator has no %s-memory implementation, but the %s array lives in %s memory", A->name,
              dlops_memspace_name(v->mem), what, dlops_memspace_name(v->mem));
  /* a borrowed block is the caller's: an apply must neither read a stale device copy nor have
   * its result overwritten when the borrow is restored */
  if (dlops_darray_check_usable(v)) return DLOPS_ERROR(A->ctx, DLOPS_ERR_STATE, "%s: the %s array is borrowed "
                                                       "(dlops_darray_get_local): restore it first", A->name, what);
  DLOPS_CHECK(dlops_darray_same_space(v, tmpl), A->ctx, DLOPS_ERR_UNSUPPORTED,
              "%s: the %s array lives in %s memory, the operator works on %s memory (create the arrays with "
              "dlops_op_create_vecs)",
              A->name, what, v->m->ops->name, tmpl->m->ops->name);
  DLOPS_CHECK(dlops_darray_same_dtypes(v, tmpl), A->ctx, DLOPS_ERR_ARG, "%s: %s array is %s but the operator's %s is %s",
              A->name, what, dlops_dtype_name(v->dtype), tmpl == A->dom ? "domain" : "range",
              dlops_dtype_name(tmpl->dtype));
  DLOPS_CHECK(dlops_darray_same_layout(v, tmpl), A->ctx, DLOPS_ERR_SIZE,
              "%s: the %s array does not have the operator's %s layout (use dlops_op_create_vecs)", A->name, what,
              tmpl == A->dom ? "domain" : "range");
  return DLOPS_SUCCESS;
}

/* leaves of a (possibly stacked) array */
static int leaves_of(dlops_darray x, dlops_darray *out, int n, int cap) {
  if (!x->nparts) {
    if (n < cap) out[n] = x;
    return n + 1;
  }
  for (int i = 0; i < x->nparts; i++) n = leaves_of(x->parts[i], out, n, cap);
  return n;
}

/* 1 if in and out share storage: the same array, a common component, or views of the same
 * block (an apply reads its input while it writes its output). */
static int shares_storage(dlops_darray in, dlops_darray out) {
  if (in == out) return 1;
  dlops_darray a[64], b[64];
  int na = leaves_of(in, a, 0, 64), nb = leaves_of(out, b, 0, 64);
  if (na > 64 || nb > 64) return 0; /* deep stacks: only the identity check above */
  for (int i = 0; i < na; i++)
    for (int j = 0; j < nb; j++)
      if (a[i] == b[j] || (a[i]->data && a[i]->data == b[j]->data)) return 1;
  return 0;
}

/* Public apply: check locally, agree over the ranks, run, agree again. Called by the user (the
 * context is not trusted) it costs two small metadata allreduces: the first keeps a rank with bad
 * arguments from leaving the others in the operator's messages, the second makes a failure inside
 * the run (a user callback, a component without an adjoint, an allocation) the result of the call
 * on every rank, with the failing rank's message. Inside a solver or a composite operator (the
 * context is trusted: the caller agreed already) neither is sent: a failure marks the context and
 * the caller's next agreement reports it on every rank. */
static int apply_entry(dlops_op A, dlops_darray in, dlops_darray out, int adj) {
  int err = dlops_op_check_handle(A);
  if (err) return dlops_agree_orphan(err);
  dlops_ctx ctx = A->ctx;
  err = check_vec(A, in, adj ? A->rng : A->dom, "input");
  if (!err) err = check_vec(A, out, adj ? A->dom : A->rng, "output");
  if (!err && shares_storage(in, out))
    err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "%s: input and output must not share storage (the same array, or a common "
                      "component of stacked arrays)", A->name);
  if (!err && !(adj ? A->apply_adjoint : A->apply))
    err = DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "%s: no %s implementation", A->name, adj ? "adjoint" : "forward");
  const int outer = !ctx->trusted;
  if (outer)
    DLOPS_CALL(dlops_comm_agree_hash(ctx->world, err, err ? 0 : A->sig ^ (uint64_t)adj,
                                     "operators (one built with other components, factors or exponents)"));
  else if (err)
    return dlops_ctx_mark(ctx, err);
  /* log_view: every apply is an event, nested ones too (their times are inclusive), from here
   * (the arguments agreed) to the exit agreement; with no profile in the process this is the one
   * branch an apply pays (prof: read once, a user callback may create a context) */
  dlops_prof_mark pm;
  const int prof = dlops_prof_nlive;
  if (prof) dlops_prof_begin(ctx, A->name, adj, &pm);
  ctx->trusted++;
  err = adj ? A->apply_adjoint(A, in, out) : A->apply(A, in, out);
  ctx->trusted--;
  err = dlops_ctx_mark(ctx, err);
  if (outer) err = dlops_comm_agree(ctx->world, err);
  if (prof) dlops_prof_end(ctx, &pm, A->flops, 0);
  return err;
}

int dlops_op_kernel_prof(dlops_ctx ctx, dlops_op A, int adj, dlops_darray in, dlops_darray out) {
  dlops_prof_mark pm;
  dlops_prof_begin(ctx, A->name, adj, &pm);
  int err = adj ? A->apply_adjoint(A, in, out) : A->apply(A, in, out);
  dlops_prof_end(ctx, &pm, A->flops, 0);
  return err;
}

int dlops_op_apply(dlops_op A, dlops_darray x, dlops_darray y) { return apply_entry(A, x, y, 0); }

int dlops_op_apply_adjoint(dlops_op A, dlops_darray y, dlops_darray x) { return apply_entry(A, y, x, 1); }

int dlops_op_check_handle(dlops_op A) {
  DLOPS_CHECK(A, NULL, DLOPS_ERR_ARG, "null operator handle");
  DLOPS_CHECK(dlops_handle_kind(A) == DLOPS_H_OP, NULL, DLOPS_ERR_STATE,
              "stale operator handle (the operator was destroyed, or this is not an operator)");
  return DLOPS_SUCCESS;
}

int dlops_op_live(dlops_op A) { return A && dlops_handle_kind(A) == DLOPS_H_OP; }

void dlops_op_retain(dlops_op A) { A->refcount++; }

void dlops_op_release(dlops_op *Ap) {
  dlops_op A = *Ap;
  *Ap = NULL;
  if (!A || --A->refcount > 0) return;
  if (A->destroy) A->destroy(A);
  dlops_darray_release(&A->dom);
  dlops_darray_release(&A->rng);
  A->ctx->nlive--;
  dlops_handle_retire(A);
}

int dlops_op_create_vecs(dlops_op A, dlops_darray *x, dlops_darray *y) {
  DLOPS_CALL(dlops_op_check_handle(A));
  if (x) *x = NULL;
  if (y) *y = NULL;
  if (x) DLOPS_CALL(dlops_darray_duplicate(A->dom, x));
  if (y) {
    int err = dlops_darray_duplicate(A->rng, y);
    if (err && x) dlops_darray_destroy(x);
    return err;
  }
  return DLOPS_SUCCESS;
}

int dlops_op_destroy(dlops_op *Ap) {
  DLOPS_CHECK(Ap, NULL, DLOPS_ERR_ARG, "null operator pointer");
  dlops_op A = *Ap;
  if (!A) return DLOPS_SUCCESS;
  DLOPS_CALL(dlops_op_check_handle(A));
  DLOPS_CHECK(A->user, A->ctx, DLOPS_ERR_STATE,
              "operator already destroyed (through a copy of this handle; dlops still holds it inside another "
              "operator)");
  *Ap = NULL;
  A->user = 0;
  dlops_op_release(&A);
  return DLOPS_SUCCESS;
}

#define OP_Q(A, p)                                                               \
  DLOPS_CALL(dlops_op_check_handle(A));                                        \
  DLOPS_CHECK((p), (A)->ctx, DLOPS_ERR_ARG, "null output pointer")

int dlops_op_get_shape(dlops_op A, int64_t *nrows, int64_t *ncols) {
  OP_Q(A, nrows && ncols);
  DLOPS_CALL(dlops_darray_get_global_size(A->rng, nrows));
  return dlops_darray_get_global_size(A->dom, ncols);
}
int dlops_op_get_dims(dlops_op A, int *ndim, int64_t *dims) {
  OP_Q(A, ndim && dims);
  *ndim = A->ndims;
  memcpy(dims, A->dims, sizeof(int64_t) * (size_t)A->ndims);
  return DLOPS_SUCCESS;
}
int dlops_op_get_dimsd(dlops_op A, int *ndim, int64_t *dimsd) {
  OP_Q(A, ndim && dimsd);
  *ndim = A->ndimsd;
  memcpy(dimsd, A->dimsd, sizeof(int64_t) * (size_t)A->ndimsd);
  return DLOPS_SUCCESS;
}
int dlops_op_get_dtype(dlops_op A, dlops_dtype *t) {
  OP_Q(A, t);
  *t = A->dtype;
  return DLOPS_SUCCESS;
}
int dlops_op_get_dtypes(dlops_op A, dlops_dtype *domain, dlops_dtype *range) {
  OP_Q(A, domain && range);
  *domain = A->dom->dtype;
  *range = A->rng->dtype;
  return DLOPS_SUCCESS;
}
int dlops_op_get_ctx(dlops_op A, dlops_ctx *ctx) {
  OP_Q(A, ctx);
  *ctx = A->ctx;
  return DLOPS_SUCCESS;
}
int dlops_op_get_name(dlops_op A, const char **name) {
  OP_Q(A, name);
  *name = A->name;
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- dot test */
int dlops_op_dottest(dlops_op A, double rtol, unsigned long long seed, int *passed, double *relerr) {
  int err = dlops_op_check_handle(A);
  if (err) return dlops_agree_orphan(err);
  DLOPS_CHECK_COLL(passed, A->ctx, err, DLOPS_ERR_ARG, "null output pointer");
  DLOPS_CHECK_COLL(rtol > 0, A->ctx, err, DLOPS_ERR_ARG, "rtol must be > 0 (got %g)", rtol);
  DLOPS_CHECK_COLL(A->apply && A->apply_adjoint, A->ctx, err, DLOPS_ERR_UNSUPPORTED,
                   "%s: the dot test needs both the forward and the adjoint", A->name);
  /* rtol and seed must be the same everywhere, or ranks would disagree on the verdict */
  uint64_t h = dlops_hash_bytes(0, &rtol, sizeof rtol);
  h = dlops_hash_bytes(h, &seed, sizeof seed);
  dlops_darray u = NULL, v = NULL, Au = NULL, AHv = NULL;
  /* allocations may fail on some ranks only: agreed before anything communicates */
  if (!err) err = dlops_op_create_vecs(A, &u, &v);
  if (!err) err = dlops_op_create_vecs(A, &AHv, &Au);
  err = dlops_comm_agree_hash(A->ctx->world, err, h, "rtol or seed");
  dlops_scalar yy = {0, 0}, xx = {0, 0};
  if (!err) {
    dlops_ctx ctx = A->ctx;
    int lerr = 0; /* local failures are marked and reported by the reduction below */
    ctx->trusted++;
    DLOPS_STEP(ctx, lerr, dlops_darray_fill_random(u, seed, -1.0, 1.0));
    DLOPS_STEP(ctx, lerr, dlops_darray_fill_random(v, seed + 104729u, -1.0, 1.0));
    DLOPS_STEP(ctx, lerr, dlops_op_apply(A, u, Au));
    DLOPS_STEP(ctx, lerr, dlops_op_apply_adjoint(A, v, AHv));
    ctx->trusted--;
    dlops_darray xs[2] = {Au, u}, ys[2] = {v, AHv};
    int cj[2] = {1, 1};
    dlops_scalar r[2];
    err = dlops_darray_multi_dot(2, xs, ys, cj, r);
    yy = r[0];
    xx = r[1];
  }
  dlops_darray_destroy(&u);
  dlops_darray_destroy(&v);
  dlops_darray_destroy(&Au);
  dlops_darray_destroy(&AHv);
  DLOPS_CALL(err);
  if (A->rlin) { /* the real-inner-product adjoint: only the real parts must agree */
    yy.im = 0.0;
    xx.im = 0.0;
  }
  double diff = hypot(yy.re - xx.re, yy.im - xx.im);
  double scale = fmax(hypot(yy.re, yy.im), hypot(xx.re, xx.im));
  double rel = diff / (scale + 1e-300);
  *passed = diff <= rtol * scale + 1e-300;
  if (relerr) *relerr = rel;
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- algebra */
typedef struct {
  dlops_op A, B;
  dlops_scalar alpha;
  int p;
  dlops_darray t1, t2; /* workspaces */
} alg_data;

static void alg_destroy(dlops_op C) {
  alg_data *d = C->data;
  if (!d) return;
  dlops_op_release(&d->A);
  dlops_op_release(&d->B);
  dlops_darray_destroy(&d->t1);
  dlops_darray_destroy(&d->t2);
  free(d);
}

static void copy_dims(dlops_op C, dlops_op A, int swap) {
  C->ndims = swap ? A->ndimsd : A->ndims;
  memcpy(C->dims, swap ? A->dimsd : A->dims, sizeof C->dims);
  C->ndimsd = swap ? A->ndims : A->ndimsd;
  memcpy(C->dimsd, swap ? A->dims : A->dimsd, sizeof C->dimsd);
}

/* New algebra operator on A (and B) with workspaces shaped like w1 and w2 (either may be NULL),
 * allocated once here so applies allocate nothing. */
static int alg_new(const char *name, dlops_op A, dlops_op B, dlops_darray dom, dlops_darray rng, dlops_darray w1,
                   dlops_darray w2, dlops_op *C) {
  const dlops_dtype t = B ? dlops_dtype_promote(A->dtype, B->dtype) : A->dtype;
  DLOPS_CALL(dlops_op_new(name, dom, rng, t, B ? A->spaces & B->spaces : A->spaces, C));
  alg_data *d = calloc(1, sizeof *d);
  if (!d) {
    dlops_op_destroy(C);
    return DLOPS_ERROR(A->ctx, DLOPS_ERR_MEM, "cannot allocate operator data");
  }
  d->A = A;
  dlops_op_retain(A);
  (*C)->sig = dlops_hash_bytes((*C)->sig, &A->sig, sizeof A->sig);
  if (B) {
    d->B = B;
    dlops_op_retain(B);
    (*C)->sig = dlops_hash_bytes((*C)->sig, &B->sig, sizeof B->sig);
  }
  (*C)->data = d;
  (*C)->destroy = alg_destroy;
  (*C)->rlin |= A->rlin || (B && B->rlin);
  int err = w1 ? dlops_darray_duplicate(w1, &d->t1) : 0;
  if (!err && w2) err = dlops_darray_duplicate(w2, &d->t2);
  if (err) dlops_op_destroy(C);
  return err;
}

#define CHECK_OP(A) DLOPS_CALL(dlops_op_check_handle(A))

static int is_cplx(dlops_dtype t) { return t == DLOPS_C64 || t == DLOPS_C128; }

/* product: y = A (B x) */
static int prod_fwd(dlops_op C, dlops_darray x, dlops_darray y) {
  alg_data *d = C->data;
  int err = 0; /* a failing step is marked on C->ctx; later steps still run (DESIGN.md) */
  DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->B, 0, x, d->t1));
  DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->A, 0, d->t1, y));
  return err;
}
static int prod_adj(dlops_op C, dlops_darray y, dlops_darray x) {
  alg_data *d = C->data;
  int err = 0; /* a failing step is marked on C->ctx; later steps still run (DESIGN.md) */
  DLOPS_CHECK(d->A->apply_adjoint && d->B->apply_adjoint, C->ctx, DLOPS_ERR_UNSUPPORTED, "product: a factor has no adjoint");
  DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->A, 1, y, d->t1));
  DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->B, 1, d->t1, x));
  return err;
}
int dlops_op_create_product(dlops_op A, dlops_op B, dlops_op *C) {
  CHECK_OP(A);
  CHECK_OP(B);
  DLOPS_CHECK(C, A->ctx, DLOPS_ERR_ARG, "null output pointer");
  *C = NULL;
  DLOPS_CHECK(A->ctx == B->ctx, A->ctx, DLOPS_ERR_ARG, "product: operators live on different contexts");
  DLOPS_CHECK(dlops_darray_same_dtypes(A->dom, B->rng), A->ctx, DLOPS_ERR_ARG,
              "product A*B: A's domain is %s but B's range is %s (%s, %s)", dlops_dtype_name(A->dom->dtype),
              dlops_dtype_name(B->rng->dtype), A->name, B->name);
  DLOPS_CHECK(dlops_darray_same_layout(A->dom, B->rng), A->ctx, DLOPS_ERR_SIZE,
              "product A*B: A's domain layout (%s) differs from B's range layout (%s)", A->name, B->name);
  DLOPS_CALL(alg_new("product", A, B, B->dom, A->rng, B->rng, NULL, C));
  (*C)->apply = A->apply && B->apply ? prod_fwd : NULL;
  (*C)->apply_adjoint = prod_adj;
  (*C)->ndims = B->ndims;
  memcpy((*C)->dims, B->dims, sizeof B->dims);
  (*C)->ndimsd = A->ndimsd;
  memcpy((*C)->dimsd, A->dimsd, sizeof A->dimsd);
  return DLOPS_SUCCESS;
}

/* sum: y = A x + B x */
static const dlops_scalar one = {1.0, 0.0};
static int sum_fwd(dlops_op C, dlops_darray x, dlops_darray y) {
  alg_data *d = C->data;
  int err = 0; /* a failing step is marked on C->ctx; later steps still run (DESIGN.md) */
  DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->A, 0, x, y));
  DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->B, 0, x, d->t1));
  DLOPS_STEP(C->ctx, err, dlops_darray_axpby(one, d->t1, one, y));
  return err;
}
static int sum_adj(dlops_op C, dlops_darray y, dlops_darray x) {
  alg_data *d = C->data;
  int err = 0; /* a failing step is marked on C->ctx; later steps still run (DESIGN.md) */
  DLOPS_CHECK(d->A->apply_adjoint && d->B->apply_adjoint, C->ctx, DLOPS_ERR_UNSUPPORTED, "sum: a term has no adjoint");
  DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->A, 1, y, x));
  DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->B, 1, y, d->t2));
  DLOPS_STEP(C->ctx, err, dlops_darray_axpby(one, d->t2, one, x));
  return err;
}
int dlops_op_create_sum(dlops_op A, dlops_op B, dlops_op *C) {
  CHECK_OP(A);
  CHECK_OP(B);
  DLOPS_CHECK(C, A->ctx, DLOPS_ERR_ARG, "null output pointer");
  *C = NULL;
  DLOPS_CHECK(dlops_darray_same_dtypes(A->dom, B->dom) && dlops_darray_same_dtypes(A->rng, B->rng), A->ctx,
              DLOPS_ERR_ARG, "sum: element types differ (%s -> %s and %s -> %s)", dlops_dtype_name(A->dom->dtype),
              dlops_dtype_name(A->rng->dtype), dlops_dtype_name(B->dom->dtype), dlops_dtype_name(B->rng->dtype));
  DLOPS_CHECK(dlops_darray_same_layout(A->dom, B->dom) && dlops_darray_same_layout(A->rng, B->rng), A->ctx,
              DLOPS_ERR_SIZE, "sum A+B: the operators (%s, %s) have different domain or range layouts", A->name, B->name);
  DLOPS_CALL(alg_new("sum", A, B, A->dom, A->rng, A->rng, A->dom, C));
  (*C)->apply = sum_fwd;
  (*C)->apply_adjoint = sum_adj;
  copy_dims(*C, A, 0);
  return DLOPS_SUCCESS;
}

/* scaled: y = alpha A x; adjoint conj(alpha) A^H y */
static int scaled_fwd(dlops_op C, dlops_darray x, dlops_darray y) {
  alg_data *d = C->data;
  int err = 0; /* a failing step is marked on C->ctx; later steps still run (DESIGN.md) */
  DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->A, 0, x, y));
  DLOPS_STEP(C->ctx, err, dlops_darray_scale(y, d->alpha));
  return err;
}
static int scaled_adj(dlops_op C, dlops_darray y, dlops_darray x) {
  alg_data *d = C->data;
  int err = 0; /* a failing step is marked on C->ctx; later steps still run (DESIGN.md) */
  DLOPS_CHECK(d->A->apply_adjoint, C->ctx, DLOPS_ERR_UNSUPPORTED, "scaled: operator has no adjoint");
  DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->A, 1, y, x));
  dlops_scalar ca = {d->alpha.re, -d->alpha.im};
  DLOPS_STEP(C->ctx, err, dlops_darray_scale(x, ca));
  return err;
}
int dlops_op_create_scaled(dlops_op A, dlops_scalar alpha, dlops_op *C) {
  CHECK_OP(A);
  DLOPS_CHECK(C, A->ctx, DLOPS_ERR_ARG, "null output pointer");
  *C = NULL;
  /* a complex factor on a real-linear operator would need the scaling inside its adjoint's real
   * part (a mixed operator, or a composite with a real vector inside: F F^H of a real FFT) */
  DLOPS_CHECK(alpha.im == 0.0 || (is_cplx(A->dom->dtype) && is_cplx(A->rng->dtype) && !A->rlin), A->ctx,
              DLOPS_ERR_ARG, "scaled: complex factor for an operator that is linear over the reals only (%s -> %s%s)",
              dlops_dtype_name(A->dom->dtype), dlops_dtype_name(A->rng->dtype),
              A->rlin && is_cplx(A->dom->dtype) && is_cplx(A->rng->dtype) ? ", through a real vector" : "");
  DLOPS_CALL(alg_new("scaled", A, NULL, A->dom, A->rng, NULL, NULL, C));
  ((alg_data *)(*C)->data)->alpha = alpha;
  (*C)->sig = dlops_hash_bytes((*C)->sig, &alpha, sizeof alpha);
  (*C)->apply = scaled_fwd;
  (*C)->apply_adjoint = scaled_adj;
  copy_dims(*C, A, 0);
  return DLOPS_SUCCESS;
}

/* adjoint */
static int adj_fwd(dlops_op C, dlops_darray x, dlops_darray y) {
  alg_data *d = C->data;
  DLOPS_CHECK(d->A->apply_adjoint, C->ctx, DLOPS_ERR_UNSUPPORTED, "adjoint: operator has no adjoint");
  return dlops_op_kernel(C->ctx, d->A, 1, x, y);
}
static int adj_adj(dlops_op C, dlops_darray y, dlops_darray x) {
  alg_data *d = C->data;
  DLOPS_CHECK(d->A->apply, C->ctx, DLOPS_ERR_UNSUPPORTED, "adjoint: operator has no forward");
  return dlops_op_kernel(C->ctx, d->A, 0, y, x);
}
int dlops_op_create_adjoint(dlops_op A, dlops_op *C) {
  CHECK_OP(A);
  DLOPS_CHECK(C, A->ctx, DLOPS_ERR_ARG, "null output pointer");
  *C = NULL;
  DLOPS_CALL(alg_new("adjoint", A, NULL, A->rng, A->dom, NULL, NULL, C));
  (*C)->apply = adj_fwd;
  (*C)->apply_adjoint = adj_adj;
  copy_dims(*C, A, 1);
  return DLOPS_SUCCESS;
}

/* conj: y = conj(A conj(x)); adjoint conj(A^H conj(y)). The input is copied, never modified. */
static int conj_fwd(dlops_op C, dlops_darray x, dlops_darray y) {
  alg_data *d = C->data;
  int err = 0; /* a failing step is marked on C->ctx; later steps still run (DESIGN.md) */
  DLOPS_STEP(C->ctx, err, dlops_darray_copy(x, d->t2));
  DLOPS_STEP(C->ctx, err, dlops_darray_conj(d->t2));
  DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->A, 0, d->t2, y));
  DLOPS_STEP(C->ctx, err, dlops_darray_conj(y));
  return err;
}
static int conj_adj(dlops_op C, dlops_darray y, dlops_darray x) {
  alg_data *d = C->data;
  int err = 0; /* a failing step is marked on C->ctx; later steps still run (DESIGN.md) */
  DLOPS_CHECK(d->A->apply_adjoint, C->ctx, DLOPS_ERR_UNSUPPORTED, "conj: operator has no adjoint");
  DLOPS_STEP(C->ctx, err, dlops_darray_copy(y, d->t1));
  DLOPS_STEP(C->ctx, err, dlops_darray_conj(d->t1));
  DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->A, 1, d->t1, x));
  DLOPS_STEP(C->ctx, err, dlops_darray_conj(x));
  return err;
}
int dlops_op_create_conj(dlops_op A, dlops_op *C) {
  CHECK_OP(A);
  DLOPS_CHECK(C, A->ctx, DLOPS_ERR_ARG, "null output pointer");
  *C = NULL;
  DLOPS_CALL(alg_new("conj", A, NULL, A->dom, A->rng, A->rng, A->dom, C));
  (*C)->apply = conj_fwd;
  (*C)->apply_adjoint = conj_adj;
  copy_dims(*C, A, 0);
  return DLOPS_SUCCESS;
}

int dlops_op_create_transpose(dlops_op A, dlops_op *C) {
  CHECK_OP(A);
  DLOPS_CHECK(C, A->ctx, DLOPS_ERR_ARG, "null output pointer");
  *C = NULL;
  dlops_op H = NULL;
  DLOPS_CALL(dlops_op_create_adjoint(A, &H));
  int err = dlops_op_create_conj(H, C);
  dlops_op_destroy(&H);
  if (!err) (*C)->name = "transpose";
  return err;
}

/* power: y = A^p x */
static int pow_run(dlops_op C, dlops_darray x, dlops_darray y, int adj) {
  alg_data *d = C->data;
  int err = 0; /* a failing step is marked on C->ctx; later steps still run (DESIGN.md) */
  if (d->p == 0) return dlops_darray_copy(x, y);
  dlops_darray in = x;
  for (int k = 0; k < d->p; k++) {
    dlops_darray out = (k == d->p - 1) ? y : ((k % 2) ? d->t2 : d->t1);
    if (adj) {
      DLOPS_CHECK(d->A->apply_adjoint, C->ctx, DLOPS_ERR_UNSUPPORTED, "power: operator has no adjoint");
      DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->A, 1, in, out));
    } else {
      DLOPS_STEP(C->ctx, err, dlops_op_kernel(C->ctx, d->A, 0, in, out));
    }
    in = out;
  }
  return err;
}
static int pow_fwd(dlops_op C, dlops_darray x, dlops_darray y) { return pow_run(C, x, y, 0); }
static int pow_adj(dlops_op C, dlops_darray y, dlops_darray x) { return pow_run(C, y, x, 1); }
int dlops_op_create_power(dlops_op A, int p, dlops_op *C) {
  CHECK_OP(A);
  DLOPS_CHECK(C, A->ctx, DLOPS_ERR_ARG, "null output pointer");
  *C = NULL;
  DLOPS_CHECK(p >= 0, A->ctx, DLOPS_ERR_ARG, "power: exponent %d must be >= 0", p);
  DLOPS_CHECK(dlops_darray_same_layout(A->dom, A->rng), A->ctx, DLOPS_ERR_SIZE,
              "power: operator %s is not square (domain and range layouts differ)", A->name);
  DLOPS_CHECK(!dlops_op_mixed(A), A->ctx, DLOPS_ERR_ARG, "power: operator %s maps %s to %s", A->name,
              dlops_dtype_name(A->dom->dtype), dlops_dtype_name(A->rng->dtype));
  DLOPS_CALL(alg_new("power", A, NULL, A->dom, A->rng, A->dom, A->dom, C));
  ((alg_data *)(*C)->data)->p = p;
  (*C)->sig = dlops_hash_bytes((*C)->sig, &p, sizeof p);
  (*C)->apply = pow_fwd;
  (*C)->apply_adjoint = pow_adj;
  copy_dims(*C, A, 0);
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- named composites */
typedef struct {
  dlops_op C;     /* the composite */
  dlops_ctx own;  /* the one-rank context of its local parts, or NULL */
} wrap_data;

static int wrap_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  wrap_data *d = A->data;
  return dlops_op_kernel(A->ctx, d->C, 0, x, y);
}
static int wrap_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  wrap_data *d = A->data;
  return dlops_op_kernel(A->ctx, d->C, 1, y, x);
}
static void wrap_destroy(dlops_op A) {
  wrap_data *d = A->data;
  if (!d) return;
  dlops_op_release(&d->C); /* the parts on own first */
  if (d->own) dlops_ctx_destroy(&d->own);
  free(d);
}

int dlops_op_wrap(const char *name, dlops_op *C, dlops_ctx own, dlops_op *A) {
  dlops_op c = *C;
  wrap_data *d = calloc(1, sizeof *d);
  int err = d ? dlops_op_new(name, c->dom, c->rng, c->dtype, c->spaces, A)
              : DLOPS_ERROR(c->ctx, DLOPS_ERR_MEM, "%s: cannot allocate operator data", name);
  if (err) {
    free(d);
    dlops_op_destroy(C);
    if (own) dlops_ctx_destroy(&own);
    return err;
  }
  d->C = c;
  d->own = own;
  (*A)->rlin |= c->rlin;
  dlops_op_retain(c);
  dlops_op_destroy(C); /* the caller's reference: the operator holds its own */
  (*A)->data = d;
  (*A)->destroy = wrap_destroy;
  (*A)->apply = c->apply ? wrap_fwd : NULL;
  (*A)->apply_adjoint = c->apply_adjoint ? wrap_adj : NULL;
  (*A)->sig = dlops_hash_bytes((*A)->sig, &c->sig, sizeof c->sig);
  copy_dims(*A, c, 0);
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- user operators */
typedef struct {
  dlops_op_callback f, fa;
  void *user;
  void (*destroy)(void *);
} user_data;

/* A callback may fail on some ranks only: the failure marks the context (dlops_op_apply does),
 * and the next collective (the solver's next reduction, say) returns it on every rank. No
 * message per apply. */
static int user_result(dlops_op C, int rc, const char *which) {
  return rc ? DLOPS_ERROR(C->ctx, DLOPS_ERR_ARG, "user operator: %s callback returned %d", which, rc) : 0;
}
static int user_fwd(dlops_op C, dlops_darray x, dlops_darray y) {
  user_data *d = C->data;
  return user_result(C, d->f(d->user, x, y), "apply");
}
static int user_adj(dlops_op C, dlops_darray y, dlops_darray x) {
  user_data *d = C->data;
  return user_result(C, d->fa(d->user, y, x), "adjoint");
}
static void user_destroy(dlops_op C) {
  user_data *d = C->data;
  if (d && d->destroy) d->destroy(d->user);
  free(d);
}
int dlops_op_create_user(dlops_darray domain, dlops_darray range, dlops_op_callback apply,
                         dlops_op_callback apply_adjoint, void *user, void (*destroy)(void *), dlops_op *A) {
  DLOPS_CHECK(A, NULL, DLOPS_ERR_ARG, "null output pointer");
  *A = NULL;
  /* handles are validated before they are read (a stale one points to freed memory) */
  DLOPS_CALL(dlops_darray_check_handle(domain));
  DLOPS_CALL(dlops_darray_check_handle(range));
  DLOPS_CHECK(apply, domain->ctx, DLOPS_ERR_ARG, "user operator needs an apply callback");
  DLOPS_CHECK(domain->ctx == range->ctx, domain->ctx, DLOPS_ERR_ARG, "domain and range live on different contexts");
  /* the callbacks handle the arrays of the space the user made the templates in */
  DLOPS_CHECK(dlops_darray_same_space(domain, range), domain->ctx, DLOPS_ERR_ARG,
              "user operator: domain (%s memory) and range (%s memory) live in different memory spaces",
              domain->m->ops->name, range->m->ops->name);
  user_data *d = calloc(1, sizeof *d);
  DLOPS_CHECK(d, domain->ctx, DLOPS_ERR_MEM, "cannot allocate operator data");
  int err = dlops_op_new("user", domain, range, dlops_dtype_promote(domain->dtype, range->dtype), 1u << domain->mem, A);
  if (err) {
    free(d);
    return err;
  }
  d->f = apply;
  d->fa = apply_adjoint;
  d->user = user;
  d->destroy = destroy;
  (*A)->data = d;
  (*A)->destroy = user_destroy;
  (*A)->apply = user_fwd;
  (*A)->apply_adjoint = apply_adjoint ? user_adj : NULL;
  if (!domain->nparts) {
    (*A)->ndims = domain->ndim;
    memcpy((*A)->dims, domain->gshape, sizeof domain->gshape);
  }
  if (!range->nparts) {
    (*A)->ndimsd = range->ndim;
    memcpy((*A)->dimsd, range->gshape, sizeof range->gshape);
  }
  return DLOPS_SUCCESS;
}
