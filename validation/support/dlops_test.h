/* Minimal test support for dlops CTest programs (header only).
 *
 *   int main(int argc, char **argv) {
 *     dlops_ctx ctx = dlops_test_init(&argc, &argv);   // MPI_Init + ctx from DLOPS_SPEC
 *     T_CHECK(cond, "message %d", value);               // counts a pass or a failure, goes on
 *     T_CALL(dlops_darray_fill(x, one));                // a failing call is a failure
 *     T_EXPECT_ERR(dlops_darray_dot(x, y, &r), DLOPS_ERR_SIZE);
 *     return dlops_test_finish(ctx);                    // prints "N passed, N failed" on rank 0
 *   }
 *
 * Checks are local; dlops_test_finish sums them over ranks, so a failure on any rank fails the
 * test (exit 1 on every rank). dlops_test_skip(ctx, reason) makes every rank exit 77 after rank 0
 * prints "[DLOPS-SKIP] reason" (all ranks must call it, with the same decision).
 */
#ifndef DLOPS_TEST_H
#define DLOPS_TEST_H

#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlops.h"

static long dlops_test_pass_ = 0, dlops_test_fail_ = 0;
static int dlops_test_rank_ = 0;
/* The memory space of the test context (mem=host, or device with mem=emu): tests create their
 * arrays there, so the same test program checks host and (emulated) device data. */
static dlops_memspace dlops_test_mem = DLOPS_MEM_HOST;

#define T_CHECK(cond, ...)                                                              \
  do {                                                                                  \
    if (cond) {                                                                         \
      dlops_test_pass_++;                                                               \
    } else {                                                                            \
      dlops_test_fail_++;                                                               \
      fprintf(stderr, "[rank %d] FAIL %s:%d: ", dlops_test_rank_, __FILE__, __LINE__);  \
      fprintf(stderr, __VA_ARGS__);                                                     \
      fprintf(stderr, "\n");                                                            \
    }                                                                                   \
  } while (0)

#define T_CALL(expr)                                                                     \
  do {                                                                                   \
    int t_err_ = (expr);                                                                 \
    T_CHECK(t_err_ == DLOPS_SUCCESS, "%s returned %d: %s", #expr, t_err_, dlops_last_error()); \
  } while (0)

/* Abort the whole test on a failed call that later code depends on. */
#define T_REQUIRE(expr)                                                                  \
  do {                                                                                   \
    int t_err_ = (expr);                                                                 \
    if (t_err_ != DLOPS_SUCCESS) {                                                       \
      fprintf(stderr, "[rank %d] FATAL %s:%d: %s returned %d: %s\n", dlops_test_rank_, __FILE__, \
              __LINE__, #expr, t_err_, dlops_last_error());                              \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                      \
    }                                                                                    \
  } while (0)

#define T_EXPECT_ERR(expr, code)                                                         \
  do {                                                                                   \
    int t_err_ = (expr);                                                                 \
    T_CHECK(t_err_ == (code), "%s returned %d (%s), expected %d (%s); message: %s", #expr, t_err_, \
            dlops_error_string(t_err_), (int)(code), dlops_error_string(code), dlops_last_error()); \
    if (t_err_ == (code))                                                                \
      T_CHECK(dlops_last_error()[0] != '\0', "%s failed without a message", #expr);      \
  } while (0)

/* Hash of the last error message without its "on rank N" part. */
static inline unsigned long dlops_test_msg_hash(void) {
  unsigned long h = 5381;
  const char *m = dlops_last_error(), *r = strstr(m, " on rank ");
  for (const char *p = m; *p; p++) {
    if (p == r) {
      p += 9;
      while (*p >= '0' && *p <= '9') p++;
      if (!*p) break;
    }
    h = h * 33u + (unsigned char)*p;
  }
  return h;
}

/* The call failed on every rank with the same code and the same message (up to the rank):
 * collective over MPI_COMM_WORLD, so a rank that did not fail (or hung) shows up. */
#define T_EXPECT_ALL(expr, code)                                                                    \
  do {                                                                                              \
    T_EXPECT_ERR(expr, code);                                                                       \
    unsigned long h_ = dlops_test_msg_hash();                                                       \
    unsigned long mm_[2] = {h_, ~h_};                                                               \
    MPI_Allreduce(MPI_IN_PLACE, mm_, 2, MPI_UNSIGNED_LONG, MPI_MAX, MPI_COMM_WORLD);                \
    T_CHECK(mm_[0] == h_ && mm_[1] == ~h_, "%s: ranks report different messages (here: %s)", #expr, \
            dlops_last_error());                                                                    \
  } while (0)

static inline dlops_ctx dlops_test_init(int *argc, char ***argv) {
  MPI_Init(argc, argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &dlops_test_rank_);
  dlops_ctx ctx = NULL;
  int err = dlops_ctx_create(MPI_COMM_WORLD, NULL, &ctx);
  if (err) {
    if (dlops_test_rank_ == 0) fprintf(stderr, "dlops_ctx_create failed: %s\n", dlops_last_error());
    if (err == DLOPS_ERR_UNSUPPORTED) {
      if (dlops_test_rank_ == 0) printf("[DLOPS-SKIP] backend not usable here: %s\n", dlops_last_error());
      MPI_Finalize();
      exit(77);
    }
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  dlops_ctx_get_memspace(ctx, &dlops_test_mem);
  return ctx;
}

/* A one-rank context on MPI_COMM_SELF for local operators, with comm=mpi and the memory space
 * of ctx (local operators must live where the distributed arrays live). */
static inline dlops_ctx dlops_test_self_ctx(dlops_ctx ctx) {
  const char *spec = "";
  dlops_ctx_get_spec(ctx, &spec);
  const char *m = strstr(spec, "mem=");
  char buf[64];
  snprintf(buf, sizeof buf, "comm=mpi %.*s", m ? (int)strcspn(m, " ") : 0, m ? m : "");
  dlops_ctx self = NULL;
  if (dlops_ctx_create(MPI_COMM_SELF, buf, &self)) {
    fprintf(stderr, "[rank %d] FATAL: cannot create a one-rank context (\"%s\"): %s\n", dlops_test_rank_, buf,
            dlops_last_error());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  return self;
}

static inline void dlops_test_skip(dlops_ctx ctx, const char *reason) {
  if (dlops_test_rank_ == 0) {
    printf("[DLOPS-SKIP] %s\n", reason);
    fflush(stdout);
  }
  dlops_ctx_destroy(&ctx);
  MPI_Finalize();
  exit(77);
}

static inline int dlops_test_finish(dlops_ctx ctx) {
  long v[2] = {dlops_test_pass_, dlops_test_fail_};
  MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (dlops_test_rank_ == 0) {
    printf("checks on %d ranks: %ld passed, %ld failed\n", size, v[0], v[1]);
    fflush(stdout);
  }
  dlops_ctx_destroy(&ctx);
  MPI_Finalize();
  return v[1] ? 1 : 0;
}

/* Deterministic pseudo-random values (same on every rank for the same seed and index). */
static inline double dlops_test_rand(unsigned long long seed, unsigned long long i) {
  unsigned long long z = seed * 0x9E3779B97F4A7C15ULL + i * 0xBF58476D1CE4E5B9ULL + 0x94D049BB133111EBULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return (double)(z >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

/* Fill a buffer of n elements of dtype with dlops_test_rand(seed, k) (complex: two values). */
static inline void dlops_test_fill(void *buf, int64_t n, dlops_dtype t, unsigned long long seed) {
  for (int64_t k = 0; k < n; k++) {
    double a = dlops_test_rand(seed, (unsigned long long)(2 * k)), b = dlops_test_rand(seed, (unsigned long long)(2 * k + 1));
    switch (t) {
      case DLOPS_F32: ((float *)buf)[k] = (float)a; break;
      case DLOPS_F64: ((double *)buf)[k] = a; break;
      case DLOPS_C64: ((float *)buf)[2 * k] = (float)a; ((float *)buf)[2 * k + 1] = (float)b; break;
      case DLOPS_C128: ((double *)buf)[2 * k] = a; ((double *)buf)[2 * k + 1] = b; break;
      default: break;
    }
  }
}

/* Relative tolerance for a dtype: 1e-12 double, 1e-5 single. */
static inline double dlops_test_tol(dlops_dtype t) { return (t == DLOPS_F32 || t == DLOPS_C64) ? 1e-5 : 1e-12; }

#endif
