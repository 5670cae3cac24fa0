// Host-path kernels: darray vector operations and local operator applies, each against the
// copy bandwidth measured in the same process, right next to it. Public API only, so the same
// source builds against any dlops version (build two trees, run them alternately, compare the
// ratios).
//
//   mpiexec -n 1 build/<dir>/perf/bench_host --benchmark_min_time=0.2
//
// The reference is a STREAM "copy" loop, y[i] = x[i] + 0.0 over two double arrays (the + 0.0
// keeps the compiler from turning it into memcpy, whose strategy changes with the size), counted
// as STREAM counts it: 16 bytes per element (read x, write y; no write-allocate traffic). Its two
// arrays together take as much memory as the kernel's operands, so both work in the same level
// of the memory hierarchy. In every benchmark iteration the kernel and the reference run back to
// back, in alternating order (kernel first on even iterations, reference first on odd ones), and
// the best (shortest) time of each is kept: a shared machine's passing load only ever slows a
// run down, and each code starts with the other's data in the caches.
//
// Each kernel is charged the bytes an ideal implementation must move (reads + writes, each
// element once, no write-allocate), per element of the output:
//   axpby 24 (read x, y; write y), scale 16, dot 16, norm2 8, copy 16, fill 8;
//   first/second derivative, Laplacian, convolution, axis transpose 16 (read x once, write y once);
//   Gradient of an ndim model: forward 8 (1 + ndim) per model element (read x, write ndim
//   components), adjoint the same (read ndim components, write x);
//   dense matrix: the matrix once plus x and y.
//
// The copy loop's store to y also reads y's cache lines first (write-allocate), 24 bytes of real
// traffic per 16 counted, as in STREAM: kernels that write a separate output pay the same, so the
// comparison is fair for them, while kernels updating in place (axpby, scale) avoid it and can
// exceed 1 out of cache.
//
// Counters (times are the best iteration's; the Time column is Google Benchmark's mean):
//   ns_per_elem      kernel time per output element (per model element for the Gradient)
//   bytes_per_elem   the ideal bytes above, per element
//   GBs              ideal bytes / kernel time
//   copy_GBs         the STREAM copy loop's rate (16 B per element / time)
//   frac_of_copy_bw  GBs / copy_GBs
//   GFLOPs           convolution: 2 nh flops per output element (41 taps: 82); matrix: 2 n1 n2
//   errors           1 if the result is wrong: vector results against their known values;
//                    operators: the forward apply against a plain C reference on a deterministic
//                    input (max abs difference <= 1e-11 max |reference|) and a dot test
//                    <A u, v> = <u, A^H v> (rtol 1e-10), once per operator and size.
// With several ranks every rank runs its own reference and kernel on its local block; times are
// the maximum over ranks.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
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

dlops_ctx self_ctx() {
  static dlops_ctx ctx = [] {
    dlops_ctx c = nullptr;
    bench_check(dlops_ctx_create(MPI_COMM_SELF, nullptr, &c), "dlops_ctx_create(self)");
    return c;
  }();
  return ctx;
}

// ---------------------------------------------------------------- the STREAM copy reference
// Out of line and through restrict pointers: one load, one add and one store per element, the
// loop vectorised as any memory-bound kernel would be.
__attribute__((noinline)) void stream_copy(const double *__restrict x, double *__restrict y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = x[i] + 0.0;
}

class CopyRef {
 public:
  // two arrays of n elements, 16 n bytes of memory in all (n = footprint / 16, at least 64)
  explicit CopyRef(double footprint) : n_(std::max<int64_t>(64, (int64_t)(footprint / 16.0))), x_(n_), y_(n_, 0.0) {
    for (int64_t i = 0; i < n_; i++) x_[i] = 1.0 + 1e-9 * (double)(i % 1000);
    stream_copy(x_.data(), y_.data(), n_);  // first touch
  }
  double run() {
    return bench_time_max([&] { stream_copy(x_.data(), y_.data(), n_); });
  }
  double bytes() const { return 16.0 * (double)n_; }
  bool ok() const { return y_[n_ - 1] == x_[n_ - 1]; }

 private:
  int64_t n_;
  std::vector<double> x_, y_;
};

struct Best {
  double kernel = std::numeric_limits<double>::infinity();
  double ref = std::numeric_limits<double>::infinity();
  long iters = 0;
};

// The benchmark loop: kernel and reference in every iteration, alternating which goes first.
// The iteration time reported to Google Benchmark is the kernel's.
template <class F>
Best run_interleaved(benchmark::State &state, CopyRef &ref, F &&kernel) {
  Best b;
  for (auto _ : state) {
    double tk, tr;
    if (b.iters % 2 == 0) {
      tk = bench_time_max(kernel);
      tr = ref.run();
    } else {
      tr = ref.run();
      tk = bench_time_max(kernel);
    }
    state.SetIterationTime(tk);
    b.kernel = std::min(b.kernel, tk);
    b.ref = std::min(b.ref, tr);
    b.iters++;
  }
  return b;
}

// nelem: elements the time is divided by; bytes: ideal bytes of one kernel run (this rank);
// flops: floating-point operations of one run (0: no GFLOPs counter).
void report(benchmark::State &state, const Best &b, const CopyRef &ref, int64_t nelem, double bytes, int errors,
            double flops = 0) {
  if (b.iters == 0) return;
  const double gbs = bytes / b.kernel * 1e-9, copy = ref.bytes() / b.ref * 1e-9;
  state.counters["ns_per_elem"] = b.kernel / (double)(nelem > 0 ? nelem : 1) * 1e9;
  state.counters["bytes_per_elem"] = bytes / (double)(nelem > 0 ? nelem : 1);
  state.counters["GBs"] = gbs;
  state.counters["copy_GBs"] = copy;
  state.counters["frac_of_copy_bw"] = gbs / copy;
  if (flops > 0) state.counters["GFLOPs"] = flops / b.kernel * 1e-9;
  int e = errors || !ref.ok();
  MPI_Allreduce(MPI_IN_PLACE, &e, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  state.counters["errors"] = e;
}

dlops_darray vec1d(int64_t n) {
  dlops_darray x;
  bench_check(dlops_darray_create(world_ctx(), 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, &x), "create");
  return x;
}

// 1 unless every local element of x equals v exactly
int not_all(dlops_darray x, double v) {
  int64_t n = 0;
  dlops_darray_get_local_size(x, &n);
  const void *p = nullptr;
  bench_check(dlops_darray_get_local_read(x, DLOPS_MEM_HOST, &p), "get_local_read");
  const double *d = (const double *)p;
  int bad = 0;
  for (int64_t i = 0; i < n; i++) bad |= d[i] != v;
  dlops_darray_restore_local_read(x, &p);
  return bad;
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
  // bytes moved per element: axpby 3 words (2 reads 1 write), scale 2, dot 2, norm 1, copy 2, fill 1;
  // memory the operands take: axpby 2 arrays, scale 1 (in place), dot 2, norm 1, copy 2, fill 1
  static const double words[] = {3, 2, 2, 1, 2, 1}, arrays[] = {2, 1, 2, 1, 2, 1};
  const double bytes = words[kind] * 8.0 * (double)nl;
  CopyRef ref(arrays[kind] * 8.0 * (double)nl);
  const dlops_scalar a{0.5, 0}, b{0.5, 0}, s{1.0, 0};
  dlops_scalar r{0, 0};
  double nrm = 0;
  Best best = run_interleaved(state, ref, [&] {
    switch (kind) {
      case 0: bench_check(dlops_darray_axpby(a, x, b, y), "axpby"); break;
      case 1: bench_check(dlops_darray_scale(y, s), "scale"); break;
      case 2: bench_check(dlops_darray_dot(x, y, &r), "dot"); break;
      case 3: bench_check(dlops_darray_norm(x, 2.0, &nrm), "norm"); break;
      case 4: bench_check(dlops_darray_copy(x, y), "copy"); break;
      default: bench_check(dlops_darray_fill(y, dlops_scalar{1.5, 0}), "fill"); break;
    }
  });
  int errors = 0;
  switch (kind) {
    case 0: {  // y_k = 0.5 * 1 + 0.5 * y_{k-1}: the products are exact, so every element is e exactly
      double e = 2.0;
      for (long k = 0; k < best.iters; k++) e = 0.5 * 1.0 + 0.5 * e;
      errors = not_all(y, e);
      break;
    }
    case 1: errors = not_all(y, 2.0); break;
    case 2: errors = best.iters > 0 && std::fabs(r.re - 2.0 * (double)n) > 1e-9 * (double)n; break;
    case 3: errors = best.iters > 0 && std::fabs(nrm - std::sqrt((double)n)) > 1e-9 * std::sqrt((double)n); break;
    case 4: errors = not_all(y, 1.0); break;
    default: errors = best.iters > 0 && not_all(y, 1.5); break;
  }
  report(state, best, ref, nl, bytes, errors);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
}

// ---------------------------------------------------------------- local operators
// kind: 0..2 first derivative (centered, order 3) along axis 0/1/2 of (n0, n1, n2); 3 second
// derivative (centered) along axis 2; 4 Laplacian over the 3 axes; 5 convolve1d with 41 taps
// along axis 2 (centre 20); 6 dense n1 x n2 matrix (gemv); 7, 8 second derivative along axis 0,
// 1; 9 Gradient (centered, 3 components); 10 transpose of the axes, perm (2, 0, 1) (the
// post-stack operator's T). Kinds 6 and 10 are one-rank operators (every rank applies its own);
// the others are distributed over axis 0 (one rank: local).
enum { NTAPS = 41 };

std::vector<double> conv_filter() {
  std::vector<double> h(NTAPS);
  for (int k = 0; k < NTAPS; k++) h[k] = std::exp(-0.01 * (k - 20) * (k - 20)) * std::cos(0.3 * k);
  return h;
}

double matrix_entry(int64_t q) { return std::sin(0.001 * (double)q); }

dlops_op make_op(int kind, const int64_t *dims) {
  dlops_ctx ctx = world_ctx();
  dlops_op A = nullptr;
  const double samp[3] = {1.0, 1.0, 1.0}, w[3] = {1.0, 1.0, 1.0};
  const int axes[3] = {0, 1, 2};
  switch (kind) {
    case 0: case 1: case 2:
      bench_check(dlops_op_create_first_derivative(ctx, 3, dims, kind, 1.0, DLOPS_DERIV_CENTERED, 3, 0, DLOPS_F64, &A),
                  "first_derivative");
      break;
    case 3: case 7: case 8:
      bench_check(dlops_op_create_second_derivative(ctx, 3, dims, kind == 3 ? 2 : kind - 7, 1.0, DLOPS_DERIV_CENTERED, 0,
                                                    DLOPS_F64, &A),
                  "second_derivative");
      break;
    case 4:
      bench_check(dlops_op_create_laplacian(ctx, 3, dims, 3, axes, w, samp, DLOPS_DERIV_CENTERED, 0, DLOPS_F64, &A),
                  "laplacian");
      break;
    case 5: {
      std::vector<double> h = conv_filter();
      bench_check(dlops_op_create_convolve1d(ctx, 3, dims, 2, h.data(), NTAPS, NTAPS / 2, DLOPS_F64, &A), "convolve1d");
      break;
    }
    case 6: {
      std::vector<double> mat((size_t)(dims[1] * dims[2]));
      for (size_t q = 0; q < mat.size(); q++) mat[q] = matrix_entry((int64_t)q);
      bench_check(dlops_op_create_matrix(self_ctx(), dims[1], dims[2], DLOPS_F64, mat.data(), &A), "matrix");
      break;
    }
    case 9:
      bench_check(dlops_op_create_gradient(ctx, 3, dims, samp, DLOPS_DERIV_CENTERED, 0, DLOPS_F64, &A), "gradient");
      break;
    default: {
      const int perm[3] = {2, 0, 1};
      bench_check(dlops_op_create_transpose_axes(self_ctx(), 3, dims, perm, DLOPS_F64, &A), "transpose_axes");
      break;
    }
  }
  return A;
}

// The deterministic input of the correctness check, a function of the global flat index.
double input_value(int64_t g) { return std::sin(0.37 * (double)g) + 1e-3 * (double)(g % 101); }

// Plain C reference of the forward apply at output element (i0, i1, i2) (output component c for
// the Gradient), from the input function of the global index. dims: model shape.
double reference(int kind, const int64_t *dims, int c, int64_t i0, int64_t i1, int64_t i2,
                 const std::vector<double> &h) {
  const int64_t n0 = dims[0], n1 = dims[1], n2 = dims[2];
  const int64_t idx[3] = {i0, i1, i2}, stride[3] = {n1 * n2, n2, 1};
  auto X = [&](int64_t a, int64_t b, int64_t d) { return input_value((a * n1 + b) * n2 + d); };
  const int64_t g = (i0 * n1 + i1) * n2 + i2;
  auto d1 = [&](int ax) {  // centered, order 3, no edge: zero on the first and last sample
    if (idx[ax] == 0 || idx[ax] == dims[ax] - 1) return 0.0;
    return 0.5 * (input_value(g + stride[ax]) - input_value(g - stride[ax]));
  };
  auto d2 = [&](int ax) {
    if (idx[ax] == 0 || idx[ax] == dims[ax] - 1) return 0.0;
    return input_value(g + stride[ax]) - 2.0 * input_value(g) + input_value(g - stride[ax]);
  };
  switch (kind) {
    case 0: case 1: case 2: return d1(kind);
    case 3: return d2(2);
    case 7: return d2(0);
    case 8: return d2(1);
    case 4: return d2(0) + d2(1) + d2(2);
    case 9: return d1(c);
    case 5: {  // y[i] = sum_q x[q] h[i + offset - q]
      double s = 0;
      for (int64_t k = 0; k < NTAPS; k++) {
        const int64_t q = i2 + NTAPS / 2 - k;
        if (q >= 0 && q < n2) s += X(i0, i1, q) * h[(size_t)k];
      }
      return s;
    }
    case 6: {  // row i2 of the n1 x n2 matrix (output index i2 < n1) times x
      double s = 0;
      for (int64_t j = 0; j < n2; j++) s += matrix_entry(i2 * n2 + j) * input_value(j);
      return s;
    }
    default:  // transpose (2, 0, 1): output (n2, n0, n1), y[a, b, d] = x[b, d, a]
      (void)n0;
      return X(i1, i2, i0);
  }
}

// Forward apply on the deterministic input against the reference, and a dot test. Returns 1 on
// any disagreement (the same value on every rank).
int check_op(int kind, const int64_t *dims, dlops_op A) {
  dlops_darray x, y;
  bench_check(dlops_op_create_vecs(A, &x, &y), "create_vecs");
  int64_t nx, off;
  dlops_darray_get_local_size(x, &nx);
  dlops_darray_get_offset(x, &off);  // 1-D: the global index of the first local element
  {
    void *p;
    bench_check(dlops_darray_get_local(x, DLOPS_MEM_HOST, &p), "get_local");
    double *d = (double *)p;
    for (int64_t i = 0; i < nx; i++) d[i] = input_value(off + i);
    dlops_darray_restore_local(x, &p);
  }
  bench_check(dlops_op_apply(A, x, y), "check apply");
  const std::vector<double> h = conv_filter();
  // output shape (model shape, except: matrix (1, 1, n1), transpose (n2, n0, n1))
  int64_t od[3] = {dims[0], dims[1], dims[2]};
  if (kind == 6) od[0] = 1, od[1] = 1, od[2] = dims[1];
  if (kind == 10) od[0] = dims[2], od[1] = dims[0], od[2] = dims[1];
  int ncomp = 1;
  dlops_darray_stacked_count(y, &ncomp);
  double maxdiff = 0, maxref = 0;
  for (int c = 0; c < ncomp; c++) {
    dlops_darray yc = y;
    if (ncomp > 1) dlops_darray_stacked_get(y, c, &yc);
    int64_t ny, yoff;
    dlops_darray_get_local_size(yc, &ny);
    dlops_darray_get_offset(yc, &yoff);
    const void *p;
    bench_check(dlops_darray_get_local_read(yc, DLOPS_MEM_HOST, &p), "get_local_read");
    const double *d = (const double *)p;
    for (int64_t i = 0; i < ny; i++) {
      const int64_t g = yoff + i, i2 = g % od[2], i1 = (g / od[2]) % od[1], i0 = g / (od[1] * od[2]);
      const double r = reference(kind, dims, c, i0, i1, i2, h);
      maxdiff = std::max(maxdiff, std::fabs(d[i] - r));
      maxref = std::max(maxref, std::fabs(r));
    }
    dlops_darray_restore_local_read(yc, &p);
  }
  double v[2] = {maxdiff, maxref};
  MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  int passed = 0;
  double rel = 0;
  bench_check(dlops_op_dottest(A, 1e-10, 11, &passed, &rel), "dottest");
  int bad = !(v[0] <= 1e-11 * v[1]) || !passed;
  MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (bad) {
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0)
      std::fprintf(stderr, "bench_host: operator kind %d (%lld, %lld, %lld): max |y - ref| %.3e (max |ref| %.3e), dot test %s (%.1e)\n",
                   kind, (long long)dims[0], (long long)dims[1], (long long)dims[2], v[0], v[1], passed ? "passed" : "FAILED",
                   rel);
  }
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  return bad;
}

void BM_op(benchmark::State &state) {
  const int kind = (int)state.range(0), adj = (int)state.range(1);
  const int64_t dims[3] = {state.range(2), state.range(3), state.range(4)};
  dlops_op A = make_op(kind, dims);
  // the check runs once per operator and size (Google Benchmark calls this function several times)
  static std::map<std::vector<int64_t>, int> checked;
  const std::vector<int64_t> key = {kind, dims[0], dims[1], dims[2]};
  if (!checked.count(key)) checked[key] = check_op(kind, dims, A);
  const int errors = checked[key];

  dlops_darray x, y;
  bench_check(dlops_op_create_vecs(A, &x, &y), "create_vecs");
  bench_check(dlops_darray_fill_random(x, 1, -1, 1), "fill_random");
  bench_check(dlops_darray_fill_random(y, 2, -1, 1), "fill_random");
  int64_t nin, nout;  // local elements of the domain and range
  dlops_darray_get_local_size(x, &nin);
  dlops_darray_get_local_size(y, &nout);
  double bytes = 8.0 * (double)(nin + nout);  // read the input once, write the output once
  if (kind == 6) bytes += 8.0 * (double)(dims[1] * dims[2]);
  // elements the time is divided by: the output of the forward (the model for the Gradient)
  const int64_t nelem = kind == 9 ? nin : nout;
  CopyRef ref(bytes);  // every operand is read or written once: the footprint is the ideal bytes
  Best best = run_interleaved(state, ref, [&] {
    if (adj)
      bench_check(dlops_op_apply_adjoint(A, y, x), "apply_adjoint");
    else
      bench_check(dlops_op_apply(A, x, y), "apply");
  });
  const double flops = kind == 5 ? 2.0 * NTAPS * (double)nout : kind == 6 ? 2.0 * (double)(dims[1] * dims[2]) : 0.0;
  report(state, best, ref, nelem, bytes, errors, flops);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&A);
}

}  // namespace

BENCHMARK(BM_vec)->ArgsProduct({{0, 1, 2, 3, 4, 5}, {1 << 20, 1 << 23}})->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_op)
    ->ArgsProduct({{0, 1, 2, 3, 7, 8, 4, 9, 5, 10}, {0, 1}, {64}, {128}, {256}})
    ->ArgsProduct({{0, 1, 2, 3, 7, 8, 4, 9, 5, 10}, {0, 1}, {128}, {256}, {256}})
    ->Args({6, 0, 1, 2000, 2000})
    ->Args({6, 1, 1, 2000, 2000})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
