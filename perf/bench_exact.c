/* Cost of the exact partial sums (mem/exact.h) against the ordinary ones: ns per element of the
 * host table's dot_exact vs dot and norm_exact vs norm (ord 2), on n doubles (default 1e7), the
 * codes interleaved in one run with alternating order; min and median of the repetitions.
 * Not a test and not registered with CMake (the table's symbols are hidden in libdlops); build
 * it from the sources, with the library's optimisation level:
 *
 *   mpicc -O2 -Iinclude -Icsrc perf/bench_exact.c csrc/mem/exact.c csrc/mem/host.c csrc/mem/mem.c \
 *         csrc/core/error.c csrc/core/dtype.c -lopenblas -lm -o /tmp/bench_exact
 *   /tmp/bench_exact [n] [reps]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem/exact.h"
#include "mem/mem.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}
static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  const int64_t n = argc > 1 ? (int64_t)atof(argv[1]) : 10000000;
  const int reps = argc > 2 ? atoi(argv[2]) : 9;
  double *x = malloc(sizeof(double) * (size_t)n), *y = malloc(sizeof(double) * (size_t)n);
  uint64_t s = 88172645463325252ULL;
  for (int64_t i = 0; i < n; i++) { /* uniform in [-1, 1), and a spread of magnitudes */
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    x[i] = ((double)(s >> 11) / 9007199254740992.0 * 2 - 1);
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    y[i] = ((double)(s >> 11) / 9007199254740992.0 * 2 - 1) * (double)(1 << (s % 16));
  }
  dlops_mem *m = NULL;
  if (dlops_mem_create(NULL, &dlops_mem_host_ops, &m)) return 1;
  const dlops_mem_ops *o = m->ops;
  enum { K = 4 };
  const char *names[K] = {"dot", "dot_exact", "norm2", "norm2_exact"};
  double *t[K];
  for (int k = 0; k < K; k++) t[k] = malloc(sizeof(double) * (size_t)reps);
  double d[2], nv, sink = 0;
  dlops_exact re, im;
  for (int r = 0; r < reps; r++)
    for (int kk = 0; kk < K; kk++) {
      const int k = r % 2 ? K - 1 - kk : kk; /* alternate the order */
      double t0 = now();
      switch (k) {
        case 0: o->dot(m, DLOPS_F64, n, x, y, 0, d); sink += d[0]; break;
        case 1: o->dot_exact(m, x, y, n, DLOPS_F64, 0, &re, &im); sink += dlops_exact_to_double(&re); break;
        case 2: o->norm(m, DLOPS_F64, n, x, 2.0, &nv); sink += nv; break;
        default: o->norm_exact(m, x, n, DLOPS_F64, 2.0, &re); sink += dlops_exact_to_double(&re); break;
      }
      t[k][r] = now() - t0;
    }
  printf("n = %lld doubles, %d repetitions (ns per element: min, median)\n", (long long)n, reps);
  for (int k = 0; k < K; k++) {
    qsort(t[k], (size_t)reps, sizeof(double), cmp);
    printf("  %-12s %7.3f %7.3f\n", names[k], 1e9 * t[k][0] / (double)n, 1e9 * t[k][reps / 2] / (double)n);
  }
  o->dot(m, DLOPS_F64, n, x, y, 0, d);
  o->dot_exact(m, x, y, n, DLOPS_F64, 0, &re, &im);
  printf("dot %.17g, exact %.17g (checksum %g)\n", d[0], dlops_exact_to_double(&re), sink);
  dlops_mem_destroy(&m);
  return 0;
}
