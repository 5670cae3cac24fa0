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

#include "dlops.h"

#if defined(__GNUC__)
#define DLOPS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define DLOPS_INTERN __attribute__((visibility("hidden")))
#else
#define DLOPS_PRINTF(a, b)
#define DLOPS_INTERN
#endif

#define DLOPS_MSG_LEN 1024

/** Record an error on ctx (may be NULL) and on the process-wide slot; returns code. */
DLOPS_INTERN int dlops_error_set(dlops_ctx ctx, int code, const char *file, int line, const char *func,
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

/** Store an already formatted message as the process-wide last error. */
DLOPS_INTERN void dlops_error_record_global(const char *msg);

DLOPS_INTERN int dlops_error_mpi(dlops_ctx ctx, int mpierr, const char *file, int line, const char *func,
                                 const char *what);

#define DLOPS_CALL_MPI(ctx, expr)                                                     \
  do {                                                                                \
    int dlops_mpierr_ = (expr);                                                       \
    if (dlops_mpierr_ != MPI_SUCCESS)                                                 \
      return dlops_error_mpi((ctx), dlops_mpierr_, __FILE__, __LINE__, __func__, #expr); \
  } while (0)

#endif
