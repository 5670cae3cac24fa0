/* Profiling summary (prof.h, docs/profiling.md): events recorded per context, gathered on the
 * context's rank 0 and printed when the context is destroyed. */
#include "prof.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctx_impl.h"

/* clock_gettime: about half of MPI_Wtime's cost with Open MPI on the development machine (73 ns
 * against 135 ns a call), and an event reads the clock twice */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define PROF_NAME 40 /* characters of a name kept in the gathered records */

typedef struct {
  const char *name; /* static string */
  int kind;         /* DLOPS_PROF_* */
  int64_t calls, iters;
  double seconds;
  double flops;     /* summed over calls (known ones) */
  int64_t unknown;  /* calls whose flops were not known */
  long long msgs, bytes, red;
} prof_event;

struct dlops_prof_s {
  dlops_ctx ctx;
  double t0;               /* creation time */
  prof_event *ev;
  int nev, cap;
  double flops;            /* running total of declared (leaf) flops */
  int64_t unknown;         /* running count of leaf applies without an estimate */
  int64_t nested;          /* running count of events started */
};

/* The record each rank sends to rank 0. */
typedef struct {
  char name[PROF_NAME];
  double kind, calls, iters, seconds, flops, unknown, msgs, bytes, red;
} prof_rec;

int dlops_prof_nlive;

int dlops_prof_create(dlops_ctx ctx) {
  struct dlops_prof_s *p = calloc(1, sizeof *p);
  DLOPS_CHECK(p, ctx, DLOPS_ERR_MEM, "log_view: cannot allocate the profile");
  p->t0 = now();
  p->ctx = ctx;
  ctx->prof = p;
  dlops_prof_nlive++;
  return DLOPS_SUCCESS;
}

/* Messages and bytes of every kind but the metadata handshakes (agreements), and allreduces. */
static void comm_now(dlops_ctx ctx, long long *msgs, long long *bytes, long long *red) {
  long long m = 0, b = 0;
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
    if (k == DLOPS_COMM_META) continue;
    m += ctx->counters->k[k].messages;
    b += ctx->counters->k[k].bytes;
  }
  *msgs = m;
  *bytes = b;
  *red = ctx->counters->k[DLOPS_COMM_ALLREDUCE].calls;
}

static int find_event(struct dlops_prof_s *p, const char *name, int kind) {
  for (int i = 0; i < p->nev; i++)
    if (p->ev[i].kind == kind && (p->ev[i].name == name || !strcmp(p->ev[i].name, name))) return i;
  if (p->nev == p->cap) {
    int cap = p->cap ? 2 * p->cap : 32;
    prof_event *e = realloc(p->ev, sizeof *e * (size_t)cap);
    if (!e) return -1; /* not recorded */
    p->ev = e;
    p->cap = cap;
  }
  memset(&p->ev[p->nev], 0, sizeof p->ev[0]);
  p->ev[p->nev].name = name;
  p->ev[p->nev].kind = kind;
  return p->nev++;
}

/* The profile of the outermost running event (NULL: none runs). dlops is not thread-safe (one
 * thread calls it at a time, docs/reliability-limits.md): a plain static. */
static struct dlops_prof_s *active;

void dlops_prof_begin(dlops_ctx ctx, const char *name, int kind, dlops_prof_mark *m) {
  struct dlops_prof_s *p = active ? active : ctx->prof;
  m->p = p;
  m->owner = 0;
  m->ev = -1;
  if (!p) return; /* no profile here and none running: nothing recorded */
  m->owner = !active;
  if (!active) active = p;
  m->p = p;
  ctx = p->ctx; /* its counters */
  m->ev = find_event(p, name ? name : "?", kind);
  p->nested++;
  m->flops0 = p->flops;
  m->unknown0 = p->unknown;
  m->nested0 = p->nested;
  comm_now(ctx, &m->msgs0, &m->bytes0, &m->red0);
  m->t0 = now();
}

static long long nonneg(long long v) { return v > 0 ? v : 0; } /* counters reset inside an event */

void dlops_prof_end(dlops_ctx ctx, const dlops_prof_mark *m, double flops, int64_t iters) {
  struct dlops_prof_s *p = m->p;
  if (!p) return; /* not recorded */
  const double t = now() - m->t0;
  if (m->owner) active = NULL;
  if (m->ev < 0 || m->ev >= p->nev) return;
  ctx = p->ctx;
  const int leaf = p->nested == m->nested0; /* nothing was recorded inside this event */
  if (flops > 0)
    p->flops += flops;
  else if (leaf && iters == 0)
    p->unknown++; /* an operator without an estimate */
  prof_event *e = &p->ev[m->ev];
  long long msgs, bytes, red;
  comm_now(ctx, &msgs, &bytes, &red);
  e->calls++;
  e->iters += iters;
  e->seconds += t;
  if (p->unknown > m->unknown0 || (leaf && !(flops > 0))) e->unknown++; /* not (all) known */
  e->flops += p->flops - m->flops0; /* the known part */
  e->msgs += nonneg(msgs - m->msgs0);
  e->bytes += nonneg(bytes - m->bytes0);
  e->red += nonneg(red - m->red0);
}

void dlops_prof_solver_begin(dlops_ctx ctx, const char *name, dlops_prof_mark *m) {
  m->ev = -1;
  m->p = NULL;
  if (!dlops_prof_nlive || dlops_ctx_check(ctx)) return;
  dlops_prof_begin(ctx, name, DLOPS_PROF_SOLVER, m);
}

void dlops_prof_solver_end(dlops_ctx ctx, const dlops_prof_mark *m, int64_t iters) {
  if (m->ev < 0 || !m->p || dlops_ctx_check(ctx)) return;
  dlops_prof_end(ctx, m, 0.0, iters);
}

void dlops_prof_discard(dlops_ctx ctx) {
  struct dlops_prof_s *p = ctx->prof;
  if (!p) return;
  ctx->prof = NULL;
  dlops_prof_nlive--;
  if (active == p) active = NULL;
  free(p->ev);
  free(p);
}

/* ---------------------------------------------------------------- the summary */
typedef struct {
  prof_rec r;    /* merged: calls max, seconds max, flops sum, msgs and bytes sum, red max */
  double tsum;   /* seconds summed over ranks */
  int known;     /* 0: some call's flops (on some rank) not known, or only in part */
} merged;

/* "-" when nothing is known; the known part followed by "+" when some calls were not known (a
 * lower bound), and no rate then */
static void fmt_flops(char *buf, size_t n, double f, int known) {
  if (!(f > 0)) snprintf(buf, n, "-");
  else snprintf(buf, n, "%.3e%s", f, known ? "" : "+");
}

static void fmt_rate(char *buf, size_t n, double f, double t, int known) {
  if (!known || !(f > 0) || !(t > 0)) snprintf(buf, n, "-");
  else snprintf(buf, n, "%.1f", f / t * 1e-6);
}

static const char *kind_label(int kind) { return kind == DLOPS_PROF_FWD ? "apply" : kind == DLOPS_PROF_ADJ ? "adjoint" : "solve"; }

static void print_summary(dlops_ctx ctx, const merged *m, int nm, double tmax, const long long *cv, const double *ct,
                          FILE *f) {
  fprintf(f, "------------------------------------------------------------------------------------------\n");
  fprintf(f, "dlops log_view: context on %d rank%s (%s), %.6f s from creation to destroy (max over ranks)\n",
          ctx->size, ctx->size == 1 ? "" : "s", ctx->spec, tmax);
  fprintf(f, "Times are inclusive (nested applies are counted too); calls, iterations and reductions: max over "
             "ranks;\nflops, messages and bytes: summed over ranks; messages and bytes exclude metadata handshakes.\n");
  for (int pass = 0; pass < 2; pass++) {
    int any = 0;
    for (int i = 0; i < nm; i++) any |= (m[i].r.kind == DLOPS_PROF_SOLVER) == pass;
    if (!any) continue;
    if (pass == 0)
      fprintf(f, "\n%-26s %-7s %9s %11s %11s %11s %9s %9s %12s %8s\n", "Operator", "event", "calls", "max time",
              "avg time", "flops", "MFlop/s", "messages", "bytes", "reduct");
    else
      fprintf(f, "\n%-26s %-7s %9s %11s %11s %11s %9s %9s %12s %8s\n", "Solver", "iters", "calls", "max time",
              "avg time", "flops", "MFlop/s", "messages", "bytes", "reduct");
    for (int i = 0; i < nm; i++) {
      const prof_rec *r = &m[i].r;
      if ((r->kind == DLOPS_PROF_SOLVER) != pass) continue;
      char fl[32], rate[32], second[32];
      fmt_flops(fl, sizeof fl, r->flops, m[i].known);
      fmt_rate(rate, sizeof rate, r->flops, r->seconds, m[i].known);
      if (pass == 0)
        snprintf(second, sizeof second, "%s", kind_label((int)r->kind));
      else
        snprintf(second, sizeof second, "%.0f", r->iters);
      fprintf(f, "%-26.26s %-7s %9.0f %11.4e %11.4e %11s %9s %9.0f %12.0f %8.0f\n", r->name, second, r->calls,
              r->seconds, m[i].tsum / ctx->size, fl, rate, r->msgs, r->bytes, r->red);
    }
  }
  fprintf(f, "\nCommunication by kind (calls, messages and bytes summed over ranks; time: max over ranks)\n");
  fprintf(f, "  %-10s %10s %10s %14s %12s\n", "kind", "calls", "messages", "bytes", "seconds");
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++)
    if (cv[3 * k])
      fprintf(f, "  %-10s %10lld %10lld %14lld %12.6f\n", dlops_comm_kind_name((dlops_comm_kind)k), cv[3 * k],
              cv[3 * k + 1], cv[3 * k + 2], ct[k]);
  fprintf(f, "------------------------------------------------------------------------------------------\n");
  fflush(f);
}

/* rank 0 of the context prints; a one-rank context only on rank 0 of MPI_COMM_WORLD (the
 * per-rank local contexts of a program print once per job) */
static int printer(dlops_ctx ctx) {
  if (ctx->rank != 0) return 0;
  if (ctx->size > 1) return 1;
  int wr = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &wr);
  return wr == 0;
}

void dlops_prof_finish(dlops_ctx ctx) {
  struct dlops_prof_s *p = ctx->prof;
  if (!p) return;
  ctx->prof = NULL;
  dlops_prof_nlive--;
  if (active == p) active = NULL; /* an event that never ended (it should not happen) */
  /* every rank sends its events (they may differ by rank: the local operators of a BlockDiag) */
  const double tloc = now() - p->t0;
  int n = p->nev;
  prof_rec *mine = calloc((size_t)(n > 0 ? n : 1), sizeof *mine);
  if (!mine) n = 0; /* sends nothing: the summary lacks this rank's events */
  for (int i = 0; i < n; i++) {
    const prof_event *e = &p->ev[i];
    snprintf(mine[i].name, PROF_NAME, "%s", e->name);
    mine[i].kind = e->kind;
    mine[i].calls = (double)e->calls;
    mine[i].iters = (double)e->iters;
    mine[i].seconds = e->seconds;
    mine[i].flops = e->flops;
    mine[i].unknown = (double)e->unknown;
    mine[i].msgs = (double)e->msgs;
    mine[i].bytes = (double)e->bytes;
    mine[i].red = (double)e->red;
  }
  /* every rank sends nmax records (padded with empty names): one allreduce for nmax, one bcast
   * of rank 0's allocation outcome, so that a failed allocation skips the gather on every rank */
  const int P = ctx->size;
  int nmax = n;
  MPI_Allreduce(MPI_IN_PLACE, &nmax, 1, MPI_INT, MPI_MAX, ctx->comm);
  prof_rec *send = calloc((size_t)(nmax > 0 ? nmax : 1), sizeof *send), *all = NULL;
  if (send && n) memcpy(send, mine, sizeof *mine * (size_t)n);
  int ok = send != NULL;
  if (ctx->rank == 0) {
    all = calloc((size_t)P * (size_t)(nmax > 0 ? nmax : 1), sizeof *all);
    ok = ok && all;
  }
  MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, ctx->comm);
  const int nb = nmax * (int)sizeof(prof_rec);
  if (ok && nb > 0) MPI_Gather(send, nb, MPI_BYTE, all, nb, MPI_BYTE, 0, ctx->comm);
  const int total = ok ? P * nb : 0;
  /* communication counters and the total time */
  const int K = DLOPS_COMM_NUM_KINDS;
  long long cv[3 * DLOPS_COMM_NUM_KINDS], cvs[3 * DLOPS_COMM_NUM_KINDS];
  double ct[DLOPS_COMM_NUM_KINDS + 1], cts[DLOPS_COMM_NUM_KINDS + 1];
  for (int k = 0; k < K; k++) {
    cv[3 * k] = ctx->counters->k[k].calls;
    cv[3 * k + 1] = ctx->counters->k[k].messages;
    cv[3 * k + 2] = ctx->counters->k[k].bytes;
    ct[k] = ctx->counters->k[k].seconds;
  }
  ct[K] = tloc;
  MPI_Reduce(cv, cvs, 3 * K, MPI_LONG_LONG, MPI_SUM, 0, ctx->comm);
  MPI_Reduce(ct, cts, K + 1, MPI_DOUBLE, MPI_MAX, 0, ctx->comm);
  if (ctx->rank == 0 && ok && printer(ctx)) {
    int nr = total / (int)sizeof(prof_rec), nm = 0;
    merged *m = calloc((size_t)(nr > 0 ? nr : 1), sizeof *m);
    for (int i = 0; m && i < nr; i++) {
      const prof_rec *r = &all[i];
      if (!r->name[0]) continue; /* padding */
      int j = 0;
      while (j < nm && !(m[j].r.kind == r->kind && !strcmp(m[j].r.name, r->name))) j++;
      if (j == nm) {
        m[nm].r = *r;
        m[nm].tsum = r->seconds;
        m[nm].known = r->unknown == 0;
        nm++;
        continue;
      }
      prof_rec *a = &m[j].r;
      a->calls = fmax(a->calls, r->calls);
      a->iters = fmax(a->iters, r->iters);
      a->seconds = fmax(a->seconds, r->seconds);
      m[j].tsum += r->seconds;
      a->flops += r->flops;
      m[j].known &= r->unknown == 0;
      a->msgs += r->msgs;
      a->bytes += r->bytes;
      a->red = fmax(a->red, r->red);
    }
    if (m) print_summary(ctx, m, nm, cts[K], cvs, cts, stdout);
    free(m);
  }
  free(all);
  free(send);
  free(mine);
  free(p->ev);
  free(p);
}
