/* First/second derivative, Laplacian and Gradient: dot tests of every kind/order/edge
 * combination in all four dtypes, NP-rank results equal to the one-rank results (computed on a
 * self context in the same program), shapes where ranks own 0 or 1 rows, and bad input. */
#include "deriv_test_util.h"

typedef struct {
  int second;
  dlops_deriv_kind kind;
  int order, edge;
  const char *name;
} dcfg;

static const dcfg cfgs[] = {
    {0, DLOPS_DERIV_FORWARD, 3, 0, "D1 forward"},     {0, DLOPS_DERIV_BACKWARD, 3, 0, "D1 backward"},
    {0, DLOPS_DERIV_CENTERED, 3, 0, "D1 centered3"},  {0, DLOPS_DERIV_CENTERED, 3, 1, "D1 centered3 edge"},
    {0, DLOPS_DERIV_CENTERED, 5, 0, "D1 centered5"},  {0, DLOPS_DERIV_CENTERED, 5, 1, "D1 centered5 edge"},
    {1, DLOPS_DERIV_FORWARD, 3, 0, "D2 forward"},     {1, DLOPS_DERIV_BACKWARD, 3, 0, "D2 backward"},
    {1, DLOPS_DERIV_CENTERED, 3, 0, "D2 centered"},   {1, DLOPS_DERIV_CENTERED, 3, 1, "D2 centered edge"},
};
#define NCFG ((int)(sizeof cfgs / sizeof cfgs[0]))

typedef struct {
  int ndim;
  int64_t dims[3];
} shp;
/* (5,4,6): N-D, every axis, all dtypes; (3,4): ranks with 1 or 0 rows at NP 3-4 (all dtypes on
 * axis 0); (11): 1-D; (4,3), (2,5): short axes (edge rows meet, overlap or do not fit), (1,4):
 * one row. The last ones in f64 and c128 only, to keep the test fast at NP 4. */
static const shp shapes[] = {{3, {5, 4, 6}}, {2, {3, 4}}, {1, {11}}, {2, {4, 3}}, {2, {2, 5}}, {2, {1, 4}}};
#define NSHP ((int)(sizeof shapes / sizeof shapes[0]))

static int create(dlops_ctx c, const dcfg *f, const shp *s, int axis, double h, dlops_dtype t, dlops_op *A) {
  if (f->second) return dlops_op_create_second_derivative(c, s->ndim, s->dims, axis, h, f->kind, f->edge, t, A);
  return dlops_op_create_first_derivative(c, s->ndim, s->dims, axis, h, f->kind, f->order, f->edge, t, A);
}

/* minimum axis length each configuration accepts */
static int64_t min_len(const dcfg *f) {
  if (f->kind != DLOPS_DERIV_CENTERED || !f->edge) return 1;
  if (f->second) return 3;
  return f->order == 5 ? 4 : 2; /* order 5, n = 3: PyLops' edge rows overlap, not adjoint-consistent */
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  dlops_ctx self = NULL;
  self = dlops_test_self_ctx(ctx);
  char label[256];

  /* ---- derivatives: every configuration, shape, axis and dtype */
  for (int ti = 0; ti < 4; ti++) {
    dlops_dtype t = all_dtypes[ti];
    for (int si = 0; si < NSHP; si++) {
      const shp *s = &shapes[si];
      for (int axis = 0; axis < s->ndim; axis++) {
        int all_types = si == 0 || (si == 1 && axis == 0);
        if (!all_types && (t == DLOPS_F32 || t == DLOPS_C64)) continue;
        for (int ci = 0; ci < NCFG; ci++) {
          const dcfg *f = &cfgs[ci];
          double h = 0.5 + 0.3 * ci;
          snprintf(label, sizeof label, "%s %s dims(%lld,%lld,%lld)[%d] axis %d", f->name, dlops_dtype_name(t),
                   (long long)s->dims[0], (long long)(s->ndim > 1 ? s->dims[1] : 0),
                   (long long)(s->ndim > 2 ? s->dims[2] : 0), s->ndim, axis);
          dlops_op A = NULL, A1 = NULL;
          if (s->dims[axis] < min_len(f)) {
            T_EXPECT_ERR(create(ctx, f, s, axis, h, t, &A), DLOPS_ERR_SIZE);
            T_CHECK(A == NULL, "%s: failed creation left a handle", label);
            continue;
          }
          T_CALL(create(ctx, f, s, axis, h, t, &A));
          T_CALL(create(self, f, s, axis, h, t, &A1));
          if (A && A1) check_op(A, A1, t, label);
          dlops_op_destroy(&A);
          dlops_op_destroy(&A1);
        }
      }
    }
  }

  /* ---- negative axis = python indexing */
  {
    int64_t dims[2] = {6, 5};
    dlops_op A = NULL, B = NULL;
    T_CALL(dlops_op_create_first_derivative(ctx, 2, dims, -1, 1.0, DLOPS_DERIV_CENTERED, 3, 0, DLOPS_F64, &A));
    T_CALL(dlops_op_create_first_derivative(ctx, 2, dims, 1, 1.0, DLOPS_DERIV_CENTERED, 3, 0, DLOPS_F64, &B));
    double in[30], ya[30], yb[30];
    dlops_test_fill(in, 30, DLOPS_F64, 5);
    T_CALL(apply_global(A, 0, in, ya));
    T_CALL(apply_global(B, 0, in, yb));
    T_CHECK(memcmp(ya, yb, sizeof ya) == 0, "axis -1 differs from axis 1");
    int nd;
    int64_t dd[DLOPS_MAX_NDIM];
    T_CALL(dlops_op_get_dims(A, &nd, dd));
    T_CHECK(nd == 2 && dd[0] == 6 && dd[1] == 5, "dims of the derivative are the N-D dims");
    T_CALL(dlops_op_get_dimsd(A, &nd, dd));
    T_CHECK(nd == 2 && dd[0] == 6 && dd[1] == 5, "dimsd of the derivative are the N-D dims");
    dlops_op_destroy(&A);
    dlops_op_destroy(&B);
  }

  /* ---- Laplacian */
  {
    const int64_t dims3[3] = {6, 5, 4};
    const int axes_a[3] = {0, 1, 2}, axes_b[2] = {-1, 0};
    const double w_a[3] = {0.7, 1.3, 0.5}, s_a[3] = {0.4, 1.0, 2.0}, w_b[2] = {1.0, 2.5}, s_b[2] = {0.3, 1.5};
    const dlops_deriv_kind kinds[3] = {DLOPS_DERIV_FORWARD, DLOPS_DERIV_BACKWARD, DLOPS_DERIV_CENTERED};
    /* every kind/edge/axes variant in f64; centered with both edges in every dtype */
    for (int ti = 0; ti < 4; ti++)
      for (int k = 0; k < 3; k++)
        for (int edge = 0; edge < 2; edge++)
          for (int v = 0; v < 2; v++) {
            dlops_dtype t = all_dtypes[ti];
            if (t != DLOPS_F64 && (kinds[k] != DLOPS_DERIV_CENTERED || v)) continue;
            snprintf(label, sizeof label, "laplacian %s kind %d edge %d axes %s", dlops_dtype_name(t), k, edge,
                     v ? "(-1,0)" : "(0,1,2)");
            dlops_op A = NULL, A1 = NULL;
            int na = v ? 2 : 3;
            const int *ax = v ? axes_b : axes_a;
            const double *w = v ? w_b : w_a, *sp = v ? s_b : s_a;
            T_CALL(dlops_op_create_laplacian(ctx, 3, dims3, na, ax, w, sp, kinds[k], edge, t, &A));
            T_CALL(dlops_op_create_laplacian(self, 3, dims3, na, ax, w, sp, kinds[k], edge, t, &A1));
            if (A && A1) check_op(A, A1, t, label);
            dlops_op_destroy(&A);
            dlops_op_destroy(&A1);
          }
    dlops_op A = NULL;
    const int bad_axes[2] = {0, 3};
    T_EXPECT_ERR(dlops_op_create_laplacian(ctx, 3, dims3, 2, bad_axes, w_b, s_b, DLOPS_DERIV_CENTERED, 0, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_laplacian(ctx, 3, dims3, 0, axes_a, w_a, s_a, DLOPS_DERIV_CENTERED, 0, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
  }

  /* ---- Gradient (stacked range) */
  {
    const shp gs[3] = {{2, {6, 5}}, {3, {5, 4, 3}}, {2, {3, 4}}};
    const double samp[3] = {0.4, 1.0, 2.0};
    const dlops_deriv_kind kinds[3] = {DLOPS_DERIV_FORWARD, DLOPS_DERIV_BACKWARD, DLOPS_DERIV_CENTERED};
    /* every shape/kind/edge in f64; the 3-D shape, centered, both edges in every dtype */
    for (int ti = 0; ti < 4; ti++)
      for (int g = 0; g < 3; g++)
        for (int k = 0; k < 3; k++)
          for (int edge = 0; edge < 2; edge++) {
            dlops_dtype t = all_dtypes[ti];
            if (t != DLOPS_F64 && (g != 1 || kinds[k] != DLOPS_DERIV_CENTERED)) continue;
            snprintf(label, sizeof label, "gradient %s shape %d kind %d edge %d", dlops_dtype_name(t), g, k, edge);
            dlops_op A = NULL, A1 = NULL;
            T_CALL(dlops_op_create_gradient(ctx, gs[g].ndim, gs[g].dims, samp, kinds[k], edge, t, &A));
            T_CALL(dlops_op_create_gradient(self, gs[g].ndim, gs[g].dims, samp, kinds[k], edge, t, &A1));
            if (A && A1) {
              check_op(A, A1, t, label);
              dlops_darray y = NULL;
              int st = 0, n = 0;
              T_CALL(dlops_op_create_vecs(A, NULL, &y));
              dlops_darray_is_stacked(y, &st);
              dlops_darray_stacked_count(y, &n);
              T_CHECK(st && n == gs[g].ndim, "%s: range is stacked with ndim components", label);
              dlops_darray_destroy(&y);
            }
            dlops_op_destroy(&A);
            dlops_op_destroy(&A1);
          }
  }

  /* ---- bad input: the same error on every rank, nothing created */
  {
    int64_t dims[2] = {6, 5}, d0[2] = {0, 5};
    dlops_op A = NULL;
    T_EXPECT_ERR(dlops_op_create_first_derivative(ctx, 2, dims, 0, 1.0, DLOPS_DERIV_CENTERED, 4, 0, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_first_derivative(ctx, 2, dims, 2, 1.0, DLOPS_DERIV_FORWARD, 3, 0, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_first_derivative(ctx, 2, dims, 0, 0.0, DLOPS_DERIV_FORWARD, 3, 0, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_second_derivative(ctx, 2, dims, 0, 1.0, (dlops_deriv_kind)7, 0, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_second_derivative(ctx, 2, d0, 0, 1.0, DLOPS_DERIV_FORWARD, 0, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_second_derivative(ctx, 0, dims, 0, 1.0, DLOPS_DERIV_FORWARD, 0, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_gradient(ctx, 2, dims, NULL, DLOPS_DERIV_FORWARD, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
    /* ranks disagree on the axis: every rank fails */
    int rank, size;
    dlops_ctx_get_rank(ctx, &rank);
    dlops_ctx_get_size(ctx, &size);
    if (size > 1)
      T_EXPECT_ERR(dlops_op_create_first_derivative(ctx, 2, dims, rank == size - 1 ? 1 : 0, 1.0, DLOPS_DERIV_FORWARD, 3,
                                                    0, DLOPS_F64, &A),
                   DLOPS_ERR_ARG);
    T_CHECK(A == NULL, "failed creations leave no handle");
    /* a vector of the wrong layout is refused */
    dlops_op D = NULL;
    T_CALL(dlops_op_create_first_derivative(ctx, 2, dims, 0, 1.0, DLOPS_DERIV_FORWARD, 3, 0, DLOPS_F64, &D));
    dlops_darray x = NULL, y = NULL;
    int64_t n = 29;
    T_CALL(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &x));
    T_CALL(dlops_op_create_vecs(D, NULL, &y));
    T_EXPECT_ERR(dlops_op_apply(D, x, y), DLOPS_ERR_SIZE);
    dlops_darray_destroy(&x);
    dlops_darray_destroy(&y);
    dlops_op_destroy(&D);
  }

  dlops_ctx_destroy(&self);
  return dlops_test_finish(ctx);
}
