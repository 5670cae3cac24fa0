/* Error strings and the per-context / process-wide last-error messages. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctx_impl.h"

static char dlops_global_msg[DLOPS_MSG_LEN];
/* Who prints the last error (dlops_print_error): 1 on every rank for a local error; after an
 * agreement (every rank of a communicator returns the same message), 1 on its rank 0 only. */
static int dlops_global_reporter = 1;

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

void dlops_error_note_agreed(int reporter) { dlops_global_reporter = reporter != 0; }

int dlops_print_error(int code) {
  if (code && dlops_global_reporter) {
    fflush(stdout);
    fprintf(stderr, "%s\n", dlops_global_msg[0] ? dlops_global_msg : dlops_error_string(code));
    fflush(stderr);
  }
  return code;
}

/* The rank an error names: the process's rank in MPI_COMM_WORLD, the number mpiexec and the
 * user know (a context on MPI_COMM_SELF or on a split communicator has a rank 0 on many
 * processes: every per-rank local context's error said "on rank 0"). */
static void rank_words(dlops_ctx ctx, char *buf, size_t len) {
  buf[0] = '\0';
  int init = 0, fin = 0, wr = -1, ws = 0;
  MPI_Initialized(&init);
  if (init) MPI_Finalized(&fin);
  if (init && !fin) {
    MPI_Comm_rank(MPI_COMM_WORLD, &wr);
    MPI_Comm_size(MPI_COMM_WORLD, &ws);
  }
  if (wr >= 0 && (ctx || ws > 1))
    snprintf(buf, len, " on rank %d", wr);
  else if (ctx)
    snprintf(buf, len, " on rank %d", ctx->rank);
}

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
  char where[96];
  rank_words(ctx, where, sizeof where);
  char full[DLOPS_MSG_LEN];
  snprintf(full, sizeof full, "dlops error %d (%s)%s: %s [%s:%d %s]", code, dlops_error_string(code), where, body,
           base, line, func);
  memcpy(dlops_global_msg, full, sizeof full);
  dlops_global_reporter = 1; /* local until an agreement says otherwise */
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
