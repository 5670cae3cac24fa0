/* Fredholm integral of the first kind (PyLops pylops.signalprocessing.Fredholm1), a local
 * operator:
 *     d[k] = G[k] m[k],  k < nsl,  G[k]: nx x ny, m[k]: ny x nz, d[k]: nx x nz,
 * and the adjoint m[k] = G[k]^H d[k]. Model (nsl, ny, nz) and data (nsl, nx, nz) are row-major
 * and flat. The slices are one strided batched gemm of the memory table of the vectors (a loop
 * of BLAS calls on the host and the emulated device, one cuBLAS gemmStridedBatched on the
 * device; one gemm per slice on a table without the entry). With saveGt the conjugate transpose of
 * every slice is stored at creation (twice the memory) and the adjoint is a plain product, as
 * PyLops' saveGt; without, the adjoint asks gemm for op(A) = A^H ('C', 'T' for real types).
 * PyLops' usematmul chooses between numpy's matmul and a loop of dot: it changes nothing here. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fredholm1.h"

static int is_complex(dlops_dtype t) { return t == DLOPS_C64 || t == DLOPS_C128; }

void dlops_fred_check(dlops_ctx ctx, const char *who, int64_t nsl, int nsl_min1, int64_t nx, int64_t ny, int64_t nz,
                      const void *G, dlops_dtype dtype, int *err) {
  DLOPS_CHECK_COLL((int)dtype >= 0 && (int)dtype < DLOPS_NUM_DTYPES, ctx, *err, DLOPS_ERR_ARG,
                   "%s: bad element type %d", who, (int)dtype);
  DLOPS_CHECK_COLL(nsl >= (nsl_min1 ? 1 : 0), ctx, *err, DLOPS_ERR_ARG, "%s: nsl = %lld must be >= %d", who,
                   (long long)nsl, nsl_min1 ? 1 : 0);
  DLOPS_CHECK_COLL(nx >= 1 && ny >= 1 && nz >= 1, ctx, *err, DLOPS_ERR_ARG,
                   "%s: nx = %lld, ny = %lld, nz = %lld must be >= 1", who, (long long)nx, (long long)ny,
                   (long long)nz);
  DLOPS_CHECK_COLL(*err || (nx <= INT_MAX && ny <= INT_MAX && nz <= INT_MAX), ctx, *err, DLOPS_ERR_UNSUPPORTED,
                   "%s: nx = %lld, ny = %lld, nz = %lld: a slice's sizes must fit the 32-bit BLAS interface", who,
                   (long long)nx, (long long)ny, (long long)nz);
  if (!*err) {
    /* every element count (G: nsl nx ny, model nsl ny nz, data nsl nx nz) within INT64_MAX / 16 */
    const int64_t lim = INT64_MAX / 16, s = nsl > 0 ? nsl : 1;
    int ok = nx <= lim / ny && ny <= lim / nz && nx <= lim / nz;
    ok = ok && s <= lim / (nx * ny) && s <= lim / (ny * nz) && s <= lim / (nx * nz);
    DLOPS_CHECK_COLL(ok, ctx, *err, DLOPS_ERR_SIZE,
                     "%s: nsl = %lld, nx = %lld, ny = %lld, nz = %lld overflow a 64-bit byte count", who,
                     (long long)nsl, (long long)nx, (long long)ny, (long long)nz);
  }
  DLOPS_CHECK_COLL(*err || G || nsl == 0, ctx, *err, DLOPS_ERR_ARG, "%s: null kernel G", who);
}

int dlops_fred_init(dlops_darray t, dlops_fred *f, int64_t nsl, int64_t nx, int64_t ny, int64_t nz, const void *G,
                    int saveGt, dlops_dtype dtype) {
  memset(f, 0, sizeof *f);
  f->nsl = nsl;
  f->nx = (int)nx;
  f->ny = (int)ny;
  f->nz = (int)nz;
  const int64_t n = nsl * nx * ny;
  DLOPS_CALL(dlops_op_alloc_like(t, dtype, n, G, &f->G));
  if (!saveGt) return DLOPS_SUCCESS;
  const size_t es = dlops_dtype_size(dtype);
  char *gt = malloc((size_t)(n > 0 ? n : 1) * es);
  DLOPS_CHECK(gt, t->ctx, DLOPS_ERR_MEM, "fredholm1: cannot allocate the conjugate transpose of G (saveGt)");
  const char *g = G;
  for (int64_t k = 0; k < nsl; k++)
    for (int64_t i = 0; i < nx; i++)
      for (int64_t j = 0; j < ny; j++) {
        char *d = gt + (size_t)((k * ny + j) * nx + i) * es;
        memcpy(d, g + (size_t)((k * nx + i) * ny + j) * es, es);
        if (dtype == DLOPS_C64) ((float *)d)[1] = -((float *)d)[1];
        if (dtype == DLOPS_C128) ((double *)d)[1] = -((double *)d)[1];
      }
  int err = dlops_op_alloc_like(t, dtype, n, gt, &f->GT);
  free(gt);
  return err;
}

void dlops_fred_fini(dlops_darray t, dlops_fred *f) {
  dlops_op_free_like(t, f->G);
  dlops_op_free_like(t, f->GT);
  f->G = f->GT = NULL;
}

int dlops_fred_apply(dlops_mem *m, dlops_dtype t, const dlops_fred *f, int adj, const void *in, void *out) {
  static const dlops_scalar one = {1.0, 0.0}, zero = {0.0, 0.0};
  const size_t es = dlops_dtype_size(t);
  const int64_t nx = f->nx, ny = f->ny, nz = f->nz;
  const char *x = in;
  char *y = out;
  const char *G = f->G, *GT = f->GT;
  if (m->ops->gemm_strided) { /* all slices in one call (one cuBLAS launch on a GPU) */
    if (!adj)
      return m->ops->gemm_strided(m, t, 'N', 'N', f->nx, f->nz, f->ny, one, G, f->ny, nx * ny, x, f->nz, ny * nz, zero, y,
                                  f->nz, nx * nz, f->nsl);
    if (GT)
      return m->ops->gemm_strided(m, t, 'N', 'N', f->ny, f->nz, f->nx, one, GT, f->nx, nx * ny, x, f->nz, nx * nz, zero,
                                  y, f->nz, ny * nz, f->nsl);
    return m->ops->gemm_strided(m, t, is_complex(t) ? 'C' : 'T', 'N', f->ny, f->nz, f->nx, one, G, f->ny, nx * ny, x,
                                f->nz, nx * nz, zero, y, f->nz, ny * nz, f->nsl);
  }
  for (int64_t k = 0; k < f->nsl; k++) {
    const char *gk = (GT && adj ? GT : G) + (size_t)(k * nx * ny) * es;
    if (!adj) {
      /* d[k] (nx x nz) = G[k] (nx x ny) m[k] (ny x nz) */
      DLOPS_CALL(m->ops->gemm(m, t, 'N', 'N', f->nx, f->nz, f->ny, one, gk, f->ny, x + (size_t)(k * ny * nz) * es,
                              f->nz, zero, y + (size_t)(k * nx * nz) * es, f->nz));
    } else if (GT) {
      /* m[k] (ny x nz) = GT[k] (ny x nx) d[k] (nx x nz) */
      DLOPS_CALL(m->ops->gemm(m, t, 'N', 'N', f->ny, f->nz, f->nx, one, gk, f->nx, x + (size_t)(k * nx * nz) * es,
                              f->nz, zero, y + (size_t)(k * ny * nz) * es, f->nz));
    } else {
      /* m[k] = G[k]^H d[k]: op(A) = A^H of the row-major nx x ny slice */
      DLOPS_CALL(m->ops->gemm(m, t, is_complex(t) ? 'C' : 'T', 'N', f->ny, f->nz, f->nx, one, gk, f->ny,
                              x + (size_t)(k * nx * nz) * es, f->nz, zero, y + (size_t)(k * ny * nz) * es, f->nz));
    }
  }
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- the local operator */
static void fred_destroy(dlops_op A) {
  dlops_fred *f = A->data;
  if (!f) return;
  dlops_fred_fini(A->dom, f);
  free(f);
}
static int fred_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  return dlops_fred_apply(x->m, A->dtype, A->data, 0, x->data, y->data);
}
static int fred_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  return dlops_fred_apply(y->m, A->dtype, A->data, 1, y->data, x->data);
}

int dlops_op_create_fredholm1(dlops_ctx ctx, int64_t nsl, int64_t nx, int64_t ny, int64_t nz, const void *G,
                              int saveGt, dlops_dtype dtype, dlops_op *A) {
  DLOPS_CALL(dlops_ctx_check(ctx)); /* local: NULL is ARG, a destroyed context STATE */
  DLOPS_CHECK(A, ctx, DLOPS_ERR_ARG, "fredholm1: null output operator pointer");
  *A = NULL;
  DLOPS_CHECK(ctx->size == 1, ctx, DLOPS_ERR_ARG,
              "fredholm1: a local operator: create it on a one-rank context (this one has %d ranks); "
              "dlops_op_create_mpi_fredholm1 distributes the slices",
              ctx->size);
  int err = 0;
  dlops_fred_check(ctx, "fredholm1", nsl, 1, nx, ny, nz, G, dtype, &err);
  if (err) return err;
  dlops_fred *f = calloc(1, sizeof *f);
  DLOPS_CHECK(f, ctx, DLOPS_ERR_MEM, "fredholm1: cannot allocate operator data");
  dlops_darray dom = NULL, rng = NULL;
  err = dlops_op_vec1d(ctx, nsl * ny * nz, -1, DLOPS_SCATTER, dtype, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, nsl * nx * nz, -1, DLOPS_SCATTER, dtype, -1, &rng);
  /* G (and GT) live where the vectors live */
  if (!err) err = dlops_fred_init(dom, f, nsl, nx, ny, nz, G, saveGt, dtype);
  if (!err) err = dlops_op_new("fredholm1", dom, rng, dtype, DLOPS_SPACES_ALL, A);
  if (err) {
    if (dom) dlops_fred_fini(dom, f);
    free(f);
  }
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  if (err) return err;
  (*A)->data = f;
  (*A)->destroy = fred_destroy;
  (*A)->apply = fred_fwd;
  (*A)->apply_adjoint = fred_adj;
  (*A)->ndims = 3;
  (*A)->ndimsd = 3;
  const int64_t dims[3] = {nsl, ny, nz}, dimsd[3] = {nsl, nx, nz};
  memcpy((*A)->dims, dims, sizeof dims);
  memcpy((*A)->dimsd, dimsd, sizeof dimsd);
  return DLOPS_SUCCESS;
}
