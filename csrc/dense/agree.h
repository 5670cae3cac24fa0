/* Argument agreement and checked size arithmetic shared by the dense entry points (internal).
 *
 * A collective dense entry point checks every argument locally (recording the first failure
 * with DLOPS_CHECK_COLL, never returning early), folds the arguments that must be equal on all
 * ranks into a 64-bit checksum, and then agrees on both in ONE metadata allreduce (the library's
 * agreement record) before it communicates anything else. On failure every rank returns the
 * lowest failing rank's code and message, or DLOPS_ERR_SIZE when the checksums differ. */
#ifndef DLOPS_DENSE_AGREE_H
#define DLOPS_DENSE_AGREE_H

#include <stdint.h>
#include <string.h>

#include "../core/ctx_impl.h"
#include "../mem/kernels.h" /* dlops_k_mix64 */

/* Checksum: each value is mixed into the state with the splitmix64 finaliser, so the order of
 * the values matters and nearby values give unrelated sums. */
static inline uint64_t dense_cs_u64(uint64_t h, uint64_t v) {
  return dlops_k_mix64(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
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

/* The one agreement of a dense entry point, on the library's agreement record (csrc/comm/agree.c,
 * so that a rank with a NULL or stale context joins it through dlops_agree_orphan). err: this
 * rank's first local failure (0 if none); err_opt: a failure that counts only when no rank sets
 * flag (used by pdgemm for checks that assume the default grid order, void when a BLACS grid is in
 * use); cs: checksum of the values that must be equal on all ranks (differing: DLOPS_ERR_SIZE
 * naming what); flag: any rank's flag (OR) is returned in *any_flag (may be NULL). Collective;
 * one metadata allreduce when all is well, a second agreement only when err_opt decides. */
static inline int dense_agree(dlops_ctx ctx, int err, int err_opt, uint64_t cs, int flag, int *any_flag,
                              const char *what) {
  double v[2] = {flag ? 1.0 : 0.0, err_opt ? 1.0 : 0.0};
  DLOPS_CALL(dlops_ctx_agree_ex(ctx, err, cs, what, DLOPS_ERR_SIZE, v, 2));
  if (any_flag) *any_flag = v[0] > 0;
  if (v[0] == 0 && v[1] > 0) return dlops_comm_agree(ctx->world, err_opt);
  return DLOPS_SUCCESS;
}

#endif
