/* The default split of n items over P ranks (PyLops-MPI's: the first n % P ranks get one more),
 * in one place: distributed arrays (darray_impl.h), the rma backend's segmented collectives and
 * the derivative's ghost-row owners use it. Pure functions, never installed. */
#ifndef DLOPS_CORE_SPLIT_H
#define DLOPS_CORE_SPLIT_H

#include <stdint.h>

/** Items of rank r (0 <= r < P, P >= 1). */
static inline int64_t dlops_split_size(int64_t n, int P, int r) { return n / P + (r < n % P ? 1 : 0); }
/** First item of rank r. */
static inline int64_t dlops_split_offset(int64_t n, int P, int r) {
  return (int64_t)r * (n / P) + (r < n % P ? r : n % P);
}
/** The rank that holds item g (0 <= g < n). */
static inline int dlops_split_owner(int64_t g, int64_t n, int P) {
  int64_t q = n / P, m = n % P;
  if (g < m * (q + 1)) return (int)(g / (q + 1));
  return (int)(m + (g - m * (q + 1)) / q);
}

#endif
