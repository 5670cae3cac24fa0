/* dlops_pdgemm / dlops_pzgemm (and the single-precision variants) against ScaLAPACK's own
 * pdgemm / pzgemm on the same block-cyclic descriptors and data. Relative Frobenius error of
 * C at most 1e-13 in double (1e-5 in single, compared with pdgemm on promoted data), on every
 * grid that fits in the ranks, block sizes that do not divide the matrices, and empty cases. */
#include "dlops_test.h"

/* ScaLAPACK / BLACS (PBLAS routines are C with a Fortran interface; no hidden lengths used) */
void Cblacs_get(int ctxt, int what, int *val);
void Cblacs_gridinit(int *ctxt, const char *order, int nprow, int npcol);
void Cblacs_gridmap(int *ctxt, int *usermap, int ldumap, int nprow, int npcol);
void Cblacs_gridinfo(int ctxt, int *nprow, int *npcol, int *myrow, int *mycol);
void Cblacs_gridexit(int ctxt);
void descinit_(int *desc, const int *m, const int *n, const int *mb, const int *nb, const int *irsrc, const int *icsrc,
               const int *ictxt, const int *lld, int *info);
int numroc_(const int *n, const int *nb, const int *iproc, const int *isrc, const int *nprocs);
void pdgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k, const double *alpha,
             const double *a, const int *ia, const int *ja, const int *desca, const double *b, const int *ib,
             const int *jb, const int *descb, const double *beta, double *c, const int *ic, const int *jc,
             const int *descc);
void pzgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k, const double *alpha,
             const void *a, const int *ia, const int *ja, const int *desca, const void *b, const int *ib,
             const int *jb, const int *descb, const double *beta, void *c, const int *ic, const int *jc,
             const int *descc);

typedef struct {
  int m, n, mb, nb, rsrc, csrc;
} mat;

/* Local column-major block of a global matrix g(i, j) = rand(seed, i*ncols + j). */
static void fill(double *loc, int lld, mat A, int myrow, int mycol, int pr, int pc, int cplx, unsigned seed) {
  int ml = numroc_(&A.m, &A.mb, &myrow, &A.rsrc, &pr), nl = numroc_(&A.n, &A.nb, &mycol, &A.csrc, &pc);
  for (int jl = 0; jl < nl; jl++)
    for (int il = 0; il < ml; il++) {
      int gi = ((il / A.mb) * pr + (pr + myrow - A.rsrc) % pr) * A.mb + il % A.mb;
      int gj = ((jl / A.nb) * pc + (pc + mycol - A.csrc) % pc) * A.nb + jl % A.nb;
      long long g = (long long)gi * A.n + gj;
      if (cplx) {
        loc[2 * ((size_t)jl * lld + il)] = dlops_test_rand(seed, 2 * g);
        loc[2 * ((size_t)jl * lld + il) + 1] = dlops_test_rand(seed, 2 * g + 1);
      } else {
        loc[(size_t)jl * lld + il] = dlops_test_rand(seed, g);
      }
    }
}

/* Grid orders of the BLACS grid: BLACS' default "Row", its "Col" order, and a user map that
 * reverses the ranks (Cblacs_gridmap). dlops reads every rank's position from the BLACS
 * context, so all three must give ScaLAPACK's answer. */
enum { ORD_ROW, ORD_COL, ORD_REV };
static const char *const ord_name[] = {"row", "col", "reversed"};

/* position of rank r in a pr x pc grid of order ord (-1 when off the grid) */
static void grid_pos(int ord, int pr, int pc, int r, int *i, int *j) {
  *i = *j = -1;
  if (r >= pr * pc) return;
  if (ord == ORD_REV) r = pr * pc - 1 - r;
  if (ord == ORD_COL) {
    *i = r % pr;
    *j = r / pr;
  } else {
    *i = r / pc;
    *j = r % pc;
  }
}

static int make_grid(int ord, int pr, int pc) {
  int ictxt;
  Cblacs_get(-1, 0, &ictxt);
  if (ord == ORD_ROW) {
    Cblacs_gridinit(&ictxt, "Row", pr, pc);
  } else if (ord == ORD_COL) {
    Cblacs_gridinit(&ictxt, "Col", pr, pc);
  } else {
    int *map = malloc(sizeof(int) * (size_t)(pr * pc));
    for (int r = 0; r < pr * pc; r++) {
      int i, j;
      grid_pos(ord, pr, pc, r, &i, &j);
      map[i + j * pr] = r; /* column-major usermap, leading dimension pr */
    }
    Cblacs_gridmap(&ictxt, map, pr, pr, pc);
    free(map);
  }
  return ictxt;
}

static void run(dlops_ctx ctx, int ord, int pr, int pc, int m, int n, int k, int mba, int nba, int mbb, int nbb,
                int mbc, int nbc, int cplx, int single, int64_t panel) {
  int rank, P;
  dlops_ctx_get_rank(ctx, &rank);
  dlops_ctx_get_size(ctx, &P);
  if (pr * pc > P) return;
  (void)mbc;
  (void)nbb;
  int ictxt = make_grid(ord, pr, pc);
  int active = rank < pr * pc;
  int myrow = -1, mycol = -1, npr, npc, ei, ej;
  if (active) Cblacs_gridinfo(ictxt, &npr, &npc, &myrow, &mycol);
  grid_pos(ord, pr, pc, rank, &ei, &ej);
  T_CHECK(!active || (myrow == ei && mycol == ej), "BLACS grid (%s) puts rank %d at (%d, %d), expected (%d, %d)",
          ord_name[ord], rank, myrow, mycol, ei, ej);
  mat A = {m, k, mba, nba, 0, 0}, B = {k, n, mbb, nbc, 0, 0}, C = {m, n, mba, nbc, 0, 0};
  if (pr > 1) A.rsrc = C.rsrc = 1 % pr; /* a non-zero source row */
  int zero = 0, one = 1, info = 0;
  int desca[9] = {0}, descb[9] = {0}, descc[9] = {0};
  double *a = NULL, *b = NULL, *c1 = NULL, *c2 = NULL;
  int ml = 0, kl = 0, kbl = 0, nl = 0;
  size_t w = cplx ? 2 : 1;
  if (active) {
    ml = numroc_(&m, &A.mb, &myrow, &A.rsrc, &pr);
    kl = numroc_(&k, &A.nb, &mycol, &A.csrc, &pc);
    kbl = numroc_(&k, &B.mb, &myrow, &B.rsrc, &pr);
    nl = numroc_(&n, &C.nb, &mycol, &C.csrc, &pc);
    int llda = ml > 1 ? ml : 1, lldb = kbl > 1 ? kbl : 1, lldc = llda;
    descinit_(desca, &A.m, &A.n, &A.mb, &A.nb, &A.rsrc, &A.csrc, &ictxt, &llda, &info);
    T_CHECK(info == 0, "descinit A info %d", info);
    descinit_(descb, &B.m, &B.n, &B.mb, &B.nb, &B.rsrc, &B.csrc, &ictxt, &lldb, &info);
    T_CHECK(info == 0, "descinit B info %d", info);
    descinit_(descc, &C.m, &C.n, &C.mb, &C.nb, &C.rsrc, &C.csrc, &ictxt, &lldc, &info);
    T_CHECK(info == 0, "descinit C info %d", info);
    a = calloc(w * (size_t)(llda * (kl > 0 ? kl : 1)), sizeof(double));
    b = calloc(w * (size_t)(lldb * (nl > 0 ? nl : 1)), sizeof(double));
    c1 = calloc(w * (size_t)(lldc * (nl > 0 ? nl : 1)), sizeof(double));
    c2 = calloc(w * (size_t)(lldc * (nl > 0 ? nl : 1)), sizeof(double));
    fill(a, llda, A, myrow, mycol, pr, pc, cplx, 3);
    fill(b, lldb, B, myrow, mycol, pr, pc, cplx, 5);
    fill(c1, lldc, C, myrow, mycol, pr, pc, cplx, 7);
    if (single) { /* round the inputs to float so both paths see the same data */
      for (size_t q = 0; q < w * (size_t)(llda * (kl > 0 ? kl : 1)); q++) a[q] = (float)a[q];
      for (size_t q = 0; q < w * (size_t)(lldb * (nl > 0 ? nl : 1)); q++) b[q] = (float)b[q];
      for (size_t q = 0; q < w * (size_t)(lldc * (nl > 0 ? nl : 1)); q++) c1[q] = (float)c1[q];
    }
    memcpy(c2, c1, w * sizeof(double) * (size_t)(lldc * (nl > 0 ? nl : 1)));
    double alpha[2] = {0.75, -0.5}, beta[2] = {-1.25, 0.25};
    if (cplx)
      pzgemm_("N", "N", &m, &n, &k, alpha, a, &one, &one, desca, b, &one, &one, descb, beta, c1, &one, &one, descc);
    else
      pdgemm_("N", "N", &m, &n, &k, alpha, a, &one, &one, desca, b, &one, &one, descb, beta, c1, &one, &one, descc);
  }
  (void)zero;
  /* dlops on the same data (non-grid ranks pass NULL arrays and descriptors of the grid) */
  int err;
  dlops_scalar al = {0.75, -0.5}, be = {-1.25, 0.25};
  size_t nc = w * (size_t)((ml > 1 ? ml : 1) * (nl > 0 ? nl : 1));
  if (!active) { /* descriptors are still needed for the sizes */
    /* no BLACS context off the grid: fill the descriptors by hand */
    int *ds[3] = {desca, descb, descc};
    mat ms[3] = {A, B, C};
    for (int q = 0; q < 3; q++) {
      int d[9] = {1, -1, ms[q].m, ms[q].n, ms[q].mb, ms[q].nb, ms[q].rsrc, ms[q].csrc, 1};
      memcpy(ds[q], d, sizeof d);
    }
  }
  if (single) {
    size_t na = active ? w * (size_t)((ml > 1 ? ml : 1) * (kl > 0 ? kl : 1)) : 0;
    size_t nbq = active ? w * (size_t)((kbl > 1 ? kbl : 1) * (nl > 0 ? nl : 1)) : 0;
    float *fa = malloc((na + 1) * sizeof(float)), *fb = malloc((nbq + 1) * sizeof(float)),
          *fc = malloc(((active ? nc : 0) + 1) * sizeof(float));
    for (size_t q = 0; q < na; q++) fa[q] = (float)a[q];
    for (size_t q = 0; q < nbq; q++) fb[q] = (float)b[q];
    for (size_t q = 0; active && q < nc; q++) fc[q] = (float)c2[q];
    err = cplx ? dlops_pcgemm(ctx, pr, pc, m, n, k, al, fa, desca, fb, descb, be, fc, descc, panel)
               : dlops_psgemm(ctx, pr, pc, m, n, k, 0.75f, fa, desca, fb, descb, -1.25f, fc, descc, panel);
    for (size_t q = 0; active && q < nc; q++) c2[q] = fc[q];
    free(fa);
    free(fb);
    free(fc);
  } else {
    err = cplx ? dlops_pzgemm(ctx, pr, pc, m, n, k, al, a, desca, b, descb, be, c2, descc, panel)
               : dlops_pdgemm(ctx, pr, pc, m, n, k, 0.75, a, desca, b, descb, -1.25, c2, descc, panel);
  }
  T_CHECK(err == 0, "dlops_p%cgemm %s %dx%d m=%d n=%d k=%d: %s", single ? (cplx ? 'c' : 's') : (cplx ? 'z' : 'd'),
          ord_name[ord], pr, pc, m, n, k, dlops_last_error());
  double s[2] = {0, 0};
  for (size_t q = 0; active && q < nc; q++) {
    s[0] += (c1[q] - c2[q]) * (c1[q] - c2[q]);
    s[1] += c1[q] * c1[q];
  }
  MPI_Allreduce(MPI_IN_PLACE, s, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  double rel = sqrt(s[0]) / (sqrt(s[1]) + 1e-300);
  double tol = single ? 1e-5 : 1e-13;
  T_CHECK(rel <= tol || s[1] == 0,
          "p%cgemm %s %dx%d m=%d n=%d k=%d blocks A %dx%d B %dx%d C %dx%d: rel Frobenius error %g",
          single ? (cplx ? 'c' : 's') : (cplx ? 'z' : 'd'), ord_name[ord], pr, pc, m, n, k, A.mb, A.nb, B.mb, B.nb, C.mb,
          C.nb, rel);
  if (rank == 0 && getenv("DLOPS_TEST_VERBOSE"))
    printf("p%cgemm %s grid %dx%d m=%d n=%d k=%d: rel error %.3e\n", single ? (cplx ? 'c' : 's') : (cplx ? 'z' : 'd'),
           ord_name[ord], pr, pc, m, n, k, rel);
  free(a);
  free(b);
  free(c1);
  free(c2);
  if (active) Cblacs_gridexit(ictxt);
}

/* BLACS grids dlops cannot honour: every rank gets DLOPS_ERR_ARG with the same message, and C
 * is left as it was. */
static void blacs_misuse(dlops_ctx ctx) {
  int rank, P;
  dlops_ctx_get_rank(ctx, &rank);
  dlops_ctx_get_size(ctx, &P);
  if (P < 2) return;
  double a[16], b[16], c[16], c0[16];
  for (int q = 0; q < 16; q++) a[q] = b[q] = c[q] = c0[q] = q + 1;
  /* a 1 x 2 grid in the row order and the same grid reversed */
  int g1 = make_grid(ORD_ROW, 1, 2), g2 = make_grid(ORD_REV, 1, 2);
  int in = rank < 2;
  /* (1) the call names a 2 x 1 grid, BLACS has 1 x 2 */
  int ct = in ? g1 : -1;
  int d[9] = {1, ct, 4, 4, 2, 2, 0, 0, 4};
  T_EXPECT_ALL(dlops_pdgemm(ctx, 2, 1, 4, 4, 4, 1.0, a, d, b, d, 0.5, c, d, 0), DLOPS_ERR_ARG);
  T_CHECK(!memcmp(c, c0, sizeof c), "C changed by a failed call");
  /* (2) rank 1 passes the reversed grid's context: it claims rank 0's position (0, 0) */
  int e[9] = {1, in ? (rank == 1 ? g2 : g1) : -1, 4, 4, 2, 2, 0, 0, 4};
  T_EXPECT_ALL(dlops_pdgemm(ctx, 1, 2, 4, 4, 4, 1.0, a, e, b, e, 0.5, c, e, 0), DLOPS_ERR_ARG);
  T_CHECK(!memcmp(c, c0, sizeof c), "C changed by a failed call");
  /* (3) only part of the grid passes its context (rank 1 says -1): position (0, 1) uncovered */
  int f[9] = {1, (in && rank != 1) ? g1 : -1, 4, 4, 2, 2, 0, 0, 4};
  T_EXPECT_ALL(dlops_pdgemm(ctx, 1, 2, 4, 4, 4, 1.0, a, f, b, f, 0.5, c, f, 0), DLOPS_ERR_ARG);
  T_CHECK(!memcmp(c, c0, sizeof c), "C changed by a failed call");
  /* and the grid itself still works afterwards, the communicator is healthy */
  T_CALL(dlops_pdgemm(ctx, 1, 2, 4, 4, 4, 1.0, a, d, b, d, 0.5, c, d, 0));
  if (in) {
    Cblacs_gridexit(g1);
    Cblacs_gridexit(g2);
  }
}

/* The matmul operators' SUMMA (two-sided and one-sided, DLOPS_MATMUL_SUMMA / _SUMMA_RMA)
 * against ScaLAPACK's pdgemm / pzgemm: with block sizes ceil(m/pr) x ceil(k/pc) for A and
 * ceil(m/pr) x ceil(n/pc) for C, the block-cyclic layout is the operators' ceil-block layout,
 * so rank (i, j)'s C block is its Y tile (column-major there, row-major here). X's tile
 * (K over pc, M over pr) is filled from the same global B. Forward only (the adjoint's tiles
 * have no ScaLAPACK counterpart on this grid; test_matmul checks them). */
static int cdiv1(int a, int b) {
  int q = a / b + (a % b != 0);
  return q > 0 ? q : 1;
}
static void matmul_vs_pdgemm(dlops_ctx ctx, dlops_matmul_kind kind, int pr, int pc, int m, int n, int k, int cplx) {
  int rank, P;
  dlops_ctx_get_rank(ctx, &rank);
  dlops_ctx_get_size(ctx, &P);
  if (pr * pc > P) return;
  int ictxt = make_grid(ORD_ROW, pr, pc);
  int active = rank < pr * pc, myrow = active ? rank / pc : -1, mycol = active ? rank % pc : -1;
  mat A = {m, k, cdiv1(m, pr), cdiv1(k, pc), 0, 0}, B = {k, n, 2, cdiv1(n, pc), 0, 0}, C = {m, n, A.mb, B.nb, 0, 0};
  int zero = 0, one = 1, info = 0, desca[9] = {0}, descb[9] = {0}, descc[9] = {0};
  size_t w = cplx ? 2 : 1;
  int ml = 0, kl = 0, kbl = 0, nl = 0;
  double *a = NULL, *b = NULL, *c = NULL;
  int64_t a0 = 0, an = 0, k0 = 0, ak = 0, x0 = 0, xc = 0, y0 = 0, yc = 0;
  if (active) {
    ml = numroc_(&m, &A.mb, &myrow, &zero, &pr);
    kl = numroc_(&k, &A.nb, &mycol, &zero, &pc);
    kbl = numroc_(&k, &B.mb, &myrow, &zero, &pr);
    nl = numroc_(&n, &C.nb, &mycol, &zero, &pc);
    int llda = ml > 1 ? ml : 1, lldb = kbl > 1 ? kbl : 1;
    descinit_(desca, &A.m, &A.n, &A.mb, &A.nb, &zero, &zero, &ictxt, &llda, &info);
    descinit_(descb, &B.m, &B.n, &B.mb, &B.nb, &zero, &zero, &ictxt, &lldb, &info);
    descinit_(descc, &C.m, &C.n, &C.mb, &C.nb, &zero, &zero, &ictxt, &llda, &info);
    a = calloc(w * (size_t)(llda * (kl > 0 ? kl : 1)), sizeof(double));
    b = calloc(w * (size_t)(lldb * (nl > 0 ? nl : 1)), sizeof(double));
    c = calloc(w * (size_t)(llda * (nl > 0 ? nl : 1)), sizeof(double));
    fill(a, llda, A, myrow, mycol, pr, pc, cplx, 3);
    fill(b, lldb, B, myrow, mycol, pr, pc, cplx, 5);
    const double al[2] = {1, 0}, be[2] = {0, 0};
    if (cplx)
      pzgemm_("N", "N", &m, &n, &k, al, a, &one, &one, desca, b, &one, &one, descb, be, c, &one, &one, descc);
    else
      pdgemm_("N", "N", &m, &n, &k, al, a, &one, &one, desca, b, &one, &one, descb, be, c, &one, &one, descc);
    dlops_ceil_block(m, pr, myrow, &a0, &an);
    dlops_ceil_block(k, pc, mycol, &k0, &ak);
    dlops_ceil_block(n, pr, myrow, &x0, &xc);
    dlops_ceil_block(n, pc, mycol, &y0, &yc);
    T_CHECK(an == ml && ak == kl && yc == nl, "ceil blocks differ from numroc");
  }
  /* the operator's tiles from the same global matrices (seeds 3, 5; element g = i * ncols + j) */
  double *at = calloc(w * (size_t)(an * ak + 1), sizeof(double)), *xt;
  for (int64_t r = 0; r < an; r++)
    for (int64_t q = 0; q < ak; q++)
      for (size_t h = 0; h < w; h++) {
        long long g = (long long)(a0 + r) * k + (k0 + q);
        at[w * (size_t)(r * ak + q) + h] = dlops_test_rand(3, cplx ? 2 * g + (long long)h : g);
      }
  dlops_op op = NULL;
  dlops_dtype t = cplx ? DLOPS_C128 : DLOPS_F64;
  T_CALL(dlops_op_create_matmul(ctx, kind, pr, pc, m, k, n, at, 0, t, &op));
  free(at);
  if (op) {
    dlops_darray x, y;
    T_REQUIRE(dlops_op_create_vecs(op, &x, &y));
    T_REQUIRE(dlops_darray_get_local(x, DLOPS_MEM_HOST, (void **)&xt));
    for (int64_t r = 0; r < ak; r++)
      for (int64_t q = 0; q < xc; q++)
        for (size_t h = 0; h < w; h++) {
          long long g = (long long)(k0 + r) * n + (x0 + q);
          xt[w * (size_t)(r * xc + q) + h] = dlops_test_rand(5, cplx ? 2 * g + (long long)h : g);
        }
    T_CALL(dlops_darray_restore_local(x, (void **)&xt));
    T_CALL(dlops_op_apply(op, x, y));
    double *yt, s[2] = {0, 0};
    T_REQUIRE(dlops_darray_get_local(y, DLOPS_MEM_HOST, (void **)&yt));
    for (int64_t r = 0; r < an; r++)
      for (int64_t q = 0; q < yc; q++)
        for (size_t h = 0; h < w; h++) {
          double ref = c[w * (size_t)(q * (ml > 1 ? ml : 1) + r) + h], d = yt[w * (size_t)(r * yc + q) + h] - ref;
          s[0] += d * d;
          s[1] += ref * ref;
        }
    T_CALL(dlops_darray_restore_local(y, (void **)&yt));
    MPI_Allreduce(MPI_IN_PLACE, s, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    double rel = sqrt(s[0]) / (sqrt(s[1]) + 1e-300);
    T_CHECK(rel <= 1e-13 || s[1] == 0, "matmul kind %d %dx%d m=%d n=%d k=%d %s vs p%cgemm: rel error %g", (int)kind,
            pr, pc, m, n, k, cplx ? "C128" : "F64", cplx ? 'z' : 'd', rel);
    dlops_darray_destroy(&x);
    dlops_darray_destroy(&y);
    dlops_op_destroy(&op);
  }
  free(a);
  free(b);
  free(c);
  if (active) Cblacs_gridexit(ictxt);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  const int grids[][2] = {{1, 1}, {1, 2}, {2, 1}, {2, 2}, {1, 3}, {3, 1}, {1, 4}, {4, 1}};
  /* m, n, k, A blocks (mb, nb), B row block, C col block */
  const int shapes[][7] = {{17, 13, 11, 4, 3, 5, 2}, {8, 8, 8, 2, 2, 2, 2}, {31, 7, 23, 5, 4, 3, 3},
                           {5, 19, 3, 2, 2, 2, 5},  {0, 5, 4, 2, 2, 2, 2}, {6, 0, 4, 2, 2, 2, 2},
                           {6, 5, 0, 2, 2, 2, 2},   {1, 1, 1, 1, 1, 1, 1}};
  for (size_t g = 0; g < sizeof grids / sizeof grids[0]; g++)
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
      for (int cplx = 0; cplx < 2; cplx++)
        for (int single = 0; single < 2; single++) {
          const int *q = shapes[s];
          run(ctx, ORD_ROW, grids[g][0], grids[g][1], q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[3], q[6], cplx,
              single, s == 2 ? 2 : 0);
        }
  /* other grid orders: BLACS "Col" and a reversed user map (which differ from the row-major
   * order at NP 2 and 3 too), every shape in double and complex double */
  for (int ord = ORD_COL; ord <= ORD_REV; ord++)
    for (size_t g = 0; g < sizeof grids / sizeof grids[0]; g++)
      for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int cplx = 0; cplx < 2; cplx++) {
          const int *q = shapes[s];
          run(ctx, ord, grids[g][0], grids[g][1], q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[3], q[6], cplx, 0,
              s == 2 ? 2 : 0);
        }
  /* the matmul operators' SUMMA, two-sided and one-sided, against pdgemm / pzgemm */
  for (int kind = DLOPS_MATMUL_SUMMA; kind <= DLOPS_MATMUL_SUMMA_RMA; kind++)
    for (size_t g = 0; g < sizeof grids / sizeof grids[0]; g++)
      for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int cplx = 0; cplx < 2; cplx++)
          matmul_vs_pdgemm(ctx, (dlops_matmul_kind)kind, grids[g][0], grids[g][1], shapes[s][0], shapes[s][1],
                           shapes[s][2], cplx);
  blacs_misuse(ctx);
  /* unsupported layout: A's row blocks differ from C's */
  int P;
  dlops_ctx_get_size(ctx, &P);
  int da[9] = {1, -1, 4, 4, 2, 2, 0, 0, 4}, db[9] = {1, -1, 4, 4, 2, 2, 0, 0, 4}, dc[9] = {1, -1, 4, 4, 3, 2, 0, 0, 4};
  double buf[16] = {0};
  T_EXPECT_ERR(dlops_pdgemm(ctx, 1, 1, 4, 4, 4, 1.0, buf, da, buf, db, 0.0, buf, dc, 0), DLOPS_ERR_UNSUPPORTED);
  T_EXPECT_ERR(dlops_pdgemm(ctx, 1, 1, 4, 4, 5, 1.0, buf, da, buf, db, 0.0, buf, dc, 0), DLOPS_ERR_SIZE);
  T_EXPECT_ERR(dlops_pdgemm(ctx, P + 1, 1, 4, 4, 4, 1.0, buf, da, buf, db, 0.0, buf, da, 0), DLOPS_ERR_ARG);
  return dlops_test_finish(ctx);
}
