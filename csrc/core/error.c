/* Error strings and the per-context / process-wide last-error messages. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctx_impl.h"

static char dlops_global_msg[DLOPS_MSG_LEN];

static const char *const error_strings[DLOPS_NUM_ERRORS] = {
    "success",
    "bad argument",
    "size or partition mismatch",
    "wrong state",
    "unsupported",
    "out of memory",
    "MPI error",
    "CUDA error",
    "cuBLAS error",
    "NCCL error",
    "I/O error",
    "internal error (please report)",
};

const char *dlops_error_string(int code) {
  if (code < 0 || code >= DLOPS_NUM_ERRORS) return "unknown error code";
  return error_strings[code];
}

const char *dlops_last_error(void) { return dlops_global_msg; }

void dlops_error_record_global(const char *msg) { snprintf(dlops_global_msg, sizeof dlops_global_msg, "%s", msg); }

const char *dlops_ctx_last_error(dlops_ctx ctx) {
  if (!ctx) return dlops_global_msg;
  return ctx->errmsg;
}

int dlops_error_set(dlops_ctx ctx, int code, const char *file, int line, const char *func, const char *fmt,
                    ...) {
  char body[DLOPS_MSG_LEN - 256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  int rank = -1;
  if (ctx) rank = ctx->rank;
  char full[DLOPS_MSG_LEN];
  if (rank >= 0)
    snprintf(full, sizeof full, "dlops error %d (%s) on rank %d: %s [%s:%d %s]", code, dlops_error_string(code),
             rank, body, base, line, func);
  else
    snprintf(full, sizeof full, "dlops error %d (%s): %s [%s:%d %s]", code, dlops_error_string(code), body, base,
             line, func);
  memcpy(dlops_global_msg, full, sizeof full);
  if (ctx) memcpy(ctx->errmsg, full, sizeof full);
  if (ctx && ctx->abort_on_error) {
    fprintf(stderr, "%s\n", full);
    MPI_Abort(ctx->comm, code);
  }
  return code;
}

int dlops_error_mpi(dlops_ctx ctx, int mpierr, const char *file, int line, const char *func, const char *what) {
  char s[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(mpierr, s, &len) != MPI_SUCCESS) snprintf(s, sizeof s, "MPI error %d", mpierr);
  return dlops_error_set(ctx, DLOPS_ERR_MPI, file, line, func, "%s failed: %s", what, s);
}

int dlops_ctx_mark(dlops_ctx ctx, int code) {
  if (ctx && code && !ctx->pending) {
    ctx->pending = code;
    memcpy(ctx->pending_msg, ctx->errmsg, sizeof ctx->pending_msg);
  }
  return code;
}
