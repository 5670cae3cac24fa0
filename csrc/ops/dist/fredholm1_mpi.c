/* Distributed Fredholm1 (PyLops-MPI MPIFredholm1): the kernel G is split over its first axis
 * (slices, frequencies in MDC) across the ranks, each rank passing its own nsl_r slices; the
 * slices follow rank order (rank r holds global slices sl0_r .. sl0_r + nsl_r - 1,
 * sl0_r = nsl_0 + ... + nsl_{r-1}).
 *
 * Model (nsl, ny, nz) and data (nsl, nx, nz) are BROADCAST (or UNSAFE_BROADCAST) arrays, as in
 * PyLops-MPI: every rank holds the whole vector. Forward: each rank multiplies its slices of the
 * model by its slices of G (ops/local/fredholm1.c, one gemm per slice) into a workspace, then one
 * allgatherv puts every rank's slices into every replica of the data; the adjoint likewise with
 * G^H. Communication per apply: one allgatherv of nsl_r nx nz (forward) or nsl_r ny nz (adjoint)
 * elements contributed by rank r (the counter's bytes), nothing else. */
#include <stdlib.h>

#include "../../comm/comm.h"
#include "../local/fredholm1.h"

typedef struct {
  dlops_fred f;
  int64_t sl0;          /* this rank's first global slice */
  int64_t *cf, *ca;     /* allgatherv counts and displacements (2 x size), forward and adjoint */
  void *work;           /* this rank's slices of the output, max(nx, ny) nz nsl_r elements */
} mfred_data;

static void mfred_free(dlops_darray t, mfred_data *d) {
  if (!d) return;
  if (t) {
    dlops_fred_fini(t, &d->f);
    dlops_op_free_like(t, d->work);
  }
  free(d->cf);
  free(d->ca);
  free(d);
}
static void mfred_destroy(dlops_op A) { mfred_free(A->dom, A->data); }

static int mfred_run(dlops_op A, int adj, dlops_darray in, dlops_darray out) {
  mfred_data *d = A->data;
  const size_t es = dlops_dtype_size(A->dtype);
  const int64_t nin = adj ? d->f.nx : d->f.ny, nout = adj ? d->f.ny : d->f.nx;
  const char *src = (const char *)in->data + (size_t)(d->sl0 * nin * d->f.nz) * es;
  DLOPS_CALL(dlops_fred_apply(in->m, A->dtype, &d->f, adj, src, d->work));
  const int64_t *c = adj ? d->ca : d->cf;
  return dlops_comm_allgatherv(A->ctx->world, d->work, d->f.nsl * nout * d->f.nz, out->data, c, c + A->ctx->size,
                               (dlops_ctype)A->dtype, out->mem);
}
static int mfred_fwd(dlops_op A, dlops_darray x, dlops_darray y) { return mfred_run(A, 0, x, y); }
static int mfred_adj(dlops_op A, dlops_darray y, dlops_darray x) { return mfred_run(A, 1, y, x); }

int dlops_op_create_mpi_fredholm1(dlops_ctx ctx, int64_t nsl_local, int64_t nx, int64_t ny, int64_t nz,
                                  const void *G, int saveGt, dlops_partition partition, dlops_dtype dtype,
                                  dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "mpi_fredholm1: null output operator pointer");
  if (A) *A = NULL;
  DLOPS_CHECK_COLL(partition == DLOPS_BROADCAST || partition == DLOPS_UNSAFE_BROADCAST, ctx, err, DLOPS_ERR_ARG,
                   "mpi_fredholm1: partition must be BROADCAST or UNSAFE_BROADCAST (PyLops-MPI), not %s",
                   dlops_partition_name(partition));
  dlops_fred_check(ctx, "mpi_fredholm1", nsl_local, 0, nx, ny, nz, G, dtype, &err);
  /* the same nx, ny, nz, element type, saveGt and partition on every rank */
  uint64_t hash = 0;
  if (!err) {
    hash = dlops_op_hash_i64(0, nx);
    hash = dlops_op_hash_i64(hash, ny);
    hash = dlops_op_hash_i64(hash, nz);
    hash = dlops_op_hash_i64(hash, dtype);
    hash = dlops_op_hash_i64(hash, saveGt != 0);
    hash = dlops_op_hash_i64(hash, partition);
  }
  DLOPS_CALL(dlops_op_agree(ctx, err, hash, DLOPS_ERR_ARG,
                            "mpi_fredholm1 arguments (nx, ny, nz, dtype, saveGt or partition)"));
  /* every rank's slice count: offsets, total and the allgatherv counts */
  const int P = ctx->size;
  int64_t *nsls = malloc(sizeof(int64_t) * (size_t)P);
  mfred_data *d = calloc(1, sizeof *d);
  if (d) {
    d->cf = malloc(sizeof(int64_t) * 2 * (size_t)P);
    d->ca = malloc(sizeof(int64_t) * 2 * (size_t)P);
  }
  err = nsls && d && d->cf && d->ca ? 0 : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "mpi_fredholm1: cannot allocate operator data");
  err = dlops_comm_agree(ctx->world, err);
  if (!err) err = dlops_comm_meta_allgather_i64(ctx->world, &nsl_local, 1, nsls);
  int64_t total = 0;
  if (!err) {
    for (int r = 0; r < P; r++) {
      if (r == ctx->rank) d->sl0 = total;
      d->cf[r] = nsls[r] * nx * nz;
      d->ca[r] = nsls[r] * ny * nz;
      d->cf[P + r] = total * nx * nz;
      d->ca[P + r] = total * ny * nz;
      total += nsls[r]; /* each < INT64_MAX / 16 / (nx ny nz ...): the sum checked below */
      if (total > INT64_MAX / 16 / nx / ny / nz) break;
    }
    /* the same outcome on every rank: all see the same counts */
    if (total < 1 || total > INT64_MAX / 16 / nx / ny / nz)
      err = DLOPS_ERROR(ctx, total < 1 ? DLOPS_ERR_ARG : DLOPS_ERR_SIZE,
                        "mpi_fredholm1: %lld slices in all (at least one rank must hold a slice; the total must "
                        "keep the model and data within 64-bit byte counts)",
                        (long long)total);
  }
  free(nsls);
  dlops_darray dom = NULL, rng = NULL;
  if (!err) err = dlops_op_vec1d(ctx, total * ny * nz, -1, partition, dtype, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, total * nx * nz, -1, partition, dtype, -1, &rng);
  if (!err) err = dlops_fred_init(dom, &d->f, nsl_local, nx, ny, nz, G, saveGt, dtype);
  if (!err) err = dlops_op_alloc_like(dom, dtype, nsl_local * (nx > ny ? nx : ny) * nz, NULL, &d->work);
  if (!err) err = dlops_op_new("mpi_fredholm1", dom, rng, dtype, DLOPS_SPACES_ALL, A);
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    if (A && *A) dlops_op_destroy(A);
    mfred_free(dom, d);
  }
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  if (err) return err;
  (*A)->data = d;
  (*A)->destroy = mfred_destroy;
  (*A)->apply = mfred_fwd;
  (*A)->apply_adjoint = mfred_adj;
  (*A)->ndims = 3;
  (*A)->ndimsd = 3;
  const int64_t dims[3] = {total, ny, nz}, dimsd[3] = {total, nx, nz};
  memcpy((*A)->dims, dims, sizeof dims);
  memcpy((*A)->dimsd, dimsd, sizeof dimsd);
  (*A)->sig = dlops_op_hash_i64(dlops_op_hash_i64((*A)->sig, nx), nz);
  return DLOPS_SUCCESS;
}
