/* Internal error macros (never installed). One family, all do { } while (0):
 *   DLOPS_ERROR(ctx, code, fmt, ...)      record a message with file:line and evaluate to code
 *   DLOPS_CALL(expr)                      propagate a non-zero code
 *   DLOPS_CHECK(cond, ctx, code, fmt,...) argument validation, always on, returns on failure
 *   DLOPS_CHECK_COLL(cond, ctx, err, code, fmt, ...)
 *                                         validation whose outcome must be agreed collectively:
 *                                         records the first failure in err and goes on; follow
 *                                         with DLOPS_CALL(dlops_ctx_agree(ctx, comm, err))
 *   DLOPS_CALL_MPI(ctx, expr)             translate an MPI error code and its MPI_Error_string
 */
#ifndef DLOPS_CORE_ERROR_H
#define DLOPS_CORE_ERROR_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "dlops.h"

#include "intern.h"

#define DLOPS_MSG_LEN 1024

/** Record an error on ctx (may be NULL) and on the process-wide slot; returns code. */
DLOPS_PLUGIN_API int dlops_error_set(dlops_ctx ctx, int code, const char *file, int line, const char *func,
                                 const char *fmt, ...) DLOPS_PRINTF(6, 7);

#define DLOPS_ERROR(ctx, code, ...) dlops_error_set((ctx), (code), __FILE__, __LINE__, __func__, __VA_ARGS__)

#define DLOPS_CALL(expr)                    \
  do {                                      \
    int dlops_ierr_ = (expr);               \
    if (dlops_ierr_) return dlops_ierr_;    \
  } while (0)

#define DLOPS_CHECK(cond, ctx, code, ...)                              \
  do {                                                                 \
    if (!(cond)) return DLOPS_ERROR((ctx), (code), __VA_ARGS__);       \
  } while (0)

#define DLOPS_CHECK_COLL(cond, ctx, err, code, ...)                    \
  do {                                                                 \
    if (!(err) && !(cond)) (err) = DLOPS_ERROR((ctx), (code), __VA_ARGS__); \
  } while (0)

/** Mark ctx with a local failure (first one wins; code 0 does nothing); returns code. The next
 *  agreement on ctx returns it on every rank (comm/agree.c). Local. */
DLOPS_INTERN int dlops_ctx_mark(dlops_ctx ctx, int code);
/** Agreement on ctx's communicator of err (and of a pending failure), checking that hash is the
 *  same on every rank (0: nothing to compare). ctx NULL: this rank has no usable handle and joins
 *  on the only multi-rank context (dlops_agree_orphan). Collective. */
DLOPS_INTERN int dlops_ctx_agree(dlops_ctx ctx, int err, uint64_t hash, const char *what);
/** Enter (+1) or leave (-1) a region whose arguments are agreed (a solver): operator applies in it
 *  skip their entry agreement, and their failures are reported by the next reduction. */
DLOPS_INTERN void dlops_ctx_trust(dlops_ctx ctx, int delta);
/** 1 while ctx is inside a trusted region (a solver or a composite that agreed already). Local. */
DLOPS_INTERN int dlops_ctx_trusted(dlops_ctx ctx);
/** dlops_ctx_agree that also reduces n doubles v (n <= 16) by maximum over the ranks (in the same
 *  message, counted as metadata): for values every rank must know, such as "does any rank want
 *  the log". Collective. */
DLOPS_INTERN int dlops_ctx_agree_max(dlops_ctx ctx, int err, uint64_t hash, const char *what, double *v, int n);
/** The general form: mismatch_code is returned when the checksums differ (0: DLOPS_ERR_ARG), and
 *  n doubles vmax (n may be 0) are reduced by maximum. Collective. */
DLOPS_INTERN int dlops_ctx_agree_ex(dlops_ctx ctx, int err, uint64_t hash, const char *what, int mismatch_code,
                                    double *vmax, int n);
/** FNV-1a over n bytes, continuing h (0 starts a new checksum). */
DLOPS_INTERN uint64_t dlops_hash_bytes(uint64_t h, const void *p, size_t n);

/** Store an already formatted message as the process-wide last error. */
DLOPS_INTERN void dlops_error_record_global(const char *msg);
/** After an agreement that failed: the message is the same on every rank of the communicator,
 *  and dlops_print_error prints it only where reporter is non-zero (its rank 0). */
DLOPS_INTERN void dlops_error_note_agreed(int reporter);

/** A log=1 note on stderr, printed once per job: by rank 0 of a communicator of several ranks, by
 *  MPI_COMM_WORLD rank 0 for a one-rank communicator (per-rank local contexts), and not again when
 *  it is the same line as one of the last 16 notes this process printed (csrc/core/ctx.c). Local. */
DLOPS_INTERN void dlops_log_note(int rank, int size, const char *fmt, ...) DLOPS_PRINTF(3, 4);

DLOPS_PLUGIN_API int dlops_error_mpi(dlops_ctx ctx, int mpierr, const char *file, int line, const char *func,
                                 const char *what);

#define DLOPS_CALL_MPI(ctx, expr)                                                     \
  do {                                                                                \
    int dlops_mpierr_ = (expr);                                                       \
    if (dlops_mpierr_ != MPI_SUCCESS)                                                 \
      return dlops_error_mpi((ctx), dlops_mpierr_, __FILE__, __LINE__, __func__, #expr); \
  } while (0)

#endif
