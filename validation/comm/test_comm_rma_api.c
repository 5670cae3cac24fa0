/* The RMA backend through the public API. Usage: test_comm_rma_api fence|pscw|lock_all
 *
 * Two contexts on MPI_COMM_WORLD, "comm=mpi" and "comm=rma sync=<mode>", run every darray
 * operation that reaches a communication entry point on the same data:
 *   dot / vdot / multi_dot / stacked dot -> allreduce (sum), norm inf / -inf -> max / min,
 *   norm 2, 1, 0, 3 -> sum, gather (root -1) -> allgatherv, gather (root k) and scatter (root k)
 *   -> alltoallv, scatter of BROADCAST arrays and sync_broadcast -> bcast, add_ghost_cells ->
 *   neighbour exchange, redistribute -> alltoallv, masked arrays -> split + all of the above.
 * Results must equal a serial computation (exactly for data movement and max/min, within
 * 1e-12 / 1e-5 for sums), equal the mpi context's (exactly where the operation is exact), and
 * rma reductions must give the same bits on every rank. Finally the same workload on both
 * contexts must leave identical counters (calls, messages, bytes of every kind). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlops_test.h"

static int P, me;
static dlops_ctx C[2]; /* 0: mpi, 1: rma */
static const char *const NAME[2] = {"mpi", "rma"};
static const dlops_dtype DT[4] = {DLOPS_F32, DLOPS_F64, DLOPS_C64, DLOPS_C128};

static int64_t prod(const int64_t *s, int n) {
  int64_t p = 1;
  for (int d = 0; d < n; d++) p *= s[d];
  return p;
}
static int cplx(dlops_dtype t) { return t == DLOPS_C64 || t == DLOPS_C128; }
static double tol(dlops_dtype t) { return dlops_test_tol(t); }

static void *global_data(int64_t n, dlops_dtype t, unsigned long long seed) {
  void *g = malloc((size_t)(n > 0 ? n : 1) * dlops_dtype_size(t));
  dlops_test_fill(g, n, t, seed);
  return g;
}

/* element k of a global array as a complex double */
static void elem(const void *g, int64_t k, dlops_dtype t, double *re, double *im) {
  *im = 0;
  switch (t) {
    case DLOPS_F32: *re = ((const float *)g)[k]; break;
    case DLOPS_F64: *re = ((const double *)g)[k]; break;
    case DLOPS_C64: *re = ((const float *)g)[2 * k]; *im = ((const float *)g)[2 * k + 1]; break;
    default: *re = ((const double *)g)[2 * k]; *im = ((const double *)g)[2 * k + 1]; break;
  }
}

static int near(double a, double b, double t) { return a == b || fabs(a - b) <= t * (fabs(b) + 1.0); }

/* the same value on every rank, to the bit */
static int same_everywhere(const double *v, int n) {
  double *all = malloc(sizeof(double) * (size_t)(n * P));
  MPI_Allgather(v, n, MPI_DOUBLE, all, n, MPI_DOUBLE, MPI_COMM_WORLD);
  int ok = 1;
  for (int r = 0; r < P; r++) ok &= !memcmp(all + r * n, v, sizeof(double) * (size_t)n);
  free(all);
  return ok;
}

/* a copy of the local block (size in bytes into *bytes) */
static void *snapshot(dlops_darray x, size_t *bytes) {
  int64_t n = 0;
  dlops_dtype t;
  dlops_darray_get_local_size(x, &n);
  dlops_darray_get_dtype(x, &t);
  *bytes = (size_t)n * dlops_dtype_size(t);
  void *p = NULL, *out = malloc(*bytes + 1);
  if (dlops_darray_get_local(x, DLOPS_MEM_HOST, &p) == DLOPS_SUCCESS) {
    memcpy(out, p, *bytes);
    dlops_darray_restore_local(x, &p);
  }
  return out;
}

/* slab [off, off+len) along axis of a C-ordered global array */
static void extract(const void *g, int nd, const int64_t *gs, int axis, int64_t off, int64_t len, size_t es,
                    void *out) {
  int64_t ls[DLOPS_MAX_NDIM];
  memcpy(ls, gs, sizeof(int64_t) * (size_t)nd);
  ls[axis] = len;
  int64_t n = prod(ls, nd);
  for (int64_t k = 0; k < n; k++) {
    int64_t rem = k, idx[DLOPS_MAX_NDIM], gi = 0;
    for (int d = nd - 1; d >= 0; d--) {
      idx[d] = rem % ls[d];
      rem /= ls[d];
    }
    idx[axis] += off;
    for (int d = 0; d < nd; d++) gi = gi * gs[d] + idx[d];
    memcpy((char *)out + (size_t)k * es, (const char *)g + (size_t)gi * es, es);
  }
}

/* ---------------------------------------------------------------- reductions */
static void test_reductions(void) {
  const int64_t sizes[] = {0, 1, 2, 5, 37, 1000};
  char what[128];
  for (int ti = 0; ti < 4; ti++)
    for (int si = 0; si < 6; si++) {
      dlops_dtype t = DT[ti];
      int64_t n = sizes[si];
      void *gx = global_data(n, t, 11 + (unsigned long long)(ti * 10 + si));
      void *gy = global_data(n, t, 511 + (unsigned long long)(ti * 10 + si));
      /* serial references */
      double dre = 0, dim = 0, vre = 0, vim = 0, xx = 0, n1 = 0, n2 = 0, n3 = 0, ninf = 0, nminf = INFINITY, n0 = 0;
      for (int64_t k = 0; k < n; k++) {
        double a, b, c, d;
        elem(gx, k, t, &a, &b);
        elem(gy, k, t, &c, &d);
        dre += a * c - b * d;
        dim += a * d + b * c;
        vre += a * c + b * d;
        vim += a * d - b * c;
        xx += a * a + b * b;
        double m = sqrt(a * a + b * b);
        n1 += m;
        n2 += m * m;
        n3 += m * m * m;
        ninf = m > ninf ? m : ninf;
        nminf = m < nminf ? m : nminf;
        n0 += m != 0;
      }
      const double ords[6] = {2, 1, INFINITY, -INFINITY, 0, 3};
      const double nref[6] = {sqrt(n2), n1, ninf, nminf, n0, cbrt(n3)};
      double res[2][16];
      for (int k = 0; k < 2; k++) {
        dlops_darray x = NULL, y = NULL;
        T_CALL(dlops_darray_create(C[k], 1, &n, 0, DLOPS_SCATTER, t, &x));
        T_CALL(dlops_darray_create(C[k], 1, &n, 0, DLOPS_SCATTER, t, &y));
        if (!x || !y) continue;
        T_CALL(dlops_darray_scatter(x, gx, -1));
        T_CALL(dlops_darray_scatter(y, gy, -1));
        dlops_scalar s = {0, 0}, v = {0, 0}, md[3];
        T_CALL(dlops_darray_dot(x, y, &s));
        T_CALL(dlops_darray_vdot(x, y, &v));
        dlops_darray xs[3] = {x, y, x}, ys[3] = {y, x, x};
        int cf[3] = {0, 1, 1};
        T_CALL(dlops_darray_multi_dot(3, xs, ys, cf, md));
        res[k][0] = s.re;
        res[k][1] = s.im;
        res[k][2] = v.re;
        res[k][3] = v.im;
        res[k][4] = md[0].re;
        res[k][5] = md[1].re;
        res[k][6] = md[2].re;
        for (int o = 0; o < 6; o++) T_CALL(dlops_darray_norm(x, ords[o], &res[k][7 + o]));
        snprintf(what, sizeof what, "%s %s n=%lld", NAME[k], dlops_dtype_name(t), (long long)n);
        double tl = tol(t) * 10;
        T_CHECK(near(s.re, dre, tl) && near(s.im, cplx(t) ? dim : 0, tl), "%s: dot %g%+gi, expected %g%+gi", what,
                s.re, s.im, dre, dim);
        T_CHECK(near(v.re, vre, tl) && near(v.im, cplx(t) ? vim : 0, tl), "%s: vdot %g%+gi, expected %g%+gi", what,
                v.re, v.im, vre, vim);
        T_CHECK(near(md[0].re, dre, tl) && near(md[1].re, vre, tl) && near(md[2].re, xx, tl),
                "%s: multi_dot %g %g %g, expected %g %g %g", what, md[0].re, md[1].re, md[2].re, dre, vre, xx);
        for (int o = 0; o < 6; o++)
          T_CHECK(res[k][7 + o] == nref[o] || near(res[k][7 + o], nref[o], tl), "%s: norm(%g) = %.17g, expected %.17g",
                  what, ords[o], res[k][7 + o], nref[o]);
        if (k == 1) T_CHECK(same_everywhere(res[1], 13), "%s: reduction results differ between ranks", what);
        dlops_darray_destroy(&x);
        dlops_darray_destroy(&y);
      }
      /* max/min/count norms are exact: the backends must agree to the bit */
      snprintf(what, sizeof what, "%s n=%lld", dlops_dtype_name(t), (long long)n);
      for (int o = 2; o < 5; o++)
        T_CHECK(!memcmp(&res[0][7 + o], &res[1][7 + o], sizeof(double)), "%s: norm(%g) mpi %.17g != rma %.17g", what,
                ords[o], res[0][7 + o], res[1][7 + o]);
      for (int j = 0; j < 13; j++)
        T_CHECK(near(res[1][j], res[0][j], tol(t) * 10), "%s: result %d mpi %.17g rma %.17g", what, j, res[0][j],
                res[1][j]);
      free(gx);
      free(gy);
    }
}

/* stacked arrays (one allreduce for all components) and masked arrays (group reductions) */
static void test_stacked_masked(void) {
  const int64_t n1 = 7, s2[2] = {5, 3};
  void *g1 = global_data(n1, DLOPS_F64, 3), *g2 = global_data(15, DLOPS_F64, 4);
  double ref = 0;
  for (int k = 0; k < n1; k++) ref += ((double *)g1)[k] * ((double *)g1)[k];
  for (int k = 0; k < 15; k++) ref += ((double *)g2)[k] * ((double *)g2)[k];
  double got[2] = {0, 0};
  for (int k = 0; k < 2; k++) {
    dlops_darray a = NULL, b = NULL, st = NULL;
    T_CALL(dlops_darray_create(C[k], 1, &n1, 0, DLOPS_SCATTER, DLOPS_F64, &a));
    T_CALL(dlops_darray_create(C[k], 2, s2, 1, DLOPS_SCATTER, DLOPS_F64, &b));
    if (!a || !b) continue;
    T_CALL(dlops_darray_scatter(a, g1, -1));
    T_CALL(dlops_darray_scatter(b, g2, -1));
    dlops_darray parts[2] = {a, b};
    T_CALL(dlops_darray_create_stacked(2, parts, &st));
    dlops_scalar r = {0, 0};
    if (st) T_CALL(dlops_darray_dot(st, st, &r));
    got[k] = r.re;
    T_CHECK(near(r.re, ref, 1e-12), "%s: stacked dot %.17g, expected %.17g", NAME[k], r.re, ref);
    dlops_darray_destroy(&st);
    dlops_darray_destroy(&a);
    dlops_darray_destroy(&b);
  }
  T_CHECK(near(got[1], got[0], 1e-12), "stacked dot: mpi %.17g rma %.17g", got[0], got[1]);
  free(g1);
  free(g2);

  /* masked: colour rank % 2, each group holds a replica of a 9-element array */
  const int64_t n = 9;
  for (int ti = 0; ti < 4; ti++) {
    dlops_dtype t = DT[ti];
    size_t es = dlops_dtype_size(t);
    void *g = global_data(n, t, 40 + (unsigned long long)ti);
    double sq = 0, mx = 0;
    for (int k = 0; k < n; k++) {
      double a, b;
      elem(g, k, t, &a, &b);
      sq += a * a + b * b;
      mx = fmax(mx, sqrt(a * a + b * b));
    }
    double nrm[2][2];
    for (int k = 0; k < 2; k++) {
      dlops_darray x = NULL;
      T_CALL(dlops_darray_create_ext(C[k], 1, &n, 0, DLOPS_SCATTER, t, -1, me % 2, dlops_test_mem, &x));
      if (!x) continue;
      T_CALL(dlops_darray_scatter(x, g, 0));
      dlops_scalar d = {0, 0};
      T_CALL(dlops_darray_vdot(x, x, &d));
      T_CHECK(near(d.re, sq, tol(t) * 10), "%s masked %s: vdot %.17g, expected %.17g", NAME[k], dlops_dtype_name(t),
              d.re, sq);
      T_CALL(dlops_darray_norm(x, INFINITY, &nrm[k][0]));
      T_CALL(dlops_darray_norm(x, 2, &nrm[k][1]));
      T_CHECK(near(nrm[k][0], mx, tol(t)), "%s masked %s: norm inf %.17g, expected %.17g", NAME[k],
              dlops_dtype_name(t), nrm[k][0], mx);
      void *back = calloc((size_t)n, es);
      T_CALL(dlops_darray_gather(x, back, -1));
      T_CHECK(!memcmp(back, g, (size_t)n * es), "%s masked %s: gather differs", NAME[k], dlops_dtype_name(t));
      free(back);
      dlops_darray_destroy(&x);
    }
    T_CHECK(nrm[0][0] == nrm[1][0], "masked %s: norm inf mpi %.17g rma %.17g", dlops_dtype_name(t), nrm[0][0],
            nrm[1][0]);
    T_CHECK(near(nrm[1][1], nrm[0][1], tol(t)), "masked %s: norm 2 mpi %.17g rma %.17g", dlops_dtype_name(t),
            nrm[0][1], nrm[1][1]);
    free(g);
  }
}

/* ---------------------------------------------------------------- data movement */
static void test_movement(void) {
  static const int64_t shapes[][3] = {{11, 1, 1}, {7, 5, 1}, {3, 4, 5}, {0, 3, 1}, {2, 9, 1}};
  static const int nds[] = {1, 2, 3, 2, 2};
  char what[160];
  for (int s = 0; s < 5; s++)
    for (int ax = 0; ax < nds[s]; ax++) {
      int nd = nds[s];
      dlops_dtype t = DT[(s + ax) % 4];
      size_t es = dlops_dtype_size(t);
      int64_t ng = prod(shapes[s], nd);
      void *g = global_data(ng, t, 1000 + (unsigned long long)(s * 10 + ax));
      void *loc[2] = {NULL, NULL};
      size_t lb[2] = {0, 0};
      for (int k = 0; k < 2; k++) {
        snprintf(what, sizeof what, "%s shape #%d axis %d %s", NAME[k], s, ax, dlops_dtype_name(t));
        dlops_darray x = NULL;
        T_CALL(dlops_darray_create(C[k], nd, shapes[s], ax, DLOPS_SCATTER, t, &x));
        if (!x) continue;
        /* scatter from the last rank, gather to all and to rank 0 */
        T_CALL(dlops_darray_scatter(x, me == P - 1 ? g : NULL, P - 1));
        loc[k] = snapshot(x, &lb[k]);
        void *back = calloc((size_t)(ng + 1), es);
        T_CALL(dlops_darray_gather(x, back, -1));
        T_CHECK(!memcmp(back, g, (size_t)ng * es), "%s: gather(-1) differs from the global array", what);
        memset(back, 0, (size_t)(ng + 1) * es);
        T_CALL(dlops_darray_gather(x, me == 0 ? back : NULL, 0));
        if (me == 0) T_CHECK(!memcmp(back, g, (size_t)ng * es), "%s: gather(0) differs from the global array", what);
        /* redistribute to every other axis, gather again */
        for (int nax = 0; nax < nd; nax++) {
          if (nax == ax) continue;
          dlops_darray y = NULL;
          T_CALL(dlops_darray_redistribute(x, nax, &y));
          if (!y) continue;
          memset(back, 0, (size_t)(ng + 1) * es);
          T_CALL(dlops_darray_gather(y, back, -1));
          T_CHECK(!memcmp(back, g, (size_t)ng * es), "%s: redistribute to axis %d differs", what, nax);
          dlops_darray_destroy(&y);
        }
        /* ghost cells along the distributed axis: 1 front, 2 back where every rank owns enough */
        int64_t minrows = shapes[s][ax] / P;
        int64_t fr = minrows >= 1 ? 1 : 0, bk = minrows >= 2 ? 2 : fr;
        int64_t gsh[DLOPS_MAX_NDIM], off = 0, len = 0;
        T_CALL(dlops_darray_ghost_shape(x, fr, bk, gsh));
        dlops_darray_get_offset(x, &off);
        int64_t ls[DLOPS_MAX_NDIM];
        dlops_darray_get_local_shape(x, ls);
        len = ls[ax];
        int64_t nf = me > 0 ? fr : 0, nb = me < P - 1 ? bk : 0;
        int64_t ngh = prod(gsh, nd);
        void *gh = calloc((size_t)(ngh + 1), es), *exp = calloc((size_t)(ngh + 1), es);
        T_CALL(dlops_darray_add_ghost_cells(x, fr, bk, gh));
        extract(g, nd, shapes[s], ax, off - nf, len + nf + nb, es, exp);
        T_CHECK(gsh[ax] == len + nf + nb && !memcmp(gh, exp, (size_t)ngh * es),
                "%s: ghost cells (%lld, %lld) differ from the serial slice", what, (long long)fr, (long long)bk);
        free(gh);
        free(exp);
        free(back);
        dlops_darray_destroy(&x);
      }
      snprintf(what, sizeof what, "shape #%d axis %d %s", s, ax, dlops_dtype_name(t));
      T_CHECK(lb[0] == lb[1] && loc[0] && loc[1] && !memcmp(loc[0], loc[1], lb[0]),
              "%s: scatter local blocks differ between mpi and rma", what);
      free(loc[0]);
      free(loc[1]);
      free(g);
    }
}

/* BROADCAST arrays: scatter from a root (bcast) and sync_broadcast after rank-local writes */
static void test_broadcast(void) {
  const int64_t shape[2] = {6, 1001};
  for (int ti = 0; ti < 4; ti++)
    for (int k = 0; k < 2; k++) {
      dlops_dtype t = DT[ti];
      size_t es = dlops_dtype_size(t);
      int64_t n = shape[0] * shape[1];
      void *g = global_data(n, t, 77 + (unsigned long long)ti);
      dlops_darray x = NULL;
      T_CALL(dlops_darray_create(C[k], 2, shape, 0, DLOPS_BROADCAST, t, &x));
      if (!x) continue;
      int root = (ti + 1) % P;
      T_CALL(dlops_darray_scatter(x, me == root ? g : NULL, root));
      size_t b = 0;
      void *l = snapshot(x, &b);
      T_CHECK(b == (size_t)n * es && !memcmp(l, g, b), "%s %s: BROADCAST scatter from %d differs", NAME[k],
              dlops_dtype_name(t), root);
      free(l);
      /* rank-dependent local writes, then sync: everyone ends with rank 0's copy */
      void *p = NULL;
      T_CALL(dlops_darray_get_local(x, DLOPS_MEM_HOST, &p));
      if (p) {
        dlops_test_fill(p, n, t, 900 + (unsigned long long)me);
        dlops_darray_restore_local(x, &p);
      }
      T_CALL(dlops_darray_sync_broadcast(x));
      void *want = global_data(n, t, 900);
      l = snapshot(x, &b);
      T_CHECK(!memcmp(l, want, (size_t)n * es), "%s %s: sync_broadcast does not give rank 0's copy", NAME[k],
              dlops_dtype_name(t));
      free(l);
      free(want);
      free(g);
      dlops_darray_destroy(&x);
    }
}

/* ---------------------------------------------------------------- counters */
static void workload(dlops_ctx ctx) {
  const int64_t s2[2] = {9, 6};
  void *g = global_data(54, DLOPS_C128, 5);
  dlops_darray x = NULL, y = NULL, m = NULL, b = NULL;
  T_CALL(dlops_darray_create(ctx, 2, s2, 0, DLOPS_SCATTER, DLOPS_C128, &x));
  T_CALL(dlops_darray_create_ext(ctx, 2, s2, 1, DLOPS_SCATTER, DLOPS_F32, -1, me % 2, dlops_test_mem, &m));
  T_CALL(dlops_darray_create(ctx, 2, s2, 1, DLOPS_BROADCAST, DLOPS_F64, &b));
  if (!x || !m || !b) return;
  T_CALL(dlops_darray_scatter(x, me == 0 ? g : NULL, 0));
  dlops_scalar s;
  double nr;
  T_CALL(dlops_darray_vdot(x, x, &s));
  T_CALL(dlops_darray_norm(x, INFINITY, &nr));
  T_CALL(dlops_darray_norm(m, -INFINITY, &nr));
  void *back = calloc(54, 16);
  T_CALL(dlops_darray_gather(x, back, -1));
  T_CALL(dlops_darray_gather(x, me == P - 1 ? back : NULL, P - 1));
  T_CALL(dlops_darray_gather(m, back, -1));
  T_CALL(dlops_darray_redistribute(x, 1, &y));
  void *gh = calloc(54 * 3, 16);
  T_CALL(dlops_darray_add_ghost_cells(x, 1, 1, gh));
  T_CALL(dlops_darray_sync_broadcast(b));
  free(gh);
  free(back);
  free(g);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_darray_destroy(&m);
  dlops_darray_destroy(&b);
}

static void test_counters(void) {
  dlops_comm_counter cnt[2][DLOPS_COMM_NUM_KINDS];
  for (int k = 0; k < 2; k++) {
    T_CALL(dlops_ctx_reset_counters(C[k]));
    workload(C[k]);
    for (int kd = 0; kd < DLOPS_COMM_NUM_KINDS; kd++) T_CALL(dlops_ctx_get_counter(C[k], (dlops_comm_kind)kd, &cnt[k][kd]));
  }
  int64_t data_calls = 0;
  for (int kd = 0; kd < DLOPS_COMM_NUM_KINDS; kd++) {
    dlops_comm_counter a = cnt[0][kd], b = cnt[1][kd];
    if (kd != DLOPS_COMM_META && kd != DLOPS_COMM_SPLIT) data_calls += b.calls;
    T_CHECK(a.calls == b.calls && a.messages == b.messages && a.bytes == b.bytes,
            "counter %s: mpi %lld/%lld/%lld, rma %lld/%lld/%lld (calls/messages/bytes)",
            dlops_comm_kind_name((dlops_comm_kind)kd), (long long)a.calls, (long long)a.messages, (long long)a.bytes,
            (long long)b.calls, (long long)b.messages, (long long)b.bytes);
  }
  T_CHECK(data_calls >= 8, "the workload made only %lld data calls on rma", (long long)data_calls);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &dlops_test_rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &P);
  me = dlops_test_rank_;
  const char *mode = argc > 1 ? argv[1] : "fence";
  char spec[64], want[64];
  snprintf(spec, sizeof spec, "comm=rma sync=%s", mode);
  T_REQUIRE(dlops_ctx_create(MPI_COMM_WORLD, "comm=mpi", &C[0]));
  T_REQUIRE(dlops_ctx_create(MPI_COMM_WORLD, spec, &C[1]));
  const char *name = NULL, *canon = NULL;
  T_CALL(dlops_ctx_get_backend(C[1], &name));
  T_CALL(dlops_ctx_get_spec(C[1], &canon));
  snprintf(want, sizeof want, "sync=%s", mode);
  T_CHECK(name && !strcmp(name, "rma"), "backend is %s", name ? name : "(null)");
  T_CHECK(canon && strstr(canon, want), "spec \"%s\" lacks %s", canon ? canon : "", want);
  for (int rep = 0; rep < 2; rep++) { /* twice: windows are reused, not recreated */
    test_reductions();
    test_stacked_masked();
    test_movement();
    test_broadcast();
  }
  test_counters();
  dlops_ctx_destroy(&C[0]);
  return dlops_test_finish(C[1]);
}
