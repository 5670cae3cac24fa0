/* Checks for the test programs that run without MPI (parsers, kernels): CHECK(cond, fmt, ...)
 * counts a pass or prints the failure with its line; the program ends with
 * `return serial_check_report("what")`. */
#ifndef DLOPS_SERIAL_CHECK_H
#define DLOPS_SERIAL_CHECK_H

#include <stdio.h>

static long npass, nfail;
#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (cond) {                                            \
      npass++;                                             \
    } else {                                               \
      nfail++;                                             \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fprintf(stderr, "\n");                               \
    }                                                      \
  } while (0)

static inline int serial_check_report(const char *what) {
  printf("%s: %ld passed, %ld failed\n", what, npass, nfail);
  return nfail ? 1 : 0;
}

#endif
