/* Argument agreement and checked size arithmetic shared by the dense entry points (internal).
 *
 * A collective dense entry point checks every argument locally (recording the first failure
 * with DLOPS_CHECK_COLL, never returning early), folds the arguments that must be equal on all
 * ranks into a 64-bit checksum, and then agrees on both in ONE metadata allreduce before it
 * communicates anything else: {lowest failing rank, checksum max, -checksum max}. Equal max and
 * -min means every rank passed the same values. On failure every rank returns the lowest
 * failing rank's code and message (dlops_comm_agree), or DLOPS_ERR_SIZE when the checksums
 * differ. */
#ifndef DLOPS_DENSE_AGREE_H
#define DLOPS_DENSE_AGREE_H

#include <stdint.h>
#include <string.h>

#include "../core/ctx_impl.h"

/* Checksum: each value is mixed into the state with the splitmix64 finaliser, so the order of
 * the values matters and nearby values give unrelated sums. */
static inline uint64_t dense_cs_u64(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}
static inline uint64_t dense_cs_i64(uint64_t h, int64_t v) { return dense_cs_u64(h, (uint64_t)v); }
/* doubles by bit pattern: a NaN equals itself, -0.0 differs from 0.0 */
static inline uint64_t dense_cs_f64(uint64_t h, double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  return dense_cs_u64(h, u);
}

/* Checked size arithmetic: 1 on success, 0 on overflow (or a negative operand). */
static inline int dense_mul(int64_t a, int64_t b, int64_t *r) {
  return a >= 0 && b >= 0 && !__builtin_mul_overflow(a, b, r);
}
static inline int dense_add(int64_t a, int64_t b, int64_t *r) {
  return a >= 0 && b >= 0 && !__builtin_add_overflow(a, b, r);
}
/* bytes = n * es as a size_t, with n >= 0 */
static inline int dense_bytes(int64_t n, size_t es, size_t *r) { return n >= 0 && !__builtin_mul_overflow((size_t)n, es, r); }

/* The one agreement of a dense entry point. err: this rank's first local failure (0 if none);
 * err_opt: a failure that counts only when no rank sets use_opt_off (used by pdgemm for checks
 * that assume the default grid order, void when a BLACS grid is in use); cs: checksum of the
 * values that must be equal on all ranks; flag: any rank's flag (OR) is returned in *any_flag
 * (may be NULL). what names the arguments for the mismatch message. Collective; one metadata
 * allreduce when all is well. */
static inline int dense_agree(dlops_ctx ctx, int err, int err_opt, uint64_t cs, int flag, int *any_flag,
                              const char *what) {
  const int64_t key = (int64_t)ctx->size - ctx->rank; /* max = lowest failing rank */
  const int64_t h = (int64_t)(cs >> 1);               /* 63 bits: -h never overflows */
  int64_t v[5] = {err ? key : 0, err_opt ? key : 0, h, -h, flag ? 1 : 0};
  DLOPS_CALL(dlops_comm_meta_allreduce_i64(ctx->world, v, 5, DLOPS_OP_MAX));
  if (any_flag) *any_flag = v[4] > 0;
  int eff = err ? err : (v[4] > 0 ? 0 : err_opt);
  if (v[0] > 0 || (v[4] == 0 && v[1] > 0)) return dlops_comm_agree(ctx->world, eff);
  if (v[2] != -v[3])
    return DLOPS_ERROR(ctx, DLOPS_ERR_SIZE,
                       "ranks disagree on %s: these arguments must be equal on every rank (checksums differ)", what);
  return DLOPS_SUCCESS;
}

#endif
