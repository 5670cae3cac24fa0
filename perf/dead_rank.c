/* What a dead rank does to an MPI job (docs/reliability-limits.md). Every rank runs allreduces in
 * a loop; after `delay` seconds (argv[1], default 1.0) rank 1 kills itself with SIGKILL while the
 * others are inside (or entering) MPI_Allreduce. Rank 0 prints the time of the kill to stdout
 * first; the job's end is timed from outside:
 *
 *   mpicc -O2 -o /tmp/dead_rank perf/dead_rank.c
 *   t0=$(date +%s.%N); mpiexec -n 4 /tmp/dead_rank 1.0; rc=$?; t1=$(date +%s.%N)
 *
 * Not a test (it ends its own job) and not built by CMake. */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  double delay = argc > 1 ? atof(argv[1]) : 1.0;
  /* a common start: the kill time is relative to it on every rank */
  MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime(), x = 1.0, y;
  long it = 0;
  for (;;) {
    if (rank == 1 && MPI_Wtime() - t0 >= delay) {
      printf("rank 1 SIGKILL at %.6f (unix time) after %ld allreduces\n", now(), it);
      fflush(stdout);
      raise(SIGKILL);
    }
    MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    it++;
    if (rank == 0 && it % 100000 == 0) {
      printf("rank 0 alive at %.6f, %ld allreduces\n", now(), it);
      fflush(stdout);
    }
  }
  MPI_Finalize(); /* never reached */
  return 0;
}
