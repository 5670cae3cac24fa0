// The message roofline sweep (issue 15): point-to-point patterns and the collectives dlops uses,
// on raw MPI, raw MPI RMA in each synchronisation mode, dlops' own communication layer
// (comm=mpi and comm=rma in each mode, called through dlops_comm_*), and raw NCCL when built
// with it and a GPU is present. Google Benchmark with an MPI main: every rank runs every point,
// each timed iteration runs `reps` synchronisations between a barrier and a max-over-ranks
// reduction of the elapsed time (the slowest rank's). Google Benchmark's Time column is that of
// one timed iteration (reps synchronisations); time_us and the other counters are per
// synchronisation.
//
//   mpiexec -n 2 bench_msg [--max_bytes=N] [--min_bytes=N] [--step=N] [--ops=a,b] [--backends=a,b]
//                          [--windows=1,4,16,64] [--target_bytes=N] [--max_reps=N]
//                          [benchmark options: --benchmark_min_time=0.05 --benchmark_out=f.json ...]
//
// Sizes are powers of two from min_bytes to max_bytes (default 8 B to 256 MiB); a point-to-point
// point with W messages per synchronisation runs while W x size <= max_bytes. Counters per point
// (see perf/README.md, "Message roofline"): size_bytes (nccl-tests' size), time_us (one
// synchronisation, median over the timed iterations; a ping-pong round trip; time_mean_us: mean), lat_us (one way: half the round trip for ping-pong),
// algbw_GBps = size / lat, busbw_GBps = algbw x the collective's factor, msg_rate (messages per
// second), errors (wrong elements after the runs, summed over ranks: every point verifies its data;
// the exit status is 1 when any point found one).
// A dlops point also times its raw counterpart in every iteration, the order alternating
// (raw_time_us, raw_lat_us, ratio_dlops_over_raw: median of the per-iteration ratios).
#include <benchmark/benchmark.h>
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "msg_kern.h"

namespace {

class NullReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context &) override { return true; }
  void ReportRuns(const std::vector<Run> &) override {}
  void Finalize() override {}
};

struct Options {
  long long min_bytes = 8, max_bytes = 256LL << 20, target_bytes = 4LL << 20;
  int max_reps = 200, step = 2, paired = 1;
  std::vector<int> ops, backends, windows{1, 4, 16, 64};
};

std::vector<std::string> split(const std::string &s) {
  std::vector<std::string> out;
  size_t a = 0;
  while (a <= s.size()) {
    size_t b = s.find(',', a);
    if (b == std::string::npos) b = s.size();
    if (b > a) out.push_back(s.substr(a, b - a));
    a = b + 1;
  }
  return out;
}

int lookup(const char *const *names, int n, const std::string &s) {
  for (int i = 0; i < n; i++)
    if (s == names[i]) return i;
  return -1;
}

void usage(FILE *f) {
  std::fprintf(f,
               "bench_msg: message roofline sweep (dlops perf/, issue 15)\n"
               "  --min_bytes=N --max_bytes=N   size range (default 8 .. 268435456)\n"
               "  --step=N                      size factor from one point to the next (default 2)\n"
               "  --paired=0|1                  dlops points also time their raw counterpart, alternating\n"
               "                                (counters raw_time_us, ratio_dlops_over_raw; default 1)\n"
               "  --windows=1,4,16,64           messages per synchronisation (point to point)\n"
               "  --ops=LIST                    default all:");
  for (int i = 0; i < MSGK_NUM_OPS; i++) std::fprintf(f, " %s", msgk_op_names[i]);
  std::fprintf(f, "\n  --backends=LIST               default all:");
  for (int i = 0; i < MSGK_NUM_BACKENDS; i++) std::fprintf(f, " %s", msgk_backend_names[i]);
  std::fprintf(f,
               "\n  --target_bytes=N --max_reps=N synchronisations per timed iteration: target_bytes / size,\n"
               "                                at most max_reps (default 4194304, 200)\n"
               "  and Google Benchmark's options (--benchmark_min_time, --benchmark_out, ...; only rank 0 writes)\n");
}

// Parse and remove our options; returns 1 on --help, -1 on a bad option (message on rank 0).
int parse(int *argc, char **argv, Options *o, int rank) {
  int k = 1, ret = 0;
  for (int i = 1; i < *argc; i++) {
    const char *a = argv[i];
    auto val = [&](const char *key) -> const char * {
      size_t l = std::strlen(key);
      return std::strncmp(a, key, l) == 0 && a[l] == '=' ? a + l + 1 : nullptr;
    };
    const char *v;
    if (!std::strcmp(a, "--help") || !std::strcmp(a, "-h")) ret = 1;
    else if ((v = val("--min_bytes"))) o->min_bytes = std::atoll(v);
    else if ((v = val("--max_bytes"))) o->max_bytes = std::atoll(v);
    else if ((v = val("--target_bytes"))) o->target_bytes = std::atoll(v);
    else if ((v = val("--max_reps"))) o->max_reps = std::atoi(v);
    else if ((v = val("--step"))) o->step = std::atoi(v);
    else if ((v = val("--paired"))) o->paired = std::atoi(v);
    else if ((v = val("--windows"))) {
      o->windows.clear();
      for (auto &s : split(v)) o->windows.push_back(std::atoi(s.c_str()));
    } else if ((v = val("--ops")) || (v = val("--backends"))) {
      const bool ops = std::strncmp(a, "--ops", 5) == 0;
      for (auto &s : split(v)) {
        int id = ops ? lookup(msgk_op_names, MSGK_NUM_OPS, s) : lookup(msgk_backend_names, MSGK_NUM_BACKENDS, s);
        if (id < 0) {
          if (rank == 0) std::fprintf(stderr, "bench_msg: unknown %s '%s'\n", ops ? "op" : "backend", s.c_str());
          ret = ret ? ret : -1;
        } else {
          (ops ? o->ops : o->backends).push_back(id);
        }
      }
    } else {
      argv[k++] = argv[i];
    }
  }
  argv[k] = nullptr;
  *argc = k;
  for (int w : o->windows)
    if (w < 1 || w > 64) {
      if (rank == 0) std::fprintf(stderr, "bench_msg: messages per synchronisation must be 1..64\n");
      ret = ret ? ret : -1;
    }
  if (o->min_bytes < 8 || o->max_bytes < o->min_bytes || o->target_bytes < 1 || o->max_reps < 1 || o->step < 2) {
    if (rank == 0) std::fprintf(stderr, "bench_msg: need 8 <= min_bytes <= max_bytes, target_bytes >= 1, max_reps >= 1, step >= 2\n");
    ret = ret ? ret : -1;
  }
  if (o->ops.empty())
    for (int i = 0; i < MSGK_NUM_OPS; i++) o->ops.push_back(i);
  if (o->backends.empty())
    for (int i = 0; i < MSGK_NUM_BACKENDS; i++) o->backends.push_back(i);
  return ret;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size();
  return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

// The raw counterpart of a dlops backend (MSGK_NUM_BACKENDS: none).
msgk_backend raw_of(msgk_op op, msgk_backend be) {
  const bool p2p = op == MSGK_PINGPONG || op == MSGK_STREAM;
  switch (be) {
    case MSGK_DLOPS_MPI: return MSGK_MPI;
    case MSGK_DLOPS_RMA_FENCE: return p2p ? MSGK_RMA_FENCE : MSGK_MPI;
    case MSGK_DLOPS_RMA_PSCW: return p2p ? MSGK_RMA_PSCW : MSGK_MPI;
    case MSGK_DLOPS_RMA_LOCK_ALL: return p2p ? MSGK_RMA_LOCK_ALL : MSGK_MPI;
    default: return MSGK_NUM_BACKENDS;
  }
}

long long total_errors = 0;  // over every point (the exit status; the same on every rank)

void run_point(benchmark::State &state, msgk_op op, msgk_backend be, int W, long long bytes, const Options &o) {
  char why[512];
  msgk_case *c = msgk_setup(op, be, W, bytes, why, sizeof why);
  if (!c) {
    state.SkipWithError(why);
    for (auto _ : state) {
    }
    return;
  }
  const double S = msgk_size_bytes(c);
  long long per = (long long)W * bytes;
  long long reps = o.target_bytes / (per > 0 ? per : 1);
  if (reps < 1) reps = 1;
  if (reps > o.max_reps) reps = o.max_reps;
  // A dlops point also runs its raw counterpart (dlops_mpi: mpi; dlops_rma_<mode>: rma_<mode> for
  // point to point, two-sided MPI for collectives) in every timed iteration, the order
  // alternating, so that the overhead ratio compares the two under the same load.
  msgk_case *raw = nullptr;
  const msgk_backend rb = raw_of(op, be);
  if (o.paired && rb != MSGK_NUM_BACKENDS) raw = msgk_setup(op, rb, W, bytes, why, sizeof why);
  // warm-up: first-touch pages, window epochs, dlops' cached exchange patterns
  if (msgk_run(c) || (raw && msgk_run(raw))) MPI_Abort(MPI_COMM_WORLD, 3);
  auto timed = [&](msgk_case *x) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    int err = 0;
    for (long long r = 0; r < reps; r++) err |= msgk_run(x);
    double t = MPI_Wtime() - t0;
    if (err) MPI_Abort(MPI_COMM_WORLD, 3);
    MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return t;
  };
  std::vector<double> per_sync, raw_sync, ratio;  // per synchronisation, each timed iteration
  for (auto _ : state) {
    double t, tr = 0;
    if (raw && per_sync.size() % 2) {
      tr = timed(raw);
      t = timed(c);
    } else {
      t = timed(c);
      if (raw) tr = timed(raw);
    }
    // Google Benchmark sees the time of the whole timed iteration (reps synchronisations), so
    // --benchmark_min_time is the wall time spent per point; per-synchronisation figures are
    // the counters below
    state.SetIterationTime(t);
    per_sync.push_back(t / (double)reps);
    if (raw) {
      raw_sync.push_back(tr / (double)reps);
      ratio.push_back(t / tr);
    }
  }
  long long errors = msgk_verify(c);
  if (raw) {
    errors += msgk_verify(raw);
    state.counters["raw_time_us"] = median(raw_sync) * 1e6;
    state.counters["raw_lat_us"] = median(raw_sync) * 1e6 / (op == MSGK_PINGPONG ? 2 : 1);
    state.counters["ratio_dlops_over_raw"] = median(ratio);
    msgk_teardown(raw);
  }
  // the median over timed iterations: the 2 shared cores of a development machine see other
  // jobs' bursts, which a mean would carry into the fit; the mean is reported beside it
  double tmean = 0;
  for (double x : per_sync) tmean += x;
  tmean = per_sync.empty() ? 0 : tmean / (double)per_sync.size();
  const double tsync = median(per_sync);
  const double lat = op == MSGK_PINGPONG ? tsync / 2 : tsync;
  state.counters["bytes"] = (double)bytes;
  state.counters["size_bytes"] = S;
  state.counters["window"] = W;
  state.counters["reps"] = (double)reps;
  state.counters["time_us"] = tsync * 1e6;
  state.counters["time_mean_us"] = tmean * 1e6;
  state.counters["lat_us"] = lat * 1e6;
  state.counters["algbw_GBps"] = lat > 0 ? S / lat * 1e-9 : 0;
  state.counters["busbw_GBps"] = lat > 0 ? S / lat * 1e-9 * msgk_bus_factor(c) : 0;
  state.counters["bus_factor"] = msgk_bus_factor(c);
  state.counters["msg_rate"] = tsync > 0 ? msgk_messages(c) / tsync : 0;
  state.counters["errors"] = (double)errors;
  total_errors += errors;
  msgk_teardown(c);
}

}  // namespace

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  static Options o;
  const int p = parse(&argc, argv, &o, rank);
  if (p != 0) {
    if (rank == 0) usage(p > 0 ? stdout : stderr);
    MPI_Finalize();
    return p > 0 ? 0 : 2;
  }
  // only rank 0 writes files (see bench_main.cc)
  if (rank != 0) {
    int k = 1;
    for (int i = 1; i < argc; i++)
      if (std::strncmp(argv[i], "--benchmark_out", 15) != 0) argv[k++] = argv[i];
    argv[k] = nullptr;
    argc = k;
  }
  for (int opi : o.ops) {
    const msgk_op op = (msgk_op)opi;
    const bool p2p = op == MSGK_PINGPONG || op == MSGK_STREAM;
    for (int bei : o.backends) {
      const msgk_backend be = (msgk_backend)bei;
      const bool raw_rma = be == MSGK_RMA_FENCE || be == MSGK_RMA_PSCW || be == MSGK_RMA_LOCK_ALL;
      if (raw_rma && !p2p) continue;  // raw RMA: the point-to-point patterns only
      std::vector<int> ws = p2p ? o.windows : std::vector<int>{1};
      for (int W : ws)
        for (long long b = o.min_bytes; b <= o.max_bytes; b *= o.step) {
          if (p2p && (long long)W * b > o.max_bytes) break;
          if (!p2p && b / 8 < size && (op == MSGK_ALLGATHER || op == MSGK_ALLGATHERV || op == MSGK_ALLTOALLV))
            continue;  // fewer than one double per rank
          std::string name = std::string("msg/op:") + msgk_op_names[op] + "/be:" + msgk_backend_names[be] +
                             "/W:" + std::to_string(W) + "/bytes:" + std::to_string(b);
          benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State &st) { run_point(st, op, be, W, b, o); })
              ->UseManualTime()
              ->Unit(benchmark::kMicrosecond);
        }
    }
  }
  benchmark::Initialize(&argc, argv);
  if (rank == 0) {
    benchmark::AddCustomContext("timing", "manual time = max over MPI ranks, per synchronisation");
    benchmark::AddCustomContext("mpi_ranks", std::to_string(size));
    benchmark::AddCustomContext("max_bytes", std::to_string(o.max_bytes));
    benchmark::RunSpecifiedBenchmarks();
  } else {
    NullReporter null;
    benchmark::RunSpecifiedBenchmarks(&null);
  }
  msgk_finalize();
  benchmark::Shutdown();
  if (total_errors && rank == 0) std::fprintf(stderr, "bench_msg: %lld wrong elements in all\n", total_errors);
  MPI_Finalize();
  return total_errors ? 1 : 0;
}
