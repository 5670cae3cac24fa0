/* Profiling summary (spec key log_view=1 or DLOPS_LOG_VIEW=1), in the spirit of PETSc's
 * -log_view: per operator kind (forward and adjoint apart) and per solver, the calls, the time
 * (max and average over ranks), the flops where the operator declares them, the messages, bytes
 * and allreduces it caused; printed by dlops_ctx_destroy. Never installed. docs/profiling.md.
 *
 * Off, a context's prof pointer is NULL and each apply pays one branch on it (op.c apply_entry).
 * On, every apply is recorded, nested ones included (a composite's components, a solver's
 * applies), as PETSc does: times are inclusive. Events nested in a running event are recorded in
 * that event's profile (the outermost one), whatever the context of the inner operator (the
 * per-rank local contexts of a BlockDiag's parts, even without log_view of their own): one
 * summary holds a whole apply. Every begin
 * must be followed by its end (the active profile is process-wide). */
#ifndef DLOPS_CORE_PROF_H
#define DLOPS_CORE_PROF_H

#include <stdint.h>

#include "intern.h"
#include "dlops.h"

/* Event kinds. */
enum { DLOPS_PROF_FWD = 0, DLOPS_PROF_ADJ = 1, DLOPS_PROF_SOLVER = 2 };

/* What an event saw at its start (on the caller's stack). ev < 0: not started. */
typedef struct {
  struct dlops_prof_s *p; /* the profile it is recorded in */
  int ev, owner;          /* owner: the outermost event (it set the active profile) */
  double t0, flops0;
  int64_t unknown0, nested0;
  long long msgs0, bytes0, red0;
} dlops_prof_mark;

/** Number of profiles alive in the process: 0 (no context has log_view=1) makes every apply and
 *  nested kernel skip the profiler on one branch. */
DLOPS_INTERN extern int dlops_prof_nlive;

/** Create the profile of ctx (log_view=1), at the end of dlops_ctx_create. Local. */
DLOPS_INTERN int dlops_prof_create(dlops_ctx ctx);
/** Start an event: recorded in the active profile (that of the running outermost event) if any,
 *  else in ctx's, else nowhere (m->ev < 0). name: a static string. Local. */
DLOPS_INTERN void dlops_prof_begin(dlops_ctx ctx, const char *name, int kind, dlops_prof_mark *m);
/** End it: flops is what the event itself declares (an operator's per-apply estimate on this
 *  rank; 0: none, then the flops of the events nested in it count, when all of them are known);
 *  iters is a solver's iteration count. Local. */
DLOPS_INTERN void dlops_prof_end(dlops_ctx ctx, const dlops_prof_mark *m, double flops, int64_t iters);
/** Solver entry and exit (no-ops when profiling is off or ctx is not usable). Local. */
DLOPS_INTERN void dlops_prof_solver_begin(dlops_ctx ctx, const char *name, dlops_prof_mark *m);
DLOPS_INTERN void dlops_prof_solver_end(dlops_ctx ctx, const dlops_prof_mark *m, int64_t iters);
/** Print the summary (rank 0 of the context; a one-rank context only on rank 0 of
 *  MPI_COMM_WORLD) and free the profile. **Collective** on the context: dlops_ctx_destroy calls
 *  it after its agreement, on every rank. */
DLOPS_INTERN void dlops_prof_finish(dlops_ctx ctx);
/** Free ctx's profile without printing (a creation that failed). Local. */
DLOPS_INTERN void dlops_prof_discard(dlops_ctx ctx);

#endif
