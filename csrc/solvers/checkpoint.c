/* Solver checkpoints: the state of a solve between two iterations, written every
 * opts.checkpoint_every iterations and loaded again with opts.restart (see dlops/solver.h).
 *
 * Files, for prefix P and a checkpoint after iteration K:
 *   P.K.<name>.npy (P.K.<name>.<k>.npy for component k of a stacked array)
 *       the working arrays, through dlops_darray_write_npy (MPI-IO; written under a temporary
 *       name and renamed by the darray layer);
 *   P.meta
 *       a text sidecar that rank 0 writes under a temporary name, syncs and renames after every
 *       array is complete. It names the iteration K, hence its arrays: the files of the previous
 *       checkpoint stay valid until the new sidecar is in place, and are removed only then.
 *
 * Sidecar (one "key value..." per line, doubles in C99 hexadecimal "%a", read back exactly):
 *   dlops-checkpoint 1
 *   solver <name> <id> variant <v> dtype <name> nranks <P>
 *   iter <K> niter <niter>
 *   array <name> <components> then one "leaf <dtype> <ndim> <shape...>" line per component
 *   param <name> <value>       problem parameters a restart must match
 *   d|l|i <name> <value>       recurrence scalars (double, int64, int)
 *   stop <ncost> <last cost> <entries of the cost history that follow>
 *   cost <value>               one line per entry
 *   end <FNV-1a 64 of everything before this line, hex>
 *
 * Errors are agreed: every collective step is either agreed by the darray layer (.npy I/O,
 * gather/scatter) or followed by an MPI_Allreduce of the local codes on the context's
 * communicator; the sidecar is read by rank 0 and broadcast, and every rank parses the same
 * bytes, so a mismatch gives the same code and message everywhere. This file is the one place
 * in the solvers that calls MPI directly (the broadcast and the agreement). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "solver_impl.h"

#define CKPT_VERSION 1
#define CKPT_MAX_LEAVES 64

/* ------------------------------------------------------------------ registration */
void slv_ckpt_init(slv_ckpt *K) {
  memset(K, 0, sizeof *K);
  K->resumed = -1;
  K->last = -1;
}

static void add(slv_ckpt *K, const char *name, char kind, void *p, double param) {
  if (K->n >= SLV_CKPT_MAX) {
    K->overflow = 1;
    return;
  }
  slv_ckpt_item *t = &K->item[K->n++];
  t->name = name;
  t->kind = kind;
  t->p = p;
  t->param = param;
}

static void add_list(slv_ckpt *K, char kind, va_list ap) {
  const char *name;
  while ((name = va_arg(ap, const char *)) != NULL) {
    void *p = va_arg(ap, void *);
    if (kind == 'a' && !*(dlops_darray *)p) continue;
    add(K, name, kind, p, 0.0);
  }
}

void slv_ckpt_arrays(slv_ckpt *K, ...) {
  va_list ap;
  va_start(ap, K);
  add_list(K, 'a', ap);
  va_end(ap);
}
void slv_ckpt_doubles(slv_ckpt *K, ...) {
  va_list ap;
  va_start(ap, K);
  add_list(K, 'd', ap);
  va_end(ap);
}
void slv_ckpt_int64s(slv_ckpt *K, ...) {
  va_list ap;
  va_start(ap, K);
  add_list(K, 'l', ap);
  va_end(ap);
}
void slv_ckpt_ints(slv_ckpt *K, ...) {
  va_list ap;
  va_start(ap, K);
  add_list(K, 'i', ap);
  va_end(ap);
}
void slv_ckpt_param(slv_ckpt *K, const char *name, double value) { add(K, name, 'p', NULL, value); }

/* ------------------------------------------------------------------ helpers */
static MPI_Comm comm_of(const slv_run *R) {
  MPI_Comm c = MPI_COMM_NULL;
  dlops_ctx_get_comm(R->ctx, &c);
  return c;
}

/* Agree a local code: every rank returns the largest code of any rank (0 when all succeeded);
 * a rank that did not fail itself records why. */
static int agree(const slv_run *R, int err) {
  int m = err;
  if (MPI_Allreduce(&err, &m, 1, MPI_INT, MPI_MAX, comm_of(R)) != MPI_SUCCESS)
    return DLOPS_ERROR(R->ctx, DLOPS_ERR_MPI, "%s: checkpoint: the error agreement failed", R->name);
  if (m && !err) DLOPS_ERROR(R->ctx, m, "%s: checkpoint: failed on another rank", R->name);
  return m;
}

/* 1 on every rank when f is set on any rank (no message recorded). */
static int any_rank(const slv_run *R, int f, int *any) {
  int m = f;
  if (MPI_Allreduce(&f, &m, 1, MPI_INT, MPI_MAX, comm_of(R)) != MPI_SUCCESS)
    return DLOPS_ERROR(R->ctx, DLOPS_ERR_MPI, "%s: checkpoint: the error agreement failed", R->name);
  *any = m;
  return DLOPS_SUCCESS;
}

/* Growable string. */
typedef struct {
  char *s;
  size_t n, cap;
  int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) DLOPS_PRINTF(2, 3);
static void sb_printf(sbuf *b, const char *fmt, ...) {
  if (b->oom) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = b->cap - b->n;
    int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? room : 0, fmt, ap);
    va_end(ap);
    if (k < 0) {
      b->oom = 1;
      return;
    }
    if (b->s && (size_t)k < room) {
      b->n += (size_t)k;
      return;
    }
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + (size_t)k + 1) cap *= 2;
    char *t = realloc(b->s, cap);
    if (!t) {
      b->oom = 1;
      return;
    }
    b->s = t;
    b->cap = cap;
  }
}

static char *path_of(const char *prefix, int64_t it, const char *name, int leaf, int nleaves) {
  sbuf b = {0};
  if (it < 0)
    sb_printf(&b, "%s.meta", prefix);
  else if (nleaves > 1)
    sb_printf(&b, "%s.%lld.%s.%d.npy", prefix, (long long)it, name, leaf);
  else
    sb_printf(&b, "%s.%lld.%s.npy", prefix, (long long)it, name);
  if (b.oom) {
    free(b.s);
    return NULL;
  }
  return b.s;
}

static unsigned long long fnv1a(const char *s, size_t n) {
  unsigned long long h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return h;
}

/* The leaves of a (possibly stacked) array, depth first. */
static int leaves_of(dlops_darray a, dlops_darray *out, int *n) {
  int st = 0;
  DLOPS_CALL(dlops_darray_is_stacked(a, &st));
  if (!st) {
    if (*n >= CKPT_MAX_LEAVES) return DLOPS_ERROR(NULL, DLOPS_ERR_UNSUPPORTED, "checkpoint: more than %d components", CKPT_MAX_LEAVES);
    out[(*n)++] = a;
    return DLOPS_SUCCESS;
  }
  int c = 0;
  DLOPS_CALL(dlops_darray_stacked_count(a, &c));
  for (int i = 0; i < c; i++) {
    dlops_darray p = NULL;
    DLOPS_CALL(dlops_darray_stacked_get(a, i, &p));
    DLOPS_CALL(leaves_of(p, out, n));
  }
  return DLOPS_SUCCESS;
}

/* "leaf <dtype> <ndim> <shape...>" of an array. */
static void leaf_line(sbuf *b, dlops_darray a) {
  dlops_dtype t = DLOPS_F64;
  int nd = 0;
  int64_t sh[8] = {0};
  dlops_darray_get_dtype(a, &t);
  dlops_darray_get_ndim(a, &nd);
  if (nd > 8) nd = 8;
  dlops_darray_get_global_shape(a, sh);
  sb_printf(b, "leaf %s %d", dlops_dtype_name(t), nd);
  for (int i = 0; i < nd; i++) sb_printf(b, " %lld", (long long)sh[i]);
  sb_printf(b, "\n");
}

static const char *solver_dtype_name(const slv_ckpt *K) {
  for (int i = 0; i < K->n; i++)
    if (K->item[i].kind == 'a') {
      dlops_dtype t = DLOPS_F64;
      dlops_darray_get_dtype(*(dlops_darray *)K->item[i].p, &t);
      return dlops_dtype_name(t);
    }
  return "none";
}

/* The part of the sidecar a restart must match: solver, variant, dtype, array layouts, params. */
static int header_text(slv_run *R, const slv_ckpt *K, sbuf *b) {
  int P = 1;
  dlops_ctx_get_size(R->ctx, &P);
  sb_printf(b, "solver %s %d variant %d dtype %s\n", R->name, R->solver, R->o.variant, solver_dtype_name(K));
  for (int i = 0; i < K->n; i++) {
    const slv_ckpt_item *t = &K->item[i];
    if (t->kind == 'a') {
      dlops_darray lv[CKPT_MAX_LEAVES];
      int nl = 0;
      DLOPS_CALL(leaves_of(*(dlops_darray *)t->p, lv, &nl));
      sb_printf(b, "array %s %d\n", t->name, nl);
      for (int k = 0; k < nl; k++) leaf_line(b, lv[k]);
    } else if (t->kind == 'p') {
      sb_printf(b, "param %s %a\n", t->name, t->param);
    }
  }
  return DLOPS_SUCCESS;
}

/* ------------------------------------------------------------------ save */
static int write_sidecar(slv_run *R, const char *meta, const char *text, size_t n) {
  sbuf tb = {0};
  sb_printf(&tb, "%s.tmp.%ld", meta, (long)getpid());
  if (tb.oom) return DLOPS_ERROR(R->ctx, DLOPS_ERR_MEM, "%s: checkpoint: out of memory", R->name);
  int err = 0;
  FILE *f = fopen(tb.s, "wb");
  if (!f) {
    err = DLOPS_ERROR(R->ctx, DLOPS_ERR_IO, "%s: checkpoint: cannot create %s: %s", R->name, tb.s, strerror(errno));
  } else {
    int bad = fwrite(text, 1, n, f) != n;
    bad |= fflush(f) != 0;
    bad |= fsync(fileno(f)) != 0;
    int e = errno;
    bad |= fclose(f) != 0;
    if (bad) {
      err = DLOPS_ERROR(R->ctx, DLOPS_ERR_IO, "%s: checkpoint: cannot write %s: %s", R->name, tb.s, strerror(e));
    } else if (rename(tb.s, meta) != 0) {
      err = DLOPS_ERROR(R->ctx, DLOPS_ERR_IO, "%s: checkpoint: cannot rename %s to %s: %s", R->name, tb.s, meta,
                        strerror(errno));
    }
    if (err) remove(tb.s);
  }
  free(tb.s);
  return err;
}

/* Remove the array files of the checkpoint after iteration it (rank 0; errors ignored). */
static void remove_arrays(slv_run *R, const slv_ckpt *K, int64_t it) {
  for (int i = 0; i < K->n; i++) {
    const slv_ckpt_item *t = &K->item[i];
    if (t->kind != 'a') continue;
    dlops_darray lv[CKPT_MAX_LEAVES];
    int nl = 0;
    if (leaves_of(*(dlops_darray *)t->p, lv, &nl)) continue;
    for (int k = 0; k < nl; k++) {
      char *p = path_of(R->o.checkpoint_prefix, it, t->name, k, nl);
      if (p) remove(p);
      free(p);
    }
  }
}

int slv_ckpt_save(slv_run *R, slv_ckpt *K, int64_t it) {
  const char *prefix = R->o.checkpoint_prefix;
  int err = 0;
  /* 1. the arrays (each write is collective and agreed by the darray layer) */
  for (int i = 0; i < K->n && !err; i++) {
    const slv_ckpt_item *t = &K->item[i];
    if (t->kind != 'a') continue;
    dlops_darray lv[CKPT_MAX_LEAVES];
    int nl = 0;
    err = leaves_of(*(dlops_darray *)t->p, lv, &nl); /* same structure on every rank */
    for (int k = 0; k < nl && !err; k++) {
      char *p = path_of(prefix, it, t->name, k, nl);
      err = agree(R, p ? 0 : DLOPS_ERROR(R->ctx, DLOPS_ERR_MEM, "%s: checkpoint: out of memory", R->name));
      if (!err) {
        err = dlops_darray_write_npy(lv[k], p);
        if (err)
          err = DLOPS_ERROR(R->ctx, err, "%s: checkpoint: cannot write %s (%s)", R->name, p, dlops_last_error());
      }
      free(p);
    }
  }
  if (err) return err;
  /* 2. the sidecar, on rank 0, under a temporary name */
  if (R->rank == 0) {
    sbuf b = {0};
    int P = 1;
    dlops_ctx_get_size(R->ctx, &P);
    sb_printf(&b, "dlops-checkpoint %d\n", CKPT_VERSION);
    err = header_text(R, K, &b);
    sb_printf(&b, "nranks %d\niter %lld niter %lld\n", P, (long long)it, (long long)R->o.niter);
    for (int i = 0; i < K->n; i++) {
      const slv_ckpt_item *t = &K->item[i];
      if (t->kind == 'd') sb_printf(&b, "d %s %a\n", t->name, *(const double *)t->p);
      else if (t->kind == 'l') sb_printf(&b, "l %s %lld\n", t->name, (long long)*(const int64_t *)t->p);
      else if (t->kind == 'i') sb_printf(&b, "i %s %d\n", t->name, *(const int *)t->p);
    }
    int64_t nh = R->o.cost ? (R->ncost < R->o.niter + 1 ? R->ncost : R->o.niter + 1) : 0;
    sb_printf(&b, "stop %lld %a %lld\n", (long long)R->ncost, R->last_cost, (long long)nh);
    for (int64_t k = 0; k < nh; k++) sb_printf(&b, "cost %a\n", R->o.cost[k]);
    if (!b.oom) sb_printf(&b, "end %016llx\n", fnv1a(b.s, b.n));
    if (!err && b.oom) err = DLOPS_ERROR(R->ctx, DLOPS_ERR_MEM, "%s: checkpoint: out of memory", R->name);
    if (!err) {
      char *meta = path_of(prefix, -1, NULL, 0, 0);
      err = meta ? write_sidecar(R, meta, b.s, b.n) : DLOPS_ERROR(R->ctx, DLOPS_ERR_MEM, "%s: checkpoint: out of memory", R->name);
      free(meta);
    }
    free(b.s);
  }
  err = agree(R, err);
  if (err) return err;
  /* 3. the previous checkpoint's arrays are no longer named by any sidecar */
  if (R->rank == 0 && K->last >= 0 && K->last != it) remove_arrays(R, K, K->last);
  K->last = it;
  return DLOPS_SUCCESS;
}

int slv_ckpt_step(slv_run *R, slv_ckpt *K, int64_t it) {
  int64_t every = R->o.checkpoint_every;
  if (every <= 0 || it <= 0 || it % every != 0 || it == K->resumed) return DLOPS_SUCCESS;
  return slv_ckpt_save(R, K, it);
}

/* ------------------------------------------------------------------ load */
/* Rank 0 reads the sidecar; every rank gets the bytes (or the reason there are none).
 * *missing = 1 when the file does not exist. */
static int read_sidecar(slv_run *R, const char *meta, char **text, size_t *len, int *missing) {
  long long hdr[3] = {0, 0, 0}; /* status (0 ok, 1 missing, 2 error), errno, length */
  char *buf = NULL;
  *text = NULL;
  *missing = 0;
  if (R->rank == 0) {
    struct stat st;
    FILE *f = NULL;
    if (stat(meta, &st) != 0) {
      hdr[0] = errno == ENOENT ? 1 : 2;
      hdr[1] = errno;
    } else if (!S_ISREG(st.st_mode)) {
      hdr[0] = 2;
      hdr[1] = EINVAL;
    } else if (st.st_size > (1LL << 30)) {
      hdr[0] = 2;
      hdr[1] = EFBIG;
    } else if (!(f = fopen(meta, "rb"))) {
      hdr[0] = 2;
      hdr[1] = errno;
    } else {
      size_t n = (size_t)st.st_size;
      buf = malloc(n + 1);
      if (!buf) {
        hdr[0] = 2;
        hdr[1] = ENOMEM;
      } else if (fread(buf, 1, n, f) != n) {
        hdr[0] = 2;
        hdr[1] = ferror(f) ? EIO : EINVAL;
      } else {
        hdr[2] = (long long)n;
      }
      fclose(f);
    }
  }
  MPI_Comm c = comm_of(R);
  if (MPI_Bcast(hdr, 3, MPI_LONG_LONG, 0, c) != MPI_SUCCESS) {
    free(buf);
    return agree(R, DLOPS_ERROR(R->ctx, DLOPS_ERR_MPI, "%s: checkpoint: broadcast of the sidecar failed", R->name));
  }
  if (hdr[0] == 1) {
    free(buf);
    *missing = 1;
    if (R->o.restart == 2) return DLOPS_ERR_IO; /* not an error for the caller: a fresh start */
    return DLOPS_ERROR(R->ctx, DLOPS_ERR_IO, "%s: restart: no checkpoint sidecar %s (restart = 2 starts afresh instead)",
                       R->name, meta);
  }
  if (hdr[0] == 2) {
    free(buf);
    return DLOPS_ERROR(R->ctx, DLOPS_ERR_IO, "%s: restart: cannot read the checkpoint sidecar %s: %s", R->name, meta,
                       hdr[1] == EINVAL ? "not a regular file or truncated" : strerror((int)hdr[1]));
  }
  size_t n = (size_t)hdr[2];
  int e = 0;
  if (R->rank != 0) {
    buf = malloc(n + 1);
    e = buf ? 0 : DLOPS_ERROR(R->ctx, DLOPS_ERR_MEM, "%s: restart: out of memory", R->name);
  }
  e = agree(R, e);
  if (e) {
    free(buf);
    return e;
  }
  if (MPI_Bcast(buf, (int)n, MPI_CHAR, 0, c) != MPI_SUCCESS) {
    free(buf);
    return agree(R, DLOPS_ERROR(R->ctx, DLOPS_ERR_MPI, "%s: checkpoint: broadcast of the sidecar failed", R->name));
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return DLOPS_SUCCESS;
}

/* Line cursor over the sidecar text. */
typedef struct {
  char *p, *end;
  int line;
} cursor;

static char *next_line(cursor *c) {
  if (c->p >= c->end) return NULL;
  char *s = c->p, *nl = memchr(s, '\n', (size_t)(c->end - s));
  if (!nl) return NULL; /* every line ends with a newline */
  *nl = '\0';
  c->p = nl + 1;
  c->line++;
  return s;
}

/* Parse a double written with %a (or nan/inf) that fills the whole token. */
static int parse_double(const char *s, double *v) {
  char *e = NULL;
  errno = 0;
  *v = strtod(s, &e);
  return e != s && *e == '\0';
}

/* Read one array file into the working array dst (a leaf). The file's default split may differ
 * from dst's (explicit local sizes, a mask): then rank 0 gathers and scatters. */
static int load_leaf(slv_run *R, const char *path, dlops_darray dst) {
  int axis = 0, nd = 0, ndf = 0;
  dlops_partition part = DLOPS_SCATTER;
  dlops_dtype t = DLOPS_F64, tf = DLOPS_F64;
  int64_t sh[8] = {0}, shf[8] = {0};
  DLOPS_CALL(dlops_darray_get_axis(dst, &axis));
  DLOPS_CALL(dlops_darray_get_partition(dst, &part));
  DLOPS_CALL(dlops_darray_get_dtype(dst, &t));
  DLOPS_CALL(dlops_darray_get_ndim(dst, &nd));
  DLOPS_CALL(dlops_darray_get_global_shape(dst, sh));
  dlops_darray f = NULL;
  int err = dlops_darray_read_npy(R->ctx, path, axis, part == DLOPS_SCATTER ? DLOPS_SCATTER : DLOPS_BROADCAST, &f);
  if (err) {
    return DLOPS_ERROR(R->ctx, err, "%s: restart: cannot read the checkpoint array %s (%s)", R->name, path,
                       dlops_last_error());
  }
  /* global properties: the same on every rank */
  dlops_darray_get_dtype(f, &tf);
  dlops_darray_get_ndim(f, &ndf);
  if (ndf == nd) dlops_darray_get_global_shape(f, shf);
  if (tf != t || ndf != nd || memcmp(sh, shf, sizeof(int64_t) * (size_t)(nd > 8 ? 8 : nd)) != 0) {
    dlops_darray_destroy(&f);
    return DLOPS_ERROR(R->ctx, DLOPS_ERR_IO, "%s: restart: %s does not match its sidecar (element type or shape)",
                       R->name, path);
  }
  int other = 0;
  err = any_rank(R, dlops_darray_copy(f, dst) != DLOPS_SUCCESS, &other);
  if (!err && other) {
    /* another split: through rank 0 */
    int64_t ng = 0;
    dlops_darray_get_global_size(dst, &ng);
    void *g = NULL;
    int e = 0;
    if (R->rank == 0) {
      g = malloc((size_t)(ng > 0 ? ng : 1) * dlops_dtype_size(t));
      if (!g) e = DLOPS_ERROR(R->ctx, DLOPS_ERR_MEM, "%s: restart: out of memory for %s", R->name, path);
    }
    err = agree(R, e);
    if (!err) err = dlops_darray_gather(f, g, 0);
    if (!err) err = dlops_darray_scatter(dst, g, 0);
    free(g);
  }
  dlops_darray_destroy(&f);
  return err;
}

#define BAD_IO(...) DLOPS_ERROR(R->ctx, DLOPS_ERR_IO, __VA_ARGS__)
#define BAD_ARG(...) DLOPS_ERROR(R->ctx, DLOPS_ERR_ARG, __VA_ARGS__)

/* Check the sidecar against this solve and store its scalars (not the arrays) in temporaries:
 * vals[i] for item i, plus the iteration and stop bookkeeping. Deterministic in the bytes, so
 * every rank takes the same decision without communication. */
typedef struct {
  int64_t iter, ncost, nh;
  double last_cost;
  double *hist;
  double d[SLV_CKPT_MAX];
  long long l[SLV_CKPT_MAX];
} parsed;

static int parse_sidecar(slv_run *R, const slv_ckpt *K, const char *meta, char *text, size_t n, parsed *out) {
  /* integrity: the last line is "end <hash of everything before it>" */
  if (n < 5 || text[n - 1] != '\n') return BAD_IO("%s: restart: checkpoint sidecar %s is truncated", R->name, meta);
  size_t k = n - 1;
  while (k > 0 && text[k - 1] != '\n') k--;
  unsigned long long h = 0;
  if (n - k >= 64 || sscanf(text + k, "end %llx", &h) != 1 || fnv1a(text, k) != h)
    return BAD_IO("%s: restart: checkpoint sidecar %s is corrupt or truncated (checksum)", R->name, meta);
  cursor c = {text, text + k, 0};
  char *ln = next_line(&c);
  int ver = 0;
  if (!ln || sscanf(ln, "dlops-checkpoint %d", &ver) != 1)
    return BAD_IO("%s: restart: %s is not a dlops checkpoint sidecar", R->name, meta);
  if (ver != CKPT_VERSION)
    return BAD_IO("%s: restart: %s has format version %d, this build reads version %d", R->name, meta, ver,
                  CKPT_VERSION);
  /* the header lines must equal those of this solve, line by line */
  sbuf hb = {0};
  int err = header_text(R, K, &hb);
  if (!err && hb.oom) err = DLOPS_ERROR(R->ctx, DLOPS_ERR_MEM, "%s: restart: out of memory", R->name);
  if (err) {
    free(hb.s);
    return err;
  }
  cursor e = {hb.s, hb.s + hb.n, 0};
  char *want;
  while ((want = next_line(&e)) != NULL) {
    ln = next_line(&c);
    if (!ln || strcmp(ln, want) != 0) {
      char got[160];
      snprintf(got, sizeof got, "%s", ln ? ln : "(end of file)");
      err = BAD_ARG("%s: restart: checkpoint %s does not match this problem: it has \"%s\" where this solve has \"%s\"",
                    R->name, meta, got, want);
      break;
    }
  }
  free(hb.s);
  if (err) return err;
  int P = 0;
  long long it = -1, ni = 0;
  if (!(ln = next_line(&c)) || sscanf(ln, "nranks %d", &P) != 1 || !(ln = next_line(&c)) ||
      sscanf(ln, "iter %lld niter %lld", &it, &ni) != 2 || it < 0)
    return BAD_IO("%s: restart: checkpoint sidecar %s is malformed (line %d)", R->name, meta, c.line);
  if (it > R->o.niter)
    return BAD_ARG("%s: restart: the checkpoint in %s is after iteration %lld, beyond niter = %lld", R->name, meta, it,
                   (long long)R->o.niter);
  out->iter = it;
  for (int i = 0; i < K->n; i++) {
    const slv_ckpt_item *t = &K->item[i];
    if (t->kind == 'a' || t->kind == 'p') continue;
    char kind[4], name[64], val[96];
    if (!(ln = next_line(&c)) || sscanf(ln, "%3s %63s %95s", kind, name, val) != 3 || kind[0] != t->kind ||
        kind[1] != '\0' || strcmp(name, t->name) != 0)
      return BAD_IO("%s: restart: checkpoint sidecar %s is malformed at line %d (expected %c %s)", R->name, meta, c.line,
                    t->kind, t->name);
    char *endp = NULL;
    if (t->kind == 'd') {
      if (!parse_double(val, &out->d[i])) return BAD_IO("%s: restart: bad value of %s in %s", R->name, t->name, meta);
    } else {
      errno = 0;
      out->l[i] = strtoll(val, &endp, 10);
      if (endp == val || *endp != '\0' || errno)
        return BAD_IO("%s: restart: bad value of %s in %s", R->name, t->name, meta);
    }
  }
  long long nc = 0, nh = 0;
  char lc[96];
  if (!(ln = next_line(&c)) || sscanf(ln, "stop %lld %95s %lld", &nc, lc, &nh) != 3 || !parse_double(lc, &out->last_cost) ||
      nc < 0 || nh < 0 || nh > nc || nh > it + 1)
    return BAD_IO("%s: restart: checkpoint sidecar %s is malformed (stop line)", R->name, meta);
  out->ncost = nc;
  out->nh = nh;
  out->hist = malloc(sizeof(double) * (size_t)(nh > 0 ? nh : 1));
  if (!out->hist) return DLOPS_ERROR(R->ctx, DLOPS_ERR_MEM, "%s: restart: out of memory", R->name);
  for (long long j = 0; j < nh; j++) {
    char v[96];
    if (!(ln = next_line(&c)) || sscanf(ln, "cost %95s", v) != 1 || !parse_double(v, &out->hist[j]))
      return BAD_IO("%s: restart: checkpoint sidecar %s is malformed (cost history)", R->name, meta);
  }
  if (next_line(&c)) return BAD_IO("%s: restart: checkpoint sidecar %s has unexpected lines", R->name, meta);
  return DLOPS_SUCCESS;
}

int slv_ckpt_load(slv_run *R, slv_ckpt *K, int64_t *itp, int *loaded) {
  *loaded = 0;
  const char *prefix = R->o.checkpoint_prefix;
  char *meta = path_of(prefix, -1, NULL, 0, 0);
  int err = agree(R, meta ? 0 : DLOPS_ERROR(R->ctx, DLOPS_ERR_MEM, "%s: restart: out of memory", R->name));
  if (err) return err;
  char *text = NULL;
  size_t n = 0;
  int missing = 0;
  parsed pz;
  memset(&pz, 0, sizeof pz);
  err = read_sidecar(R, meta, &text, &n, &missing);
  if (err) {
    if (missing && R->o.restart == 2) err = DLOPS_SUCCESS; /* nothing to resume: a fresh start */
    goto out;
  }
  err = parse_sidecar(R, K, meta, text, n, &pz);
  if (err) goto out;
  /* the arrays */
  for (int i = 0; i < K->n && !err; i++) {
    const slv_ckpt_item *t = &K->item[i];
    if (t->kind != 'a') continue;
    dlops_darray lv[CKPT_MAX_LEAVES];
    int nl = 0;
    err = leaves_of(*(dlops_darray *)t->p, lv, &nl);
    for (int k = 0; k < nl && !err; k++) {
      char *p = path_of(prefix, pz.iter, t->name, k, nl);
      err = agree(R, p ? 0 : DLOPS_ERROR(R->ctx, DLOPS_ERR_MEM, "%s: restart: out of memory", R->name));
      if (!err) err = load_leaf(R, p, lv[k]);
      free(p);
    }
  }
  if (err) goto out;
  /* the scalars and the bookkeeping */
  for (int i = 0; i < K->n; i++) {
    const slv_ckpt_item *t = &K->item[i];
    if (t->kind == 'd') *(double *)t->p = pz.d[i];
    else if (t->kind == 'l') *(int64_t *)t->p = (int64_t)pz.l[i];
    else if (t->kind == 'i') *(int *)t->p = (int)pz.l[i];
  }
  R->ncost = pz.ncost;
  R->last_cost = pz.last_cost;
  if (R->o.cost) {
    int64_t cap = R->o.niter + 1, m = pz.ncost < cap ? pz.ncost : cap;
    for (int64_t j = 0; j < m; j++) R->o.cost[j] = j < pz.nh ? pz.hist[j] : NAN;
  }
  *itp = pz.iter;
  *loaded = 1;
out:
  free(pz.hist);
  free(text);
  free(meta);
  return err;
}

int slv_ckpt_resume(slv_run *R, slv_ckpt *K, int64_t *it, int *reason) {
  const dlops_solver_opts *o = &R->o;
  /* options are the same on every rank (documented), so these checks agree without messages */
  DLOPS_CHECK(!K->overflow, R->ctx, DLOPS_ERR_INTERNAL, "%s: checkpoint: too many state entries", R->name);
  DLOPS_CHECK(o->checkpoint_every >= 0, R->ctx, DLOPS_ERR_ARG, "%s: checkpoint_every must be >= 0, got %lld", R->name,
              (long long)o->checkpoint_every);
  DLOPS_CHECK(o->restart >= 0 && o->restart <= 2, R->ctx, DLOPS_ERR_ARG, "%s: restart must be 0, 1 or 2, got %d",
              R->name, o->restart);
  DLOPS_CHECK(!(o->checkpoint_every > 0 || o->restart) || (o->checkpoint_prefix && o->checkpoint_prefix[0]), R->ctx,
              DLOPS_ERR_ARG, "%s: checkpoint_every or restart needs a checkpoint_prefix", R->name);
  if (!o->restart) return DLOPS_SUCCESS;
  int loaded = 0;
  int64_t k = 0;
  DLOPS_CALL(slv_ckpt_load(R, K, &k, &loaded));
  if (loaded) {
    *it = k;
    *reason = DLOPS_SOLVER_RUNNING;
    K->resumed = k;
    K->last = k;
  }
  return DLOPS_SUCCESS;
}
