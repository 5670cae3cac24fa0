/* Halo (PyLops-MPI MPIHalo): forward blocks against the global array (scalar-like widths trimmed
 * at global edges, tuple widths zero-padded, corners filled), adjoint = crop, bytes per apply,
 * the sandwich Halo^H B Halo with B a per-rank centered first derivative equal to the serial
 * derivative (and passing the dot test), and bad input. */
#include "deriv_test_util.h"

typedef struct {
  int64_t loc[3], start[3], ext[3], hm[3], hp[3];
  int nbm[3], nbp[3];
} geo;

/* The geometry of rank r, computed independently from the operator (ceil blocks, row-major
 * coordinates; equal widths everywhere = trimmed at global edges). */
static geo geometry(int nd, const int64_t *dims, const int *grid, const int64_t *h, int r) {
  geo g = {0}; /* every field of the nd axes is set below */
  int scalar = 1;
  for (int k = 1; k < 2 * nd; k++) scalar &= h[k] == h[0];
  int c[3], rr = r;
  for (int k = nd - 1; k >= 0; k--) {
    c[k] = rr % grid[k];
    rr /= grid[k];
  }
  for (int k = 0; k < nd; k++) {
    int64_t bs = (dims[k] + grid[k] - 1) / grid[k];
    int64_t st = c[k] * bs < dims[k] ? c[k] * bs : dims[k];
    int64_t en = st + bs < dims[k] ? st + bs : dims[k];
    g.start[k] = st;
    g.loc[k] = en - st;
    g.nbm[k] = c[k] > 0;
    g.nbp[k] = c[k] < grid[k] - 1;
    g.hm[k] = scalar && !g.nbm[k] ? 0 : h[2 * k];
    g.hp[k] = scalar && !g.nbp[k] ? 0 : h[2 * k + 1];
    g.ext[k] = g.loc[k] + g.hm[k] + g.hp[k];
  }
  return g;
}

/* Expected haloed block of this rank (f64) from the global array. */
static void expected_block(int nd, const int64_t *dims, const geo *g, const double *glob, double *out) {
  int64_t n = 1;
  for (int k = 0; k < nd; k++) n *= g->ext[k];
  for (int64_t l = 0; l < n; l++) {
    int64_t rem = l, gi = 0, ok = 1, p[3];
    for (int k = nd - 1; k >= 0; k--) {
      p[k] = rem % g->ext[k];
      rem /= g->ext[k];
    }
    for (int k = 0; k < nd; k++) {
      int in_core = p[k] >= g->hm[k] && p[k] < g->hm[k] + g->loc[k];
      int in_m = p[k] < g->hm[k], in_p = p[k] >= g->hm[k] + g->loc[k];
      if (!(in_core || (in_m && g->nbm[k]) || (in_p && g->nbp[k]))) ok = 0;
      gi = gi * dims[k] + (g->start[k] - g->hm[k] + p[k]);
    }
    out[l] = ok ? glob[gi] : 0.0;
  }
}

/* Global array (C order) -> the local block of rank geometry g, flattened. */
static void local_block(int nd, const int64_t *dims, const geo *g, const double *glob, double *out) {
  int64_t n = 1;
  for (int k = 0; k < nd; k++) n *= g->loc[k];
  for (int64_t l = 0; l < n; l++) {
    int64_t rem = l, gi = 0, p[3];
    for (int k = nd - 1; k >= 0; k--) {
      p[k] = rem % g->loc[k];
      rem /= g->loc[k];
    }
    for (int k = 0; k < nd; k++) gi = gi * dims[k] + g->start[k] + p[k];
    out[l] = glob[gi];
  }
}

/* ---- B: a centered first derivative along the last axis of each rank's extended block,
 * wrapped as a user operator (what MPIBlockDiag([FirstDerivative(extent)]) does). */
typedef struct {
  dlops_op D;        /* on a one-rank context */
  dlops_darray a, b; /* its vectors */
} blk;
static int blk_run(blk *u, dlops_darray in, dlops_darray out, int adj) {
  void *pi = NULL, *po = NULL, *qa = NULL, *qb = NULL;
  int64_t n = 0;
  dlops_dtype t;
  dlops_darray_get_local_size(in, &n);
  dlops_darray_get_dtype(in, &t);
  dlops_darray_get_local(in, DLOPS_MEM_HOST, &pi);
  dlops_darray_get_local(u->a, DLOPS_MEM_HOST, &qa);
  memcpy(qa, pi, (size_t)n * dlops_dtype_size(t));
  dlops_darray_restore_local(u->a, &qa);
  dlops_darray_restore_local(in, &pi);
  int err = adj ? dlops_op_apply_adjoint(u->D, u->a, u->b) : dlops_op_apply(u->D, u->a, u->b);
  dlops_darray_get_local(out, DLOPS_MEM_HOST, &po);
  dlops_darray_get_local(u->b, DLOPS_MEM_HOST, &qb);
  memcpy(po, qb, (size_t)n * dlops_dtype_size(t));
  dlops_darray_restore_local(u->b, &qb);
  dlops_darray_restore_local(out, &po);
  return err;
}
static int blk_fwd(void *u, dlops_darray in, dlops_darray out) { return blk_run(u, in, out, 0); }
static int blk_adj(void *u, dlops_darray in, dlops_darray out) { return blk_run(u, in, out, 1); }
static void blk_free(void *p) {
  blk *u = p;
  dlops_op_destroy(&u->D);
  dlops_darray_destroy(&u->a);
  dlops_darray_destroy(&u->b);
  free(u);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  dlops_ctx self = NULL;
  self = dlops_test_self_ctx(ctx);
  int P, me;
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &me);

  /* ---- forward blocks, crop adjoint, bytes */
  struct {
    int nd;
    int64_t dims[3];
    int grid[3];
    int64_t h[6];
  } cases[] = {
      {1, {4 * P + 1}, {P}, {1, 1}},                 /* scalar-like: trimmed at the edges */
      {1, {4 * P + 1}, {P}, {2, 2}},
      {2, {5, 3 * P + 2}, {1, P}, {1, 1, 1, 1}},     /* halo also on the unsplit axis */
      {2, {5, 3 * P + 2}, {1, P}, {0, 2, 1, 1}},     /* tuple: zero-padded at the edges */
      {3, {4, 2 * P, 3}, {1, P, 1}, {1, 1, 1, 1, 1, 1}},
      {2, {3 * P, 4}, {P, 1}, {2, 2, 1, 0}},
      {2, {6, 9}, {P == 4 ? 2 : 1, P == 4 ? 2 : P}, {1, 1, 1, 1}}, /* 2x2 grid at NP 4: corners */
      {2, {6, 9}, {P == 4 ? 2 : 1, P == 4 ? 2 : P}, {1, 1, 2, 2}},
  };
  const int ncases = (int)(sizeof cases / sizeof cases[0]);
  for (int ti = 0; ti < 4; ti++) {
    dlops_dtype t = all_dtypes[ti];
    size_t es = dlops_dtype_size(t);
    for (int c = 0; c < ncases; c++) {
      int nd = cases[c].nd;
      const int64_t *dims = cases[c].dims;
      dlops_op H = NULL;
      T_CALL(dlops_op_create_halo(ctx, nd, dims, cases[c].h, cases[c].grid, t, &H));
      if (!H) continue;
      geo g = geometry(nd, dims, cases[c].grid, cases[c].h, me);
      int64_t ntot = 1, nloc = 1, next = 1;
      for (int k = 0; k < nd; k++) {
        ntot *= dims[k];
        nloc *= g.loc[k];
        next *= g.ext[k];
      }
      /* real data in any dtype: values representable in f32 */
      double *glob = malloc(sizeof(double) * (size_t)ntot), *exp = malloc(sizeof(double) * (size_t)(next + 1));
      double *loc = malloc(sizeof(double) * (size_t)(nloc + 1));
      for (int64_t i = 0; i < ntot; i++) glob[i] = (double)(i + 1);
      expected_block(nd, dims, &g, glob, exp);
      local_block(nd, dims, &g, glob, loc);
      dlops_darray x = NULL, y = NULL, x2 = NULL;
      T_CALL(dlops_op_create_vecs(H, &x, &y));
      T_CALL(dlops_op_create_vecs(H, &x2, NULL));
      int64_t ln = -1, ly = -1;
      dlops_darray_get_local_size(x, &ln);
      dlops_darray_get_local_size(y, &ly);
      T_CHECK(ln == nloc && ly == next, "case %d: local sizes %lld/%lld, expected %lld/%lld", c, (long long)ln,
              (long long)ly, (long long)nloc, (long long)next);
      void *px = NULL;
      dlops_darray_get_local(x, DLOPS_MEM_HOST, &px);
      for (int64_t i = 0; i < nloc; i++) {
        if (t == DLOPS_F32) ((float *)px)[i] = (float)loc[i];
        else if (t == DLOPS_F64) ((double *)px)[i] = loc[i];
        else if (t == DLOPS_C64) { ((float *)px)[2 * i] = (float)loc[i]; ((float *)px)[2 * i + 1] = -(float)loc[i]; }
        else { ((double *)px)[2 * i] = loc[i]; ((double *)px)[2 * i + 1] = -loc[i]; }
      }
      dlops_darray_restore_local(x, &px);
      dlops_ctx_reset_counters(ctx);
      T_CALL(dlops_op_apply(H, x, y));
      dlops_comm_counter cf, ca;
      dlops_ctx_get_counter(ctx, DLOPS_COMM_NEIGHBOR, &cf);
      /* bytes this rank sends: per axis, each side with a neighbour, width x extent of the other axes */
      int64_t eb = 0;
      for (int k = 0; k < nd; k++) {
        int64_t other = 1;
        for (int b = 0; b < nd; b++)
          if (b != k) other *= g.ext[b];
        eb += ((g.nbm[k] ? g.hm[k] : 0) + (g.nbp[k] ? g.hp[k] : 0)) * other * (int64_t)es;
      }
      T_CHECK(cf.bytes == eb, "case %d %s: forward sent %lld bytes, expected %lld", c, dlops_dtype_name(t),
              (long long)cf.bytes, (long long)eb);
      void *py = NULL;
      dlops_darray_get_local(y, DLOPS_MEM_HOST, &py);
      int bad = 0;
      for (int64_t i = 0; i < next && !bad; i++) {
        double re, im = 0, eim = (t == DLOPS_C64 || t == DLOPS_C128) ? -exp[i] : 0;
        if (t == DLOPS_F32) re = ((float *)py)[i];
        else if (t == DLOPS_F64) re = ((double *)py)[i];
        else if (t == DLOPS_C64) { re = ((float *)py)[2 * i]; im = ((float *)py)[2 * i + 1]; }
        else { re = ((double *)py)[2 * i]; im = ((double *)py)[2 * i + 1]; }
        if (re != exp[i] || im != eim) bad = 1;
        T_CHECK(!bad, "case %d %s: haloed element %lld is %g%+gi, expected %g", c, dlops_dtype_name(t), (long long)i, re,
                im, exp[i]);
      }
      dlops_darray_restore_local(y, &py);
      dlops_ctx_reset_counters(ctx);
      T_CALL(dlops_op_apply_adjoint(H, y, x2));
      dlops_ctx_get_counter(ctx, DLOPS_COMM_NEIGHBOR, &ca);
      T_CHECK(ca.bytes == 0, "case %d: the adjoint (crop) sent %lld bytes", c, (long long)ca.bytes);
      void *pa = NULL, *pb = NULL;
      dlops_darray_get_local(x, DLOPS_MEM_HOST, &pa);
      dlops_darray_get_local(x2, DLOPS_MEM_HOST, &pb);
      T_CHECK(memcmp(pa, pb, (size_t)nloc * es) == 0, "case %d %s: adjoint is not the crop of the forward", c,
              dlops_dtype_name(t));
      dlops_darray_restore_local(x, &pa);
      dlops_darray_restore_local(x2, &pb);
      dlops_darray_destroy(&x);
      dlops_darray_destroy(&x2);
      dlops_darray_destroy(&y);
      dlops_op_destroy(&H);
      free(glob);
      free(exp);
      free(loc);
    }
  }

  /* ---- sandwich: Halo^H B Halo == serial centered derivative along the last (split) axis */
  for (int ti = 0; ti < 4; ti++) {
    dlops_dtype t = all_dtypes[ti];
    for (int edge = 0; edge < 2; edge++) {
      /* width 2: the centered stencil's adjoint reads x[j-1] only for j >= 2 (and x[j+1] for
       * j <= N-3), so a halo of 1 reproduces the forward but not the adjoint */
      const int64_t dims[2] = {3, 4 * P + 1}, h[4] = {2, 2, 2, 2};
      dlops_op H = NULL, HH = NULL, B = NULL, BH = NULL, S = NULL, D1 = NULL;
      T_CALL(dlops_op_create_halo(ctx, 2, dims, h, NULL, t, &H));
      if (!H) continue;
      const int grid[2] = {1, P};
      geo g = geometry(2, dims, grid, h, me);
      blk *u = calloc(1, sizeof *u);
      T_CALL(dlops_op_create_first_derivative(self, 2, g.ext, 1, 0.7, DLOPS_DERIV_CENTERED, 3, edge, t, &u->D));
      T_CALL(dlops_op_create_vecs(u->D, &u->a, &u->b));
      dlops_darray rt = NULL;
      T_CALL(dlops_op_create_vecs(H, NULL, &rt));
      T_CALL(dlops_op_create_user(rt, rt, blk_fwd, blk_adj, u, blk_free, &B));
      dlops_darray_destroy(&rt);
      T_CALL(dlops_op_create_adjoint(H, &HH));
      T_CALL(dlops_op_create_product(B, H, &BH));
      T_CALL(dlops_op_create_product(HH, BH, &S));
      /* the serial operator on the global array */
      T_CALL(dlops_op_create_first_derivative(self, 2, dims, 1, 0.7, DLOPS_DERIV_CENTERED, 3, edge, t, &D1));
      if (S && D1) {
        int passed = 0;
        double rel = 0;
        T_CALL(dlops_op_dottest(S, (t == DLOPS_F32 || t == DLOPS_C64) ? 1e-4 : 1e-11, 99, &passed, &rel));
        T_CHECK(passed, "sandwich %s edge %d: dot test failed (%g)", dlops_dtype_name(t), edge, rel);
        /* forward and adjoint of the sandwich vs serial: the halo layout is not the default
         * split, so compare per rank on the local block */
        int64_t n = dims[0] * dims[1];
        size_t es = dlops_dtype_size(t);
        void *gin = malloc((size_t)n * es), *gout = malloc((size_t)n * es);
        for (int adj = 0; adj < 2; adj++) {
          dlops_test_fill(gin, n, t, 5 + adj);
          T_CALL(apply_global(D1, adj, gin, gout));
          dlops_darray a = NULL, b = NULL;
          T_CALL(dlops_op_create_vecs(S, &a, &b));
          /* scatter gin into the halo domain layout by hand (ceil blocks on the last axis) */
          void *pa = NULL, *pb = NULL;
          dlops_darray_get_local(a, DLOPS_MEM_HOST, &pa);
          for (int64_t i = 0; i < dims[0]; i++)
            memcpy((char *)pa + (size_t)(i * g.loc[1]) * es, (char *)gin + (size_t)(i * dims[1] + g.start[1]) * es,
                   (size_t)g.loc[1] * es);
          dlops_darray_restore_local(a, &pa);
          T_CALL(adj ? dlops_op_apply_adjoint(S, a, b) : dlops_op_apply(S, a, b));
          dlops_darray_get_local(b, DLOPS_MEM_HOST, &pb);
          double worst = 0;
          for (int64_t i = 0; i < dims[0]; i++) {
            double r = rel_diff((char *)pb + (size_t)(i * g.loc[1]) * es,
                                (char *)gout + (size_t)(i * dims[1] + g.start[1]) * es, g.loc[1], t);
            if (r > worst) worst = r;
          }
          dlops_darray_restore_local(b, &pb);
          T_CHECK(worst <= 1e-14, "sandwich %s edge %d %s: differs from the serial derivative (%g)",
                  dlops_dtype_name(t), edge, adj ? "adjoint" : "forward", worst);
          dlops_darray_destroy(&a);
          dlops_darray_destroy(&b);
        }
        free(gin);
        free(gout);
      }
      dlops_op_destroy(&H);
      dlops_op_destroy(&HH);
      dlops_op_destroy(&B);
      dlops_op_destroy(&BH);
      dlops_op_destroy(&S);
      dlops_op_destroy(&D1);
    }
  }

  /* ---- bad input */
  {
    dlops_op H = NULL;
    int64_t dims[2] = {6, 2 * P}, h1[4] = {1, 1, 1, 1}, hneg[4] = {1, -1, 1, 1};
    int badgrid[2] = {2, P};
    T_EXPECT_ERR(dlops_op_create_halo(ctx, 2, dims, h1, badgrid, DLOPS_F64, &H), DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_halo(ctx, 2, dims, hneg, NULL, DLOPS_F64, &H), DLOPS_ERR_ARG);
    if (P > 1) {
      int64_t wide[4] = {3, 3, 3, 3}, asym[4] = {0, 0, 1, 2};
      /* width 3 > 2 samples per rank along the split axis */
      T_EXPECT_ERR(dlops_op_create_halo(ctx, 2, dims, wide, NULL, DLOPS_F64, &H), DLOPS_ERR_SIZE);
      /* plus width 2 against the neighbour's minus width 1 */
      T_EXPECT_ERR(dlops_op_create_halo(ctx, 2, dims, asym, NULL, DLOPS_F64, &H), DLOPS_ERR_SIZE);
    }
    T_CHECK(H == NULL, "failed creations leave no handle");
  }
  dlops_ctx_destroy(&self);
  return dlops_test_finish(ctx);
}
