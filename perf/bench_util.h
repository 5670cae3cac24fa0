// Helpers shared by the dlops benchmarks.
#ifndef DLOPS_BENCH_UTIL_H
#define DLOPS_BENCH_UTIL_H

#include <benchmark/benchmark.h>
#include <dlops.h>

#include <cstdio>
#include <cstdlib>

// Time fn() on every rank after a barrier; return the maximum over ranks (seconds).
template <class F>
static double bench_time_max(F &&fn) {
  MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime();
  fn();
  double t = MPI_Wtime() - t0;
  MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return t;
}

static inline void bench_check(int err, const char *what) {
  if (err) {
    std::fprintf(stderr, "%s failed: %s\n", what, dlops_last_error());
    MPI_Abort(MPI_COMM_WORLD, err);
  }
}

// Sum over ranks of an integer.
static inline long long bench_sum(long long v) {
  MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  return v;
}

#endif
