/* Communication volume of the derivatives along the distributed axis 0 (and of the Laplacian
 * and Gradient, which contain one): the bytes sent through the neighbour exchange per apply,
 * forward and adjoint separately, must equal the ghost-row volume derived on paper from the
 * PyLops formulas:
 *
 *   bytes = sum over ranks r of |G_r| * prod(dims[1:]) * sizeof(element)
 *
 * where G_r is the set of input rows that the output rows of rank r read and rank r does not
 * own. Which rows an output row i reads (N = dims[0]) is written below straight from the
 * stencils (reads()); nothing else crosses ranks: derivatives along other axes, the scaling
 * and sums of the Laplacian and the stacking of the Gradient move no data.
 *
 * Closed form when every rank owns at least 3 rows: bytes = (P-1) * w * prod(dims[1:]) * size,
 * with w = 1 (first derivative, forward/backward), 2 (first centered order 3, every second
 * derivative), 4 (first centered order 5), forward and adjoint alike (the edge formulas of the
 * first and last rows then stay within those ranks). */
#include "deriv_test_util.h"

/* Rows read by output row i (bit d+2 for row i+d) of each operator, from the formulas. */
static unsigned reads(int second, dlops_deriv_kind kind, int order, int edge, int adj, int64_t i, int64_t N) {
  unsigned m = 0;
#define RD(d) (m |= 1u << ((d) + 2))
  if (!second) {
    if (kind == DLOPS_DERIV_FORWARD) {
      if (!adj) { if (i <= N - 2) { RD(1); RD(0); } }          /* y[i] = x[i+1]-x[i] */
      else { if (i <= N - 2) RD(0); if (i >= 1) RD(-1); }      /* -x[i] + x[i-1] */
    } else if (kind == DLOPS_DERIV_BACKWARD) {
      if (!adj) { if (i >= 1) { RD(0); RD(-1); } }             /* x[i]-x[i-1] */
      else { if (i <= N - 2) RD(1); if (i >= 1) RD(0); }       /* -x[i+1] + x[i] */
    } else if (order == 3) {
      if (!adj) {
        if (i >= 1 && i <= N - 2) { RD(1); RD(-1); }           /* 0.5(x[i+1]-x[i-1]) */
        if (edge && i == 0) { RD(1); RD(0); }
        if (edge && i == N - 1) { RD(0); RD(-1); }
      } else {
        if (i <= N - 3) RD(1);                                  /* -0.5 x[i+1] */
        if (i >= 2) RD(-1);                                     /* +0.5 x[i-1] */
        if (edge && i == 0) RD(0);
        if (edge && i == 1) RD(-1);
        if (edge && i == N - 2) RD(1);
        if (edge && i == N - 1) RD(0);
      }
    } else {
      if (!adj) {
        if (i >= 2 && i <= N - 3) { RD(-2); RD(-1); RD(1); RD(2); }
        if (edge && i == 0) { RD(1); RD(0); }
        if (edge && i == 1) { RD(1); RD(-1); }
        if (edge && i == N - 2) { RD(1); RD(-1); }
        if (edge && i == N - 1) { RD(0); RD(-1); }
      } else {
        if (i <= N - 5) RD(2);
        if (i >= 1 && i <= N - 4) RD(1);
        if (i >= 3 && i <= N - 2) RD(-1);
        if (i >= 4) RD(-2);
        if (edge && i == 0) { RD(0); RD(1); }
        if (edge && (i == 1 || i == 2)) RD(-1);
        if (edge && i == N - 3) RD(1);
        if (edge && i == N - 2) RD(1);
        if (edge && i == N - 1) { RD(-1); RD(0); }
      }
    }
  } else {
    if (kind == DLOPS_DERIV_FORWARD) {
      if (!adj) { if (i <= N - 3) { RD(2); RD(1); RD(0); } }
      else { if (i <= N - 3) RD(0); if (i >= 1 && i <= N - 2) RD(-1); if (i >= 2) RD(-2); }
    } else if (kind == DLOPS_DERIV_BACKWARD) {
      if (!adj) { if (i >= 2) { RD(0); RD(-1); RD(-2); } }
      else { if (i <= N - 3) RD(2); if (i >= 1 && i <= N - 2) RD(1); if (i >= 2) RD(0); }
    } else {
      if (!adj) {
        if (i >= 1 && i <= N - 2) { RD(1); RD(0); RD(-1); }
        if (edge && i == 0) { RD(0); RD(1); RD(2); }
        if (edge && i == N - 1) { RD(-2); RD(-1); RD(0); }
      } else {
        if (i <= N - 3) RD(1);
        if (i >= 1 && i <= N - 2) RD(0);
        if (i >= 2) RD(-1);
        if (edge && i == 0) RD(0);
        if (edge && i == 1) RD(-1);
        if (edge && i == 2) RD(-2);
        if (edge && i == N - 3) RD(2);
        if (edge && i == N - 2) RD(1);
        if (edge && i == N - 1) RD(0);
      }
    }
  }
#undef RD
  return m;
}

/* Paper volume in rows: sum over ranks of the rows their outputs read outside their own rows. */
static int64_t paper_rows(int second, dlops_deriv_kind kind, int order, int edge, int adj, int64_t N, int P) {
  int64_t total = 0;
  for (int r = 0; r < P; r++) {
    int64_t o = r * (N / P) + (r < N % P ? r : N % P), n = N / P + (r < N % P), e = o + n;
    int64_t lo = o, hi = e; /* rows read: mark in a small window */
    unsigned char seen[64] = {0};
    for (int64_t i = o; i < e; i++) {
      unsigned m = reads(second, kind, order, edge, adj, i, N);
      for (int d = -2; d <= 2; d++)
        if (m & (1u << (d + 2))) {
          int64_t g = i + d;
          if (g >= 0 && g < N && (g < lo || g >= hi)) seen[g < lo ? (g - (lo - 2)) : 2 + (g - hi)] = 1;
        }
    }
    for (int k = 0; k < 4; k++) total += seen[k];
  }
  return total;
}

static int64_t sent_bytes(dlops_ctx ctx) {
  dlops_comm_counter c;
  dlops_ctx_get_counter(ctx, DLOPS_COMM_NEIGHBOR, &c);
  int64_t b = c.bytes;
  MPI_Allreduce(MPI_IN_PLACE, &b, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
  return b;
}

/* Bytes (summed over ranks) sent by one forward and one adjoint apply. */
static void measure(dlops_ctx ctx, dlops_op A, int64_t *fwd, int64_t *adj) {
  dlops_darray x = NULL, y = NULL;
  T_CALL(dlops_op_create_vecs(A, &x, &y));
  dlops_scalar one = {1.0, 0.0};
  dlops_darray_fill(x, one);
  dlops_darray_fill(y, one);
  T_CALL(dlops_op_apply(A, x, y)); /* warm-up: steady state */
  dlops_ctx_reset_counters(ctx);
  T_CALL(dlops_op_apply(A, x, y));
  *fwd = sent_bytes(ctx);
  dlops_ctx_reset_counters(ctx);
  T_CALL(dlops_op_apply_adjoint(A, y, x));
  *adj = sent_bytes(ctx);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  int P;
  dlops_ctx_get_size(ctx, &P);
  struct {
    int second;
    dlops_deriv_kind kind;
    int order, edge, w;
  } cf[] = {{0, DLOPS_DERIV_FORWARD, 3, 0, 1},  {0, DLOPS_DERIV_BACKWARD, 3, 0, 1}, {0, DLOPS_DERIV_CENTERED, 3, 0, 2},
            {0, DLOPS_DERIV_CENTERED, 3, 1, 2}, {0, DLOPS_DERIV_CENTERED, 5, 0, 4}, {0, DLOPS_DERIV_CENTERED, 5, 1, 4},
            {1, DLOPS_DERIV_FORWARD, 3, 0, 2},  {1, DLOPS_DERIV_BACKWARD, 3, 0, 2}, {1, DLOPS_DERIV_CENTERED, 3, 0, 2},
            {1, DLOPS_DERIV_CENTERED, 3, 1, 2}};
  const int ncf = (int)(sizeof cf / sizeof cf[0]);
  const int64_t Ns[] = {24, 5, 4, 3}; /* 24: >= 3 rows per rank; 5, 4, 3: ranks with 0/1/2 rows */
  const dlops_dtype types[2] = {DLOPS_F32, DLOPS_C128}; /* element sizes 4 and 16 */
  for (int ti = 0; ti < 2; ti++) {
    dlops_dtype t = types[ti];
    const int64_t es = (int64_t)dlops_dtype_size(t);
    for (int ni = 0; ni < 4; ni++) {
      int64_t dims[3] = {Ns[ni], 4, 3}, inner = 12;
      for (int c = 0; c < ncf; c++) {
        int64_t minN = (cf[c].kind == DLOPS_DERIV_CENTERED && cf[c].edge) ? (cf[c].second ? 3 : cf[c].order == 5 ? 4 : 2) : 1;
        if (dims[0] < minN) continue;
        dlops_op A = NULL;
        if (cf[c].second)
          T_CALL(dlops_op_create_second_derivative(ctx, 3, dims, 0, 0.5, cf[c].kind, cf[c].edge, t, &A));
        else
          T_CALL(dlops_op_create_first_derivative(ctx, 3, dims, 0, 0.5, cf[c].kind, cf[c].order, cf[c].edge, t, &A));
        if (!A) continue;
        int64_t bf, ba;
        measure(ctx, A, &bf, &ba);
        int64_t pf = paper_rows(cf[c].second, cf[c].kind, cf[c].order, cf[c].edge, 0, dims[0], P) * inner * es;
        int64_t pa = paper_rows(cf[c].second, cf[c].kind, cf[c].order, cf[c].edge, 1, dims[0], P) * inner * es;
        T_CHECK(bf == pf, "config %d %s N=%lld: forward sent %lld bytes, paper says %lld", c, dlops_dtype_name(t),
                (long long)dims[0], (long long)bf, (long long)pf);
        T_CHECK(ba == pa, "config %d %s N=%lld: adjoint sent %lld bytes, paper says %lld", c, dlops_dtype_name(t),
                (long long)dims[0], (long long)ba, (long long)pa);
        if (dims[0] == 24) {
          int64_t closed = (int64_t)(P - 1) * cf[c].w * inner * es;
          T_CHECK(bf == closed && ba == closed, "config %d %s N=24: sent %lld/%lld bytes, closed form %lld", c,
                  dlops_dtype_name(t), (long long)bf, (long long)ba, (long long)closed);
        }
        dlops_op_destroy(&A);
        if (ni) continue;
        /* along axis 1 nothing moves */
        if (cf[c].second)
          T_CALL(dlops_op_create_second_derivative(ctx, 3, dims, 1, 0.5, cf[c].kind, cf[c].edge, t, &A));
        else
          T_CALL(dlops_op_create_first_derivative(ctx, 3, dims, 1, 0.5, cf[c].kind, cf[c].order, cf[c].edge, t, &A));
        if (A) {
          measure(ctx, A, &bf, &ba);
          T_CHECK(bf == 0 && ba == 0, "config %d axis 1: %lld/%lld bytes sent, expected none", c, (long long)bf,
                  (long long)ba);
        }
        dlops_op_destroy(&A);
      }
    }
  }

  /* Laplacian over axes (0,1,2): only its axis-0 second derivative communicates (centered: w = 2);
   * Gradient: only its axis-0 first derivative (centered order 3: w = 2). */
  {
    int64_t dims[3] = {24, 4, 3}, inner = 12;
    const int axes[3] = {0, 1, 2};
    const double w[3] = {0.7, 1.3, 0.5}, s[3] = {0.4, 1.0, 2.0};
    for (int edge = 0; edge < 2; edge++) {
      dlops_op L = NULL, G = NULL;
      T_CALL(dlops_op_create_laplacian(ctx, 3, dims, 3, axes, w, s, DLOPS_DERIV_CENTERED, edge, DLOPS_F64, &L));
      T_CALL(dlops_op_create_gradient(ctx, 3, dims, s, DLOPS_DERIV_CENTERED, edge, DLOPS_F64, &G));
      int64_t bf, ba, expect = (int64_t)(P - 1) * 2 * inner * 8;
      if (L) {
        measure(ctx, L, &bf, &ba);
        T_CHECK(bf == expect && ba == expect, "laplacian edge %d: %lld/%lld bytes, expected %lld", edge, (long long)bf,
                (long long)ba, (long long)expect);
      }
      if (G) {
        measure(ctx, G, &bf, &ba);
        T_CHECK(bf == expect && ba == expect, "gradient edge %d: %lld/%lld bytes, expected %lld", edge, (long long)bf,
                (long long)ba, (long long)expect);
      }
      dlops_op_destroy(&L);
      dlops_op_destroy(&G);
    }
  }
  return dlops_test_finish(ctx);
}
