/* Application options (include/dlops/options.h): key=value tokens from an environment variable
 * and argv, typed getters that remember what was asked for (the -help listing) and which given
 * options were used (the unused report). Local, no MPI. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlops.h"
#include "error.h"

extern char **environ; /* POSIX */

/* The value of the environment variable the application names (env_var of
 * dlops_options_create), or NULL. It is the application's variable, documented by it (the
 * library's own variables are docs/environment.md's), so it is looked up in environ rather than
 * with getenv, whose literal arguments docs/check_docs.py collects. */
static const char *app_env(const char *name) {
  if (!name || !name[0] || strchr(name, '=')) return NULL;
  const size_t n = strlen(name);
  for (char **e = environ; e && *e; e++)
    if (!strncmp(*e, name, n) && (*e)[n] == '=') return *e + n + 1;
  return NULL;
}

typedef struct {
  char *key, *val; /* val NULL: a positional argument (key holds it) */
  int used;
} opt_given;

typedef struct {
  char *key, *type, *def, *help;
} opt_asked;

struct dlops_options_s {
  opt_given *g;
  int ng, capg;
  opt_asked *a;
  int na, capa;
  int help;
};

static char *dupstr(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

static int is_help(const char *t, size_t n) {
  static const char *const h[] = {"help", "-help", "--help", "-h"};
  for (int i = 0; i < 4; i++)
    if (strlen(h[i]) == n && !memcmp(t, h[i], n)) return 1;
  return 0;
}

/* Add the token t[0..n). */
static int add_token(dlops_options o, const char *t, size_t n) {
  if (is_help(t, n)) {
    o->help = 1;
    return DLOPS_SUCCESS;
  }
  const char *eq = memchr(t, '=', n);
  const char *k = t;
  size_t kn = eq ? (size_t)(eq - t) : n;
  if (eq) { /* -key=value and --key=value are key=value */
    if (kn && *k == '-') k++, kn--;
    if (kn && *k == '-') k++, kn--;
    DLOPS_CHECK(kn > 0, NULL, DLOPS_ERR_ARG, "options: token '%.*s' has an empty key (expected key=value)",
                (int)(n > 64 ? 64 : n), t);
  }
  if (o->ng == o->capg) {
    int cap = o->capg ? 2 * o->capg : 16;
    opt_given *g = realloc(o->g, sizeof *g * (size_t)cap);
    DLOPS_CHECK(g, NULL, DLOPS_ERR_MEM, "options: out of memory");
    o->g = g;
    o->capg = cap;
  }
  opt_given *g = &o->g[o->ng];
  g->used = 0;
  g->key = dupstr(k, kn);
  g->val = eq ? dupstr(eq + 1, n - (size_t)(eq + 1 - t)) : NULL;
  if (!g->key || (eq && !g->val)) {
    free(g->key);
    free(g->val);
    return DLOPS_ERROR(NULL, DLOPS_ERR_MEM, "options: out of memory");
  }
  o->ng++;
  return DLOPS_SUCCESS;
}

int dlops_options_insert(dlops_options o, const char *token) {
  DLOPS_CHECK(o && token, NULL, DLOPS_ERR_ARG, "options: null %s", o ? "token" : "options handle");
  return add_token(o, token, strlen(token));
}

int dlops_options_destroy(dlops_options *op) {
  DLOPS_CHECK(op, NULL, DLOPS_ERR_ARG, "options: null pointer");
  dlops_options o = *op;
  if (!o) return DLOPS_SUCCESS;
  for (int i = 0; i < o->ng; i++) {
    free(o->g[i].key);
    free(o->g[i].val);
  }
  for (int i = 0; i < o->na; i++) {
    free(o->a[i].key);
    free(o->a[i].type);
    free(o->a[i].def);
    free(o->a[i].help);
  }
  free(o->g);
  free(o->a);
  free(o);
  *op = NULL;
  return DLOPS_SUCCESS;
}

int dlops_options_create(int argc, char **argv, const char *env_var, dlops_options *out) {
  DLOPS_CHECK(out, NULL, DLOPS_ERR_ARG, "dlops_options_create: null output pointer");
  *out = NULL;
  DLOPS_CHECK(argc >= 0 && (argv || argc == 0), NULL, DLOPS_ERR_ARG,
              "dlops_options_create: argc = %d with %s argv", argc, argv ? "an" : "a NULL");
  dlops_options o = calloc(1, sizeof *o);
  DLOPS_CHECK(o, NULL, DLOPS_ERR_MEM, "options: out of memory");
  int err = DLOPS_SUCCESS;
  const char *env = app_env(env_var);
  static const char *const delims = " \t\n,;";
  for (const char *p = env; p && *p && !err;) {
    p += strspn(p, delims);
    size_t n = strcspn(p, delims);
    if (n) err = add_token(o, p, n);
    p += n;
  }
  for (int i = 1; i < argc && !err; i++)
    if (argv[i]) err = add_token(o, argv[i], strlen(argv[i]));
  if (err) {
    dlops_options_destroy(&o);
    return err;
  }
  *out = o;
  return DLOPS_SUCCESS;
}

/* Remember that key was asked for (first time only). */
static void remember(dlops_options o, const char *key, const char *type, const char *def, const char *help) {
  for (int i = 0; i < o->na; i++)
    if (!strcmp(o->a[i].key, key)) return;
  if (o->na == o->capa) {
    int cap = o->capa ? 2 * o->capa : 16;
    opt_asked *a = realloc(o->a, sizeof *a * (size_t)cap);
    if (!a) return; /* the listing lacks it: not worth failing the query */
    o->a = a;
    o->capa = cap;
  }
  opt_asked *a = &o->a[o->na];
  a->key = dupstr(key, strlen(key));
  a->type = dupstr(type, strlen(type));
  a->def = def ? dupstr(def, strlen(def)) : NULL;
  a->help = help ? dupstr(help, strlen(help)) : NULL;
  if (a->key && a->type) o->na++;
}

/* The last value given for key (marking every copy used), or NULL. */
static const char *lookup(dlops_options o, const char *key) {
  const char *v = NULL;
  for (int i = 0; i < o->ng; i++)
    if (o->g[i].val && !strcmp(o->g[i].key, key)) {
      o->g[i].used = 1;
      v = o->g[i].val;
    }
  return v;
}

#define GET_ARGS(o, key, out)                                                                     \
  DLOPS_CHECK((o) && (key) && (out), NULL, DLOPS_ERR_ARG, "options: null %s",                    \
              !(o) ? "options handle" : !(key) ? "key" : "output pointer")

int dlops_options_get_int(dlops_options o, const char *key, int64_t def, const char *help, int64_t *out) {
  GET_ARGS(o, key, out);
  *out = def;
  char d[32];
  snprintf(d, sizeof d, "%lld", (long long)def);
  remember(o, key, "int", d, help);
  const char *v = lookup(o, key);
  if (!v) return DLOPS_SUCCESS;
  char *end = NULL;
  errno = 0;
  long long x = strtoll(v, &end, 10);
  DLOPS_CHECK(*v && !isspace((unsigned char)*v) && end && !*end && errno != ERANGE, NULL, DLOPS_ERR_ARG,
              "option %s=%.64s: expected a whole number (int64 range)%s", key, v,
              errno == ERANGE ? ", this one overflows" : "");
  *out = (int64_t)x;
  return DLOPS_SUCCESS;
}

int dlops_options_get_double(dlops_options o, const char *key, double def, const char *help, double *out) {
  GET_ARGS(o, key, out);
  *out = def;
  char d[32];
  snprintf(d, sizeof d, "%g", def);
  remember(o, key, "real", d, help);
  const char *v = lookup(o, key);
  if (!v) return DLOPS_SUCCESS;
  char *end = NULL;
  errno = 0;
  double x = strtod(v, &end);
  DLOPS_CHECK(*v && !isspace((unsigned char)*v) && end && !*end && isfinite(x) && errno != ERANGE, NULL,
              DLOPS_ERR_ARG, "option %s=%.64s: expected a finite real number (e.g. 1e-3)", key, v);
  *out = x;
  return DLOPS_SUCCESS;
}

static int ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
  return !*a && !*b;
}

int dlops_options_get_bool(dlops_options o, const char *key, int def, const char *help, int *out) {
  GET_ARGS(o, key, out);
  *out = def != 0;
  remember(o, key, "bool", def ? "1" : "0", help);
  const char *v = lookup(o, key);
  if (!v) return DLOPS_SUCCESS;
  static const char *const yes[] = {"1", "true", "yes", "on"}, *const no[] = {"0", "false", "no", "off"};
  for (int i = 0; i < 4; i++) {
    if (ieq(v, yes[i])) return *out = 1, DLOPS_SUCCESS;
    if (ieq(v, no[i])) return *out = 0, DLOPS_SUCCESS;
  }
  return DLOPS_ERROR(NULL, DLOPS_ERR_ARG, "option %s=%.64s: expected 1, true, yes, on or 0, false, no, off", key, v);
}

int dlops_options_get_string(dlops_options o, const char *key, const char *def, const char *help, const char **out) {
  GET_ARGS(o, key, out);
  remember(o, key, "string", def ? def : "(none)", help);
  const char *v = lookup(o, key);
  *out = v ? v : def;
  return DLOPS_SUCCESS;
}

int dlops_options_get_positional(dlops_options o, int index, const char **out) {
  DLOPS_CHECK(o && out && index >= 0, NULL, DLOPS_ERR_ARG, "options: null handle or output, or negative index %d",
              index);
  *out = NULL;
  for (int i = 0, k = 0; i < o->ng; i++)
    if (!o->g[i].val && k++ == index) {
      o->g[i].used = 1;
      *out = o->g[i].key;
      break;
    }
  return DLOPS_SUCCESS;
}

int dlops_options_help_requested(dlops_options o, int *help) {
  DLOPS_CHECK(o && help, NULL, DLOPS_ERR_ARG, "options: null argument");
  *help = o->help;
  return DLOPS_SUCCESS;
}

int dlops_options_print_help(dlops_options o, const char *title, int print) {
  DLOPS_CHECK(o, NULL, DLOPS_ERR_ARG, "options: null options handle");
  if (!print) return DLOPS_SUCCESS;
  if (title) printf("%s\n", title);
  printf("Options (key=value on the command line; the defaults in brackets):\n");
  for (int i = 0; i < o->na; i++) {
    const opt_asked *a = &o->a[i];
    const char *v = NULL;
    for (int j = 0; j < o->ng; j++)
      if (o->g[j].val && !strcmp(o->g[j].key, a->key)) v = o->g[j].val;
    printf("  %s=<%s> [%s]%s%s%s: %s\n", a->key, a->type, a->def ? a->def : "", v ? " (given: " : "", v ? v : "",
           v ? ")" : "", a->help ? a->help : "");
  }
  fflush(stdout);
  return DLOPS_SUCCESS;
}

/* Levenshtein distance (short keys), for the nearest asked key. */
static int dist(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return 99;
  int d[64][64];
  for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
      d[i][j] = c;
    }
  return d[la][lb];
}

int dlops_options_report_unused(dlops_options o, int print, int *nunused) {
  DLOPS_CHECK(o, NULL, DLOPS_ERR_ARG, "options: null options handle");
  int n = 0;
  for (int i = 0; i < o->ng; i++) {
    const opt_given *g = &o->g[i];
    if (g->used) continue;
    /* a key given twice counts once (the last copy) */
    int later = 0;
    for (int j = i + 1; j < o->ng && g->val; j++) later |= o->g[j].val && !strcmp(o->g[j].key, g->key);
    if (later) continue;
    n++;
    if (!print) continue;
    int best = 99;
    const char *near = NULL;
    for (int k = 0; k < o->na; k++) {
      int e = dist(g->key, o->a[k].key);
      if (e < best) best = e, near = o->a[k].key;
    }
    if (g->val)
      fprintf(stderr, "WARNING: option %s=%s was given but never used%s%s%s\n", g->key, g->val,
              near && best <= 3 ? " (did you mean " : "", near && best <= 3 ? near : "", near && best <= 3 ? "?)" : "");
    else
      fprintf(stderr, "WARNING: argument '%s' was given but never used\n", g->key);
  }
  if (print) fflush(stderr);
  if (nunused) *nunused = n;
  return DLOPS_SUCCESS;
}
