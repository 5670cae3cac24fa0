/* Solver options, the monitor callback and its agreement over ranks, the cost history, and the
 * rank-0 log in PyLops' show=True format. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "solver_impl.h"

const char *dlops_stop_reason_name(int reason) {
  static const char *names[] = {"running", "converged_tol", "stop_maxit", "diverged_breakdown",
                                "diverged_nan", "stopped_by_user", "diverged_residual"};
  if (reason < 0 || reason > 6) return "?";
  return names[reason];
}

int dlops_solver_opts_default(dlops_solver_opts *o) {
  DLOPS_CHECK(o, NULL, DLOPS_ERR_ARG, "dlops_solver_opts_default: null options pointer");
  memset(o, 0, sizeof *o);
  o->niter = 10;
  o->tol = -1.0;
  o->damp = 0.0;
  o->variant = DLOPS_SOLVER_FUSED;
  o->show = 0;
  o->itershow[0] = o->itershow[1] = o->itershow[2] = 10;
  o->monitor = NULL;
  o->monitor_user = NULL;
  o->monitor_agree = 1;
  o->cost = NULL;
  o->seed = 0;
  o->pylops_quirks = 1;
  o->atol = 1e-8;
  o->btol = 1e-8;
  o->conlim = 1e8;
  o->random_start = 1;
  o->power_niter = 10;
  o->power_tol = 1e-5;
  o->eps = 0.1;
  o->alpha = 0.0;
  o->threshkind = DLOPS_THRESH_SOFT;
  o->decay = NULL;
  o->monitorres = 0;
  o->rtol = 0.0;
  o->tau = 0.0;
  o->epsg = 1.0;
  o->epsg_array = NULL;
  o->eta = 1.0;
  o->acceleration = DLOPS_ACCEL_NONE;
  o->inner_niter = 10;
  o->inner_tol = 1e-4;
  o->gfirst = 0;
  o->use_z0 = 0;
  o->checkpoint_every = 0;
  o->checkpoint_prefix = NULL;
  o->restart = 0;
  return DLOPS_SUCCESS;
}

static double wtime(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double slv_elapsed(const slv_run *R) { return wtime() - R->t0; }

static int env_monitor(void) {
  const char *e = getenv("DLOPS_MONITOR");
  return e && e[0] && strcmp(e, "0") != 0;
}

int slv_begin(slv_run *R, dlops_ctx ctx, const dlops_solver_opts *opts, int solver, const char *name,
              double default_tol) {
  memset(R, 0, sizeof *R);
  R->ctx = ctx;
  R->solver = solver;
  R->name = name;
  R->last_cost = NAN;
  R->pm.ev = -1;
  DLOPS_CALL(dlops_ctx_get_rank(ctx, &R->rank));
  if (opts)
    R->o = *opts;
  else
    dlops_solver_opts_default(&R->o);
  dlops_solver_opts *o = &R->o;
  /* checked locally, then agreed with a checksum of the options that steer the iteration: ranks
   * with different niter, tol or variant would leave the loop at different times and hang */
  int err = 0;
  DLOPS_CHECK_COLL(o->niter >= 0, ctx, err, DLOPS_ERR_ARG, "%s: niter must be >= 0, got %lld", name,
                   (long long)o->niter);
  DLOPS_CHECK_COLL(o->variant >= DLOPS_SOLVER_BLOCKING && o->variant <= DLOPS_SOLVER_PIPELINED, ctx, err,
                   DLOPS_ERR_ARG, "%s: unknown variant %d (DLOPS_SOLVER_BLOCKING, _FUSED or _PIPELINED)", name,
                   o->variant);
  DLOPS_CHECK_COLL(o->itershow[0] >= 0 && o->itershow[1] >= 0 && o->itershow[2] >= 1, ctx, err, DLOPS_ERR_ARG,
                   "%s: itershow must be >= 0, >= 0, >= 1", name);
  DLOPS_CHECK_COLL(!isnan(o->tol) && !isnan(o->damp) && isfinite(o->damp), ctx, err, DLOPS_ERR_ARG,
                   "%s: tol and damp must be numbers", name);
  if (o->tol < 0) o->tol = default_tol;
  /* Every option that decides what a rank computes or communicates is in the checksum (a value
   * that differs on one rank would make that rank leave the loop, or skip a reduction, while the
   * others wait), including the contents of the per-iteration arrays and the checkpoint prefix.
   * Only the log flag may differ: the ranks agree on "any rank asked for it" (rank 0 prints). */
  const double steer[] = {(double)o->niter, (double)o->variant, o->tol, o->damp, o->tau, o->eta, o->alpha, o->eps,
                          (double)o->inner_niter, (double)o->acceleration, (double)o->use_z0,
                          (double)o->checkpoint_every, (double)o->restart, (double)(o->monitor != NULL),
                          o->atol, o->btol, o->conlim, (double)o->power_niter, o->power_tol, (double)o->seed,
                          (double)o->threshkind, (double)o->monitorres, (double)(o->decay != NULL),
                          (double)(o->cost != NULL), (double)(o->monitor ? o->monitor_agree : 0),
                          (double)o->pylops_quirks, (double)o->random_start, o->rtol, o->epsg,
                          (double)(o->epsg_array != NULL), o->inner_tol, (double)o->gfirst, (double)o->itershow[0],
                          (double)o->itershow[1], (double)o->itershow[2],
                          (double)(o->checkpoint_prefix != NULL)};
  uint64_t h = dlops_hash_bytes(0, steer, sizeof steer);
  if (!err && o->decay) h = dlops_hash_bytes(h, o->decay, sizeof(double) * (size_t)o->niter);
  if (!err && o->epsg_array) h = dlops_hash_bytes(h, o->epsg_array, sizeof(double) * (size_t)o->niter);
  if (o->checkpoint_prefix) h = dlops_hash_bytes(h, o->checkpoint_prefix, strlen(o->checkpoint_prefix));
  double show = o->show || env_monitor();
  err = dlops_ctx_agree_max(ctx, err, h, "solver options (niter, tol, variant, cost buffer, per-iteration arrays, ...)",
                            &show, 1);
  if (err) return err;
  dlops_ctx_trust(ctx, +1);
  R->trusted = 1;
  R->show = show > 0;
  R->t0 = wtime();
  if (o->monitor && o->monitor_agree) {
    int P = 1;
    DLOPS_CALL(dlops_ctx_get_size(ctx, &P));
    int64_t n = P;
    /* in host memory whatever the context's space: the agreement costs no device transfer */
    DLOPS_CALL(dlops_darray_create_ext(ctx, 1, &n, 0, DLOPS_SCATTER, DLOPS_F64, 1, -1, DLOPS_MEM_HOST, &R->flag));
  }
  /* log_view (a no-op when off): from here to slv_end, which every solver reaches once slv_begin
   * succeeded */
  dlops_prof_solver_begin(ctx, name, &R->pm);
  return DLOPS_SUCCESS;
}

void slv_end(slv_run *R) {
  dlops_prof_solver_end(R->ctx, &R->pm, R->iters);
  if (R->trusted) dlops_ctx_trust(R->ctx, -1);
  R->trusted = 0;
  if (R->flag) dlops_darray_destroy(&R->flag);
}

int slv_record(slv_run *R, int64_t iter, double r1, double r2, double cost, double xupdate, int store_cost,
               dlops_darray x, int *stop) {
  *stop = 0;
  if (store_cost) {
    if (R->o.cost && R->ncost <= R->o.niter) R->o.cost[R->ncost] = cost;
    R->ncost++;
    R->last_cost = cost;
  }
  if (!R->o.monitor) return DLOPS_SUCCESS;
  dlops_solver_iter it;
  it.iter = iter;
  it.solver = R->solver;
  it.r1norm = r1;
  it.r2norm = r2;
  it.cost = cost;
  it.xupdate = xupdate;
  it.x = x;
  int want = R->o.monitor(R->o.monitor_user, &it) != 0;
  if (!R->flag) {
    *stop = want;
    return DLOPS_SUCCESS;
  }
  /* agree: every rank writes its wish into its own element (a host array), the max over ranks decides */
  void *p = NULL;
  int64_t nl = 0;
  DLOPS_CALL(dlops_darray_get_local_size(R->flag, &nl));
  DLOPS_CALL(dlops_darray_get_local(R->flag, DLOPS_MEM_HOST, &p));
  if (nl > 0) ((double *)p)[0] = want ? 1.0 : 0.0;
  DLOPS_CALL(dlops_darray_restore_local(R->flag, &p));
  double m = 0;
  DLOPS_CALL(dlops_darray_norm(R->flag, INFINITY, &m));
  *stop = m > 0;
  return DLOPS_SUCCESS;
}

int slv_showstep(const slv_run *R, int64_t i) {
  if (!R->show) return 0;
  return i < R->o.itershow[0] || R->o.niter - i < R->o.itershow[1] || i % R->o.itershow[2] == 0;
}

void slv_print(const slv_run *R, const char *fmt, ...) {
  if (!R->show || R->rank != 0) return;
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fflush(stdout);
}

/* First leaf of a (possibly stacked) array. */
static dlops_darray first_leaf(dlops_darray x) {
  int st = 0;
  while (dlops_darray_is_stacked(x, &st) == DLOPS_SUCCESS && st) {
    dlops_darray p = NULL;
    if (dlops_darray_stacked_get(x, 0, &p)) break;
    x = p;
  }
  return x;
}

static void x0_value(dlops_darray x, double *re, double *im, int *cplx) {
  *re = NAN;
  *im = 0;
  *cplx = 0;
  dlops_darray l = first_leaf(x);
  dlops_dtype t = DLOPS_F64;
  int64_t n = 0;
  const void *p = NULL;
  if (dlops_darray_get_dtype(l, &t) || dlops_darray_get_local_size(l, &n)) return;
  *cplx = t == DLOPS_C64 || t == DLOPS_C128;
  /* read-only: a device array is copied to the host, never back (log lines only) */
  if (n < 1 || dlops_darray_get_local_read(l, DLOPS_MEM_HOST, &p)) return;
  switch (t) {
    case DLOPS_F32: *re = ((const float *)p)[0]; break;
    case DLOPS_F64: *re = ((const double *)p)[0]; break;
    case DLOPS_C64: *re = ((const float *)p)[0]; *im = ((const float *)p)[1]; break;
    default: *re = ((const double *)p)[0]; *im = ((const double *)p)[1]; break;
  }
  dlops_darray_restore_local_read(l, &p);
}

double slv_x0_real(dlops_darray x) {
  double re, im;
  int c;
  x0_value(x, &re, &im, &c);
  return re;
}

void slv_fmt_x0(dlops_darray x, int unused, char *buf, size_t len, int *is_complex) {
  double re, im;
  int c;
  (void)unused;
  x0_value(x, &re, &im, &c);
  if (c)
    snprintf(buf, len, "%1.2e%+1.2ej", re, im);
  else
    snprintf(buf, len, "%11.4e", re);
  if (is_complex) *is_complex = c;
}

void slv_result(slv_run *R, dlops_solver_result *res, int64_t iters, int reason, double r1, double r2) {
  R->iters = iters;
  if (!res) return;
  res->iterations = iters;
  res->reason = reason;
  res->r1norm = r1;
  res->r2norm = r2;
  res->cost = R->last_cost;
  res->ncost = R->ncost;
  res->istop = 0;
}

void slv_print_finalize(const slv_run *R, int64_t it, int nbar) {
  if (!R->show || R->rank != 0) return;
  slv_print(R, "\nIterations = %lld        Total time (s) = %.2f\n", (long long)it, slv_elapsed(R));
  char bar[128];
  int k = nbar < 127 ? nbar : 127;
  for (int i = 0; i < k; i++) bar[i] = '-';
  bar[k] = '\0';
  slv_print(R, "%s\n\n", bar);
}

void slv_print_solver(const slv_run *R, const char *title, dlops_op A, int nbar) {
  if (!R->show || R->rank != 0) return;
  int64_t m = 0, n = 0;
  if (A) dlops_op_get_shape(A, &m, &n);
  char bar[128];
  int k = nbar < 127 ? nbar : 127;
  for (int i = 0; i < k; i++) bar[i] = '-';
  bar[k] = '\0';
  slv_print(R, "%s\n%s\nThe Operator Op has %lld rows and %lld cols\n", title, bar, (long long)m, (long long)n);
}
