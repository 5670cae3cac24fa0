/* Spec strings ("comm=rma sync=pscw mem=host ..."): parsing into fields, without MPI and without
 * the build's backend table (never installed). dlops_ctx_create (ctx.c) calls it, then checks what
 * this build offers and agrees the result over the ranks; the fuzz target fuzz/fuzz_spec.c calls
 * it alone. */
#ifndef DLOPS_CORE_SPEC_H
#define DLOPS_CORE_SPEC_H

#include <stddef.h>

#include "intern.h"

/* Which keys a spec gave (dlops_spec_fields.given). A bare backend name ("rma") counts as comm;
 * "help" and "comm=help" set help and count as no key. */
enum {
  DLOPS_SPEC_COMM = 1 << 0,
  DLOPS_SPEC_MEM = 1 << 1,
  DLOPS_SPEC_SYNC = 1 << 2,
  DLOPS_SPEC_LOG = 1 << 3,
  DLOPS_SPEC_ERRORS = 1 << 4,
  DLOPS_SPEC_STAGE = 1 << 5,
  DLOPS_SPEC_DETERMINISTIC = 1 << 6,
  DLOPS_SPEC_LOG_VIEW = 1 << 7
};

/* Backend and memory-space indices, in the order of registry.def (ctx_impl.h's dlops_backend_id
 * has the same values). */
enum {
#define DLOPS_BACKEND(id, name) DLOPS_SPEC_BACKEND_##id,
#include "registry.def"
  DLOPS_SPEC_NUM_BACKENDS
};
enum {
#define DLOPS_MEMSPACE(id, name) DLOPS_SPEC_MEM_##id,
#include "registry.def"
  DLOPS_SPEC_NUM_MEMSPACES
};

/* Index values, the same as ctx_impl.h's enums: backend as above (0 mpi, 1 rma, 2 nccl); mem 0 host,
 * 1 device, 2 emu (the emulated device of test builds); sync 0 fence, 1 pscw, 2 lock_all. */
typedef struct {
  int backend;        /* comm= (default mpi) */
  int mem;            /* mem= (default host; device when comm=nccl and mem= is not given) */
  int emu;            /* mem=emu */
  int space;          /* the memory space's index in registry.def (DLOPS_SPEC_MEM_*; host by default) */
  int stage;          /* stage= 0 auto (default), 1 always, 2 never */
  int sync;           /* sync= (default lock_all) */
  int log;            /* log=1 (default 0) */
  int abort_on_error; /* errors=abort (default return) */
  int help;           /* "help" or "comm=help" was given */
  int deterministic;  /* deterministic=1, default from the environment variable DLOPS_DETERMINISTIC */
  int log_view;       /* log_view=1: profiling summary at destroy; default from DLOPS_LOG_VIEW */
  unsigned given;     /* DLOPS_SPEC_* bits of the keys given */
} dlops_spec_fields;

/* Names, indexed as above (for messages and the canonical spec). */
DLOPS_INTERN extern const char *const dlops_spec_backend_names[DLOPS_SPEC_NUM_BACKENDS];
DLOPS_INTERN extern const char *const dlops_spec_mem_names[DLOPS_SPEC_NUM_MEMSPACES];
DLOPS_INTERN extern const char *const dlops_spec_sync_names[3];

/** Parse spec (NULL or "" gives the defaults) into *out. Tokens are separated by spaces, tabs,
 *  newlines, commas or semicolons; a spec of any length is read whole, without copying. Rules:
 *  every token is key=value or a bare backend name; a key given twice is an error (a bare
 *  backend name is the key comm); unknown keys and values get the nearest valid one suggested;
 *  comm=nccl without mem= means mem=device, and comm=nccl with mem=host is an error. What the
 *  build offers (backends, device memory, emu) is not checked here.
 *  DLOPS_DETERMINISTIC: "1" on, unset, "" or "0" off, anything else an error (read only when the
 *  spec has no deterministic= key); DLOPS_LOG_VIEW likewise for log_view=.
 *  Returns DLOPS_SUCCESS, or DLOPS_ERR_ARG with a message in errbuf (errlen bytes, may be 0; the
 *  message is cut to fit, the spec never is). *out (may be NULL: check only) holds the fields
 *  read so far also on failure (ctx.c still prints "help" and honours errors=abort). Local, no MPI. */
DLOPS_INTERN int dlops_spec_parse(const char *spec, dlops_spec_fields *out, char *errbuf, size_t errlen);

#endif
