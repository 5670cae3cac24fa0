/* Internal helpers shared by the solvers (never installed).
 *
 * The solvers use the public darray and operator API only. The one internal header they include
 * is core/error.h, for the project-wide error macros (DLOPS_ERROR/DLOPS_CHECK), which live in the
 * core layer that every layer sits on; nothing from comm/, darray/ or ops/ internals is used. */
#ifndef DLOPS_SOLVERS_IMPL_H
#define DLOPS_SOLVERS_IMPL_H

#include <math.h>

#include "../core/error.h"
#include "../core/prof.h"
#include "dlops.h"

/* Solver ids (dlops_solver_iter.solver). */
enum { SLV_CG = 0, SLV_CGLS = 1, SLV_LSQR = 2, SLV_POWER = 3, SLV_ISTA = 4, SLV_FISTA = 5, SLV_PG = 6, SLV_ADMM = 7 };

/* Jump to the cleanup label on error (every solver frees its work arrays there). */
#define SLV_TRY(expr)          \
  do {                         \
    err = (expr);              \
    if (err) goto done;        \
  } while (0)

/* A local step inside a solver (an operator apply, an axpby, a map): a failure on some ranks only
 * must not make those ranks leave while the others wait in the next reduction. It marks the
 * context, the solver goes on, and the next reduction (every iteration has one) returns the
 * error on every rank, where SLV_TRY leaves. */
#define SLV_LOCAL(expr)                          \
  do {                                           \
    int slv_lerr_ = (expr);                      \
    if (slv_lerr_) dlops_ctx_mark(R.ctx, slv_lerr_); \
  } while (0)

/* Allocations: keep the first failure in err and go on; SLV_AGREE then leaves on every rank. */
#define SLV_ALLOC(expr)                          \
  do {                                           \
    int slv_aerr_ = (expr);                      \
    if (slv_aerr_ && !err) err = slv_aerr_;      \
  } while (0)
#define SLV_AGREE() SLV_TRY(dlops_ctx_agree(R.ctx, err, 0, NULL))

/* The operator's context; a NULL or stale operator on this rank still joins the others'
 * agreement (every solver's first communication is one), so no rank waits. */
static inline int slv_ctx(dlops_op A, const char *name, dlops_ctx *ctx) {
  *ctx = NULL;
  int e = A ? dlops_op_get_ctx(A, ctx) : DLOPS_ERROR(NULL, DLOPS_ERR_ARG, "%s: null operator", name);
  if (e) return dlops_ctx_agree(NULL, e, 0, NULL);
  return DLOPS_SUCCESS;
}

static inline dlops_scalar slv_s(double v) {
  dlops_scalar s = {v, 0.0};
  return s;
}
static inline double slv_abs(dlops_scalar s) { return s.im == 0.0 ? fabs(s.re) : hypot(s.re, s.im); }

/* One solve's bookkeeping: effective options, rank, monitor agreement, cost history, log. */
typedef struct {
  dlops_ctx ctx;
  int rank;
  int solver;
  const char *name;        /* for messages */
  dlops_solver_opts o;     /* effective options (defaults filled in) */
  int show;                /* log on (rank 0 prints) */
  double t0;               /* start time (log) */
  dlops_darray flag;       /* one element per rank: monitor stop agreement */
  int64_t ncost;
  double last_cost;
  int trusted;             /* slv_begin entered the context's trusted region */
  dlops_prof_mark pm;      /* log_view: the solve's event (slv_begin to slv_end) */
  int64_t iters;           /* set by slv_result, for the profile */
} slv_run;

/* Validate and copy the options (NULL = defaults); tol < 0 becomes default_tol. Creates the
 * agreement array when a monitor is attached (collective). */
DLOPS_INTERN int slv_begin(slv_run *R, dlops_ctx ctx, const dlops_solver_opts *opts, int solver, const char *name,
                           double default_tol);
/* Release what slv_begin created. */
DLOPS_INTERN void slv_end(slv_run *R);
/* Record an iteration: stores cost in the history when store_cost, calls the monitor; *stop = 1
 * when the (agreed) monitor asks to stop. */
DLOPS_INTERN int slv_record(slv_run *R, int64_t iter, double r1, double r2, double cost, double xupdate, int store_cost,
                            dlops_darray x, int *stop);
/* PyLops' itershow rule for a step that is about to run with iteration counter iiter. */
DLOPS_INTERN int slv_showstep(const slv_run *R, int64_t iiter);
/* Print on rank 0 only (when R->show). */
DLOPS_INTERN void slv_print(const slv_run *R, const char *fmt, ...) DLOPS_PRINTF(2, 3);
/* PyLops' finalize lines ("Iterations = ..." and a bar of nbar dashes) and solver banner. */
DLOPS_INTERN void slv_print_finalize(const slv_run *R, int64_t it, int nbar);
DLOPS_INTERN void slv_print_solver(const slv_run *R, const char *title, dlops_op A, int nbar);
/* Seconds since slv_begin. */
DLOPS_INTERN double slv_elapsed(const slv_run *R);
/* PyLops' x[0] of the log: element 0 of rank 0's local block (first component when stacked).
 * Local; writes a formatted value ("%11.4e" real, "%1.2e%+1.2ej" complex) into buf. */
DLOPS_INTERN void slv_fmt_x0(dlops_darray x, int real_fmt_is_short, char *buf, size_t len, int *is_complex);
DLOPS_INTERN double slv_x0_real(dlops_darray x);
/* Fill result and the stop bookkeeping. */
DLOPS_INTERN void slv_result(slv_run *R, dlops_solver_result *res, int64_t iters, int reason, double r1, double r2);

/* Check operator and vectors, make the working copies: xw = copy of x (A's domain), yw = copy of
 * y (A's range; y may be NULL). square: the domain and range layouts must agree. */
DLOPS_INTERN int slv_setup(const char *name, dlops_op A, dlops_darray y, dlops_darray x, int square, dlops_darray *xw,
                           dlops_darray *yw);

/* ---- element maps (dlops_darray_map: they run where the data lives) ---- */
/* out = threshold(in) of a map kind (DLOPS_MAP_SOFT/HARD/HALF_THRESHOLD at t, DLOPS_MAP_HARD_CUT
 * at t for the L0 prox, DLOPS_MAP_CLIP to the box [t, t2]). Not collective. */
DLOPS_INTERN int slv_threshold(dlops_darray in, dlops_darray out, dlops_map_kind kind, double t, double t2);
/* out = sign(in) (x/|x| for complex, 0 at 0): then Re vdot(out, in) = ||in||_1. */
DLOPS_INTERN int slv_sign(dlops_darray in, dlops_darray out);
/* out = 1 where in != 0 else 0 (dot(out, out) = number of non-zeros). */
DLOPS_INTERN int slv_nonzero(dlops_darray in, dlops_darray out);
/* out = 1 where in is outside [lo, hi] (or NaN) else 0. */
DLOPS_INTERN int slv_outside(dlops_darray in, dlops_darray out, double lo, double hi);
/* Uniform [0,1) values (+ i [0,1) for complex) from seed as a function of the global index. */
DLOPS_INTERN int slv_random_fill(dlops_darray x, unsigned long long seed);

/* ---- proximal internals used by the solvers ---- */
/* Up to 3 dot products whose weighted real parts give a prox's value; temporaries owned. */
typedef struct {
  int n;
  dlops_darray xs[3], ys[3];
  int conj[3];
  double coef[3];
  dlops_darray tmp[3];
  int ntmp;
  int is_box;
} slv_val;
DLOPS_INTERN int slv_val_prepare(dlops_prox p, dlops_darray x, slv_val *v);
DLOPS_INTERN double slv_val_finish(const slv_val *v, const dlops_scalar *r);
DLOPS_INTERN void slv_val_free(slv_val *v);

/* ---- checkpoints (checkpoint.c; opts.checkpoint_every, checkpoint_prefix, restart) ----
 * A solver lists its state once, before its loop: the working arrays (by address, so arrays
 * that the loop swaps are followed), the scalars of its recurrence (double, int64, int) and the
 * problem parameters a restart must match (damp, tau, ...). slv_ckpt_resume then validates the
 * options and, when opts.restart asks for it, overwrites the listed state (and the iteration
 * counter, the cost history and the stop bookkeeping of R) from the checkpoint; slv_ckpt_step,
 * called at the top of the loop once the stop tests have passed (nothing in flight), writes a
 * checkpoint every checkpoint_every iterations. Both are collective and agree their errors. */
#define SLV_CKPT_MAX 40
typedef struct {
  const char *name;
  char kind; /* 'a' array (dlops_darray *), 'd' double *, 'l' int64_t *, 'i' int *, 'p' parameter */
  void *p;
  double param;
} slv_ckpt_item;
typedef struct {
  int n, overflow;
  slv_ckpt_item item[SLV_CKPT_MAX];
  int64_t resumed; /* iteration restored from a checkpoint, -1 when none */
  int64_t last;    /* iteration of the last checkpoint this solve wrote or read, -1 when none */
} slv_ckpt;
DLOPS_INTERN void slv_ckpt_init(slv_ckpt *K);
/* NULL-terminated lists of (name, address) pairs; arrays whose handle is NULL are skipped. */
DLOPS_INTERN void slv_ckpt_arrays(slv_ckpt *K, ...);
DLOPS_INTERN void slv_ckpt_doubles(slv_ckpt *K, ...);
DLOPS_INTERN void slv_ckpt_int64s(slv_ckpt *K, ...);
DLOPS_INTERN void slv_ckpt_ints(slv_ckpt *K, ...);
DLOPS_INTERN void slv_ckpt_param(slv_ckpt *K, const char *name, double value);
/* Validate the checkpoint options; with restart, load the state: *it = the iteration, *reason =
 * DLOPS_SOLVER_RUNNING. Nothing changes when there is nothing to load (restart 0, or 2 without a
 * checkpoint). **Collective**. */
DLOPS_INTERN int slv_ckpt_resume(slv_run *R, slv_ckpt *K, int64_t *it, int *reason);
/* Write a checkpoint when it is a positive multiple of checkpoint_every. **Collective**. */
DLOPS_INTERN int slv_ckpt_step(slv_run *R, slv_ckpt *K, int64_t it);
/* The two steps themselves (slv_ckpt_step calls save when due). */
DLOPS_INTERN int slv_ckpt_save(slv_run *R, slv_ckpt *K, int64_t it);
DLOPS_INTERN int slv_ckpt_load(slv_run *R, slv_ckpt *K, int64_t *it, int *loaded);


#endif
