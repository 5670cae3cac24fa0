/* Solver utilities: argument checks and working copies, element maps (thresholds, sign,
 * indicators) and random starting vectors through the darray layer. Public darray/op API only. */
#include <stdlib.h>
#include <string.h>

#include "solver_impl.h"

/* dst = src, which checks their layouts: a difference is DLOPS_ERR_SIZE saying "<name>: <what>"
 * with the copy's reason; any other failure keeps its code. Local. */
static int copy_layout(dlops_ctx ctx, dlops_darray src, dlops_darray dst, const char *name, const char *what) {
  int e = dlops_darray_copy(src, dst);
  if (e == DLOPS_ERR_SIZE) return DLOPS_ERROR(ctx, DLOPS_ERR_SIZE, "%s: %s (%s)", name, what, dlops_last_error());
  return e;
}

int slv_setup(const char *name, dlops_op A, dlops_darray y, dlops_darray x, int square, dlops_darray *xw,
              dlops_darray *yw) {
  *xw = NULL;
  if (yw) *yw = NULL;
  dlops_ctx ctx = NULL;
  DLOPS_CALL(slv_ctx(A, name, &ctx));
  /* every check is local and the outcome is agreed once at the end (collective): x borrowed,
   * NULL or in another space on one rank makes every rank return the same error */
  int err = 0;
  DLOPS_CHECK_COLL(x, ctx, err, DLOPS_ERR_ARG, "%s: null x", name);
  DLOPS_CHECK_COLL(!yw || y, ctx, err, DLOPS_ERR_ARG, "%s: null y", name);
  dlops_dtype td = DLOPS_F64, tr = DLOPS_F64, tx = DLOPS_F64, ty = DLOPS_F64;
  if (!err) err = dlops_op_get_dtypes(A, &td, &tr);
  if (!err) err = dlops_darray_get_dtype(x, &tx);
  DLOPS_CHECK_COLL(tx == td, ctx, err, DLOPS_ERR_ARG, "%s: x is %s but the operator's domain is %s", name,
                   dlops_dtype_name(tx), dlops_dtype_name(td));
  if (!err && yw) err = dlops_darray_get_dtype(y, &ty);
  DLOPS_CHECK_COLL(!yw || ty == tr, ctx, err, DLOPS_ERR_ARG, "%s: y is %s but the operator's range is %s", name,
                   dlops_dtype_name(ty), dlops_dtype_name(tr));
  DLOPS_CHECK_COLL(!square || td == tr, ctx, err, DLOPS_ERR_ARG,
                   "%s: the operator must be square, but it maps %s to %s", name, dlops_dtype_name(td),
                   dlops_dtype_name(tr));
  dlops_darray a = NULL, b = NULL;
  if (!err) err = dlops_op_create_vecs(A, &a, yw ? &b : NULL);
  if (!err) {
    /* the solve runs where the operator works: x and y must be there too (a copy between spaces
     * would succeed, so the spaces are compared first) */
    dlops_memspace ma = DLOPS_MEM_HOST, mx = DLOPS_MEM_HOST, my = DLOPS_MEM_HOST;
    dlops_darray_get_memspace(a, &ma);
    dlops_darray_get_memspace(x, &mx);
    if (yw) dlops_darray_get_memspace(y, &my);
    if (mx != ma || (yw && my != ma))
      err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "%s: %s lives in %s memory but the operator works on %s memory", name,
                        mx != ma ? "x" : "y", (mx != ma ? mx : my) == DLOPS_MEM_HOST ? "host" : "device",
                        ma == DLOPS_MEM_HOST ? "host" : "device");
  }
  /* layouts: the copies fail with DLOPS_ERR_SIZE (the layout tables are global); other failures
   * (a borrowed array: DLOPS_ERR_STATE) keep their own code */
  if (!err) err = copy_layout(ctx, x, a, name, "x does not have the operator's domain layout");
  if (!err && yw) err = copy_layout(ctx, y, b, name, "y does not have the operator's range layout");
  if (!err && square) {
    dlops_darray t = NULL;
    err = dlops_op_create_vecs(A, NULL, &t);
    int e2 = err ? 0 : dlops_darray_copy(a, t);
    dlops_darray_destroy(&t);
    if (e2) err = DLOPS_ERROR(ctx, DLOPS_ERR_SIZE, "%s: the operator must be square (equal domain and range layouts)", name);
  }
  err = dlops_ctx_agree(ctx, err, 0, NULL);
  if (err) {
    dlops_darray_destroy(&a);
    dlops_darray_destroy(&b);
    return err;
  }
  *xw = a;
  if (yw) *yw = b;
  return DLOPS_SUCCESS;
}

/* ------------------------------------------------------------------ element maps */
/* The maps run where the data lives (darray layer): no host copy of device arrays. */
int slv_threshold(dlops_darray in, dlops_darray out, dlops_map_kind kind, double t, double t2) {
  return dlops_darray_map(kind, t, t2, in, out);
}
int slv_sign(dlops_darray in, dlops_darray out) { return dlops_darray_map(DLOPS_MAP_SIGN, 0, 0, in, out); }
int slv_nonzero(dlops_darray in, dlops_darray out) { return dlops_darray_map(DLOPS_MAP_NONZERO, 0, 0, in, out); }
int slv_outside(dlops_darray in, dlops_darray out, double lo, double hi) {
  return dlops_darray_map(DLOPS_MAP_OUTSIDE, lo, hi, in, out);
}

/* ------------------------------------------------------------------ random starts */
int slv_random_fill(dlops_darray x, unsigned long long seed) { return dlops_darray_fill_random(x, seed, 0.0, 1.0); }
