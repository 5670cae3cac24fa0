/* Power iteration (PyLops-MPI power_iteration): eigenvalue of largest modulus.
 *   BLOCKING  b^H A b and ||A b|| in two allreduces per iteration (PyLops-MPI).
 *   FUSED     both in one multi_dot (||A b||^2 = (A b)^H (A b)). */
#include "solver_impl.h"

int dlops_solve_power(dlops_op A, dlops_darray b, const dlops_solver_opts *opts, dlops_scalar *maxeig,
                      dlops_solver_result *res) {
  slv_run R;
  dlops_darray bw = NULL, b1 = NULL;
  dlops_ctx ctx = NULL;
  DLOPS_CALL(slv_ctx(A, "power iteration", &ctx));
  /* a NULL maxeig on some ranks: marked, so slv_begin's agreement fails every rank */
  if (!maxeig) dlops_ctx_mark(ctx, DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "power iteration: null maxeig pointer"));
  int err = slv_begin(&R, ctx, opts, SLV_POWER, "power iteration", 1e-5);
  if (err) return err;
  SLV_TRY(slv_setup("power iteration", A, NULL, b, 1, &bw, NULL));
  const dlops_solver_opts *o = &R.o;
  int reason = DLOPS_SOLVER_RUNNING, stop = 0;
  int64_t it = 0;
  dlops_scalar ev = {0, 0};
  double nb;
  SLV_ALLOC(dlops_darray_duplicate(bw, &b1));
  SLV_AGREE(); /* an allocation failed on some rank: every rank leaves here */
  if (o->random_start) SLV_LOCAL(slv_random_fill(bw, o->seed));
  SLV_TRY(dlops_darray_norm(bw, 2.0, &nb));
  if (!isfinite(nb)) reason = DLOPS_DIVERGED_NAN;
  else if (nb == 0.0) reason = DLOPS_DIVERGED_BREAKDOWN;
  else SLV_LOCAL(dlops_darray_scale(bw, slv_s(1.0 / nb)));
  double old = 0.0;
  while (!reason) {
    if (it >= o->niter) { reason = DLOPS_STOP_MAXIT; break; }
    SLV_LOCAL(dlops_op_apply(A, bw, b1));
    double nb1;
    if (o->variant == DLOPS_SOLVER_BLOCKING) {
      SLV_TRY(dlops_darray_vdot(bw, b1, &ev));
      SLV_TRY(dlops_darray_norm(b1, 2.0, &nb1));
    } else {
      dlops_darray xs[2] = {bw, b1}, ys[2] = {b1, b1};
      int cj[2] = {1, 1};
      dlops_scalar d[2];
      SLV_TRY(dlops_darray_multi_dot(2, xs, ys, cj, d));
      ev = d[0];
      nb1 = sqrt(fabs(d[1].re));
    }
    it++;
    double m = slv_abs(ev);
    if (!isfinite(m) || !isfinite(nb1)) { reason = DLOPS_DIVERGED_NAN; break; }
    if (nb1 == 0.0) { reason = DLOPS_DIVERGED_BREAKDOWN; break; }
    /* b = A b / ||A b|| (swap the handles instead of copying) */
    SLV_LOCAL(dlops_darray_scale(b1, slv_s(1.0 / nb1)));
    dlops_darray t = bw;
    bw = b1;
    b1 = t;
    SLV_TRY(slv_record(&R, it, m, m, m, NAN, 1, bw, &stop));
    if (fabs(m - old) < o->tol * m) { reason = DLOPS_CONVERGED_TOL; break; }
    if (stop) { reason = DLOPS_STOPPED_BY_USER; break; }
    old = m;
  }
  SLV_LOCAL(dlops_darray_copy(bw, b));
  *maxeig = ev;
  slv_result(&R, res, it, reason, slv_abs(ev), slv_abs(ev));
done:
  slv_end(&R);
  dlops_darray_destroy(&bw);
  dlops_darray_destroy(&b1);
  return err;
}
