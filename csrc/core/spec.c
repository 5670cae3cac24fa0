/* Spec string parsing (spec.h): a pure function of the string and DLOPS_DETERMINISTIC, no MPI.
 * The spec is scanned in place, token by token, so its length does not matter; messages quote at
 * most SPEC_QUOTE characters of a token. */
#include "spec.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlops.h"

const char *const dlops_spec_backend_names[DLOPS_SPEC_NUM_BACKENDS] = {
#define DLOPS_BACKEND(id, name) name,
#include "registry.def"
};
const char *const dlops_spec_mem_names[DLOPS_SPEC_NUM_MEMSPACES] = {
#define DLOPS_MEMSPACE(id, name) name,
#include "registry.def"
};
const char *const dlops_spec_sync_names[3] = {"fence", "pscw", "lock_all"};
static const char *const key_names[] = {"comm", "mem", "sync", "log", "errors", "stage", "deterministic", "log_view"};
static const unsigned key_bits[] = {DLOPS_SPEC_COMM,   DLOPS_SPEC_MEM,   DLOPS_SPEC_SYNC,          DLOPS_SPEC_LOG,
                                    DLOPS_SPEC_ERRORS, DLOPS_SPEC_STAGE, DLOPS_SPEC_DETERMINISTIC, DLOPS_SPEC_LOG_VIEW};
#define NKEYS ((int)(sizeof key_names / sizeof key_names[0]))
static const char *const stage_names[] = {"auto", "always", "never"};
static const char *const error_names[] = {"return", "abort"};
static const char *const delims = " \t\n,;";

#define SPEC_QUOTE 64 /* characters of a token quoted in a message */

/* A piece of the spec: not NUL-terminated. */
typedef struct {
  const char *p;
  size_t n;
} span;

static int span_is(span s, const char *w) { return strlen(w) == s.n && !memcmp(s.p, w, s.n); }

/* Quote length and ellipsis for "%.*s%s". */
static int qlen(span s) { return s.n > SPEC_QUOTE ? SPEC_QUOTE : (int)s.n; }
static const char *qdots(span s) { return s.n > SPEC_QUOTE ? "..." : ""; }

/* Case-insensitive Levenshtein distance; words over 63 characters are far from everything. */
static int edit_distance(span a, const char *b) {
  size_t la = a.n, lb = strlen(b);
  if (la > 63 || lb > 63) return 99;
  int d[64][64];
  for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      int c = d[i - 1][j - 1] + (tolower((unsigned char)a.p[i - 1]) != tolower((unsigned char)b[j - 1]));
      if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
      d[i][j] = c;
    }
  return d[la][lb];
}

static const char *nearest(span word, const char *const *names, int n) {
  int best = 1 << 30;
  const char *b = names[0];
  for (int i = 0; i < n; i++) {
    int e = edit_distance(word, names[i]);
    if (e < best) {
      best = e;
      b = names[i];
    }
  }
  return b;
}

#if defined(__GNUC__)
static int fail(char *errbuf, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif

static int fail(char *errbuf, size_t errlen, const char *fmt, ...) {
  if (errbuf && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
  }
  return DLOPS_ERR_ARG;
}

/* Index of val in names, or an error suggesting the nearest. */
static int lookup(span key, span val, const char *const *names, int n, int *out, char *errbuf, size_t errlen) {
  for (int i = 0; i < n; i++)
    if (span_is(val, names[i])) {
      *out = i;
      return DLOPS_SUCCESS;
    }
  return fail(errbuf, errlen, "unknown value '%.*s%s' for spec key '%.*s': did you mean '%s'?", qlen(val), val.p,
              qdots(val), (int)key.n, key.p, nearest(val, names, n));
}

int dlops_spec_parse(const char *spec, dlops_spec_fields *out, char *errbuf, size_t errlen) {
  dlops_spec_fields tmp, *f = out ? out : &tmp; /* filled as the spec is read */
  memset(f, 0, sizeof *f);
  f->sync = 2; /* lock_all */
  if (errbuf && errlen) errbuf[0] = '\0';
  span where[NKEYS]; /* the token that gave each key, for the repeated-key message */
  memset(where, 0, sizeof where);
  const char *p = spec ? spec : "";
  for (;;) {
    p += strspn(p, delims);
    if (!*p) break;
    span tok = {p, strcspn(p, delims)};
    p += tok.n;
    if (span_is(tok, "help") || span_is(tok, "comm=help")) {
      f->help = 1;
      continue;
    }
    const char *eq = memchr(tok.p, '=', tok.n);
    span key, val;
    int k, v = 0;
    if (!eq) {
      /* A bare backend name is accepted as comm=NAME. */
      for (v = 0; v < DLOPS_SPEC_NUM_BACKENDS; v++)
        if (span_is(tok, dlops_spec_backend_names[v])) break;
      if (v == DLOPS_SPEC_NUM_BACKENDS)
        return fail(errbuf, errlen,
                    "spec token '%.*s%s' is not key=value: did you mean 'comm=%s'? (spec \"help\" lists the backends)",
                    qlen(tok), tok.p, qdots(tok), nearest(tok, dlops_spec_backend_names, DLOPS_SPEC_NUM_BACKENDS));
      key = (span){"comm", 4};
      val = tok;
    } else {
      key = (span){tok.p, (size_t)(eq - tok.p)};
      val = (span){eq + 1, tok.n - key.n - 1};
    }
    for (k = 0; k < NKEYS; k++)
      if (span_is(key, key_names[k])) break;
    if (k == NKEYS)
      return fail(errbuf, errlen,
                  "unknown spec key '%.*s%s': did you mean '%s'? (valid: comm, mem, sync, log, errors, stage, "
                  "deterministic, log_view)",
                  qlen(key), key.p, qdots(key), nearest(key, key_names, NKEYS));
    if (f->given & key_bits[k])
      return fail(errbuf, errlen, "spec key '%s' given twice ('%.*s%s' and '%.*s%s'): give each key once",
                  key_names[k], qlen(where[k]), where[k].p, qdots(where[k]), qlen(tok), tok.p, qdots(tok));
    f->given |= key_bits[k];
    where[k] = tok;
    int e = DLOPS_SUCCESS;
    switch (k) {
      case 0: /* comm */
        e = lookup(key, val, dlops_spec_backend_names, DLOPS_SPEC_NUM_BACKENDS, &v, errbuf, errlen);
        f->backend = v;
        break;
      case 1: /* mem */
        if (span_is(val, "gpu") || span_is(val, "cuda")) val = (span){"device", 6}; /* what people type */
        e = lookup(key, val, dlops_spec_mem_names, DLOPS_SPEC_NUM_MEMSPACES, &v, errbuf, errlen);
        f->space = v;
        f->emu = v == DLOPS_SPEC_MEM_EMU;
        f->mem = v != DLOPS_SPEC_MEM_HOST;
        break;
      case 2: e = lookup(key, val, dlops_spec_sync_names, 3, &f->sync, errbuf, errlen); break;
      case 3: /* log */
      case 6: /* deterministic */
      case 7: /* log_view */
        if (!span_is(val, "0") && !span_is(val, "1"))
          return fail(errbuf, errlen, "spec key '%s' takes 0 or 1, not '%.*s%s'", key_names[k], qlen(val), val.p,
                      qdots(val));
        if (k == 3)
          f->log = val.p[0] == '1';
        else if (k == 7)
          f->log_view = val.p[0] == '1';
        else
          f->deterministic = val.p[0] == '1';
        break;
      case 4: e = lookup(key, val, error_names, 2, &f->abort_on_error, errbuf, errlen); break;
      case 5: e = lookup(key, val, stage_names, 3, &f->stage, errbuf, errlen); break;
    }
    if (e) return e;
  }
  if (!(f->given & DLOPS_SPEC_DETERMINISTIC)) {
    const char *env = getenv("DLOPS_DETERMINISTIC");
    if (env && env[0] && strcmp(env, "0") && strcmp(env, "1")) {
      span s = {env, strlen(env)};
      return fail(errbuf, errlen,
                  "environment variable DLOPS_DETERMINISTIC takes 0 or 1 (or unset), not '%.*s%s'", qlen(s), s.p,
                  qdots(s));
    }
    f->deterministic = env && !strcmp(env, "1");
  }
  if (!(f->given & DLOPS_SPEC_LOG_VIEW)) {
    const char *env = getenv("DLOPS_LOG_VIEW");
    if (env && env[0] && strcmp(env, "0") && strcmp(env, "1")) {
      span s = {env, strlen(env)};
      return fail(errbuf, errlen, "environment variable DLOPS_LOG_VIEW takes 0 or 1 (or unset), not '%.*s%s'",
                  qlen(s), s.p, qdots(s));
    }
    f->log_view = env && !strcmp(env, "1");
  }
  if (f->backend == DLOPS_SPEC_BACKEND_NCCL && !(f->given & DLOPS_SPEC_MEM)) { /* nccl: device memory by default */
    f->mem = 1;
    f->space = DLOPS_SPEC_MEM_DEVICE;
  }
  if (f->backend == DLOPS_SPEC_BACKEND_NCCL && f->mem == 0)
    return fail(errbuf, errlen, "comm=nccl works on device memory only: drop mem=host or use comm=mpi");
  /* sync= picks how the rma backend's windows synchronise: with another backend it would be
   * silently ignored, so it is refused */
  if ((f->given & DLOPS_SPEC_SYNC) && f->backend != DLOPS_SPEC_BACKEND_RMA)
    return fail(errbuf, errlen,
                "spec key 'sync=%s' applies to comm=rma only (one-sided windows), not comm=%s: drop it or use "
                "comm=rma",
                dlops_spec_sync_names[f->sync], dlops_spec_backend_names[f->backend]);
  return DLOPS_SUCCESS;
}
