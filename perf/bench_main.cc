// MPI main for the dlops Google Benchmark programs.
//
// Every rank runs every benchmark (they are collective); rank 0 reports, the others use a
// reporter that prints nothing. Benchmarks use manual time: each iteration's time is the
// maximum over ranks (MPI_Allreduce MAX), taken after a barrier, so the reported time is the
// time of the slowest rank. Output: console, or JSON with --benchmark_out=f --benchmark_out_format=json.
#include <benchmark/benchmark.h>
#include <mpi.h>

#include <string>

namespace {
class NullReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context &) override { return true; }
  void ReportRuns(const std::vector<Run> &) override {}
  void Finalize() override {}
};
}  // namespace

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  bool file_out = false;  // Google Benchmark refuses a file reporter without --benchmark_out
  for (int i = 1; i < argc; i++)
    if (std::string(argv[i]).rfind("--benchmark_out=", 0) == 0) file_out = true;
  benchmark::Initialize(&argc, argv);
  if (rank == 0) {
    benchmark::AddCustomContext("timing", "manual time = max over MPI ranks of each iteration");
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    benchmark::AddCustomContext("mpi_ranks", std::to_string(size));
    benchmark::RunSpecifiedBenchmarks();
  } else {
    NullReporter null;
    if (file_out)
      benchmark::RunSpecifiedBenchmarks(&null, &null);
    else
      benchmark::RunSpecifiedBenchmarks(&null);
  }
  benchmark::Shutdown();
  MPI_Finalize();
  return 0;
}
