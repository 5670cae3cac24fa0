/* Bad input: every misuse returns its code on every rank, with a message, without hanging, and
 * leaves the arrays passed in unchanged. Covers creation (bad values, ranks that disagree),
 * queries with null pointers, vector operations on mismatched layouts or types, borrowed local
 * data, data movement with bad roots/buffers/cells, and context specs (unknown keys and values
 * with suggestions, backends not built, ranks asking for different backends). */
#define _POSIX_C_SOURCE 200809L /* setenv, strdup */
#include "darray_check.h"

static int P, me;

static void test_create(dlops_ctx ctx) {
  int64_t s2[2] = {6, 4}, bad[2] = {6, -1};
  dlops_darray x = (dlops_darray)0x1;
  /* local argument errors */
  T_EXPECT_ERR(dlops_darray_create(NULL, 2, s2, 0, DLOPS_SCATTER, DLOPS_F64, &x), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_create(ctx, 2, s2, 0, DLOPS_SCATTER, DLOPS_F64, NULL), DLOPS_ERR_ARG);
  /* agreed argument errors; the handle is NULL after a failure */
  T_EXPECT_ALL(dlops_darray_create(ctx, 0, s2, 0, DLOPS_SCATTER, DLOPS_F64, &x), DLOPS_ERR_ARG);
  T_CHECK(x == NULL, "failed create left a handle");
  T_EXPECT_ALL(dlops_darray_create(ctx, 9, s2, 0, DLOPS_SCATTER, DLOPS_F64, &x), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_create(ctx, -1, s2, 0, DLOPS_SCATTER, DLOPS_F64, &x), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_create(ctx, 2, NULL, 0, DLOPS_SCATTER, DLOPS_F64, &x), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_create(ctx, 2, bad, 0, DLOPS_SCATTER, DLOPS_F64, &x), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_create(ctx, 2, s2, 2, DLOPS_SCATTER, DLOPS_F64, &x), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_create(ctx, 2, s2, -3, DLOPS_SCATTER, DLOPS_F64, &x), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_create(ctx, 2, s2, 0, (dlops_partition)3, DLOPS_F64, &x), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_create(ctx, 2, s2, 0, DLOPS_SCATTER, (dlops_dtype)4, &x), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_create(ctx, 2, s2, 0, DLOPS_SCATTER, (dlops_dtype)-1, &x), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_create_ext(ctx, 2, s2, 0, DLOPS_SCATTER, DLOPS_F64, -1, -1, (dlops_memspace)2, &x),
               DLOPS_ERR_ARG);
  if (dlops_test_mem == DLOPS_MEM_HOST) /* a host context has no device memory */
    T_EXPECT_ALL(dlops_darray_create_ext(ctx, 2, s2, 0, DLOPS_SCATTER, DLOPS_F64, -1, -1, DLOPS_MEM_DEVICE, &x),
                 DLOPS_ERR_UNSUPPORTED);
  T_EXPECT_ALL(dlops_darray_create_ext(ctx, 2, s2, 0, DLOPS_SCATTER, DLOPS_F64, -2, -1, dlops_test_mem, &x), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_create_ext(ctx, 2, s2, 0, DLOPS_SCATTER, DLOPS_F64, -1, -2, dlops_test_mem, &x), DLOPS_ERR_ARG);
  int64_t huge[2] = {INT64_MAX / 4, 8};
  T_EXPECT_ALL(dlops_darray_create(ctx, 2, huge, 0, DLOPS_SCATTER, DLOPS_C128, &x), DLOPS_ERR_ARG);
  /* only one rank passes a bad value: every rank fails */
  int64_t mixed[2] = {6, me == P - 1 ? -5 : 4};
  T_EXPECT_ALL(dlops_darray_create(ctx, 2, mixed, 0, DLOPS_SCATTER, DLOPS_F64, &x), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_create(ctx, 2, s2, me == P - 1 ? 7 : 0, DLOPS_SCATTER, DLOPS_F64, &x), DLOPS_ERR_ARG);
  T_CHECK(x == NULL, "failed create left a handle");
  /* sizes that do not add up: each rank gives 1 row of P + 1 */
  int64_t n1 = P + 1;
  T_EXPECT_ALL(dlops_darray_create_ext(ctx, 1, &n1, 0, DLOPS_SCATTER, DLOPS_F64, 1, -1, dlops_test_mem, &x), DLOPS_ERR_SIZE);
  /* a BROADCAST array holds every row */
  T_EXPECT_ALL(dlops_darray_create_ext(ctx, 2, s2, 0, DLOPS_BROADCAST, DLOPS_F64, 5, -1, dlops_test_mem, &x), DLOPS_ERR_SIZE);
  /* masked groups must each add up */
  int64_t n2 = 3;
  T_EXPECT_ALL(dlops_darray_create_ext(ctx, 1, &n2, 0, DLOPS_SCATTER, DLOPS_F64, me == 0 ? 3 : 0, me % 2, dlops_test_mem, &x),
               P > 1 ? DLOPS_ERR_SIZE : DLOPS_SUCCESS);
  dlops_darray_destroy(&x);
  if (P > 1) {
    /* rank 0 disagrees with the others */
    int64_t other[2] = {me == 0 ? 7 : 6, 4};
    T_EXPECT_ALL(dlops_darray_create(ctx, 2, other, 0, DLOPS_SCATTER, DLOPS_F64, &x), DLOPS_ERR_SIZE);
    T_CHECK(x == NULL, "failed create left a handle");
    T_CHECK(strstr(dlops_last_error(), "shape") != NULL, "message does not name the shape: %s", dlops_last_error());
    int64_t s3[3] = {6, 4, 1};
    T_EXPECT_ALL(dlops_darray_create(ctx, me == 0 ? 3 : 2, me == 0 ? s3 : s2, 0, DLOPS_SCATTER, DLOPS_F64, &x),
                 DLOPS_ERR_SIZE);
    T_EXPECT_ALL(dlops_darray_create(ctx, 2, s2, me == 0 ? 1 : 0, DLOPS_SCATTER, DLOPS_F64, &x), DLOPS_ERR_SIZE);
    T_EXPECT_ALL(dlops_darray_create(ctx, 2, s2, 0, me == 0 ? DLOPS_BROADCAST : DLOPS_SCATTER, DLOPS_F64, &x),
                 DLOPS_ERR_SIZE);
    T_EXPECT_ALL(dlops_darray_create(ctx, 2, s2, 0, DLOPS_SCATTER, me == 0 ? DLOPS_F32 : DLOPS_F64, &x), DLOPS_ERR_SIZE);
    T_CHECK(strstr(dlops_last_error(), "dtype") != NULL, "message does not name the dtype: %s", dlops_last_error());
    /* local_n / mask on some ranks only */
    T_EXPECT_ALL(dlops_darray_create_ext(ctx, 2, s2, 0, DLOPS_SCATTER, DLOPS_F64, me == 0 ? 6 : -1, -1, dlops_test_mem, &x),
                 DLOPS_ERR_SIZE);
    T_EXPECT_ALL(dlops_darray_create_ext(ctx, 2, s2, 0, DLOPS_SCATTER, DLOPS_F64, me == 0 ? -1 : 0, -1, dlops_test_mem, &x),
                 DLOPS_ERR_SIZE);
    T_EXPECT_ALL(dlops_darray_create_ext(ctx, 2, s2, 0, DLOPS_SCATTER, DLOPS_F64, -1, me == 0 ? 0 : -1, dlops_test_mem, &x),
                 DLOPS_ERR_SIZE);
    T_CHECK(x == NULL, "failed create left a handle");
  }
  /* the context still works after all this */
  T_CALL(dlops_darray_create(ctx, 2, s2, 0, DLOPS_SCATTER, DLOPS_F64, &x));
  dlops_darray_destroy(&x);
}

static void test_queries(dlops_ctx ctx) {
  int64_t n = 5, sh[1];
  int i;
  dlops_darray x = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &x));
  dlops_ctx c;
  dlops_partition p;
  dlops_dtype t;
  dlops_memspace m;
  dlops_darray part;
  void *ptr;
  T_EXPECT_ERR(dlops_darray_get_ctx(NULL, &c), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_ctx(x, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_ndim(NULL, &i), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_ndim(x, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_global_shape(NULL, sh), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_global_shape(x, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_local_shape(x, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_axis(x, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_partition(NULL, &p), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_dtype(NULL, &t), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_memspace(x, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_memspace(NULL, &m), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_mask_color(x, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_local_size(NULL, sh), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_global_size(x, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_offset(x, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_axis_sizes(x, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_is_stacked(NULL, &i), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_stacked_count(x, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_stacked_get(x, 0, &part), DLOPS_ERR_STATE);
  T_EXPECT_ERR(dlops_darray_get_local(NULL, DLOPS_MEM_HOST, &ptr), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_get_local(x, DLOPS_MEM_HOST, NULL), DLOPS_ERR_ARG);
  {
    dlops_darray hx = NULL; /* a host array has no device copy (on every context) */
    T_REQUIRE(dlops_darray_create_ext(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, -1, -1, DLOPS_MEM_HOST, &hx));
    T_EXPECT_ERR(dlops_darray_get_local(hx, DLOPS_MEM_DEVICE, &ptr), DLOPS_ERR_UNSUPPORTED);
    T_EXPECT_ERR(dlops_darray_get_local(hx, (dlops_memspace)7, &ptr), DLOPS_ERR_ARG);
    dlops_darray_destroy(&hx);
  }
  T_EXPECT_ERR(dlops_darray_restore_local(NULL, &ptr), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_duplicate(NULL, &part), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_duplicate(x, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_destroy(NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_ctx_get_rank(NULL, &i), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_ctx_get_size(ctx, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_ctx_get_backend(NULL, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_ctx_get_spec(ctx, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_ctx_get_comm(NULL, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_ctx_destroy(NULL), DLOPS_ERR_ARG);
  dlops_ctx nullctx = NULL;
  T_CALL(dlops_ctx_destroy(&nullctx));
  T_CHECK(dlops_ctx_last_error(NULL) == dlops_last_error(), "ctx_last_error(NULL) is not the process-wide message");
  T_CHECK(dlops_ctx_last_error(ctx)[0] != '\0', "the context kept no message");
  dlops_darray_destroy(&x);
}

/* Arrays a (reference), and others that differ from it in one respect. */
static void test_mismatch(dlops_ctx ctx) {
  int64_t s[2] = {6, 4}, s_other[2] = {6, 5};
  dlops_darray a = NULL, b = NULL, shape = NULL, axis = NULL, part = NULL, dtype = NULL, split = NULL, mask = NULL,
               onother = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 2, s, 0, DLOPS_SCATTER, DLOPS_F64, &a));
  T_REQUIRE(dlops_darray_create(ctx, 2, s, 0, DLOPS_SCATTER, DLOPS_F64, &b));
  T_REQUIRE(dlops_darray_create(ctx, 2, s_other, 0, DLOPS_SCATTER, DLOPS_F64, &shape));
  T_REQUIRE(dlops_darray_create(ctx, 2, s, 1, DLOPS_SCATTER, DLOPS_F64, &axis));
  T_REQUIRE(dlops_darray_create(ctx, 2, s, 0, DLOPS_UNSAFE_BROADCAST, DLOPS_F64, &part));
  T_REQUIRE(dlops_darray_create(ctx, 2, s, 0, DLOPS_SCATTER, DLOPS_F32, &dtype));
  T_REQUIRE(dlops_darray_create_ext(ctx, 2, s, 0, DLOPS_SCATTER, DLOPS_F64, me == P - 1 ? 6 : 0, -1, dlops_test_mem, &split));
  T_REQUIRE(dlops_darray_create_ext(ctx, 2, s, 0, DLOPS_SCATTER, DLOPS_F64, -1, me % 2, dlops_test_mem, &mask));
  dlops_ctx ctx2 = NULL;
  T_REQUIRE(dlops_ctx_create(MPI_COMM_WORLD, NULL, &ctx2));
  T_REQUIRE(dlops_darray_create(ctx2, 2, s, 0, DLOPS_SCATTER, DLOPS_F64, &onother));
  void *g = t_global(24, DLOPS_F64, 3), *g2 = t_global(30, DLOPS_F64, 4), *g3 = t_global(24, DLOPS_F32, 5);
  dlops_darray all[9] = {a, b, shape, axis, part, dtype, split, mask, onother};
  for (int i = 0; i < 9; i++) T_CALL(dlops_darray_scatter(all[i], i == 2 ? g2 : i == 5 ? g3 : g, -1));
  size_t bytes[9];
  void *snap[9];
  for (int i = 0; i < 9; i++) snap[i] = t_snapshot(all[i], &bytes[i]);
  dlops_darray diff[5] = {shape, axis, part, split, mask};
  const char *names[5] = {"shape", "axis", "partition", "split", "mask"};
  dlops_scalar r, one = {1, 0};
  double nr;
  for (int i = 0; i < 5; i++) {
    /* at one rank the split does not make a different layout */
    int code = (P == 1 && i == 3) ? DLOPS_SUCCESS : DLOPS_ERR_SIZE;
    int e = dlops_darray_dot(a, diff[i], &r);
    T_CHECK(e == code, "dot with another %s gave %d: %s", names[i], e, dlops_last_error());
    e = dlops_darray_vdot(diff[i], a, &r);
    T_CHECK(e == code, "vdot with another %s gave %d", names[i], e);
    if (code) {
      T_EXPECT_ALL(dlops_darray_axpby(one, a, one, diff[i]), code);
      T_EXPECT_ALL(dlops_darray_axpby(one, diff[i], one, a), code);
      T_EXPECT_ALL(dlops_darray_copy(a, diff[i]), code);
      T_EXPECT_ALL(dlops_darray_pointwise_mult(a, b, diff[i]), code);
      T_EXPECT_ALL(dlops_darray_pointwise_mult(a, diff[i], b), code);
      dlops_darray xs[2] = {a, a}, ys[2] = {b, diff[i]};
      dlops_scalar rr[2];
      T_EXPECT_ALL(dlops_darray_multi_dot(2, xs, ys, NULL, rr), code);
      dlops_pending pend = NULL;
      /* the non-blocking form reports bad arguments at end, on every rank: begin has started the
       * agreed reduction, which every rank must complete */
      T_EXPECT_ALL(dlops_darray_multi_dot_begin(2, xs, ys, NULL, rr, &pend), DLOPS_SUCCESS);
      T_CHECK(pend != NULL, "multi_dot_begin with bad arguments gave no request");
      if (pend) T_EXPECT_ALL(dlops_darray_multi_dot_end(&pend), code);
      T_CHECK(pend == NULL, "multi_dot_end left a request");
    }
  }
  T_EXPECT_ALL(dlops_darray_dot(a, onother, &r), DLOPS_ERR_SIZE);
  T_EXPECT_ALL(dlops_darray_axpby(one, onother, one, a), DLOPS_ERR_SIZE);
  /* element types */
  T_EXPECT_ALL(dlops_darray_dot(a, dtype, &r), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_vdot(dtype, a, &r), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_axpby(one, a, one, dtype), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_pointwise_mult(a, dtype, b), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_pointwise_mult(a, b, dtype), DLOPS_ERR_ARG);
  /* complex coefficients on real arrays */
  dlops_scalar ci = {0, 1};
  T_EXPECT_ALL(dlops_darray_axpby(ci, a, one, b), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_axpby(one, a, ci, b), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_scale(a, ci), DLOPS_ERR_ARG);
  /* null arguments */
  T_EXPECT_ERR(dlops_darray_dot(NULL, a, &r), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_dot(a, NULL, &r), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_dot(a, b, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_vdot(a, b, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_fill(NULL, one), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_copy(a, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_axpby(one, NULL, one, b), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_scale(NULL, one), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_conj(NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_pointwise_mult(a, b, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_norm(NULL, 2, &nr), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_norm(a, 2, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_norm(a, NAN, &nr), DLOPS_ERR_ARG);
  dlops_darray xs[1] = {a}, ys[1] = {b}, nul[1] = {NULL};
  dlops_scalar rr[1];
  T_EXPECT_ERR(dlops_darray_multi_dot(0, xs, ys, NULL, rr), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_multi_dot(1, NULL, ys, NULL, rr), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_multi_dot(1, xs, ys, NULL, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_multi_dot(1, xs, nul, NULL, rr), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_multi_dot(1, nul, ys, NULL, rr), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_multi_dot_begin(1, xs, ys, NULL, rr, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_multi_dot_end(NULL), DLOPS_ERR_ARG);
  dlops_pending np = NULL;
  T_EXPECT_ERR(dlops_darray_multi_dot_end(&np), DLOPS_ERR_ARG);
  /* nothing changed */
  for (int i = 0; i < 9; i++) T_CHECK(t_same_as_snapshot(all[i], snap[i], bytes[i]), "array %d changed by a failed call", i);
  for (int i = 0; i < 9; i++) {
    free(snap[i]);
    dlops_darray_destroy(&all[i]);
  }
  free(g);
  free(g2);
  free(g3);
  dlops_ctx_destroy(&ctx2);
}

/* Using an array while its local data is borrowed. */
static void test_borrowed(dlops_ctx ctx) {
  int64_t s[2] = {7, 3};
  dlops_darray x = NULL, y = NULL, b = NULL, r = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 2, s, 0, DLOPS_SCATTER, DLOPS_C128, &x));
  T_REQUIRE(dlops_darray_create(ctx, 2, s, 0, DLOPS_SCATTER, DLOPS_C128, &y));
  T_REQUIRE(dlops_darray_create(ctx, 2, s, 0, DLOPS_BROADCAST, DLOPS_C128, &b));
  void *g = t_global(21, DLOPS_C128, 11);
  T_CALL(dlops_darray_scatter(x, g, -1));
  T_CALL(dlops_darray_scatter(y, g, -1));
  T_CALL(dlops_darray_scatter(b, g, -1));
  size_t xb;
  void *xs = t_snapshot(x, &xb);
  void *p = NULL, *q = NULL;
  T_CALL(dlops_darray_get_local(x, DLOPS_MEM_HOST, &p));
  T_CALL(dlops_darray_get_local(b, DLOPS_MEM_HOST, &q));
  dlops_scalar one = {1, 0}, d;
  double nr;
  int64_t gh[64];
  T_EXPECT_ERR(dlops_darray_get_local(x, DLOPS_MEM_HOST, &q), DLOPS_ERR_STATE);
  T_EXPECT_ALL(dlops_darray_fill(x, one), DLOPS_ERR_STATE);
  T_EXPECT_ALL(dlops_darray_copy(y, x), DLOPS_ERR_STATE);
  T_EXPECT_ALL(dlops_darray_copy(x, y), DLOPS_ERR_STATE);
  T_EXPECT_ALL(dlops_darray_axpby(one, y, one, x), DLOPS_ERR_STATE);
  T_EXPECT_ALL(dlops_darray_scale(x, one), DLOPS_ERR_STATE);
  T_EXPECT_ALL(dlops_darray_conj(x), DLOPS_ERR_STATE);
  T_EXPECT_ALL(dlops_darray_pointwise_mult(y, y, x), DLOPS_ERR_STATE);
  T_EXPECT_ALL(dlops_darray_dot(y, x, &d), DLOPS_ERR_STATE);
  T_EXPECT_ALL(dlops_darray_norm(x, 2, &nr), DLOPS_ERR_STATE);
  T_EXPECT_ALL(dlops_darray_scatter(x, g, -1), DLOPS_ERR_STATE);
  T_EXPECT_ALL(dlops_darray_gather(x, g, -1), DLOPS_ERR_STATE);
  T_EXPECT_ALL(dlops_darray_redistribute(x, 1, &r), DLOPS_ERR_STATE);
  T_CHECK(r == NULL, "failed redistribute left a handle");
  T_EXPECT_ALL(dlops_darray_add_ghost_cells(x, 1, 1, gh), DLOPS_ERR_STATE);
  T_EXPECT_ALL(dlops_darray_sync_broadcast(b), DLOPS_ERR_STATE);
  dlops_darray parts[2] = {y, x}, st = NULL;
  T_CALL(dlops_darray_create_stacked(2, parts, &st));
  T_EXPECT_ALL(dlops_darray_norm(st, 1, &nr), DLOPS_ERR_STATE);
  dlops_darray_destroy(&st);
  /* wrong pointer, then the right one; a second restore is an error */
  void *wrong = (char *)p + 16;
  T_EXPECT_ERR(dlops_darray_restore_local(x, &wrong), DLOPS_ERR_ARG);
  T_CALL(dlops_darray_restore_local(x, &p));
  T_CHECK(p == NULL, "restore did not clear the pointer");
  void *again = q;
  T_CALL(dlops_darray_restore_local(b, &q));
  T_EXPECT_ERR(dlops_darray_restore_local(b, &again), DLOPS_ERR_STATE);
  T_CHECK(t_same_as_snapshot(x, xs, xb), "failed calls on a borrowed array changed it");
  /* usable again */
  T_CALL(dlops_darray_dot(x, y, &d));
  T_CALL(dlops_darray_norm(x, 2, &nr));
  /* sync_broadcast makes every replica equal to rank 0's */
  T_CALL(dlops_darray_get_local(b, DLOPS_MEM_HOST, &q));
  ((double *)q)[0] = 100.0 + me;
  T_CALL(dlops_darray_restore_local(b, &q));
  T_CALL(dlops_darray_sync_broadcast(b));
  T_CALL(dlops_darray_get_local(b, DLOPS_MEM_HOST, &q));
  T_CHECK(((double *)q)[0] == 100.0 && !memcmp((double *)q + 1, (double *)g + 1, (21 * 16) - 8),
          "sync_broadcast: replicas differ from rank 0's");
  T_CALL(dlops_darray_restore_local(b, &q));
  free(xs);
  free(g);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_darray_destroy(&b);
}

static void test_move_errors(dlops_ctx ctx) {
  int64_t s[2] = {9, 4};
  dlops_darray x = NULL, b = NULL, y = NULL;
  T_REQUIRE(dlops_darray_create(ctx, 2, s, 0, DLOPS_SCATTER, DLOPS_F32, &x));
  T_REQUIRE(dlops_darray_create(ctx, 2, s, 1, DLOPS_BROADCAST, DLOPS_F32, &b));
  void *g = t_global(36, DLOPS_F32, 21), *h = t_global(36, DLOPS_F32, 22);
  T_CALL(dlops_darray_scatter(x, g, -1));
  size_t xb;
  void *xs = t_snapshot(x, &xb);
  T_EXPECT_ALL(dlops_darray_scatter(x, h, P), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_scatter(x, h, -2), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_scatter(x, NULL, -1), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_scatter(x, me == P - 1 ? NULL : h, -1), DLOPS_ERR_ARG); /* one rank only */
  T_EXPECT_ALL(dlops_darray_scatter(x, me == 0 ? NULL : h, 0), DLOPS_ERR_ARG);     /* the root */
  T_EXPECT_ERR(dlops_darray_scatter(NULL, h, -1), DLOPS_ERR_ARG);
  T_CHECK(t_same_as_snapshot(x, xs, xb), "failed scatter changed the array");
  void *back = malloc(36 * 4);
  memcpy(back, h, 36 * 4);
  T_EXPECT_ALL(dlops_darray_gather(x, back, P), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_gather(x, back, -7), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_gather(x, me == P - 1 ? NULL : back, -1), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_gather(x, me == P - 1 ? NULL : back, P - 1), DLOPS_ERR_ARG);
  T_CHECK(!memcmp(back, h, 36 * 4), "failed gather wrote into the buffer");
  /* redistribute */
  T_EXPECT_ALL(dlops_darray_redistribute(b, 0, &y), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_redistribute(x, 2, &y), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_redistribute(x, -3, &y), DLOPS_ERR_ARG);
  T_CHECK(y == NULL, "failed redistribute left a handle");
  T_EXPECT_ERR(dlops_darray_redistribute(x, 1, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_redistribute(NULL, 1, &y), DLOPS_ERR_ARG);
  /* ghost cells */
  float *gh = calloc(64, sizeof(float));
  int64_t sh[2];
  T_EXPECT_ALL(dlops_darray_add_ghost_cells(b, 1, 1, gh), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_add_ghost_cells(x, -1, 1, gh), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_add_ghost_cells(x, me == 0 ? -1 : 1, 1, gh), DLOPS_ERR_ARG); /* one rank only */
  T_EXPECT_ALL(dlops_darray_add_ghost_cells(x, 1, 1, me == P - 1 ? NULL : gh), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_darray_add_ghost_cells(x, 1, 100, gh), P > 1 ? DLOPS_ERR_SIZE : DLOPS_SUCCESS);
  T_EXPECT_ERR(dlops_darray_add_ghost_cells(NULL, 1, 1, gh), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_ghost_shape(x, -1, 0, sh), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_ghost_shape(x, 0, 0, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_darray_ghost_shape(NULL, 0, 0, sh), DLOPS_ERR_ARG);
  T_CHECK(t_same_as_snapshot(x, xs, xb), "failed calls changed the array");
  free(gh);
  free(back);
  free(xs);
  free(g);
  free(h);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&b);
}

/* Is a backend built in? (from the build's own description) */
static int backend_built(const char *name) {
  char buf[4096], key[32];
  dlops_backends_describe(buf, sizeof buf);
  snprintf(key, sizeof key, "  %-5s [available]", name);
  return strstr(buf, key) != NULL;
}

static void test_specs(void) {
  dlops_ctx c = (dlops_ctx)0x1;
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "comm=mpo", &c), DLOPS_ERR_ARG);
  T_CHECK(c == NULL, "failed ctx_create left a handle");
  T_CHECK(strstr(dlops_last_error(), "did you mean 'mpi'") != NULL, "no suggestion: %s", dlops_last_error());
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "comn=mpi", &c), DLOPS_ERR_ARG);
  T_CHECK(strstr(dlops_last_error(), "did you mean 'comm'") != NULL, "no suggestion: %s", dlops_last_error());
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "comm=mpi mem=hots", &c), DLOPS_ERR_ARG);
  T_CHECK(strstr(dlops_last_error(), "did you mean 'host'") != NULL, "no suggestion: %s", dlops_last_error());
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "ncl", &c), DLOPS_ERR_ARG);
  T_CHECK(strstr(dlops_last_error(), "did you mean") != NULL, "no suggestion: %s", dlops_last_error());
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "log=2", &c), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "comm=mpi sync=lock", &c), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "comm=nccl mem=host", &c), DLOPS_ERR_ARG);
  if (!backend_built("nccl")) {
    T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "comm=nccl", &c), DLOPS_ERR_UNSUPPORTED);
    T_CHECK(strstr(dlops_last_error(), "DLOPS_ENABLE_NCCL") != NULL, "no hint how to enable NCCL: %s", dlops_last_error());
  }
  if (!backend_built("rma")) {
    T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "comm=rma", &c), DLOPS_ERR_UNSUPPORTED);
    T_CHECK(strstr(dlops_last_error(), "DLOPS_ENABLE_RMA") != NULL, "no hint how to enable RMA: %s", dlops_last_error());
  }
  /* no GPU here (and perhaps no CUDA build): unsupported either way */
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "comm=mpi mem=device", &c), DLOPS_ERR_UNSUPPORTED);
  T_CHECK(c == NULL, "failed ctx_create left a handle");
  T_EXPECT_ERR(dlops_ctx_create(MPI_COMM_WORLD, "comm=mpi", NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_ctx_create(MPI_COMM_NULL, "comm=mpi", &c), DLOPS_ERR_ARG);
  /* DLOPS_SPEC is read when the spec is NULL or empty */
  const char *old = getenv("DLOPS_SPEC");
  char *saved = old ? strdup(old) : NULL;
  setenv("DLOPS_SPEC", "comm=bogus", 1);
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, NULL, &c), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "", &c), DLOPS_ERR_ARG);
  T_CALL(dlops_ctx_create(MPI_COMM_WORLD, "comm=mpi", &c)); /* an explicit spec wins */
  dlops_ctx_destroy(&c);
  if (saved) {
    setenv("DLOPS_SPEC", saved, 1);
    free(saved);
  } else {
    unsetenv("DLOPS_SPEC");
  }
  if (P > 1) {
    /* ranks asking for different things: every rank fails */
    T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, me == 0 ? "comm=bogus" : "comm=mpi", &c), DLOPS_ERR_ARG);
    T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, me == P - 1 ? "comm=mpi" : "comm=nccl", &c),
                 DLOPS_ERR_UNSUPPORTED); /* not built, or built but no GPU here */
    T_CHECK(c == NULL, "failed ctx_create left a handle");
    if (backend_built("rma")) {
      /* same code everywhere; the message names each rank's own spec, so it differs */
      T_EXPECT_ERR(dlops_ctx_create(MPI_COMM_WORLD, me == 0 ? "comm=rma" : "comm=mpi", &c), DLOPS_ERR_ARG);
      T_CHECK(strstr(dlops_last_error(), "different backends") != NULL, "message: %s", dlops_last_error());
      T_EXPECT_ERR(dlops_ctx_create(MPI_COMM_WORLD, me == 0 ? "comm=rma sync=fence" : "comm=rma sync=pscw", &c),
                   DLOPS_ERR_ARG);
      T_CHECK(c == NULL, "failed ctx_create left a handle");
    }
  }
  /* the user's communicator keeps its error handler */
  MPI_Errhandler eh;
  MPI_Comm_get_errhandler(MPI_COMM_WORLD, &eh);
  T_CHECK(eh == MPI_ERRORS_ARE_FATAL, "dlops changed the error handler of the user's communicator");
  MPI_Errhandler_free(&eh);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &me);
  test_create(ctx);
  test_queries(ctx);
  test_mismatch(ctx);
  test_borrowed(ctx);
  test_move_errors(ctx);
  test_specs();
  return dlops_test_finish(ctx);
}
