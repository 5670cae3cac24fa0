// Dense products: dlops SUMMA pdgemm vs ScaLAPACK pdgemm on the same grid and data
// (both in each iteration, the order alternating from one iteration to the next), and 1D block vs 2D SUMMA matmul operator applies.
//
//   mpiexec -n 4 ./bench_dense --benchmark_out=dense.json --benchmark_out_format=json
//
// Counters (a label "grid PRxPC" names the process grid): time ratio dlops/ScaLAPACK, GFLOP/s of both
// (GFLOP_per_s_*: 1e9 floating-point operations per second), the measured local dgemm rate of one
// rank (on the same local block shape) times the number of ranks, bytes counted by dlops per
// apply (summed over ranks) next to the model, and "errors" (1 if dlops and ScaLAPACK disagree
// by more than 1e-12 relative): a fast wrong answer cannot pass unnoticed.
#include <cblas.h>

#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "bench_util.h"

extern "C" {
void Cblacs_get(int ctxt, int what, int *val);
void Cblacs_gridinit(int *ctxt, const char *order, int nprow, int npcol);
void Cblacs_gridexit(int ctxt);
void descinit_(int *desc, const int *m, const int *n, const int *mb, const int *nb, const int *irsrc,
               const int *icsrc, const int *ictxt, const int *lld, int *info);
int numroc_(const int *n, const int *nb, const int *iproc, const int *isrc, const int *nprocs);
void pdgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k, const double *alpha,
             const double *a, const int *ia, const int *ja, const int *desca, const double *b, const int *ib,
             const int *jb, const int *descb, const double *beta, double *c, const int *ic, const int *jc,
             const int *descc);
}

namespace {

struct World {
  dlops_ctx ctx = nullptr;
  int rank = 0, size = 1;
  World() {
    bench_check(dlops_ctx_create(MPI_COMM_WORLD, nullptr, &ctx), "dlops_ctx_create");
    dlops_ctx_get_rank(ctx, &rank);
    dlops_ctx_get_size(ctx, &size);
  }
};
World &world() {
  static World w;
  return w;
}

void squarest(int P, int *pr, int *pc) {
  int r = (int)std::floor(std::sqrt((double)P));
  while (r > 1 && P % r) r--;
  *pr = r;
  *pc = P / r;
}

// Local dgemm rate (GFLOP/s) of one rank on an m x n x k product.
double local_dgemm_gflops(int m, int n, int k) {
  if (m <= 0 || n <= 0 || k <= 0) return 0;
  std::vector<double> a((size_t)m * k, 1.0), b((size_t)k * n, 0.5), c((size_t)m * n, 0.0);
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a.data(), m, b.data(), k, 0.0, c.data(), m);
  int reps = 0;
  double t0 = MPI_Wtime(), t = 0;
  do {
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a.data(), m, b.data(), k, 0.0, c.data(), m);
    reps++;
    t = MPI_Wtime() - t0;
  } while (t < 0.05);
  return 2.0 * m * n * k * reps / t * 1e-9;
}

// SUMMA (dlops) vs ScaLAPACK pdgemm: square n x n x n, block nb, most-square grid of P.
void BM_pdgemm(benchmark::State &state) {
  World &w = world();
  const int n = (int)state.range(0), nb = (int)state.range(1);
  int pr, pc;
  squarest(w.size, &pr, &pc);
  int ictxt;
  Cblacs_get(-1, 0, &ictxt);
  Cblacs_gridinit(&ictxt, "Row", pr, pc);
  const int myrow = w.rank / pc, mycol = w.rank % pc, zero = 0, one = 1;
  int ml = numroc_(&n, &nb, &myrow, &zero, &pr), nl = numroc_(&n, &nb, &mycol, &zero, &pc);
  int lld = ml > 1 ? ml : 1, info;
  int desc[9];
  descinit_(desc, &n, &n, &nb, &nb, &zero, &zero, &ictxt, &lld, &info);
  std::vector<double> a((size_t)lld * (nl > 0 ? nl : 1)), b(a.size()), c1(a.size()), c2(a.size());
  for (size_t q = 0; q < a.size(); q++) {
    a[q] = std::sin(0.1 * (double)(q + 31 * w.rank));
    b[q] = std::cos(0.07 * (double)(q + 17 * w.rank));
  }
  const double alpha = 1.0, beta = 0.0;
  double t_d = 0, t_s = 0;
  long iters = 0;
  auto run_dlops = [&] {
    return bench_time_max([&] {
      bench_check(dlops_pdgemm(w.ctx, pr, pc, n, n, n, alpha, a.data(), desc, b.data(), desc, beta, c2.data(), desc, 0),
                  "dlops_pdgemm");
    });
  };
  auto run_scalapack = [&] {
    return bench_time_max([&] {
      pdgemm_("N", "N", &n, &n, &n, &alpha, a.data(), &one, &one, desc, b.data(), &one, &one, desc, &beta, c1.data(),
              &one, &one, desc);
    });
  };
  for (auto _ : state) {
    // both codes in every iteration, in alternating order (even: dlops first, odd: ScaLAPACK
    // first), so a drifting load and cache state left by the previous code hit both alike
    double td, ts;
    if (iters % 2 == 0) {
      td = run_dlops();
      ts = run_scalapack();
    } else {
      ts = run_scalapack();
      td = run_dlops();
    }
    state.SetIterationTime(td);
    t_d += td;
    t_s += ts;
    iters++;
  }
  double s[2] = {0, 0};
  for (int jl = 0; jl < nl; jl++)
    for (int il = 0; il < ml; il++) {
      double d = c1[(size_t)jl * lld + il] - c2[(size_t)jl * lld + il];
      s[0] += d * d;
      s[1] += c1[(size_t)jl * lld + il] * c1[(size_t)jl * lld + il];
    }
  MPI_Allreduce(MPI_IN_PLACE, s, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  double loc = local_dgemm_gflops(ml, nl, n);
  MPI_Allreduce(MPI_IN_PLACE, &loc, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  double flops = 2.0 * n * (double)n * n;
  state.SetLabel("grid " + std::to_string(pr) + "x" + std::to_string(pc));
  state.counters["grid_rows"] = pr;
  state.counters["grid_cols"] = pc;
  state.counters["t_scalapack_s"] = t_s / (double)iters;
  state.counters["ratio_dlops_over_scalapack"] = t_d / t_s;
  state.counters["GFLOP_per_s_dlops"] = flops / (t_d / (double)iters) * 1e-9;
  state.counters["GFLOP_per_s_scalapack"] = flops / (t_s / (double)iters) * 1e-9;
  state.counters["GFLOP_per_s_local_dgemm_sum"] = loc;
  state.counters["errors"] = std::sqrt(s[0]) > 1e-12 * std::sqrt(s[1]) ? 1 : 0;
  Cblacs_gridexit(ictxt);
}

// Matmul operator apply: kind 0 = 1D block (pr = 1, pc = P: rows of A over all ranks, X and Y
// replicated), 1 = block on the square grid (PyLops-MPI's layout), 2 = 2D SUMMA on the most
// square grid. N = K = n; M right-hand sides.
void BM_matmul_apply(benchmark::State &state) {
  World &w = world();
  const int variant = (int)state.range(0);
  const int64_t n = state.range(1), M = state.range(2);
  int pr, pc;
  squarest(w.size, &pr, &pc);
  dlops_matmul_kind kind = variant == 2 ? DLOPS_MATMUL_SUMMA : DLOPS_MATMUL_BLOCK;
  if (variant == 0) {
    pr = 1;
    pc = w.size;
  }
  int64_t a0, an, k0, ak;
  int i = w.rank / pc, j = w.rank % pc;
  if (kind == DLOPS_MATMUL_BLOCK) {
    dlops_ceil_block(n, pc, j, &a0, &an);
    ak = n;
  } else {
    dlops_ceil_block(n, pr, i, &a0, &an);
    dlops_ceil_block(n, pc, j, &k0, &ak);
  }
  std::vector<double> atile((size_t)(an * ak + 1));
  for (size_t q = 0; q < atile.size(); q++) atile[q] = std::sin(0.01 * (double)q + w.rank);
  dlops_op A;
  bench_check(dlops_op_create_matmul(w.ctx, kind, pr, pc, n, n, M, atile.data(), 0, DLOPS_F64, &A), "create_matmul");
  dlops_darray x, y;
  bench_check(dlops_op_create_vecs(A, &x, &y), "create_vecs");
  bench_check(dlops_darray_fill(x, dlops_scalar{1.0, 0.0}), "fill");
  bench_check(dlops_op_apply(A, x, y), "warm-up apply");
  dlops_ctx_reset_counters(w.ctx);
  long iters = 0;
  double t_sum = 0;
  for (auto _ : state) {
    double t = bench_time_max([&] { bench_check(dlops_op_apply(A, x, y), "apply"); });
    state.SetIterationTime(t);
    t_sum += t;
    iters++;
  }
  long long bytes = 0;
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
    dlops_comm_counter c;
    dlops_ctx_get_counter(w.ctx, (dlops_comm_kind)k, &c);
    if (k != DLOPS_COMM_META) bytes += c.bytes;
  }
  bytes = bench_sum(bytes) / (iters ? iters : 1);
  // Counted-bytes model (sum over ranks, 8-byte elements): block: N*M*[pc > 1] (each rank
  // contributes its rows of every column block it holds; pr column groups of M/pr each);
  // SUMMA: K*M*[pr > 1] (X tiles broadcast by their owners) + pc*N*M (partials reduced).
  double model = kind == DLOPS_MATMUL_BLOCK ? 8.0 * n * M * (pc > 1) : 8.0 * (n * M * (pr > 1) + pc * (double)n * M);
  // Wire model, bytes received per rank: block: N*(M/pr)*(pc-1)/pc; SUMMA: the column
  // broadcast (pr-1)/pr*(K/pc)*M plus the row reduction ~(pc-1)/pc*(N/pr)*M.
  double wire = kind == DLOPS_MATMUL_BLOCK
                    ? 8.0 * n * ((double)M / pr) * (pc - 1) / pc
                    : 8.0 * ((pr - 1.0) / pr * ((double)n / pc) * M + (pc - 1.0) / pc * ((double)n / pr) * M);
  state.SetLabel("grid " + std::to_string(pr) + "x" + std::to_string(pc));
  state.counters["grid_rows"] = pr;
  state.counters["grid_cols"] = pc;
  state.counters["bytes_counted"] = (double)bytes;
  state.counters["bytes_model"] = model;
  state.counters["wire_bytes_per_rank_model"] = wire;
  state.counters["A_bytes_per_rank"] = 8.0 * (double)(an * ak);
  // GFLOP/s from the mean manual time (max over ranks); a kIsIterationInvariantRate counter used to
  // print FLOP/s under a "GFLOPs" heading
  state.counters["GFLOP_per_s"] = t_sum > 0 ? 2.0 * n * (double)n * M * (double)iters / t_sum * 1e-9 : 0;
  state.counters["errors"] = std::fabs((double)bytes - model) > 0.5 ? 1 : 0;
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&A);
}

// One-sided vs two-sided SUMMA vs ScaLAPACK (issue 15): the matmul operator's forward apply with
// DLOPS_MATMUL_SUMMA_RMA (panels fetched with MPI_Rget) and DLOPS_MATMUL_SUMMA (panels broadcast),
// and ScaLAPACK pdgemm, square n x n x n on the most square grid (args: n, nb, 1 = its
// transpose, e.g. 2 x 1 instead of 1 x 2 at P = 2), panel/block width nb. The three
// run in every iteration, in an order rotating from one iteration to the next. The operators'
// tiles are ceil blocks; pdgemm runs on nb x nb block-cyclic descriptors (its usual layout): the
// same product and flop count. errors: 1 if the one-sided result differs from the two-sided one
// in any bit, or either from pdgemm by more than 1e-12 relative (pdgemm with blocks of
// ceil(n/p) computes the same tiles: compared through their Frobenius norms).
void BM_summa_sides(benchmark::State &state) {
  World &w = world();
  const int n = (int)state.range(0), nb = (int)state.range(1);
  int pr, pc;
  squarest(w.size, &pr, &pc);
  if (state.range(2)) std::swap(pr, pc); // the transposed grid (P x 1 at P = 2: panels move)
  const int i = w.rank / pc, j = w.rank % pc;
  // operators: A tile n_i x k_j, X tile k_j x m_i
  int64_t a0, an, k0, ak, x0, xc;
  dlops_ceil_block(n, pr, i, &a0, &an);
  dlops_ceil_block(n, pc, j, &k0, &ak);
  dlops_ceil_block(n, pr, i, &x0, &xc);
  std::vector<double> at((size_t)(an * ak + 1));
  for (int64_t r = 0; r < an; r++)
    for (int64_t q = 0; q < ak; q++) at[(size_t)(r * ak + q)] = std::sin(0.001 * (double)((a0 + r) * n + k0 + q));
  dlops_op S1, S2;
  bench_check(dlops_op_create_matmul(w.ctx, DLOPS_MATMUL_SUMMA_RMA, pr, pc, n, n, n, at.data(), nb, DLOPS_F64, &S1),
              "create_matmul summa_rma");
  bench_check(dlops_op_create_matmul(w.ctx, DLOPS_MATMUL_SUMMA, pr, pc, n, n, n, at.data(), nb, DLOPS_F64, &S2),
              "create_matmul summa");
  dlops_darray x, y1, y2;
  bench_check(dlops_op_create_vecs(S1, &x, &y1), "create_vecs");
  bench_check(dlops_darray_duplicate(y1, &y2), "duplicate");
  double *xp;
  bench_check(dlops_darray_get_local(x, DLOPS_MEM_HOST, (void **)&xp), "get_local");
  for (int64_t r = 0; r < ak; r++)
    for (int64_t q = 0; q < xc; q++) xp[r * xc + q] = std::cos(0.0007 * (double)((k0 + r) * n + x0 + q));
  bench_check(dlops_darray_restore_local(x, (void **)&xp), "restore_local");
  // ScaLAPACK on nb x nb blocks
  int ictxt;
  Cblacs_get(-1, 0, &ictxt);
  Cblacs_gridinit(&ictxt, "Row", pr, pc);
  const int zero = 0, one = 1;
  int ml = numroc_(&n, &nb, &i, &zero, &pr), nl = numroc_(&n, &nb, &j, &zero, &pc);
  int lld = ml > 1 ? ml : 1, info, desc[9];
  descinit_(desc, &n, &n, &nb, &nb, &zero, &zero, &ictxt, &lld, &info);
  std::vector<double> a((size_t)lld * (nl > 0 ? nl : 1)), b(a.size()), c(a.size());
  for (int jl = 0; jl < nl; jl++)
    for (int il = 0; il < ml; il++) {
      int gi = (il / nb * pr + i) * nb + il % nb, gj = (jl / nb * pc + j) * nb + jl % nb;
      a[(size_t)jl * lld + il] = std::sin(0.001 * ((double)gi * n + gj));
      b[(size_t)jl * lld + il] = std::cos(0.0007 * ((double)gi * n + gj));
    }
  const double alpha = 1.0, beta = 0.0;
  auto run = [&](int which) {
    return bench_time_max([&] {
      if (which == 0) bench_check(dlops_op_apply(S1, x, y1), "apply summa_rma");
      if (which == 1) bench_check(dlops_op_apply(S2, x, y2), "apply summa");
      if (which == 2)
        pdgemm_("N", "N", &n, &n, &n, &alpha, a.data(), &one, &one, desc, b.data(), &one, &one, desc, &beta, c.data(),
                &one, &one, desc);
    });
  };
  for (int k = 0; k < 3; k++) run(k); // warm-up (windows, communicators, caches)
  dlops_ctx_reset_counters(w.ctx);
  double tsum[3] = {0, 0, 0};
  long iters = 0;
  for (auto _ : state) {
    double t[3];
    for (int k = 0; k < 3; k++) {
      int which = (int)((iters + k) % 3);
      t[which] = run(which);
    }
    state.SetIterationTime(t[0]);
    for (int k = 0; k < 3; k++) tsum[k] += t[k];
    iters++;
  }
  dlops_comm_counter cb;
  dlops_ctx_get_counter(w.ctx, DLOPS_COMM_BCAST, &cb);
  // errors: one-sided vs two-sided bit for bit; both vs pdgemm through the Frobenius norm
  double *p1, *p2;
  int64_t nloc;
  bench_check(dlops_darray_get_local_size(y1, &nloc), "local size");
  bench_check(dlops_darray_get_local(y1, DLOPS_MEM_HOST, (void **)&p1), "get_local");
  bench_check(dlops_darray_get_local(y2, DLOPS_MEM_HOST, (void **)&p2), "get_local");
  double fr[2] = {0, 0};
  int diff = nloc > 0 && std::memcmp(p1, p2, sizeof(double) * (size_t)nloc) != 0;
  for (int64_t q = 0; q < nloc; q++) fr[0] += p1[q] * p1[q];
  for (int jl = 0; jl < nl; jl++)
    for (int il = 0; il < ml; il++) fr[1] += c[(size_t)jl * lld + il] * c[(size_t)jl * lld + il];
  dlops_darray_restore_local(y1, (void **)&p1);
  dlops_darray_restore_local(y2, (void **)&p2);
  MPI_Allreduce(MPI_IN_PLACE, fr, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &diff, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  const double flops = 2.0 * n * (double)n * n, it = iters ? (double)iters : 1.0;
  state.SetLabel("grid " + std::to_string(pr) + "x" + std::to_string(pc));
  state.counters["grid_rows"] = pr;
  state.counters["grid_cols"] = pc;
  state.counters["t_summa_rma_s"] = tsum[0] / it;
  state.counters["t_summa_s"] = tsum[1] / it;
  state.counters["t_scalapack_s"] = tsum[2] / it;
  state.counters["ratio_rma_over_summa"] = tsum[1] > 0 ? tsum[0] / tsum[1] : 0;
  state.counters["ratio_rma_over_scalapack"] = tsum[2] > 0 ? tsum[0] / tsum[2] : 0;
  state.counters["GFLOP_per_s_summa_rma"] = tsum[0] > 0 ? flops * it / tsum[0] * 1e-9 : 0;
  state.counters["GFLOP_per_s_summa"] = tsum[1] > 0 ? flops * it / tsum[1] * 1e-9 : 0;
  state.counters["GFLOP_per_s_scalapack"] = tsum[2] > 0 ? flops * it / tsum[2] * 1e-9 : 0;
  // gets of the one-sided applies plus the broadcasts' bytes of the two-sided ones, per iteration
  state.counters["bcast_get_bytes_per_iter"] = (double)bench_sum(cb.bytes) / it;
  state.counters["bcast_or_get_messages_per_iter"] = (double)bench_sum(cb.messages) / it;
  state.counters["errors"] = diff || std::fabs(std::sqrt(fr[0]) - std::sqrt(fr[1])) > 1e-12 * std::sqrt(fr[1]) ? 1 : 0;
  Cblacs_gridexit(ictxt);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y1);
  dlops_darray_destroy(&y2);
  dlops_op_destroy(&S1);
  dlops_op_destroy(&S2);
}

// The derivative operators' halo exchange, one-sided against two-sided (issue 15): a centered
// first derivative (order 3: one ghost plane each way) along axis 0 of a (4 P) x n1 x n1 f64
// model, split over the ranks (4 planes each; a ghost plane is n1*n1*8 bytes), built on four
// contexts of one run: comm=mpi and comm=rma with sync=fence, pscw and lock_all. Every iteration
// applies all four, in an order rotating from one iteration to the next. Reported per backend:
// apply time (max over ranks) and the exchange time inside it (DLOPS_COMM_NEIGHBOR seconds,
// max over ranks, per apply). errors: 1 if any backend's result differs from comm=mpi's in any bit.
void BM_deriv_sides(benchmark::State &state) {
  World &w = world();
  const int64_t n1 = state.range(0);
  static const char *const specs[4] = {"comm=mpi", "comm=rma sync=fence", "comm=rma sync=pscw",
                                       "comm=rma sync=lock_all"};
  static const char *const names[4] = {"mpi", "rma_fence", "rma_pscw", "rma_lock_all"};
  dlops_ctx ctx[4];
  dlops_op A[4];
  dlops_darray x[4], y[4];
  const int64_t dims[3] = {4 * (int64_t)w.size, n1, n1};
  for (int b = 0; b < 4; b++) {
    bench_check(dlops_ctx_create(MPI_COMM_WORLD, specs[b], &ctx[b]), specs[b]);
    bench_check(dlops_op_create_first_derivative(ctx[b], 3, dims, 0, 1.0, DLOPS_DERIV_CENTERED, 3, 0, DLOPS_F64, &A[b]),
                "first_derivative");
    bench_check(dlops_op_create_vecs(A[b], &x[b], &y[b]), "create_vecs");
    double *p;
    int64_t nl;
    bench_check(dlops_darray_get_local_size(x[b], &nl), "local size");
    bench_check(dlops_darray_get_local(x[b], DLOPS_MEM_HOST, (void **)&p), "get_local");
    for (int64_t q = 0; q < nl; q++) p[q] = std::sin(0.01 * (double)q + w.rank);
    bench_check(dlops_darray_restore_local(x[b], (void **)&p), "restore_local");
    bench_check(dlops_op_apply(A[b], x[b], y[b]), "warm-up apply");
    dlops_ctx_reset_counters(ctx[b]);
  }
  double tsum[4] = {0, 0, 0, 0}, xsum[4] = {0, 0, 0, 0};
  long iters = 0;
  for (auto _ : state) {
    double t[4];
    for (int k = 0; k < 4; k++) {
      int b = (int)((iters + k) % 4);
      dlops_comm_counter c0, c1;
      dlops_ctx_get_counter(ctx[b], DLOPS_COMM_NEIGHBOR, &c0);
      t[b] = bench_time_max([&] { bench_check(dlops_op_apply(A[b], x[b], y[b]), "apply"); });
      dlops_ctx_get_counter(ctx[b], DLOPS_COMM_NEIGHBOR, &c1);
      double xt = c1.seconds - c0.seconds;
      MPI_Allreduce(MPI_IN_PLACE, &xt, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
      xsum[b] += xt;
    }
    state.SetIterationTime(t[0]);
    for (int b = 0; b < 4; b++) tsum[b] += t[b];
    iters++;
  }
  int diff = 0;
  double *p0, *pb;
  int64_t nl;
  bench_check(dlops_darray_get_local_size(y[0], &nl), "local size");
  bench_check(dlops_darray_get_local(y[0], DLOPS_MEM_HOST, (void **)&p0), "get_local");
  for (int b = 1; b < 4; b++) {
    bench_check(dlops_darray_get_local(y[b], DLOPS_MEM_HOST, (void **)&pb), "get_local");
    if (nl > 0 && std::memcmp(p0, pb, sizeof(double) * (size_t)nl)) diff = 1;
    dlops_darray_restore_local(y[b], (void **)&pb);
  }
  dlops_darray_restore_local(y[0], (void **)&p0);
  MPI_Allreduce(MPI_IN_PLACE, &diff, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  const double it = iters ? (double)iters : 1.0;
  state.counters["ghost_plane_bytes"] = 8.0 * (double)(n1 * n1);
  for (int b = 0; b < 4; b++) {
    state.counters[std::string("t_apply_") + names[b] + "_s"] = tsum[b] / it;
    state.counters[std::string("t_exchange_") + names[b] + "_s"] = xsum[b] / it;
  }
  state.counters["errors"] = diff;
  for (int b = 0; b < 4; b++) {
    dlops_darray_destroy(&x[b]);
    dlops_darray_destroy(&y[b]);
    dlops_op_destroy(&A[b]);
    dlops_ctx_destroy(&ctx[b]);
  }
}

}  // namespace

BENCHMARK(BM_pdgemm)->ArgsProduct({{256, 512, 1024}, {64}})->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_summa_sides)->ArgsProduct({{256, 512, 1024}, {64}, {0, 1}})->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_deriv_sides)->Arg(16)->Arg(64)->Arg(256)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_matmul_apply)
    ->ArgsProduct({{0, 1, 2}, {512}, {1, 16, 128, 512}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
