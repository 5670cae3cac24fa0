// MPI main for the dlops Google Benchmark programs.
//
// Every rank runs every benchmark (they are collective); rank 0 reports, the others use a
// reporter that prints nothing. Benchmarks use manual time: each iteration's time is the
// maximum over ranks (MPI_Allreduce MAX), taken after a barrier, so the reported time is the
// time of the slowest rank. Output: console, or JSON with --benchmark_out=f --benchmark_out_format=json.
//
// Only rank 0 writes files: on the other ranks the --benchmark_out* arguments are removed before
// Google Benchmark sees them (it would otherwise open, truncate and write the same file on every
// rank, interleaving their output into a corrupt file).
#include <benchmark/benchmark.h>
#include <mpi.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {
class NullReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context &) override { return true; }
  void ReportRuns(const std::vector<Run> &) override {}
  void Finalize() override {}
};

// Remove every "--benchmark_out..." argument (--benchmark_out=f, --benchmark_out_format=fmt)
// from argv in place; argv[argc] stays NULL.
void strip_file_output(int *argc, char **argv) {
  int k = 1;
  for (int i = 1; i < *argc; i++)
    if (std::strncmp(argv[i], "--benchmark_out", 15) != 0) argv[k++] = argv[i];
  argv[k] = nullptr;
  *argc = k;
}
}  // namespace

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  // --help: Google Benchmark's own help exits inside Initialize on every rank without
  // MPI_Finalize (mpiexec then reports an abnormal termination); print a summary and finish
  for (int i = 1; i < argc; i++)
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      if (rank == 0)
        std::printf("%s: a dlops Google Benchmark program with an MPI main (time = max over ranks).\n"
                    "Options (Google Benchmark): --benchmark_list_tests, --benchmark_filter=REGEX,\n"
                    "  --benchmark_min_time=SECONDS, --benchmark_repetitions=N,\n"
                    "  --benchmark_out=FILE --benchmark_out_format=json|csv|console (rank 0 writes),\n"
                    "  --benchmark_format=console|json|csv, --benchmark_counters_tabular=true.\n"
                    "See perf/README.md.\n",
                    argv[0]);
      MPI_Finalize();
      return 0;
    }
  if (rank != 0) strip_file_output(&argc, argv);
  benchmark::Initialize(&argc, argv);
  if (rank == 0) {
    benchmark::AddCustomContext("timing", "manual time = max over MPI ranks of each iteration");
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    benchmark::AddCustomContext("mpi_ranks", std::to_string(size));
    benchmark::RunSpecifiedBenchmarks();
  } else {
    NullReporter null;
    benchmark::RunSpecifiedBenchmarks(&null);
  }
  benchmark::Shutdown();
  MPI_Finalize();
  return 0;
}
