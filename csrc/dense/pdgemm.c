/* ScaLAPACK-shaped distributed GEMM on block-cyclic matrices: C = alpha A B + beta C with SUMMA
 * (C stationary), non-blocking double-buffered panel broadcasts. See include/dlops/dense.h. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "agree.h"

enum { D_TYPE, D_CTXT, D_M, D_N, D_MB, D_NB, D_RSRC, D_CSRC, D_LLD };

/* BLACS, when the program links it (ScaLAPACK users do): a weak reference, so libdlops never
 * needs BLACS, and when the program has it the grid position of each rank is read from the
 * descriptors' context instead of assumed. Without weak symbols the default order is assumed. */
#if defined(__GNUC__) && defined(__ELF__)
extern void Cblacs_gridinfo(int ictxt, int *nprow, int *npcol, int *myrow, int *mycol)
    __attribute__((weak, visibility("default")));
#define DLOPS_BLACS_PROBE 1
#endif

/* The BLACS grid of ictxt on this rank: 1 with its shape and this rank's position, 0 when BLACS
 * is not linked or ictxt is not a grid this rank belongs to (BLACS answers -1 then). */
static int blacs_grid(int ictxt, int *nprow, int *npcol, int *myrow, int *mycol) {
  *nprow = *npcol = *myrow = *mycol = -1;
#ifdef DLOPS_BLACS_PROBE
  if (Cblacs_gridinfo && ictxt >= 0) Cblacs_gridinfo(ictxt, nprow, npcol, myrow, mycol);
#else
  (void)ictxt;
#endif
  return *nprow >= 1 && *npcol >= 1 && *myrow >= 0 && *mycol >= 0;
}

/* ScaLAPACK's NUMROC: how many of n rows/cols in blocks of nb land on process iproc of nprocs
 * when the first block sits on isrc. */
static int64_t numroc(int64_t n, int64_t nb, int iproc, int isrc, int nprocs) {
  int mydist = (nprocs + iproc - isrc) % nprocs;
  int64_t nblocks = n / nb;
  int64_t num = (nblocks / nprocs) * nb;
  int64_t extra = nblocks % nprocs;
  if (mydist < extra)
    num += nb;
  else if (mydist == extra)
    num += n % nb;
  return num;
}

/* Local index of global index g (0-based) in a block-cyclic dimension. */
static int64_t local_index(int64_t g, int64_t nb, int nprocs) { return (g / nb) / nprocs * nb + g % nb; }
static int owner(int64_t g, int64_t nb, int src, int nprocs) { return (int)((g / nb + src) % nprocs); }

static int check_desc(dlops_ctx ctx, const int *desc, const char *name, int64_t rows, int64_t cols, int pr, int pc) {
  DLOPS_CHECK(desc, ctx, DLOPS_ERR_ARG, "descriptor of %s is NULL", name);
  DLOPS_CHECK(desc[D_TYPE] == 1, ctx, DLOPS_ERR_ARG, "descriptor of %s has type %d (1, block-cyclic, expected)", name,
              desc[D_TYPE]);
  DLOPS_CHECK(desc[D_M] == rows && desc[D_N] == cols, ctx, DLOPS_ERR_SIZE,
              "descriptor of %s is %d x %d but the product needs %lld x %lld", name, desc[D_M], desc[D_N],
              (long long)rows, (long long)cols);
  DLOPS_CHECK(desc[D_MB] >= 1 && desc[D_NB] >= 1, ctx, DLOPS_ERR_ARG, "descriptor of %s has block sizes %d x %d", name,
              desc[D_MB], desc[D_NB]);
  DLOPS_CHECK(desc[D_RSRC] >= 0 && desc[D_RSRC] < pr && desc[D_CSRC] >= 0 && desc[D_CSRC] < pc, ctx, DLOPS_ERR_ARG,
              "descriptor of %s has source process (%d, %d) outside the %d x %d grid", name, desc[D_RSRC], desc[D_CSRC],
              pr, pc);
  return DLOPS_SUCCESS;
}

/* The global fields of a descriptor (everything but the BLACS context and lld, which are local). */
static uint64_t cs_desc(uint64_t h, const int *desc) {
  if (!desc) return dense_cs_i64(h, -1);
  const int f[7] = {D_TYPE, D_M, D_N, D_MB, D_NB, D_RSRC, D_CSRC};
  for (int q = 0; q < 7; q++) h = dense_cs_i64(h, desc[f[q]]);
  return h;
}

/* Local extents on grid position (myrow, mycol) and the checks that depend on them: leading
 * dimensions, NULL local arrays, and the panel buffer size (overflow-checked). */
typedef struct {
  int64_t mloc, nloc, kloc_a, kloc_b, wmax, apan, bpan;
  size_t bytes;
} pg_local;

static int local_extents(dlops_ctx ctx, dlops_dtype t, int pr, int pc, int myrow, int mycol, int64_t m, int64_t n,
                         int64_t k, const void *a, const int *desca, const void *b, const int *descb, const void *c,
                         const int *descc, int64_t nbmax, pg_local *L) {
  L->mloc = numroc(m, descc[D_MB], myrow, descc[D_RSRC], pr);
  L->nloc = numroc(n, descc[D_NB], mycol, descc[D_CSRC], pc);
  L->kloc_a = numroc(k, desca[D_NB], mycol, desca[D_CSRC], pc);
  L->kloc_b = numroc(k, descb[D_MB], myrow, descb[D_RSRC], pr);
  const int64_t mloc = L->mloc, nloc = L->nloc, kloc_a = L->kloc_a, kloc_b = L->kloc_b;
  DLOPS_CHECK(desca[D_LLD] >= (mloc > 1 ? mloc : 1) && descb[D_LLD] >= (kloc_b > 1 ? kloc_b : 1) &&
                  descc[D_LLD] >= (mloc > 1 ? mloc : 1),
              ctx, DLOPS_ERR_ARG, "leading dimensions (%d, %d, %d) too small for the local blocks (%lld, %lld, %lld rows)",
              desca[D_LLD], descb[D_LLD], descc[D_LLD], (long long)mloc, (long long)kloc_b, (long long)mloc);
  DLOPS_CHECK((c || mloc * nloc == 0) && (a || mloc * kloc_a == 0) && (b || kloc_b * nloc == 0), ctx, DLOPS_ERR_ARG,
              "null local array with a non-empty local block (A %lld x %lld%s, B %lld x %lld%s, C %lld x %lld%s)",
              (long long)mloc, (long long)kloc_a, a ? "" : " NULL", (long long)kloc_b, (long long)nloc, b ? "" : " NULL",
              (long long)mloc, (long long)nloc, c ? "" : " NULL");
  /* panel width: at most one block of A's columns / B's rows, at most nbmax */
  int64_t wmax = desca[D_NB] < descb[D_MB] ? desca[D_NB] : descb[D_MB];
  if (nbmax > 0 && nbmax < wmax) wmax = nbmax;
  L->wmax = wmax;
  int64_t pans, tot;
  int ok = dense_mul(mloc, wmax, &L->apan) && dense_mul(wmax, nloc, &L->bpan) && dense_add(L->apan, L->bpan, &pans) &&
           dense_mul(pans, 2, &tot) && dense_add(tot, 1, &tot) && dense_bytes(tot, dlops_dtype_size(t), &L->bytes);
  DLOPS_CHECK(ok, ctx, DLOPS_ERR_SIZE, "panel buffers of %lld x %lld and %lld x %lld elements overflow the address space",
              (long long)mloc, (long long)wmax, (long long)wmax, (long long)nloc);
  return DLOPS_SUCCESS;
}

/* The grid positions of a BLACS grid: every rank with a position sends it; the positions must
 * cover the pr x pc grid exactly once (ranks without one are idle). Collective (one metadata
 * allgather); the same verdict on every rank. */
static int check_blacs_positions(dlops_ctx ctx, int pr, int pc, int myrow, int mycol) {
  const int P = ctx->size;
  int64_t mine[2] = {myrow, mycol}, *all = malloc(sizeof(int64_t) * 2 * (size_t)P);
  int64_t *owner_of = calloc((size_t)pr * (size_t)pc, sizeof(int64_t));
  int err = (all && owner_of) ? 0 : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate the grid map");
  err = dlops_comm_agree(ctx->world, err);
  if (!err) err = dlops_comm_meta_allgather_i64(ctx->world, mine, 2, all);
  if (!err) {
    int64_t held = 0;
    for (int r = 0; r < P && !err; r++) {
      int64_t i = all[2 * r], j = all[2 * r + 1];
      if (i < 0) continue;
      int64_t q = i * pc + j;
      if (owner_of[q])
        err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG,
                          "BLACS grid position (%lld, %lld) is held by ranks %lld and %d of the context: the "
                          "descriptors' BLACS contexts do not describe one grid",
                          (long long)i, (long long)j, (long long)owner_of[q] - 1, r);
      owner_of[q] = r + 1;
      held++;
    }
    if (!err && held != (int64_t)pr * pc)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG,
                        "the BLACS grid covers %lld of the %d x %d positions on this context's ranks: every grid "
                        "process must call with the grid's context",
                        (long long)held, pr, pc);
  }
  free(all);
  free(owner_of);
  return err;
}

static int pgemm(dlops_ctx ctx, dlops_dtype t, int pr, int pc, int64_t m, int64_t n, int64_t k, dlops_scalar alpha,
                 const void *a, const int *desca, const void *b, const int *descb, dlops_scalar beta, void *c,
                 const int *descc, int64_t nbmax) {
  {
    /* a NULL or stale context on some ranks: those join the others' agreement (orphan) */
    int e0 = dlops_ctx_check(ctx);
    if (e0) return dlops_agree_orphan(e0);
  }
  const int P = ctx->size, me = ctx->rank;
  dlops_mem *hm = ctx->mems[DLOPS_MEM_HOST]; /* ScaLAPACK descriptors describe host memory */
  /* 1. local checks: none returns early, so every rank reaches the agreement */
  int err = 0, err_rm = 0;
  DLOPS_CHECK_COLL(pr >= 1 && pc >= 1 && (int64_t)pr * pc <= P, ctx, err, DLOPS_ERR_ARG,
                   "process grid %d x %d does not fit in %d ranks", pr, pc, P);
  DLOPS_CHECK_COLL(m >= 0 && n >= 0 && k >= 0 && m <= INT_MAX && n <= INT_MAX && k <= INT_MAX, ctx, err, DLOPS_ERR_ARG,
                   "bad sizes m=%lld n=%lld k=%lld", (long long)m, (long long)n, (long long)k);
  DLOPS_CHECK_COLL(nbmax >= 0, ctx, err, DLOPS_ERR_ARG, "nb = %lld must be >= 0", (long long)nbmax);
  DLOPS_CHECK_COLL(desca && descb && descc, ctx, err, DLOPS_ERR_ARG, "null descriptor (A %p, B %p, C %p)",
                   (const void *)desca, (const void *)descb, (const void *)descc);
  if (!err) err = check_desc(ctx, desca, "A", m, k, pr, pc);
  if (!err) err = check_desc(ctx, descb, "B", k, n, pr, pc);
  if (!err) err = check_desc(ctx, descc, "C", m, n, pr, pc);
  DLOPS_CHECK_COLL(desca[D_MB] == descc[D_MB] && desca[D_RSRC] == descc[D_RSRC], ctx, err, DLOPS_ERR_UNSUPPORTED,
                   "A's row blocking (mb %d, rsrc %d) must equal C's (mb %d, rsrc %d)", desca[D_MB], desca[D_RSRC],
                   descc[D_MB], descc[D_RSRC]);
  DLOPS_CHECK_COLL(descb[D_NB] == descc[D_NB] && descb[D_CSRC] == descc[D_CSRC], ctx, err, DLOPS_ERR_UNSUPPORTED,
                   "B's column blocking (nb %d, csrc %d) must equal C's (nb %d, csrc %d)", descb[D_NB], descb[D_CSRC],
                   descc[D_NB], descc[D_CSRC]);
  DLOPS_CHECK_COLL(desca[D_CTXT] == descb[D_CTXT] && desca[D_CTXT] == descc[D_CTXT], ctx, err, DLOPS_ERR_ARG,
                   "the descriptors name different BLACS contexts (%d, %d, %d)", desca[D_CTXT], descb[D_CTXT],
                   descc[D_CTXT]);
  /* grid position: the BLACS grid's when the descriptors' context is one (honoured), else the
   * row-major default (rank = i*pc + j) */
  int bpr = -1, bpc = -1, bi = -1, bj = -1, blacs = 0;
  if (!err) {
    blacs = blacs_grid(desca[D_CTXT], &bpr, &bpc, &bi, &bj);
    DLOPS_CHECK_COLL(!blacs || (bpr == pr && bpc == pc && bi < pr && bj < pc), ctx, err, DLOPS_ERR_ARG,
                     "the descriptors' BLACS grid is %d x %d (this rank at (%d, %d)) but the call names a %d x %d grid",
                     bpr, bpc, bi, bj, pr, pc);
  }
  pg_local L;
  memset(&L, 0, sizeof L);
  if (!err && blacs)
    err = local_extents(ctx, t, pr, pc, bi, bj, m, n, k, a, desca, b, descb, c, descc, nbmax, &L);
  else if (!err && me < pr * pc) /* counts only if no rank has a BLACS grid (else this rank is idle) */
    err_rm = local_extents(ctx, t, pr, pc, me / pc, me % pc, m, n, k, a, desca, b, descb, c, descc, nbmax, &L);
  /* values that must be equal on all ranks */
  uint64_t cs = dense_cs_i64(0x64656e7365ULL, (int64_t)t);
  const int64_t scal[6] = {pr, pc, m, n, k, nbmax};
  for (int q = 0; q < 6; q++) cs = dense_cs_i64(cs, scal[q]);
  cs = dense_cs_f64(dense_cs_f64(cs, alpha.re), alpha.im);
  cs = dense_cs_f64(dense_cs_f64(cs, beta.re), beta.im);
  cs = cs_desc(cs_desc(cs_desc(cs, desca), descb), descc);
  /* 2. one agreement on (code, checksum, BLACS in use) before any data moves */
  int any_blacs = 0;
  DLOPS_CALL(dense_agree(ctx, err, err_rm, cs, blacs, &any_blacs,
                         "the product (type, grid, m, n, k, nb, alpha, beta, descriptors)"));
  int active, myrow, mycol;
  if (any_blacs) { /* a BLACS grid in use: its positions must cover the grid exactly once */
    DLOPS_CALL(check_blacs_positions(ctx, pr, pc, blacs ? bi : -1, blacs ? bj : -1));
    active = blacs;
    myrow = blacs ? bi : -1;
    mycol = blacs ? bj : -1;
    if (!active) memset(&L, 0, sizeof L);
  } else {
    active = me < pr * pc;
    myrow = active ? me / pc : -1;
    mycol = active ? me % pc : -1;
  }
  const int64_t mloc = L.mloc, nloc = L.nloc, wmax = L.wmax;

  /* 3. grid communicators (both splits on every rank, whatever the first returned) and panels */
  size_t es = dlops_dtype_size(t);
  dlops_ctype ct = (dlops_ctype)t;
  dlops_comm *row = NULL, *col = NULL;
  int e1 = dlops_comm_split(ctx->world, active ? myrow : -1, mycol, &row);
  int e2 = dlops_comm_split(ctx->world, active ? mycol : -1, myrow, &col);
  err = e1 ? e1 : e2;
  const int64_t mba = desca[D_NB], mbb = descb[D_MB];
  char *buf = NULL;
  if (!err && active) {
    buf = malloc(L.bytes);
    if (!buf) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "cannot allocate panel buffers (%zu bytes)", L.bytes);
  }
  err = dlops_comm_agree(ctx->world, err);
  if (!err && active) {
    const int64_t lldc = descc[D_LLD], llda = desca[D_LLD], lldb = descb[D_LLD];
    /* C = beta C */
    if (!(beta.re == 1.0 && beta.im == 0.0))
      for (int64_t jj = 0; jj < nloc; jj++)
        for (int64_t ii = 0; ii < mloc; ii++) {
          char *p = (char *)c + (size_t)(jj * lldc + ii) * es;
          switch (t) {
            case DLOPS_F32: *(float *)p = beta.re == 0 ? 0.f : (float)(beta.re * *(float *)p); break;
            case DLOPS_F64: *(double *)p = beta.re == 0 ? 0.0 : beta.re * *(double *)p; break;
            case DLOPS_C64: {
              float *z = (float *)p;
              float re = z[0], im = z[1];
              z[0] = (beta.re == 0 && beta.im == 0) ? 0.f : (float)(beta.re * re - beta.im * im);
              z[1] = (beta.re == 0 && beta.im == 0) ? 0.f : (float)(beta.re * im + beta.im * re);
              break;
            }
            default: {
              double *z = (double *)p;
              double re = z[0], im = z[1];
              z[0] = (beta.re == 0 && beta.im == 0) ? 0.0 : beta.re * re - beta.im * im;
              z[1] = (beta.re == 0 && beta.im == 0) ? 0.0 : beta.re * im + beta.im * re;
              break;
            }
          }
        }
    /* panels [k0, k0 + w): never crossing a block boundary of A's columns or B's rows */
    char *ap[2], *bp[2];
    const size_t apan = (size_t)L.apan, bpan = (size_t)L.bpan;
    ap[0] = buf;
    ap[1] = buf + apan * es;
    bp[0] = buf + 2 * apan * es;
    bp[1] = bp[0] + bpan * es;
    dlops_request ra[2], rb[2];
    memset(ra, 0, sizeof ra);
    memset(rb, 0, sizeof rb);
    int64_t pk0[2] = {0, 0}, pw[2] = {0, 0};
    int64_t knext = 0;
    int s = 0, have = 0;
    /* post the panel starting at knext into slot sl */
#define POST_PANEL(sl)                                                                                          \
  do {                                                                                                          \
    int64_t k0_ = knext, w_ = wmax;                                                                             \
    int64_t ea_ = (k0_ / mba + 1) * mba, eb_ = (k0_ / mbb + 1) * mbb;                                           \
    if (k0_ + w_ > ea_) w_ = ea_ - k0_;                                                                         \
    if (k0_ + w_ > eb_) w_ = eb_ - k0_;                                                                         \
    if (k0_ + w_ > k) w_ = k - k0_;                                                                             \
    pk0[sl] = k0_;                                                                                              \
    pw[sl] = w_;                                                                                                \
    int oa_ = owner(k0_, mba, desca[D_CSRC], pc), ob_ = owner(k0_, mbb, descb[D_RSRC], pr);                     \
    if (mycol == oa_) { /* my columns of A: mloc x w, column-major */                                          \
      int64_t lc_ = local_index(k0_, mba, pc);                                                                  \
      for (int64_t q_ = 0; q_ < w_; q_++)                                                                       \
        memcpy(ap[sl] + (size_t)(q_ * mloc) * es, (const char *)a + (size_t)((lc_ + q_) * llda) * es,           \
               (size_t)mloc * es);                                                                              \
    }                                                                                                           \
    if (myrow == ob_) { /* my rows of B: w x nloc, column-major */                                             \
      int64_t lr_ = local_index(k0_, mbb, pr);                                                                  \
      for (int64_t q_ = 0; q_ < nloc; q_++)                                                                     \
        memcpy(bp[sl] + (size_t)(q_ * w_) * es, (const char *)b + (size_t)(q_ * lldb + lr_) * es, (size_t)w_ * es); \
    }                                                                                                           \
    if (!err) err = dlops_comm_ibcast(row, ap[sl], mloc * w_, ct, oa_, &ra[sl], DLOPS_MEM_HOST);                               \
    if (!err) err = dlops_comm_ibcast(col, bp[sl], w_ * nloc, ct, ob_, &rb[sl], DLOPS_MEM_HOST);                               \
    knext = k0_ + w_;                                                                                           \
  } while (0)
    if (knext < k) {
      POST_PANEL(0);
      have = 1;
    }
    while (have && !err) {
      int nxt = 1 - s, more = knext < k;
      if (more) POST_PANEL(nxt);
      if (!err) err = dlops_comm_wait(row, &ra[s], DLOPS_COMM_BCAST);
      if (!err) err = dlops_comm_wait(col, &rb[s], DLOPS_COMM_BCAST);
      /* column-major C += A B is the row-major C^T += B^T A^T of the host memory space */
      if (!err && mloc > 0)
        err = hm->ops->gemm(hm, t, 'N', 'N', (int)nloc, (int)mloc, (int)pw[s], alpha, bp[s], (int)pw[s], ap[s],
                            (int)mloc, (dlops_scalar){1.0, 0.0}, c, (int)lldc);
      s = nxt;
      have = more;
    }
#undef POST_PANEL
    for (int q = 0; q < 2; q++) {
      dlops_comm_wait(row, &ra[q], DLOPS_COMM_BCAST);
      dlops_comm_wait(col, &rb[q], DLOPS_COMM_BCAST);
    }
    (void)pk0;
  }
  free(buf);
  dlops_comm_destroy(&row);
  dlops_comm_destroy(&col);
  return dlops_comm_agree(ctx->world, err);
}

int dlops_pdgemm(dlops_ctx ctx, int pr, int pc, int64_t m, int64_t n, int64_t k, double alpha, const double *a,
                 const int *desca, const double *b, const int *descb, double beta, double *c, const int *descc,
                 int64_t nb) {
  return pgemm(ctx, DLOPS_F64, pr, pc, m, n, k, (dlops_scalar){alpha, 0}, a, desca, b, descb, (dlops_scalar){beta, 0},
               c, descc, nb);
}
int dlops_psgemm(dlops_ctx ctx, int pr, int pc, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                 const int *desca, const float *b, const int *descb, float beta, float *c, const int *descc, int64_t nb) {
  return pgemm(ctx, DLOPS_F32, pr, pc, m, n, k, (dlops_scalar){alpha, 0}, a, desca, b, descb, (dlops_scalar){beta, 0},
               c, descc, nb);
}
int dlops_pzgemm(dlops_ctx ctx, int pr, int pc, int64_t m, int64_t n, int64_t k, dlops_scalar alpha, const void *a,
                 const int *desca, const void *b, const int *descb, dlops_scalar beta, void *c, const int *descc,
                 int64_t nb) {
  return pgemm(ctx, DLOPS_C128, pr, pc, m, n, k, alpha, a, desca, b, descb, beta, c, descc, nb);
}
int dlops_pcgemm(dlops_ctx ctx, int pr, int pc, int64_t m, int64_t n, int64_t k, dlops_scalar alpha, const void *a,
                 const int *desca, const void *b, const int *descb, dlops_scalar beta, void *c, const int *descc,
                 int64_t nb) {
  return pgemm(ctx, DLOPS_C64, pr, pc, m, n, k, alpha, a, desca, b, descb, beta, c, descc, nb);
}
