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

}  // namespace

BENCHMARK(BM_pdgemm)->ArgsProduct({{256, 512, 1024}, {64}})->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_matmul_apply)
    ->ArgsProduct({{0, 1, 2}, {512}, {1, 16, 128, 512}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
