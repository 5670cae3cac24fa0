// The Halo operator's exchange through the public API (issue 15), host and device memory, next to
// raw MPI doing the same work (copy of the local block into the extended one + the ghost rows
// with Irecv/Isend), timed alternately in every iteration. Complements bench_msg, which reaches
// dlops' communication layer directly: this one includes what a user pays (the argument
// agreement, the operator's copy) and runs on every memory space a context can have.
//
//   mpiexec -n 2 bench_halo [--benchmark_out=f.json --benchmark_out_format=json ...]
//   environment: DLOPS_HALO_MAX_BYTES (largest ghost row, bytes; default 16 MiB),
//                DLOPS_HALO_STEP (size factor between points; default 4),
//                DLOPS_HALO_SPECS (';'-separated context specs; default below)
//
// Model: a 2-D f64 array of P*4 rows x ncol columns, rows split over the ranks (grid P x 1, 4 rows
// a rank), halo of one row on each side (zero at the global edges); the ghost row is ncol*8 bytes. Points are named like bench_msg's
// (msg/op:halo_op/be:<backend>/W:1/bytes:<ghost row bytes>) with the same counters, so
// roofline_fit.py fits them and puts them in its overhead and advice tables. A spec that cannot
// run here (no GPU, no emulated device) is skipped with the reason.
#include <mpi.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <algorithm>

#include "bench_util.h"

namespace {

struct Spec {
  const char *name, *spec;
};
const Spec kDefaultSpecs[] = {{"dlops_mpi", "comm=mpi"},
                              {"dlops_rma_fence", "comm=rma sync=fence"},
                              {"dlops_rma_pscw", "comm=rma sync=pscw"},
                              {"dlops_rma_lock_all", "comm=rma sync=lock_all"},
                              {"dlops_mpi_emu", "comm=mpi mem=emu"},
                              {"dlops_mpi_device", "comm=mpi mem=device"},
                              {"dlops_nccl_device", "comm=nccl mem=device"}};

constexpr int kRows = 4;  // rows a rank owns

double val(int64_t i, int64_t j) { return (double)((i * 7919 + j * 13 + 1) % 1000003); }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size();
  return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

// contexts, created on first use (collective: every rank registers the same points in the same order)
struct Ctx {
  dlops_ctx ctx = nullptr;
  bool tried = false;
  std::string why;
};
std::vector<Ctx> &ctxs() {
  static std::vector<Ctx> v(64);
  return v;
}

void BM_halo(benchmark::State &state, int si, std::string spec, int64_t ncol) {
  int P, me;
  MPI_Comm_size(MPI_COMM_WORLD, &P);
  MPI_Comm_rank(MPI_COMM_WORLD, &me);
  Ctx &c = ctxs()[si];
  if (!c.tried) {
    c.tried = true;
    if (dlops_ctx_create(MPI_COMM_WORLD, spec.c_str(), &c.ctx)) {
      c.why = std::string("dlops_ctx_create(\"") + spec + "\"): " + dlops_last_error();
      c.ctx = nullptr;
    }
  }
  if (P < 2 || !c.ctx) {
    state.SkipWithError(P < 2 ? "needs at least 2 ranks" : c.why.c_str());
    for (auto _ : state) {
    }
    return;
  }
  // rows over the ranks (grid P x 1); a per-side halo (1, 1, 0, 0) is PyLops-MPI's tuple form, so
  // every rank's output has kRows + 2 rows and the sides on the global boundary stay zero
  const int64_t dims[2] = {(int64_t)P * kRows, ncol}, halo[4] = {1, 1, 0, 0};
  const int grid[2] = {P, 1};
  dlops_op A;
  bench_check(dlops_op_create_halo(c.ctx, 2, dims, halo, grid, DLOPS_F64, &A), "create_halo");
  dlops_darray x, y;
  bench_check(dlops_op_create_vecs(A, &x, &y), "create_vecs");
  void *px;
  bench_check(dlops_darray_get_local(x, DLOPS_MEM_HOST, &px), "get_local");
  for (int64_t i = 0; i < kRows; i++)
    for (int64_t j = 0; j < ncol; j++) ((double *)px)[i * ncol + j] = val((int64_t)me * kRows + i, j);
  bench_check(dlops_darray_restore_local(x, &px), "restore_local");
  // raw MPI: the same copy and ghost rows on host buffers
  const int hf = me > 0, hb = me < P - 1, next = kRows + 2;
  std::vector<double> rx((size_t)(kRows * ncol)), ry((size_t)(next * ncol), 0.0);
  for (int64_t i = 0; i < kRows; i++)
    for (int64_t j = 0; j < ncol; j++) rx[(size_t)(i * ncol + j)] = val((int64_t)me * kRows + i, j);
  auto raw = [&] {
    MPI_Request r[4];
    int n = 0;
    const int cnt = (int)ncol;
    if (hf) {
      MPI_Irecv(ry.data(), cnt, MPI_DOUBLE, me - 1, 9, MPI_COMM_WORLD, &r[n++]);
      MPI_Isend(rx.data(), cnt, MPI_DOUBLE, me - 1, 9, MPI_COMM_WORLD, &r[n++]);
    }
    if (hb) {
      MPI_Irecv(ry.data() + (size_t)((1 + kRows) * ncol), cnt, MPI_DOUBLE, me + 1, 9, MPI_COMM_WORLD, &r[n++]);
      MPI_Isend(rx.data() + (size_t)((kRows - 1) * ncol), cnt, MPI_DOUBLE, me + 1, 9, MPI_COMM_WORLD, &r[n++]);
    }
    std::memcpy(ry.data() + (size_t)ncol, rx.data(), sizeof(double) * (size_t)(kRows * ncol));
    MPI_Waitall(n, r, MPI_STATUSES_IGNORE);
  };
  const int64_t bytes = ncol * 8;
  int64_t reps = (int64_t)(4 << 20) / bytes;
  reps = std::max<int64_t>(1, std::min<int64_t>(100, reps));
  auto timed = [&](bool dl) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (int64_t k = 0; k < reps; k++) {
      if (dl) bench_check(dlops_op_apply(A, x, y), "apply");
      else raw();
    }
    double t = MPI_Wtime() - t0;
    MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return t / (double)reps;
  };
  bench_check(dlops_op_apply(A, x, y), "warm-up apply");
  raw();
  std::vector<double> td, tr, ratio;
  for (auto _ : state) {
    double a, b;
    if (td.size() % 2) {
      b = timed(false);
      a = timed(true);
    } else {
      a = timed(true);
      b = timed(false);
    }
    state.SetIterationTime(a * (double)reps);
    td.push_back(a);
    tr.push_back(b);
    ratio.push_back(a / b);
  }
  // verify: y's local block is global rows [me*kRows - 1, (me+1)*kRows + 1), zero outside the array
  long long errors = 0;
  const void *py;
  bench_check(dlops_darray_get_local_read(y, DLOPS_MEM_HOST, &py), "get_local_read");
  for (int64_t i = 0; i < next; i++)
    for (int64_t j = 0; j < ncol; j++) {
      const int64_t gi = (int64_t)me * kRows - 1 + i;
      const double want = gi < 0 || gi >= (int64_t)P * kRows ? 0.0 : val(gi, j);
      errors += ((const double *)py)[i * ncol + j] != want;
      errors += ry[(size_t)(i * ncol + j)] != want;
    }
  bench_check(dlops_darray_restore_local_read(y, &py), "restore_local_read");
  errors = bench_sum(errors);
  const double t = median(td), traw = median(tr);
  const double S = (double)bytes * (P > 2 ? 2 : 1);  // ghost bytes an interior rank sends
  state.counters["bytes"] = (double)bytes;
  state.counters["size_bytes"] = S;
  state.counters["window"] = 1;
  state.counters["reps"] = (double)reps;
  state.counters["time_us"] = t * 1e6;
  state.counters["lat_us"] = t * 1e6;
  state.counters["algbw_GBps"] = t > 0 ? S / t * 1e-9 : 0;
  state.counters["busbw_GBps"] = t > 0 ? S / t * 1e-9 : 0;
  state.counters["bus_factor"] = 1;
  state.counters["msg_rate"] = t > 0 ? (P > 2 ? 2 : 1) / t : 0;
  state.counters["raw_time_us"] = traw * 1e6;
  state.counters["raw_lat_us"] = traw * 1e6;
  state.counters["ratio_dlops_over_raw"] = median(ratio);
  state.counters["errors"] = (double)errors;
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&A);
}

// Registration before main (bench_main.cc's main runs what is registered).
struct Register {
  Register() {
    const char *e = std::getenv("DLOPS_HALO_MAX_BYTES");
    const long long maxb = e ? std::atoll(e) : (16LL << 20);
    e = std::getenv("DLOPS_HALO_STEP");
    const long long step = e && std::atoll(e) >= 2 ? std::atoll(e) : 4;
    std::vector<std::pair<std::string, std::string>> specs;
    e = std::getenv("DLOPS_HALO_SPECS");
    if (e && *e) {
      std::string s(e);
      size_t a = 0;
      while (a < s.size()) {
        size_t b = s.find(';', a);
        if (b == std::string::npos) b = s.size();
        std::string one = s.substr(a, b - a);
        std::string name = "dlops";
        for (char ch : one) name += (ch == ' ' || ch == '=') ? '_' : ch;
        if (!one.empty()) specs.push_back({name, one});
        a = b + 1;
      }
    } else {
      for (const Spec &s : kDefaultSpecs) specs.push_back({s.name, s.spec});
    }
    for (size_t si = 0; si < specs.size() && si < 64; si++)
      for (long long b = 8; b <= maxb; b *= step) {
        std::string name = "msg/op:halo_op/be:" + specs[si].first + "/W:1/bytes:" + std::to_string(b);
        std::string spec = specs[si].second;
        const int64_t ncol = b / 8;
        benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State &st) { BM_halo(st, (int)si, spec, ncol); })
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond);
      }
  }
} register_halo;

}  // namespace
