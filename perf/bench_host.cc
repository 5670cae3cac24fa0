// Host-path kernels: darray vector operations and local operator applies, each next to the
// machine's copy bandwidth measured in the same process (a plain memcpy of the bytes the kernel
// must move). Public API only, so the same source builds against any dlops version: it is the
// before/after check of the memory-space layer (build two trees, run them alternately, compare
// the ratios).
//
//   mpiexec -n 1 build/ci/perf/bench_host --benchmark_min_time=0.2
//
// Counters: ns per element, effective GB/s (bytes the kernel must read + write / time), the
// memcpy GB/s of the same byte count measured just before, and their ratio (fraction of the
// copy bandwidth); "errors" is 1 if the result is wrong (a fast wrong answer cannot pass).
#include <cmath>
#include <cstring>
#include <vector>

#include "bench_util.h"

namespace {

dlops_ctx world_ctx() {
  static dlops_ctx ctx = [] {
    dlops_ctx c = nullptr;
    bench_check(dlops_ctx_create(MPI_COMM_WORLD, nullptr, &c), "dlops_ctx_create");
    return c;
  }();
  return ctx;
}

// memcpy rate (GB/s) for a copy that reads and writes `bytes` in total: the best of three
// timed runs of about 0.03 s each (a shared machine's passing load only ever slows a run down).
double memcpy_gbs(size_t bytes) {
  size_t half = bytes / 2 > 64 ? bytes / 2 : 64;
  std::vector<char> a(half, 1), b(half, 0);
  std::memcpy(b.data(), a.data(), half);
  double best = 0;
  for (int trial = 0; trial < 3; trial++) {
    int reps = 0;
    double t0 = MPI_Wtime(), t = 0;
    do {
      std::memcpy(b.data(), a.data(), half);
      a[reps % half] = (char)reps;  // keep the copies from being merged
      reps++;
      t = MPI_Wtime() - t0;
    } while (t < 0.03);
    double r = 2.0 * (double)half * reps / t * 1e-9;
    best = r > best ? r : best;
  }
  return best;
}

void report(benchmark::State &state, double secs, long iters, int64_t nelem, double bytes, int errors) {
  double per = secs / (double)(iters ? iters : 1);
  double gbs = bytes / per * 1e-9, ref = memcpy_gbs((size_t)bytes);
  state.counters["ns_per_elem"] = per / (double)nelem * 1e9;
  state.counters["GBs"] = gbs;
  state.counters["memcpy_GBs"] = ref;
  state.counters["frac_of_copy_bw"] = gbs / ref;
  state.counters["errors"] = errors;
}

dlops_darray vec1d(int64_t n) {
  dlops_darray x;
  bench_check(dlops_darray_create(world_ctx(), 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &x), "create");
  return x;
}

// ---------------------------------------------------------------- darray vector operations
// kind 0 axpby (reads x, y; writes y), 1 scale, 2 dot, 3 norm2, 4 copy, 5 fill
void BM_vec(benchmark::State &state) {
  const int kind = (int)state.range(0);
  const int64_t n = state.range(1);
  dlops_darray x = vec1d(n), y = vec1d(n);
  bench_check(dlops_darray_fill(x, dlops_scalar{1.0, 0}), "fill");
  bench_check(dlops_darray_fill(y, dlops_scalar{2.0, 0}), "fill");
  int64_t nl;
  dlops_darray_get_local_size(x, &nl);
  const dlops_scalar a{0.5, 0}, b{0.5, 0}, s{1.0, 0};
  dlops_scalar r{0, 0};
  double nrm = 0;
  double secs = 0;
  long iters = 0;
  for (auto _ : state) {
    double t = bench_time_max([&] {
      switch (kind) {
        case 0: bench_check(dlops_darray_axpby(a, x, b, y), "axpby"); break;
        case 1: bench_check(dlops_darray_scale(y, s), "scale"); break;
        case 2: bench_check(dlops_darray_dot(x, y, &r), "dot"); break;
        case 3: bench_check(dlops_darray_norm(x, 2.0, &nrm), "norm"); break;
        case 4: bench_check(dlops_darray_copy(x, y), "copy"); break;
        default: bench_check(dlops_darray_fill(y, dlops_scalar{1.5, 0}), "fill"); break;
      }
    });
    state.SetIterationTime(t);
    secs += t;
    iters++;
  }
  // bytes moved per element: axpby 3 (2 reads 1 write), scale 2, dot 2, norm 1, copy 2, fill 1
  static const double words[] = {3, 2, 2, 1, 2, 1};
  int errors = 0;
  if (kind == 2) errors = std::fabs(r.re - 2.0 * (double)n) > 1e-9 * (double)n;  // y stays 2 after axpby(.5,.5)
  if (kind == 3) errors = std::fabs(nrm - std::sqrt((double)n)) > 1e-9 * std::sqrt((double)n);
  report(state, secs, iters, nl, words[kind] * 8.0 * (double)nl, errors);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
}

// ---------------------------------------------------------------- local operators (NP 1 meaningful)
// op 0..2: first derivative (centered, order 3) along axis 0/1/2 of (n0, n1, n2); 3: second
// derivative along axis 2; 4: Laplacian over all 3 axes; 5: convolve1d 41 taps along axis 2;
// 6: dense matrix (gemv) of n1 x n2.
void BM_op(benchmark::State &state) {
  const int kind = (int)state.range(0), adj = (int)state.range(1);
  const int64_t dims[3] = {state.range(2), state.range(3), state.range(4)};
  dlops_ctx ctx = world_ctx();
  dlops_op A = nullptr;
  std::vector<double> h(41), mat;
  for (int k = 0; k < 41; k++) h[k] = std::exp(-0.01 * (k - 20) * (k - 20)) * std::cos(0.3 * k);
  const double samp[3] = {1.0, 1.0, 1.0}, w[3] = {1.0, 1.0, 1.0};
  const int axes[3] = {0, 1, 2};
  switch (kind) {
    case 0: case 1: case 2:
      bench_check(dlops_op_create_first_derivative(ctx, 3, dims, kind, 1.0, DLOPS_DERIV_CENTERED, 3, 0, DLOPS_F64, &A),
                  "first_derivative");
      break;
    case 3:
      bench_check(dlops_op_create_second_derivative(ctx, 3, dims, 2, 1.0, DLOPS_DERIV_CENTERED, 0, DLOPS_F64, &A),
                  "second_derivative");
      break;
    case 4:
      bench_check(dlops_op_create_laplacian(ctx, 3, dims, 3, axes, w, samp, DLOPS_DERIV_CENTERED, 0, DLOPS_F64, &A),
                  "laplacian");
      break;
    case 5:
      bench_check(dlops_op_create_convolve1d(ctx, 3, dims, 2, h.data(), 41, 20, DLOPS_F64, &A), "convolve1d");
      break;
    default: {
      static dlops_ctx self = nullptr;
      if (!self) bench_check(dlops_ctx_create(MPI_COMM_SELF, nullptr, &self), "self ctx");
      mat.resize((size_t)(dims[1] * dims[2]));
      for (size_t q = 0; q < mat.size(); q++) mat[q] = std::sin(0.001 * (double)q);
      bench_check(dlops_op_create_matrix(self, dims[1], dims[2], DLOPS_F64, mat.data(), &A), "matrix");
      break;
    }
  }
  dlops_darray x, y;
  bench_check(dlops_op_create_vecs(A, &x, &y), "create_vecs");
  bench_check(dlops_darray_fill(x, dlops_scalar{1.0, 0}), "fill");
  bench_check(dlops_darray_fill(y, dlops_scalar{1.0, 0}), "fill");
  double secs = 0;
  long iters = 0;
  for (auto _ : state) {
    double t = bench_time_max([&] {
      if (adj)
        bench_check(dlops_op_apply_adjoint(A, y, x), "apply_adjoint");
      else
        bench_check(dlops_op_apply(A, x, y), "apply");
    });
    state.SetIterationTime(t);
    secs += t;
    iters++;
  }
  int64_t nl;
  dlops_darray_get_local_size(adj ? x : y, &nl);
  double nrm = 0;
  dlops_darray_norm(adj ? x : y, 2.0, &nrm);
  // the least a kernel must move: read the input and write the output once (the matrix: read A too)
  int64_t nin;
  dlops_darray_get_local_size(adj ? y : x, &nin);
  double bytes = 8.0 * (double)(nl + nin) + (kind == 6 ? 8.0 * (double)(dims[1] * dims[2]) : 0.0);
  report(state, secs, iters, nl, bytes, std::isfinite(nrm) ? 0 : 1);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&A);
}

}  // namespace

BENCHMARK(BM_vec)->ArgsProduct({{0, 1, 2, 3, 4, 5}, {1 << 20, 1 << 23}})->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_op)
    ->ArgsProduct({{0, 1, 2, 3, 4, 5}, {0, 1}, {64}, {128}, {256}})
    ->Args({6, 0, 1, 2000, 2000})
    ->Args({6, 1, 1, 2000, 2000})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
