/* Kirchhoff demigration (dlops_op_create_kirchhoff), labels ops, dottest:
 *   - the local operator against a dense matrix built here from PyLops' definition (straight-ray
 *     traveltimes, two-sample spreading, the wavelet convolution centred at wavcenter), forward
 *     and adjoint, f32 and f64, with sources outside the grid and arrivals past the time axis;
 *     its shape, dims and dimsd; dot tests;
 *   - the tutorial's distribution: a vstack over sources (each rank its sources' operator, the
 *     model broadcast, the data scattered) against the dense matrix of the whole acquisition, dot
 *     tests, and the exact communication of one forward (nothing) and one adjoint (one allreduce
 *     of nx nz elements, nx nz times the element size in bytes, on every rank);
 *   - bad input: every argument out of range, complex types (unsupported), a context of several
 *     ranks, and a vstack where one rank's operator has another model size (refused on every
 *     rank with the same message);
 *   - memory spaces: host only; on a context of the (emulated) device the creation is refused
 *     with DLOPS_ERR_UNSUPPORTED (the suite's EMU runs check that). */
#include "ops_test_util.h"

static int rank_, size_;

/* A small acquisition: 7 x 5 grid at (-2 + 3 ix, 1 + 2.5 iz), 24 samples of 4 ms, velocity 300
 * (the longest paths arrive after the last sample), a 9-tap Ricker wavelet centred at 4. */
typedef struct {
  int64_t nx, nz, nt, ns, nr;
  double x0, dx, z0, dz, dt, vel;
  double srcs[64], recs[16];
  double wav[16];
  int nw, wc;
} geom;

static geom small_geom(int64_t ns) {
  geom g = {.nx = 7,
            .nz = 5,
            .nt = 24,
            .ns = ns,
            .nr = 2,
            .x0 = -2.0,
            .dx = 3.0,
            .z0 = 1.0,
            .dz = 2.5,
            .dt = 0.004,
            .vel = 300.0};
  for (int64_t s = 0; s < ns; s++) {
    g.srcs[s] = -5.0 + 4.75 * (double)s; /* x: the first one left of the grid */
    g.srcs[ns + s] = s % 2 ? 0.5 : -1.0; /* z: above the grid */
  }
  g.recs[0] = 1.0;
  g.recs[1] = 13.0;
  g.recs[2] = 0.0;
  g.recs[3] = 3.0;
  T_CALL(dlops_wavelet_ricker(5, 0.004, 40.0, g.wav, &g.nw));
  g.wc = g.nw / 2;
  return g;
}

/* Sources s0..s0+n-1 of g, as an acquisition of its own. */
static geom sub_geom(const geom *g, int64_t s0, int64_t n) {
  geom h = *g;
  h.ns = n;
  for (int64_t s = 0; s < n; s++) {
    h.srcs[s] = g->srcs[s0 + s];
    h.srcs[n + s] = g->srcs[g->ns + s0 + s];
  }
  return h;
}

static int create(dlops_ctx ctx, const geom *g, dlops_dtype t, dlops_op *A) {
  return dlops_op_create_kirchhoff(ctx, g->nx, g->x0, g->dx, g->nz, g->z0, g->dz, g->nt, g->dt, g->ns, g->srcs,
                                   g->srcs + g->ns, g->nr, g->recs, g->recs + g->nr, g->vel, g->nw, g->wav, g->wc, t,
                                   A);
}

/* The dense matrix (ns nr nt x nx nz) from PyLops' definition, in double; dropped_ counts the
 * (trace, image point) pairs whose arrival is past the time axis. */
static int64_t dropped_;
static zval *dense(const geom *g) {
  dropped_ = 0;
  const int64_t ni = g->nx * g->nz, nd = g->ns * g->nr * g->nt;
  double *S = calloc((size_t)(nd * ni), sizeof(double));
  for (int64_t s = 0; s < g->ns; s++)
    for (int64_t r = 0; r < g->nr; r++)
      for (int64_t ix = 0; ix < g->nx; ix++)
        for (int64_t iz = 0; iz < g->nz; iz++) {
          const double X = (double)ix * g->dx + g->x0, Z = (double)iz * g->dz + g->z0;
          const double a = X - g->srcs[s], b = Z - g->srcs[g->ns + s], c = X - g->recs[r], e = Z - g->recs[g->nr + r];
          const double ts = sqrt(a * a + b * b) / g->vel, tr = sqrt(c * c + e * e) / g->vel, q = (ts + tr) / g->dt;
          const int64_t k = (int64_t)floor(q), ii = ix * g->nz + iz, row = (s * g->nr + r) * g->nt;
          if (k < 0 || k >= g->nt - 1) {
            dropped_++;
            continue;
          }
          S[(row + k) * ni + ii] += 1.0 - (q - (double)k);
          S[(row + k + 1) * ni + ii] += q - (double)k;
        }
  zval *M = calloc((size_t)(nd * ni), sizeof(zval));
  for (int64_t tr = 0; tr < g->ns * g->nr; tr++)
    for (int64_t i = 0; i < g->nt; i++)
      for (int64_t q = 0; q < g->nt; q++) {
        const int64_t k = i + g->wc - q; /* y[i] = sum_q u[q] wav[i + wc - q] */
        if (k < 0 || k >= g->nw) continue;
        for (int64_t ii = 0; ii < ni; ii++) M[(tr * g->nt + i) * ni + ii] += g->wav[k] * S[(tr * g->nt + q) * ni + ii];
      }
  free(S);
  return M;
}

static const dlops_dtype real_types[2] = {DLOPS_F32, DLOPS_F64};

/* ---------------------------------------------------------------- the local operator */
static void test_local(dlops_ctx self) {
  const geom g = small_geom(3);
  dlops_op A = NULL;
  if (dlops_test_mem != DLOPS_MEM_HOST) {
    T_EXPECT_ERR(create(self, &g, DLOPS_F64, &A), DLOPS_ERR_UNSUPPORTED);
    T_CHECK(strstr(dlops_last_error(), "kirchhoff") != NULL, "the refusal does not name the operator: %s",
            dlops_last_error());
    T_CHECK(A == NULL, "a refused creation left a handle");
    return;
  }
  const int64_t ni = g.nx * g.nz, nd = g.ns * g.nr * g.nt;
  zval *M = dense(&g);
  /* the geometry must exercise the drop of late arrivals and keep most of them */
  T_CHECK(dropped_ > 0 && 2 * dropped_ < g.ns * g.nr * ni, "the test geometry drops %lld of %lld arrivals",
          (long long)dropped_, (long long)(g.ns * g.nr * ni));
  for (int ti = 0; ti < 2; ti++) {
    const dlops_dtype t = real_types[ti];
    T_CALL(create(self, &g, t, &A));
    if (!A) continue;
    int64_t nr = -1, nc = -1, dims[DLOPS_MAX_NDIM], dimsd[DLOPS_MAX_NDIM];
    int nd1 = 0, nd2 = 0;
    T_CALL(dlops_op_get_shape(A, &nr, &nc));
    T_CALL(dlops_op_get_dims(A, &nd1, dims));
    T_CALL(dlops_op_get_dimsd(A, &nd2, dimsd));
    T_CHECK(nr == nd && nc == ni, "kirchhoff shape %lld x %lld", (long long)nr, (long long)nc);
    T_CHECK(nd1 == 2 && dims[0] == g.nx && dims[1] == g.nz, "kirchhoff dims");
    T_CHECK(nd2 == 3 && dimsd[0] == g.ns && dimsd[1] == g.nr && dimsd[2] == g.nt, "kirchhoff dimsd");
    check_dense(A, M, nd, ni, t, "kirchhoff", 300u + (unsigned)ti);
    T_DOTTEST(A, t, "kirchhoff");
    /* a second apply gives the same (the workspace is reset, nothing accumulates) */
    dlops_darray x = NULL, y = NULL, y2 = NULL;
    T_CALL(dlops_op_create_vecs(A, &x, &y));
    T_CALL(dlops_op_create_vecs(A, NULL, &y2));
    T_CALL(dlops_darray_fill_random(x, 5u, -1.0, 1.0));
    T_CALL(dlops_op_apply(A, x, y));
    T_CALL(dlops_op_apply(A, x, y2));
    double dn = -1;
    T_CALL(dlops_darray_axpby((dlops_scalar){-1.0, 0.0}, y, (dlops_scalar){1.0, 0.0}, y2));
    T_CALL(dlops_darray_norm(y2, INFINITY, &dn));
    T_CHECK(dn == 0.0, "kirchhoff: a second forward differs by %g", dn);
    dlops_darray_destroy(&x);
    dlops_darray_destroy(&y);
    dlops_darray_destroy(&y2);
    dlops_op_destroy(&A);
  }
  free(M);
}

/* ---------------------------------------------------------------- the vstack over sources */
static void apply_counted(dlops_ctx ctx, dlops_op A, int adj, int64_t *calls, int64_t *bytes, dlops_comm_counter *ar) {
  dlops_darray x = NULL, y = NULL;
  T_CALL(dlops_op_create_vecs(A, &x, &y));
  T_CALL(dlops_darray_fill(adj ? y : x, (dlops_scalar){0.5, 0.0}));
  T_CALL(dlops_ctx_reset_counters(ctx));
  if (adj)
    T_CALL(dlops_op_apply_adjoint(A, y, x));
  else
    T_CALL(dlops_op_apply(A, x, y));
  *calls = comm_calls(ctx);
  *bytes = 0;
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
    if (k == DLOPS_COMM_META) continue;
    dlops_comm_counter c;
    T_CALL(dlops_ctx_get_counter(ctx, (dlops_comm_kind)k, &c));
    *bytes += c.bytes;
  }
  T_CALL(dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLREDUCE, ar));
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
}

static void test_vstack(dlops_ctx ctx, dlops_ctx self) {
  if (dlops_test_mem != DLOPS_MEM_HOST) return; /* refused above */
  const int64_t nstot = 2 * size_ + 1;          /* uneven: rank 0 holds one more */
  const geom g = small_geom(nstot);
  const int64_t per = nstot / size_, extra = nstot % size_;
  const int64_t mine = per + (rank_ < extra), s0 = rank_ * per + (rank_ < extra ? rank_ : extra);
  const geom h = sub_geom(&g, s0, mine);
  const int64_t ni = g.nx * g.nz, nd = g.ns * g.nr * g.nt;
  zval *M = dense(&g);
  for (int ti = 0; ti < 2; ti++) {
    const dlops_dtype t = real_types[ti];
    dlops_op K = NULL, V = NULL;
    T_CALL(create(self, &h, t, &K));
    T_CALL(dlops_op_create_vstack(ctx, 1, &K, &V));
    dlops_op_destroy(&K);
    if (!V) continue;
    check_dense(V, M, nd, ni, t, "kirchhoff vstack", 400u + (unsigned)ti);
    T_DOTTEST(V, t, "kirchhoff vstack");
    int64_t calls = -1, bytes = -1;
    dlops_comm_counter ar;
    apply_counted(ctx, V, 0, &calls, &bytes, &ar);
    T_CHECK(calls == 0 && bytes == 0, "vstack forward communicated: %lld calls, %lld bytes", (long long)calls,
            (long long)bytes);
    apply_counted(ctx, V, 1, &calls, &bytes, &ar);
    const int64_t want = ni * (int64_t)dlops_dtype_size(t);
    T_CHECK(calls == 1 && ar.calls == 1 && ar.messages == 1,
            "vstack adjoint: %lld calls (%lld allreduce, %lld messages), want one allreduce", (long long)calls,
            (long long)ar.calls, (long long)ar.messages);
    T_CHECK(bytes == want && ar.bytes == want, "vstack adjoint: %lld bytes (allreduce %lld), want %lld",
            (long long)bytes, (long long)ar.bytes, (long long)want);
    dlops_op_destroy(&V);
  }
  free(M);
}

/* ---------------------------------------------------------------- bad input */
static void test_errors(dlops_ctx ctx, dlops_ctx self) {
  const geom g = small_geom(2);
  dlops_op A = NULL;
  if (size_ > 1) T_EXPECT_ALL(create(ctx, &g, DLOPS_F64, &A), DLOPS_ERR_ARG); /* not a one-rank context */
  T_EXPECT_ERR(create(self, &g, DLOPS_C64, &A), DLOPS_ERR_UNSUPPORTED);
  T_EXPECT_ERR(create(self, &g, DLOPS_C128, &A), DLOPS_ERR_UNSUPPORTED);
  T_EXPECT_ERR(create(self, &g, (dlops_dtype)9, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(create(self, &g, DLOPS_F64, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(create(NULL, &g, DLOPS_F64, &A), DLOPS_ERR_ARG);
  const double nan = NAN, inf = INFINITY;
  struct {
    const char *what;
    geom g;
  } bad[24];
  int nb = 0;
#define BAD(field, value)             \
  do {                                \
    bad[nb].what = #field " " #value; \
    bad[nb].g = g;                    \
    bad[nb].g.field = value;          \
    nb++;                             \
  } while (0)
  BAD(nx, 0);
  BAD(nz, -1);
  BAD(nt, 1);
  BAD(ns, 0);
  BAD(nr, 0);
  BAD(dx, 0.0);
  BAD(dz, -2.5);
  BAD(dx, nan);
  BAD(dt, 0.0);
  BAD(dt, inf);
  BAD(vel, 0.0);
  BAD(vel, -300.0);
  BAD(vel, nan);
  BAD(x0, inf);
  BAD(z0, nan);
  BAD(srcs[1], nan);
  BAD(srcs[3], inf); /* a z */
  BAD(recs[2], nan);
  BAD(wav[3], inf);
  BAD(nw, 0);
  BAD(wc, -1);
  BAD(wc, 9);
  BAD(nt, 8); /* shorter than the 9-tap wavelet */
#undef BAD
  for (int k = 0; k < nb; k++) {
    int err = create(self, &bad[k].g, DLOPS_F64, &A);
    T_CHECK(err == DLOPS_ERR_ARG && dlops_last_error()[0], "kirchhoff with %s: returned %d (%s), want DLOPS_ERR_ARG",
            bad[k].what, err, dlops_error_string(err));
    T_CHECK(A == NULL, "kirchhoff with %s left a handle", bad[k].what);
  }
  T_EXPECT_ERR(
      dlops_op_create_kirchhoff(self, g.nx, g.x0, g.dx, g.nz, g.z0, g.dz, g.nt, g.dt, g.ns, NULL, g.srcs + g.ns, g.nr,
                                g.recs, g.recs + g.nr, g.vel, g.nw, g.wav, g.wc, DLOPS_F64, &A),
      DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_kirchhoff(self, g.nx, g.x0, g.dx, g.nz, g.z0, g.dz, g.nt, g.dt, g.ns, g.srcs,
                                         g.srcs + g.ns, g.nr, g.recs, NULL, g.vel, g.nw, g.wav, g.wc, DLOPS_F64, &A),
               DLOPS_ERR_ARG);
  T_EXPECT_ERR(
      dlops_op_create_kirchhoff(self, g.nx, g.x0, g.dx, g.nz, g.z0, g.dz, g.nt, g.dt, g.ns, g.srcs, g.srcs + g.ns, g.nr,
                                g.recs, g.recs + g.nr, g.vel, g.nw, NULL, g.wc, DLOPS_F64, &A),
      DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_kirchhoff(self, (int64_t)1 << 30, g.x0, g.dx, (int64_t)1 << 30, g.z0, g.dz, 1 << 30,
                                         g.dt, 1 << 30, g.srcs, g.srcs, 1 << 30, g.recs, g.recs, g.vel, g.nw, g.wav,
                                         g.wc, DLOPS_F64, &A),
               DLOPS_ERR_SIZE);
  T_CHECK(A == NULL, "a failed creation left a handle");
  /* a vstack where one rank's operator has another model size: refused on every rank alike */
  if (size_ > 1 && dlops_test_mem == DLOPS_MEM_HOST) {
    geom h = g;
    if (rank_ == size_ - 1) h.nz += 1;
    dlops_op K = NULL, V = NULL;
    T_CALL(create(self, &h, DLOPS_F64, &K));
    int err = dlops_op_create_vstack(ctx, 1, &K, &V);
    int lo = err, hi = err;
    MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    T_CHECK(err != 0 && lo == hi && V == NULL, "vstack of operators with different model sizes: %d here (%d..%d)", err,
            lo, hi);
    dlops_op_destroy(&K);
  }
  /* the context still works */
  if (dlops_test_mem == DLOPS_MEM_HOST) {
    T_CALL(create(self, &g, DLOPS_F32, &A));
    T_CALL(dlops_op_destroy(&A));
  }
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  dlops_ctx self = dlops_test_self_ctx(ctx);
  test_local(self);
  test_vstack(ctx, self);
  test_errors(ctx, self);
  dlops_ctx_destroy(&self);
  return dlops_test_finish(ctx);
}
