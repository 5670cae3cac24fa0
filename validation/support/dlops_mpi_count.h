/* Counting what a call costs, for tests that assert it: the MPI calls a program makes (PMPI
 * interposition) and the heap allocations made from one part of the program.
 *
 * Include in exactly one translation unit of a test program. It defines MPI_Allreduce & co.:
 * each adds one to its counter while counting is on (mc_on), then calls PMPI_. The definitions
 * have default visibility, so a shared libdlops calls them too (the executable's definition comes
 * first in the dynamic lookup), and code compiled into the program calls them directly.
 *
 * Allocations: unless built with AddressSanitizer (which owns malloc), the header also defines
 * malloc, calloc and realloc; each counts while counting is on when the caller's return address
 * lies in the watched image (mc_watch_image: the mapped file whose path contains a given string,
 * e.g. "libdlops" or the program's own name), then forwards to glibc's __libc_ functions.
 * mc_alloc_counted() says whether allocations are counted in this build. */
#ifndef DLOPS_MPI_COUNT_H
#define DLOPS_MPI_COUNT_H

#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  MC_ALLREDUCE, MC_IALLREDUCE, MC_ALLGATHER, MC_ALLGATHERV, MC_BCAST, MC_IBCAST, MC_BARRIER, MC_ALLTOALLV,
  MC_REDUCE, MC_ISEND, MC_IRECV, MC_SEND, MC_RECV, MC_SENDRECV, MC_FENCE, MC_POST, MC_START, MC_COMPLETE,
  MC_WAIT, MC_FLUSH_ALL, MC_PUT, MC_GET, MC_ACCUMULATE, MC_FETCH_AND_OP, MC_WIN_ALLOC, MC_WIN_FREE,
  MC_COMM_SPLIT, MC_TESTALL, MC_NUM
};
static const char *const mc_names[MC_NUM] = {
    "MPI_Allreduce", "MPI_Iallreduce", "MPI_Allgather", "MPI_Allgatherv", "MPI_Bcast", "MPI_Ibcast", "MPI_Barrier",
    "MPI_Alltoallv", "MPI_Reduce", "MPI_Isend", "MPI_Irecv", "MPI_Send", "MPI_Recv", "MPI_Sendrecv",
    "MPI_Win_fence", "MPI_Win_post", "MPI_Win_start", "MPI_Win_complete", "MPI_Win_wait", "MPI_Win_flush_all",
    "MPI_Put", "MPI_Get", "MPI_Accumulate", "MPI_Fetch_and_op", "MPI_Win_allocate(_shared)", "MPI_Win_free",
    "MPI_Comm_split", "MPI_Testall"};

static volatile int mc_on;
static long long mc_count[MC_NUM];
static long long mc_allocs;

/* collective (and point-to-point synchronising) calls: everything but one-sided data calls and
 * progress tests */
static inline long long mc_sync_calls(const long long *c) {
  long long s = 0;
  for (int k = 0; k < MC_NUM; k++)
    if (k != MC_PUT && k != MC_GET && k != MC_ACCUMULATE && k != MC_FETCH_AND_OP && k != MC_TESTALL) s += c[k];
  return s;
}

static inline void mc_start(void) {
  memset(mc_count, 0, sizeof mc_count);
  mc_allocs = 0;
  mc_on = 1;
}
static inline void mc_stop(void) { mc_on = 0; }

/* "MPI_Allreduce 1, MPI_Win_fence 1" (the nonzero counters) */
static inline void mc_format(const long long *c, char *buf, size_t len) {
  size_t u = 0;
  buf[0] = '\0';
  for (int k = 0; k < MC_NUM && u < len; k++)
    if (c[k]) u += (size_t)snprintf(buf + u, len - u, "%s%s %lld", u ? ", " : "", mc_names[k], c[k]);
  if (!u) snprintf(buf, len, "none");
}

#define MC_EXPORT __attribute__((visibility("default")))
#define MC_HIT(k) \
  do {            \
    if (mc_on) mc_count[k]++; \
  } while (0)

MC_EXPORT int MPI_Allreduce(const void *s, void *r, int n, MPI_Datatype t, MPI_Op op, MPI_Comm c) {
  MC_HIT(MC_ALLREDUCE);
  return PMPI_Allreduce(s, r, n, t, op, c);
}
MC_EXPORT int MPI_Iallreduce(const void *s, void *r, int n, MPI_Datatype t, MPI_Op op, MPI_Comm c, MPI_Request *q) {
  MC_HIT(MC_IALLREDUCE);
  return PMPI_Iallreduce(s, r, n, t, op, c, q);
}
MC_EXPORT int MPI_Allgather(const void *s, int sn, MPI_Datatype st, void *r, int rn, MPI_Datatype rt, MPI_Comm c) {
  MC_HIT(MC_ALLGATHER);
  return PMPI_Allgather(s, sn, st, r, rn, rt, c);
}
MC_EXPORT int MPI_Allgatherv(const void *s, int sn, MPI_Datatype st, void *r, const int rc[], const int rd[],
                             MPI_Datatype rt, MPI_Comm c) {
  MC_HIT(MC_ALLGATHERV);
  return PMPI_Allgatherv(s, sn, st, r, rc, rd, rt, c);
}
MC_EXPORT int MPI_Bcast(void *b, int n, MPI_Datatype t, int root, MPI_Comm c) {
  MC_HIT(MC_BCAST);
  return PMPI_Bcast(b, n, t, root, c);
}
MC_EXPORT int MPI_Ibcast(void *b, int n, MPI_Datatype t, int root, MPI_Comm c, MPI_Request *q) {
  MC_HIT(MC_IBCAST);
  return PMPI_Ibcast(b, n, t, root, c, q);
}
MC_EXPORT int MPI_Barrier(MPI_Comm c) {
  MC_HIT(MC_BARRIER);
  return PMPI_Barrier(c);
}
MC_EXPORT int MPI_Alltoallv(const void *s, const int sc[], const int sd[], MPI_Datatype st, void *r, const int rc[],
                            const int rd[], MPI_Datatype rt, MPI_Comm c) {
  MC_HIT(MC_ALLTOALLV);
  return PMPI_Alltoallv(s, sc, sd, st, r, rc, rd, rt, c);
}
MC_EXPORT int MPI_Reduce(const void *s, void *r, int n, MPI_Datatype t, MPI_Op op, int root, MPI_Comm c) {
  MC_HIT(MC_REDUCE);
  return PMPI_Reduce(s, r, n, t, op, root, c);
}
MC_EXPORT int MPI_Testall(int n, MPI_Request q[], int *flag, MPI_Status st[]) {
  MC_HIT(MC_TESTALL);
  return PMPI_Testall(n, q, flag, st);
}
MC_EXPORT int MPI_Isend(const void *b, int n, MPI_Datatype t, int d, int tag, MPI_Comm c, MPI_Request *q) {
  MC_HIT(MC_ISEND);
  return PMPI_Isend(b, n, t, d, tag, c, q);
}
MC_EXPORT int MPI_Irecv(void *b, int n, MPI_Datatype t, int s, int tag, MPI_Comm c, MPI_Request *q) {
  MC_HIT(MC_IRECV);
  return PMPI_Irecv(b, n, t, s, tag, c, q);
}
MC_EXPORT int MPI_Send(const void *b, int n, MPI_Datatype t, int d, int tag, MPI_Comm c) {
  MC_HIT(MC_SEND);
  return PMPI_Send(b, n, t, d, tag, c);
}
MC_EXPORT int MPI_Recv(void *b, int n, MPI_Datatype t, int s, int tag, MPI_Comm c, MPI_Status *st) {
  MC_HIT(MC_RECV);
  return PMPI_Recv(b, n, t, s, tag, c, st);
}
MC_EXPORT int MPI_Sendrecv(const void *sb, int sn, MPI_Datatype st, int d, int stag, void *rb, int rn,
                           MPI_Datatype rt, int s, int rtag, MPI_Comm c, MPI_Status *status) {
  MC_HIT(MC_SENDRECV);
  return PMPI_Sendrecv(sb, sn, st, d, stag, rb, rn, rt, s, rtag, c, status);
}
MC_EXPORT int MPI_Win_fence(int a, MPI_Win w) {
  MC_HIT(MC_FENCE);
  return PMPI_Win_fence(a, w);
}
MC_EXPORT int MPI_Win_post(MPI_Group g, int a, MPI_Win w) {
  MC_HIT(MC_POST);
  return PMPI_Win_post(g, a, w);
}
MC_EXPORT int MPI_Win_start(MPI_Group g, int a, MPI_Win w) {
  MC_HIT(MC_START);
  return PMPI_Win_start(g, a, w);
}
MC_EXPORT int MPI_Win_complete(MPI_Win w) {
  MC_HIT(MC_COMPLETE);
  return PMPI_Win_complete(w);
}
MC_EXPORT int MPI_Win_wait(MPI_Win w) {
  MC_HIT(MC_WAIT);
  return PMPI_Win_wait(w);
}
MC_EXPORT int MPI_Win_flush_all(MPI_Win w) {
  MC_HIT(MC_FLUSH_ALL);
  return PMPI_Win_flush_all(w);
}
MC_EXPORT int MPI_Put(const void *o, int on, MPI_Datatype ot, int tr, MPI_Aint td, int tn, MPI_Datatype tt,
                      MPI_Win w) {
  MC_HIT(MC_PUT);
  return PMPI_Put(o, on, ot, tr, td, tn, tt, w);
}
MC_EXPORT int MPI_Get(void *o, int on, MPI_Datatype ot, int tr, MPI_Aint td, int tn, MPI_Datatype tt, MPI_Win w) {
  MC_HIT(MC_GET);
  return PMPI_Get(o, on, ot, tr, td, tn, tt, w);
}
MC_EXPORT int MPI_Accumulate(const void *o, int on, MPI_Datatype ot, int tr, MPI_Aint td, int tn, MPI_Datatype tt,
                             MPI_Op op, MPI_Win w) {
  MC_HIT(MC_ACCUMULATE);
  return PMPI_Accumulate(o, on, ot, tr, td, tn, tt, op, w);
}
MC_EXPORT int MPI_Fetch_and_op(const void *o, void *r, MPI_Datatype t, int tr, MPI_Aint td, MPI_Op op, MPI_Win w) {
  MC_HIT(MC_FETCH_AND_OP);
  return PMPI_Fetch_and_op(o, r, t, tr, td, op, w);
}
MC_EXPORT int MPI_Win_allocate(MPI_Aint sz, int du, MPI_Info info, MPI_Comm c, void *base, MPI_Win *w) {
  MC_HIT(MC_WIN_ALLOC);
  return PMPI_Win_allocate(sz, du, info, c, base, w);
}
MC_EXPORT int MPI_Win_allocate_shared(MPI_Aint sz, int du, MPI_Info info, MPI_Comm c, void *base, MPI_Win *w) {
  MC_HIT(MC_WIN_ALLOC);
  return PMPI_Win_allocate_shared(sz, du, info, c, base, w);
}
MC_EXPORT int MPI_Win_free(MPI_Win *w) {
  MC_HIT(MC_WIN_FREE);
  return PMPI_Win_free(w);
}
MC_EXPORT int MPI_Comm_split(MPI_Comm c, int color, int key, MPI_Comm *out) {
  MC_HIT(MC_COMM_SPLIT);
  return PMPI_Comm_split(c, color, key, out);
}

/* ---- allocations */
#if defined(__SANITIZE_ADDRESS__)
#define MC_NO_ALLOC_COUNT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MC_NO_ALLOC_COUNT 1
#endif
#endif

static uintptr_t mc_lo, mc_hi; /* executable mappings of the watched image */

/* Watch the image whose mapped path contains name; 0 when found. */
static inline int mc_watch_image(const char *name) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (!f) return -1;
  char line[4096];
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long a, b;
    char perm[8] = "";
    if (sscanf(line, "%lx-%lx %7s", &a, &b, perm) != 3 || !strchr(perm, 'x') || !strstr(line, name)) continue;
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  }
  fclose(f);
  if (hi == 0) return -1;
  mc_lo = lo;
  mc_hi = hi;
  return 0;
}

#ifndef MC_NO_ALLOC_COUNT
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
#define MC_ALLOC_HIT()                                                         \
  do {                                                                         \
    uintptr_t ra_ = (uintptr_t)__builtin_return_address(0);                    \
    if (mc_on && ra_ >= mc_lo && ra_ < mc_hi) mc_allocs++;                     \
  } while (0)
MC_EXPORT void *malloc(size_t n) {
  MC_ALLOC_HIT();
  return __libc_malloc(n);
}
MC_EXPORT void *calloc(size_t n, size_t m) {
  MC_ALLOC_HIT();
  return __libc_calloc(n, m);
}
MC_EXPORT void *realloc(void *p, size_t n) {
  MC_ALLOC_HIT();
  return __libc_realloc(p, n);
}
static inline int mc_alloc_counted(void) { return mc_hi != 0; }
#else
static inline int mc_alloc_counted(void) { return 0; }
#endif

#endif
