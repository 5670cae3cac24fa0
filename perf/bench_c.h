/* Helpers shared by the plain-C benchmark programs (the Google Benchmark ones use
 * bench_util.h). */
#ifndef DLOPS_BENCH_C_H
#define DLOPS_BENCH_C_H

#include <mpi.h>
#include <stdio.h>

#include "dlops/base.h"

/* Run a dlops call; on failure print the call and the library's message, and abort every rank
 * (a benchmark has nothing to recover). */
#define BENCH_CK(call)                                                                    \
  do {                                                                                    \
    int e_ = (call);                                                                      \
    if (e_) {                                                                             \
      fprintf(stderr, "%s failed: %s\n", #call, dlops_last_error());                      \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                       \
    }                                                                                     \
  } while (0)

/* qsort order of doubles (medians of rounds). */
static inline int bench_cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

#endif
