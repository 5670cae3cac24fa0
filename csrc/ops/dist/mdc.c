/* Multi-dimensional convolution distributed over frequencies (PyLops-MPI's MPIMDC, signal.h).
 *
 * The operator is the chain PyLops-MPI builds, F1^H I1^H Fr I F, made of dlops operators:
 *   F   real FFT along time of the model (nt, nr, nv), ifftshift first when twosided: a local
 *       operator on a one-rank context, replicated over the ranks' copies of the BROADCAST model;
 *   I   the first nfmax*nr*nv of the nfft*nr*nv frequency samples (rectangular identity), local,
 *       replicated;
 *   Fr  MPIFredholm1 over the frequencies (each rank its slices of G), conjugated when conj;
 *   I1^H, F1^H  the zero padding back to nfft frequencies and the adjoint real FFT of the data
 *       (nt, ns, nv), local, replicated.
 * F and F1^H make the operator mixed inside (real model and data, complex in between: op.h).
 * The one-rank context of the local parts is the operator's own (created here on
 * MPI_COMM_SELF with the parent's memory space, destroyed with the operator). Applies run the
 * chain's own apply functions: the only communication is Fredholm1's allgatherv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../comm/comm.h"
#include "../op_impl.h"

/* The one-rank context: comm=mpi and the parent's memory space (its mem= key). */
static int make_self(dlops_ctx ctx, dlops_ctx *self) {
  const char *spec = "";
  dlops_ctx_get_spec(ctx, &spec);
  const char *m = strstr(spec, "mem=");
  char buf[96];
  snprintf(buf, sizeof buf, "comm=mpi %.*s", m ? (int)strcspn(m, " ") : 0, m ? m : "");
  return dlops_ctx_create(MPI_COMM_SELF, buf, self);
}

/* op = the replicated form of a local operator (the local handle is dropped). err: the local
 * creation's outcome on the one-rank context self, whose message is carried to ctx (the agreement
 * below hands every rank the failing rank's message of ctx). */
static int replicate(dlops_ctx ctx, dlops_ctx self, dlops_op *local, dlops_partition part, int err, dlops_op *out) {
  if (err && self) {
    const char *m = dlops_ctx_last_error(self);
    err = DLOPS_ERROR(ctx, err, "mdc: %s", m && *m ? m : "a local part could not be created");
  }
  /* a local failure on one rank must not leave the others in the collective creation */
  err = dlops_comm_agree(ctx->world, err);
  if (!err) err = dlops_op_create_replicated(ctx, *local, part, out);
  dlops_op_destroy(local);
  return err;
}

int dlops_op_create_mdc(dlops_ctx ctx, int64_t nfreq_local, int64_t ns, int64_t nr, const void *G, int64_t nt,
                        int64_t nv, double dt, double dr, int twosided, int saveGt, int conj, int prescaled,
                        dlops_partition partition, dlops_dtype dtype, dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "mdc: null output operator pointer");
  if (A) *A = NULL;
  DLOPS_CHECK_COLL(dtype == DLOPS_C64 || dtype == DLOPS_C128, ctx, err, DLOPS_ERR_ARG,
                   "mdc: the kernel G is in the frequency domain: its element type must be c64 or c128, not %s",
                   (int)dtype >= 0 && (int)dtype < DLOPS_NUM_DTYPES ? dlops_dtype_name(dtype) : "unknown");
  DLOPS_CHECK_COLL(partition == DLOPS_BROADCAST || partition == DLOPS_UNSAFE_BROADCAST, ctx, err, DLOPS_ERR_ARG,
                   "mdc: partition must be BROADCAST or UNSAFE_BROADCAST (PyLops-MPI), not %s",
                   dlops_partition_name(partition));
  DLOPS_CHECK_COLL(nfreq_local >= 0 && (G || nfreq_local == 0), ctx, err, DLOPS_ERR_ARG,
                   "mdc: rank %d passes %lld frequency slices and %s G", ctx->rank, (long long)nfreq_local,
                   G ? "a" : "a NULL");
  DLOPS_CHECK_COLL(ns >= 1 && nr >= 1 && nt >= 1 && nv >= 1, ctx, err, DLOPS_ERR_ARG,
                   "mdc: ns = %lld, nr = %lld, nt = %lld and nv = %lld must be >= 1", (long long)ns, (long long)nr,
                   (long long)nt, (long long)nv);
  DLOPS_CHECK_COLL(!twosided || nt % 2 == 1, ctx, err, DLOPS_ERR_ARG,
                   "mdc: nt = %lld must be odd when twosided (negative and positive times)", (long long)nt);
  DLOPS_CHECK_COLL(isfinite(dt) && isfinite(dr), ctx, err, DLOPS_ERR_ARG, "mdc: dt = %g and dr = %g must be finite", dt,
                   dr);
  uint64_t h = 0;
  if (!err) {
    const int64_t v[9] = {ns, nr, nt, nv, twosided != 0, saveGt != 0, conj != 0, prescaled != 0, partition};
    for (int k = 0; k < 9; k++) h = dlops_op_hash_i64(h, v[k]);
    h = dlops_op_hash_i64(h, dtype);
    h = dlops_op_hash_f64(dlops_op_hash_f64(h, dt), dr);
  }
  DLOPS_CALL(dlops_op_agree(ctx, err, h, DLOPS_ERR_ARG,
                            "mdc arguments (ns, nr, nt, nv, dt, dr, flags, partition or dtype)"));
  /* nfmax over the ranks, at most nfft */
  const int64_t nfft = (nt + 2) / 2; /* ceil((nt + 1) / 2) */
  int64_t nfmax = nfreq_local;
  DLOPS_CALL(dlops_comm_meta_allreduce_i64(ctx->world, &nfmax, 1, DLOPS_OP_SUM));
  if (nfmax < 1 || nfmax > nfft)
    return DLOPS_ERROR(ctx, DLOPS_ERR_SIZE,
                       "mdc: the ranks pass %lld frequency slices in all; MDC needs 1 to ceil((nt+1)/2) = %lld",
                       (long long)nfmax, (long long)nfft);
  const dlops_dtype tr = dtype == DLOPS_C64 ? DLOPS_F32 : DLOPS_F64;
  /* the kernel, scaled (PyLops: dr * dt * sqrt(nt) * G) */
  void *Gs = NULL;
  const size_t es = dlops_dtype_size(dtype), ng = (size_t)(nfreq_local * ns * nr);
  if (ng && !prescaled) {
    Gs = malloc(ng * es);
    if (!Gs) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "mdc: cannot allocate the scaled kernel");
    else {
      const double s = dr * dt * sqrt((double)nt);
      for (size_t i = 0; i < 2 * ng; i++) {
        if (dtype == DLOPS_C64) ((float *)Gs)[i] = (float)(s * ((const float *)G)[i]);
        else ((double *)Gs)[i] = s * ((const double *)G)[i];
      }
    }
  }
  dlops_ctx self = NULL;
  if (!err) err = make_self(ctx, &self);
  /* local parts on the one-rank context, replicated */
  const int64_t dm[3] = {nt, nr, nv}, dd[3] = {nt, ns, nv};
  dlops_op F = NULL, I = NULL, F1 = NULL, I1 = NULL, Fr = NULL, t = NULL;
  dlops_op l = NULL;
  int lerr = err ? err : dlops_op_create_fft(self, 3, dm, 0, 0, DLOPS_FFT_ORTHO, 1, twosided, 0, tr, &l);
  err = replicate(ctx, self, &l, partition, lerr, &F);
  lerr = err ? err : dlops_op_create_identity(self, nfmax * nr * nv, nfft * nr * nv, dtype, &l);
  err = replicate(ctx, self, &l, partition, lerr, &I);
  lerr = err ? err : dlops_op_create_fft(self, 3, dd, 0, 0, DLOPS_FFT_ORTHO, 1, 0, 0, tr, &l);
  err = replicate(ctx, self, &l, partition, lerr, &F1);
  lerr = err ? err : dlops_op_create_identity(self, nfmax * ns * nv, nfft * ns * nv, dtype, &l);
  err = replicate(ctx, self, &l, partition, lerr, &I1);
  if (!err)
    err = dlops_op_create_mpi_fredholm1(ctx, nfreq_local, ns, nr, nv, Gs ? Gs : G, saveGt, partition, dtype, &Fr);
  free(Gs);
  if (!err && conj) {
    err = dlops_op_create_conj(Fr, &t);
    dlops_op_destroy(&Fr);
    Fr = t;
    t = NULL;
  }
  /* C = F1^H I1^H Fr I F: local compositions, each rank the same (no communication) */
  dlops_op C = NULL, H = NULL;
  if (!err) err = dlops_op_create_product(I, F, &C); /* I F */
  if (!err) err = dlops_op_create_product(Fr, C, &t), dlops_op_destroy(&C), C = t, t = NULL;
  if (!err) err = dlops_op_create_adjoint(I1, &H);
  if (!err) err = dlops_op_create_product(H, C, &t), dlops_op_destroy(&C), C = t, t = NULL;
  dlops_op_destroy(&H);
  if (!err) err = dlops_op_create_adjoint(F1, &H);
  if (!err) err = dlops_op_create_product(H, C, &t), dlops_op_destroy(&C), C = t, t = NULL;
  dlops_op_destroy(&H);
  dlops_op_destroy(&F);
  dlops_op_destroy(&I);
  dlops_op_destroy(&F1);
  dlops_op_destroy(&I1);
  dlops_op_destroy(&Fr);
  err = dlops_comm_agree(ctx->world, err);
  if (!err) {
    err = dlops_op_wrap("mdc", &C, self, A); /* takes C and the one-rank context */
    self = NULL;
  }
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    if (A && *A) dlops_op_destroy(A);
    dlops_op_destroy(&C);
    dlops_ctx_destroy(&self);
    return err;
  }
  (*A)->sig = dlops_hash_bytes((*A)->sig, &h, sizeof h);
  (*A)->ndims = 3;
  (*A)->ndimsd = 3;
  memcpy((*A)->dims, dm, sizeof dm);
  memcpy((*A)->dimsd, dd, sizeof dd);
  return DLOPS_SUCCESS;
}
