/* Contexts: communicator duplication, backend selection from a spec string, counters. */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx_impl.h"
#include "spec.h"
#include "handle.h"
#include "plugin.h"
#include "prof.h"
#include "../mem/exact.h"

/* ---------------------------------------------------------------- backend registry */
/* Every backend of registry.def, indexed by its id: what it is, whether this build has it, and
 * its constructor. The context looks a backend up here and calls create; it names none of them.
 * A constructor builds the backend communicator on its own duplicate of the context's
 * communicator (world), and is collective on it. */
typedef int (*backend_create)(dlops_ctx ctx, MPI_Comm world, dlops_comm **out);
typedef struct {
  const char *what;
  int compiled;
  const char *how_to_enable;
  backend_create create;
} backend_entry;

static int create_mpi(dlops_ctx ctx, MPI_Comm world, dlops_comm **out) {
  DLOPS_CALL(dlops_comm_create(ctx, world, &dlops_comm_mpi_ops, ctx->counters, out));
  /* device buffers go straight to MPI only when the memory table allows it (not the emulated
   * device), the library is CUDA-aware (or the spec says stage=never: the user vouches for it), and
   * the spec does not say stage=always */
  if (ctx->mems[DLOPS_MEM_DEVICE])
    (*out)->device_direct = ctx->mems[DLOPS_MEM_DEVICE]->ops->mpi_direct && !ctx->stage_always &&
                            (ctx->stage_never || dlops_mpi_cuda_aware());
  return DLOPS_SUCCESS;
}

#ifdef DLOPS_HAVE_RMA
static int create_rma(dlops_ctx ctx, MPI_Comm world, dlops_comm **out) {
  return dlops_comm_rma_create(ctx, world, ctx->counters, out);
}
#endif

#ifdef DLOPS_HAVE_NCCL
/* From the GPU plugin. Every rank gets here (the spec was agreed); a rank that cannot load the
 * plugin agrees its failure with the others on world before any NCCL call. */
static int create_nccl(dlops_ctx ctx, MPI_Comm world, dlops_comm **out) {
  const dlops_gpu_plugin *p = NULL;
  int err = dlops_gpu_plugin_get(ctx, &p);
  if (!err && !p->nccl_create)
    err = DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "the GPU plugin of this dlops was built without NCCL");
  int e[2] = {err, -err};
  int me = MPI_Allreduce(MPI_IN_PLACE, e, 2, MPI_INT, MPI_MAX, world);
  if (me != MPI_SUCCESS) return dlops_error_mpi(ctx, me, __FILE__, __LINE__, __func__, "MPI_Allreduce");
  if (e[0] || e[1]) {
    if (!err) err = DLOPS_ERROR(ctx, e[0] ? e[0] : -e[1], "another rank could not load the GPU plugin");
    return err;
  }
  return p->nccl_create(ctx, world, ctx->counters, out);
}
#endif

static const backend_entry backends[DLOPS_NUM_BACKENDS] = {
    [DLOPS_BACKEND_MPI] = {"two-sided MPI (host memory; device buffers direct with a CUDA-aware MPI, else staged)", 1, "",
                           create_mpi},
#ifdef DLOPS_HAVE_RMA
    [DLOPS_BACKEND_RMA] = {"MPI-3 one-sided (sync=fence|pscw|lock_all)", 1, "", create_rma},
#else
    [DLOPS_BACKEND_RMA] = {"MPI-3 one-sided (sync=fence|pscw|lock_all)", 0, "reconfigure with -DDLOPS_ENABLE_RMA=ON",
                           NULL},
#endif
#ifdef DLOPS_HAVE_NCCL
    [DLOPS_BACKEND_NCCL] = {"NVIDIA NCCL on device memory (one GPU per rank; in the GPU plugin, on the context's "
                            "stream; not yet run on a GPU)", 1, "", create_nccl},
#else
    [DLOPS_BACKEND_NCCL] = {"NVIDIA NCCL on device memory (one GPU per rank)", 0,
                            "reconfigure with -DDLOPS_ENABLE_CUDA=ON -DDLOPS_ENABLE_NCCL=ON on a machine with the CUDA "
                            "toolkit and NCCL (set NCCL_ROOT if CMake does not find it)", NULL},
#endif
};

/* ---------------------------------------------------------------- memory-space registry */
/* Every memory space of registry.def, indexed by its id: what it is, whether this build has it,
 * and the constructor of a context's memory object in it. Host memory is every context's; the
 * space the spec names (mem=) is made in parse_spec, before the ranks agree on the spec, so that
 * a failure on some rank (no GPU on one node) is agreed with it and no rank goes on to create a
 * backend alone. Constructors are local. */
typedef int (*memspace_create)(dlops_ctx ctx, dlops_mem **out);
typedef struct {
  const char *what;
  int compiled;
  const char *how_to_enable;
  memspace_create create;
} memspace_entry;

static int create_host(dlops_ctx ctx, dlops_mem **out) { return dlops_mem_create(ctx, &dlops_mem_host_ops, out); }

#ifdef DLOPS_HAVE_EMU
static int create_emu(dlops_ctx ctx, dlops_mem **out) { return dlops_mem_create(ctx, &dlops_mem_emu_ops, out); }
#endif

#ifdef DLOPS_HAVE_CUDA
/* mem=device: load the GPU plugin, probe the device (chosen by node-local rank, cuda/device.c;
 * local, no communication: the ranks have not agreed on the spec yet) and create the context's
 * device memory object with the plugin's CUDA table (its init makes the context's stream and
 * cuBLAS handle; free_ctx destroys it). Every failure is DLOPS_ERR_UNSUPPORTED with the reason. */
static int create_device(dlops_ctx ctx, dlops_mem **out) {
  const dlops_gpu_plugin *p = NULL;
  DLOPS_CALL(dlops_gpu_plugin_get(ctx, &p)); /* unsupported, with dlerror's reason */
  DLOPS_CHECK(p->device_mem, ctx, DLOPS_ERR_UNSUPPORTED,
              "mem=device: this GPU plugin has no CUDA memory space (a test plugin): install the plugin built with "
              "this libdlops");
  DLOPS_CHECK(!ctx->deterministic || (p->device_mem->dot_exact && p->device_mem->norm_exact), ctx,
              DLOPS_ERR_UNSUPPORTED,
              "deterministic=1 with mem=device: the CUDA memory space has no exact (order-independent) reduction "
              "kernels in this version: use deterministic=0 (the device reductions run in a fixed order, "
              "reproducible for a given rank count and device) or mem=host");
  DLOPS_CALL(p->probe(ctx)); /* unsupported, with the reason: no driver, no device, unusable device */
  int err = dlops_mem_create(ctx, p->device_mem, out);
  if (err) {
    char why[DLOPS_MSG_LEN - 300];
    snprintf(why, sizeof why, "%s", dlops_last_error());
    return DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "mem=device: cannot set up the CUDA memory space on this "
                       "rank's device: %s", why);
  }
  return DLOPS_SUCCESS;
}
#endif

static const memspace_entry memspaces[DLOPS_SPEC_NUM_MEMSPACES] = {
    [DLOPS_SPEC_MEM_HOST] = {"host memory", 1, "", create_host},
#ifdef DLOPS_HAVE_CUDA
    [DLOPS_SPEC_MEM_DEVICE] = {"CUDA device memory (the GPU plugin's; not yet run on a GPU)", 1, "", create_device},
#else
    [DLOPS_SPEC_MEM_DEVICE] = {"CUDA device memory", 0, "reconfigure with -DDLOPS_ENABLE_CUDA=ON", NULL},
#endif
#ifdef DLOPS_HAVE_EMU
    [DLOPS_SPEC_MEM_EMU] = {"the emulated device of test builds (host kernels, memory the host cannot read)", 1, "",
                            create_emu},
#else
    [DLOPS_SPEC_MEM_EMU] = {"the emulated device of test builds", 0, "reconfigure with -DDLOPS_ENABLE_EMU=ON", NULL},
#endif
};

/* Spec keys and value names live in spec.c (dlops_spec_parse). */

int dlops_backends_describe(char *buf, size_t len) {
  if (!buf || len == 0) return DLOPS_ERROR(NULL, DLOPS_ERR_ARG, "null or empty buffer");
  size_t used = 0;
  buf[0] = '\0';
  used += (size_t)snprintf(buf + used, len - used, "dlops %d.%d.%d backends (spec key comm=NAME):\n",
                           DLOPS_VERSION_MAJOR, DLOPS_VERSION_MINOR, DLOPS_VERSION_PATCH);
  for (int i = 0; i < DLOPS_NUM_BACKENDS && used < len; i++) {
    used += (size_t)snprintf(buf + used, len - used, "  %-5s %-13s %s%s%s\n", dlops_spec_backend_names[i],
                             backends[i].compiled ? "[available]" : "[not built]", backends[i].what,
                             backends[i].compiled ? "" : "; to enable: ",
                             backends[i].compiled ? "" : backends[i].how_to_enable);
  }
  if (used < len) used += (size_t)snprintf(buf + used, len - used, "memory spaces (spec key mem=NAME):\n");
  for (int i = 0; i < DLOPS_SPEC_NUM_MEMSPACES && used < len; i++)
    used += (size_t)snprintf(buf + used, len - used, "  %-6s %-13s %s%s%s\n", dlops_spec_mem_names[i],
                             memspaces[i].compiled ? "[available]" : "[not built]", memspaces[i].what,
                             memspaces[i].compiled ? "" : "; to enable: ",
                             memspaces[i].compiled ? "" : memspaces[i].how_to_enable);
  if (used < len)
    used += (size_t)snprintf(buf + used, len - used,
                             "other keys: sync=fence|pscw|lock_all (rma), "
                             "log=0|1, log_view=0|1 (profiling summary at destroy), errors=return|abort, deterministic=0|1, stage=auto|always|never (device buffers and two-sided MPI: auto "
                             "hands them to MPI when it says it is CUDA-aware, always stages them through host memory, "
                             "never hands them to MPI unconditionally, for a CUDA-aware MPI that cannot say so)\n");
#ifdef DLOPS_HAVE_CUDA
  /* whether a GPU is usable, not only whether the CUDA part was compiled: load the plugin and
   * probe (the probe's failure is reported here, not left as the caller's last error) */
  if (used < len) {
    char saved[DLOPS_MSG_LEN], path[512];
    snprintf(saved, sizeof saved, "%s", dlops_last_error());
    if (dlops_gpu_plugin_path(path, sizeof path)) snprintf(path + sizeof path - 4, 4, "...");
    const dlops_gpu_plugin *p = NULL;
    int e = dlops_gpu_plugin_get(NULL, &p);
    if (!e) e = p->probe(NULL);
    used += (size_t)snprintf(buf + used, len - used, "GPU: %s%s (plugin %s)\n", e ? "not usable: " : "usable",
                             e ? dlops_last_error() : "", path);
    dlops_error_record_global(saved);
  }
#else
  if (used < len) used += (size_t)snprintf(buf + used, len - used, "GPU: not built (-DDLOPS_ENABLE_CUDA=ON)\n");
#endif
  (void)used;
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- spec parsing */

/* Parse spec into ctx fields (spec.c reads the string, of any length), then check what this build
 * offers. Local (the caller agrees on the result). */
static int parse_spec(dlops_ctx ctx, const char *spec, int *help, int *log_view) {
  dlops_spec_fields f;
  char msg[DLOPS_MSG_LEN - 256];
  int e = dlops_spec_parse(spec, &f, msg, sizeof msg);
  /* the fields read before an error count too: "help" still prints, errors=abort still aborts */
  *help = f.help;
  *log_view = f.log_view;
  ctx->backend = (dlops_backend_id)f.backend;
  ctx->mem = f.mem ? DLOPS_MEM_DEVICE : DLOPS_MEM_HOST;
  ctx->emu = f.emu;
  ctx->stage_always = f.stage == 1;
  ctx->stage_never = f.stage == 2;
  ctx->sync = (dlops_rma_sync)f.sync;
  ctx->log = f.log;
  ctx->abort_on_error = f.abort_on_error;
  ctx->deterministic = f.deterministic;
  if (e) return DLOPS_ERROR(ctx, e, "%s", msg);
  const backend_entry *b = &backends[ctx->backend];
  DLOPS_CHECK(b->compiled, ctx, DLOPS_ERR_UNSUPPORTED, "backend '%s' (%s) is not built into this dlops: %s",
              dlops_spec_backend_names[ctx->backend], b->what, b->how_to_enable);
  const memspace_entry *ms = &memspaces[f.space];
  DLOPS_CHECK(ms->compiled, ctx, DLOPS_ERR_UNSUPPORTED, "mem=%s (%s) is not built into this dlops: %s",
              dlops_spec_mem_names[f.space], ms->what, ms->how_to_enable);
  if (ctx->emu && ctx->backend == DLOPS_BACKEND_NCCL) {
    /* only a plugin whose NCCL reaches the emulated device (the test stand-in of validation/nccl,
     * which plays NCCL on MPI) takes mem=emu; loading it is local */
    const dlops_gpu_plugin *p = NULL;
    DLOPS_CALL(dlops_gpu_plugin_get(ctx, &p)); /* unsupported, with the loader's reason */
    DLOPS_CHECK(p->nccl_on_emu, ctx, DLOPS_ERR_ARG,
                "comm=nccl needs real device memory (NCCL cannot reach the emulated device): use comm=mpi or "
                "comm=rma with mem=emu");
  }
  /* the space the spec names, besides host memory (made with the others after the agreement) */
  if (f.space != DLOPS_SPEC_MEM_HOST) DLOPS_CALL(ms->create(ctx, &ctx->mems[DLOPS_MEM_DEVICE]));
  snprintf(ctx->spec, sizeof ctx->spec, "comm=%s mem=%s%s%s%s%s", dlops_spec_backend_names[ctx->backend],
           dlops_spec_mem_names[f.space],
           ctx->backend == DLOPS_BACKEND_RMA ? " sync=" : "",
           ctx->backend == DLOPS_BACKEND_RMA ? dlops_spec_sync_names[ctx->sync] : "",
           ctx->stage_always ? " stage=always" : ctx->stage_never ? " stage=never" : "",
           ctx->deterministic ? " deterministic=1" : "");
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- fault injection */
/* DLOPS_FAULT_ALLOC=rank:n (tests): on the rank `rank` of this context's communicator, the n-th
 * data allocation through the context's memory spaces fails with DLOPS_ERR_MEM (the counter is
 * dlops_mem_alloc_check in mem/mem.c, the choke point every memory table's alloc passes). Read
 * once here, at context creation; unset or empty is off. A malformed value (not two decimal
 * integers rank >= 0 and n >= 1 separated by ':') is DLOPS_ERR_ARG, agreed with the spec's
 * checks, so every rank fails the creation. A rank outside the communicator injects nothing.
 * docs/fault-injection.md. Local. */
static int parse_fault(dlops_ctx ctx) {
  ctx->fault_alloc = 0;
  ctx->nalloc = 0;
  const char *e = getenv("DLOPS_FAULT_ALLOC");
  if (!e || !e[0]) return DLOPS_SUCCESS;
  long long v[2] = {-1, -1};
  const char *p = e;
  for (int k = 0; k < 2; k++) {
    if (k == 1) {
      if (*p != ':') goto bad;
      p++;
    }
    if (!isdigit((unsigned char)*p)) goto bad;
    long long x = 0;
    for (; isdigit((unsigned char)*p); p++) {
      if (x > (LLONG_MAX - 9) / 10) goto bad;
      x = 10 * x + (*p - '0');
    }
    v[k] = x;
  }
  if (*p || v[1] < 1) goto bad;
  if (v[0] == ctx->rank) ctx->fault_alloc = (int64_t)v[1];
  return DLOPS_SUCCESS;
bad:
  return DLOPS_ERROR(ctx, DLOPS_ERR_ARG,
                     "DLOPS_FAULT_ALLOC=\"%.64s\": expected rank:n (the n-th allocation, n >= 1, fails on that rank)",
                     e);
}

/* ---------------------------------------------------------------- create / destroy */
static void free_ctx(dlops_ctx ctx) {
  if (!ctx) return;
  dlops_comm_destroy(&ctx->world);
  for (int k = 0; k < DLOPS_NUM_MEMSPACES; k++) dlops_mem_destroy(&ctx->mems[k]);
  if (ctx->counters && --ctx->counters->refcount == 0) free(ctx->counters);
  if (ctx->comm != MPI_COMM_NULL) MPI_Comm_free(&ctx->comm);
  dlops_handle_retire(ctx);
}

/* help and log=1 print once per job, not once per context: a program with per-rank local
 * contexts (MPI_COMM_SELF) besides its world context printed them once per rank. The notes of a
 * context are printed by its rank 0 when it has several ranks, and for a one-rank context only
 * on rank 0 of MPI_COMM_WORLD; help prints once per process (the first context that asks); a
 * log note (dlops_log_note, also used by the backends) is not repeated when it is the same line as
 * one of the last 16 printed. */
static int help_printed;

static int notes_rank(dlops_ctx ctx) {
  if (ctx->rank != 0) return 0;
  if (ctx->size > 1) return 1;
  int wr = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &wr);
  return wr == 0;
}

void dlops_log_note(int rank, int size, const char *fmt, ...) {
  enum { KEEP = 16, LEN = 384 }; /* the last notes printed (a context's notes alternate) */
  static char last[KEEP][LEN];
  static int next;
  if (rank != 0) return;
  if (size <= 1) {
    int wr = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &wr);
    if (wr != 0) return;
  }
  char line[LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  for (int i = 0; i < KEEP; i++)
    if (!strcmp(line, last[i])) return;
  memcpy(last[next], line, LEN);
  next = (next + 1) % KEEP;
  fprintf(stderr, "%s\n", line);
}

/* Error agreement on the context communicator before the backend exists. */
static int agree_on(dlops_ctx ctx, int err) {
  dlops_comm tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.ops = &dlops_comm_mpi_ops;
  tmp.ctx = ctx;
  tmp.mpi = ctx->comm;
  tmp.rank = ctx->rank;
  tmp.size = ctx->size;
  tmp.counters = ctx->counters;
  tmp.max_chunk = INT_MAX;
  int rc = dlops_comm_agree(&tmp, err);
  dlops_comm_red_free_types(&tmp);
  return rc;
}

int dlops_ctx_create(MPI_Comm comm, const char *spec, dlops_ctx *out) {
  /* a NULL out on some ranks only must not leave the others in MPI_Comm_dup: that rank goes on
   * to the creation agreement and fails there, with every rank */
  if (out) *out = NULL;
  int init = 0;
  MPI_Initialized(&init);
  DLOPS_CHECK(init, NULL, DLOPS_ERR_STATE, "MPI is not initialised: call MPI_Init before dlops_ctx_create");
  DLOPS_CHECK(comm != MPI_COMM_NULL, NULL, DLOPS_ERR_ARG, "communicator is MPI_COMM_NULL");
  dlops_ctx ctx = calloc(1, sizeof *ctx);
  DLOPS_CHECK(ctx, NULL, DLOPS_ERR_MEM, "cannot allocate a context");
  ctx->comm = MPI_COMM_NULL;
  int e = MPI_Comm_dup(comm, &ctx->comm);
  if (e != MPI_SUCCESS) {
    free(ctx);
    return dlops_error_mpi(NULL, e, __FILE__, __LINE__, __func__, "MPI_Comm_dup");
  }
  MPI_Comm_set_errhandler(ctx->comm, MPI_ERRORS_RETURN);
  MPI_Comm_rank(ctx->comm, &ctx->rank);
  MPI_Comm_size(ctx->comm, &ctx->size);
  ctx->counters = calloc(1, sizeof *ctx->counters);
  if (!ctx->counters) {
    free_ctx(ctx);
    return DLOPS_ERROR(NULL, DLOPS_ERR_MEM, "cannot allocate counters");
  }
  ctx->counters->refcount = 1;
  ctx->backend = DLOPS_BACKEND_MPI;
  ctx->mem = DLOPS_MEM_HOST;
  ctx->sync = DLOPS_SYNC_LOCK_ALL;
  const char *s = (spec && spec[0]) ? spec : getenv("DLOPS_SPEC");
  int help = 0, log_view = 0;
  int err = out ? parse_spec(ctx, s, &help, &log_view) : DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "null output pointer");
  if (!err) err = parse_fault(ctx);
  if (help && !help_printed && notes_rank(ctx)) {
    char txt[8192];
    dlops_backends_describe(txt, sizeof txt);
    fputs(txt, stdout);
    fflush(stdout);
  }
  if (help) help_printed = 1; /* on every rank: printed once per process, by the first context */
  err = agree_on(ctx, err);
  if (!err) {
    /* Every rank must have asked for the same thing. */
    unsigned long long h = 5381;
    for (const char *p = ctx->spec; *p; p++) h = h * 33u + (unsigned char)*p;
    /* log_view: on for every rank when any rank asked (the summary's gather is collective) */
    long long hv[3] = {(long long)(h >> 1), -(long long)(h >> 1), log_view};
    e = MPI_Allreduce(MPI_IN_PLACE, hv, 3, MPI_LONG_LONG, MPI_MAX, ctx->comm);
    log_view = hv[2] != 0;
    if (e != MPI_SUCCESS)
      err = dlops_error_mpi(ctx, e, __FILE__, __LINE__, __func__, "MPI_Allreduce");
    else if (hv[0] != -hv[1])
      err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "ranks asked for different backends (this rank: \"%s\"): pass the same spec "
                        "on every rank", ctx->spec);
  }
  if (!err) {
    /* host memory (local; agreed below with the backend); the spec's space exists already */
    err = memspaces[DLOPS_SPEC_MEM_HOST].create(ctx, &ctx->mems[DLOPS_MEM_HOST]);
  }
  if (!err) {
    /* Backend communicator on its own duplicate, so backend traffic never mixes with metadata. */
    MPI_Comm world = MPI_COMM_NULL;
    e = MPI_Comm_dup(ctx->comm, &world);
    if (e != MPI_SUCCESS) err = dlops_error_mpi(ctx, e, __FILE__, __LINE__, __func__, "MPI_Comm_dup");
    if (!err) {
      MPI_Comm_set_errhandler(world, MPI_ERRORS_RETURN);
      const backend_entry *b = &backends[ctx->backend]; /* compiled: checked with the spec */
      err = b->create ? b->create(ctx, world, &ctx->world)
                      : DLOPS_ERROR(ctx, DLOPS_ERR_INTERNAL, "backend %d not built", (int)ctx->backend);
      if (err && !ctx->world && world != MPI_COMM_NULL) MPI_Comm_free(&world);
      /* deterministic reductions carry exact accumulators (the flag is part of the agreed spec) */
      if (!err && ctx->deterministic) ctx->world->red_xper = DLOPS_EXACT_LIMBS;
    }
    err = agree_on(ctx, err);
  }
  if (err) {
    free_ctx(ctx);
    return err;
  }
  if (ctx->log) dlops_log_note(ctx->rank, ctx->size, "[dlops] context on %d ranks: %s", ctx->size, ctx->spec);
  err = dlops_handle_add(ctx, DLOPS_H_CTX);
  if (!err && log_view) err = dlops_prof_create(ctx);
  err = agree_on(ctx, err);
  if (err) {
    dlops_prof_discard(ctx);
    free_ctx(ctx);
    return err;
  }
  /* a new context counts from zero: its own set-up messages are not the user's */
  memset(ctx->counters->k, 0, sizeof ctx->counters->k);
  *out = ctx;
  return DLOPS_SUCCESS;
}

int dlops_ctx_create_f(MPI_Fint fcomm, const char *spec, dlops_ctx *ctx) {
  return dlops_ctx_create(MPI_Comm_f2c(fcomm), spec, ctx);
}

int dlops_ctx_destroy(dlops_ctx *ctx) {
  DLOPS_CHECK(ctx, NULL, DLOPS_ERR_ARG, "null context pointer");
  if (!*ctx) return DLOPS_SUCCESS;
  DLOPS_CHECK(dlops_handle_kind(*ctx) == DLOPS_H_CTX, NULL, DLOPS_ERR_STATE,
              "context already destroyed (or not a dlops context)");
  /* agreed: a rank that still holds arrays or operators keeps the context on every rank */
  dlops_ctx c = *ctx;
  int err = c->nlive ? DLOPS_ERROR(c, DLOPS_ERR_STATE,
                                   "%lld arrays, operators or pending reductions still live on this context: destroy "
                                   "(or end) them before it (the context stays valid)",
                                   (long long)c->nlive)
                     : DLOPS_SUCCESS;
  DLOPS_CALL(dlops_comm_agree(c->world, err));
  if (c->prof) dlops_prof_finish(c); /* collective: every rank has it (agreed at creation) */
  free_ctx(*ctx);
  *ctx = NULL;
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- queries */
int dlops_ctx_check(dlops_ctx ctx) {
  DLOPS_CHECK(ctx, NULL, DLOPS_ERR_ARG, "null context");
  DLOPS_CHECK(dlops_handle_kind(ctx) == DLOPS_H_CTX, NULL, DLOPS_ERR_STATE,
              "stale context handle (already destroyed, or not a dlops context)");
  return DLOPS_SUCCESS;
}

#define CTX_OK(ctx, p)                                                        \
  do {                                                                        \
    DLOPS_CALL(dlops_ctx_check(ctx));                                         \
    DLOPS_CHECK((p), (ctx), DLOPS_ERR_ARG, "null output pointer");            \
  } while (0)

int dlops_ctx_get_comm(dlops_ctx ctx, MPI_Comm *comm) {
  CTX_OK(ctx, comm);
  *comm = ctx->comm;
  return DLOPS_SUCCESS;
}
int dlops_ctx_get_rank(dlops_ctx ctx, int *rank) {
  CTX_OK(ctx, rank);
  *rank = ctx->rank;
  return DLOPS_SUCCESS;
}
int dlops_ctx_get_size(dlops_ctx ctx, int *size) {
  CTX_OK(ctx, size);
  *size = ctx->size;
  return DLOPS_SUCCESS;
}
int dlops_ctx_get_backend(dlops_ctx ctx, const char **name) {
  CTX_OK(ctx, name);
  *name = dlops_spec_backend_names[ctx->backend];
  return DLOPS_SUCCESS;
}
int dlops_ctx_get_spec(dlops_ctx ctx, const char **spec) {
  CTX_OK(ctx, spec);
  *spec = ctx->spec;
  return DLOPS_SUCCESS;
}

/* ---------------------------------------------------------------- counters */
static const char *const kind_names[DLOPS_COMM_NUM_KINDS] = {"allreduce", "allgather", "bcast", "reduce",
                                                             "alltoallv", "neighbor",  "split", "meta"};

const char *dlops_comm_kind_name(dlops_comm_kind kind) {
  if ((int)kind < 0 || kind >= DLOPS_COMM_NUM_KINDS) return "?";
  return kind_names[kind];
}

int dlops_ctx_get_counter(dlops_ctx ctx, dlops_comm_kind kind, dlops_comm_counter *out) {
  CTX_OK(ctx, out);
  DLOPS_CHECK((int)kind >= 0 && kind < DLOPS_COMM_NUM_KINDS, ctx, DLOPS_ERR_ARG, "counter kind %d out of range [0,%d)",
              (int)kind, DLOPS_COMM_NUM_KINDS);
  *out = ctx->counters->k[kind];
  return DLOPS_SUCCESS;
}

int dlops_ctx_reset_counters(dlops_ctx ctx) {
  DLOPS_CALL(dlops_ctx_check(ctx));
  memset(ctx->counters->k, 0, sizeof ctx->counters->k);
  for (int k = 0; k < DLOPS_NUM_MEMSPACES; k++)
    if (ctx->mems[k]) memset(&ctx->mems[k]->cnt, 0, sizeof ctx->mems[k]->cnt);
  return DLOPS_SUCCESS;
}

int dlops_ctx_get_memspace(dlops_ctx ctx, dlops_memspace *mem) {
  CTX_OK(ctx, mem);
  *mem = ctx->mem;
  return DLOPS_SUCCESS;
}

int dlops_ctx_get_mem_counter(dlops_ctx ctx, dlops_mem_counter *out) {
  CTX_OK(ctx, out);
  memset(out, 0, sizeof *out);
  if (ctx->mems[DLOPS_MEM_DEVICE]) *out = ctx->mems[DLOPS_MEM_DEVICE]->cnt;
  return DLOPS_SUCCESS;
}

int dlops_ctx_print_counters(dlops_ctx ctx, FILE *stream) {
  int cerr = dlops_ctx_check(ctx);
  DLOPS_CALL(dlops_agree_on(cerr ? NULL : ctx, cerr, 0, NULL));
  const int K = DLOPS_COMM_NUM_KINDS;
  long long v[3 * DLOPS_COMM_NUM_KINDS];
  double t[DLOPS_COMM_NUM_KINDS];
  for (int k = 0; k < K; k++) {
    v[3 * k] = ctx->counters->k[k].calls;
    v[3 * k + 1] = ctx->counters->k[k].messages;
    v[3 * k + 2] = ctx->counters->k[k].bytes;
    t[k] = ctx->counters->k[k].seconds;
  }
  DLOPS_CALL_MPI(ctx, MPI_Allreduce(MPI_IN_PLACE, v, 3 * K, MPI_LONG_LONG, MPI_SUM, ctx->comm));
  DLOPS_CALL_MPI(ctx, MPI_Allreduce(MPI_IN_PLACE, t, K, MPI_DOUBLE, MPI_MAX, ctx->comm));
  if (ctx->rank == 0) {
    FILE *f = stream ? stream : stdout;
    fprintf(f, "dlops communication counters (%s, %d ranks; calls/messages/bytes summed over ranks, time = max)\n",
            ctx->spec, ctx->size);
    fprintf(f, "  %-10s %10s %10s %14s %12s\n", "kind", "calls", "messages", "bytes", "seconds");
    for (int k = 0; k < K; k++)
      if (v[3 * k])
        fprintf(f, "  %-10s %10lld %10lld %14lld %12.6f\n", kind_names[k], v[3 * k], v[3 * k + 1], v[3 * k + 2], t[k]);
    fflush(f);
  }
  return DLOPS_SUCCESS;
}
